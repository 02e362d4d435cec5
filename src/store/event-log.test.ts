// Tests for the durable event log on SQLite and PostgreSQL: ids in commit order, filters, a rolled-back
// transaction leaves no event, commits are heard by listeners, concurrent appends on PostgreSQL become visible in
// id order, pruning.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent, Store } from './index.ts';
import { backends, suiteStore } from '../../test/support/backends.ts';
import type { KyselyStore } from './kysely-store.ts';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function event(accountId: string, n: number, topic: NewEvent['topic'] = 'telephony-session'): NewEvent {
  return {
    accountId,
    topic,
    sessionId: `s-${n}`,
    extensionIds: [`ext${n}`],
    createdAt: T0 + n,
    body: JSON.stringify({ sequence: n }),
  };
}

for (const backend of await backends())
  describe(`event log (${backend})`, () => {
    let store: Store;
    suiteStore(backend, (opened) => {
      store = opened;
    });

    test('appends return increasing ids and read back in order, with filters', async () => {
      const start = await store.eventLog.lastId();
      const ids = await store.eventLog.append([event('A1', 1), event('A2', 2), event('A1', 3, 'call-log-record')]);
      assert.equal(ids.length, 3);
      assert.ok(ids[0] > start && ids[1] > ids[0] && ids[2] > ids[1]);
      const all = await store.eventLog.readAfter(start, 10);
      assert.deepEqual(
        all.map((e) => [e.accountId, e.topic, e.sessionId, e.extensionIds, e.createdAt, JSON.parse(e.body) as unknown]),
        [
          ['A1', 'telephony-session', 's-1', ['ext1'], T0 + 1, { sequence: 1 }],
          ['A2', 'telephony-session', 's-2', ['ext2'], T0 + 2, { sequence: 2 }],
          ['A1', 'call-log-record', 's-3', ['ext3'], T0 + 3, { sequence: 3 }],
        ],
      );
      assert.deepEqual(
        (await store.eventLog.readAfter(start, 10, { accountId: 'A1' })).map((e) => e.id),
        [ids[0], ids[2]],
      );
      assert.deepEqual(
        (await store.eventLog.readAfter(start, 10, { topic: 'call-log-record' })).map((e) => e.id),
        [ids[2]],
      );
      assert.deepEqual(
        (await store.eventLog.readAfter(ids[0], 1)).map((e) => e.id),
        [ids[1]],
      );
      assert.equal(await store.eventLog.lastId(), ids[2]);
    });

    test('an event appended in a transaction that rolls back is not in the log', async () => {
      const db = (store as KyselyStore).db;
      const start = await store.eventLog.lastId();
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await store.eventLog.append([event('B1', 10)], trx);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual(await store.eventLog.readAfter(start, 10), []);
    });

    test('listeners hear of appended events once they have committed, until removed', async () => {
      const seen: Promise<number>[] = [];
      // Reads on another connection where there is one (PostgreSQL's pool): it sees the event only after the commit.
      const off = store.eventLog.onCommitted(() => seen.push(store.eventLog.lastId()));
      const [id] = await store.eventLog.append([event('A1', 30)]);
      assert.equal(seen.length, 1);
      assert.ok((await seen[0]) >= id, 'the event is visible when the listener runs');
      off();
      await store.eventLog.append([event('A1', 31)]);
      assert.equal(seen.length, 1);
    });

    test('a reader paging by id sees every event of concurrent appends, in id order', async () => {
      const start = await store.eventLog.lastId();
      const seen: number[] = [];
      let cursor = start;
      const writers = Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) await store.eventLog.append([event('C1', w * 100 + i)]);
        })(),
      );
      const reading = (async () => {
        while (seen.length < 80) {
          const page = await store.eventLog.readAfter(cursor, 7, { accountId: 'C1' });
          for (const e of page) {
            assert.ok(e.id > cursor);
            seen.push(e.id);
            cursor = e.id;
          }
          if (page.length === 0) await new Promise((r) => setImmediate(r));
        }
      })();
      await Promise.all([...writers, reading]);
      assert.equal(new Set(seen).size, 80);
    });

    test('two servers pruning at once remove each event once', async () => {
      const ids = await store.eventLog.append(
        Array.from({ length: 50 }, (_, i) => ({ ...event('E1', i), createdAt: T0 - 60_000 })),
      );
      const pruneAll = async () => {
        let removed = 0;
        for (let chunk = 1; chunk > 0; removed += chunk) chunk = await store.eventLog.prune(T0, ids[49] + 1, 7);
        return removed;
      };
      const [a, b] = await Promise.all([pruneAll(), pruneAll()]);
      assert.ok(a + b >= 50);
      assert.deepEqual(await store.eventLog.readAfter(ids[0] - 1, 100, { accountId: 'E1' }), []);
    });

    test('prune removes old events below its bound only', async () => {
      const start = await store.eventLog.lastId();
      const [, owed] = await store.eventLog.append([
        { ...event('D1', 1), createdAt: T0 - 30_000 },
        { ...event('D1', 2), createdAt: T0 - 20_000 },
        { ...event('D1', 3), createdAt: T0 + 10_000 },
      ]);
      let removed = 0;
      for (let chunk = 1; chunk > 0; removed += chunk) chunk = await store.eventLog.prune(T0, owed, 1);
      assert.ok(removed >= 1, 'in chunks of one');
      assert.deepEqual(
        (await store.eventLog.readAfter(start, 10, { accountId: 'D1' })).map((e) => e.createdAt),
        [T0 - 20_000, T0 + 10_000],
        'the event at the bound and the newer one stay',
      );
    });
  });
