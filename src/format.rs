//! Constants shared by every message format of the crate: the format version byte and the
//! CRC-32 of frames, journal entries and model fingerprints (docs/spec.md §6).
//!
//! This module is the bottom of the crate's module graph: it imports nothing from the crate,
//! so the model (fingerprints), the wire format and the journal can all depend on it.

/// The wire format version every message starts with (docs/spec.md §6).
pub const FORMAT_VERSION: u8 = 1;

/// The CRC used for model fingerprints, frame checksums and journal entries
/// (CRC-32/ISO-HDLC: the CRC of zlib, Ethernet and PNG).
pub(crate) const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
