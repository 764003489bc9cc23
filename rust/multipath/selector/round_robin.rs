// SPDX-License-Identifier: GPL-2.0

//! The round-robin policy: the next usable path after the one last used on
//! this node, preferring optimized paths.

use crate::{
    path::{
        same,
        AccessState,
        PathInfo,
        PathSet, //
    },
    IoPolicy,
};
use kernel::numa::NodeId;

/// Walks the list circularly from the path after the cached one back to
/// it: the first usable optimized path wins at once; otherwise the last
/// usable non-optimized path seen is kept. The cached path itself is kept
/// when it is optimized, or when it is non-optimized and nothing else was
/// found.
///
/// The walk starts from the cached path's place in the list, as C's does,
/// and visits each path at most once, even if the cached path has left the
/// list (C's walk would not end in that case; here it covers the list from
/// its head). Only a path removed during the walk itself may let the paths
/// after it be visited twice, which changes nothing but the choice.
pub(super) fn select<'a, S: PathSet<'a>>(set: &S, node: NodeId) -> Option<&'a S::Path> {
    let Some(old) = set.cached(node) else {
        return super::find_path(set, node, IoPolicy::RoundRobin);
    };

    if set.paths().take(2).count() == 1 {
        // A single path is used whatever its state, unless disabled.
        return (!old.is_disabled()).then_some(old);
    }

    // Steps from the cached path: O(1) to start, then as far as the next
    // usable optimized path. If the cached path has left the list, the
    // walk covers the whole list once.
    let after_old = set.paths_after(old).into_iter().flatten();
    let before_old = set.paths().take_while(|p| !same(*p, old));
    let mut found = None;
    for path in after_old.chain(before_old) {
        // The state is a load; `is_disabled` may be a call into the driver.
        match path.access_state() {
            AccessState::Other => {}
            _ if path.is_disabled() => {}
            AccessState::Optimized => {
                set.set_cached(node, path);
                return Some(path);
            }
            AccessState::NonOptimized => found = Some(path),
        }
    }

    if !old.is_disabled() {
        match old.access_state() {
            AccessState::Optimized => return Some(old),
            AccessState::NonOptimized if found.is_none() => return Some(old),
            _ => {}
        }
    }
    let found = found?;
    set.set_cached(node, found);
    Some(found)
}
