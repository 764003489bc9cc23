// SPDX-License-Identifier: GPL-2.0

//! C entry points: delayed removal of a head without paths.

use crate::head::MpathHead;
use kernel::{
    bindings,
    block::attr,
    prelude::*, //
};

/// Prints a head's removal delay (C's `mpath_delayed_removal_secs_show`).
///
/// # Safety
///
/// `head` is a set-up head and `buf` is valid for writes of `PAGE_SIZE`
/// bytes.
#[export]
pub unsafe extern "C" fn mpath_delayed_removal_secs_show(
    head: *mut bindings::mpath_head,
    buf: *mut c_char,
) -> isize {
    // SAFETY: By the safety requirements.
    let secs = unsafe { MpathHead::from_raw(head) }.delayed_removal_secs();
    // SAFETY: `buf` is a sysfs page, by the safety requirements.
    unsafe { attr::show_to_page(&secs, buf) }
}

/// Sets a head's removal delay (C's `mpath_delayed_removal_secs_store`).
///
/// # Safety
///
/// `head` is a set-up head; `buf` is NULL or a NUL-terminated string.
#[export]
pub unsafe extern "C" fn mpath_delayed_removal_secs_store(
    head: *mut bindings::mpath_head,
    buf: *const c_char,
) -> c_int {
    // SAFETY: By the safety requirements.
    let Ok(secs) = (unsafe { super::parse_store::<u32>(buf) }) else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    super::errno(unsafe { MpathHead::from_raw(head) }.set_delayed_removal_secs(secs))
}

/// Decides about a head whose last path went (C's
/// `mpath_can_remove_head`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_can_remove_head(head: *mut bindings::mpath_head) -> bool {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.can_remove()
}
