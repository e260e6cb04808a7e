//! The whole lifecycle on the devnode, through the exported ABI only, with
//! the invariants of the design checked after every step:
//!
//! 1. solvency: per asset, what the vault records (idle + delegated +
//!    reserved) is held by the vault and the delegation contract, total
//!    assets is the sum of the assets' values, and every finalized,
//!    unclaimed request is covered by the reserve;
//! 2. supply: lrETH's supply is the sum of every holder's balance, and the
//!    queue's balance is the sum of the pending requests' shares;
//! 3. no value extraction: a claim pays at most min(value at request, value
//!    at finalization), and no step other than a reward, an LST rate change
//!    or a slash moves the rate (beyond rounding in the protocol's favour);
//! 4. a slash lowers every holder's redeemable value by their share of it;
//! 5. FIFO and delays: a request is not finalized before its delay.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use deploy::{
    abi::{IDelegation, IErc20, IMockLst, IRateSource, IVault, IWithdrawalQueue, ETH},
    deploy_protocol, transact, Config, Deployment, Mined, ETHER,
};
use devnode::{BlockTag, Devnode, DevnodeConfig};
use e2e::{artifacts, event};

const DAY: u64 = 86_400;
/// Request status: finalized, not yet claimed.
const FINALIZED: u8 = 2;

/// How the rate may move in a step.
#[derive(Clone, Copy, Debug, PartialEq)]
enum RateMove {
    /// Only by rounding in the protocol's favour (up, by a hair).
    Still,
    /// Up (a reward, an LST revaluation upwards).
    Up,
    /// Down (a slash).
    Down,
}

struct World {
    node: Devnode,
    d: Deployment,
    admin: Address,
    treasury: Address,
    holders: Vec<Address>,
    slasher: Address,
    operators: [Address; 2],
    lst: Address,
    rate_source: Address,
    rate: U256,
    steps: usize,
}

impl World {
    fn new() -> Self {
        let mut node = Devnode::new(DevnodeConfig::default());
        let accounts = node.accounts();
        let slasher = accounts[4];
        let operators = [Address::with_last_byte(0xa1), Address::with_last_byte(0xa2)];
        let config = Config::lifecycle(node.dev_account(), &operators, slasher);
        let d = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
        let (lst, rate_source) = d.lst.expect("the devnet deployment lists an LST");
        let mut world = World {
            admin: config.admin,
            treasury: config.treasury,
            holders: vec![accounts[1], accounts[2], accounts[3]],
            slasher,
            operators,
            lst,
            rate_source,
            rate: ETHER,
            steps: 0,
            node,
            d,
        };
        world.rate = world.read(world.d.vault, &IVault::getRateCall {});
        world
    }

    fn send<C: SolCall>(&mut self, from: Address, to: Address, value: U256, call: &C) -> Mined {
        e2e::send(&mut self.node, from, to, value, call)
    }

    fn read<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        e2e::read(&mut self.node, to, call)
    }

    fn shares_of(&mut self, who: Address) -> U256 {
        self.read(self.d.token, &IErc20::balanceOfCall { account: who })
    }

    fn value_of(&mut self, who: Address) -> U256 {
        let shares = self.shares_of(who);
        self.read(self.d.vault, &IVault::convertToAssetsCall { shares })
    }

    fn eth_of(&self, who: Address) -> U256 {
        self.node.balance(who, BlockTag::Latest).expect("a balance")
    }

    fn lst_of(&mut self, who: Address) -> U256 {
        self.read(self.lst, &IErc20::balanceOfCall { account: who })
    }

    /// Checks every invariant after `step`, and that the rate moved as
    /// `expected`.
    fn check(&mut self, step: &str, expected: RateMove) {
        self.steps += 1;
        let (vault, delegation, queue) = (self.d.vault, self.d.delegation, self.d.withdrawal_queue);

        // 1. Solvency, per asset.
        let mut values = U256::ZERO;
        let request_count = self.read(queue, &IWithdrawalQueue::requestCountCall {});
        let requests: Vec<_> = (0..request_count.to::<u64>())
            .map(|id| {
                let call = IWithdrawalQueue::getRequestCall {
                    requestId: U256::from(id),
                };
                self.read(queue, &call)
            })
            .collect();
        for asset in [ETH, self.lst] {
            let totals = self.read(vault, &IVault::assetTotalsCall { asset });
            let held = if asset == ETH {
                self.eth_of(vault) + self.eth_of(delegation)
            } else {
                self.lst_of(vault) + self.lst_of(delegation)
            };
            let recorded = totals.idle + totals.delegated + totals.reserved;
            assert!(
                recorded <= held,
                "{step}: {asset} recorded {recorded} > held {held}"
            );
            values += totals.value;

            let finalized = requests
                .iter()
                .filter(|request| request.payoutAsset == asset && request.status == FINALIZED)
                .fold(U256::ZERO, |sum, request| sum + request.reserved);
            assert!(
                finalized <= totals.reserved,
                "{step}: {asset} finalized claims {finalized} > reserve {}",
                totals.reserved
            );
        }
        let total_assets = self.read(vault, &IVault::totalAssetsCall {});
        assert_eq!(
            total_assets, values,
            "{step}: total assets = Σ asset values"
        );

        // 2. Supply and escrow.
        let supply = self.read(self.d.token, &IErc20::totalSupplyCall {});
        let mut accounts = self.holders.clone();
        accounts.extend([self.treasury, queue, self.admin]);
        let balances = accounts
            .iter()
            .fold(U256::ZERO, |sum, who| sum + self.shares_of(*who));
        assert_eq!(supply, balances, "{step}: supply = Σ balances");
        let mut pending = U256::ZERO;
        for asset in [ETH, self.lst] {
            pending += self
                .read(queue, &IWithdrawalQueue::queueStateCall { asset })
                .pendingShares;
        }
        assert_eq!(
            self.shares_of(queue),
            pending,
            "{step}: escrow = Σ pending shares"
        );

        // 3. The rate moves only where it should.
        let rate = self.read(vault, &IVault::getRateCall {});
        let before = self.rate;
        match expected {
            RateMove::Still => assert!(
                rate >= before && rate - before <= before / U256::from(1_000_000_000u64),
                "{step}: the rate moved from {before} to {rate}"
            ),
            RateMove::Up => assert!(rate > before, "{step}: the rate did not rise"),
            RateMove::Down => assert!(rate < before, "{step}: the rate did not fall"),
        }
        self.rate = rate;
        println!("{step:<52} rate {rate}");
    }
}

#[test]
fn the_whole_lifecycle_keeps_every_invariant() {
    let mut w = World::new();
    let (alice, bob, carol) = (w.holders[0], w.holders[1], w.holders[2]);
    let (vault, queue, delegation) = (w.d.vault, w.d.withdrawal_queue, w.d.delegation);
    let (admin, lst) = (w.admin, w.lst);
    w.check("deployed", RateMove::Still);

    // Deposits: ETH by alice and carol, the LST by bob.
    let ten = ETHER * U256::from(10);
    w.send(
        alice,
        vault,
        ten,
        &IVault::depositCall {
            assets: ten,
            receiver: alice,
        },
    );
    assert_eq!(w.shares_of(alice), ten, "the first deposit mints at rate 1");
    w.check("alice deposits 10 ETH", RateMove::Still);

    let five = ETHER * U256::from(5);
    w.send(
        bob,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: bob,
            amount: five,
        },
    );
    w.send(
        bob,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: vault,
            value: five,
        },
    );
    let preview = w.read(
        vault,
        &IVault::previewDepositCall {
            asset: lst,
            amount: five,
        },
    );
    let mined = w.send(
        bob,
        vault,
        U256::ZERO,
        &IVault::depositAssetCall {
            asset: lst,
            amount: five,
            receiver: bob,
            minShares: preview,
        },
    );
    let deposit = event::<IVault::Deposit>(&mined);
    assert_eq!(
        deposit.value,
        ETHER * U256::from(525) / U256::from(100),
        "5 stETH at 1.05"
    );
    assert_eq!(w.shares_of(bob), preview);
    w.check("bob deposits 5 stETH", RateMove::Still);

    let three = ETHER * U256::from(3);
    w.send(
        carol,
        vault,
        three,
        &IVault::depositCall {
            assets: three,
            receiver: carol,
        },
    );
    w.check("carol deposits 3 ETH", RateMove::Still);

    // Delegation to the two allow-listed operators.
    let [first, second] = w.operators;
    let eight = ETHER * U256::from(8);
    w.send(
        admin,
        vault,
        U256::ZERO,
        &IVault::delegateCall {
            operator: first,
            asset: ETH,
            amount: eight,
        },
    );
    w.check("8 ETH delegated to operator 1", RateMove::Still);
    w.send(
        admin,
        vault,
        U256::ZERO,
        &IVault::delegateCall {
            operator: second,
            asset: lst,
            amount: three,
        },
    );
    w.check("3 stETH delegated to operator 2", RateMove::Still);

    // A reward: the rate rises, the treasury gets the fee in shares.
    let reward = ETHER / U256::from(10);
    w.send(admin, vault, reward, &IVault::distributeRewardsCall {});
    assert!(
        w.shares_of(w.treasury) > U256::ZERO,
        "the fee was minted to the treasury"
    );
    w.check("0.1 ETH of rewards", RateMove::Up);

    // The LST's rate rises within its bound and the vault revalues it.
    let new_rate = ETHER * U256::from(106) / U256::from(100);
    w.send(
        admin,
        w.rate_source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: new_rate },
    );
    w.send(
        admin,
        vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    w.check("stETH revalued from 1.05 to 1.06", RateMove::Up);

    // A withdrawal request before the slash shares the slash's loss.
    let alice_request_shares = ETHER * U256::from(4);
    let mined = w.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::requestRedeem_0Call {
            shares: alice_request_shares,
            controller: alice,
            owner: alice,
            payoutAsset: ETH,
        },
    );
    let alice_request = event::<IWithdrawalQueue::RedeemRequest>(&mined).requestId;
    w.check("alice requests 4 lrETH in ETH", RateMove::Still);

    // A slash of operator 1: every holder loses the same fraction.
    let (alice_before, bob_before) = (w.value_of(alice), w.value_of(bob));
    let assets_before = w.read(vault, &IVault::totalAssetsCall {});
    let mined = w.send(
        w.slasher,
        delegation,
        U256::ZERO,
        &IDelegation::slashCall {
            operator: first,
            amount: ETHER,
            evidence: Default::default(),
        },
    );
    let slashed = event::<IDelegation::OperatorSlashed>(&mined);
    assert_eq!(slashed.valueLost, ETHER);
    let assets_after = w.read(vault, &IVault::totalAssetsCall {});
    assert_eq!(
        assets_before - assets_after,
        ETHER,
        "total assets fell by the loss"
    );
    let (alice_after, bob_after) = (w.value_of(alice), w.value_of(bob));
    // Each holder's loss over their value is the slash over total assets,
    // to within the virtual offset's share (1e3 virtual shares and wei
    // against a supply of ~1e19: parts per 1e16) and rounding.
    for (who, before, after) in [
        ("alice", alice_before, alice_after),
        ("bob", bob_before, bob_after),
    ] {
        let expected_loss = before * ETHER / assets_before;
        let loss = before - after;
        assert!(
            loss.abs_diff(expected_loss)
                <= expected_loss / U256::from(1_000_000_000_000u64) + U256::from(2),
            "{who} lost {loss}, pro rata is {expected_loss}"
        );
    }
    w.check("operator 1 slashed by 1 ETH", RateMove::Down);

    // Bob asks to be paid in the LST after the slash.
    let bob_request_shares = w.shares_of(bob) / U256::from(2);
    w.send(
        bob,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::requestRedeem_0Call {
            shares: bob_request_shares,
            controller: bob,
            owner: bob,
            payoutAsset: lst,
        },
    );
    w.check("bob requests half his lrETH in stETH", RateMove::Still);

    // The requests are not due before the withdrawal delay.
    let early = transact(
        &mut w.node,
        carol,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::finalizeCall {
            asset: ETH,
            maxRequests: U256::from(10),
        },
    )
    .expect_err("nothing is due yet");
    assert!(
        early.decode::<IWithdrawalQueue::RequestNotDue>().is_some(),
        "finalizing early fails with RequestNotDue: {early}"
    );
    w.check("an early finalization is refused", RateMove::Still);

    // Stake comes back from both operators to pay the two lines.
    let entry = w.read(delegation, &IDelegation::entryCountCall {});
    let undelegations = [
        (first, ETH, ETHER * U256::from(5)),
        (second, lst, ETHER * U256::from(2)),
    ];
    for (operator, asset, amount) in undelegations {
        let call = IDelegation::undelegateCall {
            operator,
            asset,
            amount,
        };
        w.send(admin, delegation, U256::ZERO, &call);
    }
    w.check("5 ETH and 2 stETH unbonding", RateMove::Still);
    w.node.increase_time(DAY + 1);
    w.node.mine();
    // A day later the LST's feed has ticked again (it would be stale).
    w.send(
        admin,
        w.rate_source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: new_rate },
    );
    for id in [entry, entry + U256::from(1)] {
        w.send(
            admin,
            delegation,
            U256::ZERO,
            &IDelegation::completeUnbondingCall { id },
        );
    }
    w.check("a day later, both unbondings complete", RateMove::Still);

    // Finalization, FIFO per payout asset, pays min(value at request, now).
    for asset in [ETH, lst] {
        w.send(
            carol,
            queue,
            U256::ZERO,
            &IWithdrawalQueue::finalizeCall {
                asset,
                maxRequests: U256::from(10),
            },
        );
    }
    w.check("both lines finalized", RateMove::Still);
    let request = w.read(
        queue,
        &IWithdrawalQueue::getRequestCall {
            requestId: alice_request,
        },
    );
    assert_eq!(request.status, FINALIZED);
    assert!(
        request.reserved < request.valueAtRequest,
        "alice's request bore its share of the slash: {} < {}",
        request.reserved,
        request.valueAtRequest
    );

    // Claims.
    let before = w.eth_of(alice);
    let mined = w.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimCall {
            requestId: alice_request,
        },
    );
    let fee = U256::from(mined.gas_used) * U256::from(w.node.base_fee());
    assert_eq!(
        w.eth_of(alice) + fee - before,
        request.reserved,
        "alice is paid what was reserved"
    );
    w.check("alice claims in ETH", RateMove::Still);

    let bob_request = alice_request + U256::from(1);
    let reserved = w
        .read(
            queue,
            &IWithdrawalQueue::getRequestCall {
                requestId: bob_request,
            },
        )
        .reserved;
    let before = w.lst_of(bob);
    w.send(
        bob,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimCall {
            requestId: bob_request,
        },
    );
    assert_eq!(w.lst_of(bob) - before, reserved, "bob is paid his stETH");
    w.check("bob claims in stETH", RateMove::Still);

    assert_eq!(w.steps, 17);
}
