//! A contract that accepts ETH, standing in for a wallet in tests: motsu
//! delivers value only to contracts.

use alloc::vec::Vec;

use stylus_sdk::{prelude::*, storage::StorageU256};

extern crate alloc;

/// Accepts any ETH sent to it and counts the payments.
#[storage]
pub struct EthSink {
    payments: StorageU256,
}

unsafe impl TopLevelStorage for EthSink {}

#[public]
impl EthSink {
    /// Accepts the payment.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let payments = self.payments.get();
        self.payments
            .set(payments + alloy_primitives::U256::from(1));
        Ok(())
    }

    /// How many payments arrived.
    pub fn payments(&self) -> alloy_primitives::U256 {
        self.payments.get()
    }
}
