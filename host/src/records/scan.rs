//! The fast framer: splits the data rows of a records file into records by jumping from one
//! interesting byte to the next with `memchr` (line breaks, quotes, NUL), instead of looking
//! at every byte as the [`super::frame::Framer`] does. It reads the same grammar with the same
//! refusals, line numbers and limits (see `records/frame.rs`); `records/tests.rs` checks the
//! two against each other on generated hostile inputs.
//!
//! It works on blocks: [`Scanner::next_block`] reads about `target` bytes and returns them with
//! the [`Span`] of every whole record in them; the bytes of a record cut by the end of the
//! block are carried into the next block. Fields are split later, by [`split`], so that this
//! sequential part does as little as possible and the rest can run in parallel.

use std::borrow::ToOwned;
use std::format;
use std::io::{self, Read};
use std::vec::Vec;

use super::frame::FrameError;
use super::Limits;

/// Where a record lies in its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// The first byte of the record (after any blank lines).
    pub start: usize,
    /// One past its last byte, its line break excluded.
    pub end: usize,
    /// The 1-based line on which it starts.
    pub line: u64,
    /// Whether a field of it is quoted (then [`split`] removes quotes; otherwise its fields
    /// are the bytes between commas).
    pub quoted: bool,
}

/// A block of input and the records in it, in order; `end` is set when the input ended with
/// an error after those records (I/O, a limit, an open quote, a NUL byte).
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// The bytes.
    pub data: Vec<u8>,
    /// The records.
    pub spans: Vec<Span>,
    /// The error after the records, if any.
    pub end: Option<FrameError>,
}

/// The outcome of scanning one record from a position.
enum Step {
    /// A record, and where the next one starts.
    Record(Span, usize),
    /// Only blank lines up to the end of the input.
    End,
    /// More bytes are needed to tell.
    More,
    /// The input breaks a rule or a limit.
    Invalid(u64, std::string::String),
}

/// The line-counting state between records.
#[derive(Clone, Copy, Debug)]
struct Lines {
    /// The current line (1-based).
    line: u64,
    /// The last byte was a `\r` (so a `\n` next does not start another line).
    after_cr: bool,
}

/// Splits a byte stream into blocks of records. See the module documentation.
pub(crate) struct Scanner<R> {
    source: R,
    limits: Limits,
    lines: Lines,
    /// Bytes read but not yet returned in a block (the start of a record).
    carry: Vec<u8>,
    /// A block handed back by [`Scanner::push_back`], returned first.
    pushed: Option<Block>,
    eof: bool,
    done: bool,
}

impl<R: Read> Scanner<R> {
    /// A scanner that continues where a [`super::frame::Framer`] stopped: `pending` are the
    /// bytes it had read and not used, `line` and `after_cr` its line state, `eof` whether
    /// its source had ended.
    pub fn resume(
        source: R,
        limits: Limits,
        pending: Vec<u8>,
        line: u64,
        after_cr: bool,
        eof: bool,
    ) -> Self {
        Scanner {
            source,
            limits,
            lines: Lines { line, after_cr },
            carry: pending,
            pushed: None,
            eof,
            done: false,
        }
    }

    /// Hands back a block (or what is left of it) to be returned again by the next call of
    /// [`Scanner::next_block`], before anything else.
    pub fn push_back(&mut self, block: Block) {
        if !block.spans.is_empty() || block.end.is_some() {
            self.pushed = Some(block);
        }
    }

    /// The next block of about `target` bytes (more when one record is longer; less when the
    /// source hands out less at a time, as pipes do), or `None`
    /// once the input has ended (after the block that holds the error, if there is one).
    pub fn next_block(&mut self, target: usize) -> Option<Block> {
        if let Some(block) = self.pushed.take() {
            return Some(block);
        }
        if self.done {
            return None;
        }
        let mut data = core::mem::take(&mut self.carry);
        let mut want = target.max(1);
        let mut failed: Option<io::Error> = None;
        loop {
            // Fill to `want` bytes (or the end of the input).
            while data.len() < want && !self.eof && failed.is_none() {
                let room = (want - data.len()).clamp(64 * 1024, 1 << 20);
                let len = data.len();
                data.resize(len + room, 0);
                let got = loop {
                    match self.source.read(data.get_mut(len..).unwrap_or(&mut [])) {
                        Ok(n) => break Ok(n),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                match got {
                    Ok(0) => {
                        data.truncate(len);
                        self.eof = true;
                    }
                    Ok(n) => {
                        data.truncate(len + n.min(room));
                        if n < room {
                            // A pipe or a terminal hands out what it has: go on with it
                            // rather than wait for a whole block, so that rows stream.
                            break;
                        }
                    }
                    Err(e) => {
                        data.truncate(len);
                        failed = Some(e);
                    }
                }
            }
            let mut block = Block {
                data: Vec::new(),
                spans: Vec::new(),
                end: None,
            };
            let mut pos = 0;
            let mut nul = memchr::memchr(0, &data);
            let at_end = self.eof;
            loop {
                if nul.is_some_and(|z| z < pos) {
                    nul = memchr::memchr(0, data.get(pos..).unwrap_or(&[])).map(|z| z + pos);
                }
                match scan(&data, pos, at_end, &mut self.lines, &self.limits, nul) {
                    Step::Record(span, next) => {
                        block.spans.push(span);
                        pos = next;
                    }
                    Step::End => {
                        self.done = true;
                        pos = data.len();
                        break;
                    }
                    Step::More => break,
                    Step::Invalid(line, message) => {
                        self.done = true;
                        block.end = Some(FrameError::Invalid { line, message });
                        pos = data.len();
                        break;
                    }
                }
            }
            if !self.done {
                if let Some(e) = failed.take() {
                    // The records before the failure, then the failure (the bytes of a record
                    // it cut are lost, as with the byte-by-byte framer).
                    self.done = true;
                    block.end = Some(FrameError::Io(e));
                    pos = data.len();
                }
            }
            if block.spans.is_empty() && !self.done {
                // Not one whole record yet: read more, doubling, but never more than the
                // limit needs to decide (one byte past it is an error).
                let cap = self.limits.max_record_bytes.saturating_add(1);
                want = data
                    .len()
                    .saturating_add(data.len().max(target).max(64 * 1024))
                    .min(cap.max(data.len() + 1));
                continue;
            }
            self.carry = data.get(pos..).map(<[u8]>::to_vec).unwrap_or_default();
            data.truncate(pos);
            block.data = data;
            return Some(block);
        }
    }
}

/// Scans one record starting at `pos` (the start of a `next_record` call of the byte-by-byte
/// framer: blank lines may come first). `nul` is the first NUL byte at or after `pos`.
/// `lines` is advanced only when a record (or the end) is found.
fn scan(
    data: &[u8],
    pos: usize,
    at_eof: bool,
    lines: &mut Lines,
    limits: &Limits,
    nul: Option<usize>,
) -> Step {
    let max = limits.max_record_bytes;
    // The byte at `limit` is the first past the limit: reaching it is the length error.
    let limit = pos.saturating_add(max);
    let len = data.len();
    let nul = nul.unwrap_or(usize::MAX);
    let nul_message = || {
        "NUL byte: a records file is CSV text, and this looks like binary data or UTF-16".to_owned()
    };
    let mut st = *lines;
    let blank_from = st.line;
    let mut i = pos;
    // Blank lines.
    loop {
        if i >= len {
            return if at_eof { Step::End } else { Step::More };
        }
        if i >= limit {
            return Step::Invalid(
                blank_from,
                format!("more than {max} bytes of blank lines start here (the limit)"),
            );
        }
        match data.get(i).copied().unwrap_or(0) {
            0 => return Step::Invalid(st.line, nul_message()),
            b'\n' => {
                if !st.after_cr {
                    st.line += 1;
                }
                st.after_cr = false;
            }
            b'\r' => {
                st.line += 1;
                st.after_cr = true;
            }
            _ => break,
        }
        i += 1;
    }
    let start = i;
    let line = st.line;
    st.after_cr = false;
    let too_long = || {
        Step::Invalid(
            line,
            format!(
                "a record longer than {max} bytes starts here (the limit, its line break and \
                 the blank lines before it included)"
            ),
        )
    };
    let stop = limit.min(len);
    let mut quoted = false;
    loop {
        // Unquoted: the next line break, quote or NUL.
        let hay = data.get(i..stop).unwrap_or(&[]);
        let found = memchr::memchr3(b'\n', b'\r', b'"', hay).map(|j| j + i);
        let j = match found {
            Some(j) if j < nul => j,
            _ if nul < stop => return Step::Invalid(st.line, nul_message()),
            Some(j) => j,
            None if stop == limit && limit < len => return too_long(),
            None if at_eof && stop == len => {
                // The last record, without a line break.
                *lines = st;
                let span = Span {
                    start,
                    end: len,
                    line,
                    quoted,
                };
                return Step::Record(span, len);
            }
            // Whether the next byte is past the limit or the end of the input decides.
            None => return Step::More,
        };
        match data.get(j).copied().unwrap_or(0) {
            b'"' => {
                let field_start = j == start || data.get(j.wrapping_sub(1)) == Some(&b',');
                if !field_start {
                    i = j + 1;
                    continue;
                }
                quoted = true;
                let quote_line = st.line;
                // Quoted: the next quote, line break or NUL.
                let mut k = j + 1;
                loop {
                    let hay = data.get(k..stop).unwrap_or(&[]);
                    let found = memchr::memchr3(b'"', b'\n', b'\r', hay).map(|q| q + k);
                    let q = match found {
                        Some(q) if q < nul => q,
                        _ if nul < stop => {
                            // The line of the NUL: count the line breaks before it.
                            let mut s = st;
                            advance(&mut s, data.get(k..nul).unwrap_or(&[]));
                            return Step::Invalid(s.line, nul_message());
                        }
                        Some(q) => q,
                        None if stop == limit && limit < len => return too_long(),
                        None if at_eof && stop == len => {
                            return Step::Invalid(
                                quote_line,
                                "a quoted field starts here and is never closed: the file \
                                 ends inside it (a `\"` is missing)"
                                    .to_owned(),
                            );
                        }
                        None => return Step::More,
                    };
                    if q > k {
                        st.after_cr = false;
                    }
                    match data.get(q).copied().unwrap_or(0) {
                        b'\n' => {
                            if !st.after_cr {
                                st.line += 1;
                            }
                            st.after_cr = false;
                            k = q + 1;
                        }
                        b'\r' => {
                            st.line += 1;
                            st.after_cr = true;
                            k = q + 1;
                        }
                        _ => {
                            // A quote: what follows decides.
                            st.after_cr = false;
                            let n = q + 1;
                            let Some(&c) = data.get(n) else {
                                if at_eof {
                                    *lines = st;
                                    let span = Span {
                                        start,
                                        end: len,
                                        line,
                                        quoted,
                                    };
                                    return Step::Record(span, len);
                                }
                                return Step::More;
                            };
                            if n >= limit {
                                return too_long();
                            }
                            match c {
                                b'"' => k = n + 1,
                                0 => return Step::Invalid(st.line, nul_message()),
                                b'\n' | b'\r' => {
                                    end_line(&mut st, c);
                                    *lines = st;
                                    let span = Span {
                                        start,
                                        end: n,
                                        line,
                                        quoted,
                                    };
                                    return Step::Record(span, n + 1);
                                }
                                _ => {
                                    // The field goes on unquoted (after a comma, a new one).
                                    i = n;
                                    break;
                                }
                            }
                        }
                    }
                }
                if data.get(i) == Some(&b',') {
                    i += 1;
                }
            }
            c => {
                // A line break ends the record.
                end_line(&mut st, c);
                *lines = st;
                let span = Span {
                    start,
                    end: j,
                    line,
                    quoted,
                };
                return Step::Record(span, j + 1);
            }
        }
    }
}

/// The line state after the line break `c` that ends a record (never after a `\r`: the
/// record's last byte was not one).
fn end_line(st: &mut Lines, c: u8) {
    st.line += 1;
    st.after_cr = c == b'\r';
}

/// Advances the line state over `bytes`.
fn advance(st: &mut Lines, bytes: &[u8]) {
    for &b in bytes {
        match b {
            b'\n' => {
                if !st.after_cr {
                    st.line += 1;
                }
                st.after_cr = false;
            }
            b'\r' => {
                st.line += 1;
                st.after_cr = true;
            }
            _ => st.after_cr = false,
        }
    }
}

/// The fields of a record: appends the end of each kept field (at most `keep`) to `ends`, and
/// its bytes to `bytes` when the record is quoted (unquoted fields are the record's own bytes:
/// then `bytes` stays empty and the ends are offsets into `record`). Returns the number of
/// fields, kept or not.
pub(crate) fn split(
    record: &[u8],
    quoted: bool,
    keep: usize,
    bytes: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> usize {
    bytes.clear();
    ends.clear();
    if !quoted {
        let mut fields = 0usize;
        for c in memchr::memchr_iter(b',', record) {
            if fields < keep {
                ends.push(c);
            }
            fields += 1;
        }
        if fields < keep {
            ends.push(record.len());
        }
        return fields + 1;
    }
    // The field grammar of `records/frame.rs`, from the start of a field.
    #[derive(PartialEq)]
    enum S {
        Start,
        In,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::Start;
    let mut fields = 0usize;
    for &b in record {
        match s {
            S::Start => match b {
                b'"' => s = S::Quoted,
                b',' => {
                    if fields < keep {
                        ends.push(bytes.len());
                    }
                    fields += 1;
                }
                _ => {
                    if fields < keep {
                        bytes.push(b);
                    }
                    s = S::In;
                }
            },
            S::In => {
                if b == b',' {
                    if fields < keep {
                        ends.push(bytes.len());
                    }
                    fields += 1;
                    s = S::Start;
                } else if fields < keep {
                    bytes.push(b);
                }
            }
            S::Quoted => {
                if b == b'"' {
                    s = S::QuoteInQuoted;
                } else if fields < keep {
                    bytes.push(b);
                }
            }
            S::QuoteInQuoted => match b {
                b'"' => {
                    if fields < keep {
                        bytes.push(b);
                    }
                    s = S::Quoted;
                }
                b',' => {
                    if fields < keep {
                        ends.push(bytes.len());
                    }
                    fields += 1;
                    s = S::Start;
                }
                _ => {
                    if fields < keep {
                        bytes.push(b);
                    }
                    s = S::In;
                }
            },
        }
    }
    if fields < keep {
        ends.push(bytes.len());
    }
    fields + 1
}
