//! A program over the 24,576-byte contract limit, deployed by the deploy
//! tool as fragments and a root on ArbOS 61, activated through the root and
//! called; refused in one sentence on ArbOS 51.

use alloy_primitives::{Address, U256};
use deploy::fragments::{self, MAX_CODE_SIZE};
use deploy::programs::{deploy_program, Program};
use devnode::stylus::version::ArbosVersion;
use devnode::{BlockTag, Devnode, DevnodeConfig};
use stylus_build::Deployable;

/// Bytes of incompressible payload: its brotli stream is about as long, so
/// the program takes two fragments.
const PAYLOAD_BYTES: usize = 40_000;
/// A payload that fits in one contract, for the whole-versus-fragments comparison.
const SMALL_PAYLOAD_BYTES: usize = 20_000;
/// Where the program copies its arguments, past the payload.
const ARGS_AT: usize = 65_000;

/// `PAYLOAD_BYTES` bytes of a xorshift sequence: incompressible, reproducible.
fn payload() -> Vec<u8> {
    payload_of(PAYLOAD_BYTES)
}

/// `len` bytes of a xorshift sequence.
fn payload_of(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A program whose memory starts with `payload`: called with one ABI word
/// `offset`, it returns the 32 payload bytes at `offset`; any other call
/// (the deploy tool's constructor call among them) returns nothing.
fn big_program(payload: &[u8]) -> Deployable {
    let escaped: String = payload.iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 0) "{escaped}")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (if (i32.eq (local.get $len) (i32.const 32))
      (then
        (call $read_args (i32.const {ARGS_AT}))
        ;; offset = the word's last two bytes, big-endian
        (call $write_result
          (i32.or
            (i32.shl (i32.load8_u (i32.const {hi})) (i32.const 8))
            (i32.load8_u (i32.const {lo})))
          (i32.const 32))))
    (i32.const 0)))"#,
        hi = ARGS_AT + 30,
        lo = ARGS_AT + 31,
    );
    let wasm = wat::parse_str(wat).expect("valid WAT");
    Deployable {
        name: "big-program".into(),
        code: stylus_build::compress(&wasm),
        wasm,
    }
}

fn node_at(version: u64) -> Devnode {
    Devnode::new(DevnodeConfig {
        arbos_version: ArbosVersion::new(version).unwrap(),
        ..DevnodeConfig::default()
    })
}

fn call(node: &Devnode, program: Address, offset: u64) -> devnode::CallOutcome {
    let request = alloy_rpc_types_eth::TransactionRequest::default()
        .to(program)
        .input(
            alloy_primitives::Bytes::from(U256::from(offset).to_be_bytes::<32>().to_vec()).into(),
        );
    node.call(&request, BlockTag::Latest, None)
        .expect("call accepted")
}

#[test]
fn a_program_over_the_contract_limit_deploys_as_fragments_on_arbos_61() {
    let payload = payload();
    let program = big_program(&payload);
    assert!(
        program.code.len() > MAX_CODE_SIZE,
        "{} bytes",
        program.code.len()
    );
    assert_eq!(fragments::fragment_count(&program), 2);

    let mut node = node_at(61);
    let deployer = node.dev_account();
    let deployed: Program =
        deploy_program(&mut node, deployer, &program, &[], false).expect("deployed as fragments");
    assert_eq!(deployed.fragments.len(), 2);

    // The root lists the fragments; each holds its chunk of the stream.
    let addresses: Vec<Address> = deployed.fragments.iter().map(|(a, _)| *a).collect();
    let root = node.code(deployed.address, BlockTag::Latest).unwrap();
    assert_eq!(
        root.as_ref(),
        fragments::root_code(&program, &addresses).as_slice()
    );
    let codes = fragments::fragment_codes(&program).unwrap();
    for (address, code) in addresses.iter().zip(&codes) {
        let on_chain = node.code(*address, BlockTag::Latest).unwrap();
        assert_eq!(on_chain.as_ref(), code.as_slice());
        assert!(on_chain.len() <= MAX_CODE_SIZE);
    }
    assert!(
        deployed.activation.tx.is_some(),
        "activated through the root"
    );

    // The root runs the whole program: slices from both fragments' parts.
    for offset in [0usize, 20_000, PAYLOAD_BYTES - 32] {
        let out = call(&node, deployed.address, offset as u64);
        assert!(out.success, "{out:?}");
        assert_eq!(out.output.as_ref(), &payload[offset..offset + 32]);
    }

    let deployment_gas: u64 = deployed
        .fragments
        .iter()
        .map(|(_, m)| m.gas_used)
        .sum::<u64>()
        + deployed.deploy_tx.gas_used;
    let activation_gas = deployed.activation.tx.as_ref().unwrap().gas_used;
    let call_gas = call(&node, deployed.address, 0).gas_used;
    println!(
        "{} compressed bytes as {} fragments: deployment {deployment_gas} gas ({} for the root), activation {activation_gas} gas, call {call_gas} gas",
        program.code.len(),
        deployed.fragments.len(),
        deployed.deploy_tx.gas_used
    );
}

#[test]
fn a_program_over_the_contract_limit_is_refused_before_arbos_60() {
    let program = big_program(&payload());
    let mut node = node_at(51);
    let deployer = node.dev_account();
    let nonce = node.nonce(deployer, BlockTag::Latest).unwrap();
    let error = deploy_program(&mut node, deployer, &program, &[], false)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains(&format!("{} bytes compressed", program.code.len()))
            && error.contains("ArbOS 51"),
        "{error}"
    );
    assert_eq!(
        node.nonce(deployer, BlockTag::Latest).unwrap(),
        nonce,
        "nothing was sent"
    );
}

#[test]
fn a_call_to_a_fragmented_program_costs_what_a_call_to_it_whole_does() {
    use deploy::client::{request, send};
    let payload = payload_of(SMALL_PAYLOAD_BYTES);
    let program = big_program(&payload);
    assert!(fragments::fragment_codes(&program).is_none(), "fits whole");
    let mut node = node_at(61);
    let deployer = node.dev_account();
    let whole = deploy_program(&mut node, deployer, &program, &[], false).unwrap();

    // The same stream split in two fragments by hand, and its root.
    let stream = &program.code[4..];
    let mut addresses = Vec::new();
    let mut fragment_gas = 0;
    for chunk in stream.chunks(stream.len().div_ceil(2)) {
        let code = [fragments::FRAGMENT_PREFIX.as_slice(), chunk].concat();
        let initcode = stylus_build::deploy_initcode(&code);
        let mined = send(&mut node, request(deployer, None, U256::ZERO, initcode)).unwrap();
        fragment_gas += mined.gas_used;
        addresses.push(mined.contract_address.unwrap());
    }
    let root = fragments::root_code(&program, &addresses);
    let initcode = stylus_build::creator_bound_initcode(&root);
    let mined = send(&mut node, request(deployer, None, U256::ZERO, initcode)).unwrap();
    let root_address = mined.contract_address.unwrap();
    let activation = deploy::programs::activate(&mut node, deployer, root_address).unwrap();

    let whole_call = call(&node, whole.address, 100);
    let fragmented_call = call(&node, root_address, 100);
    assert_eq!(fragmented_call.output.as_ref(), &payload[100..132]);
    assert_eq!(whole_call.output, fragmented_call.output);
    assert_eq!(whole_call.gas_used, fragmented_call.gas_used);

    let whole_activation = whole.activation.tx.as_ref().unwrap().gas_used;
    let fragmented_activation = activation.tx.as_ref().unwrap().gas_used;
    println!(
        "{} compressed bytes: whole deployment {} gas, activation {whole_activation}; as 2 fragments deployment {} gas ({fragment_gas} for the fragments), activation {fragmented_activation}; call {} gas either way",
        program.code.len(),
        whole.deploy_tx.gas_used,
        fragment_gas + mined.gas_used,
        whole_call.gas_used
    );
}
