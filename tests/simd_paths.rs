//! Every scoring entry point and every SIMD path of the column-wise scorer give the same bits.
//!
//! - The conformance vectors (docs/spec.md) through every public entry point: `score`,
//!   `score_with_breakdown`, `Scorer::score`, `Scorer::score_with_breakdown`,
//!   `Scorer::score_columns`, `Scorer::score_columns_on` for every SIMD path this CPU has, and
//!   `score_batch`: the statuses of the expected files, the values within 0.005 of them, and
//!   every entry point bit for bit equal to `score`.
//! - Records that sit exactly at `min_coverage`, and just below it, on every entry point.
//! - A million generated records (hostile values included) on every SIMD path, for models that
//!   take every branch of the column-wise kernel, compared bit for bit with `Scorer::score`.
//! - `Scorer::score_into` (output columns) in all of the above, on every path, from `Columns`
//!   and row-major `Rows`, with presence bits and with NaN as the missing value: every output
//!   column (values, basis points, grades, status codes, coverage) turned back into one result
//!   per record and compared bit for bit, failures included.
//!
//! Built with the `runtime-dispatch` feature (as `cargo test --workspace` builds the core, for
//! silkscore-host enables it), the paths are the baseline, AVX2 and AVX-512 where the CPU has
//! them; the test prints which ones it ran.

mod common;

use common::*;
use silkscore::score::batch::score_batch;
use silkscore::score::columns::{
    status, status_error, Batch, Columns, Rows, ScoresColumns, GRADE_NONE, STATUS_OK,
};
use silkscore::score::simd::SimdPath;
use silkscore::score::Scorer;
use silkscore::{
    score, score_with_breakdown, Aggregation, Breakdown, Connotation, Direction, Grade, Indicator,
    Model, ModelParams, Record, ScoreError, Scores, Transform,
};

type Out = Result<Scores, ScoreError>;

const EMPTY: Out = Err(ScoreError::BufferTooSmall { needed: 0 });

/// Id, fingerprint, values, basis points, coverage and grade, floats as bit patterns.
type Bits = (u32, u32, [u32; 4], [u16; 4], [u32; 3], u8);

/// The bits of a result: every float of the scores as its bit pattern, errors as they are.
fn bits(r: &Out) -> Result<Bits, ScoreError> {
    r.map(|s| {
        (
            s.record_id,
            s.fingerprint,
            s.values().map(f32::to_bits),
            s.basis_points,
            s.coverage.map(f32::to_bits),
            s.grade as u8,
        )
    })
}

/// Records as columns: ids, one column per indicator (absent values hold NaN, which must be
/// ignored), presence bits.
fn to_columns(model: &Model, records: &[Record]) -> (Vec<u32>, Vec<Vec<f32>>, Vec<u32>) {
    let ids = records.iter().map(Record::id).collect();
    let mut cols = vec![vec![f32::NAN; records.len()]; model.len()];
    let mut present = vec![0u32; records.len()];
    for (r, rec) in records.iter().enumerate() {
        for (i, col) in cols.iter_mut().enumerate() {
            if let Some(v) = rec.get(i) {
                col[r] = v;
                present[r] |= 1 << i;
            }
        }
    }
    (ids, cols, present)
}

/// Records as one row-major matrix (absent values hold NaN) and their presence bits.
fn to_rows(model: &Model, records: &[Record]) -> (Vec<f32>, Vec<u32>) {
    let w = model.len();
    let mut values = vec![f32::NAN; records.len() * w];
    let mut present = vec![0u32; records.len()];
    for (r, rec) in records.iter().enumerate() {
        for i in 0..w {
            if let Some(v) = rec.get(i) {
                values[r * w + i] = v;
                present[r] |= 1 << i;
            }
        }
    }
    (values, present)
}

/// `Scorer::score_into_on(path, batch)` with every output column, turned back into one
/// result per record (ids from `ids`), after checking what a record that did not score
/// holds (NaN values, basis points 0, no grade) and that the count returned is right.
fn score_into_results<B: Batch>(
    scorer: &Scorer<'_>,
    model: &Model,
    path: SimdPath,
    ids: &[u32],
    batch: &B,
) -> Vec<Out> {
    let n = ids.len();
    // Filled with what the scorer never writes, so that an entry left alone shows.
    let mut v = [
        vec![-7.0f32; n],
        vec![-7.0; n],
        vec![-7.0; n],
        vec![-7.0; n],
    ];
    let (mut bp, mut grade, mut st, mut cov) = (
        vec![9999u16; 4 * n],
        vec![77u8; n],
        vec![99u8; n],
        vec![-7.0f32; 3 * n],
    );
    let [c, e, s, k] = &mut v;
    let mut out = ScoresColumns::new()
        .cultural(c)
        .economic(e)
        .security(s)
        .composite(k)
        .basis_points(&mut bp)
        .grade(&mut grade)
        .status(&mut st)
        .coverage(&mut cov);
    let ok = scorer.score_into_on(path, batch, &mut out).unwrap();
    let fingerprint = model.fingerprint();
    let results: Vec<Out> = (0..n)
        .map(|r| {
            let value = |i: usize| v[i][r];
            let values = [0, 1, 2, 3].map(value);
            let bpr: [u16; 4] = bp[4 * r..4 * r + 4].try_into().unwrap();
            let coverage: [f32; 3] = cov[3 * r..3 * r + 3].try_into().unwrap();
            assert!(
                coverage.iter().all(|c| (0.0..=1.0).contains(c)),
                "{coverage:?}"
            );
            match status_error(st[r]) {
                Some(Ok(())) => Ok(Scores {
                    record_id: ids[r],
                    fingerprint,
                    cultural: values[0],
                    economic: values[1],
                    security: values[2],
                    composite: values[3],
                    basis_points: bpr,
                    coverage,
                    grade: match grade[r] {
                        0 => Grade::A,
                        1 => Grade::B,
                        2 => Grade::C,
                        3 => Grade::D,
                        4 => Grade::E,
                        g => panic!("record {r}: grade code {g}"),
                    },
                }),
                Some(Err(err)) => {
                    assert!(values.iter().all(|x| x.is_nan()), "record {r}: {values:?}");
                    assert_eq!((bpr, grade[r]), ([0; 4], GRADE_NONE), "record {r}");
                    assert_eq!(status(&Err::<(), _>(err)), Some(st[r]), "record {r}");
                    if let ScoreError::InsufficientData { connotation } = err {
                        let c = coverage[connotation.index()];
                        assert!(c < model.params().min_coverage, "record {r}: {c}");
                    }
                    Err(err)
                }
                None => panic!("record {r}: status code {}", st[r]),
            }
        })
        .collect();
    assert_eq!(ok, st.iter().filter(|s| **s == STATUS_OK).count());
    results
}

/// `score_into` on every SIMD path, from columns with presence bits, rows with presence
/// bits and rows where NaN marks a missing value (`nan_records`: the same records with
/// their NaN values missing, whose results these are).
fn score_into_every_path(
    model: &Model,
    records: &[Record],
    nan_records: &[Record],
) -> Vec<(String, Vec<Out>, bool)> {
    let scorer = Scorer::new(model);
    let w = model.len();
    let (ids, cols, present) = to_columns(model, records);
    let refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
    let columns = Columns::new(&ids, &refs, &present).unwrap();
    let (values, present) = to_rows(model, records);
    let rows = Rows::new(&values, records.len(), w)
        .unwrap()
        .with_present(&present)
        .unwrap();
    let (nan_values, _) = to_rows(model, nan_records);
    let nan_rows = Rows::new(&nan_values, records.len(), w)
        .unwrap()
        .with_nan_missing(u32::MAX);
    let nan_owned: Vec<Vec<f32>> = (0..w)
        .map(|i| nan_values.iter().skip(i).step_by(w).copied().collect())
        .collect();
    let nan_cols: Vec<&[f32]> = nan_owned.iter().map(|c| &c[..]).collect();
    let all_present = vec![u32::MAX; records.len()];
    let nan_columns = Columns::new(&ids, &nan_cols, &all_present)
        .unwrap()
        .with_nan_missing(u32::MAX);
    let mut all = Vec::new();
    for path in SimdPath::supported() {
        let p = path.name();
        all.push((
            format!("score_into_on({p}, Columns)"),
            score_into_results(&scorer, model, path, &ids, &columns),
            false,
        ));
        all.push((
            format!("score_into_on({p}, Rows)"),
            score_into_results(&scorer, model, path, &ids, &rows),
            false,
        ));
        all.push((
            format!("score_into_on({p}, Rows NaN missing)"),
            score_into_results(&scorer, model, path, &ids, &nan_rows),
            true,
        ));
        all.push((
            format!("score_into_on({p}, Columns NaN missing)"),
            score_into_results(&scorer, model, path, &ids, &nan_columns),
            true,
        ));
    }
    all
}

/// The same records with every NaN value missing (as a data frame's NaN would be).
fn nan_as_missing(records: &[Record]) -> Vec<Record> {
    records
        .iter()
        .map(|r| {
            let values: Vec<Option<f32>> = (0..r.len())
                .map(|i| r.get(i).filter(|v| !v.is_nan()))
                .collect();
            Record::from_values(r.id(), &values).unwrap()
        })
        .collect()
}

/// Every entry point on `records`: the name of each and its results, in record order.
fn every_entry_point(model: &Model, records: &[Record]) -> Vec<(String, Vec<Out>)> {
    let scorer = Scorer::new(model);
    let mut all: Vec<(String, Vec<Out>)> = vec![(
        "score".to_owned(),
        records.iter().map(|r| score(model, r)).collect(),
    )];
    all.push((
        "score_with_breakdown".to_owned(),
        records
            .iter()
            .map(|r| score_with_breakdown(model, r, &mut Breakdown::new()))
            .collect(),
    ));
    all.push((
        "Scorer::score".to_owned(),
        records.iter().map(|r| scorer.score(r)).collect(),
    ));
    all.push((
        "Scorer::score_with_breakdown".to_owned(),
        records
            .iter()
            .map(|r| scorer.score_with_breakdown(r, &mut Breakdown::new()))
            .collect(),
    ));
    let mut out = vec![EMPTY; records.len()];
    let ok = score_batch(model, records, &mut out).unwrap();
    assert_eq!(ok, out.iter().filter(|r| r.is_ok()).count());
    all.push(("score_batch".to_owned(), out));

    let (ids, cols, present) = to_columns(model, records);
    let refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
    let batch = Columns::new(&ids, &refs, &present).unwrap();
    let mut out = vec![EMPTY; records.len()];
    let ok = scorer.score_columns(&batch, &mut out).unwrap();
    assert_eq!(ok, out.iter().filter(|r| r.is_ok()).count());
    all.push(("score_columns".to_owned(), out));
    for path in SimdPath::supported() {
        let mut out = vec![EMPTY; records.len()];
        let ok = scorer.score_columns_on(path, &batch, &mut out).unwrap();
        assert_eq!(ok, out.iter().filter(|r| r.is_ok()).count());
        all.push((format!("score_columns_on({})", path.name()), out));
    }
    // score_into, every path, columns and rows; where NaN marks a missing value, the results
    // are those of the records with their NaN values missing.
    let nan_records = nan_as_missing(records);
    let nan_reference: Vec<Out> = nan_records.iter().map(|r| scorer.score(r)).collect();
    for (name, out, nan_missing) in score_into_every_path(model, records, &nan_records) {
        if nan_missing {
            assert_all_equal(
                "NaN as missing",
                &nan_records,
                &[("score".to_owned(), nan_reference.clone()), (name, out)],
            );
        } else {
            all.push((name, out));
        }
    }
    all
}

/// Asserts that every entry point gives `score`'s bits on every record.
fn assert_all_equal(what: &str, records: &[Record], all: &[(String, Vec<Out>)]) {
    let (_, reference) = &all[0];
    for (name, results) in &all[1..] {
        for (r, (got, want)) in results.iter().zip(reference).enumerate() {
            assert_eq!(
                bits(got),
                bits(want),
                "{what}: {name} differs from score on record {r} (id {}): {got:?} vs {want:?}",
                records[r].id()
            );
        }
    }
}

fn conformance(model: &Model, records: &str, expected: &str) -> usize {
    let rows = load_records(&vectors().join(records), model);
    let exp = load_expected(&vectors().join(expected));
    assert_eq!(rows.len(), exp.len(), "{records}: row count");
    // The rows that parse, with the expected outcome of each.
    let mut parsed = Vec::new();
    let mut wanted = Vec::new();
    for (row, e) in rows.iter().zip(&exp) {
        if let Ok(r) = &row.record {
            parsed.push(*r);
            wanted.push(e);
        }
    }
    let all = every_entry_point(model, &parsed);
    assert_all_equal(records, &parsed, &all);
    // And each one agrees with the expected file (statuses exact, values within 0.005).
    for (name, results) in &all {
        for (got, e) in results.iter().zip(&wanted) {
            let status = match got {
                Ok(_) => "ok".to_owned(),
                Err(err) => status_of(model, err),
            };
            assert_eq!(status, e.status, "{records}: {name}, id {}", e.id);
            if let (Ok(s), Some(v)) = (got, e.values) {
                for (g, w) in s.values().iter().zip(v) {
                    assert!(
                        (f64::from(*g) - w).abs() <= 0.005,
                        "{records}: {name}, id {}",
                        e.id
                    );
                }
                assert_eq!(s.grade.as_str(), e.grade, "{records}: {name}, id {}", e.id);
            }
        }
    }
    parsed.len()
}

#[test]
fn conformance_vectors_through_every_entry_point() {
    let paths: Vec<&str> = SimdPath::supported().map(SimdPath::name).collect();
    println!("SIMD paths on this machine: {}", paths.join(", "));
    let custom5 = load_model(&vectors().join("custom5.toml")).unwrap();
    let custom32 = load_model(&vectors().join("custom32.toml")).unwrap();
    let n = conformance(
        &silkscore::BRI_CULTURAL_V1,
        "default_records.csv",
        "default_expected.csv",
    ) + conformance(&custom5, "custom5_records.csv", "custom5_expected.csv")
        + conformance(&custom32, "custom32_records.csv", "custom32_expected.csv");
    assert!(n > 400, "{n} rows");
}

/// Records whose coverage is exactly `min_coverage` in one connotation (scored) and one
/// indicator short of it (insufficient data), on every entry point.
#[test]
fn records_exactly_at_min_coverage() {
    let m = &silkscore::BRI_CULTURAL_V1;
    assert_eq!(m.params().min_coverage, 0.5);
    let mut records = Vec::new();
    let mut expected = Vec::new();
    for c in Connotation::ALL {
        let ours: Vec<usize> = (0..m.len())
            .filter(|i| m.indicators()[*i].connotation == c)
            .collect();
        assert_eq!(ours.len(), 6);
        // Three of six equal weights present: coverage 3/6 = 0.5 exactly, which is enough.
        for present in [3, 2] {
            let mut r = Record::new(records.len() as u32, m.len());
            for i in 0..m.len() {
                let keep = ours
                    .iter()
                    .position(|k| *k == i)
                    .is_none_or(|p| p < present);
                if keep {
                    r.set(i, 0.25 * (m.indicators()[i].hi + m.indicators()[i].lo))
                        .unwrap();
                }
            }
            records.push(r);
            expected.push(if present == 3 {
                None
            } else {
                Some(ScoreError::InsufficientData { connotation: c })
            });
        }
    }
    let all = every_entry_point(m, &records);
    assert_all_equal("at min_coverage", &records, &all);
    for (name, results) in &all {
        for (r, (got, want)) in results.iter().zip(&expected).enumerate() {
            match want {
                None => {
                    let s = got
                        .as_ref()
                        .unwrap_or_else(|e| panic!("{name}, record {r}: {e}"));
                    assert!(s.coverage.contains(&0.5), "{name}, record {r}: {s:?}");
                }
                Some(e) => assert_eq!(got, &Err(*e), "{name}, record {r}"),
            }
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A raw value for `ind`: mostly inside or near the goalposts, sometimes exactly on them,
    /// far outside, subnormal, NaN or infinite; `None` (missing) about a quarter of the time.
    fn value(&mut self, ind: &Indicator) -> Option<f32> {
        let u = self.unit();
        let span = ind.hi - ind.lo;
        let v = match self.next() % 40 {
            0..=9 => return None,
            10 => ind.lo,
            11 => ind.hi,
            12 => -1.0e30,
            13 => 3.0e38,
            14 => f32::from_bits(1 + (self.next() as u32 & 0x7f_ffff)), // subnormal
            15 if self.next().is_multiple_of(8) => f32::NAN,
            16 if self.next().is_multiple_of(8) => f32::INFINITY,
            17 if self.next().is_multiple_of(8) => f32::NEG_INFINITY,
            _ => match ind.transform {
                Transform::Lin => ind.lo - 0.1 * span + 1.2 * span * u,
                _ => ind.lo + (1.0 + span).powf(u * 1.05) - 1.0,
            },
        };
        Some(v)
    }
}

/// A finite raw value for `ind`, hostile but finite: mostly inside or near the goalposts,
/// sometimes exactly on them, far outside or subnormal.
fn finite_value(rng: &mut SplitMix, ind: &Indicator) -> f32 {
    let u = rng.unit();
    let span = ind.hi - ind.lo;
    match rng.next() % 40 {
        0 => ind.lo,
        1 => ind.hi,
        2 => -1.0e30,
        3 => 3.0e38,
        4 => f32::from_bits(1 + (rng.next() as u32 & 0x7f_ffff)), // subnormal
        5 => 0.0,
        _ => match ind.transform {
            Transform::Lin => ind.lo - 0.1 * span + 1.2 * span * u,
            _ => ind.lo + (1.0 + span).powf(u * 1.05) - 1.0,
        },
    }
}

/// Models that take every branch of the column-wise kernel: the default (arithmetic within,
/// geometric across, `lin` and `log`, benefit and cost), the geometric-within vector model,
/// and one with `ln` indicators on a subnormal and a normal lower goalpost, a subnormal floor,
/// geometric within and across, unequal weights and min_coverage 0.3.
fn models() -> Vec<Model> {
    let custom5 = load_model(&vectors().join("custom5.toml")).unwrap();
    let custom32 = load_model(&vectors().join("custom32.toml")).unwrap();
    let ind = |id, c, d, t, lo, hi, w| Indicator::new(id, c, d, t, lo, hi).with_weight(w);
    use Connotation::*;
    use Direction::*;
    use Transform::*;
    let odd = Model::new(
        "odd",
        ModelParams {
            within: Aggregation::Geometric,
            across: Aggregation::Geometric,
            floor: 1.0e-40,
            min_coverage: 0.3,
            ..ModelParams::DEFAULT
        },
        &[
            ind("a", Cultural, Benefit, Ln, 1.0e-40, 1.0e3, 1.0),
            ind("b", Cultural, Cost, Ln, 0.5, 2.0e3, 2.5),
            ind("c", Cultural, Benefit, Log, -0.5, 10.0, 0.0),
            ind("d", Economic, Cost, Lin, -5.0, 5.0, 1.0),
            ind("e", Economic, Benefit, Log, 0.0, 1.0e6, 3.0),
            ind("f", Security, Benefit, Ln, 1.0e-3, 1.0, 0.7),
            ind("g", Security, Cost, Log, 2.0, 9.0, 1.0),
        ],
    )
    .unwrap();
    vec![silkscore::BRI_CULTURAL_V1.clone(), custom5, custom32, odd]
}

#[test]
fn a_million_records_on_every_simd_path() {
    let total = 1_000_000;
    let models = models();
    let mut rng = SplitMix(2023);
    let chunk = 25_000;
    let mut scored = 0;
    let mut ok = 0;
    while scored < total {
        for model in &models {
            let scorer = Scorer::new(model);
            let records: Vec<Record> = (0..chunk)
                .map(|r| {
                    let values: Vec<Option<f32>> =
                        model.indicators().iter().map(|i| rng.value(i)).collect();
                    Record::from_values((scored + r) as u32, &values).unwrap()
                })
                .collect();
            let reference: Vec<Out> = records.iter().map(|r| scorer.score(r)).collect();
            ok += reference.iter().filter(|r| r.is_ok()).count();
            let nan_records = nan_as_missing(&records);
            let nan_reference: Vec<Out> = nan_records.iter().map(|r| scorer.score(r)).collect();
            for (name, out, nan_missing) in score_into_every_path(model, &records, &nan_records) {
                let (want, recs) = match nan_missing {
                    true => (&nan_reference, &nan_records),
                    false => (&reference, &records),
                };
                for (r, (got, want)) in out.iter().zip(want).enumerate() {
                    assert_eq!(
                        bits(got),
                        bits(want),
                        "model {}, {name}, record {:?}",
                        model.name(),
                        recs[r]
                    );
                }
            }
            let (ids, cols, present) = to_columns(model, &records);
            let refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
            let batch = Columns::new(&ids, &refs, &present).unwrap();
            for path in SimdPath::supported() {
                let mut out = vec![EMPTY; records.len()];
                scorer.score_columns_on(path, &batch, &mut out).unwrap();
                for (r, (got, want)) in out.iter().zip(&reference).enumerate() {
                    assert_eq!(
                        bits(got),
                        bits(want),
                        "model {}, path {}, record {:?}",
                        model.name(),
                        path.name(),
                        records[r]
                    );
                }
            }
            scored += chunk;
        }
    }
    // Enough of them score, and enough fail, for the comparison to mean something.
    assert!(
        ok > scored / 10 && ok < scored * 9 / 10,
        "{ok} of {scored} scored"
    );
}

/// Blocks whose present values are all finite take the scorer's optimistic loops (one for
/// blocks in which every record has every value, one for the rest), which check afterwards
/// that no present value was ±∞ or NaN and score the block again otherwise. Here: records
/// with every value present (so whole blocks of them), then records with a few values
/// missing, finite values throughout but for about one record in 500 that gets one ±∞ or
/// NaN (so that most blocks stay finite and some do not), on every path, from columns and
/// rows, bit for bit against `Scorer::score`.
#[test]
fn blocks_of_complete_and_finite_records_on_every_simd_path() {
    let chunk = if cfg!(miri) { 300 } else { 20_000 };
    let mut rng = SplitMix(7);
    let (mut complete_blocks, mut nonfinite) = (0, 0);
    for model in &models() {
        let scorer = Scorer::new(model);
        for missing in [0, 5] {
            let records: Vec<Record> = (0..chunk)
                .map(|r| {
                    let mut values: Vec<Option<f32>> = model
                        .indicators()
                        .iter()
                        .map(|i| {
                            let v = finite_value(&mut rng, i);
                            (rng.next() % 100 >= missing).then_some(v)
                        })
                        .collect();
                    if rng.next().is_multiple_of(500) {
                        let i = (rng.next() % values.len() as u64) as usize;
                        let bad = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
                        values[i] = Some(bad[(rng.next() % 3) as usize]);
                        nonfinite += 1;
                    }
                    Record::from_values(r as u32, &values).unwrap()
                })
                .collect();
            if missing == 0 {
                complete_blocks += records
                    .chunks(128)
                    .filter(|b| {
                        b.iter()
                            .all(|r| r.iter().all(|v| v.is_some_and(f32::is_finite)))
                    })
                    .count();
            }
            let reference: Vec<Out> = records.iter().map(|r| scorer.score(r)).collect();
            let nan_records = nan_as_missing(&records);
            let nan_reference: Vec<Out> = nan_records.iter().map(|r| scorer.score(r)).collect();
            for (name, out, nan_missing) in score_into_every_path(model, &records, &nan_records) {
                let want = if nan_missing {
                    &nan_reference
                } else {
                    &reference
                };
                for (r, (got, want)) in out.iter().zip(want).enumerate() {
                    assert_eq!(
                        bits(got),
                        bits(want),
                        "model {}, {name}, record {r}",
                        model.name()
                    );
                }
            }
            let (ids, cols, present) = to_columns(model, &records);
            let refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
            let batch = Columns::new(&ids, &refs, &present).unwrap();
            for path in SimdPath::supported() {
                let mut out = vec![EMPTY; records.len()];
                scorer.score_columns_on(path, &batch, &mut out).unwrap();
                for (r, (got, want)) in out.iter().zip(&reference).enumerate() {
                    assert_eq!(
                        bits(got),
                        bits(want),
                        "model {}, path {}, record {r}",
                        model.name(),
                        path.name()
                    );
                }
            }
        }
    }
    // Both kinds of blocks occurred: complete and finite, and with a value to report.
    assert!(
        complete_blocks > 0 && nonfinite > 0,
        "{complete_blocks} {nonfinite}"
    );
}

/// Detection picks the widest path the CPU has (with the `runtime-dispatch` feature, which
/// `cargo test --workspace` enables through silkscore-host).
#[test]
fn detection_picks_the_widest_path_the_cpu_has() {
    let supported: Vec<SimdPath> = SimdPath::supported().collect();
    assert_eq!(supported.first(), Some(&SimdPath::portable()));
    assert_eq!(supported.last(), Some(&SimdPath::detect()));
    #[cfg(all(feature = "runtime-dispatch", target_arch = "x86_64"))]
    {
        use silkscore::score::simd::Isa;
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]
            .iter()
            .all(|f| std::fs::read_to_string("/proc/cpuinfo").is_ok_and(|c| c.contains(f)));
        let want = if avx512 {
            Isa::Avx512
        } else if std::arch::is_x86_feature_detected!("avx2") {
            Isa::Avx2
        } else {
            Isa::Baseline
        };
        assert_eq!(SimdPath::detect().isa(), want);
        assert_eq!(SimdPath::new(want), Some(SimdPath::detect()));
    }
    println!("detected: {}", SimdPath::detect().name());
}
