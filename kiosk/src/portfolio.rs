//! Reading a portfolio (a records file, docs/spec.md §7.2) pushed in chunks, and scoring
//! each row as it completes: the header rules, cell rules and statuses of `silkscore score`,
//! in fixed memory. One bad row never stops the portfolio.
//!
//! Items written to the output, each starting with its kind byte:
//!
//! - `1` header: line (u64), columns (u32), has a `name` column (u8), the absent indicators
//!   as a bit mask (u32, bit i = indicator i), the number of ignored columns (u32) and the
//!   first 16 of their names (u8 length, bytes).
//! - `2` row: line (u64), index among the data rows (u64), the outcome
//!   ([`crate::outcome::write`]), the id cell and the name cell as written and trimmed (u16
//!   length, at most 256 bytes each), and a flag byte (1: the name was cut).
//! - `3` the input is unusable, nothing more follows: code (u8: 1 blank lines over the limit,
//!   2 a record over the limit, 3 a NUL byte, 4 a header over the column limit, 5 a quoted
//!   field never closed, 6 an empty file, 7 a header column that is not UTF-8, 8 a column
//!   named twice, 9 no `id` column), line (u64), column number (u32) and a name (u8 length).
//! - `4` the end: data rows read (u64).

use silkscore::model::{Model, MAX_INDICATORS};
use silkscore::record::Record;

use crate::framer::{FrameError, Framer, Step};
use crate::out::Out;
use crate::outcome::{self, Cell, Outcome, Status};

/// Longest id or name cell passed to the page (they are for display).
pub const MAX_TEXT: usize = 256;
/// Ignored column names passed to the page.
const MAX_UNKNOWN: usize = 16;
/// The most bytes one item takes: the header item with 16 long names.
pub const MAX_ITEM: usize = 32 + MAX_UNKNOWN * 256 + outcome::MAX_SIZE + 2 * (2 + MAX_TEXT);

const ID: u16 = u16::MAX;
const NAME: u16 = u16::MAX - 1;
const IGNORED: u16 = u16::MAX - 2;

/// A portfolio being read: records of at most `N` bytes, headers of at most `C` columns.
#[derive(Clone, Debug)]
pub struct Portfolio<const N: usize, const C: usize> {
    framer: Framer<N, C>,
    columns: [u16; C],
    width: usize,
    id_col: usize,
    name_col: Option<usize>,
    header_done: bool,
    rows: u64,
    /// False after the end or a fatal item was written (and in [`Portfolio::ZEROED`]).
    open: bool,
}

impl<const N: usize, const C: usize> Default for Portfolio<N, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const C: usize> Portfolio<N, C> {
    /// A reader before its first byte.
    pub fn new() -> Self {
        let mut p = Self::ZEROED;
        p.reset();
        p
    }

    /// A reader that has finished before it started, every byte zero (see
    /// [`Framer::ZEROED`]); [`Portfolio::reset`] starts it.
    pub const ZEROED: Self = Portfolio {
        framer: Framer::ZEROED,
        columns: [0; C],
        width: 0,
        id_col: 0,
        name_col: None,
        header_done: false,
        rows: 0,
        open: false,
    };

    /// Starts a new input.
    pub fn reset(&mut self) {
        self.framer.reset();
        self.width = 0;
        self.id_col = 0;
        self.name_col = None;
        self.header_done = false;
        self.rows = 0;
        self.open = true;
    }

    /// Whether the end or a fatal error was written.
    pub const fn is_finished(&self) -> bool {
        !self.open
    }

    /// Reads bytes of `chunk` while `out` has room for an item; returns how many were
    /// consumed (feed the rest again after reading the output).
    pub fn feed(&mut self, model: &Model, chunk: &[u8], out: &mut Out<'_>) -> usize {
        let mut at = self.framer.skip_bom(chunk);
        while at < chunk.len() {
            if !self.open {
                return chunk.len();
            }
            if out.room() < MAX_ITEM {
                return at;
            }
            let Some(&b) = chunk.get(at) else { break };
            at += 1;
            match self.framer.push(b) {
                Ok(Step::More) => {}
                Ok(Step::Record) => self.record(model, out),
                Err(e) => self.fatal_frame(e, out),
            }
        }
        chunk.len()
    }

    /// The end of the input: the last record, and the end item (or a fatal item). Returns
    /// false when `out` has no room yet (read the output and call again).
    pub fn finish(&mut self, model: &Model, out: &mut Out<'_>) -> bool {
        if !self.open {
            return true;
        }
        if out.room() < 2 * MAX_ITEM {
            return false;
        }
        match self.framer.finish() {
            Ok(Step::Record) => self.record(model, out),
            Ok(Step::More) => {}
            Err(e) => self.fatal_frame(e, out),
        }
        if !self.open {
            return true;
        }
        if !self.header_done {
            let line = self.framer.line();
            self.fatal(6, line, 0, b"", out);
            return true;
        }
        out.u8(4);
        out.u64(self.rows);
        self.open = false;
        true
    }

    fn fatal_frame(&mut self, e: FrameError, out: &mut Out<'_>) {
        let code = match e {
            FrameError::BlankLines { .. } => 1,
            FrameError::RecordTooLong { .. } => 2,
            FrameError::Nul { .. } => 3,
            FrameError::HeaderTooWide { .. } => 4,
            FrameError::OpenQuote { .. } => 5,
        };
        self.fatal(code, e.line(), 0, b"", out);
    }

    fn fatal(&mut self, code: u8, line: u64, column: u32, name: &[u8], out: &mut Out<'_>) {
        fatal_item(code, line, column, name, out);
        self.open = false;
    }

    fn record(&mut self, model: &Model, out: &mut Out<'_>) {
        if self.header_done {
            self.row(model, out);
        } else {
            self.header(model, out);
        }
    }

    fn header(&mut self, model: &Model, out: &mut Out<'_>) {
        let line = self.framer.record_line();
        if self.framer.fields() == 1 && self.framer.field(0).is_some_and(<[u8]>::is_empty) {
            self.fatal(6, line, 0, b"", out);
            return;
        }
        let mut seen = [false; MAX_INDICATORS];
        let (mut id_col, mut name_col) = (None, None);
        let mut unknown = 0u32;
        let width = self.framer.fields().min(C);
        for i in 0..width {
            let Some(cell) = self.framer.field(i) else {
                break;
            };
            let Ok(text) = core::str::from_utf8(cell) else {
                fatal_item(7, line, i as u32 + 1, b"", out);
                self.open = false;
                return;
            };
            let name = text.trim().trim_start_matches('\u{feff}');
            let column = match name {
                "id" if id_col.is_some() => None,
                "id" => {
                    id_col = Some(i);
                    Some(ID)
                }
                "name" if name_col.is_some() => None,
                "name" => {
                    name_col = Some(i);
                    Some(NAME)
                }
                other => match model.position(other) {
                    Some(k) => match seen.get_mut(k) {
                        Some(slot) if !*slot => {
                            *slot = true;
                            Some(k as u16)
                        }
                        _ => None,
                    },
                    None => {
                        unknown += 1;
                        Some(IGNORED)
                    }
                },
            };
            let Some(column) = column else {
                fatal_item(8, line, i as u32 + 1, name.as_bytes(), out);
                self.open = false;
                return;
            };
            if let Some(slot) = self.columns.get_mut(i) {
                *slot = column;
            }
        }
        let Some(id_col) = id_col else {
            self.fatal(9, line, 0, b"", out);
            return;
        };
        self.width = width;
        self.id_col = id_col;
        self.name_col = name_col;
        self.header_done = true;
        self.framer.keep_fields(width.saturating_add(1));

        let mut absent = 0u32;
        for (k, s) in seen.iter().enumerate().take(model.len()) {
            if !*s {
                absent |= 1 << k;
            }
        }
        out.u8(1);
        out.u64(line);
        out.u32(width as u32);
        out.u8(u8::from(name_col.is_some()));
        out.u32(absent);
        out.u32(unknown);
        let mut listed = 0;
        for i in 0..width {
            if listed == MAX_UNKNOWN {
                break;
            }
            if self.columns.get(i) == Some(&IGNORED) {
                let name = self.framer.field(i).unwrap_or(&[]);
                let name = core::str::from_utf8(name).map_or(name, |s| s.trim().as_bytes());
                out.str8(name);
                listed += 1;
            }
        }
    }

    fn row(&mut self, model: &Model, out: &mut Out<'_>) {
        self.rows += 1;
        let record = self.parse(model);
        let outcome = Outcome::of(model, record.as_ref().map_err(|s| *s));
        out.u8(2);
        out.u64(self.framer.record_line());
        out.u64(self.rows);
        outcome::write(&outcome, out);
        let id = text(self.framer.field(self.id_col));
        out.str16(id, MAX_TEXT);
        let name = text(self.name_col.and_then(|c| self.framer.field(c)));
        out.str16(name, MAX_TEXT);
        out.u8(u8::from(name.len() > MAX_TEXT));
    }

    /// The record of the current row, or the status of its first bad cell (file column
    /// order), as the host's reader does.
    fn parse(&self, model: &Model) -> Result<Record, Status> {
        let f = &self.framer;
        if f.fields() != self.width {
            return Err(Status::Fields);
        }
        let mut values = [None; MAX_INDICATORS];
        let mut id = 0u32;
        for i in 0..self.width {
            let column = self.columns.get(i).copied().unwrap_or(IGNORED);
            if column == NAME || column == IGNORED {
                continue;
            }
            let fail = if column == ID {
                Status::Parse(Cell::Id)
            } else {
                Status::Parse(Cell::Indicator(column as u8))
            };
            let cell = f.field(i).unwrap_or(&[]);
            let cell = core::str::from_utf8(cell).map_err(|_| fail)?.trim();
            if column == ID {
                id = cell.parse().map_err(|_| fail)?;
            } else if !cell.is_empty() {
                let v: f32 = cell.parse().map_err(|_| fail)?;
                if let Some(slot) = values.get_mut(usize::from(column)) {
                    *slot = Some(v);
                }
            }
        }
        Record::from_values(id, values.get(..model.len()).unwrap_or(&[])).map_err(|_| Status::Other)
    }
}

/// A cell for display: trimmed when it is UTF-8 (else as it is, for the page to decode
/// with replacement characters).
fn text(cell: Option<&[u8]>) -> &[u8] {
    let cell = cell.unwrap_or(&[]);
    core::str::from_utf8(cell).map_or(cell, |s| s.trim().as_bytes())
}

/// Writes a fatal item (see the module documentation).
fn fatal_item(code: u8, line: u64, column: u32, name: &[u8], out: &mut Out<'_>) {
    out.u8(3);
    out.u8(code);
    out.u64(line);
    out.u32(column);
    out.str8(name);
}
