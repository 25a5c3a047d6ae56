//! When to try again, and how long to wait first.

use crate::Error;
use std::time::Duration;

/// The retry policy: how many attempts, and the backoff between them.
///
/// A failed attempt is retried when [`Error::is_retryable_for`] says so for the operation:
/// idempotent operations on throttling, `ServiceUnavailable`, HTTP 429/500/502/503/504,
/// connect failures, timeouts and broken connections; CreateInstance only when the request
/// provably never reached the service (a connection that was never made, or throttling), so a
/// retry never creates a second instance.
///
/// The wait before retry `n` (1-based) is the service's `x-acs-retry-after` when it sends one
/// (capped at [`RetryPolicy::max_retry_after`]), else a random duration between zero and
/// `min(cap, base × 2ⁿ⁻¹)` ("full jitter").
///
/// ```
/// use std::time::Duration;
/// let policy = cams_sdk::RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_backoff(Duration::from_millis(50), Duration::from_secs(2));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(cams_sdk::RetryPolicy::disabled().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts in all; backoff base 100 ms, cap 20 s; `x-acs-retry-after` up to 2 min.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// One attempt, never a retry.
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// The number of attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff's base and cap.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base = base;
        self.cap = cap.max(base);
        self
    }

    /// The longest `x-acs-retry-after` honoured; longer requests are shortened to this.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The number of attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest `x-acs-retry-after` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The wait before retry number `retry` (1 for the first retry) after `error`.
    pub(crate) fn delay(&self, retry: u32, error: &Error) -> Duration {
        if let Some(after) = error.retry_after() {
            return after.min(self.max_retry_after);
        }
        let ceiling = self.ceiling(retry);
        // `Duration::mul_f64` panics on overflow; a cap near `Duration::MAX` must not.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_fraction()).unwrap_or(ceiling)
    }

    /// `min(cap, base × 2^(retry-1))`.
    fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// A uniformly random number in `[0, 1)`.
fn random_fraction() -> f64 {
    // A failing system RNG is not worth failing a call over: wait the longest delay instead.
    let bits = getrandom::u64().unwrap_or(u64::MAX >> 1);
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_full_jitter() {
        let policy =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(policy.ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.ceiling(2), Duration::from_millis(200));
        assert_eq!(policy.ceiling(4), Duration::from_millis(800));
        assert_eq!(policy.ceiling(5), Duration::from_secs(1));
        assert_eq!(policy.ceiling(500), Duration::from_secs(1));
        let error = Error::new(ErrorKind::Timeout, "t");
        let delays: Vec<Duration> = (0..200).map(|_| policy.delay(3, &error)).collect();
        assert!(delays.iter().all(|d| *d < Duration::from_millis(400)));
        // Full jitter spreads the delays; 200 identical draws would mean no jitter at all.
        assert!(delays.iter().any(|d| *d != delays[0]));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(200)));
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let policy = RetryPolicy::default().with_max_retry_after(Duration::from_secs(1));
        let mut error = Error::new(ErrorKind::Service, "throttled");
        error.0.retry_after = Some(Duration::from_millis(30));
        assert_eq!(policy.delay(1, &error), Duration::from_millis(30));
        error.0.retry_after = Some(Duration::from_secs(3600));
        assert_eq!(policy.delay(1, &error), Duration::from_secs(1));
    }

    #[test]
    fn an_enormous_cap_does_not_panic() {
        let policy = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX);
        let error = Error::new(ErrorKind::Timeout, "t");
        for retry in [1, 2, 64, u32::MAX] {
            // Fails by panicking, as `Duration::mul_f64` did.
            let _ = policy.delay(retry, &error);
        }
    }

    #[test]
    fn attempts_are_at_least_one() {
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
