//! `silkscore weights …`: indicator weights from AHP judgments, or from a batch of records by
//! entropy or CRITIC (docs/spec.md §5, §8), optionally written into a model file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use silkscore::weights::{ahp, critic, entropy, WeightsError};
use silkscore::{Connotation, Model, Record};
use silkscore_host::model_file;

use crate::common::{model_label, model_or_default, ConnotationArg};
use crate::error::{CliError, Exit};
use crate::files::{read_limited, Inputs, Output};
use crate::progress::Progress;
use crate::records::RecordsArgs;
use crate::term::{self, escape, pad, width};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore weights ahp --connotation security judgments.txt --write-model weighted.toml
  silkscore weights entropy --input projects.csv --model my-model.toml
  silkscore weights critic --input projects.csv --write-model weighted.toml

Exit status: 0 done, 2 unusable arguments or files (inconsistent AHP judgments, an
incomplete record for entropy or CRITIC, an empty judgments file, an output that is one of
the inputs, …), with the file, line and reason; 141 the output was closed early.")]
pub struct WeightsArgs {
    #[command(subcommand)]
    command: WeightsCommand,
}

#[derive(Debug, Subcommand)]
enum WeightsCommand {
    /// AHP (Saaty) weights for one connotation from pairwise judgments.
    Ahp(AhpArgs),
    /// Entropy weights from a batch of complete records.
    Entropy(DataArgs),
    /// CRITIC weights (contrast and conflict) from a batch of complete records.
    Critic(DataArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    /// An aligned table for people
    Table,
    /// CSV for programs
    Csv,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore weights ahp --connotation security judgments.txt --model my-model.toml \\
      --write-model weighted.toml

The judgments file holds the upper triangle of the pairwise comparison matrix of the
connotation's indicators, in model order and row-major: a12 a13 … a1n a23 … (n(n-1)/2
values for n indicators; 15 for 6). a12 = 3 means indicator 1 matters three times as much
as indicator 2; 1/3 the reverse. Values are separated by spaces, commas, semicolons or line
breaks; fractions like 1/7 are allowed; # starts a comment:

  # jobs  foreign  cluster  control  value-chain  stability
    2     3        3        2        1/2          # a12 … a16
          2        2        1        1/3          # a23 … a26
                   1        1/2      1/5          # a34 … a36
                            1/2      1/5          # a45, a46
                                     1/3          # a56

Judgments must lie in [1/9, 9]. A consistency ratio CR above 0.10 is refused (exit 2) unless
--accept-inconsistent is given. Without --model the built-in bri-cultural-v1 names the
indicators when the count fits its connotation (else they are numbered 1..n).

Output: a table with the weights, λmax, CI, CR and the iterations; or, with --format csv,
`indicator,weight` rows followed by the comment lines `# lambda_max,…`, `# ci,…`, `# cr,…`.")]
struct AhpArgs {
    /// The connotation whose indicators are compared.
    #[arg(short, long, value_enum)]
    connotation: ConnotationArg,
    /// The judgments file.
    #[arg(value_name = "JUDGMENTS_FILE")]
    judgments: PathBuf,
    /// The model (TOML) whose connotation is weighted; the built-in bri-cultural-v1 without it.
    #[arg(short, long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Use the weights even when CR > 0.10.
    #[arg(long)]
    accept_inconsistent: bool,
    /// Write the model with these weights to OUT.toml.
    #[arg(long, value_name = "OUT.toml")]
    write_model: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore weights entropy --input tests/vectors/entropy_case1_records.csv
  silkscore weights critic --input projects.csv --model my-model.toml --write-model w.toml

Every row must be complete: a row that does not parse, or has a missing or non-finite value,
is an error naming the row and the indicator (exit 2), as is an indicator column absent
from the header. Weights are normalised within each connotation; a connotation in which
nothing varies falls back to equal weights, and the output says so.")]
struct DataArgs {
    #[command(flatten)]
    records: RecordsArgs,
    /// The model (TOML); the built-in bri-cultural-v1 without it.
    #[arg(short, long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Write the model with these weights to OUT.toml.
    #[arg(long, value_name = "OUT.toml")]
    write_model: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

/// Runs `silkscore weights …`.
pub fn run(args: &WeightsArgs) -> Result<Exit, CliError> {
    match &args.command {
        WeightsCommand::Ahp(a) => run_ahp(a),
        WeightsCommand::Entropy(a) => run_data(a, Method::Entropy),
        WeightsCommand::Critic(a) => run_data(a, Method::Critic),
    }
}

/// One judgment of a judgments file, with where it was written.
#[derive(Clone, Debug, PartialEq)]
struct Judgment {
    value: f32,
    line: u64,
    text: String,
}

/// Parses a judgments file: numbers or fractions `a/b`, separated by whitespace, commas or
/// semicolons, `#` comments.
fn parse_judgments(text: &str, path: &Path) -> Result<Vec<Judgment>, CliError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u64 + 1;
        let content = line.split('#').next().unwrap_or("");
        for token in content
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty())
        {
            let bad = |why: &str| {
                CliError::at(
                    path,
                    line_no,
                    format!("judgment {} `{token}`: {why}", out.len() + 1),
                )
            };
            let value = match token.split_once('/') {
                Some((a, b)) => {
                    let a: f64 = a
                        .parse()
                        .map_err(|_| bad("not a number or a fraction like 1/7"))?;
                    let b: f64 = b
                        .parse()
                        .map_err(|_| bad("not a number or a fraction like 1/7"))?;
                    if b == 0.0 {
                        return Err(bad("division by zero"));
                    }
                    (a / b) as f32
                }
                None => token
                    .parse::<f32>()
                    .map_err(|_| bad("not a number or a fraction like 1/7"))?,
            };
            if !value.is_finite() {
                return Err(bad("not finite"));
            }
            out.push(Judgment {
                value,
                line: line_no,
                text: token.to_owned(),
            });
        }
    }
    Ok(out)
}

/// `1 judgment`, `3 judgments`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn run_ahp(a: &AhpArgs) -> Result<Exit, CliError> {
    let connotation = Connotation::from(a.connotation);
    let inputs = Inputs::new()
        .with(&a.judgments)
        .with_opt(a.model.as_deref());
    let stdout = Output::stdout(&inputs)?;
    let model_out = match &a.write_model {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = model_or_default(a.model.as_deref())?;
    let bytes = read_limited(&a.judgments, 1024 * 1024)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::file(&a.judgments, "not a text file (not UTF-8)"))?;
    let judgments = parse_judgments(&text, &a.judgments)?;
    if judgments.is_empty() {
        return Err(CliError::file(
            &a.judgments,
            "no judgments: AHP needs the n(n-1)/2 pairwise judgments of the connotation's n \
             indicators (1 for 2 indicators, 3 for 3, 15 for 6), written as numbers or \
             fractions like 1/7",
        ));
    }
    let values: Vec<f32> = judgments.iter().map(|j| j.value).collect();

    let ids: Vec<&str> = model
        .indicators()
        .iter()
        .filter(|i| i.connotation == connotation)
        .map(|i| i.id.as_str())
        .collect();
    let k = ids.len();
    let needed = ahp::judgment_count(k);
    let fits = needed == Some(values.len());
    if !fits && (a.model.is_some() || a.write_model.is_some()) {
        let needed = needed.map_or_else(
            || format!("AHP compares at most {} indicators", ahp::MAX_N),
            |c| format!("it needs n(n-1)/2 = {c} judgments"),
        );
        return Err(CliError::file(
            &a.judgments,
            format!(
                "{}, but the {} connotation of {} has {} ({}): {needed}",
                count(values.len(), "judgment", "judgments"),
                connotation.as_str(),
                model_label(&model),
                count(k, "indicator", "indicators"),
                ids.join(", ")
            ),
        ));
    }

    let result = ahp::ahp(&values, ahp::Consistency::AcceptInconsistent).map_err(|e| match e {
        WeightsError::InvalidJudgment { index } => match judgments.get(usize::from(index)) {
            Some(j) => CliError::at(
                &a.judgments,
                j.line,
                format!(
                    "judgment {} `{}` = {} is outside the scale [1/9, 9]",
                    index + 1,
                    j.text,
                    j.value
                ),
            ),
            None => CliError::file(&a.judgments, format!("{e}")),
        },
        WeightsError::JudgmentCount { found } => CliError::file(
            &a.judgments,
            format!(
                "{found} judgments is not n(n-1)/2 for any n from 1 to {} (1, 3, 6, 10, \
                     15, 21, … judgments for 2, 3, 4, 5, 6, 7, … indicators)",
                ahp::MAX_N
            ),
        ),
        other => CliError::file(&a.judgments, format!("{other}")),
    })?;

    if !result.is_consistent() {
        let message = format!(
            "the judgments are inconsistent: CR = {:.4} > {:.2} (λmax = {:.4}, CI = {:.4}, \
             n = {})",
            result.cr(),
            ahp::MAX_CR,
            result.lambda_max(),
            result.ci(),
            result.n()
        );
        if !a.accept_inconsistent {
            return Err(CliError::file(
                &a.judgments,
                format!("{message}; revise them, or pass --accept-inconsistent to use them anyway"),
            ));
        }
        term::warning(&format_args!(
            "{}: {message}; accepted (--accept-inconsistent)",
            a.judgments.display()
        ));
    }

    let labels: Vec<String> = if fits {
        ids.iter().map(|s| (*s).to_owned()).collect()
    } else {
        (1..=result.n()).map(|j| j.to_string()).collect()
    };
    let mut s = String::new();
    match a.format {
        TableFormat::Csv => {
            let rows = labels
                .iter()
                .zip(result.weights())
                .map(|(label, w)| vec![label.clone(), format!("{w:.6}")]);
            s = csv_text(&["indicator", "weight"], rows).map_err(|e| stdout.failed(e))?;
            let _ = writeln!(s, "# lambda_max,{:.6}", result.lambda_max());
            let _ = writeln!(s, "# ci,{:.6}", result.ci());
            let _ = writeln!(s, "# cr,{:.6}", result.cr());
        }
        TableFormat::Table => {
            let about = if fits {
                format!(
                    "the {} connotation of {}",
                    connotation.as_str(),
                    model_label(&model)
                )
            } else {
                format!(
                    "{} ({} connotation; the judgments do not fit {}, so the indicators are \
                     numbered)",
                    count(result.n(), "indicator", "indicators"),
                    connotation.as_str(),
                    model_label(&model)
                )
            };
            let _ = writeln!(
                s,
                "AHP weights for {}, from {} in {}",
                escape(&about),
                count(values.len(), "judgment", "judgments"),
                escape(&a.judgments.display().to_string())
            );
            let _ = writeln!(s);
            let w = labels.iter().map(|l| width(l)).max().unwrap_or(9).max(9);
            let _ = writeln!(s, "{}  {:>8}", pad("indicator", w), "weight");
            let _ = writeln!(s, "{}", "─".repeat(w + 10));
            for (label, weight) in labels.iter().zip(result.weights()) {
                let _ = writeln!(s, "{}  {weight:>8.4}", pad(label, w));
            }
            let _ = writeln!(s, "{}", "─".repeat(w + 10));
            let _ = writeln!(s, "λmax        {:.4}", result.lambda_max());
            let _ = writeln!(s, "CI          {:.4}", result.ci());
            let verdict = if result.is_consistent() {
                "consistent: CR ≤ 0.10"
            } else {
                "INCONSISTENT: CR > 0.10, accepted"
            };
            let _ = writeln!(s, "CR          {:.4}  ({verdict})", result.cr());
            let _ = writeln!(s, "iterations  {}", result.iterations());
        }
    }
    let weighted = match model_out {
        Some(_) => Some(
            ahp::apply_to_connotation(&model, connotation, &result).map_err(|e| {
                CliError::file(&a.judgments, format!("cannot apply the weights: {e}"))
            })?,
        ),
        None => None,
    };
    finish(stdout, &s, model_out.zip(weighted))
}

/// `rows` under `header` as CSV text (quoted where needed).
fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> std::io::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

/// Writes the model with the new weights (when asked) and then the report on stdout.
fn finish(
    mut stdout: Output,
    report: &str,
    model: Option<(Output, Model)>,
) -> Result<Exit, CliError> {
    stdout.put(report.as_bytes())?;
    if let Some((mut out, model)) = model {
        let name = out.name().to_path_buf();
        out.put(model_file::to_toml(&model).as_bytes())?;
        out.commit()?;
        term::info(&format_args!(
            "wrote {}: {} with the new weights, fingerprint 0x{:08x}",
            name.display(),
            model_label(&model),
            model.fingerprint()
        ));
    }
    stdout.commit()?;
    Ok(Exit::Success)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Entropy,
    Critic,
}

impl Method {
    const fn name(self) -> &'static str {
        match self {
            Method::Entropy => "entropy",
            Method::Critic => "CRITIC",
        }
    }
}

/// A complete record and the line it came from.
struct Complete {
    records: Vec<Record>,
    lines: Vec<u64>,
    path: PathBuf,
}

/// Reads every row of a records file, which must all be complete (docs/spec.md §8).
fn read_complete(
    records: &RecordsArgs,
    model: &Model,
    method: Method,
) -> Result<Complete, CliError> {
    let rows = records.open(model, &Progress::none())?;
    let path = records.name();
    let need = format!(
        "{} weights need complete records (docs/spec.md §8)",
        method.name()
    );
    if let Some(first) = rows.absent_indicators().first() {
        return Err(CliError::at(
            &path,
            rows.header_line(),
            format!(
                "the header has no column for indicator `{first}` of {} ({} absent in all): \
                 {need}",
                model_label(model),
                rows.absent_indicators().len()
            ),
        ));
    }
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for row in rows {
        let row = row?;
        let at = |message: String| {
            CliError::at(&path, row.line, format!("row id {}: {message}", row.id))
        };
        let record = match &row.record {
            Ok(r) => *r,
            Err(e) => return Err(at(format!("{e}: the row does not parse; {need}"))),
        };
        for (j, ind) in model.indicators().iter().enumerate() {
            match record.get(j) {
                None => {
                    return Err(at(format!(
                        "indicator `{}` is missing: {need}",
                        ind.id.as_str()
                    )))
                }
                Some(v) if !v.is_finite() => {
                    return Err(at(format!(
                        "indicator `{}` is not finite ({v}): {need}",
                        ind.id.as_str()
                    )))
                }
                Some(_) => {}
            }
        }
        records.push(record);
        lines.push(row.line);
    }
    if records.len() < 2 {
        return Err(CliError::file(
            &path,
            format!(
                "{} weights need at least 2 records, found {}",
                method.name(),
                records.len()
            ),
        ));
    }
    Ok(Complete {
        records,
        lines,
        path,
    })
}

/// Maps a library error of entropy / CRITIC to the file and row.
fn data_error(data: &Complete, model: &Model, e: WeightsError) -> CliError {
    match e {
        WeightsError::IncompleteRecord { record, indicator } => {
            let id = model
                .indicators()
                .get(usize::from(indicator))
                .map_or("?", |i| i.id.as_str());
            match data.lines.get(record) {
                Some(line) => CliError::at(
                    &data.path,
                    *line,
                    format!("indicator `{id}` is missing or not finite"),
                ),
                None => CliError::file(&data.path, format!("{e}")),
            }
        }
        other => CliError::file(&data.path, format!("{other}")),
    }
}

/// What entropy or CRITIC computed, for printing: the method's columns per indicator, the
/// weights, and per connotation whether it fell back to equal weights.
struct Computed {
    header: Vec<&'static str>,
    rows: Vec<Vec<f32>>,
    weights: Vec<f32>,
    fallback: [bool; 3],
}

fn run_data(a: &DataArgs, method: Method) -> Result<Exit, CliError> {
    let inputs = Inputs::new()
        .with(a.records.path())
        .with_opt(a.model.as_deref());
    let stdout = Output::stdout(&inputs)?;
    let model_out = match &a.write_model {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = model_or_default(a.model.as_deref())?;
    let data = read_complete(&a.records, &model, method)?;
    let inds = model.indicators();
    // Per indicator: the method's columns, its weight; per connotation: fallback.
    let Computed {
        header,
        rows,
        weights,
        fallback,
    } = match method {
        Method::Entropy => {
            let w = entropy::entropy(&model, &data.records)
                .map_err(|e| data_error(&data, &model, e))?;
            let rows = (0..inds.len())
                .map(|j| {
                    vec![
                        w.entropies().get(j).copied().unwrap_or(f32::NAN),
                        w.divergences().get(j).copied().unwrap_or(f32::NAN),
                    ]
                })
                .collect();
            Computed {
                header: vec!["e", "d"],
                rows,
                weights: w.weights().to_vec(),
                fallback: Connotation::ALL.map(|c| w.fallback(c)),
            }
        }
        Method::Critic => {
            let w =
                critic::critic(&model, &data.records).map_err(|e| data_error(&data, &model, e))?;
            let rows = (0..inds.len())
                .map(|j| {
                    vec![
                        w.std_devs().get(j).copied().unwrap_or(f32::NAN),
                        w.conflicts().get(j).copied().unwrap_or(f32::NAN),
                        w.information().get(j).copied().unwrap_or(f32::NAN),
                    ]
                })
                .collect();
            Computed {
                header: vec!["sigma", "conflict", "information"],
                rows,
                weights: w.weights().to_vec(),
                fallback: Connotation::ALL.map(|c| w.fallback(c)),
            }
        }
    };
    let fell_back = |c: Connotation| fallback.get(c.index()).copied().unwrap_or(false);

    let mut s = String::new();
    match a.format {
        TableFormat::Csv => {
            let mut head = vec!["indicator", "connotation"];
            head.extend(&header);
            head.extend(["weight", "fallback"]);
            let lines = inds
                .iter()
                .zip(&rows)
                .zip(&weights)
                .map(|((ind, cols), w)| {
                    let mut line = vec![
                        ind.id.as_str().to_owned(),
                        ind.connotation.as_str().to_owned(),
                    ];
                    line.extend(cols.iter().map(|v| format!("{v:.6}")));
                    line.push(format!("{w:.6}"));
                    line.push(fell_back(ind.connotation).to_string());
                    line
                });
            s = csv_text(&head, lines).map_err(|e| stdout.failed(e))?;
        }
        TableFormat::Table => {
            let _ = writeln!(
                s,
                "{} weights of {} from {} of {}",
                method.name(),
                escape(&model_label(&model)),
                count(data.records.len(), "record", "records"),
                escape(&data.path.display().to_string())
            );
            let _ = writeln!(s);
            let id_w = inds
                .iter()
                .map(|i| width(i.id.as_str()))
                .max()
                .unwrap_or(9)
                .max(9);
            let mut head = format!("{}  {:<11}", pad("indicator", id_w), "connotation");
            for h in &header {
                let _ = write!(head, "  {h:>11}");
            }
            let _ = write!(head, "  {:>8}", "weight");
            let _ = writeln!(s, "{head}");
            let rule = "─".repeat(head.chars().count());
            let _ = writeln!(s, "{rule}");
            for ((ind, cols), w) in inds.iter().zip(&rows).zip(&weights) {
                let mut line = format!(
                    "{}  {:<11}",
                    pad(ind.id.as_str(), id_w),
                    ind.connotation.as_str()
                );
                for v in cols {
                    let _ = write!(line, "  {v:>11.4}");
                }
                let _ = write!(line, "  {w:>8.4}");
                if fell_back(ind.connotation) {
                    line.push_str("  (fallback)");
                }
                let _ = writeln!(s, "{line}");
            }
            let _ = writeln!(s, "{rule}");
            for c in Connotation::ALL {
                if fell_back(c) {
                    let k = inds.iter().filter(|i| i.connotation == c).count();
                    let why = match method {
                        Method::Entropy => "every d is 0",
                        Method::Critic => "every C (σ × conflict) is 0",
                    };
                    let _ = writeln!(
                        s,
                        "{}: nothing varies ({why}): equal weights 1/{k} (fallback)",
                        c.as_str()
                    );
                }
            }
            let _ = writeln!(s, "weights are normalised within each connotation");
        }
    }
    let weighted =
        match model_out {
            Some(_) => Some(model.with_indicator_weights(&weights).map_err(|e| {
                CliError::file(&data.path, format!("cannot apply the weights: {e}"))
            })?),
            None => None,
        };
    finish(stdout, &s, model_out.zip(weighted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgments_parse() {
        let text = "# header\n2, 3;1/7  # a comment\n\n 0.5\t9\n";
        let j = parse_judgments(text, Path::new("j.txt")).unwrap();
        let v: Vec<f32> = j.iter().map(|j| j.value).collect();
        assert_eq!(v, [2.0, 3.0, (1.0f64 / 7.0) as f32, 0.5, 9.0]);
        assert_eq!(j[2].line, 2);
        assert_eq!(j[2].text, "1/7");
        assert_eq!(j[4].line, 4);

        let e = parse_judgments("1 2\n3 x\n", Path::new("j.txt")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "j.txt:2: judgment 4 `x`: not a number or a fraction like 1/7"
        );
        let e = parse_judgments("1/0", Path::new("j.txt")).unwrap_err();
        assert!(e.to_string().contains("division by zero"));
        let e = parse_judgments("inf", Path::new("j.txt")).unwrap_err();
        assert!(e.to_string().contains("not finite"));
        assert!(parse_judgments("# nothing\n", Path::new("j.txt"))
            .unwrap()
            .is_empty());
    }
}
