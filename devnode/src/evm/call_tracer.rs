//! geth's `callTracer`: the tree of calls and creates a transaction made,
//! EVM and Stylus frames alike (a program's calls run as child frames of the
//! same frame stack, so they pass the same hooks).
//!
//! [`super::ArbEvm`] reports every frame it starts ([`CallTracer::enter`])
//! and every frame result ([`CallTracer::exit`]); the tracer nests them by
//! order, which the frame stack makes strictly last-in first-out.

use alloy_primitives::{Address, Bytes, U256};
use revm::handler::FrameResult;
use revm::interpreter::{
    CallInputs, CallScheme, CreateInputs, CreateScheme, FrameInput, InstructionResult,
};
use serde::Serialize;

/// One call frame in geth's `callTracer` JSON shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFrame {
    /// `CALL`, `STATICCALL`, `DELEGATECALL`, `CALLCODE`, `CREATE` or `CREATE2`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub from: Address,
    /// The callee; for a create, the created address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    /// Absent for `STATICCALL`, as geth reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<U256>,
    #[serde(with = "alloy_serde_quantity")]
    pub gas: u64,
    #[serde(with = "alloy_serde_quantity")]
    pub gas_used: u64,
    pub input: Bytes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revert_reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallFrame>,
}

/// Quantities as `0x`-prefixed hex, as geth writes `gas` and `gasUsed`.
mod alloy_serde_quantity {
    pub fn serialize<S: serde::Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{value:#x}"))
    }
}

/// Collects the call tree of one transaction.
#[derive(Clone, Debug, Default)]
pub struct CallTracer {
    /// Frames entered and not yet exited, outermost first.
    open: Vec<CallFrame>,
    /// The finished outermost frame.
    root: Option<CallFrame>,
}

impl CallTracer {
    /// A frame is about to start; `input` is its call data or init code.
    pub fn enter(&mut self, frame: &FrameInput, input: Bytes) {
        let call = match frame {
            FrameInput::Call(inputs) => call_frame(inputs, input),
            FrameInput::Create(inputs) => create_frame(inputs),
            FrameInput::Empty => return,
        };
        self.open.push(call);
    }

    /// The innermost open frame ended with `result`.
    pub fn exit(&mut self, result: &FrameResult) {
        let Some(mut frame) = self.open.pop() else {
            return;
        };
        let (outcome, created) = match result {
            FrameResult::Call(outcome) => (&outcome.result, None),
            FrameResult::Create(outcome) => (&outcome.result, outcome.address),
        };
        if frame.kind.starts_with("CREATE") {
            frame.to = created.or(frame.to);
        }
        frame.gas_used = outcome.gas.total_gas_spent().min(frame.gas);
        let output = outcome.output.clone();
        match outcome.result {
            result if result.is_ok() => {
                // A create's output is the deployed code; geth reports it too.
                frame.output = Some(output);
            }
            InstructionResult::Revert => {
                frame.error = Some("execution reverted".into());
                frame.revert_reason = revert_reason(&output);
                frame.output = Some(output);
            }
            halt => {
                frame.error = Some(halt_message(halt));
                // A halted frame burns all the gas it was given.
                frame.gas_used = frame.gas;
            }
        }
        match self.open.last_mut() {
            Some(parent) => parent.calls.push(frame),
            None => self.root = Some(frame),
        }
    }

    /// The outermost frame, once it has ended.
    pub fn into_root(self) -> Option<CallFrame> {
        self.root
    }
}

fn call_frame(inputs: &CallInputs, input: Bytes) -> CallFrame {
    let (kind, from, to) = match inputs.scheme {
        CallScheme::Call => ("CALL", inputs.caller, inputs.target_address),
        CallScheme::StaticCall => ("STATICCALL", inputs.caller, inputs.target_address),
        // Borrowed code: geth reports the borrowing contract calling the
        // code's address.
        CallScheme::DelegateCall => (
            "DELEGATECALL",
            inputs.target_address,
            inputs.bytecode_address,
        ),
        CallScheme::CallCode => ("CALLCODE", inputs.target_address, inputs.bytecode_address),
    };
    CallFrame {
        kind,
        from,
        to: Some(to),
        value: (inputs.scheme != CallScheme::StaticCall).then(|| inputs.value.get()),
        gas: inputs.gas_limit,
        input,
        ..Default::default()
    }
}

fn create_frame(inputs: &CreateInputs) -> CallFrame {
    CallFrame {
        kind: match inputs.scheme() {
            CreateScheme::Create2 { .. } => "CREATE2",
            _ => "CREATE",
        },
        from: inputs.caller(),
        value: Some(inputs.value()),
        gas: inputs.gas_limit(),
        input: inputs.init_code().clone(),
        ..Default::default()
    }
}

/// Decodes an `Error(string)` revert reason, as geth's `revertReason`.
fn revert_reason(output: &[u8]) -> Option<String> {
    use alloy_sol_types::{Revert, SolError};
    Revert::abi_decode(output).ok().map(|revert| revert.reason)
}

/// geth's wording of a frame's halt (core/vm/errors.go).
fn halt_message(result: InstructionResult) -> String {
    use InstructionResult::*;
    match result {
        OutOfGas | MemoryOOG | MemoryLimitOOG | PrecompileOOG | InvalidOperandOOG
        | ReentrancySentryOOG => "out of gas".into(),
        OpcodeNotFound | InvalidFEOpcode => "invalid opcode".into(),
        StackUnderflow => "stack underflow".into(),
        StackOverflow => "stack limit reached".into(),
        CallTooDeep => "max call depth exceeded".into(),
        OutOfFunds => "insufficient balance for transfer".into(),
        StateChangeDuringStaticCall => "write protection".into(),
        InvalidJump => "invalid jump destination".into(),
        CreateCollision => "contract address collision".into(),
        CreateContractSizeLimit => "max code size exceeded".into(),
        CreateContractStartingWithEF => "invalid code: must not begin with 0xef".into(),
        NonceOverflow => "nonce uint64 overflow".into(),
        CreateInitCodeSizeLimit => "max initcode size exceeded".into(),
        CallNotAllowedInsideStatic => "write protection".into(),
        other => format!("{other:?}"),
    }
}
