//! `check_activation` against hand-written modules.

use std::collections::HashSet;

use stylus_build::{check_activation, prepare_wasm, unpriced_operators, HOST_IMPORTS};

/// The smallest program Nitro activates, with `extra` appended to the module.
fn program(extra: &str) -> Vec<u8> {
    program_with_import("", extra)
}

/// [`program`] with one more import (imports precede definitions in WAT).
fn program_with_import(import: &str, extra: &str) -> Vec<u8> {
    let wat = format!(
        r#"(module
             {import}
             (import "vm_hooks" "read_args" (func (param i32)))
             (import "vm_hooks" "call_contract"
               (func (param i32 i32 i32 i32 i64 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0))
             {extra})"#
    );
    prepare_wasm(&wat::parse_str(wat).unwrap()).unwrap()
}

fn problems(wasm: &[u8]) -> Vec<String> {
    check_activation(wasm)
        .err()
        .map(|err| err.problems)
        .unwrap_or_default()
}

fn assert_rejected(wasm: &[u8], expected: &str) {
    let problems = problems(wasm);
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem containing {expected:?}, got {problems:?}"
    );
}

#[test]
fn minimal_program_activates() {
    assert_eq!(problems(&program("")), Vec::<String>::new());
}

#[test]
fn entry_point_is_required_with_its_type() {
    let wasm = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    assert_rejected(&wasm, "missing export user_entrypoint");
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i64) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert_rejected(&wasm, "user_entrypoint must have type (i32) -> i32");
}

#[test]
fn memory_must_be_exported_and_bounded() {
    let wasm = wat::parse_str(
        r#"(module (memory 1)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert_rejected(&wasm, "memory is not exported");
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 129)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert_rejected(&wasm, "initial memory of 129 pages exceeds 128");
    let wasm = wat::parse_str(
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert_rejected(&wasm, "no memory");
}

#[test]
fn only_nitro_host_functions_link() {
    assert_rejected(
        &program_with_import(r#"(import "env" "abort" (func))"#, ""),
        "only vm_hooks is linked",
    );
    assert_rejected(
        &program_with_import(
            r#"(import "vm_hooks" "storage_store_bytes32" (func (param i32 i32)))"#,
            "",
        ),
        "not a Stylus host function",
    );
    assert_rejected(
        &program_with_import(r#"(import "vm_hooks" "msg_value" (func (param i64)))"#, ""),
        "import vm_hooks.msg_value has the wrong signature",
    );
    assert_rejected(
        &program_with_import(
            r#"(import "vm_hooks" "read_args" (func (param i32) (result i32)))"#,
            "",
        ),
        "imported with two signatures",
    );
    assert_rejected(
        &program_with_import(r#"(import "vm_hooks" "g" (global i32))"#, ""),
        "is not a function",
    );
}

#[test]
fn start_functions_and_reserved_names_are_rejected() {
    assert_rejected(&program("(func $s) (start $s)"), "start functions");
    assert_rejected(
        &program(r#"(func (export "stylus_hook"))"#),
        "reserved prefix",
    );
    assert_rejected(
        &program(r#"(func (export "my__read_args"))"#),
        "read_args is both imported and exported",
    );
}

#[test]
fn anti_dos_limits() {
    let datas: String = (0..129)
        .map(|i| format!("(data (i32.const {i}) \"x\")"))
        .collect();
    assert_rejected(&program(&datas), "too many data segments: 129 > 128");

    let locals = "(func (local ".to_string() + &"i32 ".repeat(349) + "))";
    assert_rejected(
        &program(&locals),
        "too many locals in function 3: 349 > 348",
    );
    let locals = "(func (local ".to_string() + &"i32 ".repeat(348) + "))";
    assert!(problems(&program(&locals)).is_empty());

    assert_rejected(
        &program("(table 4097 funcref)"),
        "too many table entries: 4097 > 4096",
    );
}

#[test]
fn host_import_table_is_nitros() {
    assert_eq!(HOST_IMPORTS.len(), 42);
    let names: HashSet<_> = HOST_IMPORTS.iter().map(|h| h.name).collect();
    assert_eq!(names.len(), HOST_IMPORTS.len());
    for name in [
        "read_args",
        "write_result",
        "storage_flush_cache",
        "native_keccak256",
        "pay_for_memory_grow",
        "exit_early",
        "transient_store_bytes32",
        "math_mul_mod",
    ] {
        assert!(names.contains(name), "{name}");
    }
}

#[test]
fn unpriced_operators_are_listed_per_function() {
    let wasm = program(
        r#"(func (param f64) (result i32)
             (i32.trunc_sat_f64_s (f64.add (local.get 0) (f64.add (local.get 0) (f64.const 1)))))
           (func (result i32) (i32.add (i32.const 1) (i32.const 2)))
           (data "passive")
           (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 0))"#,
    );
    // Still activates: Nitro only prices these, it does not reject them.
    assert!(problems(&wasm).is_empty());
    let found: Vec<_> = unpriced_operators(&wasm)
        .unwrap()
        .into_iter()
        .map(|u| (u.function, u.operator, u.count))
        .collect();
    let expected: Vec<(u32, String, usize)> = [
        (3, "F64Add", 2),
        (3, "F64Const", 1),
        (3, "I32TruncSatF64S", 1),
        (5, "MemoryInit", 1),
        (5, "DataDrop", 1),
    ]
    .into_iter()
    .map(|(f, o, c)| (f, o.to_string(), c))
    .collect();
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut expected_sorted = expected;
    expected_sorted.sort();
    assert_eq!(found_sorted, expected_sorted);
    assert!(unpriced_operators(&program("")).unwrap().is_empty());
}
