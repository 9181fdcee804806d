//! Reading score journals back on the host: the raw flash regions a kiosk dumps
//! (`silkscore::journal`, docs/spec.md §6.4), recovered exactly as the device recovers them,
//! merged across several dumps of the same device, and written as the scores CSV of
//! docs/spec.md §7.3 with two more columns, `sequence` and `fingerprint`.
//!
//! - **Recovery** is the core's own: [`silkscore::journal::Journal::open`] over the dump's
//!   bytes ([`MemFlash`]), then [`silkscore::journal::Journal::entries`]. Intact entries are
//!   kept; torn writes, corrupt regions and skipped sequence numbers are counted in the
//!   [`DumpReport`], never guessed at.
//! - **Models.** Every entry carries the fingerprint of the model that scored it. Given a
//!   model, entries of any other fingerprint are left out of the scores and counted by
//!   fingerprint ([`JournalRead::other_models`]): scores of two models are never mixed.
//! - **Several dumps** of the same device (uploaded at different times, overlapping) are
//!   merged: an entry whose (sequence, record id) pair was already read is dropped as a
//!   duplicate; one whose sequence was read with another record id is a conflict (two
//!   devices, or a journal erased in between), kept and counted.
//!
//! ```
//! use silkscore::journal::{Journal, MemFlash};
//! use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
//! use silkscore_host::journal::read_dumps;
//!
//! let mut journal = Journal::open(MemFlash::new(vec![0xFFu8; 512])).unwrap();
//! for id in 1..=3 {
//!     let mut r = Record::new(id, M.len());
//!     for i in 0..M.len() { r.set(i, id as f32).unwrap(); }
//!     journal.append(&score(&M, &r).unwrap()).unwrap();
//! }
//! let dump = journal.into_flash().into_inner();
//! // the same device dumped twice: every entry once
//! let read = read_dumps(&[("a".into(), dump.clone()), ("b".into(), dump)], Some(M.fingerprint()));
//! assert_eq!(read.entries.len(), 3);
//! assert_eq!(read.duplicates, 3);
//! assert!(read.missing.is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::format;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use serde::Serialize;
use silkscore::journal::{Entry, Journal, MemFlash, Recovery};

use crate::output::CSV_HEADER;
use crate::HostError;

/// The largest dump read: 64 MiB, more than the journal region of any kiosk (a larger file
/// is not a journal dump, and is refused rather than read into memory).
pub const MAX_DUMP_SIZE: u64 = 64 * 1024 * 1024;

/// What recovery found in one dump (the device's [`Recovery`], and what merging did).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DumpReport {
    /// The dump, as named on the command line.
    pub path: PathBuf,
    /// Size of the dump (the journal region), in bytes.
    pub capacity: usize,
    /// Bytes in use, up to where the device would append next.
    pub used: usize,
    /// Intact entries recovered.
    pub entries: u32,
    /// Damaged stretches skipped (each costs the entries in it).
    pub corrupt_regions: u32,
    /// Sequence numbers skipped between intact entries of this dump.
    pub missing: u32,
    /// A write was cut short at the end (power lost during an append) and discarded.
    pub torn_tail: bool,
    /// Entries already read from an earlier dump (same sequence and record id): dropped.
    pub duplicates: u64,
    /// Entries whose sequence number an earlier entry has with another record id: kept.
    pub conflicts: u64,
    /// Entries scored by another model than the one given: left out.
    pub other_model: u64,
}

/// The merged result of reading one or more dumps.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalRead {
    /// The entries kept, ordered by sequence number (then record id).
    pub entries: Vec<Entry>,
    /// One report per dump, in the order given.
    pub dumps: Vec<DumpReport>,
    /// Entries left out because another model scored them: count per fingerprint.
    pub other_models: BTreeMap<u32, u64>,
    /// Sequence numbers missing from the merged entries, as inclusive ranges, between 0 and
    /// the highest sequence number read (entries of other models count as present).
    pub missing: Vec<(u32, u32)>,
    /// Duplicates dropped, over all dumps.
    pub duplicates: u64,
    /// Conflicts kept, over all dumps.
    pub conflicts: u64,
}

impl JournalRead {
    /// True when every dump recovered cleanly, nothing is missing and nothing conflicts
    /// (duplicates and entries of other models are expected and do not count).
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty()
            && self.conflicts == 0
            && self
                .dumps
                .iter()
                .all(|d| d.corrupt_regions == 0 && d.missing == 0 && !d.torn_tail)
    }
}

/// Recovers one dump as the device would: the [`Recovery`] and the intact entries in order.
pub fn recover(bytes: Vec<u8>) -> (Recovery, Vec<Entry>) {
    // MemFlash never fails a read inside the region, so neither does the journal.
    let Ok(mut journal) = Journal::open(MemFlash::new(bytes)) else {
        return (Recovery::EMPTY, Vec::new());
    };
    let recovery = *journal.recovery();
    let entries = journal.entries().filter_map(Result::ok).collect();
    (recovery, entries)
}

/// Reads a dump file (at most [`MAX_DUMP_SIZE`] bytes) from `input`, named `path` in errors.
pub fn read_dump(path: &Path, input: impl Read) -> Result<Vec<u8>, HostError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_DUMP_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| HostError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_DUMP_SIZE {
        return Err(HostError::Io {
            path: path.to_path_buf(),
            source: io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {MAX_DUMP_SIZE} bytes: not a journal dump"),
            ),
        });
    }
    Ok(bytes)
}

/// Recovers every dump and merges them (see the module docs). With `fingerprint`, entries of
/// other models are left out and counted.
pub fn read_dumps(dumps: &[(PathBuf, Vec<u8>)], fingerprint: Option<u32>) -> JournalRead {
    let mut seen: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut read = JournalRead {
        entries: Vec::new(),
        dumps: Vec::new(),
        other_models: BTreeMap::new(),
        missing: Vec::new(),
        duplicates: 0,
        conflicts: 0,
    };
    for (path, bytes) in dumps {
        let (r, entries) = recover(bytes.clone());
        let mut report = DumpReport {
            path: path.clone(),
            capacity: bytes.len(),
            used: r.used,
            entries: r.entries,
            corrupt_regions: r.corrupt_regions,
            missing: r.missing,
            torn_tail: r.torn_tail,
            duplicates: 0,
            conflicts: 0,
            other_model: 0,
        };
        for e in entries {
            let ids = seen.entry(e.sequence).or_default();
            if ids.contains(&e.record_id()) {
                report.duplicates += 1;
                continue;
            }
            if !ids.is_empty() {
                report.conflicts += 1;
            }
            ids.insert(e.record_id());
            if fingerprint.is_some_and(|f| f != e.fingerprint()) {
                report.other_model += 1;
                *read.other_models.entry(e.fingerprint()).or_default() += 1;
                continue;
            }
            read.entries.push(e);
        }
        read.duplicates += report.duplicates;
        read.conflicts += report.conflicts;
        read.dumps.push(report);
    }
    read.entries.sort_by_key(|e| (e.sequence, e.record_id()));
    read.missing = gaps(seen.keys().copied());
    read
}

/// The inclusive ranges of numbers from 0 to the largest one that `present` (ascending)
/// lacks.
fn gaps(present: impl Iterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for s in present {
        if s > next {
            out.push((next, s - 1));
        }
        next = s.saturating_add(1);
    }
    out
}

/// The CSV header: docs/spec.md §7.3's columns, then `sequence` and `fingerprint`.
pub fn csv_header() -> Vec<&'static str> {
    let mut h = CSV_HEADER.to_vec();
    h.extend(["sequence", "fingerprint"]);
    h
}

/// Writes the entries as CSV: the scores columns of docs/spec.md §7.3 as `silkscore score`
/// writes them (six decimals, coverage four, status `ok`, no name: a journal keeps none),
/// then the sequence number and the model fingerprint (`0x` and 8 hex digits).
pub fn write_csv<W: Write>(entries: &[Entry], out: W) -> io::Result<W> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_header()).map_err(csv_io)?;
    for e in entries {
        let s = &e.scores;
        let num = |v: f32| format!("{v:.6}");
        let cov = |v: f32| format!("{v:.4}");
        w.write_record([
            s.record_id.to_string(),
            num(s.cultural),
            num(s.economic),
            num(s.security),
            num(s.composite),
            s.grade.as_str().to_string(),
            "ok".to_string(),
            String::new(),
            cov(s.coverage[0]),
            cov(s.coverage[1]),
            cov(s.coverage[2]),
            e.sequence.to_string(),
            format!("0x{:08x}", s.fingerprint),
        ])
        .map_err(csv_io)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn csv_io(e: csv::Error) -> io::Error {
    let msg = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other(msg),
    }
}

/// One entry in JSON.
#[derive(Serialize)]
struct JsonEntry {
    sequence: u32,
    id: u32,
    cultural: f32,
    economic: f32,
    security: f32,
    composite: f32,
    grade: &'static str,
    coverage: [f32; 3],
    fingerprint: String,
}

/// The recovery report in JSON.
#[derive(Serialize)]
struct JsonReport<'a> {
    dumps: &'a [DumpReport],
    entries: usize,
    duplicates: u64,
    conflicts: u64,
    missing: Vec<[u32; 2]>,
    other_models: BTreeMap<String, u64>,
    clean: bool,
}

/// Writes `{"report": {...}, "entries": [...]}`: the recovery report (per dump, the merged
/// counts, the missing sequence ranges, entries of other models by fingerprint) and the
/// entries kept.
pub fn write_json<W: Write>(read: &JournalRead, mut out: W) -> io::Result<W> {
    #[derive(Serialize)]
    struct Doc<'a> {
        report: JsonReport<'a>,
        entries: Vec<JsonEntry>,
    }
    let doc = Doc {
        report: json_report(read),
        entries: read
            .entries
            .iter()
            .map(|e| JsonEntry {
                sequence: e.sequence,
                id: e.scores.record_id,
                cultural: e.scores.cultural,
                economic: e.scores.economic,
                security: e.scores.security,
                composite: e.scores.composite,
                grade: e.scores.grade.as_str(),
                coverage: e.scores.coverage,
                fingerprint: format!("0x{:08x}", e.scores.fingerprint),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut out, &doc).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    Ok(out)
}

fn json_report(read: &JournalRead) -> JsonReport<'_> {
    JsonReport {
        dumps: &read.dumps,
        entries: read.entries.len(),
        duplicates: read.duplicates,
        conflicts: read.conflicts,
        missing: read.missing.iter().map(|&(a, b)| [a, b]).collect(),
        other_models: read
            .other_models
            .iter()
            .map(|(f, n)| (format!("0x{f:08x}"), *n))
            .collect(),
        clean: read.is_clean(),
    }
}

/// The recovery report for people, one line each: per dump, then the merged result.
pub fn report_lines(read: &JournalRead) -> Vec<String> {
    let mut lines = Vec::new();
    for d in &read.dumps {
        lines.push(format!(
            "{}: {} intact entries, {} corrupt regions, {} missing sequence numbers, torn \
             tail: {}, {} of {} bytes used; {} duplicates dropped, {} conflicts, {} of \
             another model",
            d.path.display(),
            d.entries,
            d.corrupt_regions,
            d.missing,
            if d.torn_tail { "yes" } else { "no" },
            d.used,
            d.capacity,
            d.duplicates,
            d.conflicts,
            d.other_model
        ));
    }
    for (f, n) in &read.other_models {
        lines.push(format!(
            "{n} entries scored by another model (fingerprint 0x{f:08x}): left out"
        ));
    }
    if !read.missing.is_empty() {
        let ranges: Vec<String> = read
            .missing
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        lines.push(format!("missing sequence numbers: {}", ranges.join(", ")));
    }
    lines.push(format!(
        "{} entries read{}",
        read.entries.len(),
        if read.is_clean() {
            ""
        } else {
            " (the journal is damaged: see above)"
        }
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::{score, Record, BRI_CULTURAL_V1 as M};

    fn scores(id: u32) -> silkscore::Scores {
        let mut r = Record::new(id, M.len());
        for i in 0..M.len() {
            r.set(i, id as f32 * 3.0).unwrap();
        }
        score(&M, &r).unwrap()
    }

    fn dump(ids: &[u32], capacity: usize) -> Vec<u8> {
        let mut j = Journal::open(MemFlash::new(std::vec![0xFFu8; capacity])).unwrap();
        for &id in ids {
            j.append(&scores(id)).unwrap();
        }
        j.into_flash().into_inner()
    }

    #[test]
    fn merging_drops_duplicates_and_names_gaps() {
        let early = dump(&[10, 11], 1024);
        let late = dump(&[10, 11, 12, 13], 1024);
        let read = read_dumps(&[("a".into(), early), ("b".into(), late)], None);
        let seqs: Vec<u32> = read.entries.iter().map(|e| e.sequence).collect();
        assert_eq!(seqs, [0, 1, 2, 3]);
        assert_eq!(read.duplicates, 2);
        assert_eq!(read.dumps[1].duplicates, 2);
        assert!(read.is_clean());
        // another device with the same sequence numbers: conflicts, kept
        let other = dump(&[20], 1024);
        let read = read_dumps(
            &[("a".into(), dump(&[10], 1024)), ("c".into(), other)],
            None,
        );
        assert_eq!((read.entries.len(), read.conflicts), (2, 1));
        assert!(!read.is_clean());
    }

    #[test]
    fn gaps_are_inclusive_ranges() {
        assert_eq!(gaps([0, 1, 2].into_iter()), []);
        assert_eq!(gaps([2, 3, 7].into_iter()), [(0, 1), (4, 6)]);
        assert_eq!(gaps([5].into_iter()), [(0, 4)]);
        assert_eq!(gaps([u32::MAX].into_iter()), [(0, u32::MAX - 1)]);
    }

    #[test]
    fn other_models_are_left_out() {
        let d = dump(&[1, 2, 3], 1024);
        let read = read_dumps(&[("a".into(), d)], Some(0x1234_5678));
        assert!(read.entries.is_empty());
        assert_eq!(read.other_models.get(&M.fingerprint()), Some(&3));
        assert_eq!(read.dumps[0].other_model, 3);
        // they still count as present: nothing is missing
        assert!(read.missing.is_empty());
    }

    #[test]
    fn csv_has_the_score_columns_then_sequence_and_fingerprint() {
        let d = dump(&[7], 256);
        let read = read_dumps(&[("a".into(), d)], Some(M.fingerprint()));
        let out = String::from_utf8(write_csv(&read.entries, Vec::new()).unwrap()).unwrap();
        let mut lines = out.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,cultural,economic,security,composite,grade,status,name,cultural_coverage,\
             economic_coverage,security_coverage,sequence,fingerprint"
        );
        let s = scores(7);
        let row = lines.next().unwrap();
        assert!(row.starts_with(&format!("7,{:.6},", s.cultural)), "{row}");
        assert!(
            row.ends_with(&format!(",0,0x{:08x}", M.fingerprint())),
            "{row}"
        );
        assert_eq!(lines.next(), None);
    }
}
