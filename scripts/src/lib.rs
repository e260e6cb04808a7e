//! The deploy tool's library: builds the protocol's contracts to Stylus
//! programs, deploys and activates them on a chain, and wires them.
//!
//! ```no_run
//! # fn run() -> anyhow::Result<()> {
//! use devnode::{Devnode, DevnodeConfig};
//! let mut node = Devnode::new(DevnodeConfig::default());
//! let artifacts = deploy::Artifacts::build_protocol()?;
//! let config = deploy::Config::devnet(node.dev_account());
//! let deployment = deploy::deploy_protocol(&mut node, &artifacts, &config)?;
//! println!("vault at {}", deployment.vault);
//! # Ok(()) }
//! ```
//!
//! - [`backend`]: the [`Backend`] trait (send a transaction, run a call)
//!   and its in-process [`devnode::Devnode`] implementation.
//! - [`abi`]: `sol!` bindings of the contracts and of ArbWasm/ArbWasmCache.
//! - [`client`]: calls and transactions through the bindings, with typed
//!   revert decoding ([`TxError::decode`]).
//! - [`programs`]: one program's build, deployment, activation, caching and
//!   construction.
//! - [`protocol`]: the whole protocol, deployed and wired from a [`Config`].
//! - [`gas`]: the gas of each user operation, uncached and cached.
//! - [`gas_profile`]: where each operation's gas goes, from the devnode's
//!   accounting.
//! - [`rpc`]: [`Backend`] over HTTP JSON-RPC, signing with a [`key::DeployerKey`].
//! - [`key`]: the deployer's key, from the environment or a keystore, never shown.
//! - [`config_file`]: the TOML configuration (`--config`) and its defaults.
//! - [`manifest`]: `deployments/<chain-id>.json`, written after every transaction.
//! - [`resume`]: a deployment that reuses what its manifest lists and skips
//!   wiring already in effect.
//! - [`dry_run`]: what a deployment would send and cost.
//! - [`error_report`]: a failure as one line of causes, backtrace on request.

pub mod abi;
pub mod backend;
pub mod client;
pub mod config_file;
pub mod dry_run;
pub mod error_report;
pub mod fragments;
pub mod gas;
pub mod gas_profile;
pub mod gas_proxy;
pub mod key;
pub mod manifest;
pub mod parameters;
pub mod programs;
pub mod protocol;
pub mod proxy;
pub mod resume;
pub mod rpc;

pub use backend::{Backend, Called, Mined, Nonces};
pub use client::{simulate, transact, view, TxError};
pub use programs::{Artifacts, Program, PROTOCOL_PACKAGES, WITHOUT_ADMIN};
pub use protocol::{
    deploy_protocol, ChainlinkAsset, ChainlinkAssetConfig, Config, Deployment, FeedSource,
    LstConfig, OperatorConfig, ETHER,
};
