//! The interface between a running Stylus program and the chain it runs on.
//!
//! The hostios in [`super::hostio`] price and marshal; everything that reads or
//! writes chain state goes through [`EvmApi`], which the EVM integration
//! implements on top of revm's journal, so Stylus and EVM frames share one
//! state, one access list and one revert history.

use alloy_primitives::{Address, Bytes, B256, U256};

/// How a program calls another contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    Call,
    DelegateCall,
    StaticCall,
}

/// Result of a nested call or create made on behalf of a program.
#[derive(Clone, Debug)]
pub struct CallResult {
    /// Whether the callee succeeded.
    pub success: bool,
    /// The callee's return (or revert) data.
    pub output: Bytes,
    /// Gas the program must pay for the call, including what the callee used.
    pub cost: u64,
}

/// Result of a create made on behalf of a program.
#[derive(Clone, Debug)]
pub struct CreateResult {
    /// The new contract's address, or zero if the creation failed.
    pub address: Address,
    /// Revert data of a failed init code (empty otherwise).
    pub output: Bytes,
    /// Gas the program must pay.
    pub cost: u64,
}

/// Why a write was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The program runs inside a static call.
    WriteProtection,
    /// Not enough gas for the storage writes.
    OutOfGas,
}

/// Block and message context of one program invocation (Nitro's `EvmData`).
#[derive(Clone, Debug, Default)]
pub struct EvmData {
    pub block_basefee: U256,
    pub chain_id: u64,
    pub block_coinbase: Address,
    pub block_gas_limit: u64,
    pub block_number: u64,
    pub block_timestamp: u64,
    pub contract_address: Address,
    pub msg_sender: Address,
    pub msg_value: U256,
    pub tx_gas_price: U256,
    pub tx_origin: Address,
    pub reentrant: bool,
}

/// Chain access for a running program. Costs are EVM gas.
pub trait EvmApi {
    /// Loads a storage slot of the running contract: value and EIP-2929 cost.
    fn get_bytes32(&mut self, key: B256) -> (B256, u64);
    /// Writes storage slots with SSTORE pricing against `gas_left`; returns the gas used.
    fn set_trie_slots(&mut self, slots: &[(B256, B256)], gas_left: u64) -> Result<u64, WriteError>;
    /// Reads transient storage of the running contract.
    fn get_transient_bytes32(&mut self, key: B256) -> B256;
    /// Writes transient storage of the running contract.
    fn set_transient_bytes32(&mut self, key: B256, value: B256) -> Result<(), WriteError>;
    /// Calls another contract with Nitro's gas rules (EIP-150 63/64, stipend).
    fn call(
        &mut self,
        kind: CallKind,
        contract: Address,
        input: Bytes,
        gas_left: u64,
        gas_req: u64,
        value: U256,
    ) -> Result<CallResult, WriteError>;
    /// CREATE (no salt) or CREATE2 with the given gas.
    fn create(
        &mut self,
        code: Bytes,
        endowment: U256,
        salt: Option<B256>,
        gas: u64,
    ) -> Result<CreateResult, String>;
    /// Emits a log from the running contract.
    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) -> Result<(), WriteError>;
    /// Balance of an account, with the EIP-2929 account access cost.
    fn account_balance(&mut self, address: Address) -> (U256, u64);
    /// Code of an account, with the access cost; empty if `gas` cannot pay for it.
    fn account_code(&mut self, address: Address, gas: u64) -> (Bytes, u64);
    /// Code hash of an account, with the access cost.
    fn account_codehash(&mut self, address: Address) -> (B256, u64);
    /// Opens `pages` more WASM pages for this transaction; returns their gas.
    fn add_pages(&mut self, pages: u16) -> u64;
}
