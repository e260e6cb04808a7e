//! `cargo run --release -p deploy -- --serve`: the devnode on
//! 127.0.0.1:8547 with the protocol deployed and a lifecycle's state (a
//! holder with ETH, stETH, lrETH, a claimable and a pending withdrawal;
//! rewards, a slash and a revaluation for the rate chart), the wallet app
//! (`app/`) built and served next to the manifest, until Ctrl-C.

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    thread,
};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, bail, Context, Result};
use deploy::{
    abi::{IDelegation, IErc20, IMockLst, IRateSource, IVault, IWithdrawalQueue, ETH},
    deploy_protocol, transact, Artifacts, Config, Deployment, ETHER,
};
use devnode::{Devnode, DevnodeConfig, DEV_ACCOUNT, DEV_PRIVATE_KEY};

/// Where the devnode's JSON-RPC listens: the port wallets and the app know.
const RPC_ADDR: &str = "127.0.0.1:8547";
/// Where the app is served.
const APP_ADDR: &str = "127.0.0.1:5173";
const DAY: u64 = 86_400;

/// Deploys, sets up the lifecycle state, writes the manifest, builds and
/// serves the app, and serves JSON-RPC until Ctrl-C.
pub fn run(repository: &Path) -> Result<()> {
    let app = repository.join("app");
    build_app(&app)?;

    println!("Building the contracts (release, wasm32) ...");
    let artifacts = Artifacts::build_protocol().context("building the contracts")?;
    let mut node = Devnode::new(DevnodeConfig::default());
    let accounts = node.accounts();
    let (holder, other, slasher) = (accounts[1], accounts[2], accounts[3]);
    let holder_key: B256 = node.signers()[1].to_bytes();
    let operators = [Address::with_last_byte(0x01), Address::with_last_byte(0x02)];
    let config = Config::lifecycle(node.dev_account(), &operators, slasher);
    println!("Deploying to the devnode (chain {}) ...", node.chain_id());
    let d = deploy_protocol(&mut node, &artifacts, &config).context("deploying")?;
    println!("Setting up a lifecycle's state ...");
    lifecycle(&mut node, &d, &config, holder, other, slasher, &operators)?;

    let chain_id = node.chain_id();
    let manifest = serde_json::to_string_pretty(&d.manifest(chain_id, &config))? + "\n";
    let manifest_dir = repository.join("target/deployments");
    fs::create_dir_all(&manifest_dir)
        .with_context(|| format!("creating {}", manifest_dir.display()))?;
    let manifest_path = manifest_dir.join(format!("{chain_id}.json"));
    fs::write(&manifest_path, &manifest)
        .with_context(|| format!("writing {}", manifest_path.display()))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let rpc_addr: SocketAddr = RPC_ADDR.parse().expect("a valid address");
        let server = devnode::serve(node, rpc_addr).await.with_context(|| {
            format!("cannot listen on {rpc_addr} (is another devnode running?)")
        })?;
        let site = Site {
            root: app.join("dist"),
            index: format!("{{\"chains\":[{chain_id}]}}"),
            manifest_name: format!("{chain_id}.json"),
            manifest,
        };
        let app_url = serve_app(APP_ADDR, site)?;
        println!(
            "
The protocol is deployed on the devnode, the app is served:

  app        {app_url}
  JSON-RPC   {rpc}  (chain id {chain_id}, CORS open)
  manifest   {manifest}

To use it from a browser wallet (MetaMask, Rabby, …):
  1. Add the network: name \"Stylus devnode\", RPC URL {rpc}, chain id {chain_id}, currency ETH
     (the app offers to add it when the wallet is elsewhere).
  2. Import the holder's account, which has ETH, stETH, lrETH and two withdrawal requests:
       address     {holder}
       private key {holder_key}
     The admin (pauser, rewards reporter, rate updater) is {DEV_ACCOUNT}, key {DEV_PRIVATE_KEY}.
     Both keys are public test keys: use them on this local chain only.
  3. Open {app_url} and connect.

Ctrl-C stops the devnode and the app (its state is not kept).",
            rpc = server.url(),
            manifest = manifest_path.display(),
        );
        devnode::rpc::wait_for_stop_signal().await;
        server.shutdown().await;
        Ok::<_, anyhow::Error>(())
    })
}

/// Installs the app's packages when they are missing and bundles it into `app/dist`.
fn build_app(app: &Path) -> Result<()> {
    let npm = |args: &[&str]| -> Result<()> {
        println!("app: npm {} ...", args.join(" "));
        let status = Command::new("npm")
            .args(args)
            .current_dir(app)
            .status()
            .map_err(|e| anyhow!("cannot run npm ({e}): the app needs Node.js 20 and npm"))?;
        if !status.success() {
            bail!("npm {} failed in {}", args.join(" "), app.display());
        }
        Ok(())
    };
    if !app.join("node_modules").is_dir() {
        npm(&["ci"])?;
    }
    npm(&["run", "bundle", "--silent"])
}

/// The lifecycle's state the app shows: deposits of ETH and stETH, rewards
/// a day apart, a slash, a revaluation of stETH, a finalized (claimable)
/// and a pending withdrawal request of `holder`.
fn lifecycle(
    node: &mut Devnode,
    d: &Deployment,
    config: &Config,
    holder: Address,
    other: Address,
    slasher: Address,
    operators: &[Address],
) -> Result<()> {
    let admin = config.deployer;
    let lst = d.lst()?;
    let source = d.rate_source()?;
    let ten = ETHER * U256::from(10);
    let five = ETHER * U256::from(5);
    let tenth = ETHER / U256::from(10);
    send(
        node,
        holder,
        d.vault,
        ten,
        IVault::depositCall {
            assets: ten,
            receiver: holder,
        },
    )?;
    for account in [holder, other] {
        send(
            node,
            account,
            lst,
            U256::ZERO,
            IMockLst::mintCall {
                to: account,
                amount: ETHER * U256::from(20),
            },
        )?;
    }
    send(
        node,
        other,
        lst,
        U256::ZERO,
        IErc20::approveCall {
            spender: d.vault,
            value: five,
        },
    )?;
    send(
        node,
        other,
        d.vault,
        U256::ZERO,
        IVault::depositAssetCall {
            asset: lst,
            amount: five,
            receiver: other,
            minShares: U256::ZERO,
        },
    )?;
    send(
        node,
        admin,
        d.vault,
        U256::ZERO,
        IVault::delegateCall {
            operator: operators[0],
            asset: ETH,
            amount: ETHER * U256::from(4),
        },
    )?;
    send(
        node,
        admin,
        d.vault,
        tenth,
        IVault::distributeRewardsCall {},
    )?;
    pass(node, DAY);
    send(
        node,
        admin,
        d.vault,
        tenth / U256::from(2),
        IVault::distributeRewardsCall {},
    )?;
    send(
        node,
        slasher,
        d.delegation,
        U256::ZERO,
        IDelegation::slashCall {
            operator: operators[0],
            amount: ETHER * U256::from(3) / U256::from(10),
            evidence: B256::repeat_byte(0xE1),
        },
    )?;
    pass(node, DAY);
    // stETH's rate rises to 1.06 ETH; anyone may bring the vault's books to it.
    let rate = ETHER * U256::from(106) / U256::from(100);
    send(
        node,
        admin,
        source,
        U256::ZERO,
        IRateSource::setRateCall { rate },
    )?;
    send(
        node,
        other,
        d.vault,
        U256::ZERO,
        IVault::syncAssetRateCall { asset: lst },
    )?;
    send(
        node,
        admin,
        d.vault,
        tenth * U256::from(8) / U256::from(10),
        IVault::distributeRewardsCall {},
    )?;
    let request = |shares: U256| IWithdrawalQueue::requestRedeem_0Call {
        shares,
        controller: holder,
        owner: holder,
        payoutAsset: ETH,
    };
    send(node, holder, d.withdrawal_queue, U256::ZERO, request(ETHER))?;
    pass(node, DAY + 1);
    send(
        node,
        other,
        d.withdrawal_queue,
        U256::ZERO,
        IWithdrawalQueue::finalizeCall {
            asset: ETH,
            maxRequests: U256::from(10),
        },
    )?;
    // A fresh stETH rate, so stETH deposits are open when the app starts.
    send(
        node,
        admin,
        source,
        U256::ZERO,
        IRateSource::setRateCall { rate },
    )?;
    send(
        node,
        holder,
        d.withdrawal_queue,
        U256::ZERO,
        request(ETHER * U256::from(2)),
    )?;
    Ok(())
}

/// Sends `call` from `from`, which must succeed.
fn send<C: SolCall>(
    node: &mut Devnode,
    from: Address,
    to: Address,
    value: U256,
    call: C,
) -> Result<()> {
    transact(node, from, to, value, &call).map_err(|e| anyhow!("{}: {e}", C::SIGNATURE))?;
    Ok(())
}

fn pass(node: &mut Devnode, seconds: u64) {
    node.increase_time(seconds);
    node.mine();
}

/// What the app's server serves: the bundle, plus the manifest of this devnode.
struct Site {
    root: PathBuf,
    index: String,
    manifest_name: String,
    manifest: String,
}

/// Serves `site` on `addr` from a thread; returns its URL.
fn serve_app(addr: &str, site: Site) -> Result<String> {
    let listener = TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let url = format!("http://{}/", listener.local_addr()?);
    let site = Arc::new(site);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            thread::spawn(move || {
                let _ = answer(stream, &site);
            });
        }
    });
    Ok(url)
}

/// Answers one GET request.
fn answer(mut stream: TcpStream, site: &Site) -> std::io::Result<()> {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut line)?;
    // Drain the headers: the request line is all that is needed.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let (status, kind, body) = match page(site, path) {
        Some((kind, body)) => ("200 OK", kind, body),
        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// The content type and bytes of `path`, `None` when there is no such page.
fn page(site: &Site, path: &str) -> Option<(&'static str, Vec<u8>)> {
    if path == "/deployments/index.json" {
        return Some(("application/json", site.index.clone().into_bytes()));
    }
    if path == format!("/deployments/{}", site.manifest_name) {
        return Some(("application/json", site.manifest.clone().into_bytes()));
    }
    let relative = match path.trim_start_matches('/') {
        "" => "index.html",
        other => other,
    };
    // Only plain names below the bundle: no "..", no absolute paths.
    if relative
        .split('/')
        .any(|part| part.is_empty() || part == ".." || part.starts_with('.'))
    {
        return None;
    }
    let body = fs::read(site.root.join(relative)).ok()?;
    let kind = match Path::new(relative).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    Some((kind, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(root: PathBuf) -> Site {
        Site {
            root,
            index: "{\"chains\":[412346]}".into(),
            manifest_name: "412346.json".into(),
            manifest: "{\"chainId\":412346}".into(),
        }
    }

    #[test]
    fn serves_the_bundle_and_this_devnodes_manifest() {
        let root = std::env::temp_dir().join(format!("deploy-serve-{}", std::process::id()));
        fs::create_dir_all(root.join("assets")).unwrap();
        fs::write(root.join("index.html"), "<html>").unwrap();
        fs::write(root.join("assets/app.js"), "js").unwrap();
        // A manifest left in the bundle by an earlier build is not the one served.
        fs::create_dir_all(root.join("deployments")).unwrap();
        fs::write(root.join("deployments/412346.json"), "stale").unwrap();
        let site = site(root.clone());

        assert_eq!(
            page(&site, "/").unwrap(),
            ("text/html; charset=utf-8", b"<html>".to_vec())
        );
        assert_eq!(
            page(&site, "/assets/app.js").unwrap(),
            ("text/javascript", b"js".to_vec())
        );
        let (kind, body) = page(&site, "/deployments/412346.json").unwrap();
        assert_eq!(
            (kind, body),
            ("application/json", site.manifest.clone().into_bytes())
        );
        let (_, body) = page(&site, "/deployments/index.json").unwrap();
        assert_eq!(body, site.index.clone().into_bytes());
        assert!(page(&site, "/missing.js").is_none());
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn serves_nothing_outside_the_bundle() {
        let root =
            std::env::temp_dir().join(format!("deploy-serve-outside-{}", std::process::id()));
        fs::create_dir_all(&root).unwrap();
        let site = site(root.join("dist"));
        fs::create_dir_all(&site.root).unwrap();
        fs::write(root.join("secret.txt"), "no").unwrap();
        for path in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "//etc/passwd",
            "/.env",
        ] {
            assert!(page(&site, path).is_none(), "{path} was served");
        }
        fs::remove_dir_all(root).unwrap();
    }
}
