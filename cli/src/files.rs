//! Shared layer: opening inputs and creating outputs.
//!
//! - An output is never the same file as an input: [`Output::file`] and [`Output::stdout`]
//!   compare it with every input of the command ([`Inputs`]) after resolving links, by
//!   canonical path and by device and inode (hard links too), and refuse before writing.
//! - A file output is written to a temporary file in the same directory, flushed, synced and
//!   renamed into place by [`Output::commit`]: a failed or killed run leaves the previous file
//!   (or nothing), never a truncated file that looks complete. Devices, FIFOs and the paths
//!   under `/dev` and `/proc` are written in place.
//! - Standard output goes through [`Output`] too, so that a closed pipe becomes
//!   [`CliError::OutputClosed`] instead of a panic.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::CliError;

/// The name standard input goes by in messages.
pub const STDIN: &str = "<stdin>";
/// The name standard output goes by in messages.
pub const STDOUT: &str = "<stdout>";

/// Whether `path` is `-` (standard input or output).
pub fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name of an input in messages: `<stdin>` for `-`, else the path as given.
pub fn input_name(path: &Path) -> PathBuf {
    if is_std(path) {
        PathBuf::from(STDIN)
    } else {
        path.to_path_buf()
    }
}

/// Opens an input file, or standard input for `-`; also returns the name to use in messages.
pub fn open_input(path: &Path) -> Result<(Box<dyn Read>, PathBuf), CliError> {
    if is_std(path) {
        Ok((Box::new(io::stdin().lock()), PathBuf::from(STDIN)))
    } else {
        let file = File::open(path).map_err(|e| CliError::io(path, e))?;
        Ok((Box::new(file), path.to_path_buf()))
    }
}

/// Reads a whole file, refusing one larger than `limit` bytes (keys, models, envelopes and
/// judgments are small; a huge file is the wrong file).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    let file = File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(CliError::file(
            path,
            format!("the file is larger than {limit} bytes: not the file expected here"),
        ));
    }
    Ok(bytes)
}

/// Which file a path or a standard stream is, to tell whether two are the same.
struct Identity {
    /// Device and inode (Unix).
    node: Option<(u64, u64)>,
    /// The path with every link resolved, when there is a path.
    canonical: Option<PathBuf>,
}

impl Identity {
    /// Only regular files can be overwritten by mistake: a terminal, `/dev/null` or a pipe
    /// shared by an input and an output is not refused.
    fn of_metadata(meta: &fs::Metadata, canonical: Option<PathBuf>) -> Option<Self> {
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let node = None;
        Some(Identity { node, canonical })
    }

    /// The file at `path` (links followed), if it exists and is a regular file.
    fn of_path(path: &Path) -> Option<Self> {
        let meta = fs::metadata(path).ok()?;
        Self::of_metadata(&meta, fs::canonicalize(path).ok())
    }

    /// The file behind standard input or output, if it is a regular file.
    #[cfg(unix)]
    fn of_stream(fd: std::os::fd::BorrowedFd<'_>) -> Option<Self> {
        let file = File::from(fd.try_clone_to_owned().ok()?);
        let meta = file.metadata().ok()?;
        Self::of_metadata(&meta, None)
    }

    fn of_stdin() -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            Self::of_stream(io::stdin().as_fd())
        }
        #[cfg(not(unix))]
        None
    }

    fn of_stdout() -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            Self::of_stream(io::stdout().as_fd())
        }
        #[cfg(not(unix))]
        None
    }

    fn same(&self, other: &Identity) -> bool {
        let node = matches!((self.node, other.node), (Some(a), Some(b)) if a == b);
        let path = matches!((&self.canonical, &other.canonical), (Some(a), Some(b)) if a == b);
        node || path
    }
}

/// The files a command reads (records, model, judgments, keys, envelopes, frames; `-` for
/// standard input), so that no output overwrites one of them.
#[derive(Debug, Default)]
pub struct Inputs {
    paths: Vec<PathBuf>,
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the input `path` (`-` is standard input).
    pub fn with(mut self, path: &Path) -> Self {
        self.paths.push(path.to_path_buf());
        self
    }

    /// Adds the input `path` when there is one (an optional `--model`).
    pub fn with_opt(self, path: Option<&Path>) -> Self {
        match path {
            Some(p) => self.with(p),
            None => self,
        }
    }

    /// Refuses when the output `name` (whose identity is `output`) is one of the inputs.
    fn check(&self, name: &Path, output: Option<&Identity>) -> Result<(), CliError> {
        let Some(output) = output else {
            return Ok(());
        };
        for input in &self.paths {
            let identity = if is_std(input) {
                Identity::of_stdin()
            } else {
                Identity::of_path(input)
            };
            if identity.is_some_and(|i| i.same(output)) {
                return Err(CliError::SameFile {
                    output: name.to_path_buf(),
                    input: input_name(input),
                });
            }
        }
        Ok(())
    }
}

/// Where the bytes of an [`Output`] go.
enum Sink {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file renamed onto `target` by [`Output::commit`].
    Replace {
        file: BufWriter<NamedTempFile>,
        target: PathBuf,
    },
    /// A device or FIFO, written in place.
    Direct(BufWriter<File>),
}

/// An output of a command: standard output or a file, buffered. Write to it, then
/// [`Output::commit`]; dropped without a commit, a file output leaves the previous file as it
/// was and no temporary file behind.
pub struct Output {
    name: PathBuf,
    sink: Sink,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").field("name", &self.name).finish()
    }
}

/// The buffer of file outputs and standard output.
const BUFFER: usize = 64 * 1024;

impl Output {
    /// Standard output for `None` or `-`, else the file `path` (see [`Output::file`]).
    pub fn create(path: Option<&Path>, inputs: &Inputs) -> Result<Self, CliError> {
        match path {
            Some(p) if !is_std(p) => Self::file(p, inputs),
            _ => Self::stdout(inputs),
        }
    }

    /// Standard output; refused when it is redirected to one of the `inputs` (`>> input`
    /// would read its own output without end).
    pub fn stdout(inputs: &Inputs) -> Result<Self, CliError> {
        let name = PathBuf::from(STDOUT);
        inputs.check(&name, Identity::of_stdout().as_ref())?;
        Ok(Output {
            name,
            sink: Sink::Stdout(BufWriter::with_capacity(BUFFER, io::stdout())),
        })
    }

    /// The file `path`, refused when it is one of the `inputs` or a directory. A regular file
    /// (or a new one) is written to a temporary file beside it (the target of a symbolic link
    /// is what gets replaced, keeping its permissions) until [`Output::commit`]; `/dev/stdout`
    /// is standard output; other devices, FIFOs and paths under `/dev` and `/proc` are
    /// written in place.
    pub fn file(path: &Path, inputs: &Inputs) -> Result<Self, CliError> {
        if path == Path::new("/dev/stdout") {
            return Self::stdout(inputs);
        }
        if path.as_os_str().is_empty() {
            return Err(CliError::Usage(
                "an empty output file name; give the name of a file to write, or `-`".to_owned(),
            ));
        }
        let meta = match fs::metadata(path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(CliError::io(path, e)),
        };
        if let Some(m) = &meta {
            inputs.check(
                path,
                Identity::of_metadata(m, fs::canonicalize(path).ok()).as_ref(),
            )?;
            if m.is_dir() {
                return Err(CliError::file(
                    path,
                    "is a directory; give the name of a file to write",
                ));
            }
        }
        let special = path.starts_with("/dev") || path.starts_with("/proc");
        if special || meta.as_ref().is_some_and(|m| !m.is_file()) {
            let file = OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| CliError::io(path, e))?;
            return Ok(Output {
                name: path.to_path_buf(),
                sink: Sink::Direct(BufWriter::with_capacity(BUFFER, file)),
            });
        }
        // The file to replace: the target of a link, so that the link stays.
        let target = match &meta {
            Some(_) => fs::canonicalize(path).map_err(|e| CliError::io(path, e))?,
            None => path.to_path_buf(),
        };
        let file = temp_beside(&target, meta.as_ref().map(fs::Metadata::permissions), None)
            .map_err(|e| CliError::io(path, e))?;
        Ok(Output {
            name: path.to_path_buf(),
            sink: Sink::Replace {
                file: BufWriter::with_capacity(BUFFER, file),
                target,
            },
        })
    }

    /// The output's name in messages (`<stdout>` or the path as given).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Whether this is standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    /// The error for a failed write to this output (see [`CliError::write`]).
    pub fn failed(&self, e: io::Error) -> CliError {
        CliError::write(&self.name, e)
    }

    /// Writes all of `bytes`, mapping a failure with [`Output::failed`].
    pub fn put(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.write_all(bytes).map_err(|e| self.failed(e))
    }

    /// Flushes the output; a file is synced to disk and renamed into place.
    pub fn commit(self) -> Result<(), CliError> {
        let name = self.name;
        match self.sink {
            Sink::Stdout(mut out) => out.flush().map_err(|e| CliError::write(&name, e)),
            Sink::Direct(mut out) => out.flush().map_err(|e| CliError::write(&name, e)),
            Sink::Replace { file, target } => {
                let file = file
                    .into_inner()
                    .map_err(|e| CliError::write(&name, e.into_error()))?;
                persist(file, &target, true).map_err(|e| CliError::io(&name, e))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(w) => w.write(buf),
            Sink::Replace { file, .. } => file.write(buf),
            Sink::Direct(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Replace { file, .. } => file.write_all(buf),
            Sink::Direct(w) => w.write_all(buf),
        }
    }

    /// Flushes the buffer (a file output still needs [`Output::commit`]).
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Replace { file, .. } => file.flush(),
            Sink::Direct(w) => w.flush(),
        }
    }
}

/// A new temporary file in the directory of `target`, named `.NAME.XXXXXX.tmp` after it.
/// With `keep`, it gets those permissions exactly (those of the file it replaces); with
/// `mode`, that mode (within the umask); else the mode of a new file (0666 within the
/// umask).
fn temp_beside(
    target: &Path,
    keep: Option<fs::Permissions>,
    mode: Option<u32>,
) -> io::Result<NamedTempFile> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = OsString::from(".");
    prefix.push(target.file_name().unwrap_or_else(|| "silkscore".as_ref()));
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode.unwrap_or(0o666)));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let file = builder.tempfile_in(dir)?;
    if let Some(p) = keep {
        file.as_file().set_permissions(p)?;
    }
    Ok(file)
}

/// Syncs `file` and renames it onto `target` (with `replace`, over an existing file; else
/// failing with `AlreadyExists`), then syncs the directory so that the rename is durable.
fn persist(file: NamedTempFile, target: &Path, replace: bool) -> io::Result<()> {
    file.as_file().sync_all()?;
    if replace {
        file.persist(target).map_err(|e| e.error)?;
    } else {
        file.persist_noclobber(target).map_err(|e| e.error)?;
    }
    // Best effort: some file systems cannot sync a directory.
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes a new file `path` whole, with `mode` (Unix; within the umask), through a temporary
/// file created exclusively (`O_EXCL`) beside it and renamed into place: never through a
/// symbolic link at `path`, never half-written. With `replace`, an existing file or link at
/// `path` is replaced; without it, an existing one is refused (`AlreadyExists`), atomically.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> io::Result<()> {
    let mut file = temp_beside(path, None, Some(mode))?;
    file.write_all(bytes)?;
    persist(file, path, replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_hidden_and_named_after_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("scores.csv");
        let t = temp_beside(&target, None, None).unwrap();
        let name = t.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".scores.csv.") && name.ends_with(".tmp"),
            "{name}"
        );
        assert_eq!(t.path().parent(), Some(dir.path()));
    }

    #[test]
    fn an_uncommitted_output_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        fs::write(&target, "old\n").unwrap();
        let mut out = Output::file(&target, &Inputs::new()).unwrap();
        out.put(b"new\n").unwrap();
        out.flush().unwrap();
        drop(out);
        assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        let mut out = Output::file(&target, &Inputs::new()).unwrap();
        out.put(b"new\n").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
