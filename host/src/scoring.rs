//! Scoring the rows of a records file: the [`Outcome`] of a row (its scores and coverage, or
//! the [`Failure`] whose `Display` is the status string of docs/spec.md §7), in the order of
//! docs/spec.md §8: parse errors first, then `non_finite`, then `insufficient_data`.
//!
//! ```
//! use silkscore_host::scoring::score_row;
//! use silkscore::{Record, BRI_CULTURAL_V1 as M};
//! let record = Record::from_values(7, &[Some(1.0); 18]).unwrap();
//! assert_eq!(score_row(&M, &Ok(record)).status(), "ok");
//! let sparse = Record::from_values(8, &[None; 18]).unwrap();
//! assert_eq!(score_row(&M, &Ok(sparse)).status(), "insufficient_data:cultural");
//! ```

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::string::String;

use crate::records::RowError;
use silkscore::error::ScoreError;
use silkscore::model::{Connotation, Model};
use silkscore::record::Record;
use silkscore::score::{Scorer, Scores};

/// Why a row has no scores.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Failure {
    /// The row did not parse (`parse:COLUMN`, `parse:fields`).
    Row(RowError),
    /// A value is NaN or infinite (`non_finite:INDICATOR`, the first in model order).
    NonFinite {
        /// The indicator id.
        indicator: String,
    },
    /// A connotation's coverage is below the model's minimum (`insufficient_data:CONNOTATION`).
    InsufficientData {
        /// The first connotation (cultural, economic, security) that failed.
        connotation: Connotation,
    },
    /// Any other scoring error (not expected from a record read for the same model).
    Other(ScoreError),
}

impl fmt::Display for Failure {
    /// The status string of docs/spec.md §7 (`parse:heritage_items`, `non_finite:talent_exchange`,
    /// `insufficient_data:security`, …).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Row(e) => write!(f, "{e}"),
            Failure::NonFinite { indicator } => write!(f, "non_finite:{indicator}"),
            Failure::InsufficientData { connotation } => {
                write!(f, "insufficient_data:{}", connotation.as_str())
            }
            Failure::Other(e) => write!(f, "error:{}", e.as_str().replace(' ', "_")),
        }
    }
}

impl Failure {
    /// The failure of a scoring error, naming the indicator by its id in `model`.
    pub fn from_error(model: &Model, e: ScoreError) -> Self {
        match e {
            ScoreError::NonFiniteValue { indicator } => Failure::NonFinite {
                indicator: model
                    .indicators()
                    .get(usize::from(indicator))
                    .map_or_else(|| format!("{indicator}"), |i| i.id.as_str().to_owned()),
            },
            ScoreError::InsufficientData { connotation } => {
                Failure::InsufficientData { connotation }
            }
            other => Failure::Other(other),
        }
    }
}

/// The result of scoring one row, with its coverage.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The scores, or why there are none.
    pub result: Result<Scores, Failure>,
    /// Coverage of cultural, economic and security (present weight over total weight), when
    /// the row parsed; also for rows that failed scoring, so an `insufficient_data` row shows
    /// which connotation fell short.
    pub coverage: Option<[f32; 3]>,
}

impl Outcome {
    /// `ok`, or the failure's status string (docs/spec.md §7).
    pub fn status(&self) -> String {
        match &self.result {
            Ok(_) => "ok".to_owned(),
            Err(f) => format!("{f}"),
        }
    }

    /// Whether the row was scored.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// Scores a parsed row (docs/spec.md §8 order: parse errors first, then `non_finite`, then
/// `insufficient_data`).
pub fn score_row(model: &Model, record: &Result<Record, RowError>) -> Outcome {
    score_row_with(&Scorer::new(model), record)
}

/// [`score_row`] with a model prepared once for many rows (the same results, faster).
pub fn score_row_with(scorer: &Scorer<'_>, record: &Result<Record, RowError>) -> Outcome {
    let model = scorer.model();
    match record {
        Err(e) => Outcome {
            result: Err(Failure::Row(e.clone())),
            coverage: None,
        },
        Ok(r) => match scorer.score(r) {
            Ok(s) => Outcome {
                coverage: Some(s.coverage),
                result: Ok(s),
            },
            Err(e) => Outcome {
                result: Err(Failure::from_error(model, e)),
                coverage: Some(coverage(model, r)),
            },
        },
    }
}

/// Coverage per connotation (docs/spec.md §4): present weight over total weight (0 when the total is
/// 0).
pub fn coverage(model: &Model, record: &Record) -> [f32; 3] {
    let mut present = [0.0f32; 3];
    let mut total = [0.0f32; 3];
    for (i, ind) in model.indicators().iter().enumerate() {
        let c = ind.connotation.index();
        if let Some(t) = total.get_mut(c) {
            *t += ind.weight;
        }
        if record.get(i).is_some() {
            if let Some(p) = present.get_mut(c) {
                *p += ind.weight;
            }
        }
    }
    let mut out = [0.0f32; 3];
    for ((o, p), t) in out.iter_mut().zip(present).zip(total) {
        *o = if t > 0.0 { p / t } else { 0.0 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::BRI_CULTURAL_V1 as M;

    #[test]
    fn statuses_follow_the_order_of_the_spec() {
        // A parse error wins over everything in the record.
        let parse = score_row(
            &M,
            &Err(RowError::Parse {
                column: "heritage_items".to_owned(),
            }),
        );
        assert_eq!(
            (parse.status(), parse.coverage),
            ("parse:heritage_items".to_owned(), None)
        );
        // non_finite before insufficient_data: one NaN in an otherwise empty record.
        let mut values = [None; 18];
        values[3] = Some(f32::NAN);
        let r = Record::from_values(1, &values).unwrap();
        let o = score_row(&M, &Ok(r));
        let indicator = M.indicators()[3].id.as_str();
        assert_eq!(o.status(), format!("non_finite:{indicator}"));
        assert!(o.coverage.is_some());
        let empty = Record::from_values(2, &[None; 18]).unwrap();
        let o = score_row(&M, &Ok(empty));
        assert_eq!(o.status(), "insufficient_data:cultural");
        assert_eq!(o.coverage, Some([0.0; 3]));
        assert!(!o.is_ok());
    }

    #[test]
    fn coverage_is_present_weight_over_total() {
        let full = Record::from_values(1, &[Some(1.0); 18]).unwrap();
        assert_eq!(coverage(&M, &full), [1.0; 3]);
        let o = score_row(&M, &Ok(full));
        assert!(o.is_ok());
        assert_eq!(o.coverage, Some([1.0; 3]));
    }
}
