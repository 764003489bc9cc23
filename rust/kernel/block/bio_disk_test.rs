// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the bio abstractions and bio-based disks: real I/O through
//! the block layer to a disk that keeps its data in memory.

#[macros::kunit_tests(rust_block_bio_disk)]
mod tests {
    use crate::{
        block::{
            bio::{Bio, BioSet, BlkStatus, ReqOp, SyncBio},
            bio_disk::{GenDisk, GenDiskBuilder, Operations},
            mem_disk::{self, MemDisk},
            BioList, OpenBlockDevice,
        },
        new_spinlock,
        page::Page,
        prelude::*,
        sync::{Arc, ArcBorrow, SpinLock},
    };

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

    fn mem_disk(name: &str, max_sectors: Option<u32>) -> Result<GenDisk<MemDisk>> {
        mem_disk::build(fmt!("{name}"), 256, max_sectors)
    }

    #[test]
    fn write_then_read_back() -> Result {
        let disk = mem_disk("rbiot0", None)?;
        assert!(mem_disk::round_trip(disk.part0().devt(), 8, 2, 0x5a)?);
        assert!(disk.data().bios() >= 2);
        // A different pattern at another place must not alias the first.
        assert!(mem_disk::round_trip(disk.part0().devt(), 64, 1, 0xa5)?);
        Ok(())
    }

    #[test]
    fn bio_beyond_limits_is_split() -> Result {
        // At most 8 sectors (4 KiB) per bio: a 16 KiB bio takes four.
        let disk = mem_disk("rbiot1", Some(8))?;
        assert!(mem_disk::round_trip(disk.part0().devt(), 16, 4, 0x3c)?);
        assert_eq!(disk.data().largest_bio(), 4096);
        assert!(disk.data().bios() >= 8);
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
        assert!(mem_disk::round_trip(disk.part0().devt(), 32, 2, 0x77)?);
        // The data went through the clones to the lower disk.
        assert!(disk.data().lower.data().bios() >= 2);
        assert!(disk.data().requeued.lock().is_empty());
        // And reading the lower disk directly shows it.
        assert!(mem_disk::round_trip(
            disk.data().lower.part0().devt(),
            100,
            1,
            0x11
        )?);
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
