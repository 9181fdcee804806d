//! Tests of the records reader: line numbers, the limits, the refusals, accounting.

use std::borrow::ToOwned;
use std::format;
use std::io::{self, Read};
use std::string::String;
use std::vec::Vec;

use super::{Limits, RecordsReader, Row, RowError};
use crate::HostError;
use silkscore::model::BRI_CULTURAL_V1 as M;

/// Reads every row (and the error that ends the reading, if any).
fn read(text: &[u8]) -> Result<(Vec<Row>, Option<HostError>), HostError> {
    read_with(text, Limits::DEFAULT)
}

fn read_with(text: &[u8], limits: Limits) -> Result<(Vec<Row>, Option<HostError>), HostError> {
    let reader = RecordsReader::builder(&M)
        .limits(limits)
        .from_reader(text, "t.csv")?;
    let mut rows = Vec::new();
    for row in reader {
        match row {
            Ok(r) => rows.push(r),
            Err(e) => return Ok((rows, Some(e))),
        }
    }
    Ok((rows, None))
}

fn lines(rows: &[Row]) -> Vec<u64> {
    rows.iter().map(|r| r.line).collect()
}

fn records_error(e: &HostError) -> (Option<u64>, String) {
    match e {
        HostError::Records { line, message, .. } => (*line, message.clone()),
        other => panic!("not a records error: {other}"),
    }
}

#[test]
fn line_numbers_for_lf_crlf_cr_and_mixed_endings() {
    for (text, want) in [
        (&b"id\n1\n2\n3\n"[..], [2, 3, 4]),
        (b"id\r\n1\r\n2\r\n3\r\n", [2, 3, 4]),
        (b"id\r1\r2\r3", [2, 3, 4]),
        (b"id\r\n1\n2\r3\r\n", [2, 3, 4]),
    ] {
        let (rows, err) = read(text).unwrap();
        assert!(err.is_none());
        assert_eq!(lines(&rows), want, "{:?}", String::from_utf8_lossy(text));
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
    }
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    // Blank lines before the header, between rows (LF and CRLF) and at the end.
    let text = b"\n\r\nid,name\n\n1,a\r\n\r\n\r\n2,b\n\n";
    let reader = RecordsReader::from_reader(&text[..], "t.csv", &M).unwrap();
    assert_eq!(reader.header_line(), 3);
    let rows: Vec<Row> = reader.map(Result::unwrap).collect();
    assert_eq!(lines(&rows), [5, 8]);
    assert_eq!(rows[1].index, 2);
}

#[test]
fn quoted_fields_may_span_lines() {
    let text = b"id,name\r\n1,\"Kashgar\r\nold town\"\r\n2,\"a \"\"b\"\"\nc\n\nd\"\n3,x\n";
    let (rows, err) = read(text).unwrap();
    assert!(err.is_none());
    assert_eq!(lines(&rows), [2, 4, 8]);
    assert_eq!(rows[0].name, "Kashgar\r\nold town");
    assert_eq!(rows[1].name, "a \"b\"\nc\n\nd");
    // After the closing quote the field goes on as written; a quote inside an unquoted
    // field is an ordinary character.
    let (rows, _) = read(b"id,name\n1,\"ab\"c\n2,x\"y\n").unwrap();
    assert_eq!(
        (rows[0].name.as_str(), rows[1].name.as_str()),
        ("abc", "x\"y")
    );
}

#[test]
fn an_unclosed_quote_is_an_error_at_the_line_where_the_field_began() {
    let text = b"id,name\n1,ok\n2,\"never closed\n3,x\n4,y\n";
    let (rows, err) = read(text).unwrap();
    assert_eq!(lines(&rows), [2]);
    let (line, message) = records_error(&err.unwrap());
    assert_eq!(line, Some(3));
    assert!(message.contains("never closed"), "{message}");
    // In the header too, and with CRLF endings.
    let e = read(b"id,\"name\r\n1,2\r\n").unwrap_err();
    assert_eq!(records_error(&e).0, Some(1));
    let (_, err) = read(b"id,name\r\n\r\n1,a\r\n2,b\"\r\n3,\"c\r\n").unwrap();
    assert_eq!(records_error(&err.unwrap()).0, Some(5));
}

#[test]
fn an_over_long_record_is_an_error_naming_its_line() {
    let limits = Limits {
        max_record_bytes: 64,
        ..Limits::DEFAULT
    };
    let long = "x".repeat(100);
    let text = format!("id,name\n1,a\n\n2,{long}\n3,b\n");
    let (rows, err) = read_with(text.as_bytes(), limits).unwrap();
    assert_eq!(lines(&rows), [2]);
    let (line, message) = records_error(&err.unwrap());
    assert_eq!(line, Some(4));
    assert!(message.contains("longer than 64 bytes"), "{message}");
    // Exactly at the limit is fine (the line break counts).
    let fits = format!("id,name\n1,{}\n", "y".repeat(61));
    let (rows, err) = read_with(fits.as_bytes(), limits).unwrap();
    assert!(err.is_none() && rows.len() == 1);
    // The header too.
    let e = read_with(format!("id,{long}\n").as_bytes(), limits).unwrap_err();
    assert_eq!(records_error(&e).0, Some(1));
    // Blank lines count towards the record after them.
    let blanks = format!("id\n{}1\n", "\n".repeat(100));
    let (_, err) = read_with(blanks.as_bytes(), limits).unwrap();
    assert_eq!(records_error(&err.unwrap()).0, Some(2));
}

#[test]
fn the_header_width_is_limited_and_wide_rows_are_counted() {
    let limits = Limits {
        max_columns: 4,
        ..Limits::DEFAULT
    };
    assert!(read_with(b"id,a,b,c\n1,2,3,4\n", limits).is_ok());
    let e = read_with(b"id,a,b,c,d\n1\n", limits).unwrap_err();
    let (line, message) = records_error(&e);
    assert_eq!(line, Some(1));
    assert!(message.contains("more than 4 columns"), "{message}");
    // A data row wider than the header (and than the limit) is a parse:fields row.
    let wide = format!("id,name\n1{}\n2,b\n", ",".repeat(10_000));
    let (rows, err) = read_with(wide.as_bytes(), limits).unwrap();
    assert!(err.is_none());
    assert_eq!(
        rows[0].record,
        Err(RowError::Fields {
            expected: 2,
            found: 10_001
        })
    );
    assert_eq!(rows[0].id, "1");
    assert!(rows[1].record.is_ok());
}

#[test]
fn nul_bytes_are_an_error() {
    let (rows, err) = read(b"id\n1\n2\0\n3\n").unwrap();
    assert_eq!(lines(&rows), [2]);
    let (line, message) = records_error(&err.unwrap());
    assert_eq!(line, Some(3));
    assert!(message.contains("NUL"), "{message}");
    // UTF-16 (with its byte order mark) is refused on the header.
    let utf16: Vec<u8> = "id\n1\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let e = read(&[&[0xFF, 0xFE][..], &utf16].concat()).unwrap_err();
    assert!(records_error(&e).1.contains("NUL"));
}

#[test]
fn a_byte_order_mark_is_dropped() {
    let (rows, err) = read(b"\xEF\xBB\xBFid,name\n1,a\n").unwrap();
    assert!(err.is_none());
    assert_eq!(rows[0].id, "1");
}

#[test]
fn empty_inputs() {
    for text in [&b""[..], b"\n\n\r\n", b"\xEF\xBB\xBF"] {
        let e = read(text).unwrap_err();
        assert!(records_error(&e).1.contains("empty"));
    }
    // A header and nothing else: no rows.
    let (rows, err) = read(b"id,name").unwrap();
    assert!(rows.is_empty() && err.is_none());
}

/// A source of zeros (or any byte) that never ends, counting what was read.
struct Endless {
    byte: u8,
    read: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        buf.fill(self.byte);
        self.read += buf.len() as u64;
        Ok(buf.len())
    }
}

#[test]
fn endless_inputs_end_with_an_error() {
    // /dev/zero: refused at the first byte.
    let mut zeros = Endless { byte: 0, read: 0 };
    let e = RecordsReader::from_reader(&mut zeros, "/dev/zero", &M).unwrap_err();
    assert_eq!(records_error(&e).0, Some(1));
    assert!(zeros.read <= 64 * 1024);
    // An endless line without a line break: refused after one record's worth.
    let mut xs = Endless {
        byte: b'x',
        read: 0,
    };
    let e = RecordsReader::from_reader(&mut xs, "xs", &M).unwrap_err();
    assert_eq!(records_error(&e).0, Some(1));
    assert!(xs.read <= Limits::DEFAULT.max_record_bytes as u64 + 64 * 1024);
    // Endless blank lines after the header.
    let mut blank = io::Cursor::new(b"id\n".to_vec()).chain(Endless {
        byte: b'\n',
        read: 0,
    });
    let mut reader = RecordsReader::from_reader(&mut blank, "blank", &M).unwrap();
    let e = reader.next().unwrap().unwrap_err();
    assert_eq!(records_error(&e).0, Some(2));
    assert!(reader.next().is_none());
}

#[test]
fn a_50_mb_line_is_refused_after_one_mib() {
    let mut text = b"id,name\n1,".to_vec();
    text.resize(text.len() + 50 * 1024 * 1024, b'a');
    text.extend_from_slice(b"\n2,b\n");
    let mut source = Counting {
        inner: &text[..],
        read: 0,
    };
    let mut reader = RecordsReader::from_reader(&mut source, "big.csv", &M).unwrap();
    let (line, message) = records_error(&reader.next().unwrap().unwrap_err());
    assert_eq!(line, Some(2));
    assert!(message.contains("longer than 1048576 bytes"), "{message}");
    assert!(reader.next().is_none());
    // It stopped reading soon after the limit, holding at most one record.
    assert!(source.read <= (1 << 20) + 2 * 64 * 1024, "{}", source.read);
    // With the limit raised, the line is a row.
    let mut reader = RecordsReader::builder(&M)
        .max_record_bytes(64 << 20)
        .from_reader(&text[..], "big.csv")
        .unwrap();
    let row = reader.next().unwrap().unwrap();
    assert_eq!((row.line, row.name.len()), (2, 50 * 1024 * 1024));
    assert_eq!(reader.next().unwrap().unwrap().line, 3);
}

struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[test]
fn io_errors_end_the_reading() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let mut source = io::Cursor::new(b"id\n1\n".to_vec()).chain(Failing);
    let mut reader = RecordsReader::from_reader(&mut source, "t.csv", &M).unwrap();
    assert!(reader.next().unwrap().is_ok());
    assert!(matches!(reader.next(), Some(Err(HostError::Io { .. }))));
    assert!(reader.next().is_none());
}

#[test]
fn every_row_has_a_status_in_spec_order() {
    let head = M
        .indicators()
        .iter()
        .map(|i| i.id.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(",");
    let full = vec!["1"; M.len()].join(",");
    let mut nan = vec!["1"; M.len()];
    nan[0] = "NaN";
    let text = format!(
        "id,name,{head}\n7,ok,{full}\nx,bad id,{full}\n8,short\n9,nan,{}\n10,empty,{}\n",
        nan.join(","),
        vec![""; M.len()].join(",")
    );
    let (rows, err) = read(text.as_bytes()).unwrap();
    assert!(err.is_none());
    let statuses: Vec<String> = rows
        .iter()
        .map(|r| crate::scoring::score_row(&M, &r.record).status())
        .collect();
    let first = M.indicators()[0].id.as_str();
    assert_eq!(
        statuses,
        [
            "ok".to_owned(),
            "parse:id".to_owned(),
            "parse:fields".to_owned(),
            format!("non_finite:{first}"),
            "insufficient_data:cultural".to_owned(),
        ]
    );
    assert_eq!(lines(&rows), [2, 3, 4, 5, 6]);
}

/// A small deterministic generator for the differential tests.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Random CSV-ish bytes built from the pieces that matter to the grammar.
    pub(crate) fn hostile_csv(&mut self, pieces: usize) -> Vec<u8> {
        const PIECES: &[&[u8]] = &[
            b",",
            b",",
            b",",
            b"\n",
            b"\n",
            b"\r\n",
            b"\r",
            b"\"",
            b"\"\"",
            b"1",
            b"2.5",
            b"-3e4",
            b"NaN",
            b"inf",
            b"1e40",
            b" 7 ",
            b"x",
            b"abc",
            b"\xff\xfe",
            b"\xc3\xa9",
            b"\0",
            b"\t",
            b"\n\n",
            b"\"a,b\"",
            b"\"a\nb\"",
            b"\"q\"\"q\"",
            b"\"x\"y",
            b"",
            b"4294967295",
            b"4294967296",
            b"+5",
            b"\xef\xbb\xbf",
        ];
        let mut out = Vec::new();
        for _ in 0..pieces {
            let p = PIECES[self.below(PIECES.len() as u64) as usize];
            out.extend_from_slice(p);
        }
        out
    }
}

/// A source that hands out its bytes in pieces of random sizes.
struct Pieces<'a> {
    data: &'a [u8],
    rng: Rng,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.rng.below(7) as usize + 1)
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Every data record as (line, field count, kept fields), then the error, by the byte-by-byte
/// framer.
type Framed = (Vec<(u64, usize, Vec<Vec<u8>>)>, Option<String>);

fn frame_slow(data: &[u8], limits: Limits, keep: usize, rng: u64) -> Framed {
    use super::frame::{Framer, RawRecord};
    let source = Pieces {
        data,
        rng: Rng(rng),
    };
    let mut f = Framer::new(source, limits);
    let mut raw = RawRecord::default();
    // The header, as the reader reads it.
    if let Err(e) = f.next_record(&mut raw, true) {
        return (Vec::new(), Some(format!("{e}")));
    }
    f.keep_fields(keep);
    let mut out = Vec::new();
    loop {
        match f.next_record(&mut raw, false) {
            Ok(true) => out.push((
                raw.line,
                raw.len(),
                raw.iter().map(<[u8]>::to_vec).collect(),
            )),
            Ok(false) => return (out, None),
            Err(e) => return (out, Some(format!("{e}"))),
        }
    }
}

fn frame_fast(data: &[u8], limits: Limits, keep: usize, rng: u64, target: usize) -> Framed {
    use super::frame::Framer;
    let source = Pieces {
        data,
        rng: Rng(rng),
    };
    // Start as the reader does: from a framer that has read the header.
    let mut f = Framer::new(source, limits);
    if let Err(e) = f.next_record(&mut super::frame::RawRecord::default(), true) {
        return (Vec::new(), Some(format!("{e}")));
    }
    let (source, pending, line, after_cr, eof) = f.into_parts();
    let mut s = super::scan::Scanner::resume(source, limits, pending, line, after_cr, eof);
    let mut out = Vec::new();
    let (mut bytes, mut ends) = (Vec::new(), Vec::new());
    while let Some(block) = s.next_block(target) {
        for span in &block.spans {
            let rec = &block.data[span.start..span.end];
            let n = super::scan::split(rec, span.quoted, keep, &mut bytes, &mut ends);
            let mut fields = Vec::new();
            let mut start = 0;
            for &e in &ends {
                if span.quoted {
                    fields.push(bytes[start..e].to_vec());
                    start = e;
                } else {
                    fields.push(rec[start..e].to_vec());
                    start = e + 1;
                }
            }
            out.push((span.line, n, fields));
        }
        if let Some(e) = block.end {
            return (out, Some(format!("{e}")));
        }
    }
    (out, None)
}

/// The fast framer reads exactly what the byte-by-byte one reads: records, fields, line
/// numbers and errors, on generated hostile inputs, small limits and every block size.
#[test]
fn the_fast_framer_equals_the_byte_by_byte_one() {
    let mut rng = Rng(7);
    let mut differences = Vec::new();
    for case in 0..2500 {
        let pieces = 1 + rng.below(60) as usize;
        let data = rng.hostile_csv(pieces);
        let limits = Limits {
            max_record_bytes: 1 + rng.below(if case % 2 == 0 { 40 } else { 4000 }) as usize,
            max_columns: 64,
        };
        let keep = 1 + rng.below(6) as usize;
        let seed = rng.next();
        let target = 1 + rng.below(96) as usize;
        let slow = frame_slow(&data, limits, keep, seed);
        let fast = frame_fast(&data, limits, keep, seed, target);
        if slow != fast {
            differences.push(format!(
                "case {case}: {:?} (limit {}, keep {keep}, block {target}):\n slow {slow:?}\n fast {fast:?}",
                String::from_utf8_lossy(&data),
                limits.max_record_bytes
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences, the first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
}

/// The fast number paths give exactly what `str::parse` gives, or leave the cell to it.
#[test]
fn fast_numbers_equal_str_parse() {
    let mut rng = Rng(11);
    let alphabet = b"0123456789.-e+";
    let mut taken = 0;
    for case in 0..300_000 {
        let len = 1 + rng.below(if case % 3 == 0 { 20 } else { 11 }) as usize;
        let cell: Vec<u8> = (0..len)
            .map(|i| {
                let k = match rng.below(20) {
                    0 if i > 0 => 12,
                    1 if i > 1 => 13,
                    2 if i == 0 => 11,
                    3 => 10,
                    _ => rng.below(10) as usize,
                };
                alphabet[k]
            })
            .collect();
        let s = core::str::from_utf8(&cell).unwrap();
        if let Some(v) = super::fast_f32(&cell) {
            taken += 1;
            let want: f32 = s.parse().unwrap_or_else(|_| panic!("{s:?} is not an f32"));
            assert_eq!(v.to_bits(), want.to_bits(), "{s:?}");
        }
        if let Some(v) = super::fast_u32(&cell) {
            assert_eq!(Ok(v), s.parse::<u32>(), "{s:?}");
        }
    }
    assert!(taken > 50_000, "the fast path took only {taken} cells");
    // Every f32 printed as Rust prints it (shortest round trip, and in exponent form).
    for _ in 0..200_000 {
        let v = f32::from_bits(rng.next() as u32);
        for s in [format!("{v}"), format!("{v:e}"), format!("{v:.3}")] {
            if let Some(got) = super::fast_f32(s.as_bytes()) {
                let want: f32 = s.parse().unwrap();
                assert_eq!(got.to_bits(), want.to_bits(), "{s:?}");
            }
        }
    }
    let some = [
        "-.5",
        ".5",
        "5.",
        "-0",
        "0",
        "16777216",
        "0.0000000001",
        "9999999",
        "1234.5677",
        "-.5e3",
        "1e3",
        "5.056098e7",
        "3.4028235e15",
        "1.17549435e-14",
        "0.12345678901",
        "0.74713326",
    ];
    for s in some {
        let v = super::fast_f32(s.as_bytes()).unwrap_or_else(|| panic!("{s:?}"));
        assert_eq!(v.to_bits(), s.parse::<f32>().unwrap().to_bits(), "{s}");
    }
    // Halfway between two f32 (2^24 + 1 and the same value written otherwise): left to
    // str::parse, as is anything outside the grammar or the normal range.
    let none = [
        "16777217",
        "1.6777217e7",
        "167772170e-1",
        "5.056099e7",
        "-",
        ".",
        "-.",
        "",
        " 1",
        "+1",
        "1_0",
        "--1",
        "1e",
        "1e+",
        "1e40",
        "1e-46",
        "1e99999",
        "inf",
        "NaN",
        "1e-39",
    ];
    for s in none {
        assert_eq!(super::fast_f32(s.as_bytes()), None, "{s:?}");
    }
}
