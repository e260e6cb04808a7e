//! The checks Nitro applies when it activates a program, beyond WASM
//! validation, so that a contract that would fail `activateProgram` fails the
//! build instead of a deployment.
//!
//! Mirrors `WasmBinary::parse_user` and `parse_with_version` in Nitro's
//! `crates/prover/src/binary.rs`, and the `vm_hooks` import table in
//! `crates/stylus/src/native.rs`.

use std::collections::{HashMap, HashSet};

use wasmparser::{
    ExternalKind, FuncType, Parser, Payload, TypeRef, ValType,
    ValType::{I32, I64},
};

use crate::sizes::MAX_WASM_BYTES;

/// Name of the exported function Nitro calls: `(i32 args_len) -> i32 status`.
pub const ENTRY_POINT: &str = "user_entrypoint";

/// Import module of Stylus host functions.
pub const HOST_MODULE: &str = "vm_hooks";

/// Largest initial memory Nitro admits, in 64 KiB pages. Activation compares
/// against the pages still free in the transaction, at most this many.
pub const MAX_INITIAL_PAGES: u64 = 128;

/// A host function a program may import from [`HOST_MODULE`], with the WASM
/// signature Nitro links it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostImport {
    /// Import name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
}

macro_rules! host_imports {
    ($($name:literal: ($($p:ident),*) -> ($($r:ident),*);)*) => {
        /// Every host function Nitro links into a (non-debug) Stylus program.
        /// Importing anything else fails activation.
        pub const HOST_IMPORTS: &[HostImport] = &[
            $(HostImport { name: $name, params: &[$($p),*], results: &[$($r),*] },)*
        ];
    };
}

host_imports! {
    "read_args": (I32) -> ();
    "write_result": (I32, I32) -> ();
    "exit_early": (I32) -> ();
    "storage_load_bytes32": (I32, I32) -> ();
    "storage_cache_bytes32": (I32, I32) -> ();
    "storage_flush_cache": (I32) -> ();
    "transient_load_bytes32": (I32, I32) -> ();
    "transient_store_bytes32": (I32, I32) -> ();
    "call_contract": (I32, I32, I32, I32, I64, I32) -> (I32);
    "delegate_call_contract": (I32, I32, I32, I64, I32) -> (I32);
    "static_call_contract": (I32, I32, I32, I64, I32) -> (I32);
    "create1": (I32, I32, I32, I32, I32) -> ();
    "create2": (I32, I32, I32, I32, I32, I32) -> ();
    "read_return_data": (I32, I32, I32) -> (I32);
    "return_data_size": () -> (I32);
    "emit_log": (I32, I32, I32) -> ();
    "account_balance": (I32, I32) -> ();
    "account_code": (I32, I32, I32, I32) -> (I32);
    "account_codehash": (I32, I32) -> ();
    "account_code_size": (I32) -> (I32);
    "evm_gas_left": () -> (I64);
    "evm_ink_left": () -> (I64);
    "block_basefee": (I32) -> ();
    "chainid": () -> (I64);
    "block_coinbase": (I32) -> ();
    "block_gas_limit": () -> (I64);
    "block_number": () -> (I64);
    "block_timestamp": () -> (I64);
    "contract_address": (I32) -> ();
    "math_div": (I32, I32) -> ();
    "math_mod": (I32, I32) -> ();
    "math_pow": (I32, I32) -> ();
    "math_add_mod": (I32, I32, I32) -> ();
    "math_mul_mod": (I32, I32, I32) -> ();
    "msg_reentrant": () -> (I32);
    "msg_sender": (I32) -> ();
    "msg_value": (I32) -> ();
    "tx_gas_price": (I32) -> ();
    "tx_ink_price": () -> (I32);
    "tx_origin": (I32) -> ();
    "pay_for_memory_grow": (I32) -> ();
    "native_keccak256": (I32, I32, I32) -> ();
}

/// Why Nitro would refuse to activate a module: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Nitro would not activate this program: {}", .problems.join("; "))]
pub struct ActivationError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

/// Checks a [prepared](crate::prepare_wasm) module against Nitro's
/// activation rules: size, a single memory exported as `memory` within
/// [`MAX_INITIAL_PAGES`], the [`ENTRY_POINT`] export, no start function, only
/// [`HOST_IMPORTS`] with their exact signatures, no reserved `stylus*`
/// symbols, and Nitro's anti-DoS counts (data and element segments, exports,
/// functions, globals, locals and operators per function, table entries).
///
/// Nitro counts locals and operators after instrumenting the module (which
/// adds a few of each), so those two checks are necessary, not sufficient.
pub fn check_activation(wasm: &[u8]) -> Result<(), ActivationError> {
    let mut problems = Vec::new();
    if let Err(err) = collect_problems(wasm, &mut problems) {
        problems.push(format!("cannot parse the module: {err}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ActivationError { problems })
    }
}

fn collect_problems(wasm: &[u8], problems: &mut Vec<String>) -> wasmparser::Result<()> {
    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new(); // type index of every function, imports first
    let mut imports: Vec<(String, String, Option<u32>)> = Vec::new();
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut memories = Vec::new();
    let mut start = false;
    let mut counts = Counts::default();
    let mut body_limits = Vec::new();

    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for func in reader.into_iter_err_on_gc_types() {
                    types.push(func?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let ty = match import.ty {
                        TypeRef::Func(ty) => {
                            func_types.push(ty);
                            Some(ty)
                        }
                        _ => None,
                    };
                    imports.push((import.module.to_string(), import.name.to_string(), ty));
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    counts.table_entries += table?.ty.initial as usize;
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memories.push(memory?);
                }
            }
            Payload::GlobalSection(reader) => counts.globals += reader.count() as usize,
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { .. } => start = true,
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    counts.elements += 1;
                    // Nitro sums the encoded length of each segment.
                    counts.element_bytes += (element.range.end - element.range.start) as usize;
                }
            }
            Payload::DataSection(reader) => counts.datas += reader.count() as usize,
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0usize;
                for local in body.get_locals_reader()? {
                    locals += local?.0 as usize;
                }
                let mut ops = 0usize;
                let mut reader = body.get_operators_reader()?;
                while !reader.eof() {
                    reader.read()?;
                    ops += 1;
                }
                body_limits.push((locals, ops));
            }
            _ => {}
        }
    }

    if wasm.len() > MAX_WASM_BYTES {
        problems.push(format!(
            "module is {} bytes, over the {MAX_WASM_BYTES}-byte limit",
            wasm.len()
        ));
    }

    match memories.as_slice() {
        [] => problems.push("no memory".into()),
        [memory] => {
            if memory.initial > MAX_INITIAL_PAGES {
                problems.push(format!(
                    "initial memory of {} pages exceeds {MAX_INITIAL_PAGES}",
                    memory.initial
                ));
            }
            let exported = exports
                .iter()
                .any(|(name, kind, _)| name == "memory" && *kind == ExternalKind::Memory);
            if !exported {
                problems.push("memory is not exported as \"memory\"".into());
            }
        }
        _ => {}
    }
    limit(problems, "memories", memories.len(), 1);

    let entry_type = FuncType::new([I32], [I32]);
    match exports.iter().find(|(name, _, _)| name == ENTRY_POINT) {
        None => problems.push(format!("missing export {ENTRY_POINT}")),
        Some((_, ExternalKind::Func, index)) => {
            let ty = func_types
                .get(*index as usize)
                .and_then(|ty| types.get(*ty as usize));
            if ty != Some(&entry_type) {
                problems.push(format!("{ENTRY_POINT} must have type (i32) -> i32"));
            }
        }
        Some((_, kind, _)) => problems.push(format!("{ENTRY_POINT} is a {kind:?}, not a function")),
    }
    if start {
        problems.push("start functions are not allowed".into());
    }

    let mut seen = HashMap::new();
    for (module, name, ty) in &imports {
        let Some(ty) = ty else {
            problems.push(format!("import {module}.{name} is not a function"));
            continue;
        };
        if let Some(prior) = seen.insert((module, name), *ty) {
            if prior != *ty {
                problems.push(format!("{module}.{name} is imported with two signatures"));
            }
        }
        if module != HOST_MODULE {
            problems.push(format!(
                "import {module}.{name}: only {HOST_MODULE} is linked"
            ));
            continue;
        }
        let Some(host) = HOST_IMPORTS.iter().find(|h| h.name == name) else {
            problems.push(format!(
                "import {module}.{name} is not a Stylus host function"
            ));
            continue;
        };
        let expected = FuncType::new(host.params.iter().copied(), host.results.iter().copied());
        if types.get(*ty as usize) != Some(&expected) {
            problems.push(format!(
                "import {module}.{name} has the wrong signature (Nitro links {expected})"
            ));
        }
    }
    limit(problems, "imports", imports.len(), 513);

    // Nitro compares import names with export names after their last `__`.
    let export_tails: HashSet<&str> = exports
        .iter()
        .filter_map(|(name, _, _)| name.rsplit("__").next())
        .collect();
    for (_, name, _) in &imports {
        if export_tails.contains(name.as_str()) {
            problems.push(format!("{name} is both imported and exported"));
        }
    }
    let reserved = |name: &str| name.starts_with("stylus");
    for name in export_tails.iter().filter(|name| reserved(name)) {
        problems.push(format!("export {name} uses the reserved prefix \"stylus\""));
    }
    for (_, name, _) in imports.iter().filter(|(_, name, _)| reserved(name)) {
        problems.push(format!("import {name} uses the reserved prefix \"stylus\""));
    }
    for (name, _, _) in &exports {
        if name.len() > 512 {
            problems.push(format!("export name of {} bytes exceeds 512", name.len()));
        }
    }

    limit(problems, "data segments", counts.datas, 128);
    limit(problems, "element segments", counts.elements, 128);
    limit(problems, "exports", exports.len(), 1024);
    limit(problems, "functions", body_limits.len(), 4096);
    limit(problems, "globals", counts.globals, 32768);
    limit(problems, "table entries", counts.table_entries, 4096);
    limit(
        problems,
        "element segment bytes",
        counts.element_bytes,
        4096,
    );
    let defined = func_types.len().saturating_sub(body_limits.len());
    for (index, (locals, ops)) in body_limits.into_iter().enumerate() {
        let func = defined + index;
        limit(problems, &format!("locals in function {func}"), locals, 348);
        limit(
            problems,
            &format!("operators in function {func}"),
            ops,
            65536,
        );
    }
    Ok(())
}

fn limit(problems: &mut Vec<String>, what: &str, count: usize, max: usize) {
    if count > max {
        problems.push(format!("too many {what}: {count} > {max}"));
    }
}

#[derive(Default)]
struct Counts {
    datas: usize,
    elements: usize,
    element_bytes: usize,
    globals: usize,
    table_entries: usize,
}

/// Uses of an operator that Nitro accepts at activation but prices at
/// `u64::MAX` ink (`pricing` in Nitro's `crates/prover/src/programs/meter.rs`):
/// any call that reaches it runs out of gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedOperator {
    /// Index of the function (in the function index space, imports first).
    pub function: u32,
    /// The operator, as wasmparser names it, e.g. `F64Add`, `MemoryInit`.
    pub operator: String,
    /// How many times it occurs in that function.
    pub count: usize,
}

/// Every operator in `wasm` that validates under Nitro's features but that
/// Nitro's meter prices at `u64::MAX`: floating point (including the
/// saturating float-to-int conversions), `memory.init`, `data.drop` and the
/// table and reference instructions. Such code is only safe if it is
/// unreachable; the list points at what to remove.
pub fn unpriced_operators(wasm: &[u8]) -> wasmparser::Result<Vec<UnpricedOperator>> {
    let mut imported = 0u32;
    let mut next_function = None;
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let function = *next_function.get_or_insert(imported);
                next_function = Some(function + 1);
                let mut counts: Vec<(String, usize)> = Vec::new();
                let mut reader = body.get_operators_reader()?;
                while !reader.eof() {
                    let debug = format!("{:?}", reader.read()?);
                    let name = debug
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .next()
                        .unwrap_or_default();
                    if !is_unpriced(name) {
                        continue;
                    }
                    match counts.iter_mut().find(|(n, _)| n == name) {
                        Some((_, count)) => *count += 1,
                        None => counts.push((name.to_string(), 1)),
                    }
                }
                found.extend(
                    counts
                        .into_iter()
                        .map(|(operator, count)| UnpricedOperator {
                            function,
                            operator,
                            count,
                        }),
                );
            }
            _ => {}
        }
    }
    Ok(found)
}

/// Whether Nitro prices an operator that passes [`crate::nitro_features`]
/// validation at `u64::MAX`.
fn is_unpriced(name: &str) -> bool {
    const OTHERS: &[&str] = &[
        "MemoryInit",
        "DataDrop",
        "TableInit",
        "ElemDrop",
        "TableCopy",
        "TableFill",
        "TableGet",
        "TableSet",
        "TableGrow",
        "TableSize",
        "RefNull",
        "RefIsNull",
        "RefFunc",
        "TypedSelect",
    ];
    name.contains("F32") || name.contains("F64") || OTHERS.contains(&name)
}
