//! The one ranking rule (docs/spec.md §7.7) through the real command line: standard competition
//! ranking ("1224"), ties only between identical composites, in `rank`, `sensitivity` and the
//! report alike.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

const PORTFOLIO: &str = "examples/data/portfolio.csv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ties");
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkscore"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run silkscore")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The bundled portfolio plus two copies of project 1004 (ids 2001, 2002: identical values,
/// so identical composites) and one copy of 1001 (id 2003), after the originals.
fn tied_portfolio(name: &str) -> String {
    let text = fs::read_to_string(root().join(PORTFOLIO)).unwrap();
    let mut out = text.clone();
    let row = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_owned()
    };
    for (copy, of) in [("2001", "1004"), ("2002", "1004"), ("2003", "1001")] {
        out.push_str(&row(of).replacen(of, copy, 1));
        out.push('\n');
    }
    // One file per test: the tests of this file run in parallel.
    let path = tmp(name);
    fs::write(&path, &out).unwrap();
    path.to_str().unwrap().to_owned()
}

/// (rank, id, composite text) of a CSV with those three columns at the given positions.
fn ranked(csv_text: &str, rank: usize, id: usize, composite: usize) -> Vec<(u32, String, String)> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[rank].parse().unwrap(),
                r[id].to_owned(),
                r[composite].to_owned(),
            )
        })
        .collect()
}

/// Checks the competition rule on rows in listing order: a row's rank is 1 + the number of
/// rows before it with a different composite; rows with equal composites share it.
fn assert_competition(rows: &[(u32, String, String)]) {
    for (k, (r, id, c)) in rows.iter().enumerate() {
        let better = rows[..k].iter().filter(|(_, _, o)| o != c).count() as u32;
        assert_eq!(*r, better + 1, "row {k} ({id}): {rows:?}");
    }
}

#[test]
fn rank_gives_tied_projects_one_rank_and_skips_the_next() {
    let input = tied_portfolio("rank.csv");
    let o = run(&["rank", "-i", &input, "--top", "40", "-f", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = ranked(&stdout(&o), 0, 1, 6);
    assert_eq!(rows.len(), 31);
    assert_competition(&rows);
    let ranks: Vec<(u32, &str)> = rows.iter().map(|(r, id, _)| (*r, id.as_str())).collect();
    // 1027 is best; then 1004 and its two copies share rank 2, in input order; rank 5 next.
    assert_eq!(
        ranks[..5],
        [
            (1, "1027"),
            (2, "1004"),
            (2, "2001"),
            (2, "2002"),
            (5, "1026")
        ]
    );
    let r1001 = ranks.iter().find(|(_, id)| *id == "1001").unwrap().0;
    let r2003 = ranks.iter().find(|(_, id)| *id == "2003").unwrap().0;
    assert_eq!(r1001, r2003);
    // JSON and the table say the same.
    let o = run(&["rank", "-i", &input, "--top", "5", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let json: Vec<u64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(json, [1, 2, 2, 2, 5]);
    let o = run(&["rank", "-i", &input, "--top", "5"]);
    let table = stdout(&o);
    let first: Vec<&str> = table
        .lines()
        .skip(2)
        .take(5)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(first, ["1", "2", "2", "2", "5"]);
    assert!(table.contains("equal composites share a rank"), "{table}");
}

#[test]
fn rank_says_when_tied_rows_fall_past_the_cut() {
    let input = tied_portfolio("cut.csv");
    // The top 3 cuts the three-way tie at rank 2 after its second member.
    let o = run(&["rank", "-i", &input, "--top", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 more row ties with rank 2 and not listed"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("--top 4 lists all of them"),
        "{}",
        stderr(&o)
    );
    // No tie at the cut: nothing said.
    let o = run(&["rank", "-i", &input, "--top", "4"]);
    assert!(!stdout(&o).contains("more row"), "{}", stdout(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn sensitivity_ranks_tied_projects_alike_in_every_draw() {
    let input = tied_portfolio("sens.csv");
    let o = run(&[
        "sensitivity",
        "-i",
        &input,
        "-n",
        "128",
        "--resamples",
        "10",
        "-u",
        "examples/data/uncertainty.toml",
        "-f",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let rows = ranked(&text, 2, 0, 6);
    assert_competition(&rows);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let all: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let of = |id: &str| all.iter().find(|r| r[0] == id).unwrap()[2..6].to_vec();
    assert_eq!(of("1004"), of("2001"));
    assert_eq!(of("1004"), of("2002"));
    assert_eq!(of("1001"), of("2003"));
    assert_eq!(of("1004")[0], "2");
}

#[test]
fn the_report_shares_ranks_too() {
    let input = tied_portfolio("report.csv");
    let out = tmp("tied.html");
    let o = run(&[
        "report",
        "-i",
        &input,
        "-o",
        out.to_str().unwrap(),
        "-n",
        "64",
        "--resamples",
        "10",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = fs::read_to_string(&out).unwrap();
    let table = &html[html.find("<table class=\"rank\">").unwrap()..];
    let ranks: Vec<&str> = table
        .split("<tr><td class=\"n\">")
        .skip(1)
        .take(5)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    assert_eq!(ranks, ["1", "2", "2", "2", "5"]);
    assert!(html.contains("share a rank"));
    // Without the sensitivity section the table ranks the same way.
    let o = run(&[
        "report",
        "-i",
        &input,
        "-o",
        out.to_str().unwrap(),
        "-n",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = fs::read_to_string(&out).unwrap();
    assert!(!html.contains("id=\"sensitivity\""));
    let table = &html[html.find("<table class=\"rank\">").unwrap()..];
    let ranks: Vec<&str> = table
        .split("<tr><td class=\"n\">")
        .skip(1)
        .take(5)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    assert_eq!(ranks, ["1", "2", "2", "2", "5"]);
}
