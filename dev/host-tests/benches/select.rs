// SPDX-License-Identifier: GPL-2.0
//! Host benchmark of the shared path-selection code (lib/multipath/select.rs):
//! nanoseconds per selection for 2, 8 and 64 paths and each policy.
//!
//! `cargo bench --bench select` (optimised build).  Prints one line per case
//! and, with `--csv FILE`, writes them as CSV.  The path list is a slice of
//! `(index, PathInfo)`, which is what the kernel glue builds from the SRCU
//! list walk, so this measures the policy logic without the list walk and
//! the driver callbacks.

// Bench targets build with cfg(test): select.rs's test module is compiled
// too, without a test harness to use it.
#![allow(dead_code, unused_imports)]

#[path = "../../../lib/multipath/select.rs"]
mod select;

use select::{Access, PathInfo, LOCAL_DISTANCE};
use std::hint::black_box;
use std::time::Instant;

/// `n` usable paths: the optimized ones are the odd indices (so every
/// policy has to look past non-optimized paths), distances grow along the
/// list and no path is idle (queue-depth scans everything).
fn paths(n: usize) -> Vec<(usize, PathInfo)> {
    (0..n)
        .map(|i| {
            let access = if i % 2 == 1 || n == 1 {
                Access::OPTIMIZED
            } else {
                Access::NON_OPTIMIZED
            };
            let info = PathInfo {
                disabled: false,
                access,
                distance: LOCAL_DISTANCE + (i % 4) as i32 * 10,
                depth: 1 + (i % 7) as u32,
            };
            (i, info)
        })
        .collect()
}

/// Median of `reps` timings of `iters` calls of `f`, in ns per call.
fn time(reps: usize, iters: u64, mut f: impl FnMut(u64) -> usize) -> (f64, f64, f64) {
    let mut v: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            let mut acc = 0usize;
            for i in 0..iters {
                acc = acc.wrapping_add(f(i));
            }
            black_box(acc);
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let mut csv: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--csv" {
            csv = args.next();
        }
    }
    let reps = 7;
    let mut rows = vec!["policy,paths,ns_per_selection_median,min,max".to_string()];
    println!(
        "{:<14} {:>5} {:>10} {:>17}",
        "policy", "paths", "ns/select", "min-max (7 runs)"
    );
    for n in [2usize, 8, 64] {
        let list = paths(n);
        let iters = (20_000_000 / n as u64).max(200_000);
        let cases: [(&str, Box<dyn FnMut(u64) -> usize>); 4] = [
            (
                "numa (cached)",
                Box::new(|_| {
                    let c = select::numa(
                        black_box(Some((1usize, true))),
                        black_box(&list).iter().copied(),
                    );
                    c.map_or(0, |c| c.id)
                }),
            ),
            (
                "numa (scan)",
                Box::new(|_| {
                    let c = select::numa(black_box(None), black_box(&list).iter().copied());
                    c.map_or(0, |c| c.id)
                }),
            ),
            (
                "round-robin",
                Box::new(|i| {
                    let old = (i as usize) % n;
                    let c = select::round_robin(
                        black_box(Some(list[old])),
                        black_box(&list[old + 1..])
                            .iter()
                            .chain(&list[..old])
                            .copied(),
                    );
                    c.map_or(0, |c| c.id)
                }),
            ),
            (
                "queue-depth",
                Box::new(|_| {
                    let c = select::queue_depth(black_box(&list).iter().copied());
                    c.map_or(0, |c| c.id)
                }),
            ),
        ];
        for (name, mut f) in cases {
            let (med, min, max) = time(reps, iters, &mut f);
            println!(
                "{name:<14} {n:>5} {med:>10.2} {:>17}",
                format!("{min:.2}-{max:.2}")
            );
            rows.push(format!("{name},{n},{med:.3},{min:.3},{max:.3}"));
        }
    }
    if let Some(path) = csv {
        if let Err(e) = std::fs::write(&path, rows.join("\n") + "\n") {
            eprintln!("cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}
