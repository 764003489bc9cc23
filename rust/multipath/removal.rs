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

use crate::{
    flags::HeadFlag,
    head::MpathHead, //
};
use core::ptr::NonNull;
use kernel::{
    bindings,
    module_ref::ModuleRef,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    workqueue,
    workqueue_owned::{
        EmbeddedDelayedWork,
        HasEmbeddedDelayedWork, //
    },
};

/// The largest removal delay, in seconds: the delay in jiffies fits an
/// `int` (C's `MPATH_MAX_DELAYED_REMOVAL_SECS`). `CONFIG_HZ`, not
/// `bindings::HZ`: the latter comes from the UAPI `asm/param.h` and is
/// `USER_HZ`.
pub const MAX_DELAYED_REMOVAL_SECS: u32 = i32::MAX as u32 / bindings::CONFIG_HZ;

impl MpathHead {
    fn removal_secs(&self) -> &Atomic<u32> {
        self.fields().delayed_removal_secs()
    }

    fn remove_work(&self) -> &EmbeddedDelayedWork<Self> {
        self.embedded_delayed_work()
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
                self.test_and_set_flag(HeadFlag::QueueIfNoPath);
            } else {
                self.clear_flag(HeadFlag::QueueIfNoPath);
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
        if self.test_and_set_flag(HeadFlag::RemovePending) {
            // Already pending: the module is pinned once only.
            return false;
        }
        let Some(pin) = self.pin_driver() else {
            // The driver is being unloaded: remove now.
            self.clear_flag(HeadFlag::RemovePending);
            return true;
        };
        // The pending removal's, until it ends (`end_pending_removal` or
        // the work).
        let _ = pin.into_raw();
        let delay = secs as usize * bindings::CONFIG_HZ as usize;
        self.remove_work().enqueue(workqueue::system_dfl(), delay);
        false
    }

    /// Ends a pending removal: clears `MPATH_HEAD_REMOVE_PENDING` and
    /// returns the pin of the driver's module that [`MpathHead::can_remove`]
    /// gave the removal; `None` if no removal was pending.
    fn take_pending_removal(&self) -> Option<ModuleRef> {
        let _guard = self.requeue_lock().lock();
        if !self.test_and_clear_flag(HeadFlag::RemovePending) {
            return None;
        }
        // SAFETY: The bit is only set with a pin given up for the removal
        // (`can_remove`, under the lock we hold) and only cleared here or,
        // before any pin, by `can_remove` itself: we cleared it, so the pin
        // is ours.
        Some(unsafe { self.fields().adopt_driver_pin() })
    }

    /// Drops the module pin of a pending removal that `self` ends; `sync`
    /// waits for a removal work that is running.
    fn end_pending_removal(&self, sync: bool) {
        let Some(pin) = self.take_pending_removal() else {
            return;
        };
        // Not the work itself: it only calls the driver after it cleared
        // the bit itself.
        if sync {
            self.remove_work().cancel_sync();
        } else {
            self.remove_work().cancel();
        }
        drop(pin);
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

// SAFETY: `remove_work` is a `delayed_work` of the head that only this
// implementation uses, initialised by `MpathHead::init`. A pending removal
// work is cancelled (synchronously) by the head's teardown before the head
// goes away, except by the work itself, which ends the head's life only
// through the driver's `remove_head` and does not use it afterwards.
unsafe impl HasEmbeddedDelayedWork for MpathHead {
    const DELAYED_WORK_OFFSET: usize = core::mem::offset_of!(bindings::mpath_head, remove_work);

    /// The delayed removal fired.
    fn run(this: NonNull<Self>) {
        // SAFETY: The head is set up when its removal work starts; `head`
        // is not used once `remove_head` may have freed it.
        let head = unsafe { this.as_ref() };
        // Taken before the driver may free the head.
        let Some(pin) = head.take_pending_removal() else {
            // A path came back, or the head is being torn down.
            return;
        };
        if let Some(remove_head) = head.template().remove_head {
            // SAFETY: The driver's callback takes its own set-up head.
            unsafe { remove_head(head.as_raw()) };
        }
        drop(pin);
    }
}
