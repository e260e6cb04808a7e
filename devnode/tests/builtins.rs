//! Multicall3, StylusDeployer and the CacheManager at their addresses: the
//! behaviour of the Solidity contracts (mds1/multicall's Multicall3,
//! nitro-contracts' StylusDeployer and CacheManager) that tools rely on.

use crate::common::*;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use devnode::evm::builtins::cache_manager::ICacheManager;
use devnode::evm::builtins::deployer::IStylusDeployer;
use devnode::evm::builtins::multicall::IMulticall3;
use devnode::evm::builtins::{BUILTIN_CODE, CACHE_MANAGER, MULTICALL3, STYLUS_DEPLOYER};
use devnode::evm::precompiles::{ARB_WASM_CACHE, NETWORK_FEE_ACCOUNT};
use devnode::BlockTag;

sol! {
    interface IArbWasmCacheView {
        function allCacheManagers() external view returns (address[] memory managers);
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
    interface IArbWasmView {
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
    }
}

/// Increments storage slot 0 on every call and returns the new value.
const COUNTER: &str = r#"
(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $load (i32.const 0) (i32.const 32))
    (i32.store8 (i32.const 63) (i32.add (i32.load8_u (i32.const 63)) (i32.const 1)))
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 1))
    (call $write_result (i32.const 32) (i32.const 32))
    (i32.const 0)))
"#;

/// Reverts with 0xdead on every call.
const REVERTS_DEAD: &str = r#"
(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 0) "\de\ad")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $write_result (i32.const 0) (i32.const 2))
    (i32.const 1)))
"#;

/// EVM code that returns its caller as a word, and reverts when called with value.
fn returns_caller_code() -> Vec<u8> {
    // CALLVALUE ISZERO PUSH1 ok JUMPI  PUSH2 dead PUSH1 0 MSTORE PUSH1 32 PUSH1 0 REVERT
    // ok: JUMPDEST CALLER PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    vec![
        0x34, 0x15, 0x60, 0x10, 0x57, 0x61, 0xde, 0xad, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00,
        0xfd, 0x5b, 0x33, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
    ]
}

/// ArbWasm's compiled-size estimate of `codehash`.
fn asm_size(chain: &TestChain, codehash: B256) -> u64 {
    let out = chain.call(
        ARB_WASM,
        IArbWasmView::codehashAsmSizeCall { codehash }.abi_encode(),
    );
    u64::from(IArbWasmView::codehashAsmSizeCall::abi_decode_returns(&out.output).unwrap())
}

fn deploy_evm(chain: &mut TestChain, runtime: &[u8]) -> Address {
    let tx = chain.send(None, evm_init_code(runtime), U256::ZERO, None);
    assert!(tx.receipt.status);
    tx.receipt.contract_address.unwrap()
}

fn revert_reason(output: &[u8]) -> String {
    alloy_sol_types::Revert::abi_decode(output)
        .expect("an Error(string) revert")
        .reason
}

#[test]
fn the_builtins_have_code_at_their_addresses() {
    let chain = TestChain::new();
    for address in [MULTICALL3, STYLUS_DEPLOYER, CACHE_MANAGER] {
        let code = chain.node.code(address, BlockTag::Latest).unwrap();
        assert_eq!(code.as_ref(), BUILTIN_CODE, "{address}");
    }
}

#[test]
fn multicall3_aggregate3_calls_each_target_as_itself_and_reports_failures() {
    let mut chain = TestChain::new();
    let target = deploy_evm(&mut chain, &returns_caller_code());
    let reverting = deploy_evm(&mut chain, &[0x60, 0x00, 0x80, 0xfd]);
    let calls = vec![
        IMulticall3::Call3 {
            target,
            allowFailure: false,
            callData: Bytes::new(),
        },
        IMulticall3::Call3 {
            target: reverting,
            allowFailure: true,
            callData: Bytes::new(),
        },
    ];
    let out = chain.call(
        MULTICALL3,
        IMulticall3::aggregate3Call {
            calls: calls.clone(),
        }
        .abi_encode(),
    );
    assert!(out.success, "{:?}", out);
    let results = IMulticall3::aggregate3Call::abi_decode_returns(&out.output).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[0].success);
    // The target sees Multicall3 as its caller, as with the Solidity contract.
    assert_eq!(
        results[0].returnData.as_ref(),
        MULTICALL3.into_word().as_slice()
    );
    assert!(!results[1].success);

    // A failure that is not allowed reverts the whole batch with Multicall3's reason.
    let mut strict = calls;
    strict[1].allowFailure = false;
    let out = chain.call(
        MULTICALL3,
        IMulticall3::aggregate3Call { calls: strict }.abi_encode(),
    );
    assert!(!out.success);
    assert_eq!(revert_reason(&out.output), "Multicall3: call failed");
}

#[test]
fn multicall3_aggregate_and_block_views() {
    let mut chain = TestChain::new();
    let target = deploy_evm(&mut chain, &returns_caller_code());
    let calls = vec![
        IMulticall3::Call {
            target,
            callData: Bytes::new(),
        };
        3
    ];
    let out = chain.call(
        MULTICALL3,
        IMulticall3::aggregateCall { calls }.abi_encode(),
    );
    assert!(out.success);
    let result = IMulticall3::aggregateCall::abi_decode_returns(&out.output).unwrap();
    assert_eq!(result.returnData.len(), 3);
    let number = chain.call(MULTICALL3, IMulticall3::getBlockNumberCall {}.abi_encode());
    assert_eq!(
        IMulticall3::getBlockNumberCall::abi_decode_returns(&number.output).unwrap(),
        result.blockNumber
    );
    let chain_id = chain.call(MULTICALL3, IMulticall3::getChainIdCall {}.abi_encode());
    assert_eq!(
        IMulticall3::getChainIdCall::abi_decode_returns(&chain_id.output).unwrap(),
        U256::from(devnode::config::DEFAULT_CHAIN_ID)
    );
    let from = chain.from;
    let balance = chain.call(
        MULTICALL3,
        IMulticall3::getEthBalanceCall { addr: from }.abi_encode(),
    );
    assert_eq!(
        IMulticall3::getEthBalanceCall::abi_decode_returns(&balance.output).unwrap(),
        chain.node.balance(from, BlockTag::Latest).unwrap()
    );
    // A view refuses value, as a non-payable Solidity function does.
    let mut request = alloy_rpc_types_eth::TransactionRequest::default()
        .from(from)
        .to(MULTICALL3)
        .input(Bytes::from(IMulticall3::getBlockNumberCall {}.abi_encode()).into());
    request.value = Some(U256::from(1));
    let out = chain.node.call(&request, BlockTag::Latest, None).unwrap();
    assert!(!out.success);
}

#[test]
fn multicall3_aggregate3_value_forwards_value_and_checks_the_total() {
    let mut chain = TestChain::new();
    let counter = chain.deploy_wat(COUNTER);
    let one = U256::from(1_000_000u64);
    let calls = vec![
        IMulticall3::Call3Value {
            target: counter,
            allowFailure: false,
            value: one,
            callData: Bytes::new(),
        },
        IMulticall3::Call3Value {
            target: counter,
            allowFailure: false,
            value: one,
            callData: Bytes::new(),
        },
    ];
    let data = IMulticall3::aggregate3ValueCall {
        calls: calls.clone(),
    }
    .abi_encode();
    let tx = chain.send(Some(MULTICALL3), data.clone(), one * U256::from(2), None);
    assert!(tx.receipt.status, "{:?}", tx.receipt.output);
    assert_eq!(
        chain.node.balance(counter, BlockTag::Latest).unwrap(),
        one * U256::from(2)
    );
    assert_eq!(chain.storage(counter, 0), B256::with_last_byte(2));

    let tx = chain.send(Some(MULTICALL3), data, one * U256::from(3), None);
    assert!(!tx.receipt.status);
    assert_eq!(
        revert_reason(&tx.receipt.output),
        "Multicall3: value mismatch"
    );
    assert_eq!(
        chain.storage(counter, 0),
        B256::with_last_byte(2),
        "state unchanged"
    );
}

/// Init code of the COUNTER program, as cargo-stylus hands it to the deployer.
fn counter_init_code() -> Vec<u8> {
    deploy_init_code(&stylus_code(COUNTER))
}

fn deployed(tx: &devnode::MinedTransaction) -> Address {
    tx.receipt
        .logs
        .iter()
        .find(|log| log.address == STYLUS_DEPLOYER)
        .map(|log| {
            IStylusDeployer::ContractDeployed::decode_log_data(&log.data)
                .unwrap()
                .deployedContract
        })
        .expect("a ContractDeployed event")
}

#[test]
fn stylus_deployer_deploys_activates_constructs_and_refunds_in_one_transaction() {
    let mut chain = TestChain::new();
    let init_value = U256::from(7u64);
    let sent = U256::from(10u64).pow(U256::from(17u64));
    let fee_before = chain
        .node
        .balance(NETWORK_FEE_ACCOUNT, BlockTag::Latest)
        .unwrap();
    let call = IStylusDeployer::deployCall {
        bytecode: counter_init_code().into(),
        initData: Bytes::from_static(&[0x01]),
        initValue: init_value,
        salt: B256::ZERO,
    };
    let balance_before = chain.node.balance(chain.from, BlockTag::Latest).unwrap();
    let tx = chain.send(Some(STYLUS_DEPLOYER), call.abi_encode(), sent, None);
    assert!(tx.receipt.status, "{:?}", tx.receipt.output);
    let program = deployed(&tx);
    assert_eq!(
        IStylusDeployer::deployCall::abi_decode_returns(&tx.receipt.output).unwrap(),
        program
    );
    // Activated: ArbWasm knows the code hash.
    let codehash = keccak256(chain.node.code(program, BlockTag::Latest).unwrap());
    let version = chain.call(
        ARB_WASM,
        IArbWasmView::codehashVersionCall { codehash }.abi_encode(),
    );
    assert!(version.success, "program activated");
    // Constructed once, with the init value.
    assert_eq!(chain.storage(program, 0), B256::with_last_byte(1));
    assert_eq!(
        chain.node.balance(program, BlockTag::Latest).unwrap(),
        init_value
    );
    // Only the data fee and the init value left the sender (plus gas).
    let data_fee = chain
        .node
        .balance(NETWORK_FEE_ACCOUNT, BlockTag::Latest)
        .unwrap()
        - fee_before;
    assert!(data_fee > U256::ZERO);
    let gas_paid = U256::from(tx.receipt.gas_used) * U256::from(tx.receipt.effective_gas_price);
    let balance_after = chain.node.balance(chain.from, BlockTag::Latest).unwrap();
    assert_eq!(
        balance_before - balance_after,
        data_fee + init_value + gas_paid
    );
    assert_eq!(
        chain
            .node
            .balance(STYLUS_DEPLOYER, BlockTag::Latest)
            .unwrap(),
        U256::ZERO
    );

    // The same code again needs no activation, so no data fee.
    let tx = chain.send(Some(STYLUS_DEPLOYER), call.abi_encode(), sent, None);
    assert!(tx.receipt.status);
    let fee_after = chain
        .node
        .balance(NETWORK_FEE_ACCOUNT, BlockTag::Latest)
        .unwrap();
    assert_eq!(fee_after - fee_before, data_fee);
}

#[test]
fn stylus_deployer_create2_salt_is_bound_to_the_init_data() {
    let mut chain = TestChain::new();
    let salt = B256::with_last_byte(9);
    let init_data = Bytes::from_static(&[0xaa, 0xbb]);
    let bytecode = counter_init_code();
    let call = IStylusDeployer::deployCall {
        bytecode: bytecode.clone().into(),
        initData: init_data.clone(),
        initValue: U256::ZERO,
        salt,
    };
    let tx = chain.send(
        Some(STYLUS_DEPLOYER),
        call.abi_encode(),
        U256::from(10u64).pow(U256::from(17u64)),
        None,
    );
    assert!(tx.receipt.status, "{:?}", tx.receipt.output);
    let mut preimage = salt.to_vec();
    preimage.extend_from_slice(&init_data);
    let bound = keccak256(preimage);
    assert_eq!(
        deployed(&tx),
        STYLUS_DEPLOYER.create2(bound, keccak256(&bytecode))
    );
    let out = chain.call(
        STYLUS_DEPLOYER,
        IStylusDeployer::initSaltCall {
            salt,
            initData: init_data,
        }
        .abi_encode(),
    );
    assert_eq!(
        IStylusDeployer::initSaltCall::abi_decode_returns(&out.output).unwrap(),
        bound
    );
}

#[test]
fn stylus_deployer_refuses_empty_code_a_value_without_init_data_and_a_failing_constructor() {
    let mut chain = TestChain::new();
    let empty = IStylusDeployer::deployCall {
        bytecode: Bytes::new(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let tx = chain.send(Some(STYLUS_DEPLOYER), empty.abi_encode(), U256::ZERO, None);
    assert!(!tx.receipt.status);
    assert_eq!(
        tx.receipt.output.as_ref(),
        IStylusDeployer::EmptyBytecode {}.abi_encode().as_slice()
    );

    let value_only = IStylusDeployer::deployCall {
        bytecode: counter_init_code().into(),
        initData: Bytes::new(),
        initValue: U256::from(1),
        salt: B256::ZERO,
    };
    let tx = chain.send(
        Some(STYLUS_DEPLOYER),
        value_only.abi_encode(),
        U256::from(10u64).pow(U256::from(17u64)),
        None,
    );
    assert!(!tx.receipt.status);
    assert_eq!(
        tx.receipt.output.as_ref(),
        IStylusDeployer::InitValueButNotInitData {}
            .abi_encode()
            .as_slice()
    );

    // A constructor that reverts: ContractInitializationError with its revert data.
    let failing = IStylusDeployer::deployCall {
        bytecode: deploy_init_code(&stylus_code(REVERTS_DEAD)).into(),
        initData: Bytes::from_static(&[0x01]),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let tx = chain.send(
        Some(STYLUS_DEPLOYER),
        failing.abi_encode(),
        U256::from(10u64).pow(U256::from(17u64)),
        None,
    );
    assert!(!tx.receipt.status);
    let error = IStylusDeployer::ContractInitializationError::abi_decode(&tx.receipt.output)
        .expect("ContractInitializationError");
    assert_eq!(error.data.as_ref(), &[0xde, 0xad]);

    // EVM code is not a program: ArbWasm's refusal of its activation is passed
    // on — before ArbOS 60 a plain error (no data), from 60 `ProgramNotWasm()`.
    let evm = IStylusDeployer::deployCall {
        bytecode: evm_init_code(&[0x60, 0x00, 0x80, 0xfd]).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let tx = chain.send(Some(STYLUS_DEPLOYER), evm.abi_encode(), U256::ZERO, None);
    assert!(!tx.receipt.status);
    assert!(tx.receipt.output.is_empty());
    let mut elara = TestChain::at(61);
    let tx = elara.send(Some(STYLUS_DEPLOYER), evm.abi_encode(), U256::ZERO, None);
    assert!(!tx.receipt.status);
    assert_eq!(
        tx.receipt.output.as_ref(),
        alloy_primitives::keccak256("ProgramNotWasm()")[..4].as_ref()
    );
}

#[test]
fn cache_manager_is_the_last_cache_manager_and_a_bid_caches_the_program() {
    let mut chain = TestChain::new();
    let managers = chain.call(
        ARB_WASM_CACHE,
        IArbWasmCacheView::allCacheManagersCall {}.abi_encode(),
    );
    let managers =
        IArbWasmCacheView::allCacheManagersCall::abi_decode_returns(&managers.output).unwrap();
    assert_eq!(managers.last(), Some(&CACHE_MANAGER));

    let paused = chain.call(CACHE_MANAGER, ICacheManager::isPausedCall {}.abi_encode());
    assert!(!ICacheManager::isPausedCall::abi_decode_returns(&paused.output).unwrap());
    let min = chain.call(
        CACHE_MANAGER,
        ICacheManager::getMinBid_1Call { size: 24 * 1024 }.abi_encode(),
    );
    assert!(min.success);
    assert_eq!(
        ICacheManager::getMinBid_1Call::abi_decode_returns(&min.output).unwrap(),
        alloy_primitives::aliases::U192::ZERO,
        "an empty cache takes any bid"
    );

    let program = chain.deploy_wat(COUNTER);
    let codehash = keccak256(chain.node.code(program, BlockTag::Latest).unwrap());
    let tx = chain.send(
        Some(CACHE_MANAGER),
        ICacheManager::placeBidCall { program }.abi_encode(),
        U256::from(5),
        None,
    );
    assert!(tx.receipt.status, "{:?}", tx.receipt.output);
    let cached = chain.call(
        ARB_WASM_CACHE,
        IArbWasmCacheView::codehashIsCachedCall { codehash }.abi_encode(),
    );
    assert!(IArbWasmCacheView::codehashIsCachedCall::abi_decode_returns(&cached.output).unwrap());
    let insert = tx
        .receipt
        .logs
        .iter()
        .find_map(|log| ICacheManager::InsertBid::decode_log_data(&log.data).ok())
        .expect("InsertBid");
    assert_eq!(insert.codehash, codehash);
    assert_eq!(
        insert.size,
        asm_size(&chain, codehash).max(4096),
        "the compiled size, at least 4 KiB"
    );

    // A second bid for the same code is refused.
    let tx = chain.send(
        Some(CACHE_MANAGER),
        ICacheManager::placeBidCall { program }.abi_encode(),
        U256::ZERO,
        None,
    );
    assert_eq!(
        tx.receipt.output.as_ref(),
        ICacheManager::AlreadyCached { codehash }
            .abi_encode()
            .as_slice()
    );
    // Code that is not an activated program cannot be bid for.
    let plain = deploy_evm(&mut chain, &returns_caller_code());
    let tx = chain.send(
        Some(CACHE_MANAGER),
        ICacheManager::placeBidCall { program: plain }.abi_encode(),
        U256::ZERO,
        None,
    );
    assert_eq!(
        tx.receipt.output.as_ref(),
        ICacheManager::ProgramNotActivated {}
            .abi_encode()
            .as_slice()
    );
}

#[test]
fn cache_manager_evicts_the_lowest_bid_when_full_and_refuses_a_lower_one() {
    let mut chain = TestChain::new();
    let first = chain.deploy_wat(COUNTER);
    let second = chain.deploy_wat(&COUNTER.replace("(i32.const 1)))", "(i32.const 2)))"));
    // Room for one of the two only; the chain owner (the dev account) may resize.
    let size = asm_size(
        &chain,
        keccak256(chain.node.code(first, BlockTag::Latest).unwrap()),
    );
    let tx = chain.send(
        Some(CACHE_MANAGER),
        ICacheManager::setCacheSizeCall {
            newSize: size.max(4096) + 1,
        }
        .abi_encode(),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status);
    let bid = |chain: &mut TestChain, program, value: u64| {
        chain.send(
            Some(CACHE_MANAGER),
            ICacheManager::placeBidCall { program }.abi_encode(),
            U256::from(value),
            None,
        )
    };
    assert!(bid(&mut chain, first, 10).receipt.status);
    // Below the cached program's bid: refused, nothing evicted.
    let low = bid(&mut chain, second, 3);
    let refused = ICacheManager::BidTooSmall::abi_decode(&low.receipt.output).expect("BidTooSmall");
    assert_eq!(refused.min.to::<u64>(), 10);
    let min = chain.call(
        CACHE_MANAGER,
        ICacheManager::getMinBid_0Call { program: second }.abi_encode(),
    );
    assert_eq!(
        ICacheManager::getMinBid_0Call::abi_decode_returns(&min.output)
            .unwrap()
            .to::<u64>(),
        10
    );
    // At the minimum: the first program is evicted and the second cached.
    let tx = bid(&mut chain, second, 10);
    assert!(tx.receipt.status, "{:?}", tx.receipt.output);
    let first_hash = keccak256(chain.node.code(first, BlockTag::Latest).unwrap());
    let cached = chain.call(
        ARB_WASM_CACHE,
        IArbWasmCacheView::codehashIsCachedCall {
            codehash: first_hash,
        }
        .abi_encode(),
    );
    assert!(!IArbWasmCacheView::codehashIsCachedCall::abi_decode_returns(&cached.output).unwrap());
    assert!(tx
        .receipt
        .logs
        .iter()
        .any(|log| ICacheManager::DeleteBid::decode_log_data(&log.data).is_ok()));
    let entries = chain.call(
        CACHE_MANAGER,
        ICacheManager::getSmallestEntriesCall { k: U256::from(5) }.abi_encode(),
    );
    let entries =
        ICacheManager::getSmallestEntriesCall::abi_decode_returns(&entries.output).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].code,
        keccak256(chain.node.code(second, BlockTag::Latest).unwrap())
    );

    // Only the chain owner configures the cache.
    let stranger = chain.node.accounts()[1];
    let mut request = alloy_rpc_types_eth::TransactionRequest::default()
        .from(stranger)
        .to(CACHE_MANAGER)
        .input(Bytes::from(ICacheManager::pausedCall {}.abi_encode()).into());
    request.gas = Some(1_000_000);
    let out = chain.node.call(&request, BlockTag::Latest, None).unwrap();
    assert_eq!(
        out.output.as_ref(),
        ICacheManager::NotChainOwner { sender: stranger }
            .abi_encode()
            .as_slice()
    );
}

#[test]
fn multicall3_block_hashes_are_blockhash_answers() {
    let mut chain = TestChain::new();
    for _ in 0..3 {
        chain.send(Some(chain.from), Vec::new(), U256::ZERO, None);
    }
    // A call at `latest` runs in the next block's context, so the last block
    // hash is the latest block's.
    let latest = chain.node.block_number();
    let expected = chain.node.block(latest).expect("latest block").hash;
    let out = chain.call(
        MULTICALL3,
        IMulticall3::getLastBlockHashCall {}.abi_encode(),
    );
    assert_eq!(
        IMulticall3::getLastBlockHashCall::abi_decode_returns(&out.output).unwrap(),
        expected
    );
    let earlier = chain.node.block(latest - 1).expect("block").hash;
    let out = chain.call(
        MULTICALL3,
        IMulticall3::getBlockHashCall {
            blockNumber: U256::from(latest - 1),
        }
        .abi_encode(),
    );
    assert_eq!(
        IMulticall3::getBlockHashCall::abi_decode_returns(&out.output).unwrap(),
        earlier
    );
    // The current block's own hash is not known yet: zero, as BLOCKHASH says.
    let out = chain.call(
        MULTICALL3,
        IMulticall3::getBlockHashCall {
            blockNumber: U256::from(latest + 1),
        }
        .abi_encode(),
    );
    assert_eq!(
        IMulticall3::getBlockHashCall::abi_decode_returns(&out.output).unwrap(),
        B256::ZERO
    );
}
