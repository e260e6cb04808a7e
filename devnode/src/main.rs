//! `devnode`: runs the local Stylus devnode and serves JSON-RPC until Ctrl-C.

use alloy_primitives::U256;
use devnode::{config, Devnode, DevnodeConfig};
use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: devnode [OPTIONS]

Options:
  --host <IP>           address to listen on [default: 127.0.0.1]
  --port <PORT>         port to listen on, 0 for any free port [default: 8547]
  --chain-id <ID>       chain id [default: 412346]
  --accounts <N>        extra funded accounts derived from the mnemonic [default: 10]
  --mnemonic <WORDS>    mnemonic of the extra accounts [default: test test ... junk]
  --balance <ETH>       balance of every funded account, in ether [default: 10000]
  --arbos-version <V>   ArbOS version to run: 50, 51 or 61 [default: 51]
  --block-time <S>      also mine a block every S seconds [default: only on each transaction]
  --no-mining           do not mine on each transaction (pool them for evm_mine or --block-time)
  -h, --help            print this help";

/// How blocks are mined besides on request.
struct Mining {
    /// Mine on every transaction (automine).
    automine: bool,
    /// Also mine a block every this many seconds.
    block_time: Option<u64>,
}

fn parse_args(args: &[String]) -> Result<(SocketAddr, DevnodeConfig, Mining), String> {
    let mut config = DevnodeConfig::default();
    let mut mining = Mining {
        automine: true,
        block_time: None,
    };
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 8547;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let mut value = || {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => host = value()?,
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--chain-id" => {
                config.chain_id = value()?.parse().map_err(|e| format!("--chain-id: {e}"))?
            }
            "--accounts" => {
                config.accounts = value()?.parse().map_err(|e| format!("--accounts: {e}"))?
            }
            "--mnemonic" => config.mnemonic = value()?,
            "--balance" => {
                let ether: u64 = value()?.parse().map_err(|e| format!("--balance: {e}"))?;
                config.balance = U256::from(ether) * U256::from(10u64).pow(U256::from(18u64));
            }
            "--arbos-version" => {
                config.arbos_version = value()?
                    .parse()
                    .map_err(|e| format!("--arbos-version: {e}"))?
            }
            "--block-time" => {
                let seconds: u64 = value()?.parse().map_err(|e| format!("--block-time: {e}"))?;
                if seconds == 0 {
                    return Err("--block-time must be at least 1 second".into());
                }
                mining.block_time = Some(seconds);
            }
            "--no-mining" => mining.automine = false,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let addr = format!("{host}:{port}")
        .parse()
        .map_err(|e| format!("invalid address {host}:{port}: {e}"))?;
    Ok((addr, config, mining))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (addr, config, mining) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let mut node = match Devnode::try_new(config) {
            Ok(node) => node,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
        node.set_automine(mining.automine);
        let chain_id = node.chain_id();
        let arbos_version = node.config().arbos_version;
        let accounts = node.accounts();
        let server = match devnode::serve(node, addr).await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("error: cannot listen on {addr}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let miner = mining.block_time.map(|seconds| {
            devnode::rpc::mine_every(server.node(), std::time::Duration::from_secs(seconds))
        });
        println!("Stylus devnode listening on {}", server.url());
        println!("chain id {chain_id}, {arbos_version}");
        println!(
            "dev account {} (private key {}: public, local use only)",
            config::DEV_ACCOUNT,
            config::DEV_PRIVATE_KEY
        );
        for (index, account) in accounts.iter().enumerate().skip(1) {
            println!("account {index}: {account}");
        }
        devnode::rpc::wait_for_stop_signal().await;
        if let Some(miner) = miner {
            miner.abort();
        }
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_arbos_version_defaults_to_51_and_takes_50_51_or_61() {
        let (_, config, _) = parse_args(&[]).unwrap();
        assert_eq!(config.arbos_version.number(), 51);
        for version in ["50", "51", "61"] {
            let (_, config, _) = parse_args(&args(&["--arbos-version", version])).unwrap();
            assert_eq!(config.arbos_version.number().to_string(), version);
        }
        let error = parse_args(&args(&["--arbos-version", "60"]))
            .err()
            .expect("refused");
        assert!(error.contains("50, 51, 61"), "{error}");
    }
}
