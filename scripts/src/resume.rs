//! A deployment that resumes from its manifest: what an earlier run left on
//! the chain is reused, what is missing is done, and the manifest is written
//! after every transaction.
//!
//! - A program recorded in the manifest is reused when the chain has code at
//!   its address and that code's hash is the build's (for a fragmented
//!   program: the root over the recorded fragments, each holding its chunk
//!   of the build); otherwise it is deployed anew.
//! - Activation is skipped when ArbWasm answers `ProgramUpToDate` for it,
//!   caching when ArbWasmCache says its code hash is cached, construction
//!   when the constructor was recorded or the program shows it ran (an admin
//!   is set, or for the admin-less mock LST a symbol).
//! - A wiring step is skipped when the chain's state already shows it: the
//!   role is held, the link or the delegation is set, the fee is the one
//!   configured, the asset is listed, the operator is known, the admin
//!   transfer is started or done.

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, bail, Context, Result};
use stylus_build::Deployable;

use crate::{
    abi::{
        IArbWasmCache, IAssetRegistry, IErc20, IOperatorRegistry, IRateProvider, IRoles, IVault,
        IWithdrawalQueue, ARB_WASM_CACHE, CONSTRUCTOR_SELECTOR,
    },
    backend::{Backend, Mined},
    client::{dry_run, request, view, TxError},
    config_file::ConfigFile,
    fragments,
    manifest::{Manifest, ProgramRecord, TxRecord},
    programs::{
        activate, cache, construct, deploy_code_fragmented, Activation, Artifacts, Program,
    },
    protocol::{deploy_protocol_with, Config, Deployment, Journal},
};

/// Deploys and wires the protocol on `backend`, resuming from the manifest
/// at `manifest_path` when there is one and writing it after every
/// transaction. Returns the deployment (programs reused from an earlier run
/// carry the transactions the manifest recorded for them, without logs) and
/// the final manifest.
pub fn deploy_resuming(
    backend: &mut impl Backend,
    artifacts: &Artifacts,
    config: &Config,
    manifest_path: &Path,
) -> Result<(Deployment, Manifest)> {
    let chain_id = backend.chain_id()?;
    let mut manifest = Manifest::load_for(
        manifest_path,
        chain_id,
        config.deployer,
        ConfigFile::recorded(config),
    )?;
    manifest.save(manifest_path)?;
    let mut journal = ManifestJournal {
        manifest: &mut manifest,
        path: manifest_path.to_path_buf(),
    };
    let deployment = deploy_protocol_with(backend, artifacts, config, &mut journal)?;
    manifest.save(manifest_path)?;
    Ok((deployment, manifest))
}

/// The [`Journal`] of a resumable deployment.
pub struct ManifestJournal<'a> {
    /// The manifest being brought up to date.
    pub manifest: &'a mut Manifest,
    /// Where it is written.
    pub path: PathBuf,
}

impl ManifestJournal<'_> {
    fn save(&mut self, package: &str, record: &ProgramRecord) -> Result<()> {
        self.manifest
            .programs
            .insert(package.to_string(), record.clone());
        self.manifest.save(&self.path)
    }

    /// The recorded program, if the chain has its code. A deployment sent
    /// by an earlier run whose receipt never came is found at the address
    /// its nonce gives; one still waiting to be mined stops the run, since
    /// deploying again would leave two copies.
    fn reusable(
        &mut self,
        backend: &mut dyn Backend,
        from: Address,
        package: &str,
        program: &Deployable,
    ) -> Result<Option<ProgramRecord>> {
        let Some(record) = self.manifest.programs.get(package) else {
            return Ok(None);
        };
        let code = backend.code(record.address)?;
        let code_hash = keccak256(fragments::program_code(program, &record.fragments));
        let fragments_in_place = match fragments::fragment_codes(program) {
            None => record.fragments.is_empty(),
            Some(codes) => {
                let mut in_place = codes.len() == record.fragments.len();
                for (address, built) in record.fragments.iter().zip(&codes) {
                    in_place &= backend.code(*address)?.as_ref() == built.as_slice();
                }
                in_place
            }
        };
        if !code.is_empty() && keccak256(&code) == code_hash && fragments_in_place {
            return Ok(Some(record.clone()));
        }
        let why = match (record.deploy_tx.is_none(), record.deploy_nonce) {
            (true, Some(nonce)) if code.is_empty() => {
                let nonces = backend.nonces(from)?;
                if nonces.mined <= nonce && nonce < nonces.next {
                    bail!(
                        "`{package}`: its deployment (nonce {nonce}, to {}) was sent and is not mined yet; \
                         run again once it is mined or dropped",
                        record.address
                    );
                }
                if nonces.mined > nonce {
                    "was not created by the transaction with its nonce"
                } else {
                    "was never mined"
                }
            }
            _ if code.is_empty() => "has no code on chain",
            _ => "holds other code than this build",
        };
        progress(format!(
            "  {package}: the recorded {} {why}; deploying it anew\n",
            record.address
        ));
        Ok(None)
    }
}

impl Journal for ManifestJournal<'_> {
    fn program(
        &mut self,
        mut backend: &mut dyn Backend,
        from: Address,
        package: &str,
        program: &Deployable,
        constructor_args: &[u8],
        cache_it: bool,
    ) -> Result<Program> {
        let fragment_count = fragments::fragment_count(program);
        if fragment_count > 0 {
            fragments::check_deployable(program, fragments::arbos_version(&mut backend)?)?;
        }
        let mut deploy_tx = None;
        let mut fragment_txs = Vec::new();
        let mut record = match self.reusable(backend, from, package, program)? {
            Some(record) => {
                progress(format!("  {package}: reusing {}\n", record.address));
                record
            }
            None => {
                // Recorded before sending: should the receipt never come,
                // the next run looks for the program where this nonce puts it.
                // A fragmented program's fragments take the nonces before its root's.
                let first_nonce = backend.nonces(from)?.next;
                let (predicted_fragments, address) =
                    fragments::predicted_addresses(from, first_nonce, fragment_count);
                let nonce = first_nonce + fragment_count as u64;
                let mut record = ProgramRecord {
                    address,
                    code_hash: keccak256(fragments::program_code(program, &predicted_fragments)),
                    code_bytes: program.code.len(),
                    fragments: predicted_fragments,
                    stylus_version: None,
                    data_fee_wei: U256::ZERO,
                    deploy_nonce: Some(nonce),
                    deploy_tx: None,
                    activation_tx: None,
                    cache_tx: None,
                    constructor_tx: None,
                };
                self.save(package, &record)?;
                let layout = if fragment_count > 0 {
                    format!(" as {fragment_count} fragments and a root")
                } else {
                    String::new()
                };
                progress(format!(
                    "  {package}: deploying {} bytes{layout} ... ",
                    program.code.len()
                ));
                let deployed = deploy_code_fragmented(&mut backend, from, program)?;
                let (address, mined) = (deployed.address, deployed.mined);
                let fragment_addresses: Vec<Address> =
                    deployed.fragments.iter().map(|(a, _)| *a).collect();
                if fragment_addresses != record.fragments {
                    record.fragments = fragment_addresses;
                    record.code_hash = keccak256(&deployed.code);
                }
                fragment_txs = deployed.fragments;
                if address != record.address {
                    // Another sender with the same key took the nonce first.
                    progress(format!(
                        "(created at {address}, not at {} where nonce {nonce} puts it) ",
                        record.address
                    ));
                    record.address = address;
                    record.deploy_nonce = None;
                }
                let code_hash = record.code_hash;
                let on_chain = keccak256(backend.code(address)?);
                if on_chain != code_hash {
                    bail!("`{package}` at {address}: code hash {on_chain} on chain, {code_hash} built");
                }
                progress(format!("{address} ({} gas)\n", mined.gas_used));
                record.deploy_tx = Some(TxRecord::from(&mined));
                deploy_tx = Some(mined);
                self.save(package, &record)?;
                record
            }
        };
        let address = record.address;
        let code_hash = record.code_hash;

        progress(format!("  {package}: activation ... "));
        let activation = activate(&mut backend, from, address)
            .with_context(|| format!("program `{package}`"))?;
        match &activation.tx {
            Some(tx) => {
                progress(format!(
                    "activated at Stylus version {}, data fee {} wei ({} gas)\n",
                    activation.version, activation.data_fee, tx.gas_used
                ));
                record.data_fee_wei = activation.data_fee;
                record.activation_tx = Some(TxRecord::from(tx));
            }
            None => progress(format!(
                "already active at Stylus version {}\n",
                activation.version
            )),
        }
        record.stylus_version = Some(activation.version);
        self.save(package, &record)?;

        let mut cache_tx = None;
        if cache_it {
            let cached = view(
                &mut backend,
                ARB_WASM_CACHE,
                &IArbWasmCache::codehashIsCachedCall {
                    codehash: code_hash,
                },
            )
            .map_err(|e| anyhow!("`{package}`: reading its cache state: {e}"))?;
            if !cached {
                progress(format!("  {package}: caching\n"));
                let mined = cache(&mut backend, from, address)?;
                record.cache_tx = Some(TxRecord::from(&mined));
                cache_tx = Some(mined);
                self.save(package, &record)?;
            }
        }

        let mut constructor_tx = None;
        if record.constructor_tx.is_none() {
            let mut data = CONSTRUCTOR_SELECTOR.to_vec();
            data.extend_from_slice(constructor_args);
            match dry_run(
                &mut backend,
                &request(from, Some(address), U256::ZERO, data),
            ) {
                Ok(_) => {
                    progress(format!("  {package}: constructing\n"));
                    let mined = construct(&mut backend, from, address, constructor_args)
                        .map_err(|e| anyhow!("constructing `{package}`: {e}"))?;
                    record.constructor_tx = Some(TxRecord::from(&mined));
                    constructor_tx = Some(mined);
                    self.save(package, &record)?;
                }
                // The constructor runs once: a program that refuses it and
                // shows its state was constructed, by an earlier run whose
                // receipt came too late to be recorded, or by someone else
                // (the protocol's admin read-back tells which).
                Err(TxError::Reverted(_)) if constructed(&mut backend, address)? => {
                    progress(format!("  {package}: constructed already\n"));
                }
                Err(error) => bail!("constructing `{package}`: {error}"),
            }
        }

        let recorded = |tx: Option<Mined>, record: &Option<TxRecord>| {
            tx.or_else(|| record.as_ref().map(mined_from_record))
        };
        Ok(Program {
            name: package.to_string(),
            address,
            code_hash,
            code_bytes: record.code_bytes,
            // Fragments reused from an earlier run have no receipts here.
            fragments: fragment_txs,
            deploy_tx: recorded(deploy_tx, &record.deploy_tx).unwrap_or_else(unrecorded),
            activation: Activation {
                version: activation.version,
                data_fee: record.data_fee_wei,
                tx: recorded(activation.tx, &record.activation_tx),
            },
            cache_tx: recorded(cache_tx, &record.cache_tx),
            constructor_tx: recorded(constructor_tx, &record.constructor_tx)
                .unwrap_or_else(unrecorded),
        })
    }

    fn in_effect(
        &mut self,
        mut backend: &mut dyn Backend,
        what: &str,
        to: Address,
        data: &[u8],
    ) -> Result<bool> {
        let in_effect = wiring_in_effect(&mut backend, to, data)
            .with_context(|| format!("reading whether `{what}` is in effect"))?;
        if in_effect {
            progress(format!("  in effect already: {what}\n"));
        } else {
            progress(format!("  {what}\n"));
        }
        Ok(in_effect)
    }

    fn wired(&mut self, what: &str, tx: Option<&Mined>) -> Result<()> {
        self.manifest.record_step(what, tx);
        self.manifest.save(&self.path)
    }
}

/// Whether the program at `address` was constructed: it has an admin, or
/// (the rate provider, which has none) a vault, or (the mock LST) a symbol.
fn constructed(backend: &mut impl Backend, address: Address) -> Result<bool> {
    if let Ok(admin) = view(backend, address, &IRoles::adminCall {}) {
        return Ok(admin != Address::ZERO);
    }
    if let Ok(vault) = view(backend, address, &IRateProvider::vaultCall {}) {
        return Ok(vault != Address::ZERO);
    }
    Ok(view(backend, address, &IErc20::symbolCall {}).is_ok_and(|symbol| !symbol.is_empty()))
}

/// Whether the wiring call `data` on `to` is already in effect, read from
/// the contracts' state.
pub fn wiring_in_effect(backend: &mut impl Backend, to: Address, data: &[u8]) -> Result<bool> {
    fn read<C: SolCall>(backend: &mut impl Backend, to: Address, call: &C) -> Result<C::Return> {
        view(backend, to, call).map_err(|e| anyhow!("{}: {e}", C::SIGNATURE))
    }
    let selector: [u8; 4] = data
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| anyhow!("a call without a selector"))?;
    Ok(match selector {
        IRoles::grantRoleCall::SELECTOR => {
            let call = IRoles::grantRoleCall::abi_decode(data)?;
            let has = IRoles::hasRoleCall {
                role: call.role,
                account: call.account,
            };
            read(backend, to, &has)?
        }
        IVault::linkCall::SELECTOR => {
            let call = IVault::linkCall::abi_decode(data)?;
            let links = read(backend, to, &IVault::linksCall {})?;
            links.restakingLayer == call.restakingLayer
                && links.withdrawalQueue == call.withdrawalQueue
        }
        IOperatorRegistry::setDelegationCall::SELECTOR => {
            let call = IOperatorRegistry::setDelegationCall::abi_decode(data)?;
            read(backend, to, &IOperatorRegistry::delegationCall {})? == call.delegation
        }
        IAssetRegistry::setVaultCall::SELECTOR => {
            let call = IAssetRegistry::setVaultCall::abi_decode(data)?;
            read(backend, to, &IAssetRegistry::vaultCall {})? == call.vault
        }
        IVault::setFeeCall::SELECTOR => {
            let call = IVault::setFeeCall::abi_decode(data)?;
            read(backend, to, &IVault::feeBpsCall {})? == call.feeBps
        }
        IVault::setRewardLimitsCall::SELECTOR => {
            let call = IVault::setRewardLimitsCall::abi_decode(data)?;
            let limits = read(backend, to, &IVault::rewardLimitsCall {})?;
            limits.maxRewardBps == call.maxRewardBps
                && limits.minReportInterval == call.minReportInterval
        }
        IVault::setDepositLimitsCall::SELECTOR => {
            let call = IVault::setDepositLimitsCall::abi_decode(data)?;
            let limits = read(backend, to, &IVault::depositLimitsCall {})?;
            limits.minDeposit == call.minDeposit && limits.totalCap == call.totalCap
        }
        IWithdrawalQueue::setRequestLimitsCall::SELECTOR => {
            let call = IWithdrawalQueue::setRequestLimitsCall::abi_decode(data)?;
            let config = read(backend, to, &IWithdrawalQueue::configCall {})?;
            config.minRequestValue == call.minValue && config.maxRequestValue == call.maxValue
        }
        IWithdrawalQueue::setBatchCapCall::SELECTOR => {
            let call = IWithdrawalQueue::setBatchCapCall::abi_decode(data)?;
            read(backend, to, &IWithdrawalQueue::configCall {})?.batchCap == call.cap
        }
        IAssetRegistry::addAssetCall::SELECTOR => {
            let call = IAssetRegistry::addAssetCall::abi_decode(data)?;
            read(backend, to, &IAssetRegistry::assetsCall {})?.contains(&call.asset)
        }
        IOperatorRegistry::addOperatorCall::SELECTOR => {
            let call = IOperatorRegistry::addOperatorCall::abi_decode(data)?;
            let known = IOperatorRegistry::operatorCall {
                operator: call.operator,
            };
            // Status 0: never registered.
            read(backend, to, &known)?.status != 0
        }
        IRoles::beginAdminTransferCall::SELECTOR => {
            let call = IRoles::beginAdminTransferCall::abi_decode(data)?;
            read(backend, to, &IRoles::pendingAdminCall {})? == call.newAdmin
                || read(backend, to, &IRoles::adminCall {})? == call.newAdmin
        }
        other => bail!(
            "no state check for calls with selector 0x{}",
            alloy_primitives::hex::encode(other)
        ),
    })
}

/// A transaction known only from its record: no logs, status success.
fn mined_from_record(record: &TxRecord) -> Mined {
    let price = match record.gas_used {
        0 => 0,
        gas => (record.cost_wei / U256::from(gas)).saturating_to(),
    };
    Mined {
        hash: record.hash,
        status: true,
        gas_used: record.gas_used,
        effective_gas_price: price,
        contract_address: None,
        logs: Vec::new(),
    }
}

/// A transaction found done on chain without a record (its receipt came
/// after the run that sent it had stopped): zero hash, no gas counted.
fn unrecorded() -> Mined {
    Mined {
        hash: B256::ZERO,
        status: true,
        gas_used: 0,
        effective_gas_price: 0,
        contract_address: None,
        logs: Vec::new(),
    }
}

/// A progress line (or the start of one) on standard error, shown at once.
fn progress(text: String) {
    use std::io::Write;
    eprint!("{text}");
    let _ = std::io::stderr().flush();
}
