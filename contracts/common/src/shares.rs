//! Share ↔ asset conversion: the exchange rate of lrETH.
//!
//! `shares = assets × (supply + V) / (total_assets + V)` and back, where `V`
//! ([`VIRTUAL_OFFSET`]) is a virtual position of `V` shares backed by `V` wei
//! that belongs to no one. It makes the first deposit mint at exactly 1 ETH
//! per lrETH, as every liquid restaking token starts, and it makes the
//! first-depositor inflation attack unprofitable: whatever an attacker adds
//! to the assets behind a tiny supply is shared with the virtual position.
//! (The vault's books only move through deposits, rewards, rate updates and
//! slashing, so a plain donation cannot inflate the rate in the first place.)
//!
//! Rounding always favours the protocol: down for what it hands out (shares
//! minted, assets paid), up for what it asks for.
//!
//! One consequence to know: while the rate is below 1 ETH per lrETH (after a
//! slashing), the virtual position is worth less than its V wei, so all real
//! holders together are owed up to V wei (1e3 wei) more than total assets.
//! Payouts are therefore always capped by the liquidity actually set aside.

use alloy_primitives::U256;

use crate::math::{mul_div, Rounding};

/// The virtual shares and virtual wei behind them (10^3, as EigenLayer's
/// strategies use).
pub const VIRTUAL_OFFSET: U256 = U256::from_limbs([1_000, 0, 0, 0]);

/// Shares worth `assets` at a vault holding `total_assets` for `supply` shares.
///
/// `None` on overflow.
#[must_use]
pub fn to_shares(
    assets: U256,
    total_assets: U256,
    supply: U256,
    rounding: Rounding,
) -> Option<U256> {
    mul_div(
        assets,
        supply.checked_add(VIRTUAL_OFFSET)?,
        total_assets.checked_add(VIRTUAL_OFFSET)?,
        rounding,
    )
}

/// Assets behind `shares` at a vault holding `total_assets` for `supply` shares.
///
/// `None` on overflow.
#[must_use]
pub fn to_assets(
    shares: U256,
    total_assets: U256,
    supply: U256,
    rounding: Rounding,
) -> Option<U256> {
    mul_div(
        shares,
        total_assets.checked_add(VIRTUAL_OFFSET)?,
        supply.checked_add(VIRTUAL_OFFSET)?,
        rounding,
    )
}

/// Shares to mint so that they are worth `fee` once minted, at a vault that
/// holds `total_assets` (fee included) for `supply` shares before the mint:
/// `fee × (supply + V) / (total_assets − fee + V)`, rounded down. The other
/// holders keep exactly `total_assets − fee` worth between them.
///
/// `None` on overflow or when `fee` exceeds `total_assets`.
#[must_use]
pub fn fee_shares(fee: U256, total_assets: U256, supply: U256) -> Option<U256> {
    mul_div(
        fee,
        supply.checked_add(VIRTUAL_OFFSET)?,
        total_assets.checked_sub(fee)?.checked_add(VIRTUAL_OFFSET)?,
        Rounding::Down,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ETHER: u128 = 1_000_000_000_000_000_000;

    /// Books of a vault: assets up to 10^9 ETH, supply within a factor of
    /// 1000 of the assets either way (rates from 0.001 to 1000).
    fn books() -> impl Strategy<Value = (U256, U256)> {
        (
            1u128..=1_000_000_000 * ETHER,
            1u128..=1_000_000,
            1u128..=1_000_000,
        )
            .prop_map(|(total, num, den)| {
                let supply = total.saturating_mul(num) / den.max(1);
                (U256::from(total), U256::from(supply.max(1)))
            })
    }

    fn amount() -> impl Strategy<Value = U256> {
        (1u128..=100_000 * ETHER).prop_map(U256::from)
    }

    #[test]
    fn first_deposit_mints_one_to_one() {
        let one = U256::from(ETHER);
        assert_eq!(
            to_shares(one, U256::ZERO, U256::ZERO, Rounding::Down),
            Some(one)
        );
        assert_eq!(
            to_assets(one, U256::ZERO, U256::ZERO, Rounding::Down),
            Some(one)
        );
    }

    #[test]
    fn overflow_is_none() {
        assert_eq!(
            to_shares(U256::MAX, U256::ZERO, U256::MAX, Rounding::Down),
            None
        );
        assert_eq!(fee_shares(U256::from(2), U256::from(1), U256::ZERO), None);
    }

    #[test]
    fn inflation_attack_leaves_victim_shares_and_attacker_at_a_loss() {
        // The attacker mints 1 wei of shares, then (could the books be moved
        // by a donation at all) adds D to the assets behind them.
        let donation = U256::from(10 * ETHER);
        let (total, supply) = (U256::from(1) + donation, U256::from(1));
        let victim_assets = U256::from(ETHER);
        let victim_shares = to_shares(victim_assets, total, supply, Rounding::Down).unwrap();
        assert!(victim_shares > U256::ZERO);
        let total = total + victim_assets;
        let supply = supply + victim_shares;
        let attacker_out = to_assets(U256::from(1), total, supply, Rounding::Down).unwrap();
        assert!(
            attacker_out < donation + U256::from(1),
            "attacker must lose: {attacker_out}"
        );
    }

    proptest! {
        #[test]
        fn deposit_then_redeem_never_returns_more((total, supply) in books(), assets in amount()) {
            let shares = to_shares(assets, total, supply, Rounding::Down).unwrap();
            let back = to_assets(shares, total + assets, supply + shares, Rounding::Down).unwrap();
            prop_assert!(back <= assets);
        }

        #[test]
        fn redeem_then_deposit_never_returns_more_shares((total, supply) in books(), fraction in 1u64..=1000) {
            let shares = supply * U256::from(fraction) / U256::from(1000);
            let assets = to_assets(shares, total, supply, Rounding::Down).unwrap();
            prop_assume!(assets <= total);
            let again = to_shares(assets, total - assets, supply - shares, Rounding::Down).unwrap();
            prop_assert!(again <= shares);
        }

        #[test]
        fn rounding_up_is_at_most_one_above_down((total, supply) in books(), assets in amount()) {
            let down = to_shares(assets, total, supply, Rounding::Down).unwrap();
            let up = to_shares(assets, total, supply, Rounding::Up).unwrap();
            prop_assert!(up == down || up == down + U256::from(1));
            let down = to_assets(assets, total, supply, Rounding::Down).unwrap();
            let up = to_assets(assets, total, supply, Rounding::Up).unwrap();
            prop_assert!(up == down || up == down + U256::from(1));
        }

        /// A deposit never lowers the value of a share held by others: the
        /// rate after, (T + a + V) / (S + s + V), is at least the rate before.
        #[test]
        fn deposits_of_others_never_lower_the_rate((total, supply) in books(), assets in amount()) {
            let shares = to_shares(assets, total, supply, Rounding::Down).unwrap();
            let (t0, s0) = (total + VIRTUAL_OFFSET, supply + VIRTUAL_OFFSET);
            let (t1, s1) = (t0 + assets, s0 + shares);
            // t1 / s1 >= t0 / s0  <=>  t1 * s0 >= t0 * s1
            prop_assert!(t1 * s0 >= t0 * s1);
            // ...and raises a holder's redeemable value by at most one wei.
            let probe = U256::from(ETHER);
            let before = to_assets(probe, total, supply, Rounding::Down).unwrap();
            let after = to_assets(probe, total + assets, supply + shares, Rounding::Down).unwrap();
            prop_assert!(after >= before);
            prop_assert!(after - before <= U256::from(1) + before / U256::from(ETHER));
        }

        #[test]
        fn fee_shares_are_worth_the_fee_at_most((total, supply) in books(), bps in 0u64..=2000) {
            let fee = total * U256::from(bps) / U256::from(10_000);
            let minted = fee_shares(fee, total, supply).unwrap();
            let worth = to_assets(minted, total, supply + minted, Rounding::Down).unwrap();
            prop_assert!(worth <= fee);
            // The others keep what was theirs before the fee, less the fee:
            // S × (T − fee + V) / (S + V), within a rounding unit.
            let others = to_assets(supply, total, supply + minted, Rounding::Down).unwrap();
            let kept = mul_div(total - fee + VIRTUAL_OFFSET, supply, supply + VIRTUAL_OFFSET, Rounding::Down).unwrap();
            prop_assert!(others + U256::from(1) >= kept, "others {} kept {}", others, kept);
            // Rounding the minted shares down leaves the others at most one
            // share's worth more.
            let one_share = (total + VIRTUAL_OFFSET) / (supply + VIRTUAL_OFFSET) + U256::from(1);
            prop_assert!(others <= kept + one_share);
        }
    }
}
