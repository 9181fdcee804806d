//! `silkscore audit`: the statistical audit of a records file against a model
//! (`silkscore_host::audit`, docs/spec.md §7.5): per-indicator statistics and COINr's outlier
//! rule, correlations within and across connotations, each indicator against its own index,
//! Cronbach's α, and goalposts suggested from percentiles.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use silkscore::{Connotation, Model};
use silkscore_host::audit::{
    Audit, Builder, Correlations, GoalpostSuggestion, Percentiles, COLLINEAR_THRESHOLD,
    KURTOSIS_THRESHOLD, NEGATIVE_THRESHOLD, SKEW_THRESHOLD,
};
use silkscore_host::model_file;

use crate::common::model_label;
use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::progress::Progress;
use crate::records::{warn_columns, RecordsArgs};
use crate::term::{self, escape, pad, width};

/// How many rows that do not parse are described on stderr before the rest are counted.
const MAX_ROW_NOTES: usize = 10;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore audit --input examples/data/portfolio.csv
  silkscore audit --input projects.csv --model my-model.toml --format json > audit.json
  silkscore audit --input projects.csv --format csv --table pearson
  silkscore audit --input projects.csv --suggest-goalposts p5,p95 -o suggested.toml

Per indicator, on its raw values: n (finite values), missing (blank or absent) and
non-finite counts, min, max, mean, standard deviation, the share of values below lo and above
hi (clamped at the goalposts), skewness and excess kurtosis as COINr computes them
(small-sample adjusted, as Excel's SKEW and KURT), flagged as having outliers when |skewness|
> 2 and kurtosis > 3.5 (COINr's rule); and the Pearson and Spearman correlation of its score
s with its own connotation index, flagged when negative.

Correlations are of the scores s (transform, goalposts and direction applied: what enters the
index), over the rows where both values are present: every pair of indicators (a matrix per
connotation in the table: Pearson below the diagonal, Spearman above; pairs above 0.9 or below
-0.4 are flagged, as COINr's get_corr_flags), and the three connotation indices and the
composite of the rows that score. Cronbach's alpha per connotation is over the rows with all
its indicators present (below 0.7 its indicators hardly measure one thing).

--suggest-goalposts P,Q writes (to -o FILE.toml) the model with each indicator's goalposts
at the P-th and Q-th percentile of its values (linear interpolation, as numpy); an indicator
keeps its goalposts when its values do not allow others, and the output says why.

--format csv prints one table, chosen by --table: indicators (default), pearson, spearman,
indices, alpha or goalposts. Table and json hold everything. Rows that do not parse are left
out and listed on stderr.

Exit status: 0 every row audited, 1 some rows did not parse and were left out, 2 unusable
arguments, model or file, or no row that parses, 141 the output was closed early.")]
pub struct AuditArgs {
    #[command(flatten)]
    records: RecordsArgs,

    #[command(flatten)]
    model: ModelArg,

    /// Output format: table for people, csv (one table, see --table) or json for programs.
    #[arg(short, long, value_enum, default_value_t = AuditFormat::Table)]
    format: AuditFormat,

    /// The table --format csv prints.
    #[arg(long, value_enum, default_value_t = CsvTable::Indicators)]
    table: CsvTable,

    /// Suggest goalposts at these percentiles of each indicator's values (e.g. p5,p95) and
    /// write the model with them to -o.
    #[arg(long, value_name = "P,Q", value_parser = Percentiles::parse, requires = "output")]
    suggest_goalposts: Option<Percentiles>,

    /// Where --suggest-goalposts writes the model (TOML; whole or not at all, never an input).
    #[arg(short, long, value_name = "FILE.toml", requires = "suggest_goalposts")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    /// Aligned tables and flags for people
    Table,
    /// One CSV table (see --table)
    Csv,
    /// One JSON object with everything
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CsvTable {
    /// One row per indicator: its statistics and flags
    Indicators,
    /// The Pearson correlations of the indicators' scores
    Pearson,
    /// The Spearman correlations of the indicators' scores
    Spearman,
    /// The correlations of the three indices and the composite (Pearson and Spearman)
    Indices,
    /// Cronbach's alpha per connotation
    Alpha,
    /// The suggested goalposts (needs --suggest-goalposts)
    Goalposts,
}

/// Runs `silkscore audit`.
pub fn run(args: &AuditArgs) -> Result<Exit, CliError> {
    if args.format == AuditFormat::Csv
        && args.table == CsvTable::Goalposts
        && args.suggest_goalposts.is_none()
    {
        return Err(CliError::Usage(
            "--table goalposts needs --suggest-goalposts P,Q -o FILE.toml".to_owned(),
        ));
    }
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let mut out = Output::stdout(&inputs)?;
    let model_out = match &args.output {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = args.model.load()?;
    let reader = args.records.open(&model, &Progress::none())?;
    warn_columns(&reader, &model);
    let input = args.records.name();
    let mut builder = Builder::new(&model);
    let mut left_out = 0usize;
    for row in reader {
        let row = row?;
        match &row.record {
            Ok(record) => builder.push(record),
            Err(e) => {
                left_out += 1;
                if left_out <= MAX_ROW_NOTES {
                    term::note(&format_args!(
                        "{}:{}: row id {} left out of the audit: it does not parse ({e})",
                        input.display(),
                        row.line,
                        row.id
                    ));
                }
            }
        }
    }
    if left_out > MAX_ROW_NOTES {
        term::note(&format_args!(
            "{} more rows left out, not listed",
            left_out - MAX_ROW_NOTES
        ));
    }
    let suggestion = match args.suggest_goalposts {
        Some(p) => Some(builder.suggest_goalposts(p).map_err(|e| {
            CliError::file(
                &input,
                format!("the suggested goalposts make no valid model: {e}"),
            )
        })?),
        None => None,
    };
    let audit = builder.finish();
    if audit.rows == 0 {
        return Err(CliError::file(
            &input,
            "no row parses: there is nothing to audit",
        ));
    }
    let goalposts = suggestion.as_ref().map(|(_, g)| g.as_slice());
    let text = match args.format {
        AuditFormat::Table => table(&audit, &model, &input, left_out, goalposts),
        AuditFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&to_json(&audit, &model, &input, left_out, goalposts))
                    .map_err(|e| out.failed(std::io::Error::other(e)))?;
            s.push('\n');
            s
        }
        AuditFormat::Csv => csv_table(&audit, args.table, goalposts).map_err(|e| out.failed(e))?,
    };
    if let (Some(mut file), Some((suggested, _))) = (model_out, &suggestion) {
        let name = file.name().to_path_buf();
        file.put(model_file::to_toml(suggested).as_bytes())?;
        file.commit()?;
        term::info(&format_args!(
            "wrote {}: {} with goalposts from the data, fingerprint 0x{:08x}",
            name.display(),
            model_label(suggested),
            suggested.fingerprint()
        ));
    }
    out.write_all(text.as_bytes()).map_err(|e| out.failed(e))?;
    out.commit()?;
    Ok(if left_out > 0 {
        Exit::RowsFailed
    } else {
        Exit::Success
    })
}

/// A number for the table: `decimals` decimals, or `-` when undefined.
fn num(v: Option<f64>, w: usize, decimals: usize) -> String {
    match v {
        Some(v) => format!("{v:>w$.decimals$}"),
        None => format!("{:>w$}", "-"),
    }
}

/// A compact raw value: up to 6 significant digits.
fn short(v: Option<f64>) -> String {
    match v {
        None => "-".to_owned(),
        Some(v) if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-3) => format!("{v:.3e}"),
        Some(v) => {
            let s = format!("{v:.4}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            s.to_owned()
        }
    }
}

fn table(
    a: &Audit,
    model: &Model,
    input: &std::path::Path,
    left_out: usize,
    goalposts: Option<&[GoalpostSuggestion]>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Audit of {} against {} (fingerprint 0x{:08x}): {} rows, {} score{}",
        escape(&input.display().to_string()),
        escape(&model_label(model)),
        model.fingerprint(),
        a.rows,
        a.scored,
        if left_out > 0 {
            format!(", {left_out} left out (they do not parse)")
        } else {
            String::new()
        }
    );
    let _ = writeln!(s);
    let id_w = a
        .indicators
        .iter()
        .map(|i| width(&i.id))
        .max()
        .unwrap_or(9)
        .max(9);
    let _ = writeln!(
        s,
        "Indicators: raw values; skewness and kurtosis as COINr; outlier = |skew| > {SKEW_THRESHOLD} \
         and kurtosis > {KURTOSIS_THRESHOLD}; r(own) = Pearson r of the score with its own index"
    );
    let head = format!(
        "{}  {:<11}  {:>6}  {:>7}  {:>10}  {:>10}  {:>6}  {:>6}  {:>7}  {:>7}  {:>7}  flags",
        pad("indicator", id_w),
        "connotation",
        "n",
        "missing",
        "min",
        "max",
        "<lo",
        ">hi",
        "skew",
        "kurt",
        "r(own)"
    );
    let rule = "─".repeat(width(&head) + 12);
    let _ = writeln!(s, "{head}\n{rule}");
    for i in &a.indicators {
        let mut flags = Vec::new();
        if i.outlier() {
            flags.push("OUTLIERS");
        }
        if i.negative_with_own_index() {
            flags.push("NEGATIVE vs own index");
        }
        if i.non_finite > 0 {
            flags.push("non-finite values");
        }
        let pct = |v: Option<f64>| match v {
            Some(v) => format!("{:>5.1}%", 100.0 * v),
            None => format!("{:>6}", "-"),
        };
        let _ = writeln!(
            s,
            "{}  {:<11}  {:>6}  {:>6.1}%  {:>10}  {:>10}  {}  {}  {}  {}  {}  {}",
            pad(&i.id, id_w),
            i.connotation.as_str(),
            i.present,
            100.0 * i.missing_share(),
            short(i.min),
            short(i.max),
            pct(i.below_lo),
            pct(i.above_hi),
            num(i.skewness, 7, 2),
            num(i.kurtosis, 7, 2),
            num(i.own_pearson, 7, 3),
            flags.join(", ")
        );
    }
    let _ = writeln!(s, "{rule}");

    let _ = writeln!(
        s,
        "\nCorrelations of the scores within each connotation (Pearson below the diagonal, \
         Spearman above):"
    );
    for c in Connotation::ALL {
        let members: Vec<usize> = a
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.connotation == c)
            .map(|(j, _)| j)
            .collect();
        let _ = writeln!(s, "\n  {}", c.as_str());
        matrix(&mut s, &a.pearson, &a.spearman, &members, id_w);
    }
    let _ = writeln!(
        s,
        "\nAcross connotations: the indices of the {} rows that score (Pearson below, \
         Spearman above):\n",
        a.scored
    );
    matrix(
        &mut s,
        &a.index_pearson,
        &a.index_spearman,
        &[0, 1, 2, 3],
        id_w,
    );

    let _ = writeln!(
        s,
        "\nCronbach's alpha (scores s, rows with every indicator of the connotation):"
    );
    for al in &a.alpha {
        let _ = writeln!(
            s,
            "  {:<9} {}  ({} indicators, {} rows){}",
            al.connotation.as_str(),
            num(al.alpha, 7, 3),
            al.items,
            al.rows,
            match al.alpha {
                Some(x) if x < 0.7 => "  below 0.7",
                _ => "",
            }
        );
    }

    let _ = writeln!(s, "\nFlags:");
    let mut any = false;
    for i in a.outliers() {
        any = true;
        let _ = writeln!(
            s,
            "  {}: possible outliers (skewness {:.2}, kurtosis {:.2}): consider a log transform \
             or goalposts that clamp them",
            escape(&i.id),
            i.skewness.unwrap_or(0.0),
            i.kurtosis.unwrap_or(0.0)
        );
    }
    for i in a.negative_with_own_index() {
        any = true;
        let _ = writeln!(
            s,
            "  {}: correlates negatively with its own {} index (r = {:.3}): check its direction",
            escape(&i.id),
            i.connotation.as_str(),
            i.own_pearson.unwrap_or(0.0)
        );
    }
    for p in a.flagged_pairs() {
        any = true;
        let why = if p.r > COLLINEAR_THRESHOLD {
            format!("collinear (r > {COLLINEAR_THRESHOLD}): they say the same thing")
        } else {
            format!("pull apart (r < {NEGATIVE_THRESHOLD})")
        };
        let _ = writeln!(
            s,
            "  {} and {} ({}): r = {:.3}, {why}",
            escape(&p.a),
            escape(&p.b),
            p.connotation.as_str(),
            p.r
        );
    }
    if !any {
        let _ = writeln!(s, "  none");
    }

    if let Some(g) = goalposts {
        let _ = writeln!(s, "\nSuggested goalposts:");
        for sug in g {
            let _ = writeln!(
                s,
                "  {}  {} .. {}  ->  {} .. {}{}",
                pad(&sug.id, id_w),
                sug.current.0,
                sug.current.1,
                sug.suggested.0,
                sug.suggested.1,
                sug.kept
                    .as_ref()
                    .map(|k| format!("  (kept: {})", escape(k)))
                    .unwrap_or_default()
            );
        }
    }
    term::trim_lines(&s)
}

/// A correlation matrix of `members`: `lower` below the diagonal, `upper` above.
fn matrix(
    s: &mut String,
    lower: &Correlations,
    upper: &Correlations,
    members: &[usize],
    id_w: usize,
) {
    let label = |j: usize| lower.labels.get(j).map_or("?", String::as_str);
    let col_w = members
        .iter()
        .map(|j| width(label(*j)))
        .max()
        .unwrap_or(6)
        .clamp(6, 12);
    let mut head = format!("    {}", pad("", id_w));
    for j in members {
        let l = label(*j);
        let cut: String = l.chars().take(col_w).collect();
        let _ = write!(head, "  {:>col_w$}", escape(&cut));
    }
    let _ = writeln!(s, "{}", head.trim_end());
    for (r, j) in members.iter().enumerate() {
        let mut line = format!("    {}", pad(&escape(label(*j)), id_w));
        for (c, k) in members.iter().enumerate() {
            let v = match r.cmp(&c) {
                std::cmp::Ordering::Greater => num(lower.get(*j, *k), col_w, 3),
                std::cmp::Ordering::Less => num(upper.get(*j, *k), col_w, 3),
                std::cmp::Ordering::Equal => format!("{:>col_w$}", "1"),
            };
            let _ = write!(line, "  {v}");
        }
        let _ = writeln!(s, "{line}");
    }
}

fn opt(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite()).map_or(Value::Null, Value::from)
}

fn rows_of(c: &Correlations) -> Value {
    let n = c.labels.len();
    Value::Array(
        (0..n)
            .map(|j| Value::Array((0..n).map(|k| opt(c.get(j, k))).collect()))
            .collect(),
    )
}

fn to_json(
    a: &Audit,
    model: &Model,
    input: &std::path::Path,
    left_out: usize,
    goalposts: Option<&[GoalpostSuggestion]>,
) -> Value {
    let indicators: Vec<Value> = a
        .indicators
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "connotation": i.connotation.as_str(),
                "present": i.present,
                "missing": i.missing,
                "non_finite": i.non_finite,
                "missing_share": i.missing_share(),
                "min": opt(i.min),
                "max": opt(i.max),
                "mean": opt(i.mean),
                "sd": opt(i.sd),
                "below_lo": opt(i.below_lo),
                "above_hi": opt(i.above_hi),
                "skewness": opt(i.skewness),
                "kurtosis": opt(i.kurtosis),
                "outlier": i.outlier(),
                "own_pearson": opt(i.own_pearson),
                "own_spearman": opt(i.own_spearman),
                "negative_with_own_index": i.negative_with_own_index(),
            })
        })
        .collect();
    let mut v = json!({
        "model": {"name": model.name(), "fingerprint": format!("{:#010x}", model.fingerprint())},
        "input": input.display().to_string(),
        "rows": a.rows,
        "scored": a.scored,
        "left_out": left_out,
        "thresholds": {
            "skewness": SKEW_THRESHOLD,
            "kurtosis": KURTOSIS_THRESHOLD,
            "collinear": COLLINEAR_THRESHOLD,
            "negative": NEGATIVE_THRESHOLD,
        },
        "indicators": indicators,
        "correlations": {
            "labels": a.pearson.labels,
            "pearson": rows_of(&a.pearson),
            "spearman": rows_of(&a.spearman),
        },
        "indices": {
            "labels": a.index_pearson.labels,
            "pearson": rows_of(&a.index_pearson),
            "spearman": rows_of(&a.index_spearman),
        },
        "flagged_pairs": a.flagged_pairs().iter().map(|p| json!({
            "a": p.a, "b": p.b, "connotation": p.connotation.as_str(), "r": p.r,
        })).collect::<Vec<_>>(),
        "alpha": a.alpha.iter().map(|al| json!({
            "connotation": al.connotation.as_str(),
            "items": al.items,
            "rows": al.rows,
            "alpha": opt(al.alpha),
        })).collect::<Vec<_>>(),
    });
    if let (Some(g), Some(obj)) = (goalposts, v.as_object_mut()) {
        obj.insert(
            "goalposts".to_owned(),
            Value::Array(
                g.iter()
                    .map(|s| {
                        json!({
                            "id": s.id,
                            "current": [s.current.0, s.current.1],
                            "suggested": [s.suggested.0, s.suggested.1],
                            "kept": s.kept,
                        })
                    })
                    .collect(),
            ),
        );
    }
    v
}

/// A CSV cell of a number (full precision), empty when undefined.
fn cell(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map(|x| x.to_string())
        .unwrap_or_default()
}

fn csv_table(
    a: &Audit,
    which: CsvTable,
    goalposts: Option<&[GoalpostSuggestion]>,
) -> std::io::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    match which {
        CsvTable::Indicators => {
            w.write_record([
                "indicator",
                "connotation",
                "present",
                "missing",
                "non_finite",
                "missing_share",
                "min",
                "max",
                "mean",
                "sd",
                "below_lo",
                "above_hi",
                "skewness",
                "kurtosis",
                "outlier",
                "own_pearson",
                "own_spearman",
                "negative_with_own_index",
            ])?;
            for i in &a.indicators {
                w.write_record([
                    i.id.clone(),
                    i.connotation.as_str().to_owned(),
                    i.present.to_string(),
                    i.missing.to_string(),
                    i.non_finite.to_string(),
                    i.missing_share().to_string(),
                    cell(i.min),
                    cell(i.max),
                    cell(i.mean),
                    cell(i.sd),
                    cell(i.below_lo),
                    cell(i.above_hi),
                    cell(i.skewness),
                    cell(i.kurtosis),
                    i.outlier().to_string(),
                    cell(i.own_pearson),
                    cell(i.own_spearman),
                    i.negative_with_own_index().to_string(),
                ])?;
            }
        }
        CsvTable::Pearson | CsvTable::Spearman => {
            let m = if which == CsvTable::Pearson {
                &a.pearson
            } else {
                &a.spearman
            };
            let mut head = vec!["indicator".to_owned(), "connotation".to_owned()];
            head.extend(m.labels.iter().cloned());
            w.write_record(&head)?;
            for (j, i) in a.indicators.iter().enumerate() {
                let mut row = vec![i.id.clone(), i.connotation.as_str().to_owned()];
                row.extend((0..m.labels.len()).map(|k| cell(m.get(j, k))));
                w.write_record(&row)?;
            }
        }
        CsvTable::Indices => {
            let mut head = vec!["method".to_owned(), "index".to_owned()];
            head.extend(a.index_pearson.labels.iter().cloned());
            w.write_record(&head)?;
            for (method, m) in [
                ("pearson", &a.index_pearson),
                ("spearman", &a.index_spearman),
            ] {
                for (j, label) in m.labels.iter().enumerate() {
                    let mut row = vec![method.to_owned(), label.clone()];
                    row.extend((0..m.labels.len()).map(|k| cell(m.get(j, k))));
                    w.write_record(&row)?;
                }
            }
        }
        CsvTable::Alpha => {
            w.write_record(["connotation", "items", "rows", "alpha"])?;
            for al in &a.alpha {
                w.write_record([
                    al.connotation.as_str().to_owned(),
                    al.items.to_string(),
                    al.rows.to_string(),
                    cell(al.alpha),
                ])?;
            }
        }
        CsvTable::Goalposts => {
            w.write_record([
                "indicator",
                "lo",
                "hi",
                "suggested_lo",
                "suggested_hi",
                "kept",
            ])?;
            for g in goalposts.unwrap_or(&[]) {
                w.write_record([
                    g.id.clone(),
                    g.current.0.to_string(),
                    g.current.1.to_string(),
                    g.suggested.0.to_string(),
                    g.suggested.1.to_string(),
                    g.kept.clone().unwrap_or_default(),
                ])?;
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}
