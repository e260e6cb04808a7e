//! `debug_traceTransaction` / `debug_traceCall` with geth's `callTracer`:
//! the call tree of EVM and Stylus frames, in geth's JSON shape.

use crate::common::*;
use alloy_primitives::{hex, Address, Bytes, U256};
use alloy_sol_types::{Revert, SolError};
use devnode::rpc::methods::{dispatch, RpcError};
use serde_json::{json, Value};

fn rpc(chain: &mut TestChain, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = params.as_array().cloned().unwrap_or_default();
    dispatch(&mut chain.node, method, &params)
}

fn call_tracer() -> Value {
    json!({ "tracer": "callTracer" })
}

fn lower(address: Address) -> Value {
    json!(format!("{address:#x}"))
}

fn quantity(value: u64) -> Value {
    json!(format!("{value:#x}"))
}

/// EVM runtime that reverts with `Error(reason)`.
fn reverter_runtime(reason: &str) -> String {
    let data = Revert::from(reason).abi_encode();
    let len = u8::try_from(data.len()).unwrap();
    let code = [
        0x60, len, 0x60, 13, 0x60, 0x00, 0x39, // CODECOPY(0, 13, len)
        0x60, len, 0x60, 0x00, 0xfd, // REVERT(0, len)
        0x00,
    ];
    hex::encode([&code[..], &data].concat())
}

#[test]
fn trace_transaction_nests_an_evm_call_under_the_top_call() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let mut data = store.to_vec();
    data.extend_from_slice(&word(42));
    let tx = chain.send(Some(forwarder), data.clone(), U256::ZERO, Some(200_000));
    assert!(tx.receipt.status);

    let trace = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([tx.hash, call_tracer()]),
    )
    .unwrap();
    assert_eq!(trace["type"], json!("CALL"));
    assert_eq!(trace["from"], lower(chain.from));
    assert_eq!(trace["to"], lower(forwarder));
    assert_eq!(trace["value"], json!("0x0"));
    assert_eq!(trace["gas"], quantity(200_000));
    assert_eq!(trace["gasUsed"], quantity(tx.receipt.gas_used));
    assert_eq!(trace["input"], json!(Bytes::from(data)));
    assert_eq!(trace["output"], json!(Bytes::from(word(42).to_vec())));
    assert!(trace.get("error").is_none());

    let calls = trace["calls"].as_array().expect("one inner call");
    assert_eq!(calls.len(), 1);
    let inner = &calls[0];
    assert_eq!(inner["type"], json!("CALL"));
    assert_eq!(inner["from"], lower(forwarder));
    assert_eq!(inner["to"], lower(store));
    assert_eq!(inner["input"], json!(Bytes::from(word(42).to_vec())));
    assert_eq!(inner["output"], json!(Bytes::from(word(42).to_vec())));
    let inner_used = u64::from_str_radix(
        inner["gasUsed"].as_str().unwrap().trim_start_matches("0x"),
        16,
    )
    .unwrap();
    let inner_gas =
        u64::from_str_radix(inner["gas"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    // The store writes a fresh slot: at least the 20,000 of an SSTORE.
    assert!(inner_used > 20_000 && inner_used < inner_gas, "{inner}");
    assert!(inner.get("calls").is_none());

    // onlyTopCall drops the inner frames.
    let config = json!({ "tracer": "callTracer", "tracerConfig": { "onlyTopCall": true } });
    let top = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([tx.hash, config]),
    )
    .unwrap();
    assert!(top.get("calls").is_none());
    assert_eq!(top["gasUsed"], trace["gasUsed"]);
}

#[test]
fn trace_shows_calls_made_from_a_stylus_program() {
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(CONFORMANCE);
    let store = chain.deploy_evm(EVM_STORE);
    let call = cmd(1, &[store.as_slice(), &word(0), &word(4242)]);
    let tx = chain.send(Some(program), call, U256::ZERO, None);
    assert!(tx.receipt.status);

    let trace = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([tx.hash, call_tracer()]),
    )
    .unwrap();
    assert_eq!(trace["to"], lower(program));
    let calls = trace["calls"].as_array().expect("the program's call");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["type"], json!("CALL"));
    assert_eq!(calls[0]["from"], lower(program));
    assert_eq!(calls[0]["to"], lower(store));
    assert_eq!(calls[0]["input"], json!(Bytes::from(word(4242).to_vec())));
}

#[test]
fn a_revert_reports_error_and_decoded_reason_in_every_reverting_frame() {
    let mut chain = TestChain::new();
    let reverter = chain.deploy_evm(&reverter_runtime("no way"));
    let forwarder = chain.deploy_evm(EVM_FORWARDER);
    let request =
        json!({ "from": chain.from, "to": forwarder, "data": Bytes::from(reverter.to_vec()) });
    let trace = rpc(
        &mut chain,
        "debug_traceCall",
        json!([request, "latest", call_tracer()]),
    )
    .unwrap();
    let encoded = json!(Bytes::from(Revert::from("no way").abi_encode()));
    for frame in [&trace, &trace["calls"][0]] {
        assert_eq!(frame["error"], json!("execution reverted"), "{frame}");
        assert_eq!(frame["revertReason"], json!("no way"));
        assert_eq!(frame["output"], encoded);
    }
    assert_eq!(trace["calls"][0]["to"], lower(reverter));
}

#[test]
fn trace_creation_reports_the_created_address() {
    let mut chain = TestChain::new();
    let nonce = chain
        .node
        .nonce(chain.from, devnode::BlockTag::Latest)
        .unwrap();
    let runtime = hex::decode(EVM_STORE).unwrap();
    let tx = chain.send(None, evm_init_code(&runtime), U256::ZERO, None);
    let trace = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([tx.hash, call_tracer()]),
    )
    .unwrap();
    assert_eq!(trace["type"], json!("CREATE"));
    assert_eq!(trace["to"], lower(chain.from.create(nonce)));
    assert_eq!(trace["output"], json!(Bytes::from(runtime)));
}

#[test]
fn tracers_other_than_the_call_tracer_are_refused() {
    let mut chain = TestChain::new();
    let store = chain.deploy_evm(EVM_STORE);
    let tx = chain.send(Some(store), word(1).to_vec(), U256::ZERO, None);
    let default = rpc(&mut chain, "debug_traceTransaction", json!([tx.hash])).unwrap_err();
    assert!(default.message.contains("struct logger"), "{default:?}");
    let other = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([tx.hash, { "tracer": "prestateTracer" }]),
    )
    .unwrap_err();
    assert!(other.message.contains("prestateTracer"), "{other:?}");
    let unknown = rpc(
        &mut chain,
        "debug_traceTransaction",
        json!([alloy_primitives::B256::ZERO, call_tracer()]),
    )
    .unwrap_err();
    assert_eq!(unknown.message, "transaction not found");
}
