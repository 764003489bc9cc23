// SPDX-License-Identifier: GPL-2.0

//! The head's sysfs surface: the `multipath/` group with one link per path
//! disk, and the per-path `numa_nodes`.
//!
//! Links are added and removed under the head's disk lock, as the head
//! disk itself, so that a link is never added to a directory being removed
//! nor removed from one that is gone.
//!
//! # Examples
//!
//! ```
//! # use multipath::HasMpathDevice;
//! # let (head, paths) =
//! #     multipath::doc_support::two_path_head(c"mpdoc_sysfs", multipath::IoPolicy::Numa)?;
//! // Under the NUMA policy each node caches its path: here the first one
//! // (equal distances, the first path added wins), for node 0.
//! let nodes = head.numa_nodes_of(paths[0].mpath_device());
//! assert_eq!(nodes.bits[0] & 1, 1);
//! assert_eq!(head.numa_nodes_of(paths[1].mpath_device()).bits[0], 0);
//!
//! // The link to a path disk goes before the path does; adding the links
//! // again only adds the missing one.
//! head.remove_sysfs_link(paths[1].mpath_device());
//! head.add_sysfs_links();
//! # Ok::<(), Error>(())
//! ```

use crate::{
    device::MpathDevice,
    flags::{
        DeviceFlag,
        HeadFlag, //
    },
    head::MpathHead,
    path::PathSet,
    IoPolicy, //
};
use kernel::{
    bindings,
    numa,
    prelude::*, //
};

/// The name of the head disk's group of path links.
const GROUP: &CStr = c"multipath";

impl MpathHead {
    /// Links every added path disk under the head disk's `multipath/`
    /// group, once per path; nothing while the head disk is not live (C's
    /// `mpath_add_sysfs_link`).
    pub fn add_sysfs_links(&self) {
        let _guard = self.disk_lock().lock();
        if !self.test_flag(HeadFlag::DiskLive) {
            return;
        }
        let Some(head) = self.disk_bdev() else {
            return;
        };
        let srcu = self.srcu().read_lock();
        for dev in self.path_set(&srcu).paths() {
            let Some(path) = dev.bdev() else {
                continue;
            };
            // A disk not added yet has no name in sysfs to link to.
            if !path.disk_is_added() || dev.test_and_set_flag(DeviceFlag::SysfsAttrLink) {
                continue;
            }
            if let Err(e) = head.add_link_to_group(GROUP, path) {
                pr_err!(
                    "{}: failed to link path {}: {:?}\n",
                    head.name(),
                    path.name(),
                    e
                );
                dev.test_and_clear_flag(DeviceFlag::SysfsAttrLink);
            }
        }
    }

    /// Removes the link to `dev`, if there is one (C's
    /// `mpath_remove_sysfs_link`).
    pub fn remove_sysfs_link(&self, dev: &MpathDevice) {
        let _guard = self.disk_lock().lock();
        if !dev.test_and_clear_flag(DeviceFlag::SysfsAttrLink) {
            return;
        }
        if let (Some(head), Some(path)) = (self.disk_bdev(), dev.bdev()) {
            // The head disk is live: a link exists only then (see
            // `forget_sysfs_links`).
            head.remove_link_from_group(GROUP, path.name());
        }
    }

    /// The head disk is being removed, its directory with the links in it:
    /// no path has a link any more. Called under the disk lock.
    pub(crate) fn forget_sysfs_links(&self) {
        let srcu = self.srcu().read_lock();
        for dev in self.path_set(&srcu).paths() {
            dev.test_and_clear_flag(DeviceFlag::SysfsAttrLink);
        }
    }

    /// Returns the nodes whose cached path is `dev`, as a bitmap of node
    /// ids; empty unless the policy is NUMA.
    pub fn numa_nodes_of(&self, dev: &MpathDevice) -> bindings::nodemask_t {
        let mut nodes: bindings::nodemask_t = pin_init::zeroed();
        if self.iopolicy() != IoPolicy::Numa {
            return nodes;
        }
        let srcu = self.srcu().read_lock();
        let bits = usize::BITS as usize;
        for node in numa::possible_nodes() {
            if self
                .current_path(node)
                .get(&srcu)
                .is_some_and(|cur| core::ptr::eq(cur, dev))
            {
                nodes.bits[node.index() / bits] |= 1 << (node.index() % bits);
            }
        }
        nodes
    }
}
