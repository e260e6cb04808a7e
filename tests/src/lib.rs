//! Shared fixtures of the end-to-end tests: the protocol's programs built
//! once per test binary, and a fresh devnode with the protocol deployed on
//! it by the deploy tool's library entry point.

pub mod exported;

use std::sync::OnceLock;

use deploy::{deploy_protocol, Artifacts, Config, Deployment};
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
