//! Prints the gas of the protocol's user operations on the in-process
//! devnode, with programs uncached and cached, and the ETH deposit with 1
//! and with 50 operators side by side (they must be equal: the vault keeps
//! per-asset aggregates instead of looping over operators).
//!
//! ```sh
//! cargo run --release -p deploy --example gas              # print the figures
//! cargo run --release -p deploy --example gas -- --write   # and rewrite snapshots/gas.json
//! cargo run --release -p deploy --example gas -- --check   # fail if snapshots/gas.json is stale
//! ```
//!
//! Gas on the devnode is deterministic for the same programs, so CI checks
//! the committed snapshot: a change that moves gas shows in its diff.
//!
//! What each operation's state is: `deploy::gas`'s documentation.

use std::{fs, path::PathBuf, process::ExitCode};

use anyhow::{bail, Context, Result};
use deploy::{deploy_protocol, gas, Artifacts, Config};
use devnode::{Devnode, DevnodeConfig};

fn main() -> Result<ExitCode> {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if !["", "--write", "--check"].contains(&mode.as_str()) {
        bail!("usage: gas [--write | --check]");
    }
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
    println!(
        "deposit_eth (new holder)       1 operator  {} operators",
        gas::MANY_OPERATORS
    );
    for (label, figures) in [("uncached", &report.uncached), ("cached", &report.cached)] {
        let one = figures.get("deposit_eth_1_operator").unwrap_or_default();
        let many = figures.get("deposit_eth_50_operators").unwrap_or_default();
        let verdict = if one == many { "equal" } else { "DIFFERENT" };
        println!("  {label:<28} {one:>10}  {many:>12}   {verdict}");
    }

    let snapshot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../snapshots/gas.json");
    let current = serde_json::to_string_pretty(&report.to_json())? + "\n";
    match mode.as_str() {
        "--write" => {
            fs::write(&snapshot, &current)
                .with_context(|| format!("writing {}", snapshot.display()))?;
            eprintln!("wrote {}", snapshot.display());
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
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
