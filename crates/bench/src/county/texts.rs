//! Names and texts of the county: origin groups with names in their original script, goals,
//! steps, third parties, follow-up reasons and the IMs' names.

use super::rng::Rng;

/// An origin group: household language, target group, family names (Latin, original), given names
/// (female, male) with their original spelling.
pub(super) struct Origin {
    pub(super) lang: &'static str,
    pub(super) ukraine: bool,
    pub(super) family: &'static [(&'static str, Option<&'static str>)],
    pub(super) female: &'static [(&'static str, Option<&'static str>)],
    pub(super) male: &'static [(&'static str, Option<&'static str>)],
}

pub(super) const ORIGINS: &[(Origin, u32)] = &[
    (
        Origin {
            lang: "ar",
            ukraine: false,
            family: &[
                ("Haddad", Some("حداد")),
                ("Khalil", Some("خليل")),
                ("Hassan", Some("حسن")),
                ("Ibrahim", Some("إبراهيم")),
                ("Mansour", Some("منصور")),
                ("Darwish", Some("درويش")),
                ("Saleh", Some("صالح")),
                ("Nasser", Some("ناصر")),
                ("Al-Ali", Some("العلي")),
                ("Yousef", Some("يوسف")),
            ],
            female: &[
                ("Rania", Some("رانيا")),
                ("Lina", Some("لينا")),
                ("Fatima", Some("فاطمة")),
                ("Amal", Some("أمل")),
                ("Nour", Some("نور")),
                ("Huda", Some("هدى")),
                ("Salma", Some("سلمى")),
            ],
            male: &[
                ("Mohammad", Some("محمد")),
                ("Ahmad", Some("أحمد")),
                ("Omar", Some("عمر")),
                ("Khaled", Some("خالد")),
                ("Yusuf", Some("يوسف")),
                ("Karim", Some("كريم")),
                ("Samir", Some("سمير")),
            ],
        },
        30,
    ),
    (
        Origin {
            lang: "fa",
            ukraine: false,
            family: &[
                ("Ahmadi", Some("احمدی")),
                ("Rahimi", Some("رحیمی")),
                ("Karimi", Some("کریمی")),
                ("Noori", Some("نوری")),
                ("Hosseini", Some("حسینی")),
                ("Sultani", Some("سلطانی")),
                ("Jafari", Some("جعفری")),
            ],
            female: &[
                ("Zahra", Some("زهرا")),
                ("Maryam", Some("مریم")),
                ("Shirin", Some("شیرین")),
                ("Parisa", Some("پریسا")),
                ("Nargis", Some("نرگس")),
            ],
            male: &[
                ("Hamid", Some("حمید")),
                ("Ali", Some("علی")),
                ("Reza", Some("رضا")),
                ("Javad", Some("جواد")),
                ("Mustafa", Some("مصطفی")),
            ],
        },
        25,
    ),
    (
        Origin {
            lang: "uk",
            ukraine: true,
            family: &[
                ("Shevchenko", Some("Шевченко")),
                ("Melnyk", Some("Мельник")),
                ("Kovalenko", Some("Коваленко")),
                ("Bondarenko", Some("Бондаренко")),
                ("Tkachenko", Some("Ткаченко")),
                ("Kravchenko", Some("Кравченко")),
                ("Oliinyk", Some("Олійник")),
            ],
            female: &[
                ("Iryna", Some("Ірина")),
                ("Oksana", Some("Оксана")),
                ("Olena", Some("Олена")),
                ("Natalia", Some("Наталія")),
                ("Sofiia", Some("Софія")),
            ],
            male: &[
                ("Andrii", Some("Андрій")),
                ("Oleksandr", Some("Олександр")),
                ("Dmytro", Some("Дмитро")),
                ("Serhii", Some("Сергій")),
                ("Maksym", Some("Максим")),
            ],
        },
        25,
    ),
    (
        Origin {
            lang: "ti",
            ukraine: false,
            family: &[
                ("Tesfay", Some("ተስፋይ")),
                ("Gebremedhin", Some("ገብረመድህን")),
                ("Haile", Some("ሃይለ")),
                ("Berhane", Some("በርሀነ")),
            ],
            female: &[("Senait", None), ("Helen", None), ("Meron", None)],
            male: &[("Dawit", None), ("Yonas", None), ("Samuel", None)],
        },
        8,
    ),
    (
        Origin {
            lang: "tr",
            ukraine: false,
            family: &[
                ("Yılmaz", None),
                ("Demir", None),
                ("Kaya", None),
                ("Şahin", None),
                ("Aslan", None),
            ],
            female: &[("Ayşe", None), ("Elif", None), ("Zeynep", None)],
            male: &[("Mehmet", None), ("Emre", None), ("Hasan", None)],
        },
        7,
    ),
    (
        Origin {
            lang: "so",
            ukraine: false,
            family: &[("Yusuf", None), ("Abdi", None), ("Warsame", None)],
            female: &[("Amina", None), ("Hodan", None), ("Sahra", None)],
            male: &[("Abdullahi", None), ("Mahad", None), ("Liban", None)],
        },
        5,
    ),
];

pub(super) const FIELDS: &[&str] = &[
    "language",
    "school_childcare",
    "training_studies",
    "work",
    "housing",
    "health",
    "finances",
    "residence",
    "family",
    "participation",
    "daily_life",
];

pub(super) fn goal_text(field: &str, rng: &mut Rng) -> &'static str {
    let options: &[&str] = match field {
        "language" => &[
            "Ich möchte den Integrationskurs mit B1 abschließen.",
            "Ich will beim Arzt ohne Dolmetscher sprechen können.",
        ],
        "school_childcare" => &[
            "Meine Tochter bekommt einen Kita-Platz.",
            "Die Kinder kommen in der Schule gut mit.",
        ],
        "training_studies" => &[
            "Ich möchte eine Ausbildung als Pflegefachkraft beginnen.",
            "Mein Abschluss wird in Deutschland anerkannt.",
        ],
        "work" => &[
            "Ich finde eine Arbeit in meinem Beruf.",
            "Ich möchte einen Minijob neben dem Kurs.",
        ],
        "housing" => &[
            "Wir finden eine eigene Wohnung.",
            "Wir ziehen aus der Anschlussunterbringung aus.",
        ],
        "health" => &[
            "Ich habe eine Hausärztin, die mich versteht.",
            "Ich bekomme eine Therapie.",
        ],
        "finances" => &[
            "Ich verstehe meine Post vom Jobcenter.",
            "Wir haben keine Schulden mehr.",
        ],
        "residence" => &[
            "Meine Aufenthaltserlaubnis wird verlängert.",
            "Ich stelle den Antrag auf Familiennachzug.",
        ],
        "family" => &[
            "Meine Frau und die Kinder kommen nach Deutschland.",
            "Wir bekommen Unterstützung bei der Erziehung.",
        ],
        "participation" => &[
            "Ich mache im Sportverein mit.",
            "Ich engagiere mich ehrenamtlich.",
        ],
        _ => &[
            "Ich fahre allein mit dem Bus zur Arbeit.",
            "Ich mache den Führerschein.",
        ],
    };
    options[rng.below(options.len() as u64) as usize]
}

pub(super) const STEP_TEXTS: &[&str] = &[
    "Termin beim Jobcenter vereinbaren",
    "Unterlagen zusammenstellen",
    "Anmeldung zum Kurs abgeben",
    "Bewerbung schreiben",
    "Antrag ausfüllen und einreichen",
    "Beratungsstelle gemeinsam besuchen",
    "Wohnungsanzeigen durchsehen",
    "Rückmeldung der Behörde abwarten",
];
pub(super) const THIRD_PARTIES: &[&str] = &[
    "Jobcenter Neckartal",
    "Volkshochschule Neckartal",
    "Ausländerbehörde",
    "Schuldnerberatung",
    "Kita Sonnenschein",
];
pub(super) const FOLLOWUP_REASONS: &[&str] = &[
    "Bescheid des Jobcenters nachfragen",
    "Kursanmeldung prüfen",
    "Wohnungsbesichtigung nachbereiten",
    "Unterlagen für die Ausländerbehörde",
    "Rückruf wegen Kita-Platz",
];
pub(super) const IM_NAMES: &[&str] = &[
    "Anna Becker",
    "Jonas Wagner",
    "Laura Schulz",
    "Felix Hoffmann",
    "Sarah Koch",
    "Lukas Richter",
    "Julia Klein",
    "David Wolf",
    "Lea Schröder",
    "Tim Neumann",
];
