//! Decoding a model message straight into its destination, in a few hundred bytes of stack
//! (docs/spec.md §6.1: the format is the one serde and postcard write; nothing about it
//! changes here).
//!
//! serde's derived deserializer builds the 1.5 KiB indicator list in its own frames and moves
//! it several times on its way into the [`Model`]: about 10–12 KiB of stack on a Cortex-M,
//! more than a 16 KiB-RAM part can spare. This decoder reads the message twice instead:
//!
//! 1. **Parse and validate, writing nothing.** Every field is read as postcard reads it
//!    (varints, strings checked for UTF-8 and length, enum variants, little-endian f32), the
//!    message must end where the model ends, and then the checks of docs/spec.md §3 run over
//!    the indicators, each read back from the bytes where the parse found it. Errors are the
//!    ones serde's path gives, in the same order: any malformation is
//!    [`DecodeError::Malformed`], bytes after the model [`DecodeError::TrailingBytes`], and
//!    a model that breaks §3 [`DecodeError::InvalidModel`] with the same field and reason as
//!    [`Model::new`].
//! 2. **Write.** Only a message that passed is written into the destination, indicator by
//!    indicator, and the fingerprint is computed from the result. On any error the
//!    destination is left as it was: a [`Model`] is always a valid one.
//!
//! The unit tests and the fuzz target `decode_model` check that this decoder and serde's agree
//! on arbitrary bytes: the same model, or the same error.

use super::{body, DecodeError};
use crate::model::{validate_seq, Indicator, Model, ModelName, ModelParams, MAX_INDICATORS};

/// Postcard's reading of a byte slice, one piece of a model message at a time.
struct Reader<'a> {
    rest: &'a [u8],
}

const MALFORMED: DecodeError = DecodeError::Malformed;

impl<'a> Reader<'a> {
    /// One value as postcard's deserializer reads it in place of a model's field, with
    /// serde's derived reader of that field's type (the one serde's model decoder runs):
    /// the name, the parameters, one indicator.
    fn take<T: serde::Deserialize<'a>>(&mut self) -> Result<T, DecodeError> {
        let (v, rest) = postcard::take_from_bytes::<T>(self.rest).map_err(|_| MALFORMED)?;
        self.rest = rest;
        Ok(v)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let (&b, rest) = self.rest.split_first().ok_or(MALFORMED)?;
        self.rest = rest;
        Ok(b)
    }

    /// A sequence length as postcard reads it (its `usize` varint): at most 5 bytes on
    /// 32-bit targets, the fifth carrying no bits beyond the 32 (at most `0x0F`).
    /// Non-canonical encodings (`0x80 0x00` for 0) are accepted, as postcard accepts them.
    #[cfg(target_pointer_width = "32")]
    fn len(&mut self) -> Result<usize, DecodeError> {
        let mut out = 0u32;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift == 28 && b > 0x0F {
                return Err(MALFORMED);
            }
            out |= u32::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(out as usize);
            }
            shift += 7;
        }
    }

    /// A sequence length as postcard reads it: 10 bytes at most on 64-bit targets, the tenth
    /// carrying at most one bit.
    #[cfg(not(target_pointer_width = "32"))]
    fn len(&mut self) -> Result<usize, DecodeError> {
        let mut out = 0u64;
        for i in 0..10u32 {
            let b = self.byte()?;
            if i == 9 && b > 0x01 {
                return Err(MALFORMED);
            }
            out |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                return usize::try_from(out).map_err(|_| MALFORMED);
            }
        }
        Err(MALFORMED)
    }
}

/// Where each indicator of a parsed message starts, as offsets into the message body.
struct Parsed<'a> {
    body: &'a [u8],
    name: ModelName,
    params: ModelParams,
    starts: [u16; MAX_INDICATORS],
    n: usize,
}

impl Parsed<'_> {
    /// Indicator `i`, read again from the bytes (it parsed once, so it parses again).
    fn indicator(&self, i: usize) -> Option<Indicator> {
        if i >= self.n {
            return None;
        }
        let at = usize::from(*self.starts.get(i)?);
        let mut r = Reader {
            rest: self.body.get(at..)?,
        };
        r.take().ok()
    }
}

/// Step 1 of the module docs: parse the body, note where the indicators are.
fn parse(body: &[u8]) -> Result<Parsed<'_>, DecodeError> {
    let mut r = Reader { rest: body };
    let name = r.take()?;
    let params = r.take()?;
    let n = r.len()?;
    // serde's path fails on the 33rd element (heapless::Vec is full); any failure is
    // Malformed there, so refusing the length at once gives the same result.
    if n > MAX_INDICATORS {
        return Err(MALFORMED);
    }
    let mut starts = [0u16; MAX_INDICATORS];
    for slot in starts.iter_mut().take(n) {
        // A body that parses is at most MODEL_MAX_SIZE bytes, far below 65,536; a longer
        // one is refused rather than mis-indexed.
        *slot = u16::try_from(body.len() - r.rest.len()).map_err(|_| MALFORMED)?;
        r.take::<Indicator>()?;
    }
    if !r.rest.is_empty() {
        return Err(DecodeError::TrailingBytes);
    }
    Ok(Parsed {
        body,
        name,
        params,
        starts,
        n,
    })
}

impl Model {
    /// Decodes and validates a model message (docs/spec.md §6.1) **into `self`**, in place:
    /// the indicator list is written where it lives and never moved, and the decoder needs
    /// well under 1 KiB of stack (serde's path, [`crate::wire::decode_model`] before 0.3,
    /// needed 10–12 KiB on a Cortex-M). The result is the model [`crate::wire::decode_model`]
    /// returns for the same bytes, fingerprint included.
    ///
    /// On error nothing is written: `self` keeps the model it had.
    ///
    /// ```
    /// use silkscore::{wire, Model, BRI_CULTURAL_V1};
    /// let mut buf = [0u8; wire::MODEL_MAX_SIZE];
    /// let bytes = wire::encode_model(&BRI_CULTURAL_V1, &mut buf).unwrap();
    ///
    /// // A device keeps one model (in a static, or at the bottom of its stack) and
    /// // overwrites it when a new one arrives.
    /// let mut model = BRI_CULTURAL_V1.with_indicator_weights(&[2.0; 18]).unwrap();
    /// model.decode_into(bytes).unwrap();
    /// assert_eq!(model, BRI_CULTURAL_V1);
    ///
    /// // A bad message changes nothing.
    /// let before = model.clone();
    /// assert!(model.decode_into(&bytes[..bytes.len() - 1]).is_err());
    /// assert_eq!(model, before);
    /// ```
    pub fn decode_into(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let parsed = parse(body(bytes)?)?;
        validate_seq(&parsed.params, parsed.n, |i| parsed.indicator(i))?;
        self.overwrite_validated(parsed.name, parsed.params, parsed.n, |i| {
            parsed.indicator(i)
        });
        Ok(())
    }
}

/// A valid model to decode into, when there is no model yet: [`Model::decode_into`]
/// overwrites all of it. (`Model::decode` returns one by value.)
pub(crate) fn blank() -> Model {
    Model::trusted(
        ModelName::EMPTY,
        ModelParams::DEFAULT,
        crate::model::Indicators::new(),
        0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BRI_CULTURAL_V1;
    use crate::wire::{decode_exact, encode_model, MODEL_MAX_SIZE};

    /// serde's path, as `wire::decode_model` was before this decoder: derive(Deserialize),
    /// postcard, then validation through `Model::new`.
    fn serde_decode(bytes: &[u8]) -> Result<Model, DecodeError> {
        // serde's derived reader of the fields, then the same validation as Model::new
        let m: crate::model::UncheckedModel = decode_exact(body(bytes)?)?;
        Ok(Model::new(m.name.as_str(), m.params, &m.indicators)?)
    }

    fn ours(bytes: &[u8]) -> Result<Model, DecodeError> {
        let mut m = blank();
        m.decode_into(bytes).map(|()| m)
    }

    fn agree(bytes: &[u8]) {
        let a = ours(bytes);
        let b = serde_decode(bytes);
        assert_eq!(a, b, "bytes {bytes:02x?}");
    }

    /// Under Miri (thousands of times slower) the sweeps below visit every `MIRI_STRIDE`-th
    /// position only; natively they visit every one.
    const MIRI_STRIDE: usize = if cfg!(miri) { 29 } else { 1 };

    fn encoded(m: &Model) -> std::vec::Vec<u8> {
        let mut buf = [0u8; MODEL_MAX_SIZE];
        encode_model(m, &mut buf).unwrap().to_vec()
    }

    #[test]
    fn same_model_as_serde_for_the_default_and_every_cut() {
        let bytes = encoded(&BRI_CULTURAL_V1);
        assert_eq!(ours(&bytes).unwrap(), BRI_CULTURAL_V1);
        for cut in (0..bytes.len()).step_by(MIRI_STRIDE) {
            agree(&bytes[..cut]);
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(ours(&longer), Err(DecodeError::TrailingBytes));
        agree(&longer);
    }

    #[test]
    fn same_result_as_serde_for_every_byte_of_every_value() {
        // Every position of the default model's message, set to a spread of values: the
        // enum variants, varint continuation bits, string lengths, UTF-8 and f32 bytes.
        let bytes = encoded(&BRI_CULTURAL_V1);
        let values = [
            0x00, 0x01, 0x02, 0x03, 0x04, 0x0F, 0x10, 0x1F, 0x20, 0x21, 0x41, 0x7F, 0x80, 0x81,
            0xBF, 0xC0, 0xE0, 0xF0, 0xFE, 0xFF,
        ];
        for at in (0..bytes.len()).step_by(MIRI_STRIDE) {
            for v in values {
                let mut b = bytes.clone();
                b[at] = v;
                agree(&b);
            }
        }
    }

    #[test]
    fn varints_and_lengths_at_their_limits() {
        let good = encoded(&BRI_CULTURAL_V1);
        // The name's length (byte 1) re-encoded non-canonically in 2..=11 bytes, with and
        // without bits in the last byte beyond the usize (postcard accepts some of these).
        let name_len = good[1];
        for extra in 1..=10usize {
            for last in [0x00u8, 0x01, 0x02, 0x0F, 0x10, 0x7F] {
                let mut b = std::vec![good[0], name_len | 0x80];
                b.extend(std::iter::repeat_n(0x80, extra - 1));
                b.push(last);
                b.extend_from_slice(&good[2..]);
                agree(&b);
            }
        }
        // An enum variant (within, byte 2 + name) as a 1..=6-byte varint.
        let at = 2 + usize::from(name_len);
        for extra in 0..=5usize {
            for last in [0x00u8, 0x01, 0x02, 0x0F, 0x10] {
                let mut b = good[..at].to_vec();
                b.extend(std::iter::repeat_n(0x80, extra));
                b.push(last);
                b.extend_from_slice(&good[at + 1..]);
                agree(&b);
            }
        }
    }

    #[test]
    fn indicator_counts_and_ids() {
        // 0, 1 ... 40 copies of the default's first indicator: empty lists, duplicates,
        // lists longer than 32.
        let good = encoded(&BRI_CULTURAL_V1);
        let params_end = 2 + usize::from(good[1]) + 2 + 4 * 9;
        let first = {
            let id_len = usize::from(good[params_end + 1]);
            params_end + 1..params_end + 1 + 1 + id_len + 3 + 12
        };
        for n in (0..=40usize).step_by(if cfg!(miri) { 7 } else { 1 }) {
            for claimed in [n, n + 1, n.saturating_sub(1), 128] {
                let mut b = good[..params_end].to_vec();
                let mut len = [0u8; 4];
                let used = postcard::to_slice(&claimed, &mut len).unwrap().len();
                b.extend_from_slice(&len[..used]);
                for _ in 0..n {
                    b.extend_from_slice(&good[first.clone()]);
                }
                agree(&b);
            }
        }
        // A valid three-indicator model with every id length 0..=34 and some bad UTF-8.
        for id_len in (0..=34usize).step_by(if cfg!(miri) { 11 } else { 1 }) {
            for fill in [b'a', b'_', b' ', 0xC3, 0xFF] {
                let ids = [std::vec![fill; id_len], b"e".to_vec(), b"s".to_vec()];
                let mut b = good[..params_end].to_vec();
                b.push(3);
                for (k, id) in ids.iter().enumerate() {
                    b.push(id.len() as u8);
                    b.extend_from_slice(id);
                    b.extend_from_slice(&[k as u8, 0, 0]);
                    for v in [0.0f32, 1.0, 1.0] {
                        b.extend_from_slice(&v.to_le_bytes());
                    }
                }
                agree(&b);
            }
        }
    }

    #[test]
    fn random_bytes_and_mutations_agree() {
        let good = encoded(&BRI_CULTURAL_V1);
        let mut state = 0x9E37_79B9u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let rounds = if cfg!(miri) { 30 } else { 20_000 };
        for _ in 0..rounds {
            let mut b = good.clone();
            for _ in 0..1 + next() % 4 {
                let at = next() as usize % b.len();
                match next() % 4 {
                    0 => b[at] ^= 1 << (next() % 8),
                    1 => b[at] = next() as u8,
                    2 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, next() as u8),
                }
            }
            agree(&b);
            let n = next() as usize % 64;
            let random: std::vec::Vec<u8> = (0..n).map(|_| next() as u8).collect();
            agree(&random);
        }
    }

    #[test]
    fn invalid_models_name_the_same_field_and_leave_the_destination_alone() {
        let mut m = BRI_CULTURAL_V1.clone();
        let mut bad = encoded(&BRI_CULTURAL_V1);
        // floor 0: after the version, the name and the two aggregations
        let at = 2 + usize::from(bad[1]) + 2;
        bad[at..at + 4].copy_from_slice(&0.0f32.to_le_bytes());
        let e = m.decode_into(&bad).unwrap_err();
        assert_eq!(Err(e), serde_decode(&bad));
        assert!(matches!(e, DecodeError::InvalidModel(_)));
        assert_eq!(m, BRI_CULTURAL_V1);
        assert_eq!(m.decode_into(&[]), Err(DecodeError::Malformed));
        assert_eq!(
            m.decode_into(&[2]),
            Err(DecodeError::UnknownVersion { found: 2 })
        );
        assert_eq!(m, BRI_CULTURAL_V1);
    }
}
