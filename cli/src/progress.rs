//! A progress bar on stderr for long reads: shown only when stderr is a terminal, the input
//! is a file larger than [`THRESHOLD`] bytes, and stdout is not that terminal too (rows on
//! stdout would tear the bar). Never when piped or redirected.

use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::common::is_std;

/// Files up to this size are read without a bar (8 MiB).
pub const THRESHOLD: u64 = 8 * 1024 * 1024;

/// A progress bar over the bytes of an input file, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for reading `input`, when one should be shown; `output` is the `--output` file
    /// (stdout when `None`).
    pub fn for_input(input: &Path, output: Option<&Path>) -> Self {
        let stdout_is_file = output.is_some_and(|p| !is_std(p));
        let show = !is_std(input)
            && io::stderr().is_terminal()
            && (stdout_is_file || !io::stdout().is_terminal());
        let len = if show {
            std::fs::metadata(input).map(|m| m.len()).unwrap_or(0)
        } else {
            0
        };
        if len <= THRESHOLD {
            return Progress { bar: None };
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

    /// Whether a bar is shown.
    #[allow(dead_code)]
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
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
