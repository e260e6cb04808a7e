//! The protocol's governance timelock, with the semantics of OpenZeppelin's
//! `TimelockController`: a proposer schedules a call (or a batch of calls)
//! that becomes executable only after a delay of at least `getMinDelay()`;
//! an executor then runs it; a canceller may drop it while it waits.
//!
//! In an upgradeable deployment the timelock holds the admin role of every
//! program and the admin of every proxy, so an upgrade, an unpause or a
//! parameter change is public for the whole delay before it can act.
//!
//! Operation life cycle (`getOperationState`):
//!
//! ```text
//! Unset --schedule--> Waiting --(time passes)--> Ready --execute--> Done
//!                        \__________cancel__________/ (back to Unset)
//! ```
//!
//! The timelock administers itself: its admin role is its own address,
//! so role changes and `updateDelay` are themselves scheduled operations
//! whose target is the timelock. There is no bootstrap admin (OpenZeppelin's
//! optional `admin` argument), so no key outside the delay can change roles.
//! Granting [`EXECUTOR_ROLE`] to the zero address opens execution to anyone,
//! as in OpenZeppelin's contract.
//!
//! Re-entrancy follows OpenZeppelin's order: an operation must be `Ready`
//! before its calls run and still `Ready` after them, and only then is it
//! marked `Done`; a call that re-enters to execute the same operation makes
//! the outer execution revert.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use lrt_common::{
    access::{AccessError, IRoles, Roles},
    external::ExternalRevert,
};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageMap, StorageU256},
    stylus_core::log,
};

const fn role(name: &[u8]) -> B256 {
    B256::new(keccak_const::Keccak256::new().update(name).finalize())
}

/// May schedule operations (and cancel them: proposers are also granted
/// [`CANCELLER_ROLE`], as in OpenZeppelin's constructor).
pub const PROPOSER_ROLE: B256 = role(b"PROPOSER_ROLE");
/// May execute ready operations; held by the zero address, by anyone.
pub const EXECUTOR_ROLE: B256 = role(b"EXECUTOR_ROLE");
/// May cancel waiting or ready operations.
pub const CANCELLER_ROLE: B256 = role(b"CANCELLER_ROLE");

/// The timestamp that marks an operation done (OpenZeppelin's
/// `_DONE_TIMESTAMP`): below any real block time, above `Unset`'s zero.
pub const DONE_TIMESTAMP: U256 = U256::from_limbs([1, 0, 0, 0]);

/// An operation's state, as `getOperationState` returns it (a `uint8`, the
/// order of OpenZeppelin's `OperationState` enum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum OperationState {
    /// Never scheduled, or cancelled.
    Unset = 0,
    /// Scheduled; its time has not come.
    Waiting = 1,
    /// Scheduled and executable.
    Ready = 2,
    /// Executed.
    Done = 3,
}

impl OperationState {
    /// The state as a bit in `TimelockUnexpectedOperationState`'s
    /// `expectedStates` (OpenZeppelin's `_encodeStateBitmap`).
    #[must_use]
    pub fn bit(self) -> B256 {
        B256::from(U256::from(1u8) << (self as u8))
    }
}

lrt_common::sol_declarations! {
    /// A batch's `targets`, `payloads` and `values` differ in length.
    #[derive(Debug)]
    error TimelockInvalidOperationLength(uint256 targets, uint256 payloads, uint256 values);
    /// `delay` is below the minimum delay `minDelay`.
    #[derive(Debug)]
    error TimelockInsufficientDelay(uint256 delay, uint256 minDelay);
    /// The operation is not in one of `expectedStates` (a bitmap of
    /// `1 << state`).
    #[derive(Debug)]
    error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates);
    /// The operation's predecessor has not been executed.
    #[derive(Debug)]
    error TimelockUnexecutedPredecessor(bytes32 predecessorId);
    /// `caller` may not call this function (only the timelock itself may).
    #[derive(Debug)]
    error TimelockUnauthorizedCaller(address caller);
    /// A call of the operation failed without revert data (e.g. it sent
    /// more ETH than the timelock holds); with data, the callee's error is
    /// passed on unchanged.
    #[derive(Debug)]
    error FailedCall();
    /// `block.timestamp + delay` does not fit in 256 bits.
    #[derive(Debug)]
    error TimelockDelayOverflow(uint256 delay);

    /// Call `index` of operation `id` was scheduled.
    #[derive(Debug)]
    event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay);
    /// Call `index` of operation `id` was executed.
    #[derive(Debug)]
    event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data);
    /// Operation `id` was scheduled with a non-zero `salt`.
    #[derive(Debug)]
    event CallSalt(bytes32 indexed id, bytes32 salt);
    /// Operation `id` was cancelled.
    #[derive(Debug)]
    event Cancelled(bytes32 indexed id);
    /// The minimum delay changed from `oldDuration` to `newDuration`.
    #[derive(Debug)]
    event MinDelayChange(uint256 oldDuration, uint256 newDuration);
}

lrt_common::errors! {
    /// Why a timelock call failed.
    pub enum Error {
        /// See [`TimelockInvalidOperationLength`].
        InvalidOperationLength(TimelockInvalidOperationLength { targets, payloads, values }),
        /// See [`TimelockInsufficientDelay`].
        InsufficientDelay(TimelockInsufficientDelay { delay, minDelay }),
        /// See [`TimelockUnexpectedOperationState`].
        UnexpectedOperationState(TimelockUnexpectedOperationState { operationId, expectedStates }),
        /// See [`TimelockUnexecutedPredecessor`].
        UnexecutedPredecessor(TimelockUnexecutedPredecessor { predecessorId }),
        /// See [`TimelockUnauthorizedCaller`].
        UnauthorizedCaller(TimelockUnauthorizedCaller { caller }),
        /// See [`FailedCall`].
        FailedCall(FailedCall {}),
        /// See [`TimelockDelayOverflow`].
        DelayOverflow(TimelockDelayOverflow { delay }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
        /// A call of the operation reverted; its revert data, unchanged.
        Call(ExternalRevert),
    }
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function getTimestamp(bytes32 id) external view returns (uint256 timestamp);
    function getOperationState(bytes32 id) external view returns (uint8 state);
    function getMinDelay() external view returns (uint256 duration);
    function hashOperation(address target, uint256 value, bytes calldata data, bytes32 predecessor, bytes32 salt) external view returns (bytes32 id);
    function hashOperationBatch(address[] memory targets, uint256[] memory values, bytes[] memory payloads, bytes32 predecessor, bytes32 salt) external view returns (bytes32 id);
",
}

/// The timelock's storage.
#[entrypoint]
#[storage]
pub struct Timelock {
    /// The timelock itself as admin; proposers, executors, cancellers.
    roles: Roles,
    /// Operation id → when it becomes ready; [`DONE_TIMESTAMP`] once done,
    /// zero when unset.
    timestamps: StorageMap<B256, StorageU256>,
    /// The least delay `schedule` accepts, in seconds.
    min_delay: StorageU256,
}

#[public]
#[implements(IRoles)]
impl Timelock {
    /// Sets the minimum delay and the roles. The timelock is its own admin.
    /// Proposers are cancellers too; an executor of zero opens execution
    /// to anyone.
    ///
    /// # Errors
    /// [`AccessError::NotCreator`] unless called by the program's creator.
    ///
    /// # Events
    /// `RoleGranted` for each role, `MinDelayChange(0, minDelay)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        min_delay: U256,
        proposers: Vec<Address>,
        executors: Vec<Address>,
        cancellers: Vec<Address>,
    ) -> Result<(), Error> {
        let this = self.vm().contract_address();
        self.roles.init(this)?;
        for proposer in proposers {
            self.roles.grant(this, PROPOSER_ROLE, proposer)?;
            self.roles.grant(this, CANCELLER_ROLE, proposer)?;
        }
        for executor in executors {
            self.roles.grant(this, EXECUTOR_ROLE, executor)?;
        }
        for canceller in cancellers {
            self.roles.grant(this, CANCELLER_ROLE, canceller)?;
        }
        self.min_delay.set(min_delay);
        log(
            self.vm(),
            MinDelayChange {
                oldDuration: U256::ZERO,
                newDuration: min_delay,
            },
        );
        Ok(())
    }

    /// Accepts ETH, which operations may forward.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// The role that may schedule.
    #[selector(name = "PROPOSER_ROLE")]
    pub fn proposer_role(&self) -> B256 {
        PROPOSER_ROLE
    }

    /// The role that may execute.
    #[selector(name = "EXECUTOR_ROLE")]
    pub fn executor_role(&self) -> B256 {
        EXECUTOR_ROLE
    }

    /// The role that may cancel.
    #[selector(name = "CANCELLER_ROLE")]
    pub fn canceller_role(&self) -> B256 {
        CANCELLER_ROLE
    }

    /// Whether `id` was ever scheduled (and not cancelled).
    pub fn is_operation(&self, id: B256) -> bool {
        self.state(id) != OperationState::Unset
    }

    /// Whether `id` is scheduled and not yet executed.
    pub fn is_operation_pending(&self, id: B256) -> bool {
        matches!(
            self.state(id),
            OperationState::Waiting | OperationState::Ready
        )
    }

    /// Whether `id` may be executed now.
    pub fn is_operation_ready(&self, id: B256) -> bool {
        self.state(id) == OperationState::Ready
    }

    /// Whether `id` was executed.
    pub fn is_operation_done(&self, id: B256) -> bool {
        self.state(id) == OperationState::Done
    }

    /// When `id` becomes ready (1 once done, 0 if unset).
    pub fn get_timestamp(&self, id: B256) -> U256 {
        self.timestamps.get(id)
    }

    /// `id`'s state: 0 unset, 1 waiting, 2 ready, 3 done.
    pub fn get_operation_state(&self, id: B256) -> u8 {
        self.state(id) as u8
    }

    /// The least delay an operation may be scheduled with, in seconds.
    pub fn get_min_delay(&self) -> U256 {
        self.min_delay.get()
    }

    /// The id of a single-call operation:
    /// `keccak256(abi.encode(target, value, data, predecessor, salt))`.
    pub fn hash_operation(
        &self,
        target: Address,
        value: U256,
        data: Bytes,
        predecessor: B256,
        salt: B256,
    ) -> B256 {
        operation_id(target, value, &data, predecessor, salt)
    }

    /// The id of a batch:
    /// `keccak256(abi.encode(targets, values, payloads, predecessor, salt))`.
    pub fn hash_operation_batch(
        &self,
        targets: Vec<Address>,
        values: Vec<U256>,
        payloads: Vec<Bytes>,
        predecessor: B256,
        salt: B256,
    ) -> B256 {
        batch_id(&targets, &values, &payloads, predecessor, salt)
    }

    /// Schedules one call, executable `delay` seconds from now. Proposers
    /// only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnexpectedOperationState`] (already
    /// scheduled), [`Error::InsufficientDelay`], [`Error::DelayOverflow`].
    ///
    /// # Events
    /// `CallScheduled`, and `CallSalt` for a non-zero salt.
    pub fn schedule(
        &mut self,
        target: Address,
        value: U256,
        data: Bytes,
        predecessor: B256,
        salt: B256,
        delay: U256,
    ) -> Result<(), Error> {
        self.roles.check(PROPOSER_ROLE, self.vm().msg_sender())?;
        let id = operation_id(target, value, &data, predecessor, salt);
        self.schedule_id(id, delay)?;
        log(
            self.vm(),
            CallScheduled {
                id,
                index: U256::ZERO,
                target,
                value,
                data: data.0.into(),
                predecessor,
                delay,
            },
        );
        self.log_salt(id, salt);
        Ok(())
    }

    /// Schedules a batch of calls, executed together and in order.
    /// Proposers only.
    ///
    /// # Errors
    /// As [`Self::schedule`], and [`Error::InvalidOperationLength`].
    ///
    /// # Events
    /// `CallScheduled` for each call, and `CallSalt` for a non-zero salt.
    pub fn schedule_batch(
        &mut self,
        targets: Vec<Address>,
        values: Vec<U256>,
        payloads: Vec<Bytes>,
        predecessor: B256,
        salt: B256,
        delay: U256,
    ) -> Result<(), Error> {
        self.roles.check(PROPOSER_ROLE, self.vm().msg_sender())?;
        check_lengths(&targets, &values, &payloads)?;
        let id = batch_id(&targets, &values, &payloads, predecessor, salt);
        self.schedule_id(id, delay)?;
        for (index, ((target, value), data)) in
            targets.into_iter().zip(values).zip(payloads).enumerate()
        {
            log(
                self.vm(),
                CallScheduled {
                    id,
                    index: U256::from(index),
                    target,
                    value,
                    data: data.0.into(),
                    predecessor,
                    delay,
                },
            );
        }
        self.log_salt(id, salt);
        Ok(())
    }

    /// Drops a waiting or ready operation. Cancellers only.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnexpectedOperationState`] (unset or
    /// done).
    ///
    /// # Events
    /// `Cancelled`.
    pub fn cancel(&mut self, id: B256) -> Result<(), Error> {
        self.roles.check(CANCELLER_ROLE, self.vm().msg_sender())?;
        if !self.is_operation_pending(id) {
            return Err(TimelockUnexpectedOperationState {
                operationId: id,
                expectedStates: OperationState::Waiting.bit() | OperationState::Ready.bit(),
            }
            .into());
        }
        self.timestamps.setter(id).set(U256::ZERO);
        lrt_common::emit!(self.vm(), Cancelled { id: id; });
        Ok(())
    }

    /// Runs a ready single-call operation. Executors only (anyone when the
    /// zero address holds [`EXECUTOR_ROLE`]). The call's value comes from
    /// the timelock's balance, which this call's value adds to.
    ///
    /// # Errors
    /// [`Error::Access`], [`Error::UnexpectedOperationState`] (not ready),
    /// [`Error::UnexecutedPredecessor`], [`Error::Call`] / [`Error::FailedCall`]
    /// (the call failed).
    ///
    /// # Events
    /// `CallExecuted`.
    #[payable]
    pub fn execute(
        &mut self,
        target: Address,
        value: U256,
        payload: Bytes,
        predecessor: B256,
        salt: B256,
    ) -> Result<(), Error> {
        self.check_executor()?;
        let id = operation_id(target, value, &payload, predecessor, salt);
        self.before_call(id, predecessor)?;
        call(target, value, &payload)?;
        log(
            self.vm(),
            CallExecuted {
                id,
                index: U256::ZERO,
                target,
                value,
                data: payload.0.into(),
            },
        );
        self.after_call(id)
    }

    /// Runs a ready batch, every call in order; one failure reverts all.
    /// Executors only (anyone when the zero address holds
    /// [`EXECUTOR_ROLE`]).
    ///
    /// # Errors
    /// As [`Self::execute`], and [`Error::InvalidOperationLength`].
    ///
    /// # Events
    /// `CallExecuted` for each call.
    #[payable]
    pub fn execute_batch(
        &mut self,
        targets: Vec<Address>,
        values: Vec<U256>,
        payloads: Vec<Bytes>,
        predecessor: B256,
        salt: B256,
    ) -> Result<(), Error> {
        self.check_executor()?;
        check_lengths(&targets, &values, &payloads)?;
        let id = batch_id(&targets, &values, &payloads, predecessor, salt);
        self.before_call(id, predecessor)?;
        for (index, ((target, value), data)) in
            targets.into_iter().zip(values).zip(payloads).enumerate()
        {
            call(target, value, &data)?;
            log(
                self.vm(),
                CallExecuted {
                    id,
                    index: U256::from(index),
                    target,
                    value,
                    data: data.0.into(),
                },
            );
        }
        self.after_call(id)
    }

    /// Sets the minimum delay. Only the timelock itself, i.e. through a
    /// scheduled operation.
    ///
    /// # Errors
    /// [`Error::UnauthorizedCaller`].
    ///
    /// # Events
    /// `MinDelayChange`.
    pub fn update_delay(&mut self, new_delay: U256) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.vm().contract_address() {
            return Err(TimelockUnauthorizedCaller { caller }.into());
        }
        let old = self.min_delay.get();
        self.min_delay.set(new_delay);
        lrt_common::emit!(self.vm(), MinDelayChange { ; oldDuration: old, newDuration: new_delay });
        Ok(())
    }
}

impl Timelock {
    fn state(&self, id: B256) -> OperationState {
        let timestamp = self.timestamps.get(id);
        if timestamp.is_zero() {
            OperationState::Unset
        } else if timestamp == DONE_TIMESTAMP {
            OperationState::Done
        } else if timestamp > U256::from(self.vm().block_timestamp()) {
            OperationState::Waiting
        } else {
            OperationState::Ready
        }
    }

    fn schedule_id(&mut self, id: B256, delay: U256) -> Result<(), Error> {
        if self.is_operation(id) {
            return Err(TimelockUnexpectedOperationState {
                operationId: id,
                expectedStates: OperationState::Unset.bit(),
            }
            .into());
        }
        let min_delay = self.min_delay.get();
        if delay < min_delay {
            return Err(TimelockInsufficientDelay {
                delay,
                minDelay: min_delay,
            }
            .into());
        }
        let ready_at = U256::from(self.vm().block_timestamp())
            .checked_add(delay)
            .ok_or(TimelockDelayOverflow { delay })?;
        self.timestamps.setter(id).set(ready_at);
        Ok(())
    }

    fn log_salt(&self, id: B256, salt: B256) {
        if !salt.is_zero() {
            lrt_common::emit!(self.vm(), CallSalt { id: id; salt: salt });
        }
    }

    fn check_executor(&self) -> Result<(), Error> {
        if self.roles.has_role(EXECUTOR_ROLE, Address::ZERO) {
            return Ok(());
        }
        Ok(self.roles.check(EXECUTOR_ROLE, self.vm().msg_sender())?)
    }

    fn before_call(&self, id: B256, predecessor: B256) -> Result<(), Error> {
        self.check_ready(id)?;
        if !predecessor.is_zero() && !self.is_operation_done(predecessor) {
            return Err(TimelockUnexecutedPredecessor {
                predecessorId: predecessor,
            }
            .into());
        }
        Ok(())
    }

    fn after_call(&mut self, id: B256) -> Result<(), Error> {
        self.check_ready(id)?;
        self.timestamps.setter(id).set(DONE_TIMESTAMP);
        Ok(())
    }

    fn check_ready(&self, id: B256) -> Result<(), Error> {
        if !self.is_operation_ready(id) {
            return Err(TimelockUnexpectedOperationState {
                operationId: id,
                expectedStates: OperationState::Ready.bit(),
            }
            .into());
        }
        Ok(())
    }
}

/// The id of a single-call operation (OpenZeppelin's `hashOperation`).
#[must_use]
pub fn operation_id(
    target: Address,
    value: U256,
    data: &[u8],
    predecessor: B256,
    salt: B256,
) -> B256 {
    let data = alloy_primitives::Bytes::copy_from_slice(data);
    keccak256((target, value, data, predecessor, salt).abi_encode_params())
}

/// The id of a batch (OpenZeppelin's `hashOperationBatch`).
#[must_use]
pub fn batch_id(
    targets: &[Address],
    values: &[U256],
    payloads: &[Bytes],
    predecessor: B256,
    salt: B256,
) -> B256 {
    keccak256(
        (
            targets.to_vec(),
            values.to_vec(),
            payloads
                .iter()
                .map(|payload| alloy_primitives::Bytes::copy_from_slice(payload))
                .collect::<Vec<_>>(),
            predecessor,
            salt,
        )
            .abi_encode_params(),
    )
}

fn check_lengths(targets: &[Address], values: &[U256], payloads: &[Bytes]) -> Result<(), Error> {
    if targets.len() != values.len() || targets.len() != payloads.len() {
        return Err(TimelockInvalidOperationLength {
            targets: U256::from(targets.len()),
            payloads: U256::from(payloads.len()),
            values: U256::from(values.len()),
        }
        .into());
    }
    Ok(())
}

/// One call of an operation. The storage cache is flushed and cleared
/// first: the callee may be the timelock itself (`updateDelay`,
/// `grantRole`), whose writes this program must then read afresh.
fn call(target: Address, value: U256, data: &[u8]) -> Result<(), Error> {
    // SAFETY: the cache is flushed and cleared before the call, so a
    // re-entrant call of this program neither misses this call's writes
    // nor leaves stale values behind for it.
    let result = unsafe {
        stylus_sdk::call::RawCall::new_with_value(value)
            .clear_storage_cache()
            .call(target, data)
    };
    match result {
        Ok(_) => Ok(()),
        Err(revert) if revert.is_empty() => Err(FailedCall {}.into()),
        Err(revert) => Err(ExternalRevert(revert).into()),
    }
}

lrt_common::public_roles!(Timelock, roles);

#[cfg(test)]
mod tests;
