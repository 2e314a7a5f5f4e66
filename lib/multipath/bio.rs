// SPDX-License-Identifier: GPL-2.0

//! Bio routing of the head disk: `submit_bio`, the requeue list and its
//! work item.
//!
//! `submit()` runs in the submitter's context (it may be called with
//! preemption enabled but must not sleep on a path); the requeue list is
//! also filled from completion context by drivers that fail requests over,
//! so its lock disables interrupts.

use kernel::{
    bindings,
    sync::SpinLockIrq, //
};

use crate::{
    abi::mpath_head,
    disk,
    guard::SrcuGuard,
    head::{
        Counter,
        Head, //
    },
    path::Path,
    paths, //
};

// Zero-sized kernel types (lockdep maps) inside these structs trip the
// lint; the bindings crate allows it for the same reason.
#[allow(improper_ctypes)]
extern "C" {
    /// Remap `bio` to `path_disk`, mark it (`REQ_MPATH`),
    /// trace the remap and submit it (C: inline helpers and the tracepoint
    /// in one call, see `mpath_exports.c`).
    fn mpath_submit_to_path(
        bio: *mut bindings::bio,
        head: *mut mpath_head,
        path_disk: *mut bindings::gendisk,
        scp: *mut bindings::srcu_ctr,
    );
    /// Rate-limited "no usable/available path" warning on the head disk.
    fn mpath_warn_no_path(head: *mut mpath_head, requeue: bool);
}

/// The lock of `head`'s requeue list.
///
/// The lock is a C `spinlock_t` in `struct mpath_head` that drivers take
/// too (failover from completion context), so the list stays a C field
/// next to it rather than the lock's data.
fn requeue_lock(head: &Head) -> &SpinLockIrq<()> {
    // SAFETY: `requeue_lock` was initialised in `Head::alloc` and lives as
    // long as the head.
    unsafe { SpinLockIrq::from_raw(&raw mut (*head.as_raw()).requeue_lock) }
}

/// Add `bio` to the requeue list of `head`.
///
/// # Safety
///
/// `bio` must be a bio the caller owns; the list takes it over.
unsafe fn requeue(head: &Head, bio: *mut bindings::bio) {
    let _guard = requeue_lock(head).lock();
    // SAFETY: The list is protected by the lock we hold; the caller hands
    // `bio` over.
    unsafe { bindings::bio_list_add(&raw mut (*head.as_raw()).requeue_list, bio) };
}

/// Schedule the requeue work of `head` on kblockd.
///
/// Only a head with a disk has bios to requeue, and only its teardown
/// (`disk::put()`) flushes the work: a head without one queues nothing,
/// so that it can be freed at any time.
pub(crate) fn kick(head: &Head) {
    if disk::head_disk(head).is_null() {
        return;
    }
    // SAFETY: `requeue_work` was initialised in `Head::alloc`.
    unsafe { bindings::kblockd_schedule_work(&raw mut (*head.as_raw()).requeue_work) };
}

/// Wait for a running requeue work of `head`.
pub(crate) fn flush(head: &Head) {
    // SAFETY: `requeue_work` was initialised in `Head::alloc`.
    unsafe { bindings::flush_work(&raw mut (*head.as_raw()).requeue_work) };
}

/// The requeue work: resubmit every queued bio; each one goes through
/// [`submit()`] again and is routed, requeued or failed.
///
/// # Safety
///
/// Called by the workqueue core with the `requeue_work` of a live head.
pub(crate) unsafe extern "C" fn requeue_work_fn(work: *mut bindings::work_struct) {
    // SAFETY: `work` is the `requeue_work` of a head, which is flushed
    // before the head goes away.
    let raw = unsafe { kernel::container_of!(work, mpath_head, requeue_work) };
    // SAFETY: As above.
    let Some(head) = (unsafe { Head::from_raw(raw) }) else {
        return;
    };
    let mut next = {
        let _guard = requeue_lock(head).lock();
        // SAFETY: We hold the lock that protects the list.
        unsafe { bindings::bio_list_get(&raw mut (*raw).requeue_list) }
    };

    while !next.is_null() {
        let bio = next;
        // SAFETY: `bio` is on our private chain, which we own.
        unsafe {
            next = (*bio).bi_next;
            (*bio).bi_next = core::ptr::null_mut();
            bindings::submit_bio_noacct(bio);
        }
    }
}

/// The bio and disk to send `bio` down `path` with, cloning `bio` first if
/// the driver asks for it; `None` if `bio` was failed instead.
///
/// # Safety
///
/// `bio` is owned by the caller and targets the head disk of `head`;
/// `path` is a path of `head` found under its SRCU read lock.
#[inline(always)]
unsafe fn prepare(
    head: &Head,
    path: &Path,
    bio: *mut bindings::bio,
) -> Option<(*mut bindings::bio, *mut bindings::gendisk)> {
    let mut bio = bio;
    if let Some(clone) = head.template().and_then(|t| t.ops().clone_bio) {
        // SAFETY: The driver's hook gets the bio we own and the path it
        // goes to, which is valid under the SRCU read lock we hold.
        let cloned = unsafe { clone(path.as_raw(), bio) };
        if cloned.is_null() {
            // SAFETY: We still own `bio`.
            unsafe { bindings::bio_io_error(bio) };
            return None;
        }
        bio = cloned;
    }
    let disk = path.disk();
    if disk.is_null() {
        // SAFETY: We own `bio`.
        unsafe { bindings::bio_io_error(bio) };
        return None;
    }
    Some((bio, disk))
}

/// Route a bio of the head disk (its `submit_bio`): send it down a path
/// chosen by the I/O policy, requeue it while a path may come back, or fail
/// it.
///
/// # Safety
///
/// `bio` must be a bio the caller owns that targets the disk of `head`.
#[inline(always)]
pub(crate) unsafe fn submit(head: &Head, bio: *mut bindings::bio) {
    // The path may go away and the bio may then move to another path, so
    // split with the head queue's bio_set.
    // SAFETY: The caller passes a valid bio.
    let bio = unsafe { bindings::bio_split_to_limits(bio) };
    if bio.is_null() {
        return;
    }
    let guard = head.srcu_read();
    let (bio, disk) = match paths::find(&guard) {
        // SAFETY: `path` was found under `guard`; we own `bio`.
        Some(path) => match unsafe { prepare(head, path, bio) } {
            Some(target) => target,
            None => return,
        },
        None => {
            // SAFETY: We own `bio`.
            unsafe { no_path(&guard, bio) };
            return;
        }
    };
    // SAFETY: `bio` is ours and `disk` is the live gendisk of a path found
    // under `guard`, whose read section the call ends after remapping
    // `bio`; the head's disk is live while it has I/O.
    unsafe { mpath_submit_to_path(bio, head.as_raw(), disk, guard.into_raw()) };
}

/// [`submit()`] without a usable path: requeue `bio` while a path may come
/// back, else fail it.
///
/// # Safety
///
/// `bio` must be a bio the caller owns that targets the disk of the head.
#[cold]
#[inline(never)]
unsafe fn no_path(guard: &SrcuGuard<'_>, bio: *mut bindings::bio) {
    let head = guard.head();
    let raw = head.as_raw();
    if paths::available(guard) {
        // SAFETY: The head is live.
        unsafe { mpath_warn_no_path(raw, true) };
        // SAFETY: We own `bio` and give it to the list.
        unsafe { requeue(head, bio) };
        head.count(Counter::RequeueNoUsablePath);
    } else {
        // SAFETY: The head is live.
        unsafe { mpath_warn_no_path(raw, false) };
        // SAFETY: We own `bio`.
        unsafe { bindings::bio_io_error(bio) };
        head.count(Counter::FailNoAvailablePath);
    }
}
