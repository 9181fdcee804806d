//! The Python package `silkscore` (see `python/README.md`): a PyO3 extension,
//! `silkscore._silkscore`, over the array layer in this crate.
//!
//! * [`input`] borrows the records as numpy holds them (row- or column-major, `f32` or `f64`,
//!   one array per data-frame column) and hands them out a chunk of rows at a time;
//! * [`scoring`] scores them with the core's column-wise scorer on one or more threads into
//!   output columns, with the status codes of the Python API;
//! * [`cells`] reads text cells as the records reader of `silkscore score` does, for data
//!   frames of text.
//!
//! Both are plain Rust, tested with `cargo test -p silkscore-python`. The feature `python`
//! (which maturin turns on, see `pyproject.toml`) adds the PyO3 module on top; the Python
//! tests (`bash python/check.sh`) cover it.
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

pub mod cells;
pub mod input;
pub mod scoring;

#[cfg(feature = "python")]
mod bindings;
