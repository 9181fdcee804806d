//! Sobol indices from the evaluations of a Saltelli design, with bootstrap confidence
//! intervals.
//!
//! For each design row j an output has f(A_j), f(B_j) and f(A_B^(g)_j) for each input group
//! g (A_j with group g's coordinates taken from B_j). The outputs are first **centred** on
//! their mean over the whole design (as SALib does); with a' = f(A) − m, b' = f(B) − m,
//! ab'_g = f(A_B^(g)) − m over the N rows:
//!
//! * V = the variance of the 2N values a' and b' (divided by 2N);
//! * first order (Saltelli et al. 2010, Table 2 (b)): S_g = mean(b'·(ab'_g − a')) / V;
//! * total (Jansen 1999; Saltelli et al. 2010, Table 2 (f)): S_Tg = mean((a' − ab'_g)²) / 2V.
//!
//! **Confidence intervals.** Each index comes with a bootstrap percentile interval: `resamples`
//! times, N rows are drawn with replacement and the indices recomputed on them (the same
//! draws for every output, so the intervals of a mean over outputs are consistent); the
//! interval runs from the 2.5th to the 97.5th percentile of those recomputed values
//! (nearest rank). Resampling the rows of a quasi-random design treats them as independent,
//! which makes the interval conservative (wider than the estimator's true spread), as in
//! SALib.

use std::vec;
use std::vec::Vec;

use super::design::{Design, MAX_ROWS};
use super::rng::{splitmix64, Rng};

/// The confidence level of every interval: 95 %.
pub const CONFIDENCE: f64 = 0.95;

/// An index with its bootstrap confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimate from all rows.
    pub value: f64,
    /// The lower end of the 95 % interval.
    pub low: f64,
    /// The upper end of the 95 % interval.
    pub high: f64,
}

impl Estimate {
    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        0.5 * (self.high - self.low)
    }

    /// Whether `x` lies in the interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The first-order and total index of one input group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupIndices {
    /// First order S_g: the share of the output variance due to the group alone.
    pub first: Estimate,
    /// Total S_Tg: the share due to the group including all its interactions.
    pub total: Estimate,
}

/// Sobol indices of one output with respect to each input group.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// One entry per input group, in the order of the design.
    pub groups: Vec<GroupIndices>,
    /// The output variance V the indices are shares of.
    pub variance: f64,
}

/// How the confidence intervals are computed: `resamples` bootstrap resamples of the rows,
/// drawn from `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bootstrap {
    /// The number of resamples (0: the intervals collapse to the estimate).
    pub resamples: u32,
    /// The seed of the resampling.
    pub seed: u64,
}

/// How many times each of `n` rows is drawn in bootstrap resample `b` (n draws with
/// replacement), into `counts` (resized to n).
fn resample(boot: &Bootstrap, b: u32, n: usize, counts: &mut Vec<u32>) {
    let mut s = boot.seed ^ u64::from(b).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut rng = Rng::new(splitmix64(&mut s));
    counts.clear();
    counts.resize(n, 0);
    for _ in 0..n {
        let j = ((rng.next_u64() >> 32) * n as u64) >> 32;
        if let Some(c) = counts.get_mut(j as usize) {
            *c += 1;
        }
    }
}

/// Running sums of one output over some rows.
struct Sums {
    rows: f64,
    sum: f64,
    sum_sq: f64,
    first: Vec<f64>,
    total: Vec<f64>,
}

impl Sums {
    fn new(groups: usize) -> Self {
        Sums {
            rows: 0.0,
            sum: 0.0,
            sum_sq: 0.0,
            first: vec![0.0; groups],
            total: vec![0.0; groups],
        }
    }

    fn clear(&mut self) {
        self.rows = 0.0;
        self.sum = 0.0;
        self.sum_sq = 0.0;
        self.first.iter_mut().for_each(|v| *v = 0.0);
        self.total.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Adds one row (f(A), f(B), f(A_B^g)…), centred on `centre`, `times` times.
    fn add<T: Copy + Into<f64>>(&mut self, row: &[T], centre: f64, times: f64) {
        let mut it = row.iter().map(|v| (*v).into() - centre);
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            return;
        };
        self.rows += times;
        self.sum += times * (a + b);
        self.sum_sq += times * (a * a + b * b);
        for ((f, t), ab) in self.first.iter_mut().zip(self.total.iter_mut()).zip(it) {
            *f += times * (b * (ab - a));
            *t += times * ((a - ab) * (a - ab));
        }
    }

    /// The variance and, into `out` (first then total per group), the indices; `None` when
    /// the variance is at most `floor`.
    fn indices(&self, floor: f64, out: &mut [f64]) -> Option<f64> {
        let n = self.rows;
        if n == 0.0 {
            return None;
        }
        let mean = self.sum / (2.0 * n);
        let v = self.sum_sq / (2.0 * n) - mean * mean;
        if v.is_nan() || v <= floor {
            return None;
        }
        for (k, (f, t)) in self.first.iter().zip(&self.total).enumerate() {
            if let Some(o) = out.get_mut(2 * k) {
                *o = f / n / v;
            }
            if let Some(o) = out.get_mut(2 * k + 1) {
                *o = t / (2.0 * n) / v;
            }
        }
        Some(v)
    }
}

/// The nearest-rank percentile `q` (in (0, 1]) of `values` (sorted in place), NaNs left out.
fn percentile(values: &mut Vec<f64>, q: f64) -> Option<f64> {
    values.retain(|v| !v.is_nan());
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return None;
    }
    let k = ((q * n as f64).ceil() as usize).clamp(1, n);
    values.get(k - 1).copied()
}

/// The Sobol indices of one output from its design evaluations, with bootstrap intervals.
///
/// `outputs` holds N rows of `groups + 2` values each: f(A_j), f(B_j), then f(A_B^(g)_j) for
/// each group g (a trailing partial row is ignored). Returns `None` when there are no rows
/// or the output hardly varies (standard deviation at most 10⁻⁶·max(1, |mean|): the indices
/// would be rounding noise). When `mean` is given, the output's indices and bootstrap
/// replicates are added to it.
///
/// ```
/// use silkscore_host::sensitivity::sobol::{indices, Bootstrap};
/// // f = x1 + 2·x2 evaluated on a tiny hand-made design of 4 rows (2 groups):
/// // columns f(A), f(B), f(A with x1 from B), f(A with x2 from B).
/// let f = |x1: f64, x2: f64| x1 + 2.0 * x2;
/// let rows = [(0.1, 0.7, 0.6, 0.2), (0.4, 0.1, 0.9, 0.5), (0.8, 0.3, 0.2, 0.9), (0.6, 0.9, 0.3, 0.4)];
/// let outputs: Vec<f64> = rows.iter()
///     .flat_map(|&(a1, a2, b1, b2)| [f(a1, a2), f(b1, b2), f(b1, a2), f(a1, b2)])
///     .collect();
/// let s = indices(&outputs, 2, &Bootstrap { resamples: 50, seed: 1 }, None).unwrap();
/// assert_eq!(s.groups.len(), 2);
/// assert!(s.groups[1].total.value > s.groups[0].total.value);
/// ```
pub fn indices<T: Copy + Into<f64>>(
    outputs: &[T],
    groups: usize,
    boot: &Bootstrap,
    mean: Option<&mut MeanIndices>,
) -> Option<SobolIndices> {
    let n = outputs.len() / (groups + 2);
    let mut all = indices_of_many(
        outputs.get(..n * (groups + 2)).unwrap_or(&[]),
        1,
        groups,
        boot,
        mean,
    );
    all.pop().flatten()
}

/// One output's rows, centre, variance floor, point estimates and variance.
struct Point<'a, T> {
    out: &'a [T],
    centre: f64,
    floor: f64,
    point: Vec<f64>,
    variance: f64,
}

/// How many outputs are resampled together: the bootstrap draws of one resample are shared
/// by this many outputs, and their replicates are held at once.
const OUTPUTS_AT_ONCE: usize = 64;

/// [`indices`] of `count` outputs at once: `outputs` holds output after output, each N rows
/// of `groups + 2` values (N = `outputs.len() / (count · (groups + 2))`). One result per
/// output, in order; each is added to `mean` when given. The bootstrap resamples are the same
/// rows for every output, so the result of an output does not depend on the others.
pub fn indices_of_many<T: Copy + Into<f64>>(
    outputs: &[T],
    count: usize,
    groups: usize,
    boot: &Bootstrap,
    mut mean: Option<&mut MeanIndices>,
) -> Vec<Option<SobolIndices>> {
    let stride = groups + 2;
    let width = 2 * groups;
    let n = if count == 0 {
        0
    } else {
        outputs.len() / (count * stride)
    };
    let per = n * stride;
    let b_count = boot.resamples as usize;
    let mut results = Vec::with_capacity(count);
    let mut sums = Sums::new(groups);
    let mut counts = Vec::with_capacity(n);
    let mut one = vec![0.0; width];
    for start in (0..count).step_by(OUTPUTS_AT_ONCE) {
        let end = (start + OUTPUTS_AT_ONCE).min(count);
        // Point estimates per output.
        let mut block: Vec<Option<Point<'_, T>>> = Vec::new();
        for k in start..end {
            let out = outputs.get(k * per..(k + 1) * per).unwrap_or(&[]);
            if out.is_empty() {
                block.push(None);
                continue;
            }
            let centre = out.iter().map(|v| (*v).into()).sum::<f64>() / out.len() as f64;
            let scale = 1e-6 * centre.abs().max(1.0);
            let floor = scale * scale;
            sums.clear();
            for row in out.chunks_exact(stride) {
                sums.add(row, centre, 1.0);
            }
            let mut point = vec![0.0; width];
            block.push(sums.indices(floor, &mut point).map(|variance| Point {
                out,
                centre,
                floor,
                point,
                variance,
            }));
        }
        // Bootstrap replicates: reps[(k - start) * B * 2G + b * 2G + i].
        let mut reps = vec![f64::NAN; block.len() * b_count * width];
        for b in 0..b_count {
            resample(boot, b as u32, n, &mut counts);
            for (k, entry) in block.iter().enumerate() {
                let Some(e) = entry else {
                    continue;
                };
                sums.clear();
                for (row, c) in e.out.chunks_exact(stride).zip(&counts) {
                    if *c > 0 {
                        sums.add(row, e.centre, f64::from(*c));
                    }
                }
                if sums.indices(e.floor, &mut one).is_some() {
                    let at = (k * b_count + b) * width;
                    if let Some(slot) = reps.get_mut(at..at + width) {
                        slot.copy_from_slice(&one);
                    }
                }
            }
        }
        for (k, entry) in block.into_iter().enumerate() {
            let Some(Point {
                point, variance, ..
            }) = entry
            else {
                results.push(None);
                continue;
            };
            let own = reps
                .get(k * b_count * width..(k + 1) * b_count * width)
                .unwrap_or(&[]);
            if let Some(m) = mean.as_deref_mut() {
                m.add(&point, variance, own);
            }
            results.push(Some(SobolIndices {
                groups: intervals(&point, own, groups),
                variance,
            }));
        }
    }
    results
}

/// Point estimates with percentile intervals from replicates `reps[b * 2G + k]`.
fn intervals(point: &[f64], reps: &[f64], groups: usize) -> Vec<GroupIndices> {
    let width = 2 * groups;
    let tail = 0.5 * (1.0 - CONFIDENCE);
    let mut column = Vec::with_capacity(reps.len() / width.max(1));
    let mut estimate = |k: usize| {
        let value = point.get(k).copied().unwrap_or(f64::NAN);
        column.clear();
        column.extend(reps.iter().skip(k).step_by(width.max(1)).copied());
        let low = percentile(&mut column, tail).unwrap_or(value);
        let high = percentile(&mut column, 1.0 - tail).unwrap_or(value);
        Estimate { value, low, high }
    };
    (0..groups)
        .map(|g| GroupIndices {
            first: estimate(2 * g),
            total: estimate(2 * g + 1),
        })
        .collect()
}

/// The mean of the Sobol indices of many outputs (the projects of a portfolio), with
/// bootstrap intervals from the mean of each replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct MeanIndices {
    groups: usize,
    outputs: usize,
    point: Vec<f64>,
    variance: f64,
    reps: Vec<f64>,
    counts: Vec<u32>,
}

impl MeanIndices {
    /// No outputs yet, for `groups` groups and `resamples` replicates.
    pub fn new(groups: usize, resamples: u32) -> Self {
        let len = resamples as usize * 2 * groups;
        MeanIndices {
            groups,
            outputs: 0,
            point: vec![0.0; 2 * groups],
            variance: 0.0,
            reps: vec![0.0; len],
            counts: vec![0; len],
        }
    }

    /// The number of outputs added.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    fn add(&mut self, point: &[f64], variance: f64, reps: &[f64]) {
        self.outputs += 1;
        self.variance += variance;
        for (m, v) in self.point.iter_mut().zip(point) {
            *m += v;
        }
        for ((m, c), v) in self.reps.iter_mut().zip(&mut self.counts).zip(reps) {
            if !v.is_nan() {
                *m += v;
                *c += 1;
            }
        }
    }

    /// The mean indices (`variance` is the mean variance), or `None` without outputs.
    pub fn finish(&self) -> Option<SobolIndices> {
        if self.outputs == 0 {
            return None;
        }
        let k = self.outputs as f64;
        let point: Vec<f64> = self.point.iter().map(|v| v / k).collect();
        let reps: Vec<f64> = self
            .reps
            .iter()
            .zip(&self.counts)
            .map(|(s, c)| if *c > 0 { s / f64::from(*c) } else { f64::NAN })
            .collect();
        Some(SobolIndices {
            groups: intervals(&point, &reps, self.groups),
            variance: self.variance / k,
        })
    }
}

/// The evaluations of a scalar function of `inputs` inputs (each uniform on (0, 1)) on the
/// quasi-random Saltelli design of base size `samples` (at most 2¹⁶) scrambled from `seed`:
/// per row f(A_j), f(B_j), then f(A_B^(i)_j) for each input, as [`indices`] takes them.
/// Empty for no inputs or more than 128.
///
/// ```
/// use silkscore_host::sensitivity::sobol::evaluate;
/// let y = evaluate(16, 1, 2, |x| x[0] + x[1]);
/// assert_eq!(y.len(), 16 * 4);
/// ```
pub fn evaluate(
    samples: u32,
    seed: u64,
    inputs: usize,
    mut f: impl FnMut(&[f64]) -> f64,
) -> Vec<f64> {
    let Some(design) = Design::new(inputs, seed) else {
        return Vec::new();
    };
    let n = samples.min(MAX_ROWS);
    let mut outputs = Vec::with_capacity(n as usize * (inputs + 2));
    let (mut a, mut b) = (vec![0.0; inputs], vec![0.0; inputs]);
    let mut x = vec![0.0; inputs];
    for j in 0..n {
        design.row(j, &mut a, &mut b);
        outputs.push(f(&a));
        outputs.push(f(&b));
        for g in 0..inputs {
            x.copy_from_slice(&a);
            if let (Some(xg), Some(bg)) = (x.get_mut(g), b.get(g)) {
                *xg = *bg;
            }
            outputs.push(f(&x));
        }
    }
    outputs
}

/// Sobol indices of a scalar function of `inputs` inputs, each uniform on (0, 1) and its own
/// group, from a quasi-random Saltelli design of base size `samples` (at most 2¹⁶; G + 2
/// evaluations per row for G = `inputs`, [`evaluate`]) with `resamples` bootstrap
/// resamples; `None` for a function that does not vary, no rows or more than 128 inputs.
///
/// ```
/// use silkscore_host::sensitivity::sobol::sobol;
/// // f = x1 + 2·x2 (x3 unused): V = 1/12 + 4/12, so S = S_T = (0.2, 0.8, 0).
/// let s = sobol(4096, 1, 3, 200, |x| x[0] + 2.0 * x[1]).unwrap();
/// for (g, exact) in s.groups.iter().zip([0.2, 0.8, 0.0]) {
///     assert!((g.first.value - exact).abs() < 0.01 && (g.total.value - exact).abs() < 0.01);
///     assert!(g.first.contains(exact) && g.total.contains(exact));
/// }
/// ```
pub fn sobol(
    samples: u32,
    seed: u64,
    inputs: usize,
    resamples: u32,
    f: impl FnMut(&[f64]) -> f64,
) -> Option<SobolIndices> {
    let outputs = evaluate(samples, seed, inputs, f);
    let mut s = seed ^ 0xB007_5EED_B007_5EED;
    let boot = Bootstrap {
        resamples,
        seed: splitmix64(&mut s),
    };
    indices(&outputs, inputs, &boot, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::f64::consts::PI;

    /// The Ishigami function (a = 7, b = 0.1) on x ∈ (−π, π)³, and its exact indices
    /// (Ishigami & Homma 1990; Sobol' & Levitan 1999).
    fn ishigami(x: &[f64]) -> f64 {
        let [x1, x2, x3] = [x[0], x[1], x[2]].map(|u| PI * (2.0 * u - 1.0));
        x1.sin() + 7.0 * x2.sin().powi(2) + 0.1 * x3.powi(4) * x1.sin()
    }

    fn ishigami_exact() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn ishigami_indices_are_close_and_inside_their_intervals() {
        let s = sobol(8192, 3, 3, 300, ishigami).unwrap();
        let (first, total) = ishigami_exact();
        for (k, g) in s.groups.iter().enumerate() {
            assert!(
                g.first.contains(first[k]),
                "S{k}: {:?} vs {}",
                g.first,
                first[k]
            );
            assert!(
                g.total.contains(total[k]),
                "ST{k}: {:?} vs {}",
                g.total,
                total[k]
            );
            assert!((g.first.value - first[k]).abs() < 0.02, "{:?}", g.first);
            assert!((g.total.value - total[k]).abs() < 0.02, "{:?}", g.total);
            assert!(g.first.low <= g.first.high && g.first.half_width() < 0.06);
        }
    }

    #[test]
    fn an_interaction_separates_first_and_total() {
        // f = (x1 − ½)(x2 − ½): no first-order effect, all variance in the interaction.
        let s = sobol(4096, 5, 2, 100, |x| (x[0] - 0.5) * (x[1] - 0.5)).unwrap();
        for g in &s.groups {
            assert!(g.first.value.abs() < 0.02, "{g:?}");
            assert!((g.total.value - 1.0).abs() < 0.02, "{g:?}");
        }
    }

    #[test]
    fn centring_matters_for_a_large_mean() {
        // f = 1000 + x1 + 2·x2: without centring the first-order estimator carries the
        // mean squared into its variance and misses badly at this N.
        let s = sobol(1024, 9, 2, 100, |x| 1000.0 + x[0] + 2.0 * x[1]).unwrap();
        assert!((s.groups[0].first.value - 0.2).abs() < 0.005, "{s:?}");
        assert!((s.groups[1].first.value - 0.8).abs() < 0.005, "{s:?}");
        assert!(s.groups[0].first.half_width() < 0.05, "{s:?}");
    }

    #[test]
    fn a_constant_has_no_indices_and_unused_inputs_are_exactly_zero() {
        assert_eq!(sobol(256, 1, 3, 10, |_| 42.0), None);
        let s = sobol(1024, 8, 3, 50, |x| x[0].powi(3)).unwrap();
        assert_eq!(
            s.groups[1].first,
            Estimate {
                value: 0.0,
                low: 0.0,
                high: 0.0
            }
        );
        assert_eq!(s.groups[2].total.value, 0.0);
        assert!((s.groups[0].first.value - 1.0).abs() < 0.02);
    }

    #[test]
    fn intervals_shrink_with_more_samples_and_bootstrap_is_reproducible() {
        let small = sobol(256, 2, 3, 200, ishigami).unwrap();
        let large = sobol(4096, 2, 3, 200, ishigami).unwrap();
        assert!(large.groups[0].first.half_width() < 0.5 * small.groups[0].first.half_width());
        assert_eq!(small, sobol(256, 2, 3, 200, ishigami).unwrap());
        let none = sobol(256, 2, 3, 0, ishigami).unwrap();
        assert_eq!(none.groups[0].first.low, none.groups[0].first.value);
    }

    #[test]
    fn the_mean_of_outputs_has_intervals_too() {
        let boot = Bootstrap {
            resamples: 100,
            seed: 4,
        };
        let design = Design::new(2, 1).unwrap();
        let mut mean = MeanIndices::new(2, 100);
        let mut outs = [Vec::new(), Vec::new()];
        for (a, b) in design.rows(1024) {
            for (k, out) in outs.iter_mut().enumerate() {
                let w = 1.0 + k as f64;
                let f = |x: &[f64]| w * x[0] + x[1];
                out.extend([f(&a), f(&b), f(&[b[0], a[1]]), f(&[a[0], b[1]])]);
            }
        }
        let s0 = indices(&outs[0], 2, &boot, Some(&mut mean)).unwrap();
        let s1 = indices(&outs[1], 2, &boot, Some(&mut mean)).unwrap();
        let m = mean.finish().unwrap();
        assert_eq!(mean.outputs(), 2);
        let avg = 0.5 * (s0.groups[0].first.value + s1.groups[0].first.value);
        assert!((m.groups[0].first.value - avg).abs() < 1e-12);
        // exact: 0.5 and 0.8 for x1, mean 0.65
        assert!(m.groups[0].first.contains(0.65), "{m:?}");
        assert!(MeanIndices::new(2, 10).finish().is_none());
    }

    #[test]
    fn percentiles_are_nearest_rank_and_skip_nan() {
        let mut v: Vec<f64> = (1..=40).rev().map(f64::from).collect();
        v.push(f64::NAN);
        assert_eq!(percentile(&mut v, 0.025), Some(1.0));
        assert_eq!(percentile(&mut v, 0.975), Some(39.0));
        assert_eq!(percentile(&mut Vec::new(), 0.5), None);
    }
}
