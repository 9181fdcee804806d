//! The statistical audit of a records file against a model (docs/spec.md §7.5): whether the
//! data can carry a composite index, in the terms of the JRC/OECD *Handbook on Constructing
//! Composite Indicators* and COINr (`get_stats`, `get_corr`, `get_cronbach`).
//!
//! - **Per indicator**, on its raw values: how many are present, missing and non-finite; the
//!   minimum and maximum; the mean and (sample) standard deviation; the share of present
//!   values clamped at each goalpost; skewness and excess kurtosis with COINr's small-sample
//!   definitions, and COINr's outlier flag |skewness| > 2 **and** kurtosis > 3.5.
//! - **Correlations** of the normalised scores s (docs/spec.md §4.1, so a cost indicator
//!   counts the way it enters the index): Pearson and Spearman, over the rows where both
//!   indicators are present, for every pair of indicators (within a connotation and across),
//!   and between the three connotation indices and the composite of the rows that score.
//!   Within a connotation, pairs above 0.9 (collinear) or below −0.4 are flagged, as COINr's
//!   `get_corr_flags` does.
//! - Each indicator's correlation with **its own connotation index** (rows that score and
//!   have the indicator); a negative one is flagged: the indicator pulls against the index it
//!   is part of.
//! - **Cronbach's α** of each connotation's indicators (their scores s), over the rows where
//!   all of them are present.
//! - **Suggested goalposts** from percentiles of the data ([`Audit::suggest_goalposts`]).
//!
//! A statistic that is undefined (too few values, no variance) is `None`, never NaN.
//! Everything is computed in f64. [`Audit::of_records`] takes the records at once;
//! [`Builder`] takes them one at a time (4 bytes per indicator and row are kept, plus 16 per
//! row for the scores).
//!
//! ```
//! use silkscore::{Record, BRI_CULTURAL_V1 as M};
//! use silkscore_host::audit::Audit;
//!
//! let records: Vec<Record> = (0..20)
//!     .map(|i| {
//!         let v: Vec<Option<f32>> = (0..18).map(|j| Some(((i * 7 + j * 3) % 11) as f32)).collect();
//!         Record::from_values(i, &v).unwrap()
//!     })
//!     .collect();
//! let audit = Audit::of_records(&M, &records);
//! assert_eq!(audit.rows, 20);
//! assert_eq!(audit.indicators[0].present, 20);
//! assert!(audit.indicators[0].skewness.is_some());
//! assert!(audit.alpha[0].alpha.is_some());
//! ```

pub mod stats;

use std::string::{String, ToString};
use std::vec::Vec;

use silkscore::model::{Connotation, Model, Transform};
use silkscore::record::Record;
use silkscore::score::Scorer;

/// COINr's outlier thresholds: |skewness| above this …
pub const SKEW_THRESHOLD: f64 = 2.0;
/// … and excess kurtosis above this flag an indicator.
pub const KURTOSIS_THRESHOLD: f64 = 3.5;
/// Within a connotation, a correlation above this flags a collinear pair (COINr's
/// `get_corr_flags` default).
pub const COLLINEAR_THRESHOLD: f64 = 0.9;
/// Within a connotation, a correlation below this flags a pair that pulls apart (COINr's
/// `get_corr_flags` default for negative correlations).
pub const NEGATIVE_THRESHOLD: f64 = -0.4;

/// The statistics of one indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorStats {
    /// The indicator id.
    pub id: String,
    /// Its connotation.
    pub connotation: Connotation,
    /// Rows with a finite value.
    pub present: usize,
    /// Rows where it is missing (a blank cell, or no column).
    pub missing: usize,
    /// Rows where it is NaN or infinite (such a row does not score).
    pub non_finite: usize,
    /// The smallest and largest finite value.
    pub min: Option<f64>,
    /// See [`IndicatorStats::min`].
    pub max: Option<f64>,
    /// The mean of the finite values.
    pub mean: Option<f64>,
    /// Their sample standard deviation.
    pub sd: Option<f64>,
    /// The share of finite values below the low goalpost (clamped at lo), in [0, 1].
    pub below_lo: Option<f64>,
    /// The share of finite values above the high goalpost (clamped at hi).
    pub above_hi: Option<f64>,
    /// Skewness (COINr's `skew`).
    pub skewness: Option<f64>,
    /// Excess kurtosis (COINr's `kurt`).
    pub kurtosis: Option<f64>,
    /// Pearson correlation of its score s with its connotation's index.
    pub own_pearson: Option<f64>,
    /// Spearman correlation of its score s with its connotation's index.
    pub own_spearman: Option<f64>,
}

impl IndicatorStats {
    /// The share of rows without a finite value (missing or non-finite), in [0, 1].
    pub fn missing_share(&self) -> f64 {
        let rows = self.present + self.missing + self.non_finite;
        if rows == 0 {
            0.0
        } else {
            (self.missing + self.non_finite) as f64 / rows as f64
        }
    }

    /// COINr's outlier flag: |skewness| > 2 and kurtosis > 3.5.
    pub fn outlier(&self) -> bool {
        matches!((self.skewness, self.kurtosis),
            (Some(s), Some(k)) if s.abs() > SKEW_THRESHOLD && k > KURTOSIS_THRESHOLD)
    }

    /// Whether it correlates negatively (Pearson) with its own connotation index.
    pub fn negative_with_own_index(&self) -> bool {
        self.own_pearson.is_some_and(|r| r < 0.0)
    }
}

/// A symmetric matrix of correlations, `None` where undefined.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlations {
    /// The labels of the rows and columns.
    pub labels: Vec<String>,
    /// Row-major, `labels.len()`² entries.
    pub values: Vec<Option<f64>>,
}

impl Correlations {
    /// The correlation of `j` and `k`, or `None` when undefined or out of range.
    pub fn get(&self, j: usize, k: usize) -> Option<f64> {
        let n = self.labels.len();
        if j >= n || k >= n {
            return None;
        }
        self.values.get(j * n + k).copied().flatten()
    }
}

/// Cronbach's α of one connotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Alpha {
    /// The connotation.
    pub connotation: Connotation,
    /// Its indicators.
    pub items: usize,
    /// Rows where all of them are present (the rows α is computed over).
    pub rows: usize,
    /// α, `None` when undefined (fewer than 2 indicators or rows, or a sum that does not
    /// vary).
    pub alpha: Option<f64>,
}

/// A pair of indicators of one connotation whose correlation is flagged.
#[derive(Clone, Debug, PartialEq)]
pub struct FlaggedPair {
    /// The first indicator (model order).
    pub a: String,
    /// The second.
    pub b: String,
    /// The connotation.
    pub connotation: Connotation,
    /// The Pearson correlation of their scores.
    pub r: f64,
}

/// The audit of a batch of records against a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Audit {
    /// Records audited.
    pub rows: usize,
    /// Of them, those that score with the model.
    pub scored: usize,
    /// Per indicator, in model order.
    pub indicators: Vec<IndicatorStats>,
    /// Pearson correlations of the indicators' scores, pairwise-complete, model order.
    pub pearson: Correlations,
    /// Spearman correlations of the same.
    pub spearman: Correlations,
    /// Pearson correlations of the cultural, economic and security indices and the
    /// composite, over the rows that score.
    pub index_pearson: Correlations,
    /// Spearman correlations of the same.
    pub index_spearman: Correlations,
    /// Cronbach's α per connotation (cultural, economic, security).
    pub alpha: [Alpha; 3],
}

/// Collects records one at a time for an [`Audit`].
#[derive(Debug)]
pub struct Builder<'m> {
    model: &'m Model,
    scorer: Scorer<'m>,
    /// Per indicator, the raw value of each row (NaN when missing).
    raw: Vec<Vec<f32>>,
    /// Per indicator, missing and non-finite counts.
    missing: Vec<usize>,
    non_finite: Vec<usize>,
    /// Per row that scores: the three indices and the composite, 0–1; NaN when it does not.
    indices: Vec<[f32; 4]>,
    scored: usize,
}

impl<'m> Builder<'m> {
    /// A builder for `model`.
    pub fn new(model: &'m Model) -> Self {
        let n = model.len();
        Builder {
            model,
            scorer: Scorer::new(model),
            raw: vec![Vec::new(); n],
            missing: vec![0; n],
            non_finite: vec![0; n],
            indices: Vec::new(),
            scored: 0,
        }
    }

    /// Adds one record (one of the model's length; other lengths count as all missing).
    pub fn push(&mut self, record: &Record) {
        for (j, ((col, missing), non_finite)) in self
            .raw
            .iter_mut()
            .zip(self.missing.iter_mut())
            .zip(self.non_finite.iter_mut())
            .enumerate()
        {
            match record.get(j).filter(|_| record.len() == self.model.len()) {
                Some(x) if x.is_finite() => col.push(x),
                Some(_) => {
                    *non_finite += 1;
                    col.push(f32::NAN);
                }
                None => {
                    *missing += 1;
                    col.push(f32::NAN);
                }
            }
        }
        match self.scorer.score(record) {
            Ok(s) => {
                self.scored += 1;
                self.indices.push(s.values().map(|v| v / 100.0));
            }
            Err(_) => self.indices.push([f32::NAN; 4]),
        }
    }

    /// The audit of the records pushed so far.
    pub fn finish(self) -> Audit {
        compute(self)
    }
}

impl Audit {
    /// The audit of `records` against `model`.
    pub fn of_records(model: &Model, records: &[Record]) -> Audit {
        let mut b = Builder::new(model);
        for r in records {
            b.push(r);
        }
        b.finish()
    }

    /// The flagged pairs of indicators within a connotation: Pearson above
    /// [`COLLINEAR_THRESHOLD`] or below [`NEGATIVE_THRESHOLD`], in model order.
    pub fn flagged_pairs(&self) -> Vec<FlaggedPair> {
        let mut out = Vec::new();
        for (j, a) in self.indicators.iter().enumerate() {
            for (k, b) in self.indicators.iter().enumerate().skip(j + 1) {
                if a.connotation != b.connotation {
                    continue;
                }
                if let Some(r) = self.pearson.get(j, k) {
                    if !(NEGATIVE_THRESHOLD..=COLLINEAR_THRESHOLD).contains(&r) {
                        out.push(FlaggedPair {
                            a: a.id.clone(),
                            b: b.id.clone(),
                            connotation: a.connotation,
                            r,
                        });
                    }
                }
            }
        }
        out
    }

    /// The indicators COINr's rule flags as having outliers.
    pub fn outliers(&self) -> Vec<&IndicatorStats> {
        self.indicators.iter().filter(|i| i.outlier()).collect()
    }

    /// The indicators that correlate negatively with their own connotation index.
    pub fn negative_with_own_index(&self) -> Vec<&IndicatorStats> {
        self.indicators
            .iter()
            .filter(|i| i.negative_with_own_index())
            .collect()
    }
}

/// The finite values of a column, in row order.
fn present(col: &[f32]) -> Vec<f64> {
    col.iter()
        .filter(|x| x.is_finite())
        .map(|x| f64::from(*x))
        .collect()
}

fn compute(b: Builder<'_>) -> Audit {
    let model = b.model;
    let inds = model.indicators();
    let rows = b.indices.len();
    // Scores s per indicator and row (NaN when not finite).
    let scores: Vec<Vec<f64>> = inds
        .iter()
        .zip(&b.raw)
        .map(|(ind, col)| {
            col.iter()
                .map(|x| {
                    if x.is_finite() {
                        f64::from(ind.normalise(*x).score)
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    let index_cols: Vec<Vec<f64>> = (0..4)
        .map(|c| {
            b.indices
                .iter()
                .map(|v| v.get(c).map_or(f64::NAN, |x| f64::from(*x)))
                .collect()
        })
        .collect();

    let mut indicators = Vec::with_capacity(inds.len());
    for (j, ind) in inds.iter().enumerate() {
        let col = b.raw.get(j).map_or(&[][..], Vec::as_slice);
        let values = present(col);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let n = values.len();
        let share = |count: usize| (n > 0).then(|| count as f64 / n as f64);
        let (lo, hi) = (f64::from(ind.lo), f64::from(ind.hi));
        let own = index_cols.get(ind.connotation.index());
        let s = scores.get(j);
        let (own_pearson, own_spearman) = match (s, own) {
            (Some(s), Some(own)) => {
                let (x, y) = complete_pairs(s, own);
                (stats::pearson(&x, &y), stats::spearman(&x, &y))
            }
            _ => (None, None),
        };
        indicators.push(IndicatorStats {
            id: ind.id.as_str().to_string(),
            connotation: ind.connotation,
            present: n,
            missing: b.missing.get(j).copied().unwrap_or(0),
            non_finite: b.non_finite.get(j).copied().unwrap_or(0),
            min: sorted.first().copied(),
            max: sorted.last().copied(),
            mean: stats::mean(&values),
            sd: stats::variance(&values).map(f64::sqrt),
            below_lo: share(values.iter().filter(|x| **x < lo).count()),
            above_hi: share(values.iter().filter(|x| **x > hi).count()),
            skewness: stats::skewness(&values),
            kurtosis: stats::kurtosis(&values),
            own_pearson,
            own_spearman,
        });
    }

    let labels: Vec<String> = inds.iter().map(|i| i.id.as_str().to_string()).collect();
    let (pearson, spearman) = matrices(&labels, &scores);
    let index_labels: Vec<String> = ["cultural", "economic", "security", "composite"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    let (index_pearson, index_spearman) = matrices(&index_labels, &index_cols);

    let alpha = Connotation::ALL.map(|c| {
        let members: Vec<&Vec<f64>> = inds
            .iter()
            .zip(&scores)
            .filter(|(i, _)| i.connotation == c)
            .map(|(_, s)| s)
            .collect();
        let complete: Vec<usize> = (0..rows)
            .filter(|r| {
                members
                    .iter()
                    .all(|s| s.get(*r).is_some_and(|v| v.is_finite()))
            })
            .collect();
        let items: Vec<Vec<f64>> = members
            .iter()
            .map(|s| complete.iter().filter_map(|r| s.get(*r).copied()).collect())
            .collect();
        Alpha {
            connotation: c,
            items: members.len(),
            rows: complete.len(),
            alpha: stats::cronbach_alpha(&items),
        }
    });

    Audit {
        rows,
        scored: b.scored,
        indicators,
        pearson,
        spearman,
        index_pearson,
        index_spearman,
        alpha,
    }
}

/// The values of `x` and `y` at the rows where both are finite.
fn complete_pairs(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    x.iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip()
}

/// Pearson and Spearman matrices of `cols` (NaN = absent), pairwise-complete. The ranks of a
/// column are computed once over its finite values and reused for every pair whose rows are
/// exactly those; other pairs are ranked on their own rows (as scipy does after dropping
/// incomplete pairs).
fn matrices(labels: &[String], cols: &[Vec<f64>]) -> (Correlations, Correlations) {
    let n = cols.len();
    let counts: Vec<usize> = cols
        .iter()
        .map(|c| c.iter().filter(|v| v.is_finite()).count())
        .collect();
    let own_ranks: Vec<Vec<f64>> = cols.iter().map(|c| stats::ranks(&present_f64(c))).collect();
    let mut pearson = vec![None; n * n];
    let mut spearman = vec![None; n * n];
    for j in 0..n {
        for k in j..n {
            let (Some(cj), Some(ck)) = (cols.get(j), cols.get(k)) else {
                continue;
            };
            let (x, y) = complete_pairs(cj, ck);
            let p = stats::pearson(&x, &y);
            let same_rows = x.len() == counts.get(j).copied().unwrap_or(0)
                && x.len() == counts.get(k).copied().unwrap_or(0);
            let s = match (same_rows, own_ranks.get(j), own_ranks.get(k)) {
                (true, Some(rj), Some(rk)) => stats::pearson(rj, rk),
                _ => stats::spearman(&x, &y),
            };
            for (a, b) in [(j, k), (k, j)] {
                if let Some(slot) = pearson.get_mut(a * n + b) {
                    *slot = p;
                }
                if let Some(slot) = spearman.get_mut(a * n + b) {
                    *slot = s;
                }
            }
        }
    }
    (
        Correlations {
            labels: labels.to_vec(),
            values: pearson,
        },
        Correlations {
            labels: labels.to_vec(),
            values: spearman,
        },
    )
}

fn present_f64(col: &[f64]) -> Vec<f64> {
    col.iter().copied().filter(|v| v.is_finite()).collect()
}

/// A percentile pair for suggested goalposts: `lo` and `hi` in [0, 100], lo < hi.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentiles {
    /// The percentile of the low goalpost.
    pub lo: f64,
    /// The percentile of the high goalpost.
    pub hi: f64,
}

impl Percentiles {
    /// Parses `p5,p95` (or `5,95`): two percentiles in [0, 100], the first below the second.
    ///
    /// ```
    /// use silkscore_host::audit::Percentiles;
    /// assert_eq!(Percentiles::parse("p5,p95"), Ok(Percentiles { lo: 5.0, hi: 95.0 }));
    /// assert_eq!(Percentiles::parse(" 2.5 , P97.5 ").map(|p| p.hi), Ok(97.5));
    /// assert!(Percentiles::parse("p95,p5").is_err());
    /// assert!(Percentiles::parse("p5").is_err());
    /// assert!(Percentiles::parse("p5,p101").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let [a, b] = parts.as_slice() else {
            return Err(format!(
                "`{text}`: expected two percentiles like p5,p95 (low goalpost, high goalpost)"
            ));
        };
        let one = |s: &str| -> Result<f64, String> {
            let t = s.strip_prefix(['p', 'P']).unwrap_or(s);
            match t.parse::<f64>() {
                Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
                _ => Err(format!("`{s}` is not a percentile from 0 to 100 (like p5)")),
            }
        };
        let (lo, hi) = (one(a)?, one(b)?);
        if lo >= hi {
            return Err(format!(
                "the low goalpost's percentile ({lo}) must be below the high one's ({hi})"
            ));
        }
        Ok(Percentiles { lo, hi })
    }
}

/// What happened to one indicator's goalposts.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalpostSuggestion {
    /// The indicator id.
    pub id: String,
    /// Its current goalposts.
    pub current: (f32, f32),
    /// The goalposts in the suggested model: the percentiles, or the current ones with the
    /// reason they were kept.
    pub suggested: (f32, f32),
    /// Why the current goalposts were kept, if they were.
    pub kept: Option<String>,
}

impl Audit {
    /// Goalposts from percentiles of each indicator's finite raw values (numpy's linear
    /// interpolation), as a copy of `model`, validated again. An indicator keeps its
    /// goalposts when it has fewer than 2 finite values, when the two percentiles are equal
    /// (the values hardly vary), or when they do not suit its transform (lo ≤ −1 for `log`,
    /// lo ≤ 0 for `ln`); each suggestion says so. The direction, transform and weights are
    /// kept. `records` must be the records the audit was built from.
    pub fn suggest_goalposts(
        model: &Model,
        records: &[Record],
        p: Percentiles,
    ) -> Result<(Model, Vec<GoalpostSuggestion>), silkscore::ModelError> {
        let mut b = Builder::new(model);
        for r in records {
            b.push(r);
        }
        b.suggest_goalposts(p)
    }
}

impl Builder<'_> {
    /// [`Audit::suggest_goalposts`] for the records pushed so far.
    pub fn suggest_goalposts(
        &self,
        p: Percentiles,
    ) -> Result<(Model, Vec<GoalpostSuggestion>), silkscore::ModelError> {
        let mut inds: Vec<_> = self.model.indicators().to_vec();
        let mut out = Vec::with_capacity(inds.len());
        for (j, col) in self.raw.iter().enumerate() {
            let Some(ind) = inds.get(j).copied() else {
                continue;
            };
            let mut values = present(col);
            values.sort_by(f64::total_cmp);
            let current = (ind.lo, ind.hi);
            let candidate = match (
                stats::percentile(&values, p.lo),
                stats::percentile(&values, p.hi),
            ) {
                _ if values.len() < 2 => Err("fewer than 2 values".to_string()),
                (Some(lo), Some(hi)) => {
                    let (lo, hi) = (lo as f32, hi as f32);
                    if lo >= hi {
                        Err(format!("both percentiles are {lo}: the values hardly vary"))
                    } else if ind.transform == Transform::Log && lo <= -1.0 {
                        Err(format!("lo {lo} is at most -1, outside the log transform"))
                    } else if ind.transform == Transform::Ln && lo <= 0.0 {
                        Err(format!("lo {lo} is at most 0, outside the ln transform"))
                    } else {
                        // The model's own checks (docs/spec.md §3), with only this indicator
                        // changed: the others are valid already.
                        let mut trial = inds.clone();
                        if let Some(t) = trial.get_mut(j) {
                            t.lo = lo;
                            t.hi = hi;
                        }
                        match Model::new(self.model.name(), *self.model.params(), &trial) {
                            Ok(_) => Ok((lo, hi)),
                            Err(e) => Err(format!("{lo}..{hi} is refused: {}", e.reason)),
                        }
                    }
                }
                _ => Err("no values".to_string()),
            };
            let (suggested, kept) = match candidate {
                Ok(pair) => (pair, None),
                Err(why) => (current, Some(why)),
            };
            if let Some(ind) = inds.get_mut(j) {
                ind.lo = suggested.0;
                ind.hi = suggested.1;
            }
            out.push(GoalpostSuggestion {
                id: ind.id.as_str().to_string(),
                current,
                suggested,
                kept,
            });
        }
        let model = Model::new(self.model.name(), *self.model.params(), &inds)?;
        Ok((model, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::{Direction, Indicator, ModelParams};

    /// Three indicators, one per connotation; b is a cost indicator.
    fn model() -> Model {
        let lin = |id, c, d| Indicator::new(id, c, d, Transform::Lin, 0.0, 10.0);
        Model::new(
            "audit-test",
            ModelParams::DEFAULT,
            &[
                lin("a", Connotation::Cultural, Direction::Benefit),
                lin("a2", Connotation::Cultural, Direction::Benefit),
                lin("b", Connotation::Economic, Direction::Cost),
                lin("c", Connotation::Security, Direction::Benefit),
            ],
        )
        .unwrap()
    }

    fn rec(id: u32, v: [Option<f32>; 4]) -> Record {
        Record::from_values(id, &v).unwrap()
    }

    #[test]
    fn counts_clamps_and_flags() {
        let m = model();
        let records = [
            rec(1, [Some(1.0), Some(9.0), Some(2.0), Some(5.0)]),
            rec(2, [Some(2.0), Some(8.0), Some(4.0), None]),
            rec(3, [Some(3.0), Some(7.0), Some(6.0), Some(f32::INFINITY)]),
            rec(4, [Some(4.0), Some(6.0), Some(8.0), Some(12.0)]),
            rec(5, [Some(-5.0), Some(10.0), Some(20.0), Some(1.0)]),
        ];
        let a = Audit::of_records(&m, &records);
        assert_eq!(a.rows, 5);
        // Row 2 misses c (coverage 0 < 0.5) and row 3 has inf: 3 score.
        assert_eq!(a.scored, 3);
        let c = &a.indicators[3];
        assert_eq!((c.present, c.missing, c.non_finite), (3, 1, 1));
        assert!((c.missing_share() - 0.4).abs() < 1e-12);
        assert_eq!(c.above_hi, Some(1.0 / 3.0));
        assert_eq!(a.indicators[0].below_lo, Some(0.2));
        assert_eq!(a.indicators[0].min, Some(-5.0));
        assert_eq!(a.indicators[2].above_hi, Some(0.2));
        // a and a2 move against each other: flagged within the cultural connotation.
        let pairs = a.flagged_pairs();
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str()), ("a", "a2"));
        assert!(pairs[0].r < NEGATIVE_THRESHOLD);
        // b is a cost: its score falls as its value rises; its economic index is its score,
        // so its correlation with its own index is 1 (among rows that score).
        assert!((a.indicators[2].own_pearson.unwrap() - 1.0).abs() < 1e-9);
        // Undefined statistics are None, never NaN.
        let one = Audit::of_records(&m, &records[..1]);
        assert_eq!(one.indicators[0].sd, None);
        assert_eq!(one.pearson.get(0, 1), None);
        assert_eq!(one.alpha[0].alpha, None);
        assert_eq!(a.pearson.get(0, 9), None);
    }

    #[test]
    fn outliers_by_coinr_rule() {
        let m = model();
        let mut records: Vec<Record> = (0..30)
            .map(|i| {
                let x = (i % 5) as f32;
                rec(i, [Some(x), Some(x), Some(x), Some(x)])
            })
            .collect();
        records.push(rec(99, [Some(1000.0), Some(1.0), Some(1.0), Some(1.0)]));
        // a2: symmetric heavy tails: kurtosis far above 3.5 but no skew, so no flag.
        for (r, v) in records.iter_mut().zip([-100.0, 100.0]) {
            r.set(1, v).unwrap();
        }
        for r in records.iter_mut().skip(2) {
            r.set(1, 0.0).unwrap();
        }
        let a = Audit::of_records(&m, &records);
        assert!(a.indicators[1].kurtosis.unwrap() > KURTOSIS_THRESHOLD);
        assert!(a.indicators[1].skewness.unwrap().abs() < SKEW_THRESHOLD);
        let out: Vec<&str> = a.outliers().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(out, ["a"]);
        assert!(a.indicators[0].skewness.unwrap() > SKEW_THRESHOLD);
        assert!(a.indicators[0].kurtosis.unwrap() > KURTOSIS_THRESHOLD);
        assert!(!a.indicators[1].outlier());
    }

    #[test]
    fn goalposts_from_percentiles_or_kept_with_a_reason() {
        let m = model();
        let records: Vec<Record> = (0..21)
            .map(|i| rec(i, [Some(i as f32), Some(3.0), Some(100.0 + i as f32), None]))
            .collect();
        let p = Percentiles { lo: 5.0, hi: 95.0 };
        let (suggested, g) = Audit::suggest_goalposts(&m, &records, p).unwrap();
        // a: 0..20, positions 1 and 19.
        assert_eq!(g[0].suggested, (1.0, 19.0));
        assert_eq!(g[0].kept, None);
        assert_eq!(suggested.indicators()[0].lo, 1.0);
        // a2 does not vary, c has no values: kept, and said why.
        assert_eq!(g[1].suggested, (0.0, 10.0));
        assert!(g[1].kept.as_deref().unwrap().contains("hardly vary"));
        assert!(g[3].kept.as_deref().unwrap().contains("fewer than 2"));
        assert_eq!(g[2].suggested, (101.0, 119.0));
        assert_eq!(suggested.indicators()[2].direction, Direction::Cost);
        assert_eq!(suggested.params(), m.params());
    }

    #[test]
    fn goalposts_that_do_not_suit_the_transform_are_kept() {
        let lg = Indicator::new(
            "l",
            Connotation::Cultural,
            Direction::Benefit,
            Transform::Ln,
            1.0,
            10.0,
        );
        let lin = |id, c| Indicator::new(id, c, Direction::Benefit, Transform::Lin, 0.0, 1.0);
        let m = Model::new(
            "t",
            ModelParams::DEFAULT,
            &[
                lg,
                lin("e", Connotation::Economic),
                lin("s", Connotation::Security),
            ],
        )
        .unwrap();
        let records: Vec<Record> = (0..10)
            .map(|i| rec3(i, [Some(i as f32 - 3.0), Some(0.5), Some(0.5)]))
            .collect();
        let (_, g) =
            Audit::suggest_goalposts(&m, &records, Percentiles { lo: 0.0, hi: 100.0 }).unwrap();
        assert_eq!(g[0].suggested, (1.0, 10.0));
        assert!(
            g[0].kept.as_deref().unwrap().contains("ln"),
            "{:?}",
            g[0].kept
        );
    }

    fn rec3(id: u32, v: [Option<f32>; 3]) -> Record {
        Record::from_values(id, &v).unwrap()
    }
}
