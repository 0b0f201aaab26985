//! The access policy: who may do what to which object. The only place such decisions are made.
//!
//! A decision depends on the actor's roles, the kind of the actor's organisation, and the relation of
//! the actor to the object: own, same team, same organisation, other organisation. Clients and cases
//! (coming next) belong to an organisation and are assigned to an IM; the case rules are here already
//! so the administrative and the case rules are one matrix.

use crate::kernel::types::{Locale, OrgKind, Role, RoleSet};

/// The person acting, as loaded from the database on every request (so role changes and
/// deactivation take effect on the very next request).
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub staff_id: i64,
    pub username: String,
    pub display_name: String,
    pub organisation_id: i64,
    pub organisation_kind: OrgKind,
    pub team_id: Option<i64>,
    pub roles: RoleSet,
    /// AGS of the municipalities the person serves.
    pub municipalities: Vec<String>,
    pub locale: Locale,
}

impl Actor {
    pub fn has(&self, r: Role) -> bool {
        self.roles.has(r)
    }
    /// An administrator of the county office administers the whole deployment.
    pub fn is_county(&self) -> bool {
        self.organisation_kind == OrgKind::CountyOffice
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open the administration area at all.
    ViewAdministration,
    ManageMunicipalities,
    ManageOrganisations,
    ViewOrganisation,
    ManageTeams,
    ManageStaff,
    ViewAuditLog,
    ManageOwnSessions,
    // The client and case actions that the next capabilities route through this policy.
    ViewCaseList,
    /// Stop a case's erasure for a time, or lift that hold (issue 25): the IM who holds the case
    /// and the team lead of their team.
    HoldRetention,
    ReadClient,
    WriteClient,
    /// Record a client's withdrawal of their consent: as [`Action::WriteClient`], but the right to
    /// withdraw holds at any time (Art. 7(3) GDPR), so a restriction of processing does not stop it.
    WithdrawConsent,
    ReassignCase,
    /// Share a case with a colleague or end a share: only the IM who holds it.
    ShareCase,
    /// Data-protection officer: read a record to answer a data-subject request (with a reason).
    ReadClientForRequest,
    ViewFiguresOwn,
    ViewFiguresTeam,
    ViewFiguresAggregate,
    /// Download the per-IM template of an organisation (its team leads).
    ExportFiguresTemplate,
    /// Freeze a year's figures as reported (the county's coordinator).
    FinaliseFigures,
    /// Import an exchange file (a whole county's caseload).
    ImportExchange,
    /// Review possible duplicate people, merge a pair or mark it "not the same" (issue 22): the IM
    /// of a case of the person, or the team lead of the IM who holds it.
    ReviewDuplicates,
    /// Export one organisation's data in the exchange format (its administrators, the county's).
    ExportExchange,
    /// Produce everything stored about one person for an Art. 15 request (the data-protection
    /// officer; the person is found and opened like for any data-subject request).
    ExportForSubject,
    /// Register clients from a spreadsheet into a caseload: only into the importing IM's own.
    ImportSpreadsheet,
    /// The data-protection officer's desk (issue 25, decision 0024): the register of processing
    /// activities, the reports from the audit log, the holds. On `AuditLog`: the county office's
    /// data-protection officer for the whole deployment, an organisation's for their own.
    ViewPrivacyDesk,
    /// Read the directory of services (issue 23): IMs, team leads and coordinators; an
    /// organisation's own entries only its staff.
    ReadDirectory,
    /// Keep entries of the directory: the county-wide ones the coordinator, an organisation's
    /// own ones its team leads.
    ManageService,
    /// The language-course waiting list per municipality and course type (issue 23, decision
    /// 0032): the county's coordinator; counts under disclosure control, names only where a
    /// release covers the office registered with.
    ViewCourseWaitingList,
    /// Plan network meetings, invite, keep the minutes: the county's coordinator.
    PlanMeetings,
    /// See a network meeting and its agenda: the coordinator, and the staff invited to it.
    ReadMeeting,
    /// Add a question to a meeting's agenda: an IM invited to it.
    AskMeeting,
    /// Read an organisation's register of volunteers and find volunteers for a match (issue 23):
    /// its IMs and team leads.
    ReadVolunteers,
    /// Keep the register: add, change, deactivate volunteers (its IMs and team leads).
    ManageVolunteers,
    /// Keep a municipality's rooms for office hours (issue 24, decision 0033): its municipal
    /// integration officer, or the county's administrator.
    ManageRooms,
    /// Keep recurring office hours and their days off: the IM their own, a team lead their
    /// team's, an administrator those of their organisation (the county's: all).
    ManageOfficeHours,
    /// See a staff member's calendar (issue 24, decision 0035): their own (IMs), and a team lead
    /// their team's members'. Which appointments it shows, the case decides (`ViewCaseList`).
    ViewCalendar,
}

impl Action {
    /// Whether the action changes a client's data or passes it on: a restriction of processing
    /// (Art. 18 GDPR) on the case stops it (see `access::case_for`). Handing a case over, holds,
    /// erasure requests and the restriction itself are not such changes, nor is the withdrawal of
    /// consent.
    pub fn changes_client_data(self) -> bool {
        matches!(
            self,
            Action::WriteClient | Action::ShareCase | Action::ReviewDuplicates
        )
    }
}

/// A case as the policy needs to see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRef {
    pub organisation_id: i64,
    pub municipality_ags: String,
    /// The team of the assigned IM.
    pub team_id: Option<i64>,
    pub assigned_to: i64,
    pub shared_with: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// The deployment as a whole (the county or city).
    Deployment,
    Municipality {
        ags: String,
    },
    Organisation {
        id: i64,
    },
    Team {
        organisation_id: i64,
        team_id: i64,
    },
    Staff {
        organisation_id: i64,
        team_id: Option<i64>,
        staff_id: i64,
    },
    /// The audit log of one organisation's staff, or (None) of the whole deployment.
    AuditLog {
        organisation_id: Option<i64>,
    },
    Case(CaseRef),
    /// An entry of the directory of services: county-wide (None) or an organisation's own.
    Service {
        organisation_id: Option<i64>,
    },
    /// A network meeting (county-wide; it holds no client data): whether the actor is invited.
    Meeting {
        invited: bool,
    },
    /// A volunteer of an organisation's register (issue 23).
    Volunteer {
        organisation_id: i64,
    },
    /// Office hours held by `staff_id` for `organisation_id`; `team_id` is the holder's team.
    OfficeHours {
        organisation_id: i64,
        team_id: Option<i64>,
        staff_id: i64,
    },
}

/// How the actor relates to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Own,
    SameTeam,
    SameOrganisation,
    OtherOrganisation,
    /// Objects that belong to no organisation (the deployment, a municipality).
    Unowned,
}

pub fn relation(actor: &Actor, res: &Resource) -> Relation {
    let by_org = |org: i64, team: Option<i64>| {
        if org != actor.organisation_id {
            Relation::OtherOrganisation
        } else if team.is_some() && team == actor.team_id {
            Relation::SameTeam
        } else {
            Relation::SameOrganisation
        }
    };
    match res {
        Resource::Deployment
        | Resource::Municipality { .. }
        | Resource::Meeting { .. }
        | Resource::Service {
            organisation_id: None,
        } => Relation::Unowned,
        Resource::Service {
            organisation_id: Some(id),
        } => by_org(*id, None),
        Resource::Organisation { id } => by_org(*id, None),
        Resource::Volunteer { organisation_id } => by_org(*organisation_id, None),
        Resource::AuditLog {
            organisation_id: None,
        } => Relation::Unowned,
        Resource::AuditLog {
            organisation_id: Some(id),
        } => by_org(*id, None),
        Resource::Team {
            organisation_id,
            team_id,
        } => by_org(*organisation_id, Some(*team_id)),
        Resource::Staff {
            organisation_id,
            team_id,
            staff_id,
        } => {
            if *staff_id == actor.staff_id {
                Relation::Own
            } else {
                by_org(*organisation_id, *team_id)
            }
        }
        Resource::OfficeHours {
            organisation_id,
            team_id,
            staff_id,
        } => {
            // Only office hours held for the actor's current organisation are their own.
            if *staff_id == actor.staff_id && *organisation_id == actor.organisation_id {
                Relation::Own
            } else {
                by_org(*organisation_id, *team_id)
            }
        }
        Resource::Case(c) => {
            // Access follows employment: a case is the actor's own (assigned or shared) only
            // inside their current organisation. Whoever moved to another organisation keeps no
            // case and no share of the old one, even if a stale assignment still names them.
            if c.organisation_id == actor.organisation_id
                && (c.assigned_to == actor.staff_id || c.shared_with.contains(&actor.staff_id))
            {
                Relation::Own
            } else {
                by_org(c.organisation_id, c.team_id)
            }
        }
    }
}

/// May `actor` do `action` to `res`?
pub fn allows(actor: &Actor, action: Action, res: &Resource) -> bool {
    use Action::*;
    let rel = relation(actor, res);
    let in_org = matches!(
        rel,
        Relation::Own | Relation::SameTeam | Relation::SameOrganisation
    );
    let admin = actor.has(Role::Admin);
    let county_admin = admin && actor.is_county();
    match (action, res) {
        (ViewAdministration, Resource::Deployment) => admin,
        (ManageMunicipalities, Resource::Deployment | Resource::Municipality { .. }) => {
            county_admin
        }
        (ManageOrganisations, Resource::Deployment | Resource::Organisation { .. }) => county_admin,
        (ImportExchange, Resource::Deployment) => county_admin,
        // A file for moving an organisation elsewhere: the county's administrator for any
        // organisation, an organisation's administrator for their own (decision 0017).
        (ExportExchange, Resource::Organisation { .. }) => county_admin || (admin && in_org),
        (ViewOrganisation, Resource::Organisation { .. }) => county_admin || (admin && in_org),
        (ManageTeams, Resource::Team { .. } | Resource::Organisation { .. }) => {
            county_admin || (admin && in_org)
        }
        (ManageStaff, Resource::Staff { .. } | Resource::Organisation { .. }) => {
            county_admin || (admin && in_org)
        }
        (ViewAuditLog, Resource::AuditLog { organisation_id }) => {
            let auditor = admin || actor.has(Role::Dpo);
            auditor && (actor.is_county() || (organisation_id.is_some() && in_org))
        }
        (ViewPrivacyDesk, Resource::AuditLog { organisation_id }) => {
            actor.has(Role::Dpo) && (actor.is_county() || (organisation_id.is_some() && in_org))
        }
        (ManageOwnSessions, Resource::Staff { .. }) => rel == Relation::Own,
        (ViewCaseList | HoldRetention, Resource::Case(_)) => {
            (actor.has(Role::Im) && rel == Relation::Own)
                || (actor.has(Role::TeamLead) && matches!(rel, Relation::Own | Relation::SameTeam))
        }
        // Need-to-know: client data only for the IM of the case (or one it is shared with).
        (ReadClient | WriteClient | WithdrawConsent, Resource::Case(_)) => {
            actor.has(Role::Im) && rel == Relation::Own
        }
        // The preview shows the file's persons and the duplicate hints, and every row becomes a
        // case: as registration, only the IM into their own caseload (a team lead who is no IM
        // has no caseload and reads no client data; moving cases is the reassignment).
        (ImportSpreadsheet, Resource::Case(_)) => actor.has(Role::Im) && rel == Relation::Own,
        // A team lead reassigns the cases held by the IMs of their team (their own included), not
        // cases merely shared with them.
        (ReassignCase, Resource::Case(c)) => {
            actor.has(Role::TeamLead)
                && c.organisation_id == actor.organisation_id
                && actor.team_id.is_some()
                && c.team_id == actor.team_id
        }
        (ShareCase, Resource::Case(c)) => {
            actor.has(Role::Im)
                && c.organisation_id == actor.organisation_id
                && c.assigned_to == actor.staff_id
        }
        (ReviewDuplicates, Resource::Case(_)) => {
            (actor.has(Role::Im) && rel == Relation::Own)
                || (actor.has(Role::TeamLead) && matches!(rel, Relation::Own | Relation::SameTeam))
        }
        (ReadClientForRequest | ExportForSubject, Resource::Case(_)) => {
            actor.has(Role::Dpo) && (actor.is_county() || in_org)
        }
        (ViewFiguresOwn, Resource::Staff { .. }) => actor.has(Role::Im) && rel == Relation::Own,
        (ViewFiguresTeam, Resource::Team { .. }) => {
            actor.has(Role::TeamLead) && rel == Relation::SameTeam
        }
        (ViewFiguresAggregate, Resource::Deployment) => actor.has(Role::Coordinator),
        (ExportFiguresTemplate, Resource::Organisation { .. }) => {
            actor.has(Role::TeamLead) && in_org
        }
        (FinaliseFigures, Resource::Deployment) => actor.has(Role::Coordinator),
        (ReadDirectory, Resource::Service { .. }) => {
            let reader =
                actor.has(Role::Im) || actor.has(Role::TeamLead) || actor.has(Role::Coordinator);
            reader && (rel == Relation::Unowned || in_org)
        }
        (ManageService, Resource::Service { organisation_id }) => match organisation_id {
            None => actor.has(Role::Coordinator),
            Some(_) => actor.has(Role::TeamLead) && in_org,
        },
        (ViewCourseWaitingList | PlanMeetings, Resource::Deployment) => {
            actor.has(Role::Coordinator)
        }
        (ReadMeeting, Resource::Meeting { invited }) => {
            actor.has(Role::Coordinator) || (*invited && actor.has(Role::Im))
        }
        (AskMeeting, Resource::Meeting { invited }) => *invited && actor.has(Role::Im),
        // A volunteer's data is the organisation's: only its IMs and team leads, never the
        // coordinator or an administrator (they see the figures, not the names).
        (ReadVolunteers | ManageVolunteers, Resource::Volunteer { .. }) => {
            (actor.has(Role::Im) || actor.has(Role::TeamLead)) && in_org
        }
        (ManageRooms, Resource::Deployment) => {
            county_admin || (actor.has(Role::MunicipalOfficer) && !actor.municipalities.is_empty())
        }
        (ManageRooms, Resource::Municipality { ags }) => {
            county_admin
                || (actor.has(Role::MunicipalOfficer)
                    && actor.municipalities.iter().any(|m| m == ags))
        }
        // Organisational data (no client in it): the holder, their team lead, an administrator.
        (ManageOfficeHours, Resource::OfficeHours { .. }) => {
            (actor.has(Role::Im) && rel == Relation::Own)
                || (actor.has(Role::TeamLead) && matches!(rel, Relation::Own | Relation::SameTeam))
                || county_admin
                || (admin && in_org)
        }
        (ViewCalendar, Resource::Staff { .. }) => {
            (actor.has(Role::Im) && rel == Relation::Own)
                || (actor.has(Role::TeamLead) && rel == Relation::SameTeam)
        }
        (ViewFiguresAggregate, Resource::Municipality { ags }) => {
            actor.has(Role::Coordinator)
                || (actor.has(Role::MunicipalOfficer)
                    && actor.municipalities.iter().any(|m| m == ags))
        }
        _ => false,
    }
}

/// Whether an export made for `role` may carry special-category content (health, the free texts
/// sealed at rest): only for the role the policy lets read client records (`ReadClient`: the IM
/// of the case). Every other role reads no client content, so an export for it leaves it out.
pub fn reads_special_category(role: Role) -> bool {
    role == Role::Im
}

/// The navigation areas a person's roles open (the UI shows only these).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    /// The caseload (IMs and team leads).
    pub caseload: bool,
    /// Data-subject requests (the data-protection officer).
    pub privacy: bool,
    pub administration: bool,
    pub organisations: bool,
    pub municipalities: bool,
    pub audit: bool,
    /// The key figures (IMs, team leads, coordinators, municipal officers).
    pub figures: bool,
    /// Possible duplicate people (IMs and team leads).
    pub duplicates: bool,
    /// The directory of services (IMs, team leads, coordinators).
    pub directory: bool,
    /// The organisation's register of volunteers (IMs and team leads).
    pub volunteers: bool,
    /// The search field in the header (IMs: it finds the clients they may read).
    pub search: bool,
    /// Network meetings (the coordinator plans them, IMs see those they are invited to).
    pub meetings: bool,
    /// The language-course waiting list (the coordinator).
    pub courses: bool,
    /// Rooms for office hours (municipal officers, the county's administrator).
    pub rooms: bool,
    /// Office hours ("Meine Sprechstunden": IMs, team leads, administrators).
    pub office_hours: bool,
}

pub fn areas(actor: &Actor) -> Areas {
    Areas {
        caseload: actor.has(Role::Im) || actor.has(Role::TeamLead),
        privacy: actor.has(Role::Dpo),
        administration: allows(actor, Action::ViewAdministration, &Resource::Deployment),
        organisations: allows(actor, Action::ManageOrganisations, &Resource::Deployment),
        municipalities: allows(actor, Action::ManageMunicipalities, &Resource::Deployment),
        audit: allows(
            actor,
            Action::ViewAuditLog,
            &Resource::AuditLog {
                organisation_id: Some(actor.organisation_id),
            },
        ),
        figures: actor.has(Role::Im)
            || actor.has(Role::TeamLead)
            || actor.has(Role::Coordinator)
            || (actor.has(Role::MunicipalOfficer) && !actor.municipalities.is_empty()),
        duplicates: actor.has(Role::Im) || actor.has(Role::TeamLead),
        directory: allows(
            actor,
            Action::ReadDirectory,
            &Resource::Service {
                organisation_id: None,
            },
        ),
        volunteers: allows(
            actor,
            Action::ReadVolunteers,
            &Resource::Volunteer {
                organisation_id: actor.organisation_id,
            },
        ),
        search: actor.has(Role::Im),
        meetings: actor.has(Role::Im) || actor.has(Role::Coordinator),
        courses: allows(actor, Action::ViewCourseWaitingList, &Resource::Deployment),
        rooms: allows(actor, Action::ManageRooms, &Resource::Deployment),
        office_hours: actor.has(Role::Im) || actor.has(Role::TeamLead) || actor.has(Role::Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTY: i64 = 1;
    const PROVIDER: i64 = 2;
    const OTHER_PROVIDER: i64 = 3;
    const TEAM_A: i64 = 10;
    const TEAM_B: i64 = 11;
    const ME: i64 = 100;
    const COLLEAGUE_SAME_TEAM: i64 = 101;
    const COLLEAGUE_OTHER_TEAM: i64 = 102;
    const STRANGER: i64 = 200;

    fn actor(role: Role, org: i64) -> Actor {
        Actor {
            staff_id: ME,
            username: "me".into(),
            display_name: "Me".into(),
            organisation_id: org,
            organisation_kind: if org == COUNTY {
                OrgKind::CountyOffice
            } else {
                OrgKind::Provider
            },
            team_id: Some(TEAM_A),
            roles: RoleSet::new([role]),
            municipalities: vec!["08118048".into()],
            locale: Locale::De,
        }
    }

    /// The relations, each as an object of the kind under test, seen from an actor in `PROVIDER`/`TEAM_A`.
    fn staff(rel: Relation) -> Resource {
        let (org, team, id) = match rel {
            Relation::Own => (PROVIDER, Some(TEAM_A), ME),
            Relation::SameTeam => (PROVIDER, Some(TEAM_A), COLLEAGUE_SAME_TEAM),
            Relation::SameOrganisation => (PROVIDER, Some(TEAM_B), COLLEAGUE_OTHER_TEAM),
            Relation::OtherOrganisation | Relation::Unowned => (OTHER_PROVIDER, None, STRANGER),
        };
        Resource::Staff {
            organisation_id: org,
            team_id: team,
            staff_id: id,
        }
    }

    fn case(rel: Relation) -> Resource {
        let (org, team, im) = match rel {
            Relation::Own => (PROVIDER, Some(TEAM_A), ME),
            Relation::SameTeam => (PROVIDER, Some(TEAM_A), COLLEAGUE_SAME_TEAM),
            Relation::SameOrganisation => (PROVIDER, Some(TEAM_B), COLLEAGUE_OTHER_TEAM),
            Relation::OtherOrganisation | Relation::Unowned => (OTHER_PROVIDER, None, STRANGER),
        };
        Resource::Case(CaseRef {
            organisation_id: org,
            municipality_ags: "08118048".into(),
            team_id: team,
            assigned_to: im,
            shared_with: vec![],
        })
    }

    const RELS: [Relation; 4] = [
        Relation::Own,
        Relation::SameTeam,
        Relation::SameOrganisation,
        Relation::OtherOrganisation,
    ];

    /// Expected outcome per role, in the order of `RELS`.
    fn check(
        action: Action,
        make: fn(Relation) -> Resource,
        org: i64,
        expected: &[(Role, [bool; 4])],
    ) {
        for (role, row) in expected {
            let a = actor(*role, org);
            for (rel, want) in RELS.iter().zip(row) {
                let res = make(*rel);
                assert_eq!(relation(&a, &res), *rel, "relation for {res:?}");
                assert_eq!(
                    allows(&a, action, &res),
                    *want,
                    "{role:?} {action:?} on {rel:?} (org {org})"
                );
            }
        }
    }

    use Role::*;
    const NONE: [bool; 4] = [false; 4];
    const IN_ORG: [bool; 4] = [true, true, true, false];
    const OWN: [bool; 4] = [true, false, false, false];
    const TEAM: [bool; 4] = [true, true, false, false];

    fn service(rel: Relation) -> Resource {
        Resource::Service {
            organisation_id: Some(match rel {
                Relation::OtherOrganisation | Relation::Unowned => OTHER_PROVIDER,
                _ => PROVIDER,
            }),
        }
    }

    #[test]
    fn directory_matrix() {
        // An organisation's own entries: read by its IMs, team leads and coordinators, kept by its
        // team leads; nobody else's.
        for (role, read, manage) in [
            (Im, true, false),
            (TeamLead, true, true),
            (Coordinator, true, false),
            (MunicipalOfficer, false, false),
            (Admin, false, false),
            (Dpo, false, false),
        ] {
            let a = actor(role, PROVIDER);
            // Own entries are SameOrganisation (no team): check the in-org and the other-org entry.
            for (rel, in_org) in [
                (Relation::SameOrganisation, true),
                (Relation::OtherOrganisation, false),
            ] {
                let res = service(rel);
                assert_eq!(relation(&a, &res), rel);
                assert_eq!(
                    allows(&a, Action::ReadDirectory, &res),
                    read && in_org,
                    "{role:?} read {rel:?}"
                );
                assert_eq!(
                    allows(&a, Action::ManageService, &res),
                    manage && in_org,
                    "{role:?} manage {rel:?}"
                );
            }
            let county = Resource::Service {
                organisation_id: None,
            };
            assert_eq!(allows(&a, Action::ReadDirectory, &county), read, "{role:?}");
            assert_eq!(
                allows(&a, Action::ManageService, &county),
                role == Coordinator,
                "{role:?}"
            );
        }
    }

    #[test]
    fn courses_and_meetings_matrix() {
        // The waiting list and planning: the coordinator only. A meeting: the coordinator, and the
        // IMs invited to it; agenda questions: invited IMs.
        for (role, plan, read_invited, ask_invited) in [
            (Im, false, true, true),
            (TeamLead, false, false, false),
            (Coordinator, true, true, false),
            (MunicipalOfficer, false, false, false),
            (Admin, false, false, false),
            (Dpo, false, false, false),
        ] {
            let a = actor(
                role,
                if role == Coordinator {
                    COUNTY
                } else {
                    PROVIDER
                },
            );
            for action in [Action::ViewCourseWaitingList, Action::PlanMeetings] {
                assert_eq!(allows(&a, action, &Resource::Deployment), plan, "{role:?}");
            }
            let invited = Resource::Meeting { invited: true };
            let not_invited = Resource::Meeting { invited: false };
            assert_eq!(allows(&a, Action::ReadMeeting, &invited), read_invited);
            assert_eq!(allows(&a, Action::ReadMeeting, &not_invited), plan);
            assert_eq!(allows(&a, Action::AskMeeting, &invited), ask_invited);
            assert!(!allows(&a, Action::AskMeeting, &not_invited));
        }
    }

    #[test]
    fn duplicate_review_matrix() {
        // The IM of the case, or the team lead of its IM; never an administrator, never across
        // organisations.
        check(
            Action::ReviewDuplicates,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, TEAM),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
    }

    #[test]
    fn staff_management_matrix() {
        // A provider's administrator manages its own organisation's staff only.
        check(
            Action::ManageStaff,
            staff,
            PROVIDER,
            &[
                (Im, NONE),
                (TeamLead, NONE),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, IN_ORG),
                (Dpo, NONE),
            ],
        );
    }

    #[test]
    fn who_exports_an_organisation_and_a_person() {
        let org = |id| Resource::Organisation { id };
        // The county's administrator any organisation; an organisation's administrator its own.
        let county = actor(Admin, COUNTY);
        for id in [COUNTY, PROVIDER, OTHER_PROVIDER] {
            assert!(allows(&county, Action::ExportExchange, &org(id)));
        }
        let own = actor(Admin, PROVIDER);
        assert!(allows(&own, Action::ExportExchange, &org(PROVIDER)));
        assert!(!allows(&own, Action::ExportExchange, &org(OTHER_PROVIDER)));
        for role in [Im, TeamLead, Coordinator, MunicipalOfficer, Dpo] {
            for at in [COUNTY, PROVIDER] {
                assert!(
                    !allows(&actor(role, at), Action::ExportExchange, &org(PROVIDER)),
                    "{role:?}"
                );
            }
        }
        // Special-category content only for the role that reads client records.
        assert!(reads_special_category(Im));
        for role in [TeamLead, Coordinator, MunicipalOfficer, Admin, Dpo] {
            assert!(!reads_special_category(role), "{role:?}");
        }
        // The Art. 15 export exactly as reading a record for a request.
        for role in [Im, TeamLead, Coordinator, MunicipalOfficer, Admin, Dpo] {
            for at in [COUNTY, PROVIDER] {
                let a = actor(role, at);
                for rel in RELS {
                    assert_eq!(
                        allows(&a, Action::ExportForSubject, &case(rel)),
                        allows(&a, Action::ReadClientForRequest, &case(rel)),
                        "{role:?} {rel:?}"
                    );
                }
            }
        }
        assert!(allows(
            &actor(Dpo, PROVIDER),
            Action::ExportForSubject,
            &case(Relation::SameOrganisation)
        ));
        assert!(!allows(
            &actor(Dpo, PROVIDER),
            Action::ExportForSubject,
            &case(Relation::OtherOrganisation)
        ));
    }

    #[test]
    fn county_admin_manages_every_organisation() {
        let a = actor(Admin, COUNTY);
        for rel in RELS {
            assert!(allows(&a, Action::ManageStaff, &staff(rel)));
        }
        assert!(allows(
            &a,
            Action::ManageOrganisations,
            &Resource::Deployment
        ));
        assert!(allows(
            &a,
            Action::ManageMunicipalities,
            &Resource::Deployment
        ));
        assert!(allows(
            &a,
            Action::ManageTeams,
            &Resource::Team {
                organisation_id: OTHER_PROVIDER,
                team_id: 99
            }
        ));
    }

    #[test]
    fn only_county_admin_manages_organisations_and_municipalities() {
        for role in Role::ALL {
            for org in [COUNTY, PROVIDER] {
                let a = actor(*role, org);
                let want = *role == Admin && org == COUNTY;
                assert_eq!(
                    allows(&a, Action::ManageOrganisations, &Resource::Deployment),
                    want,
                    "{role:?} {org}"
                );
                assert_eq!(
                    allows(&a, Action::ManageMunicipalities, &Resource::Deployment),
                    want,
                    "{role:?} {org}"
                );
                assert_eq!(
                    allows(
                        &a,
                        Action::ManageMunicipalities,
                        &Resource::Municipality {
                            ags: "08118048".into()
                        }
                    ),
                    want
                );
            }
        }
    }

    #[test]
    fn team_management_matrix() {
        let team = |rel: Relation| match rel {
            Relation::Own | Relation::SameTeam => Resource::Team {
                organisation_id: PROVIDER,
                team_id: TEAM_A,
            },
            Relation::SameOrganisation => Resource::Team {
                organisation_id: PROVIDER,
                team_id: TEAM_B,
            },
            _ => Resource::Team {
                organisation_id: OTHER_PROVIDER,
                team_id: 99,
            },
        };
        for role in Role::ALL {
            let a = actor(*role, PROVIDER);
            let want_in_org = *role == Admin;
            assert_eq!(
                allows(&a, Action::ManageTeams, &team(Relation::SameTeam)),
                want_in_org
            );
            assert_eq!(
                allows(&a, Action::ManageTeams, &team(Relation::SameOrganisation)),
                want_in_org
            );
            assert!(!allows(
                &a,
                Action::ManageTeams,
                &team(Relation::OtherOrganisation)
            ));
        }
    }

    #[test]
    fn audit_log_matrix() {
        for role in Role::ALL {
            for org in [COUNTY, PROVIDER] {
                let a = actor(*role, org);
                let auditor = matches!(role, Admin | Dpo);
                let own = Resource::AuditLog {
                    organisation_id: Some(org),
                };
                let other = Resource::AuditLog {
                    organisation_id: Some(OTHER_PROVIDER),
                };
                let all = Resource::AuditLog {
                    organisation_id: None,
                };
                assert_eq!(
                    allows(&a, Action::ViewAuditLog, &own),
                    auditor,
                    "{role:?} own"
                );
                assert_eq!(
                    allows(&a, Action::ViewAuditLog, &other),
                    auditor && org == COUNTY,
                    "{role:?} other"
                );
                assert_eq!(
                    allows(&a, Action::ViewAuditLog, &all),
                    auditor && org == COUNTY,
                    "{role:?} all"
                );
            }
        }
    }

    #[test]
    fn privacy_desk_matrix() {
        for role in Role::ALL {
            for org in [COUNTY, PROVIDER] {
                let a = actor(*role, org);
                let dpo = *role == Dpo;
                let at = |o: Option<i64>| {
                    allows(
                        &a,
                        Action::ViewPrivacyDesk,
                        &Resource::AuditLog { organisation_id: o },
                    )
                };
                assert_eq!(at(Some(org)), dpo, "{role:?} own");
                assert_eq!(
                    at(Some(OTHER_PROVIDER)),
                    dpo && org == COUNTY,
                    "{role:?} other"
                );
                assert_eq!(at(None), dpo && org == COUNTY, "{role:?} all");
            }
        }
    }

    #[test]
    fn own_sessions_only() {
        for role in Role::ALL {
            check(Action::ManageOwnSessions, staff, PROVIDER, &[(*role, OWN)]);
        }
    }

    #[test]
    fn client_data_is_need_to_know() {
        check(
            Action::ReadClient,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, NONE),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
        check(
            Action::WriteClient,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, NONE),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
        check(
            Action::ImportSpreadsheet,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, NONE),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
        // Team leads see the team's case list and reassign; they do not browse intake data.
        check(
            Action::ViewCaseList,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, TEAM),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
        check(
            Action::ReassignCase,
            case,
            PROVIDER,
            &[
                (Im, NONE),
                (TeamLead, TEAM),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
        check(
            Action::ReadClientForRequest,
            case,
            PROVIDER,
            &[(Dpo, IN_ORG), (Admin, NONE), (Im, NONE)],
        );
        // The county office's data-protection officer answers requests for every organisation.
        let county_dpo = actor(Dpo, COUNTY);
        for rel in RELS {
            assert!(
                allows(&county_dpo, Action::ReadClientForRequest, &case(rel)),
                "{rel:?}"
            );
            assert!(
                !allows(&county_dpo, Action::ReadClient, &case(rel)),
                "{rel:?}"
            );
        }
    }

    #[test]
    fn shared_case_counts_as_own() {
        let a = actor(Im, PROVIDER);
        let res = Resource::Case(CaseRef {
            organisation_id: PROVIDER,
            municipality_ags: "08118048".into(),
            team_id: Some(TEAM_B),
            assigned_to: COLLEAGUE_OTHER_TEAM,
            shared_with: vec![ME],
        });
        assert_eq!(relation(&a, &res), Relation::Own);
        assert!(allows(&a, Action::ReadClient, &res));
        // ... but only the holder shares it on or ends shares, and a team lead of another team
        // cannot reassign it because it is shared with them.
        assert!(!allows(&a, Action::ShareCase, &res));
        let lead = actor(TeamLead, PROVIDER);
        assert!(!allows(&lead, Action::ReassignCase, &res));
    }

    /// Access follows employment: a person moved to another organisation holds no case and no
    /// share of the old one, even when a stale row still names them.
    #[test]
    fn a_case_of_a_former_organisation_is_not_own() {
        let assigned = |org: i64| CaseRef {
            organisation_id: org,
            municipality_ags: "08118048".into(),
            team_id: Some(TEAM_A),
            assigned_to: ME,
            shared_with: vec![],
        };
        let shared = |org: i64| CaseRef {
            assigned_to: COLLEAGUE_SAME_TEAM,
            shared_with: vec![ME],
            ..assigned(org)
        };
        // Before the move (in PROVIDER) the case is own; after it (in OTHER_PROVIDER) it is not.
        for role in [Im, TeamLead] {
            let before = actor(role, PROVIDER);
            let mut after = actor(role, OTHER_PROVIDER);
            // The team id may even be the same number: teams belong to organisations.
            after.team_id = Some(TEAM_A);
            for c in [assigned(PROVIDER), shared(PROVIDER)] {
                let res = Resource::Case(c);
                assert_eq!(relation(&before, &res), Relation::Own, "{role:?}");
                assert_eq!(
                    relation(&after, &res),
                    Relation::OtherOrganisation,
                    "{role:?}"
                );
                for action in [
                    Action::ReadClient,
                    Action::WriteClient,
                    Action::ViewCaseList,
                    Action::ShareCase,
                    Action::ReassignCase,
                    Action::ReadClientForRequest,
                ] {
                    assert!(!allows(&after, action, &res), "{role:?} {action:?}");
                }
            }
        }
        let im = actor(Im, PROVIDER);
        assert!(allows(
            &im,
            Action::ReadClient,
            &Resource::Case(assigned(PROVIDER))
        ));
        assert!(allows(
            &im,
            Action::ReadClient,
            &Resource::Case(shared(PROVIDER))
        ));
        // The other way round too: a case of another organisation naming the actor is not theirs.
        for c in [assigned(OTHER_PROVIDER), shared(OTHER_PROVIDER)] {
            let res = Resource::Case(c);
            assert_eq!(relation(&im, &res), Relation::OtherOrganisation);
            assert!(!allows(&im, Action::ReadClient, &res));
            assert!(!allows(&im, Action::WriteClient, &res));
        }
    }

    #[test]
    fn only_the_holder_shares_a_case() {
        check(
            Action::ShareCase,
            case,
            PROVIDER,
            &[
                (Im, OWN),
                (TeamLead, NONE),
                (Coordinator, NONE),
                (MunicipalOfficer, NONE),
                (Admin, NONE),
                (Dpo, NONE),
            ],
        );
    }

    #[test]
    fn aggregate_figures_for_coordinators_and_municipal_officers() {
        let coordinator = actor(Coordinator, COUNTY);
        assert!(allows(
            &coordinator,
            Action::ViewFiguresAggregate,
            &Resource::Deployment
        ));
        let mut officer = actor(MunicipalOfficer, PROVIDER);
        officer.organisation_kind = OrgKind::Municipality;
        assert!(allows(
            &officer,
            Action::ViewFiguresAggregate,
            &Resource::Municipality {
                ags: "08118048".into()
            }
        ));
        assert!(!allows(
            &officer,
            Action::ViewFiguresAggregate,
            &Resource::Municipality {
                ags: "08118019".into()
            }
        ));
        assert!(!allows(
            &officer,
            Action::ViewFiguresAggregate,
            &Resource::Deployment
        ));
        for role in [Im, TeamLead, Admin, Dpo] {
            assert!(!allows(
                &actor(role, COUNTY),
                Action::ViewFiguresAggregate,
                &Resource::Deployment
            ));
        }
        check(
            Action::ViewFiguresOwn,
            staff,
            PROVIDER,
            &[(Im, OWN), (TeamLead, NONE), (Coordinator, NONE)],
        );
    }

    #[test]
    fn nothing_is_allowed_without_a_role() {
        let mut a = actor(Im, COUNTY);
        a.roles = RoleSet::default();
        for action in [
            Action::ViewAdministration,
            Action::ManageStaff,
            Action::ViewAuditLog,
            Action::ReadClient,
        ] {
            for res in [
                Resource::Deployment,
                staff(Relation::SameTeam),
                case(Relation::Own),
            ] {
                assert!(!allows(&a, action, &res), "{action:?} {res:?}");
            }
        }
        assert_eq!(areas(&a), Areas::default());
    }

    #[test]
    fn the_volunteer_register_is_its_organisations_ims_and_team_leads_only() {
        let own = Resource::Volunteer {
            organisation_id: PROVIDER,
        };
        let other = Resource::Volunteer {
            organisation_id: OTHER_PROVIDER,
        };
        for action in [Action::ReadVolunteers, Action::ManageVolunteers] {
            for role in [Role::Im, Role::TeamLead] {
                assert!(allows(&actor(role, PROVIDER), action, &own), "{role:?}");
                assert!(!allows(&actor(role, PROVIDER), action, &other), "{role:?}");
            }
            for role in [
                Role::Coordinator,
                Role::Admin,
                Role::Dpo,
                Role::MunicipalOfficer,
            ] {
                assert!(!allows(&actor(role, PROVIDER), action, &own), "{role:?}");
                assert!(!allows(&actor(role, COUNTY), action, &own), "{role:?}");
            }
        }
    }

    #[test]
    fn areas_follow_roles() {
        assert_eq!(
            areas(&actor(Admin, COUNTY)),
            Areas {
                administration: true,
                organisations: true,
                municipalities: true,
                audit: true,
                rooms: true,
                office_hours: true,
                ..Areas::default()
            }
        );
        assert_eq!(
            areas(&actor(Admin, PROVIDER)),
            Areas {
                administration: true,
                organisations: false,
                municipalities: false,
                audit: true,
                office_hours: true,
                ..Areas::default()
            }
        );
        assert_eq!(
            areas(&actor(Dpo, PROVIDER)),
            Areas {
                audit: true,
                privacy: true,
                ..Areas::default()
            }
        );
        assert_eq!(
            areas(&actor(Im, PROVIDER)),
            Areas {
                caseload: true,
                figures: true,
                duplicates: true,
                directory: true,
                volunteers: true,
                search: true,
                meetings: true,
                office_hours: true,
                ..Areas::default()
            }
        );
        assert!(areas(&actor(Coordinator, COUNTY)).directory);
        assert!(!areas(&actor(Coordinator, COUNTY)).volunteers);
        // The header search is for IMs: a team lead reads no client data.
        assert!(!areas(&actor(TeamLead, PROVIDER)).search);
        let officer = actor(MunicipalOfficer, PROVIDER);
        assert!(areas(&officer).rooms && !areas(&officer).office_hours);
    }

    #[test]
    fn rooms_are_the_municipal_officers_and_office_hours_follow_employment() {
        let mine = Resource::Municipality {
            ags: "08118048".into(),
        };
        let other = Resource::Municipality {
            ags: "08118049".into(),
        };
        let officer = actor(MunicipalOfficer, PROVIDER);
        assert!(allows(&officer, Action::ManageRooms, &mine));
        assert!(!allows(&officer, Action::ManageRooms, &other));
        assert!(allows(&actor(Admin, COUNTY), Action::ManageRooms, &other));
        for role in [Admin, Im, TeamLead, Coordinator, Dpo] {
            assert!(
                !allows(&actor(role, PROVIDER), Action::ManageRooms, &mine),
                "{role:?}"
            );
        }
        let slot = |org, team, staff| Resource::OfficeHours {
            organisation_id: org,
            team_id: team,
            staff_id: staff,
        };
        let own = slot(PROVIDER, Some(TEAM_A), ME);
        let team = slot(PROVIDER, Some(TEAM_A), COLLEAGUE_SAME_TEAM);
        let other_team = slot(PROVIDER, Some(TEAM_B), COLLEAGUE_OTHER_TEAM);
        let other_org = slot(OTHER_PROVIDER, None, STRANGER);
        // Held for the old organisation: not the actor's own after a move.
        let before_move = slot(OTHER_PROVIDER, None, ME);
        let im = actor(Im, PROVIDER);
        assert!(allows(&im, Action::ManageOfficeHours, &own));
        for r in [&team, &other_team, &other_org, &before_move] {
            assert!(!allows(&im, Action::ManageOfficeHours, r), "{r:?}");
        }
        let lead = actor(TeamLead, PROVIDER);
        assert!(allows(&lead, Action::ManageOfficeHours, &team));
        assert!(!allows(&lead, Action::ManageOfficeHours, &other_team));
        let admin = actor(Admin, PROVIDER);
        assert!(allows(&admin, Action::ManageOfficeHours, &other_team));
        assert!(!allows(&admin, Action::ManageOfficeHours, &other_org));
        assert!(allows(
            &actor(Admin, COUNTY),
            Action::ManageOfficeHours,
            &other_org
        ));
        for role in [Coordinator, MunicipalOfficer, Dpo] {
            assert!(
                !allows(&actor(role, PROVIDER), Action::ManageOfficeHours, &own),
                "{role:?}"
            );
        }
    }
}
