// SPDX-License-Identifier: GPL-2.0

//! A head owned by a Rust driver: the safe way to set one up, give it
//! paths and tear it down, without touching the C structs.
//!
//! # Examples
//!
//! ```
//! use kernel::{
//!     block::{
//!         bio_disk::GenDisk,
//!         mem_disk::{self, MemDisk, Store},
//!         BlockDevice,
//!     },
//!     sync::Arc,
//! };
//! use multipath::{
//!     AccessState, HasMpathDevice, IoPolicy, MpathDevice, MpathHeadTemplate, OwnedHead,
//! };
//!
//! /// The driver's path: its own disk, with the library's part embedded.
//! struct MyPath {
//!     mdev: MpathDevice,
//!     disk: GenDisk<MemDisk>,
//! }
//! multipath::impl_has_mpath_device!(MyPath, mdev);
//!
//! /// The driver's template: only the method every driver has.
//! struct MyDriver;
//!
//! #[vtable]
//! impl MpathHeadTemplate for MyDriver {
//!     type Path = MyPath;
//!
//!     fn path_disk(path: &MyPath) -> &BlockDevice {
//!         path.disk.part0()
//!     }
//! }
//!
//! // Two memory disks on one store: two paths to the same sectors.
//! let store = Store::new(64)?;
//! let head = OwnedHead::<MyDriver>::new(IoPolicy::RoundRobin)?;
//! head.alloc_disk(None, kernel::bindings::NUMA_NO_NODE, c"mpdoc_owned")?;
//! head.set_capacity(64)?;
//! let mut paths = KVec::new();
//! for i in 0..2 {
//!     let disk = mem_disk::build_on(fmt!("mpdoc_owned{i}"), store.clone(), None)?;
//!     let path = Arc::new(MyPath { mdev: MpathDevice::new(), disk }, GFP_KERNEL)?;
//!     head.add_path(path.clone(), None)?;
//!     path.mpath_device().set_access_state(AccessState::Optimized);
//!     head.set_live(path.mpath_device())?;
//!     paths.push(path, GFP_KERNEL)?;
//! }
//!
//! // Deleting a path waits for every reader that may still see it; the
//! // head says whether it has a path left.
//! assert!(!head.delete_path(&paths[0])?);
//! assert!(head.delete_path(&paths[0]).is_err());
//!
//! // On drop: the head disk removed, the other path deleted, the head
//! // torn down.
//! drop(head);
//! # Ok::<(), Error>(())
//! ```

use crate::{
    disk::HeadOps,
    head::MpathHead,
    path::PathSet,
    template::{
        HasMpathDevice,
        MpathHeadTemplate,
        Template, //
    },
    IoPolicy, //
};
use core::ops::Deref;
use kernel::{
    bindings,
    block::attr::AttributeGroup,
    numa::NodeId,
    prelude::*,
    sync::Arc,
    types::Opaque,
    ThisModule, //
};

/// A head set up with the template of `T`, owned by a Rust driver.
///
/// Paths are added with [`OwnedHead::add_path`], which keeps a reference
/// to each until [`OwnedHead::delete_path`] (or the drop of the head) has
/// waited for every reader that might still see it.
///
/// # Invariants
///
/// `head` is set up with `Template::<T>::table()` and `_policy` as its
/// policy storage, until drop; every path on it was added by `add_path`,
/// which leaked one reference of its `Arc<T::Path>` into the head.
pub struct OwnedHead<T: MpathHeadTemplate> {
    head: KBox<Opaque<bindings::mpath_head>>,
    /// The head's policy storage, only ever used through the head.
    _policy: KBox<Opaque<c_int>>,
    /// The head disk's attribute groups, if the driver has its own; only
    /// ever used through the head.
    _groups: Option<KBox<DiskGroups>>,
    _t: core::marker::PhantomData<T>,
}

// SAFETY: The head is used through its thread-safe methods; the paths it
// holds are `Send + Sync` (`MpathHeadTemplate::Path`'s bound).
unsafe impl<T: MpathHeadTemplate> Send for OwnedHead<T> {}
// SAFETY: See above.
unsafe impl<T: MpathHeadTemplate> Sync for OwnedHead<T> {}

impl<T: MpathHeadTemplate> OwnedHead<T> {
    /// Allocates and sets up a head with `policy` in force, for built-in
    /// code.
    pub fn new(policy: IoPolicy) -> Result<Self> {
        Self::new_for(policy, None, None)
    }

    /// Allocates and sets up a head with `policy` in force, for a driver
    /// in `module` (`THIS_MODULE`), which the head pins while its disk is
    /// open or its removal is pending.
    pub fn new_for_module(policy: IoPolicy, module: &'static ThisModule) -> Result<Self> {
        Self::new_for(policy, Some(module), None)
    }

    /// As [`OwnedHead::new_for_module`], with the driver's attribute group
    /// `group` on the head disk, next to the library's `multipath/` group
    /// of path links. Its methods get the head.
    pub fn new_for_module_with_group(
        policy: IoPolicy,
        module: &'static ThisModule,
        group: &'static AttributeGroup<HeadOps>,
    ) -> Result<Self> {
        Self::new_for(policy, Some(module), Some(group))
    }

    fn new_for(
        policy: IoPolicy,
        module: Option<&'static ThisModule>,
        group: Option<&'static AttributeGroup<HeadOps>>,
    ) -> Result<Self> {
        let head = KBox::new(Opaque::uninit(), GFP_KERNEL)?;
        let policy = KBox::new(Opaque::new(policy as c_int), GFP_KERNEL)?;
        let groups = group
            .map(|group| {
                KBox::new(
                    DiskGroups([
                        &raw const bindings::mpath_attr_group,
                        group.as_raw(),
                        core::ptr::null(),
                    ]),
                    GFP_KERNEL,
                )
            })
            .transpose()?;
        let disk_groups = groups
            .as_ref()
            .map_or(core::ptr::null(), |groups| groups.0.as_ptr());
        // SAFETY: The head memory is ours and unused; the template is static
        // and the policy storage lives in `self`, as long as the head. So do
        // the groups; the driver's group is typed for the head disk's
        // operations, so its methods expect the head disk.
        unsafe {
            MpathHead::init_for(
                head.get(),
                Template::<T>::table(),
                policy.get(),
                module,
                disk_groups,
            )?
        };
        // INVARIANT: Set up just now, with no path.
        Ok(Self {
            head,
            _policy: policy,
            _groups: groups,
            _t: core::marker::PhantomData,
        })
    }

    /// Adds `path` at the end of the path list, on NUMA node `node`; the
    /// head keeps it until it is deleted. It is not chosen before its
    /// access state is set.
    pub fn add_path(&self, path: Arc<T::Path>, node: Option<NodeId>) -> Result {
        let disk = T::path_disk(&path).disk_raw();
        let node = node.map_or(bindings::NUMA_NO_NODE, NodeId::as_raw);
        // SAFETY: The head keeps `path`, in which the device is embedded,
        // until `delete_path` (the reference leaked below), and the path's
        // disk lives as long as the path (`path_disk`'s contract). The head
        // was set up with `Template::<T>` and `path` is a `T::Path`.
        unsafe { self.add_device(path.mpath_device(), disk, node, core::ptr::null_mut())? };
        // INVARIANT: The reference is the head's now.
        let _ = Arc::into_raw(path);
        Ok(())
    }

    /// Deletes `path` from the head and drops the head's reference to it;
    /// returns whether the head has no path left. `EINVAL` if `path` is
    /// not on this head.
    pub fn delete_path(&self, path: &T::Path) -> Result<bool> {
        let empty = self.delete_device(path.mpath_device())?;
        // SAFETY: `path` was on this head, so `add_path` leaked a reference
        // of the `Arc` it lives in; `delete_device` waited for every reader,
        // so the head's reference is no longer used.
        drop(unsafe { Arc::from_raw(core::ptr::from_ref(path)) });
        Ok(empty)
    }
}

/// The attribute groups of a head disk with a driver group: the library's
/// group of path links, the driver's, and the NULL that ends them.
struct DiskGroups([*const bindings::attribute_group; 3]);

impl<T: MpathHeadTemplate> Deref for OwnedHead<T> {
    type Target = MpathHead;

    fn deref(&self) -> &MpathHead {
        // SAFETY: By the type invariant the head is set up until drop.
        unsafe { MpathHead::from_raw(self.head.get()) }
    }
}

impl<T: MpathHeadTemplate> Drop for OwnedHead<T> {
    fn drop(&mut self) {
        self.remove_disk();
        loop {
            // One path at a time: deleting waits for readers, which must not
            // happen inside a read-side section.
            let next = {
                let srcu = self.srcu().read_lock();
                self.path_set(&srcu).paths().next().map(core::ptr::from_ref)
            };
            let Some(dev) = next else {
                break;
            };
            // SAFETY: Paths are only deleted by `self`, which is here: the
            // path is still on the head and kept alive by it; by the type
            // invariant it is the device of a `T::Path` from `add_path`.
            let path = unsafe { T::Path::from_mpath_device(&*dev) };
            if self.delete_path(path).is_err() {
                break;
            }
        }
        self.put_disk();
        // SAFETY: No path is left and nothing else uses the head; the
        // policy storage is dropped after this.
        unsafe { MpathHead::uninit(self.head.get()) };
    }
}
