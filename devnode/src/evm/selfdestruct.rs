//! SELFDESTRUCT while acting as a Stylus program reverts (Arbitrum geth,
//! `core/vm/instructions.go`, `opSelfdestruct`): EVM code reached from a
//! program by delegate call cannot destroy the program's account.

use super::Ctx;
use crate::stylus::activation::is_stylus_program;
use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_types::InputsTr;
use revm::interpreter::{
    instructions, InstructionContext, InstructionExecResult, InstructionResult,
};

/// The SELFDESTRUCT opcode.
pub const OPCODE: u8 = 0xFF;

/// SELFDESTRUCT that reverts when the acting account holds a Stylus program.
pub fn selfdestruct(context: InstructionContext<'_, Ctx, EthInterpreter>) -> InstructionExecResult {
    let acting = context.interpreter.input.target_address();
    let code = context
        .host
        .journal_mut()
        .code(acting)
        .unwrap_or_else(super::journal_err);
    if is_stylus_program(&code.data) {
        return Err(InstructionResult::Revert);
    }
    instructions::host::selfdestruct(context)
}
