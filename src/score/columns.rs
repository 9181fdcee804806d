//! Column-wise batch scoring: the fast path for hosts that score portfolios of millions of
//! projects.
//!
//! Records are given as columns (one `f32` slice per indicator, plus a presence bitmask per
//! record). Each indicator is normalised over a block of records in a loop with no branches
//! (the crate's [`crate::math::ln`] is branch-free), which the compiler vectorises. Every
//! arithmetic operation is the one the scalar [`Scorer::score`] performs, in the same order,
//! so the results are **bit-identical** to scoring the records one by one (a property test
//! checks this).
//!
//! The scorer is compiled once per SIMD instruction set and picks the widest one the CPU has
//! when it runs (with the `runtime-dispatch` feature; see [`super::simd`]): a portable build,
//! as `cargo install` makes, scores with AVX2 or AVX-512 where the CPU has them. Every path
//! performs the same operations in the same order, without fused multiply-adds, so every
//! path gives the same bits (`tests/simd_paths.rs` checks it on every path the machine has).

use super::simd::{self, SimdPath};
use super::{basis_points, Grade, ScoreError, Scorer, Scores};
use crate::math;
use crate::model::{Aggregation, Connotation, Direction, Transform};

/// Records per block: large enough to vectorise, small enough to stay in L1.
const BLOCK: usize = 128;

/// A batch of records in columns (struct of arrays).
///
/// ```
/// use silkscore::score::columns::Columns;
/// let ids = [1u32, 2];
/// let a = [10.0f32, 20.0];
/// let b = [0.5f32, 0.0];
/// let present = [0b11u32, 0b01]; // record 2 has no value for indicator 1
/// let cols = [&a[..], &b[..]];
/// let batch = Columns::new(&ids, &cols, &present).unwrap();
/// assert_eq!(batch.len(), 2);
///
/// // Every column, the presence column included, needs one entry per id.
/// use silkscore::ScoreError::ColumnLength;
/// let err = Err(ColumnLength { expected: 2, found: 1 });
/// assert_eq!(Columns::new(&ids, &cols, &present[..1]).map(|c| c.len()), err);
/// assert_eq!(Columns::new(&ids, &[&a[..], &b[..1]], &present).map(|c| c.len()), err);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a> {
    ids: &'a [u32],
    values: &'a [&'a [f32]],
    present: &'a [u32],
}

impl<'a> Columns<'a> {
    /// `ids[r]` is record r's project id; `values[i][r]` its raw value of indicator i;
    /// bit i of `present[r]` says whether that value is present (a value whose bit is clear is
    /// ignored, whatever it holds). Every column and `present` must be as long as `ids`, else
    /// [`ScoreError::ColumnLength`].
    pub fn new(
        ids: &'a [u32],
        values: &'a [&'a [f32]],
        present: &'a [u32],
    ) -> Result<Self, ScoreError> {
        let n = ids.len();
        let mut lengths = core::iter::once(present.len()).chain(values.iter().map(|c| c.len()));
        if let Some(found) = lengths.find(|len| *len != n) {
            return Err(ScoreError::ColumnLength { expected: n, found });
        }
        Ok(Columns {
            ids,
            values,
            present,
        })
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
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
    /// Kept out of line: on its own the loop vectorises.
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
            let wp = if present { self.w } else { 0.0 };
            *a += match AGG {
                ARITH => wp * s,
                GEO => wp * ln_of::<true>(math::at_least(s, self.floor)),
                _ => wp * ln_of::<false>(math::at_least(s, self.floor)),
            };
            *ws += wp;
        }
    }
}

/// Per-block accumulators.
struct Block {
    acc: [[f32; BLOCK]; 3],
    weight: [[f32; BLOCK]; 3],
    nonfinite: [u32; BLOCK],
    index: [[f32; BLOCK]; 3],
    coverage: [[f32; BLOCK]; 3],
    composite: [f32; BLOCK],
    composite_weight: [f32; BLOCK],
    report: Report,
}

/// What is reported for a block of records.
struct Report {
    /// 100·index and 100·composite.
    value: [[f32; BLOCK]; 4],
    /// Basis points of the same.
    bp: [[u16; BLOCK]; 4],
    /// 0 = A … 4 = E.
    grade: [u8; BLOCK],
}

/// The reported values of a block: exactly [`Scores`]' 100·v, [`basis_points`] and
/// [`Grade::from_composite`], as straight-line code.
#[inline(always)]
fn tail_outputs(
    index: &[[f32; BLOCK]; 3],
    composite: &[f32; BLOCK],
    grades: &[f32; 4],
    rep: &mut Report,
) {
    let [i0, i1, i2] = index;
    let [v0, v1, v2, v3] = &mut rep.value;
    let [b0, b1, b2, b3] = &mut rep.bp;
    for (src, (v, bp)) in
        [i0, i1, i2, composite]
            .into_iter()
            .zip([(v0, b0), (v1, b1), (v2, b2), (v3, b3)])
    {
        for ((x, v), b) in src.iter().zip(v.iter_mut()).zip(bp.iter_mut()) {
            *v = 100.0 * x;
            *b = basis_points(*x);
        }
    }
    let [a, b, c, d] = *grades;
    for (g, v) in rep.grade.iter_mut().zip(&rep.value[3]) {
        // Thresholds are strictly descending: the grade is 4 minus the thresholds reached.
        *g = 4 - u8::from(*v >= a) - u8::from(*v >= b) - u8::from(*v >= c) - u8::from(*v >= d);
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
        *f = if *f == 0 && bad { code } else { *f };
        let mean = if geometric {
            math::exp(a / present)
        } else {
            a / present
        };
        *ix = math::clamp(mean, 0.0, 1.0);
        *cv = if c > 1.0 { 1.0 } else { c };
    }
}

/// Adds one connotation's term to the composite's running sums, for a block of records.
#[inline(always)]
fn tail_composite(
    w: f32,
    floor: f32,
    geometric: bool,
    index: &[f32; BLOCK],
    acc: &mut [f32; BLOCK],
    wsum: &mut [f32; BLOCK],
) {
    if !geometric {
        tail_composite_with::<ARITH>(w, floor, index, acc, wsum);
    } else if floor >= f32::MIN_POSITIVE {
        tail_composite_with::<GEO>(w, floor, index, acc, wsum);
    } else {
        tail_composite_with::<GEO_ANY>(w, floor, index, acc, wsum);
    }
}

#[inline(always)]
fn tail_composite_with<const AGG: u8>(
    w: f32,
    floor: f32,
    index: &[f32; BLOCK],
    acc: &mut [f32; BLOCK],
    wsum: &mut [f32; BLOCK],
) {
    for ((ix, a), ws) in index.iter().zip(acc.iter_mut()).zip(wsum.iter_mut()) {
        *a += match AGG {
            ARITH => w * ix,
            GEO => w * ln_of::<true>(math::at_least(*ix, floor)),
            _ => w * ln_of::<false>(math::at_least(*ix, floor)),
        };
        *ws += w;
    }
}

/// Turns the composite's running sums into the composite, in place, for a block of records.
#[inline(always)]
fn tail_mean(geometric: bool, acc: &mut [f32; BLOCK], wsum: &[f32; BLOCK]) {
    for (a, ws) in acc.iter_mut().zip(wsum) {
        let m = if geometric {
            math::exp(*a / ws)
        } else {
            *a / ws
        };
        *a = math::clamp(m, 0.0, 1.0);
    }
}

impl Scorer<'_> {
    /// Scores a column batch into `out` (one result per record, in order; at least
    /// `batch.len()` long). Returns the number of records that scored `Ok`. Results are
    /// bit-identical to [`Scorer::score`] on each record.
    ///
    /// ```
    /// use silkscore::{score::{columns::Columns, Scorer}, Record, BRI_CULTURAL_V1 as M};
    /// let ids = [7u32];
    /// let data: Vec<[f32; 1]> = (0..M.len()).map(|i| [i as f32 * 5.0]).collect();
    /// let cols: Vec<&[f32]> = data.iter().map(|c| &c[..]).collect();
    /// let present = [(1u32 << M.len()) - 1];
    /// let batch = Columns::new(&ids, &cols, &present).unwrap();
    /// let mut out = [Err(silkscore::ScoreError::BufferTooSmall { needed: 0 })];
    /// let scorer = Scorer::new(&M);
    /// assert_eq!(scorer.score_columns(&batch, &mut out), Ok(1));
    ///
    /// let mut r = Record::new(7, M.len());
    /// for i in 0..M.len() { r.set(i, i as f32 * 5.0).unwrap(); }
    /// assert_eq!(out[0], scorer.score(&r));
    /// ```
    pub fn score_columns(
        &self,
        batch: &Columns<'_>,
        out: &mut [Result<Scores, ScoreError>],
    ) -> Result<usize, ScoreError> {
        self.score_columns_on(SimdPath::detect(), batch, out)
    }

    /// [`Scorer::score_columns`] on one given SIMD path instead of the widest one the CPU
    /// has: for tests and benchmarks that compare the paths. Every path gives the same bits.
    ///
    /// ```
    /// use silkscore::score::{columns::Columns, simd::SimdPath, Scorer};
    /// use silkscore::{Record, BRI_CULTURAL_V1 as M};
    /// let ids = [1u32, 2];
    /// let data: Vec<[f32; 2]> = (0..M.len()).map(|i| [i as f32, 0.5 * i as f32]).collect();
    /// let cols: Vec<&[f32]> = data.iter().map(|c| &c[..]).collect();
    /// let present = [(1u32 << M.len()) - 1; 2];
    /// let batch = Columns::new(&ids, &cols, &present).unwrap();
    /// let scorer = Scorer::new(&M);
    /// let mut first = [Err(silkscore::ScoreError::BufferTooSmall { needed: 0 }); 2];
    /// scorer.score_columns_on(SimdPath::portable(), &batch, &mut first).unwrap();
    /// for path in SimdPath::supported() {
    ///     let mut out = [Err(silkscore::ScoreError::BufferTooSmall { needed: 0 }); 2];
    ///     assert_eq!(scorer.score_columns_on(path, &batch, &mut out), Ok(2));
    ///     assert_eq!(out, first, "{}", path.name());
    /// }
    /// ```
    pub fn score_columns_on(
        &self,
        path: SimdPath,
        batch: &Columns<'_>,
        out: &mut [Result<Scores, ScoreError>],
    ) -> Result<usize, ScoreError> {
        let n = batch.len();
        if out.len() < n {
            return Err(ScoreError::BufferTooSmall { needed: n });
        }
        let m = self.model.len();
        if batch.values.len() != m {
            return Err(ScoreError::RecordLength {
                expected: m as u8,
                found: batch.values.len().min(255) as u8,
            });
        }
        Ok(simd::run(path, self, batch, out))
    }

    /// The column-wise scorer proper, for a batch whose lengths were checked: compiled once
    /// per SIMD path by [`simd::run`] (everything it calls is inlined into it, so that each
    /// copy is compiled with its path's instructions). Returns the number of `Ok` results.
    #[inline(always)]
    pub(super) fn score_blocks(
        &self,
        batch: &Columns<'_>,
        out: &mut [Result<Scores, ScoreError>],
    ) -> usize {
        let n = batch.len();
        let params = self.model.params();
        let totals = self.totals;
        let mut ok = 0;
        let mut block = Block {
            acc: [[0.0; BLOCK]; 3],
            weight: [[0.0; BLOCK]; 3],
            nonfinite: [0; BLOCK],
            index: [[0.0; BLOCK]; 3],
            coverage: [[0.0; BLOCK]; 3],
            composite: [0.0; BLOCK],
            composite_weight: [0.0; BLOCK],
            report: Report {
                value: [[0.0; BLOCK]; 4],
                bp: [[0; BLOCK]; 4],
                grade: [4; BLOCK],
            },
        };
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            let (Some(ids), Some(present), Some(out)) = (
                batch.ids.get(start..end),
                batch.present.get(start..end),
                out.get_mut(start..end),
            ) else {
                break;
            };
            ok += self.block(
                batch, start, end, present, &totals, &mut block, ids, out, params,
            );
            start = end;
        }
        ok
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn block(
        &self,
        batch: &Columns<'_>,
        start: usize,
        end: usize,
        present: &[u32],
        totals: &[f32; 3],
        b: &mut Block,
        ids: &[u32],
        out: &mut [Result<Scores, ScoreError>],
        params: &crate::model::ModelParams,
    ) -> usize {
        let len = end - start;
        for c in 0..3 {
            if let (Some(a), Some(w)) = (b.acc.get_mut(c), b.weight.get_mut(c)) {
                a.fill(0.0);
                w.fill(0.0);
            }
        }
        b.nonfinite.fill(0);
        let floor = params.floor;
        let geometric = params.within == Aggregation::Geometric;

        let mut tail = [0.0f32; BLOCK];
        let mut ps = [0u32; BLOCK];
        for (dst, src) in ps.iter_mut().zip(present) {
            *dst = *src;
        }
        for (j, ((ind, prep), col)) in self
            .model
            .indicators()
            .iter()
            .zip(self.prepared.iter())
            .zip(batch.values)
            .enumerate()
        {
            let Some(col) = col.get(start..end) else {
                continue;
            };
            let c = ind.connotation.index();
            let (Some(acc), Some(wsum)) = (b.acc.get_mut(c), b.weight.get_mut(c)) else {
                continue;
            };
            // A whole block is scored in place; the last, short one is copied into a fixed
            // block whose tail is padded with absent values.
            let xs: &[f32; BLOCK] = match col.try_into() {
                Ok(whole) => whole,
                Err(_) => {
                    tail.fill(ind.lo);
                    for (dst, src) in tail.iter_mut().zip(col) {
                        *dst = *src;
                    }
                    &tail
                }
            };
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
            let agg = match params.within {
                Aggregation::Arithmetic => ARITH,
                Aggregation::Geometric if floor >= f32::MIN_POSITIVE => GEO,
                Aggregation::Geometric => GEO_ANY,
            };
            // One monomorphised, branch-free loop per (transform, direction, aggregation).
            macro_rules! run {
                ($t:expr) => {
                    match (cost, agg) {
                        (false, ARITH) => {
                            k.run::<$t, false, ARITH>(xs, &ps, acc, wsum, &mut b.nonfinite)
                        }
                        (true, ARITH) => {
                            k.run::<$t, true, ARITH>(xs, &ps, acc, wsum, &mut b.nonfinite)
                        }
                        (false, GEO) => {
                            k.run::<$t, false, GEO>(xs, &ps, acc, wsum, &mut b.nonfinite)
                        }
                        (true, GEO) => k.run::<$t, true, GEO>(xs, &ps, acc, wsum, &mut b.nonfinite),
                        (false, _) => {
                            k.run::<$t, false, GEO_ANY>(xs, &ps, acc, wsum, &mut b.nonfinite)
                        }
                        (true, _) => {
                            k.run::<$t, true, GEO_ANY>(xs, &ps, acc, wsum, &mut b.nonfinite)
                        }
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

        // Per record, still column-wise: connotation indices, coverage, composite.
        let mut fail = [0u8; BLOCK]; // 0: ok; 1 + c: connotation c lacks coverage
        for c in Connotation::ALL {
            let k = c.index();
            let total = totals.get(k).copied().unwrap_or(0.0);
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
                k as u8 + 1,
                &mut fail,
                index,
                cover,
            );
        }
        b.composite.fill(0.0);
        b.composite_weight.fill(0.0);
        let across_geo = params.across == Aggregation::Geometric;
        for (w, index) in params.weights.iter().zip(&b.index) {
            if *w > 0.0 {
                tail_composite(
                    *w,
                    floor,
                    across_geo,
                    index,
                    &mut b.composite,
                    &mut b.composite_weight,
                );
            }
        }

        tail_mean(across_geo, &mut b.composite, &b.composite_weight);

        // The reported values, still column-wise: 0-100 values, basis points, grades.
        tail_outputs(&b.index, &b.composite, &params.grades, &mut b.report);

        // Results, errors in the order of docs/spec.md §8: non-finite first, then coverage.
        let fingerprint = self.model.fingerprint();
        let rep = &b.report;
        let mut ok = 0;
        for (r, (((slot, id), nf), failed)) in out
            .iter_mut()
            .zip(ids)
            .zip(&b.nonfinite)
            .zip(&fail)
            .enumerate()
            .take(len)
        {
            // `r & (BLOCK - 1)` is `r` (r < BLOCK): every `get` below is provably in bounds.
            let r = r & (BLOCK - 1);
            let at = |a: &[f32; BLOCK]| a.get(r).copied().unwrap_or(0.0);
            let bp = |a: &[u16; BLOCK]| a.get(r).copied().unwrap_or(0);
            *slot = if *nf != 0 {
                Err(ScoreError::NonFiniteValue {
                    indicator: nf.trailing_zeros() as u8,
                })
            } else if *failed != 0 {
                let c = Connotation::ALL
                    .get(usize::from(*failed - 1))
                    .copied()
                    .unwrap_or(Connotation::Security);
                Err(ScoreError::InsufficientData { connotation: c })
            } else {
                ok += 1;
                let [c0, c1, c2] = &b.coverage;
                let [v0, v1, v2, v3] = &rep.value;
                let [b0, b1, b2, b3] = &rep.bp;
                Ok(Scores {
                    record_id: *id,
                    fingerprint,
                    cultural: at(v0),
                    economic: at(v1),
                    security: at(v2),
                    composite: at(v3),
                    basis_points: [bp(b0), bp(b1), bp(b2), bp(b3)],
                    coverage: [at(c0), at(c1), at(c2)],
                    grade: match rep.grade.get(r).copied().unwrap_or(4) {
                        0 => Grade::A,
                        1 => Grade::B,
                        2 => Grade::C,
                        3 => Grade::D,
                        _ => Grade::E,
                    },
                })
            };
        }
        ok
    }
}
