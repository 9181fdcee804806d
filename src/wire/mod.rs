//! wire (being written)
#![allow(missing_docs)]
pub const MODEL_MAX_SIZE: usize = 2048;
pub fn encode_model<'a>(m: &crate::Model, buf: &'a mut [u8]) -> Result<&'a mut [u8], crate::Error> {
    postcard::to_slice(&(crate::FORMAT_VERSION, m), buf).map_err(|_| crate::Error::BufferTooSmall { needed: MODEL_MAX_SIZE })
}
