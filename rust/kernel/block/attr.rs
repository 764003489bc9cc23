// SPDX-License-Identifier: GPL-2.0

//! Typed sysfs attributes of bio-based disks.
//!
//! A disk's attribute groups (the `groups` of `device_add_disk`) are tables
//! of `struct device_attribute` that sysfs calls with the disk's device. This
//! module builds those tables statically, from types: an attribute is a
//! type implementing [`Show`] (and [`Store`] for a writable one) for the
//! disk's [`Operations`], and its value is an [`AttrValue`], which parses
//! itself from what user space writes and formats itself into the page it
//! reads. The callbacks receive the disk's driver data, as the block
//! operations do.
//!
//! A store is all or nothing: input that does not parse (empty, unknown,
//! out of range, longer than `PAGE_SIZE - 1` bytes) is rejected with
//! `EINVAL` before [`Store::store`] is called.
//!
//! C header: [`include/linux/sysfs.h`](srctree/include/linux/sysfs.h)
//!
//! # Examples
//!
//! ```
//! use kernel::block::{
//!     attr::{AttrEnum, AttrValue, Attribute, AttributeGroup, AttributeList, Show, Store},
//!     bio::Bio,
//!     bio_disk::Operations,
//! };
//! use kernel::prelude::*;
//! use kernel::sync::{
//!     atomic::{Atomic, Relaxed},
//!     Arc, ArcBorrow,
//! };
//!
//! /// What the disk does with writes.
//! #[derive(Clone, Copy, Debug, PartialEq, Eq)]
//! enum Mode {
//!     Accept,
//!     Reject,
//! }
//!
//! impl AttrEnum for Mode {
//!     const NAMES: &'static [(&'static str, Self)] =
//!         &[("accept", Mode::Accept), ("reject", Mode::Reject)];
//! }
//!
//! struct Disk;
//!
//! #[vtable]
//! impl Operations for Disk {
//!     type Data = Arc<Atomic<u32>>;
//!
//!     fn submit_bio(_data: ArcBorrow<'_, Atomic<u32>>, bio: Bio) {
//!         bio.io_error();
//!     }
//! }
//!
//! /// `limit`: a number, read and written.
//! struct Limit;
//!
//! impl Show<Disk> for Limit {
//!     type Value = u32;
//!
//!     fn show(data: ArcBorrow<'_, Atomic<u32>>) -> Result<u32> {
//!         Ok(data.load(Relaxed))
//!     }
//! }
//!
//! impl Store<Disk> for Limit {
//!     fn store(data: ArcBorrow<'_, Atomic<u32>>, value: u32) -> Result {
//!         data.store(value, Relaxed);
//!         Ok(())
//!     }
//! }
//!
//! static LIMIT: Attribute<Disk> = Attribute::read_write::<Limit>(c"limit");
//! static ATTRS: AttributeList<Disk, 1> = AttributeList::new([&LIMIT]);
//! static GROUP: AttributeGroup<Disk> = AttributeGroup::new(Some(c"example"), &ATTRS);
//!
//! assert_eq!(LIMIT.name(), c"limit");
//! assert_eq!(GROUP.name(), Some(c"example"));
//!
//! // Names parse exactly, with an optional trailing newline.
//! assert_eq!(Mode::parse(b"reject\n"), Ok(Mode::Reject));
//! assert_eq!(Mode::parse(b"rejec"), Err(EINVAL));
//! assert_eq!(Mode::parse(b"reject\n\n"), Err(EINVAL));
//! // Integers parse with `kstrto*`.
//! assert_eq!(u32::parse(b"42\n"), Ok(42));
//! assert_eq!(u32::parse(b"0x10"), Ok(16));
//! assert_eq!(u8::parse(b"256"), Err(ERANGE));
//! assert_eq!(i32::parse(b""), Err(EINVAL));
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    block::bio_disk::Operations,
    container_of,
    error::to_result,
    fmt::{
        self,
        Write, //
    },
    prelude::*,
    str::Formatter,
    types::ForeignOwnable, //
};
use core::{
    cell::UnsafeCell,
    marker::PhantomData, //
};

/// The size of the buffer sysfs gives to `show` (C's `PAGE_SIZE`).
const PAGE_SIZE: usize = bindings::PAGE_SIZE;

/// The longest input a store accepts: sysfs hands over at most a page, and
/// a page-long write may be the first chunk of a longer one.
pub const MAX_STORE_LEN: usize = PAGE_SIZE - 1;

/// A value that a sysfs attribute shows and stores.
pub trait AttrValue: Sized {
    /// Parses the bytes written to the attribute (no NUL; usually with a
    /// trailing newline). Errors are returned to the writer; `EINVAL` for
    /// input that is not a value.
    fn parse(input: &[u8]) -> Result<Self>;

    /// Writes the value as a read of the attribute shows it, without the
    /// trailing newline (which the caller adds).
    fn format(&self, f: &mut Formatter<'_>) -> fmt::Result;
}

/// Defines [`AttrValue`] for integer types with the `kstrto*` function that
/// parses them (base 0: decimal, `0x` hexadecimal or `0` octal, optional
/// trailing newline).
macro_rules! impl_int_value {
    ($($t:ty => $kstrto:ident),* $(,)?) => {$(
        impl AttrValue for $t {
            fn parse(input: &[u8]) -> Result<Self> {
                let mut res: $t = 0;
                with_c_string(input, |s| {
                    // SAFETY: `s` is NUL-terminated and `res` is valid for
                    // writes.
                    to_result(unsafe { bindings::$kstrto(s, 0, &mut res) })
                })?;
                Ok(res)
            }

            fn format(&self, f: &mut Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self)
            }
        }
    )*};
}

impl_int_value!(
    u8 => kstrtou8,
    i8 => kstrtos8,
    u16 => kstrtou16,
    i16 => kstrtos16,
    u32 => kstrtouint,
    i32 => kstrtoint,
    u64 => kstrtoull,
    i64 => kstrtoll,
);

impl AttrValue for bool {
    /// Parses what `kstrtobool` accepts: `1`/`0`, `y`/`n`, `on`/`off`...
    fn parse(input: &[u8]) -> Result<Self> {
        let mut res = false;
        with_c_string(input, |s| {
            // SAFETY: `s` is NUL-terminated and `res` is valid for writes.
            to_result(unsafe { bindings::kstrtobool(s, &mut res) })
        })?;
        Ok(res)
    }

    fn format(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if *self { "1" } else { "0" })
    }
}

/// The longest input parsed as a number, NUL included; numbers are short,
/// so a longer input is not one.
const NUMBER_BUF: usize = 64;

/// Runs `f` with `input` as a NUL-terminated C string; `EINVAL` if it is
/// too long to be a number or has a NUL byte in it.
fn with_c_string(input: &[u8], f: impl FnOnce(*const c_char) -> Result) -> Result {
    let mut buf = [0u8; NUMBER_BUF];
    if input.len() >= NUMBER_BUF || input.contains(&0) {
        return Err(EINVAL);
    }
    buf[..input.len()].copy_from_slice(input);
    f(buf.as_ptr().cast())
}

/// An enumeration shown and stored by name.
///
/// Every type implementing it is an [`AttrValue`] that parses exactly one
/// of the names, optionally followed by one newline, and formats as its
/// name.
pub trait AttrEnum: Copy + PartialEq + 'static {
    /// Each value with its name; the first entry of a value is the name
    /// shown.
    const NAMES: &'static [(&'static str, Self)];
}

impl<E: AttrEnum> AttrValue for E {
    fn parse(input: &[u8]) -> Result<Self> {
        let input = input.strip_suffix(b"\n").unwrap_or(input);
        E::NAMES
            .iter()
            .find(|(name, _)| name.as_bytes() == input)
            .map(|(_, value)| *value)
            .ok_or(EINVAL)
    }

    fn format(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = E::NAMES
            .iter()
            .find(|(_, value)| value == self)
            .map_or("unknown", |(name, _)| name);
        f.write_str(name)
    }
}

/// The driver data of disks of `T`, as the attribute callbacks get it.
pub type Data<'a, T> = <<T as Operations>::Data as ForeignOwnable>::Borrowed<'a>;

/// A readable attribute of the disks of `T`.
pub trait Show<T: Operations> {
    /// The type of the attribute's value.
    type Value: AttrValue;

    /// Returns the value to show.
    fn show(data: Data<'_, T>) -> Result<Self::Value>;
}

/// A writable attribute of the disks of `T`.
pub trait Store<T: Operations>: Show<T> {
    /// Stores `value`, parsed from what was written. An error leaves the
    /// attribute as it was and is returned to the writer.
    fn store(data: Data<'_, T>, value: Self::Value) -> Result;
}

/// An attribute of the disks of `T` (C's `struct device_attribute`), to be
/// listed in an [`AttributeList`]. Usually a `static`.
///
/// # Invariants
///
/// The `show` and `store` methods, when not `None`, are those of this
/// module for `T`; they are only called with the device of a disk of `T`.
#[repr(transparent)]
pub struct Attribute<T: Operations> {
    attr: UnsafeCell<bindings::device_attribute>,
    _t: PhantomData<fn() -> T>,
}

// SAFETY: sysfs only reads the attribute (the lockdep key in it is only
// used by address), and the Rust side never writes it.
unsafe impl<T: Operations> Sync for Attribute<T> {}

impl<T: Operations> Attribute<T> {
    const fn build(
        name: &'static CStr,
        mode: u16,
        show: bindings::device_attribute__bindgen_ty_1,
        store: bindings::device_attribute__bindgen_ty_2,
    ) -> Self {
        let mut attr: bindings::device_attribute = pin_init::zeroed();
        attr.attr.name = crate::str::as_char_ptr_in_const_context(name);
        attr.attr.mode = mode;
        attr.__bindgen_anon_1 = show;
        attr.__bindgen_anon_2 = store;
        // INVARIANT: The callbacks are `show_callback` and `store_callback`
        // of `T`.
        Self {
            attr: UnsafeCell::new(attr),
            _t: PhantomData,
        }
    }

    /// A read-only attribute (mode 0444) named `name`, shown by `A`.
    pub const fn read_only<A: Show<T>>(name: &'static CStr) -> Self {
        Self::build(
            name,
            0o444,
            bindings::device_attribute__bindgen_ty_1 {
                show: Some(show_callback::<T, A>),
            },
            bindings::device_attribute__bindgen_ty_2 { store: None },
        )
    }

    /// A read-write attribute (mode 0644) named `name`, shown and stored
    /// by `A`.
    pub const fn read_write<A: Store<T>>(name: &'static CStr) -> Self {
        Self::build(
            name,
            0o644,
            bindings::device_attribute__bindgen_ty_1 {
                show: Some(show_callback::<T, A>),
            },
            bindings::device_attribute__bindgen_ty_2 {
                store: Some(store_callback::<T, A>),
            },
        )
    }

    /// Returns the attribute's name.
    pub fn name(&self) -> &CStr {
        // SAFETY: The name was set from a `&'static CStr` and is never
        // changed.
        unsafe { CStr::from_char_ptr((*self.attr.get()).attr.name) }
    }

    /// Returns the raw C attribute.
    pub const fn as_raw(&self) -> *mut bindings::device_attribute {
        self.attr.get()
    }
}

/// The attributes of one [`AttributeGroup`]: `N` attributes of the disks
/// of `T` and the NULL that ends the C array. Usually a `static`.
///
/// # Invariants
///
/// `attrs` holds the `struct attribute` of `N` [`Attribute<T>`]s that live
/// forever, and `end` is NULL.
#[repr(C)]
pub struct AttributeList<T: Operations, const N: usize> {
    attrs: [*mut bindings::attribute; N],
    end: *mut bindings::attribute,
    _t: PhantomData<fn() -> T>,
}

// SAFETY: The pointers are to `'static` attributes that are `Sync`, and
// the list is never written after it is built.
unsafe impl<T: Operations, const N: usize> Sync for AttributeList<T, N> {}

impl<T: Operations, const N: usize> AttributeList<T, N> {
    /// Lists `attrs`, in the order sysfs creates them.
    pub const fn new(attrs: [&'static Attribute<T>; N]) -> Self {
        let mut raw = [core::ptr::null_mut(); N];
        let mut i = 0;
        while i < N {
            // `attr` is the first field of `device_attribute`.
            raw[i] = attrs[i].as_raw().cast();
            i += 1;
        }
        // INVARIANT: The attributes are `'static`; the end is NULL.
        Self {
            attrs: raw,
            end: core::ptr::null_mut(),
            _t: PhantomData,
        }
    }
}

/// An attribute group of the disks of `T` (C's `struct attribute_group`),
/// named or not. Usually a `static`, given to a disk of `T` when it is
/// added.
///
/// # Invariants
///
/// `group.attrs` points to the array of an [`AttributeList<T, N>`] that
/// lives forever; every attribute in it is an [`Attribute<T>`]. The
/// `is_visible` method, when not `None`, is this module's for `T`; like
/// those of the attributes, it is only called for disks of `T`.
#[repr(transparent)]
pub struct AttributeGroup<T: Operations> {
    group: UnsafeCell<bindings::attribute_group>,
    _t: PhantomData<fn() -> T>,
}

// SAFETY: sysfs only reads the group, and the Rust side never writes it.
unsafe impl<T: Operations> Sync for AttributeGroup<T> {}

impl<T: Operations> AttributeGroup<T> {
    /// A group of `attrs`, in the directory `name` of the disk, or in the
    /// disk's own directory for `None`.
    pub const fn new<const N: usize>(
        name: Option<&'static CStr>,
        attrs: &'static AttributeList<T, N>,
    ) -> Self {
        Self::build(name, attrs, None)
    }

    /// As [`AttributeGroup::new`], for a group of which a disk only has
    /// the attributes that `V` says it has.
    pub const fn with_visibility<V: Visible<T>, const N: usize>(
        name: Option<&'static CStr>,
        attrs: &'static AttributeList<T, N>,
    ) -> Self {
        Self::build(name, attrs, Some(is_visible_callback::<T, V>))
    }

    const fn build<const N: usize>(
        name: Option<&'static CStr>,
        attrs: &'static AttributeList<T, N>,
        is_visible: Option<IsVisibleFn>,
    ) -> Self {
        let mut group: bindings::attribute_group = pin_init::zeroed();
        group.__bindgen_anon_1 = bindings::attribute_group__bindgen_ty_1 { is_visible };
        group.name = match name {
            Some(name) => crate::str::as_char_ptr_in_const_context(name),
            None => core::ptr::null(),
        };
        group.__bindgen_anon_2 = bindings::attribute_group__bindgen_ty_2 {
            attrs: core::ptr::from_ref(&attrs.attrs).cast_mut().cast(),
        };
        // INVARIANT: `attrs` is `'static` and holds `Attribute<T>`s.
        Self {
            group: UnsafeCell::new(group),
            _t: PhantomData,
        }
    }

    /// Returns the group's directory name, if it has one.
    pub fn name(&self) -> Option<&CStr> {
        // SAFETY: The group is never written after it is built.
        let name = unsafe { (*self.group.get()).name };
        // SAFETY: A non-NULL name came from a `&'static CStr`.
        (!name.is_null()).then(|| unsafe { CStr::from_char_ptr(name) })
    }

    /// Returns the raw C group, for the `groups` of a disk of `T`.
    pub const fn as_raw(&self) -> *const bindings::attribute_group {
        self.group.get().cast_const()
    }
}

/// Which attributes of an [`AttributeGroup`] a disk of `T` has.
pub trait Visible<T: Operations> {
    /// Whether the disk has the `index`-th attribute of the group's
    /// [`AttributeList`]. Asked when the disk is added.
    fn is_visible(data: Data<'_, T>, index: usize) -> bool;
}

/// C's `is_visible` method of a `struct attribute_group`.
type IsVisibleFn =
    unsafe extern "C" fn(*mut bindings::kobject, *mut bindings::attribute, c_int) -> u16;

/// Returns the driver data of the disk whose device is `dev`.
///
/// # Safety
///
/// `dev` is the device of a live disk of `T` (`disk_to_dev`).
unsafe fn disk_data<'a, T: Operations>(dev: *mut bindings::device) -> Data<'a, T> {
    // SAFETY: A disk's device is the `bd_device` of its `part0`, whose
    // `bd_disk` is the disk (C's `dev_to_disk`); its `private_data` came
    // from `T::Data::into_foreign` and is only converted back when the disk
    // is freed, after its sysfs files are gone.
    unsafe {
        let bdev = container_of!(dev, bindings::block_device, bd_device);
        T::Data::borrow((*(*bdev).bd_disk).private_data)
    }
}

/// Formats `value` and a newline into `page`; returns the length written.
fn show_into<V: AttrValue>(value: &V, page: &mut [u8]) -> Result<usize> {
    let mut f = Formatter::new(page);
    value.format(&mut f).map_err(|_| EOVERFLOW)?;
    f.write_str("\n").map_err(|_| EOVERFLOW)?;
    Ok(f.bytes_written())
}

/// Formats `value` and a newline into the sysfs page at `buf`, as an
/// attribute's `show` does; returns the length written or a negative
/// errno. For `show` methods that C calls with its own page, such as those
/// of a library's C API.
///
/// # Examples
///
/// ```
/// use kernel::block::attr;
///
/// let mut page = KVec::from_elem(0u8, kernel::page::PAGE_SIZE, GFP_KERNEL)?;
/// // SAFETY: `page` is a page, ours for the call.
/// let len = unsafe { attr::show_to_page(&42u32, page.as_mut_ptr().cast()) };
/// assert_eq!(&page[..3], b"42\n");
/// assert_eq!(len, 3);
/// // SAFETY: A C string literal.
/// assert_eq!(unsafe { attr::parse_c_str::<u64>(c"0x10\n".as_char_ptr()) }, Ok(16));
/// // SAFETY: As above.
/// assert_eq!(unsafe { attr::parse_c_str::<u32>(c"ten".as_char_ptr()) }, Err(EINVAL));
/// # Ok::<(), Error>(())
/// ```
///
/// # Safety
///
/// `buf` is valid for writes of `PAGE_SIZE` bytes and not otherwise used
/// during the call.
pub unsafe fn show_to_page<V: AttrValue>(value: &V, buf: *mut c_char) -> isize {
    // SAFETY: By the safety requirements the page is ours for the call.
    let page = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
    match show_into(value, page) {
        // A page length fits.
        Ok(len) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// Parses the NUL-terminated string at `buf` as a `V`, as an attribute's
/// `store` does (`EINVAL` beyond [`MAX_STORE_LEN`] bytes). For `store`
/// methods that C calls with its own string; see [`show_to_page`].
///
/// # Safety
///
/// `buf` is a valid NUL-terminated string, unchanged during the call.
pub unsafe fn parse_c_str<V: AttrValue>(buf: *const c_char) -> Result<V> {
    // SAFETY: By the safety requirements.
    let input = unsafe { crate::str::CStr::from_char_ptr(buf) }.to_bytes();
    if input.len() > MAX_STORE_LEN {
        return Err(EINVAL);
    }
    V::parse(input)
}

/// Parses `input` as `A`'s value and stores it: the whole of a store but
/// for the C calling convention.
fn store_from<T: Operations, A: Store<T>>(data: Data<'_, T>, input: &[u8]) -> Result {
    if input.len() > MAX_STORE_LEN {
        return Err(EINVAL);
    }
    A::store(data, A::Value::parse(input)?)
}

/// # Safety
///
/// Called by sysfs with the kobject of the device of a live disk of `T` and
/// one of the attributes of a group of `T`.
unsafe extern "C" fn is_visible_callback<T: Operations, V: Visible<T>>(
    kobj: *mut bindings::kobject,
    attr: *mut bindings::attribute,
    index: c_int,
) -> u16 {
    // SAFETY: By the type invariant of `AttributeGroup`, `kobj` is that of
    // the device of a disk of `T`, live while its groups are added.
    let data = unsafe { disk_data::<T>(container_of!(kobj, bindings::device, kobj)) };
    let Ok(index) = usize::try_from(index) else {
        return 0;
    };
    if V::is_visible(data, index) {
        // SAFETY: `attr` is a valid attribute of the group.
        unsafe { (*attr).mode }
    } else {
        0
    }
}

/// # Safety
///
/// Called by sysfs with the device of a live disk of `T` and a buffer of
/// `PAGE_SIZE` bytes.
unsafe extern "C" fn show_callback<T: Operations, A: Show<T>>(
    dev: *mut bindings::device,
    _attr: *mut bindings::device_attribute,
    buf: *mut c_char,
) -> isize {
    // SAFETY: By the type invariant of `Attribute`, `dev` is the device of
    // a disk of `T`, live while sysfs calls its attributes.
    let data = unsafe { disk_data::<T>(dev) };
    // SAFETY: sysfs gives a page to fill, ours for the call.
    let page = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
    match A::show(data).and_then(|value| show_into(&value, page)) {
        // A page length fits.
        Ok(len) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// # Safety
///
/// Called by sysfs with the device of a live disk of `T` and `count` bytes
/// at `buf`.
unsafe extern "C" fn store_callback<T: Operations, A: Store<T>>(
    dev: *mut bindings::device,
    _attr: *mut bindings::device_attribute,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: As in `show_callback`.
    let data = unsafe { disk_data::<T>(dev) };
    // SAFETY: sysfs gives `count` readable bytes, ours for the call.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    match store_from::<T, A>(data, input) {
        // At most a page.
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}
