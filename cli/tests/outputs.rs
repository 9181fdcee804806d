//! File outputs (docs/spec.md §7): an output that is the same file as an input — the same
//! path, a symbolic link, a hard link, standard input or output — is refused with exit 2,
//! naming both, and nothing is written; an output is written whole or not at all (a temporary
//! file beside it, renamed into place): a run that fails midway or is killed leaves the
//! previous file, and a failure the tool handles leaves no temporary file behind.

#![cfg(unix)]

mod support;

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{code, command, run, stderr, temp_files, workspace, Files};

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// Every subcommand that writes a file, as (label, inputs it reads, args with `OUT` where the
/// output goes).
fn writers(f: &Files) -> Vec<(&'static str, Vec<PathBuf>, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let (m, r) = (p(&f.model), p(&f.records));
    vec![
        (
            "score",
            vec![f.records.clone(), f.model.clone()],
            s(&["score", "-m", &m, "-i", &r, "-o", "OUT"]),
        ),
        (
            "rank",
            vec![f.records.clone(), f.model.clone()],
            s(&["rank", "-m", &m, "-i", &r, "-o", "OUT"]),
        ),
        (
            "sensitivity",
            vec![f.records.clone(), f.model.clone()],
            s(&["sensitivity", "-m", &m, "-i", &r, "-n", "5", "-o", "OUT"]),
        ),
        (
            "report",
            vec![f.records.clone(), f.model.clone()],
            s(&["report", "-m", &m, "-i", &r, "-n", "5", "-o", "OUT"]),
        ),
        (
            "encode",
            vec![f.records.clone(), f.model.clone()],
            s(&["encode", "-m", &m, "-i", &r, "-o", "OUT"]),
        ),
        (
            "decode",
            vec![f.frames.clone(), f.model.clone()],
            s(&["decode", "-m", &m, &p(&f.frames), "-o", "OUT"]),
        ),
        (
            "model compile",
            vec![f.model.clone()],
            s(&["model", "compile", &m, "-o", "OUT"]),
        ),
        (
            "model export-rust",
            vec![f.bin.clone()],
            s(&["model", "export-rust", &p(&f.bin), "-o", "OUT"]),
        ),
        (
            "model sign",
            vec![f.model.clone(), f.key.clone()],
            s(&[
                "model",
                "sign",
                &m,
                "--key",
                &p(&f.key),
                "--revision",
                "7",
                "-o",
                "OUT",
            ]),
        ),
        (
            "weights ahp",
            vec![f.judgments.clone(), f.model.clone()],
            s(&[
                "weights",
                "ahp",
                "-c",
                "cultural",
                "-m",
                &m,
                &p(&f.judgments),
                "--write-model",
                "OUT",
            ]),
        ),
        (
            "weights entropy",
            vec![f.complete.clone(), f.model.clone()],
            s(&[
                "weights",
                "entropy",
                "-m",
                &m,
                "-i",
                &p(&f.complete),
                "--write-model",
                "OUT",
            ]),
        ),
        (
            "weights critic",
            vec![f.complete.clone(), f.model.clone()],
            s(&[
                "weights",
                "critic",
                "-m",
                &m,
                "-i",
                &p(&f.complete),
                "--write-model",
                "OUT",
            ]),
        ),
    ]
}

fn with_out(args: &[String], out: &Path) -> Vec<String> {
    args.iter()
        .map(|a| if a == "OUT" { p(out) } else { a.clone() })
        .collect()
}

/// The bytes of every file in `dir`, by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn an_output_that_is_an_input_is_refused_naming_both() {
    let f = workspace("outputs", "same_file");
    let mut checked = 0;
    for (label, inputs, args) in writers(&f) {
        // The command works with a fresh output.
        let fresh = f.dir.join("fresh.out");
        let o = run(&f.dir, &with_out(&args, &fresh));
        assert!(code(&o) <= 1, "{label}: {}", stderr(&o));
        fs::remove_file(&fresh).unwrap();

        for input in &inputs {
            let sym = f.dir.join("link.out");
            let hard = f.dir.join("hard.out");
            let _ = fs::remove_file(&sym);
            let _ = fs::remove_file(&hard);
            symlink(input, &sym).unwrap();
            fs::hard_link(input, &hard).unwrap();
            // The same path, the same path spelled otherwise, a symbolic and a hard link.
            let spelled = f.dir.join(".").join(input.file_name().unwrap());
            for out in [input.clone(), spelled, sym.clone(), hard.clone()] {
                let before = snapshot(&f.dir);
                let o = run(&f.dir, &with_out(&args, &out));
                let err = stderr(&o);
                assert_eq!(code(&o), 2, "{label} -o {}: {err}", p(&out));
                assert!(
                    err.contains("is the same file as the input")
                        && err.contains(&p(&out))
                        && err.contains(&p(input)),
                    "{label} -o {}: {err}",
                    p(&out)
                );
                assert!(
                    snapshot(&f.dir) == before,
                    "{label} -o {}: a file changed",
                    p(&out)
                );
                assert!(fs::symlink_metadata(&sym).unwrap().is_symlink());
                checked += 1;
            }
            fs::remove_file(&sym).unwrap();
            fs::remove_file(&hard).unwrap();
        }
    }
    assert_eq!(checked, 4 * 22);
}

#[test]
fn standard_input_and_output_count_as_inputs_and_outputs() {
    let f = workspace("outputs", "std_streams");
    let records = fs::read(&f.records).unwrap();
    // `-i - -o r.csv < r.csv`
    let o = command(
        &f.dir,
        &["score", "-m", &p(&f.model), "-i", "-", "-o", &p(&f.records)],
    )
    .stdin(File::open(&f.records).unwrap())
    .output()
    .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("<stdin>"), "{}", stderr(&o));
    assert_eq!(fs::read(&f.records).unwrap(), records);
    // `>> r.csv`: reading its own output would never end.
    for args in [
        vec!["score", "-m", &p(&f.model), "-i", &p(&f.records)],
        vec!["rank", "-m", &p(&f.model), "-i", &p(&f.records)],
        vec!["model", "check", &p(&f.model)],
    ] {
        let target = if args[0] == "model" {
            &f.model
        } else {
            &f.records
        };
        let before = fs::read(target).unwrap();
        let append = File::options().append(true).open(target).unwrap();
        let o = command(&f.dir, &args).stdout(append).output().unwrap();
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("the output <stdout> is the same file as the input"));
        assert_eq!(fs::read(target).unwrap(), before, "{args:?}");
    }
}

#[test]
fn outputs_replace_whole_files_and_follow_links_to_them() {
    let f = workspace("outputs", "replace");
    let out = f.dir.join("scores.csv");
    fs::write(&out, "old\n").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    let link = f.dir.join("link.csv");
    symlink(&out, &link).unwrap();
    let o = run(
        &f.dir,
        &[
            "score",
            "-m",
            &p(&f.model),
            "-i",
            &p(&f.records),
            "-o",
            &p(&link),
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    // The link stays a link; its target got the scores and kept its mode.
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("id,cultural,"), "{text}");
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(temp_files(&f.dir).is_empty());
    // A directory is refused; so is a missing directory.
    let o = run(
        &f.dir,
        &[
            "score",
            "-m",
            &p(&f.model),
            "-i",
            &p(&f.records),
            "-o",
            &p(&f.dir),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    let o = run(
        &f.dir,
        &[
            "score",
            "-i",
            &p(&f.records),
            "-o",
            &p(&f.dir.join("no/such/dir.csv")),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no/such/dir.csv"), "{}", stderr(&o));
}

/// A records file of `rows` rows of custom5 (about 90 bytes each).
fn records_text(f: &Files, rows: usize) -> String {
    let complete = fs::read_to_string(&f.complete).unwrap();
    let mut lines = complete.lines();
    let mut text = format!("{}\n", lines.next().unwrap());
    let body: Vec<&str> = lines.collect();
    for k in 0..rows {
        text.push_str(body[k % body.len()]);
        text.push('\n');
    }
    text
}

/// Standard input that delivers `text` and then fails with a read error (ECONNRESET: the
/// other end of the socket closes with data it never read), as a failing disk or network
/// file system would, after the tool has read and written some rows.
fn failing_stdin(text: &str) -> Stdio {
    let (ours, theirs) = UnixStream::pair().unwrap();
    // Unread data in our end's queue makes its closing a reset for the reader.
    (&theirs).write_all(b"x").unwrap();
    let mut w = ours.try_clone().unwrap();
    let text = text.to_owned();
    std::thread::spawn(move || {
        let _ = w.write_all(text.as_bytes());
        drop(w);
        drop(ours);
    });
    Stdio::from(std::os::fd::OwnedFd::from(theirs))
}

#[test]
fn a_run_that_fails_midway_leaves_the_previous_file_and_no_temporary() {
    let f = workspace("outputs", "midway");
    let text = records_text(&f, 3000);
    let m = p(&f.model);
    let out = f.dir.join("previous.out");
    let cases: Vec<Vec<&str>> = vec![
        vec!["score", "-m", &m, "-i", "-", "-o", "OUT"],
        vec!["score", "-m", &m, "-i", "-", "-f", "table", "-o", "OUT"],
        vec!["rank", "-m", &m, "-i", "-", "-o", "OUT"],
        vec!["encode", "-m", &m, "-i", "-", "-o", "OUT"],
        vec!["sensitivity", "-m", &m, "-i", "-", "-n", "5", "-o", "OUT"],
        vec!["report", "-m", &m, "-i", "-", "-n", "5", "-o", "OUT"],
        vec![
            "weights",
            "entropy",
            "-m",
            &m,
            "-i",
            "-",
            "--write-model",
            "OUT",
        ],
    ];
    for case in cases {
        let args: Vec<String> = case
            .iter()
            .map(|a| {
                if *a == "OUT" {
                    p(&out)
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        fs::write(&out, "the previous output\n").unwrap();
        let o = command(&f.dir, &args)
            .stdin(failing_stdin(&text))
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{case:?}: {err}");
        assert!(err.contains("<stdin>: Connection reset"), "{case:?}: {err}");
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "the previous output\n",
            "{case:?}"
        );
        assert!(temp_files(&f.dir).is_empty(), "{case:?}");
    }
    // decode reads frames the same way.
    let frames = fs::read(&f.frames).unwrap();
    fs::write(&out, "the previous output\n").unwrap();
    let o = command(&f.dir, &["decode", "-m", &m, "-", "-o", &p(&out)])
        .stdin(failing_stdin(&String::from_utf8_lossy(&frames).repeat(50)))
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&out).unwrap(), "the previous output\n");
    assert!(temp_files(&f.dir).is_empty());
}

#[test]
fn a_device_is_written_in_place() {
    let f = workspace("outputs", "full");
    // /dev/full is written in place (a device is never replaced): the write fails, exit 2.
    let o = run(
        &f.dir,
        &[
            "score",
            "-m",
            &p(&f.model),
            "-i",
            &p(&f.records),
            "-o",
            "/dev/full",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("/dev/full: No space left on device"));
    assert!(temp_files(Path::new("/dev")).is_empty());
    assert!(temp_files(&f.dir).is_empty());
}

#[test]
fn a_killed_run_leaves_the_previous_file() {
    let f = workspace("outputs", "killed");
    let out = f.dir.join("scores.csv");
    fs::write(&out, "the previous scores\n").unwrap();
    let mut child = command(
        &f.dir,
        &["score", "-m", &p(&f.model), "-i", "-", "-o", &p(&out)],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    // Enough rows that the tool has written to its temporary file; stdin stays open, so the
    // run is still under way.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(records_text(&f, 3000).as_bytes()).unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let written = loop {
        let temps = temp_files(&f.dir);
        let size = temps
            .iter()
            .filter_map(|t| fs::metadata(f.dir.join(t)).ok())
            .map(|m| m.len())
            .max()
            .unwrap_or(0);
        if size > 0 || Instant::now() > deadline {
            break size;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(written > 0, "the tool never wrote its temporary file");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(fs::read_to_string(&out).unwrap(), "the previous scores\n");
    // What a kill leaves is a hidden temporary file, never a truncated scores.csv.
    for t in temp_files(&f.dir) {
        assert!(t.starts_with(".scores.csv."), "{t}");
        fs::remove_file(f.dir.join(t)).unwrap();
    }
}

#[test]
fn refusals_and_errors_leave_no_temporary_file() {
    let f = workspace("outputs", "no_temps");
    let out = f.dir.join("o.csv");
    for args in [
        // A bad model, a missing input, an input error, a key that is not a key.
        vec![
            "score",
            "-m",
            "no-such.toml",
            "-i",
            &p(&f.records),
            "-o",
            &p(&out),
        ],
        vec!["score", "-i", "no-such.csv", "-o", &p(&out)],
        vec![
            "rank",
            "-m",
            &p(&f.model),
            "-i",
            &p(&f.model),
            "-o",
            &p(&out),
        ],
        vec![
            "model",
            "sign",
            &p(&f.model),
            "--key",
            &p(&f.model),
            "--revision",
            "1",
            "-o",
            &p(&out),
        ],
    ] {
        let o = run(&f.dir, &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "{args:?}");
        assert!(temp_files(&f.dir).is_empty(), "{args:?}");
    }
}
