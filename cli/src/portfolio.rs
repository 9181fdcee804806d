//! Shared layer: a whole portfolio read and scored in memory, and its sensitivity analysis
//! (`silkscore_host::sensitivity`) with the options `sensitivity` and `report` share.

use std::path::{Path, PathBuf};

use clap::Args;
use silkscore::Model;
use silkscore_host::pipeline::ReadOptions;
use silkscore_host::portfolio::Portfolio;
use silkscore_host::sensitivity::{
    analyse_portfolio, default_resamples, default_samples, Analysis, SensitivityError, Settings,
    Uncertainty, DEFAULT_RESAMPLES, DEFAULT_SAMPLES,
};

use crate::error::CliError;
use crate::files::read_limited;
use crate::progress::{Progress, Steps};
use crate::records::{warn_columns, RecordsArgs};
use crate::term;

/// The largest uncertainty file read (it is a few lines).
const MAX_UNCERTAINTY_BYTES: u64 = 64 * 1024;

/// The options of a sensitivity analysis that `sensitivity` and `report` share (each has its
/// own `--samples`).
#[derive(Debug, Args)]
pub struct AnalysisArgs {
    /// Seed of the design's scramble and of the bootstrap: the same seed gives the same output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Relative spread f of the connotation and indicator weights, in [0, 1]: each is drawn
    /// as w*(1 + f*U(-1,1)). The default analysis; --uncertainty replaces it.
    #[arg(long, value_name = "F", default_value_t = 0.25, value_parser = parse_spread,
          conflicts_with = "uncertainty")]
    spread: f64,

    /// Uncertainty file (TOML, docs/spec.md §7.8): which assumptions vary and how (weights,
    /// indicator weights, aggregation within/across, floor, min_coverage, goalposts).
    #[arg(short = 'u', long, value_name = "FILE")]
    uncertainty: Option<PathBuf>,

    /// Bootstrap resamples of the 95% confidence intervals of the Sobol indices (0: none).
    /// Default: 500, or 100 when samples x projects exceeds 4194304.
    #[arg(long, value_name = "R",
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    resamples: Option<u32>,
}

impl AnalysisArgs {
    /// The uncertainty file, if any (an input: an output may not overwrite it).
    pub fn uncertainty_file(&self) -> Option<&Path> {
        self.uncertainty.as_deref()
    }

    /// The settings for a portfolio of `projects` projects and `samples` (or the default
    /// for its size, noted on stderr when that is less than [`DEFAULT_SAMPLES`]).
    pub fn settings(&self, samples: Option<u32>, projects: usize) -> Result<Settings, CliError> {
        let uncertainty = match &self.uncertainty {
            Some(path) => read_uncertainty(path)?,
            None => Uncertainty::weights(self.spread),
        };
        let samples = samples.unwrap_or_else(|| {
            let n = default_samples(projects);
            if n < DEFAULT_SAMPLES {
                term::info(&format_args!(
                    "{n} samples for {projects} projects (the default {DEFAULT_SAMPLES} is \
                     reduced for large portfolios; --samples asks for more)"
                ));
            }
            n
        });
        let resamples = self.resamples.unwrap_or_else(|| {
            let r = default_resamples(samples, projects);
            if r < DEFAULT_RESAMPLES {
                term::info(&format_args!(
                    "{r} bootstrap resamples for {samples} samples of {projects} projects (the \
                     default {DEFAULT_RESAMPLES} is reduced for large analyses; --resamples \
                     asks for more)"
                ));
            }
            r
        });
        Ok(Settings {
            samples,
            seed: self.seed,
            uncertainty,
            resamples,
        })
    }
}

/// Reads an uncertainty file; errors name the file, line and key.
pub fn read_uncertainty(path: &Path) -> Result<Uncertainty, CliError> {
    let bytes = read_limited(path, MAX_UNCERTAINTY_BYTES)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::file(path, "an uncertainty file must be UTF-8 text"))?;
    Uncertainty::parse(&text).map_err(|e| CliError::File {
        path: path.to_path_buf(),
        line: e.line.map(|l| l as u64),
        message: e.to_string(),
    })
}

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
    load_with(model, records, command, None)
}

/// [`load`], the rows parsed and scored on `threads` workers (0: one per core) when given
/// (`silkscore_host::pipeline`): the same portfolio.
pub fn load_with(
    model: &Model,
    records: &RecordsArgs,
    command: &str,
    threads: Option<usize>,
) -> Result<Portfolio, CliError> {
    let reader = records.open(model, &Progress::none())?;
    let name = records.name();
    warn_columns(&reader, model);
    let portfolio = match threads {
        Some(t) => Portfolio::read_parallel(reader, &ReadOptions::new(t))?,
        None => Portfolio::read(reader, model)?,
    };
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
