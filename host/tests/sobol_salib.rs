//! silkscore's Sobol indices against SALib (the reference implementation of Saltelli 2010 and
//! Jansen) and exact values, from the committed output of `host/tests/reference/sobol_salib.py`
//! (`host/tests/reference/check.sh` regenerates it and checks it is current).
//!
//! * On silkscore's own design evaluations, SALib's estimators give silkscore's numbers to
//!   1e-9: the estimators are the same.
//! * On SALib's own design (an independent estimate of the same indices), the two agree within
//!   their combined 95 % half-widths, and the exact values lie in silkscore's intervals.

use std::f64::consts::PI;
use std::path::PathBuf;

use serde_json::Value;
use silkscore::model::BRI_CULTURAL_V1 as M;
use silkscore_host::portfolio::Portfolio;
use silkscore_host::records::RecordsReader;
use silkscore_host::sensitivity::sobol::{evaluate, indices, sobol, Bootstrap};
use silkscore_host::sensitivity::{
    analyse_portfolio, design_outputs, Settings, SobolIndices, Uncertainty,
};

fn fixture() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/sobol_salib.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// The Ishigami function as `sobol_reference` evaluates it.
fn ishigami(x: &[f64]) -> f64 {
    let u = |k: usize| PI * (2.0 * x[k] - 1.0);
    u(0).sin() + 7.0 * u(1).sin().powi(2) + 0.1 * u(2).powi(4) * u(0).sin()
}

fn portfolio() -> Portfolio {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/portfolio.csv");
    Portfolio::read(RecordsReader::open(&path, &M).unwrap(), &M).unwrap()
}

fn settings(resamples: u32) -> Settings {
    Settings {
        samples: 1024,
        seed: 1,
        uncertainty: Uncertainty::connotation_weights(0.25),
        resamples,
    }
}

const NO_BOOTSTRAP: Bootstrap = Bootstrap {
    resamples: 0,
    seed: 0,
};

fn assert_same(ours: &SobolIndices, salib: &Value, what: &str) {
    let (s1, st) = (numbers(&salib["S1"]), numbers(&salib["ST"]));
    for (k, g) in ours.groups.iter().enumerate() {
        assert!(
            (g.first.value - s1[k]).abs() < 1e-9,
            "{what} S{k}: {} vs SALib {}",
            g.first.value,
            s1[k]
        );
        assert!(
            (g.total.value - st[k]).abs() < 1e-9,
            "{what} ST{k}: {} vs SALib {}",
            g.total.value,
            st[k]
        );
    }
}

#[test]
fn the_fixture_is_for_this_design() {
    let f = fixture();
    assert_eq!(f["n"], 1024);
    assert_eq!(f["seed"], 1);
    assert_eq!(f["portfolio"]["spread"], 0.25);
    assert_eq!(f["portfolio"]["projects"].as_array().unwrap().len(), 28);
}

#[test]
fn salib_s_estimators_on_our_evaluations_give_our_numbers() {
    let f = fixture();
    let y = evaluate(1024, 1, 3, ishigami);
    let ours = indices(&y, 3, &NO_BOOTSTRAP, None).unwrap();
    assert_same(
        &ours,
        &f["ishigami"]["salib_on_silkscore_design"],
        "Ishigami",
    );

    let p = portfolio();
    let d = design_outputs(&M, &p.records(), &settings(0)).unwrap();
    assert_eq!(d.rows, 1024);
    let projects = f["portfolio"]["projects"].as_array().unwrap();
    for ((proj, out), want) in p.projects.iter().zip(&d.outputs).zip(projects) {
        assert_eq!(want["id"], proj.id.as_str());
        let ours = indices(out, 3, &NO_BOOTSTRAP, None).unwrap();
        assert_same(&ours, &want["salib_on_silkscore_design"], &proj.id);
    }
}

/// Checks one index: the exact value in our interval, and our estimate and SALib's on its own
/// design within the sum of the two half-widths.
fn agree(
    ours: &silkscore_host::sensitivity::Estimate,
    exact: f64,
    salib: f64,
    salib_conf: f64,
    what: &str,
    misses: &mut Vec<String>,
) {
    if !ours.contains(exact) {
        misses.push(format!("{what}: exact {exact:.4} not in {ours:?}"));
    }
    if (ours.value - salib).abs() > ours.half_width() + salib_conf {
        misses.push(format!(
            "{what}: {:.4} vs SALib {salib:.4} ± {salib_conf:.4}",
            ours.value
        ));
    }
}

fn compare(ours: &SobolIndices, want: &Value, what: &str, misses: &mut Vec<String>) {
    let exact = [numbers(&want["exact"]["S1"]), numbers(&want["exact"]["ST"])];
    let s = &want["salib_design"];
    let salib = [numbers(&s["S1"]), numbers(&s["ST"])];
    let conf = [numbers(&s["S1_conf"]), numbers(&s["ST_conf"])];
    for (k, g) in ours.groups.iter().enumerate() {
        agree(
            &g.first,
            exact[0][k],
            salib[0][k],
            conf[0][k],
            &format!("{what} S{k}"),
            misses,
        );
        agree(
            &g.total,
            exact[1][k],
            salib[1][k],
            conf[1][k],
            &format!("{what} ST{k}"),
            misses,
        );
    }
}

#[test]
fn our_intervals_hold_the_exact_values_and_agree_with_salib_s_design() {
    let f = fixture();
    let mut misses = Vec::new();
    let ours = sobol(1024, 1, 3, 500, ishigami).unwrap();
    compare(&ours, &f["ishigami"], "Ishigami", &mut misses);

    let p = portfolio();
    let a = analyse_portfolio(&M, &p, &settings(500), &mut |_, _| {}).unwrap();
    let projects = f["portfolio"]["projects"].as_array().unwrap();
    for ((proj, s), want) in p.projects.iter().zip(&a.projects).zip(projects) {
        assert_eq!(want["id"], proj.id.as_str());
        compare(s.sobol.as_ref().unwrap(), want, &proj.id, &mut misses);
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
