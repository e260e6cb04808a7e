//! ArbOS's program table and data pricer, kept in the storage of the ArbOS
//! state account so that activations are journaled, reverted and snapshotted
//! with the rest of the state.

use super::{journal_err, Ctx};
use crate::stylus::params;
use alloy_primitives::{address, keccak256, Address, B256, U256};
use revm::context_interface::{ContextTr, JournalTr};

/// ArbOS's state account (Nitro keeps ArbOS storage under this address).
pub const ARBOS_STATE: Address = address!("A4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");

/// One entry of the program table (Nitro `Program`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub version: u16,
    pub init_cost: u16,
    pub cached_cost: u16,
    pub footprint: u16,
    /// Hours since Arbitrum began, at activation.
    pub activated_at: u32,
    pub asm_estimate_kb: u32,
    pub cached: bool,
}

/// Why a program cannot run (ArbWasm's typed errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramError {
    NotActivated,
    NeedsUpgrade { version: u16, stylus_version: u16 },
    Expired { age: u64 },
}

impl Program {
    fn to_word(self) -> B256 {
        let mut word = [0u8; 32];
        word[0..2].copy_from_slice(&self.version.to_be_bytes());
        word[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        word[4..6].copy_from_slice(&self.cached_cost.to_be_bytes());
        word[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        word[8..11].copy_from_slice(&self.activated_at.to_be_bytes()[1..]);
        word[11..14].copy_from_slice(&self.asm_estimate_kb.to_be_bytes()[1..]);
        word[14] = self.cached as u8;
        B256::from(word)
    }

    fn from_word(word: B256) -> Self {
        let w = word.0;
        let u24 = |b: &[u8]| u32::from_be_bytes([0, b[0], b[1], b[2]]);
        Program {
            version: u16::from_be_bytes([w[0], w[1]]),
            init_cost: u16::from_be_bytes([w[2], w[3]]),
            cached_cost: u16::from_be_bytes([w[4], w[5]]),
            footprint: u16::from_be_bytes([w[6], w[7]]),
            activated_at: u24(&w[8..11]),
            asm_estimate_kb: u24(&w[11..14]),
            cached: w[14] != 0,
        }
    }

    /// Seconds since activation at `time`.
    pub fn age(&self, time: u64) -> u64 {
        let activated = params::ARBITRUM_START_TIME.saturating_add(self.activated_at as u64 * 3600);
        time.saturating_sub(activated)
    }

    /// Whether the activation ran out at `time`.
    pub fn expired(&self, time: u64) -> bool {
        self.activated_at == 0 || self.age(time) > params::EXPIRY_DAYS as u64 * 86_400
    }

    /// Checks the program can run at `time` (Nitro `getActiveProgram`).
    pub fn check_active(&self, time: u64) -> Result<(), ProgramError> {
        if self.version == 0 {
            return Err(ProgramError::NotActivated);
        }
        if self.version != params::STYLUS_VERSION {
            return Err(ProgramError::NeedsUpgrade {
                version: self.version,
                stylus_version: params::STYLUS_VERSION,
            });
        }
        if self.age(time) > params::EXPIRY_DAYS as u64 * 86_400 {
            return Err(ProgramError::Expired {
                age: self.age(time),
            });
        }
        Ok(())
    }

    /// Native size estimate in bytes.
    pub fn asm_size(&self) -> u32 {
        self.asm_estimate_kb.saturating_mul(1024)
    }
}

/// Hours since Arbitrum began at `time` (Nitro `hoursSinceArbitrum`).
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(params::ARBITRUM_START_TIME) / 3600).min(0xFF_FFFF) as u32
}

fn program_key(codehash: B256) -> U256 {
    let mut preimage = b"stylus.program".to_vec();
    preimage.extend_from_slice(codehash.as_slice());
    keccak256(preimage).into()
}

fn demand_key() -> U256 {
    keccak256(b"stylus.dataPricer.demand").into()
}

fn last_update_key() -> U256 {
    keccak256(b"stylus.dataPricer.lastUpdateTime").into()
}

fn read(ctx: &mut Ctx, key: U256) -> U256 {
    let journal = ctx.journal_mut();
    journal
        .load_account(ARBOS_STATE)
        .unwrap_or_else(journal_err);
    journal
        .sload(ARBOS_STATE, key)
        .unwrap_or_else(journal_err)
        .data
}

fn write(ctx: &mut Ctx, key: U256, value: U256) {
    let journal = ctx.journal_mut();
    journal
        .load_account(ARBOS_STATE)
        .unwrap_or_else(journal_err);
    journal
        .sstore(ARBOS_STATE, key, value)
        .unwrap_or_else(journal_err);
}

/// Reads the program entry of `codehash` (all zero if never activated).
pub fn get_program(ctx: &mut Ctx, codehash: B256) -> Program {
    Program::from_word(B256::from(read(ctx, program_key(codehash))))
}

/// Writes the program entry of `codehash`.
pub fn set_program(ctx: &mut Ctx, codehash: B256, program: Program) {
    write(ctx, program_key(codehash), program.to_word().into());
}

const ONE_IN_BIPS: u128 = 10_000;
// Nitro's initial data-pricer state (arbos/programs/data_pricer.go): a 1 TiB
// yearly footprint refilled each second, 5 MB = $1, expensive at 1 TiB.
const INITIAL_BYTES_PER_SECOND: u64 = (1 << 40) / (365 * 24) / 3600;
const INITIAL_LAST_UPDATE_TIME: u64 = 1_421_388_000;
const INITIAL_MIN_PRICE: u64 = 82_928_201;
const INITIAL_INERTIA: u64 = 21_360_419;

/// Nitro's `ApproxExpBasisPoints`: e^(value / 10000) in basis points, by a Taylor
/// series of `accuracy` terms in Horner form.
fn approx_exp_basis_points(value: u128, accuracy: u128) -> u128 {
    let mut res = ONE_IN_BIPS + value / accuracy;
    let mut i = accuracy - 1;
    while i > 0 {
        res = ONE_IN_BIPS + res.saturating_mul(value) / (i * ONE_IN_BIPS);
        i -= 1;
    }
    res
}

/// Nitro's data pricer (`DataPricer.UpdateModel`): demand decays by
/// `bytesPerSecond` since the last update, grows by `temp_bytes`, and prices
/// each byte at `minPrice * e^(demand / inertia)`. Returns the fee in wei.
pub fn data_fee(ctx: &mut Ctx, temp_bytes: u32, time: u64) -> U256 {
    let demand = read(ctx, demand_key()).saturating_to::<u32>();
    let last_update = match read(ctx, last_update_key()).saturating_to::<u64>() {
        0 => INITIAL_LAST_UPDATE_TIME,
        stored => stored,
    };
    let passed = u32::try_from(time.saturating_sub(last_update)).unwrap_or(u32::MAX);
    let credit = (INITIAL_BYTES_PER_SECOND as u32).saturating_mul(passed);
    let demand = demand.saturating_sub(credit).saturating_add(temp_bytes);
    write(ctx, demand_key(), U256::from(demand));
    write(ctx, last_update_key(), U256::from(time));

    let exponent = ONE_IN_BIPS * demand as u128 / INITIAL_INERTIA as u128;
    let multiplier = approx_exp_basis_points(exponent, 12) as u64;
    let cost_per_byte = INITIAL_MIN_PRICE.saturating_mul(multiplier) / ONE_IN_BIPS as u64;
    U256::from(cost_per_byte.saturating_mul(temp_bytes as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_word_round_trips() {
        let program = Program {
            version: 2,
            init_cost: 0x1234,
            cached_cost: 0x5678,
            footprint: 3,
            activated_at: 0xABCDEF,
            asm_estimate_kb: 0x010203,
            cached: true,
        };
        assert_eq!(Program::from_word(program.to_word()), program);
    }

    #[test]
    fn data_fee_follows_demand() {
        use revm::database::CacheDB;
        let mut ctx: Ctx = revm::context::Context::new(
            CacheDB::new(super::super::SharedState::default()),
            super::super::SPEC,
        );
        let time = 1_800_000_000;
        // Nitro's initial state: 1 TiB a year is 34,865 bytes per second.
        assert_eq!(INITIAL_BYTES_PER_SECOND, 34_865);
        // Demand 600,000 bytes: exponent 10000 * 600000 / 21360419 = 280 bips,
        // e^0.028 = 10283 bips, 82928201 * 10283 / 10000 = 85275069 wei per byte.
        assert_eq!(10_000 * 600_000 / INITIAL_INERTIA, 280);
        assert_eq!(approx_exp_basis_points(280, 12), 10_283);
        assert_eq!(
            data_fee(&mut ctx, 600_000, time),
            U256::from(85_275_069u64 * 600_000)
        );
        // A second activation in the same second adds to the demand: 1,200,000
        // bytes, exponent 561 bips, e^0.0561 = 10576 bips.
        assert_eq!(approx_exp_basis_points(561, 12), 10_576);
        let per_byte = 82_928_201u64 * 10_576 / 10_000;
        assert_eq!(
            data_fee(&mut ctx, 600_000, time),
            U256::from(per_byte * 600_000)
        );
        // An hour later (125,514,000 bytes of credit) the demand has drained
        // back to the new bytes alone.
        assert_eq!(
            data_fee(&mut ctx, 600_000, time + 3_600),
            U256::from(85_275_069u64 * 600_000)
        );
    }

    #[test]
    fn exp_of_zero_is_one() {
        assert_eq!(approx_exp_basis_points(0, 12), 10_000);
        // e^1 ≈ 2.7182
        assert_eq!(approx_exp_basis_points(10_000, 12), 27_182);
    }
}
