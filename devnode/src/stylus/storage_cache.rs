//! The per-invocation storage cache of a Stylus program (Nitro `StorageCache`).
//!
//! Reads are cached after the first load; writes stay in the cache until the
//! program calls `storage_flush_cache`. Cache accesses carry small surcharges
//! that grow with the number of reads and writes.

use alloy_primitives::B256;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy)]
struct StorageWord {
    value: B256,
    /// The value known to be in state, if any.
    known: Option<B256>,
}

/// Cached storage words of one program invocation.
#[derive(Debug, Default)]
pub struct StorageCache {
    slots: BTreeMap<B256, StorageWord>,
    reads: usize,
    writes: usize,
}

impl StorageCache {
    /// Surcharge of the next read: free for 32 reads, then 2 gas up to 128, then 10.
    pub fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    /// Surcharge of the next write: free for 8 writes, then 7 gas up to 64, then 10.
    pub fn write_gas(&mut self) -> u64 {
        self.writes += 1;
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }

    /// The cached value of `key`, if cached.
    pub fn get(&self, key: &B256) -> Option<B256> {
        self.slots.get(key).map(|word| word.value)
    }

    /// Records a value just loaded from state.
    pub fn insert_known(&mut self, key: B256, value: B256) {
        self.slots.insert(
            key,
            StorageWord {
                value,
                known: Some(value),
            },
        );
    }

    /// Records a write that has not reached state yet.
    pub fn write(&mut self, key: B256, value: B256) {
        self.slots
            .entry(key)
            .and_modify(|word| word.value = value)
            .or_insert(StorageWord { value, known: None });
    }

    /// Takes the dirty words for writing to state, marking them clean; `clear`
    /// then forgets every cached word (read and write counters are kept).
    pub fn take_dirty(&mut self, clear: bool) -> Vec<(B256, B256)> {
        let mut dirty = Vec::new();
        for (key, word) in self.slots.iter_mut() {
            if word.known != Some(word.value) {
                dirty.push((*key, word.value));
                word.known = Some(word.value);
            }
        }
        if clear {
            self.slots.clear();
        }
        dirty
    }
}
