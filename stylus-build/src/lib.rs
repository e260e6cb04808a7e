//! Builds the protocol's contracts and turns their WASM into deployable
//! Arbitrum Stylus code.
//!
//! This crate is the single place where the pipeline from Rust source to
//! on-chain bytes is defined, so that the deploy tool, the devnode tests and CI
//! all deploy exactly the same code:
//!
//! 1. [`build_contract`] / [`build_all`] compile the crates of the contracts
//!    workspace (`contracts/`) to `wasm32-unknown-unknown` cdylibs.
//!    [`deployable_packages`] decides which workspace members are contracts.
//! 2. [`prepare_wasm`] re-encodes a module into the form Nitro's validator
//!    accepts and strips every custom section, then validates it with exactly
//!    the WASM features Nitro enables ([`nitro_features`]).
//! 3. [`compress`] brotli-compresses the prepared module and prefixes it with
//!    the Stylus program header; the result is the contract code that is
//!    stored on chain ([`decompress`] inverts it).
//! 4. [`creator_bound_initcode`] wraps the contract code in the EVM init code
//!    that a CREATE transaction executes to store it, and records the
//!    creator, the only account the protocol's constructors accept
//!    ([`deploy_initcode`] is the plain cargo-stylus layout).
//!
//! [`check_activation`] applies the rest of Nitro's activation rules
//! (entry point, host imports, memory, anti-DoS limits) to a prepared module.
//! [`Sizes`] measures the result against Stylus's size limits; the `sizes`
//! binary keeps `snapshots/sizes.json` up to date with it.
//!
//! [`abi_export`] writes each contract's JSON ABI and Solidity interface to
//! `abi/` (the `abi` binary), from stylus-sdk's export and the contracts'
//! own declarations.

pub mod abi_export;
mod activation;
pub mod cli;
mod code;
mod contracts;
pub mod layout;
mod prepare;
pub mod proxy;
mod sizes;
pub mod toolchain;

pub use activation::{
    check_activation, unpriced_operators, ActivationError, HostImport, UnpricedOperator,
    ENTRY_POINT, HOST_IMPORTS, HOST_MODULE, MAX_INITIAL_PAGES,
};
pub use code::{
    compress, creator_bound_initcode, decompress, deploy_initcode, BROTLI_QUALITY, BROTLI_WINDOW,
    CREATOR_PROLOGUE_LEN, CREATOR_SLOT, INITCODE_PROLOGUE_LEN, STYLUS_DICTIONARY_NONE,
    STYLUS_PREFIX, STYLUS_VERSION,
};
pub use contracts::{
    build_all, build_contract, default_contracts_dir, deployable_packages, Contract,
    NON_CONTRACT_MEMBERS,
};
pub use prepare::{nitro_features, prepare_wasm, validate_for_nitro, PrepareError};
pub use sizes::{ContractSize, Sizes, MAX_CODE_BYTES, MAX_WASM_BYTES, SIZE_BUDGET_BYTES};

/// A contract after the whole pipeline: the prepared WASM and the code that is
/// deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployable {
    /// The contract's name (its Cargo package name).
    pub name: String,
    /// The module after [`prepare_wasm`]: what Nitro activates.
    pub wasm: Vec<u8>,
    /// [`compress`]ed `wasm`, including the 4-byte Stylus prefix: the bytes
    /// stored as the contract's code.
    pub code: Vec<u8>,
}

impl Deployable {
    /// Runs [`prepare_wasm`], [`check_activation`] and [`compress`] on a
    /// built contract.
    pub fn from_contract(contract: &Contract) -> anyhow::Result<Self> {
        use anyhow::Context;
        let wasm = prepare_wasm(&contract.wasm)
            .with_context(|| format!("preparing `{}` for Stylus", contract.name))?;
        check_activation(&wasm).with_context(|| format!("checking `{}`", contract.name))?;
        let code = compress(&wasm);
        Ok(Self {
            name: contract.name.clone(),
            wasm,
            code,
        })
    }

    /// The init code of a transaction that deploys this contract and
    /// records its creator, the only account its constructor accepts
    /// ([`creator_bound_initcode`]).
    pub fn initcode(&self) -> Vec<u8> {
        creator_bound_initcode(&self.code)
    }
}
