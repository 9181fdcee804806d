//! The analyst's toolkit (issue 11) against independent references: the numbers numpy,
//! scipy and pymcdm give for the fixed data of `tests/reference/` (committed in
//! `tests/reference/expected.json` by `tests/reference/reference.py`, which
//! `tests/reference/check.sh` re-runs in CI).
//!
//! The tool reads values as f32 and scores in f32; the references read float64. Tolerances
//! are therefore relative 1e-6 for statistics of raw values, 2e-6 for statistics of the
//! scores s and 2e-5 for anything computed from the indices.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> PathBuf {
    root().join("tests/reference")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(reference().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkscore"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// Asserts |got − want| ≤ tol·max(1, |want|), or both null.
fn near(got: &Value, want: &Value, tol: f64, what: &str) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{what}: silkscore {g} vs reference {w} (tolerance {tol})"
        ),
        (None, None) => assert!(got.is_null() && want.is_null(), "{what}: {got} vs {want}"),
        _ => panic!("{what}: silkscore {got} vs reference {want}"),
    }
}

fn audit_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "audit".to_owned(),
        "--model".to_owned(),
        p(&reference().join("audit_model.toml")),
        "--input".to_owned(),
        p(&reference().join("audit_records.csv")),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let out = run(&args);
    // One row does not parse: it is left out (exit 1) and named on stderr.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("row id 1048 left out"));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn audit_statistics_match_numpy_and_scipy() {
    let want = &expected()["audit"];
    let got = audit_json(&[]);
    assert_eq!(got["rows"], want["rows"]);
    assert_eq!(got["scored"], want["scored"]);
    assert_eq!(got["left_out"], 1);
    let (gi, wi) = (
        got["indicators"].as_array().unwrap(),
        want["indicators"].as_array().unwrap(),
    );
    assert_eq!(gi.len(), wi.len());
    for (g, w) in gi.iter().zip(wi) {
        let id = w["id"].as_str().unwrap();
        assert_eq!(g["id"], w["id"]);
        for key in ["present", "missing", "non_finite"] {
            assert_eq!(g[key], w[key], "{id}.{key}");
        }
        for key in [
            "min", "max", "mean", "sd", "below_lo", "above_hi", "skewness", "kurtosis",
        ] {
            near(&g[key], &w[key], 1e-6, &format!("{id}.{key}"));
        }
        for key in ["own_pearson", "own_spearman"] {
            near(&g[key], &w[key], 2e-5, &format!("{id}.{key}"));
        }
        // COINr's rule, applied to the reference's numbers.
        let outlier =
            w["skewness"].as_f64().unwrap().abs() > 2.0 && w["kurtosis"].as_f64().unwrap() > 3.5;
        assert_eq!(g["outlier"], outlier, "{id}.outlier");
        let negative = w["own_pearson"].as_f64().is_some_and(|r| r < 0.0);
        assert_eq!(g["negative_with_own_index"], negative, "{id}");
    }
    // The data were made so that the rules fire: two outlier columns, a negative one.
    assert!(gi.iter().filter(|i| i["outlier"] == true).count() >= 2);
    assert!(gi.iter().any(|i| i["negative_with_own_index"] == true));

    for (gkey, wkey, section, tol) in [
        ("pearson", "pearson", "correlations", 2e-6),
        ("spearman", "spearman", "correlations", 2e-6),
        ("pearson", "index_pearson", "indices", 2e-5),
        ("spearman", "index_spearman", "indices", 2e-5),
    ] {
        let g = got[section][gkey].as_array().unwrap();
        let w = want[wkey].as_array().unwrap();
        assert_eq!(g.len(), w.len());
        for (j, (gr, wr)) in g.iter().zip(w).enumerate() {
            for (k, (gv, wv)) in gr
                .as_array()
                .unwrap()
                .iter()
                .zip(wr.as_array().unwrap())
                .enumerate()
            {
                near(gv, wv, tol, &format!("{section}.{gkey}[{j}][{k}]"));
            }
        }
    }
    for (g, w) in got["alpha"]
        .as_array()
        .unwrap()
        .iter()
        .zip(want["alpha"].as_array().unwrap())
    {
        assert_eq!(g["connotation"], w["connotation"]);
        assert_eq!(g["items"], w["items"]);
        assert_eq!(g["rows"], w["rows"]);
        near(&g["alpha"], &w["alpha"], 2e-6, "alpha");
    }
}

#[test]
fn suggested_goalposts_are_numpy_percentiles() {
    let want = &expected()["audit"]["goalposts"];
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("toolkit_goalposts");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("suggested.toml");
    let got = audit_json(&["--suggest-goalposts", "p5,p95", "-o", &p(&model)]);
    let text = std::fs::read_to_string(&model).unwrap();
    let written: toml::Table = text.parse().unwrap();
    let inds = written["indicator"].as_array().unwrap();
    for ((g, w), ind) in got["goalposts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(want.as_array().unwrap())
        .zip(inds)
    {
        let id = w["id"].as_str().unwrap();
        assert_eq!(g["kept"], Value::Null, "{id}: {}", g["kept"]);
        near(&g["suggested"][0], &w["p5"], 1e-6, &format!("{id}.lo"));
        near(&g["suggested"][1], &w["p95"], 1e-6, &format!("{id}.hi"));
        let lo = ind["lo"]
            .as_float()
            .or(ind["lo"].as_integer().map(|i| i as f64))
            .unwrap();
        near(
            &Value::from(lo),
            &w["p5"],
            1e-6,
            &format!("{id}: lo in the written model"),
        );
    }
    // The written model is a valid model file.
    let check = run(&["model", "check", &p(&model)]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// `weights … --format csv` as (weight, excluded) per row.
fn weights_csv(args: &[&str]) -> Vec<(String, f64, bool)> {
    let out = run(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| head.iter().position(|h| h == name);
    let (w, x) = (col("weight").unwrap(), col("excluded"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let excluded = x.is_some_and(|x| &rec[x] == "true");
            (rec[0].to_owned(), rec[w].parse().unwrap(), excluded)
        })
        .collect()
}

#[test]
fn critic_matches_pymcdm_on_the_data_and_numpy_on_the_goalposts() {
    let want = &expected()["critic"];
    for (normalise, key) in [("data", "data"), ("goalposts", "goalposts")] {
        let got = weights_csv(&[
            "weights",
            "critic",
            "--model",
            &p(&reference().join("audit_model.toml")),
            "--input",
            &p(&reference().join("critic_records.csv")),
            "--normalise",
            normalise,
            "--format",
            "csv",
        ]);
        let ww = want[key]["weights"].as_array().unwrap();
        let wx = want[key]["excluded"].as_array().unwrap();
        assert_eq!(got.len(), ww.len());
        for ((id, w, x), (rw, rx)) in got.iter().zip(ww.iter().zip(wx)) {
            near(&Value::from(*w), rw, 2e-6, &format!("{normalise}: {id}"));
            assert_eq!(Value::from(*x), *rx, "{normalise}: {id} excluded");
        }
    }
}

#[test]
fn connotation_weights_match_numpy_and_pymcdm() {
    let want = &expected()["across"];
    let base = |method: &str| {
        vec![
            "weights".to_owned(),
            method.to_owned(),
            "--across".to_owned(),
            "--model".to_owned(),
            p(&reference().join("audit_model.toml")),
            "--input".to_owned(),
            p(&reference().join("audit_records.csv")),
            "--format".to_owned(),
            "csv".to_owned(),
        ]
    };
    let mut cases = vec![(base("entropy"), "entropy")];
    let mut data = base("critic");
    data.extend(["--normalise".to_owned(), "data".to_owned()]);
    cases.push((data, "critic_data"));
    cases.push((base("critic"), "critic_goalposts"));
    for (args, key) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = weights_csv(&args);
        let w = want[key].as_array().unwrap();
        assert_eq!(got.len(), 3);
        for ((label, g, _), w) in got.iter().zip(w) {
            near(&Value::from(*g), w, 2e-5, &format!("{key}: {label}"));
        }
    }
}

#[test]
fn ahp_across_matches_numpy_eigenvectors() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("toolkit_ahp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (n, case) in expected()["ahp_across"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let judgments: Vec<String> = case["judgments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap().to_string())
            .collect();
        let file = dir.join(format!("case{n}.txt"));
        std::fs::write(&file, judgments.join(" ")).unwrap();
        let out = run(&[
            "weights",
            "ahp",
            "--across",
            &p(&file),
            "--accept-inconsistent",
            "--format",
            "csv",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut weights = Vec::new();
        let mut cr = None;
        for line in text.lines().skip(1) {
            if let Some(v) = line.strip_prefix("# cr,") {
                cr = Some(v.parse::<f64>().unwrap());
            } else if !line.starts_with('#') {
                weights.push(line.split(',').nth(1).unwrap().parse::<f64>().unwrap());
            }
        }
        for (g, w) in weights.iter().zip(case["weights"].as_array().unwrap()) {
            near(&Value::from(*g), w, 2e-5, &format!("case {n} weight"));
        }
        near(
            &Value::from(cr.unwrap()),
            &case["cr"],
            2e-4,
            &format!("case {n} CR"),
        );
        assert!(text.starts_with("connotation,weight\ncultural,"), "{text}");
    }
}
