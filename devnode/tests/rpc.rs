//! The devnode over HTTP JSON-RPC, driven by alloy the way the deploy script
//! and the end-to-end tests drive it.

use crate::common::{deploy_init_code, stylus_code};
use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::{SolCall, SolError};
use devnode::{Devnode, DevnodeConfig};
use std::io::{Read, Write};

sol! {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function programVersion(address program) external view returns (uint16 version);
    error Custom(uint256 code);
}

/// Echoes its calldata; reverts with `Custom(7)` when the calldata is empty.
const ECHO: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 1024) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\07")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (if (i32.eqz (local.get $len))
      (then
        ;; selector of Custom(uint256) is written at 1020 by the host test
        (call $write_result (i32.const 1020) (i32.const 36))
        (return (i32.const 1))))
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))
"#;

fn echo_with_selector() -> String {
    let selector = Custom::SELECTOR;
    let bytes: String = selector.iter().map(|b| format!("\\{b:02x}")).collect();
    ECHO.replace(
        "(data (i32.const 1024)",
        &format!("(data (i32.const 1020) \"{bytes}\")\n  (data (i32.const 1024)"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_activate_and_call_over_json_rpc() {
    let node = Devnode::new(DevnodeConfig {
        accounts: 1,
        ..Default::default()
    });
    let server = devnode::serve(node, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_ne!(server.addr().port(), 0);

    let signer: PrivateKeySigner = devnode::DEV_PRIVATE_KEY.parse().unwrap();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(server.url().parse().unwrap());
    assert_eq!(provider.get_chain_id().await.unwrap(), 412_346);

    // Deploy with the cargo-stylus init-code prologue.
    let code = stylus_code(&echo_with_selector());
    let deploy = TransactionRequest::default().with_deploy_code(deploy_init_code(&code));
    let receipt = provider
        .send_transaction(deploy)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let program: Address = receipt.contract_address.unwrap();
    assert_eq!(
        provider.get_code_at(program).await.unwrap().as_ref(),
        code.as_slice()
    );

    // Calling before activation fails; as on Nitro, ArbWasm's error burns the
    // gas and leaves no revert data.
    let call = TransactionRequest::default()
        .to(program)
        .input(Bytes::from(vec![1, 2, 3]).into());
    let error = provider.call(call.clone()).await.unwrap_err();
    let payload = error.as_error_resp().expect("JSON-RPC error").clone();
    let data: Option<Bytes> = payload
        .data
        .map(|data| serde_json::from_str(data.get()).unwrap());
    assert!(data.unwrap_or_default().is_empty());

    // Activate through ArbWasm, paying the data fee (the excess is refunded).
    let arb_wasm = devnode::evm::precompiles::ARB_WASM;
    let activate = TransactionRequest::default()
        .to(arb_wasm)
        .input(Bytes::from(activateProgramCall { program }.abi_encode()).into())
        .value(U256::from(10u64).pow(U256::from(18u64)));
    let quoted = provider.call(activate.clone()).await.unwrap();
    let quoted = activateProgramCall::abi_decode_returns(&quoted).unwrap();
    assert_eq!(quoted.version, 2);
    assert!(quoted.dataFee > U256::ZERO);
    let receipt = provider
        .send_transaction(activate)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.inner.logs().len(), 1, "ProgramActivated event");
    let fee_account = provider
        .get_balance(devnode::evm::precompiles::NETWORK_FEE_ACCOUNT)
        .await
        .unwrap();
    assert_eq!(fee_account, quoted.dataFee);

    let version = TransactionRequest::default()
        .to(arb_wasm)
        .input(Bytes::from(programVersionCall { program }.abi_encode()).into());
    let version = provider.call(version).await.unwrap();
    assert_eq!(programVersionCall::abi_decode_returns(&version).unwrap(), 2);

    // The program echoes calldata, and its typed error reaches the client.
    assert_eq!(provider.call(call).await.unwrap().as_ref(), &[1, 2, 3]);
    let failing = TransactionRequest::default().to(program);
    let error = provider.call(failing.clone()).await.unwrap_err();
    let payload = error.as_error_resp().unwrap().clone();
    assert_eq!(payload.code, 3);
    let data: Bytes = serde_json::from_str(payload.data.unwrap().get()).unwrap();
    assert_eq!(Custom::abi_decode(&data).unwrap().code, U256::from(7));
    let estimate = provider.estimate_gas(failing).await.unwrap_err();
    assert_eq!(estimate.as_error_resp().unwrap().code, 3);

    // A state-changing transaction: gas, receipts and the block are consistent.
    let send = TransactionRequest::default()
        .to(program)
        .input(Bytes::from(vec![9]).into());
    let receipt = provider
        .send_transaction(send)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let block = provider
        .get_block_by_number(receipt.block_number.unwrap().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.hash, receipt.block_hash.unwrap());
    assert_eq!(block.header.gas_used, receipt.gas_used);
    let tx = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tx.block_number, receipt.block_number);
    let receipts = provider
        .get_block_receipts(receipt.block_number.unwrap().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(receipts[0].transaction_hash, receipt.transaction_hash);

    // A halting call is a -32000 error with geth's wording.
    let invalid = TransactionRequest::default().with_deploy_code(vec![
        0x60, 0x01, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x01, 0x60, 0x00, 0xf3, 0xfe,
    ]);
    let receipt = provider
        .send_transaction(invalid)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let halting = TransactionRequest::default().to(receipt.contract_address.unwrap());
    let error = provider.call(halting).await.unwrap_err();
    let payload = error.as_error_resp().unwrap();
    assert_eq!(
        (payload.code, payload.message.as_ref()),
        (-32000, "invalid opcode")
    );

    server.shutdown().await;
}

fn post(addr: std::net::SocketAddr, body: &[u8]) -> (u16, serde_json::Value) {
    post_declared(addr, body, body.len())
}

/// Posts `body` under a declared Content-Length of `length`.
fn post_declared(
    addr: std::net::SocketAddr,
    body: &[u8],
    length: usize,
) -> (u16, serde_json::Value) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_json_rpc_errors() {
    let server = devnode::serve(
        Devnode::new(DevnodeConfig::default()),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let addr = server.addr();
    let results = tokio::task::spawn_blocking(move || {
        let call = |body: &str| post(addr, body.as_bytes());
        let code = |value: &serde_json::Value| value["error"]["code"].as_i64().unwrap();
        let (status, malformed) = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
        assert_eq!(status, 200);
        assert_eq!(code(&malformed), -32700);
        let (_, unknown) = call(r#"{"jsonrpc":"2.0","id":1,"method":"eth_nope","params":[]}"#);
        assert_eq!(code(&unknown), -32601);
        let (_, wrong) = call(r#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12"]}"#);
        assert_eq!(code(&wrong), -32602);
        let (_, missing) = call(r#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[]}"#);
        assert_eq!(code(&missing), -32602);
        let (_, garbage_tx) = call(r#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02f8"]}"#);
        assert_eq!(code(&garbage_tx), -32602);
        let (_, not_object) = call("[1]");
        assert_eq!(code(&not_object[0]), -32600);
        let (_, empty_batch) = call("[]");
        assert_eq!(code(&empty_batch), -32600);
        let (_, batch) = call(
            r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"net_version"}]"#,
        );
        assert_eq!(batch[0]["result"], "0x64aba");
        assert_eq!(batch[1]["result"], "412346");
        // An oversized body is refused from its declared length, before it is sent.
        let (status, refused) = post_declared(addr, b"", devnode::rpc::MAX_REQUEST_BYTES + 10);
        assert_eq!(status, 413);
        assert_eq!(code(&refused), -32600);
        // The server still serves after all of that.
        let (_, alive) = call(r#"{"jsonrpc":"2.0","id":9,"method":"eth_blockNumber"}"#);
        alive["result"].as_str().unwrap().to_string()
    })
    .await
    .unwrap();
    assert_eq!(results, "0x0");
    server.shutdown().await;
}
