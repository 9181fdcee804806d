//! The `csv` format: the columns of [`CSV_HEADER`] (docs/spec.md §7 first), scores with six
//! decimals, coverage with four, written through the `csv` crate (which quotes as needed).

use std::borrow::ToOwned;
use std::boxed::Box;
use std::format;
use std::io::{self, Write};
use std::string::String;

use super::fixed::push_fixed;
use super::{Cells, CSV_HEADER};
use crate::scoring::Outcome;

/// The CSV row writer behind [`super::RowWriter`].
pub(super) struct CsvRows<W: Write>(Box<csv::Writer<W>>);

impl<W: Write> CsvRows<W> {
    pub(super) fn new(out: W) -> Self {
        CsvRows(Box::new(csv::WriterBuilder::new().from_writer(out)))
    }

    pub(super) fn begin(&mut self) -> io::Result<()> {
        self.0.write_record(CSV_HEADER).map_err(csv_io)
    }

    pub(super) fn write(&mut self, c: &Cells<'_, '_>) -> io::Result<()> {
        let num = |v: Option<f32>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
        let cov = |k: usize| c.coverage(k).map(|v| format!("{v:.4}")).unwrap_or_default();
        let s = c.scores;
        let record: [String; 11] = [
            c.row.id.to_owned(),
            num(s.map(|s| s.cultural)),
            num(s.map(|s| s.economic)),
            num(s.map(|s| s.security)),
            num(s.map(|s| s.composite)),
            s.map(|s| s.grade.as_str().to_owned()).unwrap_or_default(),
            c.status.to_owned(),
            c.row.name.to_owned(),
            cov(0),
            cov(1),
            cov(2),
        ];
        self.0.write_record(&record).map_err(csv_io)
    }

    /// Flushes and returns the sink (CSV has no end to write).
    pub(super) fn into_inner(self) -> io::Result<W> {
        self.finish()
    }

    pub(super) fn finish(self) -> io::Result<W> {
        self.0.into_inner().map_err(|e| {
            let kind = e.error().kind();
            io::Error::new(kind, format!("{}", e.error()))
        })
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    let msg = format!("{e}");
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other(msg),
    }
}

/// Appends one row exactly as [`super::RowWriter`] writes it in the csv format (the `csv`
/// crate's quoting: a field with a comma, a quote or a line break is quoted, its quotes
/// doubled; fixed decimals as `format!`), without `format!` or a CSV writer: for the
/// parallel writers of [`crate::pipeline`].
pub fn push_row(out: &mut std::vec::Vec<u8>, id: &str, name: &str, outcome: &Outcome) {
    push_field(out, id.as_bytes());
    let s = outcome.result.as_ref().ok();
    for v in [
        s.map(|s| s.cultural),
        s.map(|s| s.economic),
        s.map(|s| s.security),
        s.map(|s| s.composite),
    ] {
        out.push(b',');
        if let Some(v) = v {
            push_fixed(out, v, 6);
        }
    }
    out.push(b',');
    if let Some(s) = s {
        out.extend_from_slice(s.grade.as_str().as_bytes());
    }
    out.push(b',');
    match &outcome.result {
        Ok(_) => out.extend_from_slice(b"ok"),
        Err(f) => push_field(out, format!("{f}").as_bytes()),
    }
    out.push(b',');
    push_field(out, name.as_bytes());
    for k in 0..3 {
        out.push(b',');
        if let Some(v) = outcome.coverage.and_then(|c| c.get(k).copied()) {
            push_fixed(out, v, 4);
        }
    }
    out.push(b'\n');
}

/// Appends a field, quoted when it holds a comma, a quote or a line break.
fn push_field(out: &mut std::vec::Vec<u8>, field: &[u8]) {
    if memchr::memchr3(b',', b'"', b'\n', field).is_none() && memchr::memchr(b'\r', field).is_none()
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}
