//! The rate provider against a deployed vault, token and registry (motsu):
//! every figure is checked against the specification — getRate = total
//! assets × 1e18 / supply (1e18 with no supply), latestRoundData's fields
//! from the vault's valuation time, the ERC-165 ids.

use alloy_primitives::uint;
use alloy_sol_types::SolError;
use lrt_asset_registry::AssetRegistry;
use lrt_common::{
    access::IRoles,
    constants::{ASSET_MANAGER_ROLE, ETH, MINTER_ROLE, REWARDS_REPORTER_ROLE},
    introspection::ERC20,
};
use lrt_rate_source::RateSource;
use lrt_token::LrtToken;
use lrt_vault::{ValuationUpdated, Vault};
use mock_lst::MockLst;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
use proptest::prelude::*;

use super::*;

const ETHER: U256 = uint!(1_000_000_000_000_000_000_U256);
/// motsu's block time.
const NOW: u64 = 1_735_689_600;

struct Protocol {
    vault: Contract<Vault>,
    token: Contract<LrtToken>,
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    lst: Contract<MockLst>,
    provider: Contract<RateProvider>,
    admin: Address,
}

impl Protocol {
    /// Token, registry with one LST at 1.05 ETH, vault, and the provider.
    fn deploy() -> Self {
        let p = Protocol {
            vault: Contract::new(),
            token: Contract::new(),
            registry: Contract::new(),
            source: Contract::new(),
            lst: Contract::new(),
            provider: Contract::new(),
            admin: Address::with_last_byte(0xAD),
        };
        let admin = p.admin;
        p.token.sender(admin).constructor(admin).motsu_unwrap();
        p.registry.sender(admin).constructor(admin).motsu_unwrap();
        p.source
            .sender(admin)
            .constructor(admin, ETHER * U256::from(105) / U256::from(100))
            .motsu_unwrap();
        p.lst
            .sender(admin)
            .constructor("Staked Ether".into(), "stETH".into());
        p.vault
            .sender(admin)
            .constructor(
                admin,
                p.token.address(),
                p.registry.address(),
                Address::with_last_byte(0x7E),
            )
            .motsu_unwrap();
        p.token
            .sender(admin)
            .grant_role(MINTER_ROLE, p.vault.address())
            .motsu_unwrap();
        for role in [ASSET_MANAGER_ROLE, REWARDS_REPORTER_ROLE] {
            p.vault.sender(admin).grant_role(role, admin).motsu_unwrap();
        }
        p.registry
            .sender(admin)
            .grant_role(ASSET_MANAGER_ROLE, admin)
            .motsu_unwrap();
        p.registry
            .sender(admin)
            .add_asset(
                p.lst.address(),
                p.source.address(),
                U256::MAX,
                86_400,
                U256::from(500),
            )
            .motsu_unwrap();
        p.provider
            .sender(admin)
            .constructor(p.vault.address())
            .motsu_unwrap();
        p
    }

    fn deposit_eth(&self, who: Address, assets: U256) {
        who.fund(assets);
        self.vault
            .sender_and_value(who, assets)
            .deposit(assets, who)
            .motsu_unwrap();
    }

    fn report(&self, rewards: U256) {
        self.admin.fund(rewards);
        self.vault
            .sender_and_value(self.admin, rewards)
            .distribute_rewards()
            .motsu_unwrap();
    }

    /// total assets × 1e18 / supply, from the vault and the token.
    fn expected_rate(&self) -> U256 {
        let total = self.vault.sender(self.admin).total_assets();
        let supply = self.token.sender(self.admin).total_supply();
        if supply.is_zero() {
            ETHER
        } else {
            total * ETHER / supply
        }
    }

    fn rate(&self) -> U256 {
        self.provider.sender(self.admin).get_rate().motsu_unwrap()
    }
}

fn id(value: u32) -> FixedBytes<4> {
    FixedBytes(value.to_be_bytes())
}

#[motsu::test]
fn rate_is_one_while_no_lrt_exists() {
    let p = Protocol::deploy();
    assert_eq!(p.token.sender(p.admin).total_supply(), U256::ZERO);
    assert_eq!(p.rate(), ETHER);
}

#[motsu::test]
fn rate_is_total_assets_over_supply(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(10));
    assert_eq!(p.rate(), ETHER);
    // 0.1 ETH of rewards on 10 ETH, no fee: 1.01 ETH per lrETH.
    p.report(ETHER / U256::from(10));
    assert_eq!(p.rate(), uint!(1_010_000_000_000_000_000_U256));
    assert_eq!(p.rate(), p.expected_rate());
}

#[motsu::test]
fn rate_follows_an_lst_revaluation(alice: Address) {
    let p = Protocol::deploy();
    p.lst
        .sender(alice)
        .mint(alice, ETHER * U256::from(10))
        .motsu_unwrap();
    p.lst
        .sender(alice)
        .approve(p.vault.address(), ETHER * U256::from(10))
        .motsu_unwrap();
    p.vault
        .sender(alice)
        .deposit_asset(p.lst.address(), ETHER * U256::from(10), alice, U256::ZERO)
        .motsu_unwrap();
    let before = p.rate();
    // stETH 1.05 → 1.0815 (+3%): the books move at the next sync.
    p.source
        .sender(p.admin)
        .set_rate(ETHER * U256::from(10_815) / U256::from(10_000))
        .motsu_unwrap();
    assert_eq!(
        p.rate(),
        before,
        "the provider reads the books, not the source"
    );
    p.vault
        .sender(alice)
        .sync_asset_rate(p.lst.address())
        .motsu_unwrap();
    assert_eq!(p.rate(), p.expected_rate());
    assert!(p.rate() > before);
}

#[motsu::test]
fn latest_round_data_reports_the_rate_and_the_valuation_time(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(4));
    p.report(ETHER / U256::from(100));
    let updated_at = p.vault.sender(p.admin).valuation_updated_at();
    assert_eq!(updated_at, NOW);
    p.vault
        .assert_emitted(&ValuationUpdated { updated_at: NOW });
    let (round_id, answer, started_at, updated, answered_in_round) = p
        .provider
        .sender(p.admin)
        .latest_round_data()
        .motsu_unwrap();
    assert_eq!(answer, I256::try_from(p.expected_rate()).unwrap());
    assert_eq!(updated, U256::from(NOW));
    assert_eq!(started_at, U256::from(NOW));
    assert_eq!(round_id, U80::from(NOW));
    assert_eq!(answered_in_round, round_id);
    assert_eq!(p.provider.sender(p.admin).decimals(), 18);
    assert_eq!(p.provider.sender(p.admin).version(), U256::from(1));
    assert_eq!(
        p.provider.sender(p.admin).description(),
        "lrETH / ETH exchange rate"
    );
}

#[motsu::test]
fn get_round_data_knows_only_the_latest_round() {
    let p = Protocol::deploy();
    let latest = p
        .provider
        .sender(p.admin)
        .latest_round_data()
        .motsu_unwrap();
    assert_eq!(
        p.provider
            .sender(p.admin)
            .get_round_data(latest.0)
            .motsu_unwrap(),
        latest
    );
    let older = latest.0 - U80::from(1);
    let err = p
        .provider
        .sender(p.admin)
        .get_round_data(older)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NoDataPresent(NoDataPresent { round_id }) if round_id == U256::from(older))
    );
    assert_eq!(
        Vec::<u8>::from(err),
        NoDataPresent {
            round_id: U256::from(older)
        }
        .abi_encode()
    );
}

#[motsu::test]
fn reads_the_vault_and_its_share() {
    let p = Protocol::deploy();
    assert_eq!(p.provider.sender(p.admin).vault(), p.vault.address());
    assert_eq!(p.provider.sender(p.admin).share(), p.token.address());
}

#[motsu::test]
fn constructor_rejects_the_zero_vault(provider: Contract<RateProvider>, admin: Address) {
    let err = provider
        .sender(admin)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAddress(InvalidAddress { account }) if account.is_zero()));
    assert_eq!(provider.sender(admin).vault(), Address::ZERO);
}

#[motsu::test]
fn supports_its_interfaces_and_no_other() {
    let p = Protocol::deploy();
    let provider = p.provider.sender(p.admin);
    for (name, value) in [
        ("ERC-165", 0x01ff_c9a7),
        ("IRateProvider", 0x679a_efce),
        ("AggregatorV3Interface", 0x7385_1258),
    ] {
        assert!(provider.supports_interface(id(value)), "{name}");
    }
    assert!(!provider.supports_interface(id(ERC20)));
    assert!(!provider.supports_interface(id(0xffff_ffff)));
}

#[motsu::test]
fn vault_supports_erc165_and_the_rate_provider_interface() {
    let p = Protocol::deploy();
    let vault = p.vault.sender(p.admin);
    assert!(vault.supports_interface(id(0x01ff_c9a7)));
    assert!(vault.supports_interface(id(0x679a_efce)));
    // Not a full ERC-4626/7575 vault (redemption is asynchronous, through
    // the queue): it does not claim ERC-7575's id.
    assert!(!vault.supports_interface(id(0x2f0a_18c5)));
    assert!(!vault.supports_interface(id(0xffff_ffff)));
}

#[motsu::test]
fn vault_preview_redeem_and_max_deposit_for_eth(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ETHER * U256::from(10));
    p.report(ETHER / U256::from(10));
    let vault = p.vault.sender(p.admin);
    let shares = ETHER * U256::from(3);
    // ETH value of the shares at the current books, rounded down.
    let total = vault.total_assets();
    let supply = p.token.sender(p.admin).total_supply();
    let virtual_offset = U256::from(1_000);
    assert_eq!(
        vault.preview_redeem(shares).motsu_unwrap(),
        shares * (total + virtual_offset) / (supply + virtual_offset)
    );
    assert_eq!(
        vault.preview_redeem(shares).motsu_unwrap(),
        vault.convert_to_assets(shares).motsu_unwrap()
    );
    // The standard maxDeposit(receiver) is the per-asset one for ETH.
    assert_eq!(vault.max_deposit_eth(alice), vault.max_deposit(ETH, alice));
    // No cap is set: the room is what the books can hold (2^128 - 1 wei) less total assets.
    assert_eq!(vault.max_deposit_eth(alice), U256::from(u128::MAX) - total);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the deposits and rewards, getRate is total assets × 1e18 /
    /// supply, rounded down, and latestRoundData answers the same.
    #[test]
    fn rate_is_always_the_ratio_of_the_books(
        deposits in proptest::collection::vec(1u64..1_000_000, 1..4),
        reward_bps in 0u64..100,
    ) {
        let p = Protocol::deploy();
        let alice = Address::with_last_byte(0xA1);
        let mut total = U256::ZERO;
        for milli in deposits {
            let amount = ETHER * U256::from(milli) / U256::from(1_000);
            p.deposit_eth(alice, amount);
            total += amount;
        }
        let rewards = total * U256::from(reward_bps) / U256::from(10_000);
        if !rewards.is_zero() {
            p.report(rewards);
        }
        prop_assert_eq!(p.rate(), p.expected_rate());
        let answer = p.provider.sender(p.admin).latest_round_data().motsu_unwrap().1;
        prop_assert_eq!(answer, I256::try_from(p.expected_rate()).unwrap());
    }
}
