//! Signed model updates: the happy path and each refusal, with its own error.
#![cfg(feature = "signed-models")]

use silkscore::signed::{
    self, Envelope, SigningKey, ENVELOPE_HEADER_LEN, ENVELOPE_MAX_SIZE, ENVELOPE_OVERHEAD,
    ENVELOPE_TAG,
};
use silkscore::signed::{SignError, VerifyError};
use silkscore::{wire, DecodeError, ModelParams, BRI_CULTURAL_V1};

fn operator() -> SigningKey {
    SigningKey::from_bytes(&[0x42; 32])
}

fn envelope(revision: u32, key: &SigningKey) -> Vec<u8> {
    let mut buf = [0u8; ENVELOPE_MAX_SIZE];
    signed::sign_model(&BRI_CULTURAL_V1, revision, key, &mut buf)
        .unwrap()
        .to_vec()
}

#[test]
fn happy_path_installs_a_newer_model() {
    let key = operator();
    let env = envelope(5, &key);
    let mut model = [0u8; wire::MODEL_MAX_SIZE];
    let model = wire::encode_model(&BRI_CULTURAL_V1, &mut model).unwrap();
    assert_eq!(env.len(), ENVELOPE_OVERHEAD + model.len());
    assert_eq!(&env[..16], &ENVELOPE_TAG);
    assert_eq!(&env[16..20], &5u32.to_le_bytes());
    assert_eq!(&env[20..52], key.verifying_key().as_bytes());
    assert_eq!(&env[52..54], &(model.len() as u16).to_le_bytes());
    assert_eq!(&env[ENVELOPE_HEADER_LEN..env.len() - 64], model);

    let got = signed::verify(&env, &key.verifying_key(), 0).unwrap();
    assert_eq!(got.revision, 5);
    assert_eq!(got.model, BRI_CULTURAL_V1);
    assert_eq!(got.model.fingerprint(), BRI_CULTURAL_V1.fingerprint());
    assert!(signed::verify(&env, &key.verifying_key(), 4).is_ok());

    // a changed model, signed with a higher revision, replaces it
    let other = BRI_CULTURAL_V1
        .with_params(ModelParams {
            floor: 0.05,
            ..ModelParams::DEFAULT
        })
        .unwrap();
    let mut buf = [0u8; ENVELOPE_MAX_SIZE];
    let env6 = signed::sign_model(&other, 6, &key, &mut buf).unwrap();
    let got = signed::verify(env6, &key.verifying_key(), 5).unwrap();
    assert_eq!((got.revision, got.model), (6, other));
}

#[test]
fn refuses_a_bad_signature() {
    let key = operator();
    let env = envelope(3, &key);
    // a flipped bit in the tag, the revision, the model (a sample: Ed25519 is slow in debug
    // builds) or the signature
    let n = env.len();
    let model_sample = (ENVELOPE_HEADER_LEN..n - 64).step_by(23);
    for i in (0..20).chain(model_sample).chain(n - 64..n) {
        let mut bad = env.clone();
        bad[i] ^= 0x01;
        let err = signed::verify(&bad, &key.verifying_key(), 0).unwrap_err();
        if i < 16 {
            assert_eq!(err, VerifyError::EnvelopeMalformed, "byte {i}");
        } else {
            assert_eq!(err, VerifyError::BadSignature, "byte {i}");
        }
    }
    // a signature copied from another envelope
    let mut bad = env.clone();
    let other = envelope(4, &key);
    let n = bad.len();
    bad[n - 64..].copy_from_slice(&other[other.len() - 64..]);
    assert_eq!(
        signed::verify(&bad, &key.verifying_key(), 0),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn refuses_a_wrong_key() {
    let intruder = SigningKey::from_bytes(&[0x13; 32]);
    let env = envelope(9, &intruder);
    assert_eq!(
        signed::verify(&env, &operator().verifying_key(), 0),
        Err(VerifyError::UntrustedKey)
    );
    // claiming the operator's key does not help: the signature is then wrong
    let mut forged = env.clone();
    forged[20..52].copy_from_slice(operator().verifying_key().as_bytes());
    assert_eq!(
        signed::verify(&forged, &operator().verifying_key(), 0),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn refuses_rollback_and_replay() {
    let key = operator();
    let env = envelope(7, &key);
    let trusted = key.verifying_key();
    // replay of the running revision
    assert_eq!(
        signed::verify(&env, &trusted, 7),
        Err(VerifyError::Rollback {
            running: 7,
            found: 7
        })
    );
    // rollback to an older one
    assert_eq!(
        signed::verify(&env, &trusted, 8),
        Err(VerifyError::Rollback {
            running: 8,
            found: 7
        })
    );
    // a forged revision number breaks the signature
    let mut bumped = env.clone();
    bumped[16..20].copy_from_slice(&100u32.to_le_bytes());
    assert_eq!(
        signed::verify(&bumped, &trusted, 8),
        Err(VerifyError::BadSignature)
    );
    // revision 0 is never signed
    let mut buf = [0u8; ENVELOPE_MAX_SIZE];
    assert!(matches!(
        signed::sign_model(&BRI_CULTURAL_V1, 0, &key, &mut buf),
        Err(SignError::ZeroRevision)
    ));
}

#[test]
fn refuses_truncated_envelopes() {
    let key = operator();
    let env = envelope(2, &key);
    for cut in 0..env.len() {
        assert_eq!(
            signed::verify(&env[..cut], &key.verifying_key(), 0),
            Err(VerifyError::EnvelopeTruncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn refuses_extended_envelopes() {
    let key = operator();
    let mut env = envelope(2, &key);
    for extra in [0x00u8, 0xFF, 0x42] {
        env.push(extra);
        assert_eq!(
            signed::verify(&env, &key.verifying_key(), 0),
            Err(VerifyError::EnvelopeTooLong)
        );
    }
}

#[test]
fn refuses_garbage_and_bad_lengths() {
    let key = operator();
    let trusted = key.verifying_key();
    assert_eq!(
        signed::verify(b"not an envelope at all", &trusted, 0),
        Err(VerifyError::EnvelopeMalformed)
    );
    let mut env = envelope(2, &key);
    env[52..54].copy_from_slice(&0u16.to_le_bytes());
    assert_eq!(
        signed::verify(&env, &trusted, 0),
        Err(VerifyError::EnvelopeMalformed)
    );
    env[52..54].copy_from_slice(&u16::MAX.to_le_bytes());
    assert_eq!(
        signed::verify(&env, &trusted, 0),
        Err(VerifyError::EnvelopeMalformed)
    );
}

#[test]
fn signed_garbage_model_is_refused_after_the_signature() {
    // Bytes that are not a valid model are never signed by `sign` …
    let key = operator();
    let mut out = [0u8; ENVELOPE_MAX_SIZE];
    assert!(signed::sign(&[0x01, 0x02, 0x03], 1, &key, &mut out).is_err());
    // … and a device decoding one anyway (signed by hand) validates it.
    let mut model = [0u8; wire::MODEL_MAX_SIZE];
    let n = wire::encode_model(&BRI_CULTURAL_V1, &mut model)
        .unwrap()
        .len();
    model[0] = 0x02; // unknown format version
    let mut env = Vec::new();
    env.extend_from_slice(&ENVELOPE_TAG);
    env.extend_from_slice(&1u32.to_le_bytes());
    env.extend_from_slice(key.verifying_key().as_bytes());
    env.extend_from_slice(&(n as u16).to_le_bytes());
    env.extend_from_slice(&model[..n]);
    let sig = signed::ed25519::Signer::sign(&key, &env);
    env.extend_from_slice(&sig.to_bytes());
    assert_eq!(
        signed::verify(&env, &key.verifying_key(), 0),
        Err(VerifyError::Model(DecodeError::UnknownVersion { found: 2 }))
    );
}

#[test]
fn envelope_parse_and_buffers() {
    let key = operator();
    let env = envelope(11, &key);
    let parsed = Envelope::parse(&env).unwrap();
    assert_eq!(parsed.revision(), 11);
    assert_eq!(parsed.signer(), key.verifying_key().as_bytes());
    assert!(parsed.verify_signature(&key.verifying_key()).is_ok());
    let mut small = [0u8; 100];
    assert!(matches!(
        signed::sign_model(&BRI_CULTURAL_V1, 1, &key, &mut small),
        Err(SignError::BufferTooSmall { .. })
    ));
    assert_eq!(
        signed::verifying_key(key.verifying_key().as_bytes()),
        Ok(key.verifying_key())
    );
}
