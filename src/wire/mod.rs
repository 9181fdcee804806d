//! The wire format (docs/spec.md §6): postcard messages with a format version, maximum sizes as
//! constants, and validation of everything decoded. COBS/CRC-32 frames for serial links are in
//! [`frame`].
//!
//! # Format, version 1
//!
//! Every message is the format version byte [`crate::FORMAT_VERSION`] (`0x01`) followed by
//! the [postcard](https://postcard.jamesmunns.com/wire-format) encoding of the message body:
//!
//! | message | body, in order |
//! |---|---|
//! | record | `id: u32` (varint), `name: Option<str ≤ 32 bytes>`, `values: seq ≤ 32 of Option<f32>` |
//! | model | `name: str ≤ 32`, `within`, `across` (varint enum: 0 arithmetic, 1 geometric), `floor: f32`, `min_coverage: f32`, `grades: [f32; 4]`, `weights: [f32; 3]`, `indicators: seq 1..=32 of (id: str ≤ 32, connotation: 0 cultural / 1 economic / 2 security, direction: 0 benefit / 1 cost, transform: 0 lin / 1 log / 2 ln, lo: f32, hi: f32, weight: f32)` |
//! | scores | `record_id: u32`, `fingerprint: u32` (varints), `cultural, economic, security, composite: f32` (0–100), `basis_points: [u16; 4]` (varints), `coverage: [f32; 3]`, `grade` (0 A … 4 E) |
//!
//! f32 values are 4 bytes little-endian. **Stability promise:** the encoding of version 1
//! never changes; a change of layout gets a new version number, and decoders reject versions
//! they do not know with [`DecodeError::UnknownVersion`].
//!
//! # Decoding never trusts bytes
//!
//! Decoding arbitrary bytes never panics, never reads past the input and never allocates. It
//! returns a value that passed the same validation as a freshly built one (a model through
//! [`Model::new`]'s checks, scores within their ranges), or a typed [`DecodeError`]. Encoding
//! fails only for a buffer that is too small ([`EncodeError`]).
//!
//! ```
//! use silkscore::{wire, Record};
//! let rec = Record::from_values(7, &[Some(1.5), None]).unwrap();
//! let mut buf = [0u8; wire::RECORD_MAX_SIZE];
//! let bytes = wire::encode_record(&rec, &mut buf).unwrap();
//! // version 1, id 7, no name, 2 values: Some(1.5f32), None
//! assert_eq!(bytes, &[0x01, 0x07, 0x00, 0x02, 0x01, 0x00, 0x00, 0xC0, 0x3F, 0x00]);
//! assert_eq!(wire::decode_record(bytes).unwrap(), rec);
//! // an unknown version is refused
//! assert_eq!(wire::decode_record(&[0x02, 0x07]), Err(wire::DecodeError::UnknownVersion { found: 2 }));
//! ```

mod error;
pub mod frame;
mod model;

use serde::Serialize;

pub use error::{DecodeError, EncodeError};
pub use frame::{decode_frame, encode_frame, FrameReader};

use crate::format::FORMAT_VERSION;
use crate::model::{Model, MAX_ID_LEN, MAX_INDICATORS, MAX_NAME_LEN};
use crate::record::{Record, RecordRepr, MAX_RECORD_NAME_LEN};
use crate::score::Scores;

const VARINT_U16: usize = 3;
const VARINT_U32: usize = 5;
const F32: usize = 4;
/// A sequence or string length ≤ 127 is one varint byte.
const SHORT_LEN: usize = 1;

/// Largest encoded record message, in bytes.
pub const RECORD_MAX_SIZE: usize =
    1 + VARINT_U32 + (1 + SHORT_LEN + MAX_RECORD_NAME_LEN) + SHORT_LEN + MAX_INDICATORS * (1 + F32);

/// Largest encoded indicator, in bytes.
const INDICATOR_MAX_SIZE: usize = SHORT_LEN + MAX_ID_LEN + 3 + 3 * F32;

/// Largest encoded model message, in bytes.
pub const MODEL_MAX_SIZE: usize = 1
    + (SHORT_LEN + MAX_NAME_LEN)
    + 2
    + 2 * F32
    + 4 * F32
    + 3 * F32
    + SHORT_LEN
    + MAX_INDICATORS * INDICATOR_MAX_SIZE;

/// Largest encoded scores message, in bytes.
pub const SCORES_MAX_SIZE: usize = 1 + 2 * VARINT_U32 + 4 * F32 + 4 * VARINT_U16 + 3 * F32 + 1;

pub(crate) mod sealed {
    use postcard::ser_flavors::Flavor;

    /// The serialisable body of a message; private so that only this crate's types are
    /// messages.
    pub trait Body {
        /// What is serialised after the version byte.
        type Body<'a>: serde::Serialize
        where
            Self: 'a;
        /// The body.
        fn body(&self) -> Self::Body<'_>;

        /// Writes the body's bytes to a frame encoder (postcard's encoding of
        /// [`Body::body`]). Scores and journal entries write theirs by hand
        /// ([`super::write_scores_body`]): postcard's varint writers keep bounds checks that
        /// the optimiser cannot remove from a firmware that frames them (the link-time
        /// no-panic check of `examples/firmware/run-check.sh`).
        fn write_body<F: Flavor>(&self, f: &mut F) -> postcard::Result<()> {
            use serde::Serialize;
            self.body()
                .serialize(&mut postcard::Serializer { output: ByRef(f) })
        }
    }

    /// A flavor that writes through to another one (and leaves finalising to it).
    struct ByRef<'f, F>(&'f mut F);

    impl<F: Flavor> Flavor for ByRef<'_, F> {
        type Output = ();
        fn try_push(&mut self, data: u8) -> postcard::Result<()> {
            self.0.try_push(data)
        }
        fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
            self.0.try_extend(data)
        }
        fn finalize(self) -> postcard::Result<()> {
            Ok(())
        }
    }
}

/// A `u32` as postcard's varint (7 bits a byte, least significant first), pushed byte by byte.
pub(crate) fn write_varint<F: postcard::ser_flavors::Flavor>(
    f: &mut F,
    mut v: u32,
) -> postcard::Result<()> {
    while v >= 0x80 {
        f.try_push((v as u8) | 0x80)?;
        v >>= 7;
    }
    f.try_push(v as u8)
}

/// The scores body (docs/spec.md §6.1) by hand, byte for byte what postcard writes for
/// [`Scores`] (a unit test compares them): record id and fingerprint as varints, the four
/// indices as f32, the basis points as varints, coverage as f32, the grade's variant index.
pub(crate) fn write_scores_body<F: postcard::ser_flavors::Flavor>(
    s: &Scores,
    f: &mut F,
) -> postcard::Result<()> {
    write_varint(f, s.record_id)?;
    write_varint(f, s.fingerprint)?;
    for v in [s.cultural, s.economic, s.security, s.composite] {
        f.try_extend(&v.to_le_bytes())?;
    }
    for b in s.basis_points {
        write_varint(f, u32::from(b))?;
    }
    for v in s.coverage {
        f.try_extend(&v.to_le_bytes())?;
    }
    write_varint(f, s.grade as u32)
}

/// A message that travels on the wire: it knows its largest encoding and how to decode and
/// validate itself. Implemented by [`Record`], [`Model`], [`Scores`] and the journal's
/// [`crate::journal::Entry`] (sealed).
pub trait Message: sealed::Body + Sized {
    /// Largest encoded size of the message (version byte included).
    const MAX_SIZE: usize;

    /// Encodes the message (version byte first) into `buf`; returns the used part.
    fn encode<'a>(&self, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
        encode_with_version(&self.body(), buf, Self::MAX_SIZE)
    }

    /// Decodes and validates one message that fills `bytes` exactly.
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError>;
}

impl sealed::Body for Record {
    type Body<'a> = &'a Record;
    fn body(&self) -> &Record {
        self
    }
}

impl sealed::Body for Model {
    type Body<'a> = &'a Model;
    fn body(&self) -> &Model {
        self
    }
}

impl sealed::Body for Scores {
    type Body<'a> = &'a Scores;
    fn body(&self) -> &Scores {
        self
    }
    fn write_body<F: postcard::ser_flavors::Flavor>(&self, f: &mut F) -> postcard::Result<()> {
        write_scores_body(self, f)
    }
}

fn encode_with_version<'a, T: Serialize>(
    body: &T,
    buf: &'a mut [u8],
    max: usize,
) -> Result<&'a mut [u8], EncodeError> {
    // The buffer filling up is the only way serialising a message can fail: every field is a
    // plain value or a string of at most 32 bytes.
    postcard::to_slice(&(FORMAT_VERSION, body), buf)
        .map_err(|_| EncodeError::BufferTooSmall { needed: max })
}

/// Checks the version byte and returns the body.
pub(crate) fn body(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    match bytes.split_first() {
        None => Err(DecodeError::Malformed),
        Some((&FORMAT_VERSION, rest)) => Ok(rest),
        Some((&found, _)) => Err(DecodeError::UnknownVersion { found }),
    }
}

/// Decodes a postcard body that must fill `bytes` exactly.
pub(crate) fn decode_exact<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, DecodeError> {
    let (value, rest) =
        postcard::take_from_bytes::<T>(bytes).map_err(|_| DecodeError::Malformed)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(DecodeError::TrailingBytes)
    }
}

impl Message for Record {
    const MAX_SIZE: usize = RECORD_MAX_SIZE;
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_exact::<RecordRepr>(body(bytes)?).map(Record::from)
    }
}

impl Message for Model {
    const MAX_SIZE: usize = MODEL_MAX_SIZE;
    /// Through [`Model::decode_into`] (a blank model overwritten in place), not serde.
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        // One local, returned on every path, so that the model can be built in the caller's
        // return slot instead of being moved there.
        let mut out = Ok(model::blank());
        if let Ok(m) = &mut out {
            if let Err(e) = m.decode_into(bytes) {
                out = Err(e);
            }
        }
        out
    }
}

impl Message for Scores {
    const MAX_SIZE: usize = SCORES_MAX_SIZE;
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let s: Scores = decode_exact(body(bytes)?)?;
        if s.is_valid() {
            Ok(s)
        } else {
            Err(DecodeError::InvalidValue)
        }
    }
}

/// With feature `std`: encodes any message (record, model, scores) into a new `Vec`.
///
/// ```
/// # #[cfg(feature = "std")] {
/// use silkscore::{wire, BRI_CULTURAL_V1};
/// let bytes = wire::to_vec(&BRI_CULTURAL_V1);
/// assert_eq!(bytes[0], silkscore::FORMAT_VERSION);
/// assert_eq!(wire::decode_model(&bytes).unwrap(), BRI_CULTURAL_V1);
/// # }
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub fn to_vec<M: Message>(msg: &M) -> std::vec::Vec<u8> {
    let mut buf = std::vec![0u8; M::MAX_SIZE];
    // A message always fits its MAX_SIZE, so this never fails.
    let n = msg.encode(&mut buf).map(|b| b.len()).unwrap_or(0);
    buf.truncate(n);
    buf
}

/// Encodes a record message into `buf` (size it with [`RECORD_MAX_SIZE`]).
pub fn encode_record<'a>(record: &Record, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    record.encode(buf)
}

/// Decodes a record message.
pub fn decode_record(bytes: &[u8]) -> Result<Record, DecodeError> {
    Record::decode(bytes)
}

/// Encodes a model message into `buf` (size it with [`MODEL_MAX_SIZE`]).
///
/// ```
/// use silkscore::{wire, BRI_CULTURAL_V1};
/// let mut buf = [0u8; wire::MODEL_MAX_SIZE];
/// let bytes = wire::encode_model(&BRI_CULTURAL_V1, &mut buf).unwrap();
/// assert_eq!(wire::decode_model(bytes).unwrap(), BRI_CULTURAL_V1);
/// ```
pub fn encode_model<'a>(model: &Model, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    model.encode(buf)
}

/// Decodes and validates a model message: a decoded model passed every check of
/// [`Model::new`] (else [`DecodeError::InvalidModel`]), and its fingerprint is recomputed
/// from its content. The convenient form of [`Model::decode_into`], which a device with
/// little stack should call instead: this one returns the 1.6 KiB model by value.
pub fn decode_model(bytes: &[u8]) -> Result<Model, DecodeError> {
    Model::decode(bytes)
}

/// Encodes a scores message into `buf` (size it with [`SCORES_MAX_SIZE`]).
pub fn encode_scores<'a>(scores: &Scores, buf: &'a mut [u8]) -> Result<&'a mut [u8], EncodeError> {
    scores.encode(buf)
}

/// Decodes a scores message and checks its ranges.
pub fn decode_scores(bytes: &[u8]) -> Result<Scores, DecodeError> {
    Scores::decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Connotation, Direction, Indicator, ModelField, ModelParams, Transform};

    #[test]
    fn largest_record_fills_max_size() {
        let mut r =
            Record::new(u32::MAX, MAX_INDICATORS).with_name("abcdefghijklmnopqrstuvwxyz012345");
        for i in 0..MAX_INDICATORS {
            r.set(i, f32::MAX).unwrap();
        }
        let mut buf = [0u8; RECORD_MAX_SIZE + 8];
        assert_eq!(encode_record(&r, &mut buf).unwrap().len(), RECORD_MAX_SIZE);
        let mut small = [0u8; RECORD_MAX_SIZE - 1];
        assert!(matches!(
            encode_record(&r, &mut small),
            Err(EncodeError::BufferTooSmall { .. })
        ));
    }

    #[test]
    fn largest_model_fills_max_size() {
        let mut inds = [Indicator::new(
            "x",
            Connotation::Cultural,
            Direction::Benefit,
            Transform::Lin,
            0.0,
            1.0,
        ); 32];
        let ids = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
        for (i, ind) in inds.iter_mut().enumerate() {
            let mut id = [b'k'; 32];
            id[0] = ids[i];
            ind.id = crate::model::IndicatorId::new(core::str::from_utf8(&id).unwrap()).unwrap();
            ind.connotation = Connotation::ALL[i % 3];
        }
        let name = "0123456789abcdef0123456789abcdef";
        let m = Model::new(name, ModelParams::DEFAULT, &inds).unwrap();
        let mut buf = [0u8; MODEL_MAX_SIZE + 8];
        let bytes = encode_model(&m, &mut buf).unwrap();
        assert_eq!(bytes.len(), MODEL_MAX_SIZE);
        assert_eq!(decode_model(bytes).unwrap(), m);
    }

    #[test]
    fn scores_fit_max_size() {
        let s = Scores {
            record_id: u32::MAX,
            fingerprint: u32::MAX,
            cultural: 100.0,
            economic: 100.0,
            security: 100.0,
            composite: 100.0,
            basis_points: [10000; 4],
            coverage: [1.0; 3],
            grade: crate::score::Grade::E,
        };
        let mut buf = [0u8; SCORES_MAX_SIZE];
        let n = encode_scores(&s, &mut buf).unwrap().len();
        // basis points ≤ 10000 take 2 of their 3 possible varint bytes
        assert_eq!(n, SCORES_MAX_SIZE - 4);
        assert_eq!(decode_scores(&buf[..n]).unwrap(), s);
    }

    #[test]
    fn hand_written_scores_and_entry_bodies_are_postcards() {
        use crate::journal::Entry;
        use sealed::Body;
        let mut state = 0x1357_9BDFu32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let grades = [
            crate::score::Grade::A,
            crate::score::Grade::B,
            crate::score::Grade::C,
            crate::score::Grade::D,
            crate::score::Grade::E,
        ];
        for i in 0..if cfg!(miri) { 200 } else { 2000u32 } {
            // ids and basis points of every varint width
            let wide = |x: u32, k: u32| x >> (k % 32);
            let s = Scores {
                record_id: wide(next(), next()),
                fingerprint: wide(next(), next()),
                cultural: f32::from_bits(next()),
                economic: 0.0,
                security: 99.25,
                composite: f32::from_bits(next()),
                basis_points: [(); 4].map(|()| (wide(next(), next()) & 0xFFFF) as u16),
                coverage: [1.0, f32::from_bits(next()), 0.25],
                grade: grades[i as usize % 5],
            };
            let (mut a, mut b) = (VecFlavor::default(), [0u8; 64]);
            s.write_body(&mut a).unwrap();
            assert_eq!(&a.0[..], postcard::to_slice(&s, &mut b).unwrap(), "{s:?}");
            let e = Entry {
                sequence: wide(next(), next()),
                scores: s,
            };
            let mut a = VecFlavor::default();
            e.write_body(&mut a).unwrap();
            assert_eq!(&a.0[..], postcard::to_slice(&e.body(), &mut b).unwrap());
        }
    }

    #[derive(Default)]
    struct VecFlavor(std::vec::Vec<u8>);

    impl postcard::ser_flavors::Flavor for VecFlavor {
        type Output = ();
        fn try_push(&mut self, data: u8) -> postcard::Result<()> {
            self.0.push(data);
            Ok(())
        }
        fn finalize(self) -> postcard::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn decoded_model_is_validated() {
        let bad = Model::new(
            "m",
            ModelParams::DEFAULT,
            crate::model::BRI_CULTURAL_V1.indicators(),
        )
        .unwrap();
        let mut buf = [0u8; MODEL_MAX_SIZE];
        let n = encode_model(&bad, &mut buf).unwrap().len();
        // floor is at byte 1 (version) + 2 (name) + 2 (within, across) = offset 5
        buf[5..9].copy_from_slice(&0.0f32.to_le_bytes());
        assert!(matches!(
            decode_model(&buf[..n]),
            Err(DecodeError::InvalidModel(crate::model::ModelError {
                field: ModelField::Floor,
                ..
            }))
        ));
    }

    #[test]
    fn decoded_subnormal_weight_is_refused() {
        let m = &crate::model::BRI_CULTURAL_V1;
        let mut buf = [0u8; MODEL_MAX_SIZE];
        let n = encode_model(m, &mut buf).unwrap().len();
        // The last indicator's weight (1.0f32) is the message's last 4 bytes.
        assert_eq!(buf[n - 4..n], 1.0f32.to_le_bytes());
        buf[n - 4..n].copy_from_slice(&(f32::MIN_POSITIVE / 2.0).to_le_bytes());
        let e = decode_model(&buf[..n]).unwrap_err();
        let DecodeError::InvalidModel(e) = e else {
            panic!("{e:?}");
        };
        assert_eq!(
            e.field,
            ModelField::Indicator {
                index: 17,
                field: crate::model::IndicatorField::Weight
            }
        );
    }

    #[test]
    fn trailing_and_truncated() {
        let r = Record::from_values(1, &[Some(1.0)]).unwrap();
        let mut buf = [0u8; RECORD_MAX_SIZE];
        let n = encode_record(&r, &mut buf).unwrap().len();
        assert_eq!(
            decode_record(&buf[..n + 1]),
            Err(DecodeError::TrailingBytes)
        );
        for cut in 0..n {
            assert!(decode_record(&buf[..cut]).is_err());
        }
    }
}
