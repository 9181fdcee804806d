//! Ranking composites and taking nearest-rank percentiles of ranks.

use std::vec::Vec;

/// The percentiles reported: 5th, 50th (the median) and 95th.
pub const PERCENTILES: [u32; 3] = [5, 50, 95];

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
