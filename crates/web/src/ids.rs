//! The one extractor of record ids from a route's path: a malformed id answers exactly like a
//! missing record (404 with the error page), never with axum's plain-text 400.

use axum::extract::FromRequestParts;
use axum::extract::RawPathParams;
use axum::http::request::Parts;

use ankommen_core::Error;

use crate::error::AppError;

/// The ids of a route's path, in the order the path names them: `Ids(id): Ids<i64>` for
/// `/clients/{id}`, `Ids((case, goal)): Ids<(i64, i64)>` for `/cases/{id}/plan/goals/{gid}`.
/// Only the leading parameters are read, so a trailing word (`/cases/{id}/{action}`) is left to
/// its own extractor. Ids are positive: `abc`, `-1`, `0`, `1.5` and numbers that overflow all
/// answer 404.
#[derive(Clone, Copy, Debug)]
pub struct Ids<T>(pub T);

/// One id of a path: a positive number of this type.
pub trait PathId: Sized {
    fn parse_id(s: &str) -> Option<Self>;
}

impl PathId for i64 {
    fn parse_id(s: &str) -> Option<Self> {
        // `parse` alone would take "+1"; an id is digits only.
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().filter(|n| *n > 0)
    }
}

/// A municipality's official key (eight digits, leading zeros kept).
impl PathId for ankommen_core::kernel::types::Ags {
    fn parse_id(s: &str) -> Option<Self> {
        if s.len() != 8 {
            return None;
        }
        Self::parse(s).ok()
    }
}

impl PathId for i32 {
    fn parse_id(s: &str) -> Option<Self> {
        i64::parse_id(s).and_then(|n| i32::try_from(n).ok())
    }
}

/// What a path holds: one id or a tuple of them.
pub trait FromPathIds: Sized {
    fn from_path(params: &[&str]) -> Option<Self>;
}

impl<A: PathId> FromPathIds for A {
    fn from_path(params: &[&str]) -> Option<Self> {
        A::parse_id(params.first()?)
    }
}

impl<A: PathId, B: PathId> FromPathIds for (A, B) {
    fn from_path(params: &[&str]) -> Option<Self> {
        match params {
            [a, b, ..] => Some((A::parse_id(a)?, B::parse_id(b)?)),
            _ => None,
        }
    }
}

impl<A: PathId, B: PathId, C: PathId> FromPathIds for (A, B, C) {
    fn from_path(params: &[&str]) -> Option<Self> {
        match params {
            [a, b, c, ..] => Some((A::parse_id(a)?, B::parse_id(b)?, C::parse_id(c)?)),
            _ => None,
        }
    }
}

impl<S: Send + Sync, T: FromPathIds> FromRequestParts<S> for Ids<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // A path that is not even valid UTF-8 is no record's path either.
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError(Error::NotFound))?;
        let params: Vec<&str> = raw.iter().map(|(_, v)| v).collect();
        T::from_path(&params)
            .map(Ids)
            .ok_or(AppError(Error::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::{FromPathIds, PathId};

    #[test]
    fn only_positive_whole_numbers_that_fit_are_ids() {
        assert_eq!(i64::parse_id("42"), Some(42));
        for bad in [
            "",
            "abc",
            "-1",
            "0",
            "+1",
            "1.5",
            "1e3",
            " 1",
            "99999999999999999999",
        ] {
            assert_eq!(i64::parse_id(bad), None, "{bad:?}");
        }
        assert_eq!(i32::parse_id("2147483648"), None);
        assert_eq!(i32::parse_id("7"), Some(7));
    }

    #[test]
    fn a_tuple_takes_the_leading_parameters_in_order() {
        assert_eq!(<(i64, i32)>::from_path(&["3", "2"]), Some((3, 2)));
        assert_eq!(i64::from_path(&["3", "pause"]), Some(3));
        assert_eq!(<(i64, i64)>::from_path(&["3"]), None);
        assert_eq!(<(i64, i64)>::from_path(&["3", "x"]), None);
        assert_eq!(
            <(i64, i64, i64)>::from_path(&["1", "2", "3"]),
            Some((1, 2, 3))
        );
    }
}
