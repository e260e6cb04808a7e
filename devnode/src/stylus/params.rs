//! Nitro's Stylus parameters and price tables, as initialised by ArbOS.
//!
//! Every number here mirrors a constant of Nitro (`arbos/programs/params.go`,
//! `arbutil/src/pricing.rs`, `arbutil/src/evm/mod.rs`,
//! `prover/src/programs/config.rs`); the devnode never reads them from state,
//! so they cannot be changed by transactions. They are the same at ArbOS 50, 51
//! and 61; what differs between those versions is in [`super::version`].

/// The Stylus version that ArbOS 40+ activates programs with.
pub const STYLUS_VERSION: u16 = 2;
/// Whether the chain runs in debug mode, as `nitro --dev` does: its chain
/// config (`arb-dev-test`, chain 412346) sets `AllowDebugPrecompiles`, so
/// activation keeps every export, moves a start function to `stylus_start`
/// and links the debug host functions.
pub const DEBUG_MODE: bool = true;
/// Ink bought by one unit of EVM gas.
pub const INK_PRICE: u32 = 10_000;
/// Stack depth budget, in Nitro's depth-checker words (ArbOS 50 value).
pub const MAX_STACK_DEPTH: u32 = 22_000;
/// Pages every transaction gets without paying.
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page beyond the free ones.
pub const PAGE_GAS: u16 = 1_000;
/// Pages a transaction may have open at once.
pub const PAGE_LIMIT: u16 = 128;
/// Base init gas, in units of [`MIN_INIT_GAS_UNITS`].
pub const MIN_INIT_GAS: u8 = 69;
/// Base cached-init gas, in units of [`MIN_CACHED_GAS_UNITS`].
pub const MIN_CACHED_INIT_GAS: u8 = 11;
/// Scalar applied to a program's init cost, in 2% steps.
pub const INIT_COST_SCALAR: u8 = 50;
/// Scalar applied to a program's cached-init cost, in 2% steps.
pub const CACHED_COST_SCALAR: u8 = 50;
/// Days until an activation expires.
pub const EXPIRY_DAYS: u16 = 365;
/// Days before a keepalive is allowed.
pub const KEEPALIVE_DAYS: u16 = 31;
/// Size of ArbOS's cache of recently used programs (per block).
pub const BLOCK_CACHE_SIZE: u16 = 32;
/// Largest decompressed WASM accepted by activation.
pub const MAX_WASM_SIZE: u32 = 128 * 1024;
/// Gas per unit of `MIN_INIT_GAS`.
pub const MIN_INIT_GAS_UNITS: u64 = 128;
/// Gas per unit of `MIN_CACHED_INIT_GAS`.
pub const MIN_CACHED_GAS_UNITS: u64 = 32;
/// Percent per unit of the cost scalars.
pub const COST_SCALAR_PERCENT: u64 = 2;
/// Unix time at which Nitro counts "hours since Arbitrum began" (activatedAt).
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
/// Largest contract code the chain accepts (EIP-170).
pub const MAX_CODE_SIZE: usize = 24_576;

/// Ink charged for the check at the head of every basic block.
pub const INK_HEADER_COST: u64 = 2_450;
/// Ink per byte for `memory.fill`.
pub const MEMORY_FILL_INK: u64 = 800 / 8;
/// Ink per byte for `memory.copy`.
pub const MEMORY_COPY_INK: u64 = 800 / 8;
/// Largest stack frame a function may declare, in depth-checker words.
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Largest operand stack a function may reach.
pub const MAX_FRAME_CONTENTION: u32 = 4_096;

/// Hostio base costs (Nitro `pricing.rs`).
pub mod ink {
    /// Every hostio.
    pub const HOSTIO: u64 = 8_400;
    /// Each pointer a hostio dereferences.
    pub const PTR: u64 = 13_440 - HOSTIO;
    /// Hostios that go through the EVM API.
    pub const EVM_API: u64 = 59_673;
    /// Division or modulo.
    pub const DIV: u64 = 20_000;
    /// Multiplication modulo.
    pub const MUL_MOD: u64 = 24_100;
    /// Addition modulo.
    pub const ADD_MOD: u64 = 21_000;

    pub const READ_ARGS: u64 = HOSTIO;
    pub const WRITE_RESULT: u64 = HOSTIO;
    pub const STORAGE_LOAD: u64 = HOSTIO + 2 * PTR;
    pub const STORAGE_CACHE: u64 = HOSTIO + 2 * PTR;
    pub const STORAGE_FLUSH: u64 = HOSTIO + EVM_API;
    pub const TRANSIENT_LOAD: u64 = HOSTIO + 2 * PTR + EVM_API;
    pub const TRANSIENT_STORE: u64 = HOSTIO + 2 * PTR + EVM_API;
    pub const CALL_CONTRACT: u64 = HOSTIO + 3 * PTR + EVM_API;
    pub const CREATE1: u64 = HOSTIO + 3 * PTR + EVM_API;
    pub const CREATE2: u64 = HOSTIO + 4 * PTR + EVM_API;
    pub const READ_RETURN_DATA: u64 = HOSTIO + EVM_API;
    pub const RETURN_DATA_SIZE: u64 = HOSTIO;
    pub const EMIT_LOG: u64 = HOSTIO + EVM_API;
    pub const ACCOUNT_BALANCE: u64 = HOSTIO + 2 * PTR + EVM_API;
    pub const ACCOUNT_CODE: u64 = HOSTIO + EVM_API;
    pub const ACCOUNT_CODE_SIZE: u64 = HOSTIO + EVM_API;
    pub const ACCOUNT_CODE_HASH: u64 = HOSTIO + 2 * PTR + EVM_API;
    pub const BLOCK_BASEFEE: u64 = HOSTIO + PTR;
    pub const BLOCK_COINBASE: u64 = HOSTIO + PTR;
    pub const BLOCK_GAS_LIMIT: u64 = HOSTIO;
    pub const BLOCK_NUMBER: u64 = HOSTIO;
    pub const BLOCK_TIMESTAMP: u64 = HOSTIO;
    pub const CHAIN_ID: u64 = HOSTIO;
    pub const ADDRESS: u64 = HOSTIO + PTR;
    pub const EVM_GAS_LEFT: u64 = HOSTIO;
    pub const EVM_INK_LEFT: u64 = HOSTIO;
    pub const MATH_DIV: u64 = HOSTIO + 3 * PTR + DIV;
    pub const MATH_MOD: u64 = HOSTIO + 3 * PTR + DIV;
    pub const MATH_POW: u64 = HOSTIO + 3 * PTR;
    pub const MATH_ADD_MOD: u64 = HOSTIO + 4 * PTR + ADD_MOD;
    pub const MATH_MUL_MOD: u64 = HOSTIO + 4 * PTR + MUL_MOD;
    pub const MSG_REENTRANT: u64 = HOSTIO;
    pub const MSG_SENDER: u64 = HOSTIO + PTR;
    pub const MSG_VALUE: u64 = HOSTIO + PTR;
    pub const TX_GAS_PRICE: u64 = HOSTIO + PTR;
    pub const TX_INK_PRICE: u64 = HOSTIO;
    pub const TX_ORIGIN: u64 = HOSTIO + PTR;
    pub const PAY_FOR_MEMORY_GROW: u64 = HOSTIO;

    /// Ink for the host writing `bytes` into WASM memory.
    pub fn write_price(bytes: u32) -> u64 {
        5_040u64.saturating_add(30u64.saturating_mul(bytes.saturating_sub(32) as u64))
    }

    /// Ink for the host reading `bytes` out of WASM memory.
    pub fn read_price(bytes: u32) -> u64 {
        16_381u64.saturating_add(55u64.saturating_mul(bytes.saturating_sub(32) as u64))
    }

    /// Ink for `native_keccak256` over `bytes`.
    pub fn keccak_price(bytes: u32) -> u64 {
        let words = (bytes as u64).div_ceil(32).saturating_sub(2);
        121_800u64.saturating_add(21_000u64.saturating_mul(words))
    }

    /// Ink for `math_pow`, cheaper for each leading zero byte of the exponent.
    pub fn pow_price(exponent: &[u8; 32]) -> u64 {
        let leading_zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
        3_000 + (33 - leading_zeros) * 17_500
    }
}

/// EVM gas constants used by the hostios (Nitro `arbutil/src/evm/mod.rs`).
pub mod gas {
    pub const SSTORE_SENTRY: u64 = 2_300;
    pub const COLD_ACCOUNT: u64 = 2_600;
    pub const COLD_SLOAD: u64 = 2_100;
    pub const WARM_SLOAD: u64 = 100;
    pub const TLOAD: u64 = WARM_SLOAD;
    pub const TSTORE: u64 = WARM_SLOAD;
    pub const LOG_TOPIC: u64 = 375;
    pub const LOG_DATA: u64 = 8;
    /// Gas every storage-cache access must have available (`StorageCache::REQUIRED_ACCESS_GAS`).
    pub const STORAGE_CACHE_REQUIRED_ACCESS: u64 = 10;
    pub const CREATE: u64 = 32_000;
    pub const KECCAK_WORD: u64 = 6;
    pub const CALL_STIPEND: u64 = 2_300;
    /// What a Stylus code load adds to the account access, priced for the
    /// largest code: `MaxCodeSize / 24576 × ExtcodeSizeGasEIP150`
    /// (geth `core/vm/operations_acl_arbitrum.go`, `WasmAccountTouchCost`).
    pub const WASM_CODE_LOAD: u64 = super::MAX_CODE_SIZE as u64 / 24_576 * 700;
}

/// Gas of `MinInitGas` plus the program's scaled init cost (Nitro `Program.initGas`).
pub fn init_gas(init_cost: u16) -> u64 {
    let base = MIN_INIT_GAS as u64 * MIN_INIT_GAS_UNITS;
    let dyno = (init_cost as u64).saturating_mul(INIT_COST_SCALAR as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// Gas of `MinCachedInitGas` plus the program's scaled cached cost (Nitro `Program.cachedGas`).
pub fn cached_gas(cached_cost: u16) -> u64 {
    let base = MIN_CACHED_INIT_GAS as u64 * MIN_CACHED_GAS_UNITS;
    let dyno = (cached_cost as u64).saturating_mul(CACHED_COST_SCALAR as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// Converts gas to ink at the fixed ink price.
pub fn gas_to_ink(gas: u64) -> u64 {
    gas.saturating_mul(INK_PRICE as u64)
}

/// Converts ink to gas at the fixed ink price, rounding down.
pub fn ink_to_gas(ink: u64) -> u64 {
    ink / INK_PRICE as u64
}
