//! Weights from judgement or data (docs/spec.md §5): equal, AHP, entropy and CRITIC, for the
//! indicators of a model or for its three connotations.
//!
//! Every method ends in the same place: a [`Model`] whose indicator weights (through
//! [`Model::with_indicator_weights`]) or connotation weights (through [`Model::with_params`])
//! have been replaced, so the new model is validated again (docs/spec.md §3) and gets a new
//! fingerprint. Every error is a [`WeightsError`].
//!
//! | method | indicator weights | connotation weights (docs/spec.md §5.5) |
//! |---|---|---|
//! | explicit | [`Model::with_indicator_weights`] | [`Model::with_params`] |
//! | equal | [`equal`] | [`equal_across`] |
//! | AHP (Saaty) | [`ahp::ahp`], then [`ahp::apply_to_connotation`] | [`ahp::ahp`] on 3 judgments, then [`ahp::apply_across`] |
//! | entropy | [`entropy::entropy`] from records | [`entropy::entropy_across`] from scores |
//! | CRITIC | [`critic::critic`] / [`critic::critic_with`] from records | [`critic::critic_across`] from scores |
//!
//! The data-driven results say which [`Level`] they are for, and their `to_model` puts them
//! there. Indicator weights only matter relative to the other indicators of the same
//! connotation (scoring divides by the connotation's weight sum), so AHP, entropy and CRITIC
//! weights, which sum to 1 within a connotation, and equal weights of 1 are all valid inputs;
//! likewise connotation weights only matter relative to each other. A computed weight below
//! `f32::MIN_POSITIVE` (a subnormal, which a model refuses, docs/spec.md §3) is reported as 0:
//! it is that much smaller than the other weights. Nothing here allocates or panics.

pub mod ahp;
pub mod critic;
pub mod entropy;
mod error;

pub use error::WeightsError;

use crate::model::{Connotation, Direction, Model, Prepared, MAX_INDICATORS, MIN_WEIGHT};
use crate::record::Record;
use crate::score::Scores;

/// Which weights of a model a data-driven method computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Level {
    /// Indicator weights, one per indicator in model order, normalised within each
    /// connotation (from a batch of records).
    Indicators,
    /// The three connotation weights W_cultural, W_economic, W_security, normalised to sum 1
    /// (from the connotation indices of a batch of scores).
    Connotations,
}

/// One value per column (indicator or connotation) of one row of a batch.
pub(crate) type Row = [f64; MAX_INDICATORS];

/// The first pass of entropy and CRITIC over a batch (shared by [`entropy`] and [`critic`]):
/// fed the rows in batch order, it learns each column's sum (in f64, added in that order),
/// whether it varies, its minimum and its maximum.
///
/// This and the accumulators of the second pass ([`entropy::PhiSums`],
/// [`critic::CrossProducts`]) are the pieces [`entropy::entropy`] and [`critic::critic_with`]
/// are made of, for a host that reads a large batch once and computes in parallel: the bits of
/// the weights depend only on the order of the additions, so the rows must be pushed in batch
/// order (the values themselves, [`Normaliser::normalise`], can be computed anywhere).
///
/// ```
/// use silkscore::weights::ColumnScan;
/// let mut scan = ColumnScan::new(3);
/// scan.push(&[1.0, 5.0, 2.0]);
/// scan.push(&[3.0, 5.0, -2.0]);
/// assert_eq!(scan.rows(), 2);
/// assert_eq!(scan.sums(), &[4.0, 10.0, 0.0]);
/// assert_eq!(scan.varies(), &[true, false, true]);
/// assert_eq!((scan.min(), scan.max()), (&[1.0, 5.0, -2.0][..], &[3.0, 5.0, 2.0][..]));
/// assert_eq!(scan.means()[..3], [2.0, 5.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnScan {
    /// The number of columns.
    len: u8,
    /// Rows pushed.
    rows: usize,
    /// Σ_i v_ij, accumulated in f64 (every v_ij comes from an f32 or is a ratio of two, so
    /// each addition rounds to 53 bits: the relative error of a sum of m terms stays below
    /// m · 2⁻⁵³).
    sum64: Row,
    /// Whether any v_ij differs from v_1j: a column that does not vary is constant.
    varies: [bool; MAX_INDICATORS],
    /// The smallest v_ij of each column.
    min: Row,
    /// The largest v_ij of each column.
    max: Row,
    /// v_1j.
    first: Row,
}

impl ColumnScan {
    /// A scan of `columns` columns (at most [`MAX_INDICATORS`]; more are cut off) that has
    /// seen no row.
    pub const fn new(columns: usize) -> Self {
        ColumnScan {
            len: if columns < MAX_INDICATORS {
                columns as u8
            } else {
                MAX_INDICATORS as u8
            },
            rows: 0,
            sum64: [0.0; MAX_INDICATORS],
            varies: [false; MAX_INDICATORS],
            min: [f64::INFINITY; MAX_INDICATORS],
            max: [f64::NEG_INFINITY; MAX_INDICATORS],
            first: [0.0; MAX_INDICATORS],
        }
    }

    /// Adds the next row of the batch: its first [`Self::len`] values (a shorter row is
    /// padded with 0).
    pub fn push(&mut self, row: &[f64]) {
        let first_row = self.rows == 0;
        let padded = pad(row);
        let columns = padded
            .iter()
            .zip(self.sum64.iter_mut().zip(self.varies.iter_mut()))
            .zip(
                self.first
                    .iter_mut()
                    .zip(self.min.iter_mut().zip(self.max.iter_mut())),
            )
            .take(usize::from(self.len));
        for ((v, (sum, varies)), (first, (min, max))) in columns {
            *sum += *v;
            *min = min.min(*v);
            *max = max.max(*v);
            if first_row {
                *first = *v;
            } else if *v != *first {
                *varies = true;
            }
        }
        self.rows = self.rows.saturating_add(1);
    }

    /// The number of columns.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the scan has no column.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of rows pushed, m.
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// Σ_i v_ij per column, in f64, added in the order the rows were pushed.
    pub fn sums(&self) -> &[f64] {
        self.sum64.get(..self.len()).unwrap_or(&[])
    }

    /// Per column, whether any value differs from the first row's.
    pub fn varies(&self) -> &[bool] {
        self.varies.get(..self.len()).unwrap_or(&[])
    }

    /// The smallest value per column (+∞ before any row).
    pub fn min(&self) -> &[f64] {
        self.min.get(..self.len()).unwrap_or(&[])
    }

    /// The largest value per column (−∞ before any row).
    pub fn max(&self) -> &[f64] {
        self.max.get(..self.len()).unwrap_or(&[])
    }

    /// v̄_j = Σ_i v_ij / m per column (all [`MAX_INDICATORS`] entries; those past
    /// [`Self::len`] are 0, and all are NaN before any row).
    pub fn means(&self) -> [f64; MAX_INDICATORS] {
        let mf = self.rows as f64;
        self.sum64.map(|s| s / mf)
    }

    /// [`WeightsError::TooFewRecords`] unless at least two rows were pushed.
    fn at_least_two(&self) -> Result<(), WeightsError> {
        if self.rows < 2 {
            Err(WeightsError::TooFewRecords { found: self.rows })
        } else {
            Ok(())
        }
    }
}

/// `row` copied into a full [`Row`], padded with 0.
fn pad(row: &[f64]) -> Row {
    let mut out = [0.0f64; MAX_INDICATORS];
    for (o, v) in out.iter_mut().zip(row) {
        *o = *v;
    }
    out
}

/// Scans the `m` rows of `n` columns that `fill` writes: sums, whether each column varies,
/// minimum and maximum.
pub(crate) fn scan<F: Fn(usize, &mut Row)>(m: usize, n: usize, fill: &F) -> ColumnScan {
    let mut out = ColumnScan::new(n);
    let mut row = [0.0f64; MAX_INDICATORS];
    for i in 0..m {
        fill(i, &mut row);
        out.push(&row);
    }
    out
}

/// The values entropy and CRITIC work on, per record: the model's normalised scores s_ij
/// (docs/spec.md §4 steps 1–3), or the raw values (for CRITIC's
/// [`critic::Normalisation::Data`]), each an f32 as the record holds it or as
/// [`crate::Indicator::normalise`] gives it, bit for bit. The goalposts' transforms are
/// computed once, not per value.
///
/// ```
/// use silkscore::weights::Normaliser;
/// use silkscore::{Record, BRI_CULTURAL_V1 as M};
/// let record = Record::from_values(1, &[Some(10.0); 18]).unwrap();
/// let mut s = [0.0f32; 18];
/// assert_eq!(Normaliser::new(&M).normalise(&record, &mut s), 18);
/// assert_eq!(s[0], M.indicators()[0].normalise(10.0).score);
/// let mut raw = [0.0f32; 18];
/// Normaliser::raw(&M).normalise(&record, &mut raw);
/// assert_eq!(raw, [10.0; 18]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normaliser {
    len: u8,
    /// The prepared indicators; `None` for the raw values.
    prepared: Option<[Prepared; MAX_INDICATORS]>,
}

impl Normaliser {
    /// The normalised scores s_ij of `model`'s indicators.
    pub fn new(model: &Model) -> Self {
        // (A model has at least one indicator; the slots past its length repeat the first.)
        let prepared = model.indicators().first().map(|first| {
            let mut prepared = [first.prepare(); MAX_INDICATORS];
            for (p, ind) in prepared.iter_mut().zip(model.indicators()) {
                *p = ind.prepare();
            }
            prepared
        });
        Normaliser {
            len: model.len().min(MAX_INDICATORS) as u8,
            prepared,
        }
    }

    /// The raw values of `model`'s indicators, as they are.
    pub fn raw(model: &Model) -> Self {
        Normaliser {
            len: model.len().min(MAX_INDICATORS) as u8,
            prepared: None,
        }
    }

    /// The number of values per record: the model's indicators.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a model has at least one indicator.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the values of `record` to `out` (as many as fit, at most [`Self::len`]) and
    /// returns how many. A missing value is 0 (the methods take complete records only).
    pub fn normalise(&self, record: &Record, out: &mut [f32]) -> usize {
        let n = self.len().min(out.len());
        let out = out.iter_mut().take(n).enumerate();
        match &self.prepared {
            Some(prepared) => {
                for ((j, o), p) in out.zip(prepared.iter()) {
                    *o = record.get(j).map_or(0.0, |x| p.normalise(x).score);
                }
            }
            None => {
                for (j, o) in out {
                    *o = record.get(j).unwrap_or(0.0);
                }
            }
        }
        n
    }

    /// Row `i` of a checked batch as f64 values: the rows [`entropy::entropy`] and
    /// [`critic::critic_with`] scan.
    fn fill<'a>(&'a self, records: &'a [Record]) -> impl Fn(usize, &mut Row) + 'a {
        move |i, row| {
            if let Some(record) = records.get(i) {
                let mut v = [0.0f32; MAX_INDICATORS];
                self.normalise(record, &mut v);
                for (o, x) in row.iter_mut().zip(v) {
                    *o = f64::from(x);
                }
            }
        }
    }
}

/// Checks a batch of records for data-driven indicator weights. Errors, in this order:
/// [`WeightsError::TooFewRecords`] (fewer than two); then, record by record,
/// [`WeightsError::RecordLength`] (a record whose length is not the model's) and
/// [`WeightsError::IncompleteRecord`] (its first missing or non-finite value in model order).
pub(crate) fn check_records(model: &Model, records: &[Record]) -> Result<(), WeightsError> {
    if records.len() < 2 {
        return Err(WeightsError::TooFewRecords {
            found: records.len(),
        });
    }
    let n = model.len();
    for (r, record) in records.iter().enumerate() {
        if record.len() != n {
            return Err(WeightsError::RecordLength {
                expected: n.min(u8::MAX as usize) as u8,
                found: record.len().min(u8::MAX as usize) as u8,
            });
        }
        if let Some(j) = (0..n).find(|j| !record.get(*j).is_some_and(f32::is_finite)) {
            return Err(WeightsError::IncompleteRecord {
                record: r,
                indicator: j.min(u8::MAX as usize) as u8,
            });
        }
    }
    Ok(())
}

/// Checks a batch of scores for data-driven connotation weights. Errors, in this order:
/// [`WeightsError::TooFewRecords`] (fewer than two); [`WeightsError::IncompleteRecord`] for
/// the first index (by score, then cultural, economic, security, `indicator` being the
/// connotation's position) that is not finite or lies outside [0, 100].
pub(crate) fn check_scores(scores: &[Scores]) -> Result<(), WeightsError> {
    if scores.len() < 2 {
        return Err(WeightsError::TooFewRecords {
            found: scores.len(),
        });
    }
    for (r, s) in scores.iter().enumerate() {
        for c in Connotation::ALL {
            let v = s.index(c);
            if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
                return Err(WeightsError::IncompleteRecord {
                    record: r,
                    indicator: c.index() as u8,
                });
            }
        }
    }
    Ok(())
}

/// Row `i` of a checked batch of scores as its three connotation indices (0–100).
pub(crate) fn indices(scores: &[Scores]) -> impl Fn(usize, &mut Row) + '_ {
    move |i, row| {
        if let Some(s) = scores.get(i) {
            for (c, v) in Connotation::ALL.iter().zip(row.iter_mut()) {
                *v = f64::from(s.index(*c));
            }
        }
    }
}

/// Whether each indicator of `model` is a cost indicator (less is better), in model order.
pub(crate) fn costs(model: &Model) -> [bool; MAX_INDICATORS] {
    let mut out = [false; MAX_INDICATORS];
    for (o, ind) in out.iter_mut().zip(model.indicators()) {
        *o = ind.direction == Direction::Cost;
    }
    out
}

/// A weight in f32 from its share `v / sum`; a share that would be subnormal in f32 (below
/// [`MIN_WEIGHT`]) is 0.
fn share(v: f64, sum: f64) -> f32 {
    let w = (v / sum) as f32;
    if w < MIN_WEIGHT {
        0.0
    } else {
        w
    }
}

/// Normalises per-indicator values within each connotation: w_j = v_j / Σ_{k in c} v_k, or
/// 1/k for the k indicators of a connotation whose values are all 0 (the fallback, reported
/// per connotation). A weight that would be subnormal in f32 (below [`MIN_WEIGHT`]) is 0.
pub(crate) fn within_connotations(
    model: &Model,
    values: &[f64],
) -> ([f32; MAX_INDICATORS], [bool; 3]) {
    let mut sum = [0.0f64; 3];
    let mut count = [0u8; 3];
    for (ind, v) in model.indicators().iter().zip(values) {
        let c = ind.connotation.index();
        if let (Some(s), Some(k)) = (sum.get_mut(c), count.get_mut(c)) {
            *s += *v;
            *k += 1;
        }
    }
    let mut w = [0.0f32; MAX_INDICATORS];
    for ((ind, v), w) in model.indicators().iter().zip(values).zip(w.iter_mut()) {
        let c = ind.connotation.index();
        let s = sum.get(c).copied().unwrap_or(0.0);
        *w = if s > 0.0 {
            share(*v, s)
        } else {
            1.0 / f32::from(count.get(c).copied().unwrap_or(1).max(1))
        };
    }
    (w, sum.map(|s| s <= 0.0))
}

/// Normalises three per-connotation values to connotation weights summing to 1:
/// W_c = v_c / Σ v, or 1/3 each when every value is 0 (the fallback, returned as `true`).
pub(crate) fn across_connotations(values: &[f64]) -> ([f32; 3], bool) {
    let sum: f64 = values.iter().take(3).sum();
    if sum > 0.0 {
        let mut w = [0.0f32; 3];
        for (w, v) in w.iter_mut().zip(values) {
            *w = share(*v, sum);
        }
        (w, false)
    } else {
        ([1.0 / 3.0; 3], true)
    }
}

/// A copy of `model` with `weights` (one per indicator, in model order), validated again:
/// [`WeightsError::RecordLength`] when the counts differ.
pub(crate) fn put_into(model: &Model, weights: &[f32]) -> Result<Model, WeightsError> {
    if weights.len() != model.len() {
        return Err(WeightsError::RecordLength {
            expected: model.len().min(u8::MAX as usize) as u8,
            found: weights.len().min(u8::MAX as usize) as u8,
        });
    }
    Ok(model.with_indicator_weights(weights)?)
}

/// A copy of `model` with the connotation weights `weights` (cultural, economic, security),
/// validated again: [`WeightsError::ConnotationCount`] unless there are exactly three.
pub(crate) fn put_across(model: &Model, weights: &[f32]) -> Result<Model, WeightsError> {
    let w: [f32; 3] = weights
        .try_into()
        .map_err(|_| WeightsError::ConnotationCount {
            found: weights.len().min(u8::MAX as usize) as u8,
        })?;
    let mut params = *model.params();
    params.weights = w;
    Ok(model.with_params(params)?)
}

/// A copy of `model` with every indicator weight set to 1 (docs/spec.md §5.1 "equal"). The
/// connotation weights and everything else are kept.
///
/// ```
/// use silkscore::{weights, BRI_CULTURAL_V1};
/// let skewed = BRI_CULTURAL_V1.with_indicator_weights(&[2.0; 18]).unwrap();
/// let model = weights::equal(&skewed).unwrap();
/// assert!(model.indicators().iter().all(|i| i.weight == 1.0));
/// assert_eq!(model, BRI_CULTURAL_V1);
/// ```
pub fn equal(model: &Model) -> Result<Model, WeightsError> {
    let ones = [1.0f32; MAX_INDICATORS];
    // A model has at most MAX_INDICATORS indicators: the slice is always `model.len()` long.
    let weights = ones.get(..model.len()).unwrap_or(&ones);
    Ok(model.with_indicator_weights(weights)?)
}

/// A copy of `model` with the three connotation weights set to 1 (docs/spec.md §5.5); the
/// indicator weights and everything else are kept.
///
/// ```
/// use silkscore::{weights, BRI_CULTURAL_V1};
/// let mut params = *BRI_CULTURAL_V1.params();
/// params.weights = [2.0, 1.0, 0.5];
/// let skewed = BRI_CULTURAL_V1.with_params(params).unwrap();
/// let model = weights::equal_across(&skewed).unwrap();
/// assert_eq!(model.params().weights, [1.0; 3]);
/// assert_eq!(model, BRI_CULTURAL_V1);
/// ```
pub fn equal_across(model: &Model) -> Result<Model, WeightsError> {
    put_across(model, &[1.0; 3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BRI_CULTURAL_V1;

    #[test]
    fn computed_weights_are_never_subnormal() {
        // Cultural indicators 0..6: one value dwarfs the others, whose shares are subnormal
        // (1e-40), below f32::MIN_POSITIVE (1e-38), or normal (1e-30).
        let mut v = [1.0f64; 18];
        v[..6].copy_from_slice(&[1.0, 1e-40, 1e-39, 1e-30, 0.0, 1e-45]);
        let (w, fallback) = within_connotations(&BRI_CULTURAL_V1, &v);
        assert_eq!(w[1], 0.0);
        assert_eq!(w[2], 0.0);
        assert!(w[3] > 0.0 && w[3].is_normal());
        assert_eq!(w[5], 0.0);
        assert!(w.iter().all(|x| *x == 0.0 || x.is_normal()));
        assert_eq!(fallback, [false; 3]);
        assert!(put_into(&BRI_CULTURAL_V1, w.get(..18).unwrap()).is_ok());
    }

    #[test]
    fn across_connotations_normalise_to_one_or_fall_back() {
        let (w, fell_back) = across_connotations(&[1.0, 3.0, 0.0]);
        assert_eq!(w, [0.25, 0.75, 0.0]);
        assert!(!fell_back);
        let (w, fell_back) = across_connotations(&[1.0, 1e-45, 1e-30]);
        assert_eq!(w[1], 0.0, "a subnormal share is 0");
        assert!(w[2] > 0.0);
        assert!(!fell_back);
        assert_eq!(across_connotations(&[0.0; 3]), ([1.0 / 3.0; 3], true));
    }

    #[test]
    fn connotation_weights_go_into_the_params() {
        let m = put_across(&BRI_CULTURAL_V1, &[0.5, 0.25, 0.25]).unwrap();
        assert_eq!(m.params().weights, [0.5, 0.25, 0.25]);
        assert_eq!(m.indicators(), BRI_CULTURAL_V1.indicators());
        assert_ne!(m.fingerprint(), BRI_CULTURAL_V1.fingerprint());
        assert_eq!(
            put_across(&BRI_CULTURAL_V1, &[1.0; 2]),
            Err(WeightsError::ConnotationCount { found: 2 })
        );
        assert!(matches!(
            put_across(&BRI_CULTURAL_V1, &[0.0; 3]),
            Err(WeightsError::InvalidModel(_))
        ));
        assert_eq!(equal_across(&m).unwrap(), BRI_CULTURAL_V1);
    }

    #[test]
    fn checks_name_the_first_bad_value() {
        let m = &BRI_CULTURAL_V1;
        let full = Record::from_values(1, &[Some(1.0); 18]).unwrap();
        let mut gap = full;
        gap.set_missing(7).unwrap();
        assert_eq!(
            check_records(m, &[full, full, gap]),
            Err(WeightsError::IncompleteRecord {
                record: 2,
                indicator: 7
            })
        );
        assert_eq!(check_records(m, &[full, full]), Ok(()));
        let s = crate::score::score(m, &full).unwrap();
        assert_eq!(check_scores(&[s, s]), Ok(()));
        let mut neg = s;
        neg.cultural = -0.5;
        assert_eq!(
            check_scores(&[s, neg]),
            Err(WeightsError::IncompleteRecord {
                record: 1,
                indicator: 0
            })
        );
        assert_eq!(
            check_scores(&[s]),
            Err(WeightsError::TooFewRecords { found: 1 })
        );
    }

    #[test]
    fn scan_finds_sums_ranges_and_constant_columns() {
        let rows = [[1.0, 5.0, 2.0], [3.0, 5.0, -2.0]];
        let fill = |i: usize, row: &mut Row| {
            for (v, x) in row.iter_mut().zip(rows[i]) {
                *v = x;
            }
        };
        let s = scan(2, 3, &fill);
        assert_eq!(&s.sum64[..3], &[4.0, 10.0, 0.0]);
        assert_eq!(&s.varies[..3], &[true, false, true]);
        assert_eq!(&s.min[..3], &[1.0, 5.0, -2.0]);
        assert_eq!(&s.max[..3], &[3.0, 5.0, 2.0]);
    }

    #[test]
    fn put_into_checks_the_count() {
        assert_eq!(
            put_into(&BRI_CULTURAL_V1, &[1.0; 5]),
            Err(WeightsError::RecordLength {
                expected: 18,
                found: 5
            })
        );
    }
}
