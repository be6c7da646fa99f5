//! The search: a derivative-free minimiser for an objective that is evaluated in batches.
//!
//! First a Latin hypercube over the unit cube of the free parameters, with the starting point,
//! looks for the right basin; then a compass (pattern) search from the best point so far
//! polls `x +- h e_i` for every parameter at once, moves to the best poll that improves, and
//! halves `h` when none does (Kolda, Lewis & Torczon 2003, SIAM Review 45:385). Under common
//! random numbers the objective is a deterministic function of the parameters, so a poll that
//! improves is a real improvement, not luck of the draw; the batches of `2n` polls are what runs
//! in parallel. Nelder-Mead, the usual alternative, evaluates one point at a time.

use crate::sweep::latin_hypercube;

/// One evaluation: the phase that asked for it, the point (unit cube) and its objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub phase: &'static str,
    pub x: Vec<f64>,
    pub objective: f64,
}

/// Smallest poll step before the search stops (on the unit cube).
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

    // Phase 1: the start and a Latin hypercube of about a third of the budget.
    let n_lhs = if dims == 0 {
        0
    } else {
        (budget / 3).clamp(dims + 1, budget.saturating_sub(1).max(dims + 1))
    };
    let mut first = vec![clamp(start)];
    first.extend(latin_hypercube(n_lhs, dims, seed));
    first.truncate(budget);
    run("start+lhs", first, &mut history);
    if dims == 0 {
        return history;
    }

    // Phase 2: compass search from the best point.
    let best_of = |h: &[Evaluation]| {
        h.iter()
            .enumerate()
            .min_by(|a, b| a.1.objective.total_cmp(&b.1.objective))
            .map(|(i, _)| i)
            .unwrap_or(0)
    };
    let mut step = 0.25;
    while history.len() < budget && step >= MIN_STEP {
        let best = history[best_of(&history)].clone();
        let mut polls: Vec<Vec<f64>> = Vec::new();
        for i in 0..dims {
            for sign in [1.0, -1.0] {
                let mut x = best.x.clone();
                x[i] = (x[i] + sign * step).clamp(0.0, 1.0);
                let seen = x == best.x || polls.contains(&x) || history.iter().any(|e| e.x == x);
                if !seen {
                    polls.push(x);
                }
            }
        }
        polls.truncate(budget - history.len());
        if polls.is_empty() {
            step /= 2.0;
            continue;
        }
        let before = best.objective;
        run("poll", polls, &mut history);
        if history[best_of(&history)].objective >= before {
            step /= 2.0;
        }
    }
    history
}

/// The best evaluation of a history.
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
