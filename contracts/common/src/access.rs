//! Role-based access control with a single admin that changes hands in two
//! steps.
//!
//! Built on OpenZeppelin's `AccessControl` (its storage, `RoleGranted` /
//! `RoleRevoked` events and `AccessControlUnauthorizedAccount` error, which
//! integrators already decode). On top of it: the admin role cannot be
//! granted, revoked or renounced directly; it moves only through
//! `beginAdminTransfer` + `acceptAdminTransfer`, so a typo in the new admin's
//! address cannot lock governance out, and there is always exactly one admin.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256};
use alloy_sol_types::sol;
use openzeppelin_stylus::access::control::{
    AccessControl, AccessControlBadConfirmation, AccessControlUnauthorizedAccount, IAccessControl,
};
use stylus_sdk::{prelude::*, storage::StorageAddress, stylus_core::log};

pub use openzeppelin_stylus::access::control::{RoleGranted, RoleRevoked};

sol! {
    /// The admin role moves only through `beginAdminTransfer` / `acceptAdminTransfer`.
    #[derive(Debug)]
    error AdminRoleTransferOnly();
    /// `acceptAdminTransfer` was called by someone other than the pending admin.
    #[derive(Debug)]
    error NotPendingAdmin(address caller, address pending);
    /// The new admin of a transfer may not be the zero address.
    #[derive(Debug)]
    error InvalidAdmin(address admin);

    /// `current` proposed `pending` as the next admin.
    #[derive(Debug)]
    event AdminTransferStarted(address indexed current, address indexed pending);
    /// The admin role moved from `previous` to `current`.
    #[derive(Debug)]
    event AdminTransferred(address indexed previous, address indexed current);
}

/// Why an access-control call failed.
#[derive(SolidityError, Debug)]
pub enum AccessError {
    /// The caller lacks the role the call needs.
    Unauthorized(AccessControlUnauthorizedAccount),
    /// `renounceRole` named another account than the caller.
    BadConfirmation(AccessControlBadConfirmation),
    /// The admin role was named in a grant, revoke or renounce.
    AdminRoleTransferOnly(AdminRoleTransferOnly),
    /// The caller is not the pending admin.
    NotPendingAdmin(NotPendingAdmin),
    /// The proposed admin is the zero address.
    InvalidAdmin(InvalidAdmin),
}

impl stylus_sdk::call::MethodError for AccessError {
    fn encode(self) -> Vec<u8> {
        self.into()
    }
}

/// The admin role: it grants and revokes every other role.
pub const ADMIN_ROLE: B256 = B256::ZERO;

/// Roles plus the current and pending admin.
#[storage]
pub struct Roles {
    /// Role memberships (OpenZeppelin layout).
    access: AccessControl,
    /// The one account holding [`ADMIN_ROLE`].
    admin: StorageAddress,
    /// The account that may accept the admin role, or zero.
    pending_admin: StorageAddress,
}

impl Roles {
    /// Makes `admin` the first admin. Called once, from a constructor.
    pub fn init(&mut self, admin: Address) -> Result<(), AccessError> {
        if admin.is_zero() {
            return Err(InvalidAdmin { admin }.into());
        }
        self.admin.set(admin);
        self.access._grant_role(ADMIN_ROLE, admin);
        Ok(())
    }

    /// Whether `account` holds `role`.
    #[must_use]
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.access.has_role(role, account)
    }

    /// Fails with [`AccessError::Unauthorized`] unless `account` holds `role`.
    pub fn check(&self, role: B256, account: Address) -> Result<(), AccessError> {
        self.access._check_role(role, account).map_err(|_| {
            AccessControlUnauthorizedAccount { account, needed_role: role }.into()
        })
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
    pub fn grant(&mut self, caller: Address, role: B256, account: Address) -> Result<(), AccessError> {
        self.check_not_admin_role(role)?;
        self.check(ADMIN_ROLE, caller)?;
        self.access._grant_role(role, account);
        Ok(())
    }

    /// Revokes `role` from `account`; `caller` must be the admin.
    pub fn revoke(&mut self, caller: Address, role: B256, account: Address) -> Result<(), AccessError> {
        self.check_not_admin_role(role)?;
        self.check(ADMIN_ROLE, caller)?;
        self.access._revoke_role(role, account);
        Ok(())
    }

    /// `caller` gives up `role`; `confirmation` must repeat the caller.
    pub fn renounce(&mut self, caller: Address, role: B256, confirmation: Address) -> Result<(), AccessError> {
        self.check_not_admin_role(role)?;
        if caller != confirmation {
            return Err(AccessControlBadConfirmation {}.into());
        }
        self.access._revoke_role(role, caller);
        Ok(())
    }

    /// Proposes `pending` as the next admin; `caller` must be the admin.
    /// Proposing zero cancels a pending transfer.
    pub fn begin_admin_transfer(&mut self, caller: Address, pending: Address) -> Result<(), AccessError> {
        self.check(ADMIN_ROLE, caller)?;
        self.pending_admin.set(pending);
        log(self.vm(), AdminTransferStarted { current: caller, pending });
        Ok(())
    }

    /// The pending admin takes the admin role from the current one.
    pub fn accept_admin_transfer(&mut self, caller: Address) -> Result<(), AccessError> {
        let pending = self.pending_admin.get();
        if pending.is_zero() || caller != pending {
            return Err(NotPendingAdmin { caller, pending }.into());
        }
        let previous = self.admin.get();
        self.access._revoke_role(ADMIN_ROLE, previous);
        self.access._grant_role(ADMIN_ROLE, pending);
        self.admin.set(pending);
        self.pending_admin.set(Address::ZERO);
        log(self.vm(), AdminTransferred { previous, current: pending });
        Ok(())
    }

    fn check_not_admin_role(&self, role: B256) -> Result<(), AccessError> {
        if role == ADMIN_ROLE {
            return Err(AdminRoleTransferOnly {}.into());
        }
        Ok(())
    }
}

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
