//! Helpers shared by the integration tests: building Stylus programs from WAT,
//! deploying, activating and calling them on an in-process devnode.
#![allow(dead_code)]

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use devnode::{BlockTag, CallOutcome, Devnode, DevnodeConfig, MinedTransaction};
use std::io::Write;

/// ArbWasm precompile address.
pub const ARB_WASM: Address = devnode::evm::precompiles::ARB_WASM;

/// The brotli stream of `wasm` (quality 11, window 22, no dictionary).
pub fn brotli(wasm: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(wasm).unwrap();
    }
    compressed
}

/// Compresses `wasm` and prefixes it as deployed Stylus code (dictionary 0).
pub fn stylus_code_from_wasm(wasm: &[u8]) -> Vec<u8> {
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.extend(brotli(wasm));
    code
}

/// Compiles WAT text and wraps it as deployed Stylus code.
pub fn stylus_code(wat: &str) -> Vec<u8> {
    stylus_code_from_wasm(&wat::parse_str(wat).expect("valid WAT"))
}

/// Init code that deploys `code` verbatim: the 43-byte prologue cargo-stylus uses.
pub fn deploy_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = vec![0x7f];
    init.extend(U256::from(code.len()).to_be_bytes::<32>());
    init.extend([0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    assert_eq!(init.len(), 43);
    init.extend(code);
    init
}

/// ABI selector of `activateProgram(address)`.
pub fn activate_calldata(program: Address) -> Vec<u8> {
    let mut data = alloy_primitives::keccak256("activateProgram(address)")[..4].to_vec();
    data.extend([0u8; 12]);
    data.extend(program.as_slice());
    data
}

/// An in-process devnode and the account that sends the transactions.
pub struct TestChain {
    pub node: Devnode,
    pub from: Address,
}

impl TestChain {
    pub fn new() -> Self {
        Self::at(devnode::stylus::version::DEFAULT)
    }

    /// A chain running ArbOS `arbos_version`.
    pub fn at(arbos_version: u64) -> Self {
        let node = Devnode::new(DevnodeConfig {
            accounts: 2,
            arbos_version: devnode::stylus::version::ArbosVersion::new(arbos_version).unwrap(),
            ..Default::default()
        });
        let from = node.dev_account();
        Self { node, from }
    }

    /// Sends a transaction and returns it with its receipt.
    pub fn send(
        &mut self,
        to: Option<Address>,
        data: Vec<u8>,
        value: U256,
        gas: Option<u64>,
    ) -> MinedTransaction {
        let mut request = TransactionRequest::default()
            .from(self.from)
            .input(Bytes::from(data).into())
            .value(value);
        request.to = to
            .map(Into::into)
            .or(Some(alloy_primitives::TxKind::Create));
        request.gas = Some(gas.unwrap_or(30_000_000));
        let hash = self
            .node
            .sign_and_send(request)
            .expect("transaction accepted");
        self.node.transaction(hash).expect("mined").clone()
    }

    /// Deploys raw code; returns its address.
    pub fn deploy(&mut self, code: &[u8]) -> Address {
        let tx = self.send(None, deploy_init_code(code), U256::ZERO, None);
        assert!(tx.receipt.status, "deployment failed");
        tx.receipt.contract_address.expect("contract address")
    }

    /// Activates the program at `program`, paying a generous data fee.
    pub fn activate(&mut self, program: Address) -> MinedTransaction {
        let value = U256::from(10u64).pow(U256::from(17u64));
        self.send(Some(ARB_WASM), activate_calldata(program), value, None)
    }

    /// Deploys and activates a WAT program.
    pub fn deploy_wat(&mut self, wat: &str) -> Address {
        let address = self.deploy(&stylus_code(wat));
        let tx = self.activate(address);
        assert!(
            tx.receipt.status,
            "activation failed: {:?}",
            tx.receipt.output
        );
        address
    }

    /// A read-only call.
    pub fn call(&self, to: Address, data: Vec<u8>) -> CallOutcome {
        let request = TransactionRequest::default()
            .from(self.from)
            .to(to)
            .input(Bytes::from(data).into());
        self.node
            .call(&request, BlockTag::Latest, None)
            .expect("call accepted")
    }

    pub fn storage(&self, address: Address, slot: u64) -> B256 {
        self.node
            .storage(address, U256::from(slot), BlockTag::Latest)
            .unwrap()
    }
}

/// The conformance program's source.
pub const CONFORMANCE: &str = include_str!("../programs/conformance.wat");

/// Creation code that deploys `runtime` as EVM code.
pub fn evm_init_code(runtime: &[u8]) -> Vec<u8> {
    assert!(runtime.len() < 256);
    let mut init = vec![
        0x60,
        runtime.len() as u8,
        0x80,
        0x60,
        0x0b,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xf3,
    ];
    init.extend(runtime);
    init
}

/// EVM runtime: calls `calldata[0..20]` with `calldata[20..]` and the call value,
/// then returns or reverts with the callee's return data.
pub const EVM_FORWARDER: &str =
    "6014360380601460003760003560601c6000600083600034855af13d600060003e6028573d6000fd5b3d6000f3";

/// EVM runtime: delegate-calls `calldata[0..20]` with `calldata[20..]`, then
/// returns or reverts with the callee's return data (a minimal proxy).
pub const EVM_DELEGATE_FORWARDER: &str =
    "6014360380601460003760003560601c60006000836000845af43d600060003e6027573d6000fd5b3d6000f3";

/// EVM runtime: stores calldata word 0 in slot 0 and returns it.
pub const EVM_STORE: &str = "6000358060005560005260206000f3";

impl TestChain {
    /// Deploys EVM runtime code given in hex.
    pub fn deploy_evm(&mut self, runtime_hex: &str) -> Address {
        let runtime = alloy_primitives::hex::decode(runtime_hex).unwrap();
        let tx = self.send(None, evm_init_code(&runtime), U256::ZERO, None);
        assert!(tx.receipt.status, "EVM deployment failed");
        tx.receipt.contract_address.unwrap()
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.node.balance(address, BlockTag::Latest).unwrap()
    }
}

/// Builds calldata: a command byte followed by the given parts.
pub fn cmd(command: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut data = vec![command];
    for part in parts {
        data.extend_from_slice(part);
    }
    data
}

/// A 32-byte big-endian word.
pub fn word(value: u64) -> [u8; 32] {
    U256::from(value).to_be_bytes::<32>()
}

/// Compiles classic (unfragmented) Stylus code as activation would on the
/// default ArbOS version.
pub fn compile_classic(
    code: &[u8],
    page_limit: u16,
) -> Result<
    devnode::stylus::instrument::InstrumentedModule,
    devnode::stylus::activation::ActivationError,
> {
    devnode::stylus::activation::compile(
        code,
        page_limit,
        devnode::stylus::version::ArbosVersion::default(),
        true,
        &mut |_| unreachable!("classic code has no fragments"),
    )
}
