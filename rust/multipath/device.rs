// SPDX-License-Identifier: GPL-2.0

//! A path of a multipath head (C's `struct mpath_device`), embedded in the
//! driver's per-path object.
//!
//! # Examples
//!
//! ```
//! use kernel::bindings;
//! use multipath::{AccessState, MpathDevice, PathInfo};
//!
//! // A path on no head yet, as a driver embeds it in its own path object.
//! let dev = MpathDevice::new();
//! assert!(dev.head().is_none());
//! assert!(dev.bdev().is_none());
//!
//! dev.set_access_state(AccessState::NonOptimized);
//! assert_eq!(dev.access_state(), AccessState::NonOptimized);
//! assert!(!dev.is_optimized());
//!
//! assert!(!dev.test_and_set_flag(bindings::MPATH_DEVICE_SYSFS_ATTR_LINK));
//! assert!(dev.test_and_clear_flag(bindings::MPATH_DEVICE_SYSFS_ATTR_LINK));
//! ```

use crate::{
    head::MpathHead,
    path::{
        AccessState,
        PathInfo, //
    },
};
use kernel::{
    bindings,
    numa::NodeId,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        srcu_list::{
            SrcuListItem,
            SrcuListLinks, //
        },
    },
    types::Opaque,
};

/// One path to a head's shared device.
///
/// # Invariants
///
/// `self.0` is a valid `struct mpath_device`; while it is on a head, its
/// `mpath_head` points to that live head.
#[repr(transparent)]
pub struct MpathDevice(Opaque<bindings::mpath_device>);

// SAFETY: The fields read concurrently are read atomically; the others are
// written only under the head's lock before the path is published.
unsafe impl Send for MpathDevice {}
// SAFETY: See above.
unsafe impl Sync for MpathDevice {}

impl Default for MpathDevice {
    fn default() -> Self {
        Self::new()
    }
}

impl MpathDevice {
    /// Creates a path on no head, to embed in a driver's path object.
    pub const fn new() -> Self {
        // Zero is a path on no head: `mpath_head` NULL.
        Self(Opaque::zeroed())
    }

    /// Sets the access state, as the driver learns it (C drivers write the
    /// field with `WRITE_ONCE`); call [`MpathHead::clear_paths`] after.
    pub fn set_access_state(&self, state: AccessState) {
        let raw = match state {
            AccessState::Optimized => bindings::mpath_access_state_MPATH_STATE_OPTIMIZED,
            AccessState::NonOptimized => bindings::mpath_access_state_MPATH_STATE_NONOPTIMIZED,
            AccessState::Other => bindings::mpath_access_state_MPATH_STATE_OTHER,
        };
        // SAFETY: The field is valid, aligned and only accessed atomically.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).access_state) }
            .store(raw, Relaxed);
    }

    /// Borrows the C path at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `struct mpath_device` that lives for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::mpath_device) -> &'a Self {
        // SAFETY: `MpathDevice` is a transparent wrapper of the C struct.
        unsafe { &*ptr.cast() }
    }

    fn flags(&self) -> &Atomic<usize> {
        // SAFETY: `flags` is valid and aligned, and only changed with atomic
        // bit operations, by C and Rust alike.
        unsafe { Atomic::<usize>::from_ptr(&raw mut (*self.as_raw()).flags) }
    }

    /// Sets `MPATH_DEVICE_*` bit `bit`; returns whether it was set before.
    pub fn test_and_set_flag(&self, bit: u32) -> bool {
        crate::head::update_bit(self.flags(), bit, true)
    }

    /// Clears `MPATH_DEVICE_*` bit `bit`; returns whether it was set before.
    pub fn test_and_clear_flag(&self, bit: u32) -> bool {
        crate::head::update_bit(self.flags(), bit, false)
    }

    /// Returns the raw C struct.
    pub fn as_raw(&self) -> *mut bindings::mpath_device {
        self.0.get()
    }

    /// Returns the head the path was added to, if any.
    pub fn head(&self) -> Option<&MpathHead> {
        // SAFETY: The field is written by `add_device` before the path is
        // published and cleared only after it is unreachable.
        let head = unsafe { (*self.as_raw()).mpath_head };
        if head.is_null() {
            return None;
        }
        // SAFETY: By the type invariant, a path on a head points to it, and
        // the head outlives its paths.
        Some(unsafe { MpathHead::from_raw(head) })
    }

    /// Returns the whole-disk block device of the path's own disk.
    pub fn bdev(&self) -> Option<&kernel::block::BlockDevice> {
        // SAFETY: `disk` is written before the path is published and
        // outlives it (see `MpathHead::add_device`).
        let disk = unsafe { (*self.as_raw()).disk };
        if disk.is_null() {
            return None;
        }
        // SAFETY: A valid disk's `part0` lives as long as the disk.
        Some(unsafe { kernel::block::BlockDevice::from_raw((*disk).part0) })
    }

    fn template(&self) -> Option<&bindings::mpath_head_template> {
        self.head().map(MpathHead::template)
    }

    /// Returns the raw `access_state`, as the driver last wrote it.
    fn raw_state(&self) -> u32 {
        // SAFETY: The field is valid and aligned; the driver writes it with
        // `WRITE_ONCE`, so reading it atomically is right.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).access_state) }.load(Relaxed)
    }
}

// SAFETY: `links` and `from_links` go between a path and its `siblings`.
unsafe impl SrcuListItem for MpathDevice {
    fn links(item: &Self) -> &SrcuListLinks {
        // SAFETY: `siblings` is a `list_head` inside the path, and
        // `SrcuListLinks` is a transparent wrapper of one.
        unsafe { &*(&raw mut (*item.as_raw()).siblings).cast::<SrcuListLinks>() }
    }

    unsafe fn from_links(links: *mut bindings::list_head) -> *const Self {
        // SAFETY: By the safety requirements `links` is the `siblings` of a
        // valid path.
        unsafe { kernel::container_of!(links, bindings::mpath_device, siblings) }.cast()
    }
}

impl PathInfo for MpathDevice {
    fn is_disabled(&self) -> bool {
        match self.template().and_then(|t| t.is_disabled) {
            // SAFETY: The driver's callback takes any of its live paths.
            Some(is_disabled) => unsafe { is_disabled(self.as_raw()) },
            None => false,
        }
    }

    fn access_state(&self) -> AccessState {
        match self.raw_state() {
            bindings::mpath_access_state_MPATH_STATE_OPTIMIZED => AccessState::Optimized,
            bindings::mpath_access_state_MPATH_STATE_NONOPTIMIZED => AccessState::NonOptimized,
            _ => AccessState::Other,
        }
    }

    fn is_optimized(&self) -> bool {
        match self.template().and_then(|t| t.is_optimized) {
            // SAFETY: The driver's callback takes any of its live paths.
            Some(is_optimized) => unsafe { is_optimized(self.as_raw()) },
            None => !self.is_disabled() && self.access_state() == AccessState::Optimized,
        }
    }

    fn numa_node(&self) -> Option<NodeId> {
        // SAFETY: Written before the path is published, then constant.
        NodeId::new(unsafe { (*self.as_raw()).numa_node })
    }

    fn queue_depth(&self) -> u32 {
        // SAFETY: Written before the path is published, then constant.
        let counter = unsafe { (*self.as_raw()).nr_active };
        if counter.is_null() {
            return 0;
        }
        // SAFETY: The driver's counter outlives the path and is only
        // accessed atomically.
        let depth = unsafe { Atomic::<i32>::from_ptr(&raw mut (*counter).counter) }.load(Relaxed);
        depth.max(0) as u32
    }
}
