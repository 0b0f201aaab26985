//! A minimal typst `World`: one embedded template and the shared `common.typ` it imports,
//! embedded fonts, data only through `sys.inputs`, no file system, no packages, no network, and a
//! fixed "today".

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FONTS;

/// The form template; it reads everything variable from `sys.inputs.data`.
pub(crate) const TEMPLATE: &str = include_str!("form.typ");
/// The integration plan's template, read the same way.
pub(crate) const PLAN_TEMPLATE: &str = include_str!("plan.typ");
/// The Art. 15 report's template, read the same way.
pub(crate) const ACCESS_TEMPLATE: &str = include_str!("access.typ");
/// The referral letter's template, read the same way.
pub(crate) const LETTER_TEMPLATE: &str = include_str!("letter.typ");
/// The volunteer's sheet's template, read the same way.
pub(crate) const SHEET_TEMPLATE: &str = include_str!("sheet.typ");
/// The appointment letter's template, read the same way.
pub(crate) const APPOINTMENT_TEMPLATE: &str = include_str!("appointment.typ");
/// What every template imports (`#import "common.typ": *`).
const COMMON: &str = include_str!("common.typ");

pub(crate) struct FormWorld {
    library: LazyHash<Library>,
    main: Source,
    common: Source,
    today: Datetime,
}

impl FormWorld {
    /// A world whose main file is `template` (one of the embedded templates): `inputs` becomes
    /// `sys.inputs`; `today` is what `datetime.today()` answers.
    pub(crate) fn with_template(
        name: &str,
        template: &'static str,
        inputs: Dict,
        today: Datetime,
    ) -> Result<Self, String> {
        let id = |name: &str| -> Result<FileId, String> {
            let path = VirtualPath::new(name).map_err(|e| format!("template path: {e:?}"))?;
            Ok(FileId::new(RootedPath::new(VirtualRoot::Project, path)))
        };
        Ok(Self {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main: Source::new(id(name)?, template.to_owned()),
            common: Source::new(id("common.typ")?, COMMON.to_owned()),
            today,
        })
    }
}

impl World for FormWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        [&self.main, &self.common]
            .into_iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or(FileError::AccessDenied)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id).map(Bytes::from_string)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
