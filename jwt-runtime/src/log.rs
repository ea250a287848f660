//! What the runtime logs (cargo feature `tracing`, on by default): one `debug` event per
//! rejected request, one `warn` event per store or loader failure, and a `trace` span around
//! verification (at `trace` so that logging rejections at `debug` costs no span per request). Never a token, a cookie value, a CSRF value or a key: events carry the
//! status, the reason (our own message), the location, the `jti` and the route's path (never
//! its query string, which may hold a token).

#[cfg(feature = "tracing")]
use crate::config::Location;
use crate::error::JwtError;

/// The target of every event: filter with `RUST_LOG=axum_jwt_extended=debug`.
#[cfg(feature = "tracing")]
const TARGET: &str = "axum_jwt_extended";

/// A value that came from a request (or names one), safe for one log line: control
/// characters (a newline, an ANSI escape), line and paragraph separators and bidirectional
/// overrides are written escaped (`\n`, `\u{1b}`, `\u{2028}`), so no input can forge a line,
/// colour a terminal or reorder what a reader sees.
pub(crate) fn escaped(value: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }
    if !value.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A request the guard rejects.
pub(crate) fn rejected(err: &JwtError, route: &str) {
    #[cfg(feature = "tracing")]
    {
        let jti = err.token_parts().and_then(|p| p.claims.jti()).map(escaped);
        tracing::debug!(
            target: TARGET,
            status = err.status().as_u16(),
            reason = %escaped(&err.message()),
            location = err.location().map(Location::as_str),
            jti = jti.as_deref(),
            route = &*escaped(route),
            "request rejected"
        );
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (err, route);
}

/// A store or loader failure behind a 503: the cause stays in the log.
pub(crate) fn unavailable(public: &str, cause: Option<&(dyn std::error::Error + 'static)>) {
    #[cfg(feature = "tracing")]
    {
        let cause = cause.map(|c| escaped(&c.to_string()).into_owned());
        tracing::warn!(
            target: TARGET,
            cause = cause.as_deref().unwrap_or("none"),
            "request denied: {public}"
        );
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (public, cause);
}

/// An identity past its revocation quota: its revocations collapse into its cut-off.
pub(crate) fn quota_reached(identity: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: TARGET,
        identity = &*escaped(identity),
        "revocation quota reached: every token of this identity issued so far is revoked"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = identity;
}

/// An implicit refresh that could not mint its token (the response goes out without it).
pub(crate) fn refresh_failed(err: &JwtError) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: TARGET, reason = %escaped(&err.message()), "implicit refresh failed");
    #[cfg(not(feature = "tracing"))]
    let _ = err;
}

/// A session event: one line naming the session and the identity (never a token); reuse at
/// `warn`, the rest at `info`.
pub(crate) fn session_event(event: &crate::loaders::SessionEvent) {
    #[cfg(feature = "tracing")]
    {
        use crate::loaders::SessionEvent as E;
        match event {
            E::Started { session, identity } => {
                tracing::info!(target: TARGET, session = &*escaped(session), identity = &*escaped(identity), "session started")
            }
            E::Refreshed { session, identity } => {
                tracing::info!(target: TARGET, session = &*escaped(session), identity = &*escaped(identity), "session refreshed")
            }
            E::Ended {
                session,
                identity,
                why,
            } => {
                tracing::info!(target: TARGET, session = &*escaped(session), identity = &*escaped(identity), reason = why.as_str(), "session ended")
            }
            E::ReuseDetected { session, identity } => {
                tracing::warn!(target: TARGET, session = &*escaped(session), identity = &*escaped(identity), "refresh token reuse detected: session revoked")
            }
        }
    }
    #[cfg(not(feature = "tracing"))]
    let _ = event;
}

/// The near cache's heartbeat stopped being answered (`false`) or is answered again.
pub(crate) fn near_cache_lease(held: bool) {
    #[cfg(feature = "tracing")]
    if held {
        tracing::info!(target: TARGET, "near cache: the store answers again; cache in use");
    } else {
        tracing::warn!(
            target: TARGET,
            "near cache: the store does not answer the heartbeat; cached answers are not used"
        );
    }
    #[cfg(not(feature = "tracing"))]
    let _ = held;
}

/// A configuration that starts but is probably not what was meant.
pub(crate) fn config_warning(warning: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: TARGET, "{warning}");
    #[cfg(not(feature = "tracing"))]
    let _ = warning;
}

/// A remote JWK Set could not be fetched, or a key of it was skipped.
#[cfg(feature = "jwks")]
pub(crate) fn jwks_warning(warning: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: TARGET, "JWK Set: {}", escaped(warning));
    #[cfg(not(feature = "tracing"))]
    let _ = warning;
}

/// Awaits a verification future inside the `jwt_verify` span of `route` — only when a
/// subscriber wants that span; otherwise the future is awaited in place (wrapping it would
/// move it, which costs about a thousand instructions per request on the hot path).
macro_rules! in_span {
    ($route:expr, $fut:expr) => {{
        #[cfg(feature = "tracing")]
        {
            if tracing::enabled!(target: "axum_jwt_extended", tracing::Level::TRACE) {
                let span = tracing::trace_span!(target: "axum_jwt_extended", "jwt_verify", route = $route);
                tracing::Instrument::instrument($fut, span).await
            } else {
                $fut.await
            }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = $route;
            $fut.await
        }
    }};
}
pub(crate) use in_span;

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escaped("plain text, ünïcode"), "plain text, ünïcode");
        assert_eq!(escaped("x\nFAKE LINE"), "x\\nFAKE LINE");
        assert_eq!(escaped("\u{1b}[31mred\r"), "\\u{1b}[31mred\\r");
        assert_eq!(escaped("tab\there"), "tab\\there");
        assert_eq!(escaped("a\u{2028}b\u{202e}c"), "a\\u{2028}b\\u{202e}c");
    }
}
