//! What the tool subcommands (model, weights, rank, explain, encode, decode) share: their error
//! type, model loading, the model description of `model check` / `model show`, and small text
//! helpers.

use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use silkscore::{wire, Connotation, Model};
use silkscore_host::{model_file, HostError};

use crate::Exit;

/// Why a tool subcommand could not do its job (exit status 2). Every variant names the file.
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

    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, e: io::Error) -> Self {
        CliError::Host(HostError::io(path, e))
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
        }
    }
}

/// The exit status of a tool subcommand: its [`Exit`], or 2 after printing the error.
pub fn exit(result: Result<Exit, CliError>) -> ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("silkscore: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Whether `path` is `-` (standard input or output).
pub fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The model of `--model FILE` (a TOML model file), or the built-in bri-cultural-v1.
pub fn model_or_default(path: Option<&Path>) -> Result<Model, CliError> {
    match path {
        Some(p) => Ok(model_file::load(p)?),
        None => Ok(silkscore::BRI_CULTURAL_V1.clone()),
    }
}

/// A model from a TOML model file (`.toml`) or a compiled model message (any other name).
pub fn model_from_any(path: &Path) -> Result<Model, CliError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return Ok(model_file::load(path)?);
    }
    let bytes = read_limited(path, 64 * 1024)?;
    wire::decode_model(&bytes).map_err(|e| {
        CliError::file(
            path,
            format!(
                "not a compiled model ({e}); a TOML model file must be named *.toml, and a \
                 compiled one is what `silkscore model compile` writes"
            ),
        )
    })
}

/// Reads a whole file, refusing one larger than `limit` bytes (keys, models, envelopes are
/// small; a huge file is the wrong file).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    let file = File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
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

/// Opens an input file, or standard input for `-`; also returns the name to use in messages.
pub fn open_input(path: &Path) -> Result<(Box<dyn Read>, PathBuf), CliError> {
    if is_std(path) {
        Ok((Box::new(io::stdin().lock()), PathBuf::from("<stdin>")))
    } else {
        let file = File::open(path).map_err(|e| CliError::io(path, e))?;
        Ok((Box::new(file), path.to_path_buf()))
    }
}

/// Creates an output file, or standard output for `None` or `-`, buffered; also returns the
/// name to use in messages.
pub fn create_output(path: Option<&Path>) -> Result<(Box<dyn Write>, PathBuf), CliError> {
    match path {
        Some(p) if !is_std(p) => {
            let file = File::create(p).map_err(|e| CliError::io(p, e))?;
            Ok((
                Box::new(io::BufWriter::with_capacity(64 * 1024, file)),
                p.to_path_buf(),
            ))
        }
        _ => Ok((
            Box::new(io::BufWriter::new(io::stdout().lock())),
            PathBuf::from("<stdout>"),
        )),
    }
}

/// Maps a write error: a closed pipe ends the command quietly (exit 2, like `score`),
/// anything else is an error naming the output.
pub fn write_failed(e: io::Error, out: &Path) -> Result<Exit, CliError> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(Exit::OutputClosed)
    } else {
        Err(CliError::io(out, e))
    }
}

/// A connotation on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConnotationArg {
    /// The cultural (humanistic) connotation.
    Cultural,
    /// The economic connotation.
    Economic,
    /// The security connotation.
    Security,
}

impl From<ConnotationArg> for Connotation {
    fn from(c: ConnotationArg) -> Self {
        match c {
            ConnotationArg::Cultural => Connotation::Cultural,
            ConnotationArg::Economic => Connotation::Economic,
            ConnotationArg::Security => Connotation::Security,
        }
    }
}

/// `model `name``, or `the unnamed model`.
pub fn model_label(model: &Model) -> String {
    if model.name().is_empty() {
        "the unnamed model".to_owned()
    } else {
        format!("model `{}`", model.name())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// 32 bytes from 64 hex digits (surrounding whitespace ignored), or `None`.
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    if t.len() != 64 || !t.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(t.as_bytes().chunks(2)) {
        let s = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// `s` cut to `width` terminal columns (ending in `…` when cut) and padded to exactly `width`
/// (the same as the score table's, [`silkscore_host::output::pad`]).
pub fn pad(s: &str, width: usize) -> String {
    silkscore_host::output::pad(s, width)
}

/// `text` with the trailing spaces of every line removed (aligned tables pad their last
/// column).
pub fn trim_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// A JSON number with `decimals` decimals, or `null` when not finite.
pub fn json_number(v: f32, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "null".to_owned()
    }
}

/// The human-readable description of a model printed by `model check` and `model show`:
/// parameters, fingerprint, encoded size, and a table of indicators with their effective
/// weights.
pub fn describe_model(model: &Model, source: &str) -> String {
    let p = model.params();
    let mut s = String::new();
    let name = if model.name().is_empty() {
        "(unnamed)"
    } else {
        model.name()
    };
    let mut buf = [0u8; wire::MODEL_MAX_SIZE];
    let encoded = wire::encode_model(model, &mut buf).map_or(0, |b| b.len());
    let total_w: f32 = p.weights.iter().sum();
    let _ = writeln!(s, "model         {name}");
    let _ = writeln!(s, "source        {source}");
    let _ = writeln!(s, "fingerprint   0x{:08x}", model.fingerprint());
    let _ = writeln!(
        s,
        "aggregation   {} within connotations, {} across",
        p.within.as_str(),
        p.across.as_str()
    );
    let _ = writeln!(s, "floor         {} (geometric floor ε)", p.floor);
    let _ = writeln!(s, "min_coverage  {}", p.min_coverage);
    let [a, b, c, d] = p.grades;
    let _ = writeln!(
        s,
        "grades        A ≥ {a}, B ≥ {b}, C ≥ {c}, D ≥ {d}, E below"
    );
    let shares: Vec<String> = Connotation::ALL
        .iter()
        .zip(p.weights)
        .map(|(c, w)| format!("{} {w} ({:.2}%)", c.as_str(), 100.0 * w / total_w))
        .collect();
    let _ = writeln!(s, "connotations  {}", shares.join(", "));
    let _ = writeln!(
        s,
        "encoded       {encoded} bytes (postcard model message; at most {})",
        wire::MODEL_MAX_SIZE
    );
    let _ = writeln!(s, "indicators    {}", model.len());
    let _ = writeln!(s);

    let mut effective = [0.0f32; silkscore::MAX_INDICATORS];
    let n = model.effective_weights(&mut effective).unwrap_or(0);
    let id_width = model
        .indicators()
        .iter()
        .map(|i| i.id.as_str().len())
        .max()
        .unwrap_or(2)
        .max(9);
    let _ = writeln!(
        s,
        "{:>3}  {:<id_width$}  {:<11}  {:<9}  {:<9}  {:>12}  {:>12}  {:>10}  {:>9}",
        "#",
        "indicator",
        "connotation",
        "direction",
        "transform",
        "lo",
        "hi",
        "weight",
        "effective"
    );
    let rule = 3 + 2 + id_width + 2 + 11 + 2 + 9 + 2 + 9 + 2 + 12 + 2 + 12 + 2 + 10 + 2 + 9;
    let _ = writeln!(s, "{}", "─".repeat(rule));
    for (k, ind) in model.indicators().iter().enumerate() {
        let eff = effective.get(k).copied().filter(|_| k < n).unwrap_or(0.0);
        let _ = writeln!(
            s,
            "{:>3}  {:<id_width$}  {:<11}  {:<9}  {:<9}  {:>12}  {:>12}  {:>10}  {:>9.4}",
            k,
            ind.id.as_str(),
            ind.connotation.as_str(),
            ind.direction.as_str(),
            ind.transform.as_str(),
            ind.lo,
            ind.hi,
            ind.weight,
            eff
        );
    }
    let _ = writeln!(s, "{}", "─".repeat(rule));
    let sum: f32 = effective.iter().take(n).sum();
    let _ = writeln!(
        s,
        "effective weight = indicator weight / its connotation's weight sum × connotation share; \
         they sum to {sum:.4}"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(parse_hex32(&format!(" {}\n", hex(&bytes))), Some(bytes));
        assert_eq!(parse_hex32("zz"), None);
        assert_eq!(parse_hex32(&"g".repeat(64)), None);
    }

    #[test]
    fn pad_cuts_and_fills() {
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad("敦煌莫高窟", 5), "敦煌…");
        assert_eq!(pad("敦煌莫高窟", 6), "敦煌… ");
    }

    #[test]
    fn description_names_everything() {
        let d = describe_model(&silkscore::BRI_CULTURAL_V1, "built-in");
        assert!(d.contains("model         bri-cultural-v1"));
        assert!(d.contains(&format!(
            "0x{:08x}",
            silkscore::BRI_CULTURAL_V1.fingerprint()
        )));
        assert!(d.contains("stability_risk"));
        assert!(d.contains("0.0556"));
    }
}
