//! The `silkscore` host tools through the real binary.
