//! `silkscore journal read` through the real binary: journals written by the core's
//! `Journal` (as a kiosk writes them), read back clean, merged, checked against a model, and
//! hostile dumps (empty, all zeros, all 0xFF, larger than the limit, truncated, bit-flipped,
//! random bytes, another model's entries).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use silkscore::journal::{Journal, MemFlash};
use silkscore::{score, wire, Model, Record, Scores, BRI_CULTURAL_V1 as M};

fn tmp(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("journal")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkscore"))
        .args(args)
        .output()
        .expect("run silkscore")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn scores(model: &Model, id: u32) -> Scores {
    let mut r = Record::new(id, model.len());
    for i in 0..model.len() {
        r.set(i, (id as f32 * 7.5 + i as f32) % 90.0).unwrap();
    }
    score(model, &r).unwrap()
}

/// A journal region of `capacity` bytes after appending the scores of `ids` (model `m`).
fn dump_of(m: &Model, ids: &[u32], capacity: usize) -> Vec<u8> {
    let mut j = Journal::open(MemFlash::new(vec![0xFFu8; capacity])).unwrap();
    for &id in ids {
        j.append(&scores(m, id)).unwrap();
    }
    j.into_flash().into_inner()
}

/// The CSV rows (without the header), split into cells.
fn rows(o: &Output) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.last().unwrap(), "fingerprint");
    assert_eq!(header[header.len() - 2], "sequence");
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

fn another_model() -> Model {
    M.with_indicator_weights(&[2.0; 18]).unwrap()
}

#[test]
fn a_clean_dump_reads_back_as_the_scores_appended() {
    let dir = tmp("clean");
    let ids = [5u32, 9, 4_000_000_000, 0, 77];
    let d = dir.join("kiosk.bin");
    fs::write(&d, dump_of(&M, &ids, 2048)).unwrap();
    let o = run(&["journal", "read", p(&d)]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let rows = rows(&o);
    assert_eq!(rows.len(), ids.len());
    for (seq, (row, id)) in rows.iter().zip(ids).enumerate() {
        let s = scores(&M, id);
        assert_eq!(row[0], id.to_string());
        assert_eq!(row[1], format!("{:.6}", s.cultural));
        assert_eq!(row[4], format!("{:.6}", s.composite));
        assert_eq!(row[5], s.grade.as_str());
        assert_eq!(row[6], "ok");
        assert_eq!(row[10], format!("{:.4}", s.coverage[2]));
        assert_eq!(row[11], seq.to_string());
        assert_eq!(row[12], format!("0x{:08x}", M.fingerprint()));
    }
    let err = text(&o.stderr);
    assert!(err.contains("5 intact entries, 0 corrupt regions"), "{err}");
}

#[test]
fn overlapping_dumps_merge_without_duplicates() {
    let dir = tmp("merge");
    let (a, b) = (dir.join("monday.bin"), dir.join("friday.bin"));
    fs::write(&a, dump_of(&M, &[1, 2, 3], 1024)).unwrap();
    fs::write(&b, dump_of(&M, &[1, 2, 3, 4, 5], 1024)).unwrap();
    let o = run(&["journal", "read", p(&a), p(&b)]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let seqs: Vec<String> = rows(&o).iter().map(|r| r[11].clone()).collect();
    assert_eq!(seqs, ["0", "1", "2", "3", "4"]);
    assert!(text(&o.stderr).contains("3 duplicates dropped"));
    // the same dump given twice: every entry once
    let o = run(&["journal", "read", p(&a), p(&a)]);
    assert_eq!(rows(&o).len(), 3);
}

#[test]
fn entries_of_another_model_are_reported_not_mixed_in() {
    let dir = tmp("models");
    let other = another_model();
    // one device that switched models: entries 0-1 by M, 2-3 by the other
    let mut j = Journal::open(MemFlash::new(vec![0xFFu8; 1024])).unwrap();
    for (m, id) in [(&M, 1u32), (&M, 2), (&other, 3), (&other, 4)] {
        j.append(&scores(m, id)).unwrap();
    }
    let d = dir.join("kiosk.bin");
    fs::write(&d, j.into_flash().into_inner()).unwrap();
    let model = dir.join("other.model");
    fs::write(&model, wire::to_vec(&other)).unwrap();
    let o = run(&["journal", "read", p(&d), "--model", p(&model)]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let ids: Vec<String> = rows(&o).iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, ["3", "4"]);
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "2 entries scored by another model (fingerprint 0x{:08x}): left out",
            M.fingerprint()
        )),
        "{err}"
    );
    // and in JSON
    let o = run(&[
        "journal",
        "read",
        p(&d),
        "--model",
        p(&model),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let key = format!("0x{:08x}", M.fingerprint());
    assert_eq!(v["report"]["other_models"][key.as_str()], 2);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["entries"][0]["id"], 3);
    assert_eq!(v["report"]["dumps"][0]["other_model"], 2);
}

#[test]
fn a_cut_dump_keeps_what_is_intact_and_says_so() {
    let dir = tmp("cut");
    let full = dump_of(&M, &[1, 2, 3, 4], 1024);
    let used = full.iter().rposition(|b| *b != 0xFF).unwrap() + 1;
    // cut in the middle of the last entry: the dump ends there (a partial upload)
    let d = dir.join("cut.bin");
    fs::write(&d, &full[..used - 10]).unwrap();
    let o = run(&["journal", "read", p(&d), "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 3);
    assert_eq!(v["report"]["dumps"][0]["torn_tail"], true);
    assert_eq!(v["report"]["clean"], false);
    // the same as a torn write on the device: the rest erased
    let mut torn = full.clone();
    torn[used - 10..].fill(0xFF);
    fs::write(&d, &torn).unwrap();
    let o = run(&["journal", "read", p(&d)]);
    assert_eq!(code(&o), 1);
    assert_eq!(rows(&o).len(), 3);
    assert!(text(&o.stderr).contains("torn tail: yes"));
}

#[test]
fn a_flipped_bit_costs_one_entry_and_is_reported() {
    let dir = tmp("flip");
    let full = dump_of(&M, &[1, 2, 3, 4, 5], 1024);
    let used = full.iter().rposition(|b| *b != 0xFF).unwrap() + 1;
    let d = dir.join("flip.bin");
    let mut lost = 0;
    for at in [used / 2, 3, used - 3] {
        let mut bad = full.clone();
        bad[at] ^= 0x10;
        fs::write(&d, &bad).unwrap();
        let o = run(&["journal", "read", p(&d), "--format", "json"]);
        assert_eq!(code(&o), 1, "byte {at}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let n = v["entries"].as_array().unwrap().len();
        assert_eq!(n, 4, "byte {at}");
        assert_eq!(v["report"]["dumps"][0]["corrupt_regions"], 1);
        lost += 5 - n;
    }
    assert_eq!(lost, 3);
}

#[test]
fn hostile_dumps_never_crash() {
    let dir = tmp("hostile");
    let d = dir.join("d.bin");
    // empty, all zeros, all erased: a clean, empty journal
    for bytes in [vec![], vec![0u8; 4096], vec![0xFFu8; 4096]] {
        fs::write(&d, &bytes).unwrap();
        let o = run(&["journal", "read", p(&d)]);
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        assert_eq!(rows(&o).len(), 0);
    }
    // random bytes: no panic, exit 0 or 1, a CSV header at least
    let mut state = 0x2545_F491u32;
    for n in [1usize, 7, 63, 64, 65, 1000, 5000] {
        let bytes: Vec<u8> = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        fs::write(&d, &bytes).unwrap();
        let o = run(&["journal", "read", p(&d)]);
        assert!(matches!(code(&o), 0 | 1), "{n}: {}", text(&o.stderr));
        let _ = rows(&o);
    }
    // a missing file, and a directory: exit 2, named
    let o = run(&["journal", "read", p(&dir.join("nope.bin"))]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("nope.bin"));
    let o = run(&["journal", "read", p(&dir)]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_dump_larger_than_64_mib_is_refused_without_reading_it_all() {
    let dir = tmp("huge");
    let d = dir.join("huge.bin");
    let f = fs::File::create(&d).unwrap();
    f.set_len(64 * 1024 * 1024 + 1).unwrap(); // sparse: zeros
    let o = run(&["journal", "read", p(&d)]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("not a journal dump"),
        "{}",
        text(&o.stderr)
    );
    #[cfg(unix)]
    {
        let o = run(&["journal", "read", "/dev/zero"]);
        assert_eq!(code(&o), 2);
        assert!(text(&o.stderr).contains("/dev/zero"));
    }
}

#[test]
fn the_output_is_never_one_of_the_dumps() {
    let dir = tmp("same");
    let d = dir.join("kiosk.bin");
    let bytes = dump_of(&M, &[1], 256);
    fs::write(&d, &bytes).unwrap();
    let o = run(&["journal", "read", p(&d), "-o", p(&d)]);
    assert_eq!(code(&o), 2);
    assert_eq!(fs::read(&d).unwrap(), bytes, "the dump is untouched");
    let out = dir.join("scores.csv");
    let o = run(&["journal", "read", p(&d), "-o", p(&out)]);
    assert_eq!(code(&o), 0);
    assert!(fs::read_to_string(&out)
        .unwrap()
        .starts_with("id,cultural,"));
}
