//! Fault injection for the score journal: power cuts at every byte offset, and thousands of
//! random bit flips. Run with `--nocapture` to see the tallies.

use silkscore::journal::{Entry, Flash, FlashError, Journal, JournalError, MemFlash, Recovery};
use silkscore::{score, Record, Scores, BRI_CULTURAL_V1 as M};

/// SplitMix64: small, deterministic, good enough to pick offsets and bits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Scores of a pseudo-random record: ids of every varint length, values all over the
/// goalposts, so entries differ in content and size.
fn random_scores(rng: &mut Rng) -> Scores {
    let id = match rng.below(4) {
        0 => rng.below(128) as u32,
        1 => rng.below(1 << 14) as u32,
        2 => rng.next() as u32,
        _ => u32::MAX - rng.below(10) as u32,
    };
    let mut r = Record::new(id, M.len());
    for (i, ind) in M.indicators().iter().enumerate() {
        let t = (rng.next() % 1000) as f32 / 999.0;
        r.set(i, ind.lo + t * (ind.hi - ind.lo) * 1.1).unwrap();
    }
    score(&M, &r).unwrap()
}

type Jrnl = Journal<MemFlash<Vec<u8>>>;

/// A journal of `n` entries: the flash image, the entries and where each frame ends
/// (delimiter included).
struct Built {
    image: Vec<u8>,
    expected: Vec<Scores>,
    ends: Vec<usize>,
}

impl Built {
    fn new(n: usize, capacity: usize, write_size: usize, seed: u64) -> Built {
        let mut rng = Rng(seed);
        let flash = MemFlash::new(vec![0xFFu8; capacity]).with_write_size(write_size);
        let mut j = Journal::open(flash).unwrap();
        let mut expected = Vec::new();
        let mut ends = Vec::new();
        for k in 0..n {
            let s = random_scores(&mut rng);
            assert_eq!(j.append(&s).unwrap(), k as u32);
            expected.push(s);
            ends.push(j.used());
        }
        Built {
            image: j.into_flash().into_inner(),
            expected,
            ends,
        }
    }

    fn written(&self) -> usize {
        *self.ends.last().unwrap()
    }

    fn start(&self, k: usize) -> usize {
        if k == 0 {
            0
        } else {
            self.ends[k - 1]
        }
    }

    /// Recovers `region`, checks every entry against what was appended, and returns the
    /// sequence numbers recovered and the recovery report.
    fn recover(&self, region: Vec<u8>, write_size: usize) -> (Vec<u32>, Recovery, Jrnl) {
        let mut j = Journal::open(MemFlash::new(region).with_write_size(write_size)).unwrap();
        let rec = *j.recovery();
        let got: Vec<Entry> = j.entries().map(|e| e.unwrap()).collect();
        assert_eq!(
            got.len() as u32,
            rec.entries,
            "iterator and recovery disagree"
        );
        let mut seqs = Vec::new();
        for e in &got {
            let want = self
                .expected
                .get(e.sequence as usize)
                .unwrap_or_else(|| panic!("entry with unknown sequence {}", e.sequence));
            // the central promise: nothing corrupted is ever returned
            assert_eq!(&e.scores, want, "corrupted entry {} accepted", e.sequence);
            if let Some(last) = seqs.last() {
                assert!(e.sequence > *last, "sequence numbers must increase");
            }
            seqs.push(e.sequence);
        }
        (seqs, rec, j)
    }
}

/// After recovery, an append goes after the last intact entry and a fresh recovery returns
/// everything recovered before plus the new entry.
fn append_after_recovery(built: &Built, mut j: Jrnl, before: &[u32], rng: &mut Rng) {
    let s = random_scores(rng);
    let want_seq = before.last().map_or(0, |l| l + 1);
    assert_eq!(j.append(&s).unwrap(), want_seq);
    let mut j = Journal::open(j.into_flash()).unwrap();
    let got: Vec<Entry> = j.entries().map(|e| e.unwrap()).collect();
    assert_eq!(
        got.len(),
        before.len() + 1,
        "an append lost or revived entries: {before:?} then {:?}",
        got.iter().map(|e| e.sequence).collect::<Vec<_>>()
    );
    for (e, seq) in got.iter().zip(before) {
        assert_eq!(e.sequence, *seq);
        assert_eq!(e.scores, built.expected[*seq as usize]);
    }
    let last = got.last().unwrap();
    assert_eq!((last.sequence, last.scores), (want_seq, s));
}

fn power_cuts(n: usize, write_size: usize) -> (usize, usize, usize) {
    let built = Built::new(n, 64 * n + 512, write_size, 0x5EED_0001 + write_size as u64);
    let capacity = built.image.len();
    let written = built.written();
    let mut rng = Rng(42);
    let (mut trials, mut recovered, mut lost) = (0, 0, 0);
    for cut in 0..=written {
        // the bytes written up to the cut, the rest still erased
        let mut region = built.image[..cut].to_vec();
        region.resize(capacity, 0xFF);
        let (seqs, rec, journal) = built.recover(region, write_size);
        let complete = built.ends.iter().filter(|e| **e <= cut).count();
        // a prefix of the journal, every complete entry included
        let m = seqs.len();
        assert!(
            seqs.iter().enumerate().all(|(i, s)| *s == i as u32),
            "cut {cut}: not a prefix"
        );
        assert!(m >= complete, "cut {cut}: lost a complete entry");
        assert!(m <= complete + 1, "cut {cut}: recovered an unwritten entry");
        if m == complete + 1 {
            // only an entry that lacks nothing but its delimiter (and padding) may be kept,
            // or bytes that read 0xFF whether written or not
            let body_end = built.start(complete) + frame_len(&built, complete) - 1;
            assert!(
                cut >= body_end || built.image[cut..body_end].iter().all(|b| *b == 0xFF),
                "cut {cut}: kept a partial entry"
            );
        }
        let partial = cut > built.start(complete.min(n - 1)) && complete < n;
        assert_eq!(rec.entries as usize, m);
        assert_eq!((rec.corrupt_regions, rec.missing), (0, 0), "cut {cut}");
        assert_eq!(
            rec.torn_tail,
            partial && m == complete && has_data(&built.image[built.start(complete)..cut]),
            "cut {cut}"
        );
        trials += 1;
        recovered += m;
        if partial && m == complete {
            lost += 1;
        }
        append_after_recovery(&built, journal, &seqs, &mut rng);
    }
    (trials, recovered, lost)
}

/// Length of entry `k`'s frame (COBS bytes and delimiter), without write-size padding.
fn frame_len(built: &Built, k: usize) -> usize {
    let s = built.start(k);
    let bytes = &built.image[s..built.ends[k]];
    // padding zeros follow the delimiter; the frame ends at the first 0x00
    bytes.iter().position(|b| *b == 0).unwrap() + 1
}

fn has_data(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b != 0xFF)
}

#[test]
fn power_cut_at_every_byte_offset() {
    let (trials, recovered, lost) = power_cuts(100, 1);
    println!(
        "power cuts (100 entries, write size 1): trials {trials}, entries recovered {recovered}, \
         torn entries lost {lost}, complete entries lost 0, corrupt entries accepted 0"
    );
    assert!(trials > 100 * 40);
}

#[test]
fn power_cut_with_8_byte_write_granularity() {
    let (trials, recovered, lost) = power_cuts(30, 8);
    println!(
        "power cuts (30 entries, write size 8): trials {trials}, entries recovered {recovered}, \
         torn entries lost {lost}, complete entries lost 0, corrupt entries accepted 0"
    );
}

#[test]
fn random_bit_flips() {
    const N: usize = 100;
    const TRIALS: usize = 4000;
    let built = Built::new(N, 64 * N + 512, 1, 0x5EED_0002);
    let written = built.written();
    let mut rng = Rng(7);
    let mut tally = [0usize; 4]; // recovered, lost with a flip in them, intact lost, reported missing
    let mut regions = 0;
    for trial in 0..TRIALS {
        let flips = 1 + [0, 0, 0, 1, 1, 2][rng.below(6)];
        let mut region = built.image.clone();
        let mut hit = Vec::new();
        for _ in 0..flips {
            // mostly the written part, sometimes the erased space after it
            let at = rng.below(written + 64);
            region[at] ^= 1 << rng.below(8);
            hit.push(at);
        }
        let first = *hit.iter().min().unwrap();
        let (seqs, rec, journal) = built.recover(region, 1);
        let mut intact_lost = 0;
        let mut damaged_lost = 0;
        for k in 0..N {
            let (s, e) = (built.start(k), built.ends[k]);
            let found = seqs.binary_search(&(k as u32)).is_ok();
            if e <= first {
                assert!(
                    found,
                    "trial {trial}: lost entry {k} before the first fault"
                );
            }
            if !found {
                // the frame's COBS bytes (the delimiter is the last byte)
                if hit.iter().any(|h| (s..e - 1).contains(h)) {
                    damaged_lost += 1;
                } else {
                    intact_lost += 1;
                }
            }
        }
        if flips == 1 {
            assert!(
                intact_lost == 0 && damaged_lost <= 1,
                "trial {trial}: one flip lost more than the entry it hit"
            );
        }
        tally[0] += seqs.len();
        tally[1] += damaged_lost;
        tally[2] += intact_lost;
        tally[3] += rec.missing as usize;
        regions += rec.corrupt_regions as usize;
        // lost entries before the last recovered one are all reported as missing
        let last = seqs.last().copied().unwrap_or(0) as usize;
        let lost_before_last = (0..last).filter(|k| seqs.binary_search(&(*k as u32)).is_err());
        assert_eq!(
            lost_before_last.count(),
            rec.missing as usize,
            "trial {trial}"
        );
        if trial % 8 == 0 {
            append_after_recovery(&built, journal, &seqs, &mut rng);
        }
    }
    println!(
        "bit flips ({N} entries, 1-3 flips per trial): trials {TRIALS}, entries recovered {}, \
         entries lost {} (hit by a flip {}, intact {}), reported missing {}, corrupt regions {}, \
         corrupt entries accepted 0",
        tally[0],
        tally[1] + tally[2],
        tally[1],
        tally[2],
        tally[3],
        regions
    );
    assert_eq!(tally[2], 0, "an intact entry was lost");
}

#[test]
fn full_region_never_overwrites() {
    let mut rng = Rng(3);
    let mut flash = MemFlash::new(vec![0xFFu8; 1000]);
    let mut j = Journal::open(&mut flash).unwrap();
    let s = random_scores(&mut rng);
    let mut n = 0;
    loop {
        match j.append(&s) {
            Ok(seq) => assert_eq!(seq, n),
            Err(JournalError::JournalFull) => break,
            Err(e) => panic!("{e}"),
        }
        n += 1;
    }
    let snapshot = flash.as_bytes().to_vec();
    let mut j = Journal::open(&mut flash).unwrap();
    assert_eq!(j.recovery().entries, n);
    assert_eq!(j.append(&s), Err(JournalError::JournalFull));
    assert_eq!(flash.as_bytes(), &snapshot[..]);
}

#[test]
fn garbage_regions_recover_and_accept_appends() {
    let mut rng = Rng(11);
    for _ in 0..200 {
        let len = 64 + rng.below(400);
        let mut region: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // leave some erased space so appends fit
        region.extend(std::iter::repeat_n(0xFF, 200));
        let mut j = Journal::open(MemFlash::new(region)).unwrap();
        let before = j.recovery().entries;
        let s = random_scores(&mut rng);
        let seq = j.append(&s).unwrap();
        let mut j = Journal::open(j.into_flash()).unwrap();
        let got: Vec<Entry> = j.entries().map(|e| e.unwrap()).collect();
        assert_eq!(got.len() as u32, before + 1);
        assert_eq!(got.last().unwrap().sequence, seq);
        assert_eq!(got.last().unwrap().scores, s);
    }
}

#[test]
fn failed_write_recovers_before_next_append() {
    /// Flash that loses power after `budget` more programmed bytes.
    struct Cutting {
        inner: MemFlash<Vec<u8>>,
        budget: usize,
    }
    impl Flash for Cutting {
        fn capacity(&self) -> usize {
            self.inner.capacity()
        }
        fn read(&mut self, offset: usize, buf: &mut [u8]) -> Result<(), FlashError> {
            self.inner.read(offset, buf)
        }
        fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
            let n = data.len().min(self.budget);
            self.inner.write(offset, &data[..n])?;
            self.budget -= n;
            if n < data.len() {
                Err(FlashError)
            } else {
                Ok(())
            }
        }
    }
    let mut rng = Rng(5);
    let mut j = Journal::open(Cutting {
        inner: MemFlash::new(vec![0xFF; 2048]),
        budget: 130,
    })
    .unwrap();
    let a = random_scores(&mut rng);
    let mut ok = 0;
    while j.append(&a).is_ok() {
        ok += 1;
    }
    assert!(ok >= 2);
    // power is back
    let mut flash = j.into_flash();
    flash.budget = usize::MAX;
    let mut j = Journal::open(flash).unwrap();
    assert_eq!(j.recovery().entries, ok);
    assert!(j.recovery().torn_tail);
    assert_eq!(j.append(&a).unwrap(), ok);
    assert_eq!(j.entries().count() as u32, ok + 1);
}

#[test]
fn entry_ending_in_ff_bytes_cut_before_its_delimiter() {
    // An entry whose last COBS bytes are 0xFF (its CRC) looks shorter than it is when the
    // power is cut before its delimiter. It must be kept, and the next append must neither
    // write over those bytes nor duplicate its sequence number.
    let mut rng = Rng(99);
    let mut buf = [0u8; silkscore::journal::ENTRY_FRAME_MAX_SIZE];
    let special = loop {
        let s = random_scores(&mut rng);
        let e = Entry {
            sequence: 1,
            scores: s,
        };
        let f = silkscore::wire::frame::encode_frame(&e, &mut buf).unwrap();
        if f[f.len() - 2] == 0xFF {
            break s;
        }
    };
    let first = random_scores(&mut rng);
    for ws in [1, 4, 8, 32] {
        let mut j = Journal::open(MemFlash::new(vec![0xFF; 1024]).with_write_size(ws)).unwrap();
        j.append(&first).unwrap();
        let start = j.used();
        j.append(&special).unwrap();
        let mut image = j.into_flash().into_inner();
        let delimiter = start + image[start..].iter().position(|b| *b == 0).unwrap();
        for cut in [delimiter, delimiter - 1] {
            image[cut..].fill(0xFF);
            let mut j = Journal::open(MemFlash::new(image.clone()).with_write_size(ws)).unwrap();
            assert_eq!(j.recovery().entries, 2, "write size {ws}, cut {cut}");
            assert!(!j.recovery().torn_tail);
            let extra = random_scores(&mut rng);
            assert_eq!(j.append(&extra).unwrap(), 2);
            let mut j = Journal::open(j.into_flash()).unwrap();
            let got: Vec<Entry> = j.entries().map(|e| e.unwrap()).collect();
            let want = [(0, first), (1, special), (2, extra)];
            assert_eq!(got.len(), 3, "write size {ws}, cut {cut}");
            for (e, (seq, s)) in got.iter().zip(want) {
                assert_eq!((e.sequence, e.scores), (seq, s));
            }
            assert!(j.recovery().is_clean());
        }
    }
}
