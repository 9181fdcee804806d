//! Arbitrary bytes as a record message: never panics; a decoded record re-encodes to a
//! message that decodes to the same bytes again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = wire::decode_record(data) {
        let mut buf = [0u8; wire::RECORD_MAX_SIZE];
        let bytes = wire::encode_record(&r, &mut buf).expect("a decoded record re-encodes");
        let again = wire::decode_record(bytes).expect("a re-encoded record decodes");
        let mut buf2 = [0u8; wire::RECORD_MAX_SIZE];
        assert_eq!(wire::encode_record(&again, &mut buf2).unwrap(), bytes);
    }
});
