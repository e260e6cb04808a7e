//! Token and ETH transfers out of and into the protocol's contracts.

use alloy_primitives::{b256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::{call::RawCall, stylus_core::Host};

use crate::abi::{encode_words, Word};

crate::sol_declarations! {
    /// A token transfer failed: the call reverted, returned `false`, or the
    /// token is not a contract.
    #[derive(Debug)]
    error TokenTransferFailed(address token);
    /// Sending ETH failed: the receiver reverted.
    #[derive(Debug)]
    error EthTransferFailed(address to, uint256 amount);
}

sol! {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// Moves `amount` of `token` from `from` to `to` with `transferFrom`,
/// accepting tokens that return nothing as well as those that return `true`
/// (the usual "safe transfer" rule).
pub fn safe_transfer_from(
    vm: &dyn Host,
    token: Address,
    from: Address,
    to: Address,
    amount: U256,
) -> Result<(), TokenTransferFailed> {
    let calldata = encode_words(
        transferFromCall::SELECTOR,
        &[from.word(), to.word(), amount.word()],
    );
    call_token(vm, token, &calldata)
}

/// Pulls `amount` of `token` from `from` into this contract with
/// `transferFrom` and returns what arrived, measured by the change of this
/// contract's balance and never more than `amount`: a token that delivers
/// less than asked (stETH's 1-2 wei) is counted as it delivered, and one
/// whose `transferFrom` calls back into the caller cannot have a nested
/// transfer counted twice.
pub fn pull(
    vm: &dyn Host,
    token: Address,
    from: Address,
    amount: U256,
) -> Result<U256, TokenTransferFailed> {
    let this = vm.contract_address();
    let before = balance_of(token, this)?;
    safe_transfer_from(vm, token, from, this, amount)?;
    Ok(balance_of(token, this)?.saturating_sub(before).min(amount))
}

/// `account`'s balance of `token`; a token that cannot answer is a failed
/// transfer.
fn balance_of(token: Address, account: Address) -> Result<U256, TokenTransferFailed> {
    let calldata = encode_words(balanceOfCall::SELECTOR, &[account.word()]);
    crate::external::static_call(token, &calldata)
        .map(|data| crate::external::first_word(&data))
        .map_err(|_| TokenTransferFailed { token })
}

/// Moves `amount` of `token` to `to` with `transfer`, under the same rule.
pub fn safe_transfer(
    vm: &dyn Host,
    token: Address,
    to: Address,
    amount: U256,
) -> Result<(), TokenTransferFailed> {
    let calldata = encode_words(transferCall::SELECTOR, &[to.word(), amount.word()]);
    call_token(vm, token, &calldata)
}

/// Sets `spender`'s allowance on `token` to `amount` with `approve`, under
/// the same rule.
pub fn safe_approve(
    vm: &dyn Host,
    token: Address,
    spender: Address,
    amount: U256,
) -> Result<(), TokenTransferFailed> {
    let calldata = encode_words(approveCall::SELECTOR, &[spender.word(), amount.word()]);
    call_token(vm, token, &calldata)
}

/// Sends `amount` wei to `to` with a plain call that forwards all remaining
/// gas (less the 1/64 the EVM keeps back), so a multisig or a contract whose
/// `receive()` does real work can be paid. A failed send is an error, never
/// ignored.
pub fn send_eth(to: Address, amount: U256) -> Result<(), EthTransferFailed> {
    // SAFETY: see `call_token`.
    let result = unsafe {
        RawCall::new_with_value(amount)
            .flush_storage_cache()
            .skip_return_data()
            .call(to, &[])
    };
    result
        .map(|_| ())
        .map_err(|_| EthTransferFailed { to, amount })
}

fn call_token(vm: &dyn Host, token: Address, calldata: &[u8]) -> Result<(), TokenTransferFailed> {
    if !has_code(vm, token) {
        return Err(TokenTransferFailed { token });
    }
    // SAFETY: the callee cannot alias this program's storage: the storage
    // cache is flushed before the call, and the contracts are built without
    // the `reentrant` feature, so a call back into the caller reverts.
    let result = unsafe {
        RawCall::new()
            .flush_storage_cache()
            .limit_return_data(0, 32)
            .call(token, calldata)
    };
    match result {
        Ok(data)
            if data.is_empty()
                || (data.len() == 32 && data[31] == 1 && data[..31].iter().all(|b| *b == 0)) =>
        {
            Ok(())
        }
        _ => Err(TokenTransferFailed { token }),
    }
}

/// Keccak-256 of empty code: the code hash of an account that has none.
const EMPTY_CODE_HASH: B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// Whether `account` has code: its code hash is neither zero (no account)
/// nor the hash of empty code.
fn has_code(vm: &dyn Host, account: Address) -> bool {
    let hash = vm.code_hash(account);
    !hash.is_zero() && hash != EMPTY_CODE_HASH
}
