// SPDX-License-Identifier: GPL-2.0

//! C entry points: adding, removing and choosing paths.

use crate::{
    device::MpathDevice,
    head::MpathHead, //
};
use kernel::{
    bindings,
    prelude::*, //
};

/// Adds a path to a head (C's `mpath_add_device`).
///
/// # Safety
///
/// `dev` and `head` are valid, the head set up; `dev`, `disk` and
/// `nr_active` (if not NULL) stay valid until `mpath_delete_device(dev)`
/// returned.
#[export]
pub unsafe extern "C" fn mpath_add_device(
    dev: *mut bindings::mpath_device,
    head: *mut bindings::mpath_head,
    disk: *mut bindings::gendisk,
    numa_node: c_int,
    nr_active: *mut bindings::atomic_t,
) -> c_int {
    // SAFETY: By the safety requirements.
    let (head, dev) = unsafe { (MpathHead::from_raw(head), MpathDevice::from_raw(dev)) };
    // SAFETY: By the safety requirements.
    super::errno(unsafe { head.add_device(dev, disk, numa_node, nr_active) })
}

/// Removes a path from its head (C's `mpath_delete_device`); returns
/// whether the head has no path left. A path on no head is left alone.
///
/// # Safety
///
/// `dev` is valid.
#[export]
pub unsafe extern "C" fn mpath_delete_device(dev: *mut bindings::mpath_device) -> bool {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    let Some(head) = dev.head() else {
        return false;
    };
    head.delete_device(dev).unwrap_or(false)
}

/// Forgets a path in every node's cache (C's `mpath_clear_current_path`).
///
/// # Safety
///
/// `dev` is valid.
#[export]
pub unsafe extern "C" fn mpath_clear_current_path(dev: *mut bindings::mpath_device) -> bool {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    dev.head().is_some_and(|head| head.clear_current_path(dev))
}

/// Chooses a path with the policy in force (C's `mpath_find_path`).
///
/// # Safety
///
/// `head` is a set-up head and the caller holds its SRCU read lock for as
/// long as it uses the result.
#[export]
pub unsafe extern "C" fn mpath_find_path(
    head: *mut bindings::mpath_head,
) -> *mut bindings::mpath_device {
    // SAFETY: By the safety requirements.
    let head = unsafe { MpathHead::from_raw(head) };
    // The caller's read lock covers this nested one, so the path stays
    // valid after ours is dropped, for as long as the caller holds theirs.
    let guard = head.srcu().read_lock();
    head.find_path(&guard)
        .map_or(core::ptr::null_mut(), MpathDevice::as_raw)
}

/// Runs `cb` on the path I/O would use (C's `mpath_call_for_device`).
///
/// # Safety
///
/// `head` is a set-up head; `cb` may be called with `data`.
#[export]
pub unsafe extern "C" fn mpath_call_for_device(
    head: *mut bindings::mpath_head,
    cb: Option<unsafe extern "C" fn(*mut bindings::mpath_device, *mut c_void) -> c_int>,
    data: *mut c_void,
) -> c_int {
    let Some(cb) = cb else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    let head = unsafe { MpathHead::from_raw(head) };
    head.with_device(|dev| {
        // SAFETY: The path is valid during the call, which runs under the
        // head's SRCU; `cb` accepts `data` by the safety requirements.
        Ok(unsafe { cb(dev.as_raw(), data) })
    })
    .unwrap_or_else(|e| e.to_errno())
}

/// Starts timing a request for the latency policy (C's
/// `mpath_latency_sample_begin`): its start in nanoseconds, or 0.
///
/// # Safety
///
/// `dev` is a valid path.
#[export]
pub unsafe extern "C" fn mpath_latency_sample_begin(dev: *mut bindings::mpath_device) -> u64 {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    dev.latency_sample_begin().unwrap_or(0)
}

/// Records the latency of a timed request (C's `mpath_latency_sample_end`).
///
/// # Safety
///
/// `dev` is a valid path whose head, if it has one, stays set up during the
/// call.
#[export]
pub unsafe extern "C" fn mpath_latency_sample_end(dev: *mut bindings::mpath_device, start: u64) {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    if start != 0 {
        dev.latency_sample_end(start);
    }
}
