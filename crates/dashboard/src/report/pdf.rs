//! The monthly report as a PDF (A4 portrait): title and scope, the key figures beside the
//! previous month, two bar charts drawn as rectangles, the per-service table, the commentary
//! and how the figures are counted. Uses the PDF's built-in Helvetica (as the letters and
//! certificates do): nothing to embed, text stays extractable. Text is wrapped by an estimate
//! of Helvetica's average width, and a new page starts when the next block would not fit.

use platform::{clock, web::i18n::Tr};
use printpdf::{
    BuiltinFont, Color, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference,
    Rect, Rgb, path::PaintMode,
};

use super::{ReportData, jp_overall};
use crate::{error::DashboardError, figures::PeriodFigures};

const WIDTH: f32 = 210.0;
const HEIGHT: f32 = 297.0;
const LEFT: f32 = 18.0;
const RIGHT: f32 = WIDTH - 18.0;
const TOP: f32 = HEIGHT - 18.0;
const BOTTOM: f32 = 18.0;

/// Millimetres per point.
const MM_PER_PT: f32 = 0.3528;

struct Writer {
    doc: PdfDocumentReference,
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: f32,
}

fn grey(level: f32) -> Color {
    Color::Rgb(Rgb::new(level, level, level, None))
}

/// The chart colour (the site's blue).
fn blue() -> Color {
    Color::Rgb(Rgb::new(0.12, 0.35, 0.62, None))
}

/// Lines of at most `width_mm` at `size` points (an estimate: Helvetica averages about half an
/// em per character).
fn wrap(text: &str, size: f32, width_mm: f32) -> Vec<String> {
    let per_line = ((width_mm / (size * MM_PER_PT * 0.52)) as usize).max(10);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let mut word = word.to_string();
            while word.chars().count() > per_line {
                let head: String = word.chars().take(per_line).collect();
                word = word.chars().skip(per_line).collect();
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(head);
            }
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

/// Width of `text` at `size` points in mm, from Helvetica's character widths (per 1000 em;
/// rounded by class: enough to right-align numbers and short labels).
fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' => 222,
            ' ' | '.' | ',' | ':' | ';' | '!' | 'I' | 'f' | 't' => 278,
            '(' | ')' | '-' | 'r' => 333,
            'm' => 833,
            'w' | 'M' => 760,
            '%' => 889,
            'A'..='Z' => 667,
            '0'..='9' => 556,
            _ => 540,
        })
        .sum();
    units as f32 / 1000.0 * size * MM_PER_PT
}

/// Characters outside the built-in fonts' WinAnsi encoding become spaces; control characters are dropped.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if (c as u32) < 0x100 || "–—‘’‚“”„•…€™".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// At most `max` characters, with an ellipsis when cut.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(max - 3).collect::<String>())
    }
}

impl Writer {
    fn new(title: &str) -> Result<Writer, printpdf::Error> {
        let (doc, page, layer) = PdfDocument::new(title, Mm(WIDTH), Mm(HEIGHT), "report");
        let layer = doc.get_page(page).get_layer(layer);
        let regular = doc.add_builtin_font(BuiltinFont::Helvetica)?;
        let bold = doc.add_builtin_font(BuiltinFont::HelveticaBold)?;
        Ok(Writer {
            doc,
            layer,
            regular,
            bold,
            y: TOP,
        })
    }

    /// Starts a new page unless `height` mm still fit.
    fn room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            let (page, layer) = self.doc.add_page(Mm(WIDTH), Mm(HEIGHT), "report");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = TOP;
        }
    }

    fn text_at(&self, text: &str, size: f32, x: f32, y: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer.set_fill_color(grey(0.0));
        self.layer
            .use_text(printable(text), size, Mm(x), Mm(y), font);
    }

    /// A wrapped paragraph.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let line_height = size * MM_PER_PT * 1.35;
        for line in wrap(text, size, RIGHT - LEFT) {
            self.room(line_height);
            self.y -= line_height;
            self.text_at(&line, size, LEFT, self.y, bold);
        }
    }

    fn heading(&mut self, text: &str) {
        self.room(14.0);
        self.y -= 5.0;
        self.paragraph(text, 12.0, true);
        self.y -= 1.5;
    }

    fn rule(&mut self) {
        self.layer.set_fill_color(grey(0.6));
        self.layer.add_rect(
            Rect::new(Mm(LEFT), Mm(self.y - 0.2), Mm(RIGHT), Mm(self.y)).with_mode(PaintMode::Fill),
        );
    }

    /// A table: column x offsets (mm from the left margin), header, rows; numbers are right
    /// aligned at the next column's start when `right` says so.
    fn table(&mut self, columns: &[f32], right: &[bool], header: &[String], rows: &[Vec<String>]) {
        let size = 9.0;
        let line_height = 5.2;
        let width = |text: &str| text_width(text, size);
        let draw = |writer: &mut Writer, cells: &[String], bold: bool| {
            writer.room(line_height);
            writer.y -= line_height;
            for (i, cell) in cells.iter().enumerate() {
                let start = LEFT + columns[i];
                let end = columns.get(i + 1).map_or(RIGHT, |c| LEFT + c - 2.0);
                let x = if right.get(i).copied().unwrap_or(false) {
                    (end - width(cell)).max(start)
                } else {
                    start
                };
                writer.text_at(cell, size, x, writer.y, bold);
            }
        };
        draw(self, header, true);
        self.y -= 1.2;
        self.rule();
        for row in rows {
            draw(self, row, false);
        }
        self.y -= 2.0;
    }

    /// Horizontal bars: one per (label, value), scaled to the largest (or to 100 for %).
    fn bars(&mut self, title: &str, rows: &[(String, f64)], unit: &str, percent: bool) {
        if rows.is_empty() {
            return;
        }
        let bar_height = 5.0;
        self.room(10.0 + bar_height * rows.len() as f32);
        self.y -= 5.0;
        self.text_at(title, 10.0, LEFT, self.y, true);
        self.y -= 2.0;
        let max = if percent {
            100.0
        } else {
            rows.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0)
        };
        let label_width = 62.0;
        let plot = RIGHT - LEFT - label_width - 22.0;
        for (label, value) in rows {
            self.y -= bar_height;
            self.text_at(&fit(label, 38), 8.0, LEFT, self.y + 1.2, false);
            let length = (plot as f64 * value / max) as f32;
            let x0 = LEFT + label_width;
            self.layer.set_fill_color(blue());
            self.layer.add_rect(
                Rect::new(
                    Mm(x0),
                    Mm(self.y + 0.6),
                    Mm(x0 + length.max(0.4)),
                    Mm(self.y + bar_height - 0.6),
                )
                .with_mode(PaintMode::Fill),
            );
            let shown = if percent {
                format!("{value:.1}{unit}")
            } else {
                format!("{value:.0}{unit}")
            };
            self.text_at(&shown, 8.0, x0 + length + 1.5, self.y + 1.2, false);
        }
        self.y -= 3.0;
    }
}

fn one_decimal(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.1}{unit}"))
}

fn days(value: Option<i64>, tr: &Tr) -> String {
    value.map_or_else(
        || "-".to_string(),
        |v| format!("{v} {}", tr.t("dashboard.working_days")),
    )
}

fn ikm(period: &PeriodFigures) -> String {
    period.ikm.as_ref().map_or_else(
        || "-".to_string(),
        |i| format!("{:.2} ({})", i.value, i.grade),
    )
}

/// The key figures: (label, this month, previous month).
fn key_figures(data: &ReportData, tr: &Tr) -> Vec<Vec<String>> {
    let (c, p) = (&data.services.current, &data.previous.current);
    let row = |key: &str, now: String, before: String| vec![tr.t(key).to_string(), now, before];
    vec![
        row(
            "dashboard.received",
            c.counts.received.to_string(),
            p.counts.received.to_string(),
        ),
        row(
            "dashboard.completed",
            c.counts.completed.to_string(),
            p.counts.completed.to_string(),
        ),
        row(
            "dashboard.sla_compliance",
            one_decimal(c.sla_compliance, " %"),
            one_decimal(p.sla_compliance, " %"),
        ),
        row(
            "dashboard.median_days",
            days(c.processing.median_days, tr),
            days(p.processing.median_days, tr),
        ),
        row(
            "dashboard.p90_days",
            days(c.processing.p90_days, tr),
            days(p.processing.p90_days, tr),
        ),
        row(
            "dashboard.returned_rate",
            one_decimal(c.returned_rate, " %"),
            one_decimal(p.returned_rate, " %"),
        ),
        row("dashboard.ikm", ikm(c), ikm(p)),
        row(
            "report.jp_compliance",
            format!(
                "{} ({})",
                one_decimal(jp_overall(&data.capacity), " %"),
                data.capacity.year
            ),
            format!(
                "{} ({})",
                one_decimal(jp_overall(&data.previous_capacity), " %"),
                data.previous_capacity.year
            ),
        ),
    ]
}

/// Renders the report in the reader's language.
pub fn render(data: &ReportData, tr: &Tr) -> Result<Vec<u8>, DashboardError> {
    let fail = |e: printpdf::Error| DashboardError::Internal(anyhow::anyhow!("PDF: {e}"));
    let month = data.month.label(tr.lang);
    let previous = data.month.previous().label(tr.lang);
    let mut w = Writer::new(tr.t("report.pdf_title")).map_err(fail)?;
    w.text_at(
        "PEMERINTAH KOTA KUPANG · KECAMATAN ALAK",
        9.0,
        LEFT,
        w.y,
        true,
    );
    w.y -= 9.0;
    w.text_at(tr.t("report.pdf_title"), 18.0, LEFT, w.y, true);
    w.y -= 2.0;
    w.paragraph(
        &format!("{month} · {}", data.scope.agency_name),
        12.0,
        false,
    );
    w.paragraph(
        &tr.f(
            "report.generated",
            &[("at", &clock::format_wita(clock::now_ms(), tr.lang))],
        ),
        8.0,
        false,
    );
    w.y -= 2.0;
    w.rule();

    w.heading(tr.t("report.key_figures"));
    w.table(
        &[0.0, 90.0, 135.0],
        &[false, true, true],
        &[
            tr.t("dashboard.figure").to_string(),
            month.clone(),
            previous.clone(),
        ],
        &key_figures(data, tr),
    );
    w.paragraph(
        &format!(
            "{}: {}",
            tr.t("dashboard.in_progress"),
            data.services.in_progress_now
        ),
        9.0,
        false,
    );

    let lines: Vec<_> = data.services.by_service.iter().take(10).collect();
    w.heading(tr.t("report.charts"));
    w.bars(
        tr.t("report.received_per_service"),
        &lines
            .iter()
            .map(|l| (l.name.clone(), l.counts.received as f64))
            .collect::<Vec<_>>(),
        "",
        false,
    );
    w.bars(
        tr.t("dashboard.sla_by_service"),
        &lines
            .iter()
            .filter_map(|l| l.sla_compliance.map(|v| (l.name.clone(), v)))
            .collect::<Vec<_>>(),
        " %",
        true,
    );
    w.bars(
        &format!("{} {}", tr.t("dashboard.jp_compliance"), data.capacity.year),
        &data
            .capacity
            .compliance
            .iter()
            .take(12)
            .map(|c| (c.agency_name.clone(), c.percent))
            .collect::<Vec<_>>(),
        " %",
        true,
    );

    w.heading(tr.t("dashboard.by_service"));
    if data.services.by_service.is_empty() {
        w.paragraph(tr.t("dashboard.no_data"), 9.0, false);
    } else {
        let rows: Vec<Vec<String>> = data
            .services
            .by_service
            .iter()
            .map(|l| {
                vec![
                    fit(&l.name, 44),
                    l.counts.received.to_string(),
                    l.counts.completed.to_string(),
                    one_decimal(l.sla_compliance, " %"),
                    l.ikm.as_ref().map_or_else(
                        || "-".to_string(),
                        |i| format!("{:.2} ({})", i.value, i.grade),
                    ),
                ]
            })
            .collect();
        w.table(
            &[0.0, 82.0, 104.0, 128.0, 152.0],
            &[false, true, true, true, true],
            &[
                tr.t("dashboard.service").to_string(),
                tr.t("report.col_received").to_string(),
                tr.t("report.col_completed").to_string(),
                tr.t("report.col_on_time").to_string(),
                "IKM".to_string(),
            ],
            &rows,
        );
    }

    w.heading(tr.t("report.commentary"));
    match &data.commentary {
        Some(c) => {
            w.paragraph(&c.body, 10.0, false);
            w.y -= 1.5;
            w.paragraph(
                &tr.f(
                    "report.commentary_by",
                    &[
                        ("author", &c.author_name),
                        ("at", &clock::format_wita(c.written_ms, tr.lang)),
                        ("version", &c.version.to_string()),
                    ],
                ),
                8.0,
                false,
            );
        }
        None => w.paragraph(tr.t("report.no_commentary"), 10.0, false),
    }
    w.y -= 3.0;
    w.paragraph(tr.t("dashboard.definitions"), 7.5, false);
    w.doc.save_to_bytes().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_breaks_overlong_ones() {
        let text =
            "Pelayanan bulan ini meningkat.\nSatu kata sangatpanjangsekalisehinggaharusdipotong ya";
        let lines = wrap(text, 10.0, 40.0);
        assert!(lines.iter().all(|l| l.chars().count() <= 21), "{lines:?}");
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace([' ', '\n'], ""));
    }
}
