//! Charts drawn on the server as SVG: light (a few hundred bytes of markup per series), no
//! script, readable on a phone (they scale to the width), and accessible: every chart has a
//! `<title>` and a `<desc>` named by `aria-labelledby`, and the page puts the same numbers in a
//! table beside it. Colours come from the stylesheet (`.chart .s1`, `.s2`), so the dark and
//! high-contrast themes apply.

use std::fmt::Write as _;

/// One series of a chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A column chart: one group of columns per label, one column per series. `id` must be unique
/// on the page (it names the title and description).
pub fn columns(
    id: &str,
    title: &str,
    description: &str,
    labels: &[String],
    series: &[Series<'_>],
) -> String {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 220.0;
    const LEFT: f64 = 44.0;
    const BOTTOM: f64 = 28.0;
    const TOP: f64 = 12.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let scale_top = nice_ceiling(max);
    let plot_width = WIDTH - LEFT - 8.0;
    let plot_height = HEIGHT - BOTTOM - TOP;
    let groups = labels.len().max(1) as f64;
    let group_width = plot_width / groups;
    let bar_width = (group_width * 0.8 / series.len().max(1) as f64).max(1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(description)
    );
    // Axis with three gridlines.
    for step in 0..=2 {
        let value = scale_top * f64::from(step) / 2.0;
        let y = TOP + plot_height - plot_height * f64::from(step) / 2.0;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 8.0,
            LEFT - 4.0,
            y + 4.0,
            short_number(value)
        );
    }
    // Label every n-th group so labels never overlap (at most ~12 shown).
    let every = labels.len().div_ceil(12).max(1);
    for (g, label) in labels.iter().enumerate() {
        let x0 = LEFT + group_width * g as f64 + group_width * 0.1;
        for (s, one) in series.iter().enumerate() {
            let value = one.values.get(g).copied().unwrap_or(0.0);
            let h = if scale_top > 0.0 {
                plot_height * value / scale_top
            } else {
                0.0
            };
            let _ = write!(
                svg,
                "<rect class=\"s{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {} {}</title></rect>",
                s + 1,
                x0 + bar_width * s as f64,
                TOP + plot_height - h,
                bar_width,
                h,
                escape(label),
                escape(one.name),
                short_number(value)
            );
        }
        if g % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + group_width * 0.4,
                HEIGHT - 10.0,
                escape(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar per label (long names fit), values written at the bar's end.
pub fn bars(
    id: &str,
    title: &str,
    description: &str,
    rows: &[(String, f64)],
    unit: &str,
) -> String {
    const WIDTH: f64 = 640.0;
    const ROW: f64 = 26.0;
    const LABEL: f64 = 220.0;
    let height = ROW * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(description)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let w = if max > 0.0 {
            (WIDTH - LABEL - 70.0) * value / max
        } else {
            0.0
        };
        let shown: String = label.chars().take(34).collect();
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"s1\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">{}{}</text>",
            LABEL - 6.0,
            y + ROW * 0.6,
            escape(&shown),
            y + 3.0,
            ROW - 8.0,
            LABEL + w + 4.0,
            y + ROW * 0.6,
            short_number(*value),
            escape(unit)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A heat map: one row per `rows` label, one column per `columns` label, `values[row][column]`
/// shaded in five steps of the largest value and written in the cell (colour is never the only
/// carrier of the number).
pub fn heat_map(
    id: &str,
    title: &str,
    description: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<f64>],
) -> String {
    const LABEL: f64 = 44.0;
    const TOP: f64 = 18.0;
    const CELL_HEIGHT: f64 = 26.0;
    let cell_width = ((640.0 - LABEL) / columns.len().max(1) as f64).min(60.0);
    let width = LABEL + cell_width * columns.len().max(1) as f64 + 4.0;
    let height = TOP + CELL_HEIGHT * rows.len().max(1) as f64 + 4.0;
    let max = values
        .iter()
        .flat_map(|r| r.iter().copied())
        .fold(0.0_f64, f64::max);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(description)
    );
    for (c, label) in columns.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"12\" text-anchor=\"middle\">{}</text>",
            LABEL + cell_width * (c as f64 + 0.5),
            escape(label)
        );
    }
    for (r, label) in rows.iter().enumerate() {
        let y = TOP + CELL_HEIGHT * r as f64;
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL - 6.0,
            y + CELL_HEIGHT * 0.65,
            escape(label)
        );
        for c in 0..columns.len() {
            let value = values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0.0);
            let step = if max > 0.0 && value > 0.0 {
                ((value / max) * 5.0).ceil().clamp(1.0, 5.0) as u8
            } else {
                0
            };
            let x = LABEL + cell_width * c as f64;
            let _ = write!(
                svg,
                "<rect class=\"h{step}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                x + 1.0,
                y + 1.0,
                cell_width - 2.0,
                CELL_HEIGHT - 2.0
            );
            if value > 0.0 {
                let _ = write!(
                    svg,
                    "<text class=\"cell{}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    if step >= 4 { " strong" } else { "" },
                    x + cell_width / 2.0,
                    y + CELL_HEIGHT * 0.65,
                    short_number(value)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// 1, 2 or 5 times a power of ten, at least `value` (a round top for the axis).
fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let power = 10_f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|c| *c >= value)
        .unwrap_or(10.0 * power)
}

fn short_number(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.0}k", value / 1000.0)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_itself_and_escapes_its_labels() {
        let svg = columns(
            "c1",
            "Permohonan <harian>",
            "Diterima & selesai",
            &["2026-01-01".into(), "2026-01-02".into()],
            &[Series {
                name: "diterima",
                values: vec![3.0, 7.0],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-labelledby=\"c1-t c1-d\""));
        assert!(svg.contains("<title id=\"c1-t\">Permohonan &lt;harian&gt;</title>"));
        assert!(svg.contains("Diterima &amp; selesai"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
    }

    #[test]
    fn a_heat_map_shades_each_cell_by_its_share_of_the_largest_and_writes_the_number() {
        let svg = heat_map(
            "h",
            "Jam sibuk",
            "Tiket per hari dan jam",
            &["Sen".into(), "Sel".into()],
            &["08".into(), "09".into()],
            &[vec![10.0, 0.0], vec![2.0, 5.0]],
        );
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("class=\"h5\""), "{svg}");
        assert!(svg.contains("class=\"h0\""), "{svg}");
        assert!(svg.contains("class=\"h1\""), "{svg}");
        assert!(svg.contains(">10</text>") && svg.contains(">5</text>"));
    }
}
