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
    MpathDevice,
    MpathHead, //
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
#[repr(C)]
struct Path {
    mdev: Opaque<bindings::mpath_device>,
    bdev: OpenBlockDevice,
}

fn path_of(dev: *mut bindings::mpath_device) -> *const Path {
    // SAFETY: Every path of this sample is the `mdev` of a `Path`.
    unsafe { container_of!(dev.cast::<Opaque<bindings::mpath_device>>(), Path, mdev) }
}

/// Returns the state of the SCSI device behind a path.
fn scsi_state(dev: *mut bindings::mpath_device) -> bindings::scsi_device_state {
    // SAFETY: The path lives while the head uses it, and its disk is an sd
    // disk, whose parent device is the `sdev_gendev` of a `scsi_device`.
    unsafe {
        let disk = (*path_of(dev)).bdev.bdev().disk_raw();
        let parent = (*(*disk).part0).bd_device.parent;
        let sdev = container_of!(parent, bindings::scsi_device, sdev_gendev);
        core::ptr::read_volatile(&raw const (*sdev).sdev_state)
    }
}

/// The template's `is_disabled`: the SCSI device is not running.
///
/// # Safety
///
/// `dev` is a path of this sample.
unsafe extern "C" fn is_disabled(dev: *mut bindings::mpath_device) -> bool {
    scsi_state(dev) != bindings::scsi_device_state_SDEV_RUNNING
}

/// The template's `available_path`: the SCSI device may run again.
///
/// # Safety
///
/// `dev` is a path of this sample.
unsafe extern "C" fn available_path(dev: *mut bindings::mpath_device) -> bool {
    let state = scsi_state(dev);
    state != bindings::scsi_device_state_SDEV_DEL
        && state != bindings::scsi_device_state_SDEV_CANCEL
}

static TEMPLATE: bindings::mpath_head_template = bindings::mpath_head_template {
    is_disabled: Some(is_disabled),
    is_optimized: None,
    available_path: Some(available_path),
};

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

    fn dev(path: &Path) -> &MpathDevice {
        // SAFETY: `mdev` is valid for as long as the path.
        unsafe { MpathDevice::from_raw(path.mdev.get()) }
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
                mdev: Opaque::zeroed(),
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
        unsafe { MpathHead::init(head.get(), &TEMPLATE, policy.get())? };
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
            let dev = Self::dev(path);
            // SAFETY: The path and its disk live until `drop` deletes it.
            unsafe {
                head.add_device(dev, path.bdev.bdev().disk_raw(), -1, core::ptr::null_mut())?;
                (*dev.as_raw()).access_state = bindings::mpath_access_state_MPATH_STATE_OPTIMIZED;
            }
            head.set_live(dev)?;
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
            let _ = head.delete_device(Self::dev(path));
        }
        head.put_disk();
        // SAFETY: No path is left and nothing uses the head any more.
        unsafe { MpathHead::uninit(self.head.get()) };
    }
}
