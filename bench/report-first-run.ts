// Where a report's first run on a newly opened store goes, against the next runs: per run, wall ms, the process's
// CPU ms (and its system part) and the bytes it read (rchar, /proc/self/io: SQLite's page reads). Each report is
// timed on a store of its own, in two passes (the second with the report's code already compiled). Run it with and
// without the allocator setting of the `ringlog` command to compare (bin/ringlog.js):
//
//   node --import tsx bench/report-first-run.ts --db FILE [--reports durations,agents] [--days 30]
//   GLIBC_TUNABLES=glibc.malloc.hugetlb=0 node --import tsx bench/report-first-run.ts --db FILE   # setting off
// Not a test.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseReportRequest, runReport } from '../src/reports/index.ts';
import { openStore } from '../src/store/index.ts';
import { runAsTheCommandRuns } from './ringlog-cli.ts';

runAsTheCommandRuns();

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    reports: { type: 'string', default: 'durations,agents,queues,queue-members,contacts' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
  },
});
if (!values.db) throw new Error('usage: --db FILE [--reports a,b] [--days N] [--runs N]');
const DB = values.db;
const DAY = 86_400_000;

const bytesRead = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);

const probe = await openStore(DB);
const [account] = await probe.listAccounts();
const span = await probe.reports.bounds({ accountId: account.id, logs: [null], dateFrom: 0, dateTo: 8.64e15 });
await probe.close();
if (!span) throw new Error('no company records');
const end = span.last + 1;
process.stdout.write(`GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? ''}\n`);
for (let pass = 1; pass <= 2; pass++) {
  for (const report of values.reports.split(',')) {
    const request = parseReportRequest({
      report,
      from: new Date(end - Number(values.days) * DAY).toISOString(),
      to: new Date(end).toISOString(),
    });
    const store = await openStore(DB);
    const runs: string[] = [];
    try {
      for (let i = 0; i < Number(values.runs); i++) {
        const read = bytesRead();
        const cpu = process.cpuUsage();
        const t = performance.now();
        await runReport(store, account.id, request, []);
        const ms = performance.now() - t;
        const used = process.cpuUsage(cpu);
        const mb = (bytesRead() - read) / 1e6;
        runs.push(
          `${ms.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} (system ${(used.system / 1000).toFixed(0)}), read ${mb.toFixed(1)} MB`,
        );
      }
    } finally {
      await store.close();
    }
    process.stdout.write(`pass ${pass} ${report.padEnd(13)} ${runs.join(' | ')}\n`);
  }
}
