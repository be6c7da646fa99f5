//! Moments of a run, computed from its step records the way `series.csv` reports them: rates
//! are the mean of the per-step rate over the window, flow rates the ratio of the window's
//! summed flow to its summed stock (per month; gross job flows per filled job), commuters the
//! mean stock (persons).

use super::targets::{Metric, Target};
use crate::metrics::StepRecord;
use crate::model::Model;
use crate::output::rows;

/// Check that a target's level and key exist in the scenario of `model`.
pub fn check(model: &Model, t: &Target) -> Result<(), String> {
    let s = &model.scenario;
    let known: Vec<String> = match t.level.as_str() {
        "total" => vec!["all".into()],
        "country" => s.countries.iter().map(|c| c.code.clone()).collect(),
        "region" => s.regions.iter().map(|r| r.name.clone()).collect(),
        "sector" => s.sectors.iter().map(|x| x.name.clone()).collect(),
        "country_sector" if model.n_countries > 1 => s
            .countries
            .iter()
            .flat_map(|c| {
                s.sectors
                    .iter()
                    .map(|x| crate::output::country_sector_key(&c.code, &x.name))
            })
            .collect(),
        "country_sector" => {
            return Err(
                "level \"country_sector\" needs more than one country (with one, use \"sector\")"
                    .into(),
            )
        }
        "pair" => {
            let codes: Vec<&str> = s.countries.iter().map(|c| c.code.as_str()).collect();
            let ok = pair(model, &t.key).is_some();
            if ok {
                return Ok(());
            }
            return Err(format!(
                "\"{}\" is not a pair of this scenario's countries ({}), written HOME-WORK, e.g. \"DE-NL\"",
                t.key,
                codes.join(", ")
            ));
        }
        other => return Err(format!("unknown level \"{other}\"")),
    };
    if known.contains(&t.key) {
        Ok(())
    } else {
        Err(format!(
            "the scenario has no {} \"{}\" (it has: {})",
            t.level,
            t.key,
            known.join(", ")
        ))
    }
}

/// `(home, work)` country indices of a `HOME-WORK` key.
fn pair(model: &Model, key: &str) -> Option<(usize, usize)> {
    let (a, b) = key.split_once('-')?;
    let idx = |code: &str| model.scenario.countries.iter().position(|c| c.code == code);
    let (a, b) = (idx(a)?, idx(b)?);
    (a != b).then_some((a, b))
}

/// The value of every target in one replication's records (targets already [`check`]ed).
/// `NaN` where the window holds no step or a denominator is zero.
pub fn moments(model: &Model, series: &[StepRecord], targets: &[Target]) -> Vec<f64> {
    let s = &model.scenario;
    let months = f64::from(s.simulation.step_months);
    let ppa = s.persons_per_agent();
    let nc = model.n_countries;
    // (sum of numerator, sum of denominator or count) per target, and for a ratio of two
    // rates (the job-finding decline) the second rate's sums.
    let mut acc = vec![(0.0f64, 0.0f64); targets.len()];
    let mut second = vec![(0.0f64, 0.0f64); targets.len()];
    for rec in series.iter().filter(|r| r.step >= 1) {
        let in_window: Vec<bool> = targets
            .iter()
            .map(|t| rec.step >= t.from_step && t.to_step.is_none_or(|to| rec.step <= to))
            .collect();
        if !in_window.iter().any(|&w| w) {
            continue;
        }
        let table = rows(model, rec);
        for (((t, a), b), w) in targets
            .iter()
            .zip(acc.iter_mut())
            .zip(second.iter_mut())
            .zip(&in_window)
        {
            if !w {
                continue;
            }
            if t.metric == Metric::CrossBorderCommuters {
                if let Some((h, wk)) = pair(model, &t.key) {
                    a.0 += rec.census.commuters[h * nc + wk] as f64 * ppa;
                    a.1 += 1.0;
                }
                continue;
            }
            let Some(row) = table.iter().find(|r| r.level == t.level && r.key == t.key) else {
                continue;
            };
            let m = &row.metrics;
            let (num, den) = match t.metric {
                Metric::UnemploymentRate => (m.unemployment_rate, 1.0),
                Metric::VacancyRate => (m.vacancy_rate, 1.0),
                Metric::Tightness => (m.tightness, 1.0),
                Metric::UnemploymentToJob => (m.hires_from_unemployment, m.unemployed),
                Metric::JobToUnemployment => (m.separations, m.employed),
                Metric::JobToJob => (m.job_to_job, m.employed),
                Metric::SectorChangePerYear => (m.cross_sector_moves, m.employed),
                Metric::VacancyDurationMonths => {
                    (m.vacancies, m.vacancies_filled + m.vacancies_expired)
                }
                Metric::JobCreation => (m.job_creation, m.jobs),
                Metric::JobDestruction => (m.job_destruction, m.jobs),
                Metric::RetrainedInCourseSector => {
                    (m.retrained_hires_in_course_sector, m.retrained_hires)
                }
                // Over everyone without work in those months, searching or not: a cohort's
                // job-finding rate since its job loss.
                Metric::JobFindingDecline => {
                    b.0 += m.hires_in_months_1_6;
                    b.1 += m.unemployed_in_months_1_6 + m.attached_inactive_in_months_1_6;
                    (
                        m.hires_in_months_7_12,
                        m.unemployed_in_months_7_12 + m.attached_inactive_in_months_7_12,
                    )
                }
                Metric::CrossBorderCommuters => unreachable!("handled above"),
            };
            a.0 += num;
            a.1 += den;
        }
    }
    targets
        .iter()
        .zip(acc)
        .zip(second)
        .map(|((t, (num, den)), (num1, den1))| {
            if den <= 0.0 {
                return f64::NAN;
            }
            let ratio = num / den;
            if t.metric == Metric::JobFindingDecline {
                return if num1 > 0.0 && den1 > 0.0 {
                    ratio / (num1 / den1)
                } else {
                    f64::NAN
                };
            }
            match t.metric {
                Metric::UnemploymentToJob
                | Metric::JobToUnemployment
                | Metric::JobToJob
                | Metric::JobCreation
                | Metric::JobDestruction => ratio / months,
                Metric::SectorChangePerYear => ratio * 12.0 / months,
                Metric::VacancyDurationMonths => ratio * months,
                _ => ratio,
            }
        })
        .collect()
}
