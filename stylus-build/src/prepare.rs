//! Turning the module rustc emits into the module Nitro activates.

use std::convert::Infallible;

use bitflags::Flags;
use wasm_encoder::reencode::{self, Reencode};
use wasmparser::{CustomSectionReader, Parser, Validator, WasmFeatures};

/// Why a module cannot be deployed to Stylus.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// The input is not a well-formed core WASM module.
    #[error("malformed WASM module: {0}")]
    Malformed(String),
    /// The module is valid WASM but relies on a proposal Nitro does not enable.
    #[error("module uses the WASM feature `{feature}`, which Nitro does not enable: {detail}")]
    UnsupportedFeature {
        /// The feature's name as wasmparser calls it, in kebab case, e.g.
        /// `simd`, `multi-memory`, `reference-types`, `call-indirect-overlong`.
        feature: String,
        /// The validator's message, with the byte offset of the first use.
        detail: String,
    },
    /// The module is invalid whatever features are enabled, or needs a
    /// combination of features that no single one explains.
    #[error("module does not validate under Nitro's WASM features: {0}")]
    Invalid(String),
}

/// The WASM features Nitro's validator enables when it activates a Stylus
/// program (`parse_with_version` in Nitro's `crates/prover/src/binary.rs`):
/// the MVP plus mutable globals, saturating float-to-int, sign extension and
/// bulk memory.
///
/// Multi-value is off: Nitro accepts it only for ArbOS versions before
/// `ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`, so a module that needs it would stop
/// activating after that upgrade. Reference types are off, which also makes
/// the validator insist on the single-byte table immediate of
/// `call_indirect`. `FLOATS` and `GC_TYPES` are not proposals but
/// wasmparser's gates for MVP constructs (its `WasmFeatures::MVP`); Nitro
/// sets both. (Float instructions thus validate, but Nitro's meter prices
/// them at `u64::MAX` ink, so a path that executes one always runs out of gas.)
pub fn nitro_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
}

/// Re-encodes `raw` (a module as rustc and wasm-ld emit it) into the form
/// Nitro activates, and checks that it does.
///
/// * Every section is parsed and written back with `wasm-encoder`, so every
///   immediate gets its canonical encoding. Rust 1.82+ targets enable
///   reference types, and wasm-ld then writes the table index of
///   `call_indirect` as a padded multi-byte LEB; Nitro's validator, which has
///   reference types off, only accepts the single byte `0x00` there.
/// * All custom sections are dropped (`name`, `producers`,
///   `target_features`, DWARF, ...): Nitro ignores them, they cost deploy
///   gas, and they leak build paths and toolchain details.
/// * The result is validated with [`nitro_features`]; a module that uses any
///   other proposal is rejected with [`PrepareError::UnsupportedFeature`]
///   naming it.
///
/// The result's functions, types, imports, exports, tables, memory, globals,
/// element and data segments are those of `raw`, in the same order and with
/// the same indices, so behaviour is unchanged.
pub fn prepare_wasm(raw: &[u8]) -> Result<Vec<u8>, PrepareError> {
    if !Parser::is_core_wasm(raw) {
        return Err(PrepareError::Malformed(
            "missing the WASM magic number and version 1 header".into(),
        ));
    }
    let mut module = wasm_encoder::Module::new();
    // The parser reads with every feature on (its default), so that inputs
    // using the overlong encodings can be read at all; the output is checked
    // against Nitro's features below.
    StripCustomSections
        .parse_core_module(&mut module, Parser::new(0), raw)
        .map_err(|err| PrepareError::Malformed(reencode_error_message(err)))?;
    let wasm = module.finish();
    validate_for_nitro(&wasm)?;
    Ok(wasm)
}

/// Validates `wasm` with exactly the features Nitro enables.
///
/// On failure, finds which feature Nitro lacks: it retries with each missing
/// feature added on its own (narrowest first) and names the first one that
/// makes the module validate. A module straight from rustc typically fails
/// with `call-indirect-overlong`, which [`prepare_wasm`] fixes.
pub fn validate_for_nitro(wasm: &[u8]) -> Result<(), PrepareError> {
    let nitro = nitro_features();
    let err = match Validator::new_with_features(nitro).validate_all(wasm) {
        Ok(_) => return Ok(()),
        Err(err) => err,
    };
    let detail = err.to_string();

    // Every named flag Nitro lacks, including those that are part of a larger
    // one (the overlong `call_indirect` encoding is part of reference types),
    // narrowest first so the report names the precise cause.
    let mut candidates: Vec<(&'static str, WasmFeatures)> = WasmFeatures::FLAGS
        .iter()
        .map(|flag| (flag.name(), *flag.value()))
        .filter(|(_, flag)| !nitro.contains(*flag))
        .collect();
    candidates.sort_by_key(|(_, flag)| flag.difference(nitro).bits().count_ones());
    for (name, flag) in candidates {
        if Validator::new_with_features(nitro | flag)
            .validate_all(wasm)
            .is_ok()
        {
            return Err(PrepareError::UnsupportedFeature {
                feature: feature_display_name(name),
                detail,
            });
        }
    }
    Err(PrepareError::Invalid(detail))
}

/// `REFERENCE_TYPES` → `reference-types`, the proposals' usual spelling.
fn feature_display_name(flag_name: &str) -> String {
    flag_name.to_ascii_lowercase().replace('_', "-")
}

fn reencode_error_message(err: reencode::Error<Infallible>) -> String {
    match err {
        // The wrapper's Display omits the parser's message and offset.
        reencode::Error::ParseError(err) => err.to_string(),
        other => other.to_string(),
    }
}

/// Round-trips every section except custom ones.
struct StripCustomSections;

impl Reencode for StripCustomSections {
    type Error = Infallible;

    fn parse_custom_section(
        &mut self,
        _module: &mut wasm_encoder::Module,
        _section: CustomSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        Ok(())
    }
}
