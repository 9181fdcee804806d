//! The one `ln` and `exp` of the crate.
//!
//! Every logarithm and exponential that affects a score goes through [`ln`] and [`exp`], on
//! every target, so the same record and model give bit-identical scores on x86_64 and on
//! every Cortex-M core (docs/spec.md §4).
//!
//! They are crate-owned, **branch-free** transcriptions of the FreeBSD/musl algorithms that
//! `libm` ships as `logf` and `expf` (the same argument reduction, the same polynomials, the
//! same operation order), with every special-case `if` turned into a select. So they return
//! **exactly the bits of `libm::logf` / `libm::expf`** for every f32 input (checked by the
//! unit tests below, exhaustively over all 2³² inputs in the `#[ignore]`d tests) — error
//! below 1 ulp — while compiling to straight-line code that the host's batch scorer can
//! vectorise. Rust never contracts `a * b + c` into a fused multiply-add on its own, so the
//! same operations round the same way on every target.

const LN_LN2_HI: f32 = f32::from_bits(0x3f317180); // 6.931_381_225_6e-1
const LN_LN2_LO: f32 = f32::from_bits(0x3717f7d1); // 9.058_000_614_5e-6
const LG1: f32 = f32::from_bits(0x3f2a_aaaa); // 0xaaaaaa.0p-24 = 0.66666662693
const LG2: f32 = f32::from_bits(0x3ecc_ce13); // 0xccce13.0p-25 = 0.40000972152
const LG3: f32 = f32::from_bits(0x3e91_e9ee); // 0x91e9ee.0p-25 = 0.28498786688
const LG4: f32 = f32::from_bits(0x3e78_9e26); // 0xf89e26.0p-26 = 0.24279078841

/// Natural logarithm, f32: bit-identical to `libm::logf`, branch-free.
///
/// ```
/// use silkscore::math::ln;
/// assert_eq!(ln(1.0), 0.0);
/// assert_eq!(ln(core::f32::consts::E), 1.0);
/// assert_eq!(ln(0.0), f32::NEG_INFINITY);
/// assert!(ln(-1.0).is_nan());
/// assert_eq!(ln(2.5).to_bits(), libm::logf(2.5).to_bits());
/// ```
#[inline]
pub fn ln(x: f32) -> f32 {
    let ix0 = x.to_bits();
    let y = ln_positive(x);
    // Special cases, as selects: ±0 → −∞; negative or NaN → NaN; +∞ → +∞.
    let y = if ix0 == 0x7f80_0000 { f32::INFINITY } else { y };
    let y = if (ix0 & 0x7fff_ffff) > 0x7f80_0000 || (ix0 >> 31 != 0) {
        f32::NAN
    } else {
        y
    };
    if ix0 << 1 == 0 {
        f32::NEG_INFINITY
    } else {
        y
    }
}

/// [`ln`] for positive, finite `x` (normal or subnormal): the same bits as [`ln`] there,
/// without the selects for 0, negatives, ∞ and NaN. Every logarithm taken while scoring has
/// such an argument (1 + x' with x' ≥ lo > −1, x' ≥ lo > 0, or max(s, ε) with ε > 0).
#[inline]
pub(crate) fn ln_positive(x: f32) -> f32 {
    let ix0 = x.to_bits();
    // Subnormals: scale into the normal range.
    let subnormal = ix0 < 0x0080_0000;
    let xs = if subnormal {
        x * f32::from_bits(0x4c00_0000) // 2^25
    } else {
        x
    };
    let k0: i32 = if subnormal { -25 } else { 0 };
    ln_scaled(xs, k0)
}

/// [`ln_positive`] for normal, finite, positive `x` (x ≥ `f32::MIN_POSITIVE`): the same
/// bits there (it is [`ln_positive`] with the subnormal scaling left out, which does nothing
/// for such `x`), a few operations cheaper. The column-wise scorer uses it where the argument
/// is provably normal: 1 + x′ with x′ > −1 is at least 2⁻²⁴.
#[inline]
pub(crate) fn ln_normal(x: f32) -> f32 {
    ln_scaled(x, 0)
}

/// ln(xs) + k0·ln 2 for a normal `xs`: the reduction and polynomial of `logf`.
#[inline(always)]
fn ln_scaled(xs: f32, k0: i32) -> f32 {
    // Reduce x into [sqrt(2)/2, sqrt(2)].
    let ix = xs.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let k = k0 + ((ix >> 23) as i32) - 0x7f;
    let m = f32::from_bits((ix & 0x007f_ffff).wrapping_add(0x3f35_04f3));

    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * LG4);
    let t2 = z * (LG1 + w * LG3);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let dk = k as f32;
    s * (hfsq + r) + dk * LN_LN2_LO - hfsq + f + dk * LN_LN2_HI
}

/// `x` limited to [lo, hi], with compare-and-select (`minps`/`maxps` on x86, no NaN
/// handling: callers pass finite values). Every clamp and floor of the scoring formula goes
/// through this one function, in the scalar and the column-wise paths alike.
#[inline(always)]
pub(crate) fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
    let y = if x < lo { lo } else { x };
    if y > hi {
        hi
    } else {
        y
    }
}

/// max(x, lo) by compare-and-select, see [`clamp`].
#[inline(always)]
pub(crate) fn at_least(x: f32, lo: f32) -> f32 {
    if x < lo {
        lo
    } else {
        x
    }
}

const EXP_LN2_HI: f32 = f32::from_bits(0x3f317200); // 6.931_457_519_5e-1
const EXP_LN2_LO: f32 = f32::from_bits(0x35bfbe8e); // 1.428_606_765_3e-6
const INV_LN2: f32 = f32::from_bits(0x3fb8aa3b); // 1.442_695_021_6
const P1: f32 = f32::from_bits(0x3e2a_aa8f); // 0xaaaa8f.0p-26 = 1.6666625440e-1
const P2: f32 = f32::from_bits(0xbb35_5215); // -0xb55215.0p-32 = -2.7667332906e-3

/// Exponential, f32: bit-identical to `libm::expf`, branch-free.
///
/// ```
/// use silkscore::math::exp;
/// assert_eq!(exp(0.0), 1.0);
/// assert_eq!(exp(-200.0), 0.0);
/// assert_eq!(exp(100.0), f32::INFINITY);
/// assert_eq!(exp(-1.5).to_bits(), libm::expf(-1.5).to_bits());
/// ```
#[inline]
pub fn exp(x: f32) -> f32 {
    let hx0 = x.to_bits();
    let sign = (hx0 >> 31) as i32;
    let hx = hx0 & 0x7fff_ffff;

    // Argument reduction: x = k·ln2 + r, |r| ≤ 0.5·ln2.
    let half = if sign != 0 { -0.5 } else { 0.5 };
    let k_big = truncate(INV_LN2 * x + half);
    let k: i32 = if hx > 0x3f85_1592 {
        k_big
    } else if hx > 0x3eb1_7218 {
        1 - sign - sign
    } else {
        0
    };
    let kf = k as f32;
    let hi = x - kf * EXP_LN2_HI;
    let lo = kf * EXP_LN2_LO;
    let r = hi - lo;

    let xx = r * r;
    let c = r - xx * (P1 + xx * P2);
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);

    // y · 2^k, exactly as libm's scalbnf does it for this range of k (−150 ..= 128).
    let pre = if k > 127 {
        f32::from_bits(0x7f00_0000) // 2^127
    } else if k < -126 {
        f32::from_bits(0x0c80_0000) // 2^-102
    } else {
        1.0
    };
    let n = if k > 127 {
        k - 127
    } else if k < -126 {
        k + 102
    } else {
        k
    };
    let n = n.clamp(-126, 127);
    let scale = f32::from_bits(((0x7f + n) as u32) << 23);
    let y = if k == 0 { y } else { (y * pre) * scale };

    // Special cases, as selects.
    let y = if hx <= 0x3900_0000 { 1.0 + x } else { y }; // |x| ≤ 2^-14
    let y = if sign != 0 && hx >= 0x42cf_f1b5 {
        0.0
    } else {
        y
    }; // x ≤ −103.97: underflow
    let y = if sign == 0 && hx >= 0x42b1_7218 {
        x * f32::from_bits(0x7f00_0000) // x ≥ 88.72: overflow to +∞
    } else {
        y
    };
    if hx > 0x7f80_0000 {
        x // NaN
    } else {
        y
    }
}

/// `v` truncated toward zero, as C's `(int)v` (and Rust's `v as i32`) gives it, for
/// |v| < 2²²; for larger |v| and NaN some value in [−1000, 1000]. [`exp`] needs it only for
/// |v| < 151 (|x| < 104: beyond, its special cases replace the result).
///
/// Without a float-to-integer cast, whose saturation the compiler turns into one scalar
/// conversion per lane: v + 1.5·2²³ rounds v to the nearest integer r (ties to even; the sum
/// lies in (2²³, 2²⁴), where the spacing is 1) and its bits are 0x4b40_0000 + r; r is then
/// moved one step toward zero when it lies beyond v. Integer additions, a comparison and
/// selects: it vectorises.
#[inline(always)]
fn truncate(v: f32) -> i32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23
    let r = (v + ROUND).to_bits().wrapping_sub(0x4b40_0000) as i32;
    let rf = r as f32;
    let r = if v >= 0.0 {
        if rf > v {
            r.wrapping_sub(1)
        } else {
            r
        }
    } else if rf < v {
        r.wrapping_add(1)
    } else {
        r
    };
    r.clamp(-1000, 1000)
}

/// [`ln`] for the scalar scoring path (`Scorer::score`): the same function, shaped like
/// `libm::logf` itself rather than branch-free. A positive normal argument, which is what
/// scoring almost always takes, goes straight to [`ln_normal_scalar`] inline; every other
/// argument (0, subnormal, negative, ∞, NaN) to [`ln_call`]. Same bits as [`ln`] and
/// `libm::logf` for every input (tests below, exhaustive in the ignored one): on a
/// microcontroller it costs no more than `logf` per call, where the branch-free form costs
/// more (docs/spec.md §4.5).
#[inline]
pub(crate) fn ln_scalar(x: f32) -> f32 {
    if is_positive_normal(x) {
        ln_normal_scalar(x)
    } else {
        ln_call(x)
    }
}

/// `f32::MIN_POSITIVE` ≤ x < ∞.
#[inline(always)]
fn is_positive_normal(x: f32) -> bool {
    x.to_bits().wrapping_sub(0x0080_0000) < 0x7f80_0000 - 0x0080_0000
}

/// [`ln`] of a positive, normal, finite `x` (`f32::MIN_POSITIVE` ≤ x < ∞): `logf`'s
/// reduction and polynomial, nothing else (for any other `x` the result is meaningless, never
/// a panic).
#[inline]
pub(crate) fn ln_normal_scalar(x: f32) -> f32 {
    ln_reduced(x.to_bits(), 0)
}

/// `logf`'s reduction and polynomial for the normal f32 with bits `bits`, whose exponent is
/// taken `k0` lower (−25 for a subnormal scaled by 2²⁵). The reduction is [`ln_positive`]'s
/// with fewer constants: there `ix = bits + (0x3f800000 − 0x3f3504f3)`, k = (ix >> 23) − 0x7f
/// and the reduced mantissa's bits are `(ix & 0x7fffff) + 0x3f3504f3`; with
/// `t = bits − 0x3f3504f3` (signed), those are k = t >> 23 (arithmetic) and `bits − (k << 23)`,
/// the same integers (the tests below check every input).
#[inline]
fn ln_reduced(bits: u32, k0: i32) -> f32 {
    let k = (bits.wrapping_sub(0x3f35_04f3) as i32) >> 23;
    let m = f32::from_bits(bits.wrapping_sub((k as u32) << 23));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * LG4);
    let t2 = z * (LG1 + w * LG3);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let dk = (k + k0) as f32;
    s * (hfsq + r) + dk * LN_LN2_LO - hfsq + f + dk * LN_LN2_HI
}

/// [`ln`] of any `x`, called rather than inlined: `libm::logf`'s branches (±0 → −∞, negative
/// → NaN, +∞ and NaN → themselves, a subnormal scaled by 2²⁵) around [`ln_reduced`]. One copy
/// serves the callers that are not a hot loop (preparing a scorer, validating a model, the
/// rare arguments of [`ln_scalar`]).
#[inline(never)]
pub(crate) fn ln_call(x: f32) -> f32 {
    let ix = x.to_bits();
    let (bits, k0) = if is_positive_normal(x) {
        (ix, 0)
    } else if ix << 1 == 0 {
        return f32::NEG_INFINITY;
    } else if ix >> 31 != 0 {
        return f32::NAN;
    } else if ix >= 0x7f80_0000 {
        return x; // +∞, NaN
    } else {
        ((x * f32::from_bits(0x4c00_0000)).to_bits(), -25) // subnormal: x·2^25
    };
    ln_reduced(bits, k0) // one copy of the polynomial
}

/// [`exp`] for the scalar scoring path: the same function, shaped like `libm::expf` (special
/// cases first, then the reduction, polynomial and scaling by 2ᵏ of [`exp`], in the same
/// operations). Same bits as [`exp`] and `libm::expf` for every input (tests below,
/// exhaustive in the ignored one).
#[inline(never)]
pub(crate) fn exp_scalar(x: f32) -> f32 {
    let hx0 = x.to_bits();
    let sign = (hx0 >> 31) as i32;
    let hx = hx0 & 0x7fff_ffff;
    if hx >= 0x42ae_ac50 {
        // |x| ≥ 87.34, or NaN
        if hx > 0x7f80_0000 {
            return x;
        }
        if sign == 0 && hx >= 0x42b1_7218 {
            return x * f32::from_bits(0x7f00_0000); // overflow: +∞
        }
        if sign != 0 && hx >= 0x42cf_f1b5 {
            return 0.0; // underflow
        }
    }
    if hx <= 0x3900_0000 {
        return 1.0 + x; // |x| ≤ 2^-14
    }
    // Argument reduction: x = k·ln2 + r, |r| ≤ 0.5·ln2.
    let k: i32 = if hx > 0x3f85_1592 {
        let half = if sign != 0 { -0.5 } else { 0.5 };
        (INV_LN2 * x + half) as i32
    } else if hx > 0x3eb1_7218 {
        1 - sign - sign
    } else {
        0
    };
    let kf = k as f32;
    let hi = x - kf * EXP_LN2_HI;
    let lo = kf * EXP_LN2_LO;
    let r = hi - lo;
    let xx = r * r;
    let c = r - xx * (P1 + xx * P2);
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // y · 2^k as `exp` computes it (k is in −150 ..= 128 here).
    let pow2 = |n: i32| f32::from_bits(((0x7f + n) as u32) << 23);
    if k == 0 {
        y
    } else if k > 127 {
        (y * f32::from_bits(0x7f00_0000)) * pow2(k - 127)
    } else if k < -126 {
        (y * f32::from_bits(0x0c80_0000)) * pow2(k + 102)
    } else {
        y * pow2(k)
    }
}

const L1P_LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.931_471_803_691_238_2e-1
const L1P_LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.908_214_929_270_587_7e-10
const L1P_LG1: f64 = f64::from_bits(0x3fe5_5555_5555_5593); // 6.666666666666735130e-01
const L1P_LG2: f64 = f64::from_bits(0x3fd9_9999_9997_fa04); // 3.999999999940941908e-01
const L1P_LG3: f64 = f64::from_bits(0x3fd2_4924_9422_9359); // 2.857142874366239149e-01
const L1P_LG4: f64 = f64::from_bits(0x3fcc_71c5_1d8e_78af); // 2.222219843214978396e-01
const L1P_LG5: f64 = f64::from_bits(0x3fc7_4664_96cb_03de); // 1.818357216161805012e-01
const L1P_LG6: f64 = f64::from_bits(0x3fc3_9a09_d078_c69f); // 1.531383769920937332e-01
const L1P_LG7: f64 = f64::from_bits(0x3fc2_f112_df3e_5244); // 1.479819860511658591e-01

/// ln(1 + x), f64: bit-identical to `libm::log1p` (FreeBSD's `s_log1p.c`), branch-free.
///
/// Not a scoring function (scores are f32, [`ln`]): the entropy weights take it per value
/// (φ, [`crate::weights::entropy`]), and in this shape that loop vectorises. Both argument
/// reductions of `log1p` are computed — k = 0 with f = x for √2/2 − 1 < x < √2 − 1, and
/// otherwise 1 + x = u = 2ᵏ(1 + f) with the rounding correction c/u — and one is selected;
/// the tiny case (|x| < 2⁻⁵³ → x), −1 → −∞, x < −1 → NaN, +∞ and NaN → x are selects too.
/// The same operations in the same order as `libm`, no fused multiply-add, so the same bits
/// for every input (unit tests below, on every branch boundary, 2·10⁷ random inputs, and
/// 10⁹ in the `#[ignore]`d sweep).
///
/// ```
/// use silkscore::math::log1p;
/// assert_eq!(log1p(0.0), 0.0);
/// assert_eq!(log1p(-1.0), f64::NEG_INFINITY);
/// assert!(log1p(-2.0).is_nan());
/// assert_eq!(log1p(1e-300), 1e-300);
/// for x in [-0.75, -0.25, 0.1, 0.5, 1.0, 3.0, 1e20] {
///     assert_eq!(log1p(x).to_bits(), libm::log1p(x).to_bits());
/// }
/// ```
#[inline(always)]
pub fn log1p(x: f64) -> f64 {
    // libm branches on the high word hx of x; every test is a float comparison here (SSE2
    // has no packed 64-bit integer compare). For x not NaN:
    // - hx < 0x3fda827a with the sign clear, or hx ≤ 0xbfd2bec4 with it set (√2/2 ≤ 1 + x
    //   < √2): the k = 0 reduction;
    // - |x| < 2^-53 (hx << 1 < 0x3ca00000 << 1): x;
    // - hx ≥ 0xbff00000 (x ≤ −1, −∞): −∞ for −1, NaN below;
    // - hx ≥ 0x7ff00000 with the sign clear (+∞): x.
    // NaN: x with the sign clear, (x − x) / 0 (x quieted) with it set, as in libm.
    const K0_HI: f64 = f64::from_bits(0x3fda_827a_0000_0000); // x < this: hx < 0x3fda827a
    const K0_LO: f64 = f64::from_bits(0xbfd2_bec4_ffff_ffff); // x ≥ this: hx ≤ 0xbfd2bec4
    const TINY: f64 = f64::from_bits(0x3ca0_0000_0000_0000); // 2^-53
    let k_zero = (K0_LO..K0_HI).contains(&x);
    let negative = 1.0f64.copysign(x) < 0.0;

    // The reduction of u = 1 + x (libm's `k > 0` block), computed for every x.
    let u = 1.0 + x;
    let ub = u.to_bits();
    let hu = (ub >> 32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e) & 0xffff_ffff;
    // k = (hu >> 20) − 0x3ff as f64, exactly, without an integer conversion or compare
    // (neither vectorises on SSE2): (2^52 + (hu >> 20)) − (2^52 + 0x3ff).
    let dk_u =
        f64::from_bits(0x4330_0000_0000_0000 | (hu >> 20)) - f64::from_bits(0x4330_0000_0000_03ff);
    let c = if dk_u >= 2.0 {
        1.0 - (u - x)
    } else {
        x - (u - 1.0)
    };
    let c = c / u;
    let c = if dk_u < 54.0 { c } else { 0.0 };
    let m = f64::from_bits((((hu & 0x000f_ffff) + 0x3fe6_a09e) << 32) | (ub & 0xffff_ffff));
    let f_u = m - 1.0;

    let f = if k_zero { x } else { f_u };
    let c = if k_zero { 0.0 } else { c };
    let dk = if k_zero { 0.0 } else { dk_u };

    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (L1P_LG2 + w * (L1P_LG4 + w * L1P_LG6));
    let t2 = z * (L1P_LG1 + w * (L1P_LG3 + w * (L1P_LG5 + w * L1P_LG7)));
    let r = t2 + t1;
    let y = s * (hfsq + r) + (dk * L1P_LN2_LO + c) - hfsq + f + dk * L1P_LN2_HI;

    // Special cases, as selects.
    let y = if x.abs() < TINY { x } else { y }; // ±0 and subnormals included
    let y = if (x == f64::INFINITY || x.is_nan()) && !negative {
        x // +∞, NaN with the sign clear
    } else {
        y
    };
    #[allow(clippy::eq_op)] // libm's NaN: x − x is NaN for x < −1, x = −∞ and NaN
    let nan = (x - x) / 0.0;
    if (x <= -1.0 || x.is_nan()) && negative {
        // x ≤ −1, −∞, NaN with the sign set
        if x == -1.0 {
            x / 0.0 // −∞
        } else {
            nan
        }
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: f32, b: f32) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn check_stride(step: usize) {
        let mut bad = 0u32;
        for bits in (0..=u32::MAX).step_by(step) {
            let x = f32::from_bits(bits);
            if x > 0.0 && x.is_finite() {
                assert!(same(ln_positive(x), libm::logf(x)), "ln_positive {bits:#x}");
            }
            if x >= f32::MIN_POSITIVE && x.is_finite() {
                assert!(same(ln_normal(x), libm::logf(x)), "ln_normal {bits:#x}");
            }
            if !same(ln(x), libm::logf(x)) {
                bad += 1;
                assert!(
                    bad < 5,
                    "ln({x:e} = {bits:#x}): {} vs libm {}",
                    ln(x),
                    libm::logf(x)
                );
            }
            if !same(exp(x), libm::expf(x)) {
                bad += 1;
                assert!(
                    bad < 5,
                    "exp({x:e} = {bits:#x}): {} vs libm {}",
                    exp(x),
                    libm::expf(x)
                );
            }
        }
        assert_eq!(bad, 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a million conversions: minutes under Miri")]
    fn truncate_is_the_cast_where_exp_needs_it() {
        // Every f32 in (−2^22, 2^22) on a stride, the integers and halves around them.
        let mut v = -4_194_303.5f32;
        while v < 4_194_304.0 {
            assert_eq!(super::truncate(v), (v as i32).clamp(-1000, 1000), "{v}");
            for d in [-0.5f32, -0.25, 0.0, 0.25, 0.5] {
                let w = v.round() + d;
                assert_eq!(super::truncate(w), (w as i32).clamp(-1000, 1000), "{w}");
            }
            v += 0.37 + v.abs() * 1.0e-4;
        }
        for bits in (0..=u32::MAX).step_by(9_973) {
            let v = f32::from_bits(bits);
            let t = super::truncate(v);
            assert!((-1000..=1000).contains(&t));
            if v.abs() < 4_194_304.0 {
                assert_eq!(t, (v as i32).clamp(-1000, 1000), "{v:e}");
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "1.4 million libm evaluations: hours under Miri")]
    fn matches_libm_on_a_stride_of_all_inputs() {
        // A prime stride visits every exponent and many mantissas: ~1.4 million inputs.
        check_stride(3061);
    }

    #[test]
    #[cfg_attr(miri, ignore = "0.3 million libm evaluations: too slow under Miri")]
    fn matches_libm_at_the_edges() {
        let edges: [u32; 24] = [
            0,
            1,
            0x007f_ffff,
            0x0080_0000,
            0x3f80_0000,
            0x3f35_04f3,
            0x3f35_04f4,
            0x3eb1_7218,
            0x3eb1_7219,
            0x3f85_1592,
            0x3f85_1593,
            0x3900_0000,
            0x3900_0001,
            0x42ae_ac50,
            0x42b1_7217,
            0x42b1_7218,
            0x42cf_f1b4,
            0x42cf_f1b5,
            0x7f7f_ffff,
            0x7f80_0000,
            0x7f80_0001,
            0x7fc0_0000,
            0xff80_0000,
            0xc2cf_f1b4,
        ];
        for b in edges {
            for bits in [b, b | 0x8000_0000] {
                let x = f32::from_bits(bits);
                assert!(same(ln(x), libm::logf(x)), "ln {bits:#x}");
                assert!(same(exp(x), libm::expf(x)), "exp {bits:#x}");
            }
        }
        // The whole subnormal-result range of exp and every input ln sees while scoring.
        let mut x = -104.0f32;
        while x < 90.0 {
            assert!(same(exp(x), libm::expf(x)), "exp {x}");
            x += 0.0007;
        }
    }

    /// All 2³² inputs: `cargo test --release --lib -- --ignored math` (about a minute).
    #[test]
    #[ignore]
    fn matches_libm_on_every_input() {
        check_stride(1);
    }

    /// The scalar path's shapes against `libm`, on every `step`-th input.
    fn check_scalar(step: usize) {
        for bits in (0..=u32::MAX).step_by(step) {
            let x = f32::from_bits(bits);
            assert!(same(ln_scalar(x), libm::logf(x)), "ln_scalar {bits:#x}");
            assert!(same(ln_call(x), libm::logf(x)), "ln_call {bits:#x}");
            if x >= f32::MIN_POSITIVE && x.is_finite() {
                assert!(
                    same(ln_normal_scalar(x), libm::logf(x)),
                    "ln_normal_scalar {bits:#x}"
                );
            }
            assert!(same(exp_scalar(x), libm::expf(x)), "exp_scalar {bits:#x}");
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "1.4 million libm evaluations: hours under Miri")]
    fn scalar_shapes_match_libm_on_a_stride_and_at_their_edges() {
        check_scalar(3067);
        // each side of every branch of ln_scalar and exp_scalar, both signs
        let edges = [
            0u32,
            1,
            0x007f_ffff,
            0x0080_0000,
            0x0080_0001,
            0x3f80_0000,
            0x7f7f_ffff,
            0x7f80_0000,
            0x7f80_0001,
            0x7fc0_0000,
            0x3900_0000,
            0x3900_0001,
            0x3eb1_7218,
            0x3eb1_7219,
            0x3f85_1592,
            0x3f85_1593,
            0x42ae_ac4f,
            0x42ae_ac50,
            0x42b1_7218,
            0x42cf_f1b5,
        ];
        for e in edges {
            for bits in e.saturating_sub(64)..e.saturating_add(64) {
                for bits in [bits, bits | 0x8000_0000] {
                    let x = f32::from_bits(bits);
                    assert!(same(ln_scalar(x), libm::logf(x)), "ln_scalar {bits:#x}");
                    assert!(same(exp_scalar(x), libm::expf(x)), "exp_scalar {bits:#x}");
                }
            }
        }
        // the reduction's boundary (a mantissa of sqrt(2)/2) in every binade
        for e in 0..255u32 {
            for bits in (e << 23 | 0x0035_04f3) - 3..(e << 23 | 0x0035_04f3) + 3 {
                let x = f32::from_bits(bits);
                assert!(same(ln_scalar(x), libm::logf(x)), "ln_scalar {bits:#x}");
            }
        }
        // every mean a geometric aggregation can take, 2^-24 apart near 0
        let mut x = -90.0f32;
        while x < 1.0 {
            assert!(same(exp_scalar(x), libm::expf(x)), "exp_scalar {x}");
            x += if x.abs() < 0.01 { 1.0e-6 } else { 0.0007 };
        }
    }

    /// All 2³² inputs: `cargo test --release --lib -- --ignored math` (about a minute).
    #[test]
    #[ignore]
    fn scalar_shapes_match_libm_on_every_input() {
        check_scalar(1);
    }

    /// `ln_scalar` (the same function as libm's `logf`) never decreases from one positive
    /// finite f32 to the next,
    /// nor `exp_scalar` from one finite f32 to the next, checked on every `step`-th input:
    /// the scorer relies on it (`score::aggregate`: a normalised value needs no clamp to
    /// [0, 1], and neither does an index).
    fn check_monotone(step: usize) {
        for bits in (1..0x7f80_0000u32 - 1).step_by(step) {
            let (a, b) = (f32::from_bits(bits), f32::from_bits(bits + 1));
            assert!(ln_scalar(a) <= ln_scalar(b), "ln at {bits:#x}");
        }
        // exp over the finite floats in increasing order: −max … −0, then +0 … max.
        for bits in (0..0x7f80_0000u32 - 1).step_by(step) {
            let (a, b) = (f32::from_bits(bits), f32::from_bits(bits + 1));
            assert!(exp_scalar(a) <= exp_scalar(b), "exp at {bits:#x}");
            let (na, nb) = (-b, -a);
            assert!(exp_scalar(na) <= exp_scalar(nb), "exp at -{bits:#x}");
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "1.4 million libm evaluations: hours under Miri")]
    fn ln_and_exp_are_monotone_on_a_stride_of_all_inputs() {
        check_monotone(1531);
        // where the polynomial's interval changes: around 1 and sqrt(2)/2 (ln), the argument
        // reduction's thresholds (exp)
        for centre in [
            0x3f80_0000u32,
            0x3f35_04f3,
            0x3eb1_7218,
            0x3f85_1592,
            0x3900_0000,
        ] {
            for bits in centre - 4096..centre + 4096 {
                let (a, b) = (f32::from_bits(bits), f32::from_bits(bits + 1));
                assert!(ln_scalar(a) <= ln_scalar(b), "ln at {bits:#x}");
                assert!(exp_scalar(a) <= exp_scalar(b), "exp at {bits:#x}");
            }
        }
    }

    /// Every input: `cargo test --release --lib -- --ignored math` (about a minute).
    #[test]
    #[ignore]
    fn ln_and_exp_are_monotone_on_every_input() {
        check_monotone(1);
    }
    /// `log1p` and `libm::log1p` give the same bits for `x` (NaNs too: the same payload,
    /// natively).
    fn log1p_same(x: f64) {
        let (a, b) = (log1p(x), libm::log1p(x));
        // Miri gives every NaN an arbitrary sign and payload (Rust leaves them unspecified),
        // so there a NaN only has to meet a NaN.
        let nan_alike = cfg!(miri) && a.is_nan() && b.is_nan();
        assert!(
            a.to_bits() == b.to_bits() || nan_alike,
            "log1p({x:e} = {:#018x}): {a:e} ({:#018x}) vs libm {b:e} ({:#018x})",
            x.to_bits(),
            a.to_bits(),
            b.to_bits()
        );
    }

    /// SplitMix64: a fixed, seeded stream of 64-bit patterns.
    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` random bit patterns (every class of f64) and `n` random values in (−1, 10).
    fn log1p_random(n: u64, seed: u64) {
        let mut st = seed;
        for _ in 0..n {
            log1p_same(f64::from_bits(splitmix(&mut st)));
            // 53 random bits → [0, 1), scaled to (−1, 10)
            let unit = (splitmix(&mut st) >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
            let x = -1.0 + 11.0 * unit;
            if x > -1.0 {
                log1p_same(x);
            }
        }
    }

    #[test]
    fn log1p_matches_libm_at_every_branch_boundary() {
        // Values around which libm's log1p branches, by their high word (then their
        // neighbours in the low word too), both signs.
        let highs: [u32; 16] = [
            0x3fda_827a, // 1 + x < √2 (k = 0 below)
            0xbfd2_bec4, // 1 + x ≥ √2/2 (k = 0 above)
            0x3ca0_0000, // |x| < 2^-53 → x
            0xbff0_0000, // x ≤ −1
            0x7ff0_0000, // +∞, NaN
            0x3ff0_0000, // x = 1: 1 + x = 2, k = 1
            0x4000_0000, // k = 2 starts near x = 3
            0x4008_0000,
            0x4340_0000, // 2^53: k = 54 near here
            0x4350_0000, // 2^54
            0x4330_0000,
            0x0010_0000, // smallest normal
            0x0000_0000, // ±0 and subnormals
            0x7fef_ffff, // largest finite
            0x3fe6_a09e, // the reduction's √2/2 mantissa
            0x3ff6_a09e, // √2
        ];
        let lows: [u32; 7] = [0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];
        let mut st = 0x10_91b;
        let randoms = if cfg!(miri) { 2 } else { 2000 };
        for h in highs {
            for dh in 0..9u32 {
                let h = h.wrapping_add(dh).wrapping_sub(4);
                // the edges of the low word, and random low words (within one high word the
                // two reductions can differ in the last bit)
                let random = (0..randoms).map(|_| splitmix(&mut st) as u32);
                for l in lows.into_iter().chain(random) {
                    for sign in [0u64, 1 << 63] {
                        log1p_same(f64::from_bits(sign | (u64::from(h) << 32) | u64::from(l)));
                    }
                }
            }
        }
        // −1 and its neighbours; the k = 2 and k = 54 boundaries of 1 + x by value.
        let minus_one = (-1.0f64).to_bits();
        for d in 0..64u64 {
            log1p_same(f64::from_bits(minus_one + d));
            log1p_same(f64::from_bits(minus_one - d));
        }
        for centre in [
            1.0f64,
            3.0,
            2.0,
            4.0,
            7.0,
            2f64.powi(53),
            2f64.powi(54),
            2f64.powi(53) - 1.0,
            2f64.powi(54) - 1.0,
            0.414_213_562_373_095,
            -0.292_893_218_813_452_5,
            1e-16,
            -1e-16,
            1.1e-16,
            -1.1e-16,
        ] {
            let b = centre.to_bits();
            for d in 0..256u64 {
                log1p_same(f64::from_bits(b + d));
                log1p_same(f64::from_bits(b - d));
            }
        }
        for x in [
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff0_0000_0000_0001), // signalling NaN
            f64::from_bits(0xfff0_0000_0000_0001),
            f64::MAX,
            f64::MIN,
            1e300,
            1e19,
            -0.999_999_999_999,
            -0.5,
            -0.25,
        ] {
            log1p_same(x);
        }
        // every binade, at the two ends of the mantissa
        for e in 0..0x800u64 {
            for m in [0u64, 1, 0x0006_a09e_0000_0000, 0x000f_ffff_ffff_ffff] {
                log1p_same(f64::from_bits(e << 52 | m));
                log1p_same(f64::from_bits(1 << 63 | e << 52 | m));
            }
        }
    }

    #[test]
    fn log1p_matches_libm_on_random_inputs() {
        // 10^7 random bit patterns and 10^7 random values in (−1, 10) natively; a sample
        // under Miri.
        log1p_random(if cfg!(miri) { 200 } else { 10_000_000 }, 0x5eed_1091);
    }

    /// 10⁹ random bit patterns and 10⁹ values in (−1, 10):
    /// `cargo test --release --lib -- --ignored log1p` (a few minutes).
    #[test]
    #[ignore]
    fn log1p_matches_libm_on_a_billion_inputs() {
        log1p_random(1_000_000_000, 0xb111_0a1d);
    }
}
