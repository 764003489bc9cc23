// SPDX-License-Identifier: GPL-2.0

//! The C entry points of `include/linux/multipath.h`.
//!
//! Each function here is `#[export]`ed, which checks its signature against
//! the bindgen declaration of the header, and is exported to modules with
//! `EXPORT_SYMBOL_GPL` by `rust/exports.c`. They only translate between C
//! conventions (raw pointers, negative errno) and the safe types of the
//! crate.
//!
//! # Examples
//!
//! ```
//! use kernel::page::PAGE_SIZE;
//! use multipath::{
//!     c_api::iopolicy::{mpath_get_iopolicy, mpath_set_iopolicy},
//!     IoPolicy,
//! };
//!
//! // The policy names of a driver's module parameter, as C calls them.
//! let mut policy = 0;
//! // SAFETY: A NUL-terminated name and a valid `int`.
//! assert_eq!(unsafe { mpath_set_iopolicy(c"queue-depth".as_char_ptr(), &mut policy) }, 0);
//! assert_eq!(IoPolicy::from_raw(policy), Ok(IoPolicy::QueueDepth));
//! // SAFETY: As above.
//! let ret = unsafe { mpath_set_iopolicy(c"fastest".as_char_ptr(), &mut policy) };
//! assert_eq!(ret, EINVAL.to_errno());
//!
//! let mut page = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
//! // SAFETY: `page` is valid for writes of `PAGE_SIZE` bytes.
//! let len = unsafe { mpath_get_iopolicy(page.as_mut_ptr().cast(), policy) };
//! assert_eq!(&page[..len as usize], b"queue-depth\n");
//! # Ok::<(), Error>(())
//! ```

pub mod chr;
pub mod diag;
pub mod disk;
pub mod head;
pub mod iopolicy;
pub mod marginal;
pub mod path;
pub mod removal;
pub mod sysfs;

use kernel::{
    block::attr,
    prelude::*, //
};

/// Parses the number a C store received: `EINVAL` for a NULL `buf`, for
/// anything that is not a number, and for a number beyond `V` (the
/// parser's `-ERANGE` is bad input to a sysfs store too).
///
/// # Safety
///
/// `buf` is NULL or a NUL-terminated string, unchanged during the call.
unsafe fn parse_store<V: attr::AttrValue>(buf: *const c_char) -> Result<V> {
    if buf.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `buf` is a NUL-terminated string, by the safety requirements.
    unsafe { attr::parse_c_str(buf) }.map_err(|_| EINVAL)
}

/// Returns 0 for `Ok`, the negative errno for `Err`: the C convention of
/// every `int` entry point.
fn errno(result: Result) -> c_int {
    result.map_or_else(|e| e.to_errno(), |()| 0)
}
