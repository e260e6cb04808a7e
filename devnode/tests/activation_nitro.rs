//! Activation as Nitro performs it: the dynamic gas of `Module::activate`
//! (crates/prover/src/programs/mod.rs), the limits applied after
//! instrumentation and the checks of `parse_with_version`
//! (crates/prover/src/binary.rs) and `Module::from_binary`
//! (crates/prover/src/machine.rs).

use crate::common::*;
use alloy_primitives::U256;

const GAS: u64 = 30_000_000;

/// Nitro's `us_to_gas`: fudge 2 × 7,000,000 gas/s over a sync rate of 500,000 µs/s.
fn us_to_gas(us: u64) -> u64 {
    us * (2 * 7_000_000) / (1_000_000 / 2)
}

/// The gas `Module::activate` burns, term by term as Nitro rounds it.
fn nitro_activation_gas(
    wasm_len: u64,
    funcs: u64,
    data: u64,
    elems: u64,
    pages: u64,
    ops: u64,
) -> u64 {
    us_to_gas(wasm_len * 31_733 / 100_000)
        + us_to_gas(funcs * 17_263 / 100_000)
        + us_to_gas(data * 17_376 / 100_000)
        + us_to_gas(elems * 17_376 / 100_000)
        + us_to_gas(pages * 2_217)
        + us_to_gas(ops * 535 / 1_000)
}

/// Instrumented length of a body of `ops` operators that form one basic
/// block ending in the function's `end`, in a module without
/// `pay_for_memory_grow`: the ink meter's 12-op header, the depth checker's
/// 12-op prologue, and the `return` it adds before the final `end` with its
/// 4-op reclaim (`meter.rs`, `depth.rs`).
fn instrumented_single_block(ops: u64) -> u64 {
    12 + ops + 12 + 1 + 4
}

/// Execution gas of an activation: the receipt's gas minus the intrinsic gas
/// of its calldata (EIP-7623's floor is off on Arbitrum).
fn activation_execution_gas(chain: &mut TestChain, code: &[u8]) -> u64 {
    let program = chain.deploy(code);
    let calldata = activate_calldata(program);
    let intrinsic: u64 = 21_000
        + calldata
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>();
    let value = U256::from(10u64).pow(U256::from(17u64));
    let tx = chain.send(Some(ARB_WASM), calldata, value, Some(GAS));
    assert!(tx.receipt.status, "activation succeeds");
    tx.receipt.gas_used - intrinsic
}

fn module(pages: u32, data: &str, extra_funcs: usize) -> Vec<u8> {
    let data = if data.is_empty() {
        String::new()
    } else {
        format!(r#"(data (i32.const 0) "{data}")"#)
    };
    wat::parse_str(format!(
        r#"(module (memory (export "memory") {pages} {pages}) {data} {}
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
        "(func) ".repeat(extra_funcs)
    ))
    .unwrap()
}

#[test]
fn each_initial_page_costs_2217_microseconds() {
    let mut chain = TestChain::new();
    let (one, three) = (module(1, "", 0), module(3, "", 0));
    assert_eq!(one.len(), three.len());
    let gas_one = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&one));
    let gas_three = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&three));
    assert_eq!(gas_three - gas_one, 2 * us_to_gas(2_217));
    assert_eq!(gas_three - gas_one, 2 * 62_076);
}

#[test]
fn data_bytes_and_wasm_length_are_priced() {
    let mut chain = TestChain::new();
    let plain = module(1, "", 0);
    let data = "z".repeat(1_000);
    let with_data = module(1, &data, 0);
    let expected = nitro_activation_gas(with_data.len() as u64, 1, 1_000, 0, 1, 31)
        - nitro_activation_gas(plain.len() as u64, 1, 0, 0, 1, 31);
    let gas_plain = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&plain));
    let gas_data = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&with_data));
    assert_eq!(gas_data - gas_plain, expected);
}

#[test]
fn functions_are_priced_with_their_instrumented_operators() {
    let mut chain = TestChain::new();
    let one = module(1, "", 0);
    let many = module(1, "", 200);
    // The entry point is `i32.const 0; end`; each added `(func)` is `end` alone.
    let entry_ops = instrumented_single_block(2);
    let empty_ops = instrumented_single_block(1);
    let expected =
        nitro_activation_gas(many.len() as u64, 201, 0, 0, 1, entry_ops + 200 * empty_ops)
            - nitro_activation_gas(one.len() as u64, 1, 0, 0, 1, entry_ops);
    let gas_one = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&one));
    let gas_many = activation_execution_gas(&mut chain, &stylus_code_from_wasm(&many));
    assert_eq!(gas_many - gas_one, expected);
}

#[test]
fn the_devnode_reports_the_shape_nitro_prices() {
    let wasm = module(2, "abc", 3);
    let instrumented = devnode::stylus::instrument::instrument(
        &wasm,
        128,
        devnode::stylus::version::ArbosVersion::default(),
    )
    .unwrap();
    let shape = instrumented.shape;
    assert_eq!(shape.wasm_len, wasm.len() as u64);
    assert_eq!(shape.funcs, 4);
    assert_eq!(shape.data_bytes, 3);
    assert_eq!(shape.initial_pages, 2);
    assert_eq!(
        shape.instrumented_ops,
        instrumented_single_block(2) + 3 * instrumented_single_block(1)
    );
    assert_eq!(
        shape.activation_gas(),
        nitro_activation_gas(wasm.len() as u64, 4, 3, 0, 2, shape.instrumented_ops)
    );
}

#[test]
fn too_little_gas_for_compilation_burns_all() {
    // 128 pages model 283,776 µs, about 7.9 M gas: with 5 M the activation
    // runs out inside `Module::activate`, which burns everything.
    let mut chain = TestChain::new();
    let program = chain.deploy(&stylus_code_from_wasm(&module(128, "", 0)));
    let value = U256::from(10u64).pow(U256::from(17u64));
    let tx = chain.send(
        Some(ARB_WASM),
        activate_calldata(program),
        value,
        Some(5_000_000),
    );
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, 5_000_000);
    assert!(tx.receipt.output.is_empty());
}

fn rejection(wat: &str) -> String {
    let code = stylus_code(wat);
    let mut chain = TestChain::new();
    let program = chain.deploy(&code);
    let tx = chain.activate(program);
    assert!(!tx.receipt.status, "activation should fail");
    assert_eq!(
        tx.receipt.gas_used, GAS,
        "ErrProgramActivation burns all gas"
    );
    compile_classic(&code, 128).unwrap_err().to_string()
}

fn activates(wat: &str) {
    let mut chain = TestChain::new();
    chain.deploy_wat(wat);
}

#[test]
fn the_opcode_limit_applies_to_the_instrumented_body() {
    // 30,000 `nop`s then `i32.const 0; end`: one basic block, 30,002 ops in the
    // original body, 30,031 after instrumentation (under 65,536).
    let body = |n: usize| {
        format!(
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) {} (i32.const 0)))"#,
            "nop ".repeat(n)
        )
    };
    activates(&body(30_000));
    // Each `(block (br 0))` is 3 original ops, and its `br` and `end` each
    // close a basic block, adding the meter's 12-op header twice: 6,000 of
    // them are 18,002 original ops but 18,002 + 12 × 12,001 + 17 = 162,031
    // instrumented ones, over Nitro's limit.
    let blocks = format!(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) {} (i32.const 0)))"#,
        "(block (br 0)) ".repeat(6_000)
    );
    let reason = rejection(&blocks);
    assert!(
        reason.contains("too many wasm opcodes in func body"),
        "{reason}"
    );
}

#[test]
fn reserved_and_clashing_names_are_refused() {
    let reason = rejection(
        r#"(module (memory (export "memory") 1 1)
        (func (export "stylus_anything") (param i32) (result i32) (i32.const 0))
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(reason.contains("reserved symbol"), "{reason}");
    // Nitro reads the symbol after the last `__`.
    let reason = rejection(
        r#"(module (memory (export "memory") 1 1)
        (func (export "lib__stylus_x") (param i32) (result i32) (i32.const 0))
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(reason.contains("reserved symbol"), "{reason}");
    let reason = rejection(
        r#"(module (import "vm_hooks" "read_args" (func $read (param i32)))
        (memory (export "memory") 1 1)
        (func (export "read_args") (param i32) (local.get 0) (call $read))
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(
        reason.contains("exports an import with the same name"),
        "{reason}"
    );
}

#[test]
fn duplicate_identical_imports_are_allowed() {
    activates(
        r#"(module
        (import "vm_hooks" "read_args" (func $a (param i32)))
        (import "vm_hooks" "read_args" (func $b (param i32)))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (call $a (i32.const 0)) (call $b (i32.const 0)) (i32.const 0)))"#,
    );
}

#[test]
fn exports_are_limited_with_the_instrumentation_globals() {
    // `nitro --dev` activates in debug mode, which keeps every export; the
    // 1,024 limit counts them with the 4 globals the instrumentation exports.
    let module = |count: usize| {
        let exports: String = (0..count)
            .map(|i| format!(r#"(export "e{i}" (func 0))"#))
            .collect();
        format!(
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)) {exports})"#
        )
    };
    // user_entrypoint + memory + 1,018 + 4 globals = 1,024.
    activates(&module(1_018));
    let reason = rejection(&module(1_019));
    assert!(
        reason.contains("too many wasm exports: 1025 > 1024"),
        "{reason}"
    );
    let long_name = format!(
        r#"(module (memory (export "memory") 1 1) (export "{}" (func 0))
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
        "x".repeat(513)
    );
    assert!(rejection(&long_name).contains("wasm name too long"));
}

#[test]
fn a_start_function_is_kept_as_an_export_and_not_run() {
    // Debug mode: `StartMover` exports the start function as `stylus_start`
    // instead of refusing it (crates/prover/src/programs/start.rs); programs
    // run from `user_entrypoint` only, so a trapping start does not matter.
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module (memory (export "memory") 1 1) (func $trap unreachable) (start $trap)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    let tx = chain.send(Some(program), vec![], U256::ZERO, None);
    assert!(tx.receipt.status);
}

#[test]
fn the_module_name_is_limited_to_512_bytes() {
    let wat = |len: usize| {
        format!(
            r#"(module ${} (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "m".repeat(len)
        )
    };
    activates(&wat(512));
    let reason = rejection(&wat(513));
    assert!(reason.contains("module name too long"), "{reason}");
}

#[test]
fn out_of_bounds_segments_fail_activation() {
    let reason = rejection(
        r#"(module (memory (export "memory") 1 1) (data (i32.const 65535) "ab")
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(reason.contains("Out-of-bounds data"), "{reason}");
    let reason = rejection(
        r#"(module (memory (export "memory") 1 1) (table 1 funcref) (elem (i32.const 1) func 0)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(reason.contains("Out of bounds element segment"), "{reason}");
    // Exactly filling memory is fine.
    activates(
        r#"(module (memory (export "memory") 1 1) (data (i32.const 65534) "ab")
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
}
