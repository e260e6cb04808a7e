//! The asset registry: which liquid staking tokens the vault accepts and what
//! each is worth in ETH.
//!
//! Each asset has a rate source (a contract answering ETH per token, 1e18 =
//! 1:1, with the time of its last update), a deposit cap in token units, a
//! staleness limit and a bound on how far the rate may move in one update.
//! The registry keeps the last accepted rate; `refreshRate` reads the source
//! and accepts the new rate only when it is fresh and within the bound of the
//! last one. A bad source therefore blocks that one asset (its deposits fail
//! with a typed error) while ETH and every other asset keep working, and the
//! vault goes on valuing the asset at its last accepted rate.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256, U64};
use lrt_common::{
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::{ASSET_MANAGER_ROLE, BPS, ETH},
    interfaces::IRateSource,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageVec},
};

/// The most assets the registry lists, so that every loop over them is
/// bounded.
pub const MAX_ASSETS: u64 = 16;

lrt_common::sol_declarations! {
    /// The asset is not listed.
    #[derive(Debug)]
    error UnknownAsset(address asset);
    /// The asset is listed already.
    #[derive(Debug)]
    error AssetAlreadyListed(address asset);
    /// The registry lists `MAX_ASSETS` assets already.
    #[derive(Debug)]
    error TooManyAssets(uint256 max);
    /// An address argument was zero or the ETH placeholder.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// `max_change_bps` must be in 1..=10000 and `max_staleness` non-zero.
    #[derive(Debug)]
    error InvalidRateLimits(uint64 max_staleness, uint256 max_change_bps);
    /// The source's rate is older than the asset's staleness limit.
    #[derive(Debug)]
    error StaleRate(address asset, uint256 updated_at, uint256 now, uint64 max_staleness);
    /// The source's rate moved further from the last accepted rate than one
    /// update may.
    #[derive(Debug)]
    error RateOutOfBounds(address asset, uint256 accepted, uint256 reported, uint256 max_change_bps);
    /// The source answered a zero rate, a time in the future, or not at all.
    #[derive(Debug)]
    error InvalidRate(address asset, uint256 rate, uint256 updated_at);

    /// `asset` was listed with `rate_source` and limits.
    #[derive(Debug)]
    event AssetListed(address indexed asset, address indexed rate_source, uint256 deposit_cap, uint64 max_staleness, uint256 max_change_bps, uint256 rate);
    /// `asset` was enabled or disabled for deposits.
    #[derive(Debug)]
    event AssetEnabledSet(address indexed asset, bool enabled);
    /// `asset`'s deposit cap changed.
    #[derive(Debug)]
    event DepositCapSet(address indexed asset, uint256 deposit_cap);
    /// `asset`'s staleness limit and rate bound changed.
    #[derive(Debug)]
    event RateLimitsSet(address indexed asset, uint64 max_staleness, uint256 max_change_bps);
    /// `asset`'s rate source changed; `rate` is the new source's rate, accepted by the admin.
    #[derive(Debug)]
    event RateSourceSet(address indexed asset, address indexed rate_source, uint256 rate);
    /// `asset`'s accepted rate moved from `previous` to `rate`.
    #[derive(Debug)]
    event RateUpdated(address indexed asset, uint256 previous, uint256 rate, uint256 updated_at);
}

lrt_common::errors! {
    /// Why a registry call failed.
    pub enum Error {
        /// See [`UnknownAsset`].
        UnknownAsset(UnknownAsset { asset }),
        /// See [`AssetAlreadyListed`].
        AssetAlreadyListed(AssetAlreadyListed { asset }),
        /// See [`TooManyAssets`].
        TooManyAssets(TooManyAssets { max }),
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`InvalidRateLimits`].
        InvalidRateLimits(InvalidRateLimits { max_staleness, max_change_bps }),
        /// See [`StaleRate`].
        StaleRate(StaleRate { asset, updated_at, now, max_staleness }),
        /// See [`RateOutOfBounds`].
        RateOutOfBounds(RateOutOfBounds { asset, accepted, reported, max_change_bps }),
        /// See [`InvalidRate`].
        InvalidRate(InvalidRate { asset, rate, updated_at }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
    }
}

/// Everything the registry knows about one asset.
#[storage]
pub struct AssetConfig {
    /// Whether the asset is listed (listing is permanent: the vault may hold it).
    listed: StorageBool,
    /// Whether deposits of the asset are accepted.
    enabled: StorageBool,
    /// Where the asset's rate comes from.
    rate_source: StorageAddress,
    /// Most units of the asset the vault may hold.
    deposit_cap: StorageU256,
    /// Oldest a source's rate may be, in seconds.
    max_staleness: StorageU64,
    /// Largest move of the rate in one update, in basis points of the last accepted rate.
    max_change_bps: StorageU256,
    /// Last accepted rate: ETH per token, 1e18 = 1:1.
    rate: StorageU256,
    /// The source's time of the last accepted rate.
    rate_updated_at: StorageU256,
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function refreshRate(address asset) external returns (uint256 rate, uint256 depositCap, bool enabled);
    function currentRate(address asset) external view returns (uint256 rate, uint256 depositCap, bool enabled);
    function assetConfig(address asset) external view returns (bool listed, bool enabled, address rateSource, uint256 depositCap, uint64 maxStaleness, uint256 maxChangeBps, uint256 rate, uint256 rateUpdatedAt);
",
}

/// The registry's storage.
#[entrypoint]
#[storage]
pub struct AssetRegistry {
    /// Admin and asset managers.
    roles: Roles,
    /// Listed assets, in listing order.
    assets: StorageVec<StorageAddress>,
    /// Per-asset configuration and accepted rate.
    configs: StorageMap<Address, AssetConfig>,
}

/// What the source answered, checked.
struct Reading {
    rate: U256,
    updated_at: U256,
}

#[public]
#[implements(IRoles)]
impl AssetRegistry {
    /// Sets the admin.
    ///
    /// # Errors
    /// [`AccessError::InvalidAdmin`] if `admin` is zero.
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), Error> {
        Ok(self.roles.init(admin)?)
    }

    /// Lists and enables `asset`, valued by `rate_source`. Asset managers only.
    /// The source's current rate must be fresh; it becomes the accepted rate.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`], [`Error::AssetAlreadyListed`],
    /// [`Error::TooManyAssets`], [`Error::InvalidRateLimits`],
    /// [`Error::StaleRate`], [`Error::InvalidRate`], [`Error::Access`].
    ///
    /// # Events
    /// `AssetListed`.
    pub fn add_asset(
        &mut self,
        asset: Address,
        rate_source: Address,
        deposit_cap: U256,
        max_staleness: u64,
        max_change_bps: U256,
    ) -> Result<(), Error> {
        self.roles
            .check(ASSET_MANAGER_ROLE, self.vm().msg_sender())?;
        for account in [asset, rate_source] {
            if account.is_zero() || account == ETH {
                return Err(InvalidAddress { account }.into());
            }
        }
        if self.configs.getter(asset).listed.get() {
            return Err(AssetAlreadyListed { asset }.into());
        }
        if self.assets.len() as u64 >= MAX_ASSETS {
            return Err(TooManyAssets {
                max: U256::from(MAX_ASSETS),
            }
            .into());
        }
        check_limits(max_staleness, max_change_bps)?;
        let reading = self.read_source(asset, rate_source, max_staleness)?;

        self.assets.push(asset);
        let mut config = self.configs.setter(asset);
        config.listed.set(true);
        config.enabled.set(true);
        config.rate_source.set(rate_source);
        config.deposit_cap.set(deposit_cap);
        config.max_staleness.set(U64::from(max_staleness));
        config.max_change_bps.set(max_change_bps);
        config.rate.set(reading.rate);
        config.rate_updated_at.set(reading.updated_at);
        lrt_common::emit!(self.vm(), AssetListed {
            asset: asset, rate_source: rate_source;
            deposit_cap: deposit_cap, max_staleness: max_staleness, max_change_bps: max_change_bps, rate: reading.rate
        });
        Ok(())
    }

    /// Enables or disables deposits of `asset`. Asset managers only. A
    /// disabled asset stays listed and valued: the vault may still hold it.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::Access`].
    ///
    /// # Events
    /// `AssetEnabledSet`.
    pub fn set_asset_enabled(&mut self, asset: Address, enabled: bool) -> Result<(), Error> {
        self.roles
            .check(ASSET_MANAGER_ROLE, self.vm().msg_sender())?;
        self.listed(asset)?;
        self.configs.setter(asset).enabled.set(enabled);
        lrt_common::emit!(self.vm(), AssetEnabledSet { asset: asset; enabled: enabled });
        Ok(())
    }

    /// Sets the most units of `asset` the vault may hold. Asset managers only.
    /// A cap below the current holdings only stops new deposits.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::Access`].
    ///
    /// # Events
    /// `DepositCapSet`.
    pub fn set_deposit_cap(&mut self, asset: Address, deposit_cap: U256) -> Result<(), Error> {
        self.roles
            .check(ASSET_MANAGER_ROLE, self.vm().msg_sender())?;
        self.listed(asset)?;
        self.configs.setter(asset).deposit_cap.set(deposit_cap);
        lrt_common::emit!(self.vm(), DepositCapSet { asset: asset; deposit_cap: deposit_cap });
        Ok(())
    }

    /// Sets `asset`'s staleness limit and per-update rate bound. Asset
    /// managers only.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::InvalidRateLimits`], [`Error::Access`].
    ///
    /// # Events
    /// `RateLimitsSet`.
    pub fn set_rate_limits(
        &mut self,
        asset: Address,
        max_staleness: u64,
        max_change_bps: U256,
    ) -> Result<(), Error> {
        self.roles
            .check(ASSET_MANAGER_ROLE, self.vm().msg_sender())?;
        self.listed(asset)?;
        check_limits(max_staleness, max_change_bps)?;
        let mut config = self.configs.setter(asset);
        config.max_staleness.set(U64::from(max_staleness));
        config.max_change_bps.set(max_change_bps);
        lrt_common::emit!(self.vm(), RateLimitsSet { asset: asset; max_staleness: max_staleness, max_change_bps: max_change_bps });
        Ok(())
    }

    /// Replaces `asset`'s rate source and accepts its current rate without
    /// the per-update bound. Admin only: this is how governance moves a rate
    /// that legitimately jumped further than the bound, so it is kept away
    /// from the asset managers. The vault revalues its holdings at the new
    /// rate on its next sync of the asset.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::InvalidAddress`],
    /// [`Error::StaleRate`], [`Error::InvalidRate`], [`Error::Access`].
    ///
    /// # Events
    /// `RateSourceSet`.
    pub fn set_rate_source(&mut self, asset: Address, rate_source: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        self.listed(asset)?;
        if rate_source.is_zero() || rate_source == ETH {
            return Err(InvalidAddress {
                account: rate_source,
            }
            .into());
        }
        let max_staleness = self.configs.getter(asset).max_staleness.get().to::<u64>();
        let reading = self.read_source(asset, rate_source, max_staleness)?;
        let mut config = self.configs.setter(asset);
        config.rate_source.set(rate_source);
        config.rate.set(reading.rate);
        config.rate_updated_at.set(reading.updated_at);
        lrt_common::emit!(self.vm(), RateSourceSet { asset: asset, rate_source: rate_source; rate: reading.rate });
        Ok(())
    }

    /// Reads `asset`'s source and, when the rate is fresh and within the
    /// bound of the last accepted one, accepts it. Anyone may call it; the
    /// vault calls it on every deposit of the asset and when it revalues its
    /// holdings.
    ///
    /// Returns the accepted rate, the deposit cap and whether deposits are
    /// enabled.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::StaleRate`],
    /// [`Error::RateOutOfBounds`], [`Error::InvalidRate`].
    ///
    /// # Events
    /// `RateUpdated` when the accepted rate changes.
    pub fn refresh_rate(&mut self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let (reading, previous) = self.checked_reading(asset)?;
        let mut config = self.configs.setter(asset);
        if reading.updated_at != config.rate_updated_at.get() || reading.rate != previous {
            config.rate.set(reading.rate);
            config.rate_updated_at.set(reading.updated_at);
        }
        let result = (reading.rate, config.deposit_cap.get(), config.enabled.get());
        if reading.rate != previous {
            lrt_common::emit!(self.vm(), RateUpdated {
                asset: asset; previous: previous, rate: reading.rate, updated_at: reading.updated_at
            });
        }
        Ok(result)
    }

    /// What [`Self::refresh_rate`] would return now, without storing it.
    ///
    /// # Errors
    /// As [`Self::refresh_rate`].
    pub fn current_rate(&self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let (reading, _) = self.checked_reading(asset)?;
        let config = self.configs.getter(asset);
        Ok((reading.rate, config.deposit_cap.get(), config.enabled.get()))
    }

    /// The listed assets, in listing order.
    pub fn assets(&self) -> Vec<Address> {
        (0..self.assets.len())
            .filter_map(|i| self.assets.get(i))
            .collect()
    }

    /// `asset`'s configuration: listed, enabled, rate source, deposit cap,
    /// staleness limit, rate bound, last accepted rate and its time.
    #[allow(clippy::type_complexity)]
    pub fn asset_config(
        &self,
        asset: Address,
    ) -> (bool, bool, Address, U256, u64, U256, U256, U256) {
        let config = self.configs.getter(asset);
        (
            config.listed.get(),
            config.enabled.get(),
            config.rate_source.get(),
            config.deposit_cap.get(),
            config.max_staleness.get().to::<u64>(),
            config.max_change_bps.get(),
            config.rate.get(),
            config.rate_updated_at.get(),
        )
    }
}

impl AssetRegistry {
    fn listed(&self, asset: Address) -> Result<(), Error> {
        if !self.configs.getter(asset).listed.get() {
            return Err(UnknownAsset { asset }.into());
        }
        Ok(())
    }

    /// Reads the asset's source and checks the answer against the staleness
    /// limit and the bound around the last accepted rate. Returns the reading
    /// and the last accepted rate.
    fn checked_reading(&self, asset: Address) -> Result<(Reading, U256), Error> {
        let config = self.configs.getter(asset);
        if !config.listed.get() {
            return Err(UnknownAsset { asset }.into());
        }
        let (source, max_staleness) = (config.rate_source.get(), config.max_staleness.get());
        let (accepted, max_change_bps) = (config.rate.get(), config.max_change_bps.get());
        let reading = self.read_source(asset, source, max_staleness.to::<u64>())?;
        let distance = reading.rate.abs_diff(accepted);
        // distance / accepted > max_change_bps / BPS, cross-multiplied; both
        // products fit: rates are far below 2^128 and bps are at most 10,000.
        let too_far = distance
            .checked_mul(BPS)
            .zip(accepted.checked_mul(max_change_bps))
            .is_none_or(|(moved, allowed)| moved > allowed);
        if too_far {
            return Err(RateOutOfBounds {
                asset,
                accepted,
                reported: reading.rate,
                max_change_bps,
            }
            .into());
        }
        Ok((reading, accepted))
    }

    /// Asks `source` for its rate and checks it is non-zero, not from the
    /// future and not older than `max_staleness`.
    fn read_source(
        &self,
        asset: Address,
        source: Address,
        max_staleness: u64,
    ) -> Result<Reading, Error> {
        let now = U256::from(self.vm().block_timestamp());
        let answer = IRateSource::new(source).latest_rate(self);
        let Ok((rate, updated_at)) = answer else {
            return Err(InvalidRate {
                asset,
                rate: U256::ZERO,
                updated_at: U256::ZERO,
            }
            .into());
        };
        if rate.is_zero() || updated_at > now {
            return Err(InvalidRate {
                asset,
                rate,
                updated_at,
            }
            .into());
        }
        if now - updated_at > U256::from(max_staleness) {
            return Err(StaleRate {
                asset,
                updated_at,
                now,
                max_staleness,
            }
            .into());
        }
        Ok(Reading { rate, updated_at })
    }
}

fn check_limits(max_staleness: u64, max_change_bps: U256) -> Result<(), Error> {
    if max_staleness == 0 || max_change_bps.is_zero() || max_change_bps > BPS {
        return Err(InvalidRateLimits {
            max_staleness,
            max_change_bps,
        }
        .into());
    }
    Ok(())
}

lrt_common::public_roles!(AssetRegistry, roles);

#[cfg(test)]
mod tests;
