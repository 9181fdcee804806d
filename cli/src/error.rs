//! Shared layer: the one error type of every subcommand, how a subcommand finished, and the
//! exit status of both (docs/spec.md §7).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use silkscore_host::HostError;

use crate::term;

/// The exit status when standard output (or an output FIFO) was closed by its reader, as in
/// `silkscore … | head -1`: 128 + SIGPIPE (13), what the shell reports for `cat`, `grep` or
/// `sort` in the same place. It is neither 0 (not every row was scored and written) nor 1 or
/// 2, which mean something else.
pub const BROKEN_PIPE_STATUS: u8 = 141;

/// How a subcommand that ran to the end finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every row scored (exit status 0).
    Success,
    /// Some rows failed; all rows were still written (exit status 1).
    RowsFailed,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Success => ExitCode::SUCCESS,
            Exit::RowsFailed => ExitCode::from(1),
        }
    }
}

/// Why a subcommand stopped before the end. Every variant but [`CliError::OutputClosed`]
/// exits 2 after printing `silkscore: error: …`, naming the file.
#[derive(Debug)]
pub enum CliError {
    /// A model or records file problem, or an I/O error, from `silkscore_host`.
    Host(HostError),
    /// A file that was read but whose content is refused (a judgments file, a key, an
    /// envelope, an id not in a records file, …).
    File {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when one is known.
        line: Option<u64>,
        /// What is wrong, and what to do about it where that is not obvious.
        message: String,
    },
    /// An output that is the same file as an input (after resolving links): refused before
    /// anything is written.
    SameFile {
        /// The output, as given (`<stdout>` for standard output).
        output: PathBuf,
        /// The input, as given (`<stdin>` for standard input).
        input: PathBuf,
    },
    /// Arguments that cannot be used together.
    Usage(String),
    /// The reader of the output went away (a broken pipe): not a failure to report; the
    /// command stops quietly with [`BROKEN_PIPE_STATUS`].
    OutputClosed,
}

impl CliError {
    /// A refusal about `path`.
    pub fn file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        CliError::File {
            path: path.as_ref().to_path_buf(),
            line: None,
            message: message.into(),
        }
    }

    /// A refusal about line `line` of `path`.
    pub fn at(path: impl AsRef<Path>, line: u64, message: impl Into<String>) -> Self {
        CliError::File {
            path: path.as_ref().to_path_buf(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// An I/O error reading or creating `path`.
    pub fn io(path: impl AsRef<Path>, e: io::Error) -> Self {
        CliError::Host(HostError::io(path, e))
    }

    /// A failed write to the output `path`: a closed pipe stops quietly
    /// ([`CliError::OutputClosed`]), anything else is an error naming the output.
    pub fn write(path: impl AsRef<Path>, e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::OutputClosed
        } else {
            CliError::io(path, e)
        }
    }
}

impl From<HostError> for CliError {
    fn from(e: HostError) -> Self {
        CliError::Host(e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Host(e) => write!(f, "{e}"),
            CliError::File {
                path,
                line: Some(line),
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            CliError::File {
                path,
                line: None,
                message,
            } => write!(f, "{}: {message}", path.display()),
            CliError::SameFile { output, input } => write!(
                f,
                "the output {} is the same file as the input {} (after resolving links); \
                 refusing to overwrite an input, nothing was written",
                output.display(),
                input.display()
            ),
            CliError::Usage(message) => f.write_str(message),
            CliError::OutputClosed => f.write_str("the output was closed"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Host(e) => Some(e),
            _ => None,
        }
    }
}

/// The exit status of a subcommand: its [`Exit`]; [`BROKEN_PIPE_STATUS`] quietly when its
/// output was closed; else 2 after printing the error on stderr.
pub fn finish(result: Result<Exit, CliError>) -> ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(CliError::OutputClosed) => ExitCode::from(BROKEN_PIPE_STATUS),
        Err(e) => {
            term::error(&e);
            ExitCode::from(2)
        }
    }
}
