//! Client fixtures, created through the core services as a given demo user would (so the same rules
//! and audit apply). Every text field carries a canary string (`CANARY-<tag>`) so tests can prove
//! that one client's data never appears in a response to someone without access.

use std::sync::Arc;

use ankommen_core::Ctx;
use ankommen_core::administration::sessions;
use ankommen_core::casework::clients::{
    self, MinimumForm, MinimumInput, RegisterInput, Registered,
};
use ankommen_core::kernel::catalog::TargetGroup;
use ankommen_core::records::consent::{self, ConsentInput};

use crate::support::TestApp;

impl TestApp {
    /// A service context acting as a demo user, on the app's clock.
    pub async fn ctx_of(&self, username: &str) -> Ctx {
        let actor = sessions::load_actor(self.db.writer(), self.id(username))
            .await
            .unwrap()
            .unwrap();
        Ctx {
            actor,
            clock: Arc::new(self.clock.clone()),
            request_id: None,
        }
    }
}

/// A registered client.
#[derive(Clone, Debug)]
pub struct Client {
    pub person_id: i64,
    pub case_id: i64,
    /// The canary carried by this client's text fields.
    pub canary: String,
}

/// Registers a client as `im` (in the IM's first municipality), with the given names.
pub async fn register_named(
    app: &TestApp,
    im: &str,
    given: &str,
    family: &str,
    original: Option<&str>,
    birth: &str,
) -> Client {
    let ctx = app.ctx_of(im).await;
    let form = MinimumForm {
        given_name: given.into(),
        family_name: family.into(),
        name_original: original.unwrap_or("").into(),
        birth: birth.into(),
        municipality: ctx.actor.municipalities[0].clone(),
        au_move_in: "2025-03-01".into(),
        target_group: TargetGroup::FollowUpHousing.as_str().into(),
    };
    let minimum = MinimumInput::parse(&form, ctx.today()).unwrap();
    let r = clients::register(
        &app.db,
        &ctx,
        &app.sealer(),
        RegisterInput {
            minimum,
            clock_start: None,
            eligibility_note: None,
            duplicates_checked: true,
        },
    )
    .await
    .unwrap();
    match r {
        Registered::Created { person_id, case_id } => Client {
            person_id,
            case_id,
            canary: format!("CANARY-{family}"),
        },
        Registered::PossibleDuplicates(_) => panic!("unexpected duplicate hint"),
    }
}

/// Records a consent given today on paper, as `im` (through the core). Returns its id.
pub async fn give_consent(app: &TestApp, im: &str, person_id: i64) -> i64 {
    let ctx = app.ctx_of(im).await;
    let input = ConsentInput::parse(
        "2026-1",
        "ar",
        &ctx.today().to_string(),
        "paper",
        None,
        ctx.today(),
    )
    .unwrap();
    consent::record(&app.db, &ctx, &app.sealer(), person_id, input)
        .await
        .unwrap()
}

/// Registers a client as `im` and records their consent (for tests of what the consent allows,
/// such as the integration plan).
pub async fn register_consenting(
    app: &TestApp,
    im: &str,
    given: &str,
    family: &str,
    original: Option<&str>,
    birth: &str,
) -> Client {
    let c = register_named(app, im, given, family, original, birth).await;
    give_consent(app, im, c.person_id).await;
    c
}

/// Registers a client whose family name is the canary tag itself, records a consent and fills
/// intake text fields with the canary.
pub async fn register_with_canary(app: &TestApp, im: &str, tag: &str) -> Client {
    let family = format!("Canary{tag}");
    let c = register_named(app, im, "Testperson", &family, None, "1990").await;
    let ctx = app.ctx_of(im).await;
    let input = ConsentInput::parse(
        "2026-1",
        "ar",
        &ctx.today().to_string(),
        "screen",
        None,
        ctx.today(),
    )
    .unwrap();
    consent::record(&app.db, &ctx, &app.sealer(), c.person_id, input)
        .await
        .unwrap();
    let intake = clients::Intake::parse(&clients::IntakeForm {
        profession: format!("CANARY-{tag}-profession"),
        interests: format!("CANARY-{tag}-interests"),
        school: format!("CANARY-{tag}-school"),
        ..Default::default()
    })
    .unwrap();
    clients::update_intake(&app.db, &ctx, &app.sealer(), c.person_id, 1, intake)
        .await
        .unwrap();
    Client {
        canary: format!("CANARY-{tag}"),
        ..c
    }
}
