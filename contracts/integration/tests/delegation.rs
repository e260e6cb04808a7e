//! Operators, delegation, unbonding and slashing across the operator
//! registry, the delegation contract, the vault and the token.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use lrt_common::{
    access::{AccessControlUnauthorizedAccount, AccessError},
    constants::ETH,
    external::ExternalRevert,
    interfaces::{OPERATOR_ACTIVE, OPERATOR_PAUSED, OPERATOR_REMOVED},
    shares::VIRTUAL_OFFSET,
};
use lrt_delegation as delegation;
use lrt_integration::{ether, op, rate, slasher, Protocol, ETHER, EVIDENCE};
use lrt_operator_registry as operators;
use lrt_vault as vault;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

/// The selector of revert data passed on unchanged by another contract.
fn passed_on(err: &vault::Error) -> [u8; 4] {
    match err {
        vault::Error::External(ExternalRevert(data)) => data[..4].try_into().unwrap(),
        other => panic!("expected a passed-on revert, got {other:?}"),
    }
}

// ----- Operator registry -----

#[motsu::test]
fn operator_manager_allow_lists_edits_pauses_and_removes(stranger: Address) {
    let p = Protocol::deploy();
    let r = &p.operators;
    r.sender(p.admin)
        .add_operator(op(1), "ipfs://one".into(), slasher(1), ether(100))
        .motsu_unwrap();
    r.assert_emitted(&operators::OperatorAdded {
        operator: op(1),
        slasher: slasher(1),
        cap: ether(100),
    });
    r.assert_emitted(&operators::OperatorMetadataSet {
        operator: op(1),
        metadata_uri: "ipfs://one".into(),
    });
    assert_eq!(
        r.sender(stranger).operator(op(1)),
        (OPERATOR_ACTIVE, slasher(1), ether(100))
    );

    r.sender(p.admin)
        .set_operator_metadata(op(1), "ipfs://two".into())
        .motsu_unwrap();
    r.assert_emitted(&operators::OperatorMetadataSet {
        operator: op(1),
        metadata_uri: "ipfs://two".into(),
    });
    r.sender(p.admin)
        .set_operator_cap(op(1), ether(5))
        .motsu_unwrap();
    r.assert_emitted(&operators::OperatorCapSet {
        operator: op(1),
        cap: ether(5),
    });
    r.sender(p.admin)
        .set_operator_slasher(op(1), slasher(2))
        .motsu_unwrap();
    r.assert_emitted(&operators::OperatorSlasherSet {
        operator: op(1),
        slasher: slasher(2),
    });
    r.sender(p.admin)
        .set_operator_paused(op(1), true)
        .motsu_unwrap();
    r.assert_emitted(&operators::OperatorPauseSet {
        operator: op(1),
        paused: true,
    });
    assert_eq!(
        r.sender(stranger).operator(op(1)),
        (OPERATOR_PAUSED, slasher(2), ether(5))
    );

    r.sender(p.admin).remove_operator(op(1)).motsu_unwrap();
    r.assert_emitted(&operators::OperatorRemovedEvent { operator: op(1) });
    assert_eq!(r.sender(stranger).operator(op(1)).0, OPERATOR_REMOVED);
    let err = r
        .sender(p.admin)
        .set_operator_cap(op(1), ether(1))
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::OperatorRemoved(_)));

    // A removed operator may come back; it keeps its place in the list.
    r.sender(p.admin)
        .add_operator(op(1), "ipfs://three".into(), slasher(1), ether(1))
        .motsu_unwrap();
    assert_eq!(r.sender(stranger).operator(op(1)).0, OPERATOR_ACTIVE);
    assert_eq!(r.sender(stranger).operator_count(), U256::from(1));
}

#[motsu::test]
fn operator_registry_rejects_bad_input() {
    let p = Protocol::deploy();
    let r = &p.operators;
    let err = r
        .sender(p.admin)
        .add_operator(Address::ZERO, String::new(), slasher(1), ether(1))
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::InvalidAddress(_)));
    let err = r
        .sender(p.admin)
        .add_operator(op(1), String::new(), Address::ZERO, ether(1))
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::InvalidAddress(_)));
    p.add_operator(op(1), slasher(1));
    let err = r
        .sender(p.admin)
        .add_operator(op(1), String::new(), slasher(1), ether(1))
        .motsu_unwrap_err();
    let reference = err.reference_encoding();
    assert!(
        matches!(err, operators::Error::OperatorAlreadyRegistered(operators::OperatorAlreadyRegistered { operator }) if operator == op(1))
    );
    assert_eq!(
        reference,
        operators::OperatorAlreadyRegistered { operator: op(1) }.abi_encode()
    );
    let err = r
        .sender(p.admin)
        .set_operator_cap(op(9), ether(1))
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::UnknownOperator(_)));
    let err = r
        .sender(p.admin)
        .set_operator_slasher(op(1), Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::InvalidAddress(_)));
    let err = r.sender(p.admin).set_delegation(op(5)).motsu_unwrap_err();
    assert!(matches!(err, operators::Error::DelegationAlreadySet(_)));
}

#[motsu::test]
fn operators_are_listed_in_pages() {
    let p = Protocol::deploy();
    for n in 0..5 {
        p.add_operator(op(n), slasher(n));
    }
    let r = &p.operators;
    assert_eq!(
        r.sender(p.admin).operators(U256::ZERO, U256::from(2)),
        vec![op(0), op(1)]
    );
    assert_eq!(
        r.sender(p.admin).operators(U256::from(4), U256::from(10)),
        vec![op(4)]
    );
    assert!(r
        .sender(p.admin)
        .operators(U256::from(9), U256::from(10))
        .is_empty());
    assert_eq!(r.sender(p.admin).operators(U256::ZERO, U256::MAX).len(), 5);
}

#[motsu::test]
fn strangers_cannot_manage_operators_or_delegation(stranger: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    let r = &p.operators;
    let errs = [
        r.sender(stranger)
            .add_operator(op(2), String::new(), slasher(2), ether(1))
            .motsu_unwrap_err(),
        r.sender(stranger)
            .set_operator_metadata(op(1), String::new())
            .motsu_unwrap_err(),
        r.sender(stranger)
            .set_operator_cap(op(1), U256::ZERO)
            .motsu_unwrap_err(),
        r.sender(stranger)
            .set_operator_slasher(op(1), stranger)
            .motsu_unwrap_err(),
        r.sender(stranger)
            .set_operator_paused(op(1), true)
            .motsu_unwrap_err(),
        r.sender(stranger).remove_operator(op(1)).motsu_unwrap_err(),
        r.sender(stranger)
            .set_delegation(stranger)
            .motsu_unwrap_err(),
    ];
    for err in errs {
        assert!(
            matches!(err, operators::Error::Access(AccessError::Unauthorized(AccessControlUnauthorizedAccount { account, .. })) if account == stranger),
            "{err:?}"
        );
    }
    let d = &p.delegation;
    let errs = [
        d.sender(stranger)
            .undelegate(op(1), ETH, ETHER)
            .motsu_unwrap_err(),
        d.sender(stranger)
            .set_slash_recipient(stranger)
            .motsu_unwrap_err(),
        d.sender(stranger).set_unbonding_delay(1).motsu_unwrap_err(),
    ];
    for err in errs {
        assert!(
            matches!(err, delegation::Error::Access(AccessError::Unauthorized(_))),
            "{err:?}"
        );
    }
    let err = p
        .vault
        .sender(stranger)
        .delegate(op(1), ETH, ETHER)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        vault::Error::Access(AccessError::Unauthorized(_))
    ));
    // The hooks between the contracts answer only to each other.
    let err = d
        .sender(stranger)
        .on_delegate(op(1), ETH, U256::ZERO, ETHER)
        .motsu_unwrap_err();
    assert!(
        matches!(err, delegation::Error::NotVault(delegation::NotVault { caller }) if caller == stranger)
    );
    let err = p
        .vault
        .sender(stranger)
        .on_stake_slashed(ETH, ETHER)
        .motsu_unwrap_err();
    assert!(matches!(err, vault::Error::NotAuthorizedContract(_)));
    let err = p
        .vault
        .sender(stranger)
        .on_stake_returned(ETH, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, vault::Error::NotAuthorizedContract(_)));
    let err = p
        .vault
        .sender(stranger)
        .reserve_withdrawal(ETH, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, vault::Error::NotAuthorizedContract(_)));
    let err = p
        .vault
        .sender(stranger)
        .link(stranger, stranger)
        .motsu_unwrap_err();
    assert!(matches!(err, vault::Error::Access(_)));
}

// ----- Delegation -----

#[motsu::test]
fn delegating_moves_custody_and_keeps_total_assets(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    p.deposit_lst(alice, ether(4));
    let (total, rate_before) = (p.total(), p.rate());

    let received = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(6))
        .motsu_unwrap();
    assert_eq!(received, ether(6));
    p.vault.assert_emitted(&vault::Delegated {
        operator: op(1),
        asset: ETH,
        amount: ether(6),
        received: ether(6),
    });
    p.delegation.assert_emitted(&delegation::StakeDelegated {
        operator: op(1),
        asset: ETH,
        received: ether(6),
    });
    p.vault
        .sender(p.admin)
        .delegate(op(1), p.lst.address(), ether(3))
        .motsu_unwrap();

    assert_eq!(p.total(), total);
    assert_eq!(p.rate(), rate_before);
    assert_eq!(p.delegation.balance(), ether(6));
    assert_eq!(
        p.delegation.sender(p.admin).stake_of(op(1), ETH),
        (ether(6), U256::ZERO)
    );
    assert_eq!(
        p.delegation
            .sender(p.admin)
            .stake_of(op(1), p.lst.address()),
        (ether(3), U256::ZERO)
    );
    let (idle, delegated, ..) = p.vault.sender(p.admin).asset_totals(ETH);
    assert_eq!((idle, delegated), (ether(4), ether(6)));
    let value = p
        .delegation
        .sender(p.admin)
        .operator_stake_value(op(1))
        .motsu_unwrap();
    assert_eq!(value, ether(6) + ether(3) * rate(105) / ETHER);
    assert!(p.delegation.sender(p.admin).operator_has_stake(op(1)));
    assert_eq!(
        p.delegation.sender(p.admin).tracked_assets(),
        vec![ETH, p.lst.address()]
    );
    p.assert_books();
}

#[motsu::test]
fn short_delivering_token_books_only_what_the_layer_received(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_lst(alice, ether(4));
    p.lst
        .sender(p.admin)
        .set_transfer_shortfall(U256::from(2))
        .motsu_unwrap();
    let received = p
        .vault
        .sender(p.admin)
        .delegate(op(1), p.lst.address(), ether(1))
        .motsu_unwrap();
    assert_eq!(received, ether(1) - U256::from(2));
    assert_eq!(
        p.delegation.sender(p.admin).total_stake(p.lst.address()),
        received
    );
    p.assert_books();
}

#[motsu::test]
fn delegation_respects_idle_cap_and_operator_status(alice: Address) {
    let p = Protocol::deploy();
    p.deposit_eth(alice, ether(10));
    let err = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(1))
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), delegation::UnknownOperator::SELECTOR);

    p.operators
        .sender(p.admin)
        .add_operator(op(1), String::new(), slasher(1), ether(5))
        .motsu_unwrap();
    let err = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(11))
        .motsu_unwrap_err();
    assert!(
        matches!(err, vault::Error::InsufficientIdle(vault::InsufficientIdle { idle, amount, .. }) if idle == ether(10) && amount == ether(11))
    );
    let err = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, vault::Error::ZeroAmount(_)));
    let err = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(6))
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), delegation::OperatorCapExceeded::SELECTOR);
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(5))
        .motsu_unwrap();

    p.operators
        .sender(p.admin)
        .set_operator_cap(op(1), ether(100))
        .motsu_unwrap();
    p.operators
        .sender(p.admin)
        .set_operator_paused(op(1), true)
        .motsu_unwrap();
    let err = p
        .vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(1))
        .motsu_unwrap_err();
    assert_eq!(passed_on(&err), delegation::OperatorPaused::SELECTOR);
    let err = p
        .operators
        .sender(p.admin)
        .remove_operator(op(1))
        .motsu_unwrap_err();
    assert!(matches!(err, operators::Error::OperatorHasStake(_)));

    let (idle, delegated, ..) = p.vault.sender(p.admin).asset_totals(ETH);
    assert_eq!((idle, delegated), (ether(5), ether(5)));
    p.assert_books();
}

#[motsu::test]
fn undelegation_returns_stake_to_the_idle_buffer(alice: Address, anyone: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    p.deposit_lst(alice, ether(2));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(8))
        .motsu_unwrap();
    p.vault
        .sender(p.admin)
        .delegate(op(1), p.lst.address(), ether(2))
        .motsu_unwrap();
    let total = p.total();

    let id = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(3))
        .motsu_unwrap();
    assert_eq!(id, U256::ZERO);
    assert_eq!(
        p.delegation.sender(p.admin).stake_of(op(1), ETH),
        (ether(5), ether(3))
    );
    let (operator, asset, amount, _, completed) = p
        .delegation
        .sender(p.admin)
        .unbonding_entry(id)
        .motsu_unwrap();
    assert_eq!(
        (operator, asset, amount, completed),
        (op(1), ETH, ether(3), false)
    );
    assert_eq!(p.total(), total, "unbonding stake is still counted");

    let returned = p
        .delegation
        .sender(anyone)
        .complete_unbonding(id)
        .motsu_unwrap();
    assert_eq!(returned, ether(3));
    p.delegation
        .assert_emitted(&delegation::UnbondingCompleted {
            id,
            operator: op(1),
            asset: ETH,
            amount: ether(3),
        });
    p.vault.assert_emitted(&vault::StakeReturned {
        asset: ETH,
        amount: ether(3),
        received: ether(3),
    });
    let (idle, delegated, ..) = p.vault.sender(p.admin).asset_totals(ETH);
    assert_eq!((idle, delegated), (ether(5), ether(5)));
    assert_eq!(p.total(), total);

    let id = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), p.lst.address(), ether(2))
        .motsu_unwrap();
    p.delegation
        .sender(anyone)
        .complete_unbonding(id)
        .motsu_unwrap();
    assert_eq!(
        p.vault.sender(p.admin).asset_totals(p.lst.address()).0,
        ether(2)
    );
    assert_eq!(p.total(), total);
    p.assert_books();

    let err = p
        .delegation
        .sender(anyone)
        .complete_unbonding(id)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::EntryCompleted(_)));
    let err = p
        .delegation
        .sender(anyone)
        .complete_unbonding(U256::from(7))
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::UnknownEntry(_)));
    let err = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(6))
        .motsu_unwrap_err();
    assert!(
        matches!(err, delegation::Error::InsufficientStake(delegation::InsufficientStake { active, amount, .. }) if active == ether(5) && amount == ether(6))
    );
    let err = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::ZeroAmount(_)));
}

#[motsu::test]
fn unbonding_waits_for_its_delay(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(2));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    p.delegation
        .sender(p.admin)
        .set_unbonding_delay(7 * 86_400)
        .motsu_unwrap();
    p.delegation
        .assert_emitted(&delegation::UnbondingDelaySet { delay: 7 * 86_400 });
    let id = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(1))
        .motsu_unwrap();
    let (.., complete_at, _) = p
        .delegation
        .sender(p.admin)
        .unbonding_entry(id)
        .motsu_unwrap();
    let err = p
        .delegation
        .sender(alice)
        .complete_unbonding(id)
        .motsu_unwrap_err();
    assert!(
        matches!(err, delegation::Error::UnbondingNotDue(delegation::UnbondingNotDue { complete_at: due, .. }) if due == complete_at)
    );
    let err = p
        .delegation
        .sender(p.admin)
        .set_unbonding_delay(61 * 86_400)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::DelayTooLong(_)));
}

// ----- Slashing -----

#[motsu::test]
fn slash_is_shared_by_every_holder_in_proportion(alice: Address, bob: Address, carol: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    p.deposit_eth(bob, ether(30));
    p.deposit_lst(carol, ether(20));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(30))
        .motsu_unwrap();
    p.vault
        .sender(p.admin)
        .delegate(op(1), p.lst.address(), ether(20))
        .motsu_unwrap();

    let holders = [alice, bob, carol];
    let before: Vec<U256> = holders.iter().map(|h| p.redeemable(*h)).collect();
    let (total, supply) = (p.total(), p.supply());
    let layer_eth = p.delegation.balance();
    let loss = ether(5);
    let lost = p
        .delegation
        .sender(slasher(1))
        .slash(op(1), loss, EVIDENCE)
        .motsu_unwrap();
    assert!(lost <= loss && loss - lost <= U256::from(4), "lost {lost}");
    p.delegation.assert_emitted(&delegation::OperatorSlashed {
        operator: op(1),
        slasher: slasher(1),
        evidence: EVIDENCE,
        requested: loss,
        value_lost: lost,
    });

    assert_eq!(p.total(), total - lost);
    for (holder, was) in holders.iter().zip(&before) {
        let now = p.redeemable(*holder);
        // Each share, the virtual position's included, loses L / (S + V).
        let share_of_loss = lost * p.balance(*holder) / (supply + VIRTUAL_OFFSET);
        let fell = *was - now;
        assert!(
            fell.abs_diff(share_of_loss) <= U256::from(2),
            "{holder}: fell {fell}, share {share_of_loss}"
        );
    }
    let expected_rate = (total - lost) * ETHER / supply;
    assert!(p.rate().abs_diff(expected_rate) <= U256::from(1));
    // The slashed assets left the layer for the recipient, from both assets
    // in proportion (30 ETH : 21 ETH of LST).
    let cut_eth = layer_eth - p.delegation.balance();
    let recipient_lst = p.lst.sender(p.admin).balance_of(p.slash_recipient);
    let cut_lst_value = recipient_lst * rate(105) / ETHER;
    assert!(
        (cut_eth + cut_lst_value).abs_diff(lost) <= U256::from(1),
        "rounding of the LST's value"
    );
    assert!(cut_eth.abs_diff(lost * U256::from(30) / U256::from(51)) <= U256::from(2));
    p.assert_books();
}

#[motsu::test]
fn slash_is_capped_at_the_operators_stake(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.add_operator(op(2), slasher(2));
    p.deposit_eth(alice, ether(10));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    p.vault
        .sender(p.admin)
        .delegate(op(2), ETH, ether(3))
        .motsu_unwrap();
    let lost = p
        .delegation
        .sender(slasher(1))
        .slash(op(1), ether(50), EVIDENCE)
        .motsu_unwrap();
    assert_eq!(lost, ether(2));
    assert_eq!(p.total(), ether(8));
    assert_eq!(
        p.delegation.sender(p.admin).stake_of(op(2), ETH),
        (ether(3), U256::ZERO),
        "others untouched"
    );
    let err = p
        .delegation
        .sender(slasher(1))
        .slash(op(1), ETHER, EVIDENCE)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::NothingToSlash(_)));
    // An operator slashed to zero can be removed.
    p.operators
        .sender(p.admin)
        .remove_operator(op(1))
        .motsu_unwrap();
    let err = p
        .delegation
        .sender(slasher(1))
        .slash(op(1), ETHER, EVIDENCE)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::OperatorRemoved(_)));
    p.assert_books();
}

#[motsu::test]
fn only_the_operators_own_slasher_may_slash(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.add_operator(op(2), slasher(2));
    p.deposit_eth(alice, ether(4));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    let err = p
        .delegation
        .sender(slasher(2))
        .slash(op(1), ETHER, EVIDENCE)
        .motsu_unwrap_err();
    let reference = err.reference_encoding();
    assert!(
        matches!(err, delegation::Error::NotSlasher(delegation::NotSlasher { caller, operator }) if caller == slasher(2) && operator == op(1))
    );
    assert_eq!(
        reference,
        delegation::NotSlasher {
            caller: slasher(2),
            operator: op(1)
        }
        .abi_encode()
    );
    let err = p
        .delegation
        .sender(p.admin)
        .slash(op(1), ETHER, EVIDENCE)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::NotSlasher(_)));
    let err = p
        .delegation
        .sender(slasher(1))
        .slash(op(9), ETHER, EVIDENCE)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::UnknownOperator(_)));
    let err = p
        .delegation
        .sender(slasher(1))
        .slash(op(1), U256::ZERO, EVIDENCE)
        .motsu_unwrap_err();
    assert!(matches!(err, delegation::Error::ZeroAmount(_)));
    // A paused operator stays slashable.
    p.operators
        .sender(p.admin)
        .set_operator_paused(op(1), true)
        .motsu_unwrap();
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ETHER, EVIDENCE)
        .motsu_unwrap();
    assert_eq!(p.total(), ether(3));
}

#[motsu::test]
fn undelegating_does_not_escape_a_slash(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(10))
        .motsu_unwrap();
    let id = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(6))
        .motsu_unwrap();
    // Half of the operator's stake is slashed: active and unbonding alike.
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(5), EVIDENCE)
        .motsu_unwrap();
    assert_eq!(
        p.delegation.sender(p.admin).stake_of(op(1), ETH),
        (ether(2), ether(3))
    );
    let (.., amount, _, _) = p
        .delegation
        .sender(p.admin)
        .unbonding_entry(id)
        .motsu_unwrap();
    assert_eq!(amount, ether(3));
    let returned = p
        .delegation
        .sender(alice)
        .complete_unbonding(id)
        .motsu_unwrap();
    assert_eq!(returned, ether(3), "completion returns only what is left");
    assert_eq!(p.total(), ether(5));
    p.assert_books();
}

#[motsu::test]
fn a_slash_that_empties_the_unbonding_pool_voids_its_entries(alice: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(10));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(4))
        .motsu_unwrap();
    let first = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(4))
        .motsu_unwrap();
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(4), EVIDENCE)
        .motsu_unwrap();
    assert_eq!(
        p.delegation
            .sender(p.admin)
            .unbonding_entry(first)
            .motsu_unwrap()
            .2,
        U256::ZERO
    );

    // New stake and a new undelegation start a fresh pool; the voided entry
    // claims nothing from it.
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    let second = p
        .delegation
        .sender(p.admin)
        .undelegate(op(1), ETH, ether(2))
        .motsu_unwrap();
    assert_eq!(
        p.delegation
            .sender(alice)
            .complete_unbonding(first)
            .motsu_unwrap(),
        U256::ZERO
    );
    assert_eq!(
        p.delegation
            .sender(alice)
            .complete_unbonding(second)
            .motsu_unwrap(),
        ether(2)
    );
    assert_eq!(p.total(), ether(6));
    p.assert_books();
}

#[motsu::test]
fn wiping_out_every_asset_stops_deposits(alice: Address, bob: Address) {
    let p = Protocol::deploy();
    p.add_operator(op(1), slasher(1));
    p.deposit_eth(alice, ether(3));
    p.vault
        .sender(p.admin)
        .delegate(op(1), ETH, ether(3))
        .motsu_unwrap();
    p.delegation
        .sender(slasher(1))
        .slash(op(1), ether(3), EVIDENCE)
        .motsu_unwrap();
    assert_eq!(p.total(), U256::ZERO);
    bob.fund(ETHER);
    let err = p
        .vault
        .sender_and_value(bob, ETHER)
        .deposit(ETHER, bob)
        .motsu_unwrap_err();
    assert!(
        matches!(err, vault::Error::NoBackingAssets(vault::NoBackingAssets { supply }) if supply == ether(3))
    );
    assert_eq!(p.balance(bob), U256::ZERO);
}

// ----- Property: random operations keep the books whole -----

mod sequences {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Action {
        Deposit {
            lst: bool,
            amount: u64,
        },
        Delegate {
            operator: u8,
            lst: bool,
            percent: u8,
        },
        Undelegate {
            operator: u8,
            lst: bool,
            percent: u8,
        },
        Complete {
            pick: u8,
        },
        Slash {
            operator: u8,
            percent: u8,
        },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (any::<bool>(), 1..1_000_000u64)
                .prop_map(|(lst, amount)| Action::Deposit { lst, amount }),
            (0..3u8, any::<bool>(), 1..=100u8).prop_map(|(operator, lst, percent)| {
                Action::Delegate {
                    operator,
                    lst,
                    percent,
                }
            }),
            (0..3u8, any::<bool>(), 1..=100u8).prop_map(|(operator, lst, percent)| {
                Action::Undelegate {
                    operator,
                    lst,
                    percent,
                }
            }),
            any::<u8>().prop_map(|pick| Action::Complete { pick }),
            (0..3u8, 1..=100u8).prop_map(|(operator, percent)| Action::Slash { operator, percent }),
        ]
    }

    #[test]
    fn books_match_stakes_and_holdings_over_random_sequences() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 32,
            ..ProptestConfig::default()
        });
        runner
            .run(&proptest::collection::vec(action(), 1..30), |actions| {
                run(&actions);
                Ok(())
            })
            .unwrap();
    }

    fn run(actions: &[Action]) {
        let p = Protocol::deploy();
        for n in 0..3 {
            p.add_operator(op(n), slasher(n));
        }
        let holder = Address::with_last_byte(0x11);
        let unit = U256::from(1_000_000_000_000u64);
        for action in actions {
            let asset = |lst: bool| if lst { p.lst.address() } else { ETH };
            match *action {
                Action::Deposit { lst, amount } => {
                    let amount = U256::from(amount) * unit;
                    if lst {
                        p.deposit_lst(holder, amount);
                    } else {
                        p.deposit_eth(holder, amount);
                    }
                }
                Action::Delegate {
                    operator,
                    lst,
                    percent,
                } => {
                    let idle = p.vault.sender(p.admin).asset_totals(asset(lst)).0;
                    let amount = idle * U256::from(percent) / U256::from(100);
                    if !amount.is_zero() {
                        p.vault
                            .sender(p.admin)
                            .delegate(op(operator), asset(lst), amount)
                            .motsu_unwrap();
                    }
                }
                Action::Undelegate {
                    operator,
                    lst,
                    percent,
                } => {
                    let active = p
                        .delegation
                        .sender(p.admin)
                        .stake_of(op(operator), asset(lst))
                        .0;
                    let amount = active * U256::from(percent) / U256::from(100);
                    if !amount.is_zero() {
                        p.delegation
                            .sender(p.admin)
                            .undelegate(op(operator), asset(lst), amount)
                            .motsu_unwrap();
                    }
                }
                Action::Complete { pick } => {
                    let count = p.delegation.sender(p.admin).entry_count();
                    if !count.is_zero() {
                        let id = U256::from(pick) % count;
                        if !p
                            .delegation
                            .sender(p.admin)
                            .unbonding_entry(id)
                            .motsu_unwrap()
                            .4
                        {
                            p.delegation
                                .sender(holder)
                                .complete_unbonding(id)
                                .motsu_unwrap();
                        }
                    }
                }
                Action::Slash { operator, percent } => {
                    let value = p
                        .delegation
                        .sender(p.admin)
                        .operator_stake_value(op(operator))
                        .motsu_unwrap();
                    let amount = value * U256::from(percent) / U256::from(100);
                    if !amount.is_zero() {
                        let total = p.total();
                        let lost = p
                            .delegation
                            .sender(slasher(operator))
                            .slash(op(operator), amount, EVIDENCE)
                            .motsu_unwrap();
                        assert!(lost <= amount, "a slash never takes more than asked");
                        assert_eq!(p.total(), total - lost);
                    }
                }
            }
            p.assert_books();
            // Per-operator stakes add up to the per-asset totals.
            for asset in [ETH, p.lst.address()] {
                let sum: U256 = (0..3)
                    .map(|n| {
                        let (active, unbonding) =
                            p.delegation.sender(p.admin).stake_of(op(n), asset);
                        active + unbonding
                    })
                    .sum();
                assert_eq!(sum, p.delegation.sender(p.admin).total_stake(asset));
            }
        }
    }
}
