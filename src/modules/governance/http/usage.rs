//! Usage reports: for operators (all callers, JSON or CSV) and for a key's owner.

use actix_web::{HttpResponse, get, web};

use super::Governance;
use crate::modules::governance::api::{UsageQuery, UsageReport};
use crate::modules::identity::api::Call;
use crate::modules::identity::api::IdentityApi;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::ValidQuery;
use crate::platform::problem::Problem;

/// Usage report (admin)
///
/// Calls per period (`group_by=hour|day`), subject (API key, user or anonymous), operation
/// and status class, with latency. Includes calls counted up to this request.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    params(UsageQuery),
    responses((status = 200, description = "The report", body = UsageReport))
)]
#[get("/v1/admin/usage")]
pub async fn admin_usage(
    governance: Governance,
    caller: Call,
    query: ValidQuery<UsageQuery>,
) -> Result<HttpResponse, Problem> {
    let report = governance.usage(&caller, query.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&report), UNCACHEABLE))
}

/// Usage export for billing (admin)
///
/// The report's rows as CSV (`text/csv`), one line per period, subject, operation and
/// status class.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    params(UsageQuery),
    responses((status = 200, description = "The report as CSV", body = String, content_type = "text/csv"))
)]
#[get("/v1/admin/usage/export")]
pub async fn admin_usage_export(
    governance: Governance,
    caller: Call,
    query: ValidQuery<UsageQuery>,
) -> Result<HttpResponse, Problem> {
    let report = governance.usage(&caller, query.0).await?;
    Ok(with_policy(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                "attachment; filename=\"brigade-usage.csv\"",
            ))
            .body(csv(&report)),
        UNCACHEABLE,
    ))
}

/// Quotes a field when it holds a separator, a quote or a line break (RFC 4180), and
/// defuses spreadsheet formulas.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv(report: &UsageReport) -> String {
    let mut out = String::from(
        "period_start,subject,key_id,user_id,operation,status_class,count,latency_avg_ms,latency_p95_ms\r\n",
    );
    for r in &report.data {
        let line = [
            r.period_start.to_rfc3339(),
            r.subject.clone(),
            r.key_id.clone().unwrap_or_default(),
            r.user_id.clone().unwrap_or_default(),
            r.operation.clone(),
            r.status_class.clone(),
            r.count.to_string(),
            format!("{:.1}", r.latency_avg_ms),
            r.latency_p95_ms.to_string(),
        ]
        .iter()
        .map(|v| field(v))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

/// Usage of one of my API keys
///
/// The same report as operators see, for one key of the caller's own; `key` and `user`
/// filters are implied.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id"), UsageQuery),
    responses((status = 200, description = "The key's usage", body = UsageReport))
)]
#[get("/v1/api-keys/{id}/usage")]
pub async fn api_key_usage(
    governance: Governance,
    identity: web::Data<dyn IdentityApi>,
    caller: Call,
    path: web::Path<String>,
    query: ValidQuery<UsageQuery>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let keys = identity.api_keys(&caller).await?;
    if !keys.iter().any(|k| k.id == id) {
        return Err(Problem::not_found(format!("no API key {id}")));
    }
    let mut query = query.0;
    query.key = Some(id);
    query.user = None;
    let report = governance.usage(&caller, query).await?;
    Ok(with_policy(HttpResponse::Ok().json(&report), UNCACHEABLE))
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("GET /v1/menu"), "GET /v1/menu");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=1+1"), "'=1+1");
    }
}
