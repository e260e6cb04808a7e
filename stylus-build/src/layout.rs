//! The storage layout of each program, as stylus-sdk 0.9's `#[storage]`
//! macro lays it out, read from the contracts' source: the slot and offset
//! of every field of the program's `#[entrypoint]` struct, nested storage
//! structs flattened (`roles.admin`). Maps, vectors, strings and bytes take
//! a whole slot (their contents live at hashed slots, which an appended
//! field cannot reach).
//!
//! An upgrade keeps the proxy's storage, so the new implementation must lay
//! out every existing field where the old one had it. [`appended_only`]
//! checks that a new layout only adds fields after the old ones.
//!
//! The rules, from stylus-proc 0.9's storage macro: fields are placed in
//! declaration order; a field of `SLOT_BYTES` bytes goes into the current
//! slot if it still has that many bytes free (offset = bytes left after
//! it), else into the next slot; a nested struct starts a new slot and
//! takes its `REQUIRED_SLOTS` slots, the next field starting after them.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::contracts::deployable_packages;

/// OpenZeppelin's storage structs that the programs embed, as
/// openzeppelin-stylus 0.3.0 (pinned) declares them.
const OPENZEPPELIN_STRUCTS: &str = "
#[storage]
pub struct Erc20 {
    pub(crate) balances: StorageMap<Address, StorageU256>,
    pub(crate) allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    pub(crate) total_supply: StorageU256,
}
#[storage]
pub struct Erc20Permit<T: IEip712 + StorageType> {
    pub(crate) eip712: T,
}
#[storage]
pub struct Nonces {
    pub(crate) nonces: StorageMap<Address, StorageU256>,
}
";

/// One field of a program's storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Its path from the entrypoint struct, e.g. `roles.admin`.
    pub field: String,
    /// Its type as written.
    #[serde(rename = "type")]
    pub ty: String,
    /// Its slot.
    pub slot: u64,
    /// Bytes of the slot left after it (stylus-sdk's offset; 0 for a whole
    /// slot).
    pub offset: u8,
}

/// Every program's layout, by package name.
pub type Layouts = BTreeMap<String, Vec<Field>>;

#[derive(Clone, Debug)]
struct StructDef {
    generics: Vec<String>,
    fields: Vec<(String, String)>,
}

/// Reads the layout of every deployable program of `contracts_dir`.
pub fn read_layouts(contracts_dir: &Path) -> Result<Layouts> {
    let packages = deployable_packages(contracts_dir)?;
    let mut structs = BTreeMap::new();
    parse_structs(OPENZEPPELIN_STRUCTS, &mut structs)?;
    let mut entrypoints = BTreeMap::new();
    for dir in member_dirs(contracts_dir)? {
        let package = package_name(&dir)?;
        for file in rust_files(&dir.join("src"))? {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            parse_structs(&source, &mut structs)
                .with_context(|| format!("parsing {}", file.display()))?;
            if let Some(name) = entrypoint(&source) {
                entrypoints.insert(package.clone(), name);
            }
        }
    }
    let mut layouts = Layouts::new();
    for package in packages {
        let name = entrypoints
            .get(&package)
            .ok_or_else(|| anyhow!("`{package}` has no #[entrypoint] struct"))?;
        let mut fields = Vec::new();
        lay_out(&structs, name, &BTreeMap::new(), 0, "", &mut fields)
            .with_context(|| format!("laying out `{package}`"))?;
        layouts.insert(package, fields);
    }
    Ok(layouts)
}

/// The layouts as the snapshot's JSON (stable key order, one field a line).
pub fn to_json(layouts: &Layouts) -> String {
    let mut out = serde_json::to_string_pretty(layouts).expect("layouts serialize");
    out.push('\n');
    out
}

/// Parses a snapshot written by [`to_json`].
pub fn from_json(json: &str) -> Result<Layouts> {
    Ok(serde_json::from_str(json)?)
}

/// What breaks an upgrade from `old` to `new`: a program whose fields are
/// not `old`'s followed by new ones (a field moved, retyped, renamed or
/// removed), or a program that disappeared. Empty when every change only
/// appends.
pub fn appended_only(old: &Layouts, new: &Layouts) -> Vec<String> {
    let mut problems = Vec::new();
    for (package, old_fields) in old {
        let Some(new_fields) = new.get(package) else {
            problems.push(format!("{package}: no longer built"));
            continue;
        };
        for (i, old_field) in old_fields.iter().enumerate() {
            match new_fields.get(i) {
                Some(new_field) if new_field == old_field => {}
                Some(new_field) => problems.push(format!(
                    "{package}: field {i} was `{}: {}` at slot {} offset {}, is `{}: {}` at slot {} offset {}",
                    old_field.field, old_field.ty, old_field.slot, old_field.offset,
                    new_field.field, new_field.ty, new_field.slot, new_field.offset
                )),
                None => problems.push(format!(
                    "{package}: field `{}` was removed",
                    old_field.field
                )),
            }
        }
    }
    problems
}

fn member_dirs(contracts_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(contracts_dir)
        .with_context(|| format!("reading {}", contracts_dir.display()))?
    {
        let path = entry?.path();
        if path.join("Cargo.toml").is_file() && path.join("src").is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

fn package_name(dir: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|line| {
            let value = line.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_string())
        })
        .ok_or_else(|| anyhow!("{} names no package", dir.display()))
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs")
            && path.file_name().and_then(|n| n.to_str()) != Some("tests.rs")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Source without `//` comments (doc comments included).
fn strip_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The struct following each `#[storage]` attribute.
fn parse_structs(source: &str, structs: &mut BTreeMap<String, StructDef>) -> Result<()> {
    let source = strip_comments(source);
    let mut rest = source.as_str();
    while let Some(at) = rest.find("#[storage]") {
        rest = &rest[at + "#[storage]".len()..];
        let start = rest
            .find("struct ")
            .ok_or_else(|| anyhow!("#[storage] without a struct"))?;
        let after = &rest[start + "struct ".len()..];
        let name_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = after[..name_end].to_string();
        let after = after[name_end..].trim_start();
        let (generics, after) = match after.strip_prefix('<') {
            Some(inner) => {
                let end = matching(inner, '<', '>')?;
                let params = split_top_level(&inner[..end])
                    .into_iter()
                    .map(|p| p.split(':').next().unwrap_or("").trim().to_string())
                    .collect();
                (params, inner[end + 1..].trim_start())
            }
            None => (Vec::new(), after),
        };
        let fields = if after.starts_with(';') {
            Vec::new()
        } else {
            let body = after
                .strip_prefix('{')
                .ok_or_else(|| anyhow!("struct {name}: expected `{{`"))?;
            let end = matching(body, '{', '}')?;
            split_top_level(&body[..end])
                .into_iter()
                .filter(|f| !f.trim().is_empty())
                .map(|field| {
                    let field = field.trim();
                    let (name, ty) = field
                        .split_once(':')
                        .ok_or_else(|| anyhow!("struct {name}: field `{field}`"))?;
                    let name = name.split_whitespace().last().unwrap_or("").to_string();
                    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ");
                    Ok((name, ty))
                })
                .collect::<Result<Vec<_>>>()?
        };
        structs.insert(name, StructDef { generics, fields });
    }
    Ok(())
}

/// The struct marked `#[entrypoint]` in `source`, if any.
fn entrypoint(source: &str) -> Option<String> {
    let source = strip_comments(source);
    let at = source.find("#[entrypoint]")?;
    let after = &source[at..];
    let start = after.find("struct ")? + "struct ".len();
    let name: String = after[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    Some(name)
}

/// The index of the `close` that ends `text` (which starts just after an
/// `open`).
fn matching(text: &str, open: char, close: char) -> Result<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Ok(i);
            }
            depth -= 1;
        }
    }
    bail!("unbalanced `{open}`")
}

/// Splits on commas outside `<>`, `()` and `[]`.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// A type's name without its path, and its generic arguments.
fn head_and_args(ty: &str) -> (String, Vec<String>) {
    let (head, args) = match ty.find('<') {
        Some(i) => {
            let inner = &ty[i + 1..ty.rfind('>').unwrap_or(ty.len())];
            (&ty[..i], split_top_level(inner))
        }
        None => (ty, Vec::new()),
    };
    let head = head.rsplit("::").next().unwrap_or(head).trim().to_string();
    (
        head,
        args.into_iter().map(|a| a.trim().to_string()).collect(),
    )
}

/// What a type takes: `(SLOT_BYTES, REQUIRED_SLOTS)`.
fn size_of(structs: &BTreeMap<String, StructDef>, ty: &str) -> Result<(usize, usize)> {
    let (head, args) = head_and_args(ty);
    let primitive = |bytes| Ok((bytes, 0));
    match head.as_str() {
        "StorageU256" | "StorageB256" | "StorageI256" => primitive(32),
        "StorageAddress" => primitive(20),
        "StorageBool" | "StorageU8" | "StorageI8" => primitive(1),
        "StorageU16" | "StorageI16" => primitive(2),
        "StorageU32" | "StorageI32" => primitive(4),
        "StorageU64" | "StorageI64" => primitive(8),
        "StorageU128" | "StorageI128" => primitive(16),
        "StorageUint" | "StorageSigned" => {
            let bits: usize = args
                .first()
                .and_then(|b| b.parse().ok())
                .ok_or_else(|| anyhow!("`{ty}`: no bit count"))?;
            primitive(bits / 8)
        }
        "StorageFixedBytes" => primitive(
            args.first()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| anyhow!("`{ty}`: no byte count"))?,
        ),
        "StorageMap" | "StorageVec" | "StorageString" | "StorageBytes" => Ok((32, 0)),
        _ => {
            let def = structs
                .get(&head)
                .ok_or_else(|| anyhow!("unknown storage type `{ty}`"))?;
            let substitution: BTreeMap<String, String> =
                def.generics.iter().cloned().zip(args).collect();
            let (mut total, mut space) = (0usize, 32usize);
            for (_, field_ty) in &def.fields {
                let field_ty = substitution.get(field_ty).unwrap_or(field_ty);
                let (bytes, words) = size_of(structs, field_ty)?;
                if words > 0 {
                    total += words;
                    space = 32;
                } else {
                    if space < bytes {
                        space = 32;
                        total += 1;
                    }
                    space -= bytes;
                }
            }
            if space != 32 || total == 0 {
                total += 1;
            }
            Ok((32, total))
        }
    }
}

/// Lays out struct `name` from slot `root`, appending its fields.
fn lay_out(
    structs: &BTreeMap<String, StructDef>,
    name: &str,
    substitution: &BTreeMap<String, String>,
    root: u64,
    prefix: &str,
    out: &mut Vec<Field>,
) -> Result<()> {
    let (head, _) = head_and_args(name);
    let def = structs
        .get(&head)
        .ok_or_else(|| anyhow!("unknown storage struct `{name}`"))?;
    let (mut slot, mut space) = (0u64, 32usize);
    for (field, ty) in &def.fields {
        let ty = substitution.get(ty).cloned().unwrap_or_else(|| ty.clone());
        let (bytes, words) = size_of(structs, &ty)?;
        if space < bytes {
            space = 32;
            slot += 1;
        }
        space -= bytes;
        let path = if prefix.is_empty() {
            field.clone()
        } else {
            format!("{prefix}.{field}")
        };
        if words > 0 {
            let (field_head, args) = head_and_args(&ty);
            let nested = structs
                .get(&field_head)
                .ok_or_else(|| anyhow!("unknown storage struct `{ty}`"))?;
            let inner: BTreeMap<String, String> =
                nested.generics.iter().cloned().zip(args).collect();
            let before = out.len();
            lay_out(structs, &ty, &inner, root + slot, &path, out)?;
            if out.len() == before {
                // A struct without fields still takes its slot.
                out.push(Field {
                    field: path,
                    ty: ty.clone(),
                    slot: root + slot,
                    offset: 0,
                });
            }
            slot += words as u64;
            space = 32;
        } else {
            out.push(Field {
                field: path,
                ty,
                slot: root + slot,
                offset: u8::try_from(space).expect("an offset within a slot"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout_of(source: &str, name: &str) -> Vec<(String, u64, u8)> {
        let mut structs = BTreeMap::new();
        parse_structs(source, &mut structs).unwrap();
        let mut out = Vec::new();
        lay_out(&structs, name, &BTreeMap::new(), 0, "", &mut out).unwrap();
        out.into_iter()
            .map(|f| (f.field, f.slot, f.offset))
            .collect()
    }

    #[test]
    fn small_fields_pack_and_whole_slot_types_and_structs_start_new_slots() {
        let source = "
            #[storage]
            pub struct Inner { a: StorageU64, b: StorageAddress }
            #[entrypoint]
            #[storage]
            pub struct Outer {
                /// doc
                x: StorageU64,
                y: StorageU128,
                z: StorageU128,
                map: StorageMap<Address, StorageU256>,
                flag: StorageBool,
                inner: Inner,
                after: StorageU256,
            }
        ";
        assert_eq!(
            layout_of(source, "Outer"),
            vec![
                ("x".into(), 0, 24),
                ("y".into(), 0, 8),
                ("z".into(), 1, 16),
                ("map".into(), 2, 0),
                ("flag".into(), 3, 31),
                ("inner.a".into(), 4, 24),
                ("inner.b".into(), 4, 4),
                ("after".into(), 5, 0),
            ]
        );
        assert_eq!(entrypoint(source).as_deref(), Some("Outer"));
    }

    #[test]
    fn appending_passes_and_every_other_change_fails() {
        let field = |name: &str, slot| Field {
            field: name.into(),
            ty: "StorageU256".into(),
            slot,
            offset: 0,
        };
        let old = Layouts::from([("p".to_string(), vec![field("a", 0), field("b", 1)])]);
        let appended = Layouts::from([(
            "p".to_string(),
            vec![field("a", 0), field("b", 1), field("c", 2)],
        )]);
        assert!(appended_only(&old, &appended).is_empty());
        let inserted = Layouts::from([(
            "p".to_string(),
            vec![field("a", 0), field("c", 1), field("b", 2)],
        )]);
        assert_eq!(appended_only(&old, &inserted).len(), 1);
        let removed = Layouts::from([("p".to_string(), vec![field("a", 0)])]);
        assert_eq!(appended_only(&old, &removed).len(), 1);
        assert_eq!(appended_only(&old, &Layouts::new()).len(), 1);
    }

    /// The reader agrees with stylus-sdk on a program whose slots are known:
    /// the roles' admin lives at slot 1 of every program that starts with
    /// `roles` (slot 0 is the members map), and the creator slot is not a
    /// field.
    #[test]
    fn the_repositorys_programs_have_a_layout() {
        let layouts = read_layouts(&crate::default_contracts_dir()).unwrap();
        let timelock = &layouts["lrt-timelock"];
        let names: Vec<(&str, u64)> = timelock
            .iter()
            .map(|f| (f.field.as_str(), f.slot))
            .collect();
        assert_eq!(
            names,
            [
                ("roles.members", 0),
                ("roles.admin", 1),
                ("roles.pending_admin", 2),
                ("timestamps", 3),
                ("min_delay", 4)
            ]
        );
        assert!(layouts.contains_key("lrt-vault"));
        assert!(layouts.values().all(|fields| !fields.is_empty()));
    }
}
