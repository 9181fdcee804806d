//! The error of addressing a value position a record does not have.

use core::fmt;

/// A value position outside a [`super::Record`]: from [`super::Record::set`],
/// [`super::Record::set_missing`], and [`super::Record::from_values`] with more than
/// [`crate::model::MAX_INDICATORS`] values.
///
/// ```
/// use silkscore::{Record, RecordError};
/// let mut r = Record::new(1, 3);
/// assert_eq!(r.set(3, 1.0), Err(RecordError::IndexOutOfRange { index: 3, len: 3 }));
/// assert_eq!(r.set(3, 1.0).unwrap_err().to_string(), "indicator index out of range (3 >= 3)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RecordError {
    /// An indicator position is outside the record.
    IndexOutOfRange {
        /// The position asked for (for `from_values`: the number of values given).
        index: usize,
        /// The number of positions there are (for `from_values`: the most a record holds).
        len: usize,
    },
}

impl RecordError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            RecordError::IndexOutOfRange { .. } => "indicator index out of range",
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        match self {
            RecordError::IndexOutOfRange { index, len } => write!(f, " ({index} >= {len})"),
        }
    }
}

impl core::error::Error for RecordError {}
