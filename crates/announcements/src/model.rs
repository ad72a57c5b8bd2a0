//! Domain types of announcements: category, audience, status with its one transition function,
//! and the check that turns a form (or JSON body) into a [`Draft`] once.

use platform::{clock, web::forms::Problems};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AnnouncementCategory)]
pub enum Category {
    Policy,
    HealthProtocol,
    ServiceChange,
    Emergency,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Policy,
        Category::HealthProtocol,
        Category::ServiceChange,
        Category::Emergency,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Policy => "policy",
            Category::HealthProtocol => "health_protocol",
            Category::ServiceChange => "service_change",
            Category::Emergency => "emergency",
        }
    }
    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
    /// The category's path segment in feed URLs (`/feeds/announcements/health-protocol.atom`).
    pub fn slug(self) -> &'static str {
        match self {
            Category::Policy => "policy",
            Category::HealthProtocol => "health-protocol",
            Category::ServiceChange => "service-change",
            Category::Emergency => "emergency",
        }
    }
    pub fn from_slug(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.slug() == raw)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Category::Policy => "announcements.category_policy",
            Category::HealthProtocol => "announcements.category_health_protocol",
            Category::ServiceChange => "announcements.category_service_change",
            Category::Emergency => "announcements.category_emergency",
        }
    }
    /// CAP 1.2 `info/category` (section 3.2.2).
    pub fn cap_category(self) -> &'static str {
        match self {
            Category::HealthProtocol => "Health",
            Category::Emergency => "Safety",
            Category::Policy | Category::ServiceChange => "Other",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AnnouncementAudience)]
pub enum Audience {
    /// Everyone, signed in or not; in the feeds and CAP alerts.
    Public,
    /// Every signed-in civil servant (staff account).
    AllAsn,
    /// Staff of the chosen agencies only.
    Agencies,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Public, Audience::AllAsn, Audience::Agencies];
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::AllAsn => "all_asn",
            Audience::Agencies => "agencies",
        }
    }
    pub fn parse(raw: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Audience::Public => "announcements.audience_public",
            Audience::AllAsn => "announcements.audience_all_asn",
            Audience::Agencies => "announcements.audience_agencies",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AnnouncementStatus)]
pub enum Status {
    Draft,
    Published,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Edit,
    Publish,
    Cancel,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn parse(raw: &str) -> Option<Status> {
        [Status::Draft, Status::Published, Status::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
    /// The status after `action`, or `None` when the action is not allowed now.
    pub fn after(self, action: Action) -> Option<Status> {
        match (self, action) {
            (Status::Draft, Action::Edit) => Some(Status::Draft),
            (Status::Published, Action::Edit) => Some(Status::Published),
            (Status::Draft, Action::Publish) => Some(Status::Published),
            (Status::Draft | Status::Published, Action::Cancel) => Some(Status::Cancelled),
            (Status::Published, Action::Publish) | (Status::Cancelled, _) => None,
        }
    }
}

/// What a person sees about a published announcement's time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Draft,
    Scheduled,
    Active,
    Expired,
    Cancelled,
}

impl Phase {
    pub fn of(
        status: Status,
        publish_at_ms: Option<i64>,
        expires_at_ms: Option<i64>,
        now: i64,
    ) -> Phase {
        match status {
            Status::Draft => Phase::Draft,
            Status::Cancelled => Phase::Cancelled,
            Status::Published => {
                if publish_at_ms.is_some_and(|p| p > now) {
                    Phase::Scheduled
                } else if expires_at_ms.is_some_and(|e| e <= now) {
                    Phase::Expired
                } else {
                    Phase::Active
                }
            }
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Scheduled => "scheduled",
            Phase::Active => "active",
            Phase::Expired => "expired",
            Phase::Cancelled => "cancelled",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Phase::Draft => "announcements.phase_draft",
            Phase::Scheduled => "announcements.phase_scheduled",
            Phase::Active => "announcements.phase_active",
            Phase::Expired => "announcements.phase_expired",
            Phase::Cancelled => "announcements.phase_cancelled",
        }
    }
}

pub const TITLE_MAX: usize = 160;
pub const BODY_MAX: usize = 20_000;
pub const INSTRUCTION_MAX: usize = 2_000;
pub const SUMMARY_MAX: usize = 500;

/// An announcement's content and settings as typed, before the check.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AnnouncementInput {
    /// `policy`, `health_protocol`, `service_change` or `emergency`.
    pub category: String,
    /// `public`, `all_asn` or `agencies`.
    pub audience: String,
    /// Agency codes, for audience `agencies` (the HTML form sends them comma-separated).
    pub agencies: String,
    pub title: String,
    /// Markdown; HTML in it is removed when shown.
    pub body: String,
    /// What people should do (CAP `instruction`); optional.
    pub instruction: String,
    /// A short summary for feeds and lists; optional (else the start of the body).
    pub summary: String,
    /// English title; optional, but needed (with `body_en`) once any English field is given.
    pub title_en: String,
    /// English summary; optional.
    pub summary_en: String,
    /// English body (Markdown).
    pub body_en: String,
    /// English instruction; optional.
    pub instruction_en: String,
    /// WITA, `YYYY-MM-DDTHH:MM`; empty: at the moment it is published.
    pub publish_at: String,
    /// WITA, `YYYY-MM-DDTHH:MM`; empty: no expiry.
    pub expires_at: String,
    /// `1`/`true`/`on`: shown first.
    pub pinned: String,
    /// `1`/`true`/`on`: banner on every page and a CAP alert.
    pub urgent: String,
}

/// One language's text of an announcement; every field empty means "not written".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub instruction: String,
}

impl Texts {
    pub fn is_empty(&self) -> bool {
        self.title.is_empty()
            && self.summary.is_empty()
            && self.body.is_empty()
            && self.instruction.is_empty()
    }
}

fn text_field(raw: &str) -> String {
    raw.trim().replace("\r\n", "\n")
}

/// Checks one language's fields, named `fields` (title, summary, body, instruction).
fn check_texts(texts: &Texts, fields: [&'static str; 4], required: bool, problems: &mut Problems) {
    let [title, summary, body, instruction] = fields;
    if texts.title.is_empty() {
        if required {
            problems.push((title, "announcements.title_required"));
        }
    } else if texts.title.chars().count() > TITLE_MAX {
        problems.push((title, "announcements.title_too_long"));
    }
    if texts.summary.chars().count() > SUMMARY_MAX {
        problems.push((summary, "announcements.summary_too_long"));
    }
    if texts.body.is_empty() {
        if required {
            problems.push((body, "announcements.body_required"));
        }
    } else if texts.body.chars().count() > BODY_MAX {
        problems.push((body, "announcements.body_too_long"));
    }
    if texts.instruction.chars().count() > INSTRUCTION_MAX {
        problems.push((instruction, "announcements.instruction_too_long"));
    }
}

/// A checked announcement.
#[derive(Clone, Debug)]
pub struct Draft {
    pub category: Category,
    pub audience: Audience,
    pub agency_codes: Vec<String>,
    pub title: String,
    pub body: String,
    pub instruction: String,
    pub summary: String,
    /// Empty strings when there is no English text.
    pub english: Texts,
    pub publish_at_ms: Option<i64>,
    pub expires_at_ms: Option<i64>,
    pub pinned: bool,
    pub urgent: bool,
}

fn flag(raw: &str) -> bool {
    matches!(raw.trim(), "1" | "true" | "on" | "yes")
}

/// Parses a WITA wall-clock time `YYYY-MM-DDTHH:MM` (seconds optional) to epoch milliseconds.
pub fn parse_wita(raw: &str) -> Option<i64> {
    let civil: jiff::civil::DateTime = raw.trim().parse().ok()?;
    let zoned = civil.to_zoned(clock::wita().clone()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

/// `YYYY-MM-DDTHH:MM` in WITA, for a `datetime-local` input.
pub fn wita_input(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(clock::wita().clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

impl AnnouncementInput {
    /// Checks every field; all problems at once.
    pub fn check(&self) -> Result<Draft, Problems> {
        let mut problems: Problems = Vec::new();
        let category = Category::parse(&self.category);
        if category.is_none() {
            problems.push(("category", "announcements.category_required"));
        }
        let audience = Audience::parse(&self.audience);
        if audience.is_none() {
            problems.push(("audience", "announcements.audience_required"));
        }
        let agency_codes: Vec<String> = self
            .agencies
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        if audience == Some(Audience::Agencies) && agency_codes.is_empty() {
            problems.push(("agencies", "announcements.agencies_required"));
        }
        let indonesian = Texts {
            title: self.title.trim().to_string(),
            summary: text_field(&self.summary),
            body: text_field(&self.body),
            instruction: text_field(&self.instruction),
        };
        check_texts(
            &indonesian,
            ["title", "summary", "body", "instruction"],
            true,
            &mut problems,
        );
        let english = Texts {
            title: self.title_en.trim().to_string(),
            summary: text_field(&self.summary_en),
            body: text_field(&self.body_en),
            instruction: text_field(&self.instruction_en),
        };
        // Half an English text would show English readers a title without its body.
        check_texts(
            &english,
            ["title_en", "summary_en", "body_en", "instruction_en"],
            !english.is_empty(),
            &mut problems,
        );
        let publish_at_ms = match self.publish_at.trim() {
            "" => None,
            raw => {
                let parsed = parse_wita(raw);
                if parsed.is_none() {
                    problems.push(("publish_at", "announcements.time_invalid"));
                }
                parsed
            }
        };
        let expires_at_ms = match self.expires_at.trim() {
            "" => None,
            raw => {
                let parsed = parse_wita(raw);
                if parsed.is_none() {
                    problems.push(("expires_at", "announcements.time_invalid"));
                }
                parsed
            }
        };
        if let (Some(publish), Some(expires)) = (publish_at_ms, expires_at_ms)
            && expires <= publish
        {
            problems.push(("expires_at", "announcements.expiry_before_publish"));
        }
        match (category, audience) {
            (Some(category), Some(audience)) if problems.is_empty() => Ok(Draft {
                category,
                audience,
                agency_codes,
                title: indonesian.title,
                body: indonesian.body,
                instruction: indonesian.instruction,
                summary: indonesian.summary,
                english,
                publish_at_ms,
                expires_at_ms,
                pinned: flag(&self.pinned),
                urgent: flag(&self.urgent) || category == Category::Emergency,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AnnouncementInput {
        AnnouncementInput {
            category: "policy".into(),
            audience: "public".into(),
            title: "Jam layanan".into(),
            body: "Isi".into(),
            ..AnnouncementInput::default()
        }
    }

    #[test]
    fn every_status_and_action_pair_has_one_answer() {
        use Action::*;
        use Status::*;
        assert_eq!(Draft.after(Edit), Some(Draft));
        assert_eq!(Draft.after(Publish), Some(Published));
        assert_eq!(Draft.after(Cancel), Some(Cancelled));
        assert_eq!(Published.after(Edit), Some(Published));
        assert_eq!(Published.after(Publish), None);
        assert_eq!(Published.after(Cancel), Some(Cancelled));
        for action in [Edit, Publish, Cancel] {
            assert_eq!(Cancelled.after(action), None);
        }
    }

    #[test]
    fn an_expiry_before_the_publish_time_is_refused_on_the_expiry_field() {
        let mut form = input();
        form.publish_at = "2026-12-05T08:00".into();
        form.expires_at = "2026-12-04T08:00".into();
        let problems = form.check().expect_err("refused");
        assert_eq!(
            problems,
            vec![("expires_at", "announcements.expiry_before_publish")]
        );
    }

    #[test]
    fn times_are_read_in_wita() {
        // 08:00 WITA is 00:00 UTC.
        let ms = parse_wita("2026-12-05T08:00").expect("parses");
        assert_eq!(
            jiff::Timestamp::from_millisecond(ms)
                .expect("valid")
                .to_string(),
            "2026-12-05T00:00:00Z"
        );
        assert_eq!(wita_input(ms), "2026-12-05T08:00");
    }

    #[test]
    fn an_english_text_needs_its_title_and_body_once_begun() {
        let mut form = input();
        assert!(form.check().expect("valid").english.is_empty());
        form.summary_en = "Opening hours".into();
        assert_eq!(
            form.check().expect_err("refused"),
            vec![
                ("title_en", "announcements.title_required"),
                ("body_en", "announcements.body_required")
            ]
        );
        form.title_en = "Service hours".into();
        form.body_en = "Text".into();
        assert_eq!(form.check().expect("valid").english.title, "Service hours");
    }

    #[test]
    fn an_emergency_is_always_urgent() {
        let mut form = input();
        form.category = "emergency".into();
        assert!(form.check().expect("valid").urgent);
    }

    #[test]
    fn chosen_agencies_need_at_least_one_agency() {
        let mut form = input();
        form.audience = "agencies".into();
        assert_eq!(
            form.check().expect_err("refused"),
            vec![("agencies", "announcements.agencies_required")]
        );
        form.agencies = "dinkes, kec-alak".into();
        assert_eq!(
            form.check().expect("valid").agency_codes,
            vec!["dinkes", "kec-alak"]
        );
    }
}
