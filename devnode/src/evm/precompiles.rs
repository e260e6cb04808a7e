//! Ethereum's precompiles plus the ArbOS precompiles a Stylus toolchain uses:
//! ArbSys (0x64), ArbWasm (0x71) and ArbWasmCache (0x72).
//!
//! Precompile gas follows Nitro's model only roughly: a word-copy charge for
//! the arguments and results, a fixed charge per ArbOS storage read or write,
//! event costs, and for activation Nitro's fixed 1,659,168 gas.

use super::programs::{self, Program, ProgramError};
use super::{journal_err, Ctx};
use crate::stylus::activation::{self, ActivationError};
use crate::stylus::fragments;
use crate::stylus::params;
use crate::stylus::runtime::StylusRuntime;
use crate::stylus::version::ArbosVersion;
use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::AddressSet;
use std::sync::Arc;

mod dispatch;

/// ArbSys precompile.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// Where activation data fees go: Nitro's network fee account, which a
/// `nitro --dev` chain initialises to its chain owner, the zero address
/// (arbos/arbosState/arbosstate.go, `InitialChainOwner`).
pub const NETWORK_FEE_ACCOUNT: Address = Address::ZERO;

/// Nitro's fixed activation charge.
const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// ArbOS storage read (Nitro `StorageReadCost`).
const STORAGE_READ_GAS: u64 = 800;
/// ArbOS storage write of a non-zero value (Nitro `StorageWriteCost`).
const STORAGE_WRITE_GAS: u64 = 20_000;
/// ArbOS's `GetCodeHash` of an address (Nitro `StorageCodeHashCost`, the
/// EIP-2929 cold account access).
const STORAGE_CODE_HASH_GAS: u64 = 2_600;
/// Reading the cached Stylus parameters (assumed warm, as in Nitro).
const PARAMS_READ_GAS: u64 = 100;

sol! {
    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
        function isTopLevelCall() external view returns (bool);
        function wasMyCallersAddressAliased() external view returns (bool);
        function myCallersAddressWithoutAliasing() external view returns (address);
        function mapL1SenderContractAddressToL2Alias(address sender, address unused) external pure returns (address);
        function getStorageGasAvailable() external view returns (uint256);

        error InvalidBlockNumber(uint256 requested, uint256 current);
    }

    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashKeepalive(bytes32 codehash) external payable;
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 _secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);
        function activationGas() external view returns (uint64 gas);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheCodehash(bytes32 codehash) external;
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }

}

/// ABI-encoded ArbWasm error for a program that cannot run.
pub fn program_error(error: ProgramError) -> Bytes {
    match error {
        ProgramError::NotActivated => ArbWasm::ProgramNotActivated {}.abi_encode().into(),
        ProgramError::NeedsUpgrade {
            version,
            stylus_version,
        } => ArbWasm::ProgramNeedsUpgrade {
            version,
            stylusVersion: stylus_version,
        }
        .abi_encode()
        .into(),
        ProgramError::Expired { age } => ArbWasm::ProgramExpired { ageInSeconds: age }
            .abi_encode()
            .into(),
    }
}

/// What a precompile method produced.
enum Outcome {
    Return(Vec<u8>),
    /// A typed (ABI-encoded) revert.
    Revert(Vec<u8>),
    /// A failure that, as in Nitro, burns all gas.
    BurnOut(Vec<u8>),
}

/// Tracks the gas of one precompile invocation.
struct Meter {
    used: u64,
}

impl Meter {
    fn charge(&mut self, gas: u64) {
        self.used = self.used.saturating_add(gas);
    }

    fn charge_log(&mut self, topics: usize, data: usize) {
        self.charge(375 + 375 * topics as u64 + 8 * data as u64);
    }
}

/// The precompile set of the devnode.
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    addresses: AddressSet,
    runtime: Arc<StylusRuntime>,
    cache_managers: Vec<Address>,
    /// The caller of each open frame, by frame depth (kept by the EVM's
    /// frame loop): what ArbSys's `myCallersAddressWithoutAliasing` reads, as
    /// Nitro reads `TxProcessor.Callers`.
    pub(crate) callers: Vec<Address>,
}

impl std::fmt::Debug for ArbPrecompiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArbPrecompiles").finish_non_exhaustive()
    }
}

impl ArbPrecompiles {
    /// Ethereum's precompiles for `spec` plus the ArbOS ones.
    pub fn new(spec: SpecId, runtime: Arc<StylusRuntime>, cache_managers: Vec<Address>) -> Self {
        let eth = EthPrecompiles::new(spec);
        let addresses = Self::address_set(&eth);
        Self {
            eth,
            addresses,
            runtime,
            cache_managers,
            callers: Vec::new(),
        }
    }

    fn address_set(eth: &EthPrecompiles) -> AddressSet {
        let mut addresses = eth.warm_addresses().clone();
        addresses.extend([ARB_SYS, ARB_WASM, ARB_WASM_CACHE]);
        addresses
    }
}

impl PrecompileProvider<Ctx> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: SpecId) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<Ctx>>::set_spec(&mut self.eth, spec);
        if changed {
            self.addresses = Self::address_set(&self.eth);
        }
        changed
    }

    fn run(
        &mut self,
        ctx: &mut Ctx,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let address = inputs.bytecode_address;
        if address != ARB_SYS && address != ARB_WASM && address != ARB_WASM_CACHE {
            return self.eth.run(ctx, inputs);
        }
        let input = inputs.input.bytes(ctx);
        let mut meter = Meter {
            // Nitro charges the copy of the arguments, not of the selector.
            used: 3 * (input.len().saturating_sub(4) as u64).div_ceil(32),
        };
        let arbos_version = self.runtime.arbos_version();
        if hidden_at(arbos_version, address, &input) {
            // Nitro's precompile.go: a method outside its versions does not exist.
            let mut gas = Gas::new(inputs.gas_limit);
            gas.spend_all();
            return Ok(Some(InterpreterResult::new(
                InstructionResult::Revert,
                Bytes::new(),
                gas,
            )));
        }
        if !dispatch::may_dispatch(inputs, &input) {
            let mut gas = Gas::new(inputs.gas_limit);
            gas.spend_all();
            return Ok(Some(InterpreterResult::new(
                InstructionResult::Revert,
                Bytes::new(),
                gas,
            )));
        }
        let outcome = match address {
            ARB_SYS => arb_sys(ctx, &self.callers, arbos_version, &input),
            ARB_WASM => arb_wasm(self, ctx, inputs, &input, &mut meter),
            _ => arb_wasm_cache(self, ctx, inputs, &input, &mut meter),
        };
        let mut gas = Gas::new(inputs.gas_limit);
        let (result, output) = match outcome {
            Outcome::Return(out) => {
                meter.charge(3 * (out.len() as u64).div_ceil(32));
                (InstructionResult::Return, out)
            }
            Outcome::Revert(out) => (InstructionResult::Revert, out),
            Outcome::BurnOut(out) => {
                gas.spend_all();
                return Ok(Some(InterpreterResult::new(
                    InstructionResult::Revert,
                    out.into(),
                    gas,
                )));
            }
        };
        if !gas.record_regular_cost(meter.used) {
            gas.spend_all();
            return Ok(Some(InterpreterResult::new(
                InstructionResult::PrecompileOOG,
                Bytes::new(),
                gas,
            )));
        }
        Ok(Some(InterpreterResult::new(result, output.into(), gas)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}

/// Decodes a method's arguments; malformed input burns all gas, as in Nitro.
macro_rules! decode {
    ($input:expr, $call:ty) => {
        match <$call>::abi_decode($input) {
            Ok(call) => call,
            Err(_) => return Outcome::BurnOut(Vec::new()),
        }
    };
}

/// Whether the method `input` calls on precompile `address` is outside the
/// ArbOS versions that have it (Nitro `precompile.go`: `ActivationGas` from
/// `ArbosVersion_StylusActivationGas`, `CacheCodehash` up to `ArbosVersion_Stylus`).
fn hidden_at(arbos_version: ArbosVersion, address: Address, input: &[u8]) -> bool {
    match (address, selector(input)) {
        (ARB_WASM, Some(ArbWasm::activationGasCall::SELECTOR)) => {
            !arbos_version.has_activation_gas_method()
        }
        (ARB_WASM_CACHE, Some(ArbWasmCache::cacheCodehashCall::SELECTOR)) => {
            !arbos_version.has_cache_codehash()
        }
        _ => false,
    }
}

fn selector(input: &[u8]) -> Option<[u8; 4]> {
    input.get(..4).map(|s| s.try_into().expect("four bytes"))
}

/// The L1-to-L2 address alias offset (Nitro `util/arbmath`, `AddressAlias`).
const L1_TO_L2_ALIAS_OFFSET: U256 =
    alloy_primitives::uint!(0x1111000000000000000000000000000000001111_U256);

/// The depth of the frame that called a precompile, counted as geth counts
/// `evm.Depth()` (the transaction's first frame is 1). revm's journal has
/// taken the precompile call's own checkpoint by then.
fn caller_depth(ctx: &mut Ctx) -> usize {
    ctx.journal_mut().depth().saturating_sub(1)
}

fn arb_sys(
    ctx: &mut Ctx,
    callers: &[Address],
    arbos_version: ArbosVersion,
    input: &[u8],
) -> Outcome {
    let Some(selector) = selector(input) else {
        return Outcome::BurnOut(Vec::new());
    };
    let number = ctx.block.number;
    match selector {
        ArbSys::arbBlockNumberCall::SELECTOR => {
            Outcome::Return(ArbSys::arbBlockNumberCall::abi_encode_returns(&number))
        }
        ArbSys::arbChainIDCall::SELECTOR => Outcome::Return(
            ArbSys::arbChainIDCall::abi_encode_returns(&U256::from(ctx.cfg.chain_id)),
        ),
        ArbSys::arbOSVersionCall::SELECTOR => {
            Outcome::Return(ArbSys::arbOSVersionCall::abi_encode_returns(&U256::from(
                arbos_version.arbsys_version(),
            )))
        }
        ArbSys::arbBlockHashCall::SELECTOR => {
            let requested = decode!(input, ArbSys::arbBlockHashCall).arbBlockNum;
            if requested >= number || requested.saturating_add(U256::from(256)) < number {
                let error = ArbSys::InvalidBlockNumber {
                    requested,
                    current: number,
                };
                return Outcome::Revert(error.abi_encode());
            }
            // Through the database, not its cache: the cache is the
            // transaction's own layer over the shared state.
            let hash = revm::Database::block_hash(ctx.journal_mut().db_mut(), requested.to())
                .unwrap_or_else(journal_err);
            Outcome::Return(ArbSys::arbBlockHashCall::abi_encode_returns(&hash))
        }
        // Nitro (precompiles/ArbSys.go): `evm.Depth() <= 2`, so the caller
        // and the contract it called directly both count as top level.
        ArbSys::isTopLevelCallCall::SELECTOR => Outcome::Return(
            ArbSys::isTopLevelCallCall::abi_encode_returns(&(caller_depth(ctx) <= 2)),
        ),
        // Only retryables and L1 messages (none on the devnode) are aliased.
        ArbSys::wasMyCallersAddressAliasedCall::SELECTOR => Outcome::Return(
            ArbSys::wasMyCallersAddressAliasedCall::abi_encode_returns(&false),
        ),
        // The caller of the contract that called ArbSys; zero when a
        // transaction called ArbSys directly (Nitro: `Callers[depth-2]`).
        ArbSys::myCallersAddressWithoutAliasingCall::SELECTOR => {
            let depth = caller_depth(ctx);
            let address = match depth {
                0 | 1 => Address::ZERO,
                _ => callers.get(depth - 2).copied().unwrap_or_default(),
            };
            Outcome::Return(
                ArbSys::myCallersAddressWithoutAliasingCall::abi_encode_returns(&address),
            )
        }
        ArbSys::mapL1SenderContractAddressToL2AliasCall::SELECTOR => {
            let sender = decode!(input, ArbSys::mapL1SenderContractAddressToL2AliasCall).sender;
            let aliased: U256 = U256::from_be_slice(sender.as_slice())
                .wrapping_add(L1_TO_L2_ALIAS_OFFSET)
                & ((U256::from(1) << 160) - U256::from(1));
            let aliased = Address::from_slice(&aliased.to_be_bytes::<32>()[12..]);
            Outcome::Return(
                ArbSys::mapL1SenderContractAddressToL2AliasCall::abi_encode_returns(&aliased),
            )
        }
        // Storage gas is not used by ArbOS (always 0 in Nitro).
        ArbSys::getStorageGasAvailableCall::SELECTOR => Outcome::Return(
            ArbSys::getStorageGasAvailableCall::abi_encode_returns(&U256::ZERO),
        ),
        _ => Outcome::BurnOut(Vec::new()),
    }
}

fn code_hash_of(ctx: &mut Ctx, program: Address, meter: &mut Meter) -> B256 {
    meter.charge(STORAGE_CODE_HASH_GAS);
    code_hash_unmetered(ctx, program)
}

/// The code hash as ArbOS reads it straight from the state (`statedb.GetCodeHash`).
fn code_hash_unmetered(ctx: &mut Ctx, program: Address) -> B256 {
    ctx.journal_mut()
        .code_hash(program)
        .unwrap_or_else(journal_err)
        .data
}

fn active_program(ctx: &mut Ctx, codehash: B256, meter: &mut Meter) -> Result<Program, Outcome> {
    meter.charge(PARAMS_READ_GAS + STORAGE_READ_GAS);
    let program = programs::get_program(ctx, codehash);
    let now = ctx.block.timestamp.saturating_to::<u64>();
    program
        .check_active(now)
        .map_err(|e| Outcome::Revert(program_error(e).to_vec()))?;
    Ok(program)
}

fn now(ctx: &Ctx) -> u64 {
    ctx.block.timestamp.saturating_to::<u64>()
}

/// Pays the data fee out of the value sent: the fee to the network, the rest back.
fn pay_data_fee(ctx: &mut Ctx, caller: Address, value: U256, fee: U256) -> Result<(), Outcome> {
    if value < fee {
        return Err(Outcome::Revert(
            ArbWasm::ProgramInsufficientValue {
                have: value,
                want: fee,
            }
            .abi_encode(),
        ));
    }
    let journal = ctx.journal_mut();
    for (to, amount) in [(NETWORK_FEE_ACCOUNT, fee), (caller, value - fee)] {
        if amount.is_zero() {
            continue;
        }
        if journal
            .transfer(ARB_WASM, to, amount)
            .unwrap_or_else(journal_err)
            .is_some()
        {
            return Err(Outcome::BurnOut(Vec::new()));
        }
    }
    Ok(())
}

fn emit(ctx: &mut Ctx, address: Address, log: alloy_primitives::LogData, meter: &mut Meter) {
    meter.charge_log(log.topics().len(), log.data.len());
    ctx.journal_mut().log(Log { address, data: log });
}

/// Reads a root's fragment during activation, charging Nitro's
/// `fragmentReadGasCost`: the call must afford a read of the largest code
/// before the fragment is touched, then pays for the fragment's actual size.
fn charged_fragment_read(
    ctx: &mut Ctx,
    address: Address,
    gas_limit: u64,
    meter: &mut Meter,
) -> Result<Vec<u8>, ActivationError> {
    let load = ctx.journal_mut().code(address).unwrap_or_else(journal_err);
    let warm = !load.is_cold;
    let gas_left = gas_limit.saturating_sub(meter.used);
    if gas_left < fragments::read_gas(warm, params::MAX_CODE_SIZE as u64) {
        return Err(ActivationError::OutOfGas);
    }
    let cost = fragments::read_gas(warm, load.data.len() as u64);
    if gas_left < cost {
        return Err(ActivationError::OutOfGas);
    }
    meter.charge(cost);
    Ok(load.data.to_vec())
}

fn activate_program(
    precompiles: &ArbPrecompiles,
    ctx: &mut Ctx,
    inputs: &CallInputs,
    program: Address,
    meter: &mut Meter,
) -> Outcome {
    meter.charge(ACTIVATION_FIXED_GAS + PARAMS_READ_GAS);
    if inputs.is_static {
        return Outcome::BurnOut(Vec::new());
    }
    let value = inputs.value.get();
    // `Programs.ActivateProgram` reads the code hash from the state without a charge.
    let codehash = code_hash_unmetered(ctx, program);
    meter.charge(STORAGE_READ_GAS);
    let existing = programs::get_program(ctx, codehash);
    let time = now(ctx);
    if existing.version == params::STYLUS_VERSION && !existing.expired(time) {
        return Outcome::Revert(ArbWasm::ProgramUpToDate {}.abi_encode());
    }
    let code = ctx
        .journal_mut()
        .code(program)
        .unwrap_or_else(journal_err)
        .data;
    let arbos_version = precompiles.runtime.arbos_version();
    let gas_limit = inputs.gas_limit;
    let mut read_fragment =
        |address: Address| charged_fragment_read(ctx, address, gas_limit, meter);
    let compiled = activation::compile(
        &code,
        params::PAGE_LIMIT,
        arbos_version,
        true,
        &mut read_fragment,
    );
    let module = match compiled {
        Ok(module) => module,
        Err(ActivationError::NotWasm) => {
            return Outcome::Revert(ArbWasm::ProgramNotWasm {}.abi_encode())
        }
        // Nitro's `getWasm` fails with a plain error: no data, gas kept.
        Err(ActivationError::Unreadable(_)) => return Outcome::Revert(Vec::new()),
        // `ErrProgramActivation`: all gas burned, no data.
        Err(ActivationError::Invalid(_)) => return Outcome::BurnOut(Vec::new()),
        Err(ActivationError::OutOfGas) => return Outcome::BurnOut(Vec::new()),
    };
    // What `Module::activate` burns for compiling; running out of it burns all gas.
    meter.charge(module.shape.activation_gas());
    let module_hash = keccak256(&module.wasm);
    let costs = module.costs;
    let wasm = module.wasm;
    if precompiles.runtime.module(codehash, || Some(wasm)).is_err() {
        return Outcome::BurnOut(Vec::new());
    }
    let asm_estimate_kb = costs.asm_estimate.div_ceil(1024);
    meter.charge(STORAGE_READ_GAS + STORAGE_WRITE_GAS);
    let fee = programs::data_fee(ctx, costs.asm_estimate, time);
    if let Err(outcome) = pay_data_fee(ctx, inputs.caller, value, fee) {
        return outcome;
    }
    meter.charge(STORAGE_WRITE_GAS);
    programs::set_program(
        ctx,
        codehash,
        Program {
            version: params::STYLUS_VERSION,
            init_cost: costs.init_cost,
            cached_cost: costs.cached_init_cost,
            footprint: costs.footprint,
            activated_at: programs::hours_since_arbitrum(time),
            asm_estimate_kb,
            cached: existing.cached,
        },
    );
    let event = ArbWasm::ProgramActivated {
        codehash,
        moduleHash: module_hash,
        program,
        dataFee: fee,
        version: params::STYLUS_VERSION,
    };
    emit(ctx, ARB_WASM, event.encode_log_data(), meter);
    Outcome::Return(ArbWasm::activateProgramCall::abi_encode_returns(
        &ArbWasm::activateProgramReturn {
            version: params::STYLUS_VERSION,
            dataFee: fee,
        },
    ))
}

fn arb_wasm(
    precompiles: &ArbPrecompiles,
    ctx: &mut Ctx,
    inputs: &CallInputs,
    input: &[u8],
    meter: &mut Meter,
) -> Outcome {
    use ArbWasm::*;
    let Some(selector) = selector(input) else {
        return Outcome::BurnOut(Vec::new());
    };
    macro_rules! view {
        ($call:ty, $value:expr) => {{
            meter.charge(PARAMS_READ_GAS);
            Outcome::Return(<$call>::abi_encode_returns(&$value))
        }};
    }
    match selector {
        activateProgramCall::SELECTOR => {
            let call = decode!(input, activateProgramCall);
            activate_program(precompiles, ctx, inputs, call.program, meter)
        }
        codehashKeepaliveCall::SELECTOR => {
            let call = decode!(input, codehashKeepaliveCall);
            if inputs.is_static {
                return Outcome::BurnOut(Vec::new());
            }
            let mut program = match active_program(ctx, call.codehash, meter) {
                Ok(program) => program,
                Err(outcome) => return outcome,
            };
            let time = now(ctx);
            let age = program.age(time);
            if age < params::KEEPALIVE_DAYS as u64 * 86_400 {
                return Outcome::Revert(ProgramKeepaliveTooSoon { ageInSeconds: age }.abi_encode());
            }
            meter.charge(STORAGE_READ_GAS + 2 * STORAGE_WRITE_GAS);
            let fee = programs::data_fee(ctx, program.asm_size(), time);
            if let Err(outcome) = pay_data_fee(ctx, inputs.caller, inputs.value.get(), fee) {
                return outcome;
            }
            program.activated_at = programs::hours_since_arbitrum(time);
            programs::set_program(ctx, call.codehash, program);
            let event = ProgramLifetimeExtended {
                codehash: call.codehash,
                dataFee: fee,
            };
            emit(ctx, ARB_WASM, event.encode_log_data(), meter);
            Outcome::Return(Vec::new())
        }
        stylusVersionCall::SELECTOR => view!(stylusVersionCall, params::STYLUS_VERSION),
        inkPriceCall::SELECTOR => view!(inkPriceCall, params::INK_PRICE),
        maxStackDepthCall::SELECTOR => view!(maxStackDepthCall, params::MAX_STACK_DEPTH),
        freePagesCall::SELECTOR => view!(freePagesCall, params::FREE_PAGES),
        pageGasCall::SELECTOR => view!(pageGasCall, params::PAGE_GAS),
        pageRampCall::SELECTOR => view!(pageRampCall, 620_674_314u64),
        pageLimitCall::SELECTOR => view!(pageLimitCall, params::PAGE_LIMIT),
        minInitGasCall::SELECTOR => view!(
            minInitGasCall,
            minInitGasReturn {
                gas: params::MIN_INIT_GAS as u64 * params::MIN_INIT_GAS_UNITS,
                cached: params::MIN_CACHED_INIT_GAS as u64 * params::MIN_CACHED_GAS_UNITS,
            }
        ),
        initCostScalarCall::SELECTOR => {
            view!(
                initCostScalarCall,
                params::INIT_COST_SCALAR as u64 * params::COST_SCALAR_PERCENT
            )
        }
        expiryDaysCall::SELECTOR => view!(expiryDaysCall, params::EXPIRY_DAYS),
        keepaliveDaysCall::SELECTOR => view!(keepaliveDaysCall, params::KEEPALIVE_DAYS),
        blockCacheSizeCall::SELECTOR => view!(blockCacheSizeCall, params::BLOCK_CACHE_SIZE),
        activationGasCall::SELECTOR => view!(activationGasCall, 0u64),
        codehashVersionCall::SELECTOR => {
            let call = decode!(input, codehashVersionCall);
            match active_program(ctx, call.codehash, meter) {
                Ok(program) => {
                    Outcome::Return(codehashVersionCall::abi_encode_returns(&program.version))
                }
                Err(outcome) => outcome,
            }
        }
        codehashAsmSizeCall::SELECTOR => {
            let call = decode!(input, codehashAsmSizeCall);
            match active_program(ctx, call.codehash, meter) {
                Ok(program) => {
                    Outcome::Return(codehashAsmSizeCall::abi_encode_returns(&program.asm_size()))
                }
                Err(outcome) => outcome,
            }
        }
        programVersionCall::SELECTOR => {
            let call = decode!(input, programVersionCall);
            let codehash = code_hash_of(ctx, call.program, meter);
            match active_program(ctx, codehash, meter) {
                Ok(program) => {
                    Outcome::Return(programVersionCall::abi_encode_returns(&program.version))
                }
                Err(outcome) => outcome,
            }
        }
        programInitGasCall::SELECTOR => {
            let call = decode!(input, programInitGasCall);
            let codehash = code_hash_of(ctx, call.program, meter);
            match active_program(ctx, codehash, meter) {
                Ok(program) => {
                    let cached = params::cached_gas(program.cached_cost);
                    let init = params::init_gas(program.init_cost) + cached;
                    Outcome::Return(programInitGasCall::abi_encode_returns(
                        &programInitGasReturn {
                            gas: init,
                            gasWhenCached: cached,
                        },
                    ))
                }
                Err(outcome) => outcome,
            }
        }
        programMemoryFootprintCall::SELECTOR => {
            let call = decode!(input, programMemoryFootprintCall);
            let codehash = code_hash_of(ctx, call.program, meter);
            match active_program(ctx, codehash, meter) {
                Ok(program) => Outcome::Return(programMemoryFootprintCall::abi_encode_returns(
                    &program.footprint,
                )),
                Err(outcome) => outcome,
            }
        }
        programTimeLeftCall::SELECTOR => {
            let call = decode!(input, programTimeLeftCall);
            let codehash = code_hash_of(ctx, call.program, meter);
            match active_program(ctx, codehash, meter) {
                Ok(program) => {
                    let left =
                        (params::EXPIRY_DAYS as u64 * 86_400).saturating_sub(program.age(now(ctx)));
                    Outcome::Return(programTimeLeftCall::abi_encode_returns(&left))
                }
                Err(outcome) => outcome,
            }
        }
        _ => Outcome::BurnOut(Vec::new()),
    }
}

fn set_cached(
    precompiles: &ArbPrecompiles,
    ctx: &mut Ctx,
    inputs: &CallInputs,
    codehash: B256,
    cache: bool,
    meter: &mut Meter,
) -> Outcome {
    if !precompiles.cache_managers.contains(&inputs.caller) || inputs.is_static {
        return Outcome::BurnOut(Vec::new());
    }
    meter.charge(PARAMS_READ_GAS + STORAGE_READ_GAS);
    let mut program = programs::get_program(ctx, codehash);
    let time = now(ctx);
    if cache && program.version != params::STYLUS_VERSION {
        let error = ArbWasm::ProgramNeedsUpgrade {
            version: program.version,
            stylusVersion: params::STYLUS_VERSION,
        };
        return Outcome::Revert(error.abi_encode());
    }
    if cache && program.expired(time) {
        return Outcome::Revert(
            ArbWasm::ProgramExpired {
                ageInSeconds: program.age(time),
            }
            .abi_encode(),
        );
    }
    if program.cached == cache {
        return Outcome::Return(Vec::new());
    }
    let event = ArbWasmCache::UpdateProgramCache {
        manager: inputs.caller,
        codehash,
        cached: cache,
    };
    emit(ctx, ARB_WASM_CACHE, event.encode_log_data(), meter);
    // Nitro charges the program's init cost to (re)cache it.
    meter.charge(program.init_cost as u64 + STORAGE_WRITE_GAS);
    program.cached = cache;
    programs::set_program(ctx, codehash, program);
    Outcome::Return(Vec::new())
}

fn arb_wasm_cache(
    precompiles: &ArbPrecompiles,
    ctx: &mut Ctx,
    inputs: &CallInputs,
    input: &[u8],
    meter: &mut Meter,
) -> Outcome {
    use ArbWasmCache::*;
    let Some(selector) = selector(input) else {
        return Outcome::BurnOut(Vec::new());
    };
    match selector {
        isCacheManagerCall::SELECTOR => {
            let call = decode!(input, isCacheManagerCall);
            meter.charge(STORAGE_READ_GAS);
            let member = precompiles.cache_managers.contains(&call.manager);
            Outcome::Return(isCacheManagerCall::abi_encode_returns(&member))
        }
        allCacheManagersCall::SELECTOR => {
            meter.charge(STORAGE_READ_GAS * (1 + precompiles.cache_managers.len() as u64));
            Outcome::Return(allCacheManagersCall::abi_encode_returns(
                &precompiles.cache_managers,
            ))
        }
        cacheCodehashCall::SELECTOR => {
            let call = decode!(input, cacheCodehashCall);
            set_cached(precompiles, ctx, inputs, call.codehash, true, meter)
        }
        cacheProgramCall::SELECTOR => {
            let call = decode!(input, cacheProgramCall);
            let codehash = code_hash_of(ctx, call.addr, meter);
            set_cached(precompiles, ctx, inputs, codehash, true, meter)
        }
        evictCodehashCall::SELECTOR => {
            let call = decode!(input, evictCodehashCall);
            set_cached(precompiles, ctx, inputs, call.codehash, false, meter)
        }
        codehashIsCachedCall::SELECTOR => {
            let call = decode!(input, codehashIsCachedCall);
            meter.charge(STORAGE_READ_GAS);
            let cached = programs::get_program(ctx, call.codehash).cached;
            Outcome::Return(codehashIsCachedCall::abi_encode_returns(&cached))
        }
        _ => Outcome::BurnOut(Vec::new()),
    }
}
