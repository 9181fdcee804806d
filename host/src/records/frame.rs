//! Framing a CSV byte stream into records, in bounded memory (docs/spec.md §7).
//!
//! The grammar is RFC 4180 as the `csv` crate reads it: fields separated by `,`, records by
//! `\n`, `\r\n` or a lone `\r`; a field that starts with `"` is quoted, may hold separators
//! and line breaks, and writes a `"` as `""`; after its closing quote, the rest of the field
//! up to the next separator is taken as written (`"ab"c` is `abc`); a `"` inside an unquoted
//! field is an ordinary character. Blank lines between records are skipped (they are not
//! rows), but counted in line numbers. A UTF-8 byte order mark at the very start is dropped.
//!
//! Unlike the `csv` crate, the [`Framer`] refuses what would otherwise be read silently or
//! without bound:
//!
//! * a record (with the blank lines before it) longer than [`Limits::max_record_bytes`];
//! * a header wider than [`Limits::max_columns`] (data rows wider than the header are only
//!   counted, for the `parse:fields` status);
//! * a quoted field still open at the end of the input (named by the line where it began,
//!   instead of taking the rest of the file as one field);
//! * a NUL byte (binary data, a UTF-16 file, `/dev/zero`).
//!
//! Lines are counted from 1; a line ends at `\n`, `\r\n` or a lone `\r`, in and out of
//! quoted fields alike, so a record's line is where an editor shows it for LF, CRLF and
//! mixed files.

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::io::{self, Read};
use std::string::String;
use std::vec;
use std::vec::Vec;

use super::Limits;

/// Why framing stopped: every variant is the end of the input as far as the reader goes.
#[derive(Debug)]
pub(crate) enum FrameError {
    /// The source failed.
    Io(io::Error),
    /// The input breaks a rule or a limit; `line` is where (1-based).
    Invalid {
        /// The line the message is about.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Io(e) => write!(f, "{e}"),
            FrameError::Invalid { line, message } => write!(f, "line {line}: {message}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between records: line breaks here are blank lines, skipped.
    StartRecord,
    /// At the start of a field (after a separator).
    StartField,
    /// In an unquoted field.
    InField,
    /// In a quoted field.
    InQuoted,
    /// In a quoted field, just after a `"`: the closing quote or the first of `""`.
    QuoteInQuoted,
}

/// One record: its fields' bytes (quotes removed), where each field ends, and its line.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawRecord {
    /// The 1-based line on which the record starts.
    pub line: u64,
    /// The fields, concatenated.
    bytes: Vec<u8>,
    /// The end of each kept field in `bytes`.
    ends: Vec<usize>,
    /// Fields in the record, also those past the kept ones.
    fields: usize,
}

impl RawRecord {
    /// Fields in the record (kept or not).
    pub fn len(&self) -> usize {
        self.fields
    }

    /// The bytes of field `i`, when it was kept.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(p) => *self.ends.get(p)?,
            None => 0,
        };
        self.bytes.get(start..end)
    }

    /// The kept fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.ends.len()).filter_map(|i| self.get(i))
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.fields = 0;
    }
}

/// Size of the read buffer.
const CHUNK: usize = 64 * 1024;

/// Splits a byte stream into [`RawRecord`]s, never holding more than one record (and a
/// 64 KiB read buffer). See the module documentation for the grammar and the refusals.
pub(crate) struct Framer<R> {
    source: R,
    limits: Limits,
    /// Fields kept per record (the rest are counted): the header width, once known.
    keep: usize,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    /// Set once an error or the end was returned: the framer then yields nothing more.
    done: bool,
    state: State,
    /// The current line (1-based).
    line: u64,
    /// The last byte was a `\r` (so a `\n` next does not start another line).
    after_cr: bool,
    /// The line where the open quoted field began.
    quote_line: u64,
    /// Bytes of the record being read, blank lines before it included.
    taken: usize,
    /// Whether the start of the input (and a byte order mark there) is still ahead.
    at_start: bool,
    /// Whether the record being read is the header.
    header: bool,
    /// Fields kept of the record being read.
    keeping: usize,
}

impl<R: Read> Framer<R> {
    /// A framer of `source`, keeping at most `limits.max_columns` fields of a record.
    pub fn new(source: R, limits: Limits) -> Self {
        Framer {
            source,
            limits,
            keep: limits.max_columns,
            buf: vec![0; CHUNK],
            pos: 0,
            filled: 0,
            eof: false,
            done: false,
            state: State::StartRecord,
            line: 1,
            after_cr: false,
            quote_line: 1,
            taken: 0,
            at_start: true,
            header: true,
            keeping: limits.max_columns,
        }
    }

    /// Keeps at most `n` fields of each later record (and counts the rest): for data rows,
    /// the width of the header plus one, enough to tell that a row is too wide.
    #[cfg_attr(not(test), allow(dead_code))] // data rows are framed by records/scan.rs
    pub fn keep_fields(&mut self, n: usize) {
        self.keep = n;
    }

    /// The current line: where the next record or the end is.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The limits it applies.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Its source and state between records, for the fast framer to go on from (see
    /// `records/scan.rs`): the source, the bytes read and not used yet, the line, whether
    /// the last byte was a `\r`, and whether the source has ended. Only between records:
    /// after a record, the end or the header.
    pub fn into_parts(self) -> (R, Vec<u8>, u64, bool, bool) {
        let pending = self
            .buf
            .get(self.pos..self.filled)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        let eof = self.eof || self.done;
        (self.source, pending, self.line, self.after_cr, eof)
    }

    /// Refills the buffer; false at the end of the input.
    fn fill(&mut self) -> Result<bool, FrameError> {
        if self.pos < self.filled {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.source.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.filled = n.min(self.buf.len());
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(FrameError::Io(e)),
            }
        }
    }

    fn invalid(&mut self, line: u64, message: String) -> FrameError {
        self.done = true;
        FrameError::Invalid { line, message }
    }

    /// Reads the next record into `record`: `Ok(true)` with a record, `Ok(false)` at the end
    /// of the input, or the error that ends the input. `header` says whether this is the
    /// header, whose width is limited by [`Limits::max_columns`].
    pub fn next_record(
        &mut self,
        record: &mut RawRecord,
        header: bool,
    ) -> Result<bool, FrameError> {
        if self.done {
            return Ok(false);
        }
        record.clear();
        self.taken = 0;
        self.state = State::StartRecord;
        self.header = header;
        self.keeping = if header {
            self.limits.max_columns
        } else {
            self.keep
        };
        let keep = self.keeping;
        let blank_from = self.line;
        loop {
            let more = match self.fill() {
                Ok(more) => more,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            if !more {
                return self.at_end(record);
            }
            if self.at_start {
                // Drop a UTF-8 byte order mark (it may arrive split over reads; the first
                // read of a file holds it in practice, so only a whole one is dropped).
                self.at_start = false;
                if self
                    .buf
                    .get(self.pos..self.filled)
                    .is_some_and(|b| b.starts_with(b"\xEF\xBB\xBF"))
                {
                    self.pos += 3;
                    continue;
                }
            }
            let end = self.filled.min(self.buf.len());
            while self.pos < end {
                let Some(&b) = self.buf.get(self.pos) else {
                    break;
                };
                self.pos += 1;
                self.taken += 1;
                if self.taken > self.limits.max_record_bytes {
                    let max = self.limits.max_record_bytes;
                    let (line, message) = if self.state == State::StartRecord {
                        (
                            blank_from,
                            format!("more than {max} bytes of blank lines start here (the limit)"),
                        )
                    } else {
                        (
                            record.line,
                            format!(
                                "a record longer than {max} bytes starts here (the limit, its \
                                 line break and the blank lines before it included)"
                            ),
                        )
                    };
                    return Err(self.invalid(line, message));
                }
                if b == 0 {
                    let line = self.line;
                    return Err(self.invalid(
                        line,
                        "NUL byte: a records file is CSV text, and this looks like binary \
                         data or UTF-16"
                            .to_owned(),
                    ));
                }
                let line_before = self.line;
                match b {
                    b'\n' => {
                        if !self.after_cr {
                            self.line += 1;
                        }
                        self.after_cr = false;
                    }
                    b'\r' => {
                        self.line += 1;
                        self.after_cr = true;
                    }
                    _ => self.after_cr = false,
                }
                let newline = b == b'\n' || b == b'\r';
                match self.state {
                    State::StartRecord => {
                        if newline {
                            continue;
                        }
                        record.line = line_before;
                        self.state = State::StartField;
                        if let Some(done) = self.start_field(record, b, keep, line_before)? {
                            return Ok(done);
                        }
                    }
                    State::StartField => {
                        if let Some(done) = self.start_field(record, b, keep, line_before)? {
                            return Ok(done);
                        }
                    }
                    State::InField => match b {
                        b',' => self.end_field(record)?,
                        b'\n' | b'\r' => return self.end_record(record),
                        _ => push(record, b, keep),
                    },
                    State::InQuoted => {
                        if b == b'"' {
                            self.state = State::QuoteInQuoted;
                        } else {
                            push(record, b, keep);
                        }
                    }
                    State::QuoteInQuoted => match b {
                        b'"' => {
                            push(record, b, keep);
                            self.state = State::InQuoted;
                        }
                        b',' => self.end_field(record)?,
                        b'\n' | b'\r' => return self.end_record(record),
                        _ => {
                            push(record, b, keep);
                            self.state = State::InField;
                        }
                    },
                }
            }
        }
    }

    /// Handles byte `b` at the start of a field; `Some` when it ends the record.
    fn start_field(
        &mut self,
        record: &mut RawRecord,
        b: u8,
        keep: usize,
        line: u64,
    ) -> Result<Option<bool>, FrameError> {
        match b {
            b'"' => {
                self.quote_line = line;
                self.state = State::InQuoted;
            }
            b',' => self.end_field(record)?,
            b'\n' | b'\r' => return self.end_record(record).map(Some),
            _ => {
                push(record, b, keep);
                self.state = State::InField;
            }
        }
        Ok(None)
    }

    /// Counts a finished field (keeping its end when it is kept); an error when the header
    /// grows wider than allowed.
    fn count_field(&mut self, record: &mut RawRecord) -> Result<(), FrameError> {
        if record.fields < self.keeping {
            record.ends.push(record.bytes.len());
        }
        record.fields = record.fields.saturating_add(1);
        if self.header && record.fields > self.limits.max_columns {
            let (line, max) = (record.line, self.limits.max_columns);
            return Err(self.invalid(
                line,
                format!("the header has more than {max} columns (the limit)"),
            ));
        }
        Ok(())
    }

    fn end_field(&mut self, record: &mut RawRecord) -> Result<(), FrameError> {
        self.count_field(record)?;
        self.state = State::StartField;
        Ok(())
    }

    fn end_record(&mut self, record: &mut RawRecord) -> Result<bool, FrameError> {
        self.count_field(record)?;
        self.state = State::StartRecord;
        Ok(true)
    }

    /// The end of the input: the last record if one is open, an error for an open quote.
    fn at_end(&mut self, record: &mut RawRecord) -> Result<bool, FrameError> {
        match self.state {
            State::StartRecord => {
                self.done = true;
                Ok(false)
            }
            State::InQuoted => {
                let line = self.quote_line;
                Err(self.invalid(
                    line,
                    "a quoted field starts here and is never closed: the file ends inside \
                     it (a `\"` is missing)"
                        .to_owned(),
                ))
            }
            State::StartField | State::InField | State::QuoteInQuoted => {
                self.done = true;
                self.end_record(record)
            }
        }
    }
}

/// Appends a byte of a field, unless the field is past the kept ones.
fn push(record: &mut RawRecord, b: u8, keep: usize) {
    if record.fields < keep {
        record.bytes.push(b);
    }
}
