// How long pruning a backlog of the event log takes, and how long each of its statements (its transaction, what
// holds SQLite's write lock or PostgreSQL's row locks) lasts: appends `--events` events two hours old to a fresh
// store, then runs the housekeeping's prune loop over them, timing each statement. Not a test.
//
//   node --import tsx bench/event-log-prune.ts [--db sqlite|postgres] [--events 200000] [--rounds 3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { EVENT_RETENTION_MS } from '../src/events/index.ts';
import { openStore, subscriptionsStore, type NewEvent } from '../src/store/index.ts';
import { housekeep } from '../src/events/housekeeping.ts';
import { describeRun, runInfoLine } from './machine-info.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
  },
});
const PG_ADMIN = process.env.RINGLOG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const count = Number(values.events);
const body = JSON.stringify({ sequence: 1, telephonySessionId: 's-1', parties: [{ extensionId: '101' }] });

async function location(round: number): Promise<{ url: string; drop: () => Promise<void> }> {
  if (values.db === 'postgres') {
    const name = `ringlog_bench_prune_${process.pid}_${round}`;
    const admin = new pg.Client(PG_ADMIN);
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return {
      url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`),
      drop: async () => {
        const c = new pg.Client(PG_ADMIN);
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-prune-'));
  return { url: join(dir, 'prune.db'), drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
}

process.stdout.write(`${runInfoLine(describeRun())}\n`);
for (let round = 1; round <= Number(values.rounds); round++) {
  const db = await location(round);
  const store = await openStore(db.url);
  try {
    const now = Date.now();
    for (let i = 0; i < count; i += 5000) {
      const batch: NewEvent[] = Array.from({ length: Math.min(5000, count - i) }, () => ({
        accountId: '1',
        topic: 'telephony-session',
        sessionId: 's-1',
        extensionIds: ['101'],
        createdAt: now - 2 * EVENT_RETENTION_MS,
        body,
      }));
      await store.eventLog.append(batch);
    }
    const statements: number[] = [];
    const prune = store.eventLog.prune.bind(store.eventLog);
    store.eventLog.prune = async (...args) => {
      const start = performance.now();
      const n = await prune(...args);
      statements.push(performance.now() - start);
      return n;
    };
    const start = performance.now();
    const result = await housekeep(subscriptionsStore(store), now, 180_000);
    const total = performance.now() - start;
    statements.sort((a, b) => a - b);
    const at = (q: number) => statements[Math.min(statements.length - 1, Math.floor(q * statements.length))];
    process.stdout.write(
      `${values.db} round ${round}: pruned ${result.prunedEvents} in ${(total / 1000).toFixed(2)} s ` +
        `(${Math.round(result.prunedEvents / (total / 1000))} events/s), ${statements.length} statements: ` +
        `median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms\n`,
    );
  } finally {
    await store.close();
    await db.drop();
  }
}
