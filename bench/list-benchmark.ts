// List benchmark: ringlog serving 100-record pages (in a child process, under autocannon load) against a raw
// better-sqlite3 read of the same pages, and against a Prism mock serving a static real page; plus the
// server's memory under that load.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OUT_DIR } from './bench-dataset.ts';
import { runLoad, type LoadFigures } from './http-load.ts';
import {
  LIST_SCENARIOS,
  PER_PAGE,
  listPath,
  pagePicker,
  readDataset,
  type Dataset,
  type ListScenario,
  type View,
} from './list-scenarios.ts';
import { ensurePrism, startPrism, writeMockDocument } from './prism-mock.ts';
import { readMemory, watchMemory, type Memory } from './process-memory.ts';
import { rawListLoop, warmPageCache, type RawListFigures } from './raw-list.ts';
import { adminToken, ringlogCredentials, startRinglogServer, type RunningServer } from './ringlog-cli.ts';
import { storeSettings, type StoreSettings } from './store-settings.ts';

export interface ScenarioFigures {
  scenario: ListScenario;
  ringlog: LoadFigures;
  /** Highest server VmRSS and RssAnon sampled during this scenario's load. */
  peakRssKiB: number;
  peakAnonKiB: number;
  raw: RawListFigures;
}

export interface PrismFigures {
  view: View;
  load: LoadFigures;
  peakRssKiB: number;
}

export interface ListFigures {
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
  prism: PrismFigures[];
}

function countRecords(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM call_log').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Checks a scenario answers 200 with records, and returns the body of its first page. */
async function samplePage(url: string, headers: Record<string, string>, path: string): Promise<string> {
  const res = await fetch(url + path, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  const records = (JSON.parse(body) as { records: unknown[] }).records.length;
  if (records === 0) throw new Error(`GET ${path}: no records`);
  if (records < PER_PAGE) process.stderr.write(`list: only ${records} records on GET ${path}\n`);
  return body;
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

/** The list scenarios against `ringlog serve`; also returns real first pages (extension level) for the mock. */
async function loadRinglog(db: string, dataset: Dataset, o: LoadSettings) {
  const credentials = await ringlogCredentials(db);
  const server = await startRinglogServer(db);
  const figures: Omit<ScenarioFigures, 'raw'>[] = [];
  const examples = {} as Record<View, string>;
  try {
    const headers = { authorization: `Bearer ${await adminToken(server.url, credentials)}` };
    for (const s of LIST_SCENARIOS) {
      const extensionId = s.level === 'account' ? null : dataset.userIds[1];
      const body = await samplePage(server.url, headers, listPath(dataset, s.view, { extensionId, page: 1 }));
      if (s.level === 'extension') examples[s.view] = body;
    }
    const idle = readMemory(server.pid);
    for (const [i, s] of LIST_SCENARIOS.entries()) {
      process.stderr.write(`list: ringlog ${s.name} (${o.warmupSeconds} s warm-up + ${o.seconds} s)...\n`);
      const pick = pagePicker(dataset, s.level, i + 1);
      const measured = await measuredLoad(server, headers, () => listPath(dataset, s.view, pick()), o);
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

/** The Prism mock serving `examples` (by the Prefer header), loaded like ringlog's extension-level scenarios. */
async function loadPrism(dataset: Dataset, examples: Record<View, string>, o: LoadSettings): Promise<PrismFigures[]> {
  const document = join(OUT_DIR, 'prism-call-log.yaml');
  writeMockDocument(document, examples);
  const prism = await startPrism(ensurePrism(OUT_DIR), document);
  const figures: PrismFigures[] = [];
  try {
    for (const view of ['Simple', 'Detailed'] as const) {
      process.stderr.write(`list: Prism mock, ${view} example (${o.warmupSeconds} s warm-up + ${o.seconds} s)...\n`);
      const headers = { prefer: `example=${view}` };
      const pick = pagePicker(dataset, 'extension', 1);
      const nextPath = () => listPath(dataset, view, pick());
      await samplePage(prism.url, headers, nextPath());
      const measured = await measuredLoad(prism, headers, nextPath, o);
      figures.push({ view, load: measured.load, peakRssKiB: measured.peakRssKiB });
    }
    return figures;
  } finally {
    await prism.stop();
  }
}

export async function runListBenchmark(db: string, seconds: number, connections = 10): Promise<ListFigures> {
  const o: LoadSettings = { connections, seconds, warmupSeconds: Math.min(2, Math.ceil(seconds / 5)) };
  const settings = await storeSettings();
  const dataset = readDataset(db);
  const records = countRecords(db);
  process.stderr.write('list: warming the page cache with every page the scenarios may read...\n');
  warmPageCache(db, dataset, settings);

  const ringlog = await loadRinglog(db, dataset, o);
  const scenarios: ScenarioFigures[] = ringlog.figures.map((l, i) => {
    process.stderr.write(`list: raw better-sqlite3 ${l.scenario.name} (${seconds} s)...\n`);
    const pick = pagePicker(dataset, l.scenario.level, i + 1);
    return { ...l, raw: rawListLoop(db, settings, dataset, l.scenario, pick, seconds) };
  });
  const prism = await loadPrism(dataset, ringlog.examples, o);
  return { records, dataset, settings, ...o, scenarios, serverIdle: ringlog.idle, serverEnd: ringlog.end, prism };
}
