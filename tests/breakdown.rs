//! The geometric breakdown shares of docs/spec.md §4.4: each indicator's share of its
//! connotation's log sum, adding up to 1 — also when the index is 100 and the log sum is 0,
//! where the shares are the weight shares w_i / Σ w (issue 11, item 8).

use proptest::prelude::*;
use silkscore::{
    score_with_breakdown, Aggregation, Breakdown, Connotation, Direction, Indicator, Model,
    ModelParams, Record, Transform,
};

/// Two cultural indicators (weights 3 and 1), one economic, two security (weights 1 and 0),
/// geometric within and across, floor `floor`.
fn model(floor: f32) -> Model {
    let lin = |id, c| Indicator::new(id, c, Direction::Benefit, Transform::Lin, 0.0, 10.0);
    let params = ModelParams {
        within: Aggregation::Geometric,
        across: Aggregation::Geometric,
        floor,
        ..ModelParams::DEFAULT
    };
    Model::new(
        "shares",
        params,
        &[
            lin("a", Connotation::Cultural).with_weight(3.0),
            lin("b", Connotation::Cultural).with_weight(1.0),
            lin("c", Connotation::Economic).with_weight(2.0),
            lin("d", Connotation::Security).with_weight(1.0),
            lin("e", Connotation::Security).with_weight(0.0),
        ],
    )
    .unwrap()
}

fn shares(model: &Model, values: &[Option<f32>]) -> (Vec<f32>, [f32; 4]) {
    let record = Record::from_values(1, values).unwrap();
    let mut b = Breakdown::new();
    let s = score_with_breakdown(model, &record, &mut b).unwrap();
    let shares = b.as_slice().iter().map(|i| i.contribution).collect();
    (shares, s.values())
}

#[test]
fn an_index_of_100_has_weight_shares_that_sum_to_1() {
    let m = model(0.01);
    // Every value at the best goalpost: every index is 100, every log sum 0.
    let (sh, values) = shares(
        &m,
        &[Some(10.0), Some(12.0), Some(10.0), Some(10.0), Some(10.0)],
    );
    assert_eq!(values, [100.0; 4]);
    assert_eq!(sh, [0.75, 0.25, 1.0, 1.0, 0.0]);
}

#[test]
fn a_floor_of_1_makes_every_index_100_with_weight_shares() {
    let m = model(1.0);
    let (sh, values) = shares(&m, &[Some(2.0), Some(5.0), Some(0.0), Some(1.0), Some(9.0)]);
    assert_eq!(values, [100.0; 4]);
    assert_eq!(sh, [0.75, 0.25, 1.0, 1.0, 0.0]);
}

#[test]
fn a_missing_indicator_leaves_the_present_ones_their_weight_share() {
    let m = model(0.01);
    // b missing (coverage 3/4): a alone carries the cultural index of 100.
    let (sh, _) = shares(&m, &[Some(10.0), None, Some(10.0), Some(10.0), None]);
    assert_eq!(sh, [1.0, 0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn below_100_the_shares_are_log_sum_shares_as_before() {
    let m = model(0.01);
    // a = 1 (term 0), b = 0.5: b carries the whole log sum of the cultural index.
    let (sh, values) = shares(
        &m,
        &[Some(10.0), Some(5.0), Some(5.0), Some(10.0), Some(0.0)],
    );
    assert!(values[0] < 100.0);
    assert_eq!(sh[0], 0.0);
    assert_eq!(sh[1], 1.0);
    // Security: d = 1 and e has weight 0: the log sum is 0, the index 100, shares by weight.
    assert_eq!(values[2], 100.0);
    assert_eq!((sh[3], sh[4]), (1.0, 0.0));
}

proptest! {
    /// Geometric within: the shares of every connotation add up to 1 whatever the values,
    /// including indices of exactly 100.
    #[test]
    fn geometric_shares_sum_to_1(
        values in prop::collection::vec(
            prop_oneof![Just(10.0f32), Just(0.0f32), 0.0f32..10.0, Just(20.0f32)], 5),
        floor in prop_oneof![Just(1.0f32), Just(0.01f32), 0.001f32..1.0],
    ) {
        let m = model(floor);
        let v: Vec<Option<f32>> = values.iter().map(|x| Some(*x)).collect();
        let (sh, _) = shares(&m, &v);
        for c in Connotation::ALL {
            let sum: f32 = m
                .indicators()
                .iter()
                .zip(&sh)
                .filter(|(i, _)| i.connotation == c)
                .map(|(_, s)| *s)
                .sum();
            prop_assert!((sum - 1.0).abs() < 1e-5, "{c:?}: {sum} ({sh:?})");
        }
        prop_assert!(sh.iter().all(|s| (0.0..=1.0).contains(s)));
    }
}
