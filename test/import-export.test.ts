// Import and export end to end on every backend: an export imported into an empty database answers the API as the
// original (NDJSON fully, CSV in the Simple view), idempotently and monotonically; then the `ringlog` commands.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listen, type ApiContext } from '../src/api/index.ts';
import { ensureCredentials, RINGCENTRAL_TOKEN_CONFIG, TokenService } from '../src/auth/index.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { createDiskBlobStore, openStore, type Store } from '../src/store/index.ts';
import {
  exportCallLog,
  importCallLog,
  openOutput,
  type ExportFormat,
  type ImportSummary,
} from '../src/transfer/index.ts';
import { backends, createTestDatabase, type BackendName, type TestDatabase } from './support/backends.ts';
import { historyWindow } from './support/call-log-envelope.ts';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { ringlogArgs, ringlogShell } from './support/ringlog-cli.ts';

const WINDOW = historyWindow(TEST_END_TIME);

/** A server the test can read the API of: its URL and an admin access token. */
interface ApiServer {
  url: string;
  token: string;
}

/** The API's answer as text, with the server's own URL replaced so two servers compare. */
async function answer(
  server: ApiServer,
  path: string,
  query: Record<string, string> = {},
  accept?: string,
): Promise<string> {
  const url = `${server.url}/restapi/v1.0${path}?${new URLSearchParams(query)}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${server.token}` };
  if (accept) headers.Accept = accept;
  const response = await fetch(url, { headers });
  const text = await response.text();
  return `${response.status} ${text.replaceAll(server.url, 'BASE')}`;
}

/** A database holding only the source's directory (account and extensions), and a server over it. */
async function emptyCopy(backend: BackendName, source: TestServer) {
  const database = await createTestDatabase(backend);
  const store = await openStore(database.location);
  const account = (await source.store.getAccount(source.credentials.accountId))!;
  await store.putAccount(account);
  await store.putExtensions(await source.store.listExtensions(account.id));
  const tokens = new TokenService(store, RINGCENTRAL_TOKEN_CONFIG);
  const credentials = await ensureCredentials(store, tokens);
  const ctx: ApiContext = {
    store,
    tokens,
    blobs: createDiskBlobStore(join(database.dir, 'blobs')),
    http: {},
    rateLimits: {},
    now: Date.now,
  };
  const { app, url } = await listen(ctx, '127.0.0.1', 0);
  const api: ApiServer = { url, token: await jwtAccessToken({ url, credentials }, credentials.admin.jwt) };
  return {
    database,
    store,
    api,
    async close() {
      await app.close();
      await store.close();
      await database.drop();
    },
  };
}

async function exportTo(
  store: Store,
  file: string,
  format: ExportFormat,
  accountId: string,
  base: string,
): Promise<number> {
  const out = openOutput(file);
  const { records } = await exportCallLog(store, out, {
    format,
    baseUrl: base,
    filters: [{ accountId, dateFrom: 0, dateTo: 8.64e15, view: 'Detailed' }],
  });
  await out.close();
  return records;
}

async function importFile(store: Store, file: string, format: ExportFormat = 'ndjson') {
  const rejected: number[] = [];
  const summary: ImportSummary = await importCallLog(store, createReadStream(file), {
    format,
    onReject: (line) => rejected.push(line),
  });
  return { summary, rejected };
}

for (const backend of await backends()) {
  describe(`import and export (${backend})`, () => {
    let source: TestServer;
    let sourceApi: ApiServer;
    let target: Awaited<ReturnType<typeof emptyCopy>>;
    let accountId: string;
    /** The extension logs compared: admin, user, a call queue, and one holding a deleted record. */
    let logs: string[];
    let exportFile: string;
    let exported: number;
    let lines: Record<string, unknown>[];

    before(async () => {
      // Seed 9: its history holds extension-level records their owners deleted (a few in a thousand calls).
      source = await startTestServer({ backend, seed: { seed: 9 } });
      accountId = source.credentials.accountId;
      sourceApi = { url: source.url, token: await jwtAccessToken(source, source.credentials.admin.jwt) };
      exportFile = join(source.database.dir, 'export.ndjson');
      exported = await exportTo(source.store, exportFile, 'ndjson', accountId, 'https://platform.ringcentral.com');
      lines = readFileSync(exportFile, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const extensions = await source.store.listExtensions(accountId);
      const withDeleted = lines.find((r) => r.deleted === true && /\/extension\//.test(String(r.uri)))!;
      const deletedLog = /\/extension\/(\d+)\//.exec(String(withDeleted.uri))![1];
      logs = [
        ...new Set([
          source.credentials.admin.extensionId,
          source.credentials.user.extensionId,
          extensions.find((e) => e.type !== 'User')!.id,
          deletedLog,
        ]),
      ];
      target = await emptyCopy(backend, source);
      const { summary, rejected } = await importFile(target.store, exportFile);
      assert.deepEqual(rejected, []);
      assert.equal(summary.imported, exported);
    });
    after(async () => {
      await target?.close();
      await source?.close();
    });

    /** The same requests to both servers give the same answers. */
    async function assertSameAnswers(copy: ApiServer, views: string[], withSingles: boolean): Promise<void> {
      const paths = [
        `/account/${accountId}/call-log`,
        ...logs.map((e) => `/account/${accountId}/extension/${e}/call-log`),
      ];
      for (const path of paths) {
        for (const view of views) {
          for (const showDeleted of ['false', 'true']) {
            const query = { ...WINDOW, view, showDeleted, perPage: '1000' };
            const original = await answer(sourceApi, path, query);
            assert.match(original, /^200 \{"uri":"[^"]*","records":\[\{/, `${path} has records`);
            assert.equal(await answer(copy, path, query), original, `${path} ${view} showDeleted=${showDeleted}`);
          }
        }
        if (!withSingles) continue;
        const page = JSON.parse((await answer(sourceApi, path, { ...WINDOW, perPage: '6' })).slice(4)) as {
          records: { id: string }[];
        };
        const ids = page.records.map((r) => r.id);
        for (const id of ids) {
          for (const view of views) {
            assert.equal(
              await answer(copy, `${path}/${id}`, { view }),
              await answer(sourceApi, `${path}/${id}`, { view }),
            );
          }
        }
        const bulk = `${path}/${ids.slice(0, 3).join(',')},missing1`;
        const multipart = 'application/vnd.ringcentral.multipart+json';
        assert.equal(await answer(copy, bulk, {}, multipart), await answer(sourceApi, bulk, {}, multipart));
      }
    }

    test('an export imported into an empty database answers the API as the original', async () => {
      assert.equal(exported, await source.store.countRecords());
      assert.ok(
        lines.some((r) => r.deleted === true),
        'deleted records travel too',
      );
      await assertSameAnswers(target.api, ['Simple', 'Detailed'], true);
    });

    test('importing the same file again changes nothing', async () => {
      const snapshot = join(target.database.dir, 'before.ndjson');
      await exportTo(target.store, snapshot, 'ndjson', accountId, 'http://x');
      const { summary, rejected } = await importFile(target.store, exportFile);
      assert.deepEqual(rejected, []);
      assert.equal(summary.imported, exported);
      assert.equal(summary.createdExtensions + summary.createdAccounts, 0);
      const afterFile = join(target.database.dir, 'after.ndjson');
      await exportTo(target.store, afterFile, 'ndjson', accountId, 'http://x');
      assert.equal(readFileSync(afterFile, 'utf8'), readFileSync(snapshot, 'utf8'));
    });

    test('an older lastModifiedTime in the file does not overwrite a newer record; a newer one does', async () => {
      const original = lines.find((r) => !r.deleted && /\/extension\//.test(String(r.uri)))!;
      const path = new URL(String(original.uri)).pathname.replace('/restapi/v1.0', '');
      const before = await answer(target.api, path, { view: 'Detailed' });
      const changed = (minutes: number) => ({
        ...original,
        result: 'Busy',
        lastModifiedTime: new Date(Date.parse(String(original.lastModifiedTime)) + minutes * 60_000).toISOString(),
      });
      const file = join(target.database.dir, 'versions.ndjson');
      writeFileSync(file, `${JSON.stringify(changed(-60))}\n`);
      await importFile(target.store, file);
      assert.equal(await answer(target.api, path, { view: 'Detailed' }), before);
      writeFileSync(file, `${JSON.stringify(changed(+60))}\n`);
      await importFile(target.store, file);
      const stored = JSON.parse((await answer(target.api, path, { view: 'Detailed' })).slice(4)) as { result: string };
      assert.equal(stored.result, 'Busy');
    });

    test('bad lines are reported by number and the good lines around them are imported', async () => {
      const fresh = lines.slice(0, 3).map((r) => ({
        ...r,
        id: `${String(r.id)}N`,
        uri: String(r.uri).replace(/\/call-log\/([^/?]+)/, '/call-log/$1N'),
      }));
      const text = [
        JSON.stringify(fresh[0]),
        '{"id": truncated',
        JSON.stringify(fresh[1]),
        JSON.stringify({ ...fresh[2], id: undefined }),
        JSON.stringify({ ...fresh[2], startTime: 'soon' }),
        JSON.stringify(fresh[2]),
      ].join('\n');
      const file = join(target.database.dir, 'bad-lines.ndjson');
      writeFileSync(file, text);
      const { summary, rejected } = await importFile(target.store, file);
      assert.deepEqual(rejected, [2, 4, 5]);
      assert.deepEqual([summary.read, summary.imported, summary.rejected], [6, 3, 3]);
      for (const r of fresh) {
        const path = new URL(String(r.uri)).pathname.replace('/restapi/v1.0', '');
        assert.match(await answer(target.api, path), /^200 /, `${path} was imported`);
      }
    });

    test('a CSV export imported into an empty database keeps the Simple answers', async () => {
      const csvFile = join(source.database.dir, 'export.csv');
      assert.equal(
        await exportTo(source.store, csvFile, 'csv', accountId, 'https://platform.ringcentral.com'),
        exported,
      );
      const copy = await emptyCopy(backend, source);
      try {
        const { summary, rejected } = await importFile(copy.store, csvFile, 'csv');
        assert.deepEqual(rejected, []);
        assert.equal(summary.imported, exported);
        await assertSameAnswers(copy.api, ['Simple'], true);
      } finally {
        await copy.close();
      }
    });
  });
}

describe('ringlog import and export commands', () => {
  let database: TestDatabase;
  let db: string;
  let records: number;

  const ringlog = (args: string[], input?: string) =>
    spawnSync(process.execPath, ringlogArgs([...args]), { encoding: 'utf8', input });
  const shell = (script: string) => spawnSync('bash', ['-c', `set -o pipefail; ${script}`], { encoding: 'utf8' });

  before(async () => {
    database = await createTestDatabase('sqlite');
    db = join(database.dir, 'source.db');
    const seeded = ringlog([
      'seed',
      '--db',
      db,
      '--seed',
      '4',
      '--extensions',
      '4',
      '--days',
      '3',
      '--calls-per-day',
      '40',
      '--json',
    ]);
    assert.equal(seeded.status, 0, seeded.stderr);
    records = (JSON.parse(seeded.stdout) as { records: number }).records;
  });
  after(() => database?.drop());

  test('export streams to a pipe (| wc -l), and a reader that stops early (| head) is no error', () => {
    const counted = shell(`${ringlogShell(['export', '--db', db])} | wc -l`);
    assert.equal(counted.status, 0, counted.stderr);
    assert.equal(Number(counted.stdout.trim()), records);
    assert.match(counted.stderr, new RegExp(`Exported ${records} records`));
    const first = shell(`${ringlogShell(['export', '--db', db, '--format', 'csv'])} | head -n 2`);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Type,Direction,From,From Name,To,To Name,Extension,Date,Time,Action/);
    assert.doesNotMatch(first.stderr, /EPIPE|Error/);
  });

  test('import - reads stdin, reports a bad line on stderr, imports the rest and exits 2', () => {
    const exported = ringlog(['export', '--db', db, '--to', '2100-01-01']);
    assert.equal(exported.status, 0, exported.stderr);
    const good = exported.stdout.trimEnd().split('\n').slice(0, 3);
    const input = [good[0], 'oops', ...good.slice(1)].join('\n');
    const target = join(database.dir, 'target.db');
    const result = ringlog(['import', '-', '--db', target], input);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^line 2: not valid JSON/m);
    assert.match(result.stdout, /Imported 3 of 4 records \(1 rejected\)/);
  });
});
