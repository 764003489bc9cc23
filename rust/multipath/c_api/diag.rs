// SPDX-License-Identifier: GPL-2.0

//! C entry points: the head's diagnostic counters, for sysfs.

use crate::head::{
    DiagCounter,
    MpathHead, //
};
use kernel::{
    bindings,
    block::attr,
    prelude::*,
    sync::atomic::Relaxed, //
};

/// Prints a diagnostic counter (C's `mpath_diag_counter_show`).
///
/// # Safety
///
/// `head` is a set-up head and `buf` is valid for writes of `PAGE_SIZE`
/// bytes.
#[export]
pub unsafe extern "C" fn mpath_diag_counter_show(
    head: *mut bindings::mpath_head,
    counter: bindings::mpath_diag_counter,
    buf: *mut c_char,
) -> isize {
    let Some(which) = DiagCounter::from_c(counter) else {
        return EINVAL.to_errno() as isize;
    };
    // SAFETY: By the safety requirements.
    let value = unsafe { MpathHead::from_raw(head) }
        .diag_counter(which)
        .load(Relaxed);
    // As NVMe always printed it: the `atomic_long_t` as an unsigned long.
    // SAFETY: `buf` is a sysfs page, by the safety requirements.
    unsafe { attr::show_to_page(&(value as u64), buf) }
}

/// Sets a diagnostic counter (C's `mpath_diag_counter_store`).
///
/// # Safety
///
/// `head` is a set-up head; `buf` is NULL or a NUL-terminated string.
#[export]
pub unsafe extern "C" fn mpath_diag_counter_store(
    head: *mut bindings::mpath_head,
    counter: bindings::mpath_diag_counter,
    buf: *const c_char,
) -> c_int {
    let Some(which) = DiagCounter::from_c(counter) else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    let Ok(value) = (unsafe { super::parse_store::<u64>(buf) }) else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }
        .diag_counter(which)
        .store(value as i64, Relaxed);
    0
}
