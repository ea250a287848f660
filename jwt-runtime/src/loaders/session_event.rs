//! What the session event hook receives (`JwtManagerBuilder::on_session_event`).

/// Something that happened to a session, for the log and for
/// `JwtManagerBuilder::on_session_event`.
/// Identities are in their canonical form (the identity claim's JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// A login started a session.
    Started {
        /// The session id.
        session: String,
        /// Its identity.
        identity: String,
    },
    /// A refresh (plain, rotated or implicit) of the session.
    Refreshed {
        /// The session id.
        session: String,
        /// Its identity.
        identity: String,
    },
    /// The session ended.
    Ended {
        /// The session id.
        session: String,
        /// Its identity.
        identity: String,
        /// Why.
        why: SessionEnd,
    },
    /// A rotated refresh token of the session came back: the session is revoked (an
    /// [`Ended`](Self::Ended) with [`SessionEnd::Reuse`] follows).
    ReuseDetected {
        /// The session id.
        session: String,
        /// Its identity.
        identity: String,
    },
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// Its owner logged out.
    Logout,
    /// Its owner ended it from another session.
    EndedByUser,
    /// Its owner ended every other session.
    OthersEnded,
    /// Every session of the identity was ended.
    AllEnded,
    /// Its absolute lifetime ran out.
    MaxAge,
    /// It was not used for its idle timeout.
    Idle,
    /// A rotated refresh token of it came back: it was revoked.
    Reuse,
}

impl SessionEnd {
    /// The reason as a log line names it.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionEnd::Logout => "logout",
            SessionEnd::EndedByUser => "ended by the user",
            SessionEnd::OthersEnded => "others ended",
            SessionEnd::AllEnded => "all ended",
            SessionEnd::MaxAge => "max age",
            SessionEnd::Idle => "idle",
            SessionEnd::Reuse => "reuse",
        }
    }
}
