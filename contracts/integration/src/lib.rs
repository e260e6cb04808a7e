//! A deployed protocol on motsu, for cross-contract tests: every contract
//! wired as the deploy tool wires it, plus the actors and the checks the
//! tests share.
#![allow(clippy::missing_panics_doc)]

use alloy_primitives::{uint, Address, U256};
use lrt_asset_registry::AssetRegistry;
use lrt_common::{
    access::IRoles,
    constants::{
        ASSET_MANAGER_ROLE, DELEGATION_MANAGER_ROLE, ETH, MINTER_ROLE, OPERATOR_MANAGER_ROLE,
        PAUSER_ROLE, REWARDS_REPORTER_ROLE,
    },
};
use lrt_delegation::Delegation;
use lrt_operator_registry::OperatorRegistry;
use lrt_rate_source::RateSource;
use lrt_token::LrtToken;
use lrt_vault::Vault;
use lrt_withdrawal_queue::WithdrawalQueue;
use mock_lst::MockLst;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
pub use sink::EthSink;

mod sink;

/// 1 ETH in wei.
pub const ETHER: U256 = uint!(1_000_000_000_000_000_000_U256);
/// Staleness limit of the listed LST's rate.
pub const STALENESS: u64 = 86_400;
/// Per-update bound of the listed LST's rate.
pub const MAX_CHANGE_BPS: U256 = uint!(500_U256);
/// Unbonding delay of the delegation contract.
pub const UNBONDING_DELAY: u64 = 0;
/// Withdrawal delay of the queue: zero, because motsu's block time never
/// moves (tests of the delay set their own).
pub const WITHDRAWAL_DELAY: u64 = 0;

/// Evidence hash the tests' slashes cite.
pub const EVIDENCE: alloy_primitives::B256 = alloy_primitives::B256::repeat_byte(0xE7);
/// motsu's block time: fixed (1 January 2025), it never moves.
pub const NOW: u64 = 1_735_689_600;

/// The `n`-th test operator's address.
#[must_use]
pub fn op(n: u8) -> Address {
    Address::with_last_byte(0x40 + n)
}

/// The slasher of the `n`-th test operator.
#[must_use]
pub fn slasher(n: u8) -> Address {
    Address::with_last_byte(0x80 + n)
}

/// `n` ETH in wei.
#[must_use]
pub fn ether(n: u64) -> U256 {
    ETHER * U256::from(n)
}

/// `hundredths` / 100 ETH per token.
#[must_use]
pub fn rate(hundredths: u64) -> U256 {
    ETHER * U256::from(hundredths) / U256::from(100)
}

/// Every contract of a deployed protocol plus its privileged actors.
pub struct Protocol {
    pub vault: Contract<Vault>,
    pub token: Contract<LrtToken>,
    pub registry: Contract<AssetRegistry>,
    pub source: Contract<RateSource>,
    pub lst: Contract<MockLst>,
    pub operators: Contract<OperatorRegistry>,
    pub delegation: Contract<Delegation>,
    pub withdrawals: Contract<WithdrawalQueue>,
    /// Holds every role of every contract.
    pub admin: Address,
    pub treasury: Address,
    /// Receives slashed assets (a contract: motsu routes every value
    /// transfer to a contract's `receive`).
    pub slash_recipient: Address,
    /// The contract behind `slash_recipient`.
    pub sink: Contract<EthSink>,
    /// The withdrawal queue's address (`withdrawals.address()`), for tests
    /// that act as the queue towards the vault.
    pub queue: Address,
}

impl Protocol {
    /// Deploys and wires the protocol; lists the LST at 1.05 ETH per token.
    #[must_use]
    pub fn deploy() -> Self {
        let mut p = Protocol {
            vault: Contract::new(),
            token: Contract::new(),
            registry: Contract::new(),
            source: Contract::new(),
            lst: Contract::new(),
            operators: Contract::new(),
            delegation: Contract::new(),
            withdrawals: Contract::new(),
            admin: Address::with_last_byte(0xAD),
            treasury: Address::with_last_byte(0x7E),
            slash_recipient: Address::ZERO,
            sink: Contract::new(),
            queue: Address::ZERO,
        };
        p.slash_recipient = p.sink.address();
        p.queue = p.withdrawals.address();
        let admin = p.admin;
        p.token.sender(admin).constructor(admin).motsu_unwrap();
        p.registry.sender(admin).constructor(admin).motsu_unwrap();
        p.source
            .sender(admin)
            .constructor(admin, rate(105))
            .motsu_unwrap();
        p.lst
            .sender(admin)
            .constructor("Staked Ether".into(), "stETH".into());
        p.operators.sender(admin).constructor(admin).motsu_unwrap();
        p.vault
            .sender(admin)
            .constructor(admin, p.token.address(), p.registry.address(), p.treasury)
            .motsu_unwrap();
        p.registry
            .sender(admin)
            .set_vault(p.vault.address())
            .motsu_unwrap();
        p.delegation
            .sender(admin)
            .constructor(
                admin,
                p.vault.address(),
                p.operators.address(),
                p.slash_recipient,
                UNBONDING_DELAY,
            )
            .motsu_unwrap();
        p.withdrawals
            .sender(admin)
            .constructor(admin, p.vault.address(), WITHDRAWAL_DELAY)
            .motsu_unwrap();
        p.vault
            .sender(admin)
            .link(p.delegation.address(), p.queue)
            .motsu_unwrap();
        p.operators
            .sender(admin)
            .set_delegation(p.delegation.address())
            .motsu_unwrap();

        for minter in [p.vault.address(), p.queue] {
            p.token
                .sender(admin)
                .grant_role(MINTER_ROLE, minter)
                .motsu_unwrap();
        }
        for role in [
            ASSET_MANAGER_ROLE,
            PAUSER_ROLE,
            REWARDS_REPORTER_ROLE,
            DELEGATION_MANAGER_ROLE,
        ] {
            p.vault.sender(admin).grant_role(role, admin).motsu_unwrap();
        }
        p.registry
            .sender(admin)
            .grant_role(ASSET_MANAGER_ROLE, admin)
            .motsu_unwrap();
        p.operators
            .sender(admin)
            .grant_role(OPERATOR_MANAGER_ROLE, admin)
            .motsu_unwrap();
        p.delegation
            .sender(admin)
            .grant_role(DELEGATION_MANAGER_ROLE, admin)
            .motsu_unwrap();
        p.registry
            .sender(admin)
            .add_asset(
                p.lst.address(),
                p.source.address(),
                U256::MAX,
                STALENESS,
                MAX_CHANGE_BPS,
            )
            .motsu_unwrap();
        p
    }

    /// Allow-lists `operator`, slashed by `slasher`, with an unlimited cap.
    pub fn add_operator(&self, operator: Address, slasher: Address) {
        self.operators
            .sender(self.admin)
            .add_operator(
                operator,
                "https://operator.example/meta.json".into(),
                slasher,
                U256::MAX,
            )
            .motsu_unwrap();
    }

    /// `who` deposits `assets` wei of ETH; returns the shares minted.
    pub fn deposit_eth(&self, who: Address, assets: U256) -> U256 {
        who.fund(assets);
        self.vault
            .sender_and_value(who, assets)
            .deposit(assets, who)
            .motsu_unwrap()
    }

    /// Mints `amount` of the LST to `who` and approves the vault for it.
    pub fn give_lst(&self, who: Address, amount: U256) {
        self.lst.sender(who).mint(who, amount).motsu_unwrap();
        self.lst
            .sender(who)
            .approve(self.vault.address(), amount)
            .motsu_unwrap();
    }

    /// `who` deposits `amount` of the LST; returns the shares minted.
    pub fn deposit_lst(&self, who: Address, amount: U256) -> U256 {
        self.give_lst(who, amount);
        self.vault
            .sender(who)
            .deposit_asset(self.lst.address(), amount, who, U256::ZERO)
            .motsu_unwrap()
    }

    /// `who`'s lrETH balance.
    #[must_use]
    pub fn balance(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    /// lrETH supply.
    #[must_use]
    pub fn supply(&self) -> U256 {
        self.token.sender(self.admin).total_supply()
    }

    /// ETH per lrETH.
    #[must_use]
    pub fn rate(&self) -> U256 {
        self.vault.sender(self.admin).get_rate().motsu_unwrap()
    }

    /// The vault's total assets.
    #[must_use]
    pub fn total(&self) -> U256 {
        self.vault.sender(self.admin).total_assets()
    }

    /// What `who`'s lrETH is worth now.
    #[must_use]
    pub fn redeemable(&self, who: Address) -> U256 {
        let shares = self.balance(who);
        self.vault
            .sender(self.admin)
            .convert_to_assets(shares)
            .motsu_unwrap()
    }

    /// The books agree with themselves and with what the contracts hold:
    /// total assets is the sum of the books' values; each book's delegated
    /// units are what the delegation contract records and holds; idle and
    /// reserved units are covered by what the vault holds.
    pub fn assert_books(&self) {
        let mut total = U256::ZERO;
        for asset in [ETH, self.lst.address()] {
            let (idle, delegated, asset_rate, value, reserved) =
                self.vault.sender(self.admin).asset_totals(asset);
            assert_eq!(
                value,
                (idle + delegated) * asset_rate / ETHER,
                "value of {asset}"
            );
            total += value;
            assert_eq!(
                delegated,
                self.delegation.sender(self.admin).total_stake(asset),
                "delegated {asset}"
            );
            let (vault_holds, layer_holds) = if asset == ETH {
                (self.vault.balance(), self.delegation.balance())
            } else {
                let lst = &self.lst;
                (
                    lst.sender(self.admin).balance_of(self.vault.address()),
                    lst.sender(self.admin).balance_of(self.delegation.address()),
                )
            };
            assert!(
                idle + reserved <= vault_holds,
                "vault holds the idle and reserved {asset}"
            );
            assert!(
                delegated <= layer_holds,
                "the layer holds the delegated {asset}"
            );
        }
        assert_eq!(self.total(), total, "total assets = sum of the books");
    }
}
