//! Writes the seed corpus, `fuzz/corpus/<target>/`, from valid encodings: the default model,
//! a few records, scores, frames, journal images, signed envelopes and the test vectors.
//! `fuzz/run.sh` runs it before fuzzing; the corpus directories are not committed.
//!
//! Usage: `cargo run --bin seed [CORPUS_DIR]` (default: `corpus` next to this crate).

use std::fs;
use std::path::{Path, PathBuf};

use silkscore::journal::{Entry, Journal, MemFlash, ENTRY_FRAME_MAX_SIZE};
use silkscore::wire::{self, frame};
use silkscore::{
    score, signed, Connotation, Direction, Indicator, Model, ModelParams, Record, Scores,
    Transform, BRI_CULTURAL_V1 as M,
};

/// The key `fuzz_targets/signed_envelope.rs` trusts.
const FUZZ_KEY: [u8; 32] = [7; 32];

struct Corpus {
    root: PathBuf,
    written: usize,
}

impl Corpus {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), bytes).unwrap();
        self.written += 1;
    }
}

fn records() -> Vec<Record> {
    let mut out = vec![
        Record::new(0, 0),
        Record::from_values(7, &[Some(1.5), None, Some(f32::NAN)]).unwrap(),
    ];
    for (k, v) in [(1u32, 10.0f32), (300, 1e6), (u32::MAX, 0.0)] {
        let mut r = Record::new(k, M.len()).with_name("Dunhuang digital archive");
        for i in 0..M.len() {
            if !(i + k as usize).is_multiple_of(5) {
                r.set(i, v * (i + 1) as f32).unwrap();
            }
        }
        out.push(r);
    }
    out
}

fn small_model() -> Model {
    Model::new(
        "tiny",
        ModelParams {
            across: silkscore::Aggregation::Arithmetic,
            ..ModelParams::DEFAULT
        },
        &[
            Indicator::new(
                "heritage",
                Connotation::Cultural,
                Direction::Benefit,
                Transform::Log,
                0.0,
                40.0,
            ),
            Indicator::new(
                "income",
                Connotation::Economic,
                Direction::Benefit,
                Transform::Ln,
                100.0,
                75000.0,
            ),
            Indicator::new(
                "risk",
                Connotation::Security,
                Direction::Cost,
                Transform::Lin,
                0.0,
                10.0,
            ),
        ],
    )
    .unwrap()
}

fn all_scores() -> Vec<Scores> {
    records().iter().filter_map(|r| score(&M, r).ok()).collect()
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let mut c = Corpus { root, written: 0 };
    let models = [M.clone(), small_model()];
    let scores = all_scores();
    assert!(scores.len() >= 2);

    // Plain messages.
    for (i, r) in records().iter().enumerate() {
        let mut buf = [0u8; wire::RECORD_MAX_SIZE];
        c.put(
            "decode_record",
            &format!("record{i}"),
            wire::encode_record(r, &mut buf).unwrap(),
        );
    }
    for (i, m) in models.iter().enumerate() {
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        c.put(
            "decode_model",
            &format!("model{i}"),
            wire::encode_model(m, &mut buf).unwrap(),
        );
    }
    for (i, s) in scores.iter().enumerate() {
        let mut buf = [0u8; wire::SCORES_MAX_SIZE];
        c.put(
            "decode_scores",
            &format!("scores{i}"),
            wire::encode_scores(s, &mut buf).unwrap(),
        );
    }

    // Frames: a kind byte (0 record, 1 model, 2 scores, 3 journal entry), then frames.
    let mut streams: [Vec<u8>; 4] = [vec![0], vec![1], vec![2], vec![3]];
    for r in records() {
        let mut buf = [0u8; frame::RECORD_FRAME_MAX_SIZE];
        streams[0].extend_from_slice(frame::encode_frame(&r, &mut buf).unwrap());
    }
    for m in &models {
        let mut buf = [0u8; frame::MODEL_FRAME_MAX_SIZE];
        streams[1].extend_from_slice(frame::encode_frame(m, &mut buf).unwrap());
    }
    for (i, s) in scores.iter().enumerate() {
        let mut buf = [0u8; frame::SCORES_FRAME_MAX_SIZE];
        streams[2].extend_from_slice(frame::encode_frame(s, &mut buf).unwrap());
        let mut buf = [0u8; ENTRY_FRAME_MAX_SIZE];
        let e = Entry {
            sequence: i as u32,
            scores: *s,
        };
        streams[3].extend_from_slice(frame::encode_frame(&e, &mut buf).unwrap());
    }
    for (kind, s) in streams.iter().enumerate() {
        c.put("decode_frame", &format!("stream{kind}"), s);
        // the first frame alone
        let end = 1 + s[1..].iter().position(|b| *b == 0).unwrap() + 1;
        c.put("decode_frame", &format!("single{kind}"), &s[..end]);
    }

    // Score: Unstructured input; a few fixed byte patterns (the first chooses the default
    // model a quarter of the time).
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..8 {
        let bytes: Vec<u8> = (0..64 + 32 * i)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        c.put("score", &format!("random{i}"), &bytes);
    }
    c.put("score", "zeros", &[0u8; 256]);

    // Journal images: two header bytes (write size, appends and an erased tail), then a
    // region holding a journal, whole and cut short.
    for ws in [1usize, 8] {
        let mut j = Journal::open(MemFlash::new(vec![0xFF; 512]).with_write_size(ws)).unwrap();
        for s in &scores {
            j.append(s).unwrap();
        }
        let used = j.used();
        let image = j.into_flash().into_inner();
        let header = [if ws == 1 { 0 } else { 4 }, 0x82];
        for (name, cut) in [("whole", used), ("torn", used - 9), ("short", used / 2)] {
            let mut seed = header.to_vec();
            seed.extend_from_slice(&image[..cut]);
            seed.extend(std::iter::repeat_n(0xFF, 16));
            c.put("journal", &format!("{name}_ws{ws}"), &seed);
        }
    }

    // Signed envelopes: the two the target trusts (revisions 1 and 2 of the default model),
    // and one signed by another key.
    let key = signed::SigningKey::from_bytes(&FUZZ_KEY);
    let other = signed::SigningKey::from_bytes(&[8; 32]);
    for rev in 1..=3 {
        let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
        let (model, key) = if rev == 3 {
            (&models[1], &other)
        } else {
            (&models[0], &key)
        };
        let env = signed::sign_model(model, rev, key, &mut buf).unwrap();
        c.put("signed_envelope", &format!("rev{rev}"), env);
    }

    // Host files: the test vectors, and the default model written out.
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    c.put(
        "model_toml",
        "default",
        silkscore_host::model_file::to_toml(&M).as_bytes(),
    );
    for dir in [vectors.clone(), vectors.join("invalid_models")] {
        let Ok(list) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in list.flatten() {
            let p = entry.path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let Ok(bytes) = fs::read(&p) else { continue };
            if name.ends_with(".toml") {
                c.put("model_toml", &name, &bytes);
            } else if name == "default_records.csv" {
                c.put("records_csv", &name, &bytes);
            }
        }
    }
    c.put(
        "records_csv",
        "small.csv",
        b"id,name,talent_exchange,stability_risk,extra\n1,a,10,2,x\n2,,NaN,inf,\nx,b,1_000,,\n3,c\n",
    );

    // Records files for the accounting target: line endings, blank lines, quoted fields that
    // span lines, an unclosed quote, a NUL byte, a byte order mark, a too-wide row.
    let portfolio =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/portfolio.csv"))
            .unwrap_or_default();
    let crlf: Vec<u8> = String::from_utf8_lossy(&portfolio)
        .replace('\n', "\r\n")
        .into_bytes();
    for (name, bytes) in [
        ("portfolio.csv", portfolio.clone()),
        ("portfolio-crlf.csv", crlf),
        (
            "blank-lines.csv",
            b"\n\r\nid,name,talent_exchange\n\n1,a,2\r\n\r\n2,b,3\n\n".to_vec(),
        ),
        (
            "multiline.csv",
            b"id,name\r\n1,\"Kashgar\r\nold town\"\r\n2,\"a \"\"b\"\"\nc\"\n3,x\"y\n".to_vec(),
        ),
        (
            "unclosed.csv",
            b"id,name\n1,ok\n2,\"never closed\n3,x\n".to_vec(),
        ),
        ("nul.csv", b"id,name\n1,a\n2\0,b\n".to_vec()),
        ("bom-cr.csv", b"\xEF\xBB\xBFid,name\r1,a\r2,b".to_vec()),
        (
            "wide.csv",
            format!("id,name\n1{}\n2,b\n", ",".repeat(40)).into_bytes(),
        ),
    ] {
        c.put("records_accounting", name, &bytes);
    }

    println!("wrote {} seeds under {}", c.written, c.root.display());
}
