// SPDX-License-Identifier: GPL-2.0

//! Rust multipath sample: one multipath head over SCSI disks that are paths
//! to the same logical unit (for example `scsi_debug add_host=2`).
//!
//! Load it with the device numbers of the paths (`MKDEV(major, minor)`):
//!
//! ```text
//! insmod rust_mpath.ko path0=$((8 << 20 | 0)) path1=$((8 << 20 | 16)) iopolicy=1
//! ```
//!
//! The head disk is `mpatha`. A path is usable while its SCSI device is
//! running: `echo offline > /sys/block/sdb/device/state` takes it out of
//! service for new I/O, `echo running` brings it back.

use kernel::{
    bindings,
    block::OpenBlockDevice,
    container_of,
    prelude::*,
    types::Opaque, //
};
use multipath::{
    AccessState,
    MpathDevice,
    MpathHead,
    MpathHeadTemplate,
    Template, //
};

module! {
    type: RustMpath,
    name: "rust_mpath",
    authors: ["libmultipath developers"],
    description: "Rust multipath sample over SCSI paths",
    license: "GPL",
    params: {
        path0: u32 {
            default: 0,
            description: "Device number of the first path",
        },
        path1: u32 {
            default: 0,
            description: "Device number of the second path (0: none)",
        },
        path2: u32 {
            default: 0,
            description: "Device number of the third path (0: none)",
        },
        iopolicy: i32 {
            default: 1,
            description: "0 numa, 1 round-robin, 2 queue-depth",
        },
    },
}

/// One path: the libmultipath path embedded with the opened SCSI disk.
struct Path {
    mdev: MpathDevice,
    bdev: OpenBlockDevice,
}
multipath::impl_has_mpath_device!(Path, mdev);

impl Path {
    /// Returns the state of the SCSI device behind the path.
    fn scsi_state(&self) -> bindings::scsi_device_state {
        // SAFETY: The disk is an sd disk, alive while the path holds it open;
        // its parent device is the `sdev_gendev` of a `scsi_device`.
        unsafe {
            let disk = self.bdev.bdev().disk_raw();
            let parent = (*(*disk).part0).bd_device.parent;
            let sdev = container_of!(parent, bindings::scsi_device, sdev_gendev);
            core::ptr::read_volatile(&raw const (*sdev).sdev_state)
        }
    }
}

/// The sample's template: a path is usable while its SCSI device runs.
struct ScsiPaths;

#[vtable]
impl MpathHeadTemplate for ScsiPaths {
    type Path = Path;

    fn is_disabled(path: &Path) -> bool {
        path.scsi_state() != bindings::scsi_device_state_SDEV_RUNNING
    }

    fn available_path(path: &Path) -> bool {
        let state = path.scsi_state();
        state != bindings::scsi_device_state_SDEV_DEL
            && state != bindings::scsi_device_state_SDEV_CANCEL
    }
}

struct RustMpath {
    head: KBox<Opaque<bindings::mpath_head>>,
    _policy: KBox<Opaque<c_int>>,
    paths: KVec<KBox<Path>>,
}

// SAFETY: The head and paths are used through libmultipath, which is
// thread-safe; the module only drops them.
unsafe impl Send for RustMpath {}
// SAFETY: See above.
unsafe impl Sync for RustMpath {}

impl RustMpath {
    fn head(&self) -> &MpathHead {
        // SAFETY: Set up in `init`, torn down in `drop`.
        unsafe { MpathHead::from_raw(self.head.get()) }
    }
}

impl kernel::Module for RustMpath {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let devts = [
            module_parameters::path0.value(),
            module_parameters::path1.value(),
            module_parameters::path2.value(),
        ];
        let mut paths = KVec::new();
        for devt in devts.into_iter().filter(|d| *d != 0) {
            let path = Path {
                mdev: MpathDevice::new(),
                bdev: OpenBlockDevice::open(devt, true)?,
            };
            paths.push(KBox::new(path, GFP_KERNEL)?, GFP_KERNEL)?;
        }
        if paths.is_empty() {
            pr_err!("no path given (path0=<devt>)\n");
            return Err(EINVAL);
        }
        let sectors = paths
            .iter()
            .map(|p| p.bdev.bdev().nr_sectors())
            .min()
            .unwrap_or(0);

        let head = KBox::new(Opaque::uninit(), GFP_KERNEL)?;
        let policy = KBox::new(Opaque::new(module_parameters::iopolicy.value()), GFP_KERNEL)?;
        // SAFETY: The head memory is ours; the template is static and the
        // policy lives as long as the head (both are kept in `this`).
        unsafe { MpathHead::init(head.get(), Template::<ScsiPaths>::table(), policy.get())? };
        // From here on, dropping `this` tears everything down.
        let this = Self {
            head,
            _policy: policy,
            paths,
        };
        let head = this.head();
        head.alloc_disk(None, bindings::NUMA_NO_NODE, c"mpatha")?;
        head.set_capacity(sectors)?;
        for path in this.paths.iter() {
            // SAFETY: The path (a `Path`) and its disk live until `drop`
            // deletes it.
            unsafe {
                head.add_device(
                    &path.mdev,
                    path.bdev.bdev().disk_raw(),
                    -1,
                    core::ptr::null_mut(),
                )?
            };
            path.mdev.set_access_state(AccessState::Optimized);
            head.set_live(&path.mdev)?;
        }
        pr_info!(
            "mpatha: {} paths, {} sectors, policy {}\n",
            this.paths.len(),
            sectors,
            head.iopolicy().name()
        );
        Ok(this)
    }
}

impl Drop for RustMpath {
    fn drop(&mut self) {
        let head = self.head();
        head.remove_disk();
        for path in self.paths.iter() {
            let _ = head.delete_device(&path.mdev);
        }
        head.put_disk();
        // SAFETY: No path is left and nothing uses the head any more.
        unsafe { MpathHead::uninit(self.head.get()) };
    }
}
