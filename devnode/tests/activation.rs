//! ArbWasm activation: each of Nitro's rejection reasons, typed errors, the data fee.

use crate::common::*;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolError};
use devnode::MinedTransaction;

sol! {
    error ProgramNotWasm();
    error ProgramUpToDate();
    error ProgramInsufficientValue(uint256 have, uint256 want);
}

/// The gas limit the helpers send activations with.
const GAS: u64 = 30_000_000;

const MINIMAL: &str = r#"(module (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

fn activate_wasm(chain: &mut TestChain, wasm: &[u8]) -> MinedTransaction {
    let program = chain.deploy(&stylus_code_from_wasm(wasm));
    chain.activate(program)
}

/// Activates `code` and asserts Nitro's `ErrProgramActivation` outcome (the
/// precompile burns all gas and returns no data, `precompiles/precompile.go`);
/// returns the reason the devnode's compiler gives for the same code.
fn burned_out(chain: &mut TestChain, code: &[u8]) -> String {
    let program = chain.deploy(code);
    let tx = chain.activate(program);
    assert!(!tx.receipt.status, "activation should fail");
    assert_eq!(tx.receipt.gas_used, GAS, "all gas is burned");
    assert!(tx.receipt.output.is_empty(), "no revert data");
    compile_error(code)
}

/// Activates `code` and asserts the outcome of a plain Go error in Nitro's
/// `getWasm`: a revert without data that keeps the gas left (ArbOS 11+).
fn plain_failure(chain: &mut TestChain, code: &[u8]) -> String {
    let program = chain.deploy(code);
    let tx = chain.activate(program);
    assert!(!tx.receipt.status, "activation should fail");
    assert!(tx.receipt.gas_used < GAS, "the gas left is kept");
    assert!(tx.receipt.gas_used > 1_659_168, "the fixed charge is paid");
    assert!(tx.receipt.output.is_empty(), "no revert data");
    compile_error(code)
}

fn compile_error(code: &[u8]) -> String {
    compile_classic(code, devnode::stylus::params::PAGE_LIMIT)
        .expect_err("the devnode's compiler rejects it too")
        .to_string()
}

fn rejected(wat: &str) -> String {
    let mut chain = TestChain::new();
    burned_out(&mut chain, &stylus_code(wat))
}

#[test]
fn activation_charges_the_data_fee_and_refunds_the_rest() {
    let mut chain = TestChain::new();
    let program = chain.deploy(&stylus_code(MINIMAL));
    let before = chain.balance(chain.from);
    let sent = U256::from(10u64).pow(U256::from(17u64));
    let tx = chain.activate(program);
    assert!(tx.receipt.status);
    let fee = chain.balance(devnode::evm::precompiles::NETWORK_FEE_ACCOUNT);
    assert!(fee > U256::ZERO && fee < sent);
    let gas_cost = U256::from(tx.receipt.gas_used) * U256::from(tx.receipt.effective_gas_price);
    assert_eq!(
        chain.balance(chain.from),
        before - fee - gas_cost,
        "the excess value came back"
    );
    assert_eq!(chain.balance(ARB_WASM), U256::ZERO);
    assert!(
        tx.receipt.gas_used > 1_659_168,
        "Nitro's fixed activation cost"
    );

    // Activating again is refused with ProgramUpToDate.
    let again = chain.activate(program);
    assert!(!again.receipt.status);
    assert_eq!(
        again.receipt.output.as_ref(),
        ProgramUpToDate {}.abi_encode().as_slice()
    );
}

#[test]
fn insufficient_value_is_a_typed_error() {
    let mut chain = TestChain::new();
    let program = chain.deploy(&stylus_code(MINIMAL));
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(program),
        U256::from(1),
        None,
    );
    assert!(!tx.receipt.status);
    let error = ProgramInsufficientValue::abi_decode(&tx.receipt.output).unwrap();
    assert_eq!(error.have, U256::from(1));
    assert!(error.want > U256::from(1));
}

#[test]
fn views_do_not_accept_value() {
    let mut chain = TestChain::new();
    let stylus_version = alloy_primitives::keccak256("stylusVersion()")[..4].to_vec();
    let free = chain.send(Some(ARB_WASM), stylus_version.clone(), U256::ZERO, None);
    assert!(free.receipt.status);
    let paid = chain.send(Some(ARB_WASM), stylus_version, U256::from(1), None);
    assert!(!paid.receipt.status);
    assert_eq!(chain.balance(ARB_WASM), U256::ZERO);
}

#[test]
fn non_stylus_code_is_not_wasm() {
    // Nitro `getWasmFromContractCode`: empty code is ProgramNotWasm at every
    // version; other non-Stylus code is ProgramNotWasm from ArbOS 60 and a
    // plain error (a revert without data that keeps the unused gas) before.
    for version in [50, 51, 61] {
        let mut chain = TestChain::at(version);
        let evm = chain.deploy_evm(EVM_STORE);
        let empty = chain.activate(Address::with_last_byte(0x99));
        assert!(!empty.receipt.status);
        assert_eq!(
            empty.receipt.output.as_ref(),
            ProgramNotWasm {}.abi_encode().as_slice()
        );
        let tx = chain.activate(evm);
        assert!(!tx.receipt.status);
        if version >= 60 {
            assert_eq!(
                tx.receipt.output.as_ref(),
                ProgramNotWasm {}.abi_encode().as_slice()
            );
        } else {
            assert!(tx.receipt.output.is_empty(), "ArbOS {version}");
            assert!(
                tx.receipt.gas_used < 10_000_000,
                "ArbOS {version}: gas kept"
            );
        }
    }
}

#[test]
fn unsupported_dictionaries_and_bad_compression() {
    // Plain errors of Nitro's `getWasm`: they keep the gas left.
    let mut chain = TestChain::new();
    let mut code = stylus_code(MINIMAL);
    code[3] = 1;
    assert!(plain_failure(&mut chain, &code).contains("unsupported dictionary"));
    code[3] = 2;
    assert!(plain_failure(&mut chain, &code).contains("unsupported dictionary"));
    let garbage = [0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF];
    assert!(plain_failure(&mut chain, &garbage).contains("decompress"));
}

#[test]
fn oversized_wasm_is_rejected() {
    let wat = r#"(module (memory (export "memory") 3 3)
      (data (i32.const 0) "PLACEHOLDER")
      (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
        .replace("PLACEHOLDER", &"a".repeat(130 * 1024));
    // Decompression past MaxWasmSize is a plain error of `getWasm`.
    let mut chain = TestChain::new();
    assert!(plain_failure(&mut chain, &stylus_code(&wat)).contains("exceeds"));
}

#[test]
fn structural_limits() {
    assert!(rejected(
        r#"(module (memory (export "memory") 1 1)
        (func (export "main") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("missing export with name user_entrypoint"));
    assert!(rejected(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i64) (result i32) (i32.const 0)))"#
    )
    .contains("wrong type"));
    assert!(rejected(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("missing memory"));
    assert!(rejected(
        r#"(module (memory (export "memory") 129 129)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("memory exceeds limit"));
    assert!(rejected(
        r#"(module (memory (export "memory") 1 1) (memory 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("validate"));
    // A growable memory needs pay_for_memory_grow.
    assert!(rejected(
        r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("pay_for_memory_grow"));
    assert!(rejected(
        r#"(module (import "vm_hooks" "not_a_hostio" (func))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("unknown import"));
    assert!(rejected(
        r#"(module (import "vm_hooks" "read_args" (func (param i64)))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
    .contains("wrong type for import"));

    let locals = format!(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (local {}) (i32.const 0)))"#,
        "i32 ".repeat(349)
    );
    assert!(rejected(&locals).contains("locals"));

    let funcs = format!(
        r#"(module (memory (export "memory") 1 1) {}
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
        "(func) ".repeat(4096)
    );
    assert!(rejected(&funcs).contains("functions"));

    let datas = format!(
        r#"(module (memory (export "memory") 1 1) {}
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
        "(data (i32.const 0) \"x\") ".repeat(129)
    );
    assert!(rejected(&datas).contains("datas"));

    // Reference-type and SIMD features are not enabled.
    assert!(rejected(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (v128.const i64x2 0 0)) (i32.const 0)))"#
    )
    .contains("validate"));
    // memory.init (a bulk-memory op Nitro does not support) is refused.
    assert!(rejected(
        r#"(module (memory (export "memory") 1 1) (data "x")
        (func (export "user_entrypoint") (param i32) (result i32)
          (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (i32.const 0)))"#
    )
    .contains("opcode not supported"));
}

/// A module whose entry point does `call_indirect` with the table immediate
/// encoded as given (`[0x00]` is the MVP encoding; `[0x80, 0x00]` is the
/// reference-types encoding rustc 1.95 emits).
fn call_indirect_module(table_immediate: &[u8]) -> Vec<u8> {
    use wasm_encoder::*;
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    types.ty().function([], []);
    module.section(&types);
    let mut functions = FunctionSection::new();
    functions.function(0);
    functions.function(1);
    module.section(&functions);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: 1,
        maximum: Some(1),
        shared: false,
    });
    module.section(&tables);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("user_entrypoint", ExportKind::Func, 0);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut elements = ElementSection::new();
    elements.active(
        None,
        &ConstExpr::i32_const(0),
        Elements::Functions(std::borrow::Cow::Borrowed(&[1])),
    );
    module.section(&elements);
    let mut code = CodeSection::new();
    let mut entry = Function::new([]);
    entry
        .raw([0x41, 0x00, 0x11, 0x01])
        .raw(table_immediate.iter().copied())
        .raw([0x41, 0x00, 0x0b]);
    code.function(&entry);
    let mut noop = Function::new([]);
    noop.raw([0x0b]);
    code.function(&noop);
    module.section(&code);
    module.finish()
}

#[test]
fn call_indirect_must_use_the_mvp_encoding() {
    let mut chain = TestChain::new();
    let reason = burned_out(
        &mut chain,
        &stylus_code_from_wasm(&call_indirect_module(&[0x80, 0x00])),
    );
    assert!(reason.contains("zero byte expected"), "{reason}");

    let tx = activate_wasm(&mut chain, &call_indirect_module(&[0x00]));
    assert!(tx.receipt.status, "the MVP encoding activates");
    let program = Address::from_slice(&tx.receipt.logs[0].data.data[44..64]);
    assert!(
        chain.call(program, vec![]).success,
        "and runs through the table"
    );
}

#[test]
fn programs_with_floats_activate_but_cannot_pay_for_float_ops() {
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (f32.add (f32.const 1) (f32.const 2))) (i32.const 0)))"#,
    );
    let tx = chain.send(Some(program), vec![], U256::ZERO, Some(500_000));
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, 500_000);
}

#[test]
fn oversized_code_cannot_be_deployed() {
    let mut chain = TestChain::new();
    let init = deploy_init_code(&vec![0u8; 24_577]);
    let tx = chain.send(None, init, U256::ZERO, None);
    assert!(!tx.receipt.status, "EIP-170 limit of 24,576 bytes");
}
