// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of typed disk attributes: the C `show` and `store` methods
//! called as sysfs calls them, on the device of a real (not added) disk.

#[macros::kunit_tests(rust_block_disk_attr)]
mod tests {
    use crate::{
        bindings,
        block::{
            attr::{
                AttrEnum,
                Attribute,
                AttributeGroup,
                AttributeList,
                Show,
                Store,
                MAX_STORE_LEN, //
            },
            bio::Bio,
            bio_disk::{
                GenDisk,
                GenDiskBuilder,
                Operations, //
            },
        },
        prelude::*,
        sync::{
            atomic::{
                Atomic,
                Relaxed, //
            },
            Arc,
            ArcBorrow, //
        },
    };

    /// The state behind the test disk's attributes.
    struct Knobs {
        limit: Atomic<u32>,
        mode: Atomic<u32>,
    }

    /// A disk that fails every bio; only its attributes matter.
    struct KnobDisk;

    #[vtable]
    impl Operations for KnobDisk {
        type Data = Arc<Knobs>;

        fn submit_bio(_knobs: ArcBorrow<'_, Knobs>, bio: Bio) {
            bio.io_error();
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Mode {
        Fast,
        Slow,
        Off,
    }

    impl AttrEnum for Mode {
        const NAMES: &'static [(&'static str, Self)] = &[
            ("fast", Mode::Fast),
            ("slow", Mode::Slow),
            ("off", Mode::Off),
        ];
    }

    struct Limit;

    impl Show<KnobDisk> for Limit {
        type Value = u32;

        fn show(knobs: ArcBorrow<'_, Knobs>) -> Result<u32> {
            Ok(knobs.limit.load(Relaxed))
        }
    }

    impl Store<KnobDisk> for Limit {
        fn store(knobs: ArcBorrow<'_, Knobs>, value: u32) -> Result {
            // A store may refuse a value that parses.
            if value > 1000 {
                return Err(ERANGE);
            }
            knobs.limit.store(value, Relaxed);
            Ok(())
        }
    }

    struct ModeAttr;

    impl Show<KnobDisk> for ModeAttr {
        type Value = Mode;

        fn show(knobs: ArcBorrow<'_, Knobs>) -> Result<Mode> {
            Ok(match knobs.mode.load(Relaxed) {
                0 => Mode::Fast,
                1 => Mode::Slow,
                _ => Mode::Off,
            })
        }
    }

    impl Store<KnobDisk> for ModeAttr {
        fn store(knobs: ArcBorrow<'_, Knobs>, value: Mode) -> Result {
            knobs.mode.store(value as u32, Relaxed);
            Ok(())
        }
    }

    struct Id;

    impl Show<KnobDisk> for Id {
        type Value = i64;

        fn show(_knobs: ArcBorrow<'_, Knobs>) -> Result<i64> {
            Ok(-42)
        }
    }

    static LIMIT: Attribute<KnobDisk> = Attribute::read_write::<Limit>(c"limit");
    static MODE: Attribute<KnobDisk> = Attribute::read_write::<ModeAttr>(c"mode");
    static ID: Attribute<KnobDisk> = Attribute::read_only::<Id>(c"id");
    static ATTRS: AttributeList<KnobDisk, 3> = AttributeList::new([&LIMIT, &MODE, &ID]);
    static GROUP: AttributeGroup<KnobDisk> = AttributeGroup::new(Some(c"knobs"), &ATTRS);

    fn knob_disk(name: &str) -> Result<(GenDisk<KnobDisk>, Arc<Knobs>)> {
        let knobs = Arc::new(
            Knobs {
                limit: Atomic::new(7),
                mode: Atomic::new(0),
            },
            GFP_KERNEL,
        )?;
        let disk = GenDiskBuilder::new()
            .capacity_sectors(8)
            .build(fmt!("{name}"), knobs.clone())?;
        Ok((disk, knobs))
    }

    /// Returns the device sysfs gives the disk's attributes.
    fn dev(disk: &GenDisk<KnobDisk>) -> *mut bindings::device {
        // SAFETY: An allocated disk has a valid `part0`.
        unsafe { &raw mut (*(*disk.as_raw()).part0).bd_device }
    }

    /// Writes `input` to `attr` as sysfs does; returns what the method
    /// returned.
    fn store(disk: &GenDisk<KnobDisk>, attr: &Attribute<KnobDisk>, input: &[u8]) -> isize {
        // SAFETY: Reading the method of a built attribute.
        let store = unsafe { (*attr.as_raw()).__bindgen_anon_2.store }.unwrap();
        // SAFETY: The device is that of a live disk of `KnobDisk`, and
        // `input` is readable.
        unsafe { store(dev(disk), attr.as_raw(), input.as_ptr().cast(), input.len()) }
    }

    /// Reads `attr` as sysfs does.
    fn show(disk: &GenDisk<KnobDisk>, attr: &Attribute<KnobDisk>) -> Result<KVec<u8>> {
        let mut page = KVec::from_elem(0u8, bindings::PAGE_SIZE, GFP_KERNEL)?;
        // SAFETY: Reading the method of a built attribute.
        let show = unsafe { (*attr.as_raw()).__bindgen_anon_1.show }.unwrap();
        // SAFETY: The device is that of a live disk of `KnobDisk`, and the
        // buffer is a page.
        let len = unsafe { show(dev(disk), attr.as_raw(), page.as_mut_ptr().cast()) };
        if len < 0 {
            return Err(Error::from_errno(len as i32));
        }
        page.truncate(len as usize);
        Ok(page)
    }

    const EINVAL_RET: isize = -(bindings::EINVAL as isize);

    #[test]
    fn tables_are_built() {
        assert_eq!(LIMIT.name(), c"limit");
        assert_eq!(ID.name(), c"id");
        assert_eq!(GROUP.name(), Some(c"knobs"));
        // SAFETY: The attributes and the group are built and never
        // written; the group's array has three attributes and a NULL.
        let (rw, ro, ro_store, attrs) = unsafe {
            let attrs = (*GROUP.as_raw()).__bindgen_anon_2.attrs;
            (
                (*LIMIT.as_raw()).attr.mode,
                (*ID.as_raw()).attr.mode,
                (*ID.as_raw()).__bindgen_anon_2.store,
                [*attrs, *attrs.add(1), *attrs.add(2), *attrs.add(3)],
            )
        };
        assert_eq!(rw, 0o644);
        assert_eq!(ro, 0o444);
        assert!(ro_store.is_none());
        assert_eq!(attrs[0], LIMIT.as_raw().cast());
        assert_eq!(attrs[1], MODE.as_raw().cast());
        assert_eq!(attrs[2], ID.as_raw().cast());
        assert!(attrs[3].is_null());
    }

    #[test]
    fn integer_store_and_show() -> Result {
        let (disk, knobs) = knob_disk("rattr0")?;
        assert_eq!(&show(&disk, &LIMIT)?[..], b"7\n");

        // Valid: with and without a newline, any base `kstrto*` takes.
        assert_eq!(store(&disk, &LIMIT, b"12\n"), 3);
        assert_eq!(knobs.limit.load(Relaxed), 12);
        assert_eq!(store(&disk, &LIMIT, b"0x20"), 4);
        assert_eq!(&show(&disk, &LIMIT)?[..], b"32\n");

        // Invalid, empty, negative, out of range for the type, refused by
        // the store itself, and with a NUL inside: nothing changes.
        for bad in [
            &b"twelve"[..],
            b"12 ",
            b"1 2",
            b"",
            b"\n",
            b"-1",
            b"4294967296",
            b"12\0",
        ] {
            assert!(store(&disk, &LIMIT, bad) < 0);
            assert_eq!(knobs.limit.load(Relaxed), 32);
        }
        assert_eq!(store(&disk, &LIMIT, b"1001"), -(bindings::ERANGE as isize));
        assert_eq!(store(&disk, &LIMIT, b""), EINVAL_RET);
        assert_eq!(knobs.limit.load(Relaxed), 32);

        // A read-only attribute shows signed values.
        assert_eq!(&show(&disk, &ID)?[..], b"-42\n");
        Ok(())
    }

    #[test]
    fn enum_store_and_show() -> Result {
        let (disk, knobs) = knob_disk("rattr1")?;
        assert_eq!(&show(&disk, &MODE)?[..], b"fast\n");
        assert_eq!(store(&disk, &MODE, b"slow\n"), 5);
        assert_eq!(&show(&disk, &MODE)?[..], b"slow\n");
        assert_eq!(store(&disk, &MODE, b"off"), 3);
        assert_eq!(knobs.mode.load(Relaxed), Mode::Off as u32);

        for bad in [
            &b"Off"[..],
            b"of",
            b"offf",
            b" off",
            b"off ",
            b"off\n\n",
            b"off\0",
            b"",
            b"\n",
        ] {
            assert_eq!(store(&disk, &MODE, bad), EINVAL_RET);
            assert_eq!(knobs.mode.load(Relaxed), Mode::Off as u32);
        }
        Ok(())
    }

    #[test]
    fn overlong_store_is_rejected() -> Result {
        let (disk, knobs) = knob_disk("rattr2")?;
        // A whole page (what sysfs passes at most) and one byte more: too
        // long even when the start is a valid value.
        for len in [MAX_STORE_LEN + 1, MAX_STORE_LEN + 2] {
            let mut input = KVec::from_elem(b'\n', len, GFP_KERNEL)?;
            input[..4].copy_from_slice(b"slow");
            assert_eq!(store(&disk, &MODE, &input), EINVAL_RET);
            input[..4].copy_from_slice(b"0009");
            assert_eq!(store(&disk, &LIMIT, &input), EINVAL_RET);
        }
        assert_eq!(knobs.mode.load(Relaxed), Mode::Fast as u32);
        assert_eq!(knobs.limit.load(Relaxed), 7);

        // The longest input taken: not a value, so still rejected, but by
        // the parser.
        let input = KVec::from_elem(b'9', MAX_STORE_LEN, GFP_KERNEL)?;
        assert_eq!(store(&disk, &LIMIT, &input), EINVAL_RET);
        assert_eq!(knobs.limit.load(Relaxed), 7);
        Ok(())
    }
}
