//! What crosses the boundary with a call: who makes it, and the arguments a method borrows.

use super::super::internal_token::{Claims, Subject};

/// A call context that can travel in an internal token and be rebuilt from one. Implemented
/// by the identity module's `Call`, so the platform need not know what a principal is.
pub trait Caller: Sized {
    /// Whom the token speaks for.
    fn subject(&self) -> Subject;
    fn request_id(&self) -> &str;
    /// The call a verified token carries; `Err` says why the claims make no caller.
    fn from_claims(claims: &Claims, request_id: &str) -> Result<Self, String>;
}

/// How a dispatcher hands an argument it decoded (owned) to a trait method that borrows it:
/// `String` as `&str`, `Vec<T>` as `&[T]`, anything else by value.
pub trait Lend<'a, Borrowed> {
    fn lend(&'a self) -> Borrowed;
}

impl<'a> Lend<'a, &'a str> for String {
    fn lend(&'a self) -> &'a str {
        self
    }
}

impl<'a, T> Lend<'a, &'a [T]> for Vec<T> {
    fn lend(&'a self) -> &'a [T] {
        self
    }
}

impl<'a> Lend<'a, Option<&'a str>> for Option<String> {
    fn lend(&'a self) -> Option<&'a str> {
        self.as_deref()
    }
}

impl<'a, T: Clone> Lend<'a, T> for T {
    fn lend(&'a self) -> T {
        self.clone()
    }
}
