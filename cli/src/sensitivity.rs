//! `silkscore sensitivity`: how robust the ranking of a portfolio is to the weights (Monte Carlo
//! rank intervals and Sobol indices, `silkscore_host::sensitivity`).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use silkscore::{Connotation, Model};
use silkscore_host::portfolio::Portfolio;
use silkscore_host::sensitivity::{Analysis, Settings, SobolIndices, MAX_RANK_ENTRIES};

use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::portfolio::{self, parse_spread};
use crate::records::RecordsArgs;
use crate::term::{escape, pad, width};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore sensitivity --input examples/data/portfolio.csv
  silkscore sensitivity --input projects.csv --model my-model.toml --samples 5000 --seed 7 \\
      --format csv -o robustness.csv

Monte Carlo (OECD/JRC composite-indicator practice): in each of N draws every indicator
weight and every connotation weight is multiplied by 1 + f*U(-1,1) (f = --spread), the
indicator weights are renormalised within each connotation and the connotation weights
across, and the across aggregation is arithmetic or geometric with probability 1/2. All
projects are scored and ranked by composite (rank 1 = best, ties by input order). Reported
per project: nominal rank, median rank and the 5th and 95th percentile rank (nearest-rank
definition: the ceil(p*N/100)-th smallest), and the nominal composite.

Sobol indices: first-order S_i (Saltelli 2010) and total S_Ti (Jansen) of each project's
composite with respect to the three connotation weights W_c*(1 + f*U(-1,1)), indicator weights
and aggregation fixed to the model's; Saltelli design with base size N (5N portfolio scorings).
The table shows their mean over the projects; csv and json give them per project (empty/null
when a composite does not vary with the weights). They are estimates: with a few hundred
samples they are noisy and can fall slightly outside [0, 1]; use thousands for firm figures.

Rows that do not score with the nominal model are listed on stderr and left out. The same
seed gives identical output.

Memory: the whole portfolio is held, about 350 bytes per row (1,000,000 rows: about 330 MB);
the Monte Carlo keeps samples x projects ranks as u32, at most 33554432 of them (128 MiB,
e.g. 1000 samples of up to 33554 projects; more is refused before the analysis starts), plus about
200 bytes per project. Measured: 1,000,000 rows with --samples 20 peak at about 610 MB.

Exit status: 0 every row analysed, 1 some rows left out (the analysis is still written),
2 unusable arguments, model or file, or no row that scores, 141 the output was closed
early (`| head`).")]
pub struct SensitivityArgs {
    #[command(flatten)]
    model: ModelArg,

    #[command(flatten)]
    records: RecordsArgs,

    /// Monte Carlo draws, and the base size of the Sobol design.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..))]
    samples: u32,

    /// Seed of the random numbers: the same seed gives the same output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Relative spread f of every weight, in [0, 1]: each weight is drawn as w*(1 + f*U(-1,1)).
    #[arg(long, value_name = "F", default_value_t = 0.25, value_parser = parse_spread)]
    spread: f64,

    /// Output format: table for people, csv or json for programs.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,

    /// Write the results to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// An aligned table with the mean Sobol indices at the end
    Table,
    /// CSV, one row per project in nominal rank order, with its Sobol indices
    Csv,
    /// One JSON object: settings, mean Sobol indices, one object per project
    Json,
}

/// Runs `silkscore sensitivity`.
pub fn run(args: &SensitivityArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let mut out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args.model.load()?;
    let portfolio = portfolio::load(&model, &args.records, "analysis")?;
    let settings = Settings {
        samples: args.samples,
        seed: args.seed,
        spread: args.spread,
    };
    let analysis = portfolio::analysis(&model, &portfolio, &settings, &args.records.name())?;
    match args.format {
        FormatArg::Table => write_table(&mut out, &model, &portfolio, &analysis),
        FormatArg::Csv => write_csv(&mut out, &portfolio, &analysis),
        FormatArg::Json => write_json(&mut out, &model, &portfolio, &analysis),
    }
    .map_err(|e| out.failed(e))?;
    out.commit()?;
    if portfolio.excluded.is_empty() {
        Ok(Exit::Success)
    } else {
        Ok(Exit::RowsFailed)
    }
}

fn model_label(model: &Model) -> String {
    let name = if model.name().is_empty() {
        "(unnamed)"
    } else {
        model.name()
    };
    format!(
        "{} (fingerprint {:#010x})",
        escape(name),
        model.fingerprint()
    )
}

fn write_table<W: Write>(
    out: &mut W,
    model: &Model,
    portfolio: &Portfolio,
    a: &Analysis,
) -> io::Result<()> {
    let s = &a.settings;
    writeln!(
        out,
        "Rank robustness of {} projects, model {}",
        a.projects.len(),
        model_label(model)
    )?;
    writeln!(
        out,
        "{} draws (seed {}, {} skipped): every weight x (1 + {}*U(-1,1)), renormalised; \
         across aggregation arithmetic or geometric at random.",
        a.samples_used, s.seed, a.samples_skipped, s.spread
    )?;
    writeln!(
        out,
        "Rank 1 = best. Percentiles of the rank by nearest rank; 5%-95% is the interval."
    )?;
    writeln!(out)?;
    let id_w = portfolio
        .projects
        .iter()
        .map(|p| width(&p.id))
        .max()
        .unwrap_or(2)
        .max(2);
    let rank_w = a.projects.len().to_string().len().max(4);
    writeln!(
        out,
        "{:>rank_w$}  {:>rank_w$}  {:>rank_w$}  {:>rank_w$}  {:>9}  {:<id_w$}  name",
        "rank", "med", "5%", "95%", "composite", "id"
    )?;
    for i in a.by_nominal_rank() {
        let (Some(p), Some(proj)) = (a.projects.get(i), portfolio.projects.get(i)) else {
            continue;
        };
        let failed = if p.failed_samples > 0 {
            format!("  [unscored in {} draws]", p.failed_samples)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>rank_w$}  {:>rank_w$}  {:>rank_w$}  {:>rank_w$}  {:>9.2}  {}  {}{failed}",
            p.nominal_rank,
            p.median_rank,
            p.p5_rank,
            p.p95_rank,
            p.nominal_composite,
            pad(&proj.id, id_w),
            pad(&proj.name, 48).trim_end()
        )?;
    }
    writeln!(out)?;
    match &a.sobol_mean {
        Some(m) => {
            writeln!(
                out,
                "Sobol indices of the composite w.r.t. the connotation weights ({} across, \
                 N = {}), mean over {} projects:",
                a.sobol_across.as_str(),
                a.sobol_rows,
                a.sobol_projects
            )?;
            writeln!(
                out,
                "  {:<10}  {:>16}  {:>11}",
                "weight", "first-order S_i", "total S_Ti"
            )?;
            for (k, c) in Connotation::ALL.iter().enumerate() {
                let (f, t) = (
                    m.first.get(k).copied().unwrap_or(0.0),
                    m.total.get(k).copied().unwrap_or(0.0),
                );
                writeln!(out, "  {:<10}  {f:>16.3}  {t:>11.3}", c.as_str())?;
            }
        }
        None => writeln!(
            out,
            "Sobol indices: no composite varies with the connotation weights."
        )?,
    }
    if !portfolio.excluded.is_empty() {
        writeln!(
            out,
            "\n{} rows left out (they do not score with the model): {}",
            portfolio.excluded.len(),
            portfolio
                .excluded
                .iter()
                .map(|e| format!("{} ({})", escape(&e.id), escape(&e.failure.to_string())))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(())
}

/// The CSV columns of `silkscore sensitivity --format csv`.
const CSV_HEADER: [&str; 14] = [
    "id",
    "name",
    "nominal_rank",
    "median_rank",
    "p5_rank",
    "p95_rank",
    "nominal_composite",
    "failed_samples",
    "s_cultural",
    "s_economic",
    "s_security",
    "st_cultural",
    "st_economic",
    "st_security",
];

fn write_csv<W: Write>(out: &mut W, portfolio: &Portfolio, a: &Analysis) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let to_io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    w.write_record(CSV_HEADER).map_err(to_io)?;
    for i in a.by_nominal_rank() {
        let (Some(p), Some(proj)) = (a.projects.get(i), portfolio.projects.get(i)) else {
            continue;
        };
        let mut row = vec![
            proj.id.clone(),
            proj.name.clone(),
            p.nominal_rank.to_string(),
            p.median_rank.to_string(),
            p.p5_rank.to_string(),
            p.p95_rank.to_string(),
            format!("{:.6}", p.nominal_composite),
            p.failed_samples.to_string(),
        ];
        match &p.sobol {
            Some(s) => row.extend(s.first.iter().chain(&s.total).map(|v| format!("{v:.6}"))),
            None => row.extend(std::iter::repeat_n(String::new(), 6)),
        }
        w.write_record(&row).map_err(to_io)?;
    }
    w.flush()
}

/// A number rounded to 6 decimals, so JSON shows it briefly.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[derive(Serialize)]
struct ByConnotation {
    cultural: f64,
    economic: f64,
    security: f64,
}

impl From<[f64; 3]> for ByConnotation {
    fn from([cultural, economic, security]: [f64; 3]) -> Self {
        ByConnotation {
            cultural: round6(cultural),
            economic: round6(economic),
            security: round6(security),
        }
    }
}

#[derive(Serialize)]
struct SobolJson {
    first_order: ByConnotation,
    total: ByConnotation,
    variance: f64,
}

impl From<&SobolIndices<3>> for SobolJson {
    fn from(s: &SobolIndices<3>) -> Self {
        SobolJson {
            first_order: s.first.into(),
            total: s.total.into(),
            variance: round6(s.variance),
        }
    }
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: &'a str,
    fingerprint: String,
}

#[derive(Serialize)]
struct SobolSummaryJson {
    inputs: [&'static str; 3],
    across: &'static str,
    rows: u32,
    projects: usize,
    mean: Option<SobolJson>,
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    id: u32,
    name: &'a str,
    nominal_rank: u32,
    median_rank: u32,
    p5_rank: u32,
    p95_rank: u32,
    nominal_composite: f64,
    failed_samples: u32,
    sobol: Option<SobolJson>,
}

#[derive(Serialize)]
struct ExcludedJson<'a> {
    id: &'a str,
    name: &'a str,
    line: u64,
    status: String,
}

#[derive(Serialize)]
struct Document<'a> {
    model: ModelJson<'a>,
    samples: u32,
    samples_used: u32,
    samples_skipped: u32,
    seed: u64,
    spread: f64,
    percentiles: &'static str,
    max_rank_entries: u64,
    sobol: SobolSummaryJson,
    projects: Vec<ProjectJson<'a>>,
    excluded: Vec<ExcludedJson<'a>>,
}

fn write_json<W: Write>(
    out: &mut W,
    model: &Model,
    portfolio: &Portfolio,
    a: &Analysis,
) -> io::Result<()> {
    let projects = a
        .by_nominal_rank()
        .into_iter()
        .filter_map(|i| {
            let (p, proj) = (a.projects.get(i)?, portfolio.projects.get(i)?);
            Some(ProjectJson {
                id: proj.record.id(),
                name: &proj.name,
                nominal_rank: p.nominal_rank,
                median_rank: p.median_rank,
                p5_rank: p.p5_rank,
                p95_rank: p.p95_rank,
                nominal_composite: round6(f64::from(p.nominal_composite)),
                failed_samples: p.failed_samples,
                sobol: p.sobol.as_ref().map(SobolJson::from),
            })
        })
        .collect();
    let excluded = portfolio
        .excluded
        .iter()
        .map(|e| ExcludedJson {
            id: &e.id,
            name: &e.name,
            line: e.line,
            status: e.failure.to_string(),
        })
        .collect();
    let doc = Document {
        model: ModelJson {
            name: model.name(),
            fingerprint: format!("{:#010x}", model.fingerprint()),
        },
        samples: a.settings.samples,
        samples_used: a.samples_used,
        samples_skipped: a.samples_skipped,
        seed: a.settings.seed,
        spread: a.settings.spread,
        percentiles: "nearest-rank",
        max_rank_entries: MAX_RANK_ENTRIES,
        sobol: SobolSummaryJson {
            inputs: Connotation::ALL.map(|c| c.as_str()),
            across: a.sobol_across.as_str(),
            rows: a.sobol_rows,
            projects: a.sobol_projects,
            mean: a.sobol_mean.as_ref().map(SobolJson::from),
        },
        projects,
        excluded,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
