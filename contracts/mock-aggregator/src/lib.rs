//! A Chainlink-style feed for devnets and tests: the parts of
//! `AggregatorV3Interface` a consumer reads (`latestRoundData`,
//! `decimals`), answered from values its admin sets. One type serves as a
//! price or exchange-rate feed (an answer with 8 or 18 decimals) and as an
//! L2 sequencer uptime feed (decimals 0, answer 0 for up and 1 for down,
//! `startedAt` the time of the last change), as Arbitrum's are.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{aliases::U80, Address, I256, U256, U8};
use lrt_common::access::{AccessError, IRoles, Roles, ADMIN_ROLE};
use stylus_sdk::{
    prelude::*,
    storage::{StorageI256, StorageU256, StorageU8},
};

lrt_common::sol_declarations! {
    /// Chainlink's event for a new answer: round `round_id` answered
    /// `current` at `updated_at`.
    #[derive(Debug)]
    event AnswerUpdated(int256 indexed current, uint256 indexed round_id, uint256 updated_at);
    /// The latest round became exactly these values.
    #[derive(Debug)]
    event RoundDataSet(uint256 round_id, int256 answer, uint256 started_at, uint256 updated_at, uint256 answered_in_round);
}

lrt_common::errors! {
    /// Why a mock-feed call failed.
    pub enum Error {}
    nested {
        /// An access-control failure.
        Access(AccessError),
    }
}

lrt_common::roles_contract_abi! {
    named_returns: "
    function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
",
}

/// The mock feed's storage: its latest round.
#[entrypoint]
#[storage]
pub struct MockAggregator {
    /// The admin sets the answers.
    roles: Roles,
    /// Decimals of the answer.
    decimals: StorageU8,
    /// The latest round's id.
    round_id: StorageU256,
    /// The latest answer.
    answer: StorageI256,
    /// When the latest round started (an uptime feed: the last change).
    started_at: StorageU256,
    /// When the latest answer was written.
    updated_at: StorageU256,
    /// The round the latest answer was computed in.
    answered_in_round: StorageU256,
}

#[public]
#[implements(IRoles)]
impl MockAggregator {
    /// Sets the admin, the decimals and round 1: `answer`, started at
    /// `started_at` (e.g. long ago, for an uptime feed that has been up
    /// since) and updated now.
    ///
    /// # Errors
    /// [`AccessError::InvalidAdmin`], [`AccessError::NotCreator`].
    ///
    /// # Events
    /// `AnswerUpdated`, `RoundDataSet`.
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        decimals: u8,
        answer: I256,
        started_at: U256,
    ) -> Result<(), Error> {
        self.roles.init(admin)?;
        self.decimals.set(U8::from(decimals));
        let now = U256::from(self.vm().block_timestamp());
        self.store(U256::from(1), answer, started_at, now, U256::from(1));
        Ok(())
    }

    /// A new round answering `answer`, started and updated now (an uptime
    /// feed's status change). Admin only.
    ///
    /// # Errors
    /// [`Error::Access`].
    ///
    /// # Events
    /// `AnswerUpdated`, `RoundDataSet`.
    pub fn set_answer(&mut self, answer: I256) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        let round = self.round_id.get().saturating_add(U256::from(1));
        let now = U256::from(self.vm().block_timestamp());
        self.store(round, answer, now, now, round);
        Ok(())
    }

    /// The latest round as given, to play a stale, incomplete or broken
    /// feed. Admin only.
    ///
    /// # Errors
    /// [`Error::Access`].
    ///
    /// # Events
    /// `AnswerUpdated`, `RoundDataSet`.
    pub fn set_round_data(
        &mut self,
        round_id: U80,
        answer: I256,
        started_at: U256,
        updated_at: U256,
        answered_in_round: U80,
    ) -> Result<(), Error> {
        self.roles.check(ADMIN_ROLE, self.vm().msg_sender())?;
        self.store(
            U256::from(round_id),
            answer,
            started_at,
            updated_at,
            U256::from(answered_in_round),
        );
        Ok(())
    }

    /// Decimals of the answer.
    pub fn decimals(&self) -> u8 {
        self.decimals.get().to::<u8>()
    }

    /// The latest round: id, answer, start, update time, answering round.
    pub fn latest_round_data(&self) -> (U80, I256, U256, U256, U80) {
        (
            self.round_id.get().saturating_to::<U80>(),
            self.answer.get(),
            self.started_at.get(),
            self.updated_at.get(),
            self.answered_in_round.get().saturating_to::<U80>(),
        )
    }
}

impl MockAggregator {
    fn store(
        &mut self,
        round_id: U256,
        answer: I256,
        started_at: U256,
        updated_at: U256,
        answered_in_round: U256,
    ) {
        self.round_id.set(round_id);
        self.answer.set(answer);
        self.started_at.set(started_at);
        self.updated_at.set(updated_at);
        self.answered_in_round.set(answered_in_round);
        lrt_common::emit!(self.vm(), AnswerUpdated { current: answer, round_id: round_id; updated_at: updated_at });
        lrt_common::emit!(self.vm(), RoundDataSet { ;
            round_id: round_id, answer: answer, started_at: started_at,
            updated_at: updated_at, answered_in_round: answered_in_round
        });
    }
}

lrt_common::public_roles!(MockAggregator, roles);
