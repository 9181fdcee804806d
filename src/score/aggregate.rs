//! Weighted means: arithmetic, and geometric with the floor ε (docs/spec.md §4).
//!
//! Both accumulate in f32, in the order the terms are given (model order), so results are
//! bit-identical on every target.

use crate::math;
use crate::model::Aggregation;

/// A running weighted mean of values in [0, 1], in either aggregation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WeightedMean {
    how: Aggregation,
    floor: f32,
    /// Σ w·s (arithmetic) or Σ w·ln(max(s, ε)) (geometric).
    acc: f32,
    /// Σ w.
    weight: f32,
}

impl WeightedMean {
    pub(crate) const fn new(how: Aggregation, floor: f32) -> Self {
        WeightedMean {
            how,
            floor,
            acc: 0.0,
            weight: 0.0,
        }
    }

    /// The term value `w·s` or `w·ln(max(s, ε))` that [`WeightedMean::add`] accumulates.
    #[inline]
    pub(crate) fn term(&self, w: f32, s: f32) -> f32 {
        match self.how {
            Aggregation::Arithmetic => w * s,
            Aggregation::Geometric => w * math::ln_positive(math::at_least(s, self.floor)),
        }
    }

    /// Adds one value with its weight; returns the term it added.
    #[inline]
    pub(crate) fn add(&mut self, w: f32, s: f32) -> f32 {
        let t = self.term(w, s);
        self.acc += t;
        self.weight += w;
        t
    }

    /// Σ w so far.
    pub(crate) const fn weight(&self) -> f32 {
        self.weight
    }

    /// The accumulated Σ w·s or Σ w·ln(max(s, ε)).
    pub(crate) const fn acc(&self) -> f32 {
        self.acc
    }

    /// The mean, in [0, 1]; `None` when no weight was added.
    #[inline]
    pub(crate) fn mean(&self) -> Option<f32> {
        if self.weight <= 0.0 {
            return None;
        }
        let m = match self.how {
            Aggregation::Arithmetic => self.acc / self.weight,
            Aggregation::Geometric => math::exp(self.acc / self.weight),
        };
        Some(math::clamp(m, 0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_geometric() {
        let mut a = WeightedMean::new(Aggregation::Arithmetic, 0.01);
        a.add(1.0, 0.25);
        a.add(3.0, 1.0);
        assert_eq!(a.mean(), Some(0.8125));
        let mut g = WeightedMean::new(Aggregation::Geometric, 0.01);
        g.add(1.0, 0.25);
        g.add(1.0, 1.0);
        assert!((g.mean().unwrap() - 0.5).abs() < 1e-6);
        // the floor binds: ln(max(0, 0.01))
        let mut f = WeightedMean::new(Aggregation::Geometric, 0.01);
        f.add(1.0, 0.0);
        assert!((f.mean().unwrap() - 0.01).abs() < 1e-7);
        assert_eq!(
            WeightedMean::new(Aggregation::Arithmetic, 0.01).mean(),
            None
        );
    }
}
