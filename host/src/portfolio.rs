//! A portfolio: the rows of a records file read and scored with one model, split into the
//! projects that score and the rows that do not (docs/spec.md §7, §8). The sensitivity
//! analysis and the report work on it.

use core::ops::ControlFlow;
use std::io::Read;
use std::string::String;
use std::vec::Vec;

use crate::pipeline::{scored_rows, ReadOptions};
use crate::records::RecordsReader;
use crate::scoring::{score_row_with, Failure};
use crate::HostError;
use silkscore::model::Model;
use silkscore::record::Record;
use silkscore::score::{Scorer, Scores};

/// A row of a records file that scored with the nominal model.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// The 1-based line of the file on which the row starts.
    pub line: u64,
    /// The `id` cell as written.
    pub id: String,
    /// The full `name` cell (empty without a `name` column).
    pub name: String,
    /// The record.
    pub record: Record,
    /// Its scores with the nominal model.
    pub scores: Scores,
}

/// A row of a records file that could not be scored with the nominal model.
#[derive(Clone, Debug, PartialEq)]
pub struct Excluded {
    /// The 1-based line of the file on which the row starts.
    pub line: u64,
    /// The `id` cell as written.
    pub id: String,
    /// The full `name` cell.
    pub name: String,
    /// Why: the failure, whose `Display` is the docs/spec.md §7 status (`insufficient_data:security`).
    pub failure: Failure,
}

/// The rows of a records file, split into those that score with the nominal model and those
/// that do not, each in input order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Portfolio {
    /// The rows that scored.
    pub projects: Vec<Project>,
    /// The rows that did not.
    pub excluded: Vec<Excluded>,
}

impl Portfolio {
    /// Reads and scores every row of `reader` with its model. Only an unreadable file is an
    /// error; a bad row is [`Excluded`].
    pub fn read<R: Read>(reader: RecordsReader<'_, R>, model: &Model) -> Result<Self, HostError> {
        let scorer = Scorer::new(model);
        let mut portfolio = Portfolio::default();
        for row in reader {
            let row = row?;
            let outcome = score_row_with(&scorer, &row.record);
            match (outcome.result, row.record) {
                (Ok(scores), Ok(record)) => portfolio.projects.push(Project {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    record,
                    scores,
                }),
                (Err(failure), _) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    failure,
                }),
                // score_row only succeeds on a parsed record.
                (Ok(_), Err(e)) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id,
                    name: row.name,
                    failure: Failure::Row(e),
                }),
            }
        }
        Ok(portfolio)
    }

    /// [`Portfolio::read`] with the rows parsed and scored on `options.threads` workers
    /// ([`crate::pipeline::scored_rows`]), scored with the reader's model: the same portfolio,
    /// row for row and bit for bit. Memory: the portfolio itself (a [`Project`] or
    /// [`Excluded`] per row: 280 bytes plus the id and name on a 64-bit host) and the pipeline's blocks
    /// in flight.
    pub fn read_parallel<R: Read>(
        reader: RecordsReader<'_, R>,
        options: &ReadOptions,
    ) -> Result<Self, HostError> {
        let mut portfolio = Portfolio::default();
        // The consumer never stops early: only an input error ends the reading.
        let _: ControlFlow<()> = scored_rows(reader, options, |row, outcome| {
            match (outcome.result, &row.record) {
                (Ok(scores), Ok(record)) => portfolio.projects.push(Project {
                    line: row.line,
                    id: row.id.clone(),
                    name: row.name.clone(),
                    record: *record,
                    scores,
                }),
                (Err(failure), _) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id.clone(),
                    name: row.name.clone(),
                    failure,
                }),
                // score_row only succeeds on a parsed record.
                (Ok(_), Err(e)) => portfolio.excluded.push(Excluded {
                    line: row.line,
                    id: row.id.clone(),
                    name: row.name.clone(),
                    failure: Failure::Row(e.clone()),
                }),
            }
            ControlFlow::Continue(())
        })?;
        Ok(portfolio)
    }

    /// The records of the projects that scored, in input order.
    pub fn records(&self) -> Vec<Record> {
        self.projects.iter().map(|p| p.record).collect()
    }

    /// Rows read: scored and excluded.
    pub fn rows(&self) -> usize {
        self.projects.len() + self.excluded.len()
    }
}
