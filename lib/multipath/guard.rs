// SPDX-License-Identifier: GPL-2.0

//! The two ways into a head's path state: its mutex and its SRCU read side.
//!
//! `mpath_head.lock` and `mpath_head.srcu` are C objects embedded in the
//! C-layout `struct mpath_head`, which drivers see and initialise through
//! the library.  The kernel crate wraps such C-owned objects without owning
//! them: `Mutex::<()>::from_raw()` over the `struct mutex` and
//! `Srcu::from_raw()` over the `struct srcu_struct`.  Their guards are the
//! kernel crate's; the types here tie each guard to the one head it
//! protects, so that a head's list can only be reached under that head's
//! own lock or read section (as binder's `LockedBy` does).

use core::marker::PhantomData;

use kernel::{
    bindings,
    sync::{
        srcu,
        Mutex,
        MutexGuard, //
    },
};

use crate::{
    abi::mpath_device,
    head::Head,
    once::read_once,
    path::Path, //
};

/// A held `mpath_head.lock`: the only way to the state the lock protects
/// (the path list for writers, the delayed-removal fields).
///
/// Not `Send`, as the kernel crate's lock guard it holds: a mutex is
/// released by the task that took it.
pub(crate) struct HeadLock<'a> {
    head: &'a Head,
    _guard: MutexGuard<'a, ()>,
}

/// A held SRCU read section of a head, the only way to walk its paths and
/// read its per-node path cache.
///
/// Paths found on the head's list stay valid while the guard lives.  Not
/// `Send`, as the kernel crate's SRCU guard it holds: the read section
/// belongs to the task that entered it.
pub(crate) struct SrcuGuard<'a> {
    head: &'a Head,
    _guard: srcu::FastGuard<'a>,
}

impl Head {
    /// `mpath_head.lock` as a kernel-crate mutex.
    fn mutex(&self) -> &Mutex<()> {
        // SAFETY: By the type invariants the head is valid and its mutex
        // was initialised by `Head::alloc()`; it lives as long as `self`.
        unsafe { Mutex::from_raw(&raw mut (*self.as_raw()).lock) }
    }

    /// Take `mpath_head.lock`.
    pub(crate) fn lock(&self) -> HeadLock<'_> {
        HeadLock {
            head: self,
            _guard: self.mutex().lock(),
        }
    }

    /// Enter an SRCU read section.
    #[inline]
    pub(crate) fn srcu_read(&self) -> SrcuGuard<'_> {
        SrcuGuard {
            head: self,
            // SAFETY: `Head::alloc()` initialises the domain for SRCU-fast
            // readers, and every reader of it comes here.
            _guard: unsafe { self.srcu().read_lock_fast() },
        }
    }

    /// The path list head.
    fn dev_list(&self) -> *mut bindings::list_head {
        // SAFETY: By the type invariants the head is valid.
        unsafe { &raw mut (*self.as_raw()).dev_list }
    }
}

impl<'a> HeadLock<'a> {
    /// The head whose lock this is.
    pub(crate) fn head(&self) -> &'a Head {
        self.head
    }

    /// Link `path` at the tail of the list.
    pub(crate) fn link_path(&self, path: &Path) {
        // SAFETY: The mutex serialises list writers; readers use SRCU.  The
        // driver guarantees that `path` is not on a list.
        unsafe { bindings::list_add_tail_rcu(path.siblings(), self.head.dev_list()) };
    }

    /// Unlink `path`; readers may still see it until a grace period ends.
    pub(crate) fn unlink_path(&self, path: &Path) {
        // SAFETY: As in `link_path`; the driver guarantees that `path` is on
        // this head's list.
        unsafe { bindings::list_del_rcu(path.siblings()) };
    }

    /// Whether the path list is empty.
    pub(crate) fn no_paths(&self) -> bool {
        let list = self.head.dev_list();
        // SAFETY: The list head is valid; writers are excluded by the lock.
        unsafe { (*list).next == list }
    }
}

impl SrcuGuard<'_> {
    /// The head this guard protects.
    pub(crate) fn head(&self) -> &Head {
        self.head
    }

    /// Hand the read section over to C, which ends it with
    /// `srcu_read_unlock_fast(&head->srcu, scp)` on the returned `scp`.
    #[inline]
    pub(crate) fn into_raw(self) -> *mut bindings::srcu_ctr {
        self._guard.into_raw()
    }

    /// Walk the paths.
    pub(crate) fn paths(&self) -> Paths<'_> {
        let list = self.head.dev_list();
        Paths {
            list,
            pos: list,
            _guard: PhantomData,
        }
    }

    /// Whether the path list is empty.
    #[inline(always)]
    pub(crate) fn no_paths(&self) -> bool {
        let list = self.head.dev_list();
        // SAFETY: The list head is valid while the head is.  ORDERING: a
        // bare emptiness check, as `list_empty()` under SRCU: entries are
        // reached through [`Self::paths()`], which orders its own reads.
        unsafe { read_once(&raw const (*list).next) == list }
    }

    /// The path in the per-node cache `slot` of this head, if any.
    #[inline(always)]
    fn slot_path(&self, slot: *mut *mut mpath_device) -> Option<&Path> {
        // SAFETY: The slots are valid while the head is.  ORDERING: as
        // `srcu_dereference()` pairs with `rcu_assign_pointer()`, the
        // address dependency orders the reads of the path after this
        // read, and the release in `cache_path()` its initialisation
        // before the store.
        let ptr = unsafe { read_once(slot) };
        // SAFETY: A path is removed from every slot before its grace period
        // starts (`mpath_clear_current_path()`), so a path read under the
        // guard stays valid while the guard lives.
        unsafe { Path::from_raw(ptr) }
    }

    /// The path cached for the node of the current CPU, `node` (from
    /// [`crate::head::numa_node_id()`]), if any.
    #[inline(always)]
    pub(crate) fn local_cached_path(&self, node: i32) -> Option<&Path> {
        // SAFETY: `numa_node_id()` is a valid node id, below `nr_node_ids`,
        // which is the number of slots (`Head::alloc()`).
        self.slot_path(unsafe { self.head.node_slot(node) })
    }

    /// The path cached for `node`, if any.
    pub(crate) fn cached_path(&self, node: usize) -> Option<&Path> {
        self.slot_path(self.head.slot_ptr(node)?)
    }

    /// The path a round-robin `cursor` of this head holds, and the other
    /// paths in round-robin order from it: the paths after it in the
    /// list, then, wrapping around, the paths before it.
    ///
    /// The walk starts at the cursor's path, so it costs nothing to reach
    /// the paths right after it, however long the list.
    #[inline]
    pub(crate) fn rr_path_and_rest(
        &self,
        cursor: *mut *mut mpath_device,
    ) -> Option<(&Path, PathsAround<'_>)> {
        // SAFETY: `cursor` is a cursor of this head (`Head::rr_cursor()`),
        // valid while the head is.  ORDERING: as in `slot_path()`.
        let ptr = unsafe { read_once(cursor) };
        // SAFETY: A path leaves every cursor before its grace period
        // starts, as it leaves the slots.
        let old = unsafe { Path::from_raw(ptr) }?;
        // INVARIANT: A cursor only holds paths that are on the list: a
        // driver clears a path from every cursor (and lets the readers that
        // saw it finish) before it deletes the path (`mpath_delete_device()`).
        // So `old` is on the list during the guard, and its `next` chain
        // leads over entries that were on the list during the guard, which
        // stay valid until the guard ends, to the list head.
        let rest = PathsAround {
            list: self.head.dev_list(),
            pos: old.siblings(),
            start: old.siblings(),
            wrapped: false,
            _guard: PhantomData,
        };
        Some((old, rest))
    }
}

/// The paths of a head after `start` in list order, then, wrapping around
/// once past the list head, the paths before `start`; walked under SRCU.
pub(crate) struct PathsAround<'g> {
    list: *mut bindings::list_head,
    pos: *mut bindings::list_head,
    start: *mut bindings::list_head,
    wrapped: bool,
    _guard: PhantomData<&'g SrcuGuard<'g>>,
}

impl<'g> Iterator for PathsAround<'g> {
    type Item = &'g Path;

    #[inline]
    fn next(&mut self) -> Option<&'g Path> {
        // SAFETY: As in `Paths::next()`: `pos` is `start`, the list head or
        // an entry that was on the list while the guard was held.
        // ORDERING: As there.
        let mut next = unsafe { read_once(&raw const (*self.pos).next) };
        if next == self.list {
            // The list head is passed once: without `start` on the list
            // (which the invariant of its caller excludes) the walk ends.
            if self.wrapped {
                return None;
            }
            self.wrapped = true;
            // SAFETY: As above, for the list head.
            next = unsafe { read_once(&raw const (*self.list).next) };
            if next == self.list {
                return None;
            }
        }
        if next == self.start {
            return None;
        }
        self.pos = next;
        // SAFETY: Every entry of `dev_list` is the `siblings` field of an
        // `mpath_device`.
        let dev = unsafe { kernel::container_of!(next, mpath_device, siblings) };
        // SAFETY: The entry is valid while the SRCU guard is held.
        unsafe { Path::from_raw(dev) }
    }
}

/// The paths of a head in list order, walked under SRCU.
pub(crate) struct Paths<'g> {
    list: *mut bindings::list_head,
    pos: *mut bindings::list_head,
    _guard: PhantomData<&'g SrcuGuard<'g>>,
}

impl Clone for Paths<'_> {
    fn clone(&self) -> Self {
        Self {
            list: self.list,
            pos: self.pos,
            _guard: PhantomData,
        }
    }
}

impl<'g> Iterator for Paths<'g> {
    type Item = &'g Path;

    #[inline]
    fn next(&mut self) -> Option<&'g Path> {
        // SAFETY: `pos` is the list head or an entry that was on the list
        // while the SRCU guard was held; such entries, and the entries
        // their `next` leads to, stay valid for the guard's lifetime.
        // ORDERING: as in `list_for_each_entry_srcu()`, whose
        // `srcu_dereference()` this is: the address dependency orders
        // the reads of the entry after the read of `next`, and the
        // release in `list_add_tail_rcu()` its initialisation before the
        // store.
        let next = unsafe { read_once(&raw const (*self.pos).next) };
        // INVARIANT: `next` is never NULL: `list_add_tail_rcu()` sets it
        // before it publishes an entry, and `list_del_rcu()` leaves it.
        if next == self.list {
            return None;
        }
        self.pos = next;
        // SAFETY: Every entry of `dev_list` is the `siblings` field of an
        // `mpath_device`.
        let dev = unsafe { kernel::container_of!(next, mpath_device, siblings) };
        // SAFETY: The entry is valid while the SRCU guard is held.
        unsafe { Path::from_raw(dev) }
    }
}
