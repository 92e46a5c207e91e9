//! Every problem type Brigade answers with: what its `type` URI names, described for the page
//! served at `/problems/<slug>` (and listed at `/problems`). A problem with a slug missing here
//! fails the tests (`Problem::new` checks in debug builds), so the pages cannot fall behind.

pub struct ProblemType {
    pub slug: &'static str,
    pub status: u16,
    pub title: &'static str,
    /// What happened and what the client can do about it.
    pub about: &'static str,
}

const fn t(
    slug: &'static str,
    status: u16,
    title: &'static str,
    about: &'static str,
) -> ProblemType {
    ProblemType {
        slug,
        status,
        title,
        about,
    }
}

pub const TYPES: &[ProblemType] = &[
    t(
        "bad-request",
        400,
        "Bad request",
        "The request could not be read: a path segment, header or body that is not what the operation takes. `detail` says which; fix it before retrying.",
    ),
    t(
        "malformed-json",
        400,
        "Malformed JSON",
        "The body is not valid JSON; `detail` gives the line and column.",
    ),
    t(
        "unauthorized",
        401,
        "Authentication required",
        "No valid credentials: sign in (`POST /v1/auth/login`) or send a live API key. An expired access token is refreshed with `POST /v1/auth/refresh`.",
    ),
    t(
        "invalid-credentials",
        401,
        "Invalid credentials",
        "The email or the password is wrong (deliberately the same answer for both).",
    ),
    t(
        "payment-declined",
        402,
        "Payment declined",
        "The card processor declined the charge; `code` says why (`card_declined`, `insufficient_funds`). Try another card with a new Idempotency-Key.",
    ),
    t(
        "forbidden",
        403,
        "Forbidden",
        "The caller is known but may not do this: a role or an API key scope is missing.",
    ),
    t(
        "not-found",
        404,
        "Not found",
        "Nothing at this path, or nothing the caller may see: other people's resources are not found rather than forbidden.",
    ),
    t(
        "method-not-allowed",
        405,
        "Method not allowed",
        "The path exists under other methods, listed in `Allow`.",
    ),
    t(
        "request-timeout",
        408,
        "Request timeout",
        "The request's head or body did not arrive in time; the connection was closed. Send it again.",
    ),
    t(
        "conflict",
        409,
        "Conflict",
        "The request is valid but clashes with the resource's current state (a limit reached, a state that does not allow it, a request with the same Idempotency-Key still running). `code` says which; many resolve once the state changes.",
    ),
    t(
        "illegal-transition",
        409,
        "Illegal order transition",
        "The order's current status does not allow this step.",
    ),
    t(
        "precondition-failed",
        412,
        "Precondition failed",
        "`If-Match` named another version: someone changed the resource since you read it. Read it again, then retry.",
    ),
    t(
        "payload-too-large",
        413,
        "Payload too large",
        "The body is larger than `server.body_limit_bytes`.",
    ),
    t(
        "unsupported-media-type",
        415,
        "Unsupported media type",
        "Bodies are `application/json`.",
    ),
    t(
        "validation",
        422,
        "Invalid request",
        "One or more fields are invalid; `errors` lists each (`field`, `code`, `message`), all at once.",
    ),
    t(
        "idempotency-key-reused",
        422,
        "Idempotency key reused",
        "This Idempotency-Key was used with a different request; use a new key for a new request.",
    ),
    t(
        "too-many-requests",
        429,
        "Too many requests",
        "Over a rate limit or a monthly quota; wait `Retry-After` seconds. `RateLimit` and `RateLimit-Policy` say which window binds.",
    ),
    t(
        "headers-too-large",
        431,
        "Request headers too large",
        "The request's headers are larger than `server.max_header_bytes`.",
    ),
    t(
        "internal",
        500,
        "Internal server error",
        "A failure on Brigade's side. Quote `instance` (the request id) when reporting it.",
    ),
    t(
        "unavailable",
        503,
        "Service unavailable",
        "Brigade cannot serve this right now (the database is unreachable, every password hasher is busy, or the module is hosted in a process that cannot be reached: code `module_unavailable`); retry after `Retry-After` seconds.",
    ),
    t(
        "processor-timeout",
        504,
        "Card processor timeout",
        "The card processor did not answer in time; the payment stays pending. Read it at `Location`, or retry with the same Idempotency-Key: it is never charged twice.",
    ),
    t(
        "http-error",
        400,
        "HTTP error",
        "An error of the HTTP layer itself; `status` and `detail` say which.",
    ),
];

pub fn find(slug: &str) -> Option<&'static ProblemType> {
    TYPES.iter().find(|t| t.slug == slug)
}

/// The general type for an HTTP status, for errors raised below Brigade's own handlers.
pub fn for_status(status: u16) -> &'static ProblemType {
    const GENERAL: [&str; 12] = [
        "bad-request",
        "unauthorized",
        "forbidden",
        "not-found",
        "method-not-allowed",
        "request-timeout",
        "conflict",
        "payload-too-large",
        "unsupported-media-type",
        "too-many-requests",
        "headers-too-large",
        "internal",
    ];
    GENERAL
        .iter()
        .filter_map(|slug| find(slug))
        .find(|t| t.status == status)
        .or_else(|| (status >= 500).then(|| find("internal")).flatten())
        .or_else(|| find("http-error"))
        .expect("http-error is in the catalogue")
}
