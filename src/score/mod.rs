//! Scoring one record against a model (docs/spec.md §4): the pipeline, scores, grades and the
//! per-indicator breakdown. Batches and top-K ranking are in [`batch`].

mod aggregate;
pub mod batch;
pub mod columns;
mod error;
pub mod simd;

pub use error::ScoreError;

use serde::{Deserialize, Serialize};

use crate::model::{Aggregation, Connotation, Model, Prepared, MAX_INDICATORS};
use crate::record::Record;
use aggregate::WeightedMean;

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
    prepared: heapless::Vec<Prepared, MAX_INDICATORS, u8>,
    /// Σ w_i over each connotation's indicators, in model order.
    totals: [f32; 3],
}

impl<'m> Scorer<'m> {
    /// Prepares `model`.
    pub fn new(model: &'m Model) -> Self {
        let mut prepared = heapless::Vec::new();
        for ind in model.indicators() {
            // A model has at most MAX_INDICATORS indicators: this never overflows.
            let _ = prepared.push(ind.prepare());
        }
        let mut totals = [0.0f32; 3];
        for ind in model.indicators() {
            if let Some(t) = totals.get_mut(ind.connotation.index()) {
                *t += ind.weight;
            }
        }
        Scorer {
            model,
            prepared,
            totals,
        }
    }

    /// The model.
    pub const fn model(&self) -> &'m Model {
        self.model
    }

    /// Scores one record, as [`score`].
    pub fn score(&self, record: &Record) -> Result<Scores, ScoreError> {
        self.pipeline(record, None)
    }

    /// Scores one record and fills a breakdown, as [`score_with_breakdown`].
    pub fn score_with_breakdown(
        &self,
        record: &Record,
        breakdown: &mut Breakdown,
    ) -> Result<Scores, ScoreError> {
        self.pipeline(record, Some(breakdown))
    }

    fn pipeline(
        &self,
        record: &Record,
        breakdown: Option<&mut Breakdown>,
    ) -> Result<Scores, ScoreError> {
        pipeline(self.model, &self.prepared, &self.totals, record, breakdown)
    }
}

fn pipeline(
    model: &Model,
    prepared: &[Prepared],
    totals: &[f32; 3],
    record: &Record,
    mut breakdown: Option<&mut Breakdown>,
) -> Result<Scores, ScoreError> {
    let n = model.len();
    if record.len() != n {
        return Err(ScoreError::RecordLength {
            expected: n as u8,
            found: record.len() as u8,
        });
    }
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
        if let Some(b) = breakdown.as_deref_mut() {
            if let Some(slot) = b.items.get_mut(i) {
                *slot = entry;
            }
        }
    }

    let mut index = [0.0f32; 3];
    let mut coverage = [0.0f32; 3];
    for c in Connotation::ALL {
        let k = c.index();
        let (Some(m), Some(total)) = (means.get(k), totals.get(k)) else {
            continue;
        };
        let present = m.weight();
        let cov = present / *total;
        if present <= 0.0 || cov < params.min_coverage {
            return Err(ScoreError::InsufficientData { connotation: c });
        }
        let Some(mean) = m.mean() else {
            return Err(ScoreError::InsufficientData { connotation: c });
        };
        if let (Some(ix), Some(cv)) = (index.get_mut(k), coverage.get_mut(k)) {
            *ix = mean;
            *cv = if cov > 1.0 { 1.0 } else { cov };
        }
    }

    let mut across = WeightedMean::new(params.across, params.floor);
    for (w, ix) in params.weights.iter().zip(index) {
        if *w > 0.0 {
            across.add(*w, ix);
        }
    }
    // Validation guarantees a positive connotation weight.
    let composite = across.mean().unwrap_or(0.0);

    if let Some(b) = breakdown {
        b.len = n as u8;
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
    }

    let [ci, ei, si] = index;
    let composite100 = 100.0 * composite;
    Ok(Scores {
        record_id: record.id(),
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
