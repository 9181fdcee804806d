//! `silkscore sensitivity`: how robust the ranking of a portfolio is to the model's
//! assumptions (rank intervals and Sobol indices with confidence intervals,
//! `silkscore_host::sensitivity`).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use silkscore::Model;
use silkscore_host::portfolio::Portfolio;
use silkscore_host::sensitivity::design::MAX_ROWS;
use silkscore_host::sensitivity::{
    Analysis, Estimate, SobolIndices, Uncertainty, CONFIDENCE, MAX_RANK_ENTRIES,
};

use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::portfolio::{self, AnalysisArgs};
use crate::records::RecordsArgs;
use crate::term::{escape, pad, width};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore sensitivity --input examples/data/portfolio.csv
  silkscore sensitivity --input examples/data/portfolio.csv \\
      --uncertainty examples/data/uncertainty.toml
  silkscore sensitivity --input projects.csv --model my-model.toml --samples 32768 --seed 7 \\
      --format csv -o robustness.csv

What varies (docs/spec.md §7.8): by default the connotation weights and the indicator weights,
each w*(1 + f*U(-1,1)) with f = --spread, renormalised. An uncertainty file (--uncertainty)
can instead vary any of: connotation weights, indicator weights, the aggregation within and
across (arithmetic or geometric), the floor, the minimum coverage and the goalposts.

Design: a Saltelli design of N rows (--samples) from an Owen-scrambled Sobol sequence; with
G uncertain input groups (each connotation weight is one), (G + 2) x N scorings of the
portfolio. Rows whose drawn model is not valid are skipped and counted.

Rank intervals: in each of the N draws the projects are scored and ranked by composite
(standard competition ranking: rank 1 = best, equal composites share a rank, 1 2 2 4; only
identical f32 composites tie). Reported per project: nominal rank, median rank and the 5th
and 95th percentile rank (nearest-rank definition: the ceil(p*N/100)-th smallest). A project
that cannot be scored in a draw ranks last there and counts as composite 0 for Sobol.

Sobol indices per input group: first order (Saltelli 2010) and total (Jansen), on centred
outputs, each with a 95% bootstrap percentile interval (--resamples resamples of the rows).
The table shows their mean over the projects; csv and json give them per project (empty/null
when a composite does not vary). The default N, 16384, keeps every interval of every project
of examples/data/portfolio.csv within +-0.03 (measured +-0.022); for portfolios of more than
256 projects it is reduced to the largest power of two with N x projects <= 4194304, and said
so on stderr. --samples sets N (at most 65536; powers of two are best). The default 500
resamples become 100 when N x projects exceeds 4194304 (said on stderr); --resamples 0 skips
the intervals.

Rows that do not score with the nominal model are listed on stderr and left out. The same
seed gives identical output.

Memory: the whole portfolio is held, about 350 bytes per row (1,000,000 rows: about 330 MB);
the ranks of every draw, N x projects u32, at most 33554432 of them (128 MiB; more is refused
before the analysis starts); the Sobol outputs of a block of projects, at most 32 MiB; and
about 300 bytes per project for its indices and intervals. Measured: 1,000,000 rows with
--samples 20 peak at about 750 MB (and take about 45 s of CPU, with 100 resamples).

Exit status: 0 every row analysed, 1 some rows left out (the analysis is still written),
2 unusable arguments, model, uncertainty or records file, or no row that scores, 141 the
output was closed early (`| head`).")]
pub struct SensitivityArgs {
    #[command(flatten)]
    model: ModelArg,

    #[command(flatten)]
    records: RecordsArgs,

    /// Rows N of the design (rank draws; 1 to 65536). Default: 16384, fewer for large
    /// portfolios (see below).
    #[arg(short = 'n', long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ROWS)))]
    samples: Option<u32>,

    #[command(flatten)]
    analysis: AnalysisArgs,

    /// Output format: table for people, csv or json for programs.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,

    /// Write the results to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// An aligned table with the mean Sobol indices and their intervals at the end
    Table,
    /// CSV, one row per project in nominal rank order, with its Sobol indices and intervals
    Csv,
    /// One JSON object: settings, mean Sobol indices, one object per project
    Json,
}

/// Runs `silkscore sensitivity`.
pub fn run(args: &SensitivityArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(
        Inputs::new()
            .with(args.records.path())
            .with_opt(args.analysis.uncertainty_file()),
    );
    let mut out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args.model.load()?;
    // The uncertainty file is read (and refused) before the records.
    if let Some(path) = args.analysis.uncertainty_file() {
        portfolio::read_uncertainty(path)?;
    }
    let portfolio = portfolio::load(&model, &args.records, "analysis")?;
    let settings = args
        .analysis
        .settings(args.samples, portfolio.projects.len())?;
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

/// `0.412 [0.398, 0.425]`.
fn with_interval(e: &Estimate) -> String {
    format!("{:.3} [{:.3}, {:.3}]", e.value, e.low, e.high)
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
    writeln!(out, "What varies: {}.", s.uncertainty)?;
    writeln!(
        out,
        "{} draws of a scrambled Sobol design (seed {}, {} skipped as invalid models).",
        a.samples_used, s.seed, a.samples_skipped
    )?;
    writeln!(
        out,
        "Rank 1 = best; equal composites share a rank (1 2 2 4). Percentiles of the rank by \
         nearest rank; 5%-95% is the interval."
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
                "Sobol indices of the composite, mean over {} projects (N = {}; {:.0}% \
                 bootstrap intervals, {} resamples):",
                a.sobol_projects,
                a.samples_used,
                100.0 * CONFIDENCE,
                s.resamples
            )?;
            let name_w = a
                .groups
                .iter()
                .map(|g| g.input.name().len())
                .max()
                .unwrap_or(5)
                .max(5);
            let line = format!(
                "  {:<name_w$}  {:<22}  {}",
                "input", "first-order S_i", "total S_Ti"
            );
            writeln!(out, "{}", line.trim_end())?;
            for (g, ix) in a.groups.iter().zip(&m.groups) {
                writeln!(
                    out,
                    "  {:<name_w$}  {:<22}  {}",
                    g.input.name(),
                    with_interval(&ix.first),
                    with_interval(&ix.total)
                )?;
            }
            writeln!(
                out,
                "Widest interval of any project's index: +-{:.3}.",
                a.max_half_width()
            )?;
        }
        None => writeln!(
            out,
            "Sobol indices: no composite varies with the uncertain assumptions."
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

/// The first CSV columns of `silkscore sensitivity --format csv`; six per input group follow
/// (`s_<group>`, `s_<group>_low`, `s_<group>_high`, `st_<group>`, `st_<group>_low`,
/// `st_<group>_high`, the group's name with `.` as `_`).
const CSV_HEADER: [&str; 8] = [
    "id",
    "name",
    "nominal_rank",
    "median_rank",
    "p5_rank",
    "p95_rank",
    "nominal_composite",
    "failed_samples",
];

fn write_csv<W: Write>(out: &mut W, portfolio: &Portfolio, a: &Analysis) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let to_io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    let mut header: Vec<String> = CSV_HEADER.iter().map(|s| (*s).to_owned()).collect();
    for g in &a.groups {
        let name = g.input.name().replace('.', "_");
        for kind in ["s", "st"] {
            for end in ["", "_low", "_high"] {
                header.push(format!("{kind}_{name}{end}"));
            }
        }
    }
    w.write_record(&header).map_err(to_io)?;
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
            Some(s) => {
                for ix in &s.groups {
                    for e in [&ix.first, &ix.total] {
                        row.extend([e.value, e.low, e.high].map(|v| format!("{v:.6}")));
                    }
                }
            }
            None => row.extend(std::iter::repeat_n(String::new(), 6 * a.groups.len())),
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
struct EstimateJson {
    value: f64,
    low: f64,
    high: f64,
}

impl From<&Estimate> for EstimateJson {
    fn from(e: &Estimate) -> Self {
        EstimateJson {
            value: round6(e.value),
            low: round6(e.low),
            high: round6(e.high),
        }
    }
}

#[derive(Serialize)]
struct IndexJson {
    input: &'static str,
    first_order: EstimateJson,
    total: EstimateJson,
}

#[derive(Serialize)]
struct SobolJson {
    variance: f64,
    indices: Vec<IndexJson>,
}

fn sobol_json(a: &Analysis, s: &SobolIndices) -> SobolJson {
    SobolJson {
        variance: round6(s.variance),
        indices: a
            .groups
            .iter()
            .zip(&s.groups)
            .map(|(g, ix)| IndexJson {
                input: g.input.name(),
                first_order: (&ix.first).into(),
                total: (&ix.total).into(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: &'a str,
    fingerprint: String,
}

#[derive(Serialize)]
struct UncertaintyJson {
    description: String,
    weights: Option<f64>,
    indicator_weights: Option<f64>,
    within: bool,
    across: bool,
    floor: Option<[f64; 2]>,
    min_coverage: Option<[f64; 2]>,
    goalposts: Option<f64>,
}

impl From<&Uncertainty> for UncertaintyJson {
    fn from(u: &Uncertainty) -> Self {
        UncertaintyJson {
            description: u.to_string(),
            weights: u.weights,
            indicator_weights: u.indicator_weights,
            within: u.within,
            across: u.across,
            floor: u.floor,
            min_coverage: u.min_coverage,
            goalposts: u.goalposts,
        }
    }
}

#[derive(Serialize)]
struct SobolSummaryJson {
    estimators: &'static str,
    inputs: Vec<&'static str>,
    confidence: f64,
    resamples: u32,
    rows: u32,
    projects: usize,
    max_half_width: f64,
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
    uncertainty: UncertaintyJson,
    samples: u32,
    samples_used: u32,
    samples_skipped: u32,
    seed: u64,
    ranking: &'static str,
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
                sobol: p.sobol.as_ref().map(|s| sobol_json(a, s)),
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
    let s = &a.settings;
    let doc = Document {
        model: ModelJson {
            name: model.name(),
            fingerprint: format!("{:#010x}", model.fingerprint()),
        },
        uncertainty: (&s.uncertainty).into(),
        samples: s.samples,
        samples_used: a.samples_used,
        samples_skipped: a.samples_skipped,
        seed: s.seed,
        ranking: "competition (1224): equal composites (the same f32 bits) share a rank",
        percentiles: "nearest-rank",
        max_rank_entries: MAX_RANK_ENTRIES,
        sobol: SobolSummaryJson {
            estimators: "Saltelli 2010 first order, Jansen total order, centred outputs; \
                         bootstrap percentile intervals",
            inputs: a.groups.iter().map(|g| g.input.name()).collect(),
            confidence: CONFIDENCE,
            resamples: s.resamples,
            rows: a.samples_used,
            projects: a.sobol_projects,
            max_half_width: round6(a.max_half_width()),
            mean: a.sobol_mean.as_ref().map(|m| sobol_json(a, m)),
        },
        projects,
        excluded,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
