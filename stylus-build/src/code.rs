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
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());

    let mut init = Vec::with_capacity(INITCODE_PROLOGUE_LEN + code.len());
    init.push(0x7f); // PUSH32
    init.extend_from_slice(&len);
    init.push(0x80); // DUP1
    init.extend_from_slice(&[0x60, INITCODE_PROLOGUE_LEN as u8]); // PUSH1 offset
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

    /// Executes EVM init code that uses only the opcodes a deploy prologue
    /// needs, and returns the bytes it RETURNs.
    fn run_initcode(init: &[u8]) -> Vec<u8> {
        fn word_to_usize(word: &[u8; 32]) -> usize {
            assert!(word[..24].iter().all(|&b| b == 0), "word too large");
            u64::from_be_bytes(word[24..].try_into().unwrap()) as usize
        }
        let mut stack: Vec<[u8; 32]> = Vec::new();
        let mut memory: Vec<u8> = Vec::new();
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
                    return out;
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
