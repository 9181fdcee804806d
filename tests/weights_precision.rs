//! Entropy and CRITIC weights over a large batch of nearly equal records agree with an
//! independent float64 computation (issue 8, item 4): 300,000 records of the default model,
//! every value within ±1 % of the middle of its goalposts, weights within 1e-3.
//!
//! Such data is the hard case for accumulation: the entropy divergences d_j are of order
//! 1e-6 to 1e-8, so summing p·ln p in f32 (or computing 1 − e_j from a rounded e_j) loses
//! every digit of them, and the weights d_j / Σ d_k come out wrong by tenths.
//!
//! The reference below is written from docs/spec.md §4 and §5 and the CRITIC definition
//! only: it normalises the raw values in f64 (not through the library), uses the textbook
//! formulas (p_ij = s_ij / Σ_i s_ij, e_j = −Σ_i p_ij ln p_ij / ln m, d_j = 1 − e_j; σ, Pearson
//! ρ, C_j = σ_j Σ_k (1 − ρ_jk)) and compensated (Neumaier) sums.

use silkscore::model::{Direction, Indicator, Transform};
use silkscore::weights::{critic::critic, entropy::entropy};
use silkscore::{Model, Record, BRI_CULTURAL_V1};

const RECORDS: usize = 300_000;

/// SplitMix64: small and deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [−1, 1).
    fn signed_unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// `m` records of `model` whose every value lies within ±1 % of the middle of its goalposts.
fn near_middle(model: &Model, m: usize) -> Vec<Record> {
    let mut rng = Rng(2023);
    (0..m)
        .map(|id| {
            let mut r = Record::new(id as u32, model.len());
            for (j, ind) in model.indicators().iter().enumerate() {
                let mid = (f64::from(ind.lo) + f64::from(ind.hi)) / 2.0;
                let x = mid * (1.0 + 0.01 * rng.signed_unit());
                r.set(j, x as f32).unwrap();
            }
            r
        })
        .collect()
}

/// A Neumaier (compensated) sum.
#[derive(Default, Clone, Copy)]
struct Sum {
    sum: f64,
    comp: f64,
}
impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        self.comp += if self.sum.abs() >= x.abs() {
            (self.sum - t) + x
        } else {
            (x - t) + self.sum
        };
        self.sum = t;
    }
    fn value(&self) -> f64 {
        self.sum + self.comp
    }
}

/// docs/spec.md §4 steps 1–3 in f64, from the raw value.
fn s64(ind: &Indicator, x: f32) -> f64 {
    let (lo, hi, x) = (f64::from(ind.lo), f64::from(ind.hi), f64::from(x));
    let f = |v: f64| match ind.transform {
        Transform::Lin => v,
        Transform::Log => v.ln_1p(),
        Transform::Ln => v.ln(),
    };
    let t = (f(x.clamp(lo, hi)) - f(lo)) / (f(hi) - f(lo));
    let s = match ind.direction {
        Direction::Benefit => t,
        Direction::Cost => 1.0 - t,
    };
    s.clamp(0.0, 1.0)
}

/// Per-indicator values normalised within each connotation (1/k where they sum to 0).
fn within_connotations(model: &Model, v: &[f64]) -> Vec<f64> {
    let inds = model.indicators();
    inds.iter()
        .enumerate()
        .map(|(j, ind)| {
            let same: Vec<usize> = (0..inds.len())
                .filter(|k| inds[*k].connotation == ind.connotation)
                .collect();
            let total: f64 = same.iter().map(|k| v[*k]).sum();
            if total > 0.0 {
                v[j] / total
            } else {
                1.0 / same.len() as f64
            }
        })
        .collect()
}

/// The columns of normalised scores, in f64.
fn columns(model: &Model, records: &[Record]) -> Vec<Vec<f64>> {
    model
        .indicators()
        .iter()
        .enumerate()
        .map(|(j, ind)| {
            records
                .iter()
                .map(|r| s64(ind, r.get(j).unwrap()))
                .collect()
        })
        .collect()
}

/// Textbook entropy weights in f64.
fn entropy_reference(model: &Model, cols: &[Vec<f64>]) -> Vec<f64> {
    let m = cols[0].len() as f64;
    let d: Vec<f64> = cols
        .iter()
        .map(|col| {
            if col.iter().all(|s| *s == col[0]) {
                return 0.0;
            }
            let mut total = Sum::default();
            col.iter().for_each(|s| total.add(*s));
            let total = total.value();
            let mut plnp = Sum::default();
            for s in col {
                let p = s / total;
                if p > 0.0 {
                    plnp.add(p * p.ln());
                }
            }
            1.0 - (-plnp.value() / m.ln())
        })
        .collect();
    within_connotations(model, &d)
}

/// Textbook CRITIC weights in f64 (population σ, Pearson ρ; constant columns excluded).
fn critic_reference(model: &Model, cols: &[Vec<f64>]) -> Vec<f64> {
    let m = cols[0].len() as f64;
    let mean: Vec<f64> = cols
        .iter()
        .map(|col| {
            let mut s = Sum::default();
            col.iter().for_each(|x| s.add(*x));
            s.value() / m
        })
        .collect();
    let dev: Vec<Vec<f64>> = cols
        .iter()
        .zip(&mean)
        .map(|(col, mu)| col.iter().map(|x| x - mu).collect())
        .collect();
    let n = cols.len();
    let mut cov = vec![vec![0.0; n]; n];
    for j in 0..n {
        for k in j..n {
            let mut s = Sum::default();
            dev[j].iter().zip(&dev[k]).for_each(|(a, b)| s.add(a * b));
            cov[j][k] = s.value() / m;
            cov[k][j] = cov[j][k];
        }
    }
    let sigma: Vec<f64> = (0..n).map(|j| cov[j][j].sqrt()).collect();
    let mut info = vec![0.0; n];
    for j in 0..n {
        let mut conflict = 0.0;
        for k in 0..n {
            // Constant columns (σ = 0) are excluded from every conflict sum.
            if sigma[j] == 0.0 || sigma[k] == 0.0 {
                continue;
            }
            let rho = if j == k {
                1.0
            } else {
                (cov[j][k] / (sigma[j] * sigma[k])).clamp(-1.0, 1.0)
            };
            conflict += 1.0 - rho;
        }
        info[j] = sigma[j] * conflict;
    }
    within_connotations(model, &info)
}

fn max_abs_diff(got: &[f32], want: &[f64]) -> (f64, usize) {
    got.iter()
        .zip(want)
        .enumerate()
        .map(|(j, (g, w))| ((f64::from(*g) - w).abs(), j))
        .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a })
}

#[test]
fn entropy_and_critic_over_300_000_nearly_equal_records_match_float64() {
    let model = &BRI_CULTURAL_V1;
    let records = near_middle(model, RECORDS);
    let cols = columns(model, &records);

    let want = entropy_reference(model, &cols);
    let got = entropy(model, &records).unwrap();
    assert!(!got.any_fallback());
    let (diff, j) = max_abs_diff(got.weights(), &want);
    println!("entropy: max |w - w_f64| = {diff:.3e} (indicator {j})");
    assert!(
        diff < 1e-3,
        "entropy weight of indicator {j} is {} but float64 says {} (|diff| = {diff:.3e})",
        got.weights()[j],
        want[j]
    );

    let want = critic_reference(model, &cols);
    let got = critic(model, &records).unwrap();
    let (diff, j) = max_abs_diff(got.weights(), &want);
    println!("CRITIC:  max |w - w_f64| = {diff:.3e} (indicator {j})");
    assert!(
        diff < 1e-3,
        "CRITIC weight of indicator {j} is {} but float64 says {} (|diff| = {diff:.3e})",
        got.weights()[j],
        want[j]
    );
}
