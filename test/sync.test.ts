// End-to-end tests of `ringlog sync`: two real ringlog servers, an upstream with generated data and one over the
// archive. The archive must answer every log's list (Detailed, deleted records included) exactly as the upstream
// does — after a full sync on each backend, after upstream changes, through 5xx/429/expired tokens, under a short
// Heavy window without a single 429, and after the command is killed with SIGKILL and started again.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fromWire, type CallLogRecord } from '../src/domain/index.ts';
import { createDiskBlobStore, openStore, type Store } from '../src/store/index.ts';
import { runSync, verify, type SyncOptions, type SyncSummary } from '../src/sync/index.ts';
import { extensionIds, readWholeLog, serveArchive } from './support/archive-server.ts';
import { backends, createTestDatabase, type BackendName, type TestDatabase } from './support/backends.ts';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { ringlogArgs } from './support/ringlog-cli.ts';
import { jwtAccessToken } from './support/oauth.ts';

const DAY = 86_400_000;
const SMALL = { extensions: 4, days: 4, callsPerDay: 40 };
/** Reaches back over the generated history whatever today's date. */
const LOOKBACK_DAYS = Math.ceil((Date.now() - TEST_END_TIME) / DAY) + SMALL.days + 2;

const upstreamOf = (server: TestServer) => ({
  url: server.url,
  clientId: server.credentials.clientId,
  clientSecret: server.credentials.clientSecret,
  jwt: server.credentials.admin.jwt,
});

interface Archive {
  database: TestDatabase;
  store: Store;
  blobDir: string;
  close(): Promise<void>;
}

async function openArchive(backend: BackendName = 'sqlite'): Promise<Archive> {
  const database = await createTestDatabase(backend);
  const store = await openStore(database.location);
  return {
    database,
    store,
    blobDir: join(database.dir, 'archive-blobs'),
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

function sync(upstream: TestServer, archive: Archive, options: Partial<SyncOptions> = {}): Promise<SyncSummary> {
  return runSync({
    store: archive.store,
    upstream: upstreamOf(upstream),
    blobs: createDiskBlobStore(archive.blobDir),
    lookbackDays: LOOKBACK_DAYS,
    ...options,
  });
}

/**
 * The archive, served by ringlog with the logins `ringlog credentials` issues for it, lists the same extensions
 * as the upstream and answers every log with the same records. The upstream side is read through a second,
 * plain server over the upstream's store, so its faults and rate limits do not get in the way of the reading.
 * Returns the number of records compared.
 */
async function assertSameAnswers(upstream: TestServer, archive: Archive): Promise<number> {
  const plainUpstream = await serveArchive(upstream.store, join(upstream.database.dir, 'blobs'));
  const server = await serveArchive(archive.store, archive.blobDir);
  try {
    assert.equal(server.credentials.accountId, upstream.credentials.accountId);
    const upToken = await jwtAccessToken(plainUpstream, plainUpstream.credentials.admin.jwt);
    const localToken = await jwtAccessToken(server, server.credentials.admin.jwt);
    const ids = await extensionIds(plainUpstream.url, upToken);
    assert.deepEqual(await extensionIds(server.url, localToken), ids);
    let compared = 0;
    for (const extensionId of [null, ...ids]) {
      const expected = await readWholeLog(plainUpstream.url, upToken, extensionId);
      const actual = await readWholeLog(server.url, localToken, extensionId);
      assert.deepEqual(actual, expected, `log ${extensionId ?? 'company'}`);
      const recordIds = actual.map((r) => (r as { id: string }).id);
      assert.equal(new Set(recordIds).size, recordIds.length, 'no duplicates');
      compared += actual.length;
    }
    assert.ok(compared > 100, `a real comparison (${compared} records)`);
    return compared;
  } finally {
    await server.close();
    await plainUpstream.close();
  }
}

async function upstreamRecords(server: TestServer, extensionId: string | null): Promise<CallLogRecord[]> {
  const page = await server.store.listRecords({
    accountId: server.credentials.accountId,
    extensionId,
    view: 'Detailed',
    dateFrom: 0,
    dateTo: Date.now() + DAY,
    showBlocked: true,
    showDeleted: true,
    page: 1,
    perPage: 1000,
  });
  return page.records.map(({ json }) => fromWire(JSON.parse(json)));
}

const BACKENDS = await backends();

describe('ringlog sync', () => {
  for (const backend of BACKENDS) {
    test(`a full sync into ${backend} answers every log like the upstream, and a second run changes nothing`, async () => {
      const upstream = await startTestServer({ seed: SMALL });
      const archive = await openArchive(backend);
      try {
        const first = await sync(upstream, archive);
        assert.equal(first.rateLimited, 0);
        assert.equal(first.logins, 1);
        assert.equal(first.rejected, 0);
        const compared = await assertSameAnswers(upstream, archive);
        const second = await sync(upstream, archive);
        assert.equal(second.logins, 0, 'the stored upstream session is reused');
        assert.equal(await assertSameAnswers(upstream, archive), compared);
      } finally {
        await archive.close();
        await upstream.close();
      }
    });
  }

  test('--recordings copies the audio: the archive serves the same bytes', async () => {
    const upstream = await startTestServer({ seed: { extensions: 3, days: 2, callsPerDay: 30 } });
    const archive = await openArchive();
    try {
      const summary = await sync(upstream, archive, { recordings: true });
      assert.ok(summary.recordings.copied > 0);
      const again = await sync(upstream, archive, { recordings: true });
      assert.equal(again.recordings.copied, 0, 'stored recordings are not fetched again');

      const recorded = (await upstreamRecords(upstream, null)).filter((r) => r.recording).slice(0, 3);
      const server = await serveArchive(archive.store, archive.blobDir);
      try {
        const upToken = await jwtAccessToken(upstream, upstream.credentials.admin.jwt);
        const localToken = await jwtAccessToken(server, server.credentials.admin.jwt);
        for (const r of recorded) {
          const path = `/restapi/v1.0/account/~/recording/${r.recording!.id}`;
          const get = async (base: string, token: string, suffix = '') => {
            const response = await fetch(`${base}${path}${suffix}`, { headers: { Authorization: `Bearer ${token}` } });
            assert.equal(response.status, 200);
            return suffix
              ? Buffer.from(await response.arrayBuffer())
              : ((await response.json()) as Record<string, unknown>);
          };
          const [upMeta, localMeta] = [await get(upstream.url, upToken), await get(server.url, localToken)] as Record<
            string,
            unknown
          >[];
          assert.deepEqual(
            [localMeta.id, localMeta.contentType, localMeta.duration],
            [upMeta.id, upMeta.contentType, upMeta.duration],
          );
          assert.deepEqual(await get(server.url, localToken, '/content'), await get(upstream.url, upToken, '/content'));
        }
      } finally {
        await server.close();
      }
    } finally {
      await archive.close();
      await upstream.close();
    }
  });

  test('incremental: a late recording, a deletion and new calls are picked up; verify shows them before', async () => {
    const upstream = await startTestServer({ seed: SMALL });
    const archive = await openArchive();
    try {
      await sync(upstream, archive);
      const now = Date.now();
      const company = await upstreamRecords(upstream, null);
      const extensionId = (await upstream.store.listExtensions(upstream.credentials.accountId))[0].id;
      const own = await upstreamRecords(upstream, extensionId);
      const late = company.find((r) => !r.recording && !r.deleted)!;
      const gone = own.find((r) => !r.deleted)!;
      const changes: CallLogRecord[] = [
        { ...late, recording: { id: '990000001', type: 'Automatic' }, lastModifiedTime: now },
        { ...gone, deleted: true, lastModifiedTime: now },
        { ...company[0], id: 'newcall-company', startTime: now - 1000, lastModifiedTime: now },
        { ...own[0], id: 'newcall-extension', startTime: now - 1000, lastModifiedTime: now, deleted: false },
      ];
      await upstream.store.upsertRecords(changes);

      const range = { dateFrom: TEST_END_TIME - 10 * DAY, dateTo: Date.now() + 1000 };
      const before = await verify({ store: archive.store, upstream: upstreamOf(upstream), ...range });
      const missing = before.differences.flatMap((d) => d.missing).sort();
      const stale = before.differences.flatMap((d) => d.stale).sort();
      assert.deepEqual(missing, ['newcall-company', 'newcall-extension']);
      assert.deepEqual(stale, [gone.id, late.id].sort());

      await sync(upstream, archive);
      await assertSameAnswers(upstream, archive);
      const after = await verify({ store: archive.store, upstream: upstreamOf(upstream), ...range });
      assert.deepEqual(after.differences, []);
      assert.equal(after.upstreamRecords, after.localRecords);
    } finally {
      await archive.close();
      await upstream.close();
    }
  });

  test('through 5xx answers, 429s and access tokens that expire early, the archive still ends identical', async () => {
    const upstream = await startTestServer({
      seed: SMALL,
      faults: { rate5xx: 0.15, rate429: 0.1, tokenExpiryRate: 0.15, seed: 5 },
    });
    const archive = await openArchive();
    try {
      const summary = await sync(upstream, archive, { perPage: 40 });
      assert.ok(summary.serverErrors > 0, 'saw 5xx');
      assert.ok(summary.rateLimited > 0, 'saw 429');
      assert.ok(summary.unauthorized > 0, 'saw expired tokens');
      await assertSameAnswers(upstream, archive);
    } finally {
      await archive.close();
      await upstream.close();
    }
  });

  test('short-lived tokens are refreshed before they expire, and the rotated refresh token serves the next run', async () => {
    const upstream = await startTestServer({
      seed: SMALL,
      tokens: { accessTtl: 2, minAccessTtl: 1 },
      faults: { latencyMs: 200 },
    });
    const archive = await openArchive();
    try {
      const first = await sync(upstream, archive, { perPage: 15 });
      assert.ok(first.refreshes > 0, `refreshed (${first.refreshes})`);
      assert.equal(first.unauthorized, 0, 'refreshed ahead of expiry, not after a 401');
      const second = await sync(upstream, archive, { perPage: 15 });
      assert.equal(second.logins, 0, 'no new JWT login: the kept refresh token still worked');
      await assertSameAnswers(upstream, archive);
    } finally {
      await archive.close();
      await upstream.close();
    }
  });

  test('under a Heavy limit of 10 requests per 3 s the sync paces itself: no 429 at all', async () => {
    const upstream = await startTestServer({
      seed: SMALL,
      rateLimits: { Heavy: { requests: 10, windowSec: 3, penaltySec: 3 } },
    });
    const archive = await openArchive();
    try {
      const summary = await sync(upstream, archive, { perPage: 15 });
      assert.ok(summary.requests > 20, `enough requests to need pacing (${summary.requests})`);
      assert.equal(summary.rateLimited, 0);
      const again = await sync(upstream, archive, { perPage: 15 });
      assert.equal(again.rateLimited, 0, 'the next run starts from the windows the last one left');
      await assertSameAnswers(upstream, archive);
    } finally {
      await archive.close();
      await upstream.close();
    }
  });

  test('killed with SIGKILL mid-run and started again, the command ends with exactly the upstream set, no 429', async () => {
    // Tight enough that a killed run is almost always at its limit: a restart that did not wait would get a 429.
    const heavy = { requests: 5, windowSec: 3, penaltySec: 3 };
    const upstream = await startTestServer({ seed: SMALL, faults: { latencyMs: 40 }, rateLimits: { Heavy: heavy } });
    const archive = await openArchive();
    const u = upstreamOf(upstream);
    const args = [
      'sync',
      '--db',
      archive.database.location,
      '--from',
      u.url,
      '--client-id',
      u.clientId,
      '--client-secret',
      u.clientSecret,
      '--jwt',
      u.jwt,
      '--per-page',
      '30',
      '--lookback',
      String(LOOKBACK_DAYS),
    ];
    try {
      let stored = 0;
      for (const atLeast of [1, 100]) {
        const child = spawn(process.execPath, ringlogArgs([...args]), { stdio: 'ignore', env: cleanEnv() });
        stored = await waitForRecords(archive.store, child, stored + atLeast);
        // Let the burst finish: the child is then waiting on a full window, the worst moment to restart.
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.equal(child.exitCode, null, 'still running when killed');
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      const finish = await ringlog([...args, '--json']);
      assert.equal(finish.status, 0, finish.stderr);
      assert.equal(
        (JSON.parse(finish.stdout) as { rateLimited: number }).rateLimited,
        0,
        'after a kill the restart waits out the window',
      );
      await assertSameAnswers(upstream, archive);
      const dateFrom = new Date(TEST_END_TIME - 10 * DAY).toISOString().slice(0, 10);
      const check = await ringlog([...args, '--verify', '--json', '--date-from', dateFrom]);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.deepEqual((JSON.parse(check.stdout) as { differences: unknown[] }).differences, []);
    } finally {
      await archive.close();
      await upstream.close();
    }
  });
});

/** Runs the built command in a child process (never spawnSync: the upstream server runs in this process). */
async function ringlog(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ringlogArgs([...args]), { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr };
}

/** The environment without RINGLOG_* settings that could change what the command does. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('RINGLOG_')));
}

/** Resolves with the record count once the archive holds at least `count` records (the child writes them). */
async function waitForRecords(store: Store, child: ChildProcess, count: number): Promise<number> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    if (child.exitCode !== null) throw new Error(`sync exited (${child.exitCode}) before it was killed`);
    const n = await store.countRecords();
    if (n >= count) return n;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${count} records within a minute`);
}
