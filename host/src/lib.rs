//! Host-side files for silkscore: TOML model files ([`model_file`]), CSV records files
//! ([`records`]), scoring rows ([`scoring`]) and writing them ([`output`]), portfolios
//! ([`portfolio`]), the statistical audit ([`audit`]), the sensitivity analysis
//! ([`sensitivity`]), the HTML report ([`report`]) and score journals dumped by kiosks
//! ([`journal`]). Built on the core crate `silkscore`; nothing in the core depends on it.
//!
//! This module uses `std` (files, `String`, `Vec`); it is what the `silkscore` command-line
//! tool is built on, and is usable on its own:
//!
//! ```no_run
//! use silkscore_host::{model_file, output, records::RecordsReader};
//! use std::path::Path;
//!
//! # fn main() -> Result<(), silkscore_host::HostError> {
//! let model = model_file::load(Path::new("my-model.toml"))?;
//! let mut out = output::RowWriter::new(output::Format::Csv, std::io::stdout().lock());
//! let reader = RecordsReader::open(Path::new("projects.csv"), &model)?;
//! out.begin().map_err(|e| silkscore_host::HostError::io("<stdout>", e))?;
//! for row in reader {
//!     let row = row?;
//!     let outcome = silkscore_host::scoring::score_row(&model, &row.record);
//!     out.write_row(&output::OutputRow::new(&row, &outcome))
//!         .map_err(|e| silkscore_host::HostError::io("<stdout>", e))?;
//! }
//! out.finish().map_err(|e| silkscore_host::HostError::io("<stdout>", e))?;
//! # Ok(()) }
//! ```

pub mod audit;
pub mod journal;
pub mod model_file;
pub mod output;
pub mod pipeline;
pub mod portfolio;
pub mod ranking;
pub mod records;
pub mod report;
pub mod scoring;
pub mod sensitivity;
pub mod term;
pub mod weights_stream;

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::string::String;

/// An error reading or writing a host file. Every variant names the file; model and records
/// errors also name the line (1-based) where one is known, and model errors the field.
#[derive(Debug)]
#[non_exhaustive]
pub enum HostError {
    /// A file could not be opened, read or written.
    Io {
        /// The file (`<stdin>` / `<stdout>` for the standard streams).
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A model file is not valid TOML, does not have the shape of docs/spec.md §7, or describes a
    /// model that violates docs/spec.md §3 / §8.
    Model {
        /// The model file.
        path: PathBuf,
        /// The 1-based line of the offending key or value, when known.
        line: Option<usize>,
        /// The offending field as the file spells it (`floor`, `weights.economic`,
        /// `indicator[3].hi`, …), when known.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A records file is unusable as a whole: unreadable CSV, no `id` column, a column
    /// named twice, a header that is not UTF-8.
    Records {
        /// The records file.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
}

impl HostError {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: io::Error) -> Self {
        HostError::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            HostError::Io { path, .. }
            | HostError::Model { path, .. }
            | HostError::Records { path, .. } => path,
        }
    }

    /// The 1-based line the error is about, when known.
    pub fn line(&self) -> Option<u64> {
        match self {
            HostError::Io { .. } => None,
            HostError::Model { line, .. } => line.map(|l| l as u64),
            HostError::Records { line, .. } => *line,
        }
    }

    /// The model field the error is about, when known (`indicator[0].wieght`, `floor`, …).
    pub fn field(&self) -> Option<&str> {
        match self {
            HostError::Model { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path().display())?;
        if let Some(line) = self.line() {
            write!(f, ":{line}")?;
        }
        match self {
            HostError::Io { source, .. } => write!(f, ": {source}"),
            HostError::Model { field, message, .. } => match field {
                Some(field) => write!(f, ": {field}: {message}"),
                None => write!(f, ": {message}"),
            },
            HostError::Records { message, .. } => write!(f, ": {message}"),
        }
    }
}

impl std::error::Error for HostError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HostError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The 1-based line of byte offset `offset` in `text` (offsets past the end count as the last
/// line).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}
