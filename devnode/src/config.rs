//! Devnode configuration, with nitro-devnode's defaults.

use crate::stylus::version::ArbosVersion;
use alloy_primitives::{address, Address, U256};
use std::net::SocketAddr;

/// The well-known nitro-devnode account. Its private key is public
/// ([`DEV_PRIVATE_KEY`]): use it only on local chains.
pub const DEV_ACCOUNT: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Private key of [`DEV_ACCOUNT`], published by Offchain Labs for local development.
pub const DEV_PRIVATE_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
/// The standard test mnemonic (Hardhat, Foundry); its keys are public too.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// nitro-devnode's chain id.
pub const DEFAULT_CHAIN_ID: u64 = 412_346;
/// nitro-devnode's RPC address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8547";

/// How the chain starts.
#[derive(Clone, Debug)]
pub struct DevnodeConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Extra funded accounts derived from `mnemonic` (m/44'/60'/0'/0/i).
    pub accounts: usize,
    /// Mnemonic of the extra accounts.
    pub mnemonic: String,
    /// Balance of the dev account and of each extra account.
    pub balance: U256,
    /// Base fee of every block (Arbitrum's minimum L2 base fee, 0.1 gwei).
    pub base_fee: u64,
    /// Gas limit reported for blocks.
    pub block_gas_limit: u64,
    /// Largest gas limit a transaction may use (Arbitrum's 32M).
    pub tx_gas_limit: u64,
    /// Timestamp of the genesis block; `None` uses the current time.
    pub genesis_timestamp: Option<u64>,
    /// The ArbOS version the chain runs (51 by default, as `nitro --dev`).
    pub arbos_version: ArbosVersion,
}

impl Default for DevnodeConfig {
    fn default() -> Self {
        Self {
            chain_id: DEFAULT_CHAIN_ID,
            accounts: 10,
            mnemonic: TEST_MNEMONIC.to_string(),
            balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64)),
            base_fee: 100_000_000,
            block_gas_limit: 1 << 50,
            tx_gas_limit: 32_000_000,
            genesis_timestamp: None,
            arbos_version: ArbosVersion::default(),
        }
    }
}

/// The default RPC socket address (127.0.0.1:8547).
pub fn default_addr() -> SocketAddr {
    DEFAULT_ADDR.parse().expect("valid default address")
}
