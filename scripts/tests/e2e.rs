//! End-to-end: the protocol deployed on the in-process devnode by the deploy
//! library, then exercised only through its ABI, as an integrator would.

use std::sync::OnceLock;

use alloy_primitives::{Address, U256};
use deploy::{
    abi::{roles, IArbWasm, IArbWasmCache, IAssetRegistry, IOperatorRegistry, IRoles, IVault},
    abi::{ARB_WASM, ARB_WASM_CACHE},
    deploy_protocol, view, Artifacts, Config, Deployment, QUEUE_PLACEHOLDER,
};
use devnode::{Devnode, DevnodeConfig};

/// The programs, built once for every test of this file.
fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| Artifacts::build_protocol().expect("the contracts build"))
}

fn deployed(cache: bool) -> (Devnode, Deployment, Config) {
    let mut node = Devnode::new(DevnodeConfig::default());
    let mut config = Config::devnet(node.dev_account());
    config.cache_programs = cache;
    let deployment = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
    (node, deployment, config)
}

#[test]
fn deployment_is_activated_and_wired() {
    let (mut node, d, config) = deployed(true);
    let admin = config.deployer;
    assert_eq!(d.programs.len(), deploy::PROTOCOL_PACKAGES.len());
    for program in &d.programs {
        let version = view(
            &mut node,
            ARB_WASM,
            &IArbWasm::programVersionCall {
                program: program.address,
            },
        )
        .unwrap();
        assert_eq!(version, program.activation.version, "{}", program.name);
        assert!(
            program.activation.data_fee > U256::ZERO,
            "{} paid a data fee",
            program.name
        );
        let cached = view(
            &mut node,
            ARB_WASM_CACHE,
            &IArbWasmCache::codehashIsCachedCall {
                codehash: program.code_hash,
            },
        )
        .unwrap();
        assert!(cached, "{} is cached", program.name);
        if program.name != "mock-lst" {
            let owner = view(&mut node, program.address, &IRoles::adminCall {}).unwrap();
            assert_eq!(owner, admin, "{} admin", program.name);
        }
    }
    let has = |node: &mut Devnode, contract: Address, role, account| {
        view(node, contract, &IRoles::hasRoleCall { role, account }).unwrap()
    };
    assert!(has(&mut node, d.token, roles::minter(), d.vault));
    assert!(!has(&mut node, d.token, roles::minter(), admin));
    for role in [
        roles::pauser(),
        roles::asset_manager(),
        roles::rewards_reporter(),
        roles::delegation_manager(),
    ] {
        assert!(has(&mut node, d.vault, role, admin));
    }
    assert!(has(
        &mut node,
        d.asset_registry,
        roles::asset_manager(),
        admin
    ));
    assert!(has(
        &mut node,
        d.operator_registry,
        roles::operator_manager(),
        admin
    ));
    assert!(has(
        &mut node,
        d.delegation,
        roles::delegation_manager(),
        admin
    ));

    let links = view(&mut node, d.vault, &IVault::linksCall {}).unwrap();
    assert_eq!(
        (links.restakingLayer, links.withdrawalQueue),
        (d.delegation, QUEUE_PLACEHOLDER)
    );
    assert_eq!(
        view(&mut node, d.vault, &IVault::shareCall {}).unwrap(),
        d.token
    );
    assert_eq!(
        view(&mut node, d.vault, &IVault::registryCall {}).unwrap(),
        d.asset_registry
    );
    assert_eq!(
        view(
            &mut node,
            d.operator_registry,
            &IOperatorRegistry::delegationCall {}
        )
        .unwrap(),
        d.delegation
    );
    let assets = view(&mut node, d.asset_registry, &IAssetRegistry::assetsCall {}).unwrap();
    assert_eq!(assets, vec![d.lst().unwrap()]);
    let rate = view(
        &mut node,
        d.asset_registry,
        &IAssetRegistry::currentRateCall {
            asset: d.lst().unwrap(),
        },
    )
    .unwrap();
    assert_eq!(rate.rate, config.lst.as_ref().unwrap().rate);
    assert!(rate.enabled);
}
