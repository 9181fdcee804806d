//! Arbitrary bytes as a model message: never panics; the in-place decoder
//! (`Model::decode_into`, behind `wire::decode_model`) agrees with serde and postcard on
//! every input (the same model, fingerprint included, or the same error); a decoded model is
//! valid, re-encodes to a message that decodes to an equal model, and its fingerprint is the
//! CRC of that message; a failed `decode_into` leaves its destination as it was.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::{model::fingerprint_bytes, wire, DecodeError, Model, BRI_CULTURAL_V1};

/// A model's fields as serde's derived `Deserialize` reads them, before validation (the
/// `Deserialize` of `Model` itself validates, and reports a failure as a serde error).
#[derive(serde::Deserialize)]
struct Unchecked {
    name: silkscore::ShortStr<32>,
    params: silkscore::ModelParams,
    indicators: heapless::Vec<silkscore::Indicator, 32, u8>,
}

/// The reference: serde's derived `Deserialize` of the fields through postcard (the version
/// byte first, the body filling the bytes exactly), then `Model::new`'s validation.
fn reference(data: &[u8]) -> Result<Model, DecodeError> {
    let body = match data.split_first() {
        None => return Err(DecodeError::Malformed),
        Some((&silkscore::FORMAT_VERSION, rest)) => rest,
        Some((&found, _)) => return Err(DecodeError::UnknownVersion { found }),
    };
    let (m, rest) =
        postcard::take_from_bytes::<Unchecked>(body).map_err(|_| DecodeError::Malformed)?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes);
    }
    Ok(Model::new(m.name.as_str(), m.params, &m.indicators)?)
}

fuzz_target!(|data: &[u8]| {
    let decoded = wire::decode_model(data);
    assert_eq!(decoded, reference(data), "the two decoders disagree");

    let mut slot = BRI_CULTURAL_V1.clone();
    match slot.decode_into(data) {
        Ok(()) => assert_eq!(Ok(&slot), decoded.as_ref()),
        Err(e) => {
            assert_eq!(Err(e), decoded);
            assert_eq!(slot, BRI_CULTURAL_V1, "a failed decode_into wrote");
        }
    }

    if let Ok(m) = decoded {
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        let bytes = wire::encode_model(&m, &mut buf).expect("a decoded model re-encodes");
        assert_eq!(fingerprint_bytes(bytes), m.fingerprint());
        let again = wire::decode_model(bytes).expect("a re-encoded model decodes");
        assert_eq!(again, m);
        assert!(
            m.with_params(*m.params()).is_ok(),
            "a decoded model validates"
        );
    }
});
