//! Builds every contract, prepares and compresses it, and prints its sizes
//! against Stylus's limits.
//!
//! ```text
//! cargo run --release -p stylus-build --bin sizes            # write snapshots/sizes.json
//! cargo run --release -p stylus-build --bin sizes -- --check # compare with it (CI)
//! ```
//!
//! Options: `--contracts <dir>` (default: the repository's `contracts/`),
//! `--snapshot <file>` (default: the repository's `snapshots/sizes.json`).
//!
//! Warns about operators Nitro accepts but prices out of reach (floats and
//! the like), which are fine only when unreachable.
//!
//! Exits with status 1 when a contract is over the size budget, or, with
//! `--check`, when the snapshot differs from the build; 2 on usage or build
//! errors.

use std::process::ExitCode;

use anyhow::{Context, Result};
use stylus_build::{build_all, cli::CheckOrWrite, unpriced_operators, Deployable, Sizes};

fn run() -> Result<bool> {
    let args = CheckOrWrite::parse(
        std::env::args().skip(1),
        "--snapshot",
        "snapshots/sizes.json",
    )?;
    let deployables = build_all(&args.contracts)?
        .iter()
        .map(Deployable::from_contract)
        .collect::<Result<Vec<_>>>()?;
    let sizes = Sizes::measure(&deployables);
    print!("{}", sizes.table());

    for deployable in &deployables {
        let unpriced = unpriced_operators(&deployable.wasm)?;
        if !unpriced.is_empty() {
            let uses: Vec<String> = unpriced
                .iter()
                .map(|u| format!("{} x{} in function {}", u.operator, u.count, u.function))
                .collect();
            eprintln!(
                "warning: {}: operators Nitro prices at u64::MAX ink (any call reaching them \
                 runs out of gas): {}",
                deployable.name,
                uses.join(", ")
            );
        }
    }

    let mut ok = true;
    for (name, reason) in sizes.violations() {
        eprintln!("error: {name}: {reason}");
        ok = false;
    }

    if args.check {
        let committed = std::fs::read_to_string(&args.output)
            .with_context(|| format!("failed to read {}", args.output.display()))?;
        let committed = Sizes::from_json(&committed)
            .with_context(|| format!("failed to parse {}", args.output.display()))?;
        let diff = sizes.diff(&committed);
        if !diff.is_empty() {
            eprintln!(
                "error: {} is stale; run `cargo run --release -p stylus-build --bin sizes` and commit it:",
                args.output.display()
            );
            for line in diff {
                eprintln!("  {line}");
            }
            ok = false;
        }
    } else {
        if let Some(dir) = args.output.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        std::fs::write(&args.output, sizes.to_json())
            .with_context(|| format!("failed to write {}", args.output.display()))?;
        eprintln!("wrote {}", args.output.display());
    }
    Ok(ok)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
