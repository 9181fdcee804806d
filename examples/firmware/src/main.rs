//! silkscore on a Cortex-M kiosk.
//!
//! What a kiosk does, with the link replaced by flash: it decodes a postcard model message
//! and a stream of COBS/CRC-32 record frames (`data/*.model`, `data/*.frames`, generated on
//! the host from the conformance vectors by `host/`), scores every record and prints one line
//! per frame over semihosting. A corrupted frame is reported `rejected=...` and the frames
//! after it are still scored.
//!
//! After the result lines come measurement lines (starting with `#`): the peak stack of
//! decoding and scoring, by stack painting, and the instructions per record, by SysTick
//! under QEMU's `-icount shift=0`, next to the cost of the `libm` calls the same records need.
//!
//! With the `signed` feature the default model is not taken from `data/default.model` but
//! from `data/default.envelope`, an Ed25519-signed envelope ([`silkscore::signed`]) verified
//! with the test public key `data/test_key.pub` before the model is used; then a tampered
//! envelope and a revision-1 envelope are offered and refused. Lines `signed: ...`.
//!
//! Nothing in here can panic: with the `panic-check` feature the panic handler calls an
//! undefined symbol, and the release build links only if every panic path was optimised away.

#![no_std]
#![no_main]
// Mirrors the library's `x.max(lo).min(hi)` (`f32::clamp` gives the same bits but asserts lo <= hi).
#![allow(clippy::manual_clamp)]
// The footprint variants use only part of the program.
#![cfg_attr(
    any(feature = "footprint-kiosk", feature = "footprint-baseline"),
    allow(dead_code, unused_imports)
)]

use core::hint::black_box;
use core::panic::PanicInfo;
use core::ptr;

use silkscore::journal::Journal;
use silkscore::score::Scorer;
use silkscore::wire::{
    self,
    frame::{FrameReader, RECORD_FRAME_MAX_SIZE},
};
use silkscore::{score, Aggregation, DecodeError, Model, Record, ScoreError, Scores, Transform};

#[cfg_attr(target_arch = "arm", path = "arm.rs")]
#[cfg_attr(target_arch = "riscv32", path = "riscv.rs")]
mod board;
mod journal;

use board::{debug, hio};
use journal::Region;

const BOARD: &str = env!("SILKSCORE_BOARD");
const CORE: &str = env!("SILKSCORE_CORE");

/// One model and the record frames scored against it, as they sit in flash.
struct DataSet {
    name: &'static str,
    model: &'static [u8],
    frames: &'static [u8],
}

/// The signed envelope of the default model (revision 2), a copy with one signature byte
/// flipped, the same model signed at revision 1, and the public key the device trusts (the
/// example's **test key**: its seed is in `host/src/main.rs` and is not secret).
#[cfg(feature = "signed")]
mod envelopes {
    pub static DEFAULT: &[u8] = include_bytes!("../data/default.envelope");
    pub static TAMPERED: &[u8] = include_bytes!("../data/default_tampered.envelope");
    pub static REV1: &[u8] = include_bytes!("../data/default_rev1.envelope");
    pub static TEST_KEY: &[u8; 32] = include_bytes!("../data/test_key.pub");
}

static SETS: [DataSet; 3] = [
    DataSet {
        name: "default",
        model: include_bytes!("../data/default.model"),
        frames: include_bytes!("../data/default.frames"),
    },
    DataSet {
        name: "custom5",
        model: include_bytes!("../data/custom5.model"),
        frames: include_bytes!("../data/custom5.frames"),
    },
    DataSet {
        name: "custom32",
        model: include_bytes!("../data/custom32.model"),
        frames: include_bytes!("../data/custom32.frames"),
    },
];

// ---------------------------------------------------------------------------------------------
// Output: one line at a time, formatted by hand (no `core::fmt`), written with semihosting.

struct Line {
    buf: [u8; 320],
    len: usize,
}

impl Line {
    const fn new() -> Self {
        Line {
            buf: [0; 320],
            len: 0,
        }
    }

    fn b(&mut self, b: u8) -> &mut Self {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
        self
    }

    fn s(&mut self, s: &str) -> &mut Self {
        for &b in s.as_bytes() {
            self.b(b);
        }
        self
    }

    /// Decimal.
    fn u(&mut self, mut v: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            if let Some(d) = digits.get_mut(n) {
                *d = b'0' + (v % 10) as u8;
            }
            n += 1;
            v /= 10;
            if v == 0 || n >= digits.len() {
                break;
            }
        }
        while n > 0 {
            n -= 1;
            if let Some(&d) = digits.get(n) {
                self.b(d);
            }
        }
        self
    }

    /// Eight lower-case hex digits.
    fn x(&mut self, v: u32) -> &mut Self {
        let mut shift = 32;
        while shift > 0 {
            shift -= 4;
            let d = ((v >> shift) & 0xF) as u8;
            self.b(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        }
        self
    }

    /// An f32 as its exact bit pattern.
    fn f(&mut self, v: f32) -> &mut Self {
        self.x(v.to_bits())
    }

    /// `milli / 1000` with three decimals.
    fn milli(&mut self, milli: u64) -> &mut Self {
        self.u(milli / 1000).b(b'.');
        let frac = milli % 1000;
        self.u(frac / 100).u(frac / 10 % 10).u(frac % 10)
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

struct Out {
    stdout: Option<hio::HostStream>,
}

impl Out {
    fn new() -> Self {
        Out {
            stdout: hio::hstdout().ok(),
        }
    }

    fn emit(&mut self, line: &mut Line) {
        line.b(b'\n');
        if let Some(s) = self.stdout.as_mut() {
            let _ = s.write_all(line.bytes());
        }
        line.len = 0;
    }
}

/// The firmware's spelling of a scoring error (the host program spells it the same way).
fn score_kind(l: &mut Line, e: &ScoreError) {
    match *e {
        ScoreError::NonFiniteValue { indicator } => l.s("non_finite:").u(indicator as u64),
        ScoreError::InsufficientData { connotation } => {
            l.s("insufficient_data:").s(connotation.as_str())
        }
        ScoreError::RecordLength { expected, found } => l
            .s("record_length:")
            .u(expected as u64)
            .b(b':')
            .u(found as u64),
        _ => l.s("other"),
    };
}

/// The firmware's spelling of a decoding error (the host program spells it the same way).
fn decode_kind(l: &mut Line, e: &DecodeError) {
    match *e {
        DecodeError::BadFrame => l.s("bad_frame"),
        DecodeError::ChecksumMismatch => l.s("checksum_mismatch"),
        DecodeError::Malformed => l.s("malformed"),
        DecodeError::TrailingBytes => l.s("trailing_bytes"),
        DecodeError::InvalidValue => l.s("invalid_value"),
        DecodeError::InvalidModel(_) => l.s("invalid_model"),
        DecodeError::UnknownVersion { found } => l.s("unknown_version:").u(found as u64),
        DecodeError::BufferTooSmall { needed } => l.s("buffer_too_small:").u(needed as u64),
        _ => l.s("other"),
    };
}

/// The names `silkscore::signed::VerifyError` gives the errors of signature verification
/// (the host program prints the same), and [`decode_kind`]'s spelling for a model that does
/// not decode.
#[cfg(feature = "signed")]
fn signed_kind(l: &mut Line, e: &silkscore::signed::VerifyError) {
    use silkscore::signed::VerifyError;
    match *e {
        VerifyError::EnvelopeMalformed => l.s("EnvelopeMalformed"),
        VerifyError::EnvelopeTruncated => l.s("EnvelopeTruncated"),
        VerifyError::EnvelopeTooLong => l.s("EnvelopeTooLong"),
        VerifyError::UntrustedKey => l.s("UntrustedKey"),
        VerifyError::BadSignature => l.s("BadSignature"),
        VerifyError::Rollback { .. } => l.s("Rollback"),
        VerifyError::InvalidKey => l.s("InvalidKey"),
        VerifyError::Model(d) => {
            decode_kind(l, &d);
            l
        }
        _ => l.s("other"),
    };
}

/// Signed model update, as a kiosk that runs nothing yet would do it: verify the default
/// envelope with the trusted test key (revision 0 → 2) into `slot` and print
/// `signed: ok ...`, then offer the tampered copy (to a device that runs nothing, so that only
/// the signature can refuse it) and the revision-1 envelope (the device now runs revision 2),
/// one `signed:` line each; then score the default set with the verified model, the only one
/// it may use. `signed::verify_into` decodes the model where it stays: one model in RAM, and
/// the peak stack is the signature check's, not that plus a model's.
#[cfg(feature = "signed")]
#[inline(never)]
fn signed_default_set(
    out: &mut Out,
    set: &DataSet,
    slot: &mut Model,
    journal: &mut Journal<Region>,
) -> bool {
    use silkscore::signed;
    let mut l = Line::new();
    let trusted = match signed::verifying_key(envelopes::TEST_KEY) {
        Ok(k) => k,
        Err(e) => {
            l.s("signed: error key: ");
            signed_kind(&mut l, &e);
            out.emit(&mut l);
            return false;
        }
    };
    let verified = signed::verify_into(envelopes::DEFAULT, &trusted, 0, slot);
    match &verified {
        Ok(revision) => {
            l.s("signed: ok revision=").u(*revision as u64);
            l.s(" fingerprint=0x").x(slot.fingerprint());
        }
        Err(e) => {
            l.s("signed: refused default: ");
            signed_kind(&mut l, e);
        }
    }
    out.emit(&mut l);
    let running = verified.unwrap_or(0);
    signed_refusals(out, &trusted, running, slot);
    match verified {
        Ok(_) => print_set(out, set, slot, true, journal),
        Err(_) => false, // not scored: no verified model
    }
}

/// The two envelopes the device must refuse (see [`signed_default_set`]), offered to
/// `verify_into` with the running model as the destination: a refusal leaves it untouched
/// (checked: its fingerprint is the same afterwards, else the line says `clobbered`).
#[cfg(feature = "signed")]
#[inline(never)]
fn signed_refusals(
    out: &mut Out,
    trusted: &silkscore::signed::VerifyingKey,
    running: u32,
    slot: &mut Model,
) {
    let mut l = Line::new();
    for (what, envelope, run) in [
        ("tampered", envelopes::TAMPERED, 0),
        ("rollback", envelopes::REV1, running),
    ] {
        let before = slot.fingerprint();
        match silkscore::signed::verify_into(envelope, trusted, run, slot) {
            Ok(revision) => {
                l.s("signed: accepted ")
                    .s(what)
                    .s(": revision=")
                    .u(revision as u64);
            }
            Err(e) => {
                l.s("signed: refused ").s(what).s(": ");
                signed_kind(&mut l, &e);
                if slot.fingerprint() != before {
                    l.s(" clobbered");
                }
            }
        }
        out.emit(&mut l);
    }
}

fn scores_line(l: &mut Line, s: &Scores) {
    let [b0, b1, b2, b3] = s.basis_points;
    let [v0, v1, v2] = s.coverage;
    l.s("id=").u(s.record_id as u64).s(" ok c=").f(s.cultural);
    l.s(" e=")
        .f(s.economic)
        .s(" s=")
        .f(s.security)
        .s(" k=")
        .f(s.composite);
    l.s(" bp=").u(b0 as u64).b(b',').u(b1 as u64).b(b',');
    l.u(b2 as u64).b(b',').u(b3 as u64);
    l.s(" g=").s(s.grade.as_str());
    l.s(" cov=").f(v0).b(b',').f(v1).b(b',').f(v2);
    l.s(" fp=").x(s.fingerprint);
}

/// Decodes a set's model into `slot`, the one model the firmware holds, in place
/// ([`Model::decode_into`]: a few hundred bytes of stack, and the model is never moved), or,
/// with `verified`, uses the model a verified signed envelope was decoded into
/// ([`signed_default_set`]); then scores its frame stream byte by byte as a UART would
/// deliver it, printing one line per frame. Returns false when the model does not decode.
#[inline(never)]
fn print_set(
    out: &mut Out,
    set: &DataSet,
    slot: &mut Model,
    verified: bool,
    journal: &mut Journal<Region>,
) -> bool {
    let mut l = Line::new();
    if !verified {
        if let Err(e) = slot.decode_into(set.model) {
            l.s("M ").s(set.name).s(" error=");
            decode_kind(&mut l, &e);
            out.emit(&mut l);
            return false;
        }
    }
    let model: &Model = slot;
    l.s("M ").s(set.name).s(" fp=").x(model.fingerprint());
    l.s(" n=")
        .u(model.len() as u64)
        .s(" bytes=")
        .u(set.model.len() as u64);
    out.emit(&mut l);

    // A kiosk holds a Scorer: f(lo) and f(hi) - f(lo) of every indicator computed once.
    let scorer = Scorer::new(model);
    let mut reader = FrameReader::<RECORD_FRAME_MAX_SIZE>::new();
    let (mut n, mut ok, mut failed, mut rejected) = (0u64, 0u64, 0u64, 0u64);
    let mut journal_failed = 0u64;
    for &byte in set.frames {
        let Some(res) = reader.push::<Record>(byte) else {
            continue;
        };
        l.s("F ").s(set.name).b(b' ').u(n).b(b' ');
        match res {
            Ok(rec) => match scorer.score(&rec) {
                Ok(s) => {
                    ok += 1;
                    scores_line(&mut l, &s);
                    // Every score goes into the journal, as an offline kiosk keeps them.
                    if journal.append(&s).is_err() {
                        journal_failed += 1;
                    }
                }
                Err(e) => {
                    failed += 1;
                    l.s("id=").u(rec.id() as u64).s(" error=");
                    score_kind(&mut l, &e);
                }
            },
            Err(e) => {
                rejected += 1;
                l.s("rejected=");
                decode_kind(&mut l, &e);
            }
        }
        out.emit(&mut l);
        n += 1;
    }
    l.s("E ").s(set.name).s(" frames=").u(n).s(" ok=").u(ok);
    l.s(" error=").u(failed).s(" rejected=").u(rejected);
    out.emit(&mut l);
    if journal_failed > 0 {
        l.s("# journal append failed ")
            .u(journal_failed)
            .s(" times");
        out.emit(&mut l);
    }
    journal_failed == 0
}

// ---------------------------------------------------------------------------------------------
// Stack painting.

const PAINT: u32 = 0x5AA5_C33C;
/// How far below the current stack pointer a repaint reaches (bounded by `_stack_end`).
const PAINT_WINDOW: usize = 12 * 1024;

use board::{now, spin, stack_floor, stack_top, ticks};

/// Paints the free stack below the current stack pointer, `window` bytes at most; returns
/// the lowest painted address.
#[inline(never)]
fn paint(window: usize) -> usize {
    let sp = board::sp();
    let hi = sp.saturating_sub(64) & !3;
    let lo = hi.saturating_sub(window).max((stack_floor() + 3) & !3);
    let mut p = lo;
    while p < hi {
        // SAFETY: [lo, hi) is RAM between the end of .bss and the live stack, unused.
        unsafe { ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
    lo
}

/// The lowest address whose paint was scrubbed off, scanning up from `lo`.
#[inline(never)]
fn high_water(lo: usize) -> usize {
    let top = stack_top();
    let mut p = lo;
    // SAFETY: reads RAM between `lo` (painted) and the top of the stack.
    while p < top && unsafe { ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    p
}

/// `wire::decode_model`, the convenient form: the model comes back by value.
#[inline(never)]
fn decode_model_by_value(bytes: &[u8], slot: &mut Option<Model>) {
    *slot = wire::decode_model(bytes).ok();
}

/// `Model::decode_into`: the model is decoded where it stays.
#[inline(never)]
fn decode_model_in_place(bytes: &[u8], slot: &mut Model) -> bool {
    slot.decode_into(bytes).is_ok()
}

/// Frame decoding (and optionally scoring) of a whole stream, with its own reader.
#[inline(never)]
fn run_stream(model: &Model, frames: &[u8], scoring: bool) -> u32 {
    let scorer = Scorer::new(model);
    let mut reader = FrameReader::<RECORD_FRAME_MAX_SIZE>::new();
    let mut acc = 0u32;
    for &b in frames {
        if let Some(Ok(rec)) = reader.push::<Record>(b) {
            acc = acc.wrapping_add(rec.id());
            if scoring {
                if let Ok(s) = scorer.score(&rec) {
                    acc = acc.wrapping_add(s.composite.to_bits());
                }
            }
        }
    }
    acc
}

#[inline(never)]
fn score_one(model: &Model, rec: &Record) -> Result<Scores, ScoreError> {
    score(model, rec)
}

#[inline(never)]
fn scorer_one(scorer: &Scorer<'_>, rec: &Record) -> Result<Scores, ScoreError> {
    scorer.score(rec)
}

/// Peak stack, in bytes below the caller's stack pointer, of model decoding, frame decoding,
/// scoring and the whole decode + score loop, over every set.
#[derive(Default)]
struct StackPeaks {
    model: usize,
    model_by_value: usize,
    decode: usize,
    score_fn: usize,
    scorer: usize,
    kiosk_loop: usize,
}

/// Model decoding alone: `Model::decode_into` into the firmware's model (`slot`, above this
/// frame), and `wire::decode_model` by value into an `Option` in this frame.
#[inline(never)]
fn stack_model(set: &DataSet, slot: &mut Model, peaks: &mut StackPeaks) {
    let sp = board::sp();
    let lo = paint(PAINT_WINDOW);
    black_box(decode_model_in_place(black_box(set.model), slot));
    peaks.model = sp.saturating_sub(high_water(lo)).max(peaks.model);

    let mut by_value = None;
    let sp = board::sp();
    let lo = paint(PAINT_WINDOW);
    decode_model_by_value(black_box(set.model), &mut by_value);
    peaks.model_by_value = sp.saturating_sub(high_water(lo)).max(peaks.model_by_value);
    black_box(&by_value);
}

#[inline(never)]
fn stack_records(set: &DataSet, model: &Model, peaks: &mut StackPeaks) {
    let sp = board::sp();
    let lo = paint(PAINT_WINDOW);
    black_box(run_stream(black_box(model), black_box(set.frames), false));
    peaks.decode = sp.saturating_sub(high_water(lo)).max(peaks.decode);

    let sp = board::sp();
    let lo = paint(PAINT_WINDOW);
    black_box(run_stream(black_box(model), black_box(set.frames), true));
    peaks.kiosk_loop = sp.saturating_sub(high_water(lo)).max(peaks.kiosk_loop);

    let scorer = Scorer::new(model);
    let mut reader = FrameReader::<RECORD_FRAME_MAX_SIZE>::new();
    for &b in set.frames {
        if let Some(Ok(rec)) = reader.push::<Record>(b) {
            let sp = board::sp();
            let lo = paint(4096);
            let _ = black_box(score_one(black_box(model), black_box(&rec)));
            peaks.score_fn = sp.saturating_sub(high_water(lo)).max(peaks.score_fn);
            let sp = board::sp();
            let lo = paint(4096);
            let _ = black_box(scorer_one(black_box(&scorer), black_box(&rec)));
            peaks.scorer = sp.saturating_sub(high_water(lo)).max(peaks.scorer);
        }
    }
}

/// Peak stack, in bytes below the caller's stack pointer, of model decoding, frame decoding,
/// scoring and the whole kiosk loop (Scorer + FrameReader + decode + score), over every set.
#[inline(never)]
fn stack_report(out: &mut Out, slot: &mut Model) {
    let mut p = StackPeaks::default();
    for set in SETS.iter() {
        stack_model(set, slot, &mut p);
        stack_records(set, slot, &mut p);
    }
    let mut l = Line::new();
    l.s("# stack decode_model=").u(p.model as u64);
    l.s(" decode_model_by_value=").u(p.model_by_value as u64);
    l.s(" decode_frame_loop=").u(p.decode as u64);
    l.s(" score_fn=").u(p.score_fn as u64);
    l.s(" scorer_score=").u(p.scorer as u64);
    l.s(" decode_and_score_loop=").u(p.kiosk_loop as u64);
    l.s(" model_size=").u(core::mem::size_of::<Model>() as u64);
    l.s(" scorer_size=")
        .u(core::mem::size_of::<Scorer<'_>>() as u64);
    l.s(" record_size=")
        .u(core::mem::size_of::<Record>() as u64);
    l.s(" reader_size=")
        .u(core::mem::size_of::<FrameReader<RECORD_FRAME_MAX_SIZE>>() as u64);
    out.emit(&mut l);
}

#[cfg(feature = "signed")]
#[inline(never)]
fn verify_into(
    envelope: &[u8],
    trusted: &silkscore::signed::VerifyingKey,
    slot: &mut Model,
) -> bool {
    silkscore::signed::verify_into(envelope, trusted, 0, slot).is_ok()
}

#[cfg(feature = "signed")]
#[inline(never)]
fn signature_only(envelope: &[u8], trusted: &silkscore::signed::VerifyingKey) -> bool {
    silkscore::signed::Envelope::parse(envelope)
        .and_then(|e| e.verify_signature(trusted))
        .is_ok()
}

#[cfg(feature = "signed")]
#[inline(never)]
fn key_only(bytes: &[u8; 32], slot: &mut Option<silkscore::signed::VerifyingKey>) {
    *slot = silkscore::signed::verifying_key(bytes).ok();
}

/// Peak stack (bytes below this function's stack pointer) and SysTick ticks of one
/// `signed::verify_into` of the default envelope into the firmware's model.
#[cfg(feature = "signed")]
#[inline(never)]
fn measure_verify(
    trusted: &silkscore::signed::VerifyingKey,
    slot: &mut Model,
) -> (usize, u64, bool) {
    let sp = board::sp();
    let lo = paint(16 * 1024);
    let ok = black_box(verify_into(black_box(envelopes::DEFAULT), trusted, slot));
    let stack = sp.saturating_sub(high_water(lo));
    let t0 = now();
    black_box(verify_into(black_box(envelopes::DEFAULT), trusted, slot));
    let t1 = now();
    (stack, ticks(t0, t1), ok)
}

/// The same for the signature check alone (`Envelope::parse` + `verify_signature`).
#[cfg(feature = "signed")]
#[inline(never)]
fn measure_signature(trusted: &silkscore::signed::VerifyingKey) -> (usize, u64, bool) {
    let sp = board::sp();
    let lo = paint(16 * 1024);
    let ok = black_box(signature_only(black_box(envelopes::DEFAULT), trusted));
    let stack = sp.saturating_sub(high_water(lo));
    let t0 = now();
    black_box(signature_only(black_box(envelopes::DEFAULT), trusted));
    let t1 = now();
    (stack, ticks(t0, t1), ok)
}

/// The same for turning the 32 trusted key bytes into a `VerifyingKey` (once per boot).
#[cfg(feature = "signed")]
#[inline(never)]
fn measure_key() -> (usize, u64) {
    let mut slot = None;
    let sp = board::sp();
    let lo = paint(16 * 1024);
    key_only(black_box(envelopes::TEST_KEY), &mut slot);
    let stack = sp.saturating_sub(high_water(lo));
    black_box(&slot);
    let t0 = now();
    key_only(black_box(envelopes::TEST_KEY), &mut slot);
    let t1 = now();
    black_box(&slot);
    (stack, ticks(t0, t1))
}

/// Peak stack (stack painting) and instructions (SysTick under `-icount shift=0`) of one
/// signed-model verification: `signed::verify_into` of the default envelope (parse, signer,
/// Ed25519 `verify_strict_checked`, revision, `decode_into`), the signature check alone, and
/// turning the 32 key bytes into a `VerifyingKey`.
#[cfg(feature = "signed")]
#[inline(never)]
fn signed_report(out: &mut Out, slot: &mut Model) {
    let (ipt, _) = calibrate();
    let mut key = None;
    key_only(black_box(envelopes::TEST_KEY), &mut key);
    let Some(trusted) = key else { return };
    let (v_stack, v_ticks, ok) = measure_verify(&trusted, slot);
    let (s_stack, s_ticks, sig_ok) = measure_signature(&trusted);
    let (k_stack, k_ticks) = measure_key();
    let mut l = Line::new();
    l.s("# stack signed_verify=").u(v_stack as u64);
    l.s(" signature_only=").u(s_stack as u64);
    l.s(" verifying_key=").u(k_stack as u64);
    l.s(" ok=").u(ok as u64).s(" sig_ok=").u(sig_ok as u64);
    out.emit(&mut l);
    let instr = |t: u64| t * ipt / 1000;
    l.s("# cost signed_verify=").u(instr(v_ticks));
    l.s(" signature_only=").u(instr(s_ticks));
    l.s(" verifying_key=").u(instr(k_ticks));
    l.s(" ticks=")
        .u(v_ticks)
        .b(b'/')
        .u(s_ticks)
        .b(b'/')
        .u(k_ticks);
    out.emit(&mut l);
}

// ---------------------------------------------------------------------------------------------
// Cost: SysTick under `-icount shift=0`.

/// Instructions per SysTick tick, times 1000, from a loop of known length.
fn calibrate() -> (u64, u64) {
    const N: u32 = 1 << 20;
    let t0 = now();
    spin(N);
    let t1 = now();
    let t = ticks(t0, t1).max(1);
    ((2 * N as u64) * 1000 / t, t)
}

/// The `ln`/`exp` calls that scoring one record needs (docs/spec.md §4), found by replaying the
/// pipeline outside the timed region, with their exact arguments.
struct Calls {
    /// `ln` calls any implementation needs: f(x') of each present log/ln indicator, the
    /// geometric-within `ln(max(s, ε))`, the geometric-across `ln(max(I, ε))`.
    ln_needed: [f32; 72],
    n_needed: usize,
    /// `exp` calls: geometric-within means and the geometric-across composite.
    exp: [f32; 4],
    n_exp: usize,
    /// The composite the replay arrives at (to check it is the library's, bit for bit).
    composite: Option<f32>,
}

impl Calls {
    const fn new() -> Self {
        Calls {
            ln_needed: [0.0; 72],
            n_needed: 0,
            exp: [0.0; 4],
            n_exp: 0,
            composite: None,
        }
    }

    fn needed(&mut self, v: f32) {
        if let Some(slot) = self.ln_needed.get_mut(self.n_needed) {
            *slot = v;
            self.n_needed += 1;
        }
    }

    fn exp(&mut self, v: f32) {
        if let Some(slot) = self.exp.get_mut(self.n_exp) {
            *slot = v;
            self.n_exp += 1;
        }
    }

    /// Replays docs/spec.md §4 for `rec` in the library's order of operations.
    fn collect(&mut self, model: &Model, rec: &Record) {
        *self = Calls::new();
        if rec.len() != model.len() {
            return;
        }
        let inds = model.indicators();
        for i in 0..inds.len() {
            if rec.get(i).is_some_and(|v| !v.is_finite()) {
                return;
            }
        }
        let p = model.params();
        let (mut acc, mut wsum, mut total) = ([0.0f32; 3], [0.0f32; 3], [0.0f32; 3]);
        for (i, ind) in inds.iter().enumerate() {
            let k = ind.connotation.index();
            if let Some(t) = total.get_mut(k) {
                *t += ind.weight;
            }
            let Some(x) = rec.get(i) else { continue };
            let xc = x.max(ind.lo).min(ind.hi);
            match ind.transform {
                Transform::Log => self.needed(1.0 + xc),
                Transform::Ln => self.needed(xc),
                Transform::Lin => {}
            }
            let s = ind.normalise(x).score;
            let term = match p.within {
                Aggregation::Arithmetic => ind.weight * s,
                Aggregation::Geometric => {
                    let a = s.max(p.floor);
                    self.needed(a);
                    ind.weight * silkscore::math::ln(a)
                }
            };
            if let (Some(a), Some(w)) = (acc.get_mut(k), wsum.get_mut(k)) {
                *a += term;
                *w += ind.weight;
            }
        }
        let mut index = [0.0f32; 3];
        for k in 0..3 {
            let (Some(&a), Some(&w), Some(&t)) = (acc.get(k), wsum.get(k), total.get(k)) else {
                return;
            };
            if w <= 0.0 || w / t < p.min_coverage {
                return;
            }
            let m = match p.within {
                Aggregation::Arithmetic => a / w,
                Aggregation::Geometric => {
                    self.exp(a / w);
                    silkscore::math::exp(a / w)
                }
            };
            if let Some(ix) = index.get_mut(k) {
                *ix = m.max(0.0).min(1.0);
            }
        }
        let (mut a, mut w) = (0.0f32, 0.0f32);
        for (wc, ic) in p.weights.iter().zip(index) {
            if *wc > 0.0 {
                a += match p.across {
                    Aggregation::Arithmetic => *wc * ic,
                    Aggregation::Geometric => {
                        let v = ic.max(p.floor);
                        self.needed(v);
                        *wc * silkscore::math::ln(v)
                    }
                };
                w += *wc;
            }
        }
        let c = match p.across {
            Aggregation::Arithmetic => a / w,
            Aggregation::Geometric => {
                self.exp(a / w);
                silkscore::math::exp(a / w)
            }
        };
        self.composite = Some(c.max(0.0).min(1.0));
    }
}

/// The given `ln` and `exp` calls with `libm` (a loop of a few instructions each around them).
#[inline(never)]
fn libm_calls(ln: &[f32], exp: &[f32]) -> f32 {
    let mut acc = 0.0f32;
    for &a in ln {
        acc += libm::logf(black_box(a));
    }
    for &a in exp {
        acc += libm::expf(black_box(a));
    }
    acc
}

/// The same calls with the crate's own `silkscore::math::{ln, exp}` (bit-identical to libm's).
#[inline(never)]
fn crate_math_calls(ln: &[f32], exp: &[f32]) -> f32 {
    let mut acc = 0.0f32;
    for &a in ln {
        acc += silkscore::math::ln(black_box(a));
    }
    for &a in exp {
        acc += silkscore::math::exp(black_box(a));
    }
    acc
}

/// What `score()` recomputes for every record on top (through `Scorer::new`): f(lo) and
/// f(hi) of every log/ln indicator of the model.
fn goalpost_args(model: &Model, out: &mut [f32; 64]) -> usize {
    let mut n = 0;
    for ind in model.indicators() {
        let (a, b) = match ind.transform {
            Transform::Log => (1.0 + ind.lo, 1.0 + ind.hi),
            Transform::Ln => (ind.lo, ind.hi),
            Transform::Lin => continue,
        };
        for v in [a, b] {
            if let Some(slot) = out.get_mut(n) {
                *slot = v;
                n += 1;
            }
        }
    }
    n
}

#[derive(Default)]
struct Cost {
    frames: u64,
    records: u64,
    ok: u64,
    t_decode: u64,
    t_scorer_all: u64,
    t_scorer_ok: u64,
    t_score_fn_ok: u64,
    t_floor_libm_ok: u64,
    t_floor_math_ok: u64,
    t_goalposts: u64,
    ln_needed_ok: u64,
    exp_ok: u64,
    goalpost_ln: u64,
    replay_exact: u64,
    same_as_score_fn: u64,
}

#[inline(never)]
fn measure(set: &DataSet, model: &Model) -> Cost {
    let mut c = Cost::default();
    let scorer = Scorer::new(model);
    let mut reader = FrameReader::<RECORD_FRAME_MAX_SIZE>::new();
    let mut calls = Calls::new();
    let mut goalposts = [0.0f32; 64];
    let n_goal = goalpost_args(model, &mut goalposts);
    let goalposts = goalposts.get(..n_goal).unwrap_or(&[]);
    c.goalpost_ln = n_goal as u64;
    let mut bytes = set.frames.iter();
    loop {
        // One frame, byte by byte, as from a UART: the reader decodes at the delimiter.
        let t0 = now();
        let mut res = None;
        for &b in bytes.by_ref() {
            if let Some(r) = reader.push::<Record>(black_box(b)) {
                res = Some(r);
                break;
            }
        }
        let t1 = now();
        let Some(res) = res else { break };
        c.frames += 1;
        c.t_decode += ticks(t0, t1);
        let Ok(rec) = res else { continue };
        c.records += 1;

        let t0 = now();
        let r = black_box(black_box(&scorer).score(black_box(&rec)));
        let t1 = now();
        let t_scorer = ticks(t0, t1);
        c.t_scorer_all += t_scorer;
        let Ok(s) = r else { continue };
        c.ok += 1;
        c.t_scorer_ok += t_scorer;

        let t0 = now();
        let r2 = black_box(score(black_box(model), black_box(&rec)));
        let t1 = now();
        c.t_score_fn_ok += ticks(t0, t1);
        if r2 == Ok(s) {
            c.same_as_score_fn += 1;
        }

        calls.collect(model, &rec);
        if calls
            .composite
            .is_some_and(|k| (100.0 * k).to_bits() == s.composite.to_bits())
        {
            c.replay_exact += 1;
        }
        let needed = calls.ln_needed.get(..calls.n_needed).unwrap_or(&[]);
        let exp = calls.exp.get(..calls.n_exp).unwrap_or(&[]);
        let t0 = now();
        black_box(libm_calls(black_box(needed), black_box(exp)));
        let t1 = now();
        c.t_floor_libm_ok += ticks(t0, t1);
        let t0 = now();
        black_box(crate_math_calls(black_box(needed), black_box(exp)));
        let t1 = now();
        c.t_floor_math_ok += ticks(t0, t1);
        let t0 = now();
        black_box(crate_math_calls(black_box(goalposts), &[]));
        let t1 = now();
        c.t_goalposts += ticks(t0, t1);
        c.ln_needed_ok += needed.len() as u64;
        c.exp_ok += exp.len() as u64;
    }
    c
}

#[inline(never)]
fn cost_report(out: &mut Out, model: &mut Model) {
    let mut l = Line::new();
    let (ipt, cal_ticks) = calibrate();
    l.s("# calibrate instructions=")
        .u(2 << 20)
        .s(" ticks=")
        .u(cal_ticks);
    l.s(" instr_per_tick=").milli(ipt);
    out.emit(&mut l);
    for set in SETS.iter() {
        if model.decode_into(set.model).is_err() {
            continue;
        }
        let c = measure(set, model);
        let per = |t: u64, n: u64| t * ipt / 1000 / n.max(1);
        let ratio = |a: u64, b: u64| a * 1000 / b.max(1);
        // instructions per frame / record, from ticks times the calibrated ratio
        l.s("# cost set=").s(set.name).s(" frames=").u(c.frames);
        l.s(" records=").u(c.records).s(" ok=").u(c.ok);
        l.s(" decode_per_frame=").u(per(c.t_decode, c.frames));
        l.s(" scorer_per_record=").u(per(c.t_scorer_all, c.records));
        l.s(" scorer_per_ok=").u(per(c.t_scorer_ok, c.ok));
        l.s(" score_fn_per_ok=").u(per(c.t_score_fn_ok, c.ok));
        l.s(" floor_libm_per_ok=").u(per(c.t_floor_libm_ok, c.ok));
        l.s(" floor_math_per_ok=").u(per(c.t_floor_math_ok, c.ok));
        l.s(" goalposts_per_record=").u(per(c.t_goalposts, c.ok));
        out.emit(&mut l);
        l.s("# ratio set=").s(set.name);
        l.s(" scorer_to_libm_floor=")
            .milli(ratio(c.t_scorer_ok, c.t_floor_libm_ok));
        l.s(" scorer_to_math_floor=")
            .milli(ratio(c.t_scorer_ok, c.t_floor_math_ok));
        l.s(" score_fn_to_libm_floor=")
            .milli(ratio(c.t_score_fn_ok, c.t_floor_libm_ok));
        l.s(" ln_per_ok=").milli(ratio(c.ln_needed_ok, c.ok));
        l.s(" exp_per_ok=").milli(ratio(c.exp_ok, c.ok));
        l.s(" goalpost_ln_per_score_fn=").u(c.goalpost_ln);
        l.s(" replay_exact=").u(c.replay_exact).b(b'/').u(c.ok);
        l.s(" scorer_eq_score_fn=")
            .u(c.same_as_score_fn)
            .b(b'/')
            .u(c.ok);
        out.emit(&mut l);
    }
}

// ---------------------------------------------------------------------------------------------

/// The smallest kiosk (feature `footprint-kiosk`): decode the default model, hold a Scorer,
/// feed the frames through a FrameReader, score, print id, composite bits and grade. Built
/// next to [`baseline`] to measure what silkscore adds to a firmware.
#[cfg(feature = "footprint-kiosk")]
fn minimal(out: &mut Out) -> bool {
    let mut l = Line::new();
    let Some(set) = SETS.first() else {
        return false;
    };
    // With `signed`: the model comes from the verified envelope, never from unsigned bytes.
    #[cfg(feature = "signed")]
    let decoded = silkscore::signed::verifying_key(envelopes::TEST_KEY)
        .and_then(|k| silkscore::signed::verify(envelopes::DEFAULT, &k, 0))
        .map(|v| v.model);
    #[cfg(not(feature = "signed"))]
    let decoded = wire::decode_model(set.model);
    let Ok(model) = decoded else {
        return false;
    };
    let scorer = Scorer::new(&model);
    let mut reader = FrameReader::<RECORD_FRAME_MAX_SIZE>::new();
    for &b in set.frames {
        if let Some(res) = reader.push::<Record>(b) {
            match res.ok().and_then(|r| scorer.score(&r).ok()) {
                Some(s) => l
                    .u(s.record_id as u64)
                    .b(b' ')
                    .f(s.composite)
                    .b(b' ')
                    .s(s.grade.as_str()),
                None => l.s("error"),
            };
            out.emit(&mut l);
        }
    }
    true
}

/// The same program without silkscore (feature `footprint-baseline`): split the frames at
/// their delimiters and print index, length and a letter.
#[cfg(feature = "footprint-baseline")]
fn minimal(out: &mut Out) -> bool {
    let mut l = Line::new();
    let Some(set) = SETS.first() else {
        return false;
    };
    let (mut n, mut len) = (0u64, 0u32);
    for &b in black_box(set.model).iter().chain(set.frames) {
        if b == 0 {
            l.u(n).b(b' ').x(len).b(b' ').s("A");
            out.emit(&mut l);
            n += 1;
            len = 0;
        } else {
            len += 1;
        }
    }
    true
}

#[cfg(any(feature = "footprint-kiosk", feature = "footprint-baseline"))]
#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let painted = paint(64 * 1024);
    let mut out = Out::new();
    let ok = minimal(&mut out);
    let mut l = Line::new();
    l.s("# stack whole_run=")
        .u(stack_top().saturating_sub(high_water(painted)) as u64);
    out.emit(&mut l);
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

#[cfg(not(any(feature = "footprint-kiosk", feature = "footprint-baseline")))]
#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    // Paint the whole free stack (64 KiB at most) before anything else runs.
    let painted = paint(64 * 1024);
    let mut out = Out::new();
    let mut l = Line::new();
    l.s("# silkscore-firmware board=")
        .s(BOARD)
        .s(" core=")
        .s(CORE);
    out.emit(&mut l);

    board::timer_start();

    // The one model the firmware holds: every set's model is decoded into it in place. A
    // device starts with the model it was built with (here the custom5 set's, from flash).
    let Some(mut model) = SETS.get(1).and_then(|s| wire::decode_model(s.model).ok()) else {
        l.s("# no factory model");
        out.emit(&mut l);
        debug::exit(debug::EXIT_FAILURE);
        #[allow(clippy::empty_loop)]
        loop {}
    };
    let Some(mut journal) = journal::open() else {
        l.s("# journal: the region does not open");
        out.emit(&mut l);
        debug::exit(debug::EXIT_FAILURE);
        #[allow(clippy::empty_loop)]
        loop {}
    };
    let mut ok = true;
    // With `signed`, the default set's model is the verified envelope's (without a verified
    // envelope the default set is not scored at all).
    for (i, set) in SETS.iter().enumerate() {
        #[cfg(feature = "signed")]
        if i == 0 {
            ok &= signed_default_set(&mut out, set, &mut model, &mut journal);
            continue;
        }
        let _ = i;
        ok &= print_set(&mut out, set, &mut model, false, &mut journal);
    }
    ok &= journal::finish(&mut out, journal);
    let peak = stack_top().saturating_sub(high_water(painted));
    l.s("# ram stack_top=")
        .x(stack_top() as u32)
        .s(" stack_floor=")
        .x(stack_floor() as u32);
    l.s(" peak_stack_whole_run=").u(peak as u64);
    out.emit(&mut l);

    stack_report(&mut out, &mut model);
    cost_report(&mut out, &mut model);
    #[cfg(feature = "signed")]
    signed_report(&mut out, &mut model);

    l.s(if ok { "# done" } else { "# done with errors" });
    out.emit(&mut l);
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

#[cfg(not(feature = "panic-check"))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    if let Ok(mut s) = hio::hstdout() {
        let _ = s.write_all(b"# PANIC\n");
    }
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Link-time proof that no panic is reachable: this symbol is defined nowhere, so the
/// firmware links only if the optimiser removed every call to the panic handler.
#[cfg(feature = "panic-check")]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    extern "C" {
        fn silkscore_panic_is_reachable() -> !;
    }
    // SAFETY: never called in a build that links.
    unsafe { silkscore_panic_is_reachable() }
}
