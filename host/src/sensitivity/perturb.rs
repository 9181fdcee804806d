//! Perturbed assumptions: turning the coordinates of a design point into weights, goalposts,
//! a floor or a coverage threshold. Every function takes u ∈ (−1, 1) (or x ∈ (0, 1)) and is
//! plain f64 arithmetic plus the `libm` crate's `exp`, `expm1`, `ln` and `ln_1p`, so a design
//! point gives the same model on every platform.

use std::vec::Vec;

use silkscore::model::{Indicator, Model, Transform};

/// Connotation weights W_c·(1 + spread·u_c), normalised to sum 1 (in cultural, economic,
/// security order). A zero weight stays zero. The sum is not checked here: the model built
/// from the result validates it.
///
/// ```
/// use silkscore_host::sensitivity::perturb_connotation_weights;
/// let w = perturb_connotation_weights([1.0, 1.0, 0.0], 0.5, [1.0, -1.0, 0.3]);
/// assert_eq!(w, [0.75, 0.25, 0.0]);
/// ```
pub fn perturb_connotation_weights(nominal: [f32; 3], spread: f64, u: [f64; 3]) -> [f32; 3] {
    let raw: [f64; 3] = core::array::from_fn(|c| {
        let w = f64::from(nominal.get(c).copied().unwrap_or(0.0));
        w * (1.0 + spread * u.get(c).copied().unwrap_or(0.0))
    });
    let sum: f64 = raw.iter().sum();
    raw.map(|w| (w / sum) as f32)
}

/// Indicator weights w_i·(1 + spread·u_i), one u per indicator in model order (missing ones
/// count as 0), renormalised to sum 1 within each connotation, into `out` (cleared first).
pub fn perturb_indicator_weights(model: &Model, spread: f64, u: &[f64], out: &mut Vec<f32>) {
    let mut sums = [0.0f64; 3];
    let raw = |k: usize, ind: &Indicator| {
        f64::from(ind.weight) * (1.0 + spread * u.get(k).copied().unwrap_or(0.0))
    };
    for (k, ind) in model.indicators().iter().enumerate() {
        if let Some(s) = sums.get_mut(ind.connotation.index()) {
            *s += raw(k, ind);
        }
    }
    out.clear();
    out.extend(model.indicators().iter().enumerate().map(|(k, ind)| {
        let w = raw(k, ind);
        match sums.get(ind.connotation.index()) {
            Some(s) if *s > 0.0 => (w / s) as f32,
            _ => w as f32,
        }
    }));
}

/// f(x) in f64 for a transform: x, ln(1 + x) or ln x.
fn forward(t: Transform, x: f64) -> f64 {
    match t {
        Transform::Lin => x,
        Transform::Log => libm::log1p(x),
        Transform::Ln => libm::log(x),
    }
}

/// The inverse of [`forward`]: y, eʸ − 1 or eʸ.
fn inverse(t: Transform, y: f64) -> f64 {
    match t {
        Transform::Lin => y,
        Transform::Log => libm::expm1(y),
        Transform::Ln => libm::exp(y),
    }
}

/// An indicator with its goalposts moved on the transformed scale: with span = f(hi) − f(lo),
/// f(lo') = f(lo) + fraction·span·u_lo and f(hi') = f(hi) + fraction·span·u_hi. For
/// fraction < ½ the new goalposts stay ordered, and they stay in the transform's domain
/// (lo' > −1 for `log`, lo' > 0 for `ln`). Rounded to f32; the model built from it validates.
///
/// ```
/// use silkscore::{Connotation, Direction, Indicator, Transform};
/// use silkscore_host::sensitivity::perturb_goalposts;
/// let i = Indicator::new("x", Connotation::Cultural, Direction::Benefit, Transform::Lin, 0.0, 100.0);
/// let moved = perturb_goalposts(&i, 0.1, -0.5, 1.0);
/// assert_eq!((moved.lo, moved.hi), (-5.0, 110.0));
/// ```
pub fn perturb_goalposts(ind: &Indicator, fraction: f64, u_lo: f64, u_hi: f64) -> Indicator {
    let t = ind.transform;
    let (f_lo, f_hi) = (forward(t, f64::from(ind.lo)), forward(t, f64::from(ind.hi)));
    let span = f_hi - f_lo;
    let lo = inverse(t, f_lo + fraction * span * u_lo);
    let hi = inverse(t, f_hi + fraction * span * u_hi);
    Indicator {
        lo: lo as f32,
        hi: hi as f32,
        ..*ind
    }
}

/// A geometric floor drawn log-uniformly from [lo, hi]: lo·(hi/lo)^x for x ∈ (0, 1).
pub fn log_uniform(lo: f64, hi: f64, x: f64) -> f64 {
    if lo == hi {
        return lo;
    }
    libm::exp(libm::log(lo) + x * (libm::log(hi) - libm::log(lo)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::BRI_CULTURAL_V1 as M;
    use silkscore::{Connotation, Direction};

    #[test]
    fn connotation_weights_are_normalised() {
        let w = perturb_connotation_weights([1.0, 1.0, 0.0], 0.5, [1.0, -1.0, 0.3]);
        assert!((w[0] - 0.75).abs() < 1e-6 && (w[1] - 0.25).abs() < 1e-6 && w[2] == 0.0);
    }

    #[test]
    fn indicator_weights_sum_to_one_per_connotation() {
        let u: Vec<f64> = (0..M.len())
            .map(|k| (k as f64 * 0.37) % 2.0 - 1.0)
            .collect();
        let mut w = Vec::new();
        perturb_indicator_weights(&M, 0.9, &u, &mut w);
        let mut sums = [0.0f32; 3];
        for (ind, w) in M.indicators().iter().zip(&w) {
            assert!(*w > 0.0);
            sums[ind.connotation.index()] += w;
        }
        assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums:?}");
        // u = 0 everywhere: the nominal (equal) weights.
        perturb_indicator_weights(&M, 0.9, &[], &mut w);
        assert!(w.iter().all(|v| (v - 1.0 / 6.0).abs() < 1e-6), "{w:?}");
    }

    #[test]
    fn goalposts_move_on_the_transformed_scale_and_stay_in_the_domain() {
        let log = Indicator::new(
            "v",
            Connotation::Economic,
            Direction::Benefit,
            Transform::Log,
            0.0,
            1e6,
        );
        let moved = perturb_goalposts(&log, 0.2, -0.999, 0.999);
        assert!(
            moved.lo > -1.0 && moved.lo < 0.0 && moved.hi > 1e6,
            "{moved:?}"
        );
        // ln(1 + lo') = −0.2·0.999·ln(1 + 10⁶)
        let want = -0.2 * 0.999 * (1e6f64 + 1.0).ln();
        assert!(((1.0 + f64::from(moved.lo)).ln() - want).abs() < 1e-5);
        let ln = Indicator::new(
            "i",
            Connotation::Economic,
            Direction::Cost,
            Transform::Ln,
            100.0,
            1e5,
        );
        let moved = perturb_goalposts(&ln, 0.45, 0.999, -0.999);
        assert!(moved.lo > 0.0 && moved.lo < moved.hi, "{moved:?}");
        let same = perturb_goalposts(&ln, 0.0, 0.7, -0.3);
        assert!((same.lo - 100.0).abs() < 1e-3 && (same.hi - 1e5).abs() < 1.0);
    }

    #[test]
    fn log_uniform_spans_its_range() {
        assert!((log_uniform(0.001, 0.1, 0.0) - 0.001).abs() < 1e-15);
        assert!((log_uniform(0.001, 0.1, 0.5) - 0.01).abs() < 1e-12);
        assert!((log_uniform(0.001, 0.1, 1.0) - 0.1).abs() < 1e-12);
        assert_eq!(log_uniform(0.5, 0.5, 0.3), 0.5);
    }
}
