//! The quasi-random Saltelli design: the points of matrices A and B from one Owen-scrambled
//! Sobol sequence ([`sobol_burley`], Burley 2020), as SALib builds them from its Sobol
//! sampler.
//!
//! Row j of the design is point j of a 2D-dimensional scrambled Sobol sequence: its first D
//! coordinates are row j of A, its last D row j of B. Rows start at point 0 (scrambled
//! sequences must not drop it: Owen 2020, "On dropping the first Sobol' point"). Each
//! coordinate is the centre of its 2⁻²³ cell of the sequence's 23-bit value, so every value
//! lies strictly inside (0, 1).
//!
//! The first 2¹⁶ points of a Sobol sequence are balanced best at a power of two: prefer a
//! base size N = 2ᵏ.

use std::vec::Vec;

use super::rng::splitmix64;

/// The most rows a design has: the length of a [`sobol_burley`] sequence, 2¹⁶.
pub const MAX_ROWS: u32 = 1 << 16;

/// The most inputs (dimensions of A) a design has: A and B together use at most the 256
/// dimensions of the sequence.
pub const MAX_INPUTS: usize = 128;

/// A Saltelli design of `inputs` inputs, scrambled by a seed.
///
/// ```
/// use silkscore_host::sensitivity::design::Design;
/// let d = Design::new(3, 7).unwrap();
/// let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
/// d.row(0, &mut a, &mut b);
/// assert!(a.iter().chain(&b).all(|x| 0.0 < *x && *x < 1.0));
/// // The same seed, the same points; another seed, another scramble.
/// let (mut a2, mut b2) = ([0.0; 3], [0.0; 3]);
/// Design::new(3, 7).unwrap().row(0, &mut a2, &mut b2);
/// assert_eq!((a, b), (a2, b2));
/// Design::new(3, 8).unwrap().row(0, &mut a2, &mut b2);
/// assert_ne!(a, a2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Design {
    inputs: usize,
    seed: u32,
}

impl Design {
    /// A design of `inputs` inputs (1 to [`MAX_INPUTS`]) scrambled from `seed`; `None`
    /// outside that range.
    pub fn new(inputs: usize, seed: u64) -> Option<Self> {
        if inputs == 0 || inputs > MAX_INPUTS {
            return None;
        }
        let mut s = seed;
        let seed = (splitmix64(&mut s) >> 32) as u32;
        Some(Design { inputs, seed })
    }

    /// The number of inputs D.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// Writes row `j` of A into `a` and of B into `b` (each the first D entries; shorter
    /// slices get what fits). Rows past [`MAX_ROWS`] wrap around.
    pub fn row(&self, j: u32, a: &mut [f64], b: &mut [f64]) {
        let j = j % MAX_ROWS;
        let d = self.inputs as u32;
        for (k, x) in a.iter_mut().take(self.inputs).enumerate() {
            *x = coordinate(j, k as u32, self.seed);
        }
        for (k, x) in b.iter_mut().take(self.inputs).enumerate() {
            *x = coordinate(j, d + k as u32, self.seed);
        }
    }

    /// Rows 0..n as (A, B) pairs, for tests and small problems.
    pub fn rows(&self, n: u32) -> Vec<(Vec<f64>, Vec<f64>)> {
        (0..n)
            .map(|j| {
                let mut a = std::vec![0.0; self.inputs];
                let mut b = std::vec![0.0; self.inputs];
                self.row(j, &mut a, &mut b);
                (a, b)
            })
            .collect()
    }
}

/// Coordinate `dim` (< 256) of point `j` (< 2¹⁶): the centre of its 2⁻²³ cell.
fn coordinate(j: u32, dim: u32, seed: u32) -> f64 {
    // Both are in range by construction (`Design::new` and `row`); `min` keeps the
    // dependency's panic on an out-of-range dimension unreachable all the same.
    let x = sobol_burley::sample(j.min(MAX_ROWS - 1), dim.min(255), seed);
    f64::from(x) + 0.5 / f64::from(1u32 << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_bounded() {
        assert!(Design::new(0, 1).is_none());
        assert!(Design::new(MAX_INPUTS + 1, 1).is_none());
        let d = Design::new(MAX_INPUTS, 1).unwrap();
        let mut a = std::vec![0.0; MAX_INPUTS];
        let mut b = a.clone();
        d.row(MAX_ROWS - 1, &mut a, &mut b);
        d.row(MAX_ROWS, &mut a, &mut b);
    }

    #[test]
    fn every_coordinate_is_stratified() {
        // A scrambled Sobol sequence puts exactly one of its first 2^k points in each of the
        // 2^k intervals [i/2^k, (i+1)/2^k) of every coordinate: far more even than random.
        let d = Design::new(5, 42).unwrap();
        let rows = d.rows(256);
        for k in 0..5 {
            for m in [
                &rows.iter().map(|r| r.0[k]).collect::<Vec<_>>(),
                &rows.iter().map(|r| r.1[k]).collect(),
            ] {
                let mut cells = [0u32; 256];
                for x in m.iter() {
                    assert!(0.0 < *x && *x < 1.0);
                    // the centre of its 2^-23 cell: never 0, symmetric around ½
                    assert_eq!((x * f64::from(1u32 << 23)).fract(), 0.5, "{x}");
                    cells[(x * 256.0) as usize] += 1;
                }
                assert!(cells.iter().all(|c| *c == 1), "dimension {k}: {cells:?}");
            }
        }
    }

    #[test]
    fn a_and_b_are_different_coordinates() {
        let d = Design::new(2, 3).unwrap();
        let rows = d.rows(64);
        let same = rows.iter().filter(|(a, b)| a == b).count();
        assert_eq!(same, 0);
        // Means close to 1/2 (a QMC rule integrates x exactly up to 2^-k).
        let mean: f64 = rows.iter().map(|r| r.0[0] + r.1[1]).sum::<f64>() / 128.0;
        assert!((mean - 0.5).abs() < 1e-3, "{mean}");
    }
}
