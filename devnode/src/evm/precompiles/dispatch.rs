//! The checks Nitro's precompile framework makes before running a method
//! (`precompiles/precompile.go`, `Precompile.Call`). Each failure reverts and
//! burns all the gas supplied: an input shorter than a selector, an unknown
//! selector, a method that reads or writes ArbOS state reached by delegate
//! call or call code (acting as another address), a state-changing method in
//! a static context, and value sent to a method that is not payable.

use super::{ArbSys, ArbWasm, ArbWasmCache, ARB_SYS, ARB_WASM, ARB_WASM_CACHE};
use alloy_primitives::Address;
use alloy_sol_types::SolCall;
use revm::interpreter::CallInputs;

/// A method's state mutability, ordered as Nitro's `purity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Purity {
    Pure,
    View,
    Write,
    Payable,
}

/// The mutability of the method `selector` of the precompile at `address`.
pub fn purity(address: Address, selector: [u8; 4]) -> Option<Purity> {
    use Purity::*;
    let purity = match address {
        ARB_SYS => match selector {
            ArbSys::mapL1SenderContractAddressToL2AliasCall::SELECTOR => Pure,
            ArbSys::arbBlockNumberCall::SELECTOR
            | ArbSys::arbBlockHashCall::SELECTOR
            | ArbSys::arbChainIDCall::SELECTOR
            | ArbSys::arbOSVersionCall::SELECTOR
            | ArbSys::isTopLevelCallCall::SELECTOR
            | ArbSys::wasMyCallersAddressAliasedCall::SELECTOR
            | ArbSys::myCallersAddressWithoutAliasingCall::SELECTOR
            | ArbSys::getStorageGasAvailableCall::SELECTOR => View,
            _ => return None,
        },
        ARB_WASM => match selector {
            ArbWasm::activateProgramCall::SELECTOR | ArbWasm::codehashKeepaliveCall::SELECTOR => {
                Payable
            }
            ArbWasm::stylusVersionCall::SELECTOR
            | ArbWasm::codehashVersionCall::SELECTOR
            | ArbWasm::codehashAsmSizeCall::SELECTOR
            | ArbWasm::programVersionCall::SELECTOR
            | ArbWasm::programInitGasCall::SELECTOR
            | ArbWasm::programMemoryFootprintCall::SELECTOR
            | ArbWasm::programTimeLeftCall::SELECTOR
            | ArbWasm::inkPriceCall::SELECTOR
            | ArbWasm::maxStackDepthCall::SELECTOR
            | ArbWasm::freePagesCall::SELECTOR
            | ArbWasm::pageGasCall::SELECTOR
            | ArbWasm::pageRampCall::SELECTOR
            | ArbWasm::pageLimitCall::SELECTOR
            | ArbWasm::minInitGasCall::SELECTOR
            | ArbWasm::initCostScalarCall::SELECTOR
            | ArbWasm::expiryDaysCall::SELECTOR
            | ArbWasm::keepaliveDaysCall::SELECTOR
            | ArbWasm::blockCacheSizeCall::SELECTOR
            | ArbWasm::activationGasCall::SELECTOR => View,
            _ => return None,
        },
        ARB_WASM_CACHE => match selector {
            ArbWasmCache::cacheCodehashCall::SELECTOR
            | ArbWasmCache::cacheProgramCall::SELECTOR
            | ArbWasmCache::evictCodehashCall::SELECTOR => Write,
            ArbWasmCache::isCacheManagerCall::SELECTOR
            | ArbWasmCache::allCacheManagersCall::SELECTOR
            | ArbWasmCache::codehashIsCachedCall::SELECTOR => View,
            _ => return None,
        },
        _ => return None,
    };
    Some(purity)
}

/// Whether Nitro's framework lets this call reach the method.
pub fn may_dispatch(inputs: &CallInputs, input: &[u8]) -> bool {
    let Some(selector) = input.get(..4) else {
        return false;
    };
    let selector: [u8; 4] = selector.try_into().expect("four bytes");
    let Some(purity) = purity(inputs.bytecode_address, selector) else {
        return false;
    };
    let acting_as_precompile = inputs.target_address == inputs.bytecode_address;
    if purity >= Purity::View && !acting_as_precompile {
        return false;
    }
    if purity >= Purity::Write && inputs.is_static {
        return false;
    }
    if purity < Purity::Payable && !inputs.value.get().is_zero() {
        return false;
    }
    true
}
