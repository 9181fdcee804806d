//! A portfolio report as one self-contained HTML file: inline CSS and inline SVG, no scripts,
//! no external assets, so it can be mailed, archived or opened offline. The document and its
//! tables are written by `html.rs`, the charts by `svg.rs`, and the stylesheet is
//! `style.css` ([`STYLESHEET`]), included at compile time.
//!
//! Sections: a header (model name and fingerprint, counts, grade distribution), the ranked
//! table, a three-axis profile chart per project (small multiples, capped at
//! [`ReportOptions::max_charts`]), stacked contribution bars of each indicator for the top K
//! projects (from [`score_with_breakdown`](silkscore::score::score_with_breakdown)), the statistical audit of the
//! projects ([`crate::audit`]: indicator statistics, a correlation heat map, Cronbach's α), and — when an [`Analysis`] is given — the rank
//! intervals of the sensitivity analysis as a dot-and-whisker chart, and the mean Sobol
//! indices of each uncertain assumption with their 95 % intervals as a chart and a table.
//!
//! Ranks follow the one rule of [`crate::ranking`]: equal composites share a rank.
//!
//! All text from files (names, ids, model name) is escaped with [`escape`]. Charts are
//! `<svg role="img">` with a `<title>` and an `aria-label`; tables have captions and header
//! cells. The output depends only on its inputs (no date, no random ids): the same inputs give
//! the same bytes.
//!
//! ```
//! use silkscore_host::report::{render, ReportOptions};
//! use silkscore_host::portfolio::{Portfolio, Project};
//! use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
//! let record = Record::from_values(7, &[Some(12.0); 18]).unwrap();
//! let project = Project {
//!     line: 2,
//!     id: "7".into(),
//!     name: "Tea <road> & \"caravan\"".into(),
//!     record,
//!     scores: score(&M, &record).unwrap(),
//! };
//! let portfolio = Portfolio { projects: vec![project], excluded: vec![] };
//! let html = render(&M, &portfolio, None, &ReportOptions::default());
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Tea &lt;road&gt; &amp; &quot;caravan&quot;"));
//! assert!(!html.contains("<script"));
//! ```

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::io;
use std::string::String;
use std::vec::Vec;

use crate::portfolio::{Portfolio, Project};
use crate::ranking::rank;
use crate::sensitivity::Analysis;
use silkscore::model::{Connotation, Model};
use silkscore::score::Grade;

mod audit;
mod html;
mod svg;

/// The report's stylesheet, inlined in its `<style>` element.
pub const STYLESHEET: &str = include_str!("style.css");

/// What to put in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// Projects (best first) that get contribution bars.
    pub top: usize,
    /// Most projects that get a profile chart and a rank interval; the rest are in the table
    /// only, and the report says so.
    pub max_charts: usize,
    /// The records file the portfolio came from, shown in the header (may be empty).
    pub source: String,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            top: 10,
            max_charts: DEFAULT_MAX_CHARTS,
            source: String::new(),
        }
    }
}

/// The default cap on profile charts and interval rows.
pub const DEFAULT_MAX_CHARTS: usize = 60;

/// Escapes text for HTML and SVG, in element content and in quoted attributes: `&`, `<`,
/// `>`, `"` and `'` become entities; control characters other than tab and newline become
/// U+FFFD. Everything else (any UTF-8) is kept.
///
/// ```
/// use silkscore_host::report::escape;
/// assert_eq!(escape(r#"<b class="x">Tom & Jerry's</b>"#),
///            "&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;");
/// assert_eq!(escape("Samarkand–Bukhara 撒马尔罕"), "Samarkand–Bukhara 撒马尔罕");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(ch),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` to at most `max` characters, ending a cut with `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The label of a project: its name, or `project ID` when it has none.
fn label(p: &Project) -> String {
    if p.name.trim().is_empty() {
        format!("project {}", p.id)
    } else {
        p.name.clone()
    }
}

const GRADES: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E];

fn grade_color(g: Grade) -> &'static str {
    match g {
        Grade::A => "#1a9850",
        Grade::B => "#74b95c",
        Grade::C => "#e2b33c",
        Grade::D => "#ec7d45",
        Grade::E => "#d0392f",
    }
}

/// The hue of a connotation's colour family.
fn hue(c: Connotation) -> u32 {
    match c {
        Connotation::Cultural => 214,
        Connotation::Economic => 150,
        Connotation::Security => 18,
    }
}

fn connotation_color(c: Connotation) -> String {
    format!("hsl({}, 55%, 42%)", hue(c))
}

/// The colour of the k-th of n indicators of connotation c: darker to lighter shades.
fn indicator_color(c: Connotation, k: usize, n: usize) -> String {
    let t = if n > 1 {
        k as f32 / (n - 1) as f32
    } else {
        0.0
    };
    let light = 30.0 + 45.0 * t;
    let sat = 60.0 - 15.0 * t;
    format!("hsl({}, {sat:.0}%, {light:.0}%)", hue(c))
}

fn title_case(c: Connotation) -> &'static str {
    match c {
        Connotation::Cultural => "Cultural",
        Connotation::Economic => "Economic",
        Connotation::Security => "Security",
    }
}
/// Renders the whole report. `analysis`, when given, must be of `portfolio.projects` in
/// order (as [`crate::sensitivity::analyse`] returns it on [`Portfolio::records`]).
///
/// The report holds every row of the portfolio, so it grows with it (about 1 KiB a row,
/// plus the charts); [`render_to`] writes it to a sink instead of holding it in memory.
pub fn render(
    model: &Model,
    portfolio: &Portfolio,
    analysis: Option<&Analysis>,
    options: &ReportOptions,
) -> String {
    let mut out = String::with_capacity(64 * 1024 + 1024 * portfolio.rows().min(4096));
    // Writing to a String never fails.
    let _ = html::write_report(&mut out, model, portfolio, analysis, options);
    out
}

/// Writes the report of [`render`] to `out` as it goes (the same bytes), so the memory it
/// takes does not grow with the report. Wrap an unbuffered sink in a `BufWriter`.
///
/// Errors: the first error `out` returns; the report is then incomplete.
pub fn render_to<W: io::Write>(
    out: W,
    model: &Model,
    portfolio: &Portfolio,
    analysis: Option<&Analysis>,
    options: &ReportOptions,
) -> io::Result<()> {
    let mut sink = IoSink { out, error: None };
    let written = html::write_report(&mut sink, model, portfolio, analysis, options);
    match (written, sink.error) {
        (_, Some(e)) => Err(e),
        (Err(_), None) => Err(io::Error::other("formatting the report failed")),
        (Ok(()), None) => sink.out.flush(),
    }
}

/// A `fmt::Write` over an `io::Write` that keeps the first I/O error.
struct IoSink<W> {
    out: W,
    error: Option<io::Error>,
}

impl<W: io::Write> fmt::Write for IoSink<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

/// Projects in nominal rank order (best first, tied projects in input order), with their
/// ranks ([`crate::ranking`]: equal composites share a rank).
fn ranked<'p>(portfolio: &'p Portfolio, analysis: Option<&Analysis>) -> Vec<(u32, &'p Project)> {
    let ranks: Vec<u32> = match analysis {
        Some(a) if a.projects.len() == portfolio.projects.len() => {
            a.projects.iter().map(|p| p.nominal_rank).collect()
        }
        _ => {
            let composites: Vec<f32> = portfolio
                .projects
                .iter()
                .map(|p| p.scores.composite)
                .collect();
            let mut ranks = std::vec![0u32; composites.len()];
            rank(&composites, &mut Vec::new(), &mut ranks);
            ranks
        }
    };
    let mut out: Vec<(u32, &Project)> = ranks.into_iter().zip(&portfolio.projects).collect();
    out.sort_by_key(|(r, _)| *r);
    out
}

fn median(values: &mut [f32]) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    let n = values.len();
    if n == 0 {
        return None;
    }
    let hi = values.get(n / 2).copied()?;
    if n % 2 == 1 {
        Some(hi)
    } else {
        let lo = values.get(n / 2 - 1).copied()?;
        Some(0.5 * (lo + hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::Excluded;
    use crate::records::RowError;
    use crate::scoring::Failure;
    use crate::sensitivity::{analyse, Settings};
    use silkscore::model::Aggregation;
    use silkscore::model::BRI_CULTURAL_V1 as M;
    use silkscore::record::Record;
    use silkscore::score::score;

    fn project(k: u32, name: &str) -> Project {
        let values: Vec<Option<f32>> = M
            .indicators()
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                Some(ind.lo + (ind.hi - ind.lo) * ((k as f32 * 0.17 + i as f32 * 0.07) % 1.0))
            })
            .collect();
        let record = Record::from_values(k, &values).unwrap();
        Project {
            line: u64::from(k) + 1,
            id: k.to_string(),
            name: name.into(),
            record,
            scores: score(&M, &record).unwrap(),
        }
    }

    use std::string::ToString;

    fn portfolio(n: u32) -> Portfolio {
        Portfolio {
            projects: (1..=n)
                .map(|k| project(k, &format!("Project {k}")))
                .collect(),
            excluded: std::vec![Excluded {
                line: 99,
                id: "x1".into(),
                name: "Broken <row>".into(),
                failure: Failure::Row(RowError::Parse {
                    column: "id".into()
                }),
            }],
        }
    }

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("x\u{0}y\u{7f}"), "x\u{FFFD}y\u{FFFD}");
        assert_eq!(escape("Тбилиси 第比利斯 ✓"), "Тбилиси 第比利斯 ✓");
    }

    #[test]
    fn report_has_every_section_and_chart() {
        let p = portfolio(12);
        let records = p.records();
        let settings = Settings {
            samples: 60,
            ..Settings::DEFAULT
        };
        let a = analyse(&M, &records, &settings, &mut |_, _| {}).unwrap();
        let opts = ReportOptions {
            top: 4,
            source: "p<1>.csv".into(),
            ..ReportOptions::default()
        };
        let html = render(&M, &p, Some(&a), &opts);
        for id in [
            "overview",
            "ranking",
            "profiles",
            "contributions",
            "sensitivity",
        ] {
            assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
        }
        assert_eq!(html.matches("<svg class=\"radar\"").count(), 12);
        assert_eq!(html.matches("<svg class=\"contrib\"").count(), 4);
        assert_eq!(html.matches("<svg class=\"intervals\"").count(), 1);
        assert_eq!(html.matches("<svg class=\"grades\"").count(), 1);
        assert!(html.contains("Broken &lt;row&gt;"));
        assert!(html.contains("parse:id"));
        assert!(html.contains("p&lt;1&gt;.csv"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http"));
        // Deterministic.
        assert_eq!(html, render(&M, &p, Some(&a), &opts));
    }

    #[test]
    fn charts_are_capped_and_say_so() {
        let p = portfolio(9);
        let opts = ReportOptions {
            max_charts: 5,
            top: 20,
            ..ReportOptions::default()
        };
        let html = render(&M, &p, None, &opts);
        assert_eq!(html.matches("<svg class=\"radar\"").count(), 5);
        assert_eq!(html.matches("<svg class=\"contrib\"").count(), 9);
        assert!(html.contains("Showing the top 5 of 9 projects"));
        assert!(!html.contains("id=\"sensitivity\""));
    }

    #[test]
    fn geometric_within_shows_shares_of_the_shortfall() {
        let model = M
            .with_params(silkscore::ModelParams {
                within: Aggregation::Geometric,
                ..*M.params()
            })
            .unwrap();
        let mut p = portfolio(3);
        for pr in &mut p.projects {
            pr.scores = score(&model, &pr.record).unwrap();
        }
        let html = render(&model, &p, None, &ReportOptions::default());
        assert!(html.contains("share of the shortfall"));
        assert!(html.contains(": share "));
        assert_eq!(html.matches("<svg class=\"contrib\"").count(), 3);
    }

    #[test]
    fn an_empty_portfolio_still_renders() {
        let html = render(&M, &Portfolio::default(), None, &ReportOptions::default());
        assert!(html.contains("</html>"));
        assert_eq!(html.matches("<svg class=\"radar\"").count(), 0);
    }

    #[test]
    fn render_to_writes_the_same_bytes_and_reports_errors() {
        let p = portfolio(7);
        let a = analyse(
            &M,
            &p.records(),
            &Settings {
                samples: 30,
                ..Settings::DEFAULT
            },
            &mut |_, _| {},
        )
        .unwrap();
        let opts = ReportOptions::default();
        let mut out = Vec::new();
        render_to(&mut out, &M, &p, Some(&a), &opts).unwrap();
        assert_eq!(out, render(&M, &p, Some(&a), &opts).into_bytes());
        // A sink that fails after a few bytes: its error comes back.
        struct Full(usize);
        impl std::io::Write for Full {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if self.0 < b.len() {
                    return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"));
                }
                self.0 -= b.len();
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let e = render_to(Full(1000), &M, &p, Some(&a), &opts).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
    }
}
