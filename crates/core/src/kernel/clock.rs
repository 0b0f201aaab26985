//! Time as a parameter: the core never asks the system for "now" nor waits by itself; tests move a
//! manual clock and see how long the core would have waited.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
    /// Waits `d` (a deliberate delay, such as the one of a guessed-at account's login).
    fn pause(&self, d: std::time::Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn pause(&self, d: std::time::Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            if !d.is_zero() {
                tokio::time::sleep(d).await;
            }
        })
    }
}

/// A clock that only moves when told to; it does not wait, but adds up the pauses asked of it.
/// Clones share the same time and the same sum.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<(DateTime<Utc>, std::time::Duration)>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new((start, std::time::Duration::ZERO))))
    }
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            t.0 += by;
        }
    }
    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            t.0 = to;
        }
    }
    /// All pauses asked of this clock so far.
    pub fn paused(&self) -> std::time::Duration {
        self.0
            .lock()
            .map(|t| t.1)
            .unwrap_or_else(|e| e.into_inner().1)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|t| t.0)
            .unwrap_or_else(|e| e.into_inner().0)
    }
    fn pause(&self, d: std::time::Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        if let Ok(mut t) = self.0.lock() {
            t.1 += d;
        }
        Box::pin(std::future::ready(()))
    }
}
