//! entropy (placeholder)
