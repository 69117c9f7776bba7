//! The one random generator of the tests and the benchmark: a small seeded xorshift, so that
//! every case and every synthetic corpus can be replayed from its seed. It lives outside the
//! library, which has no use for it: `tests/common.rs` includes it as `common::rng`, and the
//! benchmark with `#[path = "../tests/support/rng.rs"] mod rng;`.

#![allow(
    dead_code,
    reason = "each test or bench binary uses only some of the methods"
)]

/// A small xorshift generator: every case can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        // The remainder is below `n`, which came from a `usize`.
        usize::try_from(self.next_u64() % n).unwrap_or(0)
    }

    /// A skewed pick in `0..n`: low numbers are much more frequent, as common words are.
    pub fn skewed(&mut self, n: usize) -> usize {
        let r = self.below(n) as u64;
        usize::try_from(r * r / n.max(1) as u64).unwrap_or(0)
    }

    /// Puts `items` in a random order (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}
