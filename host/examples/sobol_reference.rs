//! Writes the evaluations of silkscore's Sobol designs for the reference check against SALib
//! (`host/tests/reference/`): the Ishigami function and the three-connotation-weight problem
//! of the bundled portfolio, at N = 1024 rows, seed 1.
//!
//! ```text
//! cargo run --release -p silkscore-host --example sobol_reference -- OUTDIR
//! ```
//!
//! Writes OUTDIR/ishigami_outputs.csv (one line per design row: f(A), f(B), f(A_B^1..3)),
//! OUTDIR/portfolio_outputs.csv (id, then the same per row of each project) and
//! OUTDIR/portfolio_indices.csv (id and the three nominal connotation indices, 0–100), every
//! number exactly (f32 values as the f64 they are).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use silkscore::model::BRI_CULTURAL_V1 as M;
use silkscore_host::portfolio::Portfolio;
use silkscore_host::records::RecordsReader;
use silkscore_host::sensitivity::sobol::evaluate;
use silkscore_host::sensitivity::{design_outputs, Settings, Uncertainty};

/// The base size and seed of the reference designs.
const N: u32 = 1024;
const SEED: u64 = 1;

/// The Ishigami function (a = 7, b = 0.1) with each input mapped from (0, 1) to (−π, π).
fn ishigami(x: &[f64]) -> f64 {
    use std::f64::consts::PI;
    let u = |k: usize| PI * (2.0 * x.get(k).copied().unwrap_or(0.5) - 1.0);
    u(0).sin() + 7.0 * u(1).sin().powi(2) + 0.1 * u(2).powi(4) * u(0).sin()
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))
}

fn run(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut text = String::new();
    for row in evaluate(N, SEED, 3, ishigami).chunks_exact(5) {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:e}")).collect();
        let _ = writeln!(text, "{}", cells.join(","));
    }
    write(dir, "ishigami_outputs.csv", &text)?;

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/portfolio.csv");
    let portfolio = RecordsReader::open(&path, &M)
        .and_then(|r| Portfolio::read(r, &M))
        .map_err(|e| e.to_string())?;
    let settings = Settings {
        samples: N,
        seed: SEED,
        uncertainty: Uncertainty::connotation_weights(0.25),
        ..Settings::DEFAULT
    };
    let d = design_outputs(&M, &portfolio.records(), &settings).map_err(|e| e.to_string())?;
    let mut outputs = String::new();
    let mut indices = String::from("id,cultural,economic,security,floor\n");
    for (p, out) in portfolio.projects.iter().zip(&d.outputs) {
        for row in out.chunks_exact(5) {
            let cells: Vec<String> = row.iter().map(|v| format!("{:e}", f64::from(*v))).collect();
            let _ = writeln!(outputs, "{},{}", p.id, cells.join(","));
        }
        let s = &p.scores;
        let _ = writeln!(
            indices,
            "{},{:e},{:e},{:e},{:e}",
            p.id,
            f64::from(s.cultural),
            f64::from(s.economic),
            f64::from(s.security),
            f64::from(M.params().floor)
        );
    }
    write(dir, "portfolio_outputs.csv", &outputs)?;
    write(dir, "portfolio_indices.csv", &indices)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: sobol_reference OUTDIR");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
