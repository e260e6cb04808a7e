//! The account-access part of a Stylus call's cost, as geth's `WasmCallCost`
//! (`core/vm/operations_acl_arbitrum.go`) computes it: the EIP-2929 cold
//! surcharge for the callee and the new-account charge, but no charge for
//! reaching an EIP-7702 delegate, whose code the call still runs.

use super::{journal_err, Ctx};
use crate::stylus::params;
use alloy_primitives::{Address, B256};
use revm::bytecode::Bytecode;
use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::instructions::contract::load_account_delegated;

/// Access gas beyond the warm read, and the code the call runs with its hash;
/// `None` when the gas cannot cover the loads.
pub fn access(
    ctx: &mut Ctx,
    gas_left: u64,
    contract: Address,
    transfers_value: bool,
    create_empty_account: bool,
) -> Option<(u64, Bytecode, B256)> {
    let code = ctx.journal_mut().code(contract).unwrap_or_else(journal_err);
    let cold = if code.is_cold {
        params::gas::COLD_ACCOUNT - params::gas::WARM_SLOAD
    } else {
        0
    };
    let delegated = Bytecode::new_raw(code.data).is_eip7702();
    // The callee is warm now, so revm's helper charges only what is left: the
    // new account, or the delegate's access (which Nitro does not charge).
    let spec = ctx.cfg.spec;
    let remaining = gas_left.saturating_sub(params::gas::WARM_SLOAD + cold);
    let (rest, _, bytecode, code_hash) = load_account_delegated(
        ctx,
        spec,
        remaining,
        contract,
        transfers_value,
        create_empty_account,
    )
    .ok()?;
    let rest = if delegated { 0 } else { rest };
    Some((cold + rest, bytecode, code_hash))
}
