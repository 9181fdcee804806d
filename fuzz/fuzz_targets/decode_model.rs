//! Arbitrary bytes as a model message: never panics; a decoded model is valid, re-encodes to
//! a message that decodes to an equal model, and its fingerprint is the CRC of that message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::{model::fingerprint_bytes, wire};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = wire::decode_model(data) {
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
