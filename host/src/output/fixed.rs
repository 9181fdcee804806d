//! Fixed-decimal numbers without `format!`: [`push_fixed`] writes exactly the bytes of
//! `format!("{v:.D$}")` (Rust rounds the exact binary value half to even), for the parallel
//! writers of [`crate::pipeline`]. Values the writers see (scores in [0, 100], coverage in
//! [0, 1]) take the exact integer path; anything else (negative, ≥ 2²⁴, not finite) is handed
//! to `format!`. The tests compare the two on every f32 in [0, 100] (`#[ignore]`d: about a
//! billion values) and on a large sample of all f32 in the normal suite.

use std::io::Write as _;
use std::vec::Vec;

/// Powers of ten up to 10⁹.
const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// Appends `v` with `decimals` decimals (at most 9), exactly as `format!("{v:.decimals$}")`.
///
/// ```
/// # use silkscore_host::output::fixed::push_fixed;
/// let mut s = Vec::new();
/// push_fixed(&mut s, 70.415_93, 6);
/// s.push(b' ');
/// push_fixed(&mut s, 0.007_812_5, 6); // a tie: half to even, as format! does
/// assert_eq!(s, b"70.415932 0.007812");
/// ```
pub fn push_fixed(out: &mut Vec<u8>, v: f32, decimals: usize) {
    // One copy per count of decimals, so that the divisions are by constants.
    let done = match decimals {
        2 => fixed::<2>(out, v),
        4 => fixed::<4>(out, v),
        6 => fixed::<6>(out, v),
        _ => false,
    };
    if !done {
        let _ = write!(out, "{v:.decimals$}");
    }
}

/// [`push_fixed`] with `D` decimals (at most 9); false (and nothing written) for a value
/// outside the exact path: negative, at least 2²⁴, not finite.
#[inline]
fn fixed<const D: usize>(out: &mut Vec<u8>, v: f32) -> bool {
    let bits = v.to_bits();
    let Some(&scale) = POW10.get(D) else {
        return false;
    };
    // Non-negative and below 2^24 (a sign bit, ∞ and NaN all fail this).
    if bits >= 0x4b80_0000 {
        return false;
    }
    let exp = (bits >> 23) & 0xff;
    let frac = bits & 0x007f_ffff;
    let (m, e) = if exp == 0 {
        (frac, -149i32)
    } else {
        (frac | 0x0080_0000, exp as i32 - 150)
    };
    // v·10^D = m·10^D·2^e exactly (e ≤ 0 below 2^24; m·10^D < 2^54); round half to even.
    let num = u64::from(m) * scale;
    let s = e.unsigned_abs();
    let n = if s == 0 {
        num
    } else if s >= 63 {
        0 // num < 2^54 ≤ 2^(s-1): below one half
    } else {
        let q = num >> s;
        let r = num - (q << s);
        let half = 1u64 << (s - 1);
        q + u64::from(r > half || (r == half && q & 1 == 1))
    };
    // Right to left into a small buffer: the decimals, the point, the integer part.
    let mut buf = [0u8; 32];
    let mut at = buf.len();
    let mut put = |b: u8| {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            *slot = b;
        }
    };
    let (mut int, mut frac) = (n / scale, n % scale);
    if D > 0 {
        for _ in 0..D {
            put(b'0' + (frac % 10) as u8);
            frac /= 10;
        }
        put(b'.');
    }
    loop {
        put(b'0' + (int % 10) as u8);
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(at..).unwrap_or(&[]));
    true
}

/// Appends the decimal digits of `n`.
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or(&[]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    fn check(v: f32, d: usize) {
        let mut got = Vec::new();
        push_fixed(&mut got, v, d);
        let want = format!("{v:.d$}");
        assert_eq!(
            std::str::from_utf8(&got).unwrap(),
            want,
            "{v:e} ({:#x}), {d} decimals",
            v.to_bits()
        );
    }

    #[test]
    fn equals_format_on_a_sample_of_every_f32() {
        // A prime stride over all bit patterns (every exponent, both signs, NaN and ∞), then
        // dense runs around the ties and the ends of the writers' ranges.
        for bits in (0..=u32::MAX).step_by(4099) {
            let v = f32::from_bits(bits);
            for d in [0, 2, 4, 6] {
                check(v, d);
            }
        }
        for v in [
            0.0f32,
            1.0,
            100.0,
            0.007_812_5,
            0.5,
            2.5,
            99.999_999,
            0.000_000_5,
        ] {
            for k in 0..2000u32 {
                for x in [
                    f32::from_bits(v.to_bits() + k),
                    f32::from_bits(v.to_bits().saturating_sub(k)),
                ] {
                    for d in [2, 4, 6] {
                        check(x, d);
                    }
                }
            }
        }
    }

    #[test]
    fn integers() {
        let mut s = Vec::new();
        for n in [0u64, 7, 10, 4_294_967_295, u64::MAX] {
            s.clear();
            push_u64(&mut s, n);
            assert_eq!(s, format!("{n}").into_bytes());
        }
    }

    /// Every f32 in [0, 100] with 2, 4 and 6 decimals, and every f32 in [0, 1] with 4:
    /// `cargo test --release -p silkscore-host --lib -- --ignored fixed` (a few minutes).
    #[test]
    #[ignore]
    fn equals_format_on_every_f32_the_writers_see() {
        let top = 100.0f32.to_bits();
        let mut got = Vec::new();
        let mut want = std::string::String::new();
        for bits in 0..=top {
            let v = f32::from_bits(bits);
            for d in [2usize, 4, 6] {
                if d == 4 && v > 1.0 {
                    continue;
                }
                got.clear();
                want.clear();
                push_fixed(&mut got, v, d);
                use core::fmt::Write as _;
                let _ = write!(want, "{v:.d$}");
                assert_eq!(got, want.as_bytes(), "{bits:#x}, {d} decimals");
            }
        }
    }
}
