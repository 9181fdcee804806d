//! The model fingerprint: CRC-32 of the model's canonical encoding.
//!
//! **Definition (stable within format version 1).** The fingerprint of a model is the
//! CRC-32/ISO-HDLC checksum (the CRC of zlib, Ethernet and PNG: polynomial `0x04C11DB7`,
//! reflected, init and xorout `0xFFFFFFFF`) of the model's wire message: the format version
//! byte followed by the postcard encoding of the model (name, parameters, indicators), i.e.
//! exactly the bytes that [`crate::wire::encode_model`] writes. Two models have the same
//! fingerprint when they encode to the same bytes, so a scores message can name the model
//! that made it.

use postcard::ser_flavors::Flavor;

use super::Model;
use crate::format::{CRC32, FORMAT_VERSION};

/// A postcard flavor that feeds every byte into a CRC instead of storing it.
struct CrcSink<'a> {
    digest: crc::Digest<'a, u32>,
}

impl Flavor for CrcSink<'_> {
    type Output = u32;
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.digest.update(&[data]);
        Ok(())
    }
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.digest.update(data);
        Ok(())
    }
    fn finalize(self) -> postcard::Result<u32> {
        Ok(self.digest.finalize())
    }
}

/// Computes the fingerprint of a model without any buffer.
pub(crate) fn compute(model: &Model) -> u32 {
    let sink = CrcSink {
        digest: CRC32.digest(),
    };
    // Serialising into a CRC sink cannot fail: no buffer can fill up, and every field of a
    // model is a plain value.
    postcard::serialize_with_flavor(&(FORMAT_VERSION, model), sink).unwrap_or(0)
}

/// The fingerprint of an already encoded model message (CRC-32/ISO-HDLC of `bytes`).
///
/// ```
/// use silkscore::{wire, model::fingerprint_bytes, BRI_CULTURAL_V1};
/// let mut buf = [0u8; wire::MODEL_MAX_SIZE];
/// let bytes = wire::encode_model(&BRI_CULTURAL_V1, &mut buf).unwrap();
/// assert_eq!(fingerprint_bytes(bytes), BRI_CULTURAL_V1.fingerprint());
/// ```
pub fn fingerprint_bytes(bytes: &[u8]) -> u32 {
    CRC32.checksum(bytes)
}
