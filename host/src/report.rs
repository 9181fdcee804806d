//! A portfolio report as one self-contained HTML file: inline CSS and inline SVG, no scripts,
//! no external assets, so it can be mailed, archived or opened offline.
//!
//! Sections: a header (model name and fingerprint, counts, grade distribution), the ranked
//! table, a three-axis profile chart per project (small multiples, capped at
//! [`ReportOptions::max_charts`]), stacked contribution bars of each indicator for the top K
//! projects (from [`score_with_breakdown`]), and — when an [`Analysis`] is given — the rank
//! intervals of the sensitivity analysis as a dot-and-whisker chart with the mean Sobol
//! indices.
//!
//! All text from files (names, ids, model name) is escaped with [`escape`]. Charts are
//! `<svg role="img">` with a `<title>` and an `aria-label`; tables have captions and header
//! cells. The output depends only on its inputs (no date, no random ids): the same inputs give
//! the same bytes.
//!
//! ```
//! use silkscore_host::report::{render, ReportOptions};
//! use silkscore_host::sensitivity::{Portfolio, Project};
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

use core::fmt::{self, Write as _};
use std::borrow::ToOwned;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use super::sensitivity::{rank, Analysis, Portfolio, Project};
use silkscore::model::{Aggregation, Connotation, Model};
use silkscore::score::{score_with_breakdown, Breakdown, Grade};

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

const CSS: &str = r#"
:root { --ink: #1d2433; --muted: #5b6576; --line: #d9dee7; --bg: #f5f7fa; --card: #ffffff;
  --accent: hsl(214, 55%, 42%); --cultural: hsl(214, 55%, 42%); --economic: hsl(150, 55%, 42%);
  --security: hsl(18, 55%, 42%); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header.top { background: #1d2433; color: #fff; padding: 28px 0 24px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header.top .meta { margin: 0; color: #c5ccd8; font-size: 14px; }
header.top code { color: #fff; background: rgba(255,255,255,.1); padding: 1px 5px; border-radius: 4px; }
nav.toc { background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
nav.toc a { display: inline-block; padding: 10px 14px 10px 0; margin-right: 12px; color: var(--muted);
  text-decoration: none; font-size: 14px; font-weight: 550; }
nav.toc a:hover { color: var(--accent); }
main section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  margin: 22px 0; padding: 20px 24px 24px; }
h2 { margin: 0 0 6px; font-size: 20px; font-weight: 650; }
p.lead { margin: 0 0 16px; color: var(--muted); max-width: 880px; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 0 0 18px; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fbfcfd; }
.stat .v { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .k { color: var(--muted); font-size: 13px; }
.overview { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr); gap: 24px; align-items: start; }
.overview h3 { margin: 0 0 8px; font-size: 15px; }
dl.model { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; font-size: 14px; }
dl.model dt { color: var(--muted); }
dl.model dd { margin: 0; }
table.rank { width: 100%; border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
table.rank caption { text-align: left; color: var(--muted); padding-bottom: 8px; }
table.rank th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--line);
  padding: 6px 8px; white-space: nowrap; }
table.rank td { border-bottom: 1px solid #edf0f4; padding: 5px 8px; }
table.rank td.n, table.rank th.n { text-align: right; }
table.rank tbody tr:hover { background: #f7f9fc; }
table.rank tr.failed td { color: var(--muted); background: #fdf6f5; }
.cbar { display: inline-block; vertical-align: middle; width: 90px; height: 8px; background: #edf0f4;
  border-radius: 4px; margin-left: 8px; overflow: hidden; }
.cbar i { display: block; height: 100%; background: var(--accent); border-radius: 4px; }
.badge { display: inline-block; min-width: 22px; text-align: center; color: #fff; border-radius: 4px;
  font-weight: 650; font-size: 12px; padding: 1px 5px; }
.status { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.status.ok { color: #1a9850; }
.status.bad { color: #b3261e; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(196px, 1fr)); gap: 12px; }
figure { margin: 0; }
figure.radar { border: 1px solid var(--line); border-radius: 8px; padding: 8px 8px 6px; background: #fbfcfd; }
figure.radar figcaption { font-size: 12.5px; line-height: 1.3; }
figure.radar figcaption b { font-variant-numeric: tabular-nums; }
figure.radar figcaption .nm { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
  overflow: hidden; min-height: 2.6em; margin-bottom: 2px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 4px 0 16px; font-size: 12.5px; }
.legend .grp { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; border-left: 3px solid var(--line);
  padding-left: 8px; }
.legend .grp b { margin-right: 2px; }
.legend .sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
.cgrid { display: grid; grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); gap: 6px 32px; }
figure.contrib { margin: 0 0 10px; }
figure.contrib figcaption { font-size: 14px; margin-bottom: 2px; }
.note { font-size: 13px; color: var(--muted); }
table.sobol { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; margin-top: 6px; }
table.sobol th, table.sobol td { padding: 4px 12px 4px 0; text-align: left; border-bottom: 1px solid #edf0f4; }
table.sobol td.n { text-align: right; }
footer { color: var(--muted); font-size: 13px; padding: 8px 0 40px; }
@media print { nav.toc { display: none; } main section { break-inside: avoid-page; } }
"#;

/// Renders the whole report. `analysis`, when given, must be of `portfolio.projects` in
/// order (as [`super::sensitivity::analyse`] returns it on [`Portfolio::records`]).
pub fn render(
    model: &Model,
    portfolio: &Portfolio,
    analysis: Option<&Analysis>,
    options: &ReportOptions,
) -> String {
    let mut out = String::with_capacity(64 * 1024 + 2048 * portfolio.rows());
    // Writing to a String never fails.
    let _ = write_report(&mut out, model, portfolio, analysis, options);
    out
}

/// Projects in nominal rank order (best first, ties by input order), with their ranks.
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

fn write_report(
    out: &mut String,
    model: &Model,
    portfolio: &Portfolio,
    analysis: Option<&Analysis>,
    options: &ReportOptions,
) -> fmt::Result {
    let model_name = if model.name().is_empty() {
        "unnamed model".to_owned()
    } else {
        model.name().to_owned()
    };
    let ranked = ranked(portfolio, analysis);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"silkscore {}\">\n\
         <title>Portfolio report: {} ({} projects)</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&model_name),
        portfolio.rows()
    )?;

    // Header.
    write!(
        out,
        "<header class=\"top\"><div class=\"wrap\">\n<h1>Portfolio report</h1>\n\
         <p class=\"meta\">Model <code>{}</code> · fingerprint <code>{:#010x}</code>",
        escape(&model_name),
        model.fingerprint()
    )?;
    if !options.source.is_empty() {
        write!(out, " · records <code>{}</code>", escape(&options.source))?;
    }
    out.push_str("</p>\n</div></header>\n");
    out.push_str(
        "<nav class=\"toc\" aria-label=\"Sections\"><div class=\"wrap\">\
         <a href=\"#overview\">Overview</a><a href=\"#ranking\">Ranking</a>\
         <a href=\"#profiles\">Profiles</a><a href=\"#contributions\">Contributions</a>",
    );
    if analysis.is_some() {
        out.push_str("<a href=\"#sensitivity\">Sensitivity</a>");
    }
    out.push_str("</div></nav>\n<main class=\"wrap\">\n");

    write_overview(out, model, portfolio)?;
    write_table(out, portfolio, &ranked, analysis)?;
    write_profiles(out, portfolio, &ranked, options)?;
    write_contributions(out, model, &ranked, options)?;
    if let Some(a) = analysis {
        write_sensitivity(out, portfolio, a, options)?;
    }
    write!(
        out,
        "</main>\n<footer class=\"wrap\">Generated by silkscore {} (SPEC v1: indices and \
         composite 0–100; Bian &amp; Liu 2023). Self-contained: no scripts, no external \
         resources.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
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

fn write_overview(out: &mut String, model: &Model, portfolio: &Portfolio) -> fmt::Result {
    let scored = portfolio.projects.len();
    let mut composites: Vec<f32> = portfolio
        .projects
        .iter()
        .map(|p| p.scores.composite)
        .collect();
    let med = median(&mut composites);
    let mut counts = [0usize; 5];
    for p in &portfolio.projects {
        if let Some(c) = GRADES
            .iter()
            .position(|g| *g == p.scores.grade)
            .and_then(|i| counts.get_mut(i))
        {
            *c += 1;
        }
    }
    out.push_str(
        "<section id=\"overview\" aria-labelledby=\"h-overview\">\n\
         <h2 id=\"h-overview\">Overview</h2>\n",
    );
    write!(
        out,
        "<p class=\"lead\">Each project is scored on a cultural, an economic and a security \
         index and one composite, all 0–100 (higher is better), and graded A–E on the \
         composite.</p>\n<div class=\"summary\">\
         <div class=\"stat\"><div class=\"v\">{}</div><div class=\"k\">rows in the file</div></div>\
         <div class=\"stat\"><div class=\"v\">{scored}</div><div class=\"k\">scored</div></div>\
         <div class=\"stat\"><div class=\"v\">{}</div><div class=\"k\">not scored</div></div>\
         <div class=\"stat\"><div class=\"v\">{}</div><div class=\"k\">median composite</div></div>\
         <div class=\"stat\"><div class=\"v\">{}</div><div class=\"k\">grade A or B</div></div>\
         </div>\n",
        portfolio.rows(),
        portfolio.excluded.len(),
        med.map_or_else(|| "–".to_owned(), |m| format!("{m:.1}")),
        counts.iter().take(2).sum::<usize>()
    )?;
    out.push_str("<div class=\"overview\">\n<div>\n<h3>Grade distribution</h3>\n");
    write_grade_chart(out, &counts, portfolio.excluded.len(), model)?;
    out.push_str("</div>\n<div>\n<h3>Model</h3>\n<dl class=\"model\">");
    let p = model.params();
    let mut per = [0usize; 3];
    for ind in model.indicators() {
        if let Some(n) = per.get_mut(ind.connotation.index()) {
            *n += 1;
        }
    }
    let total_w: f32 = p.weights.iter().sum();
    for (c, (w, n)) in Connotation::ALL.iter().zip(p.weights.iter().zip(per)) {
        write!(
            out,
            "<dt><span class=\"sw\" style=\"display:inline-block;width:10px;height:10px;\
             border-radius:2px;background:{}\"></span> {}</dt><dd>weight {:.3} ({:.0}%), \
             {n} indicators</dd>",
            connotation_color(*c),
            title_case(*c),
            w,
            if total_w > 0.0 {
                100.0 * w / total_w
            } else {
                0.0
            }
        )?;
    }
    write!(
        out,
        "<dt>Aggregation</dt><dd>{} within connotations, {} across</dd>\
         <dt>Floor ε</dt><dd>{}</dd><dt>Min. coverage</dt><dd>{:.0}%</dd>\
         <dt>Grades</dt><dd>A ≥ {}, B ≥ {}, C ≥ {}, D ≥ {}, else E</dd></dl>\n</div>\n</div>\n</section>\n",
        p.within.as_str(),
        p.across.as_str(),
        p.floor,
        100.0 * p.min_coverage,
        p.grades[0],
        p.grades[1],
        p.grades[2],
        p.grades[3]
    )
}

fn write_grade_chart(
    out: &mut String,
    counts: &[usize; 5],
    failed: usize,
    model: &Model,
) -> fmt::Result {
    let max = counts
        .iter()
        .copied()
        .chain([failed])
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, row, left, bar_w) = (420.0f32, 26.0f32, 150.0f32, 220.0f32);
    let rows = 6.0;
    let h = row * rows + 4.0;
    let mut desc = Vec::new();
    for (g, n) in GRADES.iter().zip(counts) {
        desc.push(format!("{} {n}", g.as_str()));
    }
    desc.push(format!("not scored {failed}"));
    writeln!(
        out,
        "<svg class=\"grades\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         aria-label=\"Grade distribution: {}\"><title>Grade distribution: {}</title>",
        desc.join(", "),
        desc.join(", ")
    )?;
    let g = model.params().grades;
    let ranges = [
        format!("≥ {}", g[0]),
        format!("{}–{}", g[1], g[0]),
        format!("{}–{}", g[2], g[1]),
        format!("{}–{}", g[3], g[2]),
        format!("< {}", g[3]),
    ];
    let items = GRADES
        .iter()
        .zip(counts)
        .zip(&ranges)
        .map(|((g, n), r)| (format!("{} ({r})", g.as_str()), *n, grade_color(*g)))
        .chain([("not scored".to_owned(), failed, "#9aa3b2")]);
    for (i, (name, n, color)) in items.enumerate() {
        let y = i as f32 * row + 2.0;
        let bw = bar_w * n as f32 / max as f32;
        writeln!(
            out,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\" fill=\"#1d2433\">{}</text>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"{bar_w}\" height=\"16\" rx=\"3\" fill=\"#edf0f4\"/>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"16\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" font-weight=\"600\" fill=\"#1d2433\">{n}</text>",
            y + 13.0,
            escape(&name),
            y + 2.0,
            y + 2.0,
            left + bar_w + 8.0,
            y + 14.5,
        )?;
    }
    out.push_str("</svg>\n");
    Ok(())
}

fn write_table(
    out: &mut String,
    portfolio: &Portfolio,
    ranked: &[(u32, &Project)],
    analysis: Option<&Analysis>,
) -> fmt::Result {
    // The rank interval of each row, in the same (nominal rank) order as `ranked`.
    let intervals: Vec<String> = match analysis {
        Some(a) if a.projects.len() == ranked.len() => a
            .by_nominal_rank()
            .into_iter()
            .filter_map(|i| a.projects.get(i))
            .map(|p| {
                if p.p5_rank == p.p95_rank {
                    format!("{}", p.p5_rank)
                } else {
                    format!("{}–{}", p.p5_rank, p.p95_rank)
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let interval_head = if intervals.is_empty() {
        ""
    } else {
        "<th scope=\"col\" class=\"n\" title=\"5th–95th percentile of the rank under random \
         weights\">Rank 5–95%</th>"
    };
    write!(
        out,
        "<section id=\"ranking\" aria-labelledby=\"h-ranking\">\n<h2 id=\"h-ranking\">Ranking</h2>\n\
         <p class=\"lead\">Projects by composite, best first (ties keep file order). Rows that \
         could not be scored are listed last with the reason.</p>\n\
         <table class=\"rank\">\n<caption>{} projects ranked{}</caption>\n<thead><tr>\
         <th scope=\"col\" class=\"n\">Rank</th>{interval_head}<th scope=\"col\">ID</th><th scope=\"col\">Name</th>\
         <th scope=\"col\" class=\"n\">Cultural</th><th scope=\"col\" class=\"n\">Economic</th>\
         <th scope=\"col\" class=\"n\">Security</th><th scope=\"col\">Composite</th>\
         <th scope=\"col\">Grade</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
        ranked.len(),
        if portfolio.excluded.is_empty() {
            String::new()
        } else {
            format!(", {} not scored", portfolio.excluded.len())
        }
    )?;
    for (k, (r, p)) in ranked.iter().enumerate() {
        let s = &p.scores;
        let interval = intervals.get(k).map_or_else(String::new, |i| {
            format!("<td class=\"n\" style=\"color:#5b6576\">{i}</td>")
        });
        writeln!(
            out,
            "<tr><td class=\"n\">{r}</td>{interval}<td>{}</td><td>{}</td><td class=\"n\">{:.2}</td>\
             <td class=\"n\">{:.2}</td><td class=\"n\">{:.2}</td><td class=\"n\" style=\"white-space:nowrap\">\
             <b>{:.2}</b><span class=\"cbar\" aria-hidden=\"true\"><i style=\"width:{:.1}%\"></i></span></td>\
             <td><span class=\"badge\" style=\"background:{}\">{}</span></td>\
             <td><span class=\"status ok\">ok</span></td></tr>",
            escape(&p.id),
            escape(&p.name),
            s.cultural,
            s.economic,
            s.security,
            s.composite,
            s.composite.clamp(0.0, 100.0),
            grade_color(s.grade),
            s.grade.as_str()
        )?;
    }
    for e in &portfolio.excluded {
        writeln!(
            out,
            "<tr class=\"failed\"><td class=\"n\">–</td>{}<td>{}</td><td>{}</td><td class=\"n\">–</td>\
             <td class=\"n\">–</td><td class=\"n\">–</td><td class=\"n\">–</td><td>–</td>\
             <td><span class=\"status bad\">{}</span></td></tr>",
            if intervals.is_empty() { "" } else { "<td class=\"n\">–</td>" },
            escape(&e.id),
            escape(&e.name),
            escape(&e.failure.to_string())
        )?;
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// The corner of the profile triangle for a connotation, as a unit vector (SVG y down):
/// cultural at the top, economic bottom right, security bottom left.
fn direction(c: Connotation) -> (f32, f32) {
    const S: f32 = 0.866_025_4; // √3 / 2
    match c {
        Connotation::Cultural => (0.0, -1.0),
        Connotation::Economic => (S, 0.5),
        Connotation::Security => (-S, 0.5),
    }
}

fn triangle(cx: f32, cy: f32, radius: f32, values: [f32; 3]) -> String {
    let mut pts = Vec::with_capacity(3);
    for (c, v) in Connotation::ALL.iter().zip(values) {
        let (dx, dy) = direction(*c);
        let r = radius * v.clamp(0.0, 100.0) / 100.0;
        pts.push(format!("{:.1},{:.1}", cx + r * dx, cy + r * dy));
    }
    pts.join(" ")
}

fn write_profiles(
    out: &mut String,
    portfolio: &Portfolio,
    ranked: &[(u32, &Project)],
    options: &ReportOptions,
) -> fmt::Result {
    let shown = ranked.len().min(options.max_charts);
    // The portfolio median of each index, drawn dashed in every chart for reference.
    let mut medians = [0.0f32; 3];
    for (c, m) in Connotation::ALL.iter().zip(medians.iter_mut()) {
        let mut v: Vec<f32> = portfolio
            .projects
            .iter()
            .map(|p| p.scores.index(*c))
            .collect();
        *m = median(&mut v).unwrap_or(0.0);
    }
    write!(
        out,
        "<section id=\"profiles\" aria-labelledby=\"h-profiles\">\n\
         <h2 id=\"h-profiles\">Profiles</h2>\n<p class=\"lead\">The three indices of each \
         project on a triangle: cultural at the top, economic at the lower right, security at \
         the lower left; the outer edge is 100 and the grid lines are at 25, 50 and 75. A \
         balanced project makes an even triangle. The dashed outline is the portfolio median \
         ({:.1} / {:.1} / {:.1}).{}</p>\n<div class=\"grid\">\n",
        medians[0],
        medians[1],
        medians[2],
        if shown < ranked.len() {
            format!(
                " Showing the top {shown} of {} projects by composite; all are in the table.",
                ranked.len()
            )
        } else {
            String::new()
        }
    )?;
    let (w, h, cx, cy, radius) = (200.0f32, 156.0f32, 100.0f32, 92.0f32, 68.0f32);
    let median_poly = triangle(cx, cy, radius, medians);
    for (r, p) in ranked.iter().take(shown) {
        let s = &p.scores;
        let name = label(p);
        let aria = format!(
            "Profile of {name}, rank {r}: cultural {:.1}, economic {:.1}, security {:.1}, \
             composite {:.1}, grade {}",
            s.cultural,
            s.economic,
            s.security,
            s.composite,
            s.grade.as_str()
        );
        write!(
            out,
            "<figure class=\"radar\"><figcaption><span class=\"nm\" title=\"{}\">#{r} {}</span>\
             composite <b>{:.1}</b> <span class=\"badge\" style=\"background:{}\">{}</span></figcaption>\n\
             <svg class=\"radar\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             aria-label=\"{}\"><title>{}</title>\n",
            escape(&name),
            escape(&cut(&name, 64)),
            s.composite,
            grade_color(s.grade),
            s.grade.as_str(),
            escape(&aria),
            escape(&aria)
        )?;
        for level in [25.0f32, 50.0, 75.0, 100.0] {
            write!(
                out,
                "<polygon points=\"{}\" fill=\"{}\" stroke=\"#cfd6e0\" stroke-width=\"{}\"/>",
                triangle(cx, cy, radius, [level; 3]),
                if level >= 100.0 { "#ffffff" } else { "none" },
                if level >= 100.0 { 1.2 } else { 0.8 }
            )?;
        }
        for c in Connotation::ALL {
            let (dx, dy) = direction(c);
            write!(
                out,
                "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#cfd6e0\" stroke-width=\"0.8\"/>",
                cx + radius * dx,
                cy + radius * dy
            )?;
        }
        write!(
            out,
            "\n<polygon points=\"{median_poly}\" fill=\"none\" stroke=\"#8a94a6\" \
             stroke-width=\"1\" stroke-dasharray=\"3 2\"/>\n\
             <polygon points=\"{}\" fill=\"hsla(214, 60%, 45%, 0.28)\" stroke=\"hsl(214, 60%, 38%)\" \
             stroke-width=\"1.6\" stroke-linejoin=\"round\"/>\n",
            triangle(cx, cy, radius, [s.cultural, s.economic, s.security])
        )?;
        for c in Connotation::ALL {
            let (dx, dy) = direction(c);
            let v = s.index(c);
            let rr = radius * v.clamp(0.0, 100.0) / 100.0;
            write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.4\" fill=\"{}\"/>",
                cx + rr * dx,
                cy + rr * dy,
                connotation_color(c)
            )?;
        }
        // Axis labels with values.
        let (sdx, _) = direction(Connotation::Economic);
        write!(
            out,
            "\n<text x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"{}\">\
             Cultural <tspan font-weight=\"700\">{:.0}</tspan></text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10.5\" fill=\"{}\">\
             Economic <tspan font-weight=\"700\">{:.0}</tspan></text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\" font-size=\"10.5\" fill=\"{}\">\
             Security <tspan font-weight=\"700\">{:.0}</tspan></text>\n</svg></figure>\n",
            cy - radius - 9.0,
            connotation_color(Connotation::Cultural),
            s.cultural,
            (cx + radius * sdx + 14.0).min(w - 1.0),
            cy + radius * 0.5 + 19.0,
            connotation_color(Connotation::Economic),
            s.economic,
            (cx - radius * sdx - 14.0).max(1.0),
            cy + radius * 0.5 + 19.0,
            connotation_color(Connotation::Security),
            s.security
        )?;
    }
    out.push_str("</div>\n</section>\n");
    Ok(())
}

fn write_contributions(
    out: &mut String,
    model: &Model,
    ranked: &[(u32, &Project)],
    options: &ReportOptions,
) -> fmt::Result {
    let top = ranked.len().min(options.top);
    let geometric = model.params().within == Aggregation::Geometric;
    // Colour of each indicator: its connotation's hue, a shade by position within it.
    let mut per = [0usize; 3];
    for ind in model.indicators() {
        if let Some(n) = per.get_mut(ind.connotation.index()) {
            *n += 1;
        }
    }
    let mut seen = [0usize; 3];
    let mut colors = Vec::with_capacity(model.len());
    for ind in model.indicators() {
        let c = ind.connotation;
        let k = seen.get(c.index()).copied().unwrap_or(0);
        let n = per.get(c.index()).copied().unwrap_or(1);
        colors.push(indicator_color(c, k, n));
        if let Some(s) = seen.get_mut(c.index()) {
            *s += 1;
        }
    }
    write!(
        out,
        "<section id=\"contributions\" aria-labelledby=\"h-contrib\">\n\
         <h2 id=\"h-contrib\">What drives the top {top}</h2>\n<p class=\"lead\">{}</p>\n",
        if geometric {
            "For each of the best projects, one bar per connotation split by indicator. The \
             model aggregates geometrically within connotations, so each segment is the \
             indicator's share of the shortfall (its share of the log sum): the longer the \
             segment, the more the indicator pulls that index down. Bars run 0–100%."
        } else {
            "For each of the best projects, one bar per connotation, split into each \
             indicator's contribution w·s / Σw to that index (the segments add up to the \
             index, 0–100). Hover a segment for the indicator, its normalised score and flags."
        }
    )?;
    // Legend.
    out.push_str("<div class=\"legend\" role=\"list\" aria-label=\"Indicator colours\">\n");
    for c in Connotation::ALL {
        write!(
            out,
            "<div class=\"grp\" role=\"listitem\" style=\"border-left-color:{}\"><b>{}</b>",
            connotation_color(c),
            title_case(c)
        )?;
        for (ind, color) in model.indicators().iter().zip(&colors) {
            if ind.connotation == c {
                write!(
                    out,
                    "<span><span class=\"sw\" style=\"background:{color}\"></span>{}</span>",
                    escape(ind.id.as_str())
                )?;
            }
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");

    let (w, left, bar_w, row) = (540.0f32, 70.0f32, 400.0f32, 21.0f32);
    let h = row * 3.0 + 22.0;
    let mut breakdown = Breakdown::new();
    out.push_str("<div class=\"cgrid\">\n");
    for (r, p) in ranked.iter().take(top) {
        let s = &p.scores;
        let name = label(p);
        if score_with_breakdown(model, &p.record, &mut breakdown).is_err() {
            continue;
        }
        let items = breakdown.as_slice();
        write!(
            out,
            "<figure class=\"contrib\"><figcaption><b>#{r}</b> {} <span class=\"note\">· \
             composite {:.1}</span></figcaption>\n<svg class=\"contrib\" role=\"img\" \
             viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-label=\"Indicator \
             contributions of {}: cultural {:.1}, economic {:.1}, security {:.1}\">\
             <title>Indicator contributions of {}</title>\n",
            escape(&name),
            s.composite,
            escape(&name),
            s.cultural,
            s.economic,
            s.security,
            escape(&name)
        )?;
        // Scale ticks.
        for t in [0.0f32, 25.0, 50.0, 75.0, 100.0] {
            let x = left + bar_w * t / 100.0;
            write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e4e8ee\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" \
                 fill=\"#8a94a6\">{t:.0}{}</text>",
                row * 3.0,
                row * 3.0 + 14.0,
                if geometric { "%" } else { "" }
            )?;
        }
        out.push('\n');
        for (k, c) in Connotation::ALL.iter().enumerate() {
            let y = k as f32 * row + 3.0;
            write!(
                out,
                "<text x=\"0\" y=\"{:.1}\" font-size=\"12\" fill=\"{}\" font-weight=\"600\">{}</text>\
                 <rect x=\"{left}\" y=\"{y:.1}\" width=\"{bar_w}\" height=\"15\" fill=\"#f3f5f8\"/>",
                y + 11.5,
                connotation_color(*c),
                title_case(*c)
            )?;
            let mut x = left;
            for ((ind, item), color) in model.indicators().iter().zip(items).zip(&colors) {
                if ind.connotation != *c || item.missing {
                    continue;
                }
                let seg = bar_w * item.contribution.clamp(0.0, 1.0);
                if seg <= 0.0 {
                    continue;
                }
                let mut flags = String::new();
                if item.clamped {
                    flags.push_str(", clamped to a goalpost");
                }
                write!(
                    out,
                    "<rect x=\"{x:.2}\" y=\"{y:.1}\" width=\"{seg:.2}\" height=\"15\" fill=\"{color}\" \
                     stroke=\"#fff\" stroke-width=\"0.6\"><title>{}: {} {:.1} (normalised score \
                     {:.2}{flags})</title></rect>",
                    escape(ind.id.as_str()),
                    if geometric { "share" } else { "contribution" },
                    100.0 * item.contribution,
                    item.score
                )?;
                x += seg;
            }
            writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"600\" fill=\"#1d2433\">{:.1}</text>",
                if geometric { left + bar_w + 6.0 } else { x + 6.0 },
                y + 11.5,
                s.index(*c)
            )?;
        }
        out.push_str("</svg>");
        let missing: Vec<&str> = model
            .indicators()
            .iter()
            .zip(items)
            .filter(|(_, item)| item.missing)
            .map(|(ind, _)| ind.id.as_str())
            .collect();
        if !missing.is_empty() {
            write!(
                out,
                "<p class=\"note\" style=\"margin:2px 0 0\">Missing, not counted: {}</p>",
                escape(&missing.join(", "))
            )?;
        }
        out.push_str("</figure>\n");
    }
    out.push_str("</div>\n</section>\n");
    Ok(())
}

/// Tick values for an axis of ranks 1..=n: about 8 round steps.
fn rank_ticks(n: u32) -> Vec<u32> {
    let raw = (n / 8).max(1);
    let step = [
        1u32, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000,
    ]
    .into_iter()
    .find(|s| *s >= raw)
    .unwrap_or(raw);
    let mut t = std::vec![1];
    let mut v = step;
    while v <= n {
        if v > 1 {
            t.push(v);
        }
        v += step;
    }
    // The last rank, unless a tick is already close to it.
    if t.last()
        .is_some_and(|&last| n > last && (n - last) * 3 >= step)
    {
        t.push(n);
    }
    t
}

fn write_sensitivity(
    out: &mut String,
    portfolio: &Portfolio,
    a: &Analysis,
    options: &ReportOptions,
) -> fmt::Result {
    let n = a.projects.len() as u32;
    let order = a.by_nominal_rank();
    let shown = order.len().min(options.max_charts);
    let s = &a.settings;
    write!(
        out,
        "<section id=\"sensitivity\" aria-labelledby=\"h-sens\">\n\
         <h2 id=\"h-sens\">Robustness of the ranking</h2>\n<p class=\"lead\">How far each \
         project's rank moves when the weights are uncertain. In each of {} random draws \
         (seed {}), every indicator weight and every connotation weight was multiplied by \
         1 + {}·U(−1, 1) and renormalised, and the across aggregation was arithmetic or \
         geometric with equal probability; all projects were re-scored and re-ranked. The bar \
         spans the 5th–95th percentile of the rank (nearest-rank), the dot is the rank with \
         the model's own weights and the diamond the median rank.{}</p>\n",
        a.samples_used,
        s.seed,
        s.spread,
        if shown < order.len() {
            format!(
                " Showing the top {shown} of {} projects by nominal rank.",
                order.len()
            )
        } else {
            String::new()
        }
    )?;
    // Most and least stable.
    let widest = order
        .iter()
        .filter_map(|&i| Some((a.projects.get(i)?, portfolio.projects.get(i)?)))
        .max_by_key(|(p, _)| (p.p95_rank - p.p5_rank, u32::MAX - p.nominal_rank));
    let stable = a
        .projects
        .iter()
        .filter(|p| p.p5_rank == p.nominal_rank && p.p95_rank == p.nominal_rank)
        .count();
    write!(
        out,
        "<div class=\"summary\"><div class=\"stat\"><div class=\"v\">{stable} / {n}</div>\
         <div class=\"k\">keep their rank in 90% of draws</div></div>"
    )?;
    if let Some((p, proj)) = widest {
        write!(
            out,
            "<div class=\"stat\" style=\"grid-column: span 2\"><div class=\"v\">{}–{}</div>\
             <div class=\"k\">widest interval: #{} {}</div></div>",
            p.p5_rank,
            p.p95_rank,
            p.nominal_rank,
            escape(&cut(&label(proj), 48))
        )?;
    }
    out.push_str("</div>\n");

    let (w, left, right, top, row) = (1000.0f32, 300.0f32, 24.0f32, 30.0f32, 17.0f32);
    let plot_w = w - left - right;
    let h = top + row * shown as f32 + 10.0;
    // The rank axis runs to the worst rank any shown project reaches, so that a capped chart
    // of a big portfolio is not squeezed into its left edge.
    let axis_max = order
        .iter()
        .take(shown)
        .filter_map(|&i| a.projects.get(i))
        .map(|p| p.p95_rank.max(p.nominal_rank).max(p.median_rank))
        .max()
        .unwrap_or(n)
        .max(2);
    let span = (axis_max - 1) as f32;
    let x_of = |rank: u32| left + plot_w * (rank.max(1) - 1) as f32 / span;
    write!(
        out,
        "<svg class=\"intervals\" role=\"img\" viewBox=\"0 0 {w} {h:.0}\" width=\"{w}\" \
         height=\"{h:.0}\" aria-label=\"Rank intervals (5th to 95th percentile) of the top {shown} \
         projects under random weights\"><title>Rank intervals under random weights</title>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"600\" fill=\"#5b6576\" \
         text-anchor=\"end\">rank (1 = best) →</text>\n",
        left - 10.0,
        top - 9.0
    )?;
    for t in rank_ticks(axis_max) {
        let x = x_of(t);
        write!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e4e8ee\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#8a94a6\" text-anchor=\"middle\">{t}</text>",
            top - 6.0,
            h - 6.0,
            top - 9.0
        )?;
    }
    out.push('\n');
    for (k, &i) in order.iter().take(shown).enumerate() {
        let (Some(p), Some(proj)) = (a.projects.get(i), portfolio.projects.get(i)) else {
            continue;
        };
        let y = top + row * k as f32 + row / 2.0;
        if k % 2 == 0 {
            write!(
                out,
                "<rect x=\"0\" y=\"{:.1}\" width=\"{w}\" height=\"{row}\" fill=\"#f7f9fc\"/>",
                y - row / 2.0
            )?;
        }
        let name = label(proj);
        let (x5, x95, xm, xn) = (
            x_of(p.p5_rank),
            x_of(p.p95_rank),
            x_of(p.median_rank),
            x_of(p.nominal_rank),
        );
        let color = grade_color(proj.scores.grade);
        writeln!(
            out,
            "<g><title>#{} {}: 5–95% ranks {}–{}, median {}</title>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11.5\" text-anchor=\"end\" fill=\"#1d2433\">\
             #{} {}</text>\
             <line x1=\"{x5:.1}\" y1=\"{y:.1}\" x2=\"{x95:.1}\" y2=\"{y:.1}\" stroke=\"#7b8aa3\" \
             stroke-width=\"3\" stroke-linecap=\"round\"/>\
             <line x1=\"{x5:.1}\" y1=\"{:.1}\" x2=\"{x5:.1}\" y2=\"{:.1}\" stroke=\"#7b8aa3\" stroke-width=\"1.2\"/>\
             <line x1=\"{x95:.1}\" y1=\"{:.1}\" x2=\"{x95:.1}\" y2=\"{:.1}\" stroke=\"#7b8aa3\" stroke-width=\"1.2\"/>\
             <path d=\"M{xm:.1} {:.1} l4 4 l-4 4 l-4 -4 z\" fill=\"#fff\" stroke=\"#1d2433\" stroke-width=\"1.1\"/>\
             <circle cx=\"{xn:.1}\" cy=\"{y:.1}\" r=\"3.6\" fill=\"{color}\" stroke=\"#1d2433\" stroke-width=\"0.8\"/></g>",
            p.nominal_rank,
            escape(&name),
            p.p5_rank,
            p.p95_rank,
            p.median_rank,
            left - 10.0,
            y + 4.0,
            p.nominal_rank,
            escape(&cut(&name, 36)),
            y - 5.0,
            y + 5.0,
            y - 5.0,
            y + 5.0,
            y - 4.0,
        )?;
    }
    out.push_str("</svg>\n");
    out.push_str(
        "<p class=\"note\"><svg width=\"12\" height=\"12\" aria-hidden=\"true\" \
         style=\"display:inline;vertical-align:-1px\"><circle cx=\"6\" cy=\"6\" r=\"4\" \
         fill=\"#74b95c\" stroke=\"#1d2433\"/></svg> nominal rank (coloured by grade) &nbsp; \
         <svg width=\"12\" height=\"12\" aria-hidden=\"true\" style=\"display:inline;vertical-align:-1px\">\
         <path d=\"M6 2 l4 4 l-4 4 l-4 -4 z\" fill=\"#fff\" stroke=\"#1d2433\"/></svg> median rank \
         &nbsp; <svg width=\"22\" height=\"12\" aria-hidden=\"true\" style=\"display:inline;vertical-align:-1px\">\
         <line x1=\"2\" y1=\"6\" x2=\"20\" y2=\"6\" stroke=\"#7b8aa3\" stroke-width=\"3\" \
         stroke-linecap=\"round\"/></svg> 5–95% interval</p>\n",
    );

    // Sobol indices.
    match &a.sobol_mean {
        Some(m) => {
            write!(
                out,
                "<h3>Which connotation weight matters?</h3>\n<p class=\"note\">Sobol indices of \
                 each project's composite with respect to the three connotation weights \
                 (each W·(1 + {}·U(−1, 1)), indicator weights and the {} across aggregation \
                 fixed; Saltelli design, N = {}), averaged over {} projects. First-order: the \
                 share of the composite's variance due to that weight alone; total: including \
                 its interactions.</p>\n<table class=\"sobol\"><caption class=\"note\" \
                 style=\"text-align:left\">Mean Sobol indices</caption><thead><tr>\
                 <th scope=\"col\">Connotation weight</th><th scope=\"col\">First-order S<sub>i</sub></th>\
                 <th scope=\"col\">Total S<sub>Ti</sub></th></tr></thead><tbody>\n",
                s.spread,
                a.sobol_across.as_str(),
                a.sobol_rows,
                a.sobol_projects
            )?;
            for (k, c) in Connotation::ALL.iter().enumerate() {
                let f = m.first.get(k).copied().unwrap_or(0.0);
                let t = m.total.get(k).copied().unwrap_or(0.0);
                let bar = |v: f64| {
                    format!(
                        "<span class=\"cbar\" aria-hidden=\"true\"><i style=\"width:{:.1}%;\
                         background:{}\"></i></span>",
                        100.0 * v.clamp(0.0, 1.0),
                        connotation_color(*c)
                    )
                };
                writeln!(
                    out,
                    "<tr><th scope=\"row\" style=\"font-weight:500\">{}</th><td>{f:.3}{}</td>\
                     <td>{t:.3}{}</td></tr>",
                    title_case(*c),
                    bar(f),
                    bar(t)
                )?;
            }
            out.push_str("</tbody></table>\n");
        }
        None => out.push_str(
            "<p class=\"note\">Sobol indices: no project's composite varies with the \
             connotation weights.</p>\n",
        ),
    }
    out.push_str("</section>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Failure;
    use crate::records::RowError;
    use crate::sensitivity::{analyse, Excluded, Settings};
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
    fn rank_ticks_are_round() {
        assert_eq!(rank_ticks(5), [1, 2, 3, 4, 5]);
        assert_eq!(rank_ticks(26), [1, 5, 10, 15, 20, 25]);
        assert_eq!(rank_ticks(28), [1, 5, 10, 15, 20, 25, 28]);
        assert_eq!(rank_ticks(1000), [1, 200, 400, 600, 800, 1000]);
        assert_eq!(rank_ticks(1), [1]);
    }
}
