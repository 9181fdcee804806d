//! CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, "CRiteria Importance Through
//! Intercriteria Correlation") from a batch of records (docs/spec.md §5.4), or connotation
//! weights from the connotation indices of a batch of scores (docs/spec.md §5.5,
//! [`critic_across`]).
//!
//! CRITIC is an objective method like [entropy](super::entropy): it needs no judgement, only a
//! batch of m ≥ 2 complete records. An indicator gets more weight the more its normalised
//! values vary across the batch (contrast) *and* the less they agree with the other
//! indicators (conflict): an indicator that only repeats what another one says adds little.
//! With v_ij the normalised value of indicator j in record i ([`Normalisation`]):
//!
//! - **constant columns**: a column whose values v_ij are all equal carries no information
//!   and is **excluded**: σ_j = 0, C_j = 0, its correlations are 0, and it takes no part in
//!   any other indicator's conflict sum ([`CriticWeights::is_excluded`] says which);
//! - σ_j: the population standard deviation of column j, √(Σ_i (v_ij − v̄_j)² / m);
//! - ρ_jk: the Pearson correlation of columns j and k, clamped into [−1, 1];
//! - C_j = σ_j Σ_k (1 − ρ_jk), the sum over the model's indicators k that are **not
//!   excluded**, in every connotation (redundancy with an indicator of another connotation is
//!   redundancy too);
//! - w_j = C_j / Σ_k C_k over the indicators k of j's connotation, as for entropy weights. A
//!   connotation whose C_j are all 0 falls back to equal weights 1/k over its k indicators, and
//!   [`CriticWeights::fallback`] says so. (A connotation with a single indicator always gets
//!   weight 1 for it.)
//!
//! Two normalisations ([`Normalisation`]) give the values v_ij: the model's own scores s_ij
//! (goalposts, transform, direction: docs/spec.md §4 steps 1–3), or the textbook min–max over
//! the batch's raw values, as in Diakoulaki et al. and `pymcdm` (with cost indicators
//! reversed, as Diakoulaki et al. do; `pymcdm.weights.critic_weights` treats every criterion
//! as a benefit, so it agrees once cost columns are negated). σ and ρ do not depend on the
//! scale of a column, so only the transform and the clamping at the goalposts tell the two
//! apart. With every column varying the weights, renormalised over all indicators, are
//! exactly `pymcdm`'s (its sample σ differs from the population σ by one factor common to
//! every column); `pymcdm` gives NaN for a constant column, which is excluded here.
//!
//! The functions read the records a few times (a check, the column sums and ranges, the
//! deviation products) and work in f64 on fixed-size arrays: the upper triangle of the
//! 32 × 32 cross-product matrix is 528 f64 (4.2 KiB of stack). Nothing allocates or panics,
//! whatever the batch size. Results are reported as f32.
//!
//! ```
//! use silkscore::weights::critic;
//! use silkscore::{Connotation, Record, BRI_CULTURAL_V1};
//!
//! // Three projects that differ in talent exchange, heritage items and jobs created.
//! let mut records = [Record::new(1, 18), Record::new(2, 18), Record::new(3, 18)];
//! for (r, (talent, heritage, jobs)) in records
//!     .iter_mut()
//!     .zip([(10.0, 5.0, 100.0), (1000.0, 30.0, 50.0), (5000.0, 7.0, 900.0)])
//! {
//!     for i in 0..18 { r.set(i, 1.0).unwrap(); }
//!     r.set(0, talent).unwrap();
//!     r.set(1, heritage).unwrap();
//!     r.set(12, jobs).unwrap();
//! }
//! let w = critic::critic(&BRI_CULTURAL_V1, &records).unwrap();
//! assert_eq!(w.std_devs()[2], 0.0);           // dissemination_events: all equal …
//! assert!(w.is_excluded(2));                  // … so it is excluded
//! assert_eq!(w.weights()[2], 0.0);            // … and gets no weight
//! assert_eq!(w.excluded_count(), 15);
//! assert!(w.weights()[0] > 0.0 && w.weights()[1] > 0.0);
//! assert!((w.weights()[0] + w.weights()[1] - 1.0).abs() < 1e-6);
//! assert!(w.fallback(Connotation::Economic)); // nothing economic varies: 1/6 each
//! assert!((w.weights()[6] - 1.0 / 6.0).abs() < 1e-7);
//! assert_eq!(w.weights()[12], 1.0);           // the only security indicator that varies
//!
//! let model = w.to_model(&BRI_CULTURAL_V1).unwrap();
//! assert_eq!(model.indicators()[0].weight, w.weights()[0]);
//! ```

use core::ops::Range;

use super::{ColumnScan, Level, Row, WeightsError};
use crate::model::{Connotation, Model, MAX_INDICATORS};
use crate::record::Record;
use crate::score::Scores;

/// Entries of the upper triangle (diagonal included) of a [`MAX_INDICATORS`]² matrix.
const TRIANGLE: usize = MAX_INDICATORS * (MAX_INDICATORS + 1) / 2;

/// Position of (j, k) in the packed upper triangle; symmetric in j and k.
const fn tri(j: usize, k: usize) -> usize {
    let (a, b) = if j <= k { (j, k) } else { (k, j) };
    a * (2 * MAX_INDICATORS - a + 1) / 2 + (b - a)
}

/// How CRITIC normalises each column before σ and ρ (docs/spec.md §5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Normalisation {
    /// The model's normalised scores s_ij (docs/spec.md §4 steps 1–3: clamp to the goalposts,
    /// transform, min–max between the goalposts, reverse a cost indicator). For connotation
    /// weights: the connotation indices as they are.
    #[default]
    Goalposts,
    /// The textbook definition (Diakoulaki et al. 1995, as `pymcdm`): min–max over the
    /// batch, (x − min_j)/(max_j − min_j) for a benefit indicator and
    /// (max_j − x)/(max_j − min_j) for a cost indicator, on the raw values (no transform, no
    /// goalposts). For connotation weights: min–max of each index over the batch.
    Data,
}

impl Normalisation {
    /// `"goalposts"` or `"data"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Normalisation::Goalposts => "goalposts",
            Normalisation::Data => "data",
        }
    }
}

/// The result of [`critic`], [`critic_with`] or [`critic_across`]: per column (indicator in
/// model order, or connotation) its standard deviation σ_j, conflict Σ_k (1 − ρ_jk),
/// information C_j, weight w_j and whether it was excluded as constant; the correlations;
/// whether it fell back to equal weights.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CriticWeights {
    level: Level,
    normalisation: Normalisation,
    len: u8,
    records: usize,
    sigma: [f32; MAX_INDICATORS],
    conflict: [f32; MAX_INDICATORS],
    information: [f32; MAX_INDICATORS],
    w: [f32; MAX_INDICATORS],
    excluded: [bool; MAX_INDICATORS],
    correlation: [f32; TRIANGLE],
    fallback: [bool; 3],
}

impl CriticWeights {
    /// Whether these are indicator weights ([`critic`], [`critic_with`]) or connotation
    /// weights ([`critic_across`]).
    pub const fn level(&self) -> Level {
        self.level
    }

    /// The normalisation the weights were computed with.
    pub const fn normalisation(&self) -> Normalisation {
        self.normalisation
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

    /// σ_j per column: the population standard deviation of its normalised values (in
    /// [0, 0.5] for values in [0, 1]); exactly 0 for an excluded (constant) column.
    pub fn std_devs(&self) -> &[f32] {
        self.sigma.get(..self.len()).unwrap_or(&[])
    }

    /// Σ_k (1 − ρ_jk) per column, over the columns k that are not excluded; 0 for an
    /// excluded column.
    pub fn conflicts(&self) -> &[f32] {
        self.conflict.get(..self.len()).unwrap_or(&[])
    }

    /// C_j = σ_j Σ_k (1 − ρ_jk) per column: the information it carries.
    pub fn information(&self) -> &[f32] {
        self.information.get(..self.len()).unwrap_or(&[])
    }

    /// w_j per column. Indicators: C_j over its connotation's C sum, or 1/k in a connotation
    /// that fell back; the weights of each connotation sum to 1 (up to rounding).
    /// Connotations: C_c over the three C, or 1/3 each when all are 0.
    pub fn weights(&self) -> &[f32] {
        self.w.get(..self.len()).unwrap_or(&[])
    }

    /// Whether column `j` was excluded because its normalised values are all equal (`false`
    /// when `j` is not a column).
    pub fn is_excluded(&self, j: usize) -> bool {
        j < self.len() && self.excluded.get(j).copied().unwrap_or(false)
    }

    /// Per column, whether it was excluded as constant.
    pub fn excluded(&self) -> &[bool] {
        self.excluded.get(..self.len()).unwrap_or(&[])
    }

    /// How many columns were excluded as constant.
    pub fn excluded_count(&self) -> usize {
        self.excluded().iter().filter(|e| **e).count()
    }

    /// The Pearson correlation ρ_jk of columns `j` and `k` (0-based), in [−1, 1]; 0 when
    /// either is excluded (also for j = k), 1 for j = k otherwise. `None` when `j` or `k` is
    /// not a column.
    pub fn correlation(&self, j: usize, k: usize) -> Option<f32> {
        if j >= self.len() || k >= self.len() {
            return None;
        }
        self.correlation.get(tri(j, k)).copied()
    }

    /// Whether every C_j of `connotation` was 0, so its indicators got equal weights 1/k. For
    /// connotation weights: whether all three C were 0 (the same answer for every
    /// connotation), so each got 1/3.
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
    pub fn to_model(&self, model: &Model) -> Result<Model, WeightsError> {
        match self.level {
            Level::Indicators => super::put_into(model, self.weights()),
            Level::Connotations => super::put_across(model, self.weights()),
        }
    }
}

/// CRITIC weights for `model`'s indicators from a batch of complete records, on the model's
/// normalised scores ([`Normalisation::Goalposts`]); see [`critic_with`].
///
/// ```
/// use silkscore::weights::critic::critic;
/// use silkscore::weights::WeightsError;
/// use silkscore::{Record, BRI_CULTURAL_V1};
///
/// let full = Record::from_values(1, &[Some(1.0); 18]).unwrap();
/// let mut gap = full;
/// gap.set(4, f32::NAN).unwrap();
/// assert_eq!(critic(&BRI_CULTURAL_V1, &[full]), Err(WeightsError::TooFewRecords { found: 1 }));
/// assert_eq!(
///     critic(&BRI_CULTURAL_V1, &[full, gap]),
///     Err(WeightsError::IncompleteRecord { record: 1, indicator: 4 })
/// );
/// let w = critic(&BRI_CULTURAL_V1, &[full, full]).unwrap();
/// assert!(w.std_devs().iter().all(|s| *s == 0.0)); // nothing varies
/// assert_eq!(w.excluded_count(), 18);
/// assert!(w.weights().iter().all(|w| (*w - 1.0 / 6.0).abs() < 1e-7));
/// assert!(w.any_fallback());
/// ```
pub fn critic(model: &Model, records: &[Record]) -> Result<CriticWeights, WeightsError> {
    critic_with(model, records, Normalisation::Goalposts)
}

/// CRITIC weights for `model`'s indicators from a batch of complete records, with the
/// normalisation `how` (see the [module documentation](self) for the method).
///
/// Errors, checked in this order (the same as [`super::entropy::entropy`]):
/// - [`WeightsError::TooFewRecords`]: fewer than two records;
/// - [`WeightsError::RecordLength`]: the first record (in batch order) whose length is not
///   the model's;
/// - [`WeightsError::IncompleteRecord`]: the first missing or non-finite value, by record,
///   then by indicator in model order.
///
/// ```
/// use silkscore::weights::critic::{critic_with, Normalisation};
/// use silkscore::{Record, BRI_CULTURAL_V1};
///
/// // Values far above the goalposts: every s is 1, but the raw values still differ in
/// // talent exchange and heritage items.
/// let base = Record::from_values(1, &[Some(1.0e9); 18]).unwrap();
/// let records = [(1.0e9, 1.0e9), (2.0e9, 3.0e9), (3.0e9, 2.0e9)].map(|(t, h)| {
///     let mut r = base;
///     r.set(0, t).unwrap();
///     r.set(1, h).unwrap();
///     r
/// });
/// let goalposts = critic_with(&BRI_CULTURAL_V1, &records, Normalisation::Goalposts).unwrap();
/// assert!(goalposts.is_excluded(0)); // clamped to the same s
/// let data = critic_with(&BRI_CULTURAL_V1, &records, Normalisation::Data).unwrap();
/// assert!(!data.is_excluded(0) && !data.is_excluded(1) && data.is_excluded(2));
/// assert!((data.correlation(0, 1).unwrap() - 0.5).abs() < 1e-6);
/// assert!((data.weights()[0] - 0.5).abs() < 1e-6 && (data.weights()[1] - 0.5).abs() < 1e-6);
/// ```
pub fn critic_with(
    model: &Model,
    records: &[Record],
    how: Normalisation,
) -> Result<CriticWeights, WeightsError> {
    super::check_records(model, records)?;
    let m = records.len();
    let sums = match how {
        Normalisation::Goalposts => {
            let normaliser = super::Normaliser::new(model);
            let fill = normaliser.fill(records);
            columns(m, normaliser.len(), &fill)?
        }
        Normalisation::Data => {
            let normaliser = super::Normaliser::raw(model);
            let raw = normaliser.fill(records);
            let scan = super::scan(m, normaliser.len(), &raw);
            min_max(m, &raw, &MinMax::new(&scan, model))?
        }
    };
    sums.weights(model, how)
}

/// CRITIC weights of the three connotations (docs/spec.md §5.5) from the connotation indices
/// of a batch of scores: the method of [`critic_with`] with the indices I_c as the three
/// columns (as they are, or min–max over the batch with [`Normalisation::Data`]), and
/// W_c = C_c / Σ C, or 1/3 each when no index varies. Put them into a model with
/// [`CriticWeights::to_model`].
///
/// Errors: [`WeightsError::TooFewRecords`] for fewer than two scores;
/// [`WeightsError::IncompleteRecord`] for the first index that is not finite or not in
/// [0, 100] (by score, then connotation).
///
/// ```
/// use silkscore::weights::critic::{critic_across, Normalisation};
/// use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
///
/// let scores: Vec<_> = [(1.0, 40.0), (10.0, 20.0), (100.0, 10.0), (1000.0, 30.0)]
///     .iter()
///     .map(|(talent, jobs)| {
///         let mut r = Record::from_values(1, &[Some(5.0); 18]).unwrap();
///         r.set(0, *talent).unwrap();
///         r.set(12, *jobs).unwrap();
///         score(&M, &r).unwrap()
///     })
///     .collect();
/// let w = critic_across(&scores, Normalisation::Goalposts).unwrap();
/// assert!(w.is_excluded(1)); // the economic index does not vary
/// assert_eq!(w.weights()[1], 0.0);
/// assert!((w.weights().iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// let model = w.to_model(&M).unwrap();
/// assert_eq!(model.params().weights[0], w.weights()[0]);
/// ```
pub fn critic_across(scores: &[Scores], how: Normalisation) -> Result<CriticWeights, WeightsError> {
    super::check_scores(scores)?;
    let m = scores.len();
    let fill = super::indices(scores);
    let sums = match how {
        Normalisation::Goalposts => columns(m, 3, &fill)?,
        Normalisation::Data => min_max(m, &fill, &MinMax::across(&super::scan(m, 3, &fill)))?,
    };
    sums.weights_across(how)
}

/// σ, conflicts, information and correlations of a batch, in f64.
struct Core {
    sigma: Row,
    conflict: Row,
    information: Row,
    correlation: [f32; TRIANGLE],
    excluded: [bool; MAX_INDICATORS],
}

impl Core {
    fn weights(
        &self,
        level: Level,
        normalisation: Normalisation,
        n: usize,
        m: usize,
        w: [f32; MAX_INDICATORS],
        fallback: [bool; 3],
    ) -> CriticWeights {
        CriticWeights {
            level,
            normalisation,
            len: n.min(u8::MAX as usize) as u8,
            records: m,
            sigma: self.sigma.map(|x| x as f32),
            conflict: self.conflict.map(|x| x as f32),
            information: self.information.map(|x| x as f32),
            w,
            excluded: self.excluded,
            correlation: self.correlation,
            fallback,
        }
    }
}

/// CRITIC's [`Normalisation::Data`] of a batch's raw values, from their
/// [`ColumnScan`]: (x − min)/(max − min) per column, or (max − x)/(max − min) for a cost
/// indicator, and 0 in a column whose raw values are all equal.
///
/// ```
/// use silkscore::weights::{critic::MinMax, ColumnScan};
/// let mut scan = ColumnScan::new(3);
/// scan.push(&[10.0, 1.0, 7.0]);
/// scan.push(&[20.0, 3.0, 7.0]);
/// let mut row = [15.0, 2.5, 7.0];
/// MinMax::across(&scan).apply(&mut row);
/// assert_eq!(row, [0.5, 0.75, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinMax {
    len: u8,
    lo: Row,
    hi: Row,
    varies: [bool; MAX_INDICATORS],
    cost: [bool; MAX_INDICATORS],
}

impl MinMax {
    /// The min–max normalisation of `model`'s indicators (cost indicators reversed) over the
    /// raw values `raw` scanned.
    pub fn new(raw: &ColumnScan, model: &Model) -> Self {
        MinMax::with_costs(raw, super::costs(model))
    }

    /// The min–max normalisation of columns that are all benefits (the connotation indices).
    pub fn across(raw: &ColumnScan) -> Self {
        MinMax::with_costs(raw, [false; MAX_INDICATORS])
    }

    fn with_costs(raw: &ColumnScan, cost: [bool; MAX_INDICATORS]) -> Self {
        let mut out = MinMax {
            len: raw.len() as u8,
            lo: [0.0; MAX_INDICATORS],
            hi: [0.0; MAX_INDICATORS],
            varies: [false; MAX_INDICATORS],
            cost,
        };
        for (o, v) in out.lo.iter_mut().zip(raw.min()) {
            *o = *v;
        }
        for (o, v) in out.hi.iter_mut().zip(raw.max()) {
            *o = *v;
        }
        for (o, v) in out.varies.iter_mut().zip(raw.varies()) {
            *o = *v;
        }
        out
    }

    /// Normalises the first values of a raw row in place.
    pub fn apply(&self, row: &mut [f64]) {
        let columns = row
            .iter_mut()
            .zip(self.lo.iter().zip(self.hi.iter()))
            .zip(self.varies.iter().zip(self.cost.iter()))
            .take(usize::from(self.len));
        for ((v, (lo, hi)), (varies, cost)) in columns {
            *v = if *varies {
                let range = hi - lo;
                if *cost {
                    (hi - *v) / range
                } else {
                    (*v - lo) / range
                }
            } else {
                0.0
            };
        }
    }
}

/// CRITIC on the min–max normalisation `mm` of the columns `raw` writes.
fn min_max<F: Fn(usize, &mut Row)>(
    m: usize,
    raw: &F,
    mm: &MinMax,
) -> Result<CrossProducts, WeightsError> {
    let fill = |i: usize, row: &mut Row| {
        raw(i, row);
        mm.apply(row);
    };
    columns(m, mm.len.into(), &fill)
}

/// CRITIC on the columns `fill` writes, as they are: a pass for the column sums (and which
/// columns vary), a pass for the deviation products.
fn columns<F: Fn(usize, &mut Row)>(
    m: usize,
    n: usize,
    fill: &F,
) -> Result<CrossProducts, WeightsError> {
    let mut sums = CrossProducts::new(&super::scan(m, n, fill))?;
    let mut row = [0.0f64; MAX_INDICATORS];
    for i in 0..m {
        fill(i, &mut row);
        sums.add(&row);
    }
    Ok(sums)
}

/// The second pass of CRITIC, after a [`ColumnScan`] of the same (normalised) rows: the sums
/// Σ_i (v_ij − v̄_j)(v_ik − v̄_k) for j ≤ k, each added in the order the rows are given;
/// then σ, ρ, the conflicts, the information and the weights. [`critic_with`] and
/// [`critic_across`] are a scan (two with [`Normalisation::Data`], the first on the raw
/// values for [`MinMax`]) and this.
///
/// Every sum is its own: a host may run the rows through several accumulators, each for
/// other rows j of the triangle ([`Self::add_part`], on other threads), and gather the sums
/// with [`Self::absorb`]. The weights are the same bits as long as every part saw every row,
/// in batch order.
///
/// ```
/// use silkscore::weights::critic::{critic, CrossProducts, Normalisation};
/// use silkscore::weights::{ColumnScan, Normaliser};
/// use silkscore::{Record, BRI_CULTURAL_V1 as M};
///
/// let records: Vec<Record> = (1..=6u32)
///     .map(|i| {
///         let v: Vec<Option<f32>> =
///             (0..18).map(|j| Some(((i * 7 + j * 3) % 11) as f32 * 9.0)).collect();
///         Record::from_values(i, &v).unwrap()
///     })
///     .collect();
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
/// // Two workers: triangle rows 0..5 (the products (j, k), k ≥ j, for j < 5) and 5..18.
/// let mut a = CrossProducts::new(&scan).unwrap();
/// let mut b = a.clone();
/// rows.iter().for_each(|r| a.add_part(r, 0..5));
/// rows.iter().for_each(|r| b.add_part(r, 5..18));
/// a.absorb(&b, 5..18);
/// assert_eq!(a.weights(&M, Normalisation::Goalposts).unwrap(), critic(&M, &records).unwrap());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CrossProducts {
    len: u8,
    /// m, from the scan.
    rows: usize,
    /// v̄_j.
    mean: Row,
    /// Whether column j varies (a constant column's deviations are 0).
    varies: [bool; MAX_INDICATORS],
    /// Σ_i (v_ij − v̄_j)(v_ik − v̄_k) for j ≤ k, at [`tri`]`(j, k)`.
    cross: [f64; TRIANGLE],
}

impl CrossProducts {
    /// The accumulator for the rows `scan` saw (the means and which columns vary), with
    /// nothing added yet. [`WeightsError::TooFewRecords`] when the scan saw fewer than two
    /// rows.
    pub fn new(scan: &ColumnScan) -> Result<Self, WeightsError> {
        scan.at_least_two()?;
        let mut varies = [false; MAX_INDICATORS];
        for (v, s) in varies.iter_mut().zip(scan.varies()) {
            *v = *s;
        }
        Ok(CrossProducts {
            len: scan.len() as u8,
            rows: scan.rows(),
            mean: scan.means(),
            varies,
            cross: [0.0; TRIANGLE],
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

    /// Adds the deviation products of the next row (in batch order; the row's first
    /// [`Self::len`] values).
    pub fn add(&mut self, row: &[f64]) {
        self.add_part(row, 0..self.len());
    }

    /// Adds the products (j, k), k ≥ j, for the rows `js` of the triangle of the next row, for
    /// a worker that sums those only. Row j of the triangle holds `len − j` products, so
    /// equal shares of the work are ranges of unequal lengths.
    pub fn add_part(&mut self, row: &[f64], js: Range<usize>) {
        let n = self.len();
        let mut dev = [0.0f64; MAX_INDICATORS];
        let columns = dev
            .iter_mut()
            .zip(row.iter())
            .zip(self.mean.iter().zip(self.varies.iter()))
            .take(n);
        for ((dev, v), (mean, varies)) in columns {
            if *varies {
                *dev = *v - *mean;
            }
        }
        let end = js.end.min(n);
        let start = js.start.min(end);
        for (j, dj) in dev.iter().enumerate().take(end).skip(start) {
            if *dj == 0.0 {
                continue;
            }
            for (k, dk) in dev.iter().enumerate().take(n).skip(j) {
                if let Some(acc) = self.cross.get_mut(tri(j, k)) {
                    *acc += dj * dk;
                }
            }
        }
    }

    /// Takes the sums of the triangle rows `js` from `part`, an accumulator of the same scan
    /// that summed them (with [`Self::add_part`]).
    pub fn absorb(&mut self, part: &CrossProducts, js: Range<usize>) {
        let n = self.len();
        let end = js.end.min(n);
        for j in js.start.min(end)..end {
            for k in j..n {
                let t = tri(j, k);
                if let (Some(s), Some(p)) = (self.cross.get_mut(t), part.cross.get(t)) {
                    *s = *p;
                }
            }
        }
    }

    /// The CRITIC weights of `model`'s indicators, from the sums of its rows normalised as
    /// `how` says (the result of [`critic_with`]). [`WeightsError::RecordLength`] when the
    /// model does not have one indicator per column.
    pub fn weights(
        &self,
        model: &Model,
        how: Normalisation,
    ) -> Result<CriticWeights, WeightsError> {
        let n = self.len();
        if model.len() != n {
            return Err(WeightsError::RecordLength {
                expected: model.len().min(u8::MAX as usize) as u8,
                found: self.len,
            });
        }
        let core = self.core();
        let (w, fallback) =
            super::within_connotations(model, core.information.get(..n).unwrap_or(&[]));
        Ok(core.weights(Level::Indicators, how, n, self.rows, w, fallback))
    }

    /// The CRITIC weights of the three connotations, from the sums of their indices (the
    /// result of [`critic_across`]). [`WeightsError::ConnotationCount`] unless there are
    /// three columns.
    pub fn weights_across(&self, how: Normalisation) -> Result<CriticWeights, WeightsError> {
        if self.len != 3 {
            return Err(WeightsError::ConnotationCount { found: self.len });
        }
        let core = self.core();
        let (w3, fell_back) = super::across_connotations(core.information.get(..3).unwrap_or(&[]));
        let mut w = [0.0f32; MAX_INDICATORS];
        for (w, v) in w.iter_mut().zip(w3) {
            *w = v;
        }
        Ok(core.weights(Level::Connotations, how, 3, self.rows, w, [fell_back; 3]))
    }

    /// σ, ρ, the conflicts and the information from the sums.
    fn core(&self) -> Core {
        let n = self.len();
        let mf = self.rows as f64;
        let cross = &self.cross;
        let varies = &self.varies;

        // σ_j (population); a column that varies has σ > 0 unless its deviations underflow.
        let mut sigma = [0.0f64; MAX_INDICATORS];
        let mut excluded = [true; MAX_INDICATORS];
        for (j, ((s, varies), excluded)) in sigma
            .iter_mut()
            .zip(varies.iter())
            .zip(excluded.iter_mut())
            .enumerate()
            .take(n)
        {
            if *varies {
                *s = libm::sqrt(cross.get(tri(j, j)).copied().unwrap_or(0.0).max(0.0) / mf);
            }
            *excluded = *s <= 0.0 || s.is_nan();
        }

        // ρ_jk, and the conflicts over the columns that are not excluded.
        let mut correlation = [0.0f32; TRIANGLE];
        let mut conflict = [0.0f64; MAX_INDICATORS];
        for (j, (sj, conflict)) in sigma.iter().zip(conflict.iter_mut()).enumerate().take(n) {
            if *sj <= 0.0 {
                continue;
            }
            for (k, sk) in sigma.iter().enumerate().take(n) {
                if *sk <= 0.0 {
                    continue;
                }
                let rho = if j == k {
                    1.0
                } else {
                    let cov = cross.get(tri(j, k)).copied().unwrap_or(0.0) / mf;
                    (cov / (sj * sk)).max(-1.0).min(1.0)
                };
                *conflict += 1.0 - rho;
                if k >= j {
                    if let Some(c) = correlation.get_mut(tri(j, k)) {
                        *c = rho as f32;
                    }
                }
            }
        }

        // C_j.
        let mut information = [0.0f64; MAX_INDICATORS];
        for (c, (s, conflict)) in information
            .iter_mut()
            .zip(sigma.iter().zip(conflict.iter()))
            .take(n)
        {
            *c = s * conflict;
        }
        Core {
            sigma,
            conflict,
            information,
            correlation,
            excluded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Indicator, ModelParams, Transform, BRI_CULTURAL_V1};
    use crate::weights::Level;

    fn lin(id: &str, c: Connotation) -> Indicator {
        Indicator::new(id, c, Direction::Benefit, Transform::Lin, 0.0, 1.0)
    }

    /// Three cultural indicators a, b, c = 1 − a, one constant economic e, one security f.
    fn small() -> (Model, [Record; 3]) {
        let model = Model::new(
            "critic-small",
            ModelParams::DEFAULT,
            &[
                lin("a", Connotation::Cultural),
                lin("b", Connotation::Cultural),
                lin("c", Connotation::Cultural),
                lin("e", Connotation::Economic),
                lin("f", Connotation::Security),
            ],
        )
        .unwrap();
        let rows = [
            [0.0, 0.0, 1.0, 0.3, 0.0],
            [0.5, 1.0, 0.5, 0.3, 0.0],
            [1.0, 0.5, 0.0, 0.3, 1.0],
        ];
        let records = [0, 1, 2].map(|i| Record::from_values(i as u32, &rows[i].map(Some)).unwrap());
        (model, records)
    }

    #[test]
    fn hand_computed_small_case() {
        let (model, records) = small();
        let w = critic(&model, &records).unwrap();
        let close = |a: f32, b: f64| (f64::from(a) - b).abs() < 1e-6;
        let h = 3f64.sqrt() / 2.0; // ρ(a, f) = √3/2

        // σ: a, b, c = √(1/6); e = 0; f = √(2/9).
        let s = (1.0f64 / 6.0).sqrt();
        let sigma = w.std_devs();
        assert!(close(sigma[0], s) && close(sigma[1], s) && close(sigma[2], s));
        assert_eq!(sigma[3], 0.0);
        assert!(close(sigma[4], (2.0f64 / 9.0).sqrt()));

        // ρ: ab = 1/2, ac = −1, bc = −1/2, af = √3/2, bf = 0, cf = −√3/2; e is 0 everywhere.
        let rho = |j, k| w.correlation(j, k).unwrap();
        assert!(close(rho(0, 1), 0.5) && close(rho(1, 0), 0.5));
        assert!(close(rho(0, 2), -1.0));
        assert!(close(rho(1, 2), -0.5));
        assert!(close(rho(0, 4), h));
        assert!(close(rho(1, 4), 0.0));
        assert!(close(rho(2, 4), -h));
        assert_eq!(rho(0, 0), 1.0);
        for k in 0..5 {
            assert_eq!(rho(3, k), 0.0, "constant column: ρ = 0, never NaN");
        }
        assert_eq!(w.correlation(0, 5), None);

        // Conflicts Σ_k (1 − ρ_jk) over a, b, c, f (the constant e is excluded):
        // a = 3.5 − √3/2, b = 3, c = 4.5 + √3/2, f = 3; e has none.
        let conflict = w.conflicts();
        assert!(close(conflict[0], 3.5 - h));
        assert!(close(conflict[1], 3.0));
        assert!(close(conflict[2], 4.5 + h));
        assert_eq!(conflict[3], 0.0);
        assert!(close(conflict[4], 3.0));
        assert_eq!(w.excluded(), &[false, false, false, true, false]);
        assert_eq!(w.excluded_count(), 1);
        assert!(w.is_excluded(3) && !w.is_excluded(0) && !w.is_excluded(5));

        // C_j = σ_j × conflict; e has none.
        let info = w.information();
        assert!(close(info[1], 3.0 * s));
        assert_eq!(info[3], 0.0);

        // Cultural σ are equal, so w = conflict / 11.
        let weights = w.weights();
        assert!(close(weights[0], (3.5 - h) / 11.0));
        assert!(close(weights[1], 3.0 / 11.0));
        assert!(close(weights[2], (4.5 + h) / 11.0));
        assert_eq!(weights[3], 1.0); // the economic fallback: 1/1
        assert_eq!(weights[4], 1.0);
        assert!(!w.fallback(Connotation::Cultural));
        assert!(w.fallback(Connotation::Economic));
        assert!(!w.fallback(Connotation::Security));
        assert_eq!(w.level(), Level::Indicators);
        assert_eq!(w.normalisation(), Normalisation::Goalposts);
        assert_eq!(w.records(), 3);
        assert_eq!(w.len(), 5);
    }

    /// The small case with a second constant column g (economic, 0.7 everywhere).
    fn small_with_g() -> (Model, [Record; 3]) {
        let (model, records) = small();
        let mut inds: heapless::Vec<Indicator, 6> = model.indicators().iter().copied().collect();
        inds.push(lin("g", Connotation::Economic)).unwrap();
        let model = Model::new("critic-small-6", ModelParams::DEFAULT, &inds).unwrap();
        let records = records.map(|r| {
            let mut v = [Some(0.7f32); 6];
            for (j, v) in v.iter_mut().enumerate().take(5) {
                *v = r.get(j);
            }
            Record::from_values(r.id(), &v).unwrap()
        });
        (model, records)
    }

    #[test]
    fn a_constant_column_changes_no_other_weight() {
        let (model, records) = small();
        let (model6, records6) = small_with_g();
        for how in [Normalisation::Goalposts, Normalisation::Data] {
            let one = critic_with(&model, &records, how).unwrap();
            let two = critic_with(&model6, &records6, how).unwrap();
            for j in [0, 1, 2, 4] {
                assert_eq!(one.conflicts()[j], two.conflicts()[j], "{how:?} {j}");
                assert_eq!(one.weights()[j], two.weights()[j], "{how:?} {j}");
            }
            assert_eq!(one.excluded_count(), 1);
            assert_eq!(two.excluded_count(), 2);
            assert!(two.is_excluded(5) && two.fallback(Connotation::Economic));
            assert_eq!(two.weights()[5], 0.5);
        }
    }

    #[test]
    fn data_normalisation_is_min_max_on_the_batch() {
        // Goalposts [0, 1] and lin: the data already span [0, 1] in a, b, c and f, so both
        // normalisations agree.
        let (model, records) = small();
        let g = critic_with(&model, &records, Normalisation::Goalposts).unwrap();
        let d = critic_with(&model, &records, Normalisation::Data).unwrap();
        assert_eq!(d.normalisation(), Normalisation::Data);
        for j in 0..5 {
            assert!((g.weights()[j] - d.weights()[j]).abs() < 1e-7, "{j}");
            assert_eq!(g.is_excluded(j), d.is_excluded(j));
        }
        // Scaling and shifting a column's raw values changes nothing with Data …
        let scaled = records.map(|r| {
            let mut r = r;
            r.set(1, 1000.0 + 250.0 * r.get(1).unwrap()).unwrap();
            r
        });
        let d2 = critic_with(&model, &scaled, Normalisation::Data).unwrap();
        for j in 0..5 {
            assert!((d.weights()[j] - d2.weights()[j]).abs() < 1e-6, "{j}");
        }
        // … while a cost direction reverses the column: its correlations change sign.
        let inds: heapless::Vec<Indicator, 5> = model
            .indicators()
            .iter()
            .enumerate()
            .map(|(j, i)| {
                let mut i = *i;
                if j == 2 {
                    i.direction = Direction::Cost;
                }
                i
            })
            .collect();
        let cost = Model::new("c-cost", ModelParams::DEFAULT, &inds).unwrap();
        let r = critic_with(&cost, &records, Normalisation::Data).unwrap();
        assert!((r.correlation(0, 2).unwrap() - 1.0).abs() < 1e-6); // a and 1 − c agree
        assert!((r.correlation(1, 2).unwrap() - 0.5).abs() < 1e-6);
    }

    #[test]
    fn across_uses_the_three_indices() {
        let (model, records) = small();
        let scores: [Scores; 3] = records.map(|r| crate::score::score(&model, &r).unwrap());
        let w = critic_across(&scores, Normalisation::Goalposts).unwrap();
        assert_eq!(w.level(), Level::Connotations);
        assert_eq!(w.len(), 3);
        // The economic index is constant (e = 0.3 in every record): excluded, weight 0.
        assert!(w.is_excluded(1));
        assert_eq!(w.weights()[1], 0.0);
        assert!(!w.any_fallback());
        let sum: f32 = w.weights().iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        // By hand: the cultural index is (a + b + c)/3 = 1/3, 2/3, 1/2; security f = 0, 0, 1.
        let ci = [1.0f64 / 3.0, 2.0 / 3.0, 0.5];
        let si = [0.0f64, 0.0, 1.0];
        let mean = |x: &[f64; 3]| x.iter().sum::<f64>() / 3.0;
        let sd = |x: &[f64; 3]| {
            let m = mean(x);
            (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 3.0).sqrt()
        };
        let (mc, ms) = (mean(&ci), mean(&si));
        let cov = ci
            .iter()
            .zip(&si)
            .map(|(a, b)| (a - mc) * (b - ms))
            .sum::<f64>()
            / 3.0;
        let rho = cov / (sd(&ci) * sd(&si));
        let c_c = sd(&ci) * (1.0 - rho);
        let c_s = sd(&si) * (1.0 - rho);
        assert!((f64::from(w.correlation(0, 2).unwrap()) - rho).abs() < 1e-6);
        assert!((f64::from(w.weights()[0]) - c_c / (c_c + c_s)).abs() < 1e-6);
        let m = w.to_model(&model).unwrap();
        assert_eq!(m.params().weights, [w.weights()[0], 0.0, w.weights()[2]]);
        assert_eq!(m.indicators(), model.indicators());

        // Nothing varies: 1/3 each, and the result says so.
        let same = [scores[0], scores[0]];
        let w = critic_across(&same, Normalisation::Data).unwrap();
        assert!(w.any_fallback() && w.fallback(Connotation::Security));
        assert_eq!(w.weights(), &[1.0 / 3.0; 3]);
        assert_eq!(w.excluded_count(), 3);

        // Errors: too few, an index out of range.
        assert_eq!(
            critic_across(&scores[..1], Normalisation::Goalposts),
            Err(WeightsError::TooFewRecords { found: 1 })
        );
        let mut bad = scores;
        bad[2].security = f32::NAN;
        assert_eq!(
            critic_across(&bad, Normalisation::Goalposts),
            Err(WeightsError::IncompleteRecord {
                record: 2,
                indicator: 2
            })
        );
        bad[1].economic = 100.5;
        assert_eq!(
            critic_across(&bad, Normalisation::Goalposts),
            Err(WeightsError::IncompleteRecord {
                record: 1,
                indicator: 1
            })
        );
    }

    #[test]
    fn order_of_records_does_not_matter() {
        let (model, records) = small();
        let [r0, r1, r2] = records;
        let a = critic(&model, &[r0, r1, r2]).unwrap();
        let b = critic(&model, &[r2, r0, r1]).unwrap();
        for (x, y) in a.weights().iter().zip(b.weights()) {
            assert!((x - y).abs() < 1e-6);
        }
    }

    #[test]
    fn weights_sum_to_one_per_connotation_and_are_finite() {
        let mut records = [Record::new(0, 18); 7];
        for (i, r) in records.iter_mut().enumerate() {
            for j in 0..18 {
                let v = ((i * 7 + j * 13) % 11) as f32 * 9.5;
                r.set(j, v).unwrap();
            }
        }
        let w = critic(&BRI_CULTURAL_V1, &records).unwrap();
        for c in Connotation::ALL {
            let sum: f32 = BRI_CULTURAL_V1
                .indicators()
                .iter()
                .zip(w.weights())
                .filter(|(i, _)| i.connotation == c)
                .map(|(_, w)| *w)
                .sum();
            assert!((sum - 1.0).abs() < 1e-5, "{c:?}: {sum}");
        }
        assert!(w.weights().iter().all(|x| x.is_finite() && *x >= 0.0));
        for j in 0..18 {
            for k in 0..18 {
                let r = w.correlation(j, k).unwrap();
                assert!((-1.0..=1.0).contains(&r), "{j} {k} {r}");
                assert_eq!(r, w.correlation(k, j).unwrap());
            }
        }
        let model = w.to_model(&BRI_CULTURAL_V1).unwrap();
        assert_eq!(model.indicators()[5].weight, w.weights()[5]);
    }

    #[test]
    fn errors() {
        let (model, records) = small();
        assert_eq!(
            critic(&model, &[]),
            Err(WeightsError::TooFewRecords { found: 0 })
        );
        let short = Record::from_values(9, &[Some(1.0); 4]).unwrap();
        assert_eq!(
            critic(&model, &[records[0], short]),
            Err(WeightsError::RecordLength {
                expected: 5,
                found: 4
            })
        );
        let mut gap = records[1];
        gap.set_missing(2).unwrap();
        assert_eq!(
            critic(&model, &[records[0], gap]),
            Err(WeightsError::IncompleteRecord {
                record: 1,
                indicator: 2
            })
        );
        let mut inf = records[0];
        inf.set(0, f32::INFINITY).unwrap();
        assert_eq!(
            critic(&model, &[inf, records[1]]),
            Err(WeightsError::IncompleteRecord {
                record: 0,
                indicator: 0
            })
        );
    }

    #[test]
    fn triangle_positions_are_distinct_and_in_range() {
        let mut seen = [false; TRIANGLE];
        for j in 0..MAX_INDICATORS {
            for k in j..MAX_INDICATORS {
                let t = tri(j, k);
                assert!(!seen[t]);
                seen[t] = true;
                assert_eq!(tri(k, j), t);
            }
        }
        assert!(seen.iter().all(|s| *s));
    }
}
