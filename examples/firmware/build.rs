//! Picks the board's memory map from the compilation target and links with cortex-m-rt's
//! `link.x`.
//!
//! | target | QEMU board | core |
//! |---|---|---|
//! | `thumbv6m-none-eabi` | `microbit` (nRF51, 256 KiB flash, 16 KiB RAM) | Cortex-M0, soft float |
//! | `thumbv7m-none-eabi` | `lm3s6965evb` (256 KiB flash, 64 KiB RAM) | Cortex-M3, soft float |
//! | `thumbv7em-none-eabihf` | `mps2-an386` (4 MiB code SRAM, 4 MiB RAM) | Cortex-M4F, FPU |
//! | `riscv32imac-unknown-none-elf` | `virt` (RAM at 0x8000_0000) | 32-bit RISC-V, soft float |
//!
//! Each memory map also sets aside the journal's flash region (`_journal_start`,
//! `_journal_end`).

use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let (board, core) = if target.starts_with("riscv32") {
        ("virt-rv32", "riscv32imac")
    } else if target.starts_with("thumbv6m") {
        ("microbit", "cortex-m0")
    } else if target.starts_with("thumbv7em") {
        ("mps2-an386", "cortex-m4f")
    } else if target.starts_with("thumbv7m") {
        ("lm3s6965evb", "cortex-m3")
    } else {
        panic!(
            "silkscore-firmware builds for thumbv6m-none-eabi, thumbv7m-none-eabi, \
             thumbv7em-none-eabihf or riscv32imac-unknown-none-elf (pass --target), not {target}"
        );
    };
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let src = format!("memory/{board}.x");
    fs::copy(&src, out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=--nmagic");
    if target.starts_with("riscv32") {
        // riscv-rt's link.x does not include memory.x itself.
        println!("cargo:rustc-link-arg-bins=-Tmemory.x");
    }
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo::rustc-check-cfg=cfg(board_nrf51)");
    if board == "microbit" {
        println!("cargo:rustc-cfg=board_nrf51");
    }
    println!("cargo:rustc-env=SILKSCORE_BOARD={board}");
    println!("cargo:rustc-env=SILKSCORE_CORE={core}");
    println!("cargo:rerun-if-changed={src}");
    println!("cargo:rerun-if-changed=build.rs");
}
