//! `labsim compare` through the binary: every scenario runs with the baseline's seed, scale,
//! length and replications, each gets its own run directory, and the summary reports every
//! measure for every scenario, in CSV and Markdown; scenarios that cannot share random numbers
//! with the baseline are skipped with a note, and bad usage exits 2.

use assert_cmd::Command;

fn labsim() -> Command {
    Command::cargo_bin("labsim").unwrap()
}

/// `labsim compare` of `scenarios` with `options` into `out`, which must succeed.
fn compare_into(out: &std::path::Path, scenarios: &[&str], options: &[&str]) {
    let result = labsim()
        .arg("compare")
        .args(scenarios)
        .args(options)
        .args(["--quiet", "--no-plots", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn compare_writes_runs_and_a_summary_with_every_measure() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let result = labsim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/training_subsidy.toml",
            "scenarios/diploma_recognition_nl_de.toml",
            "scenarios/published_model.toml",
            "scenarios/baseline.toml",
            "--replications",
            "2",
            "--scale",
            "0.01",
            "--steps",
            "12",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped scenarios/published_model.toml"),
        "{stderr}"
    );

    for name in ["baseline", "training_subsidy", "diploma_recognition_nl_de"] {
        let dir = out.join(name);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["seed"], 2022, "{name} ran with another seed");
        assert_eq!(manifest["replications"], 2);
        assert_eq!(manifest["steps"], 12);
        assert!(dir.join("series.csv").exists() && dir.join("bands.csv").exists());
    }
    assert!(out.join("training_subsidy/policies.csv").exists());
    assert!(!out.join("published_model").exists());

    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,measure,unit,mean,p05,p95,ci90_low,ci90_high,replications_defined,replications"
    );
    assert_eq!(
        lines.len(),
        1 + 2 * labsim::compare::MEASURES.len(),
        "{csv}"
    );
    for (measure, _, _, _) in labsim::compare::MEASURES {
        for scenario in ["training_subsidy", "diploma_recognition_nl_de"] {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with(&format!("{scenario},{measure},"))),
                "no {measure} for {scenario}"
            );
        }
    }
    // The subsidy is paid, and nothing is spent where no policy exists.
    let rows =
        labsim::output::read::<labsim::compare::SummaryCsvRow>(&out.join("summary.csv")).unwrap();
    let spending = |scenario: &str| -> f64 {
        rows.iter()
            .find(|r| r.scenario == scenario && r.measure == "policy_spending")
            .unwrap()
            .mean
    };
    assert!(spending("training_subsidy") > 0.0);
    assert_eq!(spending("diploma_recognition_nl_de"), 0.0);

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| training_subsidy |") && md.contains("| diploma_recognition_nl_de |"));
    assert!(md.contains("unemployment person months") && md.contains("Note: skipped"));
    assert!(md.contains("## Scenario against scenario"), "{md}");

    // The two scenarios against each other, replication by replication: the later minus the
    // earlier, whose mean is the difference of their means against the baseline.
    let pairs =
        labsim::output::read::<labsim::compare::PairCsvRow>(&out.join("pairs.csv")).unwrap();
    let differences = labsim::compare::MEASURES.iter().filter(|m| !m.3).count();
    assert_eq!(pairs.len(), differences);
    let mean = |scenario: &str, measure: &str| -> f64 {
        rows.iter()
            .find(|r| r.scenario == scenario && r.measure == measure)
            .unwrap()
            .mean
    };
    for p in &pairs {
        assert_eq!(
            (p.first.as_str(), p.second.as_str(), p.replications),
            ("training_subsidy", "diploma_recognition_nl_de", 2)
        );
        let expected = mean(&p.second, &p.measure) - mean(&p.first, &p.measure);
        assert!(
            (p.mean - expected).abs() < 0.02,
            "{}: {} against {expected}",
            p.measure,
            p.mean
        );
        assert!(p.ci90_low <= p.mean && p.mean <= p.ci90_high, "{p:?}");
    }
}

#[test]
fn compare_needs_a_scenario_besides_the_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = labsim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/baseline.toml",
            "--out",
        ])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario left to compare"));
    let out = labsim()
        .args(["compare", "scenarios/baseline.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compare_refuses_a_bad_scenario_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = {:?}\n[[policy]]\nkind = \"mobility_team\"\nstart = 9\nend = 3\n",
            std::fs::canonicalize("scenarios/baseline.toml")
                .unwrap()
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let out = labsim()
        .args(["compare", "scenarios/baseline.toml"])
        .arg(&bad)
        .args(["--out"])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("policy[0].end") && stderr.contains("bad.toml"),
        "{stderr}"
    );
    assert!(
        !tmp.path().join("x").exists(),
        "output written for a bad scenario"
    );
}

/// The evaluation of a comparison (docs/MODEL.md 7.16): `evaluation.csv` has every measure for
/// each policy and for all participants of a scenario with policies, none for a scenario
/// without; the net effect is the summary's change in employment; the effect curve runs from
/// 0 to 36 months; and `summary.md` has the table.
#[test]
fn compare_evaluates_participants_against_their_counterfactual_selves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    compare_into(
        &out,
        &[
            "scenarios/baseline.toml",
            "scenarios/perspectief_op_werk.toml",
            "scenarios/diploma_recognition_nl_de.toml",
        ],
        &["--replications", "2", "--scale", "0.02", "--steps", "24"],
    );
    let rows =
        labsim::output::read::<labsim::compare::EvaluationCsvRow>(&out.join("evaluation.csv"))
            .unwrap();
    let of = |scenario: &str, group: &str, measure: &str| {
        rows.iter()
            .find(|r| r.scenario == scenario && r.group == group && r.measure == measure)
            .unwrap_or_else(|| panic!("no {measure} of {group} in {scenario}"))
    };
    for (measure, _, _, all_only) in labsim::compare::EVALUATION_MEASURES {
        of("perspectief_op_werk", "all", measure);
        if !all_only {
            of("perspectief_op_werk", "matching events", measure);
        }
    }
    assert!(of("perspectief_op_werk", "matching events", "participants").mean > 0.0);
    let summary =
        labsim::output::read::<labsim::compare::SummaryCsvRow>(&out.join("summary.csv")).unwrap();
    for scenario in ["perspectief_op_werk", "diploma_recognition_nl_de"] {
        let employment = summary
            .iter()
            .find(|r| r.scenario == scenario && r.measure == "employment_person_months")
            .unwrap()
            .mean;
        let net = of(scenario, "all", "net_effect").mean;
        assert!(
            (net - employment).abs() < 0.01,
            "{scenario}: {net} against {employment}"
        );
    }
    let curve =
        labsim::output::read::<labsim::compare::CurveRow>(&out.join("effect_curve.csv")).unwrap();
    let months: Vec<u32> = curve
        .iter()
        .filter(|r| r.scenario == "perspectief_op_werk" && r.group == "all")
        .map(|r| r.months_since_entry)
        .collect();
    assert_eq!(months, (0..=36).collect::<Vec<u32>>());
    // The counterfactual selves' employment rate is a rate, and so is the participants' (it
    // plus the effect); at entry nobody is employed in either run but those hired that month.
    for r in curve
        .iter()
        .filter(|r| r.replications_defined == r.replications)
    {
        let participants = r.counterfactual + r.mean;
        assert!(
            (0.0..=100.0).contains(&r.counterfactual) && (-0.01..=100.01).contains(&participants),
            "{} {} month {}: counterfactual {} and effect {}",
            r.scenario,
            r.group,
            r.months_since_entry,
            r.counterfactual,
            r.mean
        );
    }
    // The marginal trainees' curve (months since their course's start) carries the numbers
    // of evaluation.csv's course effects.
    for m in [6u32, 12] {
        let r = curve
            .iter()
            .find(|r| {
                r.scenario == "perspectief_op_werk"
                    && r.group == "practice-based learning"
                    && r.months_since_entry == m
            })
            .unwrap();
        let point = of(
            "perspectief_op_werk",
            "practice-based learning",
            &format!("course_effect_at_{m}_months"),
        );
        assert_eq!(
            r.course_replications_defined,
            Some(point.replications_defined)
        );
        assert!(
            point.replications_defined == 0 || (r.course_mean - point.mean).abs() < 0.006,
            "month {m}: curve {} against {}",
            r.course_mean,
            point.mean
        );
    }
    let rising: Vec<f64> = curve
        .iter()
        .filter(|r| r.scenario == "perspectief_op_werk" && r.group == "all")
        .map(|r| r.counterfactual)
        .collect();
    assert!(
        rising[0] < 20.0 && rising[12] > 30.0,
        "the participants' counterfactual selves find work: {rising:?}"
    );
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Participants against their counterfactual selves"));
    assert!(md.contains("### perspectief_op_werk") && md.contains("| matching events |"));
}

/// Every group of scenarios that differ only in their policies shares its burn-in: in a
/// comparison of the default, the 2020 shock, Perspectief op Werk and the mobility teams built
/// on the shock (the two groups interleaved), the programme runs start from the burn-in of the
/// baseline and of the shock respectively (`shared_burn_ins` in their manifests), and the
/// teams' run is byte for byte
/// the one they make with a burn-in of their own (in a comparison where no other scenario
/// burns in as they do).
#[test]
fn each_group_of_scenarios_that_burn_in_alike_shares_one_burn_in() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, scenarios: &[&str]| {
        let out = tmp.path().join(name);
        let options = ["--replications", "2", "--scale", "0.01", "--steps", "6"];
        compare_into(&out, scenarios, &options);
        out
    };
    let shared = run(
        "shared",
        &[
            "scenarios/baseline.toml",
            "scenarios/shock_2020.toml",
            "scenarios/perspectief_op_werk.toml",
            "scenarios/mobility_teams_2020.toml",
        ],
    );
    let alone = run(
        "alone",
        &[
            "scenarios/baseline.toml",
            "scenarios/mobility_teams_2020.toml",
        ],
    );
    let shared_burn_ins = |dir: &std::path::Path| -> u64 {
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        manifest["shared_burn_ins"].as_u64().unwrap()
    };
    for (scenario, expected) in [
        ("baseline", 0),
        ("perspectief_op_werk", 2),
        ("shock_2020", 0),
        ("mobility_teams_2020", 2),
    ] {
        assert_eq!(
            shared_burn_ins(&shared.join(scenario)),
            expected,
            "{scenario}"
        );
    }
    assert_eq!(shared_burn_ins(&alone.join("mobility_teams_2020")), 0);
    for file in ["series.csv", "policies.csv", "commuters.csv"] {
        assert!(
            std::fs::read(shared.join("mobility_teams_2020").join(file)).unwrap()
                == std::fs::read(alone.join("mobility_teams_2020").join(file)).unwrap(),
            "mobility_teams_2020/{file} differs when it starts from the shock's burn-in"
        );
    }
}

/// An `effect_curve.csv` written before the course columns still reads (`labsim plot` on an
/// older comparison): its course cells read as undefined.
#[test]
fn an_effect_curve_without_the_course_columns_still_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("effect_curve.csv");
    std::fs::write(
        &path,
        "scenario,group,months_since_entry,mean,p05,p95,counterfactual,replications_defined,\
         replications\np,all,6,-1.50,-2.00,-1.00,27.00,5,5\n",
    )
    .unwrap();
    let rows = labsim::output::read::<labsim::compare::CurveRow>(&path).unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.months_since_entry, r.mean, r.replications), (6, -1.5, 5));
    assert!(r.course_mean.is_nan() && r.course_p05.is_nan() && r.course_p95.is_nan());
    assert_eq!(r.course_replications_defined, None);
}
