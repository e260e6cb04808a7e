//! Building the contracts workspace (`contracts/`) to WASM.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use crate::toolchain::{ensure_wasm_target, WASM_TARGET};

/// Members of the contracts workspace that are libraries shared by the
/// contracts, not contracts: their directory names under `contracts/`.
///
/// This is the one list to extend when a new shared library crate is added.
/// A member can also opt out from its own manifest with
///
/// ```toml
/// [package.metadata.stylus-build]
/// deploy = false
/// ```
pub const NON_CONTRACT_MEMBERS: &[&str] = &["common"];

/// A contract compiled to WASM, as rustc and wasm-ld emitted it (not yet
/// [prepared](crate::prepare_wasm)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// The contract's stable name in manifests and size reports: its Cargo
    /// package name, e.g. `lrt-token`.
    pub name: String,
    /// The Cargo package it is built from (the `-p` argument).
    pub package: String,
    /// Where cargo wrote the module.
    pub wasm_path: PathBuf,
    /// The module's bytes.
    pub wasm: Vec<u8>,
}

/// The `contracts/` workspace next to this crate in the repository, for
/// tools run from a checkout.
pub fn default_contracts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("stylus-build lives inside the repository")
        .join("contracts")
}

/// The packages of the contracts workspace that are deployable contracts,
/// sorted by name.
///
/// A deployable contract is a workspace member with a library target, unless
/// its directory is listed in [`NON_CONTRACT_MEMBERS`] or its manifest sets
/// `package.metadata.stylus-build.deploy = false`.
pub fn deployable_packages(contracts_dir: &Path) -> Result<Vec<String>> {
    let metadata = workspace_metadata(contracts_dir)?;
    let mut packages: Vec<String> = metadata
        .members()
        .filter(|package| package.is_deployable())
        .map(|package| package.name.clone())
        .collect();
    packages.sort();
    Ok(packages)
}

/// Compiles `package` of the contracts workspace at `contracts_dir` to a
/// release WASM module and returns its path
/// (`<target-dir>/wasm32-unknown-unknown/release/<crate_name>.wasm`).
///
/// Runs
/// `cargo rustc --release --lib --target wasm32-unknown-unknown -p <package> --crate-type cdylib`
/// in `contracts_dir`, so the workspace's release profile, its
/// `.cargo/config.toml` and its `rust-toolchain.toml` (if any) apply. The
/// crate type is given on the command line rather than declared as
/// `["lib", "cdylib"]` in the manifests because declaring both disables LTO
/// for the cdylib and about doubles the program.
///
/// Cargo's progress and compiler diagnostics go to this process's stderr.
pub fn build_contract(contracts_dir: &Path, package: &str) -> Result<PathBuf> {
    ensure_wasm_target(contracts_dir)?;
    let manifest = contracts_dir.join("Cargo.toml");
    let mut command = Command::new("cargo");
    command
        .current_dir(contracts_dir)
        .args(["rustc", "--release", "--lib", "--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["-p", package, "--crate-type", "cdylib"]);
    // The artifact's path comes from cargo's own report, so a target
    // directory moved by CARGO_TARGET_DIR or a config file is honoured.
    // Dependencies are rlibs; the only `.wasm` is the cdylib of `package`.
    let wasm = cargo_artifacts(command)
        .with_context(|| {
            format!(
                "building contract `{package}` in {}",
                contracts_dir.display()
            )
        })?
        .into_iter()
        .flat_map(|artifact| artifact.filenames)
        .find(|file| file.ends_with(".wasm"));
    let wasm = wasm.ok_or_else(|| {
        anyhow!("cargo built `{package}` but reported no .wasm artifact; is it a library crate?")
    })?;
    Ok(PathBuf::from(wasm))
}

/// Builds every [deployable](deployable_packages) contract and reads its
/// module, in name order.
pub fn build_all(contracts_dir: &Path) -> Result<Vec<Contract>> {
    let packages = deployable_packages(contracts_dir)?;
    if packages.is_empty() {
        bail!("no deployable contracts in {}", contracts_dir.display());
    }
    packages
        .into_iter()
        .map(|package| {
            let wasm_path = build_contract(contracts_dir, &package)?;
            let wasm = std::fs::read(&wasm_path)
                .with_context(|| format!("failed to read {}", wasm_path.display()))?;
            Ok(Contract {
                name: package.clone(),
                package,
                wasm_path,
                wasm,
            })
        })
        .collect()
}

fn workspace_metadata(contracts_dir: &Path) -> Result<Metadata> {
    let output = Command::new("cargo")
        .current_dir(contracts_dir)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .arg("--manifest-path")
        .arg(contracts_dir.join("Cargo.toml"))
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed for {} ({})",
            contracts_dir.display(),
            output.status
        );
    }
    serde_json::from_slice(&output.stdout).context("failed to parse cargo metadata's output")
}

/// What cargo reports of one compiled target (`compiler-artifact`).
#[derive(Debug, Deserialize)]
pub(crate) struct Artifact {
    /// The target: its name and kinds (`lib`, `bin`, `cdylib`, …).
    pub target: ArtifactTarget,
    /// The files it produced.
    #[serde(default)]
    pub filenames: Vec<String>,
    /// The executable, for a binary.
    pub executable: Option<String>,
}

/// The target of an [`Artifact`].
#[derive(Debug, Deserialize)]
pub(crate) struct ArtifactTarget {
    pub name: String,
    pub kind: Vec<String>,
}

#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(flatten)]
    artifact: Option<Artifact>,
}

/// Runs `command` (a cargo build), passing its diagnostics through, and
/// returns the artifacts it reports; fails if the build fails.
pub(crate) fn cargo_artifacts(mut command: Command) -> Result<Vec<Artifact>> {
    let mut child = command
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("failed to run cargo")?;
    let mut artifacts = Vec::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.context("failed to read cargo's output")?;
        let Ok(message) = serde_json::from_str::<CargoMessage>(&line) else {
            continue;
        };
        if message.reason == "compiler-artifact" {
            artifacts.extend(message.artifact);
        }
    }
    let status = child.wait().context("failed to wait for cargo")?;
    if !status.success() {
        bail!("cargo failed ({status})");
    }
    Ok(artifacts)
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
}

impl Metadata {
    fn members(&self) -> impl Iterator<Item = &Package> {
        self.packages
            .iter()
            .filter(|package| self.workspace_members.contains(&package.id))
    }
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

impl Package {
    fn is_deployable(&self) -> bool {
        let dir = self
            .manifest_path
            .parent()
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        let opted_out = self
            .metadata
            .as_ref()
            .and_then(|m| m.pointer("/stylus-build/deploy"))
            .and_then(serde_json::Value::as_bool)
            == Some(false);
        let has_lib = self
            .targets
            .iter()
            .any(|t| t.kind.iter().any(|k| k == "lib" || k == "cdylib"));
        has_lib && !opted_out && !NON_CONTRACT_MEMBERS.contains(&dir)
    }
}

#[derive(Deserialize)]
struct Target {
    kind: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(dir: &str, kinds: &[&str], metadata: Option<serde_json::Value>) -> Package {
        Package {
            id: format!("path+file:///repo/contracts/{dir}#0.1.0"),
            name: format!("lrt-{dir}"),
            manifest_path: PathBuf::from(format!("/repo/contracts/{dir}/Cargo.toml")),
            targets: vec![Target {
                kind: kinds.iter().map(|k| k.to_string()).collect(),
            }],
            metadata,
        }
    }

    #[test]
    fn deployable_rule() {
        assert!(package("token", &["lib"], None).is_deployable());
        assert!(package("vault", &["cdylib", "lib"], None).is_deployable());
        assert!(!package("common", &["lib"], None).is_deployable());
        assert!(!package("tool", &["bin"], None).is_deployable());
        let opt_out = serde_json::json!({"stylus-build": {"deploy": false}});
        assert!(!package("helper", &["lib"], Some(opt_out)).is_deployable());
        let opt_in = serde_json::json!({"stylus-build": {"deploy": true}});
        assert!(package("oracle", &["lib"], Some(opt_in)).is_deployable());
    }

    #[test]
    fn metadata_members_excludes_non_members() {
        let json = serde_json::json!({
            "packages": [
                {"id": "a", "name": "lrt-a", "manifest_path": "/c/a/Cargo.toml",
                 "targets": [{"kind": ["lib"], "name": "lrt_a"}], "metadata": null},
                {"id": "dep", "name": "dep", "manifest_path": "/x/dep/Cargo.toml",
                 "targets": [{"kind": ["lib"], "name": "dep"}]}
            ],
            "workspace_members": ["a"]
        });
        let metadata: Metadata = serde_json::from_value(json).unwrap();
        let names: Vec<_> = metadata.members().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["lrt-a"]);
    }
}
