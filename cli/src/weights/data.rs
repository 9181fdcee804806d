//! `silkscore weights entropy|critic`: weights from data (docs/spec.md §5.3–§5.5), for the
//! indicators from a batch of complete records, or with `--across` for the three connotations
//! from the indices of the projects that score.

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use silkscore::model::MAX_INDICATORS;
use silkscore::weights::critic::{self, Normalisation};
use silkscore::weights::{entropy, WeightsError};
use silkscore::{Connotation, Model};
use silkscore_host::pipeline::{self, ReadOptions};
use silkscore_host::records::Row;
use silkscore_host::weights_stream::{self as stream, Batch, Weights};

use super::{count, csv_text, finish, TableFormat};
use crate::common::model_label;
use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::portfolio;
use crate::progress::Progress;
use crate::records::RecordsArgs;
use crate::term::{escape, pad, width};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore weights entropy --input tests/vectors/entropy_case1_records.csv
  silkscore weights critic --input projects.csv --model my-model.toml --write-model w.toml
  silkscore weights entropy --across --input projects.csv --write-model w.toml

Indicator weights (the default): every row must be complete: a row that does not parse, or
has a missing or non-finite value, is an error naming the row and the indicator (exit 2), as
is an indicator column absent from the header. Weights are normalised within each
connotation; a connotation in which nothing varies falls back to equal weights, and the
output says so.

Connotation weights (--across): every row is scored with the model and the method is applied
to the three connotation indices of the projects that score (rows that do not are listed on
stderr and left out, exit 1); the weights sum to 1 and go into the model's connotation
weights.")]
pub struct DataArgs {
    #[command(flatten)]
    records: RecordsArgs,
    #[command(flatten)]
    model: ModelArg,
    /// Weight the three connotations, from their indices, instead of the indicators.
    #[arg(long)]
    across: bool,
    /// Write the model with these weights to OUT.toml.
    #[arg(long, value_name = "OUT.toml")]
    write_model: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
    /// Worker threads that parse rows (and score them, with --across) (0: one per core; at
    /// most 64). The weights are the same for every N.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=64))]
    threads: usize,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore weights critic --input projects.csv --model my-model.toml
  silkscore weights critic --input projects.csv --normalise data --write-model w.toml
  silkscore weights critic --across --input projects.csv

CRITIC (Diakoulaki et al. 1995): C_j = sigma_j * sum_k (1 - r_jk), the population standard
deviation of an indicator's normalised values times its conflict with the others (Pearson r
over every indicator, in every connotation); w_j = C_j over its connotation's sum. With
--normalise goalposts (the default) the values are the model's scores s (transform, goalposts,
direction); with --normalise data they are min-max over the file, (x - min)/(max - min), or
(max - x)/(max - min) for a cost indicator: the textbook definition, as pymcdm. A constant
column (all values equal after normalisation) is excluded: weight 0, and it takes no part in
any other indicator's conflict sum; the output lists the excluded indicators.")]
pub struct CriticArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// How the values are normalised before sigma and r.
    #[arg(long, value_enum, default_value_t = NormaliseArg::Goalposts)]
    pub normalise: NormaliseArg,
}

/// `--normalise`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NormaliseArg {
    /// The model's normalised scores s (goalposts, transform, direction)
    Goalposts,
    /// Min-max over the file's raw values, cost indicators reversed (the textbook, as pymcdm)
    Data,
}

impl From<NormaliseArg> for Normalisation {
    fn from(n: NormaliseArg) -> Self {
        match n {
            NormaliseArg::Goalposts => Normalisation::Goalposts,
            NormaliseArg::Data => Normalisation::Data,
        }
    }
}

/// Runs `weights entropy` (`critic` = None) or `weights critic` (with its normalisation).
pub fn run(a: &DataArgs, critic: Option<Normalisation>) -> Result<Exit, CliError> {
    let method = match critic {
        Some(n) => Method::Critic(n),
        None => Method::Entropy,
    };
    let inputs = a.model.inputs(Inputs::new().with(a.records.path()));
    let stdout = Output::stdout(&inputs)?;
    let model_out = match &a.write_model {
        Some(path) => Some(Output::file(path, &inputs)?),
        None => None,
    };
    let model = a.model.load()?;
    let (computed, exit) = if a.across {
        across(a, &model, method)?
    } else {
        (indicators(a, &model, method)?, Exit::Success)
    };
    let text = match a.format {
        TableFormat::Csv => computed.csv().map_err(|e| stdout.failed(e))?,
        TableFormat::Table => computed.table(&model, method),
    };
    let weighted = match model_out {
        Some(_) => Some(computed.weighted.clone().map_err(|e| {
            CliError::file(&computed.path, format!("cannot apply the weights: {e}"))
        })?),
        None => None,
    };
    finish(stdout, &text, model_out.zip(weighted), exit)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Entropy,
    Critic(Normalisation),
}

impl Method {
    const fn name(self) -> &'static str {
        match self {
            Method::Entropy => "entropy",
            Method::Critic(_) => "CRITIC",
        }
    }
}

/// What entropy or CRITIC computed, for printing: one row per column (indicator or
/// connotation) with the method's values, the weight, whether its connotation fell back to
/// equal weights and whether it was excluded as constant (CRITIC).
struct Computed {
    /// The records file, for messages.
    path: PathBuf,
    /// Rows the weights come from.
    records: usize,
    /// Connotation weights (--across) or indicator weights.
    across: bool,
    header: Vec<&'static str>,
    /// Per column: its label, its connotation, the method's values, its weight, fallback,
    /// excluded.
    rows: Vec<Column>,
    /// The model with the weights (the library's `to_model`), or why not.
    weighted: Result<Model, WeightsError>,
}

struct Column {
    label: String,
    connotation: Connotation,
    values: Vec<f32>,
    weight: f32,
    fallback: bool,
    excluded: bool,
}

impl Computed {
    fn from_entropy(
        path: PathBuf,
        w: &entropy::EntropyWeights,
        labels: &[(String, Connotation)],
        model: &Model,
    ) -> Self {
        let rows = labels
            .iter()
            .enumerate()
            .map(|(j, (label, c))| Column {
                label: label.clone(),
                connotation: *c,
                values: vec![
                    w.entropies().get(j).copied().unwrap_or(f32::NAN),
                    w.divergences().get(j).copied().unwrap_or(f32::NAN),
                ],
                weight: w.weights().get(j).copied().unwrap_or(f32::NAN),
                fallback: w.fallback(*c),
                excluded: false,
            })
            .collect();
        Computed {
            path,
            records: w.records(),
            across: w.level() == silkscore::weights::Level::Connotations,
            header: vec!["e", "d"],
            rows,
            weighted: w.to_model(model),
        }
    }

    fn from_critic(
        path: PathBuf,
        w: &critic::CriticWeights,
        labels: &[(String, Connotation)],
        model: &Model,
    ) -> Self {
        let rows = labels
            .iter()
            .enumerate()
            .map(|(j, (label, c))| Column {
                label: label.clone(),
                connotation: *c,
                values: vec![
                    w.std_devs().get(j).copied().unwrap_or(f32::NAN),
                    w.conflicts().get(j).copied().unwrap_or(f32::NAN),
                    w.information().get(j).copied().unwrap_or(f32::NAN),
                ],
                weight: w.weights().get(j).copied().unwrap_or(f32::NAN),
                fallback: w.fallback(*c),
                excluded: w.is_excluded(j),
            })
            .collect();
        Computed {
            path,
            records: w.records(),
            across: w.level() == silkscore::weights::Level::Connotations,
            header: vec!["sigma", "conflict", "information"],
            rows,
            weighted: w.to_model(model),
        }
    }

    fn csv(&self) -> std::io::Result<String> {
        let mut head = if self.across {
            vec!["connotation"]
        } else {
            vec!["indicator", "connotation"]
        };
        head.extend(&self.header);
        head.extend(["weight", "fallback"]);
        let critic = self.header.first() == Some(&"sigma");
        if critic {
            head.push("excluded");
        }
        let lines = self.rows.iter().map(|r| {
            let mut line = vec![r.label.clone()];
            if !self.across {
                line.push(r.connotation.as_str().to_owned());
            }
            line.extend(r.values.iter().map(|v| format!("{v:.6}")));
            line.push(format!("{:.6}", r.weight));
            line.push(r.fallback.to_string());
            if critic {
                line.push(r.excluded.to_string());
            }
            line
        });
        csv_text(&head, lines)
    }

    fn table(&self, model: &Model, method: Method) -> String {
        let mut s = String::new();
        let what = match (self.across, method) {
            (true, _) => "connotation weights (from the connotation indices)",
            (false, _) => "indicator weights",
        };
        let normalisation = match method {
            Method::Critic(n) => format!(
                ", normalised on the {}",
                match n {
                    Normalisation::Goalposts => "model's goalposts",
                    Normalisation::Data => "data (min-max over the file)",
                }
            ),
            Method::Entropy => String::new(),
        };
        let _ = writeln!(
            s,
            "{} {what} of {} from {} of {}{normalisation}",
            method.name(),
            escape(&model_label(model)),
            count(self.records, "record", "records"),
            escape(&self.path.display().to_string())
        );
        let _ = writeln!(s);
        let id_w = self
            .rows
            .iter()
            .map(|r| width(&r.label))
            .max()
            .unwrap_or(9)
            .max(11);
        let mut head = if self.across {
            pad("connotation", id_w)
        } else {
            format!("{}  {:<11}", pad("indicator", id_w), "connotation")
        };
        for h in &self.header {
            let _ = write!(head, "  {h:>11}");
        }
        let _ = write!(head, "  {:>8}", "weight");
        let _ = writeln!(s, "{head}");
        let rule = "─".repeat(head.chars().count());
        let _ = writeln!(s, "{rule}");
        for r in &self.rows {
            let mut line = if self.across {
                pad(&r.label, id_w)
            } else {
                format!("{}  {:<11}", pad(&r.label, id_w), r.connotation.as_str())
            };
            for v in &r.values {
                let _ = write!(line, "  {v:>11.4}");
            }
            let _ = write!(line, "  {:>8.4}", r.weight);
            if r.excluded {
                line.push_str("  (excluded: constant)");
            }
            if r.fallback {
                line.push_str("  (fallback)");
            }
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "{rule}");
        let why = match method {
            Method::Entropy => "every d is 0",
            Method::Critic(_) => "every C (sigma × conflict) is 0",
        };
        if self.across {
            if self.rows.iter().any(|r| r.fallback) {
                let _ = writeln!(s, "no index varies ({why}): equal weights 1/3 (fallback)");
            }
        } else {
            for c in Connotation::ALL {
                if self.rows.iter().any(|r| r.connotation == c && r.fallback) {
                    let k = self.rows.iter().filter(|r| r.connotation == c).count();
                    let _ = writeln!(
                        s,
                        "{}: nothing varies ({why}): equal weights 1/{k} (fallback)",
                        c.as_str()
                    );
                }
            }
        }
        let excluded: Vec<&str> = self
            .rows
            .iter()
            .filter(|r| r.excluded)
            .map(|r| r.label.as_str())
            .collect();
        if let Method::Critic(_) = method {
            if excluded.is_empty() {
                let _ = writeln!(s, "excluded as constant: none");
            } else {
                let _ = writeln!(
                    s,
                    "excluded as constant (no weight, not in any conflict sum): {}",
                    escape(&excluded.join(", "))
                );
            }
        }
        let _ = writeln!(
            s,
            "{}",
            if self.across {
                "weights sum to 1 over the three connotations"
            } else {
                "weights are normalised within each connotation"
            }
        );
        s
    }
}

/// Indicator weights from the complete rows of the records file: read (and normalised) in
/// parallel, the second pass on `--threads` threads too; the bits of the library's
/// `entropy` / `critic_with` (`silkscore_host::weights_stream`).
fn indicators(a: &DataArgs, model: &Model, method: Method) -> Result<Computed, CliError> {
    let options = ReadOptions::new(a.threads);
    let (batch, path) = read_complete(&a.records, model, method, &options)?;
    let labels: Vec<(String, Connotation)> = model
        .indicators()
        .iter()
        .map(|i| (i.id.as_str().to_owned(), i.connotation))
        .collect();
    let w = batch
        .weights(model, options.threads)
        .map_err(|e| CliError::file(&path, format!("{e}")))?;
    Ok(match w {
        Weights::Entropy(w) => Computed::from_entropy(path, &w, &labels, model),
        Weights::Critic(w) => Computed::from_critic(path, &w, &labels, model),
    })
}

/// Connotation weights from the indices of the rows that score.
fn across(a: &DataArgs, model: &Model, method: Method) -> Result<(Computed, Exit), CliError> {
    let portfolio = portfolio::load_with(model, &a.records, "weights", Some(a.threads))?;
    let path = a.records.name();
    let scores: Vec<_> = portfolio.projects.iter().map(|p| p.scores).collect();
    if scores.len() < 2 {
        return Err(CliError::file(
            &path,
            format!(
                "{} connotation weights need at least 2 rows that score, found {}",
                method.name(),
                scores.len()
            ),
        ));
    }
    let labels: Vec<(String, Connotation)> = Connotation::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), *c))
        .collect();
    let error = |e: WeightsError| CliError::file(&path, format!("{e}"));
    let computed = match method {
        Method::Entropy => {
            let w = entropy::entropy_across(&scores).map_err(error)?;
            Computed::from_entropy(path.clone(), &w, &labels, model)
        }
        Method::Critic(n) => {
            let w = critic::critic_across(&scores, n).map_err(error)?;
            Computed::from_critic(path.clone(), &w, &labels, model)
        }
    };
    let exit = if portfolio.excluded.is_empty() {
        Exit::Success
    } else {
        Exit::RowsFailed
    };
    Ok((computed, exit))
}

/// Reads every row of a records file, which must all be complete (docs/spec.md §8), into a
/// batch of the values `method` needs (normalised on the reading threads).
fn read_complete(
    records: &RecordsArgs,
    model: &Model,
    method: Method,
    options: &ReadOptions,
) -> Result<(Batch, PathBuf), CliError> {
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
    let mut batch = Batch::new(
        model,
        match method {
            Method::Entropy => stream::Method::Entropy,
            Method::Critic(n) => stream::Method::Critic(n),
        },
    );
    let values = *batch.values();
    let n = model.len();
    // On the workers: a complete row's values, or None (the consumer says why).
    let normalise = |row: &Row| {
        let record = row.record.as_ref().ok()?;
        if !(0..n).all(|j| record.get(j).is_some_and(f32::is_finite)) {
            return None;
        }
        let mut v = [0.0f32; MAX_INDICATORS];
        values.normalise(record, &mut v);
        Some(v)
    };
    let end = pipeline::rows_with(rows, options, normalise, |row, v| {
        if let Some(v) = v {
            batch.push(&v);
            return ControlFlow::Continue(());
        }
        let at = |message: String| {
            ControlFlow::Break(CliError::at(
                &path,
                row.line,
                format!("row id {}: {message}", row.id),
            ))
        };
        let record = match &row.record {
            Ok(r) => r,
            Err(e) => return at(format!("{e}: the row does not parse; {need}")),
        };
        for (j, ind) in model.indicators().iter().enumerate() {
            match record.get(j) {
                None => {
                    return at(format!(
                        "indicator `{}` is missing: {need}",
                        ind.id.as_str()
                    ))
                }
                Some(v) if !v.is_finite() => {
                    return at(format!(
                        "indicator `{}` is not finite ({v}): {need}",
                        ind.id.as_str()
                    ))
                }
                Some(_) => {}
            }
        }
        // Not expected (the workers found it incomplete): keep it as it is.
        let mut v = [0.0f32; MAX_INDICATORS];
        values.normalise(record, &mut v);
        batch.push(&v);
        ControlFlow::Continue(())
    })?;
    if let ControlFlow::Break(e) = end {
        return Err(e);
    }
    if batch.rows() < 2 {
        return Err(CliError::file(
            &path,
            format!(
                "{} weights need at least 2 records, found {}",
                method.name(),
                batch.rows()
            ),
        ));
    }
    Ok((batch, path))
}
