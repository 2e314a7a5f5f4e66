// SPDX-License-Identifier: GPL-2.0

//! Path management: adding and removing paths, the per-node path cache, and
//! the glue between a head's path list and the selectors of [`crate::select`].

use crate::{
    abi::mpath_device,
    guard::SrcuGuard,
    head::{
        node_distance,
        node_online,
        numa_node_id,
        Head,
        HeadFlag, //
    },
    path::Path,
    select::{
        self,
        Choice,
        PathInfo,
        Policy,
        LOCAL_DISTANCE, //
    },
};

/// Add `path` to the tail of `head`'s path list.
///
/// A returning path aborts a pending delayed removal of the head, which
/// releases the module and head references that removal held.  Linking
/// and cancelling happen under one hold of `head->lock`, the lock under
/// which a removal is armed only for a head without paths.
pub(crate) fn add(head: &Head, path: &Path) {
    path.set_head(head.as_raw());
    let cancelled = {
        let lock = head.lock();
        lock.link_path(path);
        lock.cancel_removal()
    };
    if cancelled {
        // SAFETY: The cancelled removal's references; the driver adding a
        // path holds a head reference of its own.
        unsafe { crate::removal::release(head) };
    }
}

/// Remove `path` from its head; returns whether the list is now empty.
///
/// SRCU readers may still see the path: the caller waits for a grace
/// period (`mpath_synchronize()`) before freeing or reusing it.
pub(crate) fn delete(head: &Head, path: &Path) -> bool {
    let lock = head.lock();
    lock.unlink_path(path);
    lock.no_paths()
}

/// Whether `head` has no paths.
pub(crate) fn empty(head: &Head) -> bool {
    let lock = head.lock();
    lock.no_paths()
}

/// Drop `path` from every node's cache and every CPU's round-robin
/// cursor; true if any pointed to it.
pub(crate) fn uncache_everywhere(head: &Head, path: &Path) -> bool {
    let mut changed = head.rr_forget_path(path);
    for node in 0..head.nr_current_paths() {
        changed |= head.uncache_path(node, path);
    }
    changed
}

/// Empty every node's cache and every CPU's round-robin cursor.
pub(crate) fn clear_all(head: &Head) {
    head.rr_forget_all();
    for node in 0..head.nr_current_paths() {
        head.uncache(node);
    }
}

/// What the selectors need to know about `path` for `policy` on `node`:
/// only the fields `policy` uses are read (the policy is a constant at
/// each call site once this is inlined).
#[inline(always)]
fn info(path: &Path, policy: Policy, node: i32) -> PathInfo {
    PathInfo {
        disabled: path.disabled(),
        access: path.access(),
        distance: match policy {
            Policy::Numa => node_distance(node, path.numa_node()),
            _ => LOCAL_DISTANCE,
        },
        depth: match policy {
            Policy::QueueDepth => path.nr_active(),
            _ => 0,
        },
    }
}

/// Full scan for `node`, caching the result; NUMA distances count only
/// under the numa policy (as in NVMe's `__nvme_find_path()`).
fn refresh_node<'g>(guard: &'g SrcuGuard<'_>, policy: Policy, node: i32) -> Option<&'g Path> {
    let head = guard.head();
    let paths = guard.paths().map(|p| (p, info(p, policy, node)));
    let choice = select::nearest(paths)?;
    if let Ok(n) = usize::try_from(node) {
        head.cache_path(n, choice.id);
    }
    Some(choice.id)
}

/// Select a path for I/O submitted on the current CPU.
///
/// Returns `None` when no path is usable now.  No driver callback runs:
/// the driver keeps what selection needs in the paths and the policy box.
/// A head without paths returns before reading the box, which may be gone
/// with the driver data while the head disk is still open.
///
/// Inlined into the submit path with the numa policy's cache hit, the
/// round-robin step to the next path and the queue-depth scan; the other
/// scans are calls.
#[inline(always)]
pub(crate) fn find<'g>(guard: &'g SrcuGuard<'_>) -> Option<&'g Path> {
    if guard.no_paths() {
        return None;
    }
    match guard.head().policy() {
        Policy::Numa => find_numa(guard),
        Policy::RoundRobin => find_round_robin(guard),
        Policy::QueueDepth => find_queue_depth(guard),
    }
}

/// The numa policy: the node's cached path while it is optimized, else a
/// full scan by distance.
#[inline(always)]
fn find_numa<'g>(guard: &'g SrcuGuard<'_>) -> Option<&'g Path> {
    let node = numa_node_id();
    let cached = guard.local_cached_path(node).map(|p| (p, p.optimized()));
    match select::numa_cached(cached) {
        Some(path) => Some(path),
        None => numa_rescan(guard, node, cached),
    }
}

/// The numa policy without a cache hit: [`select::numa`] scans.
#[cold]
#[inline(never)]
fn numa_rescan<'g>(
    guard: &'g SrcuGuard<'_>,
    node: i32,
    cached: Option<(&'g Path, bool)>,
) -> Option<&'g Path> {
    let paths = guard.paths().map(|p| (p, info(p, Policy::Numa, node)));
    let choice = select::numa(cached, paths)?;
    Some(keep(guard, node, choice))
}

/// The round-robin policy: walk on from the path this CPU used last.
///
/// Each CPU keeps its own cursor, so rotating writes no cache line that
/// other CPUs share; every CPU rotates over all usable optimized paths,
/// and so does the head as a whole.  Inlined with the common case, the
/// next path taking I/O optimized; anything else is a call.
#[inline(always)]
fn find_round_robin<'g>(guard: &'g SrcuGuard<'_>) -> Option<&'g Path> {
    let cursor = guard.head().rr_cursor();
    if let Some((_, mut rest)) = guard.rr_path_and_rest(cursor) {
        if let Some(next) = rest.next() {
            if select::round_robin_takes(&info(next, Policy::RoundRobin, 0)) {
                guard.head().rr_keep(cursor, next);
                return Some(next);
            }
        }
    }
    round_robin_walk(guard, cursor)
}

/// [`find_round_robin()`] past the next path: the whole rotation.
#[inline(never)]
fn round_robin_walk<'g>(
    guard: &'g SrcuGuard<'_>,
    cursor: *mut *mut mpath_device,
) -> Option<&'g Path> {
    let with_info = |p: &'g Path| (p, info(p, Policy::RoundRobin, 0));
    let choice = match guard.rr_path_and_rest(cursor) {
        Some((old, rest)) => {
            select::round_robin_from(old, || with_info(old).1, rest.map(with_info))
        }
        None => select::round_robin(None, guard.paths().map(with_info)),
    }?;
    if choice.cache {
        guard.head().rr_keep(cursor, choice.id);
    }
    Some(choice.id)
}

/// The queue-depth policy, which neither needs the node nor caches;
/// inlined, as stock NVMe's scan is into its `nvme_find_path()`.
#[inline(always)]
fn find_queue_depth<'g>(guard: &'g SrcuGuard<'_>) -> Option<&'g Path> {
    let paths = guard.paths().map(|p| (p, info(p, Policy::QueueDepth, 0)));
    select::queue_depth(paths).map(|choice| choice.id)
}

/// Cache `choice` for `node` if the selector says so, and return it.
#[inline(always)]
fn keep<'g>(guard: &'g SrcuGuard<'_>, node: i32, choice: Choice<&'g Path>) -> &'g Path {
    if choice.cache {
        if let Ok(n) = usize::try_from(node) {
            guard.head().cache_path(n, choice.id);
        }
    }
    choice.id
}

/// A path went live: if it is optimized, recompute the cache of every
/// online node so that it is used where it is nearest.
pub(crate) fn refresh_for(head: &Head, path: &Path) {
    let _lock = head.lock();
    if !path.optimized() {
        return;
    }
    let policy = head.policy();
    let guard = head.srcu_read();
    for node in (0..head.nr_current_paths()).filter(|&n| node_online(n)) {
        if let Ok(node) = i32::try_from(node) {
            refresh_node(&guard, policy, node);
        }
    }
}

/// Whether I/O without a usable path should wait rather than fail: the head
/// disk is live and some path may come back, or the head queues without
/// paths (delayed removal).
pub(crate) fn available(guard: &SrcuGuard<'_>) -> bool {
    let head = guard.head();
    if !head.test_flag(HeadFlag::DiskLive) {
        return false;
    }
    if let Some(t) = head.template() {
        if guard.paths().any(|p| t.available(p)) {
            return true;
        }
    }
    head.test_flag(HeadFlag::QueueIfNoPath)
}

/// The nodes whose cache holds `path` when `policy` is numa (else nothing), printed as
/// a node list ("0-1,3") into `out`; a path on no head is used by no node.
pub(crate) fn numa_nodes(
    head: Option<&Head>,
    path: &Path,
    policy: Policy,
    out: &mut impl core::fmt::Write,
) -> core::fmt::Result {
    if policy != Policy::Numa {
        return Ok(());
    }
    let Some(head) = head else {
        return out.write_str("\n");
    };
    let guard = head.srcu_read();
    let nodes = (0..head.nr_current_paths())
        .filter(|&node| guard.cached_path(node).is_some_and(|p| p == path));
    crate::sysfs::write_ranges(out, nodes)?;
    out.write_str("\n")
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[::kernel::prelude::kunit_tests(libmultipath_paths)]
mod tests {
    use crate::{
        abi::{
            self,
            MPATH_IOPOLICY_NUMA as NUMA,
            MPATH_IOPOLICY_QD as QD,
            MPATH_IOPOLICY_RR as RR,
            MPATH_STATE_NONOPTIMIZED as NONOPT,
            MPATH_STATE_OPTIMIZED as OPT,
            MPATH_STATE_OTHER as OTHER, //
        },
        fake::{
            this_node,
            FakeHead,
            FakePath, //
        },
        head::EWOULDBLOCK,
    };
    use kernel::{
        bindings,
        cpu::CpuId,
        cpumask::Cpumask,
        prelude::*, //
    };

    #[test]
    fn add_delete_and_empty() -> Result {
        let h = FakeHead::new(NUMA)?;
        let (mut a, mut b) = (FakePath::new(OPT, -1)?, FakePath::new(OPT, -1)?);
        // SAFETY: The head is live.
        assert!(unsafe { abi::mpath_head_devices_empty(h.raw) });
        h.add(&mut a);
        h.add(&mut b);
        assert!(core::ptr::eq(a.dev.mpath_head, h.raw));
        // SAFETY: As above.
        assert!(!unsafe { abi::mpath_head_devices_empty(h.raw) });
        assert!(!h.delete(&mut a));
        assert!(h.delete(&mut b));
        // SAFETY: As above.
        assert!(unsafe { abi::mpath_head_devices_empty(h.raw) });
        Ok(())
    }

    #[test]
    fn numa_prefers_optimized_and_caches_it() -> Result {
        let h = FakeHead::new(NUMA)?;
        let (mut n, mut o) = (FakePath::new(NONOPT, -1)?, FakePath::new(OPT, -1)?);
        h.add(&mut n);
        h.add(&mut o);
        assert_eq!(h.pick(), Ok(&raw mut o.dev));
        assert_eq!(h.cached(this_node()), &raw mut o.dev);
        // The optimized path goes away: the non-optimized one takes over.
        o.set_disabled(true);
        assert_eq!(h.pick(), Ok(&raw mut n.dev));
        h.delete(&mut o);
        h.delete(&mut n);
        Ok(())
    }

    #[test]
    fn disabled_and_other_paths_are_never_used() -> Result {
        let mut h = FakeHead::new(NUMA)?;
        let mut a = FakePath::new(OPT, -1)?;
        let mut b = FakePath::new(OTHER, -1)?;
        let mut c = FakePath::new(NONOPT, -1)?;
        a.set_disabled(true);
        h.add(&mut a);
        h.add(&mut b);
        h.add(&mut c);
        for policy in [NUMA, RR, QD] {
            h.set_policy(policy);
            // SAFETY: The head is live.
            unsafe { abi::mpath_clear_paths(h.raw) };
            for _ in 0..3 {
                assert_eq!(h.pick(), Ok(&raw mut c.dev));
            }
        }
        c.set_disabled(true);
        assert_eq!(h.pick(), Err(EWOULDBLOCK));
        h.delete(&mut a);
        h.delete(&mut b);
        h.delete(&mut c);
        Ok(())
    }

    #[test]
    fn call_for_device_without_a_usable_path() -> Result {
        let h = FakeHead::new(NUMA)?;
        assert_eq!(h.pick(), Err(EWOULDBLOCK));
        let mut a = FakePath::new(OTHER, -1)?;
        h.add(&mut a);
        assert_eq!(h.pick(), Err(EWOULDBLOCK));
        // SAFETY: The head is live; a NULL callback is rejected.
        let ret = unsafe { abi::mpath_call_for_device(h.raw, None) };
        assert_eq!(ret, EWOULDBLOCK);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn round_robin_visits_every_optimized_path() -> Result {
        let h = FakeHead::new(RR)?;
        let mut p = KVec::new();
        for state in [OPT, NONOPT, OPT, OPT] {
            p.push(FakePath::new(state, -1)?, GFP_KERNEL)?;
        }
        for path in p.iter_mut() {
            h.add(path);
        }
        let mut seen = [0u32; 4];
        for _ in 0..9 {
            let got = h.pick();
            let i = p.iter_mut().position(|q| Ok(&raw mut q.dev) == got);
            match i.and_then(|i| seen.get_mut(i)) {
                Some(n) => *n += 1,
                None => return Err(EINVAL),
            }
        }
        assert_eq!(seen, [3, 0, 3, 3]);
        for path in p.iter_mut() {
            h.delete(path);
        }
        Ok(())
    }

    #[test]
    fn round_robin_rotates_on_every_cpu() -> Result {
        // SAFETY: The online mask is only read here.
        let online = unsafe { Cpumask::from_raw(&raw const bindings::__cpu_online_mask) };
        let mut cpus = KVec::new();
        for cpu in (0..kernel::cpu::nr_cpu_ids()).filter_map(CpuId::from_u32) {
            if online.test(cpu) {
                cpus.push(cpu, GFP_KERNEL)?;
            }
        }
        let h = FakeHead::new(RR)?;
        let mut p = KVec::new();
        for state in [OPT, NONOPT, OPT, OPT] {
            p.push(FakePath::new(state, -1)?, GFP_KERNEL)?;
        }
        for path in p.iter_mut() {
            h.add(path);
        }
        // The CPUs take turns; each walks on from where it left off.
        let mut seen = KVec::new();
        seen.resize(cpus.len(), [0u32; 4], GFP_KERNEL)?;
        let mut last = KVec::new();
        last.resize(cpus.len(), None, GFP_KERNEL)?;
        for _ in 0..30 {
            for (i, &cpu) in cpus.iter().enumerate() {
                let got = h.pick_on(cpu);
                let k = p.iter_mut().position(|q| Ok(&raw mut q.dev) == got);
                let k = k.ok_or(EINVAL)?;
                // No CPU gets the same path twice in a row.
                assert_ne!(last[i], Some(k));
                last[i] = Some(k);
                seen[i][k] += 1;
            }
        }
        // Every CPU spread its I/O evenly over the optimized paths.
        for counts in seen.iter() {
            assert_eq!(*counts, [10, 0, 10, 10]);
        }
        pr_info!("round-robin: {} CPUs, 30 picks each\n", cpus.len());
        for path in p.iter_mut() {
            h.delete(path);
        }
        Ok(())
    }

    #[test]
    fn round_robin_walks_on_from_the_cached_path() -> Result {
        let h = FakeHead::new(RR)?;
        let (mut a, mut b, mut c, mut d) = (
            FakePath::new(OPT, -1)?,
            FakePath::new(OPT, -1)?,
            FakePath::new(OPT, -1)?,
            FakePath::new(OPT, -1)?,
        );
        h.add(&mut a);
        h.add(&mut b);
        h.add(&mut c);
        // No cached path: a full scan; then on from the cached path,
        // wrapping at the end of the list.
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        assert_eq!(h.rr_cached(), &raw mut b.dev);
        // Round-robin leaves the per-node cache of numa alone.
        assert!(h.cached(this_node()).is_null());
        assert_eq!(h.pick(), Ok(&raw mut c.dev));
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        // Deleting the cached path clears it: the next pick scans.
        h.delete(&mut b);
        assert!(h.rr_cached().is_null());
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert_eq!(h.pick(), Ok(&raw mut c.dev));
        // A path added at the tail comes after the last one.
        h.add(&mut d);
        assert_eq!(h.pick(), Ok(&raw mut d.dev));
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        h.delete(&mut a);
        h.delete(&mut c);
        h.delete(&mut d);
        Ok(())
    }

    #[test]
    fn queue_depth_picks_the_least_busy_path() -> Result {
        let h = FakeHead::new(QD)?;
        let (mut a, mut b, mut c) = (
            FakePath::new(OPT, -1)?,
            FakePath::new(OPT, -1)?,
            FakePath::new(NONOPT, -1)?,
        );
        a.set_depth(5);
        b.set_depth(2);
        c.set_depth(0);
        h.add(&mut a);
        h.add(&mut b);
        h.add(&mut c);
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        b.set_depth(9);
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        // Queue depth does not use the per-node cache.
        assert!(h.cached(this_node()).is_null());
        h.delete(&mut a);
        h.delete(&mut b);
        h.delete(&mut c);
        Ok(())
    }

    #[test]
    fn queue_depth_without_a_counter_counts_idle() -> Result {
        let h = FakeHead::new(QD)?;
        let (mut a, mut b) = (FakePath::new(OPT, -1)?, FakePath::new(OPT, -1)?);
        a.set_depth(3);
        b.dev.nr_active = core::ptr::null_mut();
        h.add(&mut a);
        h.add(&mut b);
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        h.delete(&mut a);
        h.delete(&mut b);
        Ok(())
    }

    #[test]
    fn numa_rescans_when_the_cached_path_is_not_optimized() -> Result {
        let h = FakeHead::new(NUMA)?;
        let (mut a, mut b) = (FakePath::new(OPT, -1)?, FakePath::new(OPT, -1)?);
        a.set_disabled(true);
        h.add(&mut a);
        h.add(&mut b);
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        // `a` comes back: the cached optimized path is kept.
        a.set_disabled(false);
        assert_eq!(h.pick(), Ok(&raw mut b.dev));
        // `b` is still usable but no longer optimized (an NVMe controller
        // being deleted): the next I/O rescans, and `a` wins the tie.
        b.dev.optimized = false;
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert_eq!(h.cached(this_node()), &raw mut a.dev);
        h.delete(&mut a);
        h.delete(&mut b);
        Ok(())
    }

    #[test]
    fn a_head_without_a_policy_box_uses_numa() -> Result {
        let h = FakeHead::new(QD)?;
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert!(h.cached(this_node()).is_null());
        // SAFETY: The head is live; only this test uses it.
        unsafe { (*h.raw).iopolicy = core::ptr::null() };
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        assert_eq!(h.cached(this_node()), &raw mut a.dev);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn clear_current_path_and_clear_paths() -> Result {
        let h = FakeHead::new(NUMA)?;
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        // SAFETY: `a` is a path of the live head.
        assert!(unsafe { abi::mpath_clear_current_path(a.mdev()) });
        // SAFETY: As above.
        assert!(!unsafe { abi::mpath_clear_current_path(a.mdev()) });
        assert!(h.cached(this_node()).is_null());
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        // SAFETY: The head is live.
        unsafe { abi::mpath_clear_paths(h.raw) };
        assert!(h.cached(this_node()).is_null());
        // SAFETY: The head is live; no callback.
        unsafe { abi::mpath_revalidate_paths(h.raw, None) };
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn revalidate_clears_the_cache() -> Result {
        use kernel::sync::atomic::{
            Atomic,
            Relaxed, //
        };
        static CALLS: Atomic<i32> = Atomic::new(0);
        /// Count calls.
        ///
        /// # Safety
        ///
        /// Always safe to call.
        unsafe extern "C" fn not_ready(_mdev: *mut abi::mpath_device) {
            CALLS.add(1, Relaxed);
        }
        static LAST: Atomic<*mut abi::mpath_device> = Atomic::new(core::ptr::null_mut());
        /// Count calls and remember the path.
        ///
        /// # Safety
        ///
        /// Always safe to call.
        unsafe extern "C" fn record(mdev: *mut abi::mpath_device) {
            CALLS.add(1, Relaxed);
            LAST.store(mdev, Relaxed);
        }
        let h = FakeHead::new(NUMA)?;
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        // SAFETY: The head is live; `not_ready` accepts any path.
        unsafe { abi::mpath_revalidate_paths(h.raw, Some(not_ready)) };
        assert!(h.cached(this_node()).is_null());
        // Without disks no capacity differs, so no path is marked.
        assert_eq!(CALLS.load(Relaxed), 0);
        h.delete(&mut a);

        // With disks: the path whose capacity differs from the head's is
        // handed to the callback, the other one is not.
        // SAFETY: The head is live; NULL limits mean defaults.
        kernel::error::to_result(unsafe {
            abi::mpath_alloc_head_disk(h.raw, core::ptr::null_mut(), -1)
        })?;
        let mut disks = [core::ptr::null_mut(); 2];
        for d in disks.iter_mut() {
            // SAFETY: NULL limits mean defaults.
            *d = kernel::error::from_err_ptr(unsafe {
                bindings::blk_alloc_disk(core::ptr::null_mut(), -1)
            })?;
        }
        let mut b = FakePath::new(OPT, -1)?;
        a.dev.disk = disks[0];
        b.dev.disk = disks[1];
        // SAFETY: The disks are valid and not added.
        unsafe {
            bindings::set_capacity((*h.raw).disk, 2048);
            bindings::set_capacity(disks[0], 2048);
            bindings::set_capacity(disks[1], 4096);
        }
        h.add(&mut a);
        h.add(&mut b);
        CALLS.store(0, Relaxed);
        // SAFETY: The head is live; `record` accepts any path.
        unsafe { abi::mpath_revalidate_paths(h.raw, Some(record)) };
        assert_eq!(CALLS.load(Relaxed), 1);
        assert_eq!(LAST.load(Relaxed), &raw mut b.dev);
        h.delete(&mut a);
        h.delete(&mut b);
        // SAFETY: The path disks were never added and are ours; the head
        // disk never went live.
        unsafe {
            for d in disks {
                bindings::put_disk(d);
            }
            abi::mpath_remove_disk(h.raw);
            abi::mpath_put_disk(h.raw);
        }
        Ok(())
    }

    #[test]
    fn numa_nodes_lists_the_nodes_using_a_path() -> Result {
        let mut h = FakeHead::new(NUMA)?;
        let (mut a, mut b) = (FakePath::new(OPT, -1)?, FakePath::new(NONOPT, -1)?);
        h.add(&mut a);
        h.add(&mut b);
        assert_eq!(h.pick(), Ok(&raw mut a.dev));
        let mut pol = abi::mpath_iopolicy {
            iopolicy: abi::iopolicy_e(NUMA),
        };
        let mut buf = KVec::from_elem(0u8, kernel::page::PAGE_SIZE, GFP_KERNEL)?;
        let show = |dev: *mut abi::mpath_device, pol: &mut abi::mpath_iopolicy, buf: &mut [u8]| {
            // SAFETY: A live path and policy, and a PAGE_SIZE buffer.
            unsafe { abi::mpath_numa_nodes_show(dev, pol, buf.as_mut_ptr().cast()) }
        };
        let mut want = KVec::new();
        let node = this_node();
        let text = kernel::str::CString::try_from_fmt(fmt!("{node}\n"))?;
        want.extend_from_slice(text.to_bytes(), GFP_KERNEL)?;
        let len = show(&raw mut a.dev, &mut pol, &mut buf);
        assert_eq!(buf.get(..want.len()), Some(&want[..]));
        assert_eq!(len, want.len() as isize);
        assert_eq!(show(&raw mut b.dev, &mut pol, &mut buf), 1);
        assert_eq!(buf.first(), Some(&b'\n'));
        // A path on no head (NVMe: a namespace without a head disk) is
        // used by no node: an empty list, as NVMe prints it.
        let mut lone = FakePath::new(OPT, -1)?;
        buf.fill(b'x');
        assert_eq!(show(lone.mdev(), &mut pol, &mut buf), 1);
        assert_eq!(buf.first(), Some(&b'\n'));
        // Other policies print nothing.
        pol.iopolicy = abi::iopolicy_e(RR);
        h.set_policy(RR);
        assert_eq!(show(&raw mut a.dev, &mut pol, &mut buf), 0);
        assert_eq!(show(lone.mdev(), &mut pol, &mut buf), 0);
        h.delete(&mut a);
        h.delete(&mut b);
        Ok(())
    }

    #[test]
    fn going_live_weighs_distances_only_under_numa() -> Result {
        let here = this_node();
        // Needs a second online node (make check boots two).
        let Some(other) = (0..64).find(|&n| n != here && crate::head::node_online(n)) else {
            pr_info!("one NUMA node: nothing to compare\n");
            return Ok(());
        };
        let mut h = FakeHead::new(RR)?;
        // SAFETY: The head is live.
        let head = unsafe { crate::head::Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let mut far = FakePath::new(OPT, other as i32)?;
        let mut near = FakePath::new(OPT, here as i32)?;
        h.add(&mut far);
        h.add(&mut near);
        // SAFETY: `near` is a valid path of the head.
        let near_path = unsafe { crate::path::Path::from_raw(near.mdev()) }.ok_or(EINVAL)?;
        // round-robin: every path is at the local distance, the first
        // optimized one wins (NVMe's `__nvme_find_path()`).
        super::refresh_for(head, near_path);
        assert_eq!(h.cached(here), &raw mut far.dev);
        // numa: the nearest one.
        h.set_policy(NUMA);
        // SAFETY: The head is live.
        unsafe { abi::mpath_clear_paths(h.raw) };
        super::refresh_for(head, near_path);
        assert_eq!(h.cached(here), &raw mut near.dev);
        h.delete(&mut far);
        h.delete(&mut near);
        Ok(())
    }

    #[test]
    fn set_live_without_a_disk_does_nothing() -> Result {
        let h = FakeHead::new(NUMA)?;
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        // SAFETY: `a` is a path of the live head.
        unsafe { abi::mpath_device_set_live(a.mdev()) };
        // SAFETY: The head is live.
        assert_eq!(unsafe { (*h.raw).flags }, 0);
        assert!(h.cached(this_node()).is_null());
        h.delete(&mut a);
        Ok(())
    }
}

/// Measurements for `make bench`, not tests of behaviour: the in-kernel
/// cost of one path selection and the memory of a head, printed to the
/// kernel log as `libmultipath_bench:` lines.  The only assertions are
/// that every selection found a path and that the head fits its
/// allocation; no timing is checked, and `make check` does not count
/// them as tests.
#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[::kernel::prelude::kunit_tests(libmultipath_bench)]
mod bench {
    use super::find;
    use crate::{
        abi::{
            self,
            mpath_device,
            mpath_head,
            MPATH_IOPOLICY_NUMA as NUMA,
            MPATH_IOPOLICY_QD as QD,
            MPATH_IOPOLICY_RR as RR,
            MPATH_STATE_OPTIMIZED as OPT, //
        },
        fake::{
            FakeHead,
            FakePath, //
        },
        head::Head,
    };
    use core::mem::offset_of;
    use kernel::{
        bindings,
        prelude::*,
        time::{
            Instant,
            Monotonic, //
        },
    };

    /// Selections timed per policy and path count.
    const ROUNDS: u32 = 10_000;

    #[test]
    fn selection_cost() -> Result {
        let mut h = FakeHead::new(NUMA)?;
        // SAFETY: The fake head stays live until `h` is dropped, after the
        // last use of `head`.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let mut paths: KVec<KBox<FakePath>> = KVec::new();
        for n in [2usize, 8, 64] {
            while paths.len() < n {
                paths.push(FakePath::new(OPT, -1)?, GFP_KERNEL)?;
                if let Some(p) = paths.last_mut() {
                    h.add(p);
                }
            }
            for (name, policy) in [("numa", NUMA), ("round-robin", RR), ("queue-depth", QD)] {
                h.set_policy(policy);
                // SAFETY: The head is live.
                unsafe { abi::mpath_clear_paths(h.raw) };
                let mut found = 0u32;
                let start = Instant::<Monotonic>::now();
                for _ in 0..ROUNDS {
                    let guard = head.srcu_read();
                    if find(&guard).is_some() {
                        found += 1;
                    }
                }
                let ns = start.elapsed().as_nanos() / i64::from(ROUNDS);
                assert_eq!(found, ROUNDS);
                pr_info!("libmultipath_bench: select policy={name} paths={n} ns={ns}\n");
            }
        }
        for p in paths.iter_mut() {
            h.delete(p);
        }
        Ok(())
    }

    #[test]
    fn head_memory() -> Result {
        let h = FakeHead::new(NUMA)?;
        // SAFETY: The head is live.
        let slots = unsafe { (*h.raw).nr_current_paths } as usize;
        let bytes = size_of::<mpath_head>() + slots * size_of::<*mut mpath_device>();
        // SAFETY: A head is one kmalloc allocation.
        let alloc = unsafe { bindings::ksize(h.raw.cast()) };
        pr_info!(
            "libmultipath_bench: head sizeof={} slots={slots} max_numnodes={} \
             bytes={bytes} kmalloc={alloc}\n",
            size_of::<mpath_head>(),
            bindings::MAX_NUMNODES
        );
        pr_info!(
            "libmultipath_bench: head offsets srcu={} dev_list={} iopolicy={} mpdt={} \
             rr_path={} disk={} nr_current_paths={} lock={} cdev={} current_path={}\n",
            offset_of!(mpath_head, srcu),
            offset_of!(mpath_head, dev_list),
            offset_of!(mpath_head, iopolicy),
            offset_of!(mpath_head, mpdt),
            offset_of!(mpath_head, rr_path),
            offset_of!(mpath_head, disk),
            offset_of!(mpath_head, nr_current_paths),
            offset_of!(mpath_head, lock),
            offset_of!(mpath_head, cdev),
            offset_of!(mpath_head, current_path),
        );
        assert!(alloc >= bytes);
        Ok(())
    }
}
