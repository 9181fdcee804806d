//! `silkscore model …`: check, compile, show and export model files; generate keys, sign and
//! verify model envelopes (feature signed-models, on by default in the tool).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use silkscore::{signed, wire, Model};
use silkscore_host::model_file;

use crate::common::{describe_model, hex, model_from_any, parse_hex32, read_limited, CliError};
use crate::Exit;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore model check my-model.toml
  silkscore model compile my-model.toml -o my-model.bin
  silkscore model export-rust my-model.toml -o src/model.rs --name KIOSK_MODEL
  silkscore model keygen -o operator.key
  silkscore model sign my-model.toml --key operator.key --revision 4 -o my-model.env
  silkscore model verify my-model.env --public-key operator.key.pub --current-revision 3

Exit status: 0 done (for verify: the envelope is valid), 2 unusable arguments or files (for
check: the model is invalid; for verify: the envelope is refused, and the reason is given).")]
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
    /// The TOML model file (SPEC §7).
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

Writes the secret key seed (64 hex digits, file mode 0600) to KEY and the public key to
KEY.pub, and prints the public key as hex and as a Rust array for the kiosk firmware. Keep
KEY off the kiosks; they only need the public key.")]
struct KeygenArgs {
    /// Where to write the secret key (the public key goes to the same name plus `.pub`).
    #[arg(short, long, value_name = "KEY")]
    output: PathBuf,
    /// Overwrite KEY and KEY.pub if they exist.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore model sign my-model.toml --key operator.key --revision 4 -o my-model.env

Revisions start at 1 and must grow: a kiosk running revision 3 installs revision 4 and
refuses 3 or below.")]
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
    /// Where to write the envelope.
    #[arg(short, long, value_name = "FILE.env")]
    output: PathBuf,
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
        ModelCommand::ExportRust(a) => export_rust(a),
        ModelCommand::Keygen(a) => keygen(a),
        ModelCommand::Sign(a) => sign(a),
        ModelCommand::Verify(a) => verify(a),
    }
}

fn check(a: &CheckArgs) -> Result<Exit, CliError> {
    let model = model_file::load(&a.file)?;
    let source = format!("{} (TOML model file): valid", a.file.display());
    print!("{}", describe_model(&model, &source));
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

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    fs::write(path, bytes).map_err(|e| CliError::io(path, e))
}

fn compile(a: &CompileArgs) -> Result<Exit, CliError> {
    let model = model_file::load(&a.file)?;
    let bytes = encode(&model)?;
    write_file(&a.output, &bytes)?;
    println!(
        "wrote {}: {} bytes (a model message is at most MODEL_MAX_SIZE = {} bytes), \
         fingerprint 0x{:08x}",
        a.output.display(),
        bytes.len(),
        wire::MODEL_MAX_SIZE,
        model.fingerprint()
    );
    Ok(Exit::Success)
}

fn show(a: &ShowArgs) -> Result<Exit, CliError> {
    let bytes = read_limited(&a.file, 64 * 1024)?;
    if bytes.starts_with(&signed::ENVELOPE_TAG) {
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
        print!("{}", describe_model(&model, &source));
        return Ok(Exit::Success);
    }
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
    print!("{}", describe_model(&model, &source));
    Ok(Exit::Success)
}

const KEYWORDS: [&str; 51] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Parses `--name`: a Rust identifier that is not a keyword.
fn rust_ident(s: &str) -> Result<String, String> {
    let mut chars = s.chars();
    let ok_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !ok_start || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || s == "_" {
        return Err(format!(
            "`{s}` is not a Rust identifier (ASCII letters, digits and `_`, not starting \
             with a digit)"
        ));
    }
    if KEYWORDS.contains(&s) {
        return Err(format!("`{s}` is a Rust keyword"));
    }
    Ok(s.to_owned())
}

/// The default constant name: the model name in upper case, other characters as `_`, then
/// `_MODEL`.
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

/// The Rust source written by `model export-rust`.
fn rust_source(model: &Model, bytes: &[u8], ident: &str, from: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let name = if model.name().is_empty() {
        "(unnamed)"
    } else {
        model.name()
    };
    let _ = writeln!(
        s,
        "// Generated by `silkscore model export-rust` from {from}. Do not edit."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "/// Model `{name}`, fingerprint 0x{:08x}: the {}-byte postcard model message (wire",
        model.fingerprint(),
        bytes.len()
    );
    let _ = writeln!(
        s,
        "/// format version {}, {} indicators). Decode it with `silkscore::wire::decode_model`,",
        silkscore::FORMAT_VERSION,
        model.len()
    );
    let _ = writeln!(
        s,
        "/// which validates it again; its fingerprint is [`{ident}_FINGERPRINT`]."
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
    let model = model_from_any(&a.file)?;
    let bytes = encode(&model)?;
    let ident = a.name.clone().unwrap_or_else(|| default_ident(&model));
    let from = a.file.file_name().map_or_else(
        || a.file.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let source = rust_source(&model, &bytes, &ident, &from);
    match &a.output {
        Some(path) if !crate::common::is_std(path) => {
            write_file(path, source.as_bytes())?;
            eprintln!(
                "silkscore: wrote {}: pub const {ident}: [u8; {}], fingerprint 0x{:08x}",
                path.display(),
                bytes.len(),
                model.fingerprint()
            );
        }
        _ => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(source.as_bytes()).and_then(|()| out.flush()) {
                return crate::common::write_failed(e, Path::new("<stdout>"));
            }
        }
    }
    Ok(Exit::Success)
}

/// Reads a key file: 64 hex digits (surrounding whitespace ignored) or exactly 32 raw bytes.
fn read_key32(path: &Path, what: &str) -> Result<[u8; 32], CliError> {
    let bytes = read_limited(path, 4096)?;
    if let Some(k) = std::str::from_utf8(&bytes).ok().and_then(parse_hex32) {
        return Ok(k);
    }
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        CliError::file(
            path,
            format!(
                "not {what}: expected 64 hex digits or 32 raw bytes, found {} bytes",
                bytes.len()
            ),
        )
    })
}

fn pub_path(key: &Path) -> PathBuf {
    let mut s = key.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

fn write_new(path: &Path, text: &str, force: bool, secret: bool) -> Result<(), CliError> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::file(path, "already exists; pass --force to overwrite it")
        } else {
            CliError::io(path, e)
        }
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::io(path, e))
}

fn keygen(a: &KeygenArgs) -> Result<Exit, CliError> {
    let public_path = pub_path(&a.output);
    if !a.force {
        for p in [&a.output, &public_path] {
            if p.exists() {
                return Err(CliError::file(
                    p,
                    "already exists; pass --force to overwrite it",
                ));
            }
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        CliError::file(
            &a.output,
            format!("no randomness from the operating system: {e}"),
        )
    })?;
    let key = signed::SigningKey::from_bytes(&seed);
    let public = key.verifying_key().to_bytes();
    write_new(&a.output, &format!("{}\n", hex(&seed)), a.force, true)?;
    write_new(&public_path, &format!("{}\n", hex(&public)), a.force, false)?;
    println!("public key  {}", hex(&public));
    let array: Vec<String> = public.iter().map(|b| format!("0x{b:02x}")).collect();
    println!(
        "firmware    pub const TRUSTED_MODEL_KEY: [u8; 32] = [{}];",
        array.join(", ")
    );
    println!(
        "wrote {} (secret: keep it off the kiosks) and {}",
        a.output.display(),
        public_path.display()
    );
    Ok(Exit::Success)
}

fn sign(a: &SignArgs) -> Result<Exit, CliError> {
    let model = model_from_any(&a.file)?;
    let seed = read_key32(&a.key, "an Ed25519 secret key")?;
    let key = signed::SigningKey::from_bytes(&seed);
    let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
    let envelope = signed::sign_model(&model, a.revision, &key, &mut buf)
        .map_err(|e| CliError::file(&a.file, format!("cannot sign the model: {e}")))?;
    write_file(&a.output, envelope)?;
    println!(
        "wrote {}: {} bytes, revision {}, {} fingerprint 0x{:08x}, signer {}",
        a.output.display(),
        envelope.len(),
        a.revision,
        crate::common::model_label(&model),
        model.fingerprint(),
        hex(key.verifying_key().as_bytes())
    );
    Ok(Exit::Success)
}

fn verify(a: &VerifyArgs) -> Result<Exit, CliError> {
    let key_bytes = if a.public_key.exists() {
        read_key32(&a.public_key, "an Ed25519 public key")?
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
            println!(
                "valid: revision {} (running {}), {} fingerprint 0x{:08x}, {} indicators, \
                 signed by {}",
                v.revision,
                a.current_revision,
                crate::common::model_label(&v.model),
                v.model.fingerprint(),
                v.model.len(),
                hex(trusted.as_bytes())
            );
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
