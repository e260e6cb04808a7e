//! Stylus: activation, instrumentation and execution of WASM programs with
//! Nitro's semantics and pricing.

pub mod activation;
pub mod api;
pub mod depth;
pub mod hostio;
pub mod instrument;
pub mod memory;
pub mod params;
pub mod pricing;
pub mod profile;
pub mod runtime;
pub mod storage_cache;
