// SPDX-License-Identifier: GPL-2.0

//! Bio submission on a head: to the chosen path, to the requeue list when
//! no path is usable but one may come back, or failed.

use crate::{
    flags::HeadFlag,
    head::MpathHead,
    path::PathSet, //
};
use kernel::{
    block::bio::{
        Bio,
        BioFlag,
        BlkStatus,
        ReqFlags, //
    },
    sync::srcu_fast::FastGuard,
};

impl MpathHead {
    /// Handles one bio submitted to the head disk.
    pub(crate) fn submit_bio(&self, bio: Bio) {
        let Some(bio) = bio.split_to_limits() else {
            return;
        };
        let srcu = self.srcu().read_lock();
        if let Some(bdev) = self.find_path(&srcu).and_then(|dev| dev.bdev()) {
            let Some(mut bio) = self.driver_clone(bio) else {
                return;
            };
            let sector = bio.sector();
            bio.set_dev(bdev);
            bio.set_flag(BioFlag::REMAPPED);
            bio.set_opf_flags(ReqFlags::DRV);
            bio.trace_remap(self.disk_devt(), sector);
            bio.submit();
        } else if self.available_path(&srcu) {
            // Queued inside the read-side section, so that a remover that
            // synchronises and then kicks the requeue work sees it.
            self.count_requeue();
            self.requeue(bio);
        } else {
            self.count_fail();
            bio.io_error();
        }
    }

    /// Gives the driver's `clone_bio` the bio to send; returns what to
    /// send, or `None` when the driver could not clone (the bio is then
    /// failed with `BLK_STS_RESOURCE`).
    fn driver_clone(&self, bio: Bio) -> Option<Bio> {
        let Some(clone) = self.template().clone_bio else {
            return Some(bio);
        };
        let orig = bio.into_raw();
        // SAFETY: The driver's callback takes a bio of its head disk and
        // returns NULL (the bio is still ours) or the bio to send, which is
        // then ours while `orig` belongs to the clone's completion.
        let sent = unsafe { clone(orig) };
        if sent.is_null() {
            // SAFETY: `clone_bio` failed: `orig` is still ours.
            unsafe { Bio::from_raw(orig) }.end(BlkStatus::RESOURCE);
            return None;
        }
        // SAFETY: `sent` is ours, as above.
        Some(unsafe { Bio::from_raw(sent) })
    }

    /// Returns whether a bio without a usable path should wait: the disk is
    /// live and some path may come back, or queue-if-no-path is set.
    pub(crate) fn available_path(&self, srcu: &FastGuard<'_>) -> bool {
        if !self.test_flag(HeadFlag::DiskLive) {
            return false;
        }
        if let Some(available) = self.template().available_path {
            let set = self.path_set(srcu);
            // SAFETY: The driver's callback takes any of its live paths;
            // the paths are valid under `srcu`.
            if set.paths().any(|dev| unsafe { available(dev.as_raw()) }) {
                return true;
            }
        }
        self.test_flag(HeadFlag::QueueIfNoPath)
    }
}
