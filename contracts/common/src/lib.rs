//! Pieces every contract of the protocol shares: the interfaces through which
//! the contracts call each other, the protocol-wide constants, checked
//! fixed-point arithmetic with explicit rounding, and role-based access
//! control with a two-step admin transfer.
#![no_std]
#![cfg_attr(not(test), warn(missing_docs))]
extern crate alloc;

pub mod abi;
pub mod access;
pub mod constants;
#[cfg(feature = "export-abi")]
pub mod export;
pub mod external;
pub mod interfaces;
pub mod introspection;
pub mod math;
pub mod rate_limit;
pub mod shares;
pub mod transfer;

/// Programs are `no_std` and abort on panic without formatting a message:
/// the standard library's handler would link its panic machinery and
/// `core::fmt` into every program. A panic is a bug; every expected failure
/// is a typed error instead.
#[cfg(all(target_arch = "wasm32", not(feature = "export-abi")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
