//! A rate source for devnets and tests: answers `latestRate()` with the ETH
//! value of one token (1e18 = 1:1) and the time it was set, as the asset
//! registry expects. On a real network each asset's source is an adapter over
//! the token's own exchange rate or an oracle feed; this one is set by hand by
//! an account holding [`RATE_UPDATER_ROLE`].
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use lrt_common::access::{AccessError, IRoles, Roles};
use stylus_sdk::{prelude::*, storage::StorageU256};

/// May set the rate.
pub const RATE_UPDATER_ROLE: B256 = B256::new(
    keccak_const::Keccak256::new()
        .update(b"RATE_UPDATER_ROLE")
        .finalize(),
);

lrt_common::sol_declarations! {
    /// A rate of zero was offered.
    #[derive(Debug)]
    error ZeroRate();

    /// The rate became `rate` at `updated_at`.
    #[derive(Debug)]
    event RateSet(uint256 rate, uint256 updated_at);
}

lrt_common::errors! {
    /// Why a rate-source call failed.
    pub enum Error {
        /// See [`ZeroRate`].
        ZeroRate(ZeroRate {}),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
    }
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function latestRate() external view returns (uint256 rate, uint256 updatedAt);
",
}

/// The rate source's storage.
#[entrypoint]
#[storage]
pub struct RateSource {
    /// Admin and updaters.
    roles: Roles,
    /// ETH per token, 1e18 = 1:1.
    rate: StorageU256,
    /// When the rate was set.
    updated_at: StorageU256,
}

#[public]
#[implements(IRoles)]
impl RateSource {
    /// Sets the admin (also an updater) and the first rate.
    ///
    /// # Errors
    /// [`Error::ZeroRate`], [`AccessError::InvalidAdmin`].
    #[constructor]
    pub fn constructor(&mut self, admin: Address, rate: U256) -> Result<(), Error> {
        self.roles.init(admin)?;
        self.roles.grant(admin, RATE_UPDATER_ROLE, admin)?;
        let now = U256::from(self.vm().block_timestamp());
        self.store(rate, now)
    }

    /// The role that may set the rate.
    #[selector(name = "RATE_UPDATER_ROLE")]
    pub fn rate_updater_role(&self) -> B256 {
        RATE_UPDATER_ROLE
    }

    /// Sets the rate, stamped with the current block time. Updaters only.
    ///
    /// # Errors
    /// [`Error::ZeroRate`], [`Error::Access`].
    ///
    /// # Events
    /// `RateSet`.
    pub fn set_rate(&mut self, rate: U256) -> Result<(), Error> {
        self.roles
            .check(RATE_UPDATER_ROLE, self.vm().msg_sender())?;
        let now = U256::from(self.vm().block_timestamp());
        self.store(rate, now)
    }

    /// Sets the rate with an explicit update time, e.g. to replay a feed's
    /// history or to make the source look stale on a devnet. Updaters only.
    ///
    /// # Errors
    /// [`Error::ZeroRate`], [`Error::Access`].
    ///
    /// # Events
    /// `RateSet`.
    pub fn set_rate_at(&mut self, rate: U256, updated_at: U256) -> Result<(), Error> {
        self.roles
            .check(RATE_UPDATER_ROLE, self.vm().msg_sender())?;
        self.store(rate, updated_at)
    }

    /// ETH per token (1e18 = 1:1) and when it was set.
    pub fn latest_rate(&self) -> (U256, U256) {
        (self.rate.get(), self.updated_at.get())
    }
}

impl RateSource {
    fn store(&mut self, rate: U256, updated_at: U256) -> Result<(), Error> {
        if rate.is_zero() {
            return Err(ZeroRate {}.into());
        }
        self.rate.set(rate);
        self.updated_at.set(updated_at);
        lrt_common::emit!(self.vm(), RateSet { ; rate: rate, updated_at: updated_at });
        Ok(())
    }
}

lrt_common::public_roles!(RateSource, roles);

#[cfg(test)]
mod tests {
    use motsu::prelude::*;

    use super::*;

    #[motsu::test]
    fn constructor_sets_rate_and_time(source: Contract<RateSource>, admin: Address) {
        source
            .sender(admin)
            .constructor(admin, U256::from(2))
            .motsu_unwrap();
        let (rate, updated_at) = source.sender(admin).latest_rate();
        assert_eq!(rate, U256::from(2));
        assert!(updated_at > U256::ZERO, "stamped with the block time");
        source.assert_emitted(&RateSet { rate, updated_at });
        source
            .sender(admin)
            .set_rate_at(U256::from(3), U256::from(7))
            .motsu_unwrap();
        assert_eq!(
            source.sender(admin).latest_rate(),
            (U256::from(3), U256::from(7))
        );
        source.assert_emitted(&RateSet {
            rate: U256::from(3),
            updated_at: U256::from(7),
        });
    }

    #[motsu::test]
    fn updater_sets_rate_and_stranger_cannot(
        source: Contract<RateSource>,
        admin: Address,
        stranger: Address,
    ) {
        source
            .sender(admin)
            .constructor(admin, U256::from(1))
            .motsu_unwrap();
        source.sender(admin).set_rate(U256::from(5)).motsu_unwrap();
        assert_eq!(source.sender(admin).latest_rate().0, U256::from(5));
        let err = source
            .sender(stranger)
            .set_rate(U256::from(7))
            .motsu_unwrap_err();
        assert!(matches!(err, Error::Access(AccessError::Unauthorized(_))));
        assert_eq!(source.sender(admin).latest_rate().0, U256::from(5));
    }

    #[motsu::test]
    fn zero_rate_is_rejected(source: Contract<RateSource>, admin: Address) {
        source
            .sender(admin)
            .constructor(admin, U256::from(1))
            .motsu_unwrap();
        let err = source.sender(admin).set_rate(U256::ZERO).motsu_unwrap_err();
        assert!(matches!(err, Error::ZeroRate(_)));
    }
}
