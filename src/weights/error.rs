//! The errors of computing weights: AHP judgments, batches of records for entropy and CRITIC,
//! and the validation of the model the weights are put into.

use core::fmt;

use crate::model::{Connotation, ModelError};

/// Why weights could not be computed or put into a model (docs/spec.md §5, §8).
///
/// ```
/// use silkscore::weights::{ahp, WeightsError};
/// let e = ahp::ahp(&[2.0, 10.0, 1.0], ahp::Consistency::Require).unwrap_err();
/// assert_eq!(e, WeightsError::InvalidJudgment { index: 1 });
/// assert_eq!(e.to_string(), "AHP judgment outside [1/9, 9] or not finite (judgment 1)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WeightsError {
    /// An AHP judgment is outside [1/9, 9] or not finite; `index` is its position in the
    /// row-major upper triangle.
    InvalidJudgment {
        /// Position in the judgment list.
        index: u16,
    },
    /// The number of AHP judgments does not match n(n−1)/2 for any n ≤ 15.
    JudgmentCount {
        /// Judgments supplied.
        found: u16,
    },
    /// The AHP consistency ratio exceeds 0.10 and the caller did not accept it.
    Inconsistent {
        /// The consistency ratio.
        cr: f32,
    },
    /// Data-driven weights (entropy, CRITIC) need at least two records.
    TooFewRecords {
        /// Records supplied.
        found: usize,
    },
    /// Data-driven weights need complete, finite records; this one is not. For connotation
    /// weights from scores: an index that is not finite or lies outside [0, 100].
    IncompleteRecord {
        /// Position of the record (or scores) in the batch.
        record: usize,
        /// Position of the missing or non-finite indicator (of the connotation, 0 cultural,
        /// 1 economic, 2 security, for scores).
        indicator: u8,
    },
    /// A record of the batch has a different number of values than the model has indicators,
    /// or weights computed for one model are put into a model with a different number of
    /// indicators.
    RecordLength {
        /// Indicators in the model (the one scanned, or the one the weights are put into).
        expected: u8,
        /// Values in the record, or weights (capped at 255).
        found: u8,
    },
    /// AHP weights of n indicators were applied to a connotation with another number of
    /// indicators.
    ConnotationSize {
        /// The connotation.
        connotation: Connotation,
        /// Indicators of the connotation in the model.
        expected: u8,
        /// Indicators the AHP weights are for.
        found: u8,
    },
    /// Connotation weights (AHP across connotations, or weights put into a model's
    /// connotation weights) are for another number than the three connotations.
    ConnotationCount {
        /// Weights supplied (AHP: its n).
        found: u8,
    },
    /// The model with the new weights fails validation (docs/spec.md §3).
    InvalidModel(ModelError),
}

impl WeightsError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            WeightsError::InvalidJudgment { .. } => "AHP judgment outside [1/9, 9] or not finite",
            WeightsError::JudgmentCount { .. } => {
                "AHP judgment count is not n(n-1)/2 for 1 <= n <= 15"
            }
            WeightsError::Inconsistent { .. } => "AHP judgments inconsistent (CR > 0.10)",
            WeightsError::TooFewRecords { .. } => "data-driven weights need at least two records",
            WeightsError::IncompleteRecord { .. } => {
                "data-driven weights need complete, finite records"
            }
            WeightsError::RecordLength { .. } => {
                "record length differs from the model's indicator count"
            }
            WeightsError::ConnotationSize { .. } => {
                "AHP weights are for another number of indicators than the connotation has"
            }
            WeightsError::ConnotationCount { .. } => {
                "connotation weights are for the three connotations (3 weights, 3 judgments)"
            }
            WeightsError::InvalidModel(e) => e.as_str(),
        }
    }
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let WeightsError::InvalidModel(e) = self {
            return e.fmt(f);
        }
        f.write_str(self.as_str())?;
        match self {
            WeightsError::InvalidJudgment { index } => write!(f, " (judgment {index})"),
            WeightsError::JudgmentCount { found } => write!(f, " (got {found})"),
            WeightsError::Inconsistent { cr } => write!(f, " (CR = {cr:.4})"),
            WeightsError::TooFewRecords { found } => write!(f, " (got {found})"),
            WeightsError::IncompleteRecord { record, indicator } => {
                write!(f, " (record {record}, indicator {indicator})")
            }
            WeightsError::RecordLength { expected, found } => {
                write!(f, " (model has {expected}, record has {found})")
            }
            WeightsError::ConnotationSize {
                connotation,
                expected,
                found,
            } => write!(
                f,
                " ({} has {expected}, the weights are for {found})",
                connotation.as_str()
            ),
            WeightsError::ConnotationCount { found } => write!(f, " (got {found})"),
            WeightsError::InvalidModel(_) => Ok(()),
        }
    }
}

impl core::error::Error for WeightsError {}

impl From<ModelError> for WeightsError {
    fn from(e: ModelError) -> Self {
        WeightsError::InvalidModel(e)
    }
}
