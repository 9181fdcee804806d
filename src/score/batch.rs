//! Scoring many records: into a caller-provided buffer, or straight into a top-K ranking.
//! Neither allocates.

use core::cmp::Ordering;

use heapless::binary_heap::{BinaryHeap, Min};

use super::{ScoreError, Scorer, Scores};
use crate::model::Model;
use crate::record::Record;

/// Scores every record of `records` into `out` (one result per record, same order; one bad
/// record never stops the batch). `out` must be at least as long as `records`; returns the
/// number of records that scored `Ok`.
///
/// ```
/// use silkscore::{score::batch::score_batch, Record, BRI_CULTURAL_V1 as M};
/// let mut good = Record::new(1, M.len());
/// for i in 0..M.len() { good.set(i, 10.0).unwrap(); }
/// let empty = Record::new(2, M.len()); // every value missing
/// let empty_slot = Err(silkscore::ScoreError::BufferTooSmall { needed: 0 });
/// let mut out: [Result<silkscore::Scores, silkscore::ScoreError>; 2] = [empty_slot; 2];
/// assert_eq!(score_batch(&M, &[good, empty], &mut out), Ok(1));
/// assert!(out[0].is_ok() && out[1].is_err());
/// ```
pub fn score_batch(
    model: &Model,
    records: &[Record],
    out: &mut [Result<Scores, ScoreError>],
) -> Result<usize, ScoreError> {
    if out.len() < records.len() {
        return Err(ScoreError::BufferTooSmall {
            needed: records.len(),
        });
    }
    let scorer = Scorer::new(model);
    let mut ok = 0;
    for (slot, rec) in out.iter_mut().zip(records) {
        *slot = scorer.score(rec);
        ok += usize::from(slot.is_ok());
    }
    Ok(ok)
}

/// One entry of a ranking.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Ranked {
    /// Position of the record in the batch.
    pub position: usize,
    /// Its scores.
    pub scores: Scores,
}

impl Ranked {
    /// Higher composite first; among equal composites, the earlier record first.
    fn rank_cmp(&self, other: &Self) -> Ordering {
        self.scores
            .composite
            .total_cmp(&other.scores.composite)
            .then_with(|| other.position.cmp(&self.position))
    }
}

impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    /// "Greater" means "ranks higher".
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank_cmp(other)
    }
}

/// A fixed-capacity top-K ranking you can feed one score at a time (for streams that never
/// fit in memory).
///
/// ```
/// use silkscore::score::batch::TopK;
/// # use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
/// let mut top: TopK<2> = TopK::new();
/// for (pos, v) in [1.0f32, 50.0, 20.0].iter().enumerate() {
///     let mut r = Record::new(pos as u32, M.len());
///     for i in 0..M.len() { r.set(i, *v).unwrap(); }
///     top.push(pos, score(&M, &r).unwrap());
/// }
/// let ranked = top.into_sorted();
/// assert_eq!(ranked.iter().map(|r| r.position).collect::<Vec<_>>(), [1, 2]);
/// ```
pub struct TopK<const K: usize> {
    heap: BinaryHeap<Ranked, Min, K>,
}

impl<const K: usize> Default for TopK<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const K: usize> TopK<K> {
    /// An empty ranking.
    pub const fn new() -> Self {
        TopK {
            heap: BinaryHeap::new(),
        }
    }

    /// Offers one scored record; keeps it if it is among the best K so far.
    pub fn push(&mut self, position: usize, scores: Scores) {
        let entry = Ranked { position, scores };
        if let Err(entry) = self.heap.push(entry) {
            let worse = self.heap.peek().is_some_and(|min| *min < entry);
            if worse {
                let _ = self.heap.pop();
                let _ = self.heap.push(entry);
            }
        }
    }

    /// Number of entries held (≤ K).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The kept entries, best first.
    pub fn into_sorted(self) -> heapless::Vec<Ranked, K> {
        let mut v = self.heap.into_vec();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }
}

/// Scores every record and returns the best `K`, best first (records that fail to score are
/// skipped). Ties keep input order.
///
/// ```
/// use silkscore::{score::batch::top_k, Record, BRI_CULTURAL_V1 as M};
/// let recs: Vec<Record> = (0..5u32).map(|id| {
///     let mut r = Record::new(id, M.len());
///     for i in 0..M.len() { r.set(i, id as f32 * 10.0).unwrap(); }
///     r
/// }).collect();
/// let top = top_k::<3>(&M, &recs);
/// assert_eq!(top.iter().map(|r| r.scores.record_id).collect::<Vec<_>>(), [4, 3, 2]);
/// ```
pub fn top_k<const K: usize>(model: &Model, records: &[Record]) -> heapless::Vec<Ranked, K> {
    let scorer = Scorer::new(model);
    let mut top = TopK::<K>::new();
    for (pos, rec) in records.iter().enumerate() {
        if let Ok(s) = scorer.score(rec) {
            top.push(pos, s);
        }
    }
    top.into_sorted()
}
