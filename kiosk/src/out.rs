//! The output buffer the page reads after each call: little-endian numbers and
//! length-prefixed byte strings, written into a fixed buffer (no allocation).
//!
//! A write that does not fit sets the overflow flag and writes nothing more; callers check
//! [`Out::room`] before an item so that an item is always written whole.

/// A writer over a fixed byte buffer.
#[derive(Debug)]
pub struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
    overflow: bool,
}

impl<'a> Out<'a> {
    /// An empty output over `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Out {
            buf,
            len: 0,
            overflow: false,
        }
    }

    /// An output over `buf` that keeps its first `len` bytes (to append to earlier items).
    pub fn resume(buf: &'a mut [u8], len: usize) -> Self {
        let len = len.min(buf.len());
        Out {
            buf,
            len,
            overflow: false,
        }
    }

    /// Bytes written.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes still free.
    pub fn room(&self) -> usize {
        self.buf.len().saturating_sub(self.len)
    }

    /// Whether a write did not fit.
    pub const fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The bytes written.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Forgets everything written.
    pub fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
    }

    /// Appends raw bytes (all or nothing).
    pub fn bytes(&mut self, b: &[u8]) {
        if self.overflow {
            return;
        }
        let end = self.len.saturating_add(b.len());
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len = end;
            }
            None => self.overflow = true,
        }
    }

    /// One byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }

    /// A u16, little-endian.
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_le_bytes());
    }

    /// A u32, little-endian.
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    /// A u64, little-endian.
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    /// An f32 as its bits, little-endian: the page reads the exact value.
    pub fn f32(&mut self, v: f32) {
        self.u32(v.to_bits());
    }

    /// A byte string of at most 255 bytes: a u8 length, then the bytes (cut at 255, at a
    /// UTF-8 character boundary when `b` is UTF-8).
    pub fn str8(&mut self, b: &[u8]) {
        let b = cut(b, usize::from(u8::MAX));
        self.u8(b.len() as u8);
        self.bytes(b);
    }

    /// A byte string of at most `max` (≤ 65535) bytes: a u16 length, then the bytes (cut at
    /// a UTF-8 character boundary when `b` is UTF-8).
    pub fn str16(&mut self, b: &[u8], max: usize) {
        let b = cut(b, max.min(usize::from(u16::MAX)));
        self.u16(b.len() as u16);
        self.bytes(b);
    }
}

/// The first `max` bytes of `b`, moved back to a UTF-8 character boundary when `b` is UTF-8
/// (continuation bytes are dropped from the cut end).
pub fn cut(b: &[u8], max: usize) -> &[u8] {
    if b.len() <= max {
        return b;
    }
    let mut end = max;
    // A UTF-8 continuation byte is 0b10xx_xxxx: step back over at most three of them.
    let mut back = 0;
    while back < 3 && end > 0 && b.get(end).is_some_and(|c| c & 0xC0 == 0x80) {
        end -= 1;
        back += 1;
    }
    b.get(..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_little_endian_and_refuses_what_does_not_fit() {
        let mut buf = [0u8; 8];
        let mut o = Out::new(&mut buf);
        o.u16(0x0102);
        o.f32(1.0);
        assert_eq!(o.as_bytes(), &[2, 1, 0, 0, 0x80, 0x3F]);
        assert_eq!(o.room(), 2);
        o.u32(7); // does not fit: nothing written
        assert!(o.overflowed());
        assert_eq!(o.len(), 6);
        o.u8(1); // nothing after an overflow
        assert_eq!(o.len(), 6);
        o.clear();
        assert!(o.is_empty() && !o.overflowed());
    }

    #[test]
    fn strings_are_cut_at_character_boundaries() {
        // "丝" is three bytes: cutting "a丝" at 2 or 3 keeps only "a"
        let s = "a丝".as_bytes();
        assert_eq!(cut(s, 2), b"a");
        assert_eq!(cut(s, 3), b"a");
        assert_eq!(cut(s, 4), s);
        let mut buf = [0u8; 300];
        let mut o = Out::new(&mut buf);
        let long = [b'x'; 400];
        o.str8(&long);
        assert_eq!(o.len(), 1 + 255);
        let mut buf = [0u8; 16];
        let mut o = Out::new(&mut buf);
        o.str16(s, 2);
        assert_eq!(o.as_bytes(), &[1, 0, b'a']);
    }
}
