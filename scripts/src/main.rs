//! `cargo run --release -p deploy`: builds every contract, starts the
//! embedded devnode, deploys and wires the protocol there, and runs a
//! lifecycle that shows the whole of it — deposits of ETH and of an LST by
//! several holders, delegation to allow-listed operators, a reward, a slash,
//! a withdrawal request, time passing, finalization and claim — printing the
//! rate, balances and gas of each step.
//!
//! With `--rpc-url` it deploys and wires the protocol on that endpoint
//! instead, resuming from the manifest, and prints a summary; `--dry-run`
//! only says what it would do (scripts/README.md). With `--serve` it keeps
//! a devnode with the protocol running and serves the wallet app
//! (`serve.rs`).

mod serve;

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
    time::{Duration, Instant},
};

use alloy_primitives::{utils::format_ether as format_wei, Address, B256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, Context, Result};
use clap::Parser;
use deploy::{
    abi::{IDelegation, IErc20, IMockLst, IVault, IWithdrawalQueue, ETH},
    config_file::ConfigFile,
    deploy_protocol, dry_run, error_report,
    key::{DeployerKey, KEYSTORE_PASSWORD_ENV, KEY_ENV},
    manifest::{copy_abi, Manifest},
    parameters,
    resume::deploy_resuming,
    rpc::{Polling, RpcBackend},
    transact, view, Artifacts, Config, Deployment, Mined, ETHER,
};
use devnode::{BlockTag, Devnode, DevnodeConfig};

/// One day, in seconds: the withdrawal and unbonding delays of the demo.
const DAY: u64 = 86_400;

/// Builds, deploys, activates and wires the protocol's Stylus programs.
///
/// Without --rpc-url: on the embedded devnode, followed by a lifecycle demo.
/// With it: on that endpoint, deployment and wiring only, resumable.
#[derive(Parser, Debug)]
#[command(name = "deploy", version)]
struct Cli {
    /// JSON-RPC endpoint of a Stylus chain (e.g. http://127.0.0.1:8547,
    /// https://sepolia-rollup.arbitrum.io/rpc). The deployer's key comes from
    /// LRT_DEPLOYER_KEY (hex) or --keystore.
    #[arg(long, value_name = "URL")]
    rpc_url: Option<String>,

    /// Ethereum JSON keystore holding the deployer's key; the password comes
    /// from LRT_KEYSTORE_PASSWORD or is asked for.
    #[arg(long, value_name = "FILE", requires = "rpc_url")]
    keystore: Option<PathBuf>,

    /// TOML configuration (scripts/config/devnet.toml documents every
    /// field); the devnet defaults without it.
    #[arg(long, value_name = "FILE", requires = "rpc_url")]
    config: Option<PathBuf>,

    /// Print what would be deployed and its estimated cost; send nothing.
    #[arg(long, requires = "rpc_url")]
    dry_run: bool,

    /// Deploy to a chain that is not a devnet even with a zero withdrawal
    /// delay, unbonding delay or report interval (as the configuration's
    /// `allow_unsafe_zero_delays = true`).
    #[arg(long, requires = "rpc_url")]
    allow_unsafe_zero_delays: bool,

    /// The deployment manifest, read to resume and written after every
    /// transaction [default: deployments/<chain-id>.json at the repository
    /// root].
    #[arg(long, value_name = "PATH", requires = "rpc_url")]
    manifest: Option<PathBuf>,

    /// On failure, print the stack backtrace after the error (it is left out
    /// otherwise, whatever RUST_BACKTRACE says).
    #[arg(long)]
    backtrace: bool,

    /// Seconds to wait for each transaction to be mined.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300,
        requires = "rpc_url"
    )]
    receipt_timeout: u64,

    /// Keep the devnode running on 127.0.0.1:8547 with the protocol deployed
    /// and a lifecycle's state, and serve the wallet app (app/) on
    /// 127.0.0.1:5173, until Ctrl-C.
    #[arg(long, conflicts_with = "rpc_url")]
    serve: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.backtrace {
        error_report::capture_backtraces();
    }
    let outcome = if cli.serve {
        serve::run(&repository_root())
    } else {
        match &cli.rpc_url {
            None => run_demo(),
            Some(url) => run_on_endpoint(url, &cli),
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error_report::render(&error, cli.backtrace));
            ExitCode::FAILURE
        }
    }
}

/// The repository root (where `deployments/` and `abi/` live).
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("scripts/ is inside the repository")
        .to_path_buf()
}

/// Deploys and wires the protocol on `url`, or with `--dry-run` only plans it.
fn run_on_endpoint(url: &str, cli: &Cli) -> Result<()> {
    let started = Instant::now();
    let key = match &cli.keystore {
        Some(path) => DeployerKey::from_keystore_prompting(path)?,
        None => DeployerKey::from_env().with_context(|| {
            format!("no deployer key: set {KEY_ENV}, or pass --keystore (password in {KEYSTORE_PASSWORD_ENV} or prompted)")
        })?,
    };
    let polling = Polling {
        timeout: Duration::from_secs(cli.receipt_timeout),
        ..Polling::default()
    };
    let mut backend = RpcBackend::connect(url, key)?.with_polling(polling);
    let deployer = backend.sender();
    let chain_id = deploy::Backend::chain_id(&mut backend)?;
    let balance = backend.balance(deployer)?;
    let config = match &cli.config {
        Some(path) => ConfigFile::load(path)?.resolve(deployer)?,
        None => Config::devnet(deployer),
    };
    let manifest_path = cli.manifest.clone().unwrap_or_else(|| {
        Manifest::default_path(&repository_root().join("deployments"), chain_id)
    });
    println!("endpoint: {url} (chain {chain_id})");
    println!("deployer: {deployer} ({} ETH)", format_wei(balance));
    println!("manifest: {}", manifest_path.display());
    print!("\n{}\n", parameters::report(&config));
    parameters::check_delays(&config, chain_id, cli.allow_unsafe_zero_delays)?;

    println!("Building the contracts (release, wasm32) ...");
    let artifacts = Artifacts::build_protocol().context("building the contracts")?;

    if cli.dry_run {
        let manifest = Manifest::load(&manifest_path)?;
        let plan = dry_run::plan(&mut backend, &artifacts, &config, manifest.as_ref())?;
        print!("{}", plan.report());
        println!("dry run: nothing was sent");
        return Ok(());
    }

    println!(
        "Deploying (the manifest is written after every transaction; run again to resume) ..."
    );
    let (_, mut manifest) = deploy_resuming(&mut backend, &artifacts, &config, &manifest_path)?;
    if let Some(abi) = copy_abi(&repository_root().join("abi"), &manifest_path, chain_id)? {
        manifest.abi = Some(abi);
        manifest.save(&manifest_path)?;
    }

    println!(
        "
{:<20} address",
        "contract"
    );
    for (role, address) in &manifest.protocol {
        println!("{role:<20} {address}");
    }
    let spent = backend.spending();
    let (total_gas, total_wei) = manifest.totals();
    println!(
        "this run: {} transactions ({} contract creations), {} gas, {} ETH in fees, {} ETH sent as activation value (the unneeded part refunded)",
        spent.transactions,
        spent.creations,
        spent.gas,
        format_wei(spent.fee_wei),
        format_wei(spent.value_wei)
    );
    println!(
        "whole deployment (as recorded): {total_gas} gas, {} ETH in fees",
        format_wei(total_wei)
    );
    if let Some(abi) = &manifest.abi {
        println!("ABI files: {abi} next to the manifest");
    }
    println!("manifest: {}", manifest_path.display());
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The main job: the embedded devnode, the protocol and its lifecycle.
fn run_demo() -> Result<()> {
    let started = Instant::now();
    println!("Building the contracts (release, wasm32) ...");
    let artifacts = Artifacts::build_protocol().context("building the contracts")?;

    let mut node = Devnode::new(DevnodeConfig::default());
    let accounts = node.accounts();
    let (alice, bob, slasher) = (accounts[1], accounts[2], accounts[3]);
    let operators = [Address::with_last_byte(0x01), Address::with_last_byte(0x02)];
    let config = Config::lifecycle(node.dev_account(), &operators, slasher);

    println!(
        "Deploying to the embedded devnode (chain {}) ...",
        node.chain_id()
    );
    let d = deploy_protocol(&mut node, &artifacts, &config).context("deploying")?;
    print_deployment(&d);
    let manifest = write_manifest(&d, node.chain_id(), &config)?;
    println!("manifest: {}\n", manifest.display());

    let lst = d.lst()?;
    let mut demo = Demo {
        node,
        d,
        alice,
        bob,
    };
    println!(
        "{:<48} {:>10} {:>20} {:>12} {:>12}",
        "step", "gas", "rate (ETH/lrETH)", "alice lrETH", "bob lrETH"
    );
    demo.report("deployed", None)?;

    let ten = ETHER * U256::from(10);
    let mined = demo.send(
        alice,
        demo.d.vault,
        ten,
        &IVault::depositCall {
            assets: ten,
            receiver: alice,
        },
    )?;
    demo.report("alice deposits 10 ETH", Some(&mined))?;

    let five = ETHER * U256::from(5);
    demo.send(
        bob,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: bob,
            amount: five,
        },
    )?;
    demo.send(
        bob,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: demo.d.vault,
            value: five,
        },
    )?;
    let call = IVault::depositAssetCall {
        asset: lst,
        amount: five,
        receiver: bob,
        minShares: U256::ZERO,
    };
    let mined = demo.send(bob, demo.d.vault, U256::ZERO, &call)?;
    demo.report("bob deposits 5 stETH (1.05 ETH each)", Some(&mined))?;

    let admin = config.deployer;
    let eight = ETHER * U256::from(8);
    let call = IVault::delegateCall {
        operator: operators[0],
        asset: ETH,
        amount: eight,
    };
    let mined = demo.send(admin, demo.d.vault, U256::ZERO, &call)?;
    demo.report("delegate 8 ETH to operator 1", Some(&mined))?;
    let call = IVault::delegateCall {
        operator: operators[1],
        asset: lst,
        amount: ETHER * U256::from(4),
    };
    let mined = demo.send(admin, demo.d.vault, U256::ZERO, &call)?;
    demo.report("delegate 4 stETH to operator 2", Some(&mined))?;

    let reward = ETHER / U256::from(10);
    let mined = demo.send(
        admin,
        demo.d.vault,
        reward,
        &IVault::distributeRewardsCall {},
    )?;
    demo.report("reward of 0.1 ETH (10% fee to treasury)", Some(&mined))?;

    let call = IDelegation::slashCall {
        operator: operators[0],
        amount: ETHER,
        evidence: B256::repeat_byte(0xE1),
    };
    let mined = demo.send(slasher, demo.d.delegation, U256::ZERO, &call)?;
    demo.report("slash operator 1 by 1 ETH", Some(&mined))?;

    let call = IWithdrawalQueue::requestRedeem_0Call {
        shares: five,
        controller: alice,
        owner: alice,
        payoutAsset: ETH,
    };
    let mined = demo.send(alice, demo.d.withdrawal_queue, U256::ZERO, &call)?;
    let request = U256::ZERO;
    demo.report("alice requests to redeem 5 lrETH for ETH", Some(&mined))?;

    let call = IDelegation::undelegateCall {
        operator: operators[0],
        asset: ETH,
        amount: ETHER * U256::from(5),
    };
    let mined = demo.send(admin, demo.d.delegation, U256::ZERO, &call)?;
    demo.report("undelegate 5 ETH from operator 1", Some(&mined))?;

    demo.node.increase_time(DAY + 1);
    demo.node.mine();
    demo.report("one day passes", None)?;

    let call = IDelegation::completeUnbondingCall { id: U256::ZERO };
    let mined = demo.send(bob, demo.d.delegation, U256::ZERO, &call)?;
    demo.report("unbonding completes: 5 ETH back to the vault", Some(&mined))?;

    let call = IWithdrawalQueue::finalizeCall {
        asset: ETH,
        maxRequests: U256::from(10),
    };
    let mined = demo.send(bob, demo.d.withdrawal_queue, U256::ZERO, &call)?;
    demo.report("finalize the ETH line (anyone may)", Some(&mined))?;

    let before = demo.node.balance(alice, BlockTag::Latest)?;
    let call = IWithdrawalQueue::claimCall { requestId: request };
    let mined = demo.send(alice, demo.d.withdrawal_queue, U256::ZERO, &call)?;
    let after = demo.node.balance(alice, BlockTag::Latest)?;
    demo.report("alice claims", Some(&mined))?;
    let paid_fee = U256::from(mined.gas_used) * U256::from(demo.node.base_fee());
    println!(
        "\nalice received {} ETH for 5 lrETH (after the slash, less the reward's fee)",
        format_ether(after + paid_fee - before)
    );
    let treasury = demo.read(
        demo.d.token,
        &IErc20::balanceOfCall {
            account: config.treasury,
        },
    )?;
    println!(
        "treasury holds {} lrETH from the fee",
        format_ether(treasury)
    );
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The deployed protocol and the holders of the demo.
struct Demo {
    node: Devnode,
    d: Deployment,
    alice: Address,
    bob: Address,
}

impl Demo {
    fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<Mined> {
        transact(&mut self.node, from, to, value, call)
            .map_err(|e| anyhow!("{}: {e}", C::SIGNATURE))
    }

    fn read<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return> {
        view(&mut self.node, to, call).map_err(|e| anyhow!("{}: {e}", C::SIGNATURE))
    }

    /// Prints one line of the lifecycle: the step, its gas, the rate and the
    /// holders' lrETH.
    fn report(&mut self, step: &str, mined: Option<&Mined>) -> Result<()> {
        let rate = self.read(self.d.vault, &IVault::getRateCall {})?;
        let alice = self.read(
            self.d.token,
            &IErc20::balanceOfCall {
                account: self.alice,
            },
        )?;
        let bob = self.read(self.d.token, &IErc20::balanceOfCall { account: self.bob })?;
        let gas = mined.map_or_else(|| "-".to_string(), |m| m.gas_used.to_string());
        println!(
            "{step:<48} {gas:>10} {:>20} {:>12} {:>12}",
            format_ether(rate),
            format_ether(alice),
            format_ether(bob)
        );
        Ok(())
    }
}

fn print_deployment(d: &Deployment) {
    println!(
        "{:<24} {:<44} {:>10} {:>12}",
        "program", "address", "code bytes", "activation gas"
    );
    for program in &d.programs {
        let activation_gas = program.activation.tx.as_ref().map_or(0, |t| t.gas_used);
        println!(
            "{:<24} {:<44} {:>10} {:>12}",
            program.name,
            program.address.to_string(),
            program.code_bytes,
            activation_gas
        );
    }
    println!("total deployment gas: {}", d.total_gas());
}

/// Writes the deployment manifest under `target/deployments/` (the embedded
/// devnode's state is gone when this process ends, so it is not a record to
/// keep in the repository).
fn write_manifest(d: &Deployment, chain_id: u64, config: &Config) -> Result<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/deployments");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{chain_id}.json"));
    let json = serde_json::to_string_pretty(&d.manifest(chain_id, config))?;
    fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// `wei` as ETH with six decimals.
fn format_ether(wei: U256) -> String {
    let micro = wei / U256::from(1_000_000_000_000u64);
    let micro: u128 = micro.try_into().unwrap_or(u128::MAX);
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}
