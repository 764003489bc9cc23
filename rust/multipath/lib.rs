// SPDX-License-Identifier: GPL-2.0

//! Generic block-layer multipath (libmultipath).
//!
//! One bio-based "head" disk per shared namespace or logical unit, a list of
//! per-path devices, path selection and failover. NVMe native multipath and
//! native SCSI multipath both link against this crate: C drivers through
//! `include/linux/multipath.h` (the [`c_api`] entry points), Rust drivers
//! through the safe types of this crate.
//!
//! C header: [`include/linux/multipath.h`](srctree/include/linux/multipath.h)

#![no_std]
// Used by the statics that `#[kunit_tests]` emits.
#![feature(used_with_arg)]

use kernel::prelude::*;

pub mod c_api;
pub mod chr;
mod clock;
pub mod device;
pub mod disk;
#[cfg(CONFIG_LIBMULTIPATH_DOCTESTS)]
#[doc(hidden)]
pub mod doc_support;
pub mod fields;
pub mod flags;
pub mod head;
pub mod head_ref;
#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
mod io_tests;
pub mod iopolicy;
pub mod latency;
pub mod marginal;
pub mod owned;
pub mod path;
pub mod removal;
pub mod selector;
mod submit;
pub mod sysfs;
pub mod template;

/// The module of this crate's `#[vtable]` implementations: the library is
/// built in, so there is no module to pin.
pub struct LocalModule;

/// The prefix of the library's log messages (`pr_err!` and friends).
const __LOG_PREFIX: &[u8] = b"libmultipath\0";

impl kernel::ModuleMetadata for LocalModule {
    const NAME: &'static CStr = c"libmultipath";
    // SAFETY: Built-in code has a NULL `THIS_MODULE`, which
    // `try_module_get` and `module_put` accept.
    const THIS_MODULE: kernel::ThisModule =
        unsafe { kernel::ThisModule::from_ptr(core::ptr::null_mut()) };
}

pub use device::MpathDevice;
pub use flags::{
    DeviceFlag,
    HeadFlag, //
};
pub use head::MpathHead;
pub use iopolicy::IoPolicy;
pub use owned::OwnedHead;
pub use path::{
    AccessState,
    PathInfo,
    PathSet, //
};
pub use template::{
    HasMpathDevice,
    MpathHeadTemplate,
    Template, //
};
