//! State-reading methods wallets and tools call: `eth_createAccessList`
//! (geth's result), `eth_blobBaseFee` (Nitro's answer) and `eth_getProof`
//! (EIP-1186 proofs against the header's state root).

use crate::common::*;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
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

fn verify(root: B256, key: &[u8], value: Option<Vec<u8>>, proof: &[Bytes]) {
    alloy_trie::proof::verify_proof(
        root,
        alloy_trie::Nibbles::unpack(keccak256(key)),
        value,
        proof,
    )
    .unwrap_or_else(|e| panic!("proof does not verify against {root}: {e}"));
}

fn account_rlp(proof: &alloy_rpc_types_eth::EIP1186AccountProofResponse) -> Vec<u8> {
    alloy_rlp::encode(alloy_trie::TrieAccount {
        nonce: proof.nonce,
        balance: proof.balance,
        storage_root: proof.storage_hash,
        code_hash: proof.code_hash,
    })
}

fn get_proof(
    chain: &mut TestChain,
    address: Address,
    keys: Value,
    block: Value,
) -> alloy_rpc_types_eth::EIP1186AccountProofResponse {
    let result = rpc(chain, "eth_getProof", json!([address, keys, block])).unwrap();
    serde_json::from_value(result).unwrap()
}

#[test]
fn get_proof_verifies_against_the_headers_state_root_now_and_at_an_earlier_block() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    let set = |chain: &mut TestChain, value: u64| {
        let tx = chain.send(Some(store), word(value).to_vec(), U256::ZERO, None);
        assert!(tx.receipt.status);
        tx.block_number
    };
    let first = set(&mut chain, 42);
    set(&mut chain, 43);
    let head = chain.node.block_number();

    for (block, expected) in [(first, 42u64), (head, 43)] {
        let root = chain.node.block(block).unwrap().header.state_root;
        let proof = get_proof(
            &mut chain,
            store,
            json!(["0x0"]),
            json!(format!("{block:#x}")),
        );
        assert_eq!(proof.storage_proof[0].value, U256::from(expected));
        verify(
            root,
            store.as_slice(),
            Some(account_rlp(&proof)),
            &proof.account_proof,
        );
        verify(
            proof.storage_hash,
            B256::ZERO.as_slice(),
            Some(alloy_rlp::encode_fixed_size(&U256::from(expected)).to_vec()),
            &proof.storage_proof[0].proof,
        );
    }
}

#[test]
fn get_proof_of_an_absent_account_is_an_exclusion_proof() {
    let mut chain = TestChain::new();
    let absent = Address::with_last_byte(0x99);
    let root = chain.node.block(0).unwrap().header.state_root;
    let proof = get_proof(&mut chain, absent, json!([B256::ZERO]), json!("latest"));
    assert_eq!(proof.balance, U256::ZERO);
    assert_eq!(proof.nonce, 0);
    assert_eq!(proof.code_hash, alloy_primitives::KECCAK256_EMPTY);
    assert_eq!(proof.storage_hash, alloy_trie::EMPTY_ROOT_HASH);
    verify(root, absent.as_slice(), None, &proof.account_proof);
}

#[test]
fn state_root_follows_the_state_and_an_empty_block_keeps_it() {
    let mut chain = TestChain::new();
    let genesis = chain.node.block(0).unwrap().header.state_root;
    assert_ne!(genesis, B256::ZERO);
    assert_ne!(genesis, alloy_trie::EMPTY_ROOT_HASH);
    let store = chain.deploy_evm(EVM_STORE);
    let deployed = chain.node.block(1).unwrap().header.state_root;
    assert_ne!(deployed, genesis);
    chain.node.mine();
    assert_eq!(chain.node.block(2).unwrap().header.state_root, deployed);
    // A write outside any transaction shows in the next block's root.
    chain.node.set_balance(store, U256::from(5));
    chain.node.mine();
    assert_ne!(chain.node.block(3).unwrap().header.state_root, deployed);
}

#[test]
fn blockhash_reads_the_last_256_blocks_now_and_at_an_earlier_block() {
    let mut chain = TestChain::new();
    // Returns BLOCKHASH(calldata word 0).
    let reader = chain.deploy_evm("6000354060005260206000f3");
    rpc(&mut chain, "anvil_mine", json!(["0x258"])).unwrap();
    let head = chain.node.block_number();
    let hash_of = |chain: &TestChain, number: u64| chain.node.block(number).unwrap().hash;
    let read = |chain: &TestChain, number: u64, tag: BlockTag| {
        let request = TransactionRequest::default()
            .from(chain.from)
            .to(reader)
            .input(Bytes::from(word(number).to_vec()).into());
        let outcome = chain.node.call(&request, tag, None).unwrap();
        B256::from_slice(&outcome.output)
    };
    // A pending-block call: the 256 blocks before it, no older.
    assert_eq!(
        read(&chain, head - 10, BlockTag::Latest),
        hash_of(&chain, head - 10)
    );
    assert_eq!(
        read(&chain, head - 255, BlockTag::Latest),
        hash_of(&chain, head - 255)
    );
    assert_eq!(read(&chain, head - 300, BlockTag::Latest), B256::ZERO);
    // At block 300, block 100 is within reach though the head is far past it.
    assert_eq!(
        read(&chain, 100, BlockTag::Number(300)),
        hash_of(&chain, 100)
    );
}
