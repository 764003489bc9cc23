// SPDX-License-Identifier: GPL-2.0

//! Block devices (C's `struct block_device`).
//!
//! C header: [`include/linux/blk_types.h`](srctree/include/linux/blk_types.h)

use crate::{
    bindings,
    block::bio_disk::Geometry,
    device::Device,
    error::{
        code::{
            ENOIOCTLCMD,
            ENOTTY,
            EOPNOTSUPP, //
        },
        Result, //
    },
    str::{
        CStr,
        CStrExt, //
    },
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    types::Opaque, //
};

/// A block device: a whole disk or a partition.
///
/// Only ever used by reference; whoever hands out the reference keeps the
/// device alive for its lifetime.
///
/// # Examples
///
/// A disk opened by device number, as a stacking driver opens its lower
/// devices (a memory disk here):
///
/// ```
/// use kernel::block::{mem_disk, OpenBlockDevice};
///
/// let disk = mem_disk::build(kernel::prelude::fmt!("rmembdev"), 128, None)?;
/// let open = OpenBlockDevice::open(disk.devt(), false)?;
/// let bdev = open.bdev();
/// assert_eq!(bdev.nr_sectors(), 128);
/// assert_eq!(bdev.devt(), disk.devt());
/// assert_eq!(bdev.name().to_bytes(), b"rmembdev");
/// assert!(!bdev.is_partition());
/// assert!(bdev.disk_is_added());
/// // A memory disk has no parent device.
/// assert!(bdev.disk_parent().is_none());
/// # drop(open);
/// # Ok::<(), kernel::error::Error>(())
/// ```
///
/// # Invariants
///
/// `self.0` is a valid, live `struct block_device`.
#[repr(transparent)]
pub struct BlockDevice(Opaque<bindings::block_device>);

impl BlockDevice {
    /// Borrows the block device at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `struct block_device` that stays alive for
    /// `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::block_device) -> &'a Self {
        // SAFETY: `BlockDevice` is a transparent wrapper of the C struct, and
        // the caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Borrows the whole-disk device (C's `part0`) of `disk`.
    ///
    /// # Safety
    ///
    /// `disk` points to a valid `struct gendisk` that stays alive for `'a`.
    #[inline]
    pub unsafe fn from_disk<'a>(disk: *mut bindings::gendisk) -> &'a Self {
        // SAFETY: `disk` is valid for `'a` by the safety requirements; its
        // `part0` is set when it is allocated and lives as long as the disk.
        unsafe { Self::from_raw((*disk).part0) }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::block_device {
        self.0.get()
    }

    /// Returns the size in 512-byte sectors.
    pub fn nr_sectors(&self) -> u64 {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::bdev_nr_sectors(self.as_raw()) }
    }

    /// Returns the disk the device belongs to (C's `bd_disk`), which lives
    /// at least as long as the device.
    pub fn disk_raw(&self) -> *mut bindings::gendisk {
        // SAFETY: By the type invariant the device is valid; `bd_disk` is
        // set when it is created and never changes.
        unsafe { (*self.as_raw()).bd_disk }
    }

    /// Returns the parent of the device's disk in sysfs (the device of the
    /// driver that added the disk), if it has one.
    pub fn disk_parent(&self) -> Option<&Device> {
        // SAFETY: By the type invariant the device is valid, and so are its
        // disk and the disk's `part0`, which live at least as long.
        let parent = unsafe { (*(*self.disk_raw()).part0).bd_device.parent };
        if parent.is_null() {
            return None;
        }
        // SAFETY: A device holds a reference to its parent until it is
        // released, so the parent outlives `self`.
        Some(unsafe { Device::from_raw(parent) })
    }

    /// Returns the device number (C's `bd_dev`).
    #[inline]
    pub fn devt(&self) -> u32 {
        // SAFETY: By the type invariant the struct is valid; `bd_dev` is set
        // when the device is created and never changes.
        unsafe { (*self.as_raw()).bd_dev }
    }

    /// Returns the device's name in sysfs and `/dev` ("sda", "nvme0c0n1").
    pub fn name(&self) -> &CStr {
        // SAFETY: By the type invariant the device is valid; a registered
        // block device's kobject name is set at creation and outlives it.
        unsafe { CStr::from_char_ptr((*self.as_raw()).bd_device.kobj.name) }
    }

    /// Returns whether the device's disk was added (and is visible in
    /// sysfs).
    pub fn disk_is_added(&self) -> bool {
        // SAFETY: The disk is valid; `state` is only changed with atomic bit
        // operations.
        let state = unsafe { Atomic::<usize>::from_ptr(&raw mut (*self.disk_raw()).state) };
        state.load(Relaxed) & (1 << bindings::GD_ADDED) != 0
    }

    /// Returns whether the device's queue takes `REQ_NOWAIT` bios (C's
    /// `bdev_nowait`).
    pub fn supports_nowait(&self) -> bool {
        // SAFETY: A valid disk has a valid queue; the features are read
        // without the limits lock, as `bdev_nowait` reads them.
        let features = unsafe { (*(*self.disk_raw()).queue).limits.features };
        features & bindings::BLK_FEAT_NOWAIT != 0
    }

    /// Adds a link to `target`, named after it, to the attribute group
    /// `group` of this device's sysfs directory.
    pub fn add_link_to_group(&self, group: &CStr, target: &BlockDevice) -> Result {
        // SAFETY: Both devices are valid, and their kobjects with them; the
        // names are NUL-terminated.
        crate::error::to_result(unsafe {
            bindings::sysfs_add_link_to_group(
                &raw mut (*self.as_raw()).bd_device.kobj,
                group.as_char_ptr(),
                &raw mut (*target.as_raw()).bd_device.kobj,
                target.name().as_char_ptr(),
            )
        })
    }

    /// Removes the link `name` from the attribute group `group` of this
    /// device's sysfs directory, which must still exist.
    pub fn remove_link_from_group(&self, group: &CStr, name: &CStr) {
        // SAFETY: The device is valid and, by the requirement above, in
        // sysfs; the names are NUL-terminated.
        unsafe {
            bindings::sysfs_remove_link_from_group(
                &raw mut (*self.as_raw()).bd_device.kobj,
                group.as_char_ptr(),
                name.as_char_ptr(),
            )
        }
    }

    /// Returns whether the attribute group `group` of this device's sysfs
    /// directory has an entry `name` (an attribute or a link).
    pub fn has_in_group(&self, group: &CStr, name: &CStr) -> bool {
        // SAFETY: The device is valid; `sd` is NULL or its directory.
        let dir = unsafe { (*self.as_raw()).bd_device.kobj.sd };
        if dir.is_null() {
            return false;
        }
        // SAFETY: `dir` is a valid kernfs node; the lookups take references
        // that are dropped below.
        unsafe {
            let grp = bindings::kernfs_find_and_get_ns(dir, group.as_char_ptr(), core::ptr::null());
            if grp.is_null() {
                return false;
            }
            let entry =
                bindings::kernfs_find_and_get_ns(grp, name.as_char_ptr(), core::ptr::null());
            bindings::kernfs_put(grp);
            if entry.is_null() {
                return false;
            }
            bindings::kernfs_put(entry);
        }
        true
    }

    /// Returns whether the device is a partition rather than a whole disk.
    pub fn is_partition(&self) -> bool {
        // SAFETY: By the type invariant the device is valid; `__bd_flags`
        // is read atomically.
        unsafe { bindings::bdev_is_partition(self.as_raw()) }
    }

    /// Returns the operations of the device's disk.
    fn fops(&self) -> &bindings::block_device_operations {
        // SAFETY: By the type invariant the device and its disk are valid;
        // a disk's `fops` is set at allocation, never changes and points to
        // a table that outlives the disk (it belongs to the disk's module,
        // which the disk pins).
        unsafe { &*(*self.disk_raw()).fops }
    }

    /// Returns the persistent reservation operations of the device's disk.
    fn pr_ops(&self) -> Option<&bindings::pr_ops> {
        // SAFETY: As for `fops`: the table, when there is one, lives as long
        // as the disk's module.
        unsafe { self.fops().pr_ops.as_ref() }
    }
}

/// Calling the operations of a device's own disk, as a stacking driver
/// forwards what it receives to a lower device. Each returns `ENOTTY`
/// (ioctls), `ENOIOCTLCMD` (compat ioctls) or `EOPNOTSUPP` (the others)
/// when the disk does not have the operation; non-negative values are the
/// operation's own (persistent reservation operations return positive
/// `PR_STS_*` codes).
impl BlockDevice {
    /// Whether an ioctl received on `from` may be passed to this whole
    /// device: a partition confines its opener to the partition, which a
    /// lower driver called with its whole device cannot know, so only a
    /// caller with `CAP_SYS_ADMIN` gets through from a partition
    /// (`EPERM` otherwise).
    pub fn may_forward_from(&self, from: &BlockDevice) -> Result {
        // SAFETY: `capable` only reads the current task's credentials.
        if from.is_partition() && !unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as i32) } {
            return Err(crate::error::code::EPERM);
        }
        Ok(())
    }

    /// Calls the disk's `ioctl` with this device.
    pub fn ioctl(&self, mode: u32, cmd: u32, arg: usize) -> Result<i32> {
        let f = self.fops().ioctl.ok_or(ENOTTY)?;
        // SAFETY: The device is valid; `arg` is passed through unchanged,
        // for the disk's driver to interpret as its caller meant it.
        check(unsafe { f(self.as_raw(), mode, cmd, arg) })
    }

    /// Calls the disk's `compat_ioctl` with this device.
    pub fn compat_ioctl(&self, mode: u32, cmd: u32, arg: usize) -> Result<i32> {
        let f = self.fops().compat_ioctl.ok_or(ENOIOCTLCMD)?;
        // SAFETY: As for `ioctl`.
        check(unsafe { f(self.as_raw(), mode, cmd, arg) })
    }

    /// Asks the disk for its geometry.
    pub fn getgeo(&self) -> Result<Geometry> {
        let f = self.fops().getgeo.ok_or(EOPNOTSUPP)?;
        let mut geo: bindings::hd_geometry = pin_init::zeroed();
        // SAFETY: The disk is valid and `geo` is a valid geometry to fill.
        check(unsafe { f(self.disk_raw(), &mut geo) })?;
        Ok(Geometry {
            heads: geo.heads,
            sectors: geo.sectors,
            cylinders: geo.cylinders,
            start: geo.start as u64,
        })
    }

    /// Asks the disk for a unique identifier of type `id_type` (C's `enum
    /// blk_unique_id`); returns its length, 0 when the disk has none.
    pub fn get_unique_id(&self, id: &mut [u8; 16], id_type: u32) -> Result<i32> {
        let Some(f) = self.fops().get_unique_id else {
            return Ok(0);
        };
        // SAFETY: The disk is valid and `id` is 16 writable bytes.
        check(unsafe { f(self.disk_raw(), id.as_mut_ptr(), id_type) })
    }

    /// Asks the disk to report `nr_zones` zones from `sector` into `args`.
    pub fn report_zones(
        &self,
        sector: u64,
        nr_zones: u32,
        args: &mut ReportZonesArgs,
    ) -> Result<i32> {
        let f = self.fops().report_zones.ok_or(EOPNOTSUPP)?;
        // SAFETY: The disk is valid; `args` is the caller's valid report.
        check(unsafe { f(self.disk_raw(), sector, nr_zones, args.0.get()) })
    }

    /// Registers `new_key` (replacing `old_key`) for persistent reservations.
    pub fn pr_register(&self, old_key: u64, new_key: u64, flags: u32) -> Result<i32> {
        let f = self
            .pr_ops()
            .and_then(|p| p.pr_register)
            .ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid.
        check(unsafe { f(self.as_raw(), old_key, new_key, flags) })
    }

    /// Takes a reservation of type `pr_type` (C's `enum pr_type`).
    pub fn pr_reserve(&self, key: u64, pr_type: u32, flags: u32) -> Result<i32> {
        let f = self.pr_ops().and_then(|p| p.pr_reserve).ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid.
        check(unsafe { f(self.as_raw(), key, pr_type, flags) })
    }

    /// Releases a reservation.
    pub fn pr_release(&self, key: u64, pr_type: u32) -> Result<i32> {
        let f = self.pr_ops().and_then(|p| p.pr_release).ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid.
        check(unsafe { f(self.as_raw(), key, pr_type) })
    }

    /// Preempts (and with `abort`, aborts) the reservation of `old_key`.
    pub fn pr_preempt(&self, old_key: u64, new_key: u64, pr_type: u32, abort: bool) -> Result<i32> {
        let f = self.pr_ops().and_then(|p| p.pr_preempt).ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid.
        check(unsafe { f(self.as_raw(), old_key, new_key, pr_type, abort) })
    }

    /// Clears every registration and reservation.
    pub fn pr_clear(&self, key: u64) -> Result<i32> {
        let f = self.pr_ops().and_then(|p| p.pr_clear).ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid.
        check(unsafe { f(self.as_raw(), key) })
    }

    /// Reads the registered keys into `keys`.
    pub fn pr_read_keys(&self, keys: &mut PrKeys) -> Result<i32> {
        let f = self
            .pr_ops()
            .and_then(|p| p.pr_read_keys)
            .ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid; `keys` is the caller's valid buffer.
        check(unsafe { f(self.as_raw(), keys.0.get()) })
    }

    /// Reads the reservation held into `rsv`.
    pub fn pr_read_reservation(&self, rsv: &mut PrHeldReservation) -> Result<i32> {
        let f = self
            .pr_ops()
            .and_then(|p| p.pr_read_reservation)
            .ok_or(EOPNOTSUPP)?;
        // SAFETY: The device is valid; `rsv` is the caller's valid buffer.
        check(unsafe { f(self.as_raw(), rsv.0.get()) })
    }
}

/// Turns a C return value into a `Result`, keeping non-negative values.
fn check(ret: i32) -> Result<i32> {
    crate::error::to_result(ret).map(|()| ret)
}

/// The keys read by a persistent reservation `pr_read_keys` (C's `struct
/// pr_keys`, with its flexible array of keys).
///
/// Only ever used by reference, handed from a caller to the device that
/// fills it.
///
/// # Invariants
///
/// `self.0` is a valid `struct pr_keys` with room for `num_keys` keys.
#[repr(transparent)]
pub struct PrKeys(Opaque<bindings::pr_keys>);

impl PrKeys {
    /// Borrows the buffer at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `struct pr_keys` with room for `num_keys` keys,
    /// exclusively the caller's for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::pr_keys) -> &'a mut Self {
        // SAFETY: A transparent wrapper; validity by the safety requirements.
        unsafe { &mut *ptr.cast() }
    }
}

/// The reservation read by `pr_read_reservation` (C's `struct
/// pr_held_reservation`).
///
/// # Invariants
///
/// `self.0` is a valid `struct pr_held_reservation`.
#[repr(transparent)]
pub struct PrHeldReservation(Opaque<bindings::pr_held_reservation>);

impl PrHeldReservation {
    /// Borrows the buffer at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `struct pr_held_reservation`, exclusively the
    /// caller's for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::pr_held_reservation) -> &'a mut Self {
        // SAFETY: A transparent wrapper; validity by the safety requirements.
        unsafe { &mut *ptr.cast() }
    }
}

/// A zone report in progress (C's `struct blk_report_zones_args`), passed
/// from the block layer through a stacking driver to the disk that fills it.
///
/// # Invariants
///
/// `self.0` is a valid `struct blk_report_zones_args`.
#[repr(transparent)]
pub struct ReportZonesArgs(Opaque<bindings::blk_report_zones_args>);

impl ReportZonesArgs {
    /// Borrows the report at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid report, exclusively the caller's for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::blk_report_zones_args) -> &'a mut Self {
        // SAFETY: A transparent wrapper; validity by the safety requirements.
        unsafe { &mut *ptr.cast() }
    }
}

/// A block device opened by its device number, closed on drop.
///
/// # Invariants
///
/// `file` is a block device file from `bdev_file_open_by_dev` that `self`
/// holds a reference to.
pub struct OpenBlockDevice {
    file: core::ptr::NonNull<bindings::file>,
}

// SAFETY: An open block device file may be used and closed from any thread.
unsafe impl Send for OpenBlockDevice {}
// SAFETY: `bdev()` only hands out a shared reference to the device.
unsafe impl Sync for OpenBlockDevice {}

impl OpenBlockDevice {
    /// Opens the block device `devt` for reading, and for writing too if
    /// `write` is set.
    pub fn open(devt: u32, write: bool) -> crate::error::Result<Self> {
        let mut mode = bindings::BLK_OPEN_READ;
        if write {
            mode |= bindings::BLK_OPEN_WRITE;
        }
        // SAFETY: No holder and no holder operations are passed, which
        // `bdev_file_open_by_dev` allows for a non-exclusive open.
        let file = crate::error::from_err_ptr(unsafe {
            bindings::bdev_file_open_by_dev(devt, mode, core::ptr::null_mut(), core::ptr::null())
        })?;
        // INVARIANT: `from_err_ptr` let through a valid file only.
        Ok(Self {
            // SAFETY: A valid file pointer is not NULL.
            file: unsafe { core::ptr::NonNull::new_unchecked(file) },
        })
    }

    /// Returns the opened block device.
    pub fn bdev(&self) -> &BlockDevice {
        // SAFETY: The file is a block device file, whose device lives as
        // long as the file, which `self` keeps open.
        unsafe { BlockDevice::from_raw(bindings::file_bdev(self.file.as_ptr())) }
    }
}

impl Drop for OpenBlockDevice {
    fn drop(&mut self) {
        // SAFETY: `self` holds a reference to the file; this drops it.
        unsafe { bindings::fput(self.file.as_ptr()) };
    }
}
