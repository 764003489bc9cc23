// SPDX-License-Identifier: GPL-2.0

//! C entry points: I/O policy names.

use kernel::{
    page::PAGE_SIZE,
    prelude::*, //
};

use crate::IoPolicy;

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

/// Copies `text` and a newline into `page`, returning the length written.
fn show_line(page: &mut [u8], text: &[u8]) -> Result<c_int> {
    let len = text.len() + 1;
    let out = page.get_mut(..len).ok_or(EINVAL)?;
    out[..text.len()].copy_from_slice(text);
    out[text.len()] = b'\n';
    c_int::try_from(len).map_err(|_| EINVAL)
}
