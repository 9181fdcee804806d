//! Writing scored rows: row writers for the `csv`, `json` and `table` formats. Every writer
//! streams: it writes each row as it gets it. Scoring a row is [`crate::scoring`]; its items
//! are re-exported here for existing callers.
//!
//! * **csv** ([`csv`](mod@self::csv)) — the columns
//!   `id,cultural,economic,security,composite,grade,status` (docs/spec.md §7), then
//!   `name,cultural_coverage,economic_coverage,security_coverage`. Scores have six decimals,
//!   coverage four. A failed row has empty score and grade columns (and empty coverage when
//!   the row did not parse).
//! * **json** ([`json`]) — one JSON array of objects, written one object per line as rows
//!   arrive: `{"id":7,"name":"…","cultural":70.415929,"economic":…,"security":…,
//!   "composite":…,"grade":"B","status":"ok","coverage":{"cultural":1.0000,…}}`. `id` is a
//!   number, or the cell as a string when it is not a valid u32 (status `parse:id`); a failed
//!   row has `null` scores and grade.
//! * **table** ([`table`]) — an aligned table for people, two decimals, names cut to 36
//!   terminal columns, and a summary line (rows, failures, grade counts) at the end.
//!
//! ```
//! use silkscore_host::output::{Format, OutputRow, RowWriter};
//! use silkscore_host::scoring::score_row;
//! use silkscore::{Record, BRI_CULTURAL_V1 as M};
//! let record = Record::from_values(7, &[Some(1.0); 18]).unwrap();
//! let outcome = score_row(&M, &Ok(record));
//! assert_eq!(outcome.status(), "ok");
//!
//! let mut out = RowWriter::new(Format::Csv, Vec::new());
//! out.begin().unwrap();
//! out.write_row(&OutputRow { id: "7", name: "Kazan crafts academy", outcome: &outcome }).unwrap();
//! let text = String::from_utf8(out.finish().unwrap()).unwrap();
//! assert!(text.starts_with("id,cultural,economic,security,composite,grade,status,name,"));
//! assert!(text.lines().nth(1).unwrap().starts_with("7,"));
//! ```

use core::fmt;
use core::str::FromStr;
use std::format;
use std::io::{self, Write};
use std::string::String;

use crate::records::Row;
use silkscore::score::{Grade, Scores};

pub mod csv;
pub mod fixed;
pub mod json;
pub mod table;

use crate::scoring::Outcome;

/// An output format of `silkscore score`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// CSV, the docs/spec.md §7 columns first (the default).
    #[default]
    Csv,
    /// One JSON array of objects, one object per line.
    Json,
    /// An aligned, human-readable table.
    Table,
}

impl Format {
    /// All formats.
    pub const ALL: [Format; 3] = [Format::Csv, Format::Json, Format::Table];

    /// `csv`, `json` or `table`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Table => "table",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown format `{s}`, expected csv, json or table"))
    }
}

/// One row to write: the input's id and name cells and the outcome.
#[derive(Clone, Copy, Debug)]
pub struct OutputRow<'a> {
    /// The id cell as written in the input.
    pub id: &'a str,
    /// The full name (empty when the input has none).
    pub name: &'a str,
    /// The scores or failure.
    pub outcome: &'a Outcome,
}

impl<'a> OutputRow<'a> {
    /// The output row for an input row and its outcome.
    pub fn new(row: &'a Row, outcome: &'a Outcome) -> Self {
        OutputRow {
            id: &row.id,
            name: &row.name,
            outcome,
        }
    }
}

/// Counts of what a [`RowWriter`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rows written.
    pub rows: u64,
    /// Rows without scores.
    pub failed: u64,
    /// Scored rows per grade, A to E.
    pub grades: [u64; 5],
}

/// The CSV header of [`Format::Csv`].
pub const CSV_HEADER: [&str; 11] = [
    "id",
    "cultural",
    "economic",
    "security",
    "composite",
    "grade",
    "status",
    "name",
    "cultural_coverage",
    "economic_coverage",
    "security_coverage",
];

enum Inner<W: Write> {
    Csv(csv::CsvRows<W>),
    Json(json::JsonRows<W>),
    Table(table::TableRows<W>),
}

/// Writes scored rows in one [`Format`] to `W`, streaming. Call [`RowWriter::begin`] once,
/// [`RowWriter::write_row`] per row, then [`RowWriter::finish`] (which flushes and returns
/// `W`). CSV is buffered by the writer itself; wrap other sinks in a `BufWriter`.
pub struct RowWriter<W: Write> {
    inner: Inner<W>,
    tally: Tally,
}

impl<W: Write> fmt::Debug for RowWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowWriter")
            .field("format", &self.format())
            .field("tally", &self.tally)
            .finish()
    }
}

impl<W: Write> RowWriter<W> {
    /// A writer of `format` to `out`.
    pub fn new(format: Format, out: W) -> Self {
        let inner = match format {
            Format::Csv => Inner::Csv(csv::CsvRows::new(out)),
            Format::Json => Inner::Json(json::JsonRows::new(out)),
            Format::Table => Inner::Table(table::TableRows::new(out)),
        };
        RowWriter {
            inner,
            tally: Tally::default(),
        }
    }

    /// A writer of rows that belong in the middle of an output begun elsewhere (for writers
    /// that format rows in parallel, [`crate::pipeline`]): no header, and in JSON every row
    /// starts with the `,` that separates it from a row before it (drop it before the first
    /// row of the array). End it with [`RowWriter::into_fragment`].
    pub fn fragment(format: Format, out: W, names: bool) -> Self {
        let inner = match format {
            Format::Csv => Inner::Csv(csv::CsvRows::new(out)),
            Format::Json => Inner::Json(json::JsonRows::after_rows(out)),
            Format::Table => Inner::Table(table::TableRows::new(out)),
        };
        RowWriter {
            inner,
            tally: Tally::default(),
        }
        .with_names(names)
    }

    /// Flushes a [`RowWriter::fragment`] (or any writer) and returns the sink, without
    /// writing the end of the output.
    pub fn into_fragment(self) -> io::Result<W> {
        match self.inner {
            Inner::Csv(w) => w.into_inner(),
            Inner::Json(w) => w.into_inner(),
            Inner::Table(w) => w.into_inner(),
        }
    }

    /// Writes the end of an output whose rows were written elsewhere, with their `tally`
    /// (the table's summary counts them; JSON closes the array after them, if any), flushes
    /// and returns the sink.
    pub fn finish_after(mut self, tally: Tally) -> io::Result<W> {
        self.tally = tally;
        if let Inner::Json(w) = &mut self.inner {
            w.set_rows_written(tally.rows > 0);
        }
        self.finish()
    }

    /// Counts one row written elsewhere (for [`RowWriter::finish_after`] and the tallies of
    /// parallel writers).
    pub fn count(tally: &mut Tally, outcome: &Outcome) {
        tally.rows += 1;
        match &outcome.result {
            Ok(s) => {
                if let Some(g) = tally.grades.get_mut(grade_index(s.grade)) {
                    *g += 1;
                }
            }
            Err(_) => tally.failed += 1,
        }
    }

    /// The format it writes.
    pub fn format(&self) -> Format {
        match self.inner {
            Inner::Csv(_) => Format::Csv,
            Inner::Json(_) => Format::Json,
            Inner::Table(_) => Format::Table,
        }
    }

    /// Whether the table has a name column (default true; set it false when the input has
    /// no `name` column). Only the table format uses it: CSV and JSON always carry `name`.
    pub fn with_names(mut self, names: bool) -> Self {
        if let Inner::Table(t) = &mut self.inner {
            t.set_names(names);
        }
        self
    }

    /// What has been written so far.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// Writes the header (CSV header, `[` of the JSON array, table heading).
    pub fn begin(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Csv(w) => w.begin(),
            Inner::Json(w) => w.begin(),
            Inner::Table(w) => w.begin(),
        }
    }

    /// Writes one row.
    pub fn write_row(&mut self, row: &OutputRow<'_>) -> io::Result<()> {
        Self::count(&mut self.tally, row.outcome);
        let status = row.outcome.status();
        let scores = row.outcome.result.as_ref().ok();
        let cells = Cells {
            row,
            status: &status,
            scores,
        };
        match &mut self.inner {
            Inner::Csv(w) => w.write(&cells),
            Inner::Json(w) => w.write(&cells),
            Inner::Table(w) => w.write(&cells),
        }
    }

    /// Writes the end (`]` of the JSON array, the table's summary), flushes and returns the
    /// sink.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            Inner::Csv(w) => w.finish(),
            Inner::Json(w) => w.finish(),
            Inner::Table(w) => w.finish(&self.tally),
        }
    }
}

/// What every writer needs of a row: the row, its status string and its scores, if any.
struct Cells<'r, 'a> {
    row: &'r OutputRow<'a>,
    status: &'r str,
    scores: Option<&'r Scores>,
}

impl Cells<'_, '_> {
    /// The coverage of connotation `k`, when the row parsed.
    fn coverage(&self, k: usize) -> Option<f32> {
        self.row.outcome.coverage.and_then(|c| c.get(k).copied())
    }
}

const fn grade_index(g: Grade) -> usize {
    match g {
        Grade::A => 0,
        Grade::B => 1,
        Grade::C => 2,
        Grade::D => 3,
        Grade::E => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(RowWriter::new(f, std::vec::Vec::new()).format(), f);
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
