//! Shared layer: the records file of `score`, `rank`, `explain`, `encode`, `sensitivity`,
//! `report` and `weights entropy|critic`. Its options are one [`RecordsArgs`], flattened into
//! each of those subcommands, and it is opened in one place ([`RecordsArgs::open`]): an option
//! on how records files are read (a limit on the bytes of a record or the number of header
//! columns, say) is added to the struct and applied there, for every subcommand at once.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use silkscore::Model;
use silkscore_host::records::{Limits, RecordsReader};

use crate::error::CliError;
use crate::files::{input_name, open_input};
use crate::progress::Progress;
use crate::term;

/// A records file being read: rows of `Result<Row, HostError>`.
pub type Records<'m> = RecordsReader<'m, Box<dyn Read>>;

/// The records file option of a subcommand.
#[derive(Clone, Debug, Args)]
pub struct RecordsArgs {
    /// Records file (CSV, docs/spec.md §7); `-` reads standard input.
    #[arg(short, long, value_name = "FILE")]
    pub input: PathBuf,

    /// Most bytes one record (a row, with its quotes, line break and any blank lines before
    /// it) may take; a longer one stops the reading with an error naming its line. Raise it
    /// for files with very long names or many ignored columns.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_record_bytes,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1 << 32))]
    pub max_record_bytes: usize,

    /// Most columns the header may have; a wider header is an error.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_columns,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1 << 24))]
    pub max_columns: usize,
}

impl RecordsArgs {
    /// The records file as given (`-` for standard input).
    pub fn path(&self) -> &Path {
        &self.input
    }

    /// The name of the records file in messages (`<stdin>` for `-`).
    pub fn name(&self) -> PathBuf {
        input_name(&self.input)
    }

    /// Opens the records file and reads its header for `model`; `progress` follows the bytes
    /// read (see [`Progress::for_input`]).
    pub fn open<'m>(&self, model: &'m Model, progress: &Progress) -> Result<Records<'m>, CliError> {
        let (input, name) = open_input(&self.input)?;
        let input = progress.wrap(input);
        let reader = RecordsReader::builder(model)
            .max_record_bytes(self.max_record_bytes)
            .max_columns(self.max_columns)
            .from_reader(input, name)?;
        Ok(reader)
    }
}

/// The stderr warnings of docs/spec.md §8: indicator columns absent from the header, and
/// columns that are ignored.
pub fn warn_columns<R: Read>(reader: &RecordsReader<'_, R>, model: &Model) {
    let at = format!("{}:{}", reader.path().display(), reader.header_line());
    let model_name = if model.name().is_empty() {
        "the model".to_owned()
    } else {
        format!("model `{}`", model.name())
    };
    let absent = reader.absent_indicators();
    if !absent.is_empty() {
        term::warning(&format_args!(
            "{at}: {} of the {} indicator columns of {model_name} {} absent and missing in \
             every row: {}",
            absent.len(),
            model.len(),
            if absent.len() == 1 { "is" } else { "are" },
            absent.join(", ")
        ));
    }
    let unknown = reader.unknown_columns();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|c| format!("`{c}`")).collect();
        term::warning(&format_args!(
            "{at}: ignoring {} {} neither `id`, `name` nor an indicator of {model_name}: {}",
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
        ));
    }
}
