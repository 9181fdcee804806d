//! `silkscore model …`: check, compile, show and export model files; generate keys, sign and
//! verify model envelopes (feature signed-models, on by default in the tool).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use silkscore::{signed, wire, Model};
use silkscore_host::model_file;

use crate::common::{describe_model, hex, model_from_any, model_label, parse_hex32};
use crate::error::{CliError, Exit};
use crate::files::{read_limited, write_new, Inputs, Output};
use crate::term::{self, escape};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore model check my-model.toml
  silkscore model compile my-model.toml -o my-model.bin
  silkscore model decompile my-model.bin -o my-model.toml
  silkscore model export-rust my-model.toml -o src/model.rs --name KIOSK_MODEL
  silkscore model keygen -o operator.key
  silkscore model sign my-model.toml --key operator.key --revision 4 -o my-model.env
  silkscore model verify my-model.env --public-key operator.key.pub --current-revision 3

Exit status: 0 done (for verify: the envelope is valid), 2 unusable arguments or files (for
check: the model is invalid; for verify: the envelope is refused, and the reason is given),
141 the output was closed early. Files (-o) are written whole or not at all, never over an
input.")]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Validate a TOML model file and print it: parameters, fingerprint, indicators and
    /// their effective weights.
    Check(CheckArgs),
    /// Compile a TOML model file to the postcard model message a kiosk loads.
    Compile(CompileArgs),
    /// Decode a compiled model (or a signed envelope), validate it and print it like check.
    Show(ShowArgs),
    /// Turn a compiled model (or the model of a signed envelope) back into a TOML model file
    /// that compiles to the same bytes.
    Decompile(DecompileArgs),
    /// Write a compiled model as a Rust source file (`pub const NAME: [u8; N]`) for firmware
    /// to include!.
    ExportRust(ExportArgs),
    /// Generate a new Ed25519 signing key for model envelopes.
    Keygen(KeygenArgs),
    /// Sign a model: write an envelope with a revision that kiosks verify before installing.
    Sign(SignArgs),
    /// Verify an envelope as a kiosk would: trusted key, signature, revision, model.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model check tests/vectors/custom5.toml

An invalid model exits 2 with the file, line and field:
  silkscore: error: my-model.toml:20: indicator[0].wieght: unknown field `wieght`, …")]
struct CheckArgs {
    /// The TOML model file (docs/spec.md §7).
    #[arg(value_name = "FILE.toml")]
    file: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model compile tests/vectors/custom5.toml -o custom5.bin

Prints the size of the message, the largest any model message can be (MODEL_MAX_SIZE, what a
device sizes its buffer for) and the fingerprint that scores made with it carry.")]
struct CompileArgs {
    /// The TOML model file.
    #[arg(value_name = "FILE.toml")]
    file: PathBuf,
    /// Where to write the compiled model.
    #[arg(short, long, value_name = "FILE.bin")]
    output: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model show custom5.bin

A signed envelope (from `model sign`) is shown too, with its revision and signer; its
signature is not checked here (use `model verify`).")]
struct ShowArgs {
    /// A compiled model (from `model compile`) or a signed envelope (from `model sign`).
    #[arg(value_name = "FILE.bin")]
    file: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore model decompile custom5.bin -o custom5.toml
  silkscore model decompile my-model.env > my-model.toml

Writes the model file (docs/spec.md §7.1) of a compiled model, every number in the shortest
form that reads back to the same 32-bit float, after checking that it reads back to a model
that compiles to exactly the same bytes (and so the same fingerprint). A model no model file
can hold (a subnormal goalpost, which model files refuse) is an error naming the field. For a
signed envelope the model inside is written; its signature is not checked here (use `model
verify`), and the TOML carries no signature.")]
struct DecompileArgs {
    /// A compiled model (from `model compile`) or a signed envelope (from `model sign`).
    #[arg(value_name = "FILE.bin")]
    file: PathBuf,
    /// Where to write the model file (standard output without it).
    #[arg(short, long, value_name = "FILE.toml")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model export-rust tests/vectors/custom5.toml -o src/model.rs --name KIOSK_MODEL

and in the firmware:
  include!(\"model.rs\");
  let model = silkscore::wire::decode_model(&KIOSK_MODEL)?;

The file also defines NAME_FINGERPRINT: u32, to check what the device decoded.")]
struct ExportArgs {
    /// The model: a TOML model file (*.toml) or a compiled model (any other name).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Where to write the Rust source (standard output without it).
    #[arg(short, long, value_name = "FILE.rs")]
    output: Option<PathBuf>,
    /// The constant's name (default: the model name in upper case, then `_MODEL`).
    #[arg(long, value_name = "IDENT", value_parser = rust_ident)]
    name: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model keygen -o operator.key

Writes the secret key to KEY and the public key to KEY.pub, and prints the public key as hex
and as a Rust array for the kiosk firmware. Keep KEY off the kiosks; they only need the
public key.

KEY is created with mode 0600, exclusively: an existing file or symbolic link at KEY or
KEY.pub is refused (never written through), unless --force, which replaces them atomically.
KEY holds two lines: the header `silkscore-secret-key-v1 ed25519-seed` and the 32-byte
Ed25519 seed as 64 hex digits; the header tells it from a public key, so that `model sign`
refuses a public key given as --key. KEY.pub holds the public key as 64 hex digits.")]
struct KeygenArgs {
    /// Where to write the secret key (the public key goes to the same name plus `.pub`).
    #[arg(short, long, value_name = "KEY")]
    output: PathBuf,
    /// Replace KEY and KEY.pub if they exist (atomically; KEY keeps mode 0600).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model sign my-model.toml --key operator.key --revision 4 -o my-model.env

Revisions start at 1 and must grow: a kiosk running revision 3 installs revision 4 and
refuses 3 or below. Revision 4294967295 (u32::MAX) is the last one: a kiosk that installs it
can never be updated again, so it needs --force.

--key must be a secret key written by `model keygen` (with its header line). A key file of
64 hex digits alone is refused: that is the format of a public key (KEY.pub), which must
never sign. A secret key written by silkscore 0.1 (64 hex digits alone) is converted by
adding the line `silkscore-secret-key-v1 ed25519-seed` before its hex digits.")]
struct SignArgs {
    /// The model: a TOML model file (*.toml) or a compiled model (any other name).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The secret key file written by `model keygen`.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The revision of this model, at least 1.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    revision: u32,
    /// Where to write the envelope (whole or not at all, never one of the inputs).
    #[arg(short, long, value_name = "FILE.env")]
    output: PathBuf,
    /// Sign revision 4294967295 (u32::MAX), after which no update is possible.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model verify my-model.env --public-key operator.key.pub --current-revision 3

Checks, as a kiosk does: the envelope's structure, that it was signed by the trusted key, the
signature, that its revision is above --current-revision, and the model. Exit 0 when valid;
2 when refused, with the reason.")]
struct VerifyArgs {
    /// The envelope written by `model sign`.
    #[arg(value_name = "FILE.env")]
    file: PathBuf,
    /// The trusted public key: a file (KEY.pub from `model keygen`, 64 hex digits or 32
    /// raw bytes), or the 64 hex digits themselves.
    #[arg(long, value_name = "PUB")]
    public_key: PathBuf,
    /// The revision the kiosk runs (0: none).
    #[arg(long, value_name = "N", default_value_t = 0)]
    current_revision: u32,
}

/// Runs `silkscore model …`.
pub fn run(args: &ModelArgs) -> Result<Exit, CliError> {
    match &args.command {
        ModelCommand::Check(a) => check(a),
        ModelCommand::Compile(a) => compile(a),
        ModelCommand::Show(a) => show(a),
        ModelCommand::Decompile(a) => decompile(a),
        ModelCommand::ExportRust(a) => export_rust(a),
        ModelCommand::Keygen(a) => keygen(a),
        ModelCommand::Sign(a) => sign(a),
        ModelCommand::Verify(a) => verify(a),
    }
}

fn check(a: &CheckArgs) -> Result<Exit, CliError> {
    let mut out = Output::stdout(&Inputs::new().with(&a.file))?;
    let model = model_file::load(&a.file)?;
    let source = format!("{} (TOML model file): valid", a.file.display());
    out.put(describe_model(&model, &source).as_bytes())?;
    out.commit()?;
    Ok(Exit::Success)
}

/// The compiled model message of `model`.
fn encode(model: &Model) -> Result<Vec<u8>, CliError> {
    let mut buf = [0u8; wire::MODEL_MAX_SIZE];
    wire::encode_model(model, &mut buf)
        .map(|b| b.to_vec())
        // A valid model always fits MODEL_MAX_SIZE; this is a bug if it happens.
        .map_err(|e| CliError::file("<model>", format!("cannot encode the model: {e}")))
}

fn compile(a: &CompileArgs) -> Result<Exit, CliError> {
    let inputs = Inputs::new().with(&a.file);
    let mut stdout = Output::stdout(&inputs)?;
    let mut out = Output::file(&a.output, &inputs)?;
    let model = model_file::load(&a.file)?;
    let bytes = encode(&model)?;
    out.put(&bytes)?;
    out.commit()?;
    let line = format!(
        "wrote {}: {} bytes (a model message is at most MODEL_MAX_SIZE = {} bytes), \
         fingerprint 0x{:08x}\n",
        escape(&a.output.display().to_string()),
        bytes.len(),
        wire::MODEL_MAX_SIZE,
        model.fingerprint()
    );
    stdout.put(line.as_bytes())?;
    stdout.commit()?;
    Ok(Exit::Success)
}

fn show(a: &ShowArgs) -> Result<Exit, CliError> {
    let mut out = Output::stdout(&Inputs::new().with(&a.file))?;
    let bytes = read_limited(&a.file, 64 * 1024)?;
    let text = if bytes.starts_with(&signed::ENVELOPE_TAG) {
        let env = signed::Envelope::parse(&bytes)
            .map_err(|e| CliError::file(&a.file, format!("not a usable envelope: {e}")))?;
        let model = wire::decode_model(env.model_bytes()).map_err(|e| {
            CliError::file(&a.file, format!("the envelope's model is refused: {e}"))
        })?;
        let source = format!(
            "{} (signed envelope, {} bytes; revision {}, signer {}; signature NOT verified \
             here, use `silkscore model verify`)",
            a.file.display(),
            bytes.len(),
            env.revision(),
            hex(env.signer())
        );
        describe_model(&model, &source)
    } else {
        let model = wire::decode_model(&bytes).map_err(|e| {
            CliError::file(
                &a.file,
                format!("not a valid compiled model ({} bytes): {e}", bytes.len()),
            )
        })?;
        let source = format!(
            "{} (compiled model, {} bytes): valid",
            a.file.display(),
            bytes.len()
        );
        describe_model(&model, &source)
    };
    out.put(text.as_bytes())?;
    out.commit()?;
    Ok(Exit::Success)
}

fn decompile(a: &DecompileArgs) -> Result<Exit, CliError> {
    let mut out = Output::create(a.output.as_deref(), &Inputs::new().with(&a.file))?;
    let bytes = read_limited(&a.file, 64 * 1024)?;
    let (model_bytes, what) = if bytes.starts_with(&signed::ENVELOPE_TAG) {
        let env = signed::Envelope::parse(&bytes)
            .map_err(|e| CliError::file(&a.file, format!("not a usable envelope: {e}")))?;
        let what = format!(
            "the model of the signed envelope {} (revision {}, signer {}; signature NOT \
             verified)",
            a.file.display(),
            env.revision(),
            hex(env.signer())
        );
        (env.model_bytes().to_vec(), what)
    } else {
        (bytes, format!("the compiled model {}", a.file.display()))
    };
    let text = model_file::decompile(&model_bytes, &a.file)?;
    // The fingerprint is that of the bytes, which the text compiles back to.
    let fingerprint = silkscore::model::fingerprint_bytes(&model_bytes);
    let header = format!(
        "# Decompiled by `silkscore model decompile` from {}: {} bytes, fingerprint \
         0x{fingerprint:08x}.\n# `silkscore model compile` turns this file back into the same \
         bytes.\n",
        toml_comment(&what),
        model_bytes.len()
    );
    let to_stdout = out.is_stdout();
    let out_name = out.name().to_path_buf();
    out.put(header.as_bytes())?;
    out.put(text.as_bytes())?;
    out.commit()?;
    if !to_stdout {
        term::info(&format_args!(
            "wrote {}: the model file of {what}, fingerprint 0x{fingerprint:08x}",
            out_name.display()
        ));
    }
    Ok(Exit::Success)
}

/// `text` for a TOML comment line: control characters (a line break would end the comment)
/// escaped.
fn toml_comment(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The keywords of every Rust edition (strict, reserved, and `gen` of 2024), which `--name`
/// cannot be.
const KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Parses `--name`: an ASCII Rust identifier that is not a keyword. Nothing else can reach
/// the generated code as code.
fn rust_ident(s: &str) -> Result<String, String> {
    let mut chars = s.chars();
    let ok_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !ok_start || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || s == "_" {
        return Err(format!(
            "`{}` is not a Rust identifier (ASCII letters, digits and `_`, not starting \
             with a digit)",
            escape(s)
        ));
    }
    if KEYWORDS.contains(&s) {
        return Err(format!("`{s}` is a Rust keyword"));
    }
    Ok(s.to_owned())
}

/// The default constant name: the model name in upper case, every character but ASCII
/// letters and digits as `_`, then `_MODEL` (so never a keyword).
fn default_ident(model: &Model) -> String {
    let mut s: String = model
        .name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        return "MODEL".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s.push_str("_MODEL");
    s
}

/// `s` as a Rust string literal: printable ASCII only (`"`, `\`, line breaks, U+2028,
/// bidirectional controls and every other non-ASCII character escaped), so that it can never
/// end a comment line, reorder the source or become code.
fn rust_string(s: &str) -> String {
    format!("\"{}\"", s.escape_default())
}

/// The Rust source written by `model export-rust`. The model name and the source file name
/// appear only as escaped string literals inside line comments; the only code is the two
/// constants named after `ident` (an identifier checked by [`rust_ident`] or made by
/// [`default_ident`]).
fn rust_source(model: &Model, bytes: &[u8], ident: &str, from: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by `silkscore model export-rust`. Do not edit."
    );
    let _ = writeln!(s, "// Source file: {}", rust_string(from));
    let _ = writeln!(s, "// Model name: {}", rust_string(model.name()));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "/// The {}-byte postcard model message (wire format version {}, {} indicators) of the",
        bytes.len(),
        silkscore::FORMAT_VERSION,
        model.len()
    );
    let _ = writeln!(
        s,
        "/// model with fingerprint 0x{:08x}. Decode it with `silkscore::wire::decode_model`, which",
        model.fingerprint()
    );
    let _ = writeln!(
        s,
        "/// validates it again; its fingerprint is [`{ident}_FINGERPRINT`]."
    );
    let _ = writeln!(s, "pub const {ident}: [u8; {}] = [", bytes.len());
    for chunk in bytes.chunks(12) {
        let line: Vec<String> = chunk.iter().map(|b| format!("0x{b:02x},")).collect();
        let _ = writeln!(s, "    {}", line.join(" "));
    }
    let _ = writeln!(s, "];");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "/// Fingerprint of [`{ident}`] (`silkscore::Model::fingerprint`)."
    );
    let _ = writeln!(
        s,
        "pub const {ident}_FINGERPRINT: u32 = 0x{:08x};",
        model.fingerprint()
    );
    s
}

fn export_rust(a: &ExportArgs) -> Result<Exit, CliError> {
    let mut out = Output::create(a.output.as_deref(), &Inputs::new().with(&a.file))?;
    let model = model_from_any(&a.file)?;
    let bytes = encode(&model)?;
    let ident = a.name.clone().unwrap_or_else(|| default_ident(&model));
    let from = a.file.file_name().map_or_else(
        || a.file.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let source = rust_source(&model, &bytes, &ident, &from);
    let to_stdout = out.is_stdout();
    let out_name = out.name().to_path_buf();
    out.put(source.as_bytes())?;
    out.commit()?;
    if !to_stdout {
        term::info(&format_args!(
            "wrote {}: pub const {ident}: [u8; {}], fingerprint 0x{:08x}",
            out_name.display(),
            bytes.len(),
            model.fingerprint()
        ));
    }
    Ok(Exit::Success)
}

/// The first line of a secret key file written by `model keygen`.
const SECRET_KEY_HEADER: &str = "silkscore-secret-key-v1 ed25519-seed";

/// The text of a secret key file: the header line, then the seed as 64 hex digits.
fn secret_key_text(seed: &[u8; 32]) -> String {
    format!("{SECRET_KEY_HEADER}\n{}\n", hex(seed))
}

/// What a key file holds.
#[derive(Debug, PartialEq, Eq)]
enum KeyFile {
    /// A secret key with the header of [`SECRET_KEY_HEADER`].
    Secret([u8; 32]),
    /// 32 bytes as 64 hex digits alone (or raw): a public key, or a secret key of an earlier
    /// version, which look the same.
    Bare([u8; 32]),
}

/// Parses a key file: the secret key format (header line, hex line), or 64 hex digits alone
/// (surrounding whitespace ignored), or exactly 32 raw bytes.
fn parse_key(bytes: &[u8]) -> Option<KeyFile> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if let Some(first) = lines.next() {
            if first == SECRET_KEY_HEADER {
                let seed = lines.next().and_then(parse_hex32)?;
                return lines.next().is_none().then_some(KeyFile::Secret(seed));
            }
        }
        if let Some(k) = parse_hex32(text) {
            return Some(KeyFile::Bare(k));
        }
    }
    <[u8; 32]>::try_from(bytes).ok().map(KeyFile::Bare)
}

/// Reads a key file (see [`parse_key`]), refusing anything else; `what` names the key.
fn read_key(path: &Path, what: &str) -> Result<KeyFile, CliError> {
    let bytes = read_limited(path, 4096)?;
    parse_key(&bytes).ok_or_else(|| {
        CliError::file(
            path,
            format!(
                "not {what}: expected the key file of `silkscore model keygen` (64 hex digits, \
                 after a `{SECRET_KEY_HEADER}` line for a secret key) or 32 raw bytes, found \
                 {} bytes",
                bytes.len()
            ),
        )
    })
}

/// `KEY.pub`.
fn pub_path(key: &Path) -> PathBuf {
    let mut s = key.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

/// The Ed25519 public key of `seed`.
fn public_of(seed: &[u8; 32]) -> [u8; 32] {
    signed::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes()
}

/// The seed of the secret key file `path` for `model sign`: a file in the secret key format
/// (the `SECRET_KEY_HEADER` line, then 64 hex digits). A bare 32-byte key is refused: it is
/// the format of a public key (`KEY.pub`), and a secret key of silkscore 0.1 (which wrote bare
/// keys) cannot be told from one by its content — signing with a public key would publish a
/// "signature" anyone can forge. The error says how to convert a genuine old secret key.
fn read_secret_key(path: &Path) -> Result<[u8; 32], CliError> {
    let seed = match read_key(path, "an Ed25519 secret key")? {
        KeyFile::Secret(seed) => seed,
        KeyFile::Bare(key) => {
            let named_pub = path.extension().is_some_and(|e| e == "pub");
            let sibling_same = read_limited(&pub_path(path), 4096)
                .ok()
                .and_then(|bytes| parse_key(&bytes))
                .is_some_and(|k| matches!(k, KeyFile::Bare(p) if p == key));
            let message = if named_pub || sibling_same {
                "this is a public key, not a secret key: sign with the secret key that \
                 `silkscore model keygen` wrote (KEY, not KEY.pub)"
                    .to_owned()
            } else {
                format!(
                    "64 hex digits without the `{SECRET_KEY_HEADER}` line: this is the format \
                     of a public key, and a public key must never sign. If it is a secret key \
                     written by silkscore 0.1, add that line before the hex digits"
                )
            };
            return Err(CliError::file(path, message));
        }
    };
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            term::warning(&format_args!(
                "{}: the secret key is readable or writable by other users (mode {:04o}); \
                 `chmod 600` it",
                path.display(),
                mode & 0o7777
            ));
        }
    }
    Ok(seed)
}

/// Writes a key file: new and exclusive, or replacing with `force`; `mode` on Unix.
fn write_key(path: &Path, text: &str, mode: u32, force: bool) -> Result<(), CliError> {
    write_new(path, text.as_bytes(), mode, force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::file(path, "already exists; pass --force to replace it")
        } else {
            CliError::io(path, e)
        }
    })
}

fn keygen(a: &KeygenArgs) -> Result<Exit, CliError> {
    let mut stdout = Output::stdout(&Inputs::new())?;
    let public_path = pub_path(&a.output);
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        CliError::file(
            &a.output,
            format!("no randomness from the operating system: {e}"),
        )
    })?;
    let public = public_of(&seed);
    write_key(&a.output, &secret_key_text(&seed), 0o600, a.force)?;
    if let Err(e) = write_key(&public_path, &format!("{}\n", hex(&public)), 0o644, a.force) {
        // Without its public key the new secret key is of no use: take it back (it is the
        // file this run created).
        if !a.force {
            let _ = std::fs::remove_file(&a.output);
        }
        return Err(e);
    }
    let array: Vec<String> = public.iter().map(|b| format!("0x{b:02x}")).collect();
    let text = format!(
        "public key  {}\nfirmware    pub const TRUSTED_MODEL_KEY: [u8; 32] = [{}];\nwrote {} \
         (secret: keep it off the kiosks) and {}\n",
        hex(&public),
        array.join(", "),
        escape(&a.output.display().to_string()),
        escape(&public_path.display().to_string())
    );
    stdout.put(text.as_bytes())?;
    stdout.commit()?;
    Ok(Exit::Success)
}

fn sign(a: &SignArgs) -> Result<Exit, CliError> {
    if a.revision == u32::MAX && !a.force {
        return Err(CliError::Usage(format!(
            "revision {} (u32::MAX) is the last one: a kiosk that installs it can never be \
             updated again; pass --force if that is what you want",
            u32::MAX
        )));
    }
    let inputs = Inputs::new().with(&a.file).with(&a.key);
    let mut stdout = Output::stdout(&inputs)?;
    let mut out = Output::file(&a.output, &inputs)?;
    let model = model_from_any(&a.file)?;
    let seed = read_secret_key(&a.key)?;
    let key = signed::SigningKey::from_bytes(&seed);
    let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
    let envelope = signed::sign_model(&model, a.revision, &key, &mut buf)
        .map_err(|e| CliError::file(&a.file, format!("cannot sign the model: {e}")))?;
    out.put(envelope)?;
    out.commit()?;
    let line = format!(
        "wrote {}: {} bytes, revision {}, {} fingerprint 0x{:08x}, signer {}",
        a.output.display(),
        envelope.len(),
        a.revision,
        model_label(&model),
        model.fingerprint(),
        hex(key.verifying_key().as_bytes())
    );
    stdout.put(format!("{}\n", escape(&line)).as_bytes())?;
    stdout.commit()?;
    Ok(Exit::Success)
}

fn verify(a: &VerifyArgs) -> Result<Exit, CliError> {
    let inputs = Inputs::new().with(&a.file).with(&a.public_key);
    let mut stdout = Output::stdout(&inputs)?;
    let key_bytes = if a.public_key.exists() {
        match read_key(&a.public_key, "an Ed25519 public key")? {
            KeyFile::Bare(k) => k,
            KeyFile::Secret(_) => {
                return Err(CliError::file(
                    &a.public_key,
                    "this is a secret key: verify with the public key (KEY.pub), which is \
                     all a kiosk has",
                ))
            }
        }
    } else {
        match a.public_key.to_str().and_then(parse_hex32) {
            Some(k) => k,
            None => {
                return Err(CliError::file(
                    &a.public_key,
                    "no such file, and not 64 hex digits either",
                ))
            }
        }
    };
    let trusted = signed::verifying_key(&key_bytes)
        .map_err(|e| CliError::file(&a.public_key, format!("{e}")))?;
    let bytes = read_limited(&a.file, 64 * 1024)?;
    match signed::verify(&bytes, &trusted, a.current_revision) {
        Ok(v) => {
            let line = format!(
                "valid: revision {} (running {}), {} fingerprint 0x{:08x}, {} indicators, \
                 signed by {}",
                v.revision,
                a.current_revision,
                model_label(&v.model),
                v.model.fingerprint(),
                v.model.len(),
                hex(trusted.as_bytes())
            );
            stdout.put(format!("{}\n", escape(&line)).as_bytes())?;
            stdout.commit()?;
            Ok(Exit::Success)
        }
        Err(e) => {
            let detail = match e {
                signed::VerifyError::UntrustedKey => signed::Envelope::parse(&bytes)
                    .map(|env| {
                        format!(
                            " (signed by {}, trusted key is {})",
                            hex(env.signer()),
                            hex(trusted.as_bytes())
                        )
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Err(CliError::file(&a.file, format!("refused: {e}{detail}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents() {
        assert!(rust_ident("KIOSK_MODEL").is_ok());
        assert!(rust_ident("_x1").is_ok());
        assert!(rust_ident("1X").is_err());
        assert!(rust_ident("a-b").is_err());
        assert!(rust_ident("_").is_err());
        assert!(rust_ident("fn").is_err());
        assert!(rust_ident("").is_err());
        assert_eq!(
            default_ident(&silkscore::BRI_CULTURAL_V1),
            "BRI_CULTURAL_V1_MODEL"
        );
    }
}
