//! Experimental designs: a parameter's values (a list, or a range by step or count), and how
//! parameters combine into points (the full grid, or a Latin hypercube of N points).
//!
//! A Latin hypercube (McKay, Beckman & Conover 1979) cuts each parameter's range into N equal
//! strata and takes one value in every stratum, the strata paired at random across
//! parameters: N points cover every parameter's range evenly whatever the number of
//! parameters. Its draws come from our keyed SplitMix64, so a design seed gives the same points
//! on every machine.

use super::{Sweep, SweepError, MAX_RUNS};
use crate::output::round_sig;
use crate::rng::mix64;

/// How a parameter's values are given.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Exactly these values.
    List(Vec<toml::Value>),
    /// `from`, `from + step`, ... up to `to` (inclusive, within rounding).
    Step {
        from: f64,
        to: f64,
        step: f64,
        integer: bool,
    },
    /// `count` evenly spaced values from `from` to `to` inclusive.
    Count {
        from: f64,
        to: f64,
        count: usize,
        integer: bool,
    },
    /// Only bounds: a Latin hypercube draws the values.
    Bounds { from: f64, to: f64, integer: bool },
}

fn number(x: f64, integer: bool) -> toml::Value {
    if integer {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(round_sig(x, 12))
    }
}

/// How many values `from, from + step, ...` up to `to` holds, saturating far above any
/// limit (a tiny step must be refused, not overflow).
fn steps(from: f64, to: f64, step: f64) -> usize {
    let n = ((to - from) / step + 1e-9).floor();
    if n.is_finite() && n >= 0.0 {
        n.min(1e15) as usize + 1
    } else {
        usize::MAX
    }
}

impl Values {
    /// The values of a list or range; `None` for bounds only.
    pub fn expand(&self) -> Option<Vec<toml::Value>> {
        match self {
            Values::List(v) => Some(v.clone()),
            Values::Step {
                from,
                to,
                step,
                integer,
            } => {
                let n = steps(*from, *to, *step);
                Some(
                    (0..n)
                        .map(|i| number(from + i as f64 * step, *integer))
                        .collect(),
                )
            }
            Values::Count {
                from,
                to,
                count,
                integer,
            } => Some(
                (0..*count)
                    .map(|i| {
                        let x = if *count == 1 {
                            *from
                        } else {
                            from + (to - from) * i as f64 / (*count - 1) as f64
                        };
                        number(x, *integer)
                    })
                    .collect(),
            ),
            Values::Bounds { .. } => None,
        }
    }

    /// How many values a list or range has (without building them).
    pub fn len(&self) -> Option<usize> {
        match self {
            Values::List(v) => Some(v.len()),
            Values::Step { from, to, step, .. } => Some(steps(*from, *to, *step)),
            Values::Count { count, .. } => Some(*count),
            Values::Bounds { .. } => None,
        }
    }
}

/// How parameters combine into points.
#[derive(Clone, Debug, PartialEq)]
pub enum Design {
    /// Every combination of every parameter's values; the last parameter varies fastest.
    Grid,
    LatinHypercube {
        points: usize,
        seed: u64,
    },
}

impl Design {
    pub fn describe(&self) -> String {
        match self {
            Design::Grid => "grid".into(),
            Design::LatinHypercube { points, seed } => {
                format!("latin_hypercube of {points} points, seed {seed}")
            }
        }
    }

    /// Every point: one value per parameter.
    pub fn points(&self, sweep: &Sweep) -> Result<Vec<Vec<toml::Value>>, SweepError> {
        match self {
            Design::Grid => {
                let mut size: usize = 1;
                for p in &sweep.parameters {
                    let n = p.values.len().unwrap_or(0);
                    size = size.saturating_mul(n);
                }
                if size.saturating_mul(sweep.replications as usize) > MAX_RUNS {
                    return Err(SweepError::File {
                        file: sweep.file.clone(),
                        message: format!(
                            "the grid has {size} points x {} replications; at most {MAX_RUNS} runs are supported",
                            sweep.replications
                        ),
                    });
                }
                let lists: Vec<Vec<toml::Value>> = sweep
                    .parameters
                    .iter()
                    .map(|p| p.values.expand().unwrap_or_default())
                    .collect();
                Ok(grid(&lists))
            }
            Design::LatinHypercube { points, seed } => {
                let mut bounds: Vec<(f64, f64, bool)> = Vec::new();
                for p in &sweep.parameters {
                    match p.values {
                        Values::Bounds { from, to, integer } => bounds.push((from, to, integer)),
                        _ => {
                            return Err(SweepError::File {
                                file: sweep.file.clone(),
                                message: format!(
                                "parameter `{}`: a Latin hypercube takes `range = {{ from, to }}`",
                                p.key
                            ),
                            })
                        }
                    }
                }
                let unit = latin_hypercube(*points, bounds.len(), *seed);
                Ok(unit
                    .into_iter()
                    .map(|u| {
                        u.iter()
                            .zip(&bounds)
                            .map(|(x, (lo, hi, integer))| {
                                if *integer {
                                    // Each of the hi - lo + 1 whole values gets an equal share.
                                    let k = (lo + (hi - lo + 1.0) * x).floor().min(*hi);
                                    toml::Value::Integer(k as i64)
                                } else {
                                    number(lo + (hi - lo) * x, false)
                                }
                            })
                            .collect()
                    })
                    .collect())
            }
        }
    }
}

/// The Cartesian product of `lists`, last list fastest; one empty point when there are none.
pub fn grid(lists: &[Vec<toml::Value>]) -> Vec<Vec<toml::Value>> {
    let mut points = vec![Vec::new()];
    for list in lists {
        points = points
            .into_iter()
            .flat_map(|p| {
                list.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

/// `n` points in the unit cube of `dims` dimensions, one in each of the `n` strata of every
/// dimension, each at a uniform position within its stratum.
pub fn latin_hypercube(n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut counter = 0u64;
    let mut word = || {
        counter += 1;
        mix64(seed ^ mix64(counter.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    };
    let mut points = vec![vec![0.0; dims]; n];
    for d in 0..dims {
        // Fisher-Yates with an unbiased-enough multiply-shift index (n is small).
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = ((u128::from(word()) * (i as u128 + 1)) >> 64) as usize;
            strata.swap(i, j);
        }
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u = (word() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            point[d] = (stratum as f64 + u) / n as f64;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_by_step_and_count_include_both_ends() {
        let v = Values::Step {
            from: 0.1,
            to: 0.5,
            step: 0.1,
            integer: false,
        };
        let floats: Vec<f64> = v
            .expand()
            .unwrap()
            .iter()
            .map(|x| x.as_float().unwrap())
            .collect();
        assert_eq!(floats, [0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(v.len(), Some(5));
        let v = Values::Count {
            from: 2.0,
            to: 10.0,
            count: 3,
            integer: true,
        };
        assert_eq!(
            v.expand().unwrap(),
            [2, 6, 10].map(toml::Value::Integer).to_vec()
        );
    }

    #[test]
    fn a_tiny_step_saturates_instead_of_overflowing() {
        let v = Values::Step {
            from: 0.0,
            to: 1.0,
            step: 1e-300,
            integer: false,
        };
        assert!(v.len().unwrap() > 1_000_000);
    }

    #[test]
    fn grid_is_the_full_product_with_the_last_parameter_fastest() {
        let a = vec![1.into(), 2.into()];
        let b = vec!["x".into(), "y".into(), "z".into()];
        let g = grid(&[a, b]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![toml::Value::from(1), "x".into()]);
        assert_eq!(g[1], vec![toml::Value::from(1), "y".into()]);
        assert_eq!(g[3], vec![toml::Value::from(2), "x".into()]);
        assert_eq!(grid(&[]), vec![Vec::<toml::Value>::new()]);
    }

    #[test]
    fn latin_hypercube_hits_every_stratum_of_every_dimension_once() {
        for (n, dims, seed) in [(1, 1, 0), (7, 3, 1), (50, 4, 99)] {
            let pts = latin_hypercube(n, dims, seed);
            assert_eq!(pts.len(), n);
            for d in 0..dims {
                let mut hit = vec![0; n];
                for p in &pts {
                    assert!((0.0..1.0).contains(&p[d]));
                    hit[(p[d] * n as f64) as usize] += 1;
                }
                assert!(hit.iter().all(|&h| h == 1), "n={n} d={d}: {hit:?}");
            }
        }
        assert_eq!(latin_hypercube(5, 2, 3), latin_hypercube(5, 2, 3));
        assert_ne!(latin_hypercube(5, 2, 3), latin_hypercube(5, 2, 4));
    }
}
