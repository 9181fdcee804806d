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

use super::{Level, Row, WeightsError};
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
    let n = model.len().min(MAX_INDICATORS);
    let core = match how {
        Normalisation::Goalposts => columns(m, n, &super::normalised(model, records)),
        Normalisation::Data => {
            let raw = super::raw(model, records);
            min_max(m, n, &raw, &super::costs(model))
        }
    };
    let (w, fallback) = super::within_connotations(model, core.information.get(..n).unwrap_or(&[]));
    Ok(core.weights(Level::Indicators, how, n, m, w, fallback))
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
    let core = match how {
        Normalisation::Goalposts => columns(m, 3, &fill),
        Normalisation::Data => min_max(m, 3, &fill, &[false; MAX_INDICATORS]),
    };
    let (w3, fell_back) = super::across_connotations(core.information.get(..3).unwrap_or(&[]));
    let mut w = [0.0f32; MAX_INDICATORS];
    for (w, v) in w.iter_mut().zip(w3) {
        *w = v;
    }
    Ok(core.weights(Level::Connotations, how, 3, m, w, [fell_back; 3]))
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

/// CRITIC on the min–max normalisation of the columns `raw` writes: (x − min)/(max − min),
/// or (max − x)/(max − min) where `cost` says so.
fn min_max<F: Fn(usize, &mut Row)>(
    m: usize,
    n: usize,
    raw: &F,
    cost: &[bool; MAX_INDICATORS],
) -> Core {
    let scan = super::scan(m, n, raw);
    let fill = |i: usize, row: &mut Row| {
        raw(i, row);
        let columns = row
            .iter_mut()
            .zip(scan.min.iter().zip(scan.max.iter()))
            .zip(scan.varies.iter().zip(cost.iter()))
            .take(n);
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
    };
    columns(m, n, &fill)
}

/// CRITIC on the columns `fill` writes, as they are: a pass for the column sums (and which
/// columns vary), a pass for the deviation products.
fn columns<F: Fn(usize, &mut Row)>(m: usize, n: usize, fill: &F) -> Core {
    let super::ColumnScan { sum64, varies, .. } = super::scan(m, n, fill);
    let mf = m as f64;
    let mean = sum64.map(|s| s / mf);

    // Σ_i (v_ij − v̄_j)(v_ik − v̄_k) for j ≤ k; constant columns contribute nothing.
    let mut cross = [0.0f64; TRIANGLE];
    let mut row = [0.0f64; MAX_INDICATORS];
    for i in 0..m {
        fill(i, &mut row);
        let mut dev = [0.0f64; MAX_INDICATORS];
        let columns = dev
            .iter_mut()
            .zip(row.iter())
            .zip(mean.iter().zip(varies.iter()))
            .take(n);
        for ((dev, v), (mean, varies)) in columns {
            if *varies {
                *dev = *v - *mean;
            }
        }
        for (j, dj) in dev.iter().enumerate().take(n) {
            if *dj == 0.0 {
                continue;
            }
            for (k, dk) in dev.iter().enumerate().take(n).skip(j) {
                if let Some(acc) = cross.get_mut(tri(j, k)) {
                    *acc += dj * dk;
                }
            }
        }
    }

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
