//! The statistics of the audit, on plain `f64` slices: moments, skewness and kurtosis as
//! COINr computes them, percentiles as numpy does, Pearson and Spearman correlations as
//! scipy does, and Cronbach's α. Every function returns `None` where the statistic is
//! undefined (too few values, no variance) instead of NaN. Sums are two-pass (the mean
//! first, then the deviations), so values far from zero lose no precision.

use std::vec::Vec;

/// The arithmetic mean, or `None` for no values.
pub fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

/// The sample variance (n − 1 in the denominator, as R's `var` and numpy's `ddof=1`), or
/// `None` for fewer than two values.
pub fn variance(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    Some(x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64)
}

/// Σ (x − x̄)², Σ (x − x̄)³ and Σ (x − x̄)⁴.
fn central_sums(x: &[f64]) -> Option<(f64, f64, f64)> {
    let m = mean(x)?;
    let mut s = (0.0, 0.0, 0.0);
    for v in x {
        let d = v - m;
        let d2 = d * d;
        s.0 += d2;
        s.1 += d2 * d;
        s.2 += d2 * d2;
    }
    Some(s)
}

/// The skewness with the small-sample adjustment of COINr's `skew` (e1071 type 2, Excel's
/// SKEW, scipy's `skew(bias=False)`): G1 = g1 √(n(n−1)) / (n − 2) with
/// g1 = √n Σd³ / (Σd²)^{3/2}. `None` for fewer than 3 values or no variance.
pub fn skewness(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 3 {
        return None;
    }
    let (s2, s3, _) = central_sums(x)?;
    if s2 <= 0.0 {
        return None;
    }
    let g1 = n.sqrt() * s3 / s2.powf(1.5);
    Some(g1 * (n * (n - 1.0)).sqrt() / (n - 2.0))
}

/// The excess kurtosis with the small-sample adjustment of COINr's `kurt` (e1071 type 2,
/// Excel's KURT, scipy's `kurtosis(fisher=True, bias=False)`):
/// G2 = ((n + 1)(r − 3) + 6)(n − 1) / ((n − 2)(n − 3)) with r = n Σd⁴ / (Σd²)². `None` for
/// fewer than 4 values or no variance.
pub fn kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 4 {
        return None;
    }
    let (s2, _, s4) = central_sums(x)?;
    if s2 <= 0.0 {
        return None;
    }
    let r = n * s4 / (s2 * s2);
    Some(((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// The `p`-th percentile (0 ≤ p ≤ 100) of `sorted` (ascending) by linear interpolation
/// between the closest ranks (numpy's default, R's type 7): position (n − 1)·p/100.
/// `None` for no values or p outside [0, 100].
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let pos = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let a = *sorted.get(lo)?;
    let b = sorted.get(lo + 1).copied().unwrap_or(a);
    Some(a + frac * (b - a))
}

/// The Pearson correlation of two equally long samples, in [−1, 1], or `None` for fewer
/// than 3 pairs or when either sample does not vary.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let (mx, my) = (mean(x)?, mean(y)?);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The ranks 1..n of `x`, ties sharing the average of their ranks (scipy's `rankdata`
/// default, as `spearmanr` uses).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|a, b| {
        let (va, vb) = (x.get(*a).copied(), x.get(*b).copied());
        va.unwrap_or(0.0).total_cmp(&vb.unwrap_or(0.0))
    });
    let mut out = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let value = order.get(start).and_then(|i| x.get(*i)).copied();
        let mut end = start + 1;
        while end < order.len() && order.get(end).and_then(|i| x.get(*i)).copied() == value {
            end += 1;
        }
        // Ranks start+1 ..= end share their average.
        let average = (start + 1 + end) as f64 / 2.0;
        for i in order.get(start..end).unwrap_or(&[]) {
            if let Some(r) = out.get_mut(*i) {
                *r = average;
            }
        }
        start = end;
    }
    out
}

/// The Spearman rank correlation: the Pearson correlation of the average ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() {
        return None;
    }
    pearson(&ranks(x), &ranks(y))
}

/// Cronbach's α of k items over the same n observations (`items[j][i]`):
/// α = k/(k − 1) · (1 − Σ_j var(item_j) / var(Σ_j item_j)), sample variances. `None` for
/// fewer than 2 items or 2 observations, items of different lengths, or a total that does
/// not vary.
pub fn cronbach_alpha(items: &[Vec<f64>]) -> Option<f64> {
    let k = items.len();
    let n = items.first()?.len();
    if k < 2 || n < 2 || items.iter().any(|i| i.len() != n) {
        return None;
    }
    let item_variances: f64 = items.iter().map(|i| variance(i).unwrap_or(0.0)).sum();
    let totals: Vec<f64> = (0..n)
        .map(|r| items.iter().map(|i| i.get(r).copied().unwrap_or(0.0)).sum())
        .collect();
    let total_variance = variance(&totals)?;
    if total_variance <= 0.0 {
        return None;
    }
    let k = k as f64;
    Some(k / (k - 1.0) * (1.0 - item_variances / total_variance))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12 * b.abs().max(1.0))
    }

    #[test]
    fn moments_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!(close(mean(&x), 4.0));
        assert!(close(variance(&x), 12.5));
        // d = −3, −2, −1, 0, 6: Σd² = 50, Σd³ = 180, Σd⁴ = 1394.
        let g1 = 5f64.sqrt() * 180.0 / 50f64.powf(1.5);
        assert!(close(skewness(&x), g1 * (20f64).sqrt() / 3.0));
        let r = 5.0 * 1394.0 / 2500.0;
        assert!(close(kurtosis(&x), (6.0 * (r - 3.0) + 6.0) * 4.0 / 6.0));
        assert_eq!(skewness(&[1.0, 2.0]), None);
        assert_eq!(kurtosis(&[1.0, 2.0, 3.0]), None);
        assert_eq!(skewness(&[2.0; 5]), None);
        assert_eq!(variance(&[1.0]), None);
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let x = [1.0, 2.0, 4.0, 8.0];
        assert!(close(percentile(&x, 0.0), 1.0));
        assert!(close(percentile(&x, 100.0), 8.0));
        assert!(close(percentile(&x, 50.0), 3.0));
        // position 3·0.05 = 0.15: 1 + 0.15·1
        assert!(close(percentile(&x, 5.0), 1.15));
        // position 3·0.95 = 2.85: 4 + 0.85·4
        assert!(close(percentile(&x, 95.0), 7.4));
        assert_eq!(percentile(&[], 5.0), None);
        assert_eq!(percentile(&x, 101.0), None);
        assert!(close(percentile(&[7.0], 95.0), 7.0));
    }

    #[test]
    fn correlations_and_ranks() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!(close(pearson(&x, &[2.0, 4.0, 6.0, 8.0]), 1.0));
        assert!(close(pearson(&x, &[8.0, 6.0, 4.0, 2.0]), -1.0));
        assert_eq!(pearson(&x, &[1.0; 4]), None);
        assert_eq!(pearson(&x[..2], &x[..2]), None);
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 5.0]), [2.5, 4.0, 2.5, 1.0]);
        // Monotone but not linear: Spearman 1, Pearson below.
        let y = [1.0, 8.0, 27.0, 64.0];
        assert!(close(spearman(&x, &y), 1.0));
        assert!(pearson(&x, &y).unwrap() < 1.0);
    }

    #[test]
    fn alpha_by_hand() {
        // Two identical items: α = 2 (1 − 2v / 4v) = 1.
        let a = vec![1.0, 2.0, 3.0];
        assert!(close(cronbach_alpha(&[a.clone(), a.clone()]), 1.0));
        // Two items that cancel: the total does not vary.
        let b = vec![3.0, 2.0, 1.0];
        assert_eq!(cronbach_alpha(&[a.clone(), b]), None);
        // Uncorrelated items: Σ var = var(total), α = 0.
        let c = vec![1.0, 0.0, 1.0, 0.0];
        let d = vec![1.0, 1.0, 0.0, 0.0];
        assert!(close(cronbach_alpha(&[c, d]), 0.0));
        assert_eq!(cronbach_alpha(&[a]), None);
    }
}
