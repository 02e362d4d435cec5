// List benchmark: ringlog serving 100- and 1000-record pages (in a child process, under autocannon load) against a
// raw read of the same pages (better-sqlite3, or `pg` from as many connections as the load on a postgres:// database),
// a Prism mock serving a real page, and Fastify sending the same bytes with the same headers from memory; plus the
// server's memory under that load.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { OUT_DIR } from './bench-dataset.ts';
import { runLoad, type LoadFigures } from './http-load.ts';
import {
  LIST_SCENARIOS,
  MAX_PAGE,
  listPath,
  pagePicker,
  readDataset,
  type Dataset,
  type ListScenario,
} from './list-scenarios.ts';
import type { CapturedResponse } from './fastify-memory-server.ts';
import { ensurePrism, startPrism, writeMockDocument } from './prism-mock.ts';
import { readMemory, watchMemory, type Memory } from './process-memory.ts';
import { rawListLoop, warmPageCache, type RawListFigures } from './raw-list.ts';
import { isPostgres, rawPgLoop, readPgDataset, warmPgPages } from './raw-pg-list.ts';
import { adminToken, ringlogCredentials, startChild, startRinglogServer, type RunningServer } from './ringlog-cli.ts';
import { storeSettings, type StoreSettings } from './store-settings.ts';

const FASTIFY_SERVER = fileURLToPath(new URL('./fastify-memory-server.ts', import.meta.url));

export interface ScenarioFigures {
  scenario: ListScenario;
  ringlog: LoadFigures;
  /** Highest server VmRSS and RssAnon sampled during this scenario's load. */
  peakRssKiB: number;
  peakAnonKiB: number;
  raw: RawListFigures;
  /** The same paths answered with ringlog's first page by the Prism mock, and by Fastify from memory. */
  prism: LoadFigures;
  fastify: LoadFigures;
}

export interface ListFigures {
  backend: 'sqlite' | 'postgres';
  records: number;
  dataset: Dataset;
  settings: StoreSettings;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  scenarios: ScenarioFigures[];
  /** Server memory before the load, and VmHWM / VmRSS after all of it. */
  serverIdle: Memory | null;
  serverEnd: Memory | null;
  prismPeakRssKiB: number;
}

function countRecords(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM call_log').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Checks a scenario answers 200 with records, and returns its first page as sent (body and headers). */
async function samplePage(
  url: string,
  headers: Record<string, string>,
  path: string,
  perPage: number,
): Promise<CapturedResponse> {
  const res = await fetch(url + path, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  const records = (JSON.parse(body) as { records: unknown[] }).records.length;
  if (records === 0) throw new Error(`GET ${path}: no records`);
  if (records < perPage) process.stderr.write(`list: only ${records} records on GET ${path}\n`);
  return { body, headers: Object.fromEntries(res.headers) };
}

interface LoadSettings {
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

/** A warm-up, then the measured load, sampling the server's memory meanwhile. */
async function measuredLoad(
  server: RunningServer,
  headers: Record<string, string>,
  nextPath: () => string,
  o: LoadSettings,
) {
  const { connections, seconds, warmupSeconds } = o;
  if (warmupSeconds > 0) await runLoad({ url: server.url, headers, nextPath, connections, seconds: warmupSeconds });
  const memory = watchMemory(server.pid);
  const load = await runLoad({ url: server.url, headers, nextPath, connections, seconds });
  memory.stop();
  return { load, peakRssKiB: memory.peakKiB(), peakAnonKiB: memory.peakAnonKiB() };
}

/** The paths a scenario's load reads (the same sequence for every server). */
function scenarioPaths(dataset: Dataset, s: ListScenario, index: number): () => string {
  const pick = pagePicker(dataset, s.level, index + 1);
  return () => listPath(dataset, s.view, pick(), s.perPage);
}

/** An example's key: what the Prism mock's Prefer header and the Fastify server's header name. */
const exampleKey = (s: ListScenario) => `${s.level}-${s.view}-${s.perPage}`;

/** The list scenarios against `ringlog serve`; also returns each scenario's first page as sent, for the baselines. */
async function loadRinglog(db: string, dataset: Dataset, o: LoadSettings) {
  const credentials = await ringlogCredentials(db);
  const server = await startRinglogServer(db);
  const figures: Pick<ScenarioFigures, 'scenario' | 'ringlog' | 'peakRssKiB' | 'peakAnonKiB'>[] = [];
  const examples: Record<string, CapturedResponse> = {};
  try {
    const headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
    for (const s of LIST_SCENARIOS) {
      const extensionId = s.level === 'account' ? null : dataset.userIds[1];
      const path = listPath(dataset, s.view, { extensionId, page: 1 }, s.perPage);
      examples[exampleKey(s)] = await samplePage(server.url, headers, path, s.perPage);
    }
    const idle = readMemory(server.pid);
    for (const [i, s] of LIST_SCENARIOS.entries()) {
      process.stderr.write(`list: ringlog ${s.name} (${o.warmupSeconds} s warm-up + ${o.seconds} s)...\n`);
      const measured = await measuredLoad(server, headers, scenarioPaths(dataset, s, i), o);
      figures.push({
        scenario: s,
        ringlog: measured.load,
        peakRssKiB: measured.peakRssKiB,
        peakAnonKiB: measured.peakAnonKiB,
      });
    }
    return { figures, examples, idle, end: readMemory(server.pid) };
  } finally {
    await server.stop();
  }
}

/** Loads `server` with each scenario's paths, the example picked by `headersOf`. */
async function loadBaseline(
  name: string,
  server: RunningServer,
  dataset: Dataset,
  headersOf: (s: ListScenario) => Record<string, string>,
  o: LoadSettings,
) {
  const figures = new Map<string, LoadFigures>();
  let peakRssKiB = 0;
  for (const [i, s] of LIST_SCENARIOS.entries()) {
    process.stderr.write(`list: ${name} ${s.name} (${o.warmupSeconds} s warm-up + ${o.seconds} s)...\n`);
    const measured = await measuredLoad(server, headersOf(s), scenarioPaths(dataset, s, i), o);
    figures.set(s.name, measured.load);
    peakRssKiB = Math.max(peakRssKiB, measured.peakRssKiB);
  }
  return { figures, peakRssKiB };
}

/** The Prism mock serving ringlog's first pages (picked by the Prefer header) under the same load and paths. */
async function loadPrism(dataset: Dataset, examples: Record<string, CapturedResponse>, o: LoadSettings) {
  const document = join(OUT_DIR, 'prism-call-log.yaml');
  writeMockDocument(document, Object.fromEntries(Object.entries(examples).map(([key, c]) => [key, c.body])));
  const prism = await startPrism(ensurePrism(OUT_DIR), document);
  try {
    return await loadBaseline('Prism mock', prism, dataset, (s) => ({ prefer: `example=${exampleKey(s)}` }), o);
  } finally {
    await prism.stop();
  }
}

/** Fastify sending ringlog's first pages from memory, with ringlog's headers, under the same load and paths. */
async function loadFastify(dataset: Dataset, examples: Record<string, CapturedResponse>, o: LoadSettings) {
  const file = join(OUT_DIR, 'fastify-examples.json');
  writeFileSync(file, JSON.stringify(examples));
  const server = await startChild(['--import', 'tsx', FASTIFY_SERVER, file], (line) =>
    /^http:\/\/\S+$/.test(line.trim()) ? line.trim() : null,
  );
  try {
    return await loadBaseline('Fastify from memory', server, dataset, (s) => ({ 'x-bench-example': exampleKey(s) }), o);
  } finally {
    await server.stop();
  }
}

export async function runListBenchmark(db: string, seconds: number, connections = 10): Promise<ListFigures> {
  const o: LoadSettings = { connections, seconds, warmupSeconds: Math.min(2, Math.ceil(seconds / 5)) };
  const settings = await storeSettings();
  const postgres = isPostgres(db);
  const { records, ...dataset } = postgres
    ? await readPgDataset(db)
    : { ...readDataset(db), records: countRecords(db) };
  process.stderr.write('list: warming the page cache with every page the scenarios may read...\n');
  if (postgres) await warmPgPages(db, dataset, Math.max(...LIST_SCENARIOS.map((s) => s.perPage)), MAX_PAGE);
  else warmPageCache(db, dataset, settings);

  const ringlog = await loadRinglog(db, dataset, o);
  const fastify = await loadFastify(dataset, ringlog.examples, o);
  const prism = await loadPrism(dataset, ringlog.examples, o);
  const scenarios: ScenarioFigures[] = [];
  for (const [i, l] of ringlog.figures.entries()) {
    process.stderr.write(`list: raw ${postgres ? 'pg' : 'better-sqlite3'} ${l.scenario.name} (${seconds} s)...\n`);
    const pick = pagePicker(dataset, l.scenario.level, i + 1);
    scenarios.push({
      ...l,
      raw: postgres
        ? await rawPgLoop(db, dataset, l.scenario, pick, seconds, connections)
        : rawListLoop(db, settings, dataset, l.scenario, pick, seconds),
      prism: prism.figures.get(l.scenario.name)!,
      fastify: fastify.figures.get(l.scenario.name)!,
    });
  }
  return {
    backend: postgres ? 'postgres' : 'sqlite',
    records,
    dataset,
    settings,
    ...o,
    scenarios,
    serverIdle: ringlog.idle,
    serverEnd: ringlog.end,
    prismPeakRssKiB: prism.peakRssKiB,
  };
}
