//! The fonts embedded in the binary (Noto, from Debian's fonts-noto-core; see fonts/README.md).

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

const FILES: [&[u8]; 6] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
    include_bytes!("../fonts/NotoSansEthiopic-Regular.ttf"),
    include_bytes!("../fonts/NotoSansEthiopic-Bold.ttf"),
];

/// The parsed fonts and their book, built once per process.
pub(crate) struct Fonts {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub(crate) static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_embedded_fonts_parse() {
        assert_eq!(FONTS.fonts.len(), FILES.len());
        let families: Vec<&str> = FONTS.book.families().map(|(name, _)| name).collect();
        for family in ["Noto Sans", "Noto Naskh Arabic", "Noto Sans Ethiopic"] {
            assert!(
                families.contains(&family),
                "{family} missing in {families:?}"
            );
        }
    }
}
