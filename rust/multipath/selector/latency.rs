// SPDX-License-Identifier: GPL-2.0

//! The latency policy: round-robin over the optimized paths, where a path
//! keeps its turn for as many I/Os as its weight.
//!
//! Weights follow the paths' measured latencies (see [`crate::latency`]),
//! so a path twice as fast takes twice the I/Os. The turn is the head's,
//! not a node's: every node uses the cursor of node 0, so that the shares
//! hold whichever CPUs submit (with a cursor per node, nodes on different
//! paths would restart each other's turns). A selection that stays on the
//! current path costs a state check and a credit; moving on costs what a
//! round-robin step costs. Non-optimized paths, the fallback when no
//! optimized path is usable, are used in turn as round-robin uses them.

use crate::path::{
    AccessState,
    PathInfo,
    PathSet, //
};
use kernel::numa::NodeId;

/// Chooses the path for an I/O issued on any node: the head's current path
/// while its turn lasts, else the next one round-robin chooses, with a new
/// turn.
pub(super) fn select<'a, S: PathSet<'a>>(set: &S, node: NodeId) -> Option<&'a S::Path> {
    // Node 0 always exists; `node` is only the fallback of the type.
    let node = NodeId::new(0).unwrap_or(node);
    if let Some(current) = set.cached(node) {
        // The state is a load; `is_disabled` may be a call into the driver.
        if current.access_state() == AccessState::Optimized
            && !current.is_disabled()
            && current.take_credit()
        {
            return Some(current);
        }
    }
    let next = super::round_robin::select(set, node)?;
    next.refill_credit();
    Some(next)
}
