// SPDX-License-Identifier: GPL-2.0

//! A path of a multipath head (C's `struct mpath_device`), embedded in the
//! driver's per-path object.
//!
//! # Examples
//!
//! ```
//! use kernel::bindings;
//! use multipath::{AccessState, DeviceFlag, MpathDevice, PathInfo};
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
//! assert!(!dev.test_flag(DeviceFlag::SysfsAttrLink));
//! ```

use crate::{
    fields::DeviceFields,
    flags::{
        self,
        DeviceFlag, //
    },
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
};

/// One path to a head's shared device.
///
/// # Invariants
///
/// `self.0` is a valid `struct mpath_device`; while it is on a head, its
/// `mpath_head` points to that live head.
#[repr(transparent)]
pub struct MpathDevice(DeviceFields);

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
        Self(DeviceFields::zeroed())
    }

    /// Sets the access state, as the driver learns it (C drivers write the
    /// field with `WRITE_ONCE`); call [`MpathHead::clear_paths`] after.
    pub fn set_access_state(&self, state: AccessState) {
        let raw = match state {
            AccessState::Optimized => bindings::mpath_access_state_MPATH_STATE_OPTIMIZED,
            AccessState::NonOptimized => bindings::mpath_access_state_MPATH_STATE_NONOPTIMIZED,
            AccessState::Other => bindings::mpath_access_state_MPATH_STATE_OTHER,
        };
        self.0.access_state().store(raw, Relaxed);
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
        self.0.flags()
    }

    /// Returns whether `flag` is set.
    pub fn test_flag(&self, flag: DeviceFlag) -> bool {
        flags::test_bits(self.flags(), flag.mask())
    }

    /// Sets `flag`; returns whether it was set before.
    pub(crate) fn test_and_set_flag(&self, flag: DeviceFlag) -> bool {
        flags::update_bits(self.flags(), flag.mask(), true)
    }

    /// Clears `flag`; returns whether it was set before.
    pub(crate) fn test_and_clear_flag(&self, flag: DeviceFlag) -> bool {
        flags::update_bits(self.flags(), flag.mask(), false)
    }

    /// Returns the raw C struct.
    pub fn as_raw(&self) -> *mut bindings::mpath_device {
        self.0.as_raw()
    }

    /// Returns the typed view of the path's C fields.
    pub fn fields(&self) -> &DeviceFields {
        &self.0
    }

    /// Returns the head the path was added to, if any.
    pub fn head(&self) -> Option<&MpathHead> {
        self.0.mpath_head()
    }

    /// Returns the whole-disk block device of the path's own disk.
    pub fn bdev(&self) -> Option<&kernel::block::BlockDevice> {
        self.0.bdev()
    }

    fn template(&self) -> Option<&bindings::mpath_head_template> {
        self.head().map(MpathHead::template)
    }

    /// Returns the raw `access_state`, as the driver last wrote it.
    pub(crate) fn raw_state(&self) -> u32 {
        self.0.access_state().load(Relaxed)
    }
}

// SAFETY: `links` and `from_links` go between a path and its `siblings`.
unsafe impl SrcuListItem for MpathDevice {
    fn links(item: &Self) -> &SrcuListLinks {
        item.0.siblings()
    }

    unsafe fn from_links(links: *mut bindings::list_head) -> *const Self {
        // By the safety requirements `links` is the `siblings` of a valid
        // path; `MpathDevice` is a transparent wrapper of it.
        DeviceFields::from_siblings(links).cast()
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

    // A marginal path counts as unusable while a healthy one is usable.
    fn access_state(&self) -> AccessState {
        let state = match self.raw_state() {
            bindings::mpath_access_state_MPATH_STATE_OPTIMIZED => AccessState::Optimized,
            bindings::mpath_access_state_MPATH_STATE_NONOPTIMIZED => AccessState::NonOptimized,
            _ => return AccessState::Other,
        };
        if self.is_set_aside() {
            return AccessState::Other;
        }
        state
    }

    // `access_state` already sets a marginal path aside; the driver's
    // callback does not know of marginal paths.
    fn is_optimized(&self) -> bool {
        match self.template().and_then(|t| t.is_optimized) {
            // SAFETY: The driver's callback takes any of its live paths.
            Some(is_optimized) => !self.is_set_aside() && unsafe { is_optimized(self.as_raw()) },
            None => !self.is_disabled() && self.access_state() == AccessState::Optimized,
        }
    }

    fn numa_node(&self) -> Option<NodeId> {
        self.0.numa_node()
    }

    fn queue_depth(&self) -> u32 {
        self.0
            .nr_active()
            .map_or(0, |depth| depth.load(Relaxed).max(0) as u32)
    }

    // A load and a store, not an atomic decrement: CPUs that race on one
    // path's turn may give it an I/O or two more, which costs less than a
    // locked instruction on every I/O.
    fn take_credit(&self) -> bool {
        let credit = self.0.lat_credit();
        match credit.load(Relaxed) {
            0 => false,
            left => {
                credit.store(left - 1, Relaxed);
                true
            }
        }
    }

    fn refill_credit(&self) {
        self.0
            .lat_credit()
            .store(self.latency_weight() - 1, Relaxed);
    }
}
