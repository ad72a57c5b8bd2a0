//! Roles from DESIGN.md. Every staff role is granted within one agency; a person may hold several.
//! Citizens hold no grant: being a citizen is the account's kind.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Petugas loket: walk-ins, tickets, counter calls.
    FrontOffice,
    /// Verifikator: verifies applications, returns them for revision.
    Verifier,
    /// Reviewer teknis of another agency: technical recommendations.
    TechnicalReviewer,
    /// Penandatangan (Camat or authorised official): approves and signs.
    Signer,
    /// Admin layanan: service catalogue, counters, holidays.
    ServiceAdmin,
    /// Aparatur Sipil Negara: own competencies, JP hours, trainings.
    Asn,
    /// Admin pengembangan kompetensi (BKPPD): trainings, assessments.
    CompetencyAdmin,
    /// Humas / Kominfo: announcements, alerts, knowledge base.
    Communications,
    /// Pimpinan: dashboards and exports.
    Leader,
    /// Users, roles, agencies, settings.
    Superadmin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::FrontOffice,
        Role::Verifier,
        Role::TechnicalReviewer,
        Role::Signer,
        Role::ServiceAdmin,
        Role::Asn,
        Role::CompetencyAdmin,
        Role::Communications,
        Role::Leader,
        Role::Superadmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FrontOffice => "front_office",
            Role::Verifier => "verifier",
            Role::TechnicalReviewer => "technical_reviewer",
            Role::Signer => "signer",
            Role::ServiceAdmin => "service_admin",
            Role::Asn => "asn",
            Role::CompetencyAdmin => "competency_admin",
            Role::Communications => "communications",
            Role::Leader => "leader",
            Role::Superadmin => "superadmin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }

    /// Catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::FrontOffice => "role.front_office",
            Role::Verifier => "role.verifier",
            Role::TechnicalReviewer => "role.technical_reviewer",
            Role::Signer => "role.signer",
            Role::ServiceAdmin => "role.service_admin",
            Role::Asn => "role.asn",
            Role::CompetencyAdmin => "role.competency_admin",
            Role::Communications => "role.communications",
            Role::Leader => "role.leader",
            Role::Superadmin => "role.superadmin",
        }
    }
}

/// One role held within one agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoleGrant {
    pub role: Role,
    pub agency_id: String,
    pub agency_code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("camat"), None);
    }
}
