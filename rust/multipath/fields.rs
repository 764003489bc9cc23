// SPDX-License-Identifier: GPL-2.0

//! Typed views of the fields of C's `struct mpath_head` and
//! `struct mpath_device` (`include/linux/multipath.h`).
//!
//! C drivers embed both structs and call the library through the C API, so
//! their fields are C's layout, not Rust types. This module is the one place
//! that projects them: every other module of the crate reaches a field
//! through a safe accessor of [`HeadFields`] or [`DeviceFields`], which
//! returns the kernel crate's type for it ([`SrcuFast`], [`Lock`], [`Atomic`],
//! [`Refcount`], [`SrcuPtr`], ...). What the types cannot express (writing
//! the plain fields of a path while it joins or leaves a head) stays an
//! `unsafe fn` here, with its requirements.
//!
//! C header: [`include/linux/multipath.h`](srctree/include/linux/multipath.h)

use crate::{
    clock,
    device::MpathDevice,
    flags::{
        self,
        DeviceFlag, //
    },
    head::MpathHead, //
};
use kernel::{
    bindings,
    block::{
        BioList,
        BlockDevice, //
    },
    error::to_result,
    module_ref::ModuleRef,
    numa::NodeId,
    prelude::*,
    static_lock_class,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        lock::{
            mutex::MutexBackend,
            spinlock::SpinLockIrqBackend,
            Lock, //
        },
        srcu_fast::SrcuFast,
        srcu_list::{
            SrcuList,
            SrcuListLinks, //
        },
        srcu_ptr::SrcuPtr,
        Refcount,
    },
    types::Opaque,
};

/// The fields of a set-up `struct mpath_head`.
///
/// # Invariants
///
/// `self.0` is a `struct mpath_head` set up by
/// [`MpathHead::init`] and not yet torn down: `srcu`,
/// `dev_list`, `lock`, `disk_lock`, `requeue_lock`, `requeue_list`, `ref`
/// and `released` are initialised, `mpdt` and `iopolicy` point to storage
/// that outlives the head, `dev_list` holds `mpath_device`s linked by
/// `siblings`, and `current_path` holds NULL or such paths. `mpdt`,
/// `iopolicy`, `drv_module`, `parent` and `disk_groups` are not changed
/// while the head is set up (the driver sets the last three before it adds
/// the disk); `disk` is written only while the driver serialises the head
/// disk's addition and removal with its I/O.
#[repr(transparent)]
pub struct HeadFields(Opaque<bindings::mpath_head>);

/// The `completion` of a head that [`HeadFields::released`] returns.
///
/// # Invariants
///
/// `self.0` is an initialised `struct completion`.
#[repr(transparent)]
pub struct RawCompletion(Opaque<bindings::completion>);

impl RawCompletion {
    /// Wakes every waiter, now and later (C's `complete_all`).
    pub fn complete_all(&self) {
        // SAFETY: By the type invariant the completion is initialised.
        unsafe { bindings::complete_all(self.0.get()) };
    }

    /// Waits until [`RawCompletion::complete_all`] was called.
    pub fn wait(&self) {
        // SAFETY: By the type invariant the completion is initialised.
        unsafe { bindings::wait_for_completion(self.0.get()) };
    }
}

impl HeadFields {
    /// Initialises the fields at `ptr` that are not work items: zeroes the
    /// struct, then sets up the SRCU, list, locks, completion and count
    /// (of one), and stores `mpdt` and `iopolicy`.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for writes of a head and nobody uses it; `mpdt` and
    /// `iopolicy` (valid) outlive the head. `drv_module` is NULL or the
    /// driver's module; `disk_groups` is NULL or a NULL-terminated array of
    /// attribute groups for the head disk that outlives the head.
    pub unsafe fn init(
        ptr: *mut bindings::mpath_head,
        mpdt: &'static bindings::mpath_head_template,
        iopolicy: *mut c_int,
        drv_module: *mut bindings::module,
        disk_groups: *const *const bindings::attribute_group,
    ) -> Result {
        // SAFETY: `ptr` is valid for writes; zero is a valid start for
        // every field, and each is initialised below.
        unsafe { core::ptr::write_bytes(ptr, 0, 1) };
        // SAFETY: The fields are valid memory that nobody else uses yet.
        unsafe {
            to_result(SrcuFast::init_raw(
                &raw mut (*ptr).srcu,
                c"mpath_head.srcu",
                static_lock_class!(),
            ))?;
            bindings::INIT_LIST_HEAD(&raw mut (*ptr).dev_list);
            bindings::__mutex_init(
                &raw mut (*ptr).lock,
                c"mpath_head.lock".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::__mutex_init(
                &raw mut (*ptr).disk_lock,
                c"mpath_head.disk_lock".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::__spin_lock_init(
                &raw mut (*ptr).requeue_lock,
                c"mpath_head.requeue_lock".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::init_completion(&raw mut (*ptr).released);
            (*ptr).ref_.refs.counter = 1;
            (*ptr).mpdt = mpdt;
            (*ptr).iopolicy = iopolicy;
            (*ptr).drv_module = drv_module;
            (*ptr).disk_groups = disk_groups.cast_mut();
            // Latency weights are due at once.
            (*ptr).lat_refresh = clock::jiffies();
        }
        Ok(())
    }

    /// Releases what [`HeadFields::init`] set up (SRCU, mutexes).
    ///
    /// # Safety
    ///
    /// No SRCU reader is left and nothing uses the head any more, except
    /// to free it.
    pub unsafe fn destroy(&self) {
        // SAFETY: By the type invariant the fields are initialised; by the
        // safety requirements nobody uses them any more.
        unsafe {
            bindings::cleanup_srcu_struct(&raw mut (*self.as_raw()).srcu);
            bindings::mutex_destroy(&raw mut (*self.as_raw()).lock);
            bindings::mutex_destroy(&raw mut (*self.as_raw()).disk_lock);
        }
    }

    /// Returns the raw C struct.
    pub fn as_raw(&self) -> *mut bindings::mpath_head {
        self.0.get()
    }

    /// Returns the driver's template.
    pub fn template(&self) -> &bindings::mpath_head_template {
        // SAFETY: By the type invariant `mpdt` is valid and constant for the
        // head's life.
        unsafe { &*(*self.as_raw()).mpdt }
    }

    /// Returns the head's SRCU (the fast flavour).
    pub fn srcu(&self) -> &SrcuFast {
        // SAFETY: By the type invariant `srcu` was initialised by
        // `SrcuFast::init_raw` in `init` and stays so until `destroy`.
        unsafe { SrcuFast::from_raw(&raw mut (*self.as_raw()).srcu) }
    }

    /// Returns the list of paths (`dev_list`).
    pub fn dev_list(&self) -> &SrcuList<MpathDevice> {
        // SAFETY: By the type invariant `dev_list` is an initialised list of
        // `mpath_device`s linked by `siblings`, which is what
        // `MpathDevice`'s `SrcuListItem` implementation links.
        unsafe { SrcuList::from_raw(&raw mut (*self.as_raw()).dev_list) }
    }

    /// Returns the mutex that serialises changes of the path list.
    pub fn lock(&self) -> &Lock<(), MutexBackend> {
        // SAFETY: `lock` is an initialised mutex by the type invariant.
        unsafe { Lock::from_raw(&raw mut (*self.as_raw()).lock) }
    }

    /// Returns the mutex of the head disk's addition and removal.
    pub fn disk_lock(&self) -> &Lock<(), MutexBackend> {
        // SAFETY: `disk_lock` is an initialised mutex by the type invariant.
        unsafe { Lock::from_raw(&raw mut (*self.as_raw()).disk_lock) }
    }

    /// Returns the spinlock of the queued bios.
    pub fn requeue_lock(&self) -> &Lock<(), SpinLockIrqBackend> {
        // SAFETY: `requeue_lock` is an initialised spinlock by the type
        // invariant.
        unsafe { Lock::from_raw(&raw mut (*self.as_raw()).requeue_lock) }
    }

    /// Runs `f` on the queued bios, under [`HeadFields::requeue_lock`].
    pub fn with_requeue_list<R>(&self, f: impl FnOnce(&mut BioList) -> R) -> R {
        let _guard = self.requeue_lock().lock();
        // SAFETY: `requeue_list` is an initialised list of owned bios by the
        // type invariant, and the lock we hold gives us exclusive access
        // until `f` returns.
        f(unsafe { BioList::from_raw(&raw mut (*self.as_raw()).requeue_list) })
    }

    /// Returns the head's own reference count (`ref`).
    pub fn refcount(&self) -> &Refcount {
        // SAFETY: `Refcount` is a transparent wrapper of a `refcount_t`,
        // initialised by the type invariant.
        unsafe { &*(&raw mut (*self.as_raw()).ref_).cast::<Refcount>() }
    }

    /// Returns the completion signalled when the last reference is gone.
    pub fn released(&self) -> &RawCompletion {
        // SAFETY: `RawCompletion` is a transparent wrapper of a `completion`,
        // initialised by the type invariant.
        unsafe { &*(&raw mut (*self.as_raw()).released).cast::<RawCompletion>() }
    }

    /// Returns the `MPATH_HEAD_*` flag bits.
    pub fn flags(&self) -> &Atomic<usize> {
        // SAFETY: `flags` is valid and aligned, and only changed with atomic
        // bit operations, by C and Rust alike.
        unsafe { Atomic::<usize>::from_ptr(&raw mut (*self.as_raw()).flags) }
    }

    /// Returns the counter of bios queued because no path was usable.
    pub fn requeue_no_usable_path_cnt(&self) -> &Atomic<i64> {
        // SAFETY: An `atomic_long_t` field of the head: valid, aligned, of
        // the layout of an `i64`, and only accessed atomically.
        unsafe {
            Atomic::<i64>::from_ptr(
                (&raw mut (*self.as_raw()).requeue_no_usable_path_cnt.counter).cast(),
            )
        }
    }

    /// Returns the counter of bios failed because no path was available.
    pub fn fail_no_avail_path_cnt(&self) -> &Atomic<i64> {
        // SAFETY: As in `requeue_no_usable_path_cnt`.
        unsafe {
            Atomic::<i64>::from_ptr(
                (&raw mut (*self.as_raw()).fail_no_avail_path_cnt.counter).cast(),
            )
        }
    }

    /// Returns the cache of the path last chosen on `node`.
    pub fn current_path(&self, node: NodeId) -> &SrcuPtr<MpathDevice> {
        // SAFETY: `current_path` has `MAX_NUMNODES` entries and `NodeId` is
        // below that; by the type invariant each is NULL or a path, as
        // `SrcuPtr` requires.
        unsafe {
            let slot = (&raw mut (*self.as_raw()).current_path)
                .cast::<*mut bindings::mpath_device>()
                .add(node.index());
            SrcuPtr::from_raw(slot.cast())
        }
    }

    /// Returns the driver's storage of the policy in force.
    pub fn iopolicy(&self) -> &Atomic<i32> {
        // SAFETY: By the type invariant `iopolicy` points to the driver's
        // storage, which outlives the head; C reads and writes it with
        // `READ_ONCE` / `WRITE_ONCE`.
        unsafe { Atomic::<i32>::from_ptr((*self.as_raw()).iopolicy) }
    }

    /// Returns the marginal path setting of index `index` (an `enum
    /// mpath_marginal_param` value).
    ///
    /// # Panics
    ///
    /// If `index` is not below 3, the number of settings.
    pub fn marginal(&self, index: usize) -> &Atomic<u32> {
        // SAFETY: Only the field's address is taken.
        let all = unsafe { &raw mut (*self.as_raw()).marginal };
        const fn len<T, const N: usize>(_: *mut [T; N]) -> usize {
            N
        }
        assert!(index < len(all));
        // SAFETY: `index` is within the array, which is valid and aligned
        // for the head's life and only accessed atomically.
        unsafe { Atomic::<u32>::from_ptr(all.cast::<u32>().add(index)) }
    }

    /// Returns the jiffies after which latency weights are recomputed.
    pub fn lat_refresh(&self) -> &Atomic<usize> {
        // SAFETY: An `unsigned long` field of the head, valid and aligned for
        // the head's life, of the layout of a `usize`, only accessed
        // atomically.
        unsafe { Atomic::<usize>::from_ptr((&raw mut (*self.as_raw()).lat_refresh).cast()) }
    }

    /// Returns the removal delay in seconds (`delayed_removal_secs`).
    pub fn delayed_removal_secs(&self) -> &Atomic<u32> {
        // SAFETY: The field is valid and aligned for the head's life; C and
        // Rust access it with `READ_ONCE` / `WRITE_ONCE` or atomically.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).delayed_removal_secs) }
    }

    /// Returns the driver's module (NULL for a built-in driver).
    pub fn drv_module(&self) -> *mut bindings::module {
        // SAFETY: Constant while the head is set up (type invariant).
        unsafe { (*self.as_raw()).drv_module }
    }

    /// Pins the driver's module; `None` if it is being unloaded.
    pub fn try_pin_driver(&self) -> Option<ModuleRef> {
        // SAFETY: By the type invariant `drv_module` is NULL or the driver's
        // module, which is loaded while one of its heads is set up.
        unsafe { ModuleRef::try_get(self.drv_module()) }
    }

    /// Takes back a pin of the driver's module that
    /// [`HeadFields::try_pin_driver`] returned and that was given up with
    /// [`ModuleRef::into_raw`].
    ///
    /// # Safety
    ///
    /// The caller owns such a pin, and takes it back once only.
    pub unsafe fn adopt_driver_pin(&self) -> ModuleRef {
        // SAFETY: `drv_module` is constant while the head is set up (type
        // invariant), so it is the pointer the pin was given up as; by the
        // safety requirements the pin is the caller's.
        unsafe { ModuleRef::from_raw(self.drv_module()) }
    }

    /// Returns the head whose `cdev` is at `cdev`: C's `container_of`,
    /// without dereferencing anything (the result is only valid if `cdev`
    /// is a head's).
    pub fn from_cdev(cdev: *mut bindings::cdev) -> *const MpathHead {
        cdev.wrapping_byte_sub(core::mem::offset_of!(bindings::mpath_head, cdev))
            .cast()
    }

    /// Returns the head disk, or NULL.
    pub fn disk(&self) -> *mut bindings::gendisk {
        // SAFETY: By the type invariant `disk` is only written while the
        // driver serialises it with the head's users.
        unsafe { (*self.as_raw()).disk }
    }

    /// Sets the head disk (NULL once it is gone).
    pub fn set_disk(&self, disk: *mut bindings::gendisk) {
        // SAFETY: See `disk`.
        unsafe { (*self.as_raw()).disk = disk };
    }

    /// Returns the driver's attribute groups for the head disk, or NULL.
    pub fn disk_groups(&self) -> *const *const bindings::attribute_group {
        // SAFETY: Constant once the disk may be added (type invariant).
        unsafe { (*self.as_raw()).disk_groups }
    }

    /// Returns the parent device of the head disk, or NULL.
    pub fn parent(&self) -> *mut bindings::device {
        // SAFETY: Constant once the disk may be added (type invariant).
        unsafe { (*self.as_raw()).parent }
    }
}

/// The fields of a `struct mpath_device`.
///
/// # Invariants
///
/// `self.0` is a valid `struct mpath_device`. `mpath_head`, `disk`,
/// `numa_node` and `nr_active` are written only by
/// [`DeviceFields::attach`] and [`DeviceFields::detach`], that is while the
/// path is on no list and under its head's lock. `mpath_head` is NULL or a
/// head set up by [`MpathHead::init`] that outlives the path's time on it;
/// `disk` is NULL or a disk, and `nr_active` NULL or a counter, that
/// outlive the path.
#[repr(transparent)]
pub struct DeviceFields(Opaque<bindings::mpath_device>);

impl DeviceFields {
    /// Returns the fields of a path on no head.
    pub const fn zeroed() -> Self {
        // INVARIANT: Zero is a path on no head, with no counter.
        Self(Opaque::zeroed())
    }

    /// Returns the raw C struct.
    pub fn as_raw(&self) -> *mut bindings::mpath_device {
        self.0.get()
    }

    /// Returns the head the path is on, or NULL.
    pub fn head(&self) -> *mut bindings::mpath_head {
        // SAFETY: By the type invariant the field is only written before the
        // path is published or after it is unreachable.
        unsafe { (*self.as_raw()).mpath_head }
    }

    /// Returns the head the path is on, if any.
    pub fn mpath_head(&self) -> Option<&MpathHead> {
        let head = self.head();
        if head.is_null() {
            return None;
        }
        // SAFETY: By the type invariant a non-NULL head is set up and
        // outlives the path's time on it.
        Some(unsafe { MpathHead::from_raw(head) })
    }

    /// Returns the whole-disk block device of the path's own disk, if any.
    pub fn bdev(&self) -> Option<&BlockDevice> {
        let disk = self.disk();
        if disk.is_null() {
            return None;
        }
        // SAFETY: By the type invariant the disk outlives the path.
        Some(unsafe { BlockDevice::from_disk(disk) })
    }

    /// Returns the path's own disk, or NULL.
    pub fn disk(&self) -> *mut bindings::gendisk {
        // SAFETY: As in `head`.
        unsafe { (*self.as_raw()).disk }
    }

    /// Returns the path's NUMA node, or `None` for `NUMA_NO_NODE`.
    pub fn numa_node(&self) -> Option<NodeId> {
        // SAFETY: As in `head`.
        NodeId::new(unsafe { (*self.as_raw()).numa_node })
    }

    /// Returns the driver's count of the path's I/O in flight, if any.
    pub fn nr_active(&self) -> Option<&Atomic<i32>> {
        // SAFETY: As in `head`.
        let counter = unsafe { (*self.as_raw()).nr_active };
        if counter.is_null() {
            return None;
        }
        // SAFETY: By the type invariant the counter outlives the path; it
        // is only accessed atomically.
        Some(unsafe { Atomic::<i32>::from_ptr(&raw mut (*counter).counter) })
    }

    /// Returns the access state (`enum mpath_access_state`).
    pub fn access_state(&self) -> &Atomic<u32> {
        // SAFETY: The field is valid and aligned; C drivers access it with
        // `READ_ONCE` / `WRITE_ONCE`.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).access_state) }
    }

    /// Returns the `MPATH_DEVICE_*` flag bits.
    pub fn flags(&self) -> &Atomic<usize> {
        // SAFETY: `flags` is valid and aligned, and only changed with atomic
        // bit operations, by C and Rust alike.
        unsafe { Atomic::<usize>::from_ptr(&raw mut (*self.as_raw()).flags) }
    }

    /// Returns the jiffies of the last latency sample's start.
    pub fn lat_sampled(&self) -> &Atomic<usize> {
        // SAFETY: An `unsigned long` field of the path, valid and aligned,
        // of the layout of a `usize`, and only accessed atomically.
        unsafe { Atomic::<usize>::from_ptr((&raw mut (*self.as_raw()).lat_sampled).cast()) }
    }

    /// Returns the path's latency average in nanoseconds.
    pub fn lat_ewma_ns(&self) -> &Atomic<u32> {
        // SAFETY: A `u32` field of the path, valid and aligned, and only
        // accessed atomically.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).lat_ewma_ns) }
    }

    /// Returns the path's latency weight.
    pub fn lat_weight(&self) -> &Atomic<u32> {
        // SAFETY: As in `lat_ewma_ns`.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).lat_weight) }
    }

    /// Returns what is left of the path's weight in the current turn.
    pub fn lat_credit(&self) -> &Atomic<u32> {
        // SAFETY: As in `lat_ewma_ns`.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).lat_credit) }
    }

    /// Returns the jiffies when the path's error window began.
    pub fn mg_window(&self) -> &Atomic<usize> {
        // SAFETY: As in `lat_sampled`.
        unsafe { Atomic::<usize>::from_ptr((&raw mut (*self.as_raw()).mg_window).cast()) }
    }

    /// Returns the errors in the path's current window.
    pub fn mg_errors(&self) -> &Atomic<u32> {
        // SAFETY: As in `lat_ewma_ns`.
        unsafe { Atomic::<u32>::from_ptr(&raw mut (*self.as_raw()).mg_errors) }
    }

    /// Returns the jiffies of the path's last error.
    pub fn mg_last_error(&self) -> &Atomic<usize> {
        // SAFETY: As in `lat_sampled`.
        unsafe { Atomic::<usize>::from_ptr((&raw mut (*self.as_raw()).mg_last_error).cast()) }
    }

    /// Returns how many times the path became marginal.
    pub fn mg_count(&self) -> &Atomic<usize> {
        // SAFETY: As in `lat_sampled`; C readers use `READ_ONCE`.
        unsafe { Atomic::<usize>::from_ptr((&raw mut (*self.as_raw()).mg_count).cast()) }
    }

    /// Returns the links of the head's path list (`siblings`).
    pub fn siblings(&self) -> &SrcuListLinks {
        // SAFETY: `SrcuListLinks` is a transparent wrapper of a `list_head`.
        unsafe { &*(&raw mut (*self.as_raw()).siblings).cast::<SrcuListLinks>() }
    }

    /// Returns the path whose `siblings` are at `links`: C's
    /// `container_of`, without dereferencing anything (the result is only
    /// valid if `links` is a path's).
    pub fn from_siblings(links: *mut bindings::list_head) -> *mut bindings::mpath_device {
        links
            .wrapping_byte_sub(core::mem::offset_of!(bindings::mpath_device, siblings))
            .cast()
    }

    /// Ties the path to `head`: its head, disk, node and counter, and an
    /// access state of `MPATH_STATE_OTHER` until the driver tells one.
    ///
    /// # Safety
    ///
    /// The path is on no head and no list, the caller holds `head`'s lock,
    /// `head` is set up and outlives the path's time on it, and `disk` and
    /// `nr_active` are NULL or outlive the path.
    pub unsafe fn attach(
        &self,
        head: *mut bindings::mpath_head,
        disk: *mut bindings::gendisk,
        numa_node: i32,
        nr_active: *mut bindings::atomic_t,
    ) {
        let raw = self.as_raw();
        // SAFETY: By the safety requirements nobody else reads these fields
        // now; the path is published only after this.
        unsafe {
            (*raw).mpath_head = head;
            (*raw).disk = disk;
            (*raw).numa_node = numa_node;
            (*raw).nr_active = nr_active;
        }
        self.lat_sampled().store(0, Relaxed);
        self.lat_ewma_ns().store(0, Relaxed);
        self.lat_weight().store(0, Relaxed);
        self.lat_credit().store(0, Relaxed);
        self.mg_window().store(0, Relaxed);
        self.mg_errors().store(0, Relaxed);
        self.mg_last_error().store(0, Relaxed);
        self.mg_count().store(0, Relaxed);
        flags::update_bits(self.flags(), DeviceFlag::Marginal.mask(), false);
        self.access_state()
            .store(bindings::mpath_access_state_MPATH_STATE_OTHER, Relaxed);
    }

    /// Unties the path from its head.
    ///
    /// # Safety
    ///
    /// The path is unreachable from its head (off the list and every cache,
    /// a grace period later), and the caller holds the head's lock.
    pub unsafe fn detach(&self) {
        // SAFETY: By the safety requirements nobody reads the field now.
        unsafe { (*self.as_raw()).mpath_head = core::ptr::null_mut() };
    }
}
