//! COBS frames with a CRC-32, for kiosk serial and radio links (docs/spec.md §6).
//!
//! # Frame layout
//!
//! `COBS( message ‖ CRC-32(message) as 4 bytes little-endian ) ‖ 0x00`
//!
//! where `message` is a [`Message`] encoding (version byte first) and the CRC is
//! CRC-32/ISO-HDLC (the zlib/Ethernet CRC). COBS removes every zero byte from the frame body,
//! so `0x00` marks the end of a frame and a receiver can resynchronise after any corruption:
//! the next `0x00` starts a fresh frame. A frame whose COBS is broken is
//! [`DecodeError::BadFrame`]; one whose CRC does not match is
//! [`DecodeError::ChecksumMismatch`]. Either way it is rejected, never scored, and the frames
//! after it are unaffected.
//!
//! ```
//! use silkscore::{wire::{self, frame}, Record};
//! let rec = Record::from_values(9, &[Some(2.0), None]).unwrap();
//! let mut buf = [0u8; frame::RECORD_FRAME_MAX_SIZE];
//! let f = frame::encode_frame(&rec, &mut buf).unwrap();
//! assert_eq!(f.last(), Some(&0x00));
//! assert!(!f[..f.len() - 1].contains(&0));
//!
//! let mut copy = [0u8; frame::RECORD_FRAME_MAX_SIZE];
//! copy[..f.len()].copy_from_slice(f);
//! let n = f.len();
//! assert_eq!(frame::decode_frame::<Record>(&mut copy[..n]).unwrap(), rec);
//!
//! // one flipped bit: rejected
//! let mut bad = [0u8; frame::RECORD_FRAME_MAX_SIZE];
//! bad[..n].copy_from_slice(f);
//! bad[3] ^= 0x10;
//! assert!(frame::decode_frame::<Record>(&mut bad[..n]).is_err());
//! ```

use postcard::ser_flavors::Flavor;

use super::{DecodeError, EncodeError, Message, MODEL_MAX_SIZE, RECORD_MAX_SIZE, SCORES_MAX_SIZE};
use crate::format::{CRC32, FORMAT_VERSION};
use crate::model::Model;
use crate::record::Record;
use crate::score::Scores;

/// Bytes of CRC-32 in a frame.
pub const CRC_LEN: usize = 4;

/// The largest frame for a message of at most `message_max` bytes: COBS overhead, CRC and the
/// `0x00` delimiter included.
pub const fn frame_max_size(message_max: usize) -> usize {
    cobs::max_encoding_length(message_max + CRC_LEN) + 1
}

/// Largest record frame.
pub const RECORD_FRAME_MAX_SIZE: usize = frame_max_size(RECORD_MAX_SIZE);
/// Largest model frame.
pub const MODEL_FRAME_MAX_SIZE: usize = frame_max_size(MODEL_MAX_SIZE);
/// Largest scores frame.
pub const SCORES_FRAME_MAX_SIZE: usize = frame_max_size(SCORES_MAX_SIZE);

/// Encodes `msg` as one frame, delimiter included, into `buf` (size it with
/// [`frame_max_size`]`(M::MAX_SIZE)` or the `*_FRAME_MAX_SIZE` constants).
pub fn encode_frame<'a, M: Message>(
    msg: &M,
    buf: &'a mut [u8],
) -> Result<&'a mut [u8], EncodeError> {
    let needed = frame_max_size(M::MAX_SIZE);
    let full = EncodeError::BufferTooSmall { needed };
    let mut flavor = CobsCrc::new(buf).ok_or(full)?;
    flavor.try_push(FORMAT_VERSION).map_err(|_| full)?;
    msg.write_body(&mut flavor).map_err(|_| full)?;
    flavor.finalize().map_err(|_| full)
}

/// The frame encoder as a postcard flavor: every byte goes into the CRC-32 and, COBS-encoded,
/// into the buffer; `finalize` appends the CRC (COBS-encoded too) and the delimiter. Crate-owned
/// with only checked accesses (postcard's `Cobs` flavor indexes its buffer), so that no panic
/// path survives in a firmware that writes frames (the journal): the link-time check of
/// `examples/firmware/run-check.sh`.
struct CobsCrc<'a> {
    buf: &'a mut [u8],
    /// Where the code byte of the current COBS block is.
    code_at: usize,
    /// Where the next byte goes.
    at: usize,
    digest: crc::Digest<'static, u32>,
}

impl<'a> CobsCrc<'a> {
    fn new(buf: &'a mut [u8]) -> Option<Self> {
        if buf.is_empty() {
            return None;
        }
        Some(CobsCrc {
            buf,
            code_at: 0,
            at: 1,
            digest: CRC32.digest(),
        })
    }

    /// COBS-encodes one byte.
    fn cobs(&mut self, b: u8) -> postcard::Result<()> {
        const FULL: postcard::Error = postcard::Error::SerializeBufferFull;
        if b == 0 {
            self.close_block()?;
            return Ok(());
        }
        *self.buf.get_mut(self.at).ok_or(FULL)? = b;
        self.at += 1;
        if self.at - self.code_at == 0xFF {
            self.close_block()?;
        }
        Ok(())
    }

    /// Writes the current block's code byte and opens the next block.
    fn close_block(&mut self) -> postcard::Result<()> {
        const FULL: postcard::Error = postcard::Error::SerializeBufferFull;
        let code = u8::try_from(self.at - self.code_at).map_err(|_| FULL)?;
        *self.buf.get_mut(self.code_at).ok_or(FULL)? = code;
        self.code_at = self.at;
        self.at += 1;
        Ok(())
    }
}

impl<'a> Flavor for CobsCrc<'a> {
    type Output = &'a mut [u8];

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.digest.update(&[data]);
        self.cobs(data)
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.digest.update(data);
        for &b in data {
            self.cobs(b)?;
        }
        Ok(())
    }

    fn finalize(mut self) -> postcard::Result<&'a mut [u8]> {
        const FULL: postcard::Error = postcard::Error::SerializeBufferFull;
        let crc = core::mem::replace(&mut self.digest, CRC32.digest())
            .finalize()
            .to_le_bytes();
        for b in crc {
            self.cobs(b)?;
        }
        // The last block ends without a zero of its own (a block that just filled up has
        // already been closed: its empty successor gets code 1).
        let code = u8::try_from(self.at - self.code_at).map_err(|_| FULL)?;
        *self.buf.get_mut(self.code_at).ok_or(FULL)? = code;
        *self.buf.get_mut(self.at).ok_or(FULL)? = 0;
        let end = self.at + 1;
        self.buf.get_mut(..end).ok_or(FULL)
    }
}

/// Decodes one frame in place (the buffer is overwritten by the COBS decoding). The frame may
/// include its `0x00` delimiter or not; bytes after the first `0x00` are ignored.
pub fn decode_frame<M: Message>(frame: &mut [u8]) -> Result<M, DecodeError> {
    let end = frame.iter().position(|b| *b == 0).unwrap_or(frame.len());
    let body = frame.get_mut(..end).ok_or(DecodeError::BadFrame)?;
    if body.is_empty() {
        return Err(DecodeError::BadFrame);
    }
    let n = cobs_decode_in_place(body)?;
    let decoded = body.get(..n).ok_or(DecodeError::BadFrame)?;
    if decoded.len() < CRC_LEN + 1 {
        return Err(DecodeError::BadFrame);
    }
    let (message, crc) = decoded.split_at(decoded.len() - CRC_LEN);
    let expected = u32::from_le_bytes(crc.try_into().map_err(|_| DecodeError::BadFrame)?);
    if CRC32.checksum(message) != expected {
        return Err(DecodeError::ChecksumMismatch);
    }
    M::decode(message)
}

/// Decodes one COBS-encoded frame body (without its `0x00` delimiter) in place; returns the
/// decoded length. Crate-owned, with only checked accesses, so that no panic path survives in
/// a firmware build (the link-time check of `examples/firmware/run-check.sh`).
fn cobs_decode_in_place(buf: &mut [u8]) -> Result<usize, DecodeError> {
    let len = buf.len();
    let (mut src, mut dst) = (0usize, 0usize);
    while src < len {
        let code = usize::from(*buf.get(src).ok_or(DecodeError::BadFrame)?);
        if code == 0 || code > len - src {
            return Err(DecodeError::BadFrame);
        }
        src += 1;
        for _ in 1..code {
            let b = *buf.get(src).ok_or(DecodeError::BadFrame)?;
            *buf.get_mut(dst).ok_or(DecodeError::BadFrame)? = b;
            src += 1;
            dst += 1;
        }
        if code != 0xFF && src < len {
            *buf.get_mut(dst).ok_or(DecodeError::BadFrame)? = 0;
            dst += 1;
        }
    }
    Ok(dst)
}

/// Splits a byte stream into frames and decodes them, one byte (or slice) at a time, with a
/// fixed buffer of `N` bytes (use a `*_FRAME_MAX_SIZE` constant). A frame longer than `N` is
/// reported as [`DecodeError::BufferTooSmall`] at its delimiter, and reading goes on with the next
/// frame. Empty frames (two `0x00` in a row) are skipped.
///
/// ```
/// use silkscore::{wire::frame::{self, FrameReader}, Record};
/// let mut stream = [0u8; 2 * frame::RECORD_FRAME_MAX_SIZE];
/// let mut len = 0;
/// for id in [1u32, 2] {
///     let r = Record::from_values(id, &[Some(id as f32)]).unwrap();
///     len += frame::encode_frame(&r, &mut stream[len..]).unwrap().len();
/// }
/// stream[2] ^= 0xFF; // corrupt the first frame
/// let mut reader: FrameReader<{ frame::RECORD_FRAME_MAX_SIZE }> = FrameReader::new();
/// let got: Vec<_> = stream[..len].iter().filter_map(|b| reader.push::<Record>(*b)).collect();
/// assert_eq!(got.len(), 2);
/// assert!(got[0].is_err());               // rejected, never scored
/// assert_eq!(got[1].as_ref().unwrap().id(), 2); // the next frame is intact
/// ```
pub struct FrameReader<const N: usize> {
    buf: heapless::Vec<u8, N>,
    overflow: bool,
}

impl<const N: usize> Default for FrameReader<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FrameReader<N> {
    /// An empty reader.
    pub const fn new() -> Self {
        FrameReader {
            buf: heapless::Vec::new(),
            overflow: false,
        }
    }

    /// Feeds one byte; returns a decoded message (or the reason it was rejected) when the
    /// byte ends a frame.
    pub fn push<M: Message>(&mut self, byte: u8) -> Option<Result<M, DecodeError>> {
        if byte != 0 {
            if self.buf.push(byte).is_err() {
                self.overflow = true;
            }
            return None;
        }
        let result = if self.overflow {
            Some(Err(DecodeError::BufferTooSmall { needed: N + 1 }))
        } else if self.buf.is_empty() {
            None
        } else {
            Some(decode_frame::<M>(&mut self.buf))
        };
        self.buf.clear();
        self.overflow = false;
        result
    }

    /// Drops a partial frame (for example after a link reset).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.overflow = false;
    }
}

/// Shorthand: encode a record frame.
pub fn encode_record_frame<'a>(r: &Record, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    encode_frame(r, buf)
}

/// Shorthand: encode a model frame.
pub fn encode_model_frame<'a>(m: &Model, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    encode_frame(m, buf)
}

/// Shorthand: encode a scores frame.
pub fn encode_scores_frame<'a>(s: &Scores, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    encode_frame(s, buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BRI_CULTURAL_V1;
    use crate::score::score;

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let mut r = Record::new(123456, BRI_CULTURAL_V1.len()).with_name("Samarkand");
        for i in 0..BRI_CULTURAL_V1.len() {
            r.set(i, i as f32 * 3.5).unwrap();
        }
        let mut buf = [0u8; RECORD_FRAME_MAX_SIZE];
        let n = encode_frame(&r, &mut buf).unwrap().len();
        let original = buf;
        // Under Miri every seventh byte (all of them natively).
        for byte in (0..n - 1).step_by(if cfg!(miri) { 7 } else { 1 }) {
            for bit in 0..8 {
                let mut f = original;
                f[byte] ^= 1 << bit;
                assert!(
                    decode_frame::<Record>(&mut f[..n]).is_err(),
                    "byte {byte} bit {bit}"
                );
            }
        }
        let mut f = original;
        assert_eq!(decode_frame::<Record>(&mut f[..n]).unwrap(), r);
    }

    #[test]
    fn scores_and_models_frame() {
        let mut r = Record::new(5, BRI_CULTURAL_V1.len());
        for i in 0..BRI_CULTURAL_V1.len() {
            r.set(i, 42.0).unwrap();
        }
        let s = score(&BRI_CULTURAL_V1, &r).unwrap();
        let mut buf = [0u8; SCORES_FRAME_MAX_SIZE];
        let n = encode_frame(&s, &mut buf).unwrap().len();
        assert_eq!(decode_frame::<Scores>(&mut buf[..n]).unwrap(), s);
        let mut mbuf = [0u8; MODEL_FRAME_MAX_SIZE];
        let n = encode_frame(&BRI_CULTURAL_V1, &mut mbuf).unwrap().len();
        assert_eq!(
            decode_frame::<Model>(&mut mbuf[..n]).unwrap(),
            BRI_CULTURAL_V1
        );
        // a scores frame is not a model
        let n = encode_frame(&s, &mut buf).unwrap().len();
        assert!(decode_frame::<Model>(&mut buf[..n]).is_err());
    }

    #[test]
    fn cobs_decoder_agrees_with_the_cobs_crate() {
        let mut state = 0x1234_5678u32;
        // Every length up to 600 (past two 254-byte COBS blocks); fewer under Miri.
        let max_len = if cfg!(miri) { 64 } else { 600 };
        for len in 0..max_len {
            let data: std::vec::Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    if state >> 29 == 0 {
                        0
                    } else {
                        (state >> 24) as u8
                    }
                })
                .collect();
            let mut enc = std::vec![0u8; cobs::max_encoding_length(len)];
            let n = cobs::encode(&data, &mut enc);
            let mut ours = enc[..n].to_vec();
            let m = cobs_decode_in_place(&mut ours).unwrap();
            assert_eq!(&ours[..m], &data[..], "len {len}");
            // and every corruption of the first code byte is handled without a panic
            for b in [0u8, 1, 0xFE, 0xFF] {
                let mut bad = enc[..n].to_vec();
                if let Some(x) = bad.first_mut() {
                    *x = b;
                }
                let _ = cobs_decode_in_place(&mut bad);
            }
        }
    }

    #[test]
    fn frames_are_the_bytes_of_postcards_cobs_and_crc_flavors() {
        use postcard::ser_flavors::{crc::CrcModifier, Cobs, Slice};
        let mut state = 0x0BAD_5EEDu32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        // records of every length and many zero bytes, and a scores message
        // Under Miri (about 10,000 times slower) a few records per length are enough.
        let per_length = if cfg!(miri) { 1 } else { 20 };
        for n in 0..=MAX_INDICATORS_FOR_TEST {
            for _ in 0..per_length {
                let mut r = Record::new(next(), n);
                for i in 0..n {
                    match next() % 4 {
                        0 => {}
                        1 => r.set(i, 0.0).unwrap(),
                        // finite (NaN would not compare equal after decoding)
                        _ => r.set(i, f32::from_bits(next() & 0xBF7F_FFFF)).unwrap(),
                    }
                }
                let mut ours = [0u8; RECORD_FRAME_MAX_SIZE];
                let a = encode_frame(&r, &mut ours).unwrap().to_vec();
                let mut theirs = [0u8; RECORD_FRAME_MAX_SIZE];
                let cobs = Cobs::try_new(Slice::new(&mut theirs)).unwrap();
                let flavor = CrcModifier::new(cobs, CRC32.digest());
                let b = postcard::serialize_with_flavor(&(FORMAT_VERSION, &r), flavor).unwrap();
                assert_eq!(a, b.to_vec());
                let mut copy = a.clone();
                assert_eq!(decode_frame::<Record>(&mut copy).unwrap(), r);
                // every buffer that is too short is refused, never overrun
                let step = if cfg!(miri) { 17 } else { 1 };
                for cut in (0..a.len()).step_by(step) {
                    assert!(encode_frame(&r, &mut ours[..cut]).is_err(), "cut {cut}");
                }
            }
        }
        // a body of 300 non-zero bytes crosses a 254-byte COBS block
        let long = [0x41u8; 300];
        let mut ours = [0u8; 320];
        let mut flavor = CobsCrc::new(&mut ours).unwrap();
        flavor.try_extend(&long).unwrap();
        let a = flavor.finalize().unwrap().to_vec();
        let mut theirs = [0u8; 320];
        let mut f = CrcModifier::new(
            Cobs::try_new(Slice::new(&mut theirs)).unwrap(),
            CRC32.digest(),
        );
        f.try_extend(&long).unwrap();
        assert_eq!(a, f.finalize().unwrap().to_vec());
    }

    const MAX_INDICATORS_FOR_TEST: usize = crate::model::MAX_INDICATORS;

    #[test]
    fn small_buffers_and_empty_frames() {
        let r = Record::from_values(1, &[Some(1.0)]).unwrap();
        let mut tiny = [0u8; 4];
        assert!(matches!(
            encode_frame(&r, &mut tiny),
            Err(EncodeError::BufferTooSmall { .. })
        ));
        assert_eq!(decode_frame::<Record>(&mut []), Err(DecodeError::BadFrame));
        assert_eq!(decode_frame::<Record>(&mut [0]), Err(DecodeError::BadFrame));
        let mut reader = FrameReader::<8>::new();
        let mut out = None;
        for _ in 0..20 {
            out = out.or(reader.push::<Record>(7));
        }
        assert!(out.is_none());
        assert!(matches!(
            reader.push::<Record>(0),
            Some(Err(DecodeError::BufferTooSmall { .. }))
        ));
        assert!(reader.push::<Record>(0).is_none());
    }
}
