// SPDX-License-Identifier: GPL-2.0

//! The C ABI of libmultipath.
//!
//! `include/linux/multipath.h` declares it for C readers, and bindgen turns
//! that header into the `bindings` types re-exported here: Rust and C share
//! one definition of every structure, and the `c_prototypes!` list at the
//! end checks each exported function against its prototype at build time.
//! Each function checks its arguments, converts the raw pointers once and
//! calls safe code in the other modules.
//!
//! The C enums come through bindgen as newtypes over their integer
//! (`--newtype-enum`): the library reads fields that drivers write, and an
//! out-of-range value read as a Rust enum would be undefined behaviour.

use kernel::{
    bindings,
    prelude::*, //
};

use core::fmt::Write;

use kernel::page::PAGE_SIZE;

use crate::{
    bio,
    disk,
    head::{
        Head,
        EWOULDBLOCK, //
    },
    path::Path,
    paths,
    removal,
    select::Policy,
    sysfs::{
        Emit,
        IoPolicy,
        POLICY_BUF_LEN, //
    }, //
};

pub use bindings::{
    mpath_access_state,
    mpath_device,
    mpath_head,
    mpath_head_template,
    mpath_iopolicy,
    mpath_iopolicy_e, //
};

/// The C `ssize_t`, which bindgen spells `isize`.
#[expect(non_camel_case_types)]
pub type ssize_t = isize;

// CAST: The flag bits are small bit numbers, for the `unsigned long`
// bit operations on `flags`.
/// Bit in `mpath_head.flags`: the head disk has been added.
pub const MPATH_HEAD_DISK_LIVE: c_ulong = bindings::MPATH_HEAD_DISK_LIVE as c_ulong;
/// Bit in `mpath_head.flags`: queue I/O while no path is available.
pub const MPATH_HEAD_QUEUE_IF_NO_PATH: c_ulong = bindings::MPATH_HEAD_QUEUE_IF_NO_PATH as c_ulong;
/// Bit in `mpath_head.flags`: the head character device has been added.
pub const MPATH_HEAD_CDEV_LIVE: c_ulong = bindings::MPATH_HEAD_CDEV_LIVE as c_ulong;
/// Bit in `mpath_device.flags`: the path is linked under `multipath/`.
pub const MPATH_DEVICE_SYSFS_ATTR_LINK: c_ulong = bindings::MPATH_DEVICE_SYSFS_ATTR_LINK as c_ulong;

// CAST: The enumerators are 0, 1 and 2; the selection code decodes the
// raw `int` value, whatever a driver stored.
/// `MPATH_IOPOLICY_NUMA` as a raw value.
pub const MPATH_IOPOLICY_NUMA: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_NUMA.0 as c_int;
/// `MPATH_IOPOLICY_RR` as a raw value.
pub const MPATH_IOPOLICY_RR: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_RR.0 as c_int;
/// `MPATH_IOPOLICY_QD` as a raw value.
pub const MPATH_IOPOLICY_QD: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_QD.0 as c_int;
/// `MPATH_STATE_OPTIMIZED` as a raw value.
pub const MPATH_STATE_OPTIMIZED: c_int = mpath_access_state::MPATH_STATE_OPTIMIZED.0 as c_int;
/// `MPATH_STATE_NONOPTIMIZED` as a raw value.
pub const MPATH_STATE_NONOPTIMIZED: c_int = mpath_access_state::MPATH_STATE_NONOPTIMIZED.0 as c_int;
/// `MPATH_STATE_OTHER` as a raw value.
pub const MPATH_STATE_OTHER: c_int = mpath_access_state::MPATH_STATE_OTHER.0 as c_int;

/// The `enum mpath_iopolicy_e` of a raw value.
pub const fn iopolicy_e(raw: c_int) -> mpath_iopolicy_e {
    // CAST: The C enum's storage; any value is representable.
    mpath_iopolicy_e(raw as c_uint)
}

/// The `enum mpath_access_state` of a raw value.
pub const fn access_state(raw: c_int) -> mpath_access_state {
    // CAST: As above.
    mpath_access_state(raw as c_uint)
}

/// mpath_alloc_head() - Allocate a multipath head.
///
/// The head starts with one reference, owned by the caller, an empty path
/// list, and its locks and SRCU domain initialised.  The caller then sets
/// @mpdt, @drvdata, @parent, @disk_groups and @drv_module.
///
/// Context: Process context; may sleep.
/// Return: The head, or an ERR_PTR(): -ENOMEM, or the error of
/// init_srcu_struct().
#[no_mangle]
pub extern "C" fn mpath_alloc_head() -> *mut mpath_head {
    match Head::alloc() {
        Ok(head) => head,
        Err(e) => e.to_ptr(),
    }
}

/// mpath_get_head() - Take a reference on a head unless it is being freed.
/// @head: The head.
///
/// Context: Any context.
/// Return: 0, or -ENXIO if the last reference is already gone (or @head is
/// NULL).
///
/// # Safety
///
/// `head` must be NULL or point to a head from mpath_alloc_head() whose
/// memory is still valid, for example because the caller's own object or
/// an SRCU/RCU read section keeps it alive.
#[no_mangle]
pub unsafe extern "C" fn mpath_get_head(head: *mut mpath_head) -> c_int {
    // SAFETY: The caller guarantees that `head` is NULL or a live head.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return ENXIO.to_errno();
    };
    match head.try_get() {
        true => 0,
        false => ENXIO.to_errno(),
    }
}

/// mpath_put_head() - Drop a reference on a head; the last one frees it.
/// @head: The head, or NULL (then nothing happens).
///
/// Context: Process context; may sleep when it frees the head.
///
/// # Safety
///
/// The caller must own a reference on `head` (the initial one or one from
/// mpath_get_head()), which this call consumes.
#[no_mangle]
pub unsafe extern "C" fn mpath_put_head(head: *mut mpath_head) {
    // SAFETY: The caller owns a reference, so `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        // SAFETY: The caller passes its reference on to us.
        unsafe { head.put() };
    }
}

/// mpath_synchronize() - Wait for the SRCU readers of a head.
/// @head: The head, or NULL (then nothing happens).
///
/// Waits until every SRCU read section of @head that started before the
/// call has ended.
///
/// Context: Process context; sleeps.
///
/// # Safety
///
/// `head` must be NULL or a live head on which the caller holds a
/// reference.
#[no_mangle]
pub unsafe extern "C" fn mpath_synchronize(head: *mut mpath_head) {
    // SAFETY: The caller holds a reference, so `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        head.synchronize();
    }
}

/// mpath_set_iopolicy() - Parse an I/O policy name for a module parameter.
/// @val: The name, NUL-terminated; one trailing newline is ignored.
/// @iopolicy: Where to store the MPATH_IOPOLICY_* value.
///
/// Only the exact names "numa", "round-robin" and "queue-depth" are
/// accepted.
///
/// Context: Any context.
/// Return: 0, or -EINVAL for a NULL argument or an unknown name, in which
/// case @iopolicy is left unchanged.
///
/// # Safety
///
/// `val` must be NULL or a NUL-terminated string and `iopolicy` NULL or
/// valid for writes; both stay valid during the call.
#[no_mangle]
pub unsafe extern "C" fn mpath_set_iopolicy(val: *const c_char, iopolicy: *mut c_int) -> c_int {
    if val.is_null() || iopolicy.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller passes a NUL-terminated string.
    let name = unsafe { CStr::from_char_ptr(val) };
    let Some(policy) = Policy::parse(name.to_bytes()) else {
        return EINVAL.to_errno();
    };
    // SAFETY: `iopolicy` is valid for writes; the value may be read
    // concurrently with READ_ONCE(), so write it atomically.
    unsafe { kernel::sync::atomic::Atomic::from_ptr(iopolicy) }
        .store(policy.to_raw(), kernel::sync::atomic::Relaxed);
    0
}

/// Print `policy` into a C buffer of at least [`POLICY_BUF_LEN`] bytes.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of [`POLICY_BUF_LEN`] bytes.
unsafe fn print_policy(buf: *mut c_char, policy: Policy) -> c_int {
    if buf.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller guarantees `POLICY_BUF_LEN` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), POLICY_BUF_LEN) };
    // CAST: The length is at most `POLICY_BUF_LEN`.
    policy
        .print(out)
        .map_or(EINVAL.to_errno(), |len| len as c_int)
}

/// mpath_get_iopolicy() - Print an I/O policy name for a module parameter.
/// @buf: Output buffer, at least 16 bytes (a kernel_param get() buffer is
///       PAGE_SIZE).
/// @iopolicy: An MPATH_IOPOLICY_* value; unknown values print as "numa".
///
/// Context: Any context.
/// Return: The length of "<name>\n" written to @buf (which is also
/// NUL-terminated), or -EINVAL if @buf is NULL.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_get_iopolicy(buf: *mut c_char, iopolicy: c_int) -> c_int {
    // SAFETY: The caller guarantees 16 writable bytes (`POLICY_BUF_LEN`).
    unsafe { print_policy(buf, Policy::from_raw(iopolicy)) }
}

/// mpath_iopolicy_show() - sysfs show() body of an iopolicy attribute.
/// @iopolicy: The driver's policy box.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context.
/// Return: The length of "<name>\n", or -EINVAL for a NULL argument.
///
/// # Safety
///
/// `iopolicy` must be NULL or a valid policy box and `buf` NULL or valid
/// for writes of 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_iopolicy_show(
    iopolicy: *mut mpath_iopolicy,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees that `iopolicy` is NULL or valid.
    let Some(pol) = (unsafe { IoPolicy::from_raw(iopolicy) }) else {
        return EINVAL.to_errno() as ssize_t;
    };
    // SAFETY: The caller guarantees 16 writable bytes (`POLICY_BUF_LEN`).
    unsafe { print_policy(buf, pol.get()) as ssize_t }
}

/// mpath_iopolicy_store() - sysfs store() body of an iopolicy attribute.
/// @iopolicy: The driver's policy box.
/// @buf: The written text (need not be NUL-terminated).
/// @count: Length of @buf.
///
/// Sets the policy if @buf is exactly one of the names, optionally followed
/// by a newline, and logs the change.  The caller clears cached paths and
/// kicks requeued I/O as its driver needs.
///
/// Context: Process context.
/// Return: true if @buf named a policy (changed or not); false otherwise,
/// leaving the policy unchanged (the caller returns -EINVAL).
///
/// # Safety
///
/// `iopolicy` must be NULL or a valid policy box, and `buf` NULL or valid
/// for reads of `count` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_iopolicy_store(
    iopolicy: *mut mpath_iopolicy,
    buf: *const c_char,
    count: usize,
) -> bool {
    if buf.is_null() {
        return false;
    }
    // SAFETY: The caller guarantees that `iopolicy` is NULL or valid.
    let Some(pol) = (unsafe { IoPolicy::from_raw(iopolicy) }) else {
        return false;
    };
    // SAFETY: The caller guarantees `count` readable bytes at `buf`.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    pol.store(input)
}

/// The head and path behind a path pointer from C.
///
/// # Safety
///
/// `mdev` must be NULL or a valid path that was added to a head and stays
/// valid (with its head) during the call.
unsafe fn path_and_head<'a>(mdev: *mut mpath_device) -> Option<(&'a Path, &'a Head)> {
    // SAFETY: The caller guarantees that `mdev` is NULL or valid.
    let path = unsafe { Path::from_raw(mdev) }?;
    // SAFETY: A path on a head's list keeps its head alive.
    let head = unsafe { Head::from_raw(path.head_ptr()) }?;
    Some((path, head))
}

/// A sysfs output buffer.
///
/// # Safety
///
/// `buf` must be valid for writes of `PAGE_SIZE` bytes for `'a`.
unsafe fn sysfs_buf<'a>(buf: *mut c_char) -> Option<Emit<'a>> {
    if buf.is_null() {
        return None;
    }
    // SAFETY: The caller guarantees `PAGE_SIZE` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
    Some(Emit::new(out))
}

/// mpath_alloc_head_disk() - Allocate the gendisk of a head.
/// @head: The head; @head->mpdt must be set.
/// @lim: Queue limits for the disk.
/// @numa_node: NUMA node for the disk's allocations.
///
/// Checks that the template is usable (is_disabled, is_optimized and
/// available_path set; ioctl_begin with ioctl_finish, add_cdev with
/// del_cdev and cdev_ioctl), then allocates @head->disk with mpath_ops and
/// the head as private_data.  The first partition scan is deferred until
/// the disk goes live.  The driver then names the disk and sets its
/// capacity; mpath_device_set_live() adds it.
///
/// Context: Process context; may sleep.
/// Return: 0, -EINVAL for a bad template or a head that has a disk, or the
/// error of blk_alloc_disk().
///
/// # Safety
///
/// `head` must be NULL or a live head the caller holds a reference on, and
/// `lim` NULL or valid queue limits.
#[no_mangle]
pub unsafe extern "C" fn mpath_alloc_head_disk(
    head: *mut mpath_head,
    lim: *mut bindings::queue_limits,
    numa_node: c_int,
) -> c_int {
    // SAFETY: The caller holds a reference, so `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return EINVAL.to_errno();
    };
    match disk::alloc(head, lim, numa_node) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// mpath_device_set_live() - A path became usable.
/// @mdev: The path, already added with mpath_add_device().
///
/// The first call for a head adds its disk (and character device, and
/// schedules the partition scan).  Every call links the path under the
/// head's multipath/ directory, recomputes the per-node paths if @mdev is
/// optimized, and resubmits queued I/O.  Nothing happens for a head
/// without a disk.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_device_set_live(mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    if let Some((path, head)) = unsafe { path_and_head(mdev) } {
        disk::set_live(head, path);
    }
}

/// mpath_remove_disk() - Delete the head disk if it was added.
/// @head: The head.
///
/// Queued I/O fails from now on; the character device is deleted through
/// del_cdev.  The disk itself is released by mpath_put_disk().
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_remove_disk(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::remove(head);
    }
}

/// mpath_put_disk() - Release the head disk.
/// @head: The head.
///
/// Flushes queued I/O and the partition scan, then drops the disk reference
/// from mpath_alloc_head_disk().
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_put_disk(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::put(head);
    }
}

/// mpath_add_device() - Add a path to a head.
/// @head: The head.
/// @mdev: The path; @mdev->disk and @mdev->numa_node set by the driver.
///
/// Links @mdev and cancels a pending delayed removal of @head under
/// @head->lock, the lock under which mpath_can_remove_head() arms one,
/// so a returning path and a removal never both stay.  May be called with
/// driver locks held that are also held around mpath_can_remove_head(),
/// as long as the driver takes no such lock in a callback the library
/// calls under @head->lock (is_optimized() from mpath_device_set_live()).
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `mdev` NULL or a path that is on
/// no list and stays valid until deleted and an SRCU grace period passed.
#[no_mangle]
pub unsafe extern "C" fn mpath_add_device(head: *mut mpath_head, mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that both are NULL or valid.
    let (Some(head), Some(path)) = (unsafe { Head::from_raw(head) }, unsafe {
        Path::from_raw(mdev)
    }) else {
        return;
    };
    paths::add(head, path);
}

/// mpath_delete_device() - Remove a path from its head.
/// @mdev: The path.
///
/// Before deleting @mdev, the driver makes I/O stop choosing it (its
/// is_disabled() callback returns true), calls mpath_synchronize(), then
/// mpath_clear_current_path() and, if that returned true,
/// mpath_synchronize() again: a node's current path must be on the list,
/// because round-robin walks on from it.  SRCU readers may still use
/// @mdev: call mpath_synchronize() before freeing or reusing it.
///
/// Context: Process context; may sleep.
/// Return: true if the head has no paths left.
///
/// # Safety
///
/// `mdev` must be NULL or a path on the list of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_delete_device(mdev: *mut mpath_device) -> bool {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    match unsafe { path_and_head(mdev) } {
        Some((path, head)) => paths::delete(head, path),
        None => false,
    }
}

/// mpath_head_devices_empty() - Whether a head has no paths.
/// @head: The head.
///
/// Context: Process context; may sleep.
/// Return: true if @head has no paths (or is NULL).
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_head_devices_empty(head: *mut mpath_head) -> bool {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    unsafe { Head::from_raw(head) }.is_none_or(paths::empty)
}

/// mpath_clear_current_path() - Stop using a path as any node's current path.
/// @mdev: The path.
///
/// Context: Any context.
/// Return: true if some node used @mdev (the caller may then synchronize).
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_clear_current_path(mdev: *mut mpath_device) -> bool {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    match unsafe { path_and_head(mdev) } {
        Some((path, head)) => paths::uncache_everywhere(head, path),
        None => false,
    }
}

/// mpath_clear_paths() - Forget every node's current path.
/// @head: The head.
///
/// The next I/O of each node selects a path afresh.
///
/// Context: Any context.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_clear_paths(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        paths::clear_all(head);
    }
}

/// mpath_revalidate_paths() - The head disk's capacity changed.
/// @head: The head.
/// @not_ready_cb: Optional; called under SRCU for each path whose disk
///                capacity differs from the head disk's.
///
/// Forgets every node's current path and resubmits queued I/O.
///
/// Context: Process context.
///
/// # Safety
///
/// `head` must be NULL or a live head; `not_ready_cb` must be safe to call
/// with any path of the head under SRCU.
#[no_mangle]
pub unsafe extern "C" fn mpath_revalidate_paths(
    head: *mut mpath_head,
    not_ready_cb: Option<unsafe extern "C" fn(mdev: *mut mpath_device)>,
) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return;
    };
    if let Some(cb) = not_ready_cb {
        let guard = head.srcu_read();
        for path in guard.paths().filter(|p| disk::capacity_differs(head, p)) {
            // SAFETY: The path is valid under `guard`; the caller vouches
            // for the callback.
            unsafe { cb(path.as_raw()) };
        }
    }
    paths::clear_all(head);
    bio::kick(head);
}

/// mpath_call_for_device() - Call a function for the path I/O would use.
/// @head: The head.
/// @cb: The function; runs under the head's SRCU read lock.
///
/// Context: Any context that may take an SRCU read lock.
/// Return: The result of @cb, or -EWOULDBLOCK if no path is usable (or an
/// argument is NULL).
///
/// # Safety
///
/// `head` must be NULL or a live head; `cb` must be safe to call with any
/// path of the head under SRCU.
#[no_mangle]
pub unsafe extern "C" fn mpath_call_for_device(
    head: *mut mpath_head,
    cb: Option<unsafe extern "C" fn(mdev: *mut mpath_device) -> c_int>,
) -> c_int {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let (Some(head), Some(cb)) = (unsafe { Head::from_raw(head) }, cb) else {
        return EWOULDBLOCK;
    };
    let guard = head.srcu_read();
    match paths::find(&guard) {
        // SAFETY: The path is valid under `guard`; the caller vouches for
        // the callback.
        Some(path) => unsafe { cb(path.as_raw()) },
        None => EWOULDBLOCK,
    }
}

/// mpath_add_sysfs_link() - Link the head's added paths under multipath/.
/// @head: The head.
///
/// Creates `<head disk>/multipath/<path disk>` for every path whose disk
/// has been added and has no link yet; nothing happens before the head
/// disk is added.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_add_sysfs_link(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::add_links(head);
    }
}

/// mpath_remove_sysfs_link() - Remove the link to a path under multipath/.
/// @mdev: The path.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_remove_sysfs_link(mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    if let Some((path, head)) = unsafe { path_and_head(mdev) } {
        disk::remove_link(head, path);
    }
}

/// mpath_numa_nodes_show() - sysfs show() body of a path's numa_nodes.
/// @mdev: The path.
/// @iopolicy: The policy box that applies to the path's head.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context.
/// Return: The length of the node list of the nodes that currently use
/// @mdev ("0-1,3\n", or "\n" for none, also for a path that is on no
/// head); 0 unless the policy is numa; -EINVAL for NULL.
///
/// # Safety
///
/// `mdev` must be NULL or a valid path, either never added or on a live
/// head, `iopolicy` NULL or a valid policy box, and `buf` NULL or valid for
/// `PAGE_SIZE` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_numa_nodes_show(
    mdev: *mut mpath_device,
    iopolicy: *mut mpath_iopolicy,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees validity of all three pointers.
    let (Some(path), Some(pol), Some(mut out)) = (
        unsafe { Path::from_raw(mdev) },
        unsafe { IoPolicy::from_raw(iopolicy) },
        unsafe { sysfs_buf(buf) },
    ) else {
        return EINVAL.to_errno() as ssize_t;
    };
    // SAFETY: The path's head is NULL (never added) or live.
    let head = unsafe { Head::from_raw(path.head_ptr()) };
    match paths::numa_nodes(head, path, pol.get(), &mut out) {
        // CAST: At most `PAGE_SIZE`.
        Ok(()) => out.finish() as ssize_t,
        Err(_) => EINVAL.to_errno() as ssize_t,
    }
}

/// mpath_can_remove_head() - Decide about a head that lost its last path.
/// @head: The head.
///
/// The one decision about @head's fate, made under @head->lock: a head
/// that has a path again is kept; without delayed_removal_secs (or with
/// its driver being unloaded) it must be removed now; otherwise a delayed
/// removal is (re)armed and the head kept.  A pending removal holds a
/// reference on @head and one on @head->drv_module until it runs (then
/// calls the remove_head() callback) or a returning path cancels it in
/// mpath_add_device(), so the driver may drop its own references
/// meanwhile.  The driver unlinks the head from its own lookup structures
/// exactly when this returns true, under the lock it holds around the
/// call, so a concurrent delayed_removal_secs store cannot make it keep a
/// head it unlinked.
///
/// Context: Process context; takes @head->lock.
/// Return: true if the driver must remove the head now, false if the head
/// stays.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_can_remove_head(head: *mut mpath_head) -> bool {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    unsafe { Head::from_raw(head) }.is_none_or(removal::can_remove_head)
}

/// mpath_delayed_removal_secs_show() - sysfs show() body.
/// @head: The head.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context; may sleep.
/// Return: The length of "<secs>\n", or -EINVAL for NULL.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `buf` NULL or valid for
/// `PAGE_SIZE` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_delayed_removal_secs_show(
    head: *mut mpath_head,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees validity of both pointers.
    let (Some(head), Some(mut out)) = (unsafe { Head::from_raw(head) }, unsafe { sysfs_buf(buf) })
    else {
        return EINVAL.to_errno() as ssize_t;
    };
    match writeln!(out, "{}", removal::secs(head)) {
        // CAST: At most `PAGE_SIZE`.
        Ok(()) => out.finish() as ssize_t,
        Err(_) => EINVAL.to_errno() as ssize_t,
    }
}

/// mpath_delayed_removal_secs_store() - sysfs store() body.
/// @head: The head.
/// @buf: The written text.
/// @count: Length of @buf.
///
/// Accepts an unsigned number (decimal, 0x hex or 0 octal, optional
/// newline).  A non-zero value makes the head queue I/O while it has no
/// path and keep itself that long after its last path went away.
///
/// The new value applies to the next mpath_can_remove_head(); a removal
/// already pending keeps its time.
///
/// Context: Process context; sleeps (waits for SRCU readers).
/// Return: @count; -EINVAL for malformed input, -ERANGE for a number
/// above UINT_MAX (as kstrtouint()); bad input changes nothing.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `buf` NULL or valid for reads
/// of `count` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_delayed_removal_secs_store(
    head: *mut mpath_head,
    buf: *const c_char,
    count: usize,
) -> ssize_t {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return EINVAL.to_errno() as ssize_t;
    };
    if buf.is_null() {
        return EINVAL.to_errno() as ssize_t;
    }
    // SAFETY: The caller guarantees `count` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    match removal::store(head, input) {
        // CAST: sysfs writes are at most PAGE_SIZE bytes.
        Ok(()) => count as ssize_t,
        Err(e) => e.to_errno() as ssize_t,
    }
}

/// Check each exported function against its prototype in the header.
///
/// bindgen declares every function of `include/linux/multipath.h` in
/// `bindings`; an `if`/`else` over that declaration and the definition here
/// only type-checks if both coerce to one function pointer type, i.e. if
/// the parameter and return types agree.
macro_rules! c_prototypes {
    ($($f:ident),* $(,)?) => {
        $(const _: () = {
            let _ = if true { bindings::$f } else { $f };
        };)*
    };
}

c_prototypes!(
    mpath_alloc_head,
    mpath_get_head,
    mpath_put_head,
    mpath_synchronize,
    mpath_set_iopolicy,
    mpath_get_iopolicy,
    mpath_iopolicy_show,
    mpath_iopolicy_store,
    mpath_alloc_head_disk,
    mpath_device_set_live,
    mpath_remove_disk,
    mpath_put_disk,
    mpath_add_device,
    mpath_delete_device,
    mpath_head_devices_empty,
    mpath_clear_current_path,
    mpath_clear_paths,
    mpath_revalidate_paths,
    mpath_call_for_device,
    mpath_add_sysfs_link,
    mpath_remove_sysfs_link,
    mpath_numa_nodes_show,
    mpath_can_remove_head,
    mpath_delayed_removal_secs_show,
    mpath_delayed_removal_secs_store,
);
