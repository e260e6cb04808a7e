//! [`Backend`] over HTTP JSON-RPC: any Stylus endpoint (Arbitrum One, Sepolia,
//! nitro-devnode, the project's devnode served over HTTP).
//!
//! Transactions are EIP-1559, signed locally with the [`DeployerKey`] and sent
//! raw; the backend then polls for the receipt. Calls go through `eth_call`,
//! and a call that reverts comes back as [`Called::Revert`] with the revert
//! data from the JSON-RPC error's `data` field (geth's and the devnode's
//! convention), so the contracts' typed errors decode as they do in process.

use std::{
    io::Write,
    time::{Duration, Instant},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, B256, U128, U256, U64};
use alloy_rpc_types_eth::TransactionRequest;
use anyhow::{anyhow, bail, Context, Result};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Value};

use crate::{
    backend::{Backend, Called, Mined, Nonces},
    key::DeployerKey,
};

/// An error the endpoint answered with (`error` of a JSON-RPC response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcError {
    /// JSON-RPC error code (3: execution reverted, -32000: server error).
    pub code: i64,
    /// Its message.
    pub message: String,
    /// Its `data`, if any (the revert data of a reverted call).
    pub data: Option<Value>,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON-RPC error {}: {}", self.code, self.message)
    }
}

impl std::error::Error for RpcError {}

impl RpcError {
    /// What a failed `eth_call` or `eth_estimateGas` means for the caller:
    /// a revert with its data, a halt, or `None` when the endpoint refused
    /// the request itself (bad parameters, unknown method).
    pub fn as_call_failure(&self) -> Option<Called> {
        if let Some(data) = self.revert_data() {
            return Some(Called::Revert(data));
        }
        if self.code == 3 || self.message.contains("execution reverted") {
            return Some(Called::Revert(Bytes::new()));
        }
        // geth and Nitro report failed executions (out of gas, invalid
        // opcode, a Stylus trap) as server errors with the reason.
        (self.code == -32000).then(|| Called::Halt(self.message.clone()))
    }

    /// The revert data in `data`: a hex string, or an object carrying one
    /// under `data` (some providers nest it).
    fn revert_data(&self) -> Option<Bytes> {
        let data = self.data.as_ref()?;
        let hex = data
            .as_str()
            .or_else(|| data.get("data").and_then(Value::as_str))?;
        hex.parse().ok()
    }
}

/// A blocking JSON-RPC client over HTTP(S).
#[derive(Debug)]
pub struct RpcClient {
    url: String,
    agent: ureq::Agent,
    next_id: u64,
}

impl RpcClient {
    /// A client of the endpoint at `url`, with `timeout` per request.
    pub fn new(url: &str, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            // JSON-RPC errors may come with HTTP error statuses; the body
            // still says what went wrong.
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            url: url.to_string(),
            agent,
            next_id: 1,
        }
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls `method` with `params`: `Ok(Ok(result))`, `Ok(Err(error))` when
    /// the endpoint answered with a JSON-RPC error, `Err` when there was no
    /// usable answer (transport, HTTP status, malformed body).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Result<Result<Value, RpcError>> {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut response = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(body.to_string())
            .with_context(|| format!("{method}: no answer from {}", self.url))?;
        let status = response.status();
        let text = response
            .body_mut()
            .read_to_string()
            .with_context(|| format!("{method}: reading the answer"))?;
        let answer: Value = serde_json::from_str(&text).map_err(|_| {
            anyhow!(
                "{method}: HTTP {status}, not JSON: {}",
                text.chars().take(200).collect::<String>()
            )
        })?;
        if let Some(error) = answer.get("error") {
            return Ok(Err(RpcError {
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                data: error.get("data").cloned(),
            }));
        }
        match answer.get("result") {
            Some(result) => Ok(Ok(result.clone())),
            None => bail!("{method}: HTTP {status}, answer without result or error"),
        }
    }

    /// Calls `method` and decodes its result; a JSON-RPC error is an error.
    pub fn request<T: DeserializeOwned>(&mut self, method: &str, params: Value) -> Result<T> {
        let result = self
            .request_raw(method, params)?
            .map_err(|e| anyhow!(e).context(method.to_string()))?;
        serde_json::from_value(result).with_context(|| format!("{method}: unexpected result"))
    }
}

/// What the backend has sent so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spending {
    /// Transactions mined.
    pub transactions: u64,
    /// Of which contract creations.
    pub creations: u64,
    /// Gas used by all of them.
    pub gas: u64,
    /// Wei paid for that gas (data fees sent as value are not included).
    pub fee_wei: U256,
    /// Wei sent as value (the activations' data fees, with their bump; the
    /// excess is refunded by ArbWasm).
    pub value_wei: U256,
}

/// How the backend waits for receipts.
#[derive(Clone, Copy, Debug)]
pub struct Polling {
    /// Longest wait for one receipt.
    pub timeout: Duration,
    /// Longest pause between two polls (they start faster).
    pub interval: Duration,
    /// How often a "still waiting" line is printed.
    pub report_every: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            interval: Duration::from_secs(2),
            report_every: Duration::from_secs(10),
        }
    }
}

/// A chain behind a JSON-RPC endpoint, sending as the deployer.
#[derive(Debug)]
pub struct RpcBackend {
    client: RpcClient,
    key: DeployerKey,
    chain_id: u64,
    max_gas: u64,
    polling: Polling,
    spending: Spending,
    /// Next nonce to use, when known ahead of the endpoint's pending count
    /// (a load-balanced endpoint may lag behind what was just sent).
    next_nonce: Option<u64>,
}

/// The fields of a receipt the backend reads. Arbitrum adds its own fields
/// (`gasUsedForL1`, `l1BlockNumber`), which are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcReceipt {
    transaction_hash: B256,
    status: Option<U64>,
    gas_used: U64,
    effective_gas_price: Option<U128>,
    contract_address: Option<Address>,
    logs: Vec<alloy_rpc_types_eth::Log>,
}

/// Fees for the next transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    /// Most paid per gas, base fee included.
    pub max_fee_per_gas: u128,
    /// Tip per gas.
    pub max_priority_fee_per_gas: u128,
}

impl RpcBackend {
    /// Connects to `url`: reads the chain id and the block gas limit.
    pub fn connect(url: &str, key: DeployerKey) -> Result<Self> {
        let mut client = RpcClient::new(url, Duration::from_secs(60));
        let chain_id: U64 = client
            .request("eth_chainId", json!([]))
            .with_context(|| format!("connecting to {url}"))?;
        let block: Value = client.request("eth_getBlockByNumber", json!(["latest", false]))?;
        let gas_limit: U64 = serde_json::from_value(block["gasLimit"].clone())
            .context("the latest block has no gasLimit")?;
        Ok(Self {
            client,
            key,
            chain_id: chain_id.to(),
            max_gas: gas_limit.to(),
            polling: Polling::default(),
            spending: Spending::default(),
            next_nonce: None,
        })
    }

    /// Waits for receipts as `polling` says.
    pub fn with_polling(mut self, polling: Polling) -> Self {
        self.polling = polling;
        self
    }

    /// The deployer's address.
    pub fn sender(&self) -> Address {
        self.key.address()
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        self.client.url()
    }

    /// What has been sent through this backend.
    pub fn spending(&self) -> Spending {
        self.spending
    }

    /// The underlying client, for methods the [`Backend`] trait does not have.
    pub fn client(&mut self) -> &mut RpcClient {
        &mut self.client
    }

    /// The balance of `account`.
    pub fn balance(&mut self, account: Address) -> Result<U256> {
        self.client
            .request("eth_getBalance", json!([account, "latest"]))
    }

    /// Fees for a transaction sent now: the next block's base fee (from
    /// `eth_feeHistory`) twice over, so the transaction stays valid while
    /// the base fee rises for a few blocks, plus the median tip of recent
    /// blocks. Endpoints without `eth_feeHistory` get the same rule from
    /// `eth_gasPrice`, without a tip. Only the base fee and the tip are
    /// paid; the rest of the maximum is never charged.
    pub fn fees(&mut self) -> Result<Fees> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct FeeHistory {
            base_fee_per_gas: Vec<U128>,
            #[serde(default)]
            reward: Option<Vec<Vec<U128>>>,
        }
        let history = self
            .client
            .request_raw("eth_feeHistory", json!(["0x5", "latest", [50.0]]))?
            .ok()
            .and_then(|value| serde_json::from_value::<FeeHistory>(value).ok());
        let (base_fee, tip) = match history {
            Some(history) if !history.base_fee_per_gas.is_empty() => {
                let next_base = history
                    .base_fee_per_gas
                    .last()
                    .expect("not empty")
                    .to::<u128>();
                let mut tips: Vec<u128> = history
                    .reward
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|block| block.first().map(|tip| tip.to::<u128>()))
                    .collect();
                tips.sort_unstable();
                (next_base, tips.get(tips.len() / 2).copied().unwrap_or(0))
            }
            _ => {
                let price: U128 = self.client.request("eth_gasPrice", json!([]))?;
                (price.to::<u128>(), 0)
            }
        };
        Ok(Fees {
            max_fee_per_gas: base_fee.saturating_mul(2).saturating_add(tip),
            max_priority_fee_per_gas: tip,
        })
    }

    /// `eth_call` of `request` with optional state overrides.
    pub fn call_with_overrides(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<&Value>,
    ) -> Result<Result<Bytes, RpcError>> {
        let answer = self
            .client
            .request_raw("eth_call", at_latest(request, overrides))?;
        Ok(match answer {
            Ok(output) => Ok(serde_json::from_value(output).context("eth_call: not hex data")?),
            Err(error) => Err(error),
        })
    }

    /// `eth_estimateGas` of `request` with optional state overrides.
    pub fn estimate_gas(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<&Value>,
    ) -> Result<Result<u64, RpcError>> {
        let answer = self
            .client
            .request_raw("eth_estimateGas", at_latest(request, overrides))?;
        Ok(match answer {
            Ok(gas) => Ok(serde_json::from_value::<U64>(gas)
                .context("eth_estimateGas: not a quantity")?
                .to()),
            Err(error) => Err(error),
        })
    }

    /// The nonce for the next transaction.
    fn nonce(&mut self) -> Result<u64> {
        let pending: U64 = self.client.request(
            "eth_getTransactionCount",
            json!([self.key.address(), "pending"]),
        )?;
        let pending = pending.to::<u64>();
        Ok(self.next_nonce.map_or(pending, |next| next.max(pending)))
    }

    /// Polls for the receipt of `hash`, printing a line now and then while
    /// it waits.
    fn wait_for_receipt(&mut self, hash: B256) -> Result<RpcReceipt> {
        let started = Instant::now();
        let mut last_report = started;
        let mut pause = Duration::from_millis(100);
        loop {
            let receipt: Option<RpcReceipt> = self
                .client
                .request("eth_getTransactionReceipt", json!([hash]))?;
            if let Some(receipt) = receipt {
                return Ok(receipt);
            }
            let waited = started.elapsed();
            if waited > self.polling.timeout {
                bail!(
                    "transaction {hash} was not mined within {} s; it may still be: run again to resume",
                    self.polling.timeout.as_secs()
                );
            }
            if last_report.elapsed() >= self.polling.report_every {
                eprintln!(
                    "    waiting for {hash} to be mined ({} s)",
                    waited.as_secs()
                );
                let _ = std::io::stderr().flush();
                last_report = Instant::now();
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(self.polling.interval);
        }
    }
}

/// The parameters of `eth_call` / `eth_estimateGas`: `request` against the
/// newest block, with state overrides when given.
fn at_latest(request: &TransactionRequest, overrides: Option<&Value>) -> Value {
    match overrides {
        Some(overrides) => json!([request, "latest", overrides]),
        None => json!([request, "latest"]),
    }
}

impl Backend for RpcBackend {
    fn send(&mut self, request: TransactionRequest) -> Result<Mined> {
        let from = request.from.unwrap_or(self.key.address());
        if from != self.key.address() {
            bail!(
                "the JSON-RPC backend signs as the deployer {} only, not as {from}",
                self.key.address()
            );
        }
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => self
                .estimate_gas(&request, None)?
                .map_err(|e| anyhow!(e).context("estimating gas"))?,
        };
        let fees = self.fees()?;
        let nonce = self.nonce()?;
        let to = request.to.unwrap_or(TxKind::Create);
        let tx = TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: fees.max_fee_per_gas,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
            to,
            value: request.value.unwrap_or_default(),
            access_list: Default::default(),
            input: request.input.input().cloned().unwrap_or_default(),
        };
        let signature = self.key.sign_hash(&tx.signature_hash())?;
        let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
        let hash: B256 = match self
            .client
            .request_raw("eth_sendRawTransaction", json!([Bytes::from(raw)]))?
        {
            Ok(hash) => serde_json::from_value(hash).context("eth_sendRawTransaction")?,
            Err(error) => {
                // The endpoint's count is authoritative again after a refusal
                // (a nonce too low means another sender used it).
                self.next_nonce = None;
                return Err(anyhow!(error).context("eth_sendRawTransaction"));
            }
        };
        self.next_nonce = Some(nonce + 1);
        let receipt = self.wait_for_receipt(hash)?;
        let mined = Mined {
            hash: receipt.transaction_hash,
            status: receipt.status.is_some_and(|s| s == U64::from(1)),
            gas_used: receipt.gas_used.to(),
            effective_gas_price: receipt
                .effective_gas_price
                .map_or(fees.max_fee_per_gas, |p| p.to()),
            contract_address: receipt.contract_address,
            logs: receipt.logs.into_iter().map(|log| log.inner).collect(),
        };
        self.spending.transactions += 1;
        self.spending.creations += u64::from(to.is_create());
        self.spending.gas += mined.gas_used;
        self.spending.fee_wei += mined.cost();
        self.spending.value_wei += request.value.unwrap_or_default();
        Ok(mined)
    }

    /// `eth_call`, then `eth_estimateGas` for the gas of a successful call:
    /// `eth_call` does not report gas, and on Arbitrum the estimate also
    /// covers the L1 data cost a transaction pays, which the limit the
    /// client derives from it must include.
    ///
    /// A call offering more value than the sender holds (the activation's
    /// fee probe offers 1 ETH) runs with the sender's balance raised by a
    /// state override, so it answers what is needed instead of failing on
    /// the balance check.
    fn call(&mut self, request: &TransactionRequest) -> Result<Called> {
        let value = request.value.unwrap_or_default();
        let overrides = match request.from {
            Some(from) if !value.is_zero() => {
                let balance = self.balance(from)?;
                (balance < value).then(
                    || json!({ from.to_string(): { "balance": balance.saturating_add(value) } }),
                )
            }
            _ => None,
        };
        let output = match self.call_with_overrides(request, overrides.as_ref())? {
            Ok(output) => output,
            Err(error) => {
                return error
                    .as_call_failure()
                    .ok_or_else(|| anyhow!(error).context("eth_call"))
            }
        };
        match self.estimate_gas(request, overrides.as_ref())? {
            Ok(gas_used) => Ok(Called::Success { output, gas_used }),
            Err(error) => error
                .as_call_failure()
                .ok_or_else(|| anyhow!(error).context("eth_estimateGas")),
        }
    }

    fn max_gas(&self) -> u64 {
        self.max_gas
    }

    fn chain_id(&mut self) -> Result<u64> {
        Ok(self.chain_id)
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        self.client
            .request("eth_getCode", json!([address, "latest"]))
    }

    fn nonces(&mut self, account: Address) -> Result<Nonces> {
        let mined: U64 = self
            .client
            .request("eth_getTransactionCount", json!([account, "latest"]))?;
        let next = if account == self.key.address() {
            // What `send` will use, which counts this run's own
            // transactions even before the endpoint's pool shows them.
            self.nonce()?
        } else {
            let pending: U64 = self
                .client
                .request("eth_getTransactionCount", json!([account, "pending"]))?;
            pending.to()
        };
        Ok(Nonces {
            mined: mined.to(),
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: i64, message: &str, data: Option<Value>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
            data,
        }
    }

    #[test]
    fn revert_data_comes_from_the_error_data() {
        let reverted = error(3, "execution reverted", Some(json!("0x8e4a23d6")));
        assert_eq!(
            reverted.as_call_failure(),
            Some(Called::Revert(Bytes::from(vec![0x8e, 0x4a, 0x23, 0xd6])))
        );
        let nested = error(-32000, "execution reverted", Some(json!({"data": "0x01"})));
        assert_eq!(
            nested.as_call_failure(),
            Some(Called::Revert(Bytes::from(vec![1])))
        );
        let bare = error(-32000, "execution reverted", None);
        assert_eq!(bare.as_call_failure(), Some(Called::Revert(Bytes::new())));
    }

    #[test]
    fn failures_without_revert_are_halts_and_refusals_are_errors() {
        assert_eq!(
            error(-32000, "out of gas", None).as_call_failure(),
            Some(Called::Halt("out of gas".into()))
        );
        assert_eq!(
            error(-32602, "invalid params", None).as_call_failure(),
            None
        );
    }
}
