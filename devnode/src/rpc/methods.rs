//! JSON-RPC method dispatch.

use super::convert;
use super::filters::{self, Changes, FilterKind};
use crate::chain::{BlockTag, CallOutcome, Devnode, DevnodeError};
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{hex, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::{FeeHistory, Filter, FilterBlockOption, TransactionRequest};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::Instant;

/// JSON-RPC error codes.
pub mod code {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    /// geth's code for rejected transactions and failed calls.
    pub const SERVER_ERROR: i64 = -32000;
    /// geth's code for reverts; `data` holds the revert data.
    pub const EXECUTION_REVERTED: i64 = 3;
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_PARAMS, message)
    }

    /// The error object as JSON.
    pub fn to_json(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

impl From<DevnodeError> for RpcError {
    fn from(error: DevnodeError) -> Self {
        match error {
            DevnodeError::InvalidInput(message) => RpcError::invalid_params(message),
            DevnodeError::Rejected(message) => RpcError::new(code::SERVER_ERROR, message),
            DevnodeError::UnknownBlock(n) => {
                RpcError::new(code::SERVER_ERROR, format!("header not found: block {n}"))
            }
            DevnodeError::UnknownSnapshot(id) => {
                RpcError::invalid_params(format!("unknown snapshot {id}"))
            }
        }
    }
}

/// The error for a failed call: reverts carry their data (code 3), as geth does.
pub fn call_error(outcome: &CallOutcome) -> RpcError {
    if outcome.reverted {
        let mut message = "execution reverted".to_string();
        if let Some(reason) = revert_reason(&outcome.output) {
            message = format!("execution reverted: {reason}");
        }
        let mut error = RpcError::new(code::EXECUTION_REVERTED, message);
        error.data = Some(Value::String(hex::encode_prefixed(&outcome.output)));
        return error;
    }
    let reason = outcome
        .halt
        .clone()
        .unwrap_or_else(|| "execution failed".into());
    RpcError::new(code::SERVER_ERROR, reason)
}

/// Decodes an `Error(string)` revert reason.
fn revert_reason(output: &[u8]) -> Option<String> {
    use alloy_sol_types::{Revert, SolError};
    Revert::abi_decode(output).ok().map(|revert| revert.reason)
}

struct Params<'a>(&'a [Value]);

impl Params<'_> {
    fn required<T: DeserializeOwned>(&self, index: usize, name: &str) -> Result<T, RpcError> {
        let value = self.0.get(index).ok_or_else(|| {
            RpcError::invalid_params(format!(
                "missing value for required argument {index} ({name})"
            ))
        })?;
        serde_json::from_value(value.clone()).map_err(|e| {
            RpcError::invalid_params(format!("invalid argument {index} ({name}): {e}"))
        })
    }

    fn optional<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<Option<T>, RpcError> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.required(index, name).map(Some),
        }
    }

    fn at_most(&self, count: usize) -> Result<(), RpcError> {
        if self.0.len() > count {
            return Err(RpcError::invalid_params(format!(
                "too many arguments, want at most {count}"
            )));
        }
        Ok(())
    }
}

fn block_tag(node: &Devnode, id: Option<BlockId>) -> Result<BlockTag, RpcError> {
    match id {
        None => Ok(BlockTag::Latest),
        Some(BlockId::Number(number)) => match number {
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Pending
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized => Ok(BlockTag::Latest),
            BlockNumberOrTag::Earliest => Ok(BlockTag::Number(0)),
            BlockNumberOrTag::Number(n) if n > node.block_number() => Err(RpcError::new(
                code::SERVER_ERROR,
                format!("header not found: block {n}"),
            )),
            BlockNumberOrTag::Number(n) => Ok(BlockTag::Number(n)),
        },
        Some(BlockId::Hash(hash)) => node
            .block_by_hash(hash.block_hash)
            .map(|b| BlockTag::Number(b.header.number))
            .ok_or_else(|| RpcError::new(code::SERVER_ERROR, "header not found")),
    }
}

fn block_number_of(node: &Devnode, number: BlockNumberOrTag) -> u64 {
    match number {
        BlockNumberOrTag::Number(n) => n,
        BlockNumberOrTag::Earliest => 0,
        _ => node.block_number(),
    }
}

fn quantity(value: u64) -> Value {
    Value::String(format!("{value:#x}"))
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|e| RpcError::new(code::INTERNAL_ERROR, e.to_string()))
}

/// Logs of blocks `from..=to` matching `filter`'s addresses and topics, as
/// JSON-RPC log objects.
fn matching_logs(
    node: &Devnode,
    filter: &Filter,
    from: u64,
    to: u64,
) -> Vec<alloy_rpc_types_eth::Log> {
    if from > to {
        return Vec::new();
    }
    let addresses: Vec<Address> = filter.address.iter().copied().collect();
    let topics: Vec<Vec<B256>> = filter
        .topics
        .iter()
        .map(|t| t.iter().copied().collect())
        .collect();
    node.logs(from, to, &addresses, &topics)
        .into_iter()
        .map(|(log, tx, index)| {
            let timestamp = node.block(tx.block_number).map(|b| b.header.timestamp);
            convert::rpc_log(log, tx, timestamp, index)
        })
        .collect()
}

fn install_filter(node: &mut Devnode, kind: FilterKind) -> Result<Value, RpcError> {
    let mut filters = std::mem::take(&mut node.filters);
    let id = filters.install(node, kind, Instant::now());
    node.filters = filters;
    let id = id.ok_or_else(|| {
        RpcError::new(
            code::SERVER_ERROR,
            format!(
                "too many filters installed (at most {})",
                filters::MAX_FILTERS
            ),
        )
    })?;
    Ok(quantity(id))
}

fn filter_id(p: &Params) -> Result<u64, RpcError> {
    let id: U256 = p.required(0, "filter id")?;
    Ok(id.saturating_to())
}

/// geth's answer for an unknown or expired filter.
fn filter_not_found() -> RpcError {
    RpcError::new(code::SERVER_ERROR, "filter not found")
}

/// Most blocks `anvil_mine` mines in one request.
const MAX_MINED_AT_ONCE: u64 = 100_000;

fn override_account(
    node: &mut Devnode,
    address: Address,
    account: AccountOverride,
) -> Result<Value, RpcError> {
    let overrides: StateOverride = std::iter::once((address, account)).collect();
    node.override_state(&overrides)?;
    Ok(Value::Null)
}

/// Reads a trace request's options: only geth's `callTracer` is served
/// (with `tracerConfig.onlyTopCall`); returns whether only the top call is wanted.
fn tracer_options(options: Option<Value>) -> Result<bool, RpcError> {
    let options = options.unwrap_or(Value::Null);
    match options.get("tracer").and_then(Value::as_str) {
        Some("callTracer") => Ok(options
            .pointer("/tracerConfig/onlyTopCall")
            .and_then(Value::as_bool)
            .unwrap_or(false)),
        None => Err(RpcError::new(
            code::SERVER_ERROR,
            "the default struct logger is not supported: pass {\"tracer\": \"callTracer\"}",
        )),
        Some(other) => Err(RpcError::new(
            code::SERVER_ERROR,
            format!("tracer {other:?} is not supported: pass {{\"tracer\": \"callTracer\"}}"),
        )),
    }
}

fn trimmed(
    mut frame: crate::evm::call_tracer::CallFrame,
    only_top: bool,
) -> crate::evm::call_tracer::CallFrame {
    if only_top {
        frame.calls.clear();
    }
    frame
}

/// Handles one method call.
pub fn dispatch(node: &mut Devnode, method: &str, params: &[Value]) -> Result<Value, RpcError> {
    let p = Params(params);
    match method {
        "web3_clientVersion" => Ok(json!(concat!(
            "devnode/v",
            env!("CARGO_PKG_VERSION"),
            "/stylus"
        ))),
        "net_version" => Ok(json!(node.chain_id().to_string())),
        "net_listening" => Ok(json!(true)),
        "eth_chainId" => Ok(quantity(node.chain_id())),
        "eth_syncing" => Ok(json!(false)),
        "eth_blockNumber" => Ok(quantity(node.block_number())),
        "eth_accounts" => to_json(node.accounts()),
        "eth_gasPrice" => Ok(quantity(node.base_fee())),
        "eth_maxPriorityFeePerGas" => Ok(quantity(0)),
        "eth_getBalance" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            to_json(node.balance(address, tag)?)
        }
        "eth_getTransactionCount" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let id: Option<BlockId> = p.optional(1, "block")?;
            // `pending` counts the pool, as wallets expect of their next nonce.
            if id == Some(BlockId::Number(BlockNumberOrTag::Pending)) {
                return Ok(quantity(node.pending_nonce(address)));
            }
            let tag = block_tag(node, id)?;
            Ok(quantity(node.nonce(address, tag)?))
        }
        "eth_getCode" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            to_json(node.code(address, tag)?)
        }
        "eth_getStorageAt" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            let slot: U256 = p.required(1, "slot")?;
            let tag = block_tag(node, p.optional(2, "block")?)?;
            to_json(node.storage(address, slot, tag)?)
        }
        "eth_getBlockByNumber" => {
            p.at_most(2)?;
            let number: BlockNumberOrTag = p.required(0, "block")?;
            let full: bool = p.optional(1, "full")?.unwrap_or(false);
            let number = block_number_of(node, number);
            match node.block(number) {
                Some(block) => to_json(convert::block(node, block, full)),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockByHash" => {
            p.at_most(2)?;
            let hash: B256 = p.required(0, "hash")?;
            let full: bool = p.optional(1, "full")?.unwrap_or(false);
            match node.block_by_hash(hash) {
                Some(block) => to_json(convert::block(node, block, full)),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockTransactionCountByNumber" => {
            let number: BlockNumberOrTag = p.required(0, "block")?;
            let number = block_number_of(node, number);
            match node.block(number) {
                Some(block) => Ok(quantity(block.transactions.len() as u64)),
                None => Ok(Value::Null),
            }
        }
        "eth_getTransactionByBlockNumberAndIndex" | "eth_getTransactionByBlockHashAndIndex" => {
            p.at_most(2)?;
            let block = if method.ends_with("NumberAndIndex") {
                let number: BlockNumberOrTag = p.required(0, "block")?;
                node.block(block_number_of(node, number))
            } else {
                node.block_by_hash(p.required(0, "hash")?)
            };
            let index: U256 = p.required(1, "index")?;
            let tx = block
                .and_then(|b| b.transactions.get(index.saturating_to::<usize>()))
                .and_then(|hash| node.transaction(*hash));
            match tx {
                Some(tx) => to_json(convert::transaction(node, tx)),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockReceipts" => {
            p.at_most(1)?;
            let number: BlockNumberOrTag = p.required(0, "block")?;
            match node.block(block_number_of(node, number)) {
                Some(block) => to_json(
                    block
                        .transactions
                        .iter()
                        .filter_map(|hash| node.transaction(*hash))
                        .map(|tx| convert::receipt(node, tx))
                        .collect::<Vec<_>>(),
                ),
                None => Ok(Value::Null),
            }
        }
        "eth_getTransactionByHash" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            match (node.transaction(hash), node.pool().get(hash)) {
                (Some(tx), _) => to_json(convert::transaction(node, tx)),
                (None, Some(pending)) => to_json(convert::pending_transaction(pending)),
                (None, None) => Ok(Value::Null),
            }
        }
        "eth_getTransactionReceipt" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            match node.transaction(hash) {
                Some(tx) => to_json(convert::receipt(node, tx)),
                None => Ok(Value::Null),
            }
        }
        "eth_sendRawTransaction" => {
            p.at_most(1)?;
            let raw: Bytes = p.required(0, "data")?;
            to_json(node.send_raw_transaction(&raw)?)
        }
        "eth_sendTransaction" => {
            p.at_most(1)?;
            let request: TransactionRequest = p.required(0, "transaction")?;
            to_json(node.sign_and_send(request)?)
        }
        "eth_call" => {
            p.at_most(3)?;
            let request: TransactionRequest = p.required(0, "transaction")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            let overrides: Option<StateOverride> = p.optional(2, "state overrides")?;
            let outcome = node.call(&request, tag, overrides.as_ref())?;
            if outcome.success {
                to_json(outcome.output)
            } else {
                Err(call_error(&outcome))
            }
        }
        "eth_estimateGas" => {
            p.at_most(3)?;
            let request: TransactionRequest = p.required(0, "transaction")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            let overrides: Option<StateOverride> = p.optional(2, "state overrides")?;
            match node.estimate_gas(&request, tag, overrides.as_ref())? {
                Ok(gas) => Ok(quantity(gas)),
                Err(outcome) => Err(call_error(&outcome)),
            }
        }
        "debug_traceTransaction" => {
            p.at_most(2)?;
            let hash: B256 = p.required(0, "transaction hash")?;
            let only_top = tracer_options(p.optional(1, "tracer config")?)?;
            let frame = node.trace_transaction(hash)?;
            to_json(trimmed(frame, only_top))
        }
        "debug_traceCall" => {
            p.at_most(3)?;
            let request: TransactionRequest = p.required(0, "transaction")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            let options: Option<Value> = p.optional(2, "tracer config")?;
            let overrides: Option<StateOverride> = options
                .as_ref()
                .and_then(|o| o.get("stateOverrides"))
                .map(|o| serde_json::from_value(o.clone()))
                .transpose()
                .map_err(|e| RpcError::invalid_params(format!("invalid stateOverrides: {e}")))?;
            let only_top = tracer_options(options)?;
            let frame = node.trace_call(&request, tag, overrides.as_ref())?;
            to_json(trimmed(frame, only_top))
        }
        "evm_setAutomine" | "anvil_setAutomine" | "hardhat_setAutomine" => {
            p.at_most(1)?;
            let enabled: bool = p.required(0, "enabled")?;
            node.set_automine(enabled);
            Ok(Value::Null)
        }
        "anvil_getAutomine" | "hardhat_getAutomine" => {
            p.at_most(0)?;
            Ok(json!(node.automine()))
        }
        "anvil_impersonateAccount" | "hardhat_impersonateAccount" => {
            p.at_most(1)?;
            let address: Address = p.required(0, "address")?;
            node.impersonate(address);
            Ok(Value::Null)
        }
        "anvil_stopImpersonatingAccount" | "hardhat_stopImpersonatingAccount" => {
            p.at_most(1)?;
            let address: Address = p.required(0, "address")?;
            node.stop_impersonating(address);
            Ok(Value::Null)
        }
        "anvil_autoImpersonateAccount" => {
            p.at_most(1)?;
            let enabled: bool = p.required(0, "enabled")?;
            node.set_auto_impersonate(enabled);
            Ok(Value::Null)
        }
        "txpool_status" => {
            p.at_most(0)?;
            // geth's split: `pending` can run now, `queued` waits for a nonce gap.
            let pending = node
                .pool()
                .iter()
                .filter(|tx| {
                    let state = node.nonce(tx.sender, BlockTag::Latest).unwrap_or_default();
                    alloy_consensus::Transaction::nonce(&tx.envelope)
                        < node.pool().next_nonce(tx.sender, state)
                })
                .count() as u64;
            let queued = node.pool().len() as u64 - pending;
            Ok(json!({ "pending": quantity(pending), "queued": quantity(queued) }))
        }
        "eth_getProof" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            // Keys may be short quantities ("0x0") as well as full words.
            let slots: Vec<U256> = p.required(1, "storage keys")?;
            let slots: Vec<B256> = slots.into_iter().map(B256::from).collect();
            let tag = block_tag(node, p.optional(2, "block")?)?;
            to_json(node.proof(address, &slots, tag)?)
        }
        "eth_createAccessList" => {
            p.at_most(3)?;
            let request: TransactionRequest = p.required(0, "transaction")?;
            let tag = block_tag(node, p.optional(1, "block")?)?;
            let overrides: Option<StateOverride> = p.optional(2, "state overrides")?;
            super::access_list::create_access_list(node, &request, tag, overrides.as_ref())
        }
        // Arbitrum has no blobs: Nitro's CalcBlobFee answers 0 on Arbitrum
        // chains (OffchainLabs/nitro#3343), so eth_blobBaseFee reads 0.
        "eth_blobBaseFee" => {
            p.at_most(0)?;
            Ok(quantity(0))
        }
        "eth_feeHistory" => {
            p.at_most(3)?;
            let count: U256 = p.required(0, "block count")?;
            let newest: BlockNumberOrTag = p.required(1, "newest block")?;
            let percentiles: Option<Vec<f64>> = p.optional(2, "reward percentiles")?;
            let newest = block_number_of(node, newest).min(node.block_number());
            let count = count.saturating_to::<u64>().clamp(1, 1024).min(newest + 1);
            let oldest = newest + 1 - count;
            let base_fee = node.base_fee() as u128;
            let gas_used_ratio = (oldest..=newest)
                .map(|n| {
                    let header = &node.block(n).expect("in range").header;
                    header.gas_used as f64 / header.gas_limit as f64
                })
                .collect();
            let history = FeeHistory {
                base_fee_per_gas: vec![base_fee; count as usize + 1],
                gas_used_ratio,
                base_fee_per_blob_gas: vec![0; count as usize + 1],
                blob_gas_used_ratio: vec![0.0; count as usize],
                oldest_block: oldest,
                reward: percentiles.map(|p| vec![vec![0u128; p.len()]; count as usize]),
            };
            to_json(history)
        }
        "eth_getLogs" => {
            p.at_most(1)?;
            let filter: Filter = p.required(0, "filter")?;
            let (from, to) = match filter.block_option {
                FilterBlockOption::Range {
                    from_block,
                    to_block,
                } => (
                    from_block
                        .map(|b| block_number_of(node, b))
                        .unwrap_or(node.block_number()),
                    to_block
                        .map(|b| block_number_of(node, b))
                        .unwrap_or(node.block_number()),
                ),
                FilterBlockOption::AtBlockHash(hash) => {
                    let block = node
                        .block_by_hash(hash)
                        .ok_or_else(|| RpcError::new(code::SERVER_ERROR, "unknown block"))?;
                    (block.header.number, block.header.number)
                }
            };
            if from > to {
                return Err(RpcError::invalid_params("invalid block range"));
            }
            to_json(matching_logs(node, &filter, from, to))
        }
        "eth_newFilter" => {
            p.at_most(1)?;
            let filter: Filter = p.required(0, "filter")?;
            install_filter(node, FilterKind::Logs(Box::new(filter)))
        }
        "eth_newBlockFilter" => {
            p.at_most(0)?;
            install_filter(node, FilterKind::Blocks)
        }
        "eth_newPendingTransactionFilter" => {
            p.at_most(1)?;
            install_filter(node, FilterKind::PendingTransactions)
        }
        "eth_getFilterChanges" => {
            p.at_most(1)?;
            let id = filter_id(&p)?;
            let mut filters = std::mem::take(&mut node.filters);
            let changes = filters.changes(node, id, Instant::now());
            node.filters = filters;
            match changes.ok_or_else(filter_not_found)? {
                Changes::Logs { filter, from, to } => {
                    to_json(matching_logs(node, &filter, from, to))
                }
                Changes::Hashes(hashes) => to_json(hashes),
            }
        }
        "eth_getFilterLogs" => {
            p.at_most(1)?;
            let id = filter_id(&p)?;
            let filter = node
                .filters
                .criteria(id, Instant::now())
                .ok_or_else(filter_not_found)?;
            // As eth_getLogs (and geth), an open end means the latest block.
            let head = node.block_number();
            let (from, to) = filters::log_range(node, &filter, (head, head))
                .ok_or_else(|| RpcError::new(code::SERVER_ERROR, "unknown block"))?;
            to_json(matching_logs(
                node,
                &filter,
                from,
                to.min(node.block_number()),
            ))
        }
        "eth_uninstallFilter" => {
            p.at_most(1)?;
            let id = filter_id(&p)?;
            Ok(json!(node.filters.uninstall(id)))
        }
        "evm_increaseTime" => {
            let seconds: U256 = p.required(0, "seconds")?;
            let offset = node.increase_time(seconds.saturating_to());
            Ok(json!(offset))
        }
        "evm_setNextBlockTimestamp" => {
            let timestamp: U256 = p.required(0, "timestamp")?;
            node.set_next_block_timestamp(timestamp.saturating_to())?;
            Ok(Value::Null)
        }
        "evm_mine" => {
            if let Some(timestamp) = p.optional::<U256>(0, "timestamp")? {
                node.set_next_block_timestamp(timestamp.saturating_to())?;
            }
            node.mine();
            Ok(json!("0x0"))
        }
        "evm_snapshot" => Ok(quantity(node.snapshot())),
        "evm_revert" => {
            let id: U256 = p.required(0, "snapshot id")?;
            Ok(json!(node.revert(id.saturating_to()).is_ok()))
        }
        "anvil_setCode" | "hardhat_setCode" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let code: Bytes = p.required(1, "code")?;
            override_account(node, address, AccountOverride::default().with_code(code))
        }
        "anvil_setNonce" | "hardhat_setNonce" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let nonce: U256 = p.required(1, "nonce")?;
            let nonce = u64::try_from(nonce)
                .map_err(|_| RpcError::invalid_params("nonce does not fit in 64 bits"))?;
            override_account(node, address, AccountOverride::default().with_nonce(nonce))
        }
        "anvil_setStorageAt" | "hardhat_setStorageAt" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            let slot: U256 = p.required(1, "slot")?;
            let value: B256 = p.required(2, "value")?;
            let diff = [(B256::from(slot), value)];
            override_account(
                node,
                address,
                AccountOverride::default().with_state_diff(diff),
            )?;
            Ok(json!(true))
        }
        "anvil_mine" | "hardhat_mine" => {
            p.at_most(2)?;
            let count = p
                .optional::<U256>(0, "count")?
                .map_or(1, |c| c.saturating_to::<u64>());
            let interval = p
                .optional::<U256>(1, "interval")?
                .map_or(0, |i| i.saturating_to::<u64>());
            if count > MAX_MINED_AT_ONCE {
                return Err(RpcError::invalid_params(format!(
                    "at most {MAX_MINED_AT_ONCE} blocks at once"
                )));
            }
            for index in 0..count {
                if index > 0 && interval > 0 {
                    node.increase_time(interval);
                }
                node.mine();
            }
            Ok(Value::Null)
        }
        "eth_getBlockTransactionCountByHash" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "block hash")?;
            Ok(match node.block_by_hash(hash) {
                Some(block) => quantity(block.transactions.len() as u64),
                None => Value::Null,
            })
        }
        "eth_coinbase" => Ok(json!(crate::chain::SEQUENCER)),
        "web3_sha3" => {
            p.at_most(1)?;
            let data: Bytes = p.required(0, "data")?;
            Ok(json!(alloy_primitives::keccak256(&data)))
        }
        "anvil_setBalance" | "hardhat_setBalance" => {
            let address: Address = p.required(0, "address")?;
            let balance: U256 = p.required(1, "balance")?;
            node.set_balance(address, balance);
            Ok(Value::Null)
        }
        _ => Err(RpcError::new(
            code::METHOD_NOT_FOUND,
            format!("the method {method} does not exist/is not available"),
        )),
    }
}
