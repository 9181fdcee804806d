//! The WebAssembly interface (`wasm32` only): exported functions over two static buffers.
//!
//! The page writes its input into the input buffer ([`silkscore_io`], [`IO_SIZE`] bytes),
//! calls a function with the input's length, and reads [`silkscore_out_len`] bytes of
//! output at [`silkscore_out`]. A negative return value is a refusal, described in the
//! output. The layouts are those of [`crate::models`], [`crate::outcome`],
//! [`crate::project`], [`crate::portfolio`] and [`crate::journal`]; `kiosk/web/silkscore.js`
//! reads them.
//!
//! Every buffer is static: the module never allocates, and its memory never grows. The
//! state lives in [`spin::Mutex`]es taken with `try_lock`, so a call can never wait: the
//! page calls one function at a time, and a call that finds a lock taken returns
//! [`BUSY`].
//!
//! Exporting needs `#[unsafe(no_mangle)]`, which the `unsafe_code` lint counts as unsafe
//! code. The `export!` macro allows it on the exported functions only, each of which is one
//! call of a safe function of this module: the macro takes a function path, not a body, so
//! no `unsafe` block can hide in it.

use spin::Mutex;

use crate::journal;
use crate::models::{self, Active};
use crate::out::Out;
use crate::portfolio::Portfolio;
use crate::project;

/// Size of the input buffer: 1 MiB (a compiled model, an envelope, a chunk of a CSV file,
/// an exported log of up to about 20,000 entries).
pub const IO_SIZE: usize = 1 << 20;
/// Size of the output buffer.
pub const OUT_SIZE: usize = 256 * 1024;
/// The longest record of a portfolio (with the blank lines before it): 1 MiB, the host's
/// default limit.
pub const RECORD_BYTES: usize = 1 << 20;
/// The widest portfolio header: 16,384 columns, the host's default limit.
pub const COLUMNS: usize = 16_384;

/// Returned when the state is in use (never, for a page that calls one function at a time).
pub const BUSY: i32 = -2;
/// Returned for input the function refuses; the output says why.
pub const REFUSED: i32 = -1;

struct OutBuf {
    buf: [u8; OUT_SIZE],
    len: usize,
}

struct State {
    active: Active,
}

static IO: Mutex<[u8; IO_SIZE]> = Mutex::new([0; IO_SIZE]);
static OUT: Mutex<OutBuf> = Mutex::new(OutBuf {
    buf: [0; OUT_SIZE],
    len: 0,
});
static STATE: Mutex<State> = Mutex::new(State {
    active: Active::BUILTIN,
});
// Every byte of it is zero, so its megabyte costs nothing in the module (`.bss`).
static PORTFOLIO: Mutex<Portfolio<RECORD_BYTES, COLUMNS>> = Mutex::new(Portfolio::ZEROED);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // A trap: the page sees a WebAssembly RuntimeError and says so. The crate is built
    // without reachable panics (clippy denies the panicking constructs).
    core::arch::wasm32::unreachable()
}

/// Runs `f` with the input (its first `len` bytes), a fresh output and the state.
fn call(len: u32, f: impl FnOnce(&mut [u8], &mut Out<'_>, &mut State) -> i32) -> i32 {
    let (Some(mut io), Some(mut out), Some(mut state)) =
        (IO.try_lock(), OUT.try_lock(), STATE.try_lock())
    else {
        return BUSY;
    };
    let OutBuf { buf, len: out_len } = &mut *out;
    let mut o = Out::new(buf);
    let result = match io.get_mut(..len as usize) {
        Some(input) => f(input, &mut o, &mut state),
        None => REFUSED,
    };
    *out_len = o.len();
    result
}

fn io_ptr() -> u32 {
    IO.try_lock()
        .map_or(0, |mut g| g.as_mut_ptr() as usize as u32)
}

fn io_size() -> u32 {
    IO_SIZE as u32
}

fn out_ptr() -> u32 {
    OUT.try_lock()
        .map_or(0, |mut g| g.buf.as_mut_ptr() as usize as u32)
}

fn out_len() -> u32 {
    OUT.try_lock().map_or(0, |g| g.len as u32)
}

fn features() -> u32 {
    u32::from(cfg!(feature = "signed-models"))
}

fn describe() -> i32 {
    call(0, |_, out, state| {
        models::describe(state.active.model(), out);
        0
    })
}

fn model_builtin() -> i32 {
    call(0, |_, out, state| {
        state.active = Active::BUILTIN;
        models::describe(state.active.model(), out);
        0
    })
}

fn model_compiled(len: u32) -> i32 {
    call(len, |input, out, state| {
        match state.active.load_compiled(input) {
            Ok(()) => {
                models::describe(state.active.model(), out);
                0
            }
            Err(e) => {
                models::write_decode_error(&e, out);
                REFUSED
            }
        }
    })
}

/// Input: the trusted public key (32 bytes), then the envelope.
#[cfg(feature = "signed-models")]
fn model_signed(len: u32, running: u32) -> i32 {
    use silkscore::signed::{VerifyError, PUBLIC_KEY_LEN};
    call(len, |input, out, state| {
        let (key, envelope) = input.split_at(PUBLIC_KEY_LEN.min(input.len()));
        let Ok(key) = <[u8; PUBLIC_KEY_LEN]>::try_from(key) else {
            models::write_verify_error(&VerifyError::InvalidKey, out);
            return REFUSED;
        };
        match state.active.load_signed(envelope, &key, running) {
            Ok(revision) => {
                models::describe(state.active.model(), out);
                i32::try_from(revision).unwrap_or(i32::MAX)
            }
            Err(e) => {
                models::write_verify_error(&e, out);
                REFUSED
            }
        }
    })
}

fn score(len: u32, id: u32) -> i32 {
    call(len, |input, out, state| {
        let model = state.active.model();
        match project::parse(model, id, input) {
            Ok(record) => {
                let o = project::score(model, record.as_ref().map_err(|s| *s), out);
                i32::from(!matches!(o, crate::outcome::Outcome::Scored(_)))
            }
            Err(e) => {
                let (code, n) = match e {
                    project::CellsError::NotUtf8 => (1, 0),
                    project::CellsError::Count(n) => (2, n as u32),
                };
                out.u8(code);
                out.u32(n);
                REFUSED
            }
        }
    })
}

fn csv_begin() -> i32 {
    PORTFOLIO.try_lock().map_or(BUSY, |mut p| {
        p.reset();
        0
    })
}

fn csv_feed(len: u32) -> i32 {
    let Some(mut portfolio) = PORTFOLIO.try_lock() else {
        return BUSY;
    };
    call(len, |input, out, state| {
        let used = portfolio.feed(state.active.model(), input, out);
        i32::try_from(used).unwrap_or(REFUSED)
    })
}

fn csv_finish() -> i32 {
    let Some(mut portfolio) = PORTFOLIO.try_lock() else {
        return BUSY;
    };
    call(0, |_, out, state| {
        i32::from(portfolio.finish(state.active.model(), out))
    })
}

fn entry_frame(len: u32, sequence: u32) -> i32 {
    call(len, |input, out, _| {
        match journal::entry_frame(input, sequence, out) {
            Ok(()) => i32::try_from(out.len()).unwrap_or(REFUSED),
            Err(e) => {
                out.clear();
                models::write_decode_error(&e, out);
                REFUSED
            }
        }
    })
}

fn entry_read(len: u32) -> i32 {
    call(len, |input, out, _| match journal::read_entry(input, out) {
        Ok(_) => 0,
        Err(e) => {
            out.clear();
            models::write_decode_error(&e, out);
            REFUSED
        }
    })
}

fn journal_check(len: u32) -> i32 {
    call(len, |input, out, _| match journal::check(input, out) {
        Some(c) => i32::try_from(c.recovery.entries).unwrap_or(i32::MAX),
        None => REFUSED,
    })
}

macro_rules! export {
    ($( $(#[$meta:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty => $target:path; )*) => {$(
        $(#[$meta])*
        #[allow(unsafe_code)] // `no_mangle` only: the body is one call of a safe function
        #[unsafe(no_mangle)]
        pub extern "C" fn $name($($arg: $ty),*) -> $ret {
            $target($($arg),*)
        }
    )*};
}

export! {
    /// Address of the input buffer.
    silkscore_io() -> u32 => io_ptr;
    /// Size of the input buffer ([`IO_SIZE`]).
    silkscore_io_size() -> u32 => io_size;
    /// Address of the output buffer.
    silkscore_out() -> u32 => out_ptr;
    /// Bytes of output of the last call.
    silkscore_out_len() -> u32 => out_len;
    /// Bit 0: this build verifies signed models.
    silkscore_features() -> u32 => features;
    /// Describes the active model ([`models::describe`]).
    silkscore_describe() -> i32 => describe;
    /// Runs the built-in model and describes it.
    silkscore_model_builtin() -> i32 => model_builtin;
    /// Runs the compiled model in the input (0), or refuses it ([`REFUSED`], with the
    /// decoding error).
    silkscore_model_compiled(len: u32) -> i32 => model_compiled;
    /// Scores the cells in the input (one per indicator, `\n` between them) as project
    /// `id`: 0 scored, 1 not scored (the status says why), [`REFUSED`] for cells that are
    /// not one per indicator.
    silkscore_score(len: u32, id: u32) -> i32 => score;
    /// Starts reading a portfolio with the active model.
    silkscore_csv_begin() -> i32 => csv_begin;
    /// Reads a chunk of the portfolio; returns the bytes consumed (feed the rest again).
    silkscore_csv_feed(len: u32) -> i32 => csv_feed;
    /// Ends the portfolio: 1 done, 0 call again after reading the output.
    silkscore_csv_finish() -> i32 => csv_finish;
    /// The journal entry frame of the scores message in the input, with sequence number
    /// `sequence`: its length, or [`REFUSED`].
    silkscore_entry_frame(len: u32, sequence: u32) -> i32 => entry_frame;
    /// Decodes a stored entry frame ([`journal::read_entry`]).
    silkscore_entry_read(len: u32) -> i32 => entry_read;
    /// Opens the exported log in the input as a journal: its entries, or [`REFUSED`].
    silkscore_journal_check(len: u32) -> i32 => journal_check;
}

#[cfg(feature = "signed-models")]
export! {
    /// Verifies the envelope in the input (after the 32-byte trusted key) against revision
    /// `running` and runs its model: the revision, or [`REFUSED`] with the reason.
    silkscore_model_signed(len: u32, running: u32) -> i32 => model_signed;
}
