//! `eth_createAccessList`, as geth computes it (internal/ethapi/api.go,
//! `AccessList`): run the call, list every account and storage slot it
//! touched except the sender, the recipient (or the created address) and the
//! precompiles, run again with that list until the list no longer changes,
//! and answer `{accessList, gasUsed, error?}` from the last run. A failed
//! call is not an RPC error: its reason goes in `error`.
//!
//! The touched set is read from the call's final journal state, which holds
//! every account and slot the execution loaded, EVM and Stylus frames alike
//! (Stylus storage and account reads go through the same journal). Accounts
//! the node itself touches outside any opcode are left out too: the block's
//! coinbase (warm by EIP-3651), ArbOS's own state account and the network
//! fee account that activation pays.

use super::methods::{code, RpcError};
use crate::chain::{BlockTag, Devnode, SEQUENCER};
use crate::evm::precompiles::NETWORK_FEE_ACCOUNT;
use crate::evm::programs::ARBOS_STATE;
use crate::evm::SPEC;
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_primitives::{Address, TxKind, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::TransactionRequest;
use revm::handler::EthPrecompiles;
use serde_json::{json, Value};

/// Most re-runs before the list is taken as it stands (geth loops until it
/// is stable; each run can only add what the previous list made reachable).
const MAX_RUNS: usize = 8;

/// Whether Ethereum's precompiles for the devnode's spec or ArbOS's
/// precompile range (Nitro places its precompiles at 0x64–0xff) hold `address`.
fn is_precompile(address: &Address) -> bool {
    let low = U256::from_be_slice(address.as_slice());
    if (U256::from(0x64)..=U256::from(0xff)).contains(&low) {
        return true;
    }
    EthPrecompiles::new(SPEC).warm_addresses().contains(address)
}

/// The access list and gas of `request`, as geth's `eth_createAccessList`.
pub fn create_access_list(
    node: &Devnode,
    request: &TransactionRequest,
    tag: BlockTag,
    overrides: Option<&StateOverride>,
) -> Result<Value, RpcError> {
    let from = request.from.unwrap_or_default();
    let recipient = match request.to {
        Some(TxKind::Call(to)) => to,
        // A creation's recipient is the address it creates.
        Some(TxKind::Create) | None => {
            let nonce = match request.nonce {
                Some(nonce) => nonce,
                None => node.nonce(from, tag)?,
            };
            from.create(nonce)
        }
    };
    let excluded = |address: &Address| {
        *address == from
            || *address == recipient
            || *address == SEQUENCER
            || *address == ARBOS_STATE
            || *address == NETWORK_FEE_ACCOUNT
            || is_precompile(address)
    };
    let mut list = request.access_list.clone().unwrap_or_default();
    let mut probe = request.clone();
    for _ in 0..MAX_RUNS {
        probe.access_list = Some(list.clone());
        let (outcome, state) = node.call_with_state(&probe, tag, overrides)?;
        let mut items: Vec<AccessListItem> = state
            .iter()
            .filter(|(address, _)| !excluded(address))
            .map(|(address, account)| {
                let mut storage_keys: Vec<B256> = account
                    .storage
                    .keys()
                    .map(|slot| B256::from(*slot))
                    .collect();
                storage_keys.sort();
                AccessListItem {
                    address: *address,
                    storage_keys,
                }
            })
            .collect();
        // Entries of the request's list stay, as geth starts from it.
        for item in &list.0 {
            if !items.iter().any(|i| i.address == item.address) && !excluded(&item.address) {
                items.push(item.clone());
            }
        }
        items.sort_by_key(|item| item.address);
        let next = AccessList(items);
        if next == list {
            let mut result = json!({
                "accessList": next,
                "gasUsed": format!("{:#x}", outcome.gas_used),
            });
            if !outcome.success {
                let error = if outcome.reverted {
                    "execution reverted".to_string()
                } else {
                    outcome.halt.unwrap_or_else(|| "execution failed".into())
                };
                result["error"] = Value::String(error);
            }
            return Ok(result);
        }
        list = next;
    }
    Err(RpcError::new(
        code::SERVER_ERROR,
        format!("access list did not settle within {MAX_RUNS} runs"),
    ))
}
