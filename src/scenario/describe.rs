//! What `labsim check` prints about a validated scenario: its countries, regions, sectors,
//! size, length and policies, one per line. Text for people; nothing reads it back.

use std::fmt::Write as _;

use super::Scenario;

/// The description of `s`, one line per item, ending with a newline.
pub fn describe(s: &Scenario) -> String {
    let mut out = String::new();
    let sim = &s.simulation;
    let _ = writeln!(out, "scenario   {} ({})", s.name, s.file.display());
    if !s.description.is_empty() {
        let _ = writeln!(out, "           {}", s.description);
    }
    let _ = writeln!(out, "hash       {}", s.hash);
    let _ = writeln!(out, "countries  {}", s.countries.len());
    for c in &s.countries {
        let langs: Vec<&str> = (0..s.languages.len())
            .filter(|&l| c.languages & (1 << l) != 0)
            .map(|l| s.languages[l].as_str())
            .collect();
        let _ = writeln!(
            out,
            "  {:<4} {} (languages: {})",
            c.code,
            c.name,
            langs.join(", ")
        );
    }
    let _ = writeln!(out, "regions    {}", s.regions.len());
    for r in &s.regions {
        // A region that speaks other languages than its country says which.
        let own = if r.languages == s.countries[r.country].languages {
            String::new()
        } else {
            let langs: Vec<&str> = (0..s.languages.len())
                .filter(|&l| r.languages & (1 << l) != 0)
                .map(|l| s.languages[l].as_str())
                .collect();
            format!("  (languages: {})", langs.join(", "))
        };
        let _ = writeln!(
            out,
            "  {:<32} {:<4} labour force {:>10.0}  unemployment {:>5.1} %{own}",
            r.name,
            s.countries[r.country].code,
            r.labour_force,
            r.unemployment_rate * 100.0
        );
    }
    if let Some(t) = &s.travel_rule {
        let _ = writeln!(
            out,
            "travel     pairs without [[travel]] from centroids: {} km of road a km, car {} km/h + {} min, public transport {} km/h + {} min (x{} across a border)",
            t.detour,
            t.car_kmh,
            t.car_minutes,
            t.public_transport_kmh,
            t.public_transport_minutes,
            t.cross_border_public_transport
        );
    }
    let _ = writeln!(out, "sectors    {}", s.sectors.len());
    for x in &s.sectors {
        let _ = writeln!(
            out,
            "  {:<24} vacancy rate {:>5.1} %  wage {:>6.0}{}",
            x.name,
            x.vacancy_rate * 100.0,
            x.wage,
            if x.regulated { "  regulated" } else { "" }
        );
    }
    let persons: f64 = s.regions.iter().map(|r| r.labour_force).sum();
    // With more than one country, how the persons split between them.
    let by_country = if s.countries.len() > 1 {
        let parts: Vec<String> = s
            .countries
            .iter()
            .enumerate()
            .map(|(c, country)| {
                let n: f64 = s
                    .regions
                    .iter()
                    .filter(|r| r.country == c)
                    .map(|r| r.labour_force)
                    .sum();
                format!("{} {n:.0}", country.code)
            })
            .collect();
        format!(": {}", parts.join(", "))
    } else {
        String::new()
    };
    let _ = writeln!(out, "nodes      {}", s.n_nodes());
    let _ = writeln!(
        out,
        "workers    {} agents at scale {} ({persons:.0} persons{by_country})",
        s.n_workers(),
        sim.scale
    );
    let _ = writeln!(
        out,
        "steps      {} of {} month(s){}",
        sim.steps,
        sim.step_months,
        sim.start.map(|d| format!(", from {d}")).unwrap_or_default()
    );
    let _ = writeln!(out, "replications {}, seed {}", sim.replications, sim.seed);
    let _ = writeln!(out, "policies   {}", s.policies.len());
    for p in &s.policies {
        let _ = writeln!(
            out,
            "  {:<36} {:<22} steps {}-{}{}",
            p.name,
            p.kind.name(),
            p.start,
            p.end.min(sim.steps),
            p.budget
                .map(|b| format!(", budget EUR {b:.0}"))
                .unwrap_or_default()
        );
    }
    out
}
