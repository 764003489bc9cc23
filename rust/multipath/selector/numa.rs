// SPDX-License-Identifier: GPL-2.0

//! The NUMA policy: the closest optimized path, cached per node.

use crate::{
    path::{
        PathInfo,
        PathSet, //
    },
    IoPolicy,
};
use kernel::numa::NodeId;

/// Keeps using the path cached for `node` while the driver says it is
/// optimized; otherwise finds the closest one again. With only
/// non-optimized paths, every I/O searches again (as in C).
pub(super) fn select<'a, S: PathSet<'a>>(set: &S, node: NodeId) -> Option<&'a S::Path> {
    match set.cached(node) {
        Some(path) if path.is_optimized() => Some(path),
        _ => super::find_path(set, node, IoPolicy::Numa),
    }
}
