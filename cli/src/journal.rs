//! `silkscore journal read`: score journals dumped by kiosks (the raw flash region of
//! `silkscore::journal`, docs/spec.md §6.4), recovered as the device recovers them, checked
//! against a model and merged across dumps (`silkscore_host::journal`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use silkscore_host::journal::{read_dump, read_dumps, report_lines, write_csv, write_json};

use crate::common::model_label;
use crate::error::{CliError, Exit};
use crate::files::{open_input, Inputs, Output};
use crate::models;
use crate::term;

/// `silkscore journal …`
#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(subcommand)]
    command: JournalCommand,
}

#[derive(Debug, Subcommand)]
enum JournalCommand {
    /// Read journal dumps: the intact entries as scores (CSV or JSON), the recovery report
    /// on stderr.
    Read(ReadArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore journal read kiosk.bin --model model.toml -o scores.csv
  silkscore journal read monday.bin friday.bin --format json

A dump is the journal's whole flash region as the device holds it (erased bytes 0xFF). It is
recovered exactly as the device recovers it after a reset: intact entries are kept, a write
cut short by a power loss and damaged regions are skipped and reported, never guessed at.
With --model (a TOML model file, a compiled model, or a signed envelope with --key), entries
scored by another model (another fingerprint) are reported and left out; without it every
entry is written and its fingerprint column says which model made it. Several dumps of
the same device are merged: an entry read before (same sequence number and record id) is
dropped as a duplicate; the same sequence number with another record id is a conflict,
kept and reported.

The CSV has the columns of `silkscore score` (docs/spec.md §7.3; status ok, name empty: a
journal keeps no names), then sequence and fingerprint (0x and 8 hex digits), ordered by
sequence number. --format json writes {\"report\": …, \"entries\": […]}. The recovery report
(per dump: intact entries, corrupt regions, missing sequence numbers, torn tail, bytes used;
then duplicates, conflicts, entries of other models, missing sequence ranges) goes to
stderr in both formats.

Exit status: 0 every dump recovered cleanly, 1 something was damaged, missing or in
conflict (the intact entries are still written), 2 unusable arguments, model or file (a dump
larger than 64 MiB), 141 the output was closed early.")]
struct ReadArgs {
    /// The dumps, oldest first; `-` reads standard input.
    #[arg(value_name = "DUMP", required = true)]
    dumps: Vec<PathBuf>,
    /// The model the entries must have been scored by: a TOML model file, a compiled model or
    /// a signed envelope (with --key). Without it, every entry is kept.
    #[arg(short, long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The public key a signed envelope given as --model must be signed with (KEY.pub).
    #[arg(long, value_name = "PUB", requires = "model")]
    key: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = JournalFormat::Csv)]
    format: JournalFormat,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum JournalFormat {
    /// CSV: the scores columns, then sequence and fingerprint
    Csv,
    /// One JSON object: the recovery report and the entries
    Json,
}

/// Runs `silkscore journal …`.
pub fn run(args: &JournalArgs) -> Result<Exit, CliError> {
    match &args.command {
        JournalCommand::Read(a) => read(a),
    }
}

fn read(args: &ReadArgs) -> Result<Exit, CliError> {
    let key_file = args.key.as_deref().filter(|k| k.exists());
    let mut inputs = Inputs::new()
        .with_opt(args.model.as_deref())
        .with_opt(key_file);
    for d in &args.dumps {
        inputs = inputs.with(d);
    }
    let out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args
        .model
        .as_deref()
        .map(|path| models::load(path, args.key.as_deref()))
        .transpose()?;
    let mut dumps = Vec::with_capacity(args.dumps.len());
    for path in &args.dumps {
        let (input, name) = open_input(path)?;
        dumps.push((name.clone(), read_dump(&name, input)?));
    }
    let read = read_dumps(&dumps, model.as_ref().map(|m| m.fingerprint()));
    let out_name = out.name().to_path_buf();
    let out = match args.format {
        JournalFormat::Csv => write_csv(&read.entries, out),
        JournalFormat::Json => write_json(&read, out),
    }
    .map_err(|e| CliError::write(&out_name, e))?;
    out.commit()?;
    for line in report_lines(&read) {
        term::info(&term::escape(&line));
    }
    if let Some(m) = &model {
        term::info(&format_args!(
            "checked against {} (fingerprint 0x{:08x})",
            model_label(m),
            m.fingerprint()
        ));
    }
    Ok(if read.is_clean() {
        Exit::Success
    } else {
        Exit::RowsFailed
    })
}
