//! The errors of the journal and of the flash it writes to.

use core::fmt;

/// A flash read or write failed: the access lies outside the region (or is not aligned to the
/// write size), or the device refused it or reported a failure. Returned by [`super::Flash`]
/// implementations; the journal reports it as [`JournalError::Flash`].
///
/// A plain unit struct, so that any flash driver can return it: `Err(FlashError)`.
///
/// ```
/// use silkscore::journal::{Flash, FlashError, MemFlash};
/// let mut flash = MemFlash::new([0xFFu8; 4]);
/// assert_eq!(flash.write(4, &[0]), Err(FlashError)); // outside the region
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FlashError;

impl FlashError {
    /// A short, static description of the error.
    pub const fn as_str(&self) -> &'static str {
        "flash read or write failed"
    }
}

impl fmt::Display for FlashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for FlashError {}

/// Why a journal operation failed.
///
/// ```
/// use silkscore::journal::{Journal, JournalError, MemFlash};
/// # use silkscore::{score, Record, BRI_CULTURAL_V1 as M};
/// # let mut r = Record::new(1, M.len());
/// # for i in 0..M.len() { r.set(i, 5.0).unwrap(); }
/// # let s = score(&M, &r).unwrap();
/// let mut journal = Journal::open(MemFlash::new([0xFFu8; 64])).unwrap();
/// assert_eq!(journal.append(&s), Ok(0));
/// assert_eq!(journal.append(&s), Err(JournalError::JournalFull));
/// assert_eq!(JournalError::JournalFull.to_string(), "journal region full");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum JournalError {
    /// A flash read or write failed ([`FlashError`]), or the flash's write size is above
    /// [`super::MAX_WRITE_SIZE`].
    Flash,
    /// The journal region has no room for another entry (or used up its sequence numbers);
    /// nothing was written.
    JournalFull,
    /// The scores to append are out of their ranges (they could never be read back); nothing
    /// was written.
    InvalidValue,
}

impl JournalError {
    /// A short, static description of the error kind.
    pub const fn as_str(&self) -> &'static str {
        match self {
            JournalError::Flash => FlashError.as_str(),
            JournalError::JournalFull => "journal region full",
            JournalError::InvalidValue => "scores out of range",
        }
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for JournalError {}

impl From<FlashError> for JournalError {
    fn from(_: FlashError) -> Self {
        JournalError::Flash
    }
}
