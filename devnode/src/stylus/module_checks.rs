//! Activation checks Nitro makes outside its instrumentation passes: export
//! and import names (`crates/prover/src/binary.rs`, `parse_with_version`), the
//! module name, and the bounds of data and element segments, which Nitro
//! verifies when it builds the module (`crates/prover/src/machine.rs`,
//! `Module::from_binary`) and the devnode would otherwise only meet at call time.

/// Export rules.
pub mod exports {
    use wasmparser::ExternalKind;

    /// The export a start function becomes in debug mode (Nitro `StartMover::NAME`).
    pub const START: &str = "stylus_start";

    /// Whether an export survives Nitro's `StartMover` outside debug mode
    /// (`programs/start.rs`, `EXPORT_WHITELIST`).
    pub fn kept(name: &str, kind: ExternalKind) -> bool {
        matches!(
            (name, kind),
            (super::super::instrument::ENTRY_POINT, ExternalKind::Func)
                | (START, ExternalKind::Func)
                | ("memory", ExternalKind::Memory)
        )
    }

    /// Nitro reads an export's name after its last `__`.
    fn symbol(name: &str) -> &str {
        name.rsplit("__").next().unwrap_or(name)
    }

    /// Rejects exports that re-use an import's name and reserved `stylus*` symbols.
    pub fn check_names<'a>(
        exports: impl Iterator<Item = &'a String>,
        imports: impl Iterator<Item = &'a String> + Clone,
    ) -> Result<(), String> {
        let symbols: Vec<&str> = exports.map(|name| symbol(name)).collect();
        if let Some(name) = imports
            .clone()
            .find(|name| symbols.contains(&name.as_str()))
        {
            return Err(format!(
                "binary exports an import with the same name {name}"
            ));
        }
        let reserved = |name: &str| name.starts_with("stylus");
        if let Some(name) = symbols.iter().find(|name| reserved(name)) {
            return Err(format!("binary exports reserved symbol {name}"));
        }
        if let Some(name) = imports.map(String::as_str).find(|name| reserved(name)) {
            return Err(format!("binary imports reserved symbol {name}"));
        }
        Ok(())
    }
}

/// The `name` custom section.
pub mod names {
    use wasmparser::{CustomSectionReader, KnownCustom, Name};

    /// Length of the module name a `name` section declares (0 for other sections).
    pub fn module_name_len(reader: &CustomSectionReader) -> Result<usize, String> {
        let KnownCustom::Name(names) = reader.as_known() else {
            return Ok(0);
        };
        let mut len = 0;
        for name in names {
            if let Name::Module { name, .. } = name.map_err(|e| e.to_string())? {
                len = name.len();
            }
        }
        Ok(len)
    }
}

/// Active data and element segments must fit their memory or table.
pub mod segment_bounds {
    use wasmparser::{Data, DataKind, Element, ElementItems, ElementKind, Operator};

    /// Where an active segment writes.
    #[derive(Clone, Copy, Debug)]
    pub enum Segment {
        Memory { offset: u64, len: u64 },
        Table { offset: u64, len: u64 },
    }

    /// Nitro reads the offset as an `i32.const` and widens it as `value as usize`.
    fn offset(expr: &wasmparser::ConstExpr, what: &str) -> Result<u64, String> {
        let mut ops = expr.get_operators_reader();
        let first = ops.read().map_err(|e| e.to_string())?;
        let second = ops.read().map_err(|e| e.to_string())?;
        match (first, second, ops.eof()) {
            (Operator::I32Const { value }, Operator::End, true) => Ok(value as i64 as u64),
            _ => Err(format!("Non-constant {what} segment offset expression")),
        }
    }

    /// The write of an active data segment.
    pub fn data(data: &Data) -> Result<Option<Segment>, String> {
        match &data.kind {
            DataKind::Passive => Ok(None),
            DataKind::Active {
                memory_index,
                offset_expr,
            } => {
                if *memory_index != 0 {
                    return Err("Attempted to write to nonexistant memory".into());
                }
                Ok(Some(Segment::Memory {
                    offset: offset(offset_expr, "data")?,
                    len: data.data.len() as u64,
                }))
            }
        }
    }

    /// The write of an active element segment.
    pub fn element(element: &Element) -> Result<Option<Segment>, String> {
        let ElementKind::Active { offset_expr, .. } = &element.kind else {
            return Ok(None);
        };
        let ElementItems::Functions(items) = &element.items else {
            return Err("Non-constant element initializers are not supported".into());
        };
        Ok(Some(Segment::Table {
            offset: offset(offset_expr, "element")?,
            len: items.count() as u64,
        }))
    }

    /// Checks every segment against the initial memory and the (single) table.
    pub fn check(
        segments: &[Option<Segment>],
        memory_pages: u64,
        table_len: u64,
    ) -> Result<(), String> {
        let memory_size = memory_pages.saturating_mul(65_536);
        for segment in segments.iter().flatten() {
            match *segment {
                Segment::Memory { offset, len } => {
                    if offset.checked_add(len).is_none_or(|end| end > memory_size) {
                        return Err(format!(
                            "Out-of-bounds data memory init with offset {offset} and size {len}"
                        ));
                    }
                }
                Segment::Table { offset, len } => {
                    if offset.saturating_add(len) > table_len {
                        return Err(format!(
                            "Out of bounds element segment at offset {offset} and length {len} for table of length {table_len}"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
