//! The timelock against TimelockController's rules: every state transition
//! (unset → waiting → ready → done, and cancel), every role refusal,
//! predecessor ordering, delay bounds, batches, self-administration and
//! re-entrancy.
//!
//! motsu's block time is fixed, so an operation scheduled with delay 0 is
//! ready at once and one scheduled with any positive delay stays waiting;
//! the end-to-end tests on the devnode cover waiting turning into ready as
//! time passes.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, uint, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use lrt_common::access::{AccessControlUnauthorizedAccount, ADMIN_ROLE};
use motsu::prelude::*;
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageBytes, StorageU256},
};

use super::*;

/// motsu's block time (fixed: 2025-01-01T00:00:00Z).
const NOW: u64 = 1_735_689_600;
const HOUR: U256 = uint!(3600_U256);
const SALT: B256 = B256::repeat_byte(0x5a);

sol! {
    function record(uint256 value);
    function fail();
    function reenter();
    function updateDelay(uint256 newDelay);
    function grantRole(bytes32 role, address account);
    function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt);
}

/// The target of the operations under test: records what it is called
/// with, fails on request, and re-enters a stored call once.
#[storage]
pub struct Recorder {
    last: StorageU256,
    calls: StorageU256,
    reenter_target: StorageAddress,
    reenter_data: StorageBytes,
}

unsafe impl TopLevelStorage for Recorder {}

#[public]
impl Recorder {
    /// Records `value` and counts the call; accepts ETH.
    #[payable]
    pub fn record(&mut self, value: U256) {
        self.last.set(value);
        let calls = self.calls.get();
        self.calls.set(calls + U256::from(1));
    }

    /// Always reverts, with data.
    pub fn fail(&self) -> Result<(), Vec<u8>> {
        Err(b"recorder refused".to_vec())
    }

    /// Stores a call that the next `reenter` makes once.
    pub fn arm(&mut self, target: Address, data: Bytes) {
        self.reenter_target.set(target);
        self.reenter_data.set_bytes(data.0);
    }

    /// Makes the stored call (once), passing on its failure.
    pub fn reenter(&mut self) -> Result<(), Vec<u8>> {
        let target = self.reenter_target.get();
        if target.is_zero() {
            return Ok(());
        }
        self.reenter_target.set(Address::ZERO);
        let data = self.reenter_data.get_bytes();
        lrt_common::external::call(target, U256::ZERO, &data).map_err(|revert| revert.0)?;
        Ok(())
    }

    /// The last recorded value.
    pub fn last(&self) -> U256 {
        self.last.get()
    }

    /// How many `record` calls arrived.
    pub fn calls(&self) -> U256 {
        self.calls.get()
    }
}

struct Accounts {
    proposer: Address,
    executor: Address,
    canceller: Address,
}

fn accounts() -> Accounts {
    Accounts {
        proposer: address!("0x00000000000000000000000000000000000000a1"),
        executor: address!("0x00000000000000000000000000000000000000e1"),
        canceller: address!("0x00000000000000000000000000000000000000c1"),
    }
}

fn deploy(timelock: &Contract<Timelock>, min_delay: U256) -> Accounts {
    let a = accounts();
    timelock
        .sender(a.proposer)
        .constructor(
            min_delay,
            vec![a.proposer],
            vec![a.executor],
            vec![a.canceller],
        )
        .motsu_unwrap();
    a
}

fn record_call(value: u64) -> Vec<u8> {
    recordCall {
        value: U256::from(value),
    }
    .abi_encode()
}

fn id_of(target: Address, data: &[u8], predecessor: B256, salt: B256) -> B256 {
    operation_id(target, U256::ZERO, data, predecessor, salt)
}

/// Schedules `data` to `target` with value 0 and returns its id.
fn schedule(
    timelock: &Contract<Timelock>,
    proposer: Address,
    target: Address,
    data: &[u8],
    predecessor: B256,
    delay: U256,
) -> B256 {
    timelock
        .sender(proposer)
        .schedule(
            target,
            U256::ZERO,
            Bytes(data.to_vec()),
            predecessor,
            SALT,
            delay,
        )
        .motsu_unwrap();
    id_of(target, data, predecessor, SALT)
}

fn execute(
    timelock: &Contract<Timelock>,
    executor: Address,
    target: Address,
    data: &[u8],
    predecessor: B256,
) -> Result<(), Error> {
    timelock
        .sender(executor)
        .execute(target, U256::ZERO, Bytes(data.to_vec()), predecessor, SALT)
        .motsu_res()
}

#[track_caller]
fn assert_reverts_with<E: SolError>(err: Error, expected: E) {
    let reference = expected.abi_encode();
    let encoded: Vec<u8> = err.into();
    assert_eq!(encoded, reference);
}

#[track_caller]
fn assert_unauthorized(err: Error, account: Address, needed_role: B256) {
    assert_reverts_with(
        err,
        AccessControlUnauthorizedAccount {
            account,
            needed_role,
        },
    );
}

#[track_caller]
fn assert_unexpected_state(err: Error, id: B256, expected: &[OperationState]) {
    let expected_states = expected
        .iter()
        .fold(B256::ZERO, |bits, state| bits | state.bit());
    assert_reverts_with(
        err,
        TimelockUnexpectedOperationState {
            operationId: id,
            expectedStates: expected_states,
        },
    );
}

/// OpenZeppelin's `abi.encode(target, value, data, predecessor, salt)`,
/// written out word by word.
fn reference_encoding(
    target: Address,
    value: U256,
    data: &[u8],
    predecessor: B256,
    salt: B256,
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(target.into_word().as_slice());
    out.extend_from_slice(&value.to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(5 * 32).to_be_bytes::<32>());
    out.extend_from_slice(predecessor.as_slice());
    out.extend_from_slice(salt.as_slice());
    out.extend_from_slice(&U256::from(data.len()).to_be_bytes::<32>());
    out.extend_from_slice(data);
    out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
    out
}

#[test]
fn state_bits_follow_openzeppelins_bitmap() {
    assert_eq!(OperationState::Unset.bit(), B256::with_last_byte(1));
    assert_eq!(OperationState::Waiting.bit(), B256::with_last_byte(2));
    assert_eq!(OperationState::Ready.bit(), B256::with_last_byte(4));
    assert_eq!(OperationState::Done.bit(), B256::with_last_byte(8));
}

#[test]
fn role_ids_are_the_hashes_of_their_names() {
    assert_eq!(PROPOSER_ROLE, alloy_primitives::keccak256("PROPOSER_ROLE"));
    assert_eq!(EXECUTOR_ROLE, alloy_primitives::keccak256("EXECUTOR_ROLE"));
    assert_eq!(
        CANCELLER_ROLE,
        alloy_primitives::keccak256("CANCELLER_ROLE")
    );
}

#[test]
fn compact_errors_encode_as_alloy_does() {
    let errors: Vec<Error> = vec![
        TimelockInvalidOperationLength {
            targets: U256::from(1),
            payloads: U256::from(2),
            values: U256::from(3),
        }
        .into(),
        TimelockInsufficientDelay {
            delay: U256::from(4),
            minDelay: U256::from(5),
        }
        .into(),
        TimelockUnexpectedOperationState {
            operationId: SALT,
            expectedStates: OperationState::Ready.bit(),
        }
        .into(),
        TimelockUnexecutedPredecessor {
            predecessorId: SALT,
        }
        .into(),
        TimelockUnauthorizedCaller {
            caller: accounts().proposer,
        }
        .into(),
        FailedCall {}.into(),
        TimelockDelayOverflow { delay: U256::MAX }.into(),
    ];
    for error in errors {
        let reference = error.reference_encoding();
        let compact: Vec<u8> = error.into();
        assert_eq!(compact, reference);
    }
}

#[motsu::test]
fn operation_ids_hash_openzeppelins_encoding(timelock: Contract<Timelock>, recorder: Address) {
    let data = record_call(7);
    let predecessor = B256::repeat_byte(0x11);
    let value = U256::from(3);
    let expected = alloy_primitives::keccak256(reference_encoding(
        recorder,
        value,
        &data,
        predecessor,
        SALT,
    ));
    let id = timelock.sender(recorder).hash_operation(
        recorder,
        value,
        Bytes(data.clone()),
        predecessor,
        SALT,
    );
    assert_eq!(id, expected);
    let batch = timelock.sender(recorder).hash_operation_batch(
        vec![recorder],
        vec![value],
        vec![Bytes(data)],
        predecessor,
        SALT,
    );
    assert_ne!(batch, id, "a batch of one is a different operation");
}

#[motsu::test]
fn constructor_grants_roles_and_makes_the_timelock_its_own_admin(timelock: Contract<Timelock>) {
    let a = deploy(&timelock, HOUR);
    let this = timelock.address();
    let t = timelock.sender(a.proposer);
    assert_eq!(t.admin(), this);
    assert!(t.has_role(ADMIN_ROLE, this));
    assert!(!t.has_role(ADMIN_ROLE, a.proposer), "no bootstrap admin");
    assert!(t.has_role(PROPOSER_ROLE, a.proposer));
    assert!(
        t.has_role(CANCELLER_ROLE, a.proposer),
        "proposers cancel too"
    );
    assert!(t.has_role(EXECUTOR_ROLE, a.executor));
    assert!(t.has_role(CANCELLER_ROLE, a.canceller));
    assert!(!t.has_role(PROPOSER_ROLE, a.executor));
    assert!(
        !t.has_role(EXECUTOR_ROLE, Address::ZERO),
        "execution is not open"
    );
    assert_eq!(t.get_min_delay(), HOUR);
    timelock.assert_emitted(&MinDelayChange {
        oldDuration: U256::ZERO,
        newDuration: HOUR,
    });
}

#[motsu::test]
fn schedule_makes_an_operation_waiting_until_its_delay(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, HOUR);
    let data = record_call(1);
    let id = id_of(recorder.address(), &data, B256::ZERO, SALT);
    assert_eq!(
        timelock.sender(a.proposer).get_operation_state(id),
        OperationState::Unset as u8
    );
    assert!(!timelock.sender(a.proposer).is_operation(id));
    schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        HOUR,
    );
    let t = timelock.sender(a.proposer);
    assert_eq!(t.get_operation_state(id), OperationState::Waiting as u8);
    assert_eq!(t.get_timestamp(id), U256::from(NOW) + HOUR);
    assert!(t.is_operation(id));
    assert!(t.is_operation_pending(id));
    assert!(!t.is_operation_ready(id));
    assert!(!t.is_operation_done(id));
    timelock.assert_emitted(&CallScheduled {
        id,
        index: U256::ZERO,
        target: recorder.address(),
        value: U256::ZERO,
        data: data.into(),
        predecessor: B256::ZERO,
        delay: HOUR,
    });
    timelock.assert_emitted(&CallSalt { id, salt: SALT });
}

#[motsu::test]
fn schedule_with_zero_salt_emits_no_call_salt(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            U256::ZERO,
            Bytes(record_call(1)),
            B256::ZERO,
            B256::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap();
    let id = operation_id(
        recorder.address(),
        U256::ZERO,
        &record_call(1),
        B256::ZERO,
        B256::ZERO,
    );
    assert!(!timelock.emitted(&CallSalt {
        id,
        salt: B256::ZERO
    }));
    assert!(timelock.sender(a.proposer).is_operation_ready(id));
}

#[motsu::test]
fn schedule_refuses_a_delay_below_the_minimum(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, HOUR);
    let data = record_call(1);
    let short = HOUR - U256::from(1);
    let err = timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            U256::ZERO,
            Bytes(data.clone()),
            B256::ZERO,
            SALT,
            short,
        )
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        TimelockInsufficientDelay {
            delay: short,
            minDelay: HOUR,
        },
    );
    let id = id_of(recorder.address(), &data, B256::ZERO, SALT);
    assert!(!timelock.sender(a.proposer).is_operation(id));
    // Exactly the minimum is enough.
    schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        HOUR,
    );
    assert!(timelock.sender(a.proposer).is_operation_pending(id));
}

#[motsu::test]
fn schedule_refuses_a_ready_time_past_the_largest_timestamp(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let err = timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            U256::ZERO,
            Bytes(record_call(1)),
            B256::ZERO,
            SALT,
            U256::MAX,
        )
        .motsu_unwrap_err();
    assert_reverts_with(err, TimelockDelayOverflow { delay: U256::MAX });
}

#[motsu::test]
fn schedule_refuses_an_operation_already_scheduled_or_done(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = record_call(1);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        HOUR,
    );
    let again = |timelock: &Contract<Timelock>| {
        timelock
            .sender(a.proposer)
            .schedule(
                recorder.address(),
                U256::ZERO,
                Bytes(data.clone()),
                B256::ZERO,
                SALT,
                U256::ZERO,
            )
            .motsu_unwrap_err()
    };
    assert_unexpected_state(again(&timelock), id, &[OperationState::Unset]);
    assert_eq!(
        timelock.sender(a.proposer).get_timestamp(id),
        U256::from(NOW) + HOUR
    );

    // A done operation cannot be scheduled again either.
    let ready = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &record_call(2),
        B256::ZERO,
        U256::ZERO,
    );
    execute(
        &timelock,
        a.executor,
        recorder.address(),
        &record_call(2),
        B256::ZERO,
    )
    .motsu_unwrap();
    let err = timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            U256::ZERO,
            Bytes(record_call(2)),
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap_err();
    assert_unexpected_state(err, ready, &[OperationState::Unset]);
}

#[motsu::test]
fn only_proposers_schedule(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
    stranger: Address,
) {
    let a = deploy(&timelock, U256::ZERO);
    for caller in [a.executor, a.canceller, stranger] {
        let err = timelock
            .sender(caller)
            .schedule(
                recorder.address(),
                U256::ZERO,
                Bytes(record_call(1)),
                B256::ZERO,
                SALT,
                HOUR,
            )
            .motsu_unwrap_err();
        assert_unauthorized(err, caller, PROPOSER_ROLE);
        let err = timelock
            .sender(caller)
            .schedule_batch(
                vec![recorder.address()],
                vec![U256::ZERO],
                vec![Bytes(record_call(1))],
                B256::ZERO,
                SALT,
                HOUR,
            )
            .motsu_unwrap_err();
        assert_unauthorized(err, caller, PROPOSER_ROLE);
    }
    let id = id_of(recorder.address(), &record_call(1), B256::ZERO, SALT);
    assert!(!timelock.sender(stranger).is_operation(id));
}

#[motsu::test]
fn execute_runs_a_ready_operation_and_marks_it_done(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = record_call(42);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    assert_eq!(
        timelock.sender(a.executor).get_operation_state(id),
        OperationState::Ready as u8
    );
    execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).motsu_unwrap();
    assert_eq!(recorder.sender(a.executor).last(), U256::from(42));
    let t = timelock.sender(a.executor);
    assert_eq!(t.get_operation_state(id), OperationState::Done as u8);
    assert!(t.is_operation_done(id));
    assert!(!t.is_operation_pending(id));
    assert_eq!(t.get_timestamp(id), DONE_TIMESTAMP);
    timelock.assert_emitted(&CallExecuted {
        id,
        index: U256::ZERO,
        target: recorder.address(),
        value: U256::ZERO,
        data: data.clone().into(),
    });
    // Done is final: a second execution is refused and changes nothing.
    let err = execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Ready]);
    assert_eq!(recorder.sender(a.executor).calls(), U256::from(1));
}

#[motsu::test]
fn execute_refuses_waiting_and_unset_operations(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, HOUR);
    let data = record_call(1);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        HOUR,
    );
    let err = execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Ready]);
    assert_eq!(
        timelock.sender(a.executor).get_operation_state(id),
        OperationState::Waiting as u8
    );
    let never = record_call(2);
    let err = execute(
        &timelock,
        a.executor,
        recorder.address(),
        &never,
        B256::ZERO,
    )
    .unwrap_err();
    assert_unexpected_state(
        err,
        id_of(recorder.address(), &never, B256::ZERO, SALT),
        &[OperationState::Ready],
    );
    assert_eq!(recorder.sender(a.executor).calls(), U256::ZERO);
}

#[motsu::test]
fn only_executors_execute_unless_the_role_is_open(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
    stranger: Address,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = record_call(5);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    for caller in [a.proposer, a.canceller, stranger] {
        let err = execute(&timelock, caller, recorder.address(), &data, B256::ZERO).unwrap_err();
        assert_unauthorized(err, caller, EXECUTOR_ROLE);
        let err = timelock
            .sender(caller)
            .execute_batch(
                vec![recorder.address()],
                vec![U256::ZERO],
                vec![Bytes(data.clone())],
                B256::ZERO,
                SALT,
            )
            .motsu_unwrap_err();
        assert_unauthorized(err, caller, EXECUTOR_ROLE);
    }
    assert!(timelock.sender(stranger).is_operation_ready(id));
}

#[motsu::test]
fn an_executor_role_held_by_zero_lets_anyone_execute(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
    stranger: Address,
) {
    let a = accounts();
    timelock
        .sender(a.proposer)
        .constructor(U256::ZERO, vec![a.proposer], vec![Address::ZERO], vec![])
        .motsu_unwrap();
    let data = record_call(9);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    execute(&timelock, stranger, recorder.address(), &data, B256::ZERO).motsu_unwrap();
    assert!(timelock.sender(stranger).is_operation_done(id));
    assert_eq!(recorder.sender(stranger).last(), U256::from(9));
}

#[motsu::test]
fn execute_forwards_value(timelock: Contract<Timelock>, recorder: Contract<Recorder>) {
    let a = deploy(&timelock, U256::ZERO);
    let value = U256::from(1000);
    let data = record_call(3);
    timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            value,
            Bytes(data.clone()),
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap();
    a.executor.fund(value);
    timelock
        .sender_and_value(a.executor, value)
        .execute(recorder.address(), value, Bytes(data), B256::ZERO, SALT)
        .motsu_unwrap();
    assert_eq!(recorder.balance(), value);
    assert_eq!(timelock.balance(), U256::ZERO);
}

#[motsu::test]
fn a_failing_call_passes_its_revert_data_and_leaves_the_operation_ready(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = failCall {}.abi_encode();
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    let err = execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).unwrap_err();
    let encoded: Vec<u8> = err.into();
    assert_eq!(encoded, b"recorder refused".to_vec());
    assert!(timelock.sender(a.executor).is_operation_ready(id));
}

#[motsu::test]
fn an_operation_waits_for_its_predecessor(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let first = record_call(1);
    let second = record_call(2);
    let first_id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &first,
        B256::ZERO,
        U256::ZERO,
    );
    let second_id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &second,
        first_id,
        U256::ZERO,
    );
    let err = execute(&timelock, a.executor, recorder.address(), &second, first_id).unwrap_err();
    assert_reverts_with(
        err,
        TimelockUnexecutedPredecessor {
            predecessorId: first_id,
        },
    );
    assert!(timelock.sender(a.executor).is_operation_ready(second_id));
    execute(
        &timelock,
        a.executor,
        recorder.address(),
        &first,
        B256::ZERO,
    )
    .motsu_unwrap();
    execute(&timelock, a.executor, recorder.address(), &second, first_id).motsu_unwrap();
    assert_eq!(recorder.sender(a.executor).last(), U256::from(2));
    assert!(timelock.sender(a.executor).is_operation_done(second_id));
}

#[motsu::test]
fn a_cancelled_predecessor_blocks_its_successor(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let first_id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &record_call(1),
        B256::ZERO,
        U256::ZERO,
    );
    schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &record_call(2),
        first_id,
        U256::ZERO,
    );
    timelock.sender(a.canceller).cancel(first_id).motsu_unwrap();
    let err = execute(
        &timelock,
        a.executor,
        recorder.address(),
        &record_call(2),
        first_id,
    )
    .unwrap_err();
    assert_reverts_with(
        err,
        TimelockUnexecutedPredecessor {
            predecessorId: first_id,
        },
    );
}

#[motsu::test]
fn a_batch_runs_every_call_in_order(timelock: Contract<Timelock>, recorder: Contract<Recorder>) {
    let a = deploy(&timelock, U256::ZERO);
    let targets = vec![recorder.address(), recorder.address()];
    let values = vec![U256::ZERO, U256::ZERO];
    let payloads = vec![Bytes(record_call(1)), Bytes(record_call(2))];
    timelock
        .sender(a.proposer)
        .schedule_batch(
            targets.clone(),
            values.clone(),
            payloads.clone(),
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap();
    let id = timelock.sender(a.proposer).hash_operation_batch(
        targets.clone(),
        values.clone(),
        payloads.clone(),
        B256::ZERO,
        SALT,
    );
    for (index, payload) in payloads.iter().enumerate() {
        timelock.assert_emitted(&CallScheduled {
            id,
            index: U256::from(index),
            target: recorder.address(),
            value: U256::ZERO,
            data: payload.0.clone().into(),
            predecessor: B256::ZERO,
            delay: U256::ZERO,
        });
    }
    timelock
        .sender(a.executor)
        .execute_batch(targets, values, payloads.clone(), B256::ZERO, SALT)
        .motsu_unwrap();
    assert_eq!(recorder.sender(a.executor).calls(), U256::from(2));
    assert_eq!(
        recorder.sender(a.executor).last(),
        U256::from(2),
        "the last call ran last"
    );
    for (index, payload) in payloads.iter().enumerate() {
        timelock.assert_emitted(&CallExecuted {
            id,
            index: U256::from(index),
            target: recorder.address(),
            value: U256::ZERO,
            data: payload.0.clone().into(),
        });
    }
    assert!(timelock.sender(a.executor).is_operation_done(id));
}

#[motsu::test]
fn a_failing_call_reverts_the_whole_batch(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let targets = vec![recorder.address(), recorder.address()];
    let values = vec![U256::ZERO, U256::ZERO];
    let payloads = vec![Bytes(record_call(1)), Bytes(failCall {}.abi_encode())];
    timelock
        .sender(a.proposer)
        .schedule_batch(
            targets.clone(),
            values.clone(),
            payloads.clone(),
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap();
    let err = timelock
        .sender(a.executor)
        .execute_batch(
            targets.clone(),
            values.clone(),
            payloads.clone(),
            B256::ZERO,
            SALT,
        )
        .motsu_unwrap_err();
    let encoded: Vec<u8> = err.into();
    assert_eq!(encoded, b"recorder refused".to_vec());
    assert_eq!(
        recorder.sender(a.executor).calls(),
        U256::ZERO,
        "the first call was undone"
    );
    let id = batch_id(
        &targets,
        &values,
        &[record_call(1).into(), failCall {}.abi_encode().into()],
        B256::ZERO,
        SALT,
    );
    assert!(timelock.sender(a.executor).is_operation_ready(id));
}

#[motsu::test]
fn batches_of_unequal_lengths_are_refused(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let err = timelock
        .sender(a.proposer)
        .schedule_batch(
            vec![recorder.address(), recorder.address()],
            vec![U256::ZERO],
            vec![
                Bytes(record_call(1)),
                Bytes(record_call(2)),
                Bytes(record_call(3)),
            ],
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        TimelockInvalidOperationLength {
            targets: U256::from(2),
            payloads: U256::from(3),
            values: U256::from(1),
        },
    );
    let err = timelock
        .sender(a.executor)
        .execute_batch(
            vec![recorder.address()],
            vec![],
            vec![Bytes(record_call(1))],
            B256::ZERO,
            SALT,
        )
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        TimelockInvalidOperationLength {
            targets: U256::from(1),
            payloads: U256::from(1),
            values: U256::ZERO,
        },
    );
}

#[motsu::test]
fn cancel_returns_a_pending_operation_to_unset(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = record_call(1);
    // Waiting, cancelled by a canceller.
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        HOUR,
    );
    timelock.sender(a.canceller).cancel(id).motsu_unwrap();
    timelock.assert_emitted(&Cancelled { id });
    let t = timelock.sender(a.canceller);
    assert_eq!(t.get_operation_state(id), OperationState::Unset as u8);
    assert_eq!(t.get_timestamp(id), U256::ZERO);
    // Ready, cancelled by a proposer (proposers are cancellers).
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    timelock.sender(a.proposer).cancel(id).motsu_unwrap();
    assert!(!timelock.sender(a.proposer).is_operation(id));
    let err = execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Ready]);
    // A cancelled operation may be scheduled again.
    schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    assert!(timelock.sender(a.proposer).is_operation_ready(id));
}

#[motsu::test]
fn cancel_refuses_unset_and_done_operations(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = record_call(1);
    let id = id_of(recorder.address(), &data, B256::ZERO, SALT);
    let err = timelock.sender(a.canceller).cancel(id).motsu_unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Waiting, OperationState::Ready]);
    schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    execute(&timelock, a.executor, recorder.address(), &data, B256::ZERO).motsu_unwrap();
    let err = timelock.sender(a.canceller).cancel(id).motsu_unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Waiting, OperationState::Ready]);
    assert!(timelock.sender(a.canceller).is_operation_done(id));
}

#[motsu::test]
fn only_cancellers_cancel(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
    stranger: Address,
) {
    let a = deploy(&timelock, U256::ZERO);
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &record_call(1),
        B256::ZERO,
        HOUR,
    );
    for caller in [a.executor, stranger] {
        let err = timelock.sender(caller).cancel(id).motsu_unwrap_err();
        assert_unauthorized(err, caller, CANCELLER_ROLE);
    }
    assert!(timelock.sender(stranger).is_operation_pending(id));
}

#[motsu::test]
fn update_delay_is_refused_to_every_caller_but_the_timelock(
    timelock: Contract<Timelock>,
    stranger: Address,
) {
    let a = deploy(&timelock, HOUR);
    for caller in [a.proposer, a.executor, a.canceller, stranger] {
        let err = timelock
            .sender(caller)
            .update_delay(U256::ZERO)
            .motsu_unwrap_err();
        assert_reverts_with(err, TimelockUnauthorizedCaller { caller });
    }
    assert_eq!(timelock.sender(stranger).get_min_delay(), HOUR);
}

#[motsu::test]
fn update_delay_through_an_operation_sets_the_new_bound(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = deploy(&timelock, U256::ZERO);
    let data = updateDelayCall { newDelay: HOUR }.abi_encode();
    schedule(
        &timelock,
        a.proposer,
        timelock.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    execute(&timelock, a.executor, timelock.address(), &data, B256::ZERO).motsu_unwrap();
    assert_eq!(timelock.sender(a.proposer).get_min_delay(), HOUR);
    timelock.assert_emitted(&MinDelayChange {
        oldDuration: U256::ZERO,
        newDuration: HOUR,
    });
    let err = timelock
        .sender(a.proposer)
        .schedule(
            recorder.address(),
            U256::ZERO,
            Bytes(record_call(1)),
            B256::ZERO,
            SALT,
            U256::ZERO,
        )
        .motsu_unwrap_err();
    assert_reverts_with(
        err,
        TimelockInsufficientDelay {
            delay: U256::ZERO,
            minDelay: HOUR,
        },
    );
}

#[motsu::test]
fn roles_change_only_through_the_timelock(timelock: Contract<Timelock>, newcomer: Address) {
    let a = deploy(&timelock, U256::ZERO);
    let err = timelock
        .sender(a.proposer)
        .grant_role(PROPOSER_ROLE, newcomer)
        .motsu_unwrap_err();
    assert!(matches!(err, AccessError::Unauthorized(_)), "got {err:?}");
    let data = grantRoleCall {
        role: PROPOSER_ROLE,
        account: newcomer,
    }
    .abi_encode();
    schedule(
        &timelock,
        a.proposer,
        timelock.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    execute(&timelock, a.executor, timelock.address(), &data, B256::ZERO).motsu_unwrap();
    assert!(timelock.sender(newcomer).has_role(PROPOSER_ROLE, newcomer));
}

#[motsu::test]
fn re_entering_to_execute_the_same_operation_reverts(
    timelock: Contract<Timelock>,
    recorder: Contract<Recorder>,
) {
    let a = accounts();
    // The recorder re-enters as an executor.
    timelock
        .sender(a.proposer)
        .constructor(
            U256::ZERO,
            vec![a.proposer],
            vec![recorder.address()],
            vec![],
        )
        .motsu_unwrap();
    let data = reenterCall {}.abi_encode();
    let id = schedule(
        &timelock,
        a.proposer,
        recorder.address(),
        &data,
        B256::ZERO,
        U256::ZERO,
    );
    let inner = executeCall {
        target: recorder.address(),
        value: U256::ZERO,
        payload: data.clone().into(),
        predecessor: B256::ZERO,
        salt: SALT,
    }
    .abi_encode();
    recorder
        .sender(a.proposer)
        .arm(timelock.address(), Bytes(inner));
    let err = execute(
        &timelock,
        recorder.address(),
        recorder.address(),
        &data,
        B256::ZERO,
    )
    .unwrap_err();
    assert_unexpected_state(err, id, &[OperationState::Ready]);
    assert!(
        timelock.sender(a.proposer).is_operation_ready(id),
        "nothing was marked done"
    );
}
