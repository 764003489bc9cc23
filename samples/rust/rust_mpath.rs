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
//!
//! Paths that are not SCSI disks (null_blk disks, for `make bench`) are
//! always usable.
//!
//! Each path's access state is set at run time in
//! `/sys/block/mpatha/sample/path<N>_state` (N as in the `path<N>`
//! parameter): `optimized` (the initial state), `non-optimized` (used when
//! no optimized path is usable) or `failed` (never used; I/O waits for a
//! usable path while a failed one's SCSI device is still there). Anything
//! else is rejected with `EINVAL`.

use kernel::{
    bindings,
    block::{
        attr::{
            AttrEnum,
            Attribute,
            AttributeGroup,
            AttributeList,
            Show,
            Store,
            Visible, //
        },
        BlockDevice,
        OpenBlockDevice, //
    },
    container_of,
    device::Device,
    prelude::*,
    sync::Arc, //
};
use multipath::{
    disk::HeadOps,
    AccessState,
    IoPolicy,
    MpathDevice,
    MpathHead,
    MpathHeadTemplate,
    OwnedHead,
    PathInfo,
    PathSet, //
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
            description: "0 numa, 1 round-robin, 2 queue-depth, 3 latency",
        },
    },
}

/// One path: the libmultipath path embedded with the opened SCSI disk.
struct Path {
    mdev: MpathDevice,
    bdev: OpenBlockDevice,
    scsi: bool,
}
multipath::impl_has_mpath_device!(Path, mdev);

impl Path {
    /// Opens the disk `devt` as a path.
    fn open(devt: u32) -> Result<Self> {
        let bdev = OpenBlockDevice::open(devt, true)?;
        let scsi = bdev.bdev().disk_parent().is_some_and(|parent| {
            // SAFETY: `parent` is a registered device, alive while the disk
            // we hold open is.
            unsafe { bindings::scsi_is_sdev_device(raw_device(parent)) != 0 }
        });
        Ok(Self {
            mdev: MpathDevice::new(),
            bdev,
            scsi,
        })
    }

    /// Returns the state of the SCSI device behind the path; a disk that
    /// is not a SCSI disk counts as running.
    fn scsi_state(&self) -> bindings::scsi_device_state {
        if !self.scsi {
            return bindings::scsi_device_state_SDEV_RUNNING;
        }
        let Some(parent) = self.bdev.bdev().disk_parent() else {
            return bindings::scsi_device_state_SDEV_RUNNING;
        };
        // SAFETY: The disk is an sd disk, alive while the path holds it open;
        // its parent device is the `sdev_gendev` of a `scsi_device`.
        unsafe {
            let sdev = container_of!(raw_device(parent), bindings::scsi_device, sdev_gendev);
            core::ptr::read_volatile(&raw const (*sdev).sdev_state)
        }
    }
}

/// Returns the C struct of `dev`, a transparent wrapper of it.
fn raw_device(dev: &Device) -> *mut bindings::device {
    core::ptr::from_ref(dev).cast_mut().cast()
}

/// The sample's template: a path is usable while its SCSI device runs.
struct ScsiPaths;

#[vtable]
impl MpathHeadTemplate for ScsiPaths {
    type Path = Path;

    fn path_disk(path: &Path) -> &BlockDevice {
        path.bdev.bdev()
    }

    fn is_disabled(path: &Path) -> bool {
        path.scsi_state() != bindings::scsi_device_state_SDEV_RUNNING
    }

    fn available_path(path: &Path) -> bool {
        let state = path.scsi_state();
        state != bindings::scsi_device_state_SDEV_DEL
            && state != bindings::scsi_device_state_SDEV_CANCEL
    }
}

/// A path's state as its `path<N>_state` file shows and takes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PathState {
    Optimized,
    NonOptimized,
    Failed,
}

impl AttrEnum for PathState {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("optimized", PathState::Optimized),
        ("non-optimized", PathState::NonOptimized),
        ("failed", PathState::Failed),
    ];
}

impl From<AccessState> for PathState {
    fn from(state: AccessState) -> Self {
        match state {
            AccessState::Optimized => PathState::Optimized,
            AccessState::NonOptimized => PathState::NonOptimized,
            AccessState::Other => PathState::Failed,
        }
    }
}

impl From<PathState> for AccessState {
    fn from(state: PathState) -> Self {
        match state {
            PathState::Optimized => AccessState::Optimized,
            PathState::NonOptimized => AccessState::NonOptimized,
            PathState::Failed => AccessState::Other,
        }
    }
}

/// Runs `f` with the `n`-th path of `head` (paths are added in the order
/// of the module parameters and only deleted with the head).
fn with_nth_path<R>(head: &MpathHead, n: usize, f: impl FnOnce(&MpathDevice) -> R) -> Result<R> {
    let srcu = head.srcu().read_lock();
    let path = head.path_set(&srcu).paths().nth(n).ok_or(ENODEV)?;
    Ok(f(path))
}

/// The `path<N>_state` file of the `N`-th path.
struct PathStateFile<const N: usize>;

impl<const N: usize> Show<HeadOps> for PathStateFile<N> {
    type Value = PathState;

    fn show(head: &MpathHead) -> Result<PathState> {
        with_nth_path(head, N, |path| path.access_state().into())
    }
}

impl<const N: usize> Store<HeadOps> for PathStateFile<N> {
    fn store(head: &MpathHead, state: PathState) -> Result {
        with_nth_path(head, N, |path| path.set_access_state(state.into()))?;
        head.access_state_changed();
        Ok(())
    }
}

/// The head disk has the `path<N>_state` files of the paths it has.
struct HasPath;

impl Visible<HeadOps> for HasPath {
    fn is_visible(head: &MpathHead, index: usize) -> bool {
        with_nth_path(head, index, |_| ()).is_ok()
    }
}

static PATH0_STATE: Attribute<HeadOps> = Attribute::read_write::<PathStateFile<0>>(c"path0_state");
static PATH1_STATE: Attribute<HeadOps> = Attribute::read_write::<PathStateFile<1>>(c"path1_state");
static PATH2_STATE: Attribute<HeadOps> = Attribute::read_write::<PathStateFile<2>>(c"path2_state");
static SAMPLE_ATTRS: AttributeList<HeadOps, 3> =
    AttributeList::new([&PATH0_STATE, &PATH1_STATE, &PATH2_STATE]);
/// `/sys/block/mpatha/sample/`.
static SAMPLE_GROUP: AttributeGroup<HeadOps> =
    AttributeGroup::with_visibility::<HasPath, 3>(Some(c"sample"), &SAMPLE_ATTRS);

/// The module: the head, dropped first (it deletes its paths, removes and
/// releases its disk), then the paths (which close their disks).
struct RustMpath {
    _head: OwnedHead<ScsiPaths>,
    _paths: KVec<Arc<Path>>,
}

impl kernel::Module for RustMpath {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let devts = [
            module_parameters::path0.value(),
            module_parameters::path1.value(),
            module_parameters::path2.value(),
        ];
        let mut paths = KVec::new();
        for devt in devts.into_iter().filter(|d| *d != 0) {
            let path = Path::open(devt)?;
            // One disk is one path: given twice (or a partition of a disk
            // given), it would be two paths to itself with one sysfs link.
            let disk = path.bdev.bdev().disk_raw();
            if paths
                .iter()
                .any(|p: &Arc<Path>| core::ptr::eq(p.bdev.bdev().disk_raw(), disk))
            {
                pr_err!("device {:#x} is given twice\n", devt);
                return Err(EINVAL);
            }
            paths.push(Arc::new(path, GFP_KERNEL)?, GFP_KERNEL)?;
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

        let policy = IoPolicy::from_raw(module_parameters::iopolicy.value())?;
        // Pinned while `mpatha` is open: no rmmod under an opener.
        let head =
            OwnedHead::<ScsiPaths>::new_for_module_with_group(policy, module, &SAMPLE_GROUP)?;
        head.alloc_disk(None, bindings::NUMA_NO_NODE, c"mpatha")?;
        head.set_capacity(sectors)?;
        // Every path is on the head before the disk is added, which shows
        // the `path<N>_state` files of the paths there are.
        for path in paths.iter() {
            head.add_path(path.clone(), None)?;
            path.mdev.set_access_state(AccessState::Optimized);
        }
        for path in paths.iter() {
            head.set_live(&path.mdev)?;
        }
        pr_info!(
            "mpatha: {} paths, {} sectors, policy {}\n",
            paths.len(),
            sectors,
            head.iopolicy().name()
        );
        Ok(Self {
            _head: head,
            _paths: paths,
        })
    }
}
