//! Conformance of Stylus execution: every host function, nested calls in all
//! directions, reverts, storage cache, logs, creates, ink and stack limits,
//! memory growth.

use crate::common::*;
use alloy_primitives::{keccak256, Address, B256, U256};

fn setup() -> (TestChain, Address, Address) {
    let mut chain = TestChain::new();
    let a = chain.deploy_wat(CONFORMANCE);
    // A second program with different code (a trailing custom section) so codehashes differ.
    let b = chain.deploy_wat(&CONFORMANCE.replacen("(module", "(module $second", 1));
    (chain, a, b)
}

#[test]
fn environment_hostios_report_the_call_context() {
    let (mut chain, a, _) = setup();
    let value = U256::from(12345);
    let tx = chain.send(Some(a), cmd(13, &[]), value, None);
    assert!(tx.receipt.status);
    let out = chain.call(a, cmd(13, &[]));
    assert!(out.success);
    let env = out.output;
    assert_eq!(&env[0..20], chain.from.as_slice(), "msg_sender");
    assert_eq!(&env[20..52], &[0u8; 32], "msg_value of the call");
    assert_eq!(&env[52..72], a.as_slice(), "contract_address");
    assert_eq!(&env[72..92], chain.from.as_slice(), "tx_origin");
    assert_eq!(
        &env[92..112],
        devnode::chain::SEQUENCER.as_slice(),
        "block_coinbase"
    );
    assert_eq!(
        U256::from_be_slice(&env[112..144]),
        U256::ZERO,
        "basefee of a call without a gas price (geth's doCall)"
    );
    assert_eq!(
        U256::from_be_slice(&tx.receipt.output[112..144]),
        U256::from(chain.node.base_fee()),
        "basefee of a transaction"
    );
    let number = u64::from_le_bytes(env[176..184].try_into().unwrap());
    assert_eq!(
        number,
        chain.node.block_number() + 1,
        "pending block number"
    );
    assert_eq!(
        u64::from_le_bytes(env[192..200].try_into().unwrap()),
        412_346,
        "chainid"
    );
    assert_eq!(
        u32::from_le_bytes(env[208..212].try_into().unwrap()),
        0,
        "not reentrant"
    );
    assert_eq!(
        u32::from_le_bytes(env[212..216].try_into().unwrap()),
        10_000,
        "ink price"
    );
    // The program kept the value sent to it.
    assert_eq!(chain.balance(a), value);
}

#[test]
fn storage_transient_keccak_and_math() {
    let (mut chain, a, _) = setup();
    let tx = chain.send(Some(a), cmd(7, &[&word(5), &word(77)]), U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(chain.storage(a, 5), B256::from(word(77)));
    assert_eq!(
        chain.call(a, cmd(8, &[&word(5)])).output.as_ref(),
        &word(77)
    );

    // Transient storage lives for one transaction only.
    assert_eq!(
        chain
            .call(a, cmd(16, &[&word(1), &word(9)]))
            .output
            .as_ref(),
        &word(9)
    );
    assert!(
        chain
            .send(Some(a), cmd(16, &[&word(1), &word(9)]), U256::ZERO, None)
            .receipt
            .status
    );
    assert_eq!(
        chain.call(a, cmd(16, &[&word(1)])).output.as_ref(),
        &word(0)
    );

    assert_eq!(
        chain.call(a, cmd(14, &[b"stylus"])).output.as_ref(),
        keccak256(b"stylus").as_slice()
    );

    let math = |op: u8, x: u64, y: u64, m: u64| {
        chain
            .call(a, cmd(15, &[&[op], &word(x), &word(y), &word(m)]))
            .output
    };
    assert_eq!(math(0, 100, 7, 0).as_ref(), &word(14));
    assert_eq!(
        math(0, 100, 0, 0).as_ref(),
        &word(0),
        "division by zero is zero"
    );
    assert_eq!(math(1, 100, 7, 0).as_ref(), &word(2));
    assert_eq!(math(2, 3, 5, 0).as_ref(), &word(243));
    assert_eq!(math(3, 10, 5, 7).as_ref(), &word(1));
    assert_eq!(math(4, 10, 5, 7).as_ref(), &word(1));
}

#[test]
fn stylus_to_stylus_call_with_value() {
    let (mut chain, a, b) = setup();
    let value = U256::from(1_000_000u64);
    let call = cmd(
        1,
        &[b.as_slice(), &value.to_be_bytes::<32>(), &cmd(13, &[])],
    );
    let tx = chain.send(Some(a), call, value, None);
    assert!(tx.receipt.status);
    assert_eq!(chain.balance(b), value, "value moved from A to B");
    assert_eq!(chain.balance(a), U256::ZERO);
    let out = tx.receipt.output;
    assert_eq!(out[0], 0, "call succeeded");
    let env = &out[1..];
    assert_eq!(&env[0..20], a.as_slice(), "B sees A as sender");
    assert_eq!(U256::from_be_slice(&env[20..52]), value, "B sees the value");
    assert_eq!(&env[72..92], chain.from.as_slice(), "origin is the EOA");
}

#[test]
fn evm_to_stylus_and_stylus_to_evm() {
    let (mut chain, a, _) = setup();
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let store = chain.deploy_evm(EVM_STORE);

    // EVM -> Stylus: the program sees the forwarder as its sender.
    let mut data = a.to_vec();
    data.extend(cmd(13, &[]));
    let out = chain.call(forwarder, data);
    assert!(out.success);
    assert_eq!(&out.output[0..20], forwarder.as_slice());

    // Stylus -> EVM: the EVM contract's storage changes and its output comes back.
    let call = cmd(1, &[store.as_slice(), &word(0), &word(4242)]);
    let tx = chain.send(Some(a), call, U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output[0], 0);
    assert_eq!(&tx.receipt.output[1..], &word(4242));
    assert_eq!(chain.storage(store, 0), B256::from(word(4242)));

    // Stylus -> EVM -> Stylus: a round trip through the forwarder.
    let mut inner = a.to_vec();
    inner.extend(cmd(8, &[&word(0)]));
    let call = cmd(1, &[forwarder.as_slice(), &word(0), &inner]);
    let out = chain.call(a, call);
    assert!(out.success);
    assert_eq!(out.output[0], 0);
    assert_eq!(&out.output[1..], &word(0));
}

#[test]
fn delegate_and_static_calls() {
    let (mut chain, a, b) = setup();
    // A delegate-calls B's store: A's storage changes, B's does not.
    let tx = chain.send(
        Some(a),
        cmd(2, &[b.as_slice(), &cmd(7, &[&word(3), &word(33)])]),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output[0], 0);
    assert_eq!(chain.storage(a, 3), B256::from(word(33)));
    assert_eq!(chain.storage(b, 3), B256::ZERO);

    // A static call may not write.
    let tx = chain.send(
        Some(a),
        cmd(3, &[b.as_slice(), &cmd(7, &[&word(3), &word(34)])]),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status);
    assert_eq!(
        tx.receipt.output[0], 2,
        "the static callee failed (Nitro's failure status)"
    );
    assert_eq!(chain.storage(b, 3), B256::ZERO);
    // ...but may read.
    let out = chain.call(a, cmd(3, &[a.as_slice(), &cmd(8, &[&word(3)])]));
    assert_eq!(&out.output[1..], &word(33));
}

#[test]
fn reverts_in_nested_calls_roll_back_only_the_callee() {
    let (mut chain, a, b) = setup();
    let store = chain.deploy_evm(EVM_STORE);
    // A -> B (reverts after) -> EVM store: the store is rolled back, A sees B's revert data.
    let middle = cmd(23, &[store.as_slice(), &word(0), &word(99)]);
    let call = cmd(1, &[b.as_slice(), &word(0), &middle]);
    let tx = chain.send(Some(a), call, U256::ZERO, None);
    assert!(tx.receipt.status, "A itself succeeds");
    assert_eq!(
        tx.receipt.output[0], 2,
        "B reverted: a failed call is status 2"
    );
    assert_eq!(
        &tx.receipt.output[1..],
        [&[0u8][..], &word(99)].concat().as_slice(),
        "B's revert data"
    );
    assert_eq!(
        chain.storage(store, 0),
        B256::ZERO,
        "the store under B was rolled back"
    );

    // Revert data of a top-level revert reaches the caller.
    let out = chain.call(a, cmd(9, &[b"custom error"]));
    assert!(out.reverted);
    assert_eq!(out.output.as_ref(), b"custom error");

    // exit_early: status 0 returns data, non-zero reverts with it.
    let out = chain.call(a, cmd(18, &[&[0], b"early"]));
    assert!(out.success);
    assert_eq!(out.output.as_ref(), b"early");
    let out = chain.call(a, cmd(18, &[&[1], b"early"]));
    assert!(out.reverted);
    assert_eq!(out.output.as_ref(), b"early");
}

#[test]
fn storage_cache_is_flushed_only_on_request() {
    let (mut chain, a, _) = setup();
    // A caches slot 8 = 5, then re-enters itself to read slot 8 before flushing:
    // the nested frame reads state, which does not have the cached write yet.
    let call = cmd(
        19,
        &[&word(8), &word(5), a.as_slice(), &cmd(8, &[&word(8)])],
    );
    let tx = chain.send(Some(a), call, U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output[0], 0);
    assert_eq!(
        &tx.receipt.output[1..],
        &word(0),
        "nested read saw the flushed state"
    );
    assert_eq!(
        chain.storage(a, 8),
        B256::from(word(5)),
        "the final flush wrote the slot"
    );

    // Re-entering the same program is reported by msg_reentrant.
    let out = chain.call(a, cmd(1, &[a.as_slice(), &word(0), &cmd(13, &[])]));
    assert_eq!(out.output[0], 0);
    assert_eq!(
        u32::from_le_bytes(out.output[1 + 208..1 + 212].try_into().unwrap()),
        1
    );
}

/// `msg_reentrant` as the environment command (13) of a nested call reports
/// it: the output of `call` is the forwarder's status byte, then the
/// environment.
fn nested_reentrant_flag(output: &[u8]) -> u32 {
    assert_eq!(output[0], 0, "the nested call succeeded");
    u32::from_le_bytes(output[1 + 208..1 + 212].try_into().unwrap())
}

#[test]
fn a_program_reached_by_delegate_call_is_not_reentrant() {
    // Nitro counts only frames running an address's own code
    // (arbos/tx_processor.go PushContract): a Stylus proxy delegating to a
    // Stylus implementation, or a program delegating to itself, is one frame.
    let (chain, a, b) = setup();
    let out = chain.call(a, cmd(2, &[b.as_slice(), &cmd(13, &[])]));
    assert_eq!(nested_reentrant_flag(&out.output), 0, "A delegating to B");
    let out = chain.call(a, cmd(2, &[a.as_slice(), &cmd(13, &[])]));
    assert_eq!(
        nested_reentrant_flag(&out.output),
        0,
        "A delegating to itself"
    );

    // An EVM proxy delegating to a program: the program acts as the proxy,
    // whose only own frame is the proxy's.
    let mut chain = chain;
    let proxy = chain.deploy_evm(EVM_DELEGATE_FORWARDER);
    let out = chain.call(proxy, [a.as_slice(), &cmd(13, &[])].concat());
    assert!(out.success);
    assert_eq!(
        u32::from_le_bytes(out.output[208..212].try_into().unwrap()),
        0,
        "implementation behind an EVM proxy"
    );
}

#[test]
fn reentry_through_evm_frames_is_reentrant() {
    let (mut chain, a, _) = setup();
    // A -> EVM forwarder -> A: A's own code runs twice.
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let back_to_a = [a.as_slice(), &cmd(13, &[])].concat();
    let out = chain.call(a, cmd(1, &[forwarder.as_slice(), &word(0), &back_to_a]));
    assert_eq!(nested_reentrant_flag(&out.output), 1);

    // proxy (EVM) -> delegate to A's code -> call proxy -> delegate to A's
    // code again: the proxy's own EVM frame is open twice, so the second
    // program frame acting as the proxy is re-entrant; a single one is not.
    let proxy = chain.deploy_evm(EVM_DELEGATE_FORWARDER);
    let inner = [a.as_slice(), &cmd(13, &[])].concat();
    let call_proxy_again = cmd(1, &[proxy.as_slice(), &word(0), &inner]);
    let out = chain.call(proxy, [a.as_slice(), &call_proxy_again].concat());
    assert!(out.success);
    assert_eq!(out.output[0], 0);
    assert_eq!(
        u32::from_le_bytes(out.output[1 + 208..1 + 212].try_into().unwrap()),
        1,
        "the second program frame acting as the proxy"
    );
    let out = chain.call(proxy, [a.as_slice(), &cmd(13, &[])].concat());
    assert_eq!(
        u32::from_le_bytes(out.output[208..212].try_into().unwrap()),
        0,
        "the first one"
    );

    // Re-entry seen only through EVM frames: no program has run as the
    // proxy before the one that reads the flag.
    let to_proxy = [proxy.as_slice(), a.as_slice(), &cmd(13, &[])].concat();
    let via_forwarder = [forwarder.as_slice(), &to_proxy].concat();
    // proxy -> delegate to the EVM forwarder's code (acting as the proxy,
    // calls the proxy) -> proxy -> delegate to A's code.
    let out = chain.call(proxy, via_forwarder);
    assert!(out.success);
    assert_eq!(
        u32::from_le_bytes(out.output[208..212].try_into().unwrap()),
        1,
        "re-entry seen through EVM frames only"
    );
}

#[test]
fn logs_reach_the_receipt() {
    let (mut chain, a, _) = setup();
    let topic = keccak256("Transfer(address,address,uint256)");
    let tx = chain.send(
        Some(a),
        cmd(6, &[&[2], topic.as_slice(), &word(7), b"payload"]),
        U256::ZERO,
        None,
    );
    assert!(tx.receipt.status);
    let log = &tx.receipt.logs[0];
    assert_eq!(log.address, a);
    assert_eq!(log.topics(), &[topic, B256::from(word(7))]);
    assert_eq!(log.data.data.as_ref(), b"payload");
    assert!(tx
        .receipt
        .logs_bloom
        .contains_input(alloy_primitives::BloomInput::Raw(topic.as_slice())));
    // Bad topic data fails the program.
    assert!(
        !chain
            .send(Some(a), cmd(6, &[&[5], &[0u8; 200]]), U256::ZERO, None)
            .receipt
            .status
    );
    // Logs are refused in static calls.
    let out = chain.call(a, cmd(3, &[a.as_slice(), &cmd(6, &[&[0], b"x"])]));
    assert_eq!(out.output[0], 2);
}

#[test]
fn create1_and_create2() {
    let (mut chain, a, _) = setup();
    let init = evm_init_code(&alloy_primitives::hex::decode(EVM_STORE).unwrap());
    let tx = chain.send(Some(a), cmd(4, &[&word(0), &init]), U256::ZERO, None);
    assert!(tx.receipt.status);
    let created = Address::from_slice(&tx.receipt.output[0..20]);
    assert_eq!(
        created,
        a.create(1),
        "CREATE address from the program's nonce"
    );
    assert_eq!(
        chain
            .node
            .code(created, devnode::BlockTag::Latest)
            .unwrap()
            .len(),
        15
    );

    let salt = word(0x5a17);
    let tx = chain.send(Some(a), cmd(5, &[&word(0), &salt, &init]), U256::ZERO, None);
    assert!(tx.receipt.status);
    let created = Address::from_slice(&tx.receipt.output[0..20]);
    assert_eq!(created, a.create2(salt, keccak256(&init)));

    // Reverting init code: zero address and the revert data.
    let reverting = alloy_primitives::hex::decode("60aa60005360016000fd").unwrap();
    let tx = chain.send(Some(a), cmd(4, &[&word(0), &reverting]), U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(&tx.receipt.output[0..20], Address::ZERO.as_slice());
    assert_eq!(&tx.receipt.output[20..], &[0xaa]);

    // Stylus code itself can be deployed from a program (EIP-3541 is relaxed for it).
    let stylus = deploy_init_code(&stylus_code(CONFORMANCE));
    let tx = chain.send(Some(a), cmd(4, &[&word(0), &stylus]), U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_ne!(&tx.receipt.output[0..20], Address::ZERO.as_slice());
    // Other 0xEF code is still rejected.
    let ef = evm_init_code(&[0xEF, 0x00]);
    let tx = chain.send(None, ef, U256::ZERO, None);
    assert!(!tx.receipt.status);
}

#[test]
fn out_of_ink_consumes_all_gas() {
    let (mut chain, a, _) = setup();
    let tx = chain.send(Some(a), cmd(10, &[]), U256::ZERO, Some(1_000_000));
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, 1_000_000);
    // A caller survives its callee running out of ink.
    let tx = chain.send(
        Some(a),
        cmd(1, &[a.as_slice(), &word(0), &cmd(10, &[])]),
        U256::ZERO,
        Some(2_000_000),
    );
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output[0], 2);
}

#[test]
fn deep_recursion_hits_the_stack_limit() {
    let (mut chain, a, _) = setup();
    let out = chain.call(a, cmd(11, &[&100u32.to_le_bytes()]));
    assert!(out.success);
    assert_eq!(out.output.as_ref(), &100u32.to_le_bytes());
    let tx = chain.send(
        Some(a),
        cmd(11, &[&100_000u32.to_le_bytes()]),
        U256::ZERO,
        Some(5_000_000),
    );
    assert!(
        !tx.receipt.status,
        "the depth checker stops unbounded recursion"
    );
    assert_eq!(
        tx.receipt.gas_used, 5_000_000,
        "out of stack consumes all gas"
    );
}

#[test]
fn memory_growth_is_paid_and_bounded() {
    let (mut chain, a, _) = setup();
    let small = chain.send(Some(a), cmd(12, &[&[0]]), U256::ZERO, None);
    let grown = chain.send(Some(a), cmd(12, &[&[4]]), U256::ZERO, None);
    assert!(grown.receipt.status);
    assert_eq!(&grown.receipt.output[0..4], &1i32.to_le_bytes(), "old size");
    assert_eq!(&grown.receipt.output[4..8], &5i32.to_le_bytes(), "new size");
    // Pages 3..=5 are beyond the 2 free ones: 3 * 1000 gas plus the ramp (exp(5) - exp(1) = 0).
    assert!(grown.receipt.gas_used >= small.receipt.gas_used + 3_000);
    assert!(grown.receipt.gas_used < small.receipt.gas_used + 3_100);
    // Pages beyond the 128-page limit cannot be paid for: as on Nitro the
    // program runs out of gas in pay_for_memory_grow.
    let tx = chain.send(Some(a), cmd(12, &[&[200]]), U256::ZERO, Some(3_000_000));
    assert!(!tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, 3_000_000);
}

#[test]
fn account_hostios() {
    let (mut chain, a, b) = setup();
    let out = chain.call(a, cmd(17, &[b.as_slice()]));
    assert!(out.success);
    let code = chain.node.code(b, devnode::BlockTag::Latest).unwrap();
    assert_eq!(U256::from_be_slice(&out.output[0..32]), U256::ZERO);
    assert_eq!(
        u32::from_le_bytes(out.output[32..36].try_into().unwrap()) as usize,
        code.len()
    );
    assert_eq!(&out.output[36..68], keccak256(&code).as_slice());
    let out = chain.call(
        a,
        cmd(
            22,
            &[b.as_slice(), &1u32.to_le_bytes(), &3u32.to_le_bytes()],
        ),
    );
    assert_eq!(out.output.as_ref(), &code[1..4]);
    let out = chain.call(a, cmd(21, &[a.as_slice(), &cmd(14, &[b"x"])]));
    assert_eq!(
        out.output.as_ref(),
        &32u32.to_le_bytes(),
        "return_data_size after a call"
    );
    let out = chain.call(a, cmd(20, &[]));
    let gas = u64::from_le_bytes(out.output[0..8].try_into().unwrap());
    let ink = u64::from_le_bytes(out.output[8..16].try_into().unwrap());
    // evm_ink_left runs one hostio and one basic block (< 3 gas of ink) after evm_gas_left.
    assert!(
        gas > 0 && ink / 10_000 <= gas && gas - ink / 10_000 <= 3,
        "gas {gas} ink {ink}"
    );
    let _ = chain.send(Some(a), cmd(0, &[]), U256::ZERO, None);
}

#[test]
fn deeply_nested_program_calls() {
    let (mut chain, a, _) = setup();
    // A calls itself 300 levels deep, each level through call_contract.
    let mut data = cmd(0, &[]);
    for _ in 0..300 {
        data = cmd(1, &[a.as_slice(), &word(0), &data]);
    }
    let tx = chain.send(Some(a), data, U256::ZERO, Some(30_000_000));
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.output[0], 0, "every level succeeded");

    // Past what gas (63/64 rule) and the 1024 call depth allow, inner levels
    // fail and the outer ones see a failed call, without harming the node.
    let mut data = cmd(0, &[]);
    for _ in 0..1100 {
        data = cmd(1, &[a.as_slice(), &word(0), &data]);
    }
    let tx = chain.send(Some(a), data, U256::ZERO, Some(30_000_000));
    assert!(tx.receipt.status);
    // Each level prepends its callee's status byte: zeros down to the level
    // whose callee failed.
    let statuses = &tx.receipt.output;
    assert!(statuses.len() < 1100, "the chain stopped early");
    assert_eq!(
        statuses.last(),
        Some(&2),
        "the deepest call failed (status 2)"
    );
    assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 0));
}

#[test]
fn console_functions_of_debug_mode() {
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module
          (import "console" "log_txt" (func $log (param i32 i32)))
          (import "console" "tee_i32" (func $tee (param i32) (result i32)))
          (memory (export "memory") 1 1)
          (data (i32.const 0) "hello from a program")
          (func (export "user_entrypoint") (param i32) (result i32)
            (call $log (i32.const 0) (i32.const 20))
            (i32.sub (call $tee (i32.const 7)) (i32.const 7))))"#,
    );
    assert!(chain.call(program, vec![]).success);
}

#[test]
fn out_of_bounds_pointers_fail_the_program() {
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(
        r#"(module
          (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            (call $write_result (i32.const 65000) (i32.const 1000))
            (i32.const 0)))"#,
    );
    let out = chain.call(program, vec![]);
    assert!(
        out.reverted && out.output.is_empty(),
        "a failed hostio reverts without data"
    );
    let tx = chain.send(Some(program), vec![], U256::ZERO, Some(1_000_000));
    assert!(!tx.receipt.status);
    assert!(
        tx.receipt.gas_used < 1_000_000,
        "a failure is not out of gas: unused gas is returned"
    );
}
