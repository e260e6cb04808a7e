//! Running a builtin as a frame of [`ArbEvm`]'s frame stack.

use super::{run, BlockInfo, Builtin, BuiltinCall, BuiltinHost, Halt};
use crate::evm::{ArbEvm, StylusFrame};
use alloy_primitives::{Bytes, B256, U256};
use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{FrameInput, Gas, InstructionResult, InterpreterResult};

/// BLOCKHASH's window: the 256 blocks before the current one.
const BLOCKHASH_WINDOW: u64 = 256;

impl ArbEvm {
    /// Runs `builtin` for the call frame on top of the stack.
    pub(in crate::evm) fn run_builtin_frame(&mut self, builtin: Builtin) -> InterpreterResult {
        let frame = self.inner.frame_stack.get();
        let FrameInput::Call(inputs) = &frame.input else {
            unreachable!("only call frames run builtins");
        };
        let mut gas = Gas::new(inputs.gas_limit);
        let depth = frame.depth;
        let ctx = &self.inner.ctx;
        let call = BuiltinCall {
            address: inputs.target_address,
            caller: inputs.caller,
            value: inputs.value.get(),
            input: Bytes::from(inputs.input.bytes(ctx).to_vec()),
            is_static: inputs.is_static,
            block: BlockInfo {
                number: ctx.block.number.saturating_to(),
                timestamp: ctx.block.timestamp.saturating_to(),
                coinbase: ctx.block.beneficiary,
                gas_limit: ctx.block.gas_limit,
                basefee: U256::from(ctx.block.basefee),
                chain_id: ctx.cfg.chain_id,
                prevrandao: ctx
                    .block
                    .prevrandao
                    .map(|r| U256::from_be_bytes(r.0))
                    .unwrap_or(U256::from(1)),
            },
        };
        // Its calls and storage act as the builtin's address, as a program's do.
        self.frames.push(StylusFrame {
            address: call.address,
            caller: call.caller,
            value: call.value,
            is_static: call.is_static,
            depth,
            refund: 0,
        });
        let (outcome, gas_left) = run(builtin, self, &call, gas.limit());
        let frame = self.frames.pop().expect("pushed above");
        match outcome {
            Ok(output) => {
                gas.set_remaining(gas_left);
                gas.record_refund(frame.refund);
                InterpreterResult::new(InstructionResult::Return, output, gas)
            }
            Err(Halt::Revert(data)) => {
                gas.set_remaining(gas_left);
                InterpreterResult::new(InstructionResult::Revert, data, gas)
            }
            Err(Halt::OutOfGas) => {
                gas.spend_all();
                InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas)
            }
        }
    }
}

impl BuiltinHost for ArbEvm {
    fn block_hash(&mut self, number: u64) -> B256 {
        let current: u64 = self.inner.ctx.block.number.saturating_to();
        if number >= current || current - number > BLOCKHASH_WINDOW {
            return B256::ZERO;
        }
        // Through the database, not its cache: reads run on a layer over the
        // shared state, whose own cache holds no block hashes.
        revm::Database::block_hash(self.inner.ctx.journal_mut().db_mut(), number)
            .unwrap_or_default()
    }
}
