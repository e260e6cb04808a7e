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

#[test]
fn calling_a_7702_delegated_account_does_not_charge_the_delegate() {
    // geth `WasmCallCost` (core/vm/operations_acl_arbitrum.go) charges the
    // callee's access only; the EIP-7702 delegate's code runs without the
    // 100 + 2,500 an EVM CALL would add. So a program's call to a delegated
    // account costs what a call to the delegate itself costs.
    use alloy_rpc_types_eth::state::AccountOverride;
    let intrinsic = |data: &[u8]| {
        21_000
            + data
                .iter()
                .map(|b| if *b == 0 { 4 } else { 16 })
                .sum::<u64>()
    };
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(CONFORMANCE);
    let delegate = chain.deploy_evm(EVM_STORE);
    let authority = Address::repeat_byte(0xE0);
    let mut designator = vec![0xEF, 0x01, 0x00];
    designator.extend(delegate.as_slice());
    let overrides = [(
        authority,
        AccountOverride::default().with_code(alloy_primitives::Bytes::from(designator)),
    )]
    .into_iter()
    .collect();
    chain.node.override_state(&overrides).unwrap();

    let via_authority = cmd(1, &[authority.as_slice(), &word(0), &word(5)]);
    let direct = cmd(1, &[delegate.as_slice(), &word(0), &word(5)]);
    let a = chain.send(Some(program), via_authority.clone(), U256::ZERO, None);
    let d = chain.send(Some(program), direct.clone(), U256::ZERO, None);
    assert!(a.receipt.status && d.receipt.status);
    assert_eq!(a.receipt.output[0], 0, "the call succeeded");
    assert_eq!(
        chain.storage(authority, 0),
        alloy_primitives::B256::from(word(5)),
        "the delegate's code ran on the authority"
    );
    assert_eq!(
        a.receipt.gas_used - intrinsic(&via_authority),
        d.receipt.gas_used - intrinsic(&direct)
    );
}

#[test]
fn memory_grow_pays_for_its_operand_truncated_to_u16() {
    // `pay_for_memory_grow(pages: u16)` receives memory.grow's i32 operand
    // truncated by wasmer: 65,536 pages arrive as 0, which pays only the
    // hostio's 8,400 ink; the grow itself then fails (-1) past the 128-page bound.
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
        (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (i32.store (i32.const 0) (memory.grow (i32.const 65536)))
          (call $write_result (i32.const 0) (i32.const 4))
          (i32.const 0)))"#,
    );
    let tx = chain.send(Some(program), vec![], U256::ZERO, Some(1_000_000));
    assert!(tx.receipt.status, "the grow was paid for as 0 pages");
    assert_eq!(tx.receipt.output.as_ref(), (-1i32).to_le_bytes());
    assert!(tx.receipt.gas_used < 100_000);
}

#[test]
fn selfdestruct_acting_as_a_stylus_program_reverts() {
    // Arbitrum geth `opSelfdestruct` returns ErrExecutionReverted when the
    // acting account holds a Stylus program: a program that delegate-calls
    // EVM code ending in SELFDESTRUCT keeps its balance and code.
    const EVM_SELFDESTRUCT_TO_CALLER: &str = "33ff";
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(CONFORMANCE);
    let destroyer = chain.deploy_evm(EVM_SELFDESTRUCT_TO_CALLER);
    let funded = chain.send(Some(program), cmd(13, &[]), U256::from(1_000), None);
    assert!(funded.receipt.status);
    let code = chain.node.code(program, devnode::BlockTag::Latest).unwrap();

    let tx = chain.send(
        Some(program),
        cmd(2, &[destroyer.as_slice()]),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status, "the program itself returns");
    assert_ne!(tx.receipt.output[0], 0, "the delegate call failed");
    assert_eq!(chain.balance(program), U256::from(1_000));
    assert_eq!(
        chain.node.code(program, devnode::BlockTag::Latest).unwrap(),
        code
    );

    // EVM code acting as an EVM contract still self-destructs (EIP-6780:
    // the balance moves to the beneficiary).
    let proxy = chain.deploy_evm(EVM_DELEGATE_FORWARDER);
    chain.node.set_balance(proxy, U256::from(500));
    let tx = chain.send(Some(proxy), destroyer.to_vec(), U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(chain.balance(proxy), U256::ZERO);
}
