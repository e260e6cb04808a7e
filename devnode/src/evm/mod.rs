//! revm with Arbitrum's Stylus execution plugged into its frame loop.
//!
//! [`ArbEvm`] wraps revm's mainnet EVM and overrides one step of the frame
//! machine: when the frame to run is a call into Stylus code, the program runs
//! on [`StylusRuntime`] instead of the interpreter. Calls and creates made by
//! the program are run as child frames of that same frame stack and journal
//! (a nested run of the frame loop), so value transfers, reverts and gas
//! compose exactly as between EVM frames.

pub mod builtins;
pub mod call_tracer;
pub mod precompiles;
pub mod programs;
mod selfdestruct;
pub mod tip;
mod wasm_call_cost;

use crate::stylus::activation;
use crate::stylus::api::{CallKind, CallResult, CreateResult, EvmApi, EvmData, WriteError};
use crate::stylus::memory::{self, PageCounter};
use crate::stylus::params;
use crate::stylus::profile;
use crate::stylus::recent_programs::RecentPrograms;
use crate::stylus::runtime::{Status, StylusRuntime};
use alloy_primitives::{Address, Bytes, Log, LogData, B256, U256};
use builtins::Builtin;
use precompiles::ArbPrecompiles;
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::{ContextTr, JournalTr, Transaction};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::evm::{ContextDbError, FrameInitResult};
use revm::handler::instructions::{EthInstructions, InstructionProvider};
use revm::handler::{EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult, ItemOrResult};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, Gas, InstructionResult,
    InterpreterAction, InterpreterResult,
};
use revm::primitives::hardfork::SpecId;
use std::convert::Infallible;
use std::sync::Arc;

/// The committed state: everything lives in memory.
pub type State = CacheDB<EmptyDB>;

/// A shared, read-only view of the committed state. Execution runs on a
/// [`Db`] layered over it, so a read-only call costs no copy of the state.
#[derive(Clone, Debug, Default)]
pub struct SharedState(pub Arc<State>);

impl revm::DatabaseRef for SharedState {
    type Error = Infallible;

    fn basic_ref(&self, address: Address) -> Result<Option<revm::state::AccountInfo>, Infallible> {
        self.0.basic_ref(address)
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<revm::state::Bytecode, Infallible> {
        self.0.code_by_hash_ref(code_hash)
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, Infallible> {
        self.0.storage_ref(address, index)
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, Infallible> {
        self.0.block_hash_ref(number)
    }
}

/// What a transaction runs on: its own cache over the shared committed state.
pub type Db = CacheDB<SharedState>;
/// revm's context over [`Db`].
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type Inner =
    Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, ArbPrecompiles, EthFrame<EthInterpreter>>;

/// The code of `address` as last committed to the database.
fn committed_code(db: &Db, address: Address) -> Vec<u8> {
    use revm::database::DatabaseRef;
    let Ok(Some(info)) = db.basic_ref(address) else {
        return Vec::new();
    };
    match info.code {
        Some(code) => code.original_bytes().to_vec(),
        None => db
            .code_by_hash_ref(info.code_hash)
            .map(|code| code.original_bytes().to_vec())
            .unwrap_or_default(),
    }
}

/// The in-memory database cannot fail; this turns its error type into any type.
pub fn journal_err<T>(error: Infallible) -> T {
    match error {}
}

/// One Stylus program invocation on the frame stack.
#[derive(Clone, Debug)]
struct StylusFrame {
    address: Address,
    caller: Address,
    value: U256,
    is_static: bool,
    depth: usize,
    /// Gas refunds earned by the program and its successful children.
    refund: i64,
}

/// The address a frame of the frame stack acts as, EVM and Stylus alike.
#[derive(Clone, Copy, Debug)]
struct ActingFrame {
    address: Address,
    /// Whether the frame is the address's own code running (a call, static
    /// call or create), as opposed to borrowed code acting as it (a delegate
    /// call or call code). Nitro counts only the former for reentrancy
    /// (`TxProcessor.PushContract`, arbos/tx_processor.go).
    own_code: bool,
}

/// The EVM with Stylus support.
pub struct ArbEvm {
    inner: Inner,
    runtime: Arc<StylusRuntime>,
    pages: PageCounter,
    frames: Vec<StylusFrame>,
    /// Every open frame by depth: index `d` is the frame at depth `d` while
    /// it runs (entries past the running frame's depth are finished frames
    /// about to be overwritten).
    acting: Vec<ActingFrame>,
    /// Programs run earlier in the block (one transaction per block here).
    recent_programs: RecentPrograms,
    /// The message's tip-inclusive gas price, which the `tx_gas_price` hostio
    /// reads while the transaction pays the base fee (see [`tip`]).
    message_gas_price: Option<u128>,
    /// Records the call tree when a trace was asked for.
    tracer: Option<call_tracer::CallTracer>,
}

impl ArbEvm {
    /// Builds an EVM over `ctx` sharing the compiled-program cache `runtime`.
    pub fn new(mut ctx: Ctx, runtime: Arc<StylusRuntime>, cache_managers: Vec<Address>) -> Self {
        // Arbitrum lets Stylus code (0xEF F0 00 ...) be deployed; `frame_run`
        // applies EIP-3541 to every other 0xEF-prefixed code.
        ctx.cfg.disable_eip3541 = true;
        let spec = ctx.cfg.spec;
        let mut instruction = EthInstructions::new_mainnet_with_spec(spec);
        let selfdestruct_gas = instruction.gas_table()[selfdestruct::OPCODE as usize];
        instruction.insert_instruction(
            selfdestruct::OPCODE,
            revm::interpreter::Instruction::new(selfdestruct::selfdestruct),
            selfdestruct_gas,
        );
        let inner = Evm {
            ctx,
            inspector: (),
            instruction,
            precompiles: ArbPrecompiles::new(spec, runtime.clone(), cache_managers),
            frame_stack: revm::context_interface::local::FrameStack::new_prealloc(8),
        };
        Self {
            inner,
            runtime,
            pages: PageCounter::default(),
            frames: Vec::new(),
            acting: Vec::new(),
            recent_programs: RecentPrograms::default(),
            message_gas_price: None,
            tracer: None,
        }
    }

    /// Sets the price `tx_gas_price` reports (the price before [`tip::drop_tip`]).
    pub fn set_message_gas_price(&mut self, price: u128) {
        self.message_gas_price = Some(price);
    }

    /// Records the transaction's call tree (geth's `callTracer`).
    pub fn trace_calls(&mut self) {
        self.tracer = Some(call_tracer::CallTracer::default());
    }

    /// The recorded call tree, once the transaction ran.
    pub fn take_call_trace(&mut self) -> Option<call_tracer::CallFrame> {
        self.tracer
            .take()
            .and_then(call_tracer::CallTracer::into_root)
    }

    /// The context (block, tx, cfg, journal).
    pub fn ctx_mut(&mut self) -> &mut Ctx {
        &mut self.inner.ctx
    }

    /// Consumes the EVM, returning its context.
    pub fn into_ctx(self) -> Ctx {
        self.inner.ctx
    }

    /// Resets the per-transaction Stylus state.
    pub fn begin_tx(&mut self) {
        self.pages = PageCounter::default();
        self.frames.clear();
        self.acting.clear();
        self.recent_programs.clear();
        self.inner.precompiles.callers.clear();
    }

    /// Nitro's `msg_reentrant` for a program acting as `address` at `depth`:
    /// the address has more than one open frame running its own code, EVM
    /// and Stylus frames alike. A program reached by delegate call (a proxy's
    /// implementation, a library) is not re-entrant by that alone.
    fn is_reentrant(&self, address: Address, depth: usize) -> bool {
        let open = &self.acting[..(depth + 1).min(self.acting.len())];
        open.iter()
            .filter(|frame| frame.own_code && frame.address == address)
            .count()
            > 1
    }

    fn top(&self) -> &StylusFrame {
        self.frames.last().expect("a Stylus frame is running")
    }

    /// Runs the Stylus program of the frame on top of the stack.
    fn run_stylus_frame(&mut self) -> InterpreterResult {
        let frame = self.inner.frame_stack.get();
        let FrameInput::Call(inputs) = &frame.input else {
            unreachable!("only call frames run Stylus programs");
        };
        let gas_limit = inputs.gas_limit;
        let address = inputs.target_address;
        let caller = inputs.caller;
        let value = inputs.value.get();
        let is_static = inputs.is_static;
        let depth = frame.depth;
        let call_input = inputs.input.clone();
        let codehash = frame.interpreter.bytecode.get_or_calculate_hash();
        let code = frame.interpreter.bytecode.original_bytes();
        let args = call_input.bytes(&self.inner.ctx).to_vec();
        let mut gas = Gas::new(gas_limit);

        let now = self.inner.ctx.block.timestamp.saturating_to::<u64>();
        let program = programs::get_program(&mut self.inner.ctx, codehash);
        // Nitro's `getActiveProgram` fails with an ArbWasm error that is not
        // `ErrExecutionReverted`, so the call burns all its gas and returns nothing.
        if program.check_active(now).is_err() {
            gas.spend_all();
            return InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas);
        }

        // Program init and memory footprint, paid up front (Nitro `CallProgram`).
        let footprint = memory::gas_cost(program.footprint, self.pages.open, self.pages.ever);
        let recently_run = self.runtime.arbos_version().has_recent_programs_cache()
            && self
                .recent_programs
                .insert(codehash, params::BLOCK_CACHE_SIZE);
        let entry = params::cached_gas(program.cached_cost);
        let init = (!(program.cached || recently_run)).then(|| params::init_gas(program.init_cost));
        let call_cost = footprint
            .saturating_add(entry)
            .saturating_add(init.unwrap_or(0));
        profile::entered(entry, init, footprint);
        if !gas.record_regular_cost(call_cost) {
            gas.spend_all();
            return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
        }
        let (open_before, _) = self.pages.add(program.footprint);

        let arbos_version = self.runtime.arbos_version();
        let db = &self.inner.ctx.journaled_state.database;
        let module = self.runtime.module(codehash, || {
            // Recompiling an activated program reads its fragments without charge, as Nitro does.
            let mut read_fragment = |address| Ok(committed_code(db, address));
            activation::compile(
                &code,
                params::PAGE_LIMIT,
                arbos_version,
                false,
                &mut read_fragment,
            )
            .ok()
            .map(|m| m.wasm)
        });
        let Ok(module) = module else {
            self.pages.open = open_before;
            return InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas);
        };

        let reentrant = self.is_reentrant(address, depth);
        let ctx = &self.inner.ctx;
        let data = EvmData {
            block_basefee: U256::from(ctx.block.basefee),
            chain_id: ctx.cfg.chain_id,
            block_coinbase: ctx.block.beneficiary,
            block_gas_limit: ctx.block.gas_limit,
            block_number: ctx.block.number.saturating_to(),
            block_timestamp: now,
            contract_address: address,
            msg_sender: caller,
            msg_value: value,
            tx_gas_price: U256::from(
                self.message_gas_price
                    .unwrap_or_else(|| ctx.tx.effective_gas_price(ctx.block.basefee as u128)),
            ),
            tx_origin: ctx.tx.caller(),
            reentrant,
        };
        self.frames.push(StylusFrame {
            address,
            caller,
            value,
            is_static,
            depth,
            refund: 0,
        });
        let starting_gas = gas.remaining();
        let runtime = self.runtime.clone();
        let outcome = runtime.execute(&module, self, args, data, params::gas_to_ink(starting_gas));
        let frame = self.frames.pop().expect("pushed above");
        self.pages.open = open_before;

        let mut gas_left = params::ink_to_gas(outcome.ink_left);
        let output = Bytes::from(outcome.output);
        // Return data costs at least what EVM memory for it would, measured
        // from the gas the call had before its init and memory costs
        // (Nitro `CallProgram` takes `startingGas` before burning them).
        if !output.is_empty() {
            let words = (output.len() as u64).div_ceil(32);
            let evm_cost = words * 3 + words * words / 512;
            if gas_limit < evm_cost {
                gas.spend_all();
                return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
            }
            let priced = gas_left.min(gas_limit - evm_cost);
            profile::returned(gas_left - priced);
            gas_left = priced;
        }
        let (result, output) = match outcome.status {
            Status::Success => (InstructionResult::Return, output),
            Status::Revert => (InstructionResult::Revert, output),
            Status::Failure => (InstructionResult::Revert, Bytes::new()),
            Status::OutOfInk => {
                gas.spend_all();
                return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
            }
            Status::OutOfStack => {
                gas.spend_all();
                return InterpreterResult::new(InstructionResult::CallTooDeep, Bytes::new(), gas);
            }
        };
        gas.set_remaining(gas_left);
        if result == InstructionResult::Return {
            gas.record_refund(frame.refund);
        }
        InterpreterResult::new(result, output, gas)
    }

    /// Runs a child frame of the running Stylus frame to completion.
    fn run_nested(
        &mut self,
        frame_input: FrameInput,
        depth: usize,
    ) -> Result<FrameResult, ContextDbError<Ctx>> {
        let parent = self.inner.frame_stack.index();
        let memory = self
            .inner
            .frame_stack
            .get()
            .interpreter
            .memory
            .new_child_context();
        let init = FrameInit {
            depth,
            memory,
            frame_input,
        };
        let result = match self.frame_init(init)? {
            ItemOrResult::Result(result) => result,
            ItemOrResult::Item(_) => loop {
                let result = match self.frame_run()? {
                    ItemOrResult::Item(init) => match self.frame_init(init)? {
                        ItemOrResult::Item(_) => continue,
                        ItemOrResult::Result(result) => result,
                    },
                    ItemOrResult::Result(result) => result,
                };
                if self.inner.frame_stack.get().is_finished() {
                    self.inner.frame_stack.pop();
                }
                if self.inner.frame_stack.index() == parent {
                    break result;
                }
                self.inner
                    .frame_stack
                    .get()
                    .return_result::<_, ContextDbError<Ctx>>(&mut self.inner.ctx, result)?;
            },
        };
        self.inner
            .frame_stack
            .get()
            .interpreter
            .memory
            .free_child_context();
        Ok(result)
    }
}

impl EvmTr for ArbEvm {
    type Context = Ctx;
    type Instructions = EthInstructions<EthInterpreter, Ctx>;
    type Precompiles = ArbPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &revm::context_interface::local::FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut revm::context_interface::local::FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Ctx>> {
        let depth = frame_input.depth;
        let caller = match &frame_input.frame_input {
            FrameInput::Call(inputs) => inputs.caller,
            FrameInput::Create(inputs) => inputs.caller(),
            FrameInput::Empty => Address::ZERO,
        };
        // Recorded before the frame starts: a precompile runs inside init.
        let callers = &mut self.inner.precompiles.callers;
        callers.truncate(depth);
        callers.push(caller);
        let call = match &frame_input.frame_input {
            FrameInput::Call(inputs) => Some(ActingFrame {
                address: inputs.target_address,
                own_code: !matches!(
                    inputs.scheme,
                    CallScheme::DelegateCall | CallScheme::CallCode
                ),
            }),
            FrameInput::Create(_) | FrameInput::Empty => None,
        };
        if let Some(tracer) = self.tracer.as_mut() {
            let input = match &frame_input.frame_input {
                FrameInput::Call(inputs) => inputs.input.bytes(&self.inner.ctx),
                FrameInput::Create(inputs) => inputs.init_code().clone(),
                FrameInput::Empty => Bytes::new(),
            };
            tracer.enter(&frame_input.frame_input, input);
        }
        let result = self.inner.frame_init(frame_input)?;
        if let (Some(tracer), ItemOrResult::Result(result)) = (self.tracer.as_mut(), &result) {
            tracer.exit(result);
        }
        // Only frames that run code are pushed (precompiles, empty accounts
        // and failed inits return a result at once), as in Nitro, where
        // only running code is pushed onto `TxProcessor`'s stacks.
        if let ItemOrResult::Item(frame) = &result {
            let acting = match (&frame.data, call) {
                (FrameData::Create(create), _) => ActingFrame {
                    address: create.created_address,
                    own_code: true,
                },
                (FrameData::Call(_), Some(call)) => call,
                (FrameData::Call(_), None) => unreachable!("a call frame comes from call input"),
            };
            self.acting.truncate(depth);
            self.acting.push(acting);
        }
        Ok(result)
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Ctx>> {
        let frame = self.inner.frame_stack.get();
        let builtin = match (&frame.data, &frame.input) {
            (FrameData::Call(_), FrameInput::Call(inputs)) => Builtin::at(
                inputs.bytecode_address,
                frame.interpreter.bytecode.original_byte_slice(),
            ),
            _ => None,
        };
        let stylus = matches!(frame.data, FrameData::Call(_))
            && activation::is_program(
                frame.interpreter.bytecode.original_byte_slice(),
                self.runtime.arbos_version(),
            );
        let action = if let Some(builtin) = builtin {
            InterpreterAction::Return(self.run_builtin_frame(builtin))
        } else if stylus {
            InterpreterAction::Return(self.run_stylus_frame())
        } else {
            let (ctx, instructions, _, frames) = self.inner.all_mut();
            let frame = frames.get();
            let mut action = frame.interpreter.run_plain(
                instructions.instruction_table(),
                instructions.gas_table(),
                ctx,
            );
            // Arbitrum's EIP-3541: 0xEF code may only be deployed if it is a Stylus program.
            if let (FrameData::Create(_), InterpreterAction::Return(result)) =
                (&frame.data, &mut action)
            {
                if result.result.is_ok()
                    && result.output.first() == Some(&0xEF)
                    && !activation::is_deployable(&result.output, self.runtime.arbos_version())
                {
                    result.result = InstructionResult::CreateContractStartingWithEF;
                }
            }
            action
        };
        let (ctx, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        let next = frame.process_next_action(ctx, action).inspect(|next| {
            if next.is_result() {
                frame.set_finished(true);
            }
        });
        if let (Some(tracer), Ok(ItemOrResult::Result(result))) = (self.tracer.as_mut(), &next) {
            tracer.exit(result);
        }
        next
    }

    fn frame_return_result(
        &mut self,
        result: FrameResult,
    ) -> Result<Option<FrameResult>, ContextDbError<Ctx>> {
        self.inner.frame_return_result(result)
    }
}

impl EvmApi for ArbEvm {
    fn get_bytes32(&mut self, key: B256) -> (B256, u64) {
        let address = self.top().address;
        let load = self
            .inner
            .ctx
            .journal_mut()
            .sload(address, key.into())
            .unwrap_or_else(journal_err);
        let cost = if load.is_cold {
            params::gas::COLD_SLOAD
        } else {
            params::gas::WARM_SLOAD
        };
        profile::storage_read(cost);
        (B256::from(load.data), cost)
    }

    fn set_trie_slots(&mut self, slots: &[(B256, B256)], gas_left: u64) -> Result<u64, WriteError> {
        let frame = self.top().clone();
        if frame.is_static {
            return Err(WriteError::WriteProtection);
        }
        let mut gas = gas_left;
        let mut refund = 0i64;
        for (key, value) in slots {
            let store = self
                .inner
                .ctx
                .journal_mut()
                .sstore(frame.address, (*key).into(), (*value).into())
                .unwrap_or_else(journal_err);
            let gas_params = &self.inner.ctx.cfg.gas_params;
            let cost = gas_params.sstore_static_gas()
                + gas_params.sstore_dynamic_gas(true, &store.data, store.is_cold);
            let slot_refund = gas_params.sstore_refund(true, &store.data);
            refund += slot_refund;
            profile::storage_write(
                cost,
                store.data.is_original_zero(),
                store.data.is_original_eq_present() && store.data.new_values_changes_present(),
                slot_refund,
            );
            if cost > gas {
                return Err(WriteError::OutOfGas);
            }
            gas -= cost;
        }
        if gas == 0 {
            return Err(WriteError::OutOfGas);
        }
        if let Some(top) = self.frames.last_mut() {
            top.refund += refund;
        }
        Ok(gas_left - gas)
    }

    fn get_transient_bytes32(&mut self, key: B256) -> B256 {
        let address = self.top().address;
        B256::from(self.inner.ctx.journal_mut().tload(address, key.into()))
    }

    fn set_transient_bytes32(&mut self, key: B256, value: B256) -> Result<(), WriteError> {
        let frame = self.top();
        if frame.is_static {
            return Err(WriteError::WriteProtection);
        }
        let address = frame.address;
        self.inner
            .ctx
            .journal_mut()
            .tstore(address, key.into(), value.into());
        Ok(())
    }

    fn call(
        &mut self,
        kind: CallKind,
        contract: Address,
        input: Bytes,
        gas_left: u64,
        gas_req: u64,
        value: U256,
    ) -> Result<CallResult, WriteError> {
        let frame = self.top().clone();
        let failed = |cost| {
            Ok(CallResult {
                success: false,
                output: Bytes::new(),
                cost,
            })
        };
        if frame.is_static && !value.is_zero() {
            return failed(0);
        }
        let transfers_value = kind == CallKind::Call && !value.is_zero();
        let loaded = wasm_call_cost::access(
            &mut self.inner.ctx,
            gas_left,
            contract,
            transfers_value,
            kind == CallKind::Call,
        );
        let Some((access_cost, bytecode, code_hash)) = loaded else {
            return failed(gas_left);
        };
        let mut base = params::gas::WARM_SLOAD + access_cost;
        if transfers_value {
            base += self.inner.ctx.cfg.gas_params.transfer_value_cost();
        }
        if base > gas_left {
            return failed(gas_left);
        }
        profile::called(base);
        let start_gas = (gas_left - base) * 63 / 64;
        let mut gas = start_gas.min(gas_req);
        if transfers_value {
            gas = gas.saturating_add(params::gas::CALL_STIPEND);
        }
        let (target, caller, call_value, scheme) = match kind {
            CallKind::Call => (
                contract,
                frame.address,
                CallValue::Transfer(value),
                CallScheme::Call,
            ),
            CallKind::DelegateCall => (
                frame.address,
                frame.caller,
                CallValue::Apparent(frame.value),
                CallScheme::DelegateCall,
            ),
            CallKind::StaticCall => (
                contract,
                frame.address,
                CallValue::Transfer(U256::ZERO),
                CallScheme::StaticCall,
            ),
        };
        let inputs = CallInputs {
            input: CallInput::Bytes(input),
            return_memory_offset: 0..0,
            gas_limit: gas,
            reservoir: 0,
            bytecode_address: contract,
            known_bytecode: (code_hash, bytecode),
            target_address: target,
            caller,
            value: call_value,
            scheme,
            is_static: frame.is_static || kind == CallKind::StaticCall,
            charged_new_account_state_gas: false,
        };
        let Ok(FrameResult::Call(outcome)) =
            self.run_nested(FrameInput::Call(Box::new(inputs)), frame.depth + 1)
        else {
            return failed(gas_left);
        };
        let success = outcome.result.result.is_ok();
        let return_gas = outcome.result.gas.remaining();
        if success {
            if let Some(top) = self.frames.last_mut() {
                top.refund += outcome.result.gas.refunded();
            }
        }
        let output = if outcome.result.result.is_ok_or_revert() {
            outcome.result.output
        } else {
            Bytes::new()
        };
        Ok(CallResult {
            success,
            output,
            cost: base.saturating_add(gas.saturating_sub(return_gas)),
        })
    }

    fn create(
        &mut self,
        code: Bytes,
        endowment: U256,
        salt: Option<B256>,
        gas: u64,
    ) -> Result<CreateResult, String> {
        let frame = self.top().clone();
        if frame.is_static {
            return Err("write protection".into());
        }
        let start_gas = gas;
        let mut base = params::gas::CREATE;
        if salt.is_some() {
            base += params::gas::KECCAK_WORD * (code.len() as u64).div_ceil(32);
        }
        if gas < base {
            return Err("out of gas".into());
        }
        let gas = gas - base;
        let one_64th = gas / 64;
        let gas = gas - one_64th;
        let scheme = match salt {
            Some(salt) => revm::context_interface::CreateScheme::Create2 { salt: salt.into() },
            None => revm::context_interface::CreateScheme::Create,
        };
        let inputs = CreateInputs::new(frame.address, scheme, endowment, code, gas, 0);
        let Ok(FrameResult::Create(outcome)) =
            self.run_nested(FrameInput::Create(Box::new(inputs)), frame.depth + 1)
        else {
            return Err("create failed".into());
        };
        let success = outcome.result.result.is_ok();
        let return_gas = outcome.result.gas.remaining();
        if success {
            if let Some(top) = self.frames.last_mut() {
                top.refund += outcome.result.gas.refunded();
            }
        }
        let output = if outcome.result.result == InstructionResult::Revert {
            outcome.result.output
        } else {
            Bytes::new()
        };
        let address = if success {
            outcome.address.unwrap_or_default()
        } else {
            Address::ZERO
        };
        Ok(CreateResult {
            address,
            output,
            cost: start_gas.saturating_sub(return_gas + one_64th),
        })
    }

    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) -> Result<(), WriteError> {
        let frame = self.top();
        if frame.is_static {
            return Err(WriteError::WriteProtection);
        }
        profile::logged(topics.len(), data.len());
        let log = Log {
            address: frame.address,
            data: LogData::new_unchecked(topics, data),
        };
        self.inner.ctx.journal_mut().log(log);
        Ok(())
    }

    fn account_balance(&mut self, address: Address) -> (U256, u64) {
        let account = self
            .inner
            .ctx
            .journal_mut()
            .load_account(address)
            .unwrap_or_else(journal_err);
        let cost = if account.is_cold {
            params::gas::COLD_ACCOUNT
        } else {
            params::gas::WARM_SLOAD
        };
        (account.data.info.balance, cost)
    }

    fn account_code(&mut self, address: Address, gas: u64) -> (Bytes, u64) {
        let code = self
            .inner
            .ctx
            .journal_mut()
            .code(address)
            .unwrap_or_else(journal_err);
        let access = if code.is_cold {
            params::gas::COLD_ACCOUNT
        } else {
            params::gas::WARM_SLOAD
        };
        // Nitro's `WasmAccountTouchCost` with code: the worst-case code load.
        let cost = access + params::gas::WASM_CODE_LOAD;
        if gas < cost {
            return (Bytes::new(), cost);
        }
        (code.data, cost)
    }

    fn account_codehash(&mut self, address: Address) -> (B256, u64) {
        let hash = self
            .inner
            .ctx
            .journal_mut()
            .code_hash(address)
            .unwrap_or_else(journal_err);
        let cost = if hash.is_cold {
            params::gas::COLD_ACCOUNT
        } else {
            params::gas::WARM_SLOAD
        };
        (hash.data, cost)
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        let (open, ever) = self.pages.add(pages);
        let cost = memory::gas_cost(pages, open, ever);
        profile::memory_grown(cost);
        cost
    }
}

/// The spec the devnode runs EVM code with: Arbitrum runs Osaka from ArbOS
/// 50 (CLZ, P256VERIFY at 0x100, Osaka modexp pricing), without the EIP-7825
/// transaction gas cap and without the EIP-7623 calldata floor unless the
/// chain enables ArbOS's `increasedCalldata` feature (off by default); the
/// chain turns both off in each transaction's configuration.
pub const SPEC: SpecId = SpecId::OSAKA;
