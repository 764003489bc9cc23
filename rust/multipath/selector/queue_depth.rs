// SPDX-License-Identifier: GPL-2.0

//! The queue-depth policy: the usable path with the fewest requests in
//! flight, preferring optimized paths.
//!
//! Up to [`WINDOW`] paths, every selection compares all of them, in list
//! order, and never touches the cache. With more, a selection walks the
//! list round from the node's cursor (the path it chose last, kept in the
//! node's cache) and compares the next [`WINDOW`] usable optimized paths
//! only, or stops at an idle one; the choice becomes the cursor. Its cost
//! then does not grow with the number of paths, and every optimized path
//! is looked at within a few selections. Only when no optimized path is
//! usable is the whole list scanned, for the least busy non-optimized one.

use crate::path::{
    same,
    AccessState,
    PathInfo,
    PathSet, //
};
use core::iter::once;
use kernel::numa::NodeId;

/// The number of optimized paths one selection compares on a head with
/// more paths than this.
pub(crate) const WINDOW: usize = 4;

/// Chooses the least busy usable path for an I/O issued on `node`.
pub(super) fn select<'a, S: PathSet<'a>>(set: &S, node: NodeId) -> Option<&'a S::Path> {
    if set.paths().nth(WINDOW).is_none() {
        return least_busy(set.paths());
    }
    // Round the list from the path after the cursor to the cursor itself;
    // from the head if there is no cursor or it has left the list.
    let cursor = set.cached(node);
    let found = match cursor.and_then(|c| Some((c, set.paths_after(c)?))) {
        Some((cursor, after)) => {
            let before = set.paths().take_while(|p| !same(*p, cursor));
            least_busy_optimized(after.chain(before).chain(once(cursor)))
        }
        None => least_busy_optimized(set.paths()),
    };
    let found = found.or_else(|| least_busy(set.paths()))?;
    set.set_cached(node, found);
    Some(found)
}

/// The least busy of the first [`WINDOW`] usable optimized paths of
/// `paths`, or the first idle one among them.
fn least_busy_optimized<'a, P: PathInfo + 'a>(paths: impl Iterator<Item = &'a P>) -> Option<&'a P> {
    let mut best: Option<(&'a P, u32)> = None;
    let mut compared = 0;
    for path in paths {
        if path.access_state() != AccessState::Optimized || path.is_disabled() {
            continue;
        }
        let depth = path.queue_depth();
        if depth == 0 {
            return Some(path);
        }
        if best.is_none_or(|(_, d)| depth < d) {
            best = Some((path, depth));
        }
        compared += 1;
        if compared == WINDOW {
            break;
        }
    }
    best.map(|(path, _)| path)
}

/// Scans `paths` in order for the least busy optimized and non-optimized
/// paths; an idle optimized path ends the scan at once.
fn least_busy<'a, P: PathInfo + 'a>(paths: impl Iterator<Item = &'a P>) -> Option<&'a P> {
    let mut best_opt: Option<(&'a P, u32)> = None;
    let mut best_nonopt: Option<(&'a P, u32)> = None;

    for path in paths {
        // The state is a load; `is_disabled` may be a call into the driver,
        // so it is only asked about paths the state leaves in the race.
        let best = match path.access_state() {
            AccessState::Optimized => &mut best_opt,
            AccessState::NonOptimized => &mut best_nonopt,
            AccessState::Other => continue,
        };
        if path.is_disabled() {
            continue;
        }
        let depth = path.queue_depth();
        if best.is_none_or(|(_, d)| depth < d) {
            *best = Some((path, depth));
        }
        if let Some((path, 0)) = best_opt {
            return Some(path);
        }
    }

    best_opt.or(best_nonopt).map(|(path, _)| path)
}
