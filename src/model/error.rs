//! The error of model validation: which field of a model is invalid, and why.

use core::fmt;

use super::connotation::Connotation;

/// Which part of a model is invalid (docs/spec.md §3). Carried by [`ModelError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ModelField {
    /// The model name (longer than [`super::MAX_NAME_LEN`] bytes).
    Name,
    /// The indicator list: empty, more than [`super::MAX_INDICATORS`], or (for
    /// [`super::Model::with_indicator_weights`]) not one weight per indicator.
    Indicators,
    /// The geometric floor ε, which must lie in (0, 1].
    Floor,
    /// The minimum coverage, which must lie in [0, 1].
    MinCoverage,
    /// The four grade thresholds: finite, in [0, 100], strictly descending.
    Grades,
    /// One connotation weight W_c: negative, not finite, too large, or positive but below
    /// `f32::MIN_POSITIVE` (subnormal).
    ConnotationWeight(Connotation),
    /// The connotation weights as a whole: their sum is not positive.
    ConnotationWeights,
    /// A connotation has no indicator with a positive weight, or its indicator weights sum to
    /// more than [`super::MAX_WEIGHT`].
    Connotation(Connotation),
    /// A field of the indicator at `index` (in record order).
    Indicator {
        /// Position of the indicator in the model (0-based).
        index: u8,
        /// Which of its fields.
        field: IndicatorField,
    },
}

/// A field of one indicator, see [`ModelField::Indicator`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum IndicatorField {
    /// The id: empty, too long, a character outside `A-Z a-z 0-9 _ -`, reserved, or duplicate.
    Id,
    /// The lower goalpost `lo`.
    Lo,
    /// The upper goalpost `hi`.
    Hi,
    /// The indicator weight.
    Weight,
}

impl ModelField {
    /// The field's name as the TOML model file spells it (`indicator.hi`, `weights.economic`, …).
    pub const fn as_str(&self) -> &'static str {
        match self {
            ModelField::Name => "name",
            ModelField::Indicators => "indicator",
            ModelField::Floor => "floor",
            ModelField::MinCoverage => "min_coverage",
            ModelField::Grades => "grades",
            ModelField::ConnotationWeight(c) => match c {
                Connotation::Cultural => "weights.cultural",
                Connotation::Economic => "weights.economic",
                Connotation::Security => "weights.security",
            },
            ModelField::ConnotationWeights => "weights",
            ModelField::Connotation(c) => match c {
                Connotation::Cultural => "connotation.cultural",
                Connotation::Economic => "connotation.economic",
                Connotation::Security => "connotation.security",
            },
            ModelField::Indicator { field, .. } => match field {
                IndicatorField::Id => "indicator.id",
                IndicatorField::Lo => "indicator.lo",
                IndicatorField::Hi => "indicator.hi",
                IndicatorField::Weight => "indicator.weight",
            },
        }
    }

    /// The indicator position, when the field belongs to one indicator.
    pub const fn indicator(&self) -> Option<u8> {
        match self {
            ModelField::Indicator { index, .. } => Some(*index),
            _ => None,
        }
    }
}

impl fmt::Display for ModelField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelField::Indicator { index, .. } => {
                // "indicator[3].hi"
                let name = self.as_str();
                let tail = name.strip_prefix("indicator").unwrap_or(name);
                write!(f, "indicator[{index}]{tail}")
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// A model that violates docs/spec.md §3: `field` names the offending field, `reason` says
/// what is wrong with it. Returned by [`super::Model::new`] and the other constructors; the
/// wire decoder wraps it in [`crate::wire::DecodeError::InvalidModel`].
///
/// ```
/// use silkscore::{model::ModelError, ModelField, ModelParams, BRI_CULTURAL_V1 as M};
/// let bad = ModelParams { floor: 0.0, ..ModelParams::DEFAULT };
/// let e: ModelError = M.with_params(bad).unwrap_err();
/// assert_eq!(e.field, ModelField::Floor);
/// assert_eq!(e.to_string(), "invalid model: floor: floor must be in (0, 1]");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct ModelError {
    /// The offending field.
    pub field: ModelField,
    /// What is wrong with it (a static sentence fragment such as `"hi must be greater than lo"`).
    pub reason: &'static str,
}

impl ModelError {
    /// An error naming `field`, for `reason`.
    pub(crate) const fn new(field: ModelField, reason: &'static str) -> Self {
        ModelError { field, reason }
    }

    /// A short, static description of the error kind: `"invalid model"`.
    pub const fn as_str(&self) -> &'static str {
        "invalid model"
    }
}

impl fmt::Display for ModelError {
    /// `invalid model: FIELD: REASON`, e.g. `invalid model: indicator[3].hi: hi must be
    /// greater than lo`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.as_str(), self.field, self.reason)
    }
}

impl core::error::Error for ModelError {}
