// SPDX-License-Identifier: GPL-2.0

//! What the latency policy measures: a moving average of each path's
//! sampled request latency, and the weight it gives the path.
//!
//! Drivers time at most one request per path and jiffy
//! ([`MpathDevice::latency_sample_begin`] when it starts, and
//! [`MpathDevice::latency_sample_end`] when it completes). Each sample moves
//! the path's average by 1/2^[`EWMA_SHIFT`] of its difference. At most every
//! [`REFRESH_MS`] milliseconds per head, the end of a sample recomputes every
//! path's weight: the fastest path gets [`MAX_WEIGHT`], the others in
//! proportion to their speed, and never less than 1, so that a slow path
//! keeps a trickle of I/O and its recovery is seen. A turn under way is
//! cut to the new weight.
//!
//! # Examples
//!
//! ```
//! use multipath::latency::{ewma_update, weight, MAX_WEIGHT};
//!
//! // The first sample is taken as it is; later ones move it by 1/8.
//! assert_eq!(ewma_update(0, 1000), 1000);
//! assert_eq!(ewma_update(1000, 1800), 1100);
//! // A path four times slower than the fastest gets a quarter of its turns.
//! assert_eq!(weight(400, 100), MAX_WEIGHT / 4);
//! // Never sampled: a full turn, so that it gets measured.
//! assert_eq!(weight(0, 100), MAX_WEIGHT);
//! // Far slower: a trickle.
//! assert_eq!(weight(30_000_000, 100_000), 1);
//! ```

use crate::{
    clock::{
        jiffies,
        now_ns, //
    },
    device::MpathDevice,
    head::MpathHead,
    path::{
        AccessState,
        PathInfo, //
    },
};
use kernel::{
    sync::atomic::Relaxed,
    time::msecs_to_jiffies, //
};

/// Each sample moves a path's average by 1/2^`EWMA_SHIFT` of the
/// difference.
pub const EWMA_SHIFT: u32 = 3;

/// The weight of the fastest path: the most I/Os a path takes in a row.
pub const MAX_WEIGHT: u32 = 64;

/// How often at most a head's weights are recomputed, in milliseconds.
pub const REFRESH_MS: u32 = 100;

/// Returns the average `avg` (0: none yet) moved towards `sample_ns`.
///
/// Saturates at `u32::MAX` nanoseconds (4.3 s) and never returns 0.
pub fn ewma_update(avg: u32, sample_ns: u64) -> u32 {
    let sample = i64::from(u32::try_from(sample_ns).unwrap_or(u32::MAX));
    if avg == 0 {
        return sample.max(1) as u32;
    }
    let avg = i64::from(avg);
    let moved = avg + ((sample - avg) >> EWMA_SHIFT);
    moved.clamp(1, i64::from(u32::MAX)) as u32
}

/// Returns the weight of a path whose average is `avg_ns` (0: not sampled
/// yet) when the fastest path's is `fastest_ns`: [`MAX_WEIGHT`] scaled by
/// their ratio, rounded, at least 1.
pub fn weight(avg_ns: u32, fastest_ns: u32) -> u32 {
    if avg_ns == 0 || fastest_ns == 0 || avg_ns <= fastest_ns {
        return MAX_WEIGHT;
    }
    let scaled =
        (u64::from(MAX_WEIGHT) * u64::from(fastest_ns) + u64::from(avg_ns) / 2) / u64::from(avg_ns);
    scaled.clamp(1, u64::from(MAX_WEIGHT)) as u32
}

impl MpathDevice {
    /// Starts timing a request on this path for the latency policy: the
    /// start time in nanoseconds, or `None` if a request already started
    /// being timed on this path in the current jiffy.
    pub fn latency_sample_begin(&self) -> Option<u64> {
        let now = jiffies();
        let sampled = self.fields().lat_sampled();
        let last = sampled.load(Relaxed);
        if last == now || sampled.cmpxchg(last, now, Relaxed).is_err() {
            return None;
        }
        Some(now_ns())
    }

    /// Records the latency of a request timed since `start_ns` (from
    /// [`MpathDevice::latency_sample_begin`]) that completed successfully on
    /// this path, and recomputes the head's weights if they are due.
    ///
    /// Concurrent updates of one path may lose a sample, which only slows
    /// the average down.
    pub fn latency_sample_end(&self, start_ns: u64) {
        let avg = self.fields().lat_ewma_ns();
        avg.store(
            ewma_update(avg.load(Relaxed), now_ns().saturating_sub(start_ns)),
            Relaxed,
        );
        if let Some(head) = self.head() {
            head.refresh_latency_weights();
        }
    }

    /// Returns the path's latency average in nanoseconds (0: none yet).
    pub fn latency_ns(&self) -> u32 {
        self.fields().lat_ewma_ns().load(Relaxed)
    }

    /// Returns the I/Os the latency policy sends to the path in a row.
    pub fn latency_weight(&self) -> u32 {
        match self.fields().lat_weight().load(Relaxed) {
            0 => MAX_WEIGHT,
            weight => weight,
        }
    }
}

impl MpathHead {
    /// Recomputes the weights of the paths from their averages if the last
    /// time was [`REFRESH_MS`] ago or more; one caller does it, the others
    /// return at once. Does not sleep.
    pub fn refresh_latency_weights(&self) {
        let now = jiffies();
        let due = self.fields().lat_refresh();
        let at = due.load(Relaxed);
        // C's time_before(now, at).
        if (now.wrapping_sub(at) as isize) < 0 {
            return;
        }
        let next = now.wrapping_add(msecs_to_jiffies(REFRESH_MS) as usize);
        if due.cmpxchg(at, next, Relaxed).is_ok() {
            self.recompute_latency_weights();
        }
    }

    /// Recomputes the weights of the paths from their averages, now.
    pub(crate) fn recompute_latency_weights(&self) {
        let guard = self.srcu().read_lock();
        let usable =
            |p: &&MpathDevice| p.access_state() == AccessState::Optimized && !p.is_disabled();
        let fastest = self
            .list()
            .iter(&guard)
            .filter(usable)
            .map(MpathDevice::latency_ns)
            .filter(|ns| *ns != 0)
            .min()
            .unwrap_or(0);
        for path in self.list().iter(&guard) {
            let weight = weight(path.latency_ns(), fastest);
            let fields = path.fields();
            fields.lat_weight().store(weight, Relaxed);
            // A turn started under the old weight ends within the new one.
            let credit = fields.lat_credit();
            credit.store(credit.load(Relaxed).min(weight - 1), Relaxed);
        }
    }
}
