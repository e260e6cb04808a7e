//! ArbOS drops the priority fee: unless the chain collects tips (an ArbOS
//! setting that is off by default), a transaction pays the base fee, and the
//! receipt and `GASPRICE` show the base fee (Nitro `arbos/tx_processor.go`,
//! `GetPaidGasPrice` and `GasPriceOp`; geth `core/state_transition.go`). The
//! `tx_gas_price` hostio still reads the message's tip-inclusive price
//! (`TxContext.GasPrice`).

use revm::context::TxEnv;
use revm::context_interface::Transaction;

/// Rewrites `tx` so that it pays `basefee` per gas; returns the tip-inclusive
/// price the message carried, for the `tx_gas_price` hostio.
///
/// A price below the base fee, or a priority fee above the fee cap, is left
/// for revm to refuse as geth does. A
/// legacy or EIP-2930 price is lowered to the base fee; other types keep their
/// fee cap (so the balance check still uses it) with a zero priority fee.
pub fn drop_tip(tx: &mut TxEnv, basefee: u64) -> u128 {
    let message_price = tx.effective_gas_price(basefee as u128);
    match tx.tx_type {
        0 | 1 => {
            if tx.gas_price >= basefee as u128 {
                tx.gas_price = basefee as u128;
            }
        }
        // A priority fee above the fee cap is left for validation to refuse.
        _ => {
            if tx.gas_priority_fee.unwrap_or(0) <= tx.gas_price {
                tx.gas_priority_fee = Some(0);
            }
        }
    }
    message_price
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_fee_transactions_pay_the_base_fee() {
        let mut tx = TxEnv {
            tx_type: 2,
            gas_price: 300,
            gas_priority_fee: Some(50),
            ..Default::default()
        };
        assert_eq!(drop_tip(&mut tx, 100), 150);
        assert_eq!(tx.effective_gas_price(100), 100);
        assert_eq!(
            tx.gas_price, 300,
            "the fee cap still bounds the balance check"
        );
    }

    #[test]
    fn legacy_transactions_pay_the_base_fee() {
        let mut tx = TxEnv {
            tx_type: 0,
            gas_price: 250,
            ..Default::default()
        };
        assert_eq!(drop_tip(&mut tx, 100), 250);
        assert_eq!(tx.effective_gas_price(100), 100);
        // Below the base fee the price is left for validation to refuse.
        let mut low = TxEnv {
            tx_type: 0,
            gas_price: 50,
            ..Default::default()
        };
        drop_tip(&mut low, 100);
        assert_eq!(low.gas_price, 50);
    }
}
