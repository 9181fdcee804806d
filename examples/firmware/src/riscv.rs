//! The RISC-V side of the firmware (QEMU `virt`, `riscv32imac`): semihosting, the stack
//! pointer and stack bounds of riscv-rt, `minstret` as the instruction counter (exact under
//! QEMU `-icount shift=0`), the journal's flash region and the exception handler.

use core::ptr;

pub use riscv_semihosting::{debug, hio, nr, syscall};

extern "C" {
    /// Initial stack pointer: the top of the stack region (riscv-rt's `link.x`).
    static _stack_start: u32;
    /// The bottom of the stack region (riscv-rt's `link.x`: right after `.bss` and the heap,
    /// which is empty).
    static __estack: u32;
    /// The journal's flash region (`memory/virt-rv32.x`).
    static _journal_start: u32;
    static _journal_end: u32;
}

/// The current stack pointer.
#[inline(always)]
pub fn sp() -> usize {
    let sp: usize;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mv {}, sp", out(reg) sp, options(nomem, nostack)) };
    sp
}

pub fn stack_top() -> usize {
    ptr::addr_of!(_stack_start) as usize
}

pub fn stack_floor() -> usize {
    ptr::addr_of!(__estack) as usize
}

/// The journal region: start address and length in bytes.
pub fn journal_region() -> (usize, usize) {
    let start = ptr::addr_of!(_journal_start) as usize;
    let end = ptr::addr_of!(_journal_end) as usize;
    (start, end.saturating_sub(start))
}

/// `minstret` counts retired instructions; nothing to start.
pub fn timer_start() {}

pub fn now() -> u32 {
    riscv::register::minstret::read() as u32
}

/// Counts from `start` to `end` of the up-counting `minstret`.
pub fn ticks(start: u32, end: u32) -> u64 {
    end.wrapping_sub(start) as u64
}

/// `n` iterations of `addi; bnez`: exactly 2·n instructions.
#[inline(never)]
pub fn spin(n: u32) {
    // SAFETY: a register-only loop.
    unsafe {
        core::arch::asm!(
            "2:",
            "addi {0}, {0}, -1",
            "bnez {0}, 2b",
            inout(reg) n => _,
            options(nomem, nostack)
        );
    }
}

/// Erases the journal region (all bytes `0xFF`): RAM on `virt`, treated as NOR flash.
pub fn journal_erase(start: usize, len: usize) {
    let mut a = start;
    while a + 4 <= start + len {
        // SAFETY: the journal region is ours alone (memory/virt-rv32.x).
        unsafe { ptr::write_volatile(a as *mut u32, u32::MAX) };
        a += 4;
    }
}

/// Programs one aligned word: bits only go from 1 to 0, as on NOR flash.
pub fn journal_program(addr: usize, word: u32) {
    // SAFETY: an aligned word inside the journal region.
    unsafe {
        let old = ptr::read_volatile(addr as *const u32);
        ptr::write_volatile(addr as *mut u32, old & word);
    }
}

/// Any exception (an illegal instruction, a misaligned or faulting access): say so and stop
/// QEMU with a failure.
#[export_name = "ExceptionHandler"]
fn exception_handler(_trap: &riscv_rt::TrapFrame) -> ! {
    if let Ok(mut s) = hio::hstdout() {
        let _ = s.write_all(b"# EXCEPTION\n");
    }
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}
