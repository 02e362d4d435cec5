// The memory of `ringlog export` over the benchmark's database: peak VmRSS, RssAnon (heap, buffers, SQLite's page
// cache) and RssFile (mapped file pages) of the child, sampled every 250 ms.
// `node --import tsx bench/export-memory.ts [DB] [--format ndjson|csv|parquet] [--ringlog BIN]` (BIN: another
// build's bin/ringlog.js)

import { parseArgs } from 'node:util';
import { mib } from './process-memory.ts';
import { runRinglog } from './ringlog-cli.ts';

export async function exportMemory(db: string, format: string, bin?: string) {
  const run = await runRinglog(['export', '--db', db, '--format', format, '--out', '/dev/null'], { bin });
  return {
    seconds: run.wallSeconds,
    peakRssMiB: mib(run.peakRssKiB),
    peakAnonMiB: mib(run.peakAnonKiB),
    peakFileMiB: mib(run.peakFileKiB),
    hwmMiB: mib(run.memory?.hwmKiB ?? 0),
  };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string', default: 'ndjson' }, ringlog: { type: 'string' } },
  });
  const figures = await exportMemory(positionals[0] ?? '.bench-data/seed-1m.db', values.format, values.ringlog);
  process.stdout.write(`${JSON.stringify({ format: values.format, ...figures })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
