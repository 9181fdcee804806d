//! Every row of a records file is accounted for (docs/spec.md §7, §8): arbitrary bytes (up to
//! 1 MiB) read with `silkscore_host::records::RecordsReader`, with the default limits and
//! with tight ones, give rows that are scored or carry a status, or end with an error that
//! names a line. Checked against an independent count of the records by `csv-core`:
//!
//! * without an error, the reader's rows are exactly csv-core's records less the header;
//! * with an error, it names a line within the input, at or after the last row read;
//! * row lines increase strictly, come after the header's, and lie within the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::BRI_CULTURAL_V1 as M;
use silkscore_host::records::{Limits, RecordsReader};
use silkscore_host::{scoring, HostError};

/// Lines of the input: 1 + line breaks, a line break being `\n`, `\r\n` or a lone `\r`.
fn lines(data: &[u8]) -> u64 {
    let mut n = 1;
    for (i, b) in data.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r' if data.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

/// Records as csv-core reads them (blank lines skipped, an open quote closed by the end).
fn csv_core_records(data: &[u8]) -> u64 {
    let mut reader = csv_core::Reader::new();
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 1024];
    let mut input = data;
    let mut records = 0;
    loop {
        let (result, nin, _, _) = reader.read_record(input, &mut out, &mut ends);
        input = &input[nin..];
        match result {
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => records += 1,
            csv_core::ReadRecordResult::End => return records,
        }
    }
}

fn check(data: &[u8], limits: Limits) {
    let total = lines(data);
    let error_line = |e: &HostError| -> u64 {
        match e {
            HostError::Records { line: Some(l), .. } => *l,
            other => panic!("an error without a line: {other}"),
        }
    };
    let reader = match RecordsReader::builder(&M)
        .limits(limits)
        .from_reader(data, "fuzz.csv")
    {
        Ok(r) => r,
        Err(e) => {
            let l = error_line(&e);
            assert!(
                (1..=total).contains(&l),
                "header error on line {l} of {total}: {e}"
            );
            return;
        }
    };
    let header_line = reader.header_line();
    assert!((1..=total).contains(&header_line));
    let mut last = header_line;
    let mut rows = 0u64;
    let mut error = None;
    for row in reader {
        match row {
            Ok(row) => {
                rows += 1;
                assert_eq!(row.index, rows);
                assert!(
                    row.line > last && row.line <= total,
                    "row line {} after {last} of {total}",
                    row.line
                );
                last = row.line;
                let outcome = scoring::score_row(&M, &row.record);
                let status = outcome.status();
                assert!(outcome.is_ok() == (status == "ok") && !status.is_empty());
            }
            Err(e) => {
                let l = error_line(&e);
                assert!(
                    l >= last && l <= total,
                    "error on line {l} after row line {last} of {total}: {e}"
                );
                error = Some(e);
            }
        }
    }
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let expected = csv_core_records(body).saturating_sub(1);
    match error {
        None => assert_eq!(
            rows, expected,
            "rows read vs csv-core's records less the header"
        ),
        Some(_) => assert!(rows <= expected),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 1 << 20 {
        return;
    }
    check(data, Limits::DEFAULT);
    check(
        data,
        Limits {
            max_record_bytes: 200,
            max_columns: 24,
        },
    );
});
