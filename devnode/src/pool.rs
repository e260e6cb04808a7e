//! The transaction pool, as anvil and geth keep one: transactions that are
//! not mined yet, by sender and nonce. A transaction whose nonce is ahead of
//! its sender's waits until the gap closes; one with the nonce of a waiting
//! transaction replaces it only if it pays at least 10% more in both fee cap
//! and tip (geth's `txpool.pricebump`), else it is refused with geth's
//! "replacement transaction underpriced".

use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_primitives::{Address, B256};
use std::collections::BTreeMap;

/// geth's default price bump for a replacement, in percent.
pub const PRICE_BUMP_PERCENT: u128 = 10;

/// Most transactions the pool holds; more are refused, as geth's pool is full.
pub const MAX_POOLED: usize = 10_000;

/// A transaction waiting in the pool.
#[derive(Clone, Debug)]
pub struct PooledTransaction {
    pub hash: B256,
    pub envelope: TxEnvelope,
    pub sender: Address,
}

/// Why the pool refused a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Same sender and nonce as a waiting transaction, without the bump.
    ReplacementUnderpriced,
    /// [`MAX_POOLED`] transactions are waiting.
    Full,
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::ReplacementUnderpriced => write!(f, "replacement transaction underpriced"),
            PoolError::Full => write!(f, "txpool is full"),
        }
    }
}

/// Transactions not mined yet.
#[derive(Clone, Debug, Default)]
pub struct TxPool {
    by_sender: BTreeMap<Address, BTreeMap<u64, PooledTransaction>>,
    count: usize,
}

/// Whether `new` may replace `old` (geth's `list.Add` rule): both its fee cap
/// and its tip are higher, and by at least [`PRICE_BUMP_PERCENT`].
pub fn is_sufficient_bump(old: &TxEnvelope, new: &TxEnvelope) -> bool {
    let (old_cap, new_cap) = (old.max_fee_per_gas(), new.max_fee_per_gas());
    let old_tip = old.max_priority_fee_per_gas().unwrap_or(old_cap);
    let new_tip = new.max_priority_fee_per_gas().unwrap_or(new_cap);
    let threshold = |fee: u128| fee.saturating_mul(100 + PRICE_BUMP_PERCENT) / 100;
    new_cap > old_cap
        && new_tip > old_tip
        && new_cap >= threshold(old_cap)
        && new_tip >= threshold(old_tip)
}

impl TxPool {
    /// Number of waiting transactions.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// A waiting transaction by hash.
    pub fn get(&self, hash: B256) -> Option<&PooledTransaction> {
        self.iter().find(|tx| tx.hash == hash)
    }

    /// Every waiting transaction, by sender then nonce.
    pub fn iter(&self) -> impl Iterator<Item = &PooledTransaction> {
        self.by_sender.values().flat_map(|txs| txs.values())
    }

    /// Hashes of every waiting transaction.
    pub fn hashes(&self) -> Vec<B256> {
        self.iter().map(|tx| tx.hash).collect()
    }

    /// Adds `tx`, replacing a waiting one of the same sender and nonce when
    /// it pays enough more; returns the replaced transaction.
    pub fn insert(
        &mut self,
        tx: PooledTransaction,
    ) -> Result<Option<PooledTransaction>, PoolError> {
        let nonce = tx.envelope.nonce();
        let queue = self.by_sender.entry(tx.sender).or_default();
        if let Some(old) = queue.get(&nonce) {
            if !is_sufficient_bump(&old.envelope, &tx.envelope) {
                return Err(PoolError::ReplacementUnderpriced);
            }
            return Ok(queue.insert(nonce, tx));
        }
        if self.count >= MAX_POOLED {
            return Err(PoolError::Full);
        }
        queue.insert(nonce, tx);
        self.count += 1;
        Ok(None)
    }

    /// Removes and returns `sender`'s transaction with `nonce`.
    pub fn take(&mut self, sender: Address, nonce: u64) -> Option<PooledTransaction> {
        let queue = self.by_sender.get_mut(&sender)?;
        let tx = queue.remove(&nonce)?;
        if queue.is_empty() {
            self.by_sender.remove(&sender);
        }
        self.count -= 1;
        Some(tx)
    }

    /// Drops `sender`'s transactions below `next_nonce` (mined by another
    /// transaction with the same nonce, so never minable).
    pub fn drop_stale(&mut self, sender: Address, next_nonce: u64) {
        if let Some(queue) = self.by_sender.get_mut(&sender) {
            let stale: Vec<u64> = queue.range(..next_nonce).map(|(n, _)| *n).collect();
            for nonce in stale {
                queue.remove(&nonce);
                self.count -= 1;
            }
            if queue.is_empty() {
                self.by_sender.remove(&sender);
            }
        }
    }

    /// The senders with waiting transactions.
    pub fn senders(&self) -> Vec<Address> {
        self.by_sender.keys().copied().collect()
    }

    /// The nonce after `sender`'s waiting transactions that follow
    /// `state_nonce` without a gap (the `pending` nonce).
    pub fn next_nonce(&self, sender: Address, state_nonce: u64) -> u64 {
        let mut next = state_nonce;
        if let Some(queue) = self.by_sender.get(&sender) {
            while queue.contains_key(&next) {
                next += 1;
            }
        }
        next
    }

    /// Empties the pool.
    pub fn clear(&mut self) {
        self.by_sender.clear();
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{SignableTransaction, TxEip1559};
    use alloy_primitives::Signature;

    fn envelope(max_fee: u128, tip: u128) -> TxEnvelope {
        let tx = TxEip1559 {
            chain_id: 1,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: tip,
            gas_limit: 21_000,
            ..Default::default()
        };
        tx.into_signed(Signature::test_signature()).into()
    }

    #[test]
    fn a_replacement_must_raise_fee_cap_and_tip_by_ten_percent() {
        let old = envelope(1_000, 100);
        assert!(is_sufficient_bump(&old, &envelope(1_100, 110)));
        assert!(!is_sufficient_bump(&old, &envelope(1_099, 110)));
        assert!(!is_sufficient_bump(&old, &envelope(1_100, 109)));
        assert!(!is_sufficient_bump(&old, &envelope(1_000, 100)));
        // A zero tip must still rise (geth compares strictly first).
        let free = envelope(1_000, 0);
        assert!(!is_sufficient_bump(&free, &envelope(2_000, 0)));
        assert!(is_sufficient_bump(&free, &envelope(2_000, 1)));
    }
}
