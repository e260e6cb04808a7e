//! The asset registry: which liquid staking tokens the vault accepts and what
//! each is worth in ETH.
//!
//! Each asset has a rate source (a contract answering ETH per token, 1e18 =
//! 1:1, with the time of its last update), a deposit cap in token units, a
//! staleness limit and a bound on how far the rate may move per day (see
//! `lrt_common::rate_limit`). The registry keeps the last accepted rate;
//! `refreshRate` reads the source and accepts the new rate only when it is
//! fresh and within what the day's budget still allows.
//!
//! A rate the registry refuses is known to be wrong, so nothing may trade at
//! the last accepted one meanwhile: anyone may `reportUnusableRate`, which
//! marks the asset and raises the count of unusable assets that the vault
//! mirrors and that closes every entry point pricing shares (docs/pricing.md).
//! The mark lifts when a reading is accepted again (a refresh within the
//! budget, or the admin's `setRateSource`). Every accepted rate and every
//! mark reaches the vault's books in the same call: the vault either calls
//! the registry itself or is called back by it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256, U64};
use alloy_sol_types::SolCall;
use lrt_common::{
    abi::{encode_words, Word},
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::{ASSET_MANAGER_ROLE, BPS, ETH},
    external::{call, ExternalRevert},
    interfaces::{onRateUpdateCall, IRateSource},
    rate_limit::{available, full_budget, relative_move},
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
    /// The source's rate moved further from the last accepted rate than the
    /// asset's per-day budget still allows (at most `max_change_bps` when
    /// the budget is full).
    #[derive(Debug)]
    error RateOutOfBounds(address asset, uint256 accepted, uint256 reported, uint256 max_change_bps);
    /// A report of an unusable rate for an asset whose rate is usable.
    #[derive(Debug)]
    error RateUsable(address asset, uint256 rate);
    /// The admin's new rate moves further than the budget allows, and the
    /// asset was not reported unusable first (which closes the vault so that
    /// no one can trade ahead of the repricing).
    #[derive(Debug)]
    error RepricingNeedsReport(address asset, uint256 accepted, uint256 reported);
    /// The vault is set once.
    #[derive(Debug)]
    error VaultAlreadySet(address vault);
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
    /// `asset`'s rate was reported unusable: the source answered `reported`
    /// (zero when it answered nothing usable) against the accepted rate;
    /// `unusable_assets` assets are now unusable.
    #[derive(Debug)]
    event RateUnusable(address indexed asset, uint256 accepted, uint256 reported, uint256 unusable_assets);
    /// `asset`'s rate is usable again at `rate`; `unusable_assets` remain.
    #[derive(Debug)]
    event RateRestored(address indexed asset, uint256 rate, uint256 unusable_assets);
    /// The vault whose books follow the registry's rates.
    #[derive(Debug)]
    event VaultSet(address indexed vault);
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
        /// See [`RateUsable`].
        RateUsable(RateUsable { asset, rate }),
        /// See [`RepricingNeedsReport`].
        RepricingNeedsReport(RepricingNeedsReport { asset, accepted, reported }),
        /// See [`VaultAlreadySet`].
        VaultAlreadySet(VaultAlreadySet { vault }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// The vault refused the registry's update; its revert data unchanged.
        External(ExternalRevert),
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
    /// Largest move of the rate per day (and at once), in basis points of
    /// the accepted rate.
    max_change_bps: StorageU256,
    /// Last accepted rate: ETH per token, 1e18 = 1:1.
    rate: StorageU256,
    /// The source's time of the last accepted rate.
    rate_updated_at: StorageU256,
    /// What was left of the movement budget (1e18 = 100%) at `budget_at`.
    budget: StorageU256,
    /// When the budget was last spent (block time).
    budget_at: StorageU64,
    /// Whether the rate was reported unusable and not accepted since.
    unusable: StorageBool,
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function refreshRate(address asset) external returns (uint256 rate, uint256 depositCap, bool enabled);
    function reportUnusableRate(address asset) external returns (uint256 unusableAssets);
    function unusableAssets() external view returns (uint256 count);
    function rateStatus(address asset) external view returns (bool unusable, uint256 budget, uint256 fullBudget);
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
    /// The vault whose books follow the accepted rates (zero until set).
    vault: StorageAddress,
    /// How many listed assets are marked unusable.
    unusable_count: StorageU64,
}

/// What the source answered, checked.
struct Reading {
    rate: U256,
    updated_at: U256,
}

/// A reading checked against the asset's budget.
struct Checked {
    reading: Reading,
    /// The last accepted rate.
    accepted: U256,
    /// The budget left after accepting the reading, when it moved the rate.
    budget_left: Option<U256>,
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

        let now = self.vm().block_timestamp();
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
        config.budget.set(full_budget(max_change_bps));
        config.budget_at.set(U64::from(now));
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

    /// Sets the vault whose books follow the registry's rates. Admin only,
    /// once. From then on every accepted rate and every mark reaches the
    /// vault in the same call.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`], [`Error::VaultAlreadySet`].
    ///
    /// # Events
    /// `VaultSet`.
    pub fn set_vault(&mut self, vault: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        let current = self.vault.get();
        if !current.is_zero() {
            return Err(VaultAlreadySet { vault: current }.into());
        }
        if vault.is_zero() {
            return Err(InvalidAddress { account: vault }.into());
        }
        self.vault.set(vault);
        lrt_common::emit!(self.vm(), VaultSet { vault: vault; });
        Ok(())
    }

    /// Replaces `asset`'s rate source and accepts its current rate. Admin
    /// only. A rate within the asset's budget is accepted as a refresh would
    /// accept it; a larger move (how governance corrects a rate that
    /// legitimately jumped) is accepted only while the asset is reported
    /// unusable, so that the vault is closed and no one can trade ahead of
    /// the repricing. The vault revalues its holdings in the same call.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::InvalidAddress`],
    /// [`Error::StaleRate`], [`Error::InvalidRate`],
    /// [`Error::RepricingNeedsReport`], [`Error::Access`]; the vault's
    /// errors as [`Error::External`].
    ///
    /// # Events
    /// `RateSourceSet`, `RateRestored` when the asset was unusable.
    pub fn set_rate_source(&mut self, asset: Address, rate_source: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        self.listed(asset)?;
        if rate_source.is_zero() || rate_source == ETH {
            return Err(InvalidAddress {
                account: rate_source,
            }
            .into());
        }
        let config = self.configs.getter(asset);
        let max_staleness = config.max_staleness.get().to::<u64>();
        let (accepted, unusable) = (config.rate.get(), config.unusable.get());
        let reading = self.read_source(asset, rate_source, max_staleness)?;
        let budget_left = self.spend(asset, accepted, reading.rate);
        if budget_left.is_none() && !unusable {
            return Err(RepricingNeedsReport {
                asset,
                accepted,
                reported: reading.rate,
            }
            .into());
        }
        let mut config = self.configs.setter(asset);
        config.rate_source.set(rate_source);
        config.rate.set(reading.rate);
        config.rate_updated_at.set(reading.updated_at);
        if let Some(left) = budget_left {
            self.store_budget(asset, left);
        }
        lrt_common::emit!(self.vm(), RateSourceSet { asset: asset, rate_source: rate_source; rate: reading.rate });
        self.restore(asset, reading.rate);
        self.push(asset, reading.rate)
    }

    /// Reads `asset`'s source and, when the rate is fresh and within what
    /// the asset's budget allows, accepts it (spending the budget) and lifts
    /// an unusable mark. Anyone may call it; the vault calls it on every
    /// deposit of the asset and in `syncAssetRate`. Called by anyone else,
    /// it passes an accepted rate to the vault in the same call.
    ///
    /// Returns the accepted rate, the deposit cap and whether deposits are
    /// enabled.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::StaleRate`],
    /// [`Error::RateOutOfBounds`], [`Error::InvalidRate`]; the vault's errors
    /// as [`Error::External`].
    ///
    /// # Events
    /// `RateUpdated` when the accepted rate changes, `RateRestored` when the
    /// asset was unusable.
    pub fn refresh_rate(&mut self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let checked = self.checked_reading(asset)?;
        let (reading, previous) = (checked.reading, checked.accepted);
        let mut config = self.configs.setter(asset);
        if reading.updated_at != config.rate_updated_at.get() || reading.rate != previous {
            config.rate.set(reading.rate);
            config.rate_updated_at.set(reading.updated_at);
        }
        let result = (reading.rate, config.deposit_cap.get(), config.enabled.get());
        if let Some(left) = checked.budget_left {
            self.store_budget(asset, left);
        }
        if reading.rate != previous {
            lrt_common::emit!(self.vm(), RateUpdated {
                asset: asset; previous: previous, rate: reading.rate, updated_at: reading.updated_at
            });
        }
        let restored = self.restore(asset, reading.rate);
        if (restored || reading.rate != previous) && self.vm().msg_sender() != self.vault.get() {
            self.push(asset, reading.rate)?;
        }
        Ok(result)
    }

    /// Marks `asset`'s rate unusable when the registry would refuse its
    /// source's reading now (stale, beyond the budget, or no usable answer),
    /// and passes the new count to the vault, which closes every entry point
    /// that prices shares until no asset is unusable. Anyone may call it: a
    /// keeper watching the sources. The admin may also mark an asset whose
    /// reading is usable, ahead of replacing its source. Reporting an asset
    /// marked already changes nothing. Returns the number of unusable assets.
    ///
    /// # Errors
    /// [`Error::UnknownAsset`], [`Error::RateUsable`] when the reading would
    /// be accepted and the caller is not the admin (refresh it instead); the
    /// vault's errors as [`Error::External`].
    ///
    /// # Events
    /// `RateUnusable` when the asset was not marked yet.
    pub fn report_unusable_rate(&mut self, asset: Address) -> Result<U256, Error> {
        self.listed(asset)?;
        let reported = match self.checked_reading(asset) {
            Ok(checked) => {
                let rate = checked.reading.rate;
                if !self.roles.has_role(ADMIN_ROLE, self.vm().msg_sender()) {
                    return Err(RateUsable { asset, rate }.into());
                }
                rate
            }
            Err(Error::RateOutOfBounds(e)) => e.reported,
            Err(Error::InvalidRate(e)) => e.rate,
            Err(_) => U256::ZERO,
        };
        let count = self.unusable_count.get();
        let config = self.configs.getter(asset);
        if config.unusable.get() {
            return Ok(U256::from(count));
        }
        let accepted = config.rate.get();
        let count = count + U64::from(1);
        self.unusable_count.set(count);
        self.configs.setter(asset).unusable.set(true);
        lrt_common::emit!(self.vm(), RateUnusable { asset: asset; accepted: accepted, reported: reported, unusable_assets: U256::from(count) });
        self.push(asset, accepted)?;
        Ok(U256::from(count))
    }

    /// What [`Self::refresh_rate`] would return now, without storing it.
    ///
    /// # Errors
    /// As [`Self::refresh_rate`].
    pub fn current_rate(&self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let reading = self.checked_reading(asset)?.reading;
        let config = self.configs.getter(asset);
        Ok((reading.rate, config.deposit_cap.get(), config.enabled.get()))
    }

    /// How many listed assets are marked unusable.
    pub fn unusable_assets(&self) -> U256 {
        U256::from(self.unusable_count.get())
    }

    /// Whether `asset` is marked unusable, the movement budget it has now
    /// and its full budget (fractions of the rate, 1e18 = 100%).
    pub fn rate_status(&self, asset: Address) -> (bool, U256, U256) {
        let config = self.configs.getter(asset);
        let max_change_bps = config.max_change_bps.get();
        (
            config.unusable.get(),
            self.budget_now(asset),
            full_budget(max_change_bps),
        )
    }

    /// The vault whose books follow the registry's rates.
    pub fn vault(&self) -> Address {
        self.vault.get()
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
    /// limit and the budget around the last accepted rate.
    fn checked_reading(&self, asset: Address) -> Result<Checked, Error> {
        let config = self.configs.getter(asset);
        if !config.listed.get() {
            return Err(UnknownAsset { asset }.into());
        }
        let (source, max_staleness) = (config.rate_source.get(), config.max_staleness.get());
        let (accepted, max_change_bps) = (config.rate.get(), config.max_change_bps.get());
        let reading = self.read_source(asset, source, max_staleness.to::<u64>())?;
        let Some(budget_left) = self.spend(asset, accepted, reading.rate) else {
            return Err(RateOutOfBounds {
                asset,
                accepted,
                reported: reading.rate,
                max_change_bps,
            }
            .into());
        };
        let budget_left = (reading.rate != accepted).then_some(budget_left);
        Ok(Checked {
            reading,
            accepted,
            budget_left,
        })
    }

    /// `asset`'s movement budget now: what was left, plus what refilled
    /// since it was last spent.
    fn budget_now(&self, asset: Address) -> U256 {
        let config = self.configs.getter(asset);
        let elapsed = self
            .vm()
            .block_timestamp()
            .saturating_sub(config.budget_at.get().to::<u64>());
        available(config.budget.get(), elapsed, config.max_change_bps.get())
    }

    /// The budget left if `asset`'s rate moved from `accepted` to
    /// `reported` now, or `None` if the budget does not allow the move.
    fn spend(&self, asset: Address, accepted: U256, reported: U256) -> Option<U256> {
        self.budget_now(asset)
            .checked_sub(relative_move(accepted, reported))
    }

    fn store_budget(&mut self, asset: Address, left: U256) {
        let now = self.vm().block_timestamp();
        let mut config = self.configs.setter(asset);
        config.budget.set(left);
        config.budget_at.set(U64::from(now));
    }

    /// Lifts `asset`'s unusable mark, if any, now that `rate` was accepted.
    /// Returns whether there was one.
    fn restore(&mut self, asset: Address, rate: U256) -> bool {
        if !self.configs.getter(asset).unusable.get() {
            return false;
        }
        self.configs.setter(asset).unusable.set(false);
        let count = self.unusable_count.get() - U64::from(1);
        self.unusable_count.set(count);
        lrt_common::emit!(self.vm(), RateRestored { asset: asset; rate: rate, unusable_assets: U256::from(count) });
        true
    }

    /// Passes `asset`'s accepted `rate` and the count of unusable assets to
    /// the vault (none set yet: nothing holds the asset).
    fn push(&mut self, asset: Address, rate: U256) -> Result<(), Error> {
        let vault = self.vault.get();
        if vault.is_zero() {
            return Ok(());
        }
        let count = U256::from(self.unusable_count.get());
        let calldata = encode_words(
            onRateUpdateCall::SELECTOR,
            &[asset.word(), rate.word(), count.word()],
        );
        call(vault, U256::ZERO, &calldata)?;
        Ok(())
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
