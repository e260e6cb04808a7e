//! Unit and cross-contract tests of the vault: vault ↔ token ↔ registry ↔
//! rate source ↔ LST, on motsu.

use alloy_primitives::uint;
use alloy_sol_types::SolError;
use lrt_asset_registry::AssetRegistry;
use lrt_common::{
    access::AccessControlUnauthorizedAccount, constants::MINTER_ROLE, shares::VIRTUAL_OFFSET,
};
use lrt_rate_source::RateSource;
use lrt_token::LrtToken;
use mock_lst::MockLst;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::*;

const ETHER: U256 = uint!(1_000_000_000_000_000_000_U256);
const STALENESS: u64 = 86_400;
const MAX_CHANGE_BPS: U256 = uint!(500_U256);

/// Every contract of a deployed protocol plus its actors.
struct Protocol {
    vault: Contract<Vault>,
    token: Contract<LrtToken>,
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    lst: Contract<MockLst>,
    admin: Address,
    treasury: Address,
}

impl Protocol {
    /// Deploys and wires the protocol; lists `lst` at 1.05 ETH per token.
    fn deploy() -> Self {
        let protocol = Protocol {
            vault: Contract::new(),
            token: Contract::new(),
            registry: Contract::new(),
            source: Contract::new(),
            lst: Contract::new(),
            admin: Address::with_last_byte(0xAD),
            treasury: Address::with_last_byte(0x7E),
        };
        let admin = protocol.admin;
        protocol
            .token
            .sender(admin)
            .constructor(admin)
            .motsu_unwrap();
        protocol
            .registry
            .sender(admin)
            .constructor(admin)
            .motsu_unwrap();
        protocol
            .source
            .sender(admin)
            .constructor(admin, rate(105))
            .motsu_unwrap();
        protocol
            .lst
            .sender(admin)
            .constructor("Staked Ether".into(), "stETH".into());
        protocol
            .vault
            .sender(admin)
            .constructor(
                admin,
                protocol.token.address(),
                protocol.registry.address(),
                protocol.treasury,
            )
            .motsu_unwrap();
        protocol
            .token
            .sender(admin)
            .grant_role(MINTER_ROLE, protocol.vault.address())
            .motsu_unwrap();
        for role in [ASSET_MANAGER_ROLE, PAUSER_ROLE, REWARDS_REPORTER_ROLE] {
            protocol
                .vault
                .sender(admin)
                .grant_role(role, admin)
                .motsu_unwrap();
        }
        protocol
            .registry
            .sender(admin)
            .grant_role(ASSET_MANAGER_ROLE, admin)
            .motsu_unwrap();
        protocol
            .registry
            .sender(admin)
            .add_asset(
                protocol.lst.address(),
                protocol.source.address(),
                U256::MAX,
                STALENESS,
                MAX_CHANGE_BPS,
            )
            .motsu_unwrap();
        protocol
    }

    fn deposit_eth(&self, who: Address, assets: U256) -> U256 {
        who.fund(assets);
        self.vault
            .sender_and_value(who, assets)
            .deposit(assets, who)
            .motsu_unwrap()
    }

    fn give_lst(&self, who: Address, amount: U256) {
        self.lst.sender(who).mint(who, amount).motsu_unwrap();
        self.lst
            .sender(who)
            .approve(self.vault.address(), amount)
            .motsu_unwrap();
    }

    fn deposit_lst(&self, who: Address, amount: U256) -> U256 {
        self.give_lst(who, amount);
        self.vault
            .sender(who)
            .deposit_asset(self.lst.address(), amount, who, U256::ZERO)
            .motsu_unwrap()
    }

    fn balance(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    fn rate(&self) -> U256 {
        self.vault.sender(self.admin).get_rate().motsu_unwrap()
    }

    fn total(&self) -> U256 {
        self.vault.sender(self.admin).total_assets()
    }

    /// Books and balances agree: total assets is idle ETH plus the LST book,
    /// the LST book is what the vault really holds (or less), and the vault's
    /// ETH covers its idle ETH.
    fn assert_books(&self) {
        let (idle, _, eth_rate, idle_value, _) = self.vault.sender(self.admin).asset_totals(ETH);
        let (held, _, lst_rate, value, _) = self
            .vault
            .sender(self.admin)
            .asset_totals(self.lst.address());
        assert_eq!(eth_rate, ETHER);
        assert_eq!(idle, idle_value);
        assert_eq!(value, held * lst_rate / ETHER);
        assert_eq!(self.total(), idle + value);
        assert!(held <= self.lst.sender(self.admin).balance_of(self.vault.address()));
        assert!(idle <= self.vault.balance());
    }
}

/// `hundredths` / 100 ETH per token.
fn rate(hundredths: u64) -> U256 {
    ETHER * U256::from(hundredths) / U256::from(100)
}

/// The compact revert data equals alloy's encoding of the same error.
fn assert_encoding(err: Error) {
    let reference = err.reference_encoding();
    assert!(!reference.is_empty(), "not a vault error: {err:?}");
    assert_eq!(Vec::<u8>::from(err), reference);
}

fn selector_of(err: &Error) -> [u8; 4] {
    let data = match err {
        Error::External(ExternalRevert(data)) => data.clone(),
        other => other.reference_encoding(),
    };
    data[..4].try_into().expect("revert data has a selector")
}

// ----- ETH deposits -----

#[motsu::test]
fn first_eth_deposit_mints_one_to_one_and_books_it(alice: Address) {
    let p = Protocol::deploy();
    let shares = p.deposit_eth(alice, ETHER);
    assert_eq!(shares, ETHER);
    assert_eq!(p.balance(alice), ETHER);
    assert_eq!(p.total(), ETHER);
    assert_eq!(p.rate(), ETHER);
    p.vault.assert_emitted(&Deposit {
        sender: alice,
        receiver: alice,
        asset: ETH,
        amount: ETHER,
        value: ETHER,
        shares: ETHER,
    });
    p.assert_books();
}

#[motsu::test]
fn eth_deposit_mints_to_the_receiver(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    alice.fund(ETHER);
    p.vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, bob)
        .motsu_unwrap();
    assert_eq!(p.balance(bob), ETHER);
    assert_eq!(p.balance(alice), U256::ZERO);
}

#[motsu::test]
fn eth_deposit_rejects_value_mismatch_and_changes_nothing(alice: Address) {
    let p = Protocol::deploy();
    alice.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER + U256::from(1), alice)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ValueMismatch(ValueMismatch { assets, value }) if assets == ETHER + U256::from(1) && value == ETHER)
    );
    assert_encoding(err);
    assert_eq!(p.total(), U256::ZERO);
    assert_eq!(p.balance(alice), U256::ZERO);
}

#[motsu::test]
fn eth_deposit_rejects_zero_and_zero_receiver(alice: Address) {
    let p = Protocol::deploy();
    let err = p
        .vault
        .sender(alice)
        .deposit(U256::ZERO, alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)));
    alice.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAddress(InvalidAddress { account }) if account.is_zero()));
    assert_encoding(err);
}

#[motsu::test]
fn eth_deposit_respects_minimum_and_global_cap(alice: Address) {
    let p = Protocol::deploy();
    p.vault
        .sender(p.admin)
        .set_deposit_limits(ETHER / U256::from(10), ETHER * U256::from(2))
        .motsu_unwrap();
    p.vault.assert_emitted(&DepositLimitsSet {
        min_deposit: ETHER / U256::from(10),
        total_cap: ETHER * U256::from(2),
    });

    alice.fund(ETHER * U256::from(5));
    let small = ETHER / U256::from(100);
    let err = p
        .vault
        .sender_and_value(alice, small)
        .deposit(small, alice)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::BelowMinimumDeposit(BelowMinimumDeposit { value, minimum }) if value == small && minimum == ETHER / U256::from(10))
    );
    assert_encoding(err);

    p.vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, alice)
        .motsu_unwrap();
    assert_eq!(p.vault.sender(alice).max_deposit(ETH, alice), ETHER);
    let too_much = ETHER + U256::from(1);
    let err = p
        .vault
        .sender_and_value(alice, too_much)
        .deposit(too_much, alice)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TotalCapExceeded(TotalCapExceeded { total_after, cap }) if total_after == ETHER * U256::from(2) + U256::from(1) && cap == ETHER * U256::from(2))
    );
    assert_encoding(err);
    assert_eq!(p.total(), ETHER);
}

#[motsu::test]
fn deposits_of_others_do_not_lower_the_rate(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(3));
    p.admin.fund(ETHER);
    p.vault
        .sender_and_value(p.admin, ETHER / U256::from(100))
        .distribute_rewards()
        .motsu_unwrap();
    let before = p.rate();
    p.deposit_eth(bob, U256::from(123_456_789));
    assert!(p.rate() >= before);
    p.deposit_lst(bob, U256::from(987_654_321));
    assert!(p.rate() >= before);
    p.assert_books();
}

// ----- LST deposits -----

#[motsu::test]
fn lst_deposit_values_what_arrived_at_the_checked_rate(alice: Address) {
    let p = Protocol::deploy();
    let amount = ETHER * U256::from(2);
    let shares = p.deposit_lst(alice, amount);
    let value = amount * rate(105) / ETHER;
    assert_eq!(shares, value);
    assert_eq!(
        p.vault.sender(alice).asset_totals(p.lst.address()),
        (amount, U256::ZERO, rate(105), value, U256::ZERO)
    );
    p.vault.assert_emitted(&Deposit {
        sender: alice,
        receiver: alice,
        asset: p.lst.address(),
        amount,
        value,
        shares,
    });
    p.vault.assert_emitted(&AssetRevalued {
        asset: p.lst.address(),
        rate: rate(105),
        value: U256::ZERO,
    });
    p.assert_books();
}

#[motsu::test]
fn lst_deposit_counts_short_deliveries(alice: Address) {
    let p = Protocol::deploy();
    p.lst
        .sender(p.admin)
        .set_transfer_shortfall(U256::from(2))
        .motsu_unwrap();
    let amount = ETHER;
    let shares = p.deposit_lst(alice, amount);
    let arrived = amount - U256::from(2);
    assert_eq!(
        p.vault.sender(alice).asset_totals(p.lst.address()).0,
        arrived
    );
    assert_eq!(shares, arrived * rate(105) / ETHER);
    p.assert_books();
}

#[motsu::test]
fn lst_deposit_rejects_slippage(alice: Address) {
    let p = Protocol::deploy();
    p.give_lst(alice, ETHER);
    let expected = p
        .vault
        .sender(alice)
        .preview_deposit(p.lst.address(), ETHER)
        .motsu_unwrap();
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, expected + U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::SlippageExceeded(SlippageExceeded { shares, min_shares }) if shares == expected && min_shares == expected + U256::from(1))
    );
    assert_encoding(err);
    let shares = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, expected)
        .motsu_unwrap();
    assert_eq!(shares, expected);
}

#[motsu::test]
fn lst_deposit_rejects_eth_placeholder_disabled_and_unknown_assets(alice: Address) {
    let p = Protocol::deploy();
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(ETH, ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnsupportedAsset(_)));

    p.give_lst(alice, ETHER);
    p.registry
        .sender(p.admin)
        .set_asset_enabled(p.lst.address(), false)
        .motsu_unwrap();
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::AssetDisabled(AssetDisabled { asset }) if asset == p.lst.address())
    );
    assert_encoding(err);
    assert_eq!(
        p.vault.sender(alice).max_deposit(p.lst.address(), alice),
        U256::ZERO
    );

    let unknown = Address::with_last_byte(0x55);
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(unknown, ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert_eq!(
        selector_of(&err),
        lrt_asset_registry::UnknownAsset::SELECTOR
    );
    assert_eq!(p.total(), U256::ZERO);
}

#[motsu::test]
fn lst_deposit_respects_the_asset_cap(alice: Address) {
    let p = Protocol::deploy();
    p.registry
        .sender(p.admin)
        .set_deposit_cap(p.lst.address(), ETHER)
        .motsu_unwrap();
    p.deposit_lst(alice, ETHER / U256::from(2));
    assert_eq!(
        p.vault.sender(alice).max_deposit(p.lst.address(), alice),
        ETHER / U256::from(2)
    );
    p.give_lst(alice, ETHER);
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::AssetCapExceeded(AssetCapExceeded { held_after, cap, .. }) if held_after == ETHER * U256::from(3) / U256::from(2) && cap == ETHER)
    );
    assert_encoding(err);
}

#[motsu::test]
fn lst_deposit_without_allowance_fails_with_transfer_error(alice: Address) {
    let p = Protocol::deploy();
    p.lst.sender(alice).mint(alice, ETHER).motsu_unwrap();
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TransferFailed(TokenTransferFailed { token }) if token == p.lst.address())
    );
    assert_encoding(err);
    assert_eq!(p.lst.sender(alice).balance_of(alice), ETHER);
}

#[motsu::test]
fn stale_lst_rate_blocks_that_asset_only(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_lst(alice, ETHER);
    p.source
        .sender(p.admin)
        .set_rate_at(rate(105), U256::from(1_000))
        .motsu_unwrap();
    p.give_lst(alice, ETHER);
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert_eq!(selector_of(&err), lrt_asset_registry::StaleRate::SELECTOR);
    assert_eq!(
        p.vault.sender(alice).max_deposit(p.lst.address(), alice),
        U256::ZERO
    );
    // ETH keeps working, valued against the LST's last accepted rate.
    let before = p.rate();
    p.deposit_eth(alice, ETHER);
    assert_eq!(p.rate(), before);
    p.assert_books();
}

#[motsu::test]
fn out_of_bounds_lst_rate_is_refused_and_books_stay(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_lst(alice, ETHER);
    let total = p.total();
    p.source.sender(p.admin).set_rate(rate(150)).motsu_unwrap();
    let err = p
        .vault
        .sender(alice)
        .sync_asset_rate(p.lst.address())
        .motsu_unwrap_err();
    assert_eq!(
        selector_of(&err),
        lrt_asset_registry::RateOutOfBounds::SELECTOR
    );
    assert_eq!(p.total(), total);
}

#[motsu::test]
fn lst_rate_moves_reach_the_lrt_rate_through_sync(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_lst(alice, ETHER * U256::from(10));
    let before = p.rate();
    p.source.sender(p.admin).set_rate(rate(107)).motsu_unwrap();
    assert_eq!(
        p.vault
            .sender(alice)
            .sync_asset_rate(p.lst.address())
            .motsu_unwrap(),
        rate(107)
    );
    assert!(p.rate() > before);
    assert_eq!(p.total(), ETHER * U256::from(10) * rate(107) / ETHER);
    p.vault.assert_emitted(&AssetRevalued {
        asset: p.lst.address(),
        rate: rate(107),
        value: p.total(),
    });
    p.assert_books();
}

#[motsu::test]
fn preview_deposit_matches_the_deposit(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(4));
    p.admin.fund(ETHER);
    p.vault
        .sender_and_value(p.admin, ETHER / U256::from(50))
        .distribute_rewards()
        .motsu_unwrap();
    let amount = U256::from(777_777_777_777u64);
    let preview = p
        .vault
        .sender(alice)
        .preview_deposit(ETH, amount)
        .motsu_unwrap();
    assert_eq!(p.deposit_eth(alice, amount), preview);
    p.source.sender(p.admin).set_rate(rate(106)).motsu_unwrap();
    let preview = p
        .vault
        .sender(alice)
        .preview_deposit(p.lst.address(), amount)
        .motsu_unwrap();
    assert_eq!(p.deposit_lst(alice, amount), preview);
}

// ----- Donations -----

#[motsu::test]
fn donations_move_neither_books_nor_rate(alice: Address, mallory: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER);
    p.deposit_lst(alice, ETHER);
    let (total, rate_before) = (p.total(), p.rate());
    p.lst
        .sender(mallory)
        .mint(p.vault.address(), ETHER * U256::from(100))
        .motsu_unwrap();
    p.vault.address().fund(ETHER * U256::from(100));
    assert_eq!(p.total(), total);
    assert_eq!(p.rate(), rate_before);
    p.assert_books();
}

#[motsu::test]
fn inflation_attack_by_first_depositor_fails(mallory: Address, victim: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(mallory, U256::from(1));
    p.lst
        .sender(mallory)
        .mint(p.vault.address(), ETHER * U256::from(10))
        .motsu_unwrap();
    p.vault.address().fund(ETHER * U256::from(10));
    let shares = p.deposit_eth(victim, ETHER);
    assert_eq!(shares, ETHER, "the victim mints at the untouched 1:1 rate");
    let attacker_shares = p.balance(mallory);
    let attacker_value = p
        .vault
        .sender(mallory)
        .convert_to_assets(attacker_shares)
        .motsu_unwrap();
    assert!(attacker_value <= U256::from(1));
}

// ----- Rewards and fee -----

#[motsu::test]
fn rewards_raise_the_rate_and_mint_the_fee_to_the_treasury(alice: Address) {
    let p = Protocol::deploy();
    p.vault
        .sender(p.admin)
        .set_fee(U256::from(1_000))
        .motsu_unwrap();
    p.vault.assert_emitted(&FeeSet {
        fee_bps: U256::from(1_000),
    });
    p.deposit_eth(alice, ETHER * U256::from(100));
    let rewards = ETHER / U256::from(2);
    p.admin.fund(rewards);
    p.vault
        .sender_and_value(p.admin, rewards)
        .distribute_rewards()
        .motsu_unwrap();

    let fee = rewards / U256::from(10);
    let supply = ETHER * U256::from(100);
    let total = supply + rewards;
    let fee_shares = fee * (supply + VIRTUAL_OFFSET) / (total - fee + VIRTUAL_OFFSET);
    assert_eq!(p.balance(p.treasury), fee_shares);
    let treasury_value = p
        .vault
        .sender(alice)
        .convert_to_assets(fee_shares)
        .motsu_unwrap();
    assert!(treasury_value <= fee && fee - treasury_value <= U256::from(2));
    let alice_shares = p.balance(alice);
    let alice_value = p
        .vault
        .sender(alice)
        .convert_to_assets(alice_shares)
        .motsu_unwrap();
    // Alice holds every other share: she keeps the rewards less the fee,
    // less the sliver (V / (S + V)) that accrues to the virtual position.
    let expected = supply + rewards - fee;
    assert!(
        alice_value <= expected && expected - alice_value <= U256::from(10),
        "{alice_value} vs {expected}"
    );
    let rate = p.rate();
    p.vault.assert_emitted(&RewardsDistributed {
        rewards,
        fee,
        fee_shares,
        rate,
    });
    p.assert_books();
}

#[motsu::test]
fn rewards_above_the_bound_are_refused(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(100));
    let max = ETHER; // 1% of 100 ETH, the default bound.
    p.admin.fund(ETHER * U256::from(2));
    let err = p
        .vault
        .sender_and_value(p.admin, max + U256::from(1))
        .distribute_rewards()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::RewardAboveBound(RewardAboveBound { rewards, max_rewards }) if rewards == max + U256::from(1) && max_rewards == max)
    );
    assert_encoding(err);
    assert_eq!(p.total(), ETHER * U256::from(100));
    p.vault
        .sender_and_value(p.admin, max)
        .distribute_rewards()
        .motsu_unwrap();
    assert_eq!(p.total(), ETHER * U256::from(101));
}

#[motsu::test]
fn rewards_need_shares_value_and_spacing(alice: Address) {
    let p = Protocol::deploy();
    p.admin.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(p.admin, U256::from(1))
        .distribute_rewards()
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NoSharesOutstanding(_)));
    p.deposit_eth(alice, ETHER * U256::from(100));
    let err = p
        .vault
        .sender(p.admin)
        .distribute_rewards()
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)));

    p.vault
        .sender(p.admin)
        .set_reward_limits(U256::from(100), 3_600)
        .motsu_unwrap();
    p.vault.assert_emitted(&RewardLimitsSet {
        max_reward_bps: U256::from(100),
        min_report_interval: 3_600,
    });
    p.vault
        .sender_and_value(p.admin, U256::from(1_000))
        .distribute_rewards()
        .motsu_unwrap();
    let (_, _, last) = p.vault.sender(p.admin).reward_limits();
    let err = p
        .vault
        .sender_and_value(p.admin, U256::from(1_000))
        .distribute_rewards()
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReportTooSoon(ReportTooSoon { next_report_at }) if next_report_at == U256::from(last + 3_600))
    );
    assert_encoding(err);
}

#[motsu::test]
fn fee_and_reward_bound_have_hard_maximums() {
    let p = Protocol::deploy();
    let err = p
        .vault
        .sender(p.admin)
        .set_fee(U256::from(MAX_FEE_BPS + 1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::FeeAboveMaximum(FeeAboveMaximum { fee_bps, max_fee_bps }) if fee_bps == U256::from(MAX_FEE_BPS + 1) && max_fee_bps == U256::from(MAX_FEE_BPS))
    );
    assert_encoding(err);
    let err = p
        .vault
        .sender(p.admin)
        .set_reward_limits(U256::from(MAX_REWARD_BPS + 1), 0)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::RewardBoundAboveMaximum(_)));
    assert_eq!(p.vault.sender(p.admin).fee_bps(), U256::ZERO);
    p.vault
        .sender(p.admin)
        .set_fee(U256::from(MAX_FEE_BPS))
        .motsu_unwrap();
    assert_eq!(p.vault.sender(p.admin).fee_bps(), U256::from(MAX_FEE_BPS));
}

#[motsu::test]
fn treasury_can_be_moved_but_not_to_zero() {
    let p = Protocol::deploy();
    let err = p
        .vault
        .sender(p.admin)
        .set_treasury(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAddress(_)));
    let next = Address::with_last_byte(0x99);
    p.vault.sender(p.admin).set_treasury(next).motsu_unwrap();
    assert_eq!(p.vault.sender(p.admin).treasury(), next);
    p.vault.assert_emitted(&TreasurySet { treasury: next });
}

// ----- Pauses -----

#[motsu::test]
fn pauser_pauses_deposits_and_only_admin_unpauses(alice: Address, pauser: Address) {
    let p = Protocol::deploy();
    p.vault
        .sender(p.admin)
        .grant_role(PAUSER_ROLE, pauser)
        .motsu_unwrap();
    p.vault
        .sender(pauser)
        .set_deposits_paused(true)
        .motsu_unwrap();
    p.vault.assert_emitted(&DepositsPauseSet { paused: true });
    assert!(p.vault.sender(alice).deposits_paused());
    assert_eq!(p.vault.sender(alice).max_deposit(ETH, alice), U256::ZERO);

    alice.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DepositsPaused(_)));
    p.give_lst(alice, ETHER);
    let err = p
        .vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER, alice, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DepositsPaused(_)));

    let err = p
        .vault
        .sender(pauser)
        .set_deposits_paused(false)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::Access(AccessError::Unauthorized(AccessControlUnauthorizedAccount { needed_role, .. })) if needed_role == ADMIN_ROLE)
    );
    p.vault
        .sender(p.admin)
        .set_deposits_paused(false)
        .motsu_unwrap();
    p.vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, alice)
        .motsu_unwrap();
}

#[motsu::test]
fn withdrawal_pause_is_separate_from_deposit_pause(alice: Address) {
    let p = Protocol::deploy();
    p.vault
        .sender(p.admin)
        .set_withdrawals_paused(true)
        .motsu_unwrap();
    p.vault
        .assert_emitted(&WithdrawalsPauseSet { paused: true });
    assert!(p.vault.sender(alice).withdrawals_paused());
    assert!(!p.vault.sender(alice).deposits_paused());
    p.deposit_eth(alice, ETHER);
    p.vault
        .sender(p.admin)
        .set_withdrawals_paused(false)
        .motsu_unwrap();
    assert!(!p.vault.sender(alice).withdrawals_paused());
}

// ----- Access control -----

#[motsu::test]
fn every_privileged_function_rejects_a_stranger(stranger: Address) {
    let p = Protocol::deploy();
    stranger.fund(ETHER);
    let v = &p.vault;
    let results = [
        v.sender(stranger).set_fee(U256::from(1)).motsu_unwrap_err(),
        v.sender(stranger).set_treasury(stranger).motsu_unwrap_err(),
        v.sender(stranger)
            .set_reward_limits(U256::from(1), 1)
            .motsu_unwrap_err(),
        v.sender(stranger)
            .set_deposit_limits(U256::from(1), U256::from(1))
            .motsu_unwrap_err(),
        v.sender(stranger)
            .set_deposits_paused(true)
            .motsu_unwrap_err(),
        v.sender(stranger)
            .set_deposits_paused(false)
            .motsu_unwrap_err(),
        v.sender(stranger)
            .set_withdrawals_paused(true)
            .motsu_unwrap_err(),
        v.sender(stranger)
            .set_withdrawals_paused(false)
            .motsu_unwrap_err(),
        v.sender_and_value(stranger, U256::from(1))
            .distribute_rewards()
            .motsu_unwrap_err(),
    ];
    for err in results {
        assert!(
            matches!(err, Error::Access(AccessError::Unauthorized(AccessControlUnauthorizedAccount { account, .. })) if account == stranger),
            "{err:?}"
        );
    }
    let err = v
        .sender(stranger)
        .grant_role(PAUSER_ROLE, stranger)
        .motsu_unwrap_err();
    assert!(matches!(err, AccessError::Unauthorized(_)));
    assert_eq!(v.sender(stranger).fee_bps(), U256::ZERO);
    assert_eq!(v.sender(stranger).treasury(), p.treasury);
    assert_eq!(v.sender(stranger).deposit_limits(), (U256::ZERO, U256::MAX));
    assert!(!v.sender(stranger).deposits_paused());
}

#[motsu::test]
fn constructor_rejects_zero_links(admin: Address) {
    let vault = Contract::<Vault>::new();
    let err = vault
        .sender(admin)
        .constructor(admin, Address::ZERO, admin, admin)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAddress(_)));
    let err = vault
        .sender(admin)
        .constructor(Address::ZERO, admin, admin, admin)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::Access(AccessError::InvalidAdmin(_))));
}

// ----- Broken rate guard -----

#[motsu::test]
fn shares_without_assets_stop_deposits(alice: Address, minter: Address) {
    let p = Protocol::deploy();
    // Shares that no asset backs: the state a total slashing leaves.
    p.token
        .sender(p.admin)
        .grant_role(MINTER_ROLE, minter)
        .motsu_unwrap();
    p.token.sender(minter).mint(minter, ETHER).motsu_unwrap();
    alice.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NoBackingAssets(NoBackingAssets { supply }) if supply == ETHER));
    assert_encoding(err);
    let err = p
        .vault
        .sender(alice)
        .preview_deposit(ETH, ETHER)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NoBackingAssets(_)));
}

// ----- Views -----

#[motsu::test]
fn views_describe_the_vault(alice: Address) {
    let p = Protocol::deploy();
    assert_eq!(p.vault.sender(alice).share(), p.token.address());
    assert_eq!(p.vault.sender(alice).asset(), ETH);
    assert_eq!(p.vault.sender(alice).registry(), p.registry.address());
    assert_eq!(p.vault.sender(alice).get_rate().motsu_unwrap(), ETHER);
    assert_eq!(
        p.vault
            .sender(alice)
            .convert_to_shares(ETHER)
            .motsu_unwrap(),
        ETHER
    );
    assert_eq!(
        p.vault.sender(alice).reward_limits(),
        (U256::from(100), 0, 0)
    );
    // The LST may take what the global cap allows, converted to units.
    p.vault
        .sender(p.admin)
        .set_deposit_limits(U256::ZERO, ETHER * U256::from(21))
        .motsu_unwrap();
    assert_eq!(
        p.vault.sender(alice).max_deposit(p.lst.address(), alice),
        ETHER * U256::from(20)
    );
}

// ----- Property: random deposit and reward sequences keep the books -----

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
        Transfer {
            from: usize,
            to: usize,
            fraction: u8,
        },
        Reward {
            bps: u8,
        },
        LstRate {
            up: bool,
            bps: u16,
        },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (0..3usize, 1..1_000_000_000_000u64)
                .prop_map(|(who, amount)| Action::DepositEth { who, amount }),
            (0..3usize, 1..1_000_000_000_000u64)
                .prop_map(|(who, amount)| Action::DepositLst { who, amount }),
            (0..3usize, 0..3usize, 0..=100u8).prop_map(|(from, to, fraction)| Action::Transfer {
                from,
                to,
                fraction
            }),
            (0..=100u8).prop_map(|bps| Action::Reward { bps }),
            (any::<bool>(), 0..=500u16).prop_map(|(up, bps)| Action::LstRate { up, bps }),
        ]
    }

    #[test]
    fn books_supply_and_rate_hold_over_random_sequences() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 48,
            ..ProptestConfig::default()
        });
        runner
            .run(&proptest::collection::vec(action(), 1..24), |actions| {
                run_sequence(&actions);
                Ok(())
            })
            .unwrap();
    }

    fn run_sequence(actions: &[Action]) {
        let p = Protocol::deploy();
        p.vault
            .sender(p.admin)
            .set_fee(U256::from(1_000))
            .motsu_unwrap();
        let users = [
            Address::with_last_byte(1),
            Address::with_last_byte(2),
            Address::with_last_byte(3),
        ];
        let unit = U256::from(1_000_000u64);
        let mut lst_rate = rate(105);
        for action in actions {
            let rate_before = p.rate();
            let supply_before = p.token.sender(p.admin).total_supply();
            match *action {
                Action::DepositEth { who, amount } => {
                    p.deposit_eth(users[who], U256::from(amount) * unit);
                    assert!(p.rate() >= rate_before, "a deposit lowered the rate");
                }
                Action::DepositLst { who, amount } => {
                    p.deposit_lst(users[who], U256::from(amount) * unit);
                    assert!(p.rate() >= rate_before, "a deposit lowered the rate");
                }
                Action::Transfer { from, to, fraction } => {
                    let amount = p.balance(users[from]) * U256::from(fraction) / U256::from(100);
                    p.token
                        .sender(users[from])
                        .transfer(users[to], amount)
                        .motsu_unwrap();
                    assert_eq!(p.rate(), rate_before);
                }
                Action::Reward { bps } => {
                    let rewards = p.total() * U256::from(bps) / U256::from(10_000);
                    if supply_before.is_zero() || rewards.is_zero() {
                        continue;
                    }
                    p.admin.fund(rewards);
                    p.vault
                        .sender_and_value(p.admin, rewards)
                        .distribute_rewards()
                        .motsu_unwrap();
                    assert!(p.rate() >= rate_before, "rewards lowered the rate");
                }
                Action::LstRate { up, bps } => {
                    let delta = lst_rate * U256::from(bps) / U256::from(10_000);
                    lst_rate = if up {
                        lst_rate + delta
                    } else {
                        lst_rate - delta
                    };
                    p.source.sender(p.admin).set_rate(lst_rate).motsu_unwrap();
                    let synced = p.vault.sender(p.admin).sync_asset_rate(p.lst.address());
                    if synced.is_err() {
                        // Beyond what the day's budget still allows (motsu's
                        // clock never moves, so it never refills): refused,
                        // and the books keep the accepted rate.
                        lst_rate = p.vault.sender(p.admin).asset_totals(p.lst.address()).2;
                        p.source.sender(p.admin).set_rate(lst_rate).motsu_unwrap();
                    }
                }
            }
            p.assert_books();
            let balances: U256 = users
                .iter()
                .chain([&p.treasury])
                .map(|u| p.balance(*u))
                .sum();
            assert_eq!(
                balances,
                p.token.sender(p.admin).total_supply(),
                "supply = sum of balances"
            );
        }
        // No value appears from nowhere: at a rate of at least 1, every holder
        // together can redeem at most the assets; below 1 the virtual
        // position's V wei lend them less than V wei (see `shares`).
        let supply = p.token.sender(p.admin).total_supply();
        let total = p.total();
        let redeemable = p
            .vault
            .sender(p.admin)
            .convert_to_assets(supply)
            .motsu_unwrap();
        if total >= supply {
            assert!(redeemable <= total);
        } else {
            assert!(redeemable < total + VIRTUAL_OFFSET);
        }
    }
}

/// The books keep figures in 128 bits (~3.4e20 ETH). The global cap is never
/// higher, so a deposit that would not fit is refused with the cap's error
/// (naming the real ceiling) and changes nothing; limits set at or above
/// 2^128 - 1 wei read back as none.
#[motsu::test]
fn figures_beyond_128_bits_are_refused_by_the_cap(alice: Address) {
    let p = Protocol::deploy();
    let admin = p.admin;
    p.vault
        .sender(admin)
        .set_deposit_limits(U256::ZERO, U256::MAX)
        .motsu_unwrap();
    assert_eq!(
        p.vault.sender(alice).deposit_limits(),
        (U256::ZERO, U256::MAX),
        "an unlimited cap reads back as unlimited"
    );
    let cap = U256::from(u128::MAX);
    p.vault
        .sender(admin)
        .set_deposit_limits(U256::from(1), cap - U256::from(1))
        .motsu_unwrap();
    assert_eq!(
        p.vault.sender(alice).deposit_limits(),
        (U256::from(1), cap - U256::from(1))
    );
    p.vault
        .sender(admin)
        .set_deposit_limits(U256::ZERO, U256::MAX)
        .motsu_unwrap();

    p.deposit_eth(alice, ETHER);
    let huge = cap;
    alice.fund(huge);
    let err = p
        .vault
        .sender_and_value(alice, huge)
        .deposit(huge, alice)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TotalCapExceeded(TotalCapExceeded { total_after, cap: c }) if total_after == ETHER + huge && c == cap),
        "{err:?}"
    );
    assert_eq!(p.total(), ETHER, "nothing was booked");
    assert_eq!(p.vault.sender(alice).max_deposit(ETH, alice), cap - ETHER);
}

/// A contract that answers the vault's reads of lrETH and of the registry
/// with too little data: one word for an asset's rate, nothing for the
/// supply (and takes mints).
#[storage]
struct ShortAnswers;

unsafe impl TopLevelStorage for ShortAnswers {}

#[public]
impl ShortAnswers {
    fn current_rate(&self, asset: Address) -> U256 {
        let _ = asset;
        ETHER
    }

    fn refresh_rate(&mut self, asset: Address) -> U256 {
        let _ = asset;
        ETHER
    }

    fn total_supply(&self) {}

    /// Accepts any mint, so that only the supply's short answer can stop
    /// a deposit.
    fn mint(&mut self, to: Address, amount: U256) {
        let _ = (to, amount);
    }
}

/// An answer too short to hold what the vault reads is refused as a revert
/// without data, before anything is booked or minted.
#[motsu::test]
fn short_answers_from_the_token_or_the_registry_are_refused(
    vault: Contract<Vault>,
    short: Contract<ShortAnswers>,
    admin: Address,
    alice: Address,
) {
    let treasury = Address::with_last_byte(0x7E);
    vault
        .sender(admin)
        .constructor(admin, short.address(), short.address(), treasury)
        .motsu_unwrap();
    let lst = Address::with_last_byte(0x57);

    let err = vault
        .sender(alice)
        .preview_deposit(lst, ETHER)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::External(ExternalRevert(data)) if data.is_empty()),
        "{err:?}"
    );
    let err = vault.sender(alice).sync_asset_rate(lst).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::External(ExternalRevert(data)) if data.is_empty()),
        "{err:?}"
    );

    alice.fund(ETHER);
    let err = vault
        .sender_and_value(alice, ETHER)
        .deposit(ETHER, alice)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::External(ExternalRevert(data)) if data.is_empty()),
        "{err:?}"
    );
    assert_eq!(vault.sender(alice).total_assets(), U256::ZERO);
}
