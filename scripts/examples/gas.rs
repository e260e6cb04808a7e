//! Prints the gas of the protocol's user operations on the in-process
//! devnode, with programs uncached and cached, and side by side the
//! operations measured at a count of 1 and at a large count: the ETH deposit
//! with 1 and 50 operators and with 1 and 16 assets listed, finalization and
//! a withdrawal request with 1 and 50 requests pending (they must be equal:
//! no entry point loops over operators, assets or requests).
//!
//! ```sh
//! cargo run --release -p deploy --example gas              # print the figures
//! cargo run --release -p deploy --example gas -- --write   # and rewrite snapshots/gas.json
//! cargo run --release -p deploy --example gas -- --check   # fail if snapshots/gas.json is stale
//! cargo run --release -p deploy --example gas -- --profile # and where each operation's gas went
//! ```
//!
//! `--write` also regenerates the README's "where the gas goes" table from
//! the devnode's accounting ([`deploy::gas_profile`]), and `--check` fails
//! when that table is stale too.
//!
//! Gas on the devnode is deterministic for the same programs, so CI checks
//! the committed snapshot: a change that moves gas shows in its diff.
//!
//! What each operation's state is: `deploy::gas`'s documentation.

use std::{fs, path::PathBuf, process::ExitCode};

use anyhow::{bail, Context, Result};
use deploy::{deploy_protocol, gas, gas_profile, Artifacts, Config};
use devnode::{Devnode, DevnodeConfig};

/// The operations the README's "where the gas goes" table shows.
const README_PROFILE: &[&str] = &[
    "deposit_eth_new_holder",
    "deposit_eth_existing_holder",
    "deposit_lst",
    "request_redeem",
    "request_redeem_1_pending",
    "finalize_one",
    "finalize_one_1_pending",
    "claim",
    "cancel",
];

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = args.iter().any(|a| a == "--profile");
    let modes: Vec<&String> = args.iter().filter(|a| *a != "--profile").collect();
    let mode = match modes.as_slice() {
        [] => String::new(),
        [mode] if ["--write", "--check"].contains(&mode.as_str()) => (*mode).clone(),
        _ => bail!("usage: gas [--write | --check] [--profile]"),
    };
    eprintln!("building the contracts ...");
    let artifacts = Artifacts::build_protocol()?;
    let mut node = Devnode::new(DevnodeConfig::default());
    let config = Config::devnet(node.dev_account());
    eprintln!("deploying on the in-process devnode ...");
    let deployment = deploy_protocol(&mut node, &artifacts, &config)?;
    eprintln!(
        "deployed {} programs in {} gas; measuring ...",
        deployment.programs.len(),
        deployment.total_gas()
    );
    println!(
        "{:<24} {:>10} {:>12} {:>14} {:>20} {:>12}",
        "program", "code bytes", "deploy gas", "activate gas", "data fee (wei)", "constructor"
    );
    for p in &deployment.programs {
        let activation_gas = p.activation.tx.as_ref().map_or(0, |tx| tx.gas_used);
        println!(
            "{:<24} {:>10} {:>12} {:>14} {:>20} {:>12}",
            p.name,
            p.code_bytes,
            p.deploy_tx.gas_used,
            activation_gas,
            p.activation.data_fee,
            p.constructor_tx.gas_used
        );
    }
    println!();
    let report = gas::measure(&mut node, &deployment)?;

    println!("{}", report.table());
    if profile {
        println!("where the gas went (cached programs):");
        println!("{}", gas_profile::table(&report.profiles));
    }
    // Each pair is one operation in the same state but for a count; equal
    // figures mean its gas does not grow with that count.
    let pairs = [
        (
            "deposit_eth, operators",
            "deposit_eth_1_operator",
            "deposit_eth_50_operators",
            gas::MANY_OPERATORS,
        ),
        (
            "deposit_eth, assets listed",
            "deposit_eth_1_asset",
            "deposit_eth_16_assets",
            gas::MANY_ASSETS,
        ),
        (
            "finalize_one, pending behind",
            "finalize_one_1_pending",
            "finalize_one_50_pending",
            gas::MANY_PENDING,
        ),
        (
            "request_redeem, pending",
            "request_redeem_1_pending",
            "request_redeem_50_pending",
            gas::MANY_PENDING,
        ),
    ];
    println!(
        "{:<30} {:<9} {:>10} {:>10}",
        "operation, count", "programs", "at 1", "at many"
    );
    for (label, one, many, count) in pairs {
        for (programs, figures) in [("uncached", &report.uncached), ("cached", &report.cached)] {
            let at_one = figures.get(one).unwrap_or_default();
            let at_many = figures.get(many).unwrap_or_default();
            let verdict = if at_one == at_many {
                "equal"
            } else {
                "DIFFERENT"
            };
            println!(
                "{label:<30} {programs:<9} {at_one:>10} {at_many:>10} (at {count})   {verdict}"
            );
        }
    }

    if !proxy_column(&artifacts, &mode)? {
        return Ok(ExitCode::FAILURE);
    }

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let snapshot = root.join("snapshots/gas.json");
    let current = serde_json::to_string_pretty(&report.to_json())? + "\n";
    let readme_path = root.join("README.md");
    let readme = fs::read_to_string(&readme_path)
        .with_context(|| format!("reading {}", readme_path.display()))?;
    let table = gas_profile::readme_table(&report.profiles, README_PROFILE);
    let readme_current = gas_profile::splice_readme(&readme, &table)
        .with_context(|| format!("{} lacks the gas profile's markers", readme_path.display()))?;
    match mode.as_str() {
        "--write" => {
            fs::write(&snapshot, &current)
                .with_context(|| format!("writing {}", snapshot.display()))?;
            eprintln!("wrote {}", snapshot.display());
            fs::write(&readme_path, &readme_current)
                .with_context(|| format!("writing {}", readme_path.display()))?;
            eprintln!("wrote the gas profile in {}", readme_path.display());
        }
        "--check" => {
            let committed = fs::read_to_string(&snapshot).unwrap_or_default();
            if committed != current {
                eprintln!(
                    "{} is stale: run `cargo run --release -p deploy --example gas -- --write`\n{current}",
                    snapshot.display()
                );
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("{} is current", snapshot.display());
            if readme != readme_current {
                eprintln!(
                    "the gas profile in {} is stale: run `cargo run --release -p deploy --example gas -- --write`\n{table}",
                    readme_path.display()
                );
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("the gas profile in {} is current", readme_path.display());
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// The proxy column: lrETH's operations immutable and behind the ERC-1967
/// proxy of an upgradeable deployment, printed and kept in
/// `snapshots/gas-proxy.json` (written and checked like `gas.json`).
fn proxy_column(artifacts: &Artifacts, mode: &str) -> Result<bool> {
    let figures = deploy::gas_proxy::measure_proxy_overhead(artifacts)?;
    println!();
    print!("{}", deploy::gas_proxy::table(&figures));
    let snapshot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../snapshots/gas-proxy.json");
    let current = serde_json::to_string_pretty(&deploy::gas_proxy::to_json(&figures))? + "\n";
    match mode {
        "--write" => {
            fs::write(&snapshot, &current)
                .with_context(|| format!("writing {}", snapshot.display()))?;
            eprintln!("wrote {}", snapshot.display());
        }
        "--check" => {
            if fs::read_to_string(&snapshot).unwrap_or_default() != current {
                eprintln!(
                    "{} is stale: run `cargo run --release -p deploy --example gas -- --write`\n{current}",
                    snapshot.display()
                );
                return Ok(false);
            }
            eprintln!("{} is current", snapshot.display());
        }
        _ => {}
    }
    Ok(true)
}
