//! Transactions per second for a simple Stylus token transfer, in process and
//! over JSON-RPC, then the read path at scale: `eth_call` and
//! `eth_estimateGas` throughput at 1 vs 100,000 blocks and 0 vs 100,000 extra
//! accounts, and the memory an empty block costs. Run with
//! `cargo run --release -p devnode --example bench [COUNT]`.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use devnode::{BlockTag, Devnode, DevnodeConfig};
use std::io::{Read, Write};
use std::time::Instant;

/// transfer(to: address[20], amount: u64[8]): moves `amount` from the sender's
/// balance slot to the recipient's (wrapping u64 arithmetic on the low 8 bytes)
/// and emits a Transfer-shaped log.
const TOKEN: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "msg_sender" (func $msg_sender (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  ;; 0..28: args (to, amount); 64: sender key; 96: recipient key; 128: value; 256: log
  (func $adjust (param $key i32) (param $delta i64)
    (call $load (local.get $key) (i32.const 128))
    (i64.store (i32.const 152) (i64.add (i64.load (i32.const 152)) (local.get $delta)))
    (call $cache (local.get $key) (i32.const 128)))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $amount i64)
    (if (i32.ne (local.get $len) (i32.const 28)) (then (return (i32.const 1))))
    (call $read_args (i32.const 0))
    (local.set $amount (i64.load (i32.const 20)))
    (call $msg_sender (i32.const 76))
    (memory.copy (i32.const 108) (i32.const 0) (i32.const 20))
    (call $adjust (i32.const 64) (i64.sub (i64.const 0) (local.get $amount)))
    (call $adjust (i32.const 96) (local.get $amount))
    (call $flush (i32.const 1))
    (memory.copy (i32.const 288) (i32.const 64) (i32.const 64))
    (i64.store (i32.const 376) (local.get $amount))
    (call $emit_log (i32.const 256) (i32.const 128) (i32.const 3))
    (i32.const 0)))
"#;

fn stylus_code(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(&wasm).expect("in-memory write");
    }
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.extend(compressed);
    code
}

fn deploy_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = vec![0x7f];
    init.extend(U256::from(code.len()).to_be_bytes::<32>());
    init.extend([0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend(code);
    init
}

fn setup() -> (Devnode, Address) {
    let mut node = Devnode::new(DevnodeConfig {
        accounts: 1,
        ..Default::default()
    });
    let from = node.dev_account();
    let code = stylus_code(TOKEN);
    let deploy = TransactionRequest::default()
        .from(from)
        .input(Bytes::from(deploy_init_code(&code)).into());
    let mut deploy = deploy;
    deploy.to = Some(TxKind::Create);
    let hash = node.sign_and_send(deploy).expect("deploy");
    let token = node
        .transaction(hash)
        .and_then(|t| t.receipt.contract_address)
        .expect("deployed");
    let mut calldata = alloy_primitives::keccak256("activateProgram(address)")[..4].to_vec();
    calldata.extend([0u8; 12]);
    calldata.extend(token.as_slice());
    let activate = TransactionRequest::default()
        .from(from)
        .to(devnode::evm::precompiles::ARB_WASM)
        .value(U256::from(10u64).pow(U256::from(17u64)))
        .input(Bytes::from(calldata).into());
    let hash = node.sign_and_send(activate).expect("activate");
    assert!(
        node.transaction(hash).expect("mined").receipt.status,
        "activation failed"
    );
    (node, token)
}

fn signed_transfers(node: &Devnode, token: Address, count: usize) -> Vec<Vec<u8>> {
    let signer: PrivateKeySigner = devnode::DEV_PRIVATE_KEY.parse().expect("dev key");
    let start = node
        .nonce(signer.address(), BlockTag::Latest)
        .expect("nonce");
    (0..count)
        .map(|i| {
            let mut input = Address::with_last_byte((i % 200) as u8 + 1).to_vec();
            input.extend(1u64.to_le_bytes());
            let tx = TxEip1559 {
                chain_id: node.chain_id(),
                nonce: start + i as u64,
                gas_limit: 200_000,
                max_fee_per_gas: node.base_fee() as u128 * 2,
                max_priority_fee_per_gas: 0,
                to: TxKind::Call(token),
                value: U256::ZERO,
                access_list: Default::default(),
                input: input.into(),
            };
            let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
            TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
        })
        .collect()
}

fn post(addr: std::net::SocketAddr, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("receive");
    response
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);

    let (mut node, token) = setup();
    let transfers = signed_transfers(&node, token, count);
    let started = Instant::now();
    for raw in &transfers {
        let hash = node.send_raw_transaction(raw).expect("transfer accepted");
        assert!(node.transaction(hash).expect("mined").receipt.status);
    }
    let elapsed = started.elapsed();
    println!(
        "in-process: {count} Stylus token transfers in {:.3} s = {:.0} tx/s",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );

    let (node, token) = setup();
    let transfers = signed_transfers(&node, token, count);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime
        .block_on(devnode::serve(
            node,
            "127.0.0.1:0".parse().expect("address"),
        ))
        .expect("serve");
    let addr = server.addr();
    let started = Instant::now();
    for (id, raw) in transfers.iter().enumerate() {
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_sendRawTransaction","params":["{}"]}}"#,
            hex::encode_prefixed(raw)
        );
        let response = post(addr, &body);
        assert!(response.contains("\"result\""), "rejected: {response}");
    }
    let elapsed = started.elapsed();
    println!(
        "JSON-RPC (one HTTP connection per request, sequential): {count} transfers in {:.3} s = {:.0} tx/s",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
    runtime.block_on(server.shutdown());

    scale();
}

/// Blocks and accounts the scale figures are measured at.
const SCALE: u64 = 100_000;

/// Resident memory of this process in bytes (Linux), if it can be read.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Prints `eth_call` and `eth_estimateGas` throughput of a token transfer.
fn reads(node: &Devnode, token: Address, label: &str) {
    let mut input = Address::with_last_byte(9).to_vec();
    input.extend(1u64.to_le_bytes());
    let request = TransactionRequest::default()
        .from(node.dev_account())
        .to(token)
        .input(Bytes::from(input).into());
    let calls = 2_000;
    let started = Instant::now();
    for _ in 0..calls {
        let outcome = node.call(&request, BlockTag::Latest, None).expect("call");
        assert!(outcome.success);
    }
    let call_rate = calls as f64 / started.elapsed().as_secs_f64();
    let estimates = 200;
    let started = Instant::now();
    for _ in 0..estimates {
        node.estimate_gas(&request, BlockTag::Latest, None)
            .expect("estimate")
            .expect("succeeds");
    }
    let estimate_rate = estimates as f64 / started.elapsed().as_secs_f64();
    println!("{label}: eth_call {call_rate:.0}/s, eth_estimateGas {estimate_rate:.0}/s");
}

fn scale() {
    let (mut node, token) = setup();
    reads(&node, token, "4 blocks, 2 accounts");

    let before = resident_bytes();
    let started = Instant::now();
    for _ in 0..SCALE {
        node.mine();
    }
    let mining = started.elapsed();
    let after = resident_bytes();
    println!(
        "{SCALE} empty blocks mined in {:.3} s",
        mining.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "memory per empty block: {} B",
            after.saturating_sub(before) / SCALE
        );
    }
    reads(
        &node,
        token,
        &format!("{} blocks, 2 accounts", node.block_number() + 1),
    );

    let (mut node, token) = setup();
    for index in 0..SCALE {
        let mut bytes = [0u8; 20];
        bytes[..8].copy_from_slice(&(index + 1).to_be_bytes());
        node.set_balance(Address::from(bytes), U256::from(1));
    }
    let started = Instant::now();
    node.mine();
    println!(
        "state root over {SCALE} extra accounts (one block sealed): {:.3} s",
        started.elapsed().as_secs_f64()
    );
    reads(&node, token, &format!("5 blocks, {SCALE} extra accounts"));
}
