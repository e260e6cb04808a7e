//! Polling filters (`eth_newFilter`, `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter`, `eth_getFilterChanges`,
//! `eth_getFilterLogs`, `eth_uninstallFilter`), as geth serves them: viem's
//! and ethers' event watchers poll these over HTTP.
//!
//! Each filter keeps a cursor, the last block it reported. A revert to a
//! snapshot that drops blocks the filter had reported moves its cursor back
//! to the last block kept, so blocks mined again at those heights are
//! reported. Filters not polled for five minutes are removed, as geth does
//! (`filters/api.go`, `deadline`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use alloy_rpc_types_eth::Filter;

use crate::chain::Devnode;

/// How long a filter lives without being polled (geth's `deadline`).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Most filters installed at once; installing more fails rather than
/// growing without bound.
pub const MAX_FILTERS: usize = 10_000;

/// What a filter reports.
#[derive(Clone, Debug)]
pub enum FilterKind {
    /// Logs matching the criteria.
    Logs(Box<Filter>),
    /// Hashes of new blocks.
    Blocks,
    /// Hashes of new transactions: each once, when it enters the pool or,
    /// if mined on arrival, when its block is sealed.
    PendingTransactions,
}

/// The position of a reader of the chain: the last block it was told about.
/// Polling filters and WebSocket subscriptions both advance one.
#[derive(Clone, Copy, Debug)]
pub struct Cursor {
    /// The last block already reported.
    last: u64,
    /// How many of the node's reverts the cursor has been adjusted for.
    reverts_seen: usize,
}

impl Cursor {
    /// A cursor at the node's current head.
    pub fn at_head(node: &Devnode) -> Self {
        Self {
            last: node.block_number(),
            reverts_seen: node.reverts().len(),
        }
    }

    /// The blocks `from..=head` not yet reported, and moves the cursor to the
    /// head. A revert that dropped reported blocks moves the cursor back to
    /// the last block kept first, so blocks mined again at those heights are
    /// reported.
    pub fn advance(&mut self, node: &Devnode) -> (u64, u64) {
        for &kept in &node.reverts()[self.reverts_seen..] {
            self.last = self.last.min(kept.saturating_sub(1));
        }
        self.reverts_seen = node.reverts().len();
        let head = node.block_number();
        let from = self.last + 1;
        self.last = self.last.max(head);
        (from, head)
    }
}

#[derive(Clone, Debug)]
struct Installed {
    kind: FilterKind,
    cursor: Cursor,
    last_poll: Instant,
    /// Pooled transactions already reported (not reported again when mined).
    announced: std::collections::HashSet<B256>,
}

/// The filters installed on one devnode.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    installed: HashMap<u64, Installed>,
    next_id: u64,
}

/// What `eth_getFilterChanges` returns for one filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changes {
    /// Logs of blocks `from..=to` matching the filter (empty range when
    /// `from > to`).
    Logs {
        filter: Box<Filter>,
        from: u64,
        to: u64,
    },
    /// Block or transaction hashes.
    Hashes(Vec<B256>),
}

impl Filters {
    /// Installs a filter that reports what happens after the current head.
    /// `None` when [`MAX_FILTERS`] are installed.
    pub fn install(&mut self, node: &Devnode, kind: FilterKind, now: Instant) -> Option<u64> {
        self.expire(now);
        if self.installed.len() >= MAX_FILTERS {
            return None;
        }
        self.next_id += 1;
        let id = self.next_id;
        self.installed.insert(
            id,
            Installed {
                kind,
                cursor: Cursor::at_head(node),
                last_poll: now,
                announced: node.pool().hashes().into_iter().collect(),
            },
        );
        Some(id)
    }

    /// Removes a filter; whether it existed.
    pub fn uninstall(&mut self, id: u64) -> bool {
        self.installed.remove(&id).is_some()
    }

    /// What happened since the last poll of filter `id`, and moves its
    /// cursor to the head. `None` for an unknown (or expired) filter.
    pub fn changes(&mut self, node: &Devnode, id: u64, now: Instant) -> Option<Changes> {
        self.expire(now);
        let filter = self.installed.get_mut(&id)?;
        filter.last_poll = now;
        let (from, head) = filter.cursor.advance(node);
        let blocks = (from..=head).filter_map(|number| node.block(number));
        Some(match &filter.kind {
            FilterKind::Logs(criteria) => {
                // Open ends leave the range to the cursor and the head.
                let (low, high) = log_range(node, criteria, (0, u64::MAX)).unwrap_or((1, 0));
                Changes::Logs {
                    filter: criteria.clone(),
                    from: from.max(low),
                    to: head.min(high),
                }
            }
            FilterKind::Blocks => Changes::Hashes(blocks.map(|block| block.hash).collect()),
            FilterKind::PendingTransactions => {
                let mut fresh = Vec::new();
                for tx in node.pool().iter() {
                    if filter.announced.insert(tx.hash) {
                        fresh.push(tx.hash);
                    }
                }
                for hash in blocks.flat_map(|block| block.transactions.iter().copied()) {
                    if !filter.announced.remove(&hash) {
                        fresh.push(hash);
                    }
                }
                Changes::Hashes(fresh)
            }
        })
    }

    /// The criteria of log filter `id` (for `eth_getFilterLogs`); `None` for
    /// an unknown filter or one that does not report logs.
    pub fn criteria(&mut self, id: u64, now: Instant) -> Option<Box<Filter>> {
        self.expire(now);
        let filter = self.installed.get_mut(&id)?;
        filter.last_poll = now;
        match &filter.kind {
            FilterKind::Logs(criteria) => Some(criteria.clone()),
            FilterKind::Blocks | FilterKind::PendingTransactions => None,
        }
    }

    fn expire(&mut self, now: Instant) {
        self.installed
            .retain(|_, filter| now.duration_since(filter.last_poll) < FILTER_TIMEOUT);
    }
}

/// The block range a log filter's criteria name, with tags (`latest`,
/// `pending`, …) resolved against the head and an open end replaced by
/// `open`; a block hash names its block. `None` for a block hash the node
/// does not have.
pub fn log_range(node: &Devnode, filter: &Filter, open: (u64, u64)) -> Option<(u64, u64)> {
    use alloy_eips::BlockNumberOrTag;
    use alloy_rpc_types_eth::FilterBlockOption;
    let head = node.block_number();
    let resolve = |tag: Option<BlockNumberOrTag>, open: u64| match tag {
        None => open,
        Some(BlockNumberOrTag::Number(number)) => number,
        Some(BlockNumberOrTag::Earliest) => 0,
        Some(_) => head,
    };
    match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let number = node.block_by_hash(hash)?.header.number;
            Some((number, number))
        }
        FilterBlockOption::Range {
            from_block,
            to_block,
        } => Some((resolve(from_block, open.0), resolve(to_block, open.1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DevnodeConfig;

    #[test]
    fn a_filter_not_polled_within_the_timeout_expires() {
        let node = Devnode::new(DevnodeConfig::default());
        let mut filters = Filters::default();
        let start = Instant::now();
        let kept = filters.install(&node, FilterKind::Blocks, start).unwrap();
        let dropped = filters.install(&node, FilterKind::Blocks, start).unwrap();
        let later = start + FILTER_TIMEOUT - Duration::from_secs(1);
        assert!(filters.changes(&node, kept, later).is_some());
        // Polling renews only the polled filter.
        let expired = start + FILTER_TIMEOUT + Duration::from_secs(1);
        assert!(filters.changes(&node, kept, expired).is_some());
        assert!(filters.changes(&node, dropped, expired).is_none());
    }
}
