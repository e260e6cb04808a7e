//! The chain: state, instant mining (one block per transaction), receipts,
//! time control, snapshots and read-only calls.

use crate::config::{DevnodeConfig, DEV_ACCOUNT, DEV_PRIVATE_KEY};
use crate::evm::builtins::{self, cache_manager, Builtin};
use crate::evm::precompiles::{ARB_SYS, ARB_WASM, ARB_WASM_CACHE};
use crate::evm::programs::ARBOS_STATE;
use crate::evm::{ArbEvm, Ctx, Db, SharedState, State, SPEC};
use crate::stylus::runtime::StylusRuntime;
use alloy_consensus::{Header, Transaction as _, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip2718::Decodable2718;
use alloy_eips::Typed2718;
use alloy_primitives::{address, keccak256, Address, Bloom, Bytes, Log, TxKind, B256, B64, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer_local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};
use revm::context::result::{EVMError, ExecutionResult, InvalidTransaction, Output};
use revm::context::{BlockEnv, Context, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::context_interface::{ContextTr, JournalTr};
use revm::database::{AccountState, CacheDB, EmptyDB};
use revm::handler::{EthFrame, Handler, MainnetHandler};
use revm::primitives::StorageKeyMap;
use revm::state::{AccountInfo, Bytecode, EvmState};
use revm::DatabaseCommit;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Most gas a read-only call may use (geth's default `RPCGasCap`), so a call
/// cannot keep the node busy for hours.
pub const RPC_GAS_CAP: u64 = 50_000_000;

/// Stack of the thread that executes transactions (reserved, touched only as used).
const EXECUTION_STACK_BYTES: usize = 256 << 20;

/// Arbitrum's block coinbase ("sequencer").
pub const SEQUENCER: Address = address!("A4B000000000000000000073657175656e636572");
/// The deterministic deployment proxy nitro-devnode ships (CREATE2 factory).
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
const CREATE2_FACTORY_CODE: &str = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/// Result of running one transaction: its result and state changes, or why it was invalid.
pub(crate) type TxOutcome =
    Result<(ExecutionResult, EvmState), EVMError<Infallible, InvalidTransaction>>;

/// Why the devnode refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevnodeError {
    /// The input could not be decoded (bad RLP, bad signature, ...).
    InvalidInput(String),
    /// The transaction is well-formed but cannot be included (nonce, balance, fees, chain id).
    Rejected(String),
    /// The requested block does not exist.
    UnknownBlock(u64),
    /// The snapshot id is unknown.
    UnknownSnapshot(u64),
}

impl std::fmt::Display for DevnodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DevnodeError::InvalidInput(reason) | DevnodeError::Rejected(reason) => {
                write!(f, "{reason}")
            }
            DevnodeError::UnknownBlock(number) => write!(f, "unknown block {number}"),
            DevnodeError::UnknownSnapshot(id) => write!(f, "unknown snapshot {id}"),
        }
    }
}

impl std::error::Error for DevnodeError {}

/// The receipt data of a mined transaction.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub status: bool,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub logs: Vec<Log>,
    pub logs_bloom: Bloom,
    pub contract_address: Option<Address>,
    pub effective_gas_price: u128,
    /// Return data on success, revert data on revert.
    pub output: Bytes,
}

/// A mined transaction with its position and receipt.
#[derive(Clone, Debug)]
pub struct MinedTransaction {
    pub hash: B256,
    pub envelope: TxEnvelope,
    pub sender: Address,
    pub block_number: u64,
    pub block_hash: B256,
    pub index: u64,
    pub receipt: Receipt,
}

/// A mined block.
#[derive(Clone, Debug)]
pub struct MinedBlock {
    pub hash: B256,
    pub header: Header,
    pub transactions: Vec<B256>,
}

/// Result of a read-only call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    /// Whether the call succeeded.
    pub success: bool,
    /// Return data, or revert data when `reverted`.
    pub output: Bytes,
    /// Whether the call reverted (as opposed to halting, e.g. out of gas).
    pub reverted: bool,
    /// Gas used by the call.
    pub gas_used: u64,
    /// The halt reason when the call neither succeeded nor reverted.
    pub halt: Option<String>,
}

/// What to undo in one account when a block is rolled back for a historical query.
#[derive(Clone, Debug)]
struct AccountUndo {
    address: Address,
    prior: Option<(AccountInfo, AccountState)>,
    slots: Vec<(U256, Option<U256>)>,
    full_storage: Option<StorageKeyMap<U256>>,
}

#[derive(Clone, Debug)]
struct Snapshot {
    db: Arc<State>,
    blocks: usize,
    time_offset: i64,
    next_timestamp: Option<u64>,
}

/// Which state a read runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BlockTag {
    /// The state after the newest block, run in a pending block context.
    #[default]
    Latest,
    /// The state after block `n`.
    Number(u64),
}

/// The local chain.
pub struct Devnode {
    config: DevnodeConfig,
    /// The committed state, shared with the reads running on it (a write
    /// copies it only while a snapshot or a read still holds it).
    db: Arc<State>,
    runtime: Arc<StylusRuntime>,
    blocks: Vec<MinedBlock>,
    undo: Vec<Vec<AccountUndo>>,
    transactions: HashMap<B256, MinedTransaction>,
    signers: Vec<PrivateKeySigner>,
    time_offset: i64,
    next_timestamp: Option<u64>,
    snapshots: Vec<(u64, Snapshot)>,
    next_snapshot: u64,
    /// The number of blocks each `revert` kept, in order: what a client
    /// that had seen later blocks must rewind to.
    reverts: Vec<u64>,
    /// Filters installed over JSON-RPC (`eth_newFilter` and friends). They
    /// are not chain state: snapshots and reverts leave them installed.
    pub(crate) filters: crate::rpc::filters::Filters,
    /// Counts changes readers may want to hear of (a block sealed, a revert):
    /// WebSocket subscriptions wait on it instead of polling.
    changes: tokio::sync::watch::Sender<u64>,
    /// Cached trie roots: every header carries the state's real root.
    roots: crate::trie::StateRoots,
    /// Transactions not mined yet.
    pool: crate::pool::TxPool,
    /// Whether a transaction is mined as it arrives (anvil's automine).
    automine: bool,
    /// Accounts `eth_sendTransaction` may send from without their key.
    impersonated: std::collections::HashSet<Address>,
    /// Whether every account may be sent from without its key.
    auto_impersonate: bool,
}

impl std::fmt::Debug for Devnode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devnode")
            .field("chain_id", &self.config.chain_id)
            .field("blocks", &self.blocks.len())
            .finish()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn db_err<T>(error: Infallible) -> T {
    match error {}
}

impl Devnode {
    /// Creates the chain with its genesis block and funded accounts.
    ///
    /// # Panics
    /// If `config.mnemonic` is not a valid BIP-39 mnemonic; [`Devnode::try_new`]
    /// reports that as an error instead.
    pub fn new(config: DevnodeConfig) -> Self {
        match Self::try_new(config) {
            Ok(node) => node,
            Err(error) => panic!("invalid devnode configuration: {error}"),
        }
    }

    /// Creates the chain, or explains why the configuration is unusable.
    pub fn try_new(config: DevnodeConfig) -> Result<Self, DevnodeError> {
        let mut signers = vec![DEV_PRIVATE_KEY
            .parse::<PrivateKeySigner>()
            .expect("the published dev key is a valid key")];
        let account_count = u32::try_from(config.accounts)
            .map_err(|_| DevnodeError::InvalidInput("too many accounts".into()))?;
        for index in 0..account_count {
            let signer = MnemonicBuilder::<English>::default()
                .phrase(config.mnemonic.as_str())
                .index(index)
                .and_then(|builder| builder.build())
                .map_err(|e| DevnodeError::InvalidInput(format!("invalid mnemonic: {e}")))?;
            signers.push(signer);
        }
        let mut db = CacheDB::new(EmptyDB::default());
        for signer in &signers {
            db.insert_account_info(
                signer.address(),
                AccountInfo {
                    balance: config.balance,
                    ..Default::default()
                },
            );
        }
        // ArbOS storage must never be cleared as an empty account.
        db.insert_account_info(
            ARBOS_STATE,
            AccountInfo {
                nonce: 1,
                ..Default::default()
            },
        );
        // Precompiles carry an INVALID opcode so that extcodesize checks pass, as on Arbitrum.
        for precompile in [ARB_SYS, ARB_WASM, ARB_WASM_CACHE] {
            let code = Bytecode::new_raw(Bytes::from_static(&[0xFE]));
            db.insert_account_info(precompile, AccountInfo::default().with_code(code));
        }
        let factory = Bytecode::new_raw(
            alloy_primitives::hex::decode(CREATE2_FACTORY_CODE)
                .expect("hex")
                .into(),
        );
        db.insert_account_info(CREATE2_FACTORY, AccountInfo::default().with_code(factory));
        // Multicall3, StylusDeployer and a CacheManager, as on nitro-devnode.
        for (_, address) in Builtin::ALL {
            let code = Bytecode::new_raw(Bytes::from_static(builtins::BUILTIN_CODE));
            db.insert_account_info(address, AccountInfo::default().with_code(code));
        }
        for (slot, value) in cache_manager::genesis_storage() {
            db.insert_account_storage(builtins::CACHE_MANAGER, slot, value)
                .unwrap_or_else(|e: Infallible| match e {});
        }

        let timestamp = config.genesis_timestamp.unwrap_or_else(unix_now);
        let mut roots = crate::trie::StateRoots::default();
        let header = Header {
            parent_hash: B256::ZERO,
            state_root: roots.state_root(&db),
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: SEQUENCER,
            number: 0,
            gas_limit: config.block_gas_limit,
            timestamp,
            base_fee_per_gas: Some(config.base_fee),
            difficulty: U256::from(1),
            mix_hash: B256::with_last_byte(1),
            nonce: B64::ZERO,
            ..Default::default()
        };
        let hash = header.hash_slow();
        db.cache.block_hashes.insert(U256::ZERO, hash);
        let runtime = StylusRuntime::new(config.arbos_version);
        Ok(Self {
            config,
            db: Arc::new(db),
            runtime,
            blocks: vec![MinedBlock {
                hash,
                header,
                transactions: Vec::new(),
            }],
            undo: vec![Vec::new()],
            transactions: HashMap::new(),
            signers,
            time_offset: 0,
            next_timestamp: None,
            snapshots: Vec::new(),
            next_snapshot: 1,
            reverts: Vec::new(),
            filters: Default::default(),
            changes: tokio::sync::watch::Sender::new(0),
            roots,
            pool: Default::default(),
            automine: true,
            impersonated: Default::default(),
            auto_impersonate: false,
        })
    }

    /// The configuration the chain was started with.
    pub fn config(&self) -> &DevnodeConfig {
        &self.config
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.config.chain_id
    }

    /// The funded accounts: the dev account first, then the mnemonic's.
    pub fn accounts(&self) -> Vec<Address> {
        self.signers.iter().map(|s| s.address()).collect()
    }

    /// Signers of the funded accounts (same order as [`Devnode::accounts`]); their keys are public.
    pub fn signers(&self) -> &[PrivateKeySigner] {
        &self.signers
    }

    /// The address of the nitro-devnode dev account.
    pub fn dev_account(&self) -> Address {
        DEV_ACCOUNT
    }

    /// Number of the newest block.
    pub fn block_number(&self) -> u64 {
        self.blocks.len() as u64 - 1
    }

    /// A block by number.
    pub fn block(&self, number: u64) -> Option<&MinedBlock> {
        self.blocks.get(number as usize)
    }

    /// A block by hash.
    pub fn block_by_hash(&self, hash: B256) -> Option<&MinedBlock> {
        self.blocks.iter().rev().find(|b| b.hash == hash)
    }

    /// A mined transaction (with its receipt) by hash.
    pub fn transaction(&self, hash: B256) -> Option<&MinedTransaction> {
        self.transactions.get(&hash)
    }

    /// Base fee of the next block.
    pub fn base_fee(&self) -> u64 {
        self.config.base_fee
    }

    /// The committed state after block `tag` (the current one for `Latest`).
    pub(crate) fn state_at(&self, tag: BlockTag) -> Result<Arc<State>, DevnodeError> {
        match tag {
            BlockTag::Latest => Ok(self.db.clone()),
            BlockTag::Number(n) if n > self.block_number() => Err(DevnodeError::UnknownBlock(n)),
            BlockTag::Number(n) if n == self.block_number() => Ok(self.db.clone()),
            BlockTag::Number(n) => {
                let mut state = State::clone(&self.db);
                for undo in self.undo[(n as usize + 1)..].iter().rev() {
                    apply_undo(&mut state, undo);
                }
                // The hashes BLOCKHASH can read at block `n`, which the
                // current state may no longer keep.
                for number in n.saturating_sub(256)..=n {
                    if let Some(block) = self.block(number) {
                        state
                            .cache
                            .block_hashes
                            .insert(U256::from(number), block.hash);
                    }
                }
                Ok(Arc::new(state))
            }
        }
    }

    /// A database for running against the state after block `tag`: a fresh
    /// cache over it, so the latest state is read in place, not copied.
    pub(crate) fn db_at(&self, tag: BlockTag) -> Result<Db, DevnodeError> {
        Ok(Db::new(SharedState(self.state_at(tag)?)))
    }

    fn read_account(&self, address: Address, tag: BlockTag) -> Result<AccountInfo, DevnodeError> {
        let mut db = self.db_at(tag)?;
        Ok(revm::Database::basic(&mut db, address)
            .unwrap_or_else(db_err)
            .unwrap_or_default())
    }

    /// Balance of `address` at `tag`.
    pub fn balance(&self, address: Address, tag: BlockTag) -> Result<U256, DevnodeError> {
        if tag == BlockTag::Latest {
            return Ok(self
                .db
                .cache
                .accounts
                .get(&address)
                .map(|a| a.info.balance)
                .unwrap_or_default());
        }
        Ok(self.read_account(address, tag)?.balance)
    }

    /// Nonce of `address` at `tag`.
    pub fn nonce(&self, address: Address, tag: BlockTag) -> Result<u64, DevnodeError> {
        if tag == BlockTag::Latest {
            return Ok(self
                .db
                .cache
                .accounts
                .get(&address)
                .map(|a| a.info.nonce)
                .unwrap_or_default());
        }
        Ok(self.read_account(address, tag)?.nonce)
    }

    /// Code of `address` at `tag`.
    pub fn code(&self, address: Address, tag: BlockTag) -> Result<Bytes, DevnodeError> {
        let mut db = self.db_at(tag)?;
        let info = revm::Database::basic(&mut db, address)
            .unwrap_or_else(db_err)
            .unwrap_or_default();
        if let Some(code) = info.code {
            return Ok(code.original_bytes());
        }
        let code = revm::Database::code_by_hash(&mut db, info.code_hash).unwrap_or_else(db_err);
        Ok(code.original_bytes())
    }

    /// Storage slot `slot` of `address` at `tag`.
    pub fn storage(
        &self,
        address: Address,
        slot: U256,
        tag: BlockTag,
    ) -> Result<B256, DevnodeError> {
        if tag == BlockTag::Latest {
            let value = self
                .db
                .cache
                .accounts
                .get(&address)
                .and_then(|a| a.storage.get(&slot))
                .copied();
            return Ok(B256::from(value.unwrap_or_default()));
        }
        let mut db = self.db_at(tag)?;
        Ok(B256::from(
            revm::Database::storage(&mut db, address, slot).unwrap_or_else(db_err),
        ))
    }

    /// Sets the balance of `address` (anvil_setBalance).
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.roots.accounts_changed();
        let account = Arc::make_mut(&mut self.db)
            .cache
            .accounts
            .entry(address)
            .or_default();
        account.info.balance = balance;
        if account.account_state == AccountState::NotExisting {
            account.account_state = AccountState::Touched;
        }
    }

    /// Writes account fields and storage directly, outside any transaction
    /// (`anvil_setCode`, `anvil_setNonce`, `anvil_setStorageAt`), with the
    /// semantics of `eth_call`'s state overrides.
    pub fn override_state(&mut self, overrides: &StateOverride) -> Result<(), DevnodeError> {
        for address in overrides.keys() {
            self.roots.storage_changed(*address);
        }
        apply_overrides(Arc::make_mut(&mut self.db), overrides)
    }

    /// Moves the clock forward by `seconds` (evm_increaseTime); returns the total offset.
    pub fn increase_time(&mut self, seconds: u64) -> i64 {
        self.time_offset = self.time_offset.saturating_add(seconds as i64);
        self.time_offset
    }

    /// Fixes the timestamp of the next block (evm_setNextBlockTimestamp).
    pub fn set_next_block_timestamp(&mut self, timestamp: u64) -> Result<(), DevnodeError> {
        let parent = self.blocks.last().expect("genesis").header.timestamp;
        if timestamp < parent {
            return Err(DevnodeError::InvalidInput(format!(
                "timestamp {timestamp} is before the latest block's {parent}"
            )));
        }
        self.next_timestamp = Some(timestamp);
        Ok(())
    }

    fn pending_timestamp(&self) -> u64 {
        let parent = self.blocks.last().expect("genesis").header.timestamp;
        if let Some(timestamp) = self.next_timestamp {
            return timestamp;
        }
        let now = (unix_now() as i64).saturating_add(self.time_offset).max(0) as u64;
        now.max(parent)
    }

    pub(crate) fn block_env(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: SEQUENCER,
            timestamp: U256::from(timestamp),
            gas_limit: self.config.block_gas_limit,
            basefee: self.config.base_fee,
            difficulty: U256::from(1),
            // Arbitrum's PREVRANDAO is always 1.
            prevrandao: Some(B256::with_last_byte(1)),
            blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 3_338_477)),
            ..Default::default()
        }
    }

    /// Runs `tx` against `db`; returns the result and the state changes.
    ///
    /// Calls between programs nest native frames (each program call runs its
    /// callee's frames to completion), so execution runs on a thread with a
    /// stack large enough for the deepest call chain gas allows.
    fn execute(&self, db: Db, block: BlockEnv, tx: TxEnv, read_only: bool) -> (Db, TxOutcome) {
        let (db, outcome, _) = self.execute_with(db, block, tx, read_only, false);
        (db, outcome)
    }

    /// [`Devnode::execute`], recording the call tree when `trace` is set.
    pub(crate) fn execute_with(
        &self,
        db: Db,
        block: BlockEnv,
        tx: TxEnv,
        read_only: bool,
        trace: bool,
    ) -> (Db, TxOutcome, Option<crate::evm::call_tracer::CallFrame>) {
        let chain_id = self.config.chain_id;
        let gas_cap = self.config.block_gas_limit;
        let runtime = self.runtime.clone();
        let recording = crate::stylus::profile::is_recording();
        let run = move || {
            let mut ctx: Ctx = Context::new(db, SPEC);
            ctx.cfg.chain_id = chain_id;
            // Arbitrum has no EIP-7825 cap: only the block gas limit bounds a transaction.
            ctx.cfg.tx_gas_limit_cap = Some(gas_cap);
            // ArbOS applies the EIP-7623 calldata floor only with its
            // `increasedCalldata` feature, off by default.
            ctx.cfg.disable_eip7623 = true;
            ctx.cfg.limit_contract_code_size = Some(crate::stylus::params::MAX_CODE_SIZE);
            if read_only {
                ctx.cfg.disable_nonce_check = true;
                ctx.cfg.disable_balance_check = true;
                ctx.cfg.disable_base_fee = true;
                ctx.cfg.disable_block_gas_limit = true;
            }
            ctx.block = block;
            ctx.tx = tx;
            let message_gas_price = crate::evm::tip::drop_tip(&mut ctx.tx, ctx.block.basefee);
            let mut evm = ArbEvm::new(ctx, runtime, vec![DEV_ACCOUNT, builtins::CACHE_MANAGER]);
            evm.set_message_gas_price(message_gas_price);
            evm.begin_tx();
            if trace {
                evm.trace_calls();
            }
            let mut handler: MainnetHandler<
                ArbEvm,
                EVMError<Infallible, InvalidTransaction>,
                EthFrame,
            > = MainnetHandler::default();
            let result = handler.run(&mut evm);
            let calls = evm.take_call_trace();
            let state = evm.ctx_mut().journal_mut().finalize();
            let db = evm.into_ctx().journaled_state.database;
            (db, result.map(|r| (r, state)), calls)
        };
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("devnode-exec".into())
                .stack_size(EXECUTION_STACK_BYTES)
                .spawn_scoped(scope, move || {
                    crate::stylus::profile::record_if(recording, run)
                })
                .expect("spawning the execution thread");
            match worker.join() {
                Ok((outcome, recorded)) => {
                    crate::stylus::profile::absorb(recorded);
                    outcome
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Decodes, validates and mines a signed transaction (EIP-2718 bytes).
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, DevnodeError> {
        let envelope = TxEnvelope::decode_2718(&mut &raw[..])
            .map_err(|e| DevnodeError::InvalidInput(format!("invalid transaction: {e}")))?;
        self.send_transaction(envelope)
    }

    /// Validates a signed transaction and mines it, or pools it when its
    /// nonce is ahead of its sender's or automining is off.
    pub fn send_transaction(&mut self, envelope: TxEnvelope) -> Result<B256, DevnodeError> {
        self.check_envelope(&envelope)?;
        let sender = recover_sender(&envelope)?;
        self.submit(envelope, sender)
    }

    /// The checks a transaction passes before its sender is known.
    fn check_envelope(&self, envelope: &TxEnvelope) -> Result<(), DevnodeError> {
        if envelope.is_eip4844() {
            return Err(DevnodeError::Rejected(
                "blob transactions are not supported on Arbitrum".into(),
            ));
        }
        match envelope.chain_id() {
            Some(id) if id == self.config.chain_id => {}
            Some(id) => {
                return Err(DevnodeError::Rejected(format!(
                    "invalid chain id {id}, expected {}",
                    self.config.chain_id
                )))
            }
            None => {
                return Err(DevnodeError::Rejected(
                    "only replay-protected (EIP-155) transactions allowed over RPC".into(),
                ))
            }
        }
        if envelope.gas_limit() > self.config.tx_gas_limit {
            return Err(DevnodeError::Rejected(format!(
                "gas limit {} exceeds the per-transaction limit {}",
                envelope.gas_limit(),
                self.config.tx_gas_limit
            )));
        }
        Ok(())
    }

    /// Mines `envelope` from `sender` at once when automining and its nonce
    /// is the sender's next, then whatever of the sender's pooled
    /// transactions that unblocks; pools it otherwise.
    fn submit(&mut self, envelope: TxEnvelope, sender: Address) -> Result<B256, DevnodeError> {
        let hash = *envelope.tx_hash();
        if self.transactions.contains_key(&hash) || self.pool.get(hash).is_some() {
            return Err(DevnodeError::Rejected("already known".into()));
        }
        let state_nonce = self.nonce(sender, BlockTag::Latest)?;
        let nonce = envelope.nonce();
        if nonce < state_nonce {
            return Err(DevnodeError::Rejected(format!(
                "nonce too low: next nonce {state_nonce}, tx nonce {nonce}"
            )));
        }
        if self.automine && nonce == state_nonce {
            self.mine_block(vec![(envelope, sender)], true)?;
            self.mine_unblocked(sender);
            return Ok(hash);
        }
        // As geth's pool: a sender that cannot pay for the transaction now
        // is refused rather than queued.
        let balance = self.balance(sender, BlockTag::Latest)?;
        let cost = U256::from(envelope.gas_limit())
            .saturating_mul(U256::from(envelope.max_fee_per_gas()))
            .saturating_add(envelope.value());
        if cost > balance {
            return Err(DevnodeError::Rejected(format!(
                "insufficient funds for gas * price + value: balance {balance}, tx cost {cost}"
            )));
        }
        let pooled = crate::pool::PooledTransaction {
            hash,
            envelope,
            sender,
        };
        self.pool
            .insert(pooled)
            .map_err(|e| DevnodeError::Rejected(e.to_string()))?;
        self.announce_change();
        Ok(hash)
    }

    /// Automining: mines, one block each, the pooled transactions of
    /// `sender` that follow its nonce without a gap.
    fn mine_unblocked(&mut self, sender: Address) {
        loop {
            let Ok(next) = self.nonce(sender, BlockTag::Latest) else {
                return;
            };
            self.pool.drop_stale(sender, next);
            let Some(tx) = self.pool.take(sender, next) else {
                return;
            };
            // One that cannot run now (e.g. no longer funded) is dropped, as
            // geth's pool drops it.
            let _ = self.mine_block(vec![(tx.envelope, tx.sender)], true);
        }
    }

    /// The pooled transactions that can run next, in order: per sender, those
    /// following its nonce without a gap.
    fn ready_transactions(&mut self) -> Vec<(TxEnvelope, Address)> {
        let mut ready = Vec::new();
        for sender in self.pool.senders() {
            let Ok(mut next) = self.nonce(sender, BlockTag::Latest) else {
                continue;
            };
            self.pool.drop_stale(sender, next);
            while let Some(tx) = self.pool.take(sender, next) {
                ready.push((tx.envelope, tx.sender));
                next += 1;
            }
        }
        ready
    }

    /// Runs `txs` in order in a new block and seals it. With `strict`, the
    /// first refused transaction refuses the whole block (nothing is
    /// sealed); otherwise refused transactions are left out.
    fn mine_block(
        &mut self,
        txs: Vec<(TxEnvelope, Address)>,
        strict: bool,
    ) -> Result<B256, DevnodeError> {
        let number = self.block_number() + 1;
        let timestamp = self.pending_timestamp();
        let block_env = self.block_env(number, timestamp);
        let mut mined: Vec<MinedTransaction> = Vec::new();
        let mut block_undo: Vec<AccountUndo> = Vec::new();
        let mut block_bloom = Bloom::default();
        let mut cumulative_gas_used = 0u64;
        for (envelope, sender) in txs {
            let tx_env = tx_env_from_envelope(&envelope, sender);
            let db = Db::new(SharedState(self.db.clone()));
            // The layer is dropped before committing, so the commit writes
            // the shared state in place.
            let (_, result) = self.execute(db, block_env.clone(), tx_env, false);
            let (result, state) = match result {
                Ok(outcome) => outcome,
                Err(error) if strict => {
                    // Only the first transaction can be refused here, before
                    // anything of the block ran.
                    return Err(DevnodeError::Rejected(rejection_message(error)));
                }
                Err(_) => continue,
            };
            let mut undo = record_undo(&self.db, &state);
            Arc::make_mut(&mut self.db).commit(state);
            // Applied newest first, the block's undo restores the state
            // before its first transaction.
            undo.append(&mut block_undo);
            block_undo = undo;

            // The tip is dropped: the receipt shows the base fee paid (see `evm::tip`).
            let effective_gas_price = self.config.base_fee as u128;
            let (status, gas_used, logs, output, contract_address) = match result {
                ExecutionResult::Success {
                    gas, logs, output, ..
                } => {
                    let contract = match &output {
                        Output::Create(_, address) => *address,
                        Output::Call(_) => None,
                    };
                    (true, gas.tx_gas_used(), logs, output.into_data(), contract)
                }
                ExecutionResult::Revert { gas, output, .. } => {
                    (false, gas.tx_gas_used(), Vec::new(), output, None)
                }
                ExecutionResult::Halt { gas, .. } => {
                    (false, gas.tx_gas_used(), Vec::new(), Bytes::new(), None)
                }
            };
            cumulative_gas_used += gas_used;
            let mut logs_bloom = Bloom::default();
            for log in &logs {
                logs_bloom.accrue_log(log);
            }
            block_bloom.accrue_bloom(&logs_bloom);
            let receipt = Receipt {
                status,
                gas_used,
                cumulative_gas_used,
                logs,
                logs_bloom,
                contract_address,
                effective_gas_price,
                output,
            };
            mined.push(MinedTransaction {
                hash: *envelope.tx_hash(),
                envelope,
                sender,
                block_number: number,
                block_hash: B256::ZERO,
                index: mined.len() as u64,
                receipt,
            });
        }
        let hashes = mined.iter().map(|tx| tx.hash).collect();
        let block_hash = self.seal_block(
            timestamp,
            cumulative_gas_used,
            block_bloom,
            hashes,
            block_undo,
        );
        for mut tx in mined {
            tx.block_hash = block_hash;
            self.transactions.insert(tx.hash, tx);
        }
        Ok(block_hash)
    }

    fn seal_block(
        &mut self,
        timestamp: u64,
        gas_used: u64,
        logs_bloom: Bloom,
        txs: Vec<B256>,
        undo: Vec<AccountUndo>,
    ) -> B256 {
        for entry in &undo {
            self.roots.storage_changed(entry.address);
        }
        let state_root = self.roots.state_root(&self.db);
        let parent = self.blocks.last().expect("genesis");
        let number = parent.header.number + 1;
        let header = Header {
            parent_hash: parent.hash,
            state_root,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: SEQUENCER,
            transactions_root: keccak256(txs.iter().flat_map(|h| h.0).collect::<Vec<u8>>()),
            logs_bloom,
            difficulty: U256::from(1),
            number,
            gas_limit: self.config.block_gas_limit,
            gas_used,
            timestamp,
            mix_hash: B256::with_last_byte(1),
            base_fee_per_gas: Some(self.config.base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let block_hashes = &mut Arc::make_mut(&mut self.db).cache.block_hashes;
        block_hashes.insert(U256::from(number), hash);
        // BLOCKHASH reads only the last 256 blocks: older hashes are not kept
        // in the state (the chain's blocks still hold them).
        if let Some(old) = number.checked_sub(256) {
            block_hashes.remove(&U256::from(old));
        }
        self.blocks.push(MinedBlock {
            hash,
            header,
            transactions: txs,
        });
        self.undo.push(undo);
        self.next_timestamp = None;
        self.announce_change();
        hash
    }

    /// Whether transactions are mined as they arrive.
    pub fn automine(&self) -> bool {
        self.automine
    }

    /// Turns automining on or off (`evm_setAutomine`). Turned on, the
    /// transactions that can run are mined at once.
    pub fn set_automine(&mut self, enabled: bool) {
        self.automine = enabled;
        if enabled {
            for sender in self.pool.senders() {
                self.mine_unblocked(sender);
            }
        }
    }

    /// The transactions waiting to be mined.
    pub fn pool(&self) -> &crate::pool::TxPool {
        &self.pool
    }

    /// The nonce of `address`'s next transaction counting the pool (what the
    /// `pending` tag reads): its state nonce plus its pooled transactions
    /// that follow without a gap.
    pub fn pending_nonce(&self, address: Address) -> u64 {
        let state_nonce = self.nonce(address, BlockTag::Latest).unwrap_or_default();
        self.pool.next_nonce(address, state_nonce)
    }

    /// Lets `eth_sendTransaction` send from `address` without its key
    /// (`anvil_impersonateAccount`).
    pub fn impersonate(&mut self, address: Address) {
        self.impersonated.insert(address);
    }

    /// Ends [`Devnode::impersonate`] for `address`.
    pub fn stop_impersonating(&mut self, address: Address) {
        self.impersonated.remove(&address);
    }

    /// Lets `eth_sendTransaction` send from any address
    /// (`anvil_autoImpersonateAccount`).
    pub fn set_auto_impersonate(&mut self, enabled: bool) {
        self.auto_impersonate = enabled;
    }

    /// The EIP-1186 proof of `address` and `slots` in the state at `tag`,
    /// against the `stateRoot` of that block's header.
    pub fn proof(
        &self,
        address: Address,
        slots: &[B256],
        tag: BlockTag,
    ) -> Result<alloy_rpc_types_eth::EIP1186AccountProofResponse, DevnodeError> {
        let state = self.state_at(tag)?;
        Ok(crate::trie::account_proof(&state, address, slots))
    }

    /// Wakes the readers waiting on [`Devnode::watch_changes`].
    pub(crate) fn announce_change(&self) {
        self.changes
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// A receiver that wakes whenever a block is sealed or the chain is
    /// reverted (what subscriptions report).
    pub fn watch_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Mines a block (evm_mine) holding the pool's transactions that can run
    /// (none while automining, unless they wait for a nonce gap to close);
    /// returns its number.
    pub fn mine(&mut self) -> u64 {
        let ready = self.ready_transactions();
        let _ = self.mine_block(ready, false);
        self.block_number()
    }

    /// Fills in nonce, gas and fees of `request`, signs it with the known key of
    /// its `from` account (one of [`Devnode::accounts`]) and mines it.
    pub fn sign_and_send(&mut self, request: TransactionRequest) -> Result<B256, DevnodeError> {
        use alloy_consensus::SignableTransaction;
        use alloy_signer::SignerSync;
        let from = request
            .from
            .ok_or_else(|| DevnodeError::InvalidInput("missing from".into()))?;
        let signer = self.signers.iter().find(|s| s.address() == from).cloned();
        let impersonated = self.auto_impersonate || self.impersonated.contains(&from);
        if signer.is_none() && !impersonated {
            return Err(DevnodeError::InvalidInput(format!(
                "no known key for {from}"
            )));
        }
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => match self.estimate_gas(&request, BlockTag::Latest, None)? {
                Ok(gas) => gas,
                Err(_) => self.config.tx_gas_limit,
            },
        };
        let tx = alloy_consensus::TxEip1559 {
            chain_id: self.config.chain_id,
            nonce: match request.nonce {
                Some(nonce) => nonce,
                None => self.pending_nonce(from),
            },
            gas_limit,
            max_fee_per_gas: request
                .max_fee_per_gas
                .unwrap_or(self.config.base_fee as u128 * 2),
            max_priority_fee_per_gas: request.max_priority_fee_per_gas.unwrap_or(0),
            to: request.to.unwrap_or(TxKind::Create),
            value: request.value.unwrap_or_default(),
            access_list: request.access_list.clone().unwrap_or_default(),
            input: request.input.input().cloned().unwrap_or_default(),
        };
        let Some(signer) = signer else {
            // No key: a placeholder signature that names the sender, so two
            // impersonated senders' identical transactions hash apart (the
            // sender is recorded, not recovered).
            let placeholder = alloy_primitives::Signature::new(
                U256::from_be_slice(from.as_slice()),
                U256::from(1),
                false,
            );
            let envelope = TxEnvelope::from(tx.into_signed(placeholder));
            self.check_envelope(&envelope)?;
            return self.submit(envelope, from);
        };
        let signature = signer
            .sign_hash_sync(&tx.signature_hash())
            .map_err(|e| DevnodeError::InvalidInput(format!("signing failed: {e}")))?;
        self.send_transaction(TxEnvelope::from(tx.into_signed(signature)))
    }

    /// Runs a call without changing state, optionally with state overrides.
    pub fn call(
        &self,
        request: &TransactionRequest,
        tag: BlockTag,
        overrides: Option<&StateOverride>,
    ) -> Result<CallOutcome, DevnodeError> {
        self.call_with_state(request, tag, overrides)
            .map(|(outcome, _)| outcome)
    }

    /// [`Devnode::call`], also returning every account and slot the call
    /// loaded or changed (what an access list is computed from).
    pub(crate) fn call_with_state(
        &self,
        request: &TransactionRequest,
        tag: BlockTag,
        overrides: Option<&StateOverride>,
    ) -> Result<(CallOutcome, EvmState), DevnodeError> {
        let (db, block_env, tx) = self.call_env(request, tag, overrides)?;
        let (_, result) = self.execute(db, block_env, tx, true);
        let (result, state) = result.map_err(|e| DevnodeError::Rejected(rejection_message(e)))?;
        Ok((call_outcome(result), state))
    }

    /// The state, block and transaction a read-only call of `request` runs with.
    pub(crate) fn call_env(
        &self,
        request: &TransactionRequest,
        tag: BlockTag,
        overrides: Option<&StateOverride>,
    ) -> Result<(Db, BlockEnv, TxEnv), DevnodeError> {
        let mut db = self.db_at(tag)?;
        if let Some(overrides) = overrides {
            apply_overrides(&mut db, overrides)?;
        }
        let (number, timestamp) = match tag {
            BlockTag::Latest => (self.block_number() + 1, self.pending_timestamp()),
            BlockTag::Number(n) => {
                let block = self.block(n).ok_or(DevnodeError::UnknownBlock(n))?;
                (n, block.header.timestamp)
            }
        };
        let mut block_env = self.block_env(number, timestamp);
        // As geth (internal/ethapi/api.go, doCall): a call that names no gas
        // price runs with base fee 0, so BASEFEE and `block_basefee` read 0.
        let priced = [request.gas_price, request.max_fee_per_gas]
            .iter()
            .any(|price| price.is_some_and(|price| price > 0));
        if !priced {
            block_env.basefee = 0;
        }
        let from = request.from.unwrap_or_default();
        let nonce = match request.nonce {
            Some(nonce) => nonce,
            None => revm::Database::basic(&mut db, from)
                .unwrap_or_else(db_err)
                .map(|a| a.nonce)
                .unwrap_or_default(),
        };
        // The request's fields say its type, as a wallet would send it: an
        // access list or an authorization list costs intrinsic gas, and a
        // legacy transaction has neither (revm ignores them for type 0).
        let authorization_list: Vec<_> = request
            .authorization_list
            .iter()
            .flatten()
            .cloned()
            .map(revm::context_interface::either::Either::Left)
            .collect();
        let tx_type = if !authorization_list.is_empty() {
            4
        } else if request.max_fee_per_gas.is_some() {
            2
        } else if request.access_list.is_some() {
            1
        } else {
            0
        };
        let tx = TxEnv {
            tx_type,
            caller: from,
            gas_limit: request
                .gas
                .unwrap_or(self.config.tx_gas_limit)
                .min(RPC_GAS_CAP),
            gas_price: request
                .max_fee_per_gas
                .or(request.gas_price)
                .unwrap_or_default(),
            gas_priority_fee: request.max_priority_fee_per_gas,
            kind: request.to.unwrap_or(TxKind::Create),
            value: request.value.unwrap_or_default(),
            data: request.input.input().cloned().unwrap_or_default(),
            nonce,
            chain_id: Some(self.config.chain_id),
            access_list: request.access_list.clone().unwrap_or_default(),
            authorization_list,
            ..Default::default()
        };
        Ok((db, block_env, tx))
    }

    /// Finds the least gas limit under which the call succeeds (binary search).
    pub fn estimate_gas(
        &self,
        request: &TransactionRequest,
        tag: BlockTag,
        overrides: Option<&StateOverride>,
    ) -> Result<Result<u64, CallOutcome>, DevnodeError> {
        let cap = request
            .gas
            .unwrap_or(self.config.tx_gas_limit)
            .min(RPC_GAS_CAP);
        let mut probe = request.clone();
        probe.gas = Some(cap);
        let first = self.call(&probe, tag, overrides)?;
        if !first.success {
            return Ok(Err(first));
        }
        // Succeeded at the cap, a probe can only be refused for its gas limit
        // (below the intrinsic gas of an access or authorization list, whose
        // refunds make the used gas smaller): that counts as too little, as
        // geth's estimator treats "intrinsic gas too low".
        let succeeds = |probe: &TransactionRequest| match self.call(probe, tag, overrides) {
            Ok(outcome) => Ok(outcome.success),
            Err(DevnodeError::Rejected(_)) => Ok(false),
            Err(error) => Err(error),
        };
        let mut low = first.gas_used.saturating_sub(1);
        let mut high = cap;
        // geth's optimistic guess: what was used plus the stipend, with the 1/64
        // every call level keeps back; it usually succeeds and narrows the search.
        let optimistic = (first.gas_used + 2_300) * 64 / 63;
        if optimistic < high {
            probe.gas = Some(optimistic);
            if succeeds(&probe)? {
                high = optimistic;
            } else {
                low = optimistic;
            }
        }
        // The 63/64 rule and refunds make the used gas a lower bound, not the answer.
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            probe.gas = Some(mid);
            if succeeds(&probe)? {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(Ok(high))
    }

    /// Saves the whole chain state (evm_snapshot); returns the snapshot id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        let snapshot = Snapshot {
            db: self.db.clone(),
            blocks: self.blocks.len(),
            time_offset: self.time_offset,
            next_timestamp: self.next_timestamp,
        };
        self.snapshots.push((id, snapshot));
        id
    }

    /// Restores a snapshot (evm_revert); it and later snapshots are consumed.
    pub fn revert(&mut self, id: u64) -> Result<(), DevnodeError> {
        let position = self
            .snapshots
            .iter()
            .position(|(snapshot_id, _)| *snapshot_id == id)
            .ok_or(DevnodeError::UnknownSnapshot(id))?;
        let (_, snapshot) = self.snapshots.swap_remove(position);
        self.snapshots.truncate(position);
        for block in self.blocks.drain(snapshot.blocks..) {
            for hash in block.transactions {
                self.transactions.remove(&hash);
            }
        }
        self.undo.truncate(snapshot.blocks);
        self.reverts.push(snapshot.blocks as u64);
        self.db = snapshot.db;
        self.roots.reset();
        self.time_offset = snapshot.time_offset;
        self.next_timestamp = snapshot.next_timestamp;
        self.announce_change();
        Ok(())
    }

    /// The number of blocks each revert to a snapshot kept, oldest first: a
    /// reader that had seen block `n` must re-read from the first of these
    /// that is not above `n`.
    pub fn reverts(&self) -> &[u64] {
        &self.reverts
    }

    /// Logs of blocks `from..=to`, optionally filtered by emitter and topics.
    pub fn logs(
        &self,
        from: u64,
        to: u64,
        addresses: &[Address],
        topics: &[Vec<B256>],
    ) -> Vec<(Log, &MinedTransaction, u64)> {
        let mut out = Vec::new();
        let to = to.min(self.block_number());
        for number in from..=to {
            let Some(block) = self.block(number) else {
                continue;
            };
            let mut log_index = 0u64;
            for hash in &block.transactions {
                let Some(tx) = self.transactions.get(hash) else {
                    continue;
                };
                for log in &tx.receipt.logs {
                    let address_ok = addresses.is_empty() || addresses.contains(&log.address);
                    let topics_ok = topics.iter().enumerate().all(|(i, wanted)| {
                        wanted.is_empty() || log.topics().get(i).is_some_and(|t| wanted.contains(t))
                    });
                    if address_ok && topics_ok {
                        out.push((log.clone(), tx, log_index));
                    }
                    log_index += 1;
                }
            }
        }
        out
    }
}

/// A call's result as [`CallOutcome`].
fn call_outcome(result: ExecutionResult) -> CallOutcome {
    match result {
        ExecutionResult::Success { gas, output, .. } => CallOutcome {
            success: true,
            output: output.into_data(),
            reverted: false,
            gas_used: gas.tx_gas_used(),
            halt: None,
        },
        ExecutionResult::Revert { gas, output, .. } => CallOutcome {
            success: false,
            output,
            reverted: true,
            gas_used: gas.tx_gas_used(),
            halt: None,
        },
        ExecutionResult::Halt { gas, reason, .. } => CallOutcome {
            success: false,
            output: Bytes::new(),
            reverted: false,
            gas_used: gas.tx_gas_used(),
            halt: Some(halt_message(&reason)),
        },
    }
}

/// geth's wording for the common halts.
fn halt_message(reason: &revm::context::result::HaltReason) -> String {
    use revm::context::result::HaltReason;
    match reason {
        HaltReason::OutOfGas(_) => "out of gas".into(),
        HaltReason::OpcodeNotFound | HaltReason::InvalidFEOpcode => "invalid opcode".into(),
        HaltReason::StackUnderflow => "stack underflow".into(),
        HaltReason::StackOverflow => "stack limit reached".into(),
        HaltReason::CallTooDeep => "max call depth exceeded".into(),
        HaltReason::CreateContractStartingWithEF => "invalid code: must not begin with 0xef".into(),
        HaltReason::CreateContractSizeLimit => "max code size exceeded".into(),
        HaltReason::OutOfFunds => "insufficient balance for transfer".into(),
        HaltReason::StateChangeDuringStaticCall => "write protection".into(),
        other => format!("{other:?}"),
    }
}

/// A refused transaction in geth's words (core/error.go): viem and ethers
/// classify errors by these strings (nonce too low, insufficient funds,
/// intrinsic gas too low, fee cap below the base fee).
pub(crate) fn rejection_message(error: EVMError<Infallible, InvalidTransaction>) -> String {
    match error {
        EVMError::Transaction(InvalidTransaction::NonceTooLow { tx, state }) => {
            format!("nonce too low: next nonce {state}, tx nonce {tx}")
        }
        EVMError::Transaction(InvalidTransaction::NonceTooHigh { tx, state }) => {
            format!("nonce too high: next nonce {state}, tx nonce {tx}")
        }
        EVMError::Transaction(InvalidTransaction::LackOfFundForMaxFee { fee, balance }) => {
            format!("insufficient funds for gas * price + value: balance {balance}, tx cost {fee}")
        }
        EVMError::Transaction(InvalidTransaction::GasPriceLessThanBasefee) => {
            "max fee per gas less than block base fee".into()
        }
        EVMError::Transaction(InvalidTransaction::PriorityFeeGreaterThanMaxFee) => {
            "max priority fee per gas higher than max fee per gas".into()
        }
        EVMError::Transaction(InvalidTransaction::CallGasCostMoreThanGasLimit {
            initial_gas,
            gas_limit,
        }) => format!("intrinsic gas too low: gas {gas_limit}, minimum needed {initial_gas}"),
        EVMError::Transaction(InvalidTransaction::GasFloorMoreThanGasLimit {
            gas_floor,
            gas_limit,
        }) => format!("intrinsic gas too low: gas {gas_limit}, minimum needed {gas_floor}"),
        EVMError::Transaction(InvalidTransaction::CallerGasLimitMoreThanBlock) => {
            "exceeds block gas limit".into()
        }
        EVMError::Transaction(InvalidTransaction::RejectCallerWithCode) => {
            "sender not an eoa".into()
        }
        EVMError::Transaction(error) => error.to_string(),
        other => other.to_string(),
    }
}

/// Half the secp256k1 group order: EIP-2 rejects signatures with a larger `s`.
const SECP256K1N_HALF: U256 = alloy_primitives::uint!(
    0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256
);

/// Recovers the sender with libsecp256k1 (the library revm's ecrecover already
/// links), which is several times faster than the pure-Rust backend.
fn recover_sender(envelope: &TxEnvelope) -> Result<Address, DevnodeError> {
    let signature = envelope.signature();
    if signature.s() > SECP256K1N_HALF {
        return Err(DevnodeError::InvalidInput(
            "invalid signature: high s value (EIP-2)".into(),
        ));
    }
    signature
        .recover_address_from_prehash(&envelope.signature_hash())
        .map_err(|e| DevnodeError::InvalidInput(format!("invalid signature: {e}")))
}

pub(crate) fn tx_env_from_envelope(envelope: &TxEnvelope, sender: Address) -> TxEnv {
    let authorization_list = envelope
        .authorization_list()
        .map(|list| {
            list.iter()
                .cloned()
                .map(revm::context_interface::either::Either::Left)
                .collect()
        })
        .unwrap_or_default();
    TxEnv {
        tx_type: envelope.ty(),
        caller: sender,
        gas_limit: envelope.gas_limit(),
        gas_price: envelope.max_fee_per_gas(),
        kind: envelope.kind(),
        value: envelope.value(),
        data: envelope.input().clone(),
        nonce: envelope.nonce(),
        chain_id: envelope.chain_id(),
        access_list: envelope.access_list().cloned().unwrap_or_default(),
        gas_priority_fee: envelope.max_priority_fee_per_gas(),
        blob_hashes: Vec::new(),
        max_fee_per_blob_gas: 0,
        authorization_list,
    }
}

fn record_undo(db: &State, state: &EvmState) -> Vec<AccountUndo> {
    let mut undo = Vec::new();
    for (address, account) in state {
        if !account.is_touched() {
            continue;
        }
        let prior = db.cache.accounts.get(address);
        let clears_storage = account.is_created() || account.is_selfdestructed();
        undo.push(AccountUndo {
            address: *address,
            prior: prior.map(|a| (a.info.clone(), a.account_state.clone())),
            slots: account
                .storage
                .keys()
                .map(|slot| (*slot, prior.and_then(|a| a.storage.get(slot).copied())))
                .collect(),
            full_storage: if clears_storage {
                prior.map(|a| a.storage.clone())
            } else {
                None
            },
        });
    }
    undo
}

fn apply_undo(db: &mut State, undo: &[AccountUndo]) {
    for entry in undo {
        match &entry.prior {
            None => {
                db.cache.accounts.remove(&entry.address);
            }
            Some((info, state)) => {
                let account = db.cache.accounts.entry(entry.address).or_default();
                account.info = info.clone();
                account.account_state = state.clone();
                if let Some(storage) = &entry.full_storage {
                    account.storage = storage.clone();
                } else {
                    for (slot, value) in &entry.slots {
                        match value {
                            Some(value) => {
                                account.storage.insert(*slot, *value);
                            }
                            None => {
                                account.storage.remove(slot);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn apply_overrides<Base: revm::DatabaseRef<Error = Infallible>>(
    db: &mut CacheDB<Base>,
    overrides: &StateOverride,
) -> Result<(), DevnodeError> {
    for (address, account) in overrides.iter() {
        let mut info = revm::Database::basic(db, *address)
            .unwrap_or_else(db_err)
            .unwrap_or_default();
        if let Some(balance) = account.balance {
            info.balance = balance;
        }
        if let Some(nonce) = account.nonce {
            info.nonce = nonce;
        }
        if let Some(code) = &account.code {
            let bytecode = Bytecode::new_raw(code.clone());
            info.code_hash = bytecode.hash_slow();
            info.code = Some(bytecode);
        }
        db.insert_account_info(*address, info);
        match (&account.state, &account.state_diff) {
            (Some(_), Some(_)) => {
                return Err(DevnodeError::InvalidInput(
                    "both state and stateDiff overridden".into(),
                ))
            }
            (Some(state), None) => {
                let entries = state
                    .iter()
                    .map(|(k, v)| (U256::from_be_bytes(k.0), U256::from_be_bytes(v.0)));
                db.replace_account_storage(*address, entries.collect())
                    .unwrap_or_else(db_err);
            }
            (None, Some(diff)) => {
                for (k, v) in diff.iter() {
                    db.insert_account_storage(
                        *address,
                        U256::from_be_bytes(k.0),
                        U256::from_be_bytes(v.0),
                    )
                    .unwrap_or_else(db_err);
                }
            }
            (None, None) => {}
        }
    }
    Ok(())
}
