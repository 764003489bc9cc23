// SPDX-License-Identifier: GPL-2.0

//! The queue-depth policy: the usable path with the fewest requests in
//! flight, preferring optimized paths. It never reads or writes the cache.

use crate::path::{
    AccessState,
    PathInfo,
    PathSet, //
};

/// Scans the list in order for the least busy optimized and non-optimized
/// paths; an idle optimized path ends the scan at once.
pub(super) fn select<'a, S: PathSet<'a>>(set: &S) -> Option<&'a S::Path> {
    let mut best_opt: Option<(&'a S::Path, u32)> = None;
    let mut best_nonopt: Option<(&'a S::Path, u32)> = None;

    for path in set.paths() {
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
