//! Criterion benchmarks of the library's scoring paths, default model, 100,000 generated
//! records: record by record (`Scorer::score`) and column-wise (`Scorer::score_columns_on`)
//! on every SIMD path the CPU has. Throughput is reported in records per second.
//!
//! ```sh
//! cargo bench -p silkscore --features runtime-dispatch --bench scoring
//! ```
//!
//! `bench/compare.sh` measures the same paths against numpy, pandas and Polars in one run;
//! these benchmarks are for following the library's own speed from change to change.

use criterion::{criterion_main, BenchmarkId, Criterion, Throughput};
use silkscore::score::{columns::Columns, simd::SimdPath, Scorer};
use silkscore::{Record, ScoreError, Scores, Transform, BRI_CULTURAL_V1 as MODEL};

/// SplitMix64, as examples/bench_batch.rs generates its records.
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

/// Columns, presence bits and the same records one by one.
fn records(n: usize) -> (Vec<Vec<f32>>, Vec<u32>, Vec<Record>) {
    let m = MODEL.len();
    let mut rng = SplitMix(2023);
    let mut cols = vec![vec![0.0f32; n]; m];
    let mut present = vec![0u32; n];
    for r in 0..n {
        for (i, ind) in MODEL.indicators().iter().enumerate() {
            let u = rng.unit();
            let span = ind.hi - ind.lo;
            cols[i][r] = match ind.transform {
                Transform::Lin => ind.lo - 0.1 * span + 1.2 * span * u,
                _ => (1.0 + ind.hi).powf(u * 1.05) - 1.0,
            };
            if rng.unit() >= 0.02 {
                present[r] |= 1 << i;
            }
        }
    }
    let recs = (0..n)
        .map(|r| {
            let values: Vec<Option<f32>> = (0..m)
                .map(|i| (present[r] & (1 << i) != 0).then_some(cols[i][r]))
                .collect();
            Record::from_values(r as u32, &values).unwrap()
        })
        .collect();
    (cols, present, recs)
}

fn scoring(c: &mut Criterion) {
    let n = 100_000;
    let (cols, present, recs) = records(n);
    let ids: Vec<u32> = (0..n as u32).collect();
    let refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
    let batch = Columns::new(&ids, &refs, &present).unwrap();
    let scorer = Scorer::new(&MODEL);
    let mut out: Vec<Result<Scores, ScoreError>> =
        vec![Err(ScoreError::BufferTooSmall { needed: 0 }); n];

    let mut g = c.benchmark_group("default model, 100k records");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("record by record", |b| {
        b.iter(|| {
            for (slot, r) in out.iter_mut().zip(&recs) {
                *slot = scorer.score(r);
            }
        })
    });
    for path in SimdPath::supported() {
        g.bench_with_input(
            BenchmarkId::new("column-wise", path.name()),
            &path,
            |b, path| b.iter(|| scorer.score_columns_on(*path, &batch, &mut out).unwrap()),
        );
    }
    g.finish();
}

// `criterion_group!` defines an undocumented `pub fn benches`.
mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::scoring);
}
use group::benches;
criterion_main!(benches);
