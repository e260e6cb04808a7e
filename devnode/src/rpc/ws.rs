//! JSON-RPC over WebSocket on the HTTP port (RFC 6455 upgrade of a `GET`),
//! as geth and anvil serve it: every method, plus `eth_subscribe` and
//! `eth_unsubscribe`, whose notifications are pushed on the same socket.

use super::methods::RpcError;
use super::subscriptions::Subscriptions;
use super::{handle_body_with, SharedDevnode, MAX_REQUEST_BYTES};
use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Whether `request` asks to switch to the WebSocket protocol.
pub fn is_upgrade(request: &Request<Incoming>) -> bool {
    let has_token = |name: hyper::header::HeaderName, token: &str| {
        request.headers().get_all(name).iter().any(|value| {
            value.to_str().is_ok_and(|value| {
                value
                    .split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    has_token(hyper::header::CONNECTION, "upgrade")
        && has_token(hyper::header::UPGRADE, "websocket")
}

/// Answers the upgrade request (101 Switching Protocols) and serves the
/// socket once hyper hands the connection over.
pub fn upgrade(node: SharedDevnode, mut request: Request<Incoming>) -> Response<Full<Bytes>> {
    let headers = request.headers();
    let version_ok = headers
        .get(hyper::header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    let Some(key) = headers.get(hyper::header::SEC_WEBSOCKET_KEY).cloned() else {
        return refusal("missing Sec-WebSocket-Key");
    };
    if !version_ok {
        let mut response = refusal("unsupported WebSocket version (want 13)");
        response.headers_mut().insert(
            hyper::header::SEC_WEBSOCKET_VERSION,
            hyper::header::HeaderValue::from_static("13"),
        );
        return response;
    }
    let accept = derive_accept_key(key.as_bytes());
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else { return };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_REQUEST_BYTES))
            .max_frame_size(Some(MAX_REQUEST_BYTES));
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        serve_socket(node, socket).await;
    });
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::UPGRADE,
        hyper::header::HeaderValue::from_static("websocket"),
    );
    headers.insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("Upgrade"),
    );
    headers.insert(
        hyper::header::SEC_WEBSOCKET_ACCEPT,
        accept.parse().expect("base64 is a valid header value"),
    );
    response
}

fn refusal(reason: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(reason.as_bytes())));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

/// Answers one text (or binary) frame: a call or a batch.
fn answer(node: &SharedDevnode, subscriptions: &Mutex<Subscriptions>, body: &[u8]) -> Value {
    let mut subscriptions = subscriptions
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    handle_body_with(node, body, &mut |devnode, method, params| match method {
        "eth_subscribe" => Some(subscriptions.subscribe(devnode, params)),
        "eth_unsubscribe" => Some(subscriptions.unsubscribe(params)),
        _ => None,
    })
}

async fn serve_socket<S>(node: SharedDevnode, mut socket: WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut changes, salt) = {
        let guard = node.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let salt = alloy_primitives::keccak256(format!(
            "{:?}{:?}",
            std::time::SystemTime::now(),
            std::thread::current().id()
        ));
        (guard.watch_changes(), salt)
    };
    let subscriptions = Arc::new(Mutex::new(Subscriptions::new(salt)));
    loop {
        tokio::select! {
            incoming = socket.next() => {
                let body = match incoming {
                    Some(Ok(Message::Text(text))) => Bytes::from(text.as_str().to_owned()),
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    // Pings are answered by the protocol layer on the next write.
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {
                        if socket.flush().await.is_err() { break }
                        continue
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                };
                let (node, subscriptions) = (node.clone(), subscriptions.clone());
                let reply = tokio::task::spawn_blocking(move || answer(&node, &subscriptions, &body))
                    .await
                    .unwrap_or_else(|_| internal_error());
                if socket.send(Message::text(reply.to_string())).await.is_err() {
                    break;
                }
            }
            changed = changes.changed() => {
                if changed.is_err() {
                    break;
                }
                let idle = subscriptions
                    .lock()
                    .map(|s| s.is_empty())
                    .unwrap_or(false);
                if idle {
                    continue;
                }
                let (node, subscriptions) = (node.clone(), subscriptions.clone());
                let notifications = tokio::task::spawn_blocking(move || {
                    // Same order as `answer`: subscriptions, then the node.
                    let mut subscriptions = subscriptions
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    let guard = node.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    subscriptions.notifications(&guard)
                })
                .await
                .unwrap_or_default();
                for notification in notifications {
                    if socket.send(Message::text(notification.to_string())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
    let _ = socket.close(None).await;
}

fn internal_error() -> Value {
    super::error_response(
        Value::Null,
        RpcError::new(super::methods::code::INTERNAL_ERROR, "internal error"),
    )
}
