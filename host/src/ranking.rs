//! The one ranking rule of silkscore (docs/spec.md §7.7), used by `silkscore rank`, the
//! sensitivity analysis and the report alike.
//!
//! **Standard competition ranking ("1224").** Projects are ordered by composite, highest
//! first. A project's rank is 1 + the number of projects whose composite is strictly higher,
//! so projects with equal composites share a rank and the ranks after them skip: composites
//! 80, 70, 70, 60 get ranks 1, 2, 2, 4.
//!
//! **Equal means the same f32 bits.** Two composites tie when their f32 bit patterns are
//! identical, and only then: nothing else (input order, id, name, the indices) breaks or
//! makes a tie, and no tolerance is applied. Composites are compared by
//! [`f32::total_cmp`], which orders exactly the distinct bit patterns (−0.0 below +0.0,
//! although the scorer never produces −0.0). A project that could not be scored (NaN, in a
//! sensitivity draw) ranks after every scored one; all such projects share that rank.
//!
//! Listings show tied projects in input order; that is the order of the listing, not a
//! difference in rank.
//!
//! ```
//! use silkscore_host::ranking::rank;
//! let mut ranks = [0u32; 6];
//! rank(&[70.0, 80.0, 70.0, f32::NAN, 60.0, f32::NAN], &mut Vec::new(), &mut ranks);
//! assert_eq!(ranks, [2, 1, 2, 5, 4, 5]);
//! ```

use core::cmp::Ordering;
use std::vec::Vec;

/// Whether two composites tie: the same f32 bits, or both not scored (NaN).
///
/// ```
/// use silkscore_host::ranking::ties;
/// assert!(ties(61.25, 61.25));
/// assert!(!ties(61.25, 61.250004));
/// assert!(ties(f32::NAN, -f32::NAN));
/// ```
pub fn ties(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// The ranking order of two composites: `Less` when `a` ranks before (better than) `b`,
/// `Equal` exactly when they [`ties`].
///
/// ```
/// use core::cmp::Ordering;
/// use silkscore_host::ranking::compare;
/// assert_eq!(compare(80.0, 70.0), Ordering::Less);
/// assert_eq!(compare(70.0, 70.0), Ordering::Equal);
/// assert_eq!(compare(f32::NAN, 0.0), Ordering::Greater);
/// ```
pub fn compare(a: f32, b: f32) -> Ordering {
    if a.is_nan() && b.is_nan() {
        return Ordering::Equal;
    }
    if a.is_nan() {
        return Ordering::Greater;
    }
    if b.is_nan() {
        return Ordering::Less;
    }
    b.total_cmp(&a)
}

/// Ranks `composites` by the rule of this module: `ranks[i]` receives the rank of
/// `composites[i]` (it must be at least as long; extra entries are left alone). `order` is
/// scratch space, reused to avoid allocating; afterwards it holds the indices in listing
/// order (best first, ties in input order).
///
/// ```
/// use silkscore_host::ranking::rank;
/// let mut ranks = [0u32; 4];
/// let mut order = Vec::new();
/// rank(&[50.0, 70.0, 70.0, 90.0], &mut order, &mut ranks);
/// assert_eq!(ranks, [4, 2, 2, 1]);
/// assert_eq!(order, [3, 1, 2, 0]);
/// ```
pub fn rank(composites: &[f32], order: &mut Vec<u32>, ranks: &mut [u32]) {
    order.clear();
    order.extend((0..composites.len()).map(|i| i as u32));
    let at = |i: &u32| composites.get(*i as usize).copied().unwrap_or(f32::NAN);
    // A stable sort: tied composites stay in input order.
    order.sort_by(|a, b| compare(at(a), at(b)));
    let mut ranker = Competition::new();
    for &i in order.iter() {
        let r = ranker.next(at(&i));
        if let Some(slot) = ranks.get_mut(i as usize) {
            *slot = r;
        }
    }
}

/// Competition ranks of composites met in listing order (best first), one at a time: for a
/// sorted list, a streamed top N, or a table.
///
/// ```
/// use silkscore_host::ranking::Competition;
/// let mut c = Competition::new();
/// let ranks: Vec<u32> = [90.0, 80.0, 80.0, 80.0, 75.0].iter().map(|&v| c.next(v)).collect();
/// assert_eq!(ranks, [1, 2, 2, 2, 5]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Competition {
    seen: u32,
    rank: u32,
    last: Option<f32>,
}

impl Competition {
    /// No composite seen yet.
    pub const fn new() -> Self {
        Competition {
            seen: 0,
            rank: 0,
            last: None,
        }
    }

    /// The rank of the next composite in listing order. Composites must come best first
    /// (by [`compare`]); a composite that ties the previous one gets its rank, any other
    /// gets 1 + the number seen before it.
    pub fn next(&mut self, composite: f32) -> u32 {
        self.seen = self.seen.saturating_add(1);
        match self.last {
            Some(prev) if ties(prev, composite) => {}
            _ => self.rank = self.seen,
        }
        self.last = Some(composite);
        self.rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks_of(values: &[f32]) -> Vec<u32> {
        let mut ranks = std::vec![0u32; values.len()];
        rank(values, &mut Vec::new(), &mut ranks);
        ranks
    }

    #[test]
    fn standard_competition_ranking() {
        assert_eq!(ranks_of(&[80.0, 70.0, 70.0, 60.0]), [1, 2, 2, 4]);
        assert_eq!(ranks_of(&[60.0, 70.0, 80.0, 70.0]), [4, 2, 1, 2]);
        assert_eq!(ranks_of(&[5.0; 4]), [1, 1, 1, 1]);
        assert_eq!(ranks_of(&[]), Vec::<u32>::new());
        assert_eq!(ranks_of(&[1.0, 3.0, 3.0, f32::NAN, 2.0]), [4, 1, 1, 5, 3]);
        // Every unscored project shares the last rank.
        assert_eq!(ranks_of(&[f32::NAN, 2.0, f32::NAN]), [2, 1, 2]);
    }

    #[test]
    fn only_identical_bits_tie() {
        let a = 61.25f32;
        let next = f32::from_bits(a.to_bits() + 1);
        assert_eq!(ranks_of(&[next, a, a]), [1, 2, 2]);
        assert_eq!(ranks_of(&[a, next, a]), [2, 1, 2]);
        // −0.0 and +0.0 have different bits: no tie.
        assert_eq!(ranks_of(&[-0.0, 0.0]), [2, 1]);
        assert!(!ties(-0.0, 0.0));
        assert!(ties(f32::NAN, f32::from_bits(0x7fc0_0001)));
    }

    #[test]
    fn competition_follows_the_listing() {
        let mut c = Competition::new();
        let got: Vec<u32> = [3.0, 3.0, 2.0, 1.0, 1.0, 1.0, 0.5]
            .iter()
            .map(|&v| c.next(v))
            .collect();
        assert_eq!(got, [1, 1, 3, 4, 4, 4, 7]);
    }

    #[test]
    fn listing_order_keeps_input_order_among_ties() {
        let mut order = Vec::new();
        let mut ranks = [0u32; 5];
        rank(&[2.0, 9.0, 2.0, 9.0, 2.0], &mut order, &mut ranks);
        assert_eq!(order, [1, 3, 0, 2, 4]);
        assert_eq!(ranks, [3, 1, 3, 1, 3]);
    }
}
