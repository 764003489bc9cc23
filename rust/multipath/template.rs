// SPDX-License-Identifier: GPL-2.0

//! The Rust face of `struct mpath_head_template`: what a Rust driver tells
//! the library about its paths.
//!
//! A driver embeds an [`MpathDevice`] in its path type, declares it with
//! [`impl_has_mpath_device!`](crate::impl_has_mpath_device), implements
//! [`MpathHeadTemplate`] for a marker type, and sets its heads up with
//! [`Template::<T>::table()`](Template::table). The library then calls the
//! driver's methods with the driver's own path type.
//!
//! # Examples
//!
//! ```
//! use kernel::block::{bio_disk::GenDisk, mem_disk::MemDisk, BlockDevice};
//! use multipath::{template::Template, MpathDevice, MpathHeadTemplate};
//!
//! /// The driver's path: its own disk, with the library's part embedded.
//! struct MyPath {
//!     mdev: MpathDevice,
//!     disk: GenDisk<MemDisk>,
//!     gone: bool,
//! }
//! multipath::impl_has_mpath_device!(MyPath, mdev);
//!
//! /// The driver's template: the path's disk, and when it is unusable.
//! struct MyDriver;
//!
//! #[vtable]
//! impl MpathHeadTemplate for MyDriver {
//!     type Path = MyPath;
//!
//!     fn path_disk(path: &MyPath) -> &BlockDevice {
//!         path.disk.part0()
//!     }
//!
//!     fn is_disabled(path: &MyPath) -> bool {
//!         path.gone
//!     }
//! }
//!
//! // The C template that heads are set up with: the methods the driver
//! // implements, the library's defaults for the others.
//! let table = Template::<MyDriver>::table();
//! assert!(table.is_disabled.is_some());
//! assert!(table.is_optimized.is_none());
//! assert!(table.remove_head.is_none());
//! ```

use crate::{
    device::MpathDevice,
    head::MpathHead, //
};
use core::marker::PhantomData;
use kernel::{
    bindings,
    prelude::*, //
};

/// A type that embeds an [`MpathDevice`].
///
/// # Safety
///
/// `from_mpath_device` must return the value whose [`MpathDevice`] it is
/// given, for every device that `mpath_device` returns.
pub unsafe trait HasMpathDevice {
    /// Returns the embedded path.
    fn mpath_device(&self) -> &MpathDevice;

    /// Returns the value that embeds `dev`.
    ///
    /// # Safety
    ///
    /// `dev` is the [`MpathDevice`] of a live `Self`.
    unsafe fn from_mpath_device(dev: &MpathDevice) -> &Self;
}

/// Implements [`HasMpathDevice`] for a struct with an [`MpathDevice`] field.
#[macro_export]
macro_rules! impl_has_mpath_device {
    ($type:ty, $field:ident) => {
        // SAFETY: `from_mpath_device` goes from the field back to its struct.
        unsafe impl $crate::template::HasMpathDevice for $type {
            fn mpath_device(&self) -> &$crate::MpathDevice {
                &self.$field
            }

            unsafe fn from_mpath_device(dev: &$crate::MpathDevice) -> &Self {
                let dev = ::core::ptr::from_ref(dev).cast_mut();
                // SAFETY: By the safety requirements `dev` is the `$field`
                // of a live `Self`.
                unsafe { &*::kernel::container_of!(dev, Self, $field) }
            }
        }
    };
}

/// What a driver tells the library about its paths. Every method is
/// optional; the library's defaults are those of the C template.
#[vtable]
pub trait MpathHeadTemplate: 'static {
    /// The driver's path type; the library uses paths from any CPU.
    type Path: HasMpathDevice + Send + Sync;

    /// Returns the path's own disk, where its I/O goes; it must live as
    /// long as the path.
    fn path_disk(path: &Self::Path) -> &kernel::block::BlockDevice;

    /// Whether the path cannot take I/O now. Default: never.
    fn is_disabled(_path: &Self::Path) -> bool {
        build_error!(kernel::error::VTABLE_DEFAULT_ERROR)
    }

    /// Whether the path is optimized and usable. Default: usable and in
    /// the optimized access state.
    fn is_optimized(_path: &Self::Path) -> bool {
        build_error!(kernel::error::VTABLE_DEFAULT_ERROR)
    }

    /// Whether the path may become usable again, so that I/O waits for
    /// it. Default: never.
    fn available_path(_path: &Self::Path) -> bool {
        build_error!(kernel::error::VTABLE_DEFAULT_ERROR)
    }

    /// The delayed removal of a head without paths expired: the driver
    /// removes it unless a path was added meanwhile (see
    /// [`MpathHead::can_remove`]). Default: the head stays.
    fn remove_head(_head: &MpathHead) {
        build_error!(kernel::error::VTABLE_DEFAULT_ERROR)
    }
}

/// The C template of a Rust driver's [`MpathHeadTemplate`].
pub struct Template<T: MpathHeadTemplate>(PhantomData<T>);

impl<T: MpathHeadTemplate> Template<T> {
    /// Returns the driver's path behind `dev`.
    ///
    /// # Safety
    ///
    /// `dev` is a path of a head set up with this template.
    unsafe fn path<'a>(dev: *mut bindings::mpath_device) -> &'a T::Path {
        // SAFETY: Heads set up with this template only get `T::Path`s (see
        // `MpathHead::add_device`), which outlive their time on the head.
        unsafe { T::Path::from_mpath_device(MpathDevice::from_raw(dev)) }
    }

    /// # Safety
    ///
    /// Called by the library with a path of a head set up with this template.
    unsafe extern "C" fn is_disabled(dev: *mut bindings::mpath_device) -> bool {
        // SAFETY: By the safety requirements.
        T::is_disabled(unsafe { Self::path(dev) })
    }

    /// # Safety
    ///
    /// Called by the library with a path of a head set up with this template.
    unsafe extern "C" fn is_optimized(dev: *mut bindings::mpath_device) -> bool {
        // SAFETY: By the safety requirements.
        T::is_optimized(unsafe { Self::path(dev) })
    }

    /// # Safety
    ///
    /// Called by the library with a path of a head set up with this template.
    unsafe extern "C" fn available_path(dev: *mut bindings::mpath_device) -> bool {
        // SAFETY: By the safety requirements.
        T::available_path(unsafe { Self::path(dev) })
    }

    /// # Safety
    ///
    /// Called by the library with a head set up with this template.
    unsafe extern "C" fn remove_head(head: *mut bindings::mpath_head) {
        // SAFETY: By the safety requirements the head is set up.
        T::remove_head(unsafe { MpathHead::from_raw(head) })
    }

    const TABLE: bindings::mpath_head_template = bindings::mpath_head_template {
        is_disabled: if T::HAS_IS_DISABLED {
            Some(Self::is_disabled)
        } else {
            None
        },
        is_optimized: if T::HAS_IS_OPTIMIZED {
            Some(Self::is_optimized)
        } else {
            None
        },
        available_path: if T::HAS_AVAILABLE_PATH {
            Some(Self::available_path)
        } else {
            None
        },
        // A Rust driver's head is counted by the library, its ioctls run
        // under SRCU and its bios are sent as they are.
        get_head: None,
        put_head: None,
        ioctl_begin: None,
        ioctl_finish: None,
        clone_bio: None,
        remove_head: if T::HAS_REMOVE_HEAD {
            Some(Self::remove_head)
        } else {
            None
        },
        // A Rust driver's head has no character device (yet).
        add_cdev: None,
        del_cdev: None,
        cdev_ioctl: None,
        chr_uring_cmd: None,
        chr_uring_cmd_iopoll: None,
    };

    /// Returns the C template to set heads up with.
    pub const fn table() -> &'static bindings::mpath_head_template {
        &Self::TABLE
    }
}
