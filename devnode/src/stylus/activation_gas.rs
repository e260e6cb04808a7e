//! The gas `Module::activate` burns while compiling a program, on top of
//! ArbWasm's fixed charge (Nitro `crates/prover/src/programs/mod.rs`,
//! `Module::activate`).
//!
//! Nitro prices activation by a model of its compile time in microseconds,
//! one term per property of the module, each rounded down on its own, and
//! converts microseconds to gas at 28 gas/µs (a fudge factor of 2 at
//! 7,000,000 gas/s, over a sync rate of half a million µs per second).

/// What the cost model reads from a validated, instrumented module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModuleShape {
    /// Length of the decompressed WASM in bytes.
    pub wasm_len: u64,
    /// Functions the module defines (imports excluded).
    pub funcs: u64,
    /// Bytes of initial data over all data segments.
    pub data_bytes: u64,
    /// Encoded size in bytes of all element segments.
    pub element_bytes: u64,
    /// Initial memory pages.
    pub initial_pages: u64,
    /// Operators over all function bodies after instrumentation.
    pub instrumented_ops: u64,
}

/// Gas per microsecond of modelled compile time (Nitro's `us_to_gas`).
pub const GAS_PER_MICROSECOND: u64 = 2 * 7_000_000 / (1_000_000 / 2);

/// Converts modelled microseconds to gas as Nitro's `us_to_gas` does.
fn us_to_gas(us: u64) -> u64 {
    us.saturating_mul(2 * 7_000_000) / (1_000_000 / 2)
}

impl ModuleShape {
    /// The compile-time terms in Nitro's order, each in whole microseconds.
    ///
    /// The wasm-length term exists from ArbOS 32 (`ARBOS_VERSION_STYLUS_CHARGING_FIXES`),
    /// which every ArbOS the devnode emulates is past.
    pub fn microseconds(&self) -> [u64; 6] {
        [
            self.wasm_len.saturating_mul(31_733) / 100_000,
            self.funcs.saturating_mul(17_263) / 100_000,
            self.data_bytes.saturating_mul(17_376) / 100_000,
            self.element_bytes.saturating_mul(17_376) / 100_000,
            self.initial_pages.saturating_mul(2_217),
            self.instrumented_ops.saturating_mul(535) / 1_000,
        ]
    }

    /// The gas activation burns for this module beyond the fixed charge.
    pub fn activation_gas(&self) -> u64 {
        self.microseconds()
            .into_iter()
            .map(us_to_gas)
            .fold(0, u64::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_microsecond_is_28_gas() {
        assert_eq!(GAS_PER_MICROSECOND, 28);
        assert_eq!(us_to_gas(1), 28);
    }

    #[test]
    fn each_term_rounds_down_before_conversion() {
        // 3 bytes of wasm model 0.95 µs, which Nitro rounds to 0 before converting.
        let shape = ModuleShape {
            wasm_len: 3,
            ..Default::default()
        };
        assert_eq!(shape.activation_gas(), 0);
        let shape = ModuleShape {
            initial_pages: 1,
            instrumented_ops: 2,
            ..Default::default()
        };
        // One page is 2,217 µs; two ops are 1.07 µs, counted as 1.
        assert_eq!(shape.activation_gas(), (2_217 + 1) * 28);
    }
}
