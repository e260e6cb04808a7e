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

/// Why code could not be activated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivationError {
    /// The code is not a Stylus program (ArbWasm's `ProgramNotWasm`).
    NotWasm,
    /// The program is malformed or breaks a limit; Nitro reports these as plain errors.
    Invalid(String),
}

impl std::fmt::Display for ActivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActivationError::NotWasm => write!(f, "ProgramNotWasm"),
            ActivationError::Invalid(reason) => write!(f, "{reason}"),
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
            return Err(ActivationError::Invalid(
                "unsupported dictionary type: 1 (the devnode only accepts dictionary 0)".into(),
            ))
        }
        other => {
            return Err(ActivationError::Invalid(format!(
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
        .map_err(|e| ActivationError::Invalid(format!("failed to decompress program: {e}")))?;
    if wasm.len() as u64 > limit {
        return Err(ActivationError::Invalid(format!(
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
