//! `silkscore weights …`: weights from AHP judgments, from a batch of records by entropy or
//! CRITIC, or equal; for the indicators of one connotation or, with `--across`, for the three
//! connotations (docs/spec.md §5, §8), optionally written into a model file. The data-driven
//! methods are in `weights/data.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use silkscore::weights::{self, ahp, WeightsError};
use silkscore::{Connotation, Model};
use silkscore_host::model_file;

use crate::common::{model_label, ConnotationArg};
use crate::error::{CliError, Exit};
use crate::files::{read_limited, Inputs, Output};
use crate::models::ModelArg;
use crate::term::{self, escape, pad, width};

mod data;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore weights ahp --connotation security judgments.txt --write-model weighted.toml
  silkscore weights ahp --across across.txt --model my-model.toml --write-model weighted.toml
  silkscore weights entropy --input projects.csv --model my-model.toml
  silkscore weights critic --input projects.csv --normalise data --write-model weighted.toml
  silkscore weights critic --across --input projects.csv --write-model weighted.toml
  silkscore weights equal --across --model my-model.toml --write-model equal.toml

Indicator weights are normalised within each connotation; connotation weights (--across) to
sum 1. --write-model writes the model with the new weights as TOML (docs/spec.md §7.1).

Exit status: 0 done, 1 (entropy and CRITIC --across) some rows could not be scored and were
left out, the weights still written; 2 unusable arguments or files (inconsistent AHP
judgments, an incomplete record for entropy or CRITIC, an empty judgments file, an output
that is one of the inputs, …), with the file, line and reason; 141 the output was closed
early.")]
pub struct WeightsArgs {
    #[command(subcommand)]
    command: WeightsCommand,
}

#[derive(Debug, Subcommand)]
enum WeightsCommand {
    /// AHP (Saaty) weights from pairwise judgments: the indicators of one connotation, or
    /// (--across) the three connotations.
    Ahp(AhpArgs),
    /// Entropy weights from a batch of complete records (or, --across, from the connotation
    /// indices of the projects that score).
    Entropy(data::DataArgs),
    /// CRITIC weights (contrast and conflict) from a batch of complete records (or, --across,
    /// from the connotation indices of the projects that score).
    Critic(data::CriticArgs),
    /// Equal weights: every indicator weight 1 (or, --across, every connotation weight 1).
    Equal(EqualArgs),
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
Examples:
  silkscore weights ahp --connotation security judgments.txt --model my-model.toml \\
      --write-model weighted.toml
  silkscore weights ahp --across across.txt --write-model weighted.toml

The judgments file holds the upper triangle of the pairwise comparison matrix, row-major:
a12 a13 … a1n a23 … (n(n-1)/2 values for n items; 15 for 6). With --connotation the items
are the connotation's indicators in model order; with --across they are the connotations
cultural, economic, security, so the file holds 3 judgments: cultural vs economic, cultural
vs security, economic vs security. a12 = 3 means item 1 matters three times as much as item
2; 1/3 the reverse. Values are separated by spaces, commas, semicolons or line breaks;
fractions like 1/7 are allowed; # starts a comment:

  # jobs  foreign  cluster  control  value-chain  stability
    2     3        3        2        1/2          # a12 … a16
          2        2        1        1/3          # a23 … a26
                   1        1/2      1/5          # a34 … a36
                            1/2      1/5          # a45, a46
                                     1/3          # a56

  # across: cultural/economic  cultural/security  economic/security
    2                          3                  1

Judgments must lie in [1/9, 9]. A consistency ratio CR above 0.10 is refused (exit 2) unless
--accept-inconsistent is given. Without --model the built-in bri-cultural-v1 names the
indicators when the count fits its connotation (else they are numbered 1..n).

Output: a table with the weights, λmax, CI, CR and the iterations; or, with --format csv,
`indicator,weight` (`connotation,weight` with --across) rows followed by the comment lines
`# lambda_max,…`, `# ci,…`, `# cr,…`.")]
struct AhpArgs {
    /// The connotation whose indicators are compared.
    #[arg(
        short,
        long,
        value_enum,
        required_unless_present = "across",
        conflicts_with = "across"
    )]
    connotation: Option<ConnotationArg>,
    /// Compare the three connotations (cultural, economic, security): 3 judgments, written
    /// into the model's connotation weights.
    #[arg(long)]
    across: bool,
    /// The judgments file.
    #[arg(value_name = "JUDGMENTS_FILE")]
    judgments: PathBuf,
    #[command(flatten)]
    model: ModelArg,
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
Examples:
  silkscore weights equal --model my-model.toml --write-model equal.toml
  silkscore weights equal --across --model my-model.toml --write-model equal.toml

Sets every indicator weight to 1 (docs/spec.md §5.1), or with --across the three connotation
weights, and prints the model's weights after the change; --write-model writes the model.")]
struct EqualArgs {
    #[command(flatten)]
    model: ModelArg,
    /// Set the three connotation weights to 1 instead of the indicator weights.
    #[arg(long)]
    across: bool,
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
        WeightsCommand::Entropy(a) => data::run(a, None),
        WeightsCommand::Critic(a) => data::run(&a.data, Some(a.normalise.into())),
        WeightsCommand::Equal(a) => run_equal(a),
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

/// What AHP compares: the indicators of one connotation, or the three connotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compared {
    Connotation(Connotation),
    Across,
}

fn run_ahp(a: &AhpArgs) -> Result<Exit, CliError> {
    let compared = match a.connotation {
        Some(c) if !a.across => Compared::Connotation(c.into()),
        _ => Compared::Across,
    };
    let inputs = a.model.inputs(Inputs::new().with(&a.judgments));
    let stdout = Output::stdout(&inputs)?;
    let model_out = match &a.write_model {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = a.model.load()?;
    let bytes = read_limited(&a.judgments, 1024 * 1024)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::file(&a.judgments, "not a text file (not UTF-8)"))?;
    let judgments = parse_judgments(&text, &a.judgments)?;
    if judgments.is_empty() {
        let what = match compared {
            Compared::Across => {
                "AHP across connotations needs 3 judgments: cultural vs economic, cultural vs \
                 security, economic vs security"
            }
            Compared::Connotation(_) => {
                "AHP needs the n(n-1)/2 pairwise judgments of the connotation's n indicators \
                 (1 for 2 indicators, 3 for 3, 15 for 6)"
            }
        };
        return Err(CliError::file(
            &a.judgments,
            format!("no judgments: {what}, written as numbers or fractions like 1/7"),
        ));
    }
    let values: Vec<f32> = judgments.iter().map(|j| j.value).collect();

    let ids: Vec<&str> = match compared {
        Compared::Across => Connotation::ALL.iter().map(|c| c.as_str()).collect(),
        Compared::Connotation(c) => model
            .indicators()
            .iter()
            .filter(|i| i.connotation == c)
            .map(|i| i.id.as_str())
            .collect(),
    };
    let k = ids.len();
    let needed = ahp::judgment_count(k);
    let fits = needed == Some(values.len());
    let strict =
        compared == Compared::Across || a.model.path().is_some() || a.write_model.is_some();
    if !fits && strict {
        let needed = needed.map_or_else(
            || format!("AHP compares at most {} indicators", ahp::MAX_N),
            |c| format!("it needs n(n-1)/2 = {c} judgments"),
        );
        let about = match compared {
            Compared::Across => "AHP across connotations compares 3 (cultural, economic, \
                                 security)"
                .to_owned(),
            Compared::Connotation(c) => format!(
                "the {} connotation of {} has {} ({})",
                c.as_str(),
                model_label(&model),
                count(k, "indicator", "indicators"),
                ids.join(", ")
            ),
        };
        return Err(CliError::file(
            &a.judgments,
            format!(
                "{}, but {about}: {needed}",
                count(values.len(), "judgment", "judgments")
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
    let item = match compared {
        Compared::Across => "connotation",
        Compared::Connotation(_) => "indicator",
    };
    let mut s = String::new();
    match a.format {
        TableFormat::Csv => {
            let rows = labels
                .iter()
                .zip(result.weights())
                .map(|(label, w)| vec![label.clone(), format!("{w:.6}")]);
            s = csv_text(&[item, "weight"], rows).map_err(|e| stdout.failed(e))?;
            let _ = writeln!(s, "# lambda_max,{:.6}", result.lambda_max());
            let _ = writeln!(s, "# ci,{:.6}", result.ci());
            let _ = writeln!(s, "# cr,{:.6}", result.cr());
        }
        TableFormat::Table => {
            let about = match compared {
                Compared::Across => format!(
                    "the three connotations of {} (connotation weights)",
                    model_label(&model)
                ),
                Compared::Connotation(c) if fits => {
                    format!("the {} connotation of {}", c.as_str(), model_label(&model))
                }
                Compared::Connotation(c) => format!(
                    "{} ({} connotation; the judgments do not fit {}, so the indicators are \
                     numbered)",
                    count(result.n(), "indicator", "indicators"),
                    c.as_str(),
                    model_label(&model)
                ),
            };
            let _ = writeln!(
                s,
                "AHP weights for {}, from {} in {}",
                escape(&about),
                count(values.len(), "judgment", "judgments"),
                escape(&a.judgments.display().to_string())
            );
            let _ = writeln!(s);
            let w = labels
                .iter()
                .map(|l| width(l))
                .max()
                .unwrap_or(9)
                .max(item.len());
            let _ = writeln!(s, "{}  {:>8}", pad(item, w), "weight");
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
            match compared {
                Compared::Across => ahp::apply_across(&model, &result),
                Compared::Connotation(c) => ahp::apply_to_connotation(&model, c, &result),
            }
            .map_err(|e| CliError::file(&a.judgments, format!("cannot apply the weights: {e}")))?,
        ),
        None => None,
    };
    finish(stdout, &s, model_out.zip(weighted), Exit::Success)
}

fn run_equal(a: &EqualArgs) -> Result<Exit, CliError> {
    let inputs = a.model.inputs(Inputs::new());
    let stdout = Output::stdout(&inputs)?;
    let model_out = match &a.write_model {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = a.model.load()?;
    let name = a
        .model
        .path()
        .map_or_else(|| "<built-in>".into(), |p| p.display().to_string());
    let equal = if a.across {
        weights::equal_across(&model)
    } else {
        weights::equal(&model)
    }
    .map_err(|e| CliError::file(&name, format!("cannot apply the weights: {e}")))?;
    let mut s = String::new();
    let p = equal.params();
    match (a.format, a.across) {
        (TableFormat::Csv, true) => {
            let rows = Connotation::ALL
                .iter()
                .zip(p.weights)
                .map(|(c, w)| vec![c.as_str().to_owned(), w.to_string()]);
            s = csv_text(&["connotation", "weight"], rows).map_err(|e| stdout.failed(e))?;
        }
        (TableFormat::Csv, false) => {
            let rows = equal.indicators().iter().map(|i| {
                vec![
                    i.id.as_str().to_owned(),
                    i.connotation.as_str().to_owned(),
                    i.weight.to_string(),
                ]
            });
            s = csv_text(&["indicator", "connotation", "weight"], rows)
                .map_err(|e| stdout.failed(e))?;
        }
        (TableFormat::Table, across) => {
            let _ = writeln!(
                s,
                "equal {} weights for {}",
                if across { "connotation" } else { "indicator" },
                escape(&model_label(&model))
            );
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "connotation weights  {}",
                Connotation::ALL
                    .iter()
                    .zip(p.weights)
                    .map(|(c, w)| format!("{} {w}", c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let _ = writeln!(
                s,
                "indicator weights    {}",
                if across { "unchanged" } else { "1 each" }
            );
        }
    }
    finish(stdout, &s, model_out.zip(Some(equal)), Exit::Success)
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

/// Writes the model with the new weights (when asked) and then the report on stdout; exits
/// with `exit`.
fn finish(
    mut stdout: Output,
    report: &str,
    model: Option<(Output, Model)>,
    exit: Exit,
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
    Ok(exit)
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
