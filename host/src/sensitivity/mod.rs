//! How robust is a ranking to the weights? Uncertainty and sensitivity analysis of the
//! composite, after the OECD/JRC *Handbook on Constructing Composite Indicators* (2008,
//! steps 7–8) and Saltelli et al. (2010).
//!
//! Two analyses run on a portfolio of projects that all score with the nominal model:
//!
//! * **Monte Carlo rank intervals.** Each of `samples` draws multiplies every indicator weight
//!   and every connotation weight by 1 + f·U(−1, 1) (f = the *spread*), renormalises the
//!   indicator weights within each connotation and the connotation weights across, and picks
//!   the across aggregation arithmetic or geometric with probability 1/2. Every project is
//!   scored with the drawn model (a [`Scorer`] on [`Model::with_indicator_weights`] and
//!   [`Model::with_params`], so every draw is validated; a draw that does not validate is
//!   skipped and counted) and the projects are ranked by composite (rank 1 = best, ties by
//!   input order). Per project: the median and the 5th and 95th percentile of its rank, by
//!   the nearest-rank definition ([`nearest_rank`]).
//!
//!   Which projects take part is decided once, with the nominal model: the drawn models have
//!   `min_coverage` 0, so a project whose coverage is just at the minimum is not dropped by a
//!   draw that happens to weigh its missing indicators more (coverage is a data-quality gate,
//!   not part of the weighting under study). A project that still fails to score in a draw
//!   (only possible at spread 1, where a drawn weight can be 0) ranks after every scored
//!   project in that draw, and is counted.
//! * **Sobol indices** of each project's composite with respect to the three connotation
//!   weights, the uncertain inputs W_c·(1 + f·X_c) with X_c ~ U(−1, 1) independent (indicator
//!   weights and aggregation fixed to the model's). Saltelli design with base size N =
//!   `samples`: matrices A and B (N×3) and the N×3 matrices A_B^(i) (A with column i from B),
//!   5N evaluations of the portfolio; first-order S_i = mean(f(B)·(f(A_B^i) − f(A))) / V
//!   (Saltelli 2010) and total S_Ti = mean((f(A) − f(A_B^i))²) / 2V (Jansen 1999), V the
//!   variance of f over A and B ([`SaltelliAccumulator`]). These are Monte Carlo estimates:
//!   their error shrinks like 1/√N, and with small N they can fall outside [0, 1].
//!
//! Everything is reproducible: the random numbers come from [`Rng`] (xoshiro256++ seeded by
//! SplitMix64, implemented here so that a seed means the same numbers in every build and on
//! every platform), drawn in a documented order, one stream for the Monte Carlo and another for
//! the Sobol design. Same model, records, samples, seed and spread: bit-identical results.
//!
//! **Memory.** The Monte Carlo keeps every project's rank in every draw, as a u32, to take
//! exact percentiles: samples × projects entries, at most [`MAX_RANK_ENTRIES`] (2²⁵, 128 MiB;
//! for example 1,000 samples of up to 33,554 projects). The Sobol part keeps a few floats per
//! project. Time: samples × (1 + 5) scorings of the portfolio.
//!
//! ```
//! use silkscore_host::sensitivity::{analyse, Settings};
//! use silkscore::{Record, BRI_CULTURAL_V1 as M};
//! let records: Vec<Record> = (0..4u8)
//!     .map(|k| {
//!         let values: Vec<Option<f32>> =
//!             (0..M.len()).map(|i| Some(f32::from(k) * 7.0 + (i % 5) as f32)).collect();
//!         Record::from_values(u32::from(k), &values).unwrap()
//!     })
//!     .collect();
//! let settings = Settings { samples: 200, ..Settings::DEFAULT };
//! let a = analyse(&M, &records, &settings, &mut |_, _| {}).unwrap();
//! assert_eq!(a.projects.len(), 4);
//! for p in &a.projects {
//!     assert!(p.p5_rank <= p.median_rank && p.median_rank <= p.p95_rank);
//! }
//! // the same seed gives the same analysis
//! assert_eq!(a, analyse(&M, &records, &settings, &mut |_, _| {}).unwrap());
//! ```

use core::fmt;
use std::vec;
use std::vec::Vec;

use silkscore::error::ScoreError;
use silkscore::model::{Aggregation, Connotation, Model, ModelParams};
use silkscore::record::Record;
use silkscore::score::Scorer;

pub mod perturb;
pub mod ranks;
pub mod rng;
pub mod sobol;

use crate::portfolio::Portfolio;
pub use perturb::{perturb_connotation_weights, perturb_indicator_weights};
pub use ranks::{nearest_rank, rank, PERCENTILES};
pub use rng::{splitmix64, Rng};
pub use sobol::{sobol, SaltelliAccumulator, SobolIndices};

/// Most rank entries (samples × projects) the Monte Carlo keeps in memory: 2²⁵ u32, 128 MiB.
pub const MAX_RANK_ENTRIES: u64 = 1 << 25;

/// Scores the record of every item with `scorer` into `out` (cleared first), as composites;
/// a record that fails gives NaN. Returns the number of failures.
fn composites<T, V: From<f32>>(
    scorer: &Scorer<'_>,
    items: &[T],
    record: fn(&T) -> &Record,
    out: &mut Vec<V>,
) -> u32 {
    out.clear();
    let mut failed = 0;
    for item in items {
        match scorer.score(record(item)) {
            Ok(s) => out.push(V::from(s.composite)),
            Err(_) => {
                failed += 1;
                out.push(V::from(f32::NAN));
            }
        }
    }
    failed
}

/// What to analyse.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Monte Carlo draws, and the base size N of the Sobol design (≥ 1).
    pub samples: u32,
    /// The seed of the random numbers.
    pub seed: u64,
    /// The relative spread f of every weight: w·(1 + f·U(−1, 1)), in [0, 1].
    pub spread: f64,
}

impl Settings {
    /// 1,000 samples, seed 1, spread 0.25.
    pub const DEFAULT: Settings = Settings {
        samples: 1000,
        seed: 1,
        spread: 0.25,
    };
}

impl Default for Settings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why an analysis cannot run.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SensitivityError {
    /// There are no projects to rank.
    NoProjects,
    /// `samples` is 0.
    NoSamples,
    /// The spread is not a number in [0, 1].
    Spread(f64),
    /// samples × projects exceeds [`MAX_RANK_ENTRIES`].
    TooLarge {
        /// Samples × projects.
        entries: u64,
        /// The most samples that fit for this many projects.
        max_samples: u64,
    },
    /// A project does not score with the nominal model (analyse only projects that do).
    Nominal {
        /// Its position in the records.
        index: usize,
        /// The scoring error.
        error: ScoreError,
    },
    /// Every Monte Carlo draw gave an invalid model.
    NoValidSample,
}

impl fmt::Display for SensitivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SensitivityError::NoProjects => f.write_str("there are no projects to rank"),
            SensitivityError::NoSamples => f.write_str("the number of samples must be at least 1"),
            SensitivityError::Spread(s) => write!(f, "the spread must be in [0, 1], not {s}"),
            SensitivityError::TooLarge {
                entries,
                max_samples,
            } => write!(
                f,
                "samples × projects = {entries} rank entries exceeds the limit of \
                 {MAX_RANK_ENTRIES}; use at most {max_samples} samples for this portfolio"
            ),
            SensitivityError::Nominal { index, error } => write!(
                f,
                "project {} does not score with the nominal model: {error}",
                index + 1
            ),
            SensitivityError::NoValidSample => {
                f.write_str("no sampled set of weights gave a valid model")
            }
        }
    }
}

impl std::error::Error for SensitivityError {}

/// The analysis of one project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProjectSensitivity {
    /// Its composite with the nominal model, 0–100.
    pub nominal_composite: f32,
    /// Its rank with the nominal model (1 = best; ties by input order).
    pub nominal_rank: u32,
    /// The median of its rank over the draws (nearest-rank 50th percentile).
    pub median_rank: u32,
    /// The nearest-rank 5th percentile of its rank (the better end of the interval).
    pub p5_rank: u32,
    /// The nearest-rank 95th percentile of its rank (the worse end).
    pub p95_rank: u32,
    /// Draws in which it could not be scored (ranked last in those draws).
    pub failed_samples: u32,
    /// Sobol indices of its composite w.r.t. the cultural, economic and security weights;
    /// `None` when its composite does not vary with them (e.g. three equal indices).
    pub sobol: Option<SobolIndices<3>>,
}

/// The result of [`analyse`].
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The settings it ran with.
    pub settings: Settings,
    /// Monte Carlo draws that gave a valid model and were ranked.
    pub samples_used: u32,
    /// Monte Carlo draws skipped because the drawn model did not validate.
    pub samples_skipped: u32,
    /// Sobol design rows used (each 5 evaluations of the portfolio).
    pub sobol_rows: u32,
    /// The across aggregation of the Sobol part (the model's).
    pub sobol_across: Aggregation,
    /// One entry per record, in input order.
    pub projects: Vec<ProjectSensitivity>,
    /// The Sobol indices averaged over the projects that have them (`variance` is the mean
    /// variance); `None` when none has.
    pub sobol_mean: Option<SobolIndices<3>>,
    /// How many projects the mean is over.
    pub sobol_projects: usize,
}

impl Analysis {
    /// Project indices in nominal rank order (best first).
    pub fn by_nominal_rank(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.projects.len()).collect();
        order.sort_by_key(|&i| self.projects.get(i).map_or(u32::MAX, |p| p.nominal_rank));
        order
    }
}

/// The seed of the Sobol stream, derived from the user's seed so that the two streams differ.
const SOBOL_STREAM: u64 = 0x5AB0_1D0B_501D_1CE5;

/// Runs both analyses on `records` (all of which must score with `model`; see the module
/// documentation). `progress(done, total)` is called now and then with the evaluations done
/// so far (total = 2 × samples: the Monte Carlo draws, then the Sobol rows).
pub fn analyse(
    model: &Model,
    records: &[Record],
    settings: &Settings,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Analysis, SensitivityError> {
    analyse_items(model, records, |r| r, settings, progress)
}

/// [`analyse`] on the projects of `portfolio`, in order, reading their records where they
/// are instead of copying them ([`Portfolio::records`] takes 176 bytes a project).
pub fn analyse_portfolio(
    model: &Model,
    portfolio: &Portfolio,
    settings: &Settings,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Analysis, SensitivityError> {
    analyse_items(
        model,
        &portfolio.projects,
        |p| &p.record,
        settings,
        progress,
    )
}

fn analyse_items<T>(
    model: &Model,
    records: &[T],
    record: fn(&T) -> &Record,
    settings: &Settings,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Analysis, SensitivityError> {
    let p = records.len();
    if p == 0 {
        return Err(SensitivityError::NoProjects);
    }
    if settings.samples == 0 {
        return Err(SensitivityError::NoSamples);
    }
    let spread = settings.spread;
    if !(0.0..=1.0).contains(&spread) {
        return Err(SensitivityError::Spread(spread));
    }
    let n = settings.samples as usize;
    let entries = u64::from(settings.samples) * p as u64;
    if entries > MAX_RANK_ENTRIES {
        return Err(SensitivityError::TooLarge {
            entries,
            max_samples: MAX_RANK_ENTRIES / p as u64,
        });
    }

    // Nominal scores and ranks.
    let nominal_scorer = Scorer::new(model);
    let mut nominal = Vec::with_capacity(p);
    for (index, r) in records.iter().enumerate() {
        let s = nominal_scorer
            .score(record(r))
            .map_err(|error| SensitivityError::Nominal { index, error })?;
        nominal.push(s.composite);
    }
    let mut order = Vec::with_capacity(p);
    let mut nominal_ranks = vec![0u32; p];
    rank(&nominal, &mut order, &mut nominal_ranks);

    let total = 2 * u64::from(settings.samples);
    let step = (total / 200).max(1);
    let mut tick = |done: u64| {
        if done.is_multiple_of(step) || done == total {
            progress(done, total);
        }
    };

    // Monte Carlo: ranks[project * n + sample].
    let mut rng = Rng::new(settings.seed);
    let mut ranks = vec![0u32; p * n];
    let mut failed = vec![0u32; p];
    let mut weights = Vec::with_capacity(model.len());
    let mut values: Vec<f32> = Vec::with_capacity(p);
    let mut sample_ranks = vec![0u32; p];
    let mut used = 0usize;
    let mut skipped = 0u32;
    for s in 0..n {
        perturb_indicator_weights(model, spread, &mut rng, &mut weights);
        let x = [rng.symmetric(), rng.symmetric(), rng.symmetric()];
        let across = if rng.coin() {
            Aggregation::Geometric
        } else {
            Aggregation::Arithmetic
        };
        tick(s as u64 + 1);
        let params = ModelParams {
            across,
            weights: perturb_connotation_weights(model.params().weights, spread, x),
            min_coverage: 0.0,
            ..*model.params()
        };
        let Ok(drawn) = model
            .with_indicator_weights(&weights)
            .and_then(|m| m.with_params(params))
        else {
            skipped += 1;
            continue;
        };
        let scorer = Scorer::new(&drawn);
        if composites(&scorer, records, record, &mut values) > 0 {
            for (f, v) in failed.iter_mut().zip(&values) {
                if v.is_nan() {
                    *f += 1;
                }
            }
        }
        rank(&values, &mut order, &mut sample_ranks);
        for (j, r) in sample_ranks.iter().enumerate() {
            if let Some(slot) = ranks.get_mut(j * n + used) {
                *slot = *r;
            }
        }
        used += 1;
    }
    if used == 0 {
        return Err(SensitivityError::NoValidSample);
    }

    // Sobol: connotation weights only, the model's aggregation.
    let mut rng = Rng::new(settings.seed ^ SOBOL_STREAM);
    let mut acc = SaltelliAccumulator::<3>::new(p);
    let mut buf: [Vec<f64>; 5] = core::array::from_fn(|_| Vec::with_capacity(p));
    let mut rows = 0u32;
    for j in 0..n {
        let a = [rng.symmetric(), rng.symmetric(), rng.symmetric()];
        let b = [rng.symmetric(), rng.symmetric(), rng.symmetric()];
        tick((n + j) as u64 + 1);
        let points: [[f64; 3]; 5] = core::array::from_fn(|k| match k {
            0 => a,
            1 => b,
            _ => {
                let mut x = a;
                if let (Some(xi), Some(bi)) = (x.get_mut(k - 2), b.get(k - 2)) {
                    *xi = *bi;
                }
                x
            }
        });
        let mut ok = true;
        for (x, out) in points.iter().zip(buf.iter_mut()) {
            let params = ModelParams {
                weights: perturb_connotation_weights(model.params().weights, spread, *x),
                min_coverage: 0.0,
                ..*model.params()
            };
            let Ok(drawn) = model.with_params(params) else {
                ok = false;
                break;
            };
            if composites(&Scorer::new(&drawn), records, record, out) > 0 {
                ok = false;
                break;
            }
        }
        if !ok {
            continue;
        }
        let [fa, fb, f1, f2, f3] = &buf;
        acc.add(fa, fb, [f1, f2, f3]);
        rows += 1;
    }

    // Per-project summaries.
    let mut projects = Vec::with_capacity(p);
    let mut mean = SobolIndices {
        first: [0.0; 3],
        total: [0.0; 3],
        variance: 0.0,
    };
    let mut with_sobol = 0usize;
    for (j, ((c, r), f)) in nominal.iter().zip(&nominal_ranks).zip(&failed).enumerate() {
        let own = ranks
            .get_mut(j * n..j * n + used)
            .map_or(&mut [][..], |s| s);
        let [p5, p50, p95] = PERCENTILES.map(|q| nearest_rank(own, q).unwrap_or(*r));
        let sobol = acc.indices(j);
        if let Some(s) = &sobol {
            with_sobol += 1;
            for (m, v) in mean.first.iter_mut().zip(s.first) {
                *m += v;
            }
            for (m, v) in mean.total.iter_mut().zip(s.total) {
                *m += v;
            }
            mean.variance += s.variance;
        }
        projects.push(ProjectSensitivity {
            nominal_composite: *c,
            nominal_rank: *r,
            median_rank: p50,
            p5_rank: p5,
            p95_rank: p95,
            failed_samples: *f,
            sobol,
        });
    }
    let sobol_mean = (with_sobol > 0).then(|| {
        let k = with_sobol as f64;
        SobolIndices {
            first: mean.first.map(|v| v / k),
            total: mean.total.map(|v| v / k),
            variance: mean.variance / k,
        }
    });
    Ok(Analysis {
        settings: *settings,
        samples_used: used as u32,
        samples_skipped: skipped,
        sobol_rows: rows,
        sobol_across: model.params().across,
        projects,
        sobol_mean,
        sobol_projects: with_sobol,
    })
}

/// The connotation of each Sobol input, in order.
pub const SOBOL_INPUTS: [Connotation; 3] = Connotation::ALL;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::Project;
    use silkscore::model::BRI_CULTURAL_V1 as M;
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

    #[test]
    fn zero_spread_reproduces_the_nominal_ranking_in_every_draw() {
        let records = portfolio(12);
        let settings = Settings {
            samples: 50,
            spread: 0.0,
            ..Settings::DEFAULT
        };
        let a = analyse(&M, &records, &settings, &mut |_, _| {}).unwrap();
        // With no spread only the across aggregation changes, which can swap close projects;
        // ranks stay within the two aggregations' rankings.
        for p in &a.projects {
            assert!(p.p5_rank <= p.median_rank && p.median_rank <= p.p95_rank);
            assert_eq!(p.failed_samples, 0);
            assert!(p.sobol.is_none(), "no spread, no variance");
        }
        let mut ranks: Vec<u32> = a.projects.iter().map(|p| p.nominal_rank).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (1..=12).collect::<Vec<_>>());
    }

    #[test]
    fn analysis_is_reproducible_and_depends_on_the_seed() {
        let records = portfolio(15);
        let settings = Settings {
            samples: 300,
            ..Settings::DEFAULT
        };
        let mut calls = 0;
        let a = analyse(&M, &records, &settings, &mut |done, total| {
            calls += 1;
            assert!(done <= total && total == 600);
        })
        .unwrap();
        assert!(calls > 0);
        assert_eq!(a, analyse(&M, &records, &settings, &mut |_, _| {}).unwrap());
        let other = Settings {
            seed: 2,
            ..settings
        };
        let b = analyse(&M, &records, &other, &mut |_, _| {}).unwrap();
        assert_ne!(a.sobol_mean, b.sobol_mean);
        assert_eq!(a.samples_used, 300);
        assert_eq!(a.sobol_rows, 300);
        let mean = a.sobol_mean.unwrap();
        for (s, t) in mean.first.iter().zip(mean.total) {
            assert!((-0.1..=1.1).contains(s) && (-0.1..=1.1).contains(&t));
        }
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
        let settings = Settings {
            samples: 4000,
            spread: 0.5,
            seed: 11,
        };
        let a = analyse(&model, &records, &settings, &mut |_, _| {}).unwrap();
        assert!(a.sobol_projects > 0);
        for s in a.projects.iter().filter_map(|p| p.sobol) {
            assert_eq!((s.first[2], s.total[2]), (0.0, 0.0));
            assert!(
                (s.total[0] - s.total[1]).abs() < 0.1,
                "symmetric inputs: {:?}",
                s.total
            );
            assert!((s.first[0] + s.first[1] - 1.0).abs() < 0.1, "{:?}", s.first);
        }
    }

    #[test]
    fn a_project_with_three_equal_indices_has_no_sobol_indices() {
        // Every indicator halfway between its goalposts (on the transformed scale): all three
        // indices are 0.5, so the arithmetic composite is 50 whatever the weights.
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
        let a = analyse(&model, &records, &Settings::DEFAULT, &mut |_, _| {}).unwrap();
        assert!((a.projects[3].nominal_composite - 50.0).abs() < 1e-3);
        assert_eq!(a.projects[3].sobol, None);
        assert!(a.projects[..3].iter().all(|p| p.sobol.is_some()));
        assert_eq!(a.sobol_projects, 3);
    }

    #[test]
    fn errors_are_reported() {
        let records = portfolio(3);
        let run = |s: Settings, r: &[Record]| analyse(&M, r, &s, &mut |_, _| {});
        assert_eq!(
            run(Settings::DEFAULT, &[]),
            Err(SensitivityError::NoProjects)
        );
        let zero = Settings {
            samples: 0,
            ..Settings::DEFAULT
        };
        assert_eq!(run(zero, &records), Err(SensitivityError::NoSamples));
        let wide = Settings {
            spread: 1.5,
            ..Settings::DEFAULT
        };
        assert_eq!(run(wide, &records), Err(SensitivityError::Spread(1.5)));
        let nan = Settings {
            spread: f64::NAN,
            ..Settings::DEFAULT
        };
        assert!(matches!(
            run(nan, &records),
            Err(SensitivityError::Spread(_))
        ));
        let huge = Settings {
            samples: u32::MAX,
            ..Settings::DEFAULT
        };
        let e = run(huge, &records).unwrap_err();
        assert!(
            matches!(e, SensitivityError::TooLarge { max_samples, .. } if max_samples == MAX_RANK_ENTRIES / 3)
        );
        assert!(e.to_string().contains("at most"));
        let mut bad = records.clone();
        bad[1] = Record::new(9, M.len());
        assert!(matches!(
            run(Settings::DEFAULT, &bad),
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
        let settings = Settings {
            samples: 40,
            ..Settings::DEFAULT
        };
        let a = analyse_portfolio(&M, &read, &settings, &mut |_, _| {}).unwrap();
        let b = analyse(&M, &read.records(), &settings, &mut |_, _| {}).unwrap();
        assert_eq!(a, b);
    }
}
