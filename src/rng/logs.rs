//! Logarithms of uniform draws, fast, giving exactly what `libm::log` gives wherever a caller
//! can tell: geometric gaps (their whole part) and exponential race keys (rounded to `f32`).
//!
//! A gap `floor(ln(1 - u) / ln(1 - p))` or a key `(-ln(1 - u) / w) as f32` depends on the
//! logarithm only through a whole part or a rounding, so a cheap logarithm with a proven error
//! bound settles it unless the bound straddles an integer or a rounding edge; only then is
//! `libm::log` called (for gaps of rate `p`, about `2e-12 / p` of them: rarely but in the
//! ladders' lowest layers, which hold few candidates). The output is
//! therefore the same, bit for bit, as with `libm::log` everywhere (rng.rs: no platform maths).
//!
//! The cheap logarithm is the table-driven reduction of Tang (1990, ACM TOMS 16(4)) as in
//! glibc's and musl's `log` (Szabolcs Nagy's): `x = 2^e m`, `m` in `[1, 2)`, `c` the centre of
//! the 128th of `[1, 2)` that holds `m`, `ln x = e ln 2 + ln c + ln(1 + r)` with
//! `r = m / c - 1`, `|r| <= 2^-8`, and `ln(1 + r)` by four terms of its series (remainder at
//! most `|r|^5 / 5 < 2e-13`). No division, against two in fdlibm's `log` and a gap's quotient.

use std::sync::LazyLock;

/// Entries of the table: `1 / c` and `ln c` for the centre `c = 1 + (j + 1/2) / 128` of each
/// 128th of `[1, 2)` (`ln c` as `-libm::log(1 / c)`, so that it is the logarithm of the very
/// reciprocal used).
const ENTRIES: usize = 128;

static TABLE: LazyLock<[[f64; 2]; ENTRIES]> = LazyLock::new(|| {
    std::array::from_fn(|j| {
        let c = 1.0 + (j as f64 + 0.5) / ENTRIES as f64;
        let inv = 1.0 / c;
        [inv, -libm::log(inv)]
    })
});

/// A bound on `|ln(x) - libm::log(x)|` for the cheap logarithm, `x` in `[2^-53, 1]`: the
/// series' remainder (`< 1.8e-13`), the rounding of `r` (`1.2e-16`), of `ln c` and of
/// `libm::log` (one unit in the last place each, `< 1e-14` for `|ln x| <= 37`), and of the sums
/// (`< 1e-14`), with room to spare (the test `the_cheap_logarithm_is_within_its_bound` finds at
/// most `1.8e-13`, the series' remainder at the edges of the table's 128ths).
pub const LN_ERROR: f64 = 1e-12;

/// Relative slack for the products and quotients of a gap or a key: the exact one divides by a
/// rounded `ln(1 - p)` or `w`, the cheap one multiplies by its rounded reciprocal, a few units
/// in the last place apart; `1e-13` is generous.
const RELATIVE: f64 = 1e-13;

/// `ln x` for `x` in `[2^-53, 1]` (normal and positive), within [`LN_ERROR`] of `libm::log`.
#[inline(always)]
fn ln(x: f64, table: &[[f64; 2]; ENTRIES]) -> f64 {
    let bits = x.to_bits();
    let e = ((bits >> 52) as i64 - 1023) as f64;
    let j = ((bits >> 45) & (ENTRIES as u64 - 1)) as usize;
    let m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    let [inv, ln_c] = table[j];
    let r = m * inv - 1.0;
    let r2 = r * r;
    let series = r - 0.5 * r2 + r2 * r * (1.0 / 3.0 - 0.25 * r);
    e * std::f64::consts::LN_2 + (ln_c + series)
}

/// Geometric gaps of success probability `p`: the failures before the next success,
/// `floor(libm::log(1 - u) / libm::log1p(-p))` for a uniform `u` in `[0, 1)`.
#[derive(Clone, Copy, Debug)]
pub struct Gaps {
    log_q: f64,
    inv_log_q: f64,
    /// What [`LN_ERROR`] makes of a gap: `LN_ERROR / |ln(1 - p)|`.
    slack: f64,
    table: &'static [[f64; 2]; ENTRIES],
}

impl Gaps {
    /// Gaps for `0 < p < 1`.
    pub fn new(p: f64) -> Gaps {
        let log_q = libm::log1p(-p);
        let inv_log_q = 1.0 / log_q;
        Gaps {
            log_q,
            inv_log_q,
            slack: LN_ERROR * inv_log_q.abs() * (1.0 + RELATIVE),
            table: &TABLE,
        }
    }

    /// The gap of uniform `u` in `[0, 1)`: `(libm::log(1 - u) / ln(1 - p)) as u64`, the whole
    /// part of the quotient a caller comparing it with a whole number or truncating it reads.
    #[inline(always)]
    pub fn gap(&self, u: f64) -> u64 {
        self.cheap(u).unwrap_or_else(|| self.exact(u))
    }

    /// The gap of `u` from the cheap logarithm, where its bound settles it.
    #[inline(always)]
    fn cheap(&self, u: f64) -> Option<u64> {
        let g = ln(1.0 - u, self.table) * self.inv_log_q;
        let e = self.slack + g.abs() * RELATIVE;
        let (lo, hi) = (g - e, g + e);
        // The exact quotient lies in `[lo, hi]`: where both have one whole part, so has it.
        // (Signed conversions, one instruction each: a gap is below `2^40`.)
        (lo >= 0.0 && (lo as i64) == (hi as i64)).then_some(lo as i64 as u64)
    }

    #[cold]
    #[inline(never)]
    fn exact(&self, u: f64) -> u64 {
        (libm::log(1.0 - u) / self.log_q) as u64
    }
}

/// Keys of an exponential race: `((-libm::log(1 - u) / w) as f32).to_bits()` for a uniform `u`
/// in `[0, 1)` and a weight `w > 0`.
#[derive(Clone, Copy, Debug)]
pub struct Race {
    table: &'static [[f64; 2]; ENTRIES],
}

impl Default for Race {
    fn default() -> Race {
        Race { table: &TABLE }
    }
}

impl Race {
    /// The key of uniform `u` at weight `w` (`inv_w = 1 / w`, kept by the caller).
    #[inline(always)]
    pub fn key(&self, u: f64, w: f64, inv_w: f64) -> u32 {
        let r = -ln(1.0 - u, self.table) * inv_w;
        let e = LN_ERROR * inv_w * (1.0 + RELATIVE) + r.abs() * RELATIVE;
        let (lo, hi) = ((r - e) as f32, (r + e) as f32);
        // Rounding to `f32` is monotone: where both ends round alike, so does the exact key.
        if lo == hi && lo > 0.0 {
            lo.to_bits()
        } else {
            Self::exact(u, w)
        }
    }

    #[cold]
    #[inline(never)]
    fn exact(u: f64, w: f64) -> u32 {
        ((-libm::log(1.0 - u) / w) as f32).to_bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{unit_f64, StageKey};

    fn key() -> StageKey {
        StageKey::new(11, 0, 3, crate::rng::Draw::Separations)
    }

    /// Every `x` that can reach the cheap logarithm (`1 - u`, a multiple of `2^-53` in
    /// `(0, 1]`): random ones, the ends, and both sides of every table entry's edges at several
    /// exponents. The largest error found (1.8e-13) must lie well inside the bound.
    #[test]
    fn the_cheap_logarithm_is_within_its_bound() {
        let table = &*TABLE;
        let mut xs: Vec<f64> = vec![1.0, 1.0 - f64::EPSILON / 2.0, libm::ldexp(1.0, -53)];
        for e in [-53, -40, -20, -5, -2, -1] {
            for j in 0..=ENTRIES {
                let edge = libm::ldexp(1.0 + j as f64 / ENTRIES as f64, e);
                for d in -3i64..=3 {
                    let x = f64::from_bits((edge.to_bits() as i64 + d) as u64);
                    if x > 0.0 && x <= 1.0 {
                        xs.push(x);
                    }
                }
            }
        }
        let k = key();
        xs.extend((0..400_000u32).map(|i| 1.0 - unit_f64(k.word(i))));
        let worst = xs
            .iter()
            .map(|&x| (ln(x, table) - libm::log(x)).abs())
            .fold(0.0, f64::max);
        assert!(worst < LN_ERROR / 4.0, "largest error {worst:e}");
    }

    /// Gaps: the cheap path gives `libm`'s whole part for 20 000 uniforms at each rate of the
    /// ladders' layers and at common rates, and for uniforms placed within a few units in the
    /// last place of where the quotient is a whole number (where the fallback must act).
    #[test]
    fn gaps_are_those_of_libm() {
        let k = key();
        let exact = |g: &Gaps, u: f64| (libm::log(1.0 - u) / g.log_q) as u64;
        let mut rates: Vec<f64> = (0..64).map(|l| libm::ldexp(1.0, -l / 2 - 1)).collect();
        rates.extend([0.9, 0.5, 0.075, 0.01, 1e-4, 3e-7, 1e-9]);
        let mut fallbacks = 0usize;
        let mut total = 0usize;
        for (n, &p) in rates.iter().enumerate() {
            let g = Gaps::new(p);
            for i in 0..20_000u32 {
                let u = unit_f64(k.substream(n as u64).word(i));
                assert_eq!(g.gap(u), exact(&g, u), "p {p} u {u}");
            }
            // Uniforms whose quotient is (about) a whole number: u = 1 - q^m, and its
            // neighbours on the grid of 2^-53.
            for m in [1u64, 2, 3, 7, 10, 100, 1000, 12_345] {
                let target = 1.0 - libm::exp(m as f64 * g.log_q);
                if !(0.0..1.0).contains(&target) {
                    continue;
                }
                let grid = (target * libm::ldexp(1.0, 53)).round();
                for d in -40i64..=40 {
                    let u = (grid + d as f64) * libm::ldexp(1.0, -53);
                    if (0.0..1.0).contains(&u) {
                        total += 1;
                        assert_eq!(g.gap(u), exact(&g, u), "p {p} m {m} u {u}");
                        if g.cheap(u).is_none() {
                            fallbacks += 1;
                        }
                    }
                }
            }
        }
        // The edge cases reached the fallback: the test tried what it is for.
        assert!(fallbacks > 0 && fallbacks < total, "{fallbacks} of {total}");
    }

    /// Race keys: the cheap path gives `libm`'s `f32` key for a million uniforms at weights
    /// above and below one, including uniforms near zero (keys near zero, finely rounded).
    #[test]
    fn race_keys_are_those_of_libm() {
        let k = key();
        let race = Race::default();
        for (n, w) in [1.0, 0.37, 2.5, 7.0].into_iter().enumerate() {
            for i in 0..250_000u32 {
                let mut u = unit_f64(k.substream(100 + n as u64).word(i));
                if i % 4 == 0 {
                    u = libm::ldexp(u, -(i as i32 % 50));
                }
                let want = ((-libm::log(1.0 - u) / w) as f32).to_bits();
                assert_eq!(race.key(u, w, 1.0 / w), want, "w {w} u {u}");
            }
        }
        let zero = ((-libm::log(1.0) / 2.0) as f32).to_bits();
        assert_eq!(race.key(0.0, 2.0, 0.5), zero);
    }
}
