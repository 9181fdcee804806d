//! An arbitrary flash region opened as a journal: recovery never panics, the iterator agrees
//! with the recovery report, and appends after recovery go after the last intact entry:
//! a second recovery returns exactly the entries of the first plus the appended ones.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::journal::{Entry, Journal, JournalError, MemFlash};
use silkscore::{score, Record, Scores, BRI_CULTURAL_V1 as M};

fn scores(id: u32) -> Scores {
    let mut r = Record::new(id, M.len());
    for i in 0..M.len() {
        r.set(i, (id % 97) as f32 + i as f32).unwrap();
    }
    score(&M, &r).unwrap()
}

fn entries(j: &mut Journal<MemFlash<Vec<u8>>>) -> Vec<Entry> {
    j.entries()
        .map(|e| e.expect("MemFlash reads never fail"))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let write_size = [1usize, 1, 2, 4, 8, 16, 32, 64][usize::from(a & 7)];
    let appends = u32::from(b & 3);
    let mut region = rest.to_vec();
    if b & 0x80 != 0 {
        region.resize(rest.len() + 256, 0xFF);
    }
    let mut j = Journal::open(MemFlash::new(region).with_write_size(write_size)).unwrap();
    let rec = *j.recovery();
    let before = entries(&mut j);
    assert_eq!(before.len() as u32, rec.entries);
    assert!(before.windows(2).all(|w| w[0].sequence < w[1].sequence));
    assert!(rec.used <= j.capacity());

    let mut added = Vec::new();
    for k in 0..appends {
        let s = scores(k * 7919);
        match j.append(&s) {
            Ok(seq) => {
                let want = before.last().map_or(0, |e| e.sequence + 1) + added.len() as u32;
                assert_eq!(seq, want);
                added.push(Entry {
                    sequence: seq,
                    scores: s,
                });
            }
            Err(JournalError::JournalFull) => {}
            Err(JournalError::Flash) => assert!(write_size > 32),
            Err(e) => panic!("append: {e}"),
        }
    }
    let mut j = Journal::open(j.into_flash()).unwrap();
    let after = entries(&mut j);
    let want: Vec<Entry> = before.iter().chain(&added).copied().collect();
    assert_eq!(after, want, "appends changed what recovery finds");
});
