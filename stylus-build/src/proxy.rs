//! An ERC-1967 proxy in EVM bytecode, assembled here like the programs'
//! init code: the deploy tool puts each stateful program of an upgradeable
//! deployment behind one.
//!
//! Behaviour:
//! - The implementation is stored at [`IMPLEMENTATION_SLOT`] and the admin
//!   (the timelock) at [`ADMIN_SLOT`], the slots ERC-1967 fixes, so block
//!   explorers and tools find them.
//! - A call from the admin whose selector is [`UPGRADE_TO_AND_CALL`]
//!   (`upgradeToAndCall(address,bytes)`) or [`CHANGE_ADMIN`]
//!   (`changeAdmin(address)`) is served by the proxy itself. Every other
//!   call, the admin's included, is delegated to the implementation, so the
//!   timelock can also call the programs' own admin functions through the
//!   proxy. An implementation must therefore export neither selector
//!   ([`RESERVED_SELECTORS`]; stylus-build's tests check every program's
//!   ABI).
//! - `upgradeToAndCall` refuses an implementation without code
//!   (`ERC1967InvalidImplementation`), stores it, emits `Upgraded`, then
//!   delegatecalls it with `data` when `data` is not empty (a call with
//!   value and no data is refused: `ERC1967NonPayable`), passing on a
//!   revert.
//! - `changeAdmin` refuses the zero address (`ERC1967InvalidAdmin`), emits
//!   `AdminChanged(previous, new)` and stores it.
//! - The init code refuses an implementation without code, stores both
//!   slots, emits `Upgraded` and `AdminChanged(0, admin)`, and records its
//!   creator at [`CREATOR_SLOT`] of the proxy's storage: the program's
//!   constructor, delegatecalled through the proxy, runs in that storage
//!   and refuses every caller but the creator, so the constructor cannot be
//!   front-run between the proxy's creation and its construction.

use crate::code::CREATOR_SLOT;

/// keccak256("eip1967.proxy.implementation") - 1.
pub const IMPLEMENTATION_SLOT: [u8; 32] =
    hex32("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
/// keccak256("eip1967.proxy.admin") - 1.
pub const ADMIN_SLOT: [u8; 32] =
    hex32("b53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");
/// Topic of `Upgraded(address indexed implementation)`.
pub const UPGRADED_TOPIC: [u8; 32] =
    hex32("bc7cd75a20ee27fd9adebab32041f755214dbc6bffa90cc0225b39da2e5c2d3b");
/// Topic of `AdminChanged(address previousAdmin, address newAdmin)`.
pub const ADMIN_CHANGED_TOPIC: [u8; 32] =
    hex32("7e644d79422f17c01e4894b5f4f588d331ebfa28653d42ae832dc59e38c9798f");
/// `upgradeToAndCall(address,bytes)`.
pub const UPGRADE_TO_AND_CALL: [u8; 4] = [0x4f, 0x1e, 0xf2, 0x86];
/// `changeAdmin(address)`.
pub const CHANGE_ADMIN: [u8; 4] = [0x8f, 0x28, 0x39, 0x70];
/// The selectors the proxy serves itself when its admin calls.
pub const RESERVED_SELECTORS: [[u8; 4]; 2] = [UPGRADE_TO_AND_CALL, CHANGE_ADMIN];
/// `ERC1967InvalidImplementation(address)`.
pub const INVALID_IMPLEMENTATION: [u8; 4] = [0x4c, 0x9c, 0x8c, 0xe3];
/// `ERC1967InvalidAdmin(address)`.
pub const INVALID_ADMIN: [u8; 4] = [0x62, 0xe7, 0x7b, 0xa2];
/// `ERC1967NonPayable()`.
pub const NON_PAYABLE: [u8; 4] = [0xb3, 0x98, 0x97, 0x9f];

const fn hex32(text: &str) -> [u8; 32] {
    let bytes = text.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(bytes[2 * i]) << 4) | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not a lowercase hex digit"),
    }
}

/// A piece of EVM code with labels: [`assemble`] turns it into bytes.
#[derive(Clone, Debug)]
pub enum Asm {
    /// Opcodes and their immediates, as they are.
    Raw(Vec<u8>),
    /// `PUSHn` of the shortest form of `bytes` (PUSH1 for empty).
    Push(Vec<u8>),
    /// A `JUMPDEST` that [`Asm::PushLabel`]s name.
    Label(&'static str),
    /// `PUSH2 <offset of the label>`.
    PushLabel(&'static str),
}

/// The opcodes the proxy uses.
pub mod op {
    #![allow(missing_docs)]
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const AND: u8 = 0x16;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const ADDRESS: u8 = 0x30;
    pub const CALLER: u8 = 0x33;
    pub const CALLVALUE: u8 = 0x34;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const CODECOPY: u8 = 0x39;
    pub const EXTCODESIZE: u8 = 0x3b;
    pub const RETURNDATASIZE: u8 = 0x3d;
    pub const RETURNDATACOPY: u8 = 0x3e;
    pub const POP: u8 = 0x50;
    pub const MSTORE: u8 = 0x52;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const GAS: u8 = 0x5a;
    pub const JUMPDEST: u8 = 0x5b;
    pub const DUP1: u8 = 0x80;
    pub const DUP2: u8 = 0x81;
    pub const DUP3: u8 = 0x82;
    pub const DUP6: u8 = 0x85;
    pub const SWAP1: u8 = 0x90;
    pub const LOG1: u8 = 0xa1;
    pub const LOG2: u8 = 0xa2;
    pub const RETURN: u8 = 0xf3;
    pub const DELEGATECALL: u8 = 0xf4;
    pub const REVERT: u8 = 0xfd;
}

/// Resolves labels and emits the bytes of `code`.
///
/// # Panics
/// On a label pushed but never defined, or defined twice (a bug in the
/// code being assembled).
pub fn assemble(code: &[Asm]) -> Vec<u8> {
    let push_len = |bytes: &[u8]| 1 + bytes.len().max(1);
    let mut labels = std::collections::BTreeMap::new();
    let mut offset = 0usize;
    for item in code {
        match item {
            Asm::Raw(bytes) => offset += bytes.len(),
            Asm::Push(bytes) => offset += push_len(bytes),
            Asm::Label(name) => {
                assert!(labels.insert(*name, offset).is_none(), "label {name} twice");
                offset += 1;
            }
            Asm::PushLabel(_) => offset += 3,
        }
    }
    let mut out = Vec::with_capacity(offset);
    for item in code {
        match item {
            Asm::Raw(bytes) => out.extend_from_slice(bytes),
            Asm::Push(bytes) => {
                let bytes = if bytes.is_empty() { &[0u8][..] } else { bytes };
                assert!(bytes.len() <= 32, "a push takes at most 32 bytes");
                out.push(0x5f + bytes.len() as u8);
                out.extend_from_slice(bytes);
            }
            Asm::Label(_) => out.push(op::JUMPDEST),
            Asm::PushLabel(name) => {
                let target = *labels
                    .get(name)
                    .unwrap_or_else(|| panic!("label {name} undefined"));
                let target = u16::try_from(target).expect("code under 64 KiB");
                out.push(0x61);
                out.extend_from_slice(&target.to_be_bytes());
            }
        }
    }
    out
}

fn raw(ops: &[u8]) -> Asm {
    Asm::Raw(ops.to_vec())
}

fn push(bytes: &[u8]) -> Asm {
    Asm::Push(bytes.to_vec())
}

/// Reverts with `selector` followed by the word on top of the stack
/// (an error with one `address` argument).
fn revert_with_word(selector: [u8; 4]) -> Vec<Asm> {
    use op::*;
    vec![
        push(&selector),
        push(&[0xe0]),
        raw(&[SHL]),
        push(&[0]),
        raw(&[MSTORE]), // mem[0..4] = selector
        push(&[0x04]),
        raw(&[MSTORE]), // mem[4..36] = word
        push(&[0x24]),
        push(&[0]),
        raw(&[REVERT]),
    ]
}

/// The proxy's runtime code.
pub fn runtime_code() -> Vec<u8> {
    use op::*;
    let address_mask = push(&[0xff; 20]);
    let only_admin = || {
        vec![
            raw(&[CALLER]),
            push(&ADMIN_SLOT),
            raw(&[SLOAD, EQ, ISZERO]),
            Asm::PushLabel("delegate"),
            raw(&[JUMPI]),
        ]
    };
    let mut code = vec![
        // A reserved selector from the admin goes to the admin functions;
        // the selector is compared first, so other calls skip reading the
        // admin slot.
        push(&[0]),
        raw(&[CALLDATALOAD]),
        push(&[0xe0]),
        raw(&[SHR]),
        raw(&[DUP1]),
        push(&UPGRADE_TO_AND_CALL),
        raw(&[EQ]),
        Asm::PushLabel("upgrade"),
        raw(&[JUMPI]),
        push(&CHANGE_ADMIN),
        raw(&[EQ]),
        Asm::PushLabel("change_admin"),
        raw(&[JUMPI]),
        // Everything else: delegate to the implementation.
        Asm::Label("delegate"),
        raw(&[CALLDATASIZE]),
        push(&[0]),
        push(&[0]),
        raw(&[CALLDATACOPY]), // mem[0..size] = calldata
        push(&[0]),           // retSize
        push(&[0]),           // retOffset
        raw(&[CALLDATASIZE]), // argsSize
        push(&[0]),           // argsOffset
        push(&IMPLEMENTATION_SLOT),
        raw(&[SLOAD, GAS, DELEGATECALL]),
        raw(&[RETURNDATASIZE]),
        push(&[0]),
        push(&[0]),
        raw(&[RETURNDATACOPY]),
        Asm::PushLabel("returned"),
        raw(&[JUMPI]),
        raw(&[RETURNDATASIZE]),
        push(&[0]),
        raw(&[REVERT]),
        Asm::Label("returned"),
        raw(&[RETURNDATASIZE]),
        push(&[0]),
        raw(&[RETURN]),
        // upgradeToAndCall(address implementation, bytes data)
        Asm::Label("upgrade"),
        raw(&[POP]),
    ];
    code.extend(only_admin());
    code.extend(vec![
        push(&[0x04]),
        raw(&[CALLDATALOAD]),
        address_mask.clone(),
        raw(&[AND]), // [impl]
        raw(&[DUP1, EXTCODESIZE, ISZERO]),
        Asm::PushLabel("invalid_implementation"),
        raw(&[JUMPI]),
        raw(&[DUP1]),
        push(&IMPLEMENTATION_SLOT),
        raw(&[SSTORE]), // slot = impl
        raw(&[DUP1]),
        push(&UPGRADED_TOPIC),
        push(&[0]),
        push(&[0]),
        raw(&[LOG2]), // Upgraded(impl)
        push(&[0x24]),
        raw(&[CALLDATALOAD]),
        push(&[0x04]),
        raw(&[ADD]),                // [p = 4 + offset of data, impl]
        raw(&[DUP1, CALLDATALOAD]), // [len, p, impl]
        raw(&[SWAP1]),              // [p, len, impl]
        push(&[0x20]),
        raw(&[ADD]),         // [p + 32, len, impl]
        raw(&[DUP2, SWAP1]), // [p + 32, len, len, impl]
        push(&[0]),
        raw(&[CALLDATACOPY]), // mem[0..len] = data; [len, impl]
        raw(&[DUP1, ISZERO]),
        Asm::PushLabel("no_data"),
        raw(&[JUMPI]),
        push(&[0]),                      // retSize
        push(&[0]),                      // retOffset
        raw(&[DUP3]),                    // argsSize = len
        push(&[0]),                      // argsOffset
        raw(&[DUP6, GAS, DELEGATECALL]), // [success, len, impl]
        Asm::PushLabel("stop"),
        raw(&[JUMPI]),
        raw(&[RETURNDATASIZE]),
        push(&[0]),
        push(&[0]),
        raw(&[RETURNDATACOPY]),
        raw(&[RETURNDATASIZE]),
        push(&[0]),
        raw(&[REVERT]),
        Asm::Label("no_data"),
        raw(&[CALLVALUE]),
        Asm::PushLabel("non_payable"),
        raw(&[JUMPI]),
        Asm::Label("stop"),
        raw(&[STOP]),
        // changeAdmin(address newAdmin)
        Asm::Label("change_admin"),
    ]);
    code.extend(only_admin());
    code.extend(vec![
        raw(&[CALLVALUE]),
        Asm::PushLabel("non_payable"),
        raw(&[JUMPI]),
        push(&[0x04]),
        raw(&[CALLDATALOAD]),
        address_mask,
        raw(&[AND]), // [new]
        raw(&[DUP1, ISZERO]),
        Asm::PushLabel("invalid_admin"),
        raw(&[JUMPI]),
        push(&ADMIN_SLOT),
        raw(&[SLOAD]),
        push(&[0]),
        raw(&[MSTORE]), // mem[0] = previous
        raw(&[DUP1]),
        push(&[0x20]),
        raw(&[MSTORE]), // mem[32] = new
        push(&ADMIN_SLOT),
        raw(&[SSTORE]), // slot = new
        push(&ADMIN_CHANGED_TOPIC),
        push(&[0x40]),
        push(&[0]),
        raw(&[LOG1, STOP]),
        // Typed errors.
        Asm::Label("non_payable"),
        push(&NON_PAYABLE),
        push(&[0xe0]),
        raw(&[SHL]),
        push(&[0]),
        raw(&[MSTORE]),
        push(&[0x04]),
        push(&[0]),
        raw(&[REVERT]),
        Asm::Label("invalid_implementation"),
    ]);
    code.extend(revert_with_word(INVALID_IMPLEMENTATION));
    code.push(Asm::Label("invalid_admin"));
    code.extend(revert_with_word(INVALID_ADMIN));
    assemble(&code)
}

/// The init code that creates a proxy for `implementation` administered by
/// `admin`, recording its creator (see the module's documentation).
pub fn proxy_initcode(implementation: [u8; 20], admin: [u8; 20]) -> Vec<u8> {
    let runtime = runtime_code();
    let prologue = |runtime_offset: u16| {
        use op::*;
        let len = u16::try_from(runtime.len()).expect("runtime under 64 KiB");
        let mut code = vec![
            push(&implementation),
            raw(&[DUP1, EXTCODESIZE, ISZERO]),
            Asm::PushLabel("invalid_implementation"),
            raw(&[JUMPI]),
            raw(&[DUP1]),
            push(&IMPLEMENTATION_SLOT),
            raw(&[SSTORE]),
            push(&UPGRADED_TOPIC),
            push(&[0]),
            push(&[0]),
            raw(&[LOG2]), // Upgraded(implementation)
            push(&admin),
            raw(&[DUP1, ISZERO]),
            Asm::PushLabel("invalid_admin"),
            raw(&[JUMPI]),
            raw(&[DUP1]),
            push(&ADMIN_SLOT),
            raw(&[SSTORE]),
            push(&[0x20]),
            raw(&[MSTORE]), // mem[0..64] = (0, admin)
            push(&ADMIN_CHANGED_TOPIC),
            push(&[0x40]),
            push(&[0]),
            raw(&[LOG1]), // AdminChanged(0, admin)
            raw(&[CALLER]),
            push(&CREATOR_SLOT),
            raw(&[SSTORE]),
            Asm::Raw([&[0x61][..], &len.to_be_bytes()].concat()),
            raw(&[DUP1]),
            Asm::Raw([&[0x61][..], &runtime_offset.to_be_bytes()].concat()),
            push(&[0]),
            raw(&[CODECOPY]),
            push(&[0]),
            raw(&[RETURN]),
            Asm::Label("invalid_implementation"),
        ];
        code.extend(revert_with_word(INVALID_IMPLEMENTATION));
        code.push(Asm::Label("invalid_admin"));
        code.extend(revert_with_word(INVALID_ADMIN));
        assemble(&code)
    };
    let offset = u16::try_from(prologue(0).len()).expect("prologue under 64 KiB");
    let mut init = prologue(offset);
    init.extend_from_slice(&runtime);
    init
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;

    use super::*;

    #[test]
    fn constants_are_the_erc1967_values() {
        let slot = |name: &str| {
            let hash = alloy_primitives::U256::from_be_bytes(keccak256(name).0);
            (hash - alloy_primitives::U256::from(1)).to_be_bytes::<32>()
        };
        assert_eq!(IMPLEMENTATION_SLOT, slot("eip1967.proxy.implementation"));
        assert_eq!(ADMIN_SLOT, slot("eip1967.proxy.admin"));
        assert_eq!(UPGRADED_TOPIC, keccak256("Upgraded(address)").0);
        assert_eq!(
            ADMIN_CHANGED_TOPIC,
            keccak256("AdminChanged(address,address)").0
        );
        let selector = |signature: &str| <[u8; 4]>::try_from(&keccak256(signature)[..4]).unwrap();
        assert_eq!(
            UPGRADE_TO_AND_CALL,
            selector("upgradeToAndCall(address,bytes)")
        );
        assert_eq!(CHANGE_ADMIN, selector("changeAdmin(address)"));
        assert_eq!(
            INVALID_IMPLEMENTATION,
            selector("ERC1967InvalidImplementation(address)")
        );
        assert_eq!(INVALID_ADMIN, selector("ERC1967InvalidAdmin(address)"));
        assert_eq!(NON_PAYABLE, selector("ERC1967NonPayable()"));
    }

    #[test]
    fn the_proxy_is_a_few_hundred_bytes() {
        let runtime = runtime_code().len();
        let init = proxy_initcode([1; 20], [2; 20]).len();
        println!("proxy runtime {runtime} B, init code {init} B");
        assert!(runtime < 600, "runtime {runtime} B");
        assert!(init < runtime + 320, "init code {init} B");
    }

    #[test]
    fn jumps_land_on_jumpdests() {
        let code = runtime_code();
        // Every PUSH2 followed by JUMP/JUMPI names a JUMPDEST.
        let mut pc = 0;
        let mut jumps = 0;
        while pc < code.len() {
            let op = code[pc];
            if op == 0x61 && matches!(code.get(pc + 3), Some(&op::JUMP | &op::JUMPI)) {
                let target = usize::from(u16::from_be_bytes([code[pc + 1], code[pc + 2]]));
                assert_eq!(code[target], op::JUMPDEST, "jump at {pc} to {target}");
                jumps += 1;
            }
            pc += if (0x60..=0x7f).contains(&op) {
                1 + usize::from(op - 0x5f)
            } else {
                1
            };
        }
        assert_eq!(jumps, 11);
    }

    /// No program of the protocol exports a selector the proxy keeps for
    /// its admin: such a function would be unreachable for the timelock.
    #[test]
    fn no_program_exports_a_reserved_selector() {
        let abi_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../abi");
        let mut checked = 0;
        for entry in std::fs::read_dir(&abi_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let abi: alloy_json_abi::JsonAbi =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for function in abi.functions() {
                let signature = function.signature();
                let selector = <[u8; 4]>::try_from(&keccak256(&signature)[..4]).unwrap();
                assert!(
                    !RESERVED_SELECTORS.contains(&selector),
                    "{} exports {signature}, which the proxy reserves",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 10, "read {checked} ABI files");
    }
}
