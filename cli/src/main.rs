//! The `silkscore` command-line tool: scores cultural-industry projects on cultural, economic
//! and security indices (SPEC §7). One module per subcommand; each returns an [`Exit`] or a
//! [`HostError`] (which exits 2).

mod common;
mod explain;
mod frames;
mod model;
mod progress;
mod rank;
mod report;
mod score;
mod sensitivity;
mod weights;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use silkscore_host::HostError;

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
2 unusable arguments, model or file."
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
    /// How robust the ranking is to the weights: Monte Carlo rank intervals (5-95%) and
    /// Sobol indices of the connotation weights.
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
    /// Write the rows of a records file as COBS/CRC-32 record frames (kiosk links).
    Encode(frames::EncodeArgs),
    /// Read record frames: print the records, or score them.
    Decode(frames::DecodeArgs),
}

/// How a subcommand that ran to the end finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every row scored (exit status 0).
    Success,
    /// Some rows failed; all rows were still written (exit status 1).
    RowsFailed,
    /// The output was closed early (a broken pipe): stop quietly (exit status 2).
    OutputClosed,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Success => ExitCode::SUCCESS,
            Exit::RowsFailed => ExitCode::from(1),
            Exit::OutputClosed => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<Exit, HostError> = match &cli.command {
        Command::Score(args) => score::run(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Report(args) => report::run(args),
        Command::Model(args) => return common::exit(model::run(args)),
        Command::Weights(args) => return common::exit(weights::run(args)),
        Command::Rank(args) => return common::exit(rank::run(args)),
        Command::Explain(args) => return common::exit(explain::run(args)),
        Command::Encode(args) => return common::exit(frames::encode(args)),
        Command::Decode(args) => return common::exit(frames::decode(args)),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("silkscore: error: {e}");
            ExitCode::from(2)
        }
    }
}
