//! Staff accounts and role grants, managed by a superadmin (web or API) or by the operator on the
//! server (`sigap user`). Every change is audited; the last superadmin can neither be disabled
//! nor lose the role, so the installation never locks itself out.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role, password, session},
};
use rand::Rng as _;

use crate::{
    error::AccountsError,
    model::{self, Email, Phone},
    notice,
    store::{self, NewUser},
};

/// Who asks for a change: a signed-in person (must be a superadmin) or the server's operator.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    User(&'a CurrentUser),
    Operator,
}

impl Actor<'_> {
    fn id(&self) -> Option<&str> {
        match self {
            Actor::User(user) => Some(&user.id),
            Actor::Operator => None,
        }
    }
    fn require_superadmin(&self) -> Result<(), AccountsError> {
        match self {
            Actor::User(user) if !user.has_role(Role::Superadmin) => Err(AccountsError::Forbidden),
            _ => Ok(()),
        }
    }
}

/// A temporary password to hand over in person: 3 groups of 4 unambiguous characters.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StaffInput {
    pub full_name: String,
    pub username: String,
    pub email: String,
    pub phone: String,
    /// Role name, e.g. `verifier`.
    pub role: String,
    /// Agency code, e.g. `kec-alak`.
    pub agency_code: String,
}

/// A created account and the temporary password to hand over.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedStaff {
    pub user_id: String,
    pub username: String,
    pub temporary_password: String,
}

pub async fn create_staff(
    app: &AppState,
    actor: Actor<'_>,
    input: &StaffInput,
) -> Result<CreatedStaff, AccountsError> {
    create_staff_with_password(app, actor, input, None).await
}

/// As `create_staff`, with a chosen password (demo data); checked against the policy.
pub async fn create_staff_with_password(
    app: &AppState,
    actor: Actor<'_>,
    input: &StaffInput,
    chosen_password: Option<&str>,
) -> Result<CreatedStaff, AccountsError> {
    actor.require_superadmin()?;
    let mut problems = Vec::new();
    let full_name = model::parse_full_name(&input.full_name);
    if full_name.is_none() {
        problems.push(("full_name", "accounts.name_invalid"));
    }
    let username = model::parse_username(&input.username);
    if username.is_none() {
        problems.push(("username", "accounts.username_invalid"));
    }
    let email = match input.email.trim() {
        "" => None,
        raw => Email::parse(raw).or_else(|| {
            problems.push(("email", "accounts.email_invalid"));
            None
        }),
    };
    let phone = match input.phone.trim() {
        "" => None,
        raw => Phone::parse(raw).or_else(|| {
            problems.push(("phone", "accounts.phone_invalid"));
            None
        }),
    };
    let role = Role::parse(&input.role);
    if role.is_none() {
        problems.push(("role", "accounts.role_unknown"));
    }
    let mut conn = app.db.read.acquire().await?;
    let agency = store::find_agency_by_code(&mut conn, input.agency_code.trim()).await?;
    drop(conn);
    if agency.is_none() {
        problems.push(("agency_code", "accounts.agency_unknown"));
    }
    let password_text = chosen_password.map_or_else(temporary_password, str::to_string);
    if let Err(key) = model::check_password(&password_text, &[]) {
        problems.push(("password", key));
    }
    let (Some(full_name), Some(username), Some(role), Some(agency)) =
        (full_name, username, role, agency)
    else {
        return Err(AccountsError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(AccountsError::Invalid(problems));
    }
    let email = email.as_ref().map(|e| e.expose());
    let phone = phone.as_ref().map(|p| p.expose());
    let taken = store::find_taken(&app.db, None, email, phone, Some(&username)).await?;
    if !taken.is_empty() {
        return Err(AccountsError::Taken(taken));
    }
    let hash = password::hash_password(password_text.clone()).await?;
    let mut tx = app.db.begin().await?;
    let user_id = store::insert_user(
        &mut tx,
        &NewUser {
            kind: "staff",
            full_name: &full_name,
            username: Some(&username),
            nik: None,
            email,
            phone,
            password_hash: &hash,
            lang: "id",
        },
    )
    .await
    .map_err(|e| {
        if platform::db::is_unique_violation(&e) {
            AccountsError::Taken(vec!["username"])
        } else {
            e.into()
        }
    })?;
    store::insert_grant(&mut tx, &user_id, role.as_str(), &agency.id, actor.id()).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: "account.created",
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({ "kind": "staff", "role": role.as_str(), "agency": agency.code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedStaff {
        user_id,
        username,
        temporary_password: password_text,
    })
}

/// Grants `role` within the agency `agency_code`. Granting a role held already changes nothing.
pub async fn grant_role(
    app: &AppState,
    actor: Actor<'_>,
    user_id: &str,
    role: &str,
    agency_code: &str,
) -> Result<(), AccountsError> {
    actor.require_superadmin()?;
    let (role, agency_id) = resolve_grant(app, role, agency_code).await?;
    let user = store::find_user(&app.db, user_id)
        .await?
        .ok_or(AccountsError::NotFound)?;
    if user.kind != "staff" {
        return Err(AccountsError::Invalid(vec![(
            "role",
            "accounts.citizen_no_roles",
        )]));
    }
    let mut tx = app.db.begin().await?;
    if store::insert_grant(&mut tx, user_id, role.as_str(), &agency_id, actor.id()).await? {
        role_notice(&mut tx, app, &user, role, agency_code, RoleChange::Granted).await?;
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: actor.id(),
                action: "role.granted",
                subject: &format!("user:{user_id}"),
                detail: serde_json::json!({ "role": role.as_str(), "agency": agency_code }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn revoke_role(
    app: &AppState,
    actor: Actor<'_>,
    user_id: &str,
    role: &str,
    agency_code: &str,
) -> Result<(), AccountsError> {
    actor.require_superadmin()?;
    let (role, agency_id) = resolve_grant(app, role, agency_code).await?;
    let user = store::find_user(&app.db, user_id)
        .await?
        .ok_or(AccountsError::NotFound)?;
    let mut tx = app.db.begin().await?;
    if role == Role::Superadmin
        && store::count_grants(&mut tx, Role::Superadmin.as_str()).await? <= 1
    {
        return Err(AccountsError::LastSuperadmin);
    }
    if !store::delete_grant(&mut tx, user_id, role.as_str(), &agency_id).await? {
        return Err(AccountsError::NotFound);
    }
    role_notice(&mut tx, app, &user, role, agency_code, RoleChange::Revoked).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: "role.revoked",
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({ "role": role.as_str(), "agency": agency_code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Copy)]
enum RoleChange {
    Granted,
    Revoked,
}

/// Tells the account holder a role was granted or revoked (ASVS 2.2.3).
async fn role_notice(
    conn: &mut sqlx::AnyConnection,
    app: &AppState,
    user: &store::UserRow,
    role: Role,
    agency_code: &str,
    change: RoleChange,
) -> Result<(), sqlx::Error> {
    let tr = notice::tr_for(app, user);
    let (subject, body) = match change {
        RoleChange::Granted => (
            "accounts.role_granted_subject",
            "accounts.role_granted_body",
        ),
        RoleChange::Revoked => (
            "accounts.role_revoked_subject",
            "accounts.role_revoked_body",
        ),
    };
    let role_name = tr.t(&format!("role.{}", role.as_str())).to_string();
    let body = tr.f(
        body,
        &[("role", &role_name), ("agency", agency_code.trim())],
    );
    notice::account_changed(conn, user, tr.t(subject), &body).await
}

async fn resolve_grant(
    app: &AppState,
    role: &str,
    agency_code: &str,
) -> Result<(Role, String), AccountsError> {
    let role = Role::parse(role)
        .ok_or_else(|| AccountsError::Invalid(vec![("role", "accounts.role_unknown")]))?;
    let mut conn = app.db.read.acquire().await?;
    let agency = store::find_agency_by_code(&mut conn, agency_code.trim())
        .await?
        .ok_or_else(|| AccountsError::Invalid(vec![("agency_code", "accounts.agency_unknown")]))?;
    Ok((role, agency.id))
}

/// Disables (or enables) a staff account; disabling ends its sessions at once.
pub async fn set_disabled(
    app: &AppState,
    actor: Actor<'_>,
    user_id: &str,
    disabled: bool,
) -> Result<(), AccountsError> {
    actor.require_superadmin()?;
    if disabled && actor.id() == Some(user_id) {
        return Err(AccountsError::Invalid(vec![(
            "user",
            "accounts.cannot_disable_self",
        )]));
    }
    let mut tx = app.db.begin().await?;
    if disabled {
        let grants = platform::auth::session::list_grants(&app.db, user_id).await?;
        if grants.iter().any(|g| g.role == Role::Superadmin)
            && store::count_grants(&mut tx, Role::Superadmin.as_str()).await? <= 1
        {
            return Err(AccountsError::LastSuperadmin);
        }
    }
    if store::update_disabled(&mut tx, user_id, disabled).await? == 0 {
        return Err(AccountsError::NotFound);
    }
    if disabled {
        session::delete_user_sessions(&mut tx, user_id).await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: if disabled {
                "account.disabled"
            } else {
                "account.enabled"
            },
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a staff account a new temporary password and ends its sessions.
pub async fn reset_staff_password(
    app: &AppState,
    actor: Actor<'_>,
    user_id: &str,
) -> Result<String, AccountsError> {
    actor.require_superadmin()?;
    let user = store::find_user(&app.db, user_id)
        .await?
        .ok_or(AccountsError::NotFound)?;
    if user.kind != "staff" {
        return Err(AccountsError::NotFound);
    }
    let temporary = temporary_password();
    let hash = password::hash_password(temporary.clone()).await?;
    let mut tx = app.db.begin().await?;
    store::update_password(&mut tx, user_id, &hash).await?;
    session::delete_user_sessions(&mut tx, user_id).await?;
    let tr = notice::tr_for(app, &user);
    notice::account_changed(
        &mut tx,
        &user,
        tr.t("accounts.password_reset_by_admin_subject"),
        tr.t("accounts.password_reset_by_admin_body"),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: "password.reset_by_admin",
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(temporary)
}

/// The staff account with `username`, for the CLI.
pub async fn find_staff_id(app: &AppState, username: &str) -> Result<String, AccountsError> {
    let user = store::find_by_login(&app.db, username)
        .await?
        .ok_or(AccountsError::NotFound)?;
    if user.kind != "staff" {
        return Err(AccountsError::NotFound);
    }
    Ok(user.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_pass_the_policy() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 14);
            assert!(model::check_password(&p, &[]).is_ok(), "{p}");
        }
    }
}
