// SPDX-License-Identifier: GPL-2.0

//! Character devices: the file operations of a `struct cdev` embedded in a
//! driver's object.
//!
//! C header: [`include/linux/cdev.h`](srctree/include/linux/cdev.h)
//!
//! A driver embeds a `struct cdev` in an object, says how to get from the
//! cdev back to the object ([`HasCdev`]), and implements [`Operations`]
//! for a marker type; [`FileOperations::new`] builds the C table from it,
//! which can be a `static` shared with C code. Each method receives the
//! object the file was opened through.
//!
//! # Examples
//!
//! ```
//! use kernel::{
//!     bindings,
//!     cdev::{FileOperations, HasCdev, Operations},
//!     fs::File,
//!     prelude::*,
//! };
//!
//! struct Counter {
//!     cdev: bindings::cdev,
//!     value: u32,
//! }
//!
//! // SAFETY: `from_cdev` goes from the field back to its struct; a
//! // `Counter` outlives every file opened through its cdev (it is never
//! // freed in this example).
//! unsafe impl HasCdev for Counter {
//!     unsafe fn from_cdev(cdev: *mut bindings::cdev) -> *const Self {
//!         // SAFETY: By the safety requirements.
//!         unsafe { kernel::container_of!(cdev, Self, cdev) }
//!     }
//! }
//!
//! // SAFETY: The cdev is only used by the VFS, under its own locking.
//! unsafe impl Sync for Counter {}
//!
//! struct CounterOps;
//!
//! #[vtable]
//! impl Operations for CounterOps {
//!     type Owner = Counter;
//!
//!     fn open(_counter: &Counter, _file: &File) -> Result {
//!         Ok(())
//!     }
//!
//!     fn release(_counter: &Counter, _file: &File) {}
//!
//!     fn ioctl(counter: &Counter, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
//!         Ok(counter.value as isize)
//!     }
//! }
//!
//! static FOPS: FileOperations = FileOperations::new::<CounterOps>();
//! assert!(!FOPS.as_raw().is_null());
//! ```

use crate::{
    bindings,
    error::from_result,
    fs::File,
    module::this_module,
    prelude::*,
    types::Opaque, //
};

/// An object that embeds a `struct cdev`.
///
/// # Safety
///
/// [`HasCdev::from_cdev`] returns the object that embeds the cdev it is
/// given, and that object stays valid from the time the cdev is added until
/// every file opened through it is released. (The usual way: the device of
/// the cdev holds a reference to the object, dropped by its release
/// function; an open file holds that device through the cdev.)
pub unsafe trait HasCdev {
    /// Returns the object that embeds `cdev`.
    ///
    /// # Safety
    ///
    /// `cdev` points to the cdev embedded in an object of this type.
    unsafe fn from_cdev(cdev: *mut bindings::cdev) -> *const Self;
}

/// An io_uring passthrough command (C's `struct io_uring_cmd`).
///
/// Only ever seen by reference, during the `uring_cmd` call it is given to.
#[repr(transparent)]
pub struct IoUringCmd(Opaque<bindings::io_uring_cmd>);

impl IoUringCmd {
    /// Returns the C command.
    pub fn as_raw(&self) -> *mut bindings::io_uring_cmd {
        self.0.get()
    }

    /// Wraps a C command.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::io_uring_cmd) -> &'a Self {
        // SAFETY: `Self` is a transparent wrapper of the C struct, valid
        // for `'a` by the safety requirements.
        unsafe { &*ptr.cast() }
    }
}

/// A batch of completions being polled for (C's `struct io_comp_batch`).
#[repr(transparent)]
pub struct IoCompBatch(Opaque<bindings::io_comp_batch>);

impl IoCompBatch {
    /// Returns the C batch.
    pub fn as_raw(&self) -> *mut bindings::io_comp_batch {
        self.0.get()
    }
}

/// Whether `file` was opened for writing (`FMODE_WRITE`).
pub fn opened_for_write(file: &File) -> bool {
    // SAFETY: `f_mode` is set when the file is opened and not changed
    // while it is open.
    let mode = unsafe { (*file.as_ptr()).f_mode };
    mode & bindings::FMODE_WRITE != 0
}

/// The file operations of a character device whose cdev is embedded in an
/// [`Operations::Owner`].
///
/// Methods other than `open` and `release` are optional: the C table has
/// `None` for those an implementation leaves out (the VFS then returns
/// `-ENOTTY` for ioctls and `-EOPNOTSUPP` for io_uring commands).
#[vtable]
pub trait Operations: Sized {
    /// The object that embeds the cdev.
    type Owner: HasCdev + Sync;

    /// Called when the device node is opened.
    fn open(owner: &Self::Owner, file: &File) -> Result;

    /// Called when the last reference to an opened file is dropped.
    fn release(owner: &Self::Owner, file: &File);

    /// Handles an ioctl (`unlocked_ioctl`).
    fn ioctl(_owner: &Self::Owner, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Handles an ioctl from a 32-bit process. Without it, a table with
    /// [`Operations::ioctl`] uses `compat_ptr_ioctl`.
    fn compat_ioctl(_owner: &Self::Owner, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Handles an io_uring passthrough command; returns `-EIOCBQUEUED`
    /// (as an error) when it completes later.
    fn uring_cmd(_owner: &Self::Owner, _cmd: &IoUringCmd, _issue_flags: u32) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Polls for the completion of a passthrough command; returns the
    /// number of completions found.
    fn uring_cmd_iopoll(
        _owner: &Self::Owner,
        _cmd: &IoUringCmd,
        _iob: &IoCompBatch,
        _poll_flags: u32,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// A C `struct file_operations` built from an [`Operations`]
/// implementation, which may be a `static` (and exported to C).
#[repr(transparent)]
pub struct FileOperations(bindings::file_operations);

// SAFETY: The table is never written after it is built, and the functions
// it points to may be called from any thread.
unsafe impl Sync for FileOperations {}

impl FileOperations {
    /// Builds the table of `T`.
    pub const fn new<T: Operations>() -> Self {
        Self(Adapter::<T>::TABLE)
    }

    /// Returns the C table.
    pub const fn as_raw(&self) -> *const bindings::file_operations {
        &self.0
    }
}

struct Adapter<T>(core::marker::PhantomData<T>);

impl<T: Operations> Adapter<T> {
    /// Returns the object that `file` was opened through.
    ///
    /// # Safety
    ///
    /// `file` is a file of a cdev embedded in a `T::Owner`, open during
    /// `'a`.
    unsafe fn owner<'a>(file: *mut bindings::file) -> &'a T::Owner {
        // SAFETY: By the safety requirements the file is open, so its inode
        // is a character device inode whose `i_cdev` is a cdev of
        // `T::Owner`, and that object is valid while the file is open
        // (`HasCdev`'s guarantee).
        unsafe {
            let cdev = (*(*file).f_inode).__bindgen_anon_5.i_cdev;
            &*T::Owner::from_cdev(cdev)
        }
    }

    /// # Safety
    ///
    /// Called by the VFS with an inode and a file of a cdev of `T::Owner`.
    unsafe extern "C" fn open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        from_result(|| {
            // SAFETY: The inode of a cdev of `T::Owner` being opened: its
            // owner is valid (`HasCdev`'s guarantee), and so is the file.
            let (owner, file) = unsafe {
                (
                    &*T::Owner::from_cdev((*inode).__bindgen_anon_5.i_cdev),
                    File::from_raw_file(file),
                )
            };
            T::open(owner, file)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// Called by the VFS with a file of a cdev of `T::Owner` that `open`
    /// accepted.
    unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        // SAFETY: By the safety requirements.
        let (owner, file) = unsafe { (Self::owner(file), File::from_raw_file(file)) };
        T::release(owner, file);
        0
    }

    /// # Safety
    ///
    /// Called by the VFS with an open file of a cdev of `T::Owner`.
    unsafe extern "C" fn ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
        // SAFETY: By the safety requirements.
        let (owner, file) = unsafe { (Self::owner(file), File::from_raw_file(file)) };
        match T::ioctl(owner, file, cmd, arg) {
            Ok(ret) => ret as c_long,
            Err(e) => e.to_errno() as c_long,
        }
    }

    /// # Safety
    ///
    /// Called by the VFS with an open file of a cdev of `T::Owner`.
    unsafe extern "C" fn compat_ioctl(
        file: *mut bindings::file,
        cmd: c_uint,
        arg: c_ulong,
    ) -> c_long {
        // SAFETY: By the safety requirements.
        let (owner, file) = unsafe { (Self::owner(file), File::from_raw_file(file)) };
        match T::compat_ioctl(owner, file, cmd, arg) {
            Ok(ret) => ret as c_long,
            Err(e) => e.to_errno() as c_long,
        }
    }

    /// # Safety
    ///
    /// Called by io_uring with a command on an open file of a cdev of
    /// `T::Owner`.
    unsafe extern "C" fn uring_cmd(
        ioucmd: *mut bindings::io_uring_cmd,
        issue_flags: c_uint,
    ) -> c_int {
        from_result(|| {
            // SAFETY: The command is valid during the call and holds the
            // file it was issued on, which is open.
            let (owner, cmd) =
                unsafe { (Self::owner((*ioucmd).file), IoUringCmd::from_raw(ioucmd)) };
            T::uring_cmd(owner, cmd, issue_flags)
        })
    }

    /// # Safety
    ///
    /// Called by io_uring with a command on an open file of a cdev of
    /// `T::Owner` and a batch, both valid during the call.
    unsafe extern "C" fn uring_cmd_iopoll(
        ioucmd: *mut bindings::io_uring_cmd,
        iob: *mut bindings::io_comp_batch,
        poll_flags: c_uint,
    ) -> c_int {
        from_result(|| {
            // SAFETY: By the safety requirements the command holds its
            // open file; `IoCompBatch` is a transparent wrapper of the C
            // struct.
            let (owner, cmd, iob) = unsafe {
                (
                    Self::owner((*ioucmd).file),
                    IoUringCmd::from_raw(ioucmd),
                    &*iob.cast::<IoCompBatch>(),
                )
            };
            T::uring_cmd_iopoll(owner, cmd, iob, poll_flags)
        })
    }

    const TABLE: bindings::file_operations = bindings::file_operations {
        open: Some(Self::open),
        release: Some(Self::release),
        unlocked_ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl)
        } else {
            None
        },
        #[cfg(CONFIG_COMPAT)]
        compat_ioctl: if T::HAS_COMPAT_IOCTL {
            Some(Self::compat_ioctl)
        } else if T::HAS_IOCTL {
            Some(bindings::compat_ptr_ioctl)
        } else {
            None
        },
        #[cfg(not(CONFIG_COMPAT))]
        compat_ioctl: if T::HAS_COMPAT_IOCTL {
            Some(Self::compat_ioctl)
        } else {
            None
        },
        uring_cmd: if T::HAS_URING_CMD {
            Some(Self::uring_cmd)
        } else {
            None
        },
        uring_cmd_iopoll: if T::HAS_URING_CMD_IOPOLL {
            Some(Self::uring_cmd_iopoll)
        } else {
            None
        },
        owner: this_module::<T::OwnerModule>().as_ptr(),
        ..pin_init::zeroed()
    };
}
