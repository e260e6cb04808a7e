//! ArbOS versions (50, 51, 61) and ArbOS 60+ fragmented programs, as Nitro
//! defines them: go-ethereum `params/config_arbitrum.go` and
//! `core/state/statedb_arbitrum.go`, Nitro `arbos/programs/programs.go`,
//! `params.go`, `precompiles/precompile.go` and `crates/prover/src/binary.rs`.

use crate::common::*;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use devnode::evm::precompiles::{ARB_SYS, ARB_WASM_CACHE};
use devnode::stylus::fragments;
use devnode::MinedTransaction;

sol! {
    function arbOSVersion() external view returns (uint256);
    function activationGas() external view returns (uint64 gas);
    function cacheCodehash(bytes32 codehash) external;
    function stylusVersion() external view returns (uint16 version);
    error ProgramNotWasm();
}

/// Returns the 10 bytes "fragmented" from a data segment.
const ECHO: &str = r#"(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 0) "fragmented")
  (func (export "user_entrypoint") (param i32) (result i32)
    (call $write_result (i32.const 0) (i32.const 10))
    (i32.const 0)))"#;

/// A function with two results: WebAssembly multi-value (Nitro's own test module).
const MULTI_VALUE: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (result i32 i32) i32.const 1 i32.const 2)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

/// Gas limit of the transactions whose gas is compared with their limit.
const LIMIT: u64 = 3_000_000;

/// Intrinsic gas of a call with `data` (EIP-2028: 4 per zero byte, 16 per other byte).
fn intrinsic_gas(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

/// Gas an activation used beyond its intrinsic gas.
fn execution_gas(tx: &MinedTransaction, program: Address) -> u64 {
    tx.receipt.gas_used - intrinsic_gas(&activate_calldata(program))
}

/// Deploys `compressed` as fragments split at `cuts` and a root over them.
fn deploy_fragmented(
    chain: &mut TestChain,
    compressed: &[u8],
    cuts: &[usize],
    decompressed_len: u32,
) -> (Address, Vec<usize>) {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(compressed.len());
    let mut addresses = Vec::new();
    let mut sizes = Vec::new();
    for pair in bounds.windows(2) {
        let code = [
            &fragments::FRAGMENT_PREFIX[..],
            &compressed[pair[0]..pair[1]],
        ]
        .concat();
        sizes.push(code.len());
        addresses.push(chain.deploy(&code));
    }
    let root = chain.deploy(&fragments::root_code(decompressed_len, &addresses));
    (root, sizes)
}

/// Asserts `tx` failed as a plain precompile error: no data, unused gas kept.
fn assert_plain_error(tx: &MinedTransaction) {
    assert!(!tx.receipt.status);
    assert!(tx.receipt.output.is_empty(), "{:?}", tx.receipt.output);
    assert!(tx.receipt.gas_used < LIMIT, "the unused gas is kept");
}

#[test]
fn arbsys_reports_55_plus_the_arbos_version() {
    for version in [50u64, 51, 61] {
        let chain = TestChain::at(version);
        let out = chain.call(ARB_SYS, arbOSVersionCall {}.abi_encode());
        assert!(out.success);
        assert_eq!(
            arbOSVersionCall::abi_decode_returns(&out.output).unwrap(),
            U256::from(55 + version)
        );
    }
}

#[test]
fn activation_gas_exists_only_from_arbos_60() {
    for version in [50u64, 51, 61] {
        let mut chain = TestChain::at(version);
        let tx = chain.send(
            Some(ARB_WASM),
            activationGasCall {}.abi_encode(),
            U256::ZERO,
            Some(LIMIT),
        );
        if version >= 60 {
            assert!(tx.receipt.status, "ArbOS {version}");
            // A new chain's ActivationGas storage is 0 until the owner sets it.
            assert_eq!(
                activationGasCall::abi_decode_returns(&tx.receipt.output).unwrap(),
                0
            );
        } else {
            // precompile.go: a method before its version burns all gas.
            assert!(!tx.receipt.status, "ArbOS {version}");
            assert_eq!(tx.receipt.gas_used, LIMIT, "ArbOS {version}");
            assert!(tx.receipt.output.is_empty());
        }
    }
}

#[test]
fn cache_codehash_is_gone_after_arbos_30() {
    for version in [50u64, 51, 61] {
        let mut chain = TestChain::at(version);
        let data = cacheCodehashCall {
            codehash: Default::default(),
        }
        .abi_encode();
        let tx = chain.send(Some(ARB_WASM_CACHE), data, U256::ZERO, Some(LIMIT));
        assert!(!tx.receipt.status, "ArbOS {version}");
        assert_eq!(tx.receipt.gas_used, LIMIT, "ArbOS {version}: all gas burnt");
    }
}

#[test]
fn multi_value_is_refused_from_arbos_60() {
    for version in [50u64, 51, 61] {
        let mut chain = TestChain::at(version);
        let program = chain.deploy(&stylus_code(MULTI_VALUE));
        let tx = chain.activate(program);
        if version >= 60 {
            // A module the validator refuses is Nitro's ErrProgramActivation:
            // all gas burned, no data.
            assert!(!tx.receipt.status, "ArbOS {version}");
            assert!(tx.receipt.output.is_empty(), "ArbOS {version}: no data");
            let reason = devnode::stylus::activation::compile(
                &stylus_code(MULTI_VALUE),
                devnode::stylus::params::PAGE_LIMIT,
                devnode::stylus::version::ArbosVersion::new(version).unwrap(),
                true,
                &mut |_| unreachable!("classic code has no fragments"),
            )
            .unwrap_err()
            .to_string();
            assert!(reason.contains("validate"), "{reason}");
        } else {
            assert!(
                tx.receipt.status,
                "ArbOS {version}: {:?}",
                tx.receipt.output
            );
        }
    }
}

#[test]
fn a_fragmented_program_activates_through_its_root_and_runs() {
    let mut chain = TestChain::at(61);
    let wasm = wat::parse_str(ECHO).unwrap();
    let compressed = brotli(&wasm);
    let whole = chain.deploy(&stylus_code_from_wasm(&wasm));
    let whole_tx = chain.activate(whole);
    assert!(whole_tx.receipt.status);

    let (root, sizes) = deploy_fragmented(
        &mut chain,
        &compressed,
        &[compressed.len() / 2],
        wasm.len() as u32,
    );
    let root_tx = chain.activate(root);
    assert!(root_tx.receipt.status, "{:?}", root_tx.receipt.output);
    // Nitro `fragmentReadGasCost`, per fragment, cold (not yet accessed):
    // 2600 + 3 * ceil(code size / 32); everything else is the same program.
    let fragment_reads: u64 = sizes
        .iter()
        .map(|size| 2_600 + 3 * (*size as u64).div_ceil(32))
        .sum();
    assert_eq!(
        execution_gas(&root_tx, root) - execution_gas(&whole_tx, whole),
        fragment_reads
    );

    let out = chain.call(root, Vec::new());
    assert!(out.success, "{out:?}");
    assert_eq!(out.output.as_ref(), b"fragmented");
    let whole_out = chain.call(whole, Vec::new());
    assert_eq!(whole_out.output.as_ref(), b"fragmented");
    // A call reads only the root: it costs what the whole program's does.
    assert_eq!(out.gas_used, whole_out.gas_used);
}

#[test]
fn a_fragment_is_not_a_program() {
    let mut chain = TestChain::at(61);
    let wasm = wat::parse_str(ECHO).unwrap();
    let fragment = chain.deploy(&[&fragments::FRAGMENT_PREFIX[..], &brotli(&wasm)].concat());
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(fragment),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);
    // Its code runs as EVM code: 0xEF is an invalid opcode.
    let out = chain.call(fragment, Vec::new());
    assert!(!out.success && !out.reverted);
}

#[test]
fn a_root_may_list_at_most_max_fragment_count_fragments() {
    // MaxFragmentCount starts at initialMaxFragmentCount = 2 (params.go).
    let mut chain = TestChain::at(61);
    let wasm = wat::parse_str(ECHO).unwrap();
    let compressed = brotli(&wasm);
    let third = compressed.len() / 3;
    let (root, _) = deploy_fragmented(
        &mut chain,
        &compressed,
        &[third, 2 * third],
        wasm.len() as u32,
    );
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(root),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);

    let (root, _) = deploy_fragmented(&mut chain, &compressed, &[third], wasm.len() as u32);
    assert!(chain.activate(root).receipt.status);
}

#[test]
fn a_root_needs_fragment_prefixed_fragments() {
    let mut chain = TestChain::at(61);
    let wasm = wat::parse_str(ECHO).unwrap();
    // A classic program in place of a fragment: its prefix is EF F0 00.
    let classic = chain.deploy(&stylus_code_from_wasm(&wasm));
    let root = chain.deploy(&fragments::root_code(wasm.len() as u32, &[classic]));
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(root),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);
    // No fragments at all.
    let root = chain.deploy(&fragments::root_code(wasm.len() as u32, &[]));
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(root),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);
}

#[test]
fn a_root_decompressing_past_max_wasm_size_is_refused() {
    let mut chain = TestChain::at(61);
    let wasm = wat::parse_str(ECHO).unwrap();
    let compressed = brotli(&wasm);
    let max_wasm_size = 128 * 1024;
    let (root, _) = deploy_fragmented(&mut chain, &compressed, &[], max_wasm_size + 1);
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(root),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);
    // A declared length that the stream does not match is refused too.
    let (root, _) = deploy_fragmented(&mut chain, &compressed, &[], wasm.len() as u32 + 1);
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(root),
        U256::ZERO,
        Some(LIMIT),
    );
    assert_plain_error(&tx);
}

#[test]
fn roots_and_fragments_cannot_be_deployed_before_arbos_60() {
    // EIP-3541 as Arbitrum applies it: 0xEF code is deployable only if it is
    // a Stylus component of the chain's version (IsStylusComponentPrefix).
    let wasm = wat::parse_str(ECHO).unwrap();
    let fragment = [&fragments::FRAGMENT_PREFIX[..], &brotli(&wasm)].concat();
    let root = fragments::root_code(wasm.len() as u32, &[Address::with_last_byte(1)]);
    for version in [50u64, 51] {
        let mut chain = TestChain::at(version);
        for code in [&fragment, &root] {
            let tx = chain.send(None, deploy_init_code(code), U256::ZERO, None);
            assert!(!tx.receipt.status, "ArbOS {version}");
        }
    }
    let mut chain = TestChain::at(61);
    for code in [&fragment, &root] {
        let tx = chain.send(None, deploy_init_code(code), U256::ZERO, None);
        assert!(tx.receipt.status);
    }
}

/// EVM runtime that calls `target` twice with no data and stops.
fn call_twice_runtime(target: Address) -> Vec<u8> {
    let mut one_call = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
    one_call.extend_from_slice(target.as_slice());
    one_call.extend_from_slice(&[0x5a, 0xf1, 0x50]); // GAS CALL POP
    [one_call.clone(), one_call, vec![0x00]].concat()
}

#[test]
fn a_program_run_again_in_the_block_pays_the_cached_price_from_arbos_60() {
    sol! {
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    }
    let mut used = Vec::new();
    let mut init_less_cached = 0;
    for version in [51u64, 61] {
        let mut chain = TestChain::at(version);
        let program = chain.deploy_wat(ECHO);
        let runtime = call_twice_runtime(program);
        let tx = chain.send(None, evm_init_code(&runtime), U256::ZERO, None);
        let caller = tx.receipt.contract_address.unwrap();
        let init = chain.call(ARB_WASM, programInitGasCall { program }.abi_encode());
        let init = programInitGasCall::abi_decode_returns(&init.output).unwrap();
        init_less_cached = init.gas - init.gasWhenCached;
        used.push(
            chain
                .send(Some(caller), Vec::new(), U256::ZERO, None)
                .receipt
                .gas_used,
        );
    }
    // programs.go `CallProgram`: from ArbOS 60 a hit in the recent-programs
    // cache (BlockCacheSize = 32 entries) is charged cachedGas instead of
    // initGas + cachedGas, so the second call saves initGas.
    assert!(init_less_cached > 0);
    assert_eq!(used[0] - used[1], init_less_cached);
}
