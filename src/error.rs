//! The one error type of the crate.
//!
//! Every fallible operation returns [`Error`]. It is `#[non_exhaustive]`, `Copy`, carries
//! only plain data (indices, a [`Connotation`], a [`ModelField`]) and its `Display` writes
//! static strings only, so it costs nothing to return on a microcontroller.

use core::fmt;

use crate::model::Connotation;

/// Which part of a model is invalid (SPEC §3). Carried by [`Error::InvalidModel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ModelField {
    /// The model name (longer than [`crate::MAX_NAME_LEN`] bytes).
    Name,
    /// The indicator list: empty, or more than [`crate::MAX_INDICATORS`].
    Indicators,
    /// The geometric floor ε, which must lie in (0, 1].
    Floor,
    /// The minimum coverage, which must lie in [0, 1].
    MinCoverage,
    /// The four grade thresholds: finite, in [0, 100], strictly descending.
    Grades,
    /// One connotation weight W_c: negative or not finite.
    ConnotationWeight(Connotation),
    /// The connotation weights as a whole: their sum is not positive.
    ConnotationWeights,
    /// A connotation has no indicator with a positive weight.
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
            ModelField::Indicator { index, field } => {
                let name = ModelField::Indicator {
                    index: *index,
                    field: *field,
                }
                .as_str();
                // "indicator[3].hi"
                let tail = name.strip_prefix("indicator").unwrap_or(name);
                write!(f, "indicator[{index}]{tail}")
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// Everything that can go wrong, in one `#[non_exhaustive]` enum.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The model violates SPEC §3; `field` names the offending field, `reason` says what is wrong.
    InvalidModel {
        /// The offending field.
        field: ModelField,
        /// What is wrong with it (a static sentence fragment such as `"lo must be below hi"`).
        reason: &'static str,
    },
    /// The record has a different number of values than the model has indicators.
    RecordLength {
        /// Indicators in the model.
        expected: u8,
        /// Values in the record.
        found: u8,
    },
    /// An indicator position is outside the record or model.
    IndexOutOfRange {
        /// The position asked for.
        index: usize,
        /// The number of positions there are.
        len: usize,
    },
    /// A raw value is NaN or infinite (SPEC §4); `indicator` is its position in the model.
    NonFiniteValue {
        /// Position of the first non-finite value, in model order.
        indicator: u8,
    },
    /// A connotation's coverage is below the model's minimum (or zero).
    InsufficientData {
        /// The first connotation (cultural, economic, security order) that failed.
        connotation: Connotation,
    },
    /// An AHP judgment is outside [1/9, 9] or not finite; `index` is its position in the
    /// row-major upper triangle.
    InvalidJudgment {
        /// Position in the judgment list.
        index: u16,
    },
    /// The number of AHP judgments does not match n(n−1)/2 for any n ≤ 15, or n is 0 or > 15.
    JudgmentCount {
        /// Judgments supplied.
        found: u16,
    },
    /// The AHP consistency ratio exceeds 0.10 and the caller did not accept it.
    Inconsistent {
        /// The consistency ratio.
        cr: f32,
    },
    /// Entropy weights need at least two records.
    TooFewRecords {
        /// Records supplied.
        found: usize,
    },
    /// Entropy weights need complete, finite records; this one is not.
    IncompleteRecord {
        /// Position of the record in the batch.
        record: usize,
        /// Position of the missing or non-finite indicator.
        indicator: u8,
    },
    /// An output buffer is too small for the result.
    BufferTooSmall {
        /// Bytes or elements needed (a lower bound where the exact number is unknown).
        needed: usize,
    },
    /// A message starts with a format version this build does not know.
    UnknownVersion {
        /// The version byte found.
        found: u8,
    },
    /// The bytes are not a well-formed postcard message of the expected kind.
    Malformed,
    /// A decoded value is out of range (a score above 100, coverage above 1, an unknown grade…).
    InvalidValue,
    /// The bytes hold a valid message followed by extra bytes.
    TrailingBytes,
    /// A frame is not valid COBS (or is empty).
    BadFrame,
    /// A frame's CRC-32 does not match its content: it was corrupted in transit.
    ChecksumMismatch,
    /// A flash read or write failed: out of the region, refused by the device, or (for
    /// [`crate::journal::MemFlash`]) a write that would need to set a programmed bit back to 1.
    Flash,
    /// The journal region has no room for another entry (or used up its sequence numbers);
    /// nothing was written.
    JournalFull,
    /// Not a signed-model envelope: wrong tag, or a model length of 0 or above
    /// [`crate::wire::MODEL_MAX_SIZE`].
    EnvelopeMalformed,
    /// The signed-model envelope is shorter than its header and model length say.
    EnvelopeTruncated,
    /// The signed-model envelope is followed by extra bytes.
    EnvelopeTooLong,
    /// The envelope was signed by another key than the one the device trusts.
    UntrustedKey,
    /// The envelope's Ed25519 signature does not verify: it was altered or forged.
    BadSignature,
    /// The envelope's revision is not newer than the running model's: a rollback or a replay.
    Rollback {
        /// The revision the device runs.
        running: u32,
        /// The revision in the envelope.
        found: u32,
    },
    /// Bytes that are not a usable Ed25519 public key (not a curve point, or of small order).
    InvalidKey,
}

impl Error {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Error::InvalidModel { .. } => "invalid model",
            Error::RecordLength { .. } => "record length differs from the model's indicator count",
            Error::IndexOutOfRange { .. } => "indicator index out of range",
            Error::NonFiniteValue { .. } => "a raw value is NaN or infinite",
            Error::InsufficientData { .. } => "too few indicators present for a connotation",
            Error::InvalidJudgment { .. } => "AHP judgment outside [1/9, 9] or not finite",
            Error::JudgmentCount { .. } => "AHP judgment count is not n(n-1)/2 for 1 <= n <= 15",
            Error::Inconsistent { .. } => "AHP judgments inconsistent (CR > 0.10)",
            Error::TooFewRecords { .. } => "entropy weights need at least two records",
            Error::IncompleteRecord { .. } => "entropy weights need complete, finite records",
            Error::BufferTooSmall { .. } => "output buffer too small",
            Error::UnknownVersion { .. } => "unknown format version",
            Error::Malformed => "malformed message",
            Error::InvalidValue => "decoded value out of range",
            Error::TrailingBytes => "trailing bytes after message",
            Error::BadFrame => "bad COBS frame",
            Error::ChecksumMismatch => "frame CRC-32 mismatch",
            Error::Flash => "flash read or write failed",
            Error::JournalFull => "journal region full",
            Error::EnvelopeMalformed => "not a signed-model envelope",
            Error::EnvelopeTruncated => "signed-model envelope truncated",
            Error::EnvelopeTooLong => "extra bytes after signed-model envelope",
            Error::UntrustedKey => "model signed by an untrusted key",
            Error::BadSignature => "model signature does not verify",
            Error::Rollback { .. } => "model revision not newer than the running one",
            Error::InvalidKey => "invalid Ed25519 public key",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        match self {
            Error::InvalidModel { field, reason } => write!(f, ": {field}: {reason}"),
            Error::RecordLength { expected, found } => {
                write!(f, " (model has {expected}, record has {found})")
            }
            Error::IndexOutOfRange { index, len } => write!(f, " ({index} >= {len})"),
            Error::NonFiniteValue { indicator } => write!(f, " (indicator {indicator})"),
            Error::InsufficientData { connotation } => write!(f, " ({})", connotation.as_str()),
            Error::InvalidJudgment { index } => write!(f, " (judgment {index})"),
            Error::JudgmentCount { found } => write!(f, " (got {found})"),
            Error::Inconsistent { cr } => write!(f, " (CR = {cr:.4})"),
            Error::TooFewRecords { found } => write!(f, " (got {found})"),
            Error::IncompleteRecord { record, indicator } => {
                write!(f, " (record {record}, indicator {indicator})")
            }
            Error::BufferTooSmall { needed } => write!(f, " (need {needed})"),
            Error::UnknownVersion { found } => write!(f, " ({found})"),
            Error::Rollback { running, found } => {
                write!(f, " (running {running}, envelope {found})")
            }
            _ => Ok(()),
        }
    }
}

impl core::error::Error for Error {}

/// With feature `std`: a silkscore error as an [`std::io::Error`] of kind `InvalidData`, so
/// that `?` works in functions that read and write files or sockets.
///
/// ```
/// # #[cfg(feature = "std")] {
/// fn read_model(bytes: &[u8]) -> std::io::Result<silkscore::Model> {
///     Ok(silkscore::wire::decode_model(bytes)?)
/// }
/// let err = read_model(&[0x07]).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
/// assert_eq!(err.to_string(), "unknown format version (7)");
/// # }
/// ```
#[cfg(feature = "std")]
impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

/// Shorthand for `Result<T, silkscore::Error>`.
pub type Result<T> = core::result::Result<T, Error>;
