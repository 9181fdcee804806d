//! Nearest-rank percentiles of ranks (the ranks themselves follow [`crate::ranking`]).

/// The percentiles reported: 5th, 50th (the median) and 95th.
pub const PERCENTILES: [u32; 3] = [5, 50, 95];

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
