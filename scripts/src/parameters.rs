//! Every parameter the protocol's contracts have, as a deployment sets it,
//! and the check that keeps a public deployment from going live without
//! the delays that protect its holders.
//!
//! A zero withdrawal delay lets anyone who sees a slash coming (a pending
//! `slash` transaction, an operator's public misbehaviour) request and
//! finalize in one block and leave the loss to the others; a zero
//! unbonding delay lets stake leave an operator before its slash lands; a
//! zero report interval lets a rewards reporter (or its stolen key) stack
//! reports, each within the per-report bound, into one large move of the
//! rate. Devnets want all three at zero to run a lifecycle quickly; any
//! other chain is refused them unless the deployment says it means it.

use alloy_primitives::{utils::format_ether, U256};
use anyhow::{bail, Result};

use crate::protocol::Config;

/// Chain ids of development chains, where zero delays are allowed: the
/// project's embedded devnode and nitro-devnode (both 412346).
pub const DEV_CHAIN_IDS: &[u64] = &[412_346];

/// The delays a non-dev deployment must not leave at zero, with their
/// configuration field names, that `config` leaves at zero.
pub fn zero_delays(config: &Config) -> Vec<&'static str> {
    let mut zero = Vec::new();
    if config.withdrawal_delay == 0 {
        zero.push("withdrawal_delay");
    }
    if config.unbonding_delay == 0 {
        zero.push("unbonding_delay");
    }
    if config.min_report_interval == 0 {
        zero.push("min_report_interval");
    }
    zero
}

/// Refuses a deployment of `config` on `chain_id` that is not a dev chain
/// while a delay is zero, unless forced by the configuration's
/// `allow_unsafe_zero_delays` or the command line (`forced`).
pub fn check_delays(config: &Config, chain_id: u64, forced: bool) -> Result<()> {
    let zero = zero_delays(config);
    if zero.is_empty() || DEV_CHAIN_IDS.contains(&chain_id) {
        return Ok(());
    }
    if forced || config.allow_unsafe_zero_delays {
        eprintln!(
            "warning: deploying to chain {chain_id} with {} = 0 (forced)",
            zero.join(" = 0, ")
        );
        return Ok(());
    }
    bail!(
        "refusing to deploy to chain {chain_id}, which is not a devnet, with {} = 0: \
         a zero withdrawal or unbonding delay lets a holder who sees a slash coming leave before it lands, \
         and a zero report interval lets reward reports be stacked past the per-report bound. \
         Set them in the configuration (scripts/config/testnet.toml has production values), \
         or, if this is really meant, set allow_unsafe_zero_delays = true or pass --allow-unsafe-zero-delays",
        zero.join(" = 0, ")
    )
}

/// One parameter: its configuration field, value, and the contract call
/// that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// The configuration field.
    pub field: String,
    /// Its value, as the configuration spells it.
    pub value: String,
    /// Where it is set on chain.
    pub applied_by: &'static str,
}

/// Every parameter `config` sets, in the order of the contracts.
pub fn parameters(config: &Config) -> Vec<Parameter> {
    let seconds = |s: u64| format!("{s} s");
    let bps = |b: U256| format!("{b} bps");
    let mut list = vec![
        ("fee_bps", bps(config.fee_bps), "Vault.setFee"),
        (
            "max_reward_bps",
            bps(config.max_reward_bps),
            "Vault.setRewardLimits",
        ),
        (
            "min_report_interval",
            seconds(config.min_report_interval),
            "Vault.setRewardLimits",
        ),
        (
            "min_deposit",
            amount(config.min_deposit),
            "Vault.setDepositLimits",
        ),
        (
            "total_cap",
            amount(config.total_cap),
            "Vault.setDepositLimits",
        ),
        ("treasury", config.treasury.to_string(), "Vault constructor"),
        (
            "unbonding_delay",
            seconds(config.unbonding_delay),
            "Delegation constructor",
        ),
        (
            "slash_recipient",
            config.slash_recipient.to_string(),
            "Delegation constructor",
        ),
        (
            "withdrawal_delay",
            seconds(config.withdrawal_delay),
            "WithdrawalQueue constructor",
        ),
        (
            "min_request_value",
            amount(config.min_request_value),
            "WithdrawalQueue.setRequestLimits",
        ),
        (
            "max_request_value",
            amount(config.max_request_value),
            "WithdrawalQueue.setRequestLimits",
        ),
        (
            "batch_cap",
            config.batch_cap.to_string(),
            "WithdrawalQueue.setBatchCap",
        ),
    ]
    .into_iter()
    .map(|(field, value, applied_by)| Parameter {
        field: field.to_string(),
        value,
        applied_by,
    })
    .collect::<Vec<_>>();
    if let Some(lst) = &config.lst {
        for (field, value, applied_by) in [
            ("lst.rate", amount(lst.rate), "RateSource constructor"),
            (
                "lst.deposit_cap",
                amount(lst.deposit_cap),
                "AssetRegistry.addAsset",
            ),
            (
                "lst.max_staleness",
                seconds(lst.max_staleness),
                "AssetRegistry.addAsset",
            ),
            (
                "lst.max_change_bps",
                bps(lst.max_change_bps),
                "AssetRegistry.addAsset",
            ),
        ] {
            list.push(Parameter {
                field: field.into(),
                value,
                applied_by,
            });
        }
    }
    for (i, operator) in config.operators.iter().enumerate() {
        list.push(Parameter {
            field: format!("operators[{i}].cap"),
            value: amount(operator.cap),
            applied_by: "OperatorRegistry.addOperator",
        });
    }
    list
}

/// The parameters as a table, with the delays a public chain would refuse.
pub fn report(config: &Config) -> String {
    let mut out = format!("{:<24} {:<46} set by\n", "parameter", "value");
    for p in parameters(config) {
        out += &format!("{:<24} {:<46} {}\n", p.field, p.value, p.applied_by);
    }
    let zero = zero_delays(config);
    if !zero.is_empty() {
        out += &format!(
            "zero delays ({}): allowed on a devnet only{}\n",
            zero.join(", "),
            if config.allow_unsafe_zero_delays {
                "; allow_unsafe_zero_delays = true forces them elsewhere"
            } else {
                ""
            }
        );
    }
    out
}

/// An amount in ETH, or `max` for no limit.
fn amount(value: U256) -> String {
    if value == U256::MAX {
        "max (no limit)".into()
    } else {
        format!("{} ETH", format_ether(value))
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;
    use crate::config_file::ConfigFile;

    const DEPLOYER: alloy_primitives::Address =
        address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
    /// Arbitrum Sepolia.
    const TESTNET: u64 = 421_614;
    const DEVNODE: u64 = 412_346;

    fn resolved(toml: &str) -> Config {
        ConfigFile::parse(toml).unwrap().resolve(DEPLOYER).unwrap()
    }

    /// Finding 6: a deployment to a public chain with the devnet's zero
    /// delays must be refused, naming each zero delay, unless forced.
    #[test]
    fn finding_6_zero_delays_are_refused_off_devnets() {
        let devnet = Config::devnet(DEPLOYER);
        let err = check_delays(&devnet, TESTNET, false)
            .unwrap_err()
            .to_string();
        for field in ["withdrawal_delay", "unbonding_delay", "min_report_interval"] {
            assert!(err.contains(field), "{err}");
        }
        assert!(err.contains("allow_unsafe_zero_delays"), "{err}");
        assert!(err.contains("--allow-unsafe-zero-delays"), "{err}");

        // Each delay alone is enough to refuse.
        for field in ["withdrawal_delay", "unbonding_delay", "min_report_interval"] {
            let others: String = ["withdrawal_delay", "unbonding_delay", "min_report_interval"]
                .iter()
                .filter(|f| **f != field)
                .map(|f| format!("{f} = 3600\n"))
                .collect();
            let config = resolved(&others);
            let err = check_delays(&config, TESTNET, false)
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("{field} = 0")), "{err}");
        }
    }

    #[test]
    fn zero_delays_are_allowed_on_devnets() {
        check_delays(&Config::devnet(DEPLOYER), DEVNODE, false).unwrap();
    }

    #[test]
    fn zero_delays_can_be_forced_by_the_file_or_the_command_line() {
        let forced = resolved("allow_unsafe_zero_delays = true");
        assert!(forced.allow_unsafe_zero_delays);
        check_delays(&forced, TESTNET, false).unwrap();
        check_delays(&Config::devnet(DEPLOYER), TESTNET, true).unwrap();
    }

    #[test]
    fn the_testnet_example_passes_the_check_unforced() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/testnet.toml");
        let config = ConfigFile::load(&path).unwrap().resolve(DEPLOYER).unwrap();
        assert!(zero_delays(&config).is_empty());
        assert!(!config.allow_unsafe_zero_delays);
        check_delays(&config, TESTNET, false).unwrap();
    }

    #[test]
    fn the_report_lists_every_parameter_with_its_setter() {
        let config = resolved(
            "min_report_interval = 43200\nmax_reward_bps = 50\nmin_deposit = \"0.01\"\n\
             total_cap = \"5000\"\nmin_request_value = \"0.001\"\nmax_request_value = \"500\"\n\
             batch_cap = 40",
        );
        let report = report(&config);
        for line in [
            "min_report_interval      43200 s",
            "max_reward_bps           50 bps",
            "min_deposit              0.010000000000000000 ETH",
            "total_cap                5000.000000000000000000 ETH",
            "min_request_value        0.001000000000000000 ETH",
            "max_request_value        500.000000000000000000 ETH",
            "batch_cap                40",
            "withdrawal_delay         0 s",
        ] {
            assert!(report.contains(line), "{line:?} missing from\n{report}");
        }
        assert!(report.contains("WithdrawalQueue.setBatchCap"));
        assert!(report
            .contains("zero delays (withdrawal_delay, unbonding_delay): allowed on a devnet only"));
    }
}
