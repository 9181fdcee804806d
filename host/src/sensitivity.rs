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
use std::io::Read;
use std::string::String;
use std::vec;
use std::vec::Vec;

use super::output::{score_row, Failure};
use super::records::RecordsReader;
use super::HostError;
use silkscore::error::ScoreError;
use silkscore::model::{Aggregation, Connotation, Model, ModelParams};
use silkscore::record::Record;
use silkscore::score::{Scorer, Scores};

/// Most rank entries (samples × projects) the Monte Carlo keeps in memory: 2²⁵ u32, 128 MiB.
pub const MAX_RANK_ENTRIES: u64 = 1 << 25;

/// The percentiles reported: 5th, 50th (the median) and 95th.
pub const PERCENTILES: [u32; 3] = [5, 50, 95];

// ------------------------------------------------------------------------------------------
// Random numbers
// ------------------------------------------------------------------------------------------

/// A small, fast, seedable generator: xoshiro256++ (Blackman & Vigna 2019), its state filled
/// by SplitMix64 from a 64-bit seed. Implemented here rather than taken from a crate so that a
/// seed gives the same stream in every build, version and platform.
///
/// ```
/// use silkscore_host::sensitivity::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let u = a.symmetric();
/// assert!((-1.0..1.0).contains(&u));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

/// One step of SplitMix64 (Steele, Lea & Flood 2014): advances `state`, returns the output.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose state is the first four SplitMix64 outputs from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = self.s;
        let result = s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        let s2 = s2 ^ t;
        let s3 = s3.rotate_left(45);
        self.s = [s0, s1, s2, s3];
        result
    }

    /// A uniform draw from [0, 1), with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw from [−1, 1).
    pub fn symmetric(&mut self) -> f64 {
        2.0 * self.uniform() - 1.0
    }

    /// A fair coin.
    pub fn coin(&mut self) -> bool {
        self.next_u64() >> 63 == 1
    }
}

// ------------------------------------------------------------------------------------------
// Ranks and percentiles
// ------------------------------------------------------------------------------------------

/// Ranks `composites` (rank 1 = the highest; ties keep input order, so the earlier project
/// gets the better rank). A NaN composite — a project that could not be scored — ranks after
/// every number. `order` is scratch space (reused to avoid allocating); `ranks` receives one
/// rank per composite (it must be as long as `composites`; extra entries are left alone).
///
/// ```
/// use silkscore_host::sensitivity::rank;
/// let mut ranks = [0u32; 4];
/// rank(&[50.0, f32::NAN, 70.0, 50.0], &mut Vec::new(), &mut ranks);
/// assert_eq!(ranks, [2, 4, 1, 3]);
/// ```
pub fn rank(composites: &[f32], order: &mut Vec<u32>, ranks: &mut [u32]) {
    let key = |i: &u32| {
        composites
            .get(*i as usize)
            .copied()
            .filter(|c| !c.is_nan())
            .unwrap_or(f32::NEG_INFINITY)
    };
    order.clear();
    order.extend((0..composites.len()).map(|i| i as u32));
    // A stable sort: equal keys stay in input order.
    order.sort_by(|a, b| key(b).total_cmp(&key(a)));
    for (r, &i) in order.iter().enumerate() {
        if let Some(slot) = ranks.get_mut(i as usize) {
            *slot = r as u32 + 1;
        }
    }
}

/// The nearest-rank percentile: the k-th smallest of `values` with k = ⌈percent·n / 100⌉
/// (at least 1), so the 50th percentile of an even count is the lower middle value. `percent`
/// is clamped to 1..=100. Reorders `values`; `None` when it is empty.
///
/// ```
/// use silkscore_host::sensitivity::nearest_rank;
/// let mut v: Vec<u32> = (1..=20).rev().collect();
/// assert_eq!(nearest_rank(&mut v, 5), Some(1));
/// assert_eq!(nearest_rank(&mut v, 50), Some(10));
/// assert_eq!(nearest_rank(&mut v, 95), Some(19));
/// assert_eq!(nearest_rank(&mut [], 50), None);
/// ```
pub fn nearest_rank(values: &mut [u32], percent: u32) -> Option<u32> {
    let n = values.len() as u64;
    if n == 0 {
        return None;
    }
    let p = u64::from(percent.clamp(1, 100));
    let k = (p * n).div_ceil(100).clamp(1, n);
    let (_, nth, _) = values.select_nth_unstable(usize::try_from(k - 1).ok()?);
    Some(*nth)
}

// ------------------------------------------------------------------------------------------
// Sobol indices
// ------------------------------------------------------------------------------------------

/// First-order and total Sobol indices of one output with respect to K inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SobolIndices<const K: usize> {
    /// First-order indices S_i: the share of the output variance due to input i alone.
    pub first: [f64; K],
    /// Total indices S_Ti: the share due to input i including all its interactions.
    pub total: [f64; K],
    /// The output variance V the indices are shares of.
    pub variance: f64,
}

/// Running sums of the Saltelli (2010) / Jansen (1999) estimators for many outputs at once,
/// one design row at a time, in O(outputs · K) memory.
///
/// For design row j, call [`add`](Self::add) with the outputs at row j of A, of B and of
/// each A_B^(i) (A with column i taken from B). Values are shifted by the first row's f(A),
/// which leaves the estimators' expectations unchanged and keeps the sums small.
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliAccumulator<const K: usize> {
    rows: u64,
    shift: Vec<f64>,
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
    first: Vec<[f64; K]>,
    total: Vec<[f64; K]>,
}

impl<const K: usize> SaltelliAccumulator<K> {
    /// Sums for `outputs` outputs, no rows yet.
    pub fn new(outputs: usize) -> Self {
        SaltelliAccumulator {
            rows: 0,
            shift: vec![0.0; outputs],
            sum: vec![0.0; outputs],
            sum_sq: vec![0.0; outputs],
            first: vec![[0.0; K]; outputs],
            total: vec![[0.0; K]; outputs],
        }
    }

    /// The number of outputs.
    pub fn outputs(&self) -> usize {
        self.sum.len()
    }

    /// The number of design rows added.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds design row j: `f_a`, `f_b` and each `f_ab[i]` hold one value per output (extra
    /// values are ignored, missing ones count as 0).
    pub fn add(&mut self, f_a: &[f64], f_b: &[f64], f_ab: [&[f64]; K]) {
        if self.rows == 0 {
            for (s, a) in self.shift.iter_mut().zip(f_a) {
                *s = *a;
            }
        }
        self.rows += 1;
        for (p, shift) in self.shift.iter().enumerate() {
            let a = f_a.get(p).copied().unwrap_or(0.0) - shift;
            let b = f_b.get(p).copied().unwrap_or(0.0) - shift;
            if let (Some(sum), Some(sq)) = (self.sum.get_mut(p), self.sum_sq.get_mut(p)) {
                *sum += a + b;
                *sq += a * a + b * b;
            }
            let (Some(first), Some(total)) = (self.first.get_mut(p), self.total.get_mut(p)) else {
                continue;
            };
            for ((fi, ti), ab) in first.iter_mut().zip(total.iter_mut()).zip(f_ab) {
                let ab = ab.get(p).copied().unwrap_or(0.0) - shift;
                *fi += b * (ab - a);
                *ti += (a - ab) * (a - ab);
            }
        }
    }

    /// The indices of output `p`: `None` before any row, for an unknown output, and when the
    /// output hardly varies (standard deviation at most 10⁻⁶·max(1, |f|): the indices would be
    /// rounding noise).
    pub fn indices(&self, p: usize) -> Option<SobolIndices<K>> {
        if self.rows == 0 {
            return None;
        }
        let n = self.rows as f64;
        let mean = self.sum.get(p)? / (2.0 * n);
        let variance = self.sum_sq.get(p)? / (2.0 * n) - mean * mean;
        let scale = 1e-6 * self.shift.get(p)?.abs().max(1.0);
        if variance.is_nan() || variance <= scale * scale {
            return None;
        }
        let first = self.first.get(p)?.map(|s| s / n / variance);
        let total = self.total.get(p)?.map(|s| s / n / (2.0 * variance));
        Some(SobolIndices {
            first,
            total,
            variance,
        })
    }
}

/// Sobol indices of a scalar function of K inputs, each uniform on [−1, 1), by the Saltelli
/// design with base size `samples` (K + 2 evaluations per row). Each row draws A's K inputs,
/// then B's, from `rng`.
///
/// ```
/// use silkscore_host::sensitivity::{sobol, Rng};
/// // f = x1 + 2·x2 (x3 unused): V = 1/3 + 4/3, so S = (0.2, 0.8, 0)
/// let s = sobol::<3>(20_000, &mut Rng::new(1), |x| x[0] + 2.0 * x[1]).unwrap();
/// assert!((s.first[0] - 0.2).abs() < 0.03 && (s.first[1] - 0.8).abs() < 0.03);
/// assert_eq!((s.first[2], s.total[2]), (0.0, 0.0));
/// ```
pub fn sobol<const K: usize>(
    samples: u32,
    rng: &mut Rng,
    mut f: impl FnMut(&[f64; K]) -> f64,
) -> Option<SobolIndices<K>> {
    let mut acc = SaltelliAccumulator::<K>::new(1);
    for _ in 0..samples {
        let a: [f64; K] = core::array::from_fn(|_| rng.symmetric());
        let b: [f64; K] = core::array::from_fn(|_| rng.symmetric());
        let fa = [f(&a)];
        let fb = [f(&b)];
        let fab: [[f64; 1]; K] = core::array::from_fn(|i| {
            let mut x = a;
            if let (Some(xi), Some(bi)) = (x.get_mut(i), b.get(i)) {
                *xi = *bi;
            }
            [f(&x)]
        });
        acc.add(
            &fa,
            &fb,
            core::array::from_fn(|i| fab.get(i).map_or(&[][..], |v| &v[..])),
        );
    }
    acc.indices(0)
}

// ------------------------------------------------------------------------------------------
// Perturbed models
// ------------------------------------------------------------------------------------------

/// Connotation weights W_c·(1 + spread·x_c), normalised to sum 1 (in cultural, economic,
/// security order). A zero weight stays zero. The sum is not checked here: the model built
/// from the result validates it.
pub fn perturb_connotation_weights(nominal: [f32; 3], spread: f64, x: [f64; 3]) -> [f32; 3] {
    let raw: [f64; 3] = core::array::from_fn(|c| {
        let w = f64::from(nominal.get(c).copied().unwrap_or(0.0));
        w * (1.0 + spread * x.get(c).copied().unwrap_or(0.0))
    });
    let sum: f64 = raw.iter().sum();
    raw.map(|w| (w / sum) as f32)
}

/// Draws indicator weights w_i·(1 + spread·U(−1, 1)), one draw per indicator in model order,
/// renormalised to sum 1 within each connotation, into `out` (cleared first).
pub fn perturb_indicator_weights(model: &Model, spread: f64, rng: &mut Rng, out: &mut Vec<f32>) {
    let mut raw: Vec<f64> = Vec::with_capacity(model.len());
    let mut sums = [0.0f64; 3];
    for ind in model.indicators() {
        let w = f64::from(ind.weight) * (1.0 + spread * rng.symmetric());
        if let Some(s) = sums.get_mut(ind.connotation.index()) {
            *s += w;
        }
        raw.push(w);
    }
    out.clear();
    out.extend(model.indicators().iter().zip(raw).map(|(ind, w)| {
        match sums.get(ind.connotation.index()) {
            Some(s) if *s > 0.0 => (w / s) as f32,
            _ => w as f32,
        }
    }));
}

/// Scores every record with `scorer` into `out` (cleared first), as composites; a record
/// that fails gives NaN. Returns the number of failures.
fn composites(scorer: &Scorer<'_>, records: &[Record], out: &mut Vec<f32>) -> u32 {
    out.clear();
    let mut failed = 0;
    for r in records {
        match scorer.score(r) {
            Ok(s) => out.push(s.composite),
            Err(_) => {
                failed += 1;
                out.push(f32::NAN);
            }
        }
    }
    failed
}

// ------------------------------------------------------------------------------------------
// The analysis
// ------------------------------------------------------------------------------------------

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
            .score(r)
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
    let mut values = Vec::with_capacity(p);
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
        if composites(&scorer, records, &mut values) > 0 {
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
    let mut buf: [Vec<f32>; 5] = core::array::from_fn(|_| Vec::with_capacity(p));
    let mut wide: [Vec<f64>; 5] = core::array::from_fn(|_| Vec::with_capacity(p));
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
            if composites(&Scorer::new(&drawn), records, out) > 0 {
                ok = false;
                break;
            }
        }
        if !ok {
            continue;
        }
        for (w, v) in wide.iter_mut().zip(&buf) {
            w.clear();
            w.extend(v.iter().map(|c| f64::from(*c)));
        }
        let [fa, fb, f1, f2, f3] = &wide;
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

// ------------------------------------------------------------------------------------------
// Portfolios
// ------------------------------------------------------------------------------------------

/// A row of a records file that scored with the nominal model.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// The 1-based line of the file on which the row starts.
    pub line: u64,
    /// The `id` cell as written.
    pub id: String,
    /// The full `name` cell (empty without a `name` column).
    pub name: String,
    /// The record.
    pub record: Record,
    /// Its scores with the nominal model.
    pub scores: Scores,
}

/// A row of a records file that could not be scored with the nominal model.
#[derive(Clone, Debug, PartialEq)]
pub struct Excluded {
    /// The 1-based line of the file on which the row starts.
    pub line: u64,
    /// The `id` cell as written.
    pub id: String,
    /// The full `name` cell.
    pub name: String,
    /// Why: the failure, whose `Display` is the SPEC §7 status (`insufficient_data:security`).
    pub failure: Failure,
}

/// The rows of a records file, split into those that score with the nominal model and those
/// that do not, each in input order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Portfolio {
    /// The rows that scored.
    pub projects: Vec<Project>,
    /// The rows that did not.
    pub excluded: Vec<Excluded>,
}

impl Portfolio {
    /// Reads and scores every row of `reader` with its model. Only an unreadable file is an
    /// error; a bad row is [`Excluded`].
    pub fn read<R: Read>(reader: RecordsReader<'_, R>, model: &Model) -> Result<Self, HostError> {
        let mut portfolio = Portfolio::default();
        for row in reader {
            let row = row?;
            let outcome = score_row(model, &row.record);
            match (outcome.result, row.record) {
                (Ok(scores), Ok(record)) => portfolio.projects.push(Project {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    record,
                    scores,
                }),
                (Err(failure), _) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    failure,
                }),
                // score_row only succeeds on a parsed record.
                (Ok(_), Err(e)) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    failure: Failure::Row(e),
                }),
            }
        }
        Ok(portfolio)
    }

    /// The records of the projects that scored, in input order.
    pub fn records(&self) -> Vec<Record> {
        self.projects.iter().map(|p| p.record).collect()
    }

    /// Rows read: scored and excluded.
    pub fn rows(&self) -> usize {
        self.projects.len() + self.excluded.len()
    }
}

/// The connotation of each Sobol input, in order.
pub const SOBOL_INPUTS: [Connotation; 3] = Connotation::ALL;

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::BRI_CULTURAL_V1 as M;
    use std::string::ToString;

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
    fn splitmix_and_xoshiro_reference_values() {
        // SplitMix64 from seed 1234567 (the reference values of Vigna's splitmix64.c).
        let mut s = 1234567u64;
        let got: Vec<u64> = (0..5).map(|_| splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423,
                4593380528125082431,
                16408922859458223821
            ]
        );
        // xoshiro256++ from state [1, 2, 3, 4] (cross-checked with an independent
        // implementation of the reference C code).
        let mut r = Rng { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(got, XOSHIRO_1234);
    }

    const XOSHIRO_1234: [u64; 4] = [41943041, 58720359, 3588806011781223, 3591011842654386];

    #[test]
    fn uniform_draws_are_in_range_and_centred() {
        let mut r = Rng::new(99);
        let n = 100_000;
        let mut sum = 0.0;
        let mut heads = 0;
        for _ in 0..n {
            let u = r.symmetric();
            assert!((-1.0..1.0).contains(&u));
            sum += u;
            heads += u32::from(r.coin());
        }
        assert!((sum / n as f64).abs() < 0.01);
        assert!((heads as f64 / n as f64 - 0.5).abs() < 0.01);
    }

    #[test]
    fn ranks_break_ties_by_input_order() {
        let mut ranks = [0u32; 5];
        let mut order = Vec::new();
        rank(&[1.0, 3.0, 3.0, f32::NAN, 2.0], &mut order, &mut ranks);
        assert_eq!(ranks, [4, 1, 2, 5, 3]);
        rank(&[f32::NAN, f32::NAN], &mut order, &mut ranks);
        assert_eq!(&ranks[..2], &[1, 2]);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut one = [7u32];
        assert_eq!(nearest_rank(&mut one, 5), Some(7));
        assert_eq!(nearest_rank(&mut one, 95), Some(7));
        let mut v: Vec<u32> = (1..=100).collect();
        assert_eq!(nearest_rank(&mut v, 5), Some(5));
        assert_eq!(nearest_rank(&mut v, 50), Some(50));
        assert_eq!(nearest_rank(&mut v, 95), Some(95));
        assert_eq!(nearest_rank(&mut v, 0), Some(1));
        assert_eq!(nearest_rank(&mut v, 500), Some(100));
        let mut v = [3u32, 1, 2, 4];
        assert_eq!(nearest_rank(&mut v, 50), Some(2));
    }

    #[test]
    fn sobol_of_a_linear_function_matches_the_analytic_indices() {
        // f = x1 + 2·x2 + 0·x3 with x ~ U(−1, 1): V = 1/3 + 4/3, S = S_T = (0.2, 0.8, 0).
        let s = sobol::<3>(20_000, &mut Rng::new(2024), |x| x[0] + 2.0 * x[1]).unwrap();
        for (got, want) in s.first.iter().zip([0.2, 0.8, 0.0]) {
            assert!((got - want).abs() < 0.03, "first {:?}", s.first);
        }
        for (got, want) in s.total.iter().zip([0.2, 0.8, 0.0]) {
            assert!((got - want).abs() < 0.03, "total {:?}", s.total);
        }
        assert!((s.variance - 5.0 / 3.0).abs() < 0.05);
    }

    #[test]
    fn sobol_of_an_interaction_separates_first_and_total() {
        // f = x1·x2: no first-order effects, all variance in the interaction.
        let s = sobol::<2>(20_000, &mut Rng::new(5), |x| x[0] * x[1]).unwrap();
        assert!(s.first.iter().all(|v| v.abs() < 0.05), "{:?}", s.first);
        assert!(
            s.total.iter().all(|v| (v - 1.0).abs() < 0.05),
            "{:?}",
            s.total
        );
    }

    #[test]
    fn sobol_of_a_constant_is_none() {
        assert_eq!(sobol::<3>(100, &mut Rng::new(1), |_| 42.0), None);
    }

    #[test]
    fn connotation_weights_are_normalised() {
        let w = perturb_connotation_weights([1.0, 1.0, 0.0], 0.5, [1.0, -1.0, 0.3]);
        assert!((w[0] - 0.75).abs() < 1e-6 && (w[1] - 0.25).abs() < 1e-6 && w[2] == 0.0);
    }

    #[test]
    fn indicator_weights_sum_to_one_per_connotation() {
        let mut w = Vec::new();
        perturb_indicator_weights(&M, 0.9, &mut Rng::new(3), &mut w);
        let mut sums = [0.0f32; 3];
        for (ind, w) in M.indicators().iter().zip(&w) {
            assert!(*w > 0.0);
            sums[ind.connotation.index()] += w;
        }
        assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums:?}");
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
    fn a_function_of_one_input_puts_everything_on_it() {
        let s = sobol::<3>(5_000, &mut Rng::new(8), |x| x[0] * x[0] * x[0]).unwrap();
        assert_eq!(
            (s.first[1], s.first[2], s.total[1], s.total[2]),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert!((s.first[0] - 1.0).abs() < 0.05 && (s.total[0] - 1.0).abs() < 0.05);
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
}
