//! Helpers shared by the edge-case suites (outputs, streams, hostile): running the binary,
//! fresh scratch directories, and a small workspace of inputs for every subcommand.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The workspace root: the examples and conformance vectors live there.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_silkscore")
}

/// A fresh, empty directory for one test.
pub fn scratch(suite: &str, test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(suite)
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A command for the binary, run in `dir`, with no standard input.
pub fn command<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir).args(args).stdin(Stdio::null());
    c
}

/// Runs the binary in `dir` and captures its outputs.
pub fn run<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    command(dir, args).output().expect("run silkscore")
}

/// The exit status (the binary is never killed by a signal in these tests).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code, not a signal")
}

/// Standard error, lossily.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output, lossily.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The names of the temporary files the tool leaves in `dir` (`.NAME.XXXXXX.tmp`).
pub fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

/// The input files of a [`workspace`], by role.
pub struct Files {
    /// The directory.
    pub dir: PathBuf,
    /// A records file for custom5 with a failed row and an unknown column.
    pub records: PathBuf,
    /// A TOML model (custom5).
    pub model: PathBuf,
    /// A compiled model.
    pub bin: PathBuf,
    /// A secret key (tagged format) and its public key.
    pub key: PathBuf,
    /// The public key of `key`.
    pub public: PathBuf,
    /// An envelope signed with `key`, revision 2.
    pub envelope: PathBuf,
    /// Record frames of `records`.
    pub frames: PathBuf,
    /// AHP judgments for the cultural connotation of custom5 (2 indicators).
    pub judgments: PathBuf,
    /// Complete records for entropy and CRITIC (custom5).
    pub complete: PathBuf,
}

/// Copies and makes the inputs of every subcommand into a fresh directory.
pub fn workspace(suite: &str, test: &str) -> Files {
    let dir = scratch(suite, test);
    let vectors = root().join("tests/vectors");
    let model = dir.join("m.toml");
    fs::copy(vectors.join("custom5.toml"), &model).unwrap();
    let records = dir.join("r.csv");
    let mut text = fs::read_to_string(vectors.join("custom5_records.csv")).unwrap();
    // An unknown column (a warning) and a row that fails (a note), for stderr traffic.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (k, line) in lines.iter_mut().enumerate() {
        line.push_str(if k == 0 { ",extra" } else { ",x" });
    }
    text = lines.join("\n") + "\n";
    let width = lines[0].split(',').count();
    text.push_str(&format!("999{}\n", ",oops".repeat(width - 1)));
    fs::write(&records, text).unwrap();
    // The rows of custom5 whose every value is there and finite.
    let complete = dir.join("complete.csv");
    let all = fs::read_to_string(vectors.join("custom5_records.csv")).unwrap();
    let mut kept = String::new();
    for (k, line) in all.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let full = cells.first().is_some_and(|id| id.parse::<u32>().is_ok())
            && cells[1..]
                .iter()
                .all(|c| c.trim().parse::<f32>().is_ok_and(f32::is_finite));
        if k == 0 || full {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    assert!(kept.lines().count() > 20);
    fs::write(&complete, kept).unwrap();
    let judgments = dir.join("j.txt");
    fs::write(&judgments, "3\n").unwrap();
    let f = Files {
        bin: dir.join("m.bin"),
        key: dir.join("k.key"),
        public: dir.join("k.key.pub"),
        envelope: dir.join("m.env"),
        frames: dir.join("r.frames"),
        dir,
        records,
        model,
        judgments,
        complete,
    };
    let p = |p: &Path| p.display().to_string();
    for args in [
        vec!["model", "compile", &p(&f.model), "-o", &p(&f.bin)],
        vec!["model", "keygen", "-o", &p(&f.key)],
        vec![
            "model",
            "sign",
            &p(&f.model),
            "--key",
            &p(&f.key),
            "--revision",
            "2",
            "-o",
            &p(&f.envelope),
        ],
    ] {
        let o = run(&f.dir, &args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
    }
    let o = run(
        &f.dir,
        &[
            "encode",
            "-m",
            &p(&f.model),
            "-i",
            &p(&f.records),
            "-o",
            &p(&f.frames),
        ],
    );
    assert_eq!(code(&o), 1, "encode: {}", stderr(&o));
    f
}
