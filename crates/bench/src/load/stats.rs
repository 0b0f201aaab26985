//! Percentiles and the numbers printed by the runner.

use std::time::Duration;

/// The value at quantile `q` (nearest rank) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The resident set (`VmRSS`, in kB) from the text of `/proc/PID/status`.
pub fn vm_rss_kb(status: &str) -> Option<u64> {
    status.lines().find_map(|l| {
        let rest = l.strip_prefix("VmRSS:")?.trim();
        rest.strip_suffix("kB")?.trim().parse().ok()
    })
}

/// The resident set of process `pid` in kB, read from `/proc/PID/status`.
pub fn resident_set_kb(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    vm_rss_kb(&text).ok_or_else(|| format!("{path} has no VmRSS line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&v, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&v, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&v, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn reads_the_resident_set_from_proc_status() {
        let status =
            "Name:\tankommen\nVmPeak:\t  300000 kB\nVmRSS:\t  176128 kB\nRssAnon:\t  150000 kB\n";
        assert_eq!(vm_rss_kb(status), Some(176_128));
        assert_eq!(vm_rss_kb("Name:\tx\n"), None);
        // Our own process has a resident set.
        let own = resident_set_kb(std::process::id()).expect("own VmRSS");
        assert!(own > 0);
        assert!(resident_set_kb(u32::MAX).is_err());
    }
}
