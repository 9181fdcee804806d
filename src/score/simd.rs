//! Runtime SIMD dispatch for the column-wise scorer ([`super::Scorer::score_into`],
//! [`super::Scorer::score_columns`]).
//!
//! The scorer is compiled once per instruction set: the target's baseline (SSE2 on x86_64,
//! NEON on aarch64, plain code elsewhere) and, on x86_64 with the `runtime-dispatch` feature,
//! AVX2 and AVX-512 (F, BW, DQ, VL). [`SimdPath::detect`] picks the widest one the CPU has
//! when the program runs, so one portable build (what `cargo install` makes) scores at the
//! speed of a build for the host CPU. Without the feature (`no_std`, firmware), only the
//! baseline path exists and nothing is detected.
//!
//! **Every path gives the same bits.** Each is the same Rust code, only compiled with other
//! instructions enabled: the same operations in the same order, in f32, and Rust never
//! contracts `a * b + c` into a fused multiply-add (the AVX2 path does not even enable FMA).
//! `tests/simd_paths.rs` scores the conformance vectors and a million generated records on
//! every path the machine supports and compares the bits with [`super::Scorer::score`].
//!
//! A [`SimdPath`] can only be obtained for an instruction set the CPU has: it is the proof
//! that running that path is sound.
//!
//! ```
//! use silkscore::score::simd::SimdPath;
//! let best = SimdPath::detect();
//! assert!(SimdPath::supported().any(|p| p == best));
//! assert_eq!(SimdPath::supported().next(), Some(SimdPath::portable()));
//! println!("scoring with {}", best.name());
//! ```
// This module is the only one in the crate that may use `unsafe` (see `src/lib.rs`): calling a
// `#[target_feature]` function from code compiled without those features is `unsafe`, and the
// calls below and the prefetch hint of [`prefetch`] are the whole of it. The safety
// argument is at each call.
#![cfg_attr(feature = "runtime-dispatch", allow(unsafe_code))]

use super::columns::{Sink, Source};
use super::Scorer;

/// An instruction set the column-wise scorer is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Isa {
    /// The target's baseline: SSE2 on x86_64, NEON on aarch64, whatever the target enables
    /// elsewhere.
    Baseline,
    /// x86_64 AVX2 (256-bit vectors, 8 lanes of f32).
    Avx2,
    /// x86_64 AVX-512 F, BW, DQ and VL (512-bit vectors, 16 lanes of f32).
    Avx512,
}

/// A SIMD path of the column-wise scorer that the running CPU supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SimdPath {
    isa: Isa,
}

impl SimdPath {
    /// The baseline path, which every CPU of the target supports.
    pub const fn portable() -> SimdPath {
        SimdPath { isa: Isa::Baseline }
    }

    /// The widest path the running CPU supports (the baseline without the
    /// `runtime-dispatch` feature). Detection is cached by the standard library: calling
    /// this per batch costs a few loads.
    pub fn detect() -> SimdPath {
        let mut best = SimdPath::portable();
        for p in SimdPath::supported() {
            best = p;
        }
        best
    }

    /// Every path the running CPU supports, narrowest first (the baseline first).
    pub fn supported() -> impl Iterator<Item = SimdPath> {
        [Isa::Baseline, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|isa| has(*isa))
            .map(|isa| SimdPath { isa })
    }

    /// The path for `isa`, when the running CPU supports it.
    ///
    /// ```
    /// use silkscore::score::simd::{Isa, SimdPath};
    /// assert_eq!(SimdPath::new(Isa::Baseline), Some(SimdPath::portable()));
    /// ```
    pub fn new(isa: Isa) -> Option<SimdPath> {
        has(isa).then_some(SimdPath { isa })
    }

    /// The instruction set.
    pub const fn isa(self) -> Isa {
        self.isa
    }

    /// `sse2`, `neon` or `portable` for the baseline (by target), `avx2`, `avx512`.
    pub const fn name(self) -> &'static str {
        match self.isa {
            Isa::Baseline if cfg!(target_arch = "x86_64") => "sse2",
            Isa::Baseline if cfg!(target_arch = "aarch64") => "neon",
            Isa::Baseline => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

impl SimdPath {
    /// Runs `f` compiled for this path: `f` is inlined into a function built with the
    /// path's instructions enabled, so its loops vectorise for them (the same operations in
    /// the same order, so the same bits, as for the column-wise scorer). For hosts' own hot
    /// loops over the crate's functions, e.g. the entropy's second pass
    /// ([`crate::weights::entropy::PhiSums::add_columns`]).
    ///
    /// ```
    /// use silkscore::score::simd::SimdPath;
    /// let v: Vec<f64> = (1..=1000).map(f64::from).collect();
    /// let sum = SimdPath::detect().run(|| v.iter().map(|x| silkscore::math::log1p(*x)).sum::<f64>());
    /// assert_eq!(sum, v.iter().map(|x| libm::log1p(*x)).sum::<f64>());
    /// ```
    #[inline]
    pub fn run<R, F: FnOnce() -> R>(self, f: F) -> R {
        match self.isa {
            #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
            // SAFETY: a `SimdPath` with `Isa::Avx512` exists only after `has` found AVX-512
            // F, BW, DQ and VL on this CPU, the features `avx512_call` enables.
            Isa::Avx512 => unsafe { avx512_call(f) },
            #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
            // SAFETY: as above, `has` found AVX2, the feature `avx2_call` enables.
            Isa::Avx2 => unsafe { avx2_call(f) },
            _ => f(),
        }
    }
}

/// `f`, compiled with AVX2 (see [`SimdPath::run`]).
#[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
fn avx2_call<R, F: FnOnce() -> R>(f: F) -> R {
    f()
}

/// `f`, compiled with AVX-512 (see [`SimdPath::run`]).
#[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn avx512_call<R, F: FnOnce() -> R>(f: F) -> R {
    f()
}

/// Whether the running CPU supports `isa` (and this build has a path for it).
fn has(isa: Isa) -> bool {
    match isa {
        Isa::Baseline => true,
        #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
        Isa::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
        #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
        Isa::Avx512 => {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
        }
        #[cfg(not(all(feature = "runtime-dispatch", target_arch = "x86_64")))]
        Isa::Avx2 | Isa::Avx512 => false,
    }
}

/// Runs the column-wise scorer on `path` (lengths already checked by the caller): reads
/// `src`, writes `sink`, returns the number of records that scored.
pub(super) fn run<S: Source, K: Sink>(
    path: SimdPath,
    scorer: &Scorer<'_>,
    src: &S,
    sink: &mut K,
) -> usize {
    match path.isa {
        #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
        // SAFETY: a `SimdPath` with `Isa::Avx512` is only made by `SimdPath::new`,
        // `supported` or `detect`, after `has` found AVX-512 F, BW, DQ and VL on this CPU:
        // exactly the features `avx512` enables. The function body is safe code.
        Isa::Avx512 => unsafe { avx512(scorer, src, sink) },
        #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
        // SAFETY: as above, `has` found AVX2 on this CPU, the feature `avx2` enables.
        Isa::Avx2 => unsafe { avx2(scorer, src, sink) },
        _ => scorer.score_blocks(src, sink),
    }
}

/// The scorer compiled with AVX2.
#[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
fn avx2<S: Source, K: Sink>(scorer: &Scorer<'_>, src: &S, sink: &mut K) -> usize {
    scorer.score_blocks(src, sink)
}

/// The scorer compiled with AVX-512.
#[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn avx512<S: Source, K: Sink>(scorer: &Scorer<'_>, src: &S, sink: &mut K) -> usize {
    scorer.score_blocks(src, sink)
}

/// Asks the CPU to bring the cache lines of `data` into its caches ahead of use: the
/// column-wise scorer prefetches the block after next of each column while it scores, so
/// that its many input streams do not wait on memory. A hint only (no effect on any value);
/// nothing without the `runtime-dispatch` feature or off x86_64.
#[inline(always)]
pub(super) fn prefetch(data: &[f32]) {
    #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
    for line in data.chunks(16) {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is a hint that never faults and changes no architectural state
        // (any address may be prefetched; this one is inside a live slice anyway), and SSE,
        // which it needs, is part of the x86_64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) }
    }
    #[cfg(not(all(feature = "runtime-dispatch", target_arch = "x86_64")))]
    let _ = data;
}
