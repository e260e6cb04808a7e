//! CacheManager: the auction for places in the Stylus program cache
//! (OffchainLabs/nitro-contracts' `CacheManager`: its ABI, errors, events and
//! bidding rules). A bid is the value sent plus `decay × timestamp`, so older
//! bids lose against newer ones of the same value; when the cache is full the
//! lowest bids are evicted to make room, and a bid below the last evicted one
//! is refused. The cache itself is ArbWasmCache's: placing a bid caches the
//! program there, eviction evicts it.
//!
//! Storage (this implementation's own layout): slot 0 `cacheSize`, 1
//! `queueSize`, 2 `decay`, 3 `isPaused`, 4 the number of entries; entry `i`
//! at `keccak256(4) + 2i` (code hash) and `+ 2i + 1` (`bid << 64 | size`).
//! A deleted entry is zeroed and its index reused, as in the Solidity
//! contract.

use super::{decode, non_payable, selector, Env, Halt};
use crate::config::DEV_ACCOUNT;
use crate::evm::precompiles::{ARB_WASM, ARB_WASM_CACHE, NETWORK_FEE_ACCOUNT};
use crate::stylus::api::CallKind;
use alloy_primitives::{aliases::U192, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent};

/// Cache size the devnode's CacheManager starts with (bytes of compiled code).
pub const INITIAL_CACHE_SIZE: u64 = 512 * 1024 * 1024;
/// Bid decay per second the devnode's CacheManager starts with.
pub const INITIAL_DECAY: u64 = 0;
/// Largest `makeSpace` request.
const MAX_MAKE_SPACE: u64 = 5 * 1024 * 1024;
/// Programs smaller than this are priced as this size.
const MIN_ASM_SIZE: u64 = 4096;

const CACHE_SIZE_SLOT: u64 = 0;
const QUEUE_SIZE_SLOT: u64 = 1;
const DECAY_SLOT: u64 = 2;
const PAUSED_SLOT: u64 = 3;
const ENTRIES_SLOT: u64 = 4;

sol! {
    interface ICacheManager {
        struct Entry { bytes32 code; uint64 size; uint192 bid; }

        error NotChainOwner(address sender);
        error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
        error AlreadyCached(bytes32 codehash);
        error BidTooLarge(uint256 bid);
        error BidTooSmall(uint192 bid, uint192 min);
        error BidsArePaused();
        error MakeSpaceTooLarge(uint64 size, uint64 limit);
        error ProgramNotActivated();

        event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
        event DeleteBid(bytes32 indexed codehash, uint192 bid, uint64 size);
        event SetCacheSize(uint64 size);
        event SetDecayRate(uint64 decay);
        event Pause();
        event Unpause();

        function cacheSize() external view returns (uint64);
        function queueSize() external view returns (uint64);
        function decay() external view returns (uint64);
        function isPaused() external view returns (bool);
        function getEntries() external view returns (Entry[] memory);
        function getSmallestEntries(uint256 k) external view returns (Entry[] memory result);
        function getMinBid(address program) external view returns (uint192 min);
        function getMinBid(uint64 size) external view returns (uint192 min);
        function placeBid(address program) external payable;
        function makeSpace(uint64 size) external payable returns (uint64 space);
        function setCacheSize(uint64 newSize) external;
        function setDecayRate(uint64 newDecay) external;
        function paused() external;
        function unpause() external;
        function evictAll() external;
        function evictPrograms(uint256 count) external;
        function sweepFunds() external;
    }

    interface IArbWasmForCache {
        function programVersion(address program) external view returns (uint16 version);
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
    }

    interface IArbWasmCacheForCache {
        function codehashIsCached(bytes32 codehash) external view returns (bool);
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
    }
}

use IArbWasmCacheForCache as ArbWasmCache;
use IArbWasmForCache as ArbWasm;
use ICacheManager::*;

/// The storage the devnode's CacheManager starts with: (slot, value).
pub fn genesis_storage() -> [(U256, U256); 2] {
    [
        (U256::from(CACHE_SIZE_SLOT), U256::from(INITIAL_CACHE_SIZE)),
        (U256::from(DECAY_SLOT), U256::from(INITIAL_DECAY)),
    ]
}

pub(super) fn run(env: &mut Env<'_>) -> Result<Bytes, Halt> {
    let input = env.call.input.clone();
    let payable = [placeBidCall::SELECTOR, makeSpaceCall::SELECTOR];
    let selector = selector(&input)?;
    if !payable.contains(&selector) {
        non_payable(env)?;
    }
    let mut cache = Cache { env };
    Ok(match selector {
        cacheSizeCall::SELECTOR => {
            cacheSizeCall::abi_encode_returns(&cache.word_u64(CACHE_SIZE_SLOT)?)
        }
        queueSizeCall::SELECTOR => {
            queueSizeCall::abi_encode_returns(&cache.word_u64(QUEUE_SIZE_SLOT)?)
        }
        decayCall::SELECTOR => decayCall::abi_encode_returns(&cache.word_u64(DECAY_SLOT)?),
        isPausedCall::SELECTOR => isPausedCall::abi_encode_returns(&cache.paused()?),
        getEntriesCall::SELECTOR => {
            let count = cache.entry_count()?;
            let mut entries = Vec::with_capacity(count as usize);
            for index in 0..count {
                entries.push(cache.entry(index)?);
            }
            getEntriesCall::abi_encode_returns(&entries)
        }
        getSmallestEntriesCall::SELECTOR => {
            let call = decode::<getSmallestEntriesCall>(&input)?;
            let mut bids = cache.live_bids()?;
            let k = usize::try_from(call.k)
                .unwrap_or(usize::MAX)
                .min(bids.len());
            bids.truncate(k);
            let entries = bids.into_iter().map(|(_, entry)| entry).collect::<Vec<_>>();
            getSmallestEntriesCall::abi_encode_returns(&entries)
        }
        getMinBid_0Call::SELECTOR => {
            let call = decode::<getMinBid_0Call>(&input)?;
            let (_, size) = cache.asm_size(call.program)?;
            getMinBid_0Call::abi_encode_returns(&cache.min_bid(size)?)
        }
        getMinBid_1Call::SELECTOR => {
            let call = decode::<getMinBid_1Call>(&input)?;
            getMinBid_1Call::abi_encode_returns(&cache.min_bid(call.size)?)
        }
        placeBidCall::SELECTOR => {
            let call = decode::<placeBidCall>(&input)?;
            cache.place_bid(call.program)?;
            Vec::new()
        }
        makeSpaceCall::SELECTOR => {
            let call = decode::<makeSpaceCall>(&input)?;
            if cache.paused()? {
                return Err(Halt::error(BidsArePaused {}));
            }
            if call.size > MAX_MAKE_SPACE {
                return Err(Halt::error(MakeSpaceTooLarge {
                    size: call.size,
                    limit: MAX_MAKE_SPACE,
                }));
            }
            cache.make_space(call.size)?;
            let space = cache.word_u64(CACHE_SIZE_SLOT)? - cache.word_u64(QUEUE_SIZE_SLOT)?;
            makeSpaceCall::abi_encode_returns(&space)
        }
        setCacheSizeCall::SELECTOR => {
            let call = decode::<setCacheSizeCall>(&input)?;
            cache.only_owner()?;
            cache.set(CACHE_SIZE_SLOT, U256::from(call.newSize))?;
            cache.emit(SetCacheSize { size: call.newSize })?;
            Vec::new()
        }
        setDecayRateCall::SELECTOR => {
            let call = decode::<setDecayRateCall>(&input)?;
            cache.only_owner()?;
            cache.set(DECAY_SLOT, U256::from(call.newDecay))?;
            cache.emit(SetDecayRate {
                decay: call.newDecay,
            })?;
            Vec::new()
        }
        pausedCall::SELECTOR => {
            cache.only_owner()?;
            cache.set(PAUSED_SLOT, U256::from(1))?;
            cache.emit(Pause {})?;
            Vec::new()
        }
        unpauseCall::SELECTOR => {
            cache.only_owner()?;
            cache.set(PAUSED_SLOT, U256::ZERO)?;
            cache.emit(Unpause {})?;
            Vec::new()
        }
        evictAllCall::SELECTOR => {
            cache.only_owner()?;
            cache.evict(u64::MAX)?;
            let count = cache.entry_count()?;
            for index in 0..count {
                cache.clear_entry(index)?;
            }
            cache.set(ENTRIES_SLOT, U256::ZERO)?;
            Vec::new()
        }
        evictProgramsCall::SELECTOR => {
            let call = decode::<evictProgramsCall>(&input)?;
            cache.only_owner()?;
            cache.evict(u64::try_from(call.count).unwrap_or(u64::MAX))?;
            Vec::new()
        }
        sweepFundsCall::SELECTOR => {
            let env = &mut *cache.env;
            let balance = env.balance(env.call.address)?;
            env.call_or_bubble(CallKind::Call, NETWORK_FEE_ACCOUNT, Vec::new(), balance)?;
            Vec::new()
        }
        _ => return Err(Halt::Revert(Bytes::new())),
    }
    .into())
}

/// The auction's state, read and written through the builtin's storage.
struct Cache<'e, 'a> {
    env: &'e mut Env<'a>,
}

impl Cache<'_, '_> {
    fn get(&mut self, slot: u64) -> Result<U256, Halt> {
        self.env.sload(U256::from(slot))
    }

    fn word_u64(&mut self, slot: u64) -> Result<u64, Halt> {
        Ok(self.get(slot)?.saturating_to())
    }

    fn set(&mut self, slot: u64, value: U256) -> Result<(), Halt> {
        self.env.sstore(U256::from(slot), value)
    }

    fn paused(&mut self) -> Result<bool, Halt> {
        Ok(!self.get(PAUSED_SLOT)?.is_zero())
    }

    fn entry_count(&mut self) -> Result<u64, Halt> {
        self.word_u64(ENTRIES_SLOT)
    }

    fn entry_slot(index: u64) -> U256 {
        U256::from_be_bytes(keccak256(U256::from(ENTRIES_SLOT).to_be_bytes::<32>()).0)
            + U256::from(index) * U256::from(2)
    }

    fn entry(&mut self, index: u64) -> Result<Entry, Halt> {
        let slot = Self::entry_slot(index);
        let code = B256::from(self.env.sload(slot)?);
        let packed = self.env.sload(slot + U256::from(1))?;
        Ok(Entry {
            code,
            size: (packed & U256::from(u64::MAX)).saturating_to(),
            bid: U192::from(packed >> 64),
        })
    }

    fn write_entry(&mut self, index: u64, entry: &Entry) -> Result<(), Halt> {
        let slot = Self::entry_slot(index);
        self.env.sstore(slot, U256::from_be_bytes(entry.code.0))?;
        let packed = (U256::from(entry.bid) << 64) | U256::from(entry.size);
        self.env.sstore(slot + U256::from(1), packed)
    }

    fn clear_entry(&mut self, index: u64) -> Result<(), Halt> {
        let slot = Self::entry_slot(index);
        self.env.sstore(slot, U256::ZERO)?;
        self.env.sstore(slot + U256::from(1), U256::ZERO)
    }

    /// The entries holding a place in the cache, lowest bid first (the
    /// Solidity contract's min-heap order; equal bids by index).
    fn live_bids(&mut self) -> Result<Vec<(u64, Entry)>, Halt> {
        let count = self.entry_count()?;
        let mut live = Vec::new();
        for index in 0..count {
            let entry = self.entry(index)?;
            if entry.code != B256::ZERO {
                live.push((index, entry));
            }
        }
        live.sort_by_key(|(index, entry)| (entry.bid, *index));
        Ok(live)
    }

    fn decay_term(&mut self) -> Result<U256, Halt> {
        let decay = self.get(DECAY_SLOT)?;
        Ok(decay.saturating_mul(U256::from(self.env.call.block.timestamp)))
    }

    fn only_owner(&mut self) -> Result<(), Halt> {
        // The devnode's chain owner is its dev account.
        if self.env.call.caller != DEV_ACCOUNT {
            return Err(Halt::error(NotChainOwner {
                sender: self.env.call.caller,
            }));
        }
        Ok(())
    }

    fn emit(&mut self, event: impl SolEvent) -> Result<(), Halt> {
        let topics = event.encode_topics().into_iter().map(|t| t.0).collect();
        self.env.log(topics, event.encode_data())
    }

    /// `program`'s code hash and its size as the auction counts it: the
    /// compiled size, at least 4 KiB; refused if the program is not active.
    fn asm_size(&mut self, program: Address) -> Result<(B256, u64), Halt> {
        let (active, _) = self.env.call(
            CallKind::StaticCall,
            ARB_WASM,
            ArbWasm::programVersionCall { program }.abi_encode(),
            U256::ZERO,
        )?;
        if !active {
            return Err(Halt::error(ProgramNotActivated {}));
        }
        let codehash = self.env.codehash(program)?;
        let output = self.env.call_or_bubble(
            CallKind::StaticCall,
            ARB_WASM,
            ArbWasm::codehashAsmSizeCall { codehash }.abi_encode(),
            U256::ZERO,
        )?;
        let size = ArbWasm::codehashAsmSizeCall::abi_decode_returns(&output)
            .map_err(|_| Halt::Revert(Bytes::new()))?;
        Ok((codehash, u64::from(size).max(MIN_ASM_SIZE)))
    }

    fn min_bid(&mut self, size: u64) -> Result<U192, Halt> {
        let cache_size = self.word_u64(CACHE_SIZE_SLOT)?;
        if size > cache_size {
            return Err(Halt::error(AsmTooLarge {
                asm: U256::from(size),
                queueSize: U256::ZERO,
                cacheSize: U256::from(cache_size),
            }));
        }
        let queue_size = self.word_u64(QUEUE_SIZE_SLOT)?;
        let mut free = cache_size.saturating_sub(queue_size);
        if size < free {
            return Ok(U192::ZERO);
        }
        let mut min = U192::ZERO;
        for (_, entry) in self.live_bids()? {
            free = free.saturating_add(entry.size);
            if free >= size {
                min = entry.bid;
                break;
            }
        }
        let decay = self.decay_term()?;
        if U256::from(min) < decay {
            return Ok(U192::ZERO);
        }
        Ok(U192::from(U256::from(min) - decay))
    }

    /// Evicts the lowest bids until `size` more bytes fit; returns the new
    /// bid (value plus decay) and the index to insert it at. Refused when the
    /// bid is below the last bid evicted.
    fn make_space(&mut self, size: u64) -> Result<(U192, u64), Halt> {
        let bid = U256::from(self.env.call.value).saturating_add(self.decay_term()?);
        if bid > U256::from(U192::MAX) {
            return Err(Halt::error(BidTooLarge { bid }));
        }
        let bid = U192::from(bid);
        let mut index = self.entry_count()?;
        let cache_size = self.word_u64(CACHE_SIZE_SLOT)?;
        let mut min = U192::ZERO;
        let mut bids = self.live_bids()?.into_iter();
        while self.word_u64(QUEUE_SIZE_SLOT)?.saturating_add(size) > cache_size {
            let Some((lowest, entry)) = bids.next() else {
                return Err(Halt::error(AsmTooLarge {
                    asm: U256::from(size),
                    queueSize: U256::from(self.word_u64(QUEUE_SIZE_SLOT)?),
                    cacheSize: U256::from(cache_size),
                }));
            };
            self.delete_entry(lowest, entry.clone())?;
            min = entry.bid;
            index = lowest;
        }
        if bid < min {
            return Err(Halt::error(BidTooSmall { bid, min }));
        }
        Ok((bid, index))
    }

    fn delete_entry(&mut self, index: u64, entry: Entry) -> Result<(), Halt> {
        self.env.call_or_bubble(
            CallKind::Call,
            ARB_WASM_CACHE,
            ArbWasmCache::evictCodehashCall {
                codehash: entry.code,
            }
            .abi_encode(),
            U256::ZERO,
        )?;
        let queue = self.word_u64(QUEUE_SIZE_SLOT)?;
        self.set(
            QUEUE_SIZE_SLOT,
            U256::from(queue.saturating_sub(entry.size)),
        )?;
        self.emit(DeleteBid {
            codehash: entry.code,
            bid: entry.bid,
            size: entry.size,
        })?;
        self.clear_entry(index)
    }

    fn evict(&mut self, count: u64) -> Result<(), Halt> {
        for (index, entry) in self.live_bids()?.into_iter().take(count as usize) {
            self.delete_entry(index, entry)?;
        }
        Ok(())
    }

    fn place_bid(&mut self, program: Address) -> Result<(), Halt> {
        if self.paused()? {
            return Err(Halt::error(BidsArePaused {}));
        }
        let codehash = self.env.codehash(program)?;
        let output = self.env.call_or_bubble(
            CallKind::StaticCall,
            ARB_WASM_CACHE,
            ArbWasmCache::codehashIsCachedCall { codehash }.abi_encode(),
            U256::ZERO,
        )?;
        if ArbWasmCache::codehashIsCachedCall::abi_decode_returns(&output).unwrap_or(false) {
            return Err(Halt::error(AlreadyCached { codehash }));
        }
        let (codehash, size) = self.asm_size(program)?;
        let (bid, index) = self.make_space(size)?;
        let queue = self.word_u64(QUEUE_SIZE_SLOT)?;
        let cache_size = self.word_u64(CACHE_SIZE_SLOT)?;
        if queue.saturating_add(size) > cache_size {
            return Err(Halt::error(AsmTooLarge {
                asm: U256::from(size),
                queueSize: U256::from(queue),
                cacheSize: U256::from(cache_size),
            }));
        }
        self.env.call_or_bubble(
            CallKind::Call,
            ARB_WASM_CACHE,
            ArbWasmCache::cacheProgramCall { addr: program }.abi_encode(),
            U256::ZERO,
        )?;
        self.set(QUEUE_SIZE_SLOT, U256::from(queue + size))?;
        let count = self.entry_count()?;
        let entry = Entry {
            code: codehash,
            size,
            bid,
        };
        self.write_entry(index, &entry)?;
        if index == count {
            self.set(ENTRIES_SLOT, U256::from(count + 1))?;
        }
        self.emit(InsertBid {
            codehash,
            program,
            bid,
            size,
        })
    }
}
