//! Shared layer: the `--model FILE [--key PUB]` option of every subcommand that scores, and
//! the one place that loads it. FILE is told apart by its content, not its name:
//!
//! - a **signed envelope** (`silkscore model sign`) starts with the tag `silkscore-model1`
//!   and is accepted only with `--key PUB`, verified as a kiosk verifies it (docs/spec.md
//!   §6.5: structure, trusted signer, signature, model; any revision);
//! - a **compiled model** (`silkscore model compile`) starts with the format version byte
//!   0x01, which no TOML file can start with (TOML allows no control characters);
//! - anything else is a **TOML model file** (docs/spec.md §7.1).
//!
//! `--key` with a file that is not an envelope is refused: it would promise a check that a
//! TOML or compiled model cannot have.

use std::path::{Path, PathBuf};

use clap::Args;
use silkscore::{signed, wire, Model, FORMAT_VERSION};
use silkscore_host::model_file;

use crate::common::{hex, model_label, parse_hex32};
use crate::error::CliError;
use crate::files::{read_limited, Inputs};
use crate::term;

/// The largest model file read: a TOML file of 32 indicators is about 5 KB, a compiled model
/// at most 1609 bytes and an envelope 1727; anything near this is the wrong file.
pub const MAX_MODEL_FILE: u64 = 1024 * 1024;

/// The first line of a secret key file written by `silkscore model keygen`.
pub const SECRET_KEY_HEADER: &str = "silkscore-secret-key-v1 ed25519-seed";

/// The model option of a subcommand, flattened into it.
#[derive(Clone, Debug, Default, Args)]
pub struct ModelArg {
    /// The model: a TOML model file (docs/spec.md §7.1), a compiled model (`silkscore model
    /// compile`) or a signed envelope (`silkscore model sign`, with --key). Without it, the
    /// built-in model bri-cultural-v1.
    #[arg(short, long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// The public key a signed envelope given as --model must be signed with (KEY.pub of
    /// `silkscore model keygen`: 64 hex digits or 32 raw bytes, or the 64 hex digits
    /// themselves). The envelope is verified before the model is used: structure, signer,
    /// signature and model (any revision).
    #[arg(long, value_name = "PUB", requires = "model")]
    pub key: Option<PathBuf>,
}

/// What kind of file a model file is, by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// A TOML model file.
    Toml,
    /// A compiled model message.
    Compiled,
    /// A signed envelope.
    Envelope,
}

impl ModelKind {
    /// The kind of a model file that starts with `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        if bytes.starts_with(&signed::ENVELOPE_TAG) {
            ModelKind::Envelope
        } else if bytes.first() == Some(&FORMAT_VERSION) {
            ModelKind::Compiled
        } else {
            ModelKind::Toml
        }
    }

    /// `a TOML model file`, `a compiled model`, `a signed envelope`.
    pub const fn describe(self) -> &'static str {
        match self {
            ModelKind::Toml => "a TOML model file",
            ModelKind::Compiled => "a compiled model",
            ModelKind::Envelope => "a signed envelope",
        }
    }
}

impl ModelArg {
    /// The model file, if one was given.
    pub fn path(&self) -> Option<&Path> {
        self.model.as_deref()
    }

    /// `inputs` with the model file and the key file (when they are files), so that no
    /// output overwrites them.
    pub fn inputs(&self, inputs: Inputs) -> Inputs {
        let key_file = self.key.as_deref().filter(|k| k.exists());
        inputs.with_opt(self.model.as_deref()).with_opt(key_file)
    }

    /// The model of `--model` (and `--key`), or the built-in bri-cultural-v1.
    pub fn load(&self) -> Result<Model, CliError> {
        match &self.model {
            Some(path) => load(path, self.key.as_deref()),
            None => Ok(silkscore::BRI_CULTURAL_V1.clone()),
        }
    }
}

/// Loads the model file `path` of any kind ([`ModelKind`]); an envelope needs `key`, and
/// `key` needs an envelope.
pub fn load(path: &Path, key: Option<&Path>) -> Result<Model, CliError> {
    let bytes = read_limited(path, MAX_MODEL_FILE)?;
    let kind = ModelKind::of(&bytes);
    match (kind, key) {
        (ModelKind::Envelope, Some(key)) => verified(path, &bytes, key),
        (ModelKind::Envelope, None) => Err(CliError::file(
            path,
            "a signed envelope: give the public key it must be signed with, --key KEY.pub, \
             and it is verified before use",
        )),
        (other, Some(key)) => Err(CliError::file(
            path,
            format!(
                "is {}, which carries no signature to check with --key {}: give the signed \
                 envelope (`silkscore model sign`), or leave --key out",
                other.describe(),
                key.display()
            ),
        )),
        (ModelKind::Compiled, None) => wire::decode_model(&bytes).map_err(|e| {
            CliError::file(
                path,
                format!(
                    "a compiled model ({} bytes) that is refused: {e}",
                    bytes.len()
                ),
            )
        }),
        (ModelKind::Toml, None) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                CliError::file(
                    path,
                    "not UTF-8 text, so not a TOML model file; nor a compiled model (first \
                     byte 0x01) or a signed envelope (tag silkscore-model1)",
                )
            })?;
            Ok(model_file::parse(&text, path)?)
        }
    }
}

/// The model of the envelope `bytes`, verified against the public key in `key`.
fn verified(path: &Path, bytes: &[u8], key: &Path) -> Result<Model, CliError> {
    let key_bytes = public_key(key)?;
    let trusted = signed::verifying_key(&key_bytes)
        .map_err(|e| CliError::file(key, format!("not a usable public key: {e}")))?;
    match signed::verify(bytes, &trusted, 0) {
        Ok(v) => {
            term::note(&format_args!(
                "{}: signed envelope verified: revision {}, {} fingerprint 0x{:08x}, signed by \
                 {}",
                path.display(),
                v.revision,
                model_label(&v.model),
                v.model.fingerprint(),
                hex(trusted.as_bytes())
            ));
            Ok(v.model)
        }
        Err(e) => {
            let detail = match e {
                signed::VerifyError::UntrustedKey => signed::Envelope::parse(bytes)
                    .map(|env| {
                        format!(
                            " (signed by {}, --key is {})",
                            hex(env.signer()),
                            hex(trusted.as_bytes())
                        )
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Err(CliError::file(
                path,
                format!("signed envelope refused: {e}{detail}"),
            ))
        }
    }
}

/// The 32 bytes of the public key `key`: a file of 64 hex digits (surrounding whitespace
/// ignored) or of 32 raw bytes, or, when no such file exists, the 64 hex digits themselves.
/// A secret key file (with [`SECRET_KEY_HEADER`]) is refused: verification needs only the
/// public key, and a secret key has no business on the machine that verifies.
pub fn public_key(key: &Path) -> Result<[u8; 32], CliError> {
    if !key.exists() {
        return key.to_str().and_then(parse_hex32).ok_or_else(|| {
            CliError::file(
                key,
                "no such file, and not 64 hex digits of a public key either",
            )
        });
    }
    let bytes = read_limited(key, 4096)?;
    if let Ok(text) = std::str::from_utf8(&bytes) {
        if text.lines().next().map(str::trim) == Some(SECRET_KEY_HEADER) {
            return Err(CliError::file(
                key,
                "this is a secret key: verify with the public key (KEY.pub), which is all a \
                 kiosk has",
            ));
        }
        if let Some(k) = parse_hex32(text) {
            return Ok(k);
        }
    }
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        CliError::file(
            key,
            format!(
                "not an Ed25519 public key: expected the KEY.pub of `silkscore model keygen` \
                 (64 hex digits) or 32 raw bytes, found {} bytes",
                bytes.len()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(ModelKind::of(b"silkscore-model1\x01"), ModelKind::Envelope);
        assert_eq!(ModelKind::of(&[1, 15, b'b']), ModelKind::Compiled);
        assert_eq!(ModelKind::of(b"name = \"x\""), ModelKind::Toml);
        assert_eq!(ModelKind::of(b""), ModelKind::Toml);
        assert_eq!(ModelKind::of(b"\x02"), ModelKind::Toml);
    }
}
