//! A local Arbitrum Stylus devnode: a revm chain that runs Stylus WASM programs
//! with Nitro's activation rules, host functions and pricing, behind the
//! JSON-RPC that alloy, viem, ethers and wallets use.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let node = devnode::Devnode::new(devnode::DevnodeConfig::default());
//! let server = devnode::serve(node, "127.0.0.1:0".parse().unwrap()).await?;
//! println!("JSON-RPC at {}", server.url());
//! # Ok(()) }
//! ```

pub mod chain;
pub mod config;
pub mod debug_trace;
pub mod evm;
pub mod pool;
pub mod rpc;
pub mod stylus;
pub mod trie;

pub use chain::{
    BlockTag, CallOutcome, Devnode, DevnodeError, MinedBlock, MinedTransaction, Receipt,
};
pub use config::{DevnodeConfig, DEV_ACCOUNT, DEV_PRIVATE_KEY};
pub use rpc::{serve, serve_shared, ServerHandle, SharedDevnode};
