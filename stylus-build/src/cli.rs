//! The command line shared by the `sizes` and `abi` binaries: each writes
//! one output from the contracts workspace, or with `--check` compares it.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::default_contracts_dir;

/// `[--check] [--contracts <dir>] [<output flag> <path>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOrWrite {
    /// Compare with the committed output instead of writing it.
    pub check: bool,
    /// The contracts workspace (default: the repository's `contracts/`).
    pub contracts: PathBuf,
    /// Where the output goes (default: `default_output` under the
    /// repository root).
    pub output: PathBuf,
}

impl CheckOrWrite {
    /// Parses `args` (without the program name) for a binary whose output
    /// is named by `output_flag` (e.g. `--out`) and defaults to
    /// `default_output`, relative to the repository root.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        output_flag: &str,
        default_output: &str,
    ) -> Result<Self> {
        let contracts = default_contracts_dir();
        let repo = contracts
            .parent()
            .context("contracts directory has no parent")?
            .to_path_buf();
        let mut parsed = Self {
            check: false,
            contracts,
            output: repo.join(default_output),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "-h" | "--help" => {
                    println!("options: [--check] [--contracts <dir>] [{output_flag} <path>]");
                    std::process::exit(0);
                }
                "--contracts" => {
                    parsed.contracts = args.next().context("--contracts needs a path")?.into()
                }
                flag if flag == output_flag => {
                    parsed.output = args
                        .next()
                        .with_context(|| format!("{output_flag} needs a path"))?
                        .into()
                }
                other => bail!(
                    "unknown argument `{other}` (expected --check, --contracts <dir>, {output_flag} <path>)"
                ),
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<CheckOrWrite> {
        CheckOrWrite::parse(args.iter().map(|a| a.to_string()), "--out", "abi")
    }

    #[test]
    fn defaults_to_the_repository_and_writing() {
        let parsed = parse(&[]).unwrap();
        assert!(!parsed.check);
        assert_eq!(parsed.contracts, default_contracts_dir());
        assert_eq!(
            parsed.output,
            default_contracts_dir().parent().unwrap().join("abi")
        );
    }

    #[test]
    fn reads_every_flag_and_refuses_others() {
        let parsed = parse(&["--check", "--contracts", "/c", "--out", "/o"]).unwrap();
        assert_eq!(
            parsed,
            CheckOrWrite {
                check: true,
                contracts: "/c".into(),
                output: "/o".into(),
            }
        );
        assert!(parse(&["--out"])
            .unwrap_err()
            .to_string()
            .contains("--out needs a path"));
        assert!(parse(&["--snapshot", "x"])
            .unwrap_err()
            .to_string()
            .contains("unknown argument `--snapshot`"));
    }
}
