//! The built-in restaking layer: custody of delegated stake, unbonding and
//! slashing, for the operators the operator registry allow-lists.
//!
//! The vault delegates through `onDelegate` (ETH as value, tokens pulled from
//! the vault) and this contract holds the stake. Undelegation starts an
//! unbonding entry that anyone may complete once due; completion hands the
//! assets back to the vault (`onStakeReturned`). An operator's slasher may
//! slash it: the loss is cut pro rata from every asset of the operator, active
//! and unbonding alike, sent to the slash recipient, and reported to the vault
//! (`onStakeSlashed`), whose total assets fall at once — every lrETH holder
//! bears it in proportion.
//!
//! Unbonding stake of an (operator, asset) pair is a pool: each entry holds
//! shares of it, so a slash cuts the pool once and every pending entry in
//! proportion, without a loop over entries. A slash that empties a pool
//! starts a new generation of it; entries of an older generation are worth
//! nothing.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256, U64};
use alloy_sol_types::SolCall;
use lrt_common::{
    abi::{encode_words, Word},
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::{DELEGATION_MANAGER_ROLE, ETH, WAD},
    external::{call, first_word, static_call, ExternalRevert},
    interfaces::{
        assetTotalsCall, onStakeReturnedCall, onStakeSlashedCall, operatorCall, OPERATOR_ACTIVE,
        OPERATOR_PAUSED, OPERATOR_REMOVED,
    },
    math::{mul_div, Rounding},
    transfer::{
        pull, safe_approve, safe_transfer, send_eth, EthTransferFailed, TokenTransferFailed,
    },
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageVec},
};

/// Most distinct assets the layer tracks (ETH plus the registry's maximum).
pub const MAX_ASSETS: u64 = 17;
/// Longest unbonding delay the admin may set: 60 days.
pub const MAX_UNBONDING_DELAY: u64 = 60 * 86_400;

lrt_common::sol_declarations! {
    /// The operator is not registered.
    #[derive(Debug)]
    error UnknownOperator(address operator);
    /// The operator is paused: it takes no new stake.
    #[derive(Debug)]
    error OperatorPaused(address operator);
    /// The operator was removed.
    #[derive(Debug)]
    error OperatorRemoved(address operator);
    /// The delegation would take the operator's stake above its cap.
    #[derive(Debug)]
    error OperatorCapExceeded(address operator, uint256 stake_value_after, uint256 cap);
    /// The operator has less active stake of the asset than asked.
    #[derive(Debug)]
    error InsufficientStake(address operator, address asset, uint256 active, uint256 amount);
    /// The unbonding entry does not exist.
    #[derive(Debug)]
    error UnknownEntry(uint256 id);
    /// The unbonding entry was completed already.
    #[derive(Debug)]
    error EntryCompleted(uint256 id);
    /// The unbonding entry is not due yet.
    #[derive(Debug)]
    error UnbondingNotDue(uint256 id, uint64 complete_at, uint64 now);
    /// Only the operator's slasher may slash it.
    #[derive(Debug)]
    error NotSlasher(address caller, address operator);
    /// The operator has nothing to slash.
    #[derive(Debug)]
    error NothingToSlash(address operator);
    /// Only the vault may call this.
    #[derive(Debug)]
    error NotVault(address caller);
    /// An amount of zero was given.
    #[derive(Debug)]
    error ZeroAmount();
    /// An address argument was zero.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// The ETH sent differs from the amount.
    #[derive(Debug)]
    error ValueMismatch(uint256 amount, uint256 value);
    /// The unbonding delay exceeds `MAX_UNBONDING_DELAY`.
    #[derive(Debug)]
    error DelayTooLong(uint64 delay, uint64 max);
    /// The layer tracks `MAX_ASSETS` assets already.
    #[derive(Debug)]
    error TooManyAssets(uint256 max);
    /// A result did not fit in 256 bits.
    #[derive(Debug)]
    error MathOverflow();

    /// `received` units of `asset` were delegated to `operator`.
    #[derive(Debug)]
    event StakeDelegated(address indexed operator, address indexed asset, uint256 received);
    /// Entry `id` started unbonding `amount` of `asset` from `operator`, due at `complete_at`.
    #[derive(Debug)]
    event UnbondingStarted(uint256 indexed id, address indexed operator, address indexed asset, uint256 amount, uint64 complete_at);
    /// Entry `id` completed and returned `amount` of `asset` to the vault.
    #[derive(Debug)]
    event UnbondingCompleted(uint256 indexed id, address indexed operator, address indexed asset, uint256 amount);
    /// `slasher` slashed `operator` by `value_lost` ETH (`requested` asked) for `evidence`.
    #[derive(Debug)]
    event OperatorSlashed(address indexed operator, address indexed slasher, bytes32 indexed evidence, uint256 requested, uint256 value_lost);
    /// `amount` of `asset` was cut from `operator` (`from_unbonding` of it from unbonding stake).
    #[derive(Debug)]
    event StakeCut(address indexed operator, address indexed asset, uint256 amount, uint256 from_unbonding);
    /// Slashed assets now go to `recipient`.
    #[derive(Debug)]
    event SlashRecipientSet(address indexed recipient);
    /// Undelegations now take `delay` seconds.
    #[derive(Debug)]
    event UnbondingDelaySet(uint64 delay);
}

lrt_common::errors! {
    /// Why a delegation call failed.
    pub enum Error {
        /// See [`UnknownOperator`].
        UnknownOperator(UnknownOperator { operator }),
        /// See [`OperatorPaused`].
        OperatorPaused(OperatorPaused { operator }),
        /// See [`OperatorRemoved`].
        OperatorRemoved(OperatorRemoved { operator }),
        /// See [`OperatorCapExceeded`].
        OperatorCapExceeded(OperatorCapExceeded { operator, stake_value_after, cap }),
        /// See [`InsufficientStake`].
        InsufficientStake(InsufficientStake { operator, asset, active, amount }),
        /// See [`UnknownEntry`].
        UnknownEntry(UnknownEntry { id }),
        /// See [`EntryCompleted`].
        EntryCompleted(EntryCompleted { id }),
        /// See [`UnbondingNotDue`].
        UnbondingNotDue(UnbondingNotDue { id, complete_at, now }),
        /// See [`NotSlasher`].
        NotSlasher(NotSlasher { caller, operator }),
        /// See [`NothingToSlash`].
        NothingToSlash(NothingToSlash { operator }),
        /// See [`NotVault`].
        NotVault(NotVault { caller }),
        /// See [`ZeroAmount`].
        ZeroAmount(ZeroAmount {}),
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`ValueMismatch`].
        ValueMismatch(ValueMismatch { amount, value }),
        /// See [`DelayTooLong`].
        DelayTooLong(DelayTooLong { delay, max }),
        /// See [`TooManyAssets`].
        TooManyAssets(TooManyAssets { max }),
        /// See [`MathOverflow`].
        MathOverflow(MathOverflow {}),
        /// A token transfer failed.
        TransferFailed(TokenTransferFailed { token }),
        /// Sending ETH failed.
        EthTransferFailed(EthTransferFailed { to, amount }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// A call to the vault reverted; its revert data is passed on.
        External(ExternalRevert),
    }
}

fn overflow() -> Error {
    MathOverflow {}.into()
}

/// An operator's stake of one asset.
#[storage]
pub struct Stake {
    /// Units delegated and not unbonding.
    active: StorageU256,
    /// Units in the unbonding pool.
    unbonding: StorageU256,
    /// Shares of the unbonding pool held by pending entries.
    unbonding_shares: StorageU256,
    /// Bumped when a slash empties the pool: older entries are worth nothing.
    generation: StorageU64,
}

/// One undelegation.
#[storage]
pub struct Entry {
    /// Whose stake.
    operator: StorageAddress,
    /// Which asset.
    asset: StorageAddress,
    /// Shares of the (operator, asset) unbonding pool.
    shares: StorageU256,
    /// The pool generation the shares belong to.
    generation: StorageU64,
    /// When the entry may be completed.
    complete_at: StorageU64,
    /// Whether it was completed.
    completed: StorageBool,
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function onDelegate(address operator, address asset, uint256 amount, uint256 rate) external payable returns (uint256 received);
    function undelegate(address operator, address asset, uint256 amount) external returns (uint256 id);
    function completeUnbonding(uint256 id) external returns (uint256 amount);
    function slash(address operator, uint256 amount, bytes32 evidence) external returns (uint256 valueLost);
    function stakeOf(address operator, address asset) external view returns (uint256 active, uint256 unbonding);
    function operatorStakeValue(address operator) external view returns (uint256 value);
    function unbondingEntry(uint256 id) external view returns (address operator, address asset, uint256 amount, uint64 dueAt, bool completed);
    function config() external view returns (address vault, address operatorRegistry, address slashRecipient, uint64 unbondingDelay);
",
    declarations: [lrt_common::transfer::SOL_DECLARATIONS],
}

/// The delegation contract's storage.
#[entrypoint]
#[storage]
pub struct Delegation {
    /// Admin, operator managers, delegation managers.
    roles: Roles,
    /// The vault whose assets this layer holds.
    vault: StorageAddress,
    /// The operator allow-list.
    operator_registry: StorageAddress,
    /// Where slashed assets go.
    slash_recipient: StorageAddress,
    /// Seconds an undelegation takes.
    unbonding_delay: StorageU64,
    /// Assets ever delegated, for the bounded loops of slashing and removal.
    assets: StorageVec<StorageAddress>,
    /// Whether an asset is in `assets`.
    asset_tracked: StorageMap<Address, StorageBool>,
    /// The last rate (ETH per unit, 1e18) the vault valued each asset at.
    rates: StorageMap<Address, StorageU256>,
    /// Units of each asset held for all operators (active + unbonding).
    total_stake: StorageMap<Address, StorageU256>,
    /// operator → asset → stake.
    stakes: StorageMap<Address, StorageMap<Address, Stake>>,
    /// Unbonding entries; the id is the index.
    entries: StorageVec<Entry>,
}

#[public]
#[implements(IRoles)]
impl Delegation {
    /// Links the layer to `vault` and `operator_registry` and sets the
    /// admin, the slash recipient and the unbonding delay.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`], [`Error::DelayTooLong`].
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        vault: Address,
        operator_registry: Address,
        slash_recipient: Address,
        unbonding_delay: u64,
    ) -> Result<(), Error> {
        for account in [vault, operator_registry, slash_recipient] {
            if account.is_zero() {
                return Err(InvalidAddress { account }.into());
            }
        }
        check_delay(unbonding_delay)?;
        self.roles.init(admin)?;
        self.vault.set(vault);
        self.operator_registry.set(operator_registry);
        self.slash_recipient.set(slash_recipient);
        self.unbonding_delay.set(U64::from(unbonding_delay));
        Ok(())
    }

    // ----- Configuration -----

    /// Sets where slashed assets go (a burn address will do). Admin only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`].
    ///
    /// # Events
    /// `SlashRecipientSet`.
    pub fn set_slash_recipient(&mut self, recipient: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if recipient.is_zero() {
            return Err(InvalidAddress { account: recipient }.into());
        }
        self.slash_recipient.set(recipient);
        lrt_common::emit!(self.vm(), SlashRecipientSet { recipient: recipient; });
        Ok(())
    }

    /// Sets the unbonding delay of future undelegations. Admin only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::DelayTooLong`].
    ///
    /// # Events
    /// `UnbondingDelaySet`.
    pub fn set_unbonding_delay(&mut self, delay: u64) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        check_delay(delay)?;
        self.unbonding_delay.set(U64::from(delay));
        lrt_common::emit!(self.vm(), UnbondingDelaySet { ; delay: delay });
        Ok(())
    }

    // ----- Delegation -----

    /// Takes custody of `amount` of `asset` from the vault for `operator`
    /// (ETH as the call's value; tokens pulled from the vault, which approved
    /// them) and returns the units received. The vault only; the operator
    /// must be active and stay within its cap, valued at the vault's `rate`
    /// for `asset` (ETH per unit, 1e18) and its last rates for the others.
    ///
    /// # Errors
    /// [`Error::NotVault`], [`Error::UnknownOperator`],
    /// [`Error::OperatorPaused`], [`Error::OperatorRemoved`],
    /// [`Error::ValueMismatch`], [`Error::ZeroAmount`],
    /// [`Error::OperatorCapExceeded`], [`Error::TooManyAssets`],
    /// [`Error::TransferFailed`].
    ///
    /// # Events
    /// `StakeDelegated`.
    #[payable]
    pub fn on_delegate(
        &mut self,
        operator: Address,
        asset: Address,
        amount: U256,
        rate: U256,
    ) -> Result<U256, Error> {
        let vault = self.vault.get();
        let caller = self.vm().msg_sender();
        if caller != vault {
            return Err(NotVault { caller }.into());
        }
        let (status, _, cap) = self.operator(operator)?;
        match status {
            OPERATOR_ACTIVE => {}
            OPERATOR_PAUSED => return Err(OperatorPaused { operator }.into()),
            OPERATOR_REMOVED => return Err(OperatorRemoved { operator }.into()),
            _ => return Err(UnknownOperator { operator }.into()),
        }
        let value = self.vm().msg_value();
        let received = if asset == ETH {
            if value != amount {
                return Err(ValueMismatch { amount, value }.into());
            }
            amount
        } else {
            if !value.is_zero() {
                return Err(ValueMismatch {
                    amount: U256::ZERO,
                    value,
                }
                .into());
            }
            pull(self.vm(), asset, self.vault.get(), amount)?
        };
        if received.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        self.track(asset)?;
        if asset != ETH {
            self.rates.setter(asset).set(rate);
        }

        let added_value =
            mul_div(received, self.rate(asset), WAD, Rounding::Up).ok_or_else(overflow)?;
        let stake_value_after = self
            .stake_value(operator)?
            .checked_add(added_value)
            .ok_or_else(overflow)?;
        if stake_value_after > cap {
            return Err(OperatorCapExceeded {
                operator,
                stake_value_after,
                cap,
            }
            .into());
        }
        let active = self.stakes.getter(operator).getter(asset).active.get();
        self.stakes
            .setter(operator)
            .setter(asset)
            .active
            .set(active + received);
        self.add_total(asset, received, true)?;
        lrt_common::emit!(self.vm(), StakeDelegated { operator: operator, asset: asset; received: received });
        Ok(received)
    }

    /// Starts unbonding `amount` of `operator`'s active `asset` stake; it
    /// returns to the vault once the unbonding delay has passed, and stays
    /// slashable until then. Delegation managers only. Returns the entry id.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`], [`Error::ZeroAmount`],
    /// [`Error::InsufficientStake`].
    ///
    /// # Events
    /// `UnbondingStarted`.
    pub fn undelegate(
        &mut self,
        operator: Address,
        asset: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        self.roles
            .check(DELEGATION_MANAGER_ROLE, self.vm().msg_sender())?;
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let stakes = self.stakes.getter(operator);
        let stake = stakes.getter(asset);
        let (active, pool, pool_shares, mut generation) = (
            stake.active.get(),
            stake.unbonding.get(),
            stake.unbonding_shares.get(),
            stake.generation.get(),
        );
        if active < amount {
            return Err(InsufficientStake {
                operator,
                asset,
                active,
                amount,
            }
            .into());
        }
        let (shares, pool_shares) = if pool.is_zero() {
            // An empty pool (never used, fully paid out, or emptied by a
            // slash) starts afresh; entries left in it are worth nothing.
            if !pool_shares.is_zero() {
                generation += U64::from(1);
            }
            (amount, amount)
        } else {
            let shares = mul_div(amount, pool_shares, pool, Rounding::Down).ok_or_else(overflow)?;
            if shares.is_zero() {
                // Too small to own any of the pool: it would be a gift to
                // the other entries.
                return Err(ZeroAmount {}.into());
            }
            (shares, pool_shares + shares)
        };
        let now = self.vm().block_timestamp();
        let complete_at = now.saturating_add(self.unbonding_delay.get().to::<u64>());
        let mut stakes = self.stakes.setter(operator);
        let mut stake = stakes.setter(asset);
        stake.active.set(active - amount);
        stake.unbonding.set(pool + amount);
        stake.unbonding_shares.set(pool_shares);
        stake.generation.set(generation);

        let id = U256::from(self.entries.len());
        let mut entry = self.entries.grow();
        entry.operator.set(operator);
        entry.asset.set(asset);
        entry.shares.set(shares);
        entry.generation.set(generation);
        entry.complete_at.set(U64::from(complete_at));
        lrt_common::emit!(self.vm(), UnbondingStarted { id: id, operator: operator, asset: asset; amount: amount, complete_at: complete_at });
        Ok(id)
    }

    /// Completes unbonding entry `id` once due and returns what is left of it
    /// (after any slash) to the vault's idle buffer. Anyone may call it.
    /// Returns the amount returned.
    ///
    /// # Errors
    /// [`Error::UnknownEntry`], [`Error::EntryCompleted`],
    /// [`Error::UnbondingNotDue`], [`Error::TransferFailed`]; the vault's
    /// errors.
    ///
    /// # Events
    /// `UnbondingCompleted`, and the vault's `StakeReturned`.
    pub fn complete_unbonding(&mut self, id: U256) -> Result<U256, Error> {
        let Some(entry) = self.entries.get(id) else {
            return Err(UnknownEntry { id }.into());
        };
        if entry.completed.get() {
            return Err(EntryCompleted { id }.into());
        }
        let (operator, asset, shares, generation) = (
            entry.operator.get(),
            entry.asset.get(),
            entry.shares.get(),
            entry.generation.get(),
        );
        let complete_at = entry.complete_at.get().to::<u64>();
        let now = self.vm().block_timestamp();
        if now < complete_at {
            return Err(UnbondingNotDue {
                id,
                complete_at,
                now,
            }
            .into());
        }
        let (amount, pool, pool_shares) = self.entry_value(operator, asset, shares, generation);
        if let Some(mut entry) = self.entries.setter(id) {
            entry.completed.set(true);
        }
        if generation == self.stakes.getter(operator).getter(asset).generation.get() {
            let mut stakes = self.stakes.setter(operator);
            let mut stake = stakes.setter(asset);
            stake.unbonding.set(pool - amount);
            stake.unbonding_shares.set(pool_shares - shares);
        }
        if !amount.is_zero() {
            self.add_total(asset, amount, false)?;
            let vault = self.vault.get();
            let value = if asset == ETH {
                amount
            } else {
                safe_approve(self.vm(), asset, vault, amount)?;
                U256::ZERO
            };
            let calldata = encode_words(
                onStakeReturnedCall::SELECTOR,
                &[asset.word(), amount.word()],
            );
            call(vault, value, &calldata)?;
        }
        lrt_common::emit!(self.vm(), UnbondingCompleted { id: id, operator: operator, asset: asset; amount: amount });
        Ok(amount)
    }

    // ----- Slashing -----

    /// Slashes `operator` by `amount` ETH of value, capped at its whole
    /// stake. Only the operator's slasher. Every asset of the operator,
    /// active and unbonding, is cut in the same proportion; the cut assets go
    /// to the slash recipient and the vault writes them off, so the loss
    /// reaches every lrETH holder at once. Returns the value lost.
    ///
    /// # Errors
    /// [`Error::UnknownOperator`], [`Error::OperatorRemoved`],
    /// [`Error::NotSlasher`], [`Error::ZeroAmount`],
    /// [`Error::NothingToSlash`], [`Error::TransferFailed`],
    /// [`Error::EthTransferFailed`]; the vault's errors.
    ///
    /// # Events
    /// `StakeCut` per asset, `OperatorSlashed`, and the vault's `StakeSlashed`.
    pub fn slash(
        &mut self,
        operator: Address,
        amount: U256,
        evidence: B256,
    ) -> Result<U256, Error> {
        let (status, slasher, _) = self.operator(operator)?;
        match status {
            OPERATOR_ACTIVE | OPERATOR_PAUSED => {}
            OPERATOR_REMOVED => return Err(OperatorRemoved { operator }.into()),
            _ => return Err(UnknownOperator { operator }.into()),
        }
        let caller = self.vm().msg_sender();
        if caller != slasher {
            return Err(NotSlasher { caller, operator }.into());
        }
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        // Value the stake at the vault's current rates.
        let vault = self.vault.get();
        for i in 0..self.assets.len() {
            let asset = self.assets.get(i).unwrap_or_default();
            if asset != ETH {
                let calldata = encode_words(assetTotalsCall::SELECTOR, &[asset.word()]);
                let answer = static_call(vault, &calldata)?;
                let rate = answer.get(64..96).map_or(U256::ZERO, U256::from_be_slice);
                self.rates.setter(asset).set(rate);
            }
        }
        let stake_value = self.stake_value(operator)?;
        if stake_value.is_zero() {
            return Err(NothingToSlash { operator }.into());
        }
        let take = amount.min(stake_value);
        let recipient = self.slash_recipient.get();
        let mut value_lost = U256::ZERO;
        for i in 0..self.assets.len() {
            let asset = self.assets.get(i).unwrap_or_default();
            let cut = self.cut(operator, asset, take, stake_value)?;
            if cut.is_zero() {
                continue;
            }
            self.add_total(asset, cut, false)?;
            if asset == ETH {
                send_eth(recipient, cut)?;
            } else {
                safe_transfer(self.vm(), asset, recipient, cut)?;
            }
            let calldata = encode_words(onStakeSlashedCall::SELECTOR, &[asset.word(), cut.word()]);
            let lost = first_word(&call(vault, U256::ZERO, &calldata)?);
            value_lost = value_lost.checked_add(lost).ok_or_else(overflow)?;
        }
        lrt_common::emit!(self.vm(), OperatorSlashed {
            operator: operator, slasher: caller, evidence: evidence;
            requested: amount, value_lost: value_lost
        });
        Ok(value_lost)
    }

    // ----- Views -----

    /// Whether `operator` holds any stake, active or unbonding (the operator
    /// registry asks before removing it).
    pub fn operator_has_stake(&self, operator: Address) -> bool {
        (0..self.assets.len()).any(|i| {
            let asset = self.assets.get(i).unwrap_or_default();
            let stakes = self.stakes.getter(operator);
            let stake = stakes.getter(asset);
            !stake.active.get().is_zero() || !stake.unbonding.get().is_zero()
        })
    }

    /// `operator`'s stake of `asset`: active units and unbonding units.
    pub fn stake_of(&self, operator: Address, asset: Address) -> (U256, U256) {
        let stakes = self.stakes.getter(operator);
        let stake = stakes.getter(asset);
        (stake.active.get(), stake.unbonding.get())
    }

    /// `operator`'s whole stake (active + unbonding, every asset) in ETH, at
    /// the rates the vault last reported.
    ///
    /// # Errors
    /// [`Error::MathOverflow`].
    pub fn operator_stake_value(&self, operator: Address) -> Result<U256, Error> {
        self.stake_value(operator)
    }

    /// Units of `asset` held for all operators (active + unbonding).
    pub fn total_stake(&self, asset: Address) -> U256 {
        self.total_stake.getter(asset).get()
    }

    /// Unbonding entry `id`: operator, asset, the amount it would return now,
    /// when it is due, and whether it was completed.
    ///
    /// # Errors
    /// [`Error::UnknownEntry`].
    pub fn unbonding_entry(&self, id: U256) -> Result<(Address, Address, U256, u64, bool), Error> {
        let Some(entry) = self.entries.get(id) else {
            return Err(UnknownEntry { id }.into());
        };
        let (operator, asset) = (entry.operator.get(), entry.asset.get());
        let completed = entry.completed.get();
        let amount = if completed {
            U256::ZERO
        } else {
            self.entry_value(operator, asset, entry.shares.get(), entry.generation.get())
                .0
        };
        Ok((
            operator,
            asset,
            amount,
            entry.complete_at.get().to::<u64>(),
            completed,
        ))
    }

    /// How many unbonding entries exist (ids are `0..entryCount`).
    pub fn entry_count(&self) -> U256 {
        U256::from(self.entries.len())
    }

    /// The vault, the operator registry, the slash recipient and the
    /// unbonding delay.
    pub fn config(&self) -> (Address, Address, Address, u64) {
        (
            self.vault.get(),
            self.operator_registry.get(),
            self.slash_recipient.get(),
            self.unbonding_delay.get().to::<u64>(),
        )
    }

    /// Assets ever delegated (ETH as `0xEeee…EEeE`).
    pub fn tracked_assets(&self) -> Vec<Address> {
        (0..self.assets.len())
            .filter_map(|i| self.assets.get(i))
            .collect()
    }
}

impl Delegation {
    /// `operator`'s status, slasher and cap, from the operator registry.
    fn operator(&self, operator: Address) -> Result<(u8, Address, U256), Error> {
        let calldata = encode_words(operatorCall::SELECTOR, &[operator.word()]);
        let answer = static_call(self.operator_registry.get(), &calldata)?;
        let word = |i: usize| {
            answer
                .get(32 * i..32 * (i + 1))
                .map_or(U256::ZERO, U256::from_be_slice)
        };
        let status = word(0).saturating_to::<u8>();
        let slasher = Address::from_word(word(1).into());
        Ok((status, slasher, word(2)))
    }

    /// ETH per unit of `asset`, as the vault last valued it.
    fn rate(&self, asset: Address) -> U256 {
        if asset == ETH {
            WAD
        } else {
            self.rates.getter(asset).get()
        }
    }

    fn stake_value(&self, operator: Address) -> Result<U256, Error> {
        let mut total = U256::ZERO;
        for i in 0..self.assets.len() {
            let asset = self.assets.get(i).unwrap_or_default();
            let stakes = self.stakes.getter(operator);
            let stake = stakes.getter(asset);
            let units = stake.active.get() + stake.unbonding.get();
            let value =
                mul_div(units, self.rate(asset), WAD, Rounding::Down).ok_or_else(overflow)?;
            total = total.checked_add(value).ok_or_else(overflow)?;
        }
        Ok(total)
    }

    /// Cuts `take / stake_value` of `operator`'s `asset` stake, active and
    /// unbonding (all of it when the whole stake is taken). Returns the
    /// units cut.
    fn cut(
        &mut self,
        operator: Address,
        asset: Address,
        take: U256,
        stake_value: U256,
    ) -> Result<U256, Error> {
        let stakes = self.stakes.getter(operator);
        let stake = stakes.getter(asset);
        let (active, pool, pool_shares, generation) = (
            stake.active.get(),
            stake.unbonding.get(),
            stake.unbonding_shares.get(),
            stake.generation.get(),
        );
        let (active_cut, pool_cut) = if take == stake_value {
            (active, pool)
        } else {
            (
                mul_div(active, take, stake_value, Rounding::Down).ok_or_else(overflow)?,
                mul_div(pool, take, stake_value, Rounding::Down).ok_or_else(overflow)?,
            )
        };
        let cut = active_cut + pool_cut;
        if cut.is_zero() {
            return Ok(cut);
        }
        let mut stakes = self.stakes.setter(operator);
        let mut stake = stakes.setter(asset);
        stake.active.set(active - active_cut);
        let pool_left = pool - pool_cut;
        stake.unbonding.set(pool_left);
        if pool_left.is_zero() && !pool_shares.is_zero() {
            // Emptied: pending entries of this generation are worth nothing.
            stake.unbonding_shares.set(U256::ZERO);
            stake.generation.set(generation + U64::from(1));
        }
        lrt_common::emit!(self.vm(), StakeCut { operator: operator, asset: asset; amount: cut, from_unbonding: pool_cut });
        Ok(cut)
    }

    /// What an entry's `shares` of generation `generation` are worth now,
    /// with the pool's amount and shares.
    fn entry_value(
        &self,
        operator: Address,
        asset: Address,
        shares: U256,
        generation: U64,
    ) -> (U256, U256, U256) {
        let stakes = self.stakes.getter(operator);
        let stake = stakes.getter(asset);
        let (pool, pool_shares) = (stake.unbonding.get(), stake.unbonding_shares.get());
        if generation != stake.generation.get() || pool_shares.is_zero() {
            return (U256::ZERO, pool, pool_shares);
        }
        // shares ≤ pool_shares, so the result is at most `pool`.
        let amount = mul_div(shares, pool, pool_shares, Rounding::Down).unwrap_or(U256::ZERO);
        (amount, pool, pool_shares)
    }

    /// Adds `asset` to the tracked list the first time it is delegated.
    fn track(&mut self, asset: Address) -> Result<(), Error> {
        if self.asset_tracked.getter(asset).get() {
            return Ok(());
        }
        if self.assets.len() as u64 >= MAX_ASSETS {
            return Err(TooManyAssets {
                max: U256::from(MAX_ASSETS),
            }
            .into());
        }
        self.assets.push(asset);
        self.asset_tracked.setter(asset).set(true);
        Ok(())
    }

    fn add_total(&mut self, asset: Address, amount: U256, add: bool) -> Result<(), Error> {
        let total = self.total_stake.getter(asset).get();
        let total = if add {
            total.checked_add(amount).ok_or_else(overflow)?
        } else {
            total.saturating_sub(amount)
        };
        self.total_stake.setter(asset).set(total);
        Ok(())
    }
}

fn check_delay(delay: u64) -> Result<(), Error> {
    if delay > MAX_UNBONDING_DELAY {
        return Err(DelayTooLong {
            delay,
            max: MAX_UNBONDING_DELAY,
        }
        .into());
    }
    Ok(())
}

lrt_common::public_roles!(Delegation, roles);
