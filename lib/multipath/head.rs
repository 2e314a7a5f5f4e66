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
    ptr::{
        self,
        NonNull, //
    },
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
    cpu::{
        self,
        CpuId, //
    },
    cpumask::Cpumask,
    prelude::*,
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Relaxed,
            Release, //
        },
        static_lock_class,
        Refcount,
        Srcu, //
    },
    types::Opaque, //
};

use crate::{
    abi::{
        self,
        mpath_device,
        mpath_head, //
    },
    once::read_once,
    path::{
        Path,
        Template, //
    },
    select::Policy,
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
            bindings::refcount_set(&raw mut (*head).ref_.refcount, 1);
            // The works are C `work_struct`s of `struct mpath_head`, which
            // `workqueue::Queue` cannot queue (it takes Rust `Work<T>`
            // items, and kblockd's queue is private to the block layer):
            // they are queued with the C calls.
            bindings::init_work_with_key(
                &raw mut (*head).requeue_work,
                Some(crate::bio::requeue_work_fn),
                false,
                c"&head->requeue_work".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::init_work_with_key(
                &raw mut (*head).partition_scan_work,
                Some(crate::disk::partition_scan_work_fn),
                false,
                c"&head->partition_scan_work".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            // Initialised for every head, with or without a disk:
            // `mpath_add_device()` always cancels it.  A lock class for
            // the work and one for its timer, as `DelayedWork::new()`
            // gives them (that type cannot be used: the field has the C
            // layout of `struct delayed_work` in `struct mpath_head`).
            bindings::init_work_with_key(
                &raw mut (*head).remove_work.work,
                Some(crate::removal::remove_work_fn),
                false,
                c"&head->remove_work".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            bindings::timer_init_key(
                &raw mut (*head).remove_work.timer,
                Some(bindings::delayed_work_timer_fn),
                bindings::TIMER_IRQSAFE,
                c"&head->remove_work.timer".as_char_ptr(),
                static_lock_class!().as_ptr(),
            );
            // CAST: `nr` is at most `MAX_NUMNODES`.
            (*head).nr_current_paths = nr as c_uint;
        }

        let cursor = size_of::<*mut mpath_device>();
        // `alloc_percpu()` is a macro around this function, which the
        // kernel crate's allocators call as they call the other `_noprof`
        // allocation functions.
        // SAFETY: Always safe to call; the memory comes back zeroed.
        let rr_path =
            unsafe { bindings::pcpu_alloc_noprof(cursor, cursor, false, bindings::GFP_KERNEL) };
        if rr_path.is_null() {
            // SAFETY: `mem` came from `Kmalloc::alloc` with `layout` and is
            // not used any more.
            unsafe { Kmalloc::free(mem.cast(), layout) };
            return Err(ENOMEM);
        }
        // SAFETY: The head is still ours alone.
        unsafe { (*head).rr_path = rr_path.cast() };

        // SRCU-fast: readers, one per I/O, take no full memory barrier;
        // grace periods, only on path and head teardown, wait for RCU.
        // SAFETY: `srcu` is zeroed, unused memory inside our allocation.
        let ret = unsafe {
            bindings::init_srcu_struct_fast_with_key(
                &raw mut (*head).srcu,
                c"&head->srcu".as_char_ptr(),
                static_lock_class!().as_ptr(),
            )
        };
        if ret != 0 {
            // SAFETY: `rr_path` and `mem` were allocated above and are not
            // used any more.
            unsafe {
                bindings::free_percpu(rr_path);
                Kmalloc::free(mem.cast(), layout);
            }
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

    /// The reference count, the `refcount_t` inside the head's `kref` (a
    /// C-layout field drivers see, so not a Rust-owned `Refcount`).
    fn refcount(&self) -> &Refcount {
        // SAFETY: By the type invariants the head, and so its refcount, is
        // valid while `self` is; C touches it only through kref_*().
        unsafe { Refcount::from_raw(&raw mut (*self.as_raw()).ref_.refcount) }
    }

    /// Take a reference unless the count already dropped to zero.
    pub(crate) fn try_get(&self) -> bool {
        self.refcount().inc_not_zero()
    }

    /// Drop a reference; returns `true` if it was the last one.
    ///
    /// The memory is *not* freed; that is [`Head::put`]'s job.
    fn release_ref(&self) -> bool {
        self.refcount().dec_and_test()
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
        // No delayed removal can be pending: a queued `remove_work` owns a
        // reference (`removal::can_remove_head()`), so the count cannot
        // have reached zero before the work ran or was cancelled.
        // SAFETY: The caller guarantees that the head is valid and unused.
        let nr = unsafe { (*head).nr_current_paths } as usize;
        // SAFETY: The SRCU domain was initialised by `alloc` and has no
        // readers left, since nobody holds a reference.
        unsafe { bindings::cleanup_srcu_struct(&raw mut (*head).srcu) };
        // SAFETY: Allocated by `alloc`, and unused like the head.
        unsafe { bindings::free_percpu((*head).rr_path.cast()) };
        if let (Ok(layout), Some(mem)) = (head_layout(nr), NonNull::new(head.cast::<u8>())) {
            // SAFETY: `mem` was allocated by `Kmalloc` with this layout in
            // `alloc` (`nr_current_paths` never changes).
            unsafe { Kmalloc::free(mem, layout) };
        }
    }

    /// `mpath_head.srcu` as a kernel-crate SRCU domain (a C-layout field
    /// drivers synchronize, so not a Rust-owned `Srcu`).
    pub(crate) fn srcu(&self) -> &Srcu {
        // SAFETY: By the type invariants the head is valid and its SRCU
        // domain was initialised by `Head::alloc()`; `Head::free()` cleans
        // it up only after the last reference, and so the last `&Head`.
        unsafe { Srcu::from_raw(&raw mut (*self.as_raw()).srcu) }
    }

    /// Wait for all SRCU readers of this head that started before.
    pub(crate) fn synchronize(&self) {
        self.srcu().synchronize();
    }
}

/// Flag bits of `mpath_head.flags`.
#[derive(Clone, Copy)]
pub(crate) enum HeadFlag {
    /// `MPATH_HEAD_DISK_LIVE`.
    DiskLive,
    /// `MPATH_HEAD_QUEUE_IF_NO_PATH`.
    QueueIfNoPath,
    /// `MPATH_HEAD_CDEV_LIVE`.
    CdevLive,
}

impl HeadFlag {
    /// The bit number.
    fn bit(self) -> c_ulong {
        match self {
            HeadFlag::DiskLive => abi::MPATH_HEAD_DISK_LIVE,
            HeadFlag::QueueIfNoPath => abi::MPATH_HEAD_QUEUE_IF_NO_PATH,
            HeadFlag::CdevLive => abi::MPATH_HEAD_CDEV_LIVE,
        }
    }
}

/// The diagnostic counters of a head.
#[derive(Clone, Copy)]
pub(crate) enum Counter {
    /// `io_requeue_no_usable_path_count`.
    RequeueNoUsablePath,
    /// `io_fail_no_available_path_count`.
    FailNoAvailablePath,
}

/// `-EWOULDBLOCK` (which is `-EAGAIN`): no usable path right now.
pub(crate) const EWOULDBLOCK: c_int = -(bindings::EAGAIN as c_int);

/// The library's workqueue ("mpath-wq"), created at module init.
static MPATH_WQ: Atomic<*mut bindings::workqueue_struct> = Atomic::new(ptr::null_mut());

/// Create the library workqueue; called once from module init.
pub(crate) fn create_workqueue() -> Result {
    let flags = bindings::wq_flags_WQ_UNBOUND
        | bindings::wq_flags_WQ_MEM_RECLAIM
        | bindings::wq_flags_WQ_SYSFS;
    // SAFETY: A constant format string without conversions.
    let wq = unsafe { bindings::alloc_workqueue_noprof(c"mpath-wq".as_char_ptr(), flags, 0) };
    if wq.is_null() {
        return Err(ENOMEM);
    }
    MPATH_WQ.store(wq, Release);
    Ok(())
}

/// Destroy the library workqueue; called once from module exit.
pub(crate) fn destroy_workqueue() {
    let wq = MPATH_WQ.xchg(ptr::null_mut(), Relaxed);
    if !wq.is_null() {
        // SAFETY: `wq` came from `alloc_workqueue()`; no head can use it
        // any more, since every user module is gone.
        unsafe { bindings::destroy_workqueue(wq) };
    }
}

/// The library workqueue, if the module is initialised.
pub(crate) fn workqueue() -> Option<*mut bindings::workqueue_struct> {
    let wq = MPATH_WQ.load(Acquire);
    (!wq.is_null()).then_some(wq)
}

impl Head {
    /// The driver's template, if set.
    pub(crate) fn template(&self) -> Option<Template> {
        // SAFETY: By the type invariants the head is valid; `mpdt` is set
        // by the driver before use and points to a static template.
        unsafe { Template::from_raw((*self.as_raw()).mpdt) }
    }

    /// The I/O policy in force for this head: numa until the driver points
    /// the head at its policy box.
    #[inline]
    pub(crate) fn policy(&self) -> Policy {
        // SAFETY: By the type invariants the head is valid; the driver sets
        // `iopolicy` before the head disk is added, to a box that outlives
        // the head.
        let boxed = unsafe { (*self.as_raw()).iopolicy };
        if boxed.is_null() {
            return Policy::Numa;
        }
        // SAFETY: A non-NULL `iopolicy` points to the driver's live box.
        let field = unsafe { &raw const (*boxed).iopolicy };
        // CAST: The C enum's storage, an aligned `unsigned int`, read as
        // the `int` the decoder takes.
        // SAFETY: The box is valid; the driver writes it with `WRITE_ONCE()`.
        Policy::from_raw(unsafe { read_once(field.cast::<c_int>()) })
    }

    /// The number of per-node path slots.
    pub(crate) fn nr_current_paths(&self) -> usize {
        // SAFETY: By the type invariants the head is valid; the field is
        // written once before the head is published.
        unsafe { (*self.as_raw()).nr_current_paths as usize }
    }

    /// The `current_path` slot of `node`, if `node` is in range.
    #[inline]
    pub(crate) fn slot_ptr(&self, node: usize) -> Option<*mut *mut mpath_device> {
        if node >= self.nr_current_paths() {
            return None;
        }
        // SAFETY: The head has `nr_current_paths` trailing slots (type
        // invariant), and `node` is below that.
        Some(unsafe {
            (&raw mut (*self.as_raw()).current_path)
                .cast::<*mut mpath_device>()
                .add(node)
        })
    }

    /// The `current_path` slot of `node`, without a range check.
    ///
    /// # Safety
    ///
    /// `node` must be in `0..nr_current_paths()`.
    #[inline(always)]
    pub(crate) unsafe fn node_slot(&self, node: i32) -> *mut *mut mpath_device {
        // CAST: `node` is not negative (safety requirements).
        let node = node as usize;
        // SAFETY: The head has `nr_current_paths` trailing slots (type
        // invariant), and `node` is below that (safety requirements).
        unsafe {
            (&raw mut (*self.as_raw()).current_path)
                .cast::<*mut mpath_device>()
                .add(node)
        }
    }

    /// The round-robin cursor of the current CPU.
    ///
    /// The caller may be migrated to another CPU afterwards and then use
    /// the cursor of the CPU it left, which is harmless: cursors are only
    /// accessed with marked accesses, and any path on the list is a valid
    /// place to walk on from.
    #[inline]
    pub(crate) fn rr_cursor(&self) -> *mut *mut mpath_device {
        // SAFETY: By the type invariants the head is valid, and `rr_path`
        // was allocated by `alloc()` and lives as long as the head.
        unsafe { bindings::raw_cpu_ptr((*self.as_raw()).rr_path.cast()) }.cast()
    }

    /// The round-robin cursors of all possible CPUs, for their writers.
    fn rr_cursors(&self) -> impl Iterator<Item = &Atomic<*mut mpath_device>> {
        // SAFETY: By the type invariants the head is valid; `rr_path` is
        // set once by `alloc()`.
        let rr_path = unsafe { (*self.as_raw()).rr_path };
        // SAFETY: The possible mask is set up during boot and read-only
        // afterwards.
        let possible = unsafe { Cpumask::from_raw(&raw const bindings::__cpu_possible_mask) };
        (0..cpu::nr_cpu_ids())
            .filter_map(CpuId::from_u32)
            .filter(move |&cpu| possible.test(cpu))
            .map(move |cpu| {
                // SAFETY: `rr_path` is a live per-CPU allocation and `cpu`
                // a possible CPU; the cursor is only accessed with marked
                // accesses.
                unsafe {
                    Atomic::from_ptr(
                        bindings::per_cpu_ptr(rr_path.cast(), cpu.as_u32())
                            .cast::<*mut mpath_device>(),
                    )
                }
            })
    }

    /// Point the current CPU's round-robin cursor at `path`.
    pub(crate) fn rr_keep(&self, cursor: *mut *mut mpath_device, path: &Path) {
        // SAFETY: `cursor` came from `rr_cursor()` of this live head.
        // ORDERING: release, as `rcu_assign_pointer()`, for the readers
        // of the cursor on other CPUs.
        unsafe { Atomic::from_ptr(cursor) }.store(path.as_raw(), Release);
    }

    /// Clear every CPU's round-robin cursor that points to `path`; true
    /// if one did.
    pub(crate) fn rr_forget_path(&self, path: &Path) -> bool {
        let mut changed = false;
        for cursor in self.rr_cursors() {
            changed |= cursor
                .cmpxchg(path.as_raw(), ptr::null_mut(), Relaxed)
                .is_ok();
        }
        changed
    }

    /// Clear every CPU's round-robin cursor.
    pub(crate) fn rr_forget_all(&self) {
        for cursor in self.rr_cursors() {
            cursor.store(ptr::null_mut(), Relaxed);
        }
    }

    /// The `current_path` slot of `node` as an atomic, for its writers.
    pub(crate) fn slot(&self, node: usize) -> Option<&Atomic<*mut mpath_device>> {
        // SAFETY: The slot is valid while the head is, and only accessed
        // with marked accesses.
        self.slot_ptr(node).map(|p| unsafe { Atomic::from_ptr(p) })
    }

    /// Cache `path` for `node`.
    pub(crate) fn cache_path(&self, node: usize, path: &Path) {
        if let Some(slot) = self.slot(node) {
            slot.store(path.as_raw(), Release);
        }
    }

    /// Clear the slot of `node` if it caches `path`; true if it did.
    pub(crate) fn uncache_path(&self, node: usize, path: &Path) -> bool {
        self.slot(node).is_some_and(|slot| {
            slot.cmpxchg(path.as_raw(), ptr::null_mut(), Relaxed)
                .is_ok()
        })
    }

    /// Clear the slot of `node`.
    pub(crate) fn uncache(&self, node: usize) {
        if let Some(slot) = self.slot(node) {
            slot.store(ptr::null_mut(), Relaxed);
        }
    }

    /// Count one event in `counter`.
    pub(crate) fn count(&self, counter: Counter) {
        let raw = self.as_raw();
        // SAFETY: The head is valid; C reads the counters with
        // atomic_long_read(), so update them atomically.
        let c = unsafe {
            match counter {
                Counter::RequeueNoUsablePath => {
                    &raw mut (*raw).io_requeue_no_usable_path_count.counter
                }
                Counter::FailNoAvailablePath => {
                    &raw mut (*raw).io_fail_no_available_path_count.counter
                }
            }
        };
        // SAFETY: `c` is an aligned counter only accessed atomically.
        unsafe { Atomic::from_ptr(c) }.add(1, Relaxed);
    }

    /// The flag word.
    fn flags(&self) -> *mut c_ulong {
        // SAFETY: By the type invariants the head is valid.
        unsafe { &raw mut (*self.as_raw()).flags }
    }

    /// Whether `flag` is set.
    pub(crate) fn test_flag(&self, flag: HeadFlag) -> bool {
        // SAFETY: `flags` is valid and only changed with atomic bitops.
        unsafe { bindings::test_bit(flag.bit(), self.flags()) }
    }

    /// Atomically set `flag`, returning its old value.
    pub(crate) fn test_and_set_flag(&self, flag: HeadFlag) -> bool {
        // SAFETY: As in `test_flag`.
        unsafe { bindings::test_and_set_bit(flag.bit(), self.flags()) }
    }

    /// Atomically clear `flag`, returning its old value.
    pub(crate) fn test_and_clear_flag(&self, flag: HeadFlag) -> bool {
        // SAFETY: As in `test_flag`.
        unsafe { bindings::test_and_clear_bit(flag.bit(), self.flags()) }
    }

    /// Set or clear `flag`.
    pub(crate) fn assign_flag(&self, flag: HeadFlag, on: bool) {
        // SAFETY: As in `test_flag`.
        unsafe {
            if on {
                bindings::set_bit(flag.bit(), self.flags());
            } else {
                bindings::clear_bit(flag.bit(), self.flags());
            }
        }
    }

    /// The module pinned while a removal is pending.
    pub(crate) fn drv_module(&self) -> *mut bindings::module {
        // SAFETY: The head is valid; the driver sets the field before use.
        unsafe { (*self.as_raw()).drv_module }
    }

    /// Pin `drv_module`; false if it is going away.
    pub(crate) fn get_drv_module(&self) -> bool {
        // SAFETY: `drv_module` is NULL (built-in) or the driver's module,
        // which is alive while it uses the head.
        unsafe { bindings::try_module_get(self.drv_module()) }
    }

    /// Release the pin taken by [`Head::get_drv_module`].
    pub(crate) fn put_drv_module(&self) {
        // SAFETY: The caller owns a reference on the module.
        unsafe { bindings::module_put(self.drv_module()) };
    }

    /// Wait for a pending delayed removal to run.
    #[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
    pub(crate) fn flush_removal(&self) {
        // SAFETY: `remove_work` was initialised in `alloc`.
        unsafe { bindings::flush_delayed_work(&raw mut (*self.as_raw()).remove_work) };
    }

    /// Queue `work`, a work item of this head, on the library workqueue.
    pub(crate) fn queue_on_mpath_wq(&self, work: *mut bindings::work_struct) {
        let Some(wq) = workqueue() else {
            return;
        };
        // SAFETY: `work` is an initialised work item of this head.
        unsafe {
            bindings::queue_work_on(bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int, wq, work)
        };
    }
}

/// The submitting CPU's NUMA node.
#[inline]
pub(crate) fn numa_node_id() -> i32 {
    #[cfg(CONFIG_NUMA)]
    // SAFETY: Always safe to call.
    let node = unsafe { bindings::numa_node_id() };
    // Without NUMA, every CPU is on node 0, and the helper is not called.
    #[cfg(not(CONFIG_NUMA))]
    let node = 0;
    node
}

/// The NUMA distance between two nodes; `LOCAL_DISTANCE` for a node out of
/// range (`NUMA_NO_NODE` included).
pub(crate) fn node_distance(from: i32, to: i32) -> i32 {
    let valid = |n: i32| usize::try_from(n).is_ok_and(|n| n < nr_node_slots());
    if !valid(from) || !valid(to) {
        return crate::select::LOCAL_DISTANCE;
    }
    // SAFETY: Both nodes are valid node ids.
    unsafe { bindings::node_distance(from, to) }
}

/// Whether `node` is online.
pub(crate) fn node_online(node: usize) -> bool {
    let Ok(node) = c_int::try_from(node) else {
        return false;
    };
    // SAFETY: Always safe to call; out-of-range ids read as offline.
    node < nr_node_slots() as c_int && unsafe { bindings::node_online(node) }
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
        unsafe { (*head.as_raw()).ref_.refcount.refs.counter }
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
