//! `silkscore score`: scores every row of a records file (docs/spec.md §7, §8).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use silkscore_host::output::Format;
use silkscore_host::pipeline::{self, Options, Stop};
use silkscore_host::records::RecordsReader;

use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::progress::Progress;
use crate::records::{warn_columns, RecordsArgs};
use crate::term;

/// How many failed rows are described on stderr before the rest are only counted.
const MAX_ROW_NOTES: u64 = 10;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore score --input examples/data/portfolio.csv --format table
  silkscore score --model my-model.toml --input projects.csv --output scores.csv

The records file is CSV with a header: `id` (a u32, required), `name` (optional), then one
column per indicator id of the model, in any order. An empty cell is a missing value.
Missing indicator columns and unknown columns are reported on stderr. A large input file
(over 8 MiB) shows a progress bar on stderr when stderr is a terminal (never when piped).

CSV output starts with id,cultural,economic,security,composite,grade,status (then name and
the coverage of each connotation); a row that could not be scored has empty scores and a
status such as parse:heritage_items, non_finite:talent_exchange or
insufficient_data:security. JSON output is one array with one object per line.

With --output, the scores are written to a temporary file beside FILE and renamed onto it at
the end: a failed or interrupted run leaves the previous FILE as it was. FILE must not be
one of the inputs (after resolving links).

Exit status: 0 every row scored, 1 some rows failed (all rows are still written),
2 unusable arguments, model or file, 141 the output was closed early (`| head`).")]
pub struct ScoreArgs {
    #[command(flatten)]
    model: ModelArg,

    #[command(flatten)]
    records: RecordsArgs,

    /// Output format: csv for programs, table for people, json (one array).
    #[arg(short, long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,

    /// Write the scores to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Worker threads that parse, score and format rows (0: one per core; at most 64). The
    /// output is the same for every N.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=64))]
    threads: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// CSV: id,cultural,economic,security,composite,grade,status,… (6 decimals)
    Csv,
    /// One JSON array, one object per row
    Json,
    /// An aligned table with 2 decimals and a summary line
    Table,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Table => Format::Table,
        }
    }
}

/// Runs `silkscore score`.
pub fn run(args: &ScoreArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args.model.load()?;
    // A progress bar on stderr for a large input file, only on a terminal (see progress.rs).
    let progress = Progress::for_input(args.records.path(), out.is_stdout());
    let reader = args.records.open(&model, &progress)?;
    warn_columns(&reader, &model);
    let out_name = out.name().to_path_buf();
    let mut options = Options::new(args.threads, args.format.into());
    options.max_failed = MAX_ROW_NOTES as usize;
    let (rows, failed, notes) = score_all(reader, out, &options, &out_name)?;
    // The output is complete (a file renamed into place) before the notes.
    progress.finish();
    for note in &notes {
        term::note(note);
    }
    if failed > MAX_ROW_NOTES {
        term::note(&format_args!(
            "{} more failed rows not listed",
            failed - MAX_ROW_NOTES
        ));
    }
    if failed > 0 {
        term::info(&format_args!(
            "{failed} of {rows} rows could not be scored; their status column says why"
        ));
        Ok(Exit::RowsFailed)
    } else {
        Ok(Exit::Success)
    }
}

/// Scores and writes every row (in parallel, see `silkscore_host::pipeline`), then commits
/// the output; returns the number of rows, of failed rows, and the notes on the first
/// [`MAX_ROW_NOTES`] failed rows.
fn score_all<R: Read>(
    reader: RecordsReader<'_, R>,
    out: Output,
    options: &Options,
    out_name: &Path,
) -> Result<(u64, u64, Vec<String>), CliError> {
    let path = reader.path().display().to_string();
    let (out, summary) = pipeline::score(reader, out, options).map_err(|stop| match stop {
        Stop::Input(e) => CliError::from(e),
        Stop::Output(e) => CliError::write(out_name, e),
    })?;
    out.commit()?;
    let notes = summary
        .failed
        .iter()
        .map(|f| format!("{path}:{}", f.describe()))
        .collect();
    Ok((summary.tally.rows, summary.tally.failed, notes))
}
