//! Scoring models: indicators, connotation weights, aggregation, floor, coverage and grades
//! (docs/spec.md §3), validated whenever one is built or decoded.

mod catalogue;
mod connotation;
mod error;
mod fingerprint;
mod indicator;

pub use catalogue::{BRI_CULTURAL_V1, DEFAULT_MODEL_NAME};
pub use connotation::{Aggregation, Connotation, Direction, Transform};
pub use error::{IndicatorField, ModelError, ModelField};
pub use fingerprint::fingerprint_bytes;
pub use indicator::{is_valid_id, Indicator, IndicatorId, Normalised, Prepared, MAX_ID_LEN};

use serde::{Deserialize, Serialize};

use crate::text::ShortStr;

/// Most indicators a model may have.
pub const MAX_INDICATORS: usize = 32;
/// Largest weight (indicator or connotation) and largest sum of weights a model may have.
///
/// docs/spec.md §3 only asks for finite weights; this bound keeps every term w·ln(max(s, ε))
/// of a geometric mean finite in f32 (|ln| ≤ 104 for any f32 ε > 0), so that a huge but
/// finite weight can never turn an index into 0 or a contribution into NaN.
pub const MAX_WEIGHT: f32 = 1.0e30;

/// Smallest positive weight (indicator or connotation) a model may have: `f32::MIN_POSITIVE`,
/// the smallest normal f32 (about 1.18e-38). A positive weight below it is subnormal: some
/// targets flush subnormals to zero, so such a weight would silently count as 0 there and
/// break bit-identical scores. Validation refuses it, naming the field; a weight is either 0
/// or at least this.
pub const MIN_WEIGHT: f32 = f32::MIN_POSITIVE;

/// The reason of a [`ModelError`] for a weight in (0, [`MIN_WEIGHT`]).
const SUBNORMAL_WEIGHT: &str = "a positive weight must be at least 1.2e-38 (not subnormal)";

/// Longest model name, in bytes.
pub const MAX_NAME_LEN: usize = 32;

/// A model name (at most [`MAX_NAME_LEN`] bytes of UTF-8).
pub type ModelName = ShortStr<MAX_NAME_LEN>;

/// The indicator list of a model.
pub type Indicators = heapless::Vec<Indicator, MAX_INDICATORS, u8>;

/// Everything in a model except its indicators.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ModelParams {
    /// Aggregation of indicators within a connotation.
    pub within: Aggregation,
    /// Aggregation of the three connotation indices into the composite.
    pub across: Aggregation,
    /// The geometric floor ε ∈ (0, 1].
    pub floor: f32,
    /// Minimum coverage ∈ [0, 1] a connotation needs to be scored.
    pub min_coverage: f32,
    /// Grade thresholds for A, B, C, D on the 0–100 composite, strictly descending.
    pub grades: [f32; 4],
    /// Connotation weights W_cultural, W_economic, W_security.
    pub weights: [f32; 3],
}

impl ModelParams {
    /// The defaults of docs/spec.md §2: arithmetic within, geometric across, ε = 0.01,
    /// coverage 0.5, grades 80/65/50/35, connotation weights 1/1/1.
    pub const DEFAULT: ModelParams = ModelParams {
        within: Aggregation::Arithmetic,
        across: Aggregation::Geometric,
        floor: 0.01,
        min_coverage: 0.5,
        grades: [80.0, 65.0, 50.0, 35.0],
        weights: [1.0, 1.0, 1.0],
    };

    /// docs/spec.md §3 for the parameters; inlined for the reason of `Indicator::validate`.
    #[inline(always)]
    fn validate(&self) -> Result<(), ModelError> {
        let err = |field, reason| Err(ModelError::new(field, reason));
        if !(self.floor > 0.0 && self.floor <= 1.0) {
            return err(ModelField::Floor, "floor must be in (0, 1]");
        }
        if !(self.min_coverage >= 0.0 && self.min_coverage <= 1.0) {
            return err(ModelField::MinCoverage, "min_coverage must be in [0, 1]");
        }
        let g = self.grades;
        if !g.iter().all(|v| (0.0..=100.0).contains(v)) {
            return err(ModelField::Grades, "grade thresholds must be in [0, 100]");
        }
        if !(g[0] > g[1] && g[1] > g[2] && g[2] > g[3]) {
            return err(
                ModelField::Grades,
                "grade thresholds must be strictly descending",
            );
        }
        let mut sum = 0.0f32;
        for (c, &w) in Connotation::ALL.iter().zip(&self.weights) {
            let c = *c;
            if !(0.0..=MAX_WEIGHT).contains(&w) {
                return err(
                    ModelField::ConnotationWeight(c),
                    "connotation weight must be in [0, 1e30]",
                );
            }
            if w > 0.0 && w < MIN_WEIGHT {
                return err(ModelField::ConnotationWeight(c), SUBNORMAL_WEIGHT);
            }
            sum += w;
        }
        if !(sum > 0.0 && sum <= MAX_WEIGHT) {
            return err(
                ModelField::ConnotationWeights,
                "connotation weights must have a positive sum of at most 1e30",
            );
        }
        Ok(())
    }
}

impl Default for ModelParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A validated scoring model. Build one with [`Model::new`], take the default
/// [`BRI_CULTURAL_V1`], or decode one with [`crate::wire`]; every path validates.
///
/// ```
/// use silkscore::{Connotation::*, Direction::*, Indicator, Model, ModelParams, Transform::*};
/// let model = Model::new("tiny", ModelParams::DEFAULT, &[
///     Indicator::new("heritage", Cultural, Benefit, Log, 0.0, 40.0),
///     Indicator::new("visitors", Economic, Benefit, Log, 0.0, 5.0e6),
///     Indicator::new("risk", Security, Cost, Lin, 0.0, 10.0),
/// ]).unwrap();
/// assert_eq!(model.len(), 3);
///
/// // Every violation names its field:
/// let bad = Model::new("bad", ModelParams { floor: 0.0, ..ModelParams::DEFAULT }, model.indicators());
/// assert_eq!(bad.unwrap_err().to_string(), "invalid model: floor: floor must be in (0, 1]");
/// ```
///
/// `Model` implements serde's `Deserialize` for any serde format, and a deserialised model
/// is validated like every other (an invalid one is the format's error, naming the field),
/// so no path, serde's included, yields a model that was never checked:
///
/// ```
/// # #[cfg(feature = "std")] {
/// use silkscore::{wire, ModelParams, BRI_CULTURAL_V1};
/// let bytes = wire::to_vec(&BRI_CULTURAL_V1);
/// let m: silkscore::Model = postcard::from_bytes(&bytes[1..]).unwrap();
/// assert_eq!((m.fingerprint(), &m), (BRI_CULTURAL_V1.fingerprint(), &BRI_CULTURAL_V1));
/// let bad = BRI_CULTURAL_V1.with_params(ModelParams { floor: 0.5, ..*BRI_CULTURAL_V1.params() }).unwrap();
/// let mut raw = wire::to_vec(&bad);
/// let at = 2 + raw[1] as usize + 2; // the floor, after the version, the name and two enums
/// raw[at..at + 4].copy_from_slice(&0.0f32.to_le_bytes());
/// let err = postcard::from_bytes::<silkscore::Model>(&raw[1..]).unwrap_err();
/// assert!(matches!(err, postcard::Error::SerdeDeCustom));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Model {
    name: ModelName,
    params: ModelParams,
    indicators: Indicators,
    #[serde(skip)]
    fingerprint: u32,
}

/// The serialised fields of a model, before validation.
#[derive(Deserialize)]
#[serde(rename = "Model")]
pub(crate) struct UncheckedModel {
    pub(crate) name: ModelName,
    pub(crate) params: ModelParams,
    pub(crate) indicators: Indicators,
}

impl<'de> Deserialize<'de> for Model {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = UncheckedModel::deserialize(deserializer)?;
        Model::from_parts(raw.name, raw.params, raw.indicators)
            .map_err(|e| serde::de::Error::custom(e.as_str()))
    }
}

impl Model {
    /// Builds and validates a model (docs/spec.md §3). The name may be at most
    /// [`MAX_NAME_LEN`] bytes.
    pub fn new(
        name: &str,
        params: ModelParams,
        indicators: &[Indicator],
    ) -> Result<Self, ModelError> {
        let name = ModelName::new(name).ok_or(ModelError::new(
            ModelField::Name,
            "name must be at most 32 bytes",
        ))?;
        let indicators = Indicators::from_slice(indicators).map_err(|_| TOO_MANY)?;
        Self::from_parts(name, params, indicators)
    }

    fn from_parts(
        name: ModelName,
        params: ModelParams,
        indicators: Indicators,
    ) -> Result<Self, ModelError> {
        validate_parts(&params, &indicators)?;
        let mut model = Model {
            name,
            params,
            indicators,
            fingerprint: 0,
        };
        model.fingerprint = fingerprint::compute(&model);
        Ok(model)
    }

    /// Overwrites this model with parts that [`validate_seq`] accepted, in place (the
    /// indicators are pushed one by one, never moved as a list), and computes the
    /// fingerprint. For the wire decoder, which validates before it writes.
    pub(crate) fn overwrite_validated(
        &mut self,
        name: ModelName,
        params: ModelParams,
        n: usize,
        get: impl Fn(usize) -> Option<Indicator>,
    ) {
        self.name = name;
        self.params = params;
        self.indicators.clear();
        for i in 0..n {
            if let Some(ind) = get(i) {
                // At most MAX_INDICATORS (validated): never full.
                let _ = self.indicators.push(ind);
            }
        }
        self.fingerprint = fingerprint::compute(self);
    }

    /// Assembles a model without validation; only for the `const` default catalogue, whose
    /// validity and fingerprint are checked by unit tests.
    pub(crate) const fn trusted(
        name: ModelName,
        params: ModelParams,
        indicators: Indicators,
        fingerprint: u32,
    ) -> Self {
        Model {
            name,
            params,
            indicators,
            fingerprint,
        }
    }

    /// The model name.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Everything except the indicators.
    pub const fn params(&self) -> &ModelParams {
        &self.params
    }

    /// The indicators, in record order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The number of indicators (1–32).
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Always false: a model has at least one indicator.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// The position of the indicator with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i.id.as_str() == id)
    }

    /// The stable 32-bit fingerprint of the model's canonical encoding (see
    /// [`fingerprint_bytes`]). Scores carry it.
    pub const fn fingerprint(&self) -> u32 {
        self.fingerprint
    }

    /// Effective weight of each indicator in the composite: its weight over its connotation's
    /// weight sum, times the connotation weight over the connotation-weight sum. They sum to
    /// 1 (up to rounding). Written into `out`; returns the number written ([`Model::len`]),
    /// or `None` (and writes nothing) when `out` is shorter than that.
    ///
    /// ```
    /// use silkscore::BRI_CULTURAL_V1 as M;
    /// let mut w = [0.0f32; silkscore::MAX_INDICATORS];
    /// assert_eq!(M.effective_weights(&mut w), Some(18));
    /// assert!((w[0] - 1.0 / 18.0).abs() < 1e-7);
    /// assert_eq!(M.effective_weights(&mut [0.0; 17]), None);
    /// ```
    pub fn effective_weights(&self, out: &mut [f32]) -> Option<usize> {
        let n = self.len();
        if out.len() < n {
            return None;
        }
        let mut sums = [0.0f32; 3];
        for ind in self.indicators.iter() {
            if let Some(s) = sums.get_mut(ind.connotation.index()) {
                *s += ind.weight;
            }
        }
        let total: f32 = self.params.weights.iter().sum();
        for (o, ind) in out.iter_mut().zip(self.indicators.iter()) {
            let c = ind.connotation.index();
            let within = sums.get(c).copied().unwrap_or(1.0);
            let w = self.params.weights.get(c).copied().unwrap_or(0.0);
            *o = ind.weight / within * (w / total);
        }
        Some(n)
    }

    /// A copy of this model with new indicator weights (in model order), validated again.
    /// This is how computed weights (AHP, entropy, CRITIC) are put into a model. `weights`
    /// must have one weight per indicator, else the error names [`ModelField::Indicators`].
    pub fn with_indicator_weights(&self, weights: &[f32]) -> Result<Self, ModelError> {
        if weights.len() != self.len() {
            return Err(ModelError::new(
                ModelField::Indicators,
                "one weight per indicator is needed",
            ));
        }
        let mut inds = self.indicators.clone();
        for (ind, w) in inds.iter_mut().zip(weights) {
            ind.weight = *w;
        }
        Self::from_parts(self.name, self.params, inds)
    }

    /// A copy of this model with other parameters (aggregation, weights, grades …), validated
    /// again.
    pub fn with_params(&self, params: ModelParams) -> Result<Self, ModelError> {
        Self::from_parts(self.name, params, self.indicators.clone())
    }
}

/// The error of an empty or over-long indicator list.
const TOO_MANY: ModelError =
    ModelError::new(ModelField::Indicators, "a model needs 1 to 32 indicators");

/// docs/spec.md §3 checks of a model's parameters and indicators.
fn validate_parts(params: &ModelParams, indicators: &Indicators) -> Result<(), ModelError> {
    validate_seq(params, indicators.len(), |i| indicators.get(i).copied())
}

/// docs/spec.md §3 checks of a model's parameters and its `n` indicators, which `get` hands
/// out by position (a list in memory, or an encoded message that the wire decoder reads
/// again instead of holding the 1.5 KiB list: [`crate::wire`]). Errors come in the same
/// order for both.
pub(crate) fn validate_seq(
    params: &ModelParams,
    n: usize,
    get: impl Fn(usize) -> Option<Indicator>,
) -> Result<(), ModelError> {
    params.validate()?;
    if n == 0 || n > MAX_INDICATORS {
        return Err(TOO_MANY);
    }
    let mut positive = [false; 3];
    // Indicator weight sums must be finite, or scoring would divide inf by inf (summed in
    // model order; checked after the connotations).
    let mut sums = [0.0f32; 3];
    for i in 0..n {
        let index = i as u8;
        let ind = get(i).ok_or(TOO_MANY)?;
        ind.validate(index)?;
        if (0..i).any(|j| get(j).is_some_and(|other| other.id.as_str() == ind.id.as_str())) {
            return Err(ModelError::new(
                ModelField::Indicator {
                    index,
                    field: IndicatorField::Id,
                },
                "duplicate indicator id",
            ));
        }
        let k = ind.connotation.index();
        if ind.weight > 0.0 {
            if let Some(p) = positive.get_mut(k) {
                *p = true;
            }
        }
        if let Some(s) = sums.get_mut(k) {
            *s += ind.weight;
        }
    }
    for (&c, &p) in Connotation::ALL.iter().zip(&positive) {
        if !p {
            return Err(ModelError::new(
                ModelField::Connotation(c),
                "every connotation needs an indicator with a positive weight",
            ));
        }
    }
    for (&c, &s) in Connotation::ALL.iter().zip(&sums) {
        #[allow(clippy::neg_cmp_op_on_partial_ord)] // a NaN sum fails too
        if !(s <= MAX_WEIGHT) {
            return Err(ModelError::new(
                ModelField::Connotation(c),
                "the indicator weights of a connotation must sum to at most 1e30",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnormal_indicator_weights_are_refused() {
        let m = &BRI_CULTURAL_V1;
        for w in [
            f32::MIN_POSITIVE / 2.0,
            f32::from_bits(1),
            f32::from_bits(0x007F_FFFF),
        ] {
            assert!(w > 0.0 && !w.is_normal());
            let mut weights = [1.0f32; 18];
            weights[7] = w;
            assert_eq!(
                m.with_indicator_weights(&weights),
                Err(ModelError {
                    field: ModelField::Indicator {
                        index: 7,
                        field: IndicatorField::Weight
                    },
                    reason: SUBNORMAL_WEIGHT,
                }),
                "{w:e}"
            );
        }
        // 0 and the smallest normal f32 are fine.
        let mut weights = [1.0f32; 18];
        weights[7] = 0.0;
        assert!(m.with_indicator_weights(&weights).is_ok());
        weights[7] = f32::MIN_POSITIVE;
        assert!(m.with_indicator_weights(&weights).is_ok());
        weights[7] = -0.0;
        assert!(m.with_indicator_weights(&weights).is_ok());
    }

    #[test]
    fn subnormal_connotation_weights_are_refused() {
        let m = &BRI_CULTURAL_V1;
        for c in Connotation::ALL {
            let mut p = *m.params();
            p.weights[c.index()] = f32::MIN_POSITIVE / 4.0;
            let e = m.with_params(p).unwrap_err();
            assert_eq!(e.field, ModelField::ConnotationWeight(c));
            assert_eq!(e.reason, SUBNORMAL_WEIGHT);
            p.weights[c.index()] = f32::MIN_POSITIVE;
            assert!(m.with_params(p).is_ok());
            p.weights[c.index()] = 0.0;
            assert!(m.with_params(p).is_ok());
        }
    }

    #[test]
    fn weight_count_must_match() {
        let e = BRI_CULTURAL_V1
            .with_indicator_weights(&[1.0; 17])
            .unwrap_err();
        assert_eq!(e.field, ModelField::Indicators);
    }
}
