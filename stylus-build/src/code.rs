//! The on-chain encoding of a Stylus program and the init code that stores it.

use std::io;

use brotli::enc::BrotliEncoderParams;

/// The header of a Stylus program's code: `EF F0 00` marks the code as a
/// Stylus program (the `EF` first byte can never start deployable EVM code,
/// EIP-3541), followed by the dictionary byte.
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, STYLUS_DICTIONARY_NONE];

/// Dictionary byte for a stream compressed without a custom dictionary.
/// Nitro also knows `0x01` (its built-in Stylus dictionary), which this crate
/// does not use, as cargo-stylus does not.
pub const STYLUS_DICTIONARY_NONE: u8 = 0x00;

/// Brotli quality used by cargo-stylus (the maximum).
pub const BROTLI_QUALITY: i32 = 11;

/// Brotli window (log2 of its size in bytes) used by cargo-stylus: brotli's
/// default of 22, i.e. 4 MiB, larger than any program, so the whole module
/// can be referenced.
pub const BROTLI_WINDOW: i32 = 22;

/// Version byte that follows the init-code prologue. Stylus reads the
/// deployed code, not the init code, so this byte is never executed; it is
/// kept because cargo-stylus emits it and tools (`cargo stylus verify`)
/// compare init code byte for byte.
pub const STYLUS_VERSION: u8 = 0x00;

/// Length of the init code before the contract code: the 42-byte prologue
/// plus the version byte. The prologue copies code from this offset.
pub const INITCODE_PROLOGUE_LEN: usize = 43;

/// Compresses a prepared module into Stylus contract code:
/// [`STYLUS_PREFIX`] followed by the brotli stream (quality
/// [`BROTLI_QUALITY`], window [`BROTLI_WINDOW`]).
///
/// The output is deterministic, so code hashes are reproducible.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let params = BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..BrotliEncoderParams::default()
    };
    let mut code = STYLUS_PREFIX.to_vec();
    brotli::BrotliCompress(&mut &wasm[..], &mut code, &params)
        .expect("reading from a slice and writing to a Vec cannot fail");
    code
}

/// Inverts [`compress`]: checks the Stylus prefix and decompresses the
/// module. Fails on code that is not a Stylus program without dictionary,
/// or on a corrupt brotli stream.
pub fn decompress(code: &[u8]) -> io::Result<Vec<u8>> {
    let stream = code.strip_prefix(&STYLUS_PREFIX[..]).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "code does not start with the Stylus prefix {}",
                hex(&STYLUS_PREFIX)
            ),
        )
    })?;
    let mut wasm = Vec::new();
    brotli::BrotliDecompress(&mut &stream[..], &mut wasm)?;
    Ok(wasm)
}

/// Storage slot in which [`creator_bound_initcode`] records the account that
/// created the program: keccak256("lrt.creator"). The protocol's
/// constructors (`lrt_common::access::Roles::init`) refuse every caller but
/// the account recorded there, so a constructor cannot be called by someone
/// watching the deployment between its transaction and the constructor's.
pub const CREATOR_SLOT: [u8; 32] = [
    0xab, 0x5e, 0x05, 0x30, 0xbd, 0xf7, 0xda, 0x3b, 0x10, 0xa9, 0xb4, 0x92, 0x54, 0xa7, 0x31, 0x31,
    0xc0, 0xb7, 0xcb, 0x80, 0x13, 0x53, 0x81, 0x3a, 0x52, 0x27, 0x63, 0xd3, 0x15, 0x01, 0x2b, 0x9b,
];

/// Length of the creator-recording instructions [`creator_bound_initcode`]
/// puts before [`deploy_initcode`]'s: `CALLER PUSH32 <slot> SSTORE`.
pub const CREATOR_PROLOGUE_LEN: usize = 35;

/// The init code that deploys `code` and records its creator: `CALLER`
/// stored at [`CREATOR_SLOT`] of the new contract (init code runs in the new
/// contract's context, so this needs no trust in anyone), then
/// [`deploy_initcode`]'s prologue with its copy offset moved past the added
/// instructions.
///
/// ```text
/// 0x00  33                              CALLER
/// 0x01  7f <CREATOR_SLOT>               PUSH32 slot
/// 0x22  55                              SSTORE     storage[slot] = caller
/// 0x23  <deploy_initcode(code), copying from 0x23 + 43>
/// ```
pub fn creator_bound_initcode(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(CREATOR_PROLOGUE_LEN + INITCODE_PROLOGUE_LEN + code.len());
    init.push(0x33); // CALLER
    init.push(0x7f); // PUSH32
    init.extend_from_slice(&CREATOR_SLOT);
    init.push(0x55); // SSTORE
    debug_assert_eq!(init.len(), CREATOR_PROLOGUE_LEN);
    let offset = CREATOR_PROLOGUE_LEN + INITCODE_PROLOGUE_LEN;
    init.extend_from_slice(&initcode_copying_from(code, offset as u8));
    init
}

/// The init code that deploys `code`: when run by CREATE/CREATE2 it returns
/// `code`, which becomes the contract's code; the program must then be
/// activated through ArbWasm.
///
/// Layout (byte for byte what cargo-stylus' `contract_deployment_calldata`
/// emits):
///
/// ```text
/// 0x00  7f <len: 32 bytes, big-endian>  PUSH32 len
/// 0x21  80                              DUP1
/// 0x22  60 2b                           PUSH1 43   (code offset)
/// 0x24  60 00                           PUSH1 0    (memory offset)
/// 0x26  39                              CODECOPY   mem[0..len] = initcode[43..43+len]
/// 0x27  60 00                           PUSH1 0
/// 0x29  f3                              RETURN     mem[0..len]
/// 0x2a  00                              version byte, never executed
/// 0x2b  <code>
/// ```
pub fn deploy_initcode(code: &[u8]) -> Vec<u8> {
    initcode_copying_from(code, INITCODE_PROLOGUE_LEN as u8)
}

/// [`deploy_initcode`]'s prologue copying the code from `offset` of the
/// init code, followed by `code`.
fn initcode_copying_from(code: &[u8], offset: u8) -> Vec<u8> {
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());

    let mut init = Vec::with_capacity(INITCODE_PROLOGUE_LEN + code.len());
    init.push(0x7f); // PUSH32
    init.extend_from_slice(&len);
    init.push(0x80); // DUP1
    init.extend_from_slice(&[0x60, offset]); // PUSH1 offset
    init.extend_from_slice(&[0x60, 0x00]); // PUSH1 0
    init.push(0x39); // CODECOPY
    init.extend_from_slice(&[0x60, 0x00]); // PUSH1 0
    init.push(0xf3); // RETURN
    init.push(STYLUS_VERSION);
    debug_assert_eq!(init.len(), INITCODE_PROLOGUE_LEN);
    init.extend_from_slice(code);
    init
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caller [`run_initcode`] runs init code as.
    const CALLER: [u8; 20] = [0xca; 20];

    /// Executes EVM init code that uses only the opcodes a deploy prologue
    /// needs, as [`CALLER`], and returns the bytes it RETURNs.
    fn run_initcode(init: &[u8]) -> Vec<u8> {
        run_initcode_with_storage(init).0
    }

    /// [`run_initcode`], also returning the storage writes in order.
    #[allow(clippy::type_complexity)]
    fn run_initcode_with_storage(init: &[u8]) -> (Vec<u8>, Vec<([u8; 32], [u8; 32])>) {
        fn word_to_usize(word: &[u8; 32]) -> usize {
            assert!(word[..24].iter().all(|&b| b == 0), "word too large");
            u64::from_be_bytes(word[24..].try_into().unwrap()) as usize
        }
        let mut stack: Vec<[u8; 32]> = Vec::new();
        let mut memory: Vec<u8> = Vec::new();
        let mut storage = Vec::new();
        let mut pc = 0;
        loop {
            let op = *init.get(pc).expect("ran off the end of the init code");
            pc += 1;
            match op {
                0x60..=0x7f => {
                    let n = (op - 0x5f) as usize;
                    let mut word = [0u8; 32];
                    word[32 - n..].copy_from_slice(&init[pc..pc + n]);
                    stack.push(word);
                    pc += n;
                }
                0x80 => stack.push(*stack.last().expect("DUP1 on empty stack")),
                0x33 => {
                    let mut word = [0u8; 32];
                    word[12..].copy_from_slice(&CALLER);
                    stack.push(word);
                }
                0x55 => {
                    let key = stack.pop().expect("SSTORE key");
                    let value = stack.pop().expect("SSTORE value");
                    storage.push((key, value));
                }
                0x39 => {
                    let dest = word_to_usize(&stack.pop().unwrap());
                    let offset = word_to_usize(&stack.pop().unwrap());
                    let size = word_to_usize(&stack.pop().unwrap());
                    if memory.len() < dest + size {
                        memory.resize(dest + size, 0);
                    }
                    for i in 0..size {
                        // EVM semantics: bytes past the end of code read as 0.
                        memory[dest + i] = init.get(offset + i).copied().unwrap_or(0);
                    }
                }
                0xf3 => {
                    let offset = word_to_usize(&stack.pop().unwrap());
                    let size = word_to_usize(&stack.pop().unwrap());
                    let mut out = memory.get(offset..).unwrap_or(&[]).to_vec();
                    out.resize(size, 0);
                    return (out, storage);
                }
                other => panic!("unexpected opcode {other:#04x} at {}", pc - 1),
            }
        }
    }

    #[test]
    fn initcode_returns_exactly_the_code() {
        for len in [0usize, 1, 42, 255, 256, 24_576, 70_000] {
            let code: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let init = deploy_initcode(&code);
            assert_eq!(init.len(), INITCODE_PROLOGUE_LEN + len);
            assert_eq!(run_initcode(&init), code, "len {len}");
        }
    }

    #[test]
    fn creator_bound_initcode_records_the_caller_then_returns_the_code() {
        for len in [0usize, 1, 255, 24_576] {
            let code: Vec<u8> = (0..len).map(|i| (i * 5 + 1) as u8).collect();
            let init = creator_bound_initcode(&code);
            assert_eq!(
                init.len(),
                CREATOR_PROLOGUE_LEN + INITCODE_PROLOGUE_LEN + len
            );
            let (returned, storage) = run_initcode_with_storage(&init);
            assert_eq!(returned, code, "len {len}");
            let mut caller = [0u8; 32];
            caller[12..].copy_from_slice(&CALLER);
            assert_eq!(storage, vec![(CREATOR_SLOT, caller)]);
        }
        // The rest is the plain prologue with its copy offset moved.
        let code = [0xEF, 0xF0, 0x00, 0x00, 0xAA];
        let bound = creator_bound_initcode(&code);
        let plain = deploy_initcode(&code);
        assert_eq!(bound[CREATOR_PROLOGUE_LEN + 0x23], 35 + 43);
        assert_eq!(plain[0x23], 43);
        let mut moved = bound[CREATOR_PROLOGUE_LEN..].to_vec();
        moved[0x23] = 43;
        assert_eq!(moved, plain);
    }

    #[test]
    fn creator_slot_is_the_keccak_of_its_name() {
        assert_eq!(CREATOR_SLOT, alloy_primitives::keccak256(b"lrt.creator").0);
    }

    #[test]
    fn initcode_layout_matches_cargo_stylus() {
        let code = [0xEF, 0xF0, 0x00, 0x00, 0xAA, 0xBB];
        let init = deploy_initcode(&code);
        let mut expected = vec![0x7f];
        expected.extend_from_slice(&[0u8; 31]);
        expected.push(6);
        expected.extend_from_slice(&[0x80, 0x60, 43, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
        expected.extend_from_slice(&code);
        assert_eq!(init, expected);

        // A length above 255 spans several bytes of the PUSH32 immediate.
        let init = deploy_initcode(&vec![0u8; 0x01_02_03]);
        assert_eq!(&init[30..33], &[0x01, 0x02, 0x03]);
        assert!(init[1..30].iter().all(|&b| b == 0));
    }

    #[test]
    fn compress_round_trips_and_has_the_prefix() {
        let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
            .iter()
            .copied()
            .chain((0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()))
            .collect();
        let code = compress(&wasm);
        assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert!(code.len() < wasm.len() / 4, "the input is very repetitive");

        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &code[4..], &mut plain).unwrap();
        assert_eq!(plain, wasm);
        assert_eq!(decompress(&code).unwrap(), wasm);
        assert_eq!(compress(&wasm), code, "compression is deterministic");
    }

    #[test]
    fn decompress_rejects_foreign_code() {
        let code = compress(b"\0asm\x01\0\0\0");
        let mut evm = code.clone();
        evm[0] = 0x60;
        assert!(decompress(&evm).is_err());
        let mut with_dictionary = code.clone();
        with_dictionary[3] = 0x01;
        assert!(decompress(&with_dictionary).is_err());
        let truncated = &code[..code.len() - 1];
        assert!(decompress(truncated).is_err());
    }
}
