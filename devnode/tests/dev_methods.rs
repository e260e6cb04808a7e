//! The dev and utility methods test frameworks call (anvil's names, with
//! hardhat's aliases), and small standard methods.

use crate::common::*;
use alloy_primitives::{keccak256, Address, B256, U256};
use devnode::rpc::methods::dispatch;
use devnode::BlockTag;
use serde_json::{json, Value};

fn rpc(chain: &mut TestChain, method: &str, params: Value) -> Value {
    let params = params.as_array().cloned().unwrap_or_default();
    dispatch(&mut chain.node, method, &params)
        .unwrap_or_else(|error| panic!("{method}: {}", error.message))
}

#[test]
fn set_code_nonce_and_storage_write_the_account() {
    let mut chain = TestChain::new();
    let target = Address::repeat_byte(0x77);
    // PUSH1 42, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
    rpc(
        &mut chain,
        "anvil_setCode",
        json!([target, "0x602a60005260206000f3"]),
    );
    let out = chain.call(target, Vec::new());
    assert_eq!(U256::from_be_slice(&out.output), U256::from(42));
    assert_eq!(
        rpc(&mut chain, "eth_getCode", json!([target, "latest"])),
        json!("0x602a60005260206000f3")
    );

    rpc(&mut chain, "hardhat_setNonce", json!([target, "0x9"]));
    assert_eq!(chain.node.nonce(target, BlockTag::Latest).unwrap(), 9);

    let value = B256::with_last_byte(5);
    assert_eq!(
        rpc(
            &mut chain,
            "anvil_setStorageAt",
            json!([target, "0x3", value])
        ),
        json!(true)
    );
    assert_eq!(chain.storage(target, 3), value);
    // The code survived the storage write.
    assert_eq!(
        U256::from_be_slice(&chain.call(target, Vec::new()).output),
        U256::from(42)
    );
}

#[test]
fn mine_makes_blocks_an_interval_apart() {
    let mut chain = TestChain::new();
    let before = chain.node.block_number();
    rpc(&mut chain, "anvil_mine", json!(["0x3", "0x3c"]));
    let head = chain.node.block_number();
    assert_eq!(head, before + 3);
    let time = |n: u64| chain.node.block(n).unwrap().header.timestamp;
    assert!(time(head) - time(head - 1) >= 60);
    assert!(time(head - 1) - time(head - 2) >= 60);
    rpc(&mut chain, "anvil_mine", json!([]));
    assert_eq!(chain.node.block_number(), head + 1, "one block by default");
}

#[test]
fn block_transaction_count_by_hash_coinbase_and_sha3() {
    let mut chain = TestChain::new();
    let tx = chain.send(
        Some(Address::repeat_byte(1)),
        Vec::new(),
        U256::from(1),
        None,
    );
    assert_eq!(
        rpc(
            &mut chain,
            "eth_getBlockTransactionCountByHash",
            json!([tx.block_hash])
        ),
        json!("0x1")
    );
    assert_eq!(
        rpc(
            &mut chain,
            "eth_getBlockTransactionCountByHash",
            json!([B256::repeat_byte(9)])
        ),
        Value::Null
    );
    assert_eq!(
        rpc(&mut chain, "eth_coinbase", json!([])),
        json!(devnode::chain::SEQUENCER)
    );
    assert_eq!(
        rpc(&mut chain, "web3_sha3", json!(["0x68656c6c6f"])),
        json!(keccak256(b"hello"))
    );
}
