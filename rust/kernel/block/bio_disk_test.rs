// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the bio abstractions and bio-based disks: real I/O through
//! the block layer to a disk that keeps its data in memory.

#[macros::kunit_tests(rust_block_bio_disk)]
mod tests {
    use crate::{
        block::{
            bio::{Bio, BioSet, BlkStatus, ReqOp, SyncBio},
            bio_disk::{GenDisk, GenDiskBuilder, Geometry, Operations},
            BioList, OpenBlockDevice,
        },
        new_spinlock,
        page::Page,
        prelude::*,
        sync::{
            atomic::{Atomic, Relaxed},
            Arc, ArcBorrow, SpinLock,
        },
    };

    const SECTOR: usize = 512;

    /// A disk whose sectors are a vector in memory.
    struct MemDisk;

    #[pin_data]
    struct Store {
        #[pin]
        bytes: SpinLock<KVec<u8>>,
        /// The largest bio `submit_bio` saw after splitting.
        largest: Atomic<u32>,
        /// How many bios `submit_bio` processed.
        bios: Atomic<u32>,
    }

    impl Store {
        fn new(sectors: usize) -> Result<Arc<Self>> {
            let mut bytes = KVec::with_capacity(sectors * SECTOR, GFP_KERNEL)?;
            bytes.resize(sectors * SECTOR, 0, GFP_KERNEL)?;
            Arc::pin_init(
                pin_init!(Self {
                    bytes <- new_spinlock!(bytes),
                    largest: Atomic::new(0),
                    bios: Atomic::new(0),
                }),
                GFP_KERNEL,
            )
        }
    }

    #[vtable]
    impl Operations for MemDisk {
        type Data = Arc<Store>;

        fn submit_bio(store: ArcBorrow<'_, Store>, bio: Bio) {
            let Some(mut bio) = bio.split_to_limits() else {
                return;
            };
            let (start, len) = (bio.sector() as usize * SECTOR, bio.size() as usize);
            if bio.size() > store.largest.load(Relaxed) {
                store.largest.store(bio.size(), Relaxed);
            }
            store.bios.fetch_add(1, Relaxed);
            let mut bytes = store.bytes.lock();
            let Some(range) = bytes.get_mut(start..start + len) else {
                drop(bytes);
                bio.io_error();
                return;
            };
            let ret = match bio.op() {
                ReqOp::WRITE => bio.copy_data_to(range),
                ReqOp::READ => bio.copy_data_from(range),
                _ => Err(EOPNOTSUPP),
            };
            drop(bytes);
            bio.end(ret.map_or_else(BlkStatus::from, |()| BlkStatus::OK));
        }

        fn getgeo(_store: ArcBorrow<'_, Store>, geo: &mut Geometry) -> Result {
            *geo = Geometry {
                heads: 4,
                sectors: 16,
                cylinders: 2,
                start: 0,
            };
            Ok(())
        }
    }

    /// A disk that clones every bio onto its lower disk.
    struct CloneDisk;

    #[pin_data]
    struct Upper {
        lower: GenDisk<MemDisk>,
        set: Arc<BioSet>,
        #[pin]
        requeued: SpinLock<BioList>,
    }

    #[vtable]
    impl Operations for CloneDisk {
        type Data = Arc<Upper>;

        fn submit_bio(upper: ArcBorrow<'_, Upper>, bio: Bio) {
            let Some(bio) = bio.split_to_limits() else {
                return;
            };
            match bio.clone_to(upper.lower.part0(), &upper.set, GFP_NOIO, parent_done) {
                Ok(clone) => clone.submit(),
                // Keep it for later rather than fail it.
                Err((_, bio)) => upper.requeued.lock().push(bio),
            }
        }
    }

    fn parent_done(parent: Bio, status: BlkStatus) {
        parent.end(status);
    }

    fn pattern(page: &Page, seed: u8) -> Result {
        let mut buf = [0u8; 256];
        for chunk in 0..(crate::page::PAGE_SIZE / buf.len()) {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = seed ^ (chunk as u8).wrapping_mul(31) ^ (i as u8);
            }
            // SAFETY: `buf` is valid for reads of its length.
            unsafe { page.write_raw(buf.as_ptr(), chunk * buf.len(), buf.len())? };
        }
        Ok(())
    }

    fn same(a: &Page, b: &Page) -> Result<bool> {
        let (mut x, mut y) = ([0u8; 256], [0u8; 256]);
        for off in (0..crate::page::PAGE_SIZE).step_by(x.len()) {
            // SAFETY: The buffers are valid for writes of their length.
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

    /// Writes `pages` patterned pages at `sector` of `devt`, reads them back
    /// into fresh pages and compares.
    fn round_trip(devt: u32, sector: u64, pages: usize, seed: u8) -> Result<bool> {
        let dev = OpenBlockDevice::open(devt, true)?;
        let mut out = KVec::new();
        let mut back = KVec::new();
        for i in 0..pages {
            let page = Page::alloc_page(GFP_KERNEL)?;
            pattern(&page, seed.wrapping_add(i as u8))?;
            out.push(page, GFP_KERNEL)?;
            back.push(Page::alloc_page(GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let page_size = crate::page::PAGE_SIZE as u32;
        let mut write = SyncBio::new(dev.bdev(), ReqOp::WRITE, sector, pages as u16)?;
        for page in out.iter() {
            write.add_page(page, page_size, 0)?;
        }
        write.submit_wait()?;
        let mut read = SyncBio::new(dev.bdev(), ReqOp::READ, sector, pages as u16)?;
        for page in back.iter() {
            read.add_page(page, page_size, 0)?;
        }
        read.submit_wait()?;
        for (a, b) in out.iter().zip(back.iter()) {
            if !same(a, b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn mem_disk(name: &str, max_sectors: Option<u32>) -> Result<GenDisk<MemDisk>> {
        let mut builder = GenDiskBuilder::new()
            .capacity_sectors(256)
            .logical_block_size(512)?;
        if let Some(max) = max_sectors {
            builder = builder.max_hw_sectors(max);
        }
        let mut disk = builder.build(fmt!("{name}"), Store::new(256)?)?;
        disk.add(None)?;
        Ok(disk)
    }

    #[test]
    fn write_then_read_back() -> Result {
        let disk = mem_disk("rbiot0", None)?;
        assert!(round_trip(disk.part0().devt(), 8, 2, 0x5a)?);
        assert!(disk.data().bios.load(Relaxed) >= 2);
        // A different pattern at another place must not alias the first.
        assert!(round_trip(disk.part0().devt(), 64, 1, 0xa5)?);
        Ok(())
    }

    #[test]
    fn bio_beyond_limits_is_split() -> Result {
        // At most 8 sectors (4 KiB) per bio: a 16 KiB bio takes four.
        let disk = mem_disk("rbiot1", Some(8))?;
        assert!(round_trip(disk.part0().devt(), 16, 4, 0x3c)?);
        assert_eq!(disk.data().largest.load(Relaxed), 4096);
        assert!(disk.data().bios.load(Relaxed) >= 8);
        Ok(())
    }

    #[test]
    fn cloned_bio_completes_its_parent() -> Result {
        let lower = mem_disk("rbiot2", None)?;
        let upper = Arc::pin_init(
            try_pin_init!(Upper {
                lower,
                set: Arc::pin_init(BioSet::new(4), GFP_KERNEL)?,
                requeued <- new_spinlock!(BioList::new()),
            }? Error),
            GFP_KERNEL,
        )?;
        let mut disk: GenDisk<CloneDisk> = GenDiskBuilder::new()
            .capacity_sectors(256)
            .build(fmt!("rbiot3"), upper)?;
        disk.add(None)?;
        assert!(round_trip(disk.part0().devt(), 32, 2, 0x77)?);
        // The data went through the clones to the lower disk.
        assert!(disk.data().lower.data().bios.load(Relaxed) >= 2);
        assert!(disk.data().requeued.lock().is_empty());
        // And reading the lower disk directly shows it.
        assert!(round_trip(disk.data().lower.part0().devt(), 100, 1, 0x11)?);
        Ok(())
    }

    #[test]
    fn out_of_range_io_fails_cleanly() -> Result {
        let disk = mem_disk("rbiot4", None)?;
        let dev = OpenBlockDevice::open(disk.part0().devt(), false)?;
        let page = Page::alloc_page(GFP_KERNEL)?;
        // Past the end of the 256-sector disk: the block layer refuses it.
        let mut read = SyncBio::new(dev.bdev(), ReqOp::READ, 1024, 1)?;
        read.add_page(&page, 4096, 0)?;
        assert!(read.submit_wait().is_err());
        Ok(())
    }

    #[test]
    fn disk_lifecycle() -> Result {
        let mut disk = mem_disk("rbiot5", None)?;
        assert!(disk.is_added());
        assert_eq!(disk.add(None), Err(EBUSY));
        assert_eq!(disk.capacity_sectors(), 256);
        disk.set_capacity_sectors(128);
        assert_eq!(disk.capacity_sectors(), 128);
        disk.remove();
        assert!(!disk.is_added());
        // Opening a removed disk fails.
        assert!(OpenBlockDevice::open(disk.part0().devt(), false).is_err());
        Ok(())
    }

    #[test]
    fn status_codes_match_c() {
        assert_eq!(BlkStatus::OK.to_errno(), 0);
        assert_eq!(BlkStatus::IOERR.to_errno(), EIO.to_errno());
        assert_eq!(BlkStatus::TRANSPORT.to_errno(), ENOLINK.to_errno());
        assert_eq!(BlkStatus::AGAIN.to_errno(), EAGAIN.to_errno());
        assert_eq!(BlkStatus::RESOURCE.to_errno(), ENOMEM.to_errno());
        assert_eq!(BlkStatus::from(EIO), BlkStatus::IOERR);
    }

    #[test]
    fn empty_bio_lists() {
        let mut list = BioList::new();
        assert!(list.is_empty());
        assert_eq!(list.len(), 0);
        let mut other = BioList::new();
        other.append(&mut list);
        assert!(other.is_empty() && list.take_all().is_empty());
        assert!(other.pop().is_none());
    }
}
