// SPDX-License-Identifier: GPL-2.0

//! A multipath head (C's `struct mpath_head`): the shared device behind
//! several paths, embedded in the driver's own object.
//!
//! # Locking
//!
//! - The path list is read under the head's SRCU and changed under its
//!   mutex. A path leaves the list, then every node's cache, with a grace
//!   period after each step, so that once [`MpathHead::delete_device`]
//!   returns nothing can reach it.
//! - The per-node cache is written by readers (the policies cache their
//!   choice) and cleared by writers; a reader only caches a path it found
//!   on the list during its own read-side section.
//!
//! # Examples
//!
//! ```
//! # use multipath::{AccessState, HasMpathDevice, IoPolicy};
//! # let (head, paths) =
//! #     multipath::doc_support::two_path_head(c"mpdoc_head", multipath::IoPolicy::RoundRobin)?;
//! use multipath::PathSet;
//!
//! // Under the head's SRCU: the paths in list order and the one I/O would
//! // take now.
//! let srcu = head.srcu().read_lock();
//! assert_eq!(head.path_set(&srcu).paths().count(), 2);
//! let first = head.find_path(&srcu).ok_or(ENODEV)?;
//! assert!(first.head().is_some());
//! drop(srcu);
//!
//! // A policy change applies to the next I/O of every node.
//! head.set_iopolicy(IoPolicy::QueueDepth);
//! assert_eq!(head.iopolicy(), IoPolicy::QueueDepth);
//!
//! // Access states change under the driver; the head chooses again.
//! paths[0].mpath_device().set_access_state(AccessState::Other);
//! head.access_state_changed();
//! head.with_device(|dev| {
//!     assert!(core::ptr::eq(dev, paths[1].mpath_device()));
//!     Ok(())
//! })?;
//!
//! // Nothing was requeued or failed.
//! assert_eq!((head.requeue_count(), head.fail_count()), (0, 0));
//! # Ok::<(), Error>(())
//! ```

use crate::{
    device::MpathDevice,
    fields::HeadFields,
    flags::{
        self,
        HeadFlag, //
    },
    path::PathSet,
    IoPolicy, //
};
use kernel::{
    bindings,
    block::{
        BioList,
        BlockDevice, //
    },
    module_ref::ModuleRef,
    numa::{
        self,
        NodeId, //
    },
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
        srcu_fast::{
            FastGuard,
            SrcuFast, //
        },
        srcu_list::{
            Iter,
            SrcuList, //
        },
        srcu_ptr::SrcuPtr,
    },
    workqueue_owned::{
        EmbeddedWork,
        HasEmbeddedDelayedWork,
        HasEmbeddedWork, //
    },
    ThisModule, //
};

/// The head's diagnostic counters (NVMe's `diag/` sysfs files).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagCounter {
    /// Bios queued because no path was usable
    /// (`io_requeue_no_usable_path_count`).
    RequeueNoUsablePath,
    /// Bios failed because no path was available
    /// (`io_fail_no_available_path_count`).
    FailNoAvailPath,
}

impl DiagCounter {
    /// The counter named by C's `enum mpath_diag_counter`, if any.
    pub fn from_c(which: bindings::mpath_diag_counter) -> Option<Self> {
        match which {
            bindings::mpath_diag_counter_MPATH_DIAG_REQUEUE_NO_USABLE_PATH => {
                Some(Self::RequeueNoUsablePath)
            }
            bindings::mpath_diag_counter_MPATH_DIAG_FAIL_NO_AVAIL_PATH => {
                Some(Self::FailNoAvailPath)
            }
            _ => None,
        }
    }
}

/// A multipath head.
///
/// # Invariants
///
/// `self.0` is a `struct mpath_head` set up by [`MpathHead::init`] and not
/// yet torn down by [`MpathHead::uninit`]: its SRCU, list, locks, counters
/// and work are initialised, `mpdt` and `iopolicy` are valid, every
/// `current_path` entry is NULL or a path on the list (or removed less than
/// a grace period ago), and every path on `dev_list` points back to it.
#[repr(transparent)]
pub struct MpathHead(HeadFields);

// SAFETY: Every field is either immutable after `init` or accessed under
// the head's locks, SRCU or atomically.
unsafe impl Send for MpathHead {}
// SAFETY: See above.
unsafe impl Sync for MpathHead {}

impl MpathHead {
    /// Borrows the C head at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a head set up by [`MpathHead::init`] that stays set
    /// up for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::mpath_head) -> &'a Self {
        // SAFETY: `MpathHead` is a transparent wrapper of the C struct.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw C struct.
    pub fn as_raw(&self) -> *mut bindings::mpath_head {
        self.0.as_raw()
    }

    /// Returns the typed view of the head's C fields.
    pub fn fields(&self) -> &HeadFields {
        &self.0
    }

    /// Sets up the head at `ptr` (C's `mpath_head_init`).
    ///
    /// # Safety
    ///
    /// `ptr` is valid for writes of a head and not in use; `mpdt` and
    /// `iopolicy` outlive the head.
    pub unsafe fn init(
        ptr: *mut bindings::mpath_head,
        mpdt: &'static bindings::mpath_head_template,
        iopolicy: *mut c_int,
    ) -> Result {
        // SAFETY: By the safety requirements; no module or groups.
        unsafe { Self::init_for(ptr, mpdt, iopolicy, None, core::ptr::null()) }
    }

    /// As [`MpathHead::init`], for a driver in `module` (pinned while the
    /// head disk is open or its removal is pending) with `disk_groups` as
    /// the head disk's attribute groups (the C driver's `drv_module` and
    /// `disk_groups`).
    ///
    /// # Safety
    ///
    /// As [`MpathHead::init`]; `disk_groups` is NULL or a NULL-terminated
    /// array of attribute groups whose methods expect the head disk, which
    /// outlives the head.
    pub unsafe fn init_for(
        ptr: *mut bindings::mpath_head,
        mpdt: &'static bindings::mpath_head_template,
        iopolicy: *mut c_int,
        module: Option<&'static ThisModule>,
        disk_groups: *const *const bindings::attribute_group,
    ) -> Result {
        if iopolicy.is_null() {
            return Err(EINVAL);
        }
        Self::check_template(mpdt)?;
        let module = module.map_or(core::ptr::null_mut(), ThisModule::as_ptr);
        // SAFETY: `ptr` is valid for writes and unused, by the safety
        // requirements, as are `mpdt`, `iopolicy` and `disk_groups`; a
        // `ThisModule` is its code's module.
        unsafe { HeadFields::init(ptr, mpdt, iopolicy, module, disk_groups)? };
        // SAFETY: Set up just above; nobody else uses it yet.
        unsafe { Self::from_raw(ptr) }.init_marginal();
        // SAFETY: The work items are valid memory that nobody uses yet.
        unsafe {
            <Self as HasEmbeddedWork<REQUEUE_WORK>>::init_embedded_work(
                ptr.cast(),
                c"mpath_head.requeue_work",
                static_lock_class!(),
            );
            <Self as HasEmbeddedWork<PARTITION_SCAN_WORK>>::init_embedded_work(
                ptr.cast(),
                c"mpath_head.partition_scan_work",
                static_lock_class!(),
            );
            <Self as HasEmbeddedDelayedWork>::init_embedded_delayed_work(
                ptr.cast(),
                c"mpath_head.remove_work",
                static_lock_class!(),
                c"mpath_head.remove_work.timer",
                static_lock_class!(),
            );
        }
        // INVARIANT: Every field is set up; no path, empty cache.
        Ok(())
    }

    /// Tears the head down (C's `mpath_head_uninit`): drops the reference
    /// of [`MpathHead::init`], waits for the others, fails any queued bio.
    ///
    /// # Safety
    ///
    /// `ptr` was set up by [`MpathHead::init`], has no path left, and is not
    /// used after this returns (except to be freed).
    pub unsafe fn uninit(ptr: *mut bindings::mpath_head) {
        // SAFETY: The head is set up until the end of this function.
        let head = unsafe { Self::from_raw(ptr) };
        head.put_own();
        head.fields().released().wait();
        head.finish_removal();
        head.flush_works();
        // Whatever is still queued has no head to go to any more.
        for bio in head.take_requeued() {
            bio.io_error();
        }
        head.srcu().synchronize();
        // SAFETY: No reader is left and nothing uses the head any more.
        unsafe { head.fields().destroy() };
    }

    /// Returns the driver's template.
    pub fn template(&self) -> &bindings::mpath_head_template {
        self.0.template()
    }

    /// Returns the head's SRCU (fast flavour), which readers of the paths
    /// hold.
    pub fn srcu(&self) -> &SrcuFast {
        self.0.srcu()
    }

    pub(crate) fn list(&self) -> &SrcuList<MpathDevice> {
        self.0.dev_list()
    }

    pub(crate) fn lock(&self) -> &Lock<(), MutexBackend> {
        self.0.lock()
    }

    /// Returns the lock of the head disk's addition and removal (C's
    /// `disk_lock`), which no sysfs method takes.
    pub(crate) fn disk_lock(&self) -> &Lock<(), MutexBackend> {
        self.0.disk_lock()
    }

    pub(crate) fn requeue_lock(&self) -> &Lock<(), SpinLockIrqBackend> {
        self.0.requeue_lock()
    }

    /// Returns the head disk, or NULL.
    pub(crate) fn raw_disk(&self) -> *mut bindings::gendisk {
        self.0.disk()
    }

    pub(crate) fn set_raw_disk(&self, disk: *mut bindings::gendisk) {
        self.0.set_disk(disk);
    }

    /// Returns the device number of the head disk, or 0.
    pub(crate) fn disk_devt(&self) -> u32 {
        self.disk_bdev().map_or(0, BlockDevice::devt)
    }

    /// Returns the driver's attribute groups for the head disk, or NULL.
    pub(crate) fn raw_disk_groups(&self) -> *const *const bindings::attribute_group {
        self.0.disk_groups()
    }

    /// Returns the parent device of the head disk, if the driver set one.
    pub(crate) fn raw_parent(&self) -> *mut bindings::device {
        self.0.parent()
    }

    fn flags(&self) -> &Atomic<usize> {
        self.0.flags()
    }

    /// Returns whether `flag` is set.
    pub fn test_flag(&self, flag: HeadFlag) -> bool {
        flags::test_bits(self.flags(), flag.mask())
    }

    /// Sets `flag`; returns whether it was set before.
    pub(crate) fn test_and_set_flag(&self, flag: HeadFlag) -> bool {
        flags::update_bits(self.flags(), flag.mask(), true)
    }

    /// Clears `flag`; returns whether it was set before.
    pub(crate) fn test_and_clear_flag(&self, flag: HeadFlag) -> bool {
        flags::update_bits(self.flags(), flag.mask(), false)
    }

    /// Clears `flag`.
    pub(crate) fn clear_flag(&self, flag: HeadFlag) {
        flags::update_bits(self.flags(), flag.mask(), false);
    }

    /// Returns one of the head's diagnostic counters.
    pub fn diag_counter(&self, which: DiagCounter) -> &Atomic<i64> {
        match which {
            DiagCounter::RequeueNoUsablePath => self.0.requeue_no_usable_path_cnt(),
            DiagCounter::FailNoAvailPath => self.0.fail_no_avail_path_cnt(),
        }
    }

    /// Counts a bio queued because no path was usable.
    pub(crate) fn count_requeue(&self) {
        self.diag_counter(DiagCounter::RequeueNoUsablePath)
            .fetch_add(1, Relaxed);
    }

    /// Counts a bio failed because no path was available.
    pub(crate) fn count_fail(&self) {
        self.diag_counter(DiagCounter::FailNoAvailPath)
            .fetch_add(1, Relaxed);
    }

    /// Returns how many bios were queued because no path was usable.
    pub fn requeue_count(&self) -> i64 {
        self.diag_counter(DiagCounter::RequeueNoUsablePath)
            .load(Relaxed)
    }

    /// Returns how many bios failed because no path was available.
    pub fn fail_count(&self) -> i64 {
        self.diag_counter(DiagCounter::FailNoAvailPath)
            .load(Relaxed)
    }

    /// Queues `bio` until a path is usable.
    pub(crate) fn requeue(&self, bio: kernel::block::bio::Bio) {
        self.0.with_requeue_list(|list| list.push(bio));
    }

    /// Scans the head disk's partitions from a work item on kblockd.
    pub(crate) fn schedule_partition_scan(&self) {
        self.partition_scan_work().kblockd_schedule();
    }

    /// Waits for the head's work items.
    pub(crate) fn flush_works(&self) {
        self.partition_scan_work().flush();
        self.requeue_work().flush();
    }

    /// The work item that resubmits the queued bios (`requeue_work`).
    fn requeue_work(&self) -> &EmbeddedWork<Self, REQUEUE_WORK> {
        <Self as HasEmbeddedWork<REQUEUE_WORK>>::embedded_work(self)
    }

    /// The work item that scans partitions (`partition_scan_work`).
    fn partition_scan_work(&self) -> &EmbeddedWork<Self, PARTITION_SCAN_WORK> {
        <Self as HasEmbeddedWork<PARTITION_SCAN_WORK>>::embedded_work(self)
    }

    /// Returns the cache of the path last chosen on `node`.
    pub fn current_path(&self, node: NodeId) -> &SrcuPtr<MpathDevice> {
        self.0.current_path(node)
    }

    /// Returns the policy in force.
    pub fn iopolicy(&self) -> IoPolicy {
        let raw = self.0.iopolicy().load(Relaxed);
        IoPolicy::from_raw(raw).unwrap_or(IoPolicy::Numa)
    }

    /// Changes the policy in force: stores it in the driver's storage, then
    /// applies it with [`MpathHead::iopolicy_changed`].
    pub fn set_iopolicy(&self, policy: IoPolicy) {
        self.0.iopolicy().store(policy as i32, Relaxed);
        self.iopolicy_changed();
    }

    /// Applies a policy change: every node chooses again on its next I/O,
    /// and queued bios are resubmitted.
    pub fn iopolicy_changed(&self) {
        self.clear_paths();
        self.kick_requeue();
    }

    /// Applies access state changes that the driver made with
    /// [`MpathDevice::set_access_state`]: every node chooses again on its
    /// next I/O; once the readers that found no usable path under the old
    /// states are done (their bios queued), the queued bios are resubmitted.
    ///
    /// Waits for an SRCU grace period: not for atomic context.
    pub fn access_state_changed(&self) {
        self.clear_paths();
        self.srcu().synchronize();
        self.kick_requeue();
    }

    /// Pins the driver's module (`drv_module`, NULL for built-in code);
    /// `None` if it is being unloaded.
    pub(crate) fn pin_driver(&self) -> Option<ModuleRef> {
        self.0.try_pin_driver()
    }

    /// Checks that the template sets its optional callbacks in the pairs
    /// they come in.
    pub(crate) fn check_template(mpdt: &bindings::mpath_head_template) -> Result {
        if mpdt.get_head.is_some() != mpdt.put_head.is_some()
            || mpdt.ioctl_begin.is_some() != mpdt.ioctl_finish.is_some()
            || (mpdt.add_cdev.is_some() && (mpdt.del_cdev.is_none() || mpdt.cdev_ioctl.is_none()))
        {
            pr_err!("template callbacks must come in pairs\n");
            return Err(EINVAL);
        }
        Ok(())
    }

    /// Takes a reference; false if the head is already going away. With a
    /// template that counts its heads itself (`get_head`), the driver's
    /// count is used.
    pub fn get(&self) -> bool {
        if let Some(get_head) = self.template().get_head {
            // SAFETY: The driver's callback takes any of its set-up heads.
            return unsafe { get_head(self.as_raw()) };
        }
        self.get_own()
    }

    /// Drops a reference taken with [`MpathHead::get`].
    pub fn put(&self) {
        if let Some(put_head) = self.template().put_head {
            // SAFETY: The driver's callback takes a head it gave a
            // reference to, which the caller owns.
            unsafe { put_head(self.as_raw()) };
            return;
        }
        self.put_own()
    }

    /// Takes a reference in the head's own count.
    fn get_own(&self) -> bool {
        // `Refcount` has no `inc_not_zero`: the same loop on its counter.
        let count = self.0.refcount().as_atomic();
        let mut old = count.load(Relaxed);
        while old > 0 {
            match count.cmpxchg(old, old + 1, Relaxed) {
                Ok(_) => return true,
                Err(now) => old = now,
            }
        }
        false
    }

    /// Drops a reference of the head's own count; the last one completes
    /// `released`.
    fn put_own(&self) {
        if self.0.refcount().dec_and_test() {
            self.0.released().complete_all();
        }
    }

    /// Returns the paths for one selection under `guard`.
    pub fn path_set<'g>(&'g self, guard: &'g FastGuard<'g>) -> HeadPaths<'g> {
        HeadPaths { head: self, guard }
    }

    /// Chooses the path for one I/O issued on the current node with the
    /// policy in force (C's `mpath_find_path`).
    pub fn find_path<'g>(&'g self, guard: &'g FastGuard<'g>) -> Option<&'g MpathDevice> {
        self.iopolicy()
            .select(&self.path_set(guard), NodeId::current())
    }

    /// Returns whether the head has no path.
    pub fn is_empty(&self) -> bool {
        self.list().is_empty()
    }

    /// Adds `dev` at the end of the path list: `EINVAL` if `dev` is on a
    /// head already, `EEXIST` if `disk` is the disk of a path of this head.
    ///
    /// # Safety
    ///
    /// `dev` stays valid until [`MpathHead::delete_device`] returned for
    /// it; `disk` and `nr_active` (if not NULL) outlive it likewise. On a
    /// head set up with [`Template::<T>::table()`](crate::Template::table),
    /// `dev` is embedded in a `T::Path`.
    pub unsafe fn add_device(
        &self,
        dev: &MpathDevice,
        disk: *mut bindings::gendisk,
        numa_node: i32,
        nr_active: *mut bindings::atomic_t,
    ) -> Result {
        let _guard = self.lock().lock();
        if !dev.fields().head().is_null() {
            return Err(EINVAL);
        }
        // One disk is one path: a second device for a disk already on the
        // head would be a path to itself, and its sysfs link a duplicate.
        if !disk.is_null() {
            let srcu = self.srcu().read_lock();
            if self.list().iter(&srcu).any(|d| d.fields().disk() == disk) {
                return Err(EEXIST);
            }
        }
        let node = NodeId::new(numa_node).map_or(numa::NUMA_NO_NODE, NodeId::as_raw);
        // SAFETY: `dev` is on no head, so on no list; we hold the head's
        // lock; `nr_active` outlives `dev` by the safety requirements.
        // Not chosen before the driver tells its state.
        unsafe { dev.fields().attach(self.as_raw(), disk, node, nr_active) };
        if let Some(path) = dev.bdev() {
            self.stack_path_features(path);
        }
        // SAFETY: We hold the head's lock; `dev` was on no head, so it is
        // on no list, and it stays valid until deleted, by the safety
        // requirements.
        // INVARIANT: The path points to this head.
        unsafe { self.list().push_back(dev) };
        self.cancel_removal();
        Ok(())
    }

    /// Removes `dev` from the list and every node's cache, waiting for the
    /// readers that might still use it. Returns whether no path is left.
    ///
    /// On return nothing can reach `dev`; the driver may free it.
    pub fn delete_device(&self, dev: &MpathDevice) -> Result<bool> {
        if dev.head().map(|h| h.as_raw()) == Some(self.as_raw()) {
            self.remove_sysfs_link(dev);
        }
        let guard = self.lock().lock();
        if dev.fields().head() != self.as_raw() {
            return Err(EINVAL);
        }
        // SAFETY: We hold the lock and `dev` is on this list.
        unsafe { self.list().remove(dev) };
        let empty = self.list().is_empty();
        // Readers that found `dev` on the list, and may cache it, finish.
        self.srcu().synchronize();
        // Nobody caches `dev` again. Readers that loaded it from a cache
        // finish too, even if another reader replaced it there before we
        // could clear it (so not only when we cleared it).
        self.clear_current_path(dev);
        self.srcu().synchronize();
        // SAFETY: `dev` is unreachable now and we hold the lock.
        unsafe { dev.fields().detach() };
        drop(guard);
        Ok(empty)
    }

    /// Forgets `dev` in every node's cache; returns whether it was cached.
    pub fn clear_current_path(&self, dev: &MpathDevice) -> bool {
        let mut cleared = false;
        for node in numa::possible_nodes() {
            cleared |= self.current_path(node).clear_if(dev);
        }
        cleared
    }

    /// Forgets every node's cached path.
    pub fn clear_paths(&self) {
        for node in numa::possible_nodes() {
            self.current_path(node).clear();
        }
    }

    /// Takes every bio waiting for a path.
    fn take_requeued(&self) -> BioList {
        self.0.with_requeue_list(BioList::take_all)
    }

    /// Resubmits every queued bio from a work item on kblockd.
    pub fn kick_requeue(&self) {
        self.requeue_work().kblockd_schedule();
    }
}

/// The head's `requeue_work`, as an [`EmbeddedWork`] `ID`.
const REQUEUE_WORK: u64 = 0;
/// The head's `partition_scan_work`, as an [`EmbeddedWork`] `ID`.
const PARTITION_SCAN_WORK: u64 = 1;

// SAFETY: `MpathHead` is a transparent wrapper of `struct mpath_head`, so
// the offset is that of its `requeue_work`, which only this implementation
// uses and `MpathHead::init` initialises before the head is set up. A head
// stays set up while the work item is queued or running: it is queued
// through a head, so by someone holding it, and `MpathHead::uninit` flushes
// it once every reference is gone.
unsafe impl HasEmbeddedWork<REQUEUE_WORK> for MpathHead {
    const WORK_OFFSET: usize = core::mem::offset_of!(bindings::mpath_head, requeue_work);

    /// Resubmits every queued bio.
    fn run(&self) {
        for bio in self.take_requeued() {
            bio.submit();
        }
    }
}

// SAFETY: As for `REQUEUE_WORK`, with `partition_scan_work`.
unsafe impl HasEmbeddedWork<PARTITION_SCAN_WORK> for MpathHead {
    const WORK_OFFSET: usize = core::mem::offset_of!(bindings::mpath_head, partition_scan_work);

    fn run(&self) {
        self.scan_partitions();
    }
}

/// A head's paths and per-node cache, seen under one SRCU read guard.
pub struct HeadPaths<'g> {
    head: &'g MpathHead,
    guard: &'g FastGuard<'g>,
}

impl<'g> PathSet<'g> for HeadPaths<'g> {
    type Path = MpathDevice;
    type Iter = Iter<'g, MpathDevice>;

    fn paths(&self) -> Self::Iter {
        self.head.list().iter(self.guard)
    }

    fn paths_after(&self, path: &'g MpathDevice) -> Option<Self::Iter> {
        if path.head().map(MpathHead::as_raw) != Some(self.head.as_raw()) {
            return None;
        }
        // SAFETY: `path` is a path of this head, so it was added to this
        // list, and it is not added to another one before `delete_device`
        // has returned, which waits for the readers that may hold it, this
        // one included.
        unsafe { self.head.list().iter_after(path, self.guard) }
    }

    fn cached(&self, node: NodeId) -> Option<&'g MpathDevice> {
        self.head.current_path(node).get(self.guard)
    }

    fn set_cached(&self, node: NodeId, path: &'g MpathDevice) {
        // SAFETY: `path` came from the list under `guard`: `delete_device`
        // waits for this reader before clearing caches, so `path` stays
        // valid until it is cleared and a grace period has passed.
        unsafe { self.head.current_path(node).set(Some(path)) };
    }
}
