//! The three connotations and the small enums a model is made of.

use serde::{Deserialize, Serialize};

/// One of the three connotations of Bian & Liu (2023) §3, each scored as an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Connotation {
    /// Humanistic: talent cultivation, heritage, dissemination of experience, innovation.
    Cultural,
    /// Cultural product development: regional value added, tourism, brands, services, cost.
    Economic,
    /// Cultural park construction: jobs, foreign capital, clusters, control, stability.
    Security,
}

impl Connotation {
    /// All three, in the fixed order used everywhere (cultural, economic, security).
    pub const ALL: [Connotation; 3] = [
        Connotation::Cultural,
        Connotation::Economic,
        Connotation::Security,
    ];

    /// Position in [`Connotation::ALL`] (0, 1 or 2).
    pub const fn index(self) -> usize {
        match self {
            Connotation::Cultural => 0,
            Connotation::Economic => 1,
            Connotation::Security => 2,
        }
    }

    /// Lower-case name, as in model files and CLI output (`cultural`, `economic`, `security`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Connotation::Cultural => "cultural",
            Connotation::Economic => "economic",
            Connotation::Security => "security",
        }
    }

    /// Parses the lower-case name.
    ///
    /// ```
    /// use silkscore::Connotation;
    /// assert_eq!(Connotation::parse("security"), Some(Connotation::Security));
    /// assert_eq!(Connotation::parse("Security"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Whether more of an indicator is better (benefit) or worse (cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Direction {
    /// Higher raw values score higher: s = t.
    Benefit,
    /// Higher raw values score lower: s = 1 − t.
    Cost,
}

impl Direction {
    /// `benefit` or `cost`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Benefit => "benefit",
            Direction::Cost => "cost",
        }
    }
    /// Parses `benefit` or `cost`.
    pub fn parse(s: &str) -> Option<Self> {
        [Direction::Benefit, Direction::Cost]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// The transform f applied to a clamped raw value before min–max normalisation (docs/spec.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Transform {
    /// f(x) = x.
    Lin,
    /// f(x) = ln(1 + x): counts and amounts that can be zero (lo > −1).
    Log,
    /// f(x) = ln x: strictly positive quantities (lo > 0), as income in the UNDP HDI.
    Ln,
}

impl Transform {
    /// `lin`, `log` or `ln`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Transform::Lin => "lin",
            Transform::Log => "log",
            Transform::Ln => "ln",
        }
    }
    /// Parses `lin`, `log` or `ln`.
    pub fn parse(s: &str) -> Option<Self> {
        [Transform::Lin, Transform::Log, Transform::Ln]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
    /// Applies f, with the crate's one logarithm ([`crate::math::ln`], in its scalar shape:
    /// docs/spec.md §4.5). For a validated indicator's values in [lo, hi] the argument of
    /// the logarithm is positive and finite.
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        // One call for both logarithms: ln(x + 0) is ln x for every x (x + 0 only turns −0
        // into +0, and ln(±0) = −∞).
        match self {
            Transform::Lin => x,
            Transform::Log | Transform::Ln => {
                crate::math::ln_call(x + if self == Transform::Log { 1.0 } else { 0.0 })
            }
        }
    }
}

/// How indicators are combined into a connotation index (`within`), or connotation indices
/// into the composite (`across`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Aggregation {
    /// Weighted arithmetic mean: full compensation.
    Arithmetic,
    /// Weighted geometric mean with the floor ε: a weak part cannot be bought back.
    Geometric,
}

impl Aggregation {
    /// `arithmetic` or `geometric`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Aggregation::Arithmetic => "arithmetic",
            Aggregation::Geometric => "geometric",
        }
    }
    /// Parses `arithmetic` or `geometric`.
    pub fn parse(s: &str) -> Option<Self> {
        [Aggregation::Arithmetic, Aggregation::Geometric]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}
