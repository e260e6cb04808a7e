//! The deployment configuration as a TOML file (`--config`), and as the
//! manifest records it.
//!
//! Every field is optional; what a file leaves out takes the devnet default
//! of [`Config::devnet`]. Addresses are hex or the word `deployer` (the
//! account of the signing key). Amounts are decimal ETH (`"1.05"`,
//! `"1000"`: 18 decimals, for ETH and for 18-decimal tokens alike) or
//! `"max"`. `scripts/config/devnet.toml` spells out every default;
//! `scripts/config/testnet.toml` is an example for Arbitrum Sepolia.

use std::path::Path;

use alloy_primitives::{
    utils::{format_ether, parse_ether},
    Address, U256,
};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::protocol::{
    ChainlinkAssetConfig, Config, FeedSource, LstConfig, OperatorConfig, QUEUE_MAX_BATCH,
    VAULT_MAX_REWARD_BPS,
};

/// The highest protocol fee the vault accepts, in basis points.
pub const MAX_FEE_BPS: u64 = 2_000;

/// A deployment configuration as written in TOML.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The admin of every contract at the end; when not the deployer, the
    /// deployment starts the two-step admin transfer to it.
    pub admin: Option<String>,
    /// Receives the protocol fee as lrETH.
    pub treasury: Option<String>,
    /// Receives slashed assets.
    pub slash_recipient: Option<String>,
    /// Seconds an undelegation waits before it completes.
    pub unbonding_delay: Option<u64>,
    /// Seconds a withdrawal request waits before it can be finalized.
    pub withdrawal_delay: Option<u64>,
    /// Protocol fee on rewards, basis points (at most 2,000).
    pub fee_bps: Option<u64>,
    /// Largest reward one report may bring, basis points of total assets
    /// (at most 1,000).
    pub max_reward_bps: Option<u64>,
    /// Fewest seconds between two reward reports.
    pub min_report_interval: Option<u64>,
    /// Smallest deposit, in ETH value.
    pub min_deposit: Option<String>,
    /// Largest total assets deposits may bring the vault to, or `max`.
    pub total_cap: Option<String>,
    /// Smallest withdrawal request, ETH value at request time.
    pub min_request_value: Option<String>,
    /// Largest withdrawal request, ETH value at request time, or `max`.
    pub max_request_value: Option<String>,
    /// Most requests one finalization processes (1 to 100).
    pub batch_cap: Option<u64>,
    /// Deploy to a chain that is not a devnet even with a zero withdrawal
    /// delay, unbonding delay or report interval.
    pub allow_unsafe_zero_delays: Option<bool>,
    /// Cache every program through ArbWasmCache (the deployer must be a
    /// cache manager).
    pub cache_programs: Option<bool>,
    /// Holders of the protocol's roles.
    #[serde(default)]
    pub roles: RolesFile,
    /// The devnet LST and its rate source.
    #[serde(default)]
    pub lst: LstFile,
    /// Assets priced by Chainlink-style feeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chainlink_assets: Vec<ChainlinkAssetFile>,
    /// Operators to allow-list.
    #[serde(default)]
    pub operators: Vec<OperatorFile>,
}

/// `[[chainlink_assets]]`: an asset priced by a Chainlink-style feed
/// through a `lrt-chainlink-rate-source`. `token`, `feed` and
/// `sequencer_feed` are addresses, or `mock` for devnet mocks deployed with
/// the protocol (`sequencer_feed` may also be `none`, for a chain without a
/// sequencer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainlinkAssetFile {
    /// Token symbol.
    pub symbol: String,
    /// The token's address, or `mock`.
    pub token: String,
    /// Name of the mock token (only with `token = "mock"`).
    pub name: Option<String>,
    /// The exchange-rate feed's address, or `mock`.
    pub feed: String,
    /// Decimals of the mock feed (default 18).
    pub mock_decimals: Option<u8>,
    /// The mock feed's first answer, as a decimal ETH per token.
    pub mock_answer: Option<String>,
    /// The sequencer uptime feed's address, `mock` or `none`.
    pub sequencer_feed: String,
    /// Seconds after the sequencer comes back up during which rates are refused.
    pub grace_period: u64,
    /// Most tokens the vault may hold.
    pub deposit_cap: String,
    /// Oldest a rate may be, seconds.
    pub max_staleness: u64,
    /// Most a rate may move per update, basis points.
    pub max_change_bps: u64,
}

impl ChainlinkAssetFile {
    fn resolve(&self, i: usize) -> Result<ChainlinkAssetConfig> {
        let field = |name: &str| format!("chainlink_assets[{i}].{name}");
        let address = |name: &str, value: &str| -> Result<Address> {
            value
                .parse()
                .with_context(|| format!("{}: `{value}` is not an address or `mock`", field(name)))
        };
        let token = match self.token.as_str() {
            "mock" => None,
            other => Some(address("token", other)?),
        };
        let feed = match self.feed.as_str() {
            "mock" => {
                let decimals = self.mock_decimals.unwrap_or(18);
                if decimals > 36 {
                    bail!("{}: at most 36", field("mock_decimals"));
                }
                let answer = self.mock_answer.as_deref().ok_or_else(|| {
                    anyhow::anyhow!("{} is needed with a mock feed", field("mock_answer"))
                })?;
                let answer = parse_units(answer, decimals).with_context(|| field("mock_answer"))?;
                FeedSource::Mock { decimals, answer }
            }
            other => FeedSource::At(address("feed", other)?),
        };
        let sequencer_feed = match self.sequencer_feed.as_str() {
            "none" => None,
            "mock" => Some(FeedSource::Mock {
                decimals: 0,
                answer: U256::ZERO,
            }),
            other => Some(FeedSource::At(address("sequencer_feed", other)?)),
        };
        Ok(ChainlinkAssetConfig {
            symbol: self.symbol.clone(),
            token,
            name: self.name.clone().unwrap_or_else(|| self.symbol.clone()),
            feed,
            sequencer_feed,
            grace_period: self.grace_period,
            deposit_cap: parse_amount(&self.deposit_cap).with_context(|| field("deposit_cap"))?,
            max_staleness: self.max_staleness,
            max_change_bps: U256::from(self.max_change_bps),
        })
    }

    fn recorded(asset: &ChainlinkAssetConfig) -> Self {
        let (feed, mock_decimals, mock_answer) = match &asset.feed {
            FeedSource::At(feed) => (feed.to_string(), None, None),
            FeedSource::Mock { decimals, answer } => (
                "mock".to_string(),
                Some(*decimals),
                Some(show_units(*answer, *decimals)),
            ),
        };
        Self {
            symbol: asset.symbol.clone(),
            token: asset.token.map_or("mock".into(), |t| t.to_string()),
            name: Some(asset.name.clone()),
            feed,
            mock_decimals,
            mock_answer,
            sequencer_feed: match &asset.sequencer_feed {
                None => "none".into(),
                Some(FeedSource::Mock { .. }) => "mock".into(),
                Some(FeedSource::At(feed)) => feed.to_string(),
            },
            grace_period: asset.grace_period,
            deposit_cap: show_amount(asset.deposit_cap),
            max_staleness: asset.max_staleness,
            max_change_bps: asset.max_change_bps.saturating_to(),
        }
    }
}

/// `[roles]`: each defaults to the deployer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesFile {
    /// Pauses deposits and withdrawals (vault).
    pub pauser: Option<String>,
    /// Lists assets, sets caps and rate sources (vault and asset registry).
    pub asset_manager: Option<String>,
    /// Reports rewards (vault).
    pub rewards_reporter: Option<String>,
    /// Delegates and undelegates (vault and delegation).
    pub delegation_manager: Option<String>,
    /// Allow-lists operators (operator registry).
    pub operator_manager: Option<String>,
}

/// `[lst]`: a `mock-lst` token priced by a `lrt-rate-source`, listed in the
/// asset registry. Both are devnet/testnet contracts (an open faucet and a
/// settable rate): set `enabled = false` where real LSTs are listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LstFile {
    /// Deploy and list it (default true).
    pub enabled: Option<bool>,
    /// Token name.
    pub name: Option<String>,
    /// Token symbol.
    pub symbol: Option<String>,
    /// ETH per token.
    pub rate: Option<String>,
    /// Most tokens the vault may hold.
    pub deposit_cap: Option<String>,
    /// Oldest a rate may be, seconds.
    pub max_staleness: Option<u64>,
    /// Most a rate may move at once and per day, basis points.
    pub max_change_bps: Option<u64>,
}

/// `[[operators]]`: one allow-listed operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorFile {
    /// The operator's address.
    pub operator: String,
    /// The only account that may slash it.
    pub slasher: String,
    /// Most stake it may hold, in ETH.
    pub cap: String,
    /// Where its metadata lives.
    pub metadata_uri: String,
}

impl ConfigFile {
    /// Reads a TOML file.
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses TOML.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(toml::from_str(text)?)
    }

    /// The configuration for `deployer`: what the file says, the devnet
    /// defaults for the rest.
    pub fn resolve(&self, deployer: Address) -> Result<Config> {
        let defaults = Config::devnet(deployer);
        let address = |field: &str, value: &Option<String>, default: Address| match value {
            Some(value) => parse_address(value, deployer).with_context(|| field.to_string()),
            None => Ok(default),
        };
        let roles = &self.roles;
        let lst = match self.lst.enabled.unwrap_or(true) {
            false => None,
            true => {
                let default = defaults.lst.clone().expect("the devnet lists an LST");
                let lst = &self.lst;
                Some(LstConfig {
                    name: lst.name.clone().unwrap_or(default.name),
                    symbol: lst.symbol.clone().unwrap_or(default.symbol),
                    rate: amount("lst.rate", &lst.rate, default.rate)?,
                    deposit_cap: amount("lst.deposit_cap", &lst.deposit_cap, default.deposit_cap)?,
                    max_staleness: lst.max_staleness.unwrap_or(default.max_staleness),
                    max_change_bps: lst
                        .max_change_bps
                        .map_or(default.max_change_bps, U256::from),
                })
            }
        };
        let operators = self
            .operators
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let field = |name: &str| format!("operators[{i}].{name}");
                Ok(OperatorConfig {
                    operator: parse_address(&o.operator, deployer)
                        .with_context(|| field("operator"))?,
                    slasher: parse_address(&o.slasher, deployer)
                        .with_context(|| field("slasher"))?,
                    cap: parse_amount(&o.cap).with_context(|| field("cap"))?,
                    metadata_uri: o.metadata_uri.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let chainlink_assets = self
            .chainlink_assets
            .iter()
            .enumerate()
            .map(|(i, a)| a.resolve(i))
            .collect::<Result<Vec<_>>>()?;
        let fee_bps = self.fee_bps.unwrap_or(0);
        if fee_bps > MAX_FEE_BPS {
            bail!("fee_bps = {fee_bps}: the vault accepts at most {MAX_FEE_BPS}");
        }
        let max_reward_bps = self
            .max_reward_bps
            .map_or(defaults.max_reward_bps, U256::from);
        if max_reward_bps > U256::from(VAULT_MAX_REWARD_BPS) {
            bail!("max_reward_bps = {max_reward_bps}: the vault accepts at most {VAULT_MAX_REWARD_BPS}");
        }
        let batch_cap = self.batch_cap.unwrap_or(defaults.batch_cap);
        if batch_cap == 0 || batch_cap > QUEUE_MAX_BATCH {
            bail!("batch_cap = {batch_cap}: the withdrawal queue accepts 1 to {QUEUE_MAX_BATCH}");
        }
        let min_request_value = amount(
            "min_request_value",
            &self.min_request_value,
            defaults.min_request_value,
        )?;
        let max_request_value = amount(
            "max_request_value",
            &self.max_request_value,
            defaults.max_request_value,
        )?;
        if min_request_value > max_request_value {
            bail!("min_request_value is above max_request_value: the withdrawal queue refuses it");
        }
        let config = Config {
            deployer,
            admin: address("admin", &self.admin, defaults.admin)?,
            treasury: address("treasury", &self.treasury, defaults.treasury)?,
            slash_recipient: address(
                "slash_recipient",
                &self.slash_recipient,
                defaults.slash_recipient,
            )?,
            unbonding_delay: self.unbonding_delay.unwrap_or(defaults.unbonding_delay),
            fee_bps: U256::from(fee_bps),
            pauser: address("roles.pauser", &roles.pauser, deployer)?,
            asset_manager: address("roles.asset_manager", &roles.asset_manager, deployer)?,
            rewards_reporter: address("roles.rewards_reporter", &roles.rewards_reporter, deployer)?,
            delegation_manager: address(
                "roles.delegation_manager",
                &roles.delegation_manager,
                deployer,
            )?,
            operator_manager: address("roles.operator_manager", &roles.operator_manager, deployer)?,
            withdrawal_delay: self.withdrawal_delay.unwrap_or(defaults.withdrawal_delay),
            max_reward_bps,
            min_report_interval: self
                .min_report_interval
                .unwrap_or(defaults.min_report_interval),
            min_deposit: amount("min_deposit", &self.min_deposit, defaults.min_deposit)?,
            total_cap: amount("total_cap", &self.total_cap, defaults.total_cap)?,
            min_request_value,
            max_request_value,
            batch_cap,
            allow_unsafe_zero_delays: self
                .allow_unsafe_zero_delays
                .unwrap_or(defaults.allow_unsafe_zero_delays),
            lst,
            chainlink_assets,
            operators,
            cache_programs: self.cache_programs.unwrap_or(defaults.cache_programs),
        };
        // The deployer allow-lists operators itself, which takes the role.
        if !config.operators.is_empty() && config.operator_manager != deployer {
            bail!("operators are allow-listed by the deployer: roles.operator_manager must be the deployer when [[operators]] are given");
        }
        // So are the deposit limits, an asset manager's call.
        let default_deposit_limits =
            config.min_deposit == defaults.min_deposit && config.total_cap == defaults.total_cap;
        if !default_deposit_limits && config.asset_manager != deployer {
            bail!("min_deposit and total_cap are set by the deployer: roles.asset_manager must be the deployer when they are given");
        }
        Ok(config)
    }

    /// `config` written out in full, as the manifest records it.
    pub fn recorded(config: &Config) -> Self {
        let address = |a: Address| Some(a.to_string());
        Self {
            admin: address(config.admin),
            treasury: address(config.treasury),
            slash_recipient: address(config.slash_recipient),
            unbonding_delay: Some(config.unbonding_delay),
            withdrawal_delay: Some(config.withdrawal_delay),
            fee_bps: Some(config.fee_bps.saturating_to()),
            max_reward_bps: Some(config.max_reward_bps.saturating_to()),
            min_report_interval: Some(config.min_report_interval),
            min_deposit: Some(show_amount(config.min_deposit)),
            total_cap: Some(show_amount(config.total_cap)),
            min_request_value: Some(show_amount(config.min_request_value)),
            max_request_value: Some(show_amount(config.max_request_value)),
            batch_cap: Some(config.batch_cap),
            allow_unsafe_zero_delays: Some(config.allow_unsafe_zero_delays),
            cache_programs: Some(config.cache_programs),
            roles: RolesFile {
                pauser: address(config.pauser),
                asset_manager: address(config.asset_manager),
                rewards_reporter: address(config.rewards_reporter),
                delegation_manager: address(config.delegation_manager),
                operator_manager: address(config.operator_manager),
            },
            lst: match &config.lst {
                None => LstFile {
                    enabled: Some(false),
                    ..LstFile::default()
                },
                Some(lst) => LstFile {
                    enabled: Some(true),
                    name: Some(lst.name.clone()),
                    symbol: Some(lst.symbol.clone()),
                    rate: Some(show_amount(lst.rate)),
                    deposit_cap: Some(show_amount(lst.deposit_cap)),
                    max_staleness: Some(lst.max_staleness),
                    max_change_bps: Some(lst.max_change_bps.saturating_to()),
                },
            },
            chainlink_assets: config
                .chainlink_assets
                .iter()
                .map(ChainlinkAssetFile::recorded)
                .collect(),
            operators: config
                .operators
                .iter()
                .map(|o| OperatorFile {
                    operator: o.operator.to_string(),
                    slasher: o.slasher.to_string(),
                    cap: show_amount(o.cap),
                    metadata_uri: o.metadata_uri.clone(),
                })
                .collect(),
        }
    }
}

/// An address, or `deployer`.
fn parse_address(value: &str, deployer: Address) -> Result<Address> {
    if value == "deployer" {
        return Ok(deployer);
    }
    value
        .parse()
        .with_context(|| format!("`{value}` is not an address (0x + 40 hex digits, or `deployer`)"))
}

/// Decimal ETH (18 decimals) or `max`.
fn parse_amount(value: &str) -> Result<U256> {
    if value == "max" {
        return Ok(U256::MAX);
    }
    parse_ether(value).with_context(|| format!("`{value}` is not an amount (decimal ETH or `max`)"))
}

fn amount(field: &str, value: &Option<String>, default: U256) -> Result<U256> {
    match value {
        Some(value) => parse_amount(value).with_context(|| field.to_string()),
        None => Ok(default),
    }
}

/// A decimal number in units of 10^-decimals.
fn parse_units(value: &str, decimals: u8) -> Result<U256> {
    let units = alloy_primitives::utils::parse_units(value, decimals)
        .with_context(|| format!("`{value}` is not a decimal number"))?;
    Ok(units.get_absolute())
}

/// Units of 10^-decimals as [`parse_units`] reads them.
fn show_units(value: U256, decimals: u8) -> String {
    let text = alloy_primitives::utils::format_units(value, decimals).unwrap_or_default();
    match text.split_once('.') {
        Some((whole, fraction)) => match fraction.trim_end_matches('0') {
            "" => whole.to_string(),
            fraction => format!("{whole}.{fraction}"),
        },
        None => text,
    }
}

/// An amount as [`parse_amount`] reads it, without trailing zeros.
fn show_amount(value: U256) -> String {
    if value == U256::MAX {
        return "max".into();
    }
    let ether = format_ether(value);
    match ether.split_once('.') {
        Some((whole, fraction)) => match fraction.trim_end_matches('0') {
            "" => whole.to_string(),
            fraction => format!("{whole}.{fraction}"),
        },
        None => ether,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const DEPLOYER: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

    fn example(name: &str) -> ConfigFile {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("config")
            .join(name);
        ConfigFile::load(&path).unwrap()
    }

    #[test]
    fn an_empty_file_is_the_devnet_default() {
        let config = ConfigFile::parse("").unwrap().resolve(DEPLOYER).unwrap();
        assert_eq!(
            format!("{config:?}"),
            format!("{:?}", Config::devnet(DEPLOYER))
        );
    }

    #[test]
    fn the_devnet_file_spells_out_the_defaults() {
        let config = example("devnet.toml").resolve(DEPLOYER).unwrap();
        assert_eq!(
            format!("{config:?}"),
            format!("{:?}", Config::devnet(DEPLOYER))
        );
    }

    #[test]
    fn the_devnet_chainlink_file_lists_the_mock_priced_asset() {
        let config = example("devnet-chainlink.toml").resolve(DEPLOYER).unwrap();
        assert_eq!(
            format!("{config:?}"),
            format!("{:?}", Config::devnet_with_chainlink(DEPLOYER))
        );
        let recorded = ConfigFile::recorded(&config);
        let json = serde_json::to_string(&recorded).unwrap();
        let back: ConfigFile = serde_json::from_str(&json).unwrap();
        assert_eq!(
            format!("{:?}", back.resolve(DEPLOYER).unwrap()),
            format!("{config:?}")
        );
    }

    #[test]
    fn a_chainlink_asset_on_a_real_feed_resolves() {
        let config = ConfigFile::parse(
            "[[chainlink_assets]]\nsymbol = \"weETH\"\n\
             token = \"0x35751007a407ca6FEFfE80b3cB397736D2cf4dbe\"\n\
             feed = \"0x20bAe7e1De9c596f5F7615aeaa1342Ba99294e12\"\n\
             sequencer_feed = \"0xFdB631F5EE196F0ed6FAa767959853A9F217697D\"\n\
             grace_period = 3600\ndeposit_cap = \"1000\"\nmax_staleness = 90000\nmax_change_bps = 100",
        )
        .unwrap()
        .resolve(DEPLOYER)
        .unwrap();
        let asset = &config.chainlink_assets[0];
        assert!(matches!(asset.feed, FeedSource::At(_)));
        assert!(matches!(asset.sequencer_feed, Some(FeedSource::At(_))));
        assert_eq!(asset.deposit_cap, parse_ether("1000").unwrap());
        let bad = ConfigFile::parse(
            "[[chainlink_assets]]\nsymbol = \"x\"\ntoken = \"mock\"\nfeed = \"mock\"\n\
             sequencer_feed = \"none\"\ngrace_period = 0\ndeposit_cap = \"max\"\n\
             max_staleness = 1\nmax_change_bps = 1",
        )
        .unwrap()
        .resolve(DEPLOYER)
        .unwrap_err();
        assert!(format!("{bad:#}").contains("mock_answer"), "{bad:#}");
    }

    #[test]
    fn the_testnet_example_resolves() {
        let config = example("testnet.toml").resolve(DEPLOYER).unwrap();
        assert_eq!(config.fee_bps, U256::from(1_000));
        assert_eq!(config.withdrawal_delay, 86_400);
        assert_eq!(config.min_report_interval, 86_400);
        assert_eq!(config.treasury, DEPLOYER);
        assert!(!config.cache_programs);
    }

    #[test]
    fn every_parameter_is_read_from_the_file() {
        let config = ConfigFile::parse(
            "max_reward_bps = 50\nmin_report_interval = 43200\nmin_deposit = \"0.01\"\n\
             total_cap = \"5000\"\nmin_request_value = \"0.001\"\nmax_request_value = \"500\"\n\
             batch_cap = 40\nallow_unsafe_zero_delays = true",
        )
        .unwrap()
        .resolve(DEPLOYER)
        .unwrap();
        assert_eq!(config.max_reward_bps, U256::from(50));
        assert_eq!(config.min_report_interval, 43_200);
        assert_eq!(config.min_deposit, parse_ether("0.01").unwrap());
        assert_eq!(config.total_cap, parse_ether("5000").unwrap());
        assert_eq!(config.min_request_value, parse_ether("0.001").unwrap());
        assert_eq!(config.max_request_value, parse_ether("500").unwrap());
        assert_eq!(config.batch_cap, 40);
        assert!(config.allow_unsafe_zero_delays);
    }

    #[test]
    fn out_of_range_parameters_are_named() {
        for (toml, expected) in [
            ("max_reward_bps = 1001", "max_reward_bps"),
            ("batch_cap = 0", "batch_cap"),
            ("batch_cap = 101", "batch_cap"),
            (
                "min_request_value = \"2\"\nmax_request_value = \"1\"",
                "min_request_value",
            ),
            ("total_cap = \"ten\"", "total_cap"),
            (
                "min_deposit = \"1\"\nroles.asset_manager = \"0x0000000000000000000000000000000000000001\"",
                "roles.asset_manager",
            ),
        ] {
            let err = ConfigFile::parse(toml)
                .unwrap()
                .resolve(DEPLOYER)
                .unwrap_err();
            assert!(format!("{err:#}").contains(expected), "{toml}: {err:#}");
        }
    }

    #[test]
    fn a_recorded_config_reads_back_the_same() {
        let mut config = Config::devnet(DEPLOYER);
        config.fee_bps = U256::from(250);
        config.min_report_interval = 3_600;
        config.max_reward_bps = U256::from(25);
        config.min_deposit = parse_ether("0.5").unwrap();
        config.max_request_value = parse_ether("100").unwrap();
        config.batch_cap = 10;
        config.operators.push(OperatorConfig {
            operator: Address::with_last_byte(1),
            slasher: Address::with_last_byte(2),
            cap: parse_ether("1000.5").unwrap(),
            metadata_uri: "https://operators.example/1.json".into(),
        });
        let recorded = ConfigFile::recorded(&config);
        // As the manifest keeps it.
        let json = serde_json::to_string(&recorded).unwrap();
        let back: ConfigFile = serde_json::from_str(&json).unwrap();
        let back = back.resolve(DEPLOYER).unwrap();
        assert_eq!(format!("{back:?}"), format!("{config:?}"));
    }

    #[test]
    fn mistakes_are_named() {
        let typo = ConfigFile::parse("fee_bsp = 10").unwrap_err();
        assert!(format!("{typo:#}").contains("fee_bsp"), "{typo:#}");
        let fee = ConfigFile::parse("fee_bps = 5000")
            .unwrap()
            .resolve(DEPLOYER)
            .unwrap_err();
        assert!(fee.to_string().contains("at most 2000"), "{fee}");
        let bad = ConfigFile::parse("treasury = \"0x12\"")
            .unwrap()
            .resolve(DEPLOYER)
            .unwrap_err();
        assert!(format!("{bad:#}").contains("treasury"), "{bad:#}");
        let operators_without_the_role = ConfigFile::parse(
            "roles.operator_manager = \"0x0000000000000000000000000000000000000001\"\n\
             [[operators]]\noperator = \"0x0000000000000000000000000000000000000002\"\n\
             slasher = \"deployer\"\ncap = \"10\"\nmetadata_uri = \"x\"",
        )
        .unwrap()
        .resolve(DEPLOYER);
        assert!(operators_without_the_role.is_err());
    }
}
