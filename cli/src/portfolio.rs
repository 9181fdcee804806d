//! Shared layer: a whole portfolio read and scored in memory, and its sensitivity analysis
//! (`silkscore_host::sensitivity`), for `sensitivity` and `report`.

use std::path::Path;

use silkscore::Model;
use silkscore_host::portfolio::Portfolio;
use silkscore_host::sensitivity::{analyse_portfolio, Analysis, SensitivityError, Settings};

use crate::error::CliError;
use crate::progress::{Progress, Steps};
use crate::records::{warn_columns, RecordsArgs};
use crate::term;

/// How many excluded rows are described on stderr before the rest are only counted.
const MAX_ROW_NOTES: usize = 10;

/// Parses `--spread`: a number in [0, 1].
pub fn parse_spread(s: &str) -> Result<f64, String> {
    let f: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err(format!("the spread must be in [0, 1], not {s}"))
    }
}

/// Reads and scores the records file; warns on stderr about absent and unknown columns and
/// lists the rows that do not score (at most [`MAX_ROW_NOTES`], then a count), saying they
/// are left out of the `command`.
pub fn load(model: &Model, records: &RecordsArgs, command: &str) -> Result<Portfolio, CliError> {
    let reader = records.open(model, &Progress::none())?;
    let name = records.name();
    warn_columns(&reader, model);
    let portfolio = Portfolio::read(reader, model)?;
    for row in portfolio.excluded.iter().take(MAX_ROW_NOTES) {
        let label = if row.name.is_empty() {
            String::new()
        } else {
            format!(" ({})", row.name)
        };
        term::note(&format_args!(
            "{}:{}: row id {}{label} left out of the {command}: {}",
            name.display(),
            row.line,
            row.id,
            row.failure
        ));
    }
    if portfolio.excluded.len() > MAX_ROW_NOTES {
        term::note(&format_args!(
            "{} more rows left out, not listed",
            portfolio.excluded.len() - MAX_ROW_NOTES
        ));
    }
    if !portfolio.excluded.is_empty() {
        term::info(&format_args!(
            "{} of {} rows could not be scored with the model and are left out",
            portfolio.excluded.len(),
            portfolio.rows()
        ));
    }
    Ok(portfolio)
}

/// Runs the analysis with a progress bar; a [`SensitivityError`] is reported against the
/// records file `input` (its name in messages).
pub fn analysis(
    model: &Model,
    portfolio: &Portfolio,
    settings: &Settings,
    input: &Path,
) -> Result<Analysis, CliError> {
    let mut steps = Steps::new("sensitivity");
    let result = analyse_portfolio(model, portfolio, settings, &mut |d, t| steps.update(d, t));
    steps.finish();
    result.map_err(|e| {
        let message = match e {
            SensitivityError::NoProjects => {
                "no row scores with the model: there is nothing to rank".to_owned()
            }
            other => other.to_string(),
        };
        CliError::file(input, message)
    })
}
