//! `silkscore sensitivity` through the real command line: reproducibility with a seed, the
//! rank intervals against the `score` ranking, the formats, exit statuses and help.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

const PORTFOLIO: &str = "examples/data/portfolio.csv";

/// The workspace root: the examples and conformance vectors live there.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sensitivity");
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

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// One row of `--format csv`.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    nominal: u32,
    median: u32,
    p5: u32,
    p95: u32,
    composite: f64,
    sobol: Vec<Option<f64>>,
}

fn rows(csv_text: &str) -> Vec<Row> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        &header[..8],
        [
            "id",
            "name",
            "nominal_rank",
            "median_rank",
            "p5_rank",
            "p95_rank",
            "nominal_composite",
            "failed_samples"
        ]
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let n = |i: usize| r[i].parse::<u32>().unwrap();
            Row {
                id: r[0].to_owned(),
                nominal: n(2),
                median: n(3),
                p5: n(4),
                p95: n(5),
                composite: r[6].parse().unwrap(),
                sobol: (8..14)
                    .map(|i| (!r[i].is_empty()).then(|| r[i].parse().unwrap()))
                    .collect(),
            }
        })
        .collect()
}

fn csv_run(extra: &[&str]) -> (Output, Vec<Row>) {
    let mut args = vec![
        "sensitivity",
        "--input",
        PORTFOLIO,
        "--format",
        "csv",
        "--samples",
        "300",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let r = rows(&stdout(&o));
    (o, r)
}

#[test]
fn same_seed_same_output_in_every_format() {
    for format in ["csv", "json", "table"] {
        let args = [
            "sensitivity",
            "--input",
            PORTFOLIO,
            "--samples",
            "250",
            "--seed",
            "42",
            "--format",
            format,
        ];
        let a = run(&args);
        let b = run(&args);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(!a.stdout.is_empty());
        assert_eq!(a.stdout, b.stdout, "format {format} is not reproducible");
    }
}

#[test]
fn another_seed_gives_other_figures() {
    let (_, a) = csv_run(&["--seed", "1"]);
    let (_, b) = csv_run(&["--seed", "2"]);
    assert_eq!(a.len(), b.len());
    // The nominal ranking does not depend on the seed; the sampled figures do.
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x.id, x.nominal, x.composite),
            (&y.id, y.nominal, y.composite)
        );
    }
    let sobol = |rs: &[Row]| rs.iter().map(|r| r.sobol.clone()).collect::<Vec<_>>();
    assert_ne!(
        sobol(&a),
        sobol(&b),
        "Sobol indices identical for two seeds"
    );
}

#[test]
fn percentiles_bracket_the_median_and_ranks_are_in_range() {
    let (_, rs) = csv_run(&["--spread", "0.5"]);
    let n = rs.len() as u32;
    assert_eq!(n, 28);
    let mut moved = 0;
    for r in &rs {
        assert!(
            1 <= r.p5 && r.p5 <= r.median && r.median <= r.p95 && r.p95 <= n,
            "{r:?}"
        );
        if r.p5 != r.p95 {
            moved += 1;
        }
        for s in r.sobol.iter().flatten() {
            assert!((-0.5..=1.5).contains(s), "Sobol index {s} in {r:?}");
        }
    }
    assert!(moved > 5, "a ±50% spread should move some ranks");
}

#[test]
fn nominal_rank_is_the_score_ranking() {
    let scored = run(&["score", "--input", PORTFOLIO, "--format", "csv"]);
    assert_eq!(code(&scored), 0);
    let text = stdout(&scored);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut by_score: Vec<(String, f64)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[4].parse().unwrap())
        })
        .collect();
    // Best first; a stable sort keeps input order among ties, as the ranking does.
    by_score.sort_by(|a, b| b.1.total_cmp(&a.1));

    let (_, rs) = csv_run(&[]);
    // Rows come in nominal rank order, ranks 1..n.
    assert_eq!(
        rs.iter().map(|r| r.nominal).collect::<Vec<_>>(),
        (1..=rs.len() as u32).collect::<Vec<_>>()
    );
    let ids: Vec<&str> = rs.iter().map(|r| r.id.as_str()).collect();
    let expected: Vec<&str> = by_score.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, expected);
    for (r, (_, c)) in rs.iter().zip(&by_score) {
        assert!((r.composite - c).abs() < 1e-5, "{r:?} vs {c}");
    }
}

#[test]
fn zero_spread_keeps_almost_every_rank() {
    // Only the aggregation is drawn: arithmetic vs geometric may swap close neighbours.
    let (_, rs) = csv_run(&["--spread", "0"]);
    for r in &rs {
        assert!(r.p95 - r.p5 <= 2, "{r:?}");
        assert!(r.sobol.iter().all(Option::is_none), "no variance: {r:?}");
    }
}

#[test]
fn json_and_output_file() {
    let out = tmp("robustness.json");
    let _ = fs::remove_file(&out);
    let o = run(&[
        "sensitivity",
        "--input",
        PORTFOLIO,
        "--samples",
        "120",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["model"]["name"], "bri-cultural-v1");
    assert_eq!(doc["samples_used"], 120);
    assert_eq!(doc["percentiles"], "nearest-rank");
    assert_eq!(doc["sobol"]["across"], "geometric");
    let mean = &doc["sobol"]["mean"];
    for key in ["first_order", "total"] {
        for c in ["cultural", "economic", "security"] {
            assert!(mean[key][c].is_f64(), "{key}.{c}: {mean}");
        }
    }
    let projects = doc["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 28);
    assert_eq!(projects[0]["nominal_rank"], 1);
    assert!(projects[0]["id"].is_u64());
    assert!(projects
        .iter()
        .all(|p| p["sobol"]["total"]["cultural"].is_f64()));
}

#[test]
fn table_has_ranks_and_mean_sobol_indices() {
    let o = run(&["sensitivity", "--input", PORTFOLIO, "--samples", "200"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(t.contains("Rank robustness of 28 projects, model bri-cultural-v1"));
    assert!(t.contains("Astana Expo innovation campus"));
    assert!(t.contains("first-order S_i"));
    for c in ["cultural", "economic", "security"] {
        assert!(t.lines().any(|l| l.trim_start().starts_with(c)), "{t}");
    }
}

#[test]
fn rows_that_do_not_score_are_left_out_with_exit_1() {
    let text = fs::read_to_string(root().join(PORTFOLIO)).unwrap();
    let header = text.lines().next().unwrap();
    let cols = header.split(',').count();
    let mut bad = text.clone();
    // A NaN value, and a row with too few fields.
    let mut nan = vec!["2001".to_owned(), "Broken <row> & co".to_owned()];
    nan.extend((2..cols).map(|i| if i == 2 { "NaN".into() } else { "1".into() }));
    bad.push_str(&nan.join(","));
    bad.push_str("\n2002,short row,1,2\n");
    let path = tmp("bad.csv");
    fs::write(&path, bad).unwrap();
    let o = run(&[
        "sensitivity",
        "--input",
        path.to_str().unwrap(),
        "--samples",
        "50",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("row id 2001"), "{err}");
    assert!(err.contains("non_finite:talent_exchange"), "{err}");
    assert!(err.contains("parse:fields"), "{err}");
    assert!(err.contains("2 of 30 rows"), "{err}");
    let rs = rows(&stdout(&o));
    assert_eq!(rs.len(), 28);
    assert!(rs.iter().all(|r| r.id != "2001" && r.id != "2002"));
}

#[test]
fn unusable_arguments_and_files_exit_2() {
    let cases: &[&[&str]] = &[
        &["sensitivity", "--input", "no/such/file.csv"],
        &["sensitivity", "--input", PORTFOLIO, "--spread", "1.5"],
        &["sensitivity", "--input", PORTFOLIO, "--spread", "-0.1"],
        &["sensitivity", "--input", PORTFOLIO, "--samples", "0"],
        &["sensitivity", "--input", PORTFOLIO, "--format", "xml"],
        &[
            "sensitivity",
            "--input",
            PORTFOLIO,
            "--model",
            "no/such/model.toml",
        ],
        &["sensitivity"],
    ];
    for args in cases {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // No row that scores: nothing to rank.
    let path = tmp("none.csv");
    fs::write(&path, "id,name,talent_exchange\n1,only one value,5\n").unwrap();
    let o = run(&["sensitivity", "--input", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nothing to rank"), "{}", stderr(&o));
    // Too many samples for the rank memory limit: a clear message, before any work.
    let o = run(&[
        "sensitivity",
        "--input",
        PORTFOLIO,
        "--samples",
        "4000000000",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("use at most"), "{}", stderr(&o));
}

#[test]
fn an_unusable_output_file_is_not_created_on_error() {
    let out = tmp("never.csv");
    let _ = fs::remove_file(&out);
    let o = run(&[
        "sensitivity",
        "--input",
        "no/such/file.csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(!out.exists());
}

#[test]
fn help_has_an_example() {
    let o = run(&["sensitivity", "--help"]);
    assert_eq!(code(&o), 0);
    let h = stdout(&o);
    assert!(h.contains("Examples:"), "{h}");
    assert!(h.contains("silkscore sensitivity --input examples/data/portfolio.csv"));
    assert!(h.contains("nearest-rank"));
    for flag in ["--samples", "--seed", "--spread", "--format", "--output"] {
        assert!(h.contains(flag), "{flag} missing from help");
    }
    let top = stdout(&run(&["--help"]));
    assert!(top.contains("sensitivity"), "{top}");
}
