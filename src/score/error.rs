//! The errors of scoring: a record that does not fit the model, a non-finite value, too little
//! data for a connotation, and the buffer and column mistakes of batch scoring.

use core::fmt;

use crate::model::Connotation;

/// Why a record (or a batch) could not be scored (docs/spec.md §4, §8). Scoring never fails
/// for any other reason: a decoding or signature error cannot come out of [`super::score()`].
///
/// ```
/// use silkscore::{score, Record, ScoreError, BRI_CULTURAL_V1 as M};
/// let short = Record::new(1, 3);
/// assert_eq!(score(&M, &short), Err(ScoreError::RecordLength { expected: 18, found: 3 }));
/// let mut nan = Record::new(2, M.len());
/// nan.set(4, f32::NAN).unwrap();
/// let e = score(&M, &nan).unwrap_err();
/// assert_eq!(e, ScoreError::NonFiniteValue { indicator: 4 });
/// assert_eq!(e.to_string(), "a raw value is NaN or infinite (indicator 4)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ScoreError {
    /// The record has a different number of values than the model has indicators (for a
    /// column batch: a different number of value columns).
    RecordLength {
        /// Indicators in the model.
        expected: u8,
        /// Values in the record (capped at 255).
        found: u8,
    },
    /// A raw value is NaN or infinite (docs/spec.md §4); `indicator` is its position in the
    /// model.
    NonFiniteValue {
        /// Position of the first non-finite value, in model order.
        indicator: u8,
    },
    /// A connotation's coverage is below the model's minimum (or zero).
    InsufficientData {
        /// The first connotation (cultural, economic, security order) that failed.
        connotation: Connotation,
    },
    /// The output buffer of a batch is shorter than the batch.
    BufferTooSmall {
        /// Results needed: one per record.
        needed: usize,
    },
    /// A column of a [`super::columns::Columns`] batch (a value column or the presence
    /// column) does not have one entry per record id.
    ColumnLength {
        /// Entries needed: the number of ids.
        expected: usize,
        /// Entries in the first column that differs.
        found: usize,
    },
}

impl ScoreError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ScoreError::RecordLength { .. } => {
                "record length differs from the model's indicator count"
            }
            ScoreError::NonFiniteValue { .. } => "a raw value is NaN or infinite",
            ScoreError::InsufficientData { .. } => "too few indicators present for a connotation",
            ScoreError::BufferTooSmall { .. } => "output buffer too small",
            ScoreError::ColumnLength { .. } => "column length differs from the number of ids",
        }
    }
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        match self {
            ScoreError::RecordLength { expected, found } => {
                write!(f, " (model has {expected}, record has {found})")
            }
            ScoreError::NonFiniteValue { indicator } => write!(f, " (indicator {indicator})"),
            ScoreError::InsufficientData { connotation } => {
                write!(f, " ({})", connotation.as_str())
            }
            ScoreError::BufferTooSmall { needed } => write!(f, " (need {needed})"),
            ScoreError::ColumnLength { expected, found } => {
                write!(f, " ({found} entries, {expected} ids)")
            }
        }
    }
}

impl core::error::Error for ScoreError {}
