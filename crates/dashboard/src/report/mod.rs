//! The monthly report for the Camat: the month's key figures beside the previous month's
//! (services, IKM, ASN capacity), bar charts and the per-service table, and a leader's
//! commentary, as a PDF in the reader's language ([`pdf`]) and as JSON ([`api`]); the form where
//! leaders write the commentary ([`pages`]).
//!
//! Owns `dashboard_commentaries`: one row per saved version of the commentary of a month and
//! agency scope (`''` = every agency), with who wrote it and when. A save names the version it
//! was based on; if someone saved in between, it is refused (nothing overwritten unseen).

mod api;
mod pages;
mod pdf;

use jiff::civil::Date;
use platform::{AppState, audit, auth::CurrentUser, clock, ids, web::i18n::Lang};
use sqlx::Row as _;

pub use api::ApiDoc;

/// The report's pages and its API.
pub fn routes() -> axum::Router<AppState> {
    pages::routes().merge(api::routes())
}

use crate::{
    error::DashboardError,
    figures::{self, CapacityPanel, ServicePanel},
    filters::{self, Filters, Period, Visibility},
};

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i16,
    pub month: i8,
}

impl Month {
    /// `YYYY-MM` from 2000-01 to the month of `today`.
    pub fn parse(raw: &str, today: Date) -> Result<Month, &'static str> {
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        if raw.len() != 7 || bytes[4] != b'-' {
            return Err("report.month_invalid");
        }
        let year: i16 = raw[..4].parse().map_err(|_| "report.month_invalid")?;
        let month: i8 = raw[5..].parse().map_err(|_| "report.month_invalid")?;
        if !(1..=12).contains(&month) || year < 2000 {
            return Err("report.month_invalid");
        }
        let parsed = Month { year, month };
        if parsed > Month::of(today) {
            return Err("report.month_future");
        }
        Ok(parsed)
    }

    pub fn of(day: Date) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn period(self) -> Period {
        let first = jiff::civil::date(self.year, self.month, 1);
        Period {
            first,
            last: first.last_of_month(),
        }
    }

    /// "November 2026" / "November 2026" in the reader's language.
    pub fn label(self, lang: Lang) -> String {
        format!(
            "{} {}",
            platform::clock::month_name(self.month, lang),
            self.year
        )
    }
}

impl PartialOrd for Month {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Month {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, self.month).cmp(&(other.year, other.month))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One saved version of a commentary.
#[derive(Clone, Debug)]
pub struct Commentary {
    pub version: i64,
    pub body: String,
    pub author_name: String,
    pub written_ms: i64,
}

/// The longest commentary (characters): about two printed pages.
pub const MAX_COMMENTARY: usize = 6000;

/// Every version of the commentary of `month` and `agency_id` (`""` for every agency), newest
/// first.
pub async fn history(
    app: &AppState,
    month: Month,
    agency_id: &str,
) -> Result<Vec<Commentary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT version, body, author_name, written_ms FROM dashboard_commentaries \
         WHERE month = $1 AND agency_id = $2 ORDER BY version DESC",
    )
    .bind(month.to_string())
    .bind(agency_id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Commentary {
                version: r.try_get("version")?,
                body: r.try_get("body")?,
                author_name: r.try_get("author_name")?,
                written_ms: r.try_get("written_ms")?,
            })
        })
        .collect()
}

/// What can be wrong with a commentary save.
#[derive(Debug)]
pub enum SaveProblem {
    /// (field, message key), shown beside the field.
    Invalid(Vec<(String, &'static str)>),
    /// Someone saved a newer version since the form was opened.
    Stale,
}

/// Saves `body` as the next version after `based_on` (0 when there was none), with an audit
/// entry, in one transaction. Returns the new version.
pub async fn save(
    app: &AppState,
    user: &CurrentUser,
    month: Month,
    agency_id: &str,
    based_on: i64,
    body: &str,
) -> Result<Result<i64, SaveProblem>, DashboardError> {
    let body = body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Ok(Err(SaveProblem::Invalid(vec![(
            "commentary".into(),
            "report.commentary_required",
        )])));
    }
    if body.chars().count() > MAX_COMMENTARY {
        return Ok(Err(SaveProblem::Invalid(vec![(
            "commentary".into(),
            "report.commentary_too_long",
        )])));
    }
    let mut tx = app.db.begin().await?;
    let latest: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM dashboard_commentaries WHERE month = $1 AND agency_id = $2",
    )
    .bind(month.to_string())
    .bind(agency_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("v")?;
    if latest != based_on {
        return Ok(Err(SaveProblem::Stale));
    }
    let version = latest + 1;
    let id = ids::new_id();
    let inserted = sqlx::query(
        "INSERT INTO dashboard_commentaries (id, month, agency_id, version, body, author_id, author_name, written_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(month.to_string())
    .bind(agency_id)
    .bind(version)
    .bind(&body)
    .bind(&user.id)
    .bind(&user.display_name)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // Two saves based on the same version: the second loses, by the unique key.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Ok(Err(SaveProblem::Stale));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "report.commentary_saved",
            subject: &format!("commentary:{id}"),
            detail: serde_json::json!({
                "month": month.to_string(), "agency_id": agency_id, "version": version
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(version))
}

/// Which agencies a report covers: the chosen one (and those under it), or for a reader who
/// sees everything all of them (`agency_id` `""`), or for an agency head the agency of their
/// first leader grant.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Id of the chosen agency; `""` for every agency.
    pub agency_id: String,
    pub agency_code: String,
    /// Name in the reader's language ("all agencies" for `""`).
    pub agency_name: String,
}

/// The checked report request: month and scope, and the filters of the month and the one
/// before.
pub struct Request {
    pub month: Month,
    pub scope: Scope,
    pub visibility: Visibility,
    pub filters: Filters,
    pub previous: Filters,
}

/// Checks `month` and `agency` (a code) for `user`: 422 problems, 403 for a foreign agency.
pub async fn check(
    app: &AppState,
    user: &CurrentUser,
    month: &str,
    agency: &str,
    lang: Lang,
    all_agencies: &str,
) -> Result<Request, DashboardError> {
    let visibility = filters::visibility(app, user).await?;
    let today = crate::today_wita();
    let month = match month.trim() {
        "" => Month::of(today).previous(),
        raw => Month::parse(raw, today)
            .map_err(|key| DashboardError::Invalid(vec![("month".into(), key)]))?,
    };
    let agency = match agency.trim() {
        "" if !visibility.everything => user
            .grants
            .iter()
            .find(|g| g.role == platform::auth::Role::Leader)
            .and_then(|g| visibility.agencies.iter().find(|a| a.id == g.agency_id))
            .map(|a| a.code.clone())
            .unwrap_or_default(),
        code => code.to_string(),
    };
    let input = |m: Month| filters::FilterInput {
        from: m.period().first.to_string(),
        to: m.period().last.to_string(),
        agency: agency.clone(),
        service: String::new(),
        office: String::new(),
    };
    // The month may be the current one: its period then ends in the future, which the
    // filters accept (nothing is counted there yet).
    let filters = filters::check(app, &input(month), &visibility, today).await?;
    let previous = filters::check(app, &input(month.previous()), &visibility, today).await?;
    let scope = match &filters.agency {
        Some(a) => Scope {
            agency_id: a.id.clone(),
            agency_code: a.code.clone(),
            agency_name: if lang == Lang::En {
                a.name_en.clone()
            } else {
                a.name_id.clone()
            },
        },
        None => Scope {
            agency_id: String::new(),
            agency_code: String::new(),
            agency_name: all_agencies.to_string(),
        },
    };
    Ok(Request {
        month,
        scope,
        visibility,
        filters,
        previous,
    })
}

/// Everything the PDF shows.
pub struct ReportData {
    pub month: Month,
    pub scope: Scope,
    pub services: ServicePanel,
    pub previous: ServicePanel,
    pub capacity: CapacityPanel,
    pub previous_capacity: CapacityPanel,
    pub commentary: Option<Commentary>,
}

pub async fn data(
    app: &AppState,
    user: &CurrentUser,
    request: Request,
    lang: Lang,
) -> Result<ReportData, DashboardError> {
    let services = figures::services_panel(app, &request.filters, lang).await?;
    let previous = figures::services_panel(app, &request.previous, lang).await?;
    let capacity =
        figures::capacity_panel(app, user, &request.filters, &request.visibility, lang).await?;
    let previous_capacity =
        figures::capacity_panel(app, user, &request.previous, &request.visibility, lang).await?;
    let commentary = history(app, request.month, &request.scope.agency_id)
        .await?
        .into_iter()
        .next();
    Ok(ReportData {
        month: request.month,
        scope: request.scope,
        services,
        previous,
        capacity,
        previous_capacity,
        commentary,
    })
}

/// JP compliance over the agencies of a panel: (compliant, employees, percent).
pub fn jp_overall(capacity: &CapacityPanel) -> Option<f64> {
    let employees: i64 = capacity.compliance.iter().map(|c| c.employees).sum();
    let compliant: i64 = capacity.compliance.iter().map(|c| c.compliant).sum();
    (employees > 0).then(|| (compliant as f64 * 1000.0 / employees as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_yyyy_mm_up_to_this_month_and_knows_the_one_before() {
        let today = jiff::civil::date(2026, 12, 2);
        assert_eq!(
            Month::parse("2026-01", today).map(Month::previous),
            Ok(Month {
                year: 2025,
                month: 12
            })
        );
        assert_eq!(
            Month::parse("2026-12", today)
                .map(|m| m.to_string())
                .as_deref(),
            Ok("2026-12")
        );
        assert_eq!(Month::parse("2027-01", today), Err("report.month_future"));
        for bad in [
            "2026-13", "2026-1", "26-11", "2026/11", "abcd-ef", "1999-12",
        ] {
            assert_eq!(
                Month::parse(bad, today),
                Err("report.month_invalid"),
                "{bad}"
            );
        }
        let feb = Month::parse("2024-02", today).expect("month").period();
        assert_eq!(
            (feb.first.to_string(), feb.last.to_string()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
    }
}
