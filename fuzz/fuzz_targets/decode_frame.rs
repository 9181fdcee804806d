//! Arbitrary bytes as COBS/CRC frames of each message type (record, model, scores, journal
//! entry): `decode_frame` never panics, a decoded frame re-encodes to a frame that decodes
//! again, and a `FrameReader` fed the same bytes one at a time agrees with `decode_frame` on
//! every frame.
#![no_main]
use libfuzzer_sys::fuzz_target;
use silkscore::journal::{Entry, ENTRY_FRAME_MAX_SIZE};
use silkscore::wire::frame::{self, FrameReader};
use silkscore::wire::Message;
use silkscore::{Model, Record, Scores};

fn check<M: Message, const N: usize>(stream: &[u8]) {
    // The whole input as one frame (bytes after the first 0x00 are ignored).
    let mut copy = stream.to_vec();
    if let Ok(m) = frame::decode_frame::<M>(&mut copy) {
        let mut buf = [0u8; N];
        let f = frame::encode_frame(&m, &mut buf).expect("a decoded message re-frames");
        assert_eq!(f.last(), Some(&0));
        let n = f.len();
        let again = frame::decode_frame::<M>(&mut buf[..n]).expect("a re-encoded frame decodes");
        let (mut a, mut b) = ([0u8; N], [0u8; N]);
        assert_eq!(
            again.encode(&mut a).map(|x| x.to_vec()),
            m.encode(&mut b).map(|x| x.to_vec())
        );
    }
    // The input as a stream: the reader and decode_frame agree frame by frame.
    let mut reader = FrameReader::<N>::new();
    let mut start = 0;
    for (i, byte) in stream.iter().enumerate() {
        let got = reader.push::<M>(*byte);
        if *byte == 0 {
            let body = &stream[start..i];
            start = i + 1;
            if body.is_empty() {
                assert!(got.is_none());
            } else if body.len() > N {
                assert!(matches!(
                    got,
                    Some(Err(silkscore::DecodeError::BufferTooSmall { .. }))
                ));
            } else {
                let mut copy = body.to_vec();
                let direct = frame::decode_frame::<M>(&mut copy);
                let got = got.expect("a delimiter ends a non-empty frame");
                assert_eq!(got.is_ok(), direct.is_ok());
                if let (Err(a), Err(b)) = (&got, &direct) {
                    assert_eq!(a, b);
                }
            }
        } else {
            assert!(got.is_none());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, stream)) = data.split_first() else {
        return;
    };
    match kind % 4 {
        0 => check::<Record, { frame::RECORD_FRAME_MAX_SIZE }>(stream),
        1 => check::<Model, { frame::MODEL_FRAME_MAX_SIZE }>(stream),
        2 => check::<Scores, { frame::SCORES_FRAME_MAX_SIZE }>(stream),
        _ => check::<Entry, { ENTRY_FRAME_MAX_SIZE }>(stream),
    }
});
