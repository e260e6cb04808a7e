//! The devnode's integration tests, linked into one test binary: each module
//! would otherwise link its own copy of the chain, the WASM engine and alloy.
mod common;

mod activation;
mod activation_nitro;
mod arbsys;
mod builtins;
mod chain;
mod dev_methods;
mod evm_rules;
mod filters;
mod nitro_failures;
mod nitro_fees;
mod nitro_hostios;
mod nitro_receipts;
mod pool;
mod pricing;
mod rpc;
mod smoke;
mod state_methods;
mod stylus;
mod tracing;
mod versions;
mod websocket;
