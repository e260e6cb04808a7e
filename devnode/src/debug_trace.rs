//! `debug_traceTransaction` and `debug_traceCall` with geth's `callTracer`:
//! a mined transaction is re-run on the state before it (its block's parent
//! state plus the transactions before it in the block), a call on the state
//! it names, both with the call tree recorded.

use crate::chain::{rejection_message, tx_env_from_envelope, BlockTag, Devnode, DevnodeError};
use crate::evm::call_tracer::CallFrame;
use alloy_primitives::B256;
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::TransactionRequest;
use revm::context::result::ExecutionResult;
use revm::DatabaseCommit;

/// geth reports the outermost frame with the transaction's gas limit and
/// the gas the receipt shows (intrinsic gas included).
fn outermost(mut frame: CallFrame, gas_limit: u64, result: &ExecutionResult) -> CallFrame {
    frame.gas = gas_limit;
    frame.gas_used = result.tx_gas_used();
    frame
}

impl Devnode {
    /// The call tree of mined transaction `hash`.
    pub fn trace_transaction(&self, hash: B256) -> Result<CallFrame, DevnodeError> {
        let tx = self
            .transaction(hash)
            .ok_or_else(|| DevnodeError::Rejected("transaction not found".into()))?;
        let block = self
            .block(tx.block_number)
            .ok_or(DevnodeError::UnknownBlock(tx.block_number))?;
        let mut db = self.db_at(BlockTag::Number(tx.block_number - 1))?;
        let block_env = self.block_env(tx.block_number, block.header.timestamp);
        for earlier in block.transactions.iter().take_while(|h| **h != hash) {
            let earlier = self
                .transaction(*earlier)
                .ok_or_else(|| DevnodeError::Rejected("transaction not found".into()))?;
            let env = tx_env_from_envelope(&earlier.envelope, earlier.sender);
            let (after, outcome, _) = self.execute_with(db, block_env.clone(), env, false, false);
            db = after;
            if let Ok((_, state)) = outcome {
                db.commit(state);
            }
        }
        let env = tx_env_from_envelope(&tx.envelope, tx.sender);
        let gas_limit = env.gas_limit;
        let (_, outcome, trace) = self.execute_with(db, block_env, env, false, true);
        let (result, _) = outcome.map_err(|e| DevnodeError::Rejected(rejection_message(e)))?;
        let frame = trace.ok_or_else(|| DevnodeError::Rejected("no frame was run".into()))?;
        Ok(outermost(frame, gas_limit, &result))
    }

    /// The call tree of a read-only call, as `eth_call` would run it.
    pub fn trace_call(
        &self,
        request: &TransactionRequest,
        tag: BlockTag,
        overrides: Option<&StateOverride>,
    ) -> Result<CallFrame, DevnodeError> {
        let (db, block_env, env) = self.call_env(request, tag, overrides)?;
        let gas_limit = env.gas_limit;
        let (_, outcome, trace) = self.execute_with(db, block_env, env, true, true);
        let (result, _) = outcome.map_err(|e| DevnodeError::Rejected(rejection_message(e)))?;
        let frame = trace.ok_or_else(|| DevnodeError::Rejected("no frame was run".into()))?;
        Ok(outermost(frame, gas_limit, &result))
    }
}
