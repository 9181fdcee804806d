//! docs/spec.md §5 weights against the independent float64 vectors in `tests/vectors`
//! (`ahp_cases.csv`, `entropy_case*_{records,expected}.csv`), plus properties and error cases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use silkscore::weights;
use silkscore::weights::ahp::{self, ahp, AhpWeights, Consistency};
use silkscore::weights::entropy::{entropy, EntropyWeights};
use silkscore::weights::WeightsError;
use silkscore::{Connotation, Model, Record, BRI_CULTURAL_V1};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn reader(name: &str) -> csv::Reader<std::fs::File> {
    csv::Reader::from_path(vectors().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// ---------------------------------------------------------------------------------------
// AHP
// ---------------------------------------------------------------------------------------

/// `;`-separated list of decimals (empty string = empty list).
fn decimals(s: &str) -> Vec<f32> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(';').map(|v| v.parse::<f32>().unwrap()).collect()
}

/// `;`-separated list of `a` or `a/b` (the host files' fraction syntax, docs/spec.md §8).
fn fractions(s: &str) -> Vec<f32> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(';')
        .map(|v| match v.split_once('/') {
            Some((num, den)) => num.parse::<f32>().unwrap() / den.parse::<f32>().unwrap(),
            None => v.parse::<f32>().unwrap(),
        })
        .collect()
}

#[derive(Debug)]
struct AhpCase {
    case: String,
    n: usize,
    judgments: Vec<f32>,
    judgments_frac: Vec<f32>,
    weights: Vec<f64>,
    lambda_max: Option<f64>,
    ci: Option<f64>,
    cr: Option<f64>,
    status: String,
}

fn ahp_cases() -> Vec<AhpCase> {
    let mut rdr = reader("ahp_cases.csv");
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (c_case, c_n, c_j, c_jf, c_w, c_l, c_ci, c_cr, c_st) = (
        col("case"),
        col("n"),
        col("judgments"),
        col("judgments_frac"),
        col("weights"),
        col("lambda_max"),
        col("ci"),
        col("cr"),
        col("status"),
    );
    let opt = |s: &str| (!s.is_empty()).then(|| s.parse::<f64>().unwrap());
    let cases: Vec<AhpCase> = rdr
        .records()
        .map(|row| {
            let row = row.unwrap();
            AhpCase {
                case: row[c_case].to_string(),
                n: row[c_n].parse().unwrap(),
                judgments: decimals(&row[c_j]),
                judgments_frac: fractions(&row[c_jf]),
                weights: if row[c_w].is_empty() {
                    Vec::new()
                } else {
                    row[c_w].split(';').map(|v| v.parse().unwrap()).collect()
                },
                lambda_max: opt(&row[c_l]),
                ci: opt(&row[c_ci]),
                cr: opt(&row[c_cr]),
                status: row[c_st].to_string(),
            }
        })
        .collect();
    assert!(cases.len() >= 20, "expected the full vector file");
    cases
}

fn check_values(case: &AhpCase, got: &AhpWeights) {
    let id = &case.case;
    assert_eq!(got.n(), case.n, "case {id}: n");
    assert_eq!(
        got.weights().len(),
        case.weights.len(),
        "case {id}: weight count"
    );
    for (j, (g, e)) in got.weights().iter().zip(&case.weights).enumerate() {
        assert!(
            (f64::from(*g) - e).abs() <= 1e-4,
            "case {id}: weight {j}: got {g}, expected {e}"
        );
    }
    let lambda = case.lambda_max.unwrap();
    assert!(
        (f64::from(got.lambda_max()) - lambda).abs() <= 1e-3,
        "case {id}: lambda_max {} vs {lambda}",
        got.lambda_max()
    );
    let ci = case.ci.unwrap();
    assert!(
        (f64::from(got.ci()) - ci).abs() <= 1e-4,
        "case {id}: ci {} vs {ci}",
        got.ci()
    );
    let cr = case.cr.unwrap();
    assert!(
        (f64::from(got.cr()) - cr).abs() <= 1e-4,
        "case {id}: cr {} vs {cr}",
        got.cr()
    );
    let sum: f32 = got.weights().iter().sum();
    assert!((sum - 1.0).abs() < 1e-5, "case {id}: weights sum to {sum}");
}

fn check_case(case: &AhpCase, judgments: &[f32]) {
    let id = &case.case;
    let strict = ahp(judgments, Consistency::Require);
    let lenient = ahp(judgments, Consistency::AcceptInconsistent);
    match case.status.as_str() {
        "ok" => {
            let got = strict.unwrap_or_else(|e| panic!("case {id}: {e}"));
            assert!(got.is_consistent(), "case {id}");
            check_values(case, &got);
            assert_eq!(lenient, Ok(got), "case {id}: acceptance changes nothing");
        }
        "inconsistent" => {
            let got = lenient.unwrap_or_else(|e| panic!("case {id}: {e}"));
            assert!(!got.is_consistent(), "case {id}");
            check_values(case, &got);
            assert_eq!(
                strict,
                Err(WeightsError::Inconsistent { cr: got.cr() }),
                "case {id}: CR > 0.10 without acceptance"
            );
        }
        "invalid" => {
            assert!(strict.is_err(), "case {id}: {strict:?}");
            assert!(
                lenient.is_err(),
                "case {id}: acceptance does not cover invalid input"
            );
            let expected = if ahp::order_for(judgments.len()).is_none() {
                WeightsError::JudgmentCount {
                    found: judgments.len() as u16,
                }
            } else {
                let index = judgments
                    .iter()
                    .position(|v| !(1.0 / 9.0 - 0.001..=9.0).contains(v))
                    .unwrap();
                WeightsError::InvalidJudgment {
                    index: index as u16,
                }
            };
            assert_eq!(strict, Err(expected), "case {id}");
        }
        other => panic!("case {id}: unknown status {other}"),
    }
}

#[test]
fn ahp_matches_vectors() {
    let cases = ahp_cases();
    for status in ["ok", "inconsistent", "invalid"] {
        assert!(cases.iter().any(|c| c.status == status), "no {status} case");
    }
    for case in &cases {
        check_case(case, &case.judgments);
    }
}

#[test]
fn ahp_fraction_judgments_match_decimal_judgments() {
    for case in ahp_cases() {
        assert_eq!(
            case.judgments_frac.len(),
            case.judgments.len(),
            "case {}",
            case.case
        );
        check_case(&case, &case.judgments_frac);
        let decimal = ahp(&case.judgments, Consistency::AcceptInconsistent);
        let fraction = ahp(&case.judgments_frac, Consistency::AcceptInconsistent);
        assert_eq!(decimal, fraction, "case {}", case.case);
    }
}

#[test]
fn fraction_helper() {
    assert_eq!(fractions("1/7;3;1/9"), vec![1.0 / 7.0, 3.0, 1.0 / 9.0]);
    assert_eq!(fractions(""), Vec::<f32>::new());
}

#[test]
fn ahp_count_errors() {
    // n = 16 has 120 judgments: too many indicators.
    assert_eq!(
        ahp(&[1.0; 120], Consistency::AcceptInconsistent),
        Err(WeightsError::JudgmentCount { found: 120 })
    );
    // Counts that are no n(n-1)/2.
    for count in [2usize, 4, 5, 7, 14, 16, 104, 106, 200] {
        assert_eq!(
            ahp(&vec![1.0; count], Consistency::AcceptInconsistent),
            Err(WeightsError::JudgmentCount {
                found: count as u16
            }),
            "count {count}"
        );
    }
    // n = 15 (105 judgments) is the largest.
    let w = ahp(&[1.0; 105], Consistency::Require).unwrap();
    assert_eq!(w.n(), 15);
    assert!(w.weights().iter().all(|x| (x - 1.0 / 15.0).abs() < 1e-6));
    assert_eq!(ahp::judgment_count(15), Some(105));
    assert_eq!(ahp::judgment_count(0), None);
    assert_eq!(ahp::judgment_count(16), None);
    // The count is checked before the values.
    assert_eq!(
        ahp(&[f32::NAN; 4], Consistency::Require),
        Err(WeightsError::JudgmentCount { found: 4 })
    );
}

#[test]
fn ahp_judgment_errors() {
    let bad = [
        0.0,
        10.0,
        9.0001,
        -1.0,
        -3.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1.0 / 9.0 - 0.0015,
        0.1,
    ];
    for v in bad {
        for position in 0..3 {
            let mut j = [1.0f32; 3];
            j[position] = v;
            assert_eq!(
                ahp(&j, Consistency::AcceptInconsistent),
                Err(WeightsError::InvalidJudgment {
                    index: position as u16
                }),
                "value {v} at {position}"
            );
        }
    }
    // The first bad one is named.
    assert_eq!(
        ahp(&[1.0, 0.0, 10.0, 1.0, 1.0, 1.0], Consistency::Require),
        Err(WeightsError::InvalidJudgment { index: 1 })
    );
    // The bounds themselves are fine.
    assert!(ahp(&[9.0], Consistency::Require).is_ok());
    assert!(ahp(&[1.0 / 9.0], Consistency::Require).is_ok());
}

#[test]
fn ahp_snaps_near_one_ninth() {
    let exact = ahp(&[1.0 / 9.0], Consistency::Require).unwrap();
    assert!((exact.weights()[0] - 0.1).abs() < 1e-6);
    assert!((exact.weights()[1] - 0.9).abs() < 1e-6);
    for v in [
        1.0 / 9.0 - 0.0005,
        1.0 / 9.0 - 0.000999,
        0.111,
        1.0 / 9.0 + 0.0005,
        0.1112,
    ] {
        let got = ahp(&[v], Consistency::Require).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(got, exact, "{v} counts as 1/9");
    }
    // Snapping inside a larger matrix: 0.1106 reads as 1/9 and its reciprocal as 9.
    let a = ahp(&[0.1106, 1.0, 9.0], Consistency::AcceptInconsistent).unwrap();
    let b = ahp(&[1.0 / 9.0, 1.0, 9.0], Consistency::AcceptInconsistent).unwrap();
    assert_eq!(a, b);
}

#[test]
fn ahp_small_orders_have_zero_cr() {
    let one = ahp(&[], Consistency::Require).unwrap();
    assert_eq!(one.n(), 1);
    assert_eq!(one.weights(), &[1.0]);
    assert_eq!(one.lambda_max(), 1.0);
    assert_eq!((one.ci(), one.cr()), (0.0, 0.0));
    assert_eq!(one.iterations(), 0);
    let two = ahp(&[9.0], Consistency::Require).unwrap();
    assert_eq!((two.ci(), two.cr()), (0.0, 0.0));
    assert!((two.lambda_max() - 2.0).abs() < 1e-5);
    assert!((two.weights()[0] - 0.9).abs() < 1e-6);
    assert_eq!(two.weight(1), Some(two.weights()[1]));
    assert_eq!(two.weight(2), None);
}

#[test]
fn ahp_iteration_stops_early_when_converged() {
    // A consistent matrix is an eigenvector problem solved in one step from the uniform vector
    // only if the weights are uniform; otherwise it still converges well within the cap.
    let w = ahp(&[2.0, 4.0, 8.0, 2.0, 4.0, 2.0], Consistency::Require).unwrap();
    assert!(w.iterations() >= 1 && w.iterations() < ahp::MAX_ITERATIONS);
    let uniform = ahp(&[1.0; 10], Consistency::Require).unwrap();
    assert_eq!(uniform.iterations(), 1);
}

#[test]
fn ahp_apply_to_connotation() {
    // A consistent 6-indicator matrix with weights proportional to 6, 5, 4, 3, 2, 1.
    let target = [6.0f32, 5.0, 4.0, 3.0, 2.0, 1.0];
    let mut judgments = Vec::new();
    for j in 0..6 {
        for k in (j + 1)..6 {
            judgments.push(target[j] / target[k]);
        }
    }
    let w = ahp(&judgments, Consistency::Require).unwrap();
    for c in Connotation::ALL {
        let model = ahp::apply_to_connotation(&BRI_CULTURAL_V1, c, &w).unwrap();
        let mut k = 0;
        for (ind, before) in model.indicators().iter().zip(BRI_CULTURAL_V1.indicators()) {
            if ind.connotation == c {
                assert!((ind.weight - target[k] / 21.0).abs() < 1e-5, "{c:?} {k}");
                k += 1;
            } else {
                assert_eq!(ind.weight, before.weight);
            }
        }
        assert_eq!(k, 6);
        assert_ne!(model.fingerprint(), BRI_CULTURAL_V1.fingerprint());
    }
    // Mismatched length.
    let three = ahp(&[1.0; 3], Consistency::Require).unwrap();
    assert_eq!(
        ahp::apply_to_connotation(&BRI_CULTURAL_V1, Connotation::Cultural, &three),
        Err(WeightsError::ConnotationSize {
            connotation: Connotation::Cultural,
            expected: 6,
            found: 3
        })
    );
}

/// Upper triangle of a_jk = w_j / w_k.
fn consistent_judgments(w: &[f64]) -> Vec<f32> {
    let mut out = Vec::new();
    for j in 0..w.len() {
        for k in (j + 1)..w.len() {
            out.push((w[j] / w[k]) as f32);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (h) A perfectly consistent matrix gives back its generating weights, with CR ≈ 0.
    /// Weights are drawn from [1, 8.9] so every ratio lies in [1/8.9, 8.9], inside [1/9, 9]
    /// and clear of the 1/9 snapping band.
    #[test]
    fn ahp_recovers_consistent_weights(w in prop::collection::vec(1.0f64..8.9, 1..=15)) {
        let judgments = consistent_judgments(&w);
        let got = ahp(&judgments, Consistency::Require).unwrap();
        prop_assert_eq!(got.n(), w.len());
        let total: f64 = w.iter().sum();
        for (g, e) in got.weights().iter().zip(&w) {
            prop_assert!((f64::from(*g) - e / total).abs() < 1e-4, "{} vs {}", g, e / total);
        }
        prop_assert!(got.cr() < 1e-4, "cr {}", got.cr());
        prop_assert!(got.cr() >= 0.0);
        prop_assert!((f64::from(got.lambda_max()) - w.len() as f64).abs() < 1e-3);
    }

    /// Any valid judgments give positive weights summing to 1, and a finite CR ≥ 0.
    #[test]
    fn ahp_any_valid_judgments(n in 1usize..=15, seed in prop::collection::vec(-1.0f32..1.0, 105)) {
        let count = n * (n - 1) / 2;
        // Map [-1, 1] to [1/9, 9] log-uniformly.
        let judgments: Vec<f32> = seed.iter().take(count).map(|s| 9f32.powf(*s).clamp(1.0 / 9.0, 9.0)).collect();
        let got = ahp(&judgments, Consistency::AcceptInconsistent).unwrap();
        let sum: f32 = got.weights().iter().sum();
        prop_assert!((sum - 1.0).abs() < 1e-5);
        prop_assert!(got.weights().iter().all(|w| *w > 0.0));
        prop_assert!(got.cr().is_finite() && got.cr() >= 0.0);
        prop_assert!(got.lambda_max() >= n as f32 - 1e-3);
    }
}

// ---------------------------------------------------------------------------------------
// Entropy
// ---------------------------------------------------------------------------------------

/// Reads a records file (`id`, then indicator columns by header name) for `model`.
fn read_records(name: &str, model: &Model) -> Vec<Record> {
    let mut rdr = reader(name);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let positions: Vec<usize> = headers
        .iter()
        .skip(1)
        .map(|h| {
            model
                .position(h)
                .unwrap_or_else(|| panic!("{name}: column {h}"))
        })
        .collect();
    assert_eq!(
        positions.len(),
        model.len(),
        "{name}: every indicator present"
    );
    rdr.records()
        .map(|row| {
            let row = row.unwrap();
            let mut r = Record::new(row[0].parse().unwrap(), model.len());
            for (cell, &pos) in row.iter().skip(1).zip(&positions) {
                let cell = cell.trim();
                if !cell.is_empty() {
                    r.set(pos, cell.parse().unwrap()).unwrap();
                }
            }
            r
        })
        .collect()
}

struct EntropyExpected {
    connotation: String,
    e: f64,
    d: f64,
    weight: f64,
    fallback: bool,
}

fn read_entropy_expected(name: &str) -> HashMap<String, EntropyExpected> {
    let mut rdr = reader(name);
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (ci, cc, ce, cd, cw, cf) = (
        col("indicator"),
        col("connotation"),
        col("e"),
        col("d"),
        col("weight"),
        col("fallback"),
    );
    rdr.records()
        .map(|row| {
            let row = row.unwrap();
            let fallback = match &row[cf] {
                "true" => true,
                "false" => false,
                other => panic!("fallback {other}"),
            };
            (
                row[ci].to_string(),
                EntropyExpected {
                    connotation: row[cc].to_string(),
                    e: row[ce].parse().unwrap(),
                    d: row[cd].parse().unwrap(),
                    weight: row[cw].parse().unwrap(),
                    fallback,
                },
            )
        })
        .collect()
}

fn check_entropy_case(case: &str, expected_records: usize) -> EntropyWeights {
    let model = &BRI_CULTURAL_V1;
    let records = read_records(&format!("{case}_records.csv"), model);
    assert_eq!(records.len(), expected_records, "{case}");
    let expected = read_entropy_expected(&format!("{case}_expected.csv"));
    assert_eq!(expected.len(), model.len(), "{case}");
    let got = entropy(model, &records).unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(got.len(), model.len());
    assert_eq!(got.records(), records.len());
    for (j, ind) in model.indicators().iter().enumerate() {
        let id = ind.id.as_str();
        let x = &expected[id];
        assert_eq!(x.connotation, ind.connotation.as_str(), "{case} {id}");
        let (e, d, w) = (got.entropies()[j], got.divergences()[j], got.weights()[j]);
        assert!(
            (f64::from(e) - x.e).abs() <= 1e-4,
            "{case} {id}: e {e} vs {}",
            x.e
        );
        assert!(
            (f64::from(d) - x.d).abs() <= 1e-4,
            "{case} {id}: d {d} vs {}",
            x.d
        );
        assert!(
            (f64::from(w) - x.weight).abs() <= 1e-3,
            "{case} {id}: weight {w} vs {}",
            x.weight
        );
        assert_eq!(
            got.fallback(ind.connotation),
            x.fallback,
            "{case} {id}: fallback"
        );
    }
    // Weights sum to 1 within each connotation, and the model takes them.
    for c in Connotation::ALL {
        let sum: f32 = model
            .indicators()
            .iter()
            .zip(got.weights())
            .filter(|(i, _)| i.connotation == c)
            .map(|(_, w)| w)
            .sum();
        assert!((sum - 1.0).abs() < 1e-5, "{case} {c:?}: {sum}");
    }
    let weighted = got.to_model(model).unwrap();
    for (ind, w) in weighted.indicators().iter().zip(got.weights()) {
        assert_eq!(ind.weight, *w);
    }
    got
}

#[test]
fn entropy_case1_matches_vectors() {
    let got = check_entropy_case("entropy_case1", 60);
    assert!(!got.any_fallback());
}

#[test]
fn entropy_case2_matches_vectors() {
    let got = check_entropy_case("entropy_case2", 25);
    assert!(got.fallback(Connotation::Economic));
    assert!(!got.fallback(Connotation::Cultural));
    assert!(!got.fallback(Connotation::Security));
    // Σ_i s_ij = 0 for every economic indicator: e = 1, d = 0 exactly.
    for (ind, (e, d)) in BRI_CULTURAL_V1
        .indicators()
        .iter()
        .zip(got.entropies().iter().zip(got.divergences()))
    {
        if ind.connotation == Connotation::Economic {
            assert_eq!((*e, *d), (1.0, 0.0), "{}", ind.id.as_str());
        }
    }
}

fn full_record(id: u32, v: f32) -> Record {
    Record::from_values(id, &[Some(v); 18]).unwrap()
}

#[test]
fn entropy_too_few_records() {
    assert_eq!(
        entropy(&BRI_CULTURAL_V1, &[]),
        Err(WeightsError::TooFewRecords { found: 0 })
    );
    assert_eq!(
        entropy(&BRI_CULTURAL_V1, &[full_record(1, 3.0)]),
        Err(WeightsError::TooFewRecords { found: 1 })
    );
}

#[test]
fn entropy_incomplete_records() {
    let model = &BRI_CULTURAL_V1;
    let records = read_records("entropy_case1_records.csv", model);
    for (r, j) in [(0usize, 0usize), (7, 17), (59, 9), (30, 12)] {
        let mut missing = records.clone();
        missing[r].set_missing(j).unwrap();
        assert_eq!(
            entropy(model, &missing),
            Err(WeightsError::IncompleteRecord {
                record: r,
                indicator: j as u8
            }),
            "missing {r} {j}"
        );
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut nonfinite = records.clone();
            nonfinite[r].set(j, bad).unwrap();
            assert_eq!(
                entropy(model, &nonfinite),
                Err(WeightsError::IncompleteRecord {
                    record: r,
                    indicator: j as u8
                }),
                "{bad} at {r} {j}"
            );
        }
    }
    // The first problem wins: record order, then model order.
    let mut two = records.clone();
    two[5].set_missing(10).unwrap();
    two[5].set(3, f32::NAN).unwrap();
    two[2].set_missing(17).unwrap();
    assert_eq!(
        entropy(model, &two),
        Err(WeightsError::IncompleteRecord {
            record: 2,
            indicator: 17
        })
    );
}

#[test]
fn entropy_record_length() {
    let short = Record::from_values(2, &[Some(1.0); 17]).unwrap();
    assert_eq!(
        entropy(&BRI_CULTURAL_V1, &[full_record(1, 1.0), short]),
        Err(WeightsError::RecordLength {
            expected: 18,
            found: 17
        })
    );
}

#[test]
fn entropy_equal_columns_have_zero_divergence() {
    let model = &BRI_CULTURAL_V1;
    let mut records = read_records("entropy_case1_records.csv", model);
    // Column 4 constant inside the goalposts, column 13 above hi in every record (all s = 1,
    // though the raw values differ), column 17 all at the worst goalpost (all s = 0).
    for (i, r) in records.iter_mut().enumerate() {
        r.set(4, 37.5).unwrap();
        r.set(13, 2000.0 + i as f32).unwrap();
        r.set(17, 10.0).unwrap();
    }
    let got = entropy(model, &records).unwrap();
    for j in [4, 13, 17] {
        assert_eq!(got.entropies()[j], 1.0, "e {j}");
        assert_eq!(got.divergences()[j], 0.0, "d {j}");
        assert_eq!(got.weights()[j], 0.0, "w {j}");
    }
    assert!(!got.any_fallback());
    // A column that varies only slightly is not "all equal": its d is small but positive.
    for (i, r) in records.iter_mut().enumerate() {
        r.set(5, 50.0 + (i % 3) as f32 * 0.5).unwrap();
    }
    let slight = entropy(model, &records).unwrap();
    assert!(slight.divergences()[5] > 0.0 && slight.divergences()[5] < 1e-3);
    assert!(slight.weights()[5] > 0.0);
    // Every divergence is in [0, 1] and every entropy too.
    assert!(got.entropies().iter().all(|e| (0.0..=1.0).contains(e)));
    assert!(got.divergences().iter().all(|d| (0.0..=1.0).contains(d)));
}

#[test]
fn entropy_all_constant_falls_back_everywhere() {
    let records = [
        full_record(1, 5.0),
        full_record(2, 5.0),
        full_record(3, 5.0),
    ];
    let got = entropy(&BRI_CULTURAL_V1, &records).unwrap();
    for c in Connotation::ALL {
        assert!(got.fallback(c));
    }
    assert!(got.weights().iter().all(|w| (w - 1.0 / 6.0).abs() < 1e-7));
    assert!(got.divergences().iter().all(|d| *d == 0.0));
}

#[test]
fn entropy_two_records_one_zero() {
    // m = 2 with s = (0, 1) in a column: p = (0, 1), e = 0 exactly (0·ln 0 = 0), d = 1.
    let a = full_record(1, 0.0);
    let b = full_record(2, 1.0e7);
    let got = entropy(&BRI_CULTURAL_V1, &[a, b]).unwrap();
    assert_eq!(got.entropies()[0], 0.0);
    assert_eq!(got.divergences()[0], 1.0);
}

#[test]
fn entropy_perturbed_record_changes_weights() {
    // The vectors pin the formula; also make sure the records really drive the result.
    let model = &BRI_CULTURAL_V1;
    let records = read_records("entropy_case1_records.csv", model);
    let base = entropy(model, &records).unwrap();
    let mut changed = records.clone();
    changed[0].set(0, 9000.0).unwrap();
    let other = entropy(model, &changed).unwrap();
    assert!((base.entropies()[0] - other.entropies()[0]).abs() > 1e-4);
    assert_eq!(base.entropies()[1], other.entropies()[1]);
}

// ---------------------------------------------------------------------------------------
// Equal and explicit weights
// ---------------------------------------------------------------------------------------

#[test]
fn equal_weights_reset_every_indicator() {
    let mut w = [0.5f32; 18];
    w[3] = 7.0;
    w[17] = 0.0;
    let skewed = BRI_CULTURAL_V1.with_indicator_weights(&w).unwrap();
    assert_ne!(skewed, BRI_CULTURAL_V1);
    let eq = weights::equal(&skewed).unwrap();
    assert!(eq.indicators().iter().all(|i| i.weight == 1.0));
    assert_eq!(eq.params(), skewed.params());
    assert_eq!(eq, BRI_CULTURAL_V1);
}
