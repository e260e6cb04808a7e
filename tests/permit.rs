//! EIP-2612 on lrETH, on the devnode: a permit signed off-chain with a
//! holder's key sets an allowance that a spender then uses, and a replayed
//! or expired permit fails with the token's typed error.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{eip712_domain, sol};
use deploy::{
    abi::{IErc20, IVault, IWithdrawalQueue, ETH},
    gas::{signed_permit, IErc20Permit},
    transact, ETHER,
};
use devnode::Devnode;
use e2e::{deployed, event, read, send};

sol! {
    /// The token's refusal to spend more than an allowance, passed on by
    /// the withdrawal queue.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
}

/// The devnode's latest block time.
fn now(node: &Devnode) -> u64 {
    node.block(node.block_number())
        .expect("the latest block")
        .header
        .timestamp
}

#[test]
fn a_permit_signed_off_chain_sets_the_allowance_a_spender_then_uses() {
    let (mut node, d, _) = deployed(true);
    let accounts = node.accounts();
    // Alice signs, Bob spends, Carol relays: the owner sends nothing.
    let (alice, bob, carol) = (accounts[1], accounts[2], accounts[3]);
    let assets = ETHER * U256::from(2);
    let deposit = IVault::depositCall {
        assets,
        receiver: alice,
    };
    send(&mut node, alice, d.vault, assets, &deposit);

    // The token signs over the standard EIP-712 domain of its name.
    let separator = read(&mut node, d.token, &IErc20Permit::DOMAIN_SEPARATORCall {});
    let domain = eip712_domain! {
        name: "Liquid Restaked ETH",
        version: "1",
        chain_id: node.chain_id(),
        verifying_contract: d.token,
    };
    assert_eq!(separator, domain.separator());
    let nonce =
        |node: &mut Devnode| read(node, d.token, &IErc20Permit::noncesCall { owner: alice });
    assert_eq!(nonce(&mut node), U256::ZERO);

    let value = ETHER;
    let deadline = U256::from(now(&node) + 3_600);
    let permit = signed_permit(&mut node, d.token, alice, bob, value, deadline).unwrap();
    let mined = send(&mut node, carol, d.token, U256::ZERO, &permit);
    let approval = event::<IErc20Permit::Approval>(&mined);
    assert_eq!(
        (approval.owner, approval.spender, approval.value),
        (alice, bob, value)
    );
    let allowance = IErc20::allowanceCall {
        owner: alice,
        spender: bob,
    };
    assert_eq!(read(&mut node, d.token, &allowance), value);
    assert_eq!(nonce(&mut node), U256::from(1), "the permit used nonce 0");
    println!("permit: {} gas", mined.gas_used);

    // The same signature again: the nonce moved on, so it recovers to
    // another signer.
    let replay = transact(&mut node, carol, d.token, U256::ZERO, &permit)
        .expect_err("a replayed permit fails");
    let invalid = replay
        .decode::<IErc20Permit::ERC2612InvalidSigner>()
        .expect("ERC2612InvalidSigner");
    assert_eq!(invalid.owner, alice);
    assert_ne!(invalid.signer, alice);

    // A permit whose deadline has passed, signed over the current nonce.
    let past = U256::from(now(&node) - 1);
    let expired = signed_permit(&mut node, d.token, alice, bob, value, past).unwrap();
    let error = transact(&mut node, carol, d.token, U256::ZERO, &expired)
        .expect_err("an expired permit fails");
    assert_eq!(
        error.decode::<IErc20Permit::ERC2612ExpiredSignature>(),
        Some(IErc20Permit::ERC2612ExpiredSignature { deadline: past })
    );
    assert_eq!(
        nonce(&mut node),
        U256::from(1),
        "failed permits use no nonce"
    );
    assert_eq!(read(&mut node, d.token, &allowance), value);

    // Bob spends the allowance: part with transferFrom, part by queueing a
    // withdrawal of Alice's lrETH that he controls.
    let moved = ETHER * U256::from(4) / U256::from(10);
    let transfer = IErc20::transferFromCall {
        from: alice,
        to: bob,
        value: moved,
    };
    send(&mut node, bob, d.token, U256::ZERO, &transfer);
    let balance = |node: &mut Devnode, account: Address| {
        read(node, d.token, &IErc20::balanceOfCall { account })
    };
    assert_eq!(balance(&mut node, bob), moved);
    assert_eq!(read(&mut node, d.token, &allowance), value - moved);

    let shares = ETHER / U256::from(2);
    let request = IWithdrawalQueue::requestRedeem_0Call {
        shares,
        controller: bob,
        owner: alice,
        payoutAsset: ETH,
    };
    let mined = send(&mut node, bob, d.withdrawal_queue, U256::ZERO, &request);
    let queued = event::<IWithdrawalQueue::RedeemRequest>(&mined);
    assert_eq!(
        (
            queued.controller,
            queued.owner,
            queued.sender,
            queued.shares
        ),
        (bob, alice, bob, shares)
    );
    let pending = IWithdrawalQueue::pendingRedeemRequestCall {
        requestId: queued.requestId,
        controller: bob,
    };
    assert_eq!(read(&mut node, d.withdrawal_queue, &pending), shares);
    assert_eq!(
        read(&mut node, d.token, &allowance),
        value - moved - shares,
        "the request spent the allowance"
    );
    assert_eq!(balance(&mut node, alice), assets - moved - shares);

    // Beyond what is left of the allowance, the queue refuses.
    let too_much = IWithdrawalQueue::requestRedeem_0Call {
        shares: ETHER,
        ..request
    };
    let error = transact(&mut node, bob, d.withdrawal_queue, U256::ZERO, &too_much)
        .expect_err("a request beyond the allowance fails");
    assert_eq!(
        error.decode::<ERC20InsufficientAllowance>(),
        Some(ERC20InsufficientAllowance {
            spender: bob,
            allowance: value - moved - shares,
            needed: ETHER,
        })
    );
}
