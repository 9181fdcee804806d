//! The records to score, as the caller holds them in memory: an [`Input`] borrows a numpy
//! array (row-major or column-major), or one array per column of a data frame, in `f32` or
//! `f64`, with an optional presence mask. Nothing is copied when the input is built; scoring
//! reads it a chunk of rows at a time ([`Input::fill`]), and `f32` columns are read in place.

use core::fmt;

use silkscore::model::MAX_INDICATORS;
use silkscore::record::Record;
use silkscore::score::columns::{Columns, Rows, ScoresColumns};
use silkscore::score::{ScoreError, Scorer};

/// One run of values: `f32` values are used as they are, `f64` values are rounded to the
/// nearest `f32` (as `numpy.float32(x)` rounds them).
#[derive(Clone, Copy, Debug)]
pub enum Floats<'a> {
    /// Single precision, read in place.
    F32(&'a [f32]),
    /// Double precision, rounded to `f32` a chunk at a time.
    F64(&'a [f64]),
}

impl Floats<'_> {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Floats::F32(v) => v.len(),
            Floats::F64(v) => v.len(),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `i` as an `f32`.
    fn get(&self, i: usize) -> Option<f32> {
        match self {
            Floats::F32(v) => v.get(i).copied(),
            Floats::F64(v) => v.get(i).map(|x| *x as f32),
        }
    }
}

/// How the values of `rows` records × `width` indicators lie in memory.
#[derive(Clone, Debug)]
pub enum Layout<'a> {
    /// Row-major (C order, a 2-D numpy array): indicator `j` of record `r` at `r·width + j`.
    Rows(Floats<'a>),
    /// Column-major (Fortran order): indicator `j` of record `r` at `j·rows + r`.
    Fortran(Floats<'a>),
    /// One array per indicator (the columns of a data frame), each `rows` long.
    Columns(Vec<Floats<'a>>),
}

/// Which values are present (a missing value is left out of its connotation's mean,
/// docs/spec.md §4). Whatever the mask, a present value that is NaN or ±∞ makes its record
/// fail with `non_finite`.
#[derive(Clone, Debug)]
pub enum Presence<'a> {
    /// Every value is present.
    All,
    /// Row-major, one flag per value, laid out as [`Layout::Rows`].
    Rows(&'a [bool]),
    /// Column-major, laid out as [`Layout::Fortran`].
    Fortran(&'a [bool]),
    /// One optional flag array per indicator (`None`: every value of that column is present).
    Columns(Vec<Option<&'a [bool]>>),
}

/// Why an input cannot be scored with a model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// The model has `expected` indicators, the input `found` columns.
    Width {
        /// Indicators of the model.
        expected: usize,
        /// Columns of the input.
        found: usize,
    },
    /// An array does not hold `rows × width` values (or a column not `rows`).
    Length {
        /// What the array is (`values`, `present`, or the column's position).
        what: String,
        /// Values it should hold.
        expected: usize,
        /// Values it holds.
        found: usize,
    },
    /// The presence mask is laid out differently from the values (one per column for a
    /// frame, a 2-D mask for an array).
    PresenceLayout,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Width { expected, found } => write!(
                f,
                "the model has {expected} indicators but the values have {found} columns"
            ),
            InputError::Length {
                what,
                expected,
                found,
            } => write!(f, "{what} holds {found} values, expected {expected}"),
            InputError::PresenceLayout => {
                f.write_str("the presence mask must have the layout of the values")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// The values of `rows` records of `width` indicators and which of them are present.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    rows: usize,
    width: usize,
    layout: Layout<'a>,
    presence: Presence<'a>,
    /// Bit j: a NaN in column j counts as missing.
    nan_missing: u32,
}

/// Scratch space for one chunk of rows: converted or transposed columns and presence bits.
#[derive(Clone, Debug)]
pub struct Chunk {
    columns: Vec<Vec<f32>>,
    present: Vec<u32>,
}

impl Chunk {
    /// Space for chunks of up to `capacity` rows of `width` indicators.
    pub fn new(width: usize, capacity: usize) -> Self {
        Chunk {
            columns: vec![vec![0.0; capacity]; width],
            present: vec![0; capacity],
        }
    }

    /// The presence bits of the chunk filled last (bit `j` of entry `r`: indicator `j` of
    /// record `r` is present).
    pub fn present(&self) -> &[u32] {
        &self.present
    }
}

fn check(what: impl Into<String>, expected: usize, found: usize) -> Result<(), InputError> {
    if expected == found {
        Ok(())
    } else {
        Err(InputError::Length {
            what: what.into(),
            expected,
            found,
        })
    }
}

impl<'a> Input<'a> {
    /// An input of `rows` records for a model of `width` indicators. `nan_is_missing`: a NaN
    /// counts as missing (on top of the presence mask) instead of failing its record
    /// (`score(values)` without `present`, and pandas frames). ±∞ is never missing.
    ///
    /// Errors: [`InputError::Width`] when a 2-D layout's column count (its length over
    /// `rows`) or the number of columns differs from `width`, [`InputError::Length`] when an
    /// array has the wrong length, [`InputError::PresenceLayout`] for a per-column mask on a
    /// 2-D array or the reverse.
    pub fn new(
        rows: usize,
        width: usize,
        layout: Layout<'a>,
        presence: Presence<'a>,
        nan_is_missing: bool,
    ) -> Result<Self, InputError> {
        if width == 0 || width > MAX_INDICATORS {
            return Err(InputError::Width {
                expected: width,
                found: width,
            });
        }
        let cells = rows.checked_mul(width).ok_or(InputError::Length {
            what: "values".into(),
            expected: usize::MAX,
            found: rows,
        })?;
        match &layout {
            Layout::Rows(v) | Layout::Fortran(v) => check("values", cells, v.len())?,
            Layout::Columns(cols) => {
                if cols.len() != width {
                    return Err(InputError::Width {
                        expected: width,
                        found: cols.len(),
                    });
                }
                for (j, c) in cols.iter().enumerate() {
                    check(format!("column {j}"), rows, c.len())?;
                }
            }
        }
        match (&layout, &presence) {
            (_, Presence::All) => {}
            (Layout::Rows(_) | Layout::Fortran(_), Presence::Rows(p) | Presence::Fortran(p)) => {
                check("present", cells, p.len())?
            }
            (Layout::Columns(_), Presence::Columns(masks)) => {
                if masks.len() != width {
                    return Err(InputError::Width {
                        expected: width,
                        found: masks.len(),
                    });
                }
                for (j, m) in masks.iter().enumerate() {
                    if let Some(m) = m {
                        check(format!("present column {j}"), rows, m.len())?;
                    }
                }
            }
            _ => return Err(InputError::PresenceLayout),
        }
        Ok(Input {
            rows,
            width,
            layout,
            presence,
            nan_missing: if nan_is_missing { u32::MAX } else { 0 },
        })
    }

    /// The same input with NaN counted as missing in the columns whose bit is set in `mask`
    /// only (a data frame whose text columns were parsed as the records reader parses
    /// cells, where a `NaN` cell is a value, next to pandas float columns, where NaN is the
    /// missing marker).
    pub fn with_nan_missing(mut self, mask: u32) -> Self {
        self.nan_missing = mask;
        self
    }

    /// The number of records.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of indicators.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Value `j` of record `r`, `None` when it is missing (out of range is missing too).
    pub fn get(&self, r: usize, j: usize) -> Option<f32> {
        if r >= self.rows || j >= self.width {
            return None;
        }
        let (w, n) = (self.width, self.rows);
        let present = match &self.presence {
            Presence::All => true,
            Presence::Rows(p) => p.get(r * w + j).copied().unwrap_or(false),
            Presence::Fortran(p) => p.get(j * n + r).copied().unwrap_or(false),
            Presence::Columns(masks) => masks
                .get(j)
                .and_then(|m| m.map(|m| m.get(r).copied().unwrap_or(false)))
                .unwrap_or(true),
        };
        let x = match &self.layout {
            Layout::Rows(v) => v.get(r * w + j),
            Layout::Fortran(v) => v.get(j * n + r),
            Layout::Columns(cols) => cols.get(j).and_then(|c| c.get(r)),
        }?;
        let nan_missing = (self.nan_missing >> j) & 1 == 1;
        (present && !(nan_missing && x.is_nan())).then_some(x)
    }

    /// Record `r` (with project id `id`), for the analyses that take whole records.
    pub fn record(&self, r: usize, id: u32) -> Record {
        let mut record = Record::new(id, self.width);
        for j in 0..self.width {
            if let Some(x) = self.get(r, j) {
                // j < width ≤ MAX_INDICATORS = the record's length: never an error.
                let _ = record.set(j, x);
            }
        }
        record
    }

    /// Every record, with ids 0, 1, … (saturating at `u32::MAX`).
    pub fn records(&self) -> Vec<Record> {
        (0..self.rows)
            .map(|r| self.record(r, u32::try_from(r).unwrap_or(u32::MAX)))
            .collect()
    }

    /// Prepares rows `start..end` in `chunk` (at most its capacity): the presence bits (NaN
    /// counted as missing where it is), and the columns that cannot be read in place (`f64`
    /// values, row-major arrays). Then [`Input::columns`] hands out the chunk's columns.
    pub fn fill(&self, start: usize, end: usize, chunk: &mut Chunk) {
        self.fill_present(start, end, chunk);
        self.fill_columns(start, end, chunk);
        self.clear_nan(start, end, chunk);
    }

    /// Scores rows `start..end` (at most `chunk`'s capacity) with the core's
    /// [`Scorer::score_into`], into `out` (which holds exactly those rows): a row-major
    /// `f32` array is read in place as [`Rows`] (no transpose), column-major `f32` arrays
    /// and `f32` frame columns in place as [`Columns`], everything else converted into
    /// `chunk` first. NaN as missing is left to the core. Returns how many records scored.
    pub fn score_chunk(
        &self,
        scorer: &Scorer<'_>,
        start: usize,
        end: usize,
        chunk: &mut Chunk,
        out: &mut ScoresColumns<'_>,
    ) -> Result<usize, ScoreError> {
        let len = end.saturating_sub(start);
        let w = self.width;
        let mask = self.nan_missing;
        self.fill_present(start, end, chunk);
        if let Layout::Rows(Floats::F32(v)) = &self.layout {
            let values = v.get(start * w..end * w).unwrap_or(&[]);
            let rows = Rows::new(values, len, w)?.with_nan_missing(mask);
            return match self.presence {
                Presence::All => scorer.score_into(&rows, out),
                _ => {
                    let present = chunk.present.get(..len).unwrap_or(&[]);
                    scorer.score_into(&rows.with_present(present)?, out)
                }
            };
        }
        self.fill_columns(start, end, chunk);
        let ids = [0u32; CHUNK_MAX];
        let mut refs: [&[f32]; MAX_INDICATORS] = [&[]; MAX_INDICATORS];
        let cols = self.columns(start, end, chunk, &mut refs);
        let ids = ids.get(..len).unwrap_or(&[]);
        let present = chunk.present.get(..len).unwrap_or(&[]);
        let batch = Columns::new(ids, cols, present)?.with_nan_missing(mask);
        scorer.score_into(&batch, out)
    }

    /// The presence bits of rows `start..end` by the mask, into `chunk`.
    fn fill_present(&self, start: usize, end: usize, chunk: &mut Chunk) {
        let len = end.saturating_sub(start);
        let (w, n) = (self.width, self.rows);
        let Some(bits) = chunk.present.get_mut(..len) else {
            return;
        };
        // Which values are present, by the mask.
        let all = if w >= 32 { u32::MAX } else { (1u32 << w) - 1 };
        match &self.presence {
            Presence::All => bits.fill(all),
            Presence::Rows(p) => {
                let rows = p.get(start * w..end * w).unwrap_or(&[]);
                for (b, row) in bits.iter_mut().zip(rows.chunks_exact(w)) {
                    *b = row
                        .iter()
                        .enumerate()
                        .fold(0, |acc, (j, p)| acc | (u32::from(*p) << j));
                }
            }
            Presence::Fortran(p) => {
                bits.fill(0);
                for j in 0..w {
                    let col = p.get(j * n + start..j * n + end).unwrap_or(&[]);
                    for (b, p) in bits.iter_mut().zip(col) {
                        *b |= u32::from(*p) << j;
                    }
                }
            }
            Presence::Columns(masks) => {
                bits.fill(all);
                for (j, m) in masks.iter().enumerate() {
                    if let Some(col) = m.and_then(|m| m.get(start..end)) {
                        let clear = !(1u32 << j);
                        for (b, p) in bits.iter_mut().zip(col) {
                            *b &= if *p { u32::MAX } else { clear };
                        }
                    }
                }
            }
        }
    }

    /// The columns of rows `start..end` that need converting or transposing, into `chunk`.
    fn fill_columns(&self, start: usize, end: usize, chunk: &mut Chunk) {
        let (w, n) = (self.width, self.rows);
        match &self.layout {
            Layout::Rows(v) => transpose(v, w, start, end, &mut chunk.columns),
            Layout::Fortran(v) => {
                for (j, buf) in chunk.columns.iter_mut().enumerate() {
                    convert(v, j * n + start, j * n + end, buf);
                }
            }
            Layout::Columns(cols) => {
                for (col, buf) in cols.iter().zip(chunk.columns.iter_mut()) {
                    convert(col, start, end, buf);
                }
            }
        }
    }

    /// NaN as missing: clears the presence bits of NaN values in rows `start..end` of
    /// `chunk`, in the columns where NaN is missing.
    fn clear_nan(&self, start: usize, end: usize, chunk: &mut Chunk) {
        let len = end.saturating_sub(start);
        let w = self.width;
        let all = if w >= 32 { u32::MAX } else { (1u32 << w) - 1 };
        if self.nan_missing & all != 0 {
            let mut refs: [&[f32]; MAX_INDICATORS] = [&[]; MAX_INDICATORS];
            let cols = self.columns(start, end, chunk, &mut refs);
            let mut nan = [0u32; CHUNK_MAX];
            for (j, col) in cols.iter().enumerate() {
                if (self.nan_missing >> j) & 1 == 0 {
                    continue;
                }
                for (m, x) in nan.iter_mut().zip(col.iter()) {
                    *m |= u32::from(x.is_nan()) << j;
                }
            }
            if let Some(bits) = chunk.present.get_mut(..len) {
                for (b, m) in bits.iter_mut().zip(nan) {
                    *b &= !m;
                }
            }
        }
    }

    /// The columns of rows `start..end` after [`Input::fill`], into `refs` (one per
    /// indicator): `f32` column arrays (a data frame's, or a column-major array's) in place,
    /// everything else from the chunk.
    pub fn columns<'s>(
        &'s self,
        start: usize,
        end: usize,
        chunk: &'s Chunk,
        refs: &'s mut [&'s [f32]; MAX_INDICATORS],
    ) -> &'s [&'s [f32]] {
        let len = end.saturating_sub(start);
        let n = self.rows;
        for (j, (slot, buf)) in refs.iter_mut().zip(&chunk.columns).enumerate() {
            let in_place = match &self.layout {
                Layout::Fortran(Floats::F32(v)) => v.get(j * n + start..j * n + end),
                Layout::Columns(cols) => match cols.get(j) {
                    Some(Floats::F32(c)) => c.get(start..end),
                    _ => None,
                },
                _ => None,
            };
            *slot = in_place.or_else(|| buf.get(..len)).unwrap_or(&[]);
        }
        refs.get(..self.width).unwrap_or(&[])
    }
}

/// The most rows of a chunk (see [`crate::scoring::CHUNK`]).
pub(crate) const CHUNK_MAX: usize = crate::scoring::CHUNK;

/// Converts `v[a..b]` into `buf` when it is `f64`; `f32` values are read in place.
fn convert(v: &Floats<'_>, a: usize, b: usize, buf: &mut [f32]) {
    if let Floats::F64(v) = v {
        for (d, s) in buf.iter_mut().zip(v.get(a..b).unwrap_or(&[])) {
            *d = *s as f32;
        }
    }
}

/// Transposes rows `start..end` of a row-major array of `w` columns into `columns`.
fn transpose(v: &Floats<'_>, w: usize, start: usize, end: usize, columns: &mut [Vec<f32>]) {
    match v {
        Floats::F32(v) => {
            transpose_rows(v.get(start * w..end * w).unwrap_or(&[]), w, columns, |x| x)
        }
        Floats::F64(v) => {
            transpose_rows(v.get(start * w..end * w).unwrap_or(&[]), w, columns, |x| {
                x as f32
            })
        }
    }
}

/// Rows per block of the transpose: a block (16 rows of up to 32 values) stays in a few
/// cache lines per row, and each column gets 16 values (one cache line) from it. A fixed
/// block lets the compiler unroll the inner loop; 3× faster than a loop over each row.
const TRANSPOSE_BLOCK: usize = 16;

fn transpose_rows<T: Copy>(rows: &[T], w: usize, columns: &mut [Vec<f32>], f: impl Fn(T) -> f32) {
    const B: usize = TRANSPOSE_BLOCK;
    if w == 0 {
        return;
    }
    let blocks = rows.chunks_exact(B * w);
    let tail = blocks.remainder();
    let full = rows.len() / (B * w);
    for (k, block) in blocks.enumerate() {
        for (j, col) in columns.iter_mut().enumerate() {
            let Some(dst) = col.get_mut(k * B..k * B + B) else {
                continue;
            };
            for (i, d) in dst.iter_mut().enumerate() {
                if let Some(x) = block.get(i * w + j) {
                    *d = f(*x);
                }
            }
        }
    }
    // The last rows, fewer than a block.
    for (i, row) in tail.chunks_exact(w).enumerate() {
        for (x, col) in row.iter().zip(columns.iter_mut()) {
            if let Some(d) = col.get_mut(full * B + i) {
                *d = f(*x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_gives_the_same_values_and_presence() {
        // 3 records × 2 indicators; record 1's second value is NaN, record 2's first absent.
        let rows_f32 = [1.0f32, 2.0, 3.0, f32::NAN, 5.0, 6.0];
        let rows_f64: Vec<f64> = rows_f32.iter().map(|x| f64::from(*x)).collect();
        let fortran = [1.0f32, 3.0, 5.0, 2.0, f32::NAN, 6.0];
        let present_rows = [true, true, true, true, false, true];
        let present_fortran = [true, true, false, true, true, true];
        let layouts = [
            (
                Layout::Rows(Floats::F32(&rows_f32)),
                Presence::Rows(&present_rows),
            ),
            (
                Layout::Rows(Floats::F64(&rows_f64)),
                Presence::Rows(&present_rows),
            ),
            (
                Layout::Fortran(Floats::F32(&fortran)),
                Presence::Fortran(&present_fortran),
            ),
            (
                Layout::Columns(vec![
                    Floats::F32(&fortran[..3]),
                    Floats::F64(&[2.0, f64::NAN, 6.0]),
                ]),
                Presence::Columns(vec![Some(&[true, true, false][..]), None]),
            ),
        ];
        for (layout, presence) in layouts {
            for nan_is_missing in [false, true] {
                let input =
                    Input::new(3, 2, layout.clone(), presence.clone(), nan_is_missing).unwrap();
                let mut chunk = Chunk::new(2, 8);
                input.fill(0, 3, &mut chunk);
                let nan_bit = if nan_is_missing { 0 } else { 2 };
                assert_eq!(&chunk.present()[..3], &[3, 1 | nan_bit, 2], "{layout:?}");
                let mut refs = [&[][..]; MAX_INDICATORS];
                let cols = input.columns(0, 3, &chunk, &mut refs);
                assert_eq!(cols.len(), 2);
                assert_eq!(cols[0], &[1.0, 3.0, 5.0]);
                assert_eq!(cols[1][0].to_bits(), 2.0f32.to_bits());
                assert!(cols[1][1].is_nan());
                assert_eq!(input.get(2, 0), None);
                assert_eq!(input.get(0, 1), Some(2.0));
                assert_eq!(input.get(1, 1).is_some(), !nan_is_missing);
                // a chunk in the middle
                input.fill(1, 3, &mut chunk);
                let mut refs = [&[][..]; MAX_INDICATORS];
                let cols = input.columns(1, 3, &chunk, &mut refs);
                assert_eq!(cols[0], &[3.0, 5.0]);
                assert_eq!(&chunk.present()[..2], &[1 | nan_bit, 2]);
            }
        }
    }

    #[test]
    fn nan_is_missing_per_column() {
        let a = [f32::NAN, 1.0];
        let b = [2.0f32, f32::NAN];
        let input = Input::new(
            2,
            2,
            Layout::Columns(vec![Floats::F32(&a), Floats::F32(&b)]),
            Presence::All,
            false,
        )
        .unwrap()
        .with_nan_missing(0b10);
        let mut chunk = Chunk::new(2, 4);
        input.fill(0, 2, &mut chunk);
        // column 0's NaN is a value (present), column 1's is missing
        assert_eq!(&chunk.present()[..2], &[0b11, 0b01]);
        assert!(input.get(0, 0).unwrap().is_nan());
        assert_eq!(input.get(1, 1), None);
    }

    #[test]
    fn f32_columns_are_read_in_place_and_f64_rounded() {
        let col = [1.5f32, 2.5, 3.5];
        let input = Input::new(
            3,
            1,
            Layout::Columns(vec![Floats::F32(&col)]),
            Presence::All,
            true,
        )
        .unwrap();
        let mut chunk = Chunk::new(1, 4);
        input.fill(0, 3, &mut chunk);
        let mut refs = [&[][..]; MAX_INDICATORS];
        let cols = input.columns(0, 3, &chunk, &mut refs);
        assert!(core::ptr::eq(cols[0].as_ptr(), col.as_ptr()));
        // 0.1 as f64 rounds to the f32 nearest to it, as numpy.float32 does
        let wide = [0.1f64, 16_777_217.0];
        let input =
            Input::new(2, 1, Layout::Rows(Floats::F64(&wide)), Presence::All, false).unwrap();
        input.fill(0, 2, &mut chunk);
        let mut refs = [&[][..]; MAX_INDICATORS];
        let cols = input.columns(0, 2, &chunk, &mut refs);
        assert_eq!(cols[0], &[0.1f32, 16_777_216.0]);
    }

    #[test]
    fn transposing_handles_rows_that_do_not_fill_a_block() {
        let w = 3;
        for n in [1usize, 7, 15, 16, 17, 33, 1000] {
            let v: Vec<f32> = (0..n * w).map(|k| k as f32).collect();
            let input =
                Input::new(n, w, Layout::Rows(Floats::F32(&v)), Presence::All, false).unwrap();
            let mut chunk = Chunk::new(w, n);
            input.fill(0, n, &mut chunk);
            let mut refs = [&[][..]; MAX_INDICATORS];
            let cols = input.columns(0, n, &chunk, &mut refs);
            for (j, col) in cols.iter().enumerate() {
                let want: Vec<f32> = (0..n).map(|r| (r * w + j) as f32).collect();
                assert_eq!(*col, &want[..], "n = {n}, column {j}");
            }
        }
    }

    #[test]
    fn shapes_are_checked() {
        let v = [0.0f32; 6];
        let bad = |layout, presence| Input::new(3, 2, layout, presence, false).unwrap_err();
        assert_eq!(
            bad(Layout::Rows(Floats::F32(&v[..5])), Presence::All),
            InputError::Length {
                what: "values".into(),
                expected: 6,
                found: 5
            }
        );
        assert_eq!(
            bad(Layout::Rows(Floats::F32(&v)), Presence::Rows(&[true; 5])),
            InputError::Length {
                what: "present".into(),
                expected: 6,
                found: 5
            }
        );
        assert_eq!(
            bad(Layout::Columns(vec![Floats::F32(&v[..3])]), Presence::All),
            InputError::Width {
                expected: 2,
                found: 1
            }
        );
        assert_eq!(
            bad(
                Layout::Columns(vec![Floats::F32(&v[..3]), Floats::F32(&v[..2])]),
                Presence::All
            ),
            InputError::Length {
                what: "column 1".into(),
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            bad(
                Layout::Rows(Floats::F32(&v)),
                Presence::Columns(vec![None, None])
            ),
            InputError::PresenceLayout
        );
        assert!(Input::new(0, 33, Layout::Rows(Floats::F32(&[])), Presence::All, false).is_err());
    }
}
