// SPDX-License-Identifier: GPL-2.0

//! `READ_ONCE()` for the per-I/O path.
//!
//! The kernel crate's `Atomic` loads are calls to `rust/helpers` functions,
//! which stay out of line unless the kernel is built with
//! `CONFIG_RUST_INLINE_HELPERS`, and that needs rustc and clang to share an
//! LLVM version.  Path selection reads a few fields of every path it looks
//! at on every I/O, so it reads them as C does: `READ_ONCE()` is a volatile
//! load, and so is [`read_once`], as in `File::flags()` and the hrtimer
//! code of the kernel crate.  Stores happen on the slow paths and still go
//! through `Atomic`.

use kernel::bindings;

use crate::abi::mpath_device;

mod private {
    /// Seals [`super::Scalar`].
    pub(crate) trait Sealed {}
}

/// The types [`read_once`] reads: scalars no wider than a machine word,
/// which a volatile load reads in one access, as `READ_ONCE()` does.
pub(crate) trait Scalar: Copy + private::Sealed {}

macro_rules! scalar {
    ($($t:ty),*) => {
        $(
            impl private::Sealed for $t {}
            impl Scalar for $t {}
        )*
    };
}

scalar!(
    bool,
    i32,
    u32,
    *mut bindings::list_head,
    *mut bindings::gendisk,
    *mut mpath_device
);

/// Read `*ptr` as C's `READ_ONCE()` does.
///
/// A pointer read like this under SRCU and then followed is what
/// `srcu_dereference()` is: the address dependency orders the reads
/// through it after the read of the pointer, as it does in C.
///
/// # Safety
///
/// `ptr` must be valid for reads and aligned, and other CPUs may only
/// write `*ptr` with marked accesses (`WRITE_ONCE()`, atomics,
/// `rcu_assign_pointer()`).
#[inline(always)]
pub(crate) unsafe fn read_once<T: Scalar>(ptr: *const T) -> T {
    // SAFETY: The caller guarantees a valid, aligned `ptr`.  This
    // `read_volatile` is intended to correspond to a READ_ONCE call: one
    // access of a word-sized scalar that concurrent marked writes race
    // with as they do with `READ_ONCE()` in C.
    unsafe { ptr.read_volatile() }
}
