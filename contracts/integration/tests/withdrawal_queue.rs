//! The withdrawal queue against the real vault, token, registry and
//! delegation contract: requests, FIFO finalization per payout asset,
//! claims, cancellations, pauses, slashing and rewards while a request
//! waits, and a property test over random sequences.
//!
//! motsu delivers ETH only to contracts, so every account paid in ETH here
//! is a contract with a `receive()` (the fixture's `EthSink`, or the
//! receivers below). Its block time never moves: the delay is tested by
//! setting one and seeing requests refused, everything else runs at a delay
//! of zero. It does not meter gas either, so "a receiver with an expensive
//! receive()" shows here that the payment is a plain call that runs the
//! receiver's code to the end; the gas forwarded is measured by the devnode
//! end-to-end tests.

extern crate alloc;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use lrt_common::{
    access::{AccessControlUnauthorizedAccount, AccessError},
    constants::ETH,
    external::ExternalRevert,
    transfer::EthTransferFailed,
};
use lrt_integration::{ether, op, rate, slasher, EthSink, Protocol, ETHER, EVIDENCE, NOW};
use lrt_withdrawal_queue::{self as queue, *};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::{
    ERC20InsufficientAllowance, ERC20InsufficientBalance, IErc20,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU256, StorageVec},
};

/// The selector of revert data another contract passed on unchanged.
fn passed_on(err: &queue::Error) -> [u8; 4] {
    match err {
        queue::Error::External(ExternalRevert(data)) => data[..4].try_into().unwrap(),
        other => panic!("expected a passed-on revert, got {other:?}"),
    }
}

/// The compact revert data equals alloy's encoding of the same error.
fn assert_encoding(err: queue::Error) {
    let reference = err.reference_encoding();
    assert!(!reference.is_empty(), "not a queue error: {err:?}");
    assert_eq!(Vec::<u8>::from(err), reference);
}

/// A wallet that can be paid in ETH.
fn wallet() -> Contract<EthSink> {
    Contract::new()
}

/// A receiver whose `receive()` does a lot of work: it writes 64 fresh
/// storage slots per payment (over a million gas on a real chain, far
/// beyond a 2,300 or 10,000 gas stipend).
#[storage]
pub struct GasHungry {
    marks: StorageVec<StorageU256>,
}

unsafe impl TopLevelStorage for GasHungry {}

#[public]
impl GasHungry {
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        for i in 0..64u64 {
            self.marks.push(U256::from(i + 1));
        }
        Ok(())
    }

    pub fn marks(&self) -> U256 {
        U256::from(self.marks.len())
    }
}

/// A receiver that refuses every payment.
#[storage]
pub struct Refuser;

unsafe impl TopLevelStorage for Refuser {}

#[public]
impl Refuser {
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Err(b"no ETH here".to_vec())
    }
}

trait QueueExt {
    fn request(&self, who: Address, shares: U256, asset: Address) -> U256;
    fn finalize(&self, asset: Address, n: u64) -> U256;
    fn status(&self, id: U256) -> u8;
    fn payout(&self, id: U256) -> U256;
    fn reserved(&self, asset: Address) -> U256;
    fn idle(&self, asset: Address) -> U256;
    fn escrow(&self) -> U256;
    fn fund_operator(&self, amount: U256);
}

impl QueueExt for Protocol {
    /// `who` requests `shares` of its own for itself.
    fn request(&self, who: Address, shares: U256, asset: Address) -> U256 {
        self.withdrawals
            .sender(who)
            .request_redeem(shares, who, who, asset)
            .motsu_unwrap()
    }

    fn finalize(&self, asset: Address, n: u64) -> U256 {
        self.withdrawals
            .sender(self.admin)
            .finalize(asset, U256::from(n))
            .motsu_unwrap()
    }

    fn status(&self, id: U256) -> u8 {
        self.withdrawals
            .sender(self.admin)
            .get_request(id)
            .motsu_unwrap()
            .5
    }

    fn payout(&self, id: U256) -> U256 {
        self.withdrawals
            .sender(self.admin)
            .get_request(id)
            .motsu_unwrap()
            .6
    }

    fn reserved(&self, asset: Address) -> U256 {
        self.vault.sender(self.admin).asset_totals(asset).4
    }

    fn idle(&self, asset: Address) -> U256 {
        self.vault.sender(self.admin).asset_totals(asset).0
    }

    fn escrow(&self) -> U256 {
        self.token.sender(self.admin).balance_of(self.queue)
    }

    /// Allow-lists the operator and delegates `amount` of idle ETH to it.
    fn fund_operator(&self, amount: U256) {
        self.add_operator(op(1), slasher(1));
        self.vault
            .sender(self.admin)
            .delegate(op(1), ETH, amount)
            .motsu_unwrap();
    }
}

// ----- Requests -----

#[motsu::test]
fn request_escrows_the_shares_and_records_the_request() {
    let p = Protocol::deploy();
    let alice = wallet();
    let a = alice.address();
    p.deposit_eth(a, ether(10));
    let rate_before = p.rate();

    let id = p.request(a, ether(4), ETH);
    assert_eq!(id, U256::ZERO);
    assert_eq!(p.balance(a), ether(6));
    assert_eq!(p.escrow(), ether(4));
    assert_eq!(p.rate(), rate_before, "a request does not move the rate");
    let (controller, asset, shares, value, requested_at, status, amount) =
        p.withdrawals.sender(a).get_request(id).motsu_unwrap();
    assert_eq!(
        (controller, asset, shares, value),
        (a, ETH, ether(4), ether(4))
    );
    assert_eq!(requested_at, NOW);
    assert_eq!((status, amount), (PENDING, U256::ZERO));
    assert_eq!(
        p.withdrawals.sender(a).pending_redeem_request(id, a),
        ether(4)
    );
    assert_eq!(
        p.withdrawals.sender(a).claimable_redeem_request(id, a),
        U256::ZERO
    );
    assert_eq!(
        p.withdrawals.sender(a).pending_redeem_request(id, p.admin),
        U256::ZERO,
        "another controller sees nothing"
    );
    assert_eq!(
        p.withdrawals.sender(a).queue_state(ETH),
        (U256::from(1), U256::ZERO, U256::from(1), ether(4), ether(4))
    );
    assert_eq!(
        p.withdrawals
            .sender(a)
            .requests_of(a, U256::ZERO, U256::from(10)),
        vec![U256::ZERO]
    );
    assert_eq!(p.withdrawals.sender(a).request_count_of(a), U256::from(1));
    assert_eq!(p.withdrawals.sender(a).request_count(), U256::from(1));
    p.withdrawals.assert_emitted(&RedeemRequest {
        controller: a,
        owner: a,
        request_id: id,
        sender: a,
        shares: ether(4),
    });
    p.withdrawals.assert_emitted(&RedeemQueued {
        request_id: id,
        payout_asset: ETH,
        value: ether(4),
        requested_at: NOW,
    });
}

#[motsu::test]
fn request_by_a_spender_needs_the_owners_allowance(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    let err = p
        .withdrawals
        .sender(bob)
        .request_redeem(ether(2), bob, alice, ETH)
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), ERC20InsufficientAllowance::SELECTOR);
    assert_eq!(p.balance(alice), ether(5));
    assert_eq!(p.withdrawals.sender(bob).request_count(), U256::ZERO);

    p.token.sender(alice).approve(bob, ether(3)).motsu_unwrap();
    let id = p
        .withdrawals
        .sender(bob)
        .request_redeem(ether(2), bob, alice, ETH)
        .motsu_unwrap();
    assert_eq!(p.balance(alice), ether(3));
    assert_eq!(p.token.sender(bob).allowance(alice, bob), ether(1));
    assert_eq!(
        p.withdrawals.sender(bob).get_request(id).motsu_unwrap().0,
        bob
    );
    p.withdrawals.assert_emitted(&RedeemRequest {
        controller: bob,
        owner: alice,
        request_id: id,
        sender: bob,
        shares: ether(2),
    });
}

#[motsu::test]
fn request_rejects_bad_input_and_changes_nothing(alice: Address, stranger: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    let q = &p.withdrawals;

    let err = q
        .sender(alice)
        .request_redeem(U256::ZERO, alice, alice, ETH)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::ZeroShares(_)));
    assert_encoding(err);

    let err = q
        .sender(alice)
        .request_redeem(ETHER, Address::ZERO, alice, ETH)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::InvalidAddress(InvalidAddress { account }) if account.is_zero())
    );
    assert_encoding(err);

    let err = q
        .sender(alice)
        .request_redeem(ETHER, alice, alice, stranger)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::UnsupportedPayoutAsset(UnsupportedPayoutAsset { asset }) if asset == stranger)
    );
    assert_encoding(err);

    let lst = p.lst.address();
    p.registry
        .sender(p.admin)
        .set_asset_enabled(lst, false)
        .motsu_unwrap();
    let err = q
        .sender(alice)
        .request_redeem(ETHER, alice, alice, lst)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::UnsupportedPayoutAsset(UnsupportedPayoutAsset { asset }) if asset == lst)
    );

    q.sender(p.admin)
        .set_request_limits(ETHER, ether(3))
        .motsu_unwrap();
    let small = ETHER - U256::from(1);
    let err = q
        .sender(alice)
        .request_redeem(small, alice, alice, ETH)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestBelowMinimum(RequestBelowMinimum { value, minimum }) if value == small && minimum == ETHER)
    );
    assert_encoding(err);
    let err = q
        .sender(alice)
        .request_redeem(ether(4), alice, alice, ETH)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestAboveMaximum(RequestAboveMaximum { value, maximum }) if value == ether(4) && maximum == ether(3))
    );
    assert_encoding(err);
    // The bounds themselves are accepted.
    q.sender(alice)
        .request_redeem(ETHER, alice, alice, ETH)
        .motsu_unwrap();
    q.sender(alice)
        .request_redeem(ether(3), alice, alice, ETH)
        .motsu_unwrap();

    let err = q
        .sender(alice)
        .request_redeem(ether(2), alice, alice, ETH)
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), ERC20InsufficientBalance::SELECTOR);

    assert_eq!(p.balance(alice), ether(1));
    assert_eq!(p.escrow(), ether(4));
    assert_eq!(
        q.sender(alice).queue_state(ETH),
        (U256::from(2), U256::ZERO, U256::from(2), ether(4), ether(4))
    );
    assert_eq!(q.sender(alice).queue_state(lst).0, U256::ZERO);
}

#[motsu::test]
fn an_enabled_lst_is_a_payout_asset(alice: Address, carol: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    p.deposit_lst(carol, ether(5));
    let lst = p.lst.address();
    let id = p.request(alice, ether(2), lst);
    assert_eq!(
        p.withdrawals.sender(alice).get_request(id).motsu_unwrap().1,
        lst
    );
    assert_eq!(
        p.withdrawals.sender(alice).queue_state(lst).2,
        U256::from(1)
    );
    assert_eq!(p.withdrawals.sender(alice).queue_state(ETH).2, U256::ZERO);
}

// ----- Finalization -----

#[motsu::test]
fn finalize_burns_the_shares_and_reserves_the_payouts(anyone: Address) {
    let p = Protocol::deploy();
    let (alice, bob) = (wallet(), wallet());
    let (a, b) = (alice.address(), bob.address());
    p.deposit_eth(a, ether(10));
    p.deposit_eth(b, ether(10));
    let first = p.request(a, ether(3), ETH);
    let second = p.request(b, ether(2), ETH);
    let (supply, total, rate_before) = (p.supply(), p.total(), p.rate());

    let done = p
        .withdrawals
        .sender(anyone)
        .finalize(ETH, U256::from(10))
        .motsu_unwrap();
    assert_eq!(done, U256::from(2));
    assert_eq!(p.status(first), FINALIZED);
    assert_eq!(p.status(second), FINALIZED);
    assert_eq!(p.payout(first), ether(3));
    assert_eq!(p.payout(second), ether(2));
    assert_eq!(p.supply(), supply - ether(5), "escrowed shares burned");
    assert_eq!(p.escrow(), U256::ZERO);
    assert_eq!(p.total(), total - ether(5), "payouts left total assets");
    assert_eq!(p.reserved(ETH), ether(5));
    assert_eq!(p.idle(ETH), ether(15));
    assert!(p.rate() >= rate_before, "finalization lowered the rate");
    assert_eq!(
        p.withdrawals.sender(a).claimable_redeem_request(first, a),
        ether(3)
    );
    assert_eq!(
        p.withdrawals.sender(a).pending_redeem_request(first, a),
        U256::ZERO
    );
    assert_eq!(
        p.withdrawals.sender(a).queue_state(ETH),
        (
            U256::from(2),
            U256::from(2),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
    p.withdrawals.assert_emitted(&RedeemFinalized {
        request_id: first,
        controller: a,
        asset: ETH,
        shares: ether(3),
        value: ether(3),
        amount: ether(3),
        share_rate: ETHER,
        asset_rate: ETHER,
    });
    p.vault.assert_emitted(&lrt_vault::WithdrawalReserved {
        asset: ETH,
        amount: ether(5),
    });
    p.assert_books();

    let err = p
        .withdrawals
        .sender(anyone)
        .finalize(ETH, U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::NothingToFinalize(NothingToFinalize { asset }) if asset == ETH)
    );
    assert_encoding(err);
}

#[motsu::test]
fn finalize_keeps_fifo_per_payout_asset(alice: Address, bob: Address, carol: Address) {
    let p = Protocol::deploy();
    let lst = p.lst.address();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    p.deposit_lst(carol, ether(20));
    let r0 = p.request(alice, ether(1), ETH);
    let r1 = p.request(bob, ether(2), lst);
    let r2 = p.request(alice, ether(1), ETH);
    let r3 = p.request(bob, ether(3), lst);
    // Both LST requests, at 1.05 ETH per token, against 20 tokens idle.
    assert_eq!(
        p.withdrawals
            .sender(alice)
            .liquidity_needed(lst, U256::from(5))
            .motsu_unwrap(),
        (
            ether(2) * ETHER / rate(105) + ether(3) * ETHER / rate(105),
            ether(20),
            U256::from(2)
        )
    );

    assert_eq!(p.finalize(lst, 1), U256::from(1));
    assert_eq!(p.status(r1), FINALIZED, "the oldest LST request first");
    assert_eq!(p.status(r3), PENDING);
    assert_eq!(p.status(r0), PENDING, "the ETH line is untouched");
    // 2 ETH of value at 1.05 ETH per token, rounded down.
    assert_eq!(p.payout(r1), ether(2) * ETHER / rate(105));
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(lst),
        (true, r3, NOW)
    );
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(ETH),
        (true, r0, NOW)
    );

    assert_eq!(p.finalize(ETH, 1), U256::from(1));
    assert_eq!(p.status(r0), FINALIZED);
    assert_eq!(p.status(r2), PENDING);
    assert_eq!(p.finalize(ETH, 5), U256::from(1));
    assert_eq!(p.finalize(lst, 5), U256::from(1));
    assert_eq!(p.status(r2), FINALIZED);
    assert_eq!(p.status(r3), FINALIZED);
    assert_eq!(p.reserved(ETH), ether(2));
    assert_eq!(p.reserved(lst), p.payout(r1) + p.payout(r3));
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(lst),
        (false, U256::ZERO, 0)
    );
    p.assert_books();
}

/// The line is a chain of requests: once every request in it is processed
/// the next one starts it again, and cancelled links are passed over in
/// order. Each controller's requests stay listed oldest first across lines.
#[motsu::test]
fn a_line_that_empties_and_fills_again_keeps_its_order(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    let lst = p.lst.address();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    p.deposit_lst(bob, ether(10));
    let r0 = p.request(alice, ether(1), ETH);
    assert_eq!(p.finalize(ETH, 5), U256::from(1));
    let err = p
        .withdrawals
        .sender(p.admin)
        .finalize(ETH, U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::NothingToFinalize(NothingToFinalize { asset }) if asset == ETH)
    );

    let r1 = p.request(bob, ether(1), ETH);
    let r2 = p.request(alice, ether(1), lst);
    let r3 = p.request(alice, ether(1), ETH);
    p.withdrawals.sender(bob).cancel(r1).motsu_unwrap();
    let r4 = p.request(bob, ether(1), ETH);
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(ETH),
        (true, r3, NOW),
        "the cancelled head is passed over"
    );
    // One position: the cancelled head, nothing finalized.
    assert_eq!(p.finalize(ETH, 1), U256::ZERO);
    assert_eq!(p.finalize(ETH, 5), U256::from(2));
    assert_eq!((p.status(r3), p.status(r4)), (FINALIZED, FINALIZED));
    assert_eq!(p.status(r2), PENDING, "the LST line is its own");
    assert_eq!(
        p.withdrawals.sender(alice).queue_state(ETH),
        (
            U256::from(4),
            U256::from(4),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
    let all = |who: Address| {
        p.withdrawals
            .sender(who)
            .requests_of(who, U256::ZERO, U256::MAX)
    };
    assert_eq!(all(alice), vec![r0, r2, r3]);
    assert_eq!(all(bob), vec![r1, r4]);
    assert_eq!(
        p.withdrawals
            .sender(alice)
            .requests_of(alice, U256::from(1), U256::from(1)),
        vec![r2]
    );
    assert_eq!(p.withdrawals.sender(alice).request_count(), U256::from(5));
    p.assert_books();
}

/// A request keeps its shares and value in 96 bits (~7.9e10 ETH, finding
/// I-5): a larger one fails with `MathOverflow` and changes nothing, never
/// truncates.
#[motsu::test]
fn a_request_beyond_96_bits_is_refused_whole(whale: Address) {
    let p = Protocol::deploy();
    let huge = ether(80_000_000_000);
    assert!(huge > U256::from(u128::MAX >> 32), "above 2^96 wei");
    p.deposit_eth(whale, huge);
    let err = p
        .withdrawals
        .sender(whale)
        .request_redeem(huge, whale, whale, ETH)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::MathOverflow(_)));
    assert_eq!(p.balance(whale), huge, "the escrow was undone");
    assert_eq!(p.withdrawals.sender(whale).request_count(), U256::ZERO);
    assert_eq!(
        p.withdrawals.sender(whale).request_count_of(whale),
        U256::ZERO
    );
    // Just below the bound, it is accepted.
    let most = U256::from(u128::MAX >> 32);
    let id = p.request(whale, most, ETH);
    assert_eq!(p.status(id), PENDING);
}

#[motsu::test]
fn finalize_honours_the_batch_bounds(alice: Address, stranger: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    let ids: Vec<U256> = (0..7).map(|_| p.request(alice, ETHER, ETH)).collect();

    let err = p
        .withdrawals
        .sender(alice)
        .finalize(ETH, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::BatchSizeZero(_)));
    assert_encoding(err);

    assert_eq!(p.finalize(ETH, 2), U256::from(2));
    assert_eq!(p.status(ids[1]), FINALIZED);
    assert_eq!(p.status(ids[2]), PENDING);

    p.withdrawals
        .sender(p.admin)
        .set_batch_cap(3)
        .motsu_unwrap();
    p.withdrawals.assert_emitted(&BatchCapSet { cap: 3 });
    // A caller asking for more than the cap (even more than fits in 64 bits)
    // gets the cap.
    let done = p
        .withdrawals
        .sender(alice)
        .finalize(ETH, U256::MAX)
        .motsu_unwrap();
    assert_eq!(done, U256::from(3));
    assert_eq!(p.status(ids[4]), FINALIZED);
    assert_eq!(p.status(ids[5]), PENDING);

    for cap in [0, MAX_BATCH + 1] {
        let err = p
            .withdrawals
            .sender(p.admin)
            .set_batch_cap(cap)
            .motsu_unwrap_err();
        assert!(
            matches!(err, queue::Error::InvalidBatchCap(InvalidBatchCap { cap: c, max }) if c == cap && max == MAX_BATCH)
        );
        assert_encoding(err);
    }
    p.withdrawals
        .sender(p.admin)
        .set_batch_cap(MAX_BATCH)
        .motsu_unwrap();
    let err = p
        .withdrawals
        .sender(stranger)
        .set_batch_cap(5)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::Access(AccessError::Unauthorized(AccessControlUnauthorizedAccount { account, .. })) if account == stranger
    ));
    assert_eq!(p.withdrawals.sender(alice).config().6, MAX_BATCH);
}

#[motsu::test]
fn the_batch_bound_counts_skipped_cancellations(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    let ids: Vec<U256> = (0..4).map(|_| p.request(alice, ETHER, ETH)).collect();
    for id in &ids[..2] {
        p.withdrawals.sender(alice).cancel(*id).motsu_unwrap();
    }
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(ETH),
        (true, ids[2], NOW)
    );
    // Two positions walked, both cancelled: progress, nothing finalized.
    assert_eq!(p.finalize(ETH, 2), U256::ZERO);
    assert_eq!(
        p.withdrawals.sender(alice).queue_state(ETH).1,
        U256::from(2)
    );
    assert_eq!(p.finalize(ETH, 5), U256::from(2));
    assert_eq!(p.status(ids[0]), CANCELLED);
    assert_eq!(p.status(ids[3]), FINALIZED);
}

#[motsu::test]
fn finalize_waits_for_the_withdrawal_delay(alice: Address, stranger: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    let day = 86_400;
    p.withdrawals
        .sender(p.admin)
        .set_withdrawal_delay(day)
        .motsu_unwrap();
    p.withdrawals
        .assert_emitted(&WithdrawalDelaySet { delay: day });
    let id = p.request(alice, ETHER, ETH);
    let now = NOW;
    assert_eq!(
        p.withdrawals.sender(alice).next_finalizable(ETH),
        (true, id, now + day)
    );
    let err = p
        .withdrawals
        .sender(alice)
        .finalize(ETH, U256::from(5))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::RequestNotDue(RequestNotDue { request_id, due_at, now: at })
            if request_id == id && due_at == now + day && at == now
    ));
    assert_encoding(err);
    assert_eq!(p.status(id), PENDING);
    assert_eq!(p.escrow(), ETHER);

    let too_long = MAX_WITHDRAWAL_DELAY + 1;
    let err = p
        .withdrawals
        .sender(p.admin)
        .set_withdrawal_delay(too_long)
        .motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::DelayTooLong(DelayTooLong { delay, max }) if delay == too_long && max == MAX_WITHDRAWAL_DELAY)
    );
    assert_encoding(err);
    let err = p
        .withdrawals
        .sender(stranger)
        .set_withdrawal_delay(0)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::Access(_)));

    // The delay applies to requests already waiting.
    p.withdrawals
        .sender(p.admin)
        .set_withdrawal_delay(0)
        .motsu_unwrap();
    assert_eq!(p.finalize(ETH, 5), U256::from(1));
}

#[motsu::test]
fn finalize_stops_where_idle_liquidity_runs_out(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.fund_operator(ether(7));
    let first = p.request(alice, ether(2), ETH);
    let second = p.request(alice, ether(2), ETH);
    let third = p.request(alice, ETHER / U256::from(2), ETH);

    assert_eq!(
        p.withdrawals
            .sender(alice)
            .liquidity_needed(ETH, U256::from(10))
            .motsu_unwrap(),
        (ether(4) + ETHER / U256::from(2), ether(3), U256::from(3))
    );
    assert_eq!(
        p.withdrawals
            .sender(alice)
            .liquidity_needed(ETH, U256::from(1))
            .motsu_unwrap(),
        (ether(2), ether(3), U256::from(1))
    );
    // 3 ETH idle: the first fits, the second does not, and the third,
    // although it would fit, waits behind it.
    assert_eq!(p.finalize(ETH, 10), U256::from(1));
    assert_eq!(p.status(first), FINALIZED);
    assert_eq!(p.status(second), PENDING);
    assert_eq!(p.status(third), PENDING);

    let err = p
        .withdrawals
        .sender(alice)
        .finalize(ETH, U256::from(10))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::InsufficientLiquidity(InsufficientLiquidity { asset, request_id, idle, needed })
            if asset == ETH && request_id == second && idle == ETHER && needed == ether(2)
    ));
    assert_encoding(err);

    // Stake coming home refills the buffer.
    let entry = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    p.delegation
        .sender(alice)
        .complete_unbonding(entry)
        .motsu_unwrap();
    assert_eq!(p.finalize(ETH, 10), U256::from(2));
    assert_eq!(p.idle(ETH), ETHER / U256::from(2));
    p.assert_books();
}

#[motsu::test]
fn a_bad_lst_rate_blocks_only_that_assets_line(alice: Address, carol: Address) {
    let p = Protocol::deploy();
    let lst = p.lst.address();
    p.deposit_eth(alice, ether(10));
    p.deposit_lst(carol, ether(10));
    let eth_request = p.request(alice, ETHER, ETH);
    let lst_request = p.request(alice, ETHER, lst);

    let stale = U256::from(NOW - 2 * 86_400);
    p.source
        .sender(p.admin)
        .set_rate_at(rate(105), stale)
        .motsu_unwrap();
    let err = p
        .withdrawals
        .sender(alice)
        .finalize(lst, U256::from(5))
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), lrt_asset_registry::StaleRate::SELECTOR);
    assert_eq!(p.status(lst_request), PENDING);
    assert_eq!(p.finalize(ETH, 5), U256::from(1));
    assert_eq!(p.status(eth_request), FINALIZED);

    // A fresh rate, moved within the registry's bound: finalization syncs the
    // vault's books to it and pays at it.
    p.source.sender(p.admin).set_rate(rate(107)).motsu_unwrap();
    assert_eq!(p.finalize(lst, 5), U256::from(1));
    let (value, amount) = {
        let r = p
            .withdrawals
            .sender(alice)
            .get_request(lst_request)
            .motsu_unwrap();
        (r.3, r.6)
    };
    assert_eq!(p.vault.sender(alice).asset_totals(lst).2, rate(107));
    // The request was worth 1 ETH; the LST's revaluation raised the rate of
    // lrETH, so it pays its request-time value.
    assert_eq!(value, ETHER);
    assert_eq!(amount, ETHER * ETHER / rate(107));
    p.assert_books();
}

// ----- Slashing and rewards while a request waits -----

#[motsu::test]
fn a_slash_before_finalization_reaches_the_request(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    p.fund_operator(ether(10));
    let id = p.request(alice, ether(10), ETH);
    let value_at_request = p.withdrawals.sender(alice).get_request(id).motsu_unwrap().3;
    assert_eq!(value_at_request, ether(10));

    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(4), EVIDENCE)
        .motsu_unwrap();
    let worth_now = p
        .vault
        .sender(alice)
        .convert_to_assets(ether(10))
        .motsu_unwrap();
    assert!(worth_now < value_at_request);
    let (bob_before, rate_before) = (p.redeemable(bob), p.rate());

    assert_eq!(p.finalize(ETH, 1), U256::from(1));
    assert_eq!(p.payout(id), worth_now, "pays the lower, slashed value");
    // 10 of 20 shares after 16 ETH remain, less the virtual position's part.
    assert!(
        worth_now.abs_diff(ether(8)) <= U256::from(1_000),
        "half of a 4 ETH slash: {worth_now}"
    );
    assert!(p.rate() >= rate_before);
    assert!(p.redeemable(bob) >= bob_before, "bob keeps his share");
    p.assert_books();
}

#[motsu::test]
fn rewards_while_a_request_waits_stay_in_the_vault(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    let id = p.request(alice, ether(10), ETH);
    let rewards = ether(20) / U256::from(100);
    p.admin.fund(rewards);
    p.vault
        .sender_and_value(p.admin, rewards)
        .distribute_rewards()
        .motsu_unwrap();
    let worth_now = p
        .vault
        .sender(alice)
        .convert_to_assets(ether(10))
        .motsu_unwrap();
    assert!(worth_now > ether(10));
    let rate_before = p.rate();

    p.finalize(ETH, 1);
    assert_eq!(p.payout(id), ether(10), "pays its request-time value");
    // Bob, the only holder left, keeps the whole reward.
    let bob_now = p.redeemable(bob);
    assert!(
        bob_now.abs_diff(ether(10) + rewards) <= U256::from(1_000),
        "bob {bob_now}"
    );
    assert!(p.rate() > rate_before, "the excess stayed with the holders");
    assert_eq!(p.total(), ether(10) + rewards);
    p.assert_books();
}

/// What alice is paid and bob keeps when a slash of 4 ETH lands, with
/// alice requesting before it or only after it.
fn slash_outcome(alice: Address, bob: Address, request_first: bool) -> (U256, U256) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    p.fund_operator(ether(10));
    let early = request_first.then(|| p.request(alice, ether(10), ETH));
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(4), EVIDENCE)
        .motsu_unwrap();
    let id = early.unwrap_or_else(|| p.request(alice, ether(10), ETH));
    p.finalize(ETH, 1);
    p.assert_books();
    (p.payout(id), p.redeemable(bob))
}

#[motsu::test]
fn requesting_ahead_of_a_known_slash_gains_nothing(alice: Address, bob: Address) {
    let (paid_early, bob_early) = slash_outcome(alice, bob, true);
    let (paid_late, bob_late) = slash_outcome(alice, bob, false);
    assert!(paid_early <= paid_late, "{paid_early} > {paid_late}");
    assert_eq!(paid_early, paid_late);
    assert_eq!(bob_early, bob_late);
}

// ----- Claims -----

#[motsu::test]
fn claim_pays_the_controller_once(anyone: Address) {
    let p = Protocol::deploy();
    let alice = wallet();
    let a = alice.address();
    p.deposit_eth(a, ether(10));
    let id = p.request(a, ether(3), ETH);
    let pending = p.request(a, ether(1), ETH);
    // A keeper pushes alice's payout: an operator she chose.
    p.withdrawals
        .sender(a)
        .set_operator(anyone, true)
        .motsu_unwrap();

    let err = p.withdrawals.sender(anyone).claim(id).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestNotFinalized(RequestNotFinalized { request_id }) if request_id == id)
    );
    assert_encoding(err);

    p.finalize(ETH, 1);
    let vault_eth = p.vault.balance();
    let paid = p.withdrawals.sender(anyone).claim(id).motsu_unwrap();
    assert_eq!(paid, ether(3));
    assert_eq!(alice.balance(), ether(3), "paid to the controller");
    assert_eq!(alice.sender(a).payments(), U256::from(1));
    assert_eq!(p.vault.balance(), vault_eth - ether(3));
    assert_eq!(
        p.withdrawals.balance(),
        U256::ZERO,
        "the queue holds no ETH"
    );
    assert_eq!(p.reserved(ETH), U256::ZERO);
    assert_eq!(p.status(id), CLAIMED);
    assert_eq!(
        p.withdrawals.sender(a).claimable_redeem_request(id, a),
        U256::ZERO
    );
    p.withdrawals.assert_emitted(&RedeemClaimed {
        request_id: id,
        controller: a,
        receiver: a,
        asset: ETH,
        amount: ether(3),
    });

    let err = p.withdrawals.sender(a).claim(id).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestAlreadyClaimed(RequestAlreadyClaimed { request_id }) if request_id == id)
    );
    assert_encoding(err);
    assert_eq!(alice.balance(), ether(3));

    let unknown = U256::from(99);
    let err = p.withdrawals.sender(a).claim(unknown).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::UnknownRequest(UnknownRequest { request_id }) if request_id == unknown)
    );
    assert_encoding(err);
    // An id past 64 bits is unknown too, and reported as given.
    let beyond = U256::from(1) << 64;
    let err = p.withdrawals.sender(a).claim(beyond).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::UnknownRequest(UnknownRequest { request_id }) if request_id == beyond)
    );
    let err = p
        .withdrawals
        .sender(a)
        .get_request(unknown)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::UnknownRequest(_)));

    p.withdrawals.sender(a).cancel(pending).motsu_unwrap();
    let err = p.withdrawals.sender(a).claim(pending).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestAlreadyCancelled(RequestAlreadyCancelled { request_id }) if request_id == pending)
    );
    assert_encoding(err);
    p.assert_books();
}

#[motsu::test]
fn claim_pays_an_lst_payout_in_the_lst(alice: Address, carol: Address) {
    let p = Protocol::deploy();
    let lst = p.lst.address();
    p.deposit_eth(alice, ether(10));
    p.deposit_lst(carol, ether(10));
    let id = p.request(alice, ether(5) / U256::from(2), lst);
    p.finalize(lst, 1);
    let amount = p.payout(id);
    assert_eq!(amount, ether(5) / U256::from(2) * ETHER / rate(105));
    let paid = p.withdrawals.sender(alice).claim(id).motsu_unwrap();
    assert_eq!(paid, amount);
    assert_eq!(p.lst.sender(carol).balance_of(carol), U256::ZERO);
    assert_eq!(p.lst.sender(alice).balance_of(alice), amount);
    assert_eq!(p.reserved(lst), U256::ZERO);
    p.assert_books();
}

#[motsu::test]
fn claim_to_lets_only_the_controller_name_the_receiver(alice: Address, stranger: Address) {
    let p = Protocol::deploy();
    let elsewhere = wallet();
    p.deposit_eth(alice, ether(5));
    let id = p.request(alice, ether(2), ETH);
    p.finalize(ETH, 1);

    let err = p
        .withdrawals
        .sender(stranger)
        .claim_to(id, stranger)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::NotController(NotController { caller, controller })
            if caller == stranger && controller == alice
    ));
    assert_encoding(err);
    let err = p
        .withdrawals
        .sender(alice)
        .claim_to(id, Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::InvalidAddress(_)));

    p.withdrawals
        .sender(alice)
        .claim_to(id, elsewhere.address())
        .motsu_unwrap();
    assert_eq!(elsewhere.balance(), ether(2));
    p.withdrawals.assert_emitted(&RedeemClaimed {
        request_id: id,
        controller: alice,
        receiver: elsewhere.address(),
        asset: ETH,
        amount: ether(2),
    });
}

#[motsu::test]
fn claim_batch_is_all_or_nothing(anyone: Address) {
    let p = Protocol::deploy();
    let (alice, bob) = (wallet(), wallet());
    let (a, b) = (alice.address(), bob.address());
    p.deposit_eth(a, ether(10));
    p.deposit_eth(b, ether(10));
    let r0 = p.request(a, ether(1), ETH);
    let r1 = p.request(b, ether(2), ETH);
    let r2 = p.request(a, ether(3), ETH);
    p.finalize(ETH, 3);
    // A keeper claims for both: each chose it as an operator.
    for controller in [a, b] {
        p.withdrawals
            .sender(controller)
            .set_operator(anyone, true)
            .motsu_unwrap();
    }

    let err = p
        .withdrawals
        .sender(anyone)
        .claim_batch(vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::BatchSizeZero(_)));

    let paid = p
        .withdrawals
        .sender(anyone)
        .claim_batch(vec![r0, r1])
        .motsu_unwrap();
    assert_eq!(paid, ether(3));
    assert_eq!(alice.balance(), ether(1));
    assert_eq!(bob.balance(), ether(2));

    // A claimed id in the batch fails it whole; r2 stays claimable.
    let err = p
        .withdrawals
        .sender(anyone)
        .claim_batch(vec![r2, r0])
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::RequestAlreadyClaimed(_)));
    assert_eq!(p.status(r2), FINALIZED);
    assert_eq!(alice.balance(), ether(1));
    assert_eq!(p.reserved(ETH), ether(3));
    p.withdrawals
        .sender(anyone)
        .claim_batch(vec![r2])
        .motsu_unwrap();
    assert_eq!(alice.balance(), ether(4));
    p.assert_books();
}

#[motsu::test]
fn a_receiver_with_an_expensive_receive_is_paid(alice: Address) {
    let p = Protocol::deploy();
    let hungry = Contract::<GasHungry>::new();
    p.deposit_eth(alice, ether(5));
    let id = p.request(alice, ether(2), ETH);
    p.finalize(ETH, 1);
    p.withdrawals
        .sender(alice)
        .claim_to(id, hungry.address())
        .motsu_unwrap();
    assert_eq!(hungry.balance(), ether(2));
    assert_eq!(hungry.sender(alice).marks(), U256::from(64));
    assert_eq!(p.status(id), CLAIMED);
}

#[motsu::test]
fn a_refused_payment_reverts_and_stays_claimable() {
    let p = Protocol::deploy();
    let refuser = Contract::<Refuser>::new();
    let r = refuser.address();
    let elsewhere = wallet();
    p.deposit_eth(r, ether(5));
    let id = p.request(r, ether(2), ETH);
    p.finalize(ETH, 1);

    let err = p.withdrawals.sender(r).claim(id).motsu_unwrap_err();
    assert_eq!(passed_on(&err), EthTransferFailed::SELECTOR);
    assert_eq!(p.status(id), FINALIZED);
    assert_eq!(p.reserved(ETH), ether(2));
    assert_eq!(refuser.balance(), U256::ZERO);
    assert_eq!(
        p.withdrawals.sender(r).claimable_redeem_request(id, r),
        ether(2)
    );

    // The controller sends it somewhere that takes ETH.
    p.withdrawals
        .sender(r)
        .claim_to(id, elsewhere.address())
        .motsu_unwrap();
    assert_eq!(elsewhere.balance(), ether(2));
    p.assert_books();
}

// ----- Regressions of the outside review's findings 4 and 5 (audits/FINDINGS.md) -----

/// Finding 4: a request for more of an asset than the vault holds used to
/// join the line and stop every later request of that asset behind it for
/// good. A line now takes only what the vault's book of its asset can pay,
/// so the request is refused and the line keeps moving.
#[motsu::test]
fn an_oversized_request_cannot_block_a_payout_line(carol: Address, mallory: Address) {
    let p = Protocol::deploy();
    let lst = p.lst.address();
    let alice = wallet();
    let a = alice.address();
    p.deposit_lst(carol, ether(2)); // 2.1 ETH of stETH: all the vault holds of it.
    p.deposit_eth(mallory, ether(50));
    p.deposit_eth(a, ether(1));
    let holdings = p.vault.sender(p.admin).asset_totals(lst).3;
    assert_eq!(holdings, rate(210));

    let shares = ether(40);
    let value = p
        .vault
        .sender(mallory)
        .convert_to_assets(shares)
        .motsu_unwrap();
    let (escrow, balance, line) = (
        p.escrow(),
        p.balance(mallory),
        p.withdrawals.sender(p.admin).queue_state(lst),
    );
    let err = p
        .withdrawals
        .sender(mallory)
        .request_redeem(shares, mallory, mallory, lst)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::RequestExceedsLine(RequestExceedsLine { asset, line_value, holdings: h })
            if asset == lst && line_value == value && h == holdings
    ));
    assert_encoding(err);
    assert_eq!(p.escrow(), escrow, "nothing escrowed");
    assert_eq!(p.balance(mallory), balance);
    assert_eq!(p.withdrawals.sender(p.admin).queue_state(lst), line);
    assert_eq!(p.withdrawals.sender(p.admin).request_count(), U256::ZERO);

    // The next request of the line is finalized and paid.
    let id = p.request(a, ETHER, lst);
    assert_eq!(p.finalize(lst, 10), U256::from(1));
    p.withdrawals.sender(a).claim(id).motsu_unwrap();
    assert_eq!(p.lst.sender(a).balance_of(a), p.payout(id));
    assert!(!p.payout(id).is_zero());

    // The bound is on the line as a whole: requests that together exceed
    // the book are refused from the first one that would overflow it.
    let holdings = p.vault.sender(p.admin).asset_totals(lst).3;
    let half = p
        .vault
        .sender(p.admin)
        .convert_to_shares(holdings / U256::from(2))
        .motsu_unwrap();
    p.request(mallory, half, lst);
    p.request(mallory, half, lst);
    let err = p
        .withdrawals
        .sender(mallory)
        .request_redeem(ether(1), mallory, mallory, lst)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::RequestExceedsLine(_)));
    p.assert_books();
}

/// The ETH line counts delegated ETH as what it can pay (undelegation
/// brings it back), and nothing more.
#[motsu::test]
fn the_eth_line_takes_requests_up_to_idle_and_delegated_eth(alice: Address, carol: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    // Carol's stETH backs her shares but pays nothing on the ETH line.
    p.deposit_lst(carol, ether(5));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(8))
        .motsu_unwrap();
    p.request(alice, ether(9), ETH);
    let err = p
        .withdrawals
        .sender(carol)
        .request_redeem(ether(2), carol, carol, ETH)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::RequestExceedsLine(RequestExceedsLine { asset, holdings, .. })
            if asset == ETH && holdings == ether(10)
    ));
    assert_eq!(
        p.balance(carol),
        rate(525),
        "the refused shares stayed with carol"
    );
    // Paid in stETH, the same request fits that line.
    p.request(carol, ether(2), p.lst.address());
}

/// Finding 5: anyone could claim another controller's request, pushing the
/// payout where the controller did not choose. ERC-7540's operator model:
/// only the controller or an operator it approved claims, claims to a
/// receiver, or cancels.
#[motsu::test]
fn a_stranger_cannot_claim_cancel_or_redirect_a_request(mallory: Address, keeper: Address) {
    let p = Protocol::deploy();
    let (alice, elsewhere) = (wallet(), wallet());
    let a = alice.address();
    p.deposit_eth(a, ether(10));
    let finalized = p.request(a, ether(2), ETH);
    p.finalize(ETH, 1);
    let pending = p.request(a, ether(3), ETH);
    let q = &p.withdrawals;
    let not_controller = |err: &queue::Error, who: Address| {
        matches!(err, queue::Error::NotController(NotController { caller, controller })
            if *caller == who && *controller == a)
    };

    let attempts: [(&str, queue::Error); 4] = [
        (
            "claim",
            q.sender(mallory).claim(finalized).motsu_unwrap_err(),
        ),
        (
            "claimTo",
            q.sender(mallory)
                .claim_to(finalized, mallory)
                .motsu_unwrap_err(),
        ),
        (
            "claimBatch",
            q.sender(mallory)
                .claim_batch(vec![finalized])
                .motsu_unwrap_err(),
        ),
        (
            "cancel",
            q.sender(mallory).cancel(pending).motsu_unwrap_err(),
        ),
    ];
    for (what, err) in attempts {
        assert!(not_controller(&err, mallory), "{what}: {err:?}");
        assert_encoding(err);
    }
    assert_eq!(p.status(finalized), FINALIZED);
    assert_eq!(p.status(pending), PENDING);
    assert_eq!(alice.balance(), U256::ZERO);
    assert!(!q.sender(mallory).is_operator(a, mallory));

    // Alice approves a keeper: it claims where it names, and cancels.
    assert!(q.sender(a).set_operator(keeper, true).motsu_unwrap());
    q.assert_emitted(&OperatorSet {
        controller: a,
        operator: keeper,
        approved: true,
    });
    assert!(q.sender(mallory).is_operator(a, keeper));
    assert!(!q.sender(mallory).is_operator(keeper, a), "one way only");
    q.sender(keeper)
        .claim_to(finalized, elsewhere.address())
        .motsu_unwrap();
    assert_eq!(elsewhere.balance(), ether(2));
    let balance = p.balance(a);
    q.sender(keeper).cancel(pending).motsu_unwrap();
    assert_eq!(p.balance(a), balance + ether(3), "the shares went to alice");
    p.withdrawals.assert_emitted(&RedeemCancelled {
        request_id: pending,
        controller: a,
        shares: ether(3),
    });

    // Revoked, the keeper is a stranger again.
    let again = p.request(a, ether(1), ETH);
    assert!(q.sender(a).set_operator(keeper, false).motsu_unwrap());
    q.assert_emitted(&OperatorSet {
        controller: a,
        operator: keeper,
        approved: false,
    });
    assert!(!q.sender(a).is_operator(a, keeper));
    let err = q.sender(keeper).cancel(again).motsu_unwrap_err();
    assert!(matches!(err, queue::Error::NotController(_)));

    let err = q.sender(a).set_operator(a, true).motsu_unwrap_err();
    assert!(matches!(err, queue::Error::SelfOperator(SelfOperator { account }) if account == a));
    assert_encoding(err);
    p.assert_books();
}

/// ERC-7540: an operator of the owner requests with the owner's shares
/// without an allowance; anyone else still needs one.
#[motsu::test]
fn an_operator_requests_with_the_owners_shares_without_an_allowance(
    alice: Address,
    keeper: Address,
    stranger: Address,
) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    let err = p
        .withdrawals
        .sender(stranger)
        .request_redeem(ETHER, stranger, alice, ETH)
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), ERC20InsufficientAllowance::SELECTOR);

    p.withdrawals
        .sender(alice)
        .set_operator(keeper, true)
        .motsu_unwrap();
    let id = p
        .withdrawals
        .sender(keeper)
        .request_redeem(ETHER, alice, alice, ETH)
        .motsu_unwrap();
    assert_eq!(p.balance(alice), ether(4));
    assert_eq!(
        p.token.sender(alice).allowance(alice, keeper),
        U256::ZERO,
        "no allowance was needed or spent"
    );
    p.withdrawals.assert_emitted(&RedeemRequest {
        controller: alice,
        owner: alice,
        request_id: id,
        sender: keeper,
        shares: ETHER,
    });
}

// ----- Cancellation -----

#[motsu::test]
fn cancel_returns_the_escrowed_shares_to_the_controller(
    alice: Address,
    bob: Address,
    stranger: Address,
) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    p.token.sender(alice).approve(bob, ether(2)).motsu_unwrap();
    // Bob moves alice's shares into a request he controls.
    let id = p
        .withdrawals
        .sender(bob)
        .request_redeem(ether(2), bob, alice, ETH)
        .motsu_unwrap();

    let err = p.withdrawals.sender(alice).cancel(id).motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::NotController(NotController { caller, controller })
            if caller == alice && controller == bob
    ));
    let err = p
        .withdrawals
        .sender(stranger)
        .cancel(U256::from(7))
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::UnknownRequest(_)));

    p.withdrawals.sender(bob).cancel(id).motsu_unwrap();
    assert_eq!(p.balance(bob), ether(2));
    assert_eq!(p.balance(alice), ether(3));
    assert_eq!(p.escrow(), U256::ZERO);
    assert_eq!(p.status(id), CANCELLED);
    assert_eq!(
        p.withdrawals.sender(bob).queue_state(ETH),
        (
            U256::from(1),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
    p.withdrawals.assert_emitted(&RedeemCancelled {
        request_id: id,
        controller: bob,
        shares: ether(2),
    });

    let err = p.withdrawals.sender(bob).cancel(id).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestAlreadyCancelled(RequestAlreadyCancelled { request_id }) if request_id == id)
    );
    assert_eq!(p.balance(bob), ether(2));
}

#[motsu::test]
fn finalized_and_claimed_requests_cannot_be_cancelled() {
    let p = Protocol::deploy();
    let alice = wallet();
    let a = alice.address();
    p.deposit_eth(a, ether(5));
    let id = p.request(a, ether(2), ETH);
    p.finalize(ETH, 1);
    let err = p.withdrawals.sender(a).cancel(id).motsu_unwrap_err();
    assert!(
        matches!(err, queue::Error::RequestAlreadyFinalized(RequestAlreadyFinalized { request_id }) if request_id == id)
    );
    assert_encoding(err);
    p.withdrawals.sender(a).claim(id).motsu_unwrap();
    let err = p.withdrawals.sender(a).cancel(id).motsu_unwrap_err();
    assert!(matches!(err, queue::Error::RequestAlreadyClaimed(_)));
    assert_eq!(p.balance(a), ether(3));
}

#[motsu::test]
fn cancelling_after_a_slash_returns_shares_that_carry_the_loss(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    p.fund_operator(ether(10));
    let id = p.request(alice, ether(10), ETH);
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(4), EVIDENCE)
        .motsu_unwrap();
    let bob_worth = p.redeemable(bob);
    p.withdrawals.sender(alice).cancel(id).motsu_unwrap();
    assert_eq!(p.balance(alice), ether(10));
    assert_eq!(p.redeemable(alice), bob_worth, "the same loss as bob's");
    assert!(p.redeemable(alice) < ether(10));
}

// ----- Pause -----

#[motsu::test]
fn the_withdrawal_pause_stops_requests_and_finalization_only() {
    let p = Protocol::deploy();
    let alice = wallet();
    let a = alice.address();
    p.deposit_eth(a, ether(10));
    let finalized = p.request(a, ether(2), ETH);
    p.finalize(ETH, 1);
    let pending = p.request(a, ether(2), ETH);
    let other = p.request(a, ether(1), ETH);

    p.vault
        .sender(p.admin)
        .set_withdrawals_paused(true)
        .motsu_unwrap();
    let err = p
        .withdrawals
        .sender(a)
        .request_redeem(ETHER, a, a, ETH)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::WithdrawalsPaused(_)));
    assert_encoding(err);
    let err = p
        .withdrawals
        .sender(a)
        .finalize(ETH, U256::from(5))
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::WithdrawalsPaused(_)));
    assert_eq!(p.status(pending), PENDING);

    // Claims and cancels stay open.
    p.withdrawals.sender(a).claim(finalized).motsu_unwrap();
    assert_eq!(alice.balance(), ether(2));
    p.withdrawals.sender(a).cancel(pending).motsu_unwrap();
    assert_eq!(p.balance(a), ether(7));

    p.vault
        .sender(p.admin)
        .set_withdrawals_paused(false)
        .motsu_unwrap();
    assert_eq!(p.finalize(ETH, 5), U256::from(1));
    assert_eq!(p.status(other), FINALIZED);
}

// ----- Configuration and views -----

#[motsu::test]
fn admin_sets_request_limits(stranger: Address) {
    let p = Protocol::deploy();
    let q = &p.withdrawals;
    let err = q
        .sender(p.admin)
        .set_request_limits(ether(2), ETHER)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        queue::Error::InvalidRequestLimits(InvalidRequestLimits { min_value, max_value })
            if min_value == ether(2) && max_value == ETHER
    ));
    assert_encoding(err);
    let err = q
        .sender(stranger)
        .set_request_limits(U256::ZERO, ETHER)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::Access(_)));
    q.sender(p.admin)
        .set_request_limits(ETHER, ether(100))
        .motsu_unwrap();
    q.assert_emitted(&RequestLimitsSet {
        min_value: ETHER,
        max_value: ether(100),
    });
    assert_eq!(
        q.sender(stranger).config(),
        (
            p.vault.address(),
            p.token.address(),
            p.registry.address(),
            0,
            ETHER,
            ether(100),
            MAX_BATCH
        )
    );
}

#[motsu::test]
fn constructor_rejects_a_zero_vault_and_a_long_delay(admin: Address) {
    let p = Protocol::deploy();
    let fresh = Contract::<WithdrawalQueue>::new();
    let err = fresh
        .sender(admin)
        .constructor(admin, Address::ZERO, 0)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::InvalidAddress(_)));
    let err = fresh
        .sender(admin)
        .constructor(admin, p.vault.address(), MAX_WITHDRAWAL_DELAY + 1)
        .motsu_unwrap_err();
    assert!(matches!(err, queue::Error::DelayTooLong(_)));
}

#[motsu::test]
fn a_controllers_requests_come_in_pages(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(10));
    let mut mine = Vec::new();
    for i in 0..5 {
        mine.push(p.request(alice, ETHER, ETH));
        if i % 2 == 0 {
            p.request(bob, ETHER, ETH);
        }
    }
    let page = |offset: u64, limit: u64| {
        p.withdrawals
            .sender(alice)
            .requests_of(alice, U256::from(offset), U256::from(limit))
    };
    assert_eq!(page(0, 2), mine[..2].to_vec());
    assert_eq!(page(2, 2), mine[2..4].to_vec());
    assert_eq!(page(4, 2), mine[4..].to_vec());
    assert_eq!(page(9, 2), Vec::<U256>::new());
    assert_eq!(
        p.withdrawals
            .sender(alice)
            .requests_of(alice, U256::ZERO, U256::MAX),
        mine.clone()
    );
    assert_eq!(
        p.withdrawals.sender(alice).request_count_of(alice),
        U256::from(5)
    );
    assert_eq!(
        p.withdrawals.sender(alice).request_count_of(bob),
        U256::from(3)
    );
}

#[motsu::test]
fn errors_encode_as_alloy_does() {
    let id = U256::from(3);
    let who = Address::with_last_byte(9);
    let errors: Vec<queue::Error> = vec![
        ZeroShares {}.into(),
        InvalidAddress { account: who }.into(),
        UnsupportedPayoutAsset { asset: who }.into(),
        RequestBelowMinimum {
            value: id,
            minimum: ETHER,
        }
        .into(),
        RequestAboveMaximum {
            value: ETHER,
            maximum: id,
        }
        .into(),
        UnknownRequest { request_id: id }.into(),
        RequestNotDue {
            request_id: id,
            due_at: 7,
            now: 5,
        }
        .into(),
        InsufficientLiquidity {
            asset: who,
            request_id: id,
            idle: ETHER,
            needed: id,
        }
        .into(),
        RequestNotFinalized { request_id: id }.into(),
        RequestAlreadyFinalized { request_id: id }.into(),
        RequestAlreadyClaimed { request_id: id }.into(),
        RequestAlreadyCancelled { request_id: id }.into(),
        NotController {
            caller: who,
            controller: Address::with_last_byte(1),
        }
        .into(),
        WithdrawalsPaused {}.into(),
        BatchSizeZero {}.into(),
        NothingToFinalize { asset: who }.into(),
        DelayTooLong { delay: 9, max: 8 }.into(),
        InvalidRequestLimits {
            min_value: ETHER,
            max_value: id,
        }
        .into(),
        InvalidBatchCap { cap: 0, max: 100 }.into(),
        MathOverflow {}.into(),
    ];
    for err in errors {
        assert_encoding(err);
    }
}

// ----- Property: random sequences keep the queue's invariants -----

mod sequences {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Action {
        DepositEth {
            who: usize,
            amount: u64,
        },
        DepositLst {
            who: usize,
            amount: u64,
        },
        Request {
            who: usize,
            percent: u8,
            lst: bool,
        },
        Cancel {
            pick: usize,
        },
        Finalize {
            lst: bool,
            n: u64,
        },
        Claim {
            pick: usize,
        },
        Delegate {
            percent: u8,
        },
        Slash {
            percent: u8,
        },
        Reward {
            bps: u8,
        },
        /// Switches the withdrawal delay between zero and one day (motsu's
        /// clock never moves, so a day is never over).
        SetDelay {
            on: bool,
        },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (0..3usize, 1..1_000_000u64)
                .prop_map(|(who, amount)| Action::DepositEth { who, amount }),
            (0..3usize, 1..1_000_000u64)
                .prop_map(|(who, amount)| Action::DepositLst { who, amount }),
            (0..3usize, 1..=100u8, any::<bool>()).prop_map(|(who, percent, lst)| Action::Request {
                who,
                percent,
                lst
            }),
            (0..3usize, 1..=100u8, any::<bool>()).prop_map(|(who, percent, lst)| Action::Request {
                who,
                percent,
                lst
            }),
            any::<usize>().prop_map(|pick| Action::Cancel { pick }),
            (any::<bool>(), 1..6u64).prop_map(|(lst, n)| Action::Finalize { lst, n }),
            (any::<bool>(), 1..6u64).prop_map(|(lst, n)| Action::Finalize { lst, n }),
            any::<usize>().prop_map(|pick| Action::Claim { pick }),
            (50..=100u8).prop_map(|percent| Action::Delegate { percent }),
            (1..=60u8).prop_map(|percent| Action::Slash { percent }),
            (0..=100u8).prop_map(|bps| Action::Reward { bps }),
            any::<bool>().prop_map(|on| Action::SetDelay { on }),
        ]
    }

    #[test]
    fn queue_invariants_hold_over_random_sequences() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 64,
            ..ProptestConfig::default()
        });
        runner
            .run(&proptest::collection::vec(action(), 1..48), |actions| {
                run(&actions);
                Ok(())
            })
            .unwrap();
    }

    /// One request as the model sees it.
    struct Seen {
        asset: Address,
        shares: U256,
        status: u8,
        amount: U256,
        requested_at: u64,
    }

    fn requests(p: &Protocol) -> Vec<Seen> {
        let count = p.withdrawals.sender(p.admin).request_count().to::<u64>();
        (0..count)
            .map(|id| {
                let r = p
                    .withdrawals
                    .sender(p.admin)
                    .get_request(U256::from(id))
                    .motsu_unwrap();
                Seen {
                    asset: r.1,
                    shares: r.2,
                    status: r.5,
                    amount: r.6,
                    requested_at: r.4,
                }
            })
            .collect()
    }

    fn run(actions: &[Action]) {
        let p = Protocol::deploy();
        p.add_operator(op(1), slasher(1));
        let lst = p.lst.address();
        let users = [wallet(), wallet(), wallet()];
        let unit = U256::from(1_000_000_000_000u64);
        // ETH value in and out, the LST at its fixed 1.05.
        let value_of = |asset: Address, amount: U256| {
            if asset == ETH {
                amount
            } else {
                amount * rate(105) / ETHER
            }
        };
        let (mut deposited, mut rewarded, mut slashed, mut paid) =
            (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO);

        for action in actions {
            let rate_before = p.rate();
            match *action {
                Action::DepositEth { who, amount } => {
                    let amount = U256::from(amount) * unit;
                    p.deposit_eth(users[who].address(), amount);
                    deposited += amount;
                }
                Action::DepositLst { who, amount } => {
                    let amount = U256::from(amount) * unit;
                    p.deposit_lst(users[who].address(), amount);
                    deposited += value_of(lst, amount);
                }
                Action::Request {
                    who,
                    percent,
                    lst: in_lst,
                } => {
                    let who = users[who].address();
                    let shares = p.balance(who) * U256::from(percent) / U256::from(100);
                    if shares.is_zero() {
                        continue;
                    }
                    let asset = if in_lst { lst } else { ETH };
                    let holdings = p.vault.sender(p.admin).asset_totals(asset).3;
                    let result = p
                        .withdrawals
                        .sender(who)
                        .request_redeem(shares, who, who, asset)
                        .motsu_res();
                    let line_value = p.withdrawals.sender(p.admin).queue_state(asset).4;
                    match result {
                        // A line takes only what the vault's book of its
                        // asset can pay.
                        Ok(_) => {
                            assert!(line_value <= holdings, "a line took more than it can pay")
                        }
                        Err(queue::Error::RequestExceedsLine(e)) => {
                            assert_eq!(e.holdings, holdings);
                            assert!(e.line_value > holdings);
                            assert!(e.line_value > line_value, "refused only what overflows");
                        }
                        Err(other) => panic!("request failed: {other:?}"),
                    }
                    assert_eq!(p.rate(), rate_before, "a request moved the rate");
                }
                Action::Cancel { pick } => {
                    let pending: Vec<usize> = requests(&p)
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.status == PENDING)
                        .map(|(id, _)| id)
                        .collect();
                    if pending.is_empty() {
                        continue;
                    }
                    let id = U256::from(pending[pick % pending.len()]);
                    let controller = p
                        .withdrawals
                        .sender(p.admin)
                        .get_request(id)
                        .motsu_unwrap()
                        .0;
                    p.withdrawals.sender(controller).cancel(id).motsu_unwrap();
                    assert_eq!(p.rate(), rate_before, "a cancel moved the rate");
                }
                Action::Finalize { lst: in_lst, n } => {
                    let asset = if in_lst { lst } else { ETH };
                    let statuses: Vec<u8> = requests(&p).iter().map(|r| r.status).collect();
                    let result = p
                        .withdrawals
                        .sender(p.admin)
                        .finalize(asset, U256::from(n))
                        .motsu_res();
                    match result {
                        Ok(done) => assert!(done <= U256::from(n)),
                        Err(
                            queue::Error::NothingToFinalize(_)
                            | queue::Error::InsufficientLiquidity(_)
                            | queue::Error::RequestNotDue(_),
                        ) => {}
                        Err(other) => panic!("finalize failed: {other:?}"),
                    }
                    // Whatever this call finalized was due.
                    let delay = p.withdrawals.sender(p.admin).config().3;
                    for (before, after) in statuses.iter().zip(requests(&p)) {
                        if *before == PENDING && after.status == FINALIZED {
                            assert_eq!(after.asset, asset);
                            assert!(after.requested_at + delay <= NOW, "finalized before due");
                        }
                    }
                    assert!(p.rate() >= rate_before, "finalization lowered the rate");
                }
                Action::Claim { pick } => {
                    let claimable: Vec<usize> = requests(&p)
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.status == FINALIZED)
                        .map(|(id, _)| id)
                        .collect();
                    if claimable.is_empty() {
                        continue;
                    }
                    let id = U256::from(claimable[pick % claimable.len()]);
                    let (controller, asset, ..) =
                        p.withdrawals.sender(p.admin).get_request(id).motsu_unwrap();
                    let amount = p.withdrawals.sender(controller).claim(id).motsu_unwrap();
                    paid += value_of(asset, amount);
                    assert_eq!(p.rate(), rate_before, "a claim moved the rate");
                }
                Action::Delegate { percent } => {
                    let amount = p.idle(ETH) * U256::from(percent) / U256::from(100);
                    if amount.is_zero() {
                        continue;
                    }
                    p.vault
                        .sender(p.admin)
                        .delegate(op(1), ETH, amount)
                        .motsu_unwrap();
                }
                Action::Slash { percent } => {
                    let stake = p
                        .delegation
                        .sender(p.admin)
                        .operator_stake_value(op(1))
                        .motsu_unwrap();
                    let amount = stake * U256::from(percent) / U256::from(100);
                    if amount.is_zero() {
                        continue;
                    }
                    let lost = p
                        .delegation
                        .sender(slasher(1))
                        .slash(op(1), amount, EVIDENCE)
                        .motsu_unwrap();
                    slashed += lost;
                }
                Action::Reward { bps } => {
                    let rewards = p.total() * U256::from(bps) / U256::from(10_000);
                    if p.supply().is_zero() || rewards.is_zero() {
                        continue;
                    }
                    p.admin.fund(rewards);
                    p.vault
                        .sender_and_value(p.admin, rewards)
                        .distribute_rewards()
                        .motsu_unwrap();
                    rewarded += rewards;
                }
                Action::SetDelay { on } => {
                    let delay = if on { 86_400 } else { 0 };
                    p.withdrawals
                        .sender(p.admin)
                        .set_withdrawal_delay(delay)
                        .motsu_unwrap();
                }
            }
            check(&p);
            assert!(
                paid <= deposited + rewarded - slashed,
                "paid {paid} > deposited {deposited} + rewards {rewarded} - slashed {slashed}"
            );
        }
    }

    /// Escrow = Σ pending shares; reserve = Σ finalized, unclaimed payouts
    /// per asset; per asset, no request is finalized while an older one
    /// waits; the books hold.
    fn check(p: &Protocol) {
        let seen = requests(p);
        let escrowed: U256 = seen
            .iter()
            .filter(|r| r.status == PENDING)
            .map(|r| r.shares)
            .sum();
        assert_eq!(p.escrow(), escrowed, "escrow = sum of pending shares");
        for asset in [ETH, p.lst.address()] {
            let owed: U256 = seen
                .iter()
                .filter(|r| r.asset == asset && r.status == FINALIZED)
                .map(|r| r.amount)
                .sum();
            assert_eq!(p.reserved(asset), owed, "reserve of {asset}");
            let mut waiting = false;
            for r in seen.iter().filter(|r| r.asset == asset) {
                match r.status {
                    PENDING => waiting = true,
                    FINALIZED | CLAIMED => {
                        assert!(!waiting, "finalized ahead of an older request")
                    }
                    _ => {}
                }
            }
            let state = p.withdrawals.sender(p.admin).queue_state(asset);
            let pending: Vec<&Seen> = seen
                .iter()
                .filter(|r| r.asset == asset && r.status == PENDING)
                .collect();
            assert_eq!(state.2, U256::from(pending.len()));
            assert_eq!(state.3, pending.iter().map(|r| r.shares).sum::<U256>());
        }
        p.assert_books();
    }
}

// ----- ERC-165 and ERC-7540's request signature -----

#[motsu::test]
fn queue_supports_erc165_and_erc7540_async_redemption() {
    let p = Protocol::deploy();
    let id = |value: u32| alloy_primitives::FixedBytes(value.to_be_bytes());
    let queue = p.withdrawals.sender(p.admin);
    // ERC-165's own id and ERC-7540's asynchronous-redemption id as the
    // standard publishes them.
    assert!(queue.supports_interface(id(0x01ff_c9a7)));
    assert!(queue.supports_interface(id(0x620e_e8e4)));
    assert!(!queue.supports_interface(id(0xffff_ffff)));
    // Not ERC-20: the queue escrows lrETH, it is no token.
    assert!(!queue.supports_interface(id(0x3637_2b07)));
}

#[motsu::test]
fn erc7540_request_redeem_without_a_payout_asset_pays_in_eth(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(5));
    let id = p
        .withdrawals
        .sender(alice)
        .request_redeem_eth(ether(2), alice, alice)
        .motsu_unwrap();
    let (controller, payout_asset, shares, value, _, _, _) =
        p.withdrawals.sender(alice).get_request(id).motsu_unwrap();
    assert_eq!(controller, alice);
    assert_eq!(payout_asset, ETH);
    assert_eq!(shares, ether(2));
    assert_eq!(value, ether(2));
    assert_eq!(
        p.withdrawals
            .sender(alice)
            .pending_redeem_request(id, alice),
        ether(2)
    );
}
