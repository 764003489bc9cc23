// SPDX-License-Identifier: GPL-2.0

//! Pointers published to SRCU readers (C's `__rcu` pointers used with
//! `rcu_assign_pointer()` and `srcu_dereference()`).
//!
//! C header: [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h)
//!
//! # Examples
//!
//! ```
//! use kernel::{new_srcu, prelude::*, sync::srcu_ptr::SrcuPtr};
//!
//! let srcu = KBox::pin_init(new_srcu!(), GFP_KERNEL)?;
//! let slot = SrcuPtr::<u32>::new();
//! let value = KBox::new(7u32, GFP_KERNEL)?;
//! // SAFETY: `value` outlives its publication (cleared below, then a grace period).
//! unsafe { slot.set(Some(&value)) };
//! {
//!     let guard = srcu.read_lock();
//!     assert_eq!(slot.get(&guard), Some(&7));
//! }
//! assert!(slot.clear_if(&value));
//! assert!(!slot.clear_if(&value));
//! srcu.synchronize();
//! drop(value);
//! # Ok::<(), Error>(())
//! ```

use crate::sync::{
    atomic::{
        Acquire,
        Atomic,
        Relaxed,
        Release, //
    },
    srcu_fast::SrcuReadGuard,
};
use core::ptr::null_mut;

/// A pointer to a `T` that writers publish and SRCU readers follow.
///
/// # Invariants
///
/// The pointer is NULL or points to a `T` that stays valid until a grace
/// period of the readers' SRCU has passed after it was replaced.
#[repr(transparent)]
pub struct SrcuPtr<T> {
    ptr: Atomic<*mut T>,
}

// SAFETY: Only shared references to `T` are handed out.
unsafe impl<T: Sync> Send for SrcuPtr<T> {}
// SAFETY: Publication and reads are atomic.
unsafe impl<T: Sync> Sync for SrcuPtr<T> {}

impl<T> Default for SrcuPtr<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> SrcuPtr<T> {
    /// Creates a NULL pointer.
    pub const fn new() -> Self {
        Self {
            ptr: Atomic::new(null_mut()),
        }
    }

    /// Views a C `T __rcu *` field as an [`SrcuPtr`].
    ///
    /// # Safety
    ///
    /// `ptr` is valid for `'a`, aligned, only accessed atomically while
    /// viewed this way, and kept as the type invariants say.
    pub unsafe fn from_raw<'a>(ptr: *mut *mut T) -> &'a Self {
        // SAFETY: `SrcuPtr` is a transparent wrapper of an atomic pointer,
        // which has the layout of a pointer.
        unsafe { &*ptr.cast() }
    }

    /// Follows the pointer (C's `srcu_dereference`). The reference lives as
    /// long as `guard`, which must be a guard of the SRCU writers wait for.
    pub fn get<'g, G: SrcuReadGuard>(&self, _guard: &'g G) -> Option<&'g T> {
        let ptr = self.ptr.load(Acquire);
        // SAFETY: By the type invariant the pointee stays valid for a grace
        // period after it is replaced, which cannot end while `guard` lives.
        unsafe { ptr.as_ref() }
    }

    /// Returns whether the pointer is `target`, without following it.
    pub fn is(&self, target: &T) -> bool {
        core::ptr::eq(self.ptr.load(Relaxed), target)
    }

    /// Publishes `value` (C's `rcu_assign_pointer`).
    ///
    /// # Safety
    ///
    /// `value` stays valid until it has been replaced and a grace period of
    /// the readers' SRCU has passed.
    pub unsafe fn set(&self, value: Option<&T>) {
        let ptr = value.map_or(null_mut(), |v| core::ptr::from_ref(v).cast_mut());
        // INVARIANT: By the safety requirements.
        self.ptr.store(ptr, Release);
    }

    /// Unpublishes the pointee, if any.
    pub fn clear(&self) {
        // INVARIANT: NULL is always allowed.
        self.ptr.store(null_mut(), Release);
    }

    /// Unpublishes `target` if it is the pointee; returns whether it was.
    pub fn clear_if(&self, target: &T) -> bool {
        let target = core::ptr::from_ref(target).cast_mut();
        // INVARIANT: NULL is always allowed.
        self.ptr.cmpxchg(target, null_mut(), Release).is_ok()
    }
}
