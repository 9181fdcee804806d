//! `silkscore report`: one self-contained HTML report of a portfolio (ranking, profiles,
//! contributions, rank intervals), built by `silkscore_host::report`.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use silkscore_host::report::{render, ReportOptions, DEFAULT_MAX_CHARTS};
use silkscore_host::sensitivity::Settings;
use silkscore_host::HostError;

use crate::sensitivity::{load_model, load_portfolio, parse_spread, run_analysis};
use crate::Exit;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore report --input examples/data/portfolio.csv -o report.html
  silkscore report --input projects.csv --model my-model.toml -o report.html --samples 1000 --top 20

The report is one HTML file with inline CSS and SVG (no scripts, no external resources):
a header with the model name and fingerprint, counts and the grade distribution; the ranked
table (rows that could not be scored are listed last with their status); a three-axis profile
chart per project (the top --max-charts by composite); stacked bars of each indicator's
contribution for the top --top projects; and the 5-95% rank intervals of a Monte Carlo
sensitivity analysis (see `silkscore sensitivity --help`; --samples 0 leaves it out).

Exit status: 0 every row scored, 1 some rows could not be scored (the report is still
written and lists them), 2 unusable arguments, model or file.")]
pub struct ReportArgs {
    /// Model file (TOML, SPEC §7). Without it, the built-in model bri-cultural-v1.
    #[arg(short, long, value_name = "FILE")]
    model: Option<PathBuf>,

    /// Records file (CSV); `-` reads standard input.
    #[arg(short, long, value_name = "FILE")]
    input: PathBuf,

    /// The HTML file to write; `-` writes to standard output.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Monte Carlo draws of the sensitivity section (0 leaves the section out).
    #[arg(short = 'n', long, value_name = "N", default_value_t = 200)]
    samples: u32,

    /// Seed of the sensitivity analysis: the same seed gives the same report.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Relative spread of every weight in the sensitivity analysis, in [0, 1].
    #[arg(long, value_name = "F", default_value_t = 0.25, value_parser = parse_spread)]
    spread: f64,

    /// Projects (best first) that get indicator contribution bars.
    #[arg(short = 'k', long, value_name = "K", default_value_t = 10)]
    top: usize,

    /// Most projects that get a profile chart and a rank interval (the table lists all).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CHARTS)]
    max_charts: usize,
}

/// Runs `silkscore report`.
pub fn run(args: &ReportArgs) -> Result<Exit, HostError> {
    let model = load_model(args.model.as_deref())?;
    let portfolio = load_portfolio(&model, &args.input, "report")?;
    let analysis = if args.samples > 0 && !portfolio.projects.is_empty() {
        let settings = Settings {
            samples: args.samples,
            seed: args.seed,
            spread: args.spread,
        };
        Some(run_analysis(&model, &portfolio, &settings, &args.input)?)
    } else {
        None
    };
    let source = if args.input.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        args.input.file_name().map_or_else(
            || args.input.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let options = ReportOptions {
        top: args.top,
        max_charts: args.max_charts,
        source,
    };
    let html = render(&model, &portfolio, analysis.as_ref(), &options);
    if args.output.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        match out.write_all(html.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Exit::OutputClosed),
            Err(e) => return Err(HostError::io("<stdout>", e)),
            Ok(()) => {}
        }
    } else {
        fs::write(&args.output, html).map_err(|e| HostError::io(&args.output, e))?;
    }
    if portfolio.excluded.is_empty() {
        Ok(Exit::Success)
    } else {
        Ok(Exit::RowsFailed)
    }
}
