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
