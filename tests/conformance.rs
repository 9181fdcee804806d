//! Conformance (docs/spec.md): every public vector in `tests/vectors/` (copied from the
//! conformance vectors of the specification), scored through the library, within 0.005
//! points; grades and statuses exact; rows in input order.

mod common;

use common::*;
use silkscore::{score, Model};

fn check(model: &Model, records: &str, expected: &str) -> usize {
    let rows = load_records(&vectors().join(records), model);
    let exp = load_expected(&vectors().join(expected));
    assert_eq!(rows.len(), exp.len(), "{records}: row count");
    let mut failures = Vec::new();
    for (row, e) in rows.iter().zip(&exp) {
        assert_eq!(row.id, e.id, "{records}: rows out of order");
        let (status, got) = match &row.record {
            Err(col) => (format!("parse:{col}"), None),
            Ok(rec) => match score(model, rec) {
                Ok(s) => ("ok".to_string(), Some(s)),
                Err(err) => (status_of(model, &err), None),
            },
        };
        if status != e.status {
            failures.push(format!(
                "id {}: status {status}, expected {}",
                e.id, e.status
            ));
            continue;
        }
        match (got, e.values) {
            (Some(s), Some(v)) => {
                let gotv = s.values();
                for k in 0..4 {
                    let d = (gotv[k] as f64 - v[k]).abs();
                    if d > 0.005 {
                        failures.push(format!(
                            "id {}: value {k} = {}, expected {} (diff {d})",
                            e.id, gotv[k], v[k]
                        ));
                    }
                }
                if s.grade.as_str() != e.grade {
                    failures.push(format!(
                        "id {}: grade {:?}, expected {}",
                        e.id, s.grade, e.grade
                    ));
                }
            }
            (None, None) => assert!(e.grade.is_empty()),
            _ => failures.push(format!("id {}: score presence differs", e.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{records}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    rows.len()
}

#[test]
fn default_model_toml_equals_builtin() {
    let m = load_model(&vectors().join("bri-cultural-v1.toml")).unwrap();
    assert_eq!(m, silkscore::BRI_CULTURAL_V1);
    assert_eq!(m.fingerprint(), silkscore::BRI_CULTURAL_V1.fingerprint());
}

#[test]
fn default_vectors() {
    assert_eq!(
        check(
            &silkscore::BRI_CULTURAL_V1,
            "default_records.csv",
            "default_expected.csv"
        ),
        200
    );
}

#[test]
fn custom5_vectors() {
    let m = load_model(&vectors().join("custom5.toml")).unwrap();
    assert_eq!(
        check(&m, "custom5_records.csv", "custom5_expected.csv"),
        150
    );
}

#[test]
fn custom32_vectors() {
    let m = load_model(&vectors().join("custom32.toml")).unwrap();
    assert_eq!(m.len(), 32);
    assert_eq!(
        check(&m, "custom32_records.csv", "custom32_expected.csv"),
        150
    );
}

#[test]
fn invalid_models_are_rejected() {
    let dir = vectors().join("invalid_models");
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("manifest.csv"))
        .unwrap();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let res = load_model(&dir.join(&r[0]));
        assert!(res.is_err(), "{} should be rejected ({})", &r[0], &r[2]);
        n += 1;
    }
    assert_eq!(n, 16);
}

#[test]
fn huge_weights_are_refused_not_overflowed() {
    // Found by the `score` fuzz target: a finite weight near f32::MAX overflowed w·ln(s).
    use silkscore::{ModelField, ModelParams};
    let m = &silkscore::BRI_CULTURAL_V1;
    let mut w: Vec<f32> = m.indicators().iter().map(|i| i.weight).collect();
    w[0] = 3.0e38;
    assert!(matches!(
        m.with_indicator_weights(&w),
        Err(silkscore::ModelError {
            field: ModelField::Indicator { index: 0, .. },
            ..
        })
    ));
    w[0] = 1.0e30;
    let geo = m
        .with_indicator_weights(&w)
        .unwrap()
        .with_params(ModelParams {
            within: silkscore::Aggregation::Geometric,
            ..*m.params()
        })
        .unwrap();
    let mut r = silkscore::Record::new(1, m.len());
    for i in 0..m.len() {
        r.set(i, 5.0).unwrap();
    }
    let s = score(&geo, &r).unwrap();
    assert!(s.cultural > 0.0 && s.cultural.is_finite());
    let mut p = *m.params();
    p.weights = [3.0e38, 1.0, 1.0];
    assert!(m.with_params(p).is_err());
}
