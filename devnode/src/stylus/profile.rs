//! Where a transaction's gas goes: the devnode's own accounting of the
//! Stylus host path, summed per cost kind while a [`record`] is running.
//!
//! The Stylus frames report what they charge (program entry, memory,
//! storage reads and writes, calls between programs, events, return data)
//! as they charge it; what a transaction used beyond those and its
//! intrinsic gas is the programs' ink: their compute and the fixed fee of
//! each host call. Nothing is recorded outside [`record`], so a devnode
//! that is not profiling pays one thread-local lookup per charge.
//!
//! A transaction's parts add up to its `gasUsed`:
//!
//! ```text
//! gasUsed = intrinsic + entry + init + memory + storage reads + storage writes
//!         + calls + events + return data + ink − refund
//! ```

use std::cell::RefCell;

use super::params::gas::COLD_SLOAD;

/// Gas and count of one kind of cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many times it was charged.
    pub count: u64,
    /// The gas charged in all.
    pub gas: u64,
}

impl Tally {
    fn add(&mut self, gas: u64) {
        self.count += 1;
        self.gas = self.gas.saturating_add(gas);
    }
}

/// What the Stylus frames of one transaction charged, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Program entries (one per Stylus frame): the cached-program gas every
    /// call pays.
    pub entry: Tally,
    /// Init gas of programs that are not cached (one per uncached frame).
    pub init: Tally,
    /// Memory: each frame's footprint beyond the free pages and its
    /// `memory.grow`s.
    pub memory: Tally,
    /// Storage reads of a slot not yet touched in the transaction (2,100).
    pub cold_reads: Tally,
    /// Storage reads of a slot already touched (100).
    pub warm_reads: Tally,
    /// Writes that make a zero slot non-zero (20,000, plus 2,100 if cold).
    pub new_slots: Tally,
    /// Writes that change a slot's value as the transaction found it
    /// (2,900, plus 2,100 if cold).
    pub updated_slots: Tally,
    /// Writes to a slot the transaction already changed, or of the value it
    /// holds (100, plus 2,100 if cold).
    pub rewritten_slots: Tally,
    /// Calls between programs (and value sends): account access and value
    /// transfer, without the callee's own gas.
    pub calls: Tally,
    /// Events: 375 per topic and for the log, 8 per data byte.
    pub events: Tally,
    /// Return data priced as EVM memory, beyond the program's own ink.
    pub return_data: Tally,
    /// Storage refunds earned (a slot set back to what the transaction
    /// found); the transaction keeps at most a fifth of its gas.
    pub refund: i64,
}

impl Profile {
    /// Gas of every kind recorded here (the refund not subtracted).
    pub fn charged(&self) -> u64 {
        [
            self.entry,
            self.init,
            self.memory,
            self.cold_reads,
            self.warm_reads,
            self.new_slots,
            self.updated_slots,
            self.rewritten_slots,
            self.calls,
            self.events,
            self.return_data,
        ]
        .iter()
        .map(|tally| tally.gas)
        .sum()
    }

    /// The refund a transaction that used `gas_used` (after refunds) kept:
    /// EIP-3529 caps it at a fifth of the gas spent before it.
    pub fn refund_applied(&self, gas_used: u64) -> u64 {
        let earned = self.refund.max(0) as u64;
        earned.min(gas_used / 4)
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<Profile>> = const { RefCell::new(None) };
}

/// Runs `f`, recording what the Stylus frames it runs on this thread
/// charge; returns its result and the profile.
pub fn record<T>(f: impl FnOnce() -> T) -> (T, Profile) {
    let outer = ACTIVE.with(|active| active.replace(Some(Profile::default())));
    let result = f();
    let profile = ACTIVE
        .with(|active| active.replace(outer))
        .unwrap_or_default();
    (result, profile)
}

/// Whether this thread is recording.
pub fn is_recording() -> bool {
    ACTIVE.with(|active| active.borrow().is_some())
}

/// Runs `f` (on a worker thread) recording when `recording` is set, so that
/// a transaction executed away from the recording thread is recorded too;
/// pass the profile back to [`absorb`] on the recording thread.
pub fn record_if<T>(recording: bool, f: impl FnOnce() -> T) -> (T, Option<Profile>) {
    if recording {
        let (result, profile) = record(f);
        (result, Some(profile))
    } else {
        (f(), None)
    }
}

/// Adds what a worker thread recorded to this thread's recording.
pub fn absorb(recorded: Option<Profile>) {
    let Some(other) = recorded else {
        return;
    };
    charge(|p| {
        for (mine, theirs) in [
            (&mut p.entry, other.entry),
            (&mut p.init, other.init),
            (&mut p.memory, other.memory),
            (&mut p.cold_reads, other.cold_reads),
            (&mut p.warm_reads, other.warm_reads),
            (&mut p.new_slots, other.new_slots),
            (&mut p.updated_slots, other.updated_slots),
            (&mut p.rewritten_slots, other.rewritten_slots),
            (&mut p.calls, other.calls),
            (&mut p.events, other.events),
            (&mut p.return_data, other.return_data),
        ] {
            mine.count += theirs.count;
            mine.gas = mine.gas.saturating_add(theirs.gas);
        }
        p.refund += other.refund;
    });
}

fn charge(f: impl FnOnce(&mut Profile)) {
    ACTIVE.with(|active| {
        if let Some(profile) = active.borrow_mut().as_mut() {
            f(profile);
        }
    });
}

/// A Stylus frame started: its entry, its init when uncached, its memory
/// footprint.
pub fn entered(entry: u64, init: Option<u64>, footprint: u64) {
    charge(|p| {
        p.entry.add(entry);
        if let Some(init) = init {
            p.init.add(init);
        }
        if footprint > 0 {
            p.memory.add(footprint);
        }
    });
}

/// `memory.grow` of a running frame.
pub fn memory_grown(gas: u64) {
    charge(|p| p.memory.add(gas));
}

/// A storage read that cost `gas` (cold or warm access).
pub fn storage_read(gas: u64) {
    charge(|p| {
        if gas >= COLD_SLOAD {
            p.cold_reads.add(gas)
        } else {
            p.warm_reads.add(gas)
        }
    });
}

/// A slot write of the storage cache's flush that cost `gas` and earned
/// `refund`; `original_zero` says whether the slot was zero when the
/// transaction found it, `first_change` whether this write is the first to
/// change it.
pub fn storage_write(gas: u64, original_zero: bool, first_change: bool, refund: i64) {
    charge(|p| {
        match (first_change, original_zero) {
            (true, true) => p.new_slots.add(gas),
            (true, false) => p.updated_slots.add(gas),
            (false, _) => p.rewritten_slots.add(gas),
        }
        p.refund += refund;
    });
}

/// A call to another account: what the caller paid besides the callee's gas.
pub fn called(gas: u64) {
    charge(|p| p.calls.add(gas));
}

/// An event with `topics` topics and `data_bytes` bytes of data.
pub fn logged(topics: usize, data_bytes: usize) {
    charge(|p| {
        p.events
            .add(375 * (1 + topics as u64) + 8 * data_bytes as u64)
    });
}

/// Return data beyond the frame's own ink.
pub fn returned(gas: u64) {
    if gas > 0 {
        charge(|p| p.return_data.add(gas));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_outside_a_recording_are_dropped() {
        storage_read(2_100);
        let ((), profile) = record(|| storage_read(100));
        assert_eq!(profile.warm_reads, Tally { count: 1, gas: 100 });
        assert_eq!(profile.cold_reads, Tally::default());
    }

    #[test]
    fn writes_are_told_apart_by_the_slot_they_find() {
        let ((), profile) = record(|| {
            storage_write(22_100, true, true, 0);
            storage_write(2_900, false, true, 0);
            storage_write(100, true, false, 19_900);
            logged(2, 64);
        });
        assert_eq!(profile.new_slots.gas, 22_100);
        assert_eq!(profile.updated_slots.gas, 2_900);
        assert_eq!(profile.rewritten_slots.gas, 100);
        assert_eq!(profile.events.gas, 375 * 3 + 8 * 64);
        assert_eq!(profile.charged(), 22_100 + 2_900 + 100 + 1_637);
        assert_eq!(profile.refund, 19_900);
    }

    #[test]
    fn the_refund_kept_is_at_most_a_fifth_of_the_gas_spent() {
        let profile = Profile {
            refund: 50_000,
            ..Profile::default()
        };
        // 100,000 spent, 80,000 used: a fifth of the spent is 20,000.
        assert_eq!(profile.refund_applied(80_000), 20_000);
        let small = Profile {
            refund: 4_800,
            ..Profile::default()
        };
        assert_eq!(small.refund_applied(80_000), 4_800);
    }

    #[test]
    fn a_worker_threads_recording_reaches_the_recording_thread() {
        let ((), profile) = record(|| {
            let recording = is_recording();
            let recorded = std::thread::spawn(move || record_if(recording, || logged(1, 0)).1)
                .join()
                .unwrap();
            absorb(recorded);
        });
        assert_eq!(profile.events, Tally { count: 1, gas: 750 });
        assert!(!is_recording());
        assert_eq!(record_if(false, || 1), (1, None));
    }

    #[test]
    fn recordings_nest() {
        let ((), outer) = record(|| {
            storage_read(2_100);
            let ((), inner) = record(|| storage_read(100));
            assert_eq!(inner.warm_reads.count, 1);
        });
        assert_eq!(outer.cold_reads.count, 1);
        assert_eq!(outer.warm_reads.count, 0);
    }
}
