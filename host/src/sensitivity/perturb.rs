//! Perturbed weights: the random draws of the Monte Carlo and the Sobol design.

use std::vec::Vec;

use super::rng::Rng;
use silkscore::model::Model;

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

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::BRI_CULTURAL_V1 as M;

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
}
