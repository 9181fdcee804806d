//! `silkscore score`: scores every row of a records file (SPEC §7, §8).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use silkscore::score::Scorer;
use silkscore::Model;
use silkscore_host::output::{score_row_with, Format, OutputRow, RowWriter};
use silkscore_host::records::RecordsReader;
use silkscore_host::{model_file, HostError};

use crate::progress::Progress;
use crate::Exit;

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

Exit status: 0 every row scored, 1 some rows failed (all rows are still written),
2 unusable arguments, model or file.")]
pub struct ScoreArgs {
    /// Model file (TOML, SPEC §7). Without it, the built-in model bri-cultural-v1.
    #[arg(short, long, value_name = "FILE")]
    model: Option<PathBuf>,

    /// Records file (CSV); `-` reads standard input.
    #[arg(short, long, value_name = "FILE")]
    input: PathBuf,

    /// Output format: csv for programs, table for people, json (one array).
    #[arg(short, long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,

    /// Write the scores to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
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

fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Runs `silkscore score`.
pub fn run(args: &ScoreArgs) -> Result<Exit, HostError> {
    let loaded;
    let model: &Model = match &args.model {
        Some(path) => {
            loaded = model_file::load(path)?;
            &loaded
        }
        None => &silkscore::BRI_CULTURAL_V1,
    };

    // Read the model and the input header before creating the output, so that an unusable
    // model or input never truncates an existing output file.
    // A progress bar on stderr for a large input file, only on a terminal (see progress.rs).
    let progress = Progress::for_input(&args.input, args.output.as_deref());
    let input: Box<dyn Read> = if is_std(&args.input) {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(&args.input).map_err(|e| HostError::io(&args.input, e))?;
        progress.wrap(Box::new(file))
    };
    let input_name = if is_std(&args.input) {
        Path::new("<stdin>")
    } else {
        args.input.as_path()
    };
    let reader = RecordsReader::from_reader(input, input_name, model)?;
    warn_columns(&reader, model);

    let (sink, out_name): (Box<dyn Write>, PathBuf) = match &args.output {
        Some(path) if !is_std(path) => {
            let file = File::create(path).map_err(|e| HostError::io(path, e))?;
            (Box::new(file), path.clone())
        }
        _ => (Box::new(io::stdout().lock()), PathBuf::from("<stdout>")),
    };
    let out = BufWriter::with_capacity(64 * 1024, sink);
    let writer = RowWriter::new(args.format.into(), out).with_names(reader.has_name_column());

    match score_all(reader, model, writer, &progress) {
        Ok(failed) if failed > 0 => Ok(Exit::RowsFailed),
        Ok(_) => Ok(Exit::Success),
        Err(Failed::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Exit::OutputClosed),
        Err(Failed::Output(e)) => Err(HostError::io(out_name, e)),
        Err(Failed::Input(e)) => Err(e),
    }
}

enum Failed {
    Input(HostError),
    Output(io::Error),
}

/// Scores and writes every row; returns the number of failed rows.
fn score_all<R: Read, W: Write>(
    reader: RecordsReader<'_, R>,
    model: &Model,
    mut writer: RowWriter<W>,
    progress: &Progress,
) -> Result<u64, Failed> {
    let path = reader.path().display().to_string();
    // Notes on failed rows are printed after the output, so that on a terminal they follow
    // the table instead of scrolling away above it; at most MAX_ROW_NOTES are kept.
    let mut notes = Vec::new();
    writer.begin().map_err(Failed::Output)?;
    let scorer = Scorer::new(model);
    for row in reader {
        let row = row.map_err(Failed::Input)?;
        let outcome = score_row_with(&scorer, &row.record);
        writer
            .write_row(&OutputRow::new(&row, &outcome))
            .map_err(Failed::Output)?;
        if let Err(failure) = &outcome.result {
            if writer.tally().failed <= MAX_ROW_NOTES {
                let name = if row.name.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", row.name)
                };
                notes.push(format!(
                    "silkscore: note: {path}:{}: row id {}{name}: {failure}",
                    row.line, row.id
                ));
            }
        }
    }
    let tally = writer.tally();
    writer.finish().map_err(Failed::Output)?;
    progress.finish();
    for note in &notes {
        eprintln!("{note}");
    }
    if tally.failed > MAX_ROW_NOTES {
        eprintln!(
            "silkscore: note: {} more failed rows not listed",
            tally.failed - MAX_ROW_NOTES
        );
    }
    if tally.failed > 0 {
        eprintln!(
            "silkscore: {} of {} rows could not be scored; their status column says why",
            tally.failed, tally.rows
        );
    }
    Ok(tally.failed)
}

/// The stderr warnings of SPEC §8: indicator columns absent from the header, and columns
/// that are ignored.
pub(crate) fn warn_columns<R: Read>(reader: &RecordsReader<'_, R>, model: &Model) {
    let at = format!("{}:{}", reader.path().display(), reader.header_line());
    let model_name = if model.name().is_empty() {
        "the model".to_owned()
    } else {
        format!("model `{}`", model.name())
    };
    let absent = reader.absent_indicators();
    if !absent.is_empty() {
        eprintln!(
            "silkscore: warning: {at}: {} of the {} indicator columns of {model_name} {} absent \
             and missing in every row: {}",
            absent.len(),
            model.len(),
            if absent.len() == 1 { "is" } else { "are" },
            absent.join(", ")
        );
    }
    let unknown = reader.unknown_columns();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|c| format!("`{c}`")).collect();
        eprintln!(
            "silkscore: warning: {at}: ignoring {} {} neither `id`, `name` nor an indicator \
             of {model_name}: {}",
            if unknown.len() == 1 {
                "column"
            } else {
                "columns"
            },
            if unknown.len() == 1 {
                "that is"
            } else {
                "that are"
            },
            names.join(", ")
        );
    }
}
