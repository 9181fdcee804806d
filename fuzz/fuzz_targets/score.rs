//! An arbitrary model (built from the fuzz bytes and validated by `Model::new`, or the
//! default model) times arbitrary records: scoring never panics, and every `Ok` has each
//! index in [0, 100], basis points ≤ 10000, coverage in [0, 1], the grade of its composite,
//! the model's fingerprint, and the same bits with or without a breakdown.
#![no_main]
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use silkscore::{
    score, score_with_breakdown, wire, Aggregation, Breakdown, Connotation, Direction, Grade,
    Indicator, Model, ModelParams, Record, Transform, BRI_CULTURAL_V1,
};

fn value(u: &mut Unstructured) -> Result<f32> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => f32::from_bits(u.arbitrary()?),
        1 => f32::from(u.arbitrary::<i16>()?),
        2 => *u.choose(&[
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-30,
            1e30,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            f32::EPSILON,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ])?,
        _ => f32::from(u.arbitrary::<u16>()?) / 100.0,
    })
}

fn aggregation(u: &mut Unstructured) -> Result<Aggregation> {
    Ok(if u.arbitrary()? {
        Aggregation::Geometric
    } else {
        Aggregation::Arithmetic
    })
}

fn model(u: &mut Unstructured) -> Result<Option<Model>> {
    if u.ratio(1u8, 4)? {
        return Ok(Some(BRI_CULTURAL_V1.clone()));
    }
    let params = ModelParams {
        within: aggregation(u)?,
        across: aggregation(u)?,
        floor: if u.arbitrary()? { value(u)? } else { 0.01 },
        min_coverage: if u.arbitrary()? { value(u)? } else { 0.5 },
        grades: if u.arbitrary()? {
            [value(u)?, value(u)?, value(u)?, value(u)?]
        } else {
            [80.0, 65.0, 50.0, 35.0]
        },
        weights: [value(u)?, value(u)?, value(u)?],
    };
    let n = u.int_in_range(1usize..=32)?;
    let mut inds = Vec::with_capacity(n);
    for k in 0..n {
        let id = format!("i{k}");
        let connotation = *u.choose(&Connotation::ALL)?;
        let direction = *u.choose(&[Direction::Benefit, Direction::Cost])?;
        let transform = *u.choose(&[Transform::Lin, Transform::Log, Transform::Ln])?;
        let lo = value(u)?;
        let hi = value(u)?;
        let weight = if u.arbitrary()? { value(u)? } else { 1.0 };
        inds.push(
            Indicator::new(&id, connotation, direction, transform, lo, hi).with_weight(weight),
        );
    }
    Ok(Model::new("fuzz", params, &inds).ok())
}

fn run(u: &mut Unstructured) -> Result<()> {
    let Some(model) = model(u)? else {
        return Ok(());
    };
    let mut buf = [0u8; wire::MODEL_MAX_SIZE];
    let bytes = wire::encode_model(&model, &mut buf).expect("a valid model encodes");
    assert_eq!(wire::decode_model(bytes).as_ref(), Ok(&model));

    for _ in 0..u.int_in_range(1u8..=4)? {
        let len = if u.ratio(1u8, 16)? {
            u.int_in_range(0usize..=32)?
        } else {
            model.len()
        };
        let mut r = Record::new(u.arbitrary()?, len);
        for i in 0..len {
            if u.ratio(5u8, 6)? {
                r.set(i, value(u)?).unwrap();
            }
        }
        let plain = score(&model, &r);
        let mut breakdown = Breakdown::new();
        let detailed = score_with_breakdown(&model, &r, &mut breakdown);
        match (plain, detailed) {
            (Ok(s), Ok(d)) => {
                assert_eq!(s, d, "breakdown changes the result");
                for v in s.values() {
                    assert!((0.0..=100.0).contains(&v), "index {v} out of [0, 100]");
                }
                assert!(s.basis_points.iter().all(|b| *b <= 10000));
                assert!(s.coverage.iter().all(|c| (0.0..=1.0).contains(c)));
                assert_eq!(
                    s.grade,
                    Grade::from_composite(s.composite, &model.params().grades)
                );
                assert_eq!(s.fingerprint, model.fingerprint());
                assert_eq!(s.record_id, r.id());
                assert_eq!(breakdown.as_slice().len(), model.len());
                for (i, b) in breakdown.as_slice().iter().enumerate() {
                    assert!(
                        (0.0..=1.0).contains(&b.score) && b.contribution.is_finite(),
                        "indicator {i}: {b:?}\nmodel {model:?}\nrecord {r:?}\nscores {s:?}"
                    );
                }
                let mut sbuf = [0u8; wire::SCORES_MAX_SIZE];
                let sbytes = wire::encode_scores(&s, &mut sbuf).unwrap();
                assert_eq!(wire::decode_scores(sbytes), Ok(s));
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            (a, b) => panic!("score {a:?} but score_with_breakdown {b:?}"),
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
