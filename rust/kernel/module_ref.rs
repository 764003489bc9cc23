// SPDX-License-Identifier: GPL-2.0

//! Owned references to modules: a module is not unloaded while one of its
//! [`ModuleRef`]s lives.
//!
//! C header: [`include/linux/module.h`](srctree/include/linux/module.h)
//!
//! # Examples
//!
//! ```
//! use kernel::module_ref::ModuleRef;
//!
//! // Built-in code has no module (NULL), which can always be pinned.
//! // SAFETY: NULL stands for built-in code.
//! let pin = unsafe { ModuleRef::try_get(core::ptr::null_mut()) }.expect("built-in");
//! assert!(pin.as_ptr().is_null());
//!
//! // A pin can be kept as a raw pointer and taken back once.
//! let raw = pin.into_raw();
//! // SAFETY: `raw` comes from `into_raw` just above, and is taken back once.
//! drop(unsafe { ModuleRef::from_raw(raw) });
//! ```

use crate::{
    bindings,
    ThisModule, //
};

/// A reference to a module, taken with C's `try_module_get` and dropped
/// with `module_put`.
///
/// # Invariants
///
/// `self.0` is NULL (built-in code, for which both calls do nothing) or a
/// module of which `self` owns one reference.
pub struct ModuleRef(*mut bindings::module);

// SAFETY: A module reference may be dropped on any thread; `module_put` is
// thread-safe.
unsafe impl Send for ModuleRef {}
// SAFETY: `&ModuleRef` only gives the pointer out.
unsafe impl Sync for ModuleRef {}

impl ModuleRef {
    /// Takes a reference to `module`; `None` if it is being unloaded.
    ///
    /// # Safety
    ///
    /// `module` is NULL or a module whose `struct module` stays valid during
    /// the call (for instance, one whose code or data the caller holds on
    /// to).
    pub unsafe fn try_get(module: *mut bindings::module) -> Option<Self> {
        // SAFETY: By the safety requirements `module` is NULL or valid.
        if unsafe { bindings::try_module_get(module) } {
            // INVARIANT: The reference taken just now is ours.
            Some(Self(module))
        } else {
            None
        }
    }

    /// Takes a reference to `module` (a module's `THIS_MODULE`); `None` if
    /// it is being unloaded.
    pub fn try_get_this(module: &ThisModule) -> Option<Self> {
        // SAFETY: A `ThisModule` is NULL or the module of the code that
        // holds it, valid while that code runs.
        unsafe { Self::try_get(module.as_ptr()) }
    }

    /// Returns the module (NULL for built-in code).
    pub fn as_ptr(&self) -> *mut bindings::module {
        self.0
    }

    /// Gives the reference up as a raw pointer, for storage that cannot
    /// hold a [`ModuleRef`]; [`ModuleRef::from_raw`] takes it back.
    pub fn into_raw(self) -> *mut bindings::module {
        core::mem::ManuallyDrop::new(self).0
    }

    /// Takes back a reference given up with [`ModuleRef::into_raw`].
    ///
    /// # Safety
    ///
    /// `module` comes from [`ModuleRef::into_raw`], and its reference is
    /// taken back once only.
    pub unsafe fn from_raw(module: *mut bindings::module) -> Self {
        // INVARIANT: By the safety requirements the reference is ours now.
        Self(module)
    }
}

impl Drop for ModuleRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own a reference (or the module is
        // NULL, for which `module_put` does nothing).
        unsafe { bindings::module_put(self.0) };
    }
}
