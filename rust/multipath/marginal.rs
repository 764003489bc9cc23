// SPDX-License-Identifier: GPL-2.0

//! Marginal paths: a path that fails too often is used only when no
//! healthy path is usable, until it has gone without an error for a while.
//!
//! A driver reports each I/O that failed because of the path
//! ([`MpathDevice::report_error`], C's `mpath_path_error`). When the
//! errors within [`MarginalParam::WindowSecs`] reach
//! [`MarginalParam::Errors`] (0: never), the path becomes marginal: as
//! long as some path that is not marginal is usable (optimized or not), a
//! marginal path counts as unusable for every policy, and the NUMA policy
//! does not keep it cached; with no such path it serves as it is. Once it
//! has had no error for
//! [`MarginalParam::RecoverySecs`], the next selection that looks at it
//! takes it back. These are the settings of dm-multipath's
//! `san_path_err_threshold` and `san_path_err_recovery_time`, per head.
//!
//! # Examples
//!
//! ```
//! use multipath::marginal::MarginalParam;
//!
//! assert_eq!(MarginalParam::WindowSecs.check(10), Ok(10));
//! assert!(MarginalParam::WindowSecs.check(0).is_err());
//! assert!(MarginalParam::Errors.check(0).is_ok());
//! ```

use crate::{
    clock::jiffies,
    device::MpathDevice,
    flags::DeviceFlag,
    head::MpathHead,
    path::PathInfo, //
};
use core::ops::RangeInclusive;
use kernel::{
    bindings,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    time::msecs_to_jiffies,
};

/// A setting of marginal path detection (C's `enum mpath_marginal_param`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum MarginalParam {
    /// Errors within a window that make a path marginal; 0: never.
    Errors = bindings::mpath_marginal_param_MPATH_MARGINAL_ERRORS,
    /// The window, in seconds.
    WindowSecs = bindings::mpath_marginal_param_MPATH_MARGINAL_WINDOW_SECS,
    /// Seconds without an error after which a marginal path is healthy.
    RecoverySecs = bindings::mpath_marginal_param_MPATH_MARGINAL_RECOVERY_SECS,
}

impl MarginalParam {
    /// Every setting, in the order of their C values.
    pub const ALL: [MarginalParam; 3] = [
        MarginalParam::Errors,
        MarginalParam::WindowSecs,
        MarginalParam::RecoverySecs,
    ];

    /// Converts a C `enum mpath_marginal_param` value.
    pub fn from_raw(value: u32) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|p| *p as u32 == value)
            .ok_or(EINVAL)
    }

    /// The values the setting takes.
    pub const fn range(self) -> RangeInclusive<u32> {
        match self {
            MarginalParam::Errors => 0..=1_000_000,
            MarginalParam::WindowSecs => 1..=3600,
            MarginalParam::RecoverySecs => 1..=86400,
        }
    }

    /// The value of a new head.
    pub const fn default_value(self) -> u32 {
        match self {
            MarginalParam::Errors => 0,
            MarginalParam::WindowSecs => 10,
            MarginalParam::RecoverySecs => 30,
        }
    }

    /// Returns `value` if the setting takes it, else `EINVAL`.
    pub fn check(self, value: u32) -> Result<u32> {
        if self.range().contains(&value) {
            Ok(value)
        } else {
            Err(EINVAL)
        }
    }

    /// Returns the setting's name, as its sysfs file is called.
    pub const fn name(self) -> &'static str {
        match self {
            MarginalParam::Errors => "marginal_errors",
            MarginalParam::WindowSecs => "marginal_window_secs",
            MarginalParam::RecoverySecs => "marginal_recovery_secs",
        }
    }
}

/// Returns `secs` (at most a day, as the ranges allow) in jiffies.
fn secs_to_jiffies(secs: u32) -> usize {
    msecs_to_jiffies(secs.min(86400) * 1000) as usize
}

impl MpathHead {
    /// Returns the storage of `param`.
    fn marginal_slot(&self, param: MarginalParam) -> &Atomic<u32> {
        self.fields().marginal(param as usize)
    }

    /// Returns the value of `param`.
    pub fn marginal_param(&self, param: MarginalParam) -> u32 {
        self.marginal_slot(param).load(Relaxed)
    }

    /// Changes `param`; `EINVAL`, with nothing changed, for a value out of
    /// its range.
    pub fn set_marginal_param(&self, param: MarginalParam, value: u32) -> Result {
        let Ok(value) = param.check(value) else {
            pr_err!(
                "{}: {} is not in {}..={}\n",
                param.name(),
                value,
                param.range().start(),
                param.range().end()
            );
            return Err(EINVAL);
        };
        self.marginal_slot(param).store(value, Relaxed);
        Ok(())
    }

    /// Returns whether a path that is not marginal is usable: active
    /// (optimized or not) and not disabled.
    #[cold]
    pub(crate) fn has_healthy_path(&self) -> bool {
        let guard = self.srcu().read_lock();
        let healthy = self.list().iter(&guard).any(|p| {
            let active = matches!(
                p.raw_state(),
                bindings::mpath_access_state_MPATH_STATE_OPTIMIZED
                    | bindings::mpath_access_state_MPATH_STATE_NONOPTIMIZED
            );
            active && !p.test_flag(DeviceFlag::Marginal) && !p.is_disabled()
        });
        healthy
    }

    /// Sets every setting to its default, for a new head.
    pub(crate) fn init_marginal(&self) {
        for param in MarginalParam::ALL {
            self.marginal_slot(param)
                .store(param.default_value(), Relaxed);
        }
    }
}

impl MpathDevice {
    /// Reports an I/O of the head that failed on this path because of the
    /// path; the path becomes marginal when its errors in the window reach
    /// the head's limit. Any context; does not sleep.
    pub fn report_error(&self) {
        let Some(head) = self.head() else {
            return;
        };
        let fields = self.fields();
        let now = jiffies();
        fields.mg_last_error().store(now, Relaxed);
        let limit = head.marginal_param(MarginalParam::Errors);
        if limit == 0 {
            return;
        }
        // A new window once the last one is over; racing reporters may lose
        // an error at the turn of a window.
        let window = secs_to_jiffies(head.marginal_param(MarginalParam::WindowSecs));
        if now.wrapping_sub(fields.mg_window().load(Relaxed)) > window {
            fields.mg_window().store(now, Relaxed);
            fields.mg_errors().store(0, Relaxed);
        }
        let errors = fields.mg_errors().fetch_add(1, Relaxed) + 1;
        if errors >= limit && !self.test_and_set_flag(DeviceFlag::Marginal) {
            fields.mg_count().fetch_add(1, Relaxed);
            head.clear_current_path(self);
            pr_warn!(
                "{}: {} I/O errors within {} s: marginal, used only when no healthy path is\n",
                self.name(),
                errors,
                head.marginal_param(MarginalParam::WindowSecs)
            );
        }
    }

    /// Returns whether the path is marginal now; a marginal path that has
    /// gone without an error for the head's recovery time is healthy
    /// again from this call on.
    #[inline]
    pub fn is_marginal(&self) -> bool {
        self.test_flag(DeviceFlag::Marginal) && self.still_marginal()
    }

    /// The rest of [`MpathDevice::is_marginal`] for a path marked marginal.
    #[cold]
    fn still_marginal(&self) -> bool {
        let Some(head) = self.head() else {
            return true;
        };
        let secs = head.marginal_param(MarginalParam::RecoverySecs);
        let quiet = jiffies().wrapping_sub(self.fields().mg_last_error().load(Relaxed));
        if quiet < secs_to_jiffies(secs) {
            return true;
        }
        if self.test_and_clear_flag(DeviceFlag::Marginal) {
            pr_info!(
                "{}: no I/O error for {} s: healthy again\n",
                self.name(),
                secs
            );
        }
        false
    }

    /// Returns the name of the path's disk, for messages.
    fn name(&self) -> &CStr {
        self.bdev().map_or(c"(no disk)", |bdev| bdev.name())
    }

    /// Returns whether the path is marginal and some other path of its
    /// head is healthy and usable: then it is not chosen. Walks the path
    /// list, for marginal paths only.
    #[inline]
    pub(crate) fn is_set_aside(&self) -> bool {
        self.is_marginal() && self.head().is_some_and(MpathHead::has_healthy_path)
    }

    /// Returns how many times the path became marginal.
    pub fn marginal_count(&self) -> usize {
        self.fields().mg_count().load(Relaxed)
    }
}
