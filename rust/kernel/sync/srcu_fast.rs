// SPDX-License-Identifier: GPL-2.0

//! SRCU-fast: sleepable RCU whose readers take no full memory barrier.
//!
//! C header: [`include/linux/srcu.h`](srctree/include/linux/srcu.h)
//!
//! An `srcu_struct` set up with `init_srcu_struct_fast()` is entered only
//! with `srcu_read_lock_fast()`, which costs a per-CPU increment and no
//! `smp_mb()`; its grace periods wait for an RCU grace period instead, so
//! updates are slower. Mixing the two reader flavours on one structure is a
//! bug (lockdep complains under `CONFIG_PROVE_RCU`). [`SrcuFast`] can only
//! be entered through [`SrcuFast::read_lock`], and
//! [`Srcu`](super::srcu::Srcu) only through its own `read_lock`, so safe
//! code cannot mix them.
//!
//! Code that only needs "some SRCU read lock is held" takes a
//! [`SrcuReadGuard`], which the guards of both flavours implement.
//!
//! # Examples
//!
//! ```
//! use kernel::{new_srcu_fast, sync::srcu_fast::SrcuFast};
//!
//! let srcu = KBox::pin_init(new_srcu_fast!(), GFP_KERNEL)?;
//! {
//!     let _guard = srcu.read_lock();
//!     // Readers of what `srcu` protects run here.
//! }
//! srcu.synchronize();
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    error::to_result,
    prelude::*,
    sync::{
        srcu::Guard,
        LockClassKey, //
    },
    types::{
        NotThreadSafe,
        Opaque, //
    },
};

use pin_init::pin_data;

/// A guard that holds an SRCU read-side critical section open.
///
/// # Safety
///
/// While a value of the implementing type exists, the thread that made it
/// is inside an SRCU read-side critical section, which ends no earlier
/// than the value is dropped.
pub unsafe trait SrcuReadGuard {}

// SAFETY: A `Guard` is made by `srcu_read_lock()` and unlocks on drop.
unsafe impl SrcuReadGuard for Guard<'_> {}

// SAFETY: A `FastGuard` is made by `srcu_read_lock_fast()` and unlocks on
// drop.
unsafe impl SrcuReadGuard for FastGuard<'_> {}

/// Creates an [`SrcuFast`] initialiser with the given name and a new lock
/// class.
#[doc(hidden)]
#[macro_export]
macro_rules! new_srcu_fast {
    ($($name:literal)?) => {
        $crate::sync::srcu_fast::SrcuFast::new(
            $crate::optional_name!($($name)?),
            $crate::static_lock_class!(),
        )
    };
}
pub use new_srcu_fast;

/// An SRCU structure of the fast flavour.
///
/// The destructor waits for readers and callbacks, so it may sleep.
///
/// # Invariants
///
/// `inner` is an `srcu_struct` initialised by `init_srcu_struct_fast()`,
/// pinned and valid until the destructor (or, for a structure that
/// [`SrcuFast::from_raw`] views, its owner's clean-up) runs, and only ever
/// entered with `srcu_read_lock_fast()`.
#[repr(transparent)]
#[pin_data(PinnedDrop)]
pub struct SrcuFast {
    #[pin]
    inner: Opaque<bindings::srcu_struct>,
}

// SAFETY: An `srcu_struct` may be used from any thread.
unsafe impl Send for SrcuFast {}
// SAFETY: An `srcu_struct` may be used from several threads at once.
unsafe impl Sync for SrcuFast {}

impl SrcuFast {
    /// Creates a new SRCU-fast structure.
    #[inline]
    pub fn new(name: &'static CStr, key: Pin<&'static LockClassKey>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            // INVARIANT: on success the C initialiser makes a fast-flavour
            // `srcu_struct`, pinned until `PinnedDrop` runs.
            inner <- Opaque::try_ffi_init(|ptr: *mut bindings::srcu_struct| {
                // SAFETY: `ptr` is valid uninitialised memory for a
                // `srcu_struct`; `name` and `key` are static.
                to_result(unsafe {
                    Self::init_raw(ptr, name, key)
                })
            }),
        })
    }

    /// Initialises an `srcu_struct` that C code embeds as a fast one.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for writes of an `srcu_struct` that nobody uses yet.
    /// On success, the caller calls `cleanup_srcu_struct()` on it once its
    /// last reader is gone, and enters it only through [`SrcuFast`].
    #[inline]
    pub unsafe fn init_raw(
        ptr: *mut bindings::srcu_struct,
        name: &'static CStr,
        key: Pin<&'static LockClassKey>,
    ) -> c_int {
        // SAFETY: By the safety requirements `ptr` is valid for writes and
        // unused; `name` and `key` are static.
        unsafe { bindings::init_srcu_struct_fast_with_key(ptr, name.as_char_ptr(), key.as_ptr()) }
    }

    /// Views an `srcu_struct` initialised by [`SrcuFast::init_raw`].
    ///
    /// # Safety
    ///
    /// `ptr` was initialised by [`SrcuFast::init_raw`] and stays valid and
    /// initialised for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::srcu_struct) -> &'a Self {
        // SAFETY: `SrcuFast` is a transparent wrapper of an `srcu_struct`;
        // by the safety requirements it is a valid fast one for `'a`.
        unsafe { &*ptr.cast::<Self>() }
    }

    /// Enters a read-side critical section.
    ///
    /// Leaking the returned [`FastGuard`] leaves the critical section open
    /// and makes every later grace period, and the destructor, wait for
    /// ever.
    #[inline]
    pub fn read_lock(&self) -> FastGuard<'_> {
        // SAFETY: By the type invariants `inner` is a valid fast-flavour
        // `srcu_struct`.
        let scp = unsafe { bindings::srcu_read_lock_fast(self.inner.get()) };

        // INVARIANT: `scp` was returned by `srcu_read_lock_fast()` on `self`.
        FastGuard {
            srcu: self,
            scp,
            _not_send: NotThreadSafe,
        }
    }

    /// Waits until every reader that started before the call has finished.
    #[inline]
    pub fn synchronize(&self) {
        // SAFETY: By the type invariants `inner` is a valid `srcu_struct`.
        unsafe { bindings::synchronize_srcu(self.inner.get()) };
    }

    /// Like [`SrcuFast::synchronize`], with an expedited grace period.
    #[inline]
    pub fn synchronize_expedited(&self) {
        // SAFETY: By the type invariants `inner` is a valid `srcu_struct`.
        unsafe { bindings::synchronize_srcu_expedited(self.inner.get()) };
    }

    /// Returns the raw `srcu_struct`.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::srcu_struct {
        self.inner.get()
    }
}

#[pinned_drop]
impl PinnedDrop for SrcuFast {
    fn drop(self: Pin<&mut Self>) {
        let ptr = self.inner.get();

        if crate::warn_on!(
            // SAFETY: By the type invariants `ptr` is a valid, pinned
            // `srcu_struct`; `srcu_readers_active()` only reads its
            // counters.
            unsafe { bindings::srcu_readers_active(ptr) }
        ) {
            // A leaked guard: wait rather than free what a reader may
            // still use, as `Srcu` does.
            // SAFETY: As above.
            unsafe { bindings::synchronize_srcu(ptr) };
        }
        // SAFETY: As above; callbacks finish before the memory goes.
        unsafe { bindings::srcu_barrier(ptr) };
        // SAFETY: As above; no reader or callback is left.
        unsafe { bindings::cleanup_srcu_struct(ptr) };
    }
}

/// An open read-side critical section of an [`SrcuFast`].
///
/// # Invariants
///
/// `scp` is what `srcu_read_lock_fast()` returned for `srcu` on this
/// thread, and the section is still open.
#[must_use = "if unused, the section ends at once"]
pub struct FastGuard<'a> {
    srcu: &'a SrcuFast,
    scp: *mut bindings::srcu_ctr,
    _not_send: NotThreadSafe,
}

impl Drop for FastGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariants `scp` came from
        // `srcu_read_lock_fast()` on `srcu` in this thread (the guard is
        // not `Send`), and this closes that section.
        unsafe { bindings::srcu_read_unlock_fast(self.srcu.inner.get(), self.scp) };
    }
}
