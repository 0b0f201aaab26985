//! PDF tests: every language renders, names come out in their own script, user text is never
//! markup, and the Arabic consent form matches a reviewed reference image.
//!
//! Needs `pdftotext` and `pdftoppm` (Debian: poppler-utils, installed by scripts/install-deps.sh).
//! `ANKOMMEN_UPDATE_REFERENCE=1` rewrites tests/reference/consent-ar.png; look at it before committing.

// Test helpers outside #[test] functions may fail loudly, as in the other test binaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use ankommen_documents::{
    CONSENT_TEXT_VERSION, ConsentForm, DATA_CATEGORIES, LetterReleased, LetterService, Party,
    ReferralLetter, ReleaseForm, SheetReleased, VolunteerSheet, consent_pdf, languages,
    referral_letter_pdf, release_pdf, volunteer_sheet_pdf,
};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn party(name: &str, original: Option<&str>) -> Party {
    Party {
        name: name.into(),
        name_original: original.map(Into::into),
        birth: "12.03.1990".into(),
    }
}

fn consent(client: Party) -> ConsentForm {
    ConsentForm {
        client,
        organisation: "Caritas Musterstadt".into(),
        im_name: "Maria Muster".into(),
        municipality: "Musterstadt".into(),
        text_version: CONSENT_TEXT_VERSION.into(),
        date: date(2026, 2, 1),
    }
}

fn release(client: Party) -> ReleaseForm {
    ReleaseForm {
        client,
        organisation: "Caritas Musterstadt".into(),
        im_name: "Maria Muster".into(),
        recipient: "Jobcenter Landkreis Musterkreis".into(),
        data_categories: vec![
            "identity".into(),
            "language_education".into(),
            "health".into(),
        ],
        purpose: "Anmeldung zu einem Integrationskurs".into(),
        valid_from: date(2026, 2, 1),
        valid_until: Some(date(2026, 12, 31)),
        mutual: true,
        date: date(2026, 2, 1),
    }
}

fn letter(released: Option<LetterReleased>) -> ReferralLetter {
    ReferralLetter {
        organisation: "Caritas Musterstadt".into(),
        im_name: "Maria Muster".into(),
        im_email: Some("maria.muster@example.org".into()),
        municipality: "Musterstadt".into(),
        service: LetterService {
            name: "Jobcenter Musterkreis".into(),
            address: Some("Bahnhofstraße 1\n74999 Musterstadt".into()),
            phone: Some("07131 000".into()),
            email: None,
            opening_hours: Some("Mo–Fr 8–12 Uhr".into()),
        },
        referred_on: date(2026, 3, 2),
        field: Some(("work".into(), "Arbeit".into())),
        bring: vec!["passport".into(), "this_letter".into()],
        bring_other: Some("Lebenslauf".into()),
        released,
        date: date(2026, 3, 2),
    }
}

/// A fresh scratch directory for this test binary.
fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_pdf(pdf: &[u8], stem: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = scratch().join(format!("{stem}-{n}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

fn run(program: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}); install poppler-utils (scripts/install-deps.sh)")
        });
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The text of a PDF as pdftotext extracts it, NFKC-normalised (Arabic presentation forms become
/// ordinary letters) with all whitespace collapsed to single spaces.
fn pdf_text(pdf: &[u8]) -> String {
    let path = write_pdf(pdf, "text");
    let out = run(
        "pdftotext",
        &[
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            path.as_os_str(),
            "-".as_ref(),
        ],
    );
    normalise(&String::from_utf8(out).unwrap())
}

fn normalise(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_is_pdf(pdf: &[u8], what: &str) {
    assert!(pdf.starts_with(b"%PDF-"), "{what}: not a PDF");
    assert!(
        pdf.len() > 20_000,
        "{what}: suspiciously small ({} bytes)",
        pdf.len()
    );
}

#[test]
fn every_language_renders_both_forms_on_at_most_two_pages() {
    // Also leaves the forms in target/tmp/documents-previews/ for looking at them.
    let previews = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents-previews");
    std::fs::create_dir_all(&previews).unwrap();
    let langs = languages();
    assert!(langs.len() >= 9);
    for lang in &langs {
        let code = lang.code;
        let pdf = consent_pdf(code, &consent(party("Ahmad Karimi", None))).unwrap();
        assert_is_pdf(&pdf, &format!("consent/{code}"));
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Einwilligung in die Verarbeitung"),
            "consent/{code}: {text}"
        );
        assert!(text.contains("Ahmad Karimi"), "consent/{code}");
        assert!(text.contains("Musterstadt, 01.02.2026"), "consent/{code}");
        let path = previews.join(format!("consent-{code}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        assert!(page_count(&path) <= 2, "consent/{code}: {}", path.display());

        // The longest release: every data category.
        let mut form = release(party("Ahmad Karimi", None));
        form.data_categories = DATA_CATEGORIES.iter().map(|k| k.to_string()).collect();
        let pdf = release_pdf(code, &form).unwrap();
        assert_is_pdf(&pdf, &format!("release/{code}"));
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Entbindung von der Schweigepflicht"),
            "release/{code}: {text}"
        );
        assert!(
            text.contains("Jobcenter Landkreis Musterkreis"),
            "release/{code}"
        );
        assert!(text.contains("31.12.2026"), "release/{code}");
        let path = previews.join(format!("release-{code}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        assert!(page_count(&path) <= 2, "release/{code}: {}", path.display());
    }
}

#[test]
fn the_client_language_text_is_in_the_pdf() {
    // One distinctive phrase per language, as written in translations/<code>.toml.
    let phrases = [
        ("en", "Consent to the processing of personal data"),
        ("ar", "الموافقة على معالجة البيانات الشخصية"),
        ("fa", "رضایت به پردازش داده\u{200c}های شخصی"),
        ("uk", "Згода на обробку персональних даних"),
        ("tr", "Kişisel verilerin işlenmesine onay"),
        ("ti", "ንምስራሕ ውልቃዊ ሓበሬታ ዝወሃብ ፍቓድ"),
        ("fr", "Consentement au traitement des données personnelles"),
        ("ru", "Согласие на обработку персональных данных"),
    ];
    for (code, phrase) in phrases {
        let pdf = consent_pdf(code, &consent(party("Ahmad Karimi", None))).unwrap();
        let text = pdf_text(&pdf);
        let phrase = normalise(phrase).replace('\u{200c}', "");
        let text_without_zwnj = text.replace('\u{200c}', "");
        assert!(
            text_without_zwnj.contains(&phrase),
            "{code}: {phrase:?} not in {text}"
        );
    }
}

#[test]
fn the_name_appears_in_its_own_script() {
    let cases = [
        ("ar", "Ahmad Karimi", "أحمد كريمي"),
        ("fa", "Zahra Rezaei", "زهرا رضایی"),
        ("uk", "Olena Kovalenko", "Олена Коваленко"),
        ("ti", "Selam Tesfay", "ሰላም ተስፋይ"),
        ("ru", "Dmitri Ivanov", "Дмитрий Иванов"),
    ];
    for (code, latin, original) in cases {
        for (kind, pdf) in [
            (
                "consent",
                consent_pdf(code, &consent(party(latin, Some(original)))).unwrap(),
            ),
            (
                "release",
                release_pdf(code, &release(party(latin, Some(original)))).unwrap(),
            ),
        ] {
            let text = pdf_text(&pdf);
            assert!(text.contains(latin), "{kind}/{code}: {latin} missing");
            assert!(
                text.contains(&normalise(original)),
                "{kind}/{code}: {original} missing in {text}"
            );
        }
    }
}

#[test]
fn user_text_is_printed_literally_never_as_markup() {
    let canary = r#"#panic("x") *bold* $x$"#;
    let tricky = r#"] #{ "quote" } \ // @ref <label> = _em_"#;
    let mut consent_form = consent(party(canary, Some(tricky)));
    consent_form.organisation = format!("Org {tricky}");
    consent_form.im_name = canary.into();
    consent_form.municipality = format!("{canary} town");
    let mut release_form = release(party(canary, Some(tricky)));
    release_form.recipient = format!("Recipient {canary}");
    release_form.purpose = format!("Purpose {tricky}");
    release_form.valid_until = None;

    for lang in ["de", "ar", "ti"] {
        for (kind, pdf) in [
            ("consent", consent_pdf(lang, &consent_form).unwrap()),
            ("release", release_pdf(lang, &release_form).unwrap()),
        ] {
            let text = pdf_text(&pdf);
            assert!(
                text.contains(canary),
                "{kind}/{lang}: {canary} not literal in {text}"
            );
            assert!(
                text.contains(tricky),
                "{kind}/{lang}: {tricky} not literal in {text}"
            );
        }
    }
}

#[test]
fn a_release_lists_exactly_the_chosen_categories() {
    let form = release(party("Ahmad Karimi", None));
    let text = pdf_text(&release_pdf("de", &form).unwrap());
    for key in DATA_CATEGORIES {
        let label = ankommen_documents::data_category_label("de", key).unwrap();
        let chosen = form.data_categories.iter().any(|k| k == key);
        assert_eq!(text.contains(&label), chosen, "{key}: {label}");
    }
}

/// Page 1 of `pdf` as an RGB image at 50 dpi: (width, height, pixels).
fn page_one_png(pdf: &[u8], stem: &str) -> (Vec<u8>, PathBuf) {
    let pdf_path = write_pdf(pdf, stem);
    let prefix = pdf_path.with_extension("");
    run(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "50".as_ref(),
            "-png".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "1".as_ref(),
            "-singlefile".as_ref(),
            pdf_path.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let png_path = prefix.with_extension("png");
    (std::fs::read(&png_path).unwrap(), png_path)
}

fn decode_rgb(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf,
        png::ColorType::Rgba => buf.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect(),
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g]).collect(),
        png::ColorType::GrayscaleAlpha => buf.chunks(2).flat_map(|p| [p[0], p[0], p[0]]).collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (info.width, info.height, rgb)
}

/// Largest mean absolute difference (per channel, 0–255) still accepted as "the same image": room
/// for anti-aliasing differences between poppler versions, far below what a reflowed text, a
/// missing glyph or a flipped direction causes (Arabic vs Persian form: about 7).
const TOLERANCE: f64 = 1.0;

/// Mean absolute difference per colour channel (0–255) between two images of the same size.
fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.len() as f64
}

/// Fixed data for the reference image; changing it changes the reference.
fn reference_consent() -> ConsentForm {
    consent(party("Ahmad Karimi", Some("أحمد كريمي")))
}

#[test]
fn arabic_consent_matches_the_reviewed_reference_image() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/consent-ar.png");
    let pdf = consent_pdf("ar", &reference_consent()).unwrap();
    let (png_bytes, png_path) = page_one_png(&pdf, "consent-ar");

    if std::env::var_os("ANKOMMEN_UPDATE_REFERENCE").is_some_and(|v| v == "1") {
        std::fs::write(&reference, &png_bytes).unwrap();
        eprintln!(
            "wrote {}; look at it before committing",
            reference.display()
        );
        return;
    }
    let expected = std::fs::read(&reference).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with ANKOMMEN_UPDATE_REFERENCE=1 cargo test -p ankommen-documents",
            reference.display()
        )
    });
    let (w, h, actual) = decode_rgb(&png_bytes);
    let (ew, eh, expected) = decode_rgb(&expected);
    assert_eq!(
        (w, h),
        (ew, eh),
        "page size changed; new rendering: {}",
        png_path.display()
    );
    let diff = mean_abs_diff(&actual, &expected);
    eprintln!("mean abs diff to the reference: {diff:.3}");
    assert!(
        diff < TOLERANCE,
        "page 1 differs from the reference (mean abs diff {diff:.3}); new rendering: {}. \
         If the change is intended, regenerate with ANKOMMEN_UPDATE_REFERENCE=1 and review it.",
        png_path.display()
    );
}

#[test]
fn png_comparison_notices_a_different_form() {
    // Guards the image comparison itself: another language must not pass as the Arabic form.
    let arabic = consent_pdf("ar", &reference_consent()).unwrap();
    let persian = consent_pdf("fa", &reference_consent()).unwrap();
    let (a, _) = page_one_png(&arabic, "cmp-ar");
    let (b, _) = page_one_png(&persian, "cmp-fa");
    let ((_, _, a), (_, _, b)) = (decode_rgb(&a), decode_rgb(&b));
    let diff = mean_abs_diff(&a, &b);
    eprintln!("mean abs diff Arabic/Persian page 1: {diff:.3}");
    assert!(
        diff >= 4.0 * TOLERANCE,
        "threshold too lax to notice a changed text"
    );
}

fn page_count(pdf_path: &Path) -> usize {
    let info = String::from_utf8(run("pdfinfo", &[pdf_path.as_os_str()])).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
fn the_referral_letter_prints_the_released_part_only_when_there_is_one() {
    // The letter's own text in the client's language, and in the right script.
    let phrases = [
        ("en", "Where to go and what to bring"),
        ("ar", "إلى أين تذهب وماذا تحضر معك"),
        ("fa", "کجا بروید"),
        ("uk", "Куди йти і що взяти з собою"),
        ("tr", "Bir kuruma yönlendirme"),
        ("ti", "ናብ ትካል ምልኣኽ"),
        ("fr", "Où aller et quoi apporter"),
        ("ru", "Куда идти и что взять с собой"),
    ];
    let released = |categories: &[&str]| LetterReleased {
        client: categories
            .contains(&"identity")
            .then(|| party("Selam Tesfay", Some("ሰላም ተስፋይ"))),
        data_categories: categories.iter().map(|c| c.to_string()).collect(),
        release_valid_from: date(2026, 3, 1),
        summary: Some("Sucht eine Stelle als Köchin".into()),
    };
    for (code, phrase) in phrases {
        // Without a release: where to go and what to bring, nothing about the person.
        let text = pdf_text(&referral_letter_pdf(code, &letter(None)).unwrap());
        assert!(
            text.contains(&normalise(phrase)),
            "{code}: {phrase:?} not in {text}"
        );
        for present in [
            "Jobcenter Musterkreis",
            "Bahnhofstraße 1",
            "Mo–Fr 8–12 Uhr",
            "Lebenslauf",
            "Maria Muster",
        ] {
            assert!(text.contains(present), "{code}: {present} missing");
        }
        assert!(text.contains("Pass oder Personalausweis"), "{code}");
        assert!(
            text.contains("Auf diesem Blatt stehen keine Angaben"),
            "{code}"
        );
        for absent in [
            "Selam",
            "Tesfay",
            "Köchin",
            "Für die Stelle",
            "Freigegebene Angaben",
        ] {
            assert!(
                !text.contains(absent),
                "{code}: {absent} printed without a release"
            );
        }

        // Under a release of the language data only: the part for the service, no name.
        let pdf =
            referral_letter_pdf(code, &letter(Some(released(&["language_education"])))).unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains("Für die Stelle"), "{code}");
        assert!(text.contains("Sucht eine Stelle als Köchin"), "{code}");
        assert!(text.contains("Sprachen, Deutschkenntnisse"), "{code}");
        for absent in [
            "Selam",
            "Tesfay",
            "Name, Geburtsdatum",
            "Auf diesem Blatt stehen keine Angaben",
        ] {
            assert!(
                !text.contains(absent),
                "{code}: {absent} printed though not released"
            );
        }

        // Under a release that covers the identity: the name, in its own script too.
        let pdf =
            referral_letter_pdf(code, &letter(Some(released(&["identity", "work"])))).unwrap();
        assert_is_pdf(&pdf, code);
        let text = pdf_text(&pdf);
        assert!(text.contains("Selam Tesfay"), "{code}");
        assert!(text.contains(&normalise("ሰላም ተስፋይ")), "{code}: {text}");
        assert_eq!(
            page_count(&write_pdf(&pdf, "letter")),
            1,
            "{code}: the letter is one page"
        );
    }
}

#[test]
fn the_volunteer_sheet_prints_only_what_is_released_for_the_volunteer() {
    let sheet = |released: Option<SheetReleased>| VolunteerSheet {
        organisation: "Caritas Musterstadt".into(),
        im_name: "Maria Muster".into(),
        im_email: None,
        municipality: "Musterstadt".into(),
        volunteer: "Erika Ehrenamt".into(),
        purpose: "Begleitung zu Behörden".into(),
        from: date(2026, 3, 2),
        until: None,
        released,
        date: date(2026, 3, 2),
    };
    let phrases = [
        ("en", "Sheet for the volunteer"),
        ("ar", "ورقة للشخص المتطوع"),
        ("fa", "برگه برای فرد داوطلب"),
        ("uk", "Аркуш для волонтера"),
        ("tr", "Gönüllü için sayfa"),
        ("ti", "ወረቐት ንወለንተኛ"),
        ("fr", "Feuille pour la personne bénévole"),
        ("ru", "Лист для волонтёра"),
    ];
    for (code, phrase) in phrases {
        let text = pdf_text(&volunteer_sheet_pdf(code, &sheet(None)).unwrap());
        assert!(
            text.contains(&normalise(phrase)),
            "{code}: {phrase:?} not in {text}"
        );
        for present in [
            "Erika Ehrenamt",
            "Begleitung zu Behörden",
            "Maria Muster",
            "Verschwiegenheit",
        ] {
            assert!(text.contains(present), "{code}: {present} missing");
        }
        assert!(
            text.contains("Auf diesem Blatt stehen keine Angaben"),
            "{code}"
        );
        assert!(!text.contains("Selam"), "{code}");

        // Contact data only: the phone, no name.
        let contact_only = SheetReleased {
            client: None,
            record: vec![("phone".into(), "0170 123456".into())],
            data_categories: vec!["contact".into()],
        };
        let text = pdf_text(&volunteer_sheet_pdf(code, &sheet(Some(contact_only))).unwrap());
        assert!(text.contains("0170 123456"), "{code}");
        assert!(!text.contains("Selam"), "{code}");
        assert!(!text.contains("Name, Geburtsdatum"), "{code}");

        let with_name = SheetReleased {
            client: Some(party("Selam Tesfay", Some("ሰላም ተስፋይ"))),
            record: vec![],
            data_categories: vec!["identity".into()],
        };
        let pdf = volunteer_sheet_pdf(code, &sheet(Some(with_name))).unwrap();
        assert_is_pdf(&pdf, code);
        let text = pdf_text(&pdf);
        assert!(text.contains("Selam Tesfay"), "{code}");
        assert!(text.contains(&normalise("ሰላም ተስፋይ")), "{code}");
        assert_eq!(page_count(&write_pdf(&pdf, "sheet")), 1, "{code}: one page");
    }
}
