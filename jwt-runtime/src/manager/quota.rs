//! A per-identity quota on revocations, so that no single identity can fill a store.
//!
//! Every revocation of a token counts against its identity, within a window as long as a
//! token is accepted at the most (the longest lifetime plus `JWT_DECODE_LEEWAY`); an entry
//! never outlives the window after the one it was made in, so an identity holds at most twice
//! its quota of entries. Past the quota, the identity's revocations collapse into one
//! cut-off, "every token of this identity issued so far": the user is logged out everywhere,
//! and the store gains one entry where it would have gained thousands.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Revocations of one identity within one window, before they collapse into its cut-off.
pub(crate) const DEFAULT_QUOTA: u32 = 1_000;

pub(crate) struct Quota {
    /// `None`: no quota.
    limit: Option<u32>,
    /// Seconds; infinite when tokens never expire.
    window: f64,
    counts: Mutex<Counts>,
}

struct Counts {
    /// Identity → revocations in its current window, and when that window opened.
    by_identity: HashMap<String, (u32, f64)>,
    /// Drop closed windows when the map reaches this size.
    purge_at_len: usize,
}

impl Quota {
    /// A quota of `limit` revocations per identity per `window` (`None`: forever).
    pub(crate) fn new(limit: Option<u32>, window: Option<Duration>) -> Quota {
        Quota {
            limit,
            window: window.map_or(f64::INFINITY, |w| w.as_secs_f64().max(1.0)),
            counts: Mutex::new(Counts {
                by_identity: HashMap::new(),
                purge_at_len: 1024,
            }),
        }
    }

    /// Counts one revocation of `identity` at `now` (seconds): whether it is within the quota.
    pub(crate) fn admit(&self, identity: &str, now: f64) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let window = self.window;
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if c.by_identity.len() >= c.purge_at_len {
            c.by_identity
                .retain(|_, (_, opened)| now - *opened < window);
            c.purge_at_len = (c.by_identity.len() * 2).max(1024);
        }
        let slot = match c.by_identity.get_mut(identity) {
            Some(slot) => slot,
            None => c.by_identity.entry(identity.to_owned()).or_insert((0, now)),
        };
        if now - slot.1 >= window {
            *slot = (0, now);
        }
        slot.0 = slot.0.saturating_add(1);
        slot.0 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_quota_within_a_window_and_again_after_it() {
        let q = Quota::new(Some(3), Some(Duration::from_secs(10)));
        assert!((0..3).all(|_| q.admit("\"alice\"", 100.0)));
        assert!(!q.admit("\"alice\"", 101.0));
        assert!(q.admit("\"bob\"", 101.0), "each identity has its own");
        assert!(q.admit("\"alice\"", 110.0), "a new window");
        let off = Quota::new(None, None);
        assert!((0..10_000).all(|_| off.admit("x", 1.0)));
    }

    #[test]
    fn closed_windows_are_purged() {
        let q = Quota::new(Some(1), Some(Duration::from_secs(1)));
        for i in 0..5000 {
            q.admit(&format!("id-{i}"), f64::from(i) / 1000.0);
        }
        let len = q.counts.lock().unwrap().by_identity.len();
        assert!(len < 2200, "{len} identities kept");
    }
}
