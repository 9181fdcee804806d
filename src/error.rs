//! Every error type of the crate, and the umbrella [`Error`] for callers who want one type.
//!
//! Each part of the crate returns its own small, `Copy` error, so that a signature says what
//! can actually go wrong: [`crate::score()`] returns a [`ScoreError`] and can never be typed as
//! returning a signature or flash error. They are re-exported here:
//!
//! | error | returned by |
//! |---|---|
//! | [`ModelError`] ([`ModelField`], [`IndicatorField`]) | building, changing a [`crate::Model`] |
//! | [`RecordError`] | [`crate::Record::set`], [`crate::Record::from_values`] |
//! | [`ScoreError`] | [`crate::score()`], [`crate::score::Scorer`], batches and columns |
//! | [`DecodeError`], [`EncodeError`] | [`crate::wire`] messages and frames |
//! | [`WeightsError`] | [`crate::weights`]: AHP, entropy, CRITIC |
//! | [`JournalError`], [`FlashError`] | [`crate::journal`] and its [`crate::journal::Flash`] |
//! | `VerifyError`, `SignError` | `silkscore::signed` (feature `signed-models`) |
//!
//! Every one is `#[non_exhaustive]` (except [`FlashError`], a unit struct that flash drivers
//! construct), `Clone + Copy + Debug + PartialEq`, carries only plain data (indices, a
//! connotation, a model field, a static reason), implements `core::error::Error`, and
//! displays as a static string plus its fields, with no allocation: they cost nothing to
//! return on a microcontroller. With feature `defmt` they implement `defmt::Format`.
//!
//! [`Error`] wraps any of them, with `From` impls, so that `?` collects several kinds in one
//! function; its `Display` and [`Error::as_str`] are those of the wrapped error. This module
//! imports the domain modules; none of them imports it.
//!
//! ```
//! use silkscore::{wire, Error, Record, ScoreError, BRI_CULTURAL_V1 as M};
//!
//! fn score_message(bytes: &[u8]) -> Result<silkscore::Scores, Error> {
//!     let record: Record = wire::decode_record(bytes)?; // a DecodeError
//!     Ok(silkscore::score(&M, &record)?)                // a ScoreError
//! }
//!
//! let mut buf = [0u8; wire::RECORD_MAX_SIZE];
//! let bytes = wire::encode_record(&Record::new(1, 3), &mut buf).unwrap();
//! let e = score_message(bytes).unwrap_err();
//! assert_eq!(e, Error::Score(ScoreError::RecordLength { expected: 18, found: 3 }));
//! assert_eq!(
//!     e.to_string(),
//!     "record length differs from the model's indicator count (model has 18, record has 3)"
//! );
//! assert!(matches!(score_message(&[9]), Err(Error::Decode(_))));
//! ```

use core::fmt;

pub use crate::journal::{FlashError, JournalError};
pub use crate::model::{IndicatorField, ModelError, ModelField};
pub use crate::record::RecordError;
pub use crate::score::ScoreError;
#[cfg(feature = "signed-models")]
pub use crate::signed::{SignError, VerifyError};
pub use crate::weights::WeightsError;
pub use crate::wire::{DecodeError, EncodeError};

/// Any error of the crate: one variant per domain error type, each convertible with `From`
/// (so `?` works), displayed as the wrapped error.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// A model failed validation.
    Model(ModelError),
    /// A record position is out of range.
    Record(RecordError),
    /// A record could not be scored.
    Score(ScoreError),
    /// Bytes were not accepted as a message or frame.
    Decode(DecodeError),
    /// A message did not fit its buffer.
    Encode(EncodeError),
    /// Weights could not be computed or applied.
    Weights(WeightsError),
    /// A journal operation failed.
    Journal(JournalError),
    /// A signed-model envelope or key was refused.
    #[cfg(feature = "signed-models")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signed-models")))]
    Verify(VerifyError),
    /// A model could not be signed.
    #[cfg(feature = "signed-models")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signed-models")))]
    Sign(SignError),
}

impl Error {
    /// A short, static description of the error kind: the wrapped error's `as_str`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Error::Model(e) => e.as_str(),
            Error::Record(e) => e.as_str(),
            Error::Score(e) => e.as_str(),
            Error::Decode(e) => e.as_str(),
            Error::Encode(e) => e.as_str(),
            Error::Weights(e) => e.as_str(),
            Error::Journal(e) => e.as_str(),
            #[cfg(feature = "signed-models")]
            Error::Verify(e) => e.as_str(),
            #[cfg(feature = "signed-models")]
            Error::Sign(e) => e.as_str(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Model(e) => e.fmt(f),
            Error::Record(e) => e.fmt(f),
            Error::Score(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Encode(e) => e.fmt(f),
            Error::Weights(e) => e.fmt(f),
            Error::Journal(e) => e.fmt(f),
            #[cfg(feature = "signed-models")]
            Error::Verify(e) => e.fmt(f),
            #[cfg(feature = "signed-models")]
            Error::Sign(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for Error {}

/// `From<$domain> for Error` (as `Error::$variant`) and, with feature `std`,
/// `From<$domain> for std::io::Error`.
macro_rules! domain {
    ($($(#[$attr:meta])* $variant:ident($domain:ty),)*) => {$(
        $(#[$attr])*
        impl From<$domain> for Error {
            fn from(e: $domain) -> Self {
                Error::$variant(e)
            }
        }

        $(#[$attr])*
        #[cfg(feature = "std")]
        #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
        impl From<$domain> for std::io::Error {
            /// The error as an [`std::io::Error`] of kind `InvalidData`.
            fn from(e: $domain) -> Self {
                std::io::Error::new(std::io::ErrorKind::InvalidData, e)
            }
        }
    )*};
}

domain! {
    Model(ModelError),
    Record(RecordError),
    Score(ScoreError),
    Decode(DecodeError),
    Encode(EncodeError),
    Weights(WeightsError),
    Journal(JournalError),
    #[cfg(feature = "signed-models")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signed-models")))]
    Verify(VerifyError),
    #[cfg(feature = "signed-models")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signed-models")))]
    Sign(SignError),
}

impl From<FlashError> for Error {
    fn from(e: FlashError) -> Self {
        Error::Journal(e.into())
    }
}

/// With feature `std`: a silkscore error as an [`std::io::Error`] of kind `InvalidData`, so
/// that `?` works in functions that read and write files or sockets. Each domain error
/// converts the same way.
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
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

/// Shorthand for `Result<T, silkscore::Error>`, or for another error type `E`:
/// `silkscore::Result<Scores, ScoreError>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn umbrella_wraps_every_domain_and_displays_it() {
        let invalid = ModelError::new(
            ModelField::Indicator {
                index: 3,
                field: IndicatorField::Hi,
            },
            "hi must be greater than lo",
        );
        let cases: [(Error, Error, &str); 10] = [
            (
                invalid.into(),
                Error::Model(invalid),
                "invalid model: indicator[3].hi: hi must be greater than lo",
            ),
            (
                RecordError::IndexOutOfRange { index: 3, len: 3 }.into(),
                Error::Record(RecordError::IndexOutOfRange { index: 3, len: 3 }),
                "indicator index out of range (3 >= 3)",
            ),
            (
                ScoreError::NonFiniteValue { indicator: 4 }.into(),
                Error::Score(ScoreError::NonFiniteValue { indicator: 4 }),
                "a raw value is NaN or infinite (indicator 4)",
            ),
            (
                DecodeError::UnknownVersion { found: 7 }.into(),
                Error::Decode(DecodeError::UnknownVersion { found: 7 }),
                "unknown format version (7)",
            ),
            (
                DecodeError::InvalidModel(invalid).into(),
                Error::Decode(DecodeError::InvalidModel(invalid)),
                "invalid model: indicator[3].hi: hi must be greater than lo",
            ),
            (
                EncodeError::BufferTooSmall { needed: 9 }.into(),
                Error::Encode(EncodeError::BufferTooSmall { needed: 9 }),
                "output buffer too small (need 9)",
            ),
            (
                WeightsError::Inconsistent { cr: 0.25 }.into(),
                Error::Weights(WeightsError::Inconsistent { cr: 0.25 }),
                "AHP judgments inconsistent (CR > 0.10) (CR = 0.2500)",
            ),
            (
                WeightsError::from(invalid).into(),
                Error::Weights(WeightsError::InvalidModel(invalid)),
                "invalid model: indicator[3].hi: hi must be greater than lo",
            ),
            (
                JournalError::JournalFull.into(),
                Error::Journal(JournalError::JournalFull),
                "journal region full",
            ),
            (
                FlashError.into(),
                Error::Journal(JournalError::Flash),
                "flash read or write failed",
            ),
        ];
        for (converted, expected, text) in cases {
            assert_eq!(converted, expected);
            assert_eq!(converted.to_string(), text);
            assert!(text.starts_with(converted.as_str()), "{text}");
        }
    }

    #[cfg(feature = "signed-models")]
    #[test]
    fn umbrella_wraps_signed_errors() {
        let e: Error = VerifyError::Rollback {
            running: 3,
            found: 2,
        }
        .into();
        assert_eq!(
            e.to_string(),
            "model revision not newer than the running one (running 3, envelope 2)"
        );
        let e: Error = VerifyError::from(DecodeError::Malformed).into();
        assert_eq!(e, Error::Verify(VerifyError::Model(DecodeError::Malformed)));
        assert_eq!(e.to_string(), "malformed message");
        let e: Error = SignError::ZeroRevision.into();
        assert_eq!(e.as_str(), "model revision must be at least 1");
    }

    #[test]
    fn errors_are_small() {
        use core::mem::size_of;
        let word = size_of::<usize>();
        assert!(size_of::<ModelError>() <= 3 * word);
        assert!(size_of::<ScoreError>() <= 3 * word);
        assert!(size_of::<RecordError>() <= 3 * word);
        assert!(size_of::<DecodeError>() <= 3 * word);
        assert!(size_of::<WeightsError>() <= 3 * word);
        assert!(size_of::<JournalError>() == 1);
        assert_eq!(size_of::<FlashError>(), 0);
        assert!(size_of::<Error>() <= 4 * word);
    }

    #[cfg(feature = "std")]
    #[test]
    fn every_error_is_an_io_error() {
        let e: std::io::Error = ScoreError::InsufficientData {
            connotation: crate::model::Connotation::Economic,
        }
        .into();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(
            e.to_string(),
            "too few indicators present for a connotation (economic)"
        );
        let e: std::io::Error = Error::from(JournalError::Flash).into();
        assert_eq!(e.to_string(), "flash read or write failed");
    }
}
