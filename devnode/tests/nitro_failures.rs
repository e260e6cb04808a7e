//! Failures that burn all the gas given to a call on Nitro: calling a Stylus
//! program that is not active (`arbos/programs/programs.go`,
//! `getActiveProgram`, whose error is not `ErrExecutionReverted`, so geth's
//! `evm.Call` zeroes the gas and drops the return data), and the dispatch
//! checks of the precompile framework (`precompiles/precompile.go`,
//! `Precompile.Call`).

use crate::common::*;
use alloy_primitives::{keccak256, Address, U256};

const LIMIT: u64 = 1_000_000;

const MINIMAL: &str = r#"(module (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

fn selector(signature: &str) -> Vec<u8> {
    keccak256(signature)[..4].to_vec()
}

fn with_address(mut data: Vec<u8>, address: Address) -> Vec<u8> {
    data.extend([0u8; 12]);
    data.extend(address.as_slice());
    data
}

fn intrinsic(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

#[test]
fn calling_a_program_that_is_not_activated_burns_all_gas_without_data() {
    let mut chain = TestChain::new();
    let program = chain.deploy(&stylus_code(MINIMAL));
    let tx = chain.send(Some(program), vec![1, 2, 3], U256::ZERO, Some(LIMIT));
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, LIMIT);
    assert!(tx.receipt.output.is_empty(), "no ProgramNotActivated data");

    // A caller sees a failed call with no return data and loses what it forwarded.
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let mut data = program.to_vec();
    data.push(0);
    let tx = chain.send(Some(forwarder), data, U256::ZERO, Some(LIMIT));
    assert!(!tx.receipt.status);
    assert!(tx.receipt.output.is_empty());
    assert!(tx.receipt.gas_used > LIMIT - LIMIT / 64);

    // Once activated, the same call succeeds cheaply.
    assert!(chain.activate(program).receipt.status);
    let tx = chain.send(Some(program), vec![1, 2, 3], U256::ZERO, Some(LIMIT));
    assert!(tx.receipt.status);
    assert!(tx.receipt.gas_used < 100_000);
}

fn assert_burns_all(chain: &mut TestChain, to: Address, data: Vec<u8>, value: u64) {
    let tx = chain.send(Some(to), data, U256::from(value), Some(LIMIT));
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, LIMIT, "all gas burned");
    assert!(tx.receipt.output.is_empty());
}

#[test]
fn precompile_dispatch_failures_burn_all_gas() {
    let mut chain = TestChain::new();
    let arb_sys = devnode::evm::precompiles::ARB_SYS;
    let cache = devnode::evm::precompiles::ARB_WASM_CACHE;
    // Shorter than a selector.
    assert_burns_all(&mut chain, ARB_WASM, vec![0x12, 0x34], 0);
    // Unknown selectors.
    assert_burns_all(&mut chain, ARB_WASM, selector("noSuchMethod()"), 0);
    assert_burns_all(&mut chain, arb_sys, selector("noSuchMethod()"), 0);
    assert_burns_all(&mut chain, cache, selector("noSuchMethod()"), 0);
    // Arguments that do not decode.
    let mut short = selector("programVersion(address)");
    short.extend([0u8; 3]);
    assert_burns_all(&mut chain, ARB_WASM, short, 0);
    // Value to a view method.
    assert_burns_all(&mut chain, ARB_WASM, selector("stylusVersion()"), 1);
    assert_burns_all(&mut chain, arb_sys, selector("arbChainID()"), 1);

    // The same view method without value is served.
    let tx = chain.send(
        Some(ARB_WASM),
        selector("stylusVersion()"),
        U256::ZERO,
        Some(LIMIT),
    );
    assert!(tx.receipt.status);
    assert!(tx.receipt.gas_used < 30_000);
}

#[test]
fn a_delegatecall_into_a_precompile_burns_what_it_forwards() {
    let mut chain = TestChain::new();
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let proxy = chain.deploy_evm(EVM_DELEGATE_FORWARDER);
    let mut data = ARB_WASM.to_vec();
    data.extend(selector("stylusVersion()"));

    let called = chain.send(Some(forwarder), data.clone(), U256::ZERO, Some(LIMIT));
    assert!(called.receipt.status, "a call reaches the view method");
    assert!(called.receipt.gas_used < 50_000);

    // Acting as the proxy, a view method of ArbWasm may not run.
    let delegated = chain.send(Some(proxy), data, U256::ZERO, Some(LIMIT));
    assert!(!delegated.receipt.status);
    assert!(delegated.receipt.output.is_empty());
    assert!(delegated.receipt.gas_used > LIMIT - LIMIT / 64);
}

#[test]
fn get_code_hash_costs_a_cold_account_access() {
    // ArbWasm's `programVersion(addr)` is `codehashVersion(GetCodeHash(addr))`,
    // and ArbOS's `GetCodeHash` burns `StorageCodeHashCost` = 2,600
    // (arbos/storage/storage.go).
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(MINIMAL);
    let codehash = keccak256(chain.node.code(program, devnode::BlockTag::Latest).unwrap());
    let by_address = with_address(selector("programVersion(address)"), program);
    let mut by_hash = selector("codehashVersion(bytes32)");
    by_hash.extend(codehash.as_slice());

    let a = chain.send(Some(ARB_WASM), by_address.clone(), U256::ZERO, None);
    let h = chain.send(Some(ARB_WASM), by_hash.clone(), U256::ZERO, None);
    assert!(a.receipt.status && h.receipt.status);
    let exec_a = a.receipt.gas_used - intrinsic(&by_address);
    let exec_h = h.receipt.gas_used - intrinsic(&by_hash);
    assert_eq!(exec_a - exec_h, 2_600);
}
