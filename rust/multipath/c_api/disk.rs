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
    super::errno(head.alloc_disk(lim, numa_node, name))
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
    super::errno(head.set_live(dev))
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

/// Checks the paths against the head's capacity (C's
/// `mpath_revalidate_paths`).
///
/// # Safety
///
/// `head` is a set-up head; `not_ready` (if not NULL) may be called with
/// any of its paths.
#[export]
pub unsafe extern "C" fn mpath_revalidate_paths(
    head: *mut bindings::mpath_head,
    not_ready: Option<unsafe extern "C" fn(*mut bindings::mpath_device)>,
) {
    // SAFETY: By the safety requirements.
    let head = unsafe { MpathHead::from_raw(head) };
    head.revalidate_paths(|dev| {
        if let Some(not_ready) = not_ready {
            // SAFETY: `dev` is a path of the head, valid during the call.
            unsafe { not_ready(dev.as_raw()) };
        }
    });
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

/// Whether a disk is a head disk (C's `mpath_is_head_disk`).
///
/// # Safety
///
/// `disk` is a valid disk.
#[export]
pub unsafe extern "C" fn mpath_is_head_disk(disk: *mut bindings::gendisk) -> bool {
    // SAFETY: The disk is valid for the call, by the safety requirements.
    crate::disk::is_head_disk(unsafe { kernel::block::BlockDevice::from_disk(disk) })
}
