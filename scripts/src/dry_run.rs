//! `--dry-run`: what a deployment would send and roughly what it would cost,
//! without sending anything.
//!
//! For each program: its compressed size, whether the manifest's copy is
//! on chain already, the gas of its deployment (`eth_estimateGas` of the
//! creation) and of its activation with the data fee. The activation is
//! estimated by calling ArbWasm's `activateProgram` through `eth_call` with
//! the program's code placed at a scratch address by a state override (as
//! `cargo stylus check` does), so nothing needs to be deployed first. An
//! endpoint that refuses state overrides gets Nitro's fixed activation
//! charge as the gas estimate and no data fee. A program over the contract
//! size limit is planned as fragments and a root (deployment gas of each,
//! activation asked with all of them at scratch addresses), or refused with
//! the reason when the chain's ArbOS version has no fragments. Constructors and wiring
//! steps need the programs on chain to be estimated, so they are counted
//! and priced at [`GAS_PER_LATER_TX`] each. When every program is on chain
//! already, each wiring step is checked as a run would check it, and only
//! those not in effect are counted.

use alloy_primitives::{keccak256, utils::format_ether, Address, U256};
use alloy_sol_types::{SolCall, SolError};
use anyhow::Result;
use serde_json::json;
use stylus_build::Deployable;

use crate::{
    abi::{IArbWasm, ARB_WASM},
    backend::Backend,
    client::request,
    fragments,
    manifest::Manifest,
    programs::{Artifacts, PROTOCOL_PACKAGES},
    protocol::{wiring, Config, Programs, WiringStep},
    resume::wiring_in_effect,
    rpc::{Fees, RpcBackend},
};

/// Gas assumed for each constructor and wiring transaction: an upper bound
/// of what they use on the devnode with the programs uncached (64k for a
/// link, 278k for the withdrawal queue's constructor; the HTTP end-to-end
/// test checks the bound). On Arbitrum the L1 data cost comes on top.
pub const GAS_PER_LATER_TX: u64 = 300_000;

/// Gas Nitro charges for an activation besides the program-dependent part.
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;

/// Value offered in the activation estimate: far above any data fee.
const PROBE_VALUE: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Where a program stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not in the manifest: it will be deployed.
    New,
    /// In the manifest, but its address has no code or other code: it will
    /// be deployed anew.
    Stale(Address),
    /// On chain at this address with the built code: it will be reused.
    Deployed(Address),
}

/// What activating a program will take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivationEstimate {
    /// Its code hash is active already.
    Active,
    /// Gas and data fee from ArbWasm.
    Estimated { gas: u64, data_fee: U256 },
    /// ArbWasm could not be asked; the gas is Nitro's fixed charge and the
    /// data fee is unknown.
    Unknown { gas: u64, reason: String },
}

/// One program of the plan.
#[derive(Clone, Debug)]
pub struct PlannedProgram {
    /// Package name.
    pub name: String,
    /// Bytes of compressed code.
    pub code_bytes: usize,
    /// Fragment contracts it is deployed as (0: one contract).
    pub fragments: usize,
    /// Where it stands.
    pub status: Status,
    /// Gas of its deployment (`None` when it is reused).
    pub deploy_gas: Option<u64>,
    /// Its activation.
    pub activation: ActivationEstimate,
    /// Whether its constructor still has to run.
    pub needs_constructor: bool,
}

/// What a deployment would do.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The programs, in deployment order.
    pub programs: Vec<PlannedProgram>,
    /// Wiring steps to send: all the configuration asks for, or, when every
    /// program is on chain, those not in effect yet.
    pub wiring_steps: usize,
    /// Wiring steps found in effect, when every program is on chain to be
    /// asked; `None` otherwise (a run skips those it then finds in effect).
    pub wiring_in_effect: Option<usize>,
    /// Fees a transaction would pay now.
    pub fees: Fees,
}

impl Plan {
    /// Estimated gas: deployments, activations, and constructors and wiring
    /// at [`GAS_PER_LATER_TX`].
    pub fn gas(&self) -> u64 {
        let programs: u64 = self
            .programs
            .iter()
            .map(|p| {
                let activation = match p.activation {
                    ActivationEstimate::Active => 0,
                    ActivationEstimate::Estimated { gas, .. }
                    | ActivationEstimate::Unknown { gas, .. } => gas,
                };
                p.deploy_gas.unwrap_or(0) + activation
            })
            .sum();
        let later =
            self.programs.iter().filter(|p| p.needs_constructor).count() + self.wiring_steps;
        programs + later as u64 * GAS_PER_LATER_TX
    }

    /// Data fees of the activations that could be estimated.
    pub fn data_fees(&self) -> U256 {
        self.programs
            .iter()
            .map(|p| match p.activation {
                ActivationEstimate::Estimated { data_fee, .. } => data_fee,
                _ => U256::ZERO,
            })
            .sum()
    }

    /// Wei at the current base fee and tip, and at the most the
    /// transactions would allow (twice the base fee), data fees included.
    pub fn cost(&self) -> (U256, U256) {
        let gas = U256::from(self.gas());
        let tip = self.fees.max_priority_fee_per_gas;
        let base = (self.fees.max_fee_per_gas - tip) / 2;
        let likely = gas * U256::from(base + tip) + self.data_fees();
        let most = gas * U256::from(self.fees.max_fee_per_gas) + self.data_fees();
        (likely, most)
    }

    /// The plan as a table with totals and how they were estimated.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{:<24} {:>10}  {:<52} {:>12} {:>14} {:>22}\n",
            "program", "code bytes", "status", "deploy gas", "activation gas", "data fee (ETH)"
        );
        for p in &self.programs {
            let status = match &p.status {
                Status::New => "new".to_string(),
                Status::Stale(address) => format!("redeploy (recorded {address} is gone)"),
                Status::Deployed(address) => format!("deployed at {address}"),
            };
            let status = match (p.fragments, &p.status) {
                (0, _) | (_, Status::Deployed(_)) => status,
                (count, _) => format!("{status}, as {count} fragments + root"),
            };
            let deploy = p.deploy_gas.map_or("-".into(), |g| g.to_string());
            let (activation, fee) = match &p.activation {
                ActivationEstimate::Active => ("active".to_string(), "-".to_string()),
                ActivationEstimate::Estimated { gas, data_fee } => {
                    (gas.to_string(), format_ether(*data_fee))
                }
                ActivationEstimate::Unknown { gas, .. } => (format!("~{gas}"), "unknown".into()),
            };
            out += &format!(
                "{:<24} {:>10}  {:<52} {:>12} {:>14} {:>22}\n",
                p.name, p.code_bytes, status, deploy, activation, fee
            );
        }
        for p in &self.programs {
            if let ActivationEstimate::Unknown { reason, .. } = &p.activation {
                out += &format!("  {}: activation not estimated ({reason}); {ACTIVATION_FIXED_GAS} gas is Nitro's fixed charge, the data fee is extra\n", p.name);
            }
        }
        let constructors = self.programs.iter().filter(|p| p.needs_constructor).count();
        let (likely, most) = self.cost();
        let wiring = match self.wiring_in_effect {
            Some(done) => format!("{} to send, {done} in effect already", self.wiring_steps),
            None => format!(
                "{} (those found in effect once the programs are on chain are skipped)",
                self.wiring_steps
            ),
        };
        out += &format!(
            "constructors to run: {constructors}; wiring steps: {wiring}; each estimated at {GAS_PER_LATER_TX} gas\n"
        );
        out += &format!(
            "estimated gas: {}; cost: {} ETH at the current fees, at most {} ETH (data fees included; the activation value is sent with a 20% margin that ArbWasm refunds)\n",
            self.gas(),
            format_ether(likely),
            format_ether(most)
        );
        out
    }
}

/// The programs `config` deploys, as (name, package) in deployment order:
/// a package deployed more than once is named `package:<instance>`.
pub fn packages(config: &Config) -> Vec<(String, &'static str)> {
    let mut programs = Vec::new();
    for &package in PROTOCOL_PACKAGES {
        match package {
            "lrt-rate-source" | "mock-lst" if config.lst.is_none() => {}
            // Only as the Chainlink assets ask, after the registry.
            "lrt-chainlink-rate-source" | "mock-aggregator" => {}
            _ => programs.push((package.to_string(), package)),
        }
        if package == "mock-lst" {
            programs.extend(crate::protocol::chainlink_programs(config));
        }
    }
    programs
}

/// The wiring transactions `config` asks for, with the programs at the
/// addresses `deployed` gives (by package; unknown ones at zero).
pub fn wiring_of(config: &Config, deployed: impl Fn(&str) -> Option<Address>) -> Vec<WiringStep> {
    let at = |package: &str| deployed(package).unwrap_or(Address::ZERO);
    let programs = Programs {
        token: at("lrt-token"),
        vault: at("lrt-vault"),
        asset_registry: at("lrt-asset-registry"),
        operator_registry: at("lrt-operator-registry"),
        delegation: at("lrt-delegation"),
        withdrawal_queue: at("lrt-withdrawal-queue"),
        lst: config
            .lst
            .as_ref()
            .map(|_| (at("mock-lst"), at("lrt-rate-source"))),
        chainlink: config
            .chainlink_assets
            .iter()
            .map(|a| {
                let token = a
                    .token
                    .unwrap_or_else(|| at(&format!("mock-lst:{}", a.symbol)));
                (
                    token,
                    at(&format!("lrt-chainlink-rate-source:{}", a.symbol)),
                )
            })
            .collect(),
        administered: packages(config)
            .into_iter()
            .filter(|(name, _)| crate::protocol::has_admin(name))
            .map(|(name, _)| {
                let address = at(&name);
                (name, address)
            })
            .collect(),
    };
    wiring(config, &programs)
}

/// Plans the deployment of `config` on `backend`, against `manifest`.
pub fn plan(
    backend: &mut RpcBackend,
    artifacts: &Artifacts,
    config: &Config,
    manifest: Option<&Manifest>,
) -> Result<Plan> {
    let fees = backend.fees()?;
    let mut programs = Vec::new();
    // Asked of ArbSys once, when a program needs fragments.
    let mut arbos_version = None;
    for (name, package) in packages(config) {
        let program = artifacts.get(package)?;
        let recorded = manifest.and_then(|m| m.programs.get(&name));
        let status = match recorded {
            None => Status::New,
            Some(record) => {
                let code_hash = keccak256(fragments::program_code(program, &record.fragments));
                let code = backend.code(record.address)?;
                if !code.is_empty() && keccak256(&code) == code_hash {
                    Status::Deployed(record.address)
                } else if code.is_empty() && record.deploy_tx.is_none() {
                    // Sent by an earlier run and not mined (yet).
                    Status::New
                } else {
                    Status::Stale(record.address)
                }
            }
        };
        let planned = match &status {
            Status::Deployed(address) => PlannedProgram {
                name: name.clone(),
                code_bytes: program.code.len(),
                fragments: fragments::fragment_count(program),
                status: status.clone(),
                deploy_gas: None,
                activation: activation_of_deployed(backend, config.deployer, *address)?,
                needs_constructor: recorded.is_some_and(|r| r.constructor_tx.is_none()),
            },
            Status::New | Status::Stale(_) => PlannedProgram {
                name: name.clone(),
                code_bytes: program.code.len(),
                fragments: checked_fragment_count(backend, &mut arbos_version, program)?,
                status: status.clone(),
                deploy_gas: Some(deployment_gas(backend, config.deployer, program)?),
                activation: activation_of_code(backend, config.deployer, program)?,
                needs_constructor: true,
            },
        };
        programs.push(planned);
    }
    let all_on_chain = programs
        .iter()
        .all(|p| matches!(p.status, Status::Deployed(_)));
    let deployed = |package: &str| {
        programs
            .iter()
            .find(|p| p.name == package)
            .and_then(|p| match p.status {
                Status::Deployed(address) => Some(address),
                _ => None,
            })
    };
    let steps = wiring_of(config, deployed);
    let (wiring_steps, wiring_in_effect) = if all_on_chain {
        let mut to_send = 0;
        for step in &steps {
            if !wiring_in_effect(backend, step.to, &step.data)? {
                to_send += 1;
            }
        }
        (to_send, Some(steps.len() - to_send))
    } else {
        (steps.len(), None)
    };
    Ok(Plan {
        programs,
        wiring_steps,
        wiring_in_effect,
        fees,
    })
}

/// How many fragments `program` needs, after checking that the chain (its
/// ArbOS version read once into `arbos_version`) can take them.
fn checked_fragment_count(
    backend: &mut RpcBackend,
    arbos_version: &mut Option<u64>,
    program: &Deployable,
) -> Result<usize> {
    let count = fragments::fragment_count(program);
    if count > 0 {
        let version = match *arbos_version {
            Some(version) => version,
            None => *arbos_version.insert(fragments::arbos_version(backend)?),
        };
        fragments::check_deployable(program, version)?;
    }
    Ok(count)
}

/// Fragment addresses for estimates: scratch accounts no one deploys to.
fn scratch_fragments(count: usize) -> Vec<Address> {
    (0..count)
        .map(|i| Address::from_slice(&keccak256(format!("lrETH dry run fragment {i}"))[12..]))
        .collect()
}

fn deployment_gas(backend: &mut RpcBackend, from: Address, program: &Deployable) -> Result<u64> {
    let mut initcodes = Vec::new();
    let fragment_codes = fragments::fragment_codes(program).unwrap_or_default();
    for code in &fragment_codes {
        initcodes.push(stylus_build::deploy_initcode(code));
    }
    let root = fragments::program_code(program, &scratch_fragments(fragment_codes.len()));
    initcodes.push(stylus_build::creator_bound_initcode(&root));
    let mut gas = 0;
    for initcode in initcodes {
        let create = request(from, None, U256::ZERO, initcode);
        gas += backend.estimate_gas(&create, None)?.map_err(|e| {
            anyhow::anyhow!(e).context(format!("estimating the deployment of `{}`", program.name))
        })?;
    }
    Ok(gas)
}

/// A program on chain: active already, or what activating it takes.
fn activation_of_deployed(
    backend: &mut RpcBackend,
    from: Address,
    address: Address,
) -> Result<ActivationEstimate> {
    let call = IArbWasm::activateProgramCall { program: address };
    let probe = request(from, Some(ARB_WASM), PROBE_VALUE, call.abi_encode());
    Ok(match backend.call(&probe)? {
        crate::Called::Success { output, gas_used } => {
            let answer = IArbWasm::activateProgramCall::abi_decode_returns(&output)?;
            ActivationEstimate::Estimated {
                gas: gas_used,
                data_fee: answer.dataFee,
            }
        }
        crate::Called::Revert(data) if IArbWasm::ProgramUpToDate::abi_decode(&data).is_ok() => {
            ActivationEstimate::Active
        }
        other => ActivationEstimate::Unknown {
            gas: ACTIVATION_FIXED_GAS,
            reason: format!("activateProgram answered {other:?}"),
        },
    })
}

/// A program not yet on chain: its activation asked of ArbWasm with its
/// code at a scratch address.
fn activation_of_code(
    backend: &mut RpcBackend,
    from: Address,
    program: &Deployable,
) -> Result<ActivationEstimate> {
    let scratch = Address::from_slice(&keccak256(b"lrETH deploy dry run")[12..]);
    let fragment_codes = fragments::fragment_codes(program).unwrap_or_default();
    let fragment_addresses = scratch_fragments(fragment_codes.len());
    let code = fragments::program_code(program, &fragment_addresses);
    let mut overrides = json!({
        scratch.to_string(): { "code": alloy_primitives::Bytes::from(code) },
        from.to_string(): { "balance": PROBE_VALUE * U256::from(2) },
    });
    for (address, code) in fragment_addresses.iter().zip(fragment_codes) {
        overrides[address.to_string()] = json!({ "code": alloy_primitives::Bytes::from(code) });
    }
    let call = IArbWasm::activateProgramCall { program: scratch };
    let probe = request(from, Some(ARB_WASM), PROBE_VALUE, call.abi_encode());
    let unknown = |reason: String| ActivationEstimate::Unknown {
        gas: ACTIVATION_FIXED_GAS,
        reason,
    };
    let output = match backend.call_with_overrides(&probe, Some(&overrides))? {
        Ok(output) => output,
        Err(error) => return Ok(unknown(error.to_string())),
    };
    let Ok(answer) = IArbWasm::activateProgramCall::abi_decode_returns(&output) else {
        return Ok(unknown("undecodable answer".into()));
    };
    Ok(match backend.estimate_gas(&probe, Some(&overrides))? {
        Ok(gas) => ActivationEstimate::Estimated {
            gas,
            data_fee: answer.dataFee,
        },
        Err(error) => unknown(error.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_shows_a_program_deployed_as_fragments() {
        let planned = |name: &str, fragments| PlannedProgram {
            name: name.into(),
            code_bytes: 40_222,
            fragments,
            status: Status::New,
            deploy_gas: Some(8_890_698),
            activation: ActivationEstimate::Active,
            needs_constructor: true,
        };
        let plan = Plan {
            programs: vec![planned("big", 2), planned("small", 0)],
            wiring_steps: 0,
            wiring_in_effect: None,
            fees: Fees {
                max_fee_per_gas: 200,
                max_priority_fee_per_gas: 0,
            },
        };
        let report = plan.report();
        let line = |name: &str| {
            report
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .to_string()
        };
        assert!(
            line("big").contains("new, as 2 fragments + root"),
            "{report}"
        );
        assert!(!line("small").contains("fragments"), "{report}");
    }
}
