//! Entropy weights from a batch of records (docs/spec.md §5.3 and §8), or connotation weights
//! from the connotation indices of a batch of scores (docs/spec.md §5.5, [`entropy_across`]).
//!
//! An indicator whose normalised scores s_ij vary a lot across the batch tells projects apart
//! and gets more weight; one on which every project scores the same gets none. With m ≥ 2
//! complete records and s_ij from docs/spec.md §4 steps 1–3 ([`crate::Indicator::normalise`]):
//!
//! - p_ij = s_ij / Σ_i s_ij,
//! - e_j = −(1/ln m) Σ_i p_ij ln p_ij, with 0·ln 0 = 0,
//! - d_j = 1 − e_j,
//! - w_j = d_j / Σ_k d_k over the indicators k of j's connotation.
//!
//! A column whose values are all equal (all zero included, so also every column with
//! Σ_i s_ij = 0) has e_j = 1 and d_j = 0 exactly. A connotation whose d_j are all 0 falls back
//! to equal weights 1/k over its k indicators, and [`EntropyWeights::fallback`] says so.
//!
//! [`entropy`] reads the records twice (column sums, then the entropy sums) and keeps only
//! fixed-size arrays: nothing allocates, whatever the batch size. It is made of pieces a
//! host can run itself, in parallel, with the same bits ([`PhiSums`]): a
//! [`ColumnScan`] of the normalised rows in batch order, then the sums of
//! φ per column, each in batch order (a column's sum does not depend on another's, so
//! threads can take different columns).
//!
//! # Precision
//!
//! On real batches d_j is tiny: scores that vary by ±1 % around their mean give
//! d_j ≈ 10⁻⁶ or less, so computing e_j first and then d_j = 1 − e_j would lose every digit
//! of d_j (and of the weights) to the rounding of e_j. [`entropy`] instead computes d_j
//! directly, as a sum of non-negative terms that has no cancellation. With s̄_j = Σ_i s_ij / m
//! and r_ij = s_ij / s̄_j (so that p_ij = r_ij / m and Σ_i r_ij = m),
//!
//! d_j = 1 − e_j = Σ_i r_ij ln r_ij / (m ln m) = Σ_i φ(r_ij) / (m ln m),
//! φ(r) = r ln r − r + 1 ≥ 0,
//!
//! where the last step adds Σ_i (1 − r_ij) = 0. Each φ is evaluated in f64 as
//! ln(1 + δ) − δ + δ ln(1 + δ) with δ = (s_ij − s̄_j) / s̄_j (φ(0) = 1 for s_ij = 0), accurate
//! to a few units in the last place even when δ is small, and the sum is insensitive to the
//! rounding of s̄_j (its derivative in s̄_j vanishes). Column sums are f64 too. Over 300,000
//! records the weights agree with a float64 textbook computation to better than 10⁻⁶
//! (`tests/weights.rs`); e_j, d_j and w_j are reported in f32. (The crate's own f32
//! [`crate::math::ln`] is for scores; weights use [`crate::math::log1p`], which has the bits
//! of `libm`'s f64 `log1p`, and `libm`'s `log`.)
//!
//! ```
//! use silkscore::weights::entropy;
//! use silkscore::{Connotation, Record, BRI_CULTURAL_V1};
//!
//! // Three projects that differ only in talent exchange and heritage items.
//! let mut records = [Record::new(1, 18), Record::new(2, 18), Record::new(3, 18)];
//! for (r, (talent, heritage)) in records.iter_mut().zip([(10.0, 5.0), (1000.0, 6.0), (5000.0, 7.0)]) {
//!     for i in 0..18 { r.set(i, 1.0).unwrap(); }
//!     r.set(0, talent).unwrap();
//!     r.set(1, heritage).unwrap();
//! }
//! let w = entropy::entropy(&BRI_CULTURAL_V1, &records).unwrap();
//! assert_eq!(w.divergences()[2], 0.0);            // dissemination_events: all equal
//! assert!(w.weights()[0] > w.weights()[1]);       // talent varies more than heritage
//! assert!(!w.fallback(Connotation::Cultural));
//! assert!(w.fallback(Connotation::Economic));     // nothing varies: 1/6 each
//! assert!((w.weights()[6] - 1.0 / 6.0).abs() < 1e-7);
//!
//! let model = w.to_model(&BRI_CULTURAL_V1).unwrap();
//! assert_eq!(model.indicators()[0].weight, w.weights()[0]);
//! ```

use core::ops::Range;

use super::{ColumnScan, Level, Row, WeightsError};
use crate::model::{Connotation, Model, MAX_INDICATORS};
use crate::record::Record;
use crate::score::Scores;

/// The result of [`entropy`] or [`entropy_across`]: per column (indicator in model order, or
/// connotation) its entropy e_j, divergence d_j = 1 − e_j and weight w_j; whether it fell
/// back to equal weights.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EntropyWeights {
    level: Level,
    len: u8,
    records: usize,
    e: [f32; MAX_INDICATORS],
    d: [f32; MAX_INDICATORS],
    w: [f32; MAX_INDICATORS],
    fallback: [bool; 3],
}

impl EntropyWeights {
    /// Whether these are indicator weights ([`entropy`]) or connotation weights
    /// ([`entropy_across`]).
    pub const fn level(&self) -> Level {
        self.level
    }

    /// The number of columns: the model's indicators, or 3 connotations.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a model has at least one indicator.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of records m the weights were computed from.
    pub const fn records(&self) -> usize {
        self.records
    }

    /// e_j per column (indicator in model order, or cultural, economic, security), each in
    /// [0, 1] (rounding is clamped into it).
    pub fn entropies(&self) -> &[f32] {
        self.e.get(..self.len()).unwrap_or(&[])
    }

    /// d_j = 1 − e_j per column, each in [0, 1]; exactly 0 for a column whose values are all
    /// equal.
    pub fn divergences(&self) -> &[f32] {
        self.d.get(..self.len()).unwrap_or(&[])
    }

    /// w_j per column. Indicators: d_j over its connotation's d sum, or 1/k in a connotation
    /// that fell back; the weights of each connotation sum to 1 (up to rounding).
    /// Connotations: d_c over the three d, or 1/3 each when all are 0.
    pub fn weights(&self) -> &[f32] {
        self.w.get(..self.len()).unwrap_or(&[])
    }

    /// Whether every d_j of `connotation` was 0, so its indicators got equal weights 1/k. For
    /// connotation weights: whether all three d were 0 (the same answer for every connotation),
    /// so each got 1/3.
    pub fn fallback(&self, connotation: Connotation) -> bool {
        self.fallback
            .get(connotation.index())
            .copied()
            .unwrap_or(false)
    }

    /// Whether any connotation fell back to equal weights.
    pub fn any_fallback(&self) -> bool {
        self.fallback.iter().any(|f| *f)
    }

    /// A copy of `model` with these weights, validated again: its indicator weights
    /// ([`Model::with_indicator_weights`]) or its connotation weights, as [`Self::level`]
    /// says. For indicator weights `model` should be the model they were computed with; a
    /// model with a different number of indicators is [`WeightsError::RecordLength`].
    ///
    /// ```
    /// use silkscore::weights::entropy::entropy;
    /// use silkscore::{Record, BRI_CULTURAL_V1};
    /// let a = Record::from_values(1, &[Some(0.0); 18]).unwrap();
    /// let b = Record::from_values(2, &[Some(50.0); 18]).unwrap();
    /// let model = entropy(&BRI_CULTURAL_V1, &[a, b]).unwrap().to_model(&BRI_CULTURAL_V1).unwrap();
    /// let sum: f32 = model.indicators()[..6].iter().map(|i| i.weight).sum();
    /// assert!((sum - 1.0).abs() < 1e-6);
    /// ```
    pub fn to_model(&self, model: &Model) -> Result<Model, WeightsError> {
        match self.level {
            Level::Indicators => super::put_into(model, self.weights()),
            Level::Connotations => super::put_across(model, self.weights()),
        }
    }
}

/// Entropy weights for `model`'s indicators from a batch of complete records (docs/spec.md
/// §5, §8).
///
/// Errors, checked in this order:
/// - [`WeightsError::TooFewRecords`]: fewer than two records;
/// - [`WeightsError::RecordLength`]: the first record (in batch order) whose length is not
///   the model's;
/// - [`WeightsError::IncompleteRecord`]: the first missing or non-finite value, by record,
///   then by indicator in model order.
///
/// ```
/// use silkscore::weights::entropy::entropy;
/// use silkscore::weights::WeightsError;
/// use silkscore::{Record, BRI_CULTURAL_V1};
///
/// let full = Record::from_values(1, &[Some(1.0); 18]).unwrap();
/// let mut gap = full;
/// gap.set_missing(4).unwrap();
/// assert_eq!(entropy(&BRI_CULTURAL_V1, &[full]), Err(WeightsError::TooFewRecords { found: 1 }));
/// assert_eq!(
///     entropy(&BRI_CULTURAL_V1, &[full, gap]),
///     Err(WeightsError::IncompleteRecord { record: 1, indicator: 4 })
/// );
/// let w = entropy(&BRI_CULTURAL_V1, &[full, full]).unwrap();
/// assert!(w.divergences().iter().all(|d| *d == 0.0)); // nothing varies
/// assert!(w.any_fallback());
/// ```
pub fn entropy(model: &Model, records: &[Record]) -> Result<EntropyWeights, WeightsError> {
    super::check_records(model, records)?;
    let normaliser = super::Normaliser::new(model);
    let n = normaliser.len();
    let sums = divergences(records.len(), n, &normaliser.fill(records))?;
    sums.weights(model)
}

/// Entropy weights of the three connotations (docs/spec.md §5.5) from the connotation indices
/// of a batch of scores: the method of [`entropy`] with the indices I_c (0–100; the method
/// does not depend on their scale) as the columns, and W_c = d_c / Σ d, or 1/3 each when
/// no index varies ([`EntropyWeights::fallback`]). Put them into a model with
/// [`EntropyWeights::to_model`].
///
/// Errors: [`WeightsError::TooFewRecords`] for fewer than two scores;
/// [`WeightsError::IncompleteRecord`] for the first index that is not finite or not in
/// [0, 100] (by score, then connotation).
///
/// ```
/// use silkscore::weights::{entropy::entropy_across, Level};
/// use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
///
/// // Four projects: the cultural index varies most, security not at all.
/// let scores: Vec<_> = [1.0, 10.0, 100.0, 1000.0]
///     .iter()
///     .map(|x| {
///         let mut r = Record::from_values(1, &[Some(5.0); 18]).unwrap();
///         r.set(0, *x).unwrap(); // talent_exchange
///         r.set(6, x / 10.0).unwrap(); // regional_value_added
///         score(&M, &r).unwrap()
///     })
///     .collect();
/// let w = entropy_across(&scores).unwrap();
/// assert_eq!(w.level(), Level::Connotations);
/// assert_eq!(w.divergences()[2], 0.0);
/// assert!(w.weights()[0] > 0.0 && w.weights()[1] > 0.0);
/// assert!((w.weights().iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// let model = w.to_model(&M).unwrap();
/// assert_eq!(model.params().weights[2], 0.0);
/// ```
pub fn entropy_across(scores: &[Scores]) -> Result<EntropyWeights, WeightsError> {
    super::check_scores(scores)?;
    divergences(scores.len(), 3, &super::indices(scores))?.weights_across()
}

impl EntropyWeights {
    fn new(
        level: Level,
        n: usize,
        m: usize,
        d64: &Row,
        w: [f32; MAX_INDICATORS],
        fallback: [bool; 3],
    ) -> Self {
        EntropyWeights {
            level,
            len: n.min(u8::MAX as usize) as u8,
            records: m,
            e: d64.map(|d| (1.0 - d) as f32),
            d: d64.map(|d| d as f32),
            w,
            fallback,
        }
    }
}

/// The sums of φ for the `n` columns of the `m` rows that `fill` writes (non-negative
/// values): two passes, the column sums (and whether each column varies), then
/// Σ_i φ(v_ij / v̄_j).
fn divergences<F: Fn(usize, &mut Row)>(
    m: usize,
    n: usize,
    fill: &F,
) -> Result<PhiSums, WeightsError> {
    let mut sums = PhiSums::new(&super::scan(m, n, fill))?;
    let mut row = [0.0f64; MAX_INDICATORS];
    for i in 0..m {
        fill(i, &mut row);
        sums.add(&row);
    }
    Ok(sums)
}

/// The second pass of entropy weights, after a [`ColumnScan`] of the same rows: Σ_i φ(v_ij /
/// v̄_j) per column that varies, each added in the order the rows are given; then the
/// divergences and the weights. [`entropy`] and [`entropy_across`] are a scan and this.
///
/// Every column's sum is its own: a host may run the rows through several accumulators,
/// each for other columns ([`Self::add_columns`], on other threads), and gather the sums
/// with [`Self::absorb`]. The weights are the same bits as long as every column saw every
/// row, in batch order.
///
/// ```
/// use silkscore::weights::{entropy::{entropy, PhiSums}, ColumnScan, Normaliser};
/// use silkscore::{Record, BRI_CULTURAL_V1 as M};
///
/// let records: Vec<Record> = (1..=5)
///     .map(|i| Record::from_values(i, &[Some(i as f32 * 7.0); 18]).unwrap())
///     .collect();
/// // The normalised rows, as a host would keep them.
/// let normaliser = Normaliser::new(&M);
/// let rows: Vec<[f64; 18]> = records
///     .iter()
///     .map(|r| {
///         let mut s = [0.0f32; 18];
///         normaliser.normalise(r, &mut s);
///         s.map(f64::from)
///     })
///     .collect();
/// let mut scan = ColumnScan::new(18);
/// rows.iter().for_each(|r| scan.push(r));
/// // Two workers, columns 0..9 and 9..18, each over every row in order.
/// let mut a = PhiSums::new(&scan).unwrap();
/// let mut b = a;
/// rows.iter().for_each(|r| a.add_columns(r, 0..9));
/// rows.iter().for_each(|r| b.add_columns(r, 9..18));
/// a.absorb(&b, 9..18);
/// assert_eq!(a.weights(&M).unwrap(), entropy(&M, &records).unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhiSums {
    len: u8,
    /// m, from the scan.
    rows: usize,
    /// v̄_j.
    mean: Row,
    /// Whether column j varies.
    varies: [bool; MAX_INDICATORS],
    /// Whether φ is summed for column j: it varies and its mean is positive.
    active: [bool; MAX_INDICATORS],
    /// Σ_i φ(v_ij / v̄_j) so far.
    sum: Row,
}

impl PhiSums {
    /// The accumulator for the rows `scan` saw (the means and which columns vary), with
    /// nothing added yet. [`WeightsError::TooFewRecords`] when the scan saw fewer than two
    /// rows.
    pub fn new(scan: &ColumnScan) -> Result<Self, WeightsError> {
        scan.at_least_two()?;
        let mean = scan.means();
        let mut varies = [false; MAX_INDICATORS];
        let mut active = [false; MAX_INDICATORS];
        for ((v, a), (s, m)) in varies
            .iter_mut()
            .zip(active.iter_mut())
            .zip(scan.varies().iter().zip(mean.iter()))
        {
            *v = *s;
            *a = *s && *m > 0.0;
        }
        Ok(PhiSums {
            len: scan.len() as u8,
            rows: scan.rows(),
            mean,
            varies,
            active,
            sum: [0.0; MAX_INDICATORS],
        })
    }

    /// The number of columns.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there is no column.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds φ of every column of the next row (in batch order; the row's first
    /// [`Self::len`] values).
    pub fn add(&mut self, row: &[f64]) {
        self.add_columns(row, 0..self.len());
    }

    /// Adds φ of the columns `columns` of the next row, for a worker that sums those columns
    /// only.
    ///
    /// Branch-free, so that it vectorises: φ is computed for every column of `columns`
    /// (φ of a column that is not summed is some value, never a panic), and each column's
    /// sum gets its φ where the column is summed (it varies and its mean is positive) and
    /// +0.0 elsewhere. Adding +0.0 leaves a sum's bits as they are unless the sum is −0.0,
    /// and no sum is ever −0.0: each starts at +0.0, and in round-to-nearest a + b is −0.0
    /// only when a and b both are (exact cancellation gives +0.0). So every sum sees the same
    /// additions, of the same values, in the same order as when the other columns are
    /// skipped, and has the same bits.
    pub fn add_columns(&mut self, row: &[f64], columns: Range<usize>) {
        let end = columns.end.min(self.len()).min(row.len());
        let start = columns.start.min(end);
        let (Some(v), Some(mean), Some(active), Some(sum)) = (
            row.get(start..end),
            self.mean.get(start..end),
            self.active.get(start..end),
            self.sum.get_mut(start..end),
        ) else {
            return;
        };
        // φ of every column of the range, in a loop that vectorises, then the sums.
        let mut p = [0.0f64; MAX_INDICATORS];
        for (p, (v, mean)) in p.iter_mut().zip(v.iter().zip(mean)) {
            *p = phi(*v, *mean);
        }
        for (acc, (p, on)) in sum.iter_mut().zip(p.iter().zip(active)) {
            *acc += if *on { *p } else { 0.0 };
        }
    }

    /// Takes the sums of the columns `columns` from `part`, an accumulator of the same scan
    /// that summed them (with [`Self::add_columns`]).
    pub fn absorb(&mut self, part: &PhiSums, columns: Range<usize>) {
        let end = columns.end.min(self.len());
        let start = columns.start.min(end);
        for (s, p) in self
            .sum
            .iter_mut()
            .zip(part.sum.iter())
            .take(end)
            .skip(start)
        {
            *s = *p;
        }
    }

    /// d_j = Σ_i φ / (m ln m) per column, 0 for a column that does not vary.
    fn divergences(&self) -> Row {
        let mf = self.rows as f64;
        let scale = 1.0 / (mf * libm::log(mf));
        let mut d64 = [0.0f64; MAX_INDICATORS];
        for ((d, varies), acc) in d64.iter_mut().zip(self.varies.iter()).zip(self.sum.iter()) {
            if *varies {
                *d = (acc * scale).max(0.0).min(1.0);
            }
        }
        d64
    }

    /// The entropy weights of `model`'s indicators, from the sums of its normalised rows
    /// (the result of [`entropy`]). [`WeightsError::RecordLength`] when the model does not
    /// have one indicator per column.
    pub fn weights(&self, model: &Model) -> Result<EntropyWeights, WeightsError> {
        let n = self.len();
        if model.len() != n {
            return Err(WeightsError::RecordLength {
                expected: model.len().min(u8::MAX as usize) as u8,
                found: self.len,
            });
        }
        let d64 = self.divergences();
        let (w, fallback) = super::within_connotations(model, d64.get(..n).unwrap_or(&[]));
        Ok(EntropyWeights::new(
            Level::Indicators,
            n,
            self.rows,
            &d64,
            w,
            fallback,
        ))
    }

    /// The entropy weights of the three connotations, from the sums of their indices (the
    /// result of [`entropy_across`]). [`WeightsError::ConnotationCount`] unless there are
    /// three columns.
    pub fn weights_across(&self) -> Result<EntropyWeights, WeightsError> {
        if self.len != 3 {
            return Err(WeightsError::ConnotationCount { found: self.len });
        }
        let d64 = self.divergences();
        let (w3, fell_back) = super::across_connotations(d64.get(..3).unwrap_or(&[]));
        let mut w = [0.0f32; MAX_INDICATORS];
        for (w, v) in w.iter_mut().zip(w3) {
            *w = v;
        }
        Ok(EntropyWeights::new(
            Level::Connotations,
            3,
            self.rows,
            &d64,
            w,
            [fell_back; 3],
        ))
    }
}

/// φ(s / s̄) = r ln r − r + 1 for r = s / s̄ (s ≥ 0, s̄ > 0), without cancellation: with
/// δ = (s − s̄) / s̄, φ = ln(1 + δ) − δ + δ ln(1 + δ), where ln(1 + δ) − δ ≈ −δ²/2 loses only
/// the bits of δ², never those of φ ≈ δ²/2. φ(0) = 1 (0 · ln 0 = 0).
///
/// When r is below about 2⁻⁵³ (a score tiny beside the column's mean, e.g. a subnormal
/// value just above a goalpost), δ rounds to −1 and ln(1 + δ) to −∞, which would make the
/// formula NaN (−∞ + ∞) and, through the column's sum, throw its divergence away. φ is then
/// 1, as for s = 0: its true value 1 + r ln r − r lies within 4·10⁻¹⁵ of 1 there.
///
/// Branch-free ([`crate::math::log1p`] is `libm::log1p`'s bits without its branches, and
/// both cases are selects): any s and s̄ give some value, and the loops over it vectorise.
#[inline(always)]
fn phi(s: f64, mean: f64) -> f64 {
    let delta = (s - mean) / mean;
    let l = crate::math::log1p(delta);
    let p = (l - delta) + delta * l;
    if s <= 0.0 || delta <= -1.0 {
        1.0
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// φ in the branchy form: libm's `log1p`, s ≤ 0 and δ = −1 branches.
    fn phi_libm(s: f64, mean: f64) -> f64 {
        if s <= 0.0 {
            return 1.0;
        }
        let delta = (s - mean) / mean;
        if delta <= -1.0 {
            return 1.0;
        }
        let l = libm::log1p(delta);
        (l - delta) + delta * l
    }

    /// SplitMix64.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[test]
    fn phi_of_a_tiny_score_is_one_not_nan() {
        for mean in [1e-30, 1e-7, 0.01, 0.5, 1.0, 37.5] {
            let tiny = [
                5e-324,
                f64::MIN_POSITIVE,
                1e-300,
                f64::from(f32::from_bits(1)),
                mean * 1e-17,
                mean * 1.1e-16,
                mean * 2e-16,
            ];
            for s in tiny {
                let p = phi(s, mean);
                assert!(
                    p.is_finite() && (1.0 - 1e-12..=1.0).contains(&p),
                    "phi({s:e}, {mean:e}) = {p}"
                );
            }
        }
    }

    /// A column with one score that is tiny beside its mean (a subnormal value just above a
    /// goalpost) diverges as it does with that score at 0, instead of losing its divergence
    /// to a NaN.
    #[test]
    fn a_tiny_value_keeps_its_column_divergence() {
        use crate::{Record, BRI_CULTURAL_V1 as M};
        let batch = |x: f32| -> [Record; 40] {
            core::array::from_fn(|i| {
                let mut r = Record::new(i as u32, 18);
                for j in 0..18 {
                    r.set(j, 1.0 + ((i * 7 + j * 3) % 50) as f32).unwrap();
                }
                if i == 5 {
                    r.set(4, x).unwrap(); // digital_share: lin, 0 to 100
                }
                r
            })
        };
        let tiny = entropy(&M, &batch(1e-40)).unwrap();
        let zero = entropy(&M, &batch(0.0)).unwrap();
        assert!(tiny.divergences()[4] > 0.0);
        assert!(
            (tiny.divergences()[4] - zero.divergences()[4]).abs() <= 1e-6 * zero.divergences()[4]
        );
        assert_eq!(tiny.weights(), zero.weights());
    }

    #[test]
    fn phi_has_the_bits_of_the_libm_form() {
        let mut st = 7u64;
        let means = [1e-30, 1e-7, 0.01, 0.3, 0.5, 0.999, 1.0, 37.5, 1e12];
        for _ in 0..if cfg!(miri) { 100 } else { 200_000 } {
            for mean in means {
                let u = (next(&mut st) >> 11) as f64 / 9_007_199_254_740_992.0;
                // values from 0 to 40 means, and exactly 0, the mean, and neighbours
                for s in [u * 40.0 * mean, 0.0, mean, mean * (1.0 + 1e-15), u * 1e-300] {
                    let (a, b) = (phi(s, mean), phi_libm(s, mean));
                    assert_eq!(a.to_bits(), b.to_bits(), "phi({s:e}, {mean:e})");
                }
            }
        }
    }

    /// The branch-free accumulation adds, per column that is summed, exactly what the
    /// branchy one added, in the same order; columns not summed (constant, all zero, or
    /// outside the range) keep the sum +0.0 bit for bit.
    #[test]
    fn add_columns_sums_the_bits_of_the_branchy_loop() {
        let n = 11;
        let mut st = 99u64;
        let rows: std::vec::Vec<[f64; MAX_INDICATORS]> = (0..if cfg!(miri) { 20 } else { 5000 })
            .map(|_| {
                let mut r = [0.0f64; MAX_INDICATORS];
                for (j, v) in r.iter_mut().enumerate().take(n) {
                    let u = (next(&mut st) >> 40) as f64 / (1u64 << 24) as f64;
                    *v = match j {
                        0 => 0.0,  // all zero
                        1 => 0.25, // constant
                        2 => {
                            if u < 0.3 {
                                0.0
                            } else {
                                u
                            }
                        } // zeros among values
                        3 => (u * 8.0).floor() / 8.0, // few distinct values
                        _ => u * j as f64,
                    };
                }
                r
            })
            .collect();
        let mut scan = ColumnScan::new(n);
        rows.iter().for_each(|r| scan.push(r));
        let base = PhiSums::new(&scan).unwrap();
        for range in [0..n, 0..5, 5..n, 2..9, 3..3] {
            let mut got = base;
            rows.iter().for_each(|r| got.add_columns(r, range.clone()));
            let mut want = [0.0f64; MAX_INDICATORS];
            for r in &rows {
                for j in range.clone() {
                    if base.active[j] {
                        want[j] += phi_libm(r[j], base.mean[j]);
                    }
                }
            }
            for (j, (got, want)) in got.sum.iter().zip(want).enumerate() {
                assert_eq!(got.to_bits(), want.to_bits(), "column {j} of {range:?}");
            }
        }
        assert!(!base.active[0] && !base.active[1] && base.active[2]);
    }
}
