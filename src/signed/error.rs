//! The errors of signed model updates: verification on the device, signing on the host.

use core::fmt;

use crate::wire::DecodeError;

/// Why an envelope was refused ([`super::verify`] and its steps), or a public key
/// ([`super::verifying_key`]). The checks of [`super::verify`] run in the order of the
/// variants below.
///
/// ```
/// use silkscore::signed::{self, VerifyError};
/// assert_eq!(signed::verifying_key(&[0u8; 32]), Err(VerifyError::InvalidKey));
/// assert_eq!(
///     VerifyError::Rollback { running: 3, found: 2 }.to_string(),
///     "model revision not newer than the running one (running 3, envelope 2)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a signed-model envelope: wrong tag, or a model length of 0 or above
    /// [`crate::wire::MODEL_MAX_SIZE`].
    EnvelopeMalformed,
    /// The envelope is shorter than its header and model length say.
    EnvelopeTruncated,
    /// The envelope is followed by extra bytes.
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
    /// The signed model bytes do not decode as a valid model.
    Model(DecodeError),
    /// Bytes that are not a usable Ed25519 public key (not a curve point, or of small order).
    InvalidKey,
}

impl VerifyError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            VerifyError::EnvelopeMalformed => "not a signed-model envelope",
            VerifyError::EnvelopeTruncated => "signed-model envelope truncated",
            VerifyError::EnvelopeTooLong => "extra bytes after signed-model envelope",
            VerifyError::UntrustedKey => "model signed by an untrusted key",
            VerifyError::BadSignature => "model signature does not verify",
            VerifyError::Rollback { .. } => "model revision not newer than the running one",
            VerifyError::Model(e) => e.as_str(),
            VerifyError::InvalidKey => "invalid Ed25519 public key",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Model(e) => e.fmt(f),
            VerifyError::Rollback { running, found } => {
                write!(f, "{} (running {running}, envelope {found})", self.as_str())
            }
            _ => f.write_str(self.as_str()),
        }
    }
}

impl core::error::Error for VerifyError {}

impl From<DecodeError> for VerifyError {
    fn from(e: DecodeError) -> Self {
        VerifyError::Model(e)
    }
}

/// Why [`super::sign`] or [`super::sign_model`] made no envelope.
///
/// ```
/// use silkscore::signed::{self, SignError};
/// use silkscore::{wire::DecodeError, BRI_CULTURAL_V1};
/// let key = signed::SigningKey::from_bytes(&[3u8; 32]);
/// let mut out = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let zero = signed::sign_model(&BRI_CULTURAL_V1, 0, &key, &mut out);
/// assert_eq!(zero, Err(SignError::ZeroRevision));
/// let garbage = signed::sign(&[0x01], 1, &key, &mut out);
/// assert_eq!(garbage, Err(SignError::Model(DecodeError::Malformed)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SignError {
    /// The bytes to sign do not decode as a valid model: nothing unusable gets signed.
    Model(DecodeError),
    /// Revision 0: revisions start at 1 (a device that runs nothing passes 0, and refuses
    /// anything not newer).
    ZeroRevision,
    /// The output buffer is too small for the envelope.
    BufferTooSmall {
        /// Bytes needed: [`super::ENVELOPE_OVERHEAD`] plus the model's length.
        needed: usize,
    },
}

impl SignError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            SignError::Model(e) => e.as_str(),
            SignError::ZeroRevision => "model revision must be at least 1",
            SignError::BufferTooSmall { .. } => "output buffer too small",
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::Model(e) => e.fmt(f),
            SignError::BufferTooSmall { needed } => {
                write!(f, "{} (need {needed})", self.as_str())
            }
            _ => f.write_str(self.as_str()),
        }
    }
}

impl core::error::Error for SignError {}

impl From<DecodeError> for SignError {
    fn from(e: DecodeError) -> Self {
        SignError::Model(e)
    }
}
