//! Where transactions go: the in-process devnode, or any JSON-RPC endpoint
//! ([`crate::rpc::RpcBackend`]). The wiring in [`crate::protocol`] only needs
//! "send a transaction and wait for its receipt", "run a read-only call" and,
//! to resume a deployment, "which chain is this" and "what code is there", so
//! it is written once against [`Backend`].

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use anyhow::{anyhow, Result};
use devnode::{BlockTag, Devnode};

/// A mined transaction, as much of its receipt as the deploy tool reads.
#[derive(Clone, Debug)]
pub struct Mined {
    /// Transaction hash.
    pub hash: B256,
    /// Whether it succeeded.
    pub status: bool,
    /// Gas used (after refunds), what the sender paid for.
    pub gas_used: u64,
    /// Wei paid per unit of gas.
    pub effective_gas_price: u128,
    /// The created contract, for a deployment.
    pub contract_address: Option<Address>,
    /// Logs it emitted.
    pub logs: Vec<Log>,
}

impl Mined {
    /// Wei the sender paid for its gas.
    pub fn cost(&self) -> U256 {
        U256::from(self.gas_used) * U256::from(self.effective_gas_price)
    }
}

/// An account's transaction counts, for telling whether a transaction sent
/// by an earlier run was mined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nonces {
    /// How many of its transactions are mined: the nonce of each is below.
    pub mined: u64,
    /// The nonce its next transaction will carry; above `mined` while some
    /// of its transactions wait to be mined.
    pub next: u64,
}

/// The result of a read-only call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Called {
    /// It returned this data, using this much gas.
    Success { output: Bytes, gas_used: u64 },
    /// It reverted with this data (a Solidity error when it is one).
    Revert(Bytes),
    /// It halted without revert data (out of gas, invalid opcode, trap).
    Halt(String),
}

/// A chain the deploy tool can talk to.
pub trait Backend {
    /// Signs `request` as its `from` account, sends it and returns its
    /// receipt once mined. [`crate::client::send`] always sets
    /// `request.gas`; without it the backend estimates the limit.
    fn send(&mut self, request: TransactionRequest) -> Result<Mined>;

    /// Runs `request` read-only against the newest state.
    fn call(&mut self, request: &TransactionRequest) -> Result<Called>;

    /// The largest gas limit a transaction may have.
    fn max_gas(&self) -> u64;

    /// The chain's EIP-155 id.
    fn chain_id(&mut self) -> Result<u64>;

    /// The code at `address` in the newest state (empty for an account
    /// without code).
    fn code(&mut self, address: Address) -> Result<Bytes>;

    /// `account`'s transaction counts.
    fn nonces(&mut self, account: Address) -> Result<Nonces>;
}

impl Backend for Devnode {
    fn send(&mut self, request: TransactionRequest) -> Result<Mined> {
        let hash = self.sign_and_send(request)?;
        let mined = self
            .transaction(hash)
            .ok_or_else(|| anyhow!("transaction {hash} was accepted but not mined"))?;
        let receipt = &mined.receipt;
        Ok(Mined {
            hash,
            status: receipt.status,
            gas_used: receipt.gas_used,
            effective_gas_price: receipt.effective_gas_price,
            contract_address: receipt.contract_address,
            logs: receipt.logs.clone(),
        })
    }

    fn call(&mut self, request: &TransactionRequest) -> Result<Called> {
        let outcome = Devnode::call(self, request, BlockTag::Latest, None)?;
        Ok(if outcome.success {
            Called::Success {
                output: outcome.output,
                gas_used: outcome.gas_used,
            }
        } else if outcome.reverted {
            Called::Revert(outcome.output)
        } else {
            Called::Halt(outcome.halt.unwrap_or_else(|| "halted".into()))
        })
    }

    fn max_gas(&self) -> u64 {
        self.config().tx_gas_limit
    }

    fn chain_id(&mut self) -> Result<u64> {
        Ok(Devnode::chain_id(self))
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        Ok(Devnode::code(self, address, BlockTag::Latest)?)
    }

    fn nonces(&mut self, account: Address) -> Result<Nonces> {
        // Every transaction is mined as it is sent: nothing waits.
        let mined = self.nonce(account, BlockTag::Latest)?;
        Ok(Nonces { mined, next: mined })
    }
}

impl<B: Backend + ?Sized> Backend for &mut B {
    fn send(&mut self, request: TransactionRequest) -> Result<Mined> {
        (**self).send(request)
    }

    fn call(&mut self, request: &TransactionRequest) -> Result<Called> {
        (**self).call(request)
    }

    fn max_gas(&self) -> u64 {
        (**self).max_gas()
    }

    fn chain_id(&mut self) -> Result<u64> {
        (**self).chain_id()
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        (**self).code(address)
    }

    fn nonces(&mut self, account: Address) -> Result<Nonces> {
        (**self).nonces(account)
    }
}
