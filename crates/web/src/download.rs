//! The one file-download response (stored scans, generated PDFs): never sniffed, never cached,
//! always an attachment with a file name that cannot break out of its header.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Longest file name sent; longer names are cut (the extension is kept).
const MAX_NAME: usize = 100;

/// A file to download: its bytes, its content type (as the core determined it from the content)
/// and the name the browser saves it under.
pub fn file_download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!("attachment; filename=\"{}\"", safe_file_name(file_name));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A file name made of ASCII letters, digits, `-`, `_` and `.` only (anything else becomes `_`),
/// not starting with a dot, at most [`MAX_NAME`] characters: no quote, semicolon, path or control
/// character can reach the header or the user's file system.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    let cleaned = if cleaned.len() > MAX_NAME {
        match cleaned.rfind('.') {
            Some(dot) if cleaned.len() - dot <= 10 => {
                let ext = &cleaned[dot..];
                format!("{}{ext}", &cleaned[..MAX_NAME - ext.len()])
            }
            _ => cleaned[..MAX_NAME].to_string(),
        }
    } else {
        cleaned.to_string()
    };
    if cleaned.is_empty() {
        "download".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn a_file_name_cannot_break_out_of_its_header_or_directory() {
        assert_eq!(safe_file_name("einwilligung-3.pdf"), "einwilligung-3.pdf");
        assert_eq!(safe_file_name("a\"; b=c\r\n.pdf"), "a___b_c__.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("Müller.pdf"), "M_ller.pdf");
        assert_eq!(safe_file_name(".."), "download");
        let long = format!("{}.pdf", "x".repeat(300));
        let cut = safe_file_name(&long);
        assert_eq!(cut.len(), 100);
        assert!(cut.ends_with(".pdf"));
    }
}
