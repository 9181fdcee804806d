//! The one `ln` and `exp` of the crate.
//!
//! Every logarithm and exponential that affects a score goes through these two functions,
//! on every target, so the same record and model give bit-identical scores on x86_64 and
//! on every Cortex-M core (SPEC §4). They are `libm`'s `logf` and `expf`: pure software,
//! IEEE-754 single precision, with no use of a platform's own math library.

/// Natural logarithm, f32 (`libm::logf`).
///
/// ```
/// assert_eq!(silkscore::math::ln(1.0), 0.0);
/// ```
#[inline]
pub fn ln(x: f32) -> f32 {
    libm::logf(x)
}

/// Exponential, f32 (`libm::expf`).
///
/// ```
/// assert_eq!(silkscore::math::exp(0.0), 1.0);
/// ```
#[inline]
pub fn exp(x: f32) -> f32 {
    libm::expf(x)
}

/// `floor`, f32 (`libm::floorf`; `f32::floor` is not in `core`).
#[inline]
pub(crate) fn floor(x: f32) -> f32 {
    libm::floorf(x)
}
