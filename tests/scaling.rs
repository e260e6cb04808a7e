//! Gas of the user operations does not grow with the number of operators,
//! assets, holders or requests: each test measures one operation in two
//! states that differ only in one count (1, then 50; 16 for assets, the
//! most the asset registry lists) and asserts the figures are the same, to
//! within the few gas that arithmetic on operands of other sizes costs.
//!
//! The two states are built alike for every slot the measured operation
//! touches: a slot's first write costs 20,000 gas more than an update and
//! emptying one earns a refund, and the arithmetic on the books costs a few
//! gas more or less with the size of its operands. So the same account does
//! the same operation with the same amounts, total assets and supply are
//! equal, the count being varied keeps its sums equal (one request of 0.5
//! lrETH against fifty of 0.01), and each slot is fresh in both states or in
//! neither.
//!
//! Programs are cached, as a live protocol's are on Arbitrum One.

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use deploy::{
    abi::{IAssetRegistry, IErc20, IMockLst, IVault, IWithdrawalQueue, ETH},
    Deployment, TxError, ETHER,
};
use devnode::Devnode;
use e2e::{deployed_with_accounts, list_mock_lst, read, send};

sol! {
    /// The asset registry's refusal of a listing beyond its limit.
    #[derive(Debug, PartialEq, Eq)]
    error TooManyAssets(uint256 max);
}

/// The most assets the asset registry lists (`MAX_ASSETS`).
const MAX_ASSETS: usize = 16;
/// The large count of holders, requests and users.
const MANY: usize = 50;

/// A deployed protocol with enough funded accounts for fifty users besides
/// the named ones.
struct Protocol {
    node: Devnode,
    d: Deployment,
    admin: Address,
    /// Holds lrETH from the start and makes the requests that fill a line.
    bob: Address,
    /// Makes the measured deposits and requests.
    alice: Address,
    /// Sends the measured finalizations.
    carol: Address,
    /// Fifty more funded accounts.
    users: Vec<Address>,
}

impl Protocol {
    fn new() -> Self {
        let (node, d, config) = deployed_with_accounts(true, MANY + 3);
        let accounts = node.accounts();
        Self {
            admin: config.deployer,
            bob: accounts[1],
            alice: accounts[2],
            carol: accounts[3],
            users: accounts[4..4 + MANY].to_vec(),
            node,
            d,
        }
    }

    fn deposit_eth(&mut self, from: Address, assets: U256) -> u64 {
        let call = IVault::depositCall {
            assets,
            receiver: from,
        };
        send(&mut self.node, from, self.d.vault, assets, &call).gas_used
    }

    /// Mints `amount` of `lst` to `from` and approves the vault for all of it.
    fn fund_lst(&mut self, from: Address, lst: Address, amount: U256) {
        let mint = IMockLst::mintCall { to: from, amount };
        send(&mut self.node, from, lst, U256::ZERO, &mint);
        let approve = IErc20::approveCall {
            spender: self.d.vault,
            value: U256::MAX,
        };
        send(&mut self.node, from, lst, U256::ZERO, &approve);
    }

    fn deposit_lst(&mut self, from: Address, lst: Address, amount: U256) -> u64 {
        let call = IVault::depositAssetCall {
            asset: lst,
            amount,
            receiver: from,
            minShares: U256::ZERO,
        };
        send(&mut self.node, from, self.d.vault, U256::ZERO, &call).gas_used
    }

    /// `from` asks to redeem `shares` for `payout`, controlling the request.
    fn request(&mut self, from: Address, shares: U256, payout: Address) -> u64 {
        let call = IWithdrawalQueue::requestRedeem_0Call {
            shares,
            controller: from,
            owner: from,
            payoutAsset: payout,
        };
        send(
            &mut self.node,
            from,
            self.d.withdrawal_queue,
            U256::ZERO,
            &call,
        )
        .gas_used
    }

    fn finalize(&mut self, asset: Address, max_requests: usize) -> u64 {
        let call = IWithdrawalQueue::finalizeCall {
            asset,
            maxRequests: U256::from(max_requests),
        };
        let queue = self.d.withdrawal_queue;
        send(&mut self.node, self.carol, queue, U256::ZERO, &call).gas_used
    }

    fn cancel(&mut self, from: Address, request_id: u64) {
        let call = IWithdrawalQueue::cancelCall {
            requestId: U256::from(request_id),
        };
        send(
            &mut self.node,
            from,
            self.d.withdrawal_queue,
            U256::ZERO,
            &call,
        );
    }

    /// Requests pending in `asset`'s line.
    fn pending(&mut self, asset: Address) -> usize {
        let queue = self.d.withdrawal_queue;
        let state = read(
            &mut self.node,
            queue,
            &IQueueState::queueStateCall { asset },
        );
        state.pendingCount.to()
    }

    /// Lists `MAX_ASSETS - 1` more LSTs at 1 ETH each, gives the vault
    /// 1 token of each through `filler`'s deposits (15 ETH of value in
    /// all), and checks the registry refuses one more.
    fn list_and_hold_more_assets(&mut self, filler: Address) {
        for index in 1..MAX_ASSETS {
            let symbol = format!("LST{index}");
            let (lst, _) = list_mock_lst(&mut self.node, &self.d, self.admin, &symbol, ETHER);
            self.fund_lst(filler, lst, ETHER);
            self.deposit_lst(filler, lst, ETHER);
        }
        let registry = self.d.asset_registry;
        let listed = read(&mut self.node, registry, &IAssetRegistry::assetsCall {});
        assert_eq!(listed.len(), MAX_ASSETS);
        let error = self.try_list_one_more();
        assert_eq!(
            error.decode::<TooManyAssets>(),
            Some(TooManyAssets {
                max: U256::from(MAX_ASSETS)
            }),
            "the registry lists at most {MAX_ASSETS} assets"
        );
    }

    /// Tries to list a 17th asset (any address not listed yet: the
    /// registry refuses on the count before it reads the rate source).
    fn try_list_one_more(&mut self) -> TxError {
        let call = IAssetRegistry::addAssetCall {
            asset: Address::repeat_byte(0x51),
            rateSource: self.d.rate_source().unwrap(),
            depositCap: U256::MAX,
            maxStaleness: 86_400,
            maxChangeBps: U256::from(500),
        };
        let registry = self.d.asset_registry;
        deploy::transact(&mut self.node, self.admin, registry, U256::ZERO, &call)
            .expect_err("a 17th asset is refused")
    }
}

sol! {
    /// The withdrawal queue's view of one payout asset's line.
    interface IQueueState {
        function queueState(address asset) external view returns (uint256 queued, uint256 head, uint256 pendingCount, uint256 pendingShares, uint256 pendingValue);
    }
}

/// Most gas two runs of the same code path may differ by: WASM arithmetic
/// costs ink by the size of its operands (a 256-bit add or a 128-bit
/// narrowing of a larger or smaller figure), a few gas, never a slot or a
/// call. Growth with a count would cost at least a storage read (100 gas
/// warm, 2,100 cold) per item.
const OPERAND_NOISE: u64 = 16;

/// Prints the figures of `operation` at a count of 1 and at `count`, and
/// asserts they are the same up to [`OPERAND_NOISE`].
fn assert_same_gas(operation: &str, count: usize, at_one: u64, at_many: u64) {
    println!("{operation}: {at_one} gas at 1, {at_many} gas at {count}");
    assert!(
        at_one.abs_diff(at_many) <= OPERAND_NOISE,
        "{operation}: {at_one} gas at 1 vs {at_many} at {count}"
    );
    assert!(at_one > 21_000, "{operation} ran");
}

/// The 0.5 lrETH split into `count` equal requests, so the line's totals
/// are the same whatever the count.
fn split(count: usize) -> U256 {
    ETHER / U256::from(2) / U256::from(count)
}

#[test]
fn deposits_cost_the_same_with_1_and_16_assets_listed_and_held() {
    let mut p = Protocol::new();
    let (alice, carol, filler) = (p.alice, p.carol, p.users[0]);
    let lst = p.d.lst().unwrap();
    p.deposit_eth(p.bob, ETHER * U256::from(10));
    // Alice holds lrETH and the vault holds her stETH already, so her
    // measured LST deposit updates slots in both states.
    p.fund_lst(alice, lst, ETHER * U256::from(2));
    p.deposit_lst(alice, lst, ETHER);
    let start = p.node.snapshot();

    // One asset: the 15 ETH of value the other state holds in 15 LSTs
    // comes as ETH, so total assets and supply are the same in both.
    p.deposit_eth(filler, ETHER * U256::from(15));
    let eth_at_one = p.deposit_eth(carol, ETHER);
    // A new timestamp for each measured LST deposit: its rate check writes
    // the vault's valuation time at most once a second.
    p.node.increase_time(60);
    let lst_at_one = p.deposit_lst(alice, lst, ETHER);
    let totals_at_one = (
        read(&mut p.node, p.d.vault, &IVault::totalAssetsCall {}),
        read(&mut p.node, p.d.token, &IErc20::totalSupplyCall {}),
    );
    p.node.revert(start).unwrap();

    p.list_and_hold_more_assets(filler);
    let eth_at_many = p.deposit_eth(carol, ETHER);
    p.node.increase_time(60);
    let lst_at_many = p.deposit_lst(alice, lst, ETHER);
    let totals_at_many = (
        read(&mut p.node, p.d.vault, &IVault::totalAssetsCall {}),
        read(&mut p.node, p.d.token, &IErc20::totalSupplyCall {}),
    );
    assert_eq!(
        totals_at_one, totals_at_many,
        "same total assets and supply"
    );

    assert_same_gas("ETH deposit", MAX_ASSETS, eth_at_one, eth_at_many);
    assert_same_gas("LST deposit", MAX_ASSETS, lst_at_one, lst_at_many);
}

#[test]
fn deposits_cost_the_same_with_1_and_50_holders() {
    let mut p = Protocol::new();
    let alice = p.alice;
    let start = p.node.snapshot();

    // 50 ETH from one holder, then 1 ETH from each of fifty: the same total
    // assets and supply.
    p.deposit_eth(p.users[0], ETHER * U256::from(MANY));
    let first_at_one = p.deposit_eth(alice, ETHER);
    let again_at_one = p.deposit_eth(alice, ETHER);
    p.node.revert(start).unwrap();

    for holder in p.users.clone() {
        p.deposit_eth(holder, ETHER);
    }
    let first_at_many = p.deposit_eth(alice, ETHER);
    let again_at_many = p.deposit_eth(alice, ETHER);

    assert_same_gas(
        "first deposit of a holder",
        MANY,
        first_at_one,
        first_at_many,
    );
    assert_same_gas(
        "deposit of an existing holder",
        MANY,
        again_at_one,
        again_at_many,
    );
    assert!(
        again_at_one < first_at_one,
        "updating a balance costs less than creating it"
    );
}

#[test]
fn request_redeem_costs_the_same_with_1_and_50_pending_requests() {
    let mut p = Protocol::new();
    let (alice, bob) = (p.alice, p.bob);
    p.deposit_eth(bob, ETHER * U256::from(10));
    p.deposit_eth(alice, ETHER);
    // The line stores request ids four to a slot, and id 0 is stored as a
    // zero: a cancelled opening request takes id 0, so whichever slot the
    // measured request lands in already holds a non-zero id (ids 1 in the
    // first state, 48 to 50 in the second) and is updated, not created.
    p.request(bob, ETHER / U256::from(10), ETH);
    p.cancel(bob, 0);
    let start = p.node.snapshot();

    p.request(bob, split(1), ETH);
    assert_eq!(p.pending(ETH), 1);
    let at_one = p.request(alice, ETHER / U256::from(10), ETH);
    p.node.revert(start).unwrap();

    for _ in 0..MANY {
        p.request(bob, split(MANY), ETH);
    }
    assert_eq!(p.pending(ETH), MANY);
    let at_many = p.request(alice, ETHER / U256::from(10), ETH);

    assert_same_gas("requestRedeem, pending requests", MANY, at_one, at_many);
}

#[test]
fn request_redeem_costs_the_same_whether_1_or_50_users_hold_the_pending_requests() {
    let mut p = Protocol::new();
    let alice = p.alice;
    let users = p.users.clone();
    for &user in &users {
        p.deposit_eth(user, ETHER);
    }
    p.deposit_eth(alice, ETHER);
    let start = p.node.snapshot();

    // Fifty requests of 0.01 lrETH either way: all from one user, then one
    // from each of fifty.
    for _ in 0..MANY {
        p.request(users[0], split(MANY), ETH);
    }
    let at_one = p.request(alice, ETHER / U256::from(10), ETH);
    p.node.revert(start).unwrap();

    for &user in &users {
        p.request(user, split(MANY), ETH);
    }
    assert_eq!(p.pending(ETH), MANY);
    let at_many = p.request(alice, ETHER / U256::from(10), ETH);

    assert_same_gas("requestRedeem, users with requests", MANY, at_one, at_many);
}

#[test]
fn finalizing_one_request_costs_the_same_with_1_and_50_pending_behind_it() {
    let mut p = Protocol::new();
    let bob = p.bob;
    p.deposit_eth(bob, ETHER * U256::from(10));
    p.request(bob, ETHER / U256::from(10), ETH);
    let start = p.node.snapshot();

    p.request(bob, split(1), ETH);
    let at_one = p.finalize(ETH, 1);
    assert_eq!(p.pending(ETH), 1, "only the head was finalized");
    p.node.revert(start).unwrap();

    for _ in 0..MANY {
        p.request(bob, split(MANY), ETH);
    }
    let at_many = p.finalize(ETH, 1);
    assert_eq!(p.pending(ETH), MANY, "only the head was finalized");

    assert_same_gas("finalize(1), requests behind", MANY, at_one, at_many);
}

#[test]
fn finalizing_one_request_costs_the_same_with_1_and_16_assets_listed_and_held() {
    let mut p = Protocol::new();
    let (alice, bob, filler) = (p.alice, p.bob, p.users[0]);
    let lst = p.d.lst().unwrap();
    p.deposit_eth(bob, ETHER * U256::from(10));
    p.fund_lst(alice, lst, ETHER * U256::from(2));
    p.deposit_lst(alice, lst, ETHER * U256::from(2));
    // A request in each line and one more behind it, so finalizing the
    // head leaves each line's totals non-zero in both states.
    for payout in [ETH, lst] {
        p.request(bob, ETHER / U256::from(10), payout);
        p.request(bob, ETHER / U256::from(10), payout);
    }
    let start = p.node.snapshot();

    // One asset listed. The 15 ETH of value the other state holds in 15
    // LSTs is held here in the book the measured finalization does not
    // touch, so the book it does touch is the same in both states: stETH
    // worth exactly 15 ETH at 1.05 for the ETH line, ETH for the stETH line.
    let steth_worth_15_eth = U256::from(14_285_714_285_714_285_715u128);
    p.fund_lst(filler, lst, steth_worth_15_eth);
    p.deposit_lst(filler, lst, steth_worth_15_eth);
    // Each measured finalization runs at a new timestamp, so the vault's
    // valuation time is written in every state alike (a rate check marks it
    // at most once a second).
    p.node.increase_time(60);
    let eth_at_one = p.finalize(ETH, 1);
    p.node.revert(start).unwrap();
    let start = p.node.snapshot();
    p.deposit_eth(filler, ETHER * U256::from(15));
    p.node.increase_time(60);
    let lst_at_one = p.finalize(lst, 1);
    p.node.revert(start).unwrap();

    p.list_and_hold_more_assets(filler);
    let listed = p.node.snapshot();
    p.node.increase_time(60);
    let eth_at_many = p.finalize(ETH, 1);
    p.node.revert(listed).unwrap();
    p.node.increase_time(60);
    let lst_at_many = p.finalize(lst, 1);

    assert_same_gas(
        "finalize(ETH, 1), assets",
        MAX_ASSETS,
        eth_at_one,
        eth_at_many,
    );
    assert_same_gas(
        "finalize(LST, 1), assets",
        MAX_ASSETS,
        lst_at_one,
        lst_at_many,
    );
}

#[test]
fn claiming_costs_the_same_with_1_and_50_other_claimable_requests() {
    let mut p = Protocol::new();
    let (alice, bob) = (p.alice, p.bob);
    p.deposit_eth(bob, ETHER * U256::from(10));
    p.deposit_eth(alice, ETHER);
    p.request(alice, ETHER / U256::from(10), ETH);
    let start = p.node.snapshot();
    // Other claimable requests keep the vault's ETH reserve non-zero after
    // Alice's claim in both states: with none, the claim would empty the
    // reserve's slot and earn a refund, a different storage shape.
    let claim = IWithdrawalQueue::claimCall {
        requestId: U256::ZERO,
    };
    let queue = p.d.withdrawal_queue;

    p.request(bob, split(1), ETH);
    p.finalize(ETH, 10);
    let at_one = send(&mut p.node, alice, queue, U256::ZERO, &claim).gas_used;
    p.node.revert(start).unwrap();

    for _ in 0..MANY {
        p.request(bob, split(MANY), ETH);
    }
    p.finalize(ETH, MANY + 1);
    assert_eq!(p.pending(ETH), 0, "every request is claimable");
    let at_many = send(&mut p.node, alice, queue, U256::ZERO, &claim).gas_used;

    assert_same_gas("claim, other claimable requests", MANY, at_one, at_many);
}
