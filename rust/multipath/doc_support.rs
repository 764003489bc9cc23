// SPDX-License-Identifier: GPL-2.0

//! The head the documentation examples share: two memory disks on one
//! store (two paths to the same sectors), both optimized and live.
//!
//! Built only for the crate's doctests (`CONFIG_LIBMULTIPATH_DOCTESTS`);
//! [`crate::owned`] shows the same set-up in full.

use crate::{
    AccessState,
    HasMpathDevice,
    IoPolicy,
    MpathDevice,
    MpathHeadTemplate,
    OwnedHead, //
};
use kernel::{
    block::{
        bio_disk::GenDisk,
        mem_disk::{self, MemDisk, Store},
        BlockDevice,
    },
    prelude::*,
    sync::Arc,
};

/// A path of the examples: its own memory disk, with the library's part.
pub struct MyPath {
    /// The library's part of the path.
    pub mdev: MpathDevice,
    /// The path's disk.
    pub disk: GenDisk<MemDisk>,
}
crate::impl_has_mpath_device!(MyPath, mdev);

/// The template of the examples: only the method every driver has.
pub struct MyDriver;

#[vtable]
impl MpathHeadTemplate for MyDriver {
    type Path = MyPath;

    fn path_disk(path: &MyPath) -> &BlockDevice {
        path.disk.part0()
    }
}

/// Returns a head named `name` with `policy`, 64 sectors, and its two
/// paths (disks `<name>p0` and `<name>p1`).
pub fn two_path_head(
    name: &'static CStr,
    policy: IoPolicy,
) -> Result<(OwnedHead<MyDriver>, KVec<Arc<MyPath>>)> {
    let store = Store::new(64)?;
    let head = OwnedHead::<MyDriver>::new(policy)?;
    head.alloc_disk(None, kernel::bindings::NUMA_NO_NODE, name)?;
    head.set_capacity(64)?;
    let mut paths = KVec::new();
    for i in 0..2 {
        let disk = mem_disk::build_on(fmt!("{name}p{i}"), store.clone(), None)?;
        let path = Arc::new(
            MyPath {
                mdev: MpathDevice::new(),
                disk,
            },
            GFP_KERNEL,
        )?;
        head.add_path(path.clone(), None)?;
        path.mpath_device().set_access_state(AccessState::Optimized);
        head.set_live(path.mpath_device())?;
        paths.push(path, GFP_KERNEL)?;
    }
    Ok((head, paths))
}
