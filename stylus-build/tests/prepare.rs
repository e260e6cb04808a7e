//! `prepare_wasm` against hand-written modules.

use stylus_build::{
    check_activation, compress, decompress, nitro_features, prepare_wasm, validate_for_nitro,
    PrepareError,
};
use wasm_encoder::{CodeSection, RawSection};
use wasmparser::{Operator, Parser, Payload, Validator};

/// A Stylus-shaped module that uses everything Nitro allows and that rustc
/// output contains: an indirect call through a funcref table, bulk memory,
/// sign extension, saturating truncation, a mutable global, data and element
/// segments, a host import, plus custom sections (`name` from the `$ids`,
/// and two others).
const FIXTURE: &str = r#"
(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (memory (export "memory") 1)
  (table 2 2 funcref)
  (elem (i32.const 0) $add $sub)
  (global $counter (mut i32) (i32.const 7))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $apply (export "apply") (param $f i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $f)))
  (func $user_entrypoint (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (memory.copy (i32.const 64) (i32.const 16) (i32.const 5))
    (memory.fill (i32.const 128) (i32.const 0) (local.get $len))
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (drop (i32.trunc_sat_f64_s (f64.const 1e300)))
    (i32.extend8_s
      (call_indirect (type $binop) (local.get $len) (i32.const 1) (i32.const 1))))
  (data (i32.const 16) "hello")
  (@custom "producers" "rustc 1.95.0")
  (@custom "target_features" "+reference-types")
)
"#;

/// The overlong table immediate wasm-ld writes for `call_indirect` when
/// reference types are enabled: a 5-byte LEB for 0.
const OVERLONG_ZERO: [u8; 5] = [0x80, 0x80, 0x80, 0x80, 0x00];

/// Rewrites every `call_indirect` table immediate in `wasm` to the padded
/// 5-byte LEB form, as rustc 1.95 + wasm-ld emit it; the text format cannot
/// express it.
fn with_overlong_call_indirect(wasm: &[u8]) -> Vec<u8> {
    let mut module = wasm_encoder::Module::new();
    let mut code = CodeSection::new();
    let mut rewritten = 0;
    let mut bodies = 0;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.unwrap();
        match &payload {
            Payload::CodeSectionStart { count, .. } => bodies = *count,
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                let range = range.start as usize..range.end as usize;
                let mut ops = body
                    .get_operators_reader()
                    .unwrap()
                    .into_iter_with_offsets()
                    .map(|op| op.unwrap())
                    .peekable();
                // Offsets (within `wasm`) of the table immediates to widen.
                let mut immediates = Vec::new();
                while let Some((op, _)) = ops.next() {
                    if let Operator::CallIndirect { table_index, .. } = op {
                        assert_eq!(table_index, 0);
                        let next = ops.peek().expect("a body ends with `end`").1;
                        immediates.push(next as usize - 1);
                    }
                }
                let mut bytes = Vec::new();
                for offset in range.clone() {
                    if immediates.contains(&offset) {
                        assert_eq!(wasm[offset], 0x00);
                        bytes.extend_from_slice(&OVERLONG_ZERO);
                        rewritten += 1;
                    } else {
                        bytes.push(wasm[offset]);
                    }
                }
                code.raw(&bytes);
                // The data section follows the code section.
                if code.len() == bodies {
                    module.section(&code);
                }
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    if id == wasm_encoder::SectionId::Code as u8 {
                        continue;
                    }
                    module.section(&RawSection {
                        id,
                        data: &wasm[range.start as usize..range.end as usize],
                    });
                }
            }
        }
    }
    assert!(rewritten >= 2, "the fixture has two indirect calls");
    module.finish()
}

fn overlong_fixture() -> Vec<u8> {
    with_overlong_call_indirect(&wat::parse_str(FIXTURE).unwrap())
}

fn custom_section_names(wasm: &[u8]) -> Vec<String> {
    Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p.unwrap() {
            Payload::CustomSection(c) => Some(c.name().to_string()),
            _ => None,
        })
        .collect()
}

/// Everything that determines a module's behaviour, independent of how it
/// is encoded: every item of every non-custom section, with function bodies
/// and constant expressions as operator lists.
fn semantics(wasm: &[u8]) -> Vec<String> {
    fn ops(reader: wasmparser::OperatorsReader<'_>) -> String {
        let ops: Vec<Operator<'_>> = reader.into_iter().map(|op| op.unwrap()).collect();
        format!("{ops:?}")
    }
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::TypeSection(r) => {
                for t in r {
                    out.push(format!("type {:?}", t.unwrap()));
                }
            }
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    let i = i.unwrap();
                    out.push(format!("import {} {} {:?}", i.module, i.name, i.ty));
                }
            }
            Payload::FunctionSection(r) => {
                for f in r {
                    out.push(format!("func type {}", f.unwrap()));
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    out.push(format!("table {:?}", t.unwrap().ty));
                }
            }
            Payload::MemorySection(r) => {
                for m in r {
                    out.push(format!("memory {:?}", m.unwrap()));
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g.unwrap();
                    out.push(format!(
                        "global {:?} = {}",
                        g.ty,
                        ops(g.init_expr.get_operators_reader())
                    ));
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    out.push(format!("export {:?}", e.unwrap()));
                }
            }
            Payload::StartSection { func, .. } => out.push(format!("start {func}")),
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e.unwrap();
                    let kind = match e.kind {
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => format!(
                            "active {table_index:?} {}",
                            ops(offset_expr.get_operators_reader())
                        ),
                        wasmparser::ElementKind::Passive => "passive".into(),
                        wasmparser::ElementKind::Declared => "declared".into(),
                    };
                    let items = match e.items {
                        wasmparser::ElementItems::Functions(f) => {
                            format!(
                                "{:?}",
                                f.into_iter().map(|i| i.unwrap()).collect::<Vec<_>>()
                            )
                        }
                        wasmparser::ElementItems::Expressions(ty, exprs) => format!(
                            "{ty:?} {:?}",
                            exprs
                                .into_iter()
                                .map(|e| ops(e.unwrap().get_operators_reader()))
                                .collect::<Vec<_>>()
                        ),
                    };
                    out.push(format!("elem {kind} {items}"));
                }
            }
            Payload::DataCountSection { count, .. } => out.push(format!("data count {count}")),
            Payload::DataSection(r) => {
                for d in r {
                    let d = d.unwrap();
                    let kind = match d.kind {
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => format!(
                            "active {memory_index} {}",
                            ops(offset_expr.get_operators_reader())
                        ),
                        wasmparser::DataKind::Passive => "passive".into(),
                    };
                    out.push(format!("data {kind} {:?}", d.data));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let locals: Vec<_> = body
                    .get_locals_reader()
                    .unwrap()
                    .into_iter()
                    .map(|l| l.unwrap())
                    .collect();
                out.push(format!(
                    "code {locals:?} {}",
                    ops(body.get_operators_reader().unwrap())
                ));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn fixture_really_uses_the_overlong_encoding() {
    let wasm = overlong_fixture();
    let needle = [&[0x11, 0x00][..], &OVERLONG_ZERO].concat(); // call_indirect type 0, table 0
    assert!(wasm.windows(needle.len()).any(|w| w == needle));
    // Nitro's validator rejects the module exactly as rustc emits it ...
    assert_eq!(
        Validator::new_with_features(nitro_features())
            .validate_all(&wasm)
            .err()
            .expect("rejected")
            .message(),
        "zero byte expected"
    );
    assert!(matches!(
        validate_for_nitro(&wasm),
        Err(PrepareError::UnsupportedFeature { feature, .. }) if feature == "call-indirect-overlong"
    ));
    // ... while the same module is valid WASM with rustc's features.
    Validator::new().validate_all(&wasm).unwrap();
}

#[test]
fn prepare_makes_the_module_acceptable_to_nitro() {
    let raw = overlong_fixture();
    let prepared = prepare_wasm(&raw).unwrap();

    Validator::new_with_features(nitro_features())
        .validate_all(&prepared)
        .unwrap();
    check_activation(&prepared).unwrap();
    let canonical = [0x11, 0x00, 0x00]; // call_indirect type 0, table 0
    assert!(prepared.windows(3).any(|w| w == canonical));
    assert!(!prepared
        .windows(OVERLONG_ZERO.len())
        .any(|w| w == OVERLONG_ZERO));
}

#[test]
fn prepare_strips_every_custom_section() {
    let raw = overlong_fixture();
    let mut names = custom_section_names(&raw);
    names.sort();
    assert_eq!(names, ["name", "producers", "target_features"]);
    let prepared = prepare_wasm(&raw).unwrap();
    assert!(custom_section_names(&prepared).is_empty());
    let leaked = b"rustc 1.95.0";
    assert!(!prepared.windows(leaked.len()).any(|w| w == leaked));
}

#[test]
fn prepare_preserves_every_function_and_segment() {
    let raw = overlong_fixture();
    let prepared = prepare_wasm(&raw).unwrap();
    let before = semantics(&raw);
    assert!(before.iter().any(|s| s.contains("CallIndirect")));
    assert!(before.iter().any(|s| s.contains("MemoryCopy")));
    assert!(before.iter().any(|s| s.starts_with("data active 0")));
    assert!(before.iter().any(|s| s.starts_with("elem active")));
    assert_eq!(semantics(&prepared), before);
}

#[test]
fn prepare_is_idempotent_and_compresses_round_trip() {
    let prepared = prepare_wasm(&overlong_fixture()).unwrap();
    assert_eq!(prepare_wasm(&prepared).unwrap(), prepared);
    let code = compress(&prepared);
    assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(decompress(&code).unwrap(), prepared);
}

#[test]
fn forbidden_features_are_named() {
    let cases = [
        (
            "simd",
            r#"(module (func (result i32)
                 (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))"#,
        ),
        ("multi-memory", "(module (memory 1) (memory 1))"),
        ("reference-types", "(module (func (param externref)))"),
        (
            "multi-value",
            "(module (func (result i32 i32) (i32.const 1) (i32.const 2)))",
        ),
        (
            "threads",
            r#"(module (memory 1 1 shared)
                 (func (result i32) (i32.atomic.load (i32.const 0))))"#,
        ),
        (
            "tail-call",
            "(module (func $f (result i32) (return_call $f)))",
        ),
        ("memory64", "(module (memory i64 1))"),
        (
            "extended-const",
            "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
        ),
    ];
    for (feature, wat) in cases {
        let wasm = wat::parse_str(wat).unwrap();
        match prepare_wasm(&wasm) {
            Err(PrepareError::UnsupportedFeature {
                feature: found,
                detail,
            }) => assert_eq!(found, feature, "{wat}: {detail}"),
            other => panic!("{feature}: expected UnsupportedFeature, got {other:?}"),
        }
    }
}

#[test]
fn malformed_and_invalid_modules_are_rejected() {
    assert!(matches!(
        prepare_wasm(b"not wasm at all"),
        Err(PrepareError::Malformed(_))
    ));
    let wasm = wat::parse_str(FIXTURE).unwrap();
    assert!(matches!(
        prepare_wasm(&wasm[..wasm.len() - 3]),
        Err(PrepareError::Malformed(_))
    ));
    // Well-formed but ill-typed: returns an i64 where an i32 is declared.
    let ill_typed = wat::parse_str("(module (func (result i32) (i64.const 1)))").unwrap();
    assert!(matches!(
        prepare_wasm(&ill_typed),
        Err(PrepareError::Invalid(_))
    ));
}
