// SPDX-License-Identifier: GPL-2.0

//! A counted reference to a head, as the head disk's driver data.
//!
//! # Examples
//!
//! ```
//! # use kernel::block::{bio_disk::GenDisk, mem_disk::MemDisk, BlockDevice};
//! # use multipath::{IoPolicy, MpathDevice, MpathHeadTemplate, OwnedHead};
//! # struct MyPath {
//! #     mdev: MpathDevice,
//! #     disk: GenDisk<MemDisk>,
//! # }
//! # multipath::impl_has_mpath_device!(MyPath, mdev);
//! # struct MyDriver;
//! # #[vtable]
//! # impl MpathHeadTemplate for MyDriver {
//! #     type Path = MyPath;
//! #     fn path_disk(path: &MyPath) -> &BlockDevice {
//! #         path.disk.part0()
//! #     }
//! # }
//! use multipath::head_ref::HeadRef;
//!
//! # let head = OwnedHead::<MyDriver>::new(IoPolicy::Numa)?;
//! // A counted reference: the head's teardown waits until it is dropped.
//! let r = HeadRef::new(&head).ok_or(ENODEV)?;
//! assert_eq!(r.iopolicy(), IoPolicy::Numa);
//! drop(r);
//! # Ok::<(), Error>(())
//! ```

use crate::head::MpathHead;
use core::{
    ops::Deref,
    ptr::NonNull, //
};
use kernel::{
    bindings,
    prelude::*,
    types::ForeignOwnable, //
};

/// A reference to a head, counted in its `ref`: the head's teardown waits
/// for it to be dropped.
///
/// # Invariants
///
/// `self.0` points to a set-up head of which `self` owns one reference.
pub struct HeadRef(NonNull<bindings::mpath_head>);

// SAFETY: A head may be used and its reference dropped from any thread.
unsafe impl Send for HeadRef {}
// SAFETY: Only shared access to the head is given.
unsafe impl Sync for HeadRef {}

impl HeadRef {
    /// Takes a reference to `head`, unless it is going away.
    pub fn new(head: &MpathHead) -> Option<Self> {
        // INVARIANT: `get` took a reference for us.
        head.get().then(|| Self(NonNull::from(head).cast()))
    }
}

impl Deref for HeadRef {
    type Target = MpathHead;

    fn deref(&self) -> &MpathHead {
        // SAFETY: The reference keeps the head set up.
        unsafe { MpathHead::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for HeadRef {
    fn drop(&mut self) {
        self.put();
    }
}

// SAFETY: `into_foreign` returns the head pointer, aligned as a head, and
// the other methods take back exactly that.
unsafe impl ForeignOwnable for HeadRef {
    const FOREIGN_ALIGN: usize = core::mem::align_of::<bindings::mpath_head>();
    type Borrowed<'a> = &'a MpathHead;
    type BorrowedMut<'a> = &'a MpathHead;

    fn into_foreign(self) -> *mut c_void {
        let ptr = self.0.as_ptr();
        core::mem::forget(self);
        ptr.cast()
    }

    unsafe fn from_foreign(ptr: *mut c_void) -> Self {
        // INVARIANT: `ptr` came from `into_foreign`, which kept the
        // reference.
        // SAFETY: `into_foreign` never returns NULL.
        Self(unsafe { NonNull::new_unchecked(ptr.cast()) })
    }

    unsafe fn borrow<'a>(ptr: *mut c_void) -> &'a MpathHead {
        // SAFETY: The reference behind `ptr` keeps the head set up for `'a`.
        unsafe { MpathHead::from_raw(ptr.cast()) }
    }

    unsafe fn borrow_mut<'a>(ptr: *mut c_void) -> &'a MpathHead {
        // SAFETY: As for `borrow`.
        unsafe { MpathHead::from_raw(ptr.cast()) }
    }
}
