//! Shared layer: progress bars on stderr, shown only when stderr is a terminal (never when
//! piped or redirected), and drawn by indicatif, which ignores a failing stderr.
//!
//! - [`Progress`] follows the bytes read from a large input file (over [`THRESHOLD`] bytes),
//!   and only when stdout is not that terminal too (rows on stdout would tear the bar).
//! - [`Steps`] counts the steps of a long computation (the sensitivity analysis).

use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::files::is_std;

/// Files up to this size are read without a bar (8 MiB).
pub const THRESHOLD: u64 = 8 * 1024 * 1024;

/// A progress bar over the bytes of an input file, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// No bar.
    pub fn none() -> Self {
        Progress { bar: None }
    }

    /// A bar for reading `input`, when one should be shown; `to_stdout` tells whether the
    /// command writes its output to standard output.
    pub fn for_input(input: &Path, to_stdout: bool) -> Self {
        let show = !is_std(input)
            && io::stderr().is_terminal()
            && (!to_stdout || !io::stdout().is_terminal());
        let len = if show {
            std::fs::metadata(input).map(|m| m.len()).unwrap_or(0)
        } else {
            0
        };
        if len <= THRESHOLD {
            return Progress::none();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(4));
        let style = ProgressStyle::with_template(
            "{spinner} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    /// Wraps the input so that the bar follows the bytes read.
    pub fn wrap<'a>(&self, input: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
        match &self.bar {
            Some(bar) => Box::new(bar.wrap_read(input)),
            None => input,
        }
    }

    /// Removes the bar (before the notes that follow the output).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A bar counting the steps of a computation, labelled, drawn only on a terminal.
pub struct Steps {
    bar: ProgressBar,
}

impl Steps {
    /// A bar labelled `label`.
    pub fn new(label: &'static str) -> Self {
        if !io::stderr().is_terminal() {
            return Steps {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
        let style = ProgressStyle::with_template(
            "silkscore: {prefix}: [{bar:32}] {percent:>3}% ({pos}/{len}, {eta} left)",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        Steps {
            bar: bar.with_style(style).with_prefix(label),
        }
    }

    /// Shows `done` of `total`.
    pub fn update(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Steps {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
