//! The exported ABI files (`abi/`), read and called generically.

use std::path::Path;

use alloy_dyn_abi::{DynSolType, DynSolValue, JsonAbiExt, Specifier};
use alloy_json_abi::{Function, JsonAbi};
use alloy_primitives::{Address, B256, I256, U256};
use deploy::Deployment;

/// The exported JSON ABI of `contract` (`abi/<contract>.json`).
pub fn abi(contract: &str) -> JsonAbi {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../abi")
        .join(format!("{contract}.json"));
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&json).expect("a JSON ABI")
}

/// Every program of deployment `d` with the name of its exported ABI
/// (`abi/<name>.json`), the Chainlink-priced assets' adapters, tokens and
/// mock feeds included.
pub fn programs(d: &Deployment) -> Vec<(&'static str, Address)> {
    let (lst, rate_source) = d.lst.expect("the deployment lists an LST");
    let mut programs = vec![
        ("LrtToken", d.token),
        ("Vault", d.vault),
        ("AssetRegistry", d.asset_registry),
        ("OperatorRegistry", d.operator_registry),
        ("Delegation", d.delegation),
        ("WithdrawalQueue", d.withdrawal_queue),
        ("RateProvider", d.rate_provider),
        ("RateSource", rate_source),
        ("MockLst", lst),
    ];
    for asset in &d.chainlink_assets {
        programs.push(("ChainlinkRateSource", asset.rate_source));
        // The devnet's are all mocks.
        programs.push(("MockLst", asset.token));
        programs.push(("MockAggregator", asset.feed));
        programs.push(("MockAggregator", asset.sequencer_feed));
    }
    programs
}

/// Calldata for `function` with every argument word set to `word` (`0` or
/// `1`; dynamic values empty).
pub fn calldata(function: &Function, word: u8) -> Vec<u8> {
    let args: Vec<DynSolValue> = function
        .inputs
        .iter()
        .map(|input| filled(&input.resolve().expect("a Solidity type"), word))
        .collect();
    function.abi_encode_input(&args).expect("encodable")
}

/// A value of `ty` whose every word is `word`; dynamic types are empty.
fn filled(ty: &DynSolType, word: u8) -> DynSolValue {
    match ty {
        DynSolType::Bool => DynSolValue::Bool(word != 0),
        DynSolType::Int(bits) => DynSolValue::Int(I256::try_from(word).expect("small"), *bits),
        DynSolType::Uint(bits) => DynSolValue::Uint(U256::from(word), *bits),
        DynSolType::FixedBytes(size) => DynSolValue::FixedBytes(B256::with_last_byte(word), *size),
        DynSolType::Address => DynSolValue::Address(Address::with_last_byte(word)),
        DynSolType::Function => DynSolValue::Function(Default::default()),
        DynSolType::Bytes => DynSolValue::Bytes(Vec::new()),
        DynSolType::String => DynSolValue::String(String::new()),
        DynSolType::Array(_) => DynSolValue::Array(Vec::new()),
        DynSolType::FixedArray(inner, size) => {
            DynSolValue::FixedArray(vec![filled(inner, word); *size])
        }
        DynSolType::Tuple(types) => {
            DynSolValue::Tuple(types.iter().map(|ty| filled(ty, word)).collect())
        }
    }
}
