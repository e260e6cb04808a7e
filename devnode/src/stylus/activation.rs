//! Turning deployed contract code into a runnable program.
//!
//! Deployed Stylus code is `EF F0 00`, a dictionary byte and a brotli stream of
//! the WASM, or from ArbOS 60 a root listing fragments (see [`super::fragments`]).
//! Activation decompresses it (at most [`params::MAX_WASM_SIZE`] bytes),
//! validates and instruments it (see [`super::instrument`]).

use super::fragments::{self, ActivationLimits};
use super::instrument::{self, InstrumentedModule};
use super::params;
use super::version::ArbosVersion;
use alloy_primitives::Address;
use std::io::Read;

/// Prefix of classic (single-contract) Stylus programs.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// Why code could not be activated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivationError {
    /// The code is not a Stylus program (ArbWasm's `ProgramNotWasm`, a typed
    /// revert that keeps the remaining gas).
    NotWasm,
    /// The WASM is malformed or breaks a limit: Nitro's `ErrProgramActivation`,
    /// which burns all gas and returns no data.
    Invalid(String),
    /// The WASM could not be read out of the code (bad prefix, dictionary or
    /// brotli stream, too large; a root or its fragments unreadable): Nitro's
    /// `getWasm` errors, plain Go errors that revert the activation without
    /// data and keep the gas not yet used (ArbOS 11+).
    Unreadable(String),
    /// A fragment read ran out of gas.
    OutOfGas,
}

impl std::fmt::Display for ActivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActivationError::NotWasm => write!(f, "ProgramNotWasm"),
            ActivationError::Invalid(reason) | ActivationError::Unreadable(reason) => {
                write!(f, "{reason}")
            }
            ActivationError::OutOfGas => write!(f, "out of gas"),
        }
    }
}

/// Whether `code` carries the Stylus prefix (what EIP-3541 lets through on Arbitrum).
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > STYLUS_PREFIX.len() && code.starts_with(&STYLUS_PREFIX)
}

/// Extracts the WASM from deployed code.
pub fn decompress(code: &[u8]) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus_program(code) {
        return Err(ActivationError::NotWasm);
    }
    let dictionary = code[STYLUS_PREFIX.len()];
    match dictionary {
        0 => {}
        // Nitro's dictionary 1 is a built-in brotli dictionary for Stylus programs
        // that the devnode does not carry.
        1 => {
            return Err(ActivationError::Unreadable(
                "unsupported dictionary type: 1 (the devnode only accepts dictionary 0)".into(),
            ))
        }
        other => {
            return Err(ActivationError::Unreadable(format!(
                "unsupported dictionary type: {other}"
            )))
        }
    }
    let compressed = &code[STYLUS_PREFIX.len() + 1..];
    let limit = params::MAX_WASM_SIZE as u64;
    let mut wasm = Vec::new();
    brotli_decompressor::Decompressor::new(compressed, 4096)
        .take(limit + 1)
        .read_to_end(&mut wasm)
        .map_err(|e| ActivationError::Unreadable(format!("failed to decompress program: {e}")))?;
    if wasm.len() as u64 > limit {
        return Err(ActivationError::Unreadable(format!(
            "decompressed wasm exceeds the {limit} byte limit"
        )));
    }
    Ok(wasm)
}

/// Whether `code` runs as a Stylus program at `arbos_version` (go-ethereum
/// `IsStylusDeployableProgramPrefix`): classic code, or a root from ArbOS 60.
pub fn is_program(code: &[u8], arbos_version: ArbosVersion) -> bool {
    is_stylus_program(code) || (arbos_version.has_fragments() && fragments::is_root(code))
}

/// Whether `code` starting with 0xEF may be deployed at `arbos_version`
/// (go-ethereum `IsStylusComponentPrefix`): a program, or a fragment from ArbOS 60.
pub fn is_deployable(code: &[u8], arbos_version: ArbosVersion) -> bool {
    is_program(code, arbos_version)
        || (arbos_version.has_fragments() && fragments::is_fragment(code))
}

/// How activation reads a root's fragments: each read returns the fragment's
/// code and, on activation, charges its gas.
pub type FragmentReader<'a> = &'a mut dyn FnMut(Address) -> Result<Vec<u8>, ActivationError>;

/// Extracts the WASM from deployed code at `arbos_version` (Nitro
/// `getWasmFromContractCode`). `activating` applies the activation-only
/// limits to roots (decompressed size, fragment count).
pub fn program_wasm(
    code: &[u8],
    arbos_version: ArbosVersion,
    activating: bool,
    read_fragment: FragmentReader<'_>,
) -> Result<Vec<u8>, ActivationError> {
    if code.is_empty() {
        return Err(ActivationError::NotWasm);
    }
    if is_stylus_program(code) {
        return decompress(code);
    }
    if !arbos_version.has_fragments() {
        // Nitro before fragments: a plain error, not ProgramNotWasm.
        return Err(ActivationError::Unreadable(
            "specified bytecode is not a Stylus program".into(),
        ));
    }
    if fragments::is_root(code) {
        let limits = activating.then_some(ActivationLimits {
            max_wasm_size: params::MAX_WASM_SIZE,
            max_fragments: arbos_version.max_fragment_count(),
        });
        return fragments::assemble(code, limits, read_fragment);
    }
    if fragments::is_fragment(code) {
        return Err(ActivationError::Unreadable(
            "fragmented stylus programs cannot be activated directly; activate the root program instead"
                .into(),
        ));
    }
    Err(ActivationError::NotWasm)
}

/// Decompresses, validates and instruments deployed code.
pub fn compile(
    code: &[u8],
    page_limit: u16,
    arbos_version: ArbosVersion,
    activating: bool,
    read_fragment: FragmentReader<'_>,
) -> Result<InstrumentedModule, ActivationError> {
    let wasm = program_wasm(code, arbos_version, activating, read_fragment)?;
    instrument::instrument(&wasm, page_limit, arbos_version).map_err(ActivationError::Invalid)
}
