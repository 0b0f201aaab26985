//! Issue 26, German everywhere and honest print: every page of the demo that a role reaches by
//! following links from its start page shows, in its visible text, no stored code (a field of
//! action's key, a role, an object kind, an audit action) and no English translation status; the
//! printed plan in German and an unreviewed translation carries its notice in German and in the
//! client's language, never in English; a year of birth is labelled as one; the timeline names a
//! goal's field of action and shows the goal's text. On both databases.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use ankommen_core::administration::fields;
use ankommen_core::kernel::audit::{ACTIONS, OBJECT_KINDS};
use axum::http::StatusCode;

use crate::plans::{get_bytes, pdf_text, plan, register, two_goals};
use crate::support::TestApp;

/// One account of every role of the demo (an IM, a team lead who is an IM, a team lead alone,
/// the county's and a provider's administrator, the data-protection officer, the coordinator, a
/// municipal integration officer).
const ACCOUNTS: [&str; 8] = [
    "awo.im1",
    "awo.leitung",
    "caritas.leitung",
    "admin",
    "awo.admin",
    "datenschutz",
    "koordination",
    "talheim.beauftragte",
];

/// Pages visited per account, and per page shape (the path with its numbers left out and the
/// names of its query parameters): enough to see every kind of page, bounded.
const MAX_PAGES: usize = 150;
const PER_SHAPE: usize = 2;

/// Codes that are not German words and must never be shown as they are stored. Left out on
/// purpose: `im` (a German word) and `admin` (the county administrator's user name, which the
/// staff list shows).
const ROLE_KEYS: [&str; 5] = [
    "team_lead",
    "dpo",
    "coordinator",
    "municipal_officer",
    "administrator",
];
/// The English review status of the translation files.
const REVIEW_WORDS: [&str; 4] = ["draft", "machine-drafted", "reviewed", "translator"];

/// Links not to follow: downloads and printouts (not pages), the way out.
fn skipped(href: &str) -> bool {
    [
        "/logout", "/print", "/forms/", "/form?", "download", "/scan", "/export", "/assets/",
        "format=", ".pdf", ".xlsx", ".csv",
    ]
    .iter()
    .any(|s| href.contains(s))
}

/// The same-origin links of a page (without their fragment).
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        let href = href.split('#').next().unwrap_or("").to_string();
        if href.starts_with('/') && !href.starts_with("//") && !skipped(&href) {
            out.push(href);
        }
        rest = &rest[end..];
    }
    out
}

/// A page's shape: its path with every number as `N`, and the names of its query parameters.
fn shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut s = String::new();
    let mut in_number = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                s.push('N');
            }
            in_number = true;
        } else {
            s.push(c);
            in_number = false;
        }
    }
    let names: BTreeSet<&str> = query
        .split('&')
        .filter_map(|p| p.split('=').next())
        .filter(|n| !n.is_empty())
        .collect();
    format!("{s}?{}", names.into_iter().collect::<Vec<_>>().join("&"))
}

/// The text a reader sees: without scripts, styles, comments and tags, entities decoded. A
/// `<code>` element is left out too: it shows a technical identifier as one, on purpose (the
/// administrator's catalogue shows each field's key, a case number, a request id).
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
        ("<code>", "</code>"),
    ] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close) else { break };
            s.replace_range(a..a + b + close.len(), " ");
        }
    }
    let mut text = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The raw codes in a text: whole tokens (letters, digits, `_`, `-` and inner dots, so that a
/// user name such as `awo.admin` is one token), and an object shown as `person #13`.
fn raw_codes(text: &str, keys: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map(|t| t.trim_matches(|c| c == '.' || c == '-'))
        .filter(|t| keys.contains(*t))
        .map(str::to_string)
        .collect();
    for kind in OBJECT_KINDS {
        if text.contains(&format!("{kind} #")) {
            found.insert(format!("{kind} #"));
        }
    }
    found
}

/// A few words around the first place `code` stands in `text`.
fn context(text: &str, code: &str) -> String {
    let at = text.find(code.trim_end_matches(" #")).unwrap_or(0);
    let before: String = text[..at]
        .chars()
        .rev()
        .take(60)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[at..].chars().take(code.chars().count() + 60).collect();
    format!("{before}{after}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every code that must not reach a German page.
async fn codes(t: &TestApp) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = fields::all(t.db.reader())
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.key)
        .collect();
    keys.extend(ROLE_KEYS.iter().map(|k| k.to_string()));
    keys.extend(ACTIONS.iter().map(|k| k.to_string()));
    keys.extend(
        OBJECT_KINDS
            .iter()
            .filter(|k| k.contains('_'))
            .map(|k| k.to_string()),
    );
    keys.extend(REVIEW_WORDS.iter().map(|k| k.to_string()));
    keys.extend(
        ["in_progress", "not_reached", "third_party"]
            .iter()
            .map(|k| k.to_string()),
    );
    keys
}

/// The demo county with its clients, plans, contacts and follow-ups (as `serve --demo` has it).
async fn demo() -> TestApp {
    let t = TestApp::new().await;
    ankommen_core::demo::seed_clients(
        &t.db,
        std::sync::Arc::new(t.clock.clone()),
        &t.sealer(),
        &t.ids,
    )
    .await
    .unwrap();
    t
}

#[tokio::test]
async fn no_page_of_the_demo_shows_a_stored_code() {
    let t = demo().await;
    let keys = codes(&t).await;
    assert!(keys.contains("daily_life") && keys.contains("work") && keys.contains("team_lead"));
    // (account, page, code, where) of every code found.
    let mut found: Vec<(String, String, String, String)> = Vec::new();
    let mut kinds_seen: BTreeSet<String> = BTreeSet::new();
    let mut visited_total = 0;
    for account in ACCOUNTS {
        let mut c = t.login(account).await;
        let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
        let mut visited = 0;
        while let Some(url) = queue.pop_front() {
            if visited >= MAX_PAGES || !seen.insert(url.clone()) {
                continue;
            }
            let n = per_shape.entry(shape(&url)).or_default();
            if *n >= PER_SHAPE {
                continue;
            }
            *n += 1;
            let r = c.get(&url).await;
            visited += 1;
            assert!(
                !r.status.is_server_error(),
                "{account}: {url} answers {}",
                r.status
            );
            if r.status.is_redirection() {
                queue.push_back(r.location().to_string());
                continue;
            }
            if !r.header("content-type").starts_with("text/html") {
                continue;
            }
            kinds_seen.insert(shape(&url));
            let text = visible_text(&r.body);
            for code in raw_codes(&text, &keys) {
                let at = context(&text, &code);
                found.push((account.to_string(), url.clone(), code, at));
            }
            for l in links(&r.body) {
                if !seen.contains(&l) {
                    queue.push_back(l);
                }
            }
        }
        assert!(visited > 3, "{account} reached only {visited} pages");
        visited_total += visited;
    }
    // The crawl reached the pages the issue names.
    for page in [
        "/cases/N/timeline?",
        "/audit?",
        "/cases/N?",
        "/cases/N/plan?",
    ] {
        assert!(
            kinds_seen.contains(page),
            "{page} not reached ({visited_total} pages): {kinds_seen:?}"
        );
    }
    assert!(
        found.is_empty(),
        "{} codes on German pages:\n{}",
        found.len(),
        found
            .iter()
            .take(60)
            .map(|(a, u, c, w)| format!("{a} {u}: `{c}` in …{w}…"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_code_finder_matches_whole_tokens_only() {
    let keys: BTreeSet<String> = ["work", "team_lead", "daily_life", "draft"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = visible_text(
        "<p>Arbeit – Homework, <b>work</b></p><script>var work=1;</script>\
         <span>im,team_lead</span> <a href=\"/x?work\">Alltag</a> person #13 draft.",
    );
    let found = raw_codes(&text, &keys);
    assert_eq!(
        found,
        ["draft", "person #", "team_lead", "work"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    assert!(raw_codes("Alltag/Mobilität, Teamleitung, awo.admin", &keys).is_empty());
    assert_eq!(
        shape("/cases/12/timeline?page=2&show=contact"),
        "/cases/N/timeline?page&show"
    );
}

#[tokio::test]
async fn the_timeline_and_the_audit_log_show_words_not_codes() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    two_goals(&t, &mut im, &p).await;
    // The timeline names the field of action of each goal and step.
    let r = im.get(&format!("/cases/{}/timeline", p.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = visible_text(&r.body);
    assert!(text.contains("Ziel hinzugefügt"), "{text}");
    assert!(text.contains("Sprache"), "{text}");
    assert!(text.contains("Wohnen"), "{text}");
    // ... and the goal in the client's words, for the goal's and its steps' entries.
    assert_eq!(
        text.matches("Ich will Deutsch B1 schaffen").count(),
        3,
        "{text}"
    );
    assert_eq!(
        text.matches("Eine eigene Wohnung finden").count(),
        2,
        "{text}"
    );
    let words: BTreeSet<&str> = text.split_whitespace().collect();
    assert!(
        !words.contains("language") && !words.contains("housing"),
        "{text}"
    );

    // The audit log labels the actor's roles and the object: no `im,team_lead`, no `person #`.
    let mut lead = t.login("awo.leitung").await;
    lead.get(&format!("/cases/{}", p.case_id)).await;
    let mut admin = t.login("awo.admin").await;
    let r = admin.get("/audit").await;
    assert_eq!(r.status, StatusCode::OK);
    let text = visible_text(&r.body);
    assert!(
        text.contains("Integrationsmanagement, Teamleitung"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Person Nr. {}", p.person_id)),
        "{text}"
    );
    assert!(text.contains(&format!("Fall Nr. {}", p.case_id)), "{text}");
    assert!(
        !text.contains("team_lead") && !text.contains(" #"),
        "{text}"
    );
    // The object kind is chosen from labelled kinds.
    r.assert_contains("<option value=\"person\">Person</option>");
    let r = admin.get("/audit?object_kind=person").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("<option value=\"person\" selected>Person</option>");
}

#[tokio::test]
async fn a_year_of_birth_is_labelled_as_one_on_screen() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let r = im.get(&format!("/clients/{}", p.person_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("<dt>Geburtsjahr</dt><dd>1990");
    assert!(!r.body.contains("<dt>Geburtsdatum"));
}

#[tokio::test]
async fn the_printed_plan_says_in_the_readers_languages_that_its_translation_is_unreviewed() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    two_goals(&t, &mut im, &p).await;

    // The chooser warns of an unreviewed translation beside each language's name.
    let r = im.get(&plan(&p)).await;
    r.assert_contains("العربية – Übersetzung nicht geprüft");
    r.assert_contains("ትግርኛ – Übersetzung nicht geprüft");
    assert!(!r.body.contains("Deutsch – Übersetzung"));

    let english = [
        "draft",
        "machine-drafted",
        "needs review",
        "certified translator",
        "translation",
        "German text",
    ];
    let german_notice = "Verbindlich ist der deutsche Text.";
    for (lang, own_notice) in [
        ("ar", Some("الألماني")),
        // Tigrinya has no notice of its own: the German one stands alone.
        ("ti", None),
        ("de", None),
    ] {
        let (status, _, body) =
            get_bytes(&t, &im, &format!("{}/print?lang={lang}", plan(&p))).await;
        assert_eq!(status, StatusCode::OK, "{lang}");
        let txt = pdf_text(&body);
        let flat = txt.split_whitespace().collect::<Vec<_>>().join(" ");
        for e in english {
            assert!(!flat.contains(e), "{lang}: English {e:?} printed:\n{txt}");
        }
        // Only the year of birth is known.
        assert!(flat.contains("Geburtsjahr"), "{lang}: {txt}");
        assert!(!flat.contains("Geburtsdatum"), "{lang}: {txt}");
        if lang == "de" {
            // German alone is the source text: no notice.
            assert!(!flat.contains(german_notice), "{txt}");
            continue;
        }
        assert!(flat.contains(german_notice), "{lang}: {txt}");
        if let Some(n) = own_notice {
            assert!(txt.contains(n), "{lang}: {txt}");
        }
    }
    // English, chosen as the client's language, is read by the client: its notice is English.
    let (_, _, body) = get_bytes(&t, &im, &format!("{}/print?lang=en", plan(&p))).await;
    let flat = pdf_text(&body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("The German text is binding."), "{flat}");
    assert!(!flat.contains("machine-drafted"), "{flat}");
}
