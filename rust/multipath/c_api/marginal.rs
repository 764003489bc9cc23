// SPDX-License-Identifier: GPL-2.0

//! C entry points: marginal paths.

use crate::{
    device::MpathDevice,
    head::MpathHead,
    marginal::MarginalParam, //
};
use kernel::{
    bindings,
    block::attr,
    prelude::*, //
};

/// Reports an I/O error of a path (C's `mpath_path_error`).
///
/// # Safety
///
/// `dev` is a valid path whose head, if it has one, stays set up during the
/// call.
#[export]
pub unsafe extern "C" fn mpath_path_error(dev: *mut bindings::mpath_device) {
    // SAFETY: By the safety requirements.
    unsafe { MpathDevice::from_raw(dev) }.report_error();
}

/// Returns whether a path is marginal now (C's
/// `mpath_device_is_marginal`).
///
/// # Safety
///
/// As for [`mpath_path_error`].
#[export]
pub unsafe extern "C" fn mpath_device_is_marginal(dev: *mut bindings::mpath_device) -> bool {
    // SAFETY: By the safety requirements.
    unsafe { MpathDevice::from_raw(dev) }.is_marginal()
}

/// Prints a marginal path setting (C's `mpath_marginal_show`).
///
/// # Safety
///
/// `head` is a set-up head and `buf` is valid for writes of `PAGE_SIZE`
/// bytes.
#[export]
pub unsafe extern "C" fn mpath_marginal_show(
    head: *mut bindings::mpath_head,
    param: bindings::mpath_marginal_param,
    buf: *mut c_char,
) -> isize {
    let Ok(param) = MarginalParam::from_raw(param) else {
        return EINVAL.to_errno() as isize;
    };
    // SAFETY: By the safety requirements.
    let value = unsafe { MpathHead::from_raw(head) }.marginal_param(param);
    // SAFETY: `buf` is a sysfs page, by the safety requirements.
    unsafe { attr::show_to_page(&value, buf) }
}

/// Changes a marginal path setting (C's `mpath_marginal_store`).
///
/// # Safety
///
/// `head` is a set-up head; `buf` is NULL or a NUL-terminated string.
#[export]
pub unsafe extern "C" fn mpath_marginal_store(
    head: *mut bindings::mpath_head,
    param: bindings::mpath_marginal_param,
    buf: *const c_char,
) -> c_int {
    let Ok(param) = MarginalParam::from_raw(param) else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    let Ok(value) = (unsafe { super::parse_store::<u32>(buf) }) else {
        return EINVAL.to_errno();
    };
    // SAFETY: By the safety requirements.
    super::errno(unsafe { MpathHead::from_raw(head) }.set_marginal_param(param, value))
}
