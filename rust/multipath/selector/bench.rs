// SPDX-License-Identifier: GPL-2.0

//! Selector microbenchmark: nanoseconds per path selection on a real head
//! (SRCU read-side section, path list, per-node cache, the driver's
//! `is_disabled` callback) for each policy with 1, 2, 4, 16 and 64 paths,
//! measured in the same run as the same loop over an empty selector (the
//! first path on the list), so that the cost of each policy itself shows.
//!
//! Every path is optimized, enabled and has one request in flight, so the
//! queue-depth policy scans the whole list (its worst case), round-robin
//! moves to the next path on every selection, and NUMA keeps its cached
//! path (its common case). No latency is sampled, so every path has the
//! full weight: latency moves on once every 64 selections.
//!
//! Built only with `CONFIG_LIBMULTIPATH_BENCH` (the bench kernel of `make
//! bench`) and run in a boot of its own with
//! `kunit.filter_glob=libmultipath_bench`. It prints one line per point,
//! `MPATH-BENCH-SELECT selector=<name> paths=<n> ns=<ns per selection>`,
//! the median of several timed runs, and checks nothing about time.

#[kernel::prelude::kunit_tests(libmultipath_bench)]
mod cases {
    use crate::{
        AccessState,
        IoPolicy,
        MpathDevice,
        MpathHead,
        PathSet, //
    };
    use core::hint::black_box;
    use kernel::{
        bindings,
        prelude::*,
        sync::atomic::{
            Atomic,
            Relaxed, //
        },
        time::{
            Instant,
            Monotonic, //
        },
        types::Opaque,
    };

    /// The path counts measured.
    const PATHS: [usize; 5] = [1, 2, 4, 16, 64];
    /// Selections per timed run.
    const SELECTIONS: i64 = 50_000;
    /// Timed runs per point; the median is reported.
    const RUNS: usize = 5;

    /// A path: what the selectors read of it.
    struct BenchPath {
        mdev: MpathDevice,
        disabled: Atomic<u32>,
        nr_active: Opaque<bindings::atomic_t>,
    }

    /// The driver's `is_disabled`, which every policy calls for each path
    /// it looks at (NVMe's reads its controller's state likewise).
    ///
    /// # Safety
    ///
    /// `dev` is the `mdev` of a live [`BenchPath`].
    unsafe extern "C" fn is_disabled(dev: *mut bindings::mpath_device) -> bool {
        // `MpathDevice` is a transparent wrapper of the C struct.
        let dev = dev.cast::<MpathDevice>();
        // SAFETY: By the safety requirements `dev` is the `mdev` field of a
        // live `BenchPath`.
        let path = unsafe { &*kernel::container_of!(dev, BenchPath, mdev) };
        path.disabled.load(Relaxed) != 0
    }

    /// The bench driver's template: only `is_disabled`.
    static TEMPLATE: bindings::mpath_head_template = bindings::mpath_head_template {
        is_disabled: Some(is_disabled),
        // SAFETY: Every other field is an optional callback, for which all
        // zeroes is `None`.
        ..unsafe { core::mem::zeroed() }
    };

    /// A head without a disk and its paths.
    struct Rig {
        head: KBox<Opaque<bindings::mpath_head>>,
        _policy: KBox<Opaque<c_int>>,
        paths: KVec<KBox<BenchPath>>,
    }

    impl Rig {
        fn new(count: usize) -> Result<Self> {
            let mut paths = KVec::with_capacity(count, GFP_KERNEL)?;
            for _ in 0..count {
                let path = BenchPath {
                    mdev: MpathDevice::new(),
                    disabled: Atomic::new(0),
                    nr_active: Opaque::new(bindings::atomic_t { counter: 1 }),
                };
                paths.push(KBox::new(path, GFP_KERNEL)?, GFP_KERNEL)?;
            }
            let head = KBox::new(Opaque::uninit(), GFP_KERNEL)?;
            let policy = KBox::new(Opaque::new(IoPolicy::Numa as c_int), GFP_KERNEL)?;
            // SAFETY: The head memory is ours; the template is static and the
            // policy lives in the rig, which outlives the head.
            unsafe { MpathHead::init(head.get(), &TEMPLATE, policy.get())? };
            let rig = Self {
                head,
                _policy: policy,
                paths,
            };
            let head = rig.head();
            for (i, path) in rig.paths.iter().enumerate() {
                // Spread over the two nodes of the bench guest.
                let node = (i % 2) as i32;
                // SAFETY: The path and its counter live in the rig until
                // `drop` deletes the path. No disk: selection never uses it.
                unsafe {
                    head.add_device(
                        &path.mdev,
                        core::ptr::null_mut(),
                        node,
                        path.nr_active.get(),
                    )?
                };
                path.mdev.set_access_state(AccessState::Optimized);
            }
            Ok(rig)
        }

        fn head(&self) -> &MpathHead {
            // SAFETY: Set up in `new`, torn down in `drop`.
            unsafe { MpathHead::from_raw(self.head.get()) }
        }
    }

    impl Drop for Rig {
        fn drop(&mut self) {
            let head = self.head();
            for path in self.paths.iter() {
                let _ = head.delete_device(&path.mdev);
            }
            // SAFETY: No path is left and nothing uses the head any more.
            unsafe { MpathHead::uninit(self.head.get()) };
        }
    }

    /// One way of choosing a path.
    #[derive(Clone, Copy)]
    enum Selector {
        /// The first path on the list: the loop's own cost.
        Empty,
        /// The head's policy, as `submit_bio` calls it.
        Policy(IoPolicy),
    }

    impl Selector {
        const ALL: [Selector; 5] = [
            Selector::Empty,
            Selector::Policy(IoPolicy::Numa),
            Selector::Policy(IoPolicy::RoundRobin),
            Selector::Policy(IoPolicy::QueueDepth),
            Selector::Policy(IoPolicy::Latency),
        ];

        fn name(self) -> &'static str {
            match self {
                Selector::Empty => "empty",
                Selector::Policy(policy) => policy.name(),
            }
        }
    }

    /// Runs `SELECTIONS` selections on `rig`, each in its own SRCU
    /// read-side section as in `submit_bio`; returns the nanoseconds taken
    /// and whether every selection found a path.
    fn timed_run(rig: &Rig, selector: Selector) -> (i64, bool) {
        let head = rig.head();
        if let Selector::Policy(policy) = selector {
            head.set_iopolicy(policy);
        }
        let mut found = true;
        let start = Instant::<Monotonic>::now();
        for _ in 0..SELECTIONS {
            let guard = head.srcu().read_lock();
            let chosen = match selector {
                Selector::Empty => head.path_set(&guard).paths().next(),
                Selector::Policy(_) => head.find_path(&guard),
            };
            found &= black_box(chosen.map(MpathDevice::as_raw)).is_some();
        }
        (start.elapsed().as_nanos(), found)
    }

    #[test]
    fn selection_cost() -> Result {
        for count in PATHS {
            let rig = Rig::new(count)?;
            let mut times = [[0i64; Selector::ALL.len()]; RUNS];
            // Warm up, then alternate the selectors run by run so that any
            // drift touches them all alike.
            for selector in Selector::ALL {
                assert!(timed_run(&rig, selector).1);
            }
            for run in times.iter_mut() {
                for (slot, selector) in run.iter_mut().zip(Selector::ALL) {
                    let (ns, found) = timed_run(&rig, selector);
                    assert!(found);
                    *slot = ns;
                }
            }
            for (i, selector) in Selector::ALL.into_iter().enumerate() {
                let mut runs: [i64; RUNS] = core::array::from_fn(|run| times[run][i]);
                runs.sort_unstable();
                let centi = runs[RUNS / 2] * 100 / SELECTIONS;
                pr_info!(
                    "MPATH-BENCH-SELECT selector={} paths={} ns={}.{:02}\n",
                    selector.name(),
                    count,
                    centi / 100,
                    centi % 100
                );
            }
        }
        Ok(())
    }
}
