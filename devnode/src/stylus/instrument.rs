//! Validation and instrumentation of user WASM at activation time.
//!
//! This follows Nitro's `WasmBinary::parse_user` and its middlewares, applied in
//! Nitro's order: the ink meter (per basic block: summed opcode ink plus the
//! header cost, trapping with status 1 when ink runs out), the dynamic meter
//! (`memory.fill` / `memory.copy` pay per byte), the depth checker (every
//! function reserves its worst-case frame from a stack budget) and the heap
//! bound (`memory.grow` first calls `pay_for_memory_grow`). The result is a new
//! module that any plain WASM engine can run with Nitro's pricing.

use super::activation_gas::ModuleShape;
use super::module_checks::{exports, names, segment_bounds};
use super::version::ArbosVersion;
use super::{depth, hostio, params, pricing::opcode_ink};
use std::collections::HashMap;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{
    BlockType, ExternalKind, FuncType, FuncValidatorAllocations, Operator, Parser, Payload,
    TypeRef, ValidPayload, Validator, WasmFeatures,
};

/// Name of the exported global holding the ink left.
pub const INK_LEFT: &str = "stylus_ink_left";
/// Name of the exported global that is 1 once the program ran out of ink.
pub const INK_STATUS: &str = "stylus_ink_status";
/// Name of the exported scratch global used by the dynamic meter and heap bound.
pub const SCRATCH: &str = "stylus_scratch_global";
/// Name of the exported global holding the stack budget left.
pub const STACK_LEFT: &str = "stylus_stack_left";
/// The program's entry point.
pub const ENTRY_POINT: &str = "user_entrypoint";

/// What activation learns about a program; stored in the program table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramCosts {
    /// Nitro's `init_cost` (scaled into gas by [`params::init_gas`]).
    pub init_cost: u16,
    /// Nitro's `cached_init_cost` (scaled into gas by [`params::cached_gas`]).
    pub cached_init_cost: u16,
    /// Nitro's estimate of the native code size, which prices the data fee.
    pub asm_estimate: u32,
    /// Initial memory pages.
    pub footprint: u16,
}

/// A validated, instrumented module ready to run.
#[derive(Clone, Debug)]
pub struct InstrumentedModule {
    /// The instrumented WASM binary.
    pub wasm: Vec<u8>,
    /// Costs derived from the original binary.
    pub costs: ProgramCosts,
    /// What Nitro's activation gas is computed from.
    pub shape: ModuleShape,
}

/// Nitro's WASM feature set for user programs (`parse_with_version`):
/// multi-value only before `ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`.
fn stylus_features(arbos_version: ArbosVersion) -> WasmFeatures {
    let mut features = WasmFeatures::empty();
    features.set(WasmFeatures::MUTABLE_GLOBAL, true);
    features.set(WasmFeatures::SATURATING_FLOAT_TO_INT, true);
    features.set(WasmFeatures::SIGN_EXTENSION, true);
    features.set(
        WasmFeatures::MULTI_VALUE,
        arbos_version.allows_multi_value(),
    );
    features.set(WasmFeatures::BULK_MEMORY, true);
    features.set(WasmFeatures::FLOATS, true);
    features.set(WasmFeatures::GC_TYPES, true);
    features
}

struct Body<'a> {
    locals_declared: usize,
    body: wasmparser::FunctionBody<'a>,
    ops: Vec<Operator<'a>>,
}

/// Validates `wasm` as Nitro does and returns the instrumented module.
///
/// `page_limit` is the number of pages the program's initial memory may use;
/// `arbos_version` decides the WASM features accepted.
pub fn instrument(
    wasm: &[u8],
    page_limit: u16,
    arbos_version: ArbosVersion,
) -> Result<InstrumentedModule, String> {
    let mut validator = Validator::new_with_features(stylus_features(arbos_version));
    let mut allocs = FuncValidatorAllocations::default();

    let mut types: Vec<FuncType> = Vec::new();
    let mut type_section = None;
    let mut import_section = None;
    let mut function_section = None;
    let mut table_section = None;
    let mut global_section = None;
    let mut export_section = None;
    let mut element_section = None;
    let mut data_section = None;
    let mut data_count = None;

    let mut imports: Vec<(String, String, u32)> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut memories: Vec<wasmparser::MemoryType> = Vec::new();
    let mut table_entries: u64 = 0;
    let mut global_count: u32 = 0;
    let mut exports: HashMap<String, (ExternalKind, u32)> = HashMap::new();
    let mut element_count = 0usize;
    let mut element_bytes: u64 = 0;
    let mut data_segments = 0usize;
    let mut data_bytes: u64 = 0;
    let mut data_segment_bytes: u64 = 0;
    let mut segments = Vec::new();
    let mut module_name_len = 0usize;
    let mut start = None;
    let mut bodies: Vec<Body> = Vec::new();

    // The parser must decode with Nitro's features too: the operator encoding
    // itself differs (e.g. call_indirect's table immediate before reference types).
    let mut parser = Parser::new(0);
    parser.set_features(stylus_features(arbos_version));
    for payload in parser.parse_all(wasm) {
        let payload = payload.map_err(|e| format!("failed to parse wasm: {e}"))?;
        let valid = validator
            .payload(&payload)
            .map_err(|e| format!("failed to validate wasm: {e}"))?;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    let group = group.map_err(|e| e.to_string())?;
                    for sub in group.into_types() {
                        match sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ty) => types.push(ty),
                            _ => return Err("unsupported non-function type".into()),
                        }
                    }
                }
                type_section = Some(reader);
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    let TypeRef::Func(ty) = import.ty else {
                        return Err(format!("unsupported import kind {:?}", import.ty));
                    };
                    imports.push((import.module.to_string(), import.name.to_string(), ty));
                }
                import_section = Some(reader);
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    func_types.push(ty.map_err(|e| e.to_string())?);
                }
                function_section = Some(reader);
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table.map_err(|e| e.to_string())?;
                    table_entries = table_entries.saturating_add(table.ty.initial);
                }
                table_section = Some(reader);
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memories.push(memory.map_err(|e| e.to_string())?);
                }
            }
            Payload::GlobalSection(reader) => {
                global_count = reader.count();
                for global in reader.clone() {
                    let global = global.map_err(|e| e.to_string())?;
                    let mut init = global.init_expr.get_operators_reader();
                    let first = init.read().map_err(|e| e.to_string())?;
                    let second = init.read().map_err(|e| e.to_string())?;
                    let constant = matches!(
                        first,
                        Operator::I32Const { .. }
                            | Operator::I64Const { .. }
                            | Operator::F32Const { .. }
                            | Operator::F64Const { .. }
                    );
                    if !constant || !matches!(second, Operator::End) || !init.eof() {
                        return Err("Non-constant global initializer".into());
                    }
                }
                global_section = Some(reader);
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export.map_err(|e| e.to_string())?;
                    exports.insert(export.name.to_string(), (export.kind, export.index));
                }
                export_section = Some(reader);
            }
            Payload::StartSection { func, .. } => start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader.clone() {
                    let element = element.map_err(|e| e.to_string())?;
                    element_count += 1;
                    element_bytes =
                        element_bytes.saturating_add(element.range.end - element.range.start);
                    segments.push(segment_bounds::element(&element)?);
                }
                element_section = Some(reader);
            }
            Payload::DataCountSection { count, .. } => data_count = Some(count),
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    let data = data.map_err(|e| e.to_string())?;
                    data_segments += 1;
                    data_bytes = data_bytes.saturating_add(data.data.len() as u64);
                    data_segment_bytes =
                        data_segment_bytes.saturating_add(data.range.end - data.range.start);
                    segments.push(segment_bounds::data(&data)?);
                }
                data_section = Some(reader);
            }
            Payload::CodeSectionEntry(body) => {
                let ValidPayload::Func(func, _) = valid else {
                    return Err("code entry without a function to validate".into());
                };
                let mut func = func.into_validator(std::mem::take(&mut allocs));
                let mut locals_declared = 0usize;
                let mut locals = body.get_locals_reader().map_err(|e| e.to_string())?;
                for _ in 0..locals.get_count() {
                    let offset = locals.original_position();
                    let (count, ty) = locals.read().map_err(|e| e.to_string())?;
                    locals_declared = locals_declared.saturating_add(count as usize);
                    func.define_locals(offset, count, ty)
                        .map_err(|e| format!("failed to validate wasm: {e}"))?;
                }
                if locals_declared > 348 {
                    return Err(format!("too many wasm locals: {locals_declared} > 348"));
                }
                let mut ops = Vec::new();
                let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
                while !reader.eof() {
                    let offset = reader.original_position();
                    let op = reader.read().map_err(|e| e.to_string())?;
                    func.op(offset, &op)
                        .map_err(|e| format!("failed to validate wasm: {e}"))?;
                    ops.push(op);
                }
                allocs = func.into_allocations();
                bodies.push(Body {
                    locals_declared,
                    body,
                    ops,
                });
            }
            Payload::CustomSection(reader) => {
                module_name_len = module_name_len.max(names::module_name_len(&reader)?);
            }
            Payload::CodeSectionStart { .. } | Payload::Version { .. } => {}
            Payload::End(_) => {}
            other => {
                return Err(format!("unsupported wasm section {:?}", other.as_section()));
            }
        }
    }

    // Nitro's anti-DoS limits.
    let Some(memory) = memories.first().copied() else {
        return Err("missing memory with export name \"memory\"".into());
    };
    macro_rules! limit {
        ($limit:expr, $count:expr, $name:expr) => {
            if ($count as u64) > ($limit as u64) {
                return Err(format!("too many wasm {}: {} > {}", $name, $count, $limit));
            }
        };
    }
    if memory.initial > page_limit as u64 {
        return Err(format!(
            "memory exceeds limit: {} > {page_limit}",
            memory.initial
        ));
    }
    limit!(1, memories.len(), "memories");
    limit!(128, data_segments, "datas");
    limit!(128, element_count, "elements");
    // Nitro's `StartMover` runs first: in debug mode it turns a start
    // function into the export `stylus_start` (never run) and keeps every
    // export; otherwise it refuses a start function and keeps only the
    // entry point and memory. The instrumentation then exports its 4 globals,
    // and the limits apply to the result.
    if start.is_some() && !params::DEBUG_MODE {
        return Err("start functions not allowed".into());
    }
    let kept_exports: Vec<&String> = exports
        .iter()
        .filter(|(name, (kind, _))| params::DEBUG_MODE || exports::kept(name, *kind))
        .map(|(name, _)| name)
        .collect();
    limit!(
        1024,
        kept_exports.len() + usize::from(start.is_some()) + 4,
        "exports"
    );
    if let Some(name) = kept_exports.iter().find(|name| name.len() > 512) {
        return Err(format!("wasm name too long: {} > 512", name.len()));
    }
    if module_name_len > 512 {
        return Err(format!(
            "wasm module name too long: {module_name_len} > 512"
        ));
    }
    limit!(4096, bodies.len(), "functions");
    limit!(32768, global_count as u64 + 4, "globals");
    limit!(513, imports.len(), "imports");
    limit!(4096, table_entries, "table entries");
    limit!(4096, element_bytes, "element entries");
    match exports.get("memory") {
        Some((ExternalKind::Memory, 0)) => {}
        _ => return Err("missing memory with export name \"memory\"".into()),
    }
    exports::check_names(exports.keys(), imports.iter().map(|(_, name, _)| name))?;
    segment_bounds::check(&segments, memory.initial, table_entries)?;

    // Imports must be hostios Nitro links, with their exact signatures; the
    // same hostio may be imported twice with the same type.
    let mut seen = HashMap::new();
    let mut pay_for_memory_grow = None;
    for (index, (module, name, ty)) in imports.iter().enumerate() {
        let ty = types.get(*ty as usize).ok_or("import of unknown type")?;
        if module != hostio::MODULE && module != hostio::CONSOLE {
            return Err(format!("unknown import module {module}"));
        }
        let Some(expected) = hostio::signature(module, name) else {
            return Err(format!("unknown import {module}.{name}"));
        };
        if ty.params() != expected.0 || ty.results() != expected.1 {
            return Err(format!("wrong type for import {module}.{name}"));
        }
        let type_index = imports[index].2;
        if *seen.entry((module, name)).or_insert(type_index) != type_index {
            return Err(format!("inconsistent imports for {module} {name}"));
        }
        if module == hostio::MODULE
            && name == "pay_for_memory_grow"
            && pay_for_memory_grow.is_none()
        {
            pay_for_memory_grow = Some(index as u32);
        }
    }

    // The entry point must be `user_entrypoint(i32) -> i32`.
    let Some((ExternalKind::Func, entry)) = exports.get(ENTRY_POINT).copied() else {
        return Err(format!("missing export with name {ENTRY_POINT}"));
    };
    let entry_ty = if (entry as usize) < imports.len() {
        imports[entry as usize].2
    } else {
        *func_types
            .get(entry as usize - imports.len())
            .ok_or("entry point out of range")?
    };
    let entry_ty = &types[entry_ty as usize];
    if entry_ty.params() != [wasmparser::ValType::I32]
        || entry_ty.results() != [wasmparser::ValType::I32]
    {
        return Err(format!("wrong type for {ENTRY_POINT}"));
    }

    // Heap bound: growable memories must be able to pay for growth.
    let heap_bound = params::PAGE_LIMIT as u64;
    if memory.initial > heap_bound {
        return Err(format!(
            "memory size {} exceeds bound {heap_bound}",
            memory.initial
        ));
    }
    let maximum = memory.maximum.unwrap_or(heap_bound).min(heap_bound);
    let pay_func = if memory.maximum == Some(memory.initial) {
        None
    } else {
        Some(pay_for_memory_grow.ok_or("missing import vm_hooks.pay_for_memory_grow")?)
    };

    // Instrumentation globals come after the module's own.
    let ink_global = global_count;
    let status_global = global_count + 1;
    let scratch_global = global_count + 2;
    let stack_global = global_count + 3;
    let globals = Globals {
        ink: ink_global,
        status: status_global,
        scratch: scratch_global,
        stack: stack_global,
    };

    // Type index of every function, imports first (the function index space).
    let function_types: Vec<u32> = imports
        .iter()
        .map(|(_, _, ty)| *ty)
        .chain(func_types.iter().copied())
        .collect();

    let mut code = wasm_encoder::CodeSection::new();
    let mut reencoder = RoundtripReencoder;
    let mut instrumented_ops: u64 = 0;
    for body in &bodies {
        let metered = meter(&body.ops, &types, &globals)?;
        let dynamic = dynamic_meter(metered, &globals)?;
        let worst = depth::worst_case_stack(&dynamic, &function_types, &types)?;
        if worst > params::MAX_FRAME_CONTENTION {
            return Err(format!(
                "too many values on the stack at once: {worst} > {}",
                params::MAX_FRAME_CONTENTION
            ));
        }
        let frame = worst
            .saturating_add(body.locals_declared as u32)
            .saturating_add(4);
        if frame > params::MAX_FRAME_SIZE {
            return Err(format!(
                "frame too large: {frame} > {}-word limit",
                params::MAX_FRAME_SIZE
            ));
        }
        let checked = depth_check(dynamic, frame, &globals);
        let bounded = heap_bound_ops(checked, pay_func, &globals);
        // Nitro applies the opcode limit to the instrumented body.
        if bounded.len() > 65_536 {
            return Err(format!(
                "too many wasm opcodes in func body: {} > 65536",
                bounded.len()
            ));
        }
        instrumented_ops = instrumented_ops.saturating_add(bounded.len() as u64);

        let mut function = reencoder
            .new_function_with_parsed_locals(&body.body)
            .map_err(|e| e.to_string())?;
        for op in bounded {
            let instruction = reencoder.instruction(op).map_err(|e| e.to_string())?;
            function.instruction(&instruction);
        }
        code.function(&function);
    }

    let mut module = wasm_encoder::Module::new();
    // Copies a section the instrumentation leaves unchanged.
    macro_rules! copy_section {
        ($reader:expr, $section:ty, $parse:ident) => {
            if let Some(reader) = $reader {
                let mut section = <$section>::new();
                reencoder
                    .$parse(&mut section, reader)
                    .map_err(|e| e.to_string())?;
                module.section(&section);
            }
        };
    }
    copy_section!(type_section, wasm_encoder::TypeSection, parse_type_section);
    copy_section!(
        import_section,
        wasm_encoder::ImportSection,
        parse_import_section
    );
    copy_section!(
        function_section,
        wasm_encoder::FunctionSection,
        parse_function_section
    );
    copy_section!(
        table_section,
        wasm_encoder::TableSection,
        parse_table_section
    );
    let mut memory_section = wasm_encoder::MemorySection::new();
    memory_section.memory(wasm_encoder::MemoryType {
        minimum: memory.initial,
        maximum: Some(maximum),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memory_section);

    let mut global_out = wasm_encoder::GlobalSection::new();
    if let Some(reader) = global_section {
        reencoder
            .parse_global_section(&mut global_out, reader)
            .map_err(|e| e.to_string())?;
    }
    let mutable = |val_type| wasm_encoder::GlobalType {
        val_type,
        mutable: true,
        shared: false,
    };
    global_out.global(
        mutable(wasm_encoder::ValType::I64),
        &wasm_encoder::ConstExpr::i64_const(0),
    );
    global_out.global(
        mutable(wasm_encoder::ValType::I32),
        &wasm_encoder::ConstExpr::i32_const(0),
    );
    global_out.global(
        mutable(wasm_encoder::ValType::I32),
        &wasm_encoder::ConstExpr::i32_const(0),
    );
    global_out.global(
        mutable(wasm_encoder::ValType::I32),
        &wasm_encoder::ConstExpr::i32_const(0),
    );
    module.section(&global_out);

    let mut export_out = wasm_encoder::ExportSection::new();
    if let Some(reader) = export_section {
        reencoder
            .parse_export_section(&mut export_out, reader)
            .map_err(|e| e.to_string())?;
    }
    export_out.export(INK_LEFT, wasm_encoder::ExportKind::Global, ink_global);
    export_out.export(INK_STATUS, wasm_encoder::ExportKind::Global, status_global);
    export_out.export(SCRATCH, wasm_encoder::ExportKind::Global, scratch_global);
    export_out.export(STACK_LEFT, wasm_encoder::ExportKind::Global, stack_global);
    if let Some(start) = start {
        export_out.export(exports::START, wasm_encoder::ExportKind::Func, start);
    }
    module.section(&export_out);

    copy_section!(
        element_section,
        wasm_encoder::ElementSection,
        parse_element_section
    );
    if let Some(count) = data_count {
        module.section(&wasm_encoder::DataCountSection { count });
    }
    module.section(&code);
    copy_section!(data_section, wasm_encoder::DataSection, parse_data_section);

    let costs = predict_costs(
        bodies.len() as u64,
        global_count as u64 + 4,
        wasm.len() as u64,
        data_segment_bytes + element_bytes,
        func_types
            .iter()
            .map(|t| {
                let ty = &types[*t as usize];
                (ty.params().len() + ty.results().len()) as u64
            })
            .sum(),
        memory.initial as u16,
    )?;
    let shape = ModuleShape {
        wasm_len: wasm.len() as u64,
        funcs: bodies.len() as u64,
        data_bytes,
        element_bytes,
        initial_pages: memory.initial,
        instrumented_ops,
    };
    Ok(InstrumentedModule {
        wasm: module.finish(),
        costs,
        shape,
    })
}

/// Nitro's cost model for a program (version 2): native size, init and cached-init cost.
fn predict_costs(
    funcs: u64,
    globals: u64,
    wasm_len: u64,
    data_len: u64,
    type_len: u64,
    footprint: u16,
) -> Result<ProgramCosts, String> {
    let mut asm_estimate: u64 = 512_000;
    asm_estimate = asm_estimate.saturating_add(funcs.saturating_mul(996_829) / 1000);
    asm_estimate = asm_estimate.saturating_add(type_len.saturating_mul(11_416) / 1000);
    asm_estimate = asm_estimate.saturating_add(wasm_len.saturating_mul(62_628) / 10_000);

    let mut cached_init: u64 = 0;
    cached_init = cached_init.saturating_add(funcs.saturating_mul(13_420) / 100_000);
    cached_init = cached_init.saturating_add(type_len.saturating_mul(89) / 100_000);
    cached_init = cached_init.saturating_add(wasm_len.saturating_mul(122) / 100_000);
    cached_init = cached_init.saturating_add(globals.saturating_mul(1_628) / 1000);
    cached_init = cached_init.saturating_add(data_len.saturating_mul(75_244) / 100_000);
    cached_init = cached_init.saturating_add(footprint as u64 * 5);

    let mut init: u64 = 0;
    init = init.saturating_add(funcs.saturating_mul(8_252) / 1000);
    init = init.saturating_add(type_len.saturating_mul(1_059) / 1000);
    init = init.saturating_add(wasm_len.saturating_mul(1_286) / 10_000);

    Ok(ProgramCosts {
        init_cost: init.try_into().map_err(|_| "init cost too high")?,
        cached_init_cost: cached_init.try_into().map_err(|_| "cached cost too high")?,
        asm_estimate: asm_estimate
            .try_into()
            .map_err(|_| "asm estimate too large")?,
        footprint,
    })
}

struct Globals {
    ink: u32,
    status: u32,
    scratch: u32,
    stack: u32,
}

/// Nitro's `OperatorInfo::ends_basic_block`.
pub fn ends_basic_block(op: &Operator) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// The ink meter: each basic block is preceded by a check-and-charge of its total ink.
fn meter<'a>(
    ops: &[Operator<'a>],
    types: &[FuncType],
    g: &Globals,
) -> Result<Vec<Operator<'a>>, String> {
    let mut out = Vec::with_capacity(ops.len() * 2);
    let mut block: Vec<Operator<'a>> = Vec::new();
    let mut cost: u64 = 0;
    for op in ops {
        cost = cost.saturating_add(opcode_ink(op, types));
        block.push(op.clone());
        if ends_basic_block(op) {
            let total = cost.saturating_add(params::INK_HEADER_COST) as i64;
            out.extend([
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::I64Const { value: total },
                Operator::I64LtU,
                Operator::If {
                    blockty: BlockType::Empty,
                },
                Operator::I32Const { value: 1 },
                Operator::GlobalSet {
                    global_index: g.status,
                },
                Operator::Unreachable,
                Operator::End,
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::I64Const { value: total },
                Operator::I64Sub,
                Operator::GlobalSet {
                    global_index: g.ink,
                },
            ]);
            out.append(&mut block);
            cost = 0;
        }
    }
    out.append(&mut block);
    Ok(out)
}

/// The dynamic meter: `memory.fill` and `memory.copy` pay ink per byte moved.
fn dynamic_meter<'a>(ops: Vec<Operator<'a>>, g: &Globals) -> Result<Vec<Operator<'a>>, String> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let coefficient = match op {
            Operator::MemoryFill { .. } => Some(params::MEMORY_FILL_INK),
            Operator::MemoryCopy { .. } => Some(params::MEMORY_COPY_INK),
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::ElemDrop { .. }
            | Operator::TableInit { .. }
            | Operator::TableCopy { .. }
            | Operator::TableFill { .. }
            | Operator::TableGet { .. }
            | Operator::TableSet { .. }
            | Operator::TableGrow { .. }
            | Operator::TableSize { .. } => return Err("opcode not supported".into()),
            _ => None,
        };
        if let Some(coefficient) = coefficient {
            // ink_after = ink - size * coefficient; an underflow (ink_after > ink) runs out of ink.
            out.extend([
                Operator::GlobalSet {
                    global_index: g.scratch,
                },
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
                Operator::I64ExtendI32U,
                Operator::I64Const {
                    value: coefficient as i64,
                },
                Operator::I64Mul,
                Operator::I64Sub,
                Operator::GlobalSet {
                    global_index: g.ink,
                },
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::I64LtU,
                Operator::If {
                    blockty: BlockType::Empty,
                },
                Operator::I32Const { value: 1 },
                Operator::GlobalSet {
                    global_index: g.status,
                },
                Operator::Unreachable,
                Operator::End,
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
            ]);
        }
        out.push(op);
    }
    Ok(out)
}

/// The depth checker: reserve the frame on entry, trap when the budget is gone,
/// give it back on every return.
fn depth_check<'a>(mut ops: Vec<Operator<'a>>, frame: u32, g: &Globals) -> Vec<Operator<'a>> {
    let size = frame as i32;
    let mut out = Vec::with_capacity(ops.len() + 16);
    out.extend([
        Operator::GlobalGet {
            global_index: g.stack,
        },
        Operator::I32Const { value: size },
        Operator::I32LeU,
        Operator::If {
            blockty: BlockType::Empty,
        },
        Operator::I32Const { value: 0 },
        Operator::GlobalSet {
            global_index: g.stack,
        },
        Operator::Unreachable,
        Operator::End,
        Operator::GlobalGet {
            global_index: g.stack,
        },
        Operator::I32Const { value: size },
        Operator::I32Sub,
        Operator::GlobalSet {
            global_index: g.stack,
        },
    ]);
    // The function's final `end` becomes `return; end` so its frame is reclaimed too.
    if let Some(last) = ops.pop() {
        ops.push(Operator::Return);
        ops.push(last);
    }
    for op in ops {
        if matches!(op, Operator::Return) {
            out.extend([
                Operator::GlobalGet {
                    global_index: g.stack,
                },
                Operator::I32Const { value: size },
                Operator::I32Add,
                Operator::GlobalSet {
                    global_index: g.stack,
                },
            ]);
        }
        out.push(op);
    }
    out
}

/// The heap bound: `memory.grow` first pays for the pages through the hostio.
fn heap_bound_ops<'a>(
    ops: Vec<Operator<'a>>,
    pay_func: Option<u32>,
    g: &Globals,
) -> Vec<Operator<'a>> {
    let Some(function_index) = pay_func else {
        return ops;
    };
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        if matches!(op, Operator::MemoryGrow { .. }) {
            out.extend([
                Operator::GlobalSet {
                    global_index: g.scratch,
                },
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
                Operator::Call { function_index },
            ]);
        }
        out.push(op);
    }
    out
}
