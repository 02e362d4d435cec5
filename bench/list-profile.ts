// A CPU profile of `ringlog serve` under one list scenario's load: the server runs with `node --cpu-prof` (one
// profile per thread: main, API server, SQLite readers), autocannon loads it, and each profile's self time is
// summed by what the code does (token check, query, thread hop, Fastify, Node's HTTP, GC, ...).
// `node --import tsx bench/list-profile.ts [--db FILE] [--level account|extension] [--view Simple|Detailed]
//  [--per-page N] [--seconds S]`

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runLoad } from './http-load.ts';
import { listPath, pagePicker, readDataset, type Level, type View } from './list-scenarios.ts';
import { adminToken, ringlogCredentials, startChild } from './ringlog-cli.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What a frame's code does, by its file (first match wins). */
const CATEGORIES: [string, (fn: string, url: string) => boolean][] = [
  ['idle', (fn) => fn === '(idle)'],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['native, unattributed (program)', (fn) => fn === '(program)'],
  ['token check (src/auth)', (_, url) => url.includes('/src/auth/') || url.includes('/dist/auth/')],
  ['rate-limit headers (src/api/rate-limit)', (_, url) => /\/(src|dist)\/api\/rate-limit/.test(url)],
  ['request log (pino)', (_, url) => url.includes('/pino')],
  // better-sqlite3's native calls show as self time of the JS function that makes them.
  ['SQLite query on a reader thread', (_, url) => url.includes('sqlite-reader-worker')],
  [
    'thread hop (reader pool, structured clone, worker messages)',
    (fn, url) => fn === 'postMessage' || /sqlite-readers|internal\/worker|messageport|event_target/.test(url),
  ],
  ['SQLite (better-sqlite3)', (_, url) => url.includes('better-sqlite3')],
  ['Kysely (query building, compiling)', (_, url) => url.includes('/kysely/')],
  ['list handler, envelope, buffer (src/api)', (_, url) => /\/(src|dist)\/api\//.test(url)],
  ['query parsing (src/domain)', (_, url) => /\/(src|dist)\/domain\//.test(url)],
  ['store (src/store)', (_, url) => /\/(src|dist)\/store\//.test(url)],
  ['Fastify (routing, reply, hooks)', (_, url) => /fastify|find-my-way|avvio|light-my-request/.test(url)],
  ['Node HTTP', (_, url) => /_http_|internal\/http/.test(url)],
  [
    'Node net, streams, timers',
    (_, url) => /node:net|internal\/streams|stream_base|internal\/timers|node:events/.test(url),
  ],
];

function categoryOf(fn: string, url: string): string {
  return CATEGORIES.find(([, test]) => test(fn, url))?.[0] ?? 'other';
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  byCategory: { name: string; ms: number }[];
  topFunctions: { name: string; ms: number }[];
}

export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url } = byId.get(id)!.callFrame;
    total += us;
    const category = categoryOf(functionName, url);
    categories.set(category, (categories.get(category) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|dist)\//, '$1/')}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  const idle = (categories.get('idle') ?? 0) / 1000;
  return {
    file,
    totalMs: total / 1000,
    busyMs: total / 1000 - idle,
    byCategory: sorted(categories),
    topFunctions: sorted(functions)
      .filter((f) => !f.name.startsWith('(idle)'))
      .slice(0, 30),
  };
}

const RINGLOG = fileURLToPath(new URL('../bin/ringlog.js', import.meta.url));

/** Runs the server under `--cpu-prof` and the load; returns each thread's summary and the load's req/s. */
export async function profileList(o: { db: string; level: Level; view: View; perPage: number; seconds: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-prof-'));
  const credentials = await ringlogCredentials(o.db);
  const server = await startChild(
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, RINGLOG, 'serve', '--db', o.db, '--port', '0'],
    (line) => (/^http:\/\/\S+$/.test(line.trim()) ? line.trim() : null),
  );
  let requestsPerSecond = 0;
  try {
    const headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
    const dataset = readDataset(o.db);
    const pick = pagePicker(dataset, o.level, 1);
    const load = await runLoad({
      url: server.url,
      headers,
      nextPath: () => listPath(dataset, o.view, pick(), o.perPage),
      connections: 10,
      seconds: o.seconds,
    });
    requestsPerSecond = load.requestsPerSecond;
  } finally {
    await server.stop();
  }
  const summaries = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarizeProfile(join(dir, f)));
  rmSync(dir, { recursive: true, force: true });
  return { requestsPerSecond, summaries };
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: '.bench-data/seed-1m.db' },
      level: { type: 'string', default: 'account' },
      view: { type: 'string', default: 'Simple' },
      'per-page': { type: 'string', default: '100' },
      seconds: { type: 'string', default: '10' },
    },
  });
  const result = await profileList({
    db: values.db,
    level: values.level as Level,
    view: values.view as View,
    perPage: Number(values['per-page']),
    seconds: Number(values.seconds),
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${values.level}, ${values.view}, perPage ${values['per-page']}: ${result.requestsPerSecond.toFixed(0)} req/s`);
  for (const s of result.summaries.filter((x) => x.busyMs > 50).sort((a, b) => b.busyMs - a.busyMs)) {
    out(`\nthread profile ${s.file.split('/').pop()}: busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms`);
    for (const c of s.byCategory.filter((x) => x.name !== 'idle' && x.ms >= 1)) {
      out(`  ${((100 * c.ms) / s.busyMs).toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(6)} ms  ${c.name}`);
    }
    out('  top functions (self time):');
    for (const f of s.topFunctions.slice(0, 25)) out(`    ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
