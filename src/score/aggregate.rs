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
/// numbers and flags, so that the loop computes rather than dispatches. 32 bytes: one
/// instruction finds an item. Scores are the bits of [`Prepared::normalise`] (proofs at
/// [`Item::score`] and [`Item::score_soft`]).
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
    /// [`LN`], [`LN_ANY`], [`COST`], [`F_LO_ZERO`], [`UNIT`].
    flags: u8,
}

/// f takes a logarithm, of x' + add: transform `log` or `ln`. Without [`LN_ANY`] its argument
/// is always normal: x' + 1 ≥ 1 + lo > 0 is a multiple of 2⁻²⁴ at least and at most f32::MAX
/// (`log`), or x' ≥ lo ≥ f32::MIN_POSITIVE (`ln`).
const LN: u8 = 1;
/// The logarithm's argument may be subnormal: transform `ln` with a subnormal lo.
const LN_ANY: u8 = 2;
/// A cost indicator: s = 1 − t.
const COST: u8 = 4;
/// f(lo) is +0.0, so f(x') − f(lo) is f(x') exactly (IEEE: y − (+0) = y, −0 included).
const F_LO_ZERO: u8 = 8;
/// The weight is 1.0, so w·s is s exactly.
const UNIT: u8 = 16;

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
        flags: F_LO_ZERO,
    };

    /// Prepares one indicator: f(lo) and f(hi) − f(lo) as [`Indicator::prepare`] computes
    /// them.
    pub(crate) fn new(ind: &Indicator) -> Item {
        let p: Prepared = ind.prepare();
        let mut flags = match ind.transform {
            Transform::Lin => 0,
            Transform::Log => LN,
            Transform::Ln if ind.lo >= f32::MIN_POSITIVE => LN,
            Transform::Ln => LN | LN_ANY,
        };
        if ind.direction == Direction::Cost {
            flags |= COST;
        }
        if p.f_lo().to_bits() == 0 {
            flags |= F_LO_ZERO;
        }
        if ind.weight.to_bits() == 1.0f32.to_bits() {
            flags |= UNIT;
        }
        Item {
            lo: ind.lo,
            hi: ind.hi,
            f_lo: p.f_lo(),
            span: p.span(),
            weight: ind.weight,
            // 0 or 1
            off: f32::from(u8::from(ind.direction == Direction::Cost)),
            add: f32::from(u8::from(ind.transform == Transform::Log)),
            flags,
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

    /// The weight is exactly 1.0.
    #[inline]
    const fn unit(&self) -> bool {
        self.flags & UNIT != 0
    }

    /// f(x'): x', or the logarithm of x' + add (`ln` inlined: this is the loop's).
    #[inline(always)]
    fn f(&self, xc: f32) -> f32 {
        if self.flags & LN == 0 {
            xc
        } else if self.flags & LN_ANY == 0 {
            math::ln_normal_scalar(xc + self.add)
        } else {
            math::ln_call(xc + self.add)
        }
    }

    /// The normalised score s of docs/spec.md §4.1 for x' = `xc`, the raw value clamped to
    /// [lo, hi], with hardware floating point.
    ///
    /// It needs no clamp to [0, 1], which the formula applies last, for an indicator of a
    /// validated model: x' lies in [lo, hi], and f (the identity, or the logarithm of x' + 0
    /// or x' + 1) never decreases in f32 (IEEE rounding is monotonic, and so is `logf`: the
    /// tests of [`crate::math`] check every input). So f(lo) ≤ f(x') ≤ f(hi), hence
    /// 0 ≤ f(x') − f(lo) ≤ f(hi) − f(lo) = span after rounding, and t = (f(x') − f(lo)) / span
    /// lies in [0, span / span] = [0, 1]. Then |0 − t| = t and |1 − t| = 1 − t (the
    /// subtraction is exact in sign), the benefit and cost scores: two instructions and no
    /// branch. The one difference from the clamped formula is a t of −0.0 (a raw −0.0 at
    /// lo = 0), which comes out as +0.0: the same term in every sum (each sum starts at +0.0),
    /// and the breakdown, which shows s, keeps the sign ([`Item::normalise`]). x' + 0 is x' for
    /// the `ln` transform (x' ≥ lo > 0), and x' + 1 is the `log` transform's 1 + x'.
    #[inline(always)]
    fn score(&self, xc: f32) -> f32 {
        let t = (self.f(xc) - self.f_lo) / self.span;
        (self.off - t).abs()
    }

    /// [`Item::score`] where every f32 operation is a library call (soft float): the
    /// formula's own operations, minus the ones that are exact identities for this indicator
    /// ([`F_LO_ZERO`]: no subtraction of f(lo) = +0; a benefit indicator: s = t with no
    /// operation at all), each of which costs a Cortex-M0 dozens of instructions.
    #[inline(always)]
    fn score_soft(&self, xc: f32) -> f32 {
        let f = self.f(xc);
        let d = if self.flags & F_LO_ZERO != 0 {
            f
        } else {
            f - self.f_lo
        };
        let t = d / self.span;
        if self.flags & COST != 0 {
            1.0 - t
        } else {
            t
        }
    }

    /// [`Prepared::normalise`] (with the clamp, and keeping the sign of a −0.0 score), for
    /// the breakdown.
    pub(crate) fn normalise(&self, x: f32) -> Normalised {
        let xc = math::clamp(x, self.lo, self.hi);
        let f = if self.flags & LN == 0 {
            xc
        } else {
            math::ln_call(xc + self.add)
        };
        let t = (f - self.f_lo) / self.span;
        let s = if self.flags & COST == 0 { t } else { 1.0 - t };
        Normalised {
            score: math::clamp(s, 0.0, 1.0),
            clamped: x < self.lo || x > self.hi,
        }
    }
}

/// The order of finite f32 values (and of NaN and ±∞ outside any finite interval) as an
/// integer: the magnitude bits of a negative value flipped. `key(x) ≤ key(y)` implies
/// `x ≤ y`; the one pair it orders where f32 does not is −0.0 < +0.0.
#[inline(always)]
fn key(x: f32) -> i32 {
    let b = x.to_bits();
    (b ^ (((b as i32) >> 31) as u32 >> 1)) as i32
}

/// True where f32 arithmetic is a library routine (Cortex-M0/M3 and M4 without the
/// hard-float ABI, RISC-V without the F extension): the scorer's loop then skips the
/// operations that are identities for an indicator, and compares integers instead of
/// calling a comparison routine ([`Item::score_soft`]). The same bits either way; the host
/// tests run both forms.
pub(crate) const SOFT_FLOAT: bool = cfg!(any(
    all(target_arch = "arm", not(target_abi = "eabihf")),
    all(
        any(target_arch = "riscv32", target_arch = "riscv64"),
        not(target_feature = "f")
    ),
));

/// What the scorer knows of a model's connotations, for [`accumulate`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Connotations {
    /// Bit i of `masks[c]`: indicator i belongs to connotation c.
    pub(crate) masks: [u32; 3],
    /// Σ w_i over each connotation's indicators, in model order.
    pub(crate) totals: [f32; 3],
    /// Bit i: indicator i has weight 1.0.
    pub(crate) unit: u32,
}

impl Connotations {
    /// No indicator yet.
    pub(crate) const EMPTY: Connotations = Connotations {
        masks: [0; 3],
        totals: [0.0; 3],
        unit: 0,
    };

    /// Adds indicator `i` (the next in model order).
    pub(crate) fn add(&mut self, i: usize, ind: &Indicator) {
        let bit = 1u32 << (i & 31);
        let k = ind.connotation.index();
        if let (Some(m), Some(t)) = (self.masks.get_mut(k), self.totals.get_mut(k)) {
            *m |= bit;
            *t += ind.weight;
        }
        if ind.weight.to_bits() == 1.0f32.to_bits() {
            self.unit |= bit;
        }
    }
}

/// The scorer's loop (docs/spec.md §4.1–4.2 up to the means): every present value of a
/// record, normalised and added to its connotation's sums. `present` and `values` are the
/// record's ([`crate::Record::raw`]); `SOFT`: [`SOFT_FLOAT`].
#[inline]
pub(crate) fn accumulate<const SOFT: bool>(
    items: &[Item; MAX_INDICATORS],
    conn: &Connotations,
    present: u32,
    values: &[f32; MAX_INDICATORS],
    within: Aggregation,
    floor: f32,
) -> Result<Sums, NonFinite> {
    sums::<SOFT>(
        items,
        conn,
        present,
        values,
        floor,
        within == Aggregation::Geometric,
    )
}

/// [`accumulate`] for one aggregation within.
#[inline(always)]
fn sums<const SOFT: bool>(
    items: &[Item; MAX_INDICATORS],
    conn: &Connotations,
    present: u32,
    values: &[f32; MAX_INDICATORS],
    floor: f32,
    geo: bool,
) -> Result<Sums, NonFinite> {
    let mut nonfinite = false;
    let sums: Sums = core::array::from_fn(|k| {
        let (Some(&mask), Some(&total)) = (conn.masks.get(k), conn.totals.get(k)) else {
            return (0.0, 0.0);
        };
        let bits = present & mask;
        // Soft float: the present weight without adding weights where it is known: all
        // present, the model's total (the same additions in the same order); all of weight
        // 1, their count (a sum of at most 32 ones is exact).
        let all = bits == mask;
        let ones = mask & !conn.unit == 0;
        let sum_weights = !SOFT || !(all || ones);
        match connotation::<SOFT>(items, bits, values, floor, sum_weights, geo) {
            Ok((a, _, _)) if SOFT && all => (a, total),
            Ok((a, _, n)) if SOFT && ones => (a, n as f32),
            Ok((a, w, _)) => (a, w),
            Err(NonFinite) => {
                nonfinite = true;
                (0.0, 0.0)
            }
        }
    });
    if nonfinite {
        return Err(NonFinite);
    }
    Ok(sums)
}

/// The scorer's loop (docs/spec.md §4.1–4.2 up to the means) for one connotation: Σ w·s
/// (`GEO`: Σ w·ln(max(s, ε))), Σ w (when `sum_weights`) and the count over its present
/// indicators, the bits of `bits`, with the values of `values` (the record's,
/// [`crate::Record::raw`]).
///
/// The indicators are taken in model order (ascending bits), the order of the one-pass
/// [`WeightedMean`] of the breakdown path, and the sums are kept in registers: the same
/// operations in the same order, so the same bits; a missing value costs nothing. Per value,
/// in the common case, two comparisons decide that it is finite and inside its goalposts
/// (`SOFT`: integer comparisons of [`key`]s, which never call a value inside that is not);
/// only a value outside them is looked at again (clamped, or refused as [`NonFinite`] when it
/// is NaN or ±∞). The normalised score is not clamped to [0, 1]: it is in [0, 1] already
/// ([`Item::score`]).
#[inline(always)]
fn connotation<const SOFT: bool>(
    items: &[Item; MAX_INDICATORS],
    mut bits: u32,
    values: &[f32; MAX_INDICATORS],
    floor: f32,
    sum_weights: bool,
    geo: bool,
) -> Result<(f32, f32, u32), NonFinite> {
    let (mut a, mut w, mut n) = (0.0f32, 0.0f32, 0u32);
    while bits != 0 {
        let i = (bits.trailing_zeros() & 31) as usize;
        bits &= bits - 1;
        // i < 32: both always exist.
        let (Some(p), Some(&x)) = (items.get(i), values.get(i)) else {
            continue;
        };
        let inside = if SOFT {
            let k = key(x);
            key(p.lo) <= k && k <= key(p.hi)
        } else {
            x >= p.lo && x <= p.hi
        };
        let xc = if inside { x } else { outside(x, p.lo, p.hi)? };
        if SOFT {
            let s = p.score_soft(xc);
            let term = if geo {
                math::ln_call(math::at_least(s, floor))
            } else {
                s
            };
            a += if p.unit() { term } else { p.weight * term };
            if sum_weights {
                w += p.weight;
            }
            n += 1;
        } else {
            let s = p.score(xc);
            a += if geo {
                p.weight * math::ln_call(math::at_least(s, floor))
            } else {
                p.weight * s
            };
            w += p.weight;
        }
    }
    Ok((a, w, n))
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
