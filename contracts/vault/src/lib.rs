//! The deposit vault.
//!
//! Takes ETH (`deposit`, ERC-7535 style) and enabled liquid staking tokens
//! (`depositAsset`), mints lrETH at the current rate, holds the idle buffer,
//! receives rewards and charges the protocol fee.
//!
//! The books are internal: total assets = Σ over ETH and each LST of
//! (units idle in the vault + units delegated to operators) × the asset's
//! last accepted rate (1 for ETH). Nothing reads `balance()` or
//! `balanceOf(this)` to price a share, so assets sent to the vault outside
//! its entry points change nothing. Each asset's value is kept as a running
//! aggregate, so pricing a deposit touches a fixed number of slots whatever
//! the number of assets.
//!
//! While the registry reports any listed asset's rate unusable, nothing
//! that prices shares proceeds: deposits and reward reports fail with
//! `RatesUnusable`, and `withdrawalsPaused()` reads true so the queue takes
//! no request and finalizes nothing (docs/pricing.md). Every rate the
//! registry accepts reaches the books in the same call.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, U128, U256, U64};
use alloy_sol_types::SolCall;
use lrt_common::{
    abi::{encode_words, Word},
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::{
        ASSET_MANAGER_ROLE, BPS, DELEGATION_MANAGER_ROLE, ETH, PAUSER_ROLE, REWARDS_REPORTER_ROLE,
        WAD,
    },
    external::{call, first_word, static_call, word, ExternalRevert},
    interfaces::{
        currentRateCall, mintCall, onDelegateCall, refreshRateCall, totalSupplyCall,
        unusableAssetsCall,
    },
    introspection::{supports, ERC165, RATE_PROVIDER},
    math::{from_u128, mul_div, to_u128, Rounding},
    shares::{fee_shares, to_assets, to_shares},
    transfer::{
        pull, safe_approve, safe_transfer, send_eth, EthTransferFailed, TokenTransferFailed,
    },
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU128, StorageU256, StorageU64},
};

/// Highest protocol fee: 20% of rewards.
pub const MAX_FEE_BPS: u64 = 2_000;
/// Highest bound an admin may set on one rewards report: 10% of total assets.
pub const MAX_REWARD_BPS: u64 = 1_000;

lrt_common::sol_declarations! {
    /// An amount of zero was given.
    #[derive(Debug)]
    error ZeroAmount();
    /// The ETH sent differs from the `assets` argument.
    #[derive(Debug)]
    error ValueMismatch(uint256 assets, uint256 value);
    /// An address argument was the zero address.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// The asset cannot be deposited through this entry point.
    #[derive(Debug)]
    error UnsupportedAsset(address asset);
    /// Deposits of the asset are disabled in the registry.
    #[derive(Debug)]
    error AssetDisabled(address asset);
    /// Deposits are paused.
    #[derive(Debug)]
    error DepositsPaused();
    /// The deposit is worth less than the minimum.
    #[derive(Debug)]
    error BelowMinimumDeposit(uint256 value, uint256 minimum);
    /// The deposit would take total assets above the global cap.
    #[derive(Debug)]
    error TotalCapExceeded(uint256 total_after, uint256 cap);
    /// The deposit would take the vault's holdings of the asset above its cap.
    #[derive(Debug)]
    error AssetCapExceeded(address asset, uint256 held_after, uint256 cap);
    /// The deposit would mint fewer shares than the caller accepts.
    #[derive(Debug)]
    error SlippageExceeded(uint256 shares, uint256 min_shares);
    /// The deposit is too small to mint a single share.
    #[derive(Debug)]
    error ZeroShares();
    /// Shares exist but no assets back them (everything was slashed):
    /// deposits are refused rather than minted at a broken rate.
    #[derive(Debug)]
    error NoBackingAssets(uint256 supply);
    /// Rewards need shares to accrue to.
    #[derive(Debug)]
    error NoSharesOutstanding();
    /// The rewards exceed the per-report bound.
    #[derive(Debug)]
    error RewardAboveBound(uint256 rewards, uint256 max_rewards);
    /// The previous report was too recent.
    #[derive(Debug)]
    error ReportTooSoon(uint256 next_report_at);
    /// The fee exceeds `MAX_FEE_BPS`.
    #[derive(Debug)]
    error FeeAboveMaximum(uint256 fee_bps, uint256 max_fee_bps);
    /// The per-report reward bound exceeds `MAX_REWARD_BPS`.
    #[derive(Debug)]
    error RewardBoundAboveMaximum(uint256 max_reward_bps, uint256 limit);
    /// A result did not fit in 256 bits.
    #[derive(Debug)]
    error MathOverflow();
    /// The vault holds less of the asset idle than asked.
    #[derive(Debug)]
    error InsufficientIdle(address asset, uint256 idle, uint256 amount);
    /// The books show less of the asset delegated than the restaking layer reports moving.
    #[derive(Debug)]
    error InsufficientDelegated(address asset, uint256 delegated, uint256 amount);
    /// Only the restaking layer, or the withdrawal queue, may call this.
    #[derive(Debug)]
    error NotAuthorizedContract(address caller);
    /// The vault is linked to its restaking layer and queue once, at deployment.
    #[derive(Debug)]
    error AlreadyLinked(address restaking_layer);
    /// Less of the asset is reserved than the queue asks to pay.
    #[derive(Debug)]
    error InsufficientReserve(address asset, uint256 reserved, uint256 amount);
    /// `unusable_assets` listed assets have a rate the registry refused: no
    /// share is priced until they are usable again (docs/pricing.md).
    #[derive(Debug)]
    error RatesUnusable(uint256 unusable_assets);

    /// `sender` deposited `amount` of `asset` (what arrived), worth `value`
    /// ETH, and `receiver` got `shares`.
    #[derive(Debug)]
    event Deposit(address indexed sender, address indexed receiver, address indexed asset, uint256 amount, uint256 value, uint256 shares);
    /// `rewards` ETH arrived; `fee` of it went to the treasury as `fee_shares`;
    /// the rate is now `rate`.
    #[derive(Debug)]
    event RewardsDistributed(uint256 rewards, uint256 fee, uint256 fee_shares, uint256 rate);
    /// The vault's holdings of `asset` are now valued at `rate`, worth `value`.
    #[derive(Debug)]
    event AssetRevalued(address indexed asset, uint256 rate, uint256 value);
    /// The protocol fee changed.
    #[derive(Debug)]
    event FeeSet(uint256 fee_bps);
    /// The treasury changed.
    #[derive(Debug)]
    event TreasurySet(address indexed treasury);
    /// The per-report reward bound and minimum interval changed.
    #[derive(Debug)]
    event RewardLimitsSet(uint256 max_reward_bps, uint64 min_report_interval);
    /// The minimum deposit and global cap changed.
    #[derive(Debug)]
    event DepositLimitsSet(uint256 min_deposit, uint256 total_cap);
    /// Deposits were paused or unpaused.
    #[derive(Debug)]
    event DepositsPauseSet(bool paused);
    /// Withdrawals were paused or unpaused.
    #[derive(Debug)]
    event WithdrawalsPauseSet(bool paused);
    /// The vault was linked to its restaking layer and withdrawal queue.
    #[derive(Debug)]
    event Linked(address indexed restaking_layer, address indexed withdrawal_queue);
    /// `amount` of `asset` left total assets into the withdrawal reserve.
    #[derive(Debug)]
    event WithdrawalReserved(address indexed asset, uint256 amount);
    /// `amount` of reserved `asset` was paid to `to`.
    #[derive(Debug)]
    event WithdrawalPaid(address indexed asset, address indexed to, uint256 amount);
    /// `amount` of `asset` left the idle buffer for `operator`; the layer received `received`.
    #[derive(Debug)]
    event Delegated(address indexed operator, address indexed asset, uint256 amount, uint256 received);
    /// `amount` of delegated `asset` came back to the idle buffer as `received`.
    #[derive(Debug)]
    event StakeReturned(address indexed asset, uint256 amount, uint256 received);
    /// `amount` of delegated `asset` was slashed, worth `value_lost` ETH.
    #[derive(Debug)]
    event StakeSlashed(address indexed asset, uint256 amount, uint256 value_lost);
    /// The registry reports `unusable_assets` assets with an unusable rate;
    /// while it is not zero nothing prices shares.
    #[derive(Debug)]
    event UnusableRatesSet(uint256 unusable_assets);
    /// The valuation of total assets moved or was confirmed at `updated_at`
    /// (a reward report, a slash, or an asset's rate checked afresh).
    #[derive(Debug)]
    event ValuationUpdated(uint64 updated_at);
}

lrt_common::errors! {
    /// Why a vault call failed.
    pub enum Error {
        /// See [`ZeroAmount`].
        ZeroAmount(ZeroAmount {}),
        /// See [`ValueMismatch`].
        ValueMismatch(ValueMismatch { assets, value }),
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`UnsupportedAsset`].
        UnsupportedAsset(UnsupportedAsset { asset }),
        /// See [`AssetDisabled`].
        AssetDisabled(AssetDisabled { asset }),
        /// See [`DepositsPaused`].
        DepositsPaused(DepositsPaused {}),
        /// See [`BelowMinimumDeposit`].
        BelowMinimumDeposit(BelowMinimumDeposit { value, minimum }),
        /// See [`TotalCapExceeded`].
        TotalCapExceeded(TotalCapExceeded { total_after, cap }),
        /// See [`AssetCapExceeded`].
        AssetCapExceeded(AssetCapExceeded { asset, held_after, cap }),
        /// See [`SlippageExceeded`].
        SlippageExceeded(SlippageExceeded { shares, min_shares }),
        /// See [`ZeroShares`].
        ZeroShares(ZeroShares {}),
        /// See [`NoBackingAssets`].
        NoBackingAssets(NoBackingAssets { supply }),
        /// See [`NoSharesOutstanding`].
        NoSharesOutstanding(NoSharesOutstanding {}),
        /// See [`RewardAboveBound`].
        RewardAboveBound(RewardAboveBound { rewards, max_rewards }),
        /// See [`ReportTooSoon`].
        ReportTooSoon(ReportTooSoon { next_report_at }),
        /// See [`FeeAboveMaximum`].
        FeeAboveMaximum(FeeAboveMaximum { fee_bps, max_fee_bps }),
        /// See [`RewardBoundAboveMaximum`].
        RewardBoundAboveMaximum(RewardBoundAboveMaximum { max_reward_bps, limit }),
        /// See [`MathOverflow`].
        MathOverflow(MathOverflow {}),
        /// See [`TokenTransferFailed`].
        TransferFailed(TokenTransferFailed { token }),
        /// See [`InsufficientIdle`].
        InsufficientIdle(InsufficientIdle { asset, idle, amount }),
        /// See [`InsufficientDelegated`].
        InsufficientDelegated(InsufficientDelegated { asset, delegated, amount }),
        /// See [`NotAuthorizedContract`].
        NotAuthorizedContract(NotAuthorizedContract { caller }),
        /// See [`AlreadyLinked`].
        AlreadyLinked(AlreadyLinked { restaking_layer }),
        /// See [`InsufficientReserve`].
        InsufficientReserve(InsufficientReserve { asset, reserved, amount }),
        /// See [`EthTransferFailed`].
        EthTransferFailed(EthTransferFailed { to, amount }),
        /// See [`RatesUnusable`].
        RatesUnusable(RatesUnusable { unusable_assets }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// A call to the token or the registry reverted; its revert data is
        /// passed on unchanged (e.g. the registry's `StaleRate`).
        External(ExternalRevert),
    }
}

fn overflow() -> Error {
    MathOverflow {}.into()
}

/// The registry's answer for an asset: `(rate, deposit cap, enabled)`. An
/// answer too short to hold them is refused like a revert without data.
fn rate_answer(data: &[u8]) -> Result<(U256, U256, bool), Error> {
    if data.len() < 96 {
        return Err(ExternalRevert(Vec::new()).into());
    }
    Ok((word(data, 0), word(data, 1), !word(data, 2).is_zero()))
}

/// The vault's holdings of one asset (ETH included, at a rate of 1).
///
/// Figures are stored in 128 bits, two to a slot, so that a deposit reads
/// and writes one slot of its book (the rate and value slot is an LST's
/// only; ETH's value is its units). 2^128 wei is ~3.4e20 ETH: any figure
/// that would not fit fails with [`Error::MathOverflow`].
#[storage]
pub struct AssetBook {
    /// Units in the vault's idle buffer.
    idle: StorageU128,
    /// Units delegated to operators, in the restaking layer's custody
    /// (active or unbonding).
    delegated: StorageU128,
    /// The rate (ETH per unit, 1e18) the units are valued at; unused for ETH.
    rate: StorageU128,
    /// `(idle + delegated) × rate / 1e18`, rounded down: the asset's part of
    /// total assets; unused for ETH.
    value: StorageU128,
    /// Units set aside for finalized withdrawals: no longer part of total
    /// assets, no longer slashable, waiting to be claimed.
    reserved: StorageU128,
}

/// `x` in 128 bits, or [`Error::MathOverflow`].
fn narrow(x: U256) -> Result<U128, Error> {
    to_u128(x).ok_or_else(overflow)
}

/// A stored limit as the `depositLimits` view reports it: 2^128 - 1, the
/// most the books can hold, reads as no limit.
fn wide_cap(x: U128) -> U256 {
    if x == U128::MAX {
        U256::MAX
    } else {
        from_u128(x)
    }
}

/// A book's figures, read once and written back once.
struct Book {
    idle: U256,
    delegated: U256,
    rate: U256,
}

impl Book {
    /// Takes `amount` units of `asset` out of the idle buffer.
    fn take_idle(&mut self, asset: Address, amount: U256) -> Result<(), Error> {
        self.idle = self.idle.checked_sub(amount).ok_or(InsufficientIdle {
            asset,
            idle: self.idle,
            amount,
        })?;
        Ok(())
    }

    /// Takes `amount` units of `asset` out of the delegated stake.
    fn take_delegated(&mut self, asset: Address, amount: U256) -> Result<(), Error> {
        self.delegated = self
            .delegated
            .checked_sub(amount)
            .ok_or(InsufficientDelegated {
                asset,
                delegated: self.delegated,
                amount,
            })?;
        Ok(())
    }
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function deposit(uint256 assets, address receiver) external payable returns (uint256 shares);
    function depositAsset(address asset, uint256 amount, address receiver, uint256 minShares) external returns (uint256 shares);
    function syncAssetRate(address asset) external returns (uint256 rate);
    function onRateUpdate(address asset, uint256 rate, uint256 unusableAssets) external;
    function delegate(address operator, address asset, uint256 amount) external returns (uint256 received);
    function onStakeSlashed(address asset, uint256 amount) external returns (uint256 valueLost);
    function totalAssets() external view returns (uint256 assets);
    function convertToShares(uint256 assets) external view returns (uint256 shares);
    function convertToAssets(uint256 shares) external view returns (uint256 assets);
    function getRate() external view returns (uint256 rate);
    function previewDeposit(address asset, uint256 amount) external view returns (uint256 shares);
    function maxDeposit(address asset, address receiver) external view returns (uint256 maxAmount);
    function assetTotals(address asset) external view returns (uint256 idle, uint256 delegated, uint256 rate, uint256 value, uint256 reserved);
    function withdrawalTotals(address asset) external view returns (bool paused, uint256 totalAssets, uint256 idle, uint256 rate, uint256 value);
    function links() external view returns (address restakingLayer, address withdrawalQueue);
    function rewardLimits() external view returns (uint256 maxRewardBps, uint64 minReportInterval, uint64 lastReportAt);
    function depositLimits() external view returns (uint256 minDeposit, uint256 totalCap);
    function previewRedeem(uint256 shares) external view returns (uint256 assets);
    function valuationUpdatedAt() external view returns (uint64 updatedAt);
    function supportsInterface(bytes4 interfaceId) external view returns (bool supported);
",
    declarations: [lrt_common::transfer::SOL_DECLARATIONS],
}

/// The vault's storage.
#[entrypoint]
#[storage]
pub struct Vault {
    /// Admin, pausers, asset managers, rewards reporters.
    roles: Roles,
    // What a deposit reads shares three slots: the pause flags with the
    // token, the total with the cap, and the minimum deposit with the
    // valuation time.
    /// Whether deposits are paused.
    deposits_paused: StorageBool,
    /// Whether withdrawals are paused (the withdrawal queue reads it).
    withdrawals_paused: StorageBool,
    /// The lrETH token.
    token: StorageAddress,
    /// How many listed assets the registry reports with an unusable rate
    /// (in the deposit's first slot, so the check costs no extra read).
    unusable_rates: StorageU64,
    /// Σ of every book's value: total assets.
    total_value: StorageU128,
    /// Largest total assets deposits may bring the vault to (at most
    /// 2^128 - 1, what the books can hold, which `depositLimits` reports as
    /// no cap).
    total_cap: StorageU128,
    /// Smallest deposit, in ETH value.
    min_deposit: StorageU128,
    /// When the valuation of total assets last moved or was confirmed (see
    /// `ValuationUpdated`): the `updatedAt` the rate provider reports. In
    /// the minimum deposit's slot, which an LST deposit reads before it
    /// writes this.
    valuation_updated_at: StorageU64,
    /// The asset registry.
    registry: StorageAddress,
    /// Receives the protocol fee as shares.
    treasury: StorageAddress,
    /// Protocol fee, in basis points of rewards.
    fee_bps: StorageU256,
    /// Largest reward one report may bring, in basis points of total assets.
    max_reward_bps: StorageU256,
    /// Fewest seconds between two reports.
    min_report_interval: StorageU64,
    /// When the last report arrived.
    last_report_at: StorageU64,
    /// Per-asset holdings, ETH included.
    books: StorageMap<Address, AssetBook>,
    /// The restaking layer holding delegated stake.
    restaking_layer: StorageAddress,
    /// The withdrawal queue, which sets liquidity aside and pays it out.
    withdrawal_queue: StorageAddress,
}

#[public]
#[implements(IRoles)]
impl Vault {
    /// Links the vault to its token, registry and treasury and sets the
    /// admin. Deposits start unpaused, uncapped, with no fee and a reward
    /// bound of 1% per report; the deploy configuration sets the rest.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] for a zero address.
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        token: Address,
        registry: Address,
        treasury: Address,
    ) -> Result<(), Error> {
        for account in [token, registry, treasury] {
            if account.is_zero() {
                return Err(InvalidAddress { account }.into());
            }
        }
        self.roles.init(admin)?;
        self.token.set(token);
        self.registry.set(registry);
        self.treasury.set(treasury);
        self.max_reward_bps.set(U256::from(100));
        self.total_cap.set(U128::MAX);
        // Empty books are valued exactly (one share is worth 1 ETH).
        self.mark_valuation();
        Ok(())
    }

    // ----- Deposits -----

    /// Deposits `assets` wei of ETH, sent as the call's value, and mints
    /// lrETH to `receiver`. Returns the shares minted.
    ///
    /// # Errors
    /// [`Error::DepositsPaused`], [`Error::ValueMismatch`],
    /// [`Error::ZeroAmount`], [`Error::InvalidAddress`],
    /// [`Error::BelowMinimumDeposit`], [`Error::TotalCapExceeded`],
    /// [`Error::NoBackingAssets`], [`Error::ZeroShares`],
    /// [`Error::RatesUnusable`].
    ///
    /// # Events
    /// `Deposit`, and the token's `Transfer`.
    #[payable]
    pub fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Error> {
        let value = self.vm().msg_value();
        if assets != value {
            return Err(ValueMismatch { assets, value }.into());
        }
        let shares = self.price_deposit(assets, receiver, U256::ZERO)?;
        let mut book = self.book(ETH);
        book.idle = book.idle.checked_add(assets).ok_or_else(overflow)?;
        self.store_book(ETH, &book)?;
        self.finish_deposit(ETH, receiver, assets, assets, shares)
    }

    /// Deposits `amount` of the liquid staking token `asset` and mints lrETH
    /// to `receiver`, valued at the asset's freshly checked rate. The vault
    /// counts what actually arrived, so a token that delivers less than
    /// asked mints less. Reverts if fewer than `min_shares` would be minted.
    /// The caller must have approved the vault for `amount`.
    ///
    /// # Errors
    /// [`Error::DepositsPaused`], [`Error::ZeroAmount`],
    /// [`Error::InvalidAddress`], [`Error::UnsupportedAsset`],
    /// [`Error::AssetDisabled`], [`Error::AssetCapExceeded`],
    /// [`Error::BelowMinimumDeposit`], [`Error::TotalCapExceeded`],
    /// [`Error::SlippageExceeded`], [`Error::NoBackingAssets`],
    /// [`Error::ZeroShares`], [`Error::TransferFailed`],
    /// [`Error::RatesUnusable`]; the registry's `UnknownAsset`,
    /// `StaleRate`, `RateOutOfBounds`, `InvalidRate`.
    ///
    /// # Events
    /// `Deposit`, `AssetRevalued` when the asset's rate moved,
    /// `ValuationUpdated`, and the token's `Transfer`.
    pub fn deposit_asset(
        &mut self,
        asset: Address,
        amount: U256,
        receiver: Address,
        min_shares: U256,
    ) -> Result<U256, Error> {
        if asset == ETH {
            return Err(UnsupportedAsset { asset }.into());
        }
        if self.deposits_paused.get() {
            return Err(DepositsPaused {}.into());
        }
        // Before the registry's own refusal of the asset's reading, so the
        // closed vault answers with one error whatever the asset.
        self.check_rates_usable()?;
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let (rate, cap, enabled) = self.refresh_book(asset)?;
        if !enabled {
            return Err(AssetDisabled { asset }.into());
        }

        let received = self.pull_tokens(asset, amount)?;
        let mut book = self.book(asset);
        book.idle = book.idle.checked_add(received).ok_or_else(overflow)?;
        let held_after = book.idle.checked_add(book.delegated).ok_or_else(overflow)?;
        if held_after > cap {
            return Err(AssetCapExceeded {
                asset,
                held_after,
                cap,
            }
            .into());
        }
        let value = mul_div(received, rate, WAD, Rounding::Down).ok_or_else(overflow)?;
        let shares = self.price_deposit(value, receiver, min_shares)?;
        self.store_book(asset, &book)?;
        self.finish_deposit(asset, receiver, received, value, shares)
    }

    /// Revalues the vault's holdings of `asset` at the registry's freshly
    /// checked rate and takes the registry's count of unusable assets (an
    /// accepted rate may lift a mark). Anyone may call it, so that the rate
    /// of lrETH follows the rates of the assets behind it between deposits.
    ///
    /// # Errors
    /// The registry's `UnknownAsset`, `StaleRate`, `RateOutOfBounds`,
    /// `InvalidRate`; [`Error::MathOverflow`].
    ///
    /// # Events
    /// `AssetRevalued` when the rate moved, `UnusableRatesSet` when the
    /// count changed; `ValuationUpdated`.
    pub fn sync_asset_rate(&mut self, asset: Address) -> Result<U256, Error> {
        let rate = self.refresh_book(asset)?.0;
        let calldata = encode_words(unusableAssetsCall::SELECTOR, &[]);
        let count = first_word(&static_call(self.registry.get(), &calldata)?);
        self.set_unusable_rates(count);
        Ok(rate)
    }

    /// The registry passes `asset`'s newly accepted `rate` (an admin
    /// repricing, or a refresh someone else called) or a new count of
    /// unusable assets: the books follow in the same transaction, so no one
    /// can trade between the registry's decision and the books. Registry
    /// only.
    ///
    /// # Errors
    /// [`Error::NotAuthorizedContract`], [`Error::UnsupportedAsset`] (ETH),
    /// [`Error::MathOverflow`].
    ///
    /// # Events
    /// `AssetRevalued` when the rate moved, `UnusableRatesSet` when the
    /// count changed; `ValuationUpdated`.
    pub fn on_rate_update(
        &mut self,
        asset: Address,
        rate: U256,
        unusable_assets: U256,
    ) -> Result<(), Error> {
        self.only(self.registry.get())?;
        if asset == ETH {
            return Err(UnsupportedAsset { asset }.into());
        }
        let mut book = self.book(asset);
        book.rate = rate;
        self.store_book(asset, &book)?;
        // A rate the registry accepted outside a vault call moves the
        // valuation as much as one the vault fetched itself.
        self.mark_valuation();
        self.set_unusable_rates(unusable_assets);
        Ok(())
    }

    // ----- Delegation -----

    /// Links the vault to the restaking layer (the delegation contract,
    /// which holds delegated stake) and the withdrawal queue. Admin only,
    /// once: moving either while it holds stake or reserves would strand the
    /// books.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`], [`Error::AlreadyLinked`].
    ///
    /// # Events
    /// `Linked`.
    pub fn link(
        &mut self,
        restaking_layer: Address,
        withdrawal_queue: Address,
    ) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        let current = self.restaking_layer.get();
        if !current.is_zero() {
            return Err(AlreadyLinked {
                restaking_layer: current,
            }
            .into());
        }
        for account in [restaking_layer, withdrawal_queue] {
            if account.is_zero() {
                return Err(InvalidAddress { account }.into());
            }
        }
        self.restaking_layer.set(restaking_layer);
        self.withdrawal_queue.set(withdrawal_queue);
        lrt_common::emit!(self.vm(), Linked { restaking_layer: restaking_layer, withdrawal_queue: withdrawal_queue; });
        Ok(())
    }

    /// Moves `amount` of idle `asset` (ETH or an LST) to `operator` through
    /// the restaking layer, which takes custody; the books move the units
    /// from idle to delegated, so total assets do not change (less any wei
    /// a short-delivering token withholds). Delegation managers only; the
    /// layer checks the operator and its cap.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::ZeroAmount`], [`Error::InvalidAddress`]
    /// (no layer yet), [`Error::InsufficientIdle`], [`Error::TransferFailed`];
    /// the layer's errors (unknown, paused or removed operator, cap exceeded)
    /// unchanged.
    ///
    /// # Events
    /// `Delegated`.
    pub fn delegate(
        &mut self,
        operator: Address,
        asset: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        self.roles
            .check(DELEGATION_MANAGER_ROLE, self.vm().msg_sender())?;
        let layer = self.restaking_layer.get();
        if layer.is_zero() {
            return Err(InvalidAddress { account: layer }.into());
        }
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let mut book = self.book(asset);
        book.take_idle(asset, amount)?;
        let value = if asset == ETH {
            amount
        } else {
            safe_approve(self.vm(), asset, layer, amount)?;
            U256::ZERO
        };
        let calldata = encode_words(
            onDelegateCall::SELECTOR,
            &[
                operator.word(),
                asset.word(),
                amount.word(),
                book.rate.word(),
            ],
        );
        let received = first_word(&call(layer, value, &calldata)?);
        book.delegated = book
            .delegated
            .checked_add(received.min(amount))
            .ok_or_else(overflow)?;
        self.store_book(asset, &book)?;
        lrt_common::emit!(self.vm(), Delegated { operator: operator, asset: asset; amount: amount, received: received });
        Ok(received)
    }

    /// The restaking layer returns `amount` units of delegated `asset` to the
    /// idle buffer: ETH as the call's value, tokens pulled by the vault from
    /// the layer (which approved them), counted by what arrived.
    ///
    /// # Errors
    /// [`Error::NotRestakingLayer`], [`Error::ValueMismatch`],
    /// [`Error::InsufficientDelegated`], [`Error::TransferFailed`].
    ///
    /// # Events
    /// `StakeReturned`.
    #[payable]
    pub fn on_stake_returned(&mut self, asset: Address, amount: U256) -> Result<(), Error> {
        self.only(self.restaking_layer.get())?;
        let value = self.vm().msg_value();
        let received = if asset == ETH {
            if value != amount {
                return Err(ValueMismatch {
                    assets: amount,
                    value,
                }
                .into());
            }
            amount
        } else {
            if !value.is_zero() {
                return Err(ValueMismatch {
                    assets: U256::ZERO,
                    value,
                }
                .into());
            }
            self.pull_tokens(asset, amount)?
        };
        let mut book = self.book(asset);
        book.take_delegated(asset, amount)?;
        book.idle = book.idle.checked_add(received).ok_or_else(overflow)?;
        self.store_book(asset, &book)?;
        lrt_common::emit!(self.vm(), StakeReturned { asset: asset; amount: amount, received: received });
        Ok(())
    }

    /// The restaking layer reports that `amount` units of delegated `asset`
    /// were slashed and left its custody. Total assets fall by their value at
    /// once, so every holder bears the loss in proportion. Returns the value
    /// lost, in ETH.
    ///
    /// # Errors
    /// [`Error::NotRestakingLayer`], [`Error::InsufficientDelegated`].
    ///
    /// # Events
    /// `StakeSlashed`, `ValuationUpdated`.
    pub fn on_stake_slashed(&mut self, asset: Address, amount: U256) -> Result<U256, Error> {
        self.only(self.restaking_layer.get())?;
        let mut book = self.book(asset);
        book.take_delegated(asset, amount)?;
        let value_lost = self.store_book(asset, &book)?;
        self.mark_valuation();
        lrt_common::emit!(self.vm(), StakeSlashed { asset: asset; amount: amount, value_lost: value_lost });
        Ok(value_lost)
    }

    // ----- Withdrawals -----

    /// The withdrawal queue sets `amount` of idle `asset` aside for requests
    /// it finalizes: the units leave total assets (the queue burns the
    /// matching shares in the same transaction) and can no longer be
    /// slashed.
    ///
    /// # Errors
    /// [`Error::NotAuthorizedContract`], [`Error::InsufficientIdle`].
    ///
    /// # Events
    /// `WithdrawalReserved`.
    pub fn reserve_withdrawal(&mut self, asset: Address, amount: U256) -> Result<(), Error> {
        self.only(self.withdrawal_queue.get())?;
        let mut book = self.book(asset);
        book.take_idle(asset, amount)?;
        self.store_book(asset, &book)?;
        let reserved = from_u128(self.books.getter(asset).reserved.get());
        let reserved = reserved.checked_add(amount).ok_or_else(overflow)?;
        self.books.setter(asset).reserved.set(narrow(reserved)?);
        lrt_common::emit!(self.vm(), WithdrawalReserved { asset: asset; amount: amount });
        Ok(())
    }

    /// The withdrawal queue pays `amount` of reserved `asset` to `to`. ETH
    /// goes with a plain call forwarding the remaining gas, so contract
    /// wallets with a costly `receive()` can be paid; a failed payment
    /// reverts and leaves the reserve as it was.
    ///
    /// # Errors
    /// [`Error::NotAuthorizedContract`], [`Error::InsufficientReserve`],
    /// [`Error::EthTransferFailed`], [`Error::TransferFailed`].
    ///
    /// # Events
    /// `WithdrawalPaid`.
    pub fn pay_withdrawal(
        &mut self,
        asset: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), Error> {
        self.only(self.withdrawal_queue.get())?;
        let reserved = from_u128(self.books.getter(asset).reserved.get());
        if reserved < amount {
            return Err(InsufficientReserve {
                asset,
                reserved,
                amount,
            }
            .into());
        }
        self.books
            .setter(asset)
            .reserved
            .set(narrow(reserved - amount)?);
        lrt_common::emit!(self.vm(), WithdrawalPaid { asset: asset, to: to; amount: amount });
        if asset == ETH {
            send_eth(to, amount)?;
        } else {
            safe_transfer(self.vm(), asset, to, amount)?;
        }
        Ok(())
    }

    // ----- Rewards -----

    /// Adds the ETH sent to the vault's assets as rewards and mints the
    /// protocol fee to the treasury, as shares worth exactly the fee at the
    /// post-reward rate. Rewards reporters only. One report may raise total
    /// assets by at most `maxRewardBps`, and reports must be at least
    /// `minReportInterval` seconds apart.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::ZeroAmount`],
    /// [`Error::NoSharesOutstanding`], [`Error::ReportTooSoon`],
    /// [`Error::RewardAboveBound`], [`Error::MathOverflow`],
    /// [`Error::RatesUnusable`].
    ///
    /// # Events
    /// `RewardsDistributed`, `ValuationUpdated`, and the token's `Transfer`
    /// for the fee.
    #[payable]
    pub fn distribute_rewards(&mut self) -> Result<(), Error> {
        self.roles
            .check(REWARDS_REPORTER_ROLE, self.vm().msg_sender())?;
        // The fee is minted as shares: not at a price an unusable rate
        // shows to be wrong.
        self.check_rates_usable()?;
        let rewards = self.vm().msg_value();
        if rewards.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let supply = self.supply()?;
        if supply.is_zero() {
            return Err(NoSharesOutstanding {}.into());
        }
        let now = self.vm().block_timestamp();
        let next_report_at = self
            .last_report_at
            .get()
            .to::<u64>()
            .saturating_add(self.min_report_interval.get().to::<u64>());
        if self.last_report_at.get() != U64::ZERO && now < next_report_at {
            return Err(ReportTooSoon {
                next_report_at: U256::from(next_report_at),
            }
            .into());
        }
        let total = self.total_assets();
        let max_rewards =
            mul_div(total, self.max_reward_bps.get(), BPS, Rounding::Down).ok_or_else(overflow)?;
        if rewards > max_rewards {
            return Err(RewardAboveBound {
                rewards,
                max_rewards,
            }
            .into());
        }

        let mut book = self.book(ETH);
        book.idle = book.idle.checked_add(rewards).ok_or_else(overflow)?;
        self.store_book(ETH, &book)?;
        self.last_report_at.set(U64::from(now));
        self.mark_valuation();
        let total = total.checked_add(rewards).ok_or_else(overflow)?;
        let fee = mul_div(rewards, self.fee_bps.get(), BPS, Rounding::Down).ok_or_else(overflow)?;
        let minted = fee_shares(fee, total, supply).ok_or_else(overflow)?;
        if !minted.is_zero() {
            let treasury = self.treasury.get();
            self.mint(treasury, minted)?;
        }
        let rate = to_assets(WAD, total, supply + minted, Rounding::Down).ok_or_else(overflow)?;
        lrt_common::emit!(self.vm(), RewardsDistributed { ; rewards: rewards, fee: fee, fee_shares: minted, rate: rate });
        Ok(())
    }

    // ----- Configuration -----

    /// Sets the protocol fee. Admin only; at most `MAX_FEE_BPS`.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::FeeAboveMaximum`].
    ///
    /// # Events
    /// `FeeSet`.
    pub fn set_fee(&mut self, fee_bps: U256) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if fee_bps > U256::from(MAX_FEE_BPS) {
            return Err(FeeAboveMaximum {
                fee_bps,
                max_fee_bps: U256::from(MAX_FEE_BPS),
            }
            .into());
        }
        self.fee_bps.set(fee_bps);
        lrt_common::emit!(self.vm(), FeeSet { ; fee_bps: fee_bps });
        Ok(())
    }

    /// Sets the treasury. Admin only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`].
    ///
    /// # Events
    /// `TreasurySet`.
    pub fn set_treasury(&mut self, treasury: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if treasury.is_zero() {
            return Err(InvalidAddress { account: treasury }.into());
        }
        self.treasury.set(treasury);
        lrt_common::emit!(self.vm(), TreasurySet { treasury: treasury; });
        Ok(())
    }

    /// Sets the per-report reward bound (at most `MAX_REWARD_BPS`) and the
    /// minimum interval between reports. Admin only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::RewardBoundAboveMaximum`].
    ///
    /// # Events
    /// `RewardLimitsSet`.
    pub fn set_reward_limits(
        &mut self,
        max_reward_bps: U256,
        min_report_interval: u64,
    ) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if max_reward_bps > U256::from(MAX_REWARD_BPS) {
            return Err(RewardBoundAboveMaximum {
                max_reward_bps,
                limit: U256::from(MAX_REWARD_BPS),
            }
            .into());
        }
        self.max_reward_bps.set(max_reward_bps);
        self.min_report_interval.set(U64::from(min_report_interval));
        lrt_common::emit!(self.vm(), RewardLimitsSet { ; max_reward_bps: max_reward_bps, min_report_interval: min_report_interval });
        Ok(())
    }

    /// Sets the minimum deposit (in ETH value) and the global cap on total
    /// assets. Asset managers only. A cap below total assets only stops new
    /// deposits.
    ///
    /// # Errors
    /// [`Error::Access`].
    ///
    /// # Events
    /// `DepositLimitsSet`.
    pub fn set_deposit_limits(&mut self, min_deposit: U256, total_cap: U256) -> Result<(), Error> {
        self.roles
            .check(ASSET_MANAGER_ROLE, self.vm().msg_sender())?;
        // Limits beyond 2^128 wei (~3.4e20 ETH) cannot bind: stored as "none".
        let clamp = |x: U256| narrow(x).unwrap_or(U128::MAX);
        self.min_deposit.set(clamp(min_deposit));
        self.total_cap.set(clamp(total_cap));
        lrt_common::emit!(self.vm(), DepositLimitsSet { ; min_deposit: min_deposit, total_cap: total_cap });
        Ok(())
    }

    /// Pauses or unpauses deposits. Pausers may pause; only the admin may
    /// unpause, so a compromised pauser key can stop the protocol but not
    /// restart it.
    ///
    /// # Errors
    /// [`Error::Access`].
    ///
    /// # Events
    /// `DepositsPauseSet`.
    pub fn set_deposits_paused(&mut self, paused: bool) -> Result<(), Error> {
        self.check_pause_role(paused)?;
        self.deposits_paused.set(paused);
        lrt_common::emit!(self.vm(), DepositsPauseSet { ; paused: paused });
        Ok(())
    }

    /// Pauses or unpauses withdrawals (requests and finalization in the
    /// queue). Pausers may pause; only the admin may unpause.
    ///
    /// # Errors
    /// [`Error::Access`].
    ///
    /// # Events
    /// `WithdrawalsPauseSet`.
    pub fn set_withdrawals_paused(&mut self, paused: bool) -> Result<(), Error> {
        self.check_pause_role(paused)?;
        self.withdrawals_paused.set(paused);
        lrt_common::emit!(self.vm(), WithdrawalsPauseSet { ; paused: paused });
        Ok(())
    }

    // ----- Views -----

    /// Total assets in ETH: idle ETH plus every held asset at its accepted rate.
    pub fn total_assets(&self) -> U256 {
        from_u128(self.total_value.get())
    }

    /// Shares worth `assets` ETH now, rounded down.
    ///
    /// # Errors
    /// [`Error::MathOverflow`] and the token's errors.
    pub fn convert_to_shares(&self, assets: U256) -> Result<U256, Error> {
        to_shares(assets, self.total_assets(), self.supply()?, Rounding::Down).ok_or_else(overflow)
    }

    /// ETH behind `shares` now, rounded down.
    ///
    /// # Errors
    /// [`Error::MathOverflow`] and the token's errors.
    pub fn convert_to_assets(&self, shares: U256) -> Result<U256, Error> {
        to_assets(shares, self.total_assets(), self.supply()?, Rounding::Down).ok_or_else(overflow)
    }

    /// ETH per lrETH, 1e18 = 1:1: the rate lending markets and AMMs read.
    ///
    /// # Errors
    /// As [`Self::convert_to_assets`].
    pub fn get_rate(&self) -> Result<U256, Error> {
        self.convert_to_assets(WAD)
    }

    /// Shares a deposit of `amount` of `asset` (ETH as
    /// `0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE`) would mint now, assuming
    /// all of it arrives. Ignores pauses and caps (see `maxDeposit`).
    ///
    /// # Errors
    /// The registry's rate errors, [`Error::AssetDisabled`],
    /// [`Error::NoBackingAssets`], [`Error::MathOverflow`].
    pub fn preview_deposit(&self, asset: Address, amount: U256) -> Result<U256, Error> {
        self.check_rates_usable()?;
        let supply = self.supply()?;
        let (value, total) = if asset == ETH {
            (amount, self.total_assets())
        } else {
            let (rate, _, enabled) = self.registry_rate(asset)?;
            if !enabled {
                return Err(AssetDisabled { asset }.into());
            }
            let value = mul_div(amount, rate, WAD, Rounding::Down).ok_or_else(overflow)?;
            (value, self.total_assets_at(asset, rate)?)
        };
        if !supply.is_zero() && total.is_zero() {
            return Err(NoBackingAssets { supply }.into());
        }
        to_shares(value, total, supply, Rounding::Down).ok_or_else(overflow)
    }

    /// Most of `asset` a deposit may bring now: zero while deposits are
    /// paused or the asset is disabled or its rate is unusable, otherwise
    /// what the global cap and the asset's cap leave room for.
    pub fn max_deposit(&self, asset: Address, receiver: Address) -> U256 {
        let _ = receiver; // No per-receiver limits.
        if self.deposits_paused.get() || self.unusable_rates.get() != U64::ZERO {
            return U256::ZERO;
        }
        let room = from_u128(self.total_cap.get()).saturating_sub(self.total_assets());
        if asset == ETH {
            return room;
        }
        let Ok((rate, cap, true)) = self.registry_rate(asset) else {
            return U256::ZERO;
        };
        let room_in_units = mul_div(room, WAD, rate, Rounding::Down).unwrap_or(U256::MAX);
        let book = self.book(asset);
        room_in_units.min(cap.saturating_sub(book.idle.saturating_add(book.delegated)))
    }

    /// ETH that redeeming `shares` is worth now, rounded down (the same
    /// figure as `convertToAssets`). Redemption is asynchronous: a request
    /// pays the lower of this value at request time and at finalization, so
    /// this is an upper bound on what a request made now pays.
    ///
    /// # Errors
    /// As [`Self::convert_to_assets`].
    pub fn preview_redeem(&self, shares: U256) -> Result<U256, Error> {
        self.convert_to_assets(shares)
    }

    /// ERC-4626's `maxDeposit(receiver)`: most ETH a deposit may bring now
    /// (the per-asset form with ETH as the asset).
    #[selector(name = "maxDeposit")]
    pub fn max_deposit_eth(&self, receiver: Address) -> U256 {
        self.max_deposit(ETH, receiver)
    }

    /// When the valuation of total assets last moved or was confirmed: the
    /// last reward report, slash or check of an asset's rate, or the
    /// vault's construction.
    pub fn valuation_updated_at(&self) -> u64 {
        self.valuation_updated_at.get().to::<u64>()
    }

    /// ERC-165: the vault implements ERC-165 and Balancer's `IRateProvider`
    /// (`getRate`). See abi/README.md for the ERC-4626/7575 views it has
    /// and why it does not claim those ids.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        supports(interface_id, &[ERC165, RATE_PROVIDER])
    }

    /// The lrETH token (ERC-7575's `share()`).
    pub fn share(&self) -> Address {
        self.token.get()
    }

    /// The vault's unit of account, native ETH (ERC-7535's `asset()`).
    pub fn asset(&self) -> Address {
        ETH
    }

    /// The asset registry.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The vault's holdings of `asset` (ETH included): units idle in the
    /// vault, units delegated to operators, the rate they are valued at
    /// (1e18 for ETH), their value in ETH, and units reserved for finalized
    /// withdrawals (outside total assets).
    pub fn asset_totals(&self, asset: Address) -> (U256, U256, U256, U256, U256) {
        let book = self.book(asset);
        (
            book.idle,
            book.delegated,
            book.rate,
            self.stored_value(asset),
            from_u128(self.books.getter(asset).reserved.get()),
        )
    }

    /// What a withdrawal of `asset` is priced at, in one call (the queue's
    /// request and finalization each read it once, rather than the pause
    /// flag, total assets and the book apart): whether withdrawals are
    /// closed (as `withdrawalsPaused`), total assets, and the book's idle
    /// units, rate (1e18 for ETH) and value in ETH (as `assetTotals`).
    pub fn withdrawal_totals(&self, asset: Address) -> (bool, U256, U256, U256, U256) {
        let book = self.book(asset);
        (
            self.withdrawals_paused(),
            self.total_assets(),
            book.idle,
            book.rate,
            self.stored_value(asset),
        )
    }

    /// The restaking layer and the withdrawal queue (zero until linked).
    pub fn links(&self) -> (Address, Address) {
        (self.restaking_layer.get(), self.withdrawal_queue.get())
    }

    /// The treasury.
    pub fn treasury(&self) -> Address {
        self.treasury.get()
    }

    /// The protocol fee, in basis points of rewards.
    pub fn fee_bps(&self) -> U256 {
        self.fee_bps.get()
    }

    /// The per-report reward bound (bps of total assets) and the minimum
    /// seconds between reports, and when the last report arrived.
    pub fn reward_limits(&self) -> (U256, u64, u64) {
        (
            self.max_reward_bps.get(),
            self.min_report_interval.get().to::<u64>(),
            self.last_report_at.get().to::<u64>(),
        )
    }

    /// The minimum deposit (ETH value) and the global cap on total assets.
    pub fn deposit_limits(&self) -> (U256, U256) {
        (
            wide_cap(self.min_deposit.get()),
            wide_cap(self.total_cap.get()),
        )
    }

    /// Whether deposits are paused.
    pub fn deposits_paused(&self) -> bool {
        self.deposits_paused.get()
    }

    /// Whether withdrawals (requests and finalization) are closed: paused,
    /// or an asset's rate is unusable, which closes them as it closes
    /// deposits (the queue reads this flag before it prices shares).
    pub fn withdrawals_paused(&self) -> bool {
        self.withdrawals_paused.get() || self.unusable_rates.get() != U64::ZERO
    }
}

impl Vault {
    /// Checks a deposit worth `value` ETH for `receiver` and returns the
    /// shares it mints at the current books.
    fn price_deposit(
        &self,
        value: U256,
        receiver: Address,
        min_shares: U256,
    ) -> Result<U256, Error> {
        if self.deposits_paused.get() {
            return Err(DepositsPaused {}.into());
        }
        self.check_rates_usable()?;
        if value.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        if receiver.is_zero() {
            return Err(InvalidAddress { account: receiver }.into());
        }
        let minimum = from_u128(self.min_deposit.get());
        if value < minimum {
            return Err(BelowMinimumDeposit { value, minimum }.into());
        }
        let total = self.total_assets();
        let total_after = total.checked_add(value).ok_or_else(overflow)?;
        let cap = from_u128(self.total_cap.get());
        if total_after > cap {
            return Err(TotalCapExceeded { total_after, cap }.into());
        }
        let supply = self.supply()?;
        if !supply.is_zero() && total.is_zero() {
            return Err(NoBackingAssets { supply }.into());
        }
        let shares = to_shares(value, total, supply, Rounding::Down).ok_or_else(overflow)?;
        if shares.is_zero() {
            return Err(ZeroShares {}.into());
        }
        if shares < min_shares {
            return Err(SlippageExceeded { shares, min_shares }.into());
        }
        Ok(shares)
    }

    fn finish_deposit(
        &mut self,
        asset: Address,
        receiver: Address,
        amount: U256,
        value: U256,
        shares: U256,
    ) -> Result<U256, Error> {
        self.mint(receiver, shares)?;
        let sender = self.vm().msg_sender();
        lrt_common::emit!(self.vm(), Deposit { sender: sender, receiver: receiver, asset: asset; amount: amount, value: value, shares: shares });
        Ok(shares)
    }

    /// Pulls `amount` of `asset` from the caller and returns what arrived
    /// (at most `amount`; see `lrt_common::transfer::pull`).
    fn pull_tokens(&mut self, asset: Address, amount: U256) -> Result<U256, Error> {
        let sender = self.vm().msg_sender();
        let received = pull(self.vm(), asset, sender, amount)?;
        if received.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        Ok(received)
    }

    /// Accepts the registry's fresh rate for `asset` and revalues the book.
    fn refresh_book(&mut self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let calldata = encode_words(refreshRateCall::SELECTOR, &[asset.word()]);
        let answer = rate_answer(&call(self.registry.get(), U256::ZERO, &calldata)?)?;
        let mut book = self.book(asset);
        book.rate = answer.0;
        self.store_book(asset, &book)?;
        self.mark_valuation();
        Ok(answer)
    }

    /// Records that the valuation moved or was confirmed now; emits
    /// `ValuationUpdated` once per timestamp.
    fn mark_valuation(&mut self) {
        let now = self.vm().block_timestamp();
        if self.valuation_updated_at.get() != U64::from(now) {
            self.valuation_updated_at.set(U64::from(now));
            lrt_common::emit!(self.vm(), ValuationUpdated { ; updated_at: now });
        }
    }

    /// Reads `asset`'s book; ETH is always valued at 1.
    fn book(&self, asset: Address) -> Book {
        let book = self.books.getter(asset);
        let rate = if asset == ETH {
            WAD
        } else {
            from_u128(book.rate.get())
        };
        Book {
            idle: from_u128(book.idle.get()),
            delegated: from_u128(book.delegated.get()),
            rate,
        }
    }

    /// `asset`'s part of total assets as last stored: ETH's units, an
    /// LST's stored value.
    fn stored_value(&self, asset: Address) -> U256 {
        let book = self.books.getter(asset);
        if asset == ETH {
            from_u128(book.idle.get()) + from_u128(book.delegated.get())
        } else {
            from_u128(book.value.get())
        }
    }

    /// Writes `asset`'s book, revalues it and keeps total assets in step.
    /// Returns the value the book lost (zero if it gained).
    fn store_book(&mut self, asset: Address, book: &Book) -> Result<U256, Error> {
        let units = book.idle.checked_add(book.delegated).ok_or_else(overflow)?;
        let old_value = self.stored_value(asset);
        let mut stored = self.books.setter(asset);
        stored.idle.set(narrow(book.idle)?);
        stored.delegated.set(narrow(book.delegated)?);
        let (value, old_rate) = if asset == ETH {
            (units, WAD)
        } else {
            let value = mul_div(units, book.rate, WAD, Rounding::Down).ok_or_else(overflow)?;
            let old_rate = from_u128(stored.rate.get());
            stored.rate.set(narrow(book.rate)?);
            stored.value.set(narrow(value)?);
            (value, old_rate)
        };
        // The total is the sum of the books' values, so it holds `old_value`.
        let total = from_u128(self.total_value.get()) - old_value;
        self.total_value
            .set(narrow(total.checked_add(value).ok_or_else(overflow)?)?);
        if asset != ETH && book.rate != old_rate {
            lrt_common::emit!(self.vm(), AssetRevalued { asset: asset; rate: book.rate, value: value });
        }
        Ok(old_value.saturating_sub(value))
    }

    /// Total assets if `asset` were revalued at `rate`.
    fn total_assets_at(&self, asset: Address, rate: U256) -> Result<U256, Error> {
        let book = self.book(asset);
        let units = book.idle.checked_add(book.delegated).ok_or_else(overflow)?;
        let value = mul_div(units, rate, WAD, Rounding::Down).ok_or_else(overflow)?;
        (self.total_assets() - self.stored_value(asset))
            .checked_add(value)
            .ok_or_else(overflow)
    }

    /// Fails unless the caller is `contract` (a linked contract, never zero).
    fn only(&self, contract: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if contract.is_zero() || caller != contract {
            return Err(NotAuthorizedContract { caller }.into());
        }
        Ok(())
    }

    fn registry_rate(&self, asset: Address) -> Result<(U256, U256, bool), Error> {
        let calldata = encode_words(currentRateCall::SELECTOR, &[asset.word()]);
        rate_answer(&static_call(self.registry.get(), &calldata)?)
    }

    fn supply(&self) -> Result<U256, Error> {
        let calldata = encode_words(totalSupplyCall::SELECTOR, &[]);
        let data = static_call(self.token.get(), &calldata)?;
        if data.len() < 32 {
            return Err(ExternalRevert(Vec::new()).into());
        }
        Ok(first_word(&data))
    }

    fn mint(&mut self, to: Address, shares: U256) -> Result<(), Error> {
        let calldata = encode_words(mintCall::SELECTOR, &[to.word(), shares.word()]);
        call(self.token.get(), U256::ZERO, &calldata)?;
        Ok(())
    }

    /// Fails while any asset's rate is unusable.
    fn check_rates_usable(&self) -> Result<(), Error> {
        let count = self.unusable_rates.get();
        if count != U64::ZERO {
            return Err(RatesUnusable {
                unusable_assets: U256::from(count),
            }
            .into());
        }
        Ok(())
    }

    fn set_unusable_rates(&mut self, count: U256) {
        let count = U64::saturating_from(count);
        if self.unusable_rates.get() != count {
            self.unusable_rates.set(count);
            lrt_common::emit!(self.vm(), UnusableRatesSet { ; unusable_assets: U256::from(count) });
        }
    }

    fn check_pause_role(&self, pausing: bool) -> Result<(), Error> {
        let role = if pausing { PAUSER_ROLE } else { ADMIN_ROLE };
        Ok(self.roles.check(role, self.vm().msg_sender())?)
    }
}

lrt_common::public_roles!(Vault, roles);

#[cfg(test)]
mod tests;
