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

use std::process::ExitCode;

use anyhow::Result;
use stylus_build::{abi_export, cli::CheckOrWrite};

fn run() -> Result<ExitCode> {
    let args = CheckOrWrite::parse(std::env::args().skip(1), "--out", "abi")?;
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
        let stale = abi_export::stale_files(&args.output, &abis)?;
        if !stale.is_empty() {
            eprintln!(
                "{} is stale: {}\nregenerate it with `cargo run --release -p stylus-build --bin abi`",
                args.output.display(),
                stale.join(", ")
            );
            return Ok(ExitCode::from(1));
        }
        println!("{} is current", args.output.display());
    } else {
        abi_export::write(&args.output, &abis)?;
        println!("wrote {}", args.output.display());
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
