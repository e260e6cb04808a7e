//! `eth_subscribe` / `eth_unsubscribe` for one WebSocket connection, with
//! geth's subscription kinds and notification format
//! (`{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":id,"result":…}}`).
//!
//! Each subscription keeps a [`Cursor`] over the chain, as a polling filter
//! does; when the node announces a change the connection asks for what is new
//! since each cursor. Subscriptions live as long as their connection (they do
//! not expire like polling filters).

use super::convert;
use super::filters::Cursor;
use super::methods::{code, RpcError};
use crate::chain::Devnode;
use alloy_primitives::{keccak256, Address, B256};
use alloy_rpc_types_eth::Filter;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Most subscriptions one connection may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 1_000;

#[derive(Clone, Debug)]
enum Kind {
    /// Headers of new blocks.
    NewHeads,
    /// Logs of new blocks matching the address and topic criteria.
    Logs(Box<Filter>),
    /// Transactions entering the node: hashes, or full objects when asked.
    PendingTransactions { full: bool },
}

#[derive(Clone, Debug)]
struct Subscription {
    kind: Kind,
    cursor: Cursor,
    /// Pooled transactions already announced, so they are not announced
    /// again when mined.
    announced: std::collections::HashSet<B256>,
}

/// The subscriptions of one connection.
#[derive(Debug)]
pub struct Subscriptions {
    active: BTreeMap<String, Subscription>,
    /// Makes ids unpredictable across connections, as geth's random ids are.
    salt: B256,
    issued: u64,
}

impl Subscriptions {
    /// No subscriptions; `salt` distinguishes this connection's ids.
    pub fn new(salt: B256) -> Self {
        Self {
            active: BTreeMap::new(),
            salt,
            issued: 0,
        }
    }

    /// Whether the connection holds no subscription.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// `eth_subscribe`: `["newHeads"]`, `["logs", {address, topics}]`,
    /// `["newPendingTransactions", fullTx?]`. Returns the subscription id.
    pub fn subscribe(&mut self, node: &Devnode, params: &[Value]) -> Result<Value, RpcError> {
        let name = params.first().and_then(Value::as_str).ok_or_else(|| {
            RpcError::new(
                code::INVALID_PARAMS,
                "expected subscription name as first argument",
            )
        })?;
        let kind = match name {
            "newHeads" => Kind::NewHeads,
            "logs" => {
                let filter: Filter = match params.get(1) {
                    None | Some(Value::Null) => Filter::default(),
                    Some(criteria) => serde_json::from_value(criteria.clone()).map_err(|e| {
                        RpcError::new(code::INVALID_PARAMS, format!("invalid argument 1: {e}"))
                    })?,
                };
                Kind::Logs(Box::new(filter))
            }
            "newPendingTransactions" => Kind::PendingTransactions {
                full: params.get(1).and_then(Value::as_bool).unwrap_or(false),
            },
            other => {
                return Err(RpcError::new(
                    code::METHOD_NOT_FOUND,
                    format!("no \"{other}\" subscription in eth namespace"),
                ))
            }
        };
        if self.active.len() >= MAX_SUBSCRIPTIONS {
            return Err(RpcError::new(
                code::SERVER_ERROR,
                format!("too many subscriptions (at most {MAX_SUBSCRIPTIONS})"),
            ));
        }
        self.issued += 1;
        let mut seed = self.salt.to_vec();
        seed.extend_from_slice(&self.issued.to_be_bytes());
        // geth's ids: 16 random bytes in hex, leading zeros trimmed.
        let digest = keccak256(seed);
        let hex = alloy_primitives::hex::encode(&digest[..16]);
        let id = format!("0x{}", hex.trim_start_matches('0'));
        self.active.insert(
            id.clone(),
            Subscription {
                kind,
                cursor: Cursor::at_head(node),
                announced: node.pool().hashes().into_iter().collect(),
            },
        );
        Ok(Value::String(id))
    }

    /// `eth_unsubscribe`: `true` when the subscription existed, geth's
    /// "subscription not found" otherwise.
    pub fn unsubscribe(&mut self, params: &[Value]) -> Result<Value, RpcError> {
        let id = params.first().and_then(Value::as_str).ok_or_else(|| {
            RpcError::new(
                code::INVALID_PARAMS,
                "expected subscription id as first argument",
            )
        })?;
        match self.active.remove(id) {
            Some(_) => Ok(Value::Bool(true)),
            None => Err(RpcError::new(code::SERVER_ERROR, "subscription not found")),
        }
    }

    /// The notifications for everything new since the last call, in chain
    /// order per subscription.
    pub fn notifications(&mut self, node: &Devnode) -> Vec<Value> {
        let mut out = Vec::new();
        for (id, subscription) in &mut self.active {
            let (from, head) = subscription.cursor.advance(node);
            let blocks = (from..=head).filter_map(|number| node.block(number));
            let notify = |result: Value| {
                json!({
                    "jsonrpc": "2.0",
                    "method": "eth_subscription",
                    "params": { "subscription": id, "result": result },
                })
            };
            match &subscription.kind {
                Kind::NewHeads => {
                    for block in blocks {
                        out.push(notify(head_json(node, block)));
                    }
                }
                Kind::Logs(filter) => {
                    let addresses: Vec<Address> = filter.address.iter().copied().collect();
                    let topics: Vec<Vec<B256>> = filter
                        .topics
                        .iter()
                        .map(|t| t.iter().copied().collect())
                        .collect();
                    if from <= head {
                        for (log, tx, index) in node.logs(from, head, &addresses, &topics) {
                            let timestamp = node.block(tx.block_number).map(|b| b.header.timestamp);
                            let log = convert::rpc_log(log, tx, timestamp, index);
                            out.push(notify(serde_json::to_value(log).unwrap_or(Value::Null)));
                        }
                    }
                }
                Kind::PendingTransactions { full } => {
                    // New pool entries first, then mined transactions never
                    // seen in the pool (automined on arrival).
                    let mut fresh: Vec<B256> = Vec::new();
                    for tx in node.pool().iter() {
                        if subscription.announced.insert(tx.hash) {
                            fresh.push(tx.hash);
                        }
                    }
                    for hash in blocks.flat_map(|block| block.transactions.iter().copied()) {
                        if !subscription.announced.remove(&hash) {
                            fresh.push(hash);
                        }
                    }
                    for hash in fresh {
                        let result = if *full {
                            match (node.transaction(hash), node.pool().get(hash)) {
                                (Some(tx), _) => {
                                    serde_json::to_value(convert::transaction(node, tx))
                                }
                                (None, Some(tx)) => {
                                    serde_json::to_value(convert::pending_transaction(tx))
                                }
                                (None, None) => Ok(Value::Null),
                            }
                            .unwrap_or(Value::Null)
                        } else {
                            json!(hash)
                        };
                        out.push(notify(result));
                    }
                }
            }
        }
        out
    }
}

/// A block header as geth's `newHeads` sends it: the block's fields without
/// its transactions and uncles.
fn head_json(node: &Devnode, block: &crate::chain::MinedBlock) -> Value {
    let mut value = serde_json::to_value(convert::block(node, block, false)).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        for key in [
            "transactions",
            "uncles",
            "withdrawals",
            "size",
            "totalDifficulty",
        ] {
            object.remove(key);
        }
    }
    value
}
