//! The gas of each user operation on the in-process devnode (Nitro's
//! pricing), for the benchmark example and, next, the gas snapshot.
//!
//! Every figure is the `gasUsed` of the operation's own transaction
//! (intrinsic gas and calldata included), measured in a state where the
//! slots the operation touches are already non-zero unless the name says
//! otherwise, so the figures show the steady-state cost a user pays:
//!
//! | name | transaction |
//! |---|---|
//! | `deposit_eth_new_holder` | `deposit` of 1 ETH by an account holding no lrETH |
//! | `deposit_eth_existing_holder` | the same account deposits 1 ETH again |
//! | `deposit_lst` | `depositAsset` of 1 LST (approved beforehand) by an existing holder, into a vault already holding the LST |
//! | `transfer` | lrETH `transfer` between two existing holders |
//! | `delegate` | `delegate` of 1 ETH to an operator that already holds ETH stake |
//! | `distribute_rewards` | a 0.01 ETH report with a 10% fee, minted to a treasury that already holds lrETH |
//! | `slash` | the slasher cuts 0.1 ETH from an operator holding ETH stake |
//! | `request_redeem` | `requestRedeem` of 0.1 lrETH for ETH by its owner, behind an earlier request in the ETH line |
//! | `finalize_one` | `finalize(ETH, 1)` of one due request |
//! | `finalize_batch_10` | `finalize(ETH, 10)` of ten due requests, divided by ten (per request) |
//! | `claim` | `claim` of a finalized ETH request, paid to its controller |
//! | `cancel` | `cancel` of a pending request by its controller |
//! | `deposit_eth_1_operator` / `deposit_eth_50_operators` | `deposit_eth_new_holder` with 1, then 50 operators allow-listed and holding stake, from the same state otherwise |

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, ensure, Context, Result};
use devnode::Devnode;

use crate::{
    abi::{IDelegation, IErc20, IMockLst, IOperatorRegistry, IVault, IWithdrawalQueue, ETH},
    backend::Mined,
    client::transact,
    programs,
    protocol::{Deployment, ETHER},
};

/// The operations measured, in the order they run.
pub const OPERATIONS: &[&str] = &[
    "deposit_eth_new_holder",
    "deposit_eth_existing_holder",
    "deposit_lst",
    "transfer",
    "delegate",
    "distribute_rewards",
    "slash",
    "request_redeem",
    "finalize_one",
    "finalize_batch_10",
    "claim",
    "cancel",
    "deposit_eth_1_operator",
    "deposit_eth_50_operators",
];

/// Operators allow-listed and delegated to for `deposit_eth_50_operators`.
pub const MANY_OPERATORS: usize = 50;

/// Gas per operation, in [`OPERATIONS`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures(pub Vec<(&'static str, u64)>);

impl Figures {
    /// The gas of `operation`.
    pub fn get(&self, operation: &str) -> Option<u64> {
        self.0
            .iter()
            .find(|(name, _)| *name == operation)
            .map(|(_, gas)| *gas)
    }
}

/// The figures with every program uncached and cached.
#[derive(Clone, Debug)]
pub struct Report {
    /// Programs not in ArbWasmCache: each call pays the full init gas.
    pub uncached: Figures,
    /// Programs cached through ArbWasmCache, as the cache manager keeps the
    /// programs of a live protocol on Arbitrum One.
    pub cached: Figures,
}

impl Report {
    /// A plain-text table: operation, uncached gas, cached gas.
    pub fn table(&self) -> String {
        let mut out = format!("{:<30} {:>12} {:>12}\n", "operation", "uncached", "cached");
        for (name, uncached) in &self.uncached.0 {
            let cached = self.cached.get(name).unwrap_or_default();
            out.push_str(&format!("{name:<30} {uncached:>12} {cached:>12}\n"));
        }
        out
    }

    /// The snapshot committed as `snapshots/gas.json`: cached figures under
    /// `operations` (how a live protocol runs), uncached under `uncached`.
    pub fn to_json(&self) -> serde_json::Value {
        let object = |figures: &Figures| {
            figures
                .0
                .iter()
                .map(|(name, gas)| ((*name).to_string(), serde_json::Value::from(*gas)))
                .collect::<serde_json::Map<_, _>>()
        };
        serde_json::json!({
            "operations": object(&self.cached),
            "uncached": object(&self.uncached),
        })
    }
}

/// Measures every operation on `deployment`, first with its programs as
/// deployed, then (from the same starting state) with every program cached.
/// The deployment must be uncached, wired by `Config::devnet`, and
/// `node.dev_account()` its deployer (a cache manager on the devnode).
pub fn measure(node: &mut Devnode, deployment: &Deployment) -> Result<Report> {
    let start = node.snapshot();
    let uncached = measure_once(node, deployment).context("uncached")?;
    node.revert(start)?;
    let admin = node.dev_account();
    for program in &deployment.programs {
        programs::cache(node, admin, program.address)?;
    }
    let cached = measure_once(node, deployment).context("cached")?;
    Ok(Report { uncached, cached })
}

/// The accounts that act in the scenario: funded devnode accounts.
struct Actors {
    admin: Address,
    seed: Address,
    alice: Address,
    carol: Address,
    slasher: Address,
}

impl Actors {
    fn of(node: &Devnode) -> Result<Self> {
        let accounts = node.accounts();
        ensure!(
            accounts.len() >= 5,
            "the devnode needs at least 4 funded accounts besides the dev account"
        );
        Ok(Self {
            admin: accounts[0],
            seed: accounts[1],
            alice: accounts[2],
            carol: accounts[3],
            slasher: accounts[4],
        })
    }
}

/// The `index`-th synthetic operator address (operators never sign here).
pub fn operator(index: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x0a;
    bytes[12..].copy_from_slice(&(index as u64).to_be_bytes());
    Address::from(bytes)
}

fn measure_once(node: &mut Devnode, d: &Deployment) -> Result<Figures> {
    let who = Actors::of(node)?;
    let lst = d.lst()?;
    let mut s = Scenario {
        node,
        figures: Vec::new(),
    };

    // Setup: a vault with ETH and LST deposits, one operator with ETH stake,
    // a fee, and a first report (so the treasury already holds lrETH).
    s.call(
        who.seed,
        d.vault,
        ETHER * U256::from(10),
        &IVault::depositCall {
            assets: ETHER * U256::from(10),
            receiver: who.seed,
        },
    )?;
    s.call(
        who.seed,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: who.seed,
            amount: ETHER * U256::from(10),
        },
    )?;
    s.call(
        who.seed,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: d.vault,
            value: U256::MAX,
        },
    )?;
    s.call(
        who.seed,
        d.vault,
        U256::ZERO,
        &IVault::depositAssetCall {
            asset: lst,
            amount: ETHER * U256::from(5),
            receiver: who.seed,
            minShares: U256::ZERO,
        },
    )?;
    add_operator(&mut s, d, who.admin, operator(0), who.slasher)?;
    s.call(
        who.admin,
        d.vault,
        U256::ZERO,
        &IVault::delegateCall {
            operator: operator(0),
            asset: ETH,
            amount: ETHER,
        },
    )?;
    s.call(
        who.admin,
        d.vault,
        U256::ZERO,
        &IVault::setFeeCall {
            feeBps: U256::from(1_000),
        },
    )?;
    let reward = ETHER / U256::from(100);
    s.call(
        who.admin,
        d.vault,
        reward,
        &IVault::distributeRewardsCall {},
    )?;
    s.call(
        who.alice,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: who.alice,
            amount: ETHER,
        },
    )?;
    s.call(
        who.alice,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: d.vault,
            value: U256::MAX,
        },
    )?;

    s.measure(
        "deposit_eth_new_holder",
        who.alice,
        d.vault,
        ETHER,
        &IVault::depositCall {
            assets: ETHER,
            receiver: who.alice,
        },
    )?;
    s.measure(
        "deposit_eth_existing_holder",
        who.alice,
        d.vault,
        ETHER,
        &IVault::depositCall {
            assets: ETHER,
            receiver: who.alice,
        },
    )?;
    s.measure(
        "deposit_lst",
        who.alice,
        d.vault,
        U256::ZERO,
        &IVault::depositAssetCall {
            asset: lst,
            amount: ETHER,
            receiver: who.alice,
            minShares: U256::ZERO,
        },
    )?;
    s.measure(
        "transfer",
        who.alice,
        d.token,
        U256::ZERO,
        &IErc20::transferCall {
            to: who.seed,
            value: ETHER / U256::from(2),
        },
    )?;
    s.measure(
        "delegate",
        who.admin,
        d.vault,
        U256::ZERO,
        &IVault::delegateCall {
            operator: operator(0),
            asset: ETH,
            amount: ETHER,
        },
    )?;
    s.measure(
        "distribute_rewards",
        who.admin,
        d.vault,
        reward,
        &IVault::distributeRewardsCall {},
    )?;
    s.measure(
        "slash",
        who.slasher,
        d.delegation,
        U256::ZERO,
        &IDelegation::slashCall {
            operator: operator(0),
            amount: ETHER / U256::from(10),
            evidence: B256::repeat_byte(0xe1),
        },
    )?;

    // The withdrawal queue: a line with an earlier request, then each step.
    let redeem = |who: Address| IWithdrawalQueue::requestRedeemCall {
        shares: ETHER / U256::from(10),
        controller: who,
        owner: who,
        payoutAsset: ETH,
    };
    s.call(who.seed, d.withdrawal_queue, U256::ZERO, &redeem(who.seed))?;
    s.measure(
        "request_redeem",
        who.alice,
        d.withdrawal_queue,
        U256::ZERO,
        &redeem(who.alice),
    )?;
    let finalize = |max: u64| IWithdrawalQueue::finalizeCall {
        asset: ETH,
        maxRequests: U256::from(max),
    };
    s.measure(
        "finalize_one",
        who.carol,
        d.withdrawal_queue,
        U256::ZERO,
        &finalize(1),
    )?;
    for _ in 0..9 {
        s.call(who.seed, d.withdrawal_queue, U256::ZERO, &redeem(who.seed))?;
    }
    let batch = s.call(who.carol, d.withdrawal_queue, U256::ZERO, &finalize(10))?;
    s.figures.push(("finalize_batch_10", batch.gas_used / 10));
    // Alice's request (id 1) was finalized in the batch.
    let claim = IWithdrawalQueue::claimCall {
        requestId: U256::from(1),
    };
    s.measure("claim", who.alice, d.withdrawal_queue, U256::ZERO, &claim)?;
    s.call(
        who.alice,
        d.withdrawal_queue,
        U256::ZERO,
        &redeem(who.alice),
    )?;
    let cancel = IWithdrawalQueue::cancelCall {
        requestId: U256::from(11),
    };
    s.measure("cancel", who.alice, d.withdrawal_queue, U256::ZERO, &cancel)?;

    // The same deposit with 1 and with 50 operators, from the same state:
    // delegating moves idle ETH to `delegated` and leaves total assets and
    // supply, and so the deposit's arithmetic, unchanged.
    let deposit = IVault::depositCall {
        assets: ETHER,
        receiver: who.carol,
    };
    let before = s.node.snapshot();
    s.measure(
        "deposit_eth_1_operator",
        who.carol,
        d.vault,
        ETHER,
        &deposit,
    )?;
    s.node.revert(before)?;
    for index in 1..MANY_OPERATORS {
        add_operator(&mut s, d, who.admin, operator(index), who.slasher)?;
        s.call(
            who.admin,
            d.vault,
            U256::ZERO,
            &IVault::delegateCall {
                operator: operator(index),
                asset: ETH,
                amount: ETHER / U256::from(100),
            },
        )?;
    }
    let count = crate::client::view(
        s.node,
        d.operator_registry,
        &IOperatorRegistry::operatorCountCall {},
    )?;
    ensure!(
        count == U256::from(MANY_OPERATORS),
        "{count} operators registered"
    );
    s.measure(
        "deposit_eth_50_operators",
        who.carol,
        d.vault,
        ETHER,
        &deposit,
    )?;
    Ok(Figures(s.figures))
}

fn add_operator(
    s: &mut Scenario<'_>,
    d: &Deployment,
    admin: Address,
    operator: Address,
    slasher: Address,
) -> Result<Mined> {
    s.call(
        admin,
        d.operator_registry,
        U256::ZERO,
        &IOperatorRegistry::addOperatorCall {
            operator,
            metadataUri: "https://operator.example/meta.json".into(),
            slasher,
            cap: U256::MAX,
        },
    )
}

struct Scenario<'a> {
    node: &'a mut Devnode,
    figures: Vec<(&'static str, u64)>,
}

impl Scenario<'_> {
    fn call<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<Mined> {
        transact(self.node, from, to, value, call)
            .map_err(|e| anyhow!("{} from {from}: {e}", C::SIGNATURE))
    }

    fn measure<C: SolCall>(
        &mut self,
        name: &'static str,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<()> {
        let mined = self.call(from, to, value, call).with_context(|| name)?;
        self.figures.push((name, mined.gas_used));
        Ok(())
    }
}
