//! The model fingerprint: CRC-32 of the model's canonical encoding.
//!
//! **Definition (stable within format version 1).** The fingerprint of a model is the
//! CRC-32/ISO-HDLC checksum (the CRC of zlib, Ethernet and PNG: polynomial `0x04C11DB7`,
//! reflected, init and xorout `0xFFFFFFFF`) of the model's wire message: the format version
//! byte followed by the postcard encoding of the model (name, parameters, indicators), i.e.
//! exactly the bytes that [`crate::wire::encode_model`] writes. Two models have the same
//! fingerprint when they encode to the same bytes, so a scores message can name the model
//! that made it.

use super::{Aggregation, Model};
use crate::format::{CRC32, FORMAT_VERSION};

/// Feeds bytes into the CRC (one copy of the CRC loop for every field).
#[inline(never)]
fn feed(digest: &mut crc::Digest<'_, u32>, bytes: &[u8]) {
    digest.update(bytes);
}

/// A string as postcard writes it: its length as a varint, then its bytes. Every string of a
/// model is at most 32 bytes, so the varint is the one byte of the length.
fn feed_str(digest: &mut crc::Digest<'_, u32>, s: &str) {
    feed(digest, &[s.len() as u8]);
    feed(digest, s.as_bytes());
}

/// Computes the fingerprint of a model without any buffer: the bytes of its wire message,
/// written here field by field as postcard writes them (the format version; the name; the
/// two aggregations, each its variant index as a one-byte varint; the floor, minimum coverage,
/// grades and connotation weights as little-endian f32; the number of indicators, at most 32,
/// as a one-byte varint; per indicator its id, the variant indices of its connotation,
/// direction and transform, and lo, hi and weight). The unit tests check that the bytes are
/// postcard's, for the default model and for random ones.
pub(crate) fn compute(model: &Model) -> u32 {
    let mut d = CRC32.digest();
    feed(&mut d, &[FORMAT_VERSION]);
    feed_str(&mut d, model.name());
    let p = model.params();
    let variant = |a: Aggregation| match a {
        Aggregation::Arithmetic => 0u8,
        Aggregation::Geometric => 1,
    };
    feed(&mut d, &[variant(p.within), variant(p.across)]);
    let [g0, g1, g2, g3] = p.grades;
    let [w0, w1, w2] = p.weights;
    for v in [p.floor, p.min_coverage, g0, g1, g2, g3, w0, w1, w2] {
        feed(&mut d, &v.to_le_bytes());
    }
    let indicators = model.indicators();
    feed(&mut d, &[indicators.len() as u8]);
    for ind in indicators {
        feed_str(&mut d, ind.id.as_str());
        feed(
            &mut d,
            &[
                ind.connotation.index() as u8,
                ind.direction as u8,
                ind.transform as u8,
            ],
        );
        for v in [ind.lo, ind.hi, ind.weight] {
            feed(&mut d, &v.to_le_bytes());
        }
    }
    d.finalize()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Connotation, Direction, Indicator, ModelParams, Transform};
    use postcard::ser_flavors::Flavor;

    /// The definition: postcard's bytes of (version, model), into the CRC.
    fn by_postcard(model: &Model) -> u32 {
        struct Sink<'a>(crc::Digest<'a, u32>);
        impl Flavor for Sink<'_> {
            type Output = u32;
            fn try_push(&mut self, b: u8) -> postcard::Result<()> {
                self.0.update(&[b]);
                Ok(())
            }
            fn finalize(self) -> postcard::Result<u32> {
                Ok(self.0.finalize())
            }
        }
        postcard::serialize_with_flavor(&(FORMAT_VERSION, model), Sink(CRC32.digest())).unwrap()
    }

    #[test]
    fn the_bytes_are_postcards() {
        let m = &crate::BRI_CULTURAL_V1;
        assert_eq!(compute(m), by_postcard(m));
        assert_eq!(compute(m), 0xa5f1_d3eb);
        // every variant, names and ids of 1 to 32 bytes, odd floats, 3 to 32 indicators
        let transforms = [Transform::Lin, Transform::Log, Transform::Ln];
        let directions = [Direction::Benefit, Direction::Cost];
        for n in 3..=32usize {
            let inds: std::vec::Vec<Indicator> = (0..n)
                .map(|i| {
                    let id = std::format!("{i:0>width$}", width = 1 + i % 32);
                    Indicator::new(
                        &id,
                        Connotation::ALL[(i * 7) % 3],
                        directions[i % 2],
                        transforms[(i / 2) % 3],
                        0.5 + i as f32,
                        1.0e6 + i as f32,
                    )
                    .with_weight(i as f32 * 0.37)
                })
                .collect();
            let name = "n".repeat(n);
            for params in [
                ModelParams::DEFAULT,
                ModelParams {
                    within: Aggregation::Geometric,
                    across: Aggregation::Arithmetic,
                    floor: 1.0e-40,
                    min_coverage: -0.0,
                    grades: [99.0, 1.5, 1.25, 0.0],
                    weights: [0.0, 1.0e29, 3.0],
                },
            ] {
                let mut inds = inds.clone();
                for ind in inds.iter_mut().take(3) {
                    ind.weight = 1.0;
                }
                let m = Model::new(&name, params, &inds).unwrap();
                assert_eq!(compute(&m), by_postcard(&m), "{n} indicators");
            }
        }
    }
}
