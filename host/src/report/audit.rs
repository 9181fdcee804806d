//! The audit section of the report ([`crate::audit`] over the projects that score): a table
//! of indicator statistics with COINr's outlier flag and each indicator's correlation with
//! its own index, a heat map of the correlations of the indicators' scores grouped by
//! connotation, the correlations of the indices, and Cronbach's α per connotation.

use core::fmt;
use std::format;
use std::string::String;
use std::vec::Vec;

use super::{connotation_color, escape, title_case};
use crate::audit::{Audit, Correlations, KURTOSIS_THRESHOLD, SKEW_THRESHOLD};
use crate::portfolio::Portfolio;
use silkscore::model::{Connotation, Model};

/// Writes the section (nothing when no project scores).
pub(super) fn write_audit(
    out: &mut dyn fmt::Write,
    model: &Model,
    portfolio: &Portfolio,
) -> fmt::Result {
    if portfolio.projects.is_empty() {
        return Ok(());
    }
    let audit = Audit::of_records(model, &portfolio.records());
    write!(
        out,
        "<section id=\"audit\" aria-labelledby=\"h-audit\">\n<h2 id=\"h-audit\">Statistical \
         audit</h2>\n<p class=\"lead\">Whether the data can carry the index (JRC/OECD Handbook \
         on Constructing Composite Indicators), over the {} projects that score. Outliers: \
         |skewness| &gt; {SKEW_THRESHOLD} and kurtosis &gt; {KURTOSIS_THRESHOLD} (COINr’s rule, \
         on the raw values). Correlations are of the scores s (what enters the index); an \
         indicator that correlates negatively with its own index pulls against it. \
         <code>silkscore audit</code> gives all of it as CSV or JSON.</p>\n",
        audit.rows
    )?;
    // Summary.
    let outliers = audit.outliers().len();
    let negative = audit.negative_with_own_index().len();
    let pairs = audit.flagged_pairs().len();
    write!(
        out,
        "<div class=\"summary\"><div class=\"stat\"><div class=\"v\">{outliers}</div>\
         <div class=\"k\">indicators with outliers</div></div><div class=\"stat\">\
         <div class=\"v\">{negative}</div><div class=\"k\">against their own index</div></div>\
         <div class=\"stat\"><div class=\"v\">{pairs}</div><div class=\"k\">collinear or \
         opposed pairs within a connotation</div></div>"
    )?;
    for a in &audit.alpha {
        write!(
            out,
            "<div class=\"stat\"><div class=\"v\">{}</div><div class=\"k\">Cronbach’s α, {} \
             ({} indicators, {} rows)</div></div>",
            a.alpha.map_or_else(|| "–".into(), |v| format!("{v:.2}")),
            a.connotation.as_str(),
            a.items,
            a.rows
        )?;
    }
    out.write_str("</div>\n")?;
    let flagged = audit.flagged_pairs();
    if !flagged.is_empty() {
        let list: Vec<String> = flagged
            .iter()
            .map(|p| {
                format!(
                    "{} – {} ({}, r = {:.2})",
                    escape(&p.a),
                    escape(&p.b),
                    p.connotation.as_str(),
                    p.r
                )
            })
            .collect();
        writeln!(
            out,
            "<p class=\"note\">Pairs within a connotation with r &gt; 0.9 (they say the same \
             thing) or r &lt; −0.4 (they pull apart): {}.</p>",
            list.join("; ")
        )?;
    }

    // The indicator table.
    out.write_str(
        "<table class=\"rank\">\n<caption>Indicators (raw values)</caption>\n<thead><tr>\
         <th scope=\"col\">Indicator</th><th scope=\"col\">Connotation</th>\
         <th scope=\"col\" class=\"n\">n</th><th scope=\"col\" class=\"n\">Missing</th>\
         <th scope=\"col\" class=\"n\">Min</th><th scope=\"col\" class=\"n\">Max</th>\
         <th scope=\"col\" class=\"n\">&lt; lo</th><th scope=\"col\" class=\"n\">&gt; hi</th>\
         <th scope=\"col\" class=\"n\">Skew</th><th scope=\"col\" class=\"n\">Kurtosis</th>\
         <th scope=\"col\" class=\"n\">r with own index</th><th scope=\"col\">Flags</th>\
         </tr></thead>\n<tbody>\n",
    )?;
    let f = |v: Option<f64>, d: usize| v.map_or_else(|| "–".into(), |v| format!("{v:.d$}"));
    let pct = |v: Option<f64>| v.map_or_else(|| "–".into(), |v| format!("{:.1}%", 100.0 * v));
    for i in &audit.indicators {
        let mut flags = Vec::new();
        if i.outlier() {
            flags.push("<span class=\"status bad\">outliers</span>");
        }
        if i.negative_with_own_index() {
            flags.push("<span class=\"status bad\">against own index</span>");
        }
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&i.id),
            title_case(i.connotation),
            i.present,
            100.0 * i.missing_share(),
            f(i.min, 2),
            f(i.max, 2),
            pct(i.below_lo),
            pct(i.above_hi),
            f(i.skewness, 2),
            f(i.kurtosis, 2),
            f(i.own_pearson, 3),
            flags.join(" ")
        )?;
    }
    out.write_str("</tbody>\n</table>\n")?;

    out.write_str("<h3>Correlations of the indicators</h3>\n")?;
    write_heatmap(out, &audit)?;
    out.write_str("<h3>Correlations of the indices</h3>\n")?;
    write_index_table(out, &audit.index_pearson, &audit.index_spearman)?;
    out.write_str("</section>\n")
}

/// The colour of a correlation: blue for +1, white for 0, red for −1; grey when undefined.
fn corr_color(r: Option<f64>) -> String {
    match r {
        None => "#e9ecf1".into(),
        Some(r) => {
            let r = r.clamp(-1.0, 1.0);
            let light = 97.0 - 50.0 * r.abs();
            let hue = if r >= 0.0 { 214 } else { 4 };
            format!("hsl({hue}, 62%, {light:.0}%)")
        }
    }
}

/// A heat map of the Pearson correlations of the indicators' scores, in model order grouped
/// by connotation, with the connotations marked along both axes.
fn write_heatmap(out: &mut dyn fmt::Write, audit: &Audit) -> fmt::Result {
    // Indicator positions grouped by connotation.
    let order: Vec<usize> = Connotation::ALL
        .iter()
        .flat_map(|c| {
            audit
                .indicators
                .iter()
                .enumerate()
                .filter(move |(_, i)| i.connotation == *c)
                .map(|(j, _)| j)
        })
        .collect();
    let n = order.len();
    let cell = if n > 20 { 16.0f32 } else { 24.0 };
    let label_w = 150.0f32;
    let top = 150.0f32;
    let size = cell * n as f32;
    let (w, h) = (label_w + size + 150.0, top + size + 10.0);
    writeln!(
        out,
        "<figure><svg class=\"heatmap\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" aria-label=\"Heat map \
         of the Pearson correlations of {n} indicators' scores, grouped by connotation\">\
         <title>Pearson correlations of the indicators' scores</title>"
    )?;
    let p = &audit.pearson;
    for (r, j) in order.iter().enumerate() {
        let Some(ind) = audit.indicators.get(*j) else {
            continue;
        };
        let y = top + cell * r as f32;
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" \
             fill=\"{}\">{}</text>",
            label_w - 6.0,
            y + cell * 0.7,
            connotation_color(ind.connotation),
            escape(&ind.id)
        )?;
        let x = label_w + cell * r as f32;
        write!(
            out,
            "<text transform=\"translate({},{}) rotate(-55)\" font-size=\"11\" fill=\"{}\">{}\
             </text>",
            x + cell * 0.6,
            top - 6.0,
            connotation_color(ind.connotation),
            escape(&ind.id)
        )?;
        for (c, k) in order.iter().enumerate() {
            let v = if j == k { Some(1.0) } else { p.get(*j, *k) };
            let other = audit.indicators.get(*k).map_or("", |i| i.id.as_str());
            write!(
                out,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" \
                 stroke=\"#fff\" stroke-width=\"1\"><title>{} – {}: {}</title></rect>",
                label_w + cell * c as f32,
                corr_color(v),
                escape(&ind.id),
                escape(other),
                v.map_or_else(|| "undefined".into(), |v| format!("r = {v:.3}"))
            )?;
        }
    }
    // Connotation blocks.
    let mut start = 0usize;
    for c in Connotation::ALL {
        let k = audit
            .indicators
            .iter()
            .filter(|i| i.connotation == c)
            .count();
        if k > 0 {
            let (x, y) = (label_w + cell * start as f32, top + cell * start as f32);
            let s = cell * k as f32;
            write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{s:.1}\" height=\"{s:.1}\" fill=\"none\" \
                 stroke=\"{}\" stroke-width=\"2\"/>",
                connotation_color(c)
            )?;
        }
        start += k;
    }
    // Legend.
    let lx = label_w + size + 24.0;
    for (i, r) in [1.0, 0.5, 0.0, -0.5, -1.0].iter().enumerate() {
        let y = top + 20.0 * i as f32;
        write!(
            out,
            "<rect x=\"{lx}\" y=\"{y}\" width=\"16\" height=\"16\" fill=\"{}\" \
             stroke=\"#d9dee7\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{r:+.1}</text>",
            corr_color(Some(*r)),
            lx + 22.0,
            y + 12.0
        )?;
    }
    out.write_str(
        "</svg><figcaption class=\"note\">Blue: the scores rise together; red: one rises as \
         the other falls; grey: undefined (a constant column or too few common rows). The \
         framed blocks are the connotations. Hover a cell for its value.</figcaption>\
         </figure>\n",
    )
}

fn write_index_table(
    out: &mut dyn fmt::Write,
    pearson: &Correlations,
    spearman: &Correlations,
) -> fmt::Result {
    out.write_str(
        "<table class=\"sobol\"><caption class=\"note\" style=\"text-align:left\">Pearson below \
         the diagonal, Spearman above, over the projects that score</caption><thead><tr>\
         <th scope=\"col\"></th>",
    )?;
    for l in &pearson.labels {
        write!(out, "<th scope=\"col\">{}</th>", escape(l))?;
    }
    out.write_str("</tr></thead><tbody>\n")?;
    for (j, l) in pearson.labels.iter().enumerate() {
        write!(
            out,
            "<tr><th scope=\"row\" style=\"font-weight:500\">{}</th>",
            escape(l)
        )?;
        for k in 0..pearson.labels.len() {
            let v = match j.cmp(&k) {
                core::cmp::Ordering::Greater => pearson.get(j, k),
                core::cmp::Ordering::Less => spearman.get(j, k),
                core::cmp::Ordering::Equal => Some(1.0),
            };
            write!(
                out,
                "<td class=\"n\" style=\"background:{}\">{}</td>",
                corr_color(v),
                v.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
            )?;
        }
        out.write_str("</tr>\n")?;
    }
    out.write_str("</tbody></table>\n")
}

#[cfg(test)]
mod tests {
    use super::super::{render, ReportOptions};
    use crate::portfolio::{Portfolio, Project};
    use silkscore::model::{Connotation, Direction, Indicator, Model, ModelParams, Transform};
    use silkscore::{score, Record};

    #[test]
    fn the_report_has_an_audit_section_with_a_heat_map() {
        let lin = |id, c| Indicator::new(id, c, Direction::Benefit, Transform::Lin, 0.0, 10.0);
        let model = Model::new(
            "audit<report>",
            ModelParams::DEFAULT,
            &[
                lin("x-1", Connotation::Cultural),
                lin("y", Connotation::Cultural),
                lin("e", Connotation::Economic),
                lin("s", Connotation::Security),
            ],
        )
        .unwrap();
        let projects: Vec<Project> = (0..12u32)
            .map(|i| {
                let x = i as f32;
                let record =
                    Record::from_values(i, &[Some(x), Some(10.0 - x), Some(x % 3.0), Some(5.0)])
                        .unwrap();
                Project {
                    line: u64::from(i) + 2,
                    id: i.to_string(),
                    name: String::new(),
                    record,
                    scores: score(&model, &record).unwrap(),
                }
            })
            .collect();
        let portfolio = Portfolio {
            projects,
            excluded: vec![],
        };
        let html = render(&model, &portfolio, None, &ReportOptions::default());
        let at = html
            .find("<section id=\"audit\"")
            .expect("an audit section");
        let section = &html[at..html[at..].find("</section>").unwrap() + at];
        assert!(section.contains("over the 12 projects that score"));
        assert!(section.contains("<svg class=\"heatmap\" role=\"img\""));
        // x and y move against each other: flagged, and red in the heat map.
        assert!(
            section.contains("x-1 – y (cultural, r = -1.00)"),
            "{section}"
        );
        assert!(section.contains("r = -1.000"));
        // s is constant: undefined correlations are grey and say so.
        assert!(section.contains("undefined"));
        assert!(html.contains("<a href=\"#audit\">Audit</a>"));

        let empty = Portfolio::default();
        let html = render(&model, &empty, None, &ReportOptions::default());
        assert!(!html.contains("<section id=\"audit\""));
    }
}
