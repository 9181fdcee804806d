//! Arbitrary text as a TOML model file (`silkscore_host::model_file::parse`): never panics,
//! and a model that parses is written back by `to_toml` to a file that parses to the same
//! model (same fingerprint).
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore_host::model_file;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = model_file::parse(text, "fuzz.toml") {
        let again = model_file::to_toml(&m);
        let back = model_file::parse(&again, "again.toml").expect("to_toml output parses");
        assert_eq!(back, m);
        assert_eq!(back.fingerprint(), m.fingerprint());
    }
});
