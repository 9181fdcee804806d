//! Indicator weights from judgement or data (SPEC §5): equal, AHP and entropy.

pub mod ahp;
pub mod entropy;
