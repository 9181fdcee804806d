//! The `table` format, for people: aligned columns, two decimals, names cut to
//! [`NAME_WIDTH`] terminal columns, and a summary line. Widths are terminal columns as
//! `unicode-width` measures them (East Asian wide characters take two).

use core::fmt::Write as _;
use std::format;
use std::io::{self, Write};
use std::string::String;

use super::{Cells, Tally};
use crate::term::{escape, pad, pad_left};

/// Terminal columns of the name column.
pub const NAME_WIDTH: usize = 36;

/// The table row writer behind [`super::RowWriter`].
pub(super) struct TableRows<W: Write> {
    out: W,
    names: bool,
}

impl<W: Write> TableRows<W> {
    pub(super) fn new(out: W) -> Self {
        TableRows { out, names: true }
    }

    pub(super) fn set_names(&mut self, names: bool) {
        self.names = names;
    }

    /// Flushes and returns the sink, without the summary.
    pub(super) fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    pub(super) fn begin(&mut self) -> io::Result<()> {
        let mut line = format!("{:>10}", "id");
        if self.names {
            line.push_str("  ");
            line.push_str(&pad("name", NAME_WIDTH));
        }
        let _ = write!(
            line,
            "  {:>8}  {:>8}  {:>8}  {:>9}  {:<5}  status",
            "cultural", "economic", "security", "composite", "grade"
        );
        writeln!(self.out, "{line}")?;
        writeln!(self.out, "{}", rule(self.names))
    }

    pub(super) fn write(&mut self, c: &Cells<'_, '_>) -> io::Result<()> {
        let mut line = pad_left(c.row.id, 10);
        if self.names {
            line.push_str("  ");
            line.push_str(&pad(c.row.name, NAME_WIDTH));
        }
        let num = |v: Option<f32>, w: usize| match v {
            Some(v) => format!("{v:>w$.2}"),
            None => format!("{:>w$}", "-"),
        };
        let s = c.scores;
        let _ = write!(
            line,
            "  {}  {}  {}  {}  {:^5}  {}",
            num(s.map(|s| s.cultural), 8),
            num(s.map(|s| s.economic), 8),
            num(s.map(|s| s.security), 8),
            num(s.map(|s| s.composite), 9),
            s.map_or("-", |s| s.grade.as_str()),
            escape(c.status)
        );
        writeln!(self.out, "{line}")
    }

    pub(super) fn finish(mut self, tally: &Tally) -> io::Result<W> {
        writeln!(self.out, "{}", rule(self.names))?;
        writeln!(self.out, "{}", summary(tally))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// `26 rows: 24 scored, 2 failed   grades  A 2  B 6  C 9  D 5  E 2`
fn summary(t: &Tally) -> String {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut s = format!(
        "{}: {} scored, {} failed",
        plural(t.rows, "row", "rows"),
        t.rows.saturating_sub(t.failed),
        t.failed
    );
    if t.rows > t.failed {
        s.push_str("   grades ");
        for (g, n) in ["A", "B", "C", "D", "E"].iter().zip(t.grades) {
            let _ = write!(s, " {g} {n} ");
        }
        s.truncate(s.trim_end().len());
    }
    s
}

fn rule(names: bool) -> String {
    // id 10, then each column with its two-space gap; status gets 28.
    let width = 10 + if names { 2 + NAME_WIDTH } else { 0 } + 3 * 10 + 11 + 7 + 2 + 26;
    "─".repeat(width)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, OutputRow, RowWriter};
    use super::*;
    use crate::scoring::score_row;
    use silkscore::{Record, BRI_CULTURAL_V1 as M};
    use std::vec::Vec;

    #[test]
    fn the_table_pads_with_the_terminal_text_rules() {
        assert_eq!(pad("敦煌", 6), "敦煌  ");
        assert_eq!(
            pad("Samarkand–Bukhara heritage corridor", 12),
            "Samarkand–B…"
        );
        assert_eq!(pad("莫高窟数字档案馆", 7), "莫高窟…");
        assert_eq!(pad("莫高窟数字档案馆", 8), "莫高窟… ");
        // A combining accent takes no column; a wide emoji two.
        assert_eq!(pad("Tbilisi\u{301}", 8), "Tbilisi\u{301} ");
        assert_eq!(pad("🚀 x", 5), "🚀 x ");
        assert_eq!(pad("anything", 0), "");
        assert_eq!(pad("", 3), "   ");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let outcome = score_row(&M, &Ok(Record::from_values(7, &[Some(1.0); 18]).unwrap()));
        let mut w = RowWriter::new(Format::Table, Vec::new());
        w.begin().unwrap();
        w.write_row(&OutputRow {
            id: "\u{1b}]0;x\u{7}",
            name: "n\u{1b}",
            outcome: &outcome,
        })
        .unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("\\u{1b}]0;x\\u{7}"), "{text:?}");
        assert!(text.contains("n\\u{1b}"), "{text:?}");
    }
}
