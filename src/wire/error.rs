//! The errors of the wire format: decoding (bytes, frames, and the validation of what they
//! hold) and encoding (a buffer too small).

use core::fmt;

use crate::model::ModelError;

/// Why bytes were not accepted as a message (docs/spec.md §6): a frame that is not valid COBS
/// or fails its CRC, an unknown format version, bytes that are not a well-formed message,
/// values out of range, or a decoded model that fails validation.
///
/// ```
/// use silkscore::{wire, DecodeError};
/// assert_eq!(wire::decode_record(&[0x07]), Err(DecodeError::UnknownVersion { found: 7 }));
/// assert_eq!(wire::decode_model(&[0x01]), Err(DecodeError::Malformed));
/// assert_eq!(DecodeError::UnknownVersion { found: 7 }.to_string(), "unknown format version (7)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError {
    /// A message starts with a format version this build does not know.
    UnknownVersion {
        /// The version byte found.
        found: u8,
    },
    /// The bytes are not a well-formed postcard message of the expected kind (or are empty).
    Malformed,
    /// A decoded value is out of range (a score above 100, coverage above 1, an unknown grade…).
    InvalidValue,
    /// The bytes hold a valid message followed by extra bytes.
    TrailingBytes,
    /// A frame is not valid COBS (or is empty).
    BadFrame,
    /// A frame's CRC-32 does not match its content: it was corrupted in transit.
    ChecksumMismatch,
    /// A frame is longer than the [`super::FrameReader`]'s buffer; it was dropped.
    BufferTooSmall {
        /// Bytes the buffer would need (a lower bound: the frame's length is unknown).
        needed: usize,
    },
    /// The bytes hold a model that fails validation (docs/spec.md §3): a model is never
    /// trusted from bytes.
    InvalidModel(ModelError),
}

impl DecodeError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            DecodeError::UnknownVersion { .. } => "unknown format version",
            DecodeError::Malformed => "malformed message",
            DecodeError::InvalidValue => "decoded value out of range",
            DecodeError::TrailingBytes => "trailing bytes after message",
            DecodeError::BadFrame => "bad COBS frame",
            DecodeError::ChecksumMismatch => "frame CRC-32 mismatch",
            DecodeError::BufferTooSmall { .. } => "frame longer than the reader's buffer",
            DecodeError::InvalidModel(e) => e.as_str(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::InvalidModel(e) => e.fmt(f),
            DecodeError::UnknownVersion { found } => write!(f, "{} ({found})", self.as_str()),
            DecodeError::BufferTooSmall { needed } => {
                write!(f, "{} (need {needed})", self.as_str())
            }
            _ => f.write_str(self.as_str()),
        }
    }
}

impl core::error::Error for DecodeError {}

impl From<ModelError> for DecodeError {
    fn from(e: ModelError) -> Self {
        DecodeError::InvalidModel(e)
    }
}

/// Why a message could not be encoded: the output buffer is too small. A buffer of the
/// message's `*_MAX_SIZE` (or `*_FRAME_MAX_SIZE` for a frame) always suffices.
///
/// ```
/// use silkscore::{wire, EncodeError, BRI_CULTURAL_V1};
/// let mut small = [0u8; 8];
/// let e = wire::encode_model(&BRI_CULTURAL_V1, &mut small).unwrap_err();
/// assert_eq!(e, EncodeError::BufferTooSmall { needed: wire::MODEL_MAX_SIZE });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small for the message.
    BufferTooSmall {
        /// Bytes that always suffice: the largest encoding of the message (or frame).
        needed: usize,
    },
}

impl EncodeError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            EncodeError::BufferTooSmall { .. } => "output buffer too small",
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall { needed } => {
                write!(f, "{} (need {needed})", self.as_str())
            }
        }
    }
}

impl core::error::Error for EncodeError {}
