//! The model the page runs: the built-in `bri-cultural-v1`, a compiled model message, or a
//! model from a signed envelope; and how each is described to the page and refused.

use silkscore::model::{Model, ModelError, BRI_CULTURAL_V1};
use silkscore::wire::{self, DecodeError};

use crate::out::Out;

/// Where the active model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The built-in `bri-cultural-v1`.
    Builtin,
    /// A compiled model message (`silkscore model compile`).
    Compiled,
    /// A verified signed envelope, with its revision.
    Signed(u32),
}

/// The active model.
#[derive(Clone, Debug, PartialEq)]
pub struct Active {
    /// `None` for the built-in model (a `static`, never copied).
    model: Option<Model>,
    source: Source,
}

impl Default for Active {
    fn default() -> Self {
        Self::BUILTIN
    }
}

impl Active {
    /// The built-in model.
    pub const BUILTIN: Active = Active {
        model: None,
        source: Source::Builtin,
    };

    /// The model.
    pub fn model(&self) -> &Model {
        self.model.as_ref().unwrap_or(&BRI_CULTURAL_V1)
    }

    /// Where it came from.
    pub const fn source(&self) -> Source {
        self.source
    }

    /// Decodes and validates a compiled model message; the active model is unchanged on
    /// error.
    pub fn load_compiled(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let model = wire::decode_model(bytes)?;
        *self = Active {
            model: Some(model),
            source: Source::Compiled,
        };
        Ok(())
    }

    /// Verifies a signed envelope against the trusted key and the highest revision the
    /// page has accepted (docs/spec.md §6.5) and runs its model; unchanged on error.
    #[cfg(feature = "signed-models")]
    pub fn load_signed(
        &mut self,
        envelope: &[u8],
        trusted: &[u8; silkscore::signed::PUBLIC_KEY_LEN],
        running: u32,
    ) -> Result<u32, silkscore::signed::VerifyError> {
        let key = silkscore::signed::verifying_key(trusted)?;
        let verified = silkscore::signed::verify(envelope, &key, running)?;
        *self = Active {
            model: Some(verified.model),
            source: Source::Signed(verified.revision),
        };
        Ok(verified.revision)
    }
}

/// Writes the description of `model` the page builds its form from: name, fingerprint,
/// parameters and every indicator (see the crate documentation for the layout).
pub fn describe(model: &Model, out: &mut Out<'_>) {
    let p = model.params();
    out.str8(model.name().as_bytes());
    out.u32(model.fingerprint());
    out.u8(p.within as u8);
    out.u8(p.across as u8);
    out.f32(p.floor);
    out.f32(p.min_coverage);
    for g in p.grades {
        out.f32(g);
    }
    for w in p.weights {
        out.f32(w);
    }
    out.u8(model.len() as u8);
    for ind in model.indicators() {
        out.str8(ind.id.as_str().as_bytes());
        out.u8(ind.connotation.index() as u8);
        out.u8(ind.direction as u8);
        out.u8(ind.transform as u8);
        out.f32(ind.lo);
        out.f32(ind.hi);
        out.f32(ind.weight);
    }
}

/// Codes of a [`DecodeError`], as the page names them.
pub fn decode_error_code(e: &DecodeError) -> u8 {
    match e {
        DecodeError::UnknownVersion { .. } => 1,
        DecodeError::Malformed => 2,
        DecodeError::InvalidValue => 3,
        DecodeError::TrailingBytes => 4,
        DecodeError::BadFrame => 5,
        DecodeError::ChecksumMismatch => 6,
        DecodeError::BufferTooSmall { .. } => 7,
        DecodeError::InvalidModel(_) => 8,
        _ => 9,
    }
}

/// Writes a decoding error: code, the version byte for an unknown version, and for an
/// invalid model its field, indicator (255 for none) and reason.
pub fn write_decode_error(e: &DecodeError, out: &mut Out<'_>) {
    out.u8(decode_error_code(e));
    out.u8(match e {
        DecodeError::UnknownVersion { found } => *found,
        _ => 0,
    });
    match e {
        DecodeError::InvalidModel(m) => write_model_error(m, out),
        _ => {
            out.str8(b"");
            out.u8(u8::MAX);
            out.str8(b"");
        }
    }
}

fn write_model_error(e: &ModelError, out: &mut Out<'_>) {
    out.str8(e.field.as_str().as_bytes());
    out.u8(e.field.indicator().unwrap_or(u8::MAX));
    out.str8(e.reason.as_bytes());
}

/// Writes a refused envelope: code (1 malformed, 2 truncated, 3 too long, 4 untrusted key,
/// 5 bad signature, 6 rollback, 7 invalid model, 8 invalid trusted key, 9 other), the
/// running and found revisions of a rollback, and the decoding error of an invalid model.
#[cfg(feature = "signed-models")]
pub fn write_verify_error(e: &silkscore::signed::VerifyError, out: &mut Out<'_>) {
    use silkscore::signed::VerifyError as V;
    let code = match e {
        V::EnvelopeMalformed => 1,
        V::EnvelopeTruncated => 2,
        V::EnvelopeTooLong => 3,
        V::UntrustedKey => 4,
        V::BadSignature => 5,
        V::Rollback { .. } => 6,
        V::Model(_) => 7,
        V::InvalidKey => 8,
        _ => 9,
    };
    out.u8(code);
    let (running, found) = match e {
        V::Rollback { running, found } => (*running, *found),
        _ => (0, 0),
    };
    out.u32(running);
    out.u32(found);
    match e {
        V::Model(d) => write_decode_error(d, out),
        _ => write_decode_error(&DecodeError::Malformed, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(model: &Model) -> std::vec::Vec<u8> {
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        wire::encode_model(model, &mut buf).unwrap().to_vec()
    }

    #[test]
    fn a_compiled_model_replaces_the_builtin_and_a_bad_one_changes_nothing() {
        let mut a = Active::default();
        assert_eq!(a.source(), Source::Builtin);
        let m = BRI_CULTURAL_V1.with_params(silkscore::ModelParams {
            min_coverage: 0.25,
            ..silkscore::ModelParams::DEFAULT
        });
        let m = m.unwrap();
        let bytes = compiled(&m);
        a.load_compiled(&bytes).unwrap();
        assert_eq!((a.model(), a.source()), (&m, Source::Compiled));
        let mut bad = bytes.clone();
        bad.push(0);
        assert_eq!(a.load_compiled(&bad), Err(DecodeError::TrailingBytes));
        assert_eq!(a.model(), &m);
    }

    #[test]
    fn description_layout() {
        let mut buf = [0u8; 2048];
        let mut o = Out::new(&mut buf);
        describe(&BRI_CULTURAL_V1, &mut o);
        let b = o.as_bytes();
        let name = b"bri-cultural-v1";
        assert_eq!(usize::from(b[0]), name.len());
        assert_eq!(&b[1..16], name);
        assert_eq!(
            u32::from_le_bytes(b[16..20].try_into().unwrap()),
            0xa5f1_d3eb
        );
        // within arithmetic, across geometric
        assert_eq!(&b[20..22], &[0, 1]);
        let n_at = 22 + 4 + 4 + 16 + 12;
        assert_eq!(b[n_at], 18);
        // first indicator: talent_exchange, cultural, benefit, log, 0..10000, weight 1
        let id = b"talent_exchange";
        assert_eq!(usize::from(b[n_at + 1]), id.len());
        let at = n_at + 2 + id.len();
        assert_eq!(&b[at..at + 3], &[0, 0, 1]);
        assert_eq!(
            f32::from_le_bytes(b[at + 7..at + 11].try_into().unwrap()),
            10000.0
        );
    }

    #[test]
    fn decode_errors_name_the_field() {
        let mut bytes = compiled(&BRI_CULTURAL_V1);
        // the floor is the f32 after name (1 + 15 bytes), within and across: make it 0
        let at = 1 + 1 + 15 + 2;
        bytes[at..at + 4].copy_from_slice(&0.0f32.to_le_bytes());
        let e = wire::decode_model(&bytes).unwrap_err();
        let mut buf = [0u8; 256];
        let mut o = Out::new(&mut buf);
        write_decode_error(&e, &mut o);
        let b = o.as_bytes();
        assert_eq!(b[0], 8);
        assert_eq!(&b[3..3 + usize::from(b[2])], b"floor");
    }

    #[cfg(feature = "signed-models")]
    #[test]
    fn signed_models_are_verified_and_rollbacks_refused() {
        use silkscore::signed::{self, SigningKey, VerifyError};
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let trusted = key.verifying_key().to_bytes();
        let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
        let env = signed::sign_model(&BRI_CULTURAL_V1, 4, &key, &mut buf)
            .unwrap()
            .to_vec();
        let mut a = Active::default();
        assert_eq!(a.load_signed(&env, &trusted, 3), Ok(4));
        assert_eq!(a.source(), Source::Signed(4));
        assert_eq!(
            a.load_signed(&env, &trusted, 4),
            Err(VerifyError::Rollback {
                running: 4,
                found: 4
            })
        );
        let mut tampered = env.clone();
        tampered[60] ^= 1;
        assert_eq!(
            a.load_signed(&tampered, &trusted, 0),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(a.source(), Source::Signed(4));
    }
}
