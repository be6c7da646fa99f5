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
//! is the same on every machine, not only for every thread count. Where only a whole part or a
//! rounding of a logarithm is used (geometric gaps, race keys), [`logs`] computes it cheaply and
//! gives `libm`'s result exactly.

/// Logarithms of uniform draws (geometric gaps, race keys), fast and exactly `libm`'s.
pub mod logs;

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
    let gaps = crate::rng::logs::Gaps::new(p);
    let mut successes = 0;
    let mut trials: u64 = 0;
    loop {
        // Failures before the next success: floor(ln(U) / ln(1 - p)), U uniform in (0, 1],
        // exactly as `libm` gives it.
        let gap = gaps.gap(stream.unit());
        if gap >= n - trials {
            return successes;
        }
        trials += gap + 1;
        if trials > n {
            return successes;
        }
        successes += 1;
    }
}

/// Binomial(n, p) from a stream, exactly, in constant expected time: Hörmann's transformed
/// rejection with squeeze (BTRS; W. Hörmann 1993, "The generation of binomial random variates",
/// J. Statist. Comput. Simul. 46, 101-110) where at least [`REJECTION_FROM`] successes and
/// failures are expected, else [`binomial`]'s geometric skipping, whose `n min(p, 1 - p)`
/// logarithms cost far more on counts of thousands (a node's vacancy openings under the
/// published rules: about 17 000 a step at 1.5 million workers).
///
/// Each try takes two uniforms `U, V` and proposes `k = floor((2a / u_s + b) U' + c)` with
/// `U' = U - 1/2`, `u_s = 1/2 - |U'|`; about 92 % are accepted by the squeeze (`u_s >= 0.07`,
/// `V <= v_r`) without a logarithm, the rest by comparing `ln V` with the log ratio of the
/// probabilities of `k` and of the mode (Stirling's series with its exact tail below 10), and
/// about 1.15 tries are needed. Two scenarios that draw with the same stream and nearby `p`
/// mostly take the same `U` to nearby counts (common random numbers), though, unlike skipping,
/// a higher `p` is not guaranteed to give a count at least as high.
pub fn binomial_rejection(stream: &mut Stream, n: u64, p: f64) -> u64 {
    if p > 0.5 {
        return n - binomial_rejection(stream, n, 1.0 - p);
    }
    let nf = n as f64;
    // (A NaN probability is left to skipping, which ends; the rejection loop would not.)
    if p.is_nan() || nf * p < REJECTION_FROM {
        return binomial(stream, n, p);
    }
    let q = 1.0 - p;
    let spq = (nf * p * q).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    let alpha = (2.83 + 5.1 / b) * spq;
    let r = p / q;
    let m = ((nf + 1.0) * p).floor();
    loop {
        let u = stream.unit() - 0.5;
        let v = stream.unit();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if !(0.0..=nf).contains(&k) {
            continue;
        }
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        if libm::log(v * alpha / (a / (us * us) + b)) <= log_ratio(nf, r, k, m) {
            return k as u64;
        }
    }
}

/// `ln(P(k) / P(m))` for Binomial(n, p) with `r = p / (1 - p)`, the whole counts `k` and `m`
/// given as floats: with `ln j! = (j + 1/2) ln(j + 1) - (j + 1) + ln sqrt(2 pi) + fc(j)` the
/// constants cancel and no factorial is formed (Hörmann 1993, step 3.2 of BTRS).
fn log_ratio(nf: f64, r: f64, k: f64, m: f64) -> f64 {
    (m + 0.5) * libm::log((m + 1.0) / (r * (nf - m + 1.0)))
        + (nf + 1.0) * libm::log((nf - m + 1.0) / (nf - k + 1.0))
        + (k + 0.5) * libm::log(r * (nf - k + 1.0) / (k + 1.0))
        + stirling_tail(m)
        + stirling_tail(nf - m)
        - stirling_tail(k)
        - stirling_tail(nf - k)
}

/// The expected successes (and failures) from which [`binomial_rejection`] rejects rather than
/// skips: the bound of Hörmann's BTRS, whose constants were fitted for `n p >= 10`.
pub const REJECTION_FROM: f64 = 10.0;

/// `fc(j) = ln j! - ((j + 1/2) ln(j + 1) - (j + 1) + ln sqrt(2 pi))` for a whole `j >= 0`: exact
/// below 10 (a table), from there Stirling's series in `x = j + 1`,
/// `1 / (12 x) - 1 / (360 x^3) + 1 / (1260 x^5) - 1 / (1680 x^7)` (its error, below the next
/// term `1 / (1188 x^9)`, is under 4e-13 at 10).
fn stirling_tail(j: f64) -> f64 {
    const TABLE: [f64; 10] = [
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_29,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_19,
        0.013_876_128_823_070_75,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_09,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
    ];
    if j < 10.0 {
        return TABLE[j as usize];
    }
    let k = j + 1.0;
    let k2 = k * k;
    (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / 1680.0 / k2) / k2) / k2) / k
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

    /// A stream is SplitMix64 itself (Steele, Lea & Flood 2014): seeded with 1234567 it gives
    /// the reference outputs (as Rosetta Code's "Pseudo-random numbers/Splitmix64" lists them,
    /// from Vigna's `splitmix64.c`), and the draw for entity `id` is output `id + 1` of the
    /// sequence seeded with the stage key (MODEL.md 7.15).
    #[test]
    fn streams_are_splitmix64_and_words_are_its_outputs() {
        let mut s = Stream(1_234_567);
        for want in [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ] {
            assert_eq!(s.next_word(), want);
        }
        let key = StageKey::new(7, 2, 40, Draw::Separations);
        let mut sequence = Stream(key.0);
        for id in 0..1000 {
            assert_eq!(key.word(id), sequence.next_word(), "entity {id}");
        }
    }

    /// Sub-streams never coincide: for a given `n` the sub-stream is a bijection of the key (a
    /// constant xored in, then the bijective mixer), so keys that differ in a single bit have
    /// different sub-streams, and a key's sub-streams differ from one another; two draws or two
    /// steps never share a stream.
    #[test]
    fn sub_streams_of_distinct_keys_or_numbers_are_distinct() {
        let key = StageKey::new(11, 0, 5, Draw::Enrolment);
        for n in [0, 1, 5, 128, 1 << 20] {
            let mut subs: Vec<u64> = (0..64)
                .map(|bit| StageKey(key.0 ^ (1 << bit)).substream(n).0)
                .chain([key.substream(n).0])
                .collect();
            subs.sort_unstable();
            subs.dedup();
            assert_eq!(subs.len(), 65, "sub-stream {n}");
        }
        let mut subs: Vec<u64> = (0..1 << 16).map(|n| key.substream(n).0).collect();
        subs.sort_unstable();
        subs.dedup();
        assert_eq!(subs.len(), 1 << 16);
    }

    /// A Bernoulli draw by threshold (`word < threshold(p)`) has probability `p` to the last bit:
    /// the threshold is `p 2^64`, so a dyadic `p` takes exactly its share of all words; nobody
    /// at `p <= 0` (or not a number), every word but the largest at `p >= 1`; a higher `p`
    /// never fewer events; and where `p` is a multiple of `2^-53` the draw agrees word for word
    /// with `unit_f64(word) < p`, the rule of the streams and the ladder.
    #[test]
    fn a_threshold_takes_exactly_its_share_of_the_words() {
        assert_eq!(threshold(0.5), 1 << 63);
        assert_eq!(threshold(0.25), 1 << 62);
        assert_eq!(threshold(0.75), 3 << 62);
        assert_eq!(threshold(1.0 / 1024.0), 1 << 54);
        for p in [0.0, -0.3, f64::NAN] {
            assert_eq!(threshold(p), 0, "p {p}");
        }
        for p in [1.0, 1.5] {
            assert_eq!(threshold(p), u64::MAX, "p {p}");
        }
        let grid: Vec<u64> = (0..=1000)
            .map(|k| threshold(f64::from(k) / 1000.0))
            .collect();
        assert!(grid.windows(2).all(|w| w[0] < w[1]));
        let key = StageKey::new(7, 0, 3, Draw::Separations);
        for k in [1u64, 3, 1000, 1 << 40, (1 << 52) + 1, (1 << 53) - 1] {
            let p = k as f64 / (1u64 << 53) as f64;
            let t = threshold(p);
            // The words either side of the threshold, and words at random.
            let near = [-2049, -2048, -1, 0, 1, 2047, 2048].map(|d| t.wrapping_add_signed(d));
            for w in near.into_iter().chain((0..10_000).map(|id| key.word(id))) {
                assert_eq!(w < t, unit_f64(w) < p, "p {p}, word {w:#x}");
            }
        }
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

    /// The table of `fc` is `ln j!` less Stirling's approximation, and the series continues it.
    #[test]
    fn the_stirling_tail_is_the_log_factorial_less_stirling() {
        let exact = |j: f64| {
            libm::lgamma(j + 1.0)
                - ((j + 0.5) * libm::log(j + 1.0) - (j + 1.0)
                    + 0.5 * libm::log(2.0 * std::f64::consts::PI))
        };
        for j in 0..40 {
            let j = f64::from(j);
            assert!(
                (stirling_tail(j) - exact(j)).abs() < 1e-12,
                "fc({j}): {} against {}",
                stirling_tail(j),
                exact(j)
            );
        }
    }

    /// The rejection test compares with the log ratio of the probabilities themselves: within
    /// 1e-8 of the log-gamma form (whose terms, near 2e7 at the largest count, carry that much
    /// rounding), for counts on both sides of the mode and in both tails.
    #[test]
    fn the_log_ratio_is_that_of_the_binomial_probabilities() {
        for (n, p) in [(100u64, 0.11), (1000, 0.3), (1_440_000, 0.0125)] {
            let (nf, r) = (n as f64, p / (1.0 - p));
            let m = ((nf + 1.0) * p).floor();
            let ln_choose =
                |k: f64| -libm::lgamma(k + 1.0) - libm::lgamma(nf - k + 1.0) + k * libm::log(r);
            for k in [0.0, 1.0, 5.0, m - 3.0, m, m + 7.0, 2.0 * m, nf - 1.0, nf] {
                let k = k.clamp(0.0, nf);
                let exact = ln_choose(k) - ln_choose(m);
                let ours = log_ratio(nf, r, k, m);
                assert!(
                    (ours - exact).abs() < 1e-8 + 1e-12 * exact.abs(),
                    "n {n} p {p} k {k}: {ours} against {exact}"
                );
            }
        }
    }

    /// Pearson's chi-square of `draws` against Binomial(n, p), over the counts expected at least
    /// 20 times (the tails pooled into the first and last of them), and its degrees of freedom.
    fn chi_square(draws: &[u64], n: u64, p: f64) -> (f64, usize) {
        let ln_pmf = |k: u64| {
            let (k, nf) = (k as f64, n as f64);
            libm::lgamma(nf + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(nf - k + 1.0)
                + k * libm::log(p)
                + (nf - k) * libm::log1p(-p)
        };
        let total = draws.len() as f64;
        let expected: Vec<f64> = (0..=n).map(|k| total * libm::exp(ln_pmf(k))).collect();
        let lo = expected.iter().position(|&e| e >= 20.0).unwrap() as u64;
        let hi = expected.iter().rposition(|&e| e >= 20.0).unwrap() as u64;
        let mut observed = vec![0.0; (hi - lo + 1) as usize];
        let mut pooled = vec![0.0; (hi - lo + 1) as usize];
        for &d in draws {
            observed[(d.clamp(lo, hi) - lo) as usize] += 1.0;
        }
        for (k, e) in expected.iter().enumerate() {
            pooled[((k as u64).clamp(lo, hi) - lo) as usize] += e;
        }
        let chi = observed
            .iter()
            .zip(&pooled)
            .map(|(o, e)| (o - e) * (o - e) / e)
            .sum();
        (chi, observed.len() - 1)
    }

    /// The 99.9th percentile of chi-square with `df` degrees of freedom (Wilson and Hilferty
    /// 1931: the cube root is nearly normal; z = 3.09).
    fn chi_square_999(df: usize) -> f64 {
        let d = df as f64;
        let h = 2.0 / (9.0 * d);
        d * (1.0 - h + 3.09 * h.sqrt()).powi(3)
    }

    /// The rejection sampler draws the binomial law itself: 200 000 draws pass Pearson's test at
    /// the 0.1 % level, for means from just above the switch to hundreds, on both sides of
    /// one half, and for a count as large as the published model's openings.
    #[test]
    fn the_rejection_sampler_draws_the_binomial_law() {
        let mut s = StageKey::new(5, 0, 0, Draw::Openings).stream(0);
        for (n, p) in [
            (100u64, 0.11),
            (60, 0.5),
            (1000, 0.3),
            (400, 0.93),
            (20_000, 0.012),
            (1_440_000, 0.0125),
        ] {
            let draws: Vec<u64> = (0..200_000)
                .map(|_| binomial_rejection(&mut s, n, p))
                .collect();
            assert!(draws.iter().all(|&k| k <= n));
            let (chi, df) = chi_square(&draws, n, p);
            assert!(
                chi < chi_square_999(df),
                "n {n} p {p}: chi-square {chi:.1} on {df} degrees of freedom"
            );
        }
    }

    /// Below ten expected successes (or failures) the rejection sampler skips as `binomial` does,
    /// draw for draw; so does a probability that is not a number (rejection would never end).
    #[test]
    fn few_expected_successes_are_skipped_to() {
        for (n, p) in [
            (50u64, 0.19),
            (1000, 0.0099),
            (30, 0.8),
            (0, 0.5),
            (7, 1.0),
            (10_000, f64::NAN),
        ] {
            let mut a = StageKey::new(9, 1, 2, Draw::Openings).stream(3);
            let mut b = a.clone();
            for _ in 0..100 {
                assert_eq!(binomial_rejection(&mut a, n, p), binomial(&mut b, n, p));
            }
        }
    }

    /// The rejection sampler takes over where exactly ten successes are expected: at n 40, p
    /// 0.25 it draws other counts than skipping from the same stream, at n 39 the same ones.
    #[test]
    fn rejection_starts_at_ten_expected_successes() {
        let draws = |n: u64, sampler: fn(&mut Stream, u64, f64) -> u64| -> Vec<u64> {
            let mut s = StageKey::new(5, 0, 3, Draw::Openings).stream(11);
            (0..50).map(|_| sampler(&mut s, n, 0.25)).collect()
        };
        assert_eq!(draws(39, binomial_rejection), draws(39, binomial));
        assert_ne!(draws(40, binomial_rejection), draws(40, binomial));
    }

    /// A probability below 0 draws no success and one above 1 every trial, with either sampler
    /// and however many trials (skipping with a negative probability would count every trial).
    #[test]
    fn probabilities_outside_0_1_give_none_or_all() {
        let mut s = StageKey::new(5, 0, 3, Draw::Openings).stream(12);
        for n in [1u64, 7, 40, 5000] {
            assert_eq!(binomial(&mut s, n, -0.2), 0, "n {n}");
            assert_eq!(binomial(&mut s, n, 1.5), n, "n {n}");
            assert_eq!(binomial_rejection(&mut s, n, -0.2), 0, "n {n}");
            assert_eq!(binomial_rejection(&mut s, n, 1.5), n, "n {n}");
        }
    }

    /// A Bernoulli draw is `U < p` strictly: the uniform 0 (the stream whose next word is
    /// `mix64(0) = 0`) is no success at probability 0, and a success at any probability above.
    #[test]
    fn a_chance_of_zero_never_happens_even_at_the_uniform_zero() {
        assert_eq!(mix64(0), 0);
        let at_zero = || Stream(0u64.wrapping_sub(GOLDEN));
        assert_eq!(at_zero().unit(), 0.0);
        assert!(!at_zero().chance(0.0));
        assert!(at_zero().chance(f64::MIN_POSITIVE));
    }

    #[test]
    fn stochastic_round_is_unbiased() {
        let mut s = StageKey::new(3, 0, 0, Draw::Init).stream(9);
        let total: u64 = (0..100_000).map(|_| stochastic_round(&mut s, 2.25)).sum();
        let mean = total as f64 / 100_000.0;
        assert!((mean - 2.25).abs() < 0.01, "mean {mean}");
    }
}
