// Issue 11 item 11: how long a cheap request (the caller's extension) takes while 10 clients run whole-history
// phoneNumber searches, on a ringlog `serve` of a seeded database; with --report NAME, while the clients run that
// report of the last 30 days of records through ringlog's report API instead. Run against any build of ringlog
// (--root), so the same database can be measured before and after a change. Prints one JSON object; not a test.
//
//   node --import tsx bench/slow-query-isolation.ts --db FILE [--root DIR] [--seconds 20] [--suffix N] [--clients 10]
//   node --import tsx bench/slow-query-isolation.ts --db FILE --report contacts --clients 2

import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../src/reports/index.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    seconds: { type: 'string', default: '20' },
    suffix: { type: 'string' },
    clients: { type: 'string', default: '10' },
    report: { type: 'string' },
  },
});
if (!values.db) throw new Error('--db FILE is required');
const bin = join(values.root, 'bin/ringlog.js');
const seconds = Number(values.seconds);
const clients = Number(values.clients);

function summary(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    n: ms.length,
    p50: round(percentile(sorted, 50) ?? NaN),
    p99: round(percentile(sorted, 99) ?? NaN),
    max: round(sorted.at(-1) ?? NaN),
  };
}

async function timed(url: string, token: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

async function main() {
  const credentials = JSON.parse(
    spawnSync(process.execPath, [bin, 'credentials', '--json', '--db', values.db!], { encoding: 'utf8' }).stdout,
  ) as { clientId: string; clientSecret: string; admin: { jwt: string } };
  const server = spawn(process.execPath, [bin, 'serve', '--db', values.db!, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((ok) =>
      server.stdout.once('data', (c: Buffer) => ok(c.toString().split('\n')[0])),
    );
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const login = await fetch(`${url}/restapi/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: credentials.admin.jwt,
      }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const page = (await (
      await fetch(`${url}/restapi/v1.0/account/~/call-log?dateFrom=2000-01-01T00:00:00.000Z&perPage=1000`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as { records: { from: { phoneNumber?: string } }[] };
    const numbers = [...new Set(page.records.map((r) => (r.from.phoneNumber ?? '').replace(/\D/g, '')))].filter(
      (d) => d.length >= 10,
    );
    const suffix = values.suffix ? Number(values.suffix) : undefined;
    const searched = numbers.slice(0, clients).map((d) => (suffix ? d.slice(-suffix) : d));
    // The report's period: the 30 days up to the newest record.
    const newest = Date.parse(
      (
        (await (
          await fetch(`${url}/restapi/v1.0/account/~/call-log?dateFrom=2000-01-01T00:00:00.000Z&perPage=1`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).json()) as { records: { startTime: string }[] }
      ).records[0].startTime,
    );
    const period = `from=${new Date(newest + 1 - 30 * 86_400_000).toISOString()}&to=${new Date(newest + 1).toISOString()}`;
    const report = values.report ? `${url}/ringlog/v1/accounts/~/reports/${values.report}?${period}` : null;
    const cheap = `${url}/restapi/v1.0/account/~/extension/~`;

    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await timed(cheap, token));

    const until = performance.now() + seconds * 1000;
    const searches: number[] = [];
    const loaded: number[] = [];
    const searchers = searched.map(async (digits) => {
      const search =
        report ??
        `${url}/restapi/v1.0/account/~/call-log?dateFrom=2000-01-01T00:00:00.000Z&perPage=100&phoneNumber=${digits}`;
      while (performance.now() < until) searches.push(await timed(search, token));
    });
    await new Promise((ok) => setTimeout(ok, 200));
    while (performance.now() < until) loaded.push(await timed(cheap, token));
    await Promise.all(searchers);
    process.stdout.write(
      `${JSON.stringify({
        root: values.root,
        db: values.db,
        seconds,
        clients: searched.length,
        load: report ? `${values.report} report, 30 days` : `phoneNumber search, ${suffix ?? 'whole number'}`,
        cheapIdleMs: summary(idle),
        cheapUnderLoadMs: summary(loaded),
        searchMs: summary(searches),
      })}\n`,
    );
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
