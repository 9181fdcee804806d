//! AHP (placeholder)
