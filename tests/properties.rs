//! Property tests of the guarantees of docs/spec.md §4 and §6 (issue 2, item 8 a–g; h is in
//! `tests/weights.rs`).

use proptest::prelude::*;
use silkscore::wire::{self, frame};
use silkscore::{
    score, score_with_breakdown, Aggregation, Breakdown, Connotation, Direction, Indicator, Model,
    ModelParams, Record, Scores, Transform,
};

const IDS: [&str; 32] = [
    "i00", "i01", "i02", "i03", "i04", "i05", "i06", "i07", "i08", "i09", "i10", "i11", "i12",
    "i13", "i14", "i15", "i16", "i17", "i18", "i19", "i20", "i21", "i22", "i23", "i24", "i25",
    "i26", "i27", "i28", "i29", "i30", "i31",
];

fn aggregation() -> impl Strategy<Value = Aggregation> {
    prop_oneof![Just(Aggregation::Arithmetic), Just(Aggregation::Geometric)]
}

/// One indicator at position `i`: the first three cover the three connotations with a
/// positive weight, so every generated model is valid.
fn indicator(i: usize) -> impl Strategy<Value = Indicator> {
    let conn = if i < 3 {
        Just(Connotation::ALL[i]).boxed()
    } else {
        prop::sample::select(Connotation::ALL.to_vec()).boxed()
    };
    let weight = if i < 3 {
        (0.1f32..10.0).boxed()
    } else {
        prop_oneof![Just(0.0f32), 0.0f32..10.0].boxed()
    };
    let direction = prop_oneof![Just(Direction::Benefit), Just(Direction::Cost)];
    let transform = prop_oneof![
        Just(Transform::Lin),
        Just(Transform::Log),
        Just(Transform::Ln)
    ];
    (
        conn,
        weight,
        direction,
        transform,
        0.0f32..1.0,
        0.01f32..1.0e4,
    )
        .prop_map(move |(c, w, d, t, lo_u, span)| {
            let lo = match t {
                Transform::Lin => lo_u * 2000.0 - 1000.0,
                Transform::Log => lo_u * 1000.0 - 0.99,
                Transform::Ln => lo_u * 1000.0 + 0.001,
            };
            Indicator::new(IDS[i], c, d, t, lo, lo + span).with_weight(w)
        })
}

fn model() -> impl Strategy<Value = Model> {
    (3usize..=32)
        .prop_flat_map(|n| {
            let inds: Vec<_> = (0..n).map(indicator).collect();
            (
                inds,
                aggregation(),
                aggregation(),
                1.0e-4f32..=1.0,
                0.0f32..=1.0,
                prop::array::uniform3(0.0f32..10.0),
            )
        })
        .prop_filter_map(
            "valid model",
            |(inds, within, across, floor, cov, mut w)| {
                if w.iter().sum::<f32>() <= 0.0 {
                    w[0] = 1.0;
                }
                let params = ModelParams {
                    within,
                    across,
                    floor,
                    min_coverage: cov,
                    grades: [80.0, 65.0, 50.0, 35.0],
                    weights: w,
                };
                Model::new("prop", params, &inds).ok()
            },
        )
}

/// A finite raw value, often outside the goalposts, sometimes missing.
fn value() -> impl Strategy<Value = Option<f32>> {
    prop_oneof![
        1 => Just(None),
        6 => (-2.0e4f32..2.0e4).prop_map(Some),
        1 => (-1.0e30f32..1.0e30).prop_map(Some),
    ]
}

fn model_and_record() -> impl Strategy<Value = (Model, Record)> {
    model().prop_flat_map(|m| {
        let n = m.len();
        (Just(m), prop::collection::vec(value(), n), any::<u32>())
            .prop_map(|(m, vals, id)| (m.clone(), Record::from_values(id, &vals).unwrap()))
    })
}

fn complete(m: &Model, r: &Record) -> Record {
    let mut r = *r;
    for (i, ind) in m.indicators().iter().enumerate() {
        if r.get(i).is_none() {
            r.set(i, (ind.lo + ind.hi) / 2.0).unwrap();
        }
    }
    r
}

fn assert_in_range(s: &Scores) {
    for v in s.values() {
        assert!((0.0..=100.0).contains(&v), "{v} out of [0, 100]");
    }
    for b in s.basis_points {
        assert!(b <= 10000);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// (a) every index in [0, 100], every basis point in 0..=10000, for any valid model and
    /// any finite record; the only errors are coverage failures.
    #[test]
    fn a_scores_are_in_range((m, r) in model_and_record()) {
        match score(&m, &r) {
            Ok(s) => {
                assert_in_range(&s);
                let bp = silkscore::score::basis_points(s.composite / 100.0);
                prop_assert!(bp.abs_diff(s.basis_points[3]) <= 1);
            }
            Err(silkscore::ScoreError::InsufficientData { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
        let full = complete(&m, &r);
        assert_in_range(&score(&m, &full).unwrap());
    }

    /// (b) raising a benefit value or lowering a cost value never lowers its connotation
    /// index nor the composite.
    #[test]
    fn b_monotone((m, r) in model_and_record(), j in any::<prop::sample::Index>(), delta in 0.0f32..1.0e4) {
        let r = complete(&m, &r);
        let j = j.index(m.len());
        let ind = m.indicators()[j];
        let x = r.get(j).unwrap();
        let better = match ind.direction { Direction::Benefit => x + delta, Direction::Cost => x - delta };
        let mut r2 = r;
        r2.set(j, better).unwrap();
        let (s1, s2) = (score(&m, &r).unwrap(), score(&m, &r2).unwrap());
        prop_assert!(s2.index(ind.connotation) >= s1.index(ind.connotation));
        prop_assert!(s2.composite >= s1.composite, "{} < {}", s2.composite, s1.composite);
    }

    /// (c) multiplying every weight (indicator and connotation) by k > 0 changes no score
    /// (beyond f32 rounding).
    #[test]
    fn c_weight_scale_invariance((m, r) in model_and_record(), k in 0.01f32..100.0) {
        let r = complete(&m, &r);
        let w: Vec<f32> = m.indicators().iter().map(|i| i.weight * k).collect();
        let mut p = *m.params();
        for x in p.weights.iter_mut() { *x *= k; }
        let m2 = m.with_indicator_weights(&w).unwrap().with_params(p).unwrap();
        let (s1, s2) = (score(&m, &r).unwrap(), score(&m2, &r).unwrap());
        for (a, b) in s1.values().iter().zip(s2.values()) {
            prop_assert!((a - b).abs() <= 1e-3, "{a} vs {b}");
        }
    }

    /// (d) a missing indicator (coverage met) scores exactly as if its weight were 0.
    #[test]
    fn d_missing_equals_zero_weight((m, r) in model_and_record(), j in any::<prop::sample::Index>()) {
        let r = complete(&m, &r);
        let j = j.index(m.len());
        let mut missing = r;
        missing.set_missing(j).unwrap();
        let mut w: Vec<f32> = m.indicators().iter().map(|i| i.weight).collect();
        w[j] = 0.0;
        let Ok(m0) = m.with_indicator_weights(&w) else { return Ok(()); }; // zero weight would leave a connotation empty
        match (score(&m, &missing), score(&m0, &r)) {
            (Ok(a), Ok(b)) => {
                for (x, y) in a.values().iter().zip(b.values()) {
                    prop_assert_eq!(x.to_bits(), y.to_bits());
                }
            }
            (Err(silkscore::ScoreError::InsufficientData { .. }), _) => {}
            (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }

    /// (e) geometric ≤ arithmetic, within and across, when no floor binds.
    #[test]
    fn e_geometric_le_arithmetic((m, u) in model().prop_flat_map(|m| { let n = m.len(); (Just(m), prop::collection::vec(0.01f32..0.99, n)) })) {
        // values strictly inside the goalposts, so that no s is 0 and the floor cannot bind
        let vals: Vec<Option<f32>> = m.indicators().iter().zip(&u).map(|(i, u)| Some(i.lo + u * (i.hi - i.lo))).collect();
        let r = Record::from_values(1, &vals).unwrap();
        let mut p = *m.params();
        p.floor = 1.0e-6;
        p.within = Aggregation::Arithmetic;
        p.across = Aggregation::Arithmetic;
        let arith = m.with_params(p).unwrap();
        p.within = Aggregation::Geometric;
        p.across = Aggregation::Geometric;
        let geo = m.with_params(p).unwrap();
        let mut b = Breakdown::new();
        let sa = score_with_breakdown(&arith, &r, &mut b).unwrap();
        prop_assume!(b.as_slice().iter().all(|e| e.score >= 1.0e-6));
        let sg = score(&geo, &r).unwrap();
        prop_assume!(sg.values().iter().all(|v| *v >= 1.0e-4));
        for (g, a) in sg.values().iter().zip(sa.values()) {
            prop_assert!(*g <= a + 1e-3, "geometric {g} > arithmetic {a}");
        }
    }

    /// (f) postcard round trip of record, model and scores is the identity (bit for bit),
    /// bare and framed.
    #[test]
    fn f_round_trip((m, r) in model_and_record(), name in "[a-zA-Z ]{0,40}") {
        let r = r.with_name(&name);
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        let back = wire::decode_record(wire::encode_record(&r, &mut buf).unwrap()).unwrap();
        prop_assert_eq!(back, r);
        let back = wire::decode_model(wire::encode_model(&m, &mut buf).unwrap()).unwrap();
        prop_assert_eq!(back.fingerprint(), m.fingerprint());
        prop_assert_eq!(&back, &m);
        let s = score(&m, &complete(&m, &r)).unwrap();
        let back = wire::decode_scores(wire::encode_scores(&s, &mut buf).unwrap()).unwrap();
        prop_assert_eq!(back, s);
        let mut fbuf = [0u8; frame::MODEL_FRAME_MAX_SIZE];
        let n = frame::encode_frame(&m, &mut fbuf).unwrap().len();
        prop_assert_eq!(frame::decode_frame::<Model>(&mut fbuf[..n]).unwrap(), m);
    }

    /// (g) decoding arbitrary bytes (up to 512) returns a validated value or an error, never
    /// a panic.
    #[test]
    fn g_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(m) = wire::decode_model(&bytes) {
            // A decoded model is one that Model::new accepts.
            prop_assert!(Model::new(m.name(), *m.params(), m.indicators()).is_ok());
        }
        let _ = wire::decode_record(&bytes);
        if let Ok(s) = wire::decode_scores(&bytes) {
            assert_in_range(&s);
        }
        let mut b = bytes.clone();
        let _ = frame::decode_frame::<Record>(&mut b);
        let mut b = bytes.clone();
        let _ = frame::decode_frame::<Model>(&mut b);
        let mut b = bytes;
        let _ = frame::decode_frame::<Scores>(&mut b);
    }

    /// (g) the same for corrupted valid encodings, which reach much deeper into the decoder.
    #[test]
    fn g_mutated_encodings_never_panic(m in model(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut buf = [0u8; wire::MODEL_MAX_SIZE];
        let n = wire::encode_model(&m, &mut buf).unwrap().len();
        let mut bytes = buf[..n].to_vec();
        for (i, x) in flips {
            let i = i.index(n);
            bytes[i] ^= x;
        }
        if let Ok(d) = wire::decode_model(&bytes) {
            prop_assert!(Model::new(d.name(), *d.params(), d.indicators()).is_ok());
        }
    }
}

fn raw_value() -> impl Strategy<Value = Option<f32>> {
    prop_oneof![
        2 => Just(None),
        12 => (-2.0e4f32..2.0e4).prop_map(Some),
        1 => prop_oneof![Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY)].prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The column-wise batch path is bit-identical to scoring record by record, errors
    /// included.
    #[test]
    fn columns_equal_scalar((m, rows) in model().prop_flat_map(|m| {
        let n = m.len();
        (Just(m), prop::collection::vec(prop::collection::vec(raw_value(), n), 1..150))
    })) {
        use silkscore::score::{columns::Columns, Scorer};
        let n = m.len();
        let ids: Vec<u32> = (0..rows.len() as u32).collect();
        let mut cols = vec![vec![0.0f32; rows.len()]; n];
        let mut present = vec![0u32; rows.len()];
        for (r, row) in rows.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                if let Some(v) = v {
                    cols[i][r] = *v;
                    present[r] |= 1 << i;
                } else {
                    cols[i][r] = f32::NAN; // ignored: not present
                }
            }
        }
        let col_refs: Vec<&[f32]> = cols.iter().map(|c| &c[..]).collect();
        let batch = Columns::new(&ids, &col_refs, &present).unwrap();
        let scorer = Scorer::new(&m);
        let mut out = vec![Err(silkscore::ScoreError::BufferTooSmall { needed: 0 }); rows.len()];
        let ok = scorer.score_columns(&batch, &mut out).unwrap();
        prop_assert_eq!(ok, out.iter().filter(|r| r.is_ok()).count());
        for (r, row) in rows.iter().enumerate() {
            let rec = Record::from_values(r as u32, row).unwrap();
            let expected = scorer.score(&rec);
            match (&out[r], &expected) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a, b);
                    for (x, y) in a.values().iter().zip(b.values()) {
                        prop_assert_eq!(x.to_bits(), y.to_bits());
                    }
                }
                (a, b) => prop_assert_eq!(a, b),
            }
        }
    }
}
