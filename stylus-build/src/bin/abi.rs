//! Exports every contract's ABI into the repository's `abi/` directory: a
//! JSON ABI (`<Contract>.json`) and a Solidity interface (`<Contract>.sol`,
//! `interface I<Contract>`) each.
//!
//! ```text
//! cargo run --release -p stylus-build --bin abi            # write abi/
//! cargo run --release -p stylus-build --bin abi -- --check # compare with it (CI)
//! ```
//!
//! Options: `--contracts <dir>` (default: the repository's `contracts/`),
//! `--out <dir>` (default: the repository's `abi/`).
//!
//! Exits with status 1 when `--check` finds a stale file, 2 on usage or
//! build errors.

use std::{path::PathBuf, process::ExitCode};

use anyhow::{bail, Context, Result};
use stylus_build::{abi_export, default_contracts_dir};

struct Args {
    check: bool,
    contracts: PathBuf,
    out: PathBuf,
}

fn parse_args() -> Result<Args> {
    let contracts = default_contracts_dir();
    let repo = contracts
        .parent()
        .context("contracts directory has no parent")?
        .to_path_buf();
    let mut args = Args {
        check: false,
        contracts,
        out: repo.join("abi"),
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--check" => args.check = true,
            "--contracts" => {
                args.contracts = argv.next().context("--contracts needs a path")?.into()
            }
            "--out" => args.out = argv.next().context("--out needs a path")?.into(),
            other => bail!("unknown argument `{other}` (expected --check, --contracts, --out)"),
        }
    }
    Ok(args)
}

fn run() -> Result<ExitCode> {
    let args = parse_args()?;
    eprintln!("Exporting the contracts' ABI (stylus-sdk export-abi builds) ...");
    let abis = abi_export::export_all(&args.contracts)?;
    for contract in &abis {
        let abi = &contract.abi;
        println!(
            "{:<18} {:>3} functions {:>3} events {:>3} errors",
            contract.name,
            abi.functions().count(),
            abi.events().count(),
            abi.errors().count()
        );
    }
    if args.check {
        let stale = abi_export::stale_files(&args.out, &abis)?;
        if !stale.is_empty() {
            eprintln!(
                "{} is stale: {}\nregenerate it with `cargo run --release -p stylus-build --bin abi`",
                args.out.display(),
                stale.join(", ")
            );
            return Ok(ExitCode::from(1));
        }
        println!("{} is current", args.out.display());
    } else {
        abi_export::write(&args.out, &abis)?;
        println!("wrote {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
