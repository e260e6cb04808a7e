//! One Stylus program's way onto a chain: build, deploy the code (as
//! fragments and a root when it is over the contract size limit, see
//! [`crate::fragments`]), activate it through ArbWasm (paying the data fee),
//! optionally cache it through ArbWasmCache, and run its constructor.

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use anyhow::{anyhow, bail, Context, Result};
use stylus_build::Deployable;

use crate::{
    abi::{IArbWasm, IArbWasmCache, ARB_WASM, ARB_WASM_CACHE, CONSTRUCTOR_SELECTOR},
    backend::{Backend, Mined},
    client::{dry_run, request, send, transact, view, TxError},
    fragments,
};

/// The contracts the protocol deploys, by Cargo package name.
///
/// Named rather than discovered with `stylus_build::build_all`: the wiring
/// needs each by role, and a workspace member that is not part of the
/// protocol must not change what a deployment contains.
pub const PROTOCOL_PACKAGES: &[&str] = &[
    "lrt-token",
    "lrt-asset-registry",
    "lrt-rate-source",
    "lrt-chainlink-rate-source",
    "mock-aggregator",
    "mock-lst",
    "lrt-operator-registry",
    "lrt-vault",
    "lrt-delegation",
    "lrt-withdrawal-queue",
    "lrt-rate-provider",
];

/// The protocol's programs that have no admin: the devnet LST (an open
/// faucet), the rate provider (read-only views) and the Chainlink adapters
/// (fixed at construction).
pub const WITHOUT_ADMIN: &[&str] = &["mock-lst", "lrt-rate-provider", "lrt-chainlink-rate-source"];

/// Extra value sent with an activation over the data fee estimated by a dry
/// run, in percent (cargo-stylus's default bump). The fee can rise between
/// the estimate and the transaction; ArbWasm refunds what is not needed.
pub const DATA_FEE_BUMP_PERCENT: u64 = 20;

/// Value offered in the dry run that estimates the data fee: far above any
/// real fee, so the dry run answers with the fee instead of
/// `ProgramInsufficientValue`.
const FEE_PROBE_VALUE: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Built programs ready to deploy, by package name.
#[derive(Clone, Debug, Default)]
pub struct Artifacts {
    programs: BTreeMap<String, Deployable>,
}

impl Artifacts {
    /// Builds `packages` of the contracts workspace at `contracts_dir` and runs
    /// each through stylus-build's pipeline (prepare, activation checks,
    /// compression).
    pub fn build(contracts_dir: &Path, packages: &[&str]) -> Result<Self> {
        let mut programs = BTreeMap::new();
        for &package in packages {
            let path = stylus_build::build_contract(contracts_dir, package)?;
            let wasm =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let contract = stylus_build::Contract {
                name: package.to_string(),
                package: package.to_string(),
                wasm_path: path,
                wasm,
            };
            programs.insert(package.to_string(), Deployable::from_contract(&contract)?);
        }
        Ok(Self { programs })
    }

    /// Builds [`PROTOCOL_PACKAGES`] from the repository's `contracts/`.
    pub fn build_protocol() -> Result<Self> {
        Self::build(&stylus_build::default_contracts_dir(), PROTOCOL_PACKAGES)
    }

    /// The program built from `package`.
    pub fn get(&self, package: &str) -> Result<&Deployable> {
        self.programs
            .get(package)
            .ok_or_else(|| anyhow!("no program `{package}` was built"))
    }

    /// Every built program, by package name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Deployable)> {
        self.programs.iter().map(|(name, d)| (name.as_str(), d))
    }
}

/// How an activation went.
#[derive(Clone, Debug)]
pub struct Activation {
    /// Stylus version the program was activated at.
    pub version: u16,
    /// Data fee charged (wei).
    pub data_fee: U256,
    /// The activation transaction, or `None` when the code hash was already
    /// activated (another program with the same code).
    pub tx: Option<Mined>,
}

/// A deployed, activated and constructed program.
#[derive(Clone, Debug)]
pub struct Program {
    /// Package name.
    pub name: String,
    /// Where it lives.
    pub address: Address,
    /// keccak256 of its code.
    pub code_hash: B256,
    /// Bytes of code (compressed WASM with the Stylus prefix).
    pub code_bytes: usize,
    /// The fragment contracts its root lists, with their deployments; empty
    /// when the program fits in one contract.
    pub fragments: Vec<(Address, Mined)>,
    /// The deployment transaction (of the root, for a fragmented program).
    pub deploy_tx: Mined,
    /// Its activation.
    pub activation: Activation,
    /// The caching transaction, if it was cached.
    pub cache_tx: Option<Mined>,
    /// The constructor transaction.
    pub constructor_tx: Mined,
}

/// Wraps an error from one step with the program and the step.
fn step<T>(name: &str, what: &str, result: Result<T, TxError>) -> Result<T> {
    result.map_err(|e| anyhow!("{what} `{name}`: {}", describe(&e)))
}

/// An error with ArbWasm's typed errors spelled out.
fn describe(error: &TxError) -> String {
    use IArbWasm::IArbWasmErrors as E;
    match error.decode_any::<E>() {
        Some(E::ProgramNotWasm(_)) => "ProgramNotWasm()".into(),
        Some(E::ProgramNotActivated(_)) => "ProgramNotActivated()".into(),
        Some(E::ProgramInsufficientValue(e)) => {
            format!("ProgramInsufficientValue(have {}, want {})", e.have, e.want)
        }
        Some(other) => format!("{other:?}"),
        None => match error.revert_data().map(alloy_sol_types::Revert::abi_decode) {
            Some(Ok(revert)) => format!("reverted: {}", revert.reason),
            _ => error.to_string(),
        },
    }
}

/// Deploys `program`'s code with its init code; returns the new address.
///
/// A program over the contract size limit is deployed as fragments first and
/// then its root (see [`deploy_code_fragmented`]); the address is the root's.
pub fn deploy_code(
    backend: &mut impl Backend,
    from: Address,
    program: &Deployable,
) -> Result<(Address, Mined)> {
    let deployed = deploy_code_fragmented(backend, from, program)?;
    Ok((deployed.address, deployed.mined))
}

/// A program's code on chain.
#[derive(Clone, Debug)]
pub struct DeployedCode {
    /// The program's address (the root's, for a fragmented program).
    pub address: Address,
    /// Its deployment.
    pub mined: Mined,
    /// The code at `address`.
    pub code: Vec<u8>,
    /// The fragments and their deployments, in the root's order.
    pub fragments: Vec<(Address, Mined)>,
}

/// Deploys `program`'s code: in one contract when it fits, else as
/// fragment contracts followed by the root that lists them, after checking
/// with ArbSys that the chain's ArbOS version has fragmented programs.
pub fn deploy_code_fragmented(
    backend: &mut impl Backend,
    from: Address,
    program: &Deployable,
) -> Result<DeployedCode> {
    let mut deployed_fragments = Vec::new();
    if let Some(codes) = fragments::fragment_codes(program) {
        let arbos_version = fragments::arbos_version(backend)?;
        fragments::check_deployable(program, arbos_version)?;
        for (index, code) in codes.iter().enumerate() {
            let initcode = stylus_build::deploy_initcode(code);
            let what = format!("deploying fragment {} of", index + 1);
            let mined = step(
                &program.name,
                &what,
                send(backend, request(from, None, U256::ZERO, initcode)),
            )?;
            let address = mined
                .contract_address
                .ok_or_else(|| anyhow!("{what} `{}`: no contract address", program.name))?;
            deployed_fragments.push((address, mined));
        }
    }
    let addresses: Vec<Address> = deployed_fragments.iter().map(|(a, _)| *a).collect();
    let code = fragments::program_code(program, &addresses);
    let initcode = stylus_build::creator_bound_initcode(&code);
    let mined = step(
        &program.name,
        "deploying",
        send(backend, request(from, None, U256::ZERO, initcode)),
    )?;
    let address = mined
        .contract_address
        .ok_or_else(|| anyhow!("deploying `{}`: no contract address", program.name))?;
    Ok(DeployedCode {
        address,
        mined,
        code,
        fragments: deployed_fragments,
    })
}

/// Activates the program at `address` through ArbWasm.
///
/// A dry run first tells the data fee (or that the code hash is activated
/// already: `ProgramUpToDate`, then nothing is sent); the transaction pays
/// it plus [`DATA_FEE_BUMP_PERCENT`].
pub fn activate(backend: &mut impl Backend, from: Address, address: Address) -> Result<Activation> {
    let call = IArbWasm::activateProgramCall { program: address };
    let name = address.to_string();
    let probe = request(from, Some(ARB_WASM), FEE_PROBE_VALUE, call.abi_encode());
    let estimate = match dry_run(backend, &probe) {
        Ok((output, _)) => IArbWasm::activateProgramCall::abi_decode_returns(&output)
            .map_err(|e| anyhow!("activating {name}: undecodable answer: {e}"))?,
        Err(error) if error.decode::<IArbWasm::ProgramUpToDate>().is_some() => {
            let version = view(
                backend,
                ARB_WASM,
                &IArbWasm::programVersionCall { program: address },
            );
            return Ok(Activation {
                version: step(&name, "reading the version of", version)?,
                data_fee: U256::ZERO,
                tx: None,
            });
        }
        Err(error) => bail!("activating {name}: {}", describe(&error)),
    };
    let value =
        estimate.dataFee + estimate.dataFee * U256::from(DATA_FEE_BUMP_PERCENT) / U256::from(100);
    let mined = step(
        &name,
        "activating",
        transact(backend, from, ARB_WASM, value, &call),
    )?;
    // The receipt's event carries what was actually charged.
    let activated = mined
        .logs
        .iter()
        .find_map(|log| IArbWasm::ProgramActivated::decode_log_data(&log.data).ok())
        .ok_or_else(|| anyhow!("activating {name}: no ProgramActivated event"))?;
    Ok(Activation {
        version: activated.version,
        data_fee: activated.dataFee,
        tx: Some(mined),
    })
}

/// Caches the program at `address` through ArbWasmCache, so calls pay only
/// the cached init gas. `from` must be a cache manager.
pub fn cache(backend: &mut impl Backend, from: Address, address: Address) -> Result<Mined> {
    let call = IArbWasmCache::cacheProgramCall { addr: address };
    step(
        &address.to_string(),
        "caching",
        transact(backend, from, ARB_WASM_CACHE, U256::ZERO, &call),
    )
}

/// Runs the program's stylus-sdk constructor with ABI-encoded `args`.
pub fn construct(
    backend: &mut impl Backend,
    from: Address,
    address: Address,
    args: &[u8],
) -> Result<Mined, TxError> {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend_from_slice(args);
    send(backend, request(from, Some(address), U256::ZERO, data))
}

/// Deploys, activates, optionally caches, and constructs `program`.
///
/// Deployment and construction are two transactions; the init code records
/// the creator, and the protocol's constructors accept no one else, so
/// nobody can construct the program in between.
pub fn deploy_program(
    backend: &mut impl Backend,
    from: Address,
    program: &Deployable,
    constructor_args: &[u8],
    cache_it: bool,
) -> Result<Program> {
    let deployed = deploy_code_fragmented(backend, from, program)?;
    let address = deployed.address;
    let activation =
        activate(backend, from, address).with_context(|| format!("program `{}`", program.name))?;
    let code_hash = keccak256(&deployed.code);
    // ArbWasm keys activations by the code hash it saw: agreeing with ours
    // shows the chain stored exactly the built code.
    let on_chain = view(
        backend,
        ARB_WASM,
        &IArbWasm::codehashVersionCall {
            codehash: code_hash,
        },
    );
    let on_chain = step(&program.name, "reading the activation of", on_chain)?;
    if on_chain != activation.version {
        bail!(
            "`{}`: code hash {code_hash} is at version {on_chain}, activation reported {}",
            program.name,
            activation.version
        );
    }
    let cache_tx = if cache_it {
        Some(cache(backend, from, address)?)
    } else {
        None
    };
    let constructor_tx = step(
        &program.name,
        "constructing",
        construct(backend, from, address, constructor_args),
    )?;
    Ok(Program {
        name: program.name.clone(),
        address,
        code_hash,
        code_bytes: program.code.len(),
        fragments: deployed.fragments,
        deploy_tx: deployed.mined,
        activation,
        cache_tx,
        constructor_tx,
    })
}
