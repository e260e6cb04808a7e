//! Gas of Stylus programs against hand computations from Nitro's tables.
//!
//! Nitro charges, for a call into a program that is not cached:
//!   init gas   = MinInitGas * 128 + ceil(init_cost * InitCostScalar * 2 / 100)
//!              = 69 * 128 + init_cost                     (scalar 50 = 100%)
//!   cached gas = MinCachedInitGas * 32 + cached_cost = 352 + cached_cost
//!   memory     = 0 for a footprint within the 2 free pages
//! with, for a program of F functions, T = sum of (params + results) of its
//! functions, W bytes of WASM, G globals (the program's plus Nitro's 4
//! instrumentation globals), D data bytes and P initial pages:
//!   init_cost   = F*8252/1000 + T*1059/1000 + W*1286/10000
//!   cached_cost = F*13420/100000 + T*89/100000 + W*122/100000 + G*1628/1000 + D*75244/100000 + 5P
//! and the program's ink: for every basic block executed, the ink of its
//! opcodes plus 2450 for the block's header, at 10,000 ink per gas.

use crate::common::*;
use alloy_primitives::U256;

/// Counts to 1000 in a loop. Its basic blocks (Nitro ends a block at
/// loop/br_if/end/...) and their ink:
///   [loop]                                   1 + 2450            = 2451  x1
///   [local.get, i32.const, i32.add, local.set,
///    local.get, i32.const, i32.lt_u, br_if]  75+1+70+210+75+1+170+765
///                                            = 1367 + 2450       = 3817  x1000
///   [end] (of the loop)                      1 + 2450            = 2451  x1
///   [i32.const, end]                         2 + 2450            = 2452  x1
/// Total 3,824,354 ink, i.e. 383 gas (rounded up: the program starts with a
/// whole number of gas worth of ink and returns the unspent whole gas).
const LOOP: &str = r#"(module (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (i32.const 0)))"#;
const LOOP_INK: u64 = 2451 + 1000 * 3817 + 2451 + 2452;

/// One basic block: [i32.const, end] = 2 + 2450 ink, i.e. 1 gas.
const MINIMAL: &str = r#"(module (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;
const MINIMAL_INK: u64 = 2452;

fn init_and_cached_gas(wat: &str) -> (u64, u64) {
    let wasm_len = wat::parse_str(wat).unwrap().len() as u64;
    let (funcs, type_len, globals, data_len, pages) = (1u64, 2u64, 4u64, 0u64, 1u64);
    let init_cost = funcs * 8252 / 1000 + type_len * 1059 / 1000 + wasm_len * 1286 / 10_000;
    let cached_cost = funcs * 13_420 / 100_000
        + type_len * 89 / 100_000
        + wasm_len * 122 / 100_000
        + globals * 1628 / 1000
        + data_len * 75_244 / 100_000
        + 5 * pages;
    (69 * 128 + init_cost, 352 + cached_cost)
}

fn program_gas(ink: u64) -> u64 {
    ink.div_ceil(10_000)
}

#[test]
fn compute_only_programs_cost_what_nitros_tables_say() {
    for (wat, ink) in [(MINIMAL, MINIMAL_INK), (LOOP, LOOP_INK)] {
        let mut chain = TestChain::new();
        let program = chain.deploy_wat(wat);
        let (init, cached) = init_and_cached_gas(wat);
        let tx = chain.send(Some(program), vec![], U256::ZERO, None);
        assert!(tx.receipt.status);
        assert_eq!(
            tx.receipt.gas_used,
            21_000 + init + cached + program_gas(ink),
            "{wat}"
        );
    }
    assert_eq!(program_gas(LOOP_INK), 383);
}

#[test]
fn arbwasm_reports_the_same_init_gas() {
    use alloy_sol_types::{sol, SolCall};
    sol! { function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached); }
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(LOOP);
    let out = chain.call(ARB_WASM, programInitGasCall { program }.abi_encode());
    let reported = programInitGasCall::abi_decode_returns(&out.output).unwrap();
    let (init, cached) = init_and_cached_gas(LOOP);
    assert_eq!(
        (reported.gas, reported.gasWhenCached),
        (init + cached, cached)
    );
}

#[test]
fn cached_programs_skip_the_init_gas() {
    use alloy_sol_types::{sol, SolCall};
    sol! {
        function cacheProgram(address addr) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(MINIMAL);
    let (init, cached) = init_and_cached_gas(MINIMAL);
    let cache = devnode::evm::precompiles::ARB_WASM_CACHE;

    // Only cache managers (the dev account) may cache.
    let stranger = chain.node.accounts()[1];
    let mut other = TestChain {
        node: std::mem::replace(&mut chain.node, devnode::Devnode::new(Default::default())),
        from: stranger,
    };
    let denied = other.send(
        Some(cache),
        cacheProgramCall { addr: program }.abi_encode(),
        U256::ZERO,
        Some(100_000),
    );
    assert!(!denied.receipt.status);
    assert_eq!(
        denied.receipt.gas_used, 100_000,
        "Nitro burns all gas of unauthorised callers"
    );
    chain.node = other.node;

    let tx = chain.send(
        Some(cache),
        cacheProgramCall { addr: program }.abi_encode(),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.logs.len(), 1, "UpdateProgramCache event");
    let code = chain.node.code(program, devnode::BlockTag::Latest).unwrap();
    let out = chain.call(
        cache,
        codehashIsCachedCall {
            codehash: alloy_primitives::keccak256(&code),
        }
        .abi_encode(),
    );
    assert!(codehashIsCachedCall::abi_decode_returns(&out.output).unwrap());

    let tx = chain.send(Some(program), vec![], U256::ZERO, None);
    assert_eq!(
        tx.receipt.gas_used,
        21_000 + cached + program_gas(MINIMAL_INK)
    );
    assert!(init > 0);
}

#[test]
fn storage_and_log_costs_equal_the_evm_ones() {
    let mut chain = TestChain::new();
    let a = chain.deploy_wat(CONFORMANCE);
    // Same calldata shape and code path; only the SSTORE case differs:
    // 0 -> 77 (cold): 20000 + 2100; 77 -> 78 (cold): 2900 + 2100.
    let fresh = chain.send(Some(a), cmd(7, &[&word(5), &word(77)]), U256::ZERO, None);
    let update = chain.send(Some(a), cmd(7, &[&word(5), &word(78)]), U256::ZERO, None);
    assert!(fresh.receipt.status && update.receipt.status);
    assert_eq!(
        fresh.receipt.gas_used - update.receipt.gas_used,
        22_100 - 5_000
    );

    // One more topic: 375 gas for the topic, 4*31 + 16 calldata gas for its
    // word, and 32 bytes more of read/write ink (2720 ink): 515 gas and the
    // rounding of 0.272 gas of ink.
    let one = chain.send(
        Some(a),
        cmd(6, &[&[1], &word(7), b"data"]),
        U256::ZERO,
        None,
    );
    let two = chain.send(
        Some(a),
        cmd(6, &[&[2], &word(7), &word(7), b"data"]),
        U256::ZERO,
        None,
    );
    let diff = two.receipt.gas_used - one.receipt.gas_used;
    assert!((515..=516).contains(&diff), "{diff}");
}

/// Ink between two `evm_ink_left` reads around one hostio call.
///
/// The code between the reads is three basic blocks' worth of charges:
///   [local.set, <argument consts>, call]  210 + 1 per const + 3800 + 2450 header
///   the hostio's own ink
///   [(drop,) i32.const, local.get, call]  (9 +) 1 + 75 + 3800 + 2450 header = 6326 (6335)
///   the second evm_ink_left: 8400 (HOSTIO_INK)
fn ink_around(imports: &str, call: &str) -> u64 {
    let wat = format!(
        r#"(module
          (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
          (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
          {imports}
          (memory (export "memory") 1 1)
          (data (i32.const 63) "\02")
          (func (export "user_entrypoint") (param $len i32) (result i32)
            (local $before i64)
            (local.set $before (call $ink))
            {call}
            (i64.store (i32.const 128) (i64.sub (local.get $before) (call $ink)))
            (call $write_result (i32.const 128) (i32.const 8))
            (i32.const 0)))"#
    );
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(&wat);
    let out = chain.call(program, vec![]);
    assert!(out.success);
    u64::from_le_bytes(out.output[..8].try_into().unwrap())
}

#[test]
fn hostio_ink_matches_nitros_table() {
    const HOSTIO: u64 = 8_400;
    const PTR: u64 = 5_040;
    let after = 6_326 + HOSTIO;

    // msg_sender: HOSTIO_INK + one pointer.
    let ink = ink_around(
        r#"(import "vm_hooks" "msg_sender" (func $h (param i32)))"#,
        "(call $h (i32.const 256))",
    );
    assert_eq!(ink, (210 + 1 + 3800 + 2450) + (HOSTIO + PTR) + after);

    // block_number: HOSTIO_INK; its result is dropped (9 ink).
    let ink = ink_around(
        r#"(import "vm_hooks" "block_number" (func $h (result i64)))"#,
        "(drop (call $h))",
    );
    assert_eq!(ink, (210 + 3800 + 2450) + HOSTIO + 9 + after);

    // native_keccak256 over 64 bytes: 121800 + 21000 per word beyond two.
    let ink = ink_around(
        r#"(import "vm_hooks" "native_keccak256" (func $h (param i32 i32 i32)))"#,
        "(call $h (i32.const 0) (i32.const 64) (i32.const 256))",
    );
    assert_eq!(ink, (210 + 3 + 3800 + 2450) + 121_800 + after);

    // math_pow with exponent 2: HOSTIO_INK + 3 pointers, plus 3000 + 17500 per
    // significant exponent byte, counted as 33 minus its 31 leading zero bytes.
    let ink = ink_around(
        r#"(import "vm_hooks" "math_pow" (func $h (param i32 i32)))"#,
        "(call $h (i32.const 256) (i32.const 32))",
    );
    assert_eq!(
        ink,
        (210 + 2 + 3800 + 2450) + (HOSTIO + 3 * PTR) + (3_000 + 2 * 17_500) + after
    );
}

#[test]
fn storage_loads_pay_evm_gas_once_then_hit_the_cache() {
    const HOSTIO: u64 = 8_400;
    const PTR: u64 = 5_040;
    // Cold SLOAD (2100 gas) plus Nitro's EVM-API gas (59673 ink rounded down to
    // 5 gas) on the first load; the second load of the key is served by the
    // storage cache (the first 32 cached reads are free).
    let ink = ink_around(
        r#"(import "vm_hooks" "storage_load_bytes32" (func $h (param i32 i32)))"#,
        "(call $h (i32.const 0) (i32.const 256)) (call $h (i32.const 0) (i32.const 256))",
    );
    let load = HOSTIO + 2 * PTR;
    let first = (210 + 2 + 3800 + 2450) + load + (2_100 + 5) * 10_000;
    let second = (2 + 3800 + 2450) + load;
    assert_eq!(ink, first + second + 6_326 + HOSTIO);
}
