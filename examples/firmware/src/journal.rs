//! The score journal of the firmware (`silkscore::journal`): every score the firmware makes
//! is appended to a flash region, and at the end the region is written to a host file over
//! semihosting, raw, as a kiosk would upload it (`silkscore journal read` reads it back).
//!
//! The region comes from the memory map (`memory/*.x`, `_journal_start`..`_journal_end`):
//! the micro:bit's own flash, programmed through the nRF51's NVMC (QEMU emulates its NOR
//! semantics: bits only go from 1 to 0, words of 4 bytes); on the other boards RAM kept out
//! of the program's memory, programmed with the same rule.

use silkscore::journal::{Entry, Flash, FlashError, Journal, Recovery, ENTRY_FRAME_MAX_SIZE};
use silkscore::wire::frame::encode_frame;

use crate::{board, Line, Out};

/// The journal's flash region, programmed in aligned 4-byte words.
pub struct Region {
    start: usize,
    len: usize,
}

impl Region {
    /// The region of the memory map, erased.
    pub fn erased() -> Region {
        let (start, len) = board::journal_region();
        board::journal_erase(start, len);
        Region { start, len }
    }

    /// The whole region, as a kiosk would upload it.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the region is mapped memory that only this program uses (memory/*.x).
        unsafe { core::slice::from_raw_parts(self.start as *const u8, self.len) }
    }
}

impl Flash for Region {
    fn capacity(&self) -> usize {
        self.len
    }

    fn write_size(&self) -> usize {
        4
    }

    fn read(&mut self, offset: usize, buf: &mut [u8]) -> Result<(), FlashError> {
        let end = offset.checked_add(buf.len()).ok_or(FlashError)?;
        let src = self.bytes().get(offset..end).ok_or(FlashError)?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        let end = offset.checked_add(data.len()).ok_or(FlashError)?;
        if offset % 4 != 0 || data.len() % 4 != 0 || end > self.len {
            return Err(FlashError);
        }
        for (i, w) in data.chunks_exact(4).enumerate() {
            let word: [u8; 4] = w.try_into().map_err(|_| FlashError)?;
            board::journal_program(self.start + offset + 4 * i, u32::from_le_bytes(word));
        }
        Ok(())
    }
}

/// Writes `bytes` to the host file `name` (NUL-terminated, relative to QEMU's working
/// directory) over semihosting. Returns false when the host refused.
pub fn dump(name: &str, bytes: &[u8]) -> bool {
    // SAFETY: semihosting OPEN/WRITE/CLOSE with valid pointers and lengths.
    unsafe {
        let fd = board::syscall!(
            OPEN,
            name.as_ptr(),
            board::nr::open::W_TRUNC_BINARY,
            name.len().saturating_sub(1)
        ) as isize;
        if fd < 0 {
            return false;
        }
        let left = board::syscall!(WRITE, fd, bytes.as_ptr(), bytes.len());
        board::syscall!(CLOSE, fd);
        left == 0
    }
}

/// The journal in its region (erased at start).
pub fn open() -> Option<Journal<Region>> {
    Journal::open(Region::erased()).ok()
}

/// The recovery report line: `# journal <what> entries=.. corrupt_regions=.. missing=..
/// torn_tail=0|1 used=.. capacity=..` (`silkscore journal read` prints the same figures).
fn recovery_line(out: &mut Out, what: &str, r: &Recovery, capacity: usize) {
    let mut l = Line::new();
    l.s("# journal ").s(what).s(" entries=").u(r.entries as u64);
    l.s(" corrupt_regions=").u(r.corrupt_regions as u64);
    l.s(" missing=").u(r.missing as u64);
    l.s(" torn_tail=").u(r.torn_tail as u64);
    l.s(" used=")
        .u(r.used as u64)
        .s(" capacity=")
        .u(capacity as u64);
    out.emit(&mut l);
}

/// At the end of the run: recover the journal as after a reset and print the report, dump
/// the region to `out/journal-<core>.bin`; then damage the region as flash gets damaged (one
/// bit of an entry in the middle cleared, and a torn append: the first half of one more
/// entry and no delimiter), recover again, print that report and dump the damaged region to
/// `out/journal-<core>-damaged.bin`. `run-check.sh` reads both dumps with
/// `silkscore journal read` and compares. Returns false when anything failed.
pub fn finish(out: &mut Out, journal: Journal<Region>) -> bool {
    let mut region = journal.into_flash();
    let capacity = region.len;
    let Ok(clean) = Journal::open(&mut region) else {
        return false;
    };
    let r = *clean.recovery();
    let next = clean.next_sequence().unwrap_or(0);
    recovery_line(out, "clean", &r, capacity);
    let mut ok = dump(DUMP, region.bytes());

    // A cleared bit in the byte halfway through the entries (the next one that has a 1 bit).
    let mut at = r.used / 2;
    while region.bytes().get(at).is_some_and(|b| *b == 0) {
        at += 1;
    }
    if let Some(&b) = region.bytes().get(at) {
        let cleared = b & b.wrapping_sub(1); // lowest set bit cleared
        let word_at = at & !3;
        let mut word = [0xFFu8; 4];
        if let Some(w) = word.get_mut(at - word_at) {
            *w = cleared;
        }
        ok &= region.write(word_at, &word).is_ok();
    }
    // A torn append: half of the next entry's frame (whole words), no delimiter.
    let mut frame = [0u8; ENTRY_FRAME_MAX_SIZE];
    let scores = last_scores(&mut region);
    if let Some(scores) = scores {
        if let Ok(f) = encode_frame(
            &Entry {
                sequence: next,
                scores,
            },
            &mut frame,
        ) {
            let half = (f.len() / 2) & !3;
            let start = (r.used + 3) & !3;
            if let Some(part) = f.get(..half) {
                ok &= region.write(start, part).is_ok();
            }
        }
    }
    let Ok(damaged) = Journal::open(&mut region) else {
        return false;
    };
    let d = *damaged.recovery();
    recovery_line(out, "damaged", &d, capacity);
    ok &= dump(DUMP_DAMAGED, region.bytes());
    ok && r.is_clean() && scores.is_some()
}

/// The scores of the last intact entry.
fn last_scores(region: &mut Region) -> Option<silkscore::Scores> {
    let mut j = Journal::open(region).ok()?;
    let mut last = None;
    for e in j.entries() {
        last = e.ok().map(|e| e.scores).or(last);
    }
    last
}

const DUMP: &str = concat!("out/journal-", env!("SILKSCORE_CORE"), ".bin\0");
const DUMP_DAMAGED: &str = concat!("out/journal-", env!("SILKSCORE_CORE"), "-damaged.bin\0");
