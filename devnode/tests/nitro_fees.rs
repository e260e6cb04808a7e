//! Fees as ArbOS takes them: the priority fee is dropped (Nitro
//! `arbos/tx_processor.go`, `GetPaidGasPrice`/`GasPriceOp`: without
//! collect-tips the paid price and `GASPRICE` are the base fee), while the
//! `tx_gas_price` hostio reads the message's tip-inclusive price.

use crate::common::*;
use alloy_primitives::{Bytes, U256};
use alloy_rpc_types_eth::TransactionRequest;
use devnode::MinedTransaction;

/// EVM runtime: returns GASPRICE as a word.
const EVM_GASPRICE: &str = "3a60005260206000f3";

fn send_with_tip(
    chain: &mut TestChain,
    to: alloy_primitives::Address,
    data: Vec<u8>,
    max_fee: u128,
    tip: u128,
) -> MinedTransaction {
    let request = TransactionRequest::default()
        .from(chain.from)
        .to(to)
        .input(Bytes::from(data).into())
        .gas_limit(1_000_000)
        .max_fee_per_gas(max_fee)
        .max_priority_fee_per_gas(tip);
    let hash = chain.node.sign_and_send(request).expect("accepted");
    chain.node.transaction(hash).expect("mined").clone()
}

#[test]
fn the_tip_is_dropped_and_the_base_fee_paid() {
    let mut chain = TestChain::new();
    let base_fee = devnode::DevnodeConfig::default().base_fee as u128;
    let (max_fee, tip) = (30 * base_fee, 10 * base_fee);
    let evm = chain.deploy_evm(EVM_GASPRICE);
    let program = chain.deploy_wat(CONFORMANCE);

    let before = chain.balance(chain.from);
    let tx = send_with_tip(&mut chain, evm, vec![], max_fee, tip);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.effective_gas_price, base_fee);
    assert_eq!(
        U256::from_be_slice(&tx.receipt.output),
        U256::from(base_fee),
        "GASPRICE reads the base fee"
    );
    assert_eq!(
        chain.balance(chain.from),
        before - U256::from(tx.receipt.gas_used as u128 * base_fee),
        "the sender paid the base fee only"
    );

    // The hostio reads TxContext.GasPrice: min(fee cap, base fee + tip).
    let tx = send_with_tip(&mut chain, program, cmd(13, &[]), max_fee, tip);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.effective_gas_price, base_fee);
    assert_eq!(
        U256::from_be_slice(&tx.receipt.output[144..176]),
        U256::from(base_fee + tip)
    );
}
