// SPDX-License-Identifier: GPL-2.0

//! The C entry points of `include/linux/multipath.h`.
//!
//! Each function here is `#[export]`ed, which checks its signature against
//! the bindgen declaration of the header, and is exported to modules with
//! `EXPORT_SYMBOL_GPL` by `rust/exports.c`. They only translate between C
//! conventions (raw pointers, negative errno) and the safe types of the
//! crate.

pub mod chr;
pub mod diag;
pub mod disk;
pub mod head;
pub mod iopolicy;
pub mod path;
pub mod removal;
pub mod sysfs;

use kernel::prelude::*;

/// Returns 0 for `Ok`, the negative errno for `Err`: the C convention of
/// every `int` entry point.
fn errno(result: Result) -> c_int {
    result.map_or_else(|e| e.to_errno(), |()| 0)
}
