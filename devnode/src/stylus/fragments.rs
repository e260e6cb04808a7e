//! ArbOS 60+ fragmented programs: a root contract that lists fragment
//! contracts whose code, concatenated, is one brotli stream of the WASM.
//!
//! The format is go-ethereum's (`core/state/statedb_arbitrum.go`, Offchain
//! Labs fork) and Nitro's (`arbos/programs/programs.go`,
//! `getWasmFromRootStylus`):
//!
//! - root: `EF F0 02`, a dictionary byte, the decompressed WASM length as a
//!   big-endian u32, then 20-byte fragment addresses (a whole number of them);
//! - fragment: `EF F0 01` followed by a chunk of the compressed stream.
//!
//! Only the root is a program: it is what is activated and called. A
//! fragment is deployable code that runs as nothing (its 0xEF byte is an
//! invalid EVM opcode).

use super::activation::ActivationError;
use alloy_primitives::Address;
use std::io::Read;

/// Prefix of a fragment's code.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// Prefix of a root program's code (the dictionary byte follows).
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Bytes of a root before its fragment addresses: prefix, dictionary, length.
pub const ROOT_HEADER_LEN: usize = 8;

/// EIP-2929 cold account access, charged to read a fragment not yet accessed.
pub const COLD_FRAGMENT_READ_GAS: u64 = 2_600;
/// EIP-2929 warm read, charged to read a fragment already accessed.
pub const WARM_FRAGMENT_READ_GAS: u64 = 100;
/// Gas per 32-byte word of fragment code copied (geth `CopyGas`).
pub const FRAGMENT_COPY_WORD_GAS: u64 = 3;

/// A parsed root program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub dictionary: u8,
    pub decompressed_len: u32,
    pub fragments: Vec<Address>,
}

/// Whether `code` starts with the fragment prefix and carries data after it.
pub fn is_fragment(code: &[u8]) -> bool {
    code.len() > FRAGMENT_PREFIX.len() && code.starts_with(&FRAGMENT_PREFIX)
}

/// Whether `code` starts with the root prefix and carries data after it.
pub fn is_root(code: &[u8]) -> bool {
    code.len() > ROOT_PREFIX.len() && code.starts_with(&ROOT_PREFIX)
}

/// Builds a root's code (dictionary 0) for `fragments` of a WASM of `decompressed_len` bytes.
pub fn root_code(decompressed_len: u32, fragments: &[Address]) -> Vec<u8> {
    let mut code = Vec::with_capacity(ROOT_HEADER_LEN + 20 * fragments.len());
    code.extend_from_slice(&ROOT_PREFIX);
    code.push(0);
    code.extend_from_slice(&decompressed_len.to_be_bytes());
    for fragment in fragments {
        code.extend_from_slice(fragment.as_slice());
    }
    code
}

/// Splits a compressed stream into fragment codes of at most `max_code_size` bytes each.
pub fn fragment_codes(compressed: &[u8], max_code_size: usize) -> Vec<Vec<u8>> {
    compressed
        .chunks(max_code_size - FRAGMENT_PREFIX.len())
        .map(|chunk| [FRAGMENT_PREFIX.as_slice(), chunk].concat())
        .collect()
}

/// Parses a root (go-ethereum `NewStylusRoot`).
pub fn parse_root(code: &[u8]) -> Result<Root, ActivationError> {
    if !is_root(code) {
        return Err(ActivationError::Unreadable(
            "specified bytecode is not a Stylus program root".into(),
        ));
    }
    if code.len() < ROOT_HEADER_LEN {
        return Err(ActivationError::Unreadable(format!(
            "stylus program root too short: need at least {ROOT_HEADER_LEN} bytes, got {}",
            code.len()
        )));
    }
    let addresses = &code[ROOT_HEADER_LEN..];
    if !addresses.len().is_multiple_of(20) {
        return Err(ActivationError::Unreadable(format!(
            "stylus program root address data has invalid length: {} (must be multiple of 20)",
            addresses.len()
        )));
    }
    Ok(Root {
        dictionary: code[3],
        decompressed_len: u32::from_be_bytes(code[4..8].try_into().expect("four bytes")),
        fragments: addresses.chunks(20).map(Address::from_slice).collect(),
    })
}

/// Gas to read a fragment of `code_size` bytes (Nitro `fragmentReadGasCost`):
/// the account access, warm or cold, plus the copy of its code by words.
pub fn read_gas(warm: bool, code_size: u64) -> u64 {
    let access = if warm {
        WARM_FRAGMENT_READ_GAS
    } else {
        COLD_FRAGMENT_READ_GAS
    };
    access.saturating_add(
        code_size
            .div_ceil(32)
            .saturating_mul(FRAGMENT_COPY_WORD_GAS),
    )
}

/// Limits checked when a root is activated (not when a call recompiles it).
#[derive(Clone, Copy, Debug)]
pub struct ActivationLimits {
    pub max_wasm_size: u32,
    pub max_fragments: u8,
}

/// Reassembles and decompresses a root's WASM (Nitro `getWasmFromRootStylus`).
///
/// `read_fragment` returns a fragment's code; on activation it also charges
/// the read (and may fail for want of gas). `limits` is `Some` on activation.
pub fn assemble(
    root_code: &[u8],
    limits: Option<ActivationLimits>,
    read_fragment: &mut dyn FnMut(Address) -> Result<Vec<u8>, ActivationError>,
) -> Result<Vec<u8>, ActivationError> {
    let root = parse_root(root_code)?;
    if let Some(limits) = limits {
        if root.decompressed_len > limits.max_wasm_size {
            return Err(ActivationError::Unreadable(format!(
                "invalid wasm: decompressedLength {} is greater then MaxWasmSize {}",
                root.decompressed_len, limits.max_wasm_size
            )));
        }
        if root.fragments.len() > limits.max_fragments as usize {
            return Err(ActivationError::Unreadable(format!(
                "invalid wasm: fragment count exceeds limit of {}",
                limits.max_fragments
            )));
        }
    }
    if root.fragments.is_empty() {
        return Err(ActivationError::Unreadable(
            "invalid wasm: fragment count cannot be zero".into(),
        ));
    }
    let mut compressed = Vec::new();
    for address in &root.fragments {
        let code = read_fragment(*address)?;
        if !is_fragment(&code) {
            return Err(ActivationError::Unreadable(
                "specified bytecode is not a Stylus program fragment".into(),
            ));
        }
        compressed.extend_from_slice(&code[FRAGMENT_PREFIX.len()..]);
    }
    if root.dictionary != 0 {
        return Err(ActivationError::Unreadable(format!(
            "unsupported dictionary type: {} (the devnode only accepts dictionary 0)",
            root.dictionary
        )));
    }
    let limit = root.decompressed_len as u64;
    let mut wasm = Vec::new();
    brotli_decompressor::Decompressor::new(compressed.as_slice(), 4096)
        .take(limit + 1)
        .read_to_end(&mut wasm)
        .map_err(|e| ActivationError::Unreadable(format!("failed to decompress program: {e}")))?;
    if wasm.len() as u64 != limit {
        return Err(ActivationError::Unreadable(format!(
            "invalid wasm: decompressed length {} does not match expected length {limit}",
            wasm.len()
        )));
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_code_round_trips_through_parse_root() {
        let fragments = [Address::with_last_byte(1), Address::with_last_byte(2)];
        let code = root_code(123_456, &fragments);
        assert_eq!(&code[..4], &[0xEF, 0xF0, 0x02, 0x00]);
        assert_eq!(&code[4..8], &123_456u32.to_be_bytes());
        let root = parse_root(&code).unwrap();
        assert_eq!(root.decompressed_len, 123_456);
        assert_eq!(root.fragments, fragments);
    }

    #[test]
    fn parse_root_refuses_a_partial_address() {
        let mut code = root_code(1, &[Address::ZERO]);
        code.pop();
        assert!(matches!(
            parse_root(&code),
            Err(ActivationError::Unreadable(_))
        ));
        assert!(parse_root(&[0xEF, 0xF0, 0x02, 0x00, 0, 0]).is_err());
    }

    #[test]
    fn fragments_leave_room_for_their_prefix() {
        let data = vec![7u8; 50_000];
        let codes = fragment_codes(&data, 24_576);
        assert_eq!(codes.len(), 3);
        assert!(codes.iter().all(|c| c.len() <= 24_576 && is_fragment(c)));
        let rejoined: Vec<u8> = codes.iter().flat_map(|c| c[3..].to_vec()).collect();
        assert_eq!(rejoined, data);
    }

    #[test]
    fn read_gas_is_access_plus_three_per_word() {
        // fragmentReadGasCost: (warm ? 100 : 2600) + 3 * ceil(size / 32)
        assert_eq!(read_gas(false, 24_576), 2_600 + 3 * 768);
        assert_eq!(read_gas(true, 33), 100 + 3 * 2);
    }
}
