//! The transaction pool as anvil and geth keep it: nonce gaps wait, the
//! `pending` tag counts the pool, replacements need geth's 10% bump,
//! automining can be turned off (and blocks mined on an interval), and
//! impersonated accounts send without a key.

use crate::common::*;
use alloy_primitives::{Address, B256, U256};
use devnode::rpc::methods::{dispatch, RpcError};
use devnode::rpc::subscriptions::Subscriptions;
use serde_json::{json, Value};
use std::time::Duration;

fn rpc(chain: &mut TestChain, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = params.as_array().cloned().unwrap_or_default();
    dispatch(&mut chain.node, method, &params)
}

fn send(chain: &mut TestChain, tx: Value) -> Result<B256, RpcError> {
    rpc(chain, "eth_sendTransaction", json!([tx])).map(|hash| serde_json::from_value(hash).unwrap())
}

fn transfer(from: Address, nonce: u64, max_fee: u128, tip: u128) -> Value {
    json!({
        "from": from,
        "to": Address::with_last_byte(0x77),
        "value": "0x1",
        "gas": "0x5208",
        "nonce": format!("{nonce:#x}"),
        "maxFeePerGas": format!("{max_fee:#x}"),
        "maxPriorityFeePerGas": format!("{tip:#x}"),
    })
}

fn pending_nonce(chain: &mut TestChain, address: Address) -> Value {
    rpc(
        chain,
        "eth_getTransactionCount",
        json!([address, "pending"]),
    )
    .unwrap()
}

const FEE: u128 = 1_000_000_000;

#[test]
fn a_future_nonce_waits_in_the_pool_until_the_gap_closes() {
    let mut chain = TestChain::new();
    let from = chain.from;
    let head = chain.node.block_number();
    let later = send(&mut chain, transfer(from, 1, FEE, 1)).unwrap();
    assert_eq!(chain.node.block_number(), head, "nothing is mined");
    let pending = rpc(&mut chain, "eth_getTransactionByHash", json!([later])).unwrap();
    assert_eq!(pending["hash"], json!(later));
    assert_eq!(pending["blockNumber"], Value::Null);
    assert_eq!(pending["blockHash"], Value::Null);
    assert_eq!(
        rpc(&mut chain, "eth_getTransactionReceipt", json!([later])).unwrap(),
        Value::Null
    );
    // The gap is not closed: the pending nonce is still the state's.
    assert_eq!(pending_nonce(&mut chain, from), json!("0x0"));
    assert_eq!(
        rpc(&mut chain, "txpool_status", json!([])).unwrap(),
        json!({ "pending": "0x0", "queued": "0x1" })
    );

    let first = send(&mut chain, transfer(from, 0, FEE, 1)).unwrap();
    assert_eq!(
        chain.node.block_number(),
        head + 2,
        "both are mined, in order"
    );
    let first = chain.node.transaction(first).unwrap().block_number;
    let later = chain.node.transaction(later).unwrap().block_number;
    assert_eq!((first, later), (head + 1, head + 2));
    assert!(chain.node.pool().is_empty());
    assert_eq!(pending_nonce(&mut chain, from), json!("0x2"));
}

#[test]
fn a_replacement_needs_ten_percent_more_fee_cap_and_tip() {
    let mut chain = TestChain::new();
    let from = chain.from;
    rpc(&mut chain, "evm_setAutomine", json!([false])).unwrap();
    assert_eq!(
        rpc(&mut chain, "anvil_getAutomine", json!([])).unwrap(),
        json!(false)
    );
    let original = send(&mut chain, transfer(from, 0, FEE, 100)).unwrap();
    assert_eq!(pending_nonce(&mut chain, from), json!("0x1"));

    let underpriced = send(&mut chain, transfer(from, 0, FEE * 105 / 100, 110)).unwrap_err();
    assert_eq!(underpriced.message, "replacement transaction underpriced");
    assert_eq!(underpriced.code, -32000);

    let replacement = send(&mut chain, transfer(from, 0, FEE * 110 / 100, 110)).unwrap();
    assert_eq!(
        rpc(&mut chain, "eth_getTransactionByHash", json!([original])).unwrap(),
        Value::Null,
        "the replaced transaction is gone"
    );
    rpc(&mut chain, "evm_mine", json!([])).unwrap();
    assert!(chain.node.transaction(replacement).unwrap().receipt.status);
    assert!(chain.node.transaction(original).is_none());
}

#[test]
fn without_automine_one_mined_block_holds_every_ready_transaction() {
    let mut chain = TestChain::new();
    let from = chain.from;
    let other = chain.node.accounts()[1];
    rpc(&mut chain, "evm_setAutomine", json!([false])).unwrap();
    let head = chain.node.block_number();
    let a = send(&mut chain, transfer(from, 0, FEE, 0)).unwrap();
    let b = send(&mut chain, transfer(from, 1, FEE, 0)).unwrap();
    let c = send(&mut chain, transfer(other, 0, FEE, 0)).unwrap();
    assert_eq!(chain.node.block_number(), head);
    assert_eq!(pending_nonce(&mut chain, from), json!("0x2"));

    rpc(&mut chain, "evm_mine", json!([])).unwrap();
    assert_eq!(chain.node.block_number(), head + 1);
    let block = chain.node.block(head + 1).unwrap().clone();
    assert_eq!(block.transactions.len(), 3);
    let mut cumulative = 0;
    for (index, hash) in block.transactions.iter().enumerate() {
        let tx = chain.node.transaction(*hash).unwrap();
        assert_eq!(tx.index, index as u64);
        cumulative += tx.receipt.gas_used;
        assert_eq!(tx.receipt.cumulative_gas_used, cumulative);
    }
    assert_eq!(block.header.gas_used, cumulative);
    let position = |hash| block.transactions.iter().position(|h| *h == hash).unwrap();
    assert!(position(a) < position(b), "a sender's nonces stay in order");
    assert!(chain.node.transaction(c).is_some());
    let receipts = rpc(
        &mut chain,
        "eth_getBlockReceipts",
        json!([format!("{:#x}", head + 1)]),
    )
    .unwrap();
    assert_eq!(receipts.as_array().unwrap().len(), 3);
}

#[test]
fn an_impersonated_account_sends_without_its_key() {
    let mut chain = TestChain::new();
    let stranger = Address::with_last_byte(0xAB);
    chain
        .node
        .set_balance(stranger, U256::from(10u64).pow(U256::from(18u64)));
    let refused = send(&mut chain, transfer(stranger, 0, FEE, 0)).unwrap_err();
    assert!(refused.message.contains("no known key"), "{refused:?}");

    rpc(&mut chain, "anvil_impersonateAccount", json!([stranger])).unwrap();
    let hash = send(&mut chain, transfer(stranger, 0, FEE, 0)).unwrap();
    let tx = chain.node.transaction(hash).unwrap();
    assert!(tx.receipt.status);
    assert_eq!(tx.sender, stranger);
    let json = rpc(&mut chain, "eth_getTransactionByHash", json!([hash])).unwrap();
    assert_eq!(json["from"], json!(format!("{stranger:#x}")));

    rpc(
        &mut chain,
        "anvil_stopImpersonatingAccount",
        json!([stranger]),
    )
    .unwrap();
    assert!(send(&mut chain, transfer(stranger, 1, FEE, 0)).is_err());
    rpc(&mut chain, "anvil_autoImpersonateAccount", json!([true])).unwrap();
    assert!(send(&mut chain, transfer(stranger, 1, FEE, 0)).is_ok());
}

#[test]
fn pending_transaction_subscriptions_announce_a_pooled_transaction_once() {
    let mut chain = TestChain::new();
    let from = chain.from;
    let mut subscriptions = Subscriptions::new(B256::ZERO);
    let id = subscriptions
        .subscribe(&chain.node, &[json!("newPendingTransactions")])
        .unwrap();
    let waiting = send(&mut chain, transfer(from, 1, FEE, 0)).unwrap();
    let notes = subscriptions.notifications(&chain.node);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["params"]["subscription"], id);
    assert_eq!(notes[0]["params"]["result"], json!(waiting));

    // Closing the gap mines both: only the one never pooled is new.
    let first = send(&mut chain, transfer(from, 0, FEE, 0)).unwrap();
    let notes = subscriptions.notifications(&chain.node);
    let announced: Vec<&Value> = notes.iter().map(|n| &n["params"]["result"]).collect();
    assert_eq!(announced, vec![&json!(first)]);
}

#[test]
fn a_pending_transaction_filter_reports_a_pooled_transaction_once() {
    let mut chain = TestChain::new();
    let from = chain.from;
    let id = rpc(&mut chain, "eth_newPendingTransactionFilter", json!([])).unwrap();
    let waiting = send(&mut chain, transfer(from, 1, FEE, 0)).unwrap();
    let changes = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(changes, json!([waiting]));
    let first = send(&mut chain, transfer(from, 0, FEE, 0)).unwrap();
    let changes = rpc(&mut chain, "eth_getFilterChanges", json!([id])).unwrap();
    assert_eq!(changes, json!([first]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_mining_mines_pooled_transactions_without_automine() {
    let mut chain = TestChain::new();
    let from = chain.from;
    rpc(&mut chain, "evm_setAutomine", json!([false])).unwrap();
    let hash = send(&mut chain, transfer(from, 0, FEE, 0)).unwrap();
    let head = chain.node.block_number();
    let node: devnode::SharedDevnode = std::sync::Arc::new(std::sync::Mutex::new(chain.node));
    let miner = devnode::rpc::mine_every(node.clone(), Duration::from_millis(100));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if node.lock().unwrap().transaction(hash).is_some() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not mined within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    miner.abort();
    assert!(node.lock().unwrap().block_number() > head);
}
