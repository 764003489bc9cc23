// SPDX-License-Identifier: GPL-2.0

//! C entry points: head set-up, teardown and references.

use crate::head::MpathHead;
use kernel::{
    bindings,
    prelude::*, //
};

/// Sets up an embedded head (C's `mpath_head_init`).
///
/// # Safety
///
/// `head` is valid for writes of a head and not in use; `mpdt` (if not
/// NULL) outlives the head, and so does `iopolicy`.
#[export]
pub unsafe extern "C" fn mpath_head_init(
    head: *mut bindings::mpath_head,
    mpdt: *const bindings::mpath_head_template,
    iopolicy: *mut c_int,
) -> c_int {
    if head.is_null() || mpdt.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: `mpdt` is not NULL and, by the safety requirements, outlives
    // the head, which is all `init` uses `'static` for.
    let mpdt = unsafe { &*mpdt };
    // SAFETY: By the safety requirements.
    super::errno(unsafe { MpathHead::init(head, mpdt, iopolicy) })
}

/// Tears down a head (C's `mpath_head_uninit`).
///
/// # Safety
///
/// `head` was set up by `mpath_head_init`, has no path left and is not
/// used afterwards.
#[export]
pub unsafe extern "C" fn mpath_head_uninit(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::uninit(head) }
}

/// Takes a reference to a head (C's `mpath_get_head`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_get_head(head: *mut bindings::mpath_head) -> bool {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.get()
}

/// Drops a reference to a head (C's `mpath_put_head`).
///
/// # Safety
///
/// `head` is a set-up head and the caller owns a reference to it.
#[export]
pub unsafe extern "C" fn mpath_put_head(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.put()
}

/// Waits for the head's SRCU readers (C's `mpath_synchronize`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_synchronize(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.srcu().synchronize()
}

/// Forgets every cached path of a head (C's `mpath_clear_paths`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_clear_paths(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.clear_paths()
}

/// Returns whether a head has no path (C's `mpath_head_devices_empty`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_head_devices_empty(head: *mut bindings::mpath_head) -> bool {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.is_empty()
}
