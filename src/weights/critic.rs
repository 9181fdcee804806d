//! CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, "CRiteria Importance Through
//! Intercriteria Correlation") from a batch of records.
//!
//! CRITIC is an objective method like [entropy](super::entropy): it needs no judgement, only a
//! batch of m ≥ 2 complete records. An indicator gets more weight the more its normalised
//! scores vary across the batch (contrast) *and* the less they agree with the other
//! indicators (conflict): an indicator that only repeats what another one says adds little.
//! With s_ij the normalised scores of docs/spec.md §4 steps 1–3 ([`crate::Indicator::normalise`]):
//!
//! - σ_j: the population standard deviation of column j, √(Σ_i (s_ij − s̄_j)² / m);
//! - ρ_jk: the Pearson correlation of columns j and k. A column with σ = 0 (all its values
//!   equal) has ρ defined as 0 with every column, itself included: never NaN;
//! - C_j = σ_j Σ_k (1 − ρ_jk), the sum over **all** the model's indicators k (redundancy with
//!   an indicator of another connotation is redundancy too); a constant column has C_j = 0;
//! - w_j = C_j / Σ_k C_k over the indicators k of j's connotation, as for entropy weights. A
//!   connotation whose C_j are all 0 falls back to equal weights 1/k over its k indicators, and
//!   [`CriticWeights::fallback`] says so. (A connotation with a single indicator always gets
//!   weight 1 for it.)
//!
//! [`critic`] reads the records twice (column means, then the deviation products) and works
//! in f64 on fixed-size arrays: the upper triangle of the 32 × 32 cross-product matrix is
//! 528 f64 (4.2 KiB of stack). Nothing allocates or panics, whatever the batch size. Results
//! are reported as f32.
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
//! assert_eq!(w.std_devs()[2], 0.0);           // dissemination_events: all equal
//! assert_eq!(w.weights()[2], 0.0);            // … so it gets no weight
//! assert!(w.weights()[0] > 0.0 && w.weights()[1] > 0.0);
//! assert!((w.weights()[0] + w.weights()[1] - 1.0).abs() < 1e-6);
//! assert!(w.fallback(Connotation::Economic)); // nothing economic varies: 1/6 each
//! assert!((w.weights()[6] - 1.0 / 6.0).abs() < 1e-7);
//! assert_eq!(w.weights()[12], 1.0);           // the only security indicator that varies
//!
//! let model = w.to_model(&BRI_CULTURAL_V1).unwrap();
//! assert_eq!(model.indicators()[0].weight, w.weights()[0]);
//! ```

use super::WeightsError;
use crate::model::{Connotation, Model, MAX_INDICATORS};
use crate::record::Record;

/// Entries of the upper triangle (diagonal included) of a [`MAX_INDICATORS`]² matrix.
const TRIANGLE: usize = MAX_INDICATORS * (MAX_INDICATORS + 1) / 2;

/// Position of (j, k) in the packed upper triangle; symmetric in j and k.
const fn tri(j: usize, k: usize) -> usize {
    let (a, b) = if j <= k { (j, k) } else { (k, j) };
    a * (2 * MAX_INDICATORS - a + 1) / 2 + (b - a)
}

/// The result of [`critic`]: per indicator (in model order) its standard deviation σ_j,
/// conflict Σ_k (1 − ρ_jk), information C_j and weight w_j; the correlations; per connotation
/// whether it fell back to equal weights.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CriticWeights {
    len: u8,
    records: usize,
    sigma: [f32; MAX_INDICATORS],
    conflict: [f32; MAX_INDICATORS],
    information: [f32; MAX_INDICATORS],
    w: [f32; MAX_INDICATORS],
    correlation: [f32; TRIANGLE],
    fallback: [bool; 3],
}

impl CriticWeights {
    /// The number of indicators (the model's).
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

    /// σ_j per indicator, in model order: the population standard deviation of its
    /// normalised scores, in [0, 0.5]; exactly 0 for a column whose values are all equal.
    pub fn std_devs(&self) -> &[f32] {
        self.sigma.get(..self.len()).unwrap_or(&[])
    }

    /// Σ_k (1 − ρ_jk) per indicator, in model order, over all the model's indicators.
    pub fn conflicts(&self) -> &[f32] {
        self.conflict.get(..self.len()).unwrap_or(&[])
    }

    /// C_j = σ_j Σ_k (1 − ρ_jk) per indicator, in model order: the information it carries.
    pub fn information(&self) -> &[f32] {
        self.information.get(..self.len()).unwrap_or(&[])
    }

    /// w_j per indicator, in model order: C_j over its connotation's C sum, or 1/k in a
    /// connotation that fell back. The weights of each connotation sum to 1 (up to rounding).
    pub fn weights(&self) -> &[f32] {
        self.w.get(..self.len()).unwrap_or(&[])
    }

    /// The Pearson correlation ρ_jk of indicators `j` and `k` (0-based, model order), in
    /// [−1, 1]; 0 when either column is constant (also for j = k), 1 for j = k otherwise.
    /// `None` when `j` or `k` is not an indicator.
    pub fn correlation(&self, j: usize, k: usize) -> Option<f32> {
        if j >= self.len() || k >= self.len() {
            return None;
        }
        self.correlation.get(tri(j, k)).copied()
    }

    /// Whether every C_j of `connotation` was 0, so its indicators got equal weights 1/k.
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

    /// A copy of `model` with these weights ([`Model::with_indicator_weights`]), validated
    /// again. `model` should be the model the weights were computed with; a model with a
    /// different number of indicators is [`WeightsError::RecordLength`].
    pub fn to_model(&self, model: &Model) -> Result<Model, WeightsError> {
        super::put_into(model, self.weights())
    }
}

/// CRITIC weights for `model`'s indicators from a batch of complete records (see the
/// [module documentation](self) for the method).
///
/// Errors, checked in this order (the same as [`super::entropy::entropy`]):
/// - [`WeightsError::TooFewRecords`]: fewer than two records;
/// - [`WeightsError::RecordLength`]: the first record (in batch order) whose length is not
///   the model's;
/// - [`WeightsError::IncompleteRecord`]: the first missing or non-finite value, by record,
///   then by indicator in model order.
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
/// assert!(w.weights().iter().all(|w| (*w - 1.0 / 6.0).abs() < 1e-7));
/// assert!(w.any_fallback());
/// ```
pub fn critic(model: &Model, records: &[Record]) -> Result<CriticWeights, WeightsError> {
    let m = records.len();
    let indicators = model.indicators();
    let n = indicators.len().min(MAX_INDICATORS);

    // Pass 1 (shared with entropy): validate; column sums; whether each column varies.
    let super::ColumnScan {
        sum64: sums,
        varies,
    } = super::scan(model, records)?;
    let mut mean = [0.0f64; MAX_INDICATORS];
    for (mean, sum) in mean.iter_mut().zip(sums.iter()) {
        *mean = *sum / m as f64;
    }

    // Pass 2: Σ_i (s_ij − s̄_j)(s_ik − s̄_k) for j ≤ k; constant columns contribute nothing.
    let mut cross = [0.0f64; TRIANGLE];
    for record in records {
        let mut dev = [0.0f64; MAX_INDICATORS];
        let columns = indicators
            .iter()
            .zip(dev.iter_mut())
            .zip(mean.iter().zip(varies.iter()))
            .enumerate();
        for (j, ((ind, dev), (mean, varies))) in columns {
            if *varies {
                if let Some(x) = record.get(j) {
                    *dev = f64::from(ind.normalise(x).score) - *mean;
                }
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

    // σ_j (population) and ρ_jk.
    let mf = m as f64;
    let mut sigma = [0.0f64; MAX_INDICATORS];
    for (j, (s, varies)) in sigma.iter_mut().zip(varies.iter()).enumerate().take(n) {
        if *varies {
            *s = libm::sqrt(cross.get(tri(j, j)).copied().unwrap_or(0.0).max(0.0) / mf);
        }
    }
    let mut correlation = [0.0f32; TRIANGLE];
    let mut conflict = [0.0f64; MAX_INDICATORS];
    for (j, (sj, conflict)) in sigma.iter().zip(conflict.iter_mut()).enumerate().take(n) {
        for (k, sk) in sigma.iter().enumerate().take(n) {
            let rho = if *sj > 0.0 && *sk > 0.0 {
                if j == k {
                    1.0
                } else {
                    let cov = cross.get(tri(j, k)).copied().unwrap_or(0.0) / mf;
                    (cov / (sj * sk)).max(-1.0).min(1.0)
                }
            } else {
                0.0
            };
            *conflict += 1.0 - rho;
            if k >= j {
                if let Some(c) = correlation.get_mut(tri(j, k)) {
                    *c = rho as f32;
                }
            }
        }
    }

    // C_j, and weights within each connotation.
    let mut information = [0.0f64; MAX_INDICATORS];
    for (c, (s, conflict)) in information
        .iter_mut()
        .zip(sigma.iter().zip(conflict.iter()))
        .take(n)
    {
        *c = s * conflict;
    }
    let (w, fallback) = super::within_connotations(model, information.get(..n).unwrap_or(&[]));

    Ok(CriticWeights {
        len: n.min(u8::MAX as usize) as u8,
        records: m,
        sigma: sigma.map(|x| x as f32),
        conflict: conflict.map(|x| x as f32),
        information: information.map(|x| x as f32),
        w,
        correlation,
        fallback,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Indicator, ModelParams, Transform, BRI_CULTURAL_V1};

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

        // Conflicts Σ_k (1 − ρ_jk): a = 4.5 − √3/2, b = 4, c = 5.5 + √3/2, e = 5, f = 4.
        let conflict = w.conflicts();
        assert!(close(conflict[0], 4.5 - h));
        assert!(close(conflict[1], 4.0));
        assert!(close(conflict[2], 5.5 + h));
        assert!(close(conflict[3], 5.0));
        assert!(close(conflict[4], 4.0));

        // C_j = σ_j × conflict; e has none.
        let info = w.information();
        assert!(close(info[1], 4.0 * s));
        assert_eq!(info[3], 0.0);

        // Cultural σ are equal, so w = conflict / 14.
        let weights = w.weights();
        assert!(close(weights[0], (4.5 - h) / 14.0));
        assert!(close(weights[1], 2.0 / 7.0));
        assert!(close(weights[2], (5.5 + h) / 14.0));
        assert_eq!(weights[3], 1.0); // the economic fallback: 1/1
        assert_eq!(weights[4], 1.0);
        assert!(!w.fallback(Connotation::Cultural));
        assert!(w.fallback(Connotation::Economic));
        assert!(!w.fallback(Connotation::Security));
        assert_eq!(w.records(), 3);
        assert_eq!(w.len(), 5);
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
