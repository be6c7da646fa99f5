//! A national map: travel times estimated from centroids (`[travel_rule]`), regions that speak
//! another language than their country, and regional separation multipliers; and the shipped
//! national scenario's size.

use labsim::model::Model;
use labsim::scenario::{from_toml_str, Scenario};

/// Three regions on a line of latitude 52 N (about 68.5 km per degree of longitude there): A
/// and B in NL, C in DE; A-B given by `[[travel]]` by car only. `extra` is appended.
fn three_regions(extra: &str) -> String {
    format!(
        r#"
name = "map"
[simulation]
steps = 3
[[country]]
code = "NL"
languages = ["nl"]
language_skills = {{ de = 0.3 }}
[[country]]
code = "DE"
languages = ["de"]
[[region]]
name = "A"
country = "NL"
labour_force = 20000
unemployment_rate = 0.04
centroid = [52.0, 5.0]
[[region]]
name = "B"
country = "NL"
labour_force = 20000
unemployment_rate = 0.04
centroid = [52.0, 6.0]
[[region]]
name = "C"
country = "DE"
labour_force = 20000
unemployment_rate = 0.04
centroid = [52.0, 7.0]
[[sector]]
name = "s"
vacancy_rate = 0.03
[[travel]]
between = ["A", "B"]
car = 33
{extra}
"#
    )
}

const RULE: &str = r#"
[travel_rule]
detour = 1.25
car_kmh = 100
car_minutes = 10
public_transport_kmh = 80
public_transport_minutes = 20
cross_border_public_transport = 2
"#;

fn load(text: &str) -> Scenario {
    from_toml_str(text, "map.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Straight-line km between two points of latitude 52 N one degree of longitude apart.
fn one_degree_at_52() -> f64 {
    let lat = 52f64.to_radians();
    // Haversine for equal latitudes: 2 R asin(cos(lat) sin(dlon / 2)).
    2.0 * 6371.0 * (lat.cos() * (0.5f64.to_radians()).sin()).asin()
}

#[test]
fn the_rule_fills_the_pairs_travel_leaves_out_and_keeps_those_it_gives() {
    let s = load(&three_regions(RULE));
    let n = 3;
    let km = one_degree_at_52();
    assert!((km - 68.6).abs() < 0.5, "{km}");
    let (a, b, c) = (0, 1, 2);
    // Given: A-B by car, both ways; its public-transport time is the rule's.
    assert_eq!(s.travel_car[a * n + b], 33.0);
    assert_eq!(s.travel_car[b * n + a], 33.0);
    let pt_ab = 20.0 + 60.0 * 1.25 * km / 80.0;
    assert!((s.travel_pt[a * n + b] - pt_ab).abs() < 1e-9);
    // B-C crosses a border: the car time is the plain rule, public transport twice its time.
    let car_bc = 10.0 + 60.0 * 1.25 * km / 100.0;
    assert!((s.travel_car[b * n + c] - car_bc).abs() < 1e-9);
    assert!((s.travel_pt[b * n + c] - 2.0 * pt_ab).abs() < 1e-9);
    // A-C is twice as far, and symmetric.
    let car_ac = 10.0 + 60.0 * 1.25 * 2.0 * km / 100.0;
    assert!(
        (s.travel_car[a * n + c] - car_ac).abs() < 0.05,
        "{}",
        s.travel_car[a * n + c]
    );
    assert_eq!(s.travel_car[a * n + c], s.travel_car[c * n + a]);
    assert_eq!(s.travel_pt[a * n + c], s.travel_pt[c * n + a]);
    // The diagonal stays the time within a region.
    for r in 0..n {
        assert_eq!(s.travel_car[r * n + r], s.commuting.within_region_minutes);
    }
}

#[test]
fn without_a_rule_pairs_left_out_stay_unconnected() {
    let s = load(&three_regions(""));
    assert!(s.travel_rule.is_none());
    assert_eq!(s.travel_car[1], 33.0);
    assert!(s.travel_pt[1].is_infinite());
    assert!(s.travel_car[2].is_infinite() && s.travel_pt[2].is_infinite());
}

#[test]
fn a_region_can_speak_its_own_language() {
    let s = load(&three_regions(
        "[[region]]\nname = \"L\"\ncountry = \"NL\"\nlabour_force = 10000\nunemployment_rate = 0.08\n\
         centroid = [51.0, 5.5]\nlanguages = [\"fr\"]\nlanguage_skills = { nl = 0.2 }\n",
    ));
    let lang = |code: &str| s.languages.iter().position(|l| l == code).unwrap();
    let (nl, de, fr) = (lang("nl"), lang("de"), lang("fr"));
    // Languages only a region names come after the countries'.
    assert_eq!((nl, de, fr), (0, 1, 2));
    let l = &s.regions[3];
    assert_eq!(l.languages, 1 << fr);
    assert_eq!(l.language_skills[nl], 0.2);
    assert_eq!(l.language_skills[fr], 1.0);
    // The country's skill in German is not inherited by a region with its own languages.
    assert_eq!(l.language_skills[de], 0.0);
    // Other regions keep their country's.
    assert_eq!(s.regions[0].languages, s.countries[0].languages);
    assert_eq!(s.regions[0].language_skills, s.countries[0].language_skills);
    // Its jobs ask for French: a node of region L.
    let model = Model::new(s.clone());
    let ns = s.sectors.len();
    assert_eq!(model.node_languages[3 * ns], 1 << fr);
    assert_eq!(model.node_languages[0], 1 << nl);
}

#[test]
fn residents_of_a_french_speaking_region_draw_its_skills() {
    let s = load(&three_regions(
        "[[region]]\nname = \"L\"\ncountry = \"NL\"\nlabour_force = 20000\nunemployment_rate = 0.08\n\
         languages = [\"fr\"]\nlanguage_skills = { nl = 0.2 }\n",
    ));
    let model = Model::new(s.clone());
    let world = labsim::world::World::new(&model, 0);
    let w = &world.workers;
    let (nl, fr) = (0, 2);
    let (mut n, mut dutch) = (0usize, 0usize);
    for i in 0..w.len() {
        if w.home[i] == 3 {
            n += 1;
            assert!(w.langs[i] & (1 << fr) != 0, "every resident speaks French");
            if w.langs[i] & (1 << nl) != 0 {
                dutch += 1;
            }
        } else if w.home[i] == 0 {
            assert!(w.langs[i] & (1 << nl) != 0);
            assert!(w.langs[i] & (1 << fr) == 0);
        }
    }
    let share = dutch as f64 / n as f64;
    assert!(n > 1000 && (share - 0.2).abs() < 0.03, "{dutch} of {n}");
}

#[test]
fn a_region_s_separation_multiplier_scales_its_country_s() {
    let text = three_regions("").replace(
        "name = \"B\"\ncountry = \"NL\"",
        "name = \"B\"\ncountry = \"NL\"\nseparation_multiplier = 2.5",
    );
    let text = text.replace(
        "code = \"NL\"\nlanguages = [\"nl\"]",
        "code = \"NL\"\nlanguages = [\"nl\"]\nseparation_multiplier = 0.8",
    );
    let s = load(&text);
    let model = Model::new(s.clone());
    let ns = s.sectors.len();
    assert_eq!(model.separation_multiplier(0), 0.8);
    assert_eq!(model.separation_multiplier(ns), 0.8 * 2.5);
    assert_eq!(model.separation_multiplier(2 * ns), 1.0);
}

#[test]
fn the_national_scenario_has_its_regions_and_size() {
    let s = labsim::scenario::load(std::path::Path::new("scenarios/netherlands.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let persons: f64 = s.regions.iter().map(|r| r.labour_force).sum();
    let dutch: f64 = s
        .regions
        .iter()
        .filter(|r| s.countries[r.country].code == "NL")
        .map(|r| r.labour_force)
        .sum();
    // CBS 85494NED: 9 898 000 in the Dutch labour force in 2022 (Twente and the rest of
    // Overijssel sum to the province).
    assert_eq!(dutch, 9_898_000.0);
    assert!((15.0e6..16.5e6).contains(&persons), "{persons}");
    let count = |code: &str| {
        s.regions
            .iter()
            .filter(|r| s.countries[r.country].code == code)
            .count()
    };
    assert_eq!((count("NL"), count("DE"), count("BE")), (13, 5, 5));
    // Every pair of regions has a time by both modes, and none is shorter than the time within
    // a region.
    let n = s.regions.len();
    for (m, mode) in [(&s.travel_car, "car"), (&s.travel_pt, "public transport")] {
        for a in 0..n {
            for b in 0..n {
                let t = m[a * n + b];
                assert!(t.is_finite(), "{mode} {a}-{b}");
                assert!(
                    t >= s.commuting.within_region_minutes,
                    "{mode} {a}-{b}: {t}"
                );
                assert_eq!(t, m[b * n + a]);
            }
        }
    }
    // The Twente programme's region is still there, apart from the rest of Overijssel.
    assert!(s.regions.iter().any(|r| r.name == "Twente"));
    assert!(s.regions.iter().any(|r| r.name == "Overijssel (rest)"));
}

/// Region A (Dutch) and region L (French) of one country, 15 minutes apart, with on-the-job
/// search: with `language_weight` 0 nobody works in the other region (each region's jobs are
/// its residents' jobs, every step), with 1 some do. The language border inside a country is a
/// border for the language weight.
#[test]
fn a_language_border_inside_a_country_keeps_workers_apart() {
    let text = |weight: &str| {
        format!(
            r#"
name = "two_languages"
[simulation]
steps = 24
[mechanics]
on_the_job_search = 0.05
[border]
language_weight = {weight}
[[country]]
code = "BE"
languages = ["nl"]
[[region]]
name = "A"
country = "BE"
labour_force = 20000
unemployment_rate = 0.08
[[region]]
name = "L"
country = "BE"
labour_force = 20000
unemployment_rate = 0.08
languages = ["fr"]
[[sector]]
name = "s"
vacancy_rate = 0.05
[[travel]]
between = ["A", "L"]
car = 15
public_transport = 15
"#
        )
    };
    let crossing = |weight: &str| -> f64 {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("two.toml");
        std::fs::write(&file, text(weight)).unwrap();
        assert_cmd::Command::cargo_bin("labsim")
            .unwrap()
            .arg("run")
            .arg(&file)
            .args(["--quiet", "--no-plots", "--out"])
            .arg(tmp.path().join("out"))
            .assert()
            .success();
        let csv = std::fs::read_to_string(tmp.path().join("out/series.csv")).unwrap();
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (level, employed, jobs) = (col("level"), col("employed"), col("jobs"));
        // The largest gap between a region's jobs and its employed residents over the run.
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[level] == "region")
            .map(|c| (c[jobs].parse::<f64>().unwrap() - c[employed].parse::<f64>().unwrap()).abs())
            .fold(0.0, f64::max)
    };
    assert_eq!(crossing("0"), 0.0);
    assert!(crossing("1") > 0.0);
}

/// Two like regions of one country, B with a regional separation multiplier of 3, no commuting
/// between them: B's workers separate about three times as often (the published rules, so all
/// separations are the `delta` draws the multiplier scales).
#[test]
fn a_region_s_separation_multiplier_raises_its_separations() {
    let text = r#"
name = "two_rates"
[simulation]
steps = 24
[mechanics]
separation_rate = 0.01
[[country]]
code = "NL"
languages = ["nl"]
[[region]]
name = "A"
country = "NL"
labour_force = 40000
unemployment_rate = 0.05
[[region]]
name = "B"
country = "NL"
labour_force = 40000
unemployment_rate = 0.05
separation_multiplier = 3
[[sector]]
name = "s"
vacancy_rate = 0.05
"#;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("two.toml");
    std::fs::write(&file, text).unwrap();
    assert_cmd::Command::cargo_bin("labsim")
        .unwrap()
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--no-plots", "--out"])
        .arg(tmp.path().join("out"))
        .assert()
        .success();
    let csv = std::fs::read_to_string(tmp.path().join("out/series.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (level, key, step) = (col("level"), col("key"), col("step"));
    let (separations, employed) = (col("separations"), col("employed"));
    // Separations per employed person and step, over steps 1-24.
    let rate = |region: &str| {
        let (mut s, mut e) = (0.0, 0.0);
        for c in csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
        {
            if c[level] == "region" && c[key] == region && c[step] != "0" {
                s += c[separations].parse::<f64>().unwrap();
                e += c[employed].parse::<f64>().unwrap();
            }
        }
        s / e
    };
    let ratio = rate("B") / rate("A");
    assert!(
        (2.5..3.5).contains(&ratio),
        "B separates {ratio} times as often as A"
    );
}

/// `labsim check` gives the persons of each country beside the total: the national scenario's
/// 15.8 million are the Dutch labour force (CBS) and the German and Belgian border regions'.
#[test]
fn check_splits_the_persons_by_country() {
    let check = |scenario: &str| {
        let out = assert_cmd::Command::cargo_bin("labsim")
            .unwrap()
            .args(["check", scenario])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let stdout = check("scenarios/netherlands.toml");
    assert!(
        stdout.contains("(15780000 persons: NL 9898000, DE 2736000, BE 3146000)"),
        "{stdout}"
    );
    let stdout = check("scenarios/published_model.toml");
    assert!(stdout.contains("(150000 persons)\n"), "{stdout}");
}
