//! Turns form data into the JSON the template reads, runs typst and exports a deterministic PDF.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Dict, Smart, Value};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::translations::{self, REVIEWED, Translation};
use crate::world::FormWorld;
use crate::{
    ACCESS_FIELDS, ACCESS_SECTIONS, AccessEvent, AccessLine, AccessReport, AccessSection,
    AppointmentLetter, BRING_ITEMS, CONSENT_TEXT_VERSION, ConsentForm, DATA_CATEGORIES, Dir,
    DocumentError, PLACE_KINDS, PlanForm, ReferralLetter, ReleaseForm, VolunteerSheet,
};

/// How many compilations the typst memoisation cache keeps entries for: enough to make repeated
/// renders cheap, small enough that a long-running server does not grow without bound.
const CACHE_GENERATIONS: usize = 10;

/// Everything the template reads, serialised to JSON and passed as `sys.inputs.data`.
#[derive(Serialize)]
struct Data<'a> {
    kind: &'static str,
    title: &'a str,
    header_note: String,
    footer_note: String,
    /// The translation beside German is not reviewed: the document says so, in German and (where
    /// the translation has the notice) in the client's language.
    unreviewed: bool,
    date: Ymd,
    columns: Vec<Column<'a>>,
    form: FormData<'a>,
    categories: Vec<&'static str>,
}

/// What every template but the consent and release forms reads (`sys.inputs.data`): the envelope
/// the documents share (see `common.typ`) and the document's own `form`.
#[derive(Serialize)]
struct Doc<'a, F> {
    kind: &'static str,
    title: &'a str,
    header_note: String,
    footer_note: String,
    /// The translation beside German is not reviewed: the document says so, in German and (where
    /// the translation has the notice) in the client's language.
    unreviewed: bool,
    date: Ymd,
    columns: Vec<Column<'a>>,
    form: F,
}

#[derive(Serialize)]
struct Ymd {
    year: i32,
    month: u32,
    day: u32,
}

/// One language column: its texts and how to set them.
#[derive(Serialize)]
struct Column<'a> {
    lang: &'a str,
    dir: Dir,
    fonts: [&'static str; 3],
    /// Font size in pt.
    size: f64,
    /// Line spacing in em.
    leading: f64,
    t: &'a Translation,
}

#[derive(Serialize, Default)]
struct FormData<'a> {
    client_name: &'a str,
    client_name_original: Option<&'a str>,
    birth: &'a str,
    /// Only the year of birth is known: labelled "Geburtsjahr", not "Geburtsdatum".
    birth_year_only: bool,
    organisation: &'a str,
    im_name: &'a str,
    municipality: Option<&'a str>,
    place_date: String,
    recipient: Option<&'a str>,
    purpose: Option<&'a str>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    mutual: bool,
}

pub(crate) fn consent(lang: &str, form: &ConsentForm) -> Result<Vec<u8>, DocumentError> {
    render(&consent_data(lang, form)?, form.date).map(|(pdf, _warnings)| pdf)
}

pub(crate) fn release(lang: &str, form: &ReleaseForm) -> Result<Vec<u8>, DocumentError> {
    render(&release_data(lang, form)?, form.date).map(|(pdf, _warnings)| pdf)
}

fn consent_data<'a>(lang: &str, form: &'a ConsentForm) -> Result<Data<'a>, DocumentError> {
    let columns = columns(lang)?;
    if form.text_version != CONSENT_TEXT_VERSION {
        return Err(DocumentError::Invalid(format!(
            "consent text version {:?} cannot be printed, only {CONSENT_TEXT_VERSION:?}",
            form.text_version
        )));
    }
    let de = columns[0].t;
    let data = Data {
        kind: "consent",
        title: &de.consent.title,
        header_note: format!("Einwilligung · Textfassung {CONSENT_TEXT_VERSION}"),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(form.date),
        form: FormData {
            client_name: &form.client.name,
            client_name_original: original_name(&form.client.name_original),
            birth: &form.client.birth,
            birth_year_only: year_only(&form.client.birth),
            organisation: &form.organisation,
            im_name: &form.im_name,
            municipality: Some(&form.municipality),
            place_date: format!("{}, {}", form.municipality, german_date(form.date)),
            ..FormData::default()
        },
        columns,
        categories: Vec::new(),
    };
    Ok(data)
}

fn release_data<'a>(lang: &str, form: &'a ReleaseForm) -> Result<Data<'a>, DocumentError> {
    let columns = columns(lang)?;
    let categories = categories(&form.data_categories)?;
    if form
        .valid_until
        .is_some_and(|until| until < form.valid_from)
    {
        return Err(DocumentError::Invalid(
            "the release ends before it starts".to_owned(),
        ));
    }
    let de = columns[0].t;
    let data = Data {
        kind: "release",
        title: &de.release.title,
        header_note: format!("Schweigepflichtentbindung · Textfassung {CONSENT_TEXT_VERSION}"),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(form.date),
        form: FormData {
            client_name: &form.client.name,
            client_name_original: original_name(&form.client.name_original),
            birth: &form.client.birth,
            birth_year_only: year_only(&form.client.birth),
            organisation: &form.organisation,
            im_name: &form.im_name,
            // The release has no place: it is written by hand next to the printed date.
            place_date: german_date(form.date),
            recipient: Some(&form.recipient),
            purpose: Some(&form.purpose),
            valid_from: Some(german_date(form.valid_from)),
            valid_until: form.valid_until.map(german_date),
            mutual: form.mutual,
            ..FormData::default()
        },
        columns,
        categories,
    };
    Ok(data)
}

/// The German column and, unless `lang` is German, the column in `lang`.
fn columns(lang: &str) -> Result<Vec<Column<'static>>, DocumentError> {
    let german = translations::get("de")
        .map_err(DocumentError::Render)?
        .ok_or_else(|| DocumentError::Render("German texts missing".to_owned()))?;
    let (code, other) = translations::all()
        .map_err(DocumentError::Render)?
        .iter()
        .find(|(code, _)| *code == lang)
        .ok_or(DocumentError::UnsupportedLanguage)?;
    let mut columns = vec![column("de", german, lang == "de")];
    if *code != "de" {
        columns.push(column(code, other, false));
    }
    Ok(columns)
}

fn column(code: &'static str, t: &'static Translation, alone: bool) -> Column<'static> {
    // Naskh has a small x-height next to Noto Sans and needs room for its marks; Ethiopic syllables
    // are dense. The font listed first also supplies spaces, digits and punctuation for the column.
    let (fonts, size, leading) = match code {
        "ar" | "fa" => (
            ["Noto Naskh Arabic", "Noto Sans", "Noto Sans Ethiopic"],
            9.5,
            0.45,
        ),
        "ti" => (
            ["Noto Sans", "Noto Sans Ethiopic", "Noto Naskh Arabic"],
            8.5,
            0.75,
        ),
        _ => (
            ["Noto Sans", "Noto Naskh Arabic", "Noto Sans Ethiopic"],
            8.5,
            0.62,
        ),
    };
    Column {
        lang: code,
        dir: t.dir,
        fonts,
        size: if alone { 9.5 } else { size },
        leading,
        t,
    }
}

/// The office note at the foot of each page: the languages, each named in itself. The review
/// status is not printed here (it is a note for translators, in English): an unreviewed
/// translation carries [`unreviewed`]'s notice in the reader's languages instead.
fn footer_note(columns: &[Column<'_>]) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.t.language_name.as_str()).collect();
    format!("Sprachen: {}", names.join(" | "))
}

/// Whether the translation beside German is not reviewed (German alone is the source text).
fn unreviewed(columns: &[Column<'_>]) -> bool {
    columns[1..].iter().any(|c| c.t.review_status != REVIEWED)
}

/// Whether a formatted birth is only a year (`"1990"`, not `"12.03.1990"`).
fn year_only(birth: &str) -> bool {
    birth.len() == 4 && birth.bytes().all(|b| b.is_ascii_digit())
}

/// The requested categories, known keys only, each once, in the canonical order.
fn categories(keys: &[String]) -> Result<Vec<&'static str>, DocumentError> {
    if let Some(unknown) = keys.iter().find(|k| !DATA_CATEGORIES.contains(&k.as_str())) {
        return Err(DocumentError::Invalid(format!(
            "unknown data category {unknown:?}"
        )));
    }
    let selected: Vec<&'static str> = DATA_CATEGORIES
        .into_iter()
        .filter(|key| keys.iter().any(|k| k == key))
        .collect();
    if selected.is_empty() {
        return Err(DocumentError::Invalid(
            "a release must name at least one data category".to_owned(),
        ));
    }
    Ok(selected)
}

fn original_name(name: &Option<String>) -> Option<&str> {
    name.as_deref().map(str::trim).filter(|n| !n.is_empty())
}

fn german_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

fn ymd(date: NaiveDate) -> Ymd {
    Ymd {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    }
}

fn typst_date(date: NaiveDate) -> Result<Datetime, DocumentError> {
    let month = u8::try_from(date.month()).ok();
    let day = u8::try_from(date.day()).ok();
    month
        .zip(day)
        .and_then(|(m, d)| Datetime::from_ymd_hms(date.year(), m, d, 0, 0, 0))
        .ok_or_else(|| DocumentError::Invalid("date out of range".to_owned()))
}

/// Everything the plan template reads (`sys.inputs.data`).
type PlanData<'a> = Doc<'a, PlanFormData<'a>>;

#[derive(Serialize)]
struct PlanFormData<'a> {
    client_name: &'a str,
    client_name_original: Option<&'a str>,
    birth: &'a str,
    /// Only the year of birth is known: labelled "Geburtsjahr", not "Geburtsdatum".
    birth_year_only: bool,
    members: Option<String>,
    organisation: &'a str,
    im_name: &'a str,
    case_number: &'a str,
    /// "2 (21.11.2026)"; None: the current plan.
    version: Option<String>,
    review_on: Option<String>,
    next_review: Option<String>,
    place_date: String,
    goals: Vec<PlanGoalData<'a>>,
}

#[derive(Serialize)]
struct PlanGoalData<'a> {
    field: &'a str,
    field_label_de: &'a str,
    person: Option<&'a str>,
    text: &'a str,
    priority: Option<i32>,
    target_date: Option<String>,
    status: &'a str,
    status_reason: Option<&'a str>,
    steps: Vec<PlanStepData<'a>>,
}

#[derive(Serialize)]
struct PlanStepData<'a> {
    text: &'a str,
    owner: &'a str,
    third_party: Option<&'a str>,
    due_on: Option<String>,
    done_on: Option<String>,
}

const GOAL_STATUSES: [&str; 5] = ["open", "in_progress", "reached", "not_reached", "dropped"];
const STEP_OWNERS: [&str; 3] = ["client", "im", "third_party"];

pub(crate) fn plan(lang: &str, form: &PlanForm) -> Result<Vec<u8>, DocumentError> {
    pdf(
        ("plan.typ", crate::world::PLAN_TEMPLATE),
        &plan_data(lang, form)?,
        form.date,
    )
}

fn plan_data<'a>(lang: &str, form: &'a PlanForm) -> Result<PlanData<'a>, DocumentError> {
    let columns = columns(lang)?;
    let mut goals = Vec::new();
    for g in &form.goals {
        if !GOAL_STATUSES.contains(&g.status.as_str()) {
            return Err(DocumentError::Invalid(format!(
                "unknown goal status {:?}",
                g.status
            )));
        }
        if g.priority.is_some_and(|p| !(1..=3).contains(&p)) {
            return Err(DocumentError::Invalid("priority out of range".to_owned()));
        }
        let mut steps = Vec::new();
        for s in &g.steps {
            if !STEP_OWNERS.contains(&s.owner.as_str()) {
                return Err(DocumentError::Invalid(format!(
                    "unknown step owner {:?}",
                    s.owner
                )));
            }
            steps.push(PlanStepData {
                text: &s.text,
                owner: &s.owner,
                third_party: original_name(&s.third_party),
                due_on: s.due_on.map(german_date),
                done_on: s.done_on.map(german_date),
            });
        }
        goals.push(PlanGoalData {
            field: &g.field,
            field_label_de: &g.field_label_de,
            person: original_name(&g.person),
            text: &g.text,
            priority: g.priority,
            target_date: g.target_date.map(german_date),
            status: &g.status,
            status_reason: original_name(&g.status_reason),
            steps,
        });
    }
    let de = columns[0].t;
    let members: Vec<&str> = form.members.iter().map(String::as_str).collect();
    Ok(PlanData {
        kind: "plan",
        title: &de.plan.title,
        header_note: match form.version {
            Some(n) => format!("Integrationsplan · Fassung {n}"),
            None => "Integrationsplan · aktueller Stand".to_owned(),
        },
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(form.date),
        form: PlanFormData {
            client_name: &form.client.name,
            client_name_original: original_name(&form.client.name_original),
            birth: &form.client.birth,
            birth_year_only: year_only(&form.client.birth),
            members: (!members.is_empty()).then(|| members.join(", ")),
            organisation: &form.organisation,
            im_name: &form.im_name,
            case_number: &form.case_number,
            version: form.version.map(|n| match form.frozen_on {
                Some(d) => format!("{n} ({})", german_date(d)),
                None => n.to_string(),
            }),
            review_on: form.review_on.map(german_date),
            next_review: form.next_review.map(german_date),
            place_date: format!("{}, {}", form.municipality, german_date(form.date)),
            goals,
        },
        columns,
    })
}

/// Everything the Art. 15 template reads (`sys.inputs.data`).
type AccessData<'a> = Doc<'a, AccessFormData<'a>>;

#[derive(Serialize)]
struct AccessFormData<'a> {
    client_name: &'a str,
    client_name_original: Option<&'a str>,
    birth: &'a str,
    /// Only the year of birth is known: labelled "Geburtsjahr", not "Geburtsdatum".
    birth_year_only: bool,
    organisation: &'a str,
    organisations: &'a str,
    officer: &'a str,
    made_on: String,
    record: &'a [(String, String)],
    sections: &'a [AccessSection],
    purposes: &'a [String],
    recipients: &'a [AccessLine],
    accesses: &'a [AccessEvent],
}

pub(crate) fn access(lang: &str, r: &AccessReport) -> Result<Vec<u8>, DocumentError> {
    pdf(
        ("access.typ", crate::world::ACCESS_TEMPLATE),
        &access_data(lang, r)?,
        r.date,
    )
}

fn access_data<'a>(lang: &str, r: &'a AccessReport) -> Result<AccessData<'a>, DocumentError> {
    let columns = columns(lang)?;
    if let Some(s) = r
        .sections
        .iter()
        .find(|s| !ACCESS_SECTIONS.contains(&s.key))
    {
        return Err(DocumentError::Invalid(format!(
            "unknown report section {:?}",
            s.key
        )));
    }
    let de = columns[0].t;
    Ok(AccessData {
        kind: "access",
        title: &de.access.title,
        header_note: "Auskunft nach Art. 15 DSGVO".to_owned(),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(r.date),
        form: AccessFormData {
            client_name: &r.client.name,
            client_name_original: original_name(&r.client.name_original),
            birth: &r.client.birth,
            birth_year_only: year_only(&r.client.birth),
            organisation: &r.organisations,
            organisations: &r.organisations,
            officer: &r.officer,
            made_on: german_date(r.date),
            record: &r.record,
            sections: &r.sections,
            purposes: &r.purposes,
            recipients: &r.recipients,
            accesses: &r.accesses,
        },
        columns,
    })
}

/// Everything the referral letter's template reads (`sys.inputs.data`).
type LetterData<'a> = Doc<'a, LetterFormData<'a>>;

#[derive(Serialize)]
struct LetterFormData<'a> {
    organisation: &'a str,
    im_name: &'a str,
    im_email: Option<&'a str>,
    service: &'a str,
    address: Option<&'a str>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    opening_hours: Option<&'a str>,
    referred_on: String,
    /// Key and German name of the field of action.
    field: Option<FieldData<'a>>,
    bring: Vec<&'static str>,
    bring_other: Option<&'a str>,
    released: Option<ReleasedData<'a>>,
    place_date: String,
}

#[derive(Serialize)]
struct FieldData<'a> {
    field: &'a str,
    field_label_de: &'a str,
}

/// The person on a part of a document that only a release puts there: nothing when the release
/// does not cover their identity.
#[derive(Serialize)]
struct ReleasedParty<'a> {
    client_name: Option<&'a str>,
    client_name_original: Option<&'a str>,
    birth: Option<&'a str>,
    birth_year_only: bool,
}

fn released_party(client: Option<&crate::Party>) -> ReleasedParty<'_> {
    ReleasedParty {
        client_name: client.map(|c| c.name.as_str()),
        client_name_original: client.and_then(|c| original_name(&c.name_original)),
        birth: client.map(|c| c.birth.as_str()),
        birth_year_only: client.is_some_and(|c| year_only(&c.birth)),
    }
}

#[derive(Serialize)]
struct ReleasedData<'a> {
    #[serde(flatten)]
    client: ReleasedParty<'a>,
    categories: Vec<&'static str>,
    valid_from: String,
    summary: Option<&'a str>,
}

pub(crate) fn letter(lang: &str, l: &ReferralLetter) -> Result<Vec<u8>, DocumentError> {
    pdf(
        ("letter.typ", crate::world::LETTER_TEMPLATE),
        &letter_data(lang, l)?,
        l.date,
    )
}

fn letter_data<'a>(lang: &str, l: &'a ReferralLetter) -> Result<LetterData<'a>, DocumentError> {
    let columns = columns(lang)?;
    if let Some(unknown) = l.bring.iter().find(|k| !BRING_ITEMS.contains(&k.as_str())) {
        return Err(DocumentError::Invalid(format!(
            "unknown item to bring {unknown:?}"
        )));
    }
    let bring = BRING_ITEMS
        .into_iter()
        .filter(|key| l.bring.iter().any(|k| k == key))
        .collect();
    let released = match &l.released {
        None => None,
        Some(r) => Some(ReleasedData {
            client: released_party(r.client.as_ref()),
            categories: categories(&r.data_categories)?,
            valid_from: german_date(r.release_valid_from),
            summary: original_name(&r.summary),
        }),
    };
    let de = columns[0].t;
    Ok(LetterData {
        kind: "referral_letter",
        title: &de.referral_letter.title,
        header_note: "Vermittlung".to_owned(),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(l.date),
        form: LetterFormData {
            organisation: &l.organisation,
            im_name: &l.im_name,
            im_email: original_name(&l.im_email),
            service: &l.service.name,
            address: original_name(&l.service.address),
            phone: original_name(&l.service.phone),
            email: original_name(&l.service.email),
            opening_hours: original_name(&l.service.opening_hours),
            referred_on: german_date(l.referred_on),
            field: l.field.as_ref().map(|(key, label)| FieldData {
                field: key,
                field_label_de: label,
            }),
            bring,
            bring_other: original_name(&l.bring_other),
            released,
            place_date: format!("{}, {}", l.municipality, german_date(l.date)),
        },
        columns,
    })
}

/// Everything the appointment letter's template reads (`sys.inputs.data`).
type AppointmentData<'a> = Doc<'a, AppointmentFormData<'a>>;

#[derive(Serialize)]
struct AppointmentFormData<'a> {
    organisation: &'a str,
    im_name: &'a str,
    im_email: Option<&'a str>,
    /// 0 = Monday … 6 = Sunday.
    weekday: u32,
    date: String,
    time: &'a str,
    minutes: String,
    place_kind: &'a str,
    address: Option<&'a str>,
    place_note: Option<&'a str>,
    accessibility: Option<&'a str>,
    /// The German name, with the language's own name where the documents know it.
    interpreter: Option<String>,
    bring: Vec<&'static str>,
    bring_other: Option<&'a str>,
    place_date: String,
}

pub(crate) fn appointment(lang: &str, l: &AppointmentLetter) -> Result<Vec<u8>, DocumentError> {
    pdf(
        ("appointment.typ", crate::world::APPOINTMENT_TEMPLATE),
        &appointment_data(lang, l)?,
        l.date,
    )
}

fn appointment_data<'a>(
    lang: &str,
    l: &'a AppointmentLetter,
) -> Result<AppointmentData<'a>, DocumentError> {
    let columns = columns(lang)?;
    if !PLACE_KINDS.contains(&l.place_kind.as_str()) {
        return Err(DocumentError::Invalid(format!(
            "unknown place {:?}",
            l.place_kind
        )));
    }
    if let Some(unknown) = l.bring.iter().find(|k| !BRING_ITEMS.contains(&k.as_str())) {
        return Err(DocumentError::Invalid(format!(
            "unknown item to bring {unknown:?}"
        )));
    }
    let bring = BRING_ITEMS
        .into_iter()
        .filter(|key| l.bring.iter().any(|k| k == key))
        .collect();
    let interpreter = l.interpreter.as_ref().map(|(code, german)| {
        match crate::languages()
            .into_iter()
            .find(|x| x.code == code.as_str())
        {
            Some(x) if x.code != "de" && x.native_name != *german => {
                format!("{german} ({})", x.native_name)
            }
            _ => german.clone(),
        }
    });
    let de = columns[0].t;
    Ok(AppointmentData {
        kind: "appointment_letter",
        title: &de.appointment_letter.title,
        header_note: "Termin".to_owned(),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(l.date),
        form: AppointmentFormData {
            organisation: &l.organisation,
            im_name: &l.im_name,
            im_email: original_name(&l.im_email),
            weekday: l.on.weekday().num_days_from_monday(),
            date: german_date(l.on),
            time: &l.starts_at,
            minutes: l.minutes.to_string(),
            place_kind: &l.place_kind,
            address: original_name(&l.address),
            place_note: original_name(&l.place_note),
            accessibility: original_name(&l.accessibility),
            interpreter,
            bring,
            bring_other: original_name(&l.bring_other),
            place_date: format!("{}, {}", l.municipality, german_date(l.date)),
        },
        columns,
    })
}

/// Everything the volunteer's sheet reads (`sys.inputs.data`).
type SheetData<'a> = Doc<'a, SheetFormData<'a>>;

#[derive(Serialize)]
struct SheetFormData<'a> {
    organisation: &'a str,
    im_name: &'a str,
    im_email: Option<&'a str>,
    volunteer: &'a str,
    purpose: &'a str,
    from: String,
    until: Option<String>,
    released: Option<SheetReleasedData<'a>>,
    place_date: String,
}

#[derive(Serialize)]
struct SheetReleasedData<'a> {
    #[serde(flatten)]
    client: ReleasedParty<'a>,
    record: &'a [(String, String)],
    categories: Vec<&'static str>,
}

pub(crate) fn sheet(lang: &str, s: &VolunteerSheet) -> Result<Vec<u8>, DocumentError> {
    pdf(
        ("sheet.typ", crate::world::SHEET_TEMPLATE),
        &sheet_data(lang, s)?,
        s.date,
    )
}

fn sheet_data<'a>(lang: &str, s: &'a VolunteerSheet) -> Result<SheetData<'a>, DocumentError> {
    let columns = columns(lang)?;
    if s.until.is_some_and(|u| u < s.from) {
        return Err(DocumentError::Invalid(
            "a match cannot end before it starts".to_owned(),
        ));
    }
    let released = match &s.released {
        None => None,
        Some(r) => {
            if let Some((key, _)) = r
                .record
                .iter()
                .find(|(k, _)| !ACCESS_FIELDS.contains(&k.as_str()))
            {
                return Err(DocumentError::Invalid(format!("unknown field {key:?}")));
            }
            Some(SheetReleasedData {
                client: released_party(r.client.as_ref()),
                record: &r.record,
                categories: categories(&r.data_categories)?,
            })
        }
    };
    let de = columns[0].t;
    Ok(SheetData {
        kind: "volunteer_sheet",
        title: &de.volunteer_sheet.title,
        header_note: "Ehrenamtliche Begleitung".to_owned(),
        footer_note: footer_note(&columns),
        unreviewed: unreviewed(&columns),
        date: ymd(s.date),
        form: SheetFormData {
            organisation: &s.organisation,
            im_name: &s.im_name,
            im_email: original_name(&s.im_email),
            volunteer: &s.volunteer,
            purpose: &s.purpose,
            from: german_date(s.from),
            until: s.until.map(german_date),
            released,
            place_date: format!("{}, {}", s.municipality, german_date(s.date)),
        },
        columns,
    })
}

/// Compiles the template with `data` and exports the PDF; also returns typst's warnings.
fn render(data: &Data<'_>, date: NaiveDate) -> Result<(Vec<u8>, Vec<String>), DocumentError> {
    let json = serde_json::to_string(data).map_err(|e| DocumentError::Render(e.to_string()))?;
    compile("form.typ", crate::world::TEMPLATE, json, data.kind, date)
}

/// The document `data` as PDF, through the embedded template `name`.
fn pdf<F: Serialize>(
    (name, template): (&str, &'static str),
    data: &Doc<'_, F>,
    date: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let json = serde_json::to_string(data).map_err(|e| DocumentError::Render(e.to_string()))?;
    compile(name, template, json, data.kind, date).map(|(pdf, _warnings)| pdf)
}

/// Compiles one of the embedded templates with the JSON `json` as `sys.inputs.data`.
fn compile(
    name: &str,
    template: &'static str,
    json: String,
    kind: &str,
    date: NaiveDate,
) -> Result<(Vec<u8>, Vec<String>), DocumentError> {
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Value::Str(json.into()));
    let today = typst_date(date)?;
    let world =
        FormWorld::with_template(name, template, inputs, today).map_err(DocumentError::Render)?;

    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let result = output.map_err(|errors| DocumentError::Render(messages(&errors)));
    let document = match result {
        Ok(document) => document,
        Err(e) => {
            typst::comemo::evict(CACHE_GENERATIONS);
            return Err(e);
        }
    };
    let options = PdfOptions {
        // A stable identifier and a timestamp from the form date: same input, same bytes.
        ident: Smart::Custom(format!("ankommen/{kind}/{CONSENT_TEXT_VERSION}")),
        timestamp: Some(Timestamp::new_utc(today)),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| DocumentError::Render(messages(&errors)));
    typst::comemo::evict(CACHE_GENERATIONS);
    Ok((
        pdf?,
        warnings.iter().map(|w| w.message.to_string()).collect(),
    ))
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Party;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn consent_form() -> ConsentForm {
        ConsentForm {
            client: Party {
                name: "Ahmad Karimi".into(),
                name_original: Some("أحمد كريمي".into()),
                birth: "12.03.1990".into(),
            },
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            municipality: "Musterstadt".into(),
            text_version: CONSENT_TEXT_VERSION.into(),
            date: date(2026, 2, 1),
        }
    }

    fn release_form() -> ReleaseForm {
        ReleaseForm {
            client: consent_form().client,
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            recipient: "Jobcenter Musterkreis".into(),
            data_categories: vec!["work".into(), "identity".into(), "work".into()],
            purpose: "Vermittlung in einen Sprachkurs".into(),
            valid_from: date(2026, 2, 1),
            valid_until: Some(date(2026, 12, 31)),
            mutual: true,
            date: date(2026, 2, 1),
        }
    }

    /// Renders `data` with the embedded template `name`, asserts that typst warns of nothing, and
    /// leaves the PDF as target/tmp/documents-previews/{stem}.pdf for looking at it.
    fn renders_cleanly<T: Serialize>(
        (name, template): (&str, &'static str),
        kind: &str,
        data: &T,
        date: NaiveDate,
        stem: &str,
    ) {
        let json = serde_json::to_string(data).unwrap();
        let (pdf, warnings) = compile(name, template, json, kind, date).unwrap();
        assert!(warnings.is_empty(), "{stem}: {warnings:?}");
        assert!(pdf.starts_with(b"%PDF"));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/tmp/documents-previews");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{stem}.pdf")), &pdf);
    }

    #[test]
    fn no_typst_warnings_in_any_language() {
        let (consent_form, release_form) = (consent_form(), release_form());
        for lang in translations::codes() {
            let data = consent_data(lang, &consent_form).unwrap();
            let warnings = render(&data, consent_form.date).unwrap().1;
            assert!(warnings.is_empty(), "consent/{lang}: {warnings:?}");
            let data = release_data(lang, &release_form).unwrap();
            let warnings = render(&data, release_form.date).unwrap().1;
            assert!(warnings.is_empty(), "release/{lang}: {warnings:?}");
        }
    }

    #[test]
    fn unsupported_language_is_an_error() {
        assert!(matches!(
            consent("xx", &consent_form()),
            Err(DocumentError::UnsupportedLanguage)
        ));
        assert!(matches!(
            release("", &release_form()),
            Err(DocumentError::UnsupportedLanguage)
        ));
    }

    #[test]
    fn only_the_current_text_version_can_be_printed() {
        let mut form = consent_form();
        form.text_version = "2025-1".into();
        assert!(matches!(
            consent("ar", &form),
            Err(DocumentError::Invalid(_))
        ));
    }

    #[test]
    fn release_categories_are_checked_deduplicated_and_ordered() {
        assert_eq!(
            categories(&["work".into(), "identity".into(), "work".into()]).unwrap(),
            vec!["identity", "work"]
        );
        assert!(matches!(
            categories(&["identity".into(), "religion".into()]),
            Err(DocumentError::Invalid(_))
        ));
        assert!(matches!(categories(&[]), Err(DocumentError::Invalid(_))));
    }

    #[test]
    fn release_must_not_end_before_it_starts() {
        let mut form = release_form();
        form.valid_until = Some(date(2026, 1, 31));
        assert!(matches!(
            release("de", &form),
            Err(DocumentError::Invalid(_))
        ));
    }

    #[test]
    fn same_input_gives_the_same_bytes() {
        let a = consent("fa", &consent_form()).unwrap();
        let b = consent("fa", &consent_form()).unwrap();
        assert!(a == b, "PDF output is not deterministic");
    }

    fn plan_form() -> PlanForm {
        use crate::{PlanGoal, PlanStep};
        PlanForm {
            client: consent_form().client,
            members: vec!["Layla Karimi".into()],
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            municipality: "Musterstadt".into(),
            case_number: "2026-00012".into(),
            version: Some(2),
            frozen_on: Some(date(2026, 2, 1)),
            review_on: Some(date(2026, 2, 1)),
            next_review: Some(date(2026, 8, 1)),
            goals: vec![
                PlanGoal {
                    field: "language".into(),
                    field_label_de: "Sprache".into(),
                    person: None,
                    text: "Ich möchte bis zum Sommer die B1-Prüfung schaffen. #panic(\"x\") *fett*"
                        .into(),
                    priority: Some(1),
                    target_date: Some(date(2026, 7, 31)),
                    status: "in_progress".into(),
                    status_reason: None,
                    steps: vec![
                        PlanStep {
                            text: "Beim Kursträger anmelden".into(),
                            owner: "third_party".into(),
                            third_party: Some("VHS Musterstadt".into()),
                            due_on: Some(date(2026, 3, 1)),
                            done_on: Some(date(2026, 2, 20)),
                        },
                        PlanStep {
                            text: "Jeden Tag 30 Minuten üben".into(),
                            owner: "client".into(),
                            third_party: None,
                            due_on: None,
                            done_on: None,
                        },
                    ],
                },
                PlanGoal {
                    field: "custom_field".into(),
                    field_label_de: "Eigenes Handlungsfeld".into(),
                    person: Some("Layla Karimi".into()),
                    text: "Einen Kita-Platz finden".into(),
                    priority: None,
                    target_date: None,
                    status: "dropped".into(),
                    status_reason: Some("Platz über die Gemeinde gefunden".into()),
                    steps: vec![],
                },
            ],
            date: date(2026, 2, 1),
        }
    }

    #[test]
    fn the_plan_renders_without_warnings_in_every_language() {
        let form = plan_form();
        for lang in translations::codes() {
            renders_cleanly(
                ("plan.typ", crate::world::PLAN_TEMPLATE),
                "plan",
                &plan_data(lang, &form).unwrap(),
                form.date,
                &format!("plan-{lang}"),
            );
        }
        let mut empty = form.clone();
        empty.goals.clear();
        empty.version = None;
        assert!(plan("ar", &empty).unwrap().starts_with(b"%PDF"));
    }

    fn letter() -> crate::ReferralLetter {
        crate::ReferralLetter {
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            im_email: Some("maria.muster@example.org".into()),
            municipality: "Musterstadt".into(),
            service: crate::LetterService {
                name: "Jobcenter Musterkreis".into(),
                address: Some("Bahnhofstraße 1\n74999 Musterstadt".into()),
                phone: Some("07131 000".into()),
                email: None,
                opening_hours: Some("Mo–Fr 8–12 Uhr".into()),
            },
            referred_on: date(2026, 3, 2),
            field: Some(("work".into(), "Arbeit".into())),
            bring: vec!["this_letter".into(), "passport".into()],
            bring_other: Some("Lebenslauf".into()),
            released: Some(crate::LetterReleased {
                client: Some(Party {
                    name: "Amina Yusuf".into(),
                    name_original: Some("አሚና ዩሱፍ".into()),
                    birth: "1990".into(),
                }),
                data_categories: vec!["language_education".into(), "identity".into()],
                release_valid_from: date(2026, 3, 1),
                summary: Some("Sucht Arbeit als Köchin.".into()),
            }),
            date: date(2026, 3, 2),
        }
    }

    #[test]
    fn the_referral_letter_renders_without_warnings_in_every_language() {
        let with_data = letter();
        let mut without = letter();
        without.released = None;
        without.bring.clear();
        without.bring_other = None;
        without.field = Some(("custom_field".into(), "Eigenes Handlungsfeld".into()));
        for lang in translations::codes() {
            for (l, stem) in [(&with_data, "released"), (&without, "no-data")] {
                let data = letter_data(lang, l).unwrap();
                // Print order, whatever order the form gave.
                if stem == "released" {
                    assert_eq!(data.form.bring, ["passport", "this_letter"]);
                }
                renders_cleanly(
                    ("letter.typ", crate::world::LETTER_TEMPLATE),
                    "referral_letter",
                    &data,
                    l.date,
                    &format!("letter-{stem}-{lang}"),
                );
            }
        }
    }

    #[test]
    fn the_referral_letter_refuses_unknown_values() {
        let mut l = letter();
        l.bring.push("nonsense".into());
        assert!(matches!(
            letter_data("de", &l),
            Err(DocumentError::Invalid(_))
        ));
        let mut l = letter();
        if let Some(r) = l.released.as_mut() {
            r.data_categories = vec!["nonsense".into()];
        }
        assert!(matches!(
            letter_data("de", &l),
            Err(DocumentError::Invalid(_))
        ));
        assert!(matches!(
            letter_data("xx", &letter()),
            Err(DocumentError::UnsupportedLanguage)
        ));
    }

    fn sheet() -> crate::VolunteerSheet {
        crate::VolunteerSheet {
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            im_email: Some("maria.muster@example.org".into()),
            municipality: "Musterstadt".into(),
            volunteer: "Erika Ehrenamt".into(),
            purpose: "Begleitung zu Behörden".into(),
            from: date(2026, 3, 2),
            until: None,
            released: Some(crate::SheetReleased {
                client: Some(Party {
                    name: "Amina Yusuf".into(),
                    name_original: Some("አሚና ዩሱፍ".into()),
                    birth: "1990".into(),
                }),
                record: vec![
                    ("phone".into(), "0170 000".into()),
                    ("languages".into(), "Tigrinya, Arabisch".into()),
                ],
                data_categories: vec!["identity".into(), "contact".into()],
            }),
            date: date(2026, 3, 2),
        }
    }

    #[test]
    fn the_volunteer_sheet_renders_without_warnings_in_every_language() {
        let with_data = sheet();
        let mut without = sheet();
        without.released = None;
        without.until = Some(date(2026, 9, 30));
        for lang in translations::codes() {
            for (s, stem) in [(&with_data, "released"), (&without, "no-data")] {
                renders_cleanly(
                    ("sheet.typ", crate::world::SHEET_TEMPLATE),
                    "volunteer_sheet",
                    &sheet_data(lang, s).unwrap(),
                    s.date,
                    &format!("sheet-{stem}-{lang}"),
                );
            }
        }
    }

    fn appointment() -> crate::AppointmentLetter {
        crate::AppointmentLetter {
            organisation: "Caritas Musterstadt".into(),
            im_name: "Maria Muster".into(),
            im_email: Some("maria.muster@example.org".into()),
            municipality: "Musterstadt".into(),
            on: date(2026, 12, 10),
            starts_at: "09:30".into(),
            minutes: 45,
            place_kind: "office_hours".into(),
            address: Some("Rathaus, Raum 2, Marktplatz 1, 74999 Musterstadt".into()),
            place_note: Some("2. Stock".into()),
            accessibility: Some("Aufzug am Hintereingang".into()),
            interpreter: Some(("ar".into(), "Arabisch".into())),
            bring: vec!["this_letter".into(), "decisions".into()],
            bring_other: Some("Brief vom Jobcenter".into()),
            date: date(2026, 12, 3),
        }
    }

    #[test]
    fn the_appointment_letter_renders_without_warnings_in_every_language() {
        let full = appointment();
        let mut visit = appointment();
        visit.place_kind = "home_visit".into();
        visit.address = None;
        visit.place_note = None;
        visit.accessibility = None;
        visit.interpreter = None;
        visit.bring.clear();
        visit.bring_other = None;
        for lang in translations::codes() {
            for (l, stem) in [(&full, "office-hours"), (&visit, "home-visit")] {
                let data = appointment_data(lang, l).unwrap();
                renders_cleanly(
                    ("appointment.typ", crate::world::APPOINTMENT_TEMPLATE),
                    "appointment_letter",
                    &data,
                    l.date,
                    &format!("appointment-{stem}-{lang}"),
                );
            }
        }
        // Thursday; the interpreter's language with its own name.
        let data = appointment_data("ar", &full).unwrap();
        assert_eq!(data.form.weekday, 3);
        assert_eq!(data.form.interpreter.as_deref(), Some("Arabisch (العربية)"));
    }

    #[test]
    fn the_appointment_letter_refuses_unknown_values() {
        let mut l = appointment();
        l.place_kind = "moon".into();
        assert!(matches!(
            appointment_data("de", &l),
            Err(DocumentError::Invalid(_))
        ));
        let mut l = appointment();
        l.bring.push("nonsense".into());
        assert!(matches!(
            appointment_data("de", &l),
            Err(DocumentError::Invalid(_))
        ));
    }

    #[test]
    fn every_translation_names_seven_weekdays() {
        for (code, t) in translations::all().unwrap().iter() {
            assert_eq!(t.appointment_letter.weekdays.len(), 7, "{code}");
        }
    }

    #[test]
    fn the_volunteer_sheet_refuses_unknown_values() {
        let mut s = sheet();
        if let Some(r) = s.released.as_mut() {
            r.record.push(("nonsense".into(), "x".into()));
        }
        assert!(matches!(
            sheet_data("de", &s),
            Err(DocumentError::Invalid(_))
        ));
        let mut s = sheet();
        s.until = Some(date(2026, 1, 1));
        assert!(matches!(
            sheet_data("de", &s),
            Err(DocumentError::Invalid(_))
        ));
        assert!(matches!(
            sheet_data("xx", &sheet()),
            Err(DocumentError::UnsupportedLanguage)
        ));
    }

    #[test]
    fn the_plan_refuses_unknown_values() {
        let mut form = plan_form();
        form.goals[0].status = "nonsense".into();
        assert!(matches!(plan("de", &form), Err(DocumentError::Invalid(_))));
        let mut form = plan_form();
        form.goals[0].steps[0].owner = "nobody".into();
        assert!(matches!(plan("de", &form), Err(DocumentError::Invalid(_))));
        assert!(matches!(
            plan("xx", &plan_form()),
            Err(DocumentError::UnsupportedLanguage)
        ));
    }

    fn access_report() -> AccessReport {
        let line = |d: &str, t: &str| AccessLine {
            date: d.into(),
            text: t.into(),
        };
        AccessReport {
            client: consent_form().client,
            organisations: "Caritas Musterstadt".into(),
            officer: "Jonas Datz".into(),
            record: vec![
                ("given_name".into(), "Ahmad".into()),
                ("health".into(), "Diabetes #panic(\"x\") *fett*".into()),
                ("unknown_key".into(), "x".into()),
            ],
            sections: vec![
                AccessSection {
                    key: "contacts",
                    lines: vec![line(
                        "01.02.2026",
                        "Hausbesuch, 45 Min. Notiz: الموعد القادم",
                    )],
                },
                AccessSection {
                    key: "consents",
                    lines: vec![],
                },
            ],
            purposes: vec!["Arbeitssuche".into()],
            recipients: vec![line("01.02.2026", "Jobcenter (Schweigepflichtentbindung)")],
            accesses: vec![AccessEvent {
                when: "01.02.2026, 10:00".into(),
                who: "Maria Muster".into(),
                what: "Akte angesehen".into(),
            }],
            date: date(2026, 2, 1),
        }
    }

    #[test]
    fn the_access_report_renders_without_warnings_in_every_language() {
        let report = access_report();
        for lang in translations::codes() {
            renders_cleanly(
                ("access.typ", crate::world::ACCESS_TEMPLATE),
                "access",
                &access_data(lang, &report).unwrap(),
                report.date,
                &format!("access-{lang}"),
            );
        }
        let mut bad = report.clone();
        bad.sections[0].key = "nonsense";
        assert!(matches!(access("de", &bad), Err(DocumentError::Invalid(_))));
    }

    #[test]
    fn every_language_labels_every_field_of_the_access_report() {
        for (code, t) in translations::all().unwrap() {
            for key in crate::ACCESS_FIELDS {
                assert!(
                    t.access_fields
                        .get(key)
                        .is_some_and(|l| !l.trim().is_empty()),
                    "{code}: access_fields.{key}"
                );
            }
            assert_eq!(
                t.access_fields.len(),
                crate::ACCESS_FIELDS.len(),
                "{code}: a label for a field the report does not print"
            );
        }
    }

    #[test]
    fn german_dates() {
        assert_eq!(german_date(date(2026, 3, 9)), "09.03.2026");
    }
}
