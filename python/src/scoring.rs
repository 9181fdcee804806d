//! Scoring an [`Input`] into output columns with the core's column-wise scorer
//! ([`Scorer::score_into`], which writes straight into them), a chunk of [`CHUNK`] rows at a time, on one thread or on
//! several threads over contiguous ranges of rows. Every number comes from the core: the
//! results are the bits `silkscore score` prints, whatever the layout, dtype or thread count.

use silkscore::model::Model;
use silkscore::score::columns::{self, ScoresColumns};
use silkscore::score::{ScoreError, Scorer, Scores};

use crate::input::{Chunk, Input};

/// Rows per chunk: a converted chunk's columns (at most 32 × 16 KiB) stay in the L2 cache, and
/// in-place inputs pay the per-chunk setup rarely (4,096 rows measured faster than 1,024 and
/// 16,384 on Fortran-order input: docs/performance.md).
pub const CHUNK: usize = 4096;

/// Fewest rows worth a thread of their own.
pub const MIN_ROWS_PER_THREAD: usize = 16 * CHUNK;

/// Status code of a scored record (the core's [`columns::STATUS_OK`]).
pub const STATUS_OK: u8 = columns::STATUS_OK;
/// Status code base of `insufficient_data`: + 0 cultural, + 1 economic, + 2 security (the
/// core's [`columns::STATUS_INSUFFICIENT_DATA`]).
pub const STATUS_INSUFFICIENT_DATA: u8 = columns::STATUS_INSUFFICIENT_DATA;
/// Status code base of `non_finite`: + the indicator's position in the model (0–31; the
/// core's [`columns::STATUS_NON_FINITE`]).
pub const STATUS_NON_FINITE: u8 = columns::STATUS_NON_FINITE;
/// Status code base of `parse:<indicator id>`, a text cell that is not a number: + the
/// indicator's position in the model (0–31). Only data frames of text have it.
pub const STATUS_PARSE: u8 = 64;
/// Status code of any other scoring error (not expected for an input checked against the
/// model).
pub const STATUS_ERROR: u8 = 255;
/// Grade code of a record without scores (grades are 0 = A … 4 = E; the core's
/// [`columns::GRADE_NONE`]).
pub const GRADE_NONE: u8 = columns::GRADE_NONE;

/// The status code of a scoring result.
pub fn status_code(result: &Result<Scores, ScoreError>) -> u8 {
    match result {
        Ok(_) => STATUS_OK,
        Err(ScoreError::NonFiniteValue { indicator }) if usize::from(*indicator) < 32 => {
            STATUS_NON_FINITE + indicator
        }
        Err(ScoreError::InsufficientData { connotation }) => {
            STATUS_INSUFFICIENT_DATA + connotation.index() as u8
        }
        Err(_) => STATUS_ERROR,
    }
}

/// The status string of docs/spec.md §7 for a status code (`ok`, `non_finite:ID`,
/// `insufficient_data:CONNOTATION`, `parse:ID`), as `silkscore score` prints
/// it; `None` for a code that no record of `model` can have.
pub fn status_text(model: &Model, code: u8) -> Option<String> {
    use silkscore::model::Connotation;
    match code {
        STATUS_OK => Some("ok".to_owned()),
        1..=3 => Connotation::ALL
            .get(usize::from(code - STATUS_INSUFFICIENT_DATA))
            .map(|c| format!("insufficient_data:{}", c.as_str())),
        32..=63 => model
            .indicators()
            .get(usize::from(code - STATUS_NON_FINITE))
            .map(|i| format!("non_finite:{}", i.id.as_str())),
        64..=95 => model
            .indicators()
            .get(usize::from(code - STATUS_PARSE))
            .map(|i| format!("parse:{}", i.id.as_str())),
        STATUS_ERROR => Some("error".to_owned()),
        _ => None,
    }
}

/// Scores of `n` records, one entry per record (row-major for the 2-D ones).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Cultural index, 0–100 (NaN when the record has no scores).
    pub cultural: Vec<f32>,
    /// Economic index, 0–100 (NaN when none).
    pub economic: Vec<f32>,
    /// Security index, 0–100 (NaN when none).
    pub security: Vec<f32>,
    /// Composite, 0–100 (NaN when none).
    pub composite: Vec<f32>,
    /// n × 4 basis points of cultural, economic, security, composite (0 when none).
    pub basis_points: Vec<u16>,
    /// Grade code: 0 = A … 4 = E, [`GRADE_NONE`] when none.
    pub grade: Vec<u8>,
    /// Status code ([`STATUS_OK`], …; see [`status_text`]).
    pub status: Vec<u8>,
    /// n × 3 coverage of cultural, economic, security: present weight over total weight,
    /// for every record (also those that fail, as `silkscore score` reports it); empty
    /// when it was not asked for.
    pub coverage: Vec<f32>,
}

impl Output {
    fn new(n: usize, coverage: bool) -> Self {
        Output {
            cultural: vec![0.0; n],
            economic: vec![0.0; n],
            security: vec![0.0; n],
            composite: vec![0.0; n],
            basis_points: vec![0; 4 * n],
            grade: vec![0; n],
            status: vec![0; n],
            coverage: if coverage {
                vec![0.0; 3 * n]
            } else {
                Vec::new()
            },
        }
    }

    /// The output as slices for [`score_into`].
    pub fn slices(&mut self) -> Slices<'_> {
        Slices {
            cultural: &mut self.cultural,
            economic: &mut self.economic,
            security: &mut self.security,
            composite: &mut self.composite,
            basis_points: &mut self.basis_points,
            grade: &mut self.grade,
            status: &mut self.status,
            coverage: &mut self.coverage,
        }
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }
}

/// Where the scores of n records go: the arrays of an [`Output`], or arrays the caller
/// allocated (numpy's, in the Python package). Each holds one entry per record, the basis
/// points 4 and the coverage 3 (or none at all, when coverage is not wanted).
#[derive(Debug)]
pub struct Slices<'a> {
    /// Cultural index.
    pub cultural: &'a mut [f32],
    /// Economic index.
    pub economic: &'a mut [f32],
    /// Security index.
    pub security: &'a mut [f32],
    /// Composite.
    pub composite: &'a mut [f32],
    /// Basis points, row-major n × 4.
    pub basis_points: &'a mut [u16],
    /// Grade codes.
    pub grade: &'a mut [u8],
    /// Status codes.
    pub status: &'a mut [u8],
    /// Coverage, row-major n × 3, or empty.
    pub coverage: &'a mut [f32],
}

impl<'a> Slices<'a> {
    /// The number of records they hold, when every array has the length it should.
    fn rows(&self) -> Option<usize> {
        let n = self.status.len();
        let ok = [
            self.cultural.len(),
            self.economic.len(),
            self.security.len(),
        ]
        .iter()
        .chain([self.composite.len(), self.grade.len()].iter())
        .all(|l| *l == n)
            && self.basis_points.len() == 4 * n
            && (self.coverage.is_empty() || self.coverage.len() == 3 * n);
        ok.then_some(n)
    }

    /// Rows `..k` and `k..` (k at most the number of rows).
    fn split(self, k: usize) -> (Slices<'a>, Slices<'a>) {
        fn at<T>(s: &mut [T], k: usize) -> (&mut [T], &mut [T]) {
            let k = k.min(s.len());
            s.split_at_mut(k)
        }
        let (c0, c1) = at(self.cultural, k);
        let (e0, e1) = at(self.economic, k);
        let (s0, s1) = at(self.security, k);
        let (x0, x1) = at(self.composite, k);
        let (b0, b1) = at(self.basis_points, 4 * k);
        let (g0, g1) = at(self.grade, k);
        let (t0, t1) = at(self.status, k);
        let (v0, v1) = at(self.coverage, 3 * k);
        (
            Slices {
                cultural: c0,
                economic: e0,
                security: s0,
                composite: x0,
                basis_points: b0,
                grade: g0,
                status: t0,
                coverage: v0,
            },
            Slices {
                cultural: c1,
                economic: e1,
                security: s1,
                composite: x1,
                basis_points: b1,
                grade: g1,
                status: t1,
                coverage: v1,
            },
        )
    }

    /// Rows `a..b` of these slices as the core's output columns (the coverage only when
    /// it was asked for).
    fn columns(&mut self, a: usize, b: usize) -> ScoresColumns<'_> {
        fn at<T>(s: &mut [T], a: usize, b: usize) -> &mut [T] {
            s.get_mut(a..b).unwrap_or(&mut [])
        }
        let out = ScoresColumns::new()
            .cultural(at(self.cultural, a, b))
            .economic(at(self.economic, a, b))
            .security(at(self.security, a, b))
            .composite(at(self.composite, a, b))
            .basis_points(at(self.basis_points, 4 * a, 4 * b))
            .grade(at(self.grade, a, b))
            .status(at(self.status, a, b));
        if self.coverage.is_empty() {
            out
        } else {
            out.coverage(at(self.coverage, 3 * a, 3 * b))
        }
    }

    /// Rows `a..b` as records that could not be scored at all ([`STATUS_ERROR`]; not
    /// expected for an input checked against the model).
    fn fail(&mut self, a: usize, b: usize) {
        for col in [
            &mut *self.cultural,
            &mut *self.economic,
            &mut *self.security,
            &mut *self.composite,
        ] {
            col.get_mut(a..b).unwrap_or(&mut []).fill(f32::NAN);
        }
        let bp = self.basis_points.get_mut(4 * a..4 * b);
        bp.unwrap_or(&mut []).fill(0);
        self.grade.get_mut(a..b).unwrap_or(&mut []).fill(GRADE_NONE);
        self.status
            .get_mut(a..b)
            .unwrap_or(&mut [])
            .fill(STATUS_ERROR);
        let cov = self.coverage.get_mut(3 * a..3 * b);
        cov.unwrap_or(&mut []).fill(0.0);
    }
}

/// How many threads to use: `threads` (0 = every core), at most one per
/// [`MIN_ROWS_PER_THREAD`] rows, at least 1.
pub fn thread_count(threads: usize, rows: usize) -> usize {
    let want = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    want.min(rows.div_ceil(MIN_ROWS_PER_THREAD)).max(1)
}

/// Scores every record of `input` with `scorer` on up to `threads` threads (0 = every
/// core; see [`thread_count`]), with the coverage of every record when `coverage` is set.
/// The input must be as wide as the model ([`crate::input::InputError::Width`] otherwise,
/// checked here too).
pub fn score(
    scorer: &Scorer<'_>,
    input: &Input<'_>,
    threads: usize,
    coverage: bool,
) -> Result<Output, crate::input::InputError> {
    let mut out = Output::new(input.rows(), coverage);
    score_into(scorer, input, threads, out.slices())?;
    Ok(out)
}

/// [`score`] into arrays the caller allocated, one entry per record of `input` (the
/// coverage is computed when its array is not empty). Errors: the input is not as wide as
/// the model ([`crate::input::InputError::Width`]), or an array has the wrong length
/// ([`crate::input::InputError::Length`]).
pub fn score_into(
    scorer: &Scorer<'_>,
    input: &Input<'_>,
    threads: usize,
    out: Slices<'_>,
) -> Result<(), crate::input::InputError> {
    let model = scorer.model();
    if input.width() != model.len() {
        return Err(crate::input::InputError::Width {
            expected: model.len(),
            found: input.width(),
        });
    }
    let n = input.rows();
    if out.rows() != Some(n) {
        return Err(crate::input::InputError::Length {
            what: "output".into(),
            expected: n,
            found: out.status.len(),
        });
    }
    let t = thread_count(threads, n);
    if t <= 1 {
        score_range(scorer, input, 0, n, out);
        return Ok(());
    }
    // Contiguous ranges, a whole number of chunks each (the last takes the rest), in a
    // queue that the calling thread and t − 1 others drain. Should a thread not start, the
    // others (the calling one at least) score its share.
    let per = n.div_ceil(t).div_ceil(CHUNK) * CHUNK;
    let mut ranges = Vec::with_capacity(t);
    let mut rest = out;
    let mut start = 0;
    while start < n {
        let end = (start + per).min(n);
        let (mine, tail) = rest.split(end - start);
        ranges.push((start, end, mine));
        rest = tail;
        start = end;
    }
    let queue = std::sync::Mutex::new(ranges);
    let work = || loop {
        let next = queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        match next {
            Some((start, end, out)) => score_range(scorer, input, start, end, out),
            None => break,
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..t {
            // A thread that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new()
                .name("silkscore".into())
                .spawn_scoped(scope, work);
        }
        work();
    });
    Ok(())
}

/// Scores rows `start..end` of `input` into `out` (which holds exactly those rows), a chunk
/// at a time, with the core writing straight into `out`.
fn score_range(
    scorer: &Scorer<'_>,
    input: &Input<'_>,
    start: usize,
    end: usize,
    mut out: Slices<'_>,
) {
    let mut chunk = Chunk::new(input.width(), CHUNK);
    let mut a = start;
    while a < end {
        let b = (a + CHUNK).min(end);
        let (ra, rb) = (a - start, b - start);
        let scored = input.score_chunk(scorer, a, b, &mut chunk, &mut out.columns(ra, rb));
        if scored.is_err() {
            out.fail(ra, rb);
        }
        a = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Floats, Layout, Presence};
    use silkscore::model::{Connotation, BRI_CULTURAL_V1 as M};
    use silkscore::record::Record;

    /// Deterministic values around the goalposts, with NaN, ±∞ and gaps now and then.
    fn values(n: usize) -> Vec<f32> {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut out = Vec::with_capacity(n * M.len());
        for _ in 0..n {
            for ind in M.indicators() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (state >> 40) as f32 / (1u64 << 24) as f32;
                let x = match (state >> 8) % 97 {
                    0 => f32::NAN,
                    1 => f32::INFINITY,
                    2..=12 => f32::NAN, // missing when NaN is missing
                    _ => ind.lo - 0.2 * (ind.hi - ind.lo) + 1.4 * (ind.hi - ind.lo) * u,
                };
                out.push(x);
            }
        }
        out
    }

    /// What the core's scalar path says about row `r` (NaN = missing).
    fn scalar(v: &[f32], r: usize) -> Result<Scores, ScoreError> {
        let m = M.len();
        let mut rec = Record::new(0, m);
        for j in 0..m {
            let x = v[r * m + j];
            if !x.is_nan() {
                rec.set(j, x).unwrap();
            }
        }
        Scorer::new(&M).score(&rec)
    }

    /// Every layout (row-major `f32` read in place by the core's `Rows`, `f64`, column-major,
    /// frame columns), with and without a presence mask, NaN missing or not: every output
    /// column is what the scalar path gives for the record `Input::record` reads, and the
    /// coverage of a record that fails is the one `silkscore score` reports.
    #[test]
    fn every_layout_and_presence_matches_the_scalar_path_on_its_records() {
        let n = 2 * CHUNK + 333;
        let m = M.len();
        let v = values(n);
        let fortran: Vec<f32> = (0..m * n).map(|k| v[(k % n) * m + k / n]).collect();
        let wide: Vec<f64> = v.iter().map(|x| f64::from(*x)).collect();
        // A mask that drops about one value in seven, and its column-major twin.
        let mask: Vec<bool> = (0..n * m).map(|k| (k * 2_654_435_761) % 7 != 0).collect();
        let fmask: Vec<bool> = (0..m * n).map(|k| mask[(k % n) * m + k / n]).collect();
        let cols: Vec<Floats<'_>> = (0..m)
            .map(|j| Floats::F32(&fortran[j * n..(j + 1) * n]))
            .collect();
        let cmasks: Vec<Option<&[bool]>> =
            (0..m).map(|j| Some(&fmask[j * n..(j + 1) * n])).collect();
        let cases = [
            (Layout::Rows(Floats::F32(&v)), Presence::All),
            (Layout::Rows(Floats::F32(&v)), Presence::Rows(&mask)),
            (Layout::Rows(Floats::F64(&wide)), Presence::Rows(&mask)),
            (
                Layout::Fortran(Floats::F32(&fortran)),
                Presence::Fortran(&fmask),
            ),
            (Layout::Columns(cols.clone()), Presence::All),
            (Layout::Columns(cols), Presence::Columns(cmasks)),
        ];
        let scorer = Scorer::new(&M);
        let mut seen = [0usize; 2];
        for (case, (layout, presence)) in cases.into_iter().enumerate() {
            for nan in [false, true] {
                let input = Input::new(n, m, layout.clone(), presence.clone(), nan).unwrap();
                let out = score(&scorer, &input, 1, true).unwrap();
                for r in 0..n {
                    let rec = input.record(r, 0);
                    let want = scorer.score(&rec);
                    let what = format!("case {case}, NaN missing {nan}, row {r}");
                    assert_eq!(out.status[r], status_code(&want), "{what}");
                    let got = [
                        out.cultural[r],
                        out.economic[r],
                        out.security[r],
                        out.composite[r],
                    ];
                    match want {
                        Ok(s) => {
                            seen[0] += 1;
                            assert_eq!(
                                got.map(f32::to_bits),
                                s.values().map(f32::to_bits),
                                "{what}"
                            );
                            assert_eq!(
                                out.basis_points[4 * r..4 * r + 4],
                                s.basis_points,
                                "{what}"
                            );
                            assert_eq!(out.grade[r], s.grade as u8, "{what}");
                            assert_eq!(out.coverage[3 * r..3 * r + 3], s.coverage, "{what}");
                        }
                        Err(_) => {
                            seen[1] += 1;
                            assert!(got.iter().all(|x| x.is_nan()), "{what}");
                            assert_eq!(out.basis_points[4 * r..4 * r + 4], [0; 4], "{what}");
                            assert_eq!(out.grade[r], GRADE_NONE, "{what}");
                            let cov = silkscore_host::scoring::coverage(&M, &rec);
                            let got = &out.coverage[3 * r..3 * r + 3];
                            assert_eq!(got, cov, "{what}");
                        }
                    }
                }
            }
        }
        assert!(seen.iter().all(|k| *k > 1000), "{seen:?}");
    }

    #[test]
    fn every_thread_count_and_layout_matches_the_scalar_path_bit_for_bit() {
        let n = 3 * MIN_ROWS_PER_THREAD + 77; // several threads, a short last chunk
        let v = values(n);
        let m = M.len();
        let fortran: Vec<f32> = (0..m)
            .flat_map(|j| (0..n).map(move |r| (j, r)))
            .map(|(j, r)| v[r * m + j])
            .collect();
        let wide: Vec<f64> = v.iter().map(|x| f64::from(*x)).collect();
        let scorer = Scorer::new(&M);
        let layouts = [
            Layout::Rows(Floats::F32(&v)),
            Layout::Rows(Floats::F64(&wide)),
            Layout::Fortran(Floats::F32(&fortran)),
        ];
        let mut reference: Option<Output> = None;
        for layout in layouts {
            for threads in [1, 2, 3, 0] {
                let input = Input::new(n, m, layout.clone(), Presence::All, true).unwrap();
                let out = score(&scorer, &input, threads, true).unwrap();
                match &reference {
                    None => reference = Some(out),
                    Some(r) => {
                        // NaN != NaN: compare the bits
                        let bits = |o: &Output| -> Vec<u32> {
                            o.composite
                                .iter()
                                .chain(&o.cultural)
                                .chain(&o.coverage)
                                .map(|x| x.to_bits())
                                .collect()
                        };
                        assert_eq!(bits(r), bits(&out), "{layout:?}, {threads} threads");
                        assert_eq!(
                            (&r.status, &r.grade, &r.basis_points),
                            (&out.status, &out.grade, &out.basis_points)
                        );
                    }
                }
            }
        }
        let out = reference.unwrap();
        let mut seen = [0usize; 3];
        for r in 0..n {
            let want = scalar(&v, r);
            assert_eq!(out.status[r], status_code(&want), "row {r}");
            match want {
                Ok(s) => {
                    seen[0] += 1;
                    assert_eq!(
                        [
                            out.cultural[r],
                            out.economic[r],
                            out.security[r],
                            out.composite[r]
                        ]
                        .map(f32::to_bits),
                        s.values().map(f32::to_bits),
                        "row {r}"
                    );
                    assert_eq!(out.basis_points[4 * r..4 * r + 4], s.basis_points);
                    assert_eq!(out.grade[r], s.grade as u8);
                    assert_eq!(out.coverage[3 * r..3 * r + 3], s.coverage);
                }
                Err(ScoreError::NonFiniteValue { .. }) => {
                    seen[1] += 1;
                    assert!(out.composite[r].is_nan());
                    assert_eq!(out.grade[r], GRADE_NONE);
                }
                Err(_) => {
                    seen[2] += 1;
                    assert!(out.composite[r].is_nan());
                }
            }
        }
        // the data exercise every kind of outcome
        assert!(seen.iter().all(|k| *k > 100), "{seen:?}");
    }

    #[test]
    fn a_failed_record_reports_the_coverage_the_cli_reports() {
        // Only the first cultural indicator present: cultural coverage is its weight share.
        let mut v = vec![f32::NAN; M.len()];
        v[0] = 5.0;
        let input = Input::new(
            1,
            M.len(),
            Layout::Rows(Floats::F32(&v)),
            Presence::All,
            true,
        )
        .unwrap();
        let out = score(&Scorer::new(&M), &input, 1, true).unwrap();
        assert_eq!(out.status, [STATUS_INSUFFICIENT_DATA]);
        let mut rec = Record::new(0, M.len());
        rec.set(0, 5.0).unwrap();
        let want = silkscore_host::scoring::coverage(&M, &rec);
        assert_eq!(out.coverage, want);
        assert!(want[0] > 0.0 && want[1] == 0.0);
    }

    #[test]
    fn status_codes_read_as_the_cli_writes_them() {
        let ids: Vec<&str> = M.indicators().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(status_text(&M, 0).unwrap(), "ok");
        assert_eq!(status_text(&M, 1).unwrap(), "insufficient_data:cultural");
        assert_eq!(status_text(&M, 3).unwrap(), "insufficient_data:security");
        assert_eq!(
            status_text(&M, 32).unwrap(),
            format!("non_finite:{}", ids[0])
        );
        assert_eq!(
            status_text(&M, 49).unwrap(),
            format!("non_finite:{}", ids[17])
        );
        assert_eq!(status_text(&M, 50), None); // the default model has 18 indicators
        assert_eq!(status_text(&M, 64).unwrap(), format!("parse:{}", ids[0]));
        assert_eq!(status_text(&M, 81).unwrap(), format!("parse:{}", ids[17]));
        assert_eq!(status_text(&M, 82), None);
        assert_eq!(status_text(&M, 4), None);
        for c in Connotation::ALL {
            let e = Err(ScoreError::InsufficientData { connotation: c });
            let code = status_code(&e);
            let host = silkscore_host::scoring::Failure::from_error(
                &M,
                ScoreError::InsufficientData { connotation: c },
            );
            assert_eq!(status_text(&M, code).unwrap(), host.to_string());
        }
        for i in 0..M.len() as u8 {
            let e = ScoreError::NonFiniteValue { indicator: i };
            let host = silkscore_host::scoring::Failure::from_error(&M, e);
            assert_eq!(
                status_text(&M, status_code(&Err(e))).unwrap(),
                host.to_string()
            );
        }
    }

    #[test]
    fn coverage_is_computed_only_when_asked_for() {
        let v = values(500);
        let input = Input::new(
            500,
            M.len(),
            Layout::Rows(Floats::F32(&v)),
            Presence::All,
            true,
        )
        .unwrap();
        let scorer = Scorer::new(&M);
        let with = score(&scorer, &input, 1, true).unwrap();
        let without = score(&scorer, &input, 1, false).unwrap();
        assert_eq!(with.coverage.len(), 3 * 500);
        assert!(without.coverage.is_empty());
        assert_eq!(with.status, without.status);
        assert_eq!(with.basis_points, without.basis_points);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&with.composite), bits(&without.composite));
    }

    #[test]
    fn thread_counts_follow_the_rows() {
        assert_eq!(thread_count(8, 1), 1);
        assert_eq!(thread_count(8, MIN_ROWS_PER_THREAD), 1);
        assert_eq!(thread_count(8, MIN_ROWS_PER_THREAD + 1), 2);
        assert_eq!(thread_count(1, 100 * MIN_ROWS_PER_THREAD), 1);
        assert!(thread_count(0, 100 * MIN_ROWS_PER_THREAD) >= 1);
        assert_eq!(thread_count(3, 0), 1);
    }

    #[test]
    fn an_input_for_another_model_is_refused() {
        let v = [0.0f32; 4];
        let input = Input::new(2, 2, Layout::Rows(Floats::F32(&v)), Presence::All, true).unwrap();
        assert!(score(&Scorer::new(&M), &input, 1, false).is_err());
    }

    #[test]
    fn caller_arrays_of_the_wrong_length_are_refused() {
        let v = values(10);
        let input = Input::new(
            10,
            M.len(),
            Layout::Rows(Floats::F32(&v)),
            Presence::All,
            true,
        )
        .unwrap();
        let mut out = Output::new(10, false);
        out.basis_points.pop();
        assert!(score_into(&Scorer::new(&M), &input, 1, out.slices()).is_err());
        let mut out = Output::new(9, true);
        assert!(score_into(&Scorer::new(&M), &input, 1, out.slices()).is_err());
    }

    #[test]
    fn no_records_give_empty_columns() {
        let input = Input::new(
            0,
            M.len(),
            Layout::Rows(Floats::F32(&[])),
            Presence::All,
            true,
        )
        .unwrap();
        let out = score(&Scorer::new(&M), &input, 0, false).unwrap();
        assert!(out.is_empty() && out.basis_points.is_empty());
    }
}
