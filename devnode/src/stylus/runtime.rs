//! Running an activated program on wasmi.

use super::api::{EvmApi, EvmData};
use super::hostio::{self, Escape, HostEnv};
use super::instrument::{ENTRY_POINT, INK_LEFT, INK_STATUS, STACK_LEFT};
use super::params;
use super::version::ArbosVersion;
use alloy_primitives::B256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wasmi::{Config, Engine, Linker, Module, Store, TrapCode, Val};

/// How an invocation ended (Nitro's `UserOutcomeKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The entry point returned 0.
    Success,
    /// The entry point returned non-zero (or `exit_early` with non-zero).
    Revert,
    /// A trap or a failed hostio: reverts without data.
    Failure,
    /// The program ran out of ink: consumes all gas.
    OutOfInk,
    /// The program exhausted its stack budget: consumes all gas.
    OutOfStack,
}

/// Result of one invocation.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub status: Status,
    /// The data set by `write_result`.
    pub output: Vec<u8>,
    /// Ink left when the program stopped.
    pub ink_left: u64,
}

/// Compiles and runs instrumented programs; compiled modules are cached by code hash.
pub struct StylusRuntime {
    engine: Engine,
    linker: Linker<HostEnv>,
    modules: Mutex<HashMap<B256, Module>>,
    arbos_version: ArbosVersion,
}

impl std::fmt::Debug for StylusRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StylusRuntime").finish_non_exhaustive()
    }
}

impl StylusRuntime {
    /// Creates a runtime with every hostio linked for a chain at `arbos_version`.
    pub fn new(arbos_version: ArbosVersion) -> Arc<Self> {
        let mut config = Config::default();
        config
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(false)
            .floats(true)
            // The depth checker bounds recursion; wasmi's own limit must not trip first.
            .set_max_recursion_depth(params::MAX_STACK_DEPTH as usize)
            .set_max_stack_height(4 * 1024 * 1024);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        hostio::link(&mut linker).expect("hostio names are unique");
        Arc::new(Self {
            engine,
            linker,
            modules: Mutex::new(HashMap::new()),
            arbos_version,
        })
    }

    /// The ArbOS version of the chain this runtime serves.
    pub fn arbos_version(&self) -> ArbosVersion {
        self.arbos_version
    }

    /// The compiled module for `codehash`, compiling `wasm` if it is not cached yet.
    pub fn module(
        &self,
        codehash: B256,
        wasm: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Result<Module, String> {
        let mut modules = self.modules.lock().map_err(|_| "program cache poisoned")?;
        if let Some(module) = modules.get(&codehash) {
            return Ok(module.clone());
        }
        let wasm = wasm().ok_or("program code unavailable")?;
        let module = Module::new(&self.engine, &wasm).map_err(|e| e.to_string())?;
        modules.insert(codehash, module.clone());
        Ok(module)
    }

    /// Runs `module`'s entry point with `args`, `ink` and the given chain access.
    pub fn execute(
        &self,
        module: &Module,
        api: &mut (dyn EvmApi + 'static),
        args: Vec<u8>,
        data: EvmData,
        ink: u64,
    ) -> Outcome {
        let args_len = args.len() as u32;
        // SAFETY: `api` stays borrowed for this whole function and `store` is dropped
        // before it returns; nothing else uses `api` meanwhile.
        let env = unsafe { HostEnv::new(api as *mut (dyn EvmApi + 'static), args, data) };
        let mut store = Store::new(&self.engine, env);
        let failed = |ink_left| Outcome {
            status: Status::Failure,
            output: Vec::new(),
            ink_left,
        };

        let instance = match self.linker.instantiate_and_start(&mut store, module) {
            Ok(instance) => instance,
            Err(_) => return failed(ink),
        };
        let memory = instance.get_memory(&store, "memory");
        let ink_left = instance.get_global(&store, INK_LEFT);
        let ink_status = instance.get_global(&store, INK_STATUS);
        let stack_left = instance.get_global(&store, STACK_LEFT);
        let (Some(ink_left), Some(ink_status), Some(stack_left)) =
            (ink_left, ink_status, stack_left)
        else {
            return failed(ink);
        };
        let env = store.data_mut();
        env.memory = memory;
        env.ink_left = Some(ink_left);
        env.ink_status = Some(ink_status);
        let initialised = ink_left.set(&mut store, Val::I64(ink as i64)).is_ok()
            && ink_status.set(&mut store, Val::I32(0)).is_ok()
            && stack_left
                .set(&mut store, Val::I32(params::MAX_STACK_DEPTH as i32))
                .is_ok();
        let Ok(entry) = instance.get_typed_func::<u32, u32>(&store, ENTRY_POINT) else {
            return failed(ink);
        };
        if !initialised {
            return failed(ink);
        }

        let result = entry.call(&mut store, args_len);

        let out_of_ink = ink_status.get(&store).i32() != Some(0);
        let ink_after = match ink_left.get(&store) {
            Val::I64(value) if !out_of_ink => value as u64,
            _ => 0,
        };
        let status = match result {
            Ok(0) => Status::Success,
            Ok(_) => Status::Revert,
            Err(error) => match error.downcast_ref::<Escape>() {
                Some(Escape::Exit(0)) => Status::Success,
                Some(Escape::Exit(_)) => Status::Revert,
                Some(Escape::OutOfInk) => Status::OutOfInk,
                Some(Escape::Failure(_)) => Status::Failure,
                None if out_of_ink => Status::OutOfInk,
                None if stack_left.get(&store).i32() == Some(0) => Status::OutOfStack,
                None if error.as_trap_code() == Some(TrapCode::StackOverflow) => Status::OutOfStack,
                None => Status::Failure,
            },
        };
        let ink_left = if status == Status::OutOfInk {
            0
        } else {
            ink_after
        };
        let output = match status {
            Status::Success | Status::Revert => std::mem::take(&mut store.data_mut().outs),
            _ => Vec::new(),
        };
        Outcome {
            status,
            output,
            ink_left,
        }
    }
}
