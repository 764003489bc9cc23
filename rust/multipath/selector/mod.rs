// SPDX-License-Identifier: GPL-2.0

//! Path selection: the NUMA, round-robin and queue-depth policies.
//!
//! The rules are those of NVMe native multipath in Linux 7.3, tie for tie:
//! every comparison is a strict `<`, so among equals the path added first
//! wins; optimized paths are preferred and non-optimized ones are the
//! fallback; disabled paths and paths in any other state are never chosen.

#[cfg(CONFIG_LIBMULTIPATH_BENCH)]
mod bench;
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
            IoPolicy::QueueDepth => queue_depth::select(set),
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
