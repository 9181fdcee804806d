//! TOML model files (docs/spec.md §7): [`load`] / [`parse`] a file into a validated [`Model`],
//! [`to_toml`] to write one back (for instance with computed weights), and [`decompile`] to
//! turn a compiled model message back into a model file that compiles to the same bytes.
//!
//! Every key of docs/spec.md §7 is required except `name`; an unknown key is an error naming it, so
//! a typo never silently changes a model. Every error names the field and, where the file has
//! one, the line:
//!
//! ```
//! use silkscore_host::model_file;
//! let text = silkscore_host::model_file::to_toml(&silkscore::BRI_CULTURAL_V1);
//! let model = model_file::parse(&text, "bri.toml").unwrap();
//! assert_eq!(model, silkscore::BRI_CULTURAL_V1);
//!
//! let typo = text.replacen("weight = 1", "wieght = 1", 1);
//! let err = model_file::parse(&typo, "bri.toml").unwrap_err();
//! assert_eq!(err.field(), Some("indicator[0].wieght"));
//! assert_eq!(err.line(), Some(20));
//! assert!(err.to_string().starts_with("bri.toml:20: indicator[0].wieght: unknown field `wieght`"));
//! ```

use core::fmt::Write as _;
use core::ops::Range;
use std::borrow::ToOwned;
use std::format;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::{line_of, HostError};
use silkscore::error::{IndicatorField, ModelError, ModelField};
use silkscore::model::{
    Aggregation, Connotation, Direction, Indicator, Model, ModelParams, Transform,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    name: Option<Spanned<String>>,
    within: Spanned<String>,
    across: Spanned<String>,
    floor: Spanned<F32>,
    min_coverage: Spanned<F32>,
    grades: Spanned<Vec<F32>>,
    weights: Spanned<Table<RawWeights>>,
    indicator: Spanned<Vec<Spanned<Table<RawIndicator>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    cultural: Spanned<F32>,
    economic: Spanned<F32>,
    security: Spanned<F32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    connotation: Spanned<String>,
    direction: Spanned<String>,
    transform: Spanned<String>,
    lo: Spanned<F32>,
    hi: Spanned<F32>,
    weight: Spanned<F32>,
}

/// A `T` read only from a TOML table. A derived `Deserialize` of a struct also accepts a
/// sequence of its fields in order, so `weights = [1, 1, 1]` would be read as the three
/// weights; this refuses it.
struct Table<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OnlyTable<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OnlyTable<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(OnlyTable(PhantomData))
            .map(Table)
    }
}

/// A number of a model file, as the `f32` the model holds. TOML numbers are 64-bit; a value
/// that does not survive the conversion is refused rather than changed: a finite value too
/// large for f32 (it would become infinite), and a nonzero value too small for a normal f32
/// (it would become 0 or a subnormal, and lose its precision). NaN and infinities pass (the
/// model's validation names the field they break).
#[derive(Clone, Copy)]
struct F32(f32);

impl F32 {
    fn get(self) -> f32 {
        self.0
    }
}

impl<'de> Deserialize<'de> for F32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Number;
        impl Visitor<'_> for Number {
            type Value = F32;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<F32, E> {
                let x = v as f32;
                if v.is_finite() && x.is_infinite() {
                    return Err(E::custom(format!(
                        "{v} is too large for a 32-bit float (largest {:e})",
                        f32::MAX
                    )));
                }
                if v != 0.0 && x.is_finite() && !x.is_normal() {
                    return Err(E::custom(format!(
                        "{v:e} is too small for a 32-bit float (smallest normal {:e}); \
                         write 0 for zero",
                        f32::MIN_POSITIVE
                    )));
                }
                Ok(F32(x))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<F32, E> {
                // Every i64 is within f32's range.
                Ok(F32(v as f32))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<F32, E> {
                Ok(F32(v as f32))
            }
        }
        deserializer.deserialize_any(Number)
    }
}

/// Reads and validates the model file at `path`.
///
/// Errors: [`HostError::Io`] when the file cannot be read (or is not UTF-8),
/// [`HostError::Model`] for everything [`parse`] rejects.
pub fn load(path: &Path) -> Result<Model, HostError> {
    let text = std::fs::read_to_string(path).map_err(|e| HostError::io(path, e))?;
    parse(&text, path)
}

/// Parses and validates a model from the text of a model file; `path` is only used to name
/// the file in errors.
///
/// Errors are [`HostError::Model`] with the line (from the TOML span of the offending key or
/// value) and the field (`floor`, `weights.economic`, `indicator[3].hi`, …): TOML syntax
/// errors, unknown or missing keys, values of the wrong type, unknown `within` / `across` /
/// `connotation` / `direction` / `transform` names, a `grades` array that does not have
/// exactly four thresholds, and every violation of docs/spec.md §3 that [`Model::new`] finds.
pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Model, HostError> {
    let path = path.as_ref();
    let raw: RawModel = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
    let err = |span: Range<usize>, field: String, message: String| HostError::Model {
        path: path.to_path_buf(),
        line: Some(line_of(text, span.start)),
        field: Some(field),
        message,
    };

    let aggregation = |v: &Spanned<String>, field: &str| {
        Aggregation::parse(v.get_ref()).ok_or_else(|| {
            err(
                v.span(),
                field.to_owned(),
                format!(
                    "unknown aggregation `{}`, expected `arithmetic` or `geometric`",
                    v.get_ref()
                ),
            )
        })
    };
    let within = aggregation(&raw.within, "within")?;
    let across = aggregation(&raw.across, "across")?;
    let grades: Vec<f32> = raw.grades.get_ref().iter().map(|g| g.get()).collect();
    let grades: [f32; 4] = grades.as_slice().try_into().map_err(|_| {
        err(
            raw.grades.span(),
            "grades".to_owned(),
            format!(
                "expected exactly 4 grade thresholds (A, B, C, D), found {}",
                raw.grades.get_ref().len()
            ),
        )
    })?;
    let w = &raw.weights.get_ref().0;
    let params = ModelParams {
        within,
        across,
        floor: raw.floor.get_ref().get(),
        min_coverage: raw.min_coverage.get_ref().get(),
        grades,
        weights: [
            w.cultural.get_ref().get(),
            w.economic.get_ref().get(),
            w.security.get_ref().get(),
        ],
    };

    let mut indicators = Vec::with_capacity(raw.indicator.get_ref().len());
    for (k, ind) in raw.indicator.get_ref().iter().enumerate() {
        let ind = &ind.get_ref().0;
        let named = |v: &Spanned<String>, key: &str, expected: &str| {
            err(
                v.span(),
                format!("indicator[{k}].{key}"),
                format!("unknown {key} `{}`, expected {expected}", v.get_ref()),
            )
        };
        let connotation = Connotation::parse(ind.connotation.get_ref()).ok_or_else(|| {
            named(
                &ind.connotation,
                "connotation",
                "`cultural`, `economic` or `security`",
            )
        })?;
        let direction = Direction::parse(ind.direction.get_ref())
            .ok_or_else(|| named(&ind.direction, "direction", "`benefit` or `cost`"))?;
        let transform = Transform::parse(ind.transform.get_ref())
            .ok_or_else(|| named(&ind.transform, "transform", "`lin`, `log` or `ln`"))?;
        // An over-long id becomes empty here and is rejected by `Model::new` as `indicator[k].id`.
        indicators.push(
            Indicator::new(
                ind.id.get_ref(),
                connotation,
                direction,
                transform,
                ind.lo.get_ref().get(),
                ind.hi.get_ref().get(),
            )
            .with_weight(ind.weight.get_ref().get()),
        );
    }

    let name = raw.name.as_ref().map_or("", |n| n.get_ref().as_str());
    Model::new(name, params, &indicators).map_err(|e| model_error(text, path, &raw, &e))
}

/// Maps a validation error of [`Model::new`] to a [`HostError::Model`] with the line of the
/// offending key.
fn model_error(text: &str, path: &Path, raw: &RawModel, e: &ModelError) -> HostError {
    HostError::Model {
        path: path.to_path_buf(),
        line: span_of(raw, &e.field).map(|s| line_of(text, s.start)),
        field: Some(e.field.to_string()),
        message: e.reason.to_owned(),
    }
}

/// The span in the file of a model field, where it has one.
fn span_of(raw: &RawModel, field: &ModelField) -> Option<Range<usize>> {
    let w = &raw.weights.get_ref().0;
    match field {
        ModelField::Name => raw.name.as_ref().map(Spanned::span),
        ModelField::Indicators => Some(raw.indicator.span()),
        ModelField::Floor => Some(raw.floor.span()),
        ModelField::MinCoverage => Some(raw.min_coverage.span()),
        ModelField::Grades => Some(raw.grades.span()),
        ModelField::ConnotationWeight(c) => Some(match c {
            Connotation::Cultural => w.cultural.span(),
            Connotation::Economic => w.economic.span(),
            Connotation::Security => w.security.span(),
        }),
        ModelField::ConnotationWeights => Some(raw.weights.span()),
        ModelField::Indicator { index, field } => {
            let ind = raw.indicator.get_ref().get(usize::from(*index))?;
            let i = &ind.get_ref().0;
            Some(match field {
                IndicatorField::Id => i.id.span(),
                IndicatorField::Lo => i.lo.span(),
                IndicatorField::Hi => i.hi.span(),
                IndicatorField::Weight => i.weight.span(),
                _ => return None,
            })
        }
        // A connotation-wide problem (no positive weight, weights that do not sum) has no single
        // line: point at the weight of its first indicator, if it has one.
        ModelField::Connotation(c) => raw
            .indicator
            .get_ref()
            .iter()
            .find(|i| Connotation::parse(i.get_ref().0.connotation.get_ref()) == Some(*c))
            .map(|i| i.get_ref().0.weight.span()),
        _ => None,
    }
}

/// Turns a TOML / shape error into a [`HostError::Model`] with the line of its span and, where
/// it can be worked out from the file text, the field.
fn toml_error(text: &str, path: &Path, e: &toml::de::Error) -> HostError {
    let message = e
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let line = e.span().map(|s| line_of(text, s.start));
    let field = line.and_then(|l| field_at(text, l, &message));
    HostError::Model {
        path: path.to_path_buf(),
        line,
        field,
        message,
    }
}

/// The field a TOML error on `line` is about: the table it is in (`weights`,
/// `indicator[k]`, or the top level) and the key (from an `unknown field` / `missing field`
/// message, or the `key =` on that line).
fn field_at(text: &str, line: usize, message: &str) -> Option<String> {
    let mut section: Option<String> = None;
    let mut indicators = 0usize;
    let mut key_on_line = None;
    for (n, l) in text.lines().enumerate().take(line) {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix("[[") {
            let name = rest.split("]]").next().unwrap_or("").trim();
            section = Some(if name == "indicator" {
                indicators += 1;
                format!("indicator[{}]", indicators - 1)
            } else {
                name.to_owned()
            });
        } else if let Some(rest) = t.strip_prefix('[') {
            section = Some(rest.split(']').next().unwrap_or("").trim().to_owned());
        } else if n + 1 == line {
            key_on_line = t
                .split_once('=')
                .map(|(k, _)| k.trim().trim_matches('"').to_owned())
                .filter(|k| !k.is_empty() && !k.starts_with('#'));
        }
    }
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|m| m.split('`').next())
            .map(str::to_owned)
    };
    let key = quoted("unknown field `")
        .or_else(|| quoted("missing field `"))
        .or(key_on_line);
    match (section, key) {
        (Some(s), Some(k)) => Some(format!("{s}.{k}")),
        (Some(s), None) => Some(s),
        (None, k) => k,
    }
}

/// Writes `model` as a model file in the layout of docs/spec.md §7, one `[[indicator]]` table per
/// indicator in record order. [`parse`] reads it back to an equal model (same fingerprint);
/// every number is written in the shortest form that reads back to the same `f32`.
///
/// ```
/// let text = silkscore_host::model_file::to_toml(&silkscore::BRI_CULTURAL_V1);
/// assert!(text.starts_with("name = \"bri-cultural-v1\"\nwithin = \"arithmetic\"\n"));
/// assert!(text.contains("[[indicator]]\nid = \"stability_risk\"\n"));
/// ```
pub fn to_toml(model: &Model) -> String {
    let p = model.params();
    let mut s = String::new();
    // Writing to a String cannot fail.
    if !model.name().is_empty() {
        let _ = writeln!(s, "name = {}", toml_string(model.name()));
    }
    let _ = writeln!(s, "within = \"{}\"", p.within.as_str());
    let _ = writeln!(s, "across = \"{}\"", p.across.as_str());
    let _ = writeln!(s, "floor = {}", toml_number(p.floor));
    let _ = writeln!(s, "min_coverage = {}", toml_number(p.min_coverage));
    let grades: Vec<String> = p.grades.iter().map(|g| toml_number(*g)).collect();
    let _ = writeln!(s, "grades = [{}]", grades.join(", "));
    let _ = writeln!(s, "\n[weights]");
    for (c, w) in Connotation::ALL.iter().zip(p.weights) {
        let _ = writeln!(s, "{} = {}", c.as_str(), toml_number(w));
    }
    for ind in model.indicators() {
        let _ = writeln!(s, "\n[[indicator]]");
        let _ = writeln!(s, "id = {}", toml_string(ind.id.as_str()));
        let _ = writeln!(s, "connotation = \"{}\"", ind.connotation.as_str());
        let _ = writeln!(s, "direction = \"{}\"", ind.direction.as_str());
        let _ = writeln!(s, "transform = \"{}\"", ind.transform.as_str());
        let _ = writeln!(s, "lo = {}", toml_number(ind.lo));
        let _ = writeln!(s, "hi = {}", toml_number(ind.hi));
        let _ = writeln!(s, "weight = {}", toml_number(ind.weight));
    }
    s
}

/// The model file of a compiled model message (what `wire::encode_model` writes): the
/// decoded model written by [`to_toml`], checked to read back ([`parse`]) to a model that
/// encodes to exactly `bytes` (so also to the same fingerprint). `path` names the compiled
/// model in errors.
///
/// Errors are [`HostError::Model`]: bytes that do not decode as a valid model (docs/spec.md
/// §6.1), and a model that a model file cannot hold (a subnormal goalpost, say, which the
/// model file reader refuses: the error names the field).
///
/// ```
/// use silkscore::{wire, BRI_CULTURAL_V1};
/// use silkscore_host::model_file;
/// let bytes = wire::to_vec(&BRI_CULTURAL_V1);
/// let text = model_file::decompile(&bytes, "bri.bin").unwrap();
/// let back = model_file::parse(&text, "bri.toml").unwrap();
/// assert_eq!(wire::to_vec(&back), bytes);
/// assert!(model_file::decompile(&bytes[..10], "cut.bin").is_err());
/// ```
pub fn decompile(bytes: &[u8], path: impl AsRef<Path>) -> Result<String, HostError> {
    let path = path.as_ref();
    let refused = |message: String, field: Option<String>| HostError::Model {
        path: path.to_path_buf(),
        line: None,
        field,
        message,
    };
    let model = silkscore::wire::decode_model(bytes)
        .map_err(|e| refused(format!("not a valid compiled model: {e}"), None))?;
    let text = to_toml(&model);
    let back = parse(&text, path).map_err(|e| match e {
        HostError::Model { field, message, .. } => refused(
            format!("the model cannot be written as a model file that reads back to it: {message}"),
            field,
        ),
        other => other,
    })?;
    if silkscore::wire::to_vec(&back) != bytes {
        return Err(refused(
            "the model file written for this model compiles to other bytes".to_owned(),
            None,
        ));
    }
    Ok(text)
}

/// Writes `model` to the file at `path` (see [`to_toml`]).
pub fn save(path: &Path, model: &Model) -> Result<(), HostError> {
    std::fs::write(path, to_toml(model)).map_err(|e| HostError::io(path, e))
}

/// A TOML number that reads back (through f64, as the TOML reader does) to exactly `x`.
fn toml_number(x: f32) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0" }.to_owned();
    }
    // Whole numbers as TOML integers while they fit an i64 comfortably; otherwise floats.
    let s = if x.fract() == 0.0 && x.abs() >= 1e15 {
        format!("{x:e}")
    } else {
        format!("{x}")
    };
    if s.parse::<f64>().map(|v| v as f32) == Ok(x) {
        s
    } else {
        format!("{:?}", f64::from(x))
    }
}

/// A TOML basic string.
fn toml_string(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(s, "\\u{:04X}", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn vectors() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
    }

    #[test]
    fn default_file_loads_and_round_trips() {
        let m = load(&vectors().join("bri-cultural-v1.toml")).unwrap();
        assert_eq!(m, silkscore::BRI_CULTURAL_V1);
        let text = to_toml(&m);
        let back = parse(&text, "x.toml").unwrap();
        assert_eq!(back, m);
        assert_eq!(back.fingerprint(), m.fingerprint());
    }

    #[test]
    fn custom_files_round_trip() {
        for f in ["custom5.toml", "custom32.toml"] {
            let m = load(&vectors().join(f)).unwrap();
            let back = parse(&to_toml(&m), f).unwrap();
            assert_eq!(back, m, "{f}");
            assert_eq!(back.fingerprint(), m.fingerprint(), "{f}");
        }
    }

    #[test]
    fn awkward_numbers_round_trip() {
        for x in [
            0.01f32,
            0.1,
            1.0 / 3.0,
            1e-7,
            1e30,
            -1e30,
            16_777_217.0,
            3.402_823_5e38,
            1e-45,
            -0.0,
            0.999_999_94,
            123_456.79,
        ] {
            let s = toml_number(x);
            let v: f64 = s.parse().unwrap_or_else(|_| panic!("{s}"));
            assert_eq!((v as f32).to_bits(), x.to_bits(), "{x} -> {s}");
            let doc = format!("v = {s}\n");
            let t: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            let v = match t.get("v").unwrap() {
                toml::Value::Float(f) => *f as f32,
                toml::Value::Integer(i) => *i as f32,
                other => panic!("{other:?}"),
            };
            assert_eq!(v.to_bits(), x.to_bits(), "{x} -> {s}");
        }
    }

    #[test]
    fn decompile_gives_the_same_bytes_for_awkward_models() {
        use silkscore::model::{Direction, ModelParams};
        let name = "tab\tquote\"back\\slash\u{1b}é丝";
        let inds = [
            Indicator::new(
                "a",
                Connotation::Cultural,
                Direction::Benefit,
                Transform::Lin,
                -0.0,
                f32::MAX,
            )
            .with_weight(1.0e30),
            Indicator::new(
                "b-2",
                Connotation::Economic,
                Direction::Cost,
                Transform::Log,
                -0.999_999_9,
                1.0e-30,
            )
            .with_weight(f32::MIN_POSITIVE),
            Indicator::new(
                "c_3",
                Connotation::Security,
                Direction::Benefit,
                Transform::Ln,
                1.18e-38,
                3.4e38,
            )
            .with_weight(0.1),
            Indicator::new(
                "d",
                Connotation::Security,
                Direction::Benefit,
                Transform::Lin,
                0.0,
                1.0,
            )
            .with_weight(-0.0),
        ];
        let params = ModelParams {
            floor: 1.0e-7,
            min_coverage: 0.333_333_34,
            grades: [99.99, 65.5, 0.1, 0.0],
            weights: [1.0e30, 0.0, 1.0e-30],
            ..ModelParams::DEFAULT
        };
        let model = Model::new(name, params, &inds).unwrap();
        let bytes = silkscore::wire::to_vec(&model);
        let text = decompile(&bytes, "m.bin").unwrap();
        let back = parse(&text, "m.toml").unwrap();
        assert_eq!(silkscore::wire::to_vec(&back), bytes);
        assert_eq!(back.fingerprint(), model.fingerprint());
        assert!(back.indicators()[3].weight.is_sign_negative());

        // A subnormal goalpost: a valid model that no model file can hold.
        let sub = [
            Indicator::new(
                "a",
                Connotation::Cultural,
                Direction::Benefit,
                Transform::Lin,
                1.0e-40,
                1.0,
            ),
            Indicator::new(
                "b",
                Connotation::Economic,
                Direction::Benefit,
                Transform::Lin,
                0.0,
                1.0,
            ),
            Indicator::new(
                "c",
                Connotation::Security,
                Direction::Benefit,
                Transform::Lin,
                0.0,
                1.0,
            ),
        ];
        let model = Model::new("", ModelParams::DEFAULT, &sub).unwrap();
        let e = decompile(&silkscore::wire::to_vec(&model), "s.bin").unwrap_err();
        assert_eq!(e.field(), Some("indicator[0].lo"));
        assert!(e.to_string().contains("too small"), "{e}");

        let e = decompile(b"\x01garbage", "g.bin").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("g.bin: not a valid compiled model"),
            "{e}"
        );
    }

    #[test]
    fn strings_escape() {
        let s = toml_string("a \"b\" \\ c\u{1}\n");
        let t: toml::Table = toml::from_str(&format!("v = {s}")).unwrap();
        assert_eq!(t["v"].as_str(), Some("a \"b\" \\ c\u{1}\n"));
    }

    fn err_of(text: &str) -> HostError {
        parse(text, "m.toml").unwrap_err()
    }

    #[test]
    fn errors_name_field_and_line() {
        let good = to_toml(&silkscore::BRI_CULTURAL_V1);

        let e = err_of(&good.replacen("floor = 0.01", "floor = 0", 1));
        assert_eq!((e.field(), e.line()), (Some("floor"), Some(4)));

        let e = err_of(&good.replacen("economic = 1", "economic = -1", 1));
        assert_eq!((e.field(), e.line()), (Some("weights.economic"), Some(10)));

        // the third indicator's hi (indicator tables are 9 lines apart, the first at line 13)
        let e = err_of(&good.replacen("hi = 500", "hi = nan", 1));
        assert_eq!(e.field(), Some("indicator[2].hi"));
        assert_eq!(e.line(), Some(13 + 2 * 9 + 6));

        let e = err_of(&good.replacen("direction = \"cost\"", "direction = \"loss\"", 1));
        assert_eq!(e.field(), Some("indicator[11].direction"));
        assert_eq!(e.line(), Some(13 + 11 * 9 + 3));

        let e = err_of(&good.replacen("within = \"arithmetic\"", "within = \"median\"", 1));
        assert_eq!((e.field(), e.line()), (Some("within"), Some(2)));

        let e = err_of(&good.replacen("grades = [80, 65, 50, 35]", "grades = [80, 65, 50]", 1));
        assert_eq!((e.field(), e.line()), (Some("grades"), Some(6)));

        let e = err_of(&good.replacen("grades = [80, 65, 50, 35]", "grades = [35, 50, 65, 80]", 1));
        assert_eq!((e.field(), e.line()), (Some("grades"), Some(6)));

        let e = err_of(&good.replacen("min_coverage = 0.5\n", "", 1));
        assert_eq!(e.field(), Some("min_coverage"));

        let e = err_of(&good.replacen("floor = 0.01", "flor = 0.01", 1));
        assert_eq!((e.field(), e.line()), (Some("flor"), Some(4)));

        let e = err_of(&good.replacen("security = 1", "security = 1\nsecurty = 2", 1));
        assert_eq!((e.field(), e.line()), (Some("weights.securty"), Some(12)));

        let e = err_of(&good.replacen("floor = 0.01", "floor = \"low\"", 1));
        assert_eq!((e.field(), e.line()), (Some("floor"), Some(4)));

        let e = err_of(&good.replacen("within = \"arithmetic\"", "within = \"arith", 1));
        assert_eq!(e.line(), Some(2));

        let second = good.replacen("id = \"heritage_items\"", "id = \"talent_exchange\"", 1);
        let e = err_of(&second);
        assert_eq!((e.field(), e.line()), (Some("indicator[1].id"), Some(23)));

        let e = err_of(&good.replacen("id = \"talent_exchange\"", "id = \"name\"", 1));
        assert_eq!((e.field(), e.line()), (Some("indicator[0].id"), Some(14)));

        let long = "x".repeat(33);
        let e = err_of(&good.replacen("talent_exchange", &long, 1));
        assert_eq!((e.field(), e.line()), (Some("indicator[0].id"), Some(14)));
    }

    #[test]
    fn a_model_needs_indicators() {
        let good = to_toml(&silkscore::BRI_CULTURAL_V1);
        let head = good.split("\n[[indicator]]").next().unwrap();
        let e = err_of(head);
        assert_eq!(e.field(), Some("indicator"));
        let e = err_of(&format!("indicator = []\n{head}"));
        assert_eq!(e.field(), Some("indicator"));
    }

    #[test]
    fn weights_and_indicators_must_be_tables() {
        let good = to_toml(&silkscore::BRI_CULTURAL_V1);
        let head_end = good.find("\n[weights]").unwrap();
        let weights_end = good.find("\n[[indicator]]").unwrap();
        let arrays = format!(
            "{}\nweights = [1, 1, 1]\n{}",
            &good[..head_end],
            &good[weights_end..]
        );
        let e = err_of(&arrays);
        assert_eq!((e.field(), e.line()), (Some("weights"), Some(8)));
        assert!(e.to_string().contains("expected a table"), "{e}");

        // Array-form indicators: the fields in order, without keys.
        let head = good.split("\n[[indicator]]").next().unwrap();
        let e = err_of(&format!(
            "indicator = [[\"a\", \"cultural\", \"benefit\", \"lin\", 0, 1, 1]]\n{head}"
        ));
        assert_eq!((e.field(), e.line()), (Some("indicator"), Some(1)));
        assert!(e.to_string().contains("expected a table"), "{e}");
    }

    #[test]
    fn numbers_that_do_not_fit_an_f32_are_errors() {
        let good = to_toml(&silkscore::BRI_CULTURAL_V1);
        for (from, to, field, line, why) in [
            (
                "economic = 1",
                "economic = 1e-50",
                "weights.economic",
                10,
                "too small",
            ),
            (
                "economic = 1",
                "economic = 1e-40",
                "weights.economic",
                10,
                "too small",
            ),
            (
                "hi = 500",
                "hi = 1e39",
                "indicator[2].hi",
                13 + 2 * 9 + 6,
                "too large",
            ),
            (
                "lo = 0",
                "lo = -1e39",
                "indicator[0].lo",
                13 + 5,
                "too large",
            ),
            ("floor = 0.01", "floor = 1e-39", "floor", 4, "too small"),
        ] {
            let e = err_of(&good.replacen(from, to, 1));
            assert_eq!(
                (e.field(), e.line()),
                (Some(field), Some(line)),
                "{to}: {e}"
            );
            assert!(e.to_string().contains(why), "{to}: {e}");
        }
        let e = err_of(&good.replacen("weight = 1", "weight = 1e-45", 1));
        assert_eq!(e.field(), Some("indicator[0].weight"));
        // Zero, large-but-finite and the smallest normal are fine.
        let ok = good.replacen("lo = 0", "lo = 1.1754944e-38", 1);
        assert!(parse(&ok, "m.toml").is_ok());
        assert!(parse(&good.replacen("hi = 500", "hi = 3.4e38", 1), "m.toml").is_ok());
    }
}
