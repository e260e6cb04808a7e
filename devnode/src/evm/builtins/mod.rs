//! The helper contracts every Arbitrum chain and nitro-devnode has at
//! well-known addresses, served by the devnode itself: Multicall3 (viem's and
//! wagmi's batched reads), StylusDeployer (`cargo stylus deploy` of a program
//! with a constructor) and a CacheManager (`cargo stylus cache`).
//!
//! Each address holds [`BUILTIN_CODE`], a stub that only reverts if run as
//! EVM code, so `eth_getCode` and `extcodesize` checks see a contract; calls
//! to it run the Rust implementation here instead, through the same
//! [`EvmApi`] a Stylus program uses, so their calls, creates, storage, logs,
//! value transfers and reverts compose with every other frame. The ABI,
//! events, errors and behaviour are those of the Solidity contracts; the gas
//! is not (see [`ENTRY_GAS`]).

pub mod cache_manager;
pub mod deployer;
mod frame;
pub mod multicall;

use crate::stylus::api::{CallKind, EvmApi};
use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_sol_types::{SolError, SolValue};

/// Multicall3, at its address on every EVM chain.
pub const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");
/// StylusDeployer, at its address on Arbitrum One, Nova and Sepolia (where
/// cargo-stylus sends deployments of programs with a constructor).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The devnode's CacheManager. Tools find it through
/// `ArbWasmCache.allCacheManagers()` (cargo-stylus takes the last entry), so
/// its address is the devnode's own.
pub const CACHE_MANAGER: Address = address!("0000000000000000000000000000000000CAC4E0");

/// Code stored at each builtin address: `PUSH1 0 DUP1 REVERT`, run only if
/// someone executes it as EVM code (the devnode serves the address itself).
pub const BUILTIN_CODE: &[u8] = &[0x60, 0x00, 0x80, 0xfd];

/// Charged when a builtin is entered. The Solidity contracts' own execution
/// costs differ per call; a fixed charge stands for their dispatch and ABI
/// decoding, and everything they do to the chain (calls, creates, storage,
/// logs) is charged as the EVM charges it.
pub const ENTRY_GAS: u64 = 2_100;
/// Charged per 32-byte word of calldata decoded and of return data encoded.
pub const WORD_GAS: u64 = 3;
/// Charged per log (LOG0 base) plus per topic and per data byte, as the EVM does.
const LOG_GAS: u64 = 375;
const LOG_TOPIC_GAS: u64 = 375;
const LOG_DATA_GAS: u64 = 8;

/// Which builtin an address with [`BUILTIN_CODE`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Multicall3,
    StylusDeployer,
    CacheManager,
}

impl Builtin {
    /// Every builtin with its address.
    pub const ALL: [(Builtin, Address); 3] = [
        (Builtin::Multicall3, MULTICALL3),
        (Builtin::StylusDeployer, STYLUS_DEPLOYER),
        (Builtin::CacheManager, CACHE_MANAGER),
    ];

    /// The builtin whose code runs when `code` at `address` is called: only
    /// the stub at a builtin address (code replaced with `anvil_setCode` runs
    /// as whatever it now is).
    pub fn at(address: Address, code: &[u8]) -> Option<Builtin> {
        if code != BUILTIN_CODE {
            return None;
        }
        Self::ALL
            .iter()
            .find(|(_, at)| *at == address)
            .map(|(builtin, _)| *builtin)
    }
}

/// Block values a builtin reads.
#[derive(Clone, Debug, Default)]
pub struct BlockInfo {
    pub number: u64,
    pub timestamp: u64,
    pub coinbase: Address,
    pub gas_limit: u64,
    pub basefee: U256,
    pub chain_id: u64,
    /// PREVRANDAO (Arbitrum: 1), what Multicall3's `getCurrentBlockDifficulty` returns.
    pub prevrandao: U256,
}

/// One call into a builtin.
#[derive(Clone, Debug)]
pub struct BuiltinCall {
    /// The address the builtin acts as (its own, or the caller's under delegatecall).
    pub address: Address,
    pub caller: Address,
    pub value: U256,
    pub input: Bytes,
    pub is_static: bool,
    pub block: BlockInfo,
}

/// How a builtin call ends when it does not return normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Halt {
    /// Revert with this data; the gas left is returned.
    Revert(Bytes),
    /// Out of gas: all gas is used.
    OutOfGas,
}

impl Halt {
    /// A revert with a typed error.
    pub fn error(error: impl SolError) -> Self {
        Halt::Revert(error.abi_encode().into())
    }

    /// A revert with `Error(string)`, as Solidity's `require(…, reason)`.
    pub fn reason(reason: &str) -> Self {
        Self::error(alloy_sol_types::Revert {
            reason: reason.to_string(),
        })
    }

    /// Solidity's `Panic(code)` (0x11: arithmetic over- or underflow).
    pub fn panic(code: u64) -> Self {
        Self::error(alloy_sol_types::Panic {
            code: U256::from(code),
        })
    }
}

/// The chain as a builtin sees it: what a Stylus program sees, plus block hashes.
pub trait BuiltinHost: EvmApi {
    /// Hash of block `number`, as BLOCKHASH answers it (zero outside the last 256 blocks).
    fn block_hash(&mut self, number: u64) -> B256;
}

/// Gas accounting and the chain, for one builtin call.
pub struct Env<'a> {
    pub host: &'a mut dyn BuiltinHost,
    pub call: &'a BuiltinCall,
    gas_left: u64,
}

impl<'a> Env<'a> {
    pub fn new(host: &'a mut dyn BuiltinHost, call: &'a BuiltinCall, gas: u64) -> Self {
        Self {
            host,
            call,
            gas_left: gas,
        }
    }

    /// Gas not yet used.
    pub fn gas_left(&self) -> u64 {
        self.gas_left
    }

    /// Uses `gas`, or halts out of gas.
    pub fn charge(&mut self, gas: u64) -> Result<(), Halt> {
        match self.gas_left.checked_sub(gas) {
            Some(left) => {
                self.gas_left = left;
                Ok(())
            }
            None => {
                self.gas_left = 0;
                Err(Halt::OutOfGas)
            }
        }
    }

    /// Charges for `bytes` of data copied in or out.
    pub fn charge_words(&mut self, bytes: usize) -> Result<(), Halt> {
        self.charge(WORD_GAS * (bytes as u64).div_ceil(32))
    }

    /// Fails a state-changing call made in a static context, as the EVM does.
    pub fn require_writable(&self) -> Result<(), Halt> {
        if self.call.is_static {
            return Err(Halt::Revert(Bytes::new()));
        }
        Ok(())
    }

    /// Calls `target` with all the gas left (the 63/64 rule applies).
    pub fn call(
        &mut self,
        kind: CallKind,
        target: Address,
        input: Vec<u8>,
        value: U256,
    ) -> Result<(bool, Bytes), Halt> {
        let result = self
            .host
            .call(kind, target, input.into(), self.gas_left, u64::MAX, value)
            .map_err(|_| Halt::Revert(Bytes::new()))?;
        self.charge(result.cost)?;
        Ok((result.success, result.output))
    }

    /// A Solidity high-level call: a revert of the callee is re-raised with its data.
    pub fn call_or_bubble(
        &mut self,
        kind: CallKind,
        target: Address,
        input: Vec<u8>,
        value: U256,
    ) -> Result<Bytes, Halt> {
        match self.call(kind, target, input, value)? {
            (true, output) => Ok(output),
            (false, output) => Err(Halt::Revert(output)),
        }
    }

    /// Reads a storage word of the builtin.
    pub fn sload(&mut self, slot: U256) -> Result<U256, Halt> {
        let (value, cost) = self.host.get_bytes32(slot.into());
        self.charge(cost)?;
        Ok(value.into())
    }

    /// Writes a storage word of the builtin.
    pub fn sstore(&mut self, slot: U256, value: U256) -> Result<(), Halt> {
        self.require_writable()?;
        let used = self
            .host
            .set_trie_slots(&[(slot.into(), value.into())], self.gas_left)
            .map_err(|_| {
                self.gas_left = 0;
                Halt::OutOfGas
            })?;
        self.charge(used)
    }

    /// Emits a log from the builtin's address.
    pub fn log(&mut self, topics: Vec<B256>, data: Vec<u8>) -> Result<(), Halt> {
        self.require_writable()?;
        self.charge(
            LOG_GAS + LOG_TOPIC_GAS * topics.len() as u64 + LOG_DATA_GAS * data.len() as u64,
        )?;
        self.host
            .emit_log(topics, data.into())
            .map_err(|_| Halt::Revert(Bytes::new()))
    }

    /// The code hash of `account`, as EXTCODEHASH answers.
    pub fn codehash(&mut self, account: Address) -> Result<B256, Halt> {
        let (hash, cost) = self.host.account_codehash(account);
        self.charge(cost)?;
        Ok(hash)
    }

    /// The balance of `account`, as BALANCE answers.
    pub fn balance(&mut self, account: Address) -> Result<U256, Halt> {
        let (balance, cost) = self.host.account_balance(account);
        self.charge(cost)?;
        Ok(balance)
    }
}

/// Runs `builtin` for `call` with `gas`; returns its output or how it halted,
/// and the gas left.
pub fn run(
    builtin: Builtin,
    host: &mut dyn BuiltinHost,
    call: &BuiltinCall,
    gas: u64,
) -> (Result<Bytes, Halt>, u64) {
    let mut env = Env::new(host, call, gas);
    let result = env
        .charge(ENTRY_GAS)
        .and_then(|()| env.charge_words(call.input.len()))
        .and_then(|()| match builtin {
            Builtin::Multicall3 => multicall::run(&mut env),
            Builtin::StylusDeployer => deployer::run(&mut env),
            Builtin::CacheManager => cache_manager::run(&mut env),
        })
        .and_then(|output| {
            env.charge_words(output.len())?;
            Ok(output)
        });
    let left = if result == Err(Halt::OutOfGas) {
        0
    } else {
        env.gas_left()
    };
    (result, left)
}

/// The 4-byte selector of `input`, or a revert with no data (Solidity's
/// answer to calldata it cannot dispatch).
pub fn selector(input: &[u8]) -> Result<[u8; 4], Halt> {
    input
        .get(..4)
        .map(|s| [s[0], s[1], s[2], s[3]])
        .ok_or(Halt::Revert(Bytes::new()))
}

/// Decodes a call's arguments, reverting with no data when they do not decode
/// (as Solidity's ABI decoder does).
pub fn decode<C: alloy_sol_types::SolCall>(input: &[u8]) -> Result<C, Halt> {
    C::abi_decode(input).map_err(|_| Halt::Revert(Bytes::new()))
}

/// ABI-encodes a return value.
pub fn encode<T: SolValue>(value: &T) -> Bytes {
    value.abi_encode().into()
}

/// Refuses value sent to a non-payable function, as Solidity does.
pub fn non_payable(env: &Env<'_>) -> Result<(), Halt> {
    if env.call.value.is_zero() {
        Ok(())
    } else {
        Err(Halt::Revert(Bytes::new()))
    }
}
