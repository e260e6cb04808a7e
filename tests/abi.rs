//! The exported ABI (`abi/`) against the deployed programs: every function
//! an integrator finds in a contract's JSON ABI is routed by its program.
//!
//! Each function is called (read-only, from an account without roles) with
//! zero-valued arguments. A routed function answers with a result, a typed
//! error or a trap; a selector the program does not know reverts with empty
//! data, which is what this test rejects.

use std::path::Path;

use alloy_dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier};
use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, U256};
use deploy::{client::request, Backend, Called};
use e2e::deployed;

/// A value of `ty` that is all zeros (empty for dynamic types).
fn zero(ty: &DynSolType) -> DynSolValue {
    match ty {
        DynSolType::Bool => DynSolValue::Bool(false),
        DynSolType::Int(bits) => DynSolValue::Int(Default::default(), *bits),
        DynSolType::Uint(bits) => DynSolValue::Uint(U256::ZERO, *bits),
        DynSolType::FixedBytes(size) => DynSolValue::FixedBytes(Default::default(), *size),
        DynSolType::Address => DynSolValue::Address(Address::ZERO),
        DynSolType::Function => DynSolValue::Function(Default::default()),
        DynSolType::Bytes => DynSolValue::Bytes(Vec::new()),
        DynSolType::String => DynSolValue::String(String::new()),
        DynSolType::Array(_) => DynSolValue::Array(Vec::new()),
        DynSolType::FixedArray(inner, size) => DynSolValue::FixedArray(vec![zero(inner); *size]),
        DynSolType::Tuple(types) => DynSolValue::Tuple(types.iter().map(zero).collect()),
    }
}

fn exported(contract: &str) -> JsonAbi {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../abi")
        .join(format!("{contract}.json"));
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&json).expect("a JSON ABI")
}

#[test]
fn every_exported_function_is_routed_by_its_program() {
    let (mut node, d, _) = deployed(false);
    let (lst, rate_source) = d.lst.expect("the devnet deployment lists an LST");
    let caller = node.accounts()[5];
    let contracts = [
        ("LrtToken", d.token),
        ("Vault", d.vault),
        ("AssetRegistry", d.asset_registry),
        ("OperatorRegistry", d.operator_registry),
        ("Delegation", d.delegation),
        ("WithdrawalQueue", d.withdrawal_queue),
        ("RateSource", rate_source),
        ("MockLst", lst),
    ];
    let mut checked = 0;
    for (contract, address) in contracts {
        let abi = exported(contract);
        assert!(abi.functions().count() > 0, "{contract} exports functions");
        for function in abi.functions() {
            let args: Vec<DynSolValue> = function
                .inputs
                .iter()
                .map(|input| zero(&input.resolve().expect("a Solidity type")))
                .collect();
            let calldata = function.abi_encode_input(&args).expect("encodable");
            let call = request(caller, Some(address), U256::ZERO, calldata);
            let answer = Backend::call(&mut node, &call).expect("the devnode runs the call");
            assert!(
                !matches!(&answer, Called::Revert(data) if data.is_empty()),
                "{contract}.{} is in the exported ABI but its program does not route it",
                function.signature()
            );
            checked += 1;
        }
    }
    println!("{checked} exported functions routed");
}
