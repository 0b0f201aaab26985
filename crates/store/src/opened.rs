//! The plaintext of a sealed column, as core opened it.
//!
//! A sealed column (`<name>_sealed`, a blob) has beside it in its entity an ignored field
//! `<name>` of this type, which core fills when it opens the value (`kernel::sealed` in core). A
//! model loaded without opening holds [`Opened::Unreadable`], so a forgotten opening shows the
//! "cannot be opened" marker, never an empty text that looks real.

/// A sealed value's plaintext, or the fact that it does not open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Opened {
    Text(String),
    /// Sealed under a key this instance does not hold, altered, copied from another row or an
    /// earlier version of its row — or not opened at all.
    #[default]
    Unreadable,
}

impl Opened {
    /// The text, if the value opened.
    pub fn text(&self) -> Option<&str> {
        match self {
            Opened::Text(t) => Some(t),
            Opened::Unreadable => None,
        }
    }

    /// The text, or the empty string when the value does not open (for a form's initial value:
    /// the form shows the marker beside it).
    pub fn as_str(&self) -> &str {
        self.text().unwrap_or_default()
    }

    pub fn is_unreadable(&self) -> bool {
        matches!(self, Opened::Unreadable)
    }
}

impl From<String> for Opened {
    fn from(s: String) -> Self {
        Opened::Text(s)
    }
}

impl From<&str> for Opened {
    fn from(s: &str) -> Self {
        Opened::Text(s.to_string())
    }
}
