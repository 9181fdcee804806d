//! How robust is a ranking to the model's assumptions? Uncertainty and sensitivity analysis
//! of the composite, after the OECD/JRC *Handbook on Constructing Composite Indicators*
//! (2008, steps 7–8), COINr and Saltelli et al. (2010); the method is specified in
//! docs/spec.md §7.8.
//!
//! **What varies.** An [`Uncertainty`] lists the uncertain assumptions: connotation weights,
//! indicator weights, the aggregation within and across, the floor ε, the minimum coverage
//! and the goalposts ([`uncertainty`]). The default, [`Uncertainty::weights`], varies the
//! connotation and indicator weights by ±25 %. Each assumption is an **input group**; the
//! connotation weights are three groups, one per connotation.
//!
//! **One design, two analyses.** A quasi-random Saltelli design of base size N =
//! `samples` ([`design`]: an Owen-scrambled Sobol sequence) gives, for each row j, a point
//! A_j, a point B_j, and for each group g the point A_B^(g)_j (A_j with group g's
//! coordinates from B_j). Each point is turned into a drawn model ([`Sampler`]; a row whose
//! models do not all validate is skipped and counted) and every project is scored with it:
//! (G + 2)·N scorings of the portfolio.
//!
//! * **Rank intervals.** The N models at A are N draws of the uncertain model. In each, the
//!   projects are ranked by the one ranking rule ([`crate::ranking`]: standard competition
//!   ranking, ties only between identical f32 composites), and per project the median and
//!   the 5th and 95th percentile of its rank are reported, by the nearest-rank definition
//!   ([`nearest_rank`]).
//! * **Sobol indices** of each project's composite per input group: Saltelli (2010) first
//!   order and Jansen total on centred outputs, each with a 95 % bootstrap interval
//!   ([`sobol`]), and their mean over the projects, also with an interval.
//!
//! Which projects take part is decided once, with the nominal model. Unless the minimum
//! coverage is itself uncertain, the drawn models have minimum coverage 0, so a project
//! whose coverage is just at the minimum is not dropped by a draw that weighs its missing
//! indicators more. A project that fails to score in a draw (an uncertain minimum coverage,
//! or a weight drawn to 0 at spread 1) ranks after every scored project in that draw, counts
//! as composite 0 in the Sobol estimators (left out is the worst outcome), and is counted.
//!
//! Everything is reproducible: the design is scrambled from the seed, the bootstrap draws
//! come from [`Rng`] (xoshiro256++), and every drawn model is computed with IEEE arithmetic
//! and `libm`. Same model, records, settings: bit-identical results on every platform.
//!
//! **Memory.** The rank of every project in every draw is kept, as a u32, to take exact
//! percentiles: samples × projects entries, at most [`MAX_RANK_ENTRIES`] (2²⁵, 128 MiB).
//! The Sobol outputs are kept for a block of projects at a time, at most
//! [`SOBOL_BUFFER_BYTES`] (32 MiB), and each project keeps its indices (about
//! 60 + 48·G bytes). Time: (G + 2)·N scorings of the portfolio, plus `resamples`·N·(G + 2)
//! steps of bootstrap per project.
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
//! let settings = Settings { samples: 256, resamples: 100, ..Settings::DEFAULT };
//! let a = analyse(&M, &records, &settings, &mut |_, _| {}).unwrap();
//! assert_eq!(a.projects.len(), 4);
//! assert_eq!(a.groups.len(), 4); // three connotation weights and the indicator weights
//! for p in &a.projects {
//!     assert!(p.p5_rank <= p.median_rank && p.median_rank <= p.p95_rank);
//!     let s = p.sobol.as_ref().unwrap();
//!     for g in &s.groups {
//!         assert!(g.first.low <= g.first.high && g.total.low <= g.total.high);
//!     }
//! }
//! // the same seed gives the same analysis
//! assert_eq!(a, analyse(&M, &records, &settings, &mut |_, _| {}).unwrap());
//! ```

use core::fmt;
use std::vec;
use std::vec::Vec;

use silkscore::error::ScoreError;
use silkscore::model::Model;
use silkscore::record::Record;
use silkscore::score::Scorer;

pub mod design;
mod evaluate;
pub mod perturb;
pub mod ranks;
pub mod rng;
pub mod sobol;
pub mod uncertainty;

use crate::portfolio::Portfolio;
pub use crate::ranking::rank;
use design::{MAX_INPUTS, MAX_ROWS};
pub use evaluate::{design_outputs, DesignOutputs};
use evaluate::{settle, Evaluator};
pub use perturb::{perturb_connotation_weights, perturb_goalposts, perturb_indicator_weights};
pub use ranks::{nearest_rank, PERCENTILES};
pub use rng::{splitmix64, Rng};
use sobol::{indices_of_many, Bootstrap, MeanIndices};
pub use sobol::{Estimate, GroupIndices, SobolIndices, CONFIDENCE};
pub use uncertainty::{Group, Input, Sampler, Uncertainty, UncertaintyError};

/// Most rank entries (samples × projects) the analysis keeps in memory: 2²⁵ u32, 128 MiB.
pub const MAX_RANK_ENTRIES: u64 = 1 << 25;

/// The most bytes of Sobol outputs held at once (a block of projects at a time).
pub const SOBOL_BUFFER_BYTES: usize = 32 << 20;

/// The default base size N of the design, 2¹⁴: the 95 % intervals of every Sobol index of
/// every project of `examples/data/portfolio.csv` under the default uncertainty are then at
/// most ±0.03 wide (measured ±0.022 for first-order and ±0.017 for total indices; at 2¹³
/// they reach ±0.031). See [`default_samples`] for large portfolios.
pub const DEFAULT_SAMPLES: u32 = 1 << 14;

/// The work a default analysis allows: samples × projects at most 2²² (16 MiB of ranks,
/// (G + 2)·2²² scorings, seconds on a laptop).
pub const DEFAULT_WORK: u64 = 1 << 22;

/// The default base size for a portfolio of `projects` projects: [`DEFAULT_SAMPLES`], or for
/// a large portfolio the largest power of two with samples × projects ≤ [`DEFAULT_WORK`]
/// (at least 1), so that a default analysis stays quick; ask for more explicitly.
///
/// ```
/// use silkscore_host::sensitivity::default_samples;
/// assert_eq!(default_samples(28), 16384);
/// assert_eq!(default_samples(256), 16384);
/// assert_eq!(default_samples(1000), 4096);
/// assert_eq!(default_samples(10_000_000), 1);
/// ```
pub fn default_samples(projects: usize) -> u32 {
    let fit = DEFAULT_WORK / (projects.max(1) as u64);
    let pow2 = if fit == 0 { 1 } else { 1u64 << fit.ilog2() };
    pow2.clamp(1, u64::from(DEFAULT_SAMPLES)) as u32
}

/// The default number of bootstrap resamples of the confidence intervals.
pub const DEFAULT_RESAMPLES: u32 = 500;

/// The bootstrap resamples of a default analysis of `projects` projects with `samples` rows:
/// [`DEFAULT_RESAMPLES`], or 100 when samples × projects exceeds [`DEFAULT_WORK`] (the
/// bootstrap then costs about as much as the scoring instead of five times as much).
///
/// ```
/// use silkscore_host::sensitivity::default_resamples;
/// assert_eq!(default_resamples(16384, 28), 500);
/// assert_eq!(default_resamples(20, 1_000_000), 100);
/// ```
pub fn default_resamples(samples: u32, projects: usize) -> u32 {
    if u64::from(samples) * projects as u64 > DEFAULT_WORK {
        100
    } else {
        DEFAULT_RESAMPLES
    }
}

/// What to analyse.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The base size N of the design (1 to 2¹⁶; a power of two is best): N rank draws and
    /// (G + 2)·N scorings of the portfolio.
    pub samples: u32,
    /// The seed of the design's scramble and of the bootstrap.
    pub seed: u64,
    /// What varies.
    pub uncertainty: Uncertainty,
    /// Bootstrap resamples of every confidence interval (0: none, the intervals collapse
    /// to the estimates).
    pub resamples: u32,
}

impl Settings {
    /// [`DEFAULT_SAMPLES`], seed 1, weights ±25 % ([`Uncertainty::weights`]),
    /// [`DEFAULT_RESAMPLES`].
    pub const DEFAULT: Settings = Settings {
        samples: DEFAULT_SAMPLES,
        seed: 1,
        uncertainty: Uncertainty::weights(0.25),
        resamples: DEFAULT_RESAMPLES,
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
    /// `samples` exceeds the length of the Sobol sequence, 2¹⁶.
    TooManySamples(u32),
    /// A value of the uncertainty is out of range.
    Uncertainty {
        /// Its key in an uncertainty file (`weights`, `floor`, …).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Nothing varies.
    NothingVaries,
    /// The uncertain inputs need more coordinates than the design has.
    TooManyInputs(usize),
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
    /// No design row gave valid models.
    NoValidSample,
}

impl fmt::Display for SensitivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SensitivityError::NoProjects => f.write_str("there are no projects to rank"),
            SensitivityError::NoSamples => f.write_str("the number of samples must be at least 1"),
            SensitivityError::TooManySamples(n) => write!(
                f,
                "{n} samples exceed the length of the Sobol sequence: use at most {MAX_ROWS}"
            ),
            SensitivityError::Uncertainty { field, reason } => write!(f, "{field}: {reason}"),
            SensitivityError::NothingVaries => {
                f.write_str("nothing varies: the uncertainty is empty")
            }
            SensitivityError::TooManyInputs(n) => write!(
                f,
                "the uncertainty needs {n} coordinates, more than the design's {MAX_INPUTS}"
            ),
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
                f.write_str("no sampled set of assumptions gave a valid model")
            }
        }
    }
}

impl std::error::Error for SensitivityError {}

/// The analysis of one project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectSensitivity {
    /// Its composite with the nominal model, 0–100.
    pub nominal_composite: f32,
    /// Its rank with the nominal model ([`crate::ranking`]: 1 = best, equal composites share
    /// a rank).
    pub nominal_rank: u32,
    /// The median of its rank over the draws (nearest-rank 50th percentile).
    pub median_rank: u32,
    /// The nearest-rank 5th percentile of its rank (the better end of the interval).
    pub p5_rank: u32,
    /// The nearest-rank 95th percentile of its rank (the worse end).
    pub p95_rank: u32,
    /// Draws in which it could not be scored (ranked last in those draws).
    pub failed_samples: u32,
    /// Sobol indices of its composite per input group, with 95 % intervals; `None` when its
    /// composite does not vary (e.g. three equal indices under connotation weights alone).
    pub sobol: Option<SobolIndices>,
}

/// The result of [`analyse`].
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The settings it ran with.
    pub settings: Settings,
    /// The input groups, in the order of every [`SobolIndices::groups`].
    pub groups: Vec<Group>,
    /// Design rows used: rank draws, and rows of the Sobol estimators.
    pub samples_used: u32,
    /// Design rows skipped because a drawn model did not validate.
    pub samples_skipped: u32,
    /// One entry per record, in input order.
    pub projects: Vec<ProjectSensitivity>,
    /// The Sobol indices averaged over the projects that have them (`variance` is the mean
    /// variance), with bootstrap intervals of the mean; `None` when none has.
    pub sobol_mean: Option<SobolIndices>,
    /// How many projects the mean is over.
    pub sobol_projects: usize,
}

impl Analysis {
    /// Project indices in nominal rank order (best first; tied projects in input order).
    pub fn by_nominal_rank(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.projects.len()).collect();
        order.sort_by_key(|&i| self.projects.get(i).map_or(u32::MAX, |p| p.nominal_rank));
        order
    }

    /// The widest half-width of any interval of any project's indices (0 without any).
    pub fn max_half_width(&self) -> f64 {
        self.projects
            .iter()
            .filter_map(|p| p.sobol.as_ref())
            .flat_map(|s| s.groups.iter())
            .flat_map(|g| [g.first.half_width(), g.total.half_width()])
            .fold(0.0, f64::max)
    }
}

/// Derives the bootstrap stream from the user's seed, so that it differs from the design's.
const BOOTSTRAP_STREAM: u64 = 0x5AB0_1D0B_501D_1CE5;

/// Runs the analysis on `records` (all of which must score with `model`; see the module
/// documentation). `progress(done, total)` is called now and then: the design rows of each
/// block of projects, then one step per project for its intervals.
pub fn analyse(
    model: &Model,
    records: &[Record],
    settings: &Settings,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Analysis, SensitivityError> {
    analyse_items(
        model,
        records,
        |r| r,
        settings,
        SOBOL_BUFFER_BYTES,
        progress,
    )
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
        SOBOL_BUFFER_BYTES,
        progress,
    )
}

/// Checks the settings for `projects` projects before any work.
fn check(settings: &Settings, projects: usize) -> Result<(), SensitivityError> {
    if projects == 0 {
        return Err(SensitivityError::NoProjects);
    }
    if settings.samples == 0 {
        return Err(SensitivityError::NoSamples);
    }
    if settings.samples > MAX_ROWS {
        return Err(SensitivityError::TooManySamples(settings.samples));
    }
    settings
        .uncertainty
        .check()
        .map_err(|(field, reason)| SensitivityError::Uncertainty { field, reason })?;
    if settings.uncertainty.is_empty() {
        return Err(SensitivityError::NothingVaries);
    }
    let entries = u64::from(settings.samples) * projects as u64;
    if entries > MAX_RANK_ENTRIES {
        return Err(SensitivityError::TooLarge {
            entries,
            max_samples: MAX_RANK_ENTRIES / projects as u64,
        });
    }
    Ok(())
}

fn analyse_items<T>(
    model: &Model,
    items: &[T],
    record: fn(&T) -> &Record,
    settings: &Settings,
    buffer_bytes: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Analysis, SensitivityError> {
    let p_count = items.len();
    check(settings, p_count)?;
    let n = settings.samples as usize;

    // Nominal scores and ranks.
    let nominal_scorer = Scorer::new(model);
    let mut nominal = Vec::with_capacity(p_count);
    for (index, r) in items.iter().enumerate() {
        let s = nominal_scorer
            .score(record(r))
            .map_err(|error| SensitivityError::Nominal { index, error })?;
        nominal.push(s.composite);
    }
    let mut order = Vec::with_capacity(p_count);
    let mut nominal_ranks = vec![0u32; p_count];
    rank(&nominal, &mut order, &mut nominal_ranks);

    let mut ev = Evaluator::new(model, settings)?;
    let groups = ev.groups().to_vec();
    let g_count = groups.len();
    let stride = ev.stride();
    let block = (buffer_bytes / (n * stride * 4)).clamp(1, p_count);
    let blocks = p_count.div_ceil(block);
    let total = (blocks * n + p_count) as u64;
    let step = (total / 200).max(1);
    let mut done = 0u64;
    let mut tick = || {
        done += 1;
        if done.is_multiple_of(step) || done == total {
            progress(done, total);
        }
    };

    // matrix[row * P + project]: the composite bits at A, then the rank.
    let mut matrix = vec![0u32; n * p_count];
    let mut valid = vec![true; n];
    let mut buf = vec![0f32; block * n * stride];
    let mut failed = vec![0u32; p_count];
    let mut sobols: Vec<Option<SobolIndices>> = Vec::with_capacity(p_count);
    let mut mean = MeanIndices::new(g_count, settings.resamples);
    let mut s = settings.seed ^ BOOTSTRAP_STREAM;
    let boot = Bootstrap {
        resamples: settings.resamples,
        seed: splitmix64(&mut s),
    };
    let mut used = 0usize;

    for (k, start) in (0..p_count).step_by(block).enumerate() {
        let end = (start + block).min(p_count);
        let width = end - start;
        let mut at_a = |row: usize, q: usize, c: f32| {
            if let Some(cell) = matrix.get_mut(row * p_count + start + q) {
                *cell = c.to_bits();
            }
        };
        used = ev.block(
            items.get(start..end).unwrap_or(&[]),
            record,
            &mut valid,
            k == 0,
            n,
            &mut buf,
            &mut at_a,
            &mut tick,
        );
        if used == 0 {
            return Err(SensitivityError::NoValidSample);
        }
        // The Sobol indices of this block's projects (an unscored project counted, then
        // taken as composite 0).
        let outputs = settle(
            &mut buf,
            width,
            n,
            used,
            stride,
            failed.get_mut(start..end).unwrap_or(&mut []),
        );
        for s in indices_of_many(outputs, width, g_count, &boot, Some(&mut mean)) {
            sobols.push(s);
            tick();
        }
    }
    drop(buf);

    // Ranks per draw, then percentiles per project.
    let mut composites = vec![0f32; p_count];
    let mut draw_ranks = vec![0u32; p_count];
    for row in matrix.chunks_exact_mut(p_count).take(used) {
        for (c, bits) in composites.iter_mut().zip(row.iter()) {
            *c = f32::from_bits(*bits);
        }
        rank(&composites, &mut order, &mut draw_ranks);
        row.copy_from_slice(&draw_ranks);
    }
    let mut column = Vec::with_capacity(used);
    let mut projects = Vec::with_capacity(p_count);
    for (j, (sobol, ((c, r), f))) in sobols
        .into_iter()
        .zip(nominal.iter().zip(&nominal_ranks).zip(&failed))
        .enumerate()
    {
        column.clear();
        column.extend(matrix.iter().skip(j).step_by(p_count).take(used));
        let [p5, p50, p95] = PERCENTILES.map(|q| nearest_rank(&mut column, q).unwrap_or(*r));
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
    Ok(Analysis {
        settings: *settings,
        groups,
        samples_used: used as u32,
        samples_skipped: (n - used) as u32,
        projects,
        sobol_mean: mean.finish(),
        sobol_projects: mean.outputs(),
    })
}

#[cfg(test)]
mod tests;
