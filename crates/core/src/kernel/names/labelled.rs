//! The labelled test set of the duplicate matcher: a deterministic (seeded) generator of person
//! records with known duplicates, built from the transliteration conventions, and the quality test
//! on it (F1 at the default threshold, per kind of variation).
//!
//! True pairs per kind of variation: another script (Arabic, Persian, Pashto, Cyrillic, Ge'ez),
//! another Latin spelling (DIN 31635, ALA-LC without diacritics, BGN/PCGN and passport English,
//! French, German/Duden; KMU 2010 and Duden for Ukrainian and Russian; Tigrinya/Amharic Latin
//! spellings; Turkish, Kurmanji and Somali spellings), given and family name swapped, a
//! patronymic added, a year only or 01.01., a year off by one, a typo. Hard non-pairs: people with
//! common names and other dates, twins (same family name and date), relatives (parent and child).
//! Everything goes into one pool with background people and is scanned as the product scans, so
//! the precision counts every false pair the blocking lets through.
//!
//! `cargo test -p ankommen-core labelled -- --nocapture` prints the table.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::matching::{self, Record, THRESHOLD};

/// A name with its spellings: the original script, then Latin spellings by convention.
struct Name {
    original: &'static str,
    latin: &'static [&'static str],
}

const fn n(original: &'static str, latin: &'static [&'static str]) -> Name {
    Name { original, latin }
}

/// Arabic given names (DIN 31635 with diacritics, ALA-LC plain, English/passport, French, German).
const ARABIC_GIVEN: &[Name] = &[
    n(
        "محمد",
        &[
            "Muḥammad",
            "Muhammad",
            "Mohammed",
            "Mohamed",
            "Mouhamad",
            "Mohammad",
        ],
    ),
    n("أحمد", &["Aḥmad", "Ahmad", "Ahmed", "Achmed"]),
    n("علي", &["ʿAlī", "Ali", "Aly"]),
    n("يوسف", &["Yūsuf", "Yusuf", "Youssef", "Yousef", "Jussuf"]),
    n("خالد", &["Ḫālid", "Khalid", "Khaled", "Chaled", "Chalid"]),
    n("عمر", &["ʿUmar", "Umar", "Omar", "Oumar"]),
    n("فاطمة", &["Fāṭima", "Fatima", "Fatimah", "Fatma"]),
    n("عائشة", &["ʿĀʾiša", "Aisha", "Aicha", "Aischa", "Ayesha"]),
    n("مريم", &["Maryam", "Mariam", "Meryem"]),
    n("زينب", &["Zainab", "Zaynab", "Zeinab", "Seinab"]),
    n("سعيد", &["Saʿīd", "Said", "Saeed", "Saïd"]),
    n("إبراهيم", &["Ibrāhīm", "Ibrahim", "Ebrahim", "Ibrahem"]),
    n(
        "عبد الله",
        &["ʿAbdallāh", "Abdullah", "Abdallah", "Abd Allah", "Abdulla"],
    ),
    n(
        "عبد الرحمن",
        &[
            "ʿAbd ar-Raḥmān",
            "Abdulrahman",
            "Abdelrahman",
            "Abd al-Rahman",
            "Abdurrahman",
        ],
    ),
    n("مصطفى", &["Muṣṭafā", "Mustafa", "Moustafa", "Mostafa"]),
    n("جميلة", &["Ǧamīla", "Jamila", "Djamila", "Dschamila"]),
    n("ياسمين", &["Yāsmīn", "Yasmin", "Yasmine", "Jasmin"]),
    n("حسين", &["Ḥusain", "Hussein", "Husain", "Houssein"]),
    n("نور", &["Nūr", "Nour", "Nur", "Noor"]),
    n("كريم", &["Karīm", "Karim", "Kareem"]),
];

const ARABIC_FAMILY: &[Name] = &[
    n("الحسن", &["al-Ḥasan", "Al-Hassan", "Alhassan", "El Hassan"]),
    n("درويش", &["Darwīš", "Darwish", "Darwisch", "Darouiche"]),
    n("حداد", &["Ḥaddād", "Haddad", "Hadad"]),
    n(
        "الخطيب",
        &[
            "al-Ḫaṭīb",
            "Al-Khatib",
            "Alkhatib",
            "El Khatib",
            "Al-Chatib",
        ],
    ),
    n("شريف", &["Šarīf", "Sharif", "Cherif", "Scharif"]),
    n("منصور", &["Manṣūr", "Mansour", "Mansur"]),
    n("قاسم", &["Qāsim", "Qasim", "Kassem", "Kasim"]),
    n("العلي", &["al-ʿAlī", "Al-Ali", "Alali", "El Ali"]),
    n("السيد", &["as-Saiyid", "Al-Sayed", "El-Sayed", "Elsayed"]),
    n("عثمان", &["ʿUṯmān", "Uthman", "Othman", "Osman"]),
    n("الشامي", &["aš-Šāmī", "Al-Shami", "Alshami", "El Chami"]),
    n("حمدان", &["Ḥamdān", "Hamdan", "Hamdane"]),
];

/// Persian (Dari) and Pashto names (Persian script; English/passport, German, BGN/PCGN).
const PERSIAN_GIVEN: &[Name] = &[
    n("محمد", &["Mohammad", "Muhammad", "Mohamad", "Mohammed"]),
    n("احمد", &["Ahmad", "Ahmed", "Achmad"]),
    n("فرید", &["Farid", "Fareed", "Fared"]),
    n("مسعود", &["Masoud", "Massoud", "Masud", "Masood"]),
    n("زهرا", &["Zahra", "Zahraa", "Sahra"]),
    n("شبنم", &["Shabnam", "Schabnam", "Shabnum"]),
    n("گل", &["Gul", "Gol", "Gull"]),
    n("زرمینه", &["Zarmina", "Zarmeena", "Sarmina"]),
    n("نجیب", &["Najib", "Najeeb", "Nadschib"]),
    n("حمید", &["Hamid", "Hameed", "Hamed"]),
    n("پروین", &["Parwin", "Parvin", "Perwin"]),
    n("خدیجه", &["Khadija", "Chadidscha", "Khadijeh", "Khadidja"]),
];

const PERSIAN_FAMILY: &[Name] = &[
    n("احمدی", &["Ahmadi", "Ahmady", "Achmadi"]),
    n("کریمی", &["Karimi", "Karimy", "Kerimi"]),
    n("حسینی", &["Hosseini", "Husseini", "Hussaini", "Hosseyni"]),
    n("رحیمی", &["Rahimi", "Rahimy", "Rachimi"]),
    n("محمدی", &["Mohammadi", "Muhammadi", "Mohamadi"]),
    n("نوری", &["Noori", "Nouri", "Nuri"]),
    n("یوسفزی", &["Yousafzai", "Yusufzai", "Jusufsai"]),
    n("صافی", &["Safi", "Saafi", "Safie"]),
    n("وردک", &["Wardak", "Vardak", "Wardag"]),
    n("ستانکزی", &["Stanekzai", "Stanakzai", "Stanikzai"]),
    n("عزیزی", &["Azizi", "Asisi", "Azizy"]),
    n("جلالی", &["Jalali", "Dschalali", "Djalali"]),
];

/// Tigrinya and Amharic names in Ge'ez and their Latin spellings.
const GEEZ_GIVEN: &[Name] = &[
    n("ተስፋይ", &["Tesfay", "Tesfaye", "Tesfai"]),
    n("ዮሃንስ", &["Yohannes", "Yohanes", "Johannes"]),
    n("ሃይለ", &["Haile", "Hayle", "Haileh"]),
    n("ብርሃነ", &["Berhane", "Birhane", "Brhane"]),
    n("ሰላም", &["Selam", "Salam", "Selaam"]),
    n("ኣማኑኤል", &["Amanuel", "Amanouel", "Emanuel"]),
    n("ፍሰሃ", &["Fisseha", "Fesseha", "Fiseha"]),
    n("ክብሮም", &["Kibrom", "Kbrom", "Kebrom"]),
    n("ሳባ", &["Saba", "Sabaa", "Sabah"]),
    n("ሄለን", &["Helen", "Hellen", "Helena"]),
];

const GEEZ_FAMILY: &[Name] = &[
    n(
        "ገብረሚካኤል",
        &[
            "Gebremichael",
            "Gebremikael",
            "Ghebremichael",
            "Gebre-Mikael",
        ],
    ),
    n(
        "ወልደማርያም",
        &["Weldemariam", "Woldemariam", "Wolde Mariam", "Weldemaryam"],
    ),
    n("ተኽለ", &["Tekle", "Tekleh", "Teklay"]),
    n("ኣብርሃ", &["Abraha", "Abreha", "Abrha"]),
    n("ገብሩ", &["Gebru", "Gebrou", "Ghebru"]),
    n("መሓሪ", &["Mehari", "Mihari", "Meharie"]),
    n("ኪዳነ", &["Kidane", "Kidanne", "Kedane"]),
    n("ሃብተ", &["Habte", "Habteh", "Hapte"]),
];

/// Turkish, Kurmanji and Somali names: the own orthography first, then English and German spellings.
const TKS_GIVEN: &[Name] = &[
    n("Şükrü", &["Şükrü", "Sükrü", "Shukru", "Schükrü"]),
    n("Gülşen", &["Gülşen", "Gulsen", "Gulshen", "Gülschen"]),
    n("Xalid", &["Xalid", "Khalid", "Chalid"]),
    n("Berîvan", &["Berîvan", "Berivan", "Beriwan"]),
    n("Dilovan", &["Dilovan", "Dilowan", "Dilwan"]),
    n("Hêvî", &["Hêvî", "Hevi", "Hewi"]),
    n("Maxamed", &["Maxamed", "Mohamed", "Mohammed"]),
    n("Cali", &["Cali", "Ali", "Aly"]),
    n("Xasan", &["Xasan", "Hasan", "Hassan"]),
    n("Faadumo", &["Faadumo", "Fadumo", "Fatuma"]),
    n("Cumar", &["Cumar", "Omar", "Umar"]),
    n("Xaliimo", &["Xaliimo", "Halima", "Halimo"]),
];

const TKS_FAMILY: &[Name] = &[
    n("Çelik", &["Çelik", "Celik", "Chelik", "Tschelik"]),
    n("Özdemir", &["Özdemir", "Oezdemir", "Ozdemir"]),
    n("Yılmaz", &["Yılmaz", "Yilmaz", "Jilmaz"]),
    n("Doğan", &["Doğan", "Dogan", "Doan"]),
    n("Şêx", &["Şêx", "Sheikh", "Scheich", "Shex"]),
    n("Cabdullaahi", &["Cabdullaahi", "Abdullahi", "Abdullahi"]),
    n("Warsame", &["Warsame", "Warsama", "Warsameh"]),
    n("Jaamac", &["Jaamac", "Jama", "Jamac"]),
    n("Faarax", &["Faarax", "Farah", "Faarah"]),
    n("Xirsi", &["Xirsi", "Hirsi", "Hersi"]),
    n("Maxamuud", &["Maxamuud", "Mohamud", "Mahmoud"]),
];

/// Ukrainian and Russian names in Cyrillic (the Latin spellings are derived by KMU 2010 and Duden).
const CYR_GIVEN: &[&str] = &[
    "Олена",
    "Олександр",
    "Юлія",
    "Андрій",
    "Наталія",
    "Сергій",
    "Тетяна",
    "Дмитро",
    "Ірина",
    "Євген",
    "Оксана",
    "Володимир",
    "Анастасія",
    "Михайло",
    "Катерина",
    "Сергей",
    "Наталья",
    "Алексей",
    "Екатерина",
    "Юрій",
];
const CYR_FAMILY: &[&str] = &[
    "Коваленко",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Кравчук",
    "Мельник",
    "Лисенко",
    "Журавель",
    "Харченко",
    "Поліщук",
    "Іванов",
    "Смирнова",
    "Кузнецов",
    "Чорновол",
    "Зайченко",
    "Щербак",
];
const CYR_PATRONYMIC: &[&str] = &[
    "Олександрович",
    "Петрівна",
    "Іванович",
    "Миколаївна",
    "Сергійович",
    "Андріївна",
];

/// A Ukrainian name (one with a letter Russian lacks); the others are taken as Russian, whose
/// г is a g in every convention.
fn ukrainian(s: &str) -> bool {
    s.chars().any(|c| "іїєґІЇЄҐ".contains(c))
}

/// Ukrainian to Latin by the KMU 2010 rules (the Ukrainian passport).
fn kmu(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let ukrainian = ukrainian(s);
    for (i, &c) in chars.iter().enumerate() {
        let initial = i == 0 || !chars[i - 1].is_alphabetic();
        let lower = c.to_lowercase().next().unwrap_or(c);
        let t: &str = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => {
                if ukrainian {
                    "h"
                } else {
                    "g"
                }
            }
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' => {
                if initial {
                    "ye"
                } else {
                    "ie"
                }
            }
            'ж' => "zh",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'ї' => {
                if initial {
                    "yi"
                } else {
                    "i"
                }
            }
            'й' => {
                if initial {
                    "y"
                } else {
                    "i"
                }
            }
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ь' | 'ъ' => "",
            'ю' => {
                if initial {
                    "yu"
                } else {
                    "iu"
                }
            }
            'я' => {
                if initial {
                    "ya"
                } else {
                    "ia"
                }
            }
            'ы' => "y",
            'ё' => "yo",
            'э' => "e",
            _ => {
                out.push(c);
                continue;
            }
        };
        push_cased(&mut out, t, c.is_uppercase());
    }
    out
}

/// Ukrainian and Russian to Latin as German authorities and the Duden spell them.
fn duden(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let ukrainian = ukrainian(s);
    let vowel = |c: char| "аеєиіїоуюяыэё".contains(c.to_lowercase().next().unwrap_or(c));
    for (i, &c) in chars.iter().enumerate() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let between_vowels =
            i > 0 && i + 1 < chars.len() && vowel(chars[i - 1]) && vowel(chars[i + 1]);
        let t: &str = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "w",
            'г' => {
                if ukrainian {
                    "h"
                } else {
                    "g"
                }
            }
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' => "je",
            'ж' => "sch",
            'з' => "s",
            'и' => "y",
            'і' => "i",
            'ї' => "ji",
            'й' => "j",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => {
                if between_vowels {
                    "ss"
                } else {
                    "s"
                }
            }
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "ch",
            'ц' => "z",
            'ч' => "tsch",
            'ш' => "sch",
            'щ' => "schtsch",
            'ь' | 'ъ' => "",
            'ю' => "ju",
            'я' => "ja",
            'ы' => "y",
            'ё' => "jo",
            'э' => "e",
            _ => {
                out.push(c);
                continue;
            }
        };
        push_cased(&mut out, t, c.is_uppercase());
    }
    out
}

fn push_cased(out: &mut String, t: &str, upper: bool) {
    let mut cs = t.chars();
    if let Some(f) = cs.next() {
        if upper {
            out.extend(f.to_uppercase());
        } else {
            out.push(f);
        }
        out.extend(cs);
    }
}

/// A deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn date(&mut self) -> NaiveDate {
        let year = 1950 + self.below(60) as i32;
        let ordinal = 2 + self.below(360) as u32;
        NaiveDate::from_yo_opt(year, ordinal).unwrap_or(NaiveDate::MIN)
    }
}

/// A generated record.
#[derive(Clone, Debug)]
pub struct Person {
    pub given: String,
    pub family: String,
    pub original: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: i32,
}

impl Person {
    fn full(given: &str, family: &str, date: NaiveDate) -> Self {
        Self {
            given: given.into(),
            family: family.into(),
            original: None,
            birth_date: Some(date),
            birth_year: date.year(),
        }
    }
    fn record(&self) -> Record<'_> {
        Record {
            given: &self.given,
            family: &self.family,
            original: self.original.as_deref(),
            birth_date: self.birth_date,
            birth_year: self.birth_year,
        }
    }
}

/// The kinds of variation of true pairs, and of hard non-pairs.
pub const SAME_KINDS: &[&str] = &[
    "script-arabic-persian",
    "script-cyrillic",
    "script-geez",
    "spelling-arabic-persian",
    "spelling-cyrillic-kmu-duden",
    "spelling-geez",
    "spelling-turkish-kurmanji-somali",
    "swapped",
    "patronymic",
    "year-only-or-01.01.",
    "year-off-by-one",
    "typo",
];
pub const APART_KINDS: &[&str] = &["common-name", "twins", "relatives"];

/// The labelled set: records, and for each group of records its kind and whether its records are
/// one person (`true`) or different people.
pub struct Set {
    pub persons: Vec<Person>,
    /// (kind, same person, record indexes)
    pub groups: Vec<(&'static str, bool, Vec<usize>)>,
}

/// A Latin spelling of a name entry and another one.
fn two_spellings(rng: &mut Rng, name: &Name) -> (String, String) {
    let a = rng.below(name.latin.len());
    let mut b = rng.below(name.latin.len());
    if name.latin.len() > 1 {
        while b == a {
            b = rng.below(name.latin.len());
        }
    }
    (name.latin[a].to_string(), name.latin[b].to_string())
}

fn typo(rng: &mut Rng, s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    if cs.len() < 4 {
        return s.to_string();
    }
    let i = 1 + rng.below(cs.len() - 2);
    match rng.below(4) {
        0 => {
            cs.remove(i);
        }
        1 => cs.insert(i, cs[i]),
        2 => cs.swap(i, i + 1),
        _ => cs[i] = if cs[i] == 'e' { 'i' } else { 'e' },
    }
    cs.into_iter().collect()
}

/// Generates the set: `per_kind` groups of each kind and `background` further people.
// `*rng.pick(..)` copies the `&str` out of the list; the lint's suggestion (drop the `*`) does not
// compile where the argument is generic (a false positive).
#[allow(clippy::explicit_auto_deref)]
pub fn generate(seed: u64, per_kind: usize, background: usize) -> Set {
    let mut rng = Rng(seed);
    let mut set = Set {
        persons: Vec::new(),
        groups: Vec::new(),
    };
    let arabic_persian = |rng: &mut Rng| -> (&'static Name, &'static Name) {
        if rng.below(2) == 0 {
            (rng.pick(ARABIC_GIVEN), rng.pick(ARABIC_FAMILY))
        } else {
            (rng.pick(PERSIAN_GIVEN), rng.pick(PERSIAN_FAMILY))
        }
    };
    let any_latin = |rng: &mut Rng| -> (String, String) {
        match rng.below(4) {
            0 => {
                let (g, f) = (rng.pick(ARABIC_GIVEN), rng.pick(ARABIC_FAMILY));
                (
                    (*rng.pick(g.latin)).to_string(),
                    (*rng.pick(f.latin)).to_string(),
                )
            }
            1 => {
                let (g, f) = (rng.pick(PERSIAN_GIVEN), rng.pick(PERSIAN_FAMILY));
                (
                    (*rng.pick(g.latin)).to_string(),
                    (*rng.pick(f.latin)).to_string(),
                )
            }
            2 => (
                kmu(rng.pick::<&str>(CYR_GIVEN)),
                kmu(rng.pick::<&str>(CYR_FAMILY)),
            ),
            _ => {
                let (g, f) = (rng.pick(TKS_GIVEN), rng.pick(TKS_FAMILY));
                (
                    (*rng.pick(g.latin)).to_string(),
                    (*rng.pick(f.latin)).to_string(),
                )
            }
        }
    };
    let push = |set: &mut Set, kind: &'static str, same: bool, ps: Vec<Person>| {
        let start = set.persons.len();
        set.persons.extend(ps);
        set.groups
            .push((kind, same, (start..set.persons.len()).collect()));
    };
    for _ in 0..per_kind {
        let d = rng.date();
        // Another script.
        let (g, f) = arabic_persian(&mut rng);
        push(
            &mut set,
            "script-arabic-persian",
            true,
            vec![
                Person::full(rng.pick::<&str>(g.latin), rng.pick::<&str>(f.latin), d),
                Person::full(g.original, f.original, d),
            ],
        );
        let d = rng.date();
        let (g, f) = (*rng.pick(CYR_GIVEN), *rng.pick(CYR_FAMILY));
        let latin = if rng.below(2) == 0 { kmu(g) } else { duden(g) };
        let latin_f = if rng.below(2) == 0 { kmu(f) } else { duden(f) };
        push(
            &mut set,
            "script-cyrillic",
            true,
            vec![Person::full(&latin, &latin_f, d), Person::full(g, f, d)],
        );
        let d = rng.date();
        let (g, f) = (rng.pick(GEEZ_GIVEN), rng.pick(GEEZ_FAMILY));
        push(
            &mut set,
            "script-geez",
            true,
            vec![
                Person::full(rng.pick::<&str>(g.latin), rng.pick::<&str>(f.latin), d),
                Person::full(g.original, f.original, d),
            ],
        );
        // Another Latin spelling.
        let d = rng.date();
        let (g, f) = arabic_persian(&mut rng);
        let ((g1, g2), (f1, f2)) = (two_spellings(&mut rng, g), two_spellings(&mut rng, f));
        push(
            &mut set,
            "spelling-arabic-persian",
            true,
            vec![Person::full(&g1, &f1, d), Person::full(&g2, &f2, d)],
        );
        let d = rng.date();
        let (g, f) = (*rng.pick(CYR_GIVEN), *rng.pick(CYR_FAMILY));
        push(
            &mut set,
            "spelling-cyrillic-kmu-duden",
            true,
            vec![
                Person::full(&kmu(g), &kmu(f), d),
                Person::full(&duden(g), &duden(f), d),
            ],
        );
        let d = rng.date();
        let (g, f) = (rng.pick(GEEZ_GIVEN), rng.pick(GEEZ_FAMILY));
        let ((g1, g2), (f1, f2)) = (two_spellings(&mut rng, g), two_spellings(&mut rng, f));
        push(
            &mut set,
            "spelling-geez",
            true,
            vec![Person::full(&g1, &f1, d), Person::full(&g2, &f2, d)],
        );
        let d = rng.date();
        let (g, f) = (rng.pick(TKS_GIVEN), rng.pick(TKS_FAMILY));
        let ((g1, g2), (f1, f2)) = (two_spellings(&mut rng, g), two_spellings(&mut rng, f));
        push(
            &mut set,
            "spelling-turkish-kurmanji-somali",
            true,
            vec![Person::full(&g1, &f1, d), Person::full(&g2, &f2, d)],
        );
        // Swapped, sometimes also spelled otherwise.
        let d = rng.date();
        let (g, f) = any_latin(&mut rng);
        push(
            &mut set,
            "swapped",
            true,
            vec![Person::full(&g, &f, d), Person::full(&f, &g, d)],
        );
        // A patronymic (Ukrainian) or the father's name (Arabic, Persian, Ge'ez) added.
        let d = rng.date();
        let ps = match rng.below(3) {
            0 => {
                let (g, f, p) = (
                    *rng.pick(CYR_GIVEN),
                    *rng.pick(CYR_FAMILY),
                    *rng.pick(CYR_PATRONYMIC),
                );
                vec![
                    Person::full(&kmu(g), &kmu(f), d),
                    Person::full(&format!("{} {}", kmu(g), kmu(p)), &kmu(f), d),
                ]
            }
            1 => {
                let (g, f) = arabic_persian(&mut rng);
                let father = rng.pick(ARABIC_GIVEN);
                let gl = *rng.pick(g.latin);
                let fl = *rng.pick(f.latin);
                vec![
                    Person::full(gl, fl, d),
                    Person::full(&format!("{gl} {}", *rng.pick(father.latin)), fl, d),
                ]
            }
            _ => {
                let (g, f) = (rng.pick(GEEZ_GIVEN), rng.pick(GEEZ_GIVEN));
                let grand = rng.pick(GEEZ_FAMILY);
                let (gl, fl) = (*rng.pick(g.latin), *rng.pick(f.latin));
                vec![
                    Person::full(gl, fl, d),
                    Person::full(gl, &format!("{fl} {}", *rng.pick(grand.latin)), d),
                ]
            }
        };
        push(&mut set, "patronymic", true, ps);
        // A year only, or 01.01. as a placeholder.
        let d = rng.date();
        let (g, f) = any_latin(&mut rng);
        let mut b = Person::full(&g, &f, d);
        if rng.below(2) == 0 {
            b.birth_date = None;
        } else {
            b.birth_date = NaiveDate::from_ymd_opt(d.year(), 1, 1);
        }
        push(
            &mut set,
            "year-only-or-01.01.",
            true,
            vec![Person::full(&g, &f, d), b],
        );
        // A year off by one: the same day and month, or against a year only.
        let d = rng.date();
        let (g, f) = any_latin(&mut rng);
        let dy = if rng.below(2) == 0 { 1 } else { -1 };
        let mut b = Person::full(&g, &f, d);
        b.birth_year = d.year() + dy;
        b.birth_date = if rng.below(2) == 0 {
            d.with_year(d.year() + dy)
        } else {
            None
        };
        push(
            &mut set,
            "year-off-by-one",
            true,
            vec![Person::full(&g, &f, d), b],
        );
        // A typo in one of the names.
        let d = rng.date();
        let (g, f) = any_latin(&mut rng);
        let (g2, f2) = if rng.below(2) == 0 {
            (typo(&mut rng, &g), f.clone())
        } else {
            (g.clone(), typo(&mut rng, &f))
        };
        push(
            &mut set,
            "typo",
            true,
            vec![Person::full(&g, &f, d), Person::full(&g2, &f2, d)],
        );

        // Hard non-pairs. Common names: the same name (perhaps spelled otherwise) and other dates.
        let common = [
            ("Mohammad", "Ahmadi"),
            ("Mohammed", "Ahmadi"),
            ("Ahmad", "Karimi"),
            ("Ali", "Hosseini"),
            ("Mohamed", "Ali"),
            ("Olena", "Kovalenko"),
        ];
        let d = rng.date();
        let (g, f) = *rng.pick(&common);
        let mut ps = vec![Person::full(g, f, d)];
        for _ in 0..2 {
            let mut other = rng.date();
            if other.year().abs_diff(d.year()) <= 1 {
                // Another real date in the same or a neighbouring year.
                other = other.with_year(d.year()).unwrap_or(other);
                if (other.month(), other.day()) == (d.month(), d.day()) || other.ordinal() == 1 {
                    other = d.succ_opt().unwrap_or(d);
                }
            }
            ps.push(Person::full(g, f, other));
        }
        ps.dedup_by(|a, b| a.birth_date == b.birth_date);
        push(&mut set, "common-name", false, ps);
        // Twins: the same family name and date, another given name.
        let d = rng.date();
        let (g, f) = arabic_persian(&mut rng);
        let mut g2 = rng.pick(ARABIC_GIVEN);
        while g2.original == g.original {
            g2 = rng.pick(ARABIC_GIVEN);
        }
        let fam = *rng.pick(f.latin);
        push(
            &mut set,
            "twins",
            false,
            vec![
                Person::full(rng.pick::<&str>(g.latin), fam, d),
                Person::full(rng.pick::<&str>(g2.latin), fam, d),
            ],
        );
        // Relatives: a parent and a child of the same name, or a father's name as the child's
        // second name; decades apart.
        let d = rng.date();
        let (g, f) = any_latin(&mut rng);
        let child =
            NaiveDate::from_ymd_opt(d.year() + 20 + rng.below(15) as i32, 6, 15).unwrap_or(d);
        let (cg, _) = any_latin(&mut rng);
        push(
            &mut set,
            "relatives",
            false,
            vec![
                Person::full(&g, &f, d),
                Person::full(&format!("{cg} {g}"), &f, child),
            ],
        );
    }
    // Background: people of the same name tables, each once.
    let mut used: HashSet<(String, String, i32)> = set
        .persons
        .iter()
        .map(|p| (p.given.clone(), p.family.clone(), p.birth_year))
        .collect();
    let mut made = 0;
    while made < background {
        let (g, f) = any_latin(&mut rng);
        let d = rng.date();
        let clash = (-1..=1).any(|dy| used.contains(&(g.clone(), f.clone(), d.year() + dy)));
        if clash {
            continue;
        }
        used.insert((g.clone(), f.clone(), d.year()));
        push(&mut set, "background", false, vec![Person::full(&g, &f, d)]);
        made += 1;
    }
    set
}

/// Precision, recall and F1 per kind (and overall) of a scan of the set's pool.
pub struct Quality {
    /// kind -> (true positives, false negatives, false positives)
    pub per_kind: BTreeMap<&'static str, (usize, usize, usize)>,
    pub total: (usize, usize, usize),
}

fn f1(tp: usize, fn_: usize, fp: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        1.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Scans the pool as the product does and compares with the labels. A false pair counts against
/// the kind of the group of its first record.
pub fn evaluate(set: &Set) -> Quality {
    let prepared: Vec<_> = set
        .persons
        .iter()
        .map(|p| matching::prepare(&p.record()))
        .collect();
    let found = matching::scan(&prepared, THRESHOLD);
    let mut group_of = vec![0usize; set.persons.len()];
    for (g, (_, _, members)) in set.groups.iter().enumerate() {
        for &m in members {
            group_of[m] = g;
        }
    }
    let mut per_kind: BTreeMap<&'static str, (usize, usize, usize)> = BTreeMap::new();
    let mut found_true: HashSet<(usize, usize)> = HashSet::new();
    for (i, j, _) in &found {
        let (gi, gj) = (group_of[*i], group_of[*j]);
        let (kind, same, _) = &set.groups[gi];
        let e = per_kind.entry(kind).or_default();
        if gi == gj && *same {
            e.0 += 1;
            found_true.insert((*i, *j));
        } else {
            e.2 += 1;
        }
    }
    for (kind, same, members) in &set.groups {
        if !*same {
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if !found_true.contains(&(i.min(j), i.max(j))) {
                    per_kind.entry(kind).or_default().1 += 1;
                }
            }
        }
    }
    let total = per_kind
        .values()
        .fold((0, 0, 0), |t, v| (t.0 + v.0, t.1 + v.1, t.2 + v.2));
    Quality { per_kind, total }
}

/// The table of `docs/benchmarks.md`.
pub fn table(q: &Quality) -> String {
    let mut out = String::from(
        "| kind of variation | true pairs found | missed | false pairs | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let kinds = SAME_KINDS
        .iter()
        .chain(APART_KINDS)
        .chain(&["background"])
        .copied();
    for kind in kinds {
        let (tp, fn_, fp) = q.per_kind.get(kind).copied().unwrap_or_default();
        let (p, r, f) = f1(tp, fn_, fp);
        out.push_str(&format!(
            "| {kind} | {tp} | {fn_} | {fp} | {p:.3} | {r:.3} | {f:.3} |\n"
        ));
    }
    let (tp, fn_, fp) = q.total;
    let (p, r, f) = f1(tp, fn_, fp);
    out.push_str(&format!(
        "| **all** | {tp} | {fn_} | {fp} | {p:.3} | {r:.3} | **{f:.3}** |\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transliterations_follow_their_conventions() {
        assert_eq!(kmu("Юлія Шевченко"), "Yuliia Shevchenko");
        assert_eq!(kmu("Олексій"), "Oleksii");
        assert_eq!(kmu("Євген"), "Yevhen");
        assert_eq!(duden("Юлія Шевченко"), "Julija Schewtschenko");
        assert_eq!(duden("Харченко"), "Chartschenko");
    }

    #[test]
    fn the_set_is_deterministic() {
        let a = generate(7, 5, 20);
        let b = generate(7, 5, 20);
        let names = |s: &Set| -> Vec<String> {
            s.persons
                .iter()
                .map(|p| format!("{} {} {:?}", p.given, p.family, p.birth_date))
                .collect()
        };
        assert_eq!(names(&a), names(&b));
        assert_eq!(a.groups.len(), 15 * 5 + 20);
    }

    /// Prints the missed and false pairs (for tuning the matcher).
    #[test]
    #[ignore]
    fn print_mistakes() {
        let set = generate(22, 200, 3000);
        let prepared: Vec<_> = set
            .persons
            .iter()
            .map(|p| matching::prepare(&p.record()))
            .collect();
        let found: HashSet<(usize, usize)> = matching::scan(&prepared, THRESHOLD)
            .into_iter()
            .map(|(i, j, _)| (i, j))
            .collect();
        let show = |p: &Person| {
            format!(
                "{} / {} / {:?} {}",
                p.given, p.family, p.birth_date, p.birth_year
            )
        };
        let mut in_group = HashSet::new();
        for (kind, same, members) in &set.groups {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    in_group.insert((i, j));
                    if *same && !found.contains(&(i, j)) {
                        let m = matching::score(&set.persons[i].record(), &set.persons[j].record());
                        println!(
                            "MISS {kind}: {} | {} {:?}",
                            show(&set.persons[i]),
                            show(&set.persons[j]),
                            m
                        );
                    }
                }
            }
        }
        for (i, j) in &found {
            let same = set
                .groups
                .iter()
                .any(|(_, s, m)| *s && m.contains(i) && m.contains(j));
            if !same {
                let m = matching::score(&set.persons[*i].record(), &set.persons[*j].record());
                println!(
                    "FALSE: {} | {} {:?}",
                    show(&set.persons[*i]),
                    show(&set.persons[*j]),
                    m
                );
            }
        }
    }

    /// The stored keys (`person_match_keys`) are computed again at start-up only when
    /// `KEYS_VERSION` changes: a change of the keys of a record must come with a new version.
    #[test]
    fn the_stored_keys_change_only_with_a_new_version() {
        let set = generate(22, 20, 300);
        // FNV-1a over every record's keys and year (stable across Rust versions).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for p in &set.persons {
            let k = matching::keys(&p.record());
            for b in format!("{:?} {}\n", k.keys, k.birth_year).bytes() {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!(
            (matching::KEYS_VERSION, format!("{hash:016x}")),
            (1, "6a22097b430d32c6".to_string()),
            "the matcher's keys changed: raise KEYS_VERSION and pin the new hash here"
        );
    }

    /// The quality target of issue 22: F1 of at least 0.85 at the default threshold.
    #[test]
    fn duplicate_detection_reaches_f1_of_0_85() {
        let set = generate(22, 200, 3000);
        let q = evaluate(&set);
        println!("{}", table(&q));
        let (tp, fn_, fp) = q.total;
        let (_, _, f) = f1(tp, fn_, fp);
        assert!(f >= 0.85, "F1 {f:.3} below 0.85\n{}", table(&q));
    }
}
