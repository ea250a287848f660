//! The body phase's input: the request body, read only when a pending stage may find what it
//! needs in it (a JSON token, a CSRF form field), bounded by `json_body_limit` and
//! `body_read_timeout`, and handed on to the handler as the same bytes.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_LENGTH;
use axum::http::request::Parts;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::{body_may_help, resume, Pending, Spec};
use crate::context::JwtContext;
use crate::error::{ErrorKind, JwtError};
use crate::log;
use crate::manager::JwtManager;

/// The body phase of a verification that stopped at `pending`: the body is read only when
/// that stage may find what it needs in it, then the pipeline resumes. Returns the context
/// and the body for the handler: the same bytes, or the body untouched, whatever its size.
pub(crate) async fn resume_with_body(
    manager: &JwtManager,
    parts: &Parts,
    spec: &Spec,
    pending: Pending,
    body: Body,
) -> Result<(Option<JwtContext>, Body), JwtError> {
    let (bytes, body) = if body_may_help(parts, &pending) {
        let bytes = read_body(manager, parts, body).await?;
        (bytes.clone(), Body::from(bytes))
    } else {
        (Bytes::new(), body)
    };
    let resumed = resume(manager, parts, spec, pending, &bytes);
    let ctx = log::in_span!(parts.uri.path(), resumed)?;
    Ok((ctx, body))
}

/// Reads the body for the pipeline: a declared length over `json_body_limit` is 413 at once;
/// a body that would take more of `json_body_budget` than is left (its declared length, or
/// the whole limit when it declares none) is 503 at once; the read stops at the limit (413)
/// and at `body_read_timeout` (408), and a broken body is 400.
async fn read_body(manager: &JwtManager, parts: &Parts, body: Body) -> Result<Bytes, JwtError> {
    let c = manager.config();
    let limit = c.json_body_limit;
    let too_large = || {
        JwtError::new(ErrorKind::PayloadTooLarge(format!(
            "Request body is larger than {limit} bytes"
        )))
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let reserve = declared.map_or(limit, |n| n as usize).max(1);
    let permits = u32::try_from(reserve).unwrap_or(u32::MAX);
    let Ok(_reserved) = manager.0.body_budget.try_acquire_many(permits) else {
        return Err(JwtError::new(ErrorKind::Busy(
            "Too many request bodies are being read: try again shortly".into(),
        )));
    };
    let read = Limited::new(body, limit).collect();
    match tokio::time::timeout(body_timeout(c.body_read_timeout), read).await {
        Err(_) => Err(JwtError::new(ErrorKind::RequestTimeout(
            "Timed out reading the request body".into(),
        ))),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Ok(Err(_)) => Err(JwtError::new(ErrorKind::BadRequest(
            "Could not read the request body".into(),
        ))),
    }
}

/// A zero timeout would refuse every body: treat it as "no time at all to wait" of 1 ms.
fn body_timeout(d: Duration) -> Duration {
    d.max(Duration::from_millis(1))
}
