//! Streaming reader of CSV records files (docs/spec.md §7, §8).
//!
//! A records file has a header with `id` (required), `name` (optional) and one column per
//! indicator id of the model, in any order. [`RecordsReader`] reads it one row at a time (it
//! never holds more than one row, itself at most [`Limits::max_record_bytes`] long), so
//! memory stays flat however long the file is, and whatever it holds.
//!
//! Every data row is accounted for: it is a [`Row`] with a record or a [`RowError`], or the
//! reader stops with a [`HostError::Records`] that names its line (a record over the size
//! limit, a quoted field never closed, a NUL byte). Blank lines are not rows: they are
//! skipped, and counted in the line numbers of the rows after them. The CSV grammar is in
//! the `frame` module (`records/frame.rs`).
//!
//! ```
//! use silkscore_host::records::{RecordsReader, RowError};
//! let csv = "name,id,talent_exchange,heritage_items,note\n\
//!            Dunhuang digital archive,7, 1800 ,,first\n\
//!            Kashgar,x8,1,2,second\n\
//!            Xi'an,9,1_000,3,third\n\
//!            Tbilisi,10,1\n";
//! let model = &silkscore::BRI_CULTURAL_V1;
//! let mut rows = RecordsReader::from_reader(csv.as_bytes(), "p.csv", model).unwrap();
//! assert_eq!(rows.absent_indicators().len(), 16);
//! assert_eq!(rows.unknown_columns(), ["note"]);
//!
//! let first = rows.next().unwrap().unwrap();
//! assert_eq!((first.line, first.id.as_str(), first.name.as_str()), (2, "7", "Dunhuang digital archive"));
//! let record = first.record.unwrap();
//! assert_eq!((record.get(0), record.get(1)), (Some(1800.0), None));
//!
//! let bad: Vec<_> = rows.map(|r| r.unwrap().record.unwrap_err().status()).collect();
//! assert_eq!(bad, ["parse:id", "parse:talent_exchange", "parse:fields"]);
//! ```

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use crate::HostError;
use frame::{FrameError, Framer, RawRecord};

pub(crate) mod frame;
pub(crate) mod scan;
use silkscore::model::{Model, MAX_INDICATORS};
use silkscore::record::Record;

/// Why a row has no record (docs/spec.md §8). Scoring errors come later, from [`silkscore::score()`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowError {
    /// A cell did not parse: the first such cell in file column order. `column` is the
    /// header's name for it: an indicator id, or `id` for an id that is not a u32.
    Parse {
        /// The column, as named in the header (trimmed).
        column: String,
    },
    /// The row has a different number of fields than the header (`parse:fields`).
    Fields {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
}

impl RowError {
    /// The status of docs/spec.md §7: `parse:COLUMN` or `parse:fields`.
    pub fn status(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowError::Parse { column } => write!(f, "parse:{column}"),
            RowError::Fields { .. } => f.write_str("parse:fields"),
        }
    }
}

impl std::error::Error for RowError {}

/// One data row of a records file.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The 1-based line of the file on which the row starts.
    pub line: u64,
    /// The 1-based position of the row among the data rows (the header not counted).
    pub index: u64,
    /// The `id` cell as written (trimmed), also when it is not a valid u32; empty when the
    /// row is too short to have one.
    pub id: String,
    /// The full `name` cell (trimmed; the [`Record`] keeps only its first 32 bytes). Empty
    /// when the file has no `name` column. Invalid UTF-8 is replaced by U+FFFD.
    pub name: String,
    /// The record, or why the row has none.
    pub record: Result<Record, RowError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    Indicator(usize),
    Ignored,
}

/// Bounds on what one record may take, so that no input (one endless line, `/dev/zero`, a
/// header of a million columns) makes the reader hold more than a few MiB.
///
/// ```
/// use silkscore_host::records::{Limits, RecordsReader};
/// let wide = format!("id,{}\n1,2\n", vec!["x"; 20].join(","));
/// let model = &silkscore::BRI_CULTURAL_V1;
/// let limits = Limits { max_columns: 8, ..Limits::DEFAULT };
/// let err = RecordsReader::builder(model)
///     .limits(limits)
///     .from_reader(wide.as_bytes(), "wide.csv")
///     .unwrap_err();
/// assert_eq!(err.to_string(), "wide.csv:1: the header has more than 8 columns (the limit)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The most bytes one record may take: its fields with their quotes and separators, its
    /// line break, and the blank lines before it. The header counts as a record. A longer
    /// record stops the reading with an error on the line where it starts.
    ///
    /// Default 1 MiB: a row of the largest model (32 indicators, an id and a name) takes
    /// well under 1 KiB, so this leaves room for long names and for columns the tool
    /// ignores, while bounding the reader's memory at about 1 MiB plus a 64 KiB read buffer.
    pub max_record_bytes: usize,
    /// The most columns the header may have. A data row with more fields than the header
    /// is a `parse:fields` row (its extra fields are counted, not kept).
    ///
    /// Default 16,384: the widest sheet that Excel and LibreOffice Calc save, so every
    /// spreadsheet export is read.
    pub max_columns: usize,
}

impl Limits {
    /// 1 MiB per record, 16,384 header columns.
    pub const DEFAULT: Limits = Limits {
        max_record_bytes: 1 << 20,
        max_columns: 16_384,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Opens records files with settings other than the defaults: see
/// [`RecordsReader::builder`].
#[derive(Clone, Copy, Debug)]
pub struct RecordsReaderBuilder<'m> {
    model: &'m Model,
    limits: Limits,
}

impl<'m> RecordsReaderBuilder<'m> {
    /// Sets both limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`Limits::max_record_bytes`] (at least 1).
    pub fn max_record_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_record_bytes = bytes.max(1);
        self
    }

    /// Sets [`Limits::max_columns`] (at least 1).
    pub fn max_columns(mut self, columns: usize) -> Self {
        self.limits.max_columns = columns.max(1);
        self
    }

    /// Opens the records file at `path` and reads its header (see
    /// [`RecordsReader::open`]).
    pub fn open(self, path: &Path) -> Result<RecordsReader<'m, File>, HostError> {
        let file = File::open(path).map_err(|e| HostError::io(path, e))?;
        self.from_reader(file, path)
    }

    /// Reads the header from `reader` (see [`RecordsReader::from_reader`]).
    pub fn from_reader<R: io::Read>(
        self,
        reader: R,
        path: impl AsRef<Path>,
    ) -> Result<RecordsReader<'m, R>, HostError> {
        RecordsReader::with_limits(reader, path.as_ref(), self.model, self.limits)
    }
}

/// Reads the rows of a records file for one model, as an iterator of
/// `Result<Row, HostError>`.
///
/// A row that does not parse is an `Ok(Row)` whose `record` is a [`RowError`]: one bad row
/// never stops the batch. The input as a whole can: an I/O error, a record longer than
/// [`Limits::max_record_bytes`], a quoted field still open at the end of the file, or a NUL
/// byte yields one `Err` naming the line, after which the iterator ends.
///
/// Cells are trimmed; a blank cell is a missing value; otherwise Rust's `f32` grammar applies
/// (`NaN`, `inf` and `1e3` parse, `1_000` and `0x10` do not; a value too large for f32 becomes
/// infinite). A row with another field count than the header is reported as
/// [`RowError::Fields`] instead of stopping the read.
pub struct RecordsReader<'m, R> {
    scanner: scan::Scanner<R>,
    /// The block of records being read, and the next of its records.
    block: scan::Block,
    next: usize,
    /// Scratch space for the fields of a quoted record.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    model: &'m Model,
    path: PathBuf,
    columns: Vec<Column>,
    headers: Vec<String>,
    id_col: usize,
    name_col: Option<usize>,
    header_line: u64,
    absent: Vec<String>,
    unknown: Vec<String>,
    rows: u64,
    done: bool,
}

/// Bytes of input the reader frames at a time.
const READ_BLOCK: usize = 256 * 1024;

impl<R> fmt::Debug for RecordsReader<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordsReader")
            .field("path", &self.path)
            .field("model", &self.model.name())
            .field("headers", &self.headers)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl<'m> RecordsReader<'m, File> {
    /// Opens the records file at `path` and reads its header, with the default [`Limits`].
    ///
    /// Errors: [`HostError::Io`] when the file cannot be opened; [`HostError::Records`] when
    /// the header is unusable (see [`RecordsReader::from_reader`]).
    pub fn open(path: &Path, model: &'m Model) -> Result<Self, HostError> {
        Self::builder(model).open(path)
    }
}

impl<'m> RecordsReader<'m, File> {
    /// A builder for a reader with other [`Limits`] than the defaults.
    ///
    /// ```
    /// use silkscore_host::records::RecordsReader;
    /// let csv = "id,name\n1,a name longer than the limit\n";
    /// let mut rows = RecordsReader::builder(&silkscore::BRI_CULTURAL_V1)
    ///     .max_record_bytes(16)
    ///     .from_reader(csv.as_bytes(), "p.csv")
    ///     .unwrap();
    /// let err = rows.next().unwrap().unwrap_err();
    /// assert_eq!(err.line(), Some(2));
    /// assert!(rows.next().is_none());
    /// ```
    pub fn builder(model: &'m Model) -> RecordsReaderBuilder<'m> {
        RecordsReaderBuilder {
            model,
            limits: Limits::DEFAULT,
        }
    }
}

impl<'m, R: io::Read> RecordsReader<'m, R> {
    /// Reads the header from `reader`, with the default [`Limits`]; `path` names the source
    /// in errors.
    ///
    /// Errors ([`HostError::Records`], on the header's line): the file is empty, the header
    /// is not UTF-8, it has no `id` column, it names `id`, `name` or an indicator twice, or
    /// it breaks a limit or the CSV grammar (see [`Limits`]); [`HostError::Io`] when the
    /// source fails.
    pub fn from_reader(
        reader: R,
        path: impl AsRef<Path>,
        model: &'m Model,
    ) -> Result<Self, HostError> {
        Self::with_limits(reader, path.as_ref(), model, Limits::DEFAULT)
    }

    fn with_limits(
        reader: R,
        path: &Path,
        model: &'m Model,
        limits: Limits,
    ) -> Result<Self, HostError> {
        let path = path.to_path_buf();
        let mut framer = Framer::new(reader, limits);
        let mut raw = RawRecord::default();
        let found = framer
            .next_record(&mut raw, true)
            .map_err(|e| frame_error(&path, e))?;
        let header_line = if found { raw.line } else { framer.line() };
        let err = |message: String| HostError::Records {
            path: path.clone(),
            line: Some(header_line),
            message,
        };
        if !found || (raw.len() == 1 && raw.get(0).is_some_and(<[u8]>::is_empty)) {
            return Err(err(
                "the file is empty: expected a header with an `id` column".to_owned(),
            ));
        }

        let mut headers = Vec::with_capacity(raw.len());
        let mut columns = Vec::with_capacity(raw.len());
        let mut seen = [false; MAX_INDICATORS];
        let (mut id_col, mut name_col) = (None, None);
        let mut unknown = Vec::new();
        for (i, cell) in raw.iter().enumerate() {
            let name = core::str::from_utf8(cell)
                .map_err(|_| err(format!("header column {} is not valid UTF-8", i + 1)))?
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned();
            let twice = || {
                err(format!(
                    "column `{name}` appears more than once in the header"
                ))
            };
            let column = match name.as_str() {
                "id" if id_col.is_some() => return Err(twice()),
                "id" => {
                    id_col = Some(i);
                    Column::Id
                }
                "name" if name_col.is_some() => return Err(twice()),
                "name" => {
                    name_col = Some(i);
                    Column::Name
                }
                other => match model.position(other) {
                    Some(k) => {
                        let slot = seen.get_mut(k).ok_or_else(twice)?;
                        if *slot {
                            return Err(twice());
                        }
                        *slot = true;
                        Column::Indicator(k)
                    }
                    None => {
                        unknown.push(name.clone());
                        Column::Ignored
                    }
                },
            };
            headers.push(name);
            columns.push(column);
        }
        let id_col = id_col.ok_or_else(|| err("the header has no `id` column".to_owned()))?;
        let absent = model
            .indicators()
            .iter()
            .zip(seen)
            .filter(|(_, s)| !s)
            .map(|(ind, _)| ind.id.as_str().to_owned())
            .collect();
        // Data rows are framed by the fast framer (records/scan.rs), from where this one
        // stopped.
        let limits = framer.limits();
        let (source, pending, line, after_cr, eof) = framer.into_parts();
        let scanner = scan::Scanner::resume(source, limits, pending, line, after_cr, eof);
        Ok(RecordsReader {
            scanner,
            block: scan::Block::default(),
            next: 0,
            bytes: Vec::new(),
            ends: Vec::new(),
            model,
            path,
            columns,
            headers,
            id_col,
            name_col,
            header_line,
            absent,
            unknown,
            rows: 0,
            done: false,
        })
    }

    /// The file (as given), for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line of the header (1 unless the file starts with blank lines).
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The header's column names, trimmed, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Ids of the model's indicators that have no column, in model order: missing in every
    /// row (the tool says so on stderr).
    pub fn absent_indicators(&self) -> &[String] {
        &self.absent
    }

    /// Columns that are neither `id`, `name` nor an indicator of the model, in file order:
    /// ignored (the tool names them on stderr).
    pub fn unknown_columns(&self) -> &[String] {
        &self.unknown
    }

    /// Whether the file has a `name` column.
    pub fn has_name_column(&self) -> bool {
        self.name_col.is_some()
    }

    /// Builds the row of a record of the current block. Data rows keep one field more than
    /// the header: enough to see that a row is too wide, without holding a row of a million
    /// empty fields.
    fn row(&mut self, span: scan::Span) -> Row {
        self.rows += 1;
        let keep = self.columns.len().saturating_add(1);
        let record = self.block.data.get(span.start..span.end).unwrap_or(&[]);
        let count = scan::split(record, span.quoted, keep, &mut self.bytes, &mut self.ends);
        let (src, sep): (&[u8], usize) = if span.quoted {
            (&self.bytes, 0)
        } else {
            (record, 1)
        };
        let ends = &self.ends;
        let get = move |i: usize| -> Option<&[u8]> {
            let end = *ends.get(i)?;
            let start = match i.checked_sub(1) {
                Some(p) => ends.get(p)? + sep,
                None => 0,
            };
            src.get(start..end)
        };
        let fields = Fields { get: &get, count };
        let parser = self.parser();
        let (id, name) = parser.id_and_name(&fields);
        let parsed = parser.record(&fields, &name);
        Row {
            line: span.line,
            index: self.rows,
            id: id.into_owned(),
            name: name.into_owned(),
            record: parsed,
        }
    }

    /// The model the rows are read for.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// How rows are built from fields, for this file.
    pub(crate) fn parser(&self) -> RowParser<'_> {
        RowParser {
            path: &self.path,
            model: self.model,
            columns: &self.columns,
            headers: &self.headers,
            id_col: self.id_col,
            name_col: self.name_col,
        }
    }

    /// The fast framer, continuing after the header (and any data rows already read), and how
    /// to build rows: for [`crate::pipeline`]. The reader must not have returned an error.
    pub(crate) fn into_scanner(self) -> (scan::Scanner<R>, ParserParts<'m>) {
        let mut scanner = self.scanner;
        if !self.done {
            // The records of the current block not read yet go first.
            let mut block = self.block;
            block.spans.drain(..self.next.min(block.spans.len()));
            scanner.push_back(block);
        }
        let parts = ParserParts {
            model: self.model,
            columns: self.columns,
            headers: self.headers,
            id_col: self.id_col,
            name_col: self.name_col,
            path: self.path,
            rows: self.rows,
        };
        (scanner, parts)
    }
}

/// What [`RecordsReader::into_scanner`] hands over besides the scanner: the file's columns,
/// its name and the rows already read.
#[derive(Debug)]
pub(crate) struct ParserParts<'m> {
    model: &'m Model,
    columns: Vec<Column>,
    headers: Vec<String>,
    id_col: usize,
    name_col: Option<usize>,
    /// The file (as given), for messages.
    path: PathBuf,
    /// Data rows the reader returned before it was handed over.
    rows: u64,
}

impl ParserParts<'_> {
    /// How rows are built from fields.
    pub(crate) fn parser(&self) -> RowParser<'_> {
        RowParser {
            path: &self.path,
            model: self.model,
            columns: &self.columns,
            headers: &self.headers,
            id_col: self.id_col,
            name_col: self.name_col,
        }
    }

    /// Data rows the reader returned before it was handed over: the next row's index is
    /// one more.
    pub(crate) fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Fields worth keeping per record: one more than the header has.
    pub(crate) fn keep(&self) -> usize {
        self.columns.len().saturating_add(1)
    }
}

/// The fields of one record, however they are stored.
pub(crate) struct Fields<'a> {
    /// Field `i`, when it was kept.
    pub get: &'a dyn Fn(usize) -> Option<&'a [u8]>,
    /// Fields in the record, kept or not.
    pub count: usize,
}

/// Builds rows from fields (docs/spec.md §7, §8): the one implementation behind
/// [`RecordsReader`] and the parallel pipeline.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowParser<'a> {
    path: &'a Path,
    model: &'a Model,
    columns: &'a [Column],
    headers: &'a [String],
    id_col: usize,
    name_col: Option<usize>,
}

impl<'a> RowParser<'a> {
    /// The trimmed `id` and `name` cells (invalid UTF-8 replaced by U+FFFD; empty when the
    /// row is too short or the file has no `name` column).
    pub(crate) fn id_and_name<'f>(
        &self,
        fields: &Fields<'f>,
    ) -> (std::borrow::Cow<'f, str>, std::borrow::Cow<'f, str>) {
        let text = |i: usize| match (fields.get)(i) {
            Some(c) => trim_cow(String::from_utf8_lossy(c)),
            None => std::borrow::Cow::Borrowed(""),
        };
        let id = text(self.id_col);
        let name = match self.name_col {
            Some(i) => text(i),
            None => std::borrow::Cow::Borrowed(""),
        };
        (id, name)
    }

    /// Whether the file has a `name` column.
    pub(crate) fn has_names(&self) -> bool {
        self.name_col.is_some()
    }

    /// The file, for messages.
    pub(crate) fn path(&self) -> &'a Path {
        self.path
    }

    /// The row of an unquoted record (its fields are the bytes between commas) in one pass:
    /// the `id` and `name` cells and the record, exactly as [`RowParser::id_and_name`] and
    /// [`RowParser::record`] make them, without splitting the fields first.
    pub(crate) fn unquoted_row<'r>(
        &self,
        rec: &'r [u8],
    ) -> (
        std::borrow::Cow<'r, str>,
        std::borrow::Cow<'r, str>,
        Result<Record, RowError>,
    ) {
        let width = self.columns.len();
        let mut values = [None; MAX_INDICATORS];
        let mut id = 0u32;
        let mut first_error: Option<usize> = None;
        let (mut id_cell, mut name_cell): (Option<&[u8]>, Option<&[u8]>) = (None, None);
        let mut count = 0usize;
        let mut start = 0usize;
        let mut columns = self.columns.iter();
        loop {
            if start > rec.len() {
                break;
            }
            let tail = rec.get(start..).unwrap_or(&[]);
            // An indicator cell that is a plain number ends where the number does, when a
            // comma or the end follows: no separate search for the comma.
            let mut number = None;
            if let Some(Column::Indicator(_)) = self.columns.get(count) {
                if first_error.is_none() {
                    if let Some((v, used)) = fast_f32_prefix(tail) {
                        if matches!(tail.get(used), None | Some(b',')) {
                            number = Some((v, used));
                        }
                    }
                }
            }
            let end = match number {
                Some((_, used)) => start + used,
                None => memchr::memchr(b',', tail).map_or(rec.len(), |c| start + c),
            };
            let cell = rec.get(start..end).unwrap_or(&[]);
            start = end + 1;
            let i = count;
            count += 1;
            let Some(column) = columns.next() else {
                continue;
            };
            if first_error.is_some() {
                if i == self.id_col {
                    id_cell = Some(cell);
                }
                if Some(i) == self.name_col {
                    name_cell = Some(cell);
                }
                continue;
            }
            let ok = match *column {
                Column::Id => {
                    id_cell = Some(cell);
                    match fast_u32(cell) {
                        Some(v) => {
                            id = v;
                            true
                        }
                        None => match text(cell).and_then(|c| c.parse().ok()) {
                            Some(v) => {
                                id = v;
                                true
                            }
                            None => false,
                        },
                    }
                }
                Column::Name => {
                    name_cell = Some(cell);
                    true
                }
                Column::Indicator(k) => {
                    let v = if let Some((v, _)) = number {
                        Some(Some(v))
                    } else if cell.is_empty() {
                        Some(None)
                    } else {
                        match text(cell) {
                            Some("") => Some(None),
                            Some(c) => c.parse::<f32>().ok().map(Some),
                            None => None,
                        }
                    };
                    match v {
                        Some(v) => {
                            if let (Some(v), Some(slot)) = (v, values.get_mut(k)) {
                                *slot = Some(v);
                            }
                            true
                        }
                        None => false,
                    }
                }
                Column::Ignored => true,
            };
            if !ok {
                first_error = Some(i);
            }
        }
        let cell_text = |c: Option<&'r [u8]>| match c {
            Some(c) => trim_cow(String::from_utf8_lossy(c)),
            None => std::borrow::Cow::Borrowed(""),
        };
        let id_text = cell_text(id_cell);
        let name = if self.name_col.is_some() {
            cell_text(name_cell)
        } else {
            std::borrow::Cow::Borrowed("")
        };
        let record = if count != width {
            Err(RowError::Fields {
                expected: width,
                found: count,
            })
        } else if let Some(i) = first_error {
            Err(RowError::Parse {
                column: self.headers.get(i).cloned().unwrap_or_default(),
            })
        } else {
            let values = values.get(..self.model.len()).unwrap_or(&[]);
            Record::from_values(id, values)
                .map_err(|_| RowError::Fields {
                    expected: width,
                    found: count,
                })
                .map(|r| {
                    if self.name_col.is_some() {
                        r.with_name(&name)
                    } else {
                        r
                    }
                })
        };
        (id_text, name, record)
    }

    /// The record of a row, or why it has none; `name` is the row's name cell.
    pub(crate) fn record(&self, fields: &Fields<'_>, name: &str) -> Result<Record, RowError> {
        if fields.count != self.columns.len() {
            return Err(RowError::Fields {
                expected: self.columns.len(),
                found: fields.count,
            });
        }
        let mut values = [None; MAX_INDICATORS];
        let mut id = 0u32;
        for (i, (column, header)) in self.columns.iter().zip(self.headers).enumerate() {
            let Some(cell) = (fields.get)(i) else {
                continue;
            };
            let fail = || RowError::Parse {
                column: header.clone(),
            };
            match *column {
                Column::Id => {
                    id = match fast_u32(cell) {
                        Some(v) => v,
                        None => text(cell).and_then(|c| c.parse().ok()).ok_or_else(fail)?,
                    }
                }
                Column::Indicator(k) => {
                    let v = if cell.is_empty() {
                        None
                    } else if let Some(v) = fast_f32(cell) {
                        Some(v)
                    } else {
                        let c = text(cell).ok_or_else(fail)?;
                        if c.is_empty() {
                            None
                        } else {
                            Some(c.parse::<f32>().map_err(|_| fail())?)
                        }
                    };
                    if let (Some(v), Some(slot)) = (v, values.get_mut(k)) {
                        *slot = Some(v);
                    }
                }
                Column::Name | Column::Ignored => {}
            }
        }
        let values = values.get(..self.model.len()).unwrap_or(&[]);
        // A model has at most MAX_INDICATORS indicators, so this cannot fail; report it as a
        // row error rather than panic if it ever did.
        let record = Record::from_values(id, values).map_err(|_| RowError::Fields {
            expected: self.columns.len(),
            found: fields.count,
        })?;
        Ok(if self.name_col.is_some() {
            record.with_name(name)
        } else {
            record
        })
    }
}

/// `s` trimmed, borrowed when it was.
fn trim_cow(s: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    match s {
        std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.trim()),
        std::borrow::Cow::Owned(o) => {
            let t = o.trim();
            if t.len() == o.len() {
                std::borrow::Cow::Owned(o)
            } else {
                std::borrow::Cow::Owned(t.to_owned())
            }
        }
    }
}

/// A cell as trimmed UTF-8 text, or `None` when it is not UTF-8.
fn text(cell: &[u8]) -> Option<&str> {
    core::str::from_utf8(cell).ok().map(str::trim)
}

/// A cell of 1 to 9 ASCII digits as a u32 (what `str::parse` gives it); `None` for anything
/// else, which then takes the general path.
fn fast_u32(cell: &[u8]) -> Option<u32> {
    if cell.is_empty() || cell.len() > 9 || !cell.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(cell.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// A plain decimal cell (`-`? digits, `.` digits optional, an exponent `e`/`E` optional; at
/// least one digit, no spaces) as exactly the f32 that `str::parse` gives, or `None`, which
/// leaves the cell to `str::parse`.
///
/// With w the digits (at most 2⁵³) and the value w·10ᵉ (|e| ≤ 22), w and 10^|e| are exact in
/// f64 and one IEEE multiplication or division rounds once: d is the correctly rounded f64
/// (Clinger's fast path). Rounding d to f32 then gives the correctly rounded f32 unless d is
/// exactly halfway between two f32 (an f32 midpoint between the exact value and d would be
/// an f64 nearer to it than d), so those, and results outside the normal f32 range, are left
/// to `str::parse`.
fn fast_f32(cell: &[u8]) -> Option<f32> {
    match fast_f32_prefix(cell) {
        Some((v, used)) if used == cell.len() => Some(v),
        _ => None,
    }
}

/// [`fast_f32`] of the longest plain decimal at the start of `bytes`, and its length in
/// bytes (the caller checks what follows it).
fn fast_f32_prefix(bytes: &[u8]) -> Option<(f32, usize)> {
    let cell = bytes;
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (neg, rest) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    // Digits before and after the point, in two tight loops (wrapping arithmetic: more than
    // 18 digits is refused after the loops, before `w` is used).
    let mut w: u64 = 0;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        w = w.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let int_digits = i;
    let mut scale: i64 = 0; // the value is w·10^scale
    if rest.get(i) == Some(&b'.') {
        i += 1;
        let from = i;
        while let Some(&b) = rest.get(i) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            w = w.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        scale = -((i - from) as i64);
    }
    let digits = int_digits + scale.unsigned_abs() as usize;
    if digits > 18 {
        return None;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = rest.get(i) {
        i += 1;
        let eneg = match rest.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let from = i;
        let mut n = 0i64;
        while let Some(&b) = rest.get(i) {
            let d = b.wrapping_sub(b'0');
            if d > 9 || i - from >= 4 {
                break;
            }
            n = n * 10 + i64::from(d);
            i += 1;
        }
        if i == from || rest.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        scale += if eneg { -n } else { n };
    }
    let used = i + usize::from(neg);
    if w > 1 << 53 {
        return None;
    }
    let p = *POW10.get(usize::try_from(scale.unsigned_abs()).ok()?)?;
    let d = if scale < 0 {
        w as f64 / p
    } else {
        w as f64 * p
    };
    if w != 0 && !(f64::from(f32::MIN_POSITIVE)..=f64::from(f32::MAX)).contains(&d) {
        return None;
    }
    // Halfway between two f32: the 29 bits f32 drops are exactly 1000…0.
    if d.to_bits() & 0x1fff_ffff == 0x1000_0000 {
        return None;
    }
    let v = d as f32;
    Some((if neg { -v } else { v }, used))
}

impl<R: io::Read> Iterator for RecordsReader<'_, R> {
    type Item = Result<Row, HostError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if let Some(span) = self.block.spans.get(self.next).copied() {
                self.next += 1;
                return Some(Ok(self.row(span)));
            }
            if let Some(e) = self.block.end.take() {
                self.done = true;
                return Some(Err(frame_error(&self.path, e)));
            }
            match self.scanner.next_block(READ_BLOCK) {
                Some(block) => {
                    self.block = block;
                    self.next = 0;
                }
                None => {
                    self.done = true;
                    return None;
                }
            }
        }
    }
}

impl<R: io::Read> core::iter::FusedIterator for RecordsReader<'_, R> {}

/// The error of a framer, naming `path`.
pub(crate) fn frame_error_at(path: &Path, e: FrameError) -> HostError {
    frame_error(path, e)
}

fn frame_error(path: &Path, e: FrameError) -> HostError {
    match e {
        FrameError::Io(source) => HostError::io(path, source),
        FrameError::Invalid { line, message } => HostError::Records {
            path: path.to_path_buf(),
            line: Some(line),
            message,
        },
    }
}

#[cfg(test)]
pub(crate) mod tests;
