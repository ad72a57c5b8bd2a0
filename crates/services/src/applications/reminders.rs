//! The daily SLA reminder: every working day, the staff responsible for an application that is
//! due within one working day or overdue get an in-app reminder (the person who claimed it, or
//! else everyone at that desk of the owning agency). One node runs it per day: the first to
//! record the day's run in `job_runs`.

use std::time::Duration;

use platform::{
    AppState,
    auth::Role,
    clock, db,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};
use tokio_util::sync::CancellationToken;

use super::{status::Status, store};
use crate::{calendar, error::ServiceError, holidays, store as catalogue_store};

const JOB: &str = "sla_reminders";
/// Reminders go out from 07:00 WITA, before the office opens.
const FROM_HOUR_WITA: i8 = 7;

/// Runs until `cancel` fires, checking every ten minutes whether today's reminders are due.
pub async fn run(app: AppState, cancel: CancellationToken) {
    loop {
        if let Err(error) = run_if_due(&app).await {
            tracing::warn!(error = %error, "SLA reminders failed; will retry");
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(600)) => {}
        }
    }
}

/// Sends today's reminders if it is a working day after 07:00 WITA and no node has yet.
/// Returns how many reminders were written.
pub async fn run_if_due(app: &AppState) -> Result<usize, ServiceError> {
    let now = clock::now_ms();
    let local = jiff::Timestamp::from_millisecond(now)
        .map(|t| t.to_zoned(clock::wita().clone()))
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let calendar = holidays::load_calendar(app).await?;
    if local.hour() < FROM_HOUR_WITA || !calendar.is_working_day(local.date()) {
        return Ok(0);
    }
    let claimed = sqlx::query("INSERT INTO job_runs (job, day, started_ms) VALUES ($1, $2, $3)")
        .bind(JOB)
        .bind(local.date().to_string())
        .bind(now)
        .execute(&app.db.write)
        .await;
    match claimed {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => return Ok(0),
        Err(e) => return Err(e.into()),
    }
    super::processing::lapse_overdue_revisions(app).await?;
    send_reminders(app, &calendar).await
}

/// Writes one reminder per responsible person and application due within a working day.
pub async fn send_reminders(
    app: &AppState,
    calendar: &calendar::Calendar,
) -> Result<usize, ServiceError> {
    let today = calendar::wita_date(clock::now_ms());
    let open = [
        Status::Submitted,
        Status::InVerification,
        Status::AwaitingRecommendation,
        Status::AwaitingSignature,
    ];
    let agencies: Vec<String> = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))?
        .into_iter()
        .map(|n| n.agency.id)
        .collect();
    let rows = store::list_for_office(&app.db, &agencies, &open).await?;
    let tr = Tr::new(Lang::Id, app.catalogue.clone());
    let mut written = 0;
    let mut tx = app.db.begin().await?;
    for row in rows {
        let Some(due) = row.due_day.as_deref().and_then(calendar::parse_date) else {
            continue;
        };
        let left = if due >= today {
            calendar.working_days_between(today, due)
        } else {
            -calendar.working_days_between(due, today)
        };
        if left > 1 {
            continue;
        }
        let desk = match row.status {
            Status::AwaitingSignature => Role::Signer,
            _ => Role::Verifier,
        };
        let people = match (&row.claimed_by, row.status) {
            (Some(person), Status::InVerification) => vec![person.clone()],
            _ => accounts::holders_of(app, desk, &row.agency_id).await?,
        };
        let service = catalogue_store::find_service_by_id(&app.db, &row.service_id)
            .await?
            .map(|s| s.name_id)
            .unwrap_or_default();
        let number = row.tracking_number.clone().unwrap_or_default();
        let key = if left < 0 {
            "services.reminder_overdue"
        } else {
            "services.reminder_due"
        };
        let subject = tr.f("services.reminder_subject", &[("number", &number)]);
        let body = tr.f(
            key,
            &[
                ("number", &number),
                ("service", &service),
                ("due", &due.to_string()),
            ],
        );
        for person in people {
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel: Channel::InApp,
                    user_id: Some(&person),
                    address: None,
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
            written += 1;
        }
    }
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(written)
}
