// SPDX-License-Identifier: GPL-2.0

//! Work queues a driver allocates, cancelling queued work, and kblockd.
//!
//! [`crate::workqueue`] covers the system queues and queueing work items.
//! This module adds what a block driver also needs:
//!
//! - [`OwnedQueue`], a queue of its own (C's `alloc_workqueue`), destroyed
//!   (after running what is queued on it) when dropped;
//! - [`cancel_work_sync`] and [`cancel_delayed_work_sync`] for work items
//!   in an [`Arc`]: a work item that was queued and did not run gives back
//!   the reference its queueing took;
//! - [`kblockd_enqueue`], queueing on the block layer's kblockd (C's
//!   `kblockd_schedule_work`), whose workers run with I/O priority.
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)
//!
//! # Examples
//!
//! ```
//! use kernel::sync::{
//!     atomic::{Atomic, Relaxed},
//!     Arc,
//! };
//! use kernel::workqueue::{impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};
//! use kernel::workqueue_owned::{
//!     cancel_delayed_work_sync, OwnedQueue, WQ_MEM_RECLAIM, WQ_UNBOUND,
//! };
//!
//! #[pin_data]
//! struct Timeout {
//!     fired: Atomic<u32>,
//!     #[pin]
//!     work: DelayedWork<Timeout>,
//! }
//!
//! impl_has_delayed_work! {
//!     impl HasDelayedWork<Self> for Timeout { self.work }
//! }
//!
//! impl WorkItem for Timeout {
//!     type Pointer = Arc<Timeout>;
//!
//!     fn run(this: Arc<Timeout>) {
//!         this.fired.store(1, Relaxed);
//!     }
//! }
//!
//! let queue = OwnedQueue::new(c"rdoc_wq", WQ_UNBOUND | WQ_MEM_RECLAIM, 1)?;
//! let timeout = Arc::pin_init(
//!     pin_init!(Timeout {
//!         fired: Atomic::new(0),
//!         work <- new_delayed_work!("Timeout::work"),
//!     }),
//!     GFP_KERNEL,
//! )?;
//! // An hour from now: cancelled long before, and the queue's reference
//! // to `timeout` comes back.
//! assert!(queue.enqueue_delayed(timeout.clone(), 3600 * 1000).is_ok());
//! assert!(cancel_delayed_work_sync(&timeout));
//! assert!(!cancel_delayed_work_sync(&timeout));
//! assert_eq!(timeout.fired.load(Relaxed), 0);
//! assert!(Arc::into_unique_or_drop(timeout).is_some());
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    container_of,
    prelude::*,
    sync::Arc,
    workqueue::{
        HasDelayedWork,
        HasWork,
        Queue,
        RawWorkItem,
        Work,
        WorkItem, //
    }, //
};
use core::{
    ops::Deref,
    ptr::NonNull, //
};

/// Work items run on any CPU, not the one that queued them (C's
/// `WQ_UNBOUND`).
pub const WQ_UNBOUND: u32 = bindings::wq_flags_WQ_UNBOUND;
/// Work items run on the CPU that queued them (C's `WQ_PERCPU`).
pub const WQ_PERCPU: u32 = bindings::wq_flags_WQ_PERCPU;
/// The queue has a rescuer thread and makes progress under memory
/// pressure: needed on the I/O path (C's `WQ_MEM_RECLAIM`).
pub const WQ_MEM_RECLAIM: u32 = bindings::wq_flags_WQ_MEM_RECLAIM;
/// Work items run at high priority (C's `WQ_HIGHPRI`).
pub const WQ_HIGHPRI: u32 = bindings::wq_flags_WQ_HIGHPRI;

/// A work queue allocated by its owner (C's `alloc_workqueue`).
///
/// Dropping it runs what is queued on it and destroys it (C's
/// `destroy_workqueue`); work items may not queue themselves on it again
/// once it is being dropped.
///
/// # Invariants
///
/// `queue` is a queue from `alloc_workqueue` that `self` destroys.
pub struct OwnedQueue {
    queue: NonNull<bindings::workqueue_struct>,
}

// SAFETY: A work queue is used and destroyed from any thread.
unsafe impl Send for OwnedQueue {}
// SAFETY: Queueing on a work queue is thread-safe.
unsafe impl Sync for OwnedQueue {}

impl OwnedQueue {
    /// Allocates a queue named `name`, with `WQ_*` `flags` and at most
    /// `max_active` work items running at once (0 for the default).
    ///
    /// The flags say where work items run: [`WQ_PERCPU`] or
    /// [`WQ_UNBOUND`], exactly one of them (`EINVAL` otherwise).
    pub fn new(name: &CStr, flags: u32, max_active: i32) -> Result<Self> {
        if (flags & WQ_PERCPU != 0) == (flags & WQ_UNBOUND != 0) {
            return Err(EINVAL);
        }
        // SAFETY: The format takes one string, `name`, NUL-terminated; the
        // queue copies the name.
        let queue = unsafe {
            bindings::alloc_workqueue_noprof(
                c"%s".as_char_ptr(),
                flags,
                max_active,
                name.as_char_ptr(),
            )
        };
        // INVARIANT: Allocated just now; destroyed on drop.
        Ok(Self {
            queue: NonNull::new(queue).ok_or(ENOMEM)?,
        })
    }
}

impl Deref for OwnedQueue {
    type Target = Queue;

    fn deref(&self) -> &Queue {
        // SAFETY: By the type invariant the queue lives until `self` is
        // dropped.
        unsafe { Queue::from_raw(self.queue.as_ptr()) }
    }
}

impl Drop for OwnedQueue {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the queue is ours to destroy, once;
        // it runs the work items still queued first.
        unsafe { bindings::destroy_workqueue(self.queue.as_ptr()) };
    }
}

/// Returns the `work_struct` of `item`'s [`Work<T, ID>`].
fn work_of<T: HasWork<T, ID>, const ID: u64>(item: &Arc<T>) -> *mut bindings::work_struct {
    let ptr = Arc::as_ptr(item).cast_mut();
    // SAFETY: `ptr` points to a valid `T`, which has the field.
    unsafe { Work::raw_get(T::raw_get_work(ptr)) }
}

/// Gives back the reference that queueing `item` took, once the work item
/// was cancelled before it ran.
///
/// # Safety
///
/// `item`'s work item was queued (which leaked one reference to it, see
/// `Arc`'s [`RawWorkItem`] implementation) and cancelled before it ran.
unsafe fn put_queued<T>(item: &Arc<T>) {
    // SAFETY: By the safety requirements the queue owned one reference,
    // leaked with `Arc::into_raw` of this very pointer.
    drop(unsafe { Arc::from_raw(Arc::as_ptr(item)) });
}

/// Cancels `item`'s work if it is queued and waits for it if it runs (C's
/// `cancel_work_sync`); returns whether it was queued, and then drops the
/// reference the queue held.
pub fn cancel_work_sync<T, const ID: u64>(item: &Arc<T>) -> bool
where
    T: WorkItem<ID, Pointer = Arc<T>> + HasWork<T, ID>,
{
    // SAFETY: The work is initialised (`T` is built with it) and valid
    // while `item` is.
    let cancelled = unsafe { bindings::cancel_work_sync(work_of(item)) };
    if cancelled {
        // SAFETY: The work was queued and did not run.
        unsafe { put_queued(item) };
    }
    cancelled
}

/// As [`cancel_work_sync`], for a delayed work item (C's
/// `cancel_delayed_work_sync`): a pending timer is stopped too.
pub fn cancel_delayed_work_sync<T, const ID: u64>(item: &Arc<T>) -> bool
where
    T: WorkItem<ID, Pointer = Arc<T>> + HasDelayedWork<T, ID>,
{
    // SAFETY: By `HasDelayedWork`, the work is the `work` field of a
    // `delayed_work`, initialised and valid while `item` is.
    let cancelled = unsafe {
        bindings::cancel_delayed_work_sync(container_of!(
            work_of(item),
            bindings::delayed_work,
            work
        ))
    };
    if cancelled {
        // SAFETY: The work was queued and did not run.
        unsafe { put_queued(item) };
    }
    cancelled
}

/// Queues a work item on kblockd (C's `kblockd_schedule_work`); fails,
/// giving it back, if it is already queued.
#[cfg(CONFIG_BLOCK)]
pub fn kblockd_enqueue<W, const ID: u64>(w: W) -> W::EnqueueOutput
where
    W: RawWorkItem<ID> + Send + 'static,
{
    // SAFETY: `kblockd_schedule_work` returns false only if the work is
    // already queued; `W` is `Send` and `'static`. It uses the pointer for
    // the call, and after it only if it queued the work, in which case
    // `__enqueue` keeps the pointer valid until the work runs.
    unsafe { w.__enqueue(|work| bindings::kblockd_schedule_work(work) != 0) }
}

#[cfg(CONFIG_RUST_WORKQUEUE_OWNED_KUNIT_TEST)]
#[macros::kunit_tests(rust_workqueue_owned)]
mod tests {
    use super::*;
    use crate::{
        sync::{
            atomic::{
                Atomic,
                Relaxed, //
            },
            Completion,
        },
        workqueue::{
            impl_has_delayed_work,
            impl_has_work,
            new_delayed_work,
            new_work,
            DelayedWork, //
        },
    };

    #[pin_data]
    struct Job {
        runs: Atomic<u32>,
        #[pin]
        done: Completion,
        #[pin]
        work: Work<Job>,
    }

    impl_has_work! {
        impl HasWork<Self> for Job { self.work }
    }

    impl WorkItem for Job {
        type Pointer = Arc<Job>;

        fn run(this: Arc<Job>) {
            this.runs.fetch_add(1, Relaxed);
            this.done.complete_all();
        }
    }

    fn job() -> Result<Arc<Job>> {
        Arc::pin_init(
            pin_init!(Job {
                runs: Atomic::new(0),
                done <- Completion::new(),
                work <- new_work!("Job::work"),
            }),
            GFP_KERNEL,
        )
    }

    #[pin_data]
    struct Later {
        runs: Atomic<u32>,
        #[pin]
        done: Completion,
        #[pin]
        work: DelayedWork<Later>,
    }

    impl_has_delayed_work! {
        impl HasDelayedWork<Self> for Later { self.work }
    }

    impl WorkItem for Later {
        type Pointer = Arc<Later>;

        fn run(this: Arc<Later>) {
            this.runs.fetch_add(1, Relaxed);
            this.done.complete_all();
        }
    }

    fn later() -> Result<Arc<Later>> {
        Arc::pin_init(
            pin_init!(Later {
                runs: Atomic::new(0),
                done <- Completion::new(),
                work <- new_delayed_work!("Later::work"),
            }),
            GFP_KERNEL,
        )
    }

    /// Whether `item` is referenced by nobody else (the queue included).
    fn alone<T>(item: Arc<T>) -> bool {
        Arc::into_unique_or_drop(item).is_some()
    }

    #[test]
    fn kblockd_runs_work() -> Result {
        let j = job()?;
        assert!(kblockd_enqueue(j.clone()).is_ok());
        j.done.wait_for_completion();
        assert_eq!(j.runs.load(Relaxed), 1);
        // It ran: nothing to cancel, and the queue's reference is gone.
        assert!(!cancel_work_sync(&j));
        assert!(alone(j));
        Ok(())
    }

    #[test]
    fn owned_queue_runs_and_cancels() -> Result {
        let queue = OwnedQueue::new(c"rwq_test", WQ_UNBOUND | WQ_MEM_RECLAIM, 0)?;
        let j = job()?;
        assert!(queue.enqueue(j.clone()).is_ok());
        j.done.wait_for_completion();
        assert_eq!(j.runs.load(Relaxed), 1);

        // Far in the future: cancelled, never run, reference given back.
        let l = later()?;
        assert!(queue.enqueue_delayed(l.clone(), 3_600_000).is_ok());
        // Queued twice: refused, and the second reference comes back.
        assert!(queue.enqueue_delayed(l.clone(), 1).is_err());
        assert!(cancel_delayed_work_sync(&l));
        assert!(!cancel_delayed_work_sync(&l));
        assert_eq!(l.runs.load(Relaxed), 0);

        // Queued again with no delay: it runs.
        assert!(queue.enqueue_delayed(l.clone(), 0).is_ok());
        l.done.wait_for_completion();
        assert_eq!(l.runs.load(Relaxed), 1);
        assert!(!cancel_delayed_work_sync(&l));
        assert!(alone(l));
        assert!(alone(j));
        Ok(())
    }

    #[test]
    fn dropping_the_queue_runs_what_is_queued() -> Result {
        // Where work runs is not left to the workqueue code to guess.
        assert_eq!(OwnedQueue::new(c"rwq_none", 0, 1).err(), Some(EINVAL));
        assert_eq!(
            OwnedQueue::new(c"rwq_both", WQ_PERCPU | WQ_UNBOUND, 1).err(),
            Some(EINVAL)
        );
        // One at a time, so that some are still queued at the drop.
        let queue = OwnedQueue::new(c"rwq_drop", WQ_PERCPU, 1)?;
        let jobs = [job()?, job()?, job()?];
        for j in jobs.iter() {
            assert!(queue.enqueue(j.clone()).is_ok());
        }
        drop(queue);
        for j in jobs {
            assert_eq!(j.runs.load(Relaxed), 1);
            assert!(alone(j));
        }
        Ok(())
    }
}
