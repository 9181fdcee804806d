//! Entropy and CRITIC weights of a large batch of records (docs/spec.md §5.3, §5.4), in
//! parallel, with the bits of the core's [`entropy`](silkscore::weights::entropy::entropy)
//! and [`critic_with`](silkscore::weights::critic::critic_with).
//!
//! The bits of those weights depend only on the order of the additions: f64 sums over the
//! rows in batch order. Where each term is computed does not matter. So a [`Batch`]:
//!
//! 1. takes each record's values as f32 ([`Batch::values`]: the normalised scores, or the
//!    raw values for CRITIC's [`Normalisation::Data`]), computed wherever the caller likes
//!    (on the reader's worker threads, [`crate::pipeline::rows_with`]), and keeps only
//!    them, in chunks of [`CHUNK_ROWS`] rows: 4 bytes per value, 72 bytes per record of an
//!    18-indicator model, and no reallocation of the whole;
//! 2. adds each row, in batch order, to the first pass ([`ColumnScan`]) as it is pushed;
//! 3. for the second pass ([`PhiSums`], [`CrossProducts`]) gives each of `threads` scoped
//!    threads its own share of the sums (columns for entropy, rows of the cross-product
//!    triangle for CRITIC, split so that the shares hold about as many terms); each thread
//!    runs over every row in batch order and adds its terms, so every sum is added in the
//!    order [`entropy`](silkscore::weights::entropy::entropy) adds it,
//!    and the shares are put together without another addition.
//!
//! The weights are the same bits for every `threads` and every chunking, as the core's
//! functions give on the same records (the tests compare them).
//!
//! ```
//! use silkscore::weights::entropy;
//! use silkscore::{Record, BRI_CULTURAL_V1 as M};
//! use silkscore_host::weights_stream::{Batch, Method, Weights};
//!
//! let records: Vec<Record> = (1..=50u32)
//!     .map(|i| {
//!         let v: Vec<Option<f32>> =
//!             (0..18u32).map(|j| Some(((i * 31 + j * 7) % 97) as f32)).collect();
//!         Record::from_values(i, &v).unwrap()
//!     })
//!     .collect();
//! let mut batch = Batch::new(&M, Method::Entropy);
//! let mut row = [0.0f32; 18];
//! for r in &records {
//!     batch.values().normalise(r, &mut row);
//!     batch.push(&row);
//! }
//! let Weights::Entropy(w) = batch.weights(&M, 2)? else { unreachable!() };
//! assert_eq!(*w, entropy::entropy(&M, &records)?);
//! # Ok::<(), silkscore::weights::WeightsError>(())
//! ```

use core::ops::Range;
use std::boxed::Box;
use std::vec::Vec;

use silkscore::model::MAX_INDICATORS;
use silkscore::score::simd::SimdPath;
use silkscore::weights::critic::{CriticWeights, CrossProducts, MinMax, Normalisation};
use silkscore::weights::entropy::{EntropyWeights, PhiSums};
use silkscore::weights::{ColumnScan, Normaliser, WeightsError};
use silkscore::Model;

/// Rows per chunk of a [`Batch`]: 16,384 rows of 18 values are 1.1 MiB.
pub const CHUNK_ROWS: usize = 16_384;

/// Which weights a [`Batch`] is for; it decides which values the batch keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Entropy weights ([`entropy`](silkscore::weights::entropy::entropy)): the normalised
    /// scores.
    Entropy,
    /// CRITIC weights ([`critic_with`](silkscore::weights::critic::critic_with)): the
    /// normalised scores ([`Normalisation::Goalposts`]) or the raw values
    /// ([`Normalisation::Data`]).
    Critic(Normalisation),
}

/// The weights a [`Batch`] computed (boxed: the CRITIC correlations alone are 2 KiB).
#[derive(Clone, Debug, PartialEq)]
pub enum Weights {
    /// For [`Method::Entropy`].
    Entropy(Box<EntropyWeights>),
    /// For [`Method::Critic`].
    Critic(Box<CriticWeights>),
}

/// The values of a batch of complete records, kept for entropy or CRITIC weights, with the
/// first pass over them (see the [module documentation](self)).
#[derive(Clone, Debug)]
pub struct Batch {
    method: Method,
    values: Normaliser,
    /// Values per row.
    n: usize,
    /// Full chunks of [`CHUNK_ROWS`] rows, then the last one, row-major.
    chunks: Vec<Vec<f32>>,
    rows: usize,
    /// The first pass over the values pushed.
    scan: ColumnScan,
}

impl Batch {
    /// An empty batch for `method` on `model`'s indicators.
    pub fn new(model: &Model, method: Method) -> Self {
        let values = match method {
            Method::Critic(Normalisation::Data) => Normaliser::raw(model),
            Method::Entropy | Method::Critic(Normalisation::Goalposts) => Normaliser::new(model),
        };
        let n = values.len();
        Batch {
            method,
            values,
            n,
            chunks: Vec::new(),
            rows: 0,
            scan: ColumnScan::new(n),
        }
    }

    /// What the batch keeps of a record: `values().normalise(record, &mut row)` writes the
    /// row to [`Self::push`]. It is `Copy` and `Sync`: run it on any thread.
    pub const fn values(&self) -> &Normaliser {
        &self.values
    }

    /// The method the batch is for.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// Adds the next record's values (in batch order), as [`Self::values`] wrote them: the
    /// first [`Normaliser::len`] of `row` (a shorter row is padded with 0).
    pub fn push(&mut self, row: &[f32]) {
        let n = self.n;
        let full = self.chunks.last().is_none_or(|c| c.len() >= CHUNK_ROWS * n);
        if full {
            self.chunks.push(Vec::with_capacity(CHUNK_ROWS * n));
        }
        let mut wide = [0.0f64; MAX_INDICATORS];
        let mut kept = [0.0f32; MAX_INDICATORS];
        for ((w, k), v) in wide.iter_mut().zip(kept.iter_mut()).zip(row) {
            *k = *v;
            *w = f64::from(*v);
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.extend_from_slice(kept.get(..n).unwrap_or(&[]));
        }
        self.scan.push(&wide);
        self.rows += 1;
    }

    /// Records pushed.
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of values held (the chunks' capacity).
    pub fn bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.capacity() * core::mem::size_of::<f32>())
            .sum()
    }

    /// Calls `f` with every row, in batch order, widened to f64.
    fn each_row(&self, mut f: impl FnMut(&mut [f64; MAX_INDICATORS])) {
        let n = self.n.max(1);
        let mut row = [0.0f64; MAX_INDICATORS];
        for chunk in &self.chunks {
            for values in chunk.chunks_exact(n) {
                for (w, v) in row.iter_mut().zip(values) {
                    *w = f64::from(*v);
                }
                f(&mut row);
            }
        }
    }

    /// The weights of `model`'s indicators from the rows pushed, the second pass run on
    /// `threads` threads (0 or 1: the calling thread only). The same bits as
    /// [`entropy`](silkscore::weights::entropy::entropy) or
    /// [`critic_with`](silkscore::weights::critic::critic_with) on the same records, in the
    /// same order; the same errors ([`WeightsError::TooFewRecords`] for fewer than two rows,
    /// [`WeightsError::RecordLength`] for a model with another number of indicators).
    pub fn weights(&self, model: &Model, threads: usize) -> Result<Weights, WeightsError> {
        let threads = threads.max(1);
        match self.method {
            Method::Entropy => {
                let base = PhiSums::new(&self.scan)?;
                // Columns in pairs: φ is computed two (SSE2) or more lanes at a time, and a
                // share of an odd number of columns ends in one scalar φ, which costs more
                // than a pair (18 columns on 2 threads: 10 and 8, not 9 and 9).
                let n = self.n;
                let parts: Vec<Range<usize>> = split(&vec_of(n.div_ceil(2), |_| 1), threads)
                    .into_iter()
                    .map(|r| (2 * r.start).min(n)..(2 * r.end).min(n))
                    .collect();
                let sums = self.second_pass(
                    base,
                    &parts,
                    |_| {},
                    |acc, row, part| acc.add_columns(row, part),
                    |acc, part, range| acc.absorb(part, range),
                );
                sums.weights(model).map(|w| Weights::Entropy(Box::new(w)))
            }
            Method::Critic(how) => {
                let (base, minmax) = match how {
                    Normalisation::Goalposts => (CrossProducts::new(&self.scan)?, None),
                    Normalisation::Data => {
                        // The first pass over the raw values gave min and max; the second
                        // scans the min-max values, in batch order.
                        let mm = MinMax::new(&self.scan, model);
                        let mut scan = ColumnScan::new(self.n);
                        self.each_row(|row| {
                            mm.apply(row);
                            scan.push(row);
                        });
                        (CrossProducts::new(&scan)?, Some(mm))
                    }
                };
                // Row j of the triangle holds n − j products.
                let n = self.n;
                let parts = split(&vec_of(n, |j| n - j), threads);
                let sums = self.second_pass(
                    base,
                    &parts,
                    |row| {
                        if let Some(mm) = &minmax {
                            mm.apply(row);
                        }
                    },
                    |acc, row, part| acc.add_part(row, part),
                    |acc, part, range| acc.absorb(part, range),
                );
                sums.weights(model, how)
                    .map(|w| Weights::Critic(Box::new(w)))
            }
        }
    }

    /// Runs every row, in batch order, through a copy of `base` per part (`add`, on a thread
    /// of its own when there are several parts), after `prepare`; gathers the parts into
    /// `base` with `absorb`.
    fn second_pass<A, P, F, G>(
        &self,
        base: A,
        parts: &[Range<usize>],
        prepare: P,
        add: F,
        absorb: G,
    ) -> A
    where
        A: Clone + Send,
        P: Fn(&mut [f64; MAX_INDICATORS]) + Sync,
        F: Fn(&mut A, &[f64], Range<usize>) + Sync,
        G: Fn(&mut A, &A, Range<usize>),
    {
        // Compiled for the widest SIMD instructions the CPU has (the same bits on every path).
        let path = SimdPath::detect();
        let run = |part: Range<usize>, mut acc: A| {
            path.run(|| {
                self.each_row(|row| {
                    prepare(row);
                    add(&mut acc, row, part.clone());
                });
            });
            acc
        };
        let done: Vec<(Range<usize>, A)> = match parts {
            [] => Vec::new(),
            [only] => vec![(only.clone(), run(only.clone(), base.clone()))],
            _ => std::thread::scope(|s| {
                let handles: Vec<_> = parts
                    .iter()
                    .map(|p| {
                        let (p, acc, run) = (p.clone(), base.clone(), &run);
                        (p.clone(), s.spawn(move || run(p, acc)))
                    })
                    .collect();
                handles
                    .into_iter()
                    // A part whose thread failed (not expected) is summed here instead.
                    .map(|(p, h)| {
                        let acc = h.join().unwrap_or_else(|_| run(p.clone(), base.clone()));
                        (p, acc)
                    })
                    .collect()
            }),
        };
        let mut out = base;
        for (range, part) in &done {
            absorb(&mut out, part, range.clone());
        }
        out
    }
}

/// `n` costs, one per index.
fn vec_of(n: usize, cost: impl Fn(usize) -> usize) -> Vec<usize> {
    (0..n).map(cost).collect()
}

/// Splits the indices of `costs` into at most `parts` contiguous, non-empty ranges of about
/// equal total cost, covering every index in order.
///
/// ```
/// use silkscore_host::weights_stream::split;
/// assert_eq!(split(&[1; 18], 2), [0..9, 9..18]);
/// assert_eq!(split(&[3, 2, 1], 2), [0..1, 1..3]);
/// assert_eq!(split(&[1; 3], 8), [0..1, 1..2, 2..3]);
/// assert_eq!(split(&[], 4), []);
/// ```
pub fn split(costs: &[usize], parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, costs.len().max(1));
    let total: usize = costs.iter().sum();
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    let mut done = 0usize;
    for (i, c) in costs.iter().enumerate() {
        done += c;
        // Close the current range once it reaches its share of the total, leaving at least
        // one index for each range still to come.
        let k = out.len() + 1;
        let left = costs.len() - (i + 1);
        if k < parts && (done * parts >= k * total || left == parts - k) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < costs.len() {
        out.push(start..costs.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::{Record, BRI_CULTURAL_V1};

    #[test]
    fn split_covers_every_index_once_in_order() {
        for n in 0..40usize {
            for parts in 1..10 {
                let costs: Vec<usize> = (0..n).map(|j| n - j).collect();
                let r = split(&costs, parts);
                assert_eq!(
                    r.len(),
                    if n == 0 { 0 } else { parts.min(n) },
                    "{n} {parts}"
                );
                let mut next = 0;
                for range in &r {
                    assert_eq!(range.start, next);
                    assert!(range.end > range.start);
                    next = range.end;
                }
                assert_eq!(next, n);
            }
        }
        // The triangle of 18: about half the 171 products each.
        let tri: Vec<usize> = (0..18).map(|j| 18 - j).collect();
        let r = split(&tri, 2);
        let first: usize = r[0].clone().map(|j| 18 - j).sum();
        assert!((80..=95).contains(&first), "{r:?} {first}");
    }

    /// Records with values spread past the goalposts, a constant column and some hostile
    /// values.
    fn records(m: usize) -> Vec<Record> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..m)
            .map(|i| {
                let v: Vec<Option<f32>> = BRI_CULTURAL_V1
                    .indicators()
                    .iter()
                    .enumerate()
                    .map(|(j, ind)| {
                        let u = (next() >> 40) as f32 / (1u64 << 24) as f32;
                        Some(match (j, next() % 50) {
                            (4, _) => 7.0,
                            (_, 0) => f32::MAX,
                            (_, 1) => -0.0,
                            _ => ind.lo - 0.2 * (ind.hi - ind.lo) + 1.4 * (ind.hi - ind.lo) * u,
                        })
                    })
                    .collect();
                Record::from_values(i as u32, &v).unwrap()
            })
            .collect()
    }

    #[test]
    fn every_thread_count_gives_the_bits_of_the_core() {
        // More rows than a chunk, and a last chunk that is not full.
        let m = 2 * CHUNK_ROWS + 1234;
        let records = records(m);
        let model = &BRI_CULTURAL_V1;
        let expect_e = silkscore::weights::entropy::entropy(model, &records).unwrap();
        let expect_g = silkscore::weights::critic::critic(model, &records).unwrap();
        let expect_d =
            silkscore::weights::critic::critic_with(model, &records, Normalisation::Data).unwrap();
        for method in [
            Method::Entropy,
            Method::Critic(Normalisation::Goalposts),
            Method::Critic(Normalisation::Data),
        ] {
            let mut batch = Batch::new(model, method);
            let mut row = [0.0f32; 18];
            for r in &records {
                batch.values().normalise(r, &mut row);
                batch.push(&row);
            }
            assert_eq!(batch.rows(), m);
            assert_eq!(batch.chunks.len(), 3);
            for threads in [0, 1, 2, 3, 5, 40] {
                let got = batch.weights(model, threads).unwrap();
                let want = match method {
                    Method::Entropy => Weights::Entropy(Box::new(expect_e)),
                    Method::Critic(Normalisation::Goalposts) => Weights::Critic(Box::new(expect_g)),
                    Method::Critic(Normalisation::Data) => Weights::Critic(Box::new(expect_d)),
                };
                assert_eq!(
                    format!("{got:?}"),
                    format!("{want:?}"),
                    "{method:?}, {threads} threads"
                );
                assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn too_few_rows_and_wrong_models_are_errors() {
        let mut b = Batch::new(&BRI_CULTURAL_V1, Method::Entropy);
        assert_eq!(
            b.weights(&BRI_CULTURAL_V1, 2),
            Err(WeightsError::TooFewRecords { found: 0 })
        );
        b.push(&[1.0; 18]);
        assert_eq!(
            b.weights(&BRI_CULTURAL_V1, 2),
            Err(WeightsError::TooFewRecords { found: 1 })
        );
        b.push(&[0.5; 18]);
        assert!(b.weights(&BRI_CULTURAL_V1, 2).is_ok());
        assert_eq!(b.rows(), 2);
        assert_eq!(b.bytes(), CHUNK_ROWS * 18 * 4);
        let small = silkscore::Model::new(
            "one",
            silkscore::model::ModelParams::DEFAULT,
            &BRI_CULTURAL_V1.indicators()[..3],
        );
        if let Ok(small) = small {
            assert!(matches!(
                b.weights(&small, 1),
                Err(WeightsError::RecordLength { .. })
            ));
        }
        let r = Record::from_values(1, &[Some(3.0); 18]).unwrap();
        let mut row = [0.0f32; 18];
        b.values().normalise(&r, &mut row);
        assert_eq!(row[0], BRI_CULTURAL_V1.indicators()[0].normalise(3.0).score);
    }
}
