//! Host-function details measured as Nitro defines them.

use crate::common::*;
use alloy_primitives::{Address, U256};

/// Queries `account_code_size` of the address in the calldata twice and
/// returns the ink spent over each query (two little-endian u64). Both
/// stretches run the same instructions, so their difference is the
/// difference in what the two queries charged.
const CODE_SIZE_TWICE: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "account_code_size" (func $size (param i32) (result i32)))
  (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32)
    (local $a i64) (local $b i64) (local $c i64)
    (call $read_args (i32.const 0))
    (local.set $a (call $ink))
    (drop (call $size (i32.const 0)))
    (local.set $b (call $ink))
    (drop (call $size (i32.const 0)))
    (local.set $c (call $ink))
    (i64.store (i32.const 64) (i64.sub (local.get $a) (local.get $b)))
    (i64.store (i32.const 72) (i64.sub (local.get $b) (local.get $c)))
    (call $write_result (i32.const 64) (i32.const 16))
    (i32.const 0)))"#;

fn ink_of_two_queries(chain: &mut TestChain, program: Address, target: Address) -> (u64, u64) {
    let tx = chain.send(Some(program), target.to_vec(), U256::ZERO, None);
    assert!(tx.receipt.status);
    let out = &tx.receipt.output;
    (
        u64::from_le_bytes(out[..8].try_into().unwrap()),
        u64::from_le_bytes(out[8..16].try_into().unwrap()),
    )
}

#[test]
fn account_code_adds_the_code_load_and_caches_the_last_code() {
    // geth `WasmAccountTouchCost` with code: 2,600 cold (100 warm) plus
    // MaxCodeSize / 24,576 × 700 = 700. A second query of the same address
    // costs 0 through `EvmApiRequestor::last_code` (crates/arbutil/src/evm/req.rs).
    let max_code_size = devnode::stylus::params::MAX_CODE_SIZE as u64;
    let code_load = max_code_size / 24_576 * 700;
    let ink_price = 10_000;
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(CODE_SIZE_TWICE);
    let with_code = chain.deploy_evm(EVM_STORE);
    let (first, second) = ink_of_two_queries(&mut chain, program, with_code);
    assert_eq!(first - second, (2_600 + code_load) * ink_price);

    // Empty code is not cached from ArbOS 40, so the repeat pays the warm access.
    let empty = Address::with_last_byte(0x77);
    let (first, second) = ink_of_two_queries(&mut chain, program, empty);
    assert_eq!(first - second, (2_600 - 100) * ink_price);
}

#[test]
fn large_return_data_costs_its_evm_memory_measured_before_init() {
    // Nitro `CallProgram`: with `startingGas` taken before the init and memory
    // burn, a call that returns data uses max(actual, evmMemoryCost(len)).
    // 64 KiB is 2,048 words: 3 × 2,048 + 2,048² / 512 = 14,336 gas, more than
    // this program's init gas and compute, so the call uses exactly that.
    let words: u64 = 65_536 / 32;
    let evm_memory_cost = 3 * words + words * words / 512;
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module
        (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
        (memory (export "memory") 2 2)
        (func (export "user_entrypoint") (param i32) (result i32)
          (call $write_result (i32.const 0) (i32.const 65536))
          (i32.const 0)))"#,
    );
    let tx = chain.send(Some(program), vec![], U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output.len(), 65_536);
    assert_eq!(tx.receipt.gas_used, 21_000 + evm_memory_cost);
}
