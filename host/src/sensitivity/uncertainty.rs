//! Which assumptions of a model are uncertain in a sensitivity analysis, and how they vary
//! (docs/spec.md §7.8): the [`Uncertainty`], read from a small TOML file, its input groups,
//! and the [`Sampler`] that turns a design point into a drawn model.
//!
//! ```toml
//! # every key is optional; a key that is absent keeps the model's value fixed
//! weights = 0.25             # connotation weights: each W_c·(1 + 0.25·U(−1, 1)), renormalised
//! indicator_weights = 0.25   # indicator weights: each w_i·(1 + 0.25·U(−1, 1)), renormalised per connotation
//! within = true              # aggregation within connotations: arithmetic or geometric, ½ each
//! across = true              # aggregation across connotations: arithmetic or geometric, ½ each
//! floor = [0.001, 0.05]      # the geometric floor ε, log-uniform on [0.001, 0.05]
//! min_coverage = [0.4, 0.6]  # the minimum coverage, uniform on [0.4, 0.6]
//! goalposts = 0.1            # every lo and hi moved by up to ±10 % of f(hi) − f(lo)
//! ```
//!
//! Each listed assumption is one **input group** of the Sobol analysis, except the connotation
//! weights, which are three (one per connotation): `weight.cultural`, `weight.economic`,
//! `weight.security`, `indicator_weights`, `within`, `across`, `floor`, `min_coverage`,
//! `goalposts`, in that order.
//!
//! ```
//! use silkscore_host::sensitivity::uncertainty::{Input, Uncertainty};
//! let u = Uncertainty::parse("weights = 0.2\nacross = true\ngoalposts = 0.05\n").unwrap();
//! assert_eq!(u.weights, Some(0.2));
//! let names: Vec<&str> = u.groups(&silkscore::BRI_CULTURAL_V1).iter().map(|g| g.input.name()).collect();
//! assert_eq!(names, ["weight.cultural", "weight.economic", "weight.security", "across", "goalposts"]);
//! let e = Uncertainty::parse("weights = 0.2\nfloor = [0.5, 0.1]\n").unwrap_err();
//! assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("floor")));
//! ```

use core::fmt;
use core::ops::Range;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use serde::Deserialize;
use toml::Spanned;

use super::perturb::{
    log_uniform, perturb_connotation_weights, perturb_goalposts, perturb_indicator_weights,
};
use crate::line_of;
use silkscore::error::ModelError;
use silkscore::model::{Aggregation, Connotation, Indicator, Model, ModelParams};

/// The largest goalpost fraction (exclusive): at ½ a lower and an upper goalpost could meet.
pub const MAX_GOALPOST_FRACTION: f64 = 0.5;

/// Which assumptions vary, and how. `None` / `false` keeps the model's own value.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Uncertainty {
    /// Connotation weights W_c·(1 + f·U(−1, 1)), renormalised to sum 1: the spread f in
    /// [0, 1]. Three input groups, one per connotation.
    pub weights: Option<f64>,
    /// Indicator weights w_i·(1 + f·U(−1, 1)), renormalised within each connotation: the
    /// spread f in [0, 1]. One input group.
    pub indicator_weights: Option<f64>,
    /// The aggregation within connotations is drawn arithmetic or geometric, ½ each.
    pub within: bool,
    /// The aggregation across connotations is drawn arithmetic or geometric, ½ each.
    pub across: bool,
    /// The geometric floor ε, log-uniform on [lo, hi] with 0 < lo ≤ hi ≤ 1.
    pub floor: Option<[f64; 2]>,
    /// The minimum coverage, uniform on [lo, hi] with 0 ≤ lo ≤ hi ≤ 1. Without it the drawn
    /// models have minimum coverage 0 (coverage is then a gate decided once, by the model).
    pub min_coverage: Option<[f64; 2]>,
    /// Goalposts: every lo and hi moved by up to ± this fraction of f(hi) − f(lo), on the
    /// transformed scale ([`perturb_goalposts`]); in [0, ½).
    pub goalposts: Option<f64>,
}

impl Uncertainty {
    /// The default analysis: the connotation weights and the indicator weights, both with
    /// spread `spread`; everything else fixed.
    pub const fn weights(spread: f64) -> Self {
        Uncertainty {
            weights: Some(spread),
            indicator_weights: Some(spread),
            within: false,
            across: false,
            floor: None,
            min_coverage: None,
            goalposts: None,
        }
    }

    /// Only the three connotation weights, with spread `spread`.
    pub const fn connotation_weights(spread: f64) -> Self {
        Uncertainty {
            weights: Some(spread),
            indicator_weights: None,
            within: false,
            across: false,
            floor: None,
            min_coverage: None,
            goalposts: None,
        }
    }

    /// Whether nothing varies.
    pub fn is_empty(&self) -> bool {
        self.groups_with(0).is_empty()
    }

    /// The first value out of range, as (field, reason).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let spread = |field, v: Option<f64>| match v {
            Some(f) if !(0.0..=1.0).contains(&f) => {
                Err((field, format!("the spread must be in [0, 1], not {f}")))
            }
            _ => Ok(()),
        };
        spread("weights", self.weights)?;
        spread("indicator_weights", self.indicator_weights)?;
        if let Some([lo, hi]) = self.floor {
            if !(lo > 0.0 && lo <= hi && hi <= 1.0) {
                return Err((
                    "floor",
                    format!("the range must have 0 < lo <= hi <= 1, not [{lo}, {hi}]"),
                ));
            }
        }
        if let Some([lo, hi]) = self.min_coverage {
            if !(lo >= 0.0 && lo <= hi && hi <= 1.0) {
                return Err((
                    "min_coverage",
                    format!("the range must have 0 <= lo <= hi <= 1, not [{lo}, {hi}]"),
                ));
            }
        }
        if let Some(f) = self.goalposts {
            if !(0.0..MAX_GOALPOST_FRACTION).contains(&f) {
                return Err((
                    "goalposts",
                    format!("the fraction must be in [0, 0.5), not {f}"),
                ));
            }
        }
        Ok(())
    }

    /// The input groups for `model`, in their fixed order.
    pub fn groups(&self, model: &Model) -> Vec<Group> {
        self.groups_with(model.len())
    }

    fn groups_with(&self, indicators: usize) -> Vec<Group> {
        let mut g = Vec::new();
        let mut push = |input, dims| g.push(Group { input, dims });
        if self.weights.is_some() {
            for c in Connotation::ALL {
                push(Input::Weight(c), 1);
            }
        }
        if self.indicator_weights.is_some() {
            push(Input::IndicatorWeights, indicators.max(1));
        }
        if self.within {
            push(Input::Within, 1);
        }
        if self.across {
            push(Input::Across, 1);
        }
        if self.floor.is_some() {
            push(Input::Floor, 1);
        }
        if self.min_coverage.is_some() {
            push(Input::MinCoverage, 1);
        }
        if self.goalposts.is_some() {
            push(Input::Goalposts, 2 * indicators.max(1));
        }
        g
    }

    /// Reads an uncertainty file (the TOML of the module documentation). Unknown keys are
    /// errors; every error names the line and the key.
    pub fn parse(text: &str) -> Result<Self, UncertaintyError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let message = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            UncertaintyError {
                line,
                field: None,
                message,
            }
        })?;
        let span = |field: &str| -> Option<Range<usize>> {
            match field {
                "weights" => raw.weights.as_ref().map(Spanned::span),
                "indicator_weights" => raw.indicator_weights.as_ref().map(Spanned::span),
                "floor" => raw.floor.as_ref().map(Spanned::span),
                "min_coverage" => raw.min_coverage.as_ref().map(Spanned::span),
                "goalposts" => raw.goalposts.as_ref().map(Spanned::span),
                _ => None,
            }
        };
        let u = Uncertainty {
            weights: raw.weights.as_ref().map(|s| *s.get_ref()),
            indicator_weights: raw.indicator_weights.as_ref().map(|s| *s.get_ref()),
            within: raw.within.unwrap_or(false),
            across: raw.across.unwrap_or(false),
            floor: raw.floor.as_ref().map(|s| *s.get_ref()),
            min_coverage: raw.min_coverage.as_ref().map(|s| *s.get_ref()),
            goalposts: raw.goalposts.as_ref().map(|s| *s.get_ref()),
        };
        u.check().map_err(|(field, message)| UncertaintyError {
            line: span(field).map(|s| line_of(text, s.start)),
            field: Some(field.to_string()),
            message,
        })?;
        if u.is_empty() {
            return Err(UncertaintyError {
                line: None,
                field: None,
                message: "nothing varies: list at least one of weights, indicator_weights, \
                          within, across, floor, min_coverage, goalposts"
                    .to_string(),
            });
        }
        Ok(u)
    }
}

/// A sentence fragment for people: `connotation weights ±25 %, indicator weights ±25 %`.
///
/// ```
/// use silkscore_host::sensitivity::Uncertainty;
/// let u = Uncertainty::parse("weights = 0.25\nacross = true\nfloor = [0.001, 0.05]\n").unwrap();
/// assert_eq!(
///     u.to_string(),
///     "connotation weights ±25 %, aggregation across arithmetic or geometric, floor ε log-uniform on [0.001, 0.05]"
/// );
/// ```
impl fmt::Display for Uncertainty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let pct = |v: f64| {
            let p = 100.0 * v;
            if (p - p.round()).abs() < 1e-9 {
                format!("{p:.0}")
            } else {
                format!("{p}")
            }
        };
        if let Some(s) = self.weights {
            parts.push(format!("connotation weights ±{} %", pct(s)));
        }
        if let Some(s) = self.indicator_weights {
            parts.push(format!("indicator weights ±{} %", pct(s)));
        }
        if self.within {
            parts.push("aggregation within arithmetic or geometric".to_string());
        }
        if self.across {
            parts.push("aggregation across arithmetic or geometric".to_string());
        }
        if let Some([lo, hi]) = self.floor {
            parts.push(format!("floor ε log-uniform on [{lo}, {hi}]"));
        }
        if let Some([lo, hi]) = self.min_coverage {
            parts.push(format!("minimum coverage uniform on [{lo}, {hi}]"));
        }
        if let Some(g) = self.goalposts {
            parts.push(format!("goalposts ±{} % of their span", pct(g)));
        }
        if parts.is_empty() {
            return f.write_str("nothing");
        }
        f.write_str(&parts.join(", "))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    weights: Option<Spanned<f64>>,
    indicator_weights: Option<Spanned<f64>>,
    within: Option<bool>,
    across: Option<bool>,
    floor: Option<Spanned<[f64; 2]>>,
    min_coverage: Option<Spanned<[f64; 2]>>,
    goalposts: Option<Spanned<f64>>,
}

/// Why an uncertainty file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncertaintyError {
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// The key, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for UncertaintyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for UncertaintyError {}

/// One uncertain assumption: an input group of the Sobol analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The weight of one connotation.
    Weight(Connotation),
    /// All indicator weights.
    IndicatorWeights,
    /// The aggregation within connotations.
    Within,
    /// The aggregation across connotations.
    Across,
    /// The geometric floor ε.
    Floor,
    /// The minimum coverage.
    MinCoverage,
    /// All goalposts.
    Goalposts,
}

impl Input {
    /// Its name in outputs: `weight.cultural`, `indicator_weights`, `within`, …
    pub const fn name(self) -> &'static str {
        match self {
            Input::Weight(Connotation::Cultural) => "weight.cultural",
            Input::Weight(Connotation::Economic) => "weight.economic",
            Input::Weight(Connotation::Security) => "weight.security",
            Input::IndicatorWeights => "indicator_weights",
            Input::Within => "within",
            Input::Across => "across",
            Input::Floor => "floor",
            Input::MinCoverage => "min_coverage",
            Input::Goalposts => "goalposts",
        }
    }

    /// Its label for people: `Cultural weight`, `Indicator weights`, `Floor ε`, …
    pub const fn label(self) -> &'static str {
        match self {
            Input::Weight(Connotation::Cultural) => "Cultural weight",
            Input::Weight(Connotation::Economic) => "Economic weight",
            Input::Weight(Connotation::Security) => "Security weight",
            Input::IndicatorWeights => "Indicator weights",
            Input::Within => "Aggregation within",
            Input::Across => "Aggregation across",
            Input::Floor => "Floor ε",
            Input::MinCoverage => "Minimum coverage",
            Input::Goalposts => "Goalposts",
        }
    }

    /// The connotation of a connotation weight.
    pub const fn connotation(self) -> Option<Connotation> {
        match self {
            Input::Weight(c) => Some(c),
            _ => None,
        }
    }
}

/// An input group and how many coordinates of a design point it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// The assumption.
    pub input: Input,
    /// Its coordinates: 1, the number of indicators (indicator weights) or twice that
    /// (goalposts).
    pub dims: usize,
}

/// Turns design points into drawn models for one model and [`Uncertainty`].
#[derive(Clone, Debug)]
pub struct Sampler<'m> {
    model: &'m Model,
    u: Uncertainty,
    groups: Vec<Group>,
    weights: Vec<f32>,
    indicators: Vec<Indicator>,
}

impl<'m> Sampler<'m> {
    /// A sampler of `model` under `u`.
    pub fn new(model: &'m Model, u: Uncertainty) -> Self {
        Sampler {
            model,
            u,
            groups: u.groups(model),
            weights: Vec::with_capacity(model.len()),
            indicators: Vec::with_capacity(model.len()),
        }
    }

    /// The input groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The coordinates of a design point: the sum of the groups' dims.
    pub fn inputs(&self) -> usize {
        self.groups.iter().map(|g| g.dims).sum()
    }

    /// The model drawn at design point `x` (one coordinate in (0, 1) per input, group after
    /// group; missing coordinates count as ½, the middle). Errors when the drawn model does
    /// not validate (docs/spec.md §3).
    pub fn draw(&mut self, x: &[f64]) -> Result<Model, ModelError> {
        let model = self.model;
        let mut params = ModelParams {
            min_coverage: 0.0,
            ..*model.params()
        };
        self.indicators.clear();
        self.indicators.extend_from_slice(model.indicators());
        let mut at = 0usize;
        let mut take = |dims: usize| {
            let s = x.get(at..at + dims).unwrap_or(&[]);
            at += dims;
            s
        };
        let sym = |v: Option<&f64>| 2.0 * v.copied().unwrap_or(0.5) - 1.0;
        let pick = |v: Option<&f64>| {
            if v.copied().unwrap_or(0.5) < 0.5 {
                Aggregation::Arithmetic
            } else {
                Aggregation::Geometric
            }
        };
        if let Some(spread) = self.u.weights {
            let s = take(3);
            let u = [sym(s.first()), sym(s.get(1)), sym(s.get(2))];
            params.weights = perturb_connotation_weights(model.params().weights, spread, u);
        }
        if let Some(spread) = self.u.indicator_weights {
            let s = take(model.len());
            let u: Vec<f64> = (0..model.len()).map(|k| sym(s.get(k))).collect();
            perturb_indicator_weights(model, spread, &u, &mut self.weights);
            for (ind, w) in self.indicators.iter_mut().zip(&self.weights) {
                ind.weight = *w;
            }
        }
        if self.u.within {
            params.within = pick(take(1).first());
        }
        if self.u.across {
            params.across = pick(take(1).first());
        }
        if let Some([lo, hi]) = self.u.floor {
            let x = take(1).first().copied().unwrap_or(0.5);
            params.floor = (log_uniform(lo, hi, x) as f32).min(1.0);
        }
        if let Some([lo, hi]) = self.u.min_coverage {
            let x = take(1).first().copied().unwrap_or(0.5);
            params.min_coverage = ((lo + x * (hi - lo)) as f32).min(1.0);
        }
        if let Some(fraction) = self.u.goalposts {
            let s = take(2 * model.len());
            for (k, ind) in self.indicators.iter_mut().enumerate() {
                *ind = perturb_goalposts(ind, fraction, sym(s.get(2 * k)), sym(s.get(2 * k + 1)));
            }
        }
        Model::new(model.name(), params, &self.indicators)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkscore::model::BRI_CULTURAL_V1 as M;

    const FULL: &str = "\
# everything varies
weights = 0.25
indicator_weights = 0.1
within = true
across = true
floor = [0.001, 0.05]
min_coverage = [0.4, 0.6]
goalposts = 0.1
";

    #[test]
    fn a_full_file_reads_and_has_every_group() {
        let u = Uncertainty::parse(FULL).unwrap();
        assert_eq!(u.floor, Some([0.001, 0.05]));
        assert!(u.within && u.across);
        let s = Sampler::new(&M, u);
        let names: Vec<&str> = s.groups().iter().map(|g| g.input.name()).collect();
        assert_eq!(
            names,
            [
                "weight.cultural",
                "weight.economic",
                "weight.security",
                "indicator_weights",
                "within",
                "across",
                "floor",
                "min_coverage",
                "goalposts"
            ]
        );
        assert_eq!(s.inputs(), 3 + 18 + 4 + 36);
        // Integers are numbers too.
        let u = Uncertainty::parse("weights = 1\nfloor = [1, 1]\n").unwrap();
        assert_eq!((u.weights, u.floor), (Some(1.0), Some([1.0, 1.0])));
    }

    #[test]
    fn bad_files_name_the_line_and_key() {
        let cases: &[(&str, Option<usize>, Option<&str>, &str)] = &[
            ("weights = 1.5\n", Some(1), Some("weights"), "[0, 1]"),
            (
                "\n\nindicator_weights = -0.1\n",
                Some(3),
                Some("indicator_weights"),
                "[0, 1]",
            ),
            ("floor = [0, 0.1]\n", Some(1), Some("floor"), "0 < lo"),
            (
                "min_coverage = [0.7, 0.2]\n",
                Some(1),
                Some("min_coverage"),
                "lo <= hi",
            ),
            ("goalposts = 0.5\n", Some(1), Some("goalposts"), "[0, 0.5)"),
            ("weights = nan\n", Some(1), Some("weights"), "not NaN"),
            ("wieghts = 0.2\n", Some(1), None, "unknown field `wieghts`"),
            ("floor = [0.1]\n", Some(1), None, ""),
            ("within = \"yes\"\n", Some(1), None, ""),
            ("", None, None, "nothing varies"),
            ("within = false\n", None, None, "nothing varies"),
        ];
        for (text, line, field, message) in cases {
            let e = Uncertainty::parse(text).unwrap_err();
            assert_eq!(e.line, *line, "{text:?}: {e:?}");
            assert_eq!(e.field.as_deref(), *field, "{text:?}: {e:?}");
            let shown = e.to_string();
            let message = if *message == "not NaN" {
                "NaN"
            } else {
                message
            };
            assert!(shown.contains(message), "{text:?}: {shown}");
        }
    }

    #[test]
    fn the_middle_point_is_the_nominal_model_with_min_coverage_0() {
        let mut s = Sampler::new(&M, Uncertainty::weights(0.3));
        let x = std::vec![0.5; s.inputs()];
        let m = s.draw(&x).unwrap();
        assert_eq!(m.params().min_coverage, 0.0);
        assert_eq!(m.params().weights, [1.0 / 3.0; 3].map(|w: f64| w as f32));
        for (a, b) in m.indicators().iter().zip(M.indicators()) {
            assert_eq!((a.lo, a.hi), (b.lo, b.hi));
            assert!((a.weight - 1.0 / 6.0).abs() < 1e-7);
        }
    }

    #[test]
    fn every_assumption_is_drawn_from_its_coordinates() {
        let u = Uncertainty::parse(FULL).unwrap();
        let mut s = Sampler::new(&M, u);
        let n = s.inputs();
        let low = s.draw(&std::vec![0.01; n]).unwrap();
        let high = s.draw(&std::vec![0.99; n]).unwrap();
        let p = (low.params(), high.params());
        assert_eq!(
            (p.0.within, p.1.within),
            (Aggregation::Arithmetic, Aggregation::Geometric)
        );
        assert_eq!(
            (p.0.across, p.1.across),
            (Aggregation::Arithmetic, Aggregation::Geometric)
        );
        assert!(
            p.0.floor < 0.0011 && p.1.floor > 0.045,
            "{} {}",
            p.0.floor,
            p.1.floor
        );
        assert!((p.0.min_coverage - 0.402).abs() < 1e-6 && (p.1.min_coverage - 0.598).abs() < 1e-6);
        // All three connotation weights moved the same way: still equal after normalising.
        assert!((p.0.weights[0] - p.0.weights[2]).abs() < 1e-7);
        // Goalposts: both moved down at 0.01, up at 0.99.
        let (a, b, nominal) = (
            &low.indicators()[6],
            &high.indicators()[6],
            &M.indicators()[6],
        );
        assert!(a.lo < nominal.lo && a.hi < nominal.hi && b.lo > nominal.lo && b.hi > nominal.hi);
        // A point of the wrong length still gives a model (missing coordinates are ½).
        assert!(s.draw(&[0.2]).is_ok());
    }

    #[test]
    fn a_drawn_model_that_does_not_validate_is_an_error() {
        // Spread 1 at the lowest point of the indicator weights: every weight of a
        // connotation 0.
        let mut s = Sampler::new(
            &M,
            Uncertainty {
                indicator_weights: Some(1.0),
                ..Uncertainty::default()
            },
        );
        assert!(s.draw(&std::vec![0.0; s.inputs()]).is_err());
        assert!(s.draw(&std::vec![0.3; s.inputs()]).is_ok());
    }
}

#[cfg(test)]
mod hostile {
    //! Random files and random points: parsing never panics, and every drawn model either
    //! validates or is refused with an error.
    use super::*;
    use crate::sensitivity::rng::Rng;
    use silkscore::model::BRI_CULTURAL_V1 as M;
    use std::vec;

    const KEYS: [&str; 9] = [
        "weights",
        "indicator_weights",
        "within",
        "across",
        "floor",
        "min_coverage",
        "goalposts",
        "wieghts",
        "[table]",
    ];
    const VALUES: [&str; 16] = [
        "0",
        "1",
        "0.5",
        "-0.1",
        "1e300",
        "nan",
        "inf",
        "-inf",
        "true",
        "\"x\"",
        "[0.001, 0.5]",
        "[0, 1]",
        "[1, 0]",
        "[0.2]",
        "0.4999999",
        "[1e-45, 1e-40]",
    ];

    #[test]
    fn random_files_parse_or_are_refused_and_draws_never_panic() {
        let mut rng = Rng::new(2024);
        let (mut parsed, mut refused, mut drawn, mut invalid) = (0, 0, 0, 0);
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..(rng.next_u64() % 5) {
                let k = KEYS[(rng.next_u64() % KEYS.len() as u64) as usize];
                let v = VALUES[(rng.next_u64() % VALUES.len() as u64) as usize];
                text.push_str(&format!("{k} = {v}\n"));
            }
            if rng.next_u64().is_multiple_of(4) {
                // Some raw bytes as well.
                let junk: String = (0..(rng.next_u64() % 8))
                    .map(|_| char::from(b" =[]\"#\n.,01az"[(rng.next_u64() % 13) as usize]))
                    .collect();
                text.push_str(&junk);
            }
            match Uncertainty::parse(&text) {
                Err(e) => {
                    refused += 1;
                    assert!(!e.message.is_empty());
                }
                Ok(u) => {
                    parsed += 1;
                    assert!(u.check().is_ok() && !u.is_empty(), "{text}");
                    let mut s = Sampler::new(&M, u);
                    let mut x = vec![0.0; s.inputs()];
                    for _ in 0..20 {
                        for v in x.iter_mut() {
                            // The design's range (0, 1), ends included for good measure.
                            *v = match rng.next_u64() % 10 {
                                0 => 0.0,
                                1 => 1.0,
                                _ => rng.uniform(),
                            };
                        }
                        match s.draw(&x) {
                            Ok(m) => {
                                drawn += 1;
                                let p = m.params();
                                assert!(p.floor > 0.0 && p.floor <= 1.0);
                                assert!((0.0..=1.0).contains(&p.min_coverage));
                            }
                            Err(_) => invalid += 1,
                        }
                    }
                }
            }
        }
        assert!(
            parsed > 50 && refused > 1000 && drawn > 1000,
            "{parsed} {refused} {drawn}"
        );
        let _ = invalid;
    }
}
