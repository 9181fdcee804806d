//! An append-only journal of scores in flash, for kiosks that score offline and upload later.
//!
//! A [`Journal`] owns a region of NOR-like [`Flash`] (erased = `0xFF`, programming clears
//! bits). Each [`Journal::append`] adds one [`Entry`] (a sequence number and the [`Scores`],
//! which carry the record id and the model fingerprint) after the last one; nothing is ever
//! overwritten or erased. [`Journal::open`] recovers the journal after a reset or a power
//! cut by scanning the whole region: every intact entry is kept, a write cut short is
//! discarded, and a damaged entry costs only itself. [`Journal::entries`] iterates over the
//! intact entries.
//!
//! # Format (version 1)
//!
//! The region is a sequence of frames exactly as on a kiosk link ([`crate::wire::frame`]):
//!
//! ```text
//! frame   = COBS( payload ‖ CRC-32(payload) as 4 bytes little-endian ) ‖ 0x00
//! payload = 0x01 (format version) ‖ sequence: u32 varint ‖ scores body
//! ```
//!
//! where the *scores body* is the postcard encoding of [`Scores`] that follows the version
//! byte in a scores message ([`crate::wire`]): record id, model fingerprint, the four indices,
//! basis points, coverage and grade. The CRC is CRC-32/ISO-HDLC, as in frames and model
//! fingerprints. A frame is at most [`ENTRY_FRAME_MAX_SIZE`] bytes.
//!
//! - **Delimiters.** COBS leaves no `0x00` inside a frame, so `0x00` separates entries, and a
//!   reader resynchronises at the next `0x00` after any damage. Extra `0x00` bytes (empty
//!   frames) are allowed and skipped: they pad writes to the flash's write granularity.
//! - **Erased space.** `0xFF` is a valid COBS byte, but never the first byte of an entry (its
//!   COBS code byte is at most [`ENTRY_FRAME_MAX_SIZE`] − 1). The written part of the region
//!   ends after its last byte that is not `0xFF`, or after the last entry if that entry ends in
//!   `0xFF` bytes (a CRC may; recovery looks up to one frame length past the last byte that is
//!   not `0xFF`). Everything after it is erased space, and the next entry goes there: never onto
//!   a programmed byte, never onto a byte of an entry.
//! - **Sequence numbers** start at 0 and increase by one per append; recovery only accepts an
//!   entry whose number is larger than the previous intact entry's, and counts the numbers
//!   it skips ([`Recovery::missing`]).
//! - **A torn write** (power lost during an append) leaves a prefix of the frame and no
//!   delimiter. Recovery discards it ([`Recovery::torn_tail`]) unless every byte but the
//!   delimiter is there (bytes the write had not reached but that read `0xFF` anyway count as
//!   there): then the entry is complete and kept. The next append first writes a `0x00` when
//!   the data does not end with one (or when write-size alignment leaves a gap), so the torn
//!   bytes stay a separate segment, rejected again at every recovery (and reported as a corrupt
//!   region from then on).
//! - **Damage** (a flipped bit, a worn cell) makes the segment it hits fail its CRC, COBS or
//!   validation: it is skipped and counted in [`Recovery::corrupt_regions`]. When the damage
//!   turned a delimiter into another byte, the two frames it separated are found inside the
//!   merged segment, so only the damaged frame is lost. A segment of more than three frames'
//!   length is only searched in its first three frames' worth of bytes.
//!
//! An accepted entry has passed its CRC-32, COBS, postcard and range checks and has a larger
//! sequence number than its predecessor. Random damage passes all that with a probability
//! below 2⁻³² per attempt; recovery makes at most a few thousand attempts per damaged
//! segment.
//!
//! Recovery reads the whole region once (in 64-byte reads), so opening costs a read of the
//! capacity; the scanner keeps about 300 bytes of state on the stack.
//!
//! ```
//! use silkscore::{journal::{Journal, MemFlash}, score, Record, BRI_CULTURAL_V1 as M};
//! let mut r = Record::new(7, M.len());
//! for i in 0..M.len() { r.set(i, 10.0).unwrap(); }
//! let s = score(&M, &r).unwrap();
//!
//! let mut journal = Journal::open(MemFlash::new([0xFFu8; 1024])).unwrap();
//! assert_eq!(journal.append(&s).unwrap(), 0);
//! assert_eq!(journal.append(&s).unwrap(), 1);
//!
//! // power cut in the middle of the third append: half its bytes reached the flash
//! let mut flash = journal.into_flash();
//! let used = flash.as_bytes().iter().rposition(|b| *b != 0xFF).unwrap() + 1;
//! let mut tmp = [0u8; silkscore::journal::ENTRY_FRAME_MAX_SIZE];
//! let third = silkscore::wire::frame::encode_frame(
//!     &silkscore::journal::Entry { sequence: 2, scores: s }, &mut tmp).unwrap();
//! let half = third.len() / 2;
//! flash.as_bytes_mut()[used..used + half].copy_from_slice(&third[..half]);
//!
//! let mut journal = Journal::open(flash).unwrap();
//! let rec = journal.recovery();
//! assert_eq!((rec.entries, rec.torn_tail, rec.corrupt_regions), (2, true, 0));
//! assert_eq!(journal.append(&s).unwrap(), 2); // continues after the last intact entry
//! let seqs: Vec<u32> = journal.entries().map(|e| e.unwrap().sequence).collect();
//! assert_eq!(seqs, [0, 1, 2]);
//! ```

mod error;
mod flash;
mod scan;

pub use error::{FlashError, JournalError};
pub use flash::{Flash, MemFlash, MAX_WRITE_SIZE};

use crate::score::Scores;
use crate::wire::frame::{encode_frame, frame_max_size};
use crate::wire::{sealed, DecodeError, Message, SCORES_MAX_SIZE};
use scan::Scanner;

/// Largest encoded entry payload (version byte, 5-byte varint sequence number, scores body).
pub const ENTRY_MAX_SIZE: usize = SCORES_MAX_SIZE + 5;

/// Largest entry frame in flash: COBS overhead, CRC-32 and delimiter included.
pub const ENTRY_FRAME_MAX_SIZE: usize = frame_max_size(ENTRY_MAX_SIZE);

/// One journal entry: a sequence number and the scores of one record (which carry the record
/// id and the fingerprint of the model that made them).
///
/// `Entry` is a wire [`Message`]: [`crate::wire::frame::encode_frame`] and
/// [`crate::wire::frame::decode_frame`] produce and read the journal's frames, so an uploader
/// can send entries as they are stored.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Entry {
    /// Position of the entry in the journal: 0, 1, 2 … in append order.
    pub sequence: u32,
    /// The scores, as [`crate::score()`] returned them.
    pub scores: Scores,
}

impl Entry {
    /// The record id of the scores.
    pub const fn record_id(&self) -> u32 {
        self.scores.record_id
    }

    /// The fingerprint of the model that made the scores.
    pub const fn fingerprint(&self) -> u32 {
        self.scores.fingerprint
    }
}

impl sealed::Body for Entry {
    type Body<'a> = (u32, &'a Scores);
    fn body(&self) -> (u32, &Scores) {
        (self.sequence, &self.scores)
    }
    /// By hand, as postcard writes it (see `wire::sealed::Body::write_body`).
    fn write_body<F: postcard::ser_flavors::Flavor>(&self, f: &mut F) -> postcard::Result<()> {
        crate::wire::write_varint(f, self.sequence)?;
        crate::wire::write_scores_body(&self.scores, f)
    }
}

impl Message for Entry {
    const MAX_SIZE: usize = ENTRY_MAX_SIZE;

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (sequence, scores): (u32, Scores) =
            crate::wire::decode_exact(crate::wire::body(bytes)?)?;
        if !scores.is_valid() {
            return Err(DecodeError::InvalidValue);
        }
        Ok(Entry { sequence, scores })
    }
}

/// What recovery found when the journal was opened (or [`Journal::recover`]ed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Recovery {
    /// Intact entries kept.
    pub entries: u32,
    /// Maximal runs of damaged bytes skipped before the end of the written data (each held at
    /// least one lost entry, or a torn write that a later append closed).
    pub corrupt_regions: u32,
    /// Entries known to be lost: sequence numbers skipped between intact entries (and before
    /// the first). Entries lost after the last intact entry cannot be counted; a damaged
    /// region there shows in `corrupt_regions` or `torn_tail`.
    pub missing: u32,
    /// The written data ends in an unterminated segment that is not an entry: a write cut
    /// short by power loss (or damage to the last entry), discarded.
    pub torn_tail: bool,
    /// Bytes from the start of the region to the end of the written data; the next append
    /// goes there (rounded up to the write granularity).
    pub used: usize,
}

impl Recovery {
    /// Nothing found: an erased region.
    pub const EMPTY: Recovery = Recovery {
        entries: 0,
        corrupt_regions: 0,
        missing: 0,
        torn_tail: false,
        used: 0,
    };

    /// True when nothing was skipped: no corrupt region, no missing entry, no torn tail.
    pub const fn is_clean(&self) -> bool {
        self.corrupt_regions == 0 && self.missing == 0 && !self.torn_tail
    }
}

/// An append-only journal of [`Entry`]s in a [`Flash`] region. See the [module
/// documentation](self) for the format and the recovery rules.
///
/// `F` may be a flash driver or a `&mut` to one.
#[derive(Debug)]
pub struct Journal<F: Flash> {
    flash: F,
    /// Offset of the next write.
    end: usize,
    /// The written data ends without a delimiter: the next append writes one first.
    needs_delimiter: bool,
    /// Sequence number of the next entry, `None` once `u32::MAX` has been used.
    next_seq: Option<u32>,
    recovery: Recovery,
    /// A write failed: the flash content is unknown until the next recovery.
    dirty: bool,
}

impl<F: Flash> Journal<F> {
    /// Opens the journal in `flash` (an erased region is an empty journal) and recovers it:
    /// see [`Journal::recovery`] for what was found. Fails only when the flash does.
    ///
    /// ```
    /// use silkscore::journal::{Journal, MemFlash, Recovery};
    /// let journal = Journal::open(MemFlash::new([0xFFu8; 256])).unwrap();
    /// assert_eq!(*journal.recovery(), Recovery::EMPTY);
    /// assert_eq!(journal.next_sequence(), Some(0));
    /// ```
    pub fn open(flash: F) -> Result<Self, JournalError> {
        let mut journal = Journal {
            flash,
            end: 0,
            needs_delimiter: false,
            next_seq: Some(0),
            recovery: Recovery::EMPTY,
            dirty: true,
        };
        journal.recover()?;
        Ok(journal)
    }

    /// Scans the region again (as [`Journal::open`] does) and returns what it found. Appends
    /// call it by themselves after a failed write.
    ///
    /// ```
    /// use silkscore::journal::{Journal, MemFlash};
    /// let mut journal = Journal::open(MemFlash::new([0xFFu8; 64])).unwrap();
    /// assert!(journal.recover().unwrap().is_clean());
    /// ```
    pub fn recover(&mut self) -> Result<Recovery, JournalError> {
        let mut scanner = Scanner::new(self.flash.capacity());
        scanner.finish(&mut self.flash)?;
        let ws = self.flash.write_size().max(1);
        let (written, last_byte) = match scanner.last_written {
            None => (0, 0),
            Some((offset, byte)) => (offset.saturating_add(1), byte),
        };
        // An entry at the end may end in 0xFF bytes that look erased: never write over them.
        let used = written.max(scanner.last_entry_end);
        let needs_delimiter = used > written || last_byte != 0;
        self.end = round_up(used, ws);
        // Erased bytes left between the data and an aligned start would join the next frame's
        // segment: a delimiter keeps them apart.
        self.needs_delimiter = needs_delimiter || self.end > used;
        self.next_seq = match scanner.last_seq {
            None => Some(0),
            Some(s) => s.checked_add(1),
        };
        self.recovery = Recovery {
            used,
            ..scanner.stats
        };
        self.dirty = false;
        Ok(self.recovery)
    }

    /// What the last recovery found: entries kept, corrupt regions skipped, entries known to
    /// be lost, whether a torn write was discarded.
    pub const fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// The sequence number the next append will get (`None` after `u32::MAX` appends).
    pub const fn next_sequence(&self) -> Option<u32> {
        self.next_seq
    }

    /// Bytes of the region in use, up to where the next append starts.
    pub const fn used(&self) -> usize {
        self.end
    }

    /// Size of the region.
    pub fn capacity(&self) -> usize {
        self.flash.capacity()
    }

    /// Appends the scores as a new entry after the last intact one and returns its sequence
    /// number. The entry is durable once the call returns `Ok` (as durable as the flash's
    /// writes are).
    ///
    /// Errors: [`JournalError::JournalFull`] when the entry does not fit in the rest of the
    /// region (nothing is written; the journal never overwrites), or after `u32::MAX` entries;
    /// [`JournalError::InvalidValue`] for scores outside their ranges (they could never be
    /// read back); [`JournalError::Flash`] when the flash fails (the next append recovers
    /// first).
    ///
    /// ```
    /// use silkscore::journal::{Journal, JournalError, MemFlash};
    /// use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
    /// let mut r = Record::new(1, M.len());
    /// for i in 0..M.len() { r.set(i, 5.0).unwrap(); }
    /// let s = score(&M, &r).unwrap();
    /// let mut journal = Journal::open(MemFlash::new([0xFFu8; 128])).unwrap();
    /// assert_eq!(journal.append(&s), Ok(0));
    /// assert_eq!(journal.append(&s), Ok(1));
    /// assert_eq!(journal.append(&s), Err(JournalError::JournalFull)); // 128 bytes hold two
    /// ```
    pub fn append(&mut self, scores: &Scores) -> Result<u32, JournalError> {
        if self.dirty {
            self.recover()?;
        }
        if !scores.is_valid() {
            return Err(JournalError::InvalidValue);
        }
        let sequence = self.next_seq.ok_or(JournalError::JournalFull)?;
        let ws = self.flash.write_size().max(1);
        if ws > MAX_WRITE_SIZE {
            return Err(JournalError::Flash);
        }
        let mut buf = [0u8; 1 + ENTRY_FRAME_MAX_SIZE + MAX_WRITE_SIZE];
        let lead = usize::from(self.needs_delimiter);
        // The buffer holds the largest entry frame, so encoding cannot fail.
        let frame = encode_frame(
            &Entry {
                sequence,
                scores: *scores,
            },
            buf.get_mut(lead..).ok_or(JournalError::Flash)?,
        )
        .map_err(|_| JournalError::InvalidValue)?;
        // The buffer is zeroed, so the delimiter and the padding are already in place.
        let len = round_up(lead + frame.len(), ws);
        let data = buf.get(..len).ok_or(JournalError::Flash)?;
        let fits = self
            .end
            .checked_add(len)
            .is_some_and(|end| end <= self.flash.capacity());
        if !fits {
            return Err(JournalError::JournalFull);
        }
        if let Err(e) = self.flash.write(self.end, data) {
            self.dirty = true;
            return Err(e.into());
        }
        self.end += len;
        self.needs_delimiter = false;
        self.next_seq = sequence.checked_add(1);
        Ok(sequence)
    }

    /// Iterates over the intact entries, in order, by scanning the region again (same rules
    /// as recovery; nothing is buffered). Yields `Err` once if the flash fails, then ends.
    ///
    /// ```
    /// use silkscore::{journal::{Journal, MemFlash}, score, Record, BRI_CULTURAL_V1 as M};
    /// let mut journal = Journal::open(MemFlash::new([0xFFu8; 512])).unwrap();
    /// for id in 1..=3 {
    ///     let mut r = Record::new(id, M.len());
    ///     for i in 0..M.len() { r.set(i, id as f32).unwrap(); }
    ///     journal.append(&score(&M, &r).unwrap()).unwrap();
    /// }
    /// let ids: Vec<u32> = journal.entries().map(|e| e.unwrap().record_id()).collect();
    /// assert_eq!(ids, [1, 2, 3]);
    /// ```
    pub fn entries(&mut self) -> Entries<'_, F> {
        let capacity = self.flash.capacity();
        Entries {
            flash: &mut self.flash,
            scanner: Scanner::new(capacity),
            done: false,
        }
    }

    /// The flash driver.
    pub const fn flash(&self) -> &F {
        &self.flash
    }

    /// Gives the flash back (to erase it, or to open it again).
    pub fn into_flash(self) -> F {
        self.flash
    }
}

/// Iterator over the intact entries of a journal, from [`Journal::entries`].
pub struct Entries<'j, F: Flash> {
    flash: &'j mut F,
    scanner: Scanner,
    done: bool,
}

impl<F: Flash> Iterator for Entries<'_, F> {
    type Item = Result<Entry, JournalError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.scanner.next_entry(self.flash) {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// `n` rounded up to a multiple of `m` (`m` ≥ 1), saturating.
const fn round_up(n: usize, m: usize) -> usize {
    match n % m {
        0 => n,
        r => n.saturating_add(m - r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BRI_CULTURAL_V1;
    use crate::record::Record;
    use crate::score::{score, Grade};

    fn scores(id: u32) -> Scores {
        let mut r = Record::new(id, BRI_CULTURAL_V1.len());
        for i in 0..BRI_CULTURAL_V1.len() {
            r.set(i, (id as f32 * 7.0 + i as f32) % 50.0).unwrap();
        }
        score(&BRI_CULTURAL_V1, &r).unwrap()
    }

    #[test]
    fn max_sizes() {
        let s = Scores {
            record_id: u32::MAX,
            fingerprint: u32::MAX,
            cultural: 100.0,
            economic: 100.0,
            security: 100.0,
            composite: 100.0,
            basis_points: [10000; 4],
            coverage: [1.0; 3],
            grade: Grade::E,
        };
        let e = Entry {
            sequence: u32::MAX,
            scores: s,
        };
        let mut buf = [0u8; ENTRY_FRAME_MAX_SIZE];
        let f = encode_frame(&e, &mut buf).unwrap();
        assert!(f.len() <= ENTRY_FRAME_MAX_SIZE);
        // the COBS code byte that starts a frame is never 0xFF
        assert!(usize::from(f[0]) < ENTRY_FRAME_MAX_SIZE);
        let n = f.len();
        assert_eq!(
            crate::wire::decode_frame::<Entry>(&mut buf[..n]).unwrap(),
            e
        );
    }

    #[test]
    fn append_reopen_iterate() {
        let mut flash = MemFlash::new([0xFFu8; 2048]);
        let mut j = Journal::open(&mut flash).unwrap();
        for id in 0..10 {
            assert_eq!(j.append(&scores(id)).unwrap(), id);
        }
        let mut n = 0;
        for (i, e) in j.entries().enumerate() {
            let e = e.unwrap();
            assert_eq!(e.sequence, i as u32);
            assert_eq!(e.scores, scores(i as u32));
            n += 1;
        }
        assert_eq!(n, 10);
        let j = Journal::open(&mut flash).unwrap();
        assert_eq!(j.recovery().entries, 10);
        assert!(j.recovery().is_clean());
        assert_eq!(j.next_sequence(), Some(10));
    }

    #[test]
    fn full_region_is_an_error_and_nothing_is_written() {
        let mut j = Journal::open(MemFlash::new([0xFFu8; 120])).unwrap();
        let mut k = 0;
        while j.append(&scores(k)).is_ok() {
            k += 1;
        }
        assert!(k >= 2);
        let mut before = [0u8; 120];
        before.copy_from_slice(j.flash().as_bytes());
        assert_eq!(j.append(&scores(99)), Err(JournalError::JournalFull));
        assert_eq!(j.flash().as_bytes(), &before[..]);
    }

    #[test]
    fn write_size_pads_with_empty_frames() {
        let flash = MemFlash::new([0xFFu8; 1024]).with_write_size(8);
        let mut j = Journal::open(flash).unwrap();
        for id in 0..5 {
            j.append(&scores(id)).unwrap();
            assert_eq!(j.used() % 8, 0);
        }
        let mut flash = j.into_flash();
        // cut the last write in the middle: the next append starts at the next 8-byte word
        let used = flash.as_bytes().iter().rposition(|b| *b != 0xFF).unwrap() + 1;
        let keep = used - 20;
        flash.as_bytes_mut()[keep..].fill(0xFF);
        let mut j = Journal::open(flash).unwrap();
        assert_eq!(j.recovery().entries, 4);
        assert!(j.recovery().torn_tail);
        assert_eq!(j.append(&scores(40)).unwrap(), 4);
        let got: heapless::Vec<u32, 8> = j.entries().map(|e| e.unwrap().record_id()).collect();
        assert_eq!(&got[..], &[0, 1, 2, 3, 40]);
    }

    #[test]
    fn invalid_scores_are_refused() {
        let mut j = Journal::open(MemFlash::new([0xFFu8; 256])).unwrap();
        let mut s = scores(1);
        s.composite = f32::NAN;
        assert_eq!(j.append(&s), Err(JournalError::InvalidValue));
        assert_eq!(j.used(), 0);
    }

    #[test]
    fn flash_errors_are_reported() {
        struct Broken;
        impl Flash for Broken {
            fn capacity(&self) -> usize {
                100
            }
            fn read(&mut self, _: usize, _: &mut [u8]) -> Result<(), FlashError> {
                Err(FlashError)
            }
            fn write(&mut self, _: usize, _: &[u8]) -> Result<(), FlashError> {
                Err(FlashError)
            }
        }
        assert!(matches!(Journal::open(Broken), Err(JournalError::Flash)));
    }
}
