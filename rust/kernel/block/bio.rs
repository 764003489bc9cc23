// SPDX-License-Identifier: GPL-2.0

//! Owned bios: the unit of I/O that bio-based block drivers receive and
//! forward.
//!
//! C header: [`include/linux/bio.h`](srctree/include/linux/bio.h)
//!
//! A [`Bio`] is a bio whose completion its holder is responsible for. It is
//! consumed by exactly one of [`Bio::submit`] (the block layer then owns it),
//! [`Bio::end`] (it completes now), or [`BioList::push`](super::BioList::push)
//! (the list owns it). Since all three take `self`, using a bio after handing
//! it on, or ending it twice, does not compile. A [`Bio`] that is dropped
//! instead is a bug in its holder: it is ended with [`BlkStatus::IOERR`] and a
//! warning, so that its submitter is never left waiting.
//!
//! # Examples
//!
//! Forwarding every bio of a stacking disk to a lower device:
//!
//! ```
//! use kernel::block::{bio::{Bio, ReqFlags}, BlockDevice};
//!
//! fn forward(bio: Bio, lower: &BlockDevice) {
//!     // Split to the stacked limits first: the rest is resubmitted.
//!     let Some(mut bio) = bio.split_to_limits() else {
//!         return;
//!     };
//!     bio.set_dev(lower);
//!     bio.set_opf_flags(ReqFlags::DRV);
//!     bio.submit();
//! }
//! ```

use crate::{
    bindings,
    block::BlockDevice,
    prelude::*, //
};
use core::ptr::NonNull;

/// A block layer completion status (C's `blk_status_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlkStatus(pub(crate) u8);

impl BlkStatus {
    /// Success.
    pub const OK: Self = Self(0);
    /// The path (transport) failed; another path may succeed.
    pub const TRANSPORT: Self = Self(4);
    /// Out of resources; retrying later may succeed.
    pub const RESOURCE: Self = Self(9);
    /// A generic I/O error.
    pub const IOERR: Self = Self(10);
    /// The operation would block (for `REQ_NOWAIT` bios).
    pub const AGAIN: Self = Self(12);

    /// Converts a C `blk_status_t`.
    pub fn from_raw(status: bindings::blk_status_t) -> Self {
        Self(status)
    }

    /// Returns the C `blk_status_t`.
    pub fn as_raw(self) -> bindings::blk_status_t {
        self.0
    }

    /// Returns whether this is success.
    pub fn is_ok(self) -> bool {
        self == Self::OK
    }

    /// Returns the negative errno that the block layer maps this status to.
    pub fn to_errno(self) -> c_int {
        // SAFETY: `blk_status_to_errno` accepts any value and maps unknown
        // ones to -EIO.
        unsafe { bindings::blk_status_to_errno(self.0) }
    }
}

impl From<Error> for BlkStatus {
    fn from(e: Error) -> Self {
        Self(e.to_blk_status())
    }
}

/// Request flags of a bio (the upper bits of C's `blk_opf_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReqFlags(u32);

impl ReqFlags {
    /// `REQ_DRV`: for the driver's own use (libmultipath marks the bios it
    /// sends to a path with it).
    pub const DRV: Self = Self(1 << bindings::req_flag_bits___REQ_DRV);
    /// `REQ_NOWAIT`: do not wait for resources.
    pub const NOWAIT: Self = Self(1 << bindings::req_flag_bits___REQ_NOWAIT);
    /// `REQ_FAILFAST_TRANSPORT`: do not retry transport errors, fail fast so
    /// that another path can be tried.
    pub const FAILFAST_TRANSPORT: Self =
        Self(1 << bindings::req_flag_bits___REQ_FAILFAST_TRANSPORT);

    /// Returns the raw bits.
    pub fn bits(self) -> u32 {
        self.0
    }
}

/// Flags in a bio's `bi_flags` (C's `BIO_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BioFlag(u32);

impl BioFlag {
    /// `BIO_REMAPPED`: the bio was remapped to another device and need not
    /// be checked against the original device's partition again.
    pub const REMAPPED: Self = Self(bindings::BIO_REMAPPED);
    /// `BIO_CLONED`: the bio shares its data with another bio.
    pub const CLONED: Self = Self(bindings::BIO_CLONED);
}

/// The operation of a bio (C's `enum req_op`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReqOp(u32);

impl ReqOp {
    /// Read.
    pub const READ: Self = Self(bindings::req_op_REQ_OP_READ);
    /// Write.
    pub const WRITE: Self = Self(bindings::req_op_REQ_OP_WRITE);
    /// Flush the volatile write cache.
    pub const FLUSH: Self = Self(bindings::req_op_REQ_OP_FLUSH);
    /// Discard sectors.
    pub const DISCARD: Self = Self(bindings::req_op_REQ_OP_DISCARD);
    /// Write zeroes.
    pub const WRITE_ZEROES: Self = Self(bindings::req_op_REQ_OP_WRITE_ZEROES);

    /// Returns whether data moves from memory to the device.
    pub fn is_write(self) -> bool {
        self.0 & 1 != 0
    }
}

/// A bio that its holder must hand on exactly once.
///
/// # Invariants
///
/// `ptr` points to a valid `struct bio` that nobody else will submit or end:
/// the holder of this value is responsible for its completion.
pub struct Bio {
    ptr: NonNull<bindings::bio>,
}

// SAFETY: A bio may be submitted or ended from any thread; the holder has
// exclusive responsibility for it.
unsafe impl Send for Bio {}

impl Bio {
    /// Takes responsibility for a bio.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid bio whose completion is the caller's to hand
    /// on (for example the argument of a `submit_bio` callback), and nothing
    /// else will submit or end it.
    pub unsafe fn from_raw(ptr: *mut bindings::bio) -> Self {
        // INVARIANT: By the safety requirements.
        Self {
            // SAFETY: The safety requirements say `ptr` is valid, so not NULL.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
        }
    }

    /// Gives up responsibility for the bio, returning its pointer.
    pub fn into_raw(self) -> *mut bindings::bio {
        let ptr = self.ptr.as_ptr();
        core::mem::forget(self);
        ptr
    }

    /// Returns the raw pointer, which stays owned by `self`.
    pub fn as_ptr(&self) -> *mut bindings::bio {
        self.ptr.as_ptr()
    }

    fn raw(&self) -> &bindings::bio {
        // SAFETY: By the type invariant the bio is valid, and `&self` keeps
        // anyone else from changing it while the reference lives.
        unsafe { self.ptr.as_ref() }
    }

    fn raw_mut(&mut self) -> &mut bindings::bio {
        // SAFETY: By the type invariant the bio is valid and its holder has
        // exclusive access to it.
        unsafe { self.ptr.as_mut() }
    }

    /// Returns the first sector (512 bytes) of the I/O.
    pub fn sector(&self) -> u64 {
        self.raw().bi_iter.bi_sector
    }

    /// Returns the number of bytes left to transfer.
    pub fn size(&self) -> u32 {
        self.raw().bi_iter.bi_size
    }

    /// Returns the full operation and flags word (`bi_opf`).
    pub fn opf(&self) -> u32 {
        self.raw().bi_opf
    }

    /// Returns the operation.
    pub fn op(&self) -> ReqOp {
        ReqOp(self.opf() & ((1 << bindings::REQ_OP_BITS) - 1))
    }

    /// Returns whether all of `flags` are set in `bi_opf`.
    pub fn has_opf_flags(&self, flags: ReqFlags) -> bool {
        self.opf() & flags.0 == flags.0
    }

    /// Sets `flags` in `bi_opf`.
    pub fn set_opf_flags(&mut self, flags: ReqFlags) {
        self.raw_mut().bi_opf |= flags.0;
    }

    /// Returns whether `flag` is set in `bi_flags`.
    pub fn has_flag(&self, flag: BioFlag) -> bool {
        u32::from(self.raw().bi_flags) & (1 << flag.0) != 0
    }

    /// Sets `flag` in `bi_flags`.
    pub fn set_flag(&mut self, flag: BioFlag) {
        // SAFETY: By the type invariant the bio is valid and ours to change.
        unsafe { bindings::bio_set_flag(self.as_ptr(), flag.0) };
    }

    /// Returns the block device the bio is addressed to.
    pub fn bdev(&self) -> Option<&BlockDevice> {
        let bdev = self.raw().bi_bdev;
        if bdev.is_null() {
            return None;
        }
        // SAFETY: A bio's device outlives the bio's trip through its driver.
        Some(unsafe { BlockDevice::from_raw(bdev) })
    }

    /// Addresses the bio to `bdev` (C's `bio_set_dev`).
    ///
    /// `bdev` must stay alive until the bio has been submitted; after that
    /// the block layer keeps what it needs.
    pub fn set_dev(&mut self, bdev: &BlockDevice) {
        // SAFETY: The bio is valid and ours; `bdev` is valid for the call.
        unsafe { bindings::bio_set_dev(self.as_ptr(), bdev.as_raw()) };
    }

    /// Returns the bio's private pointer.
    pub fn private(&self) -> *mut c_void {
        self.raw().bi_private
    }

    /// Splits the bio to the limits of the queue it is addressed to.
    ///
    /// The part beyond the limits is resubmitted by the block layer; the
    /// part to process now is returned. `None` means the block layer ended
    /// the bio itself (it was invalid for the queue).
    pub fn split_to_limits(self) -> Option<Bio> {
        let ptr = self.into_raw();
        // SAFETY: `ptr` is a valid bio that we were responsible for; the
        // responsibility passes to `bio_split_to_limits`, which hands it back
        // for the returned bio or ends the bio.
        let ret = unsafe { bindings::bio_split_to_limits(ptr) };
        // INVARIANT: A non-NULL result is a bio that is now ours to hand on.
        NonNull::new(ret).map(|ptr| Bio { ptr })
    }

    /// Submits the bio to the device it is addressed to, without I/O
    /// accounting (C's `submit_bio_noacct`).
    pub fn submit(self) {
        // SAFETY: The bio is valid and ours; the block layer takes it over.
        unsafe { bindings::submit_bio_noacct(self.into_raw()) };
    }

    /// Ends the bio with `status` (C's `bio_endio`).
    pub fn end(self, status: BlkStatus) {
        let ptr = self.into_raw();
        // SAFETY: `ptr` is a valid bio that was ours to end, exactly once.
        unsafe {
            (*ptr).bi_status = status.0;
            bindings::bio_endio(ptr);
        }
    }

    /// Ends the bio with an I/O error (C's `bio_io_error`).
    pub fn io_error(self) {
        self.end(BlkStatus::IOERR)
    }
}

impl Drop for Bio {
    fn drop(&mut self) {
        // A dropped bio would leave its submitter waiting forever: fail it
        // instead, loudly, since its holder forgot to hand it on.
        crate::warn_on!(true);
        let bio = Bio { ptr: self.ptr };
        bio.end(BlkStatus::IOERR);
    }
}
