//! The library's column-wise scorer called from Rust, on the records the Python benchmark
//! generated (`python/bench/bench_score.py` runs it), single-threaded: the figure the
//! Python package is compared with per core.
//!
//! ```sh
//! cargo run --release -p silkscore-python --example bench_columns -- VALUES.f32 ROWS
//! ```
//!
//! `VALUES.f32` holds ROWS × 18 little-endian f32, row-major (the numpy array as it lies in
//! memory), every value present, for the default model. The columns are built before the
//! clock starts, as `examples/bench_batch.rs` does. Two ways are timed, best of three each:
//!
//! * `score_columns` over all rows at once, into one result per row allocated before the
//!   clock starts (`bench_batch`'s way), and the same with the results allocated inside the
//!   timing, as a program scoring a new batch pays for them (the Python package allocates
//!   its output arrays in every call);
//! * `score_columns` over batches of 1,024 rows into a reused result buffer, the way the
//!   Python package calls it (without its transposing of rows into columns).
//!
//! * `score_into` (the columnar output `Model.score` uses: indices, composite, basis points,
//!   grade and status, no coverage), from the columns and from the row-major matrix read in
//!   place (`Rows`), into output columns allocated before the clock starts or inside the
//!   timing (as `Model.score` allocates its numpy arrays in every call).
//!
//! Prints records/s of each (wall clock, and per second of CPU time where Linux tells it:
//! `/proc/self/schedstat`, which other processes on a busy machine do not inflate) and the
//! sum of the composites' bit patterns (which the Python side compares with its own, to
//! show that both scored the same records to the same bits).

use std::time::Instant;

use silkscore::score::columns::{Batch, Columns, Rows, ScoresColumns};
use silkscore::score::Scorer;
use silkscore::{ScoreError, Scores, BRI_CULTURAL_V1 as MODEL};

/// Nanoseconds this (single-threaded) process has run on a CPU, where Linux tells it.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs `f` three times; the best wall-clock and CPU seconds.
fn best_of(
    mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let (t, c) = (Instant::now(), cpu_ns());
        f()?;
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c, cpu_ns()) {
            cpu = cpu.min((b - a) as f64 / 1e9);
        }
    }
    Ok((wall, cpu))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, rows] = args.as_slice() else {
        return Err("usage: bench_columns VALUES.f32 ROWS".into());
    };
    let n: usize = rows.parse()?;
    let m = MODEL.len();
    let bytes = std::fs::read(path)?;
    if bytes.len() != n * m * 4 {
        return Err(format!("{path}: {} bytes, expected {}", bytes.len(), n * m * 4).into());
    }
    let mut cols = vec![vec![0.0f32; n]; m];
    for (r, row) in bytes.chunks_exact(4 * m).enumerate() {
        for (j, v) in row.chunks_exact(4).enumerate() {
            cols[j][r] = f32::from_le_bytes([v[0], v[1], v[2], v[3]]);
        }
    }
    drop(bytes);
    let ids: Vec<u32> = (0..n as u32).collect();
    let present = vec![(1u32 << m) - 1; n];
    let col_refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
    let batch = Columns::new(&ids, &col_refs, &present)?;
    let scorer = Scorer::new(&MODEL);
    let empty = Err(ScoreError::BufferTooSmall { needed: 0 });

    // All rows at once.
    let mut out: Vec<Result<Scores, ScoreError>> = vec![empty; n];
    let all = best_of(|| {
        scorer.score_columns(&batch, &mut out)?;
        Ok(())
    })?;
    // The sum of the composites' bit patterns: the Python side compares it with its own.
    let bits: u64 = out
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|s| u64::from(s.composite.to_bits()))
        .sum();
    let ok = out.iter().filter(|r| r.is_ok()).count();
    drop(out);

    // All rows at once, the results allocated anew each time.
    let fresh = best_of(|| {
        let mut out: Vec<Result<Scores, ScoreError>> = vec![empty; n];
        scorer.score_columns(&batch, &mut out)?;
        std::hint::black_box(&out);
        Ok(())
    })?;

    // Batches of 1,024 rows into one reused buffer.
    const B: usize = 1024;
    let mut buf: Vec<Result<Scores, ScoreError>> = vec![empty; B];
    let mut bits_batches = 0u64;
    let batches = best_of(|| {
        let mut sum = 0u64;
        let mut start = 0;
        while start < n {
            let end = (start + B).min(n);
            let refs: Vec<&[f32]> = cols.iter().map(|c| &c[start..end]).collect();
            let b = Columns::new(&ids[start..end], &refs, &present[start..end])?;
            let out = &mut buf[..end - start];
            scorer.score_columns(&b, out)?;
            // Read the results, as a caller must (the Python package copies them out).
            sum += out
                .iter()
                .filter_map(|r| r.as_ref().ok())
                .map(|s| u64::from(s.composite.to_bits()))
                .sum::<u64>();
            start = end;
        }
        bits_batches = sum;
        Ok(())
    })?;
    if bits_batches != bits {
        return Err("the two ways gave different scores".into());
    }
    // score_into, every output Model.score returns, from columns and from rows; the output
    // allocated once (reused) or inside the timing (fresh).
    let row_major: Vec<f32> = (0..n * m).map(|k| cols[k % m][k / m]).collect();
    let rows_batch = Rows::new(&row_major, n, m)?;
    let into = |b: &dyn Fn(&mut ScoresColumns<'_>) -> Result<usize, ScoreError>,
                fresh: bool|
     -> Result<((f64, f64), u64), Box<dyn std::error::Error>> {
        let mut o = Outputs::new(n);
        let t = best_of(|| {
            if fresh {
                o = Outputs::new(n);
            }
            b(&mut o.columns())?;
            std::hint::black_box(&o);
            Ok(())
        })?;
        Ok((t, o.composite.iter().map(|x| u64::from(x.to_bits())).sum()))
    };
    fn run<B: Batch>(
        s: &Scorer<'_>,
        b: &B,
        o: &mut ScoresColumns<'_>,
    ) -> Result<usize, ScoreError> {
        s.score_into(b, o)
    }
    let (into_cols, b1) = into(&|o| run(&scorer, &batch, o), false)?;
    let (into_cols_fresh, b2) = into(&|o| run(&scorer, &batch, o), true)?;
    let (into_rows, b3) = into(&|o| run(&scorer, &rows_batch, o), false)?;
    let (into_rows_fresh, b4) = into(&|o| run(&scorer, &rows_batch, o), true)?;
    if [b1, b2, b3, b4].iter().any(|b| *b != bits) {
        return Err("score_into gave other scores than score_columns".into());
    }
    println!("records            {n}");
    println!("scored ok          {ok}");
    println!("composite bits     {bits}");
    let rate = |secs: f64| n as f64 / secs / 1e6;
    println!("rust all rows      {:.2} M records/s", rate(all.0));
    println!("rust fresh         {:.2} M records/s", rate(fresh.0));
    println!("rust batches       {:.2} M records/s", rate(batches.0));
    println!("rust all rows cpu  {:.2} M records/s", rate(all.1));
    println!("rust fresh cpu     {:.2} M records/s", rate(fresh.1));
    println!("rust batches cpu   {:.2} M records/s", rate(batches.1));
    for (name, (wall, cpu)) in [
        ("rust into cols", into_cols),
        ("rust into cols fresh", into_cols_fresh),
        ("rust into rows", into_rows),
        ("rust into rows fresh", into_rows_fresh),
    ] {
        println!("{name:<24}  {:.2} M records/s", rate(wall));
        println!(
            "{:<24}  {:.2} M records/s",
            format!("{name} cpu"),
            rate(cpu)
        );
    }
    Ok(())
}

/// The output columns `Model.score` returns (without coverage).
struct Outputs {
    values: [Vec<f32>; 3],
    composite: Vec<f32>,
    basis_points: Vec<u16>,
    grade: Vec<u8>,
    status: Vec<u8>,
}

impl Outputs {
    fn new(n: usize) -> Self {
        Outputs {
            values: [vec![0.0; n], vec![0.0; n], vec![0.0; n]],
            composite: vec![0.0; n],
            basis_points: vec![0; 4 * n],
            grade: vec![0; n],
            status: vec![0; n],
        }
    }

    fn columns(&mut self) -> ScoresColumns<'_> {
        let [c, e, s] = &mut self.values;
        ScoresColumns::new()
            .cultural(c)
            .economic(e)
            .security(s)
            .composite(&mut self.composite)
            .basis_points(&mut self.basis_points)
            .grade(&mut self.grade)
            .status(&mut self.status)
    }
}
