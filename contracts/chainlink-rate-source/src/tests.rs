//! The adapter against mock feeds: scaling from 8 and 18 decimals, every
//! refusal, and the sequencer guard through down, grace and up.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use lrt_common::access::AccessError;
use mock_aggregator::MockAggregator;
use motsu::prelude::*;

use super::*;

/// motsu's block time (its clock does not move).
const NOW: u64 = 1_735_689_600;
const HOUR: u64 = 3_600;

fn int(x: u128) -> I256 {
    I256::try_from(x).unwrap()
}

fn now() -> U256 {
    U256::from(NOW)
}

/// A feed with `decimals`, answering `answer`, updated now.
fn feed(admin: Address, decimals: u8, answer: I256) -> Contract<MockAggregator> {
    let feed = Contract::<MockAggregator>::new();
    feed.sender(admin)
        .constructor(admin, decimals, answer, U256::from(1))
        .motsu_unwrap();
    feed
}

/// A sequencer uptime feed: up (0) since `up_since`.
fn sequencer_up_since(admin: Address, up_since: u64) -> Contract<MockAggregator> {
    let sequencer = Contract::<MockAggregator>::new();
    sequencer
        .sender(admin)
        .constructor(admin, 0, I256::ZERO, U256::from(up_since))
        .motsu_unwrap();
    sequencer
}

fn adapter(
    admin: Address,
    feed: Address,
    sequencer: Address,
    grace: u64,
) -> Contract<ChainlinkRateSource> {
    let adapter = Contract::<ChainlinkRateSource>::new();
    adapter
        .sender(admin)
        .constructor(feed, sequencer, grace)
        .motsu_unwrap();
    adapter
}

fn set_round(
    feed: &Contract<MockAggregator>,
    admin: Address,
    round: u64,
    answer: I256,
    updated_at: U256,
    answered_in: u64,
) {
    feed.sender(admin)
        .set_round_data(
            U80::from(round),
            answer,
            updated_at,
            updated_at,
            U80::from(answered_in),
        )
        .motsu_unwrap();
}

/// The compact revert data equals alloy's encoding of the same error.
fn assert_encoding(err: Error) {
    let reference = err.reference_encoding();
    assert!(!reference.is_empty(), "not an adapter error: {err:?}");
    assert_eq!(Vec::<u8>::from(err), reference);
}

#[motsu::test]
fn an_8_decimal_answer_is_scaled_to_18(admin: Address) {
    // 1.18752011 ETH per token, as an 8-decimal feed reports it.
    let feed = feed(admin, 8, int(118_752_011));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    let (rate, updated_at) = adapter.sender(admin).latest_rate().motsu_unwrap();
    assert_eq!(rate, U256::from(1_187_520_110_000_000_000u128));
    assert_eq!(updated_at, now(), "the feed's updatedAt, unchanged");
    adapter.assert_emitted(&ChainlinkRateSourceConfigured {
        feed: feed.address(),
        sequencer_feed: Address::ZERO,
        grace_period: 0,
        decimals: U256::from(8),
    });
    assert_eq!(
        adapter.sender(admin).config(),
        (feed.address(), Address::ZERO, 0)
    );
}

#[motsu::test]
fn an_18_decimal_answer_is_taken_as_it_is(admin: Address) {
    let answer = 1_215_433_968_155_000_000u128; // wstETH-stETH, 18 decimals.
    let feed = feed(admin, 18, int(answer));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    let earlier = now() - U256::from(HOUR);
    set_round(&feed, admin, 7, int(answer), earlier, 7);
    assert_eq!(
        adapter.sender(admin).latest_rate().motsu_unwrap(),
        (U256::from(answer), earlier)
    );
}

#[motsu::test]
fn more_than_18_decimals_are_scaled_down_and_dust_is_refused(admin: Address) {
    let feed = feed(admin, 20, int(123_456_789_000_000_000_000));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    assert_eq!(
        adapter.sender(admin).latest_rate().motsu_unwrap().0,
        U256::from(1_234_567_890_000_000_000u128)
    );
    // 99 units of 1e-20 are below 1 wei of 1e18: refused, not zero.
    set_round(&feed, admin, 2, int(99), now(), 2);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UnscalableAnswer(UnscalableAnswer { answer, decimals })
            if answer == int(99) && decimals == U256::from(20)
    ));
    assert_encoding(err);
}

#[motsu::test]
fn an_answer_that_overflows_when_scaled_is_refused(admin: Address) {
    let feed = feed(admin, 0, I256::MAX);
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(err, Error::UnscalableAnswer(_)));
}

#[motsu::test]
fn zero_and_negative_answers_are_refused(admin: Address) {
    let feed = feed(admin, 18, int(1));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    for answer in [I256::ZERO, I256::MINUS_ONE, I256::MIN] {
        set_round(&feed, admin, 3, answer, now(), 3);
        let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
        assert!(
            matches!(err, Error::NonPositiveAnswer(NonPositiveAnswer { answer: a }) if a == answer),
            "{answer}: {err:?}"
        );
        assert_encoding(err);
    }
}

#[motsu::test]
fn incomplete_rounds_are_refused(admin: Address) {
    let feed = feed(admin, 18, int(1));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    // The answer was carried over from round 4 into round 5.
    set_round(&feed, admin, 5, int(1), now(), 4);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::IncompleteRound(IncompleteRound { round_id, answered_in_round, updated_at })
            if round_id == U256::from(5) && answered_in_round == U256::from(4) && updated_at == now()
    ));
    assert_encoding(err);
    // A round never updated.
    set_round(&feed, admin, 5, int(1), U256::ZERO, 5);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::IncompleteRound(IncompleteRound { updated_at, .. }) if updated_at.is_zero()
    ));
}

#[motsu::test]
fn an_update_stamped_in_the_future_is_refused(admin: Address) {
    let feed = feed(admin, 18, int(1));
    let adapter = adapter(admin, feed.address(), Address::ZERO, 0);
    let later = now() + U256::from(1);
    set_round(&feed, admin, 2, int(1), later, 2);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UpdatedInFuture(UpdatedInFuture { updated_at, now: n }) if updated_at == later && n == now()
    ));
    assert_encoding(err);
}

#[motsu::test]
fn no_rate_while_the_sequencer_is_down(admin: Address) {
    let feed = feed(admin, 18, int(1_050_000_000_000_000_000));
    let sequencer = sequencer_up_since(admin, 1);
    let adapter = adapter(admin, feed.address(), sequencer.address(), HOUR);
    assert_eq!(
        adapter.sender(admin).latest_rate().motsu_unwrap().0,
        U256::from(1_050_000_000_000_000_000u128),
        "up for long: the rate passes"
    );

    sequencer.sender(admin).set_answer(int(1)).motsu_unwrap();
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::SequencerDown(SequencerDown { status }) if status == int(1)
    ));
    assert_encoding(err);
}

#[motsu::test]
fn no_rate_during_the_grace_period_after_the_sequencer_comes_back(admin: Address) {
    let feed = feed(admin, 18, int(1_000_000_000_000_000_000));
    // Back up exactly `grace` seconds ago: still refused (strictly after).
    let sequencer = sequencer_up_since(admin, NOW - HOUR);
    let adapter = adapter(admin, feed.address(), sequencer.address(), HOUR);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::SequencerGracePeriod(SequencerGracePeriod { up_since, grace_ends, now: n })
            if up_since == now() - U256::from(HOUR) && grace_ends == now() && n == now()
    ));
    assert_encoding(err);
    // Back up now: refused.
    sequencer
        .sender(admin)
        .set_answer(I256::ZERO)
        .motsu_unwrap();
    assert!(matches!(
        adapter.sender(admin).latest_rate().motsu_unwrap_err(),
        Error::SequencerGracePeriod(_)
    ));
    // Up one second longer than the grace period: the rate passes.
    set_round(
        &sequencer,
        admin,
        3,
        I256::ZERO,
        now() - U256::from(HOUR + 1),
        3,
    );
    assert!(adapter.sender(admin).latest_rate().is_ok());
}

#[motsu::test]
fn a_sequencer_feed_without_a_status_counts_as_down(admin: Address) {
    let feed = feed(admin, 18, int(1));
    let sequencer = sequencer_up_since(admin, 0);
    let adapter = adapter(admin, feed.address(), sequencer.address(), 0);
    let err = adapter.sender(admin).latest_rate().motsu_unwrap_err();
    assert!(matches!(err, Error::SequencerStatusUnknown(_)));
    assert_encoding(err);
}

#[motsu::test]
fn construction_refuses_bad_settings(admin: Address) {
    let feed = feed(admin, 18, int(1));
    let adapter = Contract::<ChainlinkRateSource>::new();
    let err = adapter
        .sender(admin)
        .constructor(Address::ZERO, Address::ZERO, 0)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidFeed(InvalidFeed { feed }) if feed.is_zero()));
    assert_encoding(err);
    let err = adapter
        .sender(admin)
        .constructor(feed.address(), Address::ZERO, MAX_GRACE_PERIOD + 1)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::GracePeriodTooLong(GracePeriodTooLong { grace_period, max })
            if grace_period == MAX_GRACE_PERIOD + 1 && max == MAX_GRACE_PERIOD
    ));
    assert_encoding(err);
    let wide = self::feed(admin, 37, int(1));
    let err = adapter
        .sender(admin)
        .constructor(wide.address(), Address::ZERO, 0)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UnsupportedDecimals(UnsupportedDecimals { decimals, max })
            if decimals == U256::from(37) && max == U256::from(MAX_DECIMALS)
    ));
    assert_encoding(err);
}

#[motsu::test]
fn only_the_mock_feeds_admin_sets_it(admin: Address, stranger: Address) {
    let feed = feed(admin, 8, int(100_000_000));
    let err = feed.sender(stranger).set_answer(int(1)).motsu_unwrap_err();
    assert!(matches!(
        err,
        mock_aggregator::Error::Access(AccessError::Unauthorized(_))
    ));
    let err = feed
        .sender(stranger)
        .set_round_data(U80::from(9), int(1), now(), now(), U80::from(9))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        mock_aggregator::Error::Access(AccessError::Unauthorized(_))
    ));
    assert_eq!(feed.sender(stranger).decimals(), 8);
    let (round, answer, started_at, updated_at, answered_in) =
        feed.sender(stranger).latest_round_data();
    assert_eq!(
        (round, answer, started_at, updated_at, answered_in),
        (
            U80::from(1),
            int(100_000_000),
            U256::from(1),
            now(),
            U80::from(1)
        )
    );
    feed.sender(admin).set_answer(int(2)).motsu_unwrap();
    feed.assert_emitted(&mock_aggregator::AnswerUpdated {
        current: int(2),
        round_id: U256::from(2),
        updated_at: now(),
    });
    assert_eq!(feed.sender(stranger).latest_round_data().0, U80::from(2));
}
