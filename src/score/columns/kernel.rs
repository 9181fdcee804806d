//! The arithmetic of the column-wise scorer, one block of [`BLOCK`] records at a time: every
//! operation of the scalar pipeline ([`crate::score::Scorer::score`]), in the same order, in
//! branch-free loops over the block that the compiler vectorises. Where the values come from
//! ([`Source`]: columns or rows) and where the results go (the sinks of
//! [`super::output`]) are the callers' business; everything here is `#[inline(always)]`, so
//! that each SIMD path of [`crate::score::simd`] gets its own copy.

use super::super::{ScoreError, Scorer};
use crate::math;
use crate::model::{Aggregation, Connotation, Direction, Transform, MAX_INDICATORS};

/// Records per block: large enough to vectorise, small enough to stay in L1.
pub(crate) const BLOCK: usize = 128;

/// Where a batch's values come from: one block of records at a time.
pub trait Source {
    /// The number of records.
    fn len(&self) -> usize;

    /// The number of value columns (indicators).
    fn width(&self) -> usize;

    /// Loads records `start..end` (at most [`BLOCK`] of them): their presence bits into the
    /// first entries of `ps` (the rest are left as they are: the caller clears them), with
    /// the bit of every NaN cleared in the columns where NaN counts as missing; row-major
    /// sources transpose the block into `scratch`.
    fn load(&self, start: usize, end: usize, ps: &mut [u32; BLOCK], scratch: &mut Scratch);

    /// The values of column `j` for records `start..end`: in place when a whole block lies
    /// in one slice, else copied into `buf` (padded with `pad`).
    fn column<'s>(
        &'s self,
        j: usize,
        start: usize,
        end: usize,
        pad: f32,
        scratch: &'s Scratch,
        buf: &'s mut [f32; BLOCK],
    ) -> &'s [f32; BLOCK];
}

/// Clears the presence bit `bit` of the records whose value in `col` is NaN.
#[inline(always)]
pub(crate) fn nan_is_missing(col: &[f32], bit: u32, ps: &mut [u32; BLOCK]) {
    for (p, x) in ps.iter_mut().zip(col) {
        *p &= if x.is_nan() { !bit } else { u32::MAX };
    }
}

/// Space for a transposed block of a row-major source.
pub struct Scratch {
    pub(crate) columns: [[f32; BLOCK]; MAX_INDICATORS],
}

// Transforms of the hot loop: `log` takes ln(1 + x′) with x′ > −1, which is at least 2⁻²⁴
// and so always normal; `ln` takes ln(x′) with x′ ≥ lo, normal when lo is (`LN`) and
// possibly subnormal otherwise (`LN_ANY`).
const LIN: u8 = 0;
const LOG: u8 = 1;
const LN: u8 = 2;
const LN_ANY: u8 = 3;

// Aggregations within a connotation: arithmetic, or geometric with a normal floor ε (so that
// max(s, ε) is normal) or with a subnormal one.
const ARITH: u8 = 0;
const GEO: u8 = 1;
const GEO_ANY: u8 = 2;

// The loops over the indicators of a block: exact (every case, reports non-finite values),
// optimistic (present values assumed finite, checked afterwards), or optimistic for a block
// whose records have every value present.
const EXACT: u8 = 0;
const PRESENT: u8 = 1;
const COMPLETE: u8 = 2;

/// ln of a value that is at least `f32::MIN_POSITIVE` when `NORMAL` (the same bits as
/// [`math::ln_positive`] either way).
#[inline(always)]
fn ln_of<const NORMAL: bool>(x: f32) -> f32 {
    if NORMAL {
        math::ln_normal(x)
    } else {
        math::ln_positive(x)
    }
}

/// x − x: +0 for a finite `x`, NaN for ±∞ and NaN (one subtraction, where a test of the
/// exponent bits would take a comparison and a select).
#[allow(clippy::eq_op)]
#[inline(always)]
fn zero_if_finite(x: f32) -> f32 {
    x - x
}

/// One indicator's constants for the hot loop.
struct Kernel {
    bit: u32,
    lo: f32,
    hi: f32,
    f_lo: f32,
    span: f32,
    w: f32,
    floor: f32,
}

impl Kernel {
    /// Normalises one block of values and adds their terms: exactly the operations of
    /// `Prepared::normalise` and `WeightedMean::add`, with selects instead of branches.
    #[inline(always)]
    fn run<const T: u8, const COST: bool, const AGG: u8>(
        &self,
        xs: &[f32; BLOCK],
        ps: &[u32; BLOCK],
        acc: &mut [f32; BLOCK],
        wsum: &mut [f32; BLOCK],
        nonfinite: &mut [u32; BLOCK],
    ) {
        for ((((x, p), a), ws), nf) in xs
            .iter()
            .zip(ps)
            .zip(acc.iter_mut())
            .zip(wsum.iter_mut())
            .zip(nonfinite.iter_mut())
        {
            let present = p & self.bit != 0;
            let finite = x.is_finite();
            *nf |= if present && !finite { self.bit } else { 0 };
            let xe = if present && finite { *x } else { self.lo };
            let wp = if present { self.w } else { 0.0 };
            *a += self.term::<T, COST, AGG>(xe, wp);
            *ws += wp;
        }
    }

    /// [`Kernel::run`] for records whose present values are all finite, the usual case: the
    /// same operations where the values are finite, each term added as w·s + (x − x) (see
    /// [`Kernel::run_complete`]), so that a present ±∞ or NaN makes its record's sum NaN and
    /// the caller scores the block again with [`Kernel::run`], which reports it.
    #[inline(always)]
    fn run_present<const T: u8, const COST: bool, const AGG: u8>(
        &self,
        xs: &[f32; BLOCK],
        ps: &[u32; BLOCK],
        acc: &mut [f32; BLOCK],
        wsum: &mut [f32; BLOCK],
    ) {
        for (((x, p), a), ws) in xs.iter().zip(ps).zip(acc.iter_mut()).zip(wsum.iter_mut()) {
            let present = p & self.bit != 0;
            let xe = if present { *x } else { self.lo };
            let zero = zero_if_finite(xe);
            let wp = if present { self.w } else { 0.0 };
            *a += self.term::<T, COST, AGG>(xe, wp) + zero;
            *ws += wp;
        }
    }

    /// w·s for one value `xe` (finite when it matters), as [`Kernel::run`] computes it.
    #[inline(always)]
    fn term<const T: u8, const COST: bool, const AGG: u8>(&self, xe: f32, w: f32) -> f32 {
        let xc = math::clamp(xe, self.lo, self.hi);
        let f = match T {
            LIN => xc,
            LOG => math::ln_normal(1.0 + xc),
            LN => math::ln_normal(xc),
            _ => math::ln_positive(xc),
        };
        let t = (f - self.f_lo) / self.span;
        let s = if COST { 1.0 - t } else { t };
        let s = math::clamp(s, 0.0, 1.0);
        match AGG {
            ARITH => w * s,
            GEO => w * ln_of::<true>(math::at_least(s, self.floor)),
            _ => w * ln_of::<false>(math::at_least(s, self.floor)),
        }
    }

    /// [`Kernel::run`] for a block in which every record has every value present: the same
    /// operations on the values that are finite (`present` is true for every record, so the
    /// selects of `run` pick `x` and `w`, and the present weight is the connotation's total,
    /// which the caller fills in). Each term is added as w·s + (x − x): x − x is +0 for a
    /// finite x, and w·s ≥ 0, so the sum is w·s exactly (the bits of `run`); for ±∞ or NaN it
    /// is NaN, which makes the record's sum NaN (with finite values every term is finite):
    /// the caller then scores the block again with [`Kernel::run`], which reports the value.
    #[inline(always)]
    fn run_complete<const T: u8, const COST: bool, const AGG: u8>(
        &self,
        xs: &[f32; BLOCK],
        acc: &mut [f32; BLOCK],
    ) {
        for (x, a) in xs.iter().zip(acc.iter_mut()) {
            let zero = zero_if_finite(*x);
            *a += self.term::<T, COST, AGG>(*x, self.w) + zero;
        }
    }
}

/// Status code of a record that scored (see [`super::output::status`]).
pub(crate) const OK: u8 = 0;
/// Status code base of `InsufficientData`: + the connotation's index.
pub(crate) const INSUFFICIENT_DATA: u8 = 1;
/// Status code base of `NonFiniteValue`: + the indicator's position.
pub(crate) const NON_FINITE: u8 = 32;

/// One block of records, scored: everything the sinks report, on the 0–1 scale.
pub(crate) struct Block {
    acc: [[f32; BLOCK]; 3],
    weight: [[f32; BLOCK]; 3],
    nonfinite: [u32; BLOCK],
    /// Index of each connotation, in [0, 1] (meaningless where the status is not OK).
    pub(crate) index: [[f32; BLOCK]; 3],
    /// Coverage of each connotation: present weight over total weight (0 when the total is
    /// 0), for every record, also those that fail.
    pub(crate) coverage: [[f32; BLOCK]; 3],
    /// The composite, in [0, 1] (meaningless where the status is not OK).
    pub(crate) composite: [f32; BLOCK],
    /// Status code of each record: [`OK`], [`INSUFFICIENT_DATA`] + connotation,
    /// [`NON_FINITE`] + indicator; in the order of errors of docs/spec.md §8.
    pub(crate) status: [u8; BLOCK],
    /// Row-major sources' transposed block.
    scratch: Scratch,
}

impl Block {
    pub(crate) const fn new() -> Self {
        Block {
            acc: [[0.0; BLOCK]; 3],
            weight: [[0.0; BLOCK]; 3],
            nonfinite: [0; BLOCK],
            index: [[0.0; BLOCK]; 3],
            coverage: [[0.0; BLOCK]; 3],
            composite: [0.0; BLOCK],
            status: [0; BLOCK],
            scratch: Scratch {
                columns: [[0.0; BLOCK]; MAX_INDICATORS],
            },
        }
    }
}

/// Connotation index and coverage of a block of records (as in the scalar pipeline), and
/// the first coverage failure per record.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn tail_index(
    acc: &[f32; BLOCK],
    wsum: &[f32; BLOCK],
    total: f32,
    min_coverage: f32,
    geometric: bool,
    code: u8,
    fail: &mut [u8; BLOCK],
    index: &mut [f32; BLOCK],
    cover: &mut [f32; BLOCK],
) {
    for ((((a, present), f), ix), cv) in acc
        .iter()
        .zip(wsum)
        .zip(fail.iter_mut())
        .zip(index.iter_mut())
        .zip(cover.iter_mut())
    {
        let c = present / total;
        let bad = *present <= 0.0 || c < min_coverage;
        *f = if *f == OK && bad { code } else { *f };
        let mean = if geometric {
            math::exp(a / present)
        } else {
            a / present
        };
        *ix = math::clamp(mean, 0.0, 1.0);
        // A record that scores has total ≥ present > 0 and c ≤ 1: the scalar pipeline's
        // coverage. A connotation without weight has coverage 0 (its records fail).
        let c = if c > 1.0 { 1.0 } else { c };
        *cv = if total > 0.0 { c } else { 0.0 };
    }
}

/// Adds one connotation's term to the composite's running sum, for a block of records.
#[inline(always)]
fn tail_composite(
    w: f32,
    floor: f32,
    geometric: bool,
    index: &[f32; BLOCK],
    acc: &mut [f32; BLOCK],
) {
    if !geometric {
        tail_composite_with::<ARITH>(w, floor, index, acc);
    } else if floor >= f32::MIN_POSITIVE {
        tail_composite_with::<GEO>(w, floor, index, acc);
    } else {
        tail_composite_with::<GEO_ANY>(w, floor, index, acc);
    }
}

#[inline(always)]
fn tail_composite_with<const AGG: u8>(
    w: f32,
    floor: f32,
    index: &[f32; BLOCK],
    acc: &mut [f32; BLOCK],
) {
    for (ix, a) in index.iter().zip(acc.iter_mut()) {
        *a += match AGG {
            ARITH => w * ix,
            GEO => w * ln_of::<true>(math::at_least(*ix, floor)),
            _ => w * ln_of::<false>(math::at_least(*ix, floor)),
        };
    }
}

/// Turns the composite's running sum into the composite, in place, for a block of records
/// (`wsum`: the sum of the connotation weights, the same for every record).
#[inline(always)]
fn tail_mean(geometric: bool, acc: &mut [f32; BLOCK], wsum: f32) {
    for a in acc.iter_mut() {
        let m = if geometric {
            math::exp(*a / wsum)
        } else {
            *a / wsum
        };
        *a = math::clamp(m, 0.0, 1.0);
    }
}

/// The status code of each record: the first non-finite value in model order, else the
/// first connotation that lacks coverage (`fail`, already a code), else OK.
#[inline(always)]
fn tail_status(nonfinite: &[u32; BLOCK], fail: &[u8; BLOCK], status: &mut [u8; BLOCK]) {
    for ((st, nf), f) in status.iter_mut().zip(nonfinite).zip(fail) {
        // trailing_zeros < 32 when nf ≠ 0: the sum fits a byte.
        let first = NON_FINITE.wrapping_add(nf.trailing_zeros() as u8);
        *st = if *nf != 0 { first } else { *f };
    }
}

impl Scorer<'_> {
    /// Normalises every indicator of records `start..end` of `src` and adds its terms to
    /// `b`'s sums, with the loop `MODE` says: [`EXACT`] ([`Kernel::run`]), [`PRESENT`]
    /// ([`Kernel::run_present`]) or [`COMPLETE`] ([`Kernel::run_complete`], for a block whose
    /// records have every value present; it leaves the present weights to the caller).
    /// Returns false when a sum came out NaN in a mode other than [`EXACT`] (a present value
    /// that is not finite, or, rarely, a NaN of a model with a zero floor): the caller then
    /// scores the block again with [`EXACT`].
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn indicators<const MODE: u8, S: Source>(
        &self,
        src: &S,
        start: usize,
        end: usize,
        ps: &[u32; BLOCK],
        agg: u8,
        floor: f32,
        b: &mut Block,
    ) -> bool {
        let mut tail = [0.0f32; BLOCK];
        for (j, (ind, prep)) in self
            .model
            .indicators()
            .iter()
            .zip(self.prepared.iter())
            .enumerate()
        {
            let c = ind.connotation.index();
            let (Some(acc), Some(wsum)) = (b.acc.get_mut(c), b.weight.get_mut(c)) else {
                continue;
            };
            let xs = src.column(j, start, end, ind.lo, &b.scratch, &mut tail);
            let k = Kernel {
                bit: 1u32 << j,
                lo: ind.lo,
                hi: ind.hi,
                f_lo: prep.f_lo(),
                span: prep.span(),
                w: ind.weight,
                floor,
            };
            let cost = ind.direction == Direction::Cost;
            let nf = &mut b.nonfinite;
            // One monomorphised, branch-free loop per (transform, direction, aggregation).
            macro_rules! run {
                ($t:expr, $cost:expr, $agg:expr) => {
                    match MODE {
                        COMPLETE => k.run_complete::<$t, $cost, $agg>(xs, acc),
                        PRESENT => k.run_present::<$t, $cost, $agg>(xs, ps, acc, wsum),
                        _ => k.run::<$t, $cost, $agg>(xs, ps, acc, wsum, nf),
                    }
                };
                ($t:expr) => {
                    match (cost, agg) {
                        (false, ARITH) => run!($t, false, ARITH),
                        (true, ARITH) => run!($t, true, ARITH),
                        (false, GEO) => run!($t, false, GEO),
                        (true, GEO) => run!($t, true, GEO),
                        (false, _) => run!($t, false, GEO_ANY),
                        (true, _) => run!($t, true, GEO_ANY),
                    }
                };
            }
            match ind.transform {
                Transform::Lin => run!(LIN),
                Transform::Log => run!(LOG),
                Transform::Ln if ind.lo >= f32::MIN_POSITIVE => run!(LN),
                Transform::Ln => run!(LN_ANY),
            }
        }
        MODE == EXACT || !b.acc.iter().flatten().any(|a| a.is_nan())
    }

    /// Scores records `start..end` (at most [`BLOCK`], `end ≤ src.len()`) of `src` into `b`.
    #[inline(always)]
    pub(crate) fn block<S: Source>(&self, src: &S, start: usize, end: usize, b: &mut Block) {
        let params = self.model.params();
        for c in 0..3 {
            if let (Some(a), Some(w)) = (b.acc.get_mut(c), b.weight.get_mut(c)) {
                a.fill(0.0);
                w.fill(0.0);
            }
        }
        b.nonfinite.fill(0);
        let floor = params.floor;
        let geometric = params.within == Aggregation::Geometric;
        let agg = match params.within {
            Aggregation::Arithmetic => ARITH,
            Aggregation::Geometric if floor >= f32::MIN_POSITIVE => GEO,
            Aggregation::Geometric => GEO_ANY,
        };
        let mut ps = [0u32; BLOCK];
        src.load(start, end, &mut ps, &mut b.scratch);
        // Every value of every record present: the lean loop, unless a value is not finite.
        let need = self.conn.masks.iter().fold(0, |m, c| m | c);
        let complete = ps
            .get(..end.saturating_sub(start))
            .is_some_and(|ps| ps.iter().all(|p| p & need == need));
        let finite = if complete {
            self.indicators::<COMPLETE, S>(src, start, end, &ps, agg, floor, b)
        } else {
            self.indicators::<PRESENT, S>(src, start, end, &ps, agg, floor, b)
        };
        if !finite {
            for sums in b.acc.iter_mut().chain(b.weight.iter_mut()) {
                sums.fill(0.0);
            }
            self.indicators::<EXACT, S>(src, start, end, &ps, agg, floor, b);
        } else if complete {
            // The present weight of every record: the connotation's total, added in the
            // same order.
            for (wsum, total) in b.weight.iter_mut().zip(self.totals) {
                wsum.fill(total);
            }
        }

        // Per record, still column-wise: connotation indices, coverage, composite.
        let mut fail = [OK; BLOCK];
        for c in Connotation::ALL {
            let k = c.index();
            let total = self.totals.get(k).copied().unwrap_or(0.0);
            let (Some(acc), Some(wsum), Some(index), Some(cover)) = (
                b.acc.get(k),
                b.weight.get(k),
                b.index.get_mut(k),
                b.coverage.get_mut(k),
            ) else {
                continue;
            };
            tail_index(
                acc,
                wsum,
                total,
                params.min_coverage,
                geometric,
                INSUFFICIENT_DATA + k as u8,
                &mut fail,
                index,
                cover,
            );
        }
        b.composite.fill(0.0);
        // The weight sum of the composite is that of every record: the weights of the
        // connotations, added in the same order as the scalar pipeline adds them.
        let mut composite_weight = 0.0f32;
        let across_geo = params.across == Aggregation::Geometric;
        for (w, index) in params.weights.iter().zip(&b.index) {
            if *w > 0.0 {
                tail_composite(*w, floor, across_geo, index, &mut b.composite);
                composite_weight += *w;
            }
        }
        tail_mean(across_geo, &mut b.composite, composite_weight);
        tail_status(&b.nonfinite, &fail, &mut b.status);
    }
}

/// The error of a status code (`None` for [`OK`] and for codes no scorer writes).
pub(crate) fn error_of(code: u8) -> Option<ScoreError> {
    match code {
        INSUFFICIENT_DATA..=3 => Connotation::ALL
            .get(usize::from(code - INSUFFICIENT_DATA))
            .map(|c| ScoreError::InsufficientData { connotation: *c }),
        NON_FINITE..=63 => Some(ScoreError::NonFiniteValue {
            indicator: code - NON_FINITE,
        }),
        _ => None,
    }
}
