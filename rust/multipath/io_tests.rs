// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of I/O through a head disk: two memory-backed path disks on
//! one store, real bios through the block layer, data checked.

#[kernel::prelude::kunit_tests(libmultipath_io)]
mod cases {
    use crate::{
        AccessState,
        HeadFlag,
        MpathDevice,
        MpathHead,
        MpathHeadTemplate,
        OwnedHead,
        Template, //
    };
    use kernel::{
        bindings,
        block::{
            bio_disk::GenDisk,
            mem_disk::{self, MemDisk, Store},
            BlockDevice,
        },
        prelude::*,
        sync::{
            atomic::{Atomic, Relaxed},
            Arc, Completion,
        },
        time::{delay::fsleep, Delta},
        types::Opaque,
        workqueue::{self, impl_has_work, new_work, Work, WorkItem},
    };

    /// A path as a Rust driver would embed it.
    struct TestPath {
        mdev: MpathDevice,
        disabled: Atomic<u32>,
        available: Atomic<u32>,
        disk: GenDisk<MemDisk>,
    }
    crate::impl_has_mpath_device!(TestPath, mdev);

    /// The driver's template.
    struct TestDriver;

    #[vtable]
    impl MpathHeadTemplate for TestDriver {
        type Path = TestPath;

        fn path_disk(path: &TestPath) -> &BlockDevice {
            path.disk.part0()
        }

        fn is_disabled(path: &TestPath) -> bool {
            path.disabled.load(Relaxed) != 0
        }

        fn available_path(path: &TestPath) -> bool {
            path.available.load(Relaxed) != 0
        }

        fn remove_head(head: &MpathHead) {
            REMOVED.fetch_add(1, Relaxed);
            head.remove_disk();
        }
    }

    /// How many heads the delayed removal removed.
    static REMOVED: Atomic<u32> = Atomic::new(0);

    struct Rig {
        head: KBox<Opaque<bindings::mpath_head>>,
        policy: KBox<Opaque<c_int>>,
        paths: KVec<KBox<TestPath>>,
    }

    // SAFETY: The rig is only shared with a work item that uses the head
    // and the paths' atomics, which are thread-safe.
    unsafe impl Send for Rig {}
    // SAFETY: See above.
    unsafe impl Sync for Rig {}

    impl Rig {
        fn new(name: &CStr, policy: c_int) -> Result<Self> {
            let store = Store::new(512)?;
            let mut paths = KVec::new();
            for i in 0..2 {
                let disk = mem_disk::build_on(fmt!("{}p{i}", name.to_str()?), store.clone(), None)?;
                let path = TestPath {
                    mdev: MpathDevice::new(),
                    disabled: Atomic::new(0),
                    available: Atomic::new(1),
                    disk,
                };
                paths.push(KBox::new(path, GFP_KERNEL)?, GFP_KERNEL)?;
            }
            let rig = Self {
                head: KBox::new(Opaque::uninit(), GFP_KERNEL)?,
                policy: KBox::new(Opaque::new(policy), GFP_KERNEL)?,
                paths,
            };
            // SAFETY: The head memory is ours; the template is static and
            // the policy lives in the rig, which outlives the head.
            unsafe {
                MpathHead::init(
                    rig.head.get(),
                    Template::<TestDriver>::table(),
                    rig.policy.get(),
                )?
            };
            let head = rig.head();
            head.alloc_disk(None, -1, name)?;
            head.set_capacity(512)?;
            for path in rig.paths.iter() {
                // SAFETY: The path (a `TestPath`) and its disk live in the
                // rig until `drop` deletes the path.
                unsafe {
                    head.add_device(&path.mdev, path.disk.as_raw(), -1, core::ptr::null_mut())?
                };
                path.mdev.set_access_state(AccessState::Optimized);
                head.set_live(&path.mdev)?;
            }
            Ok(rig)
        }

        fn head(&self) -> &MpathHead {
            // SAFETY: Set up in `new`, torn down in `drop`.
            unsafe { MpathHead::from_raw(self.head.get()) }
        }

        fn bios(&self, i: usize) -> u32 {
            self.paths[i].disk.data().bios()
        }

        fn set_usable(&self, i: usize, usable: bool) {
            self.paths[i].disabled.store(u32::from(!usable), Relaxed);
            self.head().clear_paths();
        }

        fn round_trips(&self, count: u64) -> Result<bool> {
            for i in 0..count {
                if !mem_disk::round_trip(self.head().disk_devt(), 8 * i, 1, i as u8)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }

    impl Drop for Rig {
        fn drop(&mut self) {
            let head = self.head();
            for path in self.paths.iter() {
                let _ = head.delete_device(&path.mdev);
            }
            head.put_disk();
            // SAFETY: No path is left and nothing uses the head any more.
            unsafe { MpathHead::uninit(self.head.get()) };
        }
    }

    /// Once a bio waits for a path, makes path 1 usable, or removes the head
    /// disk.
    #[pin_data]
    struct Later {
        rig: *const Rig,
        action: Action,
        #[pin]
        done: Completion,
        #[pin]
        work: Work<Later>,
    }

    /// Waits for its [`Later`] to have run when dropped, so that the rig it
    /// uses outlives it whatever the test does.
    struct LaterHandle(Arc<Later>);

    impl Drop for LaterHandle {
        fn drop(&mut self) {
            self.0.done.wait_for_completion();
        }
    }

    // SAFETY: `rig` is only used while the test waits for the I/O that the
    // work unblocks, so the rig outlives it; `Rig` is `Sync`.
    unsafe impl Send for Later {}
    // SAFETY: See above.
    unsafe impl Sync for Later {}

    impl_has_work! {
        impl HasWork<Self> for Later { self.work }
    }

    impl WorkItem for Later {
        type Pointer = Arc<Later>;

        fn run(this: Arc<Later>) {
            // SAFETY: See `Send` above.
            let rig = unsafe { &*this.rig };
            // Act once the test's bio is waiting on the requeue list (or
            // after 10 s, when the test will fail on its own).
            for _ in 0..1000 {
                if rig.head().requeue_count() > 0 {
                    break;
                }
                fsleep(Delta::from_millis(10));
            }
            match this.action {
                Action::Remove => rig.head().remove_disk(),
                Action::Usable => {
                    rig.set_usable(1, true);
                    rig.head().kick_requeue();
                }
                Action::Readd => {
                    let path = &rig.paths[1];
                    // SAFETY: The path and its disk live in the rig, whose
                    // `drop` deletes the path again.
                    let added = unsafe {
                        rig.head().add_device(
                            &path.mdev,
                            path.disk.as_raw(),
                            -1,
                            core::ptr::null_mut(),
                        )
                    };
                    if added.is_ok() {
                        path.mdev.set_access_state(AccessState::Optimized);
                        let _ = rig.head().set_live(&path.mdev);
                    }
                }
            }
            this.done.complete_all();
        }
    }

    /// What a [`Later`] does.
    #[derive(Clone, Copy)]
    enum Action {
        /// Makes path 1 usable and kicks the requeue work.
        Usable,
        /// Removes the head disk.
        Remove,
        /// Adds path 1 (deleted by the test) back, live.
        Readd,
    }

    fn later(rig: &Rig, action: Action) -> Result<LaterHandle> {
        let work = Arc::pin_init(
            pin_init!(Later {
                rig,
                action,
                done <- Completion::new(),
                work <- new_work!("libmultipath_io::later"),
            }),
            GFP_KERNEL,
        )?;
        let _ = workqueue::system_dfl().enqueue(work.clone());
        Ok(LaterHandle(work))
    }

    /// Writes and reads back its own sectors through the head, over and
    /// over, counting what did not come back intact.
    #[pin_data]
    struct Submitter {
        rig: *const Rig,
        index: u64,
        rounds: u32,
        good: Atomic<u32>,
        bad: Atomic<u32>,
        #[pin]
        done: Completion,
        #[pin]
        work: Work<Submitter>,
    }

    // SAFETY: `rig` is only used until `done`, which the test waits for
    // before the rig goes; `Rig` is `Sync`.
    unsafe impl Send for Submitter {}
    // SAFETY: See above.
    unsafe impl Sync for Submitter {}

    impl_has_work! {
        impl HasWork<Self> for Submitter { self.work }
    }

    impl WorkItem for Submitter {
        type Pointer = Arc<Submitter>;

        fn run(this: Arc<Submitter>) {
            // SAFETY: See `Send` above.
            let rig = unsafe { &*this.rig };
            for i in 0..this.rounds {
                let sector = this.index * 64 + u64::from(i % 8) * 8;
                let seed = (this.index as u8).wrapping_mul(53).wrapping_add(i as u8);
                match mem_disk::round_trip(rig.head().disk_devt(), sector, 1, seed) {
                    Ok(true) => this.good.fetch_add(1, Relaxed),
                    _ => this.bad.fetch_add(1, Relaxed),
                };
            }
            this.done.complete_all();
        }
    }

    /// Waits for its submitters when dropped, so that the rig they use
    /// outlives them whatever the test does.
    struct Submitters(KVec<Arc<Submitter>>);

    impl Drop for Submitters {
        fn drop(&mut self) {
            for s in self.0.iter() {
                s.done.wait_for_completion();
            }
        }
    }

    #[test]
    fn io_survives_paths_changing_under_it() -> Result {
        const THREADS: u64 = 3;
        const ROUNDS: u32 = 40;
        let rig = Rig::new(
            c"rmpn",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR as c_int,
        )?;
        let rig_ptr: *const Rig = &rig;
        let mut submitters = Submitters(KVec::new());
        for index in 0..THREADS {
            let s = Arc::pin_init(
                pin_init!(Submitter {
                    rig: rig_ptr,
                    index,
                    rounds: ROUNDS,
                    good: Atomic::new(0),
                    bad: Atomic::new(0),
                    done <- Completion::new(),
                    work <- new_work!("libmultipath_io::submitter"),
                }),
                GFP_KERNEL,
            )?;
            submitters.0.push(s.clone(), GFP_KERNEL)?;
            let _ = workqueue::system_dfl().enqueue(s);
        }
        // Meanwhile: paths fail and come back, path 0 leaves the head and
        // returns, the policy changes.
        let head = rig.head();
        for round in 0..30u32 {
            rig.set_usable((round % 2) as usize, false);
            fsleep(Delta::from_millis(2));
            rig.set_usable((round % 2) as usize, true);
            head.kick_requeue();
            if round % 5 == 0 {
                let path = &rig.paths[0];
                head.delete_device(&path.mdev)?;
                // SAFETY: The path and its disk live in the rig, whose
                // `drop` deletes the path again.
                unsafe {
                    head.add_device(&path.mdev, path.disk.as_raw(), -1, core::ptr::null_mut())?
                };
                path.mdev.set_access_state(AccessState::Optimized);
                head.set_live(&path.mdev)?;
            }
            if round % 7 == 0 {
                head.set_iopolicy(if round % 2 == 0 {
                    crate::IoPolicy::Numa
                } else {
                    crate::IoPolicy::QueueDepth
                });
            }
        }
        let (mut good, mut bad) = (0, 0);
        for s in submitters.0.iter() {
            s.done.wait_for_completion();
            good += s.good.load(Relaxed);
            bad += s.bad.load(Relaxed);
        }
        assert_eq!(bad, 0);
        assert_eq!(good, THREADS as u32 * ROUNDS);
        assert_eq!(head.fail_count(), 0);
        Ok(())
    }

    #[test]
    fn owned_head_keeps_its_paths_until_deleted() -> Result {
        let store = Store::new(512)?;
        let mut paths = KVec::new();
        for i in 0..2 {
            let path = TestPath {
                mdev: MpathDevice::new(),
                disabled: Atomic::new(0),
                available: Atomic::new(1),
                disk: mem_disk::build_on(fmt!("rmpop{i}"), store.clone(), None)?,
            };
            paths.push(Arc::new(path, GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let head = OwnedHead::<TestDriver>::new(crate::IoPolicy::RoundRobin)?;
        head.alloc_disk(None, -1, c"rmpo")?;
        head.set_capacity(512)?;
        // Without a path the head takes nowait bios; memory disks do not,
        // and neither does the head once one of them is a path.
        assert!(head.disk_bdev().is_some_and(BlockDevice::supports_nowait));
        assert!(!paths[0].disk.part0().supports_nowait());
        for path in paths.iter() {
            head.add_path(path.clone(), None)?;
            assert!(!head.disk_bdev().is_some_and(BlockDevice::supports_nowait));
            path.mdev.set_access_state(AccessState::Optimized);
            head.set_live(&path.mdev)?;
        }
        for i in 0..4 {
            assert!(mem_disk::round_trip(head.disk_devt(), 8 * i, 1, i as u8)?);
        }
        assert!(paths[0].disk.data().bios() >= 2 && paths[1].disk.data().bios() >= 2);
        assert!(!head.delete_path(&paths[0])?);
        // Not on the head any more: refused, and no reference dropped twice.
        assert_eq!(head.delete_path(&paths[0]).err(), Some(EINVAL));
        let before = paths[1].disk.data().bios();
        assert!(mem_disk::round_trip(head.disk_devt(), 0, 1, 9)?);
        assert_eq!(paths[1].disk.data().bios(), before + 2);
        // Dropping the head deletes path 1 and gives back its reference:
        // both paths are ours alone again.
        drop(head);
        for path in paths.drain_all() {
            assert!(Arc::into_unique_or_drop(path).is_some());
        }
        Ok(())
    }

    #[test]
    fn a_disk_already_on_the_head_is_refused() -> Result {
        let rig = Rig::new(
            c"rmpt",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR as c_int,
        )?;
        let twin = TestPath {
            mdev: MpathDevice::new(),
            disabled: Atomic::new(0),
            available: Atomic::new(1),
            disk: mem_disk::build_on(fmt!("rmptx"), Store::new(512)?, None)?,
        };
        // SAFETY: `twin` is a `TestPath`; refused, the head keeps nothing
        // of it, so it may go at the end of the test.
        let added = unsafe {
            rig.head().add_device(
                &twin.mdev,
                rig.paths[0].disk.as_raw(),
                -1,
                core::ptr::null_mut(),
            )
        };
        if added.is_ok() {
            // Not refused: off the head again before `twin` goes.
            rig.head().delete_device(&twin.mdev)?;
        }
        assert_eq!(added.err(), Some(EEXIST));
        assert!(twin.mdev.head().is_none());
        assert!(rig.round_trips(4)?);
        assert!(rig.bios(0) >= 2 && rig.bios(1) >= 2);
        Ok(())
    }

    #[test]
    fn round_robin_spreads_io_over_both_paths() -> Result {
        let rig = Rig::new(
            c"rmpa",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR as c_int,
        )?;
        assert!(rig.round_trips(8)?);
        assert!(rig.bios(0) >= 4 && rig.bios(1) >= 4);
        assert_eq!(rig.head().requeue_count(), 0);
        Ok(())
    }

    #[test]
    fn io_fails_over_to_the_usable_path() -> Result {
        let rig = Rig::new(
            c"rmpb",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        rig.set_usable(0, false);
        let before = rig.bios(0);
        assert!(rig.round_trips(4)?);
        assert_eq!(rig.bios(0), before);
        assert!(rig.bios(1) >= 8);
        // And back.
        rig.set_usable(0, true);
        rig.set_usable(1, false);
        let before = rig.bios(1);
        assert!(rig.round_trips(2)?);
        assert_eq!(rig.bios(1), before);
        Ok(())
    }

    #[test]
    fn io_waits_for_a_path_and_completes() -> Result {
        let rig = Rig::new(
            c"rmpc",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_QD as c_int,
        )?;
        rig.set_usable(0, false);
        rig.set_usable(1, false);
        let _later = later(&rig, Action::Usable)?;
        assert!(rig.round_trips(1)?);
        assert!(rig.head().requeue_count() >= 1);
        assert_eq!(rig.head().fail_count(), 0);
        Ok(())
    }

    #[test]
    fn revalidation_reports_paths_of_another_size() -> Result {
        let rig = Rig::new(
            c"rmpf",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        let count = Atomic::new(0u32);
        rig.head().revalidate_paths(|_| {
            count.fetch_add(1, Relaxed);
        });
        assert_eq!(count.load(Relaxed), 0);
        // The head grew (say, a resize seen on one path first): both paths
        // are now smaller than the head.
        rig.head().set_capacity(1024)?;
        rig.head().revalidate_paths(|_| {
            count.fetch_add(1, Relaxed);
        });
        assert_eq!(count.load(Relaxed), 2);
        Ok(())
    }

    #[test]
    fn io_fails_without_an_available_path() -> Result {
        let rig = Rig::new(
            c"rmpd",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        for path in rig.paths.iter() {
            path.available.store(0, Relaxed);
        }
        rig.set_usable(0, false);
        rig.set_usable(1, false);
        assert!(mem_disk::round_trip(rig.head().disk_devt(), 0, 1, 1).is_err());
        assert!(rig.head().fail_count() >= 1);
        Ok(())
    }

    const EUI64: u32 = bindings::blk_unique_id_BLK_UID_EUI64;

    /// Tags the paths 1 and 2, so that a forwarded operation tells which
    /// one it reached.
    fn tag_paths(rig: &Rig) {
        for (i, path) in rig.paths.iter().enumerate() {
            path.disk.data().set_tag(i as u8 + 1);
        }
    }

    #[test]
    fn operations_are_forwarded_to_the_chosen_path() -> Result {
        let rig = Rig::new(
            c"rmpg",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        tag_paths(&rig);
        let head = rig.head().disk_bdev().ok_or(ENODEV)?;
        assert_eq!(head.getgeo()?.heads, 1);
        assert_eq!(
            head.ioctl(0, mem_disk::IOCTL_TAG, 0)?,
            mem_disk::IOCTL_BASE + 1
        );
        assert_eq!(head.ioctl(0, 0x1234, 0).err(), Some(ENOTTY));
        let mut id = [0u8; 16];
        assert_eq!(head.get_unique_id(&mut id, EUI64)?, 8);
        assert_eq!(id[..8], [1u8; 8]);
        assert_eq!(head.pr_register(0, 0xabc, 0)?, 0);
        assert_eq!(rig.paths[0].disk.data().pr_key(), 0xabc);
        assert_eq!(rig.paths[1].disk.data().pr_key(), 0);
        // A positive PR_STS_* code is the path's answer, passed on as is.
        assert_eq!(head.pr_clear(0xdef)?, mem_disk::PR_STS_CONFLICT);
        assert_eq!(head.pr_clear(0xabc)?, 0);
        // The path has no pr_reserve.
        assert_eq!(head.pr_reserve(0xabc, 1, 0).err(), Some(EOPNOTSUPP));

        // Path 0 fails: everything goes to path 1 now.
        rig.set_usable(0, false);
        assert_eq!(head.getgeo()?.heads, 2);
        assert_eq!(
            head.ioctl(0, mem_disk::IOCTL_TAG, 0)?,
            mem_disk::IOCTL_BASE + 2
        );
        assert_eq!(head.get_unique_id(&mut id, EUI64)?, 8);
        assert_eq!(id[..8], [2u8; 8]);
        assert_eq!(head.pr_register(0, 0x123, 0)?, 0);
        assert_eq!(rig.paths[1].disk.data().pr_key(), 0x123);
        Ok(())
    }

    #[test]
    fn operations_without_a_usable_path_would_block() -> Result {
        let rig = Rig::new(
            c"rmph",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR as c_int,
        )?;
        tag_paths(&rig);
        rig.set_usable(0, false);
        rig.set_usable(1, false);
        let head = rig.head().disk_bdev().ok_or(ENODEV)?;
        // -EWOULDBLOCK, which is -EAGAIN in Linux.
        assert_eq!(head.getgeo().err(), Some(EAGAIN));
        assert_eq!(head.ioctl(0, mem_disk::IOCTL_TAG, 0).err(), Some(EAGAIN));
        let mut id = [0u8; 16];
        assert_eq!(head.get_unique_id(&mut id, EUI64).err(), Some(EAGAIN));
        assert_eq!(head.pr_register(0, 0xabc, 0).err(), Some(EAGAIN));
        assert_eq!(rig.paths[0].disk.data().pr_key(), 0);
        assert_eq!(rig.paths[1].disk.data().pr_key(), 0);
        // And a path that comes back serves them again.
        rig.set_usable(1, true);
        assert_eq!(head.getgeo()?.heads, 2);
        Ok(())
    }

    #[test]
    fn unique_id_is_empty_when_the_path_has_none() -> Result {
        let rig = Rig::new(
            c"rmpi",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        let head = rig.head().disk_bdev().ok_or(ENODEV)?;
        let mut id = [0u8; 16];
        assert_eq!(head.get_unique_id(&mut id, EUI64)?, 0);
        Ok(())
    }

    fn delete_all_paths(rig: &Rig) -> Result {
        for path in rig.paths.iter() {
            rig.head().delete_device(&path.mdev)?;
        }
        Ok(())
    }

    #[test]
    fn delayed_removal_keeps_io_until_a_path_returns() -> Result {
        let rig = Rig::new(
            c"rmpj",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        rig.head().set_delayed_removal_secs(30)?;
        delete_all_paths(&rig)?;
        assert!(!rig.head().can_remove());
        let removed = REMOVED.load(Relaxed);
        let _later = later(&rig, Action::Readd)?;
        // Waits on the requeue list until path 1 is back, then completes.
        assert!(rig.round_trips(1)?);
        assert!(rig.head().requeue_count() >= 1);
        assert_eq!(rig.head().fail_count(), 0);
        assert!(!rig.head().test_flag(HeadFlag::RemovePending));
        assert_eq!(REMOVED.load(Relaxed), removed);
        Ok(())
    }

    #[test]
    fn delayed_removal_fails_io_when_no_path_returns() -> Result {
        let rig = Rig::new(
            c"rmpk",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        rig.head().set_delayed_removal_secs(1)?;
        delete_all_paths(&rig)?;
        let removed = REMOVED.load(Relaxed);
        assert!(!rig.head().can_remove());
        // Waits about a second, until the removal fails it.
        assert!(mem_disk::round_trip(rig.head().disk_devt(), 0, 1, 1).is_err());
        assert!(rig.head().requeue_count() >= 1);
        assert_eq!(REMOVED.load(Relaxed), removed + 1);
        assert!(!rig.head().test_flag(HeadFlag::RemovePending));
        Ok(())
    }

    #[test]
    fn head_disk_links_each_path_once() -> Result {
        let rig = Rig::new(
            c"rmpl",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        let head = rig.head().disk_bdev().ok_or(ENODEV)?;
        let name = |i: usize| rig.paths[i].disk.part0().name();
        assert!(head.has_in_group(c"multipath", name(0)));
        assert!(head.has_in_group(c"multipath", name(1)));
        // Going live again and asking again add nothing (sysfs would warn
        // about a duplicate).
        rig.head().set_live(&rig.paths[0].mdev)?;
        rig.head().add_sysfs_links();
        // A deleted path loses its link, the other keeps its own.
        rig.head().delete_device(&rig.paths[0].mdev)?;
        assert!(!head.has_in_group(c"multipath", name(0)));
        assert!(head.has_in_group(c"multipath", name(1)));
        // Once the head disk is gone, deleting a path leaves sysfs alone.
        rig.head().remove_disk();
        assert!(!head.has_in_group(c"multipath", name(1)));
        rig.head().delete_device(&rig.paths[1].mdev)?;
        Ok(())
    }

    #[test]
    fn numa_nodes_are_those_caching_the_path() -> Result {
        let rig = Rig::new(
            c"rmpm",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        // Going live cached the first optimized path on both (fake) nodes.
        assert_eq!(rig.head().numa_nodes_of(&rig.paths[0].mdev).bits[0], 0b11);
        assert_eq!(rig.head().numa_nodes_of(&rig.paths[1].mdev).bits[0], 0);
        rig.set_usable(0, false);
        assert_eq!(rig.head().numa_nodes_of(&rig.paths[0].mdev).bits[0], 0);
        // I/O caches path 1 on the node it was issued from (the test
        // thread may move between nodes: one of them, at least).
        assert!(rig.round_trips(1)?);
        assert_ne!(rig.head().numa_nodes_of(&rig.paths[1].mdev).bits[0], 0);
        // Other policies do not use the per-node cache for this.
        rig.head().set_iopolicy(crate::IoPolicy::RoundRobin);
        assert_eq!(rig.head().numa_nodes_of(&rig.paths[1].mdev).bits[0], 0);
        Ok(())
    }

    #[test]
    fn removal_fails_queued_io() -> Result {
        let rig = Rig::new(
            c"rmpe",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        rig.set_usable(0, false);
        rig.set_usable(1, false);
        let _later = later(&rig, Action::Remove)?;
        assert!(mem_disk::round_trip(rig.head().disk_devt(), 0, 1, 1).is_err());
        assert!(rig.head().requeue_count() >= 1);
        Ok(())
    }

    /// Feeds path `i` of `rig` `count` samples of `latency_us`.
    fn feed(rig: &Rig, i: usize, latency_us: u64, count: u32) {
        for _ in 0..count {
            let start = crate::clock::now_ns() - latency_us * 1000;
            rig.paths[i].mdev.latency_sample_end(start);
        }
    }

    #[test]
    fn latency_sends_io_in_proportion_to_measured_speed() -> Result {
        let rig = Rig::new(
            c"rmpu",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_LAT as c_int,
        )?;
        // Path 0 four times slower than path 1. The samples are timed for
        // real, so each may come out a little longer than fed (an
        // interrupt between the two clock reads): the weights are checked
        // against the averages they came from.
        feed(&rig, 0, 40_000, 1);
        feed(&rig, 1, 10_000, 1);
        rig.head().recompute_latency_weights();
        let (slow, fast) = (&rig.paths[0].mdev, &rig.paths[1].mdev);
        let (slow_ns, fast_ns) = (slow.latency_ns(), fast.latency_ns());
        assert!(slow_ns >= 40_000_000 && fast_ns >= 10_000_000);
        assert_eq!(fast.latency_weight(), crate::latency::MAX_WEIGHT);
        assert_eq!(
            slow.latency_weight(),
            crate::latency::weight(slow_ns, fast_ns)
        );
        assert!((12..=18).contains(&slow.latency_weight()));
        // 480 bios: six turns of 16 and 64 (the disk has room for 64
        // round trips of a page).
        for _ in 0..4 {
            assert!(rig.round_trips(60)?);
        }
        // The split is that of the weights, over whole turns.
        let (s, f) = (rig.bios(0), rig.bios(1));
        let (ws, wf) = (slow.latency_weight(), fast.latency_weight());
        assert!(s >= 1 && f * ws * 4 >= s * wf * 3 && f * ws * 4 <= s * wf * 5);
        Ok(())
    }

    #[test]
    fn latency_weights_follow_a_path_that_slows_and_recovers() -> Result {
        let rig = Rig::new(
            c"rmpv",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_LAT as c_int,
        )?;
        feed(&rig, 0, 10_000, 1);
        feed(&rig, 1, 10_000, 1);
        // Path 0 slows to 300 ms: eight samples take it most of the way,
        // and it keeps a trickle.
        feed(&rig, 0, 300_000, 8);
        rig.head().recompute_latency_weights();
        let slow = &rig.paths[0].mdev;
        assert!(slow.latency_ns() > 150_000_000);
        assert!(slow.latency_weight() <= 4);
        assert!(rig.round_trips(60)?);
        assert!(rig.bios(0) >= 1);
        // It recovers: the average comes back within 64 samples.
        feed(&rig, 0, 10_000, 64);
        rig.head().recompute_latency_weights();
        assert!(slow.latency_weight() >= 56);
        Ok(())
    }

    #[test]
    fn latency_samples_at_most_one_request_per_jiffy() -> Result {
        let rig = Rig::new(
            c"rmpw",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_LAT as c_int,
        )?;
        let jiffies = || {
            // SAFETY: `jiffies` is always valid; read as `READ_ONCE` does.
            unsafe { core::ptr::read_volatile(&raw const bindings::jiffies) }
        };
        let before = jiffies();
        let mut sampled = 0;
        for _ in 0..1000 {
            sampled += u32::from(rig.paths[0].mdev.latency_sample_begin().is_some());
        }
        let ticks = jiffies().wrapping_sub(before);
        assert!(sampled >= 1 && sampled as usize <= ticks + 1);
        Ok(())
    }

    /// Sets marginal path detection of `rig`'s head.
    fn marginal_setup(rig: &Rig, errors: u32, window: u32, recovery: u32) -> Result {
        use crate::marginal::MarginalParam::*;
        let head = rig.head();
        head.set_marginal_param(Errors, errors)?;
        head.set_marginal_param(WindowSecs, window)?;
        head.set_marginal_param(RecoverySecs, recovery)
    }

    #[test]
    fn marginal_path_is_used_last_until_it_recovers() -> Result {
        let rig = Rig::new(
            c"rmpx",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR as c_int,
        )?;
        marginal_setup(&rig, 3, 60, 1)?;
        let bad = &rig.paths[0].mdev;
        bad.report_error();
        bad.report_error();
        assert!(!bad.is_marginal());
        bad.report_error();
        assert!(bad.is_marginal());
        assert_eq!(bad.marginal_count(), 1);
        // Healthy path 1 takes all the I/O.
        let before = rig.bios(0);
        assert!(rig.round_trips(16)?);
        assert_eq!(rig.bios(0), before);
        // With path 1 unusable, the marginal path serves: no I/O fails.
        rig.set_usable(1, false);
        assert!(rig.round_trips(4)?);
        assert!(rig.bios(0) >= before + 8);
        rig.set_usable(1, true);
        // A second of no error, and it is healthy again and shares the I/O.
        fsleep(Delta::from_millis(1100));
        assert!(!bad.is_marginal());
        let before = rig.bios(0);
        assert!(rig.round_trips(16)?);
        assert!(rig.bios(0) >= before + 8);
        assert_eq!(bad.marginal_count(), 1);
        Ok(())
    }

    #[test]
    fn marginal_optimized_path_yields_to_a_healthy_non_optimized_one() -> Result {
        let rig = Rig::new(
            c"rmqa",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        marginal_setup(&rig, 1, 60, 60)?;
        rig.paths[1]
            .mdev
            .set_access_state(AccessState::NonOptimized);
        rig.head().clear_paths();
        rig.paths[0].mdev.report_error();
        assert!(rig.paths[0].mdev.is_marginal());
        let before = rig.bios(0);
        assert!(rig.round_trips(8)?);
        assert_eq!(rig.bios(0), before);
        // Path 1 gone as well: the marginal path serves.
        rig.set_usable(1, false);
        assert!(rig.round_trips(2)?);
        assert!(rig.bios(0) >= before + 4);
        Ok(())
    }

    #[test]
    fn marginal_errors_count_within_one_window() -> Result {
        let rig = Rig::new(
            c"rmpy",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        let bad = &rig.paths[0].mdev;
        // Off by default: any number of errors.
        for _ in 0..100 {
            bad.report_error();
        }
        assert!(!bad.is_marginal());
        // Two errors a window apart are not two in a window.
        marginal_setup(&rig, 2, 1, 30)?;
        bad.report_error();
        fsleep(Delta::from_millis(1100));
        bad.report_error();
        assert!(!bad.is_marginal());
        bad.report_error();
        assert!(bad.is_marginal());
        // Under NUMA the marginal path is not kept cached: I/O goes to
        // path 1.
        let before = rig.bios(0);
        assert!(rig.round_trips(8)?);
        assert_eq!(rig.bios(0), before);
        Ok(())
    }

    #[test]
    fn marginal_settings_reject_bad_values() -> Result {
        use crate::c_api::marginal::{mpath_marginal_show, mpath_marginal_store};
        use crate::marginal::MarginalParam;
        let rig = Rig::new(
            c"rmpz",
            bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA as c_int,
        )?;
        let head = rig.head();
        let raw = head.as_raw();
        let bad: [&CStr; 9] = [
            c"",
            c"abc",
            c"-1",
            c" 5",
            c"5 ",
            c"1.5",
            c"0x",
            c"4294967296",
            c"5\n\n",
        ];
        for param in MarginalParam::ALL {
            let old = head.marginal_param(param);
            assert_eq!(old, param.default_value());
            let (lo, hi) = (*param.range().start(), *param.range().end());
            assert_eq!(head.set_marginal_param(param, hi + 1), Err(EINVAL));
            if lo > 0 {
                assert_eq!(head.set_marginal_param(param, lo - 1), Err(EINVAL));
            }
            for input in bad {
                // SAFETY: `raw` is a set-up head; `input` a C string.
                let ret = unsafe { mpath_marginal_store(raw, param as u32, input.as_char_ptr()) };
                assert_eq!(ret, EINVAL.to_errno());
            }
            assert_eq!(head.marginal_param(param), old);
            // SAFETY: As above.
            let ret = unsafe { mpath_marginal_store(raw, param as u32, c"7\n".as_char_ptr()) };
            assert_eq!(ret, 0);
            assert_eq!(head.marginal_param(param), 7);
        }
        // SAFETY: As above; a NULL string is refused.
        let ret = unsafe { mpath_marginal_store(raw, 0, core::ptr::null()) };
        assert_eq!(ret, EINVAL.to_errno());
        // SAFETY: As above.
        let ret = unsafe { mpath_marginal_store(raw, 3, c"1".as_char_ptr()) };
        assert_eq!(ret, EINVAL.to_errno());
        let mut page = KVec::<u8>::with_capacity(4096, GFP_KERNEL)?;
        page.resize(4096, 0, GFP_KERNEL)?;
        // SAFETY: `page` is a page of writable bytes.
        let len = unsafe { mpath_marginal_show(raw, 1, page.as_mut_ptr().cast()) };
        assert_eq!(&page[..len as usize], b"7\n");
        // SAFETY: As above.
        let len = unsafe { mpath_marginal_show(raw, 3, page.as_mut_ptr().cast()) };
        assert_eq!(len, EINVAL.to_errno() as isize);
        Ok(())
    }
}
