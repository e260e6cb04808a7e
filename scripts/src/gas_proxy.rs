//! The proxy column of the gas report: what the ERC-1967 proxy of an
//! upgradeable deployment adds to a user operation. lrETH is deployed twice
//! on a fresh devnode, directly and behind a proxy, and each operation is
//! measured on both in the same state (the second of two identical calls,
//! so storage and accounts are warm the same way).

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use anyhow::{anyhow, Context, Result};
use devnode::{Devnode, DevnodeConfig};

use crate::{
    abi::{roles, ILrtToken},
    client::transact,
    programs::construct,
    programs::{deploy_program, Artifacts},
    protocol::ETHER,
    proxy::{deploy_implementation, deploy_proxy},
};

/// Gas of one operation on an immutable program and behind the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyFigure {
    /// The operation.
    pub operation: &'static str,
    /// Gas with the program deployed directly.
    pub immutable: u64,
    /// Gas with the program behind the proxy.
    pub proxied: u64,
}

impl ProxyFigure {
    /// What the proxy adds.
    pub fn overhead(&self) -> i128 {
        i128::from(self.proxied) - i128::from(self.immutable)
    }
}

/// Measures lrETH's user operations immutable and proxied.
pub fn measure_proxy_overhead(artifacts: &Artifacts) -> Result<Vec<ProxyFigure>> {
    let mut node = Devnode::new(DevnodeConfig::default());
    let accounts = node.accounts();
    let (deployer, admin, holder, spender) = (accounts[0], accounts[1], accounts[2], accounts[3]);
    let token = artifacts.get("lrt-token")?;
    let args = (deployer,).abi_encode_params();
    let immutable = deploy_program(&mut node, deployer, token, &args, false)?.address;
    let implementation = deploy_implementation(&mut node, deployer, token)?;
    let (proxied, _) = deploy_proxy(&mut node, deployer, implementation, admin)
        .map_err(|e| anyhow!("deploying the proxy: {e}"))?;
    construct(&mut node, deployer, proxied, &args)
        .map_err(|e| anyhow!("constructing through the proxy: {e}"))?;
    for at in [immutable, proxied] {
        let grant = ILrtToken::grantRoleCall {
            role: roles::minter(),
            account: deployer,
        };
        send(&mut node, deployer, at, &grant)?;
        let mint = ILrtToken::mintCall {
            to: holder,
            amount: ETHER,
        };
        send(&mut node, deployer, at, &mint)?;
    }
    let operations: [(&'static str, Address, Vec<u8>); 3] = [
        (
            "transfer",
            holder,
            ILrtToken::transferCall {
                to: spender,
                value: U256::from(1),
            }
            .abi_encode(),
        ),
        (
            "approve",
            holder,
            ILrtToken::approveCall {
                spender,
                value: U256::from(5),
            }
            .abi_encode(),
        ),
        (
            "transfer_from",
            spender,
            ILrtToken::transferFromCall {
                from: holder,
                to: spender,
                value: U256::from(1),
            }
            .abi_encode(),
        ),
    ];
    let mut figures = Vec::new();
    for (operation, from, calldata) in operations {
        let mut gas = |to: Address| -> Result<u64> {
            let request = crate::client::request(from, Some(to), U256::ZERO, calldata.clone());
            crate::client::send(&mut node, request.clone())
                .map_err(|e| anyhow!("{operation}: {e}"))?;
            Ok(crate::client::send(&mut node, request)
                .map_err(|e| anyhow!("{operation}: {e}"))?
                .gas_used)
        };
        let immutable_gas = gas(immutable)?;
        let proxied_gas = gas(proxied)?;
        figures.push(ProxyFigure {
            operation,
            immutable: immutable_gas,
            proxied: proxied_gas,
        });
    }
    Ok(figures)
}

fn send<C: SolCall>(node: &mut Devnode, from: Address, to: Address, call: &C) -> Result<()> {
    transact(node, from, to, U256::ZERO, call)
        .map(|_| ())
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| C::SIGNATURE)
}

/// A plain-text table of `figures`.
pub fn table(figures: &[ProxyFigure]) -> String {
    let mut out = format!(
        "{:<30} {:>12} {:>12} {:>12}\n",
        "lrETH operation", "immutable", "proxied", "proxy adds"
    );
    for figure in figures {
        out.push_str(&format!(
            "{:<30} {:>12} {:>12} {:>12}\n",
            figure.operation,
            figure.immutable,
            figure.proxied,
            figure.overhead()
        ));
    }
    out
}

/// The snapshot committed as `snapshots/gas-proxy.json`.
pub fn to_json(figures: &[ProxyFigure]) -> serde_json::Value {
    let operations: serde_json::Map<_, _> = figures
        .iter()
        .map(|f| {
            (
                f.operation.to_string(),
                serde_json::json!({ "immutable": f.immutable, "proxied": f.proxied }),
            )
        })
        .collect();
    serde_json::json!({ "lrt-token": operations })
}
