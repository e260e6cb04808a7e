//! Polling filters as geth serves them (viem's and ethers' watchers poll
//! them over HTTP): each poll reports what happened since the previous one.

use crate::common::*;
use alloy_primitives::{Address, B256, U256};
use devnode::rpc::methods::{dispatch, RpcError};
use serde_json::{json, Value};

/// EVM runtime: emits LOG1 with topic 0x…07 and no data.
const EVM_LOGGER: &str = "600760006000a100";

fn rpc(chain: &mut TestChain, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = params.as_array().cloned().unwrap_or_default();
    dispatch(&mut chain.node, method, &params)
}

fn emit(chain: &mut TestChain, logger: Address) -> B256 {
    let tx = chain.send(Some(logger), Vec::new(), U256::ZERO, None);
    assert!(tx.receipt.status);
    tx.hash
}

fn tx_hashes(logs: &Value) -> Vec<String> {
    logs.as_array()
        .unwrap()
        .iter()
        .map(|log| log["transactionHash"].as_str().unwrap().to_string())
        .collect()
}

fn hex(hash: B256) -> String {
    format!("{hash:#x}")
}

#[test]
fn a_log_filter_reports_each_matching_log_once() {
    let mut chain = TestChain::new();
    let logger = chain.deploy_evm(EVM_LOGGER);
    let other = chain.deploy_evm(EVM_LOGGER);
    let id = rpc(&mut chain, "eth_newFilter", json!([{ "address": logger }])).unwrap();
    let first = emit(&mut chain, logger);
    emit(&mut chain, other);
    let second = emit(&mut chain, logger);

    let changes = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(tx_hashes(&changes), vec![hex(first), hex(second)]);
    let again = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(tx_hashes(&again), Vec::<String>::new(), "reported once");

    // eth_getFilterLogs answers the criteria over their whole range.
    let all = rpc(
        &mut chain,
        "eth_newFilter",
        json!([{ "address": logger, "fromBlock": "0x0", "topics": [format!("{:#x}", B256::with_last_byte(7))] }]),
    )
    .unwrap();
    let logs = rpc(&mut chain, "eth_getFilterLogs", json!([all])).unwrap();
    assert_eq!(tx_hashes(&logs), vec![hex(first), hex(second)]);
}

#[test]
fn block_and_transaction_filters_report_new_blocks_and_transactions() {
    let mut chain = TestChain::new();
    let logger = chain.deploy_evm(EVM_LOGGER);
    let blocks = rpc(&mut chain, "eth_newBlockFilter", json!([])).unwrap();
    let transactions = rpc(&mut chain, "eth_newPendingTransactionFilter", json!([])).unwrap();
    let a = emit(&mut chain, logger);
    let b = emit(&mut chain, logger);

    let new_blocks = rpc(&mut chain, "eth_getFilterChanges", json!([blocks])).unwrap();
    let head = chain.node.block_number();
    let expected: Vec<Value> = [head - 1, head]
        .iter()
        .map(|n| json!(hex(chain.node.block(*n).unwrap().hash)))
        .collect();
    assert_eq!(new_blocks, Value::Array(expected));
    let new_transactions = rpc(&mut chain, "eth_getFilterChanges", json!([transactions])).unwrap();
    assert_eq!(new_transactions, json!([hex(a), hex(b)]));
    assert_eq!(
        rpc(&mut chain, "eth_getFilterChanges", json!([blocks])).unwrap(),
        json!([])
    );
    // Only log filters have logs.
    let error = rpc(&mut chain, "eth_getFilterLogs", json!([blocks])).unwrap_err();
    assert_eq!(error.message, "filter not found");
}

#[test]
fn blocks_mined_again_after_a_revert_are_reported() {
    let mut chain = TestChain::new();
    let logger = chain.deploy_evm(EVM_LOGGER);
    let id = rpc(&mut chain, "eth_newFilter", json!([{ "address": logger }])).unwrap();
    let snapshot = chain.node.snapshot();
    let dropped = emit(&mut chain, logger);
    let seen = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(tx_hashes(&seen), vec![hex(dropped)]);

    chain.node.revert(snapshot).unwrap();
    // A different transaction at the height the filter had already passed.
    let replay = chain.send(Some(logger), vec![1], U256::ZERO, None);
    let changes = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(tx_hashes(&changes), vec![hex(replay.hash)]);
}

#[test]
fn an_uninstalled_filter_is_gone() {
    let mut chain = TestChain::new();
    let id = rpc(&mut chain, "eth_newBlockFilter", json!([])).unwrap();
    assert_eq!(
        rpc(&mut chain, "eth_uninstallFilter", json!([id])).unwrap(),
        json!(true)
    );
    assert_eq!(
        rpc(&mut chain, "eth_uninstallFilter", json!([id])).unwrap(),
        json!(false)
    );
    let error = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap_err();
    assert_eq!(error.message, "filter not found");
    assert_eq!(error.code, -32000);
    // Filter ids are not reused.
    let next = rpc(&mut chain, "eth_newBlockFilter", json!([])).unwrap();
    assert_ne!(next, id);
}
