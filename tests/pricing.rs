//! Pricing integrity on the devnode (issue 12), through the ABI: a rate the
//! registry refuses, once a keeper reports it, closes every entry point that
//! prices shares; the admin's repricing reaches the vault's books in its own
//! transaction and reopens it; the rate bound is a budget per day that time
//! refills.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use deploy::{
    abi::{IAssetRegistry, IMockLst, IRateSource, IVault, IWithdrawalQueue, ETH},
    client::request,
    Backend, Called, ETHER,
};
use devnode::Devnode;
use e2e::{deployed, event, read, send};

const DAY: u64 = 86_400;

/// The revert data of `call` from `from`, which must revert.
fn revert_of<C: SolCall>(
    node: &mut Devnode,
    from: Address,
    to: Address,
    value: U256,
    call: &C,
) -> Vec<u8> {
    let tx = request(from, Some(to), value, call.abi_encode());
    match Backend::call(node, &tx).expect("a call") {
        Called::Revert(data) => data.to_vec(),
        other => panic!("{} should revert: {other:?}", C::SIGNATURE),
    }
}

/// `rate` moved by `bps` basis points (negative: down).
fn moved(rate: U256, bps: i64) -> U256 {
    let delta = rate * U256::from(bps.unsigned_abs()) / U256::from(10_000);
    if bps >= 0 {
        rate + delta
    } else {
        rate - delta
    }
}

#[test]
fn a_reported_rate_closes_the_vault_until_the_admin_reprices_it() {
    let (mut node, d, config) = deployed(true);
    let admin = config.admin;
    let (lst, source) = d.lst.expect("the devnet deployment lists an LST");
    let (alice, keeper) = (node.accounts()[1], node.accounts()[2]);
    let (vault, registry, queue) = (d.vault, d.asset_registry, d.withdrawal_queue);
    send(
        &mut node,
        alice,
        vault,
        ETHER * U256::from(10),
        &IVault::depositCall {
            assets: ETHER * U256::from(10),
            receiver: alice,
        },
    );
    send(
        &mut node,
        alice,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: alice,
            amount: ETHER * U256::from(10),
        },
    );
    send(
        &mut node,
        alice,
        lst,
        U256::ZERO,
        &IMockLst::approveCall {
            spender: vault,
            value: U256::MAX,
        },
    );
    send(
        &mut node,
        alice,
        vault,
        U256::ZERO,
        &IVault::depositAssetCall {
            asset: lst,
            amount: ETHER * U256::from(10),
            receiver: alice,
            minShares: U256::ZERO,
        },
    );

    // The source falls 10%, twice the bound: no sync takes it ...
    let old = read(&mut node, vault, &IVault::assetTotalsCall { asset: lst }).rate;
    let fallen = moved(old, -1_000);
    send(
        &mut node,
        admin,
        source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: fallen },
    );
    let data = revert_of(
        &mut node,
        keeper,
        vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    assert!(IAssetRegistry::RateOutOfBounds::abi_decode(&data).is_ok());
    // ... and a keeper reports it: the vault closes in the same transaction.
    let mined = send(
        &mut node,
        keeper,
        registry,
        U256::ZERO,
        &IAssetRegistry::reportUnusableRateCall { asset: lst },
    );
    assert_eq!(
        event::<IVault::UnusableRatesSet>(&mined).unusableAssets,
        U256::from(1)
    );
    assert!(read(&mut node, vault, &IVault::withdrawalsPausedCall {}));
    let closed = IVault::RatesUnusable {
        unusableAssets: U256::from(1),
    }
    .abi_encode();
    let data = revert_of(
        &mut node,
        alice,
        vault,
        ETHER,
        &IVault::depositCall {
            assets: ETHER,
            receiver: alice,
        },
    );
    assert_eq!(data, closed);
    let data = revert_of(
        &mut node,
        alice,
        vault,
        U256::ZERO,
        &IVault::depositAssetCall {
            asset: lst,
            amount: ETHER,
            receiver: alice,
            minShares: U256::ZERO,
        },
    );
    assert_eq!(data, closed);
    let request_all = IWithdrawalQueue::requestRedeem_0Call {
        shares: ETHER,
        controller: alice,
        owner: alice,
        payoutAsset: ETH,
    };
    let data = revert_of(&mut node, alice, queue, U256::ZERO, &request_all);
    assert_eq!(data, IWithdrawalQueue::WithdrawalsPaused {}.abi_encode());

    // The admin's repricing reaches the books in its own transaction.
    let mined = send(
        &mut node,
        admin,
        registry,
        U256::ZERO,
        &IAssetRegistry::setRateSourceCall {
            asset: lst,
            rateSource: source,
        },
    );
    assert_eq!(event::<IVault::AssetRevalued>(&mined).rate, fallen);
    assert_eq!(
        read(&mut node, vault, &IVault::assetTotalsCall { asset: lst }).rate,
        fallen
    );
    assert!(!read(&mut node, vault, &IVault::withdrawalsPausedCall {}));
    send(&mut node, alice, queue, U256::ZERO, &request_all);
}

#[test]
fn the_rate_budget_refills_over_a_day() {
    let (mut node, d, config) = deployed(true);
    let admin = config.admin;
    let (lst, source) = d.lst.expect("the devnet deployment lists an LST");
    let keeper = node.accounts()[2];
    let (vault, registry) = (d.vault, d.asset_registry);
    let start = read(
        &mut node,
        registry,
        &IAssetRegistry::assetConfigCall { asset: lst },
    )
    .rate;
    // 4% now spends most of the day's 5%; another 4% is refused ...
    let first = moved(start, 400);
    send(
        &mut node,
        admin,
        source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: first },
    );
    send(
        &mut node,
        keeper,
        vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    let second = moved(first, 400);
    send(
        &mut node,
        admin,
        source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: second },
    );
    let data = revert_of(
        &mut node,
        keeper,
        vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    assert!(IAssetRegistry::RateOutOfBounds::abi_decode(&data).is_ok());
    // ... until the budget has refilled: a day later, it is accepted.
    node.increase_time(DAY);
    node.mine();
    send(
        &mut node,
        admin,
        source,
        U256::ZERO,
        &IRateSource::setRateCall { rate: second },
    );
    send(
        &mut node,
        keeper,
        vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    assert_eq!(
        read(&mut node, vault, &IVault::assetTotalsCall { asset: lst }).rate,
        second
    );
    let status = read(
        &mut node,
        registry,
        &IAssetRegistry::rateStatusCall { asset: lst },
    );
    assert!(!status.unusable);
    assert!(status.budget < status.fullBudget);
}
