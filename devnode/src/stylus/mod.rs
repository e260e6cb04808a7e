//! Stylus: activation, instrumentation and execution of WASM programs with
//! Nitro's semantics and pricing.

pub mod activation;
pub mod activation_gas;
pub mod api;
pub mod depth;
pub mod fragments;
pub mod hostio;
pub mod instrument;
pub mod memory;
pub mod module_checks;
pub mod params;
pub mod pricing;
pub mod profile;
pub mod recent_programs;
pub mod runtime;
pub mod storage_cache;
pub mod version;
