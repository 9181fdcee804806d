//! Column-wise batch scoring: the fast path for hosts that score portfolios of millions of
//! projects.
//!
//! **Input.** A batch is given as [`Columns`] (one `f32` slice per indicator, a presence
//! bitmask and an id per record) or as [`Rows`] (one row-major `f32` slice, rows × indicators,
//! as a C-order matrix lies in memory, read in place). Either can count NaN as a missing
//! value, per column ([`Columns::with_nan_missing`], [`Rows::with_nan_missing`]), as data
//! frames mark missing values.
//!
//! **Output.** [`Scorer::score_into`] writes the scores into [`ScoresColumns`], slices the
//! caller provides (struct of arrays: four `f32` values, basis points, grade and status
//! codes, coverage; any of them may be left out), and is the fastest way;
//! [`Scorer::score_columns`] writes one `Result<Scores, ScoreError>` per record.
//!
//! Each indicator is normalised over a block of records in a loop with no branches (the
//! crate's [`crate::math::ln`] is branch-free), which the compiler vectorises. Every
//! arithmetic operation is the one the scalar [`Scorer::score`] performs, in the same order,
//! so the results are **bit-identical** to scoring the records one by one
//! (`tests/simd_paths.rs` and a property test check this).
//!
//! The scorer is compiled once per SIMD instruction set and picks the widest one the CPU has
//! when it runs (with the `runtime-dispatch` feature; see [`super::simd`]): a portable build,
//! as `cargo install` makes, scores with AVX2 or AVX-512 where the CPU has them. Every path
//! performs the same operations in the same order, without fused multiply-adds, so every
//! path gives the same bits (`tests/simd_paths.rs` checks it on every path the machine has).

mod kernel;
mod output;

pub use output::{
    status, status_error, ScoresColumns, GRADE_NONE, STATUS_INSUFFICIENT_DATA, STATUS_NON_FINITE,
    STATUS_OK,
};

use super::simd::{self, SimdPath};
use super::{ScoreError, Scorer, Scores};
pub(super) use kernel::Source;
use kernel::{Block, Scratch, BLOCK};
use output::Results;
pub(super) use output::Sink;

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
    nan_missing: u32,
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
            nan_missing: 0,
        })
    }

    /// The same batch, where a NaN in column i counts as a missing value when bit i of `mask`
    /// is set (`u32::MAX`: in every column), as if its presence bit were clear. Elsewhere a
    /// present NaN fails its record ([`ScoreError::NonFiniteValue`]); ±∞ always does.
    ///
    /// ```
    /// use silkscore::score::columns::{Columns, ScoresColumns};
    /// use silkscore::{score::Scorer, Record, BRI_CULTURAL_V1 as M};
    /// let mut data = vec![[3.0f32]; M.len()];
    /// data[4] = [f32::NAN];
    /// let cols: Vec<&[f32]> = data.iter().map(|c| &c[..]).collect();
    /// let present = [u32::MAX >> (32 - M.len())];
    /// let batch = Columns::new(&[9], &cols, &present).unwrap().with_nan_missing(u32::MAX);
    /// let mut composite = [0.0f32];
    /// Scorer::new(&M).score_into(&batch, &mut ScoresColumns::new().composite(&mut composite)).unwrap();
    ///
    /// let mut r = Record::new(9, M.len());
    /// for i in (0..M.len()).filter(|i| *i != 4) { r.set(i, 3.0).unwrap(); }
    /// assert_eq!(composite[0], Scorer::new(&M).score(&r).unwrap().composite);
    /// ```
    pub fn with_nan_missing(mut self, mask: u32) -> Self {
        self.nan_missing = mask;
        self
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

/// A batch of records in one row-major slice (a C-order matrix: records × indicators), read
/// in place: the value of indicator i of record r is `values[r · width + i]`. Without
/// [`Rows::with_present`], every value is present.
///
/// ```
/// use silkscore::score::columns::{Rows, ScoresColumns};
/// use silkscore::{score::Scorer, Record, BRI_CULTURAL_V1 as M};
/// let values: Vec<f32> = (0..2 * M.len()).map(|k| k as f32).collect();
/// let rows = Rows::new(&values, 2, M.len()).unwrap();
/// let (mut composite, mut status) = ([0.0f32; 2], [0u8; 2]);
/// let mut out = ScoresColumns::new().composite(&mut composite).status(&mut status);
/// let scorer = Scorer::new(&M);
/// assert_eq!(scorer.score_into(&rows, &mut out), Ok(2));
///
/// let record = Record::from_values(0, &values[M.len()..].iter().map(|x| Some(*x)).collect::<Vec<_>>()).unwrap();
/// assert_eq!(composite[1], scorer.score(&record).unwrap().composite);
/// assert_eq!(status, [0, 0]);
///
/// // rows × width values, no more, no less
/// assert!(Rows::new(&values[1..], 2, M.len()).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Rows<'a> {
    values: &'a [f32],
    rows: usize,
    width: usize,
    present: Option<&'a [u32]>,
    nan_missing: u32,
}

impl<'a> Rows<'a> {
    /// `rows` records of `width` values each, row-major. `values` must hold exactly
    /// `rows × width` values, else [`ScoreError::ColumnLength`] (expected `rows × width`).
    /// Scoring checks `width` against the model ([`ScoreError::RecordLength`]).
    pub fn new(values: &'a [f32], rows: usize, width: usize) -> Result<Self, ScoreError> {
        let cells = rows.checked_mul(width);
        if cells != Some(values.len()) {
            return Err(ScoreError::ColumnLength {
                expected: cells.unwrap_or(usize::MAX),
                found: values.len(),
            });
        }
        Ok(Rows {
            values,
            rows,
            width,
            present: None,
            nan_missing: 0,
        })
    }

    /// The same batch with presence bits: bit i of `present[r]` says whether value i of
    /// record r is present. One entry per record, else [`ScoreError::ColumnLength`].
    pub fn with_present(mut self, present: &'a [u32]) -> Result<Self, ScoreError> {
        if present.len() != self.rows {
            return Err(ScoreError::ColumnLength {
                expected: self.rows,
                found: present.len(),
            });
        }
        self.present = Some(present);
        Ok(self)
    }

    /// The same batch, where a NaN in column i counts as a missing value when bit i of `mask`
    /// is set, as [`Columns::with_nan_missing`].
    pub fn with_nan_missing(mut self, mask: u32) -> Self {
        self.nan_missing = mask;
        self
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Values per record.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// A batch the column-wise scorer reads: [`Columns`] or [`Rows`]. (Sealed: the scorer's
/// block interface is not public.)
pub trait Batch: kernel::Source {}

impl Batch for Columns<'_> {}
impl Batch for Rows<'_> {}

impl Source for Columns<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.ids.len()
    }

    #[inline(always)]
    fn width(&self) -> usize {
        self.values.len()
    }

    #[inline(always)]
    fn load(&self, start: usize, end: usize, ps: &mut [u32; BLOCK], _scratch: &mut Scratch) {
        for (dst, src) in ps
            .iter_mut()
            .zip(self.present.get(start..end).unwrap_or(&[]))
        {
            *dst = *src;
        }
        if self.nan_missing != 0 {
            for (j, col) in self.values.iter().enumerate().take(32) {
                let bit = 1u32 << j;
                if self.nan_missing & bit != 0 {
                    kernel::nan_is_missing(col.get(start..end).unwrap_or(&[]), bit, ps);
                }
            }
        }
    }

    #[inline(always)]
    fn column<'s>(
        &'s self,
        j: usize,
        start: usize,
        end: usize,
        pad: f32,
        _scratch: &'s Scratch,
        buf: &'s mut [f32; BLOCK],
    ) -> &'s [f32; BLOCK] {
        let all = self.values.get(j).map_or(&[][..], |c| &c[..]);
        let col = all.get(start..end).unwrap_or(&[]);
        // The block after next, on its way from memory while these two are scored (with
        // 19 input streams, the hardware prefetcher alone falls behind: +4–7 % measured).
        let ahead = all.get(end + BLOCK..).unwrap_or(&[]);
        simd::prefetch(ahead.get(..BLOCK).unwrap_or(ahead));
        // A whole block is scored in place; the last, short one is copied into a fixed
        // block whose tail is padded.
        match col.try_into() {
            Ok(whole) => whole,
            Err(_) => {
                buf.fill(pad);
                for (dst, src) in buf.iter_mut().zip(col) {
                    *dst = *src;
                }
                buf
            }
        }
    }
}

impl Source for Rows<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.rows
    }

    #[inline(always)]
    fn width(&self) -> usize {
        self.width
    }

    #[inline(always)]
    fn load(&self, start: usize, end: usize, ps: &mut [u32; BLOCK], scratch: &mut Scratch) {
        match self.present {
            Some(p) => {
                for (dst, src) in ps.iter_mut().zip(p.get(start..end).unwrap_or(&[])) {
                    *dst = *src;
                }
            }
            None => {
                for dst in ps.iter_mut().take(end.saturating_sub(start)) {
                    *dst = u32::MAX;
                }
            }
        }
        let w = self.width;
        let rows = self.values.get(start * w..end * w).unwrap_or(&[]);
        transpose(rows, w, &mut scratch.columns);
        if self.nan_missing != 0 {
            let len = end.saturating_sub(start);
            for (j, col) in scratch.columns.iter().enumerate().take(w) {
                let bit = 1u32 << j;
                if self.nan_missing & bit != 0 {
                    kernel::nan_is_missing(col.get(..len).unwrap_or(&[]), bit, ps);
                }
            }
        }
    }

    #[inline(always)]
    fn column<'s>(
        &'s self,
        j: usize,
        _start: usize,
        _end: usize,
        _pad: f32,
        scratch: &'s Scratch,
        buf: &'s mut [f32; BLOCK],
    ) -> &'s [f32; BLOCK] {
        // Past the last record of a short block the scratch holds earlier values: they are
        // absent (their presence bits are 0), so never used.
        scratch.columns.get(j).unwrap_or(buf)
    }
}

/// Transposes up to [`BLOCK`] rows of `w` values into `columns` (column j, entry r).
#[inline(always)]
fn transpose(rows: &[f32], w: usize, columns: &mut [[f32; BLOCK]]) {
    if w == 0 {
        return;
    }
    for (r, row) in rows.chunks_exact(w).enumerate() {
        let r = r & (BLOCK - 1);
        for (x, col) in row.iter().zip(columns.iter_mut()) {
            if let Some(d) = col.get_mut(r) {
                *d = *x;
            }
        }
    }
}

impl Scorer<'_> {
    /// Scores a column batch into `out` (one result per record, in order; at least
    /// `batch.len()` long). Returns the number of records that scored `Ok`. Results are
    /// bit-identical to [`Scorer::score`] on each record. [`Scorer::score_into`] is faster:
    /// it writes columns instead of a 48-byte result per record.
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
        self.check_width(batch)?;
        let mut sink = Results {
            ids: batch.ids,
            out,
        };
        Ok(simd::run(path, self, batch, &mut sink))
    }

    /// Scores a batch ([`Columns`] or [`Rows`]) into output columns: entry r of each column
    /// `out` has is record r's (see [`ScoresColumns`]). Returns the number of records that
    /// scored. Every value is bit-identical to [`Scorer::score`] on each record, and this is
    /// the fastest way to score many records: no per-record result is built, and only the
    /// columns asked for are computed and written.
    ///
    /// Errors: [`ScoreError::RecordLength`] when the batch does not have one value column
    /// per indicator, [`ScoreError::BufferTooSmall`] when a column of `out` has no room for
    /// every record. Records that do not score are not errors: their status says why.
    ///
    /// ```
    /// use silkscore::score::columns::{status_error, Columns, ScoresColumns, GRADE_NONE};
    /// use silkscore::{score::Scorer, Connotation, Record, ScoreError, BRI_CULTURAL_V1 as M};
    /// let a: Vec<[f32; 2]> = (0..M.len()).map(|i| [i as f32 * 5.0, 1.0]).collect();
    /// let cols: Vec<&[f32]> = a.iter().map(|c| &c[..]).collect();
    /// let present = [u32::MAX >> (32 - M.len()), 0b1]; // the second: one value only
    /// let batch = Columns::new(&[1, 2], &cols, &present).unwrap();
    ///
    /// let (mut composite, mut grade, mut status) = ([0.0f32; 2], [0u8; 2], [0u8; 2]);
    /// let mut bp = [0u16; 2 * 4];
    /// let mut out = ScoresColumns::new()
    ///     .composite(&mut composite)
    ///     .basis_points(&mut bp)
    ///     .grade(&mut grade)
    ///     .status(&mut status);
    /// let scorer = Scorer::new(&M);
    /// assert_eq!(scorer.score_into(&batch, &mut out), Ok(1));
    ///
    /// let mut r = Record::new(1, M.len());
    /// for i in 0..M.len() { r.set(i, i as f32 * 5.0).unwrap(); }
    /// let s = scorer.score(&r).unwrap();
    /// assert_eq!(composite[0].to_bits(), s.composite.to_bits());
    /// assert_eq!((&bp[..4], grade[0], status[0]), (&s.basis_points[..], s.grade as u8, 0));
    ///
    /// let missing = ScoreError::InsufficientData { connotation: Connotation::Cultural };
    /// assert_eq!(status_error(status[1]), Some(Err(missing)));
    /// assert!(composite[1].is_nan());
    /// assert_eq!((&bp[4..], grade[1]), (&[0u16; 4][..], GRADE_NONE));
    /// ```
    pub fn score_into<B: Batch>(
        &self,
        batch: &B,
        out: &mut ScoresColumns<'_>,
    ) -> Result<usize, ScoreError> {
        self.score_into_on(SimdPath::detect(), batch, out)
    }

    /// [`Scorer::score_into`] on one given SIMD path, as [`Scorer::score_columns_on`].
    pub fn score_into_on<B: Batch>(
        &self,
        path: SimdPath,
        batch: &B,
        out: &mut ScoresColumns<'_>,
    ) -> Result<usize, ScoreError> {
        self.check_width(batch)?;
        out.check(batch.len())?;
        Ok(simd::run(path, self, batch, out))
    }

    /// [`ScoreError::RecordLength`] unless the batch has one value column per indicator.
    fn check_width<S: Source>(&self, batch: &S) -> Result<(), ScoreError> {
        let m = self.model.len();
        let w = batch.width();
        if w != m {
            return Err(ScoreError::RecordLength {
                expected: m as u8,
                found: w.min(255) as u8,
            });
        }
        Ok(())
    }

    /// The column-wise scorer proper, for a batch whose lengths were checked: compiled once
    /// per SIMD path by [`simd::run`] (everything it calls is inlined into it, so that each
    /// copy is compiled with its path's instructions). Returns the number of records that
    /// scored.
    #[inline(always)]
    pub(super) fn score_blocks<S: Source, K: Sink>(&self, src: &S, sink: &mut K) -> usize {
        let n = src.len();
        let mut block = Block::new();
        let mut ok = 0;
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            self.block(src, start, end, &mut block);
            ok += sink.write(self, start, end - start, &block);
            start = end;
        }
        ok
    }
}
