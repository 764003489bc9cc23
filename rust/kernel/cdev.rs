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
    container_of,
    error::{
        from_err_ptr,
        from_result,
        to_result, //
    },
    fs::File,
    module::this_module,
    prelude::*,
    sync::Arc,
    types::Opaque, //
};
use core::ptr::NonNull;

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

/// A range of character device numbers (C's `alloc_chrdev_region`), with a
/// dynamic major, whose minors are handed out one at a time as [`Minor`]s.
///
/// The region is given back (C's `unregister_chrdev_region`) when the last
/// reference to it goes, which is after the last of its minors is freed.
///
/// # Invariants
///
/// `base` is the first of `count` device numbers registered by `self`,
/// with minor 0, and unregistered when it is dropped; `ida` is an
/// initialised IDA handing out numbers below `count`.
#[pin_data(PinnedDrop)]
pub struct ChrdevRegion {
    base: bindings::dev_t,
    count: u32,
    #[pin]
    ida: Opaque<bindings::ida>,
}

// SAFETY: The region is only read after it is set up, and the IDA has its
// own lock.
unsafe impl Send for ChrdevRegion {}
// SAFETY: See above.
unsafe impl Sync for ChrdevRegion {}

/// The number of bits of a device number's minor (C's `MINORBITS`).
const MINORBITS: u32 = bindings::MINORBITS;

impl ChrdevRegion {
    /// Registers `count` device numbers under a new major, named `name` in
    /// `/proc/devices`.
    pub fn new(name: &CStr, count: u32) -> Result<Arc<Self>> {
        if count == 0 || count > 1 << MINORBITS {
            return Err(EINVAL);
        }
        let mut base: bindings::dev_t = 0;
        // SAFETY: `base` is valid for writes; the name is NUL-terminated
        // and copied.
        to_result(unsafe {
            bindings::alloc_chrdev_region(&mut base, 0, count, name.as_char_ptr())
        })?;
        let region = Arc::pin_init(
            pin_init!(Self {
                base,
                count,
                ida <- Opaque::ffi_init(|slot: *mut bindings::ida| {
                    // SAFETY: `slot` is valid for writes. An IDA is an
                    // allocating xarray (C's `ida_init`; its IRQ-safe lock
                    // flag is left out, which does not matter: the IDA
                    // takes the lock with `xa_lock_irqsave` and allocates
                    // outside it).
                    unsafe { bindings::xa_init_flags(&raw mut (*slot).xa, bindings::XA_FLAGS_ALLOC) }
                }),
            }),
            GFP_KERNEL,
        );
        if region.is_err() {
            // SAFETY: Registered just above, and not given to a region.
            unsafe { bindings::unregister_chrdev_region(base, count) };
        }
        // INVARIANT: Registered above, unregistered on drop; IDA set up.
        region
    }

    /// Returns the major of the region.
    pub fn major(&self) -> u32 {
        self.base >> MINORBITS
    }

    /// Returns the number of device numbers in the region.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Allocates the lowest free minor of the region; `ENOSPC` when all of
    /// them are in use.
    pub fn alloc_minor(self: &Arc<Self>) -> Result<Minor> {
        // SAFETY: The IDA is initialised (type invariant).
        let id = unsafe {
            bindings::ida_alloc_range(self.ida.get(), 0, self.count - 1, GFP_KERNEL.as_raw())
        };
        to_result(id)?;
        // INVARIANT: `id` was just allocated below `count`.
        Ok(Minor {
            region: self.clone(),
            minor: id as u32,
        })
    }
}

#[pinned_drop]
impl PinnedDrop for ChrdevRegion {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: Every `Minor` holds a reference to the region, so none
        // is left: the IDA is empty and its numbers unused. The region was
        // registered by `new` (type invariant).
        unsafe {
            bindings::ida_destroy(self.ida.get());
            bindings::unregister_chrdev_region(self.base, self.count);
        }
    }
}

/// One device number of a [`ChrdevRegion`], freed for reuse when dropped.
///
/// # Invariants
///
/// `minor` was allocated from `region`'s IDA and is freed by `self`.
pub struct Minor {
    region: Arc<ChrdevRegion>,
    minor: u32,
}

impl Minor {
    /// Returns the minor number.
    pub fn minor(&self) -> u32 {
        self.minor
    }

    /// Returns the device number (C's `dev_t`).
    pub fn devt(&self) -> bindings::dev_t {
        self.region.base + self.minor
    }
}

impl Drop for Minor {
    fn drop(&mut self) {
        // SAFETY: Allocated from this IDA and not freed yet (type
        // invariant).
        unsafe { bindings::ida_free(self.region.ida.get(), self.minor) };
    }
}

/// A device class (C's `class_create`), destroyed when the last reference
/// to it goes, after the last of its [`CdevNode`]s is released.
///
/// # Invariants
///
/// `raw` is a class from `class_create` that `self` destroys.
pub struct Class {
    raw: NonNull<bindings::class>,
}

// SAFETY: A class is used and destroyed from any thread.
unsafe impl Send for Class {}
// SAFETY: Devices are added to a class under the driver core's locks.
unsafe impl Sync for Class {}

impl Class {
    /// Creates the class `name` (under `/sys/class`).
    pub fn new(name: &'static CStr) -> Result<Arc<Self>> {
        // SAFETY: The name is NUL-terminated and lives forever (the class
        // keeps the pointer).
        let raw = from_err_ptr(unsafe { bindings::class_create(name.as_char_ptr()) })?;
        // INVARIANT: Created just now, destroyed on drop.
        let class = Self {
            raw: NonNull::new(raw).ok_or(ENOMEM)?,
        };
        Ok(Arc::new(class, GFP_KERNEL)?)
    }

    /// Returns the C class.
    pub fn as_raw(&self) -> *const bindings::class {
        self.raw.as_ptr()
    }
}

impl Drop for Class {
    fn drop(&mut self) {
        // SAFETY: Created by `new` (type invariant); every device of the
        // class holds a reference to `self` until it is released.
        unsafe { bindings::class_destroy(self.raw.as_ptr()) };
    }
}

/// A character device with its device node: a `struct cdev` and the
/// `struct device` it is added with (C's `cdev_device_add`), their device
/// number, and the driver's data.
///
/// It is the [`Operations::Owner`] of the file operations it is added
/// with: every method is given the node the file was opened through, and
/// [`CdevNode::data`] the driver's data. It lives (data included) until the
/// [`CdevRegistration`] that added it is dropped and the last file opened
/// through it is released.
///
/// # Invariants
///
/// `cdev` and `dev` are initialised; `dev`'s release function frees the
/// node, which was allocated in a [`KBox`].
#[repr(C)]
pub struct CdevNode<D> {
    cdev: Opaque<bindings::cdev>,
    dev: Opaque<bindings::device>,
    minor: Minor,
    class: Arc<Class>,
    data: D,
}

// SAFETY: The cdev and device are only used through the VFS and the driver
// core, under their own locking; the data is `Sync`.
unsafe impl<D: Sync> Sync for CdevNode<D> {}
// SAFETY: The node is freed by whichever thread drops the last reference
// to its device; the data is `Send`.
unsafe impl<D: Send> Send for CdevNode<D> {}

// SAFETY: `from_cdev` goes from the `cdev` field back to the node. The node
// is only freed by its device's release function, and an open file holds
// the cdev, whose parent is that device (`cdev_device_add`).
unsafe impl<D> HasCdev for CdevNode<D> {
    unsafe fn from_cdev(cdev: *mut bindings::cdev) -> *const Self {
        // SAFETY: By the safety requirements `cdev` is a node's.
        unsafe { container_of!(cdev.cast::<Opaque<bindings::cdev>>(), Self, cdev) }
    }
}

impl<D> CdevNode<D> {
    /// Returns the driver's data.
    pub fn data(&self) -> &D {
        &self.data
    }

    /// Returns the device number of the node.
    pub fn devt(&self) -> bindings::dev_t {
        self.minor.devt()
    }

    /// Returns the minor of the node.
    pub fn minor(&self) -> u32 {
        self.minor.minor()
    }

    /// Returns the C device.
    pub fn as_raw_device(&self) -> *mut bindings::device {
        self.dev.get()
    }

    /// The release function of the device: frees the node.
    ///
    /// # Safety
    ///
    /// Called by the driver core once the last reference to the device of
    /// a node is dropped.
    unsafe extern "C" fn release(dev: *mut bindings::device) {
        // SAFETY: `dev` is the `dev` field of a node allocated in a `KBox`
        // (type invariant), which nothing uses any more.
        drop(unsafe {
            KBox::from_raw(container_of!(
                dev.cast::<Opaque<bindings::device>>(),
                Self,
                dev
            ))
        });
    }
}

/// A [`CdevNode`] added to the system: its device node appears (as
/// `/dev/NAME`, under the class) and can be opened.
///
/// Dropping it deletes the device and then the cdev (C's
/// `cdev_device_del`): once that returns, the device number leads to no
/// cdev any more. Files already open keep the node (and its data and
/// minor) until they are released; while one is open, an inode that
/// opened the node may open it again (the VFS caches the cdev in the
/// inode until the cdev is released), so the file operations may still be
/// called after the drop, on a node that is still valid.
///
/// # Invariants
///
/// `node` was added with `cdev_device_add`, and `self` holds the reference
/// to its device that `device_initialize` gave.
///
/// # Examples
///
/// ```
/// use kernel::{
///     cdev::{CdevNode, CdevRegistration, ChrdevRegion, Class, Operations},
///     fs::File,
///     prelude::*,
/// };
///
/// struct Hello;
///
/// #[vtable]
/// impl Operations for Hello {
///     type Owner = CdevNode<u32>;
///
///     fn open(_node: &CdevNode<u32>, _file: &File) -> Result {
///         Ok(())
///     }
///
///     fn release(_node: &CdevNode<u32>, _file: &File) {}
///
///     fn ioctl(node: &CdevNode<u32>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
///         Ok(*node.data() as isize)
///     }
/// }
///
/// let region = ChrdevRegion::new(c"rust_cdev_doc", 4)?;
/// let class = Class::new(c"rust_cdev_doc")?;
/// let node = CdevRegistration::new::<Hello>(&class, region.alloc_minor()?, c"rust_cdev_doc0", 42)?;
/// assert_eq!(node.node().devt() >> 20, region.major());
/// assert_eq!(*node.node().data(), 42);
/// // Deletes the node; the minor is free again once it is released.
/// drop(node);
/// # Ok::<(), Error>(())
/// ```
pub struct CdevRegistration<D> {
    node: NonNull<CdevNode<D>>,
}

// SAFETY: The registration may be dropped from any thread; the node is
// `Send` and `Sync` when `D` is.
unsafe impl<D: Send + Sync> Send for CdevRegistration<D> {}
// SAFETY: It only gives out `&CdevNode<D>`.
unsafe impl<D: Send + Sync> Sync for CdevRegistration<D> {}

impl<D: Send + Sync> CdevRegistration<D> {
    /// Adds a node named `name` in `class`, with device number `minor`,
    /// the file operations of `T` and `data`.
    pub fn new<T>(class: &Arc<Class>, minor: Minor, name: &CStr, data: D) -> Result<Self>
    where
        T: Operations<Owner = CdevNode<D>>,
    {
        let devt = minor.devt();
        let node = KBox::new(
            CdevNode {
                cdev: Opaque::zeroed(),
                dev: Opaque::zeroed(),
                minor,
                class: class.clone(),
                data,
            },
            GFP_KERNEL,
        )?;
        let node = KBox::into_raw(node);
        let fops = FileOperations::of::<T>().as_raw();
        // SAFETY: `node` is a new allocation: its zeroed `dev` is ready
        // for `device_initialize`, after which the release function owns
        // the allocation and `put_device` frees it. `class` outlives the
        // device (the node holds it).
        let dev = unsafe {
            let dev = (*node).dev.get();
            bindings::device_initialize(dev);
            (*dev).devt = devt;
            (*dev).class = class.as_raw();
            (*dev).release = Some(CdevNode::<D>::release);
            dev
        };
        // SAFETY: The device is initialised; the format takes one string.
        let ret = unsafe { bindings::dev_set_name(dev, c"%s".as_char_ptr(), name.as_char_ptr()) };
        if ret != 0 {
            // SAFETY: The reference of `device_initialize`: frees the node.
            unsafe { bindings::put_device(dev) };
            return Err(Error::from_errno(ret));
        }
        // SAFETY: The cdev is in the node, unused; the table is static and
        // its owner module is pinned by every open (`cdev.owner`). On
        // success the node is live: the cdev holds its device, which frees
        // the node only when its last reference goes. On failure
        // `cdev_device_add` undoes what it did, and the last reference is
        // dropped.
        unsafe {
            let cdev = (*node).cdev.get();
            bindings::cdev_init(cdev, fops);
            (*cdev).owner = (*fops).owner;
            let ret = bindings::cdev_device_add(cdev, dev);
            if ret != 0 {
                bindings::put_device(dev);
                return Err(Error::from_errno(ret));
            }
        }
        // INVARIANT: Added just now; the reference is ours.
        Ok(Self {
            // SAFETY: `KBox::into_raw` never gives NULL.
            node: unsafe { NonNull::new_unchecked(node) },
        })
    }
}

impl<D> CdevRegistration<D> {
    /// Returns the node.
    pub fn node(&self) -> &CdevNode<D> {
        // SAFETY: The node lives at least as long as our reference to its
        // device (type invariant).
        unsafe { self.node.as_ref() }
    }
}

impl<D> Drop for CdevRegistration<D> {
    fn drop(&mut self) {
        let node = self.node();
        // SAFETY: Added by `new` (type invariant). The device goes first
        // (its `/dev` node and sysfs entry), then the cdev, after which its
        // number leads nowhere; open files hold the cdev and through it
        // the device. Then our reference goes, which frees the node if no
        // file is open.
        unsafe {
            bindings::cdev_device_del(node.cdev.get(), node.dev.get());
            bindings::put_device(node.dev.get());
        }
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

    /// Returns the table of `T`, in static memory.
    pub const fn of<T: Operations>() -> &'static Self {
        &Adapter::<T>::OPS
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

    const OPS: FileOperations = FileOperations(Self::TABLE);

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

#[cfg(CONFIG_RUST_CDEV_KUNIT_TEST)]
#[macros::kunit_tests(rust_cdev)]
mod tests {
    use super::*;
    use crate::sync::atomic::{
        Atomic,
        Relaxed, //
    };

    /// Data of a node that counts its drops.
    struct Tracked(Arc<Atomic<u32>>);

    /// Logs which step of a test failed, and how.
    fn step<T>(what: &str, result: Result<T>) -> Result<T> {
        result.inspect_err(|e| pr_err!("rust_cdev: {what}: {e:?}\n"))
    }

    /// What the file operations of [`CountedOps`] saw.
    struct Calls {
        opens: Atomic<u32>,
        ioctls: Atomic<u32>,
        releases: Arc<Atomic<u32>>,
    }

    struct CountedOps;

    #[vtable]
    impl Operations for CountedOps {
        type Owner = CdevNode<Calls>;

        fn open(node: &CdevNode<Calls>, _file: &File) -> Result {
            node.data().opens.fetch_add(1, Relaxed);
            Ok(())
        }

        fn release(node: &CdevNode<Calls>, _file: &File) {
            node.data().releases.fetch_add(1, Relaxed);
        }

        fn ioctl(node: &CdevNode<Calls>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
            node.data().ioctls.fetch_add(1, Relaxed);
            Ok((cmd as usize + arg) as isize)
        }
    }

    /// Runs `f` with PID 1's file system root and working directory (the
    /// initramfs), as C's `scoped_with_init_fs()` does: a kernel thread's
    /// own are a private, read-only and empty nullfs.
    fn with_init_fs<R>(f: impl FnOnce() -> R) -> R {
        let fs = crate::task::Task::current_raw();
        // SAFETY: `current` is this kernel thread, and only it changes its
        // own `fs`; `userspace_init_fs` is set before any kernel thread
        // runs KUnit tests and lives forever. The old `fs` is put back.
        let old = unsafe {
            let fs = &raw mut (*fs).fs;
            let old = fs.read_volatile();
            fs.write_volatile(bindings::userspace_init_fs);
            old
        };
        let ret = f();
        // SAFETY: As above: `fs` goes back to what it was.
        unsafe { (&raw mut (*fs).fs).write_volatile(old) };
        ret
    }

    /// A character device file at `name` in the initramfs, for `devt`,
    /// removed when dropped. (No devtmpfs is mounted while the KUnit
    /// suites run at boot.)
    struct DevFile(&'static CStr);

    impl DevFile {
        fn new(name: &'static CStr, devt: bindings::dev_t) -> Result<Self> {
            with_init_fs(|| Self::mknod(name, devt))
        }

        fn mknod(name: &'static CStr, devt: bindings::dev_t) -> Result<Self> {
            let mut parent = core::mem::MaybeUninit::<bindings::path>::zeroed();
            // SAFETY: `name` is NUL-terminated; `parent` is written on
            // success.
            let dentry = from_err_ptr(unsafe {
                bindings::start_creating_path(
                    bindings::AT_FDCWD,
                    name.as_char_ptr(),
                    parent.as_mut_ptr(),
                    0,
                )
            })?;
            // SAFETY: `start_creating_path` succeeded: `parent` holds the
            // locked parent directory and `dentry` a negative dentry in it,
            // both released by `end_creating_path`.
            let ret = unsafe {
                let ret = bindings::vfs_mknod(
                    &raw mut bindings::nop_mnt_idmap,
                    (*(*parent.as_ptr()).dentry).d_inode,
                    dentry,
                    (bindings::S_IFCHR | 0o600) as u16,
                    devt,
                    core::ptr::null_mut(),
                );
                bindings::end_creating_path(parent.as_ptr(), dentry);
                ret
            };
            to_result(ret)?;
            Ok(Self(name))
        }

        /// Opens the file for reading and writing.
        fn open(&self) -> Result<*mut bindings::file> {
            with_init_fs(|| {
                // SAFETY: The name is NUL-terminated.
                from_err_ptr(unsafe {
                    bindings::filp_open(self.0.as_char_ptr(), bindings::O_RDWR as c_int, 0)
                })
            })
        }
    }

    impl Drop for DevFile {
        fn drop(&mut self) {
            with_init_fs(|| self.unlink());
        }
    }

    impl DevFile {
        fn unlink(&self) {
            let mut parent = core::mem::MaybeUninit::<bindings::path>::zeroed();
            // SAFETY: The name is NUL-terminated; `parent` is written on
            // success.
            let Ok(dentry) = from_err_ptr(unsafe {
                bindings::start_removing_path(self.0.as_char_ptr(), parent.as_mut_ptr())
            }) else {
                return;
            };
            // SAFETY: `start_removing_path` succeeded: `parent` holds the
            // locked parent directory and `dentry` the file in it, both
            // released by `end_creating_path` (C's `end_removing_path`).
            unsafe {
                bindings::vfs_unlink(
                    &raw mut bindings::nop_mnt_idmap,
                    (*(*parent.as_ptr()).dentry).d_inode,
                    dentry,
                    core::ptr::null_mut(),
                );
                bindings::end_creating_path(parent.as_ptr(), dentry);
            }
        }
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, Relaxed);
        }
    }

    struct TrackedOps;

    #[vtable]
    impl Operations for TrackedOps {
        type Owner = CdevNode<Tracked>;

        fn open(_node: &CdevNode<Tracked>, _file: &File) -> Result {
            Ok(())
        }

        fn release(_node: &CdevNode<Tracked>, _file: &File) {}

        fn ioctl(_node: &CdevNode<Tracked>, _file: &File, cmd: u32, _arg: usize) -> Result<isize> {
            Ok(cmd as isize)
        }
    }

    #[test]
    fn minors_are_allocated_exhausted_and_reused() -> Result {
        assert_eq!(ChrdevRegion::new(c"rust_cdev_none", 0).err(), Some(EINVAL));
        let region = ChrdevRegion::new(c"rust_cdev_minors", 2)?;
        assert!(region.major() > 0);
        assert_eq!(region.count(), 2);
        let a = region.alloc_minor()?;
        let b = region.alloc_minor()?;
        assert_eq!((a.minor(), b.minor()), (0, 1));
        assert_eq!(a.devt(), region.major() << MINORBITS);
        assert_eq!(b.devt(), (region.major() << MINORBITS) | 1);
        // Exhausted.
        assert_eq!(region.alloc_minor().err(), Some(ENOSPC));
        // Freed and reused, the lowest first.
        drop(a);
        let c = region.alloc_minor()?;
        assert_eq!(c.minor(), 0);
        assert_eq!(region.alloc_minor().err(), Some(ENOSPC));
        drop(b);
        drop(c);
        let d = region.alloc_minor()?;
        assert_eq!(d.minor(), 0);
        // A second region gets another major.
        let other = ChrdevRegion::new(c"rust_cdev_other", 1)?;
        assert_ne!(other.major(), region.major());
        Ok(())
    }

    #[test]
    fn node_holds_its_minor_and_data_until_deleted() -> Result {
        let drops = Arc::new(Atomic::new(0u32), GFP_KERNEL)?;
        let region = ChrdevRegion::new(c"rust_cdev_node", 1)?;
        let class = Class::new(c"rust_cdev_kunit")?;
        let minor = region.alloc_minor()?;
        let devt = minor.devt();
        let reg = CdevRegistration::new::<TrackedOps>(
            &class,
            minor,
            c"rust_cdev_kunit0",
            Tracked(drops.clone()),
        )?;
        let node = reg.node();
        assert_eq!(node.devt(), devt);
        assert_eq!(node.minor(), 0);
        // SAFETY: The device is alive while `reg` is.
        let dev = unsafe { &*node.as_raw_device() };
        assert_eq!(dev.devt, devt);
        assert_eq!(dev.class, class.as_raw());
        // The node's minor is taken while it lives.
        assert_eq!(region.alloc_minor().err(), Some(ENOSPC));
        assert_eq!(drops.load(Relaxed), 0);

        // Nothing is open: deleting it frees the node, its data and its
        // minor at once, and the class is only referenced by us again.
        drop(reg);
        assert_eq!(drops.load(Relaxed), 1);
        let again = region.alloc_minor()?;
        assert_eq!(again.devt(), devt);
        assert!(Arc::into_unique_or_drop(class).is_some());

        // A node can be added again with the same minor and name.
        let class = Class::new(c"rust_cdev_kunit")?;
        let reg = CdevRegistration::new::<TrackedOps>(
            &class,
            again,
            c"rust_cdev_kunit0",
            Tracked(drops.clone()),
        )?;
        assert_eq!(reg.node().devt(), devt);
        drop(reg);
        assert_eq!(drops.load(Relaxed), 2);
        Ok(())
    }

    #[test]
    fn open_ioctl_and_release_reach_the_node() -> Result {
        let region = ChrdevRegion::new(c"rust_cdev_open", 1)?;
        let class = Class::new(c"rust_cdev_open")?;
        let minor = region.alloc_minor()?;
        let devt = minor.devt();
        let releases = Arc::new(Atomic::new(0u32), GFP_KERNEL)?;
        let data = Calls {
            opens: Atomic::new(0),
            ioctls: Atomic::new(0),
            releases: releases.clone(),
        };
        let reg = CdevRegistration::new::<CountedOps>(&class, minor, c"rust_cdev_open0", data)?;
        let calls = reg.node().data();
        let dev_file = step("mknod", DevFile::new(c"/rust_cdev_open0", devt))?;

        let file = step("open", dev_file.open())?;
        assert_eq!(calls.opens.load(Relaxed), 1);
        // SAFETY: `file` is open; the VFS's ioctl path for a cdev calls
        // its `unlocked_ioctl`.
        let ret = unsafe {
            let ioctl = (*(*file).f_op).unlocked_ioctl.ok_or(EINVAL)?;
            ioctl(file, 0x10, 0x20)
        };
        assert_eq!(ret, 0x30);
        assert_eq!(calls.ioctls.load(Relaxed), 1);
        assert_eq!(calls.releases.load(Relaxed), 0);

        // Deleting the node while the file is open: the node stays (the
        // file holds it) with its minor, and a new file for its number
        // finds nothing.
        let node: *const CdevNode<Calls> = reg.node();
        drop(reg);
        assert_eq!(region.alloc_minor().err(), Some(ENOSPC));
        let fresh = step("mknod again", DevFile::new(c"/rust_cdev_open1", devt))?;
        assert_eq!(fresh.open().err(), Some(ENXIO));
        // The inode that opened it keeps the cdev until the cdev goes (C's
        // `chrdev_open`): it opens the deleted node again, which is safe,
        // as the files hold the node.
        let again = step("reopen", dev_file.open())?;
        // SAFETY: The open files hold the node.
        let calls = unsafe { (*node).data() };
        assert_eq!(calls.opens.load(Relaxed), 2);

        // The last close releases the files, then the node and its minor.
        // SAFETY: We opened them, from a kernel thread (KUnit's), and do
        // not use them after.
        unsafe {
            bindings::__fput_sync(again);
            bindings::__fput_sync(file);
        }
        assert_eq!(releases.load(Relaxed), 2);
        let minor = step("minor after release", region.alloc_minor())?;
        assert_eq!(minor.devt(), devt);
        assert!(Arc::into_unique_or_drop(releases).is_some());
        Ok(())
    }

    #[test]
    fn file_operations_table_is_static() {
        let ops = FileOperations::of::<TrackedOps>();
        // SAFETY: The table is static.
        let table = unsafe { &*ops.as_raw() };
        assert!(table.open.is_some());
        assert!(table.release.is_some());
        assert!(table.unlocked_ioctl.is_some());
        assert!(table.uring_cmd.is_none());
    }
}
