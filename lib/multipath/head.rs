// SPDX-License-Identifier: GPL-2.0

//! The multipath head: allocation, reference counting and SRCU.
//!
//! A head is allocated by the library with one trailing `current_path` slot
//! per possible NUMA node id (`nr_node_ids`, not the number of possible
//! nodes: node ids can be sparse).  The driver holds the initial reference;
//! the last [`Head::put`] tears the SRCU domain down and frees the memory.

use core::{
    alloc::Layout,
    mem::{
        align_of,
        size_of, //
    },
    ptr::NonNull,
};

use kernel::{
    alloc::{
        allocator::Kmalloc,
        flags::{
            __GFP_ZERO, //
            GFP_KERNEL,
        },
        Allocator,
        NumaNode, //
    },
    bindings,
    prelude::*,
    sync::static_lock_class,
    types::Opaque, //
};

use crate::abi::{
    mpath_device,
    mpath_head, //
};

/// The number of per-node `current_path` slots a new head gets.
fn nr_node_slots() -> usize {
    #[cfg(CONFIG_NUMA)]
    // SAFETY: `nr_node_ids` is set once during early boot and only read
    // afterwards.
    let nr = unsafe { bindings::nr_node_ids } as usize;
    #[cfg(not(CONFIG_NUMA))]
    let nr = 1;
    nr.clamp(1, bindings::MAX_NUMNODES as usize)
}

/// The allocation layout of a head with `nr` trailing path slots.
fn head_layout(nr: usize) -> Result<Layout> {
    let size = size_of::<*mut mpath_device>()
        .checked_mul(nr)
        .and_then(|slots| slots.checked_add(size_of::<mpath_head>()))
        .ok_or(ENOMEM)?;
    Layout::from_size_align(size, align_of::<mpath_head>()).map_err(|_| ENOMEM)
}

/// A multipath head, seen from Rust.
///
/// # Invariants
///
/// The wrapped `mpath_head` was returned by [`Head::alloc`], is fully
/// initialised, has `nr_current_paths` trailing slots and has not been freed.
/// Its fields may change concurrently (C and Rust both write them), so no
/// Rust reference to them is ever formed.
#[repr(transparent)]
pub(crate) struct Head(Opaque<mpath_head>);

// SAFETY: A head is designed to be used from any thread; all shared state
// is behind its locks, SRCU or atomics.
unsafe impl Sync for Head {}
// SAFETY: See the `Sync` implementation; a head is not tied to a thread.
unsafe impl Send for Head {}

impl Head {
    /// Allocate and initialise a head holding one reference.
    ///
    /// The caller becomes the owner of that reference and must eventually
    /// pass the pointer to [`Head::put`].
    pub(crate) fn alloc() -> Result<*mut mpath_head> {
        let nr = nr_node_slots();
        let layout = head_layout(nr)?;
        let mem = Kmalloc::alloc(layout, GFP_KERNEL | __GFP_ZERO, NumaNode::NO_NODE)?;
        let head: *mut mpath_head = mem.as_ptr().cast();

        // SAFETY: `head` points to a zeroed allocation large enough and
        // aligned for a `mpath_head` with `nr` trailing slots, which nobody
        // else can see yet.
        unsafe {
            bindings::INIT_LIST_HEAD(&raw mut (*head).dev_list);
            bindings::__mutex_init(
                &raw mut (*head).lock,
                c"&head->lock".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::__spin_lock_init(
                &raw mut (*head).requeue_lock,
                c"&head->requeue_lock".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::refcount_set(&raw mut (*head).r#ref.refcount, 1);
            // CAST: `nr` is at most `MAX_NUMNODES`.
            (*head).nr_current_paths = nr as c_uint;
        }

        // SAFETY: `srcu` is zeroed, unused memory inside our allocation.
        let ret = unsafe {
            bindings::init_srcu_struct_with_key(
                &raw mut (*head).srcu,
                c"&head->srcu".as_char_ptr(),
                static_lock_class!().as_ptr(),
            )
        };
        if ret != 0 {
            // SAFETY: `mem` came from `Kmalloc::alloc` with `layout` and is
            // not used any more.
            unsafe { Kmalloc::free(mem.cast(), layout) };
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: Every field the library relies on is initialised above.
        Ok(head)
    }

    /// Borrow the head behind a raw pointer from C.
    ///
    /// Returns `None` for a NULL pointer.
    ///
    /// # Safety
    ///
    /// A non-NULL `ptr` must have been returned by [`Head::alloc`] and stay
    /// allocated for the lifetime `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut mpath_head) -> Option<&'a Self> {
        // CAST: `Head` is a transparent wrapper of `Opaque<mpath_head>`,
        // which has the layout of `mpath_head`.
        let ptr = NonNull::new(ptr.cast::<Self>())?;
        // SAFETY: The caller guarantees that the head is live for `'a`.
        Some(unsafe { ptr.as_ref() })
    }

    /// The raw C pointer of this head.
    pub(crate) fn as_raw(&self) -> *mut mpath_head {
        self.0.get()
    }

    /// Take a reference unless the count already dropped to zero.
    pub(crate) fn try_get(&self) -> bool {
        // SAFETY: By the type invariants the head, and so its refcount, is
        // valid; the refcount is only accessed through atomic operations.
        unsafe { bindings::refcount_inc_not_zero(&raw mut (*self.as_raw()).r#ref.refcount) }
    }

    /// Drop a reference; returns `true` if it was the last one.
    ///
    /// The memory is *not* freed; that is [`Head::put`]'s job.
    fn release_ref(&self) -> bool {
        // SAFETY: By the type invariants the refcount is valid.
        unsafe { bindings::refcount_dec_and_test(&raw mut (*self.as_raw()).r#ref.refcount) }
    }

    /// Drop a reference, freeing the head when it was the last one.
    ///
    /// # Safety
    ///
    /// The caller must own a reference, which this call consumes.  If it
    /// was the last one, `self` must not be used afterwards.
    pub(crate) unsafe fn put(&self) {
        if self.release_ref() {
            // SAFETY: That was the last reference, so nobody else can use
            // the head any more.
            unsafe { Self::free(self.as_raw()) };
        }
    }

    /// Tear down and free a head whose reference count reached zero.
    ///
    /// # Safety
    ///
    /// `head` came from [`Head::alloc`], its count is zero and nobody uses
    /// it any more.
    unsafe fn free(head: *mut mpath_head) {
        // SAFETY: The caller guarantees that the head is valid and unused.
        let nr = unsafe { (*head).nr_current_paths } as usize;
        // SAFETY: The SRCU domain was initialised by `alloc` and has no
        // readers left, since nobody holds a reference.
        unsafe { bindings::cleanup_srcu_struct(&raw mut (*head).srcu) };
        if let (Ok(layout), Some(mem)) = (head_layout(nr), NonNull::new(head.cast::<u8>())) {
            // SAFETY: `mem` was allocated by `Kmalloc` with this layout in
            // `alloc` (`nr_current_paths` never changes).
            unsafe { Kmalloc::free(mem, layout) };
        }
    }

    /// Wait for all SRCU readers of this head that started before.
    pub(crate) fn synchronize(&self) {
        // SAFETY: By the type invariants the SRCU domain is initialised.
        unsafe { bindings::synchronize_srcu(&raw mut (*self.as_raw()).srcu) };
    }

    /// The number of per-node path slots.
    #[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
    pub(crate) fn nr_current_paths(&self) -> usize {
        // SAFETY: By the type invariants the head is valid; the field is
        // written once before the head is published.
        unsafe { (*self.as_raw()).nr_current_paths as usize }
    }
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[kunit_tests(libmultipath_head)]
mod tests {
    use super::*;
    use crate::abi;
    use kernel::error::from_err_ptr;

    /// Read a head's reference count.
    fn refs(head: &Head) -> i32 {
        // SAFETY: The head is valid; nothing else touches it in these tests.
        unsafe { (*head.as_raw()).r#ref.refcount.refs.counter }
    }

    /// Allocate a head through the C entry point.
    fn new_head<'a>() -> Result<&'a Head> {
        let ptr = from_err_ptr(abi::mpath_alloc_head())?;
        // SAFETY: `ptr` is a live head; the tests put it before returning.
        unsafe { Head::from_raw(ptr) }.ok_or(EINVAL)
    }

    #[test]
    fn alloc_initialises_head() -> Result {
        let head = new_head()?;
        let raw = head.as_raw();
        assert_eq!(refs(head), 1);
        assert_eq!(head.nr_current_paths(), nr_node_slots());
        assert!(head.nr_current_paths() >= 1);
        // SAFETY: The head is valid and private to this test.
        unsafe {
            assert!(core::ptr::eq(
                (*raw).dev_list.next,
                &raw mut (*raw).dev_list
            ));
            assert!((*raw).disk.is_null());
            assert!((*raw).mpdt.is_null());
            let slots = (&raw mut (*raw).current_path).cast::<*mut mpath_device>();
            for i in 0..head.nr_current_paths() {
                assert!((*slots.add(i)).is_null());
            }
        }
        // SAFETY: We own the initial reference.
        unsafe { abi::mpath_put_head(raw) };
        Ok(())
    }

    #[test]
    fn get_and_put_count_references() -> Result {
        let head = new_head()?;
        let raw = head.as_raw();
        // SAFETY: We hold the initial reference.
        assert_eq!(unsafe { abi::mpath_get_head(raw) }, 0);
        assert_eq!(refs(head), 2);
        // SAFETY: We hold the initial reference.
        assert_eq!(unsafe { abi::mpath_get_head(raw) }, 0);
        assert_eq!(refs(head), 3);
        // SAFETY: We own the references taken above.
        unsafe { abi::mpath_put_head(raw) };
        // SAFETY: As above.
        unsafe { abi::mpath_put_head(raw) };
        assert_eq!(refs(head), 1);
        // SAFETY: We own the initial reference; the head is freed here.
        unsafe { abi::mpath_put_head(raw) };
        Ok(())
    }

    #[test]
    fn get_after_last_put_fails() -> Result {
        let head = new_head()?;
        let raw = head.as_raw();
        // Drop the last reference without freeing, as a concurrent final
        // put would, then try to revive the head.
        assert!(head.release_ref());
        assert_eq!(refs(head), 0);
        // SAFETY: The memory is still allocated (only the count is zero).
        assert_eq!(unsafe { abi::mpath_get_head(raw) }, ENXIO.to_errno());
        assert!(!head.try_get());
        assert_eq!(refs(head), 0);
        // SAFETY: The count is zero and nobody else knows the head.
        unsafe { Head::free(raw) };
        Ok(())
    }

    #[test]
    fn null_head_is_rejected() {
        // SAFETY: NULL is explicitly handled.
        let ret = unsafe { abi::mpath_get_head(core::ptr::null_mut()) };
        assert_eq!(ret, ENXIO.to_errno());
        // SAFETY: NULL is explicitly handled and ignored.
        unsafe { abi::mpath_put_head(core::ptr::null_mut()) };
        // SAFETY: NULL is explicitly handled and ignored.
        unsafe { abi::mpath_synchronize(core::ptr::null_mut()) };
    }

    #[test]
    fn synchronize_returns() -> Result {
        let head = new_head()?;
        // SAFETY: We hold the initial reference.
        unsafe { abi::mpath_synchronize(head.as_raw()) };
        assert_eq!(refs(head), 1);
        // SAFETY: We own the initial reference.
        unsafe { abi::mpath_put_head(head.as_raw()) };
        Ok(())
    }

    #[test]
    fn layout_overflow_is_an_error() {
        assert!(head_layout(usize::MAX).is_err());
        assert!(head_layout(1).is_ok());
    }
}
