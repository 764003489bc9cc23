// SPDX-License-Identifier: GPL-2.0

//! What path selection knows about a path, and where it finds the paths.
//!
//! # Examples
//!
//! ```
//! # use multipath::AccessState;
//! # let (head, paths) =
//! #     multipath::doc_support::two_path_head(c"mpdoc_path", multipath::IoPolicy::Numa)?;
//! use multipath::{PathInfo, PathSet};
//!
//! // What the policies see of a head's paths, under its SRCU.
//! let srcu = head.srcu().read_lock();
//! let set = head.path_set(&srcu);
//! assert!(set
//!     .paths()
//!     .all(|p| p.access_state() == AccessState::Optimized && p.is_optimized()));
//! assert!(set.paths().all(|p| !p.is_disabled() && p.queue_depth() == 0));
//! assert!(set.paths().all(|p| p.numa_node().is_none()));
//! # Ok::<(), Error>(())
//! ```

use kernel::numa::NodeId;

/// How a path reaches the shared namespace or logical unit (C's `enum
/// mpath_access_state`). Only the first two are ever chosen for I/O.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessState {
    /// Active and preferred (NVMe ANA optimized, ALUA active/optimized).
    Optimized,
    /// Active but slower (NVMe ANA non-optimized, ALUA active/non-optimized).
    NonOptimized,
    /// Anything else: inaccessible, standby, transitioning, lost.
    Other,
}

/// The facts about one path that the I/O policies use.
pub trait PathInfo {
    /// Whether the path cannot take I/O now, whatever its access state
    /// (for NVMe: controller not live, ANA update pending, namespace not
    /// ready).
    fn is_disabled(&self) -> bool;

    /// The path's access state.
    fn access_state(&self) -> AccessState;

    /// Whether the driver considers the path optimized (for NVMe: live
    /// controller and ANA optimized). The NUMA policy keeps using a cached
    /// path only while this holds.
    fn is_optimized(&self) -> bool;

    /// The NUMA node the path's device sits on, if known.
    fn numa_node(&self) -> Option<NodeId>;

    /// The number of requests in flight on the path's queue, for the
    /// queue-depth policy.
    fn queue_depth(&self) -> u32;

    /// Takes one I/O of the path's current turn under the latency policy;
    /// false when the turn is used up. By default there are no turns, and
    /// the latency policy is round-robin.
    fn take_credit(&self) -> bool {
        false
    }

    /// Starts a new turn of the path under the latency policy, of as many
    /// I/Os as its weight, this one included.
    fn refill_credit(&self) {}
}

/// The paths of one head as the I/O policies see them during one
/// selection: the list in insertion order and the per-node cache of the
/// path last chosen.
///
/// For a head, this is implemented under its SRCU read lock, so every path
/// returned lives for `'a`.
pub trait PathSet<'a> {
    /// The type of a path.
    type Path: PathInfo + 'a;

    /// The iterator over the paths.
    type Iter: Iterator<Item = &'a Self::Path>;

    /// Returns the paths in list (insertion) order.
    fn paths(&self) -> Self::Iter;

    /// Returns the paths after `path` in list order, up to the end of the
    /// list, or `None` when `path` has left the list. `path` is one that
    /// [`PathSet::paths`] or [`PathSet::cached`] returned.
    fn paths_after(&self, path: &'a Self::Path) -> Option<Self::Iter>;

    /// Returns the path cached for `node`.
    fn cached(&self, node: NodeId) -> Option<&'a Self::Path>;

    /// Caches `path` for `node`.
    fn set_cached(&self, node: NodeId, path: &'a Self::Path);
}

/// Returns whether `a` and `b` are the same path.
pub(crate) fn same<P>(a: &P, b: &P) -> bool {
    core::ptr::eq(a, b)
}
