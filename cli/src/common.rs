//! Shared layer: compiled or TOML model files by name (`model_from_any`), the model description of `model check` / `model show`, model
//! labels, hex keys, connotation arguments and fixed-decimal JSON numbers.

use std::fmt::Write as _;
use std::path::Path;

use clap::ValueEnum;
use serde_json::value::RawValue;
use silkscore::{wire, Connotation, Model};
use silkscore_host::model_file;

use crate::error::CliError;
use crate::files::read_limited;
use crate::term::{escape, pad, width};

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

/// `model `name``, or `the unnamed model` (escape it before printing to a terminal).
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

/// A JSON number with exactly `decimals` decimals (as the score output writes them), or
/// `null` when not finite; serialised verbatim by serde_json.
pub fn fixed(v: f32, decimals: usize) -> Option<Box<RawValue>> {
    if v.is_finite() {
        RawValue::from_string(format!("{v:.decimals$}")).ok()
    } else {
        None
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
    let _ = writeln!(s, "model         {}", escape(name));
    let _ = writeln!(s, "source        {}", escape(source));
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
        .map(|i| width(i.id.as_str()))
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
            "{:>3}  {}  {:<11}  {:<9}  {:<9}  {:>12}  {:>12}  {:>10}  {:>9.4}",
            k,
            pad(ind.id.as_str(), id_width),
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
    fn description_names_everything() {
        let d = describe_model(&silkscore::BRI_CULTURAL_V1, "built-in");
        assert!(d.contains("model         bri-cultural-v1"));
        assert!(d.contains(&format!(
            "0x{:08x}",
            silkscore::BRI_CULTURAL_V1.fingerprint()
        )));
        assert!(d.contains("stability_risk"));
        assert!(d.contains("0.0556"));
        let d = describe_model(&silkscore::BRI_CULTURAL_V1, "a\u{1b}]0;x\u{7}b");
        assert!(d.contains("source        a\\u{1b}]0;x\\u{7}b\n"), "{d}");
    }
}
