// SPDX-License-Identifier: GPL-2.0

//! Delayed removal of a head whose last path went.
//!
//! With a non-zero `delayed_removal_secs` a head without paths queues its
//! I/O and waits for a path to come back; after the delay the driver's
//! `remove_head` removes it. While the removal is pending the driver's
//! module is pinned, exactly once.
//!
//! # Protocol
//!
//! `MPATH_HEAD_REMOVE_PENDING` is set when the removal is scheduled and the
//! module pinned. Whoever clears the bit owns the pin and drops it: a path
//! added in time (which also cancels the work), the work itself when it
//! fires, or the head's teardown. The bit is only set while the path list
//! is empty: the check and the setting happen under `requeue_lock`, and
//! adding a path clears the bit under it after the path is on the list.
//!
//! Only `requeue_lock`, a spinlock, is taken here: drivers decide about
//! removal under their own locks, which SRCU readers may take (an NVMe
//! passthrough command takes `subsys->lock`), while the head's mutexes are
//! held across SRCU grace periods.
//!
//! # Examples
//!
//! ```
//! # use kernel::block::{bio_disk::GenDisk, mem_disk::MemDisk, BlockDevice};
//! # use multipath::{IoPolicy, MpathDevice, MpathHeadTemplate, OwnedHead};
//! # struct MyPath {
//! #     mdev: MpathDevice,
//! #     disk: GenDisk<MemDisk>,
//! # }
//! # multipath::impl_has_mpath_device!(MyPath, mdev);
//! # struct MyDriver;
//! # #[vtable]
//! # impl MpathHeadTemplate for MyDriver {
//! #     type Path = MyPath;
//! #     fn path_disk(path: &MyPath) -> &BlockDevice {
//! #         path.disk.part0()
//! #     }
//! # }
//! use multipath::removal::MAX_DELAYED_REMOVAL_SECS;
//!
//! # let head = OwnedHead::<MyDriver>::new(IoPolicy::Numa)?;
//! // No delay by default: a head without paths is removed at once.
//! assert_eq!(head.delayed_removal_secs(), 0);
//! assert!(head.is_empty());
//! assert!(head.can_remove());
//!
//! // A delay makes the head queue I/O while it has no path; it is limited
//! // so that the delay in jiffies fits an int.
//! head.set_delayed_removal_secs(30)?;
//! assert_eq!(head.delayed_removal_secs(), 30);
//! assert!(head.set_delayed_removal_secs(MAX_DELAYED_REMOVAL_SECS + 1).is_err());
//! assert_eq!(head.delayed_removal_secs(), 30);
//! head.set_delayed_removal_secs(0)?;
//! # Ok::<(), Error>(())
//! ```

use crate::head::{
    unpin_driver,
    MpathHead, //
};
use kernel::{
    bindings, container_of,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

/// The largest removal delay, in seconds: the delay in jiffies fits an
/// `int` (C's `MPATH_MAX_DELAYED_REMOVAL_SECS`). `CONFIG_HZ`, not
/// `bindings::HZ`: the latter comes from the UAPI `asm/param.h` and is
/// `USER_HZ`.
pub const MAX_DELAYED_REMOVAL_SECS: u32 = i32::MAX as u32 / bindings::CONFIG_HZ;

impl MpathHead {
    fn removal_secs(&self) -> &Atomic<u32> {
        // SAFETY: The field is valid for the head's life and only accessed
        // atomically.
        unsafe { Atomic::from_ptr(&raw mut (*self.as_raw()).delayed_removal_secs) }
    }

    fn remove_work(&self) -> *mut bindings::delayed_work {
        // SAFETY: A field of the set-up head.
        unsafe { &raw mut (*self.as_raw()).remove_work }
    }

    /// Returns the removal delay in seconds.
    pub fn delayed_removal_secs(&self) -> u32 {
        self.removal_secs().load(Relaxed)
    }

    /// Sets the removal delay: non-zero queues I/O while the head has no
    /// path; zero stops that and fails the bios that wait without one.
    /// `EINVAL` above [`MAX_DELAYED_REMOVAL_SECS`].
    pub fn set_delayed_removal_secs(&self, secs: u32) -> Result {
        if secs > MAX_DELAYED_REMOVAL_SECS {
            return Err(EINVAL);
        }
        {
            let _guard = self.requeue_lock().lock();
            self.removal_secs().store(secs, Relaxed);
            if secs != 0 {
                self.test_and_set_flag(bindings::MPATH_HEAD_QUEUE_IF_NO_PATH);
            } else {
                self.clear_flag(bindings::MPATH_HEAD_QUEUE_IF_NO_PATH);
            }
        }
        // Submitters see the new queue-if-no-path from now on.
        self.srcu().synchronize();
        if secs == 0 {
            self.kick_requeue();
        }
        Ok(())
    }

    /// Decides about a head whose last path went (C's
    /// `mpath_can_remove_head`): true to remove it now, false if it has a
    /// path or its removal is pending.
    pub fn can_remove(&self) -> bool {
        let _guard = self.requeue_lock().lock();
        if !self.is_empty() {
            return false;
        }
        let secs = self.delayed_removal_secs();
        if secs == 0 {
            return true;
        }
        if self.test_and_set_flag(bindings::MPATH_HEAD_REMOVE_PENDING) {
            // Already pending: the module is pinned once only.
            return false;
        }
        if !self.pin_driver() {
            // The driver is being unloaded: remove now.
            self.clear_flag(bindings::MPATH_HEAD_REMOVE_PENDING);
            return true;
        }
        let delay = secs as usize * bindings::CONFIG_HZ as usize;
        // SAFETY: The work is initialised; the head outlives it (teardown
        // cancels it).
        unsafe {
            bindings::queue_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as i32,
                bindings::system_wq,
                self.remove_work(),
                delay,
            )
        };
        false
    }

    /// Drops the module pin of a pending removal that `self` ends; `sync`
    /// waits for a removal work that is running.
    fn end_pending_removal(&self, sync: bool) {
        let pending = {
            let _guard = self.requeue_lock().lock();
            self.test_and_clear_flag(bindings::MPATH_HEAD_REMOVE_PENDING)
        };
        if !pending {
            return;
        }
        // SAFETY: The work is initialised. It cannot be the caller: the
        // work only calls the driver after it cleared the bit itself.
        unsafe {
            if sync {
                bindings::cancel_delayed_work_sync(self.remove_work());
            } else {
                bindings::cancel_delayed_work(self.remove_work());
            }
        }
        unpin_driver(self.driver_module());
    }

    /// A path was added, under the head's lock: a pending removal is off.
    pub(crate) fn cancel_removal(&self) {
        self.end_pending_removal(false);
    }

    /// The head is torn down: a pending removal is off.
    pub(crate) fn finish_removal(&self) {
        self.end_pending_removal(true);
    }
}

/// The delayed removal fired.
///
/// # Safety
///
/// Called by the workqueue with the `remove_work` of a set-up head.
pub(crate) unsafe extern "C" fn remove_work(work: *mut bindings::work_struct) {
    // SAFETY: `work` is the `work` of the head's `remove_work`.
    let head = unsafe {
        let dwork = container_of!(work, bindings::delayed_work, work);
        MpathHead::from_raw(container_of!(dwork, bindings::mpath_head, remove_work))
    };
    {
        let _guard = head.requeue_lock().lock();
        if !head.test_and_clear_flag(bindings::MPATH_HEAD_REMOVE_PENDING) {
            // A path came back, or the head is being torn down.
            return;
        }
    }
    // Read before the driver may free the head; the pin taken by
    // `can_remove` is this work's now.
    let module = head.driver_module();
    if let Some(remove_head) = head.template().remove_head {
        // SAFETY: The driver's callback takes its own set-up head.
        unsafe { remove_head(head.as_raw()) };
    }
    unpin_driver(module);
}
