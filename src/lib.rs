#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
// No unsafe code, except the calls into the SIMD paths of `score::simd` (the one module that
// allows it, with the `runtime-dispatch` feature): there the lint is `deny`, elsewhere `forbid`.
#![cfg_attr(not(feature = "runtime-dispatch"), forbid(unsafe_code))]
#![cfg_attr(feature = "runtime-dispatch", deny(unsafe_code))]
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

// Layers, bottom-up: format, math, text; model; record; score, weights; wire; journal; signed;
// error (the umbrella, which imports every domain and is imported by none). A module imports
// only modules of lower layers, always from their defining module, never an item of this root
// file: tests/layering.rs checks that the graph of imports has no cycle.
pub mod error;
mod format;
pub mod journal;
pub mod math;
pub mod model;
pub mod record;
pub mod score;
#[cfg(feature = "signed-models")]
#[cfg_attr(docsrs, doc(cfg(feature = "signed-models")))]
pub mod signed;
mod text;
pub mod weights;
pub mod wire;

pub use error::{Error, Result};
pub use format::FORMAT_VERSION;
pub use model::{
    Aggregation, Connotation, Direction, Indicator, IndicatorField, Model, ModelError, ModelField,
    ModelParams, Transform, BRI_CULTURAL_V1, MAX_INDICATORS, MAX_NAME_LEN,
};
pub use record::{Record, RecordError};
pub use score::{
    score, score_with_breakdown, Breakdown, Grade, IndicatorBreakdown, ScoreError, Scores,
};
pub use text::ShortStr;
pub use wire::{DecodeError, EncodeError};
