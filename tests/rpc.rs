//! The deploy tool over HTTP JSON-RPC: the devnode served on a local port,
//! the protocol deployed through the JSON-RPC backend with the dev key,
//! checked through `eth_call` and a signed deposit, then deployed again from
//! the same manifest, which must send nothing.

use std::{net::SocketAddr, path::PathBuf};

use alloy_primitives::{Address, U256};
use deploy::{
    abi::{roles, IErc20, IOperatorRegistry, IRoles, IVault},
    dry_run::{self, ActivationEstimate, Status, GAS_PER_LATER_TX},
    key::DeployerKey,
    manifest::Manifest,
    resume::deploy_resuming,
    rpc::RpcBackend,
    transact, view, Backend, Config, OperatorConfig, ETHER,
};
use devnode::{Devnode, DevnodeConfig, ServerHandle, DEV_ACCOUNT, DEV_PRIVATE_KEY};
use e2e::artifacts;

/// The devnode's JSON-RPC server on a free local port, with the runtime
/// that runs it (dropping the runtime stops the server).
fn serve() -> (tokio::runtime::Runtime, ServerHandle) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = runtime
        .block_on(devnode::serve(Devnode::new(DevnodeConfig::default()), addr))
        .expect("the devnode serves");
    (runtime, server)
}

fn connect(url: &str) -> RpcBackend {
    let key = DeployerKey::from_hex(DEV_PRIVATE_KEY).unwrap();
    RpcBackend::connect(url, key).expect("the endpoint answers")
}

/// A fresh directory for this test's manifest.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lrt-rpc-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn deploys_over_json_rpc_and_a_second_run_sends_nothing() {
    let (_runtime, server) = serve();
    let url = server.url();
    let mut backend = connect(&url);
    let chain_id = backend.chain_id().unwrap();
    let dir = scratch_dir();
    let manifest_path = Manifest::default_path(&dir, chain_id);
    let config = Config::devnet(DEV_ACCOUNT);

    // The dry run asks ArbWasm for each activation with the code placed by a
    // state override, and sends nothing.
    let plan = dry_run::plan(&mut backend, artifacts(), &config, None).unwrap();
    let programs = deploy::dry_run::packages(&config).len();
    assert_eq!(plan.programs.len(), programs);
    for program in &plan.programs {
        assert_eq!(program.status, Status::New, "{}", program.name);
        assert!(program.deploy_gas.unwrap() > 0);
        match program.activation {
            ActivationEstimate::Estimated { gas, data_fee } => {
                assert!(gas > dry_run::ACTIVATION_FIXED_GAS, "{}", program.name);
                assert!(data_fee > U256::ZERO, "{}", program.name);
            }
            ref other => panic!("{}: {other:?}", program.name),
        }
    }
    assert_eq!(plan.wiring_steps, 13); // 5 links, 7 grants, the listing
    assert_eq!(plan.wiring_in_effect, None, "nothing to ask yet");
    assert_eq!(backend.spending().transactions, 0);

    let (d, manifest) = deploy_resuming(&mut backend, artifacts(), &config, &manifest_path)
        .expect("the deployment over JSON-RPC");
    let first = backend.spending();
    assert_eq!(first.creations, programs as u64);
    assert_eq!(
        Manifest::load(&manifest_path).unwrap().as_ref(),
        Some(&manifest)
    );
    assert_eq!(manifest.protocol["vault"], d.vault);
    assert_eq!(manifest.wiring.len(), 13);
    assert!(manifest.wiring.iter().all(|step| step.tx.is_some()));
    for program in &d.programs {
        let record = &manifest.programs[&program.name];
        assert_eq!(record.address, program.address);
        assert_eq!(record.stylus_version, Some(program.activation.version));
        assert!(
            record.activation_tx.is_some(),
            "{} was activated",
            program.name
        );
        // The dry run's flat estimate of later transactions is an upper bound.
        assert!(
            program.constructor_tx.gas_used < GAS_PER_LATER_TX,
            "{}",
            program.name
        );
    }
    for step in &d.steps {
        assert!(
            step.tx.gas_used < GAS_PER_LATER_TX,
            "{}: {}",
            step.what,
            step.tx.gas_used
        );
    }

    // The deployment, read back through eth_call.
    for program in d
        .programs
        .iter()
        .filter(|p| deploy::protocol::has_admin(&p.name))
    {
        let admin = view(&mut backend, program.address, &IRoles::adminCall {}).unwrap();
        assert_eq!(admin, DEV_ACCOUNT, "{}", program.name);
    }
    let links = view(&mut backend, d.vault, &IVault::linksCall {}).unwrap();
    assert_eq!(
        (links.restakingLayer, links.withdrawalQueue),
        (d.delegation, d.withdrawal_queue)
    );
    let minter = IRoles::hasRoleCall {
        role: roles::minter(),
        account: d.vault,
    };
    assert!(view(&mut backend, d.token, &minter).unwrap());
    let delegation = view(
        &mut backend,
        d.operator_registry,
        &IOperatorRegistry::delegationCall {},
    )
    .unwrap();
    assert_eq!(delegation, d.delegation);

    // A deposit of 1 ETH, signed and sent raw, mints 1 lrETH (first deposit).
    let deposit = IVault::depositCall {
        assets: ETHER,
        receiver: DEV_ACCOUNT,
    };
    let mined = transact(&mut backend, DEV_ACCOUNT, d.vault, ETHER, &deposit).unwrap();
    assert!(mined.status && mined.effective_gas_price > 0);
    let minted = view(
        &mut backend,
        d.token,
        &IErc20::balanceOfCall {
            account: DEV_ACCOUNT,
        },
    )
    .unwrap();
    assert_eq!(minted, ETHER);
    assert_eq!(
        view(&mut backend, d.vault, &IVault::totalAssetsCall {}).unwrap(),
        ETHER
    );

    // The same deployment again: everything is found on chain.
    let mut again = connect(&url);
    let (d2, manifest2) =
        deploy_resuming(&mut again, artifacts(), &config, &manifest_path).expect("the second run");
    assert_eq!(again.spending().transactions, 0);
    assert_eq!(again.spending().creations, 0);
    assert!(d2.steps.is_empty());
    assert_eq!(manifest2.protocol, manifest.protocol);
    assert_eq!(manifest2.programs, manifest.programs);
    assert_eq!(manifest2.wiring, manifest.wiring);
    let addresses = |d: &deploy::Deployment| {
        d.programs
            .iter()
            .map(|p| p.address)
            .collect::<Vec<Address>>()
    };
    assert_eq!(addresses(&d2), addresses(&d));

    let plan = dry_run::plan(&mut again, artifacts(), &config, Some(&manifest2)).unwrap();
    for program in &plan.programs {
        assert!(
            matches!(program.status, Status::Deployed(_)),
            "{}",
            program.name
        );
        assert_eq!(
            program.activation,
            ActivationEstimate::Active,
            "{}",
            program.name
        );
        assert!(!program.needs_constructor, "{}", program.name);
    }
    // Every wiring step is asked of the chain and found in effect.
    assert_eq!((plan.wiring_steps, plan.wiring_in_effect), (0, Some(13)));

    // Another operator in the configuration: the one step it adds.
    let mut more = config.clone();
    more.operators.push(OperatorConfig {
        operator: Address::repeat_byte(0x0e),
        slasher: DEV_ACCOUNT,
        cap: ETHER,
        metadata_uri: "ipfs://operator".into(),
    });
    let plan = dry_run::plan(&mut again, artifacts(), &more, Some(&manifest2)).unwrap();
    assert_eq!((plan.wiring_steps, plan.wiring_in_effect), (1, Some(13)));
    assert!(plan
        .report()
        .contains("wiring steps: 1 to send, 13 in effect already"));
    assert_eq!(again.spending().transactions, 0);

    // A program whose deployment an earlier run sent without a receipt, at
    // an address with no code: planned as new, not as a vanished copy.
    let mut unconfirmed = manifest2.clone();
    let record = unconfirmed.programs.get_mut("lrt-token").unwrap();
    (record.address, record.deploy_tx) = (Address::repeat_byte(0x77), None);
    let plan = dry_run::plan(&mut again, artifacts(), &config, Some(&unconfirmed)).unwrap();
    for program in &plan.programs {
        let expected_new = program.name == "lrt-token";
        assert_eq!(
            program.status == Status::New,
            expected_new,
            "{}: {:?}",
            program.name,
            program.status
        );
    }
    assert_eq!(plan.wiring_in_effect, None, "not every program is on chain");
    std::fs::remove_dir_all(dir).unwrap();
}
