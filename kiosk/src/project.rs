//! Scoring the one project of the page's form: one text cell per indicator, parsed as a
//! records file's cell is (docs/spec.md §7.2: trimmed, blank is missing, Rust's f32
//! grammar), then scored with the per-indicator breakdown.

use silkscore::model::Model;
use silkscore::record::Record;
use silkscore::score::{score_with_breakdown, Breakdown};

use crate::out::Out;
use crate::outcome::{self, coverage, Cell, Outcome, Status};

/// The bytes [`score`] writes at most: the outcome and 32 breakdown entries.
pub const MAX_SIZE: usize = outcome::MAX_SIZE + 1 + 32 * 9;

/// Why the cells could not even be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellsError {
    /// The cells are not UTF-8.
    NotUtf8,
    /// Not one cell per indicator: the number found.
    Count(usize),
}

/// Parses the cells (separated by `\n`, one per indicator in model order; an empty cell is
/// an unknown value) into a record, or the status of the first cell that does not parse.
pub fn parse(model: &Model, id: u32, cells: &[u8]) -> Result<Result<Record, Status>, CellsError> {
    let text = core::str::from_utf8(cells).map_err(|_| CellsError::NotUtf8)?;
    let n = if model.is_empty() {
        0
    } else {
        text.split('\n').count()
    };
    if n != model.len() {
        return Err(CellsError::Count(n));
    }
    let mut record = Record::new(id, model.len());
    for (i, cell) in text.split('\n').enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match cell.parse::<f32>() {
            // i < model.len(): set cannot fail.
            Ok(v) => {
                let _ = record.set(i, v);
            }
            Err(_) => return Ok(Err(Status::Parse(Cell::Indicator(i as u8)))),
        }
    }
    Ok(Ok(record))
}

/// Scores the project and writes its outcome (see [`outcome::write`]), then the breakdown:
/// a u8 count, and per indicator its normalised score and contribution (f32 bits) and a flag
/// byte (1 clamped, 2 missing). A project that failed has a count of 0.
pub fn score(model: &Model, record: Result<&Record, Status>, out: &mut Out<'_>) -> Outcome {
    let mut breakdown = Breakdown::new();
    let result = match record {
        Err(status) => Outcome::Failed(status, None),
        Ok(r) => match score_with_breakdown(model, r, &mut breakdown) {
            Ok(s) => Outcome::Scored(s),
            Err(e) => Outcome::Failed(Status::of_error(e), Some(coverage(model, r))),
        },
    };
    outcome::write(&result, out);
    let items = match result {
        Outcome::Scored(_) => breakdown.as_slice(),
        Outcome::Failed(..) => &[],
    };
    out.u8(items.len() as u8);
    for item in items {
        out.f32(item.score);
        out.f32(item.contribution);
        out.u8(u8::from(item.clamped) | (u8::from(item.missing) << 1));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::BRI_CULTURAL_V1 as M;

    fn cells(values: &[&str]) -> std::string::String {
        values.join("\n")
    }

    #[test]
    fn cells_parse_like_a_records_file() {
        let mut v = [" 12 "; 18];
        v[1] = "";
        v[2] = "1e3";
        let r = parse(&M, 5, cells(&v).as_bytes()).unwrap().unwrap();
        assert_eq!(
            (r.id(), r.get(0), r.get(1), r.get(2)),
            (5, Some(12.0), None, Some(1000.0))
        );
        v[4] = "1,5";
        assert_eq!(
            parse(&M, 5, cells(&v).as_bytes()).unwrap(),
            Err(Status::Parse(Cell::Indicator(4)))
        );
        v[4] = "1_000";
        assert!(parse(&M, 5, cells(&v).as_bytes()).unwrap().is_err());
        assert_eq!(parse(&M, 5, b"1\n2"), Err(CellsError::Count(2)));
        assert_eq!(parse(&M, 5, &[0xFF]), Err(CellsError::NotUtf8));
    }

    #[test]
    fn breakdown_follows_a_scored_project_only() {
        let mut v = ["50"; 18];
        v[0] = "1e9"; // clamped
        v[1] = ""; // missing
        let r = parse(&M, 1, cells(&v).as_bytes()).unwrap().unwrap();
        let mut buf = [0u8; MAX_SIZE];
        let mut out = Out::new(&mut buf);
        let o = score(&M, Ok(&r), &mut out);
        assert!(matches!(o, Outcome::Scored(_)));
        let b = out.as_bytes();
        let at = b.len() - 1 - 18 * 9;
        assert_eq!(b[at], 18);
        assert_eq!(b[at + 1 + 8], 1); // indicator 0 clamped
        assert_eq!(b[at + 1 + 9 + 8], 2); // indicator 1 missing
        assert_eq!(
            f32::from_le_bytes(b[at + 1..at + 5].try_into().unwrap()),
            1.0
        );

        let empty = parse(&M, 1, cells(&[""; 18]).as_bytes()).unwrap().unwrap();
        let mut out = Out::new(&mut buf);
        assert!(matches!(
            score(&M, Ok(&empty), &mut out),
            Outcome::Failed(..)
        ));
        assert_eq!(*out.as_bytes().last().unwrap(), 0);
    }
}
