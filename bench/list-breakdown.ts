// Where a list request's time goes, stage by stage, timed in one process on the benchmark's database: the token
// check, the query on the main connection, the page written as JSON bytes there and on a reader thread (their
// difference is the thread hop), the page assembly from rows (envelope and one buffer), and the whole request
// through Fastify's inject (routing, rate-limit headers, reply; no socket). One request at a time, medians of many;
// `node --import tsx bench/list-breakdown.ts [DB]`.

import { parseArgs } from 'node:util';
import { TokenService } from '../src/auth/index.ts';
import { createApp, type ApiContext } from '../src/api/index.ts';
import { listEnvelope } from '../src/api/call-log.ts';
import { recordsJsonBuffer } from '../src/api/http-helpers.ts';
import { parseCallLogQuery, type RawQuery } from '../src/domain/index.ts';
import { createDiskBlobStore, openStore, type Store } from '../src/store/index.ts';
import { ringlogCredentials } from './ringlog-cli.ts';
import { listPath, pagePicker, readDataset, type Level, type View } from './list-scenarios.ts';

export interface Stage {
  name: string;
  medianUs: number;
  p90Us: number;
}

async function timed(name: string, runs: number, step: (i: number) => unknown): Promise<Stage> {
  for (let i = 0; i < Math.min(50, runs); i++) await step(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await step(i);
    times.push((performance.now() - started) * 1000);
  }
  times.sort((a, b) => a - b);
  return { name, medianUs: times[Math.floor(runs / 2)], p90Us: times[Math.floor(runs * 0.9)] };
}

/** The stages of one scenario (level, view, perPage), each over `runs` requests drawn like the load's. */
export async function listBreakdown(db: string, level: Level, view: View, perPage: number, runs: number) {
  const credentials = await ringlogCredentials(db);
  const dataset = readDataset(db);
  const threaded = await openStore(db, { readers: 2 });
  const plain: Store = await openStore(db);
  const ctx: ApiContext = {
    store: threaded,
    tokens: new TokenService(threaded),
    blobs: createDiskBlobStore(`${db}.blobs`),
    http: {},
    rateLimits: {},
    now: Date.now,
  };
  const app = await createApp(ctx);
  try {
    const tokenAnswer = await app.inject({
      method: 'POST',
      url: '/restapi/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      },
      payload: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: credentials.admin.jwt },
    });
    const token = tokenAnswer.json<{ access_token: string }>().access_token;
    const authorization = `Bearer ${token}`;
    const pick = pagePicker(dataset, level, 1);
    const paths = Array.from({ length: runs }, () => listPath(dataset, view, pick(), perPage));
    const raws = paths.map((p) => Object.fromEntries(new URLSearchParams(p.split('?')[1])) as RawQuery);
    const queries = paths.map((p, i) => {
      const extensionId = level === 'account' ? null : /extension\/(\d+)/.exec(p)![1];
      return parseCallLogQuery(raws[i], { accountId: dataset.accountId, extensionId }, Date.now());
    });
    const pages = await Promise.all(queries.map((q) => plain.listRecords(q)));
    const base = 'http://127.0.0.1:8080';
    const envelopes = queries.map((q, i) => listEnvelope(base, '/restapi/v1.0/account/1/call-log', raws[i], q));
    const frames = envelopes.map(({ head, tailRoom }) => ({ head, base, tailRoom }));
    const stages = [
      await timed('token check (tokens.authenticate: one indexed read on the main connection)', runs, () =>
        ctx.tokens.authenticate(authorization, undefined),
      ),
      await timed('list query on the main connection', runs, (i) => plain.listRecords(queries[i])),
      await timed('list page as JSON bytes on the main connection (query + page written)', runs, (i) =>
        plain.listRecordsJson(queries[i], frames[i]),
      ),
      await timed('list page as JSON bytes on a reader thread (query + page written + buffer handed over)', runs, (i) =>
        threaded.listRecordsJson(queries[i], frames[i]),
      ),
      await timed('page assembly from rows (envelope + one buffer)', runs, (i) => {
        const { head, tail } = envelopes[i];
        const page = pages[i];
        return recordsJsonBuffer(
          head,
          page.records.map((r) => r.json),
          tail(page.records.length, page.hasMore),
          base,
        );
      }),
      await timed('whole request through Fastify inject (no socket)', runs, (i) =>
        app.inject({ method: 'GET', url: paths[i], headers: { authorization } }),
      ),
    ];
    return stages;
  } finally {
    await app.close();
    await threaded.close();
    await plain.close();
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '400' }, 'per-page': { type: 'string', default: '100' } },
  });
  const db = positionals[0] ?? '.bench-data/seed-1m.db';
  for (const level of ['account', 'extension'] as const) {
    for (const view of ['Simple', 'Detailed'] as const) {
      const stages = await listBreakdown(db, level, view, Number(values['per-page']), Number(values.runs));
      process.stdout.write(`\n${level}, ${view}, perPage ${values['per-page']}:\n`);
      for (const s of stages) {
        process.stdout.write(`  ${s.medianUs.toFixed(0).padStart(6)} µs (p90 ${s.p90Us.toFixed(0)})  ${s.name}\n`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
