//! lrETH's rate as lending markets and AMMs read it, on the devnode: the
//! rate provider's `getRate()` and `latestRoundData()` against the vault's
//! books and its valuation time, the vault's ERC-4626 views, and every
//! program's ERC-165 answers, all through the exported ABI.

use alloy_primitives::{aliases::U80, Address, FixedBytes, I256, U256};
use deploy::{
    abi::{IErc20, IRateProvider, IVault, IWithdrawalQueue, ETH},
    transact, Deployment, ETHER,
};
use devnode::Devnode;
use e2e::{deployed, event, read, send};

/// `totalAssets × 1e18 / totalSupply` as the vault and lrETH report them,
/// 1e18 with no supply.
fn expected_rate(node: &mut Devnode, d: &Deployment) -> U256 {
    let total = read(node, d.vault, &IVault::totalAssetsCall {});
    let supply = read(node, d.token, &IErc20::totalSupplyCall {});
    if supply.is_zero() {
        ETHER
    } else {
        total * ETHER / supply
    }
}

fn rate(node: &mut Devnode, d: &Deployment) -> U256 {
    read(node, d.rate_provider, &IRateProvider::getRateCall {})
}

fn supports(node: &mut Devnode, program: Address, id: u32) -> bool {
    let call = IVault::supportsInterfaceCall {
        interfaceId: FixedBytes(id.to_be_bytes()),
    };
    read(node, program, &call)
}

#[test]
fn the_rate_provider_follows_the_books_and_stamps_each_valuation() {
    let (mut node, d, config) = deployed(false);
    let admin = config.deployer;
    let alice = node.accounts()[1];

    // The deployment records the provider, pointed at the vault and lrETH.
    assert_eq!(
        read(&mut node, d.rate_provider, &IRateProvider::vaultCall {}),
        d.vault
    );
    assert_eq!(
        read(&mut node, d.rate_provider, &IRateProvider::shareCall {}),
        d.token
    );
    assert_eq!(
        read(&mut node, d.rate_provider, &IRateProvider::decimalsCall {}),
        18
    );
    assert_eq!(
        read(
            &mut node,
            d.rate_provider,
            &IRateProvider::descriptionCall {}
        ),
        "lrETH / ETH exchange rate"
    );
    assert_eq!(
        read(&mut node, d.rate_provider, &IRateProvider::versionCall {}),
        U256::from(1)
    );

    // No lrETH yet: 1e18, stamped with the vault's construction.
    assert_eq!(rate(&mut node, &d), ETHER);
    let constructed_at = read(&mut node, d.vault, &IVault::valuationUpdatedAtCall {});
    assert!(constructed_at > 0);

    send(
        &mut node,
        alice,
        d.vault,
        ETHER * U256::from(10),
        &IVault::depositCall {
            assets: ETHER * U256::from(10),
            receiver: alice,
        },
    );
    assert_eq!(rate(&mut node, &d), ETHER);
    // A deposit of ETH values nothing anew.
    assert_eq!(
        read(&mut node, d.vault, &IVault::valuationUpdatedAtCall {}),
        constructed_at
    );

    // A reward report an hour later moves the rate and the valuation time.
    let report_at = constructed_at + 3_600;
    node.set_next_block_timestamp(report_at).unwrap();
    let rewards = ETHER / U256::from(20);
    let mined = send(
        &mut node,
        admin,
        d.vault,
        rewards,
        &IVault::distributeRewardsCall {},
    );
    let stamped = event::<IVault::ValuationUpdated>(&mined);
    assert_eq!(stamped.updatedAt, report_at);
    assert_eq!(
        read(&mut node, d.vault, &IVault::valuationUpdatedAtCall {}),
        report_at
    );
    let expected = expected_rate(&mut node, &d);
    assert_eq!(rate(&mut node, &d), expected);
    assert_eq!(expected, ETHER * U256::from(1_005) / U256::from(1_000));

    let round = read(
        &mut node,
        d.rate_provider,
        &IRateProvider::latestRoundDataCall {},
    );
    assert_eq!(round.answer, I256::try_from(expected).unwrap());
    assert_eq!(round.updatedAt, U256::from(report_at));
    assert_eq!(round.startedAt, U256::from(report_at));
    assert_eq!(round.roundId, U80::from(report_at));
    assert_eq!(round.answeredInRound, round.roundId);

    // Only the latest round is kept.
    let latest = read(
        &mut node,
        d.rate_provider,
        &IRateProvider::getRoundDataCall {
            roundId: round.roundId,
        },
    );
    assert_eq!(latest.answer, round.answer);
    let older = IRateProvider::getRoundDataCall {
        roundId: U80::from(constructed_at),
    };
    let error = transact(&mut node, alice, d.rate_provider, U256::ZERO, &older).unwrap_err();
    assert_eq!(
        error.decode::<IRateProvider::NoDataPresent>(),
        Some(IRateProvider::NoDataPresent {
            roundId: U256::from(constructed_at)
        })
    );

    // A check of the LST's rate ten minutes later confirms the valuation.
    let lst = d.lst().unwrap();
    let synced_at = report_at + 600;
    node.set_next_block_timestamp(synced_at).unwrap();
    send(
        &mut node,
        alice,
        d.vault,
        U256::ZERO,
        &IVault::syncAssetRateCall { asset: lst },
    );
    let round = read(
        &mut node,
        d.rate_provider,
        &IRateProvider::latestRoundDataCall {},
    );
    assert_eq!(round.updatedAt, U256::from(synced_at));
    assert_eq!(
        round.answer,
        I256::try_from(expected).unwrap(),
        "the rate did not move"
    );
}

#[test]
fn vault_erc4626_views_for_eth() {
    let (mut node, d, _) = deployed(false);
    let alice = node.accounts()[1];
    send(
        &mut node,
        alice,
        d.vault,
        ETHER * U256::from(4),
        &IVault::depositCall {
            assets: ETHER * U256::from(4),
            receiver: alice,
        },
    );
    let shares = ETHER;
    let preview = read(&mut node, d.vault, &IVault::previewRedeemCall { shares });
    let converted = read(&mut node, d.vault, &IVault::convertToAssetsCall { shares });
    assert_eq!(preview, converted);
    assert_eq!(preview, ETHER, "1 lrETH is worth 1 ETH before any reward");
    assert_eq!(read(&mut node, d.vault, &IVault::shareCall {}), d.token);
    // maxDeposit(receiver) is the per-asset maxDeposit for ETH.
    let standard = read(
        &mut node,
        d.vault,
        &IVault::maxDeposit_1Call { receiver: alice },
    );
    let per_asset = read(
        &mut node,
        d.vault,
        &IVault::maxDeposit_0Call {
            asset: ETH,
            receiver: alice,
        },
    );
    assert_eq!(standard, per_asset);
    assert!(standard > U256::ZERO);
}

#[test]
fn every_program_answers_erc165_for_what_it_implements() {
    let (mut node, d, _) = deployed(false);
    const ERC165: u32 = 0x01ff_c9a7;
    const NONE: u32 = 0xffff_ffff;
    let claims: [(&str, Address, &[u32]); 4] = [
        // ERC-165, IRateProvider
        ("vault", d.vault, &[ERC165, 0x679a_efce]),
        // ERC-165, ERC-20, ERC-20 metadata, EIP-2612
        (
            "token",
            d.token,
            &[ERC165, 0x3637_2b07, 0xa219_a025, 0x9d8f_f7da],
        ),
        // ERC-165, ERC-7540 asynchronous redemption
        (
            "withdrawal queue",
            d.withdrawal_queue,
            &[ERC165, 0x620e_e8e4],
        ),
        // ERC-165, IRateProvider, AggregatorV3Interface
        (
            "rate provider",
            d.rate_provider,
            &[ERC165, 0x679a_efce, 0x7385_1258],
        ),
    ];
    for (name, program, ids) in claims {
        for &id in ids {
            assert!(
                supports(&mut node, program, id),
                "{name} supports {id:#010x}"
            );
        }
        assert!(
            !supports(&mut node, program, NONE),
            "{name} never supports 0xffffffff"
        );
    }
    // The vault is not a full ERC-7575 vault (redemption goes through the
    // queue): it does not claim that id.
    assert!(!supports(&mut node, d.vault, 0x2f0a_18c5));
}

#[test]
fn erc7540_request_redeem_pays_in_eth() {
    let (mut node, d, _) = deployed(false);
    let alice = node.accounts()[1];
    send(
        &mut node,
        alice,
        d.vault,
        ETHER * U256::from(2),
        &IVault::depositCall {
            assets: ETHER * U256::from(2),
            receiver: alice,
        },
    );
    let mined = send(
        &mut node,
        alice,
        d.withdrawal_queue,
        U256::ZERO,
        // The three-argument form, ERC-7540's (the second overload).
        &IWithdrawalQueue::requestRedeem_1Call {
            shares: ETHER,
            controller: alice,
            owner: alice,
        },
    );
    let request = event::<IWithdrawalQueue::RedeemRequest>(&mined);
    let stored = read(
        &mut node,
        d.withdrawal_queue,
        &IWithdrawalQueue::getRequestCall {
            requestId: request.requestId,
        },
    );
    assert_eq!(stored.payoutAsset, ETH);
    assert_eq!(stored.shares, ETHER);
}
