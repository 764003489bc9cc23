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
/// The walk visits each path at most once, even if the cached path has
/// just left the list (C's walk would not end in that case).
pub(super) fn select<'a, S: PathSet<'a>>(set: &S, node: NodeId) -> Option<&'a S::Path> {
    let Some(old) = set.cached(node) else {
        return super::find_path(set, node, IoPolicy::RoundRobin);
    };

    if set.paths().take(2).count() == 1 {
        // A single path is used whatever its state, unless disabled.
        return (!old.is_disabled()).then_some(old);
    }

    let after_old = set.paths().skip_while(|p| !same(*p, old)).skip(1);
    let before_old = set.paths().take_while(|p| !same(*p, old));
    let mut found = None;
    for path in after_old.chain(before_old) {
        if path.is_disabled() {
            continue;
        }
        match path.access_state() {
            AccessState::Optimized => {
                set.set_cached(node, path);
                return Some(path);
            }
            AccessState::NonOptimized => found = Some(path),
            AccessState::Other => {}
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
