//! Turning deployed contract code into a runnable program.
//!
//! Deployed Stylus code is `EF F0 00`, a dictionary byte and a brotli stream of
//! the WASM. Activation decompresses it (at most [`params::MAX_WASM_SIZE`]
//! bytes), validates and instruments it (see [`super::instrument`]).

use super::instrument::{self, InstrumentedModule};
use super::params;
use std::io::Read;

/// Prefix of classic (single-contract) Stylus programs.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// The first ArbOS version that answers non-Stylus code with `ProgramNotWasm`
/// (Nitro `ArbosVersion_StylusContractLimit`); before it that is a plain error.
pub const ARBOS_VERSION_NOT_WASM_FOR_ANY_CODE: u64 = 60;

/// Why code could not be activated, split as Nitro splits the gas it keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivationError {
    /// The code is not a Stylus program (ArbWasm's `ProgramNotWasm`, a typed
    /// revert that keeps the remaining gas).
    NotWasm,
    /// The WASM could not be read out of the code (bad prefix, dictionary or
    /// brotli stream, too large): a plain Go error in Nitro's `getWasm`, which
    /// reverts without data and keeps the remaining gas (ArbOS 11+).
    Unreadable(String),
    /// The WASM is malformed or breaks a limit: Nitro's `ErrProgramActivation`,
    /// which burns all gas and returns no data.
    Invalid(String),
}

impl std::fmt::Display for ActivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActivationError::NotWasm => write!(f, "ProgramNotWasm"),
            ActivationError::Unreadable(reason) | ActivationError::Invalid(reason) => {
                write!(f, "{reason}")
            }
        }
    }
}

/// Nitro's answer to activating code that is not a Stylus program
/// (`getWasmFromContractCode`): empty code is `ProgramNotWasm` at every
/// version; other code is a plain error before ArbOS 60.
pub fn not_stylus_error(code: &[u8], arbos_version: u64) -> ActivationError {
    if code.is_empty() || arbos_version >= ARBOS_VERSION_NOT_WASM_FOR_ANY_CODE {
        ActivationError::NotWasm
    } else {
        ActivationError::Unreadable("specified bytecode is not a Stylus program".into())
    }
}

/// Whether `code` carries the Stylus prefix (what EIP-3541 lets through on Arbitrum).
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > STYLUS_PREFIX.len() && code.starts_with(&STYLUS_PREFIX)
}

/// Extracts the WASM from deployed code.
pub fn decompress(code: &[u8]) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus_program(code) {
        return Err(not_stylus_error(code, params::ARBOS_VERSION));
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

/// Decompresses, validates and instruments deployed code.
pub fn compile(code: &[u8], page_limit: u16) -> Result<InstrumentedModule, ActivationError> {
    let wasm = decompress(code)?;
    instrument::instrument(&wasm, page_limit).map_err(ActivationError::Invalid)
}
