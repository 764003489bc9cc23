// SPDX-License-Identifier: GPL-2.0

//! NUMA topology: the current node, distances between nodes, and the sets
//! of possible and online nodes.
//!
//! C headers: [`include/linux/topology.h`](srctree/include/linux/topology.h),
//! [`include/linux/nodemask.h`](srctree/include/linux/nodemask.h)
//!
//! # Examples
//!
//! ```
//! use kernel::numa::{self, NodeId};
//!
//! let here = NodeId::current();
//! assert!(here.is_online());
//! assert_eq!(here.distance(here), numa::LOCAL_DISTANCE);
//! assert!(numa::online_nodes().any(|node| node == here));
//! assert!(NodeId::new(numa::NUMA_NO_NODE).is_none());
//! ```

use crate::bindings;

/// The node id that C uses for "no node".
pub const NUMA_NO_NODE: i32 = bindings::NUMA_NO_NODE;

/// The distance of a node to itself.
pub const LOCAL_DISTANCE: i32 = bindings::LOCAL_DISTANCE as i32;

/// The number of node ids: every [`NodeId`] is below this.
pub const MAX_NUMNODES: usize = bindings::MAX_NUMNODES as usize;

/// A valid NUMA node id, usable to index a per-node array of
/// [`MAX_NUMNODES`] entries.
///
/// # Invariants
///
/// `0 <= self.0 < MAX_NUMNODES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NodeId(u16);

// `MAX_NUMNODES` is at most `1 << 10`, so every node id fits in a `u16`.
const _: () = assert!(MAX_NUMNODES <= u16::MAX as usize);

impl NodeId {
    /// Returns the node id `id`, or `None` if it is negative (such as
    /// [`NUMA_NO_NODE`]) or not below [`MAX_NUMNODES`].
    #[inline]
    pub fn new(id: i32) -> Option<Self> {
        let id = usize::try_from(id).ok()?;
        if id >= MAX_NUMNODES {
            return None;
        }
        // INVARIANT: Checked just above.
        Some(Self(id as u16))
    }

    /// Returns the node of the CPU the caller runs on.
    ///
    /// Without preemption disabled the caller may migrate right after; the
    /// result is then a hint, which is all a path cache needs.
    #[inline]
    pub fn current() -> Self {
        // SAFETY: `numa_node_id()` only reads per-CPU data.
        let id = unsafe { bindings::numa_node_id() };
        // The C code guarantees a valid node for every CPU.
        Self::new(id).unwrap_or(Self(0))
    }

    /// Returns the id as C's `int`.
    #[inline]
    pub fn as_raw(self) -> i32 {
        i32::from(self.0)
    }

    /// Returns the id as an index into a per-node array.
    #[inline]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Returns the NUMA distance from `self` to `to`, as `node_distance()`
    /// does: [`LOCAL_DISTANCE`] for a node to itself, larger for nodes
    /// further away.
    pub fn distance(self, to: NodeId) -> i32 {
        // SAFETY: By the type invariant both ids are valid node ids, which is
        // all `node_distance()` requires (it handles nodes without a
        // distance table entry itself).
        unsafe { bindings::node_distance(self.as_raw(), to.as_raw()) }
    }

    /// Returns whether the node is online.
    pub fn is_online(self) -> bool {
        // SAFETY: By the type invariant `self` is a valid index into the
        // node masks.
        unsafe { bindings::node_state(self.as_raw(), bindings::node_states_N_ONLINE) }
    }
}

/// An iterator over the nodes of one C `node_states[]` mask, in increasing
/// order.
pub struct Nodes {
    state: bindings::node_states,
    last: i32,
}

impl Iterator for Nodes {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        // SAFETY: `self.state` is one of the `enum node_states` values this
        // module passes, and `next_node()` accepts any start from -1 up.
        let next = unsafe { bindings::next_node_in_state(self.last, self.state) };
        let node = NodeId::new(next)?;
        self.last = next;
        Some(node)
    }
}

/// Returns an iterator over the online nodes.
pub fn online_nodes() -> Nodes {
    Nodes {
        state: bindings::node_states_N_ONLINE,
        last: -1,
    }
}

/// Returns an iterator over the possible nodes.
pub fn possible_nodes() -> Nodes {
    Nodes {
        state: bindings::node_states_N_POSSIBLE,
        last: -1,
    }
}

#[cfg(CONFIG_RUST_NUMA_KUNIT_TEST)]
#[macros::kunit_tests(rust_kernel_numa)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_checked() {
        assert!(NodeId::new(NUMA_NO_NODE).is_none());
        assert!(NodeId::new(-2).is_none());
        assert!(NodeId::new(MAX_NUMNODES as i32).is_none());
        assert_eq!(NodeId::new(0).map(NodeId::index), Some(0));
        let last = MAX_NUMNODES as i32 - 1;
        assert_eq!(NodeId::new(last).map(NodeId::as_raw), Some(last));
    }

    #[test]
    fn current_node_is_online_and_local() {
        let here = NodeId::current();
        assert!(here.is_online());
        assert_eq!(here.distance(here), LOCAL_DISTANCE);
        assert!(online_nodes().any(|node| node == here));
    }

    #[test]
    fn online_nodes_are_possible_sorted_and_symmetric() {
        let mut count = 0;
        let mut previous: Option<NodeId> = None;
        for node in online_nodes() {
            assert!(node.is_online());
            assert!(possible_nodes().any(|p| p == node));
            assert!(previous.is_none_or(|p| p < node));
            previous = Some(node);
            count += 1;
            for other in online_nodes() {
                assert_eq!(node.distance(other), other.distance(node));
                if other != node {
                    assert!(node.distance(other) > LOCAL_DISTANCE);
                }
            }
        }
        assert!(count >= 1);
    }
}
