//! The training catalogue (title, competency type, form, JP, organiser and co-organisers,
//! provider, the competencies addressed with a target level) and its sessions (dates, place or
//! online link, capacity, enrolment window, completion rule). Owns `trainings`,
//! `training_competencies`, `training_sessions`.

use jiff::civil::Date;
use platform::{AppState, audit, auth::CurrentUser, clock, ids, web::i18n::Lang};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{
    competencies::{self, CompetencyKind},
    error::CapacityError,
    is_admin,
};

/// Forms of development (PP 17/2020 Art. 203; LAN guidance): classical and non-classical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingForm {
    Training,
    Course,
    Seminar,
    Workshop,
    Coaching,
    Mentoring,
    ELearning,
    Internship,
}

impl TrainingForm {
    pub const ALL: [TrainingForm; 8] = [
        TrainingForm::Training,
        TrainingForm::Course,
        TrainingForm::Seminar,
        TrainingForm::Workshop,
        TrainingForm::Coaching,
        TrainingForm::Mentoring,
        TrainingForm::ELearning,
        TrainingForm::Internship,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingForm::Training => "training",
            TrainingForm::Course => "course",
            TrainingForm::Seminar => "seminar",
            TrainingForm::Workshop => "workshop",
            TrainingForm::Coaching => "coaching",
            TrainingForm::Mentoring => "mentoring",
            TrainingForm::ELearning => "e_learning",
            TrainingForm::Internship => "internship",
        }
    }
    pub fn parse(raw: &str) -> Option<TrainingForm> {
        TrainingForm::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
    }
    /// Classical (in a class) or non-classical (at work, online, alongside someone).
    pub fn classical(self) -> bool {
        matches!(
            self,
            TrainingForm::Training
                | TrainingForm::Course
                | TrainingForm::Seminar
                | TrainingForm::Workshop
        )
    }
    pub fn label_key(self) -> &'static str {
        match self {
            TrainingForm::Training => "capacity.form_training",
            TrainingForm::Course => "capacity.form_course",
            TrainingForm::Seminar => "capacity.form_seminar",
            TrainingForm::Workshop => "capacity.form_workshop",
            TrainingForm::Coaching => "capacity.form_coaching",
            TrainingForm::Mentoring => "capacity.form_mentoring",
            TrainingForm::ELearning => "capacity.form_e_learning",
            TrainingForm::Internship => "capacity.form_internship",
        }
    }
}

/// A training as typed. `competencies`: one `code:level` per line (e.g. `integritas:3`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct TrainingInput {
    pub title: String,
    /// `technical`, `managerial` or `socio_cultural`.
    pub kind: String,
    /// `training`, `course`, `seminar`, `workshop`, `coaching`, `mentoring`, `e_learning`, `internship`.
    pub form: String,
    pub jp: String,
    pub organiser_agency_code: String,
    pub co_organisers: String,
    pub provider: String,
    pub description: String,
    pub competencies: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Addressed {
    pub competency_code: String,
    pub competency_name: String,
    pub target_level: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Training {
    pub id: String,
    pub title: String,
    pub kind: CompetencyKind,
    pub form: TrainingForm,
    pub classical: bool,
    pub jp: i64,
    pub organiser_agency_code: String,
    pub organiser_agency_name: String,
    pub co_organisers: String,
    pub provider: String,
    pub description: String,
    pub competencies: Vec<Addressed>,
}

/// Adds a training (competency admin).
pub async fn create_training(
    app: &AppState,
    user: &CurrentUser,
    input: &TrainingInput,
) -> Result<String, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let title = crate::collapse_spaces(&input.title);
    if title.is_empty() || title.chars().count() > 200 {
        problems.push(("title".into(), "capacity.title_invalid"));
    }
    let kind = CompetencyKind::parse(&input.kind);
    if kind.is_none() {
        problems.push(("kind".into(), "capacity.kind_invalid"));
    }
    let form = TrainingForm::parse(&input.form);
    if form.is_none() {
        problems.push(("form".into(), "capacity.form_invalid"));
    }
    let jp = input
        .jp
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|j| (1..=1000).contains(j));
    if jp.is_none() {
        problems.push(("jp".into(), "capacity.jp_invalid"));
    }
    let provider = crate::collapse_spaces(&input.provider);
    if provider.is_empty() {
        problems.push(("provider".into(), "capacity.provider_invalid"));
    }
    let mut tx = app.db.begin().await?;
    let organiser = accounts::organisation::find_agency(app, &input.organiser_agency_code)
        .await?
        .map(|a| a.id);
    if organiser.is_none() {
        problems.push(("organiser_agency_code".into(), "capacity.agency_unknown"));
    }
    let mut addressed = Vec::new();
    for line in input.competencies.lines().filter(|l| !l.trim().is_empty()) {
        let parsed = match line.split_once(':') {
            Some((code, level)) => match (
                competencies::find_competency_id(&mut tx, code).await?,
                competencies::parse_level(level),
            ) {
                (Some(id), Some(level)) => Some((id, level)),
                _ => None,
            },
            None => None,
        };
        match parsed {
            Some(pair) if !addressed.iter().any(|(id, _)| *id == pair.0) => addressed.push(pair),
            _ => {
                problems.push(("competencies".into(), "capacity.addressed_invalid"));
                break;
            }
        }
    }
    let (Some(kind), Some(form), Some(jp), Some(organiser), true) =
        (kind, form, jp, organiser, problems.is_empty())
    else {
        return Err(CapacityError::Invalid(problems));
    };
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO trainings (id, title, kind, form, jp, organiser_agency_id, co_organisers, provider, description, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&title)
    .bind(kind.as_str())
    .bind(form.as_str())
    .bind(jp)
    .bind(&organiser)
    .bind(crate::collapse_spaces(&input.co_organisers))
    .bind(&provider)
    .bind(input.description.trim())
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    for (competency, level) in &addressed {
        sqlx::query("INSERT INTO training_competencies (training_id, competency_id, target_level) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(competency)
            .bind(level)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "training.created",
            subject: &format!("training:{id}"),
            detail: serde_json::json!({ "jp": jp }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const TRAINING_COLUMNS: &str = "t.id, t.title, t.kind, t.form, t.jp, a.code AS agency_code, a.name_id AS agency_name, \
     t.co_organisers, t.provider, t.description";

async fn training_row(app: &AppState, row: &AnyRow, lang: Lang) -> Result<Training, CapacityError> {
    let id: String = row.try_get("id")?;
    let kind: String = row.try_get("kind")?;
    let form: String = row.try_get("form")?;
    let form = TrainingForm::parse(&form).unwrap_or(TrainingForm::Training);
    let competencies = sqlx::query(
        "SELECT c.code, c.name_id, c.name_en, tc.target_level FROM training_competencies tc \
         JOIN competencies c ON c.id = tc.competency_id WHERE tc.training_id = $1 ORDER BY c.name_id",
    )
    .bind(&id)
    .fetch_all(&app.db.read)
    .await?
    .iter()
    .map(|r| {
        Ok(Addressed {
            competency_code: r.try_get("code")?,
            competency_name: r.try_get(if lang == Lang::En { "name_en" } else { "name_id" })?,
            target_level: r.try_get("target_level")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Training {
        title: row.try_get("title")?,
        kind: CompetencyKind::parse(&kind).unwrap_or(CompetencyKind::Technical),
        classical: form.classical(),
        form,
        jp: row.try_get("jp")?,
        organiser_agency_code: row.try_get("agency_code")?,
        organiser_agency_name: row.try_get("agency_name")?,
        co_organisers: row.try_get("co_organisers")?,
        provider: row.try_get("provider")?,
        description: row.try_get("description")?,
        competencies,
        id,
    })
}

pub async fn list_trainings(app: &AppState, lang: Lang) -> Result<Vec<Training>, CapacityError> {
    let sql = format!(
        "SELECT {TRAINING_COLUMNS} FROM trainings t JOIN agencies a ON a.id = t.organiser_agency_id ORDER BY t.title"
    );
    let rows = sqlx::query(&sql).fetch_all(&app.db.read).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(training_row(app, row, lang).await?);
    }
    Ok(out)
}

pub async fn get_training(app: &AppState, id: &str, lang: Lang) -> Result<Training, CapacityError> {
    let sql = format!(
        "SELECT {TRAINING_COLUMNS} FROM trainings t JOIN agencies a ON a.id = t.organiser_agency_id WHERE t.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&app.db.read)
        .await?
        .ok_or(CapacityError::NotFound)?;
    training_row(app, &row, lang).await
}

/// A session as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SessionInput {
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD, on or after `starts_on`.
    pub ends_on: String,
    /// Place, or empty for an online session.
    pub place: String,
    /// https link for online sessions (optional when a place is given).
    pub online_url: String,
    pub capacity: String,
    /// YYYY-MM-DD: first day of enrolment.
    pub enrol_from: String,
    /// YYYY-MM-DD: last day of enrolment, on or before `ends_on`.
    pub enrol_until: String,
    /// Minimum attendance in percent of the session's days (default 80).
    pub min_attendance_pct: String,
    /// Minimum post-test score 0–100; empty for no post-test.
    pub post_test_min: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Session {
    pub id: String,
    pub training_id: String,
    pub training_title: String,
    pub jp: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub online_url: String,
    pub capacity: i64,
    pub seats_taken: i64,
    pub enrol_from: String,
    pub enrol_until: String,
    pub min_attendance_pct: i64,
    pub post_test_min: Option<i64>,
    pub completed: bool,
}

impl Session {
    /// The session's days, first to last.
    pub fn days(&self) -> Vec<Date> {
        let (Ok(start), Ok(end)) = (self.starts_on.parse::<Date>(), self.ends_on.parse::<Date>())
        else {
            return Vec::new();
        };
        let mut days = Vec::new();
        let mut day = start;
        while day <= end && days.len() < 366 {
            days.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }
    pub fn enrolment_open(&self, today: Date) -> bool {
        let (Ok(from), Ok(until)) = (
            self.enrol_from.parse::<Date>(),
            self.enrol_until.parse::<Date>(),
        ) else {
            return false;
        };
        from <= today && today <= until && !self.completed
    }
}

fn date(raw: &str) -> Option<Date> {
    raw.trim().parse::<Date>().ok()
}

/// Adds a session of a training (competency admin).
pub async fn create_session(
    app: &AppState,
    user: &CurrentUser,
    training_id: &str,
    input: &SessionInput,
) -> Result<String, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    get_training(app, training_id, Lang::Id).await?;
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let starts = date(&input.starts_on);
    if starts.is_none() {
        problems.push(("starts_on".into(), "capacity.date_invalid_any"));
    }
    let ends = date(&input.ends_on).filter(|e| starts.is_none_or(|s| *e >= s));
    if ends.is_none() {
        problems.push(("ends_on".into(), "capacity.ends_before_start"));
    }
    let place = crate::collapse_spaces(&input.place);
    let online_url = input.online_url.trim().to_string();
    if !online_url.is_empty() && !online_url.starts_with("https://") {
        problems.push(("online_url".into(), "capacity.url_invalid"));
    }
    if place.is_empty() && online_url.is_empty() {
        problems.push(("place".into(), "capacity.place_missing"));
    }
    let capacity = input
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=10_000).contains(c));
    if capacity.is_none() {
        problems.push(("capacity".into(), "capacity.capacity_invalid"));
    }
    let from = date(&input.enrol_from);
    if from.is_none() {
        problems.push(("enrol_from".into(), "capacity.date_invalid_any"));
    }
    let until = date(&input.enrol_until)
        .filter(|u| from.is_none_or(|f| *u >= f) && ends.or(starts).is_none_or(|e| *u <= e));
    if until.is_none() {
        problems.push(("enrol_until".into(), "capacity.enrol_until_invalid"));
    }
    let pct = match input.min_attendance_pct.trim() {
        "" => Some(80),
        raw => raw.parse::<i64>().ok().filter(|p| (1..=100).contains(p)),
    };
    if pct.is_none() {
        problems.push(("min_attendance_pct".into(), "capacity.pct_invalid"));
    }
    let post_test_min = match input.post_test_min.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=100).contains(p))
            .map(Some)
            .ok_or(()),
    };
    if post_test_min.is_err() {
        problems.push(("post_test_min".into(), "capacity.score_invalid"));
    }
    let (
        Some(starts),
        Some(ends),
        Some(capacity),
        Some(from),
        Some(until),
        Some(pct),
        Ok(post),
        true,
    ) = (
        starts,
        ends,
        capacity,
        from,
        until,
        pct,
        post_test_min,
        problems.is_empty(),
    )
    else {
        return Err(CapacityError::Invalid(problems));
    };
    let id = ids::new_id();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO training_sessions (id, training_id, starts_on, ends_on, place, online_url, capacity, seats_taken, \
         enrol_from, enrol_until, min_attendance_pct, post_test_min, checkin_secret, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(training_id)
    .bind(starts.to_string())
    .bind(ends.to_string())
    .bind(&place)
    .bind(&online_url)
    .bind(capacity)
    .bind(from.to_string())
    .bind(until.to_string())
    .bind(pct)
    .bind(post)
    .bind(ids::random_secret())
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "session.created",
            subject: &format!("session:{id}"),
            detail: serde_json::json!({ "training_id": training_id, "capacity": capacity }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const SESSION_COLUMNS: &str = "s.id, s.training_id, t.title, t.jp, s.starts_on, s.ends_on, s.place, s.online_url, s.capacity, \
     s.seats_taken, s.enrol_from, s.enrol_until, s.min_attendance_pct, s.post_test_min, s.completed_ms";

pub(crate) fn session_row(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: row.try_get("id")?,
        training_id: row.try_get("training_id")?,
        training_title: row.try_get("title")?,
        jp: row.try_get("jp")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        place: row.try_get("place")?,
        online_url: row.try_get("online_url")?,
        capacity: row.try_get("capacity")?,
        seats_taken: row.try_get("seats_taken")?,
        enrol_from: row.try_get("enrol_from")?,
        enrol_until: row.try_get("enrol_until")?,
        min_attendance_pct: row.try_get("min_attendance_pct")?,
        post_test_min: row.try_get("post_test_min")?,
        completed: row.try_get::<Option<i64>, _>("completed_ms")?.is_some(),
    })
}

/// Sessions of a training, earliest first.
pub async fn list_sessions(
    app: &AppState,
    training_id: &str,
) -> Result<Vec<Session>, CapacityError> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM training_sessions s JOIN trainings t ON t.id = s.training_id \
         WHERE s.training_id = $1 ORDER BY s.starts_on"
    );
    let rows = sqlx::query(&sql)
        .bind(training_id)
        .fetch_all(&app.db.read)
        .await?;
    Ok(rows.iter().map(session_row).collect::<Result<_, _>>()?)
}

pub async fn get_session(app: &AppState, id: &str) -> Result<Session, CapacityError> {
    let mut conn = app.db.read.acquire().await?;
    find_session(&mut conn, id)
        .await?
        .ok_or(CapacityError::NotFound)
}

pub(crate) async fn find_session(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM training_sessions s JOIN trainings t ON t.id = s.training_id WHERE s.id = $1"
    );
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(session_row)
        .transpose()
}

/// An iCalendar file (RFC 5545) with the session as an all-day event.
pub fn ics(session: &Session, base_url: &str) -> String {
    fn escape(text: &str) -> String {
        text.replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace('\n', "\\n")
    }
    let compact = |d: &str| d.replace('-', "");
    let end_exclusive = session
        .ends_on
        .parse::<Date>()
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .map(|d| d.to_string())
        .unwrap_or_else(|| session.ends_on.clone());
    let location = if session.place.is_empty() {
        session.online_url.clone()
    } else {
        session.place.clone()
    };
    let stamp = jiff::Timestamp::from_millisecond(clock::now_ms())
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default();
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Sigap Alak//Kapasitas ASN//ID".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:session-{}@sigap", session.id),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;VALUE=DATE:{}", compact(&session.starts_on)),
        format!("DTEND;VALUE=DATE:{}", compact(&end_exclusive)),
        format!("SUMMARY:{}", escape(&session.training_title)),
        format!("LOCATION:{}", escape(&location)),
        format!(
            "URL:{}/capacity/sessions/{}",
            base_url.trim_end_matches('/'),
            session.id
        ),
        format!("DESCRIPTION:{} JP", session.jp),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}

/// Sessions still open for enrolment whose training addresses `competency_code` above
/// `level` (the person's current level), earliest first.
pub async fn sessions_addressing(
    app: &AppState,
    competency_code: &str,
    level: i64,
    today: Date,
) -> Result<Vec<Session>, CapacityError> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM training_sessions s JOIN trainings t ON t.id = s.training_id \
         JOIN training_competencies tc ON tc.training_id = t.id JOIN competencies c ON c.id = tc.competency_id \
         WHERE c.code = $1 AND tc.target_level > $2 AND s.completed_ms IS NULL AND s.enrol_until >= $3 \
         ORDER BY s.starts_on LIMIT 20"
    );
    let rows = sqlx::query(&sql)
        .bind(competency_code)
        .bind(level)
        .bind(today.to_string())
        .fetch_all(&app.db.read)
        .await?;
    Ok(rows.iter().map(session_row).collect::<Result<_, _>>()?)
}
