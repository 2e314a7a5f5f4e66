// SPDX-License-Identifier: GPL-2.0

//! Path selection: the numa, round-robin and queue-depth I/O policies.
//!
//! This module is plain `core` code: it sees a path list as an iterator of
//! `(id, PathInfo)` pairs in list order and returns the chosen id, so the
//! same source is compiled into the kernel and tested on the host with
//! `cargo test` (see `dev/host-tests`).  The caller walks the SRCU-protected
//! path list, fills in [`PathInfo`] from the driver callbacks, and stores the
//! choice in the per-node `current_path` cache when [`Choice::cache`] says so.
//!
//! Rules shared by all policies: a disabled path is never chosen, nor is a
//! path whose access state is neither optimized nor non-optimized; an
//! optimized path always wins over a non-optimized one.

#![deny(unsafe_code)]

/// `LOCAL_DISTANCE` of `<linux/topology.h>`: the distance of a node to
/// itself, used for every path when distances do not matter.
pub(crate) const LOCAL_DISTANCE: i32 = 10;

/// The access class of a path: the `mpath_device.access_state` a driver
/// stored (`MPATH_STATE_*`), kept raw so that testing a path for a class
/// is one compare, with no decode per path.  Only [`Access::OPTIMIZED`] and
/// [`Access::NON_OPTIMIZED`] paths carry I/O: any other value, a valid
/// state or not, is never used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Access(i32);

impl Access {
    /// Active/optimized (`MPATH_STATE_OPTIMIZED`).
    pub(crate) const OPTIMIZED: Self = Self(0);
    /// Active/non-optimized (`MPATH_STATE_NONOPTIMIZED`): used only when no
    /// optimized path is usable.
    pub(crate) const NON_OPTIMIZED: Self = Self(1);
    /// Anything else (inaccessible, standby, transitioning, ...): never used
    /// (`MPATH_STATE_OTHER`).  Only the tests make such paths.
    #[cfg(any(test, CONFIG_LIBMULTIPATH_KUNIT_TEST))]
    pub(crate) const OTHER: Self = Self(2);

    /// The class of the `access_state` a driver stored.
    #[inline(always)]
    pub(crate) const fn from_raw(state: i32) -> Self {
        Self(state)
    }
}

/// What the selectors need to know about one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PathInfo {
    /// The driver says the path must not be used at all.
    pub(crate) disabled: bool,
    /// The path's access class.
    pub(crate) access: Access,
    /// NUMA distance from the submitting node to the path's node, or
    /// [`LOCAL_DISTANCE`] when the path has no node or the policy is not numa.
    pub(crate) distance: i32,
    /// Outstanding requests on the path (queue-depth policy only).
    pub(crate) depth: u32,
}

/// The I/O policy, decoded from `MPATH_IOPOLICY_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Nearest path to the submitting CPU's node.
    Numa,
    /// Rotate over the optimized paths.
    RoundRobin,
    /// Fewest outstanding requests.
    QueueDepth,
}

impl TryFrom<i32> for Policy {
    /// The value, which is no `MPATH_IOPOLICY_*`.
    type Error = i32;

    /// Decode a C `MPATH_IOPOLICY_*` value.
    fn try_from(policy: i32) -> Result<Self, i32> {
        match policy {
            0 => Ok(Policy::Numa),
            1 => Ok(Policy::RoundRobin),
            2 => Ok(Policy::QueueDepth),
            _ => Err(policy),
        }
    }
}

impl Policy {
    /// Decode the I/O policy a driver stored: a value that is no
    /// `MPATH_IOPOLICY_*` means numa, as in NVMe.
    pub(crate) fn from_raw(policy: i32) -> Self {
        Self::try_from(policy).unwrap_or(Policy::Numa)
    }
}

/// The outcome of a selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Choice<Id> {
    /// The chosen path.
    pub(crate) id: Id,
    /// Whether the caller must store `id` in the node's `current_path` slot.
    pub(crate) cache: bool,
}

/// The best path of each usable access class by some key (distance or
/// depth); the first path wins a tie.
struct BestPerClass<Id, K> {
    /// Best optimized path and its key.
    optimized: Option<(Id, K)>,
    /// Best non-optimized path and its key.
    non_optimized: Option<(Id, K)>,
}

impl<Id, K: Ord + Copy> BestPerClass<Id, K> {
    /// No path seen yet.
    fn new() -> Self {
        Self {
            optimized: None,
            non_optimized: None,
        }
    }

    /// Consider `path` with `key`; disabled and other paths are ignored.
    #[inline]
    fn offer(&mut self, id: Id, path: &PathInfo, key: K) {
        if path.disabled {
            return;
        }
        let best = if path.access == Access::OPTIMIZED {
            &mut self.optimized
        } else if path.access == Access::NON_OPTIMIZED {
            &mut self.non_optimized
        } else {
            return;
        };
        if best.as_ref().is_none_or(|&(_, k)| key < k) {
            *best = Some((id, key));
        }
    }

    /// The best optimized path, else the best non-optimized one.
    #[inline]
    fn result(self, cache: bool) -> Option<Choice<Id>> {
        self.optimized
            .or(self.non_optimized)
            .map(|(id, _)| Choice { id, cache })
    }
}

/// Full scan: the nearest optimized path, else the nearest non-optimized
/// one; the first in list order wins a tie.  The result is to be cached.
///
/// This is the slow path of numa and round-robin, kept out of line.
#[cold]
pub(crate) fn nearest<Id, I>(paths: I) -> Option<Choice<Id>>
where
    I: IntoIterator<Item = (Id, PathInfo)>,
{
    let mut best = BestPerClass::new();
    for (id, path) in paths {
        best.offer(id, &path, path.distance);
    }
    best.result(true)
}

/// The numa policy.
///
/// `cached` is the node's `current_path` entry and whether the driver still
/// calls it optimized; a cached optimized path is kept, anything else
/// triggers a full scan.
#[inline]
pub(crate) fn numa<Id, I>(cached: Option<(Id, bool)>, paths: I) -> Option<Choice<Id>>
where
    I: IntoIterator<Item = (Id, PathInfo)>,
{
    match numa_cached(cached) {
        Some(id) => Some(Choice { id, cache: false }),
        None => nearest(paths),
    }
}

/// The part of [`numa`] that needs no scan: the cached path, if it is kept.
#[inline(always)]
pub(crate) fn numa_cached<Id>(cached: Option<(Id, bool)>) -> Option<Id> {
    match cached {
        Some((id, true)) => Some(id),
        _ => None,
    }
}

/// The round-robin policy.
///
/// `old` is the node's `current_path` entry with its state, and `rest` the
/// other paths in round-robin order: the paths after `old` in the list,
/// then, wrapping around, the paths before it.  The first usable optimized
/// path of `rest` is chosen; without one, the last usable non-optimized
/// one.  `old` itself is kept when it is usable and either optimized, or
/// nothing else was found.  A path alone on the list (`rest` empty) is
/// kept unless it is disabled, whatever its access state, as NVMe's
/// `nvme_round_robin_path()` does for a singular list.  Without `old`,
/// `rest` is the whole list and a full scan decides.
///
/// The walk ends at the first optimized path, so with optimized paths
/// the cost does not grow with the length of the list.
#[inline]
pub(crate) fn round_robin<Id, I>(old: Option<(Id, PathInfo)>, rest: I) -> Option<Choice<Id>>
where
    Id: Copy,
    I: IntoIterator<Item = (Id, PathInfo)>,
{
    match old {
        Some((old, old_path)) => round_robin_from(old, || old_path, rest),
        None => nearest(rest),
    }
}

/// [`round_robin`] with an `old` path, whose state `old_path` gives: it is
/// only read when no optimized path follows `old`.
#[inline]
pub(crate) fn round_robin_from<Id, F, I>(old: Id, old_path: F, rest: I) -> Option<Choice<Id>>
where
    Id: Copy,
    F: FnOnce() -> PathInfo,
    I: IntoIterator<Item = (Id, PathInfo)>,
{
    let mut fallback = None;
    let mut alone = true;
    for (id, path) in rest {
        alone = false;
        if round_robin_takes(&path) {
            return Some(Choice { id, cache: true });
        }
        if !path.disabled && path.access == Access::NON_OPTIMIZED {
            fallback = Some(id);
        }
    }

    let old_path = old_path();
    if alone {
        return (!old_path.disabled).then_some(Choice {
            id: old,
            cache: false,
        });
    }
    if !old_path.disabled
        && (old_path.access == Access::OPTIMIZED
            || (fallback.is_none() && old_path.access == Access::NON_OPTIMIZED))
    {
        return Some(Choice {
            id: old,
            cache: false,
        });
    }
    fallback.map(|id| Choice { id, cache: true })
}

/// Whether [`round_robin_from`] takes `path` as soon as its walk reaches it:
/// a usable optimized path.  So the path right after `old`, if it is one,
/// is the choice, and it is cached.
#[inline(always)]
pub(crate) fn round_robin_takes(path: &PathInfo) -> bool {
    !path.disabled && path.access == Access::OPTIMIZED
}

/// The queue-depth policy: the optimized path with the fewest outstanding
/// requests, else the least busy non-optimized one.  An idle optimized path
/// ends the scan.  The cache is not used.
#[inline]
pub(crate) fn queue_depth<Id, I>(paths: I) -> Option<Choice<Id>>
where
    Id: Copy,
    I: IntoIterator<Item = (Id, PathInfo)>,
{
    // The best path of each class and its depth, in registers: no depth
    // reaches `u32::MAX` (the driver's counts are `int`s).
    let (mut optimized, mut optimized_depth) = (None, u32::MAX);
    let (mut non_optimized, mut non_optimized_depth) = (None, u32::MAX);
    for (id, path) in paths {
        if path.disabled {
            continue;
        }
        if path.access == Access::OPTIMIZED {
            if path.depth == 0 {
                return Some(Choice { id, cache: false });
            }
            if path.depth < optimized_depth {
                (optimized, optimized_depth) = (Some(id), path.depth);
            }
        } else if path.access == Access::NON_OPTIMIZED && path.depth < non_optimized_depth {
            (non_optimized, non_optimized_depth) = (Some(id), path.depth);
        }
    }
    optimized
        .or(non_optimized)
        .map(|id| Choice { id, cache: false })
}

/// Test cases shared by the host tests (`cargo test`) and the KUnit suite.
#[cfg(any(test, CONFIG_LIBMULTIPATH_KUNIT_TEST))]
mod cases {
    use super::*;

    /// The result type of a case: `Err` names the broken expectation.
    pub(super) type Outcome = Result<(), &'static str>;

    /// Fail with `msg` unless `cond` holds.
    fn ensure(cond: bool, msg: &'static str) -> Outcome {
        if cond {
            Ok(())
        } else {
            Err(msg)
        }
    }

    /// A usable path of class `access` at distance `distance`, depth `depth`.
    const fn p(access: Access, distance: i32, depth: u32) -> PathInfo {
        PathInfo {
            disabled: false,
            access,
            distance,
            depth,
        }
    }

    /// Like [`p`], but disabled.
    const fn off(access: Access) -> PathInfo {
        PathInfo {
            disabled: true,
            access,
            distance: LOCAL_DISTANCE,
            depth: 0,
        }
    }

    const O: Access = Access::OPTIMIZED;
    const N: Access = Access::NON_OPTIMIZED;
    const X: Access = Access::OTHER;

    /// Pair every path with its index, as the kernel pairs it with a pointer.
    fn ids(paths: &[PathInfo]) -> impl Iterator<Item = (usize, PathInfo)> + Clone + '_ {
        paths.iter().copied().enumerate()
    }

    /// Round-robin from `old` as the kernel walks it: `old`, then the paths
    /// after it and, wrapping around, the paths before it.  An `old` that is
    /// not in the list counts as none.
    fn rr(old: Option<usize>, paths: &[PathInfo]) -> Option<Choice<usize>> {
        match old.and_then(|o| Some((o, *paths.get(o)?))) {
            Some((o, info)) => round_robin(
                Some((o, info)),
                ids(paths).skip(o + 1).chain(ids(paths).take(o)),
            ),
            None => round_robin(None, ids(paths)),
        }
    }

    /// The chosen index, if any.
    fn idx(c: Option<Choice<usize>>) -> Option<usize> {
        c.map(|c| c.id)
    }

    pub(super) fn decode_raw_values() -> Outcome {
        ensure(Access::from_raw(0) == O, "state 0 is optimized")?;
        ensure(Access::from_raw(1) == N, "state 1 is non-optimized")?;
        ensure(Access::from_raw(2) == X, "state 2 is other")?;
        for bad in [-1, 3, i32::MAX] {
            let access = Access::from_raw(bad);
            ensure(access != O && access != N, "a bad state is neither class")?;
        }
        ensure(Policy::from_raw(0) == Policy::Numa, "policy 0 is numa")?;
        ensure(Policy::from_raw(1) == Policy::RoundRobin, "policy 1 is rr")?;
        ensure(Policy::from_raw(2) == Policy::QueueDepth, "policy 2 is qd")?;
        ensure(Policy::from_raw(7) == Policy::Numa, "a bad policy is numa")?;
        ensure(
            Policy::try_from(2) == Ok(Policy::QueueDepth),
            "policy 2 decodes",
        )?;
        ensure(Policy::try_from(-1) == Err(-1), "policy -1 is no policy")
    }

    pub(super) fn nearest_prefers_optimized() -> Outcome {
        let paths = [p(N, 10, 0), p(O, 40, 0), p(N, 10, 0)];
        ensure(
            idx(nearest(ids(&paths))) == Some(1),
            "optimized beats nearer non-optimized",
        )
    }

    pub(super) fn nearest_picks_smallest_distance_first_on_tie() -> Outcome {
        let paths = [p(O, 20, 0), p(O, 10, 0), p(O, 10, 0), p(N, 10, 0)];
        let c = nearest(ids(&paths));
        ensure(
            idx(c) == Some(1),
            "the first of the nearest optimized paths",
        )?;
        ensure(c.is_some_and(|c| c.cache), "a full scan result is cached")
    }

    pub(super) fn nearest_falls_back_to_nonoptimized() -> Outcome {
        let paths = [p(X, 10, 0), off(O), p(N, 30, 0), p(N, 20, 0)];
        ensure(
            idx(nearest(ids(&paths))) == Some(3),
            "nearest non-optimized path",
        )
    }

    pub(super) fn nothing_usable_selects_nothing() -> Outcome {
        let paths = [off(O), off(N), p(X, 10, 0)];
        ensure(nearest(ids(&paths)).is_none(), "nearest: nothing usable")?;
        ensure(queue_depth(ids(&paths)).is_none(), "qd: nothing usable")?;
        ensure(rr(Some(0), &paths).is_none(), "rr: nothing usable")?;
        ensure(numa(None, ids(&paths)).is_none(), "numa: nothing usable")?;
        ensure(nearest(ids(&[])).is_none(), "empty list")
    }

    pub(super) fn numa_uses_cache_only_while_optimized() -> Outcome {
        let paths = [p(O, 20, 0), p(O, 10, 0)];
        let kept = numa(Some((0, true)), ids(&paths));
        ensure(
            kept == Some(Choice {
                id: 0,
                cache: false,
            }),
            "cached optimized path kept",
        )?;
        let rescanned = numa(Some((0, false)), ids(&paths));
        ensure(
            rescanned == Some(Choice { id: 1, cache: true }),
            "rescan when not optimized",
        )?;
        ensure(
            idx(numa(None, ids(&paths))) == Some(1),
            "scan without a cached path",
        )
    }

    pub(super) fn rr_single_path() -> Outcome {
        ensure(
            rr(Some(0), &[p(O, 10, 0)])
                == Some(Choice {
                    id: 0,
                    cache: false,
                }),
            "single usable path kept",
        )?;
        ensure(rr(Some(0), &[off(O)]).is_none(), "single disabled path")?;
        // NVMe keeps a lone cached path that is not disabled, whatever its
        // ANA state (the I/O then fails over through the driver).
        ensure(
            rr(Some(0), &[p(X, 10, 0)])
                == Some(Choice {
                    id: 0,
                    cache: false,
                }),
            "single inaccessible path kept",
        )?;
        ensure(
            rr(None, &[p(X, 10, 0)]).is_none(),
            "single inaccessible path not chosen by a scan",
        )
    }

    pub(super) fn rr_rotates_over_optimized_paths() -> Outcome {
        let paths = [p(O, 10, 0), p(N, 10, 0), p(O, 10, 0), p(O, 10, 0)];
        let mut old = 0;
        let mut seen = [0u32; 4];
        for _ in 0..9 {
            let c = rr(Some(old), &paths).ok_or("rr found no path")?;
            ensure(c.cache, "a rotation updates the cache")?;
            seen[c.id] += 1;
            old = c.id;
        }
        ensure(
            seen == [3, 0, 3, 3],
            "every optimized path in turn, never the non-optimized",
        )
    }

    pub(super) fn rr_keeps_optimized_old_without_other_optimized() -> Outcome {
        let paths = [p(N, 10, 0), p(O, 10, 0), p(N, 10, 0)];
        let c = rr(Some(1), &paths);
        ensure(
            c == Some(Choice {
                id: 1,
                cache: false,
            }),
            "old optimized path kept",
        )
    }

    pub(super) fn rr_nonoptimized_fallback() -> Outcome {
        // Old is disabled: the last non-optimized path in rotation order
        // (after old, wrapping) is used.
        let paths = [p(N, 10, 0), off(O), p(N, 10, 0), p(X, 10, 0)];
        ensure(idx(rr(Some(1), &paths)) == Some(0), "last non-optimized")?;
        // Old is non-optimized and nothing else is usable: keep it.
        let paths = [p(N, 10, 0), off(O), p(X, 10, 0)];
        let c = rr(Some(0), &paths);
        ensure(
            c == Some(Choice {
                id: 0,
                cache: false,
            }),
            "lone non-optimized old kept",
        )?;
        // Old is non-optimized and another one exists: rotate to it.
        let paths = [p(N, 10, 0), p(N, 10, 0)];
        ensure(idx(rr(Some(0), &paths)) == Some(1), "rotate non-optimized")
    }

    pub(super) fn rr_without_old_scans_the_list() -> Outcome {
        let paths = [p(N, 10, 0), p(O, 20, 0), p(O, 10, 0)];
        ensure(
            round_robin(None, ids(&paths)) == Some(Choice { id: 2, cache: true }),
            "no old: the nearest optimized path, cached",
        )
    }

    pub(super) fn qd_picks_least_busy() -> Outcome {
        let paths = [p(O, 10, 5), p(N, 10, 0), p(O, 10, 3), p(O, 10, 3)];
        let c = queue_depth(ids(&paths));
        ensure(
            c == Some(Choice {
                id: 2,
                cache: false,
            }),
            "least busy optimized, first on tie",
        )?;
        let paths = [p(N, 10, 4), off(O), p(N, 10, 2), p(X, 10, 0)];
        ensure(
            idx(queue_depth(ids(&paths))) == Some(2),
            "least busy non-optimized",
        )?;
        let paths = [p(O, 10, u32::MAX), p(O, 10, 1 << 31)];
        ensure(idx(queue_depth(ids(&paths))) == Some(1), "unsigned depths")?;
        let paths = [p(O, 10, 2), p(O, 10, 0), p(O, 10, 0)];
        ensure(
            idx(queue_depth(ids(&paths))) == Some(1),
            "first idle optimized path",
        )
    }

    /// A small xorshift generator: deterministic, no dependencies.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A random list of up to 8 paths.
    fn random_paths(rng: &mut Rng, buf: &mut [PathInfo; 8]) -> usize {
        let n = rng.below(9) as usize;
        for path in buf.iter_mut().take(n) {
            *path = PathInfo {
                disabled: rng.below(4) == 0,
                access: match rng.below(3) {
                    0 => O,
                    1 => N,
                    _ => X,
                },
                distance: [10, 12, 20, 32][rng.below(4) as usize],
                depth: rng.below(4) as u32,
            };
        }
        n
    }

    /// Round-robin written out with list indices, as NVMe walks it: from
    /// the path after `old` around to the one before it.
    fn rr_model(old: usize, paths: &[PathInfo]) -> Option<usize> {
        let n = paths.len();
        if n == 1 {
            return (!paths[old].disabled).then_some(old);
        }
        let mut found = None;
        for k in 1..n {
            let i = (old + k) % n;
            match paths[i] {
                PathInfo { disabled: true, .. } => {}
                PathInfo { access: O, .. } => return Some(i),
                PathInfo { access: N, .. } => found = Some(i),
                _ => {}
            }
        }
        let o = paths[old];
        if !o.disabled && (o.access == O || (found.is_none() && o.access == N)) {
            return Some(old);
        }
        found
    }

    /// Properties every selector must have, on `iterations` random lists.
    pub(super) fn properties(iterations: u32) -> Outcome {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut buf = [p(X, 10, 0); 8];
        for _ in 0..iterations {
            let n = random_paths(&mut rng, &mut buf);
            let paths = &buf[..n];
            let usable = |i: usize| !paths[i].disabled && paths[i].access != X;
            let any_usable = (0..n).any(usable);
            let any_opt = (0..n).any(|i| usable(i) && paths[i].access == O);
            let class = if any_opt { O } else { N };
            let old = (n > 0).then(|| rng.below(n as u64 + 1) as usize);

            // A lone cached path is kept by round-robin whatever its
            // state (checked against the model below), so the general
            // rules do not apply to it.
            let lone_old = n == 1 && old == Some(0);
            let results = [
                Some(nearest(ids(paths))),
                Some(numa(None, ids(paths))),
                Some(queue_depth(ids(paths))),
                (!lone_old).then(|| rr(old, paths)),
            ];
            for c in results.into_iter().flatten() {
                ensure(
                    c.is_some() == any_usable,
                    "a path is found iff one is usable",
                )?;
                if let Some(c) = c {
                    ensure(c.id < n, "the id is in the list")?;
                    ensure(usable(c.id), "never a disabled or other path")?;
                    ensure(paths[c.id].access == class, "optimized whenever one exists")?;
                }
            }
            // numa: the first path of minimum distance in the best class.
            if let Some(c) = nearest(ids(paths)) {
                let min = (0..n)
                    .filter(|&i| usable(i) && paths[i].access == class)
                    .map(|i| paths[i].distance)
                    .min();
                ensure(
                    Some(paths[c.id].distance) == min,
                    "numa picks a nearest path",
                )?;
                let first = (0..n).find(|&i| {
                    usable(i) && paths[i].access == class && Some(paths[i].distance) == min
                });
                ensure(first == Some(c.id), "numa breaks ties by list order")?;
            }
            // queue-depth: a minimum-depth path of the best class.
            if let Some(c) = queue_depth(ids(paths)) {
                let min = (0..n)
                    .filter(|&i| usable(i) && paths[i].access == class)
                    .map(|i| paths[i].depth)
                    .min();
                ensure(
                    Some(paths[c.id].depth) == min,
                    "qd picks a minimum-depth path",
                )?;
            }
            // round-robin: the same choice as the index walk.
            if let Some(o) = old.filter(|&o| o < n) {
                ensure(
                    idx(rr(Some(o), paths)) == rr_model(o, paths),
                    "rr matches the index walk",
                )?;
            }
            // round-robin: starting anywhere, n steps visit every usable
            // optimized path exactly once.
            if any_opt {
                let opt: u32 = (0..n)
                    .filter(|&i| usable(i) && paths[i].access == O)
                    .count() as u32;
                let mut seen = [0u32; 8];
                let mut cur = old;
                for _ in 0..opt {
                    let c = rr(cur, paths).ok_or("rr lost its path")?;
                    seen[c.id] += 1;
                    cur = Some(c.id);
                }
                let start_is_opt = old.is_some_and(|o| o < n && usable(o) && paths[o].access == O);
                for i in 0..n {
                    let want = u32::from(usable(i) && paths[i].access == O);
                    // With a usable optimized start, the walk ends where it
                    // began, so each optimized path is seen exactly once.
                    if start_is_opt || opt == 1 {
                        ensure(seen[i] == want, "rr visits every optimized path in turn")?;
                    } else {
                        ensure(seen[i] <= want + 1, "rr visits optimized paths only")?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::cases;

    macro_rules! host_cases {
        ($($name:ident),* $(,)?) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(cases::$name(), Ok(()));
                }
            )*
        };
    }

    host_cases!(
        decode_raw_values,
        nearest_prefers_optimized,
        nearest_picks_smallest_distance_first_on_tie,
        nearest_falls_back_to_nonoptimized,
        nothing_usable_selects_nothing,
        numa_uses_cache_only_while_optimized,
        rr_single_path,
        rr_rotates_over_optimized_paths,
        rr_keeps_optimized_old_without_other_optimized,
        rr_nonoptimized_fallback,
        rr_without_old_scans_the_list,
        qd_picks_least_busy,
    );

    #[test]
    fn properties() {
        assert_eq!(cases::properties(200_000), Ok(()));
    }
}

/// The same cases under KUnit, in the kernel.
#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[allow(unsafe_code)] // The KUnit macro generates the C glue.
#[::kernel::prelude::kunit_tests(libmultipath_select)]
mod kunit_tests {
    use super::cases;

    #[test]
    fn decode_raw_values() {
        assert_eq!(cases::decode_raw_values(), Ok(()));
    }

    #[test]
    fn nearest_prefers_optimized() {
        assert_eq!(cases::nearest_prefers_optimized(), Ok(()));
    }

    #[test]
    fn nearest_picks_smallest_distance_first_on_tie() {
        assert_eq!(
            cases::nearest_picks_smallest_distance_first_on_tie(),
            Ok(())
        );
    }

    #[test]
    fn nearest_falls_back_to_nonoptimized() {
        assert_eq!(cases::nearest_falls_back_to_nonoptimized(), Ok(()));
    }

    #[test]
    fn nothing_usable_selects_nothing() {
        assert_eq!(cases::nothing_usable_selects_nothing(), Ok(()));
    }

    #[test]
    fn numa_uses_cache_only_while_optimized() {
        assert_eq!(cases::numa_uses_cache_only_while_optimized(), Ok(()));
    }

    #[test]
    fn rr_single_path() {
        assert_eq!(cases::rr_single_path(), Ok(()));
    }

    #[test]
    fn rr_rotates_over_optimized_paths() {
        assert_eq!(cases::rr_rotates_over_optimized_paths(), Ok(()));
    }

    #[test]
    fn rr_keeps_optimized_old_without_other_optimized() {
        assert_eq!(
            cases::rr_keeps_optimized_old_without_other_optimized(),
            Ok(())
        );
    }

    #[test]
    fn rr_nonoptimized_fallback() {
        assert_eq!(cases::rr_nonoptimized_fallback(), Ok(()));
    }

    #[test]
    fn rr_without_old_scans_the_list() {
        assert_eq!(cases::rr_without_old_scans_the_list(), Ok(()));
    }

    #[test]
    fn qd_picks_least_busy() {
        assert_eq!(cases::qd_picks_least_busy(), Ok(()));
    }

    #[test]
    fn properties() {
        assert_eq!(cases::properties(20_000), Ok(()));
    }
}
