//! Attendance per day (the admin's register, or the participant's QR check-in with the day's
//! code), post-test scores, the completion rule (minimum attendance %, optional post-test) and
//! the reaction evaluation. Completing a session writes each graduate's JP to the ledger in the
//! same transaction. Owns `attendance` and `evaluations`.

use std::collections::HashMap;

use jiff::civil::Date;
use platform::{AppState, audit, auth::CurrentUser, clock, ids};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::{
    employees,
    enrolment::{self, Enrolment, EnrolmentStatus},
    error::CapacityError,
    is_admin,
    trainings::{self, Session},
};

/// The check-in code of one day: derived from the session's secret, so it changes every day and
/// cannot be guessed from another day's code.
pub fn checkin_code(secret: &str, day: Date) -> String {
    let digest = Sha256::digest(format!("{secret}|{day}").as_bytes());
    hex::encode(&digest[..4]).to_uppercase()
}

/// Whether an enrolment holds a seat (attendance may be recorded).
fn holds_seat(status: EnrolmentStatus) -> bool {
    matches!(
        status,
        EnrolmentStatus::Enrolled | EnrolmentStatus::Completed | EnrolmentStatus::NotCompleted
    )
}

async fn secret_of(conn: &mut AnyConnection, session_id: &str) -> Result<String, CapacityError> {
    Ok(
        sqlx::query("SELECT checkin_secret FROM training_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(conn)
            .await?
            .ok_or(CapacityError::NotFound)?
            .try_get("checkin_secret")?,
    )
}

/// Today's code for the admin's session page (a QR code of the check-in link).
pub async fn todays_code(
    app: &AppState,
    user: &CurrentUser,
    session: &Session,
) -> Result<Option<(String, String)>, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let today = crate::today_wita();
    if !session.days().contains(&today) {
        return Ok(None);
    }
    let mut conn = app.db.read.acquire().await?;
    let secret = secret_of(&mut conn, &session.id).await?;
    Ok(Some((today.to_string(), checkin_code(&secret, today))))
}

async fn write_attendance(
    conn: &mut AnyConnection,
    session: &Session,
    enrolment: &Enrolment,
    day: Date,
    method: &str,
    actor: &str,
) -> Result<bool, CapacityError> {
    let done = sqlx::query(
        "INSERT INTO attendance (session_id, employee_id, day, method, recorded_by, recorded_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, employee_id, day) DO NOTHING",
    )
    .bind(&session.id)
    .bind(&enrolment.employee_id)
    .bind(day.to_string())
    .bind(method)
    .bind(actor)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        audit::record(
            conn,
            audit::Entry {
                actor_id: Some(actor),
                action: "attendance.recorded",
                subject: &format!("enrolment:{}", enrolment.id),
                detail: serde_json::json!({ "day": day.to_string(), "method": method }),
            },
        )
        .await?;
    }
    Ok(done.rows_affected() == 1)
}

fn parse_day(session: &Session, raw: &str) -> Result<Date, CapacityError> {
    let day = raw
        .trim()
        .parse::<Date>()
        .map_err(|_| CapacityError::field("day", "capacity.date_invalid_any"))?;
    if !session.days().contains(&day) {
        return Err(CapacityError::DayOutsideSession);
    }
    Ok(day)
}

/// The admin records that the employee `nip` attended `day`. Someone not enrolled is refused.
/// Returns false when it was recorded already.
pub async fn record(
    app: &AppState,
    user: &CurrentUser,
    session_id: &str,
    nip: &str,
    day: &str,
) -> Result<bool, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let session = trainings::get_session(app, session_id).await?;
    let day = parse_day(&session, day)?;
    let employee = employees::find_employee(app, nip)
        .await?
        .ok_or_else(|| CapacityError::field("nip", "capacity.employee_unknown"))?;
    let mut tx = app.db.begin().await?;
    let enrolment = enrolment::find_enrolment_of(&mut tx, session_id, &employee.id)
        .await?
        .filter(|e| holds_seat(e.status))
        .ok_or(CapacityError::NotEnrolled)?;
    let added = write_attendance(&mut tx, &session, &enrolment, day, "register", &user.id).await?;
    tx.commit().await?;
    Ok(added)
}

/// The participant checks in with today's code (from the QR code shown in the room).
pub async fn check_in(
    app: &AppState,
    user: &CurrentUser,
    session_id: &str,
    code: &str,
) -> Result<bool, CapacityError> {
    let employee = employees::own_record(app, user).await?;
    let session = trainings::get_session(app, session_id).await?;
    let today = crate::today_wita();
    if !session.days().contains(&today) {
        return Err(CapacityError::DayOutsideSession);
    }
    let mut tx = app.db.begin().await?;
    let secret = secret_of(&mut tx, session_id).await?;
    let expected = checkin_code(&secret, today);
    if !same(code.trim().to_uppercase().as_bytes(), expected.as_bytes()) {
        return Err(CapacityError::WrongCheckinCode);
    }
    let enrolment = enrolment::find_enrolment_of(&mut tx, session_id, &employee.id)
        .await?
        .filter(|e| holds_seat(e.status))
        .ok_or(CapacityError::NotEnrolled)?;
    let added = write_attendance(&mut tx, &session, &enrolment, today, "qr", &user.id).await?;
    tx.commit().await?;
    Ok(added)
}

/// Compares in constant time, so the code cannot be found byte by byte from response times.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Days attended per employee id.
pub async fn attended_days(
    app: &AppState,
    session_id: &str,
) -> Result<HashMap<String, Vec<String>>, CapacityError> {
    let rows =
        sqlx::query("SELECT employee_id, day FROM attendance WHERE session_id = $1 ORDER BY day")
            .bind(session_id)
            .fetch_all(&app.db.read)
            .await?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for row in &rows {
        out.entry(row.try_get("employee_id")?)
            .or_default()
            .push(row.try_get("day")?);
    }
    Ok(out)
}

/// Records a post-test score 0–100 (competency admin).
pub async fn set_post_test(
    app: &AppState,
    user: &CurrentUser,
    enrolment_id: &str,
    score: &str,
) -> Result<(), CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let score = score
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| (0..=100).contains(s))
        .ok_or_else(|| CapacityError::field("score", "capacity.score_invalid"))?;
    let mut tx = app.db.begin().await?;
    let enrolment = enrolment::find_enrolment(&mut tx, enrolment_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    if enrolment.status != EnrolmentStatus::Enrolled {
        return Err(CapacityError::NotEnrolled);
    }
    sqlx::query("UPDATE enrolments SET post_test_score = $2 WHERE id = $1")
        .bind(enrolment_id)
        .bind(score)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "post_test.recorded",
            subject: &format!("enrolment:{enrolment_id}"),
            detail: serde_json::json!({ "score": score }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The completion rule: attendance of at least `min_pct` of `total_days`, and, when the session
/// has a post-test, a score of at least its minimum.
pub fn passes(
    attended: usize,
    total_days: usize,
    min_pct: i64,
    post_test_min: Option<i64>,
    score: Option<i64>,
) -> bool {
    let enough =
        total_days > 0 && (attended.min(total_days) as i64) * 100 >= min_pct * total_days as i64;
    let tested = match post_test_min {
        None => true,
        Some(min) => score.is_some_and(|s| s >= min),
    };
    enough && tested
}

/// Outcome of closing a session.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Completion {
    pub completed: usize,
    pub not_completed: usize,
}

/// Closes the session (competency admin): applies the completion rule to every participant and
/// writes each graduate's JP to the ledger, all in one transaction. A session closes once.
pub async fn complete_session(
    app: &AppState,
    user: &CurrentUser,
    session_id: &str,
) -> Result<Completion, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let session = trainings::get_session(app, session_id).await?;
    if session
        .days()
        .last()
        .is_none_or(|last| crate::today_wita() < *last)
    {
        return Err(CapacityError::SessionNotOver);
    }
    let total_days = session.days().len();
    let attended = attended_days(app, session_id).await?;
    let participants = enrolment::list_for_session(app, session_id).await?;
    let year: i64 = session
        .ends_on
        .parse::<Date>()
        .map(|d| i64::from(d.year()))
        .map_err(|e| CapacityError::Internal(e.into()))?;
    let mut tx = app.db.begin().await?;
    let closed = sqlx::query(
        "UPDATE training_sessions SET completed_ms = $2 WHERE id = $1 AND completed_ms IS NULL",
    )
    .bind(session_id)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() != 1 {
        return Err(CapacityError::SessionClosed);
    }
    let mut outcome = Completion {
        completed: 0,
        not_completed: 0,
    };
    for participant in participants
        .iter()
        .filter(|p| p.status == EnrolmentStatus::Enrolled)
    {
        let days = attended.get(&participant.employee_id).map_or(0, Vec::len);
        let passed = passes(
            days,
            total_days,
            session.min_attendance_pct,
            session.post_test_min,
            participant.post_test_score,
        );
        let status = if passed {
            EnrolmentStatus::Completed
        } else {
            EnrolmentStatus::NotCompleted
        };
        sqlx::query("UPDATE enrolments SET status = $2 WHERE id = $1 AND status = 'enrolled'")
            .bind(&participant.id)
            .bind(status.as_str())
            .execute(&mut *tx)
            .await?;
        if passed {
            outcome.completed += 1;
            let written = sqlx::query(
                "INSERT INTO jp_entries (id, employee_id, year, jp, source, enrolment_id, title, status, decided_by, decided_ms, created_ms) \
                 VALUES ($1, $2, $3, $4, 'training', $5, $6, 'approved', $7, $8, $8) ON CONFLICT (enrolment_id) DO NOTHING",
            )
            .bind(ids::new_id())
            .bind(&participant.employee_id)
            .bind(year)
            .bind(session.jp)
            .bind(&participant.id)
            .bind(&session.training_title)
            .bind(&user.id)
            .bind(clock::now_ms())
            .execute(&mut *tx)
            .await?;
            if written.rows_affected() == 1 {
                crate::jp_totals::on_approved(&mut tx, &participant.employee_id, year).await?;
            }
        } else {
            outcome.not_completed += 1;
        }
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "session.completed",
            subject: &format!("session:{session_id}"),
            detail: serde_json::json!({ "completed": outcome.completed, "not_completed": outcome.not_completed }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// A reaction evaluation (Kirkpatrick level 1): four ratings 1–5 and a comment.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EvaluationInput {
    pub relevance: String,
    pub content: String,
    pub trainer: String,
    pub organisation: String,
    pub comment: String,
}

/// The participant rates the session once.
pub async fn evaluate(
    app: &AppState,
    user: &CurrentUser,
    enrolment_id: &str,
    input: &EvaluationInput,
) -> Result<(), CapacityError> {
    let employee = employees::own_record(app, user).await?;
    // Someone else's enrolment is not found, before the ratings are looked at.
    let mut tx = app.db.begin().await?;
    let enrolment = enrolment::find_enrolment(&mut tx, enrolment_id)
        .await?
        .filter(|e| e.employee_id == employee.id)
        .ok_or(CapacityError::NotFound)?;
    if !holds_seat(enrolment.status) {
        return Err(CapacityError::NotEnrolled);
    }
    let rating = |raw: &str| {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|r| (1..=5).contains(r))
    };
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let ratings: Vec<Option<i64>> = [
        ("relevance", &input.relevance),
        ("content", &input.content),
        ("trainer", &input.trainer),
        ("organisation", &input.organisation),
    ]
    .iter()
    .map(|(field, raw)| {
        let value = rating(raw);
        if value.is_none() {
            problems.push(((*field).to_string(), "capacity.rating_invalid"));
        }
        value
    })
    .collect();
    if input.comment.chars().count() > 2000 {
        problems.push(("comment".into(), "capacity.comment_too_long"));
    }
    if !problems.is_empty() {
        return Err(CapacityError::Invalid(problems));
    }
    let inserted = sqlx::query(
        "INSERT INTO evaluations (enrolment_id, relevance, content, trainer, organisation, comment, submitted_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (enrolment_id) DO NOTHING",
    )
    .bind(enrolment_id)
    .bind(ratings[0])
    .bind(ratings[1])
    .bind(ratings[2])
    .bind(ratings[3])
    .bind(input.comment.trim())
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(CapacityError::AlreadyEvaluated);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "evaluation.submitted",
            subject: &format!("enrolment:{enrolment_id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Averages of a session's evaluations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EvaluationSummary {
    pub responses: i64,
    pub relevance: f64,
    pub content: f64,
    pub trainer: f64,
    pub organisation: f64,
}

pub async fn evaluation_summary(
    app: &AppState,
    session_id: &str,
) -> Result<EvaluationSummary, CapacityError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(v.relevance), 0) AS r, COALESCE(SUM(v.content), 0) AS c, \
         COALESCE(SUM(v.trainer), 0) AS t, COALESCE(SUM(v.organisation), 0) AS o \
         FROM evaluations v JOIN enrolments en ON en.id = v.enrolment_id WHERE en.session_id = $1",
    )
    .bind(session_id)
    .fetch_one(&app.db.read)
    .await?;
    let n: i64 = row.try_get("n")?;
    let avg = |sum: i64| {
        if n == 0 {
            0.0
        } else {
            (sum as f64 / n as f64 * 100.0).round() / 100.0
        }
    };
    Ok(EvaluationSummary {
        responses: n,
        relevance: avg(row.try_get("r")?),
        content: avg(row.try_get("c")?),
        trainer: avg(row.try_get("t")?),
        organisation: avg(row.try_get("o")?),
    })
}

pub async fn has_evaluated(app: &AppState, enrolment_id: &str) -> Result<bool, CapacityError> {
    Ok(
        sqlx::query("SELECT 1 AS x FROM evaluations WHERE enrolment_id = $1")
            .bind(enrolment_id)
            .fetch_optional(&app.db.read)
            .await?
            .is_some(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_completion_rule_needs_attendance_and_the_post_test() {
        assert!(passes(2, 3, 60, None, None), "67% of days against 60%");
        assert!(!passes(1, 3, 60, None, None), "33%");
        assert!(passes(3, 3, 100, Some(70), Some(70)));
        assert!(!passes(3, 3, 100, Some(70), Some(69)));
        assert!(!passes(3, 3, 100, Some(70), None), "no score, no pass");
        assert!(!passes(0, 0, 80, None, None), "a session without days");
    }

    #[test]
    fn a_checkin_code_changes_every_day() {
        let one = Date::new(2026, 12, 1).expect("date");
        let two = Date::new(2026, 12, 2).expect("date");
        assert_eq!(checkin_code("s", one), checkin_code("s", one));
        assert_ne!(checkin_code("s", one), checkin_code("s", two));
        assert_ne!(checkin_code("s", one), checkin_code("t", one));
        assert_eq!(checkin_code("s", one).len(), 8);
    }
}
