//! Weighted means: arithmetic, and geometric with the floor ε (docs/spec.md §4), and the loop
//! that feeds them from one record.
//!
//! Both accumulate in f32, in the order the terms are given (model order), so results are
//! bit-identical on every target.

use crate::math;
use crate::model::{
    Aggregation, Direction, Indicator, Normalised, Prepared, Transform, MAX_INDICATORS,
};

/// (Σ w·s, Σ w) — geometric: (Σ w·ln(max(s, ε)), Σ w) — over the present indicators of
/// each connotation (cultural, economic, security), in model order.
pub(crate) type Sums = [(f32, f32); 3];

/// A present value was NaN or ±∞ (which one, and so the error, the caller finds out).
pub(crate) struct NonFinite;

/// One indicator as the scorer's loop reads it: its goalposts, f(lo), f(hi) − f(lo) and
/// weight (computed once, by [`Item::new`]), and its transform and direction turned into
/// numbers, so that the loop computes rather than branches. 32 bytes: one load finds an
/// item. Scores are the bits of [`Prepared::normalise`] (proof at [`Item::score`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Item {
    lo: f32,
    hi: f32,
    f_lo: f32,
    span: f32,
    weight: f32,
    /// 0 for a benefit indicator, 1 for a cost indicator: s = |off − t|.
    off: f32,
    /// What the logarithm is taken of: x' + 1 (`log`) or x' + 0 (`ln`).
    add: f32,
    /// How f is computed: [`LIN`], [`LN_NORMAL`] or [`LN_ANY`].
    kind: u8,
}

/// f(x') = x'.
const LIN: u8 = 0;
/// f(x') = ln(x' + add) with x' + add always normal: transform `log` (x' + 1 ≥ 1 + lo > 0 is
/// a multiple of 2⁻²⁴ at least, and at most f32::MAX), or `ln` with lo ≥ f32::MIN_POSITIVE.
const LN_NORMAL: u8 = 1;
/// f(x') = ln(x'), where x' may be subnormal: transform `ln` with a subnormal lo.
const LN_ANY: u8 = 2;

impl Item {
    /// The positions a model does not use: the identity on [0, 1], weight 0.
    pub(crate) const UNUSED: Item = Item {
        lo: 0.0,
        hi: 1.0,
        f_lo: 0.0,
        span: 1.0,
        weight: 0.0,
        off: 0.0,
        add: 0.0,
        kind: LIN,
    };

    /// Prepares one indicator: f(lo) and f(hi) − f(lo) as [`Indicator::prepare`] computes
    /// them.
    pub(crate) fn new(ind: &Indicator) -> Item {
        let p: Prepared = ind.prepare();
        Item {
            lo: ind.lo,
            hi: ind.hi,
            f_lo: p.f_lo(),
            span: p.span(),
            weight: ind.weight,
            off: match ind.direction {
                Direction::Benefit => 0.0,
                Direction::Cost => 1.0,
            },
            add: match ind.transform {
                Transform::Log => 1.0,
                Transform::Lin | Transform::Ln => 0.0,
            },
            kind: match ind.transform {
                Transform::Lin => LIN,
                Transform::Log => LN_NORMAL,
                Transform::Ln if ind.lo >= f32::MIN_POSITIVE => LN_NORMAL,
                Transform::Ln => LN_ANY,
            },
        }
    }

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

    /// The normalised score s of docs/spec.md §4.1 for x' = `xc`, the raw value clamped to
    /// [lo, hi] (`ln` inlined: this is the loop's).
    ///
    /// It needs no clamp to [0, 1], which the formula applies last, for an indicator of a
    /// validated model: x' lies in [lo, hi], and f (the identity, or the logarithm of x' + 0
    /// or x' + 1) never decreases in f32 (IEEE rounding is monotonic, and so is `logf`: the
    /// tests of [`crate::math`] check every input). So f(lo) ≤ f(x') ≤ f(hi), hence
    /// 0 ≤ f(x') − f(lo) ≤ f(hi) − f(lo) = span after rounding, and t = (f(x') − f(lo)) / span
    /// lies in [0, span / span] = [0, 1]. Then |0 − t| = t and |1 − t| = 1 − t (the
    /// subtraction is exact in sign), the benefit and cost scores. The one difference from
    /// the clamped formula is a t of −0.0 (a raw −0.0 at lo = 0), which comes out as +0.0:
    /// the same term in every sum, and the breakdown, which shows s, keeps the sign
    /// ([`Item::normalise`]). x' + 0 is x' for the `ln` transform (x' ≥ lo > 0), and x' + 1
    /// is the `log` transform's 1 + x'.
    #[inline(always)]
    fn score(&self, xc: f32) -> f32 {
        let f = match self.kind {
            LIN => xc,
            LN_NORMAL => math::ln_normal_scalar(xc + self.add),
            _ => math::ln_call(xc + self.add),
        };
        let t = (f - self.f_lo) / self.span;
        (self.off - t).abs()
    }

    /// [`Prepared::normalise`] (with the clamp, and keeping the sign of a −0.0 score), for
    /// the breakdown.
    pub(crate) fn normalise(&self, x: f32) -> Normalised {
        let xc = math::clamp(x, self.lo, self.hi);
        let f = if self.kind == LIN {
            xc
        } else {
            math::ln_call(xc + self.add)
        };
        let t = (f - self.f_lo) / self.span;
        let s = if self.off == 0.0 { t } else { 1.0 - t };
        Normalised {
            score: math::clamp(s, 0.0, 1.0),
            clamped: x < self.lo || x > self.hi,
        }
    }
}

/// Each connotation's indicators, as bit masks over the indicator positions (bit i:
/// indicator i).
pub(crate) fn connotation_masks(indicators: &[Indicator]) -> [u32; 3] {
    let mut masks = [0u32; 3];
    for (i, ind) in indicators.iter().enumerate() {
        if let Some(m) = masks.get_mut(ind.connotation.index()) {
            *m |= 1u32 << (i & 31);
        }
    }
    masks
}

/// The scorer's loop (docs/spec.md §4.1–4.2 up to the means): every present value of a
/// record, normalised and added to its connotation's sums.
///
/// `present` and `values` are the record's ([`crate::Record::raw`]), `items` and `masks`
/// the scorer's. Each connotation is one loop over its present indicators in model order
/// (ascending bits) with its sums in registers, which is the order of the one-pass
/// [`WeightedMean`] of the breakdown path and therefore gives the same bits; a missing value
/// costs nothing. Per value, in the common case, two comparisons decide that it is finite
/// and inside its goalposts; only a value outside them is looked at again (clamped, or
/// refused when it is NaN or ±∞). The normalised score is not clamped to [0, 1]: it is in
/// [0, 1] already ([`Item::score`]).
#[inline]
pub(crate) fn accumulate(
    items: &[Item; MAX_INDICATORS],
    masks: &[u32; 3],
    present: u32,
    values: &[f32; MAX_INDICATORS],
    within: Aggregation,
    floor: f32,
) -> Result<Sums, NonFinite> {
    let mut nonfinite = false;
    let mut each = |sums: Result<(f32, f32), NonFinite>| {
        sums.unwrap_or_else(|NonFinite| {
            nonfinite = true;
            (0.0, 0.0)
        })
    };
    let bits = |k: usize| present & masks.get(k).copied().unwrap_or(0);
    let sums: Sums = match within {
        Aggregation::Arithmetic => {
            core::array::from_fn(|k| each(connotation::<false>(items, bits(k), values, floor)))
        }
        Aggregation::Geometric => {
            core::array::from_fn(|k| each(connotation::<true>(items, bits(k), values, floor)))
        }
    };
    if nonfinite {
        return Err(NonFinite);
    }
    Ok(sums)
}

/// The scorer's loop (docs/spec.md §4.1–4.2 up to the means) for one connotation: Σ w·s
/// (`GEO`: Σ w·ln(max(s, ε))) and Σ w over its present indicators, the bits of `bits`, with
/// the values of `values` (the record's, [`crate::Record::raw`]).
///
/// The indicators are taken in model order (ascending bits), the order of the one-pass
/// [`WeightedMean`] of the breakdown path, and the sums are kept in registers: the same
/// operations in the same order, so the same bits; a missing value costs nothing. Per value,
/// in the common case, two comparisons decide that it is finite and inside its goalposts;
/// only a value outside them is looked at again (clamped, or refused as [`NonFinite`] when it
/// is NaN or ±∞). The normalised score is not clamped to [0, 1]: it is in [0, 1] already
/// ([`Item::score`]).
#[inline(always)]
fn connotation<const GEO: bool>(
    items: &[Item; MAX_INDICATORS],
    mut bits: u32,
    values: &[f32; MAX_INDICATORS],
    floor: f32,
) -> Result<(f32, f32), NonFinite> {
    let (mut a, mut w) = (0.0f32, 0.0f32);
    if bits == 0 {
        return Ok((a, w));
    }
    loop {
        let i = (bits.trailing_zeros() & 31) as usize;
        // i < 32: both always exist.
        let (Some(p), Some(&x)) = (items.get(i), values.get(i)) else {
            return Ok((a, w));
        };
        let xc = if x >= p.lo && x <= p.hi {
            x
        } else {
            outside(x, p.lo, p.hi)?
        };
        let s = p.score(xc);
        a += if GEO {
            p.weight * math::ln_call(math::at_least(s, floor))
        } else {
            p.weight * s
        };
        w += p.weight;
        bits &= bits - 1;
        if bits == 0 {
            return Ok((a, w));
        }
    }
}

/// x' = clamp(x, lo, hi) for an `x` that is not in [lo, hi], or [`NonFinite`].
#[cold]
#[inline(never)]
fn outside(x: f32, lo: f32, hi: f32) -> Result<f32, NonFinite> {
    // NaN or ±∞: all exponent bits set.
    if x.to_bits() & 0x7f80_0000 == 0x7f80_0000 {
        return Err(NonFinite);
    }
    Ok(math::clamp(x, lo, hi))
}

/// The term `w·s` or `w·ln(max(s, ε))` of one value `s` ∈ [0, 1] with weight `w`.
#[inline(always)]
pub(crate) fn term(how: Aggregation, w: f32, s: f32, floor: f32) -> f32 {
    match how {
        Aggregation::Arithmetic => w * s,
        Aggregation::Geometric => w * math::ln_scalar(math::at_least(s, floor)),
    }
}

/// The mean of accumulated sums: Σ w·s / Σ w, or exp(Σ w·ln(max(s, ε)) / Σ w). `weight`
/// must be positive.
///
/// It lies in [0, 1] without a clamp when the sums are of values s ∈ [0, 1] with weights
/// w ≥ 0, added in the same order (the scorer's sums, whose values are normalised scores or
/// indices): each term w·s rounds to a value in [0, w], so by induction every partial Σ w·s
/// lies in [0, Σ w] of the same partial weights (rounding is monotonic), and the quotient
/// rounds into [0, Σ w / Σ w] = [0, 1]. Geometric: ln(max(s, ε)) ≤ ln 1 = 0 as ln never
/// decreases (`crate::math`, checked on every input), so Σ w·ln(…) ≤ 0, the quotient is
/// ≤ 0, and exp of it lies in [0, exp 0] = [0, 1] as exp never decreases either. The same
/// argument bounds the coverage, Σ present w / Σ all w, by 1: the present weights are a
/// subset of the same terms in the same order.
#[inline]
pub(crate) fn mean(how: Aggregation, acc: f32, weight: f32) -> f32 {
    match how {
        Aggregation::Arithmetic => acc / weight,
        Aggregation::Geometric => math::exp_scalar(acc / weight),
    }
}

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

    /// Adds one value with its weight; returns the term it added.
    #[inline]
    pub(crate) fn add(&mut self, w: f32, s: f32) -> f32 {
        let t = match self.how {
            Aggregation::Arithmetic => w * s,
            Aggregation::Geometric => w * math::ln_call(math::at_least(s, self.floor)),
        };
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_geometric() {
        let m = |w: &WeightedMean, how| mean(how, w.acc(), w.weight());
        let mut a = WeightedMean::new(Aggregation::Arithmetic, 0.01);
        a.add(1.0, 0.25);
        a.add(3.0, 1.0);
        assert_eq!(m(&a, Aggregation::Arithmetic), 0.8125);
        let mut g = WeightedMean::new(Aggregation::Geometric, 0.01);
        g.add(1.0, 0.25);
        g.add(1.0, 1.0);
        assert!((m(&g, Aggregation::Geometric) - 0.5).abs() < 1e-6);
        // the floor binds: ln(max(0, 0.01))
        let mut f = WeightedMean::new(Aggregation::Geometric, 0.01);
        f.add(1.0, 0.0);
        assert!((m(&f, Aggregation::Geometric) - 0.01).abs() < 1e-7);
        assert_eq!(
            term(Aggregation::Geometric, 2.0, 0.0, 0.01),
            2.0 * libm::logf(0.01)
        );
    }
}
