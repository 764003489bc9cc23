// SPDX-License-Identifier: GPL-2.0

//! The clocks the latency policy and marginal paths read.

use kernel::bindings;

/// Returns the current jiffies.
#[inline]
pub(crate) fn jiffies() -> usize {
    // SAFETY: `jiffies` is always valid; the timer interrupt updates it, so
    // it is read with a volatile load, as C's `READ_ONCE`.
    unsafe { core::ptr::read_volatile(&raw const bindings::jiffies) as usize }
}

/// Returns the monotonic time in nanoseconds, never 0.
#[inline]
pub(crate) fn now_ns() -> u64 {
    // SAFETY: `ktime_get` may be called from any context but NMI, and the
    // library's callers (I/O start and completion, sysfs) are not NMI.
    let now = unsafe { bindings::ktime_get() };
    now.max(1) as u64
}
