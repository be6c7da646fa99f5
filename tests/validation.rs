//! Scenario validation and command-line usage, tested through the `labsim` binary: every malformed
//! scenario or bad invocation exits 2 with one `error:` message naming the file, key and value,
//! never a panic; a bad scenario leaves existing output alone; a minimal valid scenario checks and runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// Top-level lines (which TOML needs before any table) of the minimal valid scenario.
const TOP: &str = "name = \"tiny\"\n";

use common::TABLES;

/// A minimal valid scenario with `top` inserted among the top-level keys and `tables` appended
/// after its tables. Either may be empty.
fn scenario(top: &str, tables: &str) -> String {
    format!("{TOP}{top}\n{TABLES}\n{tables}\n")
}

/// A scenario with `tables` appended (the common case).
fn with(tables: &str) -> String {
    scenario("", tables)
}

/// A fresh temporary directory for scenario files and output.
fn tmp() -> TempDir {
    tempfile::tempdir().expect("create a temporary directory")
}

/// Write `contents` to `dir/name` and return the path.
fn write(dir: &TempDir, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write a scenario file");
    path
}

/// The `labsim` binary, run in `dir` so that relative file names in messages are predictable.
fn labsim(dir: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("labsim").expect("the labsim binary is built");
    cmd.current_dir(dir.path());
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Assert that `out` is a clean usage/scenario failure: exit 2, an `error:` on stderr, no panic,
/// no backtrace, and every one of `needles` in the message. Returns stderr.
fn assert_exit_2(out: &Output, needles: &[&str]) -> String {
    let err = stderr_of(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit code 2\nstderr:\n{err}\nstdout:\n{}",
        stdout_of(out)
    );
    assert!(err.contains("error"), "stderr has no `error`:\n{err}");
    let lower = err.to_lowercase();
    assert!(!lower.contains("panicked"), "the binary panicked:\n{err}");
    assert!(
        !lower.contains("backtrace"),
        "stderr shows a backtrace:\n{err}"
    );
    for needle in needles {
        assert!(
            err.contains(needle),
            "stderr does not contain {needle:?}:\n{err}"
        );
    }
    err
}

/// Write `text` as `bad.toml`, run `labsim check bad.toml` and `labsim run bad.toml`, and assert
/// both fail with exit 2 and a message containing `needles`. Returns the message of `check`.
fn assert_bad_scenario(text: &str, needles: &[&str]) -> String {
    let dir = tmp();
    write(&dir, "bad.toml", text);
    let out = labsim(&dir).args(["check", "bad.toml"]).output().unwrap();
    let err = assert_exit_2(&out, needles);
    assert!(
        stdout_of(&out).is_empty(),
        "`check` of a bad scenario printed a description:\n{}",
        stdout_of(&out)
    );
    let out = labsim(&dir)
        .args(["run", "bad.toml", "--quiet", "--out", "out"])
        .output()
        .unwrap();
    assert_exit_2(&out, needles);
    assert!(
        !dir.path().join("out").exists(),
        "`run` of a bad scenario created the output directory"
    );
    err
}

// ---------------------------------------------------------------------------------------------
// The helper itself.

#[test]
fn minimal_scenario_helper_is_valid() {
    let dir = tmp();
    write(
        &dir,
        "ok.toml",
        scenario("description = \"x\"", "[mechanics]\napplications = 2"),
    );
    labsim(&dir).args(["check", "ok.toml"]).assert().code(0);
}

// ---------------------------------------------------------------------------------------------
// Parse errors: unknown keys, wrong types, not TOML at all.

#[test]
fn unknown_key_names_file_key_and_line() {
    let err = assert_bad_scenario(
        &with("[mechanics]\nseparaton_rate = 0.01"),
        &["bad.toml", "separaton_rate", "line"],
    );
    assert!(err.contains("error: bad.toml:"), "{err}");
    assert!(err.contains("unknown field"), "{err}");
}

#[test]
fn unknown_top_level_key_names_file_and_key() {
    assert_bad_scenario(
        &scenario("nmae = \"typo\"", ""),
        &["bad.toml", "nmae", "line"],
    );
}

#[test]
fn misspelled_table_names_file_and_table() {
    assert_bad_scenario(
        &with("[mechanic]\napplications = 2"),
        &["bad.toml", "mechanic", "line"],
    );
}

#[test]
fn unknown_key_in_region_names_file_and_key() {
    let text = with("[[region]]\nname = \"B\"\nlabour_force = 100\nunemploymnet_rate = 0.1");
    assert_bad_scenario(&text, &["bad.toml", "unemploymnet_rate", "line"]);
}

#[test]
fn wrong_type_names_file_key_and_value() {
    let err = assert_bad_scenario(
        &with("[mechanics]\napplications = \"two\""),
        &["bad.toml", "applications", "two", "line"],
    );
    assert!(err.contains("error: bad.toml:"), "{err}");
}

#[test]
fn wrong_type_for_steps_names_key() {
    assert_bad_scenario(
        &scenario("", "").replace("steps = 5", "steps = 5.5"),
        &["bad.toml", "steps", "5.5"],
    );
}

#[test]
fn empty_file_is_refused() {
    assert_bad_scenario("", &["error: bad.toml:", "empty"]);
}

#[test]
fn whitespace_only_file_is_refused() {
    assert_bad_scenario("  \n\n\t\n", &["error: bad.toml:", "empty"]);
}

#[test]
fn prose_is_not_a_scenario() {
    assert_bad_scenario(
        "It was a dark and stormy night; the labour market was tight.\n",
        &["error: bad.toml:", "not a valid scenario file"],
    );
}

#[test]
fn png_bytes_are_not_a_scenario() {
    let dir = tmp();
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend_from_slice(&[
        0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0xff, 0xfe, 0x00, 0x80,
    ]);
    write(&dir, "picture.png", &png);
    for args in [
        vec!["check", "picture.png"],
        vec!["run", "picture.png", "--quiet", "--out", "out"],
    ] {
        let out = labsim(&dir).args(&args).output().unwrap();
        let err = assert_exit_2(&out, &["picture.png"]);
        assert!(err.starts_with("error: picture.png:"), "{err}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn scenario_with_no_tables_is_refused() {
    // Parses as TOML, but describes nothing to simulate.
    assert_bad_scenario(
        "name = \"nothing\"\n",
        &["error: bad.toml:", "region", "[[region]]"],
    );
}

// ---------------------------------------------------------------------------------------------
// Values out of range.

#[test]
fn negative_separation_rate_names_key_and_value() {
    let err = assert_bad_scenario(
        &with("[mechanics]\nseparation_rate = -0.1"),
        &["bad.toml", "mechanics.separation_rate", "-0.1"],
    );
    assert!(
        err.contains("error: bad.toml: key `mechanics.separation_rate` = -0.1: "),
        "{err}"
    );
}

#[test]
fn nan_separation_rate_names_key_and_value() {
    let err = assert_bad_scenario(
        &with("[mechanics]\nseparation_rate = nan"),
        &["bad.toml", "mechanics.separation_rate", "NaN"],
    );
    assert!(
        err.contains("error: bad.toml: key `mechanics.separation_rate` = NaN: "),
        "{err}"
    );
}

#[test]
fn infinite_separation_rate_names_key_and_value() {
    assert_bad_scenario(
        &with("[mechanics]\nseparation_rate = inf"),
        &["error: bad.toml: key `mechanics.separation_rate` = inf"],
    );
}

#[test]
fn sector_contract_shares_above_one_are_refused() {
    let text = with("").replace(
        "vacancy_rate = 0.03",
        "vacancy_rate = 0.03\nflexible_share = 0.6\nself_employed_share = 0.5",
    );
    let err = assert_bad_scenario(
        &text,
        &[
            "bad.toml",
            "sector[0].self_employed_share",
            "0.5",
            "flexible_share",
        ],
    );
    assert!(
        err.contains("error: bad.toml: key `sector[0].self_employed_share` = 0.5: "),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Names that refer to nothing.

#[test]
fn travel_to_a_missing_region_is_refused() {
    let err = assert_bad_scenario(
        &with("[[travel]]\nbetween = [\"A\", \"Nowhere\"]\ncar = 30"),
        &["bad.toml", "travel[0].between", "\"Nowhere\""],
    );
    assert!(
        err.contains("error: bad.toml: key `travel[0].between` = \"Nowhere\": "),
        "{err}"
    );
    // The message lists the regions that do exist.
    assert!(err.contains("known: A"), "{err}");
}

#[test]
fn shock_in_a_missing_region_is_refused() {
    let err = assert_bad_scenario(
        &with("[[demand.shock]]\nregions = [\"Nowhere\"]\ndepth = -0.1\nstart = 2"),
        &["bad.toml", "demand.shock[0].regions", "\"Nowhere\""],
    );
    assert!(
        err.contains("error: bad.toml: key `demand.shock[0].regions` = \"Nowhere\": "),
        "{err}"
    );
}

#[test]
fn region_in_a_missing_country_is_refused() {
    let text = with("[[country]]\ncode = \"DE\"\nlanguages = [\"de\"]");
    assert_bad_scenario(&text, &["bad.toml", "region[0].country", "\"NL\""]);
}

#[test]
fn country_separation_multiplier_out_of_range_is_refused() {
    for bad in ["-0.5", "11.0", "nan"] {
        let text = with(&format!(
            "[[country]]\ncode = \"NL\"\nlanguages = [\"nl\"]\nseparation_multiplier = {bad}"
        ));
        assert_bad_scenario(
            &text,
            &[
                "bad.toml",
                "country[0].separation_multiplier",
                "must be a number from 0 to 10",
            ],
        );
    }
}

/// The keys of labour demand, entries and exits: each out-of-range value exits 2 naming the
/// file, the key, the value and the rule.
#[test]
fn labour_demand_and_population_keys_out_of_range_are_refused() {
    let cases = [
        (
            "[employers]\nmean_size = 0.5",
            "employers.mean_size",
            "from 1 to",
        ),
        (
            "[employers]\nreallocation_rate = 0.7",
            "employers.reallocation_rate",
            "from 0 to 0.5",
        ),
        (
            "[employers]\nnotice_search = -1",
            "employers.notice_search",
            "from 0 to 1",
        ),
        (
            "[employers]\ndecision_rate = 0",
            "employers.decision_rate",
            "from 0.01 to 1",
        ),
        (
            "[mechanics]\nscreening_pass = 0",
            "mechanics.screening_pass",
            "from 0.000001 to 1",
        ),
        (
            "[mechanics]\nscreening_duration_fall = 1.5",
            "mechanics.screening_duration_fall",
            "from 0 to 1",
        ),
        (
            "[[country]]\ncode = \"NL\"\nlanguages = [\"nl\"]\nbenefit_per_month = -1",
            "country[0].benefit_per_month",
            "at least 0",
        ),
        (
            "[training]\nscreening_gain_per_year = 0.5",
            "training.screening_gain_per_year",
            "from 1 to 10",
        ),
        (
            "[training]\ncourse_sector_weight = 101",
            "training.course_sector_weight",
            "from 1 to 100",
        ),
        (
            "[mechanics]\ninterviews = 1001",
            "mechanics.interviews",
            "whole number from 0 to 1000",
        ),
        (
            "[mechanics]\nscreening_duration_months = 0",
            "mechanics.screening_duration_months",
            "whole number from 1 to 1200",
        ),
        (
            "[population]\nretirement_rate = 1.5",
            "population.retirement_rate",
            "from 0 to 1",
        ),
        (
            "[population]\nschool_leavers_rate = nan",
            "population.school_leavers_rate",
            "from 0 to 1",
        ),
        (
            "[population]\nsummer_share = 2",
            "population.summer_share",
            "from 0 to 1",
        ),
        (
            "[contracts.permanent]\nnotice_months = 61",
            "contracts.permanent.notice_months",
            "whole number from 0 to 60",
        ),
        ("[employers]\nsize = 3", "size", "unknown field"),
        (
            "[population]\nunemployed_to_inactive = -0.1",
            "population.unemployed_to_inactive",
            "from 0 to 1",
        ),
        (
            "[population]\ninactive_to_unemployed = 1.2",
            "population.inactive_to_unemployed",
            "from 0 to 1",
        ),
        (
            "[population]\nlabour_force_growth = 0.2",
            "population.labour_force_growth",
            "from -0.1 to 0.1",
        ),
        (
            "[[policy]]\nkind = \"job_retention\"",
            "policy[0].kind",
            "needs `[employers]`",
        ),
        (
            "[employers]\n[[policy]]\nkind = \"job_retention\"\nthreshold = 1.5",
            "policy[0].threshold",
            "from 0 to 1",
        ),
    ];
    for (table, key, rule) in cases {
        let text = with(table);
        assert_bad_scenario(&text, &["bad.toml", key, rule]);
    }
    // `[simulation]` is in the fixture already: the burn-in is set on the command line.
    assert_bad_run_args(
        &["--set", "simulation.burn_in_months=-1"],
        &["simulation.burn_in_months", "whole number from 0 to 1200"],
    );
}

// ---------------------------------------------------------------------------------------------
// Policies.

#[test]
fn unknown_policy_kind_is_refused() {
    let err = assert_bad_scenario(
        &with("[[policy]]\nkind = \"teleporter\""),
        &[
            "bad.toml",
            "policy[0].kind",
            "\"teleporter\"",
            "unknown policy kind",
        ],
    );
    // The message says which kinds exist.
    assert!(err.contains("mobility_team"), "{err}");
}

#[test]
fn policy_ending_before_it_starts_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"matching_events\"\nstart = 10\nend = 4"),
        &["bad.toml", "policy[0].end", "= 4", "before start (10)"],
    );
}

#[test]
fn policy_naming_a_missing_sector_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"sector_plan\"\nfrom = [\"s\"]\nto = [\"nursing\"]"),
        &["bad.toml", "policy[0].to", "\"nursing\"", "names no sector"],
    );
}

/// Programme operations: an unknown pacing, a caseload that is not positive, a longest
/// participation out of range, and any of the three on a kind without participants exit 2
/// naming the key, the value and the rule.
#[test]
fn bad_pacing_and_caseload_are_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"mobility_team\"\npacing = \"fast\""),
        &[
            "bad.toml",
            "policy[0].pacing",
            "\"fast\"",
            "known: even, none",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"matching_events\"\nname = \"all\""),
        &[
            "bad.toml",
            "policy[0].name",
            "\"all\"",
            "reserved for all participants",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"matching_events\"\ncaseload = 0"),
        &["bad.toml", "policy[0].caseload", "0", "must be positive"],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"open_training_funds\"\ncaseload = 100"),
        &[
            "bad.toml",
            "policy[0].caseload",
            "100",
            "only for kinds with participants",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"job_retention\"\npacing = \"none\""),
        &[
            "bad.toml",
            "policy[0].pacing",
            "\"none\"",
            "only for kinds with participants or that pay courses",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"mobility_team\"\npriority = \"oldest\""),
        &[
            "bad.toml",
            "policy[0].priority",
            "\"oldest\"",
            "known: none, at_risk",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"job_retention\"\npriority = \"at_risk\""),
        &[
            "bad.toml",
            "policy[0].priority",
            "at_risk",
            "only for kinds with participants",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"matching_events\"\nmax_months = 0"),
        &[
            "bad.toml",
            "policy[0].max_months",
            "0",
            "whole number from 1 to 120",
        ],
    );
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"training_subsidy\"\nmax_months = 6"),
        &[
            "bad.toml",
            "policy[0].max_months",
            "6",
            "only for kinds with participants",
        ],
    );
}

#[test]
fn policy_with_a_negative_budget_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"mobility_team\"\nbudget = -5"),
        &["bad.toml", "policy[0].budget", "-5", "at least 0"],
    );
}

#[test]
fn policy_with_a_key_of_another_kind_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"matching_events\"\non_the_job_search = 0.5"),
        &[
            "bad.toml",
            "policy[0].on_the_job_search",
            "unknown key for a `matching_events` policy",
        ],
    );
}

#[test]
fn policy_with_an_unknown_group_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nkind = \"coaching_50plus\"\ngroups = [\"retired\"]"),
        &[
            "bad.toml",
            "policy[0].groups",
            "\"retired\"",
            "unknown group",
        ],
    );
}

#[test]
fn policy_without_kind_is_refused() {
    assert_bad_scenario(
        &with("[[policy]]\nbudget = 1000"),
        &["bad.toml", "policy[0].kind", "(missing)"],
    );
}

// ---------------------------------------------------------------------------------------------
// `extends`.

#[test]
fn extends_cycle_is_refused() {
    let dir = tmp();
    write(&dir, "a.toml", scenario("extends = \"b.toml\"", ""));
    write(&dir, "b.toml", scenario("extends = \"a.toml\"", ""));
    for args in [
        vec!["check", "a.toml"],
        vec!["run", "a.toml", "--quiet", "--out", "out"],
    ] {
        let out = labsim(&dir).args(&args).output().unwrap();
        let err = assert_exit_2(&out, &["a.toml", "b.toml", "extends", "cycle"]);
        // b.toml holds the `extends` that closes the cycle.
        assert!(err.contains("error: b.toml:"), "{err}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn extends_of_itself_is_refused() {
    let dir = tmp();
    write(&dir, "a.toml", scenario("extends = \"a.toml\"", ""));
    let out = labsim(&dir).args(["check", "a.toml"]).output().unwrap();
    let err = assert_exit_2(&out, &["a.toml", "extends", "cycle"]);
    assert!(err.contains("error: a.toml:"), "{err}");
}

#[test]
fn extends_of_a_missing_file_is_refused() {
    let err = assert_bad_scenario(
        &scenario("extends = \"missing.toml\"", ""),
        &["bad.toml", "extends", "missing.toml"],
    );
    assert!(
        err.contains("error: bad.toml: key `extends` = \"missing.toml\": "),
        "{err}"
    );
}

#[test]
fn validation_error_names_the_file_that_set_the_key() {
    let dir = tmp();
    // The parent sets a bad separation rate; the child changes something else.
    write(
        &dir,
        "parent.toml",
        with("[mechanics]\nseparation_rate = -0.1"),
    );
    write(
        &dir,
        "child.toml",
        "extends = \"parent.toml\"\nname = \"child\"\n[mechanics]\napplications = 2\n",
    );
    let out = labsim(&dir).args(["check", "child.toml"]).output().unwrap();
    let err = assert_exit_2(&out, &["mechanics.separation_rate", "-0.1"]);
    assert!(
        err.contains("error: parent.toml: key `mechanics.separation_rate` = -0.1: "),
        "the error should name the parent, which set the key:\n{err}"
    );
    assert!(!err.contains("child.toml"), "{err}");

    // The parent is valid; the child sets a bad value.
    write(
        &dir,
        "parent.toml",
        with("[mechanics]\nseparation_rate = 0.02"),
    );
    write(
        &dir,
        "child.toml",
        "extends = \"parent.toml\"\nname = \"child\"\n[mechanics]\napplications = 100\n",
    );
    let out = labsim(&dir).args(["check", "child.toml"]).output().unwrap();
    let err = assert_exit_2(&out, &["mechanics.applications", "100"]);
    assert!(
        err.contains("error: child.toml: key `mechanics.applications` = 100: "),
        "the error should name the child, which set the key:\n{err}"
    );
    assert!(!err.contains("parent.toml"), "{err}");
}

#[test]
fn child_can_repair_a_bad_parent_value() {
    let dir = tmp();
    write(
        &dir,
        "parent.toml",
        with("[mechanics]\nseparation_rate = -0.1"),
    );
    write(
        &dir,
        "child.toml",
        "extends = \"parent.toml\"\n[mechanics]\nseparation_rate = 0.02\n",
    );
    labsim(&dir).args(["check", "child.toml"]).assert().code(0);
}

#[test]
fn unknown_key_in_a_parent_names_the_parent() {
    let dir = tmp();
    write(
        &dir,
        "parent.toml",
        with("[mechanics]\nseparaton_rate = 0.01"),
    );
    write(&dir, "child.toml", "extends = \"parent.toml\"\n");
    let out = labsim(&dir).args(["check", "child.toml"]).output().unwrap();
    let err = assert_exit_2(&out, &["separaton_rate", "line"]);
    assert!(err.contains("error: parent.toml:"), "{err}");
}

/// A file's `[set]` changes one entry of an inherited array; a value it sets out of range is
/// reported against that file and key, and a path that leads nowhere names it too.
#[test]
fn a_set_in_a_child_is_checked_and_named_like_any_key() {
    let dir = tmp();
    write(&dir, "parent.toml", with(""));
    let check = |set: &str| {
        let child = format!("extends = \"parent.toml\"\nname = \"child\"\n[set]\n{set}\n");
        write(&dir, "child.toml", child);
        labsim(&dir).args(["check", "child.toml"]).output().unwrap()
    };
    let out = check("\"sector.s.wage\" = 2500");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for (set, needles) in [
        (
            "\"mechanics.separation_rate\" = 2",
            ["mechanics.separation_rate", "= 2:"],
        ),
        (
            "\"sector.nope.wage\" = 2500",
            ["set.sector.nope.wage", "nope"],
        ),
    ] {
        let err = assert_exit_2(&check(set), &needles);
        assert!(err.contains("error: child.toml:"), "{err}");
    }
}

#[test]
fn parent_in_another_directory_is_resolved_relative_to_the_child() {
    let dir = tmp();
    std::fs::create_dir(dir.path().join("base")).unwrap();
    write(
        &dir,
        "base/parent.toml",
        with("[mechanics]\nseparation_rate = 2"),
    );
    write(&dir, "child.toml", "extends = \"base/parent.toml\"\n");
    let out = labsim(&dir).args(["check", "child.toml"]).output().unwrap();
    let err = assert_exit_2(&out, &["mechanics.separation_rate", "= 2:"]);
    let parent = Path::new("base").join("parent.toml");
    assert!(
        err.contains(&format!("error: {}:", parent.display())),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Missing files and bad usage.

#[test]
fn missing_scenario_file_names_the_path() {
    let dir = tmp();
    for args in [
        vec!["check", "no/such/scenario.toml"],
        vec!["run", "no/such/scenario.toml", "--quiet", "--out", "out"],
    ] {
        let out = labsim(&dir).args(&args).output().unwrap();
        let err = assert_exit_2(&out, &["no/such/scenario.toml"]);
        assert!(err.contains("cannot read"), "{err}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn directory_as_scenario_is_refused() {
    let dir = tmp();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let out = labsim(&dir).args(["check", "adir"]).output().unwrap();
    assert_exit_2(&out, &["adir"]);
}

#[test]
fn run_without_scenario_is_bad_usage() {
    let dir = tmp();
    let out = labsim(&dir).arg("run").output().unwrap();
    let err = assert_exit_2(&out, &[]);
    assert!(err.to_lowercase().contains("scenario"), "{err}");
}

#[test]
fn no_subcommand_is_bad_usage() {
    // clap prints the usage (not an `error:` line) when the subcommand is missing; it must still
    // exit 2 and not panic.
    let dir = tmp();
    let out = labsim(&dir).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{err}");
    assert!(err.contains("Usage"), "{err}");
    assert!(!err.to_lowercase().contains("panicked"), "{err}");
}

#[test]
fn unknown_option_is_bad_usage() {
    let dir = tmp();
    write(&dir, "ok.toml", with(""));
    let out = labsim(&dir)
        .args(["run", "ok.toml", "--thraeds", "2"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["--thraeds"]);
}

/// Run a valid scenario with extra (bad) arguments; assert exit 2, that `needles` are in the
/// message and that no output was written.
fn assert_bad_run_args(extra: &[&str], needles: &[&str]) {
    let dir = tmp();
    write(&dir, "ok.toml", with(""));
    let mut args = vec!["run", "ok.toml", "--quiet", "--out", "out"];
    args.extend_from_slice(extra);
    let out = labsim(&dir).args(&args).output().unwrap();
    assert_exit_2(&out, needles);
    assert!(
        !dir.path().join("out").exists(),
        "bad arguments {extra:?} still wrote output"
    );
}

#[test]
fn zero_threads_is_bad_usage() {
    assert_bad_run_args(&["--threads", "0"], &["--threads", "0"]);
}

// `--seed`, `--replications`, `--steps` and `--scale` are `simulation.*` keys set before
// validation: the rule is the scenario's, and the message names the flag as the origin.

#[test]
fn zero_steps_is_bad_usage() {
    assert_bad_run_args(
        &["--steps", "0"],
        &["--steps:", "`simulation.steps` = 0", "from 1 to"],
    );
    assert_bad_run_args(
        &["--steps", "-5"],
        &["--steps:", "`simulation.steps` = -5", "from 1 to"],
    );
}

#[test]
fn zero_replications_is_bad_usage() {
    assert_bad_run_args(
        &["--replications", "0"],
        &[
            "--replications:",
            "`simulation.replications` = 0",
            "from 1 to 10000",
        ],
    );
}

#[test]
fn negative_scale_is_bad_usage() {
    assert_bad_run_args(&["--scale", "-1"], &["-1"]);
    assert_bad_run_args(
        &["--scale=-1"],
        &[
            "--scale:",
            "`simulation.scale` = -1",
            "from 0.000001 to 1000",
        ],
    );
}

#[test]
fn zero_and_nan_scale_are_bad_usage() {
    assert_bad_run_args(
        &["--scale", "0"],
        &[
            "--scale:",
            "`simulation.scale` = 0",
            "from 0.000001 to 1000",
        ],
    );
    assert_bad_run_args(
        &["--scale", "NaN"],
        &[
            "--scale:",
            "`simulation.scale` = NaN",
            "from 0.000001 to 1000",
        ],
    );
}

#[test]
fn non_numeric_seed_is_bad_usage() {
    assert_bad_run_args(&["--seed", "abc"], &["--seed", "abc"]);
}

#[test]
fn negative_seed_is_bad_usage() {
    assert_bad_run_args(
        &["--seed", "-1"],
        &["--seed:", "`simulation.seed` = -1", "at least 0"],
    );
}

#[test]
fn compare_flags_go_through_validation() {
    let dir = tmp();
    write(&dir, "base.toml", with(""));
    write(&dir, "other.toml", with("[mechanics]\napplications = 3"));
    for (flag, key) in [("--steps", "steps"), ("--scale", "scale")] {
        let out = labsim(&dir)
            .args([
                "compare",
                "base.toml",
                "other.toml",
                "--quiet",
                "--out",
                "out",
            ])
            .args([flag, "0"])
            .output()
            .unwrap();
        assert_exit_2(
            &out,
            &[&format!("{flag}:"), &format!("`simulation.{key}` = 0")],
        );
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn calibrate_flags_go_through_validation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tmp();
    for (flag, value, rule) in [
        ("--replications", "0", "from 1 to 10000"),
        ("--seed", "-3", "at least 0"),
    ] {
        let out = labsim(&dir)
            .arg("calibrate")
            .arg(root.join("scenarios/baseline_published_rules.toml"))
            .arg("--targets")
            .arg(root.join("calibration/nl_border_2022_published_rules.toml"))
            .args(["--check", "--quiet", flag, value])
            .output()
            .unwrap();
        let key = format!("`simulation.{}` = {value}", &flag[2..]);
        assert_exit_2(&out, &[&format!("{flag}:"), &key, rule]);
    }
}

/// The data files of a run of `s.toml` in `dir` with `args`, as bytes, and its manifest.
fn run_bytes(dir: &TempDir, out: &str, args: &[&str]) -> (Vec<Vec<u8>>, serde_json::Value) {
    let o = labsim(dir)
        .args(["run", "s.toml", "--quiet", "--no-plots", "--out", out])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    let files = ["series.csv", "commuters.csv", "bands.csv"]
        .map(|f| std::fs::read(dir.path().join(out).join(f)).unwrap())
        .to_vec();
    let manifest = std::fs::read_to_string(dir.path().join(out).join("manifest.json")).unwrap();
    (files, serde_json::from_str(&manifest).unwrap())
}

#[test]
fn flags_give_the_same_bytes_as_set() {
    let dir = tmp();
    write(&dir, "s.toml", with(""));
    let flags = [
        "--seed",
        "7",
        "--replications",
        "2",
        "--steps",
        "3",
        "--scale",
        "0.5",
    ];
    let (by_flag, flag_manifest) = run_bytes(&dir, "flag", &flags);
    let (by_set, set_manifest) = run_bytes(
        &dir,
        "set",
        &[
            "--set",
            "simulation.seed=7",
            "--set",
            "simulation.replications=2",
            "--set",
            "simulation.steps=3",
            "--set",
            "simulation.scale=0.5",
        ],
    );
    assert_eq!(by_flag, by_set, "the flags and --set gave different bytes");
    for key in ["seed", "replications", "steps", "scale", "scenario_hash"] {
        assert_eq!(flag_manifest[key], set_manifest[key], "{key}");
    }
    assert_eq!(flag_manifest["seed"], 7);
    // Another seed gives other bytes: the flag took effect.
    let mut other = flags;
    other[1] = "8";
    let (by_other, _) = run_bytes(&dir, "other", &other);
    assert_ne!(
        by_flag[0], by_other[0],
        "--seed 8 gave the bytes of --seed 7"
    );
}

#[test]
fn too_many_agents_are_refused_from_a_flag_a_file_and_set() {
    let dir = tmp();
    let big =
        "[[region]]\nname = \"B\"\ncountry = \"NL\"\nlabour_force = 5e6\nunemployment_rate = 0.05";
    write(&dir, "big.toml", with(big));
    let limit = (u32::MAX - 1).to_string();
    let out = labsim(&dir)
        .args([
            "run", "big.toml", "--quiet", "--out", "out", "--scale", "1000",
        ])
        .output()
        .unwrap();
    assert_exit_2(
        &out,
        &["--scale:", "`simulation.scale` = 1000", "agents", &limit],
    );
    let out = labsim(&dir)
        .args(["run", "big.toml", "--quiet", "--out", "out"])
        .args(["--set", "simulation.scale=999"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["--set:", "`simulation.scale` = 999", &limit]);
    assert!(!dir.path().join("out").exists());
    write(
        &dir,
        "big_file.toml",
        with(big).replace("steps = 5", "steps = 5\nscale = 900"),
    );
    let out = labsim(&dir)
        .args(["check", "big_file.toml"])
        .output()
        .unwrap();
    assert_exit_2(
        &out,
        &["big_file.toml:", "`simulation.scale` = 900", &limit],
    );
}

// ---------------------------------------------------------------------------------------------
// Existing output is left alone.

#[test]
fn bad_scenario_leaves_existing_output_untouched() {
    let dir = tmp();
    let out_dir = dir.path().join("DIR");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("series.csv"), "old").unwrap();
    write(
        &dir,
        "bad.toml",
        with("[mechanics]\nseparation_rate = -0.1"),
    );
    let out = labsim(&dir)
        .args(["run", "bad.toml", "--out", "DIR"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["bad.toml", "mechanics.separation_rate"]);
    assert_eq!(
        std::fs::read_to_string(out_dir.join("series.csv")).unwrap(),
        "old"
    );
    let entries: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("series.csv")]);
}

#[test]
fn bad_usage_leaves_existing_output_untouched() {
    let dir = tmp();
    let out_dir = dir.path().join("DIR");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("series.csv"), "old").unwrap();
    write(&dir, "ok.toml", with(""));
    let out = labsim(&dir)
        .args(["run", "ok.toml", "--out", "DIR", "--scale=-1"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["--scale"]);
    assert_eq!(
        std::fs::read_to_string(out_dir.join("series.csv")).unwrap(),
        "old"
    );
}

// ---------------------------------------------------------------------------------------------
// A valid scenario.

#[test]
fn minimal_scenario_checks() {
    let dir = tmp();
    write(&dir, "tiny.toml", with(""));
    let out = labsim(&dir).args(["check", "tiny.toml"]).output().unwrap();
    let stdout = stdout_of(&out);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.to_lowercase().contains("panicked"), "{stderr}");
    assert!(stdout.contains("tiny"), "{stdout}");
    let first_words =
        |line: &str| -> Vec<String> { line.split_whitespace().take(2).map(String::from).collect() };
    assert!(
        stdout
            .lines()
            .any(|l| first_words(l).first().map(String::as_str) == Some("A")),
        "no line for region A:\n{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| first_words(l).first().map(String::as_str) == Some("s")),
        "no line for sector s:\n{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| first_words(l) == ["steps".to_string(), "5".to_string()]),
        "no `steps 5` line:\n{stdout}"
    );
}

#[test]
fn minimal_scenario_runs_and_writes_output() {
    let dir = tmp();
    write(&dir, "tiny.toml", with(""));
    let out = labsim(&dir)
        .args(["run", "tiny.toml", "--out", "DIR", "--quiet"])
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.to_lowercase().contains("panicked"), "{stderr}");
    let out_dir = dir.path().join("DIR");
    for name in ["series.csv", "commuters.csv", "manifest.json"] {
        let path = out_dir.join(name);
        assert!(path.is_file(), "{} was not written", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.trim().is_empty(), "{name} is empty");
    }
    let manifest = std::fs::read_to_string(out_dir.join("manifest.json")).unwrap();
    let _: serde_json::Value =
        serde_json::from_str(&manifest).expect("manifest.json is valid JSON");
    // No temporary files are left behind.
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            !name.to_string_lossy().contains(".tmp"),
            "temporary file {name:?} left in the output directory"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// `labsim run --set KEY=VALUE`: the value meets the file's rules, and errors name `--set`.

#[test]
fn set_overrides_a_key_before_validation() {
    let dir = tmp();
    write(&dir, "s.toml", with(""));
    let out = labsim(&dir)
        .args(["run", "s.toml", "--quiet", "--no-plots", "--out", "out"])
        .args(["--set", "simulation.steps=3", "--set", "name=renamed"])
        .args(["--set", "sector.s.vacancy_rate=0.05"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    assert!(manifest.contains("\"steps\": 3"), "{manifest}");
    assert!(manifest.contains("\"scenario\": \"renamed\""), "{manifest}");
    // The sector's vacancy rate took effect: the resolved scenario, and its hash, differ from
    // the same run with only the other two settings.
    let out = labsim(&dir)
        .args(["run", "s.toml", "--quiet", "--no-plots", "--out", "out2"])
        .args(["--set", "simulation.steps=3", "--set", "name=renamed"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let hash = |m: &str| {
        m.lines()
            .find(|l| l.contains("\"scenario_hash\""))
            .unwrap()
            .to_string()
    };
    let other = std::fs::read_to_string(dir.path().join("out2/manifest.json")).unwrap();
    assert_ne!(
        hash(&manifest),
        hash(&other),
        "--set sector.s.vacancy_rate changed nothing"
    );
}

#[test]
fn bad_set_arguments_exit_2_naming_the_key() {
    let dir = tmp();
    write(&dir, "s.toml", with(""));
    for (arg, needles) in [
        (
            "mechanics.on_the_job_search=2",
            &["--set", "mechanics.on_the_job_search", "= 2", "from 0 to 1"][..],
        ),
        (
            "mechanics.colour=1",
            &["--set", "unknown field `colour`"][..],
        ),
        (
            "region.Nowhere.labour_force=5",
            &["no entry named \"Nowhere\" (it has: A)"][..],
        ),
        ("simulation.steps", &["write KEY=VALUE"][..]),
        ("simulation..steps=3", &["not a key path"][..]),
    ] {
        let out = labsim(&dir)
            .args(["run", "s.toml", "--quiet", "--out", "out", "--set", arg])
            .output()
            .unwrap();
        assert_exit_2(&out, needles);
        assert!(!dir.path().join("out").exists());
    }
}

/// The keys of a national map: a centroid that is not a pair of degrees, a travel rule without
/// every region's centroid or out of its range, a region's own languages left empty and its
/// separation multiplier out of range each exit 2 naming the key, the value and the rule.
#[test]
fn national_map_keys_out_of_range_are_refused() {
    let region = |extra: &str| {
        TABLES.replace(
            "unemployment_rate = 0.05\n",
            &format!("unemployment_rate = 0.05\n{extra}\n"),
        )
    };
    for (bad, value) in [
        ("centroid = [52.0]", "[52.0]"),
        ("centroid = [95.0, 5.0]", "[95.0, 5.0]"),
        ("centroid = [52.0, 5.0, 1.0]", "[52.0, 5.0, 1.0]"),
    ] {
        assert_bad_scenario(
            &format!("{TOP}{}", region(bad)),
            &[
                "bad.toml",
                "region[0].centroid",
                value,
                "must be [latitude, longitude] in degrees",
            ],
        );
    }
    assert_bad_scenario(
        &with("[travel_rule]\ncar_kmh = 90"),
        &[
            "bad.toml",
            "region[0].centroid",
            "(missing)",
            "[travel_rule] estimates travel times from centroids",
        ],
    );
    for (key, bad, rule) in [
        ("detour", "0.9", "from 1 to 3"),
        ("car_kmh", "0", "from 1 to 200"),
        ("public_transport_minutes", "-5", "from 0 to 120"),
        ("cross_border_public_transport", "0.5", "from 1 to 10"),
    ] {
        assert_bad_scenario(
            &format!(
                "{TOP}{}\n[travel_rule]\n{key} = {bad}\n",
                region("centroid = [52.0, 5.0]")
            ),
            &["bad.toml", &format!("travel_rule.{key}"), bad, rule],
        );
    }
    assert_bad_scenario(
        &format!("{TOP}{}", region("languages = []")),
        &["bad.toml", "region[0].languages", "must name at least one"],
    );
    assert_bad_scenario(
        &format!("{TOP}{}", region("language_skills = { de = 1.5 }")),
        &["bad.toml", "region[0].language_skills.de", "1.5"],
    );
    assert_bad_scenario(
        &format!("{TOP}{}", region("separation_multiplier = 12")),
        &[
            "bad.toml",
            "region[0].separation_multiplier",
            "must be a number from 0 to 10",
        ],
    );
}
