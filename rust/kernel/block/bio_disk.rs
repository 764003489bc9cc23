// SPDX-License-Identifier: GPL-2.0

//! Bio-based disks: a `struct gendisk` whose driver receives bios through
//! `submit_bio`, as stacking drivers (multipath heads, device mapper) do.
//!
//! C header: [`include/linux/blkdev.h`](srctree/include/linux/blkdev.h)
//!
//! # Ownership
//!
//! The driver data ([`Operations::Data`]) is stored in the disk's
//! `private_data` and lives exactly as long as the `struct gendisk`: it is
//! dropped by the `free_disk` callback, after the last reference to the disk
//! (the [`GenDisk`] itself, or an opener that still holds the block device)
//! is gone. Every callback therefore sees live data.
//!
//! A [`GenDisk`] is first allocated (not visible), then optionally added
//! ([`GenDisk::add`]), then removed ([`GenDisk::remove`], or on drop).
//! `del_gendisk` waits for every `submit_bio` call in progress, so once
//! [`GenDisk::remove`] returns no callback is running or will run.
//!
//! # Examples
//!
//! ```
//! use kernel::block::{bio::Bio, bio_disk::{GenDisk, GenDiskBuilder, Operations}};
//! use kernel::prelude::*;
//! use kernel::sync::{Arc, ArcBorrow};
//!
//! struct Lower;
//!
//! #[vtable]
//! impl Operations for Lower {
//!     type Data = Arc<u32>;
//!
//!     fn submit_bio(_data: ArcBorrow<'_, u32>, bio: Bio) {
//!         bio.io_error();
//!     }
//! }
//!
//! let disk: GenDisk<Lower> = GenDiskBuilder::new()
//!     .capacity_sectors(8)
//!     .build(fmt!("rdoc{}", 0), Arc::new(7, GFP_KERNEL)?)?;
//! assert_eq!(disk.capacity_sectors(), 8);
//! assert!(!disk.is_added());
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    block::{
        bio::Bio,
        block_device::{PrHeldReservation, PrKeys, ReportZonesArgs},
        BlockDevice,
    },
    device::Device,
    error::{from_err_ptr, from_result, to_result},
    fmt::{self, Write},
    module::this_module,
    numa::NodeId,
    prelude::*,
    static_lock_class,
    str::NullTerminatedFormatter,
    types::{ForeignOwnable, ScopeGuard},
};
use core::{marker::PhantomData, ptr::NonNull};

/// Disk geometry reported by `HDIO_GETGEO` (C's `struct hd_geometry`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Geometry {
    /// Number of heads.
    pub heads: u8,
    /// Sectors per track.
    pub sectors: u8,
    /// Number of cylinders.
    pub cylinders: u16,
    /// First sector of the partition.
    pub start: u64,
}

/// The operations of a bio-based disk (C's `struct block_device_operations`).
///
/// Only [`Operations::submit_bio`] is required; the C table has `None` for
/// every method that an implementation leaves out.
#[vtable]
pub trait Operations: Sized {
    /// The driver data, stored in the disk's `private_data`.
    type Data: ForeignOwnable + Send + Sync;

    /// Handles one bio addressed to the disk: the callee must submit it
    /// elsewhere, queue it, or end it.
    fn submit_bio(data: <Self::Data as ForeignOwnable>::Borrowed<'_>, bio: Bio);

    /// Called when the disk is opened.
    fn open(_data: <Self::Data as ForeignOwnable>::Borrowed<'_>, _mode: u32) -> Result {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Called when the last opener closes the disk.
    fn release(_data: <Self::Data as ForeignOwnable>::Borrowed<'_>) {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Handles an ioctl on the disk or one of its partitions.
    fn ioctl(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _mode: u32,
        _cmd: u32,
        _arg: usize,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Handles a 32-bit compat ioctl.
    fn compat_ioctl(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _mode: u32,
        _cmd: u32,
        _arg: usize,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Reports the disk's geometry.
    fn getgeo(_data: <Self::Data as ForeignOwnable>::Borrowed<'_>, _geo: &mut Geometry) -> Result {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Writes a unique identifier of type `id_type` (C's `enum
    /// blk_unique_id`) to `id`, returning its length, or 0 if there is none.
    fn get_unique_id(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _id: &mut [u8; 16],
        _id_type: u32,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Reports `nr_zones` zones from `sector` into `args`; returns how many.
    fn report_zones(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _sector: u64,
        _nr_zones: u32,
        _args: &mut ReportZonesArgs,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: registers `new_key` in place of `old_key`.
    ///
    /// The persistent reservation methods are all or nothing: the disk has
    /// a `pr_ops` table when this one is implemented. Each may return a
    /// positive `PR_STS_*` code.
    fn pr_register(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _old_key: u64,
        _new_key: u64,
        _flags: u32,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: takes a reservation of type `pr_type`.
    fn pr_reserve(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _key: u64,
        _pr_type: u32,
        _flags: u32,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: releases a reservation.
    fn pr_release(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _key: u64,
        _pr_type: u32,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: preempts the reservation of `old_key`.
    fn pr_preempt(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _old_key: u64,
        _new_key: u64,
        _pr_type: u32,
        _abort: bool,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: clears every registration.
    fn pr_clear(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _key: u64,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: reads the registered keys.
    fn pr_read_keys(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _keys: &mut PrKeys,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Persistent reservations: reads the reservation held.
    fn pr_read_reservation(
        _data: <Self::Data as ForeignOwnable>::Borrowed<'_>,
        _bdev: &BlockDevice,
        _rsv: &mut PrHeldReservation,
    ) -> Result<i32> {
        build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// Builds a [`GenDisk`].
///
/// Starts from stacking limits (`blk_set_stacking_limits`): no limit of its
/// own, so that a stacking driver can lower them to those of its lower
/// devices.
pub struct GenDiskBuilder {
    lim: bindings::queue_limits,
    node: i32,
    capacity_sectors: u64,
    suppress_partition_scan: bool,
}

impl Default for GenDiskBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl GenDiskBuilder {
    /// Creates a builder with stacking limits, no NUMA node preference and a
    /// capacity of zero.
    pub fn new() -> Self {
        let mut lim: bindings::queue_limits = pin_init::zeroed();
        // SAFETY: `lim` is a valid `queue_limits` to initialise.
        unsafe { bindings::blk_set_stacking_limits(&mut lim) };
        Self {
            lim,
            node: bindings::NUMA_NO_NODE,
            capacity_sectors: 0,
            suppress_partition_scan: false,
        }
    }

    /// Returns the queue limits to adjust before building.
    pub fn limits_mut(&mut self) -> &mut bindings::queue_limits {
        &mut self.lim
    }

    /// Adds queue features (`BLK_FEAT_*`).
    pub fn features(mut self, features: bindings::blk_features_t) -> Self {
        self.lim.features |= features;
        self
    }

    /// Sets the logical block size; it must be a power of two from 512 to
    /// `PAGE_SIZE`.
    pub fn logical_block_size(mut self, size: u32) -> Result<Self> {
        if !(512..=bindings::PAGE_SIZE as u32).contains(&size) || !size.is_power_of_two() {
            return Err(EINVAL);
        }
        self.lim.logical_block_size = size;
        Ok(self)
    }

    /// Sets the largest I/O the disk takes in one bio, in 512-byte sectors.
    pub fn max_hw_sectors(mut self, sectors: u32) -> Self {
        self.lim.max_hw_sectors = sectors;
        self
    }

    /// Allocates the disk's memory on `node`.
    pub fn numa_node(mut self, node: NodeId) -> Self {
        self.node = node.as_raw();
        self
    }

    /// Sets the capacity in 512-byte sectors.
    pub fn capacity_sectors(mut self, sectors: u64) -> Self {
        self.capacity_sectors = sectors;
        self
    }

    /// Keeps [`GenDisk::add`] from scanning partitions; the driver runs the
    /// scan later with [`GenDisk::scan_partitions`], from a context where
    /// I/O to the disk may block.
    pub fn suppress_partition_scan(mut self) -> Self {
        self.suppress_partition_scan = true;
        self
    }

    /// Allocates the disk, named `name`, with `data` as its driver data.
    ///
    /// The disk is not visible until [`GenDisk::add`].
    pub fn build<T: Operations>(
        mut self,
        name: fmt::Arguments<'_>,
        data: T::Data,
    ) -> Result<GenDisk<T>> {
        // SAFETY: `self.lim` is a valid `queue_limits`; the lock class key
        // is static.
        let disk = from_err_ptr(unsafe {
            bindings::__blk_alloc_disk(&mut self.lim, self.node, static_lock_class!().as_ptr())
        })?;
        // SAFETY: `__blk_alloc_disk` returned a valid disk, not yet shared.
        let disk = unsafe { NonNull::new_unchecked(disk) };
        // Until the disk owns `data`, dropping the disk must not free it:
        // `fops` is still the C default without `free_disk`.
        let put = ScopeGuard::new(|| {
            // SAFETY: The disk was never added, and this is its only reference.
            unsafe { bindings::put_disk(disk.as_ptr()) }
        });

        // SAFETY: The disk is valid and not yet visible to anyone else.
        let raw = unsafe { &mut *disk.as_ptr() };
        let mut writer = NullTerminatedFormatter::new(&mut raw.disk_name).ok_or(EINVAL)?;
        writer.write_fmt(name)?;

        raw.fops = OperationsVTable::<T>::build();
        raw.private_data = data.into_foreign();
        // From here on `put_disk` ends in `free_disk`, which drops `data`.
        put.dismiss();

        if self.suppress_partition_scan {
            // SAFETY: `state` is a valid bitmap of the disk.
            unsafe { bindings::set_bit(bindings::GD_SUPPRESS_PART_SCAN as usize, &mut raw.state) };
        }
        // SAFETY: The disk is valid.
        unsafe { bindings::set_capacity(disk.as_ptr(), self.capacity_sectors) };

        // INVARIANT: The disk was allocated above with `T`'s table and data.
        Ok(GenDisk {
            disk,
            added: false,
            _t: PhantomData,
        })
    }
}

/// A bio-based disk.
///
/// # Invariants
///
/// - `disk` points to a valid `struct gendisk` of which `self` holds a
///   reference, whose `fops` is `OperationsVTable::<T>::build()` and whose
///   `private_data` came from `T::Data::into_foreign`.
/// - `added` is true exactly when `device_add_disk` succeeded and
///   `del_gendisk` has not been called since.
pub struct GenDisk<T: Operations> {
    disk: NonNull<bindings::gendisk>,
    added: bool,
    _t: PhantomData<T>,
}

// SAFETY: The disk may be added, removed and dropped from any thread; the
// data it carries is `Send + Sync`.
unsafe impl<T: Operations> Send for GenDisk<T> {}
// SAFETY: The `&self` methods only call C functions that do their own
// locking, and the data is `Sync`.
unsafe impl<T: Operations> Sync for GenDisk<T> {}

impl<T: Operations> GenDisk<T> {
    /// Returns the raw `struct gendisk`.
    pub fn as_raw(&self) -> *mut bindings::gendisk {
        self.disk.as_ptr()
    }

    /// Gives up the handle without removing or releasing the disk; returns
    /// the pointer for [`GenDisk::from_raw`]. Whether the disk was added is
    /// for the caller to remember.
    pub fn into_raw(self) -> *mut bindings::gendisk {
        let disk = self.as_raw();
        core::mem::forget(self);
        disk
    }

    /// Takes back a handle given up with [`GenDisk::into_raw`].
    ///
    /// # Safety
    ///
    /// `disk` came from `into_raw` of a `GenDisk<T>`, is not owned by
    /// another handle, and `added` says whether it is added now.
    pub unsafe fn from_raw(disk: *mut bindings::gendisk, added: bool) -> Self {
        // INVARIANT: By the safety requirements.
        Self {
            // SAFETY: `into_raw` never returns NULL.
            disk: unsafe { NonNull::new_unchecked(disk) },
            added,
            _t: PhantomData,
        }
    }

    /// Returns whether `bdev` belongs to a disk of `T`.
    pub fn is_of(bdev: &BlockDevice) -> bool {
        // SAFETY: The device's disk is valid; `fops` never changes.
        core::ptr::eq(
            unsafe { (*bdev.disk_raw()).fops },
            OperationsVTable::<T>::build(),
        )
    }

    /// Returns the device number of the whole disk.
    pub fn devt(&self) -> u32 {
        self.part0().devt()
    }

    /// Returns the driver data.
    pub fn data(&self) -> <T::Data as ForeignOwnable>::Borrowed<'_> {
        // SAFETY: By the type invariant `private_data` came from
        // `into_foreign`; it is only converted back in `free_disk`, after
        // `self`'s reference is gone.
        unsafe { T::Data::borrow((*self.as_raw()).private_data) }
    }

    /// Makes the disk visible, with `parent` as its parent device.
    ///
    /// Adding a disk twice is `EBUSY`.
    pub fn add(&mut self, parent: Option<&Device>) -> Result {
        // SAFETY: No attribute groups.
        unsafe { self.add_with_groups(parent, core::ptr::null()) }
    }

    /// Makes the disk visible, with `parent` as its parent device and the
    /// sysfs attribute groups `groups`.
    ///
    /// Adding a disk twice is `EBUSY`.
    ///
    /// # Safety
    ///
    /// `groups` is NULL or a NULL-terminated array of valid attribute
    /// groups, all of which outlive the disk's time in sysfs, and whose
    /// `show`/`store` methods expect the disk's device.
    pub unsafe fn add_with_groups(
        &mut self,
        parent: Option<&Device>,
        groups: *const *const bindings::attribute_group,
    ) -> Result {
        if self.added {
            return Err(EBUSY);
        }
        let parent = parent.map_or(core::ptr::null_mut(), |p| p.as_raw());
        // SAFETY: The disk is valid and was not added; `parent` is NULL or a
        // valid device; `groups` by the safety requirements.
        to_result(unsafe { bindings::device_add_disk(parent, self.as_raw(), groups.cast_mut()) })?;
        // INVARIANT: `device_add_disk` succeeded.
        self.added = true;
        Ok(())
    }

    /// Returns whether the disk was added and not removed.
    pub fn is_added(&self) -> bool {
        self.added
    }

    /// Scans partitions now, for a disk built with
    /// [`GenDiskBuilder::suppress_partition_scan`]; later rescans happen as
    /// usual. A second call is `EALREADY`.
    pub fn scan_partitions(&self) -> Result {
        // SAFETY: The disk is valid; `test_and_clear_bit` is atomic.
        let suppressed = unsafe {
            bindings::test_and_clear_bit(
                bindings::GD_SUPPRESS_PART_SCAN as usize,
                &mut (*self.as_raw()).state,
            )
        };
        if !suppressed {
            return Err(EALREADY);
        }
        // SAFETY: The disk is valid; `bdev_disk_changed` needs `open_mutex`.
        unsafe {
            let disk = self.as_raw();
            bindings::mutex_lock(&mut (*disk).open_mutex);
            let ret = bindings::bdev_disk_changed(disk, false);
            bindings::mutex_unlock(&mut (*disk).open_mutex);
            to_result(ret)
        }
    }

    /// Returns the capacity in 512-byte sectors.
    pub fn capacity_sectors(&self) -> u64 {
        // SAFETY: The disk is valid.
        unsafe { bindings::get_capacity(self.as_raw()) }
    }

    /// Sets the capacity in 512-byte sectors.
    pub fn set_capacity_sectors(&self, sectors: u64) {
        // SAFETY: The disk is valid; `set_capacity` takes its own lock.
        unsafe { bindings::set_capacity(self.as_raw(), sectors) };
    }

    /// Clears queue features (`BLK_FEAT_*`) of the disk, added or not;
    /// bios in flight are drained first (the queue is frozen while the
    /// limits change).
    pub fn clear_features(&self, features: bindings::blk_features_t) -> Result {
        // SAFETY: The disk is valid and has a queue. Taking `limits_lock`
        // and copying the limits is `queue_limits_start_update`;
        // `queue_limits_commit_update_frozen` releases the lock.
        unsafe {
            let q = (*self.as_raw()).queue;
            bindings::mutex_lock(&raw mut (*q).limits_lock);
            let mut lim = (*q).limits;
            lim.features &= !features;
            to_result(bindings::queue_limits_commit_update_frozen(q, &mut lim))
        }
    }

    /// Returns the whole-disk block device (C's `disk->part0`).
    pub fn part0(&self) -> &BlockDevice {
        // SAFETY: `part0` lives as long as the disk, which `self` keeps.
        unsafe { BlockDevice::from_raw((*self.as_raw()).part0) }
    }

    /// Removes the disk from the system (C's `del_gendisk`).
    ///
    /// Waits for every `submit_bio` in progress; none runs afterwards. The
    /// data stays until the last reference is gone. Does nothing for a disk
    /// that is not added.
    pub fn remove(&mut self) {
        if self.added {
            // SAFETY: The disk is valid and was added.
            unsafe { bindings::del_gendisk(self.as_raw()) };
            // INVARIANT: `del_gendisk` was called.
            self.added = false;
        }
    }
}

impl<T: Operations> Drop for GenDisk<T> {
    fn drop(&mut self) {
        self.remove();
        // SAFETY: By the type invariant `self` holds a reference; this drops
        // it. The data is freed by `free_disk` when the last one goes.
        unsafe { bindings::put_disk(self.as_raw()) };
    }
}

struct OperationsVTable<T: Operations>(PhantomData<T>);

impl<T: Operations> OperationsVTable<T> {
    /// # Safety
    ///
    /// `disk` is a valid disk built by [`GenDiskBuilder::build`] for `T`.
    unsafe fn data<'a>(disk: *mut bindings::gendisk) -> <T::Data as ForeignOwnable>::Borrowed<'a> {
        // SAFETY: `private_data` came from `into_foreign` and is only
        // converted back in `free_disk`, after every other callback.
        unsafe { T::Data::borrow((*disk).private_data) }
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid bio addressed to a disk of `T`.
    unsafe extern "C" fn submit_bio_callback(bio: *mut bindings::bio) {
        // SAFETY: The bio is addressed to a live disk of `T`.
        let data = unsafe { Self::data((*(*bio).bi_bdev).bd_disk) };
        // SAFETY: A `submit_bio` callback owns the bio it receives.
        T::submit_bio(data, unsafe { Bio::from_raw(bio) });
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid disk of `T`.
    unsafe extern "C" fn open_callback(
        disk: *mut bindings::gendisk,
        mode: bindings::blk_mode_t,
    ) -> c_int {
        // SAFETY: `disk` is a live disk of `T`.
        from_result(|| T::open(unsafe { Self::data(disk) }, mode).map(|()| 0))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid disk of `T`.
    unsafe extern "C" fn release_callback(disk: *mut bindings::gendisk) {
        // SAFETY: `disk` is a live disk of `T`.
        T::release(unsafe { Self::data(disk) })
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn ioctl_callback(
        bdev: *mut bindings::block_device,
        mode: bindings::blk_mode_t,
        cmd: c_uint,
        arg: c_ulong,
    ) -> c_int {
        from_result(|| {
            // SAFETY: `bdev` belongs to a live disk of `T`.
            let (data, bdev) =
                unsafe { (Self::data((*bdev).bd_disk), BlockDevice::from_raw(bdev)) };
            T::ioctl(data, bdev, mode, cmd, arg)
        })
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn compat_ioctl_callback(
        bdev: *mut bindings::block_device,
        mode: bindings::blk_mode_t,
        cmd: c_uint,
        arg: c_ulong,
    ) -> c_int {
        from_result(|| {
            // SAFETY: `bdev` belongs to a live disk of `T`.
            let (data, bdev) =
                unsafe { (Self::data((*bdev).bd_disk), BlockDevice::from_raw(bdev)) };
            T::compat_ioctl(data, bdev, mode, cmd, arg)
        })
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid disk of `T` and a valid
    /// geometry to fill.
    unsafe extern "C" fn getgeo_callback(
        disk: *mut bindings::gendisk,
        geo: *mut bindings::hd_geometry,
    ) -> c_int {
        from_result(|| {
            let mut g = Geometry::default();
            // SAFETY: `disk` is a live disk of `T`.
            T::getgeo(unsafe { Self::data(disk) }, &mut g)?;
            // SAFETY: `geo` is valid for writes.
            unsafe {
                (*geo).heads = g.heads;
                (*geo).sectors = g.sectors;
                (*geo).cylinders = g.cylinders;
                (*geo).start = g.start as c_ulong;
            }
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid disk of `T` and a buffer of 16
    /// bytes.
    unsafe extern "C" fn get_unique_id_callback(
        disk: *mut bindings::gendisk,
        id: *mut u8,
        id_type: bindings::blk_unique_id,
    ) -> c_int {
        from_result(|| {
            // SAFETY: `id` points to 16 writable bytes, ours for the call.
            let id = unsafe { &mut *id.cast::<[u8; 16]>() };
            // SAFETY: `disk` is a live disk of `T`.
            T::get_unique_id(unsafe { Self::data(disk) }, id, id_type)
        })
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid disk of `T` and a valid
    /// report.
    unsafe extern "C" fn report_zones_callback(
        disk: *mut bindings::gendisk,
        sector: bindings::sector_t,
        nr_zones: c_uint,
        args: *mut bindings::blk_report_zones_args,
    ) -> c_int {
        from_result(|| {
            // SAFETY: `disk` is a live disk of `T`; `args` is ours for the
            // call.
            let (data, args) = unsafe { (Self::data(disk), ReportZonesArgs::from_raw(args)) };
            T::report_zones(data, sector, nr_zones, args)
        })
    }

    /// # Safety
    ///
    /// `bdev` is a valid block device of a disk of `T`.
    unsafe fn bdev<'a>(
        bdev: *mut bindings::block_device,
    ) -> (<T::Data as ForeignOwnable>::Borrowed<'a>, &'a BlockDevice) {
        // SAFETY: By the safety requirements.
        unsafe { (Self::data((*bdev).bd_disk), BlockDevice::from_raw(bdev)) }
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn pr_register_callback(
        bdev: *mut bindings::block_device,
        old_key: u64,
        new_key: u64,
        flags: u32,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        from_result(|| T::pr_register(data, bdev, old_key, new_key, flags))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn pr_reserve_callback(
        bdev: *mut bindings::block_device,
        key: u64,
        pr_type: bindings::pr_type,
        flags: u32,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        from_result(|| T::pr_reserve(data, bdev, key, pr_type, flags))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn pr_release_callback(
        bdev: *mut bindings::block_device,
        key: u64,
        pr_type: bindings::pr_type,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        from_result(|| T::pr_release(data, bdev, key, pr_type))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn pr_preempt_callback(
        bdev: *mut bindings::block_device,
        old_key: u64,
        new_key: u64,
        pr_type: bindings::pr_type,
        abort: bool,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        from_result(|| T::pr_preempt(data, bdev, old_key, new_key, pr_type, abort))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`.
    unsafe extern "C" fn pr_clear_callback(bdev: *mut bindings::block_device, key: u64) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        from_result(|| T::pr_clear(data, bdev, key))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`
    /// and a valid key buffer.
    unsafe extern "C" fn pr_read_keys_callback(
        bdev: *mut bindings::block_device,
        keys: *mut bindings::pr_keys,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        // SAFETY: `keys` is valid and ours for the call.
        let keys = unsafe { PrKeys::from_raw(keys) };
        from_result(|| T::pr_read_keys(data, bdev, keys))
    }

    /// # Safety
    ///
    /// Called by the block layer with a valid block device of a disk of `T`
    /// and a valid reservation buffer.
    unsafe extern "C" fn pr_read_reservation_callback(
        bdev: *mut bindings::block_device,
        rsv: *mut bindings::pr_held_reservation,
    ) -> c_int {
        // SAFETY: By the safety requirements.
        let (data, bdev) = unsafe { Self::bdev(bdev) };
        // SAFETY: `rsv` is valid and ours for the call.
        let rsv = unsafe { PrHeldReservation::from_raw(rsv) };
        from_result(|| T::pr_read_reservation(data, bdev, rsv))
    }

    const PR_VTABLE: bindings::pr_ops = bindings::pr_ops {
        pr_register: Some(Self::pr_register_callback),
        pr_reserve: if T::HAS_PR_RESERVE {
            Some(Self::pr_reserve_callback)
        } else {
            None
        },
        pr_release: if T::HAS_PR_RELEASE {
            Some(Self::pr_release_callback)
        } else {
            None
        },
        pr_preempt: if T::HAS_PR_PREEMPT {
            Some(Self::pr_preempt_callback)
        } else {
            None
        },
        pr_clear: if T::HAS_PR_CLEAR {
            Some(Self::pr_clear_callback)
        } else {
            None
        },
        pr_read_keys: if T::HAS_PR_READ_KEYS {
            Some(Self::pr_read_keys_callback)
        } else {
            None
        },
        pr_read_reservation: if T::HAS_PR_READ_RESERVATION {
            Some(Self::pr_read_reservation_callback)
        } else {
            None
        },
    };

    /// # Safety
    ///
    /// Called by the block layer once, when the last reference to a disk of
    /// `T` is dropped.
    unsafe extern "C" fn free_disk_callback(disk: *mut bindings::gendisk) {
        // SAFETY: `private_data` came from `into_foreign`; this is the last
        // use of the disk, so no borrow of it is alive.
        drop(unsafe { T::Data::from_foreign((*disk).private_data) });
    }

    const VTABLE: bindings::block_device_operations = bindings::block_device_operations {
        submit_bio: Some(Self::submit_bio_callback),
        open: if T::HAS_OPEN {
            Some(Self::open_callback)
        } else {
            None
        },
        release: if T::HAS_RELEASE {
            Some(Self::release_callback)
        } else {
            None
        },
        ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl_callback)
        } else {
            None
        },
        compat_ioctl: if T::HAS_COMPAT_IOCTL {
            Some(Self::compat_ioctl_callback)
        } else {
            None
        },
        getgeo: if T::HAS_GETGEO {
            Some(Self::getgeo_callback)
        } else {
            None
        },
        get_unique_id: if T::HAS_GET_UNIQUE_ID {
            Some(Self::get_unique_id_callback)
        } else {
            None
        },
        report_zones: if T::HAS_REPORT_ZONES {
            Some(Self::report_zones_callback)
        } else {
            None
        },
        pr_ops: if T::HAS_PR_REGISTER {
            &Self::PR_VTABLE
        } else {
            core::ptr::null()
        },
        free_disk: Some(Self::free_disk_callback),
        owner: this_module::<T::OwnerModule>().as_ptr(),
        ..pin_init::zeroed()
    };

    const fn build() -> &'static bindings::block_device_operations {
        &Self::VTABLE
    }
}
