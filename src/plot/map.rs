//! The map of a run on a national map (its `regions.csv`): every region at its centroid,
//! coloured by a value (unemployment over the run, the cross-border share of its jobs, or a
//! scenario's change against its baseline); and the Dutch provinces drawn from their boundaries
//! (CBS's generalised boundaries of 2022, shipped in `assets/maps/`). A region named as a
//! province fills it; the others (Twente and the rest of Overijssel, regions abroad) are circles
//! sized by labour force. Equirectangular projection about the map's mean latitude.

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

/// The Dutch provinces' boundaries (see the file's header for source and licence).
const PROVINCES: &str = include_str!("../../assets/maps/nl_provinces_2022.txt");

/// One ring of a province's boundary: an outer ring, or a hole (water inside it).
struct Ring {
    province: &'static str,
    hole: bool,
    /// Longitude and latitude, degrees; the last point repeats the first.
    points: Vec<(f64, f64)>,
}

/// The rings of [`PROVINCES`]. The file is part of the program and checked by a test.
fn provinces() -> Vec<Ring> {
    PROVINCES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, ';');
            let (province, kind, coords) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            let points = coords
                .split(',')
                .map(|pair| {
                    let mut xy = pair.split_whitespace().map(|v| v.parse::<f64>());
                    match (xy.next(), xy.next()) {
                        (Some(Ok(x)), Some(Ok(y))) => (x, y),
                        _ => panic!("assets/maps: bad point {pair:?} of {province}"),
                    }
                })
                .collect();
            Ring {
                province,
                hole: kind == "hole",
                points,
            }
        })
        .collect()
}

/// Whether region `name` is the province `province`: the same name, or the name with the
/// country in brackets ("Limburg (NL)", as scenarios tell it from Belgian Limburg).
fn is_province(name: &str, province: &str) -> bool {
    name.eq_ignore_ascii_case(province)
        || name
            .strip_suffix(" (NL)")
            .is_some_and(|n| n.eq_ignore_ascii_case(province))
}

/// Longitude and latitude to pixels in a panel: the same scale on both axes, x stretched by
/// the cosine of the mean latitude of the points it was fitted to, north up.
struct Projection {
    k: f64,
    x0: f64,
    y1: f64,
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Projection {
    /// The projection that fits `points` (longitude, latitude) into a panel of `(w, h)`
    /// pixels with `margin` around, centred.
    fn fit(points: &[(f64, f64)], (w, h): (u32, u32), margin: f64) -> Projection {
        let lat0 = points.iter().map(|p| p.1).sum::<f64>() / points.len().max(1) as f64;
        let k = libm::cos(lat0.to_radians());
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for &(lon, lat) in points {
            (x0, x1) = (x0.min(lon * k), x1.max(lon * k));
            (y0, y1) = (y0.min(lat), y1.max(lat));
        }
        let (wf, hf) = (f64::from(w) - 2.0 * margin, f64::from(h) - 2.0 * margin);
        let scale = (wf / (x1 - x0).max(1e-9)).min(hf / (y1 - y0).max(1e-9));
        Projection {
            k,
            x0,
            y1,
            scale,
            ox: margin + (wf - scale * (x1 - x0)) / 2.0,
            oy: margin + (hf - scale * (y1 - y0)) / 2.0,
        }
    }

    fn at(&self, (lon, lat): (f64, f64)) -> (i32, i32) {
        (
            (self.ox + (lon * self.k - self.x0) * self.scale).round() as i32,
            (self.oy + (self.y1 - lat) * self.scale).round() as i32,
        )
    }
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

/// Draw `spots` on the map: where regions are Dutch provinces, the provinces from their
/// boundaries, each filled with `colour(value)` of its region (grey where no region is the
/// province); the other regions as circles sized by labour force. Each region is labelled with
/// its name and the spot's label; a title on top and a legend line below.
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
    draw_map(&body, spots, colour)?;
    foot.draw(&Text::new(
        legend.to_string(),
        (8, 6),
        TextStyle::from((FONT, 13).into_font()),
    ))?;
    Ok(())
}

/// The map itself, filling `body`.
fn draw_map<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    spots: &[Spot],
    colour: &dyn Fn(f64) -> RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let regions: Vec<&RegionsRow> = spots.iter().map(|s| s.region).collect();
    // The province each region is, if any; provinces are drawn when some region is one.
    let rings = provinces();
    let province_of: Vec<Option<&str>> = regions
        .iter()
        .map(|r| {
            rings
                .iter()
                .find(|g| is_province(&r.region, g.province))
                .map(|g| g.province)
        })
        .collect();
    let with_provinces = province_of.iter().any(Option::is_some);
    let mut points: Vec<(f64, f64)> = regions.iter().map(|r| (r.longitude, r.latitude)).collect();
    if with_provinces {
        points.extend(rings.iter().flat_map(|g| g.points.iter().copied()));
    }
    let projection = Projection::fit(&points, body.dim_in_pixel(), 48.0);
    let at: Vec<(i32, i32)> = regions
        .iter()
        .map(|r| projection.at((r.longitude, r.latitude)))
        .collect();
    let fill_of = |province: &str| {
        province_of
            .iter()
            .position(|p| *p == Some(province))
            .map(|i| colour(spots[i].value))
    };
    if with_provinces {
        let land = RGBColor(226, 226, 226);
        let pixels: Vec<Vec<(i32, i32)>> = rings
            .iter()
            .map(|g| g.points.iter().map(|&q| projection.at(q)).collect())
            .collect();
        // Outer rings first, then the holes (water) over them, then every boundary line.
        for hole in [false, true] {
            for (g, ring) in rings.iter().zip(&pixels).filter(|(g, _)| g.hole == hole) {
                let c = if hole {
                    WHITE
                } else {
                    fill_of(g.province).unwrap_or(land)
                };
                body.draw(&Polygon::new(ring.clone(), c.filled()))?;
            }
        }
        for ring in pixels {
            body.draw(&PathElement::new(ring, BLACK.mix(0.35).stroke_width(1)))?;
        }
    }
    let largest = regions.iter().map(|r| r.labour_force).fold(1.0, f64::max);
    let radius = |i: usize| {
        if province_of[i].is_some() {
            0
        } else {
            (6.0 + 26.0 * (regions[i].labour_force / largest).sqrt()).round() as i32
        }
    };
    // Largest first, so that small regions stay visible on top.
    let mut order: Vec<usize> = (0..spots.len()).filter(|&i| radius(i) > 0).collect();
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
    // The name above the circle (or at a province's centroid), in black; the value inside,
    // white on dark fills.
    let centred = Pos::new(HPos::Center, VPos::Center);
    for (i, s) in spots.iter().enumerate() {
        let (x, y) = at[i];
        let font = TextStyle::from((FONT, 11).into_font()).pos(centred);
        let (name_y, value_y) = if radius(i) > 0 {
            (y - radius(i) - 7, y)
        } else {
            (y - 6, y + 7)
        };
        body.draw(&Text::new(
            s.region.region.clone(),
            (x, name_y),
            font.clone(),
        ))?;
        let ink = if luminance(colour(s.value)) < 0.45 {
            WHITE
        } else {
            BLACK
        };
        body.draw(&Text::new(s.label.clone(), (x, value_y), font.color(&ink)))?;
    }
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
        let points: Vec<(f64, f64)> = [&a, &b, &c]
            .iter()
            .map(|r| (r.longitude, r.latitude))
            .collect();
        let p = Projection::fit(&points, (400, 400), 20.0);
        let at: Vec<(i32, i32)> = points.iter().map(|&q| p.at(q)).collect();
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
    fn the_provinces_are_twelve_closed_rings_with_holes_turning_the_other_way() {
        let rings = provinces();
        let mut names: Vec<&str> = rings.iter().map(|g| g.province).collect();
        names.dedup();
        assert_eq!(names.len(), 12, "{names:?}");
        for g in &rings {
            assert!(g.points.len() >= 8, "{}", g.province);
            assert_eq!(g.points.first(), g.points.last(), "{}", g.province);
            // Shoelace area: outer rings counter-clockwise, holes clockwise (as published).
            let area: f64 = g
                .points
                .windows(2)
                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                .sum::<f64>()
                / 2.0;
            assert_eq!(area < 0.0, g.hole, "{}: {area}", g.province);
            for &(lon, lat) in &g.points {
                assert!((3.3..7.3).contains(&lon) && (50.7..53.6).contains(&lat));
            }
        }
        // Gelderland, the largest province: about 5,100 square kilometres of land and water.
        let gelderland: f64 = rings
            .iter()
            .filter(|g| g.province == "Gelderland")
            .map(|g| {
                g.points
                    .windows(2)
                    .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                    .sum::<f64>()
                    / 2.0
            })
            .sum();
        let km2 = gelderland * 111.2 * 111.2 * 52.1f64.to_radians().cos();
        assert!((4_800.0..5_400.0).contains(&km2), "{km2}");
    }

    #[test]
    fn a_region_is_a_province_by_name_or_with_its_country_in_brackets() {
        assert!(is_province("Limburg (NL)", "Limburg"));
        assert!(is_province("utrecht", "Utrecht"));
        assert!(!is_province("Limburg (BE)", "Limburg"));
        assert!(!is_province("Twente", "Overijssel"));
        assert!(!is_province("Overijssel (rest)", "Overijssel"));
    }

    #[test]
    fn a_province_that_is_a_region_is_filled_with_its_colour() {
        let (w, h) = (500u32, 600u32);
        let mut buffer = vec![0u8; (w * h * 3) as usize];
        let (utrecht, twente) = (
            region("Utrecht", 52.084, 5.163),
            region("Twente", 52.315, 6.706),
        );
        let spots = [
            Spot {
                region: &utrecht,
                value: 1.0,
                label: String::new(),
            },
            Spot {
                region: &twente,
                value: 0.0,
                label: String::new(),
            },
        ];
        let colour = |v: f64| {
            if v > 0.5 {
                RGBColor(200, 0, 0)
            } else {
                RGBColor(0, 0, 200)
            }
        };
        super::super::chart::register_font();
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            draw_map(&root, &spots, &colour).unwrap();
            root.present().unwrap();
        }
        let pixel = |lon: f64, lat: f64| {
            let mut points: Vec<(f64, f64)> = vec![(5.163, 52.084), (6.706, 52.315)];
            points.extend(provinces().iter().flat_map(|g| g.points.clone()));
            let (x, y) = Projection::fit(&points, (w, h), 48.0).at((lon, lat));
            let k = ((y as u32 * w + x as u32) * 3) as usize;
            (buffer[k], buffer[k + 1], buffer[k + 2])
        };
        // Inside Utrecht, off its label: the region's colour; Twente is a circle in its own
        // colour over the rest of Overijssel; Gelderland, no region here, is grey land.
        assert_eq!(pixel(5.30, 52.20), (200, 0, 0));
        assert_eq!(pixel(6.706 + 0.05, 52.315 + 0.03), (0, 0, 200));
        assert_eq!(pixel(5.95, 52.15), (226, 226, 226));
        // The sea is the background.
        assert_eq!(pixel(4.0, 53.3), (255, 255, 255));
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
