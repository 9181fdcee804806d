//! The `csv` format: the columns of [`CSV_HEADER`] (docs/spec.md §7 first), scores with six
//! decimals, coverage with four, written through the `csv` crate (which quotes as needed).

use std::borrow::ToOwned;
use std::boxed::Box;
use std::format;
use std::io::{self, Write};
use std::string::String;

use super::{Cells, CSV_HEADER};

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
