//! `silkscore report`: one self-contained HTML report of a portfolio (ranking, profiles,
//! contributions, rank intervals), built by `silkscore_host::report`.

use std::path::PathBuf;

use clap::Args;
use silkscore_host::report::{render_to, ReportOptions, DEFAULT_MAX_CHARTS};
use silkscore_host::sensitivity::design::MAX_ROWS;

use crate::error::{CliError, Exit};
use crate::files::{is_std, Inputs, Output};
use crate::models::ModelArg;
use crate::portfolio::{self, AnalysisArgs};
use crate::records::RecordsArgs;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore report --input examples/data/portfolio.csv -o report.html
  silkscore report --input projects.csv --model my-model.toml -o report.html --samples 4096 --top 20
  silkscore report --input examples/data/portfolio.csv -o report.html \\
      --uncertainty examples/data/uncertainty.toml

The report is one HTML file with inline CSS and SVG (no scripts, no external resources):
a header with the model name and fingerprint, counts and the grade distribution; the ranked
table (rows that could not be scored are listed last with their status); a three-axis profile
chart per project (the top --max-charts by composite); stacked bars of each indicator's
contribution for the top --top projects; and the sensitivity analysis (see `silkscore
sensitivity --help`; --samples 0 leaves it out): the 5-95% rank intervals of each project,
and the mean Sobol index of each uncertain assumption with its 95% interval, as a chart and
a table. Ranks: equal composites share a rank (1 2 2 4), listed in file order.

Memory: the whole portfolio is held, about 350 bytes per row (1,000,000 rows: about 330 MB),
plus the sensitivity analysis (see `silkscore sensitivity --help`: 1,000,000 rows with
--samples 20 peak at about 750 MB). The HTML is written as it is made, never held whole.

Exit status: 0 every row scored, 1 some rows could not be scored (the report is still
written and lists them), 2 unusable arguments, model or file (or an output that is one of
the inputs), 141 the output (`-o -`) was closed early. The report is written to a temporary
file beside FILE and renamed onto it at the end.")]
pub struct ReportArgs {
    #[command(flatten)]
    model: ModelArg,

    #[command(flatten)]
    records: RecordsArgs,

    /// The HTML file to write (whole or not at all, never one of the inputs); `-` writes to
    /// standard output.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Rows N of the sensitivity design (0 leaves the section out). Default: as
    /// `silkscore sensitivity` (16384, fewer for large portfolios).
    #[arg(short = 'n', long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_ROWS)))]
    samples: Option<u32>,

    #[command(flatten)]
    analysis: AnalysisArgs,

    /// Projects (best first) that get indicator contribution bars.
    #[arg(short = 'k', long, value_name = "K", default_value_t = 10)]
    top: usize,

    /// Most projects that get a profile chart and a rank interval (the table lists all).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CHARTS)]
    max_charts: usize,
}

/// Runs `silkscore report`.
pub fn run(args: &ReportArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(
        Inputs::new()
            .with(args.records.path())
            .with_opt(args.analysis.uncertainty_file()),
    );
    let mut out = Output::create(Some(&args.output), &inputs)?;
    let model = args.model.load()?;
    if let Some(path) = args.analysis.uncertainty_file() {
        portfolio::read_uncertainty(path)?;
    }
    let portfolio = portfolio::load(&model, &args.records, "report")?;
    let analysis = if args.samples != Some(0) && !portfolio.projects.is_empty() {
        let settings = args
            .analysis
            .settings(args.samples, portfolio.projects.len())?;
        Some(portfolio::analysis(
            &model,
            &portfolio,
            &settings,
            &args.records.name(),
        )?)
    } else {
        None
    };
    let input = args.records.path();
    let source = if is_std(input) {
        "<stdin>".to_owned()
    } else {
        input.file_name().map_or_else(
            || input.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let options = ReportOptions {
        top: args.top,
        max_charts: args.max_charts,
        source,
    };
    // Streamed: a report of a million rows is never held in memory as one string.
    let written = render_to(&mut out, &model, &portfolio, analysis.as_ref(), &options);
    written.map_err(|e| out.failed(e))?;
    out.commit()?;
    if portfolio.excluded.is_empty() {
        Ok(Exit::Success)
    } else {
        Ok(Exit::RowsFailed)
    }
}
