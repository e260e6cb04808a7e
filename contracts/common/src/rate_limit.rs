//! The per-time bound on an asset's rate: a budget of relative movement
//! that refills linearly over a day.
//!
//! Each listed asset has a budget, a fraction of its rate in 1e18 units
//! ([`WAD`] = 100%). It is full (`max_change_bps` of the rate) when the
//! asset is listed and refills at `max_change_bps` per [`RATE_PERIOD`],
//! never beyond full. Accepting a new rate spends the relative distance it
//! moves, rounded up. So whoever calls and however often, the accepted rate
//! moves by at most `max_change_bps × (1 + T / RATE_PERIOD)` (summed
//! relative moves) over any span of `T` seconds: one full budget plus what
//! refilled meanwhile. A per-update bound alone allowed any number of
//! in-bound steps in one block.

use alloy_primitives::U256;

use crate::constants::{BPS, WAD};

/// The span over which an empty budget refills to full: one day.
pub const RATE_PERIOD: u64 = 86_400;

/// A full budget for a bound of `max_change_bps`: that fraction of the
/// rate, in 1e18 units. Exact, since `WAD` is a multiple of `BPS`.
#[must_use]
pub fn full_budget(max_change_bps: U256) -> U256 {
    max_change_bps.saturating_mul(WAD / BPS)
}

/// The budget available `elapsed` seconds after it stood at `budget`: the
/// stored budget plus what refilled meanwhile, capped at full.
#[must_use]
pub fn available(budget: U256, elapsed: u64, max_change_bps: U256) -> U256 {
    let full = full_budget(max_change_bps);
    let refilled = full.saturating_mul(U256::from(elapsed)) / U256::from(RATE_PERIOD);
    budget.saturating_add(refilled).min(full)
}

/// The relative distance from `accepted` to `reported`, in 1e18 units,
/// rounded up so that many small moves cannot spend less than one large
/// one. A zero `accepted` rate never occurs (the registry refuses zero
/// rates); it counts as an unbounded move.
#[must_use]
pub fn relative_move(accepted: U256, reported: U256) -> U256 {
    if accepted.is_zero() {
        return U256::MAX;
    }
    let distance = accepted.abs_diff(reported);
    let Some(scaled) = distance.checked_mul(WAD) else {
        return U256::MAX;
    };
    let (quotient, remainder) = scaled.div_rem(accepted);
    if remainder.is_zero() {
        quotient
    } else {
        quotient + U256::from(1)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_full_budget_is_the_bound_and_refills_in_a_period() {
        let bps = U256::from(500);
        assert_eq!(full_budget(bps), WAD / U256::from(20));
        assert_eq!(available(U256::ZERO, 0, bps), U256::ZERO);
        assert_eq!(
            available(U256::ZERO, RATE_PERIOD / 2, bps),
            WAD / U256::from(40)
        );
        assert_eq!(available(U256::ZERO, RATE_PERIOD, bps), full_budget(bps));
        assert_eq!(
            available(full_budget(bps), 10 * RATE_PERIOD, bps),
            full_budget(bps),
            "never beyond full"
        );
    }

    #[test]
    fn a_move_exactly_at_the_bound_fits_a_full_budget() {
        let accepted = U256::from(1_050_000_000_000_000_000u128);
        let at_bound = accepted + accepted * U256::from(500) / BPS;
        assert_eq!(
            relative_move(accepted, at_bound),
            full_budget(U256::from(500))
        );
        assert!(relative_move(accepted, at_bound + U256::from(1)) > full_budget(U256::from(500)));
        assert_eq!(relative_move(U256::ZERO, accepted), U256::MAX);
    }

    proptest! {
        /// Whatever sequence of readings arrives at whatever times, the sum
        /// of the relative moves the budget lets through over a span of `T`
        /// seconds is at most `bound × (1 + T / period)`: the rate bound
        /// holds per unit of time, not per update.
        #[test]
        fn accepted_moves_over_a_span_stay_within_the_per_time_bound(
            bps in 1u64..=2_000,
            steps in proptest::collection::vec((0u64..20_000, -3_000i64..3_000), 1..60),
        ) {
            let bps = U256::from(bps);
            let mut rate = U256::from(1_000_000_000_000_000_000u128);
            let (mut budget, mut at, mut now) = (full_budget(bps), 0u64, 0u64);
            let mut spent = U256::ZERO;
            for (dt, move_bps) in steps {
                now += dt;
                let magnitude = rate * U256::from(move_bps.unsigned_abs()) / BPS;
                let reported = if move_bps >= 0 { rate + magnitude } else { rate - magnitude };
                if reported.is_zero() {
                    continue;
                }
                let have = available(budget, now - at, bps);
                let cost = relative_move(rate, reported);
                if cost <= have {
                    budget = have - cost;
                    at = now;
                    spent += cost;
                    rate = reported;
                }
            }
            // spent ≤ full × (1 + now / period), cross-multiplied.
            let full = full_budget(bps);
            let period = U256::from(RATE_PERIOD);
            prop_assert!(spent * period <= full * (period + U256::from(now)));
        }
    }
}
