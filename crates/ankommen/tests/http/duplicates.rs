//! Duplicate people (issue 22): the reviewer's list, the review of a pair, merging (the history of
//! both kept, the absorbed id resolving to the survivor, audited naming both), "not the same",
//! who must not see or merge, and bad input.

use axum::http::StatusCode;

use ankommen_core::administration::sessions;
use ankommen_core::casework::clients::{self, MinimumForm, MinimumInput, possible_duplicates};
use ankommen_core::casework::duplicates::{self, MergeInput, PERSON_COLUMNS, keys};
use ankommen_core::casework::exchange;
use ankommen_core::kernel::names::matching;
use ankommen_core::{Clock, Ctx};
use ankommen_store::entities::{person, person_match_key};
use ankommen_store::sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement,
};

use crate::fixtures::{Client, give_consent, register_named};
use crate::support::TestApp;

const MINI: &str = include_str!("../../../core/src/casework/figures/mini-county/mini-county.jsonl");

/// A pair of one person: in Latin letters with a date, and in Arabic script with the year only.
async fn pair(t: &TestApp, im: &str) -> (Client, Client) {
    let a = register_named(t, im, "Mohammad", "Ahmadi", None, "12.05.1990").await;
    let b = register_named(t, im, "محمد", "احمدی", None, "1990").await;
    (a, b)
}

fn path(a: &Client, b: &Client) -> String {
    let (x, y) = (a.person_id.min(b.person_id), a.person_id.max(b.person_id));
    format!("/duplicates/{x}/{y}")
}

async fn version(t: &TestApp, id: i64) -> String {
    t.scalar(&format!(
        "SELECT CAST(version AS BIGINT) AS n FROM persons WHERE id = {id}"
    ))
    .await
    .to_string()
}

#[tokio::test]
async fn the_reviewer_sees_pairs_of_their_cases_with_score_and_reasons() {
    let t = TestApp::new().await;
    let (a, b) = pair(&t, "awo.im1").await;
    // Twins: the same family name and date, another given name; and a namesake born elsewhen.
    register_named(&t, "awo.im1", "Amina", "Ahmadi", None, "12.05.1990").await;
    register_named(&t, "awo.im1", "Mohammad", "Ahmadi", None, "03.11.1975").await;
    // The same name at another provider: never paired across organisations.
    register_named(&t, "caritas.im", "Mohammad", "Ahmadi", None, "12.05.1990").await;

    let mut im = t.login("awo.im1").await;
    let r = im.get("/duplicates").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Mögliche Doppelungen");
    r.assert_contains(&format!("href=\"{}\"", path(&a, &b)));
    r.assert_contains("محمد احمدی");
    r.assert_contains("andere Schrift");
    r.assert_contains("nur Geburtsjahr oder 01.01.");
    assert_eq!(
        r.body.matches("href=\"/duplicates/").count(),
        1,
        "one pair only"
    );
    assert!(!r.body.contains("Amina"), "twins are kept apart");
    assert!(
        !r.body.contains("1975"),
        "a namesake born another year is not listed"
    );
    // The listing is recorded as seen, naming both persons.
    let listed = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'duplicates_listed' \
             AND person_id IN ({}, {})",
            a.person_id, b.person_id
        ))
        .await;
    assert_eq!(listed, 2);

    // The team lead of the IM's team sees the pair too.
    let mut lead = t.login("awo.leitung").await;
    lead.get("/duplicates")
        .await
        .assert_contains(&format!("href=\"{}\"", path(&a, &b)));
    // The other provider's IM sees no pair (one person of that name there).
    let mut caritas = t.login("caritas.im").await;
    let r = caritas.get("/duplicates").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Keine möglichen Doppelungen");
}

#[tokio::test]
async fn a_merge_keeps_the_history_of_both_and_the_absorbed_id_resolves_to_the_survivor() {
    let t = TestApp::new().await;
    let (a, b) = pair(&t, "awo.im1").await;
    let consent = give_consent(&t, "awo.im1", b.person_id).await;
    // B came from an imported file.
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO exchange_ids (kind, external_id, local_id, digest, imported_at) \
             VALUES ('person', 'P-B-17', '{}', 'x', '2026-01-01 00:00:00+00:00')",
            b.person_id
        ))
        .await
        .unwrap();
    let persons = t.count("persons").await;

    let mut im = t.login("awo.im1").await;
    let r = im.get(&path(&a, &b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Mohammad Ahmadi");
    r.assert_contains("P-B-17");
    let (va, vb) = (
        version(&t, a.person_id).await,
        version(&t, b.person_id).await,
    );
    let keep = a.person_id.to_string();
    let r = im
        .post(
            &format!("{}/merge", path(&a, &b)),
            &[("keep", &keep), ("version_a", &va), ("version_b", &vb)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/clients/{}", a.person_id));

    // One person less; everything of B is A's now.
    assert_eq!(t.count("persons").await, persons - 1);
    let n = |sql: String| {
        let t = &t;
        async move { t.scalar(&sql).await }
    };
    assert_eq!(
        n(format!(
            "SELECT person_id AS n FROM consents WHERE id = {consent}"
        ))
        .await,
        a.person_id
    );
    assert_eq!(
        n(format!(
            "SELECT person_id AS n FROM case_persons WHERE case_id = {}",
            b.case_id
        ))
        .await,
        a.person_id,
        "B's case is the survivor's"
    );
    assert_eq!(
        n(
            "SELECT CAST(local_id AS BIGINT) AS n FROM exchange_ids WHERE external_id = 'P-B-17'"
                .to_string()
        )
        .await,
        a.person_id
    );
    // The merge record: who, which survived, which was absorbed.
    assert_eq!(
        n(format!(
            "SELECT COUNT(*) AS n FROM person_merges WHERE survivor_person_id = {} \
             AND absorbed_person_id = {} AND merged_by = {}",
            a.person_id,
            b.person_id,
            t.id("awo.im1")
        ))
        .await,
        1
    );
    // Audited naming both persons.
    for p in [a.person_id, b.person_id] {
        assert_eq!(
            n(format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'persons_merged' \
                 AND person_id = {p} AND outcome = 'allowed'"
            ))
            .await,
            1
        );
    }
    // The absorbed id leads to the survivor, whose record took the Arabic spelling.
    let r = im.get(&format!("/clients/{}", b.person_id)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/clients/{}", a.person_id));
    let r = im.get(&format!("/clients/{}", a.person_id)).await;
    r.assert_contains("محمد احمدی");
    // The pair is gone from the list.
    im.get("/duplicates")
        .await
        .assert_contains("Keine möglichen Doppelungen");
}

#[tokio::test]
async fn not_the_same_is_stored_and_the_pair_never_shown_again() {
    let t = TestApp::new().await;
    let (a, b) = pair(&t, "awo.im1").await;
    let mut im = t.login("awo.im1").await;
    im.get(&path(&a, &b)).await;
    let r = im.post(&format!("{}/not-same", path(&a, &b)), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("duplicate_decisions").await, 1);
    assert!(t.count("persons").await >= 2);
    im.get("/duplicates")
        .await
        .assert_contains("Keine möglichen Doppelungen");
    assert!(
        t.audit_has("duplicates_not_same", "allowed", Some(t.id("awo.im1")))
            .await
    );
    // Asked again: still one decision.
    im.get(&path(&a, &b)).await;
    im.post(&format!("{}/not-same", path(&a, &b)), &[]).await;
    assert_eq!(t.count("duplicate_decisions").await, 1);
}

/// A colleague outside the team, an administrator, the other provider's IM and a moved IM can
/// neither see nor merge the pair; each refusal answers like a missing record and is audited.
#[tokio::test]
async fn outsiders_cannot_see_or_merge_a_pair() {
    let t = TestApp::new().await;
    let (a, b) = pair(&t, "awo.im1").await;
    let (va, vb) = (
        version(&t, a.person_id).await,
        version(&t, b.person_id).await,
    );
    let keep = a.person_id.to_string();
    let persons = t.count("persons").await;
    for user in ["awo.im2", "caritas.im", "caritas.leitung"] {
        let mut c = t.login(user).await;
        let r = c.get(&path(&a, &b)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} reads the pair");
        assert!(!r.body.contains("Ahmadi"));
        let r = c
            .post(
                &format!("{}/merge", path(&a, &b)),
                &[("keep", &keep), ("version_a", &va), ("version_b", &vb)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} merges");
        let r = c.post(&format!("{}/not-same", path(&a, &b)), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} decides");
        let list = c.get("/duplicates").await;
        assert!(!list.body.contains("Ahmadi"), "{user} lists the pair");
        assert!(
            t.audit_has("persons_merged", "denied", Some(t.id(user)))
                .await,
            "{user}'s refusal is audited"
        );
    }
    // The administrator has no such page at all.
    let mut admin = t.login("awo.admin").await;
    assert_eq!(admin.get("/duplicates").await.status, StatusCode::FORBIDDEN);
    let r = admin
        .post(
            &format!("{}/merge", path(&a, &b)),
            &[("keep", &keep), ("version_a", &va), ("version_b", &vb)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The IM moves to another provider: the pair is out of reach.
    let mut im = t.login("awo.im1").await;
    t.move_to("awo.im1", "Caritas").await;
    let r = im.get(&path(&a, &b)).await;
    assert_ne!(r.status, StatusCode::OK);
    let mut moved = t.login("awo.im1").await;
    assert_eq!(moved.get(&path(&a, &b)).await.status, StatusCode::NOT_FOUND);
    let r = moved
        .post(
            &format!("{}/merge", path(&a, &b)),
            &[("keep", &keep), ("version_a", &va), ("version_b", &vb)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.count("persons").await, persons, "nothing merged");
    assert_eq!(t.count("person_merges").await, 0);
    assert_eq!(t.count("duplicate_decisions").await, 0);
}

#[tokio::test]
async fn bad_input_is_refused_without_a_change() {
    let t = TestApp::new().await;
    let (a, b) = pair(&t, "awo.im1").await;
    let mut im = t.login("awo.im1").await;
    im.get(&path(&a, &b)).await;
    let (va, vb) = (
        version(&t, a.person_id).await,
        version(&t, b.person_id).await,
    );
    let keep = a.person_id.to_string();
    let merge = format!("{}/merge", path(&a, &b));

    // A stale version: a conflict, the page shown again with the record as it is now.
    let stale = (va.parse::<i32>().unwrap() - 1).to_string();
    let r = im
        .post(
            &merge,
            &[("keep", &keep), ("version_a", &stale), ("version_b", &vb)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("form-merge");
    r.assert_contains(&format!("name=\"version_a\" value=\"{va}\""));
    // No choice, or a choice outside the pair.
    for k in ["", "abc", "999999"] {
        let r = im
            .post(
                &merge,
                &[("keep", k), ("version_a", &va), ("version_b", &vb)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "keep={k:?}");
        r.assert_contains("Bitte wählen Sie");
    }
    // A missing version.
    let r = im.post(&merge, &[("keep", &keep)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same id twice, an unknown id, a malformed id: 404, never 500.
    let same = format!("/duplicates/{0}/{0}", a.person_id);
    assert_eq!(im.get(&same).await.status, StatusCode::NOT_FOUND);
    let r = im
        .post(
            &format!("{same}/merge"),
            &[("keep", &keep), ("version_a", &va), ("version_b", &va)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        im.post(&format!("{same}/not-same"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let unknown = format!("/duplicates/{}/987654", a.person_id);
    assert_eq!(im.get(&unknown).await.status, StatusCode::NOT_FOUND);
    let r = im
        .post(
            &format!("{unknown}/merge"),
            &[("keep", &keep), ("version_a", &va), ("version_b", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        im.get("/duplicates/abc/1").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.count("person_merges").await, 0);
    assert_eq!(t.count("duplicate_decisions").await, 0);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM persons WHERE id IN ({}, {})",
            a.person_id, b.person_id
        ))
        .await,
        2
    );
}

/// Every column of the schema that names a person is handled by the merge (a table added later
/// with a person column fails here until the merge knows it).
#[tokio::test]
async fn every_person_column_is_handled_by_the_merge() {
    let t = TestApp::new().await;
    let conn = t.db.reader();
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c \
             WHERE c.table_schema = current_schema() AND c.column_name LIKE '%person%' \
             UNION SELECT kcu.table_name, kcu.column_name \
             FROM information_schema.referential_constraints rc \
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name \
             AND kcu.constraint_schema = rc.constraint_schema \
             JOIN information_schema.constraint_column_usage ccu \
             ON ccu.constraint_name = rc.unique_constraint_name \
             AND ccu.constraint_schema = rc.unique_constraint_schema \
             WHERE kcu.table_schema = current_schema() AND ccu.table_name = 'persons'"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name LIKE '%person%' \
             UNION SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'persons'"
        }
    };
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql.to_string()))
        .await
        .unwrap();
    let mut found: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "t").unwrap(),
                r.try_get::<String>("", "c").unwrap(),
            )
        })
        .filter(|(t, _)| t != "persons")
        .collect();
    found.sort();
    found.dedup();
    let mut handled: Vec<(String, String)> = PERSON_COLUMNS
        .iter()
        .map(|(t, c, _)| (t.to_string(), c.to_string()))
        .collect();
    handled.sort();
    assert_eq!(
        found, handled,
        "a table with a person column is not handled by the merge (casework::duplicates)"
    );
}

// The stored matcher keys (`person_match_keys`): the check at registration reads only the persons
// sharing a key with the new record, so every writer must keep them.

/// The persons the registration check hints at when `im` registers this record (the check's
/// transaction is rolled back).
async fn hinted(t: &TestApp, im: &str, given: &str, family: &str, birth: &str) -> Vec<i64> {
    let ctx = t.ctx_of(im).await;
    hinted_as(t, &ctx, given, family, birth).await
}

async fn hinted_as(t: &TestApp, ctx: &Ctx, given: &str, family: &str, birth: &str) -> Vec<i64> {
    let form = MinimumForm {
        given_name: given.into(),
        family_name: family.into(),
        name_original: String::new(),
        birth: birth.into(),
        municipality: ctx.actor.municipalities[0].clone(),
        au_move_in: String::new(),
        target_group: "follow_up_housing".into(),
    };
    let m = MinimumInput::parse(&form, ctx.today()).unwrap();
    let tx = t.db.begin().await.unwrap();
    let hints = possible_duplicates(&tx, ctx, &m).await.unwrap();
    drop(tx);
    // Only hints the actor may open carry the id; these tests' actors hold the cases. A person
    // with two cases is hinted at once per case.
    let mut ids: Vec<i64> = hints.iter().filter_map(|h| h.person_id).collect();
    ids.dedup();
    ids
}

/// The keys stored for a person, and the keys the matcher computes from the person's row now.
async fn stored_and_computed(
    t: &TestApp,
    person_id: i64,
) -> (Vec<(String, i32)>, Vec<(String, i32)>) {
    let conn = t.db.reader();
    let mut stored: Vec<(String, i32)> = person_match_key::Entity::find()
        .filter(person_match_key::Column::PersonId.eq(person_id))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.match_key, k.birth_year))
        .collect();
    stored.sort();
    let computed = match person::Entity::find_by_id(person_id)
        .one(conn)
        .await
        .unwrap()
    {
        None => Vec::new(),
        Some(p) => {
            let k = matching::keys(&matching::Record {
                given: &p.given_name,
                family: &p.family_name,
                original: p.name_original.as_deref(),
                birth_date: p.birth_date,
                birth_year: p.birth_year,
            });
            k.keys.into_iter().map(|s| (s, k.birth_year)).collect()
        }
    };
    (stored, computed)
}

async fn assert_keys_current(t: &TestApp, person_id: i64) {
    let (stored, computed) = stored_and_computed(t, person_id).await;
    assert_eq!(stored, computed, "the stored keys of person {person_id}");
}

#[tokio::test]
async fn the_check_finds_other_script_swapped_and_year_only_records_by_the_stored_keys() {
    let t = TestApp::new().await;
    let a = register_named(&t, "awo.im1", "Mohammad", "Ahmadi", None, "12.05.1990").await;
    let (stored, _) = stored_and_computed(&t, a.person_id).await;
    assert!(!stored.is_empty());
    assert_keys_current(&t, a.person_id).await;
    let me = vec![a.person_id];
    // Another script with the year only, given and family name swapped, another spelling a year off.
    assert_eq!(hinted(&t, "awo.im1", "محمد", "احمدی", "1990").await, me);
    assert_eq!(
        hinted(&t, "awo.im1", "Ahmadi", "Mohammad", "12.05.1990").await,
        me
    );
    assert_eq!(
        hinted(&t, "awo.im1", "Muhammad", "Ahmady", "1991").await,
        me
    );
    // A twin, a namesake born on another day, and another organisation: no hint.
    assert!(
        hinted(&t, "awo.im1", "Amina", "Ahmadi", "12.05.1990")
            .await
            .is_empty()
    );
    assert!(
        hinted(&t, "awo.im1", "Mohammad", "Ahmadi", "17.09.1990")
            .await
            .is_empty()
    );
    let ctx = t.ctx_of("caritas.im").await;
    let tx = t.db.begin().await.unwrap();
    let form = MinimumForm {
        given_name: "Mohammad".into(),
        family_name: "Ahmadi".into(),
        name_original: String::new(),
        birth: "12.05.1990".into(),
        municipality: ctx.actor.municipalities[0].clone(),
        au_move_in: String::new(),
        target_group: "follow_up_housing".into(),
    };
    let m = MinimumInput::parse(&form, ctx.today()).unwrap();
    assert!(possible_duplicates(&tx, &ctx, &m).await.unwrap().is_empty());
    drop(tx);

    // The check reads the stored keys: without them the person is not found ...
    t.db.writer()
        .execute_unprepared(&format!(
            "DELETE FROM person_match_keys WHERE person_id = {}",
            a.person_id
        ))
        .await
        .unwrap();
    assert!(
        hinted(&t, "awo.im1", "محمد", "احمدی", "1990")
            .await
            .is_empty()
    );
    // ... and the start-up computes them again when they are not of the matcher's version (a
    // database from before the keys, or a matcher whose keys changed).
    let unchanged = keys::refresh(&t.db).await.unwrap();
    assert!(
        !unchanged.ran,
        "the keys are of the current version: nothing to do"
    );
    t.db.writer()
        .execute_unprepared(&format!(
            "DELETE FROM settings WHERE key = '{}'",
            keys::VERSION_SETTING
        ))
        .await
        .unwrap();
    let done = keys::refresh(&t.db).await.unwrap();
    assert!(done.ran);
    assert_eq!(done.persons as i64, t.count("persons").await);
    assert_keys_current(&t, a.person_id).await;
    assert_eq!(hinted(&t, "awo.im1", "محمد", "احمدی", "1990").await, me);
    assert!(
        !keys::refresh(&t.db).await.unwrap().ran,
        "the version is recorded"
    );
}

#[tokio::test]
async fn a_renamed_person_is_found_by_the_new_name_only() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Olena", "Kovalenko", None, "03.04.1985").await;
    assert_eq!(
        hinted(&t, "awo.im1", "Olena", "Kowalenko", "1985").await,
        vec![c.person_id]
    );
    let ctx = t.ctx_of("awo.im1").await;
    let form = MinimumForm {
        given_name: "Iryna".into(),
        family_name: "Bondarenko".into(),
        name_original: String::new(),
        birth: "03.04.1986".into(),
        municipality: ctx.actor.municipalities[0].clone(),
        au_move_in: "2025-03-01".into(),
        target_group: "follow_up_housing".into(),
    };
    let m = MinimumInput::parse(&form, ctx.today()).unwrap();
    clients::update_minimum(&t.db, &ctx, &t.sealer(), c.person_id, 1, m)
        .await
        .unwrap();
    assert_keys_current(&t, c.person_id).await;
    assert!(
        hinted(&t, "awo.im1", "Olena", "Kowalenko", "1985")
            .await
            .is_empty()
    );
    assert_eq!(
        hinted(&t, "awo.im1", "Irina", "Bondarenko", "1986").await,
        vec![c.person_id]
    );
}

#[tokio::test]
async fn a_merged_person_is_found_by_the_keys_of_the_merged_record() {
    let t = TestApp::new().await;
    // The survivor knows the year only; the absorbed record has the date.
    let s = register_named(&t, "awo.im1", "Mohammad", "Karimi", None, "1990").await;
    let x = register_named(&t, "awo.im1", "Mohammad", "Karimi", None, "12.05.1990").await;
    // A typo in the family name and the year off by one: only a record with that day and month
    // shares a key with it ("mhmd @5-12"), so before the merge only the absorbed one is found.
    assert_eq!(
        hinted(&t, "awo.im1", "Mohammad", "Karini", "12.05.1991").await,
        vec![x.person_id]
    );
    let ctx = t.ctx_of("awo.im1").await;
    duplicates::merge(
        &t.db,
        &ctx,
        &t.sealer(),
        MergeInput {
            survivor: s.person_id,
            survivor_version: 1,
            absorbed: x.person_id,
            absorbed_version: 1,
        },
    )
    .await
    .unwrap();
    assert_keys_current(&t, s.person_id).await;
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM person_match_keys WHERE person_id = {}",
            x.person_id
        ))
        .await,
        0,
        "the absorbed person's keys are gone"
    );
    // The survivor took the date, and is found by it.
    assert_eq!(
        hinted(&t, "awo.im1", "Mohammad", "Karini", "12.05.1991").await,
        vec![s.person_id]
    );
}

#[tokio::test]
async fn imported_persons_are_found_by_the_keys_of_the_file_as_last_imported() {
    let t = TestApp::new().await;
    let quiet = |_: exchange::Progress| {};
    let lines = |p1: &str| -> String {
        MINI.lines()
            .map(|l| {
                if l.contains(r#""id": "P1","#) {
                    l.replace(r#""given_name": "a", "family_name": "x""#, p1)
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = lines(r#""given_name": "Yusuf", "family_name": "Haddad""#);
    assert_ne!(first, MINI.trim_end(), "the file names P1 as expected");
    exchange::import_as_operator(
        &t.db,
        t.clock.now(),
        &t.sealer(),
        first.as_bytes(),
        false,
        &quiet,
    )
    .await
    .unwrap();
    let id_of = |kind: &'static str, external: &'static str| {
        let t = &t;
        async move {
            t.scalar(&format!(
                "SELECT CAST(local_id AS BIGINT) AS n FROM exchange_ids \
                 WHERE kind = '{kind}' AND external_id = '{external}'"
            ))
            .await
        }
    };
    let p1 = id_of("person", "P1").await;
    let persons: Vec<i64> = {
        let conn = t.db.reader();
        person::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    assert!(persons.len() >= 12);
    for p in &persons {
        assert_keys_current(&t, *p).await;
    }
    // The IM of P1's case checks a registration of that person.
    let actor = sessions::load_actor(t.db.writer(), id_of("staff", "S1").await)
        .await
        .unwrap()
        .unwrap();
    let ctx = Ctx {
        actor,
        clock: std::sync::Arc::new(t.clock.clone()),
        request_id: None,
    };
    assert_eq!(
        hinted_as(&t, &ctx, "Jussuf", "Hadad", "05.05.1990").await,
        vec![p1]
    );
    // A corrected file renames P1: found by the new name, no longer by the old one.
    let second = lines(r#""given_name": "Olena", "family_name": "Melnyk""#);
    exchange::import_as_operator(
        &t.db,
        t.clock.now(),
        &t.sealer(),
        second.as_bytes(),
        false,
        &quiet,
    )
    .await
    .unwrap();
    assert_keys_current(&t, p1).await;
    assert!(
        hinted_as(&t, &ctx, "Jussuf", "Hadad", "05.05.1990")
            .await
            .is_empty()
    );
    assert_eq!(
        hinted_as(&t, &ctx, "Olena", "Melnik", "1990").await,
        vec![p1]
    );
}
