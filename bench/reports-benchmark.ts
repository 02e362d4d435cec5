// Times every report over the last 30 days and the whole range of a seeded database (SQLite file or
// postgres://…), cold (first run on a newly opened store) and warm (median of the next runs), and DuckDB computing
// the same figures from the Parquet export of that database in the same run (the cost of what reports maintain on
// write: bench/upsert-cost.ts).
// Prints a Markdown section for docs/benchmarks.md. Not a test.
//
//   node --import tsx bench/reports-benchmark.ts --db bench/out/reports-1m.db --parquet bench/out/reports-1m.parquet
//   node --import tsx bench/reports-benchmark.ts --db postgres://postgres@127.0.0.1:5432/ringlog_10m

import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { KyselyStore } from '../src/store/kysely-store.ts';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseReportRequest, runReport, type ExternalCall } from '../src/reports/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { describeRun } from './machine-info.ts';
import { runAsTheCommandRuns } from './ringlog-cli.ts';

// Reports run in this process: with the allocator settings `ringlog report` and `ringlog serve` run with.
runAsTheCommandRuns();

const DAY = 86_400_000;
const WARM_RUNS = 5;

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    parquet: { type: 'string' },
    runs: { type: 'string', default: String(WARM_RUNS) },
    'skip-ringlog': { type: 'boolean', default: false },
    /** Only these reports (comma-separated, e.g. durations,contacts,reconcile); default every one. */
    only: { type: 'string' },
  },
});
if (!values.db) throw new Error('usage: --db DB [--parquet FILE.parquet] [--runs N]');
const DB = values.db;
const PARQUET = values.parquet ?? null;
const RUNS = Number(values.runs);
/** Time DuckDB only (ringlog's columns then read –), when ringlog's figures come from an earlier run. */
const SKIP_RINGLOG = values['skip-ringlog'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

interface Timing {
  cold: number;
  warm: number;
  rows: number;
}

const SKIPPED: Timing = { cold: NaN, warm: NaN, rows: NaN };

async function timeRinglog(
  params: Record<string, string>,
  accountId: string,
  external: ExternalCall[] = [],
): Promise<Timing> {
  if (SKIP_RINGLOG) return SKIPPED;
  // As `ringlog serve` opens it (SQLite: reports read on its two reader threads; `ringlog report` runs them on one
  // connection, as a store opened without readers does).
  let store: Store = await openStore(DB, { readers: 2 });
  try {
    const req = parseReportRequest(params);
    let t = performance.now();
    const first = await runReport(store, accountId, req, external);
    const cold = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      await runReport(store, accountId, req, external);
      warm.push(performance.now() - t);
    }
    return { cold, warm: median(warm), rows: first.rows.length };
  } finally {
    await store.close();
    store = undefined as unknown as Store;
  }
}

async function timeDuck(sql: string): Promise<Timing | null> {
  if (PARQUET === null) return null;
  const duck = await DuckDBInstance.create(':memory:');
  const c: DuckDBConnection = await duck.connect();
  try {
    const text = sql.replaceAll('FILE', `read_parquet('${PARQUET}')`);
    let t = performance.now();
    const first = await c.runAndReadAll(text);
    const cold = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      await c.runAndReadAll(text);
      warm.push(performance.now() - t);
    }
    return { cold, warm: median(warm), rows: first.currentRowCount };
  } finally {
    c.closeSync();
  }
}

/** The same figures in DuckDB's SQL over the export (UTC days; the ringlog runs use UTC too). */
function duckSql(report: string, from: number, to: number, users: string[], queues: string[]): string {
  const period = `start_time >= epoch_ms(${from}) and start_time < epoch_ms(${to}) and not deleted`;
  const company = `extension_id is null and ${period}`;
  const list = (ids: string[]) => ids.map((i) => `'${i}'`).join(',');
  const offered = `direction = 'Inbound' and type = 'Voice' and result <> 'Blocked'`;
  switch (report) {
    case 'volume':
      return `select date_trunc('day', start_time) d, count(*), count(*) filter (direction = 'Inbound'),
        count(*) filter (direction = 'Outbound'), count(*) filter (type = 'Voice'), count(*) filter (type = 'Fax'),
        count(*) filter (type = 'Voice' and answered) from FILE where ${company} group by d order by d`;
    case 'outcomes':
      return `select count(*), count(*) filter (direction = 'Inbound'), count(*) filter (${offered}),
        count(*) filter (${offered} and answered), count(*) filter (${offered} and result = 'Voicemail'),
        count(*) filter (${offered} and result = 'Abandoned'), count(*) filter (direction = 'Inbound' and result = 'Blocked'),
        count(*) filter (direction = 'Outbound' and type = 'Voice'), count(*) filter (direction = 'Outbound' and type = 'Voice' and answered),
        count(*) filter (type = 'Fax') from FILE where ${company}`;
    case 'durations':
      return `select 'talk', count(*), sum(talk_ms), avg(talk_ms), quantile_disc(talk_ms, [0.5, 0.9, 0.95]), max(talk_ms)
          from FILE where ${company} and type = 'Voice' and answered
        union all select 'wait', count(*), sum(answer_ms), avg(answer_ms), quantile_disc(answer_ms, [0.5, 0.9, 0.95]), max(answer_ms)
          from FILE where ${company} and type = 'Voice' and answered and direction = 'Inbound'
        union all select 'duration', count(*), sum(duration_ms), avg(duration_ms), quantile_disc(duration_ms, [0.5, 0.9, 0.95]), max(duration_ms)
          from FILE where ${company} and type = 'Voice'`;
    case 'agents':
      return `with own as (
          select extension_id, count(*) filter (${offered}) offered, count(*) filter (${offered} and answered) answered,
            count(*) filter (direction = 'Outbound' and type = 'Voice') outbound,
            count(*) filter (direction = 'Outbound' and type = 'Voice' and answered) connected,
            sum(talk_ms) filter (type = 'Voice' and answered and (${offered} or direction = 'Outbound')) talk,
            count(*) filter (action = 'Transfer') transfers_in
          from FILE where extension_id in (${list(users)}) and ${period} group by extension_id),
        out as (select agent_extension_id, count(*) n from FILE where ${company} and transferred group by 1)
        select own.*, out.n from own left join out on out.agent_extension_id = own.extension_id`;
    case 'queues':
      return `select entry_extension_id, count(*), count(*) filter (answered), count(*) filter (result = 'Abandoned'),
          count(*) filter (result = 'Voicemail'), avg(answer_ms) filter (answered),
          count(*) filter (answered and answer_ms <= 20000), avg(duration_ms) filter (result = 'Abandoned'),
          sum(talk_ms) filter (answered)
        from FILE where ${company} and direction = 'Inbound' and type = 'Voice' and entry_extension_id in (${list(queues)})
        group by 1`;
    case 'queue-members':
      return `select entry_extension_id, agent_extension_id, count(*), sum(talk_ms) from FILE
        where ${company} and direction = 'Inbound' and type = 'Voice' and answered and entry_extension_id in (${list(queues)})
        group by 1, 2`;
    case 'contacts':
      return `select contact_number, count(*) filter (type = 'Voice'), count(*) filter (type = 'Fax'),
          count(*) filter (type = 'Voice' and direction = 'Inbound'), count(*) filter (type = 'Voice' and direction = 'Outbound'),
          count(*) filter (type = 'Voice' and answered), sum(talk_ms) filter (type = 'Voice' and answered),
          sum(ceil(talk_ms / 1000.0)) filter (type = 'Voice' and answered and talk_ms > 0)
        from FILE where ${company} and contact_number is not null group by 1`;
    default:
      throw new Error(report);
  }
}

const ONLY = values.only?.split(',') ?? null;
const REPORTS = ['volume', 'outcomes', 'durations', 'agents', 'queues', 'queue-members', 'contacts'].filter(
  (r) => !ONLY || ONLY.includes(r),
);

async function main() {
  const info = describeRun();
  const store = await openStore(DB);
  // As autovacuum would on a live server: without it a freshly seeded table's index-only scans still visit the heap.
  // Not ANALYZE: the seed analyzed the table once; sampling it anew at every run can change plans between runs
  // (queues over 30 days of the 10M set took 63 ms warm in one run, 226–311 in later ones; not traced further).
  if (DB.startsWith('postgres')) await sql`vacuum call_log`.execute((store as KyselyStore).db);
  const [account] = await store.listAccounts();
  const extensions = await store.listExtensions(account.id);
  const total = await store.countRecords();
  const everything = { accountId: account.id, logs: [null], dateFrom: 0, dateTo: 8.64e15 };
  const span = await store.reports.bounds(everything);
  if (!span) throw new Error('no company records');
  const { first, last } = span;
  const companyRecords = await store.reports.count(everything);
  // The other source's calls for reconciliation: outside calls of the last day.
  const lastDay = await store.reports.facts({ ...everything, dateFrom: last - DAY, external: true });
  await store.close();
  const users = extensions.filter((e) => e.type === 'User').map((e) => e.id);
  const queues = extensions.filter((e) => e.type === 'Department').map((e) => e.id);
  const end = last + 1;
  const ranges = [
    { label: '30 days', from: end - 30 * DAY, to: end },
    { label: 'whole range', from: first, to: end },
  ];
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    process.stderr.write(`${s}\n`);
  };
  out(
    `${total.toLocaleString('en-US')} records (${companyRecords.toLocaleString('en-US')} company records), ${info.cpu}, ${info.cores} cores, ` +
      `load ${info.load.toFixed(1)} at start, node ${info.node}, commit ${info.commit}${info.dirty ? ' (dirty)' : ''}, ${info.date}`,
  );
  out('');
  out('| report | range | rows | ringlog cold ms | ringlog warm ms | DuckDB cold ms | DuckDB warm ms | warm ratio |');
  out('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const range of ranges) {
    for (const report of REPORTS) {
      const params = {
        report,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        ...(report === 'volume' ? { by: 'day' } : {}),
      };
      const r = await timeRinglog(params, account.id);
      const d = await timeDuck(duckSql(report, range.from, range.to, users, queues));
      const duck = d ? `${d.cold.toFixed(0)} | ${d.warm.toFixed(0)} | ${(r.warm / d.warm).toFixed(1)}×` : '– | – | –';
      out(`| ${report} | ${range.label} | ${r.rows} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(0)} | ${duck} |`);
    }
    if (ONLY && !ONLY.includes('reconcile')) continue;
    // Reconciliation: 1,000 calls of another source against the range.
    const external: ExternalCall[] = lastDay
      .filter((_, i) => i % 7 === 0)
      .slice(0, 1000)
      .map((f, i) => ({
        line: i + 2,
        startTime: f.startTime + 5000,
        number: `+${f.contactDigits}`,
        durationSeconds: Math.round(f.durationMs / 1000),
      }));
    // Its rows: one per file call and the first page (1,000) of the records no file call matched.
    const r = await timeRinglog(
      { report: 'reconcile', from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
      account.id,
      external,
    );
    out(
      `| reconcile (1,000 file calls) | ${range.label} | ${r.rows} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(0)} | – | – | – |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
