//! The silkscore core in WebAssembly, for an offline browser kiosk.
//!
//! `bash kiosk/build.sh` compiles this crate to `wasm32-unknown-unknown` and puts it, with
//! the page's script and style, into one self-contained `kiosk/dist/index.html`. The page
//! scores with this code, which is the `silkscore` core (`default-features = false`): the
//! same f32 bits as the firmware and the host (docs/spec.md §4.5), never a JavaScript copy
//! of the formula.
//!
//! The crate is `no_std` and allocation-free, like the core: every buffer is static and
//! bounded. The page and the module talk through two byte buffers (see `ffi.rs`, built
//! for WebAssembly only): the page writes its input (cells, a model, an envelope, a chunk of a CSV
//! file, a journal) into the input buffer, calls an exported function, and reads the
//! result from the output buffer. What the functions do is plain Rust, tested natively:
//!
//! - [`models`]: the active model (built-in, compiled, or from a verified signed envelope)
//!   and its description, from which the page builds its form;
//! - [`project`]: one project's cells, parsed as a records file's cells, scored with the
//!   per-indicator breakdown;
//! - [`portfolio`] (on [`framer`]): a records file pushed in chunks, every row scored with
//!   the statuses of `silkscore score`;
//! - [`journal`]: the offline log's entries in the core's journal format, and the check of
//!   an exported log;
//! - [`outcome`] and [`out`]: how a result is written for the page.
#![no_std]
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
// `x.max(lo).min(hi)` never panics; `f32::clamp` carries an assertion we do not want.
#![allow(clippy::manual_clamp)]

#[cfg(test)]
extern crate std;

#[cfg(target_arch = "wasm32")]
pub mod ffi;
pub mod framer;
pub mod journal;
pub mod models;
pub mod out;
pub mod outcome;
pub mod portfolio;
pub mod project;
