//! Checked `a * b / d` with an explicit rounding direction, and the
//! conversions of figures stored in 128 bits.
//!
//! Every share/asset conversion in the protocol goes through [`mul_div`] so
//! that the rounding direction is chosen at the call site, in the protocol's
//! favour, and an overflow is an error the caller turns into a typed revert
//! instead of a panic.

use alloy_primitives::{U128, U256};

/// Which way a division that does not come out even is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Towards zero: used for what the protocol gives out.
    Down,
    /// Away from zero: used for what the protocol takes in.
    Up,
}

/// `a * b / d`, rounded as asked.
///
/// Returns `None` when `d` is zero or `a * b` does not fit in 256 bits. The
/// protocol's products are amounts (below 2^100 wei) times rates or supplies
/// (below 2^100), far inside 256 bits; refusing the rest with a typed error
/// keeps 512-bit division, several kilobytes of code, out of the programs.
#[must_use]
pub fn mul_div(a: U256, b: U256, d: U256, rounding: Rounding) -> Option<U256> {
    if d.is_zero() {
        return None;
    }
    let (quotient, remainder) = a.checked_mul(b)?.div_rem(d);
    round(quotient, remainder, rounding)
}

fn round(quotient: U256, remainder: U256, rounding: Rounding) -> Option<U256> {
    if rounding == Rounding::Up && !remainder.is_zero() {
        quotient.checked_add(U256::from(1))
    } else {
        Some(quotient)
    }
}

/// `x` in 128 bits, if it fits: the contracts store figures two to a slot
/// and refuse, never truncate, one that does not fit.
pub fn to_u128(x: U256) -> Option<U128> {
    u128::try_from(x).ok().map(U128::from)
}

/// A stored 128-bit figure as a 256-bit one.
pub fn from_u128(x: U128) -> U256 {
    U256::from(x.to::<u128>())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U512;
    use proptest::prelude::*;

    use super::*;

    fn u256() -> impl Strategy<Value = U256> {
        any::<[u64; 4]>().prop_map(U256::from_limbs)
    }

    #[test]
    fn divides_and_rounds_small_values() {
        let (seven, two, three) = (U256::from(7), U256::from(2), U256::from(3));
        assert_eq!(
            mul_div(seven, two, three, Rounding::Down),
            Some(U256::from(4))
        );
        assert_eq!(
            mul_div(seven, two, three, Rounding::Up),
            Some(U256::from(5))
        );
        assert_eq!(mul_div(seven, three, three, Rounding::Up), Some(seven));
    }

    #[test]
    fn rejects_zero_divisor_and_overflow() {
        assert_eq!(
            mul_div(U256::from(1), U256::from(1), U256::ZERO, Rounding::Down),
            None
        );
        assert_eq!(
            mul_div(U256::MAX, U256::from(2), U256::from(1), Rounding::Down),
            None
        );
        assert_eq!(
            mul_div(U256::MAX, U256::from(1), U256::MAX, Rounding::Up),
            Some(U256::from(1))
        );
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX, Rounding::Up), None);
    }

    proptest! {
        #[test]
        fn matches_wide_arithmetic(a in u256(), b in u256(), d in u256()) {
            prop_assume!(!d.is_zero());
            let wide = U512::from(a) * U512::from(b);
            let (q, r) = wide.div_rem(U512::from(d));
            let fits = wide <= U512::from(U256::MAX);
            let down = mul_div(a, b, d, Rounding::Down);
            prop_assert_eq!(down.is_some(), fits);
            if let Some(down) = down {
                prop_assert_eq!(U512::from(down), q);
                let up = mul_div(a, b, d, Rounding::Up);
                let expected_up = if r.is_zero() { q } else { q + U512::from(1u8) };
                prop_assert_eq!(up.map(U512::from), (expected_up <= U512::from(U256::MAX)).then_some(expected_up));
            }
        }
    }
}
