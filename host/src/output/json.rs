//! The `json` format: one JSON array, one object per line, every value written by
//! `serde_json`.
//!
//! Scores have a fixed number of decimals (six, coverage four), which `serde_json`'s own
//! number formatting (shortest round-trip) does not do: each such number is formatted once and
//! handed to `serde_json` as a [`RawValue`], which it writes verbatim. Strings are escaped by
//! `serde_json` with a [`Formatter`] that writes backspace and form feed as `\u0008` and
//! `\u000c` (as this format always has) instead of `\b` and `\f`; both spellings are the same
//! JSON string.

use std::boxed::Box;
use std::format;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, Serializer};
use serde_json::value::RawValue;
use silkscore::model::Connotation;

use super::Cells;

/// The JSON row writer behind [`super::RowWriter`].
pub(super) struct JsonRows<W: Write> {
    out: W,
    first: bool,
}

/// A number with a fixed count of decimals, or `null` when there is none or it is not
/// finite.
type Fixed = Option<Box<RawValue>>;

fn fixed(v: Option<f32>, decimals: usize) -> Fixed {
    let v = v.filter(|v| v.is_finite())?;
    // A finite f32 with fixed decimals is always a valid JSON number.
    RawValue::from_string(format!("{v:.decimals$}")).ok()
}

/// The `id` member: the number when the cell is a u32, else the cell as a string.
#[derive(Serialize)]
#[serde(untagged)]
enum Id<'a> {
    Number(u32),
    Text(&'a str),
}

#[derive(Serialize)]
struct Coverage {
    cultural: Fixed,
    economic: Fixed,
    security: Fixed,
}

#[derive(Serialize)]
struct Object<'a> {
    id: Id<'a>,
    name: &'a str,
    cultural: Fixed,
    economic: Fixed,
    security: Fixed,
    composite: Fixed,
    grade: Option<&'static str>,
    status: &'a str,
    coverage: Option<Coverage>,
}

/// Compact JSON, with control characters other than `\n`, `\r` and `\t` as `\u00XX`.
struct Compact;

impl Formatter for Compact {
    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::Backspace => writer.write_all(b"\\u0008"),
            CharEscape::FormFeed => writer.write_all(b"\\u000c"),
            other => serde_json::ser::CompactFormatter.write_char_escape(writer, other),
        }
    }
}

impl<W: Write> JsonRows<W> {
    pub(super) fn new(out: W) -> Self {
        JsonRows { out, first: true }
    }

    /// Rows as if others had been written before them (each starts with `,`).
    pub(super) fn after_rows(out: W) -> Self {
        JsonRows { out, first: false }
    }

    /// Whether rows were written before the end (they decide how the array is closed).
    pub(super) fn set_rows_written(&mut self, rows: bool) {
        self.first = !rows;
    }

    /// Flushes and returns the sink, without the end of the array.
    pub(super) fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    pub(super) fn begin(&mut self) -> io::Result<()> {
        self.out.write_all(b"[")
    }

    pub(super) fn write(&mut self, c: &Cells<'_, '_>) -> io::Result<()> {
        let s = c.scores;
        let [cultural, economic, security] =
            Connotation::ALL.map(|k| fixed(c.coverage(k.index()), 4));
        let object = Object {
            id: c.row.id.parse().map_or(Id::Text(c.row.id), Id::Number),
            name: c.row.name,
            cultural: fixed(s.map(|s| s.cultural), 6),
            economic: fixed(s.map(|s| s.economic), 6),
            security: fixed(s.map(|s| s.security), 6),
            composite: fixed(s.map(|s| s.composite), 6),
            grade: s.map(|s| s.grade.as_str()),
            status: c.status,
            coverage: c.row.outcome.coverage.map(|_| Coverage {
                cultural,
                economic,
                security,
            }),
        };
        let mut line = std::vec::Vec::with_capacity(256);
        line.extend_from_slice(if self.first { b"\n  " } else { b",\n  " });
        object
            .serialize(&mut Serializer::with_formatter(&mut line, Compact))
            .map_err(io::Error::other)?;
        self.first = false;
        self.out.write_all(&line)
    }

    pub(super) fn finish(mut self) -> io::Result<W> {
        self.out
            .write_all(if self.first { b"]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, OutputRow, RowWriter};
    use crate::records::RowError;
    use crate::scoring::{score_row, Failure, Outcome};
    use silkscore::{Record, BRI_CULTURAL_V1 as M};
    use std::borrow::ToOwned;
    use std::string::String;
    use std::vec::Vec;

    fn json(rows: &[(&str, &str, &Outcome)]) -> String {
        let mut w = RowWriter::new(Format::Json, Vec::new());
        w.begin().unwrap();
        for (id, name, outcome) in rows {
            w.write_row(&OutputRow { id, name, outcome }).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        assert_eq!(json(&[]), "[]\n");
    }

    #[test]
    fn rows_have_fixed_decimals_and_nulls() {
        let ok = score_row(&M, &Ok(Record::from_values(7, &[Some(1.0); 18]).unwrap()));
        let bad = Outcome {
            result: Err(Failure::Row(RowError::Parse {
                column: "id".to_owned(),
            })),
            coverage: None,
        };
        let text = json(&[
            ("7", "Kashgar", &ok),
            ("x8", "a\"b\\c\u{1}\u{8}\u{c}\né", &bad),
        ]);
        let s = ok.result.as_ref().unwrap();
        let want_ok = format!(
            "{{\"id\":7,\"name\":\"Kashgar\",\"cultural\":{:.6},\"economic\":{:.6},\
             \"security\":{:.6},\"composite\":{:.6},\"grade\":\"{}\",\"status\":\"ok\",\
             \"coverage\":{{\"cultural\":1.0000,\"economic\":1.0000,\"security\":1.0000}}}}",
            s.cultural,
            s.economic,
            s.security,
            s.composite,
            s.grade.as_str()
        );
        let want_bad = "{\"id\":\"x8\",\"name\":\"a\\\"b\\\\c\\u0001\\u0008\\u000c\\né\",\
                        \"cultural\":null,\"economic\":null,\"security\":null,\"composite\":null,\
                        \"grade\":null,\"status\":\"parse:id\",\"coverage\":null}";
        assert_eq!(text, format!("[\n  {want_ok},\n  {want_bad}\n]\n"));
        // Every line of it is JSON that serde_json reads back.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v[1]["name"], "a\"b\\c\u{1}\u{8}\u{c}\né");
    }

    #[test]
    fn non_finite_numbers_are_null() {
        assert!(super::fixed(Some(f32::NAN), 6).is_none());
        assert!(super::fixed(Some(f32::INFINITY), 4).is_none());
        assert_eq!(super::fixed(Some(-0.5), 4).unwrap().get(), "-0.5000");
    }
}
