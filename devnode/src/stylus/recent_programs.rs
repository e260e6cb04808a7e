//! ArbOS 60+'s cache of the programs run recently in the block: a call to a
//! program among them pays the cached init price (Nitro `CallProgram`,
//! go-ethereum `RecentWasms`, an LRU of `BlockCacheSize` code hashes that is
//! dropped at the end of each block and not reverted with the state).

use alloy_primitives::B256;
use std::collections::VecDeque;

/// The recently run programs, least recent first.
#[derive(Clone, Debug, Default)]
pub struct RecentPrograms {
    entries: VecDeque<B256>,
}

impl RecentPrograms {
    /// Records a run of `codehash`, returning whether it was already among
    /// the last `retain` distinct programs (go-ethereum `RecentWasms.Insert`).
    pub fn insert(&mut self, codehash: B256, retain: u16) -> bool {
        if let Some(position) = self.entries.iter().position(|c| *c == codehash) {
            let hit = self.entries.remove(position).expect("position is in range");
            self.entries.push_back(hit);
            return true;
        }
        if retain == 0 {
            return false;
        }
        while self.entries.len() >= retain as usize {
            self.entries.pop_front();
        }
        self.entries.push_back(codehash);
        false
    }

    /// Forgets every program (a new block).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_hits_and_the_least_recent_is_evicted() {
        let mut recent = RecentPrograms::default();
        let hash = |n: u8| B256::with_last_byte(n);
        assert!(!recent.insert(hash(1), 2));
        assert!(recent.insert(hash(1), 2));
        assert!(!recent.insert(hash(2), 2));
        // 1 was used before 2, so a third program evicts 1.
        assert!(!recent.insert(hash(3), 2));
        assert!(!recent.insert(hash(1), 2));
        assert!(recent.insert(hash(3), 2));
    }
}
