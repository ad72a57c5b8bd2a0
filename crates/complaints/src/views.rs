//! Complaints as people read them: values in the reader's language, ready to show. Shared by
//! the citizen's and the office's pages.

use platform::{
    AppState, clock,
    web::i18n::{Lang, Tr},
};

use crate::{
    error::ComplaintError,
    filing,
    model::Action,
    office::Timing,
    store::{self, CategoryRow, ComplaintRow, EventRow},
};

pub struct CategoryView {
    pub code: String,
    pub name: String,
    pub description: String,
}

impl CategoryView {
    pub fn new(row: &CategoryRow, lang: Lang) -> CategoryView {
        let en = lang == Lang::En;
        CategoryView {
            code: row.code.clone(),
            name: if en { &row.name_en } else { &row.name_id }.clone(),
            description: if en {
                &row.description_en
            } else {
                &row.description_id
            }
            .clone(),
        }
    }
}

pub async fn categories(app: &AppState, lang: Lang) -> Result<Vec<CategoryView>, ComplaintError> {
    Ok(store::list_categories(&app.db)
        .await?
        .iter()
        .map(|c| CategoryView::new(c, lang))
        .collect())
}

/// Published services: (code, name).
pub async fn service_choices(
    app: &AppState,
    lang: Lang,
) -> Result<Vec<(String, String)>, ComplaintError> {
    Ok(services::catalogue::list_published(app, "", None)
        .await?
        .into_iter()
        .map(|s| {
            let name = if lang == Lang::En && !s.name_en.is_empty() {
                s.name_en
            } else {
                s.name_id
            };
            (s.code, name)
        })
        .collect())
}

pub struct ComplaintView {
    pub number: String,
    pub category: String,
    pub service: String,
    pub agency: String,
    pub status_code: &'static str,
    pub status: String,
    pub filed: String,
    pub description: String,
    pub location: String,
    pub address: String,
    pub kelurahan: String,
    pub has_photo: bool,
    pub media_url: String,
    pub status_note: String,
    pub response: String,
    pub responded: String,
    pub timeline: Vec<(String, String, String)>,
}

impl ComplaintView {
    pub async fn new(
        app: &AppState,
        row: &ComplaintRow,
        tr: &Tr,
    ) -> Result<ComplaintView, ComplaintError> {
        let lang = tr.lang;
        let category = store::find_category(&app.db, &row.category_code)
            .await?
            .map(|c| CategoryView::new(&c, lang).name)
            .unwrap_or_else(|| row.category_code.clone());
        let service = if row.service_code.is_empty() {
            String::new()
        } else {
            match services::catalogue::get_service_unchecked(app, &row.service_code).await {
                Ok(s) if lang == Lang::En && !s.name_en.is_empty() => s.name_en,
                Ok(s) => s.name_id,
                Err(services::ServiceError::NotFound) => row.service_code.clone(),
                Err(e) => return Err(e.into()),
            }
        };
        let agency = accounts::organisation::find_agency_by_id(app, &row.agency_id)
            .await?
            .map(|a| {
                if lang == Lang::En {
                    a.name_en
                } else {
                    a.name_id
                }
            })
            .unwrap_or_default();
        let kelurahan = if row.kelurahan_code.is_empty() {
            String::new()
        } else {
            filing::kelurahan_choices(app)
                .await?
                .into_iter()
                .find(|(code, _)| *code == row.kelurahan_code)
                .map(|(_, name)| name)
                .unwrap_or_default()
        };
        let timeline = store::list_events(&app.db, &row.id)
            .await?
            .iter()
            .map(|e: &EventRow| {
                (
                    clock::format_wita(e.at_ms, lang),
                    // "Forwarded" says more than the status it leads back to.
                    if Action::parse(&e.action) == Some(Action::Forward) {
                        tr.t("complaints.event_forwarded").to_string()
                    } else {
                        tr.t(e.status.label_key()).to_string()
                    },
                    e.note.clone(),
                )
            })
            .collect();
        Ok(ComplaintView {
            number: row.number.clone(),
            category,
            service,
            agency,
            status_code: row.status.as_str(),
            status: tr.t(row.status.label_key()).to_string(),
            filed: clock::format_wita(row.created_ms, lang),
            description: row.description.clone(),
            location: match (row.lat, row.lon) {
                (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
                _ => String::new(),
            },
            address: row.address.clone(),
            kelurahan,
            has_photo: row.photo_sha256.is_some(),
            media_url: row.media_url.clone(),
            status_note: row.status_note.clone(),
            response: row.response.clone(),
            responded: row
                .responded_ms
                .map(|ms| clock::format_wita(ms, lang))
                .unwrap_or_default(),
            timeline,
        })
    }
}

/// The verification deadline, ready to show.
pub struct TimingView {
    pub verify_by: String,
    pub waited: String,
    pub overdue: bool,
    pub to_answer: String,
}

impl TimingView {
    pub fn new(timing: &Timing, tr: &Tr) -> TimingView {
        TimingView {
            verify_by: timing.verify_by.clone(),
            waited: tr.f(
                "complaints.working_days",
                &[("days", &timing.working_days_waited.to_string())],
            ),
            overdue: timing.overdue,
            to_answer: timing
                .working_days_to_answer
                .map(|d| tr.f("complaints.working_days", &[("days", &d.to_string())]))
                .unwrap_or_default(),
        }
    }
}
