//! lrETH: metadata, minter-gated supply, ERC-20 transfers and allowances,
//! EIP-2612 permits signed with real keys, and the typed errors of each.

use alloy_primitives::{keccak256, uint};
use alloy_sol_types::{SolError, SolValue};
use lrt_common::access::{
    AccessControlUnauthorizedAccount, AdminRoleTransferOnly, InvalidAdmin, NotPendingAdmin,
    ADMIN_ROLE,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::{
    Approval, ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidReceiver,
    ERC20InvalidSpender, Transfer,
};
use proptest::prelude::*;

use super::*;

/// motsu's block time (fixed: 2025-01-01T00:00:00Z).
const NOW: u64 = 1_735_689_600;
/// motsu's default chain id (Arbitrum One).
const CHAIN_ID: u64 = 42_161;
const ONE: U256 = uint!(1_000_000_000_000_000_000_U256);

fn deploy(token: &Contract<LrtToken>, admin: Address, minter: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    token
        .sender(admin)
        .grant_role(MINTER_ROLE, minter)
        .motsu_unwrap();
}

/// Asserts the revert data the program returns equals alloy's encoding of
/// `expected` (the reference is computed before `err` is consumed).
#[track_caller]
fn assert_reverts_with<R: Into<Vec<u8>>, E: SolError>(err: R, expected: E) {
    let reference = expected.abi_encode();
    assert_eq!(err.into(), reference);
}

/// For the role functions, which fail with the shared [`AccessError`].
#[track_caller]
fn assert_role_unauthorized(err: AccessError, account: Address, needed_role: B256) {
    assert!(
        matches!(&err, AccessError::Unauthorized(e) if e.account == account && e.needed_role == needed_role),
        "got {err:?}"
    );
    assert_reverts_with(
        err,
        AccessControlUnauthorizedAccount {
            account,
            needed_role,
        },
    );
}

#[track_caller]
fn assert_unauthorized(err: Error, account: Address, needed_role: B256) {
    assert!(
        matches!(&err, Error::Access(AccessError::Unauthorized(e)) if e.account == account && e.needed_role == needed_role),
        "got {err:?}"
    );
    assert_reverts_with(
        err,
        AccessControlUnauthorizedAccount {
            account,
            needed_role,
        },
    );
}

/// A signature over other terms than the submitted ones recovers some other
/// address: the permit fails naming it and the owner.
#[track_caller]
fn assert_invalid_signer(err: Error, owner: Address) {
    let Error::InvalidSigner(e) = &err else {
        panic!("expected InvalidSigner, got {err:?}");
    };
    assert_eq!(e.owner, owner);
    assert_ne!(e.signer, owner);
    let signer = e.signer;
    assert_reverts_with(err, permit::ERC2612InvalidSigner { signer, owner });
}

/// The EIP-712 domain separator, computed independently of the contract.
fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    let type_hash = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    keccak256(
        (
            type_hash,
            keccak256("Liquid Restaked ETH"),
            keccak256("1"),
            U256::from(chain_id),
            verifying_contract,
        )
            .abi_encode(),
    )
}

struct Permit {
    owner: Address,
    spender: Address,
    value: U256,
    nonce: U256,
    deadline: U256,
}

fn permit_digest(chain_id: u64, token: Address, p: &Permit) -> B256 {
    let type_hash = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)",
    );
    let struct_hash =
        keccak256((type_hash, p.owner, p.spender, p.value, p.nonce, p.deadline).abi_encode());
    let mut message = Vec::with_capacity(66);
    message.extend_from_slice(&[0x19, 0x01]);
    message.extend_from_slice(domain_separator(chain_id, token).as_slice());
    message.extend_from_slice(struct_hash.as_slice());
    keccak256(message)
}

/// Signs `digest` with `signer`'s key; returns (v, r, s) as `permit` takes them.
fn sign(signer: &Account, digest: B256) -> (u8, B256, B256) {
    let (signature, recovery_id) = signer
        .signer()
        .credential()
        .sign_prehash_recoverable(digest.as_slice())
        .expect("sign digest");
    let bytes = signature.to_bytes();
    (
        27 + recovery_id.to_byte(),
        B256::from_slice(&bytes[..32]),
        B256::from_slice(&bytes[32..]),
    )
}

fn submit(
    token: &Contract<LrtToken>,
    relayer: Address,
    p: &Permit,
    (v, r, s): (u8, B256, B256),
) -> Result<(), Error> {
    token
        .sender(relayer)
        .permit(p.owner, p.spender, p.value, p.deadline, v, r, s)
}

#[motsu::test]
fn supports_erc165_erc20_metadata_and_permit(token: Contract<LrtToken>, admin: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let id = |value: u32| alloy_primitives::FixedBytes(value.to_be_bytes());
    // The ids as ERC-165, OpenZeppelin's IERC20 / IERC20Metadata and
    // EIP-2612 define them.
    for (name, value) in [
        ("ERC-165", 0x01ff_c9a7),
        ("ERC-20", 0x3637_2b07),
        ("ERC-20 metadata", 0xa219_a025),
        ("EIP-2612", 0x9d8f_f7da),
    ] {
        assert!(token.sender(admin).supports_interface(id(value)), "{name}");
    }
    // ERC-7575's share interface (`vault(address)`) is not implemented.
    assert!(!token.sender(admin).supports_interface(id(0xf815_c03d)));
    assert!(!token.sender(admin).supports_interface(id(0xffff_ffff)));
}

#[motsu::test]
fn reports_name_symbol_decimals_and_minter_role(token: Contract<LrtToken>, admin: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    assert_eq!(token.sender(admin).name(), "Liquid Restaked ETH");
    assert_eq!(token.sender(admin).symbol(), "lrETH");
    assert_eq!(token.sender(admin).decimals(), U8::from(18));
    assert_eq!(token.sender(admin).minter_role(), keccak256("MINTER_ROLE"));
    assert_eq!(token.sender(admin).total_supply(), U256::ZERO);
    assert_eq!(token.sender(admin).admin(), admin);
}

#[motsu::test]
fn constructor_rejects_zero_admin(token: Contract<LrtToken>, deployer: Address) {
    let err = token
        .sender(deployer)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::Access(AccessError::InvalidAdmin(_))),
        "got {err:?}"
    );
    assert_reverts_with(
        err,
        InvalidAdmin {
            admin: Address::ZERO,
        },
    );
}

#[motsu::test]
fn minter_mints_and_burns_with_transfer_events(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
) {
    deploy(&token, admin, vault);
    token
        .sender(vault)
        .mint(alice, ONE * U256::from(3))
        .motsu_unwrap();
    token.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: alice,
        value: ONE * U256::from(3),
    });
    assert_eq!(token.sender(alice).balance_of(alice), ONE * U256::from(3));
    assert_eq!(token.sender(alice).total_supply(), ONE * U256::from(3));

    token.sender(vault).burn(alice, ONE).motsu_unwrap();
    token.assert_emitted(&Transfer {
        from: alice,
        to: Address::ZERO,
        value: ONE,
    });
    assert_eq!(token.sender(alice).balance_of(alice), ONE * U256::from(2));
    assert_eq!(token.sender(alice).total_supply(), ONE * U256::from(2));
}

#[motsu::test]
fn mint_rejects_caller_without_minter_role(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    stranger: Address,
) {
    deploy(&token, admin, vault);
    let events = token.all_events().len();
    let err = token
        .sender(stranger)
        .mint(stranger, ONE)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, MINTER_ROLE);
    // The admin grants the role but does not hold it.
    let err = token.sender(admin).mint(admin, ONE).motsu_unwrap_err();
    assert_unauthorized(err, admin, MINTER_ROLE);
    assert_eq!(token.sender(admin).total_supply(), U256::ZERO);
    assert_eq!(token.sender(admin).balance_of(stranger), U256::ZERO);
    assert_eq!(token.all_events().len(), events);
}

#[motsu::test]
fn burn_rejects_caller_without_minter_role(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    // Not even the holder may burn their own tokens: only the vault and the queue burn.
    let err = token.sender(alice).burn(alice, ONE).motsu_unwrap_err();
    assert_unauthorized(err, alice, MINTER_ROLE);
    let err = token.sender(admin).burn(alice, ONE).motsu_unwrap_err();
    assert_unauthorized(err, admin, MINTER_ROLE);
    assert_eq!(token.sender(alice).balance_of(alice), ONE);
    assert_eq!(token.sender(alice).total_supply(), ONE);
}

#[motsu::test]
fn revoked_minter_can_no_longer_mint(token: Contract<LrtToken>, admin: Address, vault: Address) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(vault, ONE).motsu_unwrap();
    token
        .sender(admin)
        .revoke_role(MINTER_ROLE, vault)
        .motsu_unwrap();
    let err = token.sender(vault).mint(vault, ONE).motsu_unwrap_err();
    assert_unauthorized(err, vault, MINTER_ROLE);
    let err = token.sender(vault).burn(vault, ONE).motsu_unwrap_err();
    assert_unauthorized(err, vault, MINTER_ROLE);
    assert_eq!(token.sender(vault).total_supply(), ONE);
}

#[motsu::test]
fn mint_to_zero_address_is_rejected(token: Contract<LrtToken>, admin: Address, vault: Address) {
    deploy(&token, admin, vault);
    let err = token
        .sender(vault)
        .mint(Address::ZERO, ONE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(_)), "got {err:?}");
    assert_reverts_with(
        err,
        ERC20InvalidReceiver {
            receiver: Address::ZERO,
        },
    );
    assert_eq!(token.sender(vault).total_supply(), U256::ZERO);
}

#[motsu::test]
fn burn_beyond_balance_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    let err = token
        .sender(vault)
        .burn(alice, ONE + U256::from(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientBalance(_)), "got {err:?}");
    assert_reverts_with(
        err,
        ERC20InsufficientBalance {
            sender: alice,
            balance: ONE,
            needed: ONE + U256::from(1),
        },
    );
    assert_eq!(token.sender(alice).balance_of(alice), ONE);
    assert_eq!(token.sender(alice).total_supply(), ONE);
}

#[motsu::test]
fn transfer_moves_balance_and_emits(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    let quarter = ONE / U256::from(4);
    assert!(token.sender(alice).transfer(bob, quarter).motsu_unwrap());
    token.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: quarter,
    });
    assert_eq!(token.sender(alice).balance_of(alice), ONE - quarter);
    assert_eq!(token.sender(alice).balance_of(bob), quarter);
    assert_eq!(
        token.sender(alice).total_supply(),
        ONE,
        "a transfer neither mints nor burns"
    );
}

#[motsu::test]
fn transfer_beyond_balance_or_to_zero_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    let err = token
        .sender(alice)
        .transfer(bob, ONE + U256::from(1))
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        ERC20InsufficientBalance {
            sender: alice,
            balance: ONE,
            needed: ONE + U256::from(1),
        },
    );
    let err = token
        .sender(alice)
        .transfer(Address::ZERO, ONE)
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        ERC20InvalidReceiver {
            receiver: Address::ZERO,
        },
    );
    assert_eq!(token.sender(alice).balance_of(alice), ONE);
    assert_eq!(token.sender(alice).balance_of(bob), U256::ZERO);
}

#[motsu::test]
fn approve_and_transfer_from_spend_the_allowance(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
    spender: Address,
    bob: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    let half = ONE / U256::from(2);
    assert!(token.sender(alice).approve(spender, half).motsu_unwrap());
    token.assert_emitted(&Approval {
        owner: alice,
        spender,
        value: half,
    });
    assert_eq!(token.sender(alice).allowance(alice, spender), half);

    let third = ONE / U256::from(3);
    assert!(token
        .sender(spender)
        .transfer_from(alice, bob, third)
        .motsu_unwrap());
    token.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        value: third,
    });
    assert_eq!(token.sender(alice).allowance(alice, spender), half - third);
    assert_eq!(token.sender(alice).balance_of(bob), third);
    assert_eq!(token.sender(alice).balance_of(alice), ONE - third);

    let err = token
        .sender(spender)
        .transfer_from(alice, bob, half)
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        ERC20InsufficientAllowance {
            spender,
            allowance: half - third,
            needed: half,
        },
    );
    assert_eq!(token.sender(alice).allowance(alice, spender), half - third);
    assert_eq!(token.sender(alice).balance_of(bob), third);
}

#[motsu::test]
fn unlimited_allowance_is_not_spent(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
    spender: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    token
        .sender(alice)
        .approve(spender, U256::MAX)
        .motsu_unwrap();
    token
        .sender(spender)
        .transfer_from(alice, spender, ONE)
        .motsu_unwrap();
    assert_eq!(token.sender(alice).allowance(alice, spender), U256::MAX);
}

#[motsu::test]
fn approve_rejects_zero_spender(token: Contract<LrtToken>, admin: Address, alice: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let err = token
        .sender(alice)
        .approve(Address::ZERO, ONE)
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        ERC20InvalidSpender {
            spender: Address::ZERO,
        },
    );
}

#[motsu::test]
fn domain_separator_follows_eip712(token: Contract<LrtToken>, admin: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    assert_eq!(
        token.sender(admin).domain_separator(),
        domain_separator(CHAIN_ID, token.address())
    );
}

#[motsu::test]
fn valid_permit_sets_allowance_and_bumps_nonce(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
    relayer: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    // Anyone may submit the owner's signature.
    submit(&token, relayer, &permit, signature).motsu_unwrap();
    assert_eq!(
        token.sender(relayer).allowance(owner.address(), spender),
        ONE
    );
    assert_eq!(token.sender(relayer).nonces(owner.address()), U256::from(1));
    token.assert_emitted(&Approval {
        owner: owner.address(),
        spender,
        value: ONE,
    });

    // The next permit must be signed over the bumped nonce.
    let next = Permit {
        value: ONE * U256::from(2),
        nonce: U256::from(1),
        ..permit
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &next));
    submit(&token, relayer, &next, signature).motsu_unwrap();
    assert_eq!(
        token.sender(relayer).allowance(owner.address(), spender),
        ONE * U256::from(2)
    );
    assert_eq!(token.sender(relayer).nonces(owner.address()), U256::from(2));
}

#[motsu::test]
fn permit_with_deadline_now_is_accepted(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW),
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    submit(&token, spender, &permit, signature).motsu_unwrap();
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        ONE
    );
}

#[motsu::test]
fn permit_past_deadline_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let deadline = U256::from(NOW - 1);
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline,
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    let err = submit(&token, spender, &permit, signature).motsu_unwrap_err();
    assert!(matches!(err, Error::ExpiredSignature(_)), "got {err:?}");
    assert_reverts_with(err, permit::ERC2612ExpiredSignature { deadline });
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        U256::ZERO
    );
    assert_eq!(token.sender(spender).nonces(owner.address()), U256::ZERO);
}

#[motsu::test]
fn permit_signed_by_another_key_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    thief: Account,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender: thief.address(),
        value: U256::MAX,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&thief, permit_digest(CHAIN_ID, token.address(), &permit));
    let err = submit(&token, thief.address(), &permit, signature).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSigner(_)), "got {err:?}");
    assert_reverts_with(
        err,
        permit::ERC2612InvalidSigner {
            signer: thief.address(),
            owner: owner.address(),
        },
    );
    assert_eq!(
        token
            .sender(admin)
            .allowance(owner.address(), thief.address()),
        U256::ZERO
    );
    assert_eq!(token.sender(admin).nonces(owner.address()), U256::ZERO);
}

#[motsu::test]
fn replayed_permit_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    submit(&token, spender, &permit, signature).motsu_unwrap();
    // The owner lowers the allowance; replaying the old permit must not restore it.
    token
        .sender(owner)
        .approve(spender, U256::from(1))
        .motsu_unwrap();

    let err = submit(&token, spender, &permit, signature).motsu_unwrap_err();
    // The digest now includes nonce 1, so the signature recovers some other address.
    assert_invalid_signer(err, owner.address());
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        U256::from(1)
    );
    assert_eq!(token.sender(spender).nonces(owner.address()), U256::from(1));
}

#[motsu::test]
fn permit_with_altered_terms_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let signed = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, token.address(), &signed));
    let inflated = Permit {
        value: ONE + U256::from(1),
        ..signed
    };
    let err = submit(&token, spender, &inflated, signature).motsu_unwrap_err();
    assert_invalid_signer(err, owner.address());
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        U256::ZERO
    );
}

#[motsu::test]
fn permit_signed_for_another_chain_is_rejected(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&owner, permit_digest(1, token.address(), &permit));
    let err = submit(&token, spender, &permit, signature).motsu_unwrap_err();
    assert_invalid_signer(err, owner.address());
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        U256::ZERO
    );
}

#[motsu::test]
fn permit_signed_for_another_token_is_rejected(
    token: Contract<LrtToken>,
    other: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    other.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let signature = sign(&owner, permit_digest(CHAIN_ID, other.address(), &permit));
    let err = submit(&token, spender, &permit, signature).motsu_unwrap_err();
    assert_invalid_signer(err, owner.address());
    // The same signature is good on the token it was made for.
    submit(&other, spender, &permit, signature).motsu_unwrap();
    assert_eq!(
        other.sender(spender).allowance(owner.address(), spender),
        ONE
    );
}

#[motsu::test]
fn permit_rejects_the_malleable_twin_of_a_valid_signature(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let (v, r, s) = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    // (r, n - s) with the other parity recovers the same key; accepting it
    // would give every permit a second valid form (EIP-2).
    let order = uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
    let high_s = B256::from(order - U256::from_be_bytes(s.0));
    let twin_v = if v == 27 { 28 } else { 27 };
    let err = submit(&token, spender, &permit, (twin_v, r, high_s)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSignatureS(_)), "got {err:?}");
    assert_reverts_with(
        err,
        openzeppelin_stylus::utils::cryptography::ecdsa::ECDSAInvalidSignatureS { s: high_s },
    );
    assert_eq!(token.sender(spender).nonces(owner.address()), U256::ZERO);
    // The canonical form still works.
    submit(&token, spender, &permit, (v, r, s)).motsu_unwrap();
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        ONE
    );
}

#[motsu::test]
fn permit_rejects_a_malformed_recovery_id(
    token: Contract<LrtToken>,
    admin: Address,
    owner: Account,
    spender: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    let permit = Permit {
        owner: owner.address(),
        spender,
        value: ONE,
        nonce: U256::ZERO,
        deadline: U256::from(NOW + 60),
    };
    let (v, r, s) = sign(&owner, permit_digest(CHAIN_ID, token.address(), &permit));
    // Raw parities 0/1 are not the 27/28 that `ecrecover` expects.
    let err = submit(&token, spender, &permit, (v - 27, r, s)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidSignature(_)), "got {err:?}");
    assert_reverts_with(
        err,
        openzeppelin_stylus::utils::cryptography::ecdsa::ECDSAInvalidSignature {},
    );
    assert_eq!(
        token.sender(spender).allowance(owner.address(), spender),
        U256::ZERO
    );
}

#[motsu::test]
fn stranger_fails_every_privileged_function_and_changes_nothing(
    token: Contract<LrtToken>,
    admin: Address,
    vault: Address,
    alice: Address,
    stranger: Address,
) {
    deploy(&token, admin, vault);
    token.sender(vault).mint(alice, ONE).motsu_unwrap();
    let events = token.all_events().len();

    let err = token
        .sender(stranger)
        .mint(stranger, ONE)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, MINTER_ROLE);
    let err = token.sender(stranger).burn(alice, ONE).motsu_unwrap_err();
    assert_unauthorized(err, stranger, MINTER_ROLE);
    let err = token
        .sender(stranger)
        .grant_role(MINTER_ROLE, stranger)
        .motsu_unwrap_err();
    assert_role_unauthorized(err, stranger, ADMIN_ROLE);
    let err = token
        .sender(stranger)
        .revoke_role(MINTER_ROLE, vault)
        .motsu_unwrap_err();
    assert_role_unauthorized(err, stranger, ADMIN_ROLE);
    let err = token
        .sender(stranger)
        .begin_admin_transfer(stranger)
        .motsu_unwrap_err();
    assert_role_unauthorized(err, stranger, ADMIN_ROLE);
    let err = token
        .sender(stranger)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        NotPendingAdmin {
            caller: stranger,
            pending: Address::ZERO,
        },
    );
    let err = token
        .sender(stranger)
        .grant_role(ADMIN_ROLE, stranger)
        .motsu_unwrap_err();
    assert_reverts_with(err, AdminRoleTransferOnly {});

    assert_eq!(token.sender(admin).total_supply(), ONE);
    assert_eq!(token.sender(admin).balance_of(alice), ONE);
    assert!(token.sender(admin).has_role(MINTER_ROLE, vault));
    assert!(!token.sender(admin).has_role(MINTER_ROLE, stranger));
    assert_eq!(token.sender(admin).admin(), admin);
    assert_eq!(token.sender(admin).pending_admin(), Address::ZERO);
    assert_eq!(token.all_events().len(), events);
}

#[motsu::test]
fn new_admin_controls_minters_after_transfer(
    token: Contract<LrtToken>,
    admin: Address,
    governance: Address,
    vault: Address,
) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    token
        .sender(admin)
        .begin_admin_transfer(governance)
        .motsu_unwrap();
    token
        .sender(governance)
        .accept_admin_transfer()
        .motsu_unwrap();
    let err = token
        .sender(admin)
        .grant_role(MINTER_ROLE, vault)
        .motsu_unwrap_err();
    assert_role_unauthorized(err, admin, ADMIN_ROLE);
    token
        .sender(governance)
        .grant_role(MINTER_ROLE, vault)
        .motsu_unwrap();
    token.sender(vault).mint(vault, ONE).motsu_unwrap();
    assert_eq!(token.sender(vault).total_supply(), ONE);
}

/// One step of a random token history.
#[derive(Clone, Debug)]
enum Op {
    Mint { to: usize, amount: u64 },
    Burn { from: usize, amount: u64 },
    Transfer { from: usize, to: usize, amount: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, any::<u64>()).prop_map(|(to, amount)| Op::Mint { to, amount }),
        (0..3usize, any::<u64>()).prop_map(|(from, amount)| Op::Burn { from, amount }),
        (0..3usize, 0..3usize, any::<u64>()).prop_map(|(from, to, amount)| Op::Transfer {
            from,
            to,
            amount
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Invariant 2: supply equals the sum of balances after any history of
    /// mints, burns and transfers, successful or not.
    #[test]
    fn supply_equals_sum_of_balances(ops in prop::collection::vec(op(), 1..24)) {
        let token = Contract::<LrtToken>::new();
        let admin = Address::repeat_byte(0xad);
        let minter = Address::repeat_byte(0x11);
        let holders = [Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(3)];
        deploy(&token, admin, minter);
        let mut expected = [U256::ZERO; 3];
        for op in ops {
            match op {
                Op::Mint { to, amount } => {
                    token.sender(minter).mint(holders[to], U256::from(amount)).motsu_unwrap();
                    expected[to] += U256::from(amount);
                }
                Op::Burn { from, amount } => {
                    let ok = token.sender(minter).burn(holders[from], U256::from(amount)).motsu_res().is_ok();
                    prop_assert_eq!(ok, U256::from(amount) <= expected[from]);
                    if ok { expected[from] -= U256::from(amount); }
                }
                Op::Transfer { from, to, amount } => {
                    let ok = token.sender(holders[from]).transfer(holders[to], U256::from(amount)).motsu_res().is_ok();
                    prop_assert_eq!(ok, U256::from(amount) <= expected[from]);
                    if ok {
                        expected[from] -= U256::from(amount);
                        expected[to] += U256::from(amount);
                    }
                }
            }
        }
        let mut sum = U256::ZERO;
        for (holder, balance) in holders.iter().zip(expected) {
            prop_assert_eq!(token.sender(admin).balance_of(*holder), balance);
            sum += balance;
        }
        prop_assert_eq!(token.sender(admin).total_supply(), sum);
    }
}
