//! Indicator weights from judgement or data (SPEC §5): equal, AHP and entropy.
//!
//! Every method ends in the same place: a [`Model`] whose indicator weights have been
//! replaced, through [`Model::with_indicator_weights`], so the new model is validated again
//! (SPEC §3) and gets a new fingerprint.
//!
//! | method | entry point | to a model |
//! |---|---|---|
//! | explicit | your own slice, in model order | [`Model::with_indicator_weights`] |
//! | equal | — | [`equal`] |
//! | AHP (Saaty), one connotation at a time | [`ahp::ahp`] | [`ahp::apply_to_connotation`] |
//! | entropy, from a batch of records | [`entropy::entropy`] | [`entropy::EntropyWeights::to_model`] |
//!
//! Weights only matter relative to the other indicators of the same connotation (scoring
//! divides by the connotation's weight sum), so AHP and entropy weights, which sum to 1 within
//! a connotation, and equal weights of 1 are all valid inputs. Nothing here allocates or
//! panics.

pub mod ahp;
pub mod critic;
pub mod entropy;

use crate::error::Error;
use crate::model::{Model, MAX_INDICATORS};

/// A copy of `model` with every indicator weight set to 1 (SPEC §5 "equal"). The
/// connotation weights and everything else are kept.
///
/// ```
/// use silkscore::{weights, BRI_CULTURAL_V1};
/// let skewed = BRI_CULTURAL_V1.with_indicator_weights(&[2.0; 18]).unwrap();
/// let model = weights::equal(&skewed).unwrap();
/// assert!(model.indicators().iter().all(|i| i.weight == 1.0));
/// assert_eq!(model, BRI_CULTURAL_V1);
/// ```
pub fn equal(model: &Model) -> Result<Model, Error> {
    let ones = [1.0f32; MAX_INDICATORS];
    let n = model.len();
    let weights = ones.get(..n).ok_or(Error::IndexOutOfRange {
        index: n,
        len: MAX_INDICATORS,
    })?;
    model.with_indicator_weights(weights)
}
