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
    alloc::Flags,
    bindings,
    block::BlockDevice,
    error::to_result,
    page::Page,
    prelude::*,
    sync::Arc,
    types::Opaque, //
};
use core::{
    marker::PhantomData,
    mem::size_of,
    ptr::NonNull, //
};

/// A block layer completion status (C's `blk_status_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlkStatus(pub(crate) u8);

impl BlkStatus {
    /// Success.
    pub const OK: Self = Self(bindings::BLK_STS_OK as u8);
    /// The path (transport) failed; another path may succeed.
    pub const TRANSPORT: Self = Self(bindings::BLK_STS_TRANSPORT);
    /// Out of resources; retrying later may succeed.
    pub const RESOURCE: Self = Self(bindings::BLK_STS_RESOURCE);
    /// A generic I/O error.
    pub const IOERR: Self = Self(bindings::BLK_STS_IOERR);
    /// The operation would block (for `REQ_NOWAIT` bios).
    pub const AGAIN: Self = Self(bindings::BLK_STS_AGAIN);

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
    #[inline]
    pub unsafe fn from_raw(ptr: *mut bindings::bio) -> Self {
        // INVARIANT: By the safety requirements.
        Self {
            // SAFETY: The safety requirements say `ptr` is valid, so not NULL.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
        }
    }

    /// Gives up responsibility for the bio, returning its pointer.
    #[inline]
    pub fn into_raw(self) -> *mut bindings::bio {
        let ptr = self.ptr.as_ptr();
        core::mem::forget(self);
        ptr
    }

    /// Returns the raw pointer, which stays owned by `self`.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::bio {
        self.ptr.as_ptr()
    }

    #[inline]
    fn raw(&self) -> &bindings::bio {
        // SAFETY: By the type invariant the bio is valid, and `&self` keeps
        // anyone else from changing it while the reference lives.
        unsafe { self.ptr.as_ref() }
    }

    #[inline]
    fn raw_mut(&mut self) -> &mut bindings::bio {
        // SAFETY: By the type invariant the bio is valid and its holder has
        // exclusive access to it.
        unsafe { self.ptr.as_mut() }
    }

    /// Returns the first sector (512 bytes) of the I/O.
    #[inline]
    pub fn sector(&self) -> u64 {
        self.raw().bi_iter.bi_sector
    }

    /// Returns the number of bytes left to transfer.
    #[inline]
    pub fn size(&self) -> u32 {
        self.raw().bi_iter.bi_size
    }

    /// Returns the full operation and flags word (`bi_opf`).
    #[inline]
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
    #[inline]
    pub fn set_opf_flags(&mut self, flags: ReqFlags) {
        self.raw_mut().bi_opf |= flags.0;
    }

    /// Returns whether `flag` is set in `bi_flags`.
    #[inline]
    pub fn has_flag(&self, flag: BioFlag) -> bool {
        u32::from(self.raw().bi_flags) & (1 << flag.0) != 0
    }

    /// Sets `flag` in `bi_flags`.
    #[inline]
    pub fn set_flag(&mut self, flag: BioFlag) {
        // SAFETY: By the type invariant the bio is valid and ours to change.
        unsafe { bindings::bio_set_flag(self.as_ptr(), flag.0) };
    }

    /// Returns the block device the bio is addressed to.
    #[inline]
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
    #[inline]
    pub fn set_dev(&mut self, bdev: &BlockDevice) {
        // SAFETY: The bio is valid and ours; `bdev` is valid for the call.
        unsafe { bindings::bio_set_dev(self.as_ptr(), bdev.as_raw()) };
    }

    /// Records the `block_bio_remap` trace event: the bio, sent to the
    /// device it is set to now, was for sector `from` of device `from_dev`.
    #[inline]
    pub fn trace_remap(&self, from_dev: u32, from: u64) {
        // SAFETY: By the type invariant the bio is valid; the event only
        // records it.
        unsafe { bindings::trace_block_bio_remap(self.as_ptr(), from_dev, from) };
    }

    /// Returns the bio's private pointer.
    pub fn private(&self) -> *mut c_void {
        self.raw().bi_private
    }

    /// Calls `f` with each data segment of the bio, mapped, as a raw pointer
    /// and a length; stops at the first error.
    fn for_each_segment(&self, mut f: impl FnMut(*mut u8, usize) -> Result) -> Result {
        // SAFETY: The bio is valid.
        if !unsafe { bindings::bio_has_data(self.as_ptr()) } {
            return Ok(());
        }
        let mut iter = self.raw().bi_iter;
        while iter.bi_size > 0 {
            // SAFETY: `iter` is a valid position in the bio's vector: it
            // started at the bio's own and only advanced by whole segments.
            let bv = unsafe { bindings::bio_iter_iovec(self.as_ptr(), iter) };
            // SAFETY: `bv` is a segment of the bio within one page, which
            // stays valid while the bio is ours; the mapping is undone below.
            let ret = unsafe {
                let va = bindings::kmap_local_page(bv.bv_page).cast::<u8>();
                let ret = f(va.add(bv.bv_offset as usize), bv.bv_len as usize);
                bindings::kunmap_local(va.cast());
                ret
            };
            ret?;
            // SAFETY: `iter` is valid and `bv_len` is at most what is left.
            unsafe { bindings::bio_advance_iter_single(self.as_ptr(), &mut iter, bv.bv_len) };
        }
        Ok(())
    }

    /// Copies the bio's data (of a write) to `dst`, whose length must be
    /// the bio's size.
    pub fn copy_data_to(&self, dst: &mut [u8]) -> Result {
        if dst.len() != self.size() as usize {
            return Err(EINVAL);
        }
        let mut done = 0;
        self.for_each_segment(|src, len| {
            let out = dst.get_mut(done..done + len).ok_or(EINVAL)?;
            // SAFETY: `src` is mapped for `len` bytes, `out` is `len` bytes,
            // and the two cannot overlap (bio pages are not Rust memory).
            unsafe { core::ptr::copy_nonoverlapping(src, out.as_mut_ptr(), len) };
            done += len;
            Ok(())
        })
    }

    /// Fills the bio's data (of a read) from `src`, whose length must be the
    /// bio's size.
    pub fn copy_data_from(&mut self, src: &[u8]) -> Result {
        if src.len() != self.size() as usize {
            return Err(EINVAL);
        }
        let mut done = 0;
        self.for_each_segment(|dst, len| {
            let from = src.get(done..done + len).ok_or(EINVAL)?;
            // SAFETY: `dst` is mapped for `len` bytes and ours to fill while
            // we hold the bio; `from` is `len` bytes of other memory.
            unsafe { core::ptr::copy_nonoverlapping(from.as_ptr(), dst, len) };
            done += len;
            Ok(())
        })
    }

    /// Clones the bio for submission to `bdev`, sharing its data.
    ///
    /// The clone takes the original along: when the clone completes, `done`
    /// receives the original back with the clone's status, and must end,
    /// resubmit or queue it. On failure the original is handed back.
    pub fn clone_to(
        self,
        bdev: &BlockDevice,
        set: &Arc<BioSet>,
        gfp: Flags,
        done: fn(Bio, BlkStatus),
    ) -> Result<Bio, (Error, Bio)> {
        // SAFETY: `self` is a valid bio, `bdev` a valid device and the set
        // was initialised with room for a `CloneContext` in front of each
        // bio it allocates.
        let clone = unsafe {
            bindings::bio_alloc_clone(bdev.as_raw(), self.as_ptr(), gfp.as_raw(), set.as_raw())
        };
        let Some(clone) = NonNull::new(clone) else {
            return Err((ENOMEM, self));
        };
        let ctx = CloneContext {
            parent: self,
            set: set.clone(),
            done,
        };
        // SAFETY: The front pad of the clone is ours, sized and aligned for
        // a `CloneContext` (see `BioSet::new`); it is read back exactly once,
        // by `clone_end_io`.
        unsafe {
            CloneContext::of(clone.as_ptr()).write(ctx);
            (*clone.as_ptr()).bi_end_io = Some(clone_end_io);
        }
        // INVARIANT: The clone is new and ours.
        Ok(Bio { ptr: clone })
    }

    /// Splits the bio to the limits of the queue it is addressed to.
    ///
    /// The part beyond the limits is resubmitted by the block layer; the
    /// part to process now is returned. `None` means the block layer ended
    /// the bio itself (it was invalid for the queue).
    #[inline]
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
    #[inline]
    pub fn submit(self) {
        // SAFETY: The bio is valid and ours; the block layer takes it over.
        unsafe { bindings::submit_bio_noacct(self.into_raw()) };
    }

    /// Ends the bio with `status` (C's `bio_endio`).
    #[inline]
    pub fn end(self, status: BlkStatus) {
        let ptr = self.into_raw();
        // SAFETY: `ptr` is a valid bio that was ours to end, exactly once.
        unsafe {
            (*ptr).bi_status = status.0;
            bindings::bio_endio(ptr);
        }
    }

    /// Ends the bio with an I/O error (C's `bio_io_error`).
    #[inline]
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

/// What a bio clone carries in its front pad: the original bio, the set the
/// clone came from (kept alive until the clone is freed), and the callback.
struct CloneContext {
    parent: Bio,
    set: Arc<BioSet>,
    done: fn(Bio, BlkStatus),
}

impl CloneContext {
    /// Returns where the context of `clone` lives.
    ///
    /// # Safety
    ///
    /// `clone` was allocated from a [`BioSet`].
    unsafe fn of(clone: *mut bindings::bio) -> *mut CloneContext {
        // SAFETY: A `BioSet` puts `size_of::<CloneContext>()` bytes of front
        // pad right before each bio.
        unsafe { clone.cast::<u8>().sub(size_of::<CloneContext>()).cast() }
    }
}

/// Completion of a clone made by [`Bio::clone_to`].
///
/// # Safety
///
/// Called by the block layer, once, for such a clone.
unsafe extern "C" fn clone_end_io(clone: *mut bindings::bio) {
    // SAFETY: `clone_to` wrote the context, and this is its only reader.
    let CloneContext { parent, set, done } = unsafe { CloneContext::of(clone).read() };
    // SAFETY: The clone is valid until put, which is its last use.
    let status = BlkStatus(unsafe { (*clone).bi_status });
    // SAFETY: The clone is ours; its set is alive thanks to `set`.
    unsafe { bindings::bio_put(clone) };
    done(parent, status);
    // The set may go only now, after the clone went back to it.
    drop(set);
}

/// A pool of bios for clones (C's `struct bio_set`).
///
/// # Invariants
///
/// `inner` was initialised by `bioset_init` with a front pad of
/// `size_of::<CloneContext>()` bytes, and is exited on drop.
#[pin_data(PinnedDrop)]
pub struct BioSet {
    #[pin]
    inner: Opaque<bindings::bio_set>,
}

// SAFETY: A `bio_set` is used concurrently from any thread by design.
unsafe impl Send for BioSet {}
// SAFETY: See above.
unsafe impl Sync for BioSet {}

impl BioSet {
    /// Creates a set that keeps `pool_size` bios in reserve, so that clones
    /// can always be made eventually, even under memory pressure.
    pub fn new(pool_size: u32) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            // INVARIANT: Initialised with the front pad the clones need.
            inner <- Opaque::try_ffi_init(|ptr: *mut bindings::bio_set| {
                // SAFETY: `ptr` is valid, uninitialised memory for a set.
                to_result(unsafe {
                    bindings::bioset_init(ptr, pool_size, size_of::<CloneContext>() as u32, 0)
                })
            }),
        })
    }

    fn as_raw(&self) -> *mut bindings::bio_set {
        self.inner.get()
    }
}

#[pinned_drop]
impl PinnedDrop for BioSet {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the set was initialised. Every clone
        // holds an `Arc` to its set until freed, so none is outstanding.
        unsafe { bindings::bioset_exit(self.inner.get()) };
    }
}

/// A bio allocated here for synchronous I/O to or from pages borrowed for
/// `'a`: for tests and for drivers that read metadata.
///
/// # Invariants
///
/// `ptr` is a bio from `bio_alloc` that `self` owns and has not submitted;
/// every page added to it lives for `'a`.
pub struct SyncBio<'a> {
    ptr: NonNull<bindings::bio>,
    _pages: PhantomData<&'a Page>,
}

impl<'a> SyncBio<'a> {
    /// Allocates a bio for `op` at `sector` of `bdev`, with room for
    /// `nr_vecs` pages.
    pub fn new(bdev: &'a BlockDevice, op: ReqOp, sector: u64, nr_vecs: u16) -> Result<Self> {
        // SAFETY: `bdev` is valid; `bio_alloc` with GFP_KERNEL may sleep.
        let bio = unsafe { bindings::bio_alloc(bdev.as_raw(), nr_vecs, op.0, GFP_KERNEL.as_raw()) };
        let ptr = NonNull::new(bio).ok_or(ENOMEM)?;
        // SAFETY: The bio is new and ours.
        unsafe { (*ptr.as_ptr()).bi_iter.bi_sector = sector };
        // INVARIANT: The bio is ours, unsubmitted, without pages yet.
        Ok(Self {
            ptr,
            _pages: PhantomData,
        })
    }

    /// Adds `len` bytes of `page` from `offset`.
    pub fn add_page(&mut self, page: &'a Page, len: u32, offset: u32) -> Result {
        // SAFETY: The bio is ours and unsubmitted; `page` lives for `'a`.
        let added =
            unsafe { bindings::bio_add_page(self.ptr.as_ptr(), page.as_ptr(), len, offset) };
        if added as u32 != len {
            return Err(EINVAL);
        }
        Ok(())
    }

    /// Submits the bio and waits for it.
    pub fn submit_wait(self) -> Result {
        // SAFETY: The bio is ours and complete; `submit_bio_wait` returns
        // once the I/O is done, so the pages it uses are still borrowed.
        to_result(unsafe { bindings::submit_bio_wait(self.ptr.as_ptr()) })
    }
}

impl Drop for SyncBio<'_> {
    fn drop(&mut self) {
        // SAFETY: The bio is ours and not in flight.
        unsafe { bindings::bio_put(self.ptr.as_ptr()) };
    }
}
