//! `silkscore sensitivity` through the real command line: reproducibility with a seed, the
//! rank intervals against the `score` ranking, the formats, uncertainty files, confidence
//! intervals, exit statuses and help.

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
    /// Per input group: s, s_low, s_high, st, st_low, st_high.
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
                sobol: (8..r.len())
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
        // value, low, high: the interval is ordered.
        for e in r.sobol.chunks(3) {
            let (v, lo, hi) = (e[0].unwrap(), e[1].unwrap(), e[2].unwrap());
            assert!(lo <= hi && lo <= v + 0.05 && v - 0.05 <= hi, "{r:?}");
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
fn zero_spread_keeps_every_rank() {
    // Nothing moves: every draw is the nominal model.
    let (_, rs) = csv_run(&["--spread", "0"]);
    for r in &rs {
        assert_eq!(
            (r.p5, r.median, r.p95),
            (r.nominal, r.nominal, r.nominal),
            "{r:?}"
        );
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
    assert!(doc["ranking"].as_str().unwrap().starts_with("competition"));
    assert_eq!(doc["uncertainty"]["weights"], 0.25);
    assert_eq!(doc["uncertainty"]["indicator_weights"], 0.25);
    assert_eq!(doc["uncertainty"]["across"], false);
    let inputs = [
        "weight.cultural",
        "weight.economic",
        "weight.security",
        "indicator_weights",
    ];
    assert_eq!(doc["sobol"]["inputs"], serde_json::json!(inputs));
    assert_eq!(doc["sobol"]["confidence"], 0.95);
    let mean = &doc["sobol"]["mean"]["indices"];
    for (k, input) in inputs.iter().enumerate() {
        assert_eq!(mean[k]["input"], *input);
        for key in ["first_order", "total"] {
            let e = &mean[k][key];
            let (v, lo, hi) = (
                e["value"].as_f64().unwrap(),
                e["low"].as_f64().unwrap(),
                e["high"].as_f64().unwrap(),
            );
            assert!(lo <= v && v <= hi, "{key} of {input}: {e}");
        }
    }
    let projects = doc["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 28);
    assert_eq!(projects[0]["nominal_rank"], 1);
    assert!(projects[0]["id"].is_u64());
    assert!(projects
        .iter()
        .all(|p| p["sobol"]["indices"][0]["total"]["value"].is_f64()));
}

#[test]
fn table_has_ranks_and_mean_sobol_indices() {
    let o = run(&["sensitivity", "--input", PORTFOLIO, "--samples", "200"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(t.contains("Rank robustness of 28 projects, model bri-cultural-v1"));
    assert!(t.contains("Astana Expo innovation campus"));
    assert!(t.contains("first-order S_i"));
    assert!(t.contains("What varies: connotation weights ±25 %, indicator weights ±25 %."));
    for c in [
        "weight.cultural",
        "weight.economic",
        "weight.security",
        "indicator_weights",
    ] {
        assert!(t.lines().any(|l| l.trim_start().starts_with(c)), "{t}");
    }
    assert!(t.contains("95% bootstrap intervals"));
    assert!(
        t.lines().all(|l| l == l.trim_end()),
        "trailing blanks:\n{t}"
    );
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
    // More samples than the Sobol sequence has.
    let o = run(&["sensitivity", "--input", PORTFOLIO, "--samples", "65537"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("65536"), "{}", stderr(&o));
    // Too many samples for the rank memory limit: a clear message, before any work.
    let text = fs::read_to_string(root().join(PORTFOLIO)).unwrap();
    let mut lines = text.lines();
    let mut big = format!("{}\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.collect();
    for k in 0..600 {
        let row = rows[k % rows.len()];
        let rest = &row[row.find(',').unwrap()..];
        big.push_str(&format!("{}{rest}\n", 5000 + k));
    }
    let path = tmp("big.csv");
    fs::write(&path, big).unwrap();
    let o = run(&[
        "sensitivity",
        "--input",
        path.to_str().unwrap(),
        "--samples",
        "65536",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("use at most 55924 samples"),
        "{}",
        stderr(&o)
    );
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
    assert!(h.contains("Saltelli 2010") && h.contains("Jansen") && h.contains("bootstrap"));
    assert!(h.contains("equal composites share a rank"));
    for flag in [
        "--samples",
        "--seed",
        "--spread",
        "--uncertainty",
        "--resamples",
        "--format",
        "--output",
    ] {
        assert!(h.contains(flag), "{flag} missing from help");
    }
    let top = stdout(&run(&["--help"]));
    assert!(top.contains("sensitivity"), "{top}");
}

#[test]
fn an_uncertainty_file_varies_every_assumption() {
    let o = run(&[
        "sensitivity",
        "--input",
        PORTFOLIO,
        "--uncertainty",
        "examples/data/uncertainty.toml",
        "--samples",
        "256",
        "--resamples",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["sobol"]["inputs"],
        serde_json::json!([
            "weight.cultural",
            "weight.economic",
            "weight.security",
            "indicator_weights",
            "within",
            "across",
            "floor",
            "min_coverage",
            "goalposts"
        ])
    );
    assert_eq!(
        doc["uncertainty"]["floor"],
        serde_json::json!([0.001, 0.05])
    );
    assert_eq!(doc["uncertainty"]["within"], true);
    assert_eq!(doc["sobol"]["resamples"], 50);
    let mean = doc["sobol"]["mean"]["indices"].as_array().unwrap();
    assert_eq!(mean.len(), 9);
    // The aggregation within and the goalposts move the composite far more than ±25 %
    // connotation weights.
    let total = |k: usize| mean[k]["total"]["value"].as_f64().unwrap();
    assert!(total(4) > 5.0 * total(0), "{mean:?}");
    assert!(total(8) > 5.0 * total(0), "{mean:?}");
    // Table and CSV name the groups too.
    let o = run(&[
        "sensitivity",
        "-i",
        PORTFOLIO,
        "-u",
        "examples/data/uncertainty.toml",
        "-n",
        "64",
        "--resamples",
        "20",
        "-f",
        "csv",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let header = stdout(&o).lines().next().unwrap().to_owned();
    assert!(header.ends_with(
        "s_goalposts,s_goalposts_low,s_goalposts_high,st_goalposts,st_goalposts_low,st_goalposts_high"
    ), "{header}");
    assert!(
        header.contains(",s_weight_cultural,s_weight_cultural_low,"),
        "{header}"
    );
}

#[test]
fn bad_uncertainty_files_exit_2_naming_file_line_and_key() {
    let cases = [
        (
            "weights = 0.25\nfloor = [0.2, 0.1]\n",
            "bad1.toml:2: floor: ",
        ),
        (
            "weights = 0.25\n\ngoalpost = 0.1\n",
            "bad2.toml:3: unknown field `goalpost`",
        ),
        ("within = false\n", "bad3.toml: nothing varies"),
        ("weights = [\n", "bad4.toml:"),
    ];
    for (k, (text, want)) in cases.iter().enumerate() {
        let path = tmp(&format!("bad{}.toml", k + 1));
        fs::write(&path, text).unwrap();
        let o = run(&["sensitivity", "-i", PORTFOLIO, "-u", path.to_str().unwrap()]);
        assert_eq!(code(&o), 2, "{text}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{text}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // --spread and --uncertainty do not go together.
    let o = run(&[
        "sensitivity",
        "-i",
        PORTFOLIO,
        "-u",
        "examples/data/uncertainty.toml",
        "--spread",
        "0.1",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    // A missing file, and one that is not text.
    let o = run(&["sensitivity", "-i", PORTFOLIO, "-u", "no/such.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no/such.toml"));
    let bin = tmp("binary.toml");
    fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let o = run(&["sensitivity", "-i", PORTFOLIO, "-u", bin.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("UTF-8"), "{}", stderr(&o));
    // The output may not overwrite the uncertainty file.
    let u = tmp("keep.toml");
    fs::write(&u, "weights = 0.1\n").unwrap();
    let o = run(&[
        "sensitivity",
        "-i",
        PORTFOLIO,
        "-u",
        u.to_str().unwrap(),
        "-o",
        u.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(fs::read_to_string(&u).unwrap(), "weights = 0.1\n");
}
