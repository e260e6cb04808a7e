//! The EVM rules of ArbOS 50 and later: Osaka (CLZ, P256VERIFY at 0x100),
//! without the EIP-7623 calldata floor (ArbOS applies it only with its
//! `increasedCalldata` feature, arbos/features/features.go) and without the
//! EIP-7825 transaction gas cap.

use crate::common::*;
use alloy_primitives::{Address, U256};
use p256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};

/// The P256VERIFY precompile (RIP-7212, EIP-7951).
const P256_VERIFY: Address = Address::new({
    let mut bytes = [0u8; 20];
    bytes[18] = 0x01;
    bytes
});

#[test]
fn calldata_costs_its_standard_price_without_the_eip7623_floor() {
    let mut chain = TestChain::new();
    // 10,000 non-zero bytes to an account without code: 21,000 + 16 per byte
    // (EIP-2028). Under EIP-7623 the floor would be 21,000 + 40 per byte.
    let data = vec![0xff; 10_000];
    let tx = chain.send(Some(Address::repeat_byte(0x42)), data, U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(tx.receipt.gas_used, 21_000 + 16 * 10_000);
}

#[test]
fn a_transaction_may_use_more_gas_than_the_eip7825_cap() {
    let mut chain = TestChain::new();
    // The EIP-7825 cap is 2^24 = 16,777,216 gas; Arbitrum has none.
    let tx = chain.send(
        Some(Address::repeat_byte(0x42)),
        Vec::new(),
        U256::ZERO,
        Some(20_000_000),
    );
    assert!(tx.receipt.status);
}

#[test]
fn clz_counts_leading_zero_bits() {
    let mut chain = TestChain::new();
    // PUSH1 1, CLZ, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
    let program = chain.deploy_evm("60011e60005260206000f3");
    let out = chain.call(program, Vec::new());
    assert!(out.success, "CLZ (0x1e) is an Osaka opcode");
    assert_eq!(U256::from_be_slice(&out.output), U256::from(255));
}

fn p256_input(message_hash: [u8; 32], tamper: bool) -> Vec<u8> {
    let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let signature: Signature = key.sign_prehash(&message_hash).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let mut input = message_hash.to_vec();
    input.extend_from_slice(&signature.to_bytes());
    input.extend_from_slice(point.x().unwrap());
    input.extend_from_slice(point.y().unwrap());
    if tamper {
        input[0] ^= 1;
    }
    input
}

#[test]
fn p256verify_is_served_at_0x100() {
    let chain = TestChain::new();
    let valid = chain.call(P256_VERIFY, p256_input([0x5a; 32], false));
    assert!(valid.success);
    assert_eq!(
        U256::from_be_slice(&valid.output),
        U256::from(1),
        "a valid signature"
    );
    let invalid = chain.call(P256_VERIFY, p256_input([0x5a; 32], true));
    assert!(invalid.success);
    assert!(
        invalid.output.is_empty(),
        "an invalid signature returns nothing"
    );
}

#[test]
fn a_call_without_a_gas_price_sees_base_fee_zero() {
    use alloy_rpc_types_eth::TransactionRequest;
    use devnode::BlockTag;
    let mut chain = TestChain::new();
    // BASEFEE, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
    let program = chain.deploy_evm("4860005260206000f3");
    let unpriced = chain.call(program, Vec::new());
    assert_eq!(U256::from_be_slice(&unpriced.output), U256::ZERO);

    let base_fee = chain.node.base_fee();
    let request = TransactionRequest::default()
        .from(chain.from)
        .to(program)
        .gas_price(u128::from(base_fee));
    let priced = chain.node.call(&request, BlockTag::Latest, None).unwrap();
    assert_eq!(U256::from_be_slice(&priced.output), U256::from(base_fee));
    // A transaction always sees the block's base fee.
    let tx = chain.send(Some(program), Vec::new(), U256::ZERO, None);
    assert_eq!(
        U256::from_be_slice(&tx.receipt.output),
        U256::from(base_fee)
    );
}
