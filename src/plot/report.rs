//! The HTML report: one self-contained page per run, comparison or sweep (every SVG inlined, no
//! scripts, nothing fetched), and the pieces the pages share.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::input::Run;
use super::R;

/// Escape text for HTML.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `<svg>` element of an SVG document, for inlining.
pub(super) fn inline_svg(svg: &str) -> String {
    svg.split_once("<svg")
        .map(|(_, rest)| format!("<svg{rest}"))
        .unwrap_or_default()
}

/// The start of a report page: `title` in the browser's tab, `heading` (both already escaped)
/// on the page, and `style` rules between the shared body and figure rules and the svg rule.
pub(super) fn page_head(title: &str, heading: &str, style: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:1250px;margin:2em auto;color:#222}}figure{{margin:2em 0}}\
         {style}svg{{max-width:100%;height:auto}}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n"
    )
}

/// Append every figure (its SVG inlined) to `html`, close the page and write it as
/// `dir/report.html`.
pub(super) fn write_report(
    dir: &Path,
    mut html: String,
    stems: &[String],
    svgs: &[String],
) -> R<Vec<PathBuf>> {
    for (stem, svg) in stems.iter().zip(svgs) {
        let _ = writeln!(
            html,
            "<figure id=\"{stem}\">\n{}\n</figure>",
            inline_svg(svg)
        );
    }
    html.push_str("</body>\n</html>\n");
    Ok(crate::output::write_all_atomic(
        dir,
        &[("report.html", html)],
    )?)
}

/// One self-contained page: the scenario, its key figures, every SVG inlined; no scripts.
pub(super) fn run_report(run: &Run, figures: &[(&str, &str)], svgs: &[String]) -> String {
    let m = run.manifest.clone().unwrap_or(serde_json::Value::Null);
    let title = escape(&run.title());
    let mut out = page_head(
        &format!("{title} - labsim report"),
        &title,
        "figcaption{font-weight:bold;margin-bottom:.5em}table{border-collapse:collapse}\
         td,th{border:1px solid #bbb;padding:.3em .7em;text-align:right}th{background:#eee}",
    );
    let _ = writeln!(out, "<table>");
    for (label, key) in [
        ("scenario file", "scenario_file"),
        ("scenario hash", "scenario_hash"),
        ("seed", "seed"),
        ("replications", "replications"),
        ("steps (months)", "steps"),
        ("start", "start"),
        ("persons", "persons"),
        ("agents", "workers"),
        ("labsim version", "labsim_version"),
    ] {
        let value = match &m[key] {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let _ = writeln!(out, "<tr><th>{label}</th><td>{}</td></tr>", escape(&value));
    }
    let _ = writeln!(out, "</table>");
    for ((stem, caption), svg) in figures.iter().zip(svgs) {
        let _ = writeln!(
            out,
            "<figure id=\"{stem}\">\n<figcaption>{}</figcaption>\n{}\n</figure>",
            escape(caption),
            inline_svg(svg)
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The paragraphs and the table of `summary.md` as HTML.
pub(super) fn markdown_table_to_html(md: &str) -> String {
    let mut out = String::new();
    let mut in_table = false;
    for line in md.lines() {
        if let Some(row) = line.strip_prefix('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                out.push_str("<table>\n");
                in_table = true;
            }
            let cells: Vec<&str> = row
                .trim_end_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let tag = if out.ends_with("<table>\n") {
                "th"
            } else {
                "td"
            };
            out.push_str("<tr>");
            for c in cells {
                let _ = write!(out, "<{tag}>{}</{tag}>", escape(c));
            }
            out.push_str("</tr>\n");
        } else {
            if in_table {
                out.push_str("</table>\n");
                in_table = false;
            }
            let text = line.trim_start_matches('#').trim();
            if !text.is_empty() && !line.starts_with('#') {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
        }
    }
    if in_table {
        out.push_str("</table>\n");
    }
    out
}
