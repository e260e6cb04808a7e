//! Putting a program behind the ERC-1967 proxy that `stylus_build::proxy`
//! assembles, and driving the proxy's two admin functions.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use anyhow::{anyhow, Result};
use stylus_build::proxy::{proxy_initcode, ADMIN_SLOT, IMPLEMENTATION_SLOT};

use crate::{
    backend::{Backend, Mined},
    client::{request, send, TxError},
};

sol! {
    /// The proxy's admin functions (served only when its admin calls).
    interface IErc1967Proxy {
        function upgradeToAndCall(address newImplementation, bytes data) external payable;
        function changeAdmin(address newAdmin) external;

        event Upgraded(address indexed implementation);
        event AdminChanged(address previousAdmin, address newAdmin);

        error ERC1967InvalidImplementation(address implementation);
        error ERC1967InvalidAdmin(address admin);
        error ERC1967NonPayable();
    }
}

/// The ERC-1967 implementation slot, as a storage key.
pub fn implementation_slot() -> U256 {
    U256::from_be_bytes(IMPLEMENTATION_SLOT)
}

/// The ERC-1967 admin slot, as a storage key.
pub fn admin_slot() -> U256 {
    U256::from_be_bytes(ADMIN_SLOT)
}

/// Creates a proxy for `implementation` administered by `admin`, from
/// `from` (recorded as the creator, the only account that may then run the
/// program's constructor through the proxy).
pub fn deploy_proxy(
    backend: &mut impl Backend,
    from: Address,
    implementation: Address,
    admin: Address,
) -> Result<(Address, Mined), TxError> {
    let init = proxy_initcode(implementation.into_array(), admin.into_array());
    let mined = send(backend, request(from, None, U256::ZERO, init))?;
    let address = mined
        .contract_address
        .ok_or_else(|| TxError::Backend(anyhow!("the proxy's creation reported no address")))?;
    Ok((address, mined))
}

/// Deploys and activates `program` as an implementation: its code only,
/// never constructed in its own storage (its creator, recorded by the init
/// code, is the only account that could construct it).
pub fn deploy_implementation(
    backend: &mut impl Backend,
    from: Address,
    program: &stylus_build::Deployable,
) -> Result<Address> {
    let (address, _) = crate::programs::deploy_code(backend, from, program)?;
    crate::programs::activate(backend, from, address)?;
    Ok(address)
}

/// `program` with a custom section `name` holding `payload` appended: the
/// same behaviour and storage layout under a different code hash, e.g. a
/// rebuilt implementation that an upgrade installs.
pub fn with_custom_section(
    program: &stylus_build::Deployable,
    name: &str,
    payload: &[u8],
) -> stylus_build::Deployable {
    fn leb128(mut value: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut section = Vec::new();
    leb128(name.len(), &mut section);
    section.extend_from_slice(name.as_bytes());
    section.extend_from_slice(payload);
    let mut wasm = program.wasm.clone();
    wasm.push(0); // custom section id
    leb128(section.len(), &mut wasm);
    wasm.extend_from_slice(&section);
    stylus_build::Deployable {
        name: program.name.clone(),
        code: stylus_build::compress(&wasm),
        wasm,
    }
}

/// The calldata of `upgradeToAndCall(implementation, data)`.
pub fn upgrade_calldata(implementation: Address, data: Vec<u8>) -> Bytes {
    IErc1967Proxy::upgradeToAndCallCall {
        newImplementation: implementation,
        data: data.into(),
    }
    .abi_encode()
    .into()
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Log, B256};
    use alloy_sol_types::{SolError, SolEvent};
    use devnode::{BlockTag, Devnode, DevnodeConfig};
    use stylus_build::{
        deploy_initcode,
        proxy::{assemble, op, Asm},
        CREATOR_SLOT,
    };

    use super::*;
    use crate::client::dry_run;

    /// An EVM implementation for the proxy's tests: a 32-byte call stores
    /// its word at slot 0; a 1-byte call reverts with `0xdeadbeef`; every
    /// other call returns `(slot 0, CALLER, version)`.
    fn implementation_code(version: u8) -> Vec<u8> {
        use op::*;
        let push = |bytes: &[u8]| Asm::Push(bytes.to_vec());
        let raw = |ops: &[u8]| Asm::Raw(ops.to_vec());
        assemble(&[
            raw(&[CALLDATASIZE]),
            push(&[1]),
            raw(&[EQ]),
            Asm::PushLabel("fail"),
            raw(&[JUMPI]),
            raw(&[CALLDATASIZE]),
            push(&[32]),
            raw(&[EQ, ISZERO]),
            Asm::PushLabel("read"),
            raw(&[JUMPI]),
            push(&[0]),
            raw(&[CALLDATALOAD]),
            push(&[0]),
            raw(&[SSTORE]),
            Asm::Label("read"),
            push(&[0]),
            raw(&[SLOAD]),
            push(&[0]),
            raw(&[MSTORE]),
            raw(&[CALLER]),
            push(&[32]),
            raw(&[MSTORE]),
            push(&[version]),
            push(&[64]),
            raw(&[MSTORE]),
            push(&[96]),
            push(&[0]),
            raw(&[RETURN]),
            Asm::Label("fail"),
            push(&[0xde, 0xad, 0xbe, 0xef]),
            push(&[0]),
            raw(&[MSTORE]),
            push(&[4]),
            push(&[28]),
            raw(&[REVERT]),
        ])
    }

    struct Setup {
        node: Devnode,
        deployer: Address,
        admin: Address,
        stranger: Address,
        v1: Address,
        v2: Address,
        proxy: Address,
        creation: Mined,
    }

    fn create(node: &mut Devnode, from: Address, code: &[u8]) -> Address {
        send(node, request(from, None, U256::ZERO, deploy_initcode(code)))
            .unwrap()
            .contract_address
            .unwrap()
    }

    fn setup() -> Setup {
        let mut node = Devnode::new(DevnodeConfig::default());
        let accounts = node.accounts();
        let (deployer, admin, stranger) = (accounts[0], accounts[1], accounts[2]);
        let v1 = create(&mut node, deployer, &implementation_code(1));
        let v2 = create(&mut node, deployer, &implementation_code(2));
        let (proxy, creation) = deploy_proxy(&mut node, deployer, v1, admin).unwrap();
        Setup {
            node,
            deployer,
            admin,
            stranger,
            v1,
            v2,
            proxy,
            creation,
        }
    }

    fn slot(node: &Devnode, address: Address, slot: U256) -> B256 {
        node.storage(address, slot, BlockTag::Latest).unwrap()
    }

    fn call(
        node: &mut Devnode,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Bytes, TxError> {
        dry_run(node, &request(from, Some(to), U256::ZERO, data)).map(|(out, _)| out)
    }

    fn transact(
        node: &mut Devnode,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Mined, TxError> {
        send(node, request(from, Some(to), U256::ZERO, data))
    }

    fn answer(word: U256, caller: Address, version: u8) -> Vec<u8> {
        [
            word.to_be_bytes::<32>().to_vec(),
            caller.into_word().to_vec(),
            U256::from(version).to_be_bytes::<32>().to_vec(),
        ]
        .concat()
    }

    fn reverted(result: Result<impl std::fmt::Debug, TxError>) -> Bytes {
        match result {
            Err(TxError::Reverted(data)) => data,
            other => panic!("expected a revert, got {other:?}"),
        }
    }

    fn decoded<E: SolEvent>(logs: &[Log], emitter: Address) -> Vec<E> {
        logs.iter()
            .filter(|log| log.address == emitter)
            .filter_map(|log| E::decode_log_data(&log.data).ok())
            .collect()
    }

    #[test]
    fn creation_stores_both_slots_records_the_creator_and_emits_the_erc1967_events() {
        let s = setup();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v1
        );
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, admin_slot())),
            s.admin
        );
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, U256::from_be_bytes(CREATOR_SLOT))),
            s.deployer
        );
        let upgraded = decoded::<IErc1967Proxy::Upgraded>(&s.creation.logs, s.proxy);
        assert_eq!(upgraded.len(), 1);
        assert_eq!(upgraded[0].implementation, s.v1);
        let changed = decoded::<IErc1967Proxy::AdminChanged>(&s.creation.logs, s.proxy);
        assert_eq!(changed.len(), 1);
        assert_eq!(
            (changed[0].previousAdmin, changed[0].newAdmin),
            (Address::ZERO, s.admin)
        );
    }

    #[test]
    fn creation_refuses_an_implementation_without_code() {
        let mut s = setup();
        let nothing = Address::repeat_byte(0x77);
        let err = reverted(deploy_proxy(&mut s.node, s.deployer, nothing, s.admin));
        assert_eq!(
            err.to_vec(),
            IErc1967Proxy::ERC1967InvalidImplementation {
                implementation: nothing
            }
            .abi_encode()
        );
    }

    #[test]
    fn every_call_runs_the_implementation_in_the_proxys_storage() {
        let mut s = setup();
        let word = U256::from(0xabcdef_u64);
        transact(
            &mut s.node,
            s.stranger,
            s.proxy,
            word.to_be_bytes::<32>().to_vec(),
        )
        .unwrap();
        assert_eq!(slot(&s.node, s.proxy, U256::ZERO), B256::from(word));
        assert_eq!(
            slot(&s.node, s.v1, U256::ZERO),
            B256::ZERO,
            "not the implementation's"
        );
        let out = call(&mut s.node, s.stranger, s.proxy, vec![]).unwrap();
        assert_eq!(
            out.to_vec(),
            answer(word, s.stranger, 1),
            "the caller is kept"
        );
        // The admin's calls other than the two admin functions are delegated.
        let out = call(&mut s.node, s.admin, s.proxy, vec![]).unwrap();
        assert_eq!(out.to_vec(), answer(word, s.admin, 1));
        // A revert is passed on unchanged.
        let err = reverted(call(&mut s.node, s.stranger, s.proxy, vec![0x01]));
        assert_eq!(err.to_vec(), vec![0xde, 0xad, 0xbe, 0xef]);
    }

    #[test]
    fn only_the_admin_upgrades_and_state_survives_the_upgrade() {
        let mut s = setup();
        let word = U256::from(7);
        transact(
            &mut s.node,
            s.stranger,
            s.proxy,
            word.to_be_bytes::<32>().to_vec(),
        )
        .unwrap();
        // A stranger's upgradeToAndCall reaches the implementation, which
        // has no such function: nothing changes.
        transact(
            &mut s.node,
            s.stranger,
            s.proxy,
            upgrade_calldata(s.v2, vec![]).to_vec(),
        )
        .unwrap();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v1
        );

        let mined = transact(
            &mut s.node,
            s.admin,
            s.proxy,
            upgrade_calldata(s.v2, vec![]).to_vec(),
        )
        .unwrap();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v2
        );
        let upgraded = decoded::<IErc1967Proxy::Upgraded>(&mined.logs, s.proxy);
        assert_eq!(upgraded.len(), 1);
        assert_eq!(upgraded[0].implementation, s.v2);
        let out = call(&mut s.node, s.stranger, s.proxy, vec![]).unwrap();
        assert_eq!(
            out.to_vec(),
            answer(word, s.stranger, 2),
            "new code, old state"
        );
    }

    #[test]
    fn upgrade_and_call_runs_the_data_in_the_new_implementation() {
        let mut s = setup();
        let word = U256::from(99);
        let data = word.to_be_bytes::<32>().to_vec();
        transact(
            &mut s.node,
            s.admin,
            s.proxy,
            upgrade_calldata(s.v2, data).to_vec(),
        )
        .unwrap();
        assert_eq!(slot(&s.node, s.proxy, U256::ZERO), B256::from(word));
        // A failing call reverts the whole upgrade with the callee's data.
        let err = reverted(transact(
            &mut s.node,
            s.admin,
            s.proxy,
            upgrade_calldata(s.v1, vec![0x01]).to_vec(),
        ));
        assert_eq!(err.to_vec(), vec![0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v2
        );
    }

    #[test]
    fn upgrades_refuse_an_implementation_without_code_and_value_without_data() {
        let mut s = setup();
        let nothing = s.stranger;
        let err = reverted(transact(
            &mut s.node,
            s.admin,
            s.proxy,
            upgrade_calldata(nothing, vec![]).to_vec(),
        ));
        assert_eq!(
            err.to_vec(),
            IErc1967Proxy::ERC1967InvalidImplementation {
                implementation: nothing
            }
            .abi_encode()
        );
        let err = reverted(send(
            &mut s.node,
            request(
                s.admin,
                Some(s.proxy),
                U256::from(1),
                upgrade_calldata(s.v2, vec![]).to_vec(),
            ),
        ));
        assert_eq!(
            err.to_vec(),
            IErc1967Proxy::ERC1967NonPayable {}.abi_encode()
        );
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v1
        );
    }

    #[test]
    fn only_the_admin_changes_the_admin_and_never_to_zero() {
        let mut s = setup();
        let change =
            |admin: Address| IErc1967Proxy::changeAdminCall { newAdmin: admin }.abi_encode();
        transact(&mut s.node, s.stranger, s.proxy, change(s.stranger)).unwrap();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, admin_slot())),
            s.admin
        );
        let err = reverted(transact(
            &mut s.node,
            s.admin,
            s.proxy,
            change(Address::ZERO),
        ));
        assert_eq!(
            err.to_vec(),
            IErc1967Proxy::ERC1967InvalidAdmin {
                admin: Address::ZERO
            }
            .abi_encode()
        );
        let mined = transact(&mut s.node, s.admin, s.proxy, change(s.deployer)).unwrap();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, admin_slot())),
            s.deployer
        );
        let changed = decoded::<IErc1967Proxy::AdminChanged>(&mined.logs, s.proxy);
        assert_eq!(changed.len(), 1);
        assert_eq!(
            (changed[0].previousAdmin, changed[0].newAdmin),
            (s.admin, s.deployer)
        );
        // The old admin is now an ordinary caller.
        transact(
            &mut s.node,
            s.admin,
            s.proxy,
            upgrade_calldata(s.v2, vec![]).to_vec(),
        )
        .unwrap();
        assert_eq!(
            Address::from_word(slot(&s.node, s.proxy, implementation_slot())),
            s.v1
        );
    }
}
