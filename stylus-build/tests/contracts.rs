//! The pipeline on this repository's contracts workspace.

use stylus_build::{
    build_contract, decompress, default_contracts_dir, deployable_packages, Contract, Deployable,
    CREATOR_PROLOGUE_LEN, INITCODE_PROLOGUE_LEN, MAX_CODE_BYTES,
};

#[test]
fn deployable_packages_of_this_repository() {
    let packages = deployable_packages(&default_contracts_dir()).unwrap();
    assert!(packages.iter().any(|p| p == "lrt-token"), "{packages:?}");
    assert!(!packages.iter().any(|p| p == "lrt-common"), "{packages:?}");
    let mut sorted = packages.clone();
    sorted.sort();
    assert_eq!(packages, sorted);
}

#[test]
#[ignore = "compiles a contract in release mode; run with `cargo test -p stylus-build -- --ignored`"]
fn token_builds_into_deployable_code() {
    let dir = default_contracts_dir();
    let wasm_path = build_contract(&dir, "lrt-token").unwrap();
    assert!(wasm_path.ends_with("wasm32-unknown-unknown/release/lrt_token.wasm"));
    let contract = Contract {
        name: "lrt-token".into(),
        package: "lrt-token".into(),
        wasm: std::fs::read(&wasm_path).unwrap(),
        wasm_path,
    };
    let deployable = Deployable::from_contract(&contract).unwrap();
    assert!(deployable.wasm.len() < contract.wasm.len());
    assert!(deployable.code.len() < MAX_CODE_BYTES);
    assert_eq!(decompress(&deployable.code).unwrap(), deployable.wasm);
    let initcode = deployable.initcode();
    assert_eq!(
        &initcode[CREATOR_PROLOGUE_LEN + INITCODE_PROLOGUE_LEN..],
        &deployable.code[..]
    );
}
