// Preloaded (node --import) into a `ringlog` command by bench/ingest-growth.ts: as the process exits (after the
// command has closed its store, so SQLite's last checkpoint is counted), writes its /proc/self/io counters and
// its CPU time (all threads) and peak RSS as JSON to the file RINGLOG_BENCH_IO_OUT names. Read from outside, /proc/PID/io is
// gone by the time the exit is seen.

import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.RINGLOG_BENCH_IO_OUT;
if (out) {
  process.on('exit', () => {
    const io = Object.fromEntries(
      readFileSync('/proc/self/io', 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(': '))
        .map(([key, value]) => [key, Number(value)]),
    );
    const cpu = process.cpuUsage();
    const { maxRSS } = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ io, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6, maxRssKiB: maxRSS }),
    );
  });
}
