//! The withdrawal queue: how lrETH leaves the protocol.
//!
//! # Lifecycle of a withdrawal
//!
//! 1. **Request.** `requestRedeem(shares, controller, owner, payoutAsset)`
//!    (ERC-7540 style) moves `shares` of lrETH from `owner` into the queue's
//!    escrow (spending the caller's allowance when the caller is not the
//!    owner) and records the request: its controller, the shares, their
//!    value in ETH at that moment, the payout asset (ETH as
//!    `0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE`, or an LST the registry
//!    lists and enables) and the time. The request joins the back of that
//!    asset's FIFO line and gets an id.
//! 2. **Pending.** The escrowed shares are still lrETH: rewards and slashes
//!    move their value like everyone else's. The controller may `cancel` and
//!    get the shares back (with whatever a slash took from them).
//! 3. **Finalization.** Once a request is older than the withdrawal delay and
//!    the vault holds enough of the payout asset idle, anyone may
//!    `finalize(asset, maxRequests)`: requests of that asset are taken in
//!    FIFO order, each paying `min(value at request, shares × rate now)`
//!    converted to the asset at the vault's rate for it. The shares are
//!    burned and the payout leaves the vault's total assets into a reserve,
//!    in the same call, so the rate of the remaining holders does not fall,
//!    and the reserve can no longer be slashed.
//! 4. **Claim.** `claim(id)` (by the controller or an operator it approved with
//!    `setOperator`, as ERC-7540 has it) or `claimBatch(ids)` pays
//!    the reserve to the controller; `claimTo(id, receiver)` lets the
//!    controller send it elsewhere. The vault sends the payout directly, ETH
//!    with a plain call that forwards the remaining gas; if the receiver
//!    reverts, the claim reverts and stays claimable.
//!
//! # Why the rules are as they are
//!
//! - *min(value at request, value at finalization)*: rewards earned while
//!   a request waits stay with the holders who keep bearing the risk, and a
//!   slash that lands before finalization reaches the request, so queueing
//!   is no way out of a known slash. Operators should set the withdrawal
//!   delay at least as long as the notice a slash gives (a slasher's veto
//!   window): a request made after a slash is known cannot be finalized
//!   before the slash lands.
//! - *One rate per batch*: `finalize` prices a whole batch at the rate it
//!   finds when it starts. Each finalization pays at most what the burned
//!   shares are worth, so the rate only rises within the batch and the
//!   frozen rate never pays a later request more than a fresh one would.
//! - *Pause*: the vault's `withdrawalsPaused` flag stops new requests and
//!   finalization, the two steps that price shares and could be abused while
//!   an incident (a bad rate, a slash being investigated) is handled. Claims
//!   stay open: a finalized payout is a fixed amount already set aside
//!   outside total assets; holding it back would protect no one. Cancels
//!   stay open too: they only hand escrowed shares back.
//! - *Bounded work*: requesting, cancelling and claiming touch a fixed number
//!   of slots; finalization is O(1) per request in a batch capped by
//!   [`MAX_BATCH`] (and the admin's lower cap); no call loops over users.
//!
//! The queue never holds ETH: it has no payable entry point and the vault
//! pays receivers itself. The contracts are built without the SDK's
//! `reentrant` feature, so a receiver's `receive()` cannot call back into
//! the queue or the vault while a claim is under way.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{
    aliases::{U40, U48, U96},
    Address, FixedBytes, U128, U256, U32, U64, U8,
};
use alloy_sol_types::SolCall;
use lrt_common::{
    abi::{encode_words, Word},
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::{ETH, WAD},
    external::{call, first_word, static_call, word, ExternalRevert},
    introspection::{supports, ERC165, ERC7540_OPERATOR, ERC7540_REDEEM},
    math::{from_u128, mul_div, to_u128, Rounding},
    shares::to_assets,
};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU128, StorageU32, StorageU64, StorageU8,
        StorageUint,
    },
};

/// Most requests one `finalize` call may process, whatever the admin sets.
pub const MAX_BATCH: u64 = 100;
/// Most queue positions a view walks (`nextFinalizable`, `liquidityNeeded`).
pub const MAX_SCAN: u64 = 1_000;
/// Longest withdrawal delay the admin may set: 30 days.
pub const MAX_WITHDRAWAL_DELAY: u64 = 30 * 86_400;

/// Request status: waiting for finalization.
pub const PENDING: u8 = 1;
/// Request status: finalized; its payout is reserved in the vault.
pub const FINALIZED: u8 = 2;
/// Request status: paid out.
pub const CLAIMED: u8 = 3;
/// Request status: cancelled; its shares went back to the controller.
pub const CANCELLED: u8 = 4;

lrt_common::sol_declarations! {
    /// A request for zero shares.
    #[derive(Debug)]
    error ZeroShares();
    /// An address argument was the zero address.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// The payout asset is neither ETH nor an LST the registry lists and enables.
    #[derive(Debug)]
    error UnsupportedPayoutAsset(address asset);
    /// The request is worth less (in ETH) than the minimum.
    #[derive(Debug)]
    error RequestBelowMinimum(uint256 value, uint256 minimum);
    /// The request is worth more (in ETH) than the maximum.
    #[derive(Debug)]
    error RequestAboveMaximum(uint256 value, uint256 maximum);
    /// No request has this id.
    #[derive(Debug)]
    error UnknownRequest(uint256 request_id);
    /// The first request in line is younger than the withdrawal delay.
    #[derive(Debug)]
    error RequestNotDue(uint256 request_id, uint64 due_at, uint64 now);
    /// The vault's idle buffer of the asset cannot pay the first request in line.
    #[derive(Debug)]
    error InsufficientLiquidity(address asset, uint256 request_id, uint256 idle, uint256 needed);
    /// The request is still pending: nothing to claim yet.
    #[derive(Debug)]
    error RequestNotFinalized(uint256 request_id);
    /// The request was finalized: it can no longer be cancelled.
    #[derive(Debug)]
    error RequestAlreadyFinalized(uint256 request_id);
    /// The request was paid out already.
    #[derive(Debug)]
    error RequestAlreadyClaimed(uint256 request_id);
    /// The request was cancelled.
    #[derive(Debug)]
    error RequestAlreadyCancelled(uint256 request_id);
    /// Only the request's controller, or an operator it approved, may do this.
    #[derive(Debug)]
    error NotController(address caller, address controller);
    /// With this request, the line of `asset` would owe `line_value` ETH
    /// (request-time values of its pending requests) while the vault holds
    /// only `holdings` of the asset, idle and delegated: the line could
    /// never pay them all, and its head would block every later request.
    #[derive(Debug)]
    error RequestExceedsLine(address asset, uint256 line_value, uint256 holdings);
    /// An account cannot be its own operator.
    #[derive(Debug)]
    error SelfOperator(address account);
    /// The vault's withdrawal pause is on: no new requests or finalizations.
    #[derive(Debug)]
    error WithdrawalsPaused();
    /// A batch of zero requests.
    #[derive(Debug)]
    error BatchSizeZero();
    /// No request of the asset is waiting.
    #[derive(Debug)]
    error NothingToFinalize(address asset);
    /// The withdrawal delay exceeds `MAX_WITHDRAWAL_DELAY`.
    #[derive(Debug)]
    error DelayTooLong(uint64 delay, uint64 max);
    /// The minimum request exceeds the maximum.
    #[derive(Debug)]
    error InvalidRequestLimits(uint256 min_value, uint256 max_value);
    /// The batch cap is zero or above `MAX_BATCH`.
    #[derive(Debug)]
    error InvalidBatchCap(uint64 cap, uint64 max);
    /// A result did not fit in 256 bits.
    #[derive(Debug)]
    error MathOverflow();

    /// ERC-7540's request event: `sender` moved `shares` of `owner` into
    /// escrow for `controller` as request `request_id`.
    #[derive(Debug)]
    event RedeemRequest(address indexed controller, address indexed owner, uint256 indexed request_id, address sender, uint256 shares);
    /// Request `request_id` joined the line of `payout_asset`, worth `value`
    /// ETH at `requested_at`.
    #[derive(Debug)]
    event RedeemQueued(uint256 indexed request_id, address indexed payout_asset, uint256 value, uint64 requested_at);
    /// Request `request_id` was finalized: its `shares` were burned and
    /// `amount` of `asset` (worth `value` ETH) reserved for `controller`,
    /// priced at `share_rate` ETH per lrETH and `asset_rate` ETH per unit.
    #[derive(Debug)]
    event RedeemFinalized(uint256 indexed request_id, address indexed controller, address indexed asset, uint256 shares, uint256 value, uint256 amount, uint256 share_rate, uint256 asset_rate);
    /// Request `request_id` of `controller` paid `amount` of `asset` to `receiver`.
    #[derive(Debug)]
    event RedeemClaimed(uint256 indexed request_id, address indexed controller, address indexed receiver, address asset, uint256 amount);
    /// Request `request_id` was cancelled and its `shares` returned to `controller`.
    #[derive(Debug)]
    event RedeemCancelled(uint256 indexed request_id, address indexed controller, uint256 shares);
    /// The withdrawal delay changed.
    #[derive(Debug)]
    event WithdrawalDelaySet(uint64 delay);
    /// ERC-7540: `controller` approved (or revoked) `operator` to request,
    /// claim and cancel on its behalf.
    #[derive(Debug)]
    event OperatorSet(address indexed controller, address indexed operator, bool approved);
    /// The bounds on a request's ETH value changed.
    #[derive(Debug)]
    event RequestLimitsSet(uint256 min_value, uint256 max_value);
    /// The most requests one finalization processes changed.
    #[derive(Debug)]
    event BatchCapSet(uint64 cap);
}

/// The calls the queue makes, encoded through the compact path.
mod calls {
    alloy_sol_types::sol! {
        function share() external view returns (address);
        function registry() external view returns (address);
        function withdrawalTotals(address asset) external view returns (bool, uint256, uint256, uint256, uint256);
        function totalSupply() external view returns (uint256);
        function syncAssetRate(address asset) external returns (uint256);
        function reserveWithdrawal(address asset, uint256 amount) external;
        function payWithdrawal(address asset, address to, uint256 amount) external;
        function escrowFrom(address owner, address spender, uint256 amount) external returns (uint256);
        function burn(address from, uint256 amount) external;
        function transfer(address to, uint256 amount) external returns (bool);
        function assetConfig(address asset) external view returns (bool listed, bool enabled);
    }
}

lrt_common::errors! {
    /// Why a queue call failed.
    pub enum Error {
        /// See [`ZeroShares`].
        ZeroShares(ZeroShares {}),
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`UnsupportedPayoutAsset`].
        UnsupportedPayoutAsset(UnsupportedPayoutAsset { asset }),
        /// See [`RequestBelowMinimum`].
        RequestBelowMinimum(RequestBelowMinimum { value, minimum }),
        /// See [`RequestAboveMaximum`].
        RequestAboveMaximum(RequestAboveMaximum { value, maximum }),
        /// See [`UnknownRequest`].
        UnknownRequest(UnknownRequest { request_id }),
        /// See [`RequestNotDue`].
        RequestNotDue(RequestNotDue { request_id, due_at, now }),
        /// See [`InsufficientLiquidity`].
        InsufficientLiquidity(InsufficientLiquidity { asset, request_id, idle, needed }),
        /// See [`RequestNotFinalized`].
        RequestNotFinalized(RequestNotFinalized { request_id }),
        /// See [`RequestAlreadyFinalized`].
        RequestAlreadyFinalized(RequestAlreadyFinalized { request_id }),
        /// See [`RequestAlreadyClaimed`].
        RequestAlreadyClaimed(RequestAlreadyClaimed { request_id }),
        /// See [`RequestAlreadyCancelled`].
        RequestAlreadyCancelled(RequestAlreadyCancelled { request_id }),
        /// See [`NotController`].
        NotController(NotController { caller, controller }),
        /// See [`RequestExceedsLine`].
        RequestExceedsLine(RequestExceedsLine { asset, line_value, holdings }),
        /// See [`SelfOperator`].
        SelfOperator(SelfOperator { account }),
        /// See [`WithdrawalsPaused`].
        WithdrawalsPaused(WithdrawalsPaused {}),
        /// See [`BatchSizeZero`].
        BatchSizeZero(BatchSizeZero {}),
        /// See [`NothingToFinalize`].
        NothingToFinalize(NothingToFinalize { asset }),
        /// See [`DelayTooLong`].
        DelayTooLong(DelayTooLong { delay, max }),
        /// See [`InvalidRequestLimits`].
        InvalidRequestLimits(InvalidRequestLimits { min_value, max_value }),
        /// See [`InvalidBatchCap`].
        InvalidBatchCap(InvalidBatchCap { cap, max }),
        /// See [`MathOverflow`].
        MathOverflow(MathOverflow {}),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// A call to the vault, the token or the registry reverted; its
        /// revert data is passed on unchanged (the token's
        /// `ERC20InsufficientAllowance` / `ERC20InsufficientBalance` on a
        /// request, the registry's `StaleRate` on an LST finalization, the
        /// vault's `EthTransferFailed` on a claim).
        External(ExternalRevert),
    }
}

fn overflow() -> Error {
    MathOverflow {}.into()
}

/// `x` in 128 bits, or [`Error::MathOverflow`].
fn narrow(x: U256) -> Result<U128, Error> {
    to_u128(x).ok_or_else(overflow)
}

/// `x` in 96 bits (a request's shares, value or amount), or
/// [`Error::MathOverflow`].
fn narrow_96(x: U256) -> Result<U96, Error> {
    u128::try_from(x)
        .ok()
        .and_then(|x| U96::try_from(x).ok())
        .ok_or_else(overflow)
}

/// A stored request limit as the checks and `config` read it: 2^128 - 1
/// stands for no bound.
fn wide_limit(x: U128) -> U256 {
    if x == U128::MAX {
        U256::MAX
    } else {
        from_u128(x)
    }
}

/// One withdrawal request, in three slots: controller, time, status and
/// the next request of its line; payout asset and amount; shares, value and
/// the controller's request before it. A request writes three new slots;
/// its finalization and claim update them in place.
///
/// The record is its line's FIFO order (each request names the next one of
/// its asset) and its controller's list (each names the controller's one
/// before), so a request writes no separate list entries.
///
/// Shares, values and the payout amount are stored in 96 bits (~7.9e10
/// ETH); anything larger fails with [`Error::MathOverflow`]. Ids and times
/// fit in 48 and 40 bits for longer than the chain will run.
#[storage]
pub struct Request {
    /// Who may cancel it and is paid by it (never zero for a request that
    /// exists).
    controller: StorageAddress,
    /// When it was made.
    requested_at: StorageUint<40, 1>,
    /// [`PENDING`], [`FINALIZED`], [`CLAIMED`] or [`CANCELLED`].
    status: StorageU8,
    /// Id + 1 of the next request queued in the same line (0: none yet).
    next_in_line: StorageUint<48, 1>,
    /// ETH or the LST it pays out in.
    asset: StorageAddress,
    /// Units of `asset` reserved for it at finalization.
    amount: StorageUint<96, 2>,
    /// lrETH escrowed (burned at finalization).
    shares: StorageUint<96, 2>,
    /// What the shares were worth in ETH when requested: the most it pays.
    value: StorageUint<96, 2>,
    /// Id + 1 of the controller's request before this one (0: its first).
    previous_of_controller: StorageU64,
}

/// The FIFO line of one payout asset: a chain of requests from `head`
/// (the next to process) through each one's `next_in_line` to `tail`,
/// with its counts in one slot and its pending sums in another.
#[storage]
pub struct Line {
    /// Id + 1 of the first request not yet processed (0: none).
    head: StorageUint<48, 1>,
    /// Id + 1 of the last request queued (0: none ever).
    tail: StorageUint<48, 1>,
    /// Requests ever queued.
    queued: StorageUint<48, 1>,
    /// Positions processed (finalized or passed over as cancelled).
    processed: StorageUint<48, 1>,
    /// Requests still pending.
    pending_count: StorageUint<48, 1>,
    /// Σ shares of pending requests.
    pending_shares: StorageU128,
    /// Σ request-time ETH value of pending requests.
    pending_value: StorageU128,
}

/// A controller's requests: how many, and the newest (its record names the
/// one before), in one slot.
#[storage]
pub struct Chain {
    /// Requests the controller made.
    count: StorageU64,
    /// Id + 1 of its newest request (0: none).
    last: StorageU64,
}

/// A request's fields as the logic reads them.
struct Loaded {
    controller: Address,
    asset: Address,
    shares: U256,
    value: U256,
    requested_at: u64,
    status: u8,
    amount: U256,
    /// Id + 1 of the next request of its line (0: none).
    next_in_line: u64,
    /// Id + 1 of its controller's request before it (0: none).
    previous_of_controller: u64,
}

/// What a claim reads of a request.
struct Payout {
    controller: Address,
    status: u8,
    asset: Address,
    amount: U256,
}

/// The vault's answer to `withdrawalTotals`.
struct Totals {
    /// Whether the vault's withdrawals are closed.
    paused: bool,
    /// Total assets.
    total: U256,
    /// ETH per unit of the asset (1e18 for ETH).
    asset_rate: U256,
    /// Units of the asset idle in the vault.
    idle: U256,
    /// The asset's book in ETH (idle and delegated units at the vault's rate).
    value: U256,
}

/// Prices of one finalization batch.
struct Prices {
    /// The vault's total assets and the lrETH supply when the batch started.
    total: U256,
    supply: U256,
    /// ETH per unit of the payout asset (1e18 for ETH).
    asset_rate: U256,
}

impl Prices {
    /// What a request for `shares` worth `value` at request time pays now:
    /// `(value in ETH, amount in asset units)`, both rounded down.
    fn payout(&self, shares: U256, value: U256, asset: Address) -> Result<(U256, U256), Error> {
        let now =
            to_assets(shares, self.total, self.supply, Rounding::Down).ok_or_else(overflow)?;
        let value = value.min(now);
        let amount = if asset == ETH {
            value
        } else {
            mul_div(value, WAD, self.asset_rate, Rounding::Down).ok_or_else(overflow)?
        };
        Ok((value, amount))
    }
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function requestRedeem(uint256 shares, address controller, address owner, address payoutAsset) external returns (uint256 requestId);
    function finalize(address asset, uint256 maxRequests) external returns (uint256 count);
    function claim(uint256 requestId) external returns (uint256 amount);
    function claimTo(uint256 requestId, address receiver) external returns (uint256 amount);
    function claimBatch(uint256[] memory requestIds) external returns (uint256 amount);
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);
    function getRequest(uint256 requestId) external view returns (address controller, address payoutAsset, uint256 shares, uint256 valueAtRequest, uint64 requestedAt, uint8 status, uint256 reserved);
    function requestCountOf(address controller) external view returns (uint256 count);
    function requestsOf(address controller, uint256 offset, uint256 limit) external view returns (uint256[] memory ids);
    function queueState(address asset) external view returns (uint256 queued, uint256 nextIndex, uint256 pendingCount, uint256 pendingShares, uint256 pendingValue);
    function nextFinalizable(address asset) external view returns (bool found, uint256 requestId, uint64 dueAt);
    function liquidityNeeded(address asset, uint256 count) external view returns (uint256 needed, uint256 idle, uint256 counted);
    function config() external view returns (address vault, address share, address registry, uint64 withdrawalDelay, uint256 minRequestValue, uint256 maxRequestValue, uint64 batchCap);
    function supportsInterface(bytes4 interfaceId) external view returns (bool supported);
    function isOperator(address controller, address operator) external view returns (bool status);
",
    declarations: [lrt_common::transfer::SOL_DECLARATIONS],
}

/// The queue's storage.
#[entrypoint]
#[storage]
pub struct WithdrawalQueue {
    /// Admin (sets the delay, limits and batch cap).
    roles: Roles,
    /// The vault: books, idle buffer, reserve and pause flag.
    vault: StorageAddress,
    /// How many requests exist (ids are `0..requestCount`); in the vault's
    /// slot, which a request reads anyway.
    request_count: StorageU64,
    // lrETH, the delay and the batch cap share a slot: a finalization
    // reads all three.
    /// lrETH.
    token: StorageAddress,
    /// Seconds a request waits before it may be finalized.
    withdrawal_delay: StorageU64,
    /// Most requests one finalization processes (≤ `MAX_BATCH`).
    batch_cap: StorageU32,
    /// The asset registry: which LSTs may be payout assets.
    registry: StorageAddress,
    /// Smallest request, in ETH value at request time (one slot with the
    /// largest; 2^128 - 1 stands for no bound).
    min_value: StorageU128,
    /// Largest request, in ETH value at request time.
    max_value: StorageU128,
    /// Every request, by id.
    requests: StorageMap<U64, Request>,
    /// Payout asset → its FIFO line.
    lines: StorageMap<Address, Line>,
    /// Controller → its requests.
    controllers: StorageMap<Address, Chain>,
    /// ERC-7540 operators: controller → operator → approved.
    operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
}

#[public]
#[implements(IRoles)]
impl WithdrawalQueue {
    /// Links the queue to `vault` (and through it to lrETH and the asset
    /// registry, so the three cannot disagree) and sets the admin and the
    /// withdrawal delay. Requests start unbounded in size; the batch cap
    /// starts at `MAX_BATCH`.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`], [`Error::DelayTooLong`]; the vault's.
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        vault: Address,
        withdrawal_delay: u64,
    ) -> Result<(), Error> {
        if vault.is_zero() {
            return Err(InvalidAddress { account: vault }.into());
        }
        check_delay(withdrawal_delay)?;
        self.roles.init(admin)?;
        let token =
            Address::from_word(word(&static_call(vault, &calls::shareCall::SELECTOR)?, 0).into());
        let registry = Address::from_word(
            word(&static_call(vault, &calls::registryCall::SELECTOR)?, 0).into(),
        );
        self.vault.set(vault);
        self.token.set(token);
        self.registry.set(registry);
        self.withdrawal_delay.set(U64::from(withdrawal_delay));
        self.batch_cap.set(U32::from(MAX_BATCH));
        self.max_value.set(U128::MAX);
        Ok(())
    }

    // ----- Requests -----

    /// Moves `shares` of `owner`'s lrETH into escrow and queues a request,
    /// controlled by `controller`, to be paid in `payout_asset` (ETH as
    /// `0xEeee…EEeE`, or an LST the registry lists and enables). When the
    /// caller is neither `owner` nor an operator `owner` approved, it spends
    /// the caller's allowance from `owner` (ERC-7540).
    ///
    /// A line only takes requests it can pay: the request-time value of the
    /// line's pending requests, this one included, may not exceed what the
    /// vault holds of the payout asset (idle and delegated, at the vault's
    /// rate for it), so no request can wait for liquidity the vault will
    /// never have and block the requests behind it. Returns the request id.
    ///
    /// # Errors
    /// [`Error::WithdrawalsPaused`], [`Error::ZeroShares`],
    /// [`Error::InvalidAddress`] (zero controller),
    /// [`Error::UnsupportedPayoutAsset`], [`Error::RequestBelowMinimum`],
    /// [`Error::RequestAboveMaximum`], [`Error::RequestExceedsLine`]; the token's
    /// `ERC20InsufficientAllowance` and `ERC20InsufficientBalance`.
    ///
    /// # Events
    /// `RedeemRequest`, `RedeemQueued`, and the token's `Transfer`.
    pub fn request_redeem(
        &mut self,
        shares: U256,
        controller: Address,
        owner: Address,
        payout_asset: Address,
    ) -> Result<U256, Error> {
        // One call to the vault: the pause, the prices and the book.
        let totals = self.open_totals(payout_asset)?;
        if shares.is_zero() {
            return Err(ZeroShares {}.into());
        }
        if controller.is_zero() {
            return Err(InvalidAddress {
                account: controller,
            }
            .into());
        }
        if payout_asset != ETH {
            let calldata = encode_words(calls::assetConfigCall::SELECTOR, &[payout_asset.word()]);
            let config = static_call(self.registry.get(), &calldata)?;
            if word(&config, 0).is_zero() || word(&config, 1).is_zero() {
                return Err(UnsupportedPayoutAsset {
                    asset: payout_asset,
                }
                .into());
            }
        }
        let sender = self.vm().msg_sender();
        // An operator of `owner` acts as `owner`: no allowance is spent.
        // (The owner itself needs no look-up: it is never its own operator.)
        let spender = if sender == owner || self.operators.getter(owner).get(sender) {
            owner
        } else {
            sender
        };
        // The escrow answers with the lrETH supply (which it leaves as it
        // was): the shares are priced at the books the vault reported and
        // that supply. A check below that fails undoes the escrow with the
        // whole call.
        let calldata = encode_words(
            calls::escrowFromCall::SELECTOR,
            &[owner.word(), spender.word(), shares.word()],
        );
        let supply = first_word(&call(self.token.get(), U256::ZERO, &calldata)?);
        let value = to_assets(shares, totals.total, supply, Rounding::Down).ok_or_else(overflow)?;
        let minimum = wide_limit(self.min_value.get());
        if value < minimum {
            return Err(RequestBelowMinimum { value, minimum }.into());
        }
        let maximum = wide_limit(self.max_value.get());
        if value > maximum {
            return Err(RequestAboveMaximum { value, maximum }.into());
        }

        let line = self.lines.getter(payout_asset);
        let pending_shares = from_u128(line.pending_shares.get()).checked_add(shares);
        let pending_value = from_u128(line.pending_value.get()).checked_add(value);
        let (Some(pending_shares), Some(pending_value)) = (pending_shares, pending_value) else {
            return Err(overflow());
        };

        // Payouts never exceed request-time values (the min rule), and only
        // this asset's book pays this line: what the book holds bounds what
        // the line can ever pay without new deposits of the asset. (The
        // escrow above moves shares, not the vault's books.)
        let holdings = totals.value;
        if pending_value > holdings {
            return Err(RequestExceedsLine {
                asset: payout_asset,
                line_value: pending_value,
                holdings,
            }
            .into());
        }

        let (pending_shares, pending_value) = (narrow(pending_shares)?, narrow(pending_value)?);
        let (stored_shares, stored_value) = (narrow_96(shares)?, narrow_96(value)?);
        let id = self.request_count.get().to::<u64>();
        // Id + 1, the form the chains link by.
        let link = U48::try_from(id + 1).map_err(|_| overflow())?;
        let now = self.vm().block_timestamp();
        let chain = self.controllers.getter(controller);
        let (count, previous) = (chain.count.get(), chain.last.get());
        let mut request = self.requests.setter(U64::from(id));
        request.controller.set(controller);
        request.requested_at.set(U40::saturating_from(now));
        request.status.set(U8::from(PENDING));
        request.asset.set(payout_asset);
        request.shares.set(stored_shares);
        request.value.set(stored_value);
        request.previous_of_controller.set(previous);
        self.request_count.set(U64::from(id + 1));

        let mut line = self.lines.setter(payout_asset);
        if line.head.get().is_zero() {
            // Nothing waits in the line: this request is its head.
            line.head.set(link);
        } else {
            // The tail is the last request waiting: it names this one.
            let tail = line.tail.get().to::<u64>() - 1;
            self.requests.setter(U64::from(tail)).next_in_line.set(link);
        }
        let mut line = self.lines.setter(payout_asset);
        line.tail.set(link);
        let queued = line.queued.get() + U48::from(1);
        line.queued.set(queued);
        let pending_count = line.pending_count.get() + U48::from(1);
        line.pending_count.set(pending_count);
        line.pending_shares.set(pending_shares);
        line.pending_value.set(pending_value);
        let mut chain = self.controllers.setter(controller);
        chain.count.set(count + U64::from(1));
        chain.last.set(U64::from(id + 1));

        let id = U256::from(id);
        lrt_common::emit!(self.vm(), RedeemRequest { controller: controller, owner: owner, request_id: id; sender: sender, shares: shares });
        lrt_common::emit!(self.vm(), RedeemQueued { request_id: id, payout_asset: payout_asset; value: value, requested_at: now });
        Ok(id)
    }

    /// Finalizes up to `max_requests` (and at most the batch cap) requests
    /// of `asset`, oldest first. Anyone may call it. Stops at the first
    /// request younger than the withdrawal delay or that the vault's idle
    /// buffer of `asset` cannot pay; skips cancelled ones. Each request pays
    /// `min(value at request, shares × rate now)` in `asset` at the vault's
    /// rate for it (refreshed from the registry first for an LST, so a bad
    /// LST rate blocks only that asset's line). Burns the requests' shares
    /// and moves their payouts into the vault's reserve. Returns the number
    /// of requests finalized.
    ///
    /// # Errors
    /// [`Error::BatchSizeZero`], [`Error::WithdrawalsPaused`],
    /// [`Error::NothingToFinalize`]; when not a single position of the line
    /// could be processed, why: [`Error::RequestNotDue`] or
    /// [`Error::InsufficientLiquidity`]; the registry's rate errors for an
    /// LST; [`Error::MathOverflow`].
    ///
    /// # Events
    /// `RedeemFinalized` per request; the token's `Transfer` (burn), the
    /// vault's `WithdrawalReserved`.
    pub fn finalize(&mut self, asset: Address, max_requests: U256) -> Result<U256, Error> {
        if max_requests.is_zero() {
            return Err(BatchSizeZero {}.into());
        }
        let totals = self.open_totals(asset)?;
        // Id + 1 of the request at the head of the line (0: none waits).
        let mut cursor = self.lines.getter(asset).head.get().to::<u64>();
        if cursor == 0 {
            return Err(NothingToFinalize { asset }.into());
        }
        let limit = max_requests
            .saturating_to::<u64>()
            .min(self.batch_cap.get().to::<u64>());
        let vault = self.vault.get();
        // An LST is priced after its rate is refreshed; ETH at what the
        // pause check read.
        let totals = if asset != ETH {
            let calldata = encode_words(calls::syncAssetRateCall::SELECTOR, &[asset.word()]);
            call(vault, U256::ZERO, &calldata)?;
            self.totals(asset)?
        } else {
            totals
        };
        let (mut idle, prices) = self.priced(totals)?;
        let share_rate =
            to_assets(WAD, prices.total, prices.supply, Rounding::Down).ok_or_else(overflow)?;
        let now = self.vm().block_timestamp();
        let delay = self.withdrawal_delay.get().to::<u64>();

        let mut positions = 0u64;
        let (mut count, mut shares_out, mut value_out, mut amount_out) =
            (0u64, U256::ZERO, U256::ZERO, U256::ZERO);
        let mut stop = None;
        while cursor != 0 && positions < limit {
            let id = cursor - 1;
            let request = self.read_request(id);
            if request.status != PENDING {
                // Cancelled: nothing to pay, its totals left the line then.
                cursor = request.next_in_line;
                positions += 1;
                continue;
            }
            let due_at = request.requested_at.saturating_add(delay);
            let request_id = U256::from(id);
            if now < due_at {
                stop = Some(Error::from(RequestNotDue {
                    request_id,
                    due_at,
                    now,
                }));
                break;
            }
            let (value, amount) = prices.payout(request.shares, request.value, asset)?;
            let amount_96 = narrow_96(amount)?;
            if amount > idle {
                stop = Some(Error::from(InsufficientLiquidity {
                    asset,
                    request_id,
                    idle,
                    needed: amount,
                }));
                break;
            }
            idle -= amount;
            // Sums of values the line's totals already hold, and of payouts
            // below the vault's idle buffer: none can overflow.
            shares_out += request.shares;
            value_out += request.value;
            amount_out += amount;
            count += 1;
            cursor = request.next_in_line;
            positions += 1;
            let mut stored = self.requests.setter(U64::from(id));
            stored.status.set(U8::from(FINALIZED));
            stored.amount.set(amount_96);
            lrt_common::emit!(self.vm(), RedeemFinalized {
                request_id: request_id, controller: request.controller, asset: asset;
                shares: request.shares, value: value, amount: amount,
                share_rate: share_rate, asset_rate: prices.asset_rate
            });
        }
        if positions == 0 {
            if let Some(reason) = stop {
                return Err(reason);
            }
        }

        let mut line = self.lines.setter(asset);
        // Ids fit in 48 bits (checked when each joined), so their links do.
        line.head.set(U48::from(cursor));
        let processed = line.processed.get() + U48::from(positions);
        line.processed.set(processed);
        let pending_count = line.pending_count.get() - U48::from(count);
        line.pending_count.set(pending_count);
        // The sums include the finalized requests'.
        let pending_shares = from_u128(line.pending_shares.get()) - shares_out;
        line.pending_shares.set(narrow(pending_shares)?);
        let pending_value = from_u128(line.pending_value.get()) - value_out;
        line.pending_value.set(narrow(pending_value)?);
        if !shares_out.is_zero() {
            let this = self.vm().contract_address();
            let calldata =
                encode_words(calls::burnCall::SELECTOR, &[this.word(), shares_out.word()]);
            call(self.token.get(), U256::ZERO, &calldata)?;
        }
        if count != 0 {
            let calldata = encode_words(
                calls::reserveWithdrawalCall::SELECTOR,
                &[asset.word(), amount_out.word()],
            );
            call(vault, U256::ZERO, &calldata)?;
        }
        Ok(U256::from(count))
    }

    // ----- Claims and cancellations -----

    /// Pays finalized request `request_id` to its controller. The
    /// controller or an operator it approved with `setOperator` (ERC-7540):
    /// a keeper that pushes payouts for many controllers is an operator each
    /// of them chose. Returns the amount paid, in the request's payout
    /// asset.
    ///
    /// # Errors
    /// [`Error::UnknownRequest`], [`Error::NotController`], [`Error::RequestNotFinalized`],
    /// [`Error::RequestAlreadyClaimed`], [`Error::RequestAlreadyCancelled`];
    /// the vault's `EthTransferFailed` / `TokenTransferFailed` when the
    /// payment fails (the request stays claimable).
    ///
    /// # Events
    /// `RedeemClaimed`, and the vault's `WithdrawalPaid`.
    pub fn claim(&mut self, request_id: U256) -> Result<U256, Error> {
        self.claim_one(request_id, None)
    }

    /// Pays finalized request `request_id` to `receiver`. The controller or
    /// an operator it approved: a controller that cannot take the payout
    /// itself (a contract without `receive()`) names where it goes.
    ///
    /// # Errors
    /// As [`Self::claim`]; [`Error::InvalidAddress`] (zero receiver).
    ///
    /// # Events
    /// As [`Self::claim`].
    pub fn claim_to(&mut self, request_id: U256, receiver: Address) -> Result<U256, Error> {
        if receiver.is_zero() {
            return Err(InvalidAddress { account: receiver }.into());
        }
        self.claim_one(request_id, Some(receiver))
    }

    /// Claims every request of `request_ids` for its controller, all or
    /// nothing; the caller must be each one's controller or an operator it
    /// approved. Returns the sum of the amounts paid (in each request's own
    /// payout asset).
    ///
    /// # Errors
    /// [`Error::BatchSizeZero`]; as [`Self::claim`] for any id.
    ///
    /// # Events
    /// As [`Self::claim`], per request.
    pub fn claim_batch(&mut self, request_ids: Vec<U256>) -> Result<U256, Error> {
        if request_ids.is_empty() {
            return Err(BatchSizeZero {}.into());
        }
        let mut total = U256::ZERO;
        for id in request_ids {
            let paid = self.claim_one(id, None)?;
            total = total.checked_add(paid).ok_or_else(overflow)?;
        }
        Ok(total)
    }

    /// Cancels pending request `request_id` and returns its escrowed shares
    /// to the controller. The controller or an operator it approved. The shares carry whatever
    /// happened to the rate meanwhile, a slash included. Allowed while
    /// withdrawals are paused: it only hands shares back.
    ///
    /// # Errors
    /// [`Error::UnknownRequest`], [`Error::NotController`],
    /// [`Error::RequestAlreadyFinalized`], [`Error::RequestAlreadyClaimed`],
    /// [`Error::RequestAlreadyCancelled`].
    ///
    /// # Events
    /// `RedeemCancelled`, and the token's `Transfer`.
    pub fn cancel(&mut self, request_id: U256) -> Result<(), Error> {
        let (id, request) = self.existing(request_id)?;
        self.check_acts_for(request.controller)?;
        match request.status {
            PENDING => {}
            FINALIZED => return Err(RequestAlreadyFinalized { request_id }.into()),
            CLAIMED => return Err(RequestAlreadyClaimed { request_id }.into()),
            _ => return Err(RequestAlreadyCancelled { request_id }.into()),
        }
        self.requests
            .setter(U64::from(id))
            .status
            .set(U8::from(CANCELLED));
        // The line's totals include this request's.
        let mut line = self.lines.setter(request.asset);
        let pending_count = line.pending_count.get() - U48::from(1);
        line.pending_count.set(pending_count);
        let pending_shares = from_u128(line.pending_shares.get()) - request.shares;
        line.pending_shares.set(narrow(pending_shares)?);
        let pending_value = from_u128(line.pending_value.get()) - request.value;
        line.pending_value.set(narrow(pending_value)?);
        // lrETH reverts on any failed transfer (its typed error is passed
        // on), so the plain call needs no "safe transfer" return check.
        let calldata = encode_words(
            calls::transferCall::SELECTOR,
            &[request.controller.word(), request.shares.word()],
        );
        call(self.token.get(), U256::ZERO, &calldata)?;
        lrt_common::emit!(self.vm(), RedeemCancelled { request_id: request_id, controller: request.controller; shares: request.shares });
        Ok(())
    }

    // ----- Operators (ERC-7540) -----

    /// Approves (or revokes) `operator` to request with the caller's shares,
    /// and to claim and cancel the caller's requests, paying wherever it
    /// names. Returns true, as ERC-7540 asks. Allowed while withdrawals are
    /// paused: it moves nothing.
    ///
    /// # Errors
    /// [`Error::SelfOperator`] (the caller as its own operator).
    ///
    /// # Events
    /// `OperatorSet`.
    pub fn set_operator(&mut self, operator: Address, approved: bool) -> Result<bool, Error> {
        let controller = self.vm().msg_sender();
        if operator == controller {
            return Err(SelfOperator { account: operator }.into());
        }
        self.operators
            .setter(controller)
            .setter(operator)
            .set(approved);
        lrt_common::emit!(self.vm(), OperatorSet { controller: controller, operator: operator; approved: approved });
        Ok(true)
    }

    /// ERC-7540: whether `operator` may act for `controller`.
    pub fn is_operator(&self, controller: Address, operator: Address) -> bool {
        self.operators.getter(controller).get(operator)
    }

    // ----- Configuration -----

    /// Sets the withdrawal delay (at most `MAX_WITHDRAWAL_DELAY`). Admin
    /// only. It applies to every request not yet finalized, which keeps due
    /// times in FIFO order.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::DelayTooLong`].
    ///
    /// # Events
    /// `WithdrawalDelaySet`.
    pub fn set_withdrawal_delay(&mut self, delay: u64) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        check_delay(delay)?;
        self.withdrawal_delay.set(U64::from(delay));
        lrt_common::emit!(self.vm(), WithdrawalDelaySet { ; delay: delay });
        Ok(())
    }

    /// Sets the smallest and largest request, in ETH value at request time.
    /// Admin only. The minimum keeps dust requests from clogging the lines.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidRequestLimits`].
    ///
    /// # Events
    /// `RequestLimitsSet`.
    pub fn set_request_limits(&mut self, min_value: U256, max_value: U256) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if min_value > max_value {
            return Err(InvalidRequestLimits {
                min_value,
                max_value,
            }
            .into());
        }
        // Limits beyond 2^128 wei (~3.4e20 ETH) cannot bind: stored as "none".
        let clamp = |x: U256| narrow(x).unwrap_or(U128::MAX);
        self.min_value.set(clamp(min_value));
        self.max_value.set(clamp(max_value));
        lrt_common::emit!(self.vm(), RequestLimitsSet { ; min_value: min_value, max_value: max_value });
        Ok(())
    }

    /// Sets the most requests one finalization processes (1 to
    /// `MAX_BATCH`). Admin only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidBatchCap`].
    ///
    /// # Events
    /// `BatchCapSet`.
    pub fn set_batch_cap(&mut self, cap: u64) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        if cap == 0 || cap > MAX_BATCH {
            return Err(InvalidBatchCap {
                cap,
                max: MAX_BATCH,
            }
            .into());
        }
        // At most `MAX_BATCH` (checked above): fits in 32 bits.
        self.batch_cap.set(U32::from(cap));
        lrt_common::emit!(self.vm(), BatchCapSet { ; cap: cap });
        Ok(())
    }

    /// ERC-7540's `requestRedeem(shares, controller, owner)`: a request paid
    /// in ETH, as [`Self::request_redeem`] with ETH as the payout asset.
    ///
    /// # Errors
    /// As [`Self::request_redeem`].
    ///
    /// # Events
    /// As [`Self::request_redeem`].
    #[selector(name = "requestRedeem")]
    pub fn request_redeem_eth(
        &mut self,
        shares: U256,
        controller: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        self.request_redeem(shares, controller, owner, ETH)
    }

    // ----- Views -----

    /// ERC-165: ERC-165, ERC-7540's operators (`setOperator`,
    /// `isOperator`) and its asynchronous redemption
    /// (`requestRedeem(uint256,address,address)`, `pendingRedeemRequest`,
    /// `claimableRedeemRequest`).
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        supports(interface_id, &[ERC165, ERC7540_OPERATOR, ERC7540_REDEEM])
    }

    /// ERC-7540: the shares of request `request_id` still pending, if
    /// `controller` controls it (zero otherwise).
    pub fn pending_redeem_request(&self, request_id: U256, controller: Address) -> U256 {
        self.shares_in(request_id, controller, PENDING)
    }

    /// ERC-7540: the shares of request `request_id` finalized and not yet
    /// claimed, if `controller` controls it (zero otherwise).
    pub fn claimable_redeem_request(&self, request_id: U256, controller: Address) -> U256 {
        self.shares_in(request_id, controller, FINALIZED)
    }

    /// Request `request_id`: controller, payout asset, shares, ETH value at
    /// request, request time, status (1 pending, 2 finalized, 3 claimed,
    /// 4 cancelled) and the amount reserved (zero before finalization).
    ///
    /// # Errors
    /// [`Error::UnknownRequest`].
    #[allow(clippy::type_complexity)]
    pub fn get_request(
        &self,
        request_id: U256,
    ) -> Result<(Address, Address, U256, U256, u64, u8, U256), Error> {
        let (_, r) = self.existing(request_id)?;
        Ok((
            r.controller,
            r.asset,
            r.shares,
            r.value,
            r.requested_at,
            r.status,
            r.amount,
        ))
    }

    /// How many requests `controller` made (the length of its
    /// `requestsOf` list).
    pub fn request_count_of(&self, controller: Address) -> U256 {
        U256::from(self.controllers.getter(controller).count.get())
    }

    /// The ids of up to `limit` of `controller`'s requests from position
    /// `offset`, oldest first. A single dynamic result, so the program's
    /// return data is the standard ABI encoding of `uint256[]` (stylus-sdk
    /// 0.9 encodes a tuple holding a dynamic value as one nested tuple, which
    /// no ABI decoder reads as two results).
    ///
    /// The controller's requests are a chain from its newest back, so the
    /// view walks `requestCountOf(controller) - offset` records: a page
    /// near the newest is cheap, the oldest page of a long list reads
    /// every record after it (a view, paid by no one on chain).
    pub fn requests_of(&self, controller: Address, offset: U256, limit: U256) -> Vec<U256> {
        let chain = self.controllers.getter(controller);
        let total = chain.count.get().to::<u64>();
        let start = offset.saturating_to::<u64>().min(total);
        let end = start
            .saturating_add(limit.saturating_to::<u64>())
            .min(total);
        let mut ids = Vec::with_capacity((end - start) as usize);
        let mut link = chain.last.get().to::<u64>();
        let mut position = total;
        while position > start && link != 0 {
            position -= 1;
            let id = link - 1;
            if position < end {
                ids.push(U256::from(id));
            }
            link = self.read_request(id).previous_of_controller;
        }
        ids.reverse();
        ids
    }

    /// The line of `asset`: requests ever queued, position of the next one
    /// to process, and the count, shares and request-time ETH value of those
    /// still pending.
    pub fn queue_state(&self, asset: Address) -> (U256, U256, U256, U256, U256) {
        let line = self.lines.getter(asset);
        (
            U256::from(line.queued.get()),
            U256::from(line.processed.get()),
            U256::from(line.pending_count.get()),
            from_u128(line.pending_shares.get()),
            from_u128(line.pending_value.get()),
        )
    }

    /// The next request of `asset` a finalization would take (cancelled
    /// ones skipped, looking at most `MAX_SCAN` positions ahead): whether
    /// there is one, its id and when it is due.
    pub fn next_finalizable(&self, asset: Address) -> (bool, U256, u64) {
        let mut link = self.lines.getter(asset).head.get().to::<u64>();
        let delay = self.withdrawal_delay.get().to::<u64>();
        let mut scanned = 0;
        while link != 0 && scanned < MAX_SCAN {
            let id = link - 1;
            let request = self.read_request(id);
            if request.status == PENDING {
                let due_at = request.requested_at.saturating_add(delay);
                return (true, U256::from(id), due_at);
            }
            link = request.next_in_line;
            scanned += 1;
        }
        (false, U256::ZERO, 0)
    }

    /// An estimate of the liquidity needed to finalize the next `count`
    /// pending requests of `asset` (due or not, at most `MAX_SCAN` positions
    /// ahead), at the vault's current rates: the amount of `asset` they would
    /// take, the vault's idle buffer of it, and how many requests were
    /// counted. The LST rate is the vault's last synced one.
    ///
    /// # Errors
    /// The vault's and the token's; [`Error::MathOverflow`] (an LST the
    /// vault has never priced).
    pub fn liquidity_needed(
        &self,
        asset: Address,
        count: U256,
    ) -> Result<(U256, U256, U256), Error> {
        let (idle, prices) = self.prices(asset)?;
        let mut link = self.lines.getter(asset).head.get().to::<u64>();
        let wanted = count.saturating_to::<u64>();
        let (mut needed, mut counted, mut scanned) = (U256::ZERO, 0u64, 0u64);
        while link != 0 && scanned < MAX_SCAN && counted < wanted {
            let request = self.read_request(link - 1);
            if request.status == PENDING {
                let (_, amount) = prices.payout(request.shares, request.value, asset)?;
                needed = needed.checked_add(amount).ok_or_else(overflow)?;
                counted += 1;
            }
            link = request.next_in_line;
            scanned += 1;
        }
        Ok((needed, idle, U256::from(counted)))
    }

    /// The vault, lrETH, the registry, the withdrawal delay, the bounds on a
    /// request's ETH value and the batch cap.
    pub fn config(&self) -> (Address, Address, Address, u64, U256, U256, u64) {
        (
            self.vault.get(),
            self.token.get(),
            self.registry.get(),
            self.withdrawal_delay.get().to::<u64>(),
            wide_limit(self.min_value.get()),
            wide_limit(self.max_value.get()),
            self.batch_cap.get().to::<u64>(),
        )
    }

    /// How many requests exist (ids are `0..requestCount`).
    pub fn request_count(&self) -> U256 {
        U256::from(self.request_count.get())
    }
}

impl WithdrawalQueue {
    /// [`Error::NotController`] unless the caller is `controller` or an
    /// operator it approved.
    fn check_acts_for(&self, controller: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller == controller || self.operators.getter(controller).get(caller) {
            return Ok(());
        }
        Err(NotController { caller, controller }.into())
    }

    /// The vault's `withdrawalTotals(asset)`: one call for the pause flag,
    /// the prices and the asset's book.
    fn totals(&self, asset: Address) -> Result<Totals, Error> {
        let calldata = encode_words(calls::withdrawalTotalsCall::SELECTOR, &[asset.word()]);
        let answer = static_call(self.vault.get(), &calldata)?;
        Ok(Totals {
            paused: !word(&answer, 0).is_zero(),
            total: word(&answer, 1),
            idle: word(&answer, 2),
            asset_rate: word(&answer, 3),
            value: word(&answer, 4),
        })
    }

    /// [`Self::totals`], or [`Error::WithdrawalsPaused`] while the vault's
    /// withdrawals are closed.
    fn open_totals(&self, asset: Address) -> Result<Totals, Error> {
        let totals = self.totals(asset)?;
        if totals.paused {
            return Err(WithdrawalsPaused {}.into());
        }
        Ok(totals)
    }

    /// The vault's idle buffer of `asset` and the prices a batch pays at.
    fn prices(&self, asset: Address) -> Result<(U256, Prices), Error> {
        let totals = self.totals(asset)?;
        self.priced(totals)
    }

    /// `totals` with the lrETH supply: the idle buffer and the prices.
    fn priced(&self, totals: Totals) -> Result<(U256, Prices), Error> {
        let supply = first_word(&static_call(
            self.token.get(),
            &calls::totalSupplyCall::SELECTOR,
        )?);
        let prices = Prices {
            total: totals.total,
            supply,
            asset_rate: totals.asset_rate,
        };
        Ok((totals.idle, prices))
    }

    /// Request `id` (zeros for an id no request has).
    fn read_request(&self, id: u64) -> Loaded {
        let r = self.requests.getter(U64::from(id));
        Loaded {
            controller: r.controller.get(),
            asset: r.asset.get(),
            shares: U256::from(r.shares.get()),
            value: U256::from(r.value.get()),
            requested_at: r.requested_at.get().to::<u64>(),
            status: r.status.get().to::<u8>(),
            amount: U256::from(r.amount.get()),
            next_in_line: r.next_in_line.get().to::<u64>(),
            previous_of_controller: r.previous_of_controller.get().to::<u64>(),
        }
    }

    /// Request `request_id`, or [`Error::UnknownRequest`]. A request that
    /// exists has a controller, so no count is read to tell.
    fn existing(&self, request_id: U256) -> Result<(u64, Loaded), Error> {
        let id = request_id.saturating_to::<u64>();
        let request = self.read_request(id);
        if request.controller.is_zero() || request_id > U256::from(u64::MAX) {
            return Err(UnknownRequest { request_id }.into());
        }
        Ok((id, request))
    }

    fn shares_in(&self, request_id: U256, controller: Address, status: u8) -> U256 {
        match self.existing(request_id) {
            Ok((_, r)) if r.controller == controller && r.status == status => r.shares,
            _ => U256::ZERO,
        }
    }

    /// Marks a finalized request claimed and has the vault pay it to
    /// `receiver` (its controller when `None`), for its controller or an
    /// operator of it.
    fn claim_one(&mut self, request_id: U256, receiver: Option<Address>) -> Result<U256, Error> {
        // A claim needs two of the request's three slots (not its shares
        // and value); a request that exists has a controller.
        let id = request_id.saturating_to::<u64>();
        let stored = self.requests.getter(U64::from(id));
        let request = Payout {
            controller: stored.controller.get(),
            status: stored.status.get().to::<u8>(),
            asset: stored.asset.get(),
            amount: U256::from(stored.amount.get()),
        };
        if request.controller.is_zero() || request_id > U256::from(u64::MAX) {
            return Err(UnknownRequest { request_id }.into());
        }
        self.check_acts_for(request.controller)?;
        let receiver = receiver.unwrap_or(request.controller);
        match request.status {
            FINALIZED => {}
            PENDING => return Err(RequestNotFinalized { request_id }.into()),
            CLAIMED => return Err(RequestAlreadyClaimed { request_id }.into()),
            _ => return Err(RequestAlreadyCancelled { request_id }.into()),
        }
        self.requests
            .setter(U64::from(id))
            .status
            .set(U8::from(CLAIMED));
        let calldata = encode_words(
            calls::payWithdrawalCall::SELECTOR,
            &[request.asset.word(), receiver.word(), request.amount.word()],
        );
        call(self.vault.get(), U256::ZERO, &calldata)?;
        lrt_common::emit!(self.vm(), RedeemClaimed {
            request_id: request_id, controller: request.controller, receiver: receiver;
            asset: request.asset, amount: request.amount
        });
        Ok(request.amount)
    }
}

fn check_delay(delay: u64) -> Result<(), Error> {
    if delay > MAX_WITHDRAWAL_DELAY {
        return Err(DelayTooLong {
            delay,
            max: MAX_WITHDRAWAL_DELAY,
        }
        .into());
    }
    Ok(())
}

lrt_common::public_roles!(WithdrawalQueue, roles);
