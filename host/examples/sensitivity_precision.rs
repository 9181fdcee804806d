//! How wide are the Sobol confidence intervals, and how long does the analysis take, for a
//! range of base sizes N? The measurement behind `DEFAULT_SAMPLES` (docs/spec.md §7.8):
//!
//! ```text
//! cargo run --release -p silkscore-host --example sensitivity_precision -- \
//!     examples/data/portfolio.csv 1024 2048 4096 8192
//! ```
//!
//! Arguments: a records file (scored with bri-cultural-v1), then the values of N; before them,
//! `--uncertainty FILE` picks what varies (default: the weights, ±25 %) and `--resamples R`
//! the bootstrap resamples (default 500). Prints one
//! line per N: the rows used, the time, the widest 95 % half-width of any project's first-order
//! and total index, and the mean indices.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use silkscore_host::portfolio::Portfolio;
use silkscore_host::records::RecordsReader;
use silkscore_host::sensitivity::{analyse_portfolio, Settings, Uncertainty};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut uncertainty = Settings::DEFAULT.uncertainty;
    let mut resamples = Settings::DEFAULT.resamples;
    while args.first().is_some_and(|a| a.starts_with("--")) {
        let (flag, value) = (args.remove(0), args.first().cloned());
        let Some(value) = value else {
            eprintln!("{flag} needs a value");
            return ExitCode::from(2);
        };
        args.remove(0);
        match flag.as_str() {
            "--uncertainty" => {
                let parsed = std::fs::read_to_string(&value)
                    .map_err(|e| e.to_string())
                    .and_then(|t| Uncertainty::parse(&t).map_err(|e| e.to_string()));
                match parsed {
                    Ok(u) => uncertainty = u,
                    Err(e) => {
                        eprintln!("{value}: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            "--resamples" => match value.parse() {
                Ok(r) => resamples = r,
                Err(_) => {
                    eprintln!("--resamples must be a number");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("unknown option {flag}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(input) = args.first() else {
        eprintln!(
            "usage: sensitivity_precision [--uncertainty FILE] [--resamples R] RECORDS.csv N..."
        );
        return ExitCode::from(2);
    };
    let model = silkscore::BRI_CULTURAL_V1.clone();
    let portfolio = match RecordsReader::open(Path::new(input), &model)
        .and_then(|reader| Portfolio::read(reader, &model))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{} projects; uncertainty: {uncertainty}",
        portfolio.projects.len()
    );
    println!("     N  rows    seconds  max ± first  max ± total  mean first-order / total");
    for n in args.iter().skip(1) {
        let Ok(samples) = n.parse::<u32>() else {
            eprintln!("N must be a number, not {n}");
            return ExitCode::from(2);
        };
        let settings = Settings {
            samples,
            uncertainty,
            resamples,
            ..Settings::DEFAULT
        };
        let t = Instant::now();
        let a = match analyse_portfolio(&model, &portfolio, &settings, &mut |_, _| {}) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let widest = |total: bool| {
            a.projects
                .iter()
                .filter_map(|p| p.sobol.as_ref())
                .flat_map(|s| s.groups.iter())
                .map(|g| if total { g.total } else { g.first }.half_width())
                .fold(0.0, f64::max)
        };
        let mean = a.sobol_mean.as_ref().map_or_else(String::new, |m| {
            a.groups
                .iter()
                .zip(&m.groups)
                .map(|(g, ix)| {
                    format!(
                        "{} {:.3}/{:.3}",
                        g.input.name(),
                        ix.first.value,
                        ix.total.value
                    )
                })
                .collect::<Vec<_>>()
                .join("  ")
        });
        println!(
            "{samples:>6}  {:>5}  {secs:>8.2}  {:>11.4}  {:>11.4}  {mean}",
            a.samples_used,
            widest(false),
            widest(true)
        );
    }
    ExitCode::SUCCESS
}
