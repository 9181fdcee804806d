//! Shared layer: the notes, warnings and errors on stderr, whose failure (a closed or full
//! stderr) never stops a command, with control characters escaped. The text functions
//! themselves (escaping, widths, padded cells) are the host crate's
//! [`silkscore_host::term`], re-exported here.

use std::fmt;
use std::io::{self, Write};

pub use silkscore_host::term::{escape, escape_lines, pad, pad_left, trim_lines, width};

/// Writes `silkscore: {kind}{message}` and a line break to stderr, control characters
/// escaped. A failure to write (stderr closed, a full disk) is ignored: diagnostics never
/// stop the outputs, and never panic.
fn emit(kind: &str, message: &dyn fmt::Display) {
    let text = message.to_string();
    let mut line = String::with_capacity(text.len() + 24);
    line.push_str("silkscore: ");
    line.push_str(kind);
    line.push_str(&escape(&text));
    line.push('\n');
    let mut err = io::stderr().lock();
    let _ = err.write_all(line.as_bytes()).and_then(|()| err.flush());
}

/// `silkscore: error: …` on stderr.
pub fn error(message: &dyn fmt::Display) {
    emit("error: ", message);
}

/// `silkscore: warning: …` on stderr.
pub fn warning(message: &dyn fmt::Display) {
    emit("warning: ", message);
}

/// `silkscore: note: …` on stderr.
pub fn note(message: &dyn fmt::Display) {
    emit("note: ", message);
}

/// `silkscore: …` on stderr (what was written, a summary of failed rows).
pub fn info(message: &dyn fmt::Display) {
    emit("", message);
}

/// Writes multi-line text that is not ours (a clap error, which quotes the arguments) to
/// stderr, control characters but line breaks escaped; failures are ignored.
pub fn raw_stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(escape_lines(text).as_bytes())
        .and_then(|()| err.flush());
}
