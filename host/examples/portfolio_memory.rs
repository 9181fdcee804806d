//! Reads, analyses and reports on a records file the way `silkscore sensitivity` and
//! `silkscore report` do, with the host's bounded-memory paths: the analysis reads the
//! portfolio's records in place ([`analyse_portfolio`]) and the report is streamed to its file
//! ([`render_to`]). For measuring peak memory on big portfolios:
//!
//! ```text
//! cargo build --release -p silkscore-host --example portfolio_memory
//! /usr/bin/time -v target/release/examples/portfolio_memory projects.csv 33 report.html
//! ```
//!
//! Arguments: the records file, the samples (0: no analysis), and the HTML file to write
//! (optional: without it, no report).

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

use silkscore_host::portfolio::Portfolio;
use silkscore_host::records::RecordsReader;
use silkscore_host::report::{render_to, ReportOptions};
use silkscore_host::sensitivity::{analyse_portfolio, default_resamples, Settings};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(samples)) = (args.first(), args.get(1)) else {
        eprintln!("usage: portfolio_memory RECORDS.csv SAMPLES [REPORT.html]");
        return ExitCode::from(2);
    };
    let Ok(samples) = samples.parse::<u32>() else {
        eprintln!("SAMPLES must be a number");
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
    eprintln!(
        "{} rows: {} projects, {} excluded",
        portfolio.rows(),
        portfolio.projects.len(),
        portfolio.excluded.len()
    );
    let analysis = if samples > 0 {
        let settings = Settings {
            samples,
            // As `silkscore sensitivity` does by default.
            resamples: default_resamples(samples, portfolio.projects.len()),
            ..Settings::DEFAULT
        };
        match analyse_portfolio(&model, &portfolio, &settings, &mut |_, _| {}) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    if let Some(html) = args.get(2) {
        let written = File::create(html).and_then(|file| {
            render_to(
                BufWriter::new(file),
                &model,
                &portfolio,
                analysis.as_ref(),
                &ReportOptions::default(),
            )
        });
        if let Err(e) = written {
            eprintln!("{html}: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
