//! One block of records, start to finish, on a worker thread: split fields, parse rows, score
//! them column-wise, format them for the output.

use std::string::String;
use std::vec;
use std::vec::Vec;

use silkscore::record::Record;
use silkscore::score::columns::Columns;
use silkscore::score::{ScoreError, Scorer, Scores};

use crate::output::{csv::push_row, Format, OutputRow, RowWriter, Tally};
use crate::records::scan::{split, Block};
use crate::records::{Fields, Row, RowParser};
use crate::scoring::{coverage, Failure, Outcome};

/// A failed row, for the notes after the output.
#[derive(Clone, Debug, PartialEq)]
pub struct FailedRow {
    /// The line on which the row starts.
    pub line: u64,
    /// Its `id` cell as written (trimmed).
    pub id: String,
    /// Its `name` cell (empty when the file has none).
    pub name: String,
    /// Why it has no scores.
    pub failure: Failure,
}

/// A block, done: the bytes to write, what they hold, and the error after them.
#[derive(Debug, Default)]
pub(super) struct Done {
    /// The formatted rows.
    pub bytes: Vec<u8>,
    /// Their counts.
    pub tally: Tally,
    /// The first failed rows (at most the pipeline's limit).
    pub failed: Vec<FailedRow>,
}

/// What a worker needs besides the block.
pub(super) struct Context<'a> {
    pub parser: RowParser<'a>,
    pub scorer: &'a Scorer<'a>,
    pub format: Format,
    pub keep: usize,
    pub max_failed: usize,
}

/// Parses the records of `block` into rows (their `index` left at 0: the consumer, which
/// sees the rows in input order, numbers them).
pub(super) fn parse(block: &Block, parser: &RowParser<'_>, keep: usize) -> Vec<Row> {
    let (mut bytes, mut ends) = (Vec::new(), Vec::new());
    let mut rows: Vec<Row> = Vec::with_capacity(block.spans.len());
    for span in &block.spans {
        let record = block.data.get(span.start..span.end).unwrap_or(&[]);
        if !span.quoted {
            let (id, name, record) = parser.unquoted_row(record);
            rows.push(Row {
                line: span.line,
                index: 0,
                id: id.into_owned(),
                name: name.into_owned(),
                record,
            });
            continue;
        }
        let count = split(record, true, keep, &mut bytes, &mut ends);
        let ends = &ends;
        let src = &bytes;
        let get = move |i: usize| -> Option<&[u8]> {
            let end = *ends.get(i)?;
            let start = match i.checked_sub(1) {
                Some(p) => *ends.get(p)?,
                None => 0,
            };
            src.get(start..end)
        };
        let fields = Fields { get: &get, count };
        let (id, name) = parser.id_and_name(&fields);
        let record = parser.record(&fields, &name);
        rows.push(Row {
            line: span.line,
            index: 0,
            id: id.into_owned(),
            name: name.into_owned(),
            record,
        });
    }
    rows
}

/// Parses, scores and formats the records of `block`.
pub(super) fn process(block: &Block, cx: &Context<'_>) -> Done {
    let rows = parse(block, &cx.parser, cx.keep);
    let outcomes = score(&rows, cx.scorer);

    let mut done = Done {
        bytes: Vec::with_capacity(block.data.len() / 2),
        ..Done::default()
    };
    let mut writer = (cx.format != Format::Csv)
        .then(|| RowWriter::fragment(cx.format, Vec::new(), cx.parser.has_names()));
    for (row, outcome) in rows.iter().zip(&outcomes) {
        RowWriter::<Vec<u8>>::count(&mut done.tally, outcome);
        match &mut writer {
            None => push_row(&mut done.bytes, &row.id, &row.name, outcome),
            Some(w) => {
                let out = OutputRow {
                    id: &row.id,
                    name: &row.name,
                    outcome,
                };
                // Writing to a Vec cannot fail.
                let _ = w.write_row(&out);
            }
        }
        if let Err(failure) = &outcome.result {
            if done.failed.len() < cx.max_failed {
                done.failed.push(FailedRow {
                    line: row.line,
                    id: row.id.clone(),
                    name: row.name.clone(),
                    failure: failure.clone(),
                });
            }
        }
    }
    if let Some(w) = writer {
        done.bytes = w.into_fragment().unwrap_or_default();
    }
    done
}

/// Scores the rows that parsed, column-wise; the outcome of every row, in order (as
/// [`crate::scoring::score_row_with`] gives it).
pub(super) fn score(rows: &[Row], scorer: &Scorer<'_>) -> Vec<Outcome> {
    let model = scorer.model();
    let m = model.len();
    let ok: Vec<&Record> = rows.iter().filter_map(|r| r.record.as_ref().ok()).collect();
    let n = ok.len();
    let ids: Vec<u32> = ok.iter().map(|r| r.id()).collect();
    let mut cols = vec![vec![0.0f32; n]; m];
    let mut present = vec![0u32; n];
    for (r, rec) in ok.iter().enumerate() {
        for (i, col) in cols.iter_mut().enumerate() {
            if let (Some(v), Some(slot)) = (rec.get(i), col.get_mut(r)) {
                *slot = v;
                if let Some(p) = present.get_mut(r) {
                    *p |= 1 << i;
                }
            }
        }
    }
    let refs: Vec<&[f32]> = cols.iter().map(Vec::as_slice).collect();
    let mut results: Vec<Result<Scores, ScoreError>> =
        vec![Err(ScoreError::BufferTooSmall { needed: 0 }); n];
    let scored = Columns::new(&ids, &refs, &present)
        .and_then(|batch| scorer.score_columns(&batch, &mut results));
    let mut results = results.into_iter();
    let mut ok = ok.into_iter();
    rows.iter()
        .map(|row| match &row.record {
            Err(e) => Outcome {
                result: Err(Failure::Row(e.clone())),
                coverage: None,
            },
            Ok(_) => {
                let rec = ok.next();
                let result = match (&scored, results.next()) {
                    (Ok(_), Some(r)) => r,
                    // Not expected (the batch is built to fit): score the record alone.
                    _ => rec.map_or(Err(ScoreError::BufferTooSmall { needed: 0 }), |r| {
                        scorer.score(r)
                    }),
                };
                match result {
                    Ok(s) => Outcome {
                        coverage: Some(s.coverage),
                        result: Ok(s),
                    },
                    Err(e) => Outcome {
                        result: Err(Failure::from_error(model, e)),
                        coverage: rec.map(|r| coverage(model, r)),
                    },
                }
            }
        })
        .collect()
}

impl FailedRow {
    /// `line: row id ID (NAME): STATUS` without the file name, as the notes of
    /// `silkscore score` put it after the file name.
    pub fn describe(&self) -> String {
        let name = if self.name.is_empty() {
            String::new()
        } else {
            std::format!(" ({})", self.name)
        };
        std::format!("{}: row id {}{name}: {}", self.line, self.id, self.failure)
    }
}
