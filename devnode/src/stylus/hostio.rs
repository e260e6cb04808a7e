//! The 42 host functions of module `vm_hooks` that Nitro links into every
//! program, with Nitro's ink and gas charges (`user-host-trait`).

use super::api::{CallKind, EvmApi, EvmData, WriteError};
use super::params::{self, gas, ink};
use super::storage_cache::StorageCache;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use std::fmt;
use wasmi::{Caller, Error, Global, Linker, Memory, Val};
use wasmparser::ValType;

/// The import module of every hostio.
pub const MODULE: &str = "vm_hooks";

/// Why a program stopped before returning from its entry point.
#[derive(Debug)]
pub enum Escape {
    /// The program ran out of ink.
    OutOfInk,
    /// `exit_early` with the given status.
    Exit(u32),
    /// A hostio failed (bad pointer, bad topic data, write in a static call, ...).
    Failure(String),
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Escape::OutOfInk => write!(f, "out of ink"),
            Escape::Exit(status) => write!(f, "exit early with status {status}"),
            Escape::Failure(reason) => write!(f, "{reason}"),
        }
    }
}

impl wasmi::errors::HostError for Escape {}

fn failure(reason: impl Into<String>) -> Error {
    Error::host(Escape::Failure(reason.into()))
}

/// A raw handle on the chain for the duration of one program invocation.
///
/// The program runs synchronously inside `runtime::execute`, which receives
/// `&mut dyn EvmApi` and keeps it borrowed for the whole call; the store
/// holding this pointer is dropped before `execute` returns. So the pointer is
/// valid and unaliased whenever a hostio dereferences it.
struct ApiPtr(*mut (dyn EvmApi + 'static));

// The pointer is only dereferenced on the thread running `execute` (see above).
unsafe impl Send for ApiPtr {}
unsafe impl Sync for ApiPtr {}

/// Per-invocation state visible to the hostios.
pub struct HostEnv {
    api: ApiPtr,
    /// Calldata of the invocation.
    pub args: Vec<u8>,
    /// Result set by `write_result`.
    pub outs: Vec<u8>,
    /// Return data of the last call or create.
    pub return_data: Bytes,
    /// Block and message context.
    pub data: EvmData,
    cache: StorageCache,
    /// The last non-empty code `account_code`/`account_code_size` loaded:
    /// Nitro's `EvmApiRequestor::last_code`, which answers a repeated query of
    /// the same address for no gas.
    last_code: Option<(Address, Bytes)>,
    pub(crate) memory: Option<Memory>,
    pub(crate) ink_left: Option<Global>,
    pub(crate) ink_status: Option<Global>,
}

impl HostEnv {
    /// Creates the state of one invocation.
    ///
    /// # Safety
    /// `api` must stay valid and must not be used by anyone else until the
    /// store holding this environment is dropped.
    pub unsafe fn new(api: *mut (dyn EvmApi + 'static), args: Vec<u8>, data: EvmData) -> Self {
        Self {
            api: ApiPtr(api),
            args,
            outs: Vec::new(),
            return_data: Bytes::new(),
            data,
            cache: StorageCache::default(),
            last_code: None,
            memory: None,
            ink_left: None,
            ink_status: None,
        }
    }

    fn api(&mut self) -> &mut dyn EvmApi {
        // SAFETY: see `ApiPtr`: valid and exclusive while the program runs.
        unsafe { &mut *self.api.0 }
    }

    /// An account's code and its gas, through the last-code cache (Nitro
    /// `crates/arbutil/src/evm/req.rs`, `account_code`). Empty code is not
    /// cached from ArbOS 40 (`ARBOS_VERSION_STYLUS_LAST_CODE_CACHE_FIX`).
    fn account_code(&mut self, address: Address, gas: u64) -> (Bytes, u64) {
        if let Some((cached, code)) = &self.last_code {
            if *cached == address {
                return (code.clone(), 0);
            }
        }
        let (code, cost) = self.api().account_code(address, gas);
        if !code.is_empty() {
            self.last_code = Some((address, code.clone()));
        }
        (code, cost)
    }
}

type Ctx<'a> = Caller<'a, HostEnv>;

fn ink_ready(c: &Ctx) -> Result<u64, Error> {
    let env = c.data();
    let (Some(ink), Some(status)) = (env.ink_left, env.ink_status) else {
        return Err(failure("program is not instrumented"));
    };
    if status.get(c).i32() != Some(0) {
        return Err(Error::host(Escape::OutOfInk));
    }
    match ink.get(c) {
        Val::I64(ink) => Ok(ink as u64),
        _ => Err(failure("ink global has the wrong type")),
    }
}

fn set_ink(c: &mut Ctx, value: u64) -> Result<(), Error> {
    let ink = c
        .data()
        .ink_left
        .ok_or_else(|| failure("program is not instrumented"))?;
    ink.set(&mut *c, Val::I64(value as i64))
        .map_err(|e| failure(e.to_string()))
}

fn out_of_ink(c: &mut Ctx) -> Error {
    if let Some(status) = c.data().ink_status {
        let _ = status.set(&mut *c, Val::I32(1));
    }
    let _ = set_ink(c, 0);
    Error::host(Escape::OutOfInk)
}

fn buy_ink(c: &mut Ctx, cost: u64) -> Result<(), Error> {
    let left = ink_ready(c)?;
    if left < cost {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - cost)
}

fn require_ink(c: &mut Ctx, cost: u64) -> Result<(), Error> {
    if ink_ready(c)? < cost {
        return Err(out_of_ink(c));
    }
    Ok(())
}

fn buy_gas(c: &mut Ctx, cost: u64) -> Result<(), Error> {
    buy_ink(c, params::gas_to_ink(cost))
}

fn require_gas(c: &mut Ctx, cost: u64) -> Result<(), Error> {
    require_ink(c, params::gas_to_ink(cost))
}

fn gas_left(c: &Ctx) -> Result<u64, Error> {
    Ok(params::ink_to_gas(ink_ready(c)?))
}

fn pay_for_read(c: &mut Ctx, bytes: u32) -> Result<(), Error> {
    buy_ink(c, ink::read_price(bytes))
}

fn pay_for_write(c: &mut Ctx, bytes: u32) -> Result<(), Error> {
    buy_ink(c, ink::write_price(bytes))
}

fn memory(c: &Ctx) -> Result<Memory, Error> {
    c.data()
        .memory
        .ok_or_else(|| failure("program has no memory"))
}

/// The guest memory `ptr..ptr + len`, checked before anything is copied.
fn guest_bytes<'a>(c: &'a Ctx, ptr: u32, len: usize) -> Result<&'a [u8], Error> {
    let start = ptr as usize;
    let end = start
        .checked_add(len)
        .ok_or_else(|| failure("memory access out of bounds"))?;
    memory(c)?
        .data(c)
        .get(start..end)
        .ok_or_else(|| failure("memory access out of bounds"))
}

fn read_slice(c: &Ctx, ptr: u32, len: u32) -> Result<Vec<u8>, Error> {
    Ok(guest_bytes(c, ptr, len as usize)?.to_vec())
}

fn read_fixed<const N: usize>(c: &Ctx, ptr: u32) -> Result<[u8; N], Error> {
    let mut buf = [0u8; N];
    buf.copy_from_slice(guest_bytes(c, ptr, N)?);
    Ok(buf)
}

fn read_b256(c: &Ctx, ptr: u32) -> Result<B256, Error> {
    Ok(B256::from(read_fixed::<32>(c, ptr)?))
}

fn read_u256(c: &Ctx, ptr: u32) -> Result<U256, Error> {
    Ok(U256::from_be_bytes(read_fixed::<32>(c, ptr)?))
}

fn read_address(c: &Ctx, ptr: u32) -> Result<Address, Error> {
    Ok(Address::from(read_fixed::<20>(c, ptr)?))
}

fn write_slice(c: &mut Ctx, ptr: u32, data: &[u8]) -> Result<(), Error> {
    memory(c)?
        .write(&mut *c, ptr as usize, data)
        .map_err(|_| failure("memory access out of bounds"))
}

fn write_u32(c: &mut Ctx, ptr: u32, value: u32) -> Result<(), Error> {
    write_slice(c, ptr, &value.to_le_bytes())
}

/// Nitro's `slice_with_runoff`: the part of `data[start..end]` that exists.
fn slice_with_runoff(data: &[u8], start: u32, end: u32) -> &[u8] {
    let start = (start as usize).min(data.len());
    let end = (end as usize).clamp(start, data.len());
    &data[start..end]
}

/// The import module of the debug-mode console functions.
pub const CONSOLE: &str = "console";

/// The WASM signature (params, results) of a host import, or `None` if Nitro
/// does not link it. Besides `vm_hooks`, the `console` functions Nitro links on
/// chains in debug mode (as nitro-devnode runs) are available.
pub fn signature(module: &str, name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    use ValType::{F32, F64, I32, I64};
    if module == CONSOLE {
        let sig: (&'static [ValType], &'static [ValType]) = match name {
            "log_txt" => (&[I32, I32], &[]),
            "log_i32" => (&[I32], &[]),
            "log_i64" => (&[I64], &[]),
            "log_f32" => (&[F32], &[]),
            "log_f64" => (&[F64], &[]),
            "tee_i32" => (&[I32], &[I32]),
            "tee_i64" => (&[I64], &[I64]),
            "tee_f32" => (&[F32], &[F32]),
            "tee_f64" => (&[F64], &[F64]),
            _ => return None,
        };
        return Some(sig);
    }
    if module != MODULE {
        return None;
    }
    let sig: (&'static [ValType], &'static [ValType]) = match name {
        "read_args" => (&[I32], &[]),
        "write_result" => (&[I32, I32], &[]),
        "exit_early" => (&[I32], &[]),
        "storage_load_bytes32" => (&[I32, I32], &[]),
        "storage_cache_bytes32" => (&[I32, I32], &[]),
        "storage_flush_cache" => (&[I32], &[]),
        "transient_load_bytes32" => (&[I32, I32], &[]),
        "transient_store_bytes32" => (&[I32, I32], &[]),
        "call_contract" => (&[I32, I32, I32, I32, I64, I32], &[I32]),
        "delegate_call_contract" => (&[I32, I32, I32, I64, I32], &[I32]),
        "static_call_contract" => (&[I32, I32, I32, I64, I32], &[I32]),
        "create1" => (&[I32, I32, I32, I32, I32], &[]),
        "create2" => (&[I32, I32, I32, I32, I32, I32], &[]),
        "read_return_data" => (&[I32, I32, I32], &[I32]),
        "return_data_size" => (&[], &[I32]),
        "emit_log" => (&[I32, I32, I32], &[]),
        "account_balance" => (&[I32, I32], &[]),
        "account_code" => (&[I32, I32, I32, I32], &[I32]),
        "account_code_size" => (&[I32], &[I32]),
        "account_codehash" => (&[I32, I32], &[]),
        "block_basefee" => (&[I32], &[]),
        "block_coinbase" => (&[I32], &[]),
        "block_gas_limit" => (&[], &[I64]),
        "block_number" => (&[], &[I64]),
        "block_timestamp" => (&[], &[I64]),
        "chainid" => (&[], &[I64]),
        "contract_address" => (&[I32], &[]),
        "evm_gas_left" => (&[], &[I64]),
        "evm_ink_left" => (&[], &[I64]),
        "math_div" => (&[I32, I32], &[]),
        "math_mod" => (&[I32, I32], &[]),
        "math_pow" => (&[I32, I32], &[]),
        "math_add_mod" => (&[I32, I32, I32], &[]),
        "math_mul_mod" => (&[I32, I32, I32], &[]),
        "msg_reentrant" => (&[], &[I32]),
        "msg_sender" => (&[I32], &[]),
        "msg_value" => (&[I32], &[]),
        "native_keccak256" => (&[I32, I32, I32], &[]),
        "tx_gas_price" => (&[I32], &[]),
        "tx_ink_price" => (&[], &[I32]),
        "tx_origin" => (&[I32], &[]),
        "pay_for_memory_grow" => (&[I32], &[]),
        _ => return None,
    };
    Some(sig)
}

/// Every hostio name, in the order they are linked.
pub const NAMES: [&str; 42] = [
    "read_args",
    "write_result",
    "exit_early",
    "storage_load_bytes32",
    "storage_cache_bytes32",
    "storage_flush_cache",
    "transient_load_bytes32",
    "transient_store_bytes32",
    "call_contract",
    "delegate_call_contract",
    "static_call_contract",
    "create1",
    "create2",
    "read_return_data",
    "return_data_size",
    "emit_log",
    "account_balance",
    "account_code",
    "account_code_size",
    "account_codehash",
    "block_basefee",
    "block_coinbase",
    "block_gas_limit",
    "block_number",
    "block_timestamp",
    "chainid",
    "contract_address",
    "evm_gas_left",
    "evm_ink_left",
    "math_div",
    "math_mod",
    "math_pow",
    "math_add_mod",
    "math_mul_mod",
    "msg_reentrant",
    "msg_sender",
    "msg_value",
    "native_keccak256",
    "tx_gas_price",
    "tx_ink_price",
    "tx_origin",
    "pay_for_memory_grow",
];

fn write_error(error: WriteError) -> Error {
    match error {
        WriteError::WriteProtection => failure("write protection"),
        WriteError::OutOfGas => failure("out of gas"),
    }
}

/// Guest pointers and lengths of a call hostio.
struct CallArgs {
    contract: u32,
    data: u32,
    data_len: u32,
    value: Option<u32>,
    gas: u64,
    ret_len: u32,
}

fn do_call(c: &mut Ctx, kind: CallKind, args: CallArgs) -> Result<u32, Error> {
    let CallArgs {
        contract,
        data,
        data_len,
        value,
        gas,
        ret_len,
    } = args;
    buy_ink(c, ink::CALL_CONTRACT)?;
    pay_for_read(c, data_len)?;
    pay_for_read(c, data_len)?;
    let gas_left = gas_left(c)?;
    let gas_req = gas.min(gas_left);
    let contract = read_address(c, contract)?;
    let input = read_slice(c, data, data_len)?;
    let value = match value {
        Some(ptr) => read_u256(c, ptr)?,
        None => U256::ZERO,
    };
    let result = c
        .data_mut()
        .api()
        .call(kind, contract, input.into(), gas_left, gas_req, value)
        .map_err(write_error)?;
    buy_gas(c, result.cost)?;
    let len = result.output.len() as u32;
    c.data_mut().return_data = result.output;
    write_u32(c, ret_len, len)?;
    // Nitro reports every failed call, revert or not, as
    // `UserOutcomeKind::Failure` = 2 (arbos/programs/api.go).
    Ok(if result.success { 0 } else { CALL_FAILED })
}

/// The status byte a call host function returns when the callee failed.
const CALL_FAILED: u32 = 2;

fn do_create(
    c: &mut Ctx,
    code: u32,
    code_len: u32,
    endowment: u32,
    salt: Option<u32>,
    contract: u32,
    revert_data_len: u32,
) -> Result<(), Error> {
    buy_ink(
        c,
        if salt.is_some() {
            ink::CREATE2
        } else {
            ink::CREATE1
        },
    )?;
    pay_for_read(c, code_len)?;
    pay_for_read(c, code_len)?;
    let code = read_slice(c, code, code_len)?;
    let endowment = read_u256(c, endowment)?;
    let salt = match salt {
        Some(ptr) => Some(read_b256(c, ptr)?),
        None => None,
    };
    let gas = gas_left(c)?;
    let result = c
        .data_mut()
        .api()
        .create(code.into(), endowment, salt, gas)
        .map_err(failure)?;
    buy_gas(c, result.cost)?;
    let len = result.output.len() as u32;
    c.data_mut().return_data = result.output;
    write_u32(c, revert_data_len, len)?;
    write_slice(c, contract, result.address.as_slice())
}

/// Prints a console line of the running program to the devnode's standard error.
fn say(c: &Ctx, text: impl fmt::Display) {
    eprintln!("stylus console {}: {text}", c.data().data.contract_address);
}

/// Defines the debug-mode `console` functions (free of ink, as in Nitro).
fn link_console(linker: &mut Linker<HostEnv>) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(
        CONSOLE,
        "log_txt",
        |c: Ctx, ptr: u32, len: u32| -> Result<(), Error> {
            let text = read_slice(&c, ptr, len)?;
            say(&c, String::from_utf8_lossy(&text));
            Ok(())
        },
    )?;
    linker.func_wrap(CONSOLE, "log_i32", |c: Ctx, value: u32| say(&c, value))?;
    linker.func_wrap(CONSOLE, "log_i64", |c: Ctx, value: u64| say(&c, value))?;
    linker.func_wrap(CONSOLE, "log_f32", |c: Ctx, value: f32| say(&c, value))?;
    linker.func_wrap(CONSOLE, "log_f64", |c: Ctx, value: f64| say(&c, value))?;
    linker.func_wrap(CONSOLE, "tee_i32", |c: Ctx, value: u32| {
        say(&c, value);
        value
    })?;
    linker.func_wrap(CONSOLE, "tee_i64", |c: Ctx, value: u64| {
        say(&c, value);
        value
    })?;
    linker.func_wrap(CONSOLE, "tee_f32", |c: Ctx, value: f32| {
        say(&c, value);
        value
    })?;
    linker.func_wrap(CONSOLE, "tee_f64", |c: Ctx, value: f64| {
        say(&c, value);
        value
    })?;
    Ok(())
}

/// Defines every hostio in `linker`.
pub fn link(linker: &mut Linker<HostEnv>) -> Result<(), wasmi::errors::LinkerError> {
    link_console(linker)?;
    linker.func_wrap(
        MODULE,
        "read_args",
        |mut c: Ctx, ptr: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::READ_ARGS)?;
            let args = std::mem::take(&mut c.data_mut().args);
            let paid = pay_for_write(&mut c, args.len() as u32)
                .and_then(|_| write_slice(&mut c, ptr, &args));
            c.data_mut().args = args;
            paid
        },
    )?;
    linker.func_wrap(
        MODULE,
        "write_result",
        |mut c: Ctx, ptr: u32, len: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::WRITE_RESULT)?;
            pay_for_read(&mut c, len)?;
            pay_for_read(&mut c, len)?;
            let outs = read_slice(&c, ptr, len)?;
            c.data_mut().outs = outs;
            Ok(())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "exit_early",
        |_: Ctx, status: u32| -> Result<(), Error> { Err(Error::host(Escape::Exit(status))) },
    )?;
    linker.func_wrap(
        MODULE,
        "storage_load_bytes32",
        |mut c: Ctx, key: u32, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::STORAGE_LOAD)?;
            let api_gas = params::ink_to_gas(ink::EVM_API);
            require_gas(
                &mut c,
                gas::COLD_SLOAD + gas::STORAGE_CACHE_REQUIRED_ACCESS + api_gas,
            )?;
            let key = read_b256(&c, key)?;
            let env = c.data_mut();
            let mut cost = env.cache.read_gas();
            let value = match env.cache.get(&key) {
                Some(value) => value,
                None => {
                    let (value, load_cost) = env.api().get_bytes32(key);
                    env.cache.insert_known(key, value);
                    cost = cost.saturating_add(load_cost).saturating_add(api_gas);
                    value
                }
            };
            buy_gas(&mut c, cost)?;
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "storage_cache_bytes32",
        |mut c: Ctx, key: u32, value: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::STORAGE_CACHE)?;
            require_gas(
                &mut c,
                gas::SSTORE_SENTRY + gas::STORAGE_CACHE_REQUIRED_ACCESS,
            )?;
            let key = read_b256(&c, key)?;
            let value = read_b256(&c, value)?;
            let env = c.data_mut();
            let cost = env.cache.write_gas();
            env.cache.write(key, value);
            buy_gas(&mut c, cost)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "storage_flush_cache",
        |mut c: Ctx, clear: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::STORAGE_FLUSH)?;
            require_gas(&mut c, gas::SSTORE_SENTRY)?;
            let gas_left = gas_left(&c)?;
            let env = c.data_mut();
            let dirty = env.cache.take_dirty(clear != 0);
            if dirty.is_empty() {
                return Ok(());
            }
            // Nitro offers one gas more than is left, so a flush may use exactly all of it.
            let budget = gas_left.saturating_add(1);
            match env.api().set_trie_slots(&dirty, budget) {
                Ok(used) => buy_gas(&mut c, used),
                Err(WriteError::OutOfGas) => {
                    buy_gas(&mut c, budget)?;
                    Err(failure("out of gas"))
                }
                Err(error) => Err(write_error(error)),
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "transient_load_bytes32",
        |mut c: Ctx, key: u32, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::TRANSIENT_LOAD)?;
            buy_gas(&mut c, gas::TLOAD)?;
            let key = read_b256(&c, key)?;
            let value = c.data_mut().api().get_transient_bytes32(key);
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "transient_store_bytes32",
        |mut c: Ctx, key: u32, value: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::TRANSIENT_STORE)?;
            buy_gas(&mut c, gas::TSTORE)?;
            let key = read_b256(&c, key)?;
            let value = read_b256(&c, value)?;
            c.data_mut()
                .api()
                .set_transient_bytes32(key, value)
                .map_err(write_error)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "call_contract",
        |mut c: Ctx,
         contract: u32,
         data: u32,
         len: u32,
         value: u32,
         gas: u64,
         ret: u32|
         -> Result<u32, Error> {
            let args = CallArgs {
                contract,
                data,
                data_len: len,
                value: Some(value),
                gas,
                ret_len: ret,
            };
            do_call(&mut c, CallKind::Call, args)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "delegate_call_contract",
        |mut c: Ctx,
         contract: u32,
         data: u32,
         len: u32,
         gas: u64,
         ret: u32|
         -> Result<u32, Error> {
            let args = CallArgs {
                contract,
                data,
                data_len: len,
                value: None,
                gas,
                ret_len: ret,
            };
            do_call(&mut c, CallKind::DelegateCall, args)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "static_call_contract",
        |mut c: Ctx,
         contract: u32,
         data: u32,
         len: u32,
         gas: u64,
         ret: u32|
         -> Result<u32, Error> {
            let args = CallArgs {
                contract,
                data,
                data_len: len,
                value: None,
                gas,
                ret_len: ret,
            };
            do_call(&mut c, CallKind::StaticCall, args)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "create1",
        |mut c: Ctx,
         code: u32,
         len: u32,
         endowment: u32,
         contract: u32,
         revert_len: u32|
         -> Result<(), Error> {
            do_create(&mut c, code, len, endowment, None, contract, revert_len)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "create2",
        |mut c: Ctx,
         code: u32,
         len: u32,
         endowment: u32,
         salt: u32,
         contract: u32,
         revert_len: u32|
         -> Result<(), Error> {
            do_create(
                &mut c,
                code,
                len,
                endowment,
                Some(salt),
                contract,
                revert_len,
            )
        },
    )?;
    linker.func_wrap(
        MODULE,
        "read_return_data",
        |mut c: Ctx, dest: u32, offset: u32, size: u32| -> Result<u32, Error> {
            buy_ink(&mut c, ink::READ_RETURN_DATA)?;
            let data = c.data().return_data.clone();
            let max = (data.len() as u32).saturating_sub(offset);
            pay_for_write(&mut c, size.min(max))?;
            if max == 0 {
                return Ok(0);
            }
            let out = slice_with_runoff(&data, offset, offset.saturating_add(size));
            if !out.is_empty() {
                write_slice(&mut c, dest, out)?;
            }
            Ok(out.len() as u32)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "return_data_size",
        |mut c: Ctx| -> Result<u32, Error> {
            buy_ink(&mut c, ink::RETURN_DATA_SIZE)?;
            Ok(c.data().return_data.len() as u32)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "emit_log",
        |mut c: Ctx, data: u32, len: u32, topics: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::EMIT_LOG)?;
            if topics > 4 || len < topics * 32 {
                return Err(failure("bad topic data"));
            }
            pay_for_read(&mut c, len)?;
            let data_bytes = (len - topics * 32) as u64;
            buy_gas(
                &mut c,
                (1 + topics as u64) * gas::LOG_TOPIC + data_bytes * gas::LOG_DATA,
            )?;
            let raw = read_slice(&c, data, len)?;
            let split = topics as usize * 32;
            let topic_words = raw[..split].chunks(32).map(B256::from_slice).collect();
            let body = Bytes::copy_from_slice(&raw[split..]);
            c.data_mut()
                .api()
                .emit_log(topic_words, body)
                .map_err(write_error)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "account_balance",
        |mut c: Ctx, address: u32, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::ACCOUNT_BALANCE)?;
            require_gas(&mut c, gas::COLD_ACCOUNT)?;
            let address = read_address(&c, address)?;
            let (balance, cost) = c.data_mut().api().account_balance(address);
            buy_gas(&mut c, cost)?;
            write_slice(&mut c, dest, &balance.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "account_code",
        |mut c: Ctx, address: u32, offset: u32, size: u32, dest: u32| -> Result<u32, Error> {
            buy_ink(&mut c, ink::ACCOUNT_CODE)?;
            require_gas(&mut c, gas::COLD_ACCOUNT)?;
            let address = read_address(&c, address)?;
            let gas = gas_left(&c)?;
            let (code, cost) = c.data_mut().account_code(address, gas);
            buy_gas(&mut c, cost)?;
            pay_for_write(&mut c, code.len() as u32)?;
            let out = slice_with_runoff(&code, offset, offset.saturating_add(size));
            write_slice(&mut c, dest, out)?;
            Ok(out.len() as u32)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "account_code_size",
        |mut c: Ctx, address: u32| -> Result<u32, Error> {
            buy_ink(&mut c, ink::ACCOUNT_CODE_SIZE)?;
            require_gas(&mut c, gas::COLD_ACCOUNT)?;
            let address = read_address(&c, address)?;
            let gas = gas_left(&c)?;
            let (code, cost) = c.data_mut().account_code(address, gas);
            buy_gas(&mut c, cost)?;
            Ok(code.len() as u32)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "account_codehash",
        |mut c: Ctx, address: u32, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::ACCOUNT_CODE_HASH)?;
            require_gas(&mut c, gas::COLD_ACCOUNT)?;
            let address = read_address(&c, address)?;
            let (hash, cost) = c.data_mut().api().account_codehash(address);
            buy_gas(&mut c, cost)?;
            write_slice(&mut c, dest, hash.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "block_basefee",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::BLOCK_BASEFEE)?;
            let value = c.data().data.block_basefee.to_be_bytes::<32>();
            write_slice(&mut c, dest, &value)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "block_coinbase",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::BLOCK_COINBASE)?;
            let value = c.data().data.block_coinbase;
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "block_gas_limit",
        |mut c: Ctx| -> Result<u64, Error> {
            buy_ink(&mut c, ink::BLOCK_GAS_LIMIT)?;
            Ok(c.data().data.block_gas_limit)
        },
    )?;
    linker.func_wrap(MODULE, "block_number", |mut c: Ctx| -> Result<u64, Error> {
        buy_ink(&mut c, ink::BLOCK_NUMBER)?;
        Ok(c.data().data.block_number)
    })?;
    linker.func_wrap(
        MODULE,
        "block_timestamp",
        |mut c: Ctx| -> Result<u64, Error> {
            buy_ink(&mut c, ink::BLOCK_TIMESTAMP)?;
            Ok(c.data().data.block_timestamp)
        },
    )?;
    linker.func_wrap(MODULE, "chainid", |mut c: Ctx| -> Result<u64, Error> {
        buy_ink(&mut c, ink::CHAIN_ID)?;
        Ok(c.data().data.chain_id)
    })?;
    linker.func_wrap(
        MODULE,
        "contract_address",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::ADDRESS)?;
            let value = c.data().data.contract_address;
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(MODULE, "evm_gas_left", |mut c: Ctx| -> Result<u64, Error> {
        buy_ink(&mut c, ink::EVM_GAS_LEFT)?;
        gas_left(&c)
    })?;
    linker.func_wrap(MODULE, "evm_ink_left", |mut c: Ctx| -> Result<u64, Error> {
        buy_ink(&mut c, ink::EVM_INK_LEFT)?;
        ink_ready(&c)
    })?;
    linker.func_wrap(
        MODULE,
        "math_div",
        |mut c: Ctx, value: u32, divisor: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MATH_DIV)?;
            let a = read_u256(&c, value)?;
            let b = read_u256(&c, divisor)?;
            let result = a.checked_div(b).unwrap_or_default();
            write_slice(&mut c, value, &result.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "math_mod",
        |mut c: Ctx, value: u32, modulus: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MATH_MOD)?;
            let a = read_u256(&c, value)?;
            let b = read_u256(&c, modulus)?;
            let result = a.checked_rem(b).unwrap_or_default();
            write_slice(&mut c, value, &result.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "math_pow",
        |mut c: Ctx, value: u32, exponent: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MATH_POW)?;
            let a = read_u256(&c, value)?;
            let raw = read_fixed::<32>(&c, exponent)?;
            buy_ink(&mut c, ink::pow_price(&raw))?;
            let result = a.wrapping_pow(U256::from_be_bytes(raw));
            write_slice(&mut c, value, &result.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "math_add_mod",
        |mut c: Ctx, value: u32, addend: u32, modulus: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MATH_ADD_MOD)?;
            let a = read_u256(&c, value)?;
            let b = read_u256(&c, addend)?;
            let m = read_u256(&c, modulus)?;
            let result = a.add_mod(b, m);
            write_slice(&mut c, value, &result.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "math_mul_mod",
        |mut c: Ctx, value: u32, multiplier: u32, modulus: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MATH_MUL_MOD)?;
            let a = read_u256(&c, value)?;
            let b = read_u256(&c, multiplier)?;
            let m = read_u256(&c, modulus)?;
            let result = a.mul_mod(b, m);
            write_slice(&mut c, value, &result.to_be_bytes::<32>())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "msg_reentrant",
        |mut c: Ctx| -> Result<u32, Error> {
            buy_ink(&mut c, ink::MSG_REENTRANT)?;
            Ok(c.data().data.reentrant as u32)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "msg_sender",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MSG_SENDER)?;
            let value = c.data().data.msg_sender;
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "msg_value",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::MSG_VALUE)?;
            let value = c.data().data.msg_value.to_be_bytes::<32>();
            write_slice(&mut c, dest, &value)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "native_keccak256",
        |mut c: Ctx, input: u32, len: u32, output: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::keccak_price(len))?;
            let preimage = read_slice(&c, input, len)?;
            write_slice(&mut c, output, keccak256(&preimage).as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "tx_gas_price",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::TX_GAS_PRICE)?;
            let value = c.data().data.tx_gas_price.to_be_bytes::<32>();
            write_slice(&mut c, dest, &value)
        },
    )?;
    linker.func_wrap(MODULE, "tx_ink_price", |mut c: Ctx| -> Result<u32, Error> {
        buy_ink(&mut c, ink::TX_INK_PRICE)?;
        Ok(params::INK_PRICE)
    })?;
    linker.func_wrap(
        MODULE,
        "tx_origin",
        |mut c: Ctx, dest: u32| -> Result<(), Error> {
            buy_ink(&mut c, ink::TX_ORIGIN)?;
            let value = c.data().data.tx_origin;
            write_slice(&mut c, dest, value.as_slice())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "pay_for_memory_grow",
        |mut c: Ctx, pages: u32| -> Result<(), Error> {
            // Nitro declares the operand as u16, which wasmer takes from the
            // i32 by truncation (crates/stylus/src/host.rs).
            let pages = pages as u16;
            if pages == 0 {
                return buy_ink(&mut c, ink::PAY_FOR_MEMORY_GROW);
            }
            let cost = c.data_mut().api().add_pages(pages);
            buy_gas(&mut c, cost)
        },
    )?;
    Ok(())
}
