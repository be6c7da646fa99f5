//! The search: a derivative-free minimiser for an objective that is evaluated in batches.
//!
//! First a Latin hypercube over the unit cube of the free parameters, with the starting point,
//! looks for the right basin; then CMA-ES (Hansen 2016, arXiv:1604.00772, default parameters)
//! from the best point so far: each generation samples `lambda = 4 + 3 ln n` points from a
//! multivariate normal, moves its mean to the weighted best half and adapts its covariance and
//! step size, so that it learns the correlations between parameters (a separation rate and a
//! search rate that trade off against each other) which a coordinate search crawls along. A
//! generation is one batch, evaluated in parallel. Points outside the unit cube are evaluated
//! at their projection plus a penalty on their distance. The search stops at the budget or when
//! it has converged: the distribution's widest axis is below [`MIN_STEP`]. Under common random
//! numbers the objective is a deterministic function of the parameters, so a ranking within a
//! generation is a real ranking, not luck of the draw.

use crate::sweep::latin_hypercube;

/// One evaluation: the phase that asked for it, the point (unit cube) and its objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub phase: &'static str,
    pub x: Vec<f64>,
    pub objective: f64,
}

/// Width of the search distribution (on the unit cube) below which the search has converged.
pub const MIN_STEP: f64 = 1.0 / 1024.0;

/// Minimise `objective` over `[0, 1]^dims` with at most `budget` evaluations, starting at
/// `start`. `objective` gets a batch of points and returns their values in order (non-finite
/// values count as +infinity). Returns every evaluation in order; the best is the minimum.
pub fn minimise(
    start: &[f64],
    budget: usize,
    seed: u64,
    objective: &mut dyn FnMut(&[Vec<f64>]) -> Vec<f64>,
) -> Vec<Evaluation> {
    let dims = start.len();
    let mut history: Vec<Evaluation> = Vec::new();
    let budget = budget.max(1);
    let mut run = |phase: &'static str, batch: Vec<Vec<f64>>, history: &mut Vec<Evaluation>| {
        let values = objective(&batch);
        for (x, f) in batch.into_iter().zip(values) {
            let objective = if f.is_finite() { f } else { f64::INFINITY };
            history.push(Evaluation {
                phase,
                x,
                objective,
            });
        }
    };
    let clamp = |x: &[f64]| x.iter().map(|v| v.clamp(0.0, 1.0)).collect::<Vec<f64>>();

    // Phase 1: the start and a Latin hypercube of about a fifth of the budget.
    let n_lhs = if dims == 0 {
        0
    } else {
        (budget / 5).clamp(dims + 1, budget.saturating_sub(1).max(dims + 1))
    };
    let mut first = vec![clamp(start)];
    first.extend(latin_hypercube(n_lhs, dims, seed));
    first.truncate(budget);
    run("start+lhs", first, &mut history);
    if dims == 0 {
        return history;
    }

    // Phase 2: CMA-ES from the best point so far.
    let best = history
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
        .map(|e| e.x.clone())
        .unwrap_or_else(|| clamp(start));
    let mut cma = Cma::new(best, INITIAL_SIGMA, seed);
    while history.len() < budget && !cma.converged() {
        let left = budget - history.len();
        let points = cma.ask();
        let batch: Vec<Vec<f64>> = points.iter().map(|x| clamp(x)).take(left).collect();
        let n = batch.len();
        let start_len = history.len();
        run("cma", batch, &mut history);
        if n < points.len() {
            break;
        }
        // A point outside the unit cube is evaluated at its projection, plus a penalty that
        // grows with its distance, so the search is drawn back inside.
        let values: Vec<f64> = points
            .iter()
            .zip(&history[start_len..])
            .map(|(x, e)| {
                let d2: f64 = x.iter().map(|v| (v - v.clamp(0.0, 1.0)).powi(2)).sum();
                e.objective + BOUND_PENALTY * d2 * (1.0 + e.objective.abs())
            })
            .collect();
        cma.tell(&points, &values);
    }
    history
}

/// Initial CMA-ES step size on the unit cube.
const INITIAL_SIGMA: f64 = 0.15;
/// Penalty weight per squared unit of distance outside the unit cube.
const BOUND_PENALTY: f64 = 100.0;

/// The state of a (mu/mu_w, lambda)-CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A
/// Tutorial", arXiv:1604.00772, with its default parameters): mean, step size, covariance
/// and the two evolution paths.
pub struct Cma {
    n: usize,
    lambda: usize,
    weights: Vec<f64>,
    mu_eff: f64,
    c_sigma: f64,
    d_sigma: f64,
    c_c: f64,
    c_1: f64,
    c_mu: f64,
    chi_n: f64,
    mean: Vec<f64>,
    pub sigma: f64,
    /// Covariance (row-major n x n), its eigenvectors (columns of `b`) and the square roots of
    /// its eigenvalues.
    c: Vec<f64>,
    b: Vec<f64>,
    d: Vec<f64>,
    p_sigma: Vec<f64>,
    p_c: Vec<f64>,
    generation: u32,
    stream: crate::rng::Stream,
    /// The standard normal draws of the last `ask`, one vector per point.
    z: Vec<Vec<f64>>,
}

impl Cma {
    pub fn new(mean: Vec<f64>, sigma: f64, seed: u64) -> Cma {
        let n = mean.len().max(1);
        let nf = n as f64;
        let lambda = 4 + (3.0 * libm::log(nf)).floor() as usize;
        let mu = lambda / 2;
        let raw: Vec<f64> = (0..mu)
            .map(|i| libm::log(mu as f64 + 0.5) - libm::log((i + 1) as f64))
            .collect();
        let total: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
        let mu_eff = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        let c_sigma = (mu_eff + 2.0) / (nf + mu_eff + 5.0);
        let d_sigma = 1.0 + 2.0 * (((mu_eff - 1.0) / (nf + 1.0)).sqrt() - 1.0).max(0.0) + c_sigma;
        let c_c = (4.0 + mu_eff / nf) / (nf + 4.0 + 2.0 * mu_eff / nf);
        let c_1 = 2.0 / ((nf + 1.3).powi(2) + mu_eff);
        let c_mu =
            (1.0 - c_1).min(2.0 * (mu_eff - 2.0 + 1.0 / mu_eff) / ((nf + 2.0).powi(2) + mu_eff));
        let chi_n = nf.sqrt() * (1.0 - 1.0 / (4.0 * nf) + 1.0 / (21.0 * nf * nf));
        let mut identity = vec![0.0; n * n];
        for i in 0..n {
            identity[i * n + i] = 1.0;
        }
        let key = crate::rng::StageKey::new(seed, 0, 0, crate::rng::Draw::Init);
        Cma {
            n,
            lambda,
            weights,
            mu_eff,
            c_sigma,
            d_sigma,
            c_c,
            c_1,
            c_mu,
            chi_n,
            mean,
            sigma,
            c: identity.clone(),
            b: identity,
            d: vec![1.0; n],
            p_sigma: vec![0.0; n],
            p_c: vec![0.0; n],
            generation: 0,
            stream: key.substream(0xC3A).stream(0),
            z: Vec::new(),
        }
    }

    /// Converged: the search distribution's widest axis is below [`MIN_STEP`] of the unit
    /// cube, so further generations cannot move a parameter by a meaningful amount.
    pub fn converged(&self) -> bool {
        let widest = self.d.iter().cloned().fold(0.0, f64::max);
        self.sigma * widest < MIN_STEP
    }

    /// The next generation's `lambda` points: `mean + sigma * B D z`, `z` standard normal.
    pub fn ask(&mut self) -> Vec<Vec<f64>> {
        let n = self.n;
        self.z = (0..self.lambda)
            .map(|_| (0..n).map(|_| normal(&mut self.stream)).collect())
            .collect();
        self.z
            .iter()
            .map(|z| {
                let y = self.bd(z);
                (0..n).map(|i| self.mean[i] + self.sigma * y[i]).collect()
            })
            .collect()
    }

    /// `B D z`.
    fn bd(&self, z: &[f64]) -> Vec<f64> {
        let n = self.n;
        (0..n)
            .map(|i| (0..n).map(|k| self.b[i * n + k] * self.d[k] * z[k]).sum())
            .collect()
    }

    /// Update the distribution from the values of the points of the last [`Cma::ask`].
    pub fn tell(&mut self, points: &[Vec<f64>], values: &[f64]) {
        let n = self.n;
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
        let mu = self.weights.len();
        let old = self.mean.clone();
        // Weighted recombination of the best mu, in z and in y = (x - m) / sigma.
        let mut z_w = vec![0.0; n];
        let mut y_w = vec![0.0; n];
        let ys: Vec<Vec<f64>> = order[..mu]
            .iter()
            .map(|&k| {
                (0..n)
                    .map(|i| (points[k][i] - old[i]) / self.sigma)
                    .collect()
            })
            .collect();
        for (r, &k) in order[..mu].iter().enumerate() {
            for i in 0..n {
                z_w[i] += self.weights[r] * self.z[k][i];
                y_w[i] += self.weights[r] * ys[r][i];
            }
        }
        for i in 0..n {
            self.mean[i] = old[i] + self.sigma * y_w[i];
        }
        // Step-size path: C^(-1/2) y_w = B z_w.
        let bz: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|k| self.b[i * n + k] * z_w[k]).sum())
            .collect();
        let cs = (self.c_sigma * (2.0 - self.c_sigma) * self.mu_eff).sqrt();
        for (p, b) in self.p_sigma.iter_mut().zip(&bz) {
            *p = (1.0 - self.c_sigma) * *p + cs * b;
        }
        self.generation += 1;
        let norm = self.p_sigma.iter().map(|x| x * x).sum::<f64>().sqrt();
        let decay = 1.0 - (1.0 - self.c_sigma).powi(2 * self.generation as i32);
        let h_sigma = norm / decay.sqrt() < (1.4 + 2.0 / (n as f64 + 1.0)) * self.chi_n;
        let cc = (self.c_c * (2.0 - self.c_c) * self.mu_eff).sqrt();
        for (p, y) in self.p_c.iter_mut().zip(&y_w) {
            *p = (1.0 - self.c_c) * *p + if h_sigma { cc * y } else { 0.0 };
        }
        // Covariance: rank-one and rank-mu updates.
        let lost = if h_sigma {
            0.0
        } else {
            self.c_c * (2.0 - self.c_c)
        };
        for i in 0..n {
            for j in 0..n {
                let rank_mu: f64 = (0..mu).map(|r| self.weights[r] * ys[r][i] * ys[r][j]).sum();
                let k = i * n + j;
                self.c[k] = (1.0 - self.c_1 - self.c_mu) * self.c[k]
                    + self.c_1 * (self.p_c[i] * self.p_c[j] + lost * self.c[k])
                    + self.c_mu * rank_mu;
            }
        }
        self.sigma *= libm::exp((self.c_sigma / self.d_sigma) * (norm / self.chi_n - 1.0));
        let (values, vectors) = symmetric_eigen(&self.c, n);
        self.d = values.iter().map(|v| v.max(1e-20).sqrt()).collect();
        self.b = vectors;
    }
}

/// A standard normal draw (Box-Muller, one of the pair).
fn normal(stream: &mut crate::rng::Stream) -> f64 {
    let u1 = 1.0 - stream.unit();
    let u2 = stream.unit();
    (-2.0 * libm::log(u1)).sqrt() * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// Eigenvalues and eigenvectors (columns, row-major) of a symmetric `n x n` matrix, by cyclic
/// Jacobi rotations (exact enough for the few dimensions of a calibration).
fn symmetric_eigen(matrix: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        let scale: f64 = (0..n).map(|i| a[i * n + i] * a[i * n + i]).sum();
        if off <= 1e-30 * scale.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

/// The best evaluation of a history (the calibration takes the best over its phases itself).
#[cfg(test)]
pub fn best(history: &[Evaluation]) -> Option<&Evaluation> {
    history
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_bowl_within_the_budget() {
        let target = [0.3, 0.71, 0.05];
        let mut calls = 0;
        let history = minimise(&[0.9, 0.1, 0.9], 200, 7, &mut |batch| {
            calls += 1;
            batch
                .iter()
                .map(|x| x.iter().zip(&target).map(|(a, b)| (a - b).powi(2)).sum())
                .collect()
        });
        assert!(history.len() <= 200);
        let b = best(&history).unwrap();
        for (x, t) in b.x.iter().zip(&target) {
            assert!((x - t).abs() < 0.01, "{:?}", b.x);
        }
        assert!(calls < history.len(), "evaluations come in batches");
    }

    /// A narrow valley along a diagonal (a rotated ellipsoid with condition number 10^4): the
    /// kind of trade-off between two rates that a coordinate search crawls along. CMA-ES learns
    /// the direction and converges within the budget, before spending it all.
    #[test]
    fn finds_the_minimum_of_a_rotated_narrow_valley_and_stops_when_converged() {
        let target = [0.4, 0.6, 0.55, 0.3];
        let f = |x: &[f64]| {
            let d: Vec<f64> = x.iter().zip(&target).map(|(a, b)| a - b).collect();
            let along = (d[0] + d[1]) / 2f64.sqrt();
            let across = (d[0] - d[1]) / 2f64.sqrt();
            along * along + 1e4 * across * across + d[2] * d[2] + 1e2 * (d[2] - d[3]).powi(2)
        };
        let history = minimise(&[0.9, 0.1, 0.9, 0.9], 3000, 3, &mut |batch| {
            batch.iter().map(|x| f(x)).collect()
        });
        let b = best(&history).unwrap();
        for (x, t) in b.x.iter().zip(&target) {
            assert!((x - t).abs() < 0.01, "{:?}", b.x);
        }
        assert!(
            history.len() < 3000,
            "converged before the budget: {}",
            history.len()
        );
        assert!(history.iter().any(|e| e.phase == "cma"));
    }

    #[test]
    fn the_eigen_decomposition_reconstructs_the_matrix() {
        let m = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let (values, v) = symmetric_eigen(&m, 3);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3)
                    .map(|k| v[i * 3 + k] * values[k] * v[j * 3 + k])
                    .sum();
                assert!((r - m[i * 3 + j]).abs() < 1e-9, "{i},{j}: {r}");
            }
        }
    }

    #[test]
    fn respects_a_tiny_budget_and_the_bounds() {
        let history = minimise(&[2.0, -1.0], 3, 1, &mut |batch| vec![1.0; batch.len()]);
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].x, vec![1.0, 0.0]);
        assert!(history
            .iter()
            .all(|e| e.x.iter().all(|v| (0.0..=1.0).contains(v))));
    }
}
