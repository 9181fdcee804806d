//! Arbitrary bytes as a signed-model envelope: verification never panics, and only the
//! envelopes the trusted key really signed are accepted.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use silkscore::signed::{self, SigningKey, ENVELOPE_MAX_SIZE};
use silkscore::BRI_CULTURAL_V1;

/// The key the seed corpus is signed with (`seed` writes the same envelopes).
pub const FUZZ_KEY: [u8; 32] = [7; 32];

fn genuine() -> &'static [Vec<u8>] {
    static G: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    G.get_or_init(|| {
        let key = SigningKey::from_bytes(&FUZZ_KEY);
        (1..=2)
            .map(|rev| {
                let mut buf = [0u8; ENVELOPE_MAX_SIZE];
                signed::sign_model(&BRI_CULTURAL_V1, rev, &key, &mut buf)
                    .unwrap()
                    .to_vec()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&FUZZ_KEY).verifying_key();
    let _ = signed::Envelope::parse(data);
    if let Ok(v) = signed::verify(data, &key, 0) {
        assert!(
            genuine().iter().any(|g| g == data),
            "accepted an envelope nobody signed"
        );
        assert_eq!(v.model, BRI_CULTURAL_V1);
    }
});
