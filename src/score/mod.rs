//! Scoring one record against a model (docs/spec.md §4): the pipeline, scores, grades and the
//! per-indicator breakdown. Batches and top-K ranking are in [`batch`].

mod aggregate;
pub mod batch;
pub mod columns;
mod error;
pub mod simd;

pub use error::ScoreError;

use serde::{Deserialize, Serialize};

use crate::model::{Aggregation, Connotation, Model, MAX_INDICATORS};
use crate::record::Record;
use aggregate::{Connotations, Item, NonFinite, Sums, WeightedMean};

/// Letter grade of the composite, against the model's four thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Grade {
    /// composite ≥ the first threshold (80 by default).
    A,
    /// composite ≥ the second threshold (65).
    B,
    /// composite ≥ the third threshold (50).
    C,
    /// composite ≥ the fourth threshold (35).
    D,
    /// below every threshold.
    E,
}

impl Grade {
    /// The grade of a 0–100 composite against thresholds for A, B, C, D.
    ///
    /// ```
    /// use silkscore::Grade;
    /// let t = [80.0, 65.0, 50.0, 35.0];
    /// assert_eq!(Grade::from_composite(80.0, &t), Grade::A);
    /// assert_eq!(Grade::from_composite(79.99, &t), Grade::B);
    /// assert_eq!(Grade::from_composite(0.0, &t), Grade::E);
    /// ```
    pub fn from_composite(composite: f32, thresholds: &[f32; 4]) -> Grade {
        let [a, b, c, d] = *thresholds;
        if composite >= a {
            Grade::A
        } else if composite >= b {
            Grade::B
        } else if composite >= c {
            Grade::C
        } else if composite >= d {
            Grade::D
        } else {
            Grade::E
        }
    }

    /// `"A"` … `"E"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        }
    }
}

/// Basis points of a value v ∈ [0, 1]: floor(10000·v + 0.5), clamped to 0..=10000.
///
/// ```
/// assert_eq!(silkscore::score::basis_points(0.123456), 1235);
/// assert_eq!(silkscore::score::basis_points(1.5), 10000);
/// ```
pub fn basis_points(v: f32) -> u16 {
    // For x ≥ 0, truncation (`as`) is floor; below 0 both clamp to 0; NaN saturates to 0.
    let bp = (10000.0 * v + 0.5) as i32;
    bp.clamp(0, 10000) as u16
}

/// The result of scoring one record.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Scores {
    /// The record's project id.
    pub record_id: u32,
    /// Fingerprint of the model that produced these scores.
    pub fingerprint: u32,
    /// Cultural (humanistic) index, 0–100.
    pub cultural: f32,
    /// Economic index, 0–100.
    pub economic: f32,
    /// Security index, 0–100.
    pub security: f32,
    /// Composite index, 0–100.
    pub composite: f32,
    /// Basis points (0..=10000) of cultural, economic, security and composite.
    pub basis_points: [u16; 4],
    /// Coverage of cultural, economic and security: present weight over total weight.
    pub coverage: [f32; 3],
    /// Grade of the composite.
    pub grade: Grade,
}

impl Scores {
    /// The 0–100 index of one connotation.
    pub const fn index(&self, c: Connotation) -> f32 {
        match c {
            Connotation::Cultural => self.cultural,
            Connotation::Economic => self.economic,
            Connotation::Security => self.security,
        }
    }

    /// The four 0–100 values: cultural, economic, security, composite.
    pub const fn values(&self) -> [f32; 4] {
        [self.cultural, self.economic, self.security, self.composite]
    }

    /// Checks the invariants a decoded scores message must satisfy: every value finite and in
    /// [0, 100], basis points ≤ 10000, coverage in [0, 1].
    pub(crate) fn is_valid(&self) -> bool {
        self.values()
            .iter()
            .all(|v| v.is_finite() && (0.0..=100.0).contains(v))
            && self.basis_points.iter().all(|b| *b <= 10000)
            && self
                .coverage
                .iter()
                .all(|c| c.is_finite() && (0.0..=1.0).contains(c))
    }
}

/// What one indicator did in a score (docs/spec.md §4, breakdown).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IndicatorBreakdown {
    /// The normalised score s_i ∈ [0, 1] (0 when missing).
    pub score: f32,
    /// Contribution to its connotation index. Arithmetic within: w_i·s_i / Σ_present w, so the
    /// contributions of a connotation add up to its index (0–1). Geometric within: the
    /// indicator's share of the log sum, w_i·ln(max(s_i, ε)) / Σ_present w·ln(max(s, ε)), in
    /// [0, 1], adding up to 1: the larger the share, the more the indicator pulls its index
    /// down. When the log sum is 0 (the index is 100: every present s is 1, or ε = 1) the
    /// shares are w_i / Σ_present w, the limit as every s approaches 1 alike.
    pub contribution: f32,
    /// The raw value lay outside the goalposts and was clamped.
    pub clamped: bool,
    /// The value was missing.
    pub missing: bool,
}

/// Per-indicator breakdown of a score, in model order. Fixed size, no allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Breakdown {
    items: [IndicatorBreakdown; MAX_INDICATORS],
    len: u8,
}

impl Default for Breakdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Breakdown {
    /// An empty breakdown, to be filled by [`score_with_breakdown`].
    pub const fn new() -> Self {
        Breakdown {
            items: [IndicatorBreakdown {
                score: 0.0,
                contribution: 0.0,
                clamped: false,
                missing: true,
            }; MAX_INDICATORS],
            len: 0,
        }
    }

    /// The entries, one per indicator of the model, in model order.
    pub fn as_slice(&self) -> &[IndicatorBreakdown] {
        self.items.get(..self.len as usize).unwrap_or(&[])
    }
}

/// Scores one record (docs/spec.md §4).
///
/// Errors, in this order: [`ScoreError::RecordLength`] when the record does not have one
/// value per indicator; [`ScoreError::NonFiniteValue`] for the first NaN or infinite value in
/// model order; [`ScoreError::InsufficientData`] for the first connotation (cultural,
/// economic, security) whose coverage is below the model's minimum or whose present weight
/// is 0.
///
/// ```
/// use silkscore::{score, Grade, Record, BRI_CULTURAL_V1 as M};
/// // the best goalpost everywhere: benefit indicators at hi, cost indicators at lo
/// let mut best = Record::new(1, M.len());
/// for (i, ind) in M.indicators().iter().enumerate() {
///     let v = match ind.direction { silkscore::Direction::Benefit => ind.hi, _ => ind.lo };
///     best.set(i, v).unwrap();
/// }
/// let s = score(&M, &best).unwrap();
/// assert_eq!((s.composite, s.basis_points[3], s.grade), (100.0, 10000, Grade::A));
/// ```
pub fn score(model: &Model, record: &Record) -> Result<Scores, ScoreError> {
    Scorer::new(model).score(record)
}

/// Scores one record and fills `breakdown` with each indicator's normalised score,
/// contribution and flags. On error the breakdown's content is unspecified.
///
/// ```
/// use silkscore::{score_with_breakdown, Breakdown, Record, BRI_CULTURAL_V1 as M};
/// let mut r = Record::new(1, M.len());
/// for i in 0..M.len() { r.set(i, 1.0e9).unwrap(); } // far above every hi
/// r.set_missing(0).unwrap();
/// let mut b = Breakdown::new();
/// score_with_breakdown(&M, &r, &mut b).unwrap();
/// assert!(b.as_slice()[0].missing);
/// assert!(b.as_slice()[1].clamped);
/// ```
pub fn score_with_breakdown(
    model: &Model,
    record: &Record,
    breakdown: &mut Breakdown,
) -> Result<Scores, ScoreError> {
    Scorer::new(model).score_with_breakdown(record, breakdown)
}

/// A model prepared for scoring many records: f(lo) and f(hi) − f(lo) of every indicator are
/// computed once. Scores are bit-identical to [`score`]; this is what batches, kiosks and
/// firmware loops should hold on to.
///
/// ```
/// use silkscore::{score, score::Scorer, Record, BRI_CULTURAL_V1 as M};
/// let scorer = Scorer::new(&M);
/// let mut r = Record::new(3, M.len());
/// for i in 0..M.len() { r.set(i, 12.0).unwrap(); }
/// assert_eq!(scorer.score(&r), score(&M, &r));
/// ```
#[derive(Clone, Debug)]
pub struct Scorer<'m> {
    model: &'m Model,
    /// The model's indicators prepared for the loop, in model order; positions past the
    /// model's length hold [`Item::UNUSED`].
    prepared: [Item; MAX_INDICATORS],
    /// Σ w_i over each connotation's indicators, in model order (also in `conn`; the
    /// column-wise scorer reads it here).
    totals: [f32; 3],
    /// Each connotation's indicators and weights, for the loop.
    conn: Connotations,
}

impl<'m> Scorer<'m> {
    /// Prepares `model`.
    pub fn new(model: &'m Model) -> Self {
        let mut prepared = [Item::UNUSED; MAX_INDICATORS];
        let mut conn = Connotations::EMPTY;
        for (i, (ind, slot)) in model.indicators().iter().zip(&mut prepared).enumerate() {
            *slot = Item::new(ind);
            conn.add(i, ind);
        }
        Scorer {
            model,
            prepared,
            totals: conn.totals,
            conn,
        }
    }

    /// The model.
    pub const fn model(&self) -> &'m Model {
        self.model
    }

    /// Scores one record, as [`score`].
    ///
    /// One loop per connotation over the record's present values only, each connotation's
    /// sums in registers (`score::aggregate`); the same operations in the same order as
    /// [`Scorer::score_with_breakdown`], so the same bits.
    pub fn score(&self, record: &Record) -> Result<Scores, ScoreError> {
        self.score_as::<{ aggregate::SOFT_FLOAT }>(record)
    }

    /// [`Scorer::score`] in the form for hardware (`SOFT` false) or software (`SOFT` true)
    /// floating point; both give the same bits, and the tests check that they do.
    #[inline(always)]
    pub(crate) fn score_as<const SOFT: bool>(&self, record: &Record) -> Result<Scores, ScoreError> {
        let model = self.model;
        check_length(model, record)?;
        let (present, values) = record.raw();
        let params = model.params();
        match aggregate::accumulate::<SOFT>(
            &self.prepared,
            &self.conn,
            present,
            values,
            params.within,
            params.floor,
        ) {
            Ok(sums) => finish(model, &sums, &self.conn.totals, record.id()),
            Err(NonFinite) => Err(first_non_finite(record)),
        }
    }

    /// Scores one record and fills a breakdown, as [`score_with_breakdown`].
    pub fn score_with_breakdown(
        &self,
        record: &Record,
        breakdown: &mut Breakdown,
    ) -> Result<Scores, ScoreError> {
        with_breakdown(self.model, &self.prepared, &self.totals, record, breakdown)
    }
}

/// [`ScoreError::RecordLength`] unless the record has one value per indicator.
#[inline]
fn check_length(model: &Model, record: &Record) -> Result<(), ScoreError> {
    let n = model.len();
    if record.len() != n {
        return Err(ScoreError::RecordLength {
            expected: n as u8,
            found: record.len() as u8,
        });
    }
    Ok(())
}

/// The error for a record with a NaN or infinite value: the first one in model order.
#[cold]
#[inline(never)]
fn first_non_finite(record: &Record) -> ScoreError {
    // A missing value's slot holds 0.0 ([`Record::raw`]): the first slot that is not finite
    // is the first present value that is not.
    let (_, values) = record.raw();
    let i = values.iter().position(|x| !x.is_finite()).unwrap_or(0);
    ScoreError::NonFiniteValue { indicator: i as u8 }
}

/// docs/spec.md §4.2–4.4 from the sums of the present indicators: coverage, the three
/// indices, the composite, basis points and grade.
fn finish(model: &Model, sums: &Sums, totals: &[f32; 3], id: u32) -> Result<Scores, ScoreError> {
    let params = model.params();
    // Neither the coverage nor an index needs a clamp to [0, 1] (aggregate::mean).
    let connotation = |k: usize, c: Connotation| -> Result<(f32, f32), ScoreError> {
        let (Some(&(acc, present)), Some(&total)) = (sums.get(k), totals.get(k)) else {
            return Err(ScoreError::InsufficientData { connotation: c });
        };
        let cov = present / total;
        if present <= 0.0 || cov < params.min_coverage {
            return Err(ScoreError::InsufficientData { connotation: c });
        }
        Ok((aggregate::mean(params.within, acc, present), cov))
    };
    let (ci, cc) = connotation(0, Connotation::Cultural)?;
    let (ei, ec) = connotation(1, Connotation::Economic)?;
    let (si, sc) = connotation(2, Connotation::Security)?;
    let index = [ci, ei, si];
    let coverage = [cc, ec, sc];

    // The composite: the connotations with a positive weight (validation guarantees one).
    let (mut acc, mut weight) = (0.0f32, 0.0f32);
    for k in 0..3 {
        let (Some(&w), Some(&ix)) = (params.weights.get(k), index.get(k)) else {
            continue;
        };
        if w > 0.0 {
            acc += aggregate::term(params.across, w, ix, params.floor);
            weight += w;
        }
    }
    let composite = if weight > 0.0 {
        aggregate::mean(params.across, acc, weight)
    } else {
        0.0
    };

    let [ci, ei, si] = index;
    let composite100 = 100.0 * composite;
    Ok(Scores {
        record_id: id,
        fingerprint: model.fingerprint(),
        cultural: 100.0 * ci,
        economic: 100.0 * ei,
        security: 100.0 * si,
        composite: composite100,
        basis_points: [
            basis_points(ci),
            basis_points(ei),
            basis_points(si),
            basis_points(composite),
        ],
        coverage,
        grade: Grade::from_composite(composite100, &params.grades),
    })
}

/// The scoring of [`Scorer::score_with_breakdown`]: one pass over the indicators in model
/// order, recording each one's normalised score, flags and term, then the contributions.
fn with_breakdown(
    model: &Model,
    prepared: &[Item],
    totals: &[f32; 3],
    record: &Record,
    b: &mut Breakdown,
) -> Result<Scores, ScoreError> {
    check_length(model, record)?;
    let params = model.params();
    let indicators = model.indicators();

    // One pass; a non-finite value (the first in model order) is reported before anything
    // else is looked at, as docs/spec.md §8 orders the errors.
    let mut means = [WeightedMean::new(params.within, params.floor); 3];
    for (i, (ind, prep)) in indicators.iter().zip(prepared).enumerate() {
        let c = ind.connotation.index();
        let entry = match record.get(i) {
            Some(x) if !x.is_finite() => {
                return Err(ScoreError::NonFiniteValue { indicator: i as u8 });
            }
            Some(x) => {
                let norm = prep.normalise(x);
                let term = match means.get_mut(c) {
                    Some(m) => m.add(ind.weight, norm.score),
                    None => 0.0,
                };
                IndicatorBreakdown {
                    score: norm.score,
                    contribution: term,
                    clamped: norm.clamped,
                    missing: false,
                }
            }
            None => IndicatorBreakdown {
                missing: true,
                ..IndicatorBreakdown::default()
            },
        };
        if let Some(slot) = b.items.get_mut(i) {
            *slot = entry;
        }
    }
    let sums: Sums = means.map(|m| (m.acc(), m.weight()));
    let scores = finish(model, &sums, totals, record.id())?;

    b.len = indicators.len() as u8;
    for (i, ind) in indicators.iter().enumerate() {
        let k = ind.connotation.index();
        let Some(item) = b.items.get_mut(i) else {
            continue;
        };
        if item.missing {
            continue;
        }
        let m = means.get(k).copied();
        item.contribution = match (params.within, m) {
            (Aggregation::Arithmetic, Some(m)) => item.contribution / m.weight(),
            (Aggregation::Geometric, Some(m)) if m.acc() != 0.0 => item.contribution / m.acc(),
            // A log sum of 0 (the index is 100): shares by weight (docs/spec.md §4.4).
            (Aggregation::Geometric, Some(m)) if m.weight() > 0.0 => ind.weight / m.weight(),
            _ => 0.0,
        };
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    //! The scorer's loop (both forms) against a straight transcription of docs/spec.md §4
    //! with every clamp the formula writes, and against the breakdown path, bit for bit, on
    //! random models with extreme goalposts and records with every kind of value.

    use super::*;
    use crate::model::{Direction, Indicator, ModelParams, Transform};
    use std::vec::Vec;

    /// xorshift32: deterministic, no dependency.
    struct Rng(u32);

    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            self.0
        }
        fn below(&mut self, n: u32) -> u32 {
            self.next() % n
        }
        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len() as u32) as usize]
        }
        fn unit(&mut self) -> f32 {
            (self.next() >> 8) as f32 / (1u32 << 24) as f32
        }
    }

    fn next_up(x: f32) -> f32 {
        if x == 0.0 {
            f32::from_bits(1)
        } else if x > 0.0 {
            f32::from_bits(x.to_bits() + 1)
        } else {
            f32::from_bits(x.to_bits() - 1)
        }
    }

    fn indicator(rng: &mut Rng, i: usize) -> Indicator {
        let transform = rng.pick(&[Transform::Lin, Transform::Log, Transform::Ln]);
        let (lo, hi) = match transform {
            Transform::Lin => {
                let u = rng.unit();
                let lo = rng.pick(&[0.0, -0.0, -5.0, 1.0e-30, -1.0e30, 3.0, u * 100.0]);
                let hi = match rng.below(5) {
                    0 => next_up(lo),
                    1 => lo + 1.0e-3,
                    2 => lo + 1.0e30,
                    _ => lo + 1.0 + rng.unit() * 100.0,
                };
                (lo, hi)
            }
            Transform::Log => {
                let u = rng.unit();
                let lo = rng.pick(&[0.0, -0.0, -0.999, -0.999_999_94, 3.0, u]);
                let hi = rng.pick(&[lo + 1.0, 1.0e6, f32::MAX, next_up(lo + 1.0) - 1.0]);
                (lo, hi)
            }
            Transform::Ln => {
                let lo = rng.pick(&[1.0e-40, f32::MIN_POSITIVE, 0.5, 1.0, 7.0]);
                let hi = rng.pick(&[lo * 2.0, 1.0e30, f32::MAX, lo + 1.0]);
                (lo, hi)
            }
        };
        let c = Connotation::ALL[i % 3];
        let d = rng.pick(&[Direction::Benefit, Direction::Cost]);
        let u = rng.unit();
        let w = rng.pick(&[1.0, 1.0, 1.0, 0.0, 2.5, f32::MIN_POSITIVE, 1.0e28, u * 10.0]);
        let id = std::format!("i{i}");
        Indicator::new(&id, c, d, transform, lo, hi).with_weight(w)
    }

    fn model(rng: &mut Rng) -> Option<Model> {
        let n = 1 + rng.below(32) as usize;
        let mut inds: Vec<Indicator> = (0..n.max(3)).map(|i| indicator(rng, i)).collect();
        // one positive weight per connotation, usually
        for ind in inds.iter_mut().take(3) {
            if ind.weight == 0.0 && rng.below(4) != 0 {
                ind.weight = 1.0;
            }
        }
        let agg = [Aggregation::Arithmetic, Aggregation::Geometric];
        let params = ModelParams {
            within: rng.pick(&agg),
            across: rng.pick(&agg),
            floor: rng.pick(&[0.01, 1.0, 1.0e-40, f32::MIN_POSITIVE, 0.5]),
            min_coverage: rng.pick(&[0.0, -0.0, 0.5, 1.0, 0.3]),
            weights: rng.pick(&[[1.0, 1.0, 1.0], [0.0, 1.0, 2.0], [1.0e29, 1.0, 0.5]]),
            ..ModelParams::DEFAULT
        };
        Model::new("random", params, &inds).ok()
    }

    fn value(rng: &mut Rng, ind: &Indicator) -> Option<f32> {
        let (lo, hi) = (ind.lo, ind.hi);
        Some(match rng.below(20) {
            0..=2 => return None,
            3 => lo,
            4 => hi,
            5 => -0.0,
            6 => 0.0,
            7 => lo - 1.0 - rng.unit() * 10.0,
            8 => hi + 1.0 + rng.unit() * 10.0,
            9 => rng.pick(&[1.0e38, -1.0e38, 1.0e-42, -1.0e-42]),
            10 => rng.pick(&[f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN]),
            11 => next_up(lo),
            _ => lo + (hi - lo) * rng.unit(),
        })
    }

    /// docs/spec.md §4 as written: model order, every clamp, `libm`'s logf and expf.
    fn reference(m: &Model, r: &Record) -> Result<Scores, ScoreError> {
        let n = m.len();
        if r.len() != n {
            return Err(ScoreError::RecordLength {
                expected: n as u8,
                found: r.len() as u8,
            });
        }
        if let Some(i) = (0..n).find(|&i| r.get(i).is_some_and(|x| !x.is_finite())) {
            return Err(ScoreError::NonFiniteValue { indicator: i as u8 });
        }
        let clamp = |x: f32, lo: f32, hi: f32| {
            let y = if x < lo { lo } else { x };
            if y > hi {
                hi
            } else {
                y
            }
        };
        let p = m.params();
        let term = |how, w: f32, s: f32| match how {
            Aggregation::Arithmetic => w * s,
            Aggregation::Geometric => w * libm::logf(if s < p.floor { p.floor } else { s }),
        };
        let mean = |how, a: f32, w: f32| {
            clamp(
                match how {
                    Aggregation::Arithmetic => a / w,
                    Aggregation::Geometric => libm::expf(a / w),
                },
                0.0,
                1.0,
            )
        };
        let (mut acc, mut wsum, mut total) = ([0.0f32; 3], [0.0f32; 3], [0.0f32; 3]);
        for (i, ind) in m.indicators().iter().enumerate() {
            let c = ind.connotation.index();
            total[c] += ind.weight;
            let Some(x) = r.get(i) else { continue };
            let f = |v: f32| match ind.transform {
                Transform::Lin => v,
                Transform::Log => libm::logf(1.0 + v),
                Transform::Ln => libm::logf(v),
            };
            let t = (f(clamp(x, ind.lo, ind.hi)) - f(ind.lo)) / (f(ind.hi) - f(ind.lo));
            let s = match ind.direction {
                Direction::Benefit => t,
                Direction::Cost => 1.0 - t,
            };
            acc[c] += term(p.within, ind.weight, clamp(s, 0.0, 1.0));
            wsum[c] += ind.weight;
        }
        let (mut index, mut coverage) = ([0.0f32; 3], [0.0f32; 3]);
        for c in Connotation::ALL {
            let k = c.index();
            let cov = wsum[k] / total[k];
            if wsum[k] <= 0.0 || cov < p.min_coverage {
                return Err(ScoreError::InsufficientData { connotation: c });
            }
            index[k] = mean(p.within, acc[k], wsum[k]);
            coverage[k] = clamp(cov, 0.0, 1.0);
        }
        let (mut a, mut w) = (0.0f32, 0.0f32);
        for (&wc, &ix) in p.weights.iter().zip(&index) {
            if wc > 0.0 {
                a += term(p.across, wc, ix);
                w += wc;
            }
        }
        let composite = mean(p.across, a, w);
        Ok(Scores {
            record_id: r.id(),
            fingerprint: m.fingerprint(),
            cultural: 100.0 * index[0],
            economic: 100.0 * index[1],
            security: 100.0 * index[2],
            composite: 100.0 * composite,
            basis_points: [
                basis_points(index[0]),
                basis_points(index[1]),
                basis_points(index[2]),
                basis_points(composite),
            ],
            coverage,
            grade: Grade::from_composite(100.0 * composite, &p.grades),
        })
    }

    /// Every f32 of a result as bits (so −0.0 ≠ +0.0 and NaN = NaN), with the rest.
    fn bits(r: &Result<Scores, ScoreError>) -> std::string::String {
        match r {
            Ok(s) => {
                let f: Vec<u32> = s
                    .values()
                    .iter()
                    .chain(&s.coverage)
                    .map(|v| v.to_bits())
                    .collect();
                std::format!(
                    "{} {:#x} {f:x?} {:?} {:?}",
                    s.record_id,
                    s.fingerprint,
                    s.basis_points,
                    s.grade
                )
            }
            Err(e) => std::format!("{e:?}"),
        }
    }

    #[test]
    fn both_forms_of_the_loop_are_the_formula_bit_for_bit() {
        let mut rng = Rng(0x5EED_1234);
        let (mut models, mut scored, mut records) = (0, 0, 0);
        let rounds = if cfg!(miri) { 20 } else { 1500 };
        while models < rounds {
            let Some(m) = model(&mut rng) else { continue };
            models += 1;
            let scorer = Scorer::new(&m);
            for id in 0..40 {
                let mut r = Record::new(id, m.len());
                for (i, ind) in m.indicators().iter().enumerate() {
                    if let Some(v) = value(&mut rng, ind) {
                        r.set(i, v).unwrap();
                    }
                }
                // sometimes every value present and inside its goalposts
                if id % 4 == 0 {
                    for (i, ind) in m.indicators().iter().enumerate() {
                        let v = ind.lo + (ind.hi - ind.lo) * rng.unit();
                        r.set(i, v.max(ind.lo).min(ind.hi)).unwrap();
                    }
                }
                let want = bits(&reference(&m, &r));
                assert_eq!(
                    bits(&scorer.score_as::<false>(&r)),
                    want,
                    "hard float: {m:?} {r:?}"
                );
                assert_eq!(
                    bits(&scorer.score_as::<true>(&r)),
                    want,
                    "soft float: {m:?} {r:?}"
                );
                let mut b = Breakdown::new();
                assert_eq!(bits(&scorer.score_with_breakdown(&r, &mut b)), want);
                records += 1;
                scored += usize::from(scorer.score(&r).is_ok());
            }
        }
        // the cases must exercise the scoring, not only its refusals
        assert!(scored * 4 > records, "{scored} of {records} records scored");
    }

    #[test]
    fn the_default_model_and_its_vectors_in_both_forms() {
        let m = &crate::BRI_CULTURAL_V1;
        let scorer = Scorer::new(m);
        let mut rng = Rng(7);
        for id in 0..20_000 {
            let mut r = Record::new(id, m.len());
            for (i, ind) in m.indicators().iter().enumerate() {
                if let Some(v) = value(&mut rng, ind) {
                    r.set(i, v).unwrap();
                }
            }
            let want = bits(&reference(m, &r));
            assert_eq!(bits(&scorer.score_as::<false>(&r)), want, "{r:?}");
            assert_eq!(bits(&scorer.score_as::<true>(&r)), want, "{r:?}");
        }
    }
}
