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
//!   `kblockd_schedule_work`), whose workers run with I/O priority;
//! - [`EmbeddedWork`] and [`EmbeddedDelayedWork`], work items embedded in
//!   a struct whose layout C owns, that get back to their owner by a fixed
//!   offset.
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
    sync::{
        Arc,
        LockClassKey, //
    },
    time::Jiffies,
    types::Opaque,
    workqueue::{
        HasDelayedWork,
        HasWork,
        Queue,
        RawDelayedWorkItem,
        RawWorkItem,
        Work,
        WorkItem, //
    }, //
};
use core::{
    marker::PhantomData,
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

/// Cancels the work item `work` of `item` with `cancel` (a C
/// `cancel_*_sync` function); if it was queued and did not run, gives back
/// the reference that queueing `item` took (see `Arc`'s [`RawWorkItem`]
/// implementation, which leaked it with `Arc::into_raw`).
///
/// # Safety
///
/// `work` is the initialised work item of `item` that queueing it queues,
/// in the form `cancel` takes, and `cancel` returns whether it took the
/// work item off its queue before it ran.
unsafe fn cancel_arc<T, W>(
    item: &Arc<T>,
    work: *mut W,
    cancel: unsafe extern "C" fn(*mut W) -> bool,
) -> bool {
    // SAFETY: By the safety requirements `work` is valid and initialised
    // while `item` is.
    let cancelled = unsafe { cancel(work) };
    if cancelled {
        // SAFETY: The work item was queued and did not run: the queue owned
        // one reference, leaked with `Arc::into_raw` of this very pointer.
        drop(unsafe { Arc::from_raw(Arc::as_ptr(item)) });
    }
    cancelled
}

/// Cancels `item`'s work if it is queued and waits for it if it runs (C's
/// `cancel_work_sync`); returns whether it was queued, and then drops the
/// reference the queue held.
pub fn cancel_work_sync<T, const ID: u64>(item: &Arc<T>) -> bool
where
    T: WorkItem<ID, Pointer = Arc<T>> + HasWork<T, ID>,
{
    // SAFETY: The work is `item`'s, initialised (`T` is built with it).
    unsafe { cancel_arc(item, work_of(item), bindings::cancel_work_sync) }
}

/// As [`cancel_work_sync`], for a delayed work item (C's
/// `cancel_delayed_work_sync`): a pending timer is stopped too.
pub fn cancel_delayed_work_sync<T, const ID: u64>(item: &Arc<T>) -> bool
where
    T: WorkItem<ID, Pointer = Arc<T>> + HasDelayedWork<T, ID>,
{
    // SAFETY: By `HasDelayedWork`, `item`'s work is the `work` field of a
    // `delayed_work`, initialised.
    unsafe {
        cancel_arc(
            item,
            container_of!(work_of(item), bindings::delayed_work, work),
            bindings::cancel_delayed_work_sync,
        )
    }
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

/// Queues a delayed work item on kblockd to run `delay` jiffies from now,
/// or moves its timer there if it is already pending (C's
/// `kblockd_mod_delayed_work_on`, on any CPU).
///
/// Returns `Ok` if the work item was idle and is now queued (the queue
/// keeps `w`), and `Err(w)` if it was already pending: only its delay
/// changed, and the reference given is handed back.
#[cfg(CONFIG_BLOCK)]
pub fn kblockd_mod_delayed<W, const ID: u64>(w: W, delay: Jiffies) -> W::EnqueueOutput
where
    W: RawDelayedWorkItem<ID> + Send + 'static,
{
    // SAFETY: `kblockd_mod_delayed_work_on` returns false when the work
    // item was idle and it queued it (the closure then returns true and
    // `__enqueue` keeps the pointer valid until the work runs), and true
    // when it was already pending and only its timer moved: the queue
    // still owns the pointer of the earlier queueing and not this one,
    // which `__enqueue` gives back. `RawDelayedWorkItem` guarantees the
    // work is the `work` field of a `delayed_work`; `W` is `Send` and
    // `'static`.
    unsafe {
        w.__enqueue(move |work| {
            bindings::kblockd_mod_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                container_of!(work, bindings::delayed_work, work),
                delay,
            ) == 0
        })
    }
}

/// A C `struct work_struct` embedded in an object whose layout C owns (for
/// example a field of a C struct that a Rust type wraps), run by
/// [`HasEmbeddedWork::run`] on that object.
///
/// Obtained from its owner with [`HasEmbeddedWork::embedded_work`]; `ID`
/// tells several work items of one owner apart.
///
/// # Invariants
///
/// `self` is the work item at [`HasEmbeddedWork::WORK_OFFSET`] in a `T`,
/// initialised by [`HasEmbeddedWork::init_embedded_work`].
#[repr(transparent)]
pub struct EmbeddedWork<T: ?Sized, const ID: u64 = 0> {
    work: Opaque<bindings::work_struct>,
    _owner: PhantomData<T>,
}

impl<T: HasEmbeddedWork<ID>, const ID: u64> EmbeddedWork<T, ID> {
    /// Returns the C work item.
    pub fn as_raw(&self) -> *mut bindings::work_struct {
        self.work.get()
    }

    /// Queues the work item on kblockd (C's `kblockd_schedule_work`);
    /// returns false if it was already queued (it then runs once).
    #[cfg(CONFIG_BLOCK)]
    pub fn kblockd_schedule(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised; its owner
        // outlives it while queued (`HasEmbeddedWork`'s contract).
        unsafe { bindings::kblockd_schedule_work(self.as_raw()) != 0 }
    }

    /// Queues the work item on `queue`; returns false if it was already
    /// queued.
    pub fn enqueue(&self, queue: &Queue) -> bool {
        let queue: *const Queue = queue;
        // SAFETY: `Queue` is a transparent wrapper of the C queue, valid
        // during the call; the work is initialised and its owner outlives
        // it while queued (`HasEmbeddedWork`'s contract).
        unsafe {
            bindings::queue_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                queue.cast_mut().cast(),
                self.as_raw(),
            )
        }
    }

    /// Waits for the work item to finish if it is queued or running (C's
    /// `flush_work`); returns whether it had to wait.
    pub fn flush(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised.
        unsafe { bindings::flush_work(self.as_raw()) }
    }

    /// Takes the work item off its queue if it is queued, and waits for it
    /// if it runs (C's `cancel_work_sync`); returns whether it was queued.
    pub fn cancel_sync(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised.
        unsafe { bindings::cancel_work_sync(self.as_raw()) }
    }

    /// The C work function: runs the owner's [`HasEmbeddedWork::run`].
    ///
    /// # Safety
    ///
    /// Called by the workqueue code with the work item of a `T` that
    /// [`HasEmbeddedWork::init_embedded_work`] set up.
    unsafe extern "C" fn work_fn(work: *mut bindings::work_struct) {
        // SAFETY: The work is at `WORK_OFFSET` in a `T`, which stays valid
        // while its work item is queued or running (`HasEmbeddedWork`'s
        // contract).
        let owner = unsafe { &*work.byte_sub(T::WORK_OFFSET).cast::<T>() };
        T::run(owner);
    }
}

/// An object with a C `work_struct` at a fixed offset, which runs
/// [`HasEmbeddedWork::run`] on the object.
///
/// This is for work items inside structs whose layout C defines; a Rust
/// struct uses [`Work`] and [`HasWork`] instead.
///
/// # Safety
///
/// - [`HasEmbeddedWork::WORK_OFFSET`] is the offset in `Self` of a
///   `struct work_struct` used by nobody else, which
///   [`HasEmbeddedWork::init_embedded_work`] initialises before any other
///   method of [`EmbeddedWork`] is called on it;
/// - a `Self` stays valid, and may be used as `&Self` from any thread,
///   while its work item is queued or running: the owner flushes or
///   cancels it before it goes away.
pub unsafe trait HasEmbeddedWork<const ID: u64 = 0>: Sync + Sized {
    /// The offset of the work item in `Self`.
    const WORK_OFFSET: usize;

    /// The work function, run on the object once per queueing.
    fn run(&self);

    /// Returns the work item of `self`.
    fn embedded_work(&self) -> &EmbeddedWork<Self, ID> {
        let this: *const Self = self;
        // SAFETY: By the trait's safety requirements there is a work item
        // at `WORK_OFFSET`, initialised before use, and `EmbeddedWork` is
        // a transparent wrapper of it.
        unsafe { &*this.byte_add(Self::WORK_OFFSET).cast() }
    }

    /// Initialises the work item of the object at `ptr`, to run
    /// [`HasEmbeddedWork::run`] (C's `INIT_WORK`), with lockdep `name` and
    /// `key`.
    ///
    /// # Safety
    ///
    /// `ptr` points to memory for a `Self` whose work item nobody uses.
    unsafe fn init_embedded_work(
        ptr: *mut Self,
        name: &'static CStr,
        key: Pin<&'static LockClassKey>,
    ) {
        // SAFETY: By the safety requirements the work item at
        // `WORK_OFFSET` is valid for writes and unused.
        unsafe {
            bindings::init_work_with_key(
                ptr.byte_add(Self::WORK_OFFSET).cast(),
                Some(EmbeddedWork::<Self, ID>::work_fn),
                false,
                name.as_char_ptr(),
                key.as_ptr(),
            )
        };
    }
}

/// A C `struct delayed_work` embedded in an object whose layout C owns, run
/// by [`HasEmbeddedDelayedWork::run`] on that object once its timer fired.
///
/// The delayed counterpart of [`EmbeddedWork`]; obtained from its owner
/// with [`HasEmbeddedDelayedWork::embedded_delayed_work`].
///
/// # Invariants
///
/// `self` is the delayed work item at
/// [`HasEmbeddedDelayedWork::DELAYED_WORK_OFFSET`] in a `T`, initialised by
/// [`HasEmbeddedDelayedWork::init_embedded_delayed_work`].
#[repr(transparent)]
pub struct EmbeddedDelayedWork<T: ?Sized, const ID: u64 = 0> {
    dwork: Opaque<bindings::delayed_work>,
    _owner: PhantomData<T>,
}

impl<T: HasEmbeddedDelayedWork<ID>, const ID: u64> EmbeddedDelayedWork<T, ID> {
    /// Returns the C delayed work item.
    pub fn as_raw(&self) -> *mut bindings::delayed_work {
        self.dwork.get()
    }

    /// Queues the work item on `queue` to run `delay` jiffies from now (C's
    /// `queue_delayed_work`); returns false, changing nothing, if it was
    /// already pending.
    pub fn enqueue(&self, queue: &Queue, delay: Jiffies) -> bool {
        let queue: *const Queue = queue;
        // SAFETY: `Queue` is a transparent wrapper of the C queue, valid
        // during the call; by the type invariant the work is initialised,
        // and its owner outlives it while pending (the trait's contract).
        unsafe {
            bindings::queue_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                queue.cast_mut().cast(),
                self.as_raw(),
                delay,
            )
        }
    }

    /// Queues the work item on kblockd to run `delay` jiffies from now, or
    /// moves its timer there if it is pending (C's
    /// `kblockd_mod_delayed_work_on`); returns whether it was pending.
    #[cfg(CONFIG_BLOCK)]
    pub fn kblockd_mod(&self, delay: Jiffies) -> bool {
        // SAFETY: As in `enqueue`.
        unsafe {
            bindings::kblockd_mod_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                self.as_raw(),
                delay,
            ) != 0
        }
    }

    /// Takes the work item off its timer or queue if it is pending, without
    /// waiting for it if it runs (C's `cancel_delayed_work`); returns
    /// whether it was pending.
    pub fn cancel(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised.
        unsafe { bindings::cancel_delayed_work(self.as_raw()) }
    }

    /// As [`EmbeddedDelayedWork::cancel`], and waits for the work item if
    /// it runs (C's `cancel_delayed_work_sync`). Not from the work item
    /// itself.
    pub fn cancel_sync(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised.
        unsafe { bindings::cancel_delayed_work_sync(self.as_raw()) }
    }

    /// Runs the work item now if its timer is pending, and waits for it if
    /// it is queued or running (C's `flush_delayed_work`); returns whether
    /// it had to wait.
    pub fn flush(&self) -> bool {
        // SAFETY: By the type invariant the work is initialised.
        unsafe { bindings::flush_delayed_work(self.as_raw()) }
    }

    /// The C work function: runs the owner's [`HasEmbeddedDelayedWork::run`].
    ///
    /// # Safety
    ///
    /// Called by the workqueue code with the `work` of the delayed work item
    /// of a `T` that [`HasEmbeddedDelayedWork::init_embedded_delayed_work`]
    /// set up.
    unsafe extern "C" fn work_fn(work: *mut bindings::work_struct) {
        // SAFETY: `work` is the `work` field of the `delayed_work` at
        // `DELAYED_WORK_OFFSET` in a `T`, which is valid when its work item
        // starts to run (the trait's contract).
        let owner = unsafe {
            let dwork = container_of!(work, bindings::delayed_work, work);
            NonNull::new_unchecked(dwork.byte_sub(T::DELAYED_WORK_OFFSET).cast::<T>())
        };
        T::run(owner);
    }
}

/// An object with a C `delayed_work` at a fixed offset, which runs
/// [`HasEmbeddedDelayedWork::run`] on the object when its timer fired.
///
/// # Safety
///
/// - [`HasEmbeddedDelayedWork::DELAYED_WORK_OFFSET`] is the offset in
///   `Self` of a `struct delayed_work` used by nobody else, which
///   [`HasEmbeddedDelayedWork::init_embedded_delayed_work`] initialises
///   before any method of [`EmbeddedDelayedWork`] is called on it;
/// - a `Self` stays valid, and may be used as `&Self` from any thread,
///   while its work item is pending and until [`HasEmbeddedDelayedWork::run`]
///   starts: the owner cancels it (with
///   [`EmbeddedDelayedWork::cancel_sync`] or after
///   [`EmbeddedDelayedWork::cancel`] returned true) before it goes away,
///   unless `run` itself ends the owner's life.
pub unsafe trait HasEmbeddedDelayedWork<const ID: u64 = 0>: Sync + Sized {
    /// The offset of the delayed work item in `Self`.
    const DELAYED_WORK_OFFSET: usize;

    /// The work function, run once per queueing on the object at `this`.
    ///
    /// `this` is valid when `run` starts. Unlike [`HasEmbeddedWork::run`],
    /// `run` may end the owner's life (a driver callback that frees the
    /// object, say): it gets a pointer, not a reference that would have to
    /// stay valid until it returns, and must not use `this` afterwards.
    fn run(this: NonNull<Self>);

    /// Returns the delayed work item of `self`.
    fn embedded_delayed_work(&self) -> &EmbeddedDelayedWork<Self, ID> {
        let this: *const Self = self;
        // SAFETY: By the trait's safety requirements there is a delayed work
        // item at `DELAYED_WORK_OFFSET`, initialised before use, and
        // `EmbeddedDelayedWork` is a transparent wrapper of it.
        unsafe { &*this.byte_add(Self::DELAYED_WORK_OFFSET).cast() }
    }

    /// Initialises the delayed work item of the object at `ptr`, to run
    /// [`HasEmbeddedDelayedWork::run`] (C's `INIT_DELAYED_WORK`): lockdep
    /// `name` and `key` for the work, `timer_name` and `timer_key` for its
    /// timer.
    ///
    /// # Safety
    ///
    /// `ptr` points to memory for a `Self` whose delayed work item nobody
    /// uses.
    unsafe fn init_embedded_delayed_work(
        ptr: *mut Self,
        name: &'static CStr,
        key: Pin<&'static LockClassKey>,
        timer_name: &'static CStr,
        timer_key: Pin<&'static LockClassKey>,
    ) {
        // SAFETY: By the safety requirements the field is inside `*ptr`.
        let dwork: *mut bindings::delayed_work =
            unsafe { ptr.byte_add(Self::DELAYED_WORK_OFFSET).cast() };
        // SAFETY: By the safety requirements the delayed work item is valid
        // for writes and unused. The timer is only armed by the workqueue
        // code, which wants it irqsafe and run by `delayed_work_timer_fn`.
        unsafe {
            bindings::init_work_with_key(
                &raw mut (*dwork).work,
                Some(EmbeddedDelayedWork::<Self, ID>::work_fn),
                false,
                name.as_char_ptr(),
                key.as_ptr(),
            );
            bindings::timer_init_key(
                &raw mut (*dwork).timer,
                Some(bindings::delayed_work_timer_fn),
                bindings::TIMER_IRQSAFE,
                timer_name.as_char_ptr(),
                timer_key.as_ptr(),
            );
        }
    }
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
            self,
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
    fn kblockd_delayed_is_moved_and_cancelled() -> Result {
        let l = later()?;
        // Idle: queued. Pending: only moved, the reference comes back.
        assert!(kblockd_mod_delayed(l.clone(), 3_600_000).is_ok());
        assert!(kblockd_mod_delayed(l.clone(), 7_200_000).is_err());
        assert!(cancel_delayed_work_sync(&l));
        assert!(!cancel_delayed_work_sync(&l));
        assert_eq!(l.runs.load(Relaxed), 0);
        assert!(Arc::into_unique_or_drop(l.clone()).is_none());

        // Pending an hour out, then moved to now: it runs, once.
        assert!(kblockd_mod_delayed(l.clone(), 3_600_000).is_ok());
        assert!(kblockd_mod_delayed(l.clone(), 0).is_err());
        l.done.wait_for_completion();
        assert!(!cancel_delayed_work_sync(&l));
        assert_eq!(l.runs.load(Relaxed), 1);
        assert!(alone(l));
        Ok(())
    }

    /// A struct laid out as C would, with a bare `work_struct` in it.
    #[pin_data]
    #[repr(C)]
    struct Host {
        runs: Atomic<u32>,
        #[pin]
        ran: Completion,
        work: Opaque<bindings::work_struct>,
    }

    // SAFETY: `runs` and `ran` are thread-safe; `work` is only used
    // through the workqueue code.
    unsafe impl Sync for Host {}

    // SAFETY: `work` is a work item only used through this implementation,
    // initialised right after the `Host` is allocated; each test flushes
    // or cancels it before freeing the `Host`.
    unsafe impl HasEmbeddedWork for Host {
        const WORK_OFFSET: usize = core::mem::offset_of!(Host, work);

        fn run(&self) {
            self.runs.fetch_add(1, Relaxed);
            self.ran.complete_all();
        }
    }

    fn host() -> Result<Pin<KBox<Host>>> {
        let host = KBox::pin_init(
            pin_init!(Host {
                runs: Atomic::new(0),
                ran <- Completion::new(),
                work: Opaque::uninit(),
            }),
            GFP_KERNEL,
        )?;
        let ptr: *const Host = &*host;
        // SAFETY: The `Host` was just allocated; nobody uses its work.
        unsafe {
            Host::init_embedded_work(ptr.cast_mut(), c"Host::work", crate::static_lock_class!())
        };
        Ok(host)
    }

    #[test]
    fn embedded_work_runs_on_its_owner() -> Result {
        let h = host()?;
        let work = h.embedded_work();
        assert_eq!(work.as_raw().cast::<u8>(), h.work.get().cast::<u8>());
        // Nothing queued: nothing to wait for or cancel.
        assert!(!work.flush());
        assert!(!work.cancel_sync());

        assert!(work.kblockd_schedule());
        h.ran.wait_for_completion();
        work.flush();
        assert_eq!(h.runs.load(Relaxed), 1);

        let queue = OwnedQueue::new(c"rwq_embedded", WQ_UNBOUND, 1)?;
        assert!(work.enqueue(&queue));
        work.flush();
        assert_eq!(h.runs.load(Relaxed), 2);
        assert!(!work.cancel_sync());
        drop(queue);
        assert_eq!(h.runs.load(Relaxed), 2);
        Ok(())
    }

    /// As [`Host`], with a bare `delayed_work`.
    #[pin_data]
    #[repr(C)]
    struct DelayedHost {
        runs: Atomic<u32>,
        dwork: Opaque<bindings::delayed_work>,
    }

    // SAFETY: `runs` is thread-safe; `dwork` is only used
    // through the workqueue code.
    unsafe impl Sync for DelayedHost {}

    // SAFETY: `dwork` is a delayed work item only used through this
    // implementation, initialised right after the `DelayedHost` is
    // allocated; each test cancels or flushes it before freeing the host,
    // and `run` does not end the host's life.
    unsafe impl HasEmbeddedDelayedWork for DelayedHost {
        const DELAYED_WORK_OFFSET: usize = core::mem::offset_of!(DelayedHost, dwork);

        fn run(this: NonNull<Self>) {
            // SAFETY: The host outlives its work item (see above).
            let this = unsafe { this.as_ref() };
            this.runs.fetch_add(1, Relaxed);
        }
    }

    fn delayed_host() -> Result<Pin<KBox<DelayedHost>>> {
        let host = KBox::pin_init(
            pin_init!(DelayedHost {
                runs: Atomic::new(0),
                dwork: Opaque::uninit(),
            }),
            GFP_KERNEL,
        )?;
        let ptr: *const DelayedHost = &*host;
        // SAFETY: The host was just allocated; nobody uses its work.
        unsafe {
            DelayedHost::init_embedded_delayed_work(
                ptr.cast_mut(),
                c"DelayedHost::dwork",
                crate::static_lock_class!(),
                c"DelayedHost::dwork.timer",
                crate::static_lock_class!(),
            )
        };
        Ok(host)
    }

    #[test]
    fn embedded_delayed_work_runs_on_its_owner() -> Result {
        let h = delayed_host()?;
        let work = h.embedded_delayed_work();
        assert_eq!(work.as_raw().cast::<u8>(), h.dwork.get().cast::<u8>());
        // Nothing pending: nothing to cancel or wait for.
        assert!(!work.cancel());
        assert!(!work.cancel_sync());
        assert!(!work.flush());

        // An hour out: pending, queued once only, cancelled, never run.
        let queue = OwnedQueue::new(c"rwq_edelayed", WQ_UNBOUND, 1)?;
        assert!(work.enqueue(&queue, 3_600_000));
        assert!(!work.enqueue(&queue, 0));
        assert!(work.cancel_sync());
        assert!(!work.cancel());
        assert_eq!(h.runs.load(Relaxed), 0);

        // Without `_sync`, too.
        assert!(work.enqueue(workqueue::system_percpu(), 3_600_000));
        assert!(work.cancel());
        assert!(!work.cancel_sync());
        assert_eq!(h.runs.load(Relaxed), 0);

        // A flush runs a pending timer's work now.  Its return value is
        // not checked: the work queued by the flush may run before the
        // flush waits for it, and flush_work() then says it waited for
        // nothing.
        assert!(work.enqueue(&queue, 3_600_000));
        work.flush();
        assert_eq!(h.runs.load(Relaxed), 1);

        // kblockd: pending an hour out, then moved to now: it runs once.
        assert!(!work.kblockd_mod(3_600_000));
        assert!(work.kblockd_mod(0));
        work.flush();
        assert_eq!(h.runs.load(Relaxed), 2);
        assert!(!work.cancel_sync());

        // A short delay: the timer fires by itself. The queue is only
        // dropped once the work ran (draining waits for no timer).
        assert!(work.enqueue(&queue, 1));
        for _ in 0..1000 {
            if h.runs.load(Relaxed) == 3 {
                break;
            }
            crate::time::delay::fsleep(crate::time::Delta::from_millis(10));
        }
        assert!(!work.cancel_sync());
        assert_eq!(h.runs.load(Relaxed), 3);
        drop(queue);
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
