//! Batch-scoring throughput of the default model, single-threaded:
//! record-by-record (`Scorer::score`) and column-wise (`Scorer::score_columns`) on every SIMD
//! path the CPU has (see `silkscore::score::simd`), each checked bit for bit against the
//! record-by-record scores.
//!
//! ```sh
//! cargo run --release --features runtime-dispatch --example bench_batch -- [RECORDS] [--write DIR] [--complete]
//! ```
//!
//! The records are generated with 2 % of their values missing, or with every value present
//! with `--complete` (like for like with `bench/numpy_lean.py`, which has no missing values).
//!
//! With `--write DIR` it also writes the generated records as raw little-endian columns
//! (`DIR/values.f32`, indicator-major, and `DIR/present.u32`) so that `bench/numpy_baseline.py`
//! scores the identical records; `bench/compare.sh` runs both and prints the ratio.

use std::time::Instant;

use silkscore::score::columns::{status, Columns, Rows, ScoresColumns};
use silkscore::score::{simd::SimdPath, Scorer};
use silkscore::{Record, ScoreError, Scores, BRI_CULTURAL_V1 as MODEL};

/// A small deterministic generator (SplitMix64), so runs and languages agree on the data.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`), so that
/// figures taken on a busy machine still mean something; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Times `f`: the best wall-clock seconds of `runs` runs, and the on-CPU seconds per run,
/// averaged over as many runs as fill a quarter of a second at least (the kernel may count
/// a thread's CPU time in scheduler ticks of several milliseconds, which would make the time
/// of one short run meaningless).
fn time(runs: usize, mut f: impl FnMut()) -> (f64, Option<f64>) {
    let mut wall = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        f();
        wall = wall.min(t.elapsed().as_secs_f64());
    }
    let (c0, t) = (cpu_ns(), Instant::now());
    let mut count = 0u32;
    while count < 2 || t.elapsed().as_secs_f64() < 0.25 {
        f();
        count += 1;
    }
    let cpu = match (c0, cpu_ns()) {
        (Some(a), Some(b)) => Some((b - a) as f64 / 1e9 / f64::from(count)),
        _ => None,
    };
    (wall, cpu)
}

/// `12.3 M records/s` from a count and a time, with the on-CPU rate when known.
fn rate(n: usize, (wall, cpu): (f64, Option<f64>)) -> String {
    let m = |s: f64| n as f64 / s / 1e6;
    match cpu {
        Some(c) => format!("{:.1} M records/s (on-CPU {:.1})", m(wall), m(c)),
        None => format!("{:.1} M records/s", m(wall)),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let write_dir = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1));
    let m = MODEL.len();

    // Values spread over [lo - 10% span, hi + 10% span]; log indicators log-uniform; 2% missing
    // (none with --complete: every value of every record present).
    let missing = if args.iter().any(|a| a == "--complete") {
        0.0
    } else {
        0.02
    };
    let mut rng = SplitMix(2023);
    let mut cols = vec![vec![0.0f32; n]; m];
    let mut present = vec![0u32; n];
    for r in 0..n {
        for (i, ind) in MODEL.indicators().iter().enumerate() {
            let u = rng.unit();
            let span = ind.hi - ind.lo;
            let v = match ind.transform {
                silkscore::Transform::Lin => ind.lo - 0.1 * span + 1.2 * span * u,
                _ => (1.0 + ind.hi).powf(u * 1.05) - 1.0,
            };
            cols[i][r] = v;
            if rng.unit() >= missing {
                present[r] |= 1 << i;
            }
        }
    }
    let ids: Vec<u32> = (0..n as u32).collect();
    let records: Vec<Record> = (0..n)
        .map(|r| {
            let mut rec = Record::new(r as u32, m);
            for (i, col) in cols.iter().enumerate() {
                if present[r] & (1 << i) != 0 {
                    rec.set(i, col[r]).unwrap();
                }
            }
            rec
        })
        .collect();

    if let Some(dir) = write_dir {
        std::fs::create_dir_all(dir).unwrap();
        let v: Vec<u8> = cols
            .iter()
            .flatten()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        std::fs::write(format!("{dir}/values.f32"), v).unwrap();
        let p: Vec<u8> = present.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(format!("{dir}/present.u32"), p).unwrap();
        // The same records as a records CSV (docs/spec.md §7), for the end-to-end comparison.
        use std::io::Write;
        let mut csv =
            std::io::BufWriter::new(std::fs::File::create(format!("{dir}/records.csv")).unwrap());
        let header: Vec<&str> = MODEL.indicators().iter().map(|i| i.id.as_str()).collect();
        writeln!(csv, "id,{}", header.join(",")).unwrap();
        for r in 0..n {
            write!(csv, "{r}").unwrap();
            for (i, col) in cols.iter().enumerate() {
                if present[r] & (1 << i) != 0 {
                    write!(csv, ",{}", col[r]).unwrap();
                } else {
                    write!(csv, ",").unwrap();
                }
            }
            writeln!(csv).unwrap();
        }
    }

    let scorer = Scorer::new(&MODEL);
    let mut out: Vec<Result<Scores, ScoreError>> =
        vec![Err(ScoreError::BufferTooSmall { needed: 0 }); n];
    let col_refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
    let batch = Columns::new(&ids, &col_refs, &present).unwrap();
    if args.iter().any(|a| a == "--into-only") {
        // For `perf`: `score_into` (values and status) alone, 20 million records in all.
        let mut v = [
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
        ];
        let mut st = vec![0u8; n];
        for _ in 0..(20_000_000 / n).max(1) {
            let [c, e, s, x] = &mut v;
            let mut o = ScoresColumns::new()
                .cultural(c)
                .economic(e)
                .security(s)
                .composite(x)
                .status(&mut st);
            scorer.score_into(&batch, &mut o).unwrap();
        }
        println!(
            "scored ok          {}",
            st.iter().filter(|s| **s == 0).count()
        );
        return;
    }
    if args.iter().any(|a| a == "--rows-only") {
        // For `perf`: `score_into` from rows (values and status) alone, 20 million records.
        let rows_major: Vec<f32> = (0..n)
            .flat_map(|r| cols.iter().map(move |c| c[r]))
            .collect();
        let rows = Rows::new(&rows_major, n, m)
            .unwrap()
            .with_present(&present)
            .unwrap();
        let mut v = [
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
        ];
        let mut st = vec![0u8; n];
        for _ in 0..(20_000_000 / n).max(1) {
            let [c, e, s, x] = &mut v;
            let mut o = ScoresColumns::new()
                .cultural(c)
                .economic(e)
                .security(s)
                .composite(x)
                .status(&mut st);
            scorer.score_into(&rows, &mut o).unwrap();
        }
        println!(
            "scored ok          {}",
            st.iter().filter(|s| **s == 0).count()
        );
        return;
    }
    if args.iter().any(|a| a == "--columns-only") {
        // For `perf stat`: the column-wise path alone, 5 times.
        for _ in 0..5 {
            scorer.score_columns(&batch, &mut out).unwrap();
        }
        println!(
            "scored ok          {}",
            out.iter().filter(|r| r.is_ok()).count()
        );
        return;
    }

    // Record by record (the reference), then the column-wise scorer on every SIMD path the
    // CPU has, best of 5 runs each; every path must give the reference's bits.
    let scalar = time(5, || {
        for (slot, rec) in out.iter_mut().zip(&records) {
            *slot = scorer.score(rec);
        }
    });
    let bits = |out: &[Result<Scores, ScoreError>]| -> Vec<Option<[u32; 4]>> {
        out.iter()
            .map(|r| r.as_ref().ok().map(|s| s.values().map(f32::to_bits)))
            .collect()
    };
    let reference = bits(&out);
    let ok = out.iter().filter(|r| r.is_ok()).count();
    let checksum: f64 = out
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|s| s.composite as f64)
        .sum();
    println!("records            {n}");
    println!("scored ok          {ok}");
    println!("checksum           {checksum:.3}");
    println!("record-by-record   {}", rate(n, scalar));
    let detected = SimdPath::detect();
    // Row-major copy of the records (a C-order matrix), for the Rows input.
    let rows_major: Vec<f32> = (0..n)
        .flat_map(|r| cols.iter().map(move |c| c[r]))
        .collect();
    let rows = Rows::new(&rows_major, n, m)
        .unwrap()
        .with_present(&present)
        .unwrap();
    let statuses: Vec<u8> = out.iter().map(|r| status(r).unwrap()).collect();
    // Output columns: the four values and the status (17 bytes a record), and everything
    // the Python package returns (also basis points and grades: 26 bytes).
    let mut v = [
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
    ];
    let mut st = vec![0u8; n];
    let mut bp = vec![0u16; 4 * n];
    let mut gr = vec![0u8; n];
    for path in SimdPath::supported() {
        let t = time(5, || {
            scorer.score_columns_on(path, &batch, &mut out).unwrap();
        });
        assert!(
            bits(&out) == reference,
            "the {} path must agree with the scalar path bit for bit",
            path.name()
        );
        println!("column-wise {:<6} {}", path.name(), rate(n, t));
        // The same on a batch of 4,096 records that stays in the L2 cache, scored over and
        // over: the speed of the arithmetic alone, without the memory traffic of a million
        // records (76 bytes read and a 48-byte result written per record).
        let k = 4096.min(n);
        let small_refs: Vec<&[f32]> = cols.iter().map(|c| &c[..k]).collect();
        let small = Columns::new(&ids[..k], &small_refs, &present[..k]).unwrap();
        let reps = (n / k).max(1);
        let t_cache = time(3, || {
            for _ in 0..reps {
                scorer
                    .score_columns_on(path, &small, &mut out[..k])
                    .unwrap();
            }
        });
        println!("  in cache  {:<6} {}", path.name(), rate(k * reps, t_cache));

        // Columnar output (`score_into`): values and status.
        let check = |v: &[Vec<f32>; 4], st: &[u8], what: &str| {
            for r in 0..n {
                let got =
                    (st[r] == 0).then(|| [v[0][r], v[1][r], v[2][r], v[3][r]].map(f32::to_bits));
                assert!(
                    got == reference[r] && st[r] == statuses[r],
                    "{what} on the {} path differs from the scalar path on record {r}",
                    path.name()
                );
            }
        };
        let t_into = time(5, || {
            let [c, e, s, x] = &mut v;
            let mut o = ScoresColumns::new()
                .cultural(c)
                .economic(e)
                .security(s)
                .composite(x)
                .status(&mut st);
            scorer.score_into_on(path, &batch, &mut o).unwrap();
        });
        check(&v, &st, "score_into");
        println!("into        {:<6} {}", path.name(), rate(n, t_into));
        let t_into_cache = time(3, || {
            let [c, e, s, x] = &mut v;
            for _ in 0..reps {
                let mut o = ScoresColumns::new()
                    .cultural(&mut c[..k])
                    .economic(&mut e[..k])
                    .security(&mut s[..k])
                    .composite(&mut x[..k])
                    .status(&mut st[..k]);
                scorer.score_into_on(path, &small, &mut o).unwrap();
            }
        });
        println!(
            "  in cache  {:<6} {}",
            path.name(),
            rate(k * reps, t_into_cache)
        );
        let t_all = time(5, || {
            let [c, e, s, x] = &mut v;
            let mut o = ScoresColumns::new()
                .cultural(c)
                .economic(e)
                .security(s)
                .composite(x)
                .basis_points(&mut bp)
                .grade(&mut gr)
                .status(&mut st);
            scorer.score_into_on(path, &batch, &mut o).unwrap();
        });
        check(&v, &st, "score_into (every output)");
        println!("into all    {:<6} {}", path.name(), rate(n, t_all));
        let t_rows = time(5, || {
            let [c, e, s, x] = &mut v;
            let mut o = ScoresColumns::new()
                .cultural(c)
                .economic(e)
                .security(s)
                .composite(x)
                .status(&mut st);
            scorer.score_into_on(path, &rows, &mut o).unwrap();
        });
        check(&v, &st, "score_into (rows)");
        println!("rows into   {:<6} {}", path.name(), rate(n, t_rows));
        if path == detected {
            // The path `score_columns` picks on this CPU: what compare.sh reads.
            println!("column-wise        {} [{}]", rate(n, t), path.name());
            println!("column-wise into   {} [{}]", rate(n, t_into), path.name());
        }
    }
}
