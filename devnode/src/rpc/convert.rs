//! Conversion of chain records into the JSON-RPC types alloy, viem and ethers expect.

use crate::chain::{Devnode, MinedBlock, MinedTransaction};
use alloy_consensus::transaction::Recovered;
use alloy_consensus::{
    Eip658Value, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope,
};
use alloy_eips::Typed2718;
use alloy_rpc_types_eth::{Block, BlockTransactions, Header, Log, Transaction, TransactionReceipt};

/// The RPC form of a mined transaction.
pub fn transaction(node: &Devnode, tx: &MinedTransaction) -> Transaction {
    let timestamp = node.block(tx.block_number).map(|b| b.header.timestamp);
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        transaction_index: Some(tx.index),
        effective_gas_price: Some(tx.receipt.effective_gas_price),
        block_timestamp: timestamp,
    }
}

/// The RPC form of a transaction waiting in the pool: no block, and (as
/// geth reports a pending transaction) its fee cap as its gas price.
pub fn pending_transaction(tx: &crate::pool::PooledTransaction) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: Some(tx.envelope.max_fee_per_gas()),
        block_timestamp: None,
    }
}

/// The RPC logs of a mined transaction, numbered from `first_index` within its block.
pub fn logs(node: &Devnode, tx: &MinedTransaction, first_index: u64) -> Vec<Log> {
    let timestamp = node.block(tx.block_number).map(|b| b.header.timestamp);
    tx.receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| rpc_log(log.clone(), tx, timestamp, first_index + i as u64))
        .collect()
}

/// One RPC log.
pub fn rpc_log(
    inner: alloy_primitives::Log,
    tx: &MinedTransaction,
    timestamp: Option<u64>,
    index: u64,
) -> Log {
    Log {
        inner,
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        block_timestamp: timestamp,
        transaction_hash: Some(tx.hash),
        transaction_index: Some(tx.index),
        log_index: Some(index),
        removed: false,
    }
}

/// A receipt with the fields Nitro's RPC adds to every receipt
/// (`MarshalReceipt` in its go-ethereum fork, `internal/ethapi`).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArbitrumReceipt {
    #[serde(flatten)]
    pub inner: TransactionReceipt,
    /// Gas paid for the transaction's L1 data (`TxProcessor.posterGas`); the
    /// devnode has no L1 pricing, as a devnet with an L1 price of 0.
    pub gas_used_for_l1: alloy_primitives::U64,
    /// The L1 block number of the transaction's block: the number the
    /// devnode's `NUMBER` and `block_number` report in that block.
    pub l1_block_number: alloy_primitives::U64,
}

/// The RPC receipt of a mined transaction.
pub fn receipt(node: &Devnode, tx: &MinedTransaction) -> ArbitrumReceipt {
    ArbitrumReceipt {
        inner: eth_receipt(node, tx),
        gas_used_for_l1: alloy_primitives::U64::ZERO,
        l1_block_number: alloy_primitives::U64::from(tx.block_number),
    }
}

fn eth_receipt(node: &Devnode, tx: &MinedTransaction) -> TransactionReceipt {
    let receipt = alloy_consensus::Receipt {
        status: Eip658Value::Eip658(tx.receipt.status),
        cumulative_gas_used: tx.receipt.cumulative_gas_used,
        logs: logs(node, tx, 0),
    };
    let with_bloom = ReceiptWithBloom {
        receipt,
        logs_bloom: tx.receipt.logs_bloom,
    };
    let inner = match tx.envelope.ty() {
        1 => ReceiptEnvelope::Eip2930(with_bloom),
        2 => ReceiptEnvelope::Eip1559(with_bloom),
        4 => ReceiptEnvelope::Eip7702(with_bloom),
        _ => ReceiptEnvelope::Legacy(with_bloom),
    };
    TransactionReceipt {
        inner,
        transaction_hash: tx.hash,
        transaction_index: Some(tx.index),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        gas_used: tx.receipt.gas_used,
        effective_gas_price: tx.receipt.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: tx.sender,
        to: match &tx.envelope {
            TxEnvelope::Legacy(_)
            | TxEnvelope::Eip2930(_)
            | TxEnvelope::Eip1559(_)
            | TxEnvelope::Eip7702(_) => tx.envelope.to(),
            _ => None,
        },
        contract_address: tx.receipt.contract_address,
    }
}

/// The RPC form of a block, with full transactions or only their hashes.
pub fn block(node: &Devnode, block: &MinedBlock, full: bool) -> Block {
    let transactions = if full {
        BlockTransactions::Full(
            block
                .transactions
                .iter()
                .filter_map(|hash| node.transaction(*hash))
                .map(|tx| transaction(node, tx))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.transactions.clone())
    };
    let size = alloy_rlp::Encodable::length(&block.header) as u64;
    Block {
        header: Header {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(alloy_primitives::U256::ZERO),
            size: Some(alloy_primitives::U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }
}
