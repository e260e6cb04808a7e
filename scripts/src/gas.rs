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
//! | `permit` | EIP-2612 `permit` signed off-chain by a holder and sent by the spender; the holder's nonce and the allowance are already non-zero (a first permit came before) |
//! | `delegate` | `delegate` of 1 ETH to an operator that already holds ETH stake |
//! | `distribute_rewards` | a 0.01 ETH report with a 10% fee, minted to a treasury that already holds lrETH |
//! | `slash` | the slasher cuts 0.1 ETH from an operator holding ETH stake |
//! | `request_redeem` | `requestRedeem` of 0.1 lrETH for ETH by its owner, behind an earlier request in the ETH line |
//! | `finalize_one` | `finalize(ETH, 1)` of one due request |
//! | `finalize_batch_10` | `finalize(ETH, 10)` of ten due requests, divided by ten (per request) |
//! | `claim` | `claim` of a finalized ETH request, paid to its controller |
//! | `cancel` | `cancel` of a pending request by its controller |
//! | `deposit_eth_1_operator` / `deposit_eth_50_operators` | `deposit_eth_new_holder` with 1, then 50 operators allow-listed and holding stake, from the same state otherwise |
//! | `deposit_eth_1_asset` / `deposit_eth_16_assets` | the same deposit with the one LST listed, then with 15 more listed (the registry's limit, [`MANY_ASSETS`]) |
//! | `finalize_one_1_pending` / `finalize_one_50_pending` | `finalize(ETH, 1)` of a 0.1 lrETH request with 1, then 50 requests pending behind it (0.5 lrETH in all either way) |
//! | `request_redeem_1_pending` / `request_redeem_50_pending` | `requestRedeem` of 0.1 lrETH for ETH with those 1 or 50 requests pending in the ETH line |
//!
//! The pairs differ only in the count: the same account makes the same
//! operation with the same amounts, total assets and supply, and every slot
//! it writes is in the same state (fresh or already non-zero) in both; so
//! equal figures mean the operation does not grow with the count.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolStruct, SolValue};
use anyhow::{anyhow, ensure, Context, Result};
use devnode::{stylus::profile::record, BlockTag, Devnode};

use crate::{
    abi::{IAssetRegistry, IDelegation, IErc20, IMockLst, IOperatorRegistry, IVault},
    abi::{IWithdrawalQueue, ETH},
    backend::Mined,
    client::{dry_run, gas_limit, request, send, transact, view},
    gas_profile::{intrinsic, Breakdown},
    programs,
    protocol::{Deployment, ETHER},
};

/// The operations measured, in the order they run.
pub const OPERATIONS: &[&str] = &[
    "deposit_eth_new_holder",
    "deposit_eth_existing_holder",
    "deposit_lst",
    "transfer",
    "permit",
    "delegate",
    "distribute_rewards",
    "slash",
    "request_redeem",
    "finalize_one",
    "finalize_batch_10",
    "claim",
    "cancel",
    "sync_asset_rate",
    "report_unusable_rate",
    "reprice_asset",
    "deposit_eth_1_operator",
    "deposit_eth_50_operators",
    "deposit_eth_1_asset",
    "deposit_eth_16_assets",
    "finalize_one_1_pending",
    "request_redeem_1_pending",
    "finalize_one_50_pending",
    "request_redeem_50_pending",
];

/// Operators allow-listed and delegated to for `deposit_eth_50_operators`.
pub const MANY_OPERATORS: usize = 50;

/// Assets listed for `deposit_eth_16_assets`: the asset registry's
/// `MAX_ASSETS`, the most it lists (a 17th fails with `TooManyAssets`).
pub const MANY_ASSETS: usize = 16;

/// Requests pending in the ETH line for `finalize_one_50_pending` and
/// `request_redeem_50_pending`.
pub const MANY_PENDING: usize = 50;

sol! {
    /// EIP-2612 on lrETH (OpenZeppelin's `Erc20Permit`).
    #[derive(Debug, PartialEq, Eq)]
    interface IErc20Permit {
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
        function nonces(address owner) external view returns (uint256);
        function DOMAIN_SEPARATOR() external view returns (bytes32);

        event Approval(address indexed owner, address indexed spender, uint256 value);

        error ERC2612ExpiredSignature(uint256 deadline);
        error ERC2612InvalidSigner(address signer, address owner);
    }

    /// The EIP-712 message an EIP-2612 permit signs.
    #[derive(Debug, PartialEq, Eq)]
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// A `permit` letting `spender` spend `value` of `owner`'s `token` until
/// `deadline`, signed with `owner`'s devnode key over the token's
/// `DOMAIN_SEPARATOR` and `owner`'s current nonce, as a wallet signs it
/// off-chain.
pub fn signed_permit(
    node: &mut Devnode,
    token: Address,
    owner: Address,
    spender: Address,
    value: U256,
    deadline: U256,
) -> Result<IErc20Permit::permitCall> {
    let nonce = view(node, token, &IErc20Permit::noncesCall { owner })?;
    let separator = view(node, token, &IErc20Permit::DOMAIN_SEPARATORCall {})?;
    let message = Permit {
        owner,
        spender,
        value,
        nonce,
        deadline,
    };
    let digest = keccak256(
        [
            &[0x19, 0x01][..],
            separator.as_slice(),
            message.eip712_hash_struct().as_slice(),
        ]
        .concat(),
    );
    let signer = node
        .signers()
        .iter()
        .find(|signer| signer.address() == owner)
        .ok_or_else(|| anyhow!("{owner} is not a devnode account"))?;
    let (signature, recovery) = signer
        .credential()
        .sign_prehash_recoverable(digest.as_slice())
        .map_err(|e| anyhow!("signing the permit of {owner}: {e}"))?;
    // k256 signs with a low `s`, as OpenZeppelin's ECDSA requires.
    let (r, s) = signature.split_bytes();
    Ok(IErc20Permit::permitCall {
        owner,
        spender,
        value,
        deadline,
        v: 27 + u8::from(recovery.is_y_odd()),
        r: B256::from_slice(&r),
        s: B256::from_slice(&s),
    })
}

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
    /// Where each cached operation's gas went.
    pub profiles: Vec<Breakdown>,
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
    let (uncached, _) = measure_once(node, deployment).context("uncached")?;
    node.revert(start)?;
    let admin = node.dev_account();
    for program in &deployment.programs {
        programs::cache(node, admin, program.address)?;
    }
    let (cached, profiles) = measure_once(node, deployment).context("cached")?;
    Ok(Report {
        uncached,
        cached,
        profiles,
    })
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

fn measure_once(node: &mut Devnode, d: &Deployment) -> Result<(Figures, Vec<Breakdown>)> {
    let who = Actors::of(node)?;
    let lst = d.lst()?;
    let mut s = Scenario {
        node,
        figures: Vec::new(),
        profiles: Vec::new(),
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
    // Alice signs, Carol (the spender) sends. A first permit writes
    // Alice's nonce and the allowance, so the measured one updates both.
    let first = signed_permit(s.node, d.token, who.alice, who.carol, ETHER, U256::MAX)?;
    s.call(who.carol, d.token, U256::ZERO, &first)?;
    let permit = signed_permit(
        s.node,
        d.token,
        who.alice,
        who.carol,
        ETHER * U256::from(2),
        U256::MAX,
    )?;
    s.measure("permit", who.carol, d.token, U256::ZERO, &permit)?;
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
    let redeem = |who: Address| IWithdrawalQueue::requestRedeem_0Call {
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

    // Pricing: a keeper's sync of a move within the budget, a keeper's
    // report of a refused reading (which closes the vault) and the admin's
    // repricing (which reopens it), undone before the scaling pairs.
    let pricing = s.node.snapshot();
    let source = d.rate_source()?;
    let accepted = view(s.node, d.vault, &IVault::assetTotalsCall { asset: lst })?.rate;
    let set_rate = |rate: U256| crate::abi::IRateSource::setRateCall { rate };
    s.call(
        who.admin,
        source,
        U256::ZERO,
        &set_rate(accepted * U256::from(101) / U256::from(100)),
    )?;
    let sync = IVault::syncAssetRateCall { asset: lst };
    s.measure("sync_asset_rate", who.carol, d.vault, U256::ZERO, &sync)?;
    s.call(
        who.admin,
        source,
        U256::ZERO,
        &set_rate(accepted * U256::from(90) / U256::from(100)),
    )?;
    let report = IAssetRegistry::reportUnusableRateCall { asset: lst };
    s.measure(
        "report_unusable_rate",
        who.carol,
        d.asset_registry,
        U256::ZERO,
        &report,
    )?;
    let reprice = IAssetRegistry::setRateSourceCall {
        asset: lst,
        rateSource: source,
    };
    s.measure(
        "reprice_asset",
        who.admin,
        d.asset_registry,
        U256::ZERO,
        &reprice,
    )?;
    s.node.revert(pricing)?;
    // The ETH line's head is now Alice's cancelled request, and a
    // finalization counts the positions it passes: clear it, so that each
    // `finalize_one_*` below finalizes a request rather than passing it.
    s.call(who.carol, d.withdrawal_queue, U256::ZERO, &finalize(1))?;

    // The same deposit with 1 and with 50 operators, from the same state:
    // delegating moves idle ETH to `delegated` and leaves total assets and
    // supply, and so the deposit's arithmetic, unchanged.
    let deposit = IVault::depositCall {
        assets: ETHER,
        receiver: who.carol,
    };
    let scaling = s.node.snapshot();
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

    // The same deposit with the one LST listed, then with as many as the
    // registry takes: an ETH deposit never reads the registry, and the
    // vault's total is one running aggregate.
    s.node.revert(scaling)?;
    let scaling = s.node.snapshot();
    let before = s.node.snapshot();
    s.measure("deposit_eth_1_asset", who.carol, d.vault, ETHER, &deposit)?;
    s.node.revert(before)?;
    let lst_code = s.node.code(lst, BlockTag::Latest)?;
    let source_code = s.node.code(d.rate_source()?, BlockTag::Latest)?;
    for index in 1..MANY_ASSETS {
        let symbol = format!("LST{index}");
        let token_args = (symbol.clone(), symbol).abi_encode_params();
        let token = copy_program(s.node, who.admin, &lst_code, &token_args)?;
        let source_args = (who.admin, ETHER).abi_encode_params();
        let source = copy_program(s.node, who.admin, &source_code, &source_args)?;
        s.call(
            who.admin,
            d.asset_registry,
            U256::ZERO,
            &IAssetRegistry::addAssetCall {
                asset: token,
                rateSource: source,
                depositCap: U256::MAX,
                maxStaleness: 86_400,
                maxChangeBps: U256::from(500),
            },
        )?;
    }
    let listed = view(s.node, d.asset_registry, &IAssetRegistry::assetsCall {})?;
    ensure!(
        listed.len() == MANY_ASSETS,
        "{} assets listed",
        listed.len()
    );
    s.measure("deposit_eth_16_assets", who.carol, d.vault, ETHER, &deposit)?;

    // The ETH line: a 0.1 lrETH request at the head and, behind it, one
    // request of 0.5 lrETH or fifty of 0.01. The head's finalization, then
    // Alice's request, see the same amounts, totals and slot states; only
    // the number of requests pending differs. (The line packs four ids per
    // slot: both measured requests land in a slot that already holds ids.)
    s.node.revert(scaling)?;
    let redeem_of = |shares: U256| IWithdrawalQueue::requestRedeem_0Call {
        shares,
        controller: who.seed,
        owner: who.seed,
        payoutAsset: ETH,
    };
    for (pending, finalize_name, request_name) in [
        (1, "finalize_one_1_pending", "request_redeem_1_pending"),
        (
            MANY_PENDING,
            "finalize_one_50_pending",
            "request_redeem_50_pending",
        ),
    ] {
        let before = s.node.snapshot();
        s.call(
            who.seed,
            d.withdrawal_queue,
            U256::ZERO,
            &redeem_of(ETHER / U256::from(10)),
        )?;
        let each = ETHER / U256::from(2) / U256::from(pending);
        for _ in 0..pending {
            s.call(who.seed, d.withdrawal_queue, U256::ZERO, &redeem_of(each))?;
        }
        s.measure(
            finalize_name,
            who.carol,
            d.withdrawal_queue,
            U256::ZERO,
            &finalize(1),
        )?;
        s.measure(
            request_name,
            who.alice,
            d.withdrawal_queue,
            U256::ZERO,
            &redeem(who.alice),
        )?;
        s.node.revert(before)?;
    }
    Ok((Figures(s.figures), s.profiles))
}

/// Deploys `code` (a deployed program's) again and runs its constructor
/// with the ABI-encoded `args`. The code hash is the original's, so ArbWasm has it
/// activated (nothing is sent) and, when the original is cached, the copy
/// runs cached too.
fn copy_program(node: &mut Devnode, from: Address, code: &[u8], args: &[u8]) -> Result<Address> {
    let create = request(
        from,
        None,
        U256::ZERO,
        stylus_build::creator_bound_initcode(code),
    );
    let address = send(node, create)?
        .contract_address
        .ok_or_else(|| anyhow!("a program copy has no address"))?;
    programs::activate(node, from, address)?;
    programs::construct(node, from, address, args)?;
    Ok(address)
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
    profiles: Vec<Breakdown>,
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
        // Every measured transaction runs at a timestamp of its own: the
        // vault writes its valuation time at most once a second, so two
        // transactions in the same wall-clock second would measure less than
        // the same two a second apart, and the snapshot would follow the
        // machine's speed.
        self.node.increase_time(1);
        // The dry run that sizes the gas limit runs outside the recording,
        // so the profile is the mined transaction's alone.
        let calldata = call.abi_encode();
        let mut tx = request(from, Some(to), value, calldata.clone());
        let (_, used) = dry_run(self.node, &tx)
            .map_err(|e| anyhow!("{} from {from}: {e}", C::SIGNATURE))
            .with_context(|| name)?;
        tx.gas = Some(gas_limit(used, crate::backend::Backend::max_gas(self.node)));
        let (mined, profile) = record(|| send(self.node, tx));
        let mined = mined
            .map_err(|e| anyhow!("{} from {from}: {e}", C::SIGNATURE))
            .with_context(|| name)?;
        self.figures.push((name, mined.gas_used));
        self.profiles.push(Breakdown {
            name,
            gas_used: mined.gas_used,
            intrinsic: intrinsic(&calldata),
            profile,
        });
        Ok(())
    }
}
