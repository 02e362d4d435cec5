#!/bin/sh
# Seed speed before and after a change, same machine, one run: `ringlog seed` of two built trees (dist/) in turn.
# Usage: bench/seed-before-after.sh BEFORE_TREE AFTER_TREE [ROUNDS] [DAYS]
# Each tree needs `npm run build` done. Prints one JSON summary line per run, prefixed by the tree.
set -e
before=$1; after=$2; rounds=${3:-2}; days=${4:-10}
db=${TMPDIR:-/tmp}/ringlog-seed-before-after.db
for round in $(seq 1 "$rounds"); do
  for tree in "$before" "$after"; do
    rm -f "$db" "$db-wal" "$db-shm"
    printf '%s ' "$tree"
    (cd "$tree" && RINGLOG_BENCH_NOW=1790812800000 node --import ./bench/pinned-clock.mjs bin/ringlog.js seed \
      --db "$db" --seed 1 --extensions 100 --days "$days" --calls-per-day 8536 --json)
  done
done
rm -f "$db" "$db-wal" "$db-shm"
