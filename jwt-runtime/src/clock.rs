//! The clock behind `iat`, `exp`, `nbf` and `fresh`, injectable for tests.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of "now", as time since the UNIX epoch.
pub trait Clock: Send + Sync + 'static {
    /// The current time since the UNIX epoch.
    fn now(&self) -> Duration;
}

/// The system clock (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
    }
}

/// A clock that stands still until moved: for tests.
///
/// ```
/// use std::time::Duration;
/// use axum_jwt_extended_runtime::{Clock, FixedClock};
/// let clock = FixedClock::at_secs(1_700_000_000);
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now().as_secs(), 1_700_000_060);
/// ```
#[derive(Clone, Default)]
pub struct FixedClock(Arc<AtomicU64>);

impl FixedClock {
    /// A clock at this many seconds after the epoch.
    pub fn at_secs(secs: u64) -> Self {
        FixedClock(Arc::new(AtomicU64::new(secs.saturating_mul(1_000_000))))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_micros() as u64, Ordering::SeqCst);
    }

    /// Sets the clock to this many seconds after the epoch.
    pub fn set_secs(&self, secs: u64) {
        self.0
            .store(secs.saturating_mul(1_000_000), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Duration {
        Duration::from_micros(self.0.load(Ordering::SeqCst))
    }
}

impl fmt::Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedClock({:?})", self.now())
    }
}
