//! `silkscore explain`: the breakdown of one project's score, indicator by indicator.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use silkscore::score::Scorer;
use silkscore::{Aggregation, Breakdown, Connotation, Model};
use silkscore_host::records::Row;
use silkscore_host::scoring::{coverage, score_row};

use crate::common::model_label;
use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::progress::Progress;
use crate::records::RecordsArgs;
use crate::term::{self, escape, pad, trim_lines, width};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore explain --input examples/data/portfolio.csv --id 1001
  silkscore explain --input projects.csv --model my-model.toml --id 7 --format csv

For each indicator: its connotation, the raw value, the normalised score s (0-1, 1 is the
best goalpost), its weight, its contribution to its connotation index and flags (clamped:
outside the goalposts; missing). With arithmetic aggregation within connotations the
contributions are points that add up to the index; with geometric aggregation they are each
indicator's share of the log sum (they add up to 1, and a larger share pulls the index down
more; an index of 100 has no log sum, and its shares are the weight shares). Then the three indices, the composite, the grade and the coverage.

Exit status: 0 the project scored, 1 it could not be scored (the reason is shown), 2
unusable arguments, model or file, or no row with that id, 141 the output was closed early.")]
pub struct ExplainArgs {
    #[command(flatten)]
    records: RecordsArgs,
    /// The project id to explain (the first row with it).
    #[arg(long, value_name = "ID")]
    id: u32,
    #[command(flatten)]
    model: ModelArg,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Table)]
    format: ExplainFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    /// A breakdown table and the scores, for people
    Table,
    /// CSV, one row per indicator: indicator,connotation,raw,s,weight,contribution,clamped,missing
    Csv,
}

/// Runs `silkscore explain`.
pub fn run(args: &ExplainArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let mut out = Output::stdout(&inputs)?;
    let model = args.model.load()?;
    let reader = args.records.open(&model, &Progress::none())?;
    let input_name = args.records.name();
    let mut found: Option<Row> = None;
    let mut again = 0u64;
    for row in reader {
        let row = row?;
        if row.id.parse::<u32>() == Ok(args.id) {
            if found.is_none() {
                found = Some(row);
            } else {
                again += 1;
            }
        }
    }
    let Some(row) = found else {
        return Err(CliError::file(
            &input_name,
            format!("no row with id {}", args.id),
        ));
    };
    if again > 0 {
        term::warning(&format_args!(
            "{}: {again} more rows have id {}; explaining the first, on line {}",
            input_name.display(),
            args.id,
            row.line
        ));
    }
    let at = format!("{}:{}", input_name.display(), row.line);
    let text = explain(&model, &row, &at, args.format);
    out.put(text.as_bytes())?;
    out.commit()?;
    let outcome = score_row(&model, &row.record);
    match &outcome.result {
        Ok(_) => Ok(Exit::Success),
        Err(f) => {
            term::note(&format_args!("{at}: row id {}: {f}", row.id));
            Ok(Exit::RowsFailed)
        }
    }
}

/// The breakdown of one row.
fn explain(model: &Model, row: &Row, at: &str, format: ExplainFormat) -> String {
    let mut s = String::new();
    let record = match &row.record {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                s,
                "project {} {}({}) could not be read: {e}",
                escape(&row.id),
                if row.name.is_empty() {
                    String::new()
                } else {
                    format!("“{}” ", escape(&row.name))
                },
                escape(at)
            );
            return s;
        }
    };
    let scorer = Scorer::new(model);
    let mut breakdown = Breakdown::new();
    let result = scorer.score_with_breakdown(record, &mut breakdown);
    let scored = result.is_ok();
    let outcome = score_row(model, &row.record);
    let status = outcome.status();
    let p = model.params();
    let geometric = p.within == Aggregation::Geometric;
    let items = breakdown.as_slice();

    // Per indicator: raw, s, contribution (None when missing or not available), flags.
    struct Line<'a> {
        id: &'a str,
        connotation: Connotation,
        raw: Option<f32>,
        s: Option<f32>,
        weight: f32,
        contribution: Option<f32>,
        clamped: bool,
        missing: bool,
    }
    let lines: Vec<Line<'_>> = model
        .indicators()
        .iter()
        .enumerate()
        .map(|(j, ind)| {
            let raw = record.get(j);
            let norm = raw.filter(|x| x.is_finite()).map(|x| ind.normalise(x));
            let item = items.get(j).filter(|_| scored);
            Line {
                id: ind.id.as_str(),
                connotation: ind.connotation,
                raw,
                s: norm.map(|n| n.score),
                weight: ind.weight,
                contribution: item.filter(|i| !i.missing).map(|i| {
                    if geometric {
                        i.contribution
                    } else {
                        100.0 * i.contribution
                    }
                }),
                clamped: norm.is_some_and(|n| n.clamped),
                missing: raw.is_none(),
            }
        })
        .collect();

    match format {
        ExplainFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([
                "indicator",
                "connotation",
                "raw",
                "s",
                "weight",
                "contribution",
                "clamped",
                "missing",
            ]);
            let opt = |v: Option<f32>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
            for l in &lines {
                let _ = w.write_record([
                    l.id.to_owned(),
                    l.connotation.as_str().to_owned(),
                    l.raw.map(|v| v.to_string()).unwrap_or_default(),
                    opt(l.s),
                    l.weight.to_string(),
                    opt(l.contribution),
                    l.clamped.to_string(),
                    l.missing.to_string(),
                ]);
            }
            s = w
                .into_inner()
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
        }
        ExplainFormat::Table => {
            let name = if row.name.is_empty() {
                String::new()
            } else {
                format!("  “{}”", escape(&row.name))
            };
            let _ = writeln!(s, "project {}{name}  ({})", escape(&row.id), escape(at));
            let _ = writeln!(
                s,
                "{}, fingerprint 0x{:08x}: {} within connotations, {} across",
                escape(&model_label(model)),
                model.fingerprint(),
                p.within.as_str(),
                p.across.as_str()
            );
            let _ = writeln!(s);
            let id_width = lines.iter().map(|l| width(l.id)).max().unwrap_or(9).max(9);
            let contrib = if geometric { "log share" } else { "points" };
            let head = format!(
                "{}  {:<11}  {:>12}  {:>7}  {:>8}  {:>12}  flags",
                pad("indicator", id_width),
                "connotation",
                "raw",
                "s",
                "weight",
                contrib
            );
            let rule = "─".repeat(head.chars().count() + 8);
            let _ = writeln!(s, "{head}\n{rule}");
            for c in Connotation::ALL {
                for l in lines.iter().filter(|l| l.connotation == c) {
                    let num = |v: Option<f32>, w: usize, d: usize| match v {
                        Some(v) => format!("{v:>w$.d$}"),
                        None => format!("{:>w$}", "-"),
                    };
                    let raw = match l.raw {
                        Some(v) => format!("{:>12}", short(v)),
                        None => format!("{:>12}", "-"),
                    };
                    let mut flags = Vec::new();
                    if l.clamped {
                        flags.push("clamped");
                    }
                    if l.missing {
                        flags.push("missing");
                    }
                    if l.raw.is_some_and(|v| !v.is_finite()) {
                        flags.push("non-finite");
                    }
                    let _ = writeln!(
                        s,
                        "{}  {:<11}  {raw}  {}  {:>8}  {}  {}",
                        pad(l.id, id_width),
                        l.connotation.as_str(),
                        num(l.s, 7, 4),
                        short(l.weight),
                        num(l.contribution, 12, 4),
                        flags.join(", ")
                    );
                }
            }
            let _ = writeln!(s, "{rule}");
            let cov = outcome.coverage.unwrap_or_else(|| coverage(model, record));
            match &result {
                Ok(sc) => {
                    let _ = writeln!(
                        s,
                        "{:<12}{:>10}{:>10}{:>10}{:>11}",
                        "", "cultural", "economic", "security", "composite"
                    );
                    let _ = writeln!(
                        s,
                        "{:<12}{:>10.2}{:>10.2}{:>10.2}{:>11.2}",
                        "index", sc.cultural, sc.economic, sc.security, sc.composite
                    );
                    let _ = writeln!(
                        s,
                        "{:<12}{:>10}{:>10}{:>10}{:>11}",
                        "basis pts",
                        sc.basis_points[0],
                        sc.basis_points[1],
                        sc.basis_points[2],
                        sc.basis_points[3]
                    );
                    let _ = writeln!(
                        s,
                        "{:<12}{:>10.4}{:>10.4}{:>10.4}",
                        "coverage", cov[0], cov[1], cov[2]
                    );
                    let _ = writeln!(s, "grade       {}", sc.grade.as_str());
                }
                Err(_) => {
                    let _ = writeln!(
                        s,
                        "{:<12}{:>10.4}{:>10.4}{:>10.4}   (minimum {})",
                        "coverage", cov[0], cov[1], cov[2], p.min_coverage
                    );
                }
            }
            let _ = writeln!(s, "status      {status}");
            s = trim_lines(&s);
        }
    }
    s
}

/// A compact number: the shortest form that reads back, without a long tail.
fn short(v: f32) -> String {
    let s = format!("{v}");
    if s.len() <= 12 {
        s
    } else {
        format!("{v:.4e}")
    }
}
