//! Arbitrary bytes as a scores message: never panics; decoded scores are in range and
//! round-trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = wire::decode_scores(data) {
        for v in s.values() {
            assert!((0.0..=100.0).contains(&v), "index {v} out of range");
        }
        assert!(s.basis_points.iter().all(|b| *b <= 10000));
        assert!(s.coverage.iter().all(|c| (0.0..=1.0).contains(c)));
        let mut buf = [0u8; wire::SCORES_MAX_SIZE];
        let bytes = wire::encode_scores(&s, &mut buf).expect("decoded scores re-encode");
        assert_eq!(wire::decode_scores(bytes), Ok(s));
    }
});
