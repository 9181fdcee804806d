//! `kiosk-fixtures`: the native side of the kiosk's browser test (`kiosk/check.sh`).
//!
//! ```text
//! kiosk-fixtures expected OUT.json     expected bits of every conformance vector, computed
//!                                      with the host's records reader and scorer (what
//!                                      `silkscore score` runs), and each row's cells
//! kiosk-fixtures sign DIR              a fresh test-only key pair and envelopes: rev1, rev2,
//!                                      tampered (rev3, one model byte changed after
//!                                      signing), rollback (rev2 again, another model),
//!                                      untrusted (another key)
//! kiosk-fixtures journal FILE          reads an exported log back as a journal region, as
//!                                      the host tool reads a device's dump; prints JSON
//! ```
//!
//! The key is made from 32 bytes of `/dev/urandom` at every run and lives only in DIR: no
//! secret key is kept in the repository.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs;
    use std::path::Path;
    use std::process::ExitCode;

    use serde_json::{json, Value};
    use silkscore::journal::{Journal, MemFlash};
    use silkscore::model::Model;
    use silkscore::signed::{self, SigningKey};
    use silkscore::wire;
    use silkscore_host::output::{Format, OutputRow, RowWriter};
    use silkscore_host::records::RecordsReader;
    use silkscore_host::scoring::score_row;

    type Result<T> = core::result::Result<T, String>;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn compiled(model: &Model) -> Result<Vec<u8>> {
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        Ok(wire::encode_model(model, &mut buf)
            .map_err(|e| e.to_string())?
            .to_vec())
    }

    /// A conformance case: its name, its model (`None`: the built-in one) and its records.
    type Case = (&'static str, Option<Model>, Vec<u8>);

    fn vectors(root: &Path) -> Result<Vec<Case>> {
        let read = |name: &str| {
            fs::read(root.join(name)).map_err(|e| format!("{}: {e}", root.join(name).display()))
        };
        let model = |name: &str| {
            silkscore_host::model_file::load(&root.join(name)).map_err(|e| e.to_string())
        };
        Ok(vec![
            ("default", None, read("default_records.csv")?),
            (
                "custom5",
                Some(model("custom5.toml")?),
                read("custom5_records.csv")?,
            ),
            (
                "custom32",
                Some(model("custom32.toml")?),
                read("custom32_records.csv")?,
            ),
        ])
    }

    fn expected(out: &Path) -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut cases = Vec::new();
        for (name, model, csv) in vectors(&root)? {
            let m = model.as_ref().unwrap_or(&silkscore::BRI_CULTURAL_V1);
            let reader =
                RecordsReader::from_reader(&csv[..], name, m).map_err(|e| e.to_string())?;
            // The cells of each row in model order, for the form's path: the header's
            // columns mapped back to the model's indicators.
            let text = String::from_utf8(csv.clone()).map_err(|e| e.to_string())?;
            let lines: Vec<&str> = text.lines().collect();
            let header: Vec<&str> = lines.first().copied().unwrap_or("").split(',').collect();
            let mut rows = Vec::new();
            // What `silkscore score` writes for the file: the host's CSV writer.
            let mut cli = RowWriter::new(Format::Csv, Vec::new());
            cli.begin().map_err(|e| e.to_string())?;
            for row in reader {
                let row = row.map_err(|e| e.to_string())?;
                let line = lines
                    .get(usize::try_from(row.line).unwrap_or(0).saturating_sub(1))
                    .copied()
                    .unwrap_or("");
                let o = score_row(m, &row.record);
                cli.write_row(&OutputRow::new(&row, &o))
                    .map_err(|e| e.to_string())?;
                let cells: Vec<&str> = line.split(',').collect();
                let form: Vec<&str> = m
                    .indicators()
                    .iter()
                    .map(|ind| {
                        header
                            .iter()
                            .position(|h| h.trim() == ind.id.as_str())
                            .and_then(|c| cells.get(c).copied())
                            .unwrap_or("")
                    })
                    .collect();
                let scores = o.result.as_ref().ok();
                rows.push(json!({
                    "line": row.line,
                    "id": row.id,
                    "record_id": row.record.as_ref().ok().map(|r| r.id()),
                    "status": o.status(),
                    "values": scores.map(|s| s.values().map(f32::to_bits)),
                    "basis_points": scores.map(|s| s.basis_points),
                    "grade": scores.map(|s| s.grade.as_str()),
                    "coverage": o.coverage.map(|c| c.map(f32::to_bits)),
                    // a row with quotes would need a CSV reader to split: none of the vectors'
                    // scored rows has one
                    "cells": (row.record.is_ok() && !line.contains('"')).then_some(form),
                }));
            }
            let cli = cli.finish().map_err(|e| e.to_string())?;
            cases.push(json!({
                "name": name,
                "cli_csv": String::from_utf8_lossy(&cli),
                "model": model.as_ref().map(compiled).transpose()?.map(|b| hex(&b)),
                "fingerprint": m.fingerprint(),
                "csv": text,
                "rows": rows,
            }));
        }
        let doc = json!({ "cases": cases });
        fs::write(out, doc.to_string()).map_err(|e| format!("{}: {e}", out.display()))
    }

    fn random_key() -> Result<SigningKey> {
        use std::io::Read;
        let mut seed = [0u8; 32];
        fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut seed))
            .map_err(|e| format!("/dev/urandom: {e}"))?;
        Ok(SigningKey::from_bytes(&seed))
    }

    fn sign(dir: &Path) -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let load = |name: &str| {
            silkscore_host::model_file::load(&root.join(name)).map_err(|e| e.to_string())
        };
        let (custom5, custom32) = (load("custom5.toml")?, load("custom32.toml")?);
        let operator = random_key()?;
        let intruder = random_key()?;
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let envelope = |model: &Model, revision: u32, key: &SigningKey| -> Result<Vec<u8>> {
            let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
            Ok(signed::sign_model(model, revision, key, &mut buf)
                .map_err(|e| e.to_string())?
                .to_vec())
        };
        let rev1 = envelope(&custom5, 1, &operator)?;
        let rev2 = envelope(&custom32, 2, &operator)?;
        let mut tampered = envelope(&custom5, 3, &operator)?;
        // one byte of the model (its first indicator's hi goalpost area) changed after
        // signing: the signature no longer matches
        let at = signed::ENVELOPE_HEADER_LEN + 30;
        if let Some(b) = tampered.get_mut(at) {
            *b ^= 0x01;
        }
        let rollback = envelope(&silkscore::BRI_CULTURAL_V1, 2, &operator)?;
        let untrusted = envelope(&custom5, 9, &intruder)?;
        let files: [(&str, &[u8]); 5] = [
            ("rev1.env", &rev1),
            ("rev2.env", &rev2),
            ("tampered.env", &tampered),
            ("rollback.env", &rollback),
            ("untrusted.env", &untrusted),
        ];
        for (name, bytes) in files {
            fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
        }
        let info = json!({
            "public_key": hex(operator.verifying_key().as_bytes()),
            "rev1": { "revision": 1, "fingerprint": custom5.fingerprint(), "name": custom5.name() },
            "rev2": { "revision": 2, "fingerprint": custom32.fingerprint(), "name": custom32.name() },
        });
        fs::write(dir.join("keys.json"), info.to_string()).map_err(|e| e.to_string())
    }

    fn journal(file: &Path) -> Result<()> {
        let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut j = Journal::open(MemFlash::new(bytes)).map_err(|e| e.to_string())?;
        let r = *j.recovery();
        let mut entries = Vec::new();
        for e in j.entries() {
            let e = e.map_err(|e| e.to_string())?;
            entries.push(json!({
                "sequence": e.sequence,
                "record_id": e.record_id(),
                "fingerprint": e.fingerprint(),
                "values": e.scores.values().map(f32::to_bits),
                "grade": e.scores.grade.as_str(),
            }));
        }
        let doc: Value = json!({
            "entries": r.entries,
            "clean": r.is_clean(),
            "corrupt_regions": r.corrupt_regions,
            "missing": r.missing,
            "torn_tail": r.torn_tail,
            "used": r.used,
            "records": entries,
        });
        println!("{doc}");
        Ok(())
    }

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["expected", out] => expected(Path::new(out)),
            ["sign", dir] => sign(Path::new(dir)),
            ["journal", file] => journal(Path::new(file)),
            _ => Err("usage: kiosk-fixtures expected OUT.json | sign DIR | journal FILE".into()),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kiosk-fixtures: error: {e}");
                ExitCode::from(2)
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
