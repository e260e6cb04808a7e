//! Shared fixtures of the end-to-end tests: the protocol's programs built
//! once per test binary, and a fresh devnode with the protocol deployed on
//! it by the deploy tool's library entry point.

pub mod exported;

use std::sync::OnceLock;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use deploy::{
    abi::IAssetRegistry, deploy_protocol, programs::deploy_program, transact, view, Artifacts,
    Config, Deployment, Mined,
};
use devnode::{Devnode, DevnodeConfig};

/// The programs, built once for every test of a test binary.
pub fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| Artifacts::build_protocol().expect("the contracts build"))
}

/// A fresh devnode with the protocol deployed by its dev account, the
/// programs cached (as on Arbitrum One) or not.
pub fn deployed(cache: bool) -> (Devnode, Deployment, Config) {
    let mut node = Devnode::new(DevnodeConfig::default());
    let mut config = Config::devnet(node.dev_account());
    config.cache_programs = cache;
    let deployment = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
    (node, deployment, config)
}

/// A fresh devnode funding `accounts` accounts besides the dev account
/// (tests that need many distinct holders or controllers), with the
/// protocol deployed as by [`deployed`].
pub fn deployed_with_accounts(cache: bool, accounts: usize) -> (Devnode, Deployment, Config) {
    let mut node = Devnode::new(DevnodeConfig {
        accounts,
        ..DevnodeConfig::default()
    });
    let mut config = Config::devnet(node.dev_account());
    config.cache_programs = cache;
    let deployment = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
    (node, deployment, config)
}

/// Sends `call` from `from`, panicking with the function's signature if it
/// fails.
pub fn send<C: SolCall>(
    node: &mut Devnode,
    from: Address,
    to: Address,
    value: U256,
    call: &C,
) -> Mined {
    transact(node, from, to, value, call)
        .unwrap_or_else(|e| panic!("{} from {from}: {e}", C::SIGNATURE))
}

/// Reads `call` from `to`, panicking with the function's signature if it
/// fails.
pub fn read<C: SolCall>(node: &mut Devnode, to: Address, call: &C) -> C::Return {
    view(node, to, call).unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE))
}

/// The first `E` event among `mined`'s logs, panicking with the event's
/// signature if there is none.
#[track_caller]
pub fn event<E: SolEvent>(mined: &Mined) -> E {
    mined
        .logs
        .iter()
        .find_map(|log| E::decode_log(log).ok())
        .map(|log| log.data)
        .unwrap_or_else(|| panic!("no {} event", E::SIGNATURE))
}

/// Deploys another devnet LST and a rate source answering `rate` (ETH per
/// token), both from the built programs, and lists the LST in the asset
/// registry without a cap, as the deployment lists its own. Returns the LST
/// and its rate source.
pub fn list_mock_lst(
    node: &mut Devnode,
    d: &Deployment,
    admin: Address,
    symbol: &str,
    rate: U256,
) -> (Address, Address) {
    let mut program = |package: &str, args: Vec<u8>| {
        let built = artifacts().get(package).expect("a built program");
        // Same code as the deployment's copy: already activated (and cached
        // when the deployment's programs are), so nothing more is paid.
        deploy_program(node, admin, built, &args, false)
            .unwrap_or_else(|e| panic!("deploying {package}: {e:#}"))
            .address
    };
    let lst = program(
        "mock-lst",
        (symbol.to_string(), symbol.to_string()).abi_encode_params(),
    );
    let source = program("lrt-rate-source", (admin, rate).abi_encode_params());
    let listing = IAssetRegistry::addAssetCall {
        asset: lst,
        rateSource: source,
        depositCap: U256::MAX,
        maxStaleness: 86_400,
        maxChangeBps: U256::from(500),
    };
    send(node, admin, d.asset_registry, U256::ZERO, &listing);
    (lst, source)
}
