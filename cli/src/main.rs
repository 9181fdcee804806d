//! The `silkscore` command-line tool: scores cultural-industry projects on cultural, economic
//! and security indices (docs/spec.md §7).
//!
//! `main` only parses the arguments and dispatches. One module per subcommand (`score`,
//! `sensitivity`, `report`, `model`, `weights`, `rank`, `explain`, `audit`, `frames`,
//! `journal`); each returns an
//! [`error::Exit`] or an [`error::CliError`] and never imports another subcommand. What they
//! share is the shared layer: `error` (the one error type and the exit statuses), `files`
//! (inputs, outputs written atomically, the same-file check, standard output), `records` (the
//! records file option and reader), `models` (the `--model FILE [--key PUB]` option: TOML,
//! compiled or signed), `term` (escaping, widths, stderr diagnostics that never fail),
//! `progress`, `common` (model descriptions, keys, numbers) and `portfolio`.

mod common;
mod error;
mod files;
mod models;
mod portfolio;
mod progress;
mod records;
mod term;

mod audit;
mod explain;
mod frames;
mod journal;
mod model;
mod rank;
mod report;
mod score;
mod sensitivity;
mod weights;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// Score cultural-industry projects of the Belt and Road on cultural, economic and security
/// indices and one composite, each 0-100 (after Bian & Liu 2023).
#[derive(Debug, Parser)]
#[command(
    name = "silkscore",
    version,
    propagate_version = true,
    after_help = "\
Example:
  silkscore score --input examples/data/portfolio.csv --format table

Exit status: 0 every row scored, 1 some rows failed (all rows are still written),
2 unusable arguments, model or file (or an output that is one of the inputs), 141 the
output was closed early (`silkscore … | head`), as for other Unix filters. An output file
is written whole or not at all: to a temporary file beside it, renamed into place at the
end. Names and ids in tables and messages show control characters escaped (\\u{1b})."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score every row of a records file (CSV) with a model (the built-in
    /// bri-cultural-v1 unless --model is given).
    Score(score::ScoreArgs),
    /// How robust the ranking is to uncertain weights and other assumptions: rank intervals
    /// (5-95%) and Sobol indices with 95% confidence intervals.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Write one self-contained HTML report: ranking, profiles, contributions, rank
    /// intervals.
    Report(report::ReportArgs),
    /// Check, compile, show and export model files; generate keys, sign and verify model
    /// envelopes.
    Model(model::ModelArgs),
    /// Indicator weights from AHP judgments, or from a batch of records by entropy or CRITIC.
    Weights(weights::WeightsArgs),
    /// The best N projects of a records file by composite, streaming.
    Rank(rank::RankArgs),
    /// One project's score, indicator by indicator.
    Explain(explain::ExplainArgs),
    /// Statistical audit of a records file: indicator statistics and outliers, correlations
    /// within and across connotations, Cronbach's alpha, goalposts from percentiles.
    Audit(audit::AuditArgs),
    /// Write the rows of a records file as COBS/CRC-32 record frames (kiosk links).
    Encode(frames::EncodeArgs),
    /// Read record frames: print the records, or score them.
    Decode(frames::DecodeArgs),
    /// Read score journals dumped by kiosks: recover, check the model, merge dumps.
    Journal(journal::JournalArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    error::finish(match &cli.command {
        Command::Score(args) => score::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Report(args) => report::run(args),
        Command::Model(args) => model::run(args),
        Command::Weights(args) => weights::run(args),
        Command::Rank(args) => rank::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Encode(args) => frames::encode(args),
        Command::Decode(args) => frames::decode(args),
        Command::Journal(args) => journal::run(args),
    })
}

/// Help and version go to stdout (a closed stdout exits quietly); argument errors to stderr,
/// as plain text with control characters escaped (they quote the arguments), exit 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => error::finish(
            e.print()
                .map(|()| error::Exit::Success)
                .map_err(|e| error::CliError::write(files::STDOUT, e)),
        ),
        _ => {
            term::raw_stderr(&e.render().to_string());
            ExitCode::from(2)
        }
    }
}
