#![doc = include_str!("../README.md")]
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// `x.max(lo).min(hi)` never panics; `f32::clamp` carries an assertion we do not want.
#![allow(clippy::manual_clamp)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod error;
pub mod journal;
pub mod math;
pub mod model;
pub mod record;
pub mod score;
#[cfg(feature = "signed-models")]
pub mod signed;
mod text;
pub mod weights;
pub mod wire;

pub use error::{Error, IndicatorField, ModelField, Result};
pub use model::{
    Aggregation, Connotation, Direction, Indicator, Model, ModelParams, Transform, BRI_CULTURAL_V1,
    MAX_INDICATORS, MAX_NAME_LEN,
};
pub use record::Record;
pub use score::{score, score_with_breakdown, Breakdown, Grade, IndicatorBreakdown, Scores};
pub use text::ShortStr;

/// The wire format version every message starts with (SPEC §6).
pub const FORMAT_VERSION: u8 = 1;
