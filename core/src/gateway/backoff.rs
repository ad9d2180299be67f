//! Reconnect delays: exponential growth, a cap, and jitter from a seeded generator.

use std::time::Duration;

/// Exponential backoff with jitter.
///
/// The delay before reconnect attempt `n` (1-based) is
/// `min(max, initial * multiplier^(n-1))`, reduced by a random fraction of at most
/// `jitter` (so attempts from many clients spread out instead of arriving together).
///
/// ```
/// use std::time::Duration;
/// use stoat_core::gateway::Backoff;
/// let backoff = Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(8), multiplier: 2, jitter: 0.0 };
/// let mut rng = fastrand::Rng::with_seed(7);
/// let delays: Vec<_> = (1..=5).map(|n| backoff.delay(n, &mut rng).as_secs()).collect();
/// assert_eq!(delays, [1, 2, 4, 8, 8]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// Delay before the first reconnect attempt.
    pub initial: Duration,
    /// Upper bound on any delay.
    pub max: Duration,
    /// Growth factor per attempt.
    pub multiplier: u32,
    /// Fraction (0.0–1.0) of the delay that may be randomly removed.
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            multiplier: 2,
            jitter: 0.5,
        }
    }
}

impl Backoff {
    /// The delay before reconnect attempt `attempt` (1-based; 0 is treated as 1).
    pub fn delay(&self, attempt: u32, rng: &mut fastrand::Rng) -> Duration {
        let exponent = attempt.saturating_sub(1).min(32);
        let factor = u64::from(self.multiplier.max(1)).saturating_pow(exponent);
        let base_ms = (self.initial.as_millis() as u64)
            .saturating_mul(factor)
            .min(self.max.as_millis() as u64);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let cut = (base_ms as f64 * jitter * rng.f64()) as u64;
        Duration::from_millis(base_ms - cut.min(base_ms))
    }
}
