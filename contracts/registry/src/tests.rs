//! The asset registry against a real rate source contract: listing and its
//! input checks, the asset managers' and the admin's settings, and the rate
//! checks (staleness, per-update bound, bad answers) of `refreshRate` and
//! `currentRate`.
//!
//! Failed calls are unwrapped as plain `Result`s, without motsu's revert, so
//! that the "nothing changed" checks after them hold only if the contract
//! validates everything before it writes.

use alloy_primitives::{keccak256, uint, B256};
use alloy_sol_types::SolError;
use lrt_common::{access::AccessControlUnauthorizedAccount, rate_limit::full_budget};
use lrt_rate_source::RateSource;
use motsu::prelude::*;
use proptest::prelude::*;

use super::*;

/// motsu's block time (fixed: 2025-01-01T00:00:00Z).
const NOW: u64 = 1_735_689_600;
const RATE: U256 = uint!(1_050_000_000_000_000_000_U256);
const CAP: U256 = uint!(1_000_000_000_000_000_000_000_U256);
const STALENESS: u64 = 3_600;
/// 1%.
const BOUND_BPS: U256 = uint!(100_U256);

type Config = (bool, bool, Address, U256, u64, U256, U256, U256);

fn setup(
    registry: &Contract<AssetRegistry>,
    source: &Contract<RateSource>,
    admin: Address,
    manager: Address,
) {
    source.sender(admin).constructor(admin, RATE).motsu_unwrap();
    registry.sender(admin).constructor(admin).motsu_unwrap();
    registry
        .sender(admin)
        .grant_role(ASSET_MANAGER_ROLE, manager)
        .motsu_unwrap();
}

fn list(
    registry: &Contract<AssetRegistry>,
    source: &Contract<RateSource>,
    manager: Address,
    asset: Address,
) {
    registry
        .sender(manager)
        .add_asset(asset, source.address(), CAP, STALENESS, BOUND_BPS)
        .motsu_unwrap();
}

/// `rate` scaled by `1 ± bps/10000`, exact for the rates used here.
fn moved(rate: U256, bps: i64) -> U256 {
    let scaled = rate * U256::from(10_000 + bps.unsigned_abs()) / BPS;
    if bps >= 0 {
        scaled
    } else {
        rate - (scaled - rate)
    }
}

/// The call's error, left unreverted (see the module comment).
#[track_caller]
fn rejected<T: core::fmt::Debug>(result: Result<T, Error>) -> Error {
    result.expect_err("the call should fail")
}

/// Asserts `err` is exactly `expected` (same error, same values) and that the
/// compact revert data equals alloy's encoding of it.
#[track_caller]
fn assert_error<E: SolError>(err: Error, expected: E) {
    let reference = expected.abi_encode();
    if !matches!(err, Error::Access(_)) {
        assert_eq!(err.reference_encoding(), reference, "got {err:?}");
    }
    assert_eq!(Vec::<u8>::from(err), reference);
}

#[track_caller]
fn assert_unauthorized(err: Error, account: Address, needed_role: B256) {
    assert!(
        matches!(&err, Error::Access(AccessError::Unauthorized(_))),
        "got {err:?}"
    );
    assert_error(
        err,
        AccessControlUnauthorizedAccount {
            account,
            needed_role,
        },
    );
}

/// Everything observable about the registry's state for `asset`.
fn snapshot(registry: &Contract<AssetRegistry>, asset: Address) -> (Vec<Address>, Config, usize) {
    let anyone = Address::repeat_byte(0x99);
    (
        registry.sender(anyone).assets(),
        registry.sender(anyone).asset_config(asset),
        registry.all_events().len(),
    )
}

#[motsu::test]
fn add_asset_lists_enables_and_accepts_the_source_rate(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    assert_eq!(
        registry.sender(admin).asset_config(asset),
        Default::default()
    );
    list(&registry, &source, manager, asset);

    assert_eq!(registry.sender(admin).assets(), vec![asset]);
    assert_eq!(
        registry.sender(admin).asset_config(asset),
        (
            true,
            true,
            source.address(),
            CAP,
            STALENESS,
            BOUND_BPS,
            RATE,
            U256::from(NOW)
        )
    );
    registry.assert_emitted(&AssetListed {
        asset,
        rate_source: source.address(),
        deposit_cap: CAP,
        max_staleness: STALENESS,
        max_change_bps: BOUND_BPS,
        rate: RATE,
    });
    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap(),
        (RATE, CAP, true)
    );
}

#[motsu::test]
fn add_asset_rejects_caller_without_asset_manager_role(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    stranger: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let before = snapshot(&registry, asset);
    let err = rejected(registry.sender(stranger).add_asset(
        asset,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_unauthorized(err, stranger, ASSET_MANAGER_ROLE);
    // The admin grants the role but does not hold it.
    let err = rejected(registry.sender(admin).add_asset(
        asset,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_unauthorized(err, admin, ASSET_MANAGER_ROLE);
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn add_asset_rejects_zero_and_eth_placeholder_addresses(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let before = snapshot(&registry, asset);
    for bad in [Address::ZERO, ETH] {
        let err = rejected(registry.sender(manager).add_asset(
            bad,
            source.address(),
            CAP,
            STALENESS,
            BOUND_BPS,
        ));
        assert_error(err, InvalidAddress { account: bad });
        let err = rejected(
            registry
                .sender(manager)
                .add_asset(asset, bad, CAP, STALENESS, BOUND_BPS),
        );
        assert_error(err, InvalidAddress { account: bad });
        assert_eq!(snapshot(&registry, bad).1, Config::default());
    }
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn add_asset_rejects_an_asset_listed_already(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    other_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    other_source
        .sender(admin)
        .constructor(admin, RATE * U256::from(2))
        .motsu_unwrap();
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    let err = rejected(registry.sender(manager).add_asset(
        asset,
        other_source.address(),
        U256::from(1),
        1,
        U256::from(1),
    ));
    assert_error(err, AssetAlreadyListed { asset });
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn add_asset_stops_at_max_assets(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
) {
    setup(&registry, &source, admin, manager);
    let assets: Vec<Address> = (1..=MAX_ASSETS as u8).map(Address::repeat_byte).collect();
    for asset in &assets {
        list(&registry, &source, manager, *asset);
    }
    assert_eq!(registry.sender(admin).assets(), assets);

    let one_more = Address::repeat_byte(0xf0);
    let before = snapshot(&registry, one_more);
    let err = rejected(registry.sender(manager).add_asset(
        one_more,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_error(
        err,
        TooManyAssets {
            max: U256::from(MAX_ASSETS),
        },
    );
    assert_eq!(snapshot(&registry, one_more), before);
}

#[motsu::test]
fn add_asset_rejects_invalid_rate_limits(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let before = snapshot(&registry, asset);
    for (max_staleness, max_change_bps) in [
        (0, BOUND_BPS),
        (STALENESS, U256::ZERO),
        (STALENESS, BPS + U256::from(1)),
        (STALENESS, U256::MAX),
    ] {
        let err = rejected(registry.sender(manager).add_asset(
            asset,
            source.address(),
            CAP,
            max_staleness,
            max_change_bps,
        ));
        assert_error(
            err,
            InvalidRateLimits {
                max_staleness,
                max_change_bps,
            },
        );
    }
    assert_eq!(snapshot(&registry, asset), before);

    // The extremes of the valid ranges are accepted.
    registry
        .sender(manager)
        .add_asset(asset, source.address(), CAP, 1, BPS)
        .motsu_unwrap();
    assert_eq!(registry.sender(admin).asset_config(asset).4, 1);
    assert_eq!(registry.sender(admin).asset_config(asset).5, BPS);
}

#[motsu::test]
fn add_asset_rejects_a_stale_source(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let updated_at = U256::from(NOW - STALENESS - 1);
    source
        .sender(admin)
        .set_rate_at(RATE, updated_at)
        .motsu_unwrap();
    let before = snapshot(&registry, asset);
    let err = rejected(registry.sender(manager).add_asset(
        asset,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_error(
        err,
        StaleRate {
            asset,
            updated_at,
            now: U256::from(NOW),
            max_staleness: STALENESS,
        },
    );
    assert_eq!(snapshot(&registry, asset), before);

    // Exactly as old as the limit allows is still fresh.
    source
        .sender(admin)
        .set_rate_at(RATE, U256::from(NOW - STALENESS))
        .motsu_unwrap();
    list(&registry, &source, manager, asset);
    assert_eq!(
        registry.sender(admin).asset_config(asset).7,
        U256::from(NOW - STALENESS)
    );
}

#[motsu::test]
fn add_asset_rejects_a_rate_from_the_future(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let updated_at = U256::from(NOW + 1);
    source
        .sender(admin)
        .set_rate_at(RATE, updated_at)
        .motsu_unwrap();
    let before = snapshot(&registry, asset);
    let err = rejected(registry.sender(manager).add_asset(
        asset,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_error(
        err,
        InvalidRate {
            asset,
            rate: RATE,
            updated_at,
        },
    );
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn add_asset_rejects_a_zero_rate(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    empty_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    // A source that was never set answers (0, 0); a real feed can do the same.
    let before = snapshot(&registry, asset);
    let err = rejected(registry.sender(manager).add_asset(
        asset,
        empty_source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_error(
        err,
        InvalidRate {
            asset,
            rate: U256::ZERO,
            updated_at: U256::ZERO,
        },
    );
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn add_asset_rejects_a_source_that_does_not_answer(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    not_a_source: Contract<AssetRegistry>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    let err = rejected(registry.sender(manager).add_asset(
        asset,
        not_a_source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_error(
        err,
        InvalidRate {
            asset,
            rate: U256::ZERO,
            updated_at: U256::ZERO,
        },
    );
    assert!(registry.sender(admin).assets().is_empty());
}

#[motsu::test]
fn assets_are_listed_in_listing_order_and_stay_listed_when_disabled(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
) {
    setup(&registry, &source, admin, manager);
    let order = [
        Address::repeat_byte(0xcc),
        Address::repeat_byte(0xaa),
        Address::repeat_byte(0xbb),
    ];
    for asset in order {
        list(&registry, &source, manager, asset);
    }
    registry
        .sender(manager)
        .set_asset_enabled(order[1], false)
        .motsu_unwrap();
    assert_eq!(registry.sender(admin).assets(), order.to_vec());
    assert!(registry.sender(admin).asset_config(order[1]).0);
}

#[motsu::test]
fn asset_manager_disables_and_enables_deposits(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    registry
        .sender(manager)
        .set_asset_enabled(asset, false)
        .motsu_unwrap();
    registry.assert_emitted(&AssetEnabledSet {
        asset,
        enabled: false,
    });
    let config = registry.sender(admin).asset_config(asset);
    assert!(config.0 && !config.1, "still listed, no longer enabled");
    // A disabled asset is still valued: the vault may hold it.
    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap(),
        (RATE, CAP, false)
    );

    registry
        .sender(manager)
        .set_asset_enabled(asset, true)
        .motsu_unwrap();
    registry.assert_emitted(&AssetEnabledSet {
        asset,
        enabled: true,
    });
    assert_eq!(
        registry.sender(admin).current_rate(asset).motsu_unwrap(),
        (RATE, CAP, true)
    );
}

#[motsu::test]
fn asset_manager_sets_deposit_cap(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let cap = U256::from(7);
    registry
        .sender(manager)
        .set_deposit_cap(asset, cap)
        .motsu_unwrap();
    registry.assert_emitted(&DepositCapSet {
        asset,
        deposit_cap: cap,
    });
    assert_eq!(registry.sender(admin).asset_config(asset).3, cap);
    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap(),
        (RATE, cap, true)
    );
    // Zero is a valid cap: it stops new deposits.
    registry
        .sender(manager)
        .set_deposit_cap(asset, U256::ZERO)
        .motsu_unwrap();
    assert_eq!(registry.sender(admin).asset_config(asset).3, U256::ZERO);
}

#[motsu::test]
fn asset_manager_sets_rate_limits(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    registry
        .sender(manager)
        .set_rate_limits(asset, 60, U256::from(5))
        .motsu_unwrap();
    registry.assert_emitted(&RateLimitsSet {
        asset,
        max_staleness: 60,
        max_change_bps: U256::from(5),
    });
    let config = registry.sender(admin).asset_config(asset);
    assert_eq!((config.4, config.5), (60, U256::from(5)));

    // The new limits apply to the next refresh.
    source
        .sender(admin)
        .set_rate_at(RATE, U256::from(NOW - 61))
        .motsu_unwrap();
    let err = rejected(registry.sender(admin).refresh_rate(asset));
    assert_error(
        err,
        StaleRate {
            asset,
            updated_at: U256::from(NOW - 61),
            now: U256::from(NOW),
            max_staleness: 60,
        },
    );
}

#[motsu::test]
fn set_rate_limits_rejects_invalid_limits_and_unknown_assets(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
    unlisted: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    let err = rejected(
        registry
            .sender(manager)
            .set_rate_limits(asset, 0, BOUND_BPS),
    );
    assert_error(
        err,
        InvalidRateLimits {
            max_staleness: 0,
            max_change_bps: BOUND_BPS,
        },
    );
    let err = rejected(registry.sender(manager).set_rate_limits(
        asset,
        STALENESS,
        BPS + U256::from(1),
    ));
    assert_error(
        err,
        InvalidRateLimits {
            max_staleness: STALENESS,
            max_change_bps: BPS + U256::from(1),
        },
    );
    let err = rejected(
        registry
            .sender(manager)
            .set_rate_limits(unlisted, STALENESS, BOUND_BPS),
    );
    assert_error(err, UnknownAsset { asset: unlisted });
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn settings_reject_unknown_assets(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    unlisted: Address,
) {
    setup(&registry, &source, admin, manager);
    let before = snapshot(&registry, unlisted);
    let err = rejected(registry.sender(manager).set_asset_enabled(unlisted, true));
    assert_error(err, UnknownAsset { asset: unlisted });
    let err = rejected(registry.sender(manager).set_deposit_cap(unlisted, CAP));
    assert_error(err, UnknownAsset { asset: unlisted });
    let err = rejected(
        registry
            .sender(admin)
            .set_rate_source(unlisted, source.address()),
    );
    assert_error(err, UnknownAsset { asset: unlisted });
    let err = rejected(registry.sender(admin).refresh_rate(unlisted));
    assert_error(err, UnknownAsset { asset: unlisted });
    let err = rejected(registry.sender(admin).current_rate(unlisted));
    assert_error(err, UnknownAsset { asset: unlisted });
    assert_eq!(snapshot(&registry, unlisted), before);
}

#[motsu::test]
fn admin_replaces_rate_source_without_the_bound(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    new_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    // Twice the old rate: far beyond the 1% a refresh may move.
    let jumped = RATE * U256::from(2);
    // The admin marks the asset first (closing the vault), as a repricing
    // beyond the budget requires.
    assert_eq!(
        registry
            .sender(admin)
            .report_unusable_rate(asset)
            .motsu_unwrap(),
        U256::from(1)
    );
    new_source
        .sender(admin)
        .constructor(admin, jumped)
        .motsu_unwrap();
    new_source
        .sender(admin)
        .set_rate_at(jumped, U256::from(NOW - 5))
        .motsu_unwrap();
    registry
        .sender(admin)
        .set_rate_source(asset, new_source.address())
        .motsu_unwrap();
    registry.assert_emitted(&RateSourceSet {
        asset,
        rate_source: new_source.address(),
        rate: jumped,
    });
    registry.assert_emitted(&RateRestored {
        asset,
        rate: jumped,
        unusable_assets: U256::ZERO,
    });
    assert_eq!(registry.sender(admin).unusable_assets(), U256::ZERO);
    assert_eq!(
        registry.sender(admin).asset_config(asset),
        (
            true,
            true,
            new_source.address(),
            CAP,
            STALENESS,
            BOUND_BPS,
            jumped,
            U256::from(NOW - 5)
        )
    );
    // Later refreshes read the new source and are bounded around the new rate.
    new_source
        .sender(admin)
        .set_rate(moved(jumped, 100))
        .motsu_unwrap();
    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap().0,
        moved(jumped, 100)
    );
}

#[motsu::test]
fn set_rate_source_is_admin_only(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    new_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    stranger: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    new_source
        .sender(admin)
        .constructor(admin, RATE * U256::from(2))
        .motsu_unwrap();
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    // Moving a rate past the bound is governance's call, not the asset managers'.
    let err = rejected(
        registry
            .sender(manager)
            .set_rate_source(asset, new_source.address()),
    );
    assert_unauthorized(err, manager, ADMIN_ROLE);
    let err = rejected(
        registry
            .sender(stranger)
            .set_rate_source(asset, new_source.address()),
    );
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn set_rate_source_rejects_bad_sources(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    stale_source: Contract<RateSource>,
    empty_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let stale_at = U256::from(NOW - STALENESS - 1);
    stale_source
        .sender(admin)
        .constructor(admin, RATE)
        .motsu_unwrap();
    stale_source
        .sender(admin)
        .set_rate_at(RATE, stale_at)
        .motsu_unwrap();
    let before = snapshot(&registry, asset);

    for bad in [Address::ZERO, ETH] {
        let err = rejected(registry.sender(admin).set_rate_source(asset, bad));
        assert_error(err, InvalidAddress { account: bad });
    }
    let err = rejected(
        registry
            .sender(admin)
            .set_rate_source(asset, stale_source.address()),
    );
    assert_error(
        err,
        StaleRate {
            asset,
            updated_at: stale_at,
            now: U256::from(NOW),
            max_staleness: STALENESS,
        },
    );
    let err = rejected(
        registry
            .sender(admin)
            .set_rate_source(asset, empty_source.address()),
    );
    assert_error(
        err,
        InvalidRate {
            asset,
            rate: U256::ZERO,
            updated_at: U256::ZERO,
        },
    );
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn refresh_rate_accepts_a_fresh_rate_at_the_bound(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    keeper: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let up = moved(RATE, 100);
    assert_eq!((up - RATE) * BPS, RATE * BOUND_BPS, "exactly at the bound");
    source.sender(admin).set_rate(up).motsu_unwrap();
    // Anyone may refresh.
    assert_eq!(
        registry.sender(keeper).refresh_rate(asset).motsu_unwrap(),
        (up, CAP, true)
    );
    registry.assert_emitted(&RateUpdated {
        asset,
        previous: RATE,
        rate: up,
        updated_at: U256::from(NOW),
    });
    assert_eq!(registry.sender(keeper).asset_config(asset).6, up);

    // The move spent the whole day's budget: a second move in the same
    // block is refused, however small and whichever way (the bound holds
    // per unit of time, not per update).
    assert_eq!(
        registry.sender(keeper).rate_status(asset),
        (false, U256::ZERO, full_budget(BOUND_BPS))
    );
    let down = moved(up, -1);
    source.sender(admin).set_rate(down).motsu_unwrap();
    let err = rejected(registry.sender(keeper).refresh_rate(asset));
    assert_error(
        err,
        RateOutOfBounds {
            asset,
            accepted: up,
            reported: down,
            max_change_bps: BOUND_BPS,
        },
    );
    assert_eq!(registry.sender(keeper).asset_config(asset).6, up);
}

#[motsu::test]
fn refresh_rate_rejects_one_wei_beyond_the_bound(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    for reported in [
        moved(RATE, 100) + U256::from(1),
        moved(RATE, -100) - U256::from(1),
    ] {
        source.sender(admin).set_rate(reported).motsu_unwrap();
        let expected = || RateOutOfBounds {
            asset,
            accepted: RATE,
            reported,
            max_change_bps: BOUND_BPS,
        };
        let err = rejected(registry.sender(admin).refresh_rate(asset));
        assert_error(err, expected());
        let err = rejected(registry.sender(admin).current_rate(asset));
        assert_error(err, expected());
        assert_eq!(snapshot(&registry, asset), before);
    }
}

#[motsu::test]
fn refresh_rate_rejects_a_stale_rate(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    let updated_at = U256::from(NOW - STALENESS - 1);
    source
        .sender(admin)
        .set_rate_at(moved(RATE, 10), updated_at)
        .motsu_unwrap();
    let expected = || StaleRate {
        asset,
        updated_at,
        now: U256::from(NOW),
        max_staleness: STALENESS,
    };
    let err = rejected(registry.sender(admin).refresh_rate(asset));
    assert_error(err, expected());
    let err = rejected(registry.sender(admin).current_rate(asset));
    assert_error(err, expected());
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn refresh_rate_rejects_a_rate_from_the_future(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);
    source
        .sender(admin)
        .set_rate_at(RATE, U256::from(NOW + 1))
        .motsu_unwrap();
    let err = rejected(registry.sender(admin).refresh_rate(asset));
    assert_error(
        err,
        InvalidRate {
            asset,
            rate: RATE,
            updated_at: U256::from(NOW + 1),
        },
    );
    assert_eq!(snapshot(&registry, asset), before);
}

#[motsu::test]
fn refresh_rate_with_an_unchanged_rate_only_moves_its_time(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    source
        .sender(admin)
        .set_rate_at(RATE, U256::from(NOW - 100))
        .motsu_unwrap();
    list(&registry, &source, manager, asset);
    let events = registry.all_events().len();

    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap(),
        (RATE, CAP, true)
    );
    assert_eq!(registry.all_events().len(), events, "the rate did not move");

    // The source re-confirms the same rate later: the registry records the
    // newer time (so the asset does not go stale) without a RateUpdated event.
    source.sender(admin).set_rate(RATE).motsu_unwrap();
    registry.sender(admin).refresh_rate(asset).motsu_unwrap();
    let config = registry.sender(admin).asset_config(asset);
    assert_eq!((config.6, config.7), (RATE, U256::from(NOW)));
    assert_eq!(registry.all_events().len(), events);
}

#[motsu::test]
fn current_rate_mirrors_refresh_rate_without_storing(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let next = moved(RATE, 50);
    source.sender(admin).set_rate(next).motsu_unwrap();
    let before = snapshot(&registry, asset);

    let viewed = registry.sender(admin).current_rate(asset).motsu_unwrap();
    assert_eq!(viewed, (next, CAP, true));
    assert_eq!(snapshot(&registry, asset), before, "a view stores nothing");
    assert_eq!(registry.sender(admin).asset_config(asset).6, RATE);

    assert_eq!(
        registry.sender(admin).refresh_rate(asset).motsu_unwrap(),
        viewed
    );
    assert_eq!(registry.sender(admin).asset_config(asset).6, next);
}

#[motsu::test]
fn a_bad_rate_blocks_only_its_own_asset(
    registry: Contract<AssetRegistry>,
    good_source: Contract<RateSource>,
    bad_source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    good: Address,
    bad: Address,
) {
    setup(&registry, &good_source, admin, manager);
    bad_source
        .sender(admin)
        .constructor(admin, RATE)
        .motsu_unwrap();
    list(&registry, &good_source, manager, good);
    list(&registry, &bad_source, manager, bad);
    bad_source
        .sender(admin)
        .set_rate(RATE * U256::from(3))
        .motsu_unwrap();
    good_source
        .sender(admin)
        .set_rate(moved(RATE, 1))
        .motsu_unwrap();

    let err = rejected(registry.sender(admin).refresh_rate(bad));
    assert_error(
        err,
        RateOutOfBounds {
            asset: bad,
            accepted: RATE,
            reported: RATE * U256::from(3),
            max_change_bps: BOUND_BPS,
        },
    );
    assert_eq!(
        registry.sender(admin).refresh_rate(good).motsu_unwrap().0,
        moved(RATE, 1)
    );
    // The blocked asset keeps its last accepted rate.
    assert_eq!(registry.sender(admin).asset_config(bad).6, RATE);
}

#[motsu::test]
fn stranger_fails_every_privileged_function_and_changes_nothing(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    stranger: Address,
    asset: Address,
    other: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let before = snapshot(&registry, asset);

    let err = rejected(registry.sender(stranger).add_asset(
        other,
        source.address(),
        CAP,
        STALENESS,
        BOUND_BPS,
    ));
    assert_unauthorized(err, stranger, ASSET_MANAGER_ROLE);
    let err = rejected(registry.sender(stranger).set_asset_enabled(asset, false));
    assert_unauthorized(err, stranger, ASSET_MANAGER_ROLE);
    let err = rejected(registry.sender(stranger).set_deposit_cap(asset, U256::ZERO));
    assert_unauthorized(err, stranger, ASSET_MANAGER_ROLE);
    let err = rejected(
        registry
            .sender(stranger)
            .set_rate_limits(asset, 1, U256::from(1)),
    );
    assert_unauthorized(err, stranger, ASSET_MANAGER_ROLE);
    let err = rejected(
        registry
            .sender(stranger)
            .set_rate_source(asset, source.address()),
    );
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    let err = rejected(registry.sender(stranger).set_vault(stranger));
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    // A stranger's report of a usable rate is refused (the admin's is not).
    let err = rejected(registry.sender(stranger).report_unusable_rate(asset));
    assert_error(err, RateUsable { asset, rate: RATE });

    let role_errors = [
        registry
            .sender(stranger)
            .grant_role(ASSET_MANAGER_ROLE, stranger),
        registry
            .sender(stranger)
            .revoke_role(ASSET_MANAGER_ROLE, manager),
        registry.sender(stranger).begin_admin_transfer(stranger),
    ];
    for result in role_errors {
        let err = result.expect_err("a stranger cannot manage roles");
        assert_unauthorized(Error::Access(err), stranger, ADMIN_ROLE);
    }

    assert_eq!(snapshot(&registry, asset), before);
    assert_eq!(snapshot(&registry, other).1, Config::default());
    assert!(registry.sender(admin).has_role(ASSET_MANAGER_ROLE, manager));
    assert!(!registry
        .sender(admin)
        .has_role(ASSET_MANAGER_ROLE, stranger));
    assert_eq!(registry.sender(admin).pending_admin(), Address::ZERO);
}

#[test]
fn asset_manager_role_constant_is_the_hash_of_its_name() {
    // Deploy scripts and integrators derive the role the same way.
    assert_eq!(ASSET_MANAGER_ROLE, keccak256("ASSET_MANAGER_ROLE"));
}

#[motsu::test]
fn a_refused_reading_is_reported_once_and_lifted_by_an_accepted_one(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    keeper: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    // No vault set yet: nothing holds the asset, nothing is called back.
    let beyond = moved(RATE, 101);
    source.sender(admin).set_rate(beyond).motsu_unwrap();
    assert_eq!(
        registry
            .sender(keeper)
            .report_unusable_rate(asset)
            .motsu_unwrap(),
        U256::from(1)
    );
    registry.assert_emitted(&RateUnusable {
        asset,
        accepted: RATE,
        reported: beyond,
        unusable_assets: U256::from(1),
    });
    let before = snapshot(&registry, asset);
    assert_eq!(
        registry
            .sender(keeper)
            .report_unusable_rate(asset)
            .motsu_unwrap(),
        U256::from(1)
    );
    assert_eq!(
        snapshot(&registry, asset),
        before,
        "a second report changes nothing"
    );
    assert_eq!(
        registry.sender(keeper).rate_status(asset),
        (true, full_budget(BOUND_BPS), full_budget(BOUND_BPS))
    );
    // A reading back within the budget is accepted and lifts the mark.
    let back = moved(RATE, 50);
    source.sender(admin).set_rate(back).motsu_unwrap();
    registry.sender(keeper).refresh_rate(asset).motsu_unwrap();
    registry.assert_emitted(&RateRestored {
        asset,
        rate: back,
        unusable_assets: U256::ZERO,
    });
    assert_eq!(registry.sender(keeper).unusable_assets(), U256::ZERO);
    assert!(!registry.sender(keeper).rate_status(asset).0);
    let err = rejected(registry.sender(keeper).report_unusable_rate(asset));
    assert_error(err, RateUsable { asset, rate: back });
    let err = rejected(registry.sender(keeper).report_unusable_rate(keeper));
    assert_error(err, UnknownAsset { asset: keeper });
}

#[motsu::test]
fn a_repricing_beyond_the_budget_needs_a_report_first(
    registry: Contract<AssetRegistry>,
    source: Contract<RateSource>,
    admin: Address,
    manager: Address,
    vault: Address,
    asset: Address,
) {
    setup(&registry, &source, admin, manager);
    list(&registry, &source, manager, asset);
    let beyond = moved(RATE, 200);
    source.sender(admin).set_rate(beyond).motsu_unwrap();
    let before = snapshot(&registry, asset);
    let err = rejected(
        registry
            .sender(admin)
            .set_rate_source(asset, source.address()),
    );
    assert_error(
        err,
        RepricingNeedsReport {
            asset,
            accepted: RATE,
            reported: beyond,
        },
    );
    assert_eq!(snapshot(&registry, asset), before);
    // Within the budget the admin's repricing spends it like a refresh.
    let within = moved(RATE, 60);
    source.sender(admin).set_rate(within).motsu_unwrap();
    registry
        .sender(admin)
        .set_rate_source(asset, source.address())
        .motsu_unwrap();
    assert_eq!(
        registry.sender(admin).rate_status(asset).1,
        full_budget(BOUND_BPS) - rate_limit_move(RATE, within)
    );

    // The vault is set once, by the admin, and never to zero.
    let err = rejected(registry.sender(admin).set_vault(Address::ZERO));
    assert_error(
        err,
        InvalidAddress {
            account: Address::ZERO,
        },
    );
    registry.sender(admin).set_vault(vault).motsu_unwrap();
    registry.assert_emitted(&VaultSet { vault });
    let err = rejected(registry.sender(admin).set_vault(admin));
    assert_error(err, VaultAlreadySet { vault });
    assert_eq!(registry.sender(admin).vault(), vault);
}

fn rate_limit_move(accepted: U256, reported: U256) -> U256 {
    lrt_common::rate_limit::relative_move(accepted, reported)
}

/// (accepted rate, reported rate, bound in bps): the reported rate is
/// anywhere, near the accepted one, or within a wei of either edge of the
/// bound, so that both outcomes and the boundary are all common.
fn rates() -> impl Strategy<Value = (u128, u128, u64)> {
    // A multiple of 10000 puts a rate exactly on the bound; others fall between.
    let accepted = prop_oneof![
        1u128..(1 << 96),
        (1u128..(1 << 82)).prop_map(|k| k * 10_000)
    ];
    (accepted, 1u64..=10_000).prop_flat_map(|(accepted, bound)| {
        // The largest move the bound allows (rounded down).
        let span = accepted * u128::from(bound) / 10_000;
        let near = accepted.saturating_sub(2 * span + 2).max(1)..=accepted + 2 * span + 2;
        let edges: Vec<u128> = [
            accepted + span - 1,
            accepted + span,
            accepted + span + 1,
            accepted.saturating_sub(span + 1),
            accepted - span,
            accepted - span + 1,
        ]
        .into_iter()
        .map(|rate| rate.max(1))
        .collect();
        let reported = prop_oneof![1u128..(1 << 96), near, prop::sample::select(edges)];
        (Just(accepted), reported, Just(bound))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The registry accepts a reported rate iff
    /// |reported − accepted| × 10000 ≤ accepted × bound, and `currentRate`
    /// agrees with `refreshRate`.
    #[test]
    fn accepts_a_rate_iff_within_the_bound((accepted, reported, bound) in rates()) {
        let registry = Contract::<AssetRegistry>::new();
        let source = Contract::<RateSource>::new();
        let admin = Address::repeat_byte(0xad);
        let manager = Address::repeat_byte(0x4d);
        let asset = Address::repeat_byte(0xa5);
        registry.sender(admin).constructor(admin).motsu_unwrap();
        registry.sender(admin).grant_role(ASSET_MANAGER_ROLE, manager).motsu_unwrap();
        source.sender(admin).constructor(admin, U256::from(accepted)).motsu_unwrap();
        registry
            .sender(manager)
            .add_asset(asset, source.address(), CAP, STALENESS, U256::from(bound))
            .motsu_unwrap();
        source.sender(admin).set_rate(U256::from(reported)).motsu_unwrap();

        let within = reported.abs_diff(accepted) * 10_000 <= accepted * u128::from(bound);
        let viewed = registry.sender(admin).current_rate(asset).motsu_res();
        let refreshed = registry.sender(admin).refresh_rate(asset).motsu_res();
        prop_assert_eq!(viewed.is_ok(), within);
        prop_assert_eq!(refreshed.is_ok(), within);
        let stored = registry.sender(admin).asset_config(asset).6;
        if within {
            prop_assert_eq!(refreshed.unwrap(), viewed.unwrap());
            prop_assert_eq!(stored, U256::from(reported));
        } else {
            let expected = RateOutOfBounds {
                asset,
                accepted: U256::from(accepted),
                reported: U256::from(reported),
                max_change_bps: U256::from(bound),
            }
            .abi_encode();
            prop_assert_eq!(Vec::<u8>::from(refreshed.unwrap_err()), expected);
            prop_assert_eq!(stored, U256::from(accepted));
        }
    }
}
