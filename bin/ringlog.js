#!/bin/sh
// 2>/dev/null; GLIBC_TUNABLES="glibc.malloc.hugetlb=1${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" exec node "$0" "$@"
// Entry point of the `ringlog` command: runs the compiled CLI (built by `npm install` through `prepare`).
//
// Run as a command (`ringlog`, `npx ringlog`), the line above is a shell line (`//`, a directory, fails quietly):
// it starts node on this file with glibc's malloc backing its heap with transparent huge pages
// (`glibc.malloc.hugetlb=1`; a tunable the caller set is kept, after it, and wins). SQLite's page cache is
// malloc'd: on a newly opened database each 64 KiB page it filled took 16 page faults, most of a report's first
// run (agents over 30 days of the 1M set: about 400 ms of CPU on a new store, 100 on the next run; with the
// tunable about 100 both: docs/benchmarks.md, `session10-cold`). As `node bin/ringlog.js` the line is a comment.
import '../dist/cli/main.js';
