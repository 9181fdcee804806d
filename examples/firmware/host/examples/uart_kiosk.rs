//! The kiosk loop shown in `examples/firmware/README.md`, compiled and run on the host so that
//! the README's code keeps compiling against the library (run-check.sh runs it).
//!
//! `kiosk` uses `core` only: it is what a firmware's main loop does with a UART. The `main`
//! below plays the link: it sends the default model as a frame, then the record frames of
//! `data/default.frames`, and counts what comes back.

use silkscore::score::Scorer;
use silkscore::wire::frame::{self, FrameReader};
use silkscore::{Error, Model, Record};

// --- README snippet starts ---
/// Receives a model frame, then scores record frames until the link goes quiet.
/// `rx()` returns the next byte from the UART, `tx()` sends bytes back.
fn kiosk(
    mut rx: impl FnMut() -> Option<u8>,
    mut tx: impl FnMut(&[u8]),
    mut rejected: impl FnMut(Error),
) -> Option<()> {
    // 1. The model: one frame (or keep it in flash and call wire::decode_model(bytes)).
    let mut model_rx = FrameReader::<{ frame::MODEL_FRAME_MAX_SIZE }>::new();
    let model: Model = loop {
        match model_rx.push::<Model>(rx()?) {
            Some(Ok(m)) => break m, // validated: a bad model never gets here
            Some(Err(e)) => rejected(e.into()),
            None => {}
        }
    };
    let scorer = Scorer::new(&model); // f(lo) and f(hi) - f(lo) computed once

    // 2. Records: one COBS/CRC-32 frame each; scores go back as frames too.
    let mut record_rx = FrameReader::<{ frame::RECORD_FRAME_MAX_SIZE }>::new();
    let mut out = [0u8; frame::SCORES_FRAME_MAX_SIZE];
    loop {
        match record_rx.push::<Record>(rx()?) {
            None => {} // frame not complete yet
            Some(Ok(record)) => match scorer.score(&record) {
                Ok(scores) => {
                    if let Ok(f) = frame::encode_frame(&scores, &mut out) {
                        tx(f);
                    }
                }
                Err(e) => rejected(e.into()), // NonFiniteValue, InsufficientData: not scored
            },
            Some(Err(e)) => rejected(e.into()), // BadFrame, ChecksumMismatch, ...: never scored
        }
    }
}
// --- README snippet ends ---

fn main() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let model =
        silkscore::wire::decode_model(&std::fs::read(data.join("default.model")).unwrap()).unwrap();
    let mut link = vec![0u8; frame::MODEL_FRAME_MAX_SIZE];
    let n = frame::encode_frame(&model, &mut link).unwrap().len();
    link.truncate(n);
    link.extend(std::fs::read(data.join("default.frames")).unwrap());

    let mut bytes = link.into_iter();
    let (mut scored, mut errors) = (0, 0);
    let mut back = FrameReader::<{ frame::SCORES_FRAME_MAX_SIZE }>::new();
    kiosk(
        || bytes.next(),
        |f| {
            for b in f {
                if let Some(Ok(_)) = back.push::<silkscore::Scores>(*b) {
                    scored += 1;
                }
            }
        },
        |_| errors += 1,
    );
    println!("uart_kiosk: {scored} scores frames sent back, {errors} frames or records rejected");
    assert_eq!((scored, errors), (180, 21));
}
