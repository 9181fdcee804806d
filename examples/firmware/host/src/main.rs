//! Host side of the silkscore firmware example.
//!
//! ```text
//! silkscore-fw-host gen    [--check] [--vectors DIR] [--data DIR]
//! silkscore-fw-host expect [--data DIR]
//! silkscore-fw-host verify [--data DIR]
//! silkscore-fw-host sizes
//! silkscore-fw-host compare EXPECTED ACTUAL
//! ```
//!
//! * `gen` turns the conformance vectors (`tests/vectors/{bri-cultural-v1,custom5,custom32}.toml`
//!   and `*_records.csv`) into what the firmware holds in flash: one postcard model message per
//!   model (`DATA/<set>.model`, [`silkscore::wire::encode_model`]) and one stream of COBS/CRC-32
//!   record frames per model (`DATA/<set>.frames`, [`silkscore::wire::frame::encode_frame`]),
//!   with exactly one deliberately corrupted frame inserted in each stream (see
//!   `DATA/manifest.txt`). It also signs the default model with the fixed **test key**
//!   ([`TEST_KEY_SEED`], not secret) as Ed25519 envelopes ([`silkscore::signed`]):
//!   `DATA/default.envelope` (revision 2), `DATA/default_tampered.envelope` (the same with one
//!   signature byte flipped), `DATA/default_rev1.envelope` (revision 1, for the rollback
//!   refusal) and the public key `DATA/test_key.pub` (32 raw bytes). Ed25519 signatures are
//!   deterministic, so these files are reproducible. With `--check` it writes nothing and
//!   fails when the committed files differ from what it would write.
//! * `expect` reads those same bytes back exactly as the firmware does (decode the model,
//!   push the stream byte by byte through a `FrameReader`, score every record) and prints the
//!   same lines the firmware prints: every index as its exact f32 bit pattern. First come the
//!   `signed:` lines: the default envelope verified with the test public key (the device then
//!   runs revision 2), the tampered one refused (`BadSignature`), the revision-1 one refused
//!   (`Rollback`).
//! * `verify` checks the corruption properties on the host: each stream has exactly one
//!   rejected frame, at the manifest's position, and dropping it leaves the output of every
//!   other frame unchanged; every single-bit flip of every byte of that frame, in a clean copy
//!   of the default stream, rejects exactly that frame and nothing else.
//! * `compare` diffs the result lines (`signed:`, `M`, `F`, `E`) of two outputs and fails on
//!   any difference.
//!
//! CSV cells (docs/spec.md §7, §8): blank is missing; `NaN`, `inf`, `-inf` and overflowing numbers are
//! kept as values (scoring rejects them as non-finite); a cell that does not parse as `f32`
//! (`abc`, `1_000`, `0x10`, ...) is encoded as **missing** (the record still goes to the
//! device, where the CLI would report `parse:<column>`), and counted in the manifest. A row
//! whose `id` is not a u32 or whose field count differs from the header is skipped (the
//! conformance vectors have none).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use silkscore::signed;
use silkscore::wire::{self, frame};
use silkscore::{score, DecodeError, Model, Record, ScoreError, Scores};

/// One data set: a model and its records, and where a corrupted frame goes.
struct SetSpec {
    name: &'static str,
    model_file: &'static str,
    records_file: &'static str,
    /// The corrupted copy of record `at`'s frame is inserted just before it.
    corrupt_at: usize,
    /// Which byte of that frame is changed (negative: from the end, -1 is the last byte before
    /// the delimiter).
    corrupt_byte: isize,
    /// XOR mask applied to that byte.
    corrupt_xor: u8,
}

const SETS: [SetSpec; 3] = [
    // default model: arithmetic within, geometric across; a payload byte flipped
    SetSpec {
        name: "default",
        model_file: "bri-cultural-v1.toml",
        records_file: "default_records.csv",
        corrupt_at: 42,
        corrupt_byte: 20,
        corrupt_xor: 0x20,
    },
    // custom5: geometric within, arithmetic across; the first COBS code byte changed
    SetSpec {
        name: "custom5",
        model_file: "custom5.toml",
        records_file: "custom5_records.csv",
        corrupt_at: 17,
        corrupt_byte: 0,
        corrupt_xor: 0x01,
    },
    // custom32: 32 indicators; a CRC byte changed
    SetSpec {
        name: "custom32",
        model_file: "custom32.toml",
        records_file: "custom32_records.csv",
        corrupt_at: 99,
        corrupt_byte: -2,
        corrupt_xor: 0x80,
    },
];

/// **Test key, not secret.** The seed of the Ed25519 key that signs the example's envelopes:
/// a constant written here so that `gen --check` can reproduce them. Its public key is
/// `data/test_key.pub`, which the firmware trusts. Never sign real models with it.
const TEST_KEY_SEED: [u8; 32] = *b"silkscore test key, not secret!!";

/// The revision of `default.envelope`; `default_rev1.envelope` is the rollback case.
const SIGNED_REVISION: u32 = 2;
/// Which signature byte `default_tampered.envelope` changes (0 = first byte of R), and how.
const TAMPER_SIG_BYTE: usize = 0;
const TAMPER_XOR: u8 = 0x01;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("silkscore-fw-host: {e}");
            ExitCode::from(2)
        }
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn opt(args: &[String], name: &str) -> Option<PathBuf> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let data = opt(args, "--data").unwrap_or_else(|| manifest_dir().join("../data"));
    let vectors =
        opt(args, "--vectors").unwrap_or_else(|| manifest_dir().join("../../../tests/vectors"));
    match args.first().map(String::as_str) {
        Some("gen") => gen(&vectors, &data, args.iter().any(|a| a == "--check")),
        Some("expect") => {
            let mut out = signed_lines(&data)?;
            for set in &SETS {
                let (model, frames) = read_set(&data, set.name)?;
                out.push_str(&process(set.name, &model, &frames));
            }
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Some("verify") => verify(&data),
        Some("sizes") => {
            use silkscore::wire::frame::*;
            use silkscore::wire::*;
            println!("| constant | bytes |\n|---|---|");
            for (name, v) in [
                ("wire::RECORD_MAX_SIZE", RECORD_MAX_SIZE),
                ("wire::MODEL_MAX_SIZE", MODEL_MAX_SIZE),
                ("wire::SCORES_MAX_SIZE", SCORES_MAX_SIZE),
                ("wire::frame::RECORD_FRAME_MAX_SIZE", RECORD_FRAME_MAX_SIZE),
                ("wire::frame::MODEL_FRAME_MAX_SIZE", MODEL_FRAME_MAX_SIZE),
                ("wire::frame::SCORES_FRAME_MAX_SIZE", SCORES_FRAME_MAX_SIZE),
            ] {
                println!("| `{name}` | {v} |");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("compare") => {
            let (Some(a), Some(b)) = (args.get(1), args.get(2)) else {
                return Err("usage: compare EXPECTED ACTUAL".into());
            };
            compare(Path::new(a), Path::new(b))
        }
        Some("journal-expect") => {
            let Some(a) = args.get(1) else {
                return Err("usage: journal-expect FIRMWARE_OUTPUT".into());
            };
            journal_expect(Path::new(a))
        }
        Some("journal-recover") => {
            let Some(a) = args.get(1) else {
                return Err("usage: journal-recover DUMP".into());
            };
            let bytes = std::fs::read(a).map_err(|e| format!("{a}: {e}"))?;
            let (r, entries) = silkscore_host::journal::recover(bytes.clone());
            println!(
                "entries={} corrupt_regions={} missing={} torn_tail={} used={} capacity={} read={}",
                r.entries,
                r.corrupt_regions,
                r.missing,
                u8::from(r.torn_tail),
                r.used,
                bytes.len(),
                entries.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(
            "usage: silkscore-fw-host gen [--check] | expect | verify | sizes | compare A B \
                  | journal-expect FIRMWARE_OUTPUT | journal-recover DUMP [--vectors DIR] \
                  [--data DIR]"
                .into(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The journal: what `silkscore journal read` must print for the firmware's dump.

/// The scores CSV of `silkscore journal read` (`silkscore_host::journal::write_csv`) for the
/// scores the firmware printed, in the order it printed them: its `F ... ok` lines, the
/// sequence numbers counting from 0, every f32 from its bit pattern.
fn journal_expect(path: &Path) -> Result<ExitCode, String> {
    use silkscore::journal::Entry;
    use silkscore::Grade;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("F ") && l.contains(" ok "))
    {
        let field = |key: &str| -> Result<&str, String> {
            line.split(' ')
                .find_map(|w| w.strip_prefix(key))
                .ok_or_else(|| format!("no {key} in {line}"))
        };
        let bits = |s: &str| -> Result<f32, String> {
            u32::from_str_radix(s, 16)
                .map(f32::from_bits)
                .map_err(|e| format!("{s}: {e} in {line}"))
        };
        let list =
            |key: &str| -> Result<Vec<&str>, String> { Ok(field(key)?.split(',').collect()) };
        let bp: Vec<u16> = list("bp=")?
            .iter()
            .map(|v| v.parse().map_err(|e| format!("{v}: {e}")))
            .collect::<Result<_, String>>()?;
        let cov: Vec<f32> = list("cov=")?
            .into_iter()
            .map(bits)
            .collect::<Result<_, _>>()?;
        let grade = match field("g=")? {
            "A" => Grade::A,
            "B" => Grade::B,
            "C" => Grade::C,
            "D" => Grade::D,
            _ => Grade::E,
        };
        let scores = Scores {
            record_id: field("id=")?.parse().map_err(|e| format!("id: {e}"))?,
            fingerprint: u32::from_str_radix(field("fp=")?, 16).map_err(|e| format!("fp: {e}"))?,
            cultural: bits(field("c=")?)?,
            economic: bits(field("e=")?)?,
            security: bits(field("s=")?)?,
            composite: bits(field("k=")?)?,
            basis_points: bp.try_into().map_err(|_| format!("bp in {line}"))?,
            coverage: cov.try_into().map_err(|_| format!("cov in {line}"))?,
            grade,
        };
        let sequence = entries.len() as u32;
        entries.push(Entry { sequence, scores });
    }
    let out =
        silkscore_host::journal::write_csv(&entries, Vec::new()).map_err(|e| e.to_string())?;
    print!("{}", String::from_utf8_lossy(&out));
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// Model files (docs/spec.md §7): the crate's own reader (`silkscore_host::model_file`).

fn load_model(path: &Path) -> Result<Model, String> {
    silkscore_host::model_file::load(path).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Records files (docs/spec.md §7, §8).

struct Loaded {
    records: Vec<Record>,
    unparseable_as_missing: usize,
    rows_skipped: usize,
}

fn load_records(path: &Path, model: &Model) -> Result<Loaded, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let pos: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let id_col = *pos.get("id").ok_or("no id column")?;
    let mut out = Loaded {
        records: Vec::new(),
        unparseable_as_missing: 0,
        rows_skipped: 0,
    };
    for row in rdr.records() {
        let row = row.map_err(|e| e.to_string())?;
        let id = row.get(id_col).unwrap_or("").trim().parse::<u32>();
        let (Ok(id), true) = (id, row.len() == headers.len()) else {
            out.rows_skipped += 1;
            continue;
        };
        let mut values: Vec<Option<f32>> = vec![None; model.len()];
        for (col, h) in headers.iter().enumerate() {
            let Some(k) = model.position(h) else { continue };
            let cell = row.get(col).unwrap_or("").trim();
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f32>() {
                Ok(v) => values[k] = Some(v),
                Err(_) => out.unparseable_as_missing += 1,
            }
        }
        let rec = Record::from_values(id, &values).map_err(|e| e.to_string())?;
        out.records.push(rec);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// gen

fn encode_record_frame(r: &Record) -> Result<Vec<u8>, String> {
    let mut buf = [0u8; frame::RECORD_FRAME_MAX_SIZE];
    let f = frame::encode_frame(r, &mut buf).map_err(|e| e.to_string())?;
    Ok(f.to_vec())
}

/// The set's files: model message, frame stream, manifest line.
fn build_set(vectors: &Path, set: &SetSpec) -> Result<(Vec<u8>, Vec<u8>, String), String> {
    let model = load_model(&vectors.join(set.model_file))?;
    let mut mbuf = [0u8; wire::MODEL_MAX_SIZE];
    let model_bytes = wire::encode_model(&model, &mut mbuf)
        .map_err(|e| e.to_string())?
        .to_vec();
    let loaded = load_records(&vectors.join(set.records_file), &model)?;
    let mut stream = Vec::new();
    let mut corrupted = None;
    for (i, r) in loaded.records.iter().enumerate() {
        let f = encode_record_frame(r)?;
        if i == set.corrupt_at {
            let mut bad = f.clone();
            let body = bad.len() - 1; // without the delimiter
            let at = if set.corrupt_byte < 0 {
                body - set.corrupt_byte.unsigned_abs()
            } else {
                set.corrupt_byte as usize
            };
            let mut xor = set.corrupt_xor;
            if bad[at] ^ xor == 0 {
                xor = xor.rotate_left(1); // never turn a byte into a delimiter
            }
            bad[at] ^= xor;
            corrupted = Some((i, at, xor, bad[at]));
            stream.extend_from_slice(&bad);
        }
        stream.extend_from_slice(&f);
    }
    let (frame_ix, at, xor, now) = corrupted.ok_or("corrupt_at beyond the records")?;
    let manifest = format!(
        "{} model={}.model fingerprint={:08x} indicators={} frames={}.frames records={} \
         frames_total={} corrupted_frame={} corrupted_byte={} xor=0x{:02x} byte_now=0x{:02x} \
         unparseable_cells_as_missing={} rows_skipped={}\n",
        set.name,
        set.name,
        model.fingerprint(),
        model.len(),
        set.name,
        loaded.records.len(),
        loaded.records.len() + 1,
        frame_ix,
        at,
        xor,
        now,
        loaded.unparseable_as_missing,
        loaded.rows_skipped
    );
    Ok((model_bytes, stream, manifest))
}

fn gen(vectors: &Path, data: &Path, check: bool) -> Result<ExitCode, String> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut manifest = String::from(
        "# Generated by `silkscore-fw-host gen` from tests/vectors; do not edit. One line per set.\n",
    );
    for set in &SETS {
        let (m, f, line) = build_set(vectors, set)?;
        files.push((data.join(format!("{}.model", set.name)), m));
        files.push((data.join(format!("{}.frames", set.name)), f));
        manifest.push_str(&line);
    }
    let default_model = files
        .first()
        .map(|(_, m)| m.clone())
        .ok_or("no default model")?;
    let (signed_files, line) = build_signed(&default_model)?;
    for (name, bytes) in signed_files {
        files.push((data.join(name), bytes));
    }
    manifest.push_str(&line);
    files.push((data.join("manifest.txt"), manifest.into_bytes()));
    if check {
        let mut stale = 0;
        for (path, bytes) in &files {
            if std::fs::read(path).ok().as_deref() != Some(bytes.as_slice()) {
                eprintln!("stale or missing: {}", path.display());
                stale += 1;
            }
        }
        if stale > 0 {
            eprintln!(
                "examples/firmware/data is out of date: run \
                 `cargo run --release --manifest-path examples/firmware/host/Cargo.toml -- gen`"
            );
            return Ok(ExitCode::FAILURE);
        }
        println!("data up to date ({} files)", files.len());
    } else {
        std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
        for (path, bytes) in &files {
            std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The signed-model files: the envelopes of the default model and the test public key.
fn build_signed(model: &[u8]) -> Result<(Vec<(&'static str, Vec<u8>)>, String), String> {
    let key = signed::SigningKey::from_bytes(&TEST_KEY_SEED);
    let sign = |revision: u32| -> Result<Vec<u8>, String> {
        let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
        signed::sign(model, revision, &key, &mut buf)
            .map(|e| e.to_vec())
            .map_err(|e| e.to_string())
    };
    let envelope = sign(SIGNED_REVISION)?;
    let mut tampered = envelope.clone();
    let at = envelope.len() - signed::SIGNATURE_LEN + TAMPER_SIG_BYTE;
    tampered[at] ^= TAMPER_XOR;
    let rev1 = sign(1)?;
    let public = key.verifying_key().to_bytes();
    let line =
        format!(
        "# signed: default.envelope revision={SIGNED_REVISION} bytes={} default_tampered.envelope \
         byte={at} xor=0x{TAMPER_XOR:02x} default_rev1.envelope revision=1 test_key.pub={} \
         (test key, not secret: seed in host/src/main.rs)\n",
        envelope.len(),
        public.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    Ok((
        vec![
            ("default.envelope", envelope),
            ("default_tampered.envelope", tampered),
            ("default_rev1.envelope", rev1),
            ("test_key.pub", public.to_vec()),
        ],
        line,
    ))
}

/// The names `silkscore::signed::VerifyError` gives the errors of signature verification
/// (the firmware prints the same), and the firmware's spelling of a model that does not
/// decode.
fn signed_kind(e: &silkscore::signed::VerifyError) -> String {
    use silkscore::signed::VerifyError;
    match e {
        VerifyError::EnvelopeMalformed => "EnvelopeMalformed".into(),
        VerifyError::EnvelopeTruncated => "EnvelopeTruncated".into(),
        VerifyError::EnvelopeTooLong => "EnvelopeTooLong".into(),
        VerifyError::UntrustedKey => "UntrustedKey".into(),
        VerifyError::BadSignature => "BadSignature".into(),
        VerifyError::Rollback { .. } => "Rollback".into(),
        VerifyError::InvalidKey => "InvalidKey".into(),
        VerifyError::Model(d) => decode_kind(d),
        _ => "other".into(),
    }
}

/// The firmware's signed-model lines: verify `default.envelope` (the device runs nothing, 0),
/// then offer the tampered copy (as to a device that runs nothing, so that only the signature
/// can refuse it) and the revision-1 envelope (the device now runs revision 2).
fn signed_lines(data: &Path) -> Result<String, String> {
    let read = |name: &str| {
        let p = data.join(name);
        std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let public: [u8; signed::PUBLIC_KEY_LEN] = read("test_key.pub")?
        .try_into()
        .map_err(|_| "test_key.pub: not 32 bytes")?;
    let mut out = String::new();
    let trusted = match signed::verifying_key(&public) {
        Ok(k) => k,
        Err(e) => {
            let _ = writeln!(out, "signed: error key: {}", signed_kind(&e));
            return Ok(out);
        }
    };
    let mut running = 0;
    match signed::verify(&read("default.envelope")?, &trusted, running) {
        Ok(v) => {
            running = v.revision;
            let _ = writeln!(
                out,
                "signed: ok revision={} fingerprint=0x{:08x}",
                v.revision,
                v.model.fingerprint()
            );
        }
        Err(e) => {
            let _ = writeln!(out, "signed: refused default: {}", signed_kind(&e));
        }
    }
    for (what, file, run) in [
        ("tampered", "default_tampered.envelope", 0),
        ("rollback", "default_rev1.envelope", running),
    ] {
        match signed::verify(&read(file)?, &trusted, run) {
            Ok(v) => {
                let _ = writeln!(out, "signed: accepted {what}: revision={}", v.revision);
            }
            Err(e) => {
                let _ = writeln!(out, "signed: refused {what}: {}", signed_kind(&e));
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// expect: the firmware's processing and line format, with std formatting.

fn read_set(data: &Path, name: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let read = |ext: &str| {
        let p = data.join(format!("{name}.{ext}"));
        std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
    };
    Ok((read("model")?, read("frames")?))
}

/// The firmware's spelling of a scoring error.
fn score_kind(e: &ScoreError) -> String {
    match e {
        ScoreError::NonFiniteValue { indicator } => format!("non_finite:{indicator}"),
        ScoreError::InsufficientData { connotation } => {
            format!("insufficient_data:{}", connotation.as_str())
        }
        ScoreError::RecordLength { expected, found } => {
            format!("record_length:{expected}:{found}")
        }
        _ => "other".into(),
    }
}

/// The firmware's spelling of a decoding error.
fn decode_kind(e: &DecodeError) -> String {
    match e {
        DecodeError::BadFrame => "bad_frame".into(),
        DecodeError::ChecksumMismatch => "checksum_mismatch".into(),
        DecodeError::Malformed => "malformed".into(),
        DecodeError::TrailingBytes => "trailing_bytes".into(),
        DecodeError::InvalidValue => "invalid_value".into(),
        DecodeError::InvalidModel(_) => "invalid_model".into(),
        DecodeError::UnknownVersion { found } => format!("unknown_version:{found}"),
        DecodeError::BufferTooSmall { needed } => format!("buffer_too_small:{needed}"),
        _ => "other".into(),
    }
}

fn hex(v: f32) -> String {
    format!("{:08x}", v.to_bits())
}

fn scores_line(s: &Scores) -> String {
    let [b0, b1, b2, b3] = s.basis_points;
    let [v0, v1, v2] = s.coverage;
    format!(
        "id={} ok c={} e={} s={} k={} bp={b0},{b1},{b2},{b3} g={} cov={},{},{} fp={:08x}",
        s.record_id,
        hex(s.cultural),
        hex(s.economic),
        hex(s.security),
        hex(s.composite),
        s.grade.as_str(),
        hex(v0),
        hex(v1),
        hex(v2),
        s.fingerprint
    )
}

/// Processes one set as the firmware does and returns its lines.
fn process(name: &str, model_bytes: &[u8], frames: &[u8]) -> String {
    let mut out = String::new();
    let model = match wire::decode_model(model_bytes) {
        Ok(m) => m,
        Err(e) => {
            let _ = writeln!(out, "M {name} error={}", decode_kind(&e));
            return out;
        }
    };
    let _ = writeln!(
        out,
        "M {name} fp={:08x} n={} bytes={}",
        model.fingerprint(),
        model.len(),
        model_bytes.len()
    );
    let mut reader = frame::FrameReader::<{ frame::RECORD_FRAME_MAX_SIZE }>::new();
    let (mut n, mut ok, mut failed, mut rejected) = (0u32, 0u32, 0u32, 0u32);
    for b in frames {
        let Some(res) = reader.push::<Record>(*b) else {
            continue;
        };
        let line = match res {
            Ok(rec) => match score(&model, &rec) {
                Ok(s) => {
                    ok += 1;
                    scores_line(&s)
                }
                Err(e) => {
                    failed += 1;
                    format!("id={} error={}", rec.id(), score_kind(&e))
                }
            },
            Err(e) => {
                rejected += 1;
                format!("rejected={}", decode_kind(&e))
            }
        };
        let _ = writeln!(out, "F {name} {n} {line}");
        n += 1;
    }
    let _ = writeln!(
        out,
        "E {name} frames={n} ok={ok} error={failed} rejected={rejected}"
    );
    out
}

// ---------------------------------------------------------------------------------------------
// verify: corruption properties.

/// The `F` lines' contents without the frame index.
fn frame_contents(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("F "))
        .map(|l| l.splitn(4, ' ').nth(3).unwrap_or("").to_string())
        .collect()
}

/// Splits a stream into frames (delimiter included).
fn split_frames(stream: &[u8]) -> Vec<&[u8]> {
    stream
        .split_inclusive(|b| *b == 0)
        .filter(|f| f.len() > 1)
        .collect()
}

fn manifest_frame(manifest: &str, set: &str) -> Result<usize, String> {
    let line = manifest
        .lines()
        .find(|l| l.split(' ').next() == Some(set))
        .ok_or_else(|| format!("manifest: no line for {set}"))?;
    line.split(' ')
        .find_map(|kv| kv.strip_prefix("corrupted_frame="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("manifest: no corrupted_frame for {set}"))
}

fn verify(data: &Path) -> Result<ExitCode, String> {
    let manifest = std::fs::read_to_string(data.join("manifest.txt")).map_err(|e| e.to_string())?;
    let mut failures = 0;
    let mut fail = |msg: String| {
        eprintln!("FAIL: {msg}");
        failures += 1;
    };
    for set in &SETS {
        let (model, stream) = read_set(data, set.name)?;
        let at = manifest_frame(&manifest, set.name)?;
        let out = frame_contents(&process(set.name, &model, &stream));
        let rejected: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("rejected="))
            .map(|(i, _)| i)
            .collect();
        if rejected != [at] {
            fail(format!(
                "{}: rejected frames {rejected:?}, expected exactly [{at}]",
                set.name
            ));
        }
        // the stream without the corrupted frame gives every other line unchanged
        let frames = split_frames(&stream);
        let clean: Vec<u8> = frames
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        let clean_out = frame_contents(&process(set.name, &model, &clean));
        let mut without = out.clone();
        if at < without.len() {
            without.remove(at);
        }
        if clean_out != without {
            fail(format!(
                "{}: dropping the corrupted frame changes other lines",
                set.name
            ));
        }
        if clean_out.iter().any(|l| l.starts_with("rejected=")) {
            fail(format!("{}: clean stream has a rejected frame", set.name));
        }
        println!(
            "{}: {} frames, exactly frame {at} rejected ({}), {} records identical without it",
            set.name,
            out.len(),
            out.get(at).map(String::as_str).unwrap_or("?"),
            clean_out.len()
        );
        // Exhaustive: every single-bit flip of every byte of one frame of the clean stream.
        if set.name == "default" {
            let clean_frames = split_frames(&clean);
            let target = at;
            let Some(victim) = clean_frames.get(target) else {
                return Err("victim frame out of range".into());
            };
            let (mut flips, mut splits) = (0, 0);
            for byte in 0..victim.len() - 1 {
                for bit in 0..8 {
                    let mut s = Vec::with_capacity(clean.len());
                    for (i, f) in clean_frames.iter().enumerate() {
                        if i == target {
                            let mut g = f.to_vec();
                            g[byte] ^= 1 << bit;
                            if g[byte] == 0 {
                                splits += 1;
                            } else {
                                flips += 1;
                            }
                            s.extend_from_slice(&g);
                        } else {
                            s.extend_from_slice(f);
                        }
                    }
                    let got = frame_contents(&process(set.name, &model, &s));
                    // a byte turned into 0x00 splits the frame in two: both halves rejected
                    let mut expected = clean_out.clone();
                    let bad = (got.len() == expected.len() + 1) as usize;
                    expected.splice(
                        target..=target,
                        (0..=bad).map(|_| String::from("rejected=")),
                    );
                    let same = got.len() == expected.len()
                        && got.iter().zip(&expected).all(|(g, e)| {
                            if e == "rejected=" {
                                g.starts_with("rejected=")
                            } else {
                                g == e
                            }
                        });
                    if !same {
                        fail(format!(
                            "default: flipping bit {bit} of byte {byte} of frame {target} \
                             did not reject exactly that frame"
                        ));
                    }
                }
            }
            println!(
                "default: all {} single-bit flips of frame {target} ({} bytes) rejected exactly \
                 that frame ({} of them create a 0x00 and split it: both halves rejected)",
                flips + splits,
                victim.len() - 1,
                splits
            );
        }
    }
    if failures > 0 {
        eprintln!("verify: {failures} failure(s)");
        return Ok(ExitCode::FAILURE);
    }
    println!("verify: ok");
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// compare

fn result_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| {
            l.starts_with("signed: ")
                || l.starts_with("M ")
                || l.starts_with("F ")
                || l.starts_with("E ")
        })
        .collect()
}

fn compare(expected: &Path, actual: &Path) -> Result<ExitCode, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let (e, a) = (read(expected)?, read(actual)?);
    let (e, a) = (result_lines(&e), result_lines(&a));
    let mut diffs = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            diffs += 1;
            if diffs <= 10 {
                eprintln!(
                    "line {i}:\n  expected {}\n  actual   {}",
                    x.unwrap_or("<none>"),
                    y.unwrap_or("<none>")
                );
            }
        }
    }
    let records = e
        .iter()
        .filter(|l| l.starts_with("F ") && l.contains(" id="))
        .count();
    let ok = e.iter().filter(|l| l.contains(" ok ")).count();
    if diffs > 0 || e.is_empty() {
        eprintln!(
            "compare: {diffs} differing line(s) of {} ({} vs {})",
            e.len().max(a.len()),
            expected.display(),
            actual.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "compare: {} result lines identical ({records} records decoded, {ok} scored bit for bit)",
        e.len()
    );
    Ok(ExitCode::SUCCESS)
}
