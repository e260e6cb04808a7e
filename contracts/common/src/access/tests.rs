//! Role-based access control exercised through a minimal contract that
//! exposes [`IRoles`] and nothing else, so that every effect observed here
//! comes from [`Roles`] itself.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256};
use motsu::prelude::*;
use stylus_sdk::prelude::*;

use super::*;

/// A contract whose whole ABI is a constructor and [`IRoles`].
#[storage]
pub struct RolesHost {
    roles: Roles,
}

// SAFETY: the host is only ever instantiated by motsu as a whole contract at
// slot zero, as `#[entrypoint]` would declare it on a real program.
unsafe impl TopLevelStorage for RolesHost {}

#[public]
#[implements(IRoles)]
impl RolesHost {
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), AccessError> {
        self.roles.init(admin)
    }

    /// What the deploy tool's init code does as the program is created.
    pub fn record_creator(&mut self, creator: Address) {
        let slot = alloy_primitives::U256::from_be_bytes(CREATOR_SLOT.0);
        // SAFETY: the slot is outside the host's own storage layout.
        unsafe { self.vm().storage_cache_bytes32(slot, creator.into_word()) };
        self.vm().flush_cache(false);
    }
}

crate::public_roles!(RolesHost, roles);

fn role(name: &str) -> B256 {
    keccak256(name.as_bytes())
}

/// Checks the compact revert data against alloy's encoding of the same
/// error, and hands the error back for the caller's own assertions.
#[track_caller]
fn encoded_as_reference(err: AccessError) -> Vec<u8> {
    let reference = err.reference_encoding();
    let compact = Vec::<u8>::from(err);
    assert_eq!(compact, reference, "compact encoding differs from alloy's");
    compact
}

#[track_caller]
fn assert_unauthorized(err: AccessError, account: Address, needed_role: B256) {
    match &err {
        AccessError::Unauthorized(e) => {
            assert_eq!(e.account, account);
            assert_eq!(e.needed_role, needed_role);
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    encoded_as_reference(err);
}

#[track_caller]
fn assert_admin_role_transfer_only(err: AccessError) {
    assert!(
        matches!(err, AccessError::AdminRoleTransferOnly(_)),
        "got {err:?}"
    );
    encoded_as_reference(err);
}

#[track_caller]
fn assert_not_pending_admin(err: AccessError, caller: Address, pending: Address) {
    match &err {
        AccessError::NotPendingAdmin(e) => {
            assert_eq!(e.caller, caller);
            assert_eq!(e.pending, pending);
        }
        other => panic!("expected NotPendingAdmin, got {other:?}"),
    }
    encoded_as_reference(err);
}

fn deploy(host: &Contract<RolesHost>, admin: Address) {
    host.sender(admin).constructor(admin).motsu_unwrap();
}

#[motsu::test]
fn constructor_makes_the_deployer_given_account_the_only_admin(
    host: Contract<RolesHost>,
    deployer: Address,
    admin: Address,
) {
    host.sender(deployer).constructor(admin).motsu_unwrap();
    assert_eq!(host.sender(deployer).admin(), admin);
    assert!(host.sender(deployer).has_role(ADMIN_ROLE, admin));
    assert!(!host.sender(deployer).has_role(ADMIN_ROLE, deployer));
    assert_eq!(host.sender(deployer).pending_admin(), Address::ZERO);
    host.assert_emitted(&RoleGranted {
        role: ADMIN_ROLE,
        account: admin,
        sender: admin,
    });
}

#[motsu::test]
fn only_the_recorded_creator_may_construct(
    host: Contract<RolesHost>,
    deployer: Address,
    watcher: Address,
) {
    host.sender(deployer).record_creator(deployer);

    // Someone who saw the program created calls its constructor first.
    let err = host.sender(watcher).constructor(watcher).motsu_unwrap_err();
    assert!(
        matches!(&err, AccessError::NotCreator(e) if e.caller == watcher && e.creator == deployer),
        "got {err:?}"
    );
    encoded_as_reference(err);
    assert_eq!(host.sender(watcher).admin(), Address::ZERO);

    // The creator constructs, naming whichever admin it chooses.
    host.sender(deployer).constructor(watcher).motsu_unwrap();
    assert_eq!(host.sender(deployer).admin(), watcher);
}

#[motsu::test]
fn constructor_rejects_zero_admin(host: Contract<RolesHost>, deployer: Address) {
    let err = host
        .sender(deployer)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, AccessError::InvalidAdmin(e) if e.admin.is_zero()),
        "got {err:?}"
    );
    encoded_as_reference(err);
    assert_eq!(host.sender(deployer).admin(), Address::ZERO);
    assert!(!host.sender(deployer).has_role(ADMIN_ROLE, Address::ZERO));
}

#[motsu::test]
fn admin_grants_and_revokes_a_role_with_events(
    host: Contract<RolesHost>,
    admin: Address,
    alice: Address,
) {
    deploy(&host, admin);
    let pauser = role("PAUSER_ROLE");
    host.sender(admin).grant_role(pauser, alice).motsu_unwrap();
    assert!(host.sender(admin).has_role(pauser, alice));
    host.assert_emitted(&RoleGranted {
        role: pauser,
        account: alice,
        sender: admin,
    });

    host.sender(admin).revoke_role(pauser, alice).motsu_unwrap();
    assert!(!host.sender(admin).has_role(pauser, alice));
    host.assert_emitted(&RoleRevoked {
        role: pauser,
        account: alice,
        sender: admin,
    });
}

#[motsu::test]
fn roles_are_independent_of_each_other(host: Contract<RolesHost>, admin: Address, alice: Address) {
    deploy(&host, admin);
    host.sender(admin)
        .grant_role(role("A"), alice)
        .motsu_unwrap();
    assert!(host.sender(admin).has_role(role("A"), alice));
    assert!(!host.sender(admin).has_role(role("B"), alice));
    assert!(!host.sender(admin).has_role(ADMIN_ROLE, alice));
}

#[motsu::test]
fn granting_a_held_role_or_revoking_a_missing_one_emits_nothing(
    host: Contract<RolesHost>,
    admin: Address,
    alice: Address,
) {
    deploy(&host, admin);
    let minter = role("MINTER_ROLE");
    host.sender(admin).grant_role(minter, alice).motsu_unwrap();
    let events = host.all_events().len();
    host.sender(admin).grant_role(minter, alice).motsu_unwrap();
    assert!(host.sender(admin).has_role(minter, alice));
    host.sender(admin)
        .revoke_role(role("OTHER"), alice)
        .motsu_unwrap();
    assert_eq!(
        host.all_events().len(),
        events,
        "no state change, so no event"
    );
}

#[motsu::test]
fn grant_rejects_caller_without_admin_role(
    host: Contract<RolesHost>,
    admin: Address,
    holder: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    let minter = role("MINTER_ROLE");
    host.sender(admin).grant_role(minter, holder).motsu_unwrap();
    let events = host.all_events().len();

    let err = host
        .sender(stranger)
        .grant_role(minter, stranger)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    // Holding a role does not let an account hand it on.
    let err = host
        .sender(holder)
        .grant_role(minter, stranger)
        .motsu_unwrap_err();
    assert_unauthorized(err, holder, ADMIN_ROLE);

    assert!(!host.sender(admin).has_role(minter, stranger));
    assert_eq!(host.all_events().len(), events);
}

#[motsu::test]
fn revoke_rejects_caller_without_admin_role(
    host: Contract<RolesHost>,
    admin: Address,
    holder: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    let minter = role("MINTER_ROLE");
    host.sender(admin).grant_role(minter, holder).motsu_unwrap();

    let err = host
        .sender(stranger)
        .revoke_role(minter, holder)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    let err = host
        .sender(holder)
        .revoke_role(minter, holder)
        .motsu_unwrap_err();
    assert_unauthorized(err, holder, ADMIN_ROLE);
    assert!(host.sender(admin).has_role(minter, holder));
}

#[motsu::test]
fn admin_role_cannot_be_granted_revoked_or_renounced_directly(
    host: Contract<RolesHost>,
    admin: Address,
    alice: Address,
) {
    deploy(&host, admin);
    let events = host.all_events().len();

    let err = host
        .sender(admin)
        .grant_role(ADMIN_ROLE, alice)
        .motsu_unwrap_err();
    assert_admin_role_transfer_only(err);
    let err = host
        .sender(admin)
        .revoke_role(ADMIN_ROLE, admin)
        .motsu_unwrap_err();
    assert_admin_role_transfer_only(err);
    let err = host
        .sender(admin)
        .renounce_role(ADMIN_ROLE, admin)
        .motsu_unwrap_err();
    assert_admin_role_transfer_only(err);
    // Not even by a stranger naming themself: the admin role is never granted this way.
    let err = host
        .sender(alice)
        .grant_role(ADMIN_ROLE, alice)
        .motsu_unwrap_err();
    assert_admin_role_transfer_only(err);

    assert_eq!(host.sender(admin).admin(), admin);
    assert!(host.sender(admin).has_role(ADMIN_ROLE, admin));
    assert!(!host.sender(admin).has_role(ADMIN_ROLE, alice));
    assert_eq!(host.all_events().len(), events);
}

#[motsu::test]
fn holder_renounces_own_role(host: Contract<RolesHost>, admin: Address, alice: Address) {
    deploy(&host, admin);
    let pauser = role("PAUSER_ROLE");
    host.sender(admin).grant_role(pauser, alice).motsu_unwrap();
    host.sender(alice)
        .renounce_role(pauser, alice)
        .motsu_unwrap();
    assert!(!host.sender(admin).has_role(pauser, alice));
    host.assert_emitted(&RoleRevoked {
        role: pauser,
        account: alice,
        sender: alice,
    });
}

#[motsu::test]
fn renounce_rejects_wrong_confirmation(
    host: Contract<RolesHost>,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&host, admin);
    let pauser = role("PAUSER_ROLE");
    host.sender(admin).grant_role(pauser, alice).motsu_unwrap();
    host.sender(admin).grant_role(pauser, bob).motsu_unwrap();

    // Alice cannot take Bob's role away by naming him, nor lose hers by a typo.
    let err = host
        .sender(alice)
        .renounce_role(pauser, bob)
        .motsu_unwrap_err();
    assert!(
        matches!(err, AccessError::BadConfirmation(_)),
        "got {err:?}"
    );
    encoded_as_reference(err);
    assert!(host.sender(admin).has_role(pauser, alice));
    assert!(host.sender(admin).has_role(pauser, bob));
}

#[motsu::test]
fn admin_transfer_moves_the_role_in_two_steps(
    host: Contract<RolesHost>,
    admin: Address,
    successor: Address,
    alice: Address,
) {
    deploy(&host, admin);
    host.sender(admin)
        .begin_admin_transfer(successor)
        .motsu_unwrap();
    host.assert_emitted(&AdminTransferStarted {
        current: admin,
        pending: successor,
    });
    // Proposing changes nothing yet.
    assert_eq!(host.sender(admin).pending_admin(), successor);
    assert_eq!(host.sender(admin).admin(), admin);
    assert!(host.sender(admin).has_role(ADMIN_ROLE, admin));
    assert!(!host.sender(admin).has_role(ADMIN_ROLE, successor));
    let err = host
        .sender(successor)
        .grant_role(role("X"), alice)
        .motsu_unwrap_err();
    assert_unauthorized(err, successor, ADMIN_ROLE);

    host.sender(successor)
        .accept_admin_transfer()
        .motsu_unwrap();
    host.assert_emitted(&AdminTransferred {
        previous: admin,
        current: successor,
    });
    host.assert_emitted(&RoleRevoked {
        role: ADMIN_ROLE,
        account: admin,
        sender: successor,
    });
    host.assert_emitted(&RoleGranted {
        role: ADMIN_ROLE,
        account: successor,
        sender: successor,
    });
    assert_eq!(host.sender(admin).admin(), successor);
    assert_eq!(host.sender(admin).pending_admin(), Address::ZERO);
    assert!(host.sender(admin).has_role(ADMIN_ROLE, successor));
    assert!(!host.sender(admin).has_role(ADMIN_ROLE, admin));

    // The old admin lost every admin power; the new one has them.
    let err = host
        .sender(admin)
        .grant_role(role("X"), alice)
        .motsu_unwrap_err();
    assert_unauthorized(err, admin, ADMIN_ROLE);
    let err = host
        .sender(admin)
        .begin_admin_transfer(admin)
        .motsu_unwrap_err();
    assert_unauthorized(err, admin, ADMIN_ROLE);
    host.sender(successor)
        .grant_role(role("X"), alice)
        .motsu_unwrap();
    assert!(host.sender(admin).has_role(role("X"), alice));
}

#[motsu::test]
fn accepted_transfer_cannot_be_accepted_again(
    host: Contract<RolesHost>,
    admin: Address,
    successor: Address,
) {
    deploy(&host, admin);
    host.sender(admin)
        .begin_admin_transfer(successor)
        .motsu_unwrap();
    host.sender(successor)
        .accept_admin_transfer()
        .motsu_unwrap();
    let err = host
        .sender(successor)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, successor, Address::ZERO);
    assert_eq!(host.sender(admin).admin(), successor);
}

#[motsu::test]
fn begin_admin_transfer_rejects_caller_without_admin_role(
    host: Contract<RolesHost>,
    admin: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    let err = host
        .sender(stranger)
        .begin_admin_transfer(stranger)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    assert_eq!(host.sender(admin).pending_admin(), Address::ZERO);
    let err = host
        .sender(stranger)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, stranger, Address::ZERO);
    assert_eq!(host.sender(admin).admin(), admin);
}

#[motsu::test]
fn only_the_pending_admin_accepts(
    host: Contract<RolesHost>,
    admin: Address,
    successor: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    host.sender(admin)
        .begin_admin_transfer(successor)
        .motsu_unwrap();
    let err = host
        .sender(stranger)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, stranger, successor);
    let err = host
        .sender(admin)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, admin, successor);
    assert_eq!(host.sender(admin).admin(), admin);
    assert_eq!(host.sender(admin).pending_admin(), successor);
}

#[motsu::test]
fn proposing_zero_cancels_a_pending_transfer(
    host: Contract<RolesHost>,
    admin: Address,
    successor: Address,
) {
    deploy(&host, admin);
    host.sender(admin)
        .begin_admin_transfer(successor)
        .motsu_unwrap();
    host.sender(admin)
        .begin_admin_transfer(Address::ZERO)
        .motsu_unwrap();
    host.assert_emitted(&AdminTransferStarted {
        current: admin,
        pending: Address::ZERO,
    });
    assert_eq!(host.sender(admin).pending_admin(), Address::ZERO);
    let err = host
        .sender(successor)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, successor, Address::ZERO);
    // With nothing pending the zero address cannot accept either.
    let err = host
        .sender(Address::ZERO)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, Address::ZERO, Address::ZERO);
    assert_eq!(host.sender(admin).admin(), admin);
}

#[motsu::test]
fn a_new_proposal_replaces_the_pending_one(
    host: Contract<RolesHost>,
    admin: Address,
    first: Address,
    second: Address,
) {
    deploy(&host, admin);
    host.sender(admin)
        .begin_admin_transfer(first)
        .motsu_unwrap();
    host.sender(admin)
        .begin_admin_transfer(second)
        .motsu_unwrap();
    let err = host
        .sender(first)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, first, second);
    host.sender(second).accept_admin_transfer().motsu_unwrap();
    assert_eq!(host.sender(admin).admin(), second);
    assert!(!host.sender(admin).has_role(ADMIN_ROLE, first));
}

#[motsu::test]
fn stranger_fails_every_privileged_function_and_changes_nothing(
    host: Contract<RolesHost>,
    admin: Address,
    holder: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    let minter = role("MINTER_ROLE");
    host.sender(admin).grant_role(minter, holder).motsu_unwrap();
    let events = host.all_events().len();

    let err = host
        .sender(stranger)
        .grant_role(minter, stranger)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    let err = host
        .sender(stranger)
        .revoke_role(minter, holder)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    let err = host
        .sender(stranger)
        .begin_admin_transfer(stranger)
        .motsu_unwrap_err();
    assert_unauthorized(err, stranger, ADMIN_ROLE);
    let err = host
        .sender(stranger)
        .accept_admin_transfer()
        .motsu_unwrap_err();
    assert_not_pending_admin(err, stranger, Address::ZERO);
    let err = host
        .sender(stranger)
        .renounce_role(minter, holder)
        .motsu_unwrap_err();
    assert!(
        matches!(err, AccessError::BadConfirmation(_)),
        "got {err:?}"
    );
    encoded_as_reference(err);

    assert_eq!(host.sender(admin).admin(), admin);
    assert_eq!(host.sender(admin).pending_admin(), Address::ZERO);
    assert!(host.sender(admin).has_role(minter, holder));
    assert!(!host.sender(admin).has_role(minter, stranger));
    assert_eq!(host.all_events().len(), events);
}

#[motsu::test]
fn privileged_calls_validate_before_writing(
    host: Contract<RolesHost>,
    admin: Address,
    holder: Address,
    stranger: Address,
) {
    deploy(&host, admin);
    let minter = role("MINTER_ROLE");
    host.sender(admin).grant_role(minter, holder).motsu_unwrap();
    host.sender(admin)
        .begin_admin_transfer(holder)
        .motsu_unwrap();
    let events = host.all_events().len();

    // Plain `Result`s, without motsu's revert: the failed calls themselves
    // must have written nothing.
    assert!(host.sender(stranger).grant_role(minter, stranger).is_err());
    assert!(host.sender(stranger).revoke_role(minter, holder).is_err());
    assert!(host
        .sender(stranger)
        .begin_admin_transfer(stranger)
        .is_err());
    assert!(host.sender(stranger).accept_admin_transfer().is_err());
    assert!(host.sender(holder).renounce_role(minter, stranger).is_err());
    assert!(host.sender(admin).renounce_role(ADMIN_ROLE, admin).is_err());

    assert!(host.sender(admin).has_role(minter, holder));
    assert!(!host.sender(admin).has_role(minter, stranger));
    assert_eq!(host.sender(admin).admin(), admin);
    assert_eq!(host.sender(admin).pending_admin(), holder);
    assert_eq!(host.all_events().len(), events);
}

/// One call in a random history of role management.
#[derive(Clone, Debug)]
enum Op {
    Grant {
        by: usize,
        role: usize,
        to: usize,
    },
    Revoke {
        by: usize,
        role: usize,
        to: usize,
    },
    Renounce {
        by: usize,
        role: usize,
        confirmation: usize,
    },
    Begin {
        by: usize,
        to: Option<usize>,
    },
    Accept {
        by: usize,
    },
}

const ACTORS: usize = 4;
/// Index 0 is the admin role; the others are ordinary roles.
const ROLES: usize = 3;

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    let actor = 0..ACTORS;
    let role = 0..ROLES;
    prop_oneof![
        (actor.clone(), role.clone(), actor.clone()).prop_map(|(by, role, to)| Op::Grant {
            by,
            role,
            to
        }),
        (actor.clone(), role.clone(), actor.clone()).prop_map(|(by, role, to)| Op::Revoke {
            by,
            role,
            to
        }),
        (actor.clone(), role, actor.clone()).prop_map(|(by, role, confirmation)| Op::Renounce {
            by,
            role,
            confirmation
        }),
        (actor.clone(), proptest::option::of(actor.clone()))
            .prop_map(|(by, to)| Op::Begin { by, to }),
        actor.prop_map(|by| Op::Accept { by }),
    ]
}

/// What the roles should be, kept by hand.
struct Model {
    admin: usize,
    pending: Option<usize>,
    members: [[bool; ACTORS]; ROLES],
}

impl Model {
    /// Applies `op`; returns whether the contract must accept it.
    fn apply(&mut self, op: &Op) -> bool {
        match *op {
            Op::Grant { by, role, to } | Op::Revoke { by, role, to } => {
                if role == 0 || by != self.admin {
                    return false;
                }
                self.members[role][to] = matches!(op, Op::Grant { .. });
                true
            }
            Op::Renounce {
                by,
                role,
                confirmation,
            } => {
                if role == 0 || by != confirmation {
                    return false;
                }
                self.members[role][by] = false;
                true
            }
            Op::Begin { by, to } => {
                if by != self.admin {
                    return false;
                }
                self.pending = to;
                true
            }
            Op::Accept { by } => {
                if self.pending != Some(by) {
                    return false;
                }
                self.members[0][self.admin] = false;
                self.members[0][by] = true;
                self.admin = by;
                self.pending = None;
                true
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// After any history of role calls, by anyone: every call succeeds
    /// exactly when the rules allow it, memberships match the rules, and
    /// exactly one account, `admin()`, holds the admin role.
    #[test]
    fn any_history_keeps_exactly_one_admin_and_follows_the_rules(
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let host = Contract::<RolesHost>::new();
        let actors: Vec<Address> = (1..=ACTORS as u8).map(Address::repeat_byte).collect();
        let roles = [ADMIN_ROLE, role("A"), role("B")];
        deploy(&host, actors[0]);
        let mut model = Model { admin: 0, pending: None, members: [[false; ACTORS]; ROLES] };
        model.members[0][0] = true;

        for op in &ops {
            let accepted = match *op {
                Op::Grant { by, role, to } => host.sender(actors[by]).grant_role(roles[role], actors[to]),
                Op::Revoke { by, role, to } => host.sender(actors[by]).revoke_role(roles[role], actors[to]),
                Op::Renounce { by, role, confirmation } => {
                    host.sender(actors[by]).renounce_role(roles[role], actors[confirmation])
                }
                Op::Begin { by, to } => {
                    host.sender(actors[by]).begin_admin_transfer(to.map_or(Address::ZERO, |to| actors[to]))
                }
                Op::Accept { by } => host.sender(actors[by]).accept_admin_transfer(),
            }
            .motsu_res()
            .is_ok();
            proptest::prop_assert_eq!(accepted, model.apply(op), "{:?}", op);

            let observer = host.sender(actors[0]);
            proptest::prop_assert_eq!(observer.admin(), actors[model.admin]);
            proptest::prop_assert_eq!(observer.pending_admin(), model.pending.map_or(Address::ZERO, |p| actors[p]));
            for (r, role) in roles.iter().enumerate() {
                for (a, actor) in actors.iter().enumerate() {
                    proptest::prop_assert_eq!(observer.has_role(*role, *actor), model.members[r][a]);
                }
            }
            let admins = actors.iter().filter(|actor| observer.has_role(ADMIN_ROLE, **actor)).count();
            proptest::prop_assert_eq!(admins, 1);
        }
    }
}
