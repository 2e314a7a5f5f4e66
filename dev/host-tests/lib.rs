//! Host build of the kernel-independent modules of lib/multipath, so that
//! `cargo test` runs their tests (and property tests) without a kernel.
#![allow(dead_code)]

#[path = "../../lib/multipath/iopolicy.rs"]
mod iopolicy;
#[path = "../../lib/multipath/select.rs"]
mod select;
