//! The paired phase of a calibration: parameters that name the fitted target they move most
//! (`moves` in the targets file) are solved first by a damped fixed point, each on its own
//! target, before CMA-ES polishes all parameters together (`search.rs`).
//!
//! One step moves every paired parameter `x` by `x <- x (target / simulated)^(gamma / e)`,
//! where `e` is the elasticity of the moment with respect to `x`: at first `d` (+1 if raising
//! `x` raises the moment, -1 if it lowers it), then the secant of the last two evaluations,
//! `ln(m1 / m0) / ln(x1 / x0)`, when it has the declared sign (a diagonal quasi-Newton step);
//! `gamma` = [`DAMPING`], the factor held within `[1 / MAX_RATIO, MAX_RATIO]`, the move within
//! [`MAX_MOVE`] of the parameter's range, and the result clamped to its bounds. When
//! each target depends mostly on its own parameter (a diagonally dominant Jacobian, as a
//! country's unemployment rate on its separation rate) this converges in a handful of
//! evaluations, where a global search in twenty dimensions needs hundreds; where it stalls, the
//! parameters at their bounds show which constraint binds. Under common random numbers the
//! moments are deterministic functions of the parameters, so the iteration is too.

use super::targets::FreeParameter;
use super::FitRow;

/// Share of the log-ratio of target to moment applied in one step (below 1 to damp the
/// overshoot that the targets' dependence on each other's parameters causes).
pub const DAMPING: f64 = 0.8;

/// Largest factor by which one step multiplies or divides a parameter.
pub const MAX_RATIO: f64 = 2.0;

/// Largest move of one step, as a share of the parameter's range (a trust region): a level
/// such as `demand.level` moves its moment twenty times as much as its own change, and a first
/// step that assumes an elasticity of 1 would overshoot by as much before the secant knows.
pub const MAX_MOVE: f64 = 0.1;

/// The phase has converged when no paired parameter moves by more than this share of its
/// range in a step.
pub const CONVERGED: f64 = 1e-3;

/// Evaluations without a better objective after which the phase stops (it has stalled).
pub const PATIENCE: usize = 5;

/// The fixed point's memory: each parameter's value and its target's moment at the previous
/// evaluation, for the secant.
#[derive(Clone, Debug, Default)]
pub struct Secant {
    last: Vec<Option<(f64, f64)>>,
}

/// Smallest and largest magnitude of an elasticity estimated by the secant.
const ELASTICITY: (f64, f64) = (0.1, 10.0);

impl Secant {
    /// Move the paired parameters of `values` one step towards their targets, given the fit
    /// `rows` of `values` (one row per target, in the targets' order). A parameter at 0 that
    /// must grow starts from a hundredth of its range. Returns the largest move as a share of
    /// its parameter's range (0 when nothing moved).
    pub fn step(&mut self, params: &[FreeParameter], rows: &[FitRow], values: &mut [f64]) -> f64 {
        self.last.resize(params.len(), None);
        let mut largest: f64 = 0.0;
        for ((p, v), last) in params.iter().zip(values.iter_mut()).zip(&mut self.last) {
            let Some((t, direction)) = p.moves else {
                continue;
            };
            let row = &rows[t];
            if !(row.mean.is_finite() && row.mean > 0.0 && row.target.value > 0.0) {
                continue;
            }
            let mut elasticity = direction;
            if let Some((x0, m0)) = *last {
                if x0 > 0.0 && *v > 0.0 && (x0 - *v).abs() > f64::EPSILON * v.abs() {
                    let e = (row.mean / m0).ln() / (*v / x0).ln();
                    if e.is_finite() && e * direction > 0.0 {
                        elasticity = direction * e.abs().clamp(ELASTICITY.0, ELASTICITY.1);
                    }
                }
            }
            *last = Some((*v, row.mean));
            let ratio = (row.target.value / row.mean)
                .powf(DAMPING / elasticity)
                .clamp(1.0 / MAX_RATIO, MAX_RATIO);
            let range = p.upper - p.lower;
            let from = if *v <= 0.0 && ratio > 1.0 {
                p.lower.max(0.0) + range / 100.0
            } else {
                *v
            };
            let step = (from * ratio - *v).clamp(-MAX_MOVE * range, MAX_MOVE * range);
            let mut next = (*v + step).clamp(p.lower, p.upper);
            if p.integer {
                next = next.round();
            }
            largest = largest.max((next - *v).abs() / range);
            *v = next;
        }
        largest
    }
}

/// Whether every paired target of `rows` is within its tolerance.
pub fn all_within(params: &[FreeParameter], rows: &[FitRow]) -> bool {
    params
        .iter()
        .filter_map(|p| p.moves)
        .all(|(t, _)| rows[t].within())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::keypath::KeyPath;

    fn param(moves: Option<(usize, f64)>, lower: f64, upper: f64) -> FreeParameter {
        FreeParameter {
            key: KeyPath::parse("mechanics.separation_rate").unwrap(),
            lower,
            upper,
            integer: false,
            moves,
        }
    }

    fn row(value: f64, mean: f64) -> FitRow {
        FitRow::fitted(value, mean)
    }

    #[test]
    fn a_step_moves_each_paired_parameter_by_the_damped_ratio_within_its_bounds() {
        let params = [
            param(Some((0, 1.0)), 0.0, 1.0),
            param(Some((1, -1.0)), 0.0, 1.0),
            param(None, 0.0, 1.0),
            param(Some((2, 1.0)), 0.0, 0.3),
            param(Some((3, 1.0)), 0.0, 0.3),
        ];
        // Moment half its target: a raising parameter grows by 2^0.8, a lowering one shrinks
        // by as much; the unpaired one stays; one that would double moves a tenth of its
        // range (the trust region); one pushed past its bound stops there.
        let rows = [
            row(0.04, 0.02),
            row(0.04, 0.02),
            row(0.04, 0.01),
            row(0.04, 0.01),
        ];
        let mut values = [0.1, 0.1, 0.1, 0.2, 0.29];
        let largest = Secant::default().step(&params, &rows, &mut values);
        let f = 2f64.powf(DAMPING);
        assert!((values[0] - 0.1 * f).abs() < 1e-12, "{values:?}");
        assert!((values[1] - 0.1 / f).abs() < 1e-12, "{values:?}");
        assert_eq!(values[2], 0.1);
        assert!(
            (values[3] - (0.2 + MAX_MOVE * 0.3)).abs() < 1e-12,
            "{values:?}"
        );
        assert_eq!(values[4], 0.3, "clamped at the upper bound");
        assert!((largest - MAX_MOVE).abs() < 1e-12, "{largest}");
    }

    #[test]
    fn a_parameter_at_zero_that_must_grow_starts_from_a_hundredth_of_its_range() {
        let params = [param(Some((0, 1.0)), 0.0, 0.5)];
        let mut values = [0.0];
        Secant::default().step(&params, &[row(0.04, 0.01)], &mut values);
        assert!((values[0] - 0.005 * MAX_RATIO).abs() < 1e-12, "{values:?}");
        // An undefined moment leaves it where it is.
        let mut values = [0.2];
        assert_eq!(
            Secant::default().step(&params, &[row(0.04, f64::NAN)], &mut values),
            0.0
        );
        assert_eq!(values, [0.2]);
    }

    #[test]
    fn the_second_step_uses_the_secant_elasticity() {
        // The moment is x^0.5: the first step (elasticity 1) moves x by 1.2^0.8 towards a
        // target 1.2 times the moment; the second estimates 0.5 from the two points and aims
        // at the target with damping: a fifth of the remaining log-gap is left.
        let params = [param(Some((0, 1.0)), 0.0, 100.0)];
        let mut secant = Secant::default();
        let mut x: [f64; 1] = [4.0];
        let target = 1.2 * 2.0;
        secant.step(&params, &[row(target, x[0].sqrt())], &mut x);
        assert!((x[0] - 4.0 * 1.2f64.powf(DAMPING)).abs() < 1e-12);
        let gap = (target / x[0].sqrt()).ln();
        secant.step(&params, &[row(target, x[0].sqrt())], &mut x);
        let left = (target / x[0].sqrt()).ln();
        assert!(
            (left - gap * (1.0 - DAMPING)).abs() < 1e-9,
            "{gap} -> {left}"
        );
    }

    #[test]
    fn a_secant_of_the_wrong_sign_or_from_an_unmoved_parameter_is_not_used() {
        let params = [param(Some((0, 1.0)), 0.0, 100.0)];
        // Declared raising, but the moment fell as x rose (noise): the second step uses the
        // declared elasticity of 1 again.
        let mut secant = Secant::default();
        let mut x: [f64; 1] = [4.0];
        secant.step(&params, &[row(2.4, 2.0)], &mut x);
        let x1 = x[0];
        secant.step(&params, &[row(2.4, 1.9)], &mut x);
        let expected = x1 * (2.4f64 / 1.9).powf(DAMPING);
        assert!(
            (x[0] - expected).abs() < 1e-12,
            "{} against {expected}",
            x[0]
        );
        // A parameter that did not move (held at its bound) gives no secant either: when its
        // moment then changes, the step uses the declared elasticity.
        let bounded = [param(Some((0, 1.0)), 0.0, 4.0)];
        let mut secant = Secant::default();
        let mut x: [f64; 1] = [4.0];
        secant.step(&bounded, &[row(2.4, 2.0)], &mut x);
        assert_eq!(x, [4.0]);
        secant.step(&bounded, &[row(2.0, 2.2)], &mut x);
        let expected = 4.0 * (2.0f64 / 2.2).powf(DAMPING);
        assert!((x[0] - expected).abs() < 1e-12, "{x:?}");
    }

    #[test]
    fn a_moment_or_target_at_zero_leaves_the_parameter_where_it_is() {
        let params = [param(Some((0, 1.0)), 0.0, 1.0)];
        for (target, mean) in [(0.04, 0.0), (0.0, 0.02), (0.04, -0.01)] {
            let mut values = [0.2];
            let moved = Secant::default().step(&params, &[row(target, mean)], &mut values);
            assert_eq!(
                (values, moved),
                ([0.2], 0.0),
                "target {target}, moment {mean}"
            );
        }
    }

    #[test]
    fn all_within_looks_only_at_paired_targets() {
        let params = [param(Some((0, 1.0)), 0.0, 1.0), param(None, 0.0, 1.0)];
        let rows = [row(0.04, 0.0401), row(0.04, 0.5)];
        assert!(all_within(&params, &rows));
        let rows = [row(0.04, 0.05), row(0.04, 0.04)];
        assert!(!all_within(&params, &rows));
    }
}
