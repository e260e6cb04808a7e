//! Role-based access control with a single admin that changes hands in two
//! steps.
//!
//! Integrators see the standard `IAccessControl` surface (`hasRole`,
//! `grantRole`, `revokeRole`, `renounceRole`, the `RoleGranted` /
//! `RoleRevoked` events and `AccessControlUnauthorizedAccount`). On top of
//! it: the admin role cannot be granted, revoked or renounced directly; it
//! moves only through
//! `beginAdminTransfer` + `acceptAdminTransfer`, so a typo in the new admin's
//! address cannot lock governance out, and there is always exactly one admin.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap},
};

crate::sol_declarations! {
    /// `account` lacks `needed_role` (the standard `IAccessControl` error).
    #[derive(Debug)]
    error AccessControlUnauthorizedAccount(address account, bytes32 needed_role);
    /// `renounceRole` named another account than the caller.
    #[derive(Debug)]
    error AccessControlBadConfirmation();
    /// The admin role moves only through `beginAdminTransfer` / `acceptAdminTransfer`.
    #[derive(Debug)]
    error AdminRoleTransferOnly();
    /// `acceptAdminTransfer` was called by someone other than the pending admin.
    #[derive(Debug)]
    error NotPendingAdmin(address caller, address pending);
    /// The admin may not be the zero address.
    #[derive(Debug)]
    error InvalidAdmin(address admin);
    /// The constructor was called by another account than the program's
    /// creator, which its deployment recorded.
    #[derive(Debug)]
    error NotCreator(address caller, address creator);

    /// `account` was granted `role` by `sender` (the standard `IAccessControl` event).
    #[derive(Debug)]
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    /// `account` lost `role` through `sender` (the standard `IAccessControl` event).
    #[derive(Debug)]
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    /// `current` proposed `pending` as the next admin (zero: cancelled).
    #[derive(Debug)]
    event AdminTransferStarted(address indexed current, address indexed pending);
    /// The admin role moved from `previous` to `current`.
    #[derive(Debug)]
    event AdminTransferred(address indexed previous, address indexed current);
}

crate::errors! {
    /// Why an access-control call failed.
    pub enum AccessError {
        /// See [`AccessControlUnauthorizedAccount`].
        Unauthorized(AccessControlUnauthorizedAccount { account, needed_role }),
        /// See [`AccessControlBadConfirmation`].
        BadConfirmation(AccessControlBadConfirmation {}),
        /// See [`AdminRoleTransferOnly`].
        AdminRoleTransferOnly(AdminRoleTransferOnly {}),
        /// See [`NotPendingAdmin`].
        NotPendingAdmin(NotPendingAdmin { caller, pending }),
        /// See [`InvalidAdmin`].
        InvalidAdmin(InvalidAdmin { admin }),
        /// See [`NotCreator`].
        NotCreator(NotCreator { caller, creator }),
    }
    nested {}
}

/// The admin role: it grants and revokes every other role.
pub const ADMIN_ROLE: B256 = B256::ZERO;

/// Storage slot where the deploy tool's init code records the account that
/// created the program (`CALLER`, stored while the code is created):
/// keccak256("lrt.creator"). The deploy tool's `stylus_build::CREATOR_SLOT`
/// is the same slot.
pub const CREATOR_SLOT: B256 = B256::new(
    keccak_const::Keccak256::new()
        .update(b"lrt.creator")
        .finalize(),
);

/// Role memberships plus the current and pending admin.
///
/// The same shape as OpenZeppelin's `AccessControl` to integrators (its
/// `hasRole`, events and errors), written here without the per-role admin
/// hierarchy the protocol does not use, and without pulling OpenZeppelin's
/// software Keccak into every program (it would also replace Stylus's native
/// Keccak for storage-slot hashing).
#[storage]
pub struct Roles {
    /// role → account → member.
    members: StorageMap<B256, StorageMap<Address, StorageBool>>,
    /// The one account holding [`ADMIN_ROLE`].
    admin: StorageAddress,
    /// The account that may accept the admin role, or zero.
    pending_admin: StorageAddress,
}

impl Roles {
    /// Makes `admin` the first admin. Called once, from a constructor.
    ///
    /// Deployment and construction are separate transactions, so anyone who
    /// sees the program created could call its constructor first and make
    /// themselves admin. The deploy tool's init code records the creator at
    /// [`CREATOR_SLOT`] as the code is created, and only that account may
    /// construct. A program created without it (the slot empty, as under
    /// cargo-stylus's StylusDeployer, which creates and constructs in one
    /// transaction) accepts any caller.
    pub fn init(&mut self, admin: Address) -> Result<(), AccessError> {
        let caller = self.vm().msg_sender();
        let creator = Address::from_word(
            self.vm()
                .storage_load_bytes32(U256::from_be_bytes(CREATOR_SLOT.0)),
        );
        if !creator.is_zero() && creator != caller {
            return Err(NotCreator { caller, creator }.into());
        }
        if admin.is_zero() {
            return Err(InvalidAdmin { admin }.into());
        }
        self.admin.set(admin);
        self.set_member(ADMIN_ROLE, admin, true, admin);
        Ok(())
    }

    /// Whether `account` holds `role`.
    #[must_use]
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.members.getter(role).get(account)
    }

    /// Fails with [`AccessError::Unauthorized`] unless `account` holds `role`.
    pub fn check(&self, role: B256, account: Address) -> Result<(), AccessError> {
        if !self.has_role(role, account) {
            return Err(AccessControlUnauthorizedAccount {
                account,
                needed_role: role,
            }
            .into());
        }
        Ok(())
    }

    /// The current admin.
    #[must_use]
    pub fn admin(&self) -> Address {
        self.admin.get()
    }

    /// The account that may accept the admin role, or zero.
    #[must_use]
    pub fn pending_admin(&self) -> Address {
        self.pending_admin.get()
    }

    /// Grants `role` to `account`; `caller` must be the admin.
    pub fn grant(
        &mut self,
        caller: Address,
        role: B256,
        account: Address,
    ) -> Result<(), AccessError> {
        self.check_grantable(caller, role)?;
        self.set_member(role, account, true, caller);
        Ok(())
    }

    /// Revokes `role` from `account`; `caller` must be the admin.
    pub fn revoke(
        &mut self,
        caller: Address,
        role: B256,
        account: Address,
    ) -> Result<(), AccessError> {
        self.check_grantable(caller, role)?;
        self.set_member(role, account, false, caller);
        Ok(())
    }

    /// `caller` gives up `role`; `confirmation` must repeat the caller.
    pub fn renounce(
        &mut self,
        caller: Address,
        role: B256,
        confirmation: Address,
    ) -> Result<(), AccessError> {
        if role == ADMIN_ROLE {
            return Err(AdminRoleTransferOnly {}.into());
        }
        if caller != confirmation {
            return Err(AccessControlBadConfirmation {}.into());
        }
        self.set_member(role, caller, false, caller);
        Ok(())
    }

    /// Proposes `pending` as the next admin; `caller` must be the admin.
    /// Proposing zero cancels a pending transfer.
    pub fn begin_admin_transfer(
        &mut self,
        caller: Address,
        pending: Address,
    ) -> Result<(), AccessError> {
        self.check(ADMIN_ROLE, caller)?;
        self.pending_admin.set(pending);
        crate::emit!(self.vm(), AdminTransferStarted { current: caller, pending: pending; });
        Ok(())
    }

    /// The pending admin takes the admin role from the current one.
    pub fn accept_admin_transfer(&mut self, caller: Address) -> Result<(), AccessError> {
        let pending = self.pending_admin.get();
        if pending.is_zero() || caller != pending {
            return Err(NotPendingAdmin { caller, pending }.into());
        }
        let previous = self.admin.get();
        self.set_member(ADMIN_ROLE, previous, false, caller);
        self.set_member(ADMIN_ROLE, pending, true, caller);
        self.admin.set(pending);
        self.pending_admin.set(Address::ZERO);
        crate::emit!(self.vm(), AdminTransferred { previous: previous, current: pending; });
        Ok(())
    }

    fn check_grantable(&self, caller: Address, role: B256) -> Result<(), AccessError> {
        if role == ADMIN_ROLE {
            return Err(AdminRoleTransferOnly {}.into());
        }
        self.check(ADMIN_ROLE, caller)
    }

    /// Sets membership and emits the standard event when it changes.
    fn set_member(&mut self, role: B256, account: Address, member: bool, sender: Address) {
        if self.has_role(role, account) == member {
            return;
        }
        self.members.setter(role).insert(account, member);
        if member {
            crate::emit!(self.vm(), RoleGranted { role: role, account: account, sender: sender; });
        } else {
            crate::emit!(self.vm(), RoleRevoked { role: role, account: account, sender: sender; });
        }
    }
}

/// [`IRoles`] as Solidity, for the ABI export: stylus-sdk's export leaves
/// out the functions of implemented traits.
#[cfg(feature = "export-abi")]
pub const ROLES_FUNCTIONS: &str = "
    function hasRole(bytes32 role, address account) external view returns (bool);
    function admin() external view returns (address);
    function pendingAdmin() external view returns (address);
    function grantRole(bytes32 role, address account) external;
    function revokeRole(bytes32 role, address account) external;
    function renounceRole(bytes32 role, address confirmation) external;
    function beginAdminTransfer(address newAdmin) external;
    function acceptAdminTransfer() external;
";

/// The access-control part of every contract's ABI.
pub trait IRoles {
    /// Whether `account` holds `role`.
    fn has_role(&self, role: B256, account: Address) -> bool;
    /// The current admin.
    fn admin(&self) -> Address;
    /// The account that may accept the admin role, or zero.
    fn pending_admin(&self) -> Address;
    /// Grants `role` to `account`. Admin only; not for the admin role.
    fn grant_role(&mut self, role: B256, account: Address) -> Result<(), AccessError>;
    /// Revokes `role` from `account`. Admin only; not for the admin role.
    fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), AccessError>;
    /// The caller gives up `role`; `confirmation` must be the caller.
    fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), AccessError>;
    /// Proposes the next admin (zero cancels). Admin only.
    fn begin_admin_transfer(&mut self, new_admin: Address) -> Result<(), AccessError>;
    /// The pending admin accepts the admin role.
    fn accept_admin_transfer(&mut self) -> Result<(), AccessError>;
}

/// Implements [`IRoles`] for a contract by forwarding to its [`Roles`] field.
///
/// Expands to a `#[public] impl IRoles for $contract`; list `IRoles` in the
/// contract's `#[implements(...)]`.
#[macro_export]
macro_rules! public_roles {
    ($contract:ty, $field:ident) => {
        #[stylus_sdk::prelude::public]
        impl $crate::access::IRoles for $contract {
            fn has_role(
                &self,
                role: alloy_primitives::B256,
                account: alloy_primitives::Address,
            ) -> bool {
                self.$field.has_role(role, account)
            }

            fn admin(&self) -> alloy_primitives::Address {
                self.$field.admin()
            }

            fn pending_admin(&self) -> alloy_primitives::Address {
                self.$field.pending_admin()
            }

            fn grant_role(
                &mut self,
                role: alloy_primitives::B256,
                account: alloy_primitives::Address,
            ) -> Result<(), $crate::access::AccessError> {
                let caller = self.vm().msg_sender();
                self.$field.grant(caller, role, account)
            }

            fn revoke_role(
                &mut self,
                role: alloy_primitives::B256,
                account: alloy_primitives::Address,
            ) -> Result<(), $crate::access::AccessError> {
                let caller = self.vm().msg_sender();
                self.$field.revoke(caller, role, account)
            }

            fn renounce_role(
                &mut self,
                role: alloy_primitives::B256,
                confirmation: alloy_primitives::Address,
            ) -> Result<(), $crate::access::AccessError> {
                let caller = self.vm().msg_sender();
                self.$field.renounce(caller, role, confirmation)
            }

            fn begin_admin_transfer(
                &mut self,
                new_admin: alloy_primitives::Address,
            ) -> Result<(), $crate::access::AccessError> {
                let caller = self.vm().msg_sender();
                self.$field.begin_admin_transfer(caller, new_admin)
            }

            fn accept_admin_transfer(&mut self) -> Result<(), $crate::access::AccessError> {
                let caller = self.vm().msg_sender();
                self.$field.accept_admin_transfer(caller)
            }
        }
    };
}

#[cfg(test)]
mod tests;
