//! Scoring rows and writing them: the status strings of SPEC §7 and row writers for the `csv`,
//! `json` and `table` formats. Every writer streams: it writes each row as it gets it.
//!
//! * **csv** — the columns `id,cultural,economic,security,composite,grade,status` (SPEC §7),
//!   then `name,cultural_coverage,economic_coverage,security_coverage`. Scores have six
//!   decimals, coverage four. A failed row has empty score and grade columns (and empty
//!   coverage when the row did not parse).
//! * **json** — one JSON array of objects, written one object per line as rows arrive:
//!   `{"id":7,"name":"…","cultural":70.415929,"economic":…,"security":…,"composite":…,
//!   "grade":"B","status":"ok","coverage":{"cultural":1.0,…}}`. `id` is a number, or the cell
//!   as a string when it is not a valid u32 (status `parse:id`); a failed row has `null`
//!   scores and grade.
//! * **table** — an aligned table for people, two decimals, names cut to 36 columns, and a
//!   summary line (rows, failures, grade counts) at the end.
//!
//! ```
//! use silkscore_host::output::{score_row, Format, OutputRow, RowWriter};
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

use core::fmt::{self, Write as _};
use core::str::FromStr;
use std::borrow::ToOwned;
use std::format;
use std::io::{self, Write};
use std::string::String;

use super::records::{Row, RowError};
use silkscore::error::ScoreError;
use silkscore::model::{Connotation, Model};
use silkscore::record::Record;
use silkscore::score::{Grade, Scorer, Scores};

/// An output format of `silkscore score`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// CSV, the SPEC §7 columns first (the default).
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

/// Why a row has no scores.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Failure {
    /// The row did not parse (`parse:COLUMN`, `parse:fields`).
    Row(RowError),
    /// A value is NaN or infinite (`non_finite:INDICATOR`, the first in model order).
    NonFinite {
        /// The indicator id.
        indicator: String,
    },
    /// A connotation's coverage is below the model's minimum (`insufficient_data:CONNOTATION`).
    InsufficientData {
        /// The first connotation (cultural, economic, security) that failed.
        connotation: Connotation,
    },
    /// Any other scoring error (not expected from a record read for the same model).
    Other(ScoreError),
}

impl fmt::Display for Failure {
    /// The status string of SPEC §7 (`parse:heritage_items`, `non_finite:talent_exchange`,
    /// `insufficient_data:security`, …).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Row(e) => write!(f, "{e}"),
            Failure::NonFinite { indicator } => write!(f, "non_finite:{indicator}"),
            Failure::InsufficientData { connotation } => {
                write!(f, "insufficient_data:{}", connotation.as_str())
            }
            Failure::Other(e) => write!(f, "error:{}", e.as_str().replace(' ', "_")),
        }
    }
}

impl Failure {
    /// The failure of a scoring error, naming the indicator by its id in `model`.
    pub fn from_error(model: &Model, e: ScoreError) -> Self {
        match e {
            ScoreError::NonFiniteValue { indicator } => Failure::NonFinite {
                indicator: model
                    .indicators()
                    .get(usize::from(indicator))
                    .map_or_else(|| format!("{indicator}"), |i| i.id.as_str().to_owned()),
            },
            ScoreError::InsufficientData { connotation } => {
                Failure::InsufficientData { connotation }
            }
            other => Failure::Other(other),
        }
    }
}

/// The result of scoring one row, with its coverage.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The scores, or why there are none.
    pub result: Result<Scores, Failure>,
    /// Coverage of cultural, economic and security (present weight over total weight), when
    /// the row parsed; also for rows that failed scoring, so an `insufficient_data` row shows
    /// which connotation fell short.
    pub coverage: Option<[f32; 3]>,
}

impl Outcome {
    /// `ok`, or the failure's status string (SPEC §7).
    pub fn status(&self) -> String {
        match &self.result {
            Ok(_) => "ok".to_owned(),
            Err(f) => format!("{f}"),
        }
    }

    /// Whether the row was scored.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// Scores a parsed row (SPEC §8 order: parse errors first, then `non_finite`, then
/// `insufficient_data`).
pub fn score_row(model: &Model, record: &Result<Record, RowError>) -> Outcome {
    score_row_with(&Scorer::new(model), record)
}

/// [`score_row`] with a model prepared once for many rows (the same results, faster).
pub fn score_row_with(scorer: &Scorer<'_>, record: &Result<Record, RowError>) -> Outcome {
    let model = scorer.model();
    match record {
        Err(e) => Outcome {
            result: Err(Failure::Row(e.clone())),
            coverage: None,
        },
        Ok(r) => match scorer.score(r) {
            Ok(s) => Outcome {
                coverage: Some(s.coverage),
                result: Ok(s),
            },
            Err(e) => Outcome {
                result: Err(Failure::from_error(model, e)),
                coverage: Some(coverage(model, r)),
            },
        },
    }
}

/// Coverage per connotation (SPEC §4): present weight over total weight (0 when the total is
/// 0).
pub fn coverage(model: &Model, record: &Record) -> [f32; 3] {
    let mut present = [0.0f32; 3];
    let mut total = [0.0f32; 3];
    for (i, ind) in model.indicators().iter().enumerate() {
        let c = ind.connotation.index();
        if let Some(t) = total.get_mut(c) {
            *t += ind.weight;
        }
        if record.get(i).is_some() {
            if let Some(p) = present.get_mut(c) {
                *p += ind.weight;
            }
        }
    }
    let mut out = [0.0f32; 3];
    for ((o, p), t) in out.iter_mut().zip(present).zip(total) {
        *o = if t > 0.0 { p / t } else { 0.0 };
    }
    out
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

const NAME_WIDTH: usize = 36;

enum Inner<W: Write> {
    Csv(std::boxed::Box<csv::Writer<W>>),
    Json { out: W, first: bool },
    Table { out: W, names: bool },
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
        let format = match self.inner {
            Inner::Csv(_) => Format::Csv,
            Inner::Json { .. } => Format::Json,
            Inner::Table { .. } => Format::Table,
        };
        f.debug_struct("RowWriter")
            .field("format", &format)
            .field("tally", &self.tally)
            .finish()
    }
}

impl<W: Write> RowWriter<W> {
    /// A writer of `format` to `out`.
    pub fn new(format: Format, out: W) -> Self {
        let inner = match format {
            Format::Csv => Inner::Csv(std::boxed::Box::new(
                csv::WriterBuilder::new().from_writer(out),
            )),
            Format::Json => Inner::Json { out, first: true },
            Format::Table => Inner::Table { out, names: true },
        };
        RowWriter {
            inner,
            tally: Tally::default(),
        }
    }

    /// Whether the table has a name column (default true; set it false when the input has
    /// no `name` column). Only the table format uses it: CSV and JSON always carry `name`.
    pub fn with_names(mut self, names: bool) -> Self {
        if let Inner::Table { names: n, .. } = &mut self.inner {
            *n = names;
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
            Inner::Csv(w) => w.write_record(CSV_HEADER).map_err(csv_io),
            Inner::Json { out, .. } => out.write_all(b"["),
            Inner::Table { out, names } => {
                let mut line = format!("{:>10}", "id");
                if *names {
                    line.push_str("  ");
                    push_padded(&mut line, "name", NAME_WIDTH);
                }
                line.push_str(&format!(
                    "  {:>8}  {:>8}  {:>8}  {:>9}  {:<5}  {}",
                    "cultural", "economic", "security", "composite", "grade", "status"
                ));
                writeln!(out, "{line}")?;
                writeln!(out, "{}", rule(*names))
            }
        }
    }

    /// Writes one row.
    pub fn write_row(&mut self, row: &OutputRow<'_>) -> io::Result<()> {
        let outcome = row.outcome;
        self.tally.rows += 1;
        match &outcome.result {
            Ok(s) => {
                if let Some(g) = self.tally.grades.get_mut(grade_index(s.grade)) {
                    *g += 1;
                }
            }
            Err(_) => self.tally.failed += 1,
        }
        let status = match &outcome.result {
            Ok(_) => "ok".to_owned(),
            Err(f) => format!("{f}"),
        };
        let scores = outcome.result.as_ref().ok();
        match &mut self.inner {
            Inner::Csv(w) => {
                let num = |v: Option<f32>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
                let cov = |k: usize| {
                    outcome
                        .coverage
                        .and_then(|c| c.get(k).copied())
                        .map(|v| format!("{v:.4}"))
                        .unwrap_or_default()
                };
                let record = [
                    row.id.to_owned(),
                    num(scores.map(|s| s.cultural)),
                    num(scores.map(|s| s.economic)),
                    num(scores.map(|s| s.security)),
                    num(scores.map(|s| s.composite)),
                    scores
                        .map(|s| s.grade.as_str().to_owned())
                        .unwrap_or_default(),
                    status,
                    row.name.to_owned(),
                    cov(0),
                    cov(1),
                    cov(2),
                ];
                w.write_record(&record).map_err(csv_io)
            }
            Inner::Json { out, first } => {
                let mut o = String::with_capacity(256);
                o.push_str(if *first { "\n  {" } else { ",\n  {" });
                *first = false;
                o.push_str("\"id\":");
                match row.id.parse::<u32>() {
                    Ok(id) => {
                        let _ = write!(o, "{id}");
                    }
                    Err(_) => push_json_string(&mut o, row.id),
                }
                o.push_str(",\"name\":");
                push_json_string(&mut o, row.name);
                let fields = [
                    ("cultural", scores.map(|s| s.cultural)),
                    ("economic", scores.map(|s| s.economic)),
                    ("security", scores.map(|s| s.security)),
                    ("composite", scores.map(|s| s.composite)),
                ];
                for (k, v) in fields {
                    let _ = write!(o, ",\"{k}\":");
                    push_json_number(&mut o, v, 6);
                }
                o.push_str(",\"grade\":");
                match scores {
                    Some(s) => push_json_string(&mut o, s.grade.as_str()),
                    None => o.push_str("null"),
                }
                o.push_str(",\"status\":");
                push_json_string(&mut o, &status);
                o.push_str(",\"coverage\":");
                match outcome.coverage {
                    Some(c) => {
                        o.push('{');
                        for (k, (conn, v)) in Connotation::ALL.iter().zip(c).enumerate() {
                            if k > 0 {
                                o.push(',');
                            }
                            let _ = write!(o, "\"{}\":", conn.as_str());
                            push_json_number(&mut o, Some(v), 4);
                        }
                        o.push('}');
                    }
                    None => o.push_str("null"),
                }
                o.push('}');
                out.write_all(o.as_bytes())
            }
            Inner::Table { out, names } => {
                let mut line = format!("{:>10}", row.id);
                if *names {
                    line.push_str("  ");
                    push_padded(&mut line, row.name, NAME_WIDTH);
                }
                let num = |v: Option<f32>, w: usize| match v {
                    Some(v) => format!("{v:>w$.2}"),
                    None => format!("{:>w$}", "-"),
                };
                let grade = scores.map_or("-", |s| s.grade.as_str());
                let _ = write!(
                    line,
                    "  {}  {}  {}  {}  {:^5}  {}",
                    num(scores.map(|s| s.cultural), 8),
                    num(scores.map(|s| s.economic), 8),
                    num(scores.map(|s| s.security), 8),
                    num(scores.map(|s| s.composite), 9),
                    grade,
                    status
                );
                writeln!(out, "{line}")
            }
        }
    }

    /// Writes the end (`]` of the JSON array, the table's summary), flushes and returns the
    /// sink.
    pub fn finish(self) -> io::Result<W> {
        let tally = self.tally;
        match self.inner {
            Inner::Csv(w) => w.into_inner().map_err(|e| {
                let kind = e.error().kind();
                io::Error::new(kind, format!("{}", e.error()))
            }),
            Inner::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
            Inner::Table { mut out, names } => {
                writeln!(out, "{}", rule(names))?;
                writeln!(out, "{}", summary(&tally))?;
                out.flush()?;
                Ok(out)
            }
        }
    }
}

/// `26 rows: 24 scored, 2 failed   grades  A 2  B 6  C 9  D 5  E 2`
fn summary(t: &Tally) -> String {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut s = format!(
        "{}: {} scored, {} failed",
        plural(t.rows, "row", "rows"),
        t.rows - t.failed,
        t.failed
    );
    if t.rows > t.failed {
        s.push_str("   grades ");
        for (g, n) in ["A", "B", "C", "D", "E"].iter().zip(t.grades) {
            let _ = write!(s, " {g} {n} ");
        }
        s.truncate(s.trim_end().len());
    }
    s
}

fn rule(names: bool) -> String {
    // id 10, then each column with its two-space gap; status gets 28.
    let width = 10 + if names { 2 + NAME_WIDTH } else { 0 } + 3 * 10 + 11 + 7 + 2 + 26;
    "─".repeat(width)
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

fn csv_io(e: csv::Error) -> io::Error {
    let msg = format!("{e}");
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other(msg),
    }
}

/// Terminal columns a character takes: 2 for East Asian wide and fullwidth characters, 0 for
/// combining marks and zero-width characters, else 1 (a heuristic; no tables needed).
fn char_width(c: char) -> usize {
    let u = u32::from(c);
    match u {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// Appends `s` cut to `width` terminal columns (ending in `…` when cut), padded with spaces
/// to exactly `width`.
fn push_padded(line: &mut String, s: &str, width: usize) {
    line.push_str(&pad(s, width));
}

/// `s` cut to `width` terminal columns (ending in `…` when cut) and padded with spaces to
/// exactly `width` columns, counting East Asian wide characters as two columns. Used by every
/// aligned table the host tool prints.
///
/// ```
/// use silkscore_host::output::pad;
/// assert_eq!(pad("Kashgar", 9), "Kashgar  ");
/// assert_eq!(pad("Samarkand–Bukhara", 8), "Samarka…");
/// assert_eq!(pad("敦煌", 5), "敦煌 ");
/// ```
pub fn pad(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(char_width).sum();
    let mut out = String::with_capacity(width + 4);
    let mut used = 0;
    if total <= width {
        out.push_str(s);
        used = total;
    } else if width > 0 {
        for c in s.chars() {
            let w = char_width(c);
            if used + w > width - 1 {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    for _ in used..width {
        out.push(' ');
    }
    out
}

fn push_json_string(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", u32::from(c));
            }
            c => o.push(c),
        }
    }
    o.push('"');
}

fn push_json_number(o: &mut String, v: Option<f32>, decimals: usize) {
    match v {
        Some(v) if v.is_finite() => {
            let _ = write!(o, "{v:.decimals$}");
        }
        _ => o.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn padding_counts_columns() {
        let mut s = String::new();
        push_padded(&mut s, "敦煌", 6);
        assert_eq!(s, "敦煌  ");
        let mut s = String::new();
        push_padded(&mut s, "Samarkand–Bukhara heritage corridor", 12);
        assert_eq!(s, "Samarkand–B…");
        let mut s = String::new();
        push_padded(&mut s, "莫高窟数字档案馆", 7);
        assert_eq!(s, "莫高窟…");
        let mut s = String::new();
        push_padded(&mut s, "莫高窟数字档案馆", 8);
        assert_eq!(s, "莫高窟… ");
    }

    #[test]
    fn json_strings_escape() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\u{1}é");
        assert_eq!(s, "\"a\\\"b\\\\c\\u0001é\"");
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        let mut w = RowWriter::new(Format::Json, Vec::new());
        w.begin().unwrap();
        assert_eq!(w.finish().unwrap(), b"[]\n");
    }

    #[test]
    fn formats_parse() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
