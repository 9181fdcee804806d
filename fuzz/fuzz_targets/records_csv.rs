//! Arbitrary bytes as a CSV records file for the default model
//! (`silkscore_host::records::RecordsReader`): reading and scoring every row never panics,
//! and a row either has a record or a status.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::BRI_CULTURAL_V1;
use silkscore_host::{records::RecordsReader, scoring};

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = RecordsReader::from_reader(data, "fuzz.csv", &BRI_CULTURAL_V1) else {
        return;
    };
    for row in reader.take(256) {
        let Ok(row) = row else {
            break;
        };
        let outcome = scoring::score_row(&BRI_CULTURAL_V1, &row.record);
        if !outcome.is_ok() {
            assert!(!outcome.status().is_empty());
        }
    }
});
