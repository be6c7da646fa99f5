//! Keyed random streams: every draw is a pure function of (seed, replication, step, stage, agent or node).
//!
//! This is what makes output independent of the thread count and what gives two scenarios run
//! with the same seed common random numbers wherever their states agree (MODEL.md section 7.15).
//! A stream is SplitMix64 (Steele, Lea & Flood 2014) started from a hash of its key; a single
//! draw per agent is one hash, with no generator state at all. Never use an entropy-seeded
//! generator anywhere in simulation code.
//!
//! Transcendental functions in simulation code come from `libm` (a pure-Rust libm), never from
//! the platform's maths library, whose last bits may differ between systems: with them, output
//! is the same on every machine, not only for every thread count.

pub use crate::stage::Draw;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijective 64-bit mixer.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of one draw ([`Draw`], owned by one stage) in one step of one replication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageKey(u64);

impl StageKey {
    pub fn new(seed: u64, replication: u32, step: u32, draw: Draw) -> StageKey {
        let mut h = mix64(seed ^ 0x6C61_6273_696D_0001); // "labsim"
        h = mix64(h ^ u64::from(replication).wrapping_mul(GOLDEN));
        h = mix64(h ^ u64::from(step).wrapping_mul(0xD1B5_4A32_D192_ED03));
        StageKey(mix64(h ^ draw.key().wrapping_mul(0x8CB9_2BA7_2F3D_8DD7)))
    }

    /// One uniform 64-bit word for entity `id` (an agent or a node) in this stage: output
    /// `id + 1` of the SplitMix64 sequence seeded with the stage key, so one mix per draw.
    #[inline(always)]
    pub fn word(self, id: u32) -> u64 {
        mix64(
            self.0
                .wrapping_add((u64::from(id) + 1).wrapping_mul(GOLDEN)),
        )
    }

    /// A key for sub-stream `n` of this stage (e.g. one per policy).
    #[inline(always)]
    pub fn substream(self, n: u64) -> StageKey {
        StageKey(mix64(self.0 ^ (n + 1).wrapping_mul(0xA24B_AED4_963E_E407)))
    }

    /// A full stream for entity `id`, for stages that need several draws per entity.
    #[inline(always)]
    pub fn stream(self, id: u32) -> Stream {
        Stream(self.word(id))
    }
}

/// The threshold `t` such that `word < t` has probability `p` (for `p` in [0, 1]), so that a
/// Bernoulli draw is one integer comparison.
#[inline]
pub fn threshold(p: f64) -> u64 {
    if p >= 1.0 {
        u64::MAX
    } else if p <= 0.0 {
        0
    } else {
        (p * 18_446_744_073_709_551_616.0) as u64
    }
}

/// Uniform in [0, 1) from the top 53 bits of a word.
#[inline(always)]
pub fn unit_f64(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) by Lemire's multiply-shift (bias below 2^-32 for n < 2^32).
#[inline(always)]
pub fn below(word: u64, n: u32) -> u32 {
    (((word >> 32) * u64::from(n)) >> 32) as u32
}

/// A SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct Stream(u64);

impl Stream {
    #[inline(always)]
    pub fn next_word(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    #[inline(always)]
    pub fn unit(&mut self) -> f64 {
        unit_f64(self.next_word())
    }

    #[inline(always)]
    pub fn below(&mut self, n: u32) -> u32 {
        below(self.next_word(), n)
    }

    /// Bernoulli(p) draw.
    #[inline(always)]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Binomial(n, p) from a stream, exactly, by geometric skipping: the gaps between successes in
/// a run of Bernoulli(p) trials are Geometric(p), so counting the gaps that fit in n trials
/// takes about `n min(p, 1 - p) + 1` draws. It uses only `libm` for logarithms, so the result
/// is the same on every platform (the platform's own `ln` may differ in the last bit).
pub fn binomial(stream: &mut Stream, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(stream, n, 1.0 - p);
    }
    let log_q = libm::log1p(-p);
    let mut successes = 0;
    let mut trials: u64 = 0;
    loop {
        // Failures before the next success: floor(ln(U) / ln(1 - p)), U uniform in (0, 1].
        let gap = libm::log(1.0 - stream.unit()) / log_q;
        if gap >= (n - trials) as f64 {
            return successes;
        }
        trials += gap as u64 + 1;
        if trials > n {
            return successes;
        }
        successes += 1;
    }
}

/// Round `x >= 0` to an integer, up with probability equal to its fractional part.
pub fn stochastic_round(stream: &mut Stream, x: f64) -> u64 {
    let floor = x.floor();
    let frac = x - floor;
    floor as u64 + u64::from(stream.chance(frac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_every_component() {
        let base = StageKey::new(1, 0, 0, Draw::Searching);
        assert_ne!(base, StageKey::new(2, 0, 0, Draw::Searching));
        assert_ne!(base, StageKey::new(1, 1, 0, Draw::Searching));
        assert_ne!(base, StageKey::new(1, 0, 1, Draw::Searching));
        assert_ne!(base, StageKey::new(1, 0, 0, Draw::Applications));
        assert_ne!(base.word(0), base.word(1));
    }

    #[test]
    fn words_are_uniform_enough() {
        let key = StageKey::new(7, 0, 3, Draw::Separations);
        let n = 200_000u32;
        let mean = (0..n).map(|i| unit_f64(key.word(i))).sum::<f64>() / f64::from(n);
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let mut counts = [0u32; 10];
        for i in 0..n {
            counts[below(key.word(i), 10) as usize] += 1;
        }
        for c in counts {
            assert!((f64::from(c) - 20_000.0).abs() < 600.0, "bucket count {c}");
        }
    }

    #[test]
    fn binomial_mean_variance_and_edges() {
        let mut s = StageKey::new(3, 0, 0, Draw::Openings).stream(0);
        assert_eq!(binomial(&mut s, 0, 0.5), 0);
        assert_eq!(binomial(&mut s, 10, 0.0), 0);
        assert_eq!(binomial(&mut s, 10, 1.0), 10);
        for (n, p) in [(1000u64, 0.1), (50, 0.7), (20_000, 0.012), (3, 0.5)] {
            let draws: Vec<f64> = (0..20_000).map(|_| binomial(&mut s, n, p) as f64).collect();
            assert!(draws.iter().all(|&x| x <= n as f64));
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            // Five standard errors of the mean; the variance within 5 %.
            assert!(
                (mean - m).abs() < 5.0 * (v / 20_000.0).sqrt(),
                "n {n} p {p}: mean {mean}"
            );
            assert!(
                (var - v).abs() / v < 0.05,
                "n {n} p {p}: variance {var}, expected {v}"
            );
        }
    }

    #[test]
    fn stochastic_round_is_unbiased() {
        let mut s = StageKey::new(3, 0, 0, Draw::Init).stream(9);
        let total: u64 = (0..100_000).map(|_| stochastic_round(&mut s, 2.25)).sum();
        let mean = total as f64 / 100_000.0;
        assert!((mean - 2.25).abs() < 0.01, "mean {mean}");
    }
}
