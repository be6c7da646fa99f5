//! The one-page brief at the top of a comparison's report: per scenario, what it did to
//! unemployment, the net extra job-years, what each cost, how many placements would have
//! happened anyway, what others lost or gained, and the effect on participants by months since
//! entry, in words a policymaker reads in a minute, and which did more than which (from
//! `summary.csv`, `pairs.csv`, `evaluation.csv` and `effect_curve.csv`; docs/MODEL.md 7.16).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{draw_err, line_chart_over, Line};
use super::report::escape;
use super::R;
use crate::compare::{
    replications_to_tell_apart, CurveRow, EvaluationCsvRow, PairCsvRow, SummaryCsvRow,
};
use crate::output::read;

/// A measure over replications: mean, 5-95 % band, the 90 % confidence interval of the mean
/// (none in a comparison written before it was), and in how many replications it is defined.
#[derive(Clone, Debug, PartialEq)]
struct Spread {
    mean: f64,
    p05: f64,
    p95: f64,
    ci90: Option<(f64, f64)>,
    defined: usize,
    replications: usize,
}

impl Spread {
    /// A row's spread: its mean, band and confidence interval (empty cells: none), defined in
    /// `defined` of `replications`.
    fn of(
        (mean, p05, p95): (f64, f64, f64),
        (ci90_low, ci90_high): (f64, f64),
        defined: usize,
        replications: usize,
    ) -> Spread {
        Spread {
            mean,
            p05,
            p95,
            ci90: (ci90_low.is_finite() && ci90_high.is_finite()).then_some((ci90_low, ci90_high)),
            defined,
            replications,
        }
    }

    /// The mean and band in `unit`s, each formatted by `f`, and "(k of n)" when the measure is
    /// defined in only some replications.
    fn words(&self, f: impl Fn(f64) -> String) -> String {
        let mut s = if self.replications > 1 && self.p05 != self.p95 {
            format!("{} ({} to {})", f(self.mean), f(self.p05), f(self.p95))
        } else {
            f(self.mean)
        };
        if self.defined < self.replications {
            let _ = write!(
                s,
                " (defined in {} of {} replications)",
                self.defined, self.replications
            );
        }
        s
    }

    /// ", the mean within L to H at 90 % confidence" when the interval is known.
    fn confidence(&self, f: impl Fn(f64) -> String) -> String {
        match self.ci90 {
            Some((lo, hi)) => format!(
                ", the mean within {} to {} at 90 % confidence",
                f(lo),
                f(hi)
            ),
            None => String::new(),
        }
    }

    /// `told` when the 90 % confidence interval of the mean excludes zero; ", which the runs
    /// cannot tell {how} (about m replications would, were {what} as measured)" when it takes
    /// zero in (without `m` when no count up to [`crate::compare::MOST_REPLICATIONS`] would);
    /// empty when the interval is unknown.
    fn verdict(&self, told: &str, how: &str, what: &str) -> String {
        let Some(ci) = self.ci90 else {
            return String::new();
        };
        if self.clear_of_zero() {
            return told.to_string();
        }
        match replications_to_tell_apart(self.mean, ci, self.defined) {
            Some(m) => format!(
                ", which the runs cannot tell {how} (about {m} replications would, were {what} \
                 as measured)"
            ),
            None => format!(", which the runs cannot tell {how}"),
        }
    }

    /// The [`Spread::verdict`] on an effect: nothing when the runs tell it from zero.
    fn undecided(&self) -> String {
        self.verdict("", "from zero", "it")
    }

    /// Whether the runs tell the mean from zero: its 90 % confidence interval excludes zero,
    /// or, without an interval (a comparison written before it was), the band does.
    fn clear_of_zero(&self) -> bool {
        match self.ci90 {
            Some((lo, hi)) => lo > 0.0 || hi < 0.0,
            None => self.p05 > 0.0 || self.p95 < 0.0,
        }
    }
}

/// What the brief says of one scenario.
#[derive(Clone, Debug, Default)]
struct ScenarioBrief {
    name: String,
    /// From `summary.csv`.
    summary: BTreeMap<String, Spread>,
    /// From `evaluation.csv`, group `all`.
    evaluation: BTreeMap<String, Spread>,
    /// From `effect_curve.csv`, group `all`: (months since entry, mean, p05, p95) in points.
    curve: Vec<(f64, f64, f64, f64)>,
}

/// The brief of a comparison directory.
#[derive(Clone, Debug, Default)]
pub(super) struct Brief {
    scenarios: Vec<ScenarioBrief>,
    /// From `pairs.csv` (absent before it was written), the measure of the ranking only:
    /// each pair's change in unemployment, the second's minus the first's.
    pairs: Vec<PairCsvRow>,
}

impl Brief {
    /// Read the brief's inputs from `dir`; the evaluation files are optional (a comparison
    /// made before they existed has none).
    pub(super) fn read(dir: &Path, summary: &[SummaryCsvRow]) -> R<Brief> {
        let mut by_name: Vec<ScenarioBrief> = Vec::new();
        let index = |name: &str, list: &mut Vec<ScenarioBrief>| -> usize {
            match list.iter().position(|s| s.name == name) {
                Some(k) => k,
                None => {
                    list.push(ScenarioBrief {
                        name: name.to_string(),
                        ..ScenarioBrief::default()
                    });
                    list.len() - 1
                }
            }
        };
        for row in summary {
            let k = index(&row.scenario, &mut by_name);
            let spread = Spread::of(
                (row.mean, row.p05, row.p95),
                (row.ci90_low, row.ci90_high),
                row.replications_defined,
                row.replications,
            );
            by_name[k].summary.insert(row.measure.clone(), spread);
        }
        let evaluation = dir.join("evaluation.csv");
        if evaluation.exists() {
            for row in read::<EvaluationCsvRow>(&evaluation)? {
                if row.group != "all" {
                    continue;
                }
                let k = index(&row.scenario, &mut by_name);
                let spread = Spread::of(
                    (row.mean, row.p05, row.p95),
                    (row.ci90_low, row.ci90_high),
                    row.replications_defined,
                    row.replications,
                );
                by_name[k].evaluation.insert(row.measure, spread);
            }
        }
        let curve = dir.join("effect_curve.csv");
        if curve.exists() {
            for row in read::<CurveRow>(&curve)? {
                if row.group != "all" || row.replications_defined == 0 {
                    continue;
                }
                let k = index(&row.scenario, &mut by_name);
                by_name[k].curve.push((
                    f64::from(row.months_since_entry),
                    row.mean,
                    row.p05,
                    row.p95,
                ));
            }
        }
        let pairs = dir.join("pairs.csv");
        let pairs = if pairs.exists() {
            read::<PairCsvRow>(&pairs)?
                .into_iter()
                .filter(|p| p.measure == RANKED_BY)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Brief {
            scenarios: by_name,
            pairs,
        })
    }

    /// The change in unemployment of `second` minus that of `first`, replication by
    /// replication, with its 90 % confidence interval (none with one replication) and the
    /// replications it rests on, from whichever way round `pairs.csv` holds the pair.
    fn difference(&self, first: &str, second: &str) -> Option<Spread> {
        self.pairs.iter().find_map(|p| {
            let n = p.replications;
            if (p.first.as_str(), p.second.as_str()) == (first, second) {
                Some(Spread::of(
                    (p.mean, p.p05, p.p95),
                    (p.ci90_low, p.ci90_high),
                    n,
                    n,
                ))
            } else if (p.first.as_str(), p.second.as_str()) == (second, first) {
                Some(Spread::of(
                    (-p.mean, -p.p95, -p.p05),
                    (-p.ci90_high, -p.ci90_low),
                    n,
                    n,
                ))
            } else {
                None
            }
        })
    }

    /// The scenarios ranked by their change in unemployment, the largest fall first (ties in
    /// the order given), each against the one above it; empty without `pairs.csv`.
    fn ranking(&self) -> String {
        let mut order: Vec<(&str, f64)> = self
            .scenarios
            .iter()
            .filter_map(|s| Some((s.name.as_str(), s.summary.get(RANKED_BY)?.mean)))
            .filter(|(_, mean)| mean.is_finite())
            .collect();
        if self.pairs.is_empty() || order.len() < 2 {
            return String::new();
        }
        order.sort_by(|a, b| a.1.total_cmp(&b.1));
        let names: Vec<String> = order.iter().map(|(n, _)| escape(n)).collect();
        let mut out = format!(
            "<p>Ranked by their change in unemployment, the largest fall first: {}. Each against \
             the one above it, replication by replication (the baseline run's own deviation, \
             in both, cancels):",
            names.join(", ")
        );
        for pair in order.windows(2) {
            let (above, below) = (pair[0].0, pair[1].0);
            let Some(d) = self.difference(above, below) else {
                continue;
            };
            let verdict = d.verdict(", told apart", "apart", "the difference");
            let interval = d.ci90.map_or(String::new(), |(lo, hi)| {
                format!(
                    " (within {} to {} at 90 % confidence)",
                    signed(lo),
                    signed(hi)
                )
            });
            let _ = write!(
                out,
                " {} has {} person-months of unemployment against {}{interval}{verdict}.",
                escape(below),
                signed(d.mean),
                escape(above)
            );
        }
        out.push_str("</p>");
        out
    }

    /// The stems of the effect-curve figures, one per scenario with participants.
    pub(super) fn stems(&self) -> Vec<String> {
        self.scenarios
            .iter()
            .filter(|s| !s.curve.is_empty())
            .map(|s| curve_stem(&s.name))
            .collect()
    }

    /// Draw figure `stem` (one of [`Brief::stems`]).
    pub(super) fn render<DB: DrawingBackend>(
        &self,
        stem: &str,
        area: &DrawingArea<DB, Shift>,
    ) -> R<()> {
        let err = draw_err(stem);
        area.fill(&WHITE).map_err(&err)?;
        let Some(s) = self.scenarios.iter().find(|s| curve_stem(&s.name) == stem) else {
            return Err(super::PlotError::Draw {
                figure: stem.to_string(),
                message: "no such figure".into(),
            });
        };
        let line = Line {
            name: format!("{}: participants", s.name),
            points: s.curve.iter().map(|&(m, y, _, _)| (m, y)).collect(),
            band: s.curve.iter().map(|&(m, _, lo, hi)| (m, lo, hi)).collect(),
        };
        let zero = Line {
            name: "no effect".into(),
            points: s.curve.iter().map(|&(m, _, _, _)| (m, 0.0)).collect(),
            band: Vec::new(),
        };
        let title = format!(
            "{}: participants' employment against their counterfactual selves (mean, 5-95 % band)",
            s.name
        );
        line_chart_over(
            area,
            &title,
            "months since entry",
            "percentage points",
            &[line, zero],
            &BTreeMap::new(),
            18,
        )
        .map_err(&err)
    }

    /// The brief as HTML: a section per scenario, its effect curve (`svgs`, in the order of
    /// [`Brief::stems`]) inlined.
    pub(super) fn html(&self, baseline: &str, svgs: &[String]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<section id=\"brief\">\n<h2>In brief</h2>\n<p>Each scenario against \
             <b>{}</b>, the same persons with the same random numbers; a range in brackets is \
             the 5-95 % band over replications (how far one replication's difference can \
             fall), the confidence interval how well the replications pin the mean down, and \
             a change whose 90 % interval includes zero is not distinguishable from the noise \
             of the runs.</p>",
            escape(baseline)
        );
        let ranking = self.ranking();
        if !ranking.is_empty() {
            let _ = writeln!(out, "{ranking}");
        }
        let mut figures = self.stems().into_iter().zip(svgs);
        for s in &self.scenarios {
            let _ = writeln!(out, "<h3>{}</h3>\n<p>{}</p>", escape(&s.name), s.words());
            if !s.curve.is_empty() {
                if let Some((stem, svg)) = figures.next() {
                    let _ = writeln!(
                        out,
                        "<figure id=\"{stem}\">\n{}\n</figure>",
                        super::report::inline_svg(svg)
                    );
                }
            }
        }
        out.push_str("</section>\n");
        out
    }
}

impl ScenarioBrief {
    /// The paragraph: unemployment, then (with participants) job-years, cost, deadweight,
    /// displacement and the effect a year and three years after entry; the job-years and each
    /// effect with whether the runs tell them from zero.
    fn words(&self) -> String {
        let mut out = String::new();
        if let Some(u) = self.summary.get("unemployment_person_months") {
            let verdict = if u.replications <= 1 || u.clear_of_zero() {
                ""
            } else {
                ", a change the runs cannot tell from none"
            };
            let _ = write!(
                out,
                "Unemployment changed by {} person-months over the run{}{verdict}.",
                u.words(signed),
                u.confidence(signed)
            );
        }
        let e = &self.evaluation;
        let Some(participants) = e.get("participants").filter(|p| p.mean > 0.0) else {
            out.push_str(" It has no participants to follow.");
            return out;
        };
        let _ = write!(out, " {} persons took part.", participants.words(whole));
        if let Some(y) = e.get("net_extra_job_years") {
            let _ = write!(
                out,
                " Net extra job-years: {}{}{}.",
                y.words(signed),
                y.confidence(signed),
                y.undecided()
            );
        }
        match e.get("cost_per_net_extra_job_year") {
            Some(c) if c.defined > 0 && c.mean.is_finite() => {
                let _ = write!(out, " Each net extra job-year cost EUR {}", c.words(whole));
                if c.defined < c.replications {
                    out.push_str(
                        ": the mean pools every replication, the band only those that added \
                         net job-years",
                    );
                }
                out.push('.');
            }
            _ => out.push_str(" No net extra job-years, so no cost per job-year."),
        }
        if let Some(d) = e.get("deadweight_share").filter(|d| d.defined > 0) {
            let _ = write!(
                out,
                " Of the placements, {} % would have been in work in the same month anyway \
                 (deadweight).",
                d.words(|x| format!("{:.0}", 100.0 * x))
            );
        }
        if let Some(d) = e.get("course_deadweight_share").filter(|d| d.defined > 0) {
            let _ = write!(
                out,
                " Of the participants who took a course, {} % would have taken it in the same \
                 month anyway (course deadweight).",
                d.words(|x| format!("{:.0}", 100.0 * x))
            );
        }
        if let Some(d) = e.get("displacement") {
            let _ = write!(
                out,
                " Everyone else's employment changed by {} person-months (displacement, \
                 negative when participants took jobs others would have had).",
                d.words(signed)
            );
        }
        let points = |x: f64| format!("{x:+.1}");
        if let Some(a) = e.get("effect_at_12_months").filter(|a| a.defined > 0) {
            let _ = write!(
                out,
                " A year after entry, the share of participants in work differed from their \
                 counterfactual selves' by {} percentage points{}{}.",
                a.words(points),
                a.confidence(points),
                a.undecided()
            );
        }
        if let Some(a) = e.get("effect_at_36_months").filter(|a| a.defined > 0) {
            let _ = write!(
                out,
                " Three years after entry, by {} points{}{}.",
                a.words(points),
                a.confidence(points),
                a.undecided()
            );
        }
        out
    }
}

/// The measure the brief ranks scenarios by.
const RANKED_BY: &str = "unemployment_person_months";

/// The file stem of a scenario's effect curve.
fn curve_stem(scenario: &str) -> String {
    let safe: String = scenario
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("effect_curve_{safe}")
}

/// A whole number with thin groups of three digits ("15 540").
fn whole(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A whole number with its sign ("+1 611", "-19 800").
fn signed(x: f64) -> String {
    let s = whole(x);
    if x.round() > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_policymaker_writes_them() {
        assert_eq!(whole(15540.4), "15 540");
        assert_eq!(whole(-1_234_567.0), "-1 234 567");
        assert_eq!(whole(999.0), "999");
        assert_eq!(signed(1611.0), "+1 611");
        assert_eq!(signed(0.2), "0");
        assert_eq!(curve_stem("a b/c"), "effect_curve_a_b_c");
    }

    fn spread(mean: f64, p05: f64, p95: f64, defined: usize) -> Spread {
        Spread {
            mean,
            p05,
            p95,
            ci90: None,
            defined,
            replications: 5,
        }
    }

    /// With a confidence interval the verdict is the mean's: a band that takes in zero with an
    /// interval that does not is a change the runs tell from none, and the other way round;
    /// the interval is written after the band.
    #[test]
    fn the_verdict_on_a_change_follows_the_confidence_interval_of_its_mean() {
        let mut s = ScenarioBrief {
            name: "p".into(),
            ..ScenarioBrief::default()
        };
        let mut u = spread(-1200.0, -3000.0, 400.0, 5);
        u.ci90 = Some((-2100.0, -300.0));
        s.summary
            .insert("unemployment_person_months".into(), u.clone());
        assert_eq!(
            s.words(),
            "Unemployment changed by -1 200 (-3 000 to +400) person-months over the run, the \
             mean within -2 100 to -300 at 90 % confidence. It has no participants to follow."
        );
        u.p95 = -100.0;
        u.ci90 = Some((-2500.0, 100.0));
        s.summary.insert("unemployment_person_months".into(), u);
        assert!(
            s.words().ends_with(
                "within -2 500 to +100 at 90 % confidence, a change the runs cannot tell from \
                 none. It has no participants to follow."
            ),
            "{}",
            s.words()
        );
        let read = Spread::of((1.0, 0.0, 2.0), (f64::NAN, f64::NAN), 1, 1);
        assert_eq!(read.ci90, None);
        assert_eq!(
            Spread::of((1.0, 0.0, 2.0), (0.5, 1.5), 2, 2).ci90,
            Some((0.5, 1.5))
        );
    }

    fn pair(first: &str, second: &str, mean: f64, ci: (f64, f64)) -> PairCsvRow {
        PairCsvRow {
            first: first.into(),
            second: second.into(),
            measure: RANKED_BY.into(),
            unit: "change, person-months".into(),
            mean,
            p05: mean,
            p95: mean,
            ci90_low: ci.0,
            ci90_high: ci.1,
            replications: 5,
        }
    }

    /// A brief of scenarios with these changes in unemployment (the ranked measure), no pairs.
    fn ranked(changes: &[(&str, f64)]) -> Brief {
        let mut brief = Brief::default();
        for &(name, mean) in changes {
            let mut s = ScenarioBrief {
                name: name.into(),
                ..ScenarioBrief::default()
            };
            s.summary
                .insert(RANKED_BY.into(), spread(mean, mean, mean, 5));
            brief.scenarios.push(s);
        }
        brief
    }

    /// The ranking orders by the change in unemployment and reads each pair from whichever way
    /// round `pairs.csv` holds it: b (-3 000) above a (-1 000) above c (+200), where the file
    /// has a before b; a pair whose interval takes in zero is one the runs cannot tell apart,
    /// and six replications would (a spread of 1 300 * sqrt(5) / t(4) = 1 364 a replication:
    /// t(5) 1 364 / sqrt(6) = 1 122 < 1 200). Without pairs there is no ranking.
    #[test]
    fn the_ranking_sets_each_scenario_against_the_one_above_it() {
        let mut brief = ranked(&[("a", -1000.0), ("b", -3000.0), ("c", 200.0)]);
        assert_eq!(brief.ranking(), "");
        brief.pairs = vec![
            pair("a", "b", -2000.0, (-2600.0, -1400.0)),
            pair("a", "c", 1200.0, (-100.0, 2500.0)),
            pair("b", "c", 3200.0, (2000.0, 4400.0)),
        ];
        let words = brief.ranking();
        for part in [
            "the largest fall first: b, a, c.",
            " a has +2 000 person-months of unemployment against b (within +1 400 to +2 600 at \
             90 % confidence), told apart.",
            " c has +1 200 person-months of unemployment against a (within -100 to +2 500 at 90 \
             % confidence), which the runs cannot tell apart (about 6 replications would, were \
             the difference as measured).",
        ] {
            assert!(words.contains(part), "{part:?} not in {words:?}");
        }
    }

    /// A mean is told from zero only when its interval (or, without one, its band) lies wholly
    /// on one side: an end at zero is not clear of it. An interval with an undefined end is
    /// none; one replication shows its value without a band.
    #[test]
    fn a_mean_is_clear_of_zero_only_when_its_interval_excludes_zero() {
        let with_ci = |lo: f64, hi: f64| Spread::of((0.5, -1.0, 2.0), (lo, hi), 5, 5);
        assert!(with_ci(0.1, 1.0).clear_of_zero());
        assert!(with_ci(-1.0, -0.1).clear_of_zero());
        assert!(!with_ci(0.0, 1.0).clear_of_zero());
        assert!(!with_ci(-1.0, 0.0).clear_of_zero());
        assert!(!with_ci(-1.0, 1.0).clear_of_zero());
        assert_eq!(with_ci(0.5, f64::NAN).ci90, None);
        assert_eq!(with_ci(f64::NAN, 0.5).ci90, None);
        let band = |p05: f64, p95: f64| spread(0.5, p05, p95, 5);
        assert!(band(0.1, 2.0).clear_of_zero());
        assert!(band(-2.0, -0.1).clear_of_zero());
        assert!(!band(0.0, 2.0).clear_of_zero());
        assert!(!band(-2.0, 0.0).clear_of_zero());
        assert_eq!(band(0.1, 2.0).undecided(), "", "no interval, no count");
        let mut one = spread(3.0, 2.0, 4.0, 1);
        one.replications = 1;
        assert_eq!(one.words(whole), "3");
    }

    /// A measure defined in no replication is left out (the cost says there is none), a
    /// scenario whose participants average zero has none to follow, and a cost defined in every
    /// replication does not say it pools them.
    #[test]
    fn the_words_leave_out_what_no_replication_defines() {
        let mut s = ScenarioBrief {
            name: "p".into(),
            ..ScenarioBrief::default()
        };
        s.evaluation
            .insert("participants".into(), spread(0.0, 0.0, 0.0, 5));
        assert_eq!(s.words(), " It has no participants to follow.");
        s.evaluation
            .insert("participants".into(), spread(10.0, 10.0, 10.0, 5));
        for measure in [
            "deadweight_share",
            "course_deadweight_share",
            "effect_at_12_months",
            "effect_at_36_months",
            "cost_per_net_extra_job_year",
        ] {
            s.evaluation
                .insert(measure.into(), spread(0.5, 0.4, 0.6, 0));
        }
        assert_eq!(
            s.words(),
            " 10 persons took part. No net extra job-years, so no cost per job-year."
        );
        s.evaluation.insert(
            "cost_per_net_extra_job_year".into(),
            spread(2000.0, 1000.0, 3000.0, 5),
        );
        assert_eq!(
            s.words(),
            " 10 persons took part. Each net extra job-year cost EUR 2 000 (1 000 to 3 000)."
        );
    }

    /// Two scenarios make a ranking of one pair.
    #[test]
    fn two_scenarios_are_ranked() {
        let mut brief = ranked(&[("a", -1000.0), ("b", -3000.0)]);
        brief.pairs = vec![pair("a", "b", -2000.0, (-2600.0, -1400.0))];
        assert!(
            brief.ranking().contains("the largest fall first: b, a."),
            "{}",
            brief.ranking()
        );
    }

    #[test]
    fn the_words_name_every_measure_and_say_when_a_change_is_noise() {
        let mut s = ScenarioBrief {
            name: "p".into(),
            ..ScenarioBrief::default()
        };
        s.summary.insert(
            "unemployment_person_months".into(),
            spread(-1200.0, -3000.0, 400.0, 5),
        );
        assert_eq!(
            s.words(),
            "Unemployment changed by -1 200 (-3 000 to +400) person-months over the run, a change \
             the runs cannot tell from none. It has no participants to follow."
        );
        s.evaluation
            .insert("participants".into(), spread(100.0, 100.0, 100.0, 5));
        let mut net = spread(50.0, 10.0, 90.0, 5);
        net.ci90 = Some((20.0, 80.0));
        s.evaluation.insert("net_extra_job_years".into(), net);
        s.evaluation.insert(
            "cost_per_net_extra_job_year".into(),
            spread(2000.0, 1000.0, 3000.0, 3),
        );
        s.evaluation
            .insert("deadweight_share".into(), spread(0.8, 0.7, 0.9, 5));
        s.evaluation
            .insert("course_deadweight_share".into(), spread(0.75, 0.7, 0.8, 5));
        s.evaluation
            .insert("displacement".into(), spread(-30.0, -60.0, 0.0, 5));
        s.evaluation
            .insert("effect_at_12_months".into(), spread(3.4, 2.9, 3.9, 5));
        let mut late = spread(0.5, -0.6, 1.8, 5);
        late.ci90 = Some((-0.3, 1.3));
        s.evaluation.insert("effect_at_36_months".into(), late);
        let words = s.words();
        for part in [
            "100 persons took part.",
            "Net extra job-years: +50 (+10 to +90), the mean within +20 to +80 at 90 % \
             confidence.",
            "80 (70 to 90) % would have been in work",
            "who took a course, 75 (70 to 80) % would have taken it in the same month",
            "changed by -30 (-60 to 0) person-months (displacement",
            "differed from their counterfactual selves' by +3.4 (+2.9 to +3.9) percentage \
             points.",
            // A spread of 0.8 sqrt(5) / t(4) = 0.839 a replication: t(m - 1) 0.839 / sqrt(m)
            // first falls below 0.5 at m = 10 (1.8331 x 0.839 / 3.162 = 0.486; at 9, 0.520).
            " Three years after entry, by +0.5 (-0.6 to +1.8) points, the mean within -0.3 to \
             +1.3 at 90 % confidence, which the runs cannot tell from zero (about 10 \
             replications would, were it as measured).",
            "(defined in 3 of 5 replications): the mean pools every replication, the band only \
             those that added net job-years.",
        ] {
            assert!(words.contains(part), "{part:?} not in {words:?}");
        }
    }
}
