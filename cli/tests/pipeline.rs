//! `silkscore score` in parallel: the same bytes for every `--threads`, an input error after
//! exactly the rows before it (rows after it were parsed ahead by other workers, and are not
//! written), a closed pipe ends quietly with 141, and the thread count is bounded.

mod support;

use std::fmt::Write as _;
use std::fs;
use std::process::{Command, Stdio};

use support::{code, run, scratch, stderr, stdout};

/// A records file of the default model: `rows` rows (every 7th one failing in a different
/// way), with `tail` appended after them.
fn records(rows: usize, tail: &str) -> String {
    let ids: Vec<&str> = silkscore::BRI_CULTURAL_V1
        .indicators()
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    let mut s = format!("id,name,{}\n", ids.join(","));
    for r in 0..rows {
        let _ = write!(s, "{r},\"park {r}, \"\"north\"\"\"");
        for (i, _) in ids.iter().enumerate() {
            let v = match (r % 7, i) {
                (1, 3) => "NaN".to_owned(),
                (2, 0..=3) => String::new(),
                (3, 5) => "x".to_owned(),
                _ => format!("{}", ((r * 31 + i * 17) % 1000) as f32 * 0.37),
            };
            let _ = write!(s, ",{v}");
        }
        s.push('\n');
    }
    s.push_str(tail);
    s
}

#[test]
fn every_thread_count_writes_the_same_bytes() {
    let dir = scratch("pipeline", "threads");
    let input = dir.join("r.csv");
    fs::write(&input, records(30_000, "")).unwrap();
    for format in ["csv", "json", "table"] {
        let one = run(
            &dir,
            &["score", "-i", "r.csv", "-f", format, "--threads", "1"],
        );
        assert_eq!(code(&one), 1, "{format}: {}", stderr(&one));
        assert!(one.stdout.len() > 30_000);
        for threads in ["2", "3", "8", "0"] {
            let o = run(
                &dir,
                &["score", "-i", "r.csv", "-f", format, "--threads", threads],
            );
            assert_eq!(code(&o), 1, "{format}, {threads} threads");
            assert!(
                o.stdout == one.stdout,
                "{format}: {threads} threads differ from 1"
            );
            assert_eq!(stderr(&o), stderr(&one), "{format}, {threads} threads");
        }
    }
}

#[test]
fn an_input_error_comes_after_exactly_the_rows_before_it() {
    let dir = scratch("pipeline", "input-error");
    // 40,000 rows, a NUL byte on line 40,002, then 20,000 rows more that other workers may
    // already have parsed and scored when the error is found.
    let text = records(40_000, "40000,x,1\0,2\n") + &records(20_000, "")[1000..];
    fs::write(dir.join("r.csv"), &text).unwrap();
    for threads in ["1", "2", "4"] {
        let o = run(&dir, &["score", "-i", "r.csv", "--threads", threads]);
        assert_eq!(code(&o), 2, "{threads} threads");
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 1 + 40_000, "{threads} threads");
        assert!(out.ends_with('\n'));
        assert!(out.lines().last().unwrap().starts_with("39999,"));
        let err = stderr(&o);
        assert!(err.contains("r.csv:40002: NUL byte"), "{err}");
        // The notes on failed rows are not printed after an input error.
        assert!(!err.contains("row id"), "{err}");

        // Into a file: nothing is committed, the previous file stays.
        fs::write(dir.join("out.csv"), "previous\n").unwrap();
        let o = run(
            &dir,
            &[
                "score",
                "-i",
                "r.csv",
                "-o",
                "out.csv",
                "--threads",
                threads,
            ],
        );
        assert_eq!(code(&o), 2);
        assert_eq!(
            fs::read_to_string(dir.join("out.csv")).unwrap(),
            "previous\n"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_141_on_every_thread_count() {
    let dir = scratch("pipeline", "pipe");
    fs::write(dir.join("r.csv"), records(50_000, "")).unwrap();
    for threads in ["1", "2", "4"] {
        let script = format!(
            "\"$0\" score -i r.csv --threads {threads} | head -c 100 >/dev/null; \
             echo \"status=${{PIPESTATUS[0]}}\""
        );
        let o = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .arg(support::bin())
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            stdout(&o).contains("status=141"),
            "{threads}: {}",
            stdout(&o)
        );
        assert!(!stderr(&o).contains("error"), "{}", stderr(&o));
    }
}

#[test]
fn the_thread_count_is_bounded() {
    let dir = scratch("pipeline", "bounded");
    fs::write(dir.join("r.csv"), records(3, "")).unwrap();
    let o = run(&dir, &["score", "-i", "r.csv", "--threads", "65"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
    let o = run(&dir, &["score", "-i", "r.csv", "--threads", "64"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

/// `rank`, `encode` and `weights entropy|critic` read rows in parallel too: the same stdout,
/// stderr and exit status for every `--threads`, also when the input stops on an error.
#[test]
fn the_other_readers_give_the_same_for_every_thread_count() {
    let dir = scratch("pipeline", "readers");
    fs::write(dir.join("r.csv"), records(20_000, "")).unwrap();
    fs::write(dir.join("bad.csv"), records(9_000, "9,\"never closed")).unwrap();
    // Complete rows for weights: the rows of `records` that every value makes it into.
    let complete: String = records(8_000, "")
        .lines()
        .enumerate()
        .filter(|(k, _)| *k == 0 || matches!((k - 1) % 7, 0 | 4 | 5 | 6))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    fs::write(dir.join("complete.csv"), &complete).unwrap();
    let mut complete_bad = complete.clone();
    complete_bad.push_str("99,x,1\n");
    fs::write(dir.join("complete_bad.csv"), complete_bad).unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["rank", "-i", "r.csv", "-n", "3000", "-f", "csv"], 1),
        (&["rank", "-i", "r.csv", "-n", "7"], 1),
        (&["rank", "-i", "bad.csv", "-n", "50", "-f", "json"], 2),
        (&["encode", "-i", "r.csv", "-o", "-"], 1),
        (&["encode", "-i", "bad.csv", "-o", "-"], 2),
        (
            &["weights", "entropy", "-i", "complete.csv", "-f", "csv"],
            0,
        ),
        (&["weights", "critic", "-i", "complete.csv"], 0),
        (&["weights", "entropy", "-i", "complete_bad.csv"], 2),
    ];
    for (args, want) in cases {
        let with = |threads: &str| {
            let mut a = args.to_vec();
            a.extend(["--threads", threads]);
            run(&dir, &a)
        };
        let one = with("1");
        assert_eq!(code(&one), *want, "{args:?}: {}", stderr(&one));
        assert!(!one.stdout.is_empty() || *want == 2, "{args:?}");
        for threads in ["2", "3", "8", "0"] {
            let o = with(threads);
            assert_eq!(code(&o), *want, "{args:?}, {threads} threads");
            assert!(
                o.stdout == one.stdout && o.stderr == one.stderr,
                "{args:?}: {threads} threads differ from 1: {}",
                stderr(&o)
            );
        }
    }
}
