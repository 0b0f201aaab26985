//! Issue 29 (first part): the figures read from the database match what was recorded through the
//! services, on both databases; the operator's read is audited.

use ankommen_core::Clock;
use ankommen_core::casework::figures::{self, Question};
use sea_orm::ConnectionTrait;

use crate::fixtures::register_named;
use crate::support::TestApp;

#[tokio::test]
async fn the_figures_count_what_was_recorded_and_the_read_is_audited() {
    let t = TestApp::new().await;
    let today = t.clock.now().date_naive();
    let at = |t: &TestApp| {
        let db = t.db.clone();
        let now = t.clock.now();
        async move {
            figures::for_operator(&db, now, Question::At(today), None)
                .await
                .unwrap()
        }
    };
    let before = at(&t).await;
    register_named(&t, "awo.im1", "Adult", "Person", None, "1990").await;
    register_named(&t, "awo.im1", "Minor", "Person", None, "2015").await;
    let after = at(&t).await;
    let n = |v: &serde_json::Value, path: &[&str]| {
        path.iter()
            .fold(v, |v, k| &v[*k])
            .as_u64()
            .unwrap_or_default()
    };
    let total = |p: &[&str]| {
        let mut path = vec!["at", "total"];
        path.extend_from_slice(p);
        (n(&before, &path), n(&after, &path))
    };
    let (b, a) = total(&["cases_active"]);
    assert_eq!(a, b + 2, "{after}");
    let (b, a) = total(&["persons_served", "adults"]);
    assert_eq!(a, b + 1);
    let (b, a) = total(&["persons_served", "minors"]);
    assert_eq!(a, b + 1);
    // The IM's row counts the two new cases.
    let im = t.id("awo.im1").to_string();
    let row = |v: &serde_json::Value| n(v, &["at", "by_im", im.as_str(), "cases_active"]);
    assert_eq!(row(&after), row(&before) + 2);
    assert_eq!(
        after["at"]["by_im"][im.as_str()]["display_name"],
        "Ahmad Karimi"
    );
    // No names of clients in the figures.
    assert!(!after.to_string().contains("Adult Person"));
    assert!(t.audit_has("figures_computed", "allowed", None).await);
}

// --- the figures pages (issue 29): every role sees its own figures and no more ---------------------

use chrono::{DateTime, Utc};

fn in_2025() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-03-10T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A caseload of 2025 (all adults, all still active at the end of 2025): awo.im1 registers 12,
/// awo.im2 6, caritas.im 2 (a cell of fewer than 5) and talheim.im 8.
async fn caseload_2025(t: &TestApp) {
    t.clock.set(in_2025());
    let mut n = 0;
    for (im, count) in [
        ("awo.im1", 12),
        ("awo.im2", 6),
        ("caritas.im", 2),
        ("talheim.im", 8),
    ] {
        for _ in 0..count {
            n += 1;
            register_named(t, im, "Figur", &format!("Fall{n}"), None, "1990").await;
        }
    }
    t.clock.set(crate::support::start_time());
}

/// The value cell of a figure in the rows table (`label` as the page writes it).
fn figure_cells(body: &str, label: &str) -> Vec<String> {
    let row = format!("<th scope=\"row\">{label}</th>");
    let Some(at) = body.find(&row) else {
        return Vec::new();
    };
    let rest = &body[at + row.len()..];
    let end = rest.find("</tr>").unwrap_or(rest.len());
    rest[..end]
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>").to_string())
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_own_figures_and_no_more() {
    let t = TestApp::new().await;
    caseload_2025(&t).await;
    let year = "/figures?question=year&year=2025";

    // An IM: their own row only.
    let mut im = t.login("awo.im1").await;
    let r = im.get(year).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Ahmad Karimi");
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["12"]);
    assert!(!r.body.contains("Olena Kovalenko"));
    assert!(!r.body.contains(">Nach Organisation</th>"));
    assert!(
        !r.body.contains("Figur"),
        "no client names on a figures page"
    );

    // A team lead (Team Nord): the team's rows, not Team Süd's; the template links.
    let mut lead = t.login("awo.leitung").await;
    let r = lead.get(year).await;
    assert_eq!(r.status, 200);
    r.assert_contains("Ahmad Karimi");
    assert!(!r.body.contains("Olena Kovalenko"));
    r.assert_contains("/figures/template.xlsx?year=2025");

    // The coordinator: protected tables by organisation and municipality, never per IM.
    let mut coord = t.login("koordination").await;
    let r = coord.get(year).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains(">Nach Organisation</th>");
    r.assert_contains("Nach Gemeinde");
    r.assert_contains("&#60; 5");
    assert!(!r.body.contains("Ahmad Karimi"));
    assert!(!r.body.contains("/figures/template"));
    // The AWO row of the persons served in the year counts 18 adults (12 + 6): never "< 5" (it may be
    // hidden to protect the small cell of Caritas).
    let table = r.body.find("Betreute Personen im Jahr").expect("the table");
    let awo = table + r.body[table..].find("<bdi>AWO").expect("an AWO row");
    let awo_row = &r.body[awo..awo + r.body[awo..].find("</tr>").unwrap()];
    assert!(!awo_row.contains("&#60; 5"), "{awo_row}");
    assert!(
        awo_row.contains("<td class=\"num\">18</td>")
            || awo_row.contains("<td class=\"num\">x</td>"),
        "{awo_row}"
    );

    // A municipal officer: only their municipality's rows.
    let mut officer = t.login("talheim.beauftragte").await;
    let r = officer.get(year).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Talheim am Neckar (08990001)");
    assert!(!r.body.contains("Bergfelden"));
    assert!(!r.body.contains(">Nach Organisation</th>"));

    // Administrator and data-protection officer see no figures; the refusal is audited.
    for who in ["admin", "datenschutz"] {
        let mut c = t.login(who).await;
        let r = c.get(year).await;
        assert_eq!(r.status, 403, "{who}");
        assert!(
            !c.get("/").await.body.contains("href=\"/figures\""),
            "{who}"
        );
    }
    assert!(
        t.audit_has("figures_viewed", "denied", Some(t.id("admin")))
            .await
    );
    assert!(
        t.audit_has("figures_viewed", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn coordinators_get_whole_finished_years_only_and_bad_input_is_a_clear_error() {
    let t = TestApp::new().await;
    let mut coord = t.login("koordination").await;
    for (path, message) in [
        (
            "/figures?question=at&date=2025-06-30",
            "nur ganze Kalenderjahre",
        ),
        (
            "/figures?question=ended&date=2025-06-30",
            "nur ganze Kalenderjahre",
        ),
        ("/figures?question=year&year=2026", "dieses Jahr läuft noch"),
        ("/figures?question=year&year=abc", "zwischen 2000 und 2100"),
        (
            "/figures?question=year&year=99999",
            "zwischen 2000 und 2100",
        ),
        ("/figures?question=sometime", "error"),
        ("/figures?question=at&date=2025-13-01", "error"),
        ("/figures/export.xlsx?question=at&date=2025-06-30", ""),
    ] {
        let r = coord.get(path).await;
        assert_eq!(r.status, 422, "{path}: {}", r.body);
        assert!(r.body.contains(message), "{path}: {}", r.body);
    }
    // An IM may ask any date (they see persons anyway).
    let mut im = t.login("awo.im1").await;
    for path in [
        "/figures?question=at&date=2026-11-21",
        "/figures?question=ended&date=2026-11-21",
        "/figures?question=year&year=2026",
    ] {
        assert_eq!(im.get(path).await.status, 200, "{path}");
    }
}

#[tokio::test]
async fn the_template_downloads_as_xlsx_and_german_csv_with_the_organisations_ims() {
    use calamine::{Data, Reader, Xlsx};
    let t = TestApp::new().await;
    caseload_2025(&t).await;
    // An administrator could name an account like a formula; the CSV must not run it.
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET display_name = '=HYPERLINK(\"http://x\")' WHERE id = {}",
            t.id("awo.im2")
        ))
        .await
        .unwrap();
    let mut lead = t.login("awo.leitung").await;
    let r = lead.get("/figures/template.xlsx?year=2025").await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-disposition")
            .contains("kennzahlen-je-im-2025.xlsx")
    );
    let mut book = Xlsx::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "Integrationsmanager:in");
    assert_eq!(header[1], "Stellenanteil");
    let persons = header
        .iter()
        .position(|h| h == "Im Zeitraum – Betreute Personen")
        .expect("persons served column");
    let by_name: std::collections::BTreeMap<String, Vec<Data>> = rows[1..]
        .iter()
        .map(|r| (r[0].to_string(), r.clone()))
        .collect();
    assert_eq!(
        by_name.len(),
        2,
        "both AWO IMs who held a case, nobody else"
    );
    assert_eq!(by_name["Ahmad Karimi"][persons], Data::Float(12.0));
    assert_eq!(
        by_name["=HYPERLINK(\"http://x\")"][persons],
        Data::Float(6.0),
        "the name is text in the XLSX, never a formula"
    );
    let csv = lead.get("/figures/template.csv?year=2025").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 byte-order mark"
    );
    let text = csv.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines[0].starts_with("Integrationsmanager:in;Stellenanteil;"));
    assert!(lines.iter().any(|l| l.starts_with("Ahmad Karimi;")));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\";")),
        "{text}"
    );
    // The other team lead gets their own organisation only; IMs and coordinators get none.
    let mut caritas = t.login("caritas.leitung").await;
    let r = caritas.get("/figures/template.csv?year=2025").await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("Ahmad Karimi"));
    for who in ["awo.im1", "koordination", "admin"] {
        let mut c = t.login(who).await;
        assert_eq!(
            c.get("/figures/template.xlsx?year=2025").await.status,
            403,
            "{who}"
        );
    }
    assert!(
        t.audit_has("figures_exported", "allowed", Some(t.id("awo.leitung")))
            .await
    );
    // The tables of the page as XLSX too.
    let r = lead
        .get("/figures/export.xlsx?question=year&year=2025")
        .await;
    assert_eq!(r.status, 200);
    let mut book = Xlsx::new(std::io::Cursor::new(r.bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert!(
        sheet
            .rows()
            .any(|row| row[0] == "Im Zeitraum – Betreute Personen" && row[1] == Data::Float(12.0))
    );
}

#[tokio::test]
async fn a_finalised_year_stays_as_reported_and_a_correction_needs_a_reason() {
    let t = TestApp::new().await;
    caseload_2025(&t).await;
    let year = "/figures?question=year&year=2025";
    // Only the coordinator finalises, and only a year that is over.
    let mut lead = t.login("awo.leitung").await;
    lead.get(year).await;
    let r = lead
        .post("/figures/finalise", &[("year", "2025"), ("reason", "")])
        .await;
    assert_eq!(r.status, 403);
    let mut coord = t.login("koordination").await;
    coord.get(year).await;
    let r = coord
        .post("/figures/finalise", &[("year", "2026"), ("reason", "")])
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(t.count("figure_finalisations").await, 0);
    let r = coord
        .post("/figures/finalise", &[("year", "2025"), ("reason", "")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(t.count("figure_finalisations").await, 1);
    assert!(
        t.audit_has("figures_finalised", "allowed", Some(t.id("koordination")))
            .await
    );

    // A late registration for 2025: the IM still sees the reported figure, marked as changed.
    t.clock.set(in_2025());
    register_named(&t, "awo.im1", "Figur", "Nachtrag", None, "1991").await;
    t.clock.set(crate::support::start_time());
    let mut im = t.login("awo.im1").await;
    let r = im.get(year).await;
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["12"]);
    r.assert_contains("Seit dem Abschluss haben sich die Daten von Ahmad Karimi geändert");

    // A correction needs a reason; what was typed stays.
    let r = coord
        .post("/figures/finalise", &[("year", "2025"), ("reason", "  ")])
        .await;
    assert_eq!(r.status, 422);
    r.assert_contains("Eine Korrektur braucht eine Begründung.");
    assert_eq!(t.count("figure_finalisations").await, 1);
    let r = coord
        .post(
            "/figures/finalise",
            &[("year", "2025"), ("reason", "Nachmeldung AWO")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = im.get(year).await;
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["13"]);
    assert!(!r.body.contains("Seit dem Abschluss"));
    let r = coord.get(year).await;
    r.assert_contains("Korrektur, Fassung 2: Nachmeldung AWO");

    // Finalised figures do not depend on the rows behind them any more.
    t.db.writer()
        .execute_unprepared("DELETE FROM case_persons")
        .await
        .unwrap();
    let r = im.get(year).await;
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["13"]);
}

#[tokio::test]
async fn an_ims_figures_read_from_their_cases_only_equal_their_row_of_the_whole_deployment() {
    use ankommen_core::casework::figures::view::{self, Ask};
    let t = TestApp::new().await;
    caseload_2025(&t).await;
    // One more case at Caritas, later in the year.
    t.clock.set(in_2025());
    register_named(&t, "caritas.im", "Figur", "Zweitfall", None, "1985").await;
    t.clock.set(crate::support::start_time());
    let whole = figures::for_operator(
        &t.db,
        t.clock.now(),
        Question::Period {
            from: "2025-01-01".parse().unwrap(),
            to: "2025-12-31".parse().unwrap(),
        },
        None,
    )
    .await
    .unwrap();
    for im in ["awo.im1", "awo.im2", "caritas.im", "talheim.im"] {
        let ctx = t.ctx_of(im).await;
        let v = view::view(&t.db, &ctx, Ask::Year(2025)).await.unwrap();
        let own = v.rows.iter().find(|r| r.own).expect("own row");
        let row = &whole["period"]["by_im"][t.id(im).to_string()];
        for (k, value) in own.figures.as_object().unwrap() {
            assert_eq!(&row[k], value, "{im}: {k}");
        }
    }
}

/// The value of the persons-served column for `name` in a template CSV download.
fn template_persons(csv: &str, name: &str) -> Option<String> {
    let text = csv.trim_start_matches('\u{feff}');
    let mut lines = text.split("\r\n");
    let header: Vec<&str> = lines.next()?.split(';').collect();
    let col = header
        .iter()
        .position(|h| *h == "Im Zeitraum – Betreute Personen")?;
    lines
        .map(|l| l.split(';').collect::<Vec<_>>())
        .find(|cells| cells[0] == name)
        .map(|cells| cells[col].to_string())
}

/// An IM who moves to another organisation in the middle of the year: each employer's team view
/// and template count only the work done there (the new team lead learns nothing of the old
/// employer's clients, the old employer's template still has the IM's row), the IM's own row counts
/// both, and a finalised year keeps each employer's rows as reported.
#[tokio::test]
async fn an_im_who_moved_shows_each_employer_only_the_work_done_there() {
    use crate::employment::{org_id, save_staff, team_id};
    let t = TestApp::new().await;
    // March 2025: Ahmad Karimi (awo.im1) registers 12 clients at the AWO.
    caseload_2025(&t).await;
    // June: his team lead takes the cases over (as a handover leaves them), he moves to Caritas.
    t.clock.set(
        DateTime::parse_from_rfc3339("2025-06-10T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    let (im1, lead) = (t.id("awo.im1"), t.id("awo.leitung"));
    for sql in [
        format!(
            "INSERT INTO case_assignments (case_id, staff_id, from_date) \
             SELECT id, {lead}, '2025-06-10' FROM cases WHERE assigned_to = {im1}"
        ),
        format!("UPDATE cases SET assigned_to = {lead} WHERE assigned_to = {im1}"),
    ] {
        t.db.writer().execute_unprepared(&sql).await.unwrap();
    }
    let caritas = org_id(&t, "Caritas Neckartal").await;
    let caritas_team = team_id(&t, "Integrationsmanagement").await;
    let mut admin = t.login("admin").await;
    let r = save_staff(
        &mut admin,
        &t,
        "awo.im1",
        caritas,
        Some(caritas_team),
        &["08990003"],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // July: three clients at Caritas.
    t.clock.set(
        DateTime::parse_from_rfc3339("2025-07-10T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    for n in 1..=3 {
        register_named(&t, "awo.im1", "Figur", &format!("Caritas{n}"), None, "1990").await;
    }
    t.clock.set(crate::support::start_time());
    let year = "/figures?question=year&year=2025";

    // The new team lead: Ahmad Karimi's Caritas clients only (3), beside Amina Haddad's 2.
    let mut new_lead = t.login("caritas.leitung").await;
    let r = new_lead.get(year).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Ahmad Karimi");
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["3", "2"]);
    let csv = new_lead.get("/figures/template.csv?year=2025").await;
    assert_eq!(
        template_persons(&csv.body, "Ahmad Karimi").as_deref(),
        Some("3")
    );
    // The old team lead: he is no longer in the team; the AWO template still has his AWO row.
    let mut old_lead = t.login("awo.leitung").await;
    let r = old_lead.get(year).await;
    assert!(!r.body.contains("Ahmad Karimi"));
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["12"]);
    let csv = old_lead.get("/figures/template.csv?year=2025").await;
    assert_eq!(
        template_persons(&csv.body, "Ahmad Karimi").as_deref(),
        Some("12")
    );
    assert_eq!(
        template_persons(&csv.body, "Petra Lang").as_deref(),
        Some("12")
    );
    // His own row: all his work of the year.
    let mut im = t.login("awo.im1").await;
    let r = im.get(year).await;
    assert_eq!(figure_cells(&r.body, "Betreute Personen"), vec!["15"]);

    // Finalised, then a late AWO registration of 2025 by the old team lead: each template keeps
    // its rows as reported.
    let mut coord = t.login("koordination").await;
    coord.get(year).await;
    let r = coord
        .post("/figures/finalise", &[("year", "2025"), ("reason", "")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    t.clock.set(in_2025());
    register_named(&t, "awo.leitung", "Figur", "Nachtrag", None, "1991").await;
    t.clock.set(crate::support::start_time());
    let csv = old_lead.get("/figures/template.csv?year=2025").await;
    assert_eq!(
        template_persons(&csv.body, "Ahmad Karimi").as_deref(),
        Some("12")
    );
    assert_eq!(
        template_persons(&csv.body, "Petra Lang").as_deref(),
        Some("12")
    );
    let csv = new_lead.get("/figures/template.csv?year=2025").await;
    assert_eq!(
        template_persons(&csv.body, "Ahmad Karimi").as_deref(),
        Some("3")
    );
}

// --- the contacts' tallies (issue 29, decision 0025) -------------------------------------------

/// Records a contact through the form as `im`; returns its id.
async fn contact_on(t: &TestApp, im: &str, case: i64, person: i64, fields: &[(&str, &str)]) -> i64 {
    let mut b = t.login(im).await;
    b.get(&format!("/cases/{case}/contacts/new")).await;
    let p = person.to_string();
    let mut all: Vec<(&str, &str)> = vec![("persons", p.as_str())];
    all.extend_from_slice(fields);
    let r = b.post(&format!("/cases/{case}/contacts/new"), &all).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    t.db.reader()
        .query_one_raw(sea_orm::Statement::from_string(
            t.db.reader().get_database_backend(),
            "SELECT MAX(id) AS n FROM contacts",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

async fn tally_rows(t: &TestApp) -> Vec<String> {
    let rows =
        t.db.reader()
            .query_all_raw(sea_orm::Statement::from_string(
                t.db.reader().get_database_backend(),
                "SELECT case_id, year, kind, contacts, minutes, first_day, topics, days \
             FROM contact_tallies ORDER BY case_id, year, kind",
            ))
            .await
            .unwrap();
    rows.iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {} {} {}",
                r.try_get::<i64>("", "case_id").unwrap(),
                r.try_get::<i32>("", "year").unwrap(),
                r.try_get::<String>("", "kind").unwrap(),
                r.try_get::<i64>("", "contacts").unwrap(),
                r.try_get::<i64>("", "minutes").unwrap(),
                r.try_get::<chrono::NaiveDate>("", "first_day").unwrap(),
                r.try_get::<String>("", "topics").unwrap(),
                r.try_get::<String>("", "days").unwrap(),
            )
        })
        .collect()
}

/// The figures of whole calendar years read the contacts' tallies; they equal the figures counted
/// from the contacts themselves after contacts were recorded and one was moved into another year
/// through the form, and with a case handed over inside the year (its contacts count for two IMs);
/// a rebuild writes the same tallies.
#[tokio::test]
async fn the_figures_from_the_contacts_tallies_equal_those_counted_from_the_contacts() {
    use ankommen_core::casework::figures::tallies;
    let t = TestApp::new().await;
    t.clock.set(in_2025());
    let first = register_named(&t, "awo.im1", "Zähl", "Eins", None, "1990").await;
    let second = register_named(&t, "awo.im2", "Zähl", "Zwei", None, "2012").await;
    t.clock.set(crate::support::start_time());
    let (one, two) = (first.case_id, second.case_id);
    contact_on(
        &t,
        "awo.im1",
        one,
        first.person_id,
        &[
            ("date", "2025-03-12"),
            ("kind", "home_visit"),
            ("minutes", "60"),
            ("topics", "housing"),
            ("topics", "language"),
        ],
    )
    .await;
    let moved = contact_on(
        &t,
        "awo.im1",
        one,
        first.person_id,
        &[
            ("date", "2025-06-02"),
            ("kind", "phone"),
            ("minutes", "10"),
            ("topics", "work"),
        ],
    )
    .await;
    contact_on(
        &t,
        "awo.im1",
        one,
        first.person_id,
        &[("date", "2025-06-30"), ("kind", "phone"), ("minutes", "5")],
    )
    .await;
    contact_on(
        &t,
        "awo.im1",
        one,
        first.person_id,
        &[
            ("date", "2026-01-15"),
            ("kind", "office_appointment"),
            ("minutes", "45"),
            ("topics", "work"),
        ],
    )
    .await;
    contact_on(
        &t,
        "awo.im2",
        two,
        second.person_id,
        &[
            ("date", "2025-04-01"),
            ("kind", "office_appointment"),
            ("minutes", "30"),
            ("topics", "language"),
        ],
    )
    .await;
    contact_on(
        &t,
        "awo.im2",
        two,
        second.person_id,
        &[
            ("date", "2025-09-15"),
            ("kind", "office_appointment"),
            ("minutes", "30"),
        ],
    )
    .await;
    // The second case was handed over to awo.im1 on 1 August 2025 (as an imported history would
    // say): its contact of April counts for awo.im2, that of September for awo.im1.
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO case_assignments (case_id, staff_id, from_date) VALUES ({two}, {}, '2025-08-01')",
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    // A contact moved from June 2025 into February 2026 through the edit form.
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/contacts/{moved}")).await;
    let p = first.person_id.to_string();
    let r = im
        .post(
            &format!("/contacts/{moved}"),
            &[
                ("version", "1"),
                ("date", "2026-02-03"),
                ("minutes", "10"),
                ("kind", "phone"),
                ("persons", p.as_str()),
                ("topics", "work"),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);

    let year = |y: i32| Question::Period {
        from: chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
    };
    let questions = [
        year(2025),
        year(2026),
        Question::Period {
            from: "2025-01-01".parse().unwrap(),
            to: "2026-12-31".parse().unwrap(),
        },
    ];
    let compute = |q: Question| {
        let db = t.db.clone();
        let now = t.clock.now();
        async move { figures::for_operator(&db, now, q, None).await.unwrap() }
    };
    assert!(tallies::complete(t.db.reader()).await.unwrap());
    let mut tallied = Vec::new();
    for q in questions {
        tallied.push(compute(q).await);
    }
    // What the tallies say is what was recorded: 2025 has four contacts (the moved one is in 2026).
    let v = &tallied[0]["period"];
    assert_eq!(v["total"]["contacts"]["count"], 4, "{v}");
    assert_eq!(v["total"]["contacts"]["by_kind"]["phone"], 1);
    assert_eq!(v["total"]["contacts"]["by_topic"]["language"], 2);
    assert_eq!(v["total"]["contact_hours"], 2.08);
    let im1 = t.id("awo.im1").to_string();
    let im2 = t.id("awo.im2").to_string();
    assert_eq!(v["by_im"][im1.as_str()]["contacts"]["count"], 3);
    assert_eq!(v["by_im"][im2.as_str()]["contacts"]["count"], 1);
    assert_eq!(tallied[1]["period"]["total"]["contacts"]["count"], 2);
    assert_eq!(
        tallied[1]["period"]["total"]["contacts"]["by_topic"]["work"],
        2
    );

    // Without the tallies (as before they were counted), the same figures.
    let before = tally_rows(&t).await;
    assert!(!before.is_empty());
    t.db.writer()
        .execute_unprepared("DELETE FROM settings WHERE key = 'contact_tallies'")
        .await
        .unwrap();
    assert!(!tallies::complete(t.db.reader()).await.unwrap());
    for (q, expected) in questions.into_iter().zip(&tallied) {
        assert_eq!(&compute(q).await, expected, "{q:?}");
    }
    // Contacts recorded at the same moment in one case are all counted (on PostgreSQL each
    // transaction waits for the other's count).
    let (app, person) = (&t, first.person_id);
    let same = |day: &'static str| async move {
        let fields = [("date", day), ("kind", "phone")];
        contact_on(app, "awo.im1", one, person, &fields).await
    };
    tokio::join!(
        same("2025-05-04"),
        same("2025-05-05"),
        same("2025-05-06"),
        same("2025-05-07")
    );
    let before = tally_rows(&t).await;
    assert!(
        before
            .iter()
            .any(|r| r.starts_with(&format!("{one} 2025 phone 5 "))),
        "{before:#?}"
    );
    // A rebuild counts the same and marks the tallies complete again.
    t.db.writer()
        .execute_unprepared("DELETE FROM contact_tallies")
        .await
        .unwrap();
    assert_eq!(tallies::rebuild(&t.db).await.unwrap(), 2);
    assert_eq!(tally_rows(&t).await, before);
    assert!(tallies::complete(t.db.reader()).await.unwrap());
}
