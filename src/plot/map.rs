//! The map of a run on a national map (its `regions.csv`): every region as a circle at its
//! centroid, sized by its labour force and coloured by its unemployment rate over the run; and
//! beside it the cross-border commuters each region receives and sends. No boundaries: regions
//! are markers (equirectangular projection about the map's mean latitude).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::FONT;
use crate::output::RegionsRow;

/// A value of one region, with where it lies and the label written under its name.
pub(super) struct Spot<'a> {
    pub region: &'a RegionsRow,
    pub value: f64,
    pub label: String,
}

/// Pixel positions of `regions` in a panel of `(w, h)` pixels with `margin` around: the same
/// scale on both axes, x stretched by the cosine of the mean latitude.
fn project(regions: &[&RegionsRow], (w, h): (u32, u32), margin: f64) -> Vec<(i32, i32)> {
    let lat0 = regions.iter().map(|r| r.latitude).sum::<f64>() / regions.len().max(1) as f64;
    let k = libm::cos(lat0.to_radians());
    let xs: Vec<f64> = regions.iter().map(|r| r.longitude * k).collect();
    let ys: Vec<f64> = regions.iter().map(|r| r.latitude).collect();
    let (x0, x1) = (
        xs.iter().cloned().fold(f64::INFINITY, f64::min),
        xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.iter().cloned().fold(f64::INFINITY, f64::min),
        ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    );
    let (wf, hf) = (f64::from(w) - 2.0 * margin, f64::from(h) - 2.0 * margin);
    let scale = (wf / (x1 - x0).max(1e-9)).min(hf / (y1 - y0).max(1e-9));
    // Centre the map in the panel.
    let (ox, oy) = (
        margin + (wf - scale * (x1 - x0)) / 2.0,
        margin + (hf - scale * (y1 - y0)) / 2.0,
    );
    xs.iter()
        .zip(&ys)
        .map(|(x, y)| {
            (
                (ox + (x - x0) * scale).round() as i32,
                (oy + (y1 - y) * scale).round() as i32,
            )
        })
        .collect()
}

/// A colour on a yellow-orange-red ramp for `t` in [0, 1].
pub(super) fn heat(t: f64) -> RGBColor {
    let stops = [
        (255.0, 237.0, 160.0),
        (253.0, 141.0, 60.0),
        (189.0, 0.0, 38.0),
    ];
    let t = t.clamp(0.0, 1.0) * 2.0;
    let (i, f) = if t >= 2.0 {
        (1, 1.0)
    } else {
        (t as usize, t.fract())
    };
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A colour on a blue-white-red ramp for `t` in [-1, 1] (a change: falls blue, rises red).
pub(super) fn diverging(t: f64) -> RGBColor {
    let t = t.clamp(-1.0, 1.0);
    let (end, f) = if t < 0.0 {
        ((33.0, 102.0, 172.0), -t)
    } else {
        ((178.0, 24.0, 43.0), t)
    };
    let mix = |q: f64| (247.0 + (q - 247.0) * f).round() as u8;
    RGBColor(mix(end.0), mix(end.1), mix(end.2))
}

/// Draw `spots` as circles sized by labour force, coloured by `colour(value)`, labelled with
/// the region's name and the spot's label; a title on top and a legend line below.
pub(super) fn markers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &str,
    spots: &[Spot],
    colour: &dyn Fn(f64) -> RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (top, rest) = area.split_vertically(36);
    top.titled(title, (FONT, 20))?;
    let (body, foot) = rest.split_vertically(rest.dim_in_pixel().1.saturating_sub(28));
    let regions: Vec<&RegionsRow> = spots.iter().map(|s| s.region).collect();
    let at = project(&regions, body.dim_in_pixel(), 48.0);
    let largest = regions.iter().map(|r| r.labour_force).fold(1.0, f64::max);
    // Largest first, so that small regions stay visible on top.
    let radius =
        |i: usize| (6.0 + 26.0 * (regions[i].labour_force / largest).sqrt()).round() as i32;
    let mut order: Vec<usize> = (0..spots.len()).collect();
    order.sort_by(|&a, &b| regions[b].labour_force.total_cmp(&regions[a].labour_force));
    for &i in &order {
        let c = colour(spots[i].value);
        body.draw(&Circle::new(at[i], radius(i), c.filled()))?;
        body.draw(&Circle::new(
            at[i],
            radius(i),
            BLACK.mix(0.5).stroke_width(1),
        ))?;
    }
    // The name above the circle, in black; the value inside, white on dark fills.
    let centred = Pos::new(HPos::Center, VPos::Center);
    for (i, s) in spots.iter().enumerate() {
        let (x, y) = at[i];
        let font = TextStyle::from((FONT, 11).into_font()).pos(centred);
        body.draw(&Text::new(
            s.region.region.clone(),
            (x, y - radius(i) - 7),
            font.clone(),
        ))?;
        let ink = if luminance(colour(s.value)) < 0.45 {
            WHITE
        } else {
            BLACK
        };
        body.draw(&Text::new(s.label.clone(), (x, y), font.color(&ink)))?;
    }
    foot.draw(&Text::new(
        legend.to_string(),
        (8, 6),
        TextStyle::from((FONT, 13).into_font()),
    ))?;
    Ok(())
}

/// Relative luminance of a colour, 0 (black) to 1 (white), with the sRGB weights.
fn luminance(c: RGBColor) -> f64 {
    (0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(name: &str, latitude: f64, longitude: f64) -> RegionsRow {
        RegionsRow {
            region: name.into(),
            country: "NL".into(),
            latitude,
            longitude,
            labour_force: 1000.0,
        }
    }

    #[test]
    fn the_projection_keeps_north_up_east_right_and_one_scale() {
        let (a, b, c) = (
            region("a", 52.0, 5.0),
            region("b", 53.0, 5.0),
            region("c", 52.0, 6.0),
        );
        let at = project(&[&a, &b, &c], (400, 400), 20.0);
        // North is up, east is right.
        assert!(at[1].1 < at[0].1 && at[1].0 == at[0].0);
        assert!(at[2].0 > at[0].0 && at[2].1 == at[0].1);
        // A degree of longitude is cos(latitude) of a degree of latitude (within rounding).
        let dy = f64::from(at[0].1 - at[1].1);
        let dx = f64::from(at[2].0 - at[0].0);
        let k = (52.0 + 1.0 / 3.0f64).to_radians().cos();
        assert!((dx / dy - k).abs() < 0.01, "{dx} {dy}");
        // Everything inside the panel's margins.
        for (x, y) in at {
            assert!((20..=380).contains(&x) && (20..=380).contains(&y));
        }
    }

    #[test]
    fn the_ramps_run_from_end_to_end() {
        assert_eq!(heat(0.0), RGBColor(255, 237, 160));
        assert_eq!(heat(1.0), RGBColor(189, 0, 38));
        assert_eq!(heat(0.5), RGBColor(253, 141, 60));
        assert_eq!(diverging(0.0), RGBColor(247, 247, 247));
        assert_eq!(diverging(-1.0), RGBColor(33, 102, 172));
        assert_eq!(diverging(1.0), RGBColor(178, 24, 43));
        assert_eq!(heat(2.0), heat(1.0));
        // Labels turn white where the fill is dark.
        assert!(luminance(heat(1.0)) < 0.45 && luminance(heat(0.0)) > 0.45);
    }
}
