//! The deployment manifest (`deployments/<chain-id>.json`): what is on the
//! chain, how it got there and with which configuration. It is written after
//! every transaction, so an interrupted deployment resumes from it
//! ([`crate::resume`]).

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256, U256};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::{backend::Mined, config_file::ConfigFile};

/// A transaction as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRecord {
    /// Its hash.
    pub hash: B256,
    /// Gas it used.
    pub gas_used: u64,
    /// Wei paid for that gas.
    pub cost_wei: U256,
}

impl From<&Mined> for TxRecord {
    fn from(mined: &Mined) -> Self {
        Self {
            hash: mined.hash,
            gas_used: mined.gas_used,
            cost_wei: mined.cost(),
        }
    }
}

/// One program: where it is and each of its transactions so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramRecord {
    /// Where it lives.
    pub address: Address,
    /// keccak256 of its code (compressed WASM with the Stylus prefix).
    pub code_hash: B256,
    /// Bytes of code.
    pub code_bytes: usize,
    /// The fragment contracts its root lists, in order (ArbOS 60+ programs
    /// over the contract size limit); empty for a program in one contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<Address>,
    /// Stylus version it is activated at, once it is.
    pub stylus_version: Option<u16>,
    /// Data fee paid for its activation (wei; zero when its code hash was
    /// activated already).
    pub data_fee_wei: U256,
    /// The deployer's nonce for the deployment transaction, recorded before
    /// it is sent: `address` follows from it, so a program whose receipt
    /// never came is found there by the next run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_nonce: Option<u64>,
    /// The deployment transaction; `None` while it is sent but its receipt
    /// has not come.
    pub deploy_tx: Option<TxRecord>,
    /// The activation transaction (none when the code hash was activated
    /// already).
    pub activation_tx: Option<TxRecord>,
    /// The caching transaction.
    pub cache_tx: Option<TxRecord>,
    /// The constructor transaction.
    pub constructor_tx: Option<TxRecord>,
}

/// One wiring step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    /// What it does.
    pub step: String,
    /// Its transaction; `None` when it was found in effect without one
    /// (done by an earlier run whose record was lost, or by hand).
    pub tx: Option<TxRecord>,
}

/// The manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The chain.
    pub chain_id: u64,
    /// The account that deployed and wired everything.
    pub deployer: Address,
    /// The protocol's contracts by role (`token`, `vault`, …), once
    /// deployed.
    pub protocol: BTreeMap<String, Address>,
    /// Every program by package name, in the state the last run left it.
    pub programs: BTreeMap<String, ProgramRecord>,
    /// Wiring steps, in order.
    pub wiring: Vec<StepRecord>,
    /// The configuration of the last run.
    pub config: ConfigFile,
    /// Where the ABI files were copied, relative to the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abi: Option<String>,
}

/// The role of each package in [`Manifest::protocol`].
pub const ROLES: &[(&str, &str)] = &[
    ("lrt-token", "token"),
    ("lrt-asset-registry", "assetRegistry"),
    ("lrt-rate-source", "rateSource"),
    ("mock-lst", "lst"),
    ("lrt-operator-registry", "operatorRegistry"),
    ("lrt-vault", "vault"),
    ("lrt-delegation", "delegation"),
    ("lrt-withdrawal-queue", "withdrawalQueue"),
    ("lrt-rate-provider", "rateProvider"),
];

impl Manifest {
    /// An empty manifest.
    pub fn new(chain_id: u64, deployer: Address, config: ConfigFile) -> Self {
        Self {
            chain_id,
            deployer,
            protocol: BTreeMap::new(),
            programs: BTreeMap::new(),
            wiring: Vec::new(),
            config,
            abi: None,
        }
    }

    /// `deployments/<chain-id>.json` under `dir`.
    pub fn default_path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads the manifest at `path`, `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let manifest = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a deployment manifest", path.display()))?;
        Ok(Some(manifest))
    }

    /// The manifest at `path` if it is one of `chain_id` by `deployer`, a new
    /// one when there is none.
    pub fn load_for(
        path: &Path,
        chain_id: u64,
        deployer: Address,
        config: ConfigFile,
    ) -> Result<Self> {
        let Some(mut manifest) = Self::load(path)? else {
            return Ok(Self::new(chain_id, deployer, config));
        };
        if manifest.chain_id != chain_id {
            bail!(
                "{} is a manifest of chain {}, the endpoint is chain {chain_id}",
                path.display(),
                manifest.chain_id
            );
        }
        if manifest.deployer != deployer {
            bail!(
                "{} was deployed by {}, not by this key's {deployer}: its contracts' admin is the other account",
                path.display(),
                manifest.deployer
            );
        }
        manifest.config = config;
        Ok(manifest)
    }

    /// Writes the manifest to `path`, through a temporary file so an
    /// interruption never leaves half a manifest.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        self.protocol = ROLES
            .iter()
            .filter_map(|(package, role)| {
                let record = self.programs.get(*package)?;
                Some((role.to_string(), record.address))
            })
            .collect();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(self)? + "\n";
        let partial = path.with_extension("json.partial");
        fs::write(&partial, json).with_context(|| format!("writing {}", partial.display()))?;
        fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// Records a wiring step, replacing an earlier record of the same step.
    pub fn record_step(&mut self, what: &str, tx: Option<&Mined>) {
        let tx = tx.map(TxRecord::from);
        match self.wiring.iter_mut().find(|s| s.step == what) {
            // A step found in effect keeps the transaction that did it.
            Some(record) => {
                if tx.is_some() {
                    record.tx = tx;
                }
            }
            None => self.wiring.push(StepRecord {
                step: what.to_string(),
                tx,
            }),
        }
    }

    /// Gas and wei of every recorded transaction.
    pub fn totals(&self) -> (u64, U256) {
        let programs = self.programs.values().flat_map(|p| {
            [
                &p.deploy_tx,
                &p.activation_tx,
                &p.cache_tx,
                &p.constructor_tx,
            ]
            .into_iter()
            .flatten()
        });
        let steps = self.wiring.iter().filter_map(|s| s.tx.as_ref());
        programs
            .chain(steps)
            .fold((0, U256::ZERO), |(gas, wei), tx| {
                (gas + tx.gas_used, wei + tx.cost_wei)
            })
    }
}

/// Copies `abi_dir/*.json` into `<manifest dir>/<chain-id>/abi/` and returns
/// that directory relative to the manifest's, or `None` when `abi_dir`
/// does not exist.
pub fn copy_abi(abi_dir: &Path, manifest_path: &Path, chain_id: u64) -> Result<Option<String>> {
    if !abi_dir.is_dir() {
        return Ok(None);
    }
    let relative = format!("{chain_id}/abi");
    let target = manifest_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&relative);
    fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
    for entry in fs::read_dir(abi_dir).with_context(|| format!("reading {}", abi_dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().expect("a file has a name");
            fs::copy(&path, target.join(name))
                .with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(Some(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("deploy-manifest-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn mined(gas_used: u64) -> Mined {
        Mined {
            hash: B256::repeat_byte(gas_used as u8),
            status: true,
            gas_used,
            effective_gas_price: 100,
            contract_address: None,
            logs: Vec::new(),
        }
    }

    #[test]
    fn saves_loads_and_refuses_another_chain_or_deployer() {
        let dir = scratch_dir("roundtrip");
        let path = Manifest::default_path(&dir, 7);
        let deployer = Address::with_last_byte(9);
        assert!(Manifest::load(&path).unwrap().is_none());
        let mut manifest = Manifest::new(7, deployer, ConfigFile::default());
        manifest.programs.insert(
            "lrt-vault".into(),
            ProgramRecord {
                address: Address::with_last_byte(1),
                code_hash: B256::repeat_byte(2),
                code_bytes: 3,
                fragments: Vec::new(),
                stylus_version: Some(2),
                data_fee_wei: U256::from(4),
                deploy_nonce: Some(5),
                deploy_tx: Some(TxRecord::from(&mined(10))),
                activation_tx: None,
                cache_tx: None,
                constructor_tx: None,
            },
        );
        manifest.record_step("link", Some(&mined(20)));
        manifest.save(&path).unwrap();
        assert_eq!(manifest.protocol["vault"], Address::with_last_byte(1));

        let back = Manifest::load_for(&path, 7, deployer, ConfigFile::default()).unwrap();
        assert_eq!(back, manifest);
        assert_eq!(back.totals(), (30, U256::from(3_000)));
        assert!(Manifest::load_for(&path, 8, deployer, ConfigFile::default()).is_err());
        assert!(Manifest::load_for(&path, 7, Address::ZERO, ConfigFile::default()).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_step_found_in_effect_keeps_its_recorded_transaction() {
        let mut manifest = Manifest::new(1, Address::ZERO, ConfigFile::default());
        manifest.record_step("grant", Some(&mined(5)));
        manifest.record_step("grant", None);
        manifest.record_step("fee", None);
        assert_eq!(manifest.wiring.len(), 2);
        assert_eq!(manifest.wiring[0].tx.as_ref().unwrap().gas_used, 5);
        assert!(manifest.wiring[1].tx.is_none());
    }

    #[test]
    fn abi_files_are_copied_only_when_the_directory_exists() {
        let dir = scratch_dir("abi");
        let manifest_path = dir.join("deployments/5.json");
        assert_eq!(copy_abi(&dir.join("abi"), &manifest_path, 5).unwrap(), None);
        fs::create_dir_all(dir.join("abi")).unwrap();
        fs::write(dir.join("abi/Vault.json"), "[]").unwrap();
        fs::write(dir.join("abi/README.md"), "not an ABI").unwrap();
        let copied = copy_abi(&dir.join("abi"), &manifest_path, 5).unwrap();
        assert_eq!(copied.as_deref(), Some("5/abi"));
        assert!(dir.join("deployments/5/abi/Vault.json").is_file());
        assert!(!dir.join("deployments/5/abi/README.md").exists());
        fs::remove_dir_all(dir).unwrap();
    }
}
