// SPDX-License-Identifier: GPL-2.0

//! The head's bio-based disk: allocation, going live, removal, release.
//!
//! The disk (C's `head->disk`) holds a [`HeadRef`], dropped when the last
//! reference to the disk goes. `MPATH_HEAD_DISK_LIVE` says whether it is
//! added; bios are only queued while it is.
//!
//! # Examples
//!
//! ```
//! # use kernel::block::mem_disk;
//! # let (head, paths) =
//! #     multipath::doc_support::two_path_head(c"mpdoc_disk", multipath::IoPolicy::RoundRobin)?;
//! use multipath::disk::is_head_disk;
//!
//! // The head forwards an operation to the path I/O would use now: one of
//! // the two memory disks, which hold the same data.
//! let devt = head.with_path(|path| {
//!     assert!(!is_head_disk(path));
//!     Ok(path.devt())
//! })?;
//! assert!(paths.iter().any(|p| p.disk.devt() == devt));
//! assert!(mem_disk::round_trip(devt, 8, 1, 0x5a)?);
//!
//! // The driver removes the head disk, then releases it.
//! head.remove_disk();
//! head.put_disk();
//! # Ok::<(), Error>(())
//! ```

use crate::{
    device::MpathDevice,
    flags::HeadFlag,
    head::MpathHead,
    head_ref::HeadRef,
    path::{
        PathInfo,
        PathSet, //
    },
    selector::find_path, //
};
use core::mem::ManuallyDrop;
use kernel::{
    bindings,
    block::{
        bio::Bio,
        bio_disk::{
            GenDisk,
            GenDiskBuilder,
            Geometry,
            Operations, //
        },
        BlockDevice,
        PrHeldReservation,
        PrKeys,
        ReportZonesArgs, //
    },
    device::Device,
    numa::{
        self,
        NodeId, //
    },
    prelude::*,
};

/// The operations of a head disk.
pub struct HeadOps;

#[vtable]
impl Operations for HeadOps {
    type Data = HeadRef;

    fn submit_bio(head: &MpathHead, bio: Bio) {
        head.submit_bio(bio);
    }

    fn open(head: &MpathHead, _mode: u32) -> Result {
        // The opener holds the head and the driver's module (the disk's own
        // owner is the library, which is built in); `release` drops both.
        let pin = head.pin_driver().ok_or(ENXIO)?;
        if !head.get() {
            return Err(ENXIO);
        }
        // The opener's now, until `release`.
        let _ = pin.into_raw();
        Ok(())
    }

    fn release(head: &MpathHead) {
        // SAFETY: `open` gave up a pin of the driver's module for this
        // opener, which the block layer releases once.
        let pin = unsafe { head.fields().adopt_driver_pin() };
        head.put();
        drop(pin);
    }

    fn ioctl(head: &MpathHead, bdev: &BlockDevice, mode: u32, cmd: u32, arg: usize) -> Result<i32> {
        head.forward_ioctl(bdev, cmd, |path| path.ioctl(mode, cmd, arg))
    }

    fn compat_ioctl(
        head: &MpathHead,
        bdev: &BlockDevice,
        mode: u32,
        cmd: u32,
        arg: usize,
    ) -> Result<i32> {
        head.forward_ioctl(bdev, cmd, |path| path.compat_ioctl(mode, cmd, arg))
    }

    fn getgeo(head: &MpathHead, geo: &mut Geometry) -> Result {
        *geo = head.with_path(|path| path.getgeo())?;
        Ok(())
    }

    fn get_unique_id(head: &MpathHead, id: &mut [u8; 16], id_type: u32) -> Result<i32> {
        head.with_path(|path| path.get_unique_id(id, id_type))
    }

    fn report_zones(
        head: &MpathHead,
        sector: u64,
        nr_zones: u32,
        args: &mut ReportZonesArgs,
    ) -> Result<i32> {
        head.with_path(|path| path.report_zones(sector, nr_zones, args))
    }

    fn pr_register(
        head: &MpathHead,
        _bdev: &BlockDevice,
        old_key: u64,
        new_key: u64,
        flags: u32,
    ) -> Result<i32> {
        head.with_path(|path| path.pr_register(old_key, new_key, flags))
    }

    fn pr_reserve(
        head: &MpathHead,
        _bdev: &BlockDevice,
        key: u64,
        pr_type: u32,
        flags: u32,
    ) -> Result<i32> {
        head.with_path(|path| path.pr_reserve(key, pr_type, flags))
    }

    fn pr_release(head: &MpathHead, _bdev: &BlockDevice, key: u64, pr_type: u32) -> Result<i32> {
        head.with_path(|path| path.pr_release(key, pr_type))
    }

    fn pr_preempt(
        head: &MpathHead,
        _bdev: &BlockDevice,
        old_key: u64,
        new_key: u64,
        pr_type: u32,
        abort: bool,
    ) -> Result<i32> {
        head.with_path(|path| path.pr_preempt(old_key, new_key, pr_type, abort))
    }

    fn pr_clear(head: &MpathHead, _bdev: &BlockDevice, key: u64) -> Result<i32> {
        head.with_path(|path| path.pr_clear(key))
    }

    fn pr_read_keys(head: &MpathHead, _bdev: &BlockDevice, keys: &mut PrKeys) -> Result<i32> {
        head.with_path(|path| path.pr_read_keys(keys))
    }

    fn pr_read_reservation(
        head: &MpathHead,
        _bdev: &BlockDevice,
        rsv: &mut PrHeldReservation,
    ) -> Result<i32> {
        head.with_path(|path| path.pr_read_reservation(rsv))
    }
}

/// Whether `disk` is a head disk (C's `mpath_is_head_disk`).
pub fn is_head_disk(disk: &BlockDevice) -> bool {
    GenDisk::<HeadOps>::is_of(disk)
}

impl MpathHead {
    /// Runs `f` with the path I/O would use now, under SRCU: how the head
    /// forwards an operation (C's `mpath_call_for_device`). `EWOULDBLOCK`
    /// (which Linux defines as `EAGAIN`) when no path is usable.
    pub fn with_device<R>(&self, f: impl FnOnce(&MpathDevice) -> Result<R>) -> Result<R> {
        let srcu = self.srcu().read_lock();
        f(self.find_path(&srcu).ok_or(EAGAIN)?)
    }

    /// As [`MpathHead::with_device`], with the path's whole device.
    pub fn with_path<R>(&self, f: impl FnOnce(&BlockDevice) -> Result<R>) -> Result<R> {
        self.with_device(|dev| f(dev.bdev().ok_or(EAGAIN)?))
    }

    /// As [`MpathHead::with_device`], for ioctl `cmd`: when the driver's
    /// `ioctl_begin` takes the path over, `f` runs outside SRCU (a long
    /// ioctl then does not hold up path removal), and `ioctl_finish` is
    /// called after it.
    pub(crate) fn with_device_for_ioctl<R>(
        &self,
        cmd: u32,
        f: impl FnOnce(&MpathDevice) -> Result<R>,
    ) -> Result<R> {
        let t = self.template();
        let (Some(begin), Some(finish)) = (t.ioctl_begin, t.ioctl_finish) else {
            return self.with_device(f);
        };
        let srcu = self.srcu().read_lock();
        let dev = self.find_path(&srcu).ok_or(EAGAIN)?;
        let mut ctx = core::ptr::null_mut();
        // SAFETY: The driver's callback takes one of its paths, valid under
        // `srcu`, and a place for its context.
        if !unsafe { begin(dev.as_raw(), cmd, &mut ctx) } {
            return f(dev);
        }
        let dev: *const MpathDevice = dev;
        drop(srcu);
        // SAFETY: `ioctl_begin` returned true: the driver keeps the path,
        // and with it the path's disk, alive until `ioctl_finish`.
        let ret = f(unsafe { &*dev });
        // SAFETY: `ctx` is what `ioctl_begin` stored, released once.
        unsafe { finish(ctx) };
        ret
    }

    /// As [`MpathHead::with_path`], for ioctl `cmd` received on `from`
    /// (checked with [`BlockDevice::may_forward_from`]), bracketed as
    /// [`MpathHead::with_device_for_ioctl`] says.
    fn forward_ioctl(
        &self,
        from: &BlockDevice,
        cmd: u32,
        f: impl FnOnce(&BlockDevice) -> Result<i32>,
    ) -> Result<i32> {
        self.with_device_for_ioctl(cmd, |dev| {
            let path = dev.bdev().ok_or(EAGAIN)?;
            path.may_forward_from(from)?;
            f(path)
        })
    }
}

impl MpathHead {
    /// Borrows the head disk, if allocated; `added` says whether it is
    /// added now. The handle must not be dropped: the head owns the disk.
    fn disk_handle(&self, added: bool) -> Option<ManuallyDrop<GenDisk<HeadOps>>> {
        let disk = self.raw_disk();
        // SAFETY: `disk` came from `GenDisk::<HeadOps>::into_raw` in
        // `alloc_disk`; the handle is never dropped, so ownership stays
        // with the head.
        (!disk.is_null()).then(|| ManuallyDrop::new(unsafe { GenDisk::from_raw(disk, added) }))
    }

    /// Allocates the head disk (C's `mpath_alloc_head_disk`).
    pub fn alloc_disk(
        &self,
        lim: Option<&bindings::queue_limits>,
        numa_node: i32,
        name: &CStr,
    ) -> Result {
        Self::check_template(self.template())?;
        // The disk lock, not the head's: drivers allocate under their own
        // locks, which SRCU readers may take, and the head's lock is held
        // across SRCU grace periods.
        let _guard = self.disk_lock().lock();
        if !self.raw_disk().is_null() {
            return Err(EBUSY);
        }
        let name = name.to_str().map_err(|_| EINVAL)?;
        let head = HeadRef::new(self).ok_or(ENODEV)?;
        let mut builder = GenDiskBuilder::new().suppress_partition_scan();
        if let Some(lim) = lim {
            *builder.limits_mut() = *lim;
        } else if self.paths_support_nowait() {
            // As dm does: the head takes `REQ_NOWAIT` bios while every path
            // does (`add_device` clears it for a path that does not).
            builder = builder.features(bindings::BLK_FEAT_NOWAIT);
        }
        if let Some(node) = NodeId::new(numa_node) {
            builder = builder.numa_node(node);
        }
        let disk = builder.build::<HeadOps>(fmt!("{name}"), head)?;
        self.set_raw_disk(disk.into_raw());
        Ok(())
    }

    /// Returns whether every path's disk takes `REQ_NOWAIT` bios.
    fn paths_support_nowait(&self) -> bool {
        let srcu = self.srcu().read_lock();
        self.path_set(&srcu)
            .paths()
            .all(|dev| dev.bdev().is_none_or(BlockDevice::supports_nowait))
    }

    /// Narrows the head disk's features to those of `path`, one more path
    /// (what `blk_stack_limits` does): a head disk that takes `REQ_NOWAIT`
    /// bios stops taking them when `path` does not, before `path` can be
    /// chosen. It is not set again when such a path goes.
    pub(crate) fn stack_path_features(&self, path: &BlockDevice) {
        if path.supports_nowait() {
            return;
        }
        let Some(disk) = self.disk_handle(false) else {
            return;
        };
        if !disk.part0().supports_nowait() {
            return;
        }
        if let Err(e) = disk.clear_features(bindings::BLK_FEAT_NOWAIT) {
            pr_warn!(
                "{}: cannot stop taking nowait bios for path {}: {:?}\n",
                disk.part0().name(),
                path.name(),
                e
            );
        }
    }

    /// Returns the head disk's whole device, while the head has a disk:
    /// the caller must not keep it past [`MpathHead::put_disk`].
    pub(crate) fn disk_bdev(&self) -> Option<&BlockDevice> {
        let disk = self.raw_disk();
        // SAFETY: The head's disk is valid until `put_disk`.
        (!disk.is_null()).then(|| unsafe { BlockDevice::from_disk(disk) })
    }

    /// Sets the head disk's capacity in 512-byte sectors, as the driver
    /// learns it from its paths.
    pub fn set_capacity(&self, sectors: u64) -> Result {
        let disk = self.disk_handle(false).ok_or(ENODEV)?;
        disk.set_capacity_sectors(sectors);
        Ok(())
    }

    /// Calls `not_ready` for every path whose disk's capacity differs from
    /// the head disk's, then forgets cached paths and kicks the requeue
    /// work (C's `mpath_revalidate_paths`).
    pub fn revalidate_paths(&self, not_ready: impl Fn(&MpathDevice)) {
        let capacity = self.disk_handle(false).map(|disk| disk.capacity_sectors());
        if let Some(capacity) = capacity {
            let srcu = self.srcu().read_lock();
            for dev in self.path_set(&srcu).paths() {
                if dev.bdev().map(|b| b.nr_sectors()) != Some(capacity) {
                    not_ready(dev);
                }
            }
        }
        self.clear_paths();
        self.kick_requeue();
    }

    /// Marks `dev` ready for I/O (C's `mpath_device_set_live`).
    pub fn set_live(&self, dev: &MpathDevice) -> Result {
        let Some(mut disk) = self.disk_handle(false) else {
            return Err(ENODEV);
        };
        {
            let _guard = self.disk_lock().lock();
            if !self.test_and_set_flag(HeadFlag::DiskLive) {
                let parent = self.raw_parent();
                // SAFETY: The driver's parent device outlives the head disk.
                let parent = (!parent.is_null()).then(|| unsafe { Device::from_raw(parent) });
                let mut groups = self.raw_disk_groups();
                if groups.is_null() {
                    // A static C array, never written.
                    groups = (&raw const bindings::mpath_device_groups).cast();
                }
                // SAFETY: The groups are the library's, or the driver's for
                // the head disk, which outlive the head (`struct
                // mpath_head`'s contract).
                if let Err(e) = unsafe { disk.add_with_groups(parent, groups) } {
                    self.clear_flag(HeadFlag::DiskLive);
                    return Err(e);
                }
                self.schedule_partition_scan();
                self.add_cdev();
            }
        }
        self.add_sysfs_links();

        {
            let _guard = self.lock().lock();
            if dev.is_optimized() {
                let srcu = self.srcu().read_lock();
                let set = self.path_set(&srcu);
                for node in numa::online_nodes() {
                    find_path(&set, node, self.iopolicy());
                }
            }
        }
        self.srcu().synchronize();
        self.kick_requeue();
        Ok(())
    }

    /// Scans the head disk's partitions, from `partition_scan_work`.
    pub(crate) fn scan_partitions(&self) {
        if let Some(disk) = self.disk_handle(true) {
            // The scan was suppressed when the disk was added; an error is
            // the block layer's to report.
            let _ = disk.scan_partitions();
        }
    }

    /// Removes the head disk from the system (C's `mpath_remove_disk`).
    ///
    /// Serialised by the head's disk lock: a second caller (the driver's
    /// teardown racing a delayed removal, say) returns only once the disk
    /// is gone, so that [`MpathHead::put_disk`] never frees a disk that
    /// `del_gendisk` is still working on.
    pub fn remove_disk(&self) {
        let _guard = self.disk_lock().lock();
        if !self.test_and_clear_flag(HeadFlag::DiskLive) {
            return;
        }
        self.del_cdev();
        // The links go with the disk's directory.
        self.forget_sysfs_links();
        // Bios that found the disk live are on the requeue list now; the
        // requeue work fails them all, since the disk is not live.
        self.srcu().synchronize();
        self.kick_requeue();
        if let Some(mut disk) = self.disk_handle(true) {
            disk.remove();
        }
    }

    /// Releases the head disk (C's `mpath_put_disk`).
    pub fn put_disk(&self) {
        self.remove_disk();
        let disk = self.raw_disk();
        if disk.is_null() {
            return;
        }
        self.kick_requeue();
        self.flush_works();
        self.set_raw_disk(core::ptr::null_mut());
        // SAFETY: `disk` came from `into_raw` in `alloc_disk`, is removed
        // and no longer reachable through the head: this handle owns it.
        drop(unsafe { GenDisk::<HeadOps>::from_raw(disk, false) });
    }
}
