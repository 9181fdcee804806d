//! The result of scoring one row or one project, as the page reads it: a status in the
//! order of docs/spec.md §8.3, the coverage, and for a scored record its four values,
//! basis points, grade and scores message (what the journal stores).

use silkscore::model::{Connotation, Model};
use silkscore::record::Record;
use silkscore::score::{ScoreError, Scores};
use silkscore::wire::{self, SCORES_MAX_SIZE};

use crate::out::Out;

/// Why a row or a project has no scores; the page turns it into the status string of
/// docs/spec.md §7.3 and into a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Scored (`ok`).
    Ok,
    /// A cell did not parse (`parse:COLUMN`): the id column, or an indicator (model order).
    Parse(Cell),
    /// The row has another field count than the header (`parse:fields`).
    Fields,
    /// A value is NaN or ±∞ (`non_finite:INDICATOR`).
    NonFinite(u8),
    /// A connotation's coverage is too low (`insufficient_data:CONNOTATION`).
    InsufficientData(Connotation),
    /// Another scoring error (`error:…`; a record read for the model cannot produce one).
    Other,
}

/// A cell that did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// The `id` column.
    Id,
    /// The cell of this indicator (model order).
    Indicator(u8),
}

impl Status {
    /// The code and argument the page reads: 0 ok; 1 parse (argument 65535 for `id`, else
    /// the indicator); 2 parse:fields; 3 non_finite (indicator); 4 insufficient_data
    /// (0 cultural, 1 economic, 2 security); 5 other.
    pub const fn code(self) -> (u8, u16) {
        match self {
            Status::Ok => (0, 0),
            Status::Parse(Cell::Id) => (1, u16::MAX),
            Status::Parse(Cell::Indicator(i)) => (1, i as u16),
            Status::Fields => (2, 0),
            Status::NonFinite(i) => (3, i as u16),
            Status::InsufficientData(c) => (4, c.index() as u16),
            Status::Other => (5, 0),
        }
    }

    /// The status of a scoring error.
    pub const fn of_error(e: ScoreError) -> Status {
        match e {
            ScoreError::NonFiniteValue { indicator } => Status::NonFinite(indicator),
            ScoreError::InsufficientData { connotation } => Status::InsufficientData(connotation),
            _ => Status::Other,
        }
    }
}

/// Coverage per connotation, present weight over total weight (0 when the total is 0): what
/// the host reports for a record that parsed but failed scoring, so that an
/// `insufficient_data` row shows which connotation fell short (`silkscore_host::scoring`).
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

/// The bytes [`write()`] takes at most.
pub const MAX_SIZE: usize = 3 + 1 + 12 + 16 + 8 + 1 + SCORES_MAX_SIZE;

/// What happened to one record: its scores, or its status and (when it parsed) coverage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// Scored.
    Scored(Scores),
    /// Not scored; coverage when the record parsed.
    Failed(Status, Option<[f32; 3]>),
}

impl Outcome {
    /// Scores `record` (or takes its parse failure), as `silkscore score` does.
    pub fn of(model: &Model, record: Result<&Record, Status>) -> Self {
        match record {
            Err(status) => Outcome::Failed(status, None),
            Ok(r) => match silkscore::score(model, r) {
                Ok(s) => Outcome::Scored(s),
                Err(e) => Outcome::Failed(Status::of_error(e), Some(coverage(model, r))),
            },
        }
    }
}

/// Writes an outcome: status code (u8) and argument (u16); grade (u8, 255 when not scored);
/// whether coverage follows (u8) and the three coverages (f32 bits); for a scored record
/// the four values (f32 bits), the four basis points (u16) and the scores message (u8
/// length, bytes).
pub fn write(outcome: &Outcome, out: &mut Out<'_>) {
    let (status, coverage) = match outcome {
        Outcome::Scored(s) => (Status::Ok, Some(s.coverage)),
        Outcome::Failed(st, cov) => (*st, *cov),
    };
    let (code, arg) = status.code();
    out.u8(code);
    out.u16(arg);
    out.u8(match outcome {
        Outcome::Scored(s) => s.grade as u8,
        Outcome::Failed(..) => u8::MAX,
    });
    out.u8(u8::from(coverage.is_some()));
    for c in coverage.unwrap_or([0.0; 3]) {
        out.f32(c);
    }
    if let Outcome::Scored(s) = outcome {
        for v in s.values() {
            out.f32(v);
        }
        for b in s.basis_points {
            out.u16(b);
        }
        let mut buf = [0u8; SCORES_MAX_SIZE];
        // A valid score always fits SCORES_MAX_SIZE bytes.
        let msg = wire::encode_scores(s, &mut buf).map_or(&[][..], |m| &*m);
        out.str8(msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::BRI_CULTURAL_V1 as M;

    #[test]
    fn statuses_follow_the_spec_order() {
        let mut values = [None; 18];
        values[3] = Some(f32::NAN);
        let r = Record::from_values(1, &values).unwrap();
        assert_eq!(
            Outcome::of(&M, Ok(&r)),
            Outcome::Failed(Status::NonFinite(3), Some([1.0 / 6.0, 0.0, 0.0]))
        );
        let empty = Record::from_values(2, &[None; 18]).unwrap();
        assert_eq!(
            Outcome::of(&M, Ok(&empty)),
            Outcome::Failed(
                Status::InsufficientData(Connotation::Cultural),
                Some([0.0; 3])
            )
        );
        assert_eq!(
            Outcome::of(&M, Err(Status::Fields)),
            Outcome::Failed(Status::Fields, None)
        );
        assert_eq!(Status::Parse(Cell::Id).code(), (1, u16::MAX));
        assert_eq!(
            Status::InsufficientData(Connotation::Security).code(),
            (4, 2)
        );
    }

    #[test]
    fn a_scored_record_carries_its_scores_message() {
        let r = Record::from_values(7, &[Some(3.0); 18]).unwrap();
        let o = Outcome::of(&M, Ok(&r));
        let Outcome::Scored(s) = o else {
            panic!("not scored")
        };
        let mut buf = [0u8; MAX_SIZE];
        let mut out = Out::new(&mut buf);
        write(&o, &mut out);
        let b = out.as_bytes();
        assert_eq!(b[0], 0);
        assert_eq!(b[3], s.grade as u8);
        let composite = u32::from_le_bytes(b[17 + 12..17 + 16].try_into().unwrap());
        assert_eq!(composite, s.composite.to_bits());
        let at = 17 + 16 + 8;
        let msg = &b[at + 1..at + 1 + usize::from(b[at])];
        assert_eq!(wire::decode_scores(msg), Ok(s));
        assert_eq!(b.len(), at + 1 + msg.len());
        assert!(b.len() <= MAX_SIZE);
    }
}
