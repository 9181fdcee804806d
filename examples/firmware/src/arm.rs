//! The Cortex-M side of the firmware: semihosting, the stack pointer and stack bounds of
//! cortex-m-rt, SysTick as an instruction counter under QEMU `-icount shift=0`, the journal's
//! flash region and the HardFault handler.

use core::ptr;

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::{exception, ExceptionFrame};
pub use cortex_m_semihosting::{debug, hio, nr, syscall};

extern "C" {
    /// Initial stack pointer: the top of RAM (cortex-m-rt's `link.x`).
    static _stack_start: u32;
    /// The lowest address the stack may reach: the end of `.bss`/`.uninit` (cortex-m-rt).
    static _stack_end: u32;
    /// The journal's flash region (`memory/*.x`): kept out of `FLASH`/`RAM` there.
    static _journal_start: u32;
    static _journal_end: u32;
}

/// The current stack pointer.
#[inline(always)]
pub fn sp() -> usize {
    cortex_m::register::msp::read() as usize
}

pub fn stack_top() -> usize {
    // Taking the address of a linker symbol is safe; it is never read.
    ptr::addr_of!(_stack_start) as usize
}

pub fn stack_floor() -> usize {
    ptr::addr_of!(_stack_end) as usize
}

/// The journal region: start address and length in bytes.
pub fn journal_region() -> (usize, usize) {
    let start = ptr::addr_of!(_journal_start) as usize;
    let end = ptr::addr_of!(_journal_end) as usize;
    (start, end.saturating_sub(start))
}

/// SysTick as a free-running 24-bit down-counter at the core clock.
pub fn timer_start() {
    // SAFETY: the only user of the peripherals.
    let mut p = unsafe { cortex_m::Peripherals::steal() };
    p.SYST.set_clock_source(SystClkSource::Core);
    p.SYST.set_reload(0x00FF_FFFF);
    p.SYST.clear_current();
    p.SYST.enable_counter();
}

pub fn now() -> u32 {
    SYST::get_current()
}

/// Ticks from `start` to `end` of the 24-bit down-counter.
pub fn ticks(start: u32, end: u32) -> u64 {
    (start.wrapping_sub(end) & 0x00FF_FFFF) as u64
}

/// `n` iterations of `subs; bne`: exactly 2·n instructions.
#[inline(never)]
pub fn spin(n: u32) {
    // SAFETY: a register-only loop.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs r0, #1",
            "bne 2b",
            inout("r0") n => _,
            options(nomem, nostack)
        );
    }
}

/// The nRF51's NVMC (micro:bit): flash is written and erased only while its CONFIG register
/// allows it. Elsewhere the journal region is RAM that the firmware treats as NOR flash.
#[cfg(board_nrf51)]
mod nvmc {
    const CONFIG: usize = 0x4001_E504;
    const ERASEPAGE: usize = 0x4001_E508;
    const READY: usize = 0x4001_E400;
    pub const PAGE: usize = 1024;

    fn set(config: u32) {
        // SAFETY: the NVMC's CONFIG register (nRF51 reference manual §6).
        unsafe { core::ptr::write_volatile(CONFIG as *mut u32, config) };
        wait();
    }

    fn wait() {
        // SAFETY: the NVMC's READY register.
        while unsafe { core::ptr::read_volatile(READY as *const u32) } & 1 == 0 {}
    }

    pub fn erase_page(addr: usize) {
        set(2);
        // SAFETY: ERASEPAGE takes the address of a page of the journal region.
        unsafe { core::ptr::write_volatile(ERASEPAGE as *mut u32, addr as u32) };
        wait();
        set(0);
    }

    pub fn write_enable(on: bool) {
        set(u32::from(on));
    }
}

/// Erases the journal region (all bytes `0xFF`).
pub fn journal_erase(start: usize, len: usize) {
    #[cfg(board_nrf51)]
    {
        let mut a = start;
        while a < start + len {
            nvmc::erase_page(a);
            a += nvmc::PAGE;
        }
    }
    #[cfg(not(board_nrf51))]
    {
        let mut a = start;
        while a + 4 <= start + len {
            // SAFETY: the journal region is ours alone (memory/*.x).
            unsafe { ptr::write_volatile(a as *mut u32, u32::MAX) };
            a += 4;
        }
    }
}

/// Programs one aligned word of the journal region: bits only go from 1 to 0, as on NOR flash
/// (the nRF51's NVMC does this itself; RAM is given `old & new`).
pub fn journal_program(addr: usize, word: u32) {
    #[cfg(board_nrf51)]
    nvmc::write_enable(true);
    // SAFETY: an aligned word inside the journal region.
    unsafe {
        let old = ptr::read_volatile(addr as *const u32);
        ptr::write_volatile(addr as *mut u32, old & word);
    }
    #[cfg(board_nrf51)]
    nvmc::write_enable(false);
}

#[exception]
unsafe fn HardFault(_frame: &ExceptionFrame) -> ! {
    if let Ok(mut s) = hio::hstdout() {
        let _ = s.write_all(b"# HARDFAULT\n");
    }
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}
