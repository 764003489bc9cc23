// SPDX-License-Identifier: GPL-2.0

//! A bio-based disk that keeps its sectors in memory: the lower device of
//! tests and samples of stacking drivers.
//!
//! # Examples
//!
//! ```
//! use kernel::block::{mem_disk, OpenBlockDevice};
//!
//! let disk = mem_disk::build(kernel::prelude::fmt!("rmemdoc"), 64, None)?;
//! let dev = OpenBlockDevice::open(disk.devt(), true)?;
//! assert_eq!(disk.capacity_sectors(), 64);
//! # drop(dev);
//! # Ok::<(), kernel::error::Error>(())
//! ```

use crate::{
    bindings,
    block::{
        bio::{
            Bio,
            BlkStatus,
            ReqOp,
            SyncBio, //
        },
        bio_disk::{
            GenDisk,
            GenDiskBuilder,
            Geometry,
            Operations, //
        },
        BlockDevice, OpenBlockDevice,
    },
    fmt, new_spinlock,
    page::{
        Page,
        PAGE_SIZE, //
    },
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc,
        ArcBorrow,
        SpinLock, //
    },
};

const SECTOR: usize = 512;

/// The operations of a memory disk.
pub struct MemDisk;

/// The owner of memory disks: the kernel itself (a NULL `THIS_MODULE`).
pub struct MemDiskOwner;

impl crate::ModuleMetadata for MemDiskOwner {
    const NAME: &'static crate::str::CStr = c"mem_disk";
    // SAFETY: A NULL module is the built-in kernel, which `try_module_get`
    // and `module_put` accept.
    const THIS_MODULE: crate::ThisModule =
        unsafe { crate::ThisModule::from_ptr(core::ptr::null_mut()) };
}

/// Sectors in memory, which several disks may share (like the paths of a
/// multipath device).
#[pin_data]
pub struct Store {
    #[pin]
    bytes: SpinLock<KVec<u8>>,
}

impl Store {
    /// Allocates `sectors` zeroed 512-byte sectors.
    pub fn new(sectors: usize) -> Result<Arc<Self>> {
        let mut bytes = KVec::with_capacity(sectors * SECTOR, GFP_KERNEL)?;
        bytes.resize(sectors * SECTOR, 0, GFP_KERNEL)?;
        Arc::pin_init(
            pin_init!(Self { bytes <- new_spinlock!(bytes) }),
            GFP_KERNEL,
        )
    }

    fn sectors(&self) -> usize {
        self.bytes.lock().len() / SECTOR
    }
}

/// One disk's view of a [`Store`], with what it saw and how it fails.
pub struct Port {
    store: Arc<Store>,
    largest: Atomic<u32>,
    bios: Atomic<u32>,
    fail: Atomic<u32>,
    tag: Atomic<u32>,
    pr_key: Atomic<u64>,
}

/// The ioctl a memory disk answers (with its tag plus [`IOCTL_BASE`]).
pub const IOCTL_TAG: u32 = 0x4d50;
/// Added to the tag in the answer to [`IOCTL_TAG`].
pub const IOCTL_BASE: i32 = 100;
/// What a memory disk's `pr_clear` returns for a wrong key: a positive
/// `PR_STS_*` code, as real devices return.
pub const PR_STS_CONFLICT: i32 = 1;

impl Port {
    /// Returns the size of the largest bio processed (after splitting).
    pub fn largest_bio(&self) -> u32 {
        self.largest.load(Relaxed)
    }

    /// Returns the number of bios processed.
    pub fn bios(&self) -> u32 {
        self.bios.load(Relaxed)
    }

    /// Makes every later bio end with `status` instead of doing the I/O
    /// (`BlkStatus::OK` restores normal service): a failing path.
    pub fn fail_with(&self, status: BlkStatus) {
        self.fail.store(status.as_raw().into(), Relaxed);
    }

    /// Sets the tag the forwarded operations report, to tell disks apart:
    /// the geometry's heads, the unique id's bytes (none for 0), the answer
    /// to [`IOCTL_TAG`].
    pub fn set_tag(&self, tag: u8) {
        self.tag.store(tag.into(), Relaxed);
    }

    /// The key registered for persistent reservations, 0 if none.
    pub fn pr_key(&self) -> u64 {
        self.pr_key.load(Relaxed)
    }
}

#[vtable]
impl Operations for MemDisk {
    type Data = Arc<Port>;
    type OwnerModule = MemDiskOwner;

    fn submit_bio(port: ArcBorrow<'_, Port>, bio: Bio) {
        let Some(mut bio) = bio.split_to_limits() else {
            return;
        };
        let fail = BlkStatus::from_raw(port.fail.load(Relaxed) as u8);
        if !fail.is_ok() {
            bio.end(fail);
            return;
        }
        let (start, len) = (bio.sector() as usize * SECTOR, bio.size() as usize);
        if bio.size() > port.largest.load(Relaxed) {
            port.largest.store(bio.size(), Relaxed);
        }
        port.bios.fetch_add(1, Relaxed);
        let mut bytes = port.store.bytes.lock();
        let Some(range) = bytes.get_mut(start..start + len) else {
            drop(bytes);
            bio.io_error();
            return;
        };
        let ret = match bio.op() {
            ReqOp::WRITE => bio.copy_data_to(range),
            ReqOp::READ => bio.copy_data_from(range),
            ReqOp::FLUSH => Ok(()),
            _ => Err(EOPNOTSUPP),
        };
        drop(bytes);
        bio.end(ret.map_or_else(BlkStatus::from, |()| BlkStatus::OK));
    }

    fn getgeo(port: ArcBorrow<'_, Port>, geo: &mut Geometry) -> Result {
        geo.heads = port.tag.load(Relaxed) as u8;
        geo.sectors = 32;
        geo.cylinders = (port.store.sectors() >> 11) as u16;
        Ok(())
    }

    fn get_unique_id(port: ArcBorrow<'_, Port>, id: &mut [u8; 16], id_type: u32) -> Result<i32> {
        let tag = port.tag.load(Relaxed) as u8;
        if tag == 0 {
            return Ok(0);
        }
        if id_type != bindings::blk_unique_id_BLK_UID_EUI64 {
            return Err(EINVAL);
        }
        id[..8].fill(tag);
        Ok(8)
    }

    fn ioctl(
        port: ArcBorrow<'_, Port>,
        _bdev: &BlockDevice,
        _mode: u32,
        cmd: u32,
        _arg: usize,
    ) -> Result<i32> {
        if cmd != IOCTL_TAG {
            return Err(ENOTTY);
        }
        Ok(IOCTL_BASE + port.tag.load(Relaxed) as i32)
    }

    fn pr_register(
        port: ArcBorrow<'_, Port>,
        _bdev: &BlockDevice,
        _old_key: u64,
        new_key: u64,
        _flags: u32,
    ) -> Result<i32> {
        port.pr_key.store(new_key, Relaxed);
        Ok(0)
    }

    fn pr_clear(port: ArcBorrow<'_, Port>, _bdev: &BlockDevice, key: u64) -> Result<i32> {
        if key != port.pr_key.load(Relaxed) {
            return Ok(PR_STS_CONFLICT);
        }
        port.pr_key.store(0, Relaxed);
        Ok(0)
    }
}

/// Builds and adds a disk named `name` on `store`, taking at most
/// `max_sectors` per bio if given.
pub fn build_on(
    name: fmt::Arguments<'_>,
    store: Arc<Store>,
    max_sectors: Option<u32>,
) -> Result<GenDisk<MemDisk>> {
    let sectors = store.sectors() as u64;
    let port = Arc::new(
        Port {
            store,
            largest: Atomic::new(0),
            bios: Atomic::new(0),
            fail: Atomic::new(0),
            tag: Atomic::new(0),
            pr_key: Atomic::new(0),
        },
        GFP_KERNEL,
    )?;
    let mut builder = GenDiskBuilder::new()
        .capacity_sectors(sectors)
        .logical_block_size(512)?;
    if let Some(max) = max_sectors {
        builder = builder.max_hw_sectors(max);
    }
    let mut disk = builder.build(name, port)?;
    disk.add(None)?;
    Ok(disk)
}

/// Builds and adds a memory disk named `name` of `sectors` 512-byte
/// sectors, taking at most `max_sectors` per bio if given.
pub fn build(
    name: fmt::Arguments<'_>,
    sectors: usize,
    max_sectors: Option<u32>,
) -> Result<GenDisk<MemDisk>> {
    build_on(name, Store::new(sectors)?, max_sectors)
}

fn pattern(page: &Page, seed: u8) -> Result {
    let mut buf = [0u8; 256];
    for chunk in 0..(PAGE_SIZE / buf.len()) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = seed ^ (chunk as u8).wrapping_mul(31) ^ (i as u8);
        }
        // SAFETY: `buf` is valid for reads of its length, and nothing else
        // uses the new page.
        unsafe { page.write_raw(buf.as_ptr(), chunk * buf.len(), buf.len())? };
    }
    Ok(())
}

fn same(a: &Page, b: &Page) -> Result<bool> {
    let (mut x, mut y) = ([0u8; 256], [0u8; 256]);
    for off in (0..PAGE_SIZE).step_by(x.len()) {
        // SAFETY: The buffers are valid for writes of their length, and the
        // pages are not in use by I/O any more.
        unsafe {
            a.read_raw(x.as_mut_ptr(), off, x.len())?;
            b.read_raw(y.as_mut_ptr(), off, y.len())?;
        }
        if x != y {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `pages` patterned pages (seeded with `seed`) in one bio at
/// `sector` of the block device `devt`, reads them back in one bio into
/// fresh pages and returns whether they match: a data check for tests of
/// stacking drivers.
pub fn round_trip(devt: u32, sector: u64, pages: usize, seed: u8) -> Result<bool> {
    let dev = OpenBlockDevice::open(devt, true)?;
    let mut out = KVec::new();
    let mut back = KVec::new();
    for i in 0..pages {
        let page = Page::alloc_page(GFP_KERNEL)?;
        pattern(&page, seed.wrapping_add(i as u8))?;
        out.push(page, GFP_KERNEL)?;
        back.push(Page::alloc_page(GFP_KERNEL)?, GFP_KERNEL)?;
    }
    let nr = u16::try_from(pages)?;
    let mut write = SyncBio::new(dev.bdev(), ReqOp::WRITE, sector, nr)?;
    for page in out.iter() {
        write.add_page(page, PAGE_SIZE as u32, 0)?;
    }
    write.submit_wait()?;
    let mut read = SyncBio::new(dev.bdev(), ReqOp::READ, sector, nr)?;
    for page in back.iter() {
        read.add_page(page, PAGE_SIZE as u32, 0)?;
    }
    read.submit_wait()?;
    for (a, b) in out.iter().zip(back.iter()) {
        if !same(a, b)? {
            return Ok(false);
        }
    }
    Ok(true)
}
