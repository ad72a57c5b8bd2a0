//! HTML pages: the leaders' dashboard (filters, figures beside the previous period, SVG charts
//! with their data tables, CSV exports) and the public statistics page.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse as _, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::field_errors,
        i18n::{Lang, Tr},
        page,
    },
};
use serde::Deserialize;

use crate::{
    charts::{self, Series},
    collaboration_panel::{self, WorkTogetherPanel},
    error::DashboardError,
    figures::{self, CapacityPanel, ServiceLine, ServicePanel},
    filters::{self, FilterInput, Visibility},
    queue_panel::{self, QueuePanel},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/dashboard/services.csv", get(export))
        .route("/statistics", get(public_statistics))
}

/// An agency or service in a picker.
struct Choice {
    code: String,
    name: String,
}

/// A figure beside the previous period's.
struct Kpi {
    key: &'static str,
    label: String,
    current: String,
    previous: String,
}

fn number(value: i64) -> String {
    value.to_string()
}

fn optional(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}{unit}"))
}

fn days(value: Option<i64>, tr: &Tr) -> String {
    value.map_or_else(
        || "–".to_string(),
        |v| format!("{v} {}", tr.t("dashboard.working_days")),
    )
}

fn kpis(panel: &ServicePanel, tr: &Tr) -> Vec<Kpi> {
    let ikm = |i: &Option<figures::IkmFigure>| {
        i.as_ref().map_or_else(
            || "–".to_string(),
            |i| format!("{:.2} ({})", i.value, i.grade),
        )
    };
    let (c, p) = (&panel.current, &panel.previous);
    let kpi = |key, label: &str, current: String, previous: String| Kpi {
        key,
        label: tr.t(label).to_string(),
        current,
        previous,
    };
    vec![
        kpi(
            "received",
            "dashboard.received",
            number(c.counts.received),
            number(p.counts.received),
        ),
        kpi(
            "completed",
            "dashboard.completed",
            number(c.counts.completed),
            number(p.counts.completed),
        ),
        kpi(
            "sla",
            "dashboard.sla_compliance",
            optional(c.sla_compliance, " %"),
            optional(p.sla_compliance, " %"),
        ),
        kpi(
            "median",
            "dashboard.median_days",
            days(c.processing.median_days, tr),
            days(p.processing.median_days, tr),
        ),
        kpi(
            "p90",
            "dashboard.p90_days",
            days(c.processing.p90_days, tr),
            days(p.processing.p90_days, tr),
        ),
        kpi(
            "returned",
            "dashboard.returned_rate",
            optional(c.returned_rate, " %"),
            optional(p.returned_rate, " %"),
        ),
        kpi("ikm", "dashboard.ikm", ikm(&c.ikm), ikm(&p.ikm)),
    ]
}

fn series_chart(panel: &ServicePanel, tr: &Tr) -> String {
    let labels: Vec<String> = panel.series.iter().map(|p| p.key.clone()).collect();
    charts::columns(
        "chart-series",
        tr.t("dashboard.series_title"),
        &tr.f(
            "dashboard.series_desc",
            &[
                ("from", &panel.current.first_day),
                ("to", &panel.current.last_day),
            ],
        ),
        &labels,
        &[
            Series {
                name: tr.t("dashboard.received"),
                values: panel.series.iter().map(|p| p.received as f64).collect(),
            },
            Series {
                name: tr.t("dashboard.completed"),
                values: panel.series.iter().map(|p| p.completed as f64).collect(),
            },
        ],
    )
}

fn sla_chart(lines: &[ServiceLine], tr: &Tr) -> String {
    let rows: Vec<(String, f64)> = lines
        .iter()
        .filter_map(|l| l.sla_compliance.map(|v| (l.name.clone(), v)))
        .collect();
    charts::bars(
        "chart-sla",
        tr.t("dashboard.sla_by_service"),
        tr.t("dashboard.sla_by_service_desc"),
        &rows,
        " %",
    )
}

fn gaps_chart(capacity: &CapacityPanel, tr: &Tr) -> String {
    let rows: Vec<(String, f64)> = capacity
        .top_gaps
        .iter()
        .map(|g| {
            let name = if g.agency_code.is_empty() {
                g.competency_name.clone()
            } else {
                format!("{} · {}", g.competency_name, g.agency_code)
            };
            (name, g.total_gap as f64)
        })
        .collect();
    charts::bars(
        "chart-gaps",
        tr.t("dashboard.top_gaps"),
        tr.t("dashboard.top_gaps_desc"),
        &rows,
        "",
    )
}

fn minutes(value: &queue::figures::Durations, p90: bool, tr: &Tr) -> String {
    if value.count == 0 {
        return "–".to_string();
    }
    let v = if p90 {
        value.p90_minutes
    } else {
        value.mean_minutes
    };
    format!("{v:.1} {}", tr.t("dashboard.minutes"))
}

fn queue_kpis(panel: &QueuePanel, tr: &Tr) -> Vec<Kpi> {
    let (c, p) = (&panel.current.totals, &panel.previous.totals);
    let kpi = |key, label: &str, current: String, previous: String| Kpi {
        key,
        label: tr.t(label).to_string(),
        current,
        previous,
    };
    vec![
        kpi(
            "tickets",
            "dashboard.tickets",
            number(c.tickets),
            number(p.tickets),
        ),
        kpi(
            "no_show_rate",
            "dashboard.no_show_rate",
            optional(c.no_show_rate, " %"),
            optional(p.no_show_rate, " %"),
        ),
        kpi(
            "wait_mean",
            "dashboard.wait_mean",
            minutes(&c.waiting, false, tr),
            minutes(&p.waiting, false, tr),
        ),
        kpi(
            "wait_p90",
            "dashboard.wait_p90",
            minutes(&c.waiting, true, tr),
            minutes(&p.waiting, true, tr),
        ),
        kpi(
            "service_mean",
            "dashboard.service_mean",
            minutes(&c.service, false, tr),
            minutes(&p.service, false, tr),
        ),
        kpi(
            "service_p90",
            "dashboard.service_p90",
            minutes(&c.service, true, tr),
            minutes(&p.service, true, tr),
        ),
    ]
}

/// The queue panel as the page shows it: KPIs, the tickets chart, the heat map and its table.
struct QueueView {
    panel: QueuePanel,
    kpis: Vec<Kpi>,
    series_svg: String,
    heat_svg: String,
    /// Hour labels of the heat map's columns.
    hours: Vec<String>,
    /// (weekday name, tickets per hour of `hours`) for the table beside the heat map.
    heat_rows: Vec<(String, Vec<i64>)>,
}

fn queue_view(panel: QueuePanel, tr: &Tr) -> QueueView {
    let (first_hour, last_hour) = panel
        .heat
        .iter()
        .fold(None, |acc: Option<(i64, i64)>, c| match acc {
            None => Some((c.hour, c.hour)),
            Some((lo, hi)) => Some((lo.min(c.hour), hi.max(c.hour))),
        })
        .unwrap_or((8, 15));
    let hour_range: Vec<i64> = (first_hour..=last_hour).collect();
    let hours: Vec<String> = hour_range.iter().map(|h| format!("{h:02}")).collect();
    let weekdays: Vec<i64> = (1..=7)
        .filter(|d| *d <= 5 || panel.heat.iter().any(|c| c.weekday == *d))
        .collect();
    let heat_rows: Vec<(String, Vec<i64>)> = weekdays
        .iter()
        .map(|d| {
            let key = format!("dashboard.weekday_{d}");
            (
                tr.t(&key).to_string(),
                hour_range
                    .iter()
                    .map(|h| {
                        panel
                            .heat
                            .iter()
                            .find(|c| c.weekday == *d && c.hour == *h)
                            .map_or(0, |c| c.tickets)
                    })
                    .collect(),
            )
        })
        .collect();
    let heat_svg = charts::heat_map(
        "chart-heat",
        tr.t("dashboard.busy_hours"),
        tr.t("dashboard.busy_hours_desc"),
        &heat_rows.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(),
        &hours,
        &heat_rows
            .iter()
            .map(|(_, v)| v.iter().map(|n| *n as f64).collect())
            .collect::<Vec<_>>(),
    );
    let labels: Vec<String> = panel.series.iter().map(|p| p.key.clone()).collect();
    let series_svg = charts::columns(
        "chart-tickets",
        tr.t("dashboard.tickets_title"),
        &tr.f(
            "dashboard.tickets_desc",
            &[
                ("from", &panel.current.first_day),
                ("to", &panel.current.last_day),
            ],
        ),
        &labels,
        &[
            Series {
                name: tr.t("dashboard.tickets"),
                values: panel.series.iter().map(|p| p.tickets as f64).collect(),
            },
            Series {
                name: tr.t("dashboard.no_shows"),
                values: panel.series.iter().map(|p| p.no_shows as f64).collect(),
            },
        ],
    );
    QueueView {
        kpis: queue_kpis(&panel, tr),
        panel,
        series_svg,
        heat_svg,
        hours,
        heat_rows,
    }
}

/// The complaints, collaboration and information figures as rows beside the previous period.
fn work_together_kpis(panel: &WorkTogetherPanel, tr: &Tr) -> Vec<Kpi> {
    let (c, p) = (&panel.current, &panel.previous);
    let hours = |h: Option<f64>| {
        h.map_or_else(
            || "–".to_string(),
            |v| format!("{v:.1} {}", tr.t("dashboard.hours")),
        )
    };
    let mut rows: Vec<(&'static str, &str, String, String)> = vec![
        (
            "complaints_received",
            "dashboard.complaints_received",
            number(c.complaints.received),
            number(p.complaints.received),
        ),
        (
            "complaints_answered",
            "dashboard.complaints_answered",
            number(c.complaints.answered),
            number(p.complaints.answered),
        ),
        (
            "complaints_closed",
            "dashboard.complaints_closed",
            number(c.complaints.closed),
            number(p.complaints.closed),
        ),
        (
            "complaints_open",
            "dashboard.complaints_open",
            number(c.complaints.open_now),
            "–".to_string(),
        ),
        (
            "response_median",
            "dashboard.response_median",
            hours(c.complaints.response.median_hours),
            hours(p.complaints.response.median_hours),
        ),
        (
            "response_p90",
            "dashboard.response_p90",
            hours(c.complaints.response.p90_hours),
            hours(p.complaints.response.p90_hours),
        ),
        (
            "events",
            "dashboard.events",
            number(c.collaboration.events),
            number(p.collaboration.events),
        ),
        (
            "joint_events",
            "dashboard.joint_events",
            number(c.collaboration.joint_events),
            number(p.collaboration.joint_events),
        ),
        (
            "registrations",
            "dashboard.registrations",
            number(c.collaboration.registrations),
            number(p.collaboration.registrations),
        ),
        (
            "attended",
            "dashboard.attended",
            number(c.collaboration.attended),
            number(p.collaboration.attended),
        ),
        (
            "articles_written",
            "dashboard.articles_written",
            number(c.collaboration.articles_written),
            number(p.collaboration.articles_written),
        ),
        (
            "article_edits",
            "dashboard.article_edits",
            number(c.collaboration.article_edits),
            number(p.collaboration.article_edits),
        ),
        (
            "articles_shared",
            "dashboard.articles_shared",
            number(c.collaboration.articles_shared_now),
            "–".to_string(),
        ),
        (
            "reads",
            "dashboard.reads",
            number(c.collaboration.reads),
            number(p.collaboration.reads),
        ),
        (
            "reads_other",
            "dashboard.reads_other",
            number(c.collaboration.reads_by_other_agencies),
            number(p.collaboration.reads_by_other_agencies),
        ),
        (
            "published",
            "dashboard.published",
            number(c.information.published),
            number(p.information.published),
        ),
    ];
    for (now, before) in c
        .information
        .by_category
        .iter()
        .zip(&p.information.by_category)
    {
        rows.push((
            "published_category",
            "",
            number(now.published),
            number(before.published),
        ));
    }
    rows.extend([
        (
            "reached",
            "dashboard.reached",
            number(c.information.subscribers_reached),
            number(p.information.subscribers_reached),
        ),
        (
            "subscriptions",
            "dashboard.subscriptions",
            number(c.information.active_subscriptions),
            "–".to_string(),
        ),
    ]);
    let categories: Vec<String> = c
        .information
        .by_category
        .iter()
        .map(|k| {
            format!(
                "{} · {}",
                tr.t("dashboard.published"),
                tr.t(&format!("dashboard.category_{}", k.category))
            )
        })
        .collect();
    let mut category = categories.into_iter();
    rows.into_iter()
        .map(|(key, label, current, previous)| Kpi {
            key,
            label: if label.is_empty() {
                category.next().unwrap_or_default()
            } else {
                tr.t(label).to_string()
            },
            current,
            previous,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    input: FilterInput,
    errors: Vec<FieldError>,
    agencies: Vec<Choice>,
    services: Vec<Choice>,
    panel: Option<ServicePanel>,
    capacity: Option<CapacityPanel>,
    kpis: Vec<Kpi>,
    series_svg: String,
    sla_svg: String,
    gaps_svg: String,
    queue: Option<QueueView>,
    offices: Vec<Choice>,
    work_together: Option<(WorkTogetherPanel, Vec<Kpi>)>,
    export_query: String,
}

impl DashboardPage {
    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

fn query_string(input: &FilterInput) -> String {
    let pairs = [
        ("from", &input.from),
        ("to", &input.to),
        ("agency", &input.agency),
        ("service", &input.service),
        ("office", &input.office),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| {
            format!(
                "{k}={}",
                form_urlencoded::byte_serialize(v.trim().as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn choices(
    app: &AppState,
    visibility: &Visibility,
    lang: Lang,
) -> Result<(Vec<Choice>, Vec<Choice>), DashboardError> {
    let agencies = visibility
        .visible_agencies()
        .into_iter()
        .map(|a| Choice {
            code: a.code.clone(),
            name: if lang == Lang::En {
                a.name_en.clone()
            } else {
                a.name_id.clone()
            },
        })
        .collect();
    let services = services::stats::service_names(app)
        .await?
        .into_iter()
        .filter(|s| visibility.may_see(&s.agency_id))
        .map(|s| Choice {
            code: s.code,
            name: if lang == Lang::En {
                s.name_en
            } else {
                s.name_id
            },
        })
        .collect();
    Ok((agencies, services))
}

async fn dashboard(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Response, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let (agencies, services) = choices(&app, &visibility, shell.tr.lang).await?;
    let offices = queue::stats::offices(&app)
        .await
        .map_err(DashboardError::from)?
        .into_iter()
        .filter(|o| visibility.may_see(&o.agency_id))
        .map(|o| Choice {
            code: o.code,
            name: if shell.tr.lang == Lang::En {
                o.name_en
            } else {
                o.name_id
            },
        })
        .collect();
    let checked = filters::check(&app, &input, &visibility, crate::today_wita()).await;
    let (status, errors, panel, capacity, queue, work_together) = match checked {
        Ok(filters) => {
            // The panels read different tables: asked at once, on separate connections, the
            // page waits for the slowest instead of the sum.
            let lang = shell.tr.lang;
            let (services, capacity, queue, together) = futures_util::try_join!(
                figures::services_panel(&app, &filters, lang),
                figures::capacity_panel(&app, &user, &filters, &visibility, lang),
                queue_panel::queue_panel(&app, &filters, lang),
                collaboration_panel::panel(&app, &filters),
            )?;
            let kpis = work_together_kpis(&together, &shell.tr);
            (
                StatusCode::OK,
                Vec::new(),
                Some(services),
                Some(capacity),
                Some(queue_view(queue, &shell.tr)),
                Some((together, kpis)),
            )
        }
        Err(DashboardError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors(&shell.tr, &problems),
            None,
            None,
            None,
            None,
        ),
        Err(other) => return Err(other.into()),
    };
    let (kpis, series_svg, sla_svg) = match &panel {
        Some(p) => (
            kpis(p, &shell.tr),
            series_chart(p, &shell.tr),
            sla_chart(&p.by_service, &shell.tr),
        ),
        None => (Vec::new(), String::new(), String::new()),
    };
    let gaps_svg = capacity
        .as_ref()
        .map_or_else(String::new, |c| gaps_chart(c, &shell.tr));
    page(
        &DashboardPage {
            export_query: query_string(&input),
            shell,
            input,
            errors,
            agencies,
            services,
            panel,
            capacity,
            kpis,
            series_svg,
            sla_svg,
            gaps_svg,
            queue,
            offices,
            work_together,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExportQuery {
    /// `service` (default), `agency` or `series`.
    table: String,
    #[serde(flatten)]
    filters: FilterInput,
}

async fn export(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let filters = filters::check(&app, &query.filters, &visibility, crate::today_wita()).await?;
    let panel = figures::services_panel(&app, &filters, shell.tr.lang).await?;
    let (name, body) = match query.table.as_str() {
        "agency" => ("layanan-per-instansi", figures::lines_csv(&panel.by_agency)),
        "series" => {
            let mut csv = String::from("\u{feff}period,received,completed\r\n");
            for p in &panel.series {
                csv.push_str(&format!("{},{},{}\r\n", p.key, p.received, p.completed));
            }
            ("layanan-per-waktu", csv)
        }
        _ => ("layanan-per-jenis", figures::lines_csv(&panel.by_service)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{name}-{}-{}.csv\"",
                    panel.current.first_day, panel.current.last_day
                ),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    shell: Shell,
    input: FilterInput,
    errors: Vec<FieldError>,
    panel: Option<ServicePanel>,
    kpis: Vec<Kpi>,
    series_svg: String,
    sla_svg: String,
    queue: Option<QueueView>,
}

impl StatisticsPage {
    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

/// Public: every agency, period only (transparency; no personal data exists in these figures).
async fn public_statistics(
    State(app): State<AppState>,
    shell: Shell,
    Query(input): Query<FilterInput>,
) -> Result<Response, WebError> {
    let input = FilterInput {
        agency: String::new(),
        service: String::new(),
        office: String::new(),
        ..input
    };
    let (status, errors, panel, queue) = match crate::api::public_filters(&app, &input).await {
        Ok(filters) => {
            let (services, queue) = futures_util::try_join!(
                figures::services_panel(&app, &filters, shell.tr.lang),
                queue_panel::queue_panel(&app, &filters, shell.tr.lang),
            )?;
            (
                StatusCode::OK,
                Vec::new(),
                Some(services),
                Some(queue_view(queue, &shell.tr)),
            )
        }
        Err(DashboardError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors(&shell.tr, &problems),
            None,
            None,
        ),
        Err(other) => return Err(other.into()),
    };
    let (kpis, series_svg, sla_svg) = match &panel {
        Some(p) => (
            kpis(p, &shell.tr),
            series_chart(p, &shell.tr),
            sla_chart(&p.by_service, &shell.tr),
        ),
        None => (Vec::new(), String::new(), String::new()),
    };
    page(
        &StatisticsPage {
            shell,
            input,
            errors,
            panel,
            kpis,
            series_svg,
            sla_svg,
            queue,
        },
        status,
    )
}
