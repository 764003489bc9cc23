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

    /// Returns the size in 512-byte sectors.
    pub fn nr_sectors(&self) -> u64 {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::bdev_nr_sectors(self.as_raw()) }
    }

    /// Returns the disk the device belongs to (C's `bd_disk`), which lives
    /// at least as long as the device.
    pub fn disk_raw(&self) -> *mut bindings::gendisk {
        // SAFETY: By the type invariant the device is valid; `bd_disk` is
        // set when it is created and never changes.
        unsafe { (*self.as_raw()).bd_disk }
    }

    /// Returns the device number (C's `bd_dev`).
    pub fn devt(&self) -> u32 {
        // SAFETY: By the type invariant the struct is valid; `bd_dev` is set
        // when the device is created and never changes.
        unsafe { (*self.as_raw()).bd_dev }
    }
}

/// A block device opened by its device number, closed on drop.
///
/// # Invariants
///
/// `file` is a block device file from `bdev_file_open_by_dev` that `self`
/// holds a reference to.
pub struct OpenBlockDevice {
    file: core::ptr::NonNull<bindings::file>,
}

// SAFETY: An open block device file may be used and closed from any thread.
unsafe impl Send for OpenBlockDevice {}
// SAFETY: `bdev()` only hands out a shared reference to the device.
unsafe impl Sync for OpenBlockDevice {}

impl OpenBlockDevice {
    /// Opens the block device `devt` for reading, and for writing too if
    /// `write` is set.
    pub fn open(devt: u32, write: bool) -> crate::error::Result<Self> {
        let mut mode = bindings::BLK_OPEN_READ;
        if write {
            mode |= bindings::BLK_OPEN_WRITE;
        }
        // SAFETY: No holder and no holder operations are passed, which
        // `bdev_file_open_by_dev` allows for a non-exclusive open.
        let file = crate::error::from_err_ptr(unsafe {
            bindings::bdev_file_open_by_dev(devt, mode, core::ptr::null_mut(), core::ptr::null())
        })?;
        // INVARIANT: `from_err_ptr` let through a valid file only.
        Ok(Self {
            // SAFETY: A valid file pointer is not NULL.
            file: unsafe { core::ptr::NonNull::new_unchecked(file) },
        })
    }

    /// Returns the opened block device.
    pub fn bdev(&self) -> &BlockDevice {
        // SAFETY: The file is a block device file, whose device lives as
        // long as the file, which `self` keeps open.
        unsafe { BlockDevice::from_raw(bindings::file_bdev(self.file.as_ptr())) }
    }
}

impl Drop for OpenBlockDevice {
    fn drop(&mut self) {
        // SAFETY: `self` holds a reference to the file; this drops it.
        unsafe { bindings::fput(self.file.as_ptr()) };
    }
}
