// SPDX-License-Identifier: GPL-2.0

//! C entry points: the head disk.

use crate::{
    device::MpathDevice,
    head::MpathHead, //
};
use kernel::{
    bindings,
    prelude::*, //
};

/// Allocates the head disk (C's `mpath_alloc_head_disk`).
///
/// # Safety
///
/// `head` is a set-up head; `lim` is NULL or valid; `name` is NULL or a
/// NUL-terminated string.
#[export]
pub unsafe extern "C" fn mpath_alloc_head_disk(
    head: *mut bindings::mpath_head,
    lim: *mut bindings::queue_limits,
    numa_node: c_int,
    name: *const c_char,
) -> c_int {
    if name.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: By the safety requirements.
    let (head, lim, name) = unsafe {
        (
            MpathHead::from_raw(head),
            lim.as_ref(),
            CStr::from_char_ptr(name),
        )
    };
    match head.alloc_disk(lim, numa_node, name) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Marks a path ready for I/O (C's `mpath_device_set_live`).
///
/// # Safety
///
/// `dev` is a valid path.
#[export]
pub unsafe extern "C" fn mpath_device_set_live(dev: *mut bindings::mpath_device) -> c_int {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    let Some(head) = dev.head() else {
        return EINVAL.to_errno();
    };
    match head.set_live(dev) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Removes the head disk (C's `mpath_remove_disk`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_remove_disk(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.remove_disk()
}

/// Releases the head disk (C's `mpath_put_disk`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_put_disk(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.put_disk()
}

/// Resubmits the bios waiting for a path (C's `mpath_kick_requeue`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_kick_requeue(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.kick_requeue()
}
