// SPDX-License-Identifier: GPL-2.0

//! I/O policies: how a head chooses the path for each bio.
//!
//! The names are those of NVMe native multipath, used unchanged by sysfs and
//! module parameters: `numa`, `round-robin` and `queue-depth`; `latency` is
//! the name of NVMe's proposed latency policy.
//!
//! # Examples
//!
//! ```
//! use multipath::IoPolicy;
//!
//! assert_eq!(IoPolicy::parse(b"round-robin\n"), Ok(IoPolicy::RoundRobin));
//! assert_eq!(IoPolicy::QueueDepth.name(), "queue-depth");
//! assert!(IoPolicy::parse(b"fastest").is_err());
//! ```

use kernel::{
    bindings,
    prelude::*, //
};

/// A path-selection policy, with the values of C's `enum mpath_iopolicy_e`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum IoPolicy {
    /// The closest optimized path by NUMA distance, cached per node.
    Numa = bindings::mpath_iopolicy_e_MPATH_IOPOLICY_NUMA,
    /// Round-robin over the optimized paths, with a cursor per node.
    RoundRobin = bindings::mpath_iopolicy_e_MPATH_IOPOLICY_RR,
    /// The optimized path with the fewest requests in flight.
    QueueDepth = bindings::mpath_iopolicy_e_MPATH_IOPOLICY_QD,
    /// The optimized paths in turn, each for as many I/Os as its weight,
    /// which follows its measured latency (see [`crate::latency`]).
    Latency = bindings::mpath_iopolicy_e_MPATH_IOPOLICY_LAT,
}

impl IoPolicy {
    /// Every policy, in the order of their C values.
    pub const ALL: [IoPolicy; 4] = [
        IoPolicy::Numa,
        IoPolicy::RoundRobin,
        IoPolicy::QueueDepth,
        IoPolicy::Latency,
    ];

    /// Returns the policy's name as shown in sysfs.
    pub const fn name(self) -> &'static str {
        match self {
            IoPolicy::Numa => "numa",
            IoPolicy::RoundRobin => "round-robin",
            IoPolicy::QueueDepth => "queue-depth",
            IoPolicy::Latency => "latency",
        }
    }

    /// Parses a policy name as a sysfs store receives it.
    ///
    /// The name must match exactly; one trailing newline is ignored (the
    /// rule of C's `sysfs_streq()`). Anything else is `EINVAL`.
    pub fn parse(input: &[u8]) -> Result<Self> {
        let name = input.strip_suffix(b"\n").unwrap_or(input);
        Self::ALL
            .into_iter()
            .find(|policy| policy.name().as_bytes() == name)
            .ok_or(EINVAL)
    }

    /// Converts a C `enum mpath_iopolicy_e` value.
    pub fn from_raw(value: c_int) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|policy| *policy as c_int == value)
            .ok_or(EINVAL)
    }
}

#[kunit_tests(libmultipath_iopolicy)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for policy in IoPolicy::ALL {
            assert_eq!(IoPolicy::parse(policy.name().as_bytes()), Ok(policy));
            assert_eq!(IoPolicy::from_raw(policy as c_int), Ok(policy));
        }
    }

    #[test]
    fn upstream_names_and_values() {
        assert_eq!(IoPolicy::parse(b"numa"), Ok(IoPolicy::Numa));
        assert_eq!(IoPolicy::parse(b"round-robin"), Ok(IoPolicy::RoundRobin));
        assert_eq!(IoPolicy::parse(b"queue-depth\n"), Ok(IoPolicy::QueueDepth));
        assert_eq!(IoPolicy::parse(b"latency"), Ok(IoPolicy::Latency));
        assert_eq!(IoPolicy::Numa as c_int, 0);
        assert_eq!(IoPolicy::RoundRobin as c_int, 1);
        assert_eq!(IoPolicy::QueueDepth as c_int, 2);
        assert_eq!(IoPolicy::Latency as c_int, 3);
    }

    #[test]
    fn bad_names_are_einval() {
        let bad: [&[u8]; 12] = [
            b"latency ",
            b"adaptive",
            b"",
            b"\n",
            b"numa\n\n",
            b"NUMA",
            b"numa ",
            b" numa",
            b"round-robin-x",
            b"queue",
            b"num\0a",
            b"rr",
        ];
        for input in bad {
            assert_eq!(IoPolicy::parse(input), Err(EINVAL));
        }
    }

    #[test]
    fn bad_values_are_einval() {
        for value in [-1, 4, 5, c_int::MAX, c_int::MIN] {
            assert_eq!(IoPolicy::from_raw(value), Err(EINVAL));
        }
    }
}
