// SPDX-License-Identifier: GPL-2.0

//! C entry point: the file operations of a head's character device.

use crate::chr::HeadChr;
use kernel::cdev::FileOperations;

/// The file operations a driver's `add_cdev` gives the head's cdev (C's
/// `mpath_chr_fops`).
#[no_mangle]
pub static mpath_chr_fops: FileOperations = FileOperations::new::<HeadChr>();
