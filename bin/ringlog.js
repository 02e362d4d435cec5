#!/bin/sh
// 2>/dev/null; GLIBC_TUNABLES="glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=262144${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" exec node "$0" "$@"
// Entry point of the `ringlog` command: runs the compiled CLI (built by `npm install` through `prepare`).
//
// Run as a command (`ringlog`, `npx ringlog`), the line above is a shell line (`//`, a directory, fails quietly):
// it starts node on this file with glibc's malloc tuned (a tunable the caller set is kept, after these, and wins):
// - `hugetlb=1`: its heap on transparent huge pages. SQLite's page cache is malloc'd: on a newly opened database
//   each 64 KiB page it filled took 16 page faults, most of a report's first run (agents over 30 days of the 1M
//   set: about 400 ms of CPU on a new store, 100 on the next run; with the tunable about 100 both:
//   docs/benchmarks.md, `session10-cold`).
// - `arena_max=2`, `mmap_threshold=262144`: two arenas for the process's threads (glibc's default is up to 8 a
//   core), and blocks of 256 KiB or more (a list page's JSON, 0.1-2.5 MB) mapped on their own and given back when
//   freed, not kept in an arena (glibc raises the threshold as such blocks are freed). `serve`'s peak RSS under
//   the list scenarios of the 1M set: 350-372 MiB without them, 291-310 with (docs/benchmarks.md, `session16`).
// As `node bin/ringlog.js` the line is a comment.
import '../dist/cli/main.js';
