//! ArbSys (0x64) beyond the block and chain queries: the call-depth
//! methods as Nitro computes them from geth's `evm.Depth()`
//! (precompiles/ArbSys.go), and the aliasing helpers.

use crate::common::*;
use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{sol, SolCall};
use devnode::evm::precompiles::ARB_SYS;

sol! {
    function isTopLevelCall() external view returns (bool);
    function wasMyCallersAddressAliased() external view returns (bool);
    function myCallersAddressWithoutAliasing() external view returns (address);
    function mapL1SenderContractAddressToL2Alias(address sender, address unused) external pure returns (address);
    function getStorageGasAvailable() external view returns (uint256);
}

/// The conformance program's call command (1) aimed at `target`.
fn call_through(target: Address, data: &[u8]) -> Vec<u8> {
    cmd(1, &[target.as_slice(), &word(0), data])
}

/// Wraps `data` (a call to ArbSys) in `levels` calls through program `a`;
/// returns the calldata for `a` and how many status bytes precede the answer.
fn nested(a: Address, data: &[u8], levels: usize) -> (Vec<u8>, usize) {
    let mut calldata = call_through(ARB_SYS, data);
    for _ in 1..levels {
        calldata = call_through(a, &calldata);
    }
    (calldata, levels)
}

#[test]
fn a_top_level_call_is_one_at_depth_two_or_less() {
    let mut chain = TestChain::new();
    let a = chain.deploy_wat(CONFORMANCE);
    let query = isTopLevelCallCall {}.abi_encode();
    let direct = chain.call(ARB_SYS, query.clone());
    assert!(isTopLevelCallCall::abi_decode_returns(&direct.output).unwrap());
    for (levels, expected) in [(1, true), (2, true), (3, false)] {
        let (calldata, statuses) = nested(a, &query, levels);
        let out = chain.call(a, calldata);
        assert!(out.output[..statuses].iter().all(|s| *s == 0));
        let answer = isTopLevelCallCall::abi_decode_returns(&out.output[statuses..]).unwrap();
        assert_eq!(answer, expected, "ArbSys called {levels} frames deep");
    }
}

#[test]
fn my_callers_address_is_the_caller_two_frames_up() {
    let mut chain = TestChain::new();
    let a = chain.deploy_wat(CONFORMANCE);
    let query = myCallersAddressWithoutAliasingCall {}.abi_encode();
    // A called by the sender, calling ArbSys: depth 1, no address.
    let (calldata, statuses) = nested(a, &query, 1);
    let out = chain.call(a, calldata);
    let answer =
        myCallersAddressWithoutAliasingCall::abi_decode_returns(&out.output[statuses..]).unwrap();
    assert_eq!(answer, Address::ZERO);
    // sender -> A -> A -> ArbSys: the caller of the outer frame, the sender.
    let (calldata, statuses) = nested(a, &query, 2);
    let out = chain.call(a, calldata);
    let answer =
        myCallersAddressWithoutAliasingCall::abi_decode_returns(&out.output[statuses..]).unwrap();
    assert_eq!(answer, chain.from);
    // No transaction on the devnode comes from L1, so none is aliased.
    let aliased = chain.call(ARB_SYS, wasMyCallersAddressAliasedCall {}.abi_encode());
    assert!(!wasMyCallersAddressAliasedCall::abi_decode_returns(&aliased.output).unwrap());
}

#[test]
fn aliasing_adds_the_l1_offset_and_storage_gas_is_zero() {
    let chain = TestChain::new();
    let map = |sender: Address| {
        let out = chain.call(
            ARB_SYS,
            mapL1SenderContractAddressToL2AliasCall {
                sender,
                unused: Address::ZERO,
            }
            .abi_encode(),
        );
        mapL1SenderContractAddressToL2AliasCall::abi_decode_returns(&out.output).unwrap()
    };
    assert_eq!(
        map(address!("0000000000000000000000000000000000000001")),
        address!("1111000000000000000000000000000000001112")
    );
    // The sum wraps at 2^160.
    assert_eq!(
        map(address!("ffffffffffffffffffffffffffffffffffffffff")),
        address!("1111000000000000000000000000000000001110")
    );
    let gas = chain.call(ARB_SYS, getStorageGasAvailableCall {}.abi_encode());
    assert_eq!(
        getStorageGasAvailableCall::abi_decode_returns(&gas.output).unwrap(),
        U256::ZERO
    );
}
