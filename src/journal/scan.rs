//! The recovery scan: one pass over the region, splitting it at `0x00` delimiters and keeping
//! every segment (or part of a segment) that decodes as an entry.

use super::flash::Flash;
use super::{Entry, JournalError, Recovery, ENTRY_FRAME_MAX_SIZE};
use crate::wire::frame::{decode_frame, CRC_LEN};

/// Bytes read from flash per call.
const CHUNK: usize = 64;
/// Longest segment examined: three frames merged by two damaged delimiters. The bytes of a
/// longer segment beyond this are skipped as one corrupt region.
const SEG_CAP: usize = 3 * ENTRY_FRAME_MAX_SIZE;
/// Longest COBS body of an entry frame (its delimiter excluded).
const BODY_MAX: usize = ENTRY_FRAME_MAX_SIZE - 1;
/// Shortest COBS body of an entry frame: a COBS code byte, the shortest payload (version,
/// one-byte sequence number, one-byte record id and fingerprint, 4 + 3 floats, four one-byte
/// basis points, grade) and the CRC.
const BODY_MIN: usize = 1 + (1 + 1 + 1 + 1 + 4 * 4 + 4 + 3 * 4 + 1) + CRC_LEN;

/// Recovery state; the journal runs it to the end on open, the entry iterator lazily.
pub(crate) struct Scanner {
    capacity: usize,
    /// Next region offset to read into `chunk`.
    pos: usize,
    chunk: [u8; CHUNK],
    chunk_len: usize,
    chunk_pos: usize,
    /// The current segment (bytes between two `0x00`), or its first `SEG_CAP` bytes.
    seg: [u8; SEG_CAP],
    seg_len: usize,
    seg_overflow: bool,
    /// Region offset of `seg[0]`.
    seg_start: usize,
    /// How far `seg` has been examined.
    seg_pos: usize,
    seg_ready: bool,
    seg_terminated: bool,
    eof: bool,
    /// Offset and value of the last byte of the region that is not `0xFF`.
    pub(crate) last_written: Option<(usize, u8)>,
    /// Sequence number of the last entry accepted.
    pub(crate) last_seq: Option<u32>,
    /// Region offset just after the COBS bytes of the last entry accepted.
    pub(crate) last_entry_end: usize,
    in_bad_region: bool,
    pub(crate) stats: Recovery,
}

impl Scanner {
    pub(crate) fn new(capacity: usize) -> Self {
        Scanner {
            capacity,
            pos: 0,
            chunk: [0; CHUNK],
            chunk_len: 0,
            chunk_pos: 0,
            seg: [0; SEG_CAP],
            seg_len: 0,
            seg_overflow: false,
            seg_start: 0,
            seg_pos: 0,
            seg_ready: false,
            seg_terminated: false,
            eof: false,
            last_written: None,
            last_seq: None,
            last_entry_end: 0,
            in_bad_region: false,
            stats: Recovery::EMPTY,
        }
    }

    /// The next intact entry, or `None` at the end of the region.
    pub(crate) fn next_entry<F: Flash + ?Sized>(
        &mut self,
        flash: &mut F,
    ) -> Result<Option<Entry>, JournalError> {
        loop {
            if let Some(e) = self.drain() {
                return Ok(Some(e));
            }
            if self.eof {
                return Ok(None);
            }
            self.fill_segment(flash)?;
        }
    }

    /// Runs the scan to the end.
    pub(crate) fn finish<F: Flash + ?Sized>(&mut self, flash: &mut F) -> Result<(), JournalError> {
        while self.next_entry(flash)?.is_some() {}
        Ok(())
    }

    /// Makes sure `chunk` has unread bytes; false at the end of the region.
    fn refill<F: Flash + ?Sized>(&mut self, flash: &mut F) -> Result<bool, JournalError> {
        if self.chunk_pos < self.chunk_len {
            return Ok(true);
        }
        if self.pos >= self.capacity {
            return Ok(false);
        }
        let n = CHUNK.min(self.capacity - self.pos);
        let buf = self.chunk.get_mut(..n).ok_or(JournalError::Flash)?;
        flash.read(self.pos, buf)?;
        self.pos += n;
        self.chunk_len = n;
        self.chunk_pos = 0;
        Ok(true)
    }

    /// Region offset of the next unread byte.
    fn offset(&self) -> usize {
        self.pos - self.chunk_len + self.chunk_pos
    }

    /// Reads the next segment: up to a `0x00`, or to the end of the region (the tail, cut
    /// after its last byte that is not `0xFF`).
    fn fill_segment<F: Flash + ?Sized>(&mut self, flash: &mut F) -> Result<(), JournalError> {
        self.seg_len = 0;
        self.seg_pos = 0;
        self.seg_overflow = false;
        self.seg_start = self.offset();
        loop {
            if !self.refill(flash)? {
                self.eof = true;
                self.seg_terminated = false;
                // The tail is cut after its last byte that is not 0xFF, plus up to BODY_MAX
                // erased-looking bytes: an entry may legitimately end in 0xFF bytes (its CRC),
                // and must be found whether or not a later delimiter follows them.
                let data = match self.last_written {
                    Some((off, _)) if off >= self.seg_start => off + 1 - self.seg_start,
                    _ => 0,
                };
                self.seg_overflow = data > SEG_CAP;
                if data == 0 {
                    self.seg_len = 0;
                } else {
                    self.seg_len = self.seg_len.min(data + BODY_MAX);
                }
                self.seg_ready = true;
                return Ok(());
            }
            let base = self.offset();
            let avail = self
                .chunk
                .get(self.chunk_pos..self.chunk_len)
                .unwrap_or(&[]);
            let zero = avail.iter().position(|b| *b == 0);
            let data_len = zero.unwrap_or(avail.len());
            let consumed = zero.map_or(avail.len(), |z| z + 1);
            let used = avail.get(..consumed).unwrap_or(&[]);
            if let Some(i) = used.iter().rposition(|b| *b != 0xFF) {
                self.last_written = used.get(i).map(|b| (base + i, *b));
            }
            let data = avail.get(..data_len).unwrap_or(&[]);
            let room = SEG_CAP - self.seg_len;
            let n = room.min(data.len());
            if let (Some(dst), Some(src)) = (
                self.seg.get_mut(self.seg_len..self.seg_len + n),
                data.get(..n),
            ) {
                dst.copy_from_slice(src);
            }
            self.seg_len += n;
            if data.len() > room {
                self.seg_overflow = true;
            }
            self.chunk_pos += consumed;
            if zero.is_some() {
                self.seg_terminated = true;
                self.seg_ready = true;
                return Ok(());
            }
        }
    }

    /// Takes the next entry out of the current segment. A segment normally is one frame; when
    /// it does not decode, the earliest-ending part of it that does is taken (a damaged
    /// delimiter merges two frames into one segment), and the bytes before it count as
    /// corrupt.
    fn drain(&mut self) -> Option<Entry> {
        if !self.seg_ready {
            return None;
        }
        while self.seg_pos < self.seg_len {
            let rest = self.seg.get(self.seg_pos..self.seg_len).unwrap_or(&[]);
            // Nothing but erased bytes (write-size padding after a torn write): no entry was
            // ever there.
            if rest.iter().all(|b| *b == 0xFF) {
                self.seg_pos = self.seg_len;
                break;
            }
            match find_entry(rest, self.last_seq) {
                Some((start, end, entry)) => {
                    if start > 0 {
                        self.mark_bad();
                    }
                    // `end` is the damaged delimiter (or the end of the segment): skip it.
                    self.last_entry_end = self.seg_start + self.seg_pos + end;
                    self.seg_pos += end + 1;
                    self.accept(&entry);
                    return Some(entry);
                }
                None => {
                    self.mark_bad();
                    self.seg_pos = self.seg_len;
                }
            }
        }
        if self.seg_overflow {
            self.mark_bad();
        }
        self.seg_ready = false;
        None
    }

    fn accept(&mut self, e: &Entry) {
        self.in_bad_region = false;
        self.stats.entries = self.stats.entries.saturating_add(1);
        let expected = match self.last_seq {
            Some(s) => s.saturating_add(1),
            None => 0,
        };
        self.stats.missing = self
            .stats
            .missing
            .saturating_add(e.sequence.saturating_sub(expected));
        self.last_seq = Some(e.sequence);
    }

    fn mark_bad(&mut self) {
        if !self.seg_terminated {
            self.stats.torn_tail = true;
        } else if !self.in_bad_region {
            self.in_bad_region = true;
            self.stats.corrupt_regions = self.stats.corrupt_regions.saturating_add(1);
        }
    }
}

/// The earliest-ending sub-slice `seg[start..end]` that decodes as an entry numbered after
/// `last_seq` (the smallest `start` among those ending first), trying the whole segment
/// first. Only slices whose COBS code bytes chain exactly to their end are decoded.
fn find_entry(seg: &[u8], last_seq: Option<u32>) -> Option<(usize, usize, Entry)> {
    if let Some(e) = try_entry(seg, last_seq) {
        return Some((0, seg.len(), e));
    }
    let mut best: Option<(usize, usize, Entry)> = None;
    for start in 0..seg.len() {
        let bound = best.as_ref().map_or(usize::MAX, |(_, end, _)| *end);
        if start + BODY_MIN > bound {
            break;
        }
        let mut at = start;
        while let Some(&code) = seg.get(at) {
            if code == 0 || usize::from(code) > BODY_MAX {
                break;
            }
            at += usize::from(code);
            if at - start > BODY_MAX || at > seg.len() || at >= bound {
                break;
            }
            if at - start >= BODY_MIN {
                if let Some(e) = seg.get(start..at).and_then(|s| try_entry(s, last_seq)) {
                    best = Some((start, at, e));
                    break;
                }
            }
        }
    }
    best
}

/// True when the COBS code bytes of `body` chain exactly to its end (cheap test before a
/// decode). An entry's code bytes are at most `BODY_MAX`, so never `0xFF`.
fn cobs_chain_fits(body: &[u8]) -> bool {
    let mut at = 0;
    while let Some(&code) = body.get(at) {
        if code == 0 || usize::from(code) > BODY_MAX {
            return false;
        }
        at += usize::from(code);
    }
    at == body.len()
}

/// Decodes one COBS body (no `0x00` in it) as an entry numbered after `last_seq`.
fn try_entry(body: &[u8], last_seq: Option<u32>) -> Option<Entry> {
    if !(BODY_MIN..=BODY_MAX).contains(&body.len()) || !cobs_chain_fits(body) {
        return None;
    }
    let mut scratch = [0u8; ENTRY_FRAME_MAX_SIZE];
    let dst = scratch.get_mut(..body.len())?;
    dst.copy_from_slice(body);
    let e = decode_frame::<Entry>(dst).ok()?;
    match last_seq {
        Some(s) if e.sequence <= s => None,
        _ => Some(e),
    }
}
