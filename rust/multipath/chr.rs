// SPDX-License-Identifier: GPL-2.0

//! The head's character device (NVMe's `ngXnY`): file operations that
//! forward to the path I/O would use, and the template's `add_cdev` and
//! `del_cdev` called as the head disk comes and goes.
//!
//! The driver adds and deletes the cdev (it owns the class and the device
//! numbers); the library provides its file operations, [`HeadChr`],
//! exported to C as `mpath_chr_fops`.
//!
//! # Examples
//!
//! ```
//! use kernel::cdev::FileOperations;
//! use multipath::{c_api::chr::mpath_chr_fops, chr::HeadChr};
//!
//! // The file operations a head's character device gets, as C drivers find
//! // them.
//! static FOPS: FileOperations = FileOperations::new::<HeadChr>();
//! for fops in [&FOPS, &mpath_chr_fops] {
//!     // SAFETY: `as_raw` points into the static.
//!     let fops = unsafe { &*fops.as_raw() };
//!     assert!(fops.open.is_some() && fops.release.is_some());
//!     assert!(fops.unlocked_ioctl.is_some() && fops.uring_cmd.is_some());
//! }
//! ```

use crate::{
    device::MpathDevice,
    fields::HeadFields,
    flags::HeadFlag,
    head::MpathHead, //
};
use kernel::{
    bindings,
    cdev::{
        self,
        HasCdev,
        IoCompBatch,
        IoUringCmd,
        Operations, //
    },
    fs::File,
    prelude::*, //
};

// SAFETY: `from_cdev` goes from `struct mpath_head`'s `cdev` back to the
// head. The template's `add_cdev` contract (see `struct
// mpath_head_template`) makes the cdev's device hold a reference to the
// head until it is released, so the head outlives every open file.
unsafe impl HasCdev for MpathHead {
    unsafe fn from_cdev(cdev: *mut bindings::cdev) -> *const Self {
        // By the safety requirements `cdev` is a head's.
        HeadFields::from_cdev(cdev)
    }
}

/// The file operations of a head's character device.
pub struct HeadChr;

#[vtable]
impl Operations for HeadChr {
    type Owner = MpathHead;

    fn open(head: &MpathHead, _file: &File) -> Result {
        // Held until release, as an opener of the head disk holds it.
        if head.get() {
            Ok(())
        } else {
            Err(ENXIO)
        }
    }

    fn release(head: &MpathHead, _file: &File) {
        head.put();
    }

    fn ioctl(head: &MpathHead, file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let cdev_ioctl = head.template().cdev_ioctl.ok_or(ENOTTY)?;
        let for_write = cdev::opened_for_write(file);
        head.with_device_for_ioctl(cmd, |dev: &MpathDevice| {
            // SAFETY: The driver's callback takes one of its paths, alive
            // during the call (under SRCU, or held by `ioctl_begin`).
            let ret = unsafe { cdev_ioctl(dev.as_raw(), cmd, arg, for_write) };
            kernel::error::to_result(ret).map(|()| ret as isize)
        })
    }

    fn uring_cmd(head: &MpathHead, cmd: &IoUringCmd, issue_flags: u32) -> Result<i32> {
        let uring_cmd = head.template().chr_uring_cmd.ok_or(EOPNOTSUPP)?;
        let ret = head.with_device(|dev| {
            // SAFETY: The driver's callback takes one of its paths, alive
            // under SRCU during the call, and the command it was given.
            let ret = unsafe { uring_cmd(dev.as_raw(), cmd.as_raw(), issue_flags) };
            kernel::error::to_result(ret).map(|()| ret)
        });
        // No path: -EINVAL, as NVMe's head has always answered.
        ret.map_err(|e| if e == EAGAIN { EINVAL } else { e })
    }

    fn uring_cmd_iopoll(
        head: &MpathHead,
        cmd: &IoUringCmd,
        iob: &IoCompBatch,
        poll_flags: u32,
    ) -> Result<i32> {
        let Some(iopoll) = head.template().chr_uring_cmd_iopoll else {
            return Ok(0);
        };
        // SAFETY: The driver's callback takes a command on one of its
        // heads and the batch, both valid during the call.
        let ret = unsafe { iopoll(cmd.as_raw(), iob.as_raw(), poll_flags) };
        kernel::error::to_result(ret).map(|()| ret)
    }
}

impl MpathHead {
    /// Adds the head's character device through the template, once, when
    /// the head disk is added. A failure is logged; the head then goes
    /// without one, as NVMe's always did.
    pub(crate) fn add_cdev(&self) {
        let Some(add_cdev) = self.template().add_cdev else {
            return;
        };
        if self.test_and_set_flag(HeadFlag::CdevLive) {
            return;
        }
        // SAFETY: The driver's callback takes any of its set-up heads.
        let ret = unsafe { add_cdev(self.as_raw()) };
        if ret != 0 {
            pr_err!("cannot add the character device of a head: {ret}\n");
            self.clear_flag(HeadFlag::CdevLive);
        }
    }

    /// Deletes the head's character device, if added.
    pub(crate) fn del_cdev(&self) {
        if !self.test_and_clear_flag(HeadFlag::CdevLive) {
            return;
        }
        if let Some(del_cdev) = self.template().del_cdev {
            // SAFETY: The driver's callback takes a head whose cdev it
            // added.
            unsafe { del_cdev(self.as_raw()) };
        }
    }
}
