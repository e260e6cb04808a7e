//! JSON-RPC over HTTP and, on the same port, WebSocket.

pub mod access_list;
pub mod convert;
pub mod filters;
pub mod methods;
pub mod subscriptions;
pub mod ws;

use crate::chain::Devnode;
use bytes_body::full;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use methods::{code, RpcError};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Largest request body accepted.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// Largest number of calls in one batch.
pub const MAX_BATCH: usize = 1000;

/// A devnode shared between the server and in-process users.
pub type SharedDevnode = Arc<Mutex<Devnode>>;

mod bytes_body {
    use http_body_util::Full;
    use hyper::body::Bytes;

    pub fn full(body: impl Into<Bytes>) -> Full<Bytes> {
        Full::new(body.into())
    }
}

/// A running JSON-RPC server.
pub struct ServerHandle {
    addr: SocketAddr,
    node: SharedDevnode,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl ServerHandle {
    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The served devnode, for in-process access.
    pub fn node(&self) -> SharedDevnode {
        self.node.clone()
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Serves `node` over HTTP JSON-RPC on `addr` (port 0 picks a free port).
pub async fn serve(node: Devnode, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    serve_shared(Arc::new(Mutex::new(node)), addr).await
}

/// Serves an already shared devnode.
pub async fn serve_shared(node: SharedDevnode, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (shutdown, mut stop) = oneshot::channel::<()>();
    let served = node.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stop => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let node = served.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |request| handle_http(node.clone(), request));
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .with_upgrades()
                            .await;
                    });
                }
            }
        }
    });
    Ok(ServerHandle {
        addr,
        node,
        shutdown: Some(shutdown),
        task,
    })
}

fn response(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(full(body.to_string()));
    *response.status_mut() = status;
    cors(&mut response);
    response.headers_mut().insert(
        "content-type",
        "application/json".parse().expect("valid header"),
    );
    response
}

fn cors(response: &mut Response<Full<Bytes>>) {
    let headers = response.headers_mut();
    headers.insert(
        "access-control-allow-origin",
        "*".parse().expect("valid header"),
    );
    headers.insert(
        "access-control-allow-methods",
        "POST, GET, OPTIONS".parse().expect("valid header"),
    );
    headers.insert(
        "access-control-allow-headers",
        "*".parse().expect("valid header"),
    );
}

pub(crate) fn error_response(id: Value, error: RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

async fn handle_http(
    node: SharedDevnode,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    if request.method() == Method::OPTIONS {
        let mut response = Response::new(full(Bytes::new()));
        cors(&mut response);
        return Ok(response);
    }
    if request.method() == Method::GET && ws::is_upgrade(&request) {
        return Ok(ws::upgrade(node, request));
    }
    if request.method() != Method::POST {
        let error = RpcError::new(code::INVALID_REQUEST, "JSON-RPC requests must be POSTed");
        return Ok(response(
            StatusCode::METHOD_NOT_ALLOWED,
            error_response(Value::Null, error),
        ));
    }
    let too_large = || {
        let error = RpcError::new(
            code::INVALID_REQUEST,
            format!("request body exceeds {MAX_REQUEST_BYTES} bytes"),
        );
        response(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_response(Value::Null, error),
        )
    };
    // Refuse a declared oversized body before reading any of it.
    let declared_length = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > MAX_REQUEST_BYTES as u64) {
        return Ok(too_large());
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(too_large()),
    };
    let body = tokio::task::spawn_blocking(move || handle_body(&node, &body))
        .await
        .unwrap_or_else(|_| {
            error_response(
                Value::Null,
                RpcError::new(code::INTERNAL_ERROR, "internal error"),
            )
        });
    Ok(response(StatusCode::OK, body))
}

/// Handles a JSON-RPC body (single call or batch) and returns the response body.
pub fn handle_body(node: &SharedDevnode, body: &[u8]) -> Value {
    handle_body_with(node, body, &mut |_, method, _| match method {
        // geth's answer to a subscription over a transport without notifications.
        "eth_subscribe" | "eth_unsubscribe" => Some(Err(RpcError::new(
            code::METHOD_NOT_FOUND,
            "notifications not supported",
        ))),
        _ => None,
    })
}

/// Answers a method the transport serves itself (subscriptions over
/// WebSocket), or `None` to leave it to [`methods::dispatch`].
pub(crate) type Intercept<'a> =
    dyn FnMut(&mut Devnode, &str, &[Value]) -> Option<Result<Value, RpcError>> + 'a;

/// [`handle_body`] with the transport's own methods answered by `intercept`.
pub(crate) fn handle_body_with(
    node: &SharedDevnode,
    body: &[u8],
    intercept: &mut Intercept<'_>,
) -> Value {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return error_response(
                Value::Null,
                RpcError::new(code::PARSE_ERROR, format!("parse error: {e}")),
            )
        }
    };
    match parsed {
        Value::Array(calls) if calls.is_empty() => error_response(
            Value::Null,
            RpcError::new(code::INVALID_REQUEST, "empty batch"),
        ),
        Value::Array(calls) if calls.len() > MAX_BATCH => error_response(
            Value::Null,
            RpcError::new(
                code::INVALID_REQUEST,
                format!("batch of more than {MAX_BATCH} calls"),
            ),
        ),
        Value::Array(calls) => Value::Array(
            calls
                .iter()
                .map(|call| handle_call(node, call, intercept))
                .collect(),
        ),
        call => handle_call(node, &call, intercept),
    }
}

fn handle_call(node: &SharedDevnode, call: &Value, intercept: &mut Intercept<'_>) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let Some(object) = call.as_object() else {
        return error_response(
            Value::Null,
            RpcError::new(code::INVALID_REQUEST, "invalid request"),
        );
    };
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        return error_response(id, RpcError::new(code::INVALID_REQUEST, "missing method"));
    };
    let params = match object.get("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(params)) => params.clone(),
        Some(_) => {
            return error_response(
                id,
                RpcError::new(code::INVALID_PARAMS, "params must be an array"),
            )
        }
    };
    let mut guard = node.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let devnode = &mut *guard;
    // A bug must cost one request, not the server.
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        match intercept(devnode, method, &params) {
            Some(answer) => answer,
            None => methods::dispatch(devnode, method, &params),
        }
    }));
    match result {
        Ok(Ok(value)) => json!({ "jsonrpc": "2.0", "id": id, "result": value }),
        Ok(Err(error)) => error_response(id, error),
        Err(_) => error_response(id, RpcError::new(code::INTERNAL_ERROR, "internal error")),
    }
}

/// Mines a block every `interval` (anvil's `--block-time`), holding the
/// pool's transactions that can run. Abort the returned task to stop.
pub fn mine_every(node: SharedDevnode, interval: std::time::Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        // The first tick completes at once; the first block comes one interval later.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let node = node.clone();
            let mined = tokio::task::spawn_blocking(move || {
                node.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .mine();
            })
            .await;
            if mined.is_err() {
                return;
            }
        }
    })
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (what service managers and CI send).
pub async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
