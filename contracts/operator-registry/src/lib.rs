//! The operator allow-list: who may receive the vault's stake, who may slash
//! each operator, how much each may hold, and whether it is active, paused
//! or removed. Governance (the operator-manager role) edits it; the
//! delegation contract reads it on every delegation and slash.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, U256, U8};
use alloy_sol_types::SolCall;
use lrt_common::{
    abi::{encode_words, Word},
    access::{AccessError, IRoles, Roles, ADMIN_ROLE},
    constants::OPERATOR_MANAGER_ROLE,
    external::{first_word, static_call, ExternalRevert},
    interfaces::{
        operatorHasStakeCall, OPERATOR_ACTIVE, OPERATOR_PAUSED, OPERATOR_REMOVED, OPERATOR_UNKNOWN,
    },
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256, StorageU8, StorageVec},
    stylus_core::log,
};

/// Most operators one page of `operators` returns.
pub const MAX_PAGE: u64 = 100;

lrt_common::sol_declarations! {
    /// The operator is not registered.
    #[derive(Debug)]
    error UnknownOperator(address operator);
    /// The operator is registered already.
    #[derive(Debug)]
    error OperatorAlreadyRegistered(address operator);
    /// The operator was removed.
    #[derive(Debug)]
    error OperatorRemoved(address operator);
    /// The operator still has stake (active or unbonding).
    #[derive(Debug)]
    error OperatorHasStake(address operator);
    /// An address argument was zero.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// The delegation contract is set once, at deployment.
    #[derive(Debug)]
    error DelegationAlreadySet(address current);

    /// `operator` was allow-listed with `slasher` and `cap`.
    #[derive(Debug)]
    event OperatorAdded(address indexed operator, address indexed slasher, uint256 cap);
    /// `operator`'s metadata URI is now `metadata_uri`.
    #[derive(Debug)]
    event OperatorMetadataSet(address indexed operator, string metadata_uri);
    /// `operator`'s stake cap changed.
    #[derive(Debug)]
    event OperatorCapSet(address indexed operator, uint256 cap);
    /// `operator`'s slasher changed.
    #[derive(Debug)]
    event OperatorSlasherSet(address indexed operator, address indexed slasher);
    /// `operator` was paused or unpaused.
    #[derive(Debug)]
    event OperatorPauseSet(address indexed operator, bool paused);
    /// `operator` was removed.
    #[derive(Debug)]
    event OperatorRemovedEvent(address indexed operator);
    /// The delegation contract (asked before a removal) was set.
    #[derive(Debug)]
    event DelegationSet(address indexed delegation);
}

lrt_common::errors! {
    /// Why an operator-registry call failed.
    pub enum Error {
        /// See [`UnknownOperator`].
        UnknownOperator(UnknownOperator { operator }),
        /// See [`OperatorAlreadyRegistered`].
        OperatorAlreadyRegistered(OperatorAlreadyRegistered { operator }),
        /// See [`OperatorRemoved`].
        OperatorRemoved(OperatorRemoved { operator }),
        /// See [`OperatorHasStake`].
        OperatorHasStake(OperatorHasStake { operator }),
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`DelegationAlreadySet`].
        DelegationAlreadySet(DelegationAlreadySet { current }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// A call to the delegation contract reverted.
        External(ExternalRevert),
    }
}

/// One allow-listed operator.
#[storage]
pub struct Operator {
    /// Unknown, active, paused or removed.
    status: StorageU8,
    /// The only account that may slash the operator.
    slasher: StorageAddress,
    /// Most stake value (ETH) the operator may hold.
    cap: StorageU256,
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function operator(address operator) external view returns (uint8 status, address slasher, uint256 cap);
",
}

/// The operator registry's storage.
#[entrypoint]
#[storage]
pub struct OperatorRegistry {
    /// Admin and operator managers.
    roles: Roles,
    /// The delegation contract, asked whether an operator still has stake.
    delegation: StorageAddress,
    /// Operators in registration order.
    operator_list: StorageVec<StorageAddress>,
    /// Operator details.
    operators: StorageMap<Address, Operator>,
}

#[public]
#[implements(IRoles)]
impl OperatorRegistry {
    /// Sets the admin.
    ///
    /// # Errors
    /// [`AccessError::InvalidAdmin`].
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), Error> {
        Ok(self.roles.init(admin)?)
    }

    /// Sets the delegation contract. Admin only, once.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`], [`Error::DelegationAlreadySet`].
    ///
    /// # Events
    /// `DelegationSet`.
    pub fn set_delegation(&mut self, delegation: Address) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        let current = self.delegation.get();
        if !current.is_zero() {
            return Err(DelegationAlreadySet { current }.into());
        }
        if delegation.is_zero() {
            return Err(InvalidAddress {
                account: delegation,
            }
            .into());
        }
        self.delegation.set(delegation);
        lrt_common::emit!(self.vm(), DelegationSet { delegation: delegation; });
        Ok(())
    }

    /// Allow-lists `operator`, slashable only by `slasher`, holding at most
    /// `cap` ETH of stake. Operator managers only. A removed operator may be
    /// added again.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::InvalidAddress`],
    /// [`Error::OperatorAlreadyRegistered`].
    ///
    /// # Events
    /// `OperatorAdded`, `OperatorMetadataSet`.
    pub fn add_operator(
        &mut self,
        operator: Address,
        metadata_uri: String,
        slasher: Address,
        cap: U256,
    ) -> Result<(), Error> {
        self.roles
            .check(OPERATOR_MANAGER_ROLE, self.vm().msg_sender())?;
        for account in [operator, slasher] {
            if account.is_zero() {
                return Err(InvalidAddress { account }.into());
            }
        }
        let status = self.status(operator);
        if status == OPERATOR_ACTIVE || status == OPERATOR_PAUSED {
            return Err(OperatorAlreadyRegistered { operator }.into());
        }
        if status == OPERATOR_UNKNOWN {
            self.operator_list.push(operator);
        }
        let mut entry = self.operators.setter(operator);
        entry.status.set(U8::from(OPERATOR_ACTIVE));
        entry.slasher.set(slasher);
        entry.cap.set(cap);
        lrt_common::emit!(self.vm(), OperatorAdded { operator: operator, slasher: slasher; cap: cap });
        log(
            self.vm(),
            OperatorMetadataSet {
                operator,
                metadata_uri,
            },
        );
        Ok(())
    }

    /// Publishes a new metadata URI for `operator`. Operator managers only.
    /// The URI lives in the `OperatorMetadataSet` event only (as with
    /// EigenLayer's operators): indexers and front ends read it from logs,
    /// and the program stays within Stylus's size limit.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`], [`Error::OperatorRemoved`].
    ///
    /// # Events
    /// `OperatorMetadataSet`.
    pub fn set_operator_metadata(
        &mut self,
        operator: Address,
        metadata_uri: String,
    ) -> Result<(), Error> {
        self.check_manageable(operator)?;
        log(
            self.vm(),
            OperatorMetadataSet {
                operator,
                metadata_uri,
            },
        );
        Ok(())
    }

    /// Sets `operator`'s stake cap (ETH). A cap below the current stake only
    /// stops new delegation. Operator managers only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`], [`Error::OperatorRemoved`].
    ///
    /// # Events
    /// `OperatorCapSet`.
    pub fn set_operator_cap(&mut self, operator: Address, cap: U256) -> Result<(), Error> {
        self.check_manageable(operator)?;
        self.operators.setter(operator).cap.set(cap);
        lrt_common::emit!(self.vm(), OperatorCapSet { operator: operator; cap: cap });
        Ok(())
    }

    /// Sets `operator`'s slasher. Operator managers only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`],
    /// [`Error::OperatorRemoved`], [`Error::InvalidAddress`].
    ///
    /// # Events
    /// `OperatorSlasherSet`.
    pub fn set_operator_slasher(
        &mut self,
        operator: Address,
        slasher: Address,
    ) -> Result<(), Error> {
        self.check_manageable(operator)?;
        if slasher.is_zero() {
            return Err(InvalidAddress { account: slasher }.into());
        }
        self.operators.setter(operator).slasher.set(slasher);
        lrt_common::emit!(self.vm(), OperatorSlasherSet { operator: operator, slasher: slasher; });
        Ok(())
    }

    /// Pauses or unpauses `operator`. A paused operator takes no new stake;
    /// what it holds stays, and stays slashable. Operator managers only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`], [`Error::OperatorRemoved`].
    ///
    /// # Events
    /// `OperatorPauseSet`.
    pub fn set_operator_paused(&mut self, operator: Address, paused: bool) -> Result<(), Error> {
        self.check_manageable(operator)?;
        let status = if paused {
            OPERATOR_PAUSED
        } else {
            OPERATOR_ACTIVE
        };
        self.operators.setter(operator).status.set(U8::from(status));
        lrt_common::emit!(self.vm(), OperatorPauseSet { operator: operator; paused: paused });
        Ok(())
    }

    /// Removes `operator`, which must hold no stake, active or unbonding.
    /// Operator managers only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnknownOperator`],
    /// [`Error::OperatorRemoved`], [`Error::OperatorHasStake`].
    ///
    /// # Events
    /// `OperatorRemovedEvent`.
    pub fn remove_operator(&mut self, operator: Address) -> Result<(), Error> {
        self.check_manageable(operator)?;
        let delegation = self.delegation.get();
        if !delegation.is_zero() {
            let calldata = encode_words(operatorHasStakeCall::SELECTOR, &[operator.word()]);
            if !first_word(&static_call(delegation, &calldata)?).is_zero() {
                return Err(OperatorHasStake { operator }.into());
            }
        }
        self.operators
            .setter(operator)
            .status
            .set(U8::from(OPERATOR_REMOVED));
        lrt_common::emit!(self.vm(), OperatorRemovedEvent { operator: operator; });
        Ok(())
    }

    // ----- Views -----

    /// Up to `limit` (at most `MAX_PAGE`) operators from position `offset`,
    /// in registration order.
    pub fn operators(&self, offset: U256, limit: U256) -> Vec<Address> {
        let len = U256::from(self.operator_list.len());
        let end = offset
            .saturating_add(limit.min(U256::from(MAX_PAGE)))
            .min(len);
        let mut page = Vec::new();
        let mut i = offset;
        while i < end {
            page.push(self.operator_list.get(i).unwrap_or_default());
            i += U256::from(1);
        }
        page
    }

    /// How many operators were ever registered.
    pub fn operator_count(&self) -> U256 {
        U256::from(self.operator_list.len())
    }

    /// `operator`'s status (0 unknown, 1 active, 2 paused, 3 removed),
    /// slasher and cap (ETH). Its metadata URI is in its latest
    /// `OperatorMetadataSet` event.
    pub fn operator(&self, operator: Address) -> (u8, Address, U256) {
        let entry = self.operators.getter(operator);
        (
            entry.status.get().to::<u8>(),
            entry.slasher.get(),
            entry.cap.get(),
        )
    }

    /// The delegation contract.
    pub fn delegation(&self) -> Address {
        self.delegation.get()
    }
}

impl OperatorRegistry {
    fn status(&self, operator: Address) -> u8 {
        self.operators.getter(operator).status.get().to::<u8>()
    }

    /// Operator managers only, on a registered, not removed operator.
    fn check_manageable(&self, operator: Address) -> Result<(), Error> {
        self.roles
            .check(OPERATOR_MANAGER_ROLE, self.vm().msg_sender())?;
        match self.status(operator) {
            OPERATOR_ACTIVE | OPERATOR_PAUSED => Ok(()),
            OPERATOR_REMOVED => Err(OperatorRemoved { operator }.into()),
            _ => Err(UnknownOperator { operator }.into()),
        }
    }
}

lrt_common::public_roles!(OperatorRegistry, roles);
