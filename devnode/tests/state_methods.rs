//! State-reading methods wallets and tools call: `eth_createAccessList`
//! (geth's result), `eth_blobBaseFee` (Nitro's answer) and `eth_getProof`
//! (EIP-1186 proofs against the header's state root).

use crate::common::*;
use alloy_primitives::{Address, Bytes, B256};
use alloy_rpc_types_eth::TransactionRequest;
use devnode::rpc::methods::{dispatch, RpcError};
use devnode::BlockTag;
use serde_json::{json, Value};

fn rpc(chain: &mut TestChain, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = params.as_array().cloned().unwrap_or_default();
    dispatch(&mut chain.node, method, &params)
}

fn forward_calldata(target: Address, word: u64) -> Vec<u8> {
    let mut data = target.to_vec();
    data.extend_from_slice(&crate::common::word(word));
    data
}

#[test]
fn create_access_list_lists_touched_accounts_and_slots_but_not_sender_recipient_or_precompiles() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let data = forward_calldata(store, 42);
    let request = json!({ "from": chain.from, "to": forwarder, "data": Bytes::from(data.clone()) });
    let result = rpc(&mut chain, "eth_createAccessList", json!([request])).unwrap();
    assert_eq!(
        result["accessList"],
        json!([{ "address": store, "storageKeys": [B256::ZERO] }]),
        "{result}"
    );
    assert!(result.get("error").is_none());

    // gasUsed is the gas of the call sent with that access list.
    let list: alloy_eips::eip2930::AccessList =
        serde_json::from_value(result["accessList"].clone()).unwrap();
    let with_list = TransactionRequest::default()
        .from(chain.from)
        .to(forwarder)
        .input(Bytes::from(data).into())
        .access_list(list);
    let outcome = chain.node.call(&with_list, BlockTag::Latest, None).unwrap();
    assert!(outcome.success);
    assert_eq!(result["gasUsed"], json!(format!("{:#x}", outcome.gas_used)));
}

#[test]
fn create_access_list_reports_a_revert_in_its_result_not_as_an_rpc_error() {
    let mut chain = TestChain::new();
    // Reads slot 5, then reverts.
    let reverter = chain.deploy_evm("6005545060006000fd");
    let request = json!({ "from": chain.from, "to": reverter });
    let result = rpc(&mut chain, "eth_createAccessList", json!([request])).unwrap();
    assert_eq!(result["error"], json!("execution reverted"));
    // The reverting callee is the recipient: excluded, as the sender is.
    assert_eq!(result["accessList"], json!([]));
    assert!(result["gasUsed"].as_str().unwrap().starts_with("0x"));
}

#[test]
fn blob_base_fee_is_zero_as_nitro_answers_on_a_chain_without_blobs() {
    let mut chain = TestChain::new();
    assert_eq!(
        rpc(&mut chain, "eth_blobBaseFee", json!([])).unwrap(),
        json!("0x0")
    );
}
