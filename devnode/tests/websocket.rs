//! JSON-RPC over WebSocket on the HTTP port, and geth's subscriptions
//! (`eth_subscribe` / `eth_unsubscribe`, `eth_subscription` notifications)
//! as viem's webSocket transport and alloy's pubsub use them.

use crate::common::*;
use alloy_primitives::{Address, Bytes, U256};
use alloy_rpc_types_eth::TransactionRequest;
use devnode::SharedDevnode;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// EVM runtime: emits LOG1 with topic 0x…07 and no data.
const EVM_LOGGER: &str = "600760006000a100";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Client {
    socket: Socket,
    next_id: u64,
}

impl Client {
    async fn connect(url: &str) -> Self {
        let url = url.replacen("http://", "ws://", 1);
        let (socket, response) = tokio_tungstenite::connect_async(url).await.unwrap();
        assert_eq!(response.status(), 101);
        Self { socket, next_id: 0 }
    }

    async fn send_text(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.unwrap();
    }

    /// The next text message, parsed; fails after two seconds of silence.
    async fn receive(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(2), self.socket.next())
                .await
                .expect("a message within two seconds")
                .expect("socket open")
                .unwrap();
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str()).unwrap();
            }
        }
    }

    /// Whether nothing arrives within `wait`.
    async fn silent_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.socket.next())
            .await
            .is_err()
    }

    /// Calls `method` and returns its full response object.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_text(request.to_string()).await;
        let response = self.receive().await;
        assert_eq!(
            response["id"],
            json!(id),
            "response to the call: {response}"
        );
        response
    }

    async fn subscribe(&mut self, params: Value) -> String {
        let response = self.call("eth_subscribe", params).await;
        response["result"]
            .as_str()
            .unwrap_or_else(|| panic!("subscription id in {response}"))
            .to_string()
    }
}

fn send_from_dev(node: &SharedDevnode, to: Option<Address>) -> String {
    let mut guard = node.lock().unwrap();
    let mut request = TransactionRequest::default()
        .from(guard.dev_account())
        .input(Bytes::new().into())
        .value(U256::ZERO);
    request.to = to.map(Into::into);
    request.gas = Some(1_000_000);
    format!("{:#x}", guard.sign_and_send(request).unwrap())
}

async fn served_chain_with_loggers() -> (devnode::ServerHandle, Address, Address) {
    let mut chain = TestChain::new();
    let logger = chain.deploy_evm(EVM_LOGGER);
    let other = chain.deploy_evm(EVM_LOGGER);
    let server = devnode::serve(chain.node, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (server, logger, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_and_batches_answer_over_websocket() {
    let (server, _, _) = served_chain_with_loggers().await;
    let mut client = Client::connect(&server.url()).await;
    let response = client.call("eth_chainId", json!([])).await;
    assert_eq!(response["result"], json!(format!("{:#x}", 412_346)));
    let response = client.call("eth_blockNumber", json!([])).await;
    assert_eq!(response["result"], json!("0x2"));

    client
        .send_text(
            json!([
                { "jsonrpc": "2.0", "id": 10, "method": "net_version", "params": [] },
                { "jsonrpc": "2.0", "id": 11, "method": "eth_nope", "params": [] },
            ])
            .to_string(),
        )
        .await;
    let batch = client.receive().await;
    let batch = batch.as_array().expect("a batch answers with an array");
    assert_eq!(batch[0]["result"], json!("412346"));
    assert_eq!(batch[1]["error"]["code"], json!(-32601));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_heads_notifies_each_sealed_block_in_geths_format() {
    let (server, logger, _) = served_chain_with_loggers().await;
    let mut client = Client::connect(&server.url()).await;
    let id = client.subscribe(json!(["newHeads"])).await;
    assert!(id.starts_with("0x") && id.len() > 2);

    let node = server.node();
    send_from_dev(&node, Some(logger));
    let notification = client.receive().await;
    assert_eq!(notification["jsonrpc"], json!("2.0"));
    assert_eq!(notification["method"], json!("eth_subscription"));
    assert_eq!(notification["params"]["subscription"], json!(id));
    let head = &notification["params"]["result"];
    assert_eq!(head["number"], json!("0x3"));
    let block = node.lock().unwrap().block(3).unwrap().clone();
    assert_eq!(head["hash"], json!(format!("{:#x}", block.hash)));
    assert_eq!(
        head["parentHash"],
        json!(format!("{:#x}", block.header.parent_hash))
    );
    // A header, not a block.
    assert!(head.get("transactions").is_none());

    // An empty block is a head too.
    node.lock().unwrap().mine();
    let notification = client.receive().await;
    assert_eq!(notification["params"]["result"]["number"], json!("0x4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_subscription_applies_address_and_topic_criteria() {
    let (server, logger, other) = served_chain_with_loggers().await;
    let mut client = Client::connect(&server.url()).await;
    let by_address = client
        .subscribe(json!(["logs", { "address": logger }]))
        .await;
    let unmatched_topic = format!("{:#x}", alloy_primitives::B256::with_last_byte(8));
    let by_topic = client
        .subscribe(json!(["logs", { "topics": [unmatched_topic] }]))
        .await;

    let node = server.node();
    send_from_dev(&node, Some(other));
    let tx = send_from_dev(&node, Some(logger));
    let notification = client.receive().await;
    assert_eq!(notification["params"]["subscription"], json!(by_address));
    let log = &notification["params"]["result"];
    assert_eq!(log["address"], json!(format!("{logger:#x}")));
    assert_eq!(log["transactionHash"], json!(tx));
    assert_eq!(
        log["topics"],
        json!([format!("{:#x}", alloy_primitives::B256::with_last_byte(7))])
    );
    assert_eq!(log["removed"], json!(false));
    // Neither the other emitter's log nor any log for the unmatched topic.
    assert!(client.silent_for(Duration::from_millis(300)).await);
    assert_ne!(by_address, by_topic);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_transactions_subscription_and_unsubscribe() {
    let (server, logger, _) = served_chain_with_loggers().await;
    let mut client = Client::connect(&server.url()).await;
    let hashes = client.subscribe(json!(["newPendingTransactions"])).await;
    let node = server.node();
    let tx = send_from_dev(&node, Some(logger));
    let notification = client.receive().await;
    assert_eq!(notification["params"]["subscription"], json!(hashes));
    assert_eq!(notification["params"]["result"], json!(tx));

    let full = client
        .subscribe(json!(["newPendingTransactions", true]))
        .await;
    let unsubscribed = client.call("eth_unsubscribe", json!([hashes])).await;
    assert_eq!(unsubscribed["result"], json!(true));
    let again = client.call("eth_unsubscribe", json!([hashes])).await;
    assert_eq!(again["error"]["message"], json!("subscription not found"));

    let tx = send_from_dev(&node, Some(logger));
    let notification = client.receive().await;
    assert_eq!(notification["params"]["subscription"], json!(full));
    assert_eq!(notification["params"]["result"]["hash"], json!(tx));
    assert!(client.silent_for(Duration::from_millis(300)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_refused_as_geth_does() {
    let (server, _, _) = served_chain_with_loggers().await;
    let mut client = Client::connect(&server.url()).await;
    let unknown = client.call("eth_subscribe", json!(["syncing2"])).await;
    assert_eq!(
        unknown["error"]["message"],
        json!("no \"syncing2\" subscription in eth namespace")
    );
    // Over HTTP there is no channel for notifications.
    let node = server.node();
    let body =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"] });
    let answer = devnode::rpc::handle_body(&node, body.to_string().as_bytes());
    assert_eq!(
        answer["error"]["message"],
        json!("notifications not supported")
    );
}
