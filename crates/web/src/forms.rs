//! Form input (`application/x-www-form-urlencoded`, repeated keys allowed) and the view of a form
//! being re-shown with its errors and what the user typed.

use ankommen_store::Opened;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use ankommen_core::FieldErrors;

use crate::i18n::Tr;

/// The message key of a form that arrived incomplete (e.g. without the version of the record it
/// edits): the form's fault, not the user's, so it is shown for the whole form, not for a field.
const BROKEN_FORM: &str = "error-form";

/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Parsed form fields in their order.
#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
            .ok()
            .map(Self)
    }
    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// A check box (or a submit button) that sends `on` when set and nothing when not. Any other
    /// value is not one of its choices: a field error, never read as "set" or "not set".
    pub fn flag(&self, name: &'static str, on: &str) -> Result<bool, ankommen_core::Error> {
        match self.get(name).trim() {
            "" => Ok(false),
            v if v == on => Ok(true),
            _ => Err(ankommen_core::Error::field(name, "error-choice")),
        }
    }
    /// The common tail of every edit form: the parsed fields, the "active" check box (`on`) and
    /// the version of the record the user saw (missing version: the form is broken, not the
    /// user's input). The check box's error joins the fields' errors.
    pub fn edit<T>(
        &self,
        parsed: Result<T, ankommen_core::Error>,
    ) -> Result<(T, bool, i32), ankommen_core::Error> {
        use ankommen_core::Error;
        let (input, active) = match (parsed, self.flag("active", "on")) {
            (Ok(input), Ok(active)) => (input, active),
            (Err(Error::Invalid(mut fe)), Err(Error::Invalid(more))) => {
                fe.0.extend(more.0);
                return Err(Error::Invalid(fe));
            }
            (Err(e), _) | (Ok(_), Err(e)) => return Err(e),
        };
        Ok((input, active, self.version()?))
    }

    /// The version of the record the user saw. Missing: the form is broken, not the user's input.
    pub fn version(&self) -> Result<i32, ankommen_core::Error> {
        self.version_in("version")
    }

    /// A version carried in another field (e.g. `plan_version`), with the same rule.
    pub fn version_in(&self, name: &str) -> Result<i32, ankommen_core::Error> {
        self.int(name)
            .ok_or_else(|| ankommen_core::Error::field("form", BROKEN_FORM))
    }

    /// An integer field (e.g. the version of an edited record); None when missing or not a number.
    pub fn int(&self, name: &str) -> Option<i32> {
        self.get(name).trim().parse().ok()
    }
}

pub struct BadForm;

impl IntoResponse for BadForm {
    fn into_response(self) -> Response {
        crate::error::AppError(ankommen_core::Error::field("form", BROKEN_FORM)).into_response()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        FormData::parse(&bytes).ok_or_else(|| BadForm.into_response())
    }
}

/// What a form template needs: the values to show and the (translated) errors per field.
#[derive(Clone, Debug, Default)]
pub struct FormView {
    values: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// An error about the whole form (e.g. someone else saved meanwhile).
    pub general: Option<String>,
}

fn keep(name: &str) -> bool {
    // Secrets are never sent back to the browser.
    !name.contains("password") && name != "_csrf"
}

impl FormView {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
    }
    pub fn from_data(d: &FormData) -> Self {
        Self {
            values: d.0.iter().filter(|(k, _)| keep(k)).cloned().collect(),
            ..Self::default()
        }
    }
    pub fn with_errors(mut self, e: &FieldErrors, tr: &Tr) -> Self {
        for fe in &e.0 {
            if fe.key == BROKEN_FORM {
                // Not about anything the user typed: a message about the whole form.
                self.general.get_or_insert_with(|| tr.t(fe.key));
            } else {
                let msg = match fe.count {
                    Some(n) => tr.tn(fe.key, "count", n),
                    None => tr.t(fe.key),
                };
                self.errors.push((fe.field.to_string(), msg));
            }
        }
        self
    }
    /// The stored text of a sealed field as the field's initial value; one that does not open
    /// leaves the field empty and says so above the form (saving replaces it).
    pub fn with_sealed(mut self, name: &str, value: Option<&Opened>, tr: &Tr) -> Self {
        match value {
            Some(Opened::Unreadable) => {
                self.set(name, "");
                self.general = Some(tr.t("sealed-unreadable-form"));
            }
            Some(Opened::Text(t)) => self.set(name, t),
            None => self.set(name, ""),
        }
        self
    }
    pub fn with_general(mut self, msg: String) -> Self {
        self.general = Some(msg);
        self
    }
    pub fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// All values of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// Sets (replaces) a value.
    pub fn set(&mut self, name: &str, value: &str) {
        self.values.retain(|(k, _)| k != name);
        self.values.push((name.to_string(), value.to_string()));
    }
    /// For check boxes and multiple choices.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == value)
    }
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }
    /// All error messages, for the summary at the top of a form.
    pub fn error_list(&self) -> Vec<(String, String)> {
        self.errors.clone()
    }
}

/// The attribute by which the error summary (`_macros.html`, `errors`) marks a link whose field
/// label is still to be filled in, with the id of the field as its value.
const SUMMARY_FIELD: &str = " data-summary-field=\"";

/// Names the field in each line of a form's error summary: "Fällig am: Das Datum liegt nach dem
/// Ende des Falls." instead of the message alone, so that two "Pflichtfeld" lines can be told
/// apart. The label is the one the page shows for the field: the text of its `<label for=…>`, or
/// the `<legend>` of a fieldset with the field's id (check box groups). Done on the rendered page
/// because the summary stands above the fields whose labels it names; a line whose field has no
/// label on the page keeps its message alone. Pages without a summary are returned as they are.
pub fn label_error_summary(html: String) -> String {
    if !html.contains(SUMMARY_FIELD) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(at) = rest.find(SUMMARY_FIELD) {
        let after = &rest[at + SUMMARY_FIELD.len()..];
        // The field's id, and the end of the link's opening tag (the macro always writes both).
        let Some((id, close)) = after
            .find('"')
            .and_then(|end| Some((&after[..end], end + 1 + after[end + 1..].find('>')?)))
        else {
            break;
        };
        out.push_str(&rest[..at]);
        out.push_str(&after[id.len() + 1..=close]);
        if let Some(label) = field_label(&html, id) {
            out.push_str(&label);
            out.push_str(": ");
        } else {
            debug_assert!(
                html.contains(&format!("id=\"{id}\"")),
                "the error summary links to {id}, which the page does not have"
            );
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The visible text of the label of the form control or fieldset with this id, if the page has one.
fn field_label(html: &str, id: &str) -> Option<String> {
    let inner = element_text(html, &format!("<label for=\"{id}\">"), "</label>").or_else(|| {
        let fieldset = html.find(&format!("<fieldset id=\"{id}\""))?;
        element_text(&html[fieldset..], "<legend>", "</legend>")
    })?;
    // Tags stripped, white space collapsed; the text stays escaped as the page has it.
    let mut text = String::new();
    let mut in_tag = false;
    for ch in inner.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// What stands between the first `open` and the next `close`.
fn element_text<'a>(html: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = html.find(open)? + open.len();
    let len = html[start..].find(close)?;
    Some(&html[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::{FormView, label_error_summary};
    use crate::i18n::Tr;
    use ankommen_core::FieldErrors;
    use ankommen_core::kernel::types::Locale;

    #[test]
    fn a_broken_form_is_a_message_about_the_whole_form_not_a_field() {
        let mut e = FieldErrors::new();
        e.add("form", "error-form");
        e.add("date", "error-required");
        let f = FormView::new().with_errors(&e, &Tr::new(Locale::De));
        assert_eq!(
            f.general.as_deref(),
            Some("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")
        );
        assert_eq!(
            f.error_list(),
            vec![("date".to_string(), "Bitte ausfüllen.".to_string())]
        );
        assert_eq!(f.err("form"), None);
    }

    fn summary(lines: &[(&str, &str)]) -> String {
        let items: String = lines
            .iter()
            .map(|(id, msg)| {
                format!("<li><a href=\"#{id}\" data-summary-field=\"{id}\">{msg}</a></li>")
            })
            .collect();
        format!("<div role=\"alert\"><ul>{items}</ul></div>")
    }

    #[test]
    fn each_summary_line_names_its_field_by_the_label_the_page_shows() {
        let html = format!(
            "{}<form>\
             <label for=\"f-due_on\">Fällig am</label><input id=\"f-due_on\">\
             <label for=\"f-lang-1\">Sprachniveau<span class=\"visually-hidden\"> (Sprache 2)</span></label>\
             <fieldset id=\"f-topics\" class=\"checks invalid\"><legend>Themen &amp; Felder</legend></fieldset>\
             <p class=\"error\" id=\"f-cases\">x</p></form>",
            summary(&[
                ("f-due_on", "Das Datum liegt nach dem Ende des Falls."),
                ("f-lang-1", "Pflichtfeld"),
                ("f-topics", "Pflichtfeld"),
                ("f-cases", "Keine Fälle gewählt."),
            ])
        );
        let out = label_error_summary(html);
        assert!(out.contains(
            "<a href=\"#f-due_on\">Fällig am: Das Datum liegt nach dem Ende des Falls.</a>"
        ));
        assert!(out.contains("<a href=\"#f-lang-1\">Sprachniveau (Sprache 2): Pflichtfeld</a>"));
        assert!(out.contains("<a href=\"#f-topics\">Themen &amp; Felder: Pflichtfeld</a>"));
        // No label on the page: the message alone.
        assert!(out.contains("<a href=\"#f-cases\">Keine Fälle gewählt.</a>"));
        assert!(!out.contains("data-summary-field"));
        // The form itself is unchanged.
        assert!(out.ends_with("<p class=\"error\" id=\"f-cases\">x</p></form>"));
    }

    #[test]
    fn a_page_without_a_summary_is_returned_as_it_is() {
        let html = "<label for=\"f-a\">A</label><input id=\"f-a\">".to_string();
        assert_eq!(label_error_summary(html.clone()), html);
    }
}
