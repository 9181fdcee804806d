//! Fixed-capacity strings: indicator ids, model names and record names.
//!
//! [`ShortStr`] stores at most `N` bytes of UTF-8 inline (no allocation) and can be built in
//! a `const` context, which is what lets the default model be a `const`.

use core::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// At most `N` bytes of UTF-8, stored inline.
///
/// ```
/// use silkscore::ShortStr;
/// let s = ShortStr::<8>::new("Dunhuang").unwrap();
/// assert_eq!(s.as_str(), "Dunhuang");
/// assert!(ShortStr::<4>::new("Dunhuang").is_none());
/// // Cut at a character boundary instead of failing:
/// assert_eq!(ShortStr::<4>::truncating("Kashgar").as_str(), "Kash");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortStr<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> ShortStr<N> {
    /// The empty string.
    pub const EMPTY: Self = Self {
        len: 0,
        bytes: [0; N],
    };

    /// Copies `s`, or returns `None` when it is longer than `N` bytes (or than 255).
    pub const fn new(s: &str) -> Option<Self> {
        let src = s.as_bytes();
        if src.len() > N || src.len() > u8::MAX as usize {
            return None;
        }
        let mut bytes = [0u8; N];
        let mut i = 0;
        // `i < src.len() <= N`, checked above: neither index can be out of bounds.
        #[allow(clippy::indexing_slicing)]
        while i < src.len() {
            bytes[i] = src[i];
            i += 1;
        }
        Some(Self {
            len: src.len() as u8,
            bytes,
        })
    }

    /// Copies the longest prefix of `s` that fits in `N` bytes and ends on a character
    /// boundary.
    pub fn truncating(s: &str) -> Self {
        let mut end = s.len().min(N).min(u8::MAX as usize);
        while end > 0 && !s.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = s.get(..end).unwrap_or("");
        Self::new(prefix).unwrap_or(Self::EMPTY)
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len as usize).unwrap_or(&[]);
        // Only ever filled from a `&str` prefix that ends on a char boundary.
        core::str::from_utf8(bytes).unwrap_or("")
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// True when empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for ShortStr<N> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<const N: usize> fmt::Debug for ShortStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for ShortStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for ShortStr<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=str}", self.as_str())
    }
}

impl<const N: usize> Serialize for ShortStr<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.as_str();
        // Never true (at most 255 bytes, and every ShortStr of this crate is at most 32); it
        // tells the optimiser the length fits one varint byte, which removes postcard's
        // varint loop and its bounds check from firmware builds.
        if s.len() > 127 {
            return Err(serde::ser::Error::custom("string longer than 127 bytes"));
        }
        serializer.serialize_str(s)
    }
}

impl<'de, const N: usize> Deserialize<'de> for ShortStr<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> de::Visitor<'_> for V<N> {
            type Value = ShortStr<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a string of at most {N} bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                ShortStr::new(v).ok_or_else(|| E::invalid_length(v.len(), &self))
            }
        }
        deserializer.deserialize_str(V::<N>)
    }
}
