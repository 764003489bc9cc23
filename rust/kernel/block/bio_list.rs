// SPDX-License-Identifier: GPL-2.0

//! A FIFO of owned bios (C's `struct bio_list`).
//!
//! C header: [`include/linux/bio.h`](srctree/include/linux/bio.h)
//!
//! # Examples
//!
//! A requeue list behind a spinlock, drained by a worker:
//!
//! ```
//! use kernel::block::{bio::Bio, BioList};
//! use kernel::sync::SpinLock;
//!
//! fn requeue(list: &SpinLock<BioList>, bio: Bio) {
//!     list.lock().push(bio);
//! }
//!
//! fn resubmit_all(list: &SpinLock<BioList>) {
//!     // Take everything under the lock, submit outside it.
//!     let pending = list.lock().take_all();
//!     for bio in pending {
//!         bio.submit();
//!     }
//! }
//! ```

use crate::{
    bindings,
    block::bio::Bio, //
};

/// An owned FIFO of bios.
///
/// # Invariants
///
/// `inner` is a valid `struct bio_list` (possibly empty) whose bios are all
/// owned by this list: each is a bio that its holder must hand on, as for
/// [`Bio`].
#[repr(transparent)]
pub struct BioList {
    inner: bindings::bio_list,
}

// SAFETY: The bios are owned by the list and may be handed on from any thread.
unsafe impl Send for BioList {}

impl Default for BioList {
    fn default() -> Self {
        Self::new()
    }
}

impl BioList {
    /// Creates an empty list.
    pub const fn new() -> Self {
        // INVARIANT: Two NULL pointers are the empty `bio_list`.
        Self {
            inner: bindings::bio_list {
                head: core::ptr::null_mut(),
                tail: core::ptr::null_mut(),
            },
        }
    }

    /// Views a C `struct bio_list` as a [`BioList`].
    ///
    /// # Safety
    ///
    /// `ptr` points to an initialised list of bios that the list owns, as
    /// the type invariants say, and the caller has exclusive access to it
    /// for `'a` (for example under the lock that protects it).
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::bio_list) -> &'a mut BioList {
        // SAFETY: `BioList` is a transparent wrapper of the C struct, and the
        // caller guarantees exclusive access.
        unsafe { &mut *ptr.cast() }
    }

    /// Returns whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.inner.head.is_null()
    }

    /// Returns the number of bios on the list (walks the list).
    pub fn len(&self) -> usize {
        // SAFETY: By the type invariant `inner` is a valid list.
        unsafe { bindings::bio_list_size(&self.inner) as usize }
    }

    /// Appends `bio`, which the list now owns.
    pub fn push(&mut self, bio: Bio) {
        // SAFETY: `inner` is a valid list and `bio` a valid bio nobody else
        // owns; it becomes the list's.
        unsafe { bindings::bio_list_add(&mut self.inner, bio.into_raw()) };
    }

    /// Removes and returns the oldest bio.
    pub fn pop(&mut self) -> Option<Bio> {
        // SAFETY: `inner` is a valid list.
        let bio = unsafe { bindings::bio_list_pop(&mut self.inner) };
        if bio.is_null() {
            return None;
        }
        // SAFETY: By the type invariant the bios on the list are owned by
        // it; popping hands ownership to the caller.
        Some(unsafe { Bio::from_raw(bio) })
    }

    /// Moves every bio of `other`, in order, to the end of this list.
    pub fn append(&mut self, other: &mut BioList) {
        // SAFETY: Both lists are valid and own their bios; `other` is left
        // empty and its bios become ours.
        unsafe { bindings::bio_list_merge_init(&mut self.inner, &mut other.inner) };
    }

    /// Takes every bio, leaving the list empty.
    pub fn take_all(&mut self) -> BioList {
        core::mem::take(self)
    }
}

impl Iterator for BioList {
    type Item = Bio;

    fn next(&mut self) -> Option<Bio> {
        self.pop()
    }
}

impl Drop for BioList {
    fn drop(&mut self) {
        // Each remaining bio is failed by `Bio`'s own drop (with a warning):
        // dropping a list that still holds I/O is a bug, losing it is worse.
        while let Some(bio) = self.pop() {
            drop(bio);
        }
    }
}
