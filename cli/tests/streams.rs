//! Every subcommand against broken standard streams (docs/spec.md §7): a closed stdout ends
//! quietly with 141 (128 + SIGPIPE, as the shell reports for `cat` or `grep`), stdout =
//! /dev/full is an error (exit 2) naming `<stdout>`, and a closed or full stderr changes
//! nothing: the same outputs, the same exit status. Nothing ever prints `panicked`.

#![cfg(unix)]

mod support;

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::{code, command, stderr, workspace, Files};

/// Every subcommand, with arguments that print to stdout (or, for `-o FILE`, to a file) and
/// write warnings or notes to stderr where the command has any.
fn every_subcommand(f: &Files) -> Vec<(String, Vec<String>)> {
    let p = |p: &Path| p.display().to_string();
    let (records, model) = (p(&f.records), p(&f.model));
    let out = p(&f.dir.join("out.file"));
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let mut all = vec![
        s(&["--help"]),
        s(&["--version"]),
        s(&["score", "--help"]),
        s(&["score", "-m", &model, "-i", &records]),
        s(&["score", "-m", &model, "-i", &records, "-f", "json"]),
        s(&["score", "-m", &model, "-i", &records, "-f", "table"]),
        s(&["score", "-m", &model, "-i", &records, "-o", &out]),
        s(&["rank", "-m", &model, "-i", &records]),
        s(&["rank", "-m", &model, "-i", &records, "-f", "json"]),
        s(&["explain", "-m", &model, "-i", &records, "--id", "1"]),
        s(&["sensitivity", "-m", &model, "-i", &records, "-n", "20"]),
        s(&[
            "sensitivity",
            "-m",
            &model,
            "-i",
            &records,
            "-n",
            "20",
            "-f",
            "json",
        ]),
        s(&[
            "report", "-m", &model, "-i", &records, "-n", "10", "-o", "-",
        ]),
        s(&["encode", "-m", &model, "-i", &records, "-o", "-"]),
        s(&["decode", "-m", &model, &p(&f.frames)]),
        s(&[
            "decode",
            "-m",
            &model,
            &p(&f.frames),
            "--score",
            "-f",
            "table",
        ]),
        s(&["model", "check", &model]),
        s(&["model", "compile", &model, "-o", &out]),
        s(&["model", "show", &p(&f.bin)]),
        s(&["model", "show", &p(&f.envelope)]),
        s(&["model", "export-rust", &model]),
        s(&[
            "model",
            "keygen",
            "--force",
            "-o",
            &p(&f.dir.join("new.key")),
        ]),
        s(&[
            "model",
            "sign",
            &model,
            "--key",
            &p(&f.key),
            "--revision",
            "3",
            "-o",
            &out,
        ]),
        s(&[
            "model",
            "verify",
            &p(&f.envelope),
            "--public-key",
            &p(&f.public),
        ]),
        s(&[
            "weights",
            "ahp",
            "-c",
            "cultural",
            "-m",
            &model,
            &p(&f.judgments),
        ]),
        s(&["weights", "entropy", "-m", &model, "-i", &p(&f.complete)]),
        s(&[
            "weights",
            "critic",
            "-m",
            &model,
            "-i",
            &p(&f.complete),
            "--write-model",
            &p(&f.dir.join("w.toml")),
        ]),
        // Errors go to stderr: a missing file, an argument clap refuses.
        s(&["score", "-i", "no-such-file.csv"]),
        s(&["rank", "-i", &records, "-n", "0"]),
    ];
    all.retain(|a| !a.is_empty());
    all.into_iter().map(|a| (a.join(" "), a)).collect()
}

/// A pipe whose reader is already gone: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

fn dev_full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").unwrap())
}

fn run_with(f: &Files, args: &[String], out: Stdio, err: Stdio) -> Output {
    let mut c: Command = command(&f.dir, args);
    c.stdout(out).stderr(err).output().expect("run silkscore")
}

#[test]
fn broken_streams_never_panic_and_never_stop_the_outputs() {
    let f = workspace("streams", "all");
    let commands = every_subcommand(&f);
    assert!(commands.len() >= 25);
    for (label, args) in &commands {
        let base = run_with(&f, args, Stdio::piped(), Stdio::piped());
        let base_code = code(&base);
        assert!(base_code <= 2, "{label}: {}", stderr(&base));
        let prints = !base.stdout.is_empty();
        let keygen = args.iter().any(|a| a == "keygen");

        // stdout closed by its reader: quiet, 141 when there was something to print.
        let o = run_with(&f, args, closed_pipe(), Stdio::piped());
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{label}: {err}");
        if prints {
            assert_eq!(code(&o), 141, "{label}: {err}");
            assert!(
                !err.contains("silkscore: error"),
                "{label}: a closed pipe is no error: {err}"
            );
        } else {
            assert_eq!(code(&o), base_code, "{label}: {err}");
        }

        // stdout on a full disk: an error naming <stdout>, exit 2.
        let o = run_with(&f, args, dev_full(), Stdio::piped());
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{label}: {err}");
        if prints {
            assert_eq!(code(&o), 2, "{label}: {err}");
            assert!(
                err.contains("<stdout>: No space left on device"),
                "{label}: {err}"
            );
        } else {
            assert_eq!(code(&o), base_code, "{label}: {err}");
        }

        // stderr closed or full: the same stdout and status as with a working stderr.
        for (what, err) in [("closed", closed_pipe()), ("full", dev_full())] {
            let o = run_with(&f, args, Stdio::piped(), err);
            assert_eq!(code(&o), base_code, "{label}, stderr {what}");
            if !keygen {
                assert!(
                    o.stdout == base.stdout,
                    "{label}, stderr {what}: stdout differs"
                );
            }
        }
    }
}

#[test]
fn head_of_a_long_output_ends_quietly_with_141() {
    let f = workspace("streams", "head");
    // A records file long enough that its scores cannot fit in a pipe and head's buffer.
    let big = f.dir.join("big.csv");
    let text = fs::read_to_string(&f.records).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut w = std::io::BufWriter::new(File::create(&big).unwrap());
    writeln!(w, "{header}").unwrap();
    for k in 0..20_000 {
        writeln!(w, "{}", rows[k % rows.len()]).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    for sub in ["score", "rank", "encode"] {
        let extra = match sub {
            "rank" => "-n 100000 -f csv",
            "encode" => "-o -",
            _ => "",
        };
        let script = format!(
            "\"$0\" {sub} -m \"$1\" -i \"$2\" {extra} | head -c 10 >/dev/null; \
             echo \"status=${{PIPESTATUS[0]}}\""
        );
        let o = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .arg(support::bin())
            .arg(&f.model)
            .arg(&big)
            .current_dir(&f.dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let err = stderr(&o);
        assert!(out.contains("status=141"), "{sub}: {out} {err}");
        assert!(
            !err.contains("panicked") && !err.contains("silkscore: error"),
            "{sub}: {err}"
        );
    }
}
