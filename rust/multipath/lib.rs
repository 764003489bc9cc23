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

pub mod c_api;
pub mod device;
pub mod head;
pub mod iopolicy;
pub mod path;
pub mod selector;

pub use device::MpathDevice;
pub use head::MpathHead;
pub use iopolicy::IoPolicy;
pub use path::{
    AccessState,
    PathInfo,
    PathSet, //
};
