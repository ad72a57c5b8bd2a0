//! The life of an application, as one transition function. Every (status, action) pair is
//! either a listed transition or refused; the tests walk all of them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in by the citizen; not yet received.
    Draft,
    /// Received; waiting for a verifier. The SLA clock runs.
    Submitted,
    /// A verifier is checking it.
    InVerification,
    /// Sent back to the citizen with reasons; the SLA clock is paused.
    ReturnedForRevision,
    /// Routed to another agency for a technical recommendation.
    AwaitingRecommendation,
    /// Verified; waiting for the signing official.
    AwaitingSignature,
    /// Approved and signed; the document is being issued.
    Approved,
    /// The document is issued and can be downloaded and verified.
    Issued,
    /// Refused, with reasons.
    Rejected,
    /// Withdrawn by the citizen.
    Withdrawn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Withdraw,
    Claim,
    ReturnForRevision,
    Resubmit,
    RouteForRecommendation,
    Recommend,
    Verify,
    SendBack,
    Approve,
    Reject,
    Issue,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::Submitted,
        Status::InVerification,
        Status::ReturnedForRevision,
        Status::AwaitingRecommendation,
        Status::AwaitingSignature,
        Status::Approved,
        Status::Issued,
        Status::Rejected,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::InVerification => "in_verification",
            Status::ReturnedForRevision => "returned_for_revision",
            Status::AwaitingRecommendation => "awaiting_recommendation",
            Status::AwaitingSignature => "awaiting_signature",
            Status::Approved => "approved",
            Status::Issued => "issued",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Draft => "services.status_draft",
            Status::Submitted => "services.status_submitted",
            Status::InVerification => "services.status_in_verification",
            Status::ReturnedForRevision => "services.status_returned_for_revision",
            Status::AwaitingRecommendation => "services.status_awaiting_recommendation",
            Status::AwaitingSignature => "services.status_awaiting_signature",
            Status::Approved => "services.status_approved",
            Status::Issued => "services.status_issued",
            Status::Rejected => "services.status_rejected",
            Status::Withdrawn => "services.status_withdrawn",
        }
    }

    /// No action leads anywhere from here.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Issued | Status::Rejected | Status::Withdrawn)
    }

    /// The SLA clock stops while the citizen has to act (and before submission).
    pub fn clock_runs(self) -> bool {
        !matches!(self, Status::Draft | Status::ReturnedForRevision) && !self.is_final()
    }

    /// Where `action` leads from this status, if it is allowed here.
    pub fn next(self, action: Action) -> Option<Status> {
        use Action as A;
        use Status as S;
        match (self, action) {
            (S::Draft, A::Submit) => Some(S::Submitted),
            (S::Draft | S::Submitted | S::ReturnedForRevision, A::Withdraw) => Some(S::Withdrawn),
            (S::Submitted, A::Claim) => Some(S::InVerification),
            (S::InVerification, A::ReturnForRevision) => Some(S::ReturnedForRevision),
            (S::ReturnedForRevision, A::Resubmit) => Some(S::Submitted),
            (S::InVerification, A::RouteForRecommendation) => Some(S::AwaitingRecommendation),
            (S::AwaitingRecommendation, A::Recommend) => Some(S::InVerification),
            (S::InVerification, A::Verify) => Some(S::AwaitingSignature),
            (S::AwaitingSignature, A::SendBack) => Some(S::InVerification),
            (S::AwaitingSignature, A::Approve) => Some(S::Approved),
            (S::InVerification | S::AwaitingSignature, A::Reject) => Some(S::Rejected),
            (S::Approved, A::Issue) => Some(S::Issued),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [Action; 12] = [
        Action::Submit,
        Action::Withdraw,
        Action::Claim,
        Action::ReturnForRevision,
        Action::Resubmit,
        Action::RouteForRecommendation,
        Action::Recommend,
        Action::Verify,
        Action::SendBack,
        Action::Approve,
        Action::Reject,
        Action::Issue,
    ];

    #[test]
    fn every_status_and_action_pair_is_decided() {
        use Action as A;
        use Status as S;
        let allowed = [
            (S::Draft, A::Submit, S::Submitted),
            (S::Draft, A::Withdraw, S::Withdrawn),
            (S::Submitted, A::Withdraw, S::Withdrawn),
            (S::ReturnedForRevision, A::Withdraw, S::Withdrawn),
            (S::Submitted, A::Claim, S::InVerification),
            (
                S::InVerification,
                A::ReturnForRevision,
                S::ReturnedForRevision,
            ),
            (S::ReturnedForRevision, A::Resubmit, S::Submitted),
            (
                S::InVerification,
                A::RouteForRecommendation,
                S::AwaitingRecommendation,
            ),
            (S::AwaitingRecommendation, A::Recommend, S::InVerification),
            (S::InVerification, A::Verify, S::AwaitingSignature),
            (S::AwaitingSignature, A::SendBack, S::InVerification),
            (S::AwaitingSignature, A::Approve, S::Approved),
            (S::InVerification, A::Reject, S::Rejected),
            (S::AwaitingSignature, A::Reject, S::Rejected),
            (S::Approved, A::Issue, S::Issued),
        ];
        for status in Status::ALL {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(status.next(action), expected, "{status:?} + {action:?}");
            }
        }
    }

    #[test]
    fn final_statuses_go_nowhere_and_the_clock_pauses_for_the_citizen() {
        for status in Status::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(
                ACTIONS.iter().all(|a| status.next(*a).is_none()),
                "{status:?}"
            );
        }
        assert!(!Status::ReturnedForRevision.clock_runs());
        assert!(Status::AwaitingRecommendation.clock_runs());
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
    }
}
