//! Framing a CSV byte stream into records, pushed in chunks, in fixed memory: the grammar,
//! limits and refusals of the host's records reader (`silkscore_host::records`, docs/spec.md
//! §7.2), so that the page reads a portfolio exactly as `silkscore score` does.
//!
//! Fields are separated by `,`, records by `\n`, `\r\n` or a lone `\r`; a field that starts
//! with `"` is quoted, may hold separators and line breaks, and writes `"` as `""`; after
//! its closing quote the rest of the field is taken as written; blank lines between records
//! are skipped but counted. A UTF-8 byte order mark at the very start is dropped. Refused,
//! ending the input: a record (with the blank lines before it) longer than `N` bytes, a
//! header wider than `C` columns, a NUL byte, a quoted field open at the end. The tests
//! compare every row and refusal with the host reader on generated files.

/// Why framing stopped (the end of the input as far as the reader goes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// More than the record limit of blank lines, starting at `line`.
    BlankLines {
        /// Where they start.
        line: u64,
    },
    /// A record longer than the limit starts at `line`.
    RecordTooLong {
        /// Where it starts.
        line: u64,
    },
    /// A NUL byte on `line`.
    Nul {
        /// Its line.
        line: u64,
    },
    /// The header (on `line`) has more columns than the limit.
    HeaderTooWide {
        /// The header's line.
        line: u64,
    },
    /// A quoted field starting on `line` is still open at the end.
    OpenQuote {
        /// Where it starts.
        line: u64,
    },
}

impl FrameError {
    /// The line the error is about.
    pub const fn line(&self) -> u64 {
        match *self {
            FrameError::BlankLines { line }
            | FrameError::RecordTooLong { line }
            | FrameError::Nul { line }
            | FrameError::HeaderTooWide { line }
            | FrameError::OpenQuote { line } => line,
        }
    }
}

/// What one byte did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing to report yet.
    More,
    /// A record is complete: read it with [`Framer::fields`] before the next byte.
    Record,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// A push framer holding one record of at most `N` bytes and `C` columns.
#[derive(Clone, Debug)]
pub struct Framer<const N: usize, const C: usize> {
    bytes: [u8; N],
    len: usize,
    /// End of each kept field in `bytes`; one more than `C`, for the row that is too wide.
    ends: [u32; C],
    ends_extra: u32,
    kept: usize,
    /// Fields in the record, also those past the kept ones.
    fields: usize,
    /// Fields kept per data record: the header width plus one, once known.
    keep: usize,
    header: bool,
    state: State,
    line: u64,
    record_line: u64,
    blank_from: u64,
    after_cr: bool,
    quote_line: u64,
    taken: usize,
    at_start: bool,
    /// False once the input ended (and in [`Framer::ZEROED`]).
    live: bool,
}

impl<const N: usize, const C: usize> Default for Framer<N, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const C: usize> Framer<N, C> {
    /// A framer at the start of an input, expecting the header.
    pub fn new() -> Self {
        let mut f = Self::ZEROED;
        f.reset();
        f
    }

    /// A framer that is done before it started, every byte zero: the value of a `static`
    /// that costs no bytes in the WebAssembly module (it goes to `.bss`). [`Framer::reset`]
    /// starts it.
    pub const ZEROED: Self = Framer {
        bytes: [0; N],
        len: 0,
        ends: [0; C],
        ends_extra: 0,
        kept: 0,
        fields: 0,
        keep: 0,
        header: false,
        state: State::StartRecord,
        line: 0,
        record_line: 0,
        blank_from: 0,
        after_cr: false,
        quote_line: 0,
        taken: 0,
        at_start: false,
        live: false,
    };

    /// Back to the start of a new input.
    pub fn reset(&mut self) {
        self.len = 0;
        self.kept = 0;
        self.fields = 0;
        self.keep = C;
        self.header = true;
        self.state = State::StartRecord;
        self.line = 1;
        self.record_line = 1;
        self.blank_from = 1;
        self.after_cr = false;
        self.quote_line = 1;
        self.taken = 0;
        self.at_start = true;
        self.live = true;
    }

    /// After the header: keep `n` fields of each data record (the header's width plus one,
    /// enough to tell a row that is too wide) and count the rest.
    pub fn keep_fields(&mut self, n: usize) {
        self.header = false;
        self.keep = n;
    }

    /// Whether the input ended (an error, or the end after the last record).
    pub const fn is_done(&self) -> bool {
        !self.live
    }

    /// The current line: where the next record or the end is.
    pub const fn line(&self) -> u64 {
        self.line
    }

    /// The line the last record started on.
    pub const fn record_line(&self) -> u64 {
        self.record_line
    }

    /// Fields of the last record (kept or not).
    pub const fn fields(&self) -> usize {
        self.fields
    }

    /// The bytes of field `i` of the last record, when it was kept.
    pub fn field(&self, i: usize) -> Option<&[u8]> {
        let end = self.end(i)?;
        let start = match i.checked_sub(1) {
            Some(p) => self.end(p)?,
            None => 0,
        };
        self.bytes.get(start..end)
    }

    fn end(&self, i: usize) -> Option<usize> {
        if i >= self.kept {
            return None;
        }
        let e = match self.ends.get(i) {
            Some(e) => *e,
            None if i == C => self.ends_extra,
            None => return None,
        };
        Some(e as usize)
    }

    /// Whether the start of the input is still ahead: a byte order mark there is dropped by
    /// [`Framer::skip_bom`].
    pub const fn at_start(&self) -> bool {
        self.at_start
    }

    /// At the start of the input: drops a UTF-8 byte order mark at the front of `chunk`
    /// (the first chunk of a file; the host drops one only when its first read holds it
    /// whole, and so does this). Returns the bytes to skip.
    pub fn skip_bom(&mut self, chunk: &[u8]) -> usize {
        if !self.at_start || chunk.is_empty() {
            return 0;
        }
        self.at_start = false;
        if chunk.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        }
    }

    fn begin_record_if_needed(&mut self) {
        if self.state == State::StartRecord && self.taken == 0 {
            self.len = 0;
            self.kept = 0;
            self.fields = 0;
            self.blank_from = self.line;
        }
    }

    /// Feeds one byte. After [`Step::Record`], the record stays readable until the next byte.
    pub fn push(&mut self, b: u8) -> Result<Step, FrameError> {
        if !self.live {
            return Ok(Step::More);
        }
        self.at_start = false;
        self.begin_record_if_needed();
        self.taken += 1;
        if self.taken > N {
            let e = if self.state == State::StartRecord {
                FrameError::BlankLines {
                    line: self.blank_from,
                }
            } else {
                FrameError::RecordTooLong {
                    line: self.record_line,
                }
            };
            return Err(self.fail(e));
        }
        if b == 0 {
            let line = self.line;
            return Err(self.fail(FrameError::Nul { line }));
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
                    return Ok(Step::More);
                }
                self.record_line = line_before;
                self.state = State::StartField;
                self.start_field(b, line_before)
            }
            State::StartField => self.start_field(b, line_before),
            State::InField => match b {
                b',' => self.end_field(),
                b'\n' | b'\r' => self.end_record(),
                _ => {
                    self.keep_byte(b);
                    Ok(Step::More)
                }
            },
            State::InQuoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                } else {
                    self.keep_byte(b);
                }
                Ok(Step::More)
            }
            State::QuoteInQuoted => match b {
                b'"' => {
                    self.keep_byte(b);
                    self.state = State::InQuoted;
                    Ok(Step::More)
                }
                b',' => self.end_field(),
                b'\n' | b'\r' => self.end_record(),
                _ => {
                    self.keep_byte(b);
                    self.state = State::InField;
                    Ok(Step::More)
                }
            },
        }
    }

    /// The end of the input: the last record if one is open ([`Step::Record`]), nothing
    /// ([`Step::More`], and the framer is done), or an open quote.
    pub fn finish(&mut self) -> Result<Step, FrameError> {
        if !self.live {
            return Ok(Step::More);
        }
        match self.state {
            State::StartRecord => {
                self.live = false;
                Ok(Step::More)
            }
            State::InQuoted => {
                let line = self.quote_line;
                Err(self.fail(FrameError::OpenQuote { line }))
            }
            State::StartField | State::InField | State::QuoteInQuoted => {
                self.live = false;
                self.end_record()
            }
        }
    }

    fn fail(&mut self, e: FrameError) -> FrameError {
        self.live = false;
        e
    }

    fn limit(&self) -> usize {
        if self.header {
            C
        } else {
            self.keep
        }
    }

    fn start_field(&mut self, b: u8, line: u64) -> Result<Step, FrameError> {
        match b {
            b'"' => {
                self.quote_line = line;
                self.state = State::InQuoted;
                Ok(Step::More)
            }
            b',' => self.end_field(),
            b'\n' | b'\r' => self.end_record(),
            _ => {
                self.keep_byte(b);
                self.state = State::InField;
                Ok(Step::More)
            }
        }
    }

    fn keep_byte(&mut self, b: u8) {
        if self.fields < self.limit() {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }

    fn count_field(&mut self) -> Result<(), FrameError> {
        if self.fields < self.limit() {
            let end = self.len as u32;
            match self.ends.get_mut(self.kept) {
                Some(slot) => *slot = end,
                None => self.ends_extra = end,
            }
            self.kept += 1;
        }
        self.fields = self.fields.saturating_add(1);
        if self.header && self.fields > C {
            let line = self.record_line;
            return Err(self.fail(FrameError::HeaderTooWide { line }));
        }
        Ok(())
    }

    fn end_field(&mut self) -> Result<Step, FrameError> {
        self.count_field()?;
        self.state = State::StartField;
        Ok(Step::More)
    }

    fn end_record(&mut self) -> Result<Step, FrameError> {
        self.count_field()?;
        self.state = State::StartRecord;
        self.taken = 0;
        Ok(Step::Record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;
    use std::vec::Vec;

    /// Records as (line, fields), and the error that ended the input.
    type Framed = (Vec<(u64, Vec<Vec<u8>>)>, Option<FrameError>);

    fn records(input: &[u8]) -> Framed {
        let mut f: Framer<64, 8> = Framer::new();
        let mut out = Vec::new();
        let skip = f.skip_bom(input);
        let mut take = |f: &Framer<64, 8>| {
            let fields = (0..f.fields())
                .filter_map(|i| f.field(i).map(<[u8]>::to_vec))
                .collect();
            out.push((f.record_line(), fields));
        };
        for &b in &input[skip..] {
            match f.push(b) {
                Ok(Step::Record) => take(&f),
                Ok(Step::More) => {}
                Err(e) => return (out, Some(e)),
            }
        }
        match f.finish() {
            Ok(Step::Record) => take(&f),
            Ok(Step::More) => {}
            Err(e) => return (out, Some(e)),
        }
        (out, None)
    }

    #[test]
    fn quotes_line_breaks_and_blank_lines() {
        let (r, e) = records(b"\xEF\xBB\xBFid,name\r\n\r\n1,\"a,\"\"b\"\"\nc\"x\r2,y");
        assert_eq!(e, None);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], (1, vec![b"id".to_vec(), b"name".to_vec()]));
        assert_eq!(r[1], (3, vec![b"1".to_vec(), b"a,\"b\"\ncx".to_vec()]));
        assert_eq!(r[2], (5, vec![b"2".to_vec(), b"y".to_vec()]));
    }

    #[test]
    fn refusals() {
        assert_eq!(records(b"id\n1\0").1, Some(FrameError::Nul { line: 2 }));
        assert_eq!(
            records(b"id\n\"open\n\n").1,
            Some(FrameError::OpenQuote { line: 2 })
        );
        assert_eq!(
            records(b"a,b,c,d,e,f,g,h,i\n").1,
            Some(FrameError::HeaderTooWide { line: 1 })
        );
        let long = [b'x'; 65];
        assert_eq!(
            records(&[b"id\n".as_slice(), &long].concat()).1,
            Some(FrameError::RecordTooLong { line: 2 })
        );
        let blank = [b'\n'; 70];
        assert_eq!(
            records(&[b"id\n".as_slice(), &blank, b"1"].concat()).1,
            Some(FrameError::BlankLines { line: 2 })
        );
    }
}
