//! Unit tests of the analysis as a whole (the estimators, the design and the uncertainty file
//! have their own next to them; the comparison with exact values is `host/tests/sobol_exact.rs`).

use super::*;
use crate::portfolio::Project;
use silkscore::model::{Aggregation, ModelParams, BRI_CULTURAL_V1 as M};
use std::string::{String, ToString};

/// A record of the default model whose values grow with `k`, with per-connotation twists.
fn record(k: u32, twist: [f32; 3]) -> Record {
    let values: Vec<Option<f32>> = M
        .indicators()
        .iter()
        .map(|ind| {
            let t = twist[ind.connotation.index()];
            let frac = ((k as f32 * 0.11 + t) % 1.0).abs();
            Some(ind.lo + frac * (ind.hi - ind.lo) * 0.5)
        })
        .collect();
    Record::from_values(k, &values).unwrap()
}

fn portfolio(n: u32) -> Vec<Record> {
    (0..n)
        .map(|k| record(k, [0.1 * k as f32, 0.37 * k as f32, 0.73 * k as f32]))
        .collect()
}

fn settings(samples: u32, uncertainty: Uncertainty) -> Settings {
    Settings {
        samples,
        resamples: 100,
        uncertainty,
        ..Settings::DEFAULT
    }
}

fn run(model: &Model, records: &[Record], s: &Settings) -> Analysis {
    analyse(model, records, s, &mut |_, _| {}).unwrap()
}

#[test]
fn zero_spread_reproduces_the_nominal_ranking_in_every_draw() {
    let records = portfolio(12);
    let a = run(&M, &records, &settings(64, Uncertainty::weights(0.0)));
    for p in &a.projects {
        assert_eq!(
            (p.p5_rank, p.median_rank, p.p95_rank),
            (p.nominal_rank, p.nominal_rank, p.nominal_rank)
        );
        assert_eq!(p.failed_samples, 0);
        assert!(p.sobol.is_none(), "no spread, no variance");
    }
    assert_eq!(a.sobol_mean, None);
    let mut ranks: Vec<u32> = a.projects.iter().map(|p| p.nominal_rank).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=12).collect::<Vec<_>>());
}

#[test]
fn analysis_is_reproducible_and_depends_on_the_seed() {
    let records = portfolio(15);
    let s = settings(256, Uncertainty::weights(0.25));
    let mut calls = 0;
    let mut last = (0, 0);
    let a = analyse(&M, &records, &s, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
        last = (done, total);
    })
    .unwrap();
    assert!(calls > 0);
    assert_eq!(last, (256 + 15, 256 + 15), "one block: rows, then projects");
    assert_eq!(a, run(&M, &records, &s));
    let b = run(&M, &records, &Settings { seed: 2, ..s });
    assert_ne!(a.sobol_mean, b.sobol_mean);
    assert_eq!((a.samples_used, a.samples_skipped), (256, 0));
    let mean = a.sobol_mean.unwrap();
    assert_eq!(mean.groups.len(), 4);
    for g in &mean.groups {
        assert!((-0.1..=1.1).contains(&g.first.value) && (-0.1..=1.1).contains(&g.total.value));
        assert!(g.first.low <= g.first.high);
    }
}

#[test]
fn results_do_not_depend_on_the_block_size() {
    let records = portfolio(7);
    let u = Uncertainty::parse("weights = 0.3\nacross = true\ngoalposts = 0.1\n").unwrap();
    let s = settings(128, u);
    let whole = run(&M, &records, &s);
    // Room for two projects' outputs at a time: four blocks.
    let stride = whole.groups.len() + 2;
    let mut calls = 0u64;
    let blocked = analyse_items(
        &M,
        &records,
        |r| r,
        &s,
        2 * 128 * stride * 4,
        &mut |_, t| {
            calls += 1;
            assert_eq!(t, 4 * 128 + 7);
        },
    )
    .unwrap();
    assert!(calls > 0);
    assert_eq!(whole, blocked);
}

#[test]
fn a_zero_weight_connotation_has_zero_sobol_indices() {
    // Security weighted 0: its drawn weight stays 0, so it explains nothing, and the
    // cultural and economic weights (arithmetic across, additive in their ratio) share
    // the whole variance.
    let params = ModelParams {
        across: Aggregation::Arithmetic,
        weights: [1.0, 1.0, 0.0],
        ..ModelParams::DEFAULT
    };
    let model = M.with_params(params).unwrap();
    let records = portfolio(6);
    let a = run(
        &model,
        &records,
        &settings(2048, Uncertainty::connotation_weights(0.5)),
    );
    assert!(a.sobol_projects > 0);
    for s in a.projects.iter().filter_map(|p| p.sobol.as_ref()) {
        let [c, e, sec] = [&s.groups[0], &s.groups[1], &s.groups[2]];
        assert_eq!((sec.first.value, sec.total.value), (0.0, 0.0));
        assert_eq!((sec.first.low, sec.first.high), (0.0, 0.0));
        assert!(
            (c.total.value - e.total.value).abs() < 0.05,
            "symmetric: {s:?}"
        );
        assert!((c.first.value + e.first.value - 1.0).abs() < 0.05, "{s:?}");
    }
}

#[test]
fn a_project_with_three_equal_indices_has_no_sobol_indices() {
    // Every indicator halfway between its goalposts (on the transformed scale): all three
    // indices are 0.5, so the arithmetic composite is 50 whatever the connotation weights.
    let params = ModelParams {
        across: Aggregation::Arithmetic,
        ..ModelParams::DEFAULT
    };
    let model = M.with_params(params).unwrap();
    let values: Vec<Option<f32>> = M
        .indicators()
        .iter()
        .map(|ind| {
            Some(match ind.transform {
                silkscore::Transform::Log => ((1.0 + ind.lo) * (1.0 + ind.hi)).sqrt() - 1.0,
                silkscore::Transform::Ln => (ind.lo * ind.hi).sqrt(),
                silkscore::Transform::Lin => 0.5 * (ind.lo + ind.hi),
            })
        })
        .collect();
    let flat = Record::from_values(99, &values).unwrap();
    let mut records = portfolio(3);
    records.push(flat);
    let a = run(
        &model,
        &records,
        &settings(128, Uncertainty::connotation_weights(0.25)),
    );
    assert!((a.projects[3].nominal_composite - 50.0).abs() < 1e-3);
    assert_eq!(a.projects[3].sobol, None);
    assert!(a.projects[..3].iter().all(|p| p.sobol.is_some()));
    assert_eq!(a.sobol_projects, 3);
}

#[test]
fn identical_projects_tie_in_every_draw() {
    // Projects 0 and 3 have the same record: the same composite bits in every draw, so the
    // same rank (shared, competition style) in every draw, whatever varies.
    let mut records = portfolio(6);
    records[3] = Record::from_values(77, &{
        let mut v = Vec::new();
        for i in 0..M.len() {
            v.push(records[0].get(i));
        }
        v
    })
    .unwrap();
    let u = Uncertainty::parse(
        "weights = 0.5\nindicator_weights = 0.5\nwithin = true\ngoalposts = 0.2\n",
    )
    .unwrap();
    let a = run(&M, &records, &settings(256, u));
    let (p, q) = (&a.projects[0], &a.projects[3]);
    assert_eq!(p.nominal_composite.to_bits(), q.nominal_composite.to_bits());
    assert_eq!(
        (p.nominal_rank, p.p5_rank, p.median_rank, p.p95_rank),
        (q.nominal_rank, q.p5_rank, q.median_rank, q.p95_rank)
    );
    // The rank after the pair skips one (1224): no other project has the pair's rank + 1
    // as its nominal rank.
    let r = p.nominal_rank;
    assert!(a.projects.iter().all(|o| o.nominal_rank != r + 1));
    // Listing order keeps input order among the tied.
    let order = a.by_nominal_rank();
    let pos = |i| order.iter().position(|&k| k == i).unwrap();
    assert_eq!(pos(3), pos(0) + 1);
}

#[test]
fn every_assumption_can_vary_and_has_its_group() {
    let records = portfolio(10);
    let u = Uncertainty::parse(
        "weights = 0.25\nindicator_weights = 0.25\nwithin = true\nacross = true\n\
         floor = [0.001, 0.1]\nmin_coverage = [0.2, 0.6]\ngoalposts = 0.1\n",
    )
    .unwrap();
    let a = run(&M, &records, &settings(512, u));
    let names: Vec<&str> = a.groups.iter().map(|g| g.input.name()).collect();
    assert_eq!(names.len(), 9);
    let mean = a.sobol_mean.as_ref().unwrap();
    assert_eq!(mean.groups.len(), 9);
    let by = |name: &str| &mean.groups[names.iter().position(|n| *n == name).unwrap()];
    // Every record is complete: the minimum coverage changes nothing.
    let mc = by("min_coverage");
    assert!(
        mc.total.value.abs() < 1e-9 && mc.first.value.abs() < 1e-9,
        "{mc:?}"
    );
    // The aggregation across (geometric vs arithmetic) and the goalposts move composites.
    assert!(by("across").total.value > 0.01, "{mean:?}");
    assert!(by("goalposts").total.value > 0.01, "{mean:?}");
    // Totals are at least the first-order indices, up to noise.
    for g in &mean.groups {
        assert!(g.total.value >= g.first.value - 0.05, "{g:?}");
    }
}

#[test]
fn an_uncertain_minimum_coverage_drops_projects_in_some_draws() {
    // Project 0 misses half of its cultural indicators: coverage 0.5. With the minimum
    // coverage drawn from [0.3, 0.7] it fails in about half the draws, ranking last there.
    let mut records = portfolio(5);
    let mut values: Vec<Option<f32>> = (0..M.len()).map(|i| records[0].get(i)).collect();
    for v in values.iter_mut().take(3) {
        *v = None;
    }
    // Best on everything else, so that its nominal rank is not already last.
    for (v, ind) in values.iter_mut().zip(M.indicators()).skip(3) {
        *v = Some(match ind.direction {
            silkscore::Direction::Benefit => ind.hi,
            silkscore::Direction::Cost => ind.lo,
        });
    }
    records[0] = Record::from_values(0, &values).unwrap();
    let u = Uncertainty::parse("min_coverage = [0.3, 0.7]\n").unwrap();
    let a = run(&M, &records, &settings(256, u));
    let p = &a.projects[0];
    assert_eq!(p.nominal_rank, 1);
    assert!((100..=156).contains(&p.failed_samples), "{p:?}");
    assert_eq!(p.p95_rank, 5, "last when left out");
    assert_eq!(p.p5_rank, 1);
    let s = p.sobol.as_ref().unwrap();
    assert!(
        s.groups[0].first.value > 0.9,
        "the gate is all that varies: {s:?}"
    );
    // Where it is left out it counts as composite 0, and only there.
    let d = design_outputs(&M, &records, &settings(256, u)).unwrap();
    let zeros = d.outputs[0]
        .iter()
        .step_by(3)
        .filter(|v| **v == 0.0)
        .count();
    assert_eq!(zeros as u32, p.failed_samples);
    assert!(d.outputs[0]
        .iter()
        .all(|v| *v == 0.0 || (*v - p.nominal_composite).abs() < 1e-3));
    assert!(a.projects[1..]
        .iter()
        .all(|p| p.failed_samples == 0 && p.sobol.is_none()));
}

#[test]
fn errors_are_reported() {
    let records = portfolio(3);
    let go = |s: Settings, r: &[Record]| analyse(&M, r, &s, &mut |_, _| {});
    assert_eq!(
        go(Settings::DEFAULT, &[]),
        Err(SensitivityError::NoProjects)
    );
    let zero = Settings {
        samples: 0,
        ..Settings::DEFAULT
    };
    assert_eq!(go(zero, &records), Err(SensitivityError::NoSamples));
    let many = Settings {
        samples: MAX_ROWS + 1,
        ..Settings::DEFAULT
    };
    assert_eq!(
        go(many, &records),
        Err(SensitivityError::TooManySamples(MAX_ROWS + 1))
    );
    let wide = settings(16, Uncertainty::weights(1.5));
    assert!(matches!(
        go(wide, &records),
        Err(SensitivityError::Uncertainty {
            field: "weights",
            ..
        })
    ));
    let nan = settings(16, Uncertainty::weights(f64::NAN));
    assert!(matches!(
        go(nan, &records),
        Err(SensitivityError::Uncertainty { .. })
    ));
    let nothing = settings(16, Uncertainty::default());
    assert_eq!(go(nothing, &records), Err(SensitivityError::NothingVaries));
    let big: Vec<Record> = (0..1025).map(|k| record(k, [0.0; 3])).collect();
    let e = go(settings(MAX_ROWS, Uncertainty::weights(0.1)), &big).unwrap_err();
    assert!(
        matches!(e, SensitivityError::TooLarge { max_samples, .. } if max_samples == MAX_RANK_ENTRIES / 1025)
    );
    assert!(e.to_string().contains("at most"));
    let mut bad = records.clone();
    bad[1] = Record::new(9, M.len());
    assert!(matches!(
        go(settings(16, Uncertainty::weights(0.1)), &bad),
        Err(SensitivityError::Nominal { index: 1, .. })
    ));
}

#[test]
fn a_portfolio_is_analysed_in_place_as_its_records() {
    let text = "id,name,talent_exchange\n1,a,5\n";
    let reader = crate::records::RecordsReader::from_reader(text.as_bytes(), "p.csv", &M);
    let mut read = Portfolio::read(reader.unwrap(), &M).unwrap();
    // Give it some projects that score.
    read.projects = portfolio(9)
        .into_iter()
        .enumerate()
        .map(|(k, record)| Project {
            line: k as u64 + 2,
            id: k.to_string(),
            name: String::new(),
            scores: silkscore::score(&M, &record).unwrap(),
            record,
        })
        .collect();
    let s = settings(64, Uncertainty::weights(0.25));
    let a = analyse_portfolio(&M, &read, &s, &mut |_, _| {}).unwrap();
    let b = analyse(&M, &read.records(), &s, &mut |_, _| {}).unwrap();
    assert_eq!(a, b);
}

#[test]
fn design_outputs_are_what_the_estimators_see() {
    let records = portfolio(5);
    let s = settings(64, Uncertainty::weights(0.2));
    let a = run(&M, &records, &s);
    let d = design_outputs(&M, &records, &s).unwrap();
    assert_eq!((d.rows, d.groups.len()), (64, 4));
    let none = sobol::Bootstrap {
        resamples: 0,
        seed: 0,
    };
    for (p, out) in a.projects.iter().zip(&d.outputs) {
        let mine = sobol::indices(out, 4, &none, None).unwrap();
        let theirs = p.sobol.as_ref().unwrap();
        for (x, y) in mine.groups.iter().zip(&theirs.groups) {
            assert_eq!(x.first.value, y.first.value);
            assert_eq!(x.total.value, y.total.value);
        }
        assert_eq!(mine.variance, theirs.variance);
    }
}
