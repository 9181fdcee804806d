//! The page's offline log in the core's journal format (docs/spec.md §6.4): every score the
//! page makes is stored (in IndexedDB) as one journal entry frame, exactly the bytes a
//! device's flash holds, and the export is their concatenation in sequence order: a journal
//! region that `silkscore::journal::Journal::open` (and the host tool) recovers entry by
//! entry.

use silkscore::journal::{Entry, Journal, MemFlash, Recovery, ENTRY_FRAME_MAX_SIZE};
use silkscore::wire::{self, frame, DecodeError};

use crate::out::Out;

/// The frame of the entry (`sequence`, the scores of `scores_message`), written whole to
/// `out`. The scores message (from an outcome) is decoded and validated again first.
pub fn entry_frame(
    scores_message: &[u8],
    sequence: u32,
    out: &mut Out<'_>,
) -> Result<(), DecodeError> {
    let scores = wire::decode_scores(scores_message)?;
    let mut buf = [0u8; ENTRY_FRAME_MAX_SIZE];
    let f = frame::encode_frame(&Entry { sequence, scores }, &mut buf)
        .map_err(|_| DecodeError::InvalidValue)?;
    out.bytes(f);
    Ok(())
}

/// Decodes one stored entry frame (its CRC, COBS and ranges are checked) and writes the
/// sequence, record id, fingerprint (u32 each), the four values (f32 bits) and the grade.
pub fn read_entry(frame_bytes: &mut [u8], out: &mut Out<'_>) -> Result<Entry, DecodeError> {
    let e: Entry = frame::decode_frame(frame_bytes)?;
    out.u32(e.sequence);
    out.u32(e.scores.record_id);
    out.u32(e.scores.fingerprint);
    for v in e.scores.values() {
        out.f32(v);
    }
    out.u8(e.scores.grade as u8);
    Ok(e)
}

/// What reading an exported log back found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// The journal's own recovery report.
    pub recovery: Recovery,
    /// First and last sequence numbers (0, 0 when empty).
    pub first: u32,
    /// See `first`.
    pub last: u32,
    /// Every sequence number is the previous one plus one.
    pub consecutive: bool,
}

/// Opens `region` as a journal, as a device (and the host tool) would, and walks its
/// entries. Writes the recovery (entries, corrupt regions, missing: u32; torn tail: u8;
/// used bytes: u64), first and last sequence (u32) and whether they are consecutive (u8).
/// `None` when the flash could not be read (never for a buffer).
pub fn check(region: &mut [u8], out: &mut Out<'_>) -> Option<Check> {
    let mut journal = Journal::open(MemFlash::new(region)).ok()?;
    let recovery = *journal.recovery();
    let (mut first, mut last, mut consecutive) = (None, 0u32, true);
    for e in journal.entries() {
        let e = e.ok()?;
        match first {
            None => first = Some(e.sequence),
            Some(_) => consecutive &= last.checked_add(1) == Some(e.sequence),
        }
        last = e.sequence;
    }
    let c = Check {
        recovery,
        first: first.unwrap_or(0),
        last,
        consecutive,
    };
    out.u32(recovery.entries);
    out.u32(recovery.corrupt_regions);
    out.u32(recovery.missing);
    out.u8(u8::from(recovery.torn_tail));
    out.u64(recovery.used as u64);
    out.u32(c.first);
    out.u32(c.last);
    out.u8(u8::from(c.consecutive));
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
    use std::vec;
    use std::vec::Vec;

    fn message(id: u32) -> Vec<u8> {
        let r = Record::from_values(id, &[Some(id as f32); 18]).unwrap();
        let s = score(&M, &r).unwrap();
        let mut buf = [0u8; wire::SCORES_MAX_SIZE];
        wire::encode_scores(&s, &mut buf).unwrap().to_vec()
    }

    fn frame_of(id: u32, seq: u32) -> Vec<u8> {
        let mut buf = [0u8; 128];
        let mut out = Out::new(&mut buf);
        entry_frame(&message(id), seq, &mut out).unwrap();
        out.as_bytes().to_vec()
    }

    #[test]
    fn concatenated_frames_are_a_journal_region() {
        let mut region: Vec<u8> = (0..5).flat_map(|i| frame_of(10 + i, i)).collect();
        let mut buf = [0u8; 64];
        let mut out = Out::new(&mut buf);
        let c = check(&mut region, &mut out).unwrap();
        assert_eq!(c.recovery.entries, 5);
        assert!(c.recovery.is_clean());
        assert_eq!((c.first, c.last, c.consecutive), (0, 4, true));
        // what a device would append next goes after it: the same as the page's next frame
        let mut j =
            Journal::open(MemFlash::new([region.clone(), vec![0xFF; 64]].concat())).unwrap();
        let r = Record::from_values(99, &[Some(1.0); 18]).unwrap();
        assert_eq!(j.append(&score(&M, &r).unwrap()), Ok(5));
    }

    #[test]
    fn a_gap_or_a_duplicate_shows() {
        let mut gap: Vec<u8> = [frame_of(1, 0), frame_of(2, 2)].concat();
        let mut buf = [0u8; 64];
        let c = check(&mut gap, &mut Out::new(&mut buf)).unwrap();
        assert_eq!(
            (c.recovery.entries, c.recovery.missing, c.consecutive),
            (2, 1, false)
        );
        // a duplicate sequence number is not accepted by recovery: one entry is lost
        let mut dup: Vec<u8> = [frame_of(1, 0), frame_of(2, 0)].concat();
        let c = check(&mut dup, &mut Out::new(&mut buf)).unwrap();
        assert_eq!(c.recovery.entries, 1);
        assert!(!c.recovery.is_clean());
    }

    #[test]
    fn stored_frames_are_checked_when_read() {
        let mut f = frame_of(7, 3);
        let mut buf = [0u8; 64];
        let e = read_entry(&mut f.clone(), &mut Out::new(&mut buf)).unwrap();
        assert_eq!((e.sequence, e.record_id()), (3, 7));
        let n = f.len();
        f[n / 2] ^= 0x10;
        assert!(read_entry(&mut f, &mut Out::new(&mut buf)).is_err());
        assert!(entry_frame(&[1, 2, 3], 0, &mut Out::new(&mut buf)).is_err());
    }
}
