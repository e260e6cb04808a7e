//! Nitro's memory model: a few free pages per transaction, linear page gas
//! beyond them, and an exponential ramp on the most pages ever open.

use super::params;

/// `memoryExponents` of Nitro's `arbos/programs/memory.go`.
const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

fn exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS
        .get(pages as usize)
        .map(|x| *x as u64)
        .unwrap_or(u64::MAX)
}

/// Gas of opening `new` pages when `open` are open and `ever` were ever open in this transaction.
pub fn gas_cost(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= params::FREE_PAGES {
        return 0;
    }
    let sub_free = |pages: u16| pages.saturating_sub(params::FREE_PAGES);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = (adding as u64).saturating_mul(params::PAGE_GAS as u64);
    let expand = exp(new_ever).saturating_sub(exp(ever));
    linear.saturating_add(expand)
}

/// Pages open in the current transaction (Nitro's `stylusPages` of the state DB).
#[derive(Clone, Copy, Debug, Default)]
pub struct PageCounter {
    /// Pages open in the frames currently executing.
    pub open: u16,
    /// The most pages ever open at once in this transaction.
    pub ever: u16,
}

impl PageCounter {
    /// Opens `pages` more pages; returns the counters before the change.
    pub fn add(&mut self, pages: u16) -> (u16, u16) {
        let before = (self.open, self.ever);
        self.open = self.open.saturating_add(pages);
        self.ever = self.ever.max(self.open);
        before
    }
}
