// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of [`SrcuList`](super::srcu_list::SrcuList) and
//! [`SrcuPtr`](super::srcu_ptr::SrcuPtr): writers remove, free and add
//! entries while readers walk the list under SRCU on other CPUs, with
//! either reader flavour ([`Srcu`](super::srcu::Srcu) and
//! [`SrcuFast`](super::srcu_fast::SrcuFast)). A reader that saw a freed
//! entry would trip KASAN or see a poisoned value.

#[macros::kunit_tests(rust_sync_srcu_list)]
mod tests {
    use crate::{
        impl_srcu_list_item, new_mutex, new_srcu, new_srcu_fast,
        prelude::*,
        sync::{
            atomic::{Atomic, Relaxed},
            srcu_fast::{SrcuFast, SrcuReadGuard},
            srcu_list::{SrcuList, SrcuListLinks},
            srcu_ptr::SrcuPtr,
            Arc, Completion, Mutex, Srcu,
        },
        workqueue::{self, impl_has_work, new_work, Work, WorkItem},
    };

    const ALIVE: u64 = 0x5eed_cafe_f00d_d00d;
    const DEAD: u64 = 0xdead_dead_dead_dead;

    #[pin_data]
    struct Item {
        #[pin]
        links: SrcuListLinks,
        magic: Atomic<u64>,
        id: u32,
    }
    impl_srcu_list_item!(Item, links);

    fn item(id: u32) -> Result<Pin<KBox<Item>>> {
        KBox::pin_init(
            pin_init!(Item {
                links <- SrcuListLinks::new(),
                magic: Atomic::new(ALIVE),
                id,
            }),
            GFP_KERNEL,
        )
    }

    #[pin_data]
    struct Shared {
        #[pin]
        srcu: Srcu,
        #[pin]
        fast: SrcuFast,
        /// Readers and the writer use `fast`, not `srcu`.
        use_fast: bool,
        #[pin]
        list: SrcuList<Item>,
        /// The writer's lock; it owns the entries on the list.
        #[pin]
        owned: Mutex<KVec<Pin<KBox<Item>>>>,
        current: SrcuPtr<Item>,
        stop: Atomic<bool>,
        walks: Atomic<u32>,
        seen: Atomic<u32>,
        bad: Atomic<u32>,
        #[pin]
        done: Completion,
        #[pin]
        work: Work<Shared>,
    }

    impl_has_work! {
        impl HasWork<Self> for Shared { self.work }
    }

    impl WorkItem for Shared {
        type Pointer = Arc<Shared>;

        fn run(this: Arc<Shared>) {
            while !this.stop.load(Relaxed) {
                if this.use_fast {
                    this.walk(&this.fast.read_lock());
                } else {
                    this.walk(&this.srcu.read_lock());
                }
                this.walks.fetch_add(1, Relaxed);
            }
            this.done.complete_all();
        }
    }

    impl Shared {
        /// One reader's walk of the list and the pointer under `guard`.
        fn walk<G: SrcuReadGuard>(&self, guard: &G) {
            for entry in self.list.iter(guard) {
                if entry.magic.load(Relaxed) != ALIVE {
                    self.bad.fetch_add(1, Relaxed);
                }
                self.seen.fetch_add(1, Relaxed);
            }
            if let Some(entry) = self.current.get(guard) {
                if entry.magic.load(Relaxed) != ALIVE {
                    self.bad.fetch_add(1, Relaxed);
                }
            }
        }

        /// The writer's grace period, in the readers' flavour.
        fn synchronize(&self) {
            if self.use_fast {
                self.fast.synchronize();
            } else {
                self.srcu.synchronize();
            }
        }
    }

    #[test]
    fn readers_never_see_freed_entries() -> Result {
        readers_against_a_writer(false)
    }

    #[test]
    fn fast_readers_never_see_freed_entries() -> Result {
        readers_against_a_writer(true)
    }

    fn readers_against_a_writer(use_fast: bool) -> Result {
        let shared = Arc::pin_init(
            try_pin_init!(Shared {
                srcu <- new_srcu!(),
                fast <- new_srcu_fast!(),
                use_fast,
                list <- SrcuList::new(),
                owned <- new_mutex!(KVec::new()),
                current: SrcuPtr::new(),
                stop: Atomic::new(false),
                walks: Atomic::new(0),
                seen: Atomic::new(0),
                bad: Atomic::new(0),
                done <- Completion::new(),
                work <- new_work!("srcu_list_test::reader"),
            }? Error),
            GFP_KERNEL,
        )?;
        {
            let mut owned = shared.owned.lock();
            for id in 0..8 {
                let entry = item(id)?;
                // SAFETY: We hold the writer lock; the entry is kept in
                // `owned` for as long as it is on the list.
                unsafe { shared.list.push_back(&entry) };
                owned.push(entry, GFP_KERNEL)?;
            }
        }
        let _ = workqueue::system_dfl().enqueue(shared.clone());

        for round in 0..400u32 {
            let mut owned = shared.owned.lock();
            let victim = owned.remove(0).map_err(|_| EINVAL)?;
            // SAFETY: We hold the writer lock and `victim` is on the list.
            unsafe { shared.list.remove(&victim) };
            shared.current.clear_if(&victim);
            shared.synchronize();
            // No reader can reach it now: poison, then free it.
            victim.magic.store(DEAD, Relaxed);
            drop(victim);

            let entry = item(8 + round)?;
            // SAFETY: As above.
            unsafe { shared.list.push_back(&entry) };
            if round % 3 == 0 {
                // SAFETY: `entry` stays in `owned` until cleared from
                // `current` and a grace period passed (see above).
                unsafe { shared.current.set(Some(&entry)) };
            }
            owned.push(entry, GFP_KERNEL)?;
        }

        shared.stop.store(true, Relaxed);
        shared.done.wait_for_completion();
        assert_eq!(shared.bad.load(Relaxed), 0);
        assert!(shared.walks.load(Relaxed) > 0);
        assert!(shared.seen.load(Relaxed) > 0);

        // The list holds exactly the 8 entries we own, in order.
        let owned = shared.owned.lock();
        let guard = shared.srcu.read_lock();
        let ids: KVec<u32> = {
            let mut v = KVec::new();
            for e in shared.list.iter(&guard) {
                v.push(e.id, GFP_KERNEL)?;
            }
            v
        };
        assert_eq!(ids.len(), 8);
        for (listed, kept) in ids.iter().zip(owned.iter()) {
            assert_eq!(*listed, kept.id);
        }
        drop(guard);
        drop(owned);
        // Empty the list before the entries go.
        let mut owned = shared.owned.lock();
        for entry in owned.iter() {
            // SAFETY: We hold the writer lock and `entry` is on the list.
            unsafe { shared.list.remove(entry) };
        }
        shared.current.clear();
        shared.synchronize();
        owned.clear();
        assert!(shared.list.is_empty());
        Ok(())
    }

    #[test]
    fn pointer_publish_and_clear() -> Result {
        let srcu = KBox::pin_init(new_srcu!(), GFP_KERNEL)?;
        let a = item(1)?;
        let b = item(2)?;
        let slot = SrcuPtr::<Item>::new();
        {
            let guard = srcu.read_lock();
            assert!(slot.get(&guard).is_none());
        }
        // SAFETY: `a` and `b` outlive the slot's use here.
        unsafe { slot.set(Some(&a)) };
        assert!(slot.is(&a) && !slot.is(&b));
        assert!(!slot.clear_if(&b));
        {
            let guard = srcu.read_lock();
            assert_eq!(slot.get(&guard).map(|e| e.id), Some(1));
        }
        assert!(slot.clear_if(&a));
        assert!(!slot.is(&a));
        srcu.synchronize();
        Ok(())
    }

    #[test]
    fn walk_after_an_entry() -> Result {
        let srcu = KBox::pin_init(new_srcu!(), GFP_KERNEL)?;
        let list = KBox::pin_init(SrcuList::<Item>::new(), GFP_KERNEL)?;
        let items = [item(1)?, item(2)?, item(3)?];
        for entry in &items {
            // SAFETY: Single writer; the entries outlive the list's use.
            unsafe { list.push_back(entry) };
        }
        let ids = |from: &Item| -> Option<u32> {
            let guard = srcu.read_lock();
            // SAFETY: `from` was added to `list` and is on no other list.
            let walk = unsafe { list.iter_after(from, &guard) }?;
            Some(walk.fold(0, |acc, e| acc * 10 + e.id))
        };
        assert_eq!(ids(&items[0]), Some(23));
        assert_eq!(ids(&items[1]), Some(3));
        assert_eq!(ids(&items[2]), Some(0));
        // SAFETY: Single writer; `items[1]` is on `list`.
        unsafe { list.remove(&items[1]) };
        srcu.synchronize();
        assert_eq!(ids(&items[1]), None);
        assert_eq!(ids(&items[0]), Some(3));
        for entry in [&items[0], &items[2]] {
            // SAFETY: Single writer; `entry` is on `list`.
            unsafe { list.remove(entry) };
        }
        srcu.synchronize();
        assert!(list.is_empty());
        Ok(())
    }
}
