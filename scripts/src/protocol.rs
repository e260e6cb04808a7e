//! The whole protocol: every program deployed in dependency order, then
//! roles, links and the listed LST wired as [`Config`] says.

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use anyhow::{anyhow, bail, Result};

use crate::{
    abi::{roles, IAssetRegistry, IOperatorRegistry, IRoles, IVault, IWithdrawalQueue},
    backend::{Backend, Mined},
    client::{request, send, view},
    programs::{deploy_program, Artifacts, Program},
};
use stylus_build::Deployable;

/// 1 ETH (and 1 token of 18 decimals) in wei.
pub const ETHER: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// The vault's per-report reward bound as its constructor sets it, in
/// basis points of total assets.
pub const VAULT_DEFAULT_MAX_REWARD_BPS: u64 = 100;
/// The most the vault accepts as a per-report reward bound.
pub const VAULT_MAX_REWARD_BPS: u64 = 1_000;
/// The withdrawal queue's batch cap as its constructor sets it, and the
/// most it accepts.
pub const QUEUE_MAX_BATCH: u64 = 100;

/// The LST listed at deployment: a devnet `mock-lst` priced by a devnet
/// `lrt-rate-source`.
#[derive(Clone, Debug)]
pub struct LstConfig {
    /// Token name.
    pub name: String,
    /// Token symbol.
    pub symbol: String,
    /// ETH per token, 1e18 = 1:1.
    pub rate: U256,
    /// Most units the vault may hold.
    pub deposit_cap: U256,
    /// Oldest a rate may be, in seconds.
    pub max_staleness: u64,
    /// Most a rate may move at once and per day, in basis points.
    pub max_change_bps: U256,
}

/// Where a Chainlink-style feed comes from: a feed already on the chain, or
/// a devnet `mock-aggregator` deployed with the deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedSource {
    /// An `AggregatorV3Interface` feed at this address.
    At(Address),
    /// A `mock-aggregator` answering `answer` with `decimals`.
    Mock {
        /// Decimals of the answer.
        decimals: u8,
        /// The first answer, in units of 10^-decimals.
        answer: U256,
    },
}

/// An asset priced by a Chainlink-style feed through a
/// `lrt-chainlink-rate-source`, guarded by the L2 sequencer uptime feed.
#[derive(Clone, Debug)]
pub struct ChainlinkAssetConfig {
    /// Token symbol (the name of its programs in the manifest).
    pub symbol: String,
    /// The token, or `None` to deploy a devnet `mock-lst` named `name`.
    pub token: Option<Address>,
    /// Name of the mock token.
    pub name: String,
    /// The exchange-rate feed (ETH per token).
    pub feed: FeedSource,
    /// The sequencer uptime feed, or `None` on a chain without one. A mock
    /// reports the sequencer up since long ago.
    pub sequencer_feed: Option<FeedSource>,
    /// Seconds after the sequencer comes back up during which rates are refused.
    pub grace_period: u64,
    /// Most units the vault may hold.
    pub deposit_cap: U256,
    /// Oldest a rate may be, in seconds (the feed's heartbeat and a margin).
    pub max_staleness: u64,
    /// Most a rate may move per update, in basis points.
    pub max_change_bps: U256,
}

impl ChainlinkAssetConfig {
    /// The devnet's example: a wstETH-like mock token priced by a mock
    /// 18-decimal exchange-rate feed at 1.2, behind a mock sequencer uptime
    /// feed with an hour of grace.
    pub fn devnet_wsteth() -> Self {
        Self {
            symbol: "wstETH".into(),
            token: None,
            name: "Wrapped liquid staked Ether".into(),
            feed: FeedSource::Mock {
                decimals: 18,
                answer: ETHER * U256::from(12) / U256::from(10),
            },
            sequencer_feed: Some(FeedSource::Mock {
                decimals: 0,
                answer: U256::ZERO,
            }),
            grace_period: 3_600,
            deposit_cap: U256::MAX,
            max_staleness: 86_400 + 3_600,
            max_change_bps: U256::from(500),
        }
    }
}

/// A deployed Chainlink-priced asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainlinkAsset {
    /// Its symbol.
    pub symbol: String,
    /// The token.
    pub token: Address,
    /// The exchange-rate feed.
    pub feed: Address,
    /// The sequencer uptime feed (zero: none).
    pub sequencer_feed: Address,
    /// The adapter the registry reads.
    pub rate_source: Address,
}

/// Whether the program deployed as `name` (`package` or
/// `package:instance`) has an admin (see [`crate::WITHOUT_ADMIN`]).
pub fn has_admin(name: &str) -> bool {
    let package = name.split(':').next().unwrap_or(name);
    !crate::WITHOUT_ADMIN.contains(&package)
}

/// An operator allow-listed at deployment.
#[derive(Clone, Debug)]
pub struct OperatorConfig {
    /// The operator.
    pub operator: Address,
    /// The only account that may slash it.
    pub slasher: Address,
    /// Most stake it may hold, in ETH value.
    pub cap: U256,
    /// Where its metadata lives.
    pub metadata_uri: String,
}

/// What to deploy and how to wire it.
#[derive(Clone, Debug)]
pub struct Config {
    /// Signs every transaction and is the admin of every contract while
    /// they are wired.
    pub deployer: Address,
    /// The admin at the end; when it differs from the deployer, every
    /// contract's admin transfer to it is started (it accepts with
    /// `acceptAdminTransfer`).
    pub admin: Address,
    /// Receives the protocol fee as lrETH.
    pub treasury: Address,
    /// Receives slashed assets.
    pub slash_recipient: Address,
    /// Seconds an undelegation waits.
    pub unbonding_delay: u64,
    /// Protocol fee, basis points of rewards.
    pub fee_bps: U256,
    /// Holder of the vault's pauser role.
    pub pauser: Address,
    /// Holder of the asset-manager role (vault and registry).
    pub asset_manager: Address,
    /// Holder of the rewards-reporter role.
    pub rewards_reporter: Address,
    /// Holder of the delegation-manager role (vault and delegation).
    pub delegation_manager: Address,
    /// Holder of the operator-manager role.
    pub operator_manager: Address,
    /// Seconds a withdrawal request waits before it can be finalized.
    pub withdrawal_delay: u64,
    /// Largest reward one report may bring, basis points of total assets
    /// (vault `setRewardLimits`).
    pub max_reward_bps: U256,
    /// Fewest seconds between two reward reports (vault `setRewardLimits`).
    pub min_report_interval: u64,
    /// Smallest deposit, in ETH value (vault `setDepositLimits`).
    pub min_deposit: U256,
    /// Largest total assets deposits may bring the vault to (vault
    /// `setDepositLimits`; `U256::MAX` for none).
    pub total_cap: U256,
    /// Smallest withdrawal request, ETH value at request time (queue
    /// `setRequestLimits`).
    pub min_request_value: U256,
    /// Largest withdrawal request, ETH value at request time (queue
    /// `setRequestLimits`; `U256::MAX` for none).
    pub max_request_value: U256,
    /// Most requests one finalization processes (queue `setBatchCap`).
    pub batch_cap: u64,
    /// Deploy on a chain that is not a devnet even with a zero withdrawal
    /// delay, unbonding delay or report interval (see
    /// [`crate::parameters::check_delays`]).
    pub allow_unsafe_zero_delays: bool,
    /// The LST to list, if any.
    pub lst: Option<LstConfig>,
    /// Assets priced by Chainlink-style feeds.
    pub chainlink_assets: Vec<ChainlinkAssetConfig>,
    /// Operators to allow-list (needs `operator_manager == deployer`).
    pub operators: Vec<OperatorConfig>,
    /// Whether to cache every program through ArbWasmCache (the deployer
    /// must be a cache manager), as a protocol on Arbitrum One would.
    pub cache_programs: bool,
}

impl Config {
    /// A devnet deployment: `deployer` holds every role, a stETH-like LST at
    /// 1.05 ETH is listed without a cap, no fee, no unbonding or withdrawal
    /// delay, programs not cached.
    pub fn devnet(deployer: Address) -> Self {
        Self {
            deployer,
            admin: deployer,
            treasury: address!("0000000000000000000000000000000000007e45"),
            slash_recipient: address!("00000000000000000000000000000000005a54ed"),
            unbonding_delay: 0,
            fee_bps: U256::ZERO,
            pauser: deployer,
            asset_manager: deployer,
            rewards_reporter: deployer,
            delegation_manager: deployer,
            operator_manager: deployer,
            withdrawal_delay: 0,
            max_reward_bps: U256::from(VAULT_DEFAULT_MAX_REWARD_BPS),
            min_report_interval: 0,
            min_deposit: U256::ZERO,
            total_cap: U256::MAX,
            min_request_value: U256::ZERO,
            max_request_value: U256::MAX,
            batch_cap: QUEUE_MAX_BATCH,
            allow_unsafe_zero_delays: false,
            lst: Some(LstConfig {
                name: "Staked Ether".into(),
                symbol: "stETH".into(),
                rate: ETHER * U256::from(105) / U256::from(100),
                deposit_cap: U256::MAX,
                max_staleness: 86_400,
                max_change_bps: U256::from(500),
            }),
            chainlink_assets: Vec::new(),
            operators: Vec::new(),
            cache_programs: false,
        }
    }

    /// The lifecycle's deployment: [`Config::devnet`] with a 10% fee, a day
    /// of withdrawal and unbonding delay, programs cached (as on Arbitrum
    /// One), and `operators` allow-listed with `slasher` and a 1,000 ETH
    /// cap each.
    pub fn lifecycle(deployer: Address, operators: &[Address], slasher: Address) -> Self {
        const DAY: u64 = 86_400;
        let mut config = Self::devnet(deployer);
        config.fee_bps = U256::from(1_000);
        config.withdrawal_delay = DAY;
        config.unbonding_delay = DAY;
        config.cache_programs = true;
        config.operators = operators
            .iter()
            .map(|operator| OperatorConfig {
                operator: *operator,
                slasher,
                cap: ETHER * U256::from(1_000),
                metadata_uri: format!("https://operators.example/{operator}.json"),
            })
            .collect();
        config
    }

    /// [`Config::devnet`] with [`ChainlinkAssetConfig::devnet_wsteth`]
    /// listed too (`scripts/config/devnet-chainlink.toml`).
    pub fn devnet_with_chainlink(deployer: Address) -> Self {
        let mut config = Self::devnet(deployer);
        config
            .chainlink_assets
            .push(ChainlinkAssetConfig::devnet_wsteth());
        config
    }
}

/// A wiring transaction.
#[derive(Clone, Debug)]
pub struct Step {
    /// What it did.
    pub what: String,
    /// Its receipt.
    pub tx: Mined,
}

/// A deployed protocol.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// lrETH.
    pub token: Address,
    /// The vault.
    pub vault: Address,
    /// The asset registry.
    pub asset_registry: Address,
    /// The operator registry.
    pub operator_registry: Address,
    /// The restaking layer.
    pub delegation: Address,
    /// The withdrawal queue.
    pub withdrawal_queue: Address,
    /// lrETH's rate for lending markets and AMMs.
    pub rate_provider: Address,
    /// The listed LST and its rate source, if one was listed.
    pub lst: Option<(Address, Address)>,
    /// The assets priced by Chainlink-style feeds.
    pub chainlink_assets: Vec<ChainlinkAsset>,
    /// Every program, in deployment order.
    pub programs: Vec<Program>,
    /// The wiring transactions, in order.
    pub steps: Vec<Step>,
}

impl Deployment {
    /// The listed LST.
    pub fn lst(&self) -> Result<Address> {
        self.lst
            .map(|(lst, _)| lst)
            .ok_or_else(|| anyhow!("no LST was listed"))
    }

    /// The listed LST's rate source.
    pub fn rate_source(&self) -> Result<Address> {
        self.lst
            .map(|(_, source)| source)
            .ok_or_else(|| anyhow!("no LST was listed"))
    }

    /// Total gas of every transaction of the deployment.
    pub fn total_gas(&self) -> u64 {
        let programs: u64 = self
            .programs
            .iter()
            .map(|p| {
                p.deploy_tx.gas_used
                    + p.activation.tx.as_ref().map_or(0, |t| t.gas_used)
                    + p.cache_tx.as_ref().map_or(0, |t| t.gas_used)
                    + p.constructor_tx.gas_used
            })
            .sum();
        programs + self.steps.iter().map(|s| s.tx.gas_used).sum::<u64>()
    }
}

/// How a deployment treats what an earlier one left on the chain, and where
/// it records its progress. [`deploy_protocol`] starts from nothing and
/// records nothing; [`crate::resume`] reuses what a manifest lists and
/// writes the manifest after every transaction.
pub trait Journal {
    /// Brings `package` onto the chain: deploys, activates, caches (if
    /// `cache`) and constructs it, or finishes and reuses an earlier
    /// deployment of it.
    fn program(
        &mut self,
        backend: &mut dyn Backend,
        from: Address,
        package: &str,
        program: &Deployable,
        constructor_args: &[u8],
        cache: bool,
    ) -> Result<Program>;

    /// Whether the wiring step `what`, a call of `data` on `to`, is already
    /// in effect on the chain (then it is not sent).
    fn in_effect(
        &mut self,
        backend: &mut dyn Backend,
        what: &str,
        to: Address,
        data: &[u8],
    ) -> Result<bool>;

    /// Records the wiring step `what`: its transaction, or `None` when it
    /// was found in effect.
    fn wired(&mut self, what: &str, tx: Option<&Mined>) -> Result<()>;
}

/// A deployment from nothing, recorded nowhere.
struct FromScratch;

impl Journal for FromScratch {
    fn program(
        &mut self,
        backend: &mut dyn Backend,
        from: Address,
        _package: &str,
        program: &Deployable,
        constructor_args: &[u8],
        cache: bool,
    ) -> Result<Program> {
        deploy_program(&mut &mut *backend, from, program, constructor_args, cache)
    }

    fn in_effect(&mut self, _: &mut dyn Backend, _: &str, _: Address, _: &[u8]) -> Result<bool> {
        Ok(false)
    }

    fn wired(&mut self, _: &str, _: Option<&Mined>) -> Result<()> {
        Ok(())
    }
}

/// Deploys and wires the protocol on `backend`.
pub fn deploy_protocol(
    backend: &mut impl Backend,
    artifacts: &Artifacts,
    config: &Config,
) -> Result<Deployment> {
    deploy_protocol_with(backend, artifacts, config, &mut FromScratch)
}

/// Deploys and wires the protocol on `backend`, each program and step
/// going through `journal`.
pub fn deploy_protocol_with(
    backend: &mut impl Backend,
    artifacts: &Artifacts,
    config: &Config,
    journal: &mut dyn Journal,
) -> Result<Deployment> {
    let mut deployer = Deployer {
        backend,
        artifacts,
        config,
        journal,
        programs: Vec::new(),
        steps: Vec::new(),
    };
    let me = config.deployer;
    let token = deployer.program("lrt-token", (me,).abi_encode_params())?;
    let asset_registry = deployer.program("lrt-asset-registry", (me,).abi_encode_params())?;
    let lst = match &config.lst {
        Some(lst) => {
            let source = deployer.program("lrt-rate-source", (me, lst.rate).abi_encode_params())?;
            let args = (lst.name.clone(), lst.symbol.clone()).abi_encode_params();
            Some((deployer.program("mock-lst", args)?, source))
        }
        None => None,
    };
    let chainlink_assets = deploy_chainlink_assets(&mut deployer, config)?;
    let operator_registry = deployer.program("lrt-operator-registry", (me,).abi_encode_params())?;
    let vault_args = (me, token, asset_registry, config.treasury).abi_encode_params();
    let vault = deployer.program("lrt-vault", vault_args)?;
    let delegation_args = (
        me,
        vault,
        operator_registry,
        config.slash_recipient,
        config.unbonding_delay,
    )
        .abi_encode_params();
    let delegation = deployer.program("lrt-delegation", delegation_args)?;
    let queue_args = (me, vault, config.withdrawal_delay).abi_encode_params();
    let withdrawal_queue = deployer.program("lrt-withdrawal-queue", queue_args)?;
    let rate_provider = deployer.program("lrt-rate-provider", (vault,).abi_encode_params())?;

    // Each constructor accepts only the program's creator (the init code
    // records it); the read-back also catches programs a manifest points at
    // that were created by other means.
    let administered: Vec<(String, Address)> = deployer
        .programs
        .iter()
        .filter(|p| has_admin(&p.name))
        .map(|p| (p.name.clone(), p.address))
        .collect();
    for (name, address) in &administered {
        let admin = deployer.view(*address, &IRoles::adminCall {})?;
        if admin != me {
            bail!("`{name}` at {address} has admin {admin}, not the deployer {me}: its constructor was called by someone else");
        }
    }

    let programs = Programs {
        token,
        vault,
        asset_registry,
        operator_registry,
        delegation,
        withdrawal_queue,
        lst,
        chainlink: chainlink_assets
            .iter()
            .map(|a| (a.token, a.rate_source))
            .collect(),
        administered,
    };
    for step in wiring(config, &programs) {
        deployer.send(step)?;
    }

    Ok(Deployment {
        token,
        vault,
        asset_registry,
        operator_registry,
        delegation,
        withdrawal_queue,
        rate_provider,
        lst,
        chainlink_assets,
        programs: deployer.programs,
        steps: deployer.steps,
    })
}

/// The programs of [`Config::chainlink_assets`], as (name, package) in
/// deployment order: per asset its mock token and mock feed when asked for,
/// the mock sequencer feed once (shared), and the adapter.
pub fn chainlink_programs(config: &Config) -> Vec<(String, &'static str)> {
    let mut programs = Vec::new();
    let mut sequencer = false;
    for asset in &config.chainlink_assets {
        if asset.token.is_none() {
            programs.push((format!("mock-lst:{}", asset.symbol), "mock-lst"));
        }
        if matches!(asset.feed, FeedSource::Mock { .. }) {
            programs.push((
                format!("mock-aggregator:{}", asset.symbol),
                "mock-aggregator",
            ));
        }
        if matches!(asset.sequencer_feed, Some(FeedSource::Mock { .. })) && !sequencer {
            sequencer = true;
            programs.push(("mock-aggregator:sequencer".into(), "mock-aggregator"));
        }
        programs.push((
            format!("lrt-chainlink-rate-source:{}", asset.symbol),
            "lrt-chainlink-rate-source",
        ));
    }
    programs
}

/// A mock feed's constructor arguments: the deployer as admin, the
/// decimals, the answer and a `startedAt` of 1 (an uptime feed up since
/// long ago, so no grace period is running).
fn mock_feed_args(me: Address, decimals: u8, answer: U256) -> Vec<u8> {
    let answer = alloy_primitives::I256::from_raw(answer);
    // A uint8 takes a whole word in the encoding, as a uint256 does.
    (me, U256::from(decimals), answer, U256::from(1)).abi_encode_params()
}

fn deploy_chainlink_assets<B: Backend>(
    deployer: &mut Deployer<'_, B>,
    config: &Config,
) -> Result<Vec<ChainlinkAsset>> {
    let me = config.deployer;
    let mut sequencer_mock = None;
    let mut assets = Vec::new();
    for asset in &config.chainlink_assets {
        let symbol = &asset.symbol;
        let token = match asset.token {
            Some(token) => token,
            None => {
                let args = (asset.name.clone(), symbol.clone()).abi_encode_params();
                deployer.program_as(&format!("mock-lst:{symbol}"), "mock-lst", args)?
            }
        };
        let feed = match &asset.feed {
            FeedSource::At(feed) => *feed,
            FeedSource::Mock { decimals, answer } => deployer.program_as(
                &format!("mock-aggregator:{symbol}"),
                "mock-aggregator",
                mock_feed_args(me, *decimals, *answer),
            )?,
        };
        let sequencer_feed = match &asset.sequencer_feed {
            None => Address::ZERO,
            Some(FeedSource::At(feed)) => *feed,
            Some(FeedSource::Mock { decimals, answer }) => match sequencer_mock {
                Some(feed) => feed,
                None => {
                    let feed = deployer.program_as(
                        "mock-aggregator:sequencer",
                        "mock-aggregator",
                        mock_feed_args(me, *decimals, *answer),
                    )?;
                    sequencer_mock = Some(feed);
                    feed
                }
            },
        };
        let args = (feed, sequencer_feed, asset.grace_period).abi_encode_params();
        let rate_source = deployer.program_as(
            &format!("lrt-chainlink-rate-source:{symbol}"),
            "lrt-chainlink-rate-source",
            args,
        )?;
        assets.push(ChainlinkAsset {
            symbol: symbol.clone(),
            token,
            feed,
            sequencer_feed,
            rate_source,
        });
    }
    Ok(assets)
}

/// The programs the wiring joins.
#[derive(Clone, Debug)]
pub struct Programs {
    /// lrETH.
    pub token: Address,
    /// The vault.
    pub vault: Address,
    /// The asset registry.
    pub asset_registry: Address,
    /// The operator registry.
    pub operator_registry: Address,
    /// The delegation contract.
    pub delegation: Address,
    /// The withdrawal queue.
    pub withdrawal_queue: Address,
    /// The LST and its rate source, when the configuration has one.
    pub lst: Option<(Address, Address)>,
    /// Each Chainlink-priced asset's token and adapter, in configuration order.
    pub chainlink: Vec<(Address, Address)>,
    /// Every program with an admin, by package, in deployment order.
    pub administered: Vec<(String, Address)>,
}

/// One wiring transaction, sent by the deployer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WiringStep {
    /// What it does.
    pub what: String,
    /// The contract it calls.
    pub to: Address,
    /// Its calldata.
    pub data: Vec<u8>,
}

impl WiringStep {
    fn new(what: impl Into<String>, to: Address, call: &impl SolCall) -> Self {
        Self {
            what: what.into(),
            to,
            data: call.abi_encode(),
        }
    }
}

/// Every wiring transaction `config` asks for, in the order they are sent:
/// the minter grants, the links, the role grants, the fee, the listing,
/// the operators and the admin transfers.
pub fn wiring(config: &Config, programs: &Programs) -> Vec<WiringStep> {
    let me = config.deployer;
    let Programs {
        token,
        vault,
        asset_registry,
        operator_registry,
        delegation,
        withdrawal_queue,
        ..
    } = *programs;
    let mut steps = vec![
        WiringStep::new(
            "grant MINTER_ROLE on the token to the vault",
            token,
            &IRoles::grantRoleCall {
                role: roles::minter(),
                account: vault,
            },
        ),
        WiringStep::new(
            "grant MINTER_ROLE on the token to the withdrawal queue",
            token,
            &IRoles::grantRoleCall {
                role: roles::minter(),
                account: withdrawal_queue,
            },
        ),
        WiringStep::new(
            "link the vault to the delegation and the withdrawal queue",
            vault,
            &IVault::linkCall {
                restakingLayer: delegation,
                withdrawalQueue: withdrawal_queue,
            },
        ),
        WiringStep::new(
            "tell the operator registry its delegation contract",
            operator_registry,
            &IOperatorRegistry::setDelegationCall { delegation },
        ),
        WiringStep::new(
            "tell the asset registry the vault its rates reach",
            asset_registry,
            &IAssetRegistry::setVaultCall { vault },
        ),
    ];
    let grants = [
        (vault, roles::pauser(), config.pauser, "vault PAUSER_ROLE"),
        (
            vault,
            roles::asset_manager(),
            config.asset_manager,
            "vault ASSET_MANAGER_ROLE",
        ),
        (
            vault,
            roles::rewards_reporter(),
            config.rewards_reporter,
            "vault REWARDS_REPORTER_ROLE",
        ),
        (
            vault,
            roles::delegation_manager(),
            config.delegation_manager,
            "vault DELEGATION_MANAGER_ROLE",
        ),
        (
            asset_registry,
            roles::asset_manager(),
            config.asset_manager,
            "registry ASSET_MANAGER_ROLE",
        ),
        (
            operator_registry,
            roles::operator_manager(),
            config.operator_manager,
            "operator registry OPERATOR_MANAGER_ROLE",
        ),
        (
            delegation,
            roles::delegation_manager(),
            config.delegation_manager,
            "delegation DELEGATION_MANAGER_ROLE",
        ),
    ];
    for (contract, role, account, name) in grants {
        steps.push(WiringStep::new(
            format!("grant {name} to {account}"),
            contract,
            &IRoles::grantRoleCall { role, account },
        ));
    }
    if !config.fee_bps.is_zero() {
        steps.push(WiringStep::new(
            "set the protocol fee",
            vault,
            &IVault::setFeeCall {
                feeBps: config.fee_bps,
            },
        ));
    }
    steps.extend(parameter_steps(config, programs));
    if let (Some(lst_config), Some((lst, source))) = (&config.lst, programs.lst) {
        // Listing needs the asset-manager role on the registry; the deployer
        // lists on its behalf only when it holds it.
        if config.asset_manager == me {
            steps.push(WiringStep::new(
                format!("list {} in the asset registry", lst_config.symbol),
                asset_registry,
                &IAssetRegistry::addAssetCall {
                    asset: lst,
                    rateSource: source,
                    depositCap: lst_config.deposit_cap,
                    maxStaleness: lst_config.max_staleness,
                    maxChangeBps: lst_config.max_change_bps,
                },
            ));
        }
    }
    if config.asset_manager == me {
        for (asset, (token, source)) in config.chainlink_assets.iter().zip(&programs.chainlink) {
            steps.push(WiringStep::new(
                format!(
                    "list {} (priced by its feed) in the asset registry",
                    asset.symbol
                ),
                asset_registry,
                &IAssetRegistry::addAssetCall {
                    asset: *token,
                    rateSource: *source,
                    depositCap: asset.deposit_cap,
                    maxStaleness: asset.max_staleness,
                    maxChangeBps: asset.max_change_bps,
                },
            ));
        }
    }
    for operator in &config.operators {
        steps.push(WiringStep::new(
            format!("allow-list operator {}", operator.operator),
            operator_registry,
            &IOperatorRegistry::addOperatorCall {
                operator: operator.operator,
                metadataUri: operator.metadata_uri.clone(),
                slasher: operator.slasher,
                cap: operator.cap,
            },
        ));
    }
    if config.admin != me {
        for (name, address) in &programs.administered {
            steps.push(WiringStep::new(
                format!("start the admin transfer of `{name}` to {}", config.admin),
                *address,
                &IRoles::beginAdminTransferCall {
                    newAdmin: config.admin,
                },
            ));
        }
    }

    steps
}

/// The wiring of the parameters a constructor does not take, each only
/// when the configuration differs from what the constructor leaves.
fn parameter_steps(config: &Config, programs: &Programs) -> Vec<WiringStep> {
    let mut steps = Vec::new();
    if config.max_reward_bps != U256::from(VAULT_DEFAULT_MAX_REWARD_BPS)
        || config.min_report_interval != 0
    {
        steps.push(WiringStep::new(
            "set the reward bound and the minimum report interval",
            programs.vault,
            &IVault::setRewardLimitsCall {
                maxRewardBps: config.max_reward_bps,
                minReportInterval: config.min_report_interval,
            },
        ));
    }
    // An asset manager's call: sent when the deployer holds the role
    // (`ConfigFile::resolve` refuses limits it could not set).
    if (!config.min_deposit.is_zero() || config.total_cap != U256::MAX)
        && config.asset_manager == config.deployer
    {
        steps.push(WiringStep::new(
            "set the minimum deposit and the total cap",
            programs.vault,
            &IVault::setDepositLimitsCall {
                minDeposit: config.min_deposit,
                totalCap: config.total_cap,
            },
        ));
    }
    if !config.min_request_value.is_zero() || config.max_request_value != U256::MAX {
        steps.push(WiringStep::new(
            "set the withdrawal request limits",
            programs.withdrawal_queue,
            &IWithdrawalQueue::setRequestLimitsCall {
                minValue: config.min_request_value,
                maxValue: config.max_request_value,
            },
        ));
    }
    if config.batch_cap != QUEUE_MAX_BATCH {
        steps.push(WiringStep::new(
            "set the finalization batch cap",
            programs.withdrawal_queue,
            &IWithdrawalQueue::setBatchCapCall {
                cap: config.batch_cap,
            },
        ));
    }
    steps
}

/// The state of a deployment in progress.
struct Deployer<'a, B> {
    backend: &'a mut B,
    artifacts: &'a Artifacts,
    config: &'a Config,
    journal: &'a mut dyn Journal,
    programs: Vec<Program>,
    steps: Vec<Step>,
}

impl<B: Backend> Deployer<'_, B> {
    fn program(&mut self, package: &str, constructor_args: Vec<u8>) -> Result<Address> {
        self.program_as(package, package, constructor_args)
    }

    /// Deploys `package` as the program `name` (`package:<instance>` when
    /// a deployment holds more than one of it).
    fn program_as(
        &mut self,
        name: &str,
        package: &str,
        constructor_args: Vec<u8>,
    ) -> Result<Address> {
        let program = self.journal.program(
            &mut *self.backend,
            self.config.deployer,
            name,
            self.artifacts.get(package)?,
            &constructor_args,
            self.config.cache_programs,
        )?;
        let address = program.address;
        self.programs.push(program);
        Ok(address)
    }

    fn send(&mut self, step: WiringStep) -> Result<()> {
        let WiringStep { what, to, data } = step;
        if self
            .journal
            .in_effect(&mut *self.backend, &what, to, &data)?
        {
            return self.journal.wired(&what, None);
        }
        let from = self.config.deployer;
        let tx = send(
            &mut *self.backend,
            request(from, Some(to), U256::ZERO, data),
        )
        .map_err(|e| anyhow!("{what}: {e}"))?;
        self.journal.wired(&what, Some(&tx))?;
        self.steps.push(Step { what, tx });
        Ok(())
    }

    fn view<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return> {
        view(self.backend, to, call).map_err(|e| anyhow!("reading {to}: {e}"))
    }
}

impl Deployment {
    /// The deployment manifest: per program its address, code hash, code
    /// size, Stylus version, data fee and transactions; the protocol's
    /// addresses by role; and the configuration used.
    pub fn manifest(&self, chain_id: u64, config: &Config) -> serde_json::Value {
        use serde_json::json;
        let hash = |tx: &Mined| tx.hash.to_string();
        let programs: serde_json::Map<String, serde_json::Value> = self
            .programs
            .iter()
            .map(|p| {
                let entry = json!({
                    "address": p.address.to_string(),
                    "codeHash": p.code_hash.to_string(),
                    "codeBytes": p.code_bytes,
                    "stylusVersion": p.activation.version,
                    "dataFeeWei": p.activation.data_fee.to_string(),
                    "deployTx": hash(&p.deploy_tx),
                    "activationTx": p.activation.tx.as_ref().map(hash),
                    "cacheTx": p.cache_tx.as_ref().map(hash),
                    "constructorTx": hash(&p.constructor_tx),
                });
                (p.name.clone(), entry)
            })
            .collect();
        let address = |a: Address| a.to_string();
        json!({
            "chainId": chain_id,
            "protocol": {
                "token": address(self.token),
                "vault": address(self.vault),
                "assetRegistry": address(self.asset_registry),
                "operatorRegistry": address(self.operator_registry),
                "delegation": address(self.delegation),
                "withdrawalQueue": address(self.withdrawal_queue),
                "rateProvider": address(self.rate_provider),
                "lst": self.lst.map(|(lst, _)| address(lst)),
                "rateSource": self.lst.map(|(_, source)| address(source)),
                "chainlinkAssets": self.chainlink_assets.iter().map(|a| json!({
                    "symbol": a.symbol,
                    "token": address(a.token),
                    "feed": address(a.feed),
                    "sequencerFeed": address(a.sequencer_feed),
                    "rateSource": address(a.rate_source),
                })).collect::<Vec<_>>(),
            },
            "programs": programs,
            "wiring": self.steps.iter().map(|s| json!({"step": s.what, "tx": hash(&s.tx)})).collect::<Vec<_>>(),
            "config": {
                "deployer": address(config.deployer),
                "admin": address(config.admin),
                "treasury": address(config.treasury),
                "slashRecipient": address(config.slash_recipient),
                "unbondingDelay": config.unbonding_delay,
                "withdrawalDelay": config.withdrawal_delay,
                "feeBps": config.fee_bps.to_string(),
                "maxRewardBps": config.max_reward_bps.to_string(),
                "minReportInterval": config.min_report_interval,
                "minDeposit": config.min_deposit.to_string(),
                "totalCap": config.total_cap.to_string(),
                "minRequestValue": config.min_request_value.to_string(),
                "maxRequestValue": config.max_request_value.to_string(),
                "batchCap": config.batch_cap,
                "allowUnsafeZeroDelays": config.allow_unsafe_zero_delays,
                "roles": {
                    "pauser": address(config.pauser),
                    "assetManager": address(config.asset_manager),
                    "rewardsReporter": address(config.rewards_reporter),
                    "delegationManager": address(config.delegation_manager),
                    "operatorManager": address(config.operator_manager),
                },
                "chainlinkAssets": config.chainlink_assets.iter().map(|a| json!({
                    "symbol": a.symbol,
                    "token": a.token.map(address),
                    "feed": format!("{:?}", a.feed),
                    "sequencerFeed": a.sequencer_feed.as_ref().map(|f| format!("{f:?}")),
                    "gracePeriod": a.grace_period,
                    "depositCap": a.deposit_cap.to_string(),
                    "maxStaleness": a.max_staleness,
                    "maxChangeBps": a.max_change_bps.to_string(),
                })).collect::<Vec<_>>(),
                "lst": config.lst.as_ref().map(|l| json!({
                    "name": l.name,
                    "symbol": l.symbol,
                    "rate": l.rate.to_string(),
                    "depositCap": l.deposit_cap.to_string(),
                    "maxStaleness": l.max_staleness,
                    "maxChangeBps": l.max_change_bps.to_string(),
                })),
                "operators": config.operators.iter().map(|o| json!({
                    "operator": address(o.operator),
                    "slasher": address(o.slasher),
                    "cap": o.cap.to_string(),
                    "metadataUri": o.metadata_uri,
                })).collect::<Vec<_>>(),
                "cachePrograms": config.cache_programs,
            },
        })
    }
}
