// SPDX-License-Identifier: GPL-2.0

//! The bits of a head's and a path's `flags` word, as types.
//!
//! Each bit stands for a state that the library sets and clears in pairs
//! (the head disk added and deleted, a pending removal's module pin taken
//! and dropped, ...), so only the library changes them: the setters are
//! crate-private and take one of these values, never a raw bit number.
//!
//! C header: [`include/linux/multipath.h`](srctree/include/linux/multipath.h)

use kernel::{
    bindings,
    sync::atomic::{
        Atomic,
        Full,
        Relaxed, //
    },
};

/// A bit of `struct mpath_head.flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum HeadFlag {
    /// The head disk is added (`MPATH_HEAD_DISK_LIVE`).
    DiskLive = bindings::MPATH_HEAD_DISK_LIVE,
    /// Bios wait when no path is left (`MPATH_HEAD_QUEUE_IF_NO_PATH`).
    QueueIfNoPath = bindings::MPATH_HEAD_QUEUE_IF_NO_PATH,
    /// The character device is added (`MPATH_HEAD_CDEV_LIVE`).
    CdevLive = bindings::MPATH_HEAD_CDEV_LIVE,
    /// A delayed removal is pending and holds a module reference
    /// (`MPATH_HEAD_REMOVE_PENDING`).
    RemovePending = bindings::MPATH_HEAD_REMOVE_PENDING,
}

/// A bit of `struct mpath_device.flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum DeviceFlag {
    /// The path's link in the head disk's sysfs directory exists
    /// (`MPATH_DEVICE_SYSFS_ATTR_LINK`).
    SysfsAttrLink = bindings::MPATH_DEVICE_SYSFS_ATTR_LINK,
    /// The path failed too often and is used only when no healthy path is
    /// usable (`MPATH_DEVICE_MARGINAL`).
    Marginal = bindings::MPATH_DEVICE_MARGINAL,
}

impl HeadFlag {
    /// The flag's bit in the `flags` word.
    pub(crate) const fn mask(self) -> usize {
        1 << self as u32
    }
}

impl DeviceFlag {
    /// The flag's bit in the `flags` word.
    pub(crate) const fn mask(self) -> usize {
        1 << self as u32
    }
}

/// Returns whether any bit of `mask` is set in `flags`.
pub(crate) fn test_bits(flags: &Atomic<usize>, mask: usize) -> bool {
    flags.load(Relaxed) & mask != 0
}

/// Sets or clears the bits of `mask` in `flags` with full ordering, as
/// C's `test_and_set_bit` / `test_and_clear_bit` for one bit; returns
/// whether any of them was set.
pub(crate) fn update_bits(flags: &Atomic<usize>, mask: usize, set: bool) -> bool {
    let mut old = flags.load(Relaxed);
    loop {
        let new = if set { old | mask } else { old & !mask };
        match flags.cmpxchg(old, new, Full) {
            Ok(_) => return old & mask != 0,
            Err(now) => old = now,
        }
    }
}
