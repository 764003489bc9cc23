// SPDX-License-Identifier: GPL-2.0

//! C entry points: I/O policy names.

use kernel::{
    bindings,
    page::PAGE_SIZE,
    prelude::*, //
};

use crate::{
    IoPolicy,
    MpathHead, //
};

/// Parses the I/O policy name `val` into `*iopolicy`.
///
/// Returns 0, or `-EINVAL` (leaving `*iopolicy` alone) when `val` is NULL or
/// names no policy.
///
/// # Safety
///
/// `val` is NULL or points to a NUL-terminated string, and `iopolicy` is
/// valid for a write of a `c_int`.
#[export]
pub unsafe extern "C" fn mpath_set_iopolicy(val: *const c_char, iopolicy: *mut c_int) -> c_int {
    if val.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: `val` is not NULL, so by the function's safety requirements it
    // points to a NUL-terminated string that outlives this call.
    let name = unsafe { CStr::from_char_ptr(val) };
    match IoPolicy::parse(name.to_bytes()) {
        Ok(policy) => {
            // SAFETY: By the function's safety requirements `iopolicy` is valid
            // for writes.
            unsafe { iopolicy.write(policy as c_int) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// Writes the name of `iopolicy` and a newline to the sysfs buffer `buf`.
///
/// Returns the number of bytes written, or `-EINVAL` for a value that is not
/// a policy.
///
/// # Safety
///
/// `buf` is valid for writes of `PAGE_SIZE` bytes.
#[export]
pub unsafe extern "C" fn mpath_get_iopolicy(buf: *mut c_char, iopolicy: c_int) -> c_int {
    let policy = match IoPolicy::from_raw(iopolicy) {
        Ok(policy) => policy,
        Err(e) => return e.to_errno(),
    };
    // SAFETY: By the function's safety requirements `buf` is valid for writes
    // of `PAGE_SIZE` bytes, and nothing else refers to it during this call.
    let page = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
    match show_line(page, policy.name().as_bytes()) {
        Ok(len) => len,
        Err(e) => e.to_errno(),
    }
}

/// Prints the policy in force on a head (C's `mpath_iopolicy_show`).
///
/// # Safety
///
/// `head` is a set-up head and `buf` is valid for writes of `PAGE_SIZE`
/// bytes.
#[export]
pub unsafe extern "C" fn mpath_iopolicy_show(
    head: *mut bindings::mpath_head,
    buf: *mut c_char,
) -> isize {
    // SAFETY: By the safety requirements.
    let policy = unsafe { MpathHead::from_raw(head) }.iopolicy();
    // SAFETY: By the safety requirements.
    unsafe { mpath_get_iopolicy(buf, policy as c_int) as isize }
}

/// Changes the policy in force on a head (C's `mpath_iopolicy_store`).
///
/// # Safety
///
/// `head` is a set-up head; `buf` is NULL or a NUL-terminated string.
#[export]
pub unsafe extern "C" fn mpath_iopolicy_store(
    head: *mut bindings::mpath_head,
    buf: *const c_char,
) -> c_int {
    if buf.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: `buf` is a NUL-terminated string, by the safety requirements.
    let name = unsafe { CStr::from_char_ptr(buf) };
    match IoPolicy::parse(name.to_bytes()) {
        Ok(policy) => {
            // SAFETY: By the safety requirements.
            unsafe { MpathHead::from_raw(head) }.set_iopolicy(policy);
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// Applies a policy change made in driver storage (C's
/// `mpath_iopolicy_changed`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_iopolicy_changed(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.iopolicy_changed()
}

/// Copies `text` and a newline into `page`, returning the length written.
fn show_line(page: &mut [u8], text: &[u8]) -> Result<c_int> {
    let len = text.len() + 1;
    let out = page.get_mut(..len).ok_or(EINVAL)?;
    out[..text.len()].copy_from_slice(text);
    out[text.len()] = b'\n';
    c_int::try_from(len).map_err(|_| EINVAL)
}
