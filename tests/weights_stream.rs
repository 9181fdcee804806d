//! The streaming pieces of entropy and CRITIC ([`ColumnScan`], [`Normaliser`],
//! [`PhiSums`], [`CrossProducts`], [`MinMax`]) give the bits of [`entropy`], [`critic_with`],
//! [`entropy_across`] and [`critic_across`] on generated batches (hostile values, constant
//! columns, m = 2, many rows), whatever the split of the sums into parts (columns, rows of the
//! cross-product triangle) that a parallel host would give its threads.

use core::ops::Range;

use silkscore::model::{Direction, Indicator, ModelParams, Transform, MAX_INDICATORS};
use silkscore::weights::critic::{
    critic_across, critic_with, CrossProducts, MinMax, Normalisation,
};
use silkscore::weights::entropy::{entropy, entropy_across, PhiSums};
use silkscore::weights::{ColumnScan, Normaliser, WeightsError};
use silkscore::{score, Connotation, Model, Record, Scores, BRI_CULTURAL_V1};

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// A finite value for indicator `ind`: mostly inside the goalposts, sometimes at them, past
/// them, or hostile (±f32::MAX, subnormal, −0, huge and tiny).
fn value(rng: &mut Rng, ind: &Indicator) -> f32 {
    let span = ind.hi - ind.lo;
    match rng.below(20) {
        0 => ind.lo,
        1 => ind.hi,
        2 => ind.hi + span * rng.unit() * 10.0,
        3 => ind.lo - span * rng.unit(),
        4 => [
            f32::MAX,
            -f32::MAX,
            1e-45,
            -0.0,
            0.0,
            f32::MIN_POSITIVE,
            1e30,
            -1e30,
        ][rng.below(8)],
        _ => ind.lo + span * rng.unit(),
    }
}

/// `m` records for `model`; the columns in `constant` hold one value throughout.
fn batch(rng: &mut Rng, model: &Model, m: usize, constant: &[usize]) -> Vec<Record> {
    let fixed: Vec<f32> = model.indicators().iter().map(|i| value(rng, i)).collect();
    (0..m)
        .map(|i| {
            let v: Vec<Option<f32>> = model
                .indicators()
                .iter()
                .enumerate()
                .map(|(j, ind)| {
                    Some(if constant.contains(&j) {
                        fixed[j]
                    } else {
                        value(rng, ind)
                    })
                })
                .collect();
            Record::from_values(i as u32, &v).unwrap()
        })
        .collect()
}

/// A random split of `0..n` into contiguous parts (some empty).
fn parts(rng: &mut Rng, n: usize) -> Vec<Range<usize>> {
    let mut cuts: Vec<usize> = (0..rng.below(5)).map(|_| rng.below(n + 1)).collect();
    cuts.push(0);
    cuts.push(n);
    cuts.sort_unstable();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The rows of a batch as f64, as a host that keeps f32 values would feed them.
fn rows(values: &Normaliser, records: &[Record]) -> Vec<[f64; MAX_INDICATORS]> {
    records
        .iter()
        .map(|r| {
            let mut v = [0.0f32; MAX_INDICATORS];
            values.normalise(r, &mut v);
            v.map(f64::from)
        })
        .collect()
}

fn scan_of(n: usize, rows: &[[f64; MAX_INDICATORS]]) -> ColumnScan {
    let mut scan = ColumnScan::new(n);
    for r in rows {
        scan.push(r);
    }
    scan
}

/// The same bits: every f32 of the results (Debug prints the shortest round-trip form) and
/// every flag.
fn same<T: core::fmt::Debug + PartialEq>(a: &T, b: &T, what: &str) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}");
    assert_eq!(a, b, "{what}");
}

/// Entropy through the pieces: a scan, then the φ sums split into `parts`, each part fed
/// every row in order (rows given to the parts in interleaved chunks of varied sizes).
fn entropy_in_parts(
    rng: &mut Rng,
    model: &Model,
    records: &[Record],
) -> Result<silkscore::weights::entropy::EntropyWeights, WeightsError> {
    let values = Normaliser::new(model);
    let rows = rows(&values, records);
    let base = PhiSums::new(&scan_of(values.len(), &rows))?;
    let split = parts(rng, values.len());
    let mut accs: Vec<PhiSums> = split.iter().map(|_| base).collect();
    let mut i = 0;
    while i < rows.len() {
        let chunk = 1 + rng.below(700);
        for (acc, p) in accs.iter_mut().zip(&split) {
            for r in rows.iter().skip(i).take(chunk) {
                acc.add_columns(r, p.clone());
            }
        }
        i += chunk;
    }
    let mut out = base;
    for (acc, p) in accs.iter().zip(&split) {
        out.absorb(acc, p.clone());
    }
    out.weights(model)
}

/// CRITIC through the pieces, the triangle's rows split into `parts`.
fn critic_in_parts(
    rng: &mut Rng,
    model: &Model,
    records: &[Record],
    how: Normalisation,
) -> Result<silkscore::weights::critic::CriticWeights, WeightsError> {
    let values = match how {
        Normalisation::Goalposts => Normaliser::new(model),
        Normalisation::Data => Normaliser::raw(model),
    };
    let n = values.len();
    let mut rows = rows(&values, records);
    let mut scan = scan_of(n, &rows);
    if how == Normalisation::Data {
        let mm = MinMax::new(&scan, model);
        for r in &mut rows {
            mm.apply(r);
        }
        scan = scan_of(n, &rows);
    }
    let base = CrossProducts::new(&scan)?;
    let split = parts(rng, n);
    let mut accs: Vec<CrossProducts> = split.iter().map(|_| base.clone()).collect();
    let mut i = 0;
    while i < rows.len() {
        let chunk = 1 + rng.below(700);
        for (acc, p) in accs.iter_mut().zip(&split) {
            for r in rows.iter().skip(i).take(chunk) {
                acc.add_part(r, p.clone());
            }
        }
        i += chunk;
    }
    let mut out = base;
    for (acc, p) in accs.iter().zip(&split) {
        out.absorb(acc, p.clone());
    }
    out.weights(model, how)
}

/// A model of 3 to 32 indicators (the first three one per connotation) with random
/// connotations, transforms, directions and goalposts.
fn random_model(rng: &mut Rng) -> Model {
    let n = 3 + rng.below(MAX_INDICATORS - 2);
    let ids: Vec<String> = (0..n).map(|j| format!("i{j}")).collect();
    let inds: Vec<Indicator> = ids
        .iter()
        .enumerate()
        .map(|(j, id)| {
            let c = Connotation::ALL[if j < 3 { j } else { rng.below(3) }];
            let d = if rng.below(3) == 0 {
                Direction::Cost
            } else {
                Direction::Benefit
            };
            let t = if rng.below(2) == 0 {
                Transform::Log
            } else {
                Transform::Lin
            };
            let lo = (rng.below(10) as f32) * 3.0;
            Indicator::new(id, c, d, t, lo, lo + 1.0 + rng.unit() * 1000.0)
        })
        .collect();
    Model::new("stream", ModelParams::DEFAULT, &inds).unwrap()
}

#[test]
fn the_pieces_give_the_bits_of_entropy_and_critic() {
    let mut rng = Rng(0x5eed);
    let mut cases = 0;
    for case in 0..120 {
        let model = if case % 3 == 0 {
            BRI_CULTURAL_V1.clone()
        } else {
            random_model(&mut rng)
        };
        let m = match case % 6 {
            0 => 2,
            1 => 3,
            2 => 2000 + rng.below(8000),
            _ => 2 + rng.below(400),
        };
        let n = model.len();
        let constant: Vec<usize> = (0..n).filter(|_| rng.below(4) == 0).collect();
        let records = batch(&mut rng, &model, m, &constant);
        same(
            &entropy_in_parts(&mut rng, &model, &records),
            &entropy(&model, &records),
            &format!("entropy, case {case}, m {m}, n {n}"),
        );
        for how in [Normalisation::Goalposts, Normalisation::Data] {
            same(
                &critic_in_parts(&mut rng, &model, &records, how),
                &critic_with(&model, &records, how),
                &format!("critic {how:?}, case {case}, m {m}, n {n}"),
            );
        }
        cases += 1;
    }
    assert_eq!(cases, 120);
}

#[test]
fn the_pieces_give_the_bits_across_connotations() {
    let mut rng = Rng(7);
    for case in 0..40 {
        let m = if case % 4 == 0 {
            2
        } else {
            2 + rng.below(3000)
        };
        let constant: Vec<usize> = (0..18).filter(|_| rng.below(5) == 0).collect();
        let records = batch(&mut rng, &BRI_CULTURAL_V1, m, &constant);
        let scores: Vec<Scores> = records
            .iter()
            .filter_map(|r| score(&BRI_CULTURAL_V1, r).ok())
            .collect();
        if scores.len() < 2 {
            continue;
        }
        let rows: Vec<[f64; MAX_INDICATORS]> = scores
            .iter()
            .map(|s| {
                let mut r = [0.0; MAX_INDICATORS];
                for (o, c) in r.iter_mut().zip(Connotation::ALL) {
                    *o = f64::from(s.index(c));
                }
                r
            })
            .collect();
        let scan = scan_of(3, &rows);
        let mut phi = PhiSums::new(&scan).unwrap();
        rows.iter().for_each(|r| phi.add(r));
        same(
            &phi.weights_across(),
            &entropy_across(&scores),
            &format!("entropy across, case {case}"),
        );
        let mut cross = CrossProducts::new(&scan).unwrap();
        rows.iter().for_each(|r| cross.add(r));
        same(
            &cross.weights_across(Normalisation::Goalposts),
            &critic_across(&scores, Normalisation::Goalposts),
            &format!("critic across, case {case}"),
        );
        let mm = MinMax::across(&scan);
        let mut scaled = rows.clone();
        scaled.iter_mut().for_each(|r| mm.apply(r));
        let mut cross = CrossProducts::new(&scan_of(3, &scaled)).unwrap();
        scaled.iter().for_each(|r| cross.add(r));
        same(
            &cross.weights_across(Normalisation::Data),
            &critic_across(&scores, Normalisation::Data),
            &format!("critic across (data), case {case}"),
        );
    }
}

#[test]
fn the_pieces_check_their_inputs() {
    let mut scan = ColumnScan::new(18);
    assert_eq!(
        PhiSums::new(&scan),
        Err(WeightsError::TooFewRecords { found: 0 })
    );
    scan.push(&[1.0; 18]);
    assert_eq!(
        CrossProducts::new(&scan),
        Err(WeightsError::TooFewRecords { found: 1 })
    );
    scan.push(&[0.5; 18]);
    let phi = PhiSums::new(&scan).unwrap();
    assert!(phi.weights(&BRI_CULTURAL_V1).is_ok());
    assert_eq!(
        phi.weights_across(),
        Err(WeightsError::ConnotationCount { found: 18 })
    );
    let i = BRI_CULTURAL_V1.indicators();
    let three = Model::new("three", ModelParams::DEFAULT, &[i[0], i[6], i[12]]).unwrap();
    assert_eq!(
        phi.weights(&three),
        Err(WeightsError::RecordLength {
            expected: 3,
            found: 18
        })
    );
    let cross = CrossProducts::new(&scan).unwrap();
    assert!(matches!(
        cross.weights(&three, Normalisation::Goalposts),
        Err(WeightsError::RecordLength { .. })
    ));
    assert_eq!(
        cross.weights_across(Normalisation::Data),
        Err(WeightsError::ConnotationCount { found: 18 })
    );
    // More columns than a model can have are cut off; a short row is padded with 0.
    let mut wide = ColumnScan::new(40);
    assert_eq!(wide.len(), MAX_INDICATORS);
    wide.push(&[2.0; 3]);
    assert_eq!(wide.sums()[..4], [2.0, 2.0, 2.0, 0.0]);
}

#[test]
fn a_part_that_misses_a_row_changes_the_bits() {
    // The check above can fail: drop one row from one part and the weights differ.
    let mut rng = Rng(99);
    let records = batch(&mut rng, &BRI_CULTURAL_V1, 500, &[]);
    let values = Normaliser::new(&BRI_CULTURAL_V1);
    let rows = rows(&values, &records);
    let base = PhiSums::new(&scan_of(18, &rows)).unwrap();
    let (mut a, mut b) = (base, base);
    rows.iter().for_each(|r| a.add_columns(r, 0..9));
    rows.iter().skip(1).for_each(|r| b.add_columns(r, 9..18));
    a.absorb(&b, 9..18);
    assert_ne!(
        a.weights(&BRI_CULTURAL_V1).unwrap(),
        entropy(&BRI_CULTURAL_V1, &records).unwrap()
    );
}
