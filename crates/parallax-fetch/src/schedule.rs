//! When to poll a feed next: the interval after a success, exponential
//! backoff after failures, and durations written as `90s`, `15m`, `1h`.

use std::time::Duration;

/// The polling schedule of feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Time between two polls of a healthy feed. Default 15 min.
    pub interval: Duration,
    /// Wait after the first failure; doubled after each further one.
    /// Default 1 min.
    pub retry: Duration,
    /// Longest wait after failures. Default 6 h.
    pub max_backoff: Duration,
    /// Longest wait a feed may ask for (RSS `<ttl>`, `Cache-Control`).
    /// Default 6 h.
    pub max_interval: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: Duration::from_secs(15 * 60),
            retry: Duration::from_secs(60),
            max_backoff: Duration::from_secs(6 * 3600),
            max_interval: Duration::from_secs(6 * 3600),
        }
    }
}

impl Schedule {
    /// The wait after a successful poll: the interval, or longer when the
    /// feed asks for it (`ttl`, `max-age`), never past `max_interval`.
    pub fn after_success(&self, asked: Option<Duration>) -> Duration {
        match asked {
            Some(a) if a > self.interval => a.min(self.max_interval.max(self.interval)),
            _ => self.interval,
        }
    }

    /// The wait after the `failures`-th failure in a row (1 for the first):
    /// `retry × 2^(failures-1)`, at most `max_backoff`, and at least what
    /// the server asked for with `Retry-After` (within `max_backoff`).
    pub fn after_failure(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exp = failures.saturating_sub(1).min(30);
        let wait = self
            .retry
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        match retry_after {
            Some(r) => wait.max(r.min(self.max_backoff)),
            None => wait,
        }
    }
}

/// Parses a duration: a number with a unit, `ms`, `s`, `m`, `h` or `d`
/// (`500ms`, `90s`, `15m`, `1.5h`); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 30s, 15m, 2h)"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "m" | "min" | "mins" => n * 60.0,
        "h" | "hr" | "hrs" => n * 3600.0,
        "d" | "day" | "days" => n * 86400.0,
        u => {
            return Err(format!(
                "unknown unit `{u}` in `{s}` (use ms, s, m, h or d)"
            ))
        }
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("`{s}` is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Writes a duration the way [`parse_duration`] reads it, roughly:
/// `850ms`, `42s`, `15m`, `2h`, `3d`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s == 0 {
        format!("{}ms", d.as_millis())
    } else if s < 10 && d.subsec_millis() != 0 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 120 {
        format!("{s}s")
    } else if s < 2 * 3600 {
        format!("{}m", s / 60)
    } else if s < 2 * 86400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172800));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5 weeks").is_err());
        assert_eq!(format_duration(Duration::from_secs(900)), "15m");
        assert_eq!(format_duration(Duration::from_millis(200)), "200ms");
        assert_eq!(format_duration(Duration::from_millis(1200)), "1.2s");
    }

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        let s = Schedule::default();
        assert_eq!(s.after_failure(1, None), Duration::from_secs(60));
        assert_eq!(s.after_failure(2, None), Duration::from_secs(120));
        assert_eq!(s.after_failure(5, None), Duration::from_secs(960));
        assert_eq!(s.after_failure(40, None), Duration::from_secs(6 * 3600));
        assert_eq!(
            s.after_failure(1, Some(Duration::from_secs(600))),
            Duration::from_secs(600)
        );
        assert_eq!(s.after_success(None), s.interval);
        assert_eq!(s.after_success(Some(Duration::from_secs(60))), s.interval);
        assert_eq!(
            s.after_success(Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(
            s.after_success(Some(Duration::from_secs(86400 * 7))),
            s.max_interval
        );
    }
}
