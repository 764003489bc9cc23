// SPDX-License-Identifier: GPL-2.0

//! Path selection: the NUMA, round-robin, queue-depth and latency policies.
//!
//! The rules are those of NVMe native multipath in Linux 7.3, tie for tie:
//! every comparison is a strict `<`, so among equals the path added first
//! wins; optimized paths are preferred and non-optimized ones are the
//! fallback; disabled paths and paths in any other state are never chosen.
//! One difference: on a head of more than four paths, queue-depth compares
//! a few optimized paths after the last one it chose rather than every
//! path, so that its cost does not grow with the number of paths.
//!
//! # Examples
//!
//! ```
//! use core::cell::Cell;
//! use kernel::numa::NodeId;
//! use multipath::{AccessState, IoPolicy, PathInfo, PathSet};
//!
//! /// A path as the policies see it.
//! struct P(AccessState, u32);
//!
//! impl PathInfo for P {
//!     fn is_disabled(&self) -> bool {
//!         false
//!     }
//!     fn access_state(&self) -> AccessState {
//!         self.0
//!     }
//!     fn is_optimized(&self) -> bool {
//!         self.0 == AccessState::Optimized
//!     }
//!     fn numa_node(&self) -> Option<NodeId> {
//!         None
//!     }
//!     fn queue_depth(&self) -> u32 {
//!         self.1
//!     }
//! }
//!
//! /// The paths in list order, and one cached path for every node.
//! struct Set<'a>(&'a [P], Cell<Option<&'a P>>);
//!
//! impl<'a> PathSet<'a> for Set<'a> {
//!     type Path = P;
//!     type Iter = core::slice::Iter<'a, P>;
//!
//!     fn paths(&self) -> Self::Iter {
//!         self.0.iter()
//!     }
//!     fn paths_after(&self, path: &'a P) -> Option<Self::Iter> {
//!         let at = self.0.iter().position(|p| core::ptr::eq(p, path))?;
//!         Some(self.0[at + 1..].iter())
//!     }
//!     fn cached(&self, _node: NodeId) -> Option<&'a P> {
//!         self.1.get()
//!     }
//!     fn set_cached(&self, _node: NodeId, path: &'a P) {
//!         self.1.set(Some(path));
//!     }
//! }
//!
//! let paths = [
//!     P(AccessState::NonOptimized, 0),
//!     P(AccessState::Optimized, 5),
//!     P(AccessState::Optimized, 1),
//!     P(AccessState::Other, 0),
//! ];
//! let node = NodeId::new(0).ok_or(EINVAL)?;
//! let pick = |policy: IoPolicy, set: &Set<'_>| {
//!     let p = policy.select(set, node);
//!     p.map(|p| paths.iter().position(|q| core::ptr::eq(p, q)))
//! };
//!
//! // NUMA: the closest optimized path, the first one among equals.
//! assert_eq!(pick(IoPolicy::Numa, &Set(&paths, Cell::new(None))), Some(Some(1)));
//! // Queue depth: the optimized path with the fewest requests in flight.
//! assert_eq!(pick(IoPolicy::QueueDepth, &Set(&paths, Cell::new(None))), Some(Some(2)));
//! // Round-robin: the optimized paths in turn.
//! let set = Set(&paths, Cell::new(None));
//! let (a, b) = (pick(IoPolicy::RoundRobin, &set), pick(IoPolicy::RoundRobin, &set));
//! assert!(a != b && a.is_some() && b.is_some());
//! // The non-optimized path is the fallback; a path in another state never
//! // takes I/O.
//! let fallback = Set(&paths[..1], Cell::new(None));
//! assert_eq!(pick(IoPolicy::RoundRobin, &fallback), Some(Some(0)));
//! assert!(IoPolicy::Numa.select(&Set(&paths[3..], Cell::new(None)), node).is_none());
//! # Ok::<(), Error>(())
//! ```

#[cfg(CONFIG_LIBMULTIPATH_BENCH)]
mod bench;
mod latency;
mod numa;
mod queue_depth;
mod round_robin;
#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
mod tests;

use crate::{
    path::{
        AccessState,
        PathInfo,
        PathSet, //
    },
    IoPolicy,
};
use kernel::numa::{
    NodeId,
    LOCAL_DISTANCE, //
};

impl IoPolicy {
    /// Chooses the path for one I/O issued on `node`, or `None` when no
    /// path is usable.
    pub fn select<'a, S: PathSet<'a>>(self, set: &S, node: NodeId) -> Option<&'a S::Path> {
        match self {
            IoPolicy::Numa => numa::select(set, node),
            IoPolicy::RoundRobin => round_robin::select(set, node),
            IoPolicy::QueueDepth => queue_depth::select(set, node),
            IoPolicy::Latency => latency::select(set, node),
        }
    }
}

/// Finds the best path for `node` from scratch and caches it (C's
/// `__mpath_find_path`).
///
/// The closest usable optimized path wins, else the closest non-optimized
/// one. Distances are NUMA distances under the NUMA policy, and all equal
/// under the others. The cache for `node` is only written when a path is
/// found.
pub fn find_path<'a, S: PathSet<'a>>(
    set: &S,
    node: NodeId,
    policy: IoPolicy,
) -> Option<&'a S::Path> {
    let mut found: Option<(&'a S::Path, i32)> = None;
    let mut fallback: Option<(&'a S::Path, i32)> = None;

    for path in set.paths() {
        // The state is a load; `is_disabled` may be a call into the driver.
        let best = match path.access_state() {
            AccessState::Optimized => &mut found,
            AccessState::NonOptimized => &mut fallback,
            AccessState::Other => continue,
        };
        if path.is_disabled() {
            continue;
        }
        let distance = match path.numa_node() {
            Some(path_node) if policy == IoPolicy::Numa => node.distance(path_node),
            _ => LOCAL_DISTANCE,
        };
        if best.is_none_or(|(_, d)| distance < d) {
            *best = Some((path, distance));
        }
    }

    let (path, _) = found.or(fallback)?;
    set.set_cached(node, path);
    Some(path)
}
