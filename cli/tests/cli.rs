//! The `silkscore` binary against docs/spec.md §7 and §8: every conformance vector set through the real
//! command line (within 0.005 points, grades and statuses exact, rows in order), the exit
//! statuses, the stderr warnings, and the json and table formats.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC_COLUMNS: [&str; 7] = [
    "id",
    "cultural",
    "economic",
    "security",
    "composite",
    "grade",
    "status",
];

/// The workspace root: the examples and conformance vectors live there.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors() -> PathBuf {
    root().join("tests/vectors")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
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

/// One row of a score CSV: id, the four values (None when empty), grade, status.
struct ScoreRow {
    id: String,
    values: [Option<f64>; 4],
    grade: String,
    status: String,
}

fn read_scores(text: &str) -> Vec<ScoreRow> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert!(header.len() >= 7, "header {header:?}");
    assert_eq!(
        &header[..7],
        &SPEC_COLUMNS,
        "the docs/spec.md §7 columns come first"
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let v = |i: usize| {
                let c = &r[i];
                if c.is_empty() {
                    None
                } else {
                    Some(c.parse::<f64>().unwrap_or_else(|_| panic!("number {c:?}")))
                }
            };
            ScoreRow {
                id: r[0].to_owned(),
                values: [v(1), v(2), v(3), v(4)],
                grade: r[5].to_owned(),
                status: r[6].to_owned(),
            }
        })
        .collect()
}

/// Compares the CLI's CSV output with an expected file: same rows in the same order, values
/// within 0.005, grade and status exact, failed rows empty. Returns (rows, failed rows).
fn compare(expected: &Path, output: &str) -> (usize, usize) {
    let exp = read_scores(&fs::read_to_string(expected).unwrap());
    let got = read_scores(output);
    assert_eq!(got.len(), exp.len(), "{}: row count", expected.display());
    let mut problems = Vec::new();
    for (g, e) in got.iter().zip(&exp) {
        assert_eq!(g.id, e.id, "{}: rows out of order", expected.display());
        if g.status != e.status {
            problems.push(format!("id {}: status {} != {}", e.id, g.status, e.status));
        }
        if g.grade != e.grade {
            problems.push(format!("id {}: grade {:?} != {:?}", e.id, g.grade, e.grade));
        }
        for k in 0..4 {
            match (g.values[k], e.values[k]) {
                (Some(a), Some(b)) if (a - b).abs() <= 0.005 => {}
                (None, None) => {}
                (a, b) => problems.push(format!("id {}: value {k}: {a:?} != {b:?}", e.id)),
            }
        }
        // A failed row leaves score columns and grade empty.
        if g.status != "ok" {
            assert!(
                g.values.iter().all(Option::is_none) && g.grade.is_empty(),
                "id {}",
                g.id
            );
        }
    }
    assert!(
        problems.is_empty(),
        "{}: {} problems:\n{}",
        expected.display(),
        problems.len(),
        problems.join("\n")
    );
    (exp.len(), exp.iter().filter(|e| e.status != "ok").count())
}

fn check_vectors(model: Option<&str>, records: &str, expected: &str, rows: usize) {
    let mut args = vec!["score".to_owned()];
    if let Some(m) = model {
        args.push("--model".to_owned());
        args.push(vectors().join(m).display().to_string());
    }
    args.push("--input".to_owned());
    args.push(vectors().join(records).display().to_string());
    let out = run(&args);
    let (n, failed) = compare(&vectors().join(expected), &stdout(&out));
    assert_eq!(n, rows);
    assert!(failed > 0, "the vector sets include failing rows");
    assert_eq!(code(&out), 1, "some rows fail, so exit 1: {}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{failed} of {rows} rows could not be scored")));
}

#[test]
fn default_vectors_without_model() {
    check_vectors(None, "default_records.csv", "default_expected.csv", 200);
}

#[test]
fn custom5_vectors() {
    check_vectors(
        Some("custom5.toml"),
        "custom5_records.csv",
        "custom5_expected.csv",
        150,
    );
}

#[test]
fn custom32_vectors() {
    check_vectors(
        Some("custom32.toml"),
        "custom32_records.csv",
        "custom32_expected.csv",
        150,
    );
}

#[test]
fn default_model_file_equals_builtin() {
    let input = vectors().join("default_records.csv");
    let builtin = run(&["score".as_ref(), "--input".as_ref(), input.as_os_str()]);
    let file = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        vectors().join("bri-cultural-v1.toml").as_os_str(),
        "--input".as_ref(),
        input.as_os_str(),
    ]);
    assert_eq!(code(&file), code(&builtin));
    assert_eq!(stdout(&file), stdout(&builtin));
}

#[test]
fn every_invalid_model_exits_2_naming_field_and_line() {
    let dir = vectors().join("invalid_models");
    // The manifest's reason column has an unquoted comma in one row: read it flexibly.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("manifest.csv"))
        .unwrap();
    let input = vectors().join("custom5_records.csv");
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let (file, field) = (&r[0], &r[1]);
        let out = run(&[
            "score".as_ref(),
            "--model".as_ref(),
            dir.join(file).as_os_str(),
            "--input".as_ref(),
            input.as_os_str(),
        ]);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{file}: {err}");
        assert!(out.stdout.is_empty(), "{file}: nothing is scored");
        assert!(err.starts_with("silkscore: error: "), "{file}: {err}");
        assert!(
            err.contains(file),
            "{file}: the error names the file: {err}"
        );
        assert!(
            err.contains(&format!(": {field}: ")),
            "{file}: the error names {field}: {err}"
        );
        let line = err
            .split(file)
            .nth(1)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split(':').next())
            .and_then(|l| l.parse::<usize>().ok());
        assert!(
            line.is_some_and(|l| l > 0),
            "{file}: the error names a line: {err}"
        );
        n += 1;
    }
    assert_eq!(n, 16);
}

#[test]
fn typo_key_names_wieght_and_its_line() {
    let out = run(&[
        "score",
        "--model",
        "tests/vectors/invalid_models/typo_key.toml",
        "--input",
        "tests/vectors/custom5_records.csv",
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("typo_key.toml:20: indicator[0].wieght: unknown field `wieght`"),
        "{err}"
    );
}

#[test]
fn malformed_toml_names_a_line() {
    let model = tmp("malformed.toml");
    fs::write(
        &model,
        "name = \"x\"\nwithin = \"arithmetic\"\nacross = \"geometric\nfloor = 0.01\n",
    )
    .unwrap();
    let out = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        model.as_os_str(),
        "--input".as_ref(),
        "examples/data/portfolio.csv".as_ref(),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("malformed.toml:3: across: "), "{err}");

    fs::write(&model, "within = [\n").unwrap();
    let out = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        model.as_os_str(),
        "--input".as_ref(),
        "x.csv".as_ref(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("malformed.toml:"), "{}", stderr(&out));
}

#[test]
fn missing_model_or_input_file_exits_2() {
    let out = run(&["score", "--input", "no/such/records.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no/such/records.csv"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let out = run(&[
        "score",
        "--model",
        "no/such/model.toml",
        "--input",
        "examples/data/portfolio.csv",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no/such/model.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unusable_arguments_exit_2() {
    assert_eq!(code(&run(&["score"])), 2, "--input is required");
    assert_eq!(
        code(&run(&[
            "score",
            "--input",
            "examples/data/portfolio.csv",
            "--format",
            "xml"
        ])),
        2
    );
    assert_eq!(code(&run(&["frobnicate"])), 2);
    assert_eq!(code(&run::<&str>(&[])), 2);
}

#[test]
fn header_without_id_exits_2() {
    let input = tmp("no_id.csv");
    fs::write(&input, "name,talent_exchange\nDunhuang,3\n").unwrap();
    let out = run(&["score".as_ref(), "--input".as_ref(), input.as_os_str()]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no_id.csv:1: the header has no `id` column"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn absent_and_unknown_columns_are_warned() {
    let input = tmp("partial.csv");
    // custom5 has conflict_risk, heritage_sites, unit_cost_usd, festival_days, export_share
    fs::write(
        &input,
        "id,heritage_sites,budget_note,festival_days,name,conflict_risk,region\n\
         1,38,big,139.4,Kashgar,0.57,Xinjiang\n",
    )
    .unwrap();
    let out = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        "tests/vectors/custom5.toml".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
    ]);
    let err = stderr(&out);
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains("unit_cost_usd") && err.contains("export_share"),
        "absent columns named: {err}"
    );
    assert!(
        err.contains("`budget_note`") && err.contains("`region`"),
        "unknown columns named: {err}"
    );
    // The row is still scored (or fails coverage) with the absent indicators missing.
    let rows = read_scores(&stdout(&out));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, "1");
}

#[test]
fn row_errors_follow_spec_order_and_never_stop_the_batch() {
    let input = tmp("row_errors.csv");
    fs::write(
        &input,
        "id,conflict_risk,heritage_sites,unit_cost_usd,festival_days,export_share\n\
         1,0.57,38,8,139.4,90.4\n\
         2,0.57,38,8\n\
         x3,0.57,38,8,139.4,90.4\n\
         4,0.57,1_000,8,NaN,90.4\n\
         5,0.57,0x10,8,139.4,90.4\n\
         6, 0.57 , 38 ,8,1e39,90.4\n\
         7,0.57,38,8,139.4,90.4,extra\n\
         8,0.57,NaN,8,inf,90.4\n\
         9,0.57,38,8,,\n\
         -1,0.57,38,8,139.4,90.4\n\
         10,0.57,38,8,139.4,90.4\n\
         11,0.57,,8,139.4,90.4\n\
         12,inf,,8,139.4,90.4\n",
    )
    .unwrap();
    let out = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        "tests/vectors/custom5.toml".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = read_scores(&stdout(&out));
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.id.as_str(), r.status.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("1", "ok"),
            ("2", "parse:fields"),
            ("x3", "parse:id"),
            ("4", "parse:heritage_sites"),
            ("5", "parse:heritage_sites"),
            ("6", "non_finite:festival_days"),
            ("7", "parse:fields"),
            ("8", "non_finite:heritage_sites"),
            ("9", "ok"),
            ("-1", "parse:id"),
            ("10", "ok"),
            ("11", "insufficient_data:cultural"),
            ("12", "non_finite:conflict_risk"),
        ]
    );
    for r in &rows {
        assert_eq!(r.status == "ok", r.values.iter().all(Option::is_some));
        assert_eq!(r.status == "ok", !r.grade.is_empty());
    }
    // Errors name the file and line.
    assert!(
        stderr(&out).contains("row_errors.csv:3: row id 2: parse:fields"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn all_rows_ok_exits_0_and_empty_input_is_fine() {
    let input = tmp("ok.csv");
    fs::write(&input, "id,conflict_risk,heritage_sites,unit_cost_usd,festival_days,export_share\n1,0.57,38,8,139.4,90.4\n").unwrap();
    let args = [
        "score".as_ref(),
        "--model".as_ref(),
        "tests/vectors/custom5.toml".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
    ];
    let out = run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(read_scores(&stdout(&out)).len(), 1);
    assert!(stderr(&out).is_empty(), "no warnings: {}", stderr(&out));

    fs::write(
        &input,
        "id,conflict_risk,heritage_sites,unit_cost_usd,festival_days,export_share\n",
    )
    .unwrap();
    let out = run(&args);
    assert_eq!(code(&out), 0);
    assert_eq!(read_scores(&stdout(&out)).len(), 0);
}

fn portfolio(format: &str) -> Output {
    run(&[
        "score",
        "--input",
        "examples/data/portfolio.csv",
        "--format",
        format,
    ])
}

#[test]
fn portfolio_runs() {
    let text = fs::read_to_string(root().join("examples/data/portfolio.csv")).unwrap();
    assert!(
        text.lines().any(|l| l.contains(",,")),
        "some values are missing"
    );
    let out = portfolio("csv");
    assert_eq!(
        code(&out),
        0,
        "the bundled portfolio scores completely: {}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("warning"),
        "all 18 columns present: {}",
        stderr(&out)
    );
    let rows = read_scores(&stdout(&out));
    assert!(rows.len() >= 24);
    assert!(rows.iter().all(|r| r.status == "ok"));
    let mut grades: Vec<&str> = rows
        .iter()
        .map(|r| r.grade.as_str())
        .filter(|g| !g.is_empty())
        .collect();
    grades.sort();
    grades.dedup();
    assert!(grades.len() >= 4, "a spread of grades: {grades:?}");
    // Six decimals.
    let line = stdout(&out).lines().nth(1).unwrap().to_owned();
    let composite = line.split(',').nth(4).unwrap();
    assert_eq!(composite.split('.').nth(1).map(str::len), Some(6), "{line}");
}

#[test]
fn json_is_one_array_of_objects() {
    let out = portfolio("json");
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let rows = v.as_array().expect("an array");
    let csv_rows = read_scores(&stdout(&portfolio("csv")));
    assert_eq!(rows.len(), csv_rows.len());
    for (j, c) in rows.iter().zip(&csv_rows) {
        assert_eq!(
            j["id"].as_u64().map(|i| i.to_string()).as_deref(),
            Some(c.id.as_str())
        );
        assert_eq!(j["status"].as_str(), Some(c.status.as_str()));
        for (k, key) in ["cultural", "economic", "security", "composite"]
            .iter()
            .enumerate()
        {
            match c.values[k] {
                Some(x) => assert!((j[key].as_f64().unwrap() - x).abs() < 1e-6),
                None => assert!(j[key].is_null()),
            }
        }
        if c.status == "ok" {
            assert_eq!(j["grade"].as_str(), Some(c.grade.as_str()));
        } else {
            assert!(j["grade"].is_null());
        }
        assert!(j["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(j["coverage"]["security"].is_number());
    }
}

#[test]
fn table_is_aligned_and_summarised() {
    let out = portfolio("table");
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    for h in [
        "id",
        "name",
        "cultural",
        "economic",
        "security",
        "composite",
        "grade",
        "status",
    ] {
        assert!(lines[0].contains(h), "{}", lines[0]);
    }
    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.trim_start().starts_with("10"))
        .collect();
    assert!(rows.len() >= 24);
    // Columns line up: the composite column ends at the same character offset in every row.
    let end = lines[0].find("composite").unwrap() + "composite".len();
    for r in &rows {
        let prefix: String = r.chars().take(end).collect();
        let last = prefix.trim_end().rsplit(' ').next().unwrap();
        assert!(last == "-" || last.parse::<f64>().is_ok(), "{r}");
        assert_eq!(prefix.chars().last(), last.chars().last(), "{r}");
    }
    assert!(text.contains("Dunhuang Mogao digital archive"));
    // Failed rows show their status in the table too.
    let out = run(&[
        "score",
        "--input",
        "tests/vectors/default_records.csv",
        "--format",
        "table",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("insufficient_data:"));
    assert!(stdout(&out).contains("non_finite:"));
    assert!(
        lines.last().unwrap().contains(" rows: "),
        "{}",
        lines.last().unwrap()
    );
}

#[test]
fn output_file_gets_the_scores_and_survives_a_bad_model() {
    let path = tmp("scores.csv");
    let _ = fs::remove_file(&path);
    let out = run(&[
        "score".as_ref(),
        "--input".as_ref(),
        "examples/data/portfolio.csv".as_ref(),
        "--output".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(code(&out), 0);
    assert!(out.stdout.is_empty());
    let written = fs::read_to_string(&path).unwrap();
    assert_eq!(written, stdout(&portfolio("csv")));

    // An unusable model is found before the output is created: the old file stays.
    let out = run(&[
        "score".as_ref(),
        "--model".as_ref(),
        "tests/vectors/invalid_models/floor_zero.toml".as_ref(),
        "--input".as_ref(),
        "examples/data/portfolio.csv".as_ref(),
        "--output".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(code(&out), 2);
    assert_eq!(fs::read_to_string(&path).unwrap(), written);
}

#[test]
fn stdin_input() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkscore"))
        .current_dir(root())
        .args(["score", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let data = fs::read(root().join("examples/data/portfolio.csv")).unwrap();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), stdout(&portfolio("csv")));
}

#[test]
fn help_shows_an_example() {
    let out = run(&["score", "--help"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.contains("silkscore score --input examples/data/portfolio.csv --format table"),
        "{text}"
    );
    assert!(text.contains("Exit status"));
    let out = run(&["--help"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("score"));
}
