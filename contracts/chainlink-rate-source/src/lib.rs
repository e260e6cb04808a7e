//! A rate source over a Chainlink-style feed: answers the asset registry's
//! `latestRate()` (ETH per token, 1e18 = 1:1, and when it was last updated)
//! from an `AggregatorV3Interface` feed, such as the "wstETH-stETH",
//! "weETH / eETH", "ezETH / ETH" and "RSETH / ETH" exchange-rate feeds
//! Chainlink publishes on Arbitrum.
//!
//! # What it refuses, and why
//!
//! Each refusal is a typed error of `latestRate()`; the registry's
//! `refreshRate` then reverts (with its `InvalidRate(asset, 0, 0)`) and the
//! asset is blocked (fail closed) while every other asset carries on:
//!
//! - **An incomplete round** (`updatedAt == 0`, or `answeredInRound <
//!   roundId`): the answer belongs to no finished round.
//! - **A non-positive answer**: no exchange rate is zero or negative; a feed
//!   that says so is broken.
//! - **An `updatedAt` in the future**: it would pass any staleness check.
//! - **More than 36 decimals**, or an answer that scales to zero or past
//!   256 bits: the rate cannot be expressed in 1e18 without losing it.
//! - **The L2 sequencer down, or back up for less than the grace period**
//!   (when a sequencer uptime feed is configured; Arbitrum's answers 0 when
//!   the sequencer is up and 1 when it is down, with `startedAt` the time of
//!   the last change). While the sequencer is down, L1 price updates cannot
//!   land on L2 in order and a feed's last answer may be old; for a while
//!   after it comes back, transactions queued on L1 can still be forced in
//!   against rates that moved meanwhile. A `startedAt` of zero (a feed not
//!   yet initialised) counts as down.
//!
//! Freshness is the registry's to judge: the adapter returns the feed's
//! `updatedAt` unchanged, and the registry refuses it when older than the
//! asset's `maxStaleness` (set it a little above the feed's heartbeat, e.g.
//! 86,400 s + a margin for the 24-hour exchange-rate feeds).
//!
//! The adapter has no admin and no setter: its feeds and grace period are
//! fixed at construction. To change them, deploy another adapter and point
//! the registry's rate source at it (the registry's admin decides).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, I256, U256, U64};
use alloy_sol_types::SolCall;
use lrt_common::{
    access::CREATOR_SLOT,
    external::{first_word, static_call, word, ExternalRevert},
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU64},
};

/// Longest grace period after the sequencer comes back up: one day.
pub const MAX_GRACE_PERIOD: u64 = 86_400;
/// Most decimals a feed may report (its answers are scaled to 18).
pub const MAX_DECIMALS: u64 = 36;

lrt_common::sol_declarations! {
    /// The constructor was called by another account than the program's
    /// creator, which its deployment recorded (the roles' error, same
    /// signature: the adapter has no roles).
    #[derive(Debug)]
    error NotCreator(address caller, address creator);
    /// The feed is the zero address.
    #[derive(Debug)]
    error InvalidFeed(address feed);
    /// The grace period exceeds `MAX_GRACE_PERIOD`.
    #[derive(Debug)]
    error GracePeriodTooLong(uint64 grace_period, uint64 max);
    /// The feed reports more decimals than `MAX_DECIMALS`.
    #[derive(Debug)]
    error UnsupportedDecimals(uint256 decimals, uint256 max);
    /// The feed's latest round is not complete: `updated_at` is zero or
    /// the answer was carried over from an earlier round.
    #[derive(Debug)]
    error IncompleteRound(uint256 round_id, uint256 answered_in_round, uint256 updated_at);
    /// The feed answered zero or less.
    #[derive(Debug)]
    error NonPositiveAnswer(int256 answer);
    /// The feed's answer is stamped later than the current block.
    #[derive(Debug)]
    error UpdatedInFuture(uint256 updated_at, uint256 now);
    /// `answer` with `decimals` scales to zero or past 256 bits in 1e18.
    #[derive(Debug)]
    error UnscalableAnswer(int256 answer, uint256 decimals);
    /// The sequencer uptime feed reports the sequencer down (`status` is
    /// its answer: 0 up, anything else down).
    #[derive(Debug)]
    error SequencerDown(int256 status);
    /// The sequencer uptime feed has no status yet (`startedAt` zero).
    #[derive(Debug)]
    error SequencerStatusUnknown();
    /// The sequencer came back up at `up_since`; rates are refused until
    /// after `grace_ends`.
    #[derive(Debug)]
    error SequencerGracePeriod(uint256 up_since, uint256 grace_ends, uint256 now);

    /// The adapter reads `feed` (`decimals` at construction), guarded by
    /// `sequencer_feed` (zero: none) with `grace_period` seconds of grace.
    #[derive(Debug)]
    event ChainlinkRateSourceConfigured(address indexed feed, address indexed sequencer_feed, uint64 grace_period, uint256 decimals);
}

/// The feed's functions the adapter calls.
mod calls {
    alloy_sol_types::sol! {
        function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
        function decimals() external view returns (uint8);
    }
}

lrt_common::errors! {
    /// Why an adapter call failed.
    pub enum Error {
        /// See [`NotCreator`].
        NotCreator(NotCreator { caller, creator }),
        /// See [`InvalidFeed`].
        InvalidFeed(InvalidFeed { feed }),
        /// See [`GracePeriodTooLong`].
        GracePeriodTooLong(GracePeriodTooLong { grace_period, max }),
        /// See [`UnsupportedDecimals`].
        UnsupportedDecimals(UnsupportedDecimals { decimals, max }),
        /// See [`IncompleteRound`].
        IncompleteRound(IncompleteRound { round_id, answered_in_round, updated_at }),
        /// See [`NonPositiveAnswer`].
        NonPositiveAnswer(NonPositiveAnswer { answer }),
        /// See [`UpdatedInFuture`].
        UpdatedInFuture(UpdatedInFuture { updated_at, now }),
        /// See [`UnscalableAnswer`].
        UnscalableAnswer(UnscalableAnswer { answer, decimals }),
        /// See [`SequencerDown`].
        SequencerDown(SequencerDown { status }),
        /// See [`SequencerStatusUnknown`].
        SequencerStatusUnknown(SequencerStatusUnknown {}),
        /// See [`SequencerGracePeriod`].
        SequencerGracePeriod(SequencerGracePeriod { up_since, grace_ends, now }),
    }
    nested {
        /// A feed reverted; its revert data is passed on unchanged.
        External(ExternalRevert),
    }
}

/// The ABI export's additions to what stylus-sdk derives: events, error
/// field names and named return values.
#[cfg(feature = "export-abi")]
pub const ABI_SECTIONS: &[lrt_common::export::Section] = {
    use lrt_common::export::Section;
    &[
        Section::Declarations(SOL_DECLARATIONS),
        Section::NamedReturns(
            "
    function latestRate() external view returns (uint256 rate, uint256 updatedAt);
    function config() external view returns (address feed, address sequencerFeed, uint64 gracePeriod);
",
        ),
    ]
};

/// The adapter's storage, fixed at construction.
#[entrypoint]
#[storage]
pub struct ChainlinkRateSource {
    /// The `AggregatorV3Interface` feed: ETH (or an ETH-pegged unit) per token.
    feed: StorageAddress,
    /// The L2 sequencer uptime feed, or zero for none.
    sequencer_feed: StorageAddress,
    /// Seconds after the sequencer comes back up during which rates are refused.
    grace_period: StorageU64,
}

#[public]
impl ChainlinkRateSource {
    /// Fixes the feed, the sequencer uptime feed (zero for none: a chain
    /// without a sequencer) and the grace period. Only the program's
    /// creator may construct it.
    ///
    /// # Errors
    /// [`Error::NotCreator`], [`Error::InvalidFeed`],
    /// [`Error::GracePeriodTooLong`], [`Error::UnsupportedDecimals`]; the
    /// feed's revert data when `decimals()` fails.
    ///
    /// # Events
    /// `ChainlinkRateSourceConfigured`.
    #[constructor]
    pub fn constructor(
        &mut self,
        feed: Address,
        sequencer_feed: Address,
        grace_period: u64,
    ) -> Result<(), Error> {
        // As the roles' `init` checks it: settings chosen by whoever saw the
        // program created would be as bad as an admin chosen by them.
        let caller = self.vm().msg_sender();
        let creator = Address::from_word(
            self.vm()
                .storage_load_bytes32(U256::from_be_bytes(CREATOR_SLOT.0)),
        );
        if !creator.is_zero() && creator != caller {
            return Err(NotCreator { caller, creator }.into());
        }
        if feed.is_zero() {
            return Err(InvalidFeed { feed }.into());
        }
        if grace_period > MAX_GRACE_PERIOD {
            return Err(GracePeriodTooLong {
                grace_period,
                max: MAX_GRACE_PERIOD,
            }
            .into());
        }
        let decimals = feed_decimals(feed)?;
        self.feed.set(feed);
        self.sequencer_feed.set(sequencer_feed);
        self.grace_period.set(U64::from(grace_period));
        lrt_common::emit!(self.vm(), ChainlinkRateSourceConfigured {
            feed: feed, sequencer_feed: sequencer_feed;
            grace_period: grace_period, decimals: decimals
        });
        Ok(())
    }

    /// ETH per token (1e18 = 1:1), the feed's answer scaled from its
    /// decimals, and the feed's `updatedAt`, after the sequencer and round
    /// checks of the module documentation.
    ///
    /// # Errors
    /// [`Error::SequencerDown`], [`Error::SequencerStatusUnknown`],
    /// [`Error::SequencerGracePeriod`], [`Error::IncompleteRound`],
    /// [`Error::NonPositiveAnswer`], [`Error::UpdatedInFuture`],
    /// [`Error::UnsupportedDecimals`], [`Error::UnscalableAnswer`]; a
    /// feed's revert data.
    pub fn latest_rate(&self) -> Result<(U256, U256), Error> {
        let now = U256::from(self.vm().block_timestamp());
        let sequencer = self.sequencer_feed.get();
        if !sequencer.is_zero() {
            self.check_sequencer(sequencer, now)?;
        }
        let feed = self.feed.get();
        let round = static_call(feed, &calls::latestRoundDataCall::SELECTOR)?;
        let (round_id, answer) = (word(&round, 0), I256::from_raw(word(&round, 1)));
        let (updated_at, answered_in_round) = (word(&round, 3), word(&round, 4));
        if updated_at.is_zero() || answered_in_round < round_id {
            return Err(IncompleteRound {
                round_id,
                answered_in_round,
                updated_at,
            }
            .into());
        }
        if !answer.is_positive() {
            return Err(NonPositiveAnswer { answer }.into());
        }
        if updated_at > now {
            return Err(UpdatedInFuture { updated_at, now }.into());
        }
        let decimals = feed_decimals(feed)?;
        let rate =
            scale(answer.into_raw(), decimals).ok_or(UnscalableAnswer { answer, decimals })?;
        Ok((rate, updated_at))
    }

    /// The feed, the sequencer uptime feed (zero: none) and the grace period.
    pub fn config(&self) -> (Address, Address, u64) {
        (
            self.feed.get(),
            self.sequencer_feed.get(),
            self.grace_period.get().to::<u64>(),
        )
    }
}

impl ChainlinkRateSource {
    /// Fails unless the sequencer is up and has been for longer than the
    /// grace period.
    fn check_sequencer(&self, sequencer: Address, now: U256) -> Result<(), Error> {
        let round = static_call(sequencer, &calls::latestRoundDataCall::SELECTOR)?;
        let (status, up_since) = (word(&round, 1), word(&round, 2));
        if !status.is_zero() {
            return Err(SequencerDown {
                status: I256::from_raw(status),
            }
            .into());
        }
        if up_since.is_zero() {
            return Err(SequencerStatusUnknown {}.into());
        }
        let grace_ends = up_since.saturating_add(U256::from(self.grace_period.get()));
        // Usable from the first second after the grace period, as in
        // Chainlink's example consumer (`timeSinceUp <= GRACE_PERIOD_TIME`
        // reverts). A `startedAt` later than now is still in its grace.
        if now <= grace_ends {
            return Err(SequencerGracePeriod {
                up_since,
                grace_ends,
                now,
            }
            .into());
        }
        Ok(())
    }
}

/// The feed's decimals, at most [`MAX_DECIMALS`].
fn feed_decimals(feed: Address) -> Result<U256, Error> {
    let decimals = first_word(&static_call(feed, &calls::decimalsCall::SELECTOR)?);
    if decimals > U256::from(MAX_DECIMALS) {
        return Err(UnsupportedDecimals {
            decimals,
            max: U256::from(MAX_DECIMALS),
        }
        .into());
    }
    Ok(decimals)
}

/// `answer` (positive, with `decimals` ≤ [`MAX_DECIMALS`]) in 1e18, rounded
/// down; `None` when it scales to zero or past 256 bits.
fn scale(answer: U256, decimals: U256) -> Option<U256> {
    let decimals = decimals.to::<u64>();
    let rate = if decimals <= 18 {
        answer.checked_mul(U256::from(10).pow(U256::from(18 - decimals)))?
    } else {
        answer / U256::from(10).pow(U256::from(decimals - 18))
    };
    (!rate.is_zero()).then_some(rate)
}

#[cfg(test)]
mod tests;
