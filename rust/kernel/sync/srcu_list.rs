// SPDX-License-Identifier: GPL-2.0

//! Intrusive lists read under SRCU and written under a lock.
//!
//! C header: [`include/linux/rculist.h`](srctree/include/linux/rculist.h)
//!
//! An [`SrcuList`] is a C `struct list_head` whose entries embed their own
//! `struct list_head` (as C's `list_for_each_entry_srcu()` expects), so C and
//! Rust can share one list. Readers walk it with [`SrcuList::iter`], which
//! borrows an SRCU read guard: no entry reference can outlive the guard.
//! Writers add and remove entries with `list_add_tail_rcu()` and
//! `list_del_rcu()` while holding the lock that serialises them; an entry
//! removed may be freed only after a grace period of the same
//! [`Srcu`](crate::sync::srcu::Srcu).
//!
//! # Examples
//!
//! ```
//! use kernel::{impl_srcu_list_item, new_srcu, prelude::*};
//! use kernel::sync::srcu_list::{SrcuList, SrcuListLinks};
//!
//! #[pin_data]
//! struct Path {
//!     #[pin]
//!     links: SrcuListLinks,
//!     id: u32,
//! }
//! impl_srcu_list_item!(Path, links);
//!
//! let srcu = KBox::pin_init(new_srcu!(), GFP_KERNEL)?;
//! let list = KBox::pin_init(SrcuList::<Path>::new(), GFP_KERNEL)?;
//! let a = KBox::pin_init(pin_init!(Path { links <- SrcuListLinks::new(), id: 1 }), GFP_KERNEL)?;
//! // SAFETY: Single writer here; `a` outlives its time on the list.
//! unsafe { list.push_back(&a) };
//! {
//!     let guard = srcu.read_lock();
//!     assert_eq!(list.iter(&guard).map(|p| p.id).sum::<u32>(), 1);
//! }
//! // SAFETY: Single writer here; `a` is on `list`.
//! unsafe { list.remove(&a) };
//! srcu.synchronize();
//! assert!(list.is_empty());
//! # Ok::<(), Error>(())
//! ```

use crate::{
    bindings,
    prelude::*,
    sync::srcu_fast::SrcuReadGuard,
    types::Opaque, //
};
use core::marker::PhantomData;

/// The `struct list_head` that an entry embeds to be on an [`SrcuList`].
#[repr(transparent)]
#[pin_data]
pub struct SrcuListLinks {
    #[pin]
    inner: Opaque<bindings::list_head>,
}

// SAFETY: The links are only changed by the list's writer, under its lock.
unsafe impl Send for SrcuListLinks {}
// SAFETY: Readers only read the links, with RCU ordering.
unsafe impl Sync for SrcuListLinks {}

impl SrcuListLinks {
    /// Creates links that are on no list.
    pub fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            inner <- Opaque::ffi_init(|ptr: *mut bindings::list_head| {
                // SAFETY: `ptr` is valid memory for a list head.
                unsafe { bindings::INIT_LIST_HEAD(ptr) }
            }),
        })
    }

    /// Returns the raw `struct list_head`.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::list_head {
        self.inner.get()
    }
}

/// A type whose values can be entries of an [`SrcuList`].
///
/// # Safety
///
/// `links` and `from_links` must convert between a pointer to a value and a
/// pointer to the [`SrcuListLinks`] embedded in that same value.
pub unsafe trait SrcuListItem {
    /// Returns the links embedded in `item`.
    fn links(item: &Self) -> &SrcuListLinks;

    /// Returns the value that embeds `links`.
    ///
    /// # Safety
    ///
    /// `links` points to the links of a valid value of `Self`.
    unsafe fn from_links(links: *mut bindings::list_head) -> *const Self;
}

/// Implements [`SrcuListItem`] for a struct with an [`SrcuListLinks`] field.
#[macro_export]
macro_rules! impl_srcu_list_item {
    ($type:ty, $field:ident) => {
        // SAFETY: `links` and `from_links` go between a value and its
        // `$field`, by address.
        unsafe impl $crate::sync::srcu_list::SrcuListItem for $type {
            fn links(item: &Self) -> &$crate::sync::srcu_list::SrcuListLinks {
                &item.$field
            }

            unsafe fn from_links(links: *mut $crate::bindings::list_head) -> *const Self {
                let links = links.cast::<$crate::sync::srcu_list::SrcuListLinks>();
                // SAFETY: By the safety requirements, `links` is the
                // `$field` of a valid value.
                unsafe { $crate::container_of!(links, Self, $field) }
            }
        }
    };
}

/// A C list of `T`s, read under SRCU, written under the owner's lock.
///
/// # Invariants
///
/// `head` is an initialised list head; every entry on it is the links of a
/// live `T` that stays valid until a grace period of the readers' SRCU has
/// passed after its removal.
#[repr(transparent)]
#[pin_data]
pub struct SrcuList<T: SrcuListItem> {
    #[pin]
    head: Opaque<bindings::list_head>,
    _t: PhantomData<T>,
}

// SAFETY: The list only hands out shared references to `T`s.
unsafe impl<T: SrcuListItem + Sync> Send for SrcuList<T> {}
// SAFETY: Readers and the single writer synchronise through RCU ordering.
unsafe impl<T: SrcuListItem + Sync> Sync for SrcuList<T> {}

impl<T: SrcuListItem> SrcuList<T> {
    /// Creates an empty list.
    pub fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // INVARIANT: An initialised empty list.
            head <- Opaque::ffi_init(|ptr: *mut bindings::list_head| {
                // SAFETY: `ptr` is valid memory for a list head.
                unsafe { bindings::INIT_LIST_HEAD(ptr) }
            }),
            _t: PhantomData,
        })
    }

    /// Views an initialised C list of `T`s as an [`SrcuList`].
    ///
    /// # Safety
    ///
    /// `head` is an initialised list head that lives for `'a`, whose entries
    /// are `T`s kept as the type invariants say.
    #[inline]
    pub unsafe fn from_raw<'a>(head: *mut bindings::list_head) -> &'a Self {
        // SAFETY: `SrcuList` is a transparent wrapper of a list head.
        unsafe { &*head.cast() }
    }

    #[inline]
    fn head(&self) -> *mut bindings::list_head {
        self.head.get()
    }

    /// Returns whether the list is empty. Without the writer's lock, the
    /// answer may be stale by the time it is used.
    pub fn is_empty(&self) -> bool {
        // SAFETY: The head is valid; `list_empty` reads `next` once.
        unsafe { bindings::list_empty_careful_rcu(self.head()) }
    }

    /// Walks the entries in order under `guard`.
    ///
    /// `guard` must be a read guard of the SRCU that the list's writer
    /// synchronises with before freeing entries: the entries borrowed are
    /// only valid while it is held, which the lifetimes enforce.
    #[inline]
    pub fn iter<'g, G: SrcuReadGuard>(&'g self, _guard: &'g G) -> Iter<'g, T> {
        Iter {
            head: self.head(),
            // SAFETY: The head is valid.
            pos: unsafe { bindings::list_next_rcu_raw(self.head()) },
            _guard: PhantomData,
        }
    }

    /// Walks the entries after `item` in order under `guard`, up to the end
    /// of the list (not around it); `None` when `item` has been removed.
    ///
    /// This is the O(1) start of a walk from a remembered entry, such as a
    /// cursor cached in an [`SrcuPtr`](crate::sync::srcu_ptr::SrcuPtr). If a
    /// writer removes `item` concurrently, the walk may still start from it:
    /// `list_del_rcu` leaves its `next` on the list, so the walk ends at the
    /// head as usual.
    ///
    /// # Safety
    ///
    /// `item` was added to this list and, if it was removed since, has not
    /// been added to any list again.
    #[inline]
    pub unsafe fn iter_after<'g, G: SrcuReadGuard>(
        &'g self,
        item: &'g T,
        _guard: &'g G,
    ) -> Option<Iter<'g, T>> {
        let links = T::links(item).as_raw();
        // SAFETY: `links` is valid for `'g`. By the safety requirements it is
        // on this list or was taken off it by `remove`, whose
        // `list_del_rcu` poisons `prev` until the entry is added again.
        if unsafe { bindings::list_is_del_rcu(links) } {
            return None;
        }
        Some(Iter {
            head: self.head(),
            // SAFETY: `item` was on this list when `prev` was read above, so
            // its `next` is an entry of this list or the head; if `item` has
            // been removed since, `next` is the entry that followed it then,
            // which is only freed a grace period after its own removal, and
            // that grace period cannot end while `guard` is held.
            pos: unsafe { bindings::list_next_rcu_raw(links) },
            _guard: PhantomData,
        })
    }

    /// Appends `item` (C's `list_add_tail_rcu`).
    ///
    /// # Safety
    ///
    /// The caller holds the lock that serialises this list's writers; `item`
    /// is on no list; `item` stays valid until it is removed and a grace
    /// period of the readers' SRCU has passed.
    pub unsafe fn push_back(&self, item: &T) {
        // INVARIANT: By the safety requirements.
        // SAFETY: Both heads are valid and writers are serialised.
        unsafe { bindings::list_add_tail_rcu(T::links(item).as_raw(), self.head()) };
    }

    /// Removes `item` (C's `list_del_rcu`). Readers may still see it until
    /// a grace period has passed.
    ///
    /// # Safety
    ///
    /// The caller holds the lock that serialises this list's writers, and
    /// `item` is on this list.
    pub unsafe fn remove(&self, item: &T) {
        // SAFETY: `item` is on the list and writers are serialised.
        unsafe { bindings::list_del_rcu(T::links(item).as_raw()) };
    }
}

/// An iterator over an [`SrcuList`] for the time of a read guard.
pub struct Iter<'g, T: SrcuListItem> {
    head: *mut bindings::list_head,
    pos: *mut bindings::list_head,
    _guard: PhantomData<&'g T>,
}

impl<'g, T: SrcuListItem> Iterator for Iter<'g, T> {
    type Item = &'g T;

    #[inline]
    fn next(&mut self) -> Option<&'g T> {
        if self.pos == self.head || self.pos.is_null() {
            return None;
        }
        let links = self.pos;
        // SAFETY: `links` is on the list (or was removed less than a grace
        // period ago), so its entry is valid while the guard is held, and
        // `list_del_rcu` leaves `next` usable for readers.
        unsafe {
            self.pos = bindings::list_next_rcu_raw(links);
            Some(&*T::from_links(links))
        }
    }
}
