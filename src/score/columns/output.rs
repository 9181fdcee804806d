//! Where column-wise scores go: [`ScoresColumns`], one entry per record in slices the caller
//! provides (struct of arrays), and the status codes that stand for a record's outcome
//! there; or one `Result<Scores, ScoreError>` per record, as [`Scorer::score_columns`]
//! writes them.
//!
//! [`Scorer::score_columns`]: crate::score::Scorer::score_columns

use super::kernel::{self, Block, BLOCK};
#[cfg(doc)]
use crate::score::basis_points;
use crate::score::{Grade, ScoreError, Scorer, Scores};

/// Status code of a record that scored.
pub const STATUS_OK: u8 = kernel::OK;
/// Status code of [`ScoreError::InsufficientData`]: this + the connotation's
/// [`index`](crate::Connotation::index) (1 cultural, 2 economic, 3 security).
pub const STATUS_INSUFFICIENT_DATA: u8 = kernel::INSUFFICIENT_DATA;
/// Status code of [`ScoreError::NonFiniteValue`]: this + the indicator's position in the
/// model (32 to 63).
pub const STATUS_NON_FINITE: u8 = kernel::NON_FINITE;
/// Grade code of a record that did not score (grades are 0 = A … 4 = E).
pub const GRADE_NONE: u8 = 255;

/// The status code of a scoring outcome: [`STATUS_OK`], [`STATUS_INSUFFICIENT_DATA`] + the
/// connotation's index or [`STATUS_NON_FINITE`] + the indicator's position; `None` for an
/// error that is not about one record (a batch's [`ScoreError::BufferTooSmall`], …).
///
/// ```
/// use silkscore::score::columns::{status, status_error};
/// use silkscore::{Connotation, ScoreError};
/// let e = ScoreError::InsufficientData { connotation: Connotation::Economic };
/// assert_eq!(status(&Err::<(), _>(e)), Some(2));
/// assert_eq!(status_error(2), Some(Err(e)));
/// let e = ScoreError::NonFiniteValue { indicator: 5 };
/// assert_eq!(status(&Err::<(), _>(e)), Some(37));
/// assert_eq!(status_error(37), Some(Err(e)));
/// assert_eq!(status_error(0), Some(Ok(())));
/// assert_eq!(status_error(4), None);
/// ```
pub fn status<T>(outcome: &Result<T, ScoreError>) -> Option<u8> {
    match outcome {
        Ok(_) => Some(STATUS_OK),
        Err(ScoreError::InsufficientData { connotation }) => {
            Some(STATUS_INSUFFICIENT_DATA + connotation.index() as u8)
        }
        Err(ScoreError::NonFiniteValue { indicator }) if *indicator < 32 => {
            Some(STATUS_NON_FINITE + indicator)
        }
        Err(_) => None,
    }
}

/// The outcome a status code stands for (`Ok(())` for [`STATUS_OK`]); `None` for a byte
/// that is not a status code. The inverse of [`status`].
pub fn status_error(code: u8) -> Option<Result<(), ScoreError>> {
    if code == STATUS_OK {
        Some(Ok(()))
    } else {
        kernel::error_of(code).map(Err)
    }
}

/// Output columns of the column-wise scorer
/// ([`Scorer::score_into`](crate::score::Scorer::score_into)): slices the caller provides,
/// each holding (at least) one entry per record, and written at the same positions as the
/// records. Any of them may be left out; the scorer computes only what is asked for.
///
/// | column | entries per record | a record that scored | a record that did not |
/// |---|---|---|---|
/// | [`cultural`](Self::cultural), [`economic`](Self::economic), [`security`](Self::security), [`composite`](Self::composite) | 1 `f32` | the 0–100 value of [`Scores`] | NaN |
/// | [`basis_points`](Self::basis_points) | 4 `u16`, row-major (record r at 4r … 4r + 3) | [`Scores::basis_points`] | 0 |
/// | [`grade`](Self::grade) | 1 `u8` | 0 = A … 4 = E ([`Grade`] as `u8`) | [`GRADE_NONE`] |
/// | [`status`](Self::status) | 1 `u8` | [`STATUS_OK`] | its error's code (see [`status`]) |
/// | [`coverage`](Self::coverage) | 3 `f32`, row-major | [`Scores::coverage`] | present weight over total weight of each connotation, 0 where the total is 0 |
///
/// Every value is bit-identical to what [`Scorer::score`] gives for the same record.
///
/// ```
/// use silkscore::score::columns::{Columns, ScoresColumns, STATUS_OK};
/// use silkscore::score::Scorer;
/// let mut composite = [0.0f32; 2];
/// let mut status = [0u8; 2];
/// let mut out = ScoresColumns::new().composite(&mut composite).status(&mut status);
/// assert_eq!(out.rows(), Some(2));
/// drop(out);
///
/// // Any column that is given must hold an entry for every record.
/// let values = [[0.5f32; 18]; 3];
/// let rows = silkscore::score::columns::Rows::new(values.as_flattened(), 3, 18).unwrap();
/// let mut out = ScoresColumns::new().composite(&mut composite);
/// let scorer = Scorer::new(&silkscore::BRI_CULTURAL_V1);
/// let err = silkscore::ScoreError::BufferTooSmall { needed: 3 };
/// assert_eq!(scorer.score_into(&rows, &mut out), Err(err));
/// ```
#[derive(Debug, Default)]
pub struct ScoresColumns<'a> {
    values: [Option<&'a mut [f32]>; 4],
    basis_points: Option<&'a mut [u16]>,
    grade: Option<&'a mut [u8]>,
    status: Option<&'a mut [u8]>,
    coverage: Option<&'a mut [f32]>,
}

impl<'a> ScoresColumns<'a> {
    /// No columns yet: add them with the methods below.
    pub fn new() -> Self {
        ScoresColumns::default()
    }

    /// The cultural (humanistic) index, 0–100.
    pub fn cultural(mut self, column: &'a mut [f32]) -> Self {
        self.values[0] = Some(column);
        self
    }

    /// The economic index, 0–100.
    pub fn economic(mut self, column: &'a mut [f32]) -> Self {
        self.values[1] = Some(column);
        self
    }

    /// The security index, 0–100.
    pub fn security(mut self, column: &'a mut [f32]) -> Self {
        self.values[2] = Some(column);
        self
    }

    /// The composite, 0–100.
    pub fn composite(mut self, column: &'a mut [f32]) -> Self {
        self.values[3] = Some(column);
        self
    }

    /// Basis points of cultural, economic, security and composite: four per record,
    /// row-major (an n × 4 array in C order).
    pub fn basis_points(mut self, column: &'a mut [u16]) -> Self {
        self.basis_points = Some(column);
        self
    }

    /// The grade code: 0 = A … 4 = E, [`GRADE_NONE`] for a record that did not score.
    pub fn grade(mut self, column: &'a mut [u8]) -> Self {
        self.grade = Some(column);
        self
    }

    /// The status code ([`status`]).
    pub fn status(mut self, column: &'a mut [u8]) -> Self {
        self.status = Some(column);
        self
    }

    /// The coverage of cultural, economic and security: three per record, row-major (an
    /// n × 3 array in C order), for every record.
    pub fn coverage(mut self, column: &'a mut [f32]) -> Self {
        self.coverage = Some(column);
        self
    }

    /// The number of records the given columns have room for (the fewest of them); `None`
    /// when no column is given.
    pub fn rows(&self) -> Option<usize> {
        let values = self.values.iter().flatten().map(|c| c.len());
        let one = self.grade.iter().chain(&self.status).map(|c| c.len());
        let bp = self.basis_points.iter().map(|c| c.len() / 4);
        let cov = self.coverage.iter().map(|c| c.len() / 3);
        values.chain(one).chain(bp).chain(cov).min()
    }

    /// [`ScoreError::BufferTooSmall`] unless every given column has room for `n` records.
    pub(crate) fn check(&self, n: usize) -> Result<(), ScoreError> {
        let short = |len: usize, per: usize| len < n.saturating_mul(per);
        let too_small = |per: usize| {
            Err(ScoreError::BufferTooSmall {
                needed: n.saturating_mul(per),
            })
        };
        if self.values.iter().flatten().any(|c| short(c.len(), 1))
            || self
                .grade
                .iter()
                .chain(&self.status)
                .any(|c| short(c.len(), 1))
        {
            return too_small(1);
        }
        if self
            .basis_points
            .as_ref()
            .is_some_and(|c| short(c.len(), 4))
        {
            return too_small(4);
        }
        if self.coverage.as_ref().is_some_and(|c| short(c.len(), 3)) {
            return too_small(3);
        }
        Ok(())
    }
}

/// Where the scorer writes each block of results.
pub trait Sink {
    /// Writes the results of records `start..start + len` (`len ≤ BLOCK`) from `b`; returns
    /// how many of them scored.
    fn write(&mut self, scorer: &Scorer<'_>, start: usize, len: usize, b: &Block) -> usize;
}

/// How many of the first `len` statuses are OK.
#[inline(always)]
fn count_ok(status: &[u8; BLOCK], len: usize) -> usize {
    let all = status
        .iter()
        .fold(0usize, |n, s| n + usize::from(*s == STATUS_OK));
    // The padding past `len` is never OK (its records have no present value, so they lack
    // coverage), but do not rely on it.
    let pad = status
        .get(len..)
        .unwrap_or(&[])
        .iter()
        .fold(0usize, |n, s| n + usize::from(*s == STATUS_OK));
    all - pad
}

/// [`basis_points`] of a value of a record that scored (in [0, 1]), by operations that
/// vectorise: floor(10000·v + 0.5) from the bits of 10000·v + 0.5 + 2²³ instead of a
/// saturating float-to-integer conversion (which LLVM does one lane at a time). The same
/// result for every v in [0, 1] (checked for every such f32 by a test); the clamps keep it
/// within 0..=10000 for any other v (a record that did not score: its 0 is written instead).
#[inline(always)]
pub(crate) fn basis_points_of_unit(v: f32) -> u16 {
    const TWO_23: f32 = 8_388_608.0;
    let v = if v >= 0.0 { v } else { 0.0 }; // NaN and negatives: 0
    let v = if v > 1.0 { 1.0 } else { v };
    let y = 10000.0 * v + 0.5; // in [0.5, 10000.5]: the operations of `basis_points`
    let m = y + TWO_23; // y rounded to the nearest integer, in the low bits of m
    let nearest = m.to_bits().wrapping_sub(TWO_23.to_bits());
    // Rounded up: one less is the floor (m − 2²³ is exact).
    let floor = nearest.wrapping_sub(u32::from(m - TWO_23 > y));
    (if floor > 10000 { 10000 } else { floor }) as u16
}

/// The grade code of a 0–100 composite: [`Grade::from_composite`] as straight-line code
/// (the thresholds are strictly descending: 4 minus the thresholds reached).
#[inline(always)]
fn grade_code(v: f32, grades: &[f32; 4]) -> u8 {
    let [a, b, c, d] = *grades;
    4 - u8::from(v >= a) - u8::from(v >= b) - u8::from(v >= c) - u8::from(v >= d)
}

impl Sink for ScoresColumns<'_> {
    #[inline(always)]
    fn write(&mut self, scorer: &Scorer<'_>, start: usize, len: usize, b: &Block) -> usize {
        let end = start + len;
        let status = &b.status;
        let [i0, i1, i2] = &b.index;
        for (col, src) in self.values.iter_mut().zip([i0, i1, i2, &b.composite]) {
            let Some(dst) = col.as_deref_mut().and_then(|c| c.get_mut(start..end)) else {
                continue;
            };
            for ((d, x), st) in dst.iter_mut().zip(src).zip(status) {
                *d = if *st == STATUS_OK {
                    100.0 * x
                } else {
                    f32::NAN
                };
            }
        }
        if let Some(dst) = self
            .basis_points
            .as_deref_mut()
            .and_then(|c| c.get_mut(4 * start..4 * end))
        {
            // Column by column (vectorised), then interleaved four to a record.
            let mut bp = [[0u16; BLOCK]; 4];
            for (p, src) in bp.iter_mut().zip([i0, i1, i2, &b.composite]) {
                for ((p, x), st) in p.iter_mut().zip(src).zip(status) {
                    let v = basis_points_of_unit(*x);
                    *p = if *st == STATUS_OK { v } else { 0 };
                }
            }
            let [p0, p1, p2, p3] = &bp;
            let (records, _) = dst.as_chunks_mut::<4>();
            for ((((d, a), b), c), e) in records.iter_mut().zip(p0).zip(p1).zip(p2).zip(p3) {
                *d = [*a, *b, *c, *e];
            }
        }
        let grades = &scorer.model.params().grades;
        if let Some(dst) = self
            .grade
            .as_deref_mut()
            .and_then(|c| c.get_mut(start..end))
        {
            for ((d, x), st) in dst.iter_mut().zip(&b.composite).zip(status) {
                let g = grade_code(100.0 * x, grades);
                *d = if *st == STATUS_OK { g } else { GRADE_NONE };
            }
        }
        if let Some(dst) = self
            .status
            .as_deref_mut()
            .and_then(|c| c.get_mut(start..end))
        {
            for (d, st) in dst.iter_mut().zip(status) {
                *d = *st;
            }
        }
        if let Some(dst) = self
            .coverage
            .as_deref_mut()
            .and_then(|c| c.get_mut(3 * start..3 * end))
        {
            let [c0, c1, c2] = &b.coverage;
            let (records, _) = dst.as_chunks_mut::<3>();
            for (((d, a), b), c) in records.iter_mut().zip(c0).zip(c1).zip(c2) {
                *d = [*a, *b, *c];
            }
        }
        count_ok(status, len)
    }
}

/// One `Result<Scores, ScoreError>` per record, with the records' ids
/// ([`Scorer::score_columns`](crate::score::Scorer::score_columns)).
pub(crate) struct Results<'o> {
    pub(crate) ids: &'o [u32],
    pub(crate) out: &'o mut [Result<Scores, ScoreError>],
}

impl Sink for Results<'_> {
    #[inline(always)]
    fn write(&mut self, scorer: &Scorer<'_>, start: usize, len: usize, b: &Block) -> usize {
        let end = start + len;
        let (Some(ids), Some(out)) = (self.ids.get(start..end), self.out.get_mut(start..end))
        else {
            return 0;
        };
        let params = scorer.model.params();
        // The reported values, still column-wise: 0–100 values, basis points, grades.
        let mut value = [[0.0f32; BLOCK]; 4];
        let mut bp = [[0u16; BLOCK]; 4];
        let [i0, i1, i2] = &b.index;
        for ((src, v), p) in [i0, i1, i2, &b.composite]
            .into_iter()
            .zip(value.iter_mut())
            .zip(bp.iter_mut())
        {
            for ((x, v), p) in src.iter().zip(v.iter_mut()).zip(p.iter_mut()) {
                *v = 100.0 * x;
                *p = basis_points_of_unit(*x);
            }
        }
        let mut grade = [4u8; BLOCK];
        for (g, v) in grade.iter_mut().zip(&value[3]) {
            *g = grade_code(*v, &params.grades);
        }

        // Results, errors in the order of docs/spec.md §8 (the status says which).
        let fingerprint = scorer.model.fingerprint();
        let mut ok = 0;
        for (r, ((slot, id), st)) in out.iter_mut().zip(ids).zip(&b.status).enumerate() {
            // `r & (BLOCK - 1)` is `r` (r < len ≤ BLOCK): every `get` below is in bounds.
            let r = r & (BLOCK - 1);
            let at = |a: &[f32; BLOCK]| a.get(r).copied().unwrap_or(0.0);
            let bpt = |a: &[u16; BLOCK]| a.get(r).copied().unwrap_or(0);
            *slot = match kernel::error_of(*st) {
                Some(e) => Err(e),
                None => {
                    ok += 1;
                    let [c0, c1, c2] = &b.coverage;
                    let [v0, v1, v2, v3] = &value;
                    let [b0, b1, b2, b3] = &bp;
                    Ok(Scores {
                        record_id: *id,
                        fingerprint,
                        cultural: at(v0),
                        economic: at(v1),
                        security: at(v2),
                        composite: at(v3),
                        basis_points: [bpt(b0), bpt(b1), bpt(b2), bpt(b3)],
                        coverage: [at(c0), at(c1), at(c2)],
                        grade: match grade.get(r).copied().unwrap_or(4) {
                            0 => Grade::A,
                            1 => Grade::B,
                            2 => Grade::C,
                            3 => Grade::D,
                            _ => Grade::E,
                        },
                    })
                }
            };
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `basis_points_of_unit` is `basis_points` on every f32 in [0, 1] (every 97th here;
    /// `every_unit_value` checks all of them).
    fn check_units(step: usize) {
        let one = 1.0f32.to_bits();
        for bits in (0..=one).step_by(step).chain([one, one - 1, 0, 1]) {
            let v = f32::from_bits(bits);
            assert_eq!(
                basis_points_of_unit(v),
                crate::score::basis_points(v),
                "{v:e}"
            );
        }
    }

    #[test]
    fn basis_points_of_values_in_zero_one() {
        // Under Miri (a hundred thousand times slower) a sample: every 400,000th value and
        // every 37th integer.
        check_units(if cfg!(miri) { 400_009 } else { 97 });
        // the values where 10000·v + 0.5 lies on, just below and just above an integer
        for k in (0..=10000u32).step_by(if cfg!(miri) { 37 } else { 1 }) {
            let v = (k as f32 - 0.5) / 10000.0;
            for d in [-2i32, -1, 0, 1, 2] {
                let u = f32::from_bits(v.to_bits().wrapping_add_signed(d));
                if (0.0..=1.0).contains(&u) {
                    assert_eq!(
                        basis_points_of_unit(u),
                        crate::score::basis_points(u),
                        "{u:e}"
                    );
                }
            }
        }
        // anything else stays within 0..=10000
        for v in [
            f32::NAN,
            -1.0,
            -0.0,
            1.5,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e30,
        ] {
            assert!(basis_points_of_unit(v) <= 10000);
        }
    }

    #[test]
    #[ignore = "about a billion values: cargo test --release -p silkscore --lib -- --ignored"]
    fn every_unit_value() {
        check_units(1);
    }
}
