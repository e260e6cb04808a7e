//! A deployment cut off part-way resumes from its manifest: the second run
//! reuses every program the first one deployed (same addresses, no second
//! copy), finishes what was left — an activation, a construction, the
//! wiring — and leaves the protocol exactly as an uninterrupted run does.

use std::path::PathBuf;

use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_rpc_types_eth::TransactionRequest;
use anyhow::{bail, Result};
use deploy::{
    abi::{roles, IRoles, IVault},
    manifest::Manifest,
    resume::deploy_resuming,
    view, Backend, Called, Config, Deployment, Mined, Nonces,
};
use devnode::{BlockTag, Devnode, DevnodeConfig};
use e2e::artifacts;

/// What becomes of the transaction a connection is cut off at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// It never reaches the chain.
    Refused,
    /// It is mined, but its receipt never comes back.
    ReceiptLost,
    /// It waits in the endpoint's pool and is never mined.
    Pooled,
}

/// The devnode behind a connection that is cut off after `sends_left`
/// transactions, counting what went through it. `pooled` transactions of
/// the deployer wait in a pool in front of the chain (the devnode itself
/// mines everything at once).
struct Flaky<'a> {
    node: &'a mut Devnode,
    sends_left: usize,
    cut: Cut,
    pooled: u64,
    sent: usize,
    created: Vec<Address>,
    creations: Vec<usize>,
}

impl<'a> Flaky<'a> {
    fn new(node: &'a mut Devnode, sends_left: usize) -> Self {
        Self {
            node,
            sends_left,
            cut: Cut::Refused,
            pooled: 0,
            sent: 0,
            created: Vec::new(),
            creations: Vec::new(),
        }
    }

    fn cut(mut self, cut: Cut) -> Self {
        self.cut = cut;
        self
    }

    fn pooled(mut self, pooled: u64) -> Self {
        self.pooled = pooled;
        self
    }

    fn deliver(&mut self, request: TransactionRequest) -> Result<Mined> {
        let creation = !matches!(request.to, Some(TxKind::Call(_)));
        let mined = Backend::send(&mut *self.node, request)?;
        if creation {
            self.creations.push(self.sent);
        }
        self.sent += 1;
        self.created.extend(mined.contract_address);
        Ok(mined)
    }
}

impl Backend for Flaky<'_> {
    fn send(&mut self, request: TransactionRequest) -> Result<Mined> {
        if self.sends_left > 0 {
            self.sends_left -= 1;
            return self.deliver(request);
        }
        match self.cut {
            Cut::Refused => bail!("connection lost"),
            Cut::ReceiptLost => {
                self.deliver(request)?;
                bail!("receipt timed out")
            }
            Cut::Pooled => {
                self.pooled += 1;
                bail!("receipt timed out")
            }
        }
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

    fn nonces(&mut self, account: Address) -> Result<Nonces> {
        let on_chain = Backend::nonces(&mut *self.node, account)?;
        Ok(Nonces {
            mined: on_chain.mined,
            next: on_chain.next + self.pooled,
        })
    }
}

/// An uninterrupted deployment on a fresh devnode: the number of
/// transactions, the indices of the creations among them, the programs.
fn uninterrupted(config: &Config) -> (usize, Vec<usize>, usize) {
    let mut node = Devnode::new(DevnodeConfig::default());
    let admin = node.dev_account();
    let mut whole = Flaky::new(&mut node, usize::MAX);
    let (deployment, _) =
        deploy_resuming(&mut whole, artifacts(), config, &manifest_path("whole")).unwrap();
    let (transactions, creations, programs) = (whole.sent, whole.creations, whole.created.len());
    assert_eq!(programs, deploy::dry_run::packages(config).len());
    assert_eq!(creations.len(), programs);
    assert_wired(&mut node, &deployment, admin);
    (transactions, creations, programs)
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

/// Runs a deployment on a fresh devnode that is cut off after `sends`
/// transactions as `cut` says, then an uninterrupted one from the same
/// manifest, and checks that each program was deployed once, nothing was
/// sent twice and the protocol is wired.
fn resume_after(config: &Config, sends: usize, cut: Cut, (transactions, programs): (usize, usize)) {
    let case = match cut {
        Cut::Refused => format!("connection lost after {sends} transactions"),
        Cut::ReceiptLost => format!("receipt of transaction {sends} lost"),
        Cut::Pooled => format!("transaction {sends} left in the pool"),
    };
    let mut node = Devnode::new(DevnodeConfig::default());
    let node = &mut node;
    let path = manifest_path(&case.replace(' ', "-"));
    let path = path.as_path();
    let admin = config.deployer;

    let mut first = Flaky::new(node, sends).cut(cut);
    let error = deploy_resuming(&mut first, artifacts(), config, path)
        .expect_err("the first run is cut off");
    let expected = match cut {
        Cut::Refused => "connection lost",
        Cut::ReceiptLost | Cut::Pooled => "receipt timed out",
    };
    assert!(format!("{error:#}").contains(expected), "{case}: {error:#}");
    let (sent_first, created_first) = (first.sent, first.created);

    let mut second = Flaky::new(node, usize::MAX);
    let (resumed, _) = deploy_resuming(&mut second, artifacts(), config, path)
        .unwrap_or_else(|e| panic!("{case}: the second run fails: {e:#}"));
    let (sent_second, created_second) = (second.sent, second.created);

    assert_eq!(
        created_first.len() + created_second.len(),
        programs,
        "{case}: each program deployed once"
    );
    assert_eq!(
        sent_first + sent_second,
        transactions,
        "{case}: nothing sent twice"
    );
    for program in &resumed.programs {
        let reused = created_first.contains(&program.address);
        let fresh = created_second.contains(&program.address);
        assert!(
            reused != fresh,
            "{case}: {} comes from one run",
            program.name
        );
    }
    assert_wired(node, &resumed, admin);

    // A third run finds everything done.
    let mut third = Flaky::new(node, usize::MAX);
    deploy_resuming(&mut third, artifacts(), config, path).unwrap();
    assert_eq!(third.sent, 0, "{case}: a finished deployment sends nothing");
}

#[test]
fn a_deployment_cut_off_anywhere_resumes_without_a_second_copy_of_any_program() {
    let config = Config::devnet(Devnode::new(DevnodeConfig::default()).dev_account());
    let (transactions, _, programs) = uninterrupted(&config);

    // Cut right after the first program's deployment (before its
    // activation), among the programs, and in the wiring.
    for cut_after in [1, transactions / 3, transactions - 2] {
        resume_after(&config, cut_after, Cut::Refused, (transactions, programs));
    }
}

#[test]
fn a_transaction_whose_receipt_never_came_is_found_on_chain_by_the_next_run() {
    let config = Config::devnet(Devnode::new(DevnodeConfig::default()).dev_account());
    let (transactions, creations, programs) = uninterrupted(&config);

    // The receipt lost for the first and the last program's deployment, an
    // activation or construction among the programs, and a wiring step.
    let cuts = [
        creations[0],
        creations[programs - 1],
        transactions / 3 + 1,
        transactions - 2,
    ];
    for cut_at in cuts {
        resume_after(&config, cut_at, Cut::ReceiptLost, (transactions, programs));
    }
}

#[test]
fn a_deployment_waiting_to_be_mined_stops_the_next_run_until_it_is_mined_or_dropped() {
    let mut node = Devnode::new(DevnodeConfig::default());
    let config = Config::devnet(node.dev_account());
    let path = manifest_path("pooled");

    // The first program's deployment goes into the pool and stays there.
    let mut first = Flaky::new(&mut node, 0).cut(Cut::Pooled);
    deploy_resuming(&mut first, artifacts(), &config, &path).expect_err("cut off");
    let recorded = Manifest::load(&path)
        .unwrap()
        .expect("a manifest is written");
    let [(package, record)] = recorded.programs.iter().collect::<Vec<_>>()[..] else {
        panic!("one program is recorded: {:?}", recorded.programs.keys());
    };
    assert_eq!(record.deploy_nonce, Some(0));
    assert!(record.deploy_tx.is_none(), "no receipt came");
    assert_eq!(record.address, config.deployer.create(0));

    // While it waits, a second run would deploy a second copy: it stops.
    let mut waiting = Flaky::new(&mut node, usize::MAX).pooled(1);
    let error = deploy_resuming(&mut waiting, artifacts(), &config, &path)
        .expect_err("a pending deployment stops the run");
    assert!(format!("{error:#}").contains("not mined yet"), "{error:#}");
    assert_eq!(waiting.sent, 0);

    // Dropped from the pool: the next run deploys it with the same nonce,
    // at the recorded address, and finishes the deployment.
    let mut dropped = Flaky::new(&mut node, usize::MAX);
    let (deployment, _) = deploy_resuming(&mut dropped, artifacts(), &config, &path).unwrap();
    assert_eq!(
        dropped.created.len(),
        deploy::dry_run::packages(&config).len()
    );
    let program = deployment
        .programs
        .iter()
        .find(|p| &p.name == package)
        .expect("the program is deployed");
    assert_eq!(program.address, record.address);
    assert_wired(&mut node, &deployment, config.deployer);
}

#[test]
fn a_deployment_whose_nonce_another_transaction_took_is_deployed_anew() {
    let mut node = Devnode::new(DevnodeConfig::default());
    let config = Config::devnet(node.dev_account());
    let path = manifest_path("replaced");

    // The first program's deployment waits in the pool and is replaced:
    // another transaction of the deployer is mined with its nonce.
    let mut first = Flaky::new(&mut node, 0).cut(Cut::Pooled);
    deploy_resuming(&mut first, artifacts(), &config, &path).expect_err("cut off");
    let recorded = Manifest::load(&path)
        .unwrap()
        .expect("a manifest is written");
    let [(package, record)] = recorded.programs.iter().collect::<Vec<_>>()[..] else {
        panic!("one program is recorded: {:?}", recorded.programs.keys());
    };
    let replacement = deploy::client::request(
        config.deployer,
        Some(config.deployer),
        U256::ZERO,
        Vec::new(),
    );
    Backend::send(&mut node, replacement).unwrap();
    assert_eq!(node.nonce(config.deployer, BlockTag::Latest).unwrap(), 1);

    // Nothing will ever be created at the recorded address: the next run
    // deploys the program with the next nonce and finishes.
    let mut next = Flaky::new(&mut node, usize::MAX);
    let (deployment, _) = deploy_resuming(&mut next, artifacts(), &config, &path).unwrap();
    assert_eq!(next.created.len(), deploy::dry_run::packages(&config).len());
    let program = deployment
        .programs
        .iter()
        .find(|p| &p.name == package)
        .expect("the program is deployed");
    assert_eq!(program.address, config.deployer.create(1));
    assert_ne!(program.address, record.address);
    assert_eq!(
        Manifest::load(&path).unwrap().unwrap().programs[package.as_str()].deploy_nonce,
        Some(1)
    );
    assert_wired(&mut node, &deployment, config.deployer);
}
