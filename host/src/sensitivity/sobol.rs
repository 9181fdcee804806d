//! Sobol indices by the Saltelli design: the [`SaltelliAccumulator`] of the Saltelli (2010)
//! first-order and Jansen (1999) total estimators for many outputs at once, and [`sobol()`] for
//! one scalar function.

use std::vec;
use std::vec::Vec;

use super::rng::Rng;

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_function_of_one_input_puts_everything_on_it() {
        let s = sobol::<3>(5_000, &mut Rng::new(8), |x| x[0] * x[0] * x[0]).unwrap();
        assert_eq!(
            (s.first[1], s.first[2], s.total[1], s.total[2]),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert!((s.first[0] - 1.0).abs() < 0.05 && (s.total[0] - 1.0).abs() < 0.05);
    }
}
