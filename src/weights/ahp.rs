//! Analytic Hierarchy Process weights (Saaty), docs/spec.md §5 and §8.
//!
//! The judgments of one connotation's n indicators (n ≤ [`MAX_N`]) are the upper triangle of
//! a pairwise comparison matrix on Saaty's 1/9..9 scale, in row-major order
//! a₁₂, a₁₃, …, a₁ₙ, a₂₃, …: a_jk = 3 says "indicator j matters three times as much as
//! indicator k". From them [`ahp`] builds the reciprocal matrix (a_kj = 1/a_jk, a_jj = 1),
//! finds the priority vector by power iteration and checks the consistency ratio; then
//! [`apply_to_connotation`] writes the weights into a [`Model`].
//!
//! The same method weights the three connotations against each other (docs/spec.md §5.5):
//! three judgments a_ce, a_cs, a_es (cultural against economic, cultural against security,
//! economic against security) give three weights, which [`apply_across`] writes into the
//! model's connotation weights.
//!
//! Everything lives in fixed-size arrays on the stack (a 15 × 15 matrix); nothing allocates.
//! The arithmetic is f32, the crate's one float type: against the float64 conformance vectors
//! it agrees to about 1e-7 in the weights and CR and 2e-6 in λmax, far inside the tolerances
//! (1e-4 and 1e-3).
//!
//! ```
//! use silkscore::weights::ahp::{self, Consistency};
//! use silkscore::{Connotation, BRI_CULTURAL_V1};
//!
//! // Six security indicators: jobs matter twice as much as everything else.
//! let judgments = [2.0, 2.0, 2.0, 2.0, 2.0, // a12 … a16
//!                  1.0, 1.0, 1.0, 1.0,      // a23 … a26
//!                  1.0, 1.0, 1.0,           // a34 … a36
//!                  1.0, 1.0,                // a45, a46
//!                  1.0];                    // a56
//! let result = ahp::ahp(&judgments, Consistency::Require).unwrap();
//! assert_eq!(result.n(), 6);
//! assert!((result.weights()[0] - 2.0 / 7.0).abs() < 1e-5);
//! assert!(result.cr() < 1e-5);
//!
//! let model = ahp::apply_to_connotation(&BRI_CULTURAL_V1, Connotation::Security, &result).unwrap();
//! assert!((model.indicators()[12].weight - 2.0 / 7.0).abs() < 1e-5); // jobs_created
//! ```

use super::WeightsError;
use crate::model::{Connotation, Model, MAX_INDICATORS};

/// Largest number of indicators one AHP comparison may cover (docs/spec.md §5).
pub const MAX_N: usize = 15;

/// Largest number of judgments: n(n−1)/2 for n = [`MAX_N`].
pub const MAX_JUDGMENTS: usize = MAX_N * (MAX_N - 1) / 2;

/// Saaty's random index RI_n for n = 1..=15 (`RANDOM_INDEX[n - 1]`).
pub const RANDOM_INDEX: [f32; MAX_N] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// The largest consistency ratio accepted without [`Consistency::AcceptInconsistent`].
pub const MAX_CR: f32 = 0.10;

/// Power iteration stops when no component of the priority vector changes by more than this
/// in one step (docs/spec.md §8) …
pub const TOLERANCE: f32 = 1e-7;

/// … or after this many steps.
pub const MAX_ITERATIONS: u16 = 1000;

/// The smallest judgment, 1/9. A judgment within [`SNAP`] of it counts as exactly 1/9, so
/// `0.111` (a rounded 1/9) is accepted.
pub const MIN_JUDGMENT: f32 = 1.0 / 9.0;

/// The largest judgment, 9.
pub const MAX_JUDGMENT: f32 = 9.0;

/// How close to 1/9 a judgment must be to count as 1/9 (docs/spec.md §8).
pub const SNAP: f32 = 0.001;

/// What to do when the consistency ratio exceeds [`MAX_CR`] (docs/spec.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Consistency {
    /// CR > 0.10 is [`WeightsError::Inconsistent`]: the usual choice.
    Require,
    /// Return the weights whatever the CR; the caller has seen the judgments and accepts
    /// them. [`AhpWeights::is_consistent`] still tells.
    AcceptInconsistent,
}

/// The result of [`ahp`]: the priority vector of n indicators and its consistency.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AhpWeights {
    n: u8,
    weights: [f32; MAX_N],
    lambda_max: f32,
    ci: f32,
    cr: f32,
    iterations: u16,
}

impl AhpWeights {
    /// The number of indicators compared (1–15).
    pub const fn n(&self) -> usize {
        self.n as usize
    }

    /// The priority vector: n weights, positive, summing to 1 (up to rounding), in the order
    /// of the judgment matrix's rows.
    pub fn weights(&self) -> &[f32] {
        self.weights.get(..self.n()).unwrap_or(&[])
    }

    /// Weight `j` (0-based), or `None` when `j ≥ n`.
    pub fn weight(&self, j: usize) -> Option<f32> {
        self.weights().get(j).copied()
    }

    /// The principal eigenvalue estimate λmax = mean_j (A w)_j / w_j (n for a perfectly
    /// consistent matrix).
    pub const fn lambda_max(&self) -> f32 {
        self.lambda_max
    }

    /// The consistency index CI = (λmax − n)/(n − 1); 0 when n ≤ 2. λmax ≥ n in exact
    /// arithmetic, so a rounding error below n is reported as CI = 0.
    pub const fn ci(&self) -> f32 {
        self.ci
    }

    /// The consistency ratio CR = CI / RI_n; 0 when n ≤ 2.
    pub const fn cr(&self) -> f32 {
        self.cr
    }

    /// Whether CR ≤ [`MAX_CR`] (always true for n ≤ 2).
    pub fn is_consistent(&self) -> bool {
        self.cr <= MAX_CR
    }

    /// Power-iteration steps taken (at most [`MAX_ITERATIONS`]; 0 for n = 1).
    pub const fn iterations(&self) -> u16 {
        self.iterations
    }
}

/// The number of judgments for n indicators, n(n−1)/2, or `None` unless 1 ≤ n ≤ [`MAX_N`].
///
/// ```
/// use silkscore::weights::ahp::judgment_count;
/// assert_eq!(judgment_count(1), Some(0));
/// assert_eq!(judgment_count(6), Some(15));
/// assert_eq!(judgment_count(16), None);
/// ```
pub const fn judgment_count(n: usize) -> Option<usize> {
    if n >= 1 && n <= MAX_N {
        Some(n * (n - 1) / 2)
    } else {
        None
    }
}

/// The number of indicators n whose upper triangle has `count` judgments, or `None` when
/// `count` is not n(n−1)/2 for any 1 ≤ n ≤ [`MAX_N`]. An empty list is n = 1.
///
/// ```
/// use silkscore::weights::ahp::order_for;
/// assert_eq!(order_for(0), Some(1));
/// assert_eq!(order_for(3), Some(3));
/// assert_eq!(order_for(4), None);
/// assert_eq!(order_for(120), None); // n = 16
/// ```
pub const fn order_for(count: usize) -> Option<usize> {
    let mut n = 1;
    while n <= MAX_N {
        if n * (n - 1) / 2 == count {
            return Some(n);
        }
        n += 1;
    }
    None
}

/// Checks one judgment (docs/spec.md §8): finite, in [1/9, 9], a value within [`SNAP`] of 1/9
/// counting as 1/9. Returns the value to use and its reciprocal.
fn judgment(value: f32, index: usize) -> Result<(f32, f32), WeightsError> {
    let invalid = WeightsError::InvalidJudgment {
        index: index.min(u16::MAX as usize) as u16,
    };
    if !value.is_finite() {
        return Err(invalid);
    }
    if (value - MIN_JUDGMENT).abs() <= SNAP {
        return Ok((1.0 / 9.0, 9.0));
    }
    if !(MIN_JUDGMENT..=MAX_JUDGMENT).contains(&value) {
        return Err(invalid);
    }
    Ok((value, 1.0 / value))
}

/// AHP weights from the upper-triangle judgments of one connotation's indicators (docs/spec.md §5,
/// §8).
///
/// `judgments` holds a₁₂, a₁₃, …, a₁ₙ, a₂₃, …, a₍ₙ₋₁₎ₙ: n(n−1)/2 values for n indicators,
/// n inferred from the count (0 judgments is n = 1). The priority vector is the principal
/// eigenvector of the reciprocal matrix, by power iteration from the uniform vector,
/// normalised to sum 1 at every step, until no component changes by more than [`TOLERANCE`]
/// or after [`MAX_ITERATIONS`] steps.
///
/// Errors, checked in this order:
/// - [`WeightsError::JudgmentCount`]: the count is not n(n−1)/2 for any n ≤ 15;
/// - [`WeightsError::InvalidJudgment`]: the first judgment that is not finite or lies outside
///   [1/9, 9] (a value within 0.001 of 1/9 counts as 1/9), by position in `judgments`;
/// - [`WeightsError::Inconsistent`]: CR > 0.10 with [`Consistency::Require`].
///
/// ```
/// use silkscore::weights::ahp::{ahp, Consistency};
/// use silkscore::weights::WeightsError;
///
/// // Three indicators: the first is 2× the second and 4× the third; the second 2× the third.
/// let w = ahp(&[2.0, 4.0, 2.0], Consistency::Require).unwrap();
/// assert!((w.weights()[0] - 4.0 / 7.0).abs() < 1e-5);
/// assert!((w.lambda_max() - 3.0).abs() < 1e-4);
///
/// // Contradictory judgments: 1 ≻ 2 ≻ 3 but 3 ≻ 1, strongly.
/// let bad = [9.0, 1.0 / 9.0, 9.0];
/// assert!(matches!(ahp(&bad, Consistency::Require), Err(WeightsError::Inconsistent { .. })));
/// let accepted = ahp(&bad, Consistency::AcceptInconsistent).unwrap();
/// assert!(!accepted.is_consistent());
///
/// assert_eq!(
///     ahp(&[2.0, 10.0, 1.0], Consistency::Require),
///     Err(WeightsError::InvalidJudgment { index: 1 })
/// );
/// assert_eq!(ahp(&[1.0; 4], Consistency::Require), Err(WeightsError::JudgmentCount { found: 4 }));
/// ```
pub fn ahp(judgments: &[f32], consistency: Consistency) -> Result<AhpWeights, WeightsError> {
    let count = judgments.len();
    let n = order_for(count).ok_or(WeightsError::JudgmentCount {
        found: count.min(u16::MAX as usize) as u16,
    })?;

    // The reciprocal matrix, row-major, in the top-left n × n corner.
    let mut a = [[1.0f32; MAX_N]; MAX_N];
    let mut next_judgment = judgments.iter().copied().enumerate();
    for j in 0..n {
        for k in (j + 1)..n {
            let (index, value) = next_judgment.next().ok_or(WeightsError::JudgmentCount {
                found: count.min(u16::MAX as usize) as u16,
            })?;
            let (v, r) = judgment(value, index)?;
            if let Some(x) = a.get_mut(j).and_then(|row| row.get_mut(k)) {
                *x = v;
            }
            if let Some(x) = a.get_mut(k).and_then(|row| row.get_mut(j)) {
                *x = r;
            }
        }
    }

    // Power iteration from the uniform vector.
    let mut w = [0.0f32; MAX_N];
    for x in w.iter_mut().take(n) {
        *x = 1.0 / n as f32;
    }
    let mut iterations = 0u16;
    if n > 1 {
        while iterations < MAX_ITERATIONS {
            iterations += 1;
            let mut next = multiply(&a, &w, n);
            let sum: f32 = next.iter().take(n).sum();
            let mut change: f32 = 0.0;
            for (x, old) in next.iter_mut().zip(w.iter()).take(n) {
                *x /= sum;
                change = change.max((*x - *old).abs());
            }
            w = next;
            if change <= TOLERANCE {
                break;
            }
        }
    }

    // λmax = mean_j (A w)_j / w_j.
    let aw = multiply(&a, &w, n);
    let ratio_sum: f32 = aw
        .iter()
        .zip(w.iter())
        .take(n)
        .map(|(num, den)| num / den)
        .sum();
    let lambda_max = ratio_sum / n as f32;
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = ((lambda_max - n as f32) / (n as f32 - 1.0)).max(0.0);
        let ri = RANDOM_INDEX.get(n - 1).copied().unwrap_or(1.0);
        (ci, ci / ri)
    };

    let result = AhpWeights {
        n: n as u8,
        weights: w,
        lambda_max,
        ci,
        cr,
        iterations,
    };
    if consistency == Consistency::Require && !result.is_consistent() {
        return Err(WeightsError::Inconsistent { cr: result.cr });
    }
    Ok(result)
}

/// A · w over the top-left n × n corner.
fn multiply(a: &[[f32; MAX_N]; MAX_N], w: &[f32; MAX_N], n: usize) -> [f32; MAX_N] {
    let mut out = [0.0f32; MAX_N];
    for (o, row) in out.iter_mut().zip(a.iter()).take(n) {
        *o = row.iter().zip(w.iter()).take(n).map(|(x, y)| x * y).sum();
    }
    out
}

/// A copy of `model` in which the indicators of `connotation`, in model order, get the AHP
/// weights of `result` (row j of the judgment matrix is the connotation's j-th indicator).
/// The other indicators keep their weights; the model is validated again.
///
/// The connotation must have exactly [`AhpWeights::n`] indicators; otherwise
/// [`WeightsError::ConnotationSize`] with `expected` the connotation's indicator count and
/// `found` n.
///
/// ```
/// use silkscore::weights::ahp::{ahp, apply_to_connotation, Consistency};
/// use silkscore::weights::WeightsError;
/// use silkscore::{Connotation, BRI_CULTURAL_V1};
///
/// let judgments = [1.0; 15]; // six economic indicators, all equally important
/// let w = ahp(&judgments, Consistency::Require).unwrap();
/// let model = apply_to_connotation(&BRI_CULTURAL_V1, Connotation::Economic, &w).unwrap();
/// assert!((model.indicators()[6].weight - 1.0 / 6.0).abs() < 1e-6);
/// assert_eq!(model.indicators()[0].weight, 1.0); // cultural untouched
///
/// let three = ahp(&[1.0, 1.0, 1.0], Consistency::Require).unwrap();
/// assert_eq!(
///     apply_to_connotation(&BRI_CULTURAL_V1, Connotation::Economic, &three),
///     Err(WeightsError::ConnotationSize {
///         connotation: Connotation::Economic,
///         expected: 6,
///         found: 3
///     })
/// );
/// ```
pub fn apply_to_connotation(
    model: &Model,
    connotation: Connotation,
    result: &AhpWeights,
) -> Result<Model, WeightsError> {
    let k = model
        .indicators()
        .iter()
        .filter(|i| i.connotation == connotation)
        .count();
    if k != result.n() {
        return Err(WeightsError::ConnotationSize {
            connotation,
            expected: k.min(u8::MAX as usize) as u8,
            found: result.n,
        });
    }
    let mut weights = [0.0f32; MAX_INDICATORS];
    let mut ahp_weights = result.weights().iter();
    for (out, ind) in weights.iter_mut().zip(model.indicators()) {
        *out = if ind.connotation == connotation {
            ahp_weights.next().copied().unwrap_or(0.0)
        } else {
            ind.weight
        };
    }
    // A model has at most MAX_INDICATORS indicators: the slice is always `model.len()` long.
    let weights = weights.get(..model.len()).unwrap_or(&weights);
    Ok(model.with_indicator_weights(weights)?)
}

/// A copy of `model` whose three connotation weights W_cultural, W_economic, W_security are
/// the AHP weights of `result` (docs/spec.md §5.5): row 1 of the judgment matrix is cultural,
/// row 2 economic, row 3 security, so the judgments are a_ce, a_cs, a_es. The indicator
/// weights are kept; the model is validated again.
///
/// `result` must be for n = 3; otherwise [`WeightsError::ConnotationCount`] with its n.
///
/// ```
/// use silkscore::weights::ahp::{ahp, apply_across, Consistency};
/// use silkscore::BRI_CULTURAL_V1;
///
/// // Cultural matters twice as much as economic and four times as much as security;
/// // economic twice as much as security.
/// let w = ahp(&[2.0, 4.0, 2.0], Consistency::Require).unwrap();
/// let model = apply_across(&BRI_CULTURAL_V1, &w).unwrap();
/// let [c, e, s] = model.params().weights;
/// assert!((c - 4.0 / 7.0).abs() < 1e-5 && (e - 2.0 / 7.0).abs() < 1e-5 && (s - 1.0 / 7.0).abs() < 1e-5);
/// assert_eq!(model.indicators(), BRI_CULTURAL_V1.indicators());
///
/// let two = ahp(&[3.0], Consistency::Require).unwrap();
/// assert!(apply_across(&BRI_CULTURAL_V1, &two).is_err());
/// ```
pub fn apply_across(model: &Model, result: &AhpWeights) -> Result<Model, WeightsError> {
    super::put_across(model, result.weights())
}
