//! The notification outbox: two nodes delivering at once never deliver a message twice.

use std::sync::Arc;

use platform::outbox::{self, Channel, delivery::Senders};

use crate::support::on_both;

#[tokio::test]
async fn two_nodes_deliver_each_message_exactly_once() {
    on_both(async |app| {
        let web = app.browser();
        web.register(
            "Yuliana Ndun",
            &crate::support::nik(1),
            "yuliana@example.id",
            "",
            "Pantai-Namosain-2026",
        )
        .await;
        let user_id: String = {
            use sqlx::Row as _;
            sqlx::query("SELECT id FROM users")
                .fetch_one(&app.state.db.read)
                .await
                .expect("row")
                .get(0)
        };
        let mut tx = app.state.db.begin().await.expect("tx");
        for n in 0..40 {
            let subject = format!("Pesan {n}");
            let (channel, address) = if n % 2 == 0 {
                (Channel::InApp, None)
            } else {
                (Channel::Email, Some("yuliana@example.id"))
            };
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel,
                    user_id: Some(&user_id),
                    address,
                    subject: &subject,
                    body: "isi",
                },
            )
            .await
            .expect("enqueue");
        }
        tx.commit().await.expect("commit");
        // Two extra "nodes" race the server's own worker for the same messages.
        let senders = Arc::new(Senders::from_settings(&app.state.settings).expect("senders"));
        let a = tokio::spawn({
            let (db, senders) = (app.state.db.clone(), senders.clone());
            async move { outbox::worker::deliver_due(&db, &senders, "node-a").await }
        });
        let b = tokio::spawn({
            let (db, senders) = (app.state.db.clone(), senders.clone());
            async move { outbox::worker::deliver_due(&db, &senders, "node-b").await }
        });
        a.await.expect("a").expect("a delivers");
        b.await.expect("b").expect("b delivers");
        app.wait_for_count(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending'",
            |n| n == 0,
        )
        .await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE status = 'delivered'")
                .await,
            41,
            "40 + the welcome"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM notifications WHERE subject LIKE 'Pesan %'")
                .await,
            20
        );
        let emails: Vec<String> = app
            .sent_emails()
            .iter()
            .map(|m| m["subject"].as_str().unwrap_or("").to_string())
            .collect();
        let mut unique = emails.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(emails.len(), 20, "each email sent once");
        assert_eq!(unique.len(), 20);
    })
    .await;
}
