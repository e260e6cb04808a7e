//! Programs over the contract size limit, deployed as fragments (ArbOS 60+).
//!
//! A program whose compressed code does not fit in one contract (EIP-170's
//! 24,576 bytes) goes on chain as fragment contracts, each `EF F0 01` and a
//! chunk of the brotli stream, and a root contract, `EF F0 02`, the
//! dictionary byte, the decompressed WASM size (u32, big-endian) and the
//! fragments' addresses. The root is the program: it is activated, called
//! and constructed; the fragments are only read when it is activated. This
//! is the layout of Nitro (`arbos/programs/programs.go`) and of
//! cargo-stylus (`stylus-tools`, `core/code`).

use alloy_primitives::Address;
use alloy_sol_types::sol;
use anyhow::{bail, Result};
use stylus_build::Deployable;

use crate::{backend::Backend, client::view};

/// Largest code a contract may hold (EIP-170; Arbitrum's default `MaxCodeSize`).
pub const MAX_CODE_SIZE: usize = stylus_build::MAX_CODE_BYTES;
/// First ArbOS version with fragmented programs (`ArbosVersion_StylusContractLimit`).
pub const FRAGMENTS_ARBOS_VERSION: u64 = 60;
/// Fragments a root may list on a chain that keeps Nitro's initial
/// `MaxFragmentCount` (only the chain owner can raise it).
pub const MAX_FRAGMENTS: usize = 2;
/// Prefix of a fragment's code.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// Prefix of a root's code; the dictionary byte follows.
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Length of the classic program prefix (`EF F0 00` and the dictionary byte).
const CLASSIC_PREFIX_LEN: usize = 4;
/// What ArbSys adds to the ArbOS version it reports.
const ARBSYS_VERSION_OFFSET: u64 = 55;

/// ArbSys precompile.
pub const ARB_SYS: Address = alloy_primitives::address!("0000000000000000000000000000000000000064");

sol! {
    interface IArbSys {
        function arbOSVersion() external view returns (uint256);
    }
}

/// The chain's ArbOS version (ArbSys's `arbOSVersion()` less 55).
pub fn arbos_version(backend: &mut impl Backend) -> Result<u64> {
    let reported = view(backend, ARB_SYS, &IArbSys::arbOSVersionCall {})
        .map_err(|e| anyhow::anyhow!("reading the chain's ArbOS version from ArbSys: {e}"))?;
    let reported: u64 = reported
        .try_into()
        .map_err(|_| anyhow::anyhow!("ArbSys reports an ArbOS version out of range"))?;
    Ok(reported.saturating_sub(ARBSYS_VERSION_OFFSET))
}

/// The fragment codes of `program`, or `None` when its code fits in one contract.
pub fn fragment_codes(program: &Deployable) -> Option<Vec<Vec<u8>>> {
    if program.code.len() <= MAX_CODE_SIZE {
        return None;
    }
    let compressed = &program.code[CLASSIC_PREFIX_LEN..];
    Some(
        compressed
            .chunks(MAX_CODE_SIZE - FRAGMENT_PREFIX.len())
            .map(|chunk| [FRAGMENT_PREFIX.as_slice(), chunk].concat())
            .collect(),
    )
}

/// How many fragment contracts `program` takes (0 when it fits whole).
pub fn fragment_count(program: &Deployable) -> usize {
    fragment_codes(program).map_or(0, |codes| codes.len())
}

/// The root code that lists `fragments` of `program`.
pub fn root_code(program: &Deployable, fragments: &[Address]) -> Vec<u8> {
    let dictionary = program.code[CLASSIC_PREFIX_LEN - 1];
    let mut code = Vec::with_capacity(8 + 20 * fragments.len());
    code.extend_from_slice(&ROOT_PREFIX);
    code.push(dictionary);
    code.extend_from_slice(&(program.wasm.len() as u32).to_be_bytes());
    for fragment in fragments {
        code.extend_from_slice(fragment.as_slice());
    }
    code
}

/// The code the program's own address holds: its code when it fits, else
/// the root over `fragments`.
pub fn program_code(program: &Deployable, fragments: &[Address]) -> Vec<u8> {
    if fragment_codes(program).is_none() {
        program.code.clone()
    } else {
        root_code(program, fragments)
    }
}

/// Checks that `program` can be deployed on a chain at `arbos_version`:
/// whole, or as at most [`MAX_FRAGMENTS`] fragments from ArbOS 60.
pub fn check_deployable(program: &Deployable, arbos_version: u64) -> Result<()> {
    let count = fragment_count(program);
    if count == 0 {
        return Ok(());
    }
    if arbos_version < FRAGMENTS_ARBOS_VERSION {
        bail!(
            "`{}` is {} bytes compressed, over the {MAX_CODE_SIZE}-byte contract limit, and the chain runs ArbOS {arbos_version}, which has no fragmented programs (they need ArbOS {FRAGMENTS_ARBOS_VERSION} or later)",
            program.name,
            program.code.len()
        );
    }
    if count > MAX_FRAGMENTS {
        bail!(
            "`{}` is {} bytes compressed and would need {count} fragments, more than the {MAX_FRAGMENTS} a root may list",
            program.name,
            program.code.len()
        );
    }
    Ok(())
}

/// The fragment addresses a deployer at `nonce` creates before the root,
/// and the root's address.
pub fn predicted_addresses(from: Address, nonce: u64, count: usize) -> (Vec<Address>, Address) {
    let fragments = (0..count as u64).map(|i| from.create(nonce + i)).collect();
    (fragments, from.create(nonce + count as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(code_len: usize, wasm_len: usize) -> Deployable {
        let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
        code.extend((0..code_len - 4).map(|i| (i % 251) as u8));
        Deployable {
            name: "big".into(),
            wasm: vec![0; wasm_len],
            code,
        }
    }

    #[test]
    fn a_program_that_fits_has_no_fragments() {
        let small = program(MAX_CODE_SIZE, 100);
        assert!(fragment_codes(&small).is_none());
        assert_eq!(program_code(&small, &[]), small.code);
        assert!(check_deployable(&small, 51).is_ok());
    }

    #[test]
    fn a_large_program_splits_into_prefixed_chunks_of_its_stream() {
        // One byte over the limit: the 24,573-byte stream fills one fragment.
        let just_over = program(MAX_CODE_SIZE + 1, 70_000);
        assert_eq!(fragment_codes(&just_over).unwrap().len(), 1);
        let big = program(MAX_CODE_SIZE + 4, 70_000);
        let codes = fragment_codes(&big).unwrap();
        assert_eq!(codes.len(), 2);
        assert!(codes
            .iter()
            .all(|c| c.len() <= MAX_CODE_SIZE && c[..3] == FRAGMENT_PREFIX));
        let stream: Vec<u8> = codes.iter().flat_map(|c| c[3..].to_vec()).collect();
        assert_eq!(stream, big.code[4..]);
        let fragments = [Address::with_last_byte(1), Address::with_last_byte(2)];
        let root = root_code(&big, &fragments);
        assert_eq!(&root[..4], &[0xEF, 0xF0, 0x02, 0x00]);
        assert_eq!(&root[4..8], &70_000u32.to_be_bytes());
        assert_eq!(&root[8..28], fragments[0].as_slice());
        assert_eq!(root.len(), 8 + 40);
    }

    #[test]
    fn a_large_program_is_refused_before_arbos_60_in_one_sentence() {
        let big = program(30_000, 70_000);
        let error = check_deployable(&big, 51).unwrap_err().to_string();
        assert!(
            error.contains("30000 bytes") && error.contains("ArbOS 51"),
            "{error}"
        );
        assert!(check_deployable(&big, 61).is_ok());
        // A 73,724-byte stream takes 4 fragments of at most 24,573 bytes.
        let huge = program(3 * MAX_CODE_SIZE, 120_000);
        let error = check_deployable(&huge, 61).unwrap_err().to_string();
        assert!(
            error.contains("need 4 fragments, more than the 2"),
            "{error}"
        );
    }

    #[test]
    fn the_root_follows_its_fragments_in_nonce_order() {
        let from = Address::with_last_byte(9);
        let (fragments, root) = predicted_addresses(from, 5, 2);
        assert_eq!(fragments, vec![from.create(5), from.create(6)]);
        assert_eq!(root, from.create(7));
    }
}
