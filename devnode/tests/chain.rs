//! The chain core: transaction types and their checks, receipts, time,
//! snapshots, historical reads, overrides, gas estimation.

use crate::common::*;
use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use devnode::{BlockTag, Devnode, DevnodeConfig, DevnodeError};

fn dev_signer() -> PrivateKeySigner {
    devnode::DEV_PRIVATE_KEY.parse().unwrap()
}

fn raw<T: SignableTransaction<alloy_primitives::Signature>>(tx: T) -> Vec<u8>
where
    TxEnvelope: From<alloy_consensus::Signed<T>>,
{
    let signature = dev_signer().sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

fn node() -> Devnode {
    Devnode::new(DevnodeConfig {
        accounts: 3,
        ..Default::default()
    })
}

const ONE_ETHER: u64 = 1_000_000_000_000_000_000;

#[test]
fn genesis_funds_the_dev_and_mnemonic_accounts() {
    let node = node();
    let accounts = node.accounts();
    assert_eq!(accounts.len(), 4);
    assert_eq!(accounts[0], devnode::DEV_ACCOUNT);
    // m/44'/60'/0'/0/0 of "test test ... junk".
    assert_eq!(
        accounts[1],
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse::<Address>()
            .unwrap()
    );
    for account in accounts {
        assert_eq!(
            node.balance(account, BlockTag::Latest).unwrap(),
            node.config().balance
        );
    }
    assert_eq!(node.block_number(), 0);
    assert_eq!(node.chain_id(), 412_346);
}

#[test]
fn legacy_eip2930_and_eip1559_transfers() {
    let mut node = node();
    let to = Address::with_last_byte(0x42);
    let base_fee = node.base_fee() as u128;
    let legacy = TxLegacy {
        chain_id: Some(412_346),
        nonce: 0,
        gas_price: base_fee,
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(1),
        input: Bytes::new(),
    };
    let access_list = TxEip2930 {
        chain_id: 412_346,
        nonce: 1,
        gas_price: base_fee,
        gas_limit: 30_000,
        to: TxKind::Call(to),
        value: U256::from(2),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let dynamic = TxEip1559 {
        chain_id: 412_346,
        nonce: 2,
        gas_limit: 21_000,
        max_fee_per_gas: base_fee * 3,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(to),
        value: U256::from(3),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let before = node
        .balance(devnode::DEV_ACCOUNT, BlockTag::Latest)
        .unwrap();
    let hashes = [
        node.send_raw_transaction(&raw(legacy)).unwrap(),
        node.send_raw_transaction(&raw(access_list)).unwrap(),
        node.send_raw_transaction(&raw(dynamic)).unwrap(),
    ];
    assert_eq!(node.balance(to, BlockTag::Latest).unwrap(), U256::from(6));
    assert_eq!(
        node.nonce(devnode::DEV_ACCOUNT, BlockTag::Latest).unwrap(),
        3
    );
    assert_eq!(node.block_number(), 3, "one block per transaction");
    let mut spent = U256::from(6);
    for (i, hash) in hashes.iter().enumerate() {
        let tx = node.transaction(*hash).unwrap();
        assert!(tx.receipt.status);
        assert_eq!(tx.receipt.gas_used, 21_000);
        assert_eq!(
            tx.receipt.effective_gas_price, base_fee,
            "no priority fee: the base fee"
        );
        assert_eq!(tx.block_number, i as u64 + 1);
        assert_eq!(node.block(tx.block_number).unwrap().hash, tx.block_hash);
        spent += U256::from(21_000u64) * U256::from(base_fee);
    }
    assert_eq!(
        node.balance(devnode::DEV_ACCOUNT, BlockTag::Latest)
            .unwrap(),
        before - spent
    );
    // Blocks chain by parent hash.
    assert_eq!(
        node.block(2).unwrap().header.parent_hash,
        node.block(1).unwrap().hash
    );
}

#[test]
fn invalid_transactions_are_refused() {
    let mut node = node();
    let base_fee = node.base_fee() as u128;
    let transfer = |nonce: u64, value: U256, chain_id: Option<u64>| TxLegacy {
        chain_id,
        nonce,
        gas_price: base_fee,
        gas_limit: 21_000,
        to: TxKind::Call(Address::with_last_byte(1)),
        value,
        input: Bytes::new(),
    };
    let unprotected = node.send_raw_transaction(&raw(transfer(0, U256::ZERO, None)));
    assert!(matches!(unprotected, Err(DevnodeError::Rejected(ref m)) if m.contains("EIP-155")));
    let wrong_chain = node.send_raw_transaction(&raw(transfer(0, U256::ZERO, Some(1))));
    assert!(matches!(wrong_chain, Err(DevnodeError::Rejected(ref m)) if m.contains("chain id")));
    // A nonce ahead of the sender's is not refused: it waits in the pool, as
    // geth queues it, until the gap closes.
    let ahead = node
        .send_raw_transaction(&raw(transfer(5, U256::ZERO, Some(412_346))))
        .unwrap();
    assert!(node.transaction(ahead).is_none());
    assert!(node.pool().get(ahead).is_some());
    let rich = U256::from(ONE_ETHER) * U256::from(1_000_000u64);
    let broke = node.send_raw_transaction(&raw(transfer(0, rich, Some(412_346))));
    assert!(
        matches!(broke, Err(DevnodeError::Rejected(ref m)) if m.contains("insufficient funds"))
    );
    node.send_raw_transaction(&raw(transfer(0, U256::ZERO, Some(412_346))))
        .unwrap();
    let replay = node.send_raw_transaction(&raw(transfer(0, U256::ZERO, Some(412_346))));
    assert!(replay.is_err(), "replayed transaction");
    let too_low = node.send_raw_transaction(&raw(transfer(0, U256::from(1), Some(412_346))));
    assert!(matches!(too_low, Err(DevnodeError::Rejected(ref m)) if m.contains("nonce too low")));
    let garbage = node.send_raw_transaction(&[0x02, 0xc0]);
    assert!(matches!(garbage, Err(DevnodeError::InvalidInput(_))));
    let mut tampered = raw(transfer(1, U256::ZERO, Some(412_346)));
    let last = tampered.len() - 1;
    tampered[last] ^= 0xff;
    assert!(
        node.send_raw_transaction(&tampered).is_err(),
        "bad signature"
    );
    assert_eq!(node.block_number(), 1, "refused transactions mine nothing");
}

#[test]
fn receipts_logs_and_contract_addresses() {
    let mut chain = TestChain::new();
    // Emits LOG1(topic 7) with the word 42.
    let emitter = chain.deploy_evm("602a600052600760206000a100");
    let tx = chain.send(Some(emitter), vec![], U256::ZERO, None);
    assert!(tx.receipt.status);
    let log = &tx.receipt.logs[0];
    assert_eq!(log.address, emitter);
    assert_eq!(log.topics(), &[B256::from(word(7))]);
    assert_eq!(log.data.data.as_ref(), &word(42));
    assert!(tx
        .receipt
        .logs_bloom
        .contains_input(alloy_primitives::BloomInput::Raw(emitter.as_slice())));
    let logs = chain.node.logs(
        0,
        chain.node.block_number(),
        &[emitter],
        &[vec![B256::from(word(7))]],
    );
    assert_eq!(logs.len(), 1);
    assert!(chain
        .node
        .logs(
            0,
            chain.node.block_number(),
            &[emitter],
            &[vec![B256::ZERO]]
        )
        .is_empty());
    let created = chain.node.transaction(
        chain
            .node
            .block(chain.node.block_number() - 1)
            .unwrap()
            .transactions[0],
    );
    assert_eq!(created.unwrap().receipt.contract_address, Some(emitter));
}

#[test]
fn time_control() {
    let mut node = node();
    let genesis = node.block(0).unwrap().header.timestamp;
    node.increase_time(3_600);
    node.mine();
    assert!(node.block(1).unwrap().header.timestamp >= genesis + 3_600);
    node.set_next_block_timestamp(genesis + 100_000).unwrap();
    node.mine();
    assert_eq!(node.block(2).unwrap().header.timestamp, genesis + 100_000);
    assert!(
        node.set_next_block_timestamp(genesis).is_err(),
        "time does not go back"
    );
    node.mine();
    assert!(node.block(3).unwrap().header.timestamp >= genesis + 100_000);
}

#[test]
fn snapshots_restore_state_blocks_and_transactions() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    let snapshot = chain.node.snapshot();
    let height = chain.node.block_number();
    let tx = chain.send(Some(store), word(5).to_vec(), U256::ZERO, None);
    chain
        .node
        .set_balance(Address::with_last_byte(9), U256::from(77));
    assert_eq!(chain.storage(store, 0), B256::from(word(5)));
    chain.node.revert(snapshot).unwrap();
    assert_eq!(chain.storage(store, 0), B256::ZERO);
    assert_eq!(chain.node.block_number(), height);
    assert!(chain.node.transaction(tx.hash).is_none());
    assert_eq!(
        chain
            .node
            .balance(Address::with_last_byte(9), BlockTag::Latest)
            .unwrap(),
        U256::ZERO
    );
    assert!(
        chain.node.revert(snapshot).is_err(),
        "a snapshot is used once"
    );
    // The chain goes on from the snapshot.
    assert!(
        chain
            .send(Some(store), word(6).to_vec(), U256::ZERO, None)
            .receipt
            .status
    );
}

#[test]
fn historical_reads_overrides_and_estimates() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    chain.send(Some(store), word(1).to_vec(), U256::ZERO, None);
    let first = chain.node.block_number();
    chain.send(Some(store), word(2).to_vec(), U256::ZERO, None);
    assert_eq!(
        chain
            .node
            .storage(store, U256::ZERO, BlockTag::Number(first))
            .unwrap(),
        B256::from(word(1))
    );
    assert_eq!(chain.storage(store, 0), B256::from(word(2)));
    assert_eq!(
        chain
            .node
            .storage(store, U256::ZERO, BlockTag::Number(0))
            .unwrap(),
        B256::ZERO
    );
    assert!(
        chain
            .node
            .code(store, BlockTag::Number(0))
            .unwrap()
            .is_empty(),
        "not deployed yet"
    );

    // eth_call with a code override: the store's code replaced by the log emitter's.
    let emitter_code = alloy_primitives::hex::decode("602a600052600760206000a100").unwrap();
    let mut overrides = StateOverride::default();
    overrides.insert(
        store,
        AccountOverride {
            code: Some(emitter_code.into()),
            ..Default::default()
        },
    );
    let request = TransactionRequest::default()
        .from(chain.from)
        .to(store)
        .input(Bytes::from(word(3).to_vec()).into());
    let normal = chain.node.call(&request, BlockTag::Latest, None).unwrap();
    assert_eq!(normal.output.as_ref(), &word(3));
    let overridden = chain
        .node
        .call(&request, BlockTag::Latest, Some(&overrides))
        .unwrap();
    assert!(overridden.success && overridden.output.is_empty());

    // Estimates are enough, and nothing less is (as with geth, success means the
    // top-level call succeeds; the EVM forwarder reverts when its callee fails).
    let program = chain.deploy_wat(CONFORMANCE);
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let mut data = program.to_vec();
    data.extend(cmd(7, &[&word(4), &word(44)]));
    let request = TransactionRequest::default()
        .from(chain.from)
        .to(forwarder)
        .input(Bytes::from(data.clone()).into());
    let estimate = chain
        .node
        .estimate_gas(&request, BlockTag::Latest, None)
        .unwrap()
        .unwrap();
    let snapshot = chain.node.snapshot();
    let tight = chain.send(Some(forwarder), data.clone(), U256::ZERO, Some(estimate));
    assert!(tight.receipt.status);
    assert_eq!(chain.storage(program, 4), B256::from(word(44)));
    chain.node.revert(snapshot).unwrap();
    let short = chain.send(Some(forwarder), data, U256::ZERO, Some(estimate - 1));
    assert!(!short.receipt.status);
}

#[test]
fn arbsys_reports_the_chain() {
    use alloy_sol_types::{sol, SolCall, SolError};
    sol! {
        function arbBlockNumber() external view returns (uint256);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        error InvalidBlockNumber(uint256 requested, uint256 current);
    }
    let mut chain = TestChain::new();
    chain.node.mine();
    chain.node.mine();
    let arb_sys = devnode::evm::precompiles::ARB_SYS;
    let call = |chain: &TestChain, data: Vec<u8>| chain.call(arb_sys, data);
    let number = call(&chain, arbBlockNumberCall {}.abi_encode());
    assert_eq!(
        arbBlockNumberCall::abi_decode_returns(&number.output).unwrap(),
        U256::from(3),
        "the pending block"
    );
    let id = call(&chain, arbChainIDCall {}.abi_encode());
    assert_eq!(
        arbChainIDCall::abi_decode_returns(&id.output).unwrap(),
        U256::from(412_346)
    );
    let version = call(&chain, arbOSVersionCall {}.abi_encode());
    assert_eq!(
        arbOSVersionCall::abi_decode_returns(&version.output).unwrap(),
        U256::from(55 + 51),
        "ArbSys reports 55 + the default ArbOS version, 51"
    );
    let hash = call(
        &chain,
        arbBlockHashCall {
            arbBlockNum: U256::from(1),
        }
        .abi_encode(),
    );
    assert_eq!(
        arbBlockHashCall::abi_decode_returns(&hash.output).unwrap(),
        chain.node.block(1).unwrap().hash
    );
    for requested in [U256::from(3), U256::MAX] {
        let future = call(
            &chain,
            arbBlockHashCall {
                arbBlockNum: requested,
            }
            .abi_encode(),
        );
        assert!(future.reverted);
        let error = InvalidBlockNumber::abi_decode(&future.output).unwrap();
        assert_eq!((error.requested, error.current), (requested, U256::from(3)));
    }
}

#[test]
fn an_estimate_pays_for_the_access_list_of_a_type_1_request() {
    use alloy_eips::eip2930::{AccessList, AccessListItem};
    let mut node = node();
    let to = Address::repeat_byte(0x31);
    let access_list = AccessList(vec![AccessListItem {
        address: Address::repeat_byte(0x32),
        storage_keys: vec![B256::ZERO],
    }]);
    // No fee fields and an access list: an EIP-2930 request, as viem sends it.
    let request = TransactionRequest::default()
        .from(node.dev_account())
        .to(to)
        .access_list(access_list.clone());
    let estimate = node
        .estimate_gas(&request, BlockTag::Latest, None)
        .unwrap()
        .unwrap();
    // 21,000 + 2,400 per address + 1,900 per storage key (EIP-2930).
    assert_eq!(estimate, 21_000 + 2_400 + 1_900);

    let tx = TxEip2930 {
        chain_id: node.chain_id(),
        nonce: 0,
        gas_price: u128::from(node.base_fee()),
        gas_limit: estimate,
        to: TxKind::Call(to),
        value: U256::ZERO,
        access_list,
        input: Bytes::new(),
    };
    let hash = node.send_raw_transaction(&raw(tx)).unwrap();
    let mined = node.transaction(hash).unwrap();
    assert!(mined.receipt.status, "the estimate is enough");
    assert_eq!(mined.receipt.gas_used, estimate);
}

#[test]
fn an_estimate_pays_for_the_authorizations_of_a_type_4_request() {
    use alloy_eips::eip7702::Authorization;
    let node = node();
    let authorization = Authorization {
        chain_id: U256::from(node.chain_id()),
        address: Address::repeat_byte(0x41),
        nonce: 1,
    };
    let signature = dev_signer()
        .sign_hash_sync(&authorization.signature_hash())
        .unwrap();
    let mut request = TransactionRequest::default()
        .from(node.dev_account())
        .to(Address::repeat_byte(0x42))
        .max_fee_per_gas(u128::from(node.base_fee()))
        .max_priority_fee_per_gas(0);
    request.authorization_list = Some(vec![authorization.into_signed(signature)]);
    let estimate = node
        .estimate_gas(&request, BlockTag::Latest, None)
        .unwrap()
        .unwrap();
    // EIP-7702: 25,000 per authorization in the intrinsic gas (a refund of
    // 12,500 for an authority that exists comes after execution).
    assert!(estimate >= 21_000 + 25_000, "estimate {estimate}");
}

#[test]
fn refused_transactions_are_worded_as_geth_words_them() {
    // viem and ethers classify node errors by geth's messages (core/error.go).
    let mut node = node();
    let base_fee = u128::from(node.base_fee());
    let transfer = |nonce, gas_limit, max_fee, priority| TxEip1559 {
        chain_id: node.chain_id(),
        nonce,
        gas_limit,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: priority,
        to: TxKind::Call(Address::repeat_byte(0x51)),
        value: U256::ZERO,
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let refusal = |node: &mut Devnode, tx: TxEip1559| match node.send_raw_transaction(&raw(tx)) {
        Err(DevnodeError::Rejected(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let cases = [
        (transfer(0, 20_000, base_fee, 0), "intrinsic gas too low"),
        (
            transfer(0, 21_000, base_fee - 1, 0),
            "max fee per gas less than block base fee",
        ),
        (
            transfer(0, 21_000, base_fee, base_fee + 1),
            "max priority fee per gas higher than max fee per gas",
        ),
    ];
    for (tx, wording) in cases {
        let message = refusal(&mut node, tx);
        assert!(
            message.starts_with(wording),
            "{message:?} should start with {wording:?}"
        );
    }
}
