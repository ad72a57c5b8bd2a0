//! The SKM/IKM report for service admins and leaders: a period (year, semester, quarter or
//! month) and optionally one agency; IKM overall, per agency and per service with the grade.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError, error::FieldError, forms::field_errors, i18n::Tr},
};
use serde::Deserialize;

use super::survey::{self, IkmLine, Period};
use crate::{error::ServiceError, pages::page, skm::Ikm};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/skm", get(report_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReportQuery {
    /// `2026`, `2026-S1`, `2026-Q4` or `2026-11`; `year` is the older name of the same.
    pub period: String,
    pub year: String,
    /// An agency code; empty for all.
    pub agency: String,
}

impl ReportQuery {
    /// The period asked for (this year when none), or a field problem.
    pub fn period(&self) -> Result<Period, ServiceError> {
        if self.period.trim().is_empty() {
            Period::asked(&self.year)
        } else {
            Period::asked(&self.period)
        }
    }
}

struct LineView {
    name: String,
    respondents: usize,
    index: String,
    converted: String,
    grade: String,
    means: Vec<String>,
}

fn line_view(tr: &Tr, name: String, ikm: &Ikm) -> LineView {
    LineView {
        name,
        respondents: ikm.respondents,
        index: format!("{:.3}", ikm.index),
        converted: format!("{:.2}", ikm.converted),
        grade: tr.t(ikm.grade.label_key()).to_string(),
        means: ikm
            .element_means
            .iter()
            .map(|m| format!("{m:.2}"))
            .collect(),
    }
}

fn named(tr: &Tr, line: &IkmLine) -> String {
    if tr.lang == platform::web::i18n::Lang::En {
        line.name_en.clone()
    } else {
        line.name_id.clone()
    }
}

#[derive(Template)]
#[template(path = "skm_report.html")]
struct ReportPage {
    shell: Shell,
    period: String,
    first_day: String,
    last_day: String,
    previous: String,
    next: String,
    agency: String,
    agencies: Vec<(String, String)>,
    errors: Vec<FieldError>,
    overall: Option<LineView>,
    by_agency: Vec<LineView>,
    by_service: Vec<LineView>,
    elements: Vec<String>,
}

/// The same kind of period just before and after (a quarter steps by a quarter).
fn neighbours(period: &Period) -> (String, String) {
    let year = period.first_day.year();
    let label = &period.label;
    let step = |delta: i16| -> String {
        match label.split_once('-') {
            None => (year + delta).to_string(),
            Some((_, part)) => {
                let (kind, n, count) = match part.chars().next() {
                    Some('Q') => ("Q", part[1..].parse::<i16>().unwrap_or(1), 4),
                    Some('S') => ("S", part[1..].parse::<i16>().unwrap_or(1), 2),
                    _ => ("", part.parse::<i16>().unwrap_or(1), 12),
                };
                let index = (year * count + n - 1) + delta;
                let (y, m) = (index.div_euclid(count), index.rem_euclid(count) + 1);
                if kind.is_empty() {
                    format!("{y}-{m:02}")
                } else {
                    format!("{y}-{kind}{m}")
                }
            }
        }
    };
    (step(-1), step(1))
}

async fn report_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    if !survey::may_read(&user) {
        return Err(WebError::Forbidden);
    }
    let agencies: Vec<(String, String)> = accounts::organisation::agency_tree(&app)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?
        .into_iter()
        .filter(|n| n.agency.kind != "kelurahan")
        .map(|n| (n.agency.code.clone(), n.name(shell.tr.lang).to_string()))
        .collect();
    let outcome = match query.period() {
        Ok(period) => survey::report(&app, &user, &period, Some(&query.agency))
            .await
            .map(|report| (period, report)),
        Err(problem) => Err(problem),
    };
    let (status, period, report, errors) = match outcome {
        Ok((period, report)) => (StatusCode::OK, period, Some(report), Vec::new()),
        Err(ServiceError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Period::this_year(),
            None,
            field_errors(&shell.tr, &problems),
        ),
        Err(other) => return Err(other.into()),
    };
    let tr = &shell.tr;
    let (previous, next) = neighbours(&period);
    let view = ReportPage {
        first_day: period.first_day.to_string(),
        last_day: period.last_day().to_string(),
        period: if errors.is_empty() {
            period.label.clone()
        } else {
            query.period.clone()
        },
        previous,
        next,
        agency: query.agency.clone(),
        agencies,
        errors,
        overall: report
            .as_ref()
            .and_then(|r| r.overall.as_ref())
            .map(|ikm| line_view(tr, tr.t("services.ikm_overall").to_string(), ikm)),
        by_agency: report
            .as_ref()
            .map(|r| {
                r.by_agency
                    .iter()
                    .map(|l| line_view(tr, named(tr, l), &l.ikm))
                    .collect()
            })
            .unwrap_or_default(),
        by_service: report
            .as_ref()
            .map(|r| {
                r.by_service
                    .iter()
                    .map(|l| line_view(tr, named(tr, l), &l.ikm))
                    .collect()
            })
            .unwrap_or_default(),
        elements: crate::skm::ELEMENTS
            .iter()
            .map(|e| tr.t(&format!("services.skm_{e}")).to_string())
            .collect(),
        shell,
    };
    page(&view, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_periods_step_by_their_own_kind() {
        let at = |raw: &str| neighbours(&Period::parse(raw).expect("period"));
        assert_eq!(at("2026"), ("2025".into(), "2027".into()));
        assert_eq!(at("2026-Q1"), ("2025-Q4".into(), "2026-Q2".into()));
        assert_eq!(at("2026-S2"), ("2026-S1".into(), "2027-S1".into()));
        assert_eq!(at("2026-12"), ("2026-11".into(), "2027-01".into()));
    }
}
