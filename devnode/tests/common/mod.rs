//! Helpers shared by the integration tests: building Stylus programs from WAT,
//! deploying, activating and calling them on an in-process devnode.
#![allow(dead_code)]

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use devnode::{BlockTag, CallOutcome, Devnode, DevnodeConfig, MinedTransaction};
use std::io::Write;

/// ArbWasm precompile address.
pub const ARB_WASM: Address = devnode::evm::precompiles::ARB_WASM;

/// Compresses `wasm` and prefixes it as deployed Stylus code (dictionary 0).
pub fn stylus_code_from_wasm(wasm: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(wasm).unwrap();
    }
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.extend(compressed);
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
        let node = Devnode::new(DevnodeConfig {
            accounts: 2,
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
