//! Indicator weights from judgement or data (docs/spec.md §5): equal, AHP, entropy and
//! CRITIC.
//!
//! Every method ends in the same place: a [`Model`] whose indicator weights have been
//! replaced, through [`Model::with_indicator_weights`], so the new model is validated again
//! (docs/spec.md §3) and gets a new fingerprint. Every error is a [`WeightsError`].
//!
//! | method | entry point | to a model |
//! |---|---|---|
//! | explicit | your own slice, in model order | [`Model::with_indicator_weights`] |
//! | equal | — | [`equal`] |
//! | AHP (Saaty), one connotation at a time | [`ahp::ahp`] | [`ahp::apply_to_connotation`] |
//! | entropy, from a batch of records | [`entropy::entropy`] | [`entropy::EntropyWeights::to_model`] |
//! | CRITIC, from a batch of records | [`critic::critic`] | [`critic::CriticWeights::to_model`] |
//!
//! Weights only matter relative to the other indicators of the same connotation (scoring
//! divides by the connotation's weight sum), so AHP, entropy and CRITIC weights, which sum to
//! 1 within a connotation, and equal weights of 1 are all valid inputs. A computed weight
//! below `f32::MIN_POSITIVE` (a subnormal, which a model refuses) is reported as 0: it is
//! that much smaller than its connotation's other weights. Nothing here allocates or panics.

pub mod ahp;
pub mod critic;
pub mod entropy;
mod error;

pub use error::WeightsError;

use crate::model::{Model, MAX_INDICATORS, MIN_WEIGHT};
use crate::record::Record;

/// What one pass over a batch of complete records learns about each indicator's normalised
/// scores s_ij (shared by [`entropy`] and [`critic`]).
pub(crate) struct ColumnScan {
    /// Σ_i s_ij, accumulated in f64 (every s_ij is an f32, so each addition rounds to 53
    /// bits: the relative error of a sum of m terms stays below m · 2⁻⁵³).
    pub(crate) sum64: [f64; MAX_INDICATORS],
    /// Whether any s_ij differs from s_1j.
    pub(crate) varies: [bool; MAX_INDICATORS],
}

/// Checks a batch for data-driven weights and scans it once. Errors, in this order:
/// [`WeightsError::TooFewRecords`] (fewer than two), [`WeightsError::RecordLength`] (the first
/// record whose length is not the model's), [`WeightsError::IncompleteRecord`] (the first
/// missing or non-finite value, by record, then by indicator in model order).
pub(crate) fn scan(model: &Model, records: &[Record]) -> Result<ColumnScan, WeightsError> {
    if records.len() < 2 {
        return Err(WeightsError::TooFewRecords {
            found: records.len(),
        });
    }
    let indicators = model.indicators();
    let mut out = ColumnScan {
        sum64: [0.0; MAX_INDICATORS],
        varies: [false; MAX_INDICATORS],
    };
    let mut first = [0.0f32; MAX_INDICATORS];
    for (r, record) in records.iter().enumerate() {
        if record.len() != indicators.len() {
            return Err(WeightsError::RecordLength {
                expected: indicators.len().min(u8::MAX as usize) as u8,
                found: record.len().min(u8::MAX as usize) as u8,
            });
        }
        let columns = indicators
            .iter()
            .zip(out.sum64.iter_mut())
            .zip(first.iter_mut().zip(out.varies.iter_mut()))
            .enumerate();
        for (j, ((ind, sum64), (first, varies))) in columns {
            let x =
                record
                    .get(j)
                    .filter(|x| x.is_finite())
                    .ok_or(WeightsError::IncompleteRecord {
                        record: r,
                        indicator: j.min(u8::MAX as usize) as u8,
                    })?;
            let s = ind.normalise(x).score;
            *sum64 += f64::from(s);
            if r == 0 {
                *first = s;
            } else if s != *first {
                *varies = true;
            }
        }
    }
    Ok(out)
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
            let w = (*v / s) as f32;
            if w < MIN_WEIGHT {
                0.0
            } else {
                w
            }
        } else {
            1.0 / f32::from(count.get(c).copied().unwrap_or(1).max(1))
        };
    }
    (w, sum.map(|s| s <= 0.0))
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

/// A copy of `model` with every indicator weight set to 1 (docs/spec.md §5 "equal"). The
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
