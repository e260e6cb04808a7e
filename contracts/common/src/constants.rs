//! Protocol-wide constants.

use alloy_primitives::{address, Address, B256, U256};

/// The address that stands for native ETH wherever an asset address is
/// expected (the ERC-7535 convention).
pub const ETH: Address = address!("EeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

/// Fixed-point unit of every rate in the protocol: 1e18 = one ETH per token.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Denominator of every value expressed in basis points.
pub const BPS: U256 = U256::from_limbs([10_000, 0, 0, 0]);

const fn role(name: &[u8]) -> B256 {
    B256::new(keccak_const::Keccak256::new().update(name).finalize())
}

/// May pause deposits and withdrawals (unpausing is the admin's).
pub const PAUSER_ROLE: B256 = role(b"PAUSER_ROLE");
/// Lists assets and sets their caps, rate sources and limits.
pub const ASSET_MANAGER_ROLE: B256 = role(b"ASSET_MANAGER_ROLE");
/// Sends rewards into the vault.
pub const REWARDS_REPORTER_ROLE: B256 = role(b"REWARDS_REPORTER_ROLE");
/// Mints and burns lrETH: the vault and the withdrawal queue.
pub const MINTER_ROLE: B256 = role(b"MINTER_ROLE");
/// Moves idle assets from the vault to operators and starts undelegations.
pub const DELEGATION_MANAGER_ROLE: B256 = role(b"DELEGATION_MANAGER_ROLE");
/// Allow-lists operators and edits them.
pub const OPERATOR_MANAGER_ROLE: B256 = role(b"OPERATOR_MANAGER_ROLE");
