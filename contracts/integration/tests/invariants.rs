//! Stateful invariant fuzzing of the whole protocol: random sequences of
//! actions by several holders, the admin, the operators' slashers and a
//! stranger, across every contract. After every action the harness checks
//! every invariant of the design (solvency, supply and escrow sums, no value
//! extraction, what may move the rate, pro-rata slashing, FIFO and delays,
//! access) and, after every failed call, that nothing changed.
//!
//! `LRT_FUZZ_CASES` sets the number of sequences (default 48, which keeps
//! the suite well under a minute on a shared 2-core machine); the long mode
//! prints how many actions it ran.
//!
//! motsu's block time is fixed, so time passing is modelled by switching
//! the delays: with a non-zero withdrawal delay no request is due, with a
//! zero one every request is; an unbonding entry started under a non-zero
//! delay is never due. For the same reason the LST's daily rate budget
//! never refills within a sequence: moves inside what is left are accepted,
//! the rest are refused.
//!
//! The LST's source moves up to ±15% a step (three times the bound), goes
//! stale, is reported unusable by a keeper and repriced by the admin; a
//! refused reading stays on the source, unreported, until one of those
//! happens. Moves the registry accepts reach the books in the same call,
//! whether the vault or a stranger refreshes them, so between actions the
//! books always value the LST at the registry's accepted rate, and while an
//! asset is marked unusable nothing that prices shares succeeds.

use std::{
    cell::RefCell,
    sync::atomic::{AtomicU64, Ordering},
};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use lrt_asset_registry as registry;
use lrt_common::{
    access::AccessControlUnauthorizedAccount, constants::ETH, shares::VIRTUAL_OFFSET,
};
use lrt_delegation as delegation;
use lrt_integration::{op, slasher, EthSink, Protocol, ETHER, EVIDENCE};
use lrt_vault as vault;
use lrt_withdrawal_queue::{self as queue, CANCELLED, CLAIMED, FINALIZED, PENDING};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
use proptest::{
    prelude::*,
    test_runner::{FileFailurePersistence, TestRunner},
};

const HOLDERS: usize = 3;
const OPERATORS: u8 = 2;
const DAY: u64 = 86_400;
const FEE_BPS: u64 = 1_000;
const BPS: u64 = 10_000;
/// Largest reward one report may bring (the vault's default bound).
const REWARD_BOUND_BPS: u64 = 100;
/// How far the harness moves the LST rate in one step: three times the
/// registry's 5% bound, so that refused readings are common.
const MAX_RATE_STEP_BPS: i64 = 1_500;
/// Rounding slack of one action on total assets: each book write rounds
/// its value down once, and an action writes at most two books.
const ROUNDING: u64 = 2;

fn stranger() -> Address {
    Address::with_last_byte(0x5A)
}

#[derive(Debug, Clone)]
enum Action {
    DepositEth {
        who: u8,
        amount: u128,
    },
    DepositLst {
        who: u8,
        amount: u128,
    },
    DonateLst {
        who: u8,
        amount: u128,
    },
    Transfer {
        from: u8,
        to: u8,
        pct: u8,
    },
    Approve {
        owner: u8,
        spender: u8,
        pct: u8,
    },
    Request {
        who: u8,
        pct: u8,
        lst: bool,
    },
    RequestFor {
        spender: u8,
        owner: u8,
        pct: u8,
        lst: bool,
    },
    Cancel {
        pick: u8,
        by: u8,
    },
    Finalize {
        lst: bool,
        n: u8,
    },
    /// Holder `who` approves (or revokes) the keeper, `stranger()`, as its
    /// ERC-7540 operator.
    SetOperator {
        who: u8,
        approved: bool,
    },
    Claim {
        pick: u8,
    },
    Delegate {
        op: u8,
        lst: bool,
        pct: u8,
    },
    Undelegate {
        op: u8,
        lst: bool,
        pct: u8,
    },
    Complete {
        pick: u8,
    },
    Slash {
        op: u8,
        pct: u8,
    },
    Reward {
        bps: u16,
    },
    RateMove {
        bps: i16,
        by_stranger: bool,
    },
    RateStale,
    ReportUnusable,
    AdminReprice {
        fresh: bool,
    },
    Pause {
        deposits: bool,
        paused: bool,
    },
    WithdrawalDelay {
        long: bool,
    },
    UnbondingDelay {
        long: bool,
    },
    Admin {
        kind: u8,
        flag: bool,
    },
    Stranger {
        call: u8,
    },
}

/// Amounts from 1 wei to ~50 ETH, weighted towards whole amounts but with
/// dust, so rounding at both ends is exercised.
fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![
        1 => 1..2_000_000u128,
        6 => (1..50_000u128, 0..1_000u128)
            .prop_map(|(milli, dust)| milli * 1_000_000_000_000_000 + dust),
    ]
}

fn who() -> impl Strategy<Value = u8> {
    0..HOLDERS as u8
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (who(), amount()).prop_map(|(who, amount)| Action::DepositEth { who, amount }),
        4 => (who(), amount()).prop_map(|(who, amount)| Action::DepositLst { who, amount }),
        1 => (who(), amount()).prop_map(|(who, amount)| Action::DonateLst { who, amount }),
        2 => (who(), who(), 1..=100u8).prop_map(|(from, to, pct)| Action::Transfer { from, to, pct }),
        1 => (who(), who(), 0..=100u8).prop_map(|(owner, spender, pct)| Action::Approve { owner, spender, pct }),
        9 => (who(), 1..=100u8, any::<bool>()).prop_map(|(who, pct, lst)| Action::Request { who, pct, lst }),
        1 => (who(), who(), 1..=100u8, any::<bool>())
            .prop_map(|(spender, owner, pct, lst)| Action::RequestFor { spender, owner, pct, lst }),
        2 => (any::<u8>(), who()).prop_map(|(pick, by)| Action::Cancel { pick, by }),
        9 => (any::<bool>(), 1..6u8).prop_map(|(lst, n)| Action::Finalize { lst, n }),
        6 => any::<u8>().prop_map(|pick| Action::Claim { pick }),
        2 => (who(), proptest::bool::weighted(0.7))
            .prop_map(|(who, approved)| Action::SetOperator { who, approved }),
        4 => (0..OPERATORS, any::<bool>(), 1..=100u8).prop_map(|(op, lst, pct)| Action::Delegate { op, lst, pct }),
        3 => (0..OPERATORS, any::<bool>(), 1..=100u8).prop_map(|(op, lst, pct)| Action::Undelegate { op, lst, pct }),
        3 => any::<u8>().prop_map(|pick| Action::Complete { pick }),
        2 => (0..OPERATORS, 1..=100u8).prop_map(|(op, pct)| Action::Slash { op, pct }),
        2 => (1..=150u16).prop_map(|bps| Action::Reward { bps }),
        4 => (-MAX_RATE_STEP_BPS as i16..=MAX_RATE_STEP_BPS as i16, any::<bool>())
            .prop_map(|(bps, by_stranger)| Action::RateMove { bps, by_stranger }),
        1 => Just(Action::RateStale),
        2 => Just(Action::ReportUnusable),
        2 => any::<bool>().prop_map(|fresh| Action::AdminReprice { fresh }),
        // Pauses and long delays are lifted more often than set, so that
        // sequences spend most of their length with the protocol running.
        2 => (any::<bool>(), proptest::bool::weighted(0.3))
            .prop_map(|(deposits, paused)| Action::Pause { deposits, paused }),
        2 => proptest::bool::weighted(0.3).prop_map(|long| Action::WithdrawalDelay { long }),
        1 => proptest::bool::weighted(0.3).prop_map(|long| Action::UnbondingDelay { long }),
        2 => (0..7u8, any::<bool>()).prop_map(|(kind, flag)| Action::Admin { kind, flag }),
        2 => (0..STRANGER_CALLS).prop_map(|call| Action::Stranger { call }),
    ]
}

/// Everything a failed call must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    total: U256,
    supply: U256,
    balances: Vec<U256>,
    books: Vec<(U256, U256, U256, U256, U256)>,
    lines: Vec<(U256, U256, U256, U256, U256)>,
    requests: Vec<(Address, Address, U256, U256, u64, u8, U256)>,
    entries: U256,
    eth_held: (U256, U256),
    lst_held: (U256, U256),
    pauses: (bool, bool),
    stakes: Vec<(U256, U256)>,
}

/// What the harness remembers beyond the contracts' own state.
#[derive(Default)]
struct Ghost {
    /// ETH that entered the protocol: deposits and rewards.
    eth_in: U256,
    /// LST units that reached the vault: deposits (as received) and donations.
    lst_in: U256,
    /// Per holder: ETH and LST units paid by claims.
    paid_eth: [U256; HOLDERS],
    paid_lst: [U256; HOLDERS],
    /// ETH value booked in (deposits, rewards, LST revaluations) and out
    /// (slash losses, finalized payouts' value), and the rounding allowed.
    value_in: U256,
    value_out: U256,
    slack: U256,
    /// Per unbonding entry: whether it was started under a zero delay.
    entry_due: Vec<bool>,
    /// Per holder: ETH funded for deposits that failed, still held.
    stray_eth: [U256; HOLDERS],
    /// Whether the admin set limits deposits depend on.
    vault_limited: bool,
    lst_capped: bool,
    lst_disabled: bool,
    operator_paused: [bool; OPERATORS as usize],
    operator_capped: [bool; OPERATORS as usize],
    /// Per holder: whether it approved the keeper as its operator.
    keeper_approved: [bool; HOLDERS],
    withdrawal_delay: u64,
    unbonding_delay: u64,
}

struct World {
    p: Protocol,
    holders: Vec<Contract<EthSink>>,
    ghost: RefCell<Ghost>,
}

static ACTIONS_RUN: AtomicU64 = AtomicU64::new(0);
/// What the sequences reached, to show the harness is not all failed calls:
/// requests made, finalized or claimed, unbonding entries, slash payments.
static REACHED: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

impl World {
    fn new() -> Self {
        let p = Protocol::deploy();
        for n in 0..OPERATORS {
            p.add_operator(op(n), slasher(n));
        }
        p.vault
            .sender(p.admin)
            .set_fee(U256::from(FEE_BPS))
            .motsu_unwrap();
        // Holders are contracts: motsu delivers ETH payouts only to them.
        let holders = (0..HOLDERS).map(|_| Contract::<EthSink>::new()).collect();
        World {
            p,
            holders,
            ghost: RefCell::new(Ghost::default()),
        }
    }

    fn holder(&self, n: u8) -> Address {
        self.holders[n as usize % HOLDERS].address()
    }

    fn lst(&self) -> Address {
        self.p.lst.address()
    }

    fn asset(&self, lst: bool) -> Address {
        if lst {
            self.lst()
        } else {
            ETH
        }
    }

    /// Every address that may hold lrETH.
    fn share_holders(&self) -> Vec<Address> {
        let p = &self.p;
        let mut all: Vec<Address> = (0..HOLDERS as u8).map(|n| self.holder(n)).collect();
        all.extend([
            p.treasury,
            p.queue,
            p.admin,
            stranger(),
            p.vault.address(),
            p.delegation.address(),
        ]);
        all
    }

    fn request_count(&self) -> u64 {
        self.p
            .withdrawals
            .sender(self.p.admin)
            .request_count()
            .to::<u64>()
    }

    fn request(&self, id: u64) -> (Address, Address, U256, U256, u64, u8, U256) {
        self.p
            .withdrawals
            .sender(self.p.admin)
            .get_request(U256::from(id))
            .motsu_unwrap()
    }

    fn snapshot(&self) -> Snapshot {
        let p = &self.p;
        let a = p.admin;
        Snapshot {
            total: p.total(),
            supply: p.supply(),
            balances: self
                .share_holders()
                .into_iter()
                .map(|h| p.balance(h))
                .collect(),
            books: [ETH, self.lst()]
                .into_iter()
                .map(|asset| p.vault.sender(a).asset_totals(asset))
                .collect(),
            lines: [ETH, self.lst()]
                .into_iter()
                .map(|asset| p.withdrawals.sender(a).queue_state(asset))
                .collect(),
            requests: (0..self.request_count())
                .map(|id| self.request(id))
                .collect(),
            entries: p.delegation.sender(a).entry_count(),
            eth_held: (p.vault.balance(), p.delegation.balance()),
            lst_held: (
                p.lst.sender(a).balance_of(p.vault.address()),
                p.lst.sender(a).balance_of(p.delegation.address()),
            ),
            pauses: (
                p.vault.sender(a).deposits_paused(),
                p.vault.sender(a).withdrawals_paused(),
            ),
            stakes: (0..OPERATORS)
                .flat_map(|n| [ETH, self.lst()].map(|asset| (n, asset)))
                .map(|(n, asset)| p.delegation.sender(a).stake_of(op(n), asset))
                .collect(),
        }
    }

    /// A failed call changed nothing.
    /// Whether the LST's source shows a reading the registry refuses now.
    fn lst_refused(&self) -> bool {
        let p = &self.p;
        p.registry
            .sender(p.admin)
            .current_rate(self.lst())
            .motsu_res()
            .is_err()
    }

    /// Whether an asset is marked unusable (the vault is closed).
    fn closed(&self) -> bool {
        let p = &self.p;
        !p.registry.sender(p.admin).unusable_assets().is_zero()
    }

    /// The registry's accepted rate for the LST.
    fn accepted(&self) -> U256 {
        let p = &self.p;
        p.registry.sender(p.admin).asset_config(self.lst()).6
    }

    /// Books the change of total assets a revaluation caused.
    fn book_revaluation(&self, t0: U256) {
        let total = self.p.total();
        let mut g = self.ghost.borrow_mut();
        if total >= t0 {
            g.value_in += total - t0;
        } else {
            g.value_out += t0 - total;
        }
    }

    fn unchanged(&self, before: &Snapshot, what: &str) {
        assert_eq!(&self.snapshot(), before, "a failed {what} changed state");
    }

    /// Every invariant of the design that holds between actions.
    fn check(&self) {
        let p = &self.p;
        let a = p.admin;
        let g = self.ghost.borrow();

        // 1. Solvency: each book is covered by what its contract holds,
        // total assets is the sum of the books.
        p.assert_books();
        // ... and every finalized, unclaimed payout is reserved, in full,
        // on top of the idle buffer.
        let requests: Vec<_> = (0..self.request_count())
            .map(|id| self.request(id))
            .collect();
        for asset in [ETH, self.lst()] {
            let owed: U256 = requests
                .iter()
                .filter(|r| r.1 == asset && r.5 == FINALIZED)
                .map(|r| r.6)
                .sum();
            let (idle, _, _, _, reserved) = p.vault.sender(a).asset_totals(asset);
            assert_eq!(reserved, owed, "reserve of {asset} = finalized unclaimed");
            let held = if asset == ETH {
                p.vault.balance()
            } else {
                p.lst.sender(a).balance_of(p.vault.address())
            };
            assert!(idle + reserved <= held, "reserve of {asset} is held");
        }
        // Custody: what came in less what went out is exactly what the
        // vault and the restaking layer hold.
        let sink_eth = p.sink.balance();
        let paid_eth: U256 = g.paid_eth.iter().copied().sum();
        assert_eq!(
            p.vault.balance() + p.delegation.balance() + sink_eth + paid_eth,
            g.eth_in,
            "ETH is conserved"
        );
        let sink_lst = p.lst.sender(a).balance_of(p.slash_recipient);
        let paid_lst: U256 = g.paid_lst.iter().copied().sum();
        assert_eq!(
            p.lst.sender(a).balance_of(p.vault.address())
                + p.lst.sender(a).balance_of(p.delegation.address())
                + sink_lst
                + paid_lst,
            g.lst_in,
            "LST is conserved"
        );
        for n in 0..HOLDERS {
            assert_eq!(
                self.holders[n].balance(),
                g.paid_eth[n] + g.stray_eth[n],
                "ETH paid to holder {n}"
            );
            assert_eq!(
                p.lst.sender(a).balance_of(self.holders[n].address()),
                g.paid_lst[n],
                "LST paid to holder {n}"
            );
        }

        // 2. Supply = Σ balances; escrow = Σ pending shares, per line too.
        let sum: U256 = self.share_holders().into_iter().map(|h| p.balance(h)).sum();
        assert_eq!(p.supply(), sum, "supply = sum of balances");
        let mut escrow = U256::ZERO;
        for asset in [ETH, self.lst()] {
            let pending: Vec<_> = requests
                .iter()
                .filter(|r| r.1 == asset && r.5 == PENDING)
                .collect();
            let (_, _, count, shares, value) = p.withdrawals.sender(a).queue_state(asset);
            assert_eq!(count, U256::from(pending.len()), "pending count of {asset}");
            assert_eq!(shares, pending.iter().map(|r| r.2).sum::<U256>());
            assert_eq!(value, pending.iter().map(|r| r.3).sum::<U256>());
            escrow += shares;
        }
        assert_eq!(p.balance(p.queue), escrow, "escrow = sum of pending shares");

        // 3. No value extraction: the value booked out (slashes and
        // payouts) plus what is left equals the value booked in, up to the
        // rounding each action may leave in the protocol's favour.
        let held = p.total() + g.value_out;
        assert!(
            held <= g.value_in + g.slack && held + g.slack >= g.value_in,
            "value: in {} out {} total {} slack {}",
            g.value_in,
            g.value_out,
            p.total(),
            g.slack
        );

        // Pricing integrity: the books value the LST at exactly the
        // registry's accepted rate (no accepted rate waits for a sync), and
        // the vault mirrors the registry's count of unusable assets: while
        // it is not zero, withdrawals read as closed and nothing may be
        // deposited.
        // (A book that never held the LST and was never revalued has no
        // rate yet; it takes the accepted one with its first units.)
        let (idle, delegated, book_rate, _, _) = p.vault.sender(a).asset_totals(self.lst());
        if !book_rate.is_zero() || !(idle + delegated).is_zero() {
            assert_eq!(book_rate, self.accepted(), "the books lag the registry");
        }
        let marked = p.registry.sender(a).rate_status(self.lst()).0;
        assert_eq!(self.closed(), marked, "count of unusable assets");
        if marked {
            assert!(p.vault.sender(a).withdrawals_paused());
            assert_eq!(p.vault.sender(a).max_deposit(ETH, a), U256::ZERO);
        }

        // 5. FIFO: in each line, no request is finalized behind a pending one.
        for asset in [ETH, self.lst()] {
            let mut seen_pending = false;
            for r in requests.iter().filter(|r| r.1 == asset) {
                match r.5 {
                    PENDING => seen_pending = true,
                    FINALIZED | CLAIMED => {
                        assert!(
                            !seen_pending,
                            "{asset}: a request finalized ahead of an older one"
                        );
                    }
                    status => assert_eq!(status, CANCELLED),
                }
            }
        }

        // Per-operator stakes add up to the layer's totals.
        for asset in [ETH, self.lst()] {
            let sum: U256 = (0..OPERATORS)
                .map(|n| {
                    let (active, unbonding) = p.delegation.sender(a).stake_of(op(n), asset);
                    active + unbonding
                })
                .sum();
            assert_eq!(sum, p.delegation.sender(a).total_stake(asset));
        }
    }

    fn run(&self, action: &Action) {
        let p = &self.p;
        let a = p.admin;
        let before = self.snapshot();
        let (t0, s0) = (before.total, before.supply);
        let closed = self.closed();
        let refused = self.lst_refused();
        match *action {
            Action::DepositEth { who, amount } => {
                let who = self.holder(who);
                let amount = U256::from(amount);
                let expected_shares = p.vault.sender(a).convert_to_shares(amount).motsu_unwrap();
                who.fund(amount);
                let result = p
                    .vault
                    .sender_and_value(who, amount)
                    .deposit(amount, who)
                    .motsu_res();
                let mut g = self.ghost.borrow_mut();
                match result {
                    Ok(shares) => {
                        assert!(!before.pauses.0, "a deposit passed the pause");
                        assert!(!closed, "a deposit priced at an unusable rate");
                        assert_eq!(shares, expected_shares, "minted as previewed");
                        assert_eq!(p.total(), t0 + amount);
                        g.eth_in += amount;
                        g.value_in += amount;
                        drop(g);
                        self.rate_not_lower(t0, s0, 0);
                    }
                    Err(err) => {
                        if before.pauses.0 {
                            assert!(matches!(err, vault::Error::DepositsPaused(_)), "{err:?}");
                        } else if closed {
                            assert!(matches!(err, vault::Error::RatesUnusable(_)), "{err:?}");
                        } else if !g.vault_limited && (!t0.is_zero() || s0.is_zero()) {
                            assert!(
                                matches!(err, vault::Error::ZeroShares(_))
                                    && expected_shares.is_zero(),
                                "an unlimited deposit failed: {err:?}"
                            );
                        }
                        // The funded ETH stays with the holder.
                        g.stray_eth[self.index(who)] += amount;
                        drop(g);
                        self.unchanged(&before, "ETH deposit");
                    }
                }
            }
            Action::DepositLst { who, amount } => {
                let who = self.holder(who);
                let amount = U256::from(amount);
                p.give_lst(who, amount);
                let result = p
                    .vault
                    .sender(who)
                    .deposit_asset(self.lst(), amount, who, U256::ZERO)
                    .motsu_res();
                // Tokens a failed deposit left with the holder go to the
                // stranger, so a holder's LST balance is what claims paid it.
                let n = self.index(who);
                let paid = self.ghost.borrow().paid_lst[n];
                let left = p.lst.sender(a).balance_of(who) - paid;
                if !left.is_zero() {
                    p.lst.sender(who).transfer(stranger(), left).motsu_unwrap();
                }
                let mut g = self.ghost.borrow_mut();
                match result {
                    Ok(_) => {
                        assert!(!before.pauses.0 && !g.lst_disabled);
                        assert!(!closed && !refused, "a deposit priced at an unusable rate");
                        let received = amount - left;
                        g.lst_in += received;
                        let rate = p.vault.sender(a).asset_totals(self.lst()).2;
                        g.value_in += received * rate / ETHER;
                        g.slack += U256::from(ROUNDING);
                        drop(g);
                        self.rate_not_lower(t0, s0, 0);
                    }
                    Err(err) => {
                        if before.pauses.0 {
                            assert!(matches!(err, vault::Error::DepositsPaused(_)), "{err:?}");
                        } else if closed {
                            assert!(matches!(err, vault::Error::RatesUnusable(_)), "{err:?}");
                        } else if g.lst_disabled && !refused {
                            assert!(matches!(err, vault::Error::AssetDisabled(_)), "{err:?}");
                        }
                        drop(g);
                        self.unchanged(&before, "LST deposit");
                    }
                }
            }
            Action::DonateLst { who, amount } => {
                let who = self.holder(who);
                let amount = U256::from(amount);
                p.lst.sender(who).mint(who, amount).motsu_unwrap();
                p.lst
                    .sender(who)
                    .transfer(p.vault.address(), amount)
                    .motsu_unwrap();
                self.ghost.borrow_mut().lst_in += amount;
                // 2. A donation moves neither the books nor the rate.
                assert_eq!(p.total(), t0);
                assert_eq!(p.vault.sender(a).asset_totals(self.lst()), before.books[1]);
            }
            Action::Transfer { from, to, pct } => {
                let (from, to) = (self.holder(from), self.holder(to));
                let shares = p.balance(from) * U256::from(pct) / U256::from(100);
                if !shares.is_zero() {
                    p.token.sender(from).transfer(to, shares).motsu_unwrap();
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Approve {
                owner,
                spender,
                pct,
            } => {
                let (owner, spender) = (self.holder(owner), self.holder(spender));
                let shares = p.balance(owner) * U256::from(pct) / U256::from(100);
                p.token
                    .sender(owner)
                    .approve(spender, shares)
                    .motsu_unwrap();
                self.rate_unchanged(t0, s0);
            }
            Action::Request { who, pct, lst } => {
                let who = self.holder(who);
                self.request_redeem(who, who, pct, lst, &before);
            }
            Action::RequestFor {
                spender,
                owner,
                pct,
                lst,
            } => {
                let (spender, owner) = (self.holder(spender), self.holder(owner));
                self.request_redeem(spender, owner, pct, lst, &before);
            }
            Action::Cancel { pick, by } => {
                let count = self.request_count();
                if count == 0 {
                    return;
                }
                let id = u64::from(pick) % count;
                let r = self.request(id);
                let by = self.holder(by);
                let result = p.withdrawals.sender(by).cancel(U256::from(id)).motsu_res();
                if r.5 == PENDING && by == r.0 {
                    result.expect("the controller cancels a pending request");
                    assert_eq!(self.request(id).5, CANCELLED);
                    // A cancel hands the escrowed shares back, rate untouched.
                    assert_eq!(p.balance(by), self.balance_in(&before, by) + r.2);
                } else {
                    assert!(
                        result.is_err(),
                        "cancel of {id} by a non-controller or not pending"
                    );
                    self.unchanged(&before, "cancel");
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Finalize { lst, n } => self.finalize(lst, n, &before),
            Action::SetOperator { who: n, approved } => {
                let who = self.holder(n);
                p.withdrawals
                    .sender(who)
                    .set_operator(stranger(), approved)
                    .motsu_unwrap();
                assert_eq!(
                    p.withdrawals.sender(a).is_operator(who, stranger()),
                    approved
                );
                self.ghost.borrow_mut().keeper_approved[usize::from(n) % HOLDERS] = approved;
                self.rate_unchanged(t0, s0);
            }
            Action::Claim { pick } => {
                let count = self.request_count();
                if count == 0 {
                    return;
                }
                let id = u64::from(pick) % count;
                let r = self.request(id);
                // The keeper pushes the claim; it only ever pays the
                // controller, and only one that chose it as an operator.
                let approved = self.ghost.borrow().keeper_approved[self.index(r.0)];
                let result = p
                    .withdrawals
                    .sender(stranger())
                    .claim(U256::from(id))
                    .motsu_res();
                if !approved {
                    assert!(
                        matches!(result, Err(queue::Error::NotController(_))),
                        "a claim by an account the controller did not approve: {result:?}"
                    );
                    self.unchanged(&before, "claim");
                } else if r.5 == FINALIZED {
                    let paid = result.expect("the keeper claims a finalized request");
                    assert_eq!(paid, r.6);
                    let n = self.index(r.0);
                    let mut g = self.ghost.borrow_mut();
                    if r.1 == ETH {
                        g.paid_eth[n] += paid;
                    } else {
                        g.paid_lst[n] += paid;
                    }
                } else {
                    assert!(result.is_err(), "claim of a request that is not finalized");
                    self.unchanged(&before, "claim");
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Delegate { op: n, lst, pct } => {
                let asset = self.asset(lst);
                let idle = before.books[usize::from(lst)].0;
                let amount = idle * U256::from(pct) / U256::from(100);
                if amount.is_zero() {
                    return;
                }
                let result = p.vault.sender(a).delegate(op(n), asset, amount).motsu_res();
                let g = self.ghost.borrow();
                match result {
                    Ok(received) => {
                        assert!(
                            !g.operator_paused[n as usize],
                            "delegated to a paused operator"
                        );
                        assert_eq!(received, amount);
                    }
                    Err(err) => {
                        if g.operator_paused[n as usize] {
                            let data = Vec::<u8>::from(err);
                            assert_eq!(data[..4], delegation::OperatorPaused::SELECTOR);
                        } else {
                            assert!(
                                g.operator_capped[n as usize],
                                "an uncapped delegation failed: {err:?}"
                            );
                        }
                        drop(g);
                        self.unchanged(&before, "delegation");
                    }
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Undelegate { op: n, lst, pct } => {
                let asset = self.asset(lst);
                let active = p.delegation.sender(a).stake_of(op(n), asset).0;
                let amount = active * U256::from(pct) / U256::from(100);
                if amount.is_zero() {
                    return;
                }
                match p
                    .delegation
                    .sender(a)
                    .undelegate(op(n), asset, amount)
                    .motsu_res()
                {
                    Ok(id) => {
                        let mut g = self.ghost.borrow_mut();
                        assert_eq!(id, U256::from(g.entry_due.len()));
                        let due = g.unbonding_delay == 0;
                        g.entry_due.push(due);
                    }
                    // Too small to own a share of a grown unbonding pool.
                    Err(delegation::Error::ZeroAmount(_)) => {
                        self.unchanged(&before, "undelegation")
                    }
                    Err(err) => panic!("undelegation failed: {err:?}"),
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Complete { pick } => {
                let count = p.delegation.sender(a).entry_count().to::<u64>();
                if count == 0 {
                    return;
                }
                let id = U256::from(u64::from(pick) % count);
                let done = p.delegation.sender(a).unbonding_entry(id).motsu_unwrap().4;
                let due = self.ghost.borrow().entry_due[id.to::<usize>()];
                let result = p
                    .delegation
                    .sender(stranger())
                    .complete_unbonding(id)
                    .motsu_res();
                match result {
                    Ok(_) => assert!(due && !done, "entry {id} completed early or twice"),
                    Err(err) => {
                        match (done, due) {
                            (true, _) => {
                                assert!(matches!(err, delegation::Error::EntryCompleted(_)))
                            }
                            (false, false) => {
                                assert!(matches!(err, delegation::Error::UnbondingNotDue(_)));
                            }
                            (false, true) => panic!("a due entry failed: {err:?}"),
                        }
                        self.unchanged(&before, "completion");
                    }
                }
                self.rate_unchanged(t0, s0);
            }
            Action::Slash { op: n, pct } => self.slash(n, pct, &before),
            Action::Reward { bps } => {
                let rewards = t0 * U256::from(bps) / U256::from(BPS);
                if rewards.is_zero() {
                    return;
                }
                let bound = t0 * U256::from(REWARD_BOUND_BPS) / U256::from(BPS);
                a.fund(rewards);
                let result = p
                    .vault
                    .sender_and_value(a, rewards)
                    .distribute_rewards()
                    .motsu_res();
                match result {
                    Ok(()) => {
                        assert!(rewards <= bound && !s0.is_zero() && !closed);
                        let mut g = self.ghost.borrow_mut();
                        g.eth_in += rewards;
                        g.value_in += rewards;
                        assert_eq!(p.total(), t0 + rewards);
                        // The fee shares are worth at most the fee.
                        let fee = rewards * U256::from(FEE_BPS) / U256::from(BPS);
                        let minted = p.supply() - s0;
                        let fee_value = p.vault.sender(a).convert_to_assets(minted).motsu_unwrap();
                        assert!(fee_value <= fee, "fee shares worth {fee_value} > fee {fee}");
                        drop(g);
                        self.rate_not_lower(t0, s0, 0);
                    }
                    Err(err) => {
                        if closed {
                            assert!(matches!(err, vault::Error::RatesUnusable(_)), "{err:?}");
                        } else if rewards > bound {
                            assert!(matches!(err, vault::Error::RewardAboveBound(_)), "{err:?}");
                        } else {
                            assert!(s0.is_zero(), "a reward within the bound failed: {err:?}");
                        }
                        self.unchanged(&before, "reward");
                    }
                }
            }
            Action::RateMove { bps, by_stranger } => {
                let lst = self.lst();
                let accepted = self.accepted();
                let budget = p.registry.sender(a).rate_status(lst).1;
                let moved =
                    accepted * U256::from((BPS as i64 + i64::from(bps)) as u64) / U256::from(BPS);
                p.source.sender(a).set_rate(moved).motsu_unwrap();
                let before = self.snapshot();
                let cost = lrt_common::rate_limit::relative_move(accepted, moved);
                // Either the vault syncs, or a stranger refreshes the
                // registry directly: the books must follow either way.
                let result = if by_stranger {
                    p.registry
                        .sender(stranger())
                        .refresh_rate(lst)
                        .motsu_res()
                        .map(|r| r.0)
                        .map_err(Vec::<u8>::from)
                } else {
                    p.vault
                        .sender(self.holder(0))
                        .sync_asset_rate(lst)
                        .motsu_res()
                        .map_err(Vec::<u8>::from)
                };
                match result {
                    Ok(rate) => {
                        assert!(cost <= budget, "a move beyond the budget was accepted");
                        assert_eq!(rate, moved);
                        // (An empty book without a rate takes none from an
                        // unchanged reading.)
                        let book = p.vault.sender(a).asset_totals(lst);
                        if !book.2.is_zero() || moved != accepted {
                            assert_eq!(book.2, moved, "the books follow in the same call");
                        }
                        let total = p.total();
                        // 4. The rate follows the LST's rate, in the same direction.
                        assert_eq!(p.supply(), s0);
                        if moved >= accepted {
                            assert!(total >= t0);
                        } else {
                            assert!(total <= t0);
                        }
                        self.book_revaluation(t0);
                    }
                    Err(_) => {
                        assert!(cost > budget, "a move within the budget was refused");
                        // The refused reading stays on the source, unreported.
                        self.unchanged(&before, "refused rate refresh");
                    }
                }
            }
            Action::RateStale => {
                let config = p.registry.sender(a).asset_config(self.lst());
                let source_rate = p.source.sender(a).latest_rate().0;
                let stale_at = U256::from(lrt_integration::NOW - config.4 - 1);
                p.source
                    .sender(a)
                    .set_rate_at(source_rate, stale_at)
                    .motsu_unwrap();
                self.unchanged(&before, "a source going stale");
            }
            Action::ReportUnusable => {
                let result = p
                    .registry
                    .sender(stranger())
                    .report_unusable_rate(self.lst())
                    .motsu_res();
                match result {
                    Ok(count) => {
                        assert!(refused || closed, "a usable rate was reported");
                        assert_eq!(count, U256::from(1));
                        assert!(self.closed());
                        // Marking moves no figure of the books.
                        let mut after = self.snapshot();
                        assert!(after.pauses.1);
                        after.pauses = before.pauses;
                        // An empty book may take the accepted rate with it.
                        if after.books[1].3.is_zero() && before.books[1].3.is_zero() {
                            after.books[1].2 = before.books[1].2;
                        }
                        assert_eq!(after, before, "a report moved the books");
                    }
                    Err(err) => {
                        assert!(!refused, "a refused reading could not be reported");
                        assert!(matches!(err, registry::Error::RateUsable(_)), "{err:?}");
                        self.unchanged(&before, "report of a usable rate");
                    }
                }
            }
            Action::AdminReprice { fresh } => {
                let lst = self.lst();
                if fresh {
                    let source_rate = p.source.sender(a).latest_rate().0;
                    p.source.sender(a).set_rate(source_rate).motsu_unwrap();
                }
                let before = self.snapshot();
                let reading = p.source.sender(a).latest_rate().0;
                let result = p
                    .registry
                    .sender(a)
                    .set_rate_source(lst, p.source.address())
                    .motsu_res();
                match result {
                    Ok(()) => {
                        assert_eq!(self.accepted(), reading);
                        assert_eq!(
                            p.vault.sender(a).asset_totals(lst).2,
                            reading,
                            "the repricing reached the books in its call"
                        );
                        assert!(!self.closed(), "the repricing lifted the mark");
                        assert_eq!(p.supply(), s0);
                        self.book_revaluation(t0);
                    }
                    Err(err) => {
                        assert!(
                            matches!(
                                err,
                                registry::Error::RepricingNeedsReport(_)
                                    | registry::Error::StaleRate(_)
                            ),
                            "{err:?}"
                        );
                        if matches!(err, registry::Error::RepricingNeedsReport(_)) {
                            assert!(!closed, "a marked asset could not be repriced");
                        }
                        self.unchanged(&before, "refused repricing");
                    }
                }
            }
            Action::Pause { deposits, paused } => {
                if deposits {
                    p.vault.sender(a).set_deposits_paused(paused).motsu_unwrap();
                } else {
                    p.vault
                        .sender(a)
                        .set_withdrawals_paused(paused)
                        .motsu_unwrap();
                }
                self.rate_unchanged(t0, s0);
            }
            Action::WithdrawalDelay { long } => {
                let delay = if long { DAY } else { 0 };
                p.withdrawals
                    .sender(a)
                    .set_withdrawal_delay(delay)
                    .motsu_unwrap();
                self.ghost.borrow_mut().withdrawal_delay = delay;
                self.rate_unchanged(t0, s0);
            }
            Action::UnbondingDelay { long } => {
                let delay = if long { DAY } else { 0 };
                p.delegation
                    .sender(a)
                    .set_unbonding_delay(delay)
                    .motsu_unwrap();
                self.ghost.borrow_mut().unbonding_delay = delay;
                self.rate_unchanged(t0, s0);
            }
            Action::Admin { kind, flag } => {
                self.admin_change(kind, flag);
                // 13. Admin changes move neither total assets nor the rate.
                self.rate_unchanged(t0, s0);
                let after = self.snapshot();
                assert_eq!(after.books, before.books);
            }
            Action::Stranger { call } => {
                let data = self.stranger_call(call);
                assert_access_error(&data, call);
                self.unchanged(&before, "stranger's privileged call");
            }
        }
    }

    fn index(&self, holder: Address) -> usize {
        self.holders
            .iter()
            .position(|h| h.address() == holder)
            .expect("a holder")
    }

    /// `who`'s lrETH balance in `snapshot`.
    fn balance_in(&self, snapshot: &Snapshot, who: Address) -> U256 {
        let at = self
            .share_holders()
            .iter()
            .position(|h| *h == who)
            .expect("a share holder");
        snapshot.balances[at]
    }

    fn request_redeem(
        &self,
        spender: Address,
        owner: Address,
        pct: u8,
        lst: bool,
        before: &Snapshot,
    ) {
        let p = &self.p;
        let a = p.admin;
        let (t0, s0) = (before.total, before.supply);
        let shares = p.balance(owner) * U256::from(pct) / U256::from(100);
        if shares.is_zero() {
            return;
        }
        let asset = self.asset(lst);
        let value = p.vault.sender(a).convert_to_assets(shares).motsu_unwrap();
        let allowance = p.token.sender(a).allowance(owner, spender);
        // What the line would owe with this request, against what the
        // vault holds of its asset.
        let line_value = p.withdrawals.sender(a).queue_state(asset).4 + value;
        let holdings = p.vault.sender(a).asset_totals(asset).3;
        let result = p
            .withdrawals
            .sender(spender)
            .request_redeem(shares, spender, owner, asset)
            .motsu_res();
        let g = self.ghost.borrow();
        match result {
            Ok(id) => {
                assert!(!before.pauses.1, "a request passed the pause");
                assert!(
                    !(lst && g.lst_disabled),
                    "a disabled LST became a payout asset"
                );
                assert!(spender == owner || allowance >= shares);
                assert!(line_value <= holdings, "a line took more than it can pay");
                let r = self.request(id.to::<u64>());
                assert_eq!(
                    (r.0, r.1, r.2, r.3, r.5),
                    (spender, asset, shares, value, PENDING)
                );
                assert_eq!(
                    p.balance(p.queue),
                    self.balance_in(before, p.queue) + shares
                );
            }
            Err(err) => {
                if before.pauses.1 {
                    assert!(matches!(err, queue::Error::WithdrawalsPaused(_)), "{err:?}");
                } else if let queue::Error::RequestExceedsLine(e) = &err {
                    assert_eq!((e.line_value, e.holdings), (line_value, holdings));
                    assert!(line_value > holdings, "refused a request the line can pay");
                } else if spender == owner && !(lst && g.lst_disabled) && !value.is_zero() {
                    panic!("a plain request failed: {err:?}");
                }
                drop(g);
                self.unchanged(before, "request");
            }
        }
        self.rate_unchanged(t0, s0);
    }

    fn finalize(&self, lst: bool, n: u8, before: &Snapshot) {
        let p = &self.p;
        let a = p.admin;
        let (t0, s0) = (before.total, before.supply);
        let asset = self.asset(lst);
        let result = p
            .withdrawals
            .sender(stranger())
            .finalize(asset, U256::from(n))
            .motsu_res();
        let g = self.ghost.borrow();
        match result {
            Ok(count) => {
                assert!(!before.pauses.1, "finalized while paused");
                assert!(count <= U256::from(n));
                let asset_rate = p.vault.sender(a).asset_totals(asset).2;
                let mut finalized = 0u64;
                let mut paid_value = U256::ZERO;
                for (id, old) in before.requests.iter().enumerate() {
                    let now = self.request(id as u64);
                    if old.5 == PENDING && now.5 == FINALIZED {
                        finalized += 1;
                        // 5. Delays: nothing is due under a non-zero delay.
                        assert_eq!(
                            g.withdrawal_delay, 0,
                            "request {id} finalized before its delay"
                        );
                        // 3. Pays at most min(value at request, value now).
                        let value = now.6 * asset_rate / ETHER;
                        let now_value = lrt_common::shares::to_assets(
                            now.2,
                            t0,
                            s0,
                            lrt_common::math::Rounding::Down,
                        )
                        .unwrap();
                        assert!(
                            value <= now.3 && value <= now_value,
                            "request {id} overpaid"
                        );
                        paid_value += value;
                    }
                }
                assert_eq!(U256::from(finalized), count);
                drop(g);
                let taken = t0 - p.total();
                assert!(
                    taken >= paid_value,
                    "finalization took less than it reserved"
                );
                let mut g = self.ghost.borrow_mut();
                g.value_out += taken;
                g.slack += U256::from(ROUNDING);
                drop(g);
                self.rate_not_lower(t0, s0, ROUNDING);
            }
            Err(err) => {
                if before.pauses.1 {
                    assert!(matches!(err, queue::Error::WithdrawalsPaused(_)), "{err:?}");
                } else if lst && self.lst_refused() {
                    // The line's own sync refused the reading (passed on
                    // from the registry).
                    assert!(
                        matches!(
                            err,
                            queue::Error::External(_) | queue::Error::NothingToFinalize(_)
                        ),
                        "{err:?}"
                    );
                } else if g.withdrawal_delay != 0 {
                    assert!(
                        matches!(
                            err,
                            queue::Error::RequestNotDue(_) | queue::Error::NothingToFinalize(_)
                        ),
                        "{err:?}"
                    );
                } else {
                    assert!(
                        matches!(
                            err,
                            queue::Error::InsufficientLiquidity(_)
                                | queue::Error::NothingToFinalize(_)
                        ),
                        "{err:?}"
                    );
                }
                drop(g);
                self.unchanged(before, "finalization");
            }
        }
    }

    fn slash(&self, n: u8, pct: u8, before: &Snapshot) {
        let p = &self.p;
        let a = p.admin;
        let (t0, s0) = (before.total, before.supply);
        let stake = p
            .delegation
            .sender(a)
            .operator_stake_value(op(n))
            .motsu_unwrap();
        let amount = stake * U256::from(pct) / U256::from(100);
        if amount.is_zero() {
            return;
        }
        let holders = self.share_holders();
        let values: Vec<U256> = holders.iter().map(|h| p.balance(*h)).collect();
        let lost = p
            .delegation
            .sender(slasher(n))
            .slash(op(n), amount, EVIDENCE)
            .motsu_unwrap();
        // A slash takes what was asked, plus at most two wei per asset: the
        // operator's stake is valued rounded down and each book's value is
        // rounded down (finding I-3 of audits/FINDINGS.md).
        assert!(
            lost <= amount + U256::from(4),
            "a slash took {lost}, {amount} was asked"
        );
        assert_eq!(
            p.total(),
            t0 - lost,
            "a slash lowers total assets by the loss at once"
        );
        assert_eq!(p.supply(), s0);
        // 4. Pro rata: each holder's redeemable value falls by its share of
        // the loss, to a wei.
        for (h, shares) in holders.iter().zip(values) {
            let was =
                lrt_common::shares::to_assets(shares, t0, s0, lrt_common::math::Rounding::Down)
                    .unwrap();
            let now = p.vault.sender(a).convert_to_assets(shares).motsu_unwrap();
            let share_of_loss = shares * lost / (s0 + VIRTUAL_OFFSET);
            let loss = was - now;
            assert!(
                loss + U256::from(1) >= share_of_loss && loss <= share_of_loss + U256::from(1),
                "{h} lost {loss}, its share is {share_of_loss}"
            );
        }
        let mut g = self.ghost.borrow_mut();
        g.value_out += lost;
    }

    fn admin_change(&self, kind: u8, flag: bool) {
        let p = &self.p;
        let a = p.admin;
        let mut g = self.ghost.borrow_mut();
        match kind {
            0 => {
                p.registry
                    .sender(a)
                    .set_asset_enabled(self.lst(), !flag)
                    .motsu_unwrap();
                g.lst_disabled = flag;
            }
            1 => {
                let cap = if flag { ETHER } else { U256::MAX };
                p.registry
                    .sender(a)
                    .set_deposit_cap(self.lst(), cap)
                    .motsu_unwrap();
                g.lst_capped = flag;
            }
            2 => {
                // Never below the harness's rate step.
                let bps = if flag { 450 } else { 500 };
                p.registry
                    .sender(a)
                    .set_rate_limits(self.lst(), if flag { 3_600 } else { DAY }, U256::from(bps))
                    .motsu_unwrap();
            }
            3 => {
                let n = u8::from(flag);
                let paused = !g.operator_paused[n as usize];
                p.operators
                    .sender(a)
                    .set_operator_paused(op(n), paused)
                    .motsu_unwrap();
                g.operator_paused[n as usize] = paused;
            }
            4 => {
                let n = u8::from(flag);
                let capped = !g.operator_capped[n as usize];
                let cap = if capped { ETHER } else { U256::MAX };
                p.operators
                    .sender(a)
                    .set_operator_cap(op(n), cap)
                    .motsu_unwrap();
                g.operator_capped[n as usize] = capped;
            }
            5 => {
                let (min, cap) = if flag {
                    (U256::from(1_000_000_000_000_000u64), p.total())
                } else {
                    (U256::ZERO, U256::MAX)
                };
                p.vault
                    .sender(a)
                    .set_deposit_limits(min, cap)
                    .motsu_unwrap();
                g.vault_limited = flag;
            }
            _ => {
                let cap = if flag { 1 } else { queue::MAX_BATCH };
                p.withdrawals.sender(a).set_batch_cap(cap).motsu_unwrap();
            }
        }
    }

    /// The stranger calls privileged entry point `call` of some contract;
    /// returns the revert data (the call must fail).
    fn stranger_call(&self, call: u8) -> Vec<u8> {
        let p = &self.p;
        let s = stranger();
        let lst = self.lst();
        let err = |r: Result<(), Vec<u8>>| r.expect_err("a stranger's privileged call succeeded");
        macro_rules! fails {
            ($call:expr) => {
                err($call.motsu_res().map(|_| ()).map_err(Vec::<u8>::from))
            };
        }
        match call {
            0 => fails!(p.vault.sender(s).set_fee(U256::ZERO)),
            1 => fails!(p.vault.sender(s).set_treasury(s)),
            2 => fails!(p.vault.sender(s).set_reward_limits(U256::ZERO, 0)),
            3 => fails!(p.vault.sender(s).set_deposit_limits(U256::ZERO, U256::MAX)),
            4 => fails!(p.vault.sender(s).set_deposits_paused(true)),
            5 => fails!(p.vault.sender(s).set_withdrawals_paused(true)),
            6 => fails!(p.vault.sender(s).delegate(op(0), ETH, U256::from(1))),
            7 => fails!(p.vault.sender(s).link(s, s)),
            8 => {
                s.fund(U256::from(1));
                let data = fails!(p
                    .vault
                    .sender_and_value(s, U256::from(1))
                    .distribute_rewards());
                data
            }
            9 => fails!(p.vault.sender(s).reserve_withdrawal(ETH, U256::ZERO)),
            10 => fails!(p.vault.sender(s).pay_withdrawal(ETH, s, U256::ZERO)),
            11 => fails!(p.vault.sender(s).on_stake_slashed(ETH, U256::ZERO)),
            12 => fails!(p.vault.sender(s).on_stake_returned(ETH, U256::ZERO)),
            13 => fails!(p.registry.sender(s).set_asset_enabled(lst, false)),
            14 => fails!(p.registry.sender(s).set_deposit_cap(lst, U256::ZERO)),
            15 => fails!(p.registry.sender(s).set_rate_limits(lst, 1, U256::from(1))),
            16 => fails!(p.registry.sender(s).set_rate_source(lst, s)),
            17 => fails!(p
                .registry
                .sender(s)
                .add_asset(s, s, U256::MAX, DAY, U256::from(1))),
            18 => fails!(p.source.sender(s).set_rate(ETHER)),
            19 => fails!(p
                .operators
                .sender(s)
                .add_operator(s, String::new(), s, U256::MAX)),
            20 => fails!(p.operators.sender(s).set_operator_cap(op(0), U256::ZERO)),
            21 => fails!(p.operators.sender(s).set_operator_paused(op(0), true)),
            22 => fails!(p.operators.sender(s).set_operator_slasher(op(0), s)),
            23 => fails!(p.operators.sender(s).remove_operator(op(0))),
            24 => fails!(p.delegation.sender(s).undelegate(op(0), ETH, U256::from(1))),
            25 => fails!(p.delegation.sender(s).set_slash_recipient(s)),
            26 => fails!(p.delegation.sender(s).set_unbonding_delay(0)),
            27 => fails!(p.delegation.sender(s).slash(op(0), ETHER, EVIDENCE)),
            28 => fails!(p
                .delegation
                .sender(s)
                .on_delegate(op(0), ETH, U256::ZERO, ETHER)),
            29 => fails!(p.withdrawals.sender(s).set_withdrawal_delay(0)),
            30 => fails!(p
                .withdrawals
                .sender(s)
                .set_request_limits(U256::ZERO, U256::MAX)),
            31 => fails!(p.withdrawals.sender(s).set_batch_cap(1)),
            32 => fails!(p.token.sender(s).mint(s, ETHER)),
            _ => fails!(p.token.sender(s).burn(self.holder(0), U256::from(1))),
        }
    }

    /// Invariant 3: the rate did not fall (beyond `slack` wei of total assets).
    fn rate_not_lower(&self, t0: U256, s0: U256, slack: u64) {
        let (t1, s1) = (self.p.total(), self.p.supply());
        assert!(
            (t1 + VIRTUAL_OFFSET + U256::from(slack)) * (s0 + VIRTUAL_OFFSET)
                >= (t0 + VIRTUAL_OFFSET) * (s1 + VIRTUAL_OFFSET),
            "the rate fell: ({t0}, {s0}) -> ({t1}, {s1})"
        );
    }

    /// Invariant 4: an action that is neither a reward, a rate change nor a
    /// slash leaves total assets and supply, hence the rate, exactly as they were.
    fn rate_unchanged(&self, t0: U256, s0: U256) {
        assert_eq!(
            (self.p.total(), self.p.supply()),
            (t0, s0),
            "the rate moved"
        );
    }
}

const STRANGER_CALLS: u8 = 34;

/// Invariant 6: the stranger's call failed with the access error naming
/// it, or, for a hook between the contracts, with the hook's own caller check.
fn assert_access_error(data: &[u8], call: u8) {
    let selector: [u8; 4] = data[..4].try_into().unwrap();
    match call {
        9..=12 => assert_eq!(
            selector,
            vault::NotAuthorizedContract::SELECTOR,
            "call {call}"
        ),
        27 => assert_eq!(selector, delegation::NotSlasher::SELECTOR, "call {call}"),
        28 => assert_eq!(selector, delegation::NotVault::SELECTOR, "call {call}"),
        _ => {
            let err = AccessControlUnauthorizedAccount::abi_decode(data, true)
                .unwrap_or_else(|_| panic!("call {call}: not the access error: {data:?}"));
            assert_eq!(err.account, stranger(), "call {call}");
        }
    }
}

fn cases() -> u32 {
    std::env::var("LRT_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(48)
}

fn run_sequence(actions: &[Action]) {
    let world = World::new();
    world.check();
    for action in actions {
        world.run(action);
        world.check();
        ACTIONS_RUN.fetch_add(1, Ordering::Relaxed);
    }
    let count = world.request_count();
    let done = (0..count)
        .filter(|id| matches!(world.request(*id).5, FINALIZED | CLAIMED))
        .count() as u64;
    let p = &world.p;
    let reached = [
        count,
        done,
        p.delegation.sender(p.admin).entry_count().to::<u64>(),
        p.sink.sender(p.admin).payments().to::<u64>(),
    ];
    for (total, n) in REACHED.iter().zip(reached) {
        total.fetch_add(n, Ordering::Relaxed);
    }
}

#[test]
fn invariants_hold_over_random_sequences() {
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/invariants.txt"
        )))),
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&proptest::collection::vec(action(), 1..48), |actions| {
        run_sequence(&actions);
        Ok(())
    });
    let reached = REACHED.each_ref().map(|n| n.load(Ordering::Relaxed));
    eprintln!(
        "invariants: {} sequences, {} actions, every invariant checked after each; \
         {} requests ({} finalized), {} unbonding entries, {} ETH slash payments",
        cases(),
        ACTIONS_RUN.load(Ordering::Relaxed),
        reached[0],
        reached[1],
        reached[2],
        reached[3],
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
