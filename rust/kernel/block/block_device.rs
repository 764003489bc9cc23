// SPDX-License-Identifier: GPL-2.0

//! Block devices (C's `struct block_device`).
//!
//! C header: [`include/linux/blk_types.h`](srctree/include/linux/blk_types.h)

use crate::{
    bindings,
    types::Opaque, //
};

/// A block device: a whole disk or a partition.
///
/// Only ever used by reference; whoever hands out the reference keeps the
/// device alive for its lifetime.
///
/// # Invariants
///
/// `self.0` is a valid, live `struct block_device`.
#[repr(transparent)]
pub struct BlockDevice(Opaque<bindings::block_device>);

impl BlockDevice {
    /// Borrows the block device at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `struct block_device` that stays alive for
    /// `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::block_device) -> &'a Self {
        // SAFETY: `BlockDevice` is a transparent wrapper of the C struct, and
        // the caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    pub fn as_raw(&self) -> *mut bindings::block_device {
        self.0.get()
    }

    /// Returns the device number (C's `bd_dev`).
    pub fn devt(&self) -> u32 {
        // SAFETY: By the type invariant the struct is valid; `bd_dev` is set
        // when the device is created and never changes.
        unsafe { (*self.as_raw()).bd_dev }
    }
}
