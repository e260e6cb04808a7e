//! Prints the gas of the protocol's user operations on the in-process
//! devnode, with programs uncached and cached, and the ETH deposit with 1
//! and with 50 operators side by side (they must be equal: the vault keeps
//! per-asset aggregates instead of looping over operators).
//!
//! ```sh
//! cargo run --release -p deploy --example gas
//! ```
//!
//! What each operation's state is: `deploy::gas`'s documentation.

use anyhow::Result;
use deploy::{deploy_protocol, gas, Artifacts, Config};
use devnode::{Devnode, DevnodeConfig};

fn main() -> Result<()> {
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
    Ok(())
}
