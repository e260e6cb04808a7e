//! Reads every program's storage layout from the contracts' source and
//! writes it to the snapshot, or checks it against the committed one.
//!
//! ```text
//! cargo run --release -p stylus-build --bin layout            # write snapshots/storage-layout.json
//! cargo run --release -p stylus-build --bin layout -- --check # CI
//! ```
//!
//! `--check` fails when a program's layout changed other than by appending
//! fields (an upgrade would read existing state from the wrong slots), and
//! when the snapshot is stale; an appended field only needs the snapshot
//! rewritten. Options: `--contracts <dir>`, `--snapshot <file>`.
//!
//! Exits with status 1 on a failed check, 2 on usage or read errors.

use std::process::ExitCode;

use anyhow::{Context, Result};
use stylus_build::{
    cli::CheckOrWrite,
    layout::{appended_only, from_json, read_layouts, to_json},
};

fn run() -> Result<bool> {
    let args = CheckOrWrite::parse(
        std::env::args().skip(1),
        "--snapshot",
        "snapshots/storage-layout.json",
    )?;
    let layouts = read_layouts(&args.contracts)?;
    for (package, fields) in &layouts {
        println!("{package:<26} {:>3} fields", fields.len());
    }
    if args.check {
        let committed = std::fs::read_to_string(&args.output)
            .with_context(|| format!("failed to read {}", args.output.display()))?;
        let committed = from_json(&committed)
            .with_context(|| format!("failed to parse {}", args.output.display()))?;
        let problems = appended_only(&committed, &layouts);
        if !problems.is_empty() {
            eprintln!(
                "error: a storage layout changed other than by appending fields; an upgrade \
                 from the committed layout would misread state:"
            );
            for problem in problems {
                eprintln!("  {problem}");
            }
            return Ok(false);
        }
        if committed != layouts {
            eprintln!(
                "error: {} is stale (fields were appended); run `cargo run --release -p \
                 stylus-build --bin layout` and commit it",
                args.output.display()
            );
            return Ok(false);
        }
        return Ok(true);
    }
    std::fs::write(&args.output, to_json(&layouts))
        .with_context(|| format!("failed to write {}", args.output.display()))?;
    eprintln!("wrote {}", args.output.display());
    Ok(true)
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
