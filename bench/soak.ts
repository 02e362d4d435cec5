// Issue 11 item 15: a soak run of `ringlog serve` under mixed load: list pages, call-log-sync (FSync then ISync),
// `ringlog import` into the served database every 30 s, and logins with wrong secrets; every 10 s it samples the
// server's RSS (anonymous and file-backed apart), the database's size on disk and the list requests' p99, and counts errors (5xx, network). Prints one
// JSON line per sample and a summary; not a test.
//
//   node --import tsx bench/soak.ts --db FILE [--minutes 30] [--root DIR]

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    minutes: { type: 'string', default: '30' },
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
  },
});
if (!values.db) throw new Error('--db FILE is required (a seeded SQLite file)');
const db = values.db;
const bin = join(values.root, 'bin/ringlog.js');
const until = Date.now() + Number(values.minutes) * 60_000;

const p99 = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(0.99 * s.length))] * 10) / 10 : null;
};
const fileSize = (f: string) => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};
/** The server's resident memory in MiB: all of it, its anonymous part (heaps) and its file-backed part (mapped database pages). */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const mib = (n: number) => Math.round(n / 1024);
  return { rssMiB: mib(kib('VmRSS')), anonMiB: mib(kib('RssAnon')), fileMiB: mib(kib('RssFile') + kib('RssShmem')) };
};

const credentials = JSON.parse(
  spawnSync(process.execPath, [bin, 'credentials', '--json', '--db', db], { encoding: 'utf8' }).stdout,
) as {
  clientId: string;
  clientSecret: string;
  admin: { jwt: string };
};
const ndjson = `${db}.soak.ndjson`;
writeFileSync(
  ndjson,
  spawnSync(process.execPath, [bin, 'export', '--db', db, '--format', 'ndjson', '--from', '2000-01-01'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  })
    .stdout.split('\n')
    .slice(0, 2000)
    .join('\n'),
);
const server = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((ok) =>
  server.stdout.once('data', (c: Buffer) => ok(c.toString().split('\n')[0])),
);
const basic = (secret: string) => `Basic ${Buffer.from(`${credentials.clientId}:${secret}`).toString('base64')}`;
const tokenOf = async () => {
  const r = await fetch(`${url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { Authorization: basic(credentials.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: credentials.admin.jwt,
    }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
};
let token = await tokenOf();
const stats = { requests: 0, errors: 0, wrongLogins: 0, imports: 0, importFailures: 0 };
let window: number[] = [];

async function call(path: string): Promise<unknown> {
  const started = performance.now();
  try {
    const r = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = await r.arrayBuffer();
    stats.requests += 1;
    if (r.status >= 500) stats.errors += 1;
    if (r.status === 401) token = await tokenOf();
    if (path.includes('/call-log?')) window.push(performance.now() - started);
    return r.status === 200 ? JSON.parse(Buffer.from(body).toString('utf8')) : null;
  } catch {
    stats.errors += 1;
    return null;
  }
}

const lister = async () => {
  for (let page = 1; Date.now() < until; page = (page % 20) + 1) {
    await call(`/restapi/v1.0/account/~/call-log?dateFrom=2000-01-01T00:00:00Z&perPage=100&page=${page}`);
  }
};
const syncer = async () => {
  while (Date.now() < until) {
    let body = (await call('/restapi/v1.0/account/~/call-log-sync?syncType=FSync&recordCount=250')) as {
      syncInfo?: { syncToken: string };
    } | null;
    for (let i = 0; i < 10 && body?.syncInfo && Date.now() < until; i++) {
      await new Promise((ok) => setTimeout(ok, 500));
      body = (await call(
        `/restapi/v1.0/account/~/call-log-sync?syncType=ISync&syncToken=${encodeURIComponent(body.syncInfo.syncToken)}`,
      )) as typeof body;
    }
  }
};
const guesser = async () => {
  while (Date.now() < until) {
    try {
      const r = await fetch(`${url}/restapi/oauth/token`, {
        method: 'POST',
        headers: { Authorization: basic('wrong-secret'), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=1&password=x',
      });
      await r.arrayBuffer();
      stats.wrongLogins += 1;
      if (r.status >= 500) stats.errors += 1;
    } catch {
      stats.errors += 1;
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
};
const importer = async () => {
  while (Date.now() < until) {
    await new Promise((ok) => setTimeout(ok, 30_000));
    const child = spawn(process.execPath, [bin, 'import', ndjson, '--db', db], { stdio: 'ignore' });
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    stats.imports += 1;
    if (code !== 0) stats.importFailures += 1;
  }
};
const samples: unknown[] = [];
const sampler = async () => {
  const start = Date.now();
  while (Date.now() < until) {
    await new Promise((ok) => setTimeout(ok, 10_000));
    const sample = {
      t: Math.round((Date.now() - start) / 1000),
      ...memoryOf(server.pid!),
      dbMiB: Math.round((fileSize(db) + fileSize(`${db}-wal`)) / 2 ** 20),
      listP99Ms: p99(window),
      listN: window.length,
      ...stats,
    };
    window = [];
    samples.push(sample);
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  }
};
await Promise.all([lister(), lister(), syncer(), guesser(), importer(), sampler()]);
server.kill('SIGTERM');
process.stdout.write(
  `${JSON.stringify({ summary: true, minutes: Number(values.minutes), ...stats, samples: samples.length })}\n`,
);
