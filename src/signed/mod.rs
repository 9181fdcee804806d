//! Signed model updates (feature `signed-models`): a kiosk installs a new model only when it is
//! signed by the operator's Ed25519 key and newer than the model it runs.
//!
//! # Envelope layout (version 1)
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 16 | [`ENVELOPE_TAG`] `"silkscore-model1"`: magic and domain-separation tag |
//! | 16 | 4 | revision, `u32` little-endian, ≥ 1 |
//! | 20 | 32 | the signer's Ed25519 public key (compressed Edwards point) |
//! | 52 | 2 | model length `L`, `u16` little-endian, 1 ..= [`crate::wire::MODEL_MAX_SIZE`] |
//! | 54 | `L` | the model message, exactly as [`crate::wire::encode_model`] writes it |
//! | 54 + `L` | 64 | Ed25519 signature (RFC 8032, pure Ed25519) of bytes `0 .. 54 + L` |
//!
//! The envelope is [`ENVELOPE_OVERHEAD`]` + L` bytes, at most [`ENVELOPE_MAX_SIZE`]. The
//! signature covers the tag, the revision, the signer key, the length and the model bytes, so
//! none of them can be changed, and a signature made for another purpose with the same key
//! (which would not start with the tag) is never an envelope signature.
//!
//! # What the device refuses
//!
//! [`verify`] checks, in this order, and stops at the first failure:
//!
//! 1. the tag and the length field, else [`VerifyError::EnvelopeMalformed`];
//! 2. the length: fewer bytes than `54 + L + 64` is [`VerifyError::EnvelopeTruncated`], more
//!    is [`VerifyError::EnvelopeTooLong`];
//! 3. the signer is the trusted key, else [`VerifyError::UntrustedKey`];
//! 4. the signature, as [`VerifyingKey::verify_strict`] checks it, else
//!    [`VerifyError::BadSignature`] (computed with constant-time scalar multiplications: see
//!    [`verify_strict_checked`]);
//! 5. the revision is above the running one, else [`VerifyError::Rollback`] (an old envelope
//!    replayed, or a downgrade);
//! 6. the model decodes and validates, else [`VerifyError::Model`] with
//!    [`crate::wire::decode_model`]'s error.
//!
//! Verification needs no allocation and no buffer besides the envelope; the device stores
//! the revision it runs next to the model, and passes it to the next [`verify`]. Revisions
//! start at 1, so a device without a model passes 0.
//!
//! ```
//! use silkscore::{signed::{self, VerifyError}, wire, BRI_CULTURAL_V1};
//! let key = signed::SigningKey::from_bytes(&[7u8; 32]); // on the operator's host
//! let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
//! let envelope = signed::sign_model(&BRI_CULTURAL_V1, 3, &key, &mut buf).unwrap();
//!
//! // on the kiosk, which trusts the public key and runs revision 2
//! let trusted = key.verifying_key();
//! let update = signed::verify(envelope, &trusted, 2).unwrap();
//! assert_eq!((update.revision, &update.model), (3, &BRI_CULTURAL_V1));
//! // the same envelope again is a replay
//! assert_eq!(signed::verify(envelope, &trusted, 3).unwrap_err(),
//!            VerifyError::Rollback { running: 3, found: 3 });
//! ```

mod error;

/// The `ed25519-dalek` crate this module is built on, for callers that need more of it.
pub use ed25519_dalek as ed25519;
pub use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
pub use error::{SignError, VerifyError};

use crate::model::Model;
use crate::wire::{self, DecodeError, MODEL_MAX_SIZE};

/// First 16 bytes of every envelope; also the domain-separation tag of its signature.
pub const ENVELOPE_TAG: [u8; 16] = *b"silkscore-model1";
/// Bytes of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Bytes of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Bytes before the model: tag, revision, signer key, model length.
pub const ENVELOPE_HEADER_LEN: usize = ENVELOPE_TAG.len() + 4 + PUBLIC_KEY_LEN + 2;
/// Envelope bytes besides the model: header and signature.
pub const ENVELOPE_OVERHEAD: usize = ENVELOPE_HEADER_LEN + SIGNATURE_LEN;
/// Largest envelope (of the largest model): size a receive buffer with it.
pub const ENVELOPE_MAX_SIZE: usize = ENVELOPE_OVERHEAD + MODEL_MAX_SIZE;

const REVISION_AT: usize = ENVELOPE_TAG.len();
const SIGNER_AT: usize = REVISION_AT + 4;
const LEN_AT: usize = SIGNER_AT + PUBLIC_KEY_LEN;

/// The fields of an envelope whose structure is sound; nothing is verified yet.
///
/// ```
/// use silkscore::{signed, BRI_CULTURAL_V1};
/// let key = signed::SigningKey::from_bytes(&[1u8; 32]);
/// let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let bytes = signed::sign_model(&BRI_CULTURAL_V1, 9, &key, &mut buf).unwrap();
/// let env = signed::Envelope::parse(bytes).unwrap();
/// assert_eq!(env.revision(), 9);
/// assert_eq!(env.signer(), key.verifying_key().as_bytes());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    revision: u32,
    signer: &'a [u8; PUBLIC_KEY_LEN],
    model: &'a [u8],
    signature: &'a [u8; SIGNATURE_LEN],
    signed: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Checks the tag and the lengths (steps 1 and 2 of [`verify`]) and splits the envelope.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, VerifyError> {
        let tag_part = bytes.get(..ENVELOPE_TAG.len()).unwrap_or(bytes);
        if ENVELOPE_TAG.get(..tag_part.len()) != Some(tag_part) {
            return Err(VerifyError::EnvelopeMalformed);
        }
        let header = bytes
            .get(..ENVELOPE_HEADER_LEN)
            .ok_or(VerifyError::EnvelopeTruncated)?;
        let field =
            |at: usize, n: usize| header.get(at..at + n).ok_or(VerifyError::EnvelopeTruncated);
        let revision = u32::from_le_bytes(
            field(REVISION_AT, 4)?
                .try_into()
                .map_err(|_| VerifyError::EnvelopeTruncated)?,
        );
        let signer: &[u8; PUBLIC_KEY_LEN] = field(SIGNER_AT, PUBLIC_KEY_LEN)?
            .try_into()
            .map_err(|_| VerifyError::EnvelopeTruncated)?;
        let len = usize::from(u16::from_le_bytes(
            field(LEN_AT, 2)?
                .try_into()
                .map_err(|_| VerifyError::EnvelopeTruncated)?,
        ));
        if len == 0 || len > MODEL_MAX_SIZE {
            return Err(VerifyError::EnvelopeMalformed);
        }
        let signed_len = ENVELOPE_HEADER_LEN + len;
        let total = signed_len + SIGNATURE_LEN;
        if bytes.len() < total {
            return Err(VerifyError::EnvelopeTruncated);
        }
        if bytes.len() > total {
            return Err(VerifyError::EnvelopeTooLong);
        }
        let signed = bytes
            .get(..signed_len)
            .ok_or(VerifyError::EnvelopeTruncated)?;
        let model = bytes
            .get(ENVELOPE_HEADER_LEN..signed_len)
            .ok_or(VerifyError::EnvelopeTruncated)?;
        let signature: &[u8; SIGNATURE_LEN] = bytes
            .get(signed_len..total)
            .and_then(|s| s.try_into().ok())
            .ok_or(VerifyError::EnvelopeTruncated)?;
        Ok(Envelope {
            revision,
            signer,
            model,
            signature,
            signed,
        })
    }

    /// The revision the envelope claims (not verified).
    pub const fn revision(&self) -> u32 {
        self.revision
    }

    /// The public key the envelope claims it was signed with (not verified).
    pub const fn signer(&self) -> &'a [u8; PUBLIC_KEY_LEN] {
        self.signer
    }

    /// The model message bytes (not verified).
    pub const fn model_bytes(&self) -> &'a [u8] {
        self.model
    }

    /// The signature bytes.
    pub const fn signature(&self) -> &'a [u8; SIGNATURE_LEN] {
        self.signature
    }

    /// Checks the signer and the signature (steps 3 and 4 of [`verify`]).
    pub fn verify_signature(&self, trusted: &VerifyingKey) -> Result<(), VerifyError> {
        if self.signer != trusted.as_bytes() {
            return Err(VerifyError::UntrustedKey);
        }
        if verify_strict_checked(trusted, self.signed, self.signature) {
            Ok(())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

/// [`VerifyingKey::verify_strict`] of `signature` on `message`, computed with
/// curve25519-dalek's constant-time scalar multiplications: the same checks in the same order
/// (s canonical, R decompresses, neither R nor the key of small order, then
/// \[s\]B − \[k\]A compresses to the signature's R, with k = SHA-512(R ‖ A ‖ message) mod ℓ), so the
/// same signatures pass; the unit tests compare both on valid, mutated and forged signatures.
///
/// `verify_strict` computes \[s\]B − \[k\]A with a variable-time double-base multiplication whose
/// table lookup keeps an array bounds check that the optimiser cannot remove, so a firmware
/// with it cannot prove at link time that no panic is reachable (docs/firmware.md). Two
/// constant-time multiplications take about 1.7 to 1.8 times the instructions, need about
/// 2.5 KiB less stack and about 0.4 to 0.9 KiB less flash on a Cortex-M, and have no such
/// check: the signed firmware links with the panic check.
pub fn verify_strict_checked(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> bool {
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use sha2::{Digest, Sha512};

    let (Some(r_bytes), Some(s_bytes)) =
        (signature.first_chunk::<32>(), signature.last_chunk::<32>())
    else {
        return false;
    };
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(*s_bytes)) else {
        return false;
    };
    let r_compressed = CompressedEdwardsY(*r_bytes);
    let Some(r) = r_compressed.decompress() else {
        return false;
    };
    let a = key.to_edwards();
    if r.is_small_order() || a.is_small_order() {
        return false;
    }
    let mut h = Sha512::new();
    h.update(r_bytes);
    h.update(key.as_bytes());
    h.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
    (EdwardsPoint::mul_base(&s) - a * k).compress() == r_compressed
}

/// A model that passed [`verify`], with its revision: install it, and store the revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// The envelope's revision, newer than the running one.
    pub revision: u32,
    /// The decoded, validated model.
    pub model: Model,
}

/// Verifies an envelope on the device: see the [module documentation](self) for the checks
/// and their errors. `running` is the revision of the model the device runs (0 for none).
///
/// ```
/// use silkscore::{signed::{self, VerifyError}, BRI_CULTURAL_V1};
/// let operator = signed::SigningKey::from_bytes(&[1u8; 32]);
/// let intruder = signed::SigningKey::from_bytes(&[2u8; 32]);
/// let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let forged = signed::sign_model(&BRI_CULTURAL_V1, 5, &intruder, &mut buf).unwrap();
/// assert_eq!(signed::verify(forged, &operator.verifying_key(), 0), Err(VerifyError::UntrustedKey));
/// ```
pub fn verify(
    envelope: &[u8],
    trusted: &VerifyingKey,
    running: u32,
) -> Result<Verified, VerifyError> {
    let env = Envelope::parse(envelope)?;
    env.verify_signature(trusted)?;
    if env.revision <= running {
        return Err(VerifyError::Rollback {
            running,
            found: env.revision,
        });
    }
    let model = wire::decode_model(env.model)?;
    Ok(Verified {
        revision: env.revision,
        model,
    })
}

/// [`verify`] into a model the device already holds: the same checks in the same order, and
/// on success the envelope's model is decoded into `dest` in place
/// ([`Model::decode_into`]) and its revision returned. On any error `dest` is left as it
/// was, so a device keeps running its model when an update is refused. The stack it needs
/// is the signature check's (about 7.4 KiB on a Cortex-M) and not that plus a model's: this
/// is the form for small devices.
///
/// ```
/// use silkscore::{signed::{self, VerifyError}, BRI_CULTURAL_V1};
/// let operator = signed::SigningKey::from_bytes(&[1u8; 32]);
/// let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let env = signed::sign_model(&BRI_CULTURAL_V1, 3, &operator, &mut buf).unwrap();
///
/// let mut running = BRI_CULTURAL_V1.with_indicator_weights(&[2.0; 18]).unwrap();
/// let before = running.clone();
/// // revision 3 is not newer than 3: refused, and the running model is untouched
/// assert_eq!(
///     signed::verify_into(env, &operator.verifying_key(), 3, &mut running),
///     Err(VerifyError::Rollback { running: 3, found: 3 })
/// );
/// assert_eq!(running, before);
/// assert_eq!(signed::verify_into(env, &operator.verifying_key(), 2, &mut running), Ok(3));
/// assert_eq!(running, BRI_CULTURAL_V1);
/// ```
pub fn verify_into(
    envelope: &[u8],
    trusted: &VerifyingKey,
    running: u32,
    dest: &mut Model,
) -> Result<u32, VerifyError> {
    let env = Envelope::parse(envelope)?;
    env.verify_signature(trusted)?;
    if env.revision <= running {
        return Err(VerifyError::Rollback {
            running,
            found: env.revision,
        });
    }
    dest.decode_into(env.model)?;
    Ok(env.revision)
}

/// Signs an encoded model message (host side): writes the envelope into `out` (size it with
/// [`ENVELOPE_MAX_SIZE`], or [`ENVELOPE_OVERHEAD`]` + model.len()`) and returns it. The model
/// bytes must decode as a valid model, so that nothing unusable gets signed (else
/// [`SignError::Model`] with that decoding error); `revision` must be at least 1 (else
/// [`SignError::ZeroRevision`], as a device would refuse it); `out` must hold the envelope
/// (else [`SignError::BufferTooSmall`]).
///
/// ```
/// use silkscore::{signed, wire, BRI_CULTURAL_V1};
/// let key = signed::SigningKey::from_bytes(&[3u8; 32]);
/// let mut model = [0u8; wire::MODEL_MAX_SIZE];
/// let model = wire::encode_model(&BRI_CULTURAL_V1, &mut model).unwrap();
/// let mut out = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let env = signed::sign(model, 1, &key, &mut out).unwrap();
/// assert_eq!(env.len(), signed::ENVELOPE_OVERHEAD + model.len());
/// assert!(signed::sign(&[0x01, 0x00], 1, &key, &mut [0u8; 300]).is_err()); // not a model
/// ```
pub fn sign<'o>(
    model: &[u8],
    revision: u32,
    key: &SigningKey,
    out: &'o mut [u8],
) -> Result<&'o mut [u8], SignError> {
    wire::decode_model(model)?;
    if revision == 0 {
        return Err(SignError::ZeroRevision);
    }
    // A model that decodes is at most MODEL_MAX_SIZE bytes: its length always fits a u16.
    let len = u16::try_from(model.len()).map_err(|_| DecodeError::Malformed)?;
    let signed_len = ENVELOPE_HEADER_LEN + model.len();
    let total = signed_len + SIGNATURE_LEN;
    let out = out
        .get_mut(..total)
        .ok_or(SignError::BufferTooSmall { needed: total })?;
    let (signed, sig) = out.split_at_mut(signed_len);
    let signer = key.verifying_key().to_bytes();
    let parts: [&[u8]; 5] = [
        &ENVELOPE_TAG,
        &revision.to_le_bytes(),
        &signer,
        &len.to_le_bytes(),
        model,
    ];
    let mut at = 0;
    for part in parts {
        let dst = signed
            .get_mut(at..at + part.len())
            .ok_or(SignError::BufferTooSmall { needed: total })?;
        dst.copy_from_slice(part);
        at += part.len();
    }
    let signature = ed25519_dalek::Signer::sign(key, signed);
    sig.copy_from_slice(&signature.to_bytes());
    Ok(out)
}

/// Encodes `model` and signs it: [`sign`] of [`crate::wire::encode_model`]'s bytes.
///
/// ```
/// use silkscore::{signed, BRI_CULTURAL_V1};
/// let key = signed::SigningKey::from_bytes(&[4u8; 32]);
/// let mut out = [0u8; signed::ENVELOPE_MAX_SIZE];
/// let env = signed::sign_model(&BRI_CULTURAL_V1, 1, &key, &mut out).unwrap();
/// assert!(signed::verify(env, &key.verifying_key(), 0).is_ok());
/// ```
pub fn sign_model<'o>(
    model: &Model,
    revision: u32,
    key: &SigningKey,
    out: &'o mut [u8],
) -> Result<&'o mut [u8], SignError> {
    let mut buf = [0u8; MODEL_MAX_SIZE];
    // A model always fits MODEL_MAX_SIZE bytes: encoding cannot fail.
    let bytes = wire::encode_model(model, &mut buf).map_err(|e| match e {
        wire::EncodeError::BufferTooSmall { needed } => SignError::BufferTooSmall { needed },
    })?;
    sign(bytes, revision, key, out)
}

/// A trusted public key from its 32 bytes (as stored in firmware or a key file). Refuses
/// bytes that are not a point on the curve, and weak (small-order) keys.
///
/// ```
/// use silkscore::signed::{self, VerifyError};
/// let key = signed::SigningKey::from_bytes(&[5u8; 32]);
/// let public = key.verifying_key().to_bytes();
/// assert_eq!(signed::verifying_key(&public).unwrap(), key.verifying_key());
/// assert_eq!(signed::verifying_key(&[0u8; 32]), Err(VerifyError::InvalidKey)); // small order
/// ```
pub fn verifying_key(bytes: &[u8; PUBLIC_KEY_LEN]) -> Result<VerifyingKey, VerifyError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| VerifyError::InvalidKey)?;
    if key.is_weak() {
        return Err(VerifyError::InvalidKey);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Signer;

    /// xorshift32: deterministic, no dependency.
    fn next(state: &mut u32) -> u32 {
        *state ^= *state << 13;
        *state ^= *state >> 17;
        *state ^= *state << 5;
        *state
    }

    fn agree(key: &VerifyingKey, message: &[u8], sig: &[u8; SIGNATURE_LEN]) -> bool {
        let strict = key
            .verify_strict(message, &Signature::from_bytes(sig))
            .is_ok();
        let checked = verify_strict_checked(key, message, sig);
        assert_eq!(
            strict,
            checked,
            "key {:02x?} sig {sig:02x?}",
            key.as_bytes()
        );
        checked
    }

    #[test]
    fn checked_verification_accepts_and_refuses_what_verify_strict_does() {
        let mut state = 0x1234_5678u32;
        let (mut accepted, mut refused) = (0, 0);
        let rounds = if cfg!(miri) {
            4
        } else if cfg!(debug_assertions) {
            30
        } else {
            300
        };
        for round in 0..rounds {
            let mut seed = [0u8; 32];
            for b in seed.iter_mut() {
                *b = next(&mut state) as u8;
            }
            let signer = SigningKey::from_bytes(&seed);
            let key = signer.verifying_key();
            let message: std::vec::Vec<u8> =
                (0..round % 97).map(|_| next(&mut state) as u8).collect();
            let sig = signer.sign(&message).to_bytes();
            accepted += usize::from(agree(&key, &message, &sig));
            // one bit flipped anywhere in the signature, the message, or the key
            let bit = next(&mut state) as usize % (SIGNATURE_LEN * 8);
            let mut bad = sig;
            bad[bit / 8] ^= 1 << (bit % 8);
            refused += usize::from(!agree(&key, &message, &bad));
            if !message.is_empty() {
                let mut m = message.clone();
                let at = next(&mut state) as usize % m.len();
                m[at] ^= 0x40;
                refused += usize::from(!agree(&key, &m, &sig));
            }
            let other = SigningKey::from_bytes(&[round as u8; 32]).verifying_key();
            refused += usize::from(!agree(&other, &message, &sig));
            // s not canonical: s + ℓ (the same scalar mod ℓ), R of small order, random bytes
            let mut s_plus_l = sig;
            let l: [u8; 32] = [
                0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
                0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
            ];
            let mut carry = 0u16;
            for (x, y) in s_plus_l[32..].iter_mut().zip(l) {
                let v = u16::from(*x) + u16::from(y) + carry;
                *x = v as u8;
                carry = v >> 8;
            }
            refused += usize::from(!agree(&key, &message, &s_plus_l));
            let mut small_r = sig;
            small_r[..32].copy_from_slice(&[
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0,
            ]); // the identity
            refused += usize::from(!agree(&key, &message, &small_r));
            let mut random = [0u8; SIGNATURE_LEN];
            for b in random.iter_mut() {
                *b = next(&mut state) as u8;
            }
            agree(&key, &message, &random);
        }
        assert_eq!(accepted, rounds);
        // R the identity (small order) with a signature that satisfies the equation: the plain
        // Ed25519 check accepts it, the strict one must not.
        {
            use curve25519_dalek::edwards::EdwardsPoint;
            use curve25519_dalek::scalar::Scalar;
            use ed25519_dalek::Verifier;
            use sha2::{Digest, Sha512};
            let a = Scalar::from_bytes_mod_order([0x5a; 32]);
            let key = VerifyingKey::from_bytes(&EdwardsPoint::mul_base(&a).compress().to_bytes())
                .unwrap();
            let mut r = [0u8; 32];
            r[0] = 1; // the identity, compressed
            let message = b"small order R";
            let mut h = Sha512::new();
            h.update(r);
            h.update(key.as_bytes());
            h.update(message);
            let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
            let mut sig = [0u8; SIGNATURE_LEN];
            sig[..32].copy_from_slice(&r);
            sig[32..].copy_from_slice(&(k * a).to_bytes());
            assert!(key.verify(message, &Signature::from_bytes(&sig)).is_ok());
            assert!(!agree(&key, message, &sig));
            // a key of small order (the identity) with R = [s]B: the same
            let weak = VerifyingKey::from_bytes(&r).unwrap();
            let s = Scalar::from_bytes_mod_order([0x33; 32]);
            sig[..32].copy_from_slice(&EdwardsPoint::mul_base(&s).compress().to_bytes());
            sig[32..].copy_from_slice(&s.to_bytes());
            assert!(weak.verify(message, &Signature::from_bytes(&sig)).is_ok());
            assert!(!agree(&weak, message, &sig));
        }
        assert!(refused >= 5 * rounds - rounds / 97 - 1, "{refused}");
    }
}
