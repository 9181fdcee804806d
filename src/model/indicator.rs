//! One indicator: its id, connotation, direction, transform, goalposts and weight, and the
//! normalisation of docs/spec.md §4 steps 1–3.

use serde::{Deserialize, Serialize};

use super::{Connotation, Direction, IndicatorField, ModelError, ModelField, Transform};
use crate::text::ShortStr;

/// Longest indicator id, in bytes.
pub const MAX_ID_LEN: usize = 32;

/// An indicator id: 1–32 ASCII letters, digits, `_` or `-`, and neither `id` nor `name`
/// (those are the records file's own columns).
pub type IndicatorId = ShortStr<MAX_ID_LEN>;

/// Whether `s` is a well-formed indicator id (docs/spec.md §3, §8).
///
/// ```
/// assert!(silkscore::model::is_valid_id("talent_exchange"));
/// assert!(!silkscore::model::is_valid_id("talent exchange"));
/// assert!(!silkscore::model::is_valid_id("name"));
/// ```
pub const fn is_valid_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > MAX_ID_LEN {
        return false;
    }
    if matches!(b, b"id" | b"name") {
        return false;
    }
    let mut rest = b;
    while let [c, tail @ ..] = rest {
        if !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-') {
            return false;
        }
        rest = tail;
    }
    true
}

/// One indicator of a model (docs/spec.md §3). Fields are public; a [`crate::Model`] checks them
/// when it is built.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Indicator {
    /// Unique id, also the records file's column name.
    pub id: IndicatorId,
    /// The connotation whose index it feeds.
    pub connotation: Connotation,
    /// Benefit (more is better) or cost.
    pub direction: Direction,
    /// The transform f.
    pub transform: Transform,
    /// Lower goalpost, in the indicator's unit.
    pub lo: f32,
    /// Upper goalpost, in the indicator's unit.
    pub hi: f32,
    /// Weight within its connotation, ≥ 0.
    pub weight: f32,
}

/// An indicator with f(lo) and f(hi) − f(lo) computed once; normalises exactly (bit for bit)
/// like [`Indicator::normalise`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Prepared {
    lo: f32,
    hi: f32,
    f_lo: f32,
    span: f32,
    transform: Transform,
    direction: Direction,
}

impl Prepared {
    /// f(lo).
    #[inline]
    pub(crate) const fn f_lo(&self) -> f32 {
        self.f_lo
    }

    /// f(hi) − f(lo).
    #[inline]
    pub(crate) const fn span(&self) -> f32 {
        self.span
    }

    /// docs/spec.md §4 steps 1–3 for a finite raw value `x` (see [`Indicator::normalise`]).
    #[inline]
    pub fn normalise(&self, x: f32) -> Normalised {
        let clamped = x < self.lo || x > self.hi;
        let xc = crate::math::clamp(x, self.lo, self.hi);
        let t = (self.transform.apply(xc) - self.f_lo) / self.span;
        let s = match self.direction {
            Direction::Benefit => t,
            Direction::Cost => 1.0 - t,
        };
        Normalised {
            score: crate::math::clamp(s, 0.0, 1.0),
            clamped,
        }
    }
}

/// The result of normalising one raw value.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Normalised {
    /// s ∈ [0, 1]: 1 is the best goalpost.
    pub score: f32,
    /// The raw value lay outside [lo, hi] and was clamped.
    pub clamped: bool,
}

impl Indicator {
    /// An indicator with weight 1. `id` must be a valid id (checked by [`crate::Model::new`]);
    /// an over-long id becomes empty and is then rejected there.
    ///
    /// ```
    /// use silkscore::{Connotation, Direction, Indicator, Transform};
    /// let i = Indicator::new("jobs", Connotation::Security, Direction::Benefit, Transform::Log, 0.0, 20000.0);
    /// assert_eq!(i.normalise(20000.0).score, 1.0);
    /// ```
    pub const fn new(
        id: &str,
        connotation: Connotation,
        direction: Direction,
        transform: Transform,
        lo: f32,
        hi: f32,
    ) -> Self {
        let id = match IndicatorId::new(id) {
            Some(id) => id,
            None => IndicatorId::EMPTY,
        };
        Self {
            id,
            connotation,
            direction,
            transform,
            lo,
            hi,
            weight: 1.0,
        }
    }

    /// The same indicator with another weight.
    pub const fn with_weight(mut self, weight: f32) -> Self {
        self.weight = weight;
        self
    }

    /// docs/spec.md §4 steps 1–3 for a finite raw value `x`:
    /// x' = clamp(x, lo, hi); t = (f(x') − f(lo)) / (f(hi) − f(lo)); s = t or 1 − t.
    ///
    /// For a validated indicator and finite `x`, `score` is in [0, 1].
    #[inline]
    pub fn normalise(&self, x: f32) -> Normalised {
        self.prepare().normalise(x)
    }

    /// Computes f(lo) and f(hi) − f(lo) once, for scoring many values.
    #[inline]
    pub fn prepare(&self) -> Prepared {
        let f_lo = self.transform.apply(self.lo);
        Prepared {
            lo: self.lo,
            hi: self.hi,
            f_lo,
            span: self.transform.apply(self.hi) - f_lo,
            transform: self.transform,
            direction: self.direction,
        }
    }

    /// Checks docs/spec.md §3 for this indicator, at position `index`. Inlined into its one
    /// caller ([`super::validate_seq`]), so that a firmware which drops the error of a refused
    /// model does not keep the reasons' text in flash.
    #[inline(always)]
    pub(crate) fn validate(&self, index: u8) -> Result<(), ModelError> {
        let err = |field, reason| ModelError::new(ModelField::Indicator { index, field }, reason);
        if !is_valid_id(self.id.as_str()) {
            return Err(err(
                IndicatorField::Id,
                "id must be 1-32 ASCII letters, digits, '_' or '-', and not 'id' or 'name'",
            ));
        }
        if !self.lo.is_finite() {
            return Err(err(IndicatorField::Lo, "lo must be finite"));
        }
        if !self.hi.is_finite() {
            return Err(err(IndicatorField::Hi, "hi must be finite"));
        }
        if self.lo >= self.hi {
            return Err(err(IndicatorField::Hi, "hi must be greater than lo"));
        }
        match self.transform {
            Transform::Log if self.lo <= -1.0 => {
                return Err(err(IndicatorField::Lo, "a log indicator needs lo > -1"))
            }
            Transform::Ln if self.lo <= 0.0 => {
                return Err(err(IndicatorField::Lo, "an ln indicator needs lo > 0"))
            }
            _ => {}
        }
        let f_lo = self.transform.apply(self.lo);
        let span = self.transform.apply(self.hi) - f_lo;
        if !(f_lo.is_finite() && span.is_finite() && span > 0.0) {
            return Err(err(
                IndicatorField::Hi,
                "goalposts too close or too far apart: f(hi) - f(lo) must be finite and positive in f32",
            ));
        }
        if !(0.0..=super::MAX_WEIGHT).contains(&self.weight) {
            return Err(err(IndicatorField::Weight, "weight must be in [0, 1e30]"));
        }
        if self.weight > 0.0 && self.weight < super::MIN_WEIGHT {
            return Err(err(IndicatorField::Weight, super::SUBNORMAL_WEIGHT));
        }
        Ok(())
    }
}
