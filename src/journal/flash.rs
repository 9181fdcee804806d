//! The flash abstraction the journal writes to, and an in-memory implementation for tests and
//! host tools.

use super::FlashError;

/// Largest write granularity ([`Flash::write_size`]) the journal supports, in bytes (the
/// 256-bit flash words of an STM32H7).
pub const MAX_WRITE_SIZE: usize = 32;

/// A region of NOR-like flash, addressed from 0 to [`Flash::capacity`].
///
/// Semantics the journal relies on, as on a SPI NOR chip (W25Q…, MX25…):
///
/// - **erased** bytes read `0xFF`; erasing is the caller's business (the journal never erases);
/// - **programming** can only clear bits (1 → 0): the journal only ever writes onto bytes that
///   read `0xFF` (past the last programmed byte of the region);
/// - a write that is cut by power loss leaves a *prefix* of its bytes programmed (in whatever
///   granularity the device has) and the rest erased.
///
/// `read` takes `&mut self` because a SPI or QSPI flash needs its bus to read. Offsets are
/// relative to the start of the region; an implementation returns [`FlashError`] for an
/// access outside `0..capacity()` or when the device reports a failure.
///
/// Devices that program in units larger than a byte (many MCU-internal flashes with ECC can
/// program each 8- or 16-byte word once) report it with [`Flash::write_size`]: the journal then
/// starts every write at a multiple of it and pads every write with `0x00` bytes (empty frames,
/// skipped by recovery) to a multiple of it.
///
/// ```
/// use silkscore::journal::{Flash, MemFlash};
/// let mut flash = MemFlash::new([0xFFu8; 8]);
/// flash.write(2, &[0x12, 0x00]).unwrap();
/// let mut out = [0u8; 4];
/// flash.read(0, &mut out).unwrap();
/// assert_eq!(out, [0xFF, 0xFF, 0x12, 0x00]);
/// // NOR flash cannot set a bit back to 1 without an erase:
/// assert!(flash.write(2, &[0xFF]).is_err());
/// ```
pub trait Flash {
    /// Size of the region in bytes.
    fn capacity(&self) -> usize;

    /// Programming granularity in bytes (1 for byte-programmable SPI NOR). Values above
    /// [`MAX_WRITE_SIZE`] make every append fail with [`super::JournalError::Flash`].
    fn write_size(&self) -> usize {
        1
    }

    /// Reads `buf.len()` bytes starting at `offset`.
    fn read(&mut self, offset: usize, buf: &mut [u8]) -> Result<(), FlashError>;

    /// Programs `data` starting at `offset` (bits can only go from 1 to 0).
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError>;
}

impl<T: Flash + ?Sized> Flash for &mut T {
    fn capacity(&self) -> usize {
        (**self).capacity()
    }
    fn write_size(&self) -> usize {
        (**self).write_size()
    }
    fn read(&mut self, offset: usize, buf: &mut [u8]) -> Result<(), FlashError> {
        (**self).read(offset, buf)
    }
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        (**self).write(offset, data)
    }
}

/// Flash simulated in RAM over any byte storage (`[u8; N]`, `&mut [u8]`, a `Vec<u8>`), with
/// NOR semantics: a write that would need to set a bit from 0 to 1 is refused with
/// [`FlashError`] and changes nothing. Used by the tests and fuzzers, and by host tools that
/// read a flash dump.
///
/// ```
/// use silkscore::journal::{Flash, MemFlash};
/// let mut region = [0u8; 16];
/// let mut flash = MemFlash::new(&mut region[..]);
/// flash.erase();
/// assert_eq!(flash.capacity(), 16);
/// flash.write(0, &[0xA5]).unwrap();
/// assert_eq!(flash.as_bytes()[..2], [0xA5, 0xFF]);
/// ```
#[derive(Clone, Debug)]
pub struct MemFlash<S> {
    storage: S,
    write_size: usize,
}

impl<S: AsRef<[u8]> + AsMut<[u8]>> MemFlash<S> {
    /// Flash over `storage`, content as given (pass `[0xFF; N]` for an erased region, or call
    /// [`MemFlash::erase`]). Write granularity 1.
    pub fn new(storage: S) -> Self {
        MemFlash {
            storage,
            write_size: 1,
        }
    }

    /// The same flash with another write granularity (see [`Flash::write_size`]); 0 counts
    /// as 1. Writes must then start at a multiple of it and have a length that is a multiple
    /// of it.
    pub fn with_write_size(mut self, write_size: usize) -> Self {
        self.write_size = write_size.max(1);
        self
    }

    /// Erases the whole region (every byte `0xFF`).
    pub fn erase(&mut self) {
        self.storage.as_mut().fill(0xFF);
    }

    /// The current content.
    pub fn as_bytes(&self) -> &[u8] {
        self.storage.as_ref()
    }

    /// The content, writable without NOR rules: for fault injection (flipping bits, cutting a
    /// write short).
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.storage.as_mut()
    }

    /// The storage back.
    pub fn into_inner(self) -> S {
        self.storage
    }
}

impl<S: AsRef<[u8]> + AsMut<[u8]>> Flash for MemFlash<S> {
    fn capacity(&self) -> usize {
        self.storage.as_ref().len()
    }

    fn write_size(&self) -> usize {
        self.write_size
    }

    fn read(&mut self, offset: usize, buf: &mut [u8]) -> Result<(), FlashError> {
        let end = offset.checked_add(buf.len()).ok_or(FlashError)?;
        let src = self.storage.as_ref().get(offset..end).ok_or(FlashError)?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        if !offset.is_multiple_of(self.write_size) || !data.len().is_multiple_of(self.write_size) {
            return Err(FlashError);
        }
        let end = offset.checked_add(data.len()).ok_or(FlashError)?;
        let dst = self
            .storage
            .as_mut()
            .get_mut(offset..end)
            .ok_or(FlashError)?;
        // Programming clears bits only: every 1 bit of `data` must still be 1 in the cell.
        if dst.iter().zip(data).any(|(cell, new)| cell & new != *new) {
            return Err(FlashError);
        }
        for (cell, new) in dst.iter_mut().zip(data) {
            *cell &= *new;
        }
        Ok(())
    }
}
