// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the I/O policies against the rules of NVMe native
//! multipath: tie-breaks, fallback, per-node cursor and cache.

#[kernel::prelude::kunit_tests(libmultipath_selector)]
mod cases {
    use crate::{
        path::{
            AccessState::{self, NonOptimized, Optimized, Other},
            PathInfo, PathSet,
        },
        selector::find_path,
        IoPolicy,
    };
    use core::cell::Cell;
    use kernel::numa::NodeId;

    /// A path of the test, named by a letter.
    struct Fake {
        name: char,
        state: Cell<AccessState>,
        disabled: Cell<bool>,
        node: Option<NodeId>,
        depth: Cell<u32>,
        weight: Cell<u32>,
        credit: Cell<u32>,
    }

    fn path(name: char, state: AccessState) -> Fake {
        Fake {
            name,
            state: Cell::new(state),
            disabled: Cell::new(false),
            node: None,
            depth: Cell::new(0),
            weight: Cell::new(1),
            credit: Cell::new(0),
        }
    }

    fn with_weight(p: Fake, weight: u32) -> Fake {
        p.weight.set(weight);
        p
    }

    fn on_node(mut p: Fake, node: i32) -> Fake {
        p.node = NodeId::new(node);
        p
    }

    fn with_depth(p: Fake, depth: u32) -> Fake {
        p.depth.set(depth);
        p
    }

    fn disabled(p: Fake) -> Fake {
        p.disabled.set(true);
        p
    }

    impl PathInfo for Fake {
        fn is_disabled(&self) -> bool {
            self.disabled.get()
        }
        fn access_state(&self) -> AccessState {
            self.state.get()
        }
        fn is_optimized(&self) -> bool {
            !self.disabled.get() && self.state.get() == Optimized
        }
        fn numa_node(&self) -> Option<NodeId> {
            self.node
        }
        fn queue_depth(&self) -> u32 {
            self.depth.get()
        }
        fn take_credit(&self) -> bool {
            let left = self.credit.get();
            self.credit.set(left.saturating_sub(1));
            left != 0
        }
        fn refill_credit(&self) {
            self.credit.set(self.weight.get() - 1);
        }
    }

    /// A head's paths in list order, and a cache for two nodes.
    struct Set<'a> {
        paths: &'a [Fake],
        cache: [Cell<Option<&'a Fake>>; 2],
        writes: Cell<u32>,
    }

    impl<'a> Set<'a> {
        fn new(paths: &'a [Fake]) -> Self {
            Self {
                paths,
                cache: [Cell::new(None), Cell::new(None)],
                writes: Cell::new(0),
            }
        }

        fn cached_name(&self, node: NodeId) -> Option<char> {
            self.cached(node).map(|p| p.name)
        }

        /// Runs `n` selections on `node` and returns the names chosen.
        fn run(&self, policy: IoPolicy, node: NodeId, n: usize) -> [char; 8] {
            let mut out = ['-'; 8];
            for slot in out.iter_mut().take(n) {
                *slot = policy.select(self, node).map_or('-', |p| p.name);
            }
            out
        }
    }

    impl<'a> PathSet<'a> for Set<'a> {
        type Path = Fake;
        type Iter = core::slice::Iter<'a, Fake>;

        fn paths(&self) -> Self::Iter {
            self.paths.iter()
        }

        fn paths_after(&self, path: &'a Fake) -> Option<Self::Iter> {
            let at = self.paths.iter().position(|p| core::ptr::eq(p, path))?;
            Some(self.paths[at + 1..].iter())
        }

        fn cached(&self, node: NodeId) -> Option<&'a Fake> {
            self.cache[node.index()].get()
        }

        fn set_cached(&self, node: NodeId, path: &'a Fake) {
            self.cache[node.index()].set(Some(path));
            self.writes.set(self.writes.get() + 1);
        }
    }

    fn node(id: i32) -> NodeId {
        NodeId::new(id).unwrap()
    }

    fn seq(s: &str) -> [char; 8] {
        let mut out = ['-'; 8];
        for (slot, c) in out.iter_mut().zip(s.chars()) {
            *slot = c;
        }
        out
    }

    #[test]
    fn round_robin_alternates_between_optimized_paths() {
        let paths = [
            path('A', Optimized),
            path('B', NonOptimized),
            path('C', Optimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 6), seq("ACACAC"));
    }

    #[test]
    fn round_robin_sticks_to_the_only_optimized_path() {
        let paths = [
            path('A', NonOptimized),
            path('B', Optimized),
            path('C', NonOptimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 4), seq("BBBB"));
    }

    #[test]
    fn round_robin_cycles_non_optimized_paths_backwards() {
        // The last non-optimized path seen in the walk wins: A, C, B, A, ...
        let paths = [
            path('A', NonOptimized),
            path('B', NonOptimized),
            path('C', NonOptimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 7), seq("ACBACBA"));
    }

    #[test]
    fn round_robin_skips_disabled_and_other_paths() {
        let paths = [
            path('A', Optimized),
            disabled(path('B', Optimized)),
            path('C', Other),
            path('D', Optimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 4), seq("ADAD"));
        // Only A left usable: it is kept.
        paths[3].disabled.set(true);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 3), seq("AAA"));
        // Nothing usable.
        paths[0].state.set(Other);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 2), seq("--"));
    }

    #[test]
    fn round_robin_single_path_ignores_state_but_not_disabled() {
        let paths = [path('A', Optimized)];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 1), seq("A"));
        paths[0].state.set(Other);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 2), seq("AA"));
        paths[0].disabled.set(true);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 1), seq("-"));
    }

    #[test]
    fn round_robin_has_a_cursor_per_node() {
        let paths = [path('A', Optimized), path('B', Optimized)];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 3), seq("ABA"));
        // Node 1 starts from its own empty cursor.
        assert_eq!(set.run(IoPolicy::RoundRobin, node(1), 2), seq("AB"));
        assert_eq!(set.cached_name(node(0)), Some('A'));
        assert_eq!(set.cached_name(node(1)), Some('B'));
    }

    #[test]
    fn round_robin_steps_from_the_cached_path_and_wraps() {
        // From B the walk is C, D, A: D is the first optimized one. From D
        // it wraps to A and B: the non-optimized A is passed over for B.
        let paths = [
            path('A', NonOptimized),
            path('B', Optimized),
            path('C', NonOptimized),
            path('D', Optimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 5), seq("BDBDB"));
        // A cursor set by hand in the middle: the walk starts after it.
        set.set_cached(node(0), &paths[2]);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 2), seq("DB"));
        // With D disabled, the walk from B wraps past C and A back to B.
        paths[3].disabled.set(true);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 2), seq("BB"));
        // With B non-optimized as well, the last non-optimized path seen
        // after B wins: the walk from B is C, (D), A.
        paths[1].state.set(NonOptimized);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 4), seq("ACBA"));
    }

    #[test]
    fn round_robin_ends_when_the_cached_path_left_the_list() {
        let paths = [
            path('A', NonOptimized),
            path('B', NonOptimized),
            path('C', Optimized),
        ];
        // C was deleted from the list but is still cached on node 0.
        let set = Set::new(&paths[..2]);
        set.set_cached(node(0), &paths[2]);
        // The walk covers A and B once each; C, still optimized, is kept.
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 1), seq("C"));
        // Once C is unusable, the last non-optimized path seen wins.
        paths[2].state.set(Other);
        assert_eq!(set.run(IoPolicy::RoundRobin, node(0), 3), seq("BAB"));
    }

    #[test]
    fn numa_prefers_the_closest_optimized_path() {
        let paths = [
            on_node(path('A', Optimized), 1),
            on_node(path('B', Optimized), 0),
            on_node(path('C', NonOptimized), 0),
        ];
        let set = Set::new(&paths);
        // Node 1 exists in the distance table only with NUMA emulation; a
        // node without an entry is REMOTE_DISTANCE away, which is the same.
        assert_eq!(set.run(IoPolicy::Numa, node(0), 2), seq("BB"));
        assert_eq!(set.run(IoPolicy::Numa, node(1), 2), seq("AA"));
    }

    #[test]
    fn numa_ties_go_to_the_first_path() {
        let paths = [
            on_node(path('A', Optimized), 0),
            on_node(path('B', Optimized), 0),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 3), seq("AAA"));
        // Without a node, a path counts as local.
        let paths = [path('A', Optimized), on_node(path('B', Optimized), 0)];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 1), seq("A"));
    }

    #[test]
    fn numa_keeps_a_cached_optimized_path() {
        let paths = [
            on_node(path('A', Optimized), 1),
            on_node(path('B', Optimized), 0),
        ];
        let set = Set::new(&paths);
        set.set_cached(node(0), &paths[0]);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 2), seq("AA"));
        // Once A is no longer optimized, the closest one is found again.
        paths[0].state.set(NonOptimized);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 1), seq("B"));
        assert_eq!(set.cached_name(node(0)), Some('B'));
    }

    #[test]
    fn numa_falls_back_to_non_optimized_and_rescans_every_time() {
        let paths = [path('A', NonOptimized), path('B', NonOptimized)];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 3), seq("AAA"));
        assert_eq!(set.writes.get(), 3);
        // So B becoming optimized is seen on the very next I/O.
        paths[1].state.set(Optimized);
        assert_eq!(set.run(IoPolicy::Numa, node(0), 1), seq("B"));
    }

    #[test]
    fn nothing_usable_leaves_the_cache_alone() {
        let paths = [path('A', Other), disabled(path('B', Optimized))];
        let set = Set::new(&paths);
        for policy in IoPolicy::ALL {
            assert_eq!(set.run(policy, node(0), 1), seq("-"));
        }
        assert_eq!(set.writes.get(), 0);
        assert!(set.cached(node(0)).is_none());
    }

    #[test]
    fn only_numa_uses_distances() {
        let paths = [
            on_node(path('A', Optimized), 1),
            on_node(path('B', Optimized), 0),
        ];
        let set = Set::new(&paths);
        let found = find_path(&set, node(0), IoPolicy::RoundRobin).map(|p| p.name);
        assert_eq!(found, Some('A'));
        let found = find_path(&set, node(0), IoPolicy::Numa).map(|p| p.name);
        assert_eq!(found, Some('B'));
    }

    #[test]
    fn queue_depth_picks_the_least_busy_optimized_path() {
        let paths = [
            with_depth(path('A', Optimized), 3),
            with_depth(path('B', Optimized), 1),
            with_depth(path('C', Optimized), 1),
            with_depth(path('D', NonOptimized), 0),
        ];
        let set = Set::new(&paths);
        // B and C tie: the first wins. D is idle but not optimized.
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 2), seq("BB"));
        paths[2].depth.set(0);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("C"));
        // Without optimized paths, the least busy non-optimized one.
        for p in &paths[..3] {
            p.state.set(Other);
        }
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("D"));
        // It never touches the cache.
        assert_eq!(set.writes.get(), 0);
        assert!(set.cached(node(0)).is_none());
    }

    #[test]
    fn queue_depth_skips_disabled_paths() {
        let paths = [
            disabled(with_depth(path('A', Optimized), 0)),
            with_depth(path('B', Optimized), 5),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("B"));
    }

    /// Six optimized paths A..F with the given depths.
    fn six(depths: [u32; 6]) -> [Fake; 6] {
        let names = ['A', 'B', 'C', 'D', 'E', 'F'];
        core::array::from_fn(|i| with_depth(path(names[i], Optimized), depths[i]))
    }

    #[test]
    fn queue_depth_on_many_paths_compares_a_window_after_the_cursor() {
        // No cursor: the first four optimized paths, least busy wins.
        let paths = six([5, 4, 2, 3, 1, 9]);
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("C"));
        assert_eq!(set.cached_name(node(0)), Some('C'));
        // From C: D, E, F, A are compared; E is the least busy.
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("E"));
        // From E: F, A, B, C; C wins, and so on round the list.
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 2), seq("CE"));
        // The other node has a cursor of its own.
        assert_eq!(set.run(IoPolicy::QueueDepth, node(1), 1), seq("C"));
    }

    #[test]
    fn queue_depth_on_many_paths_takes_an_idle_path_at_once() {
        // All idle: each selection takes the next path, round the list.
        let paths = six([0; 6]);
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 8), seq("ABCDEFAB"));
    }

    #[test]
    fn queue_depth_on_many_paths_skips_unusable_and_non_optimized_paths() {
        let paths = six([1, 1, 1, 1, 1, 1]);
        let set = Set::new(&paths);
        paths[1].state.set(NonOptimized);
        paths[2].disabled.set(true);
        paths[3].state.set(Other);
        paths[4].depth.set(0);
        // Neither B (non-optimized, idle) nor C (disabled) nor D (other):
        // the first four usable optimized paths are A, E, F; E is idle.
        paths[1].depth.set(0);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("E"));
        // From E: F, A, then E itself (the cursor is compared last).
        paths[4].depth.set(3);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("F"));
    }

    #[test]
    fn queue_depth_on_many_paths_falls_back_to_the_least_busy_non_optimized() {
        let paths = six([4, 2, 3, 2, 6, 7]);
        let set = Set::new(&paths);
        for p in &paths {
            p.state.set(NonOptimized);
        }
        // No optimized path: the whole list, first among equals (B, D).
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 2), seq("BB"));
        // An optimized path anywhere beats them, however busy.
        paths[5].state.set(Optimized);
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("F"));
        // Nothing usable: none, and the cursor stays.
        for p in &paths {
            p.disabled.set(true);
        }
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("-"));
        assert_eq!(set.cached_name(node(0)), Some('F'));
    }

    #[test]
    fn queue_depth_on_many_paths_starts_over_when_the_cursor_left() {
        let paths = six([3, 3, 3, 3, 3, 3]);
        let set = Set::new(&paths[..5]);
        // A cursor that is not on the list (removed): from the head.
        set.cache[0].set(Some(&paths[5]));
        assert_eq!(set.run(IoPolicy::QueueDepth, node(0), 1), seq("A"));
    }

    #[test]
    fn latency_with_weights_of_one_is_round_robin() {
        let paths = [
            path('A', Optimized),
            path('B', NonOptimized),
            path('C', Optimized),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 6), seq("ACACAC"));
    }

    #[test]
    fn latency_keeps_a_path_for_its_weight() {
        let paths = [
            with_weight(path('A', Optimized), 3),
            with_weight(path('B', Optimized), 1),
            with_weight(path('C', Optimized), 2),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 8), seq("AAABCCAA"));
    }

    #[test]
    fn latency_shares_follow_the_weights() {
        // Weights 64 and 16, as for a path four times slower: 4/5 of the
        // I/O goes to the fast path, exactly, over whole turns.
        let paths = [
            with_weight(path('F', Optimized), 64),
            with_weight(path('S', Optimized), 16),
        ];
        let set = Set::new(&paths);
        let mut fast = 0;
        for _ in 0..800 {
            if IoPolicy::Latency.select(&set, node(0)).map(|p| p.name) == Some('F') {
                fast += 1;
            }
        }
        assert_eq!(fast, 640);
    }

    #[test]
    fn latency_leaves_a_path_that_becomes_unusable_mid_turn() {
        let paths = [
            with_weight(path('A', Optimized), 8),
            with_weight(path('B', Optimized), 8),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 2), seq("AA"));
        paths[0].disabled.set(true);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 3), seq("BBB"));
        // A non-optimized current path has no turn: B, now non-optimized,
        // is left for the optimized A at once, credit or not.
        paths[0].disabled.set(false);
        paths[1].state.set(NonOptimized);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 2), seq("AA"));
    }

    #[test]
    fn latency_falls_back_to_non_optimized_paths_in_turn() {
        // Turns are for optimized paths; the fallback is round-robin's.
        let paths = [
            with_weight(path('A', NonOptimized), 8),
            with_weight(path('B', NonOptimized), 8),
            with_weight(path('C', NonOptimized), 8),
        ];
        let set = Set::new(&paths);
        assert_eq!(set.run(IoPolicy::Latency, node(0), 7), seq("ACBACBA"));
    }

    #[test]
    fn latency_has_one_turn_for_all_nodes() {
        let paths = [
            with_weight(path('A', Optimized), 3),
            with_weight(path('B', Optimized), 1),
        ];
        let set = Set::new(&paths);
        // Nodes 0 and 1 take turns submitting: the shares are those of
        // one submitter, 3 to 1.
        let mut out = ['-'; 8];
        for (i, slot) in out.iter_mut().enumerate() {
            let on = node((i % 2) as i32);
            *slot = IoPolicy::Latency.select(&set, on).map_or('-', |p| p.name);
        }
        assert_eq!(out, seq("AAABAAAB"));
        // The cursor is node 0's.
        assert_eq!(set.cached_name(node(0)), Some('B'));
        assert_eq!(set.cached_name(node(1)), None);
    }
}
