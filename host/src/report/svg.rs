//! The SVG charts of the report, each an `<svg role="img">` with a `<title>` and an
//! `aria-label`: the grade distribution, a profile triangle per project, the stacked indicator
//! contributions of the top projects, and the rank intervals and the Sobol indices (with
//! their confidence intervals) of the sensitivity analysis.

use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::string::String;
use std::vec::Vec;

use super::{
    connotation_color, cut, escape, grade_color, indicator_color, label, median, title_case,
    ReportOptions, GRADES,
};
use crate::portfolio::{Portfolio, Project};
use crate::sensitivity::{Analysis, Group, SobolIndices};
use silkscore::model::{Aggregation, Connotation, Model};
use silkscore::score::{score_with_breakdown, Breakdown};

pub(super) fn write_grade_chart(
    out: &mut dyn fmt::Write,
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
    out.write_str("</svg>\n")?;
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

pub(super) fn write_profiles(
    out: &mut dyn fmt::Write,
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
    out.write_str("</div>\n</section>\n")?;
    Ok(())
}

pub(super) fn write_contributions(
    out: &mut dyn fmt::Write,
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
    out.write_str("<div class=\"legend\" role=\"list\" aria-label=\"Indicator colours\">\n")?;
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
        out.write_str("</div>\n")?;
    }
    out.write_str("</div>\n")?;

    let (w, left, bar_w, row) = (540.0f32, 70.0f32, 400.0f32, 21.0f32);
    let h = row * 3.0 + 22.0;
    let mut breakdown = Breakdown::new();
    out.write_str("<div class=\"cgrid\">\n")?;
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
        out.write_char('\n')?;
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
        out.write_str("</svg>")?;
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
        out.write_str("</figure>\n")?;
    }
    out.write_str("</div>\n</section>\n")?;
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

pub(super) fn write_intervals(
    out: &mut dyn fmt::Write,
    portfolio: &Portfolio,
    a: &Analysis,
    order: &[usize],
    shown: usize,
) -> fmt::Result {
    let n = a.projects.len() as u32;
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
         projects under uncertain assumptions\"><title>Rank intervals under uncertain assumptions</title>\n\
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
    out.write_char('\n')?;
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
    out.write_str("</svg>\n")?;
    out.write_str(
        "<p class=\"note\"><svg width=\"12\" height=\"12\" aria-hidden=\"true\" \
         style=\"display:inline;vertical-align:-1px\"><circle cx=\"6\" cy=\"6\" r=\"4\" \
         fill=\"#74b95c\" stroke=\"#1d2433\"/></svg> nominal rank (coloured by grade) &nbsp; \
         <svg width=\"12\" height=\"12\" aria-hidden=\"true\" style=\"display:inline;vertical-align:-1px\">\
         <path d=\"M6 2 l4 4 l-4 4 l-4 -4 z\" fill=\"#fff\" stroke=\"#1d2433\"/></svg> median rank \
         &nbsp; <svg width=\"22\" height=\"12\" aria-hidden=\"true\" style=\"display:inline;vertical-align:-1px\">\
         <line x1=\"2\" y1=\"6\" x2=\"20\" y2=\"6\" stroke=\"#7b8aa3\" stroke-width=\"3\" \
         stroke-linecap=\"round\"/></svg> 5–95% interval</p>\n",
    )?;

    Ok(())
}

/// The mean Sobol indices per input group: a bar for the first-order and one for the total
/// index, each with its 95 % interval as a whisker, on a 0–1 axis.
pub(super) fn write_sobol_chart(
    out: &mut dyn fmt::Write,
    groups: &[Group],
    mean: &SobolIndices,
) -> fmt::Result {
    let (w, left, right, top, block) = (720.0f32, 170.0f32, 20.0f32, 24.0f32, 34.0f32);
    let plot_w = w - left - right;
    let h = top + block * groups.len() as f32 + 8.0;
    // The axis runs from 0 to 1, stretched to show any interval that pokes out.
    let lo = mean
        .groups
        .iter()
        .flat_map(|g| [g.first.low, g.total.low])
        .fold(0.0f64, f64::min)
        .max(-0.5) as f32;
    let hi = mean
        .groups
        .iter()
        .flat_map(|g| [g.first.high, g.total.high])
        .fold(1.0f64, f64::max)
        .min(1.5) as f32;
    let x_of = |v: f64| left + plot_w * ((v as f32).clamp(lo, hi) - lo) / (hi - lo);
    writeln!(
        out,
        "<svg class=\"sobol\" role=\"img\" viewBox=\"0 0 {w} {h:.0}\" width=\"{w}\" \
         height=\"{h:.0}\" aria-label=\"Mean Sobol indices per uncertain assumption, first \
         order and total, with 95% intervals\"><title>Mean Sobol indices with 95% intervals</title>"
    )?;
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let x = x_of(t);
        write!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e4e8ee\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#8a94a6\" \
             text-anchor=\"middle\">{t}</text>",
            top - 6.0,
            h - 4.0,
            top - 9.0
        )?;
    }
    out.write_char('\n')?;
    for (k, (g, ix)) in groups.iter().zip(&mean.groups).enumerate() {
        let y0 = top + block * k as f32;
        let color = g
            .input
            .connotation()
            .map_or_else(|| "hsl(218, 14%, 48%)".to_owned(), connotation_color);
        write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" \
             fill=\"#1d2433\">{}</text>",
            left - 10.0,
            y0 + block / 2.0 + 4.0,
            escape(g.input.label())
        )?;
        for (row, (e, name, opacity)) in
            [(&ix.first, "first order", 1.0), (&ix.total, "total", 0.45)]
                .into_iter()
                .enumerate()
        {
            let y = y0 + 5.0 + 12.0 * row as f32;
            let (x0, xv) = (x_of(0.0), x_of(e.value));
            let (xl, xh) = (x_of(e.low), x_of(e.high));
            let ym = y + 4.5;
            write!(
                out,
                "<g><title>{} {name}: {:.3} (95% interval {:.3} to {:.3})</title>\
                 <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"9\" fill=\"{color}\" \
                 fill-opacity=\"{opacity}\" rx=\"2\"/>\
                 <line x1=\"{xl:.1}\" y1=\"{ym:.1}\" x2=\"{xh:.1}\" y2=\"{ym:.1}\" stroke=\"#1d2433\" stroke-width=\"1.2\"/>\
                 <line x1=\"{xl:.1}\" y1=\"{:.1}\" x2=\"{xl:.1}\" y2=\"{:.1}\" stroke=\"#1d2433\" stroke-width=\"1.2\"/>\
                 <line x1=\"{xh:.1}\" y1=\"{:.1}\" x2=\"{xh:.1}\" y2=\"{:.1}\" stroke=\"#1d2433\" stroke-width=\"1.2\"/></g>",
                escape(g.input.label()),
                e.value,
                e.low,
                e.high,
                x0.min(xv),
                (xv - x0).abs(),
                ym - 3.0,
                ym + 3.0,
                ym - 3.0,
                ym + 3.0,
            )?;
        }
        out.write_char('\n')?;
    }
    out.write_str("</svg>\n")?;
    out.write_str(
        "<p class=\"note\"><svg width=\"14\" height=\"10\" aria-hidden=\"true\" \
         style=\"display:inline;vertical-align:-1px\"><rect width=\"14\" height=\"10\" rx=\"2\" \
         fill=\"#7b8aa3\"/></svg> first order &nbsp; <svg width=\"14\" height=\"10\" \
         aria-hidden=\"true\" style=\"display:inline;vertical-align:-1px\"><rect width=\"14\" \
         height=\"10\" rx=\"2\" fill=\"#7b8aa3\" fill-opacity=\"0.45\"/></svg> total &nbsp; \
         <svg width=\"22\" height=\"10\" aria-hidden=\"true\" style=\"display:inline;\
         vertical-align:-1px\"><path d=\"M2 2v6M2 5h18M20 2v6\" stroke=\"#1d2433\" \
         fill=\"none\"/></svg> 95% interval</p>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_ticks_are_round() {
        assert_eq!(rank_ticks(5), [1, 2, 3, 4, 5]);
        assert_eq!(rank_ticks(26), [1, 5, 10, 15, 20, 25]);
        assert_eq!(rank_ticks(28), [1, 5, 10, 15, 20, 25, 28]);
        assert_eq!(rank_ticks(1000), [1, 200, 400, 600, 800, 1000]);
        assert_eq!(rank_ticks(1), [1]);
    }
}
