use crate::common::*;
use alloy_primitives::{B256, U256};

const COUNTER: &str = r#"
(module
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $load (i32.const 0) (i32.const 32))
    (i32.store8 (i32.const 63) (i32.add (i32.load8_u (i32.const 63)) (i32.const 1)))
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 1))
    (call $write_result (i32.const 32) (i32.const 32))
    (i32.const 0)))
"#;

#[test]
fn counter_increments() {
    let mut chain = TestChain::new();
    let program = chain.deploy_wat(COUNTER);
    let tx = chain.send(Some(program), vec![], U256::ZERO, None);
    assert!(tx.receipt.status, "{:?}", tx.receipt);
    assert_eq!(chain.storage(program, 0), B256::with_last_byte(1));
    let tx = chain.send(Some(program), vec![], U256::ZERO, None);
    assert!(tx.receipt.status);
    assert_eq!(chain.storage(program, 0), B256::with_last_byte(2));
    assert_eq!(
        chain.call(program, vec![]).output.as_ref(),
        B256::with_last_byte(3).as_slice()
    );
}

#[test]
fn dev_key_address() {
    let signer: alloy_signer_local::PrivateKeySigner =
        devnode::config::DEV_PRIVATE_KEY.parse().unwrap();
    assert_eq!(signer.address(), devnode::config::DEV_ACCOUNT);
}
