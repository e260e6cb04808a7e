//! Failed calls to other contracts.

use alloc::vec::Vec;

/// The revert data of a call to another contract that failed, passed on
/// unchanged so the caller sees the callee's typed error (e.g. the
/// registry's `StaleRate` surfaces from a vault deposit as itself).
#[derive(Debug, PartialEq, Eq)]
pub struct ExternalRevert(pub Vec<u8>);

impl stylus_sdk::call::MethodError for ExternalRevert {
    fn encode(self) -> Vec<u8> {
        self.0
    }
}

// A callee's revert data has no fixed type of its own to list in the ABI.
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for ExternalRevert {}

#[allow(deprecated)] // `sol_interface!` returns the SDK's older error type.
impl From<stylus_sdk::call::Error> for ExternalRevert {
    fn from(error: stylus_sdk::call::Error) -> Self {
        match error {
            stylus_sdk::call::Error::Revert(data) => ExternalRevert(data),
            // A callee that answered with data of the wrong shape: surface it
            // as a revert without data rather than as a panic.
            stylus_sdk::call::Error::AbiDecodingFailed(_) => ExternalRevert(Vec::new()),
        }
    }
}

/// Calls `target` with `calldata` and `value` wei, flushing this program's
/// storage cache first, and returns the return data or the revert data.
pub fn call(
    target: alloy_primitives::Address,
    value: alloy_primitives::U256,
    calldata: &[u8],
) -> Result<Vec<u8>, ExternalRevert> {
    // SAFETY: the storage cache is flushed before the call and the contracts
    // are built without the SDK's `reentrant` feature, so the callee cannot
    // observe or alias this program's storage.
    unsafe {
        stylus_sdk::call::RawCall::new_with_value(value)
            .flush_storage_cache()
            .call(target, calldata)
    }
    .map_err(ExternalRevert)
}

/// Reads `target` with a static call (it cannot change any state).
pub fn static_call(
    target: alloy_primitives::Address,
    calldata: &[u8],
) -> Result<Vec<u8>, ExternalRevert> {
    // SAFETY: as for `call`; a static call cannot write at all.
    unsafe {
        stylus_sdk::call::RawCall::new_static()
            .flush_storage_cache()
            .call(target, calldata)
    }
    .map_err(ExternalRevert)
}

/// Word `i` of return data as a `U256` (zero past its end).
pub fn word(data: &[u8], i: usize) -> alloy_primitives::U256 {
    first_word(data.get(32 * i..).unwrap_or_default())
}

/// The first word of return data as a `U256` (zero when there is none).
#[must_use]
pub fn first_word(data: &[u8]) -> alloy_primitives::U256 {
    data.get(..32).map_or(
        alloy_primitives::U256::ZERO,
        alloy_primitives::U256::from_be_slice,
    )
}
