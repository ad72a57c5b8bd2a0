//! The organisation tree: Pemerintah Kota Kupang, Kecamatan Alak with its kelurahan, and the city
//! agencies Sigap works with. Every staff role is granted within one of these.

use platform::{AppState, audit, web::i18n::Lang};

use crate::{
    error::AccountsError,
    staff::Actor,
    store::{self, AgencyRow, NewAgency},
};

pub const KINDS: [&str; 6] = ["city", "kecamatan", "kelurahan", "dinas", "badan", "unit"];

/// An agency placed in the tree, for lists and pickers.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AgencyNode {
    #[serde(flatten)]
    pub agency: AgencyRow,
    /// 0 for a root, 1 for its children, ...
    pub depth: usize,
}

impl AgencyNode {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.agency.name_id,
            Lang::En => &self.agency.name_en,
        }
    }
    /// Name indented by depth, for a `<select>`.
    pub fn indented_name(&self, lang: Lang) -> String {
        format!("{}{}", "— ".repeat(self.depth), self.name(lang))
    }
}

/// All agencies, parents before their children (depth-first, by code).
pub async fn agency_tree(app: &AppState) -> Result<Vec<AgencyNode>, AccountsError> {
    let all = store::list_agencies(&app.db).await?;
    let mut ordered = Vec::with_capacity(all.len());
    fn visit(all: &[AgencyRow], parent: Option<&str>, depth: usize, out: &mut Vec<AgencyNode>) {
        for agency in all.iter().filter(|a| a.parent_id.as_deref() == parent) {
            out.push(AgencyNode {
                agency: agency.clone(),
                depth,
            });
            // Depth is bounded by the tree; a cycle cannot exist because a parent must exist first.
            if depth < 16 {
                visit(all, Some(&agency.id), depth + 1, out);
            }
        }
    }
    visit(&all, None, 0, &mut ordered);
    Ok(ordered)
}

/// The agency with `code`, if any.
pub async fn find_agency(app: &AppState, code: &str) -> Result<Option<AgencyRow>, sqlx::Error> {
    let mut conn = app.db.read.acquire().await?;
    store::find_agency_by_code(&mut conn, code.trim()).await
}

/// The agency with `id`, if any.
pub async fn find_agency_by_id(app: &AppState, id: &str) -> Result<Option<AgencyRow>, sqlx::Error> {
    Ok(store::list_agencies(&app.db)
        .await?
        .into_iter()
        .find(|a| a.id == id))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AgencyInput {
    /// Short unique code: a–z, 0–9 and `-`, e.g. `dinkes`.
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    /// city, kecamatan, kelurahan, dinas, badan or unit.
    pub kind: String,
    /// Code of the parent agency; empty for a root.
    pub parent_code: String,
    /// Kepmendagri region code, e.g. 53.71.01.1001 (optional).
    pub region_code: String,
}

pub async fn create_agency(
    app: &AppState,
    actor: Actor<'_>,
    input: &AgencyInput,
) -> Result<String, AccountsError> {
    if let Actor::User(user) = actor
        && !user.has_role(platform::auth::Role::Superadmin)
    {
        return Err(AccountsError::Forbidden);
    }
    let mut problems = Vec::new();
    let code = input.code.trim().to_lowercase();
    if !(2..=30).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(("code", "accounts.agency_code_invalid"));
    }
    let name_id = input.name_id.trim();
    let name_en = if input.name_en.trim().is_empty() {
        name_id
    } else {
        input.name_en.trim()
    };
    if name_id.chars().count() < 3 || name_id.chars().count() > 150 {
        problems.push(("name_id", "accounts.agency_name_invalid"));
    }
    if !KINDS.contains(&input.kind.as_str()) {
        problems.push(("kind", "accounts.agency_kind_invalid"));
    }
    let region = input.region_code.trim();
    if !region.is_empty() && !region.chars().all(|c| c.is_ascii_digit() || c == '.') {
        problems.push(("region_code", "accounts.region_code_invalid"));
    }
    let mut tx = app.db.begin().await?;
    let parent = match input.parent_code.trim() {
        "" => None,
        parent_code => {
            let parent = store::find_agency_by_code(&mut tx, parent_code).await?;
            if parent.is_none() {
                problems.push(("parent_code", "accounts.agency_unknown"));
            }
            parent
        }
    };
    if !problems.is_empty() {
        return Err(AccountsError::Invalid(problems));
    }
    let inserted = store::insert_agency(
        &mut tx,
        &NewAgency {
            code: &code,
            name_id,
            name_en,
            kind: &input.kind,
            parent_id: parent.as_ref().map(|p| p.id.as_str()),
            region_code: (!region.is_empty()).then_some(region),
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if platform::db::is_unique_violation(&e) => {
            return Err(AccountsError::Invalid(vec![(
                "code",
                "accounts.agency_code_taken",
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: match actor {
                Actor::User(user) => Some(&user.id),
                Actor::Operator => None,
            },
            action: "agency.created",
            subject: &format!("agency:{id}"),
            detail: serde_json::json!({ "code": code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
