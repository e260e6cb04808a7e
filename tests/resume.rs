//! A deployment cut off part-way resumes from its manifest: the second run
//! reuses every program the first one deployed (same addresses, no second
//! copy), finishes what was left — an activation, a construction, the
//! wiring — and leaves the protocol exactly as an uninterrupted run does.

use std::path::PathBuf;

use alloy_primitives::{Address, Bytes};
use alloy_rpc_types_eth::TransactionRequest;
use anyhow::{bail, Result};
use deploy::{
    abi::{roles, IRoles, IVault},
    resume::deploy_resuming,
    view, Backend, Called, Config, Deployment, Mined,
};
use devnode::{Devnode, DevnodeConfig};
use e2e::artifacts;

/// The devnode behind a connection that drops after `sends_left`
/// transactions, counting what went through it.
struct Flaky<'a> {
    node: &'a mut Devnode,
    sends_left: usize,
    sent: usize,
    created: Vec<Address>,
}

impl<'a> Flaky<'a> {
    fn new(node: &'a mut Devnode, sends_left: usize) -> Self {
        Self {
            node,
            sends_left,
            sent: 0,
            created: Vec::new(),
        }
    }
}

impl Backend for Flaky<'_> {
    fn send(&mut self, request: TransactionRequest) -> Result<Mined> {
        if self.sends_left == 0 {
            bail!("connection lost");
        }
        self.sends_left -= 1;
        let mined = Backend::send(&mut *self.node, request)?;
        self.sent += 1;
        self.created.extend(mined.contract_address);
        Ok(mined)
    }

    fn call(&mut self, request: &TransactionRequest) -> Result<Called> {
        Backend::call(&mut *self.node, request)
    }

    fn max_gas(&self) -> u64 {
        Backend::max_gas(&*self.node)
    }

    fn chain_id(&mut self) -> Result<u64> {
        Backend::chain_id(&mut *self.node)
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        Backend::code(&mut *self.node, address)
    }
}

fn manifest_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lrt-resume-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("manifest.json")
}

/// The protocol deployed on `node` is wired: lrETH minted by the vault, the
/// vault's admin, its links.
fn assert_wired(node: &mut Devnode, deployment: &Deployment, admin: Address) {
    let (vault, token) = (deployment.vault, deployment.token);
    let call = IRoles::hasRoleCall {
        role: roles::minter(),
        account: vault,
    };
    assert!(view(node, token, &call).unwrap(), "the vault mints lrETH");
    assert_eq!(view(node, vault, &IRoles::adminCall {}).unwrap(), admin);
    let links = view(node, vault, &IVault::linksCall {}).unwrap();
    assert_eq!(links.restakingLayer, deployment.delegation);
    assert_eq!(links.withdrawalQueue, deployment.withdrawal_queue);
}

#[test]
fn a_deployment_cut_off_anywhere_resumes_without_a_second_copy_of_any_program() {
    // An uninterrupted run, for the number of transactions and programs.
    let mut node = Devnode::new(DevnodeConfig::default());
    let admin = node.dev_account();
    let config = Config::devnet(admin);
    let mut whole = Flaky::new(&mut node, usize::MAX);
    let (deployment, _) =
        deploy_resuming(&mut whole, artifacts(), &config, &manifest_path("whole")).unwrap();
    let (transactions, programs) = (whole.sent, whole.created.len());
    assert_eq!(programs, deploy::PROTOCOL_PACKAGES.len());
    assert_wired(&mut node, &deployment, admin);

    // Cut right after the first program's deployment (before its
    // activation), among the programs, and in the wiring.
    for cut_after in [1, transactions / 3, transactions - 2] {
        let mut node = Devnode::new(DevnodeConfig::default());
        let path = manifest_path(&cut_after.to_string());

        let mut first = Flaky::new(&mut node, cut_after);
        let error = deploy_resuming(&mut first, artifacts(), &config, &path)
            .expect_err("the first run is cut off");
        assert!(
            format!("{error:#}").contains("connection lost"),
            "{error:#}"
        );
        let (sent_first, created_first) = (first.sent, first.created);
        assert_eq!(sent_first, cut_after);
        assert!(!created_first.is_empty());

        let mut second = Flaky::new(&mut node, usize::MAX);
        let (resumed, _) = deploy_resuming(&mut second, artifacts(), &config, &path)
            .unwrap_or_else(|e| panic!("cut after {cut_after}: the second run fails: {e:#}"));
        let (sent_second, created_second) = (second.sent, second.created);

        assert_eq!(
            created_first.len() + created_second.len(),
            programs,
            "cut after {cut_after}: each program deployed once"
        );
        assert_eq!(
            sent_first + sent_second,
            transactions,
            "cut after {cut_after}: nothing sent twice"
        );
        for program in &resumed.programs {
            let reused = created_first.contains(&program.address);
            let fresh = created_second.contains(&program.address);
            assert!(reused != fresh, "{} comes from one run", program.name);
        }
        assert_wired(&mut node, &resumed, admin);

        // A third run finds everything done.
        let mut third = Flaky::new(&mut node, usize::MAX);
        deploy_resuming(&mut third, artifacts(), &config, &path).unwrap();
        assert_eq!(
            third.sent, 0,
            "cut after {cut_after}: a finished deployment sends nothing"
        );
    }
}
