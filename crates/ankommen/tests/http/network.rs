//! HTTP tests of the network (issue 23, decision 0026): the directory of services (who keeps and
//! who reads which entries, filters, inactive entries, deletion only while unreferred, CSV/XLSX
//! export and import, imported referrals linked by name) and referrals from a case (passing data
//! only under a release for that service on that day — missing, wrong category, wrong recipient,
//! revoked, expired —, without data, the household, the result, the pending marker, the family
//! reunification shortcut, the access matrix of every new route).

use ankommen_core::kernel::sealed::REFERRAL_REASON;
use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;
use chrono::Duration;

use crate::consent::post_multipart;
use crate::fixtures::{self, Client as Person};
use crate::support::{Client, Resp, TestApp};

// ---------------------------------------------------------------------------------------------
// Helpers

fn today(t: &TestApp) -> chrono::NaiveDate {
    use ankommen_core::Clock;
    t.clock.now().date_naive()
}

/// The id at the end of a redirect to `/services/{id}`.
fn id_in(r: &Resp) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/services/")
        .parse()
        .unwrap_or_else(|_| panic!("no id in {}", r.location()))
}

/// Adds an entry through the form (as whoever `c` is); extra fields override the defaults.
async fn add_service(c: &mut Client, name: &str, category: &str, extra: &[(&str, &str)]) -> Resp {
    c.get("/services/new").await;
    let mut fields: Vec<(&str, &str)> = vec![("name", name), ("category", category)];
    if !extra.iter().any(|(x, _)| *x == "active") {
        fields.push(("active", "yes"));
    }
    fields.extend_from_slice(extra);
    c.post("/services", &fields).await
}

/// A county-wide entry kept by the coordinator. Returns its id.
pub(crate) async fn county_service(
    t: &TestApp,
    name: &str,
    category: &str,
    extra: &[(&str, &str)],
) -> i64 {
    let mut k = t.login("koordination").await;
    id_in(&add_service(&mut k, name, category, extra).await)
}

/// Records a release for a named recipient through the page.
pub(crate) async fn release(
    c: &mut Client,
    person: i64,
    recipient: &str,
    categories: &[&str],
    from: &str,
    until: &str,
) {
    c.get(&format!("/clients/{person}/releases/new")).await;
    let mut f: Vec<(&str, &str)> = vec![
        ("recipient", "other"),
        ("recipient_name", recipient),
        ("purpose", "Vermittlung"),
        ("valid_from", from),
        ("valid_until", until),
        ("mutual", "no"),
    ];
    for c in categories {
        f.push(("categories", c));
    }
    let r = c.post(&format!("/clients/{person}/releases"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Posts a referral of a case.
async fn refer(c: &mut Client, case_id: i64, fields: &[(&str, &str)]) -> Resp {
    c.get(&format!("/cases/{case_id}/referrals/new")).await;
    c.post(&format!("/cases/{case_id}/referrals/new"), fields)
        .await
}

async fn referrals(t: &TestApp) -> i64 {
    t.count("referrals").await
}

// ---------------------------------------------------------------------------------------------
// The directory

#[tokio::test]
async fn the_directory_is_kept_by_the_coordinator_and_team_leads_and_read_by_every_im() {
    let t = TestApp::new().await;
    let jc = county_service(
        &t,
        "Jobcenter Neckartal",
        "jobcenter",
        &[
            ("address", "Bahnhofstr. 1\n74072 Heilbronn"),
            ("phone", "07131 1234"),
            ("email", "jobcenter@example.org"),
            ("municipalities", "08990002"),
            ("languages", "ar"),
            ("languages", "ti"),
            ("opening_hours", "Mo–Fr 8–12 Uhr"),
        ],
    )
    .await;
    assert!(
        t.audit_has("service_created", "allowed", Some(t.id("koordination")))
            .await
    );
    // A team lead keeps their organisation's own entries (the county's are not offered).
    let mut lead = t.login("awo.leitung").await;
    let form = lead.get("/services/new").await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("value=\"organisation\"");
    assert!(!form.body.contains("value=\"county\""));
    let cafe = id_in(&add_service(&mut lead, "AWO Sprachcafé", "association", &[]).await);
    // A team lead cannot write a county-wide entry.
    let r = add_service(&mut lead, "Kreis-Eintrag", "other", &[("scope", "county")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");

    // Every IM reads the county's entries; only AWO's staff read AWO's own.
    let mut im = t.login("awo.im1").await;
    let list = im.get("/services").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Jobcenter Neckartal");
    list.assert_contains("AWO Sprachcafé");
    list.assert_contains("Tigrinya");
    assert!(!list.body.contains("href=\"/services/new\""));
    let mut other = t.login("caritas.im").await;
    let list = other.get("/services").await;
    list.assert_contains("Jobcenter Neckartal");
    assert!(!list.body.contains("AWO Sprachcafé"));
    assert_eq!(
        other.get(&format!("/services/{cafe}")).await.status,
        StatusCode::NOT_FOUND
    );
    // An IM reads an entry as text, without a form.
    let page = im.get(&format!("/services/{jc}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("07131 1234");
    assert!(!page.body.contains("id=\"service-form\""));

    // Who may not change what: an IM (403), another organisation's team lead (404 for AWO's own).
    let r = add_service(&mut im, "Eigenmächtig", "other", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        t.audit_has("service_created", "denied", Some(t.id("awo.im1")))
            .await
    );
    let r = im
        .post(
            &format!("/services/{jc}"),
            &[
                ("version", "1"),
                ("name", "Umbenannt"),
                ("category", "other"),
                ("active", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut caritas_lead = t.login("caritas.leitung").await;
    caritas_lead.get("/services").await;
    let r = caritas_lead
        .post(
            &format!("/services/{cafe}"),
            &[
                ("version", "1"),
                ("name", "Übernommen"),
                ("category", "other"),
                ("active", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM services WHERE name IN ('Umbenannt', 'Übernommen', 'Eigenmächtig')")
            .await,
        0
    );
    assert!(
        t.audit_has("service_updated", "denied", Some(t.id("awo.im1")))
            .await
    );
    // Roles without a caseload or the coordination read no directory.
    for user in ["admin", "talheim.beauftragte", "datenschutz"] {
        let mut c = t.login(user).await;
        assert_eq!(
            c.get("/services").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let home = c.get("/").await;
        assert!(!home.body.contains("href=\"/services\""), "{user}");
    }
    let home = im.get("/").await;
    home.assert_contains("href=\"/services\"");
}

#[tokio::test]
async fn the_directory_filters_by_category_municipality_and_language_and_hides_inactive_entries() {
    let t = TestApp::new().await;
    county_service(
        &t,
        "Jobcenter Neckartal",
        "jobcenter",
        &[("municipalities", "08990002"), ("languages", "ar")],
    )
    .await;
    county_service(
        &t,
        "Migrationsberatung Kreis",
        "migration_counselling",
        &[("languages", "ti")],
    )
    .await;
    let old = county_service(
        &t,
        "Alte Schuldnerberatung",
        "debt_counselling",
        &[("active", "no")],
    )
    .await;
    let mut im = t.login("awo.im1").await;
    let r = im.get("/services?category=jobcenter").await;
    r.assert_contains("Jobcenter Neckartal");
    assert!(!r.body.contains("Migrationsberatung Kreis"));
    let r = im.get("/services?language=ti").await;
    r.assert_contains("Migrationsberatung Kreis");
    assert!(!r.body.contains("Jobcenter Neckartal"));
    // An entry without municipalities serves the whole county.
    let r = im.get("/services?municipality=08990003").await;
    r.assert_contains("Migrationsberatung Kreis");
    assert!(!r.body.contains("Jobcenter Neckartal"));
    let r = im.get("/services?q=neckar").await;
    r.assert_contains("Jobcenter Neckartal");
    assert!(!r.body.contains("Migrationsberatung Kreis"));
    // Inactive entries only when asked for.
    let r = im.get("/services").await;
    assert!(!r.body.contains("Alte Schuldnerberatung"));
    let r = im.get("/services?inactive=yes").await;
    r.assert_contains("Alte Schuldnerberatung");
    r.assert_contains(&format!("href=\"/services/{old}\""));
    // A filter value outside its list: said next to the filter, no 500.
    let r = im.get("/services?category=zauberei&language=xx").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
}

#[tokio::test]
async fn bad_input_in_an_entry_is_said_next_to_its_field_and_what_was_typed_is_kept() {
    let t = TestApp::new().await;
    let mut k = t.login("koordination").await;
    let r = add_service(
        &mut k,
        "",
        "zauberei",
        &[
            ("email", "kein-at-zeichen"),
            ("phone", "0711 99"),
            ("municipalities", "99999999"),
            ("languages", "xx"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("Bitte geben Sie eine gültige E-Mail-Adresse ein.");
    r.assert_contains("value=\"kein-at-zeichen\"");
    r.assert_contains("value=\"0711 99\"");
    assert_eq!(t.count("services").await, 0);
    // A stale edit: someone saved in between.
    let id = id_in(&add_service(&mut k, "Jugendamt", "youth_welfare", &[]).await);
    let save = |name: &'static str| {
        vec![
            ("version", "1"),
            ("name", name),
            ("category", "youth_welfare"),
            ("active", "yes"),
        ]
    };
    k.get(&format!("/services/{id}")).await;
    let r = k
        .post(&format!("/services/{id}"), &save("Jugendamt Kreis"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = k
        .post(&format!("/services/{id}"), &save("Jugendamt Alt"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("value=\"Jugendamt Alt\"");
}

#[tokio::test]
async fn an_entry_is_deleted_only_while_no_referral_names_it_and_imported_referrals_are_linked_by_name()
 {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Link").await;
    // An imported referral names the service only by its name (spacing and case differ).
    t.db
        .writer()
        .execute_unprepared(&format!(
            "INSERT INTO referrals (case_id, person_id, service_name, referral_date, created_by, \
             created_at, updated_at, version) VALUES ({}, {}, 'jobcenter   NECKARTAL', '2026-11-01', \
             {}, '2026-11-01 08:00:00+00:00', '2026-11-01 08:00:00+00:00', 1)",
            c.case_id,
            c.person_id,
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE service_id = {jc}"
        ))
        .await,
        1
    );
    let mut k = t.login("koordination").await;
    let page = k.get(&format!("/services/{jc}")).await;
    page.assert_contains("Eine Vermittlung nennt diesen Eintrag");
    assert!(!page.body.contains("id=\"service-delete\""));
    let r = k.post(&format!("/services/{jc}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Setzen Sie ihn auf inaktiv.");
    assert_eq!(t.count("services").await, 1);
    // An unreferred entry goes.
    let other = county_service(&t, "Tafel", "other", &[]).await;
    k.get(&format!("/services/{other}")).await;
    let r = k.post(&format!("/services/{other}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("services").await, 1);
    assert!(
        t.audit_has("service_deleted", "allowed", Some(t.id("koordination")))
            .await
    );
}

#[tokio::test]
async fn the_directory_exports_as_german_csv_and_xlsx_and_imports_all_rows_or_none() {
    let t = TestApp::new().await;
    county_service(
        &t,
        "=HYPERLINK(\"http://x\")",
        "other",
        &[("municipalities", "08990002"), ("languages", "ar")],
    )
    .await;
    county_service(
        &t,
        "Jobcenter Neckartal",
        "jobcenter",
        &[("phone", "07131 1")],
    )
    .await;
    let mut im = t.login("awo.im1").await;
    let csv = im.get("/services/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(text.contains("Name;Art des Dienstes;Anschrift"), "{text}");
    assert!(
        text.contains("Jobcenter Neckartal;Jobcenter;;07131 1"),
        "{text}"
    );
    // A name like a formula is text in Excel.
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.contains(";Bergfelden;ar;"), "{text}");
    let xlsx = im.get("/services/export.xlsx?category=jobcenter").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));

    // An IM imports nothing.
    assert_eq!(
        im.get("/services/import").await.status,
        StatusCode::FORBIDDEN
    );

    // The coordinator imports: one entry updated (same name, other spacing), one added.
    let mut k = t.login("koordination").await;
    k.get("/services/import").await;
    let file = "\u{feff}Name;Art des Dienstes;Telefon;Sprachen;Gemeinden;Status\r\n\
                jobcenter  neckartal;Jobcenter;07131 2;Arabisch, ti;;ja\r\n\
                Volkshochschule Kreis;Volkshochschule;;;08990002;ja\r\n";
    let r = post_multipart(
        &mut k,
        "/services/import",
        &[],
        Some(("dienste.csv", "text/csv", file.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("services").await, 3);
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM services WHERE phone = '07131 2' AND languages = 'ar,ti'"
        )
        .await,
        1
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM services WHERE category = 'adult_education'")
            .await,
        1
    );
    assert!(
        t.audit_has("services_imported", "allowed", Some(t.id("koordination")))
            .await
    );

    // A file with one bad row imports nothing and names the row.
    k.get("/services/import").await;
    let file = "Name;Art des Dienstes\r\nHebamme Müller;Hebamme\r\nZauberer;Zauberei\r\n";
    let r = post_multipart(
        &mut k,
        "/services/import",
        &[],
        Some(("dienste.csv", "text/csv", file.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Zeile 3: Art des Dienstes: Bitte wählen Sie einen Eintrag aus der Liste.");
    assert_eq!(t.count("services").await, 3);
    // Without a name column.
    k.get("/services/import").await;
    let r = post_multipart(
        &mut k,
        "/services/import",
        &[],
        Some(("dienste.csv", "text/csv", b"Foo;Bar\r\n1;2\r\n".to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("keine Spalte");
}

// ---------------------------------------------------------------------------------------------
// Referrals

#[tokio::test]
async fn a_referral_passes_data_only_under_a_release_for_that_service_on_that_day() {
    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let aa = county_service(&t, "Agentur für Arbeit", "employment_agency", &[]).await;
    let c: Person = fixtures::register_with_canary(&t, "awo.im1", "Ref").await;
    let (jc_s, aa_s) = (jc.to_string(), aa.to_string());
    let pid = c.person_id.to_string();
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    let form = im.get(&format!("/cases/{}/referrals/new", c.case_id)).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Jobcenter Neckartal");

    // No release at all: refused, with the offer to record one first or to refer without data.
    let base = |service: &str, cats: &[&str]| -> Vec<(String, String)> {
        let mut f = vec![
            ("service".to_string(), service.to_string()),
            ("person".to_string(), pid.clone()),
            ("date".to_string(), day.clone()),
            ("field".to_string(), "work".to_string()),
            ("reason".to_string(), "CANARY-Ref-reason".to_string()),
        ];
        f.extend(
            cats.iter()
                .map(|c| ("categories".to_string(), c.to_string())),
        );
        f
    };
    async fn post(im: &mut Client, case: i64, f: &[(String, String)]) -> Resp {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        refer(im, case, &refs).await
    }
    let r = post(&mut im, c.case_id, &base(&jc_s, &["identity"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("keine gültige Schweigepflichtentbindung");
    r.assert_contains(&format!(
        "href=\"/clients/{pid}/releases/new?service={jc}\""
    ));
    r.assert_contains("oder ohne Daten vermitteln");
    r.assert_contains("CANARY-Ref-reason");
    assert_eq!(referrals(&t).await, 0);
    // The link offers the release form with the service as the recipient.
    let rf = im
        .get(&format!("/clients/{pid}/releases/new?service={jc}"))
        .await;
    assert_eq!(rf.status, StatusCode::OK);
    rf.assert_contains("value=\"Jobcenter Neckartal\"");

    release(
        &mut im,
        c.person_id,
        "Jobcenter Neckartal",
        &["identity", "contact"],
        &day,
        "",
    )
    .await;
    let release_id = t.scalar("SELECT MAX(id) AS n FROM releases").await;
    // A category the release does not cover; a service it is not for.
    let r = post(&mut im, c.case_id, &base(&jc_s, &["identity", "work"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&mut im, c.case_id, &base(&aa_s, &["identity"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("keine gültige Schweigepflichtentbindung");
    // Health is never passed on this way; the household passes no data.
    let r = post(&mut im, c.case_id, &base(&jc_s, &["health"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut hh = base(&jc_s, &["identity"]);
    hh[1].1 = "household".into();
    let r = post(&mut im, c.case_id, &hh).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("nicht für den ganzen Haushalt");
    assert_eq!(referrals(&t).await, 0);

    // Covered: recorded with the release used, the reason sealed.
    let r = post(&mut im, c.case_id, &base(&jc_s, &["identity", "contact"])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE id = {id} AND release_id = {release_id} \
             AND service_id = {jc} AND data_categories = 'identity,contact' AND result = 'pending' \
             AND service_name = 'Jobcenter Neckartal' AND field_of_action = 'work'"
        ))
        .await,
        1
    );
    assert_eq!(
        t.opened_text(&REFERRAL_REASON, id).await.as_deref(),
        Some("CANARY-Ref-reason")
    );
    let blob = t.blob("referrals", "reason_sealed", id).await.unwrap();
    assert!(!String::from_utf8_lossy(&blob).contains("CANARY"));
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    case.assert_contains(&format!("id=\"referral-{id}\""));
    case.assert_contains("Jobcenter Neckartal");
    case.assert_contains("Personalien");
    case.assert_contains("CANARY-Ref-reason");
    // The audit event names the person and the case.
    let audit = t.audit_of(c.person_id, c.case_id).await;
    assert!(
        audit.iter().any(|(a, _)| a == "referral_recorded"),
        "{audit:?}"
    );

    // Without data: no release needed, none recorded.
    let r = post(&mut im, c.case_id, &base(&aa_s, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE service_id = {aa} AND release_id IS NULL \
             AND data_categories IS NULL"
        ))
        .await,
        1
    );

    // Revoked today: refused from today on.
    let v = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM releases WHERE id = {release_id}"
        ))
        .await
        .to_string();
    im.get(&format!("/releases/{release_id}")).await;
    let r = im
        .post(
            &format!("/releases/{release_id}/revoke"),
            &[("version", v.as_str()), ("revoked_on", day.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(&mut im, c.case_id, &base(&jc_s, &["identity"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Expired yesterday: refused.
    let from = (today(&t) - Duration::days(30)).to_string();
    let until = (today(&t) - Duration::days(1)).to_string();
    release(
        &mut im,
        c.person_id,
        "Agentur für Arbeit",
        &["identity"],
        &from,
        &until,
    )
    .await;
    let r = post(&mut im, c.case_id, &base(&aa_s, &["identity"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("keine gültige Schweigepflichtentbindung");
    assert_eq!(referrals(&t).await, 2);
}

#[tokio::test]
async fn a_referral_gets_its_result_and_shows_as_pending_after_the_configured_days() {
    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Res").await;
    let mut im = t.login("awo.im1").await;
    let day = today(&t).to_string();
    let (s, p) = (jc.to_string(), c.person_id.to_string());
    let r = refer(
        &mut im,
        c.case_id,
        &[
            ("service", &s),
            ("person", &p),
            ("date", &day),
            ("reason", "CANARY-Res-why"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    assert!(!case.body.contains(&format!("id=\"referral-overdue-{id}\"")));
    // 29 days later (the default is 28) it is marked as still pending.
    t.clock.advance(Duration::days(29));
    let mut im = t.login("awo.im1").await;
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    case.assert_contains(&format!("id=\"referral-overdue-{id}\""));
    // … and listed on the IM's working day, with the service.
    let day = im.get("/").await;
    day.assert_contains("<li data-kind=\"referrals\"");
    day.assert_contains(&format!("href=\"/cases/{}#referrals\"", c.case_id));
    day.assert_contains("Jobcenter Neckartal");
    // The timeline shows it, with its reason.
    let tl = im
        .get(&format!("/cases/{}/timeline?show=referral", c.case_id))
        .await;
    assert_eq!(tl.status, StatusCode::OK);
    tl.assert_contains("Vermittlung an Jobcenter Neckartal");
    tl.assert_contains("CANARY-Res-why");
    // A result before the referral is refused (said on the case page); a good one is stored, the
    // reason still opens.
    let case_s = c.case_id.to_string();
    let r = im
        .post(
            &format!("/referrals/{id}/result"),
            &[
                ("version", "1"),
                ("case", case_s.as_str()),
                ("result", "taken_up"),
                ("result_on", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Ergebnis am: Das Ergebnis kann nicht vor der Vermittlung liegen.");
    r.assert_contains(&format!("id=\"referral-{id}\""));
    let on = today(&t).to_string();
    let r = im
        .post(
            &format!("/referrals/{id}/result"),
            &[
                ("version", "1"),
                ("result", "taken_up"),
                ("result_on", on.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE id = {id} AND result = 'taken_up' AND version = 2"
        ))
        .await,
        1
    );
    assert_eq!(
        t.opened_text(&REFERRAL_REASON, id).await.as_deref(),
        Some("CANARY-Res-why")
    );
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    case.assert_contains("angenommen");
    assert!(!case.body.contains(&format!("id=\"referral-overdue-{id}\"")));
    let day = im.get("/").await;
    assert!(
        !day.body
            .contains(&format!("href=\"/cases/{}#referrals\"", c.case_id))
    );
    // A stale result form.
    let r = im
        .post(
            &format!("/referrals/{id}/result"),
            &[
                ("version", "1"),
                ("case", case_s.as_str()),
                ("result", "completed"),
                ("result_on", on.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("id=\"referral-result-error\"");
    assert!(
        t.audit_has("referral_result_recorded", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn family_reunification_is_one_click_to_the_migrationsberatung() {
    let t = TestApp::new().await;
    county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let mbe = county_service(&t, "MBE Caritas", "migration_counselling", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Fam").await;
    let mut im = t.login("awo.im1").await;
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    case.assert_contains("id=\"family-reunification\"");
    let form = im
        .get(&format!(
            "/cases/{}/referrals/new?preset=family_reunification",
            c.case_id
        ))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Familiennachzug");
    form.assert_contains(&format!("<option value=\"{mbe}\" selected>"));
    form.assert_contains("<option value=\"family\" selected>");
}

#[tokio::test]
async fn nobody_but_the_im_holding_the_case_refers_or_records_a_result() {
    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Acc").await;
    let (s, p) = (jc.to_string(), c.person_id.to_string());
    let day = today(&t).to_string();
    let fields = [
        ("service", s.as_str()),
        ("person", p.as_str()),
        ("date", day.as_str()),
    ];
    let mut im = t.login("awo.im1").await;
    let r = refer(&mut im, c.case_id, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "admin",
        "koordination",
    ] {
        let mut b = t.login(user).await;
        b.get("/").await;
        let g = b.get(&format!("/cases/{}/referrals/new", c.case_id)).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!g.body.contains("CanaryAcc"), "{user}");
        let r = b
            .post(&format!("/cases/{}/referrals/new", c.case_id), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = b
            .post(
                &format!("/referrals/{id}/result"),
                &[
                    ("version", "1"),
                    ("result", "completed"),
                    ("result_on", day.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert!(
        t.audit_has("referral_recorded", "denied", Some(t.id("caritas.im")))
            .await
    );
    // A moved employee keeps nothing of the old organisation's cases.
    t.move_to("awo.im1", "Caritas").await;
    let mut moved = t.login("awo.im1").await;
    moved.get("/").await;
    let r = moved
        .post(&format!("/cases/{}/referrals/new", c.case_id), &fields)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = moved
        .post(
            &format!("/referrals/{id}/result"),
            &[
                ("version", "1"),
                ("result", "completed"),
                ("result_on", day.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(referrals(&t).await, 1);
    assert_eq!(
        t.scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM referrals WHERE id = {id}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn bad_referral_input_is_said_next_to_its_field() {
    let t = TestApp::new().await;
    county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Bad").await;
    let mut im = t.login("awo.im1").await;
    let r = refer(
        &mut im,
        c.case_id,
        &[
            ("service", "abc"),
            ("person", "999999"),
            ("date", "2099-01-01"),
            ("field", "zauberei"),
            ("reason", "getippt-bleibt"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
    r.assert_contains("getippt-bleibt");
    r.assert_contains("value=\"2099-01-01\"");
    assert_eq!(referrals(&t).await, 0);
}

#[tokio::test]
async fn a_referral_is_in_the_exchange_export_and_in_the_art_15_export() {
    use ankommen_core::Clock;
    use ankommen_core::casework::exchange::export::{self, MadeFor};
    use ankommen_core::casework::subject_access;
    use ankommen_core::kernel::types::Role;

    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Exp").await;
    let mut im = t.login("awo.im1").await;
    let day = today(&t).to_string();
    release(
        &mut im,
        c.person_id,
        "Jobcenter Neckartal",
        &["identity"],
        &day,
        "",
    )
    .await;
    let (s, p) = (jc.to_string(), c.person_id.to_string());
    let r = refer(
        &mut im,
        c.case_id,
        &[
            ("service", &s),
            ("person", &p),
            ("date", &day),
            ("reason", "CANARY-Exp-why"),
            ("categories", "identity"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The exchange file carries it as the format says: the service by name and category.
    let awo = t
        .scalar("SELECT id AS n FROM organisations WHERE name = 'AWO Kreisverband Neckartal'")
        .await;
    let made_for = MadeFor {
        role: Role::Im,
        purpose: "Umzug des Trägers".into(),
    };
    let out = export::export_as_operator(&t.db, t.clock.now(), &t.sealer(), awo, &made_for)
        .await
        .unwrap();
    let text = String::from_utf8(out.bytes).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("\"kind\":\"referral\""))
        .unwrap_or_else(|| panic!("no referral in {text}"));
    assert!(line.contains("\"name\":\"Jobcenter Neckartal\""), "{line}");
    assert!(line.contains("\"category\":\"jobcenter\""), "{line}");
    assert!(line.contains("\"result\":\"pending\""), "{line}");

    // The Art. 15 export lists it with what was passed on and under which release.
    let ctx = t.ctx_of("datenschutz").await;
    let sa = subject_access::export(
        &t.db,
        &ctx,
        &t.sealer(),
        c.person_id,
        "Auskunftsersuchen vom 20.11.",
    )
    .await
    .unwrap();
    let rows = sa.rows.get("referrals").unwrap();
    assert_eq!(rows.len(), 1);
    let row = serde_json::Value::Object(rows[0].clone()).to_string();
    assert!(row.contains("identity"), "{row}");
    assert!(row.contains("CANARY-Exp-why"), "{row}");
    assert!(row.contains("release_id"), "{row}");
}

// ---------------------------------------------------------------------------------------------
// The referral letter

/// The letter as the IM asks for it: a PDF, or the form again.
async fn print_letter(c: &mut Client, id: i64, fields: &[(&str, &str)]) -> Resp {
    c.get(&format!("/referrals/{id}/letter")).await;
    c.post(&format!("/referrals/{id}/letter"), fields).await
}

fn letter_text(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    crate::plans::pdf_text(&r.bytes)
}

#[tokio::test]
async fn the_referral_letter_carries_data_only_under_a_release_in_force_on_the_day_it_is_printed() {
    let t = TestApp::new().await;
    let jc = county_service(
        &t,
        "Jobcenter Neckartal",
        "jobcenter",
        &[
            ("address", "Bahnhofstraße 1\n74999 Bergfelden"),
            ("opening_hours", "Mo–Fr 8–12 Uhr"),
        ],
    )
    .await;
    let c: Person = fixtures::register_with_canary(&t, "awo.im1", "Brief").await;
    let (jc_s, pid) = (jc.to_string(), c.person_id.to_string());
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    release(
        &mut im,
        c.person_id,
        "Jobcenter Neckartal",
        &["identity", "work"],
        &day,
        "",
    )
    .await;
    let r = refer(
        &mut im,
        c.case_id,
        &[
            ("service", jc_s.as_str()),
            ("person", pid.as_str()),
            ("date", day.as_str()),
            ("field", "work"),
            ("reason", "CANARY-Brief-reason"),
            ("categories", "identity"),
            ("categories", "work"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;

    // The case page links the letter; the form offers the part for the service, the reason as
    // the summary to start from, the client's language (Arabic, the interpreter's) first.
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE persons SET interpreter_language = 'ar' WHERE id = {pid}"
        ))
        .await
        .unwrap();
    let case = im.get(&format!("/cases/{}", c.case_id)).await;
    case.assert_contains(&format!("href=\"/referrals/{id}/letter\""));
    let form = im.get(&format!("/referrals/{id}/letter")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Teil für den Dienst");
    form.assert_contains("CANARY-Brief-reason");
    form.assert_contains("<option value=\"ar\" lang=\"ar\" selected");

    // With the part for the service: the name, the summary, where and when, in German and Arabic.
    let r = print_letter(
        &mut im,
        id,
        &[
            ("lang", "ar"),
            ("bring", "passport"),
            ("bring", "decisions"),
            ("bring_other", "Lebenslauf"),
            ("with_data", "1"),
            ("summary", "Sucht Arbeit als Koch"),
        ],
    )
    .await;
    let text = letter_text(&r);
    for present in [
        "Testperson CanaryBrief",
        "Sucht Arbeit als Koch",
        "Bahnhofstraße 1",
        "Mo–Fr 8–12 Uhr",
        "Pass oder Personalausweis",
        "Lebenslauf",
        "Für die Stelle",
        "Berufserfahrung und Arbeit",
        "أحالتك إدارة الاندماج",
    ] {
        assert!(text.contains(present), "{present} missing in {text}");
    }
    assert!(
        !text.contains("CANARY-Brief-reason"),
        "only the summary as given"
    );
    assert!(
        t.audit_has("referral_letter_printed", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'referral_letter_printed' AND person_id = {pid}"
        ))
        .await,
        1,
        "the print names the person"
    );

    // Without it: where to go and what to bring, nothing about the person.
    let r = print_letter(&mut im, id, &[("lang", "de"), ("bring", "passport")]).await;
    let text = letter_text(&r);
    assert!(text.contains("Jobcenter Neckartal"));
    assert!(text.contains("Auf diesem Blatt stehen keine Angaben"));
    assert!(!text.contains("CanaryBrief"), "{text}");

    // Once the release is revoked, the letter carries no data any more: asking for it is refused
    // with the reason, and what was typed stays.
    let rel = t.scalar("SELECT MAX(id) AS n FROM releases").await;
    im.get(&format!("/releases/{rel}")).await;
    let r = im
        .post(
            &format!("/releases/{rel}/revoke"),
            &[("version", "1"), ("revoked_on", day.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let form = im.get(&format!("/referrals/{id}/letter")).await;
    form.assert_contains("keine gültige Schweigepflichtentbindung");
    assert!(!form.body.contains("CANARY-Brief-reason"));
    let r = print_letter(
        &mut im,
        id,
        &[
            ("lang", "ar"),
            ("bring_other", "Mietvertrag vom Mai"),
            ("with_data", "1"),
            ("summary", "Sucht Arbeit als Koch"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Ohne eine heute gültige Schweigepflichtentbindung");
    r.assert_contains("value=\"Mietvertrag vom Mai\"");
    let text = letter_text(&print_letter(&mut im, id, &[("lang", "ar")]).await);
    assert!(!text.contains("CanaryBrief"), "{text}");
    assert!(!text.contains("Für die Stelle"));
}

#[tokio::test]
async fn a_referral_without_data_or_for_the_household_prints_no_person_and_bad_letter_input_is_said()
 {
    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Ohne").await;
    let (jc_s, pid) = (jc.to_string(), c.person_id.to_string());
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    for person in [pid.as_str(), "household"] {
        let r = refer(
            &mut im,
            c.case_id,
            &[
                ("service", jc_s.as_str()),
                ("person", person),
                ("date", day.as_str()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
        let form = im.get(&format!("/referrals/{id}/letter")).await;
        assert!(!form.body.contains("name=\"with_data\""), "{person}");
        let text = letter_text(
            &print_letter(&mut im, id, &[("lang", "ti"), ("bring", "this_letter")]).await,
        );
        assert!(!text.contains("CanaryOhne"), "{person}: {text}");
        assert!(text.contains("ናብ ትካል ምልኣኽ"), "{person}: Tigrinya missing");
        // Asking for data anyway: refused, nothing printed.
        let r = print_letter(&mut im, id, &[("lang", "de"), ("with_data", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{person}");
    }
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
    // Bad input: said next to its field, what was typed kept, never a PDF.
    let long = "x".repeat(201);
    for (fields, says) in [
        (vec![("lang", "xx")], "f-print-lang"),
        (vec![("lang", "de"), ("bring", "nonsense")], "f-bring"),
        (
            vec![("lang", "de"), ("bring_other", long.as_str())],
            "f-bring_other",
        ),
    ] {
        let r = print_letter(&mut im, id, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        r.assert_contains(&format!("href=\"#{says}\""));
    }
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'referral_letter_printed' AND outcome = 'allowed'"
        )
        .await,
        2,
        "failed prints are not recorded as prints"
    );
}

#[tokio::test]
async fn nobody_but_whoever_may_refer_on_the_case_prints_its_letter() {
    let t = TestApp::new().await;
    let jc = county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Wer").await;
    let (jc_s, pid) = (jc.to_string(), c.person_id.to_string());
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    let r = refer(
        &mut im,
        c.case_id,
        &[
            ("service", jc_s.as_str()),
            ("person", pid.as_str()),
            ("date", day.as_str()),
            ("reason", "CANARY-Wer-reason"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM referrals").await;
    let path = format!("/referrals/{id}/letter");
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "admin",
        "koordination",
        "datenschutz",
    ] {
        let mut b = t.login(user).await;
        b.get("/").await;
        let g = b.get(&path).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!g.body.contains("CanaryWer"), "{user}");
        let r = b.post(&path, &[("lang", "de")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.bytes.starts_with(b"%PDF"), "{user}");
    }
    assert!(
        t.audit_has(
            "referral_letter_printed",
            "denied",
            Some(t.id("caritas.im"))
        )
        .await
    );
    // A colleague with a share may print it, as they may refer.
    let im2 = t.id("awo.im2").to_string();
    im.get(&format!("/cases/{}", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/share", c.case_id),
            &[("staff_id", im2.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut shared = t.login("awo.im2").await;
    assert_eq!(shared.get(&path).await.status, StatusCode::OK);
    // A moved employee prints nothing of the old organisation's cases.
    t.move_to("awo.im1", "Caritas").await;
    let mut moved = t.login("awo.im1").await;
    moved.get("/").await;
    assert_eq!(moved.get(&path).await.status, StatusCode::NOT_FOUND);
    let r = moved.post(&path, &[("lang", "de")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
