// SPDX-License-Identifier: GPL-2.0

//! C entry points: the head's sysfs links and the per-path `numa_nodes`.

use crate::{
    device::MpathDevice,
    head::MpathHead,
    IoPolicy, //
};
use kernel::{
    bindings,
    prelude::*, //
};

/// Links every added path disk under the head's `multipath/` group (C's
/// `mpath_add_sysfs_link`).
///
/// # Safety
///
/// `head` is a set-up head.
#[export]
pub unsafe extern "C" fn mpath_add_sysfs_link(head: *mut bindings::mpath_head) {
    // SAFETY: By the safety requirements.
    unsafe { MpathHead::from_raw(head) }.add_sysfs_links()
}

/// Removes a path's link from its head (C's `mpath_remove_sysfs_link`).
///
/// # Safety
///
/// `dev` is a valid path.
#[export]
pub unsafe extern "C" fn mpath_remove_sysfs_link(dev: *mut bindings::mpath_device) {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    if let Some(head) = dev.head() {
        head.remove_sysfs_link(dev);
    }
}

/// Prints the nodes whose I/O uses a path (C's `mpath_numa_nodes_show`).
///
/// # Safety
///
/// `dev` is a valid path and `buf` is valid for writes of `PAGE_SIZE`
/// bytes.
#[export]
pub unsafe extern "C" fn mpath_numa_nodes_show(
    dev: *mut bindings::mpath_device,
    buf: *mut c_char,
) -> isize {
    // SAFETY: By the safety requirements.
    let dev = unsafe { MpathDevice::from_raw(dev) };
    let Some(head) = dev.head() else {
        return 0;
    };
    // Under another policy the file is empty, as NVMe has always shown it.
    if head.iopolicy() != IoPolicy::Numa {
        return 0;
    }
    let mut nodes = head.numa_nodes_of(dev);
    // SAFETY: `buf` is a sysfs page; "%*pbl" takes the number of bits and
    // the bitmap, which `nodes` holds for `MAX_NUMNODES` nodes.
    unsafe {
        bindings::sysfs_emit(
            buf,
            c"%*pbl\n".as_char_ptr(),
            bindings::MAX_NUMNODES as c_int,
            nodes.bits.as_mut_ptr(),
        ) as isize
    }
}
