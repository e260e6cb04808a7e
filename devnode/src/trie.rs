//! The state's Merkle-Patricia roots (Ethereum's secure trie: keys are
//! `keccak256(address)` and `keccak256(slot)`), built with alloy-trie, so a
//! block header's `stateRoot` is the real root of the state after the block
//! and `eth_getProof` answers EIP-1186 proofs that verify against it.
//!
//! Storage roots are kept per account and recomputed only for accounts whose
//! storage may have changed; the account trie is rebuilt from them when the
//! state changed at all, and the previous root is reused otherwise (an
//! empty block costs nothing).

use crate::evm::State;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::{EIP1186AccountProofResponse, EIP1186StorageProof};
use alloy_trie::proof::ProofRetainer;
use alloy_trie::{HashBuilder, Nibbles, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use revm::database::{AccountState, DbAccount};
use std::collections::HashMap;

/// Cached roots of one chain's state.
#[derive(Clone, Debug, Default)]
pub struct StateRoots {
    storage_roots: HashMap<Address, B256>,
    /// The root last computed, valid while `dirty` is false.
    last: Option<B256>,
    dirty: bool,
}

impl StateRoots {
    /// Records that the storage (and maybe the fields) of `address` changed.
    pub fn storage_changed(&mut self, address: Address) {
        self.storage_roots.remove(&address);
        self.dirty = true;
    }

    /// Records that some account's nonce, balance or code changed.
    pub fn accounts_changed(&mut self) {
        self.dirty = true;
    }

    /// Forgets everything (the state was replaced, as by a revert).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The state root of `db`.
    pub fn state_root(&mut self, db: &State) -> B256 {
        if let (Some(root), false) = (self.last, self.dirty) {
            return root;
        }
        let mut leaves: Vec<(B256, Vec<u8>)> = Vec::new();
        for (address, account) in live_accounts(db) {
            let storage_root = *self
                .storage_roots
                .entry(address)
                .or_insert_with(|| storage_trie(account, &[]).0);
            leaves.push((keccak256(address), account_rlp(account, storage_root)));
        }
        let root = account_trie(leaves, None).0;
        self.last = Some(root);
        self.dirty = false;
        root
    }
}

/// The accounts the trie holds: existing and not empty (EIP-161).
fn live_accounts(db: &State) -> impl Iterator<Item = (Address, &DbAccount)> {
    db.cache.accounts.iter().filter_map(|(address, account)| {
        let exists = account.account_state != AccountState::NotExisting;
        let has_storage = account.storage.values().any(|value| !value.is_zero());
        (exists && (!account.info.is_empty() || has_storage)).then_some((*address, account))
    })
}

fn account_rlp(account: &DbAccount, storage_root: B256) -> Vec<u8> {
    alloy_rlp::encode(TrieAccount {
        nonce: account.info.nonce,
        balance: account.info.balance,
        storage_root,
        code_hash: account.info.code_hash,
    })
}

/// The storage root of `account`, and the proofs of `slots` (same order).
fn storage_trie(account: &DbAccount, slots: &[B256]) -> (B256, Vec<Vec<Bytes>>) {
    let mut leaves: Vec<(B256, U256)> = account
        .storage
        .iter()
        .filter(|(_, value)| !value.is_zero())
        .map(|(slot, value)| (keccak256(B256::from(*slot)), *value))
        .collect();
    leaves.sort_unstable_by_key(|(key, _)| *key);
    let targets: Vec<Nibbles> = slots
        .iter()
        .map(|slot| Nibbles::unpack(keccak256(slot)))
        .collect();
    let mut builder =
        HashBuilder::default().with_proof_retainer(ProofRetainer::new(targets.clone()));
    for (key, value) in &leaves {
        builder.add_leaf(
            Nibbles::unpack(key),
            alloy_rlp::encode_fixed_size(value).as_ref(),
        );
    }
    let root = builder.root();
    let nodes = builder.take_proof_nodes();
    let proofs = targets
        .iter()
        .map(|target| {
            nodes
                .matching_nodes_sorted(target)
                .into_iter()
                .map(|(_, node)| node)
                .collect()
        })
        .collect();
    (root, proofs)
}

/// The account trie's root over sorted `leaves`, and the proof of `target`.
fn account_trie(mut leaves: Vec<(B256, Vec<u8>)>, target: Option<B256>) -> (B256, Vec<Bytes>) {
    leaves.sort_unstable_by_key(|leaf| leaf.0);
    let target = target.map(Nibbles::unpack);
    let mut builder = HashBuilder::default()
        .with_proof_retainer(ProofRetainer::new(target.iter().cloned().collect()));
    for (key, value) in &leaves {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    let proof = match target {
        Some(target) => builder
            .take_proof_nodes()
            .matching_nodes_sorted(&target)
            .into_iter()
            .map(|(_, node)| node)
            .collect(),
        None => Vec::new(),
    };
    (root, proof)
}

/// The EIP-1186 proof of `address` and its `slots` in `db`.
pub fn account_proof(db: &State, address: Address, slots: &[B256]) -> EIP1186AccountProofResponse {
    let mut leaves = Vec::new();
    let mut proven = None;
    for (live, account) in live_accounts(db) {
        let (storage_root, proofs) = if live == address {
            storage_trie(account, slots)
        } else {
            (storage_trie(account, &[]).0, Vec::new())
        };
        if live == address {
            proven = Some((account, storage_root, proofs));
        }
        leaves.push((keccak256(live), account_rlp(account, storage_root)));
    }
    let (_, account_proof) = account_trie(leaves, Some(keccak256(address)));
    let (info, storage_hash, storage_proofs) = match proven {
        Some((account, root, proofs)) => (Some(account), root, proofs),
        None => (None, EMPTY_ROOT_HASH, vec![Vec::new(); slots.len()]),
    };
    let storage_proof = slots
        .iter()
        .zip(storage_proofs)
        .map(|(slot, proof)| {
            let value = info
                .and_then(|account| account.storage.get(&U256::from_be_bytes(slot.0)))
                .copied()
                .unwrap_or_default();
            EIP1186StorageProof::new((*slot).into(), value, proof)
        })
        .collect();
    EIP1186AccountProofResponse {
        address,
        balance: info.map(|a| a.info.balance).unwrap_or_default(),
        code_hash: info.map(|a| a.info.code_hash).unwrap_or(KECCAK_EMPTY),
        nonce: info.map(|a| a.info.nonce).unwrap_or_default(),
        storage_hash,
        account_proof,
        storage_proof,
    }
}
