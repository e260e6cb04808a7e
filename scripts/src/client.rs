//! Calls and transactions through the `sol!` bindings, with revert data kept
//! so callers can decode the contracts' typed errors.

use std::fmt;

use alloy_primitives::{Address, Bytes, U256};
use alloy_rpc_types_eth::{TransactionInput, TransactionRequest};
use alloy_sol_types::{SolCall, SolError, SolInterface};

use crate::backend::{Backend, Called, Mined};

/// Why a call or transaction failed.
#[derive(Debug)]
pub enum TxError {
    /// The call reverted with this data; nothing was sent.
    Reverted(Bytes),
    /// The call halted without revert data (out of gas, trap).
    Halted(String),
    /// The transaction passed its dry run but failed once mined (the state
    /// moved between the two, e.g. on a shared endpoint).
    FailedOnChain(Mined),
    /// The answer did not decode as the binding's return type.
    BadOutput(String),
    /// The backend refused the request (nonce, funds, transport).
    Backend(anyhow::Error),
}

impl TxError {
    /// The revert data, if the call reverted.
    pub fn revert_data(&self) -> Option<&[u8]> {
        match self {
            TxError::Reverted(data) => Some(data),
            _ => None,
        }
    }

    /// The revert data decoded as the Solidity error `E`, if it is one.
    pub fn decode<E: SolError>(&self) -> Option<E> {
        E::abi_decode(self.revert_data()?).ok()
    }

    /// The revert data decoded as one of the errors of interface `I`
    /// (e.g. `IVault::IVaultErrors`).
    pub fn decode_any<I: SolInterface>(&self) -> Option<I> {
        I::abi_decode(self.revert_data()?).ok()
    }
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::Reverted(data) => write!(f, "reverted with data {data}"),
            TxError::Halted(reason) => write!(f, "halted: {reason}"),
            TxError::FailedOnChain(mined) => {
                write!(f, "transaction {} failed on chain", mined.hash)
            }
            TxError::BadOutput(reason) => write!(f, "undecodable output: {reason}"),
            TxError::Backend(error) => write!(f, "{error:#}"),
        }
    }
}

impl std::error::Error for TxError {}

impl From<anyhow::Error> for TxError {
    fn from(error: anyhow::Error) -> Self {
        TxError::Backend(error)
    }
}

/// A request from `from` to `to` (`None`: a contract creation).
pub fn request(
    from: Address,
    to: Option<Address>,
    value: U256,
    data: Vec<u8>,
) -> TransactionRequest {
    let request = TransactionRequest::default()
        .from(from)
        .value(value)
        .input(TransactionInput::new(data.into()));
    match to {
        Some(to) => request.to(to),
        None => request.create(),
    }
}

/// Runs `request` read-only and returns its output.
pub fn dry_run(
    backend: &mut impl Backend,
    request: &TransactionRequest,
) -> Result<(Bytes, u64), TxError> {
    match backend.call(request)? {
        Called::Success { output, gas_used } => Ok((output, gas_used)),
        Called::Revert(data) => Err(TxError::Reverted(data)),
        Called::Halt(reason) => Err(TxError::Halted(reason)),
    }
}

/// The gas limit for a transaction that used `gas_used` in its dry run.
///
/// The used gas is not enough as a limit: refunds (up to a fifth of what
/// was spent) are subtracted after the fact, and every nested call keeps
/// 1/64 of the gas back. Half again plus a fixed margin covers both; the
/// sender pays only for what is used.
pub fn gas_limit(gas_used: u64, max: u64) -> u64 {
    gas_used
        .saturating_add(gas_used / 2)
        .saturating_add(50_000)
        .min(max)
}

/// Dry-runs `request` (so a revert comes back with its data and nothing
/// is spent), then sends it with a gas limit sized from the dry run. A
/// request with its gas limit already set is sent as it is, without a dry
/// run: a revert is then mined, and reported as [`TxError::FailedOnChain`].
pub fn send(backend: &mut impl Backend, mut request: TransactionRequest) -> Result<Mined, TxError> {
    if request.gas.is_none() {
        let (_, used) = dry_run(backend, &request)?;
        request.gas = Some(gas_limit(used, backend.max_gas()));
    }
    let mined = backend.send(request)?;
    if !mined.status {
        return Err(TxError::FailedOnChain(mined));
    }
    Ok(mined)
}

/// Sends `call` from `from` to `to` with `value` attached.
pub fn transact<C: SolCall>(
    backend: &mut impl Backend,
    from: Address,
    to: Address,
    value: U256,
    call: &C,
) -> Result<Mined, TxError> {
    send(backend, request(from, Some(to), value, call.abi_encode()))
}

/// Reads `call` from `to` and decodes its return value.
pub fn view<C: SolCall>(
    backend: &mut impl Backend,
    to: Address,
    call: &C,
) -> Result<C::Return, TxError> {
    let request = request(Address::ZERO, Some(to), U256::ZERO, call.abi_encode());
    let (output, _) = dry_run(backend, &request)?;
    C::abi_decode_returns(&output).map_err(|e| TxError::BadOutput(e.to_string()))
}

/// What `call` would return if sent now from `from` with `value` (the
/// return value of a state-changing function, without changing state).
pub fn simulate<C: SolCall>(
    backend: &mut impl Backend,
    from: Address,
    to: Address,
    value: U256,
    call: &C,
) -> Result<C::Return, TxError> {
    let request = request(from, Some(to), value, call.abi_encode());
    let (output, _) = dry_run(backend, &request)?;
    C::abi_decode_returns(&output).map_err(|e| TxError::BadOutput(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_limit_covers_refunds_and_the_64th_and_is_capped() {
        assert_eq!(gas_limit(100_000, 32_000_000), 200_000);
        assert_eq!(gas_limit(30_000_000, 32_000_000), 32_000_000);
    }
}
