// Retention as an operator sees it through the API: past the policy's days, call-log records leave every log,
// recordings lose their metadata, their place in the records and their stored audio; archive mode keeps all.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARCHIVE_RETENTION,
  RINGCENTRAL_RETENTION,
  parseRetention,
  type CallLogRecord,
  type RecordingMeta,
} from '../src/domain/index.ts';
import { applyRetention, createDiskBlobStore, startRetentionJob, type BlobStore } from '../src/store/index.ts';
import { generateCompany, generateTraffic } from '../src/generator/index.ts';
import { backends } from './support/backends.ts';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { jwtAccessToken } from './support/oauth.ts';

const API = '/restapi/v1.0';
const DAY = 86_400_000;
/** Wider than the whole generated history. */
const EVERYTHING = `dateFrom=2000-01-01T00:00:00.000Z&dateTo=${new Date(TEST_END_TIME + DAY).toISOString()}`;
const POLICY = { logDays: 4, recordingDays: 2 };
const LOG_CUTOFF = TEST_END_TIME - POLICY.logDays * DAY;
const RECORDING_CUTOFF = TEST_END_TIME - POLICY.recordingDays * DAY;

interface RecordingRefBody {
  id: string;
}

interface RecordBody {
  id: string;
  startTime: string;
  recording?: RecordingRefBody;
  legs?: { recording?: RecordingRefBody }[];
}

type View = 'Simple' | 'Detailed';
/** Every log's records (showDeleted), by log: '' for the company log, else the extension id. */
type Snapshot = Map<string, RecordBody[]>;

const login = (server: TestServer, jwt: string): Promise<string> => jwtAccessToken(server, jwt);

const recordingIds = (r: RecordBody): string[] =>
  [r.recording?.id, ...(r.legs ?? []).map((leg) => leg.recording?.id)].filter((id): id is string => id !== undefined);

/** The record without any recording reference, to compare what else changed. */
function withoutRecordings(r: RecordBody): RecordBody {
  const copy = structuredClone(r);
  delete copy.recording;
  for (const leg of copy.legs ?? []) delete leg.recording;
  return copy;
}

const time = (r: RecordBody) => Date.parse(r.startTime);

for (const backend of await backends()) {
  describe(`retention (${backend})`, () => {
    let server: TestServer;
    let admin: string;
    let blobs: BlobStore;
    let logs: string[];

    before(async () => {
      server = await startTestServer({ backend, now: () => TEST_END_TIME });
      admin = await login(server, server.credentials.admin.jwt);
      blobs = createDiskBlobStore(join(server.database.dir, 'blobs'));
      logs = ['', ...(await server.store.listExtensions(server.credentials.accountId)).map((e) => e.id)];
    });
    after(() => server.close());

    async function get(path: string): Promise<{ status: number; body: Buffer }> {
      const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${admin}` } });
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
    }

    async function list(log: string, view: View): Promise<RecordBody[]> {
      const path = log === '' ? `${API}/account/~/call-log` : `${API}/account/~/extension/${log}/call-log`;
      const reply = await get(`${path}?${EVERYTHING}&showDeleted=true&perPage=1000&view=${view}`);
      assert.equal(reply.status, 200, reply.body.toString().slice(0, 300));
      return (JSON.parse(reply.body.toString()) as { records: RecordBody[] }).records;
    }

    async function snapshot(view: View): Promise<Snapshot> {
      const all: Snapshot = new Map();
      for (const log of logs) all.set(log, await list(log, view));
      return all;
    }

    const recordingPath = (id: string) => `${API}/account/~/recording/${id}`;

    /** Every recording the records refer to, with its metadata from the store. */
    async function referencedRecordings(records: Snapshot): Promise<RecordingMeta[]> {
      const ids = new Set([...records.values()].flat().flatMap(recordingIds));
      const metas = await Promise.all(
        [...ids].map((id) => server.store.getRecording(server.credentials.accountId, id)),
      );
      return metas.filter((m): m is RecordingMeta => m !== null);
    }

    /** Real audio for a recording: a blob in the server's blob store, named by the recording's metadata. */
    async function giveBlob(meta: RecordingMeta): Promise<{ key: string; bytes: Buffer }> {
      const key = `recording/${meta.id}`;
      const bytes = randomBytes(2048);
      await blobs.put(key, bytes);
      await server.store.upsertRecordings([{ ...meta, blobKey: key }]);
      const served = await get(`${recordingPath(meta.id)}/content`);
      assert.equal(served.status, 200);
      assert.deepEqual(served.body, bytes, 'the server plays the blob');
      return { key, bytes };
    }

    test('parseRetention reads archive, ringcentral and log=/recordings= days, and refuses the rest', () => {
      assert.deepEqual(parseRetention('archive'), ARCHIVE_RETENTION);
      assert.deepEqual(parseRetention('archive'), { logDays: null, recordingDays: null });
      assert.deepEqual(parseRetention('ringcentral'), RINGCENTRAL_RETENTION);
      assert.deepEqual(parseRetention('ringcentral'), { logDays: 365, recordingDays: 90 });
      assert.deepEqual(parseRetention('log=30,recordings=forever'), { logDays: 30, recordingDays: null });
      assert.deepEqual(parseRetention('recordings=7'), { logDays: null, recordingDays: 7 });
      assert.deepEqual(parseRetention('log=forever, recordings=90'), { logDays: null, recordingDays: 90 });
      for (const spec of ['log=0', 'foo=1', 'log=-1', 'log=1.5', 'log=', 'log', 'recordings=never', 'forever']) {
        assert.throws(() => parseRetention(spec), /retention/, spec);
      }
    });

    test('the archive policy changes nothing, however old the data', async () => {
      const earlier = await snapshot('Detailed');
      const later = TEST_END_TIME + 3650 * DAY;
      assert.deepEqual(await applyRetention(server.store, blobs, ARCHIVE_RETENTION, later), {
        records: 0,
        recordings: 0,
      });
      const job = startRetentionJob(server.store, blobs, ARCHIVE_RETENTION, { intervalMs: 5, now: () => later });
      await job.stop();
      assert.deepEqual(await snapshot('Detailed'), earlier);
    });

    test('records past logDays leave every log, recordings past recordingDays leave records, API and disk', async () => {
      const detailed = await snapshot('Detailed');
      const simple = await snapshot('Simple');
      const recordings = await referencedRecordings(detailed);
      const expired = recordings.filter((m) => m.createdAt < RECORDING_CUTOFF);
      const kept = recordings.filter((m) => m.createdAt >= RECORDING_CUTOFF);
      assert.ok(expired.length > 0 && kept.length > 0, `${expired.length} old and ${kept.length} new recordings`);

      // Real audio for an expired recording whose record stays, and for a recording that stays.
      const company = detailed.get('')!;
      const staysWithOldRecording = company.find(
        (r) => time(r) >= LOG_CUTOFF && recordingIds(r).some((id) => expired.some((m) => m.id === id)),
      );
      assert.ok(staysWithOldRecording, 'a record newer than logDays with a recording older than recordingDays');
      const oldMeta = expired.find((m) => recordingIds(staysWithOldRecording).includes(m.id))!;
      const oldBlob = await giveBlob(oldMeta);
      const newBlob = await giveBlob(kept[0]);

      const oldRecords = [...detailed.values()].flat().filter((r) => time(r) < LOG_CUTOFF).length;
      assert.ok(oldRecords > 0);
      const result = await applyRetention(server.store, blobs, POLICY, TEST_END_TIME);
      assert.deepEqual(result, { records: oldRecords, recordings: expired.length });

      const gone = new Set(expired.map((m) => m.id));
      let stripped = 0;
      for (const [view, earlier] of [
        ['Detailed', detailed],
        ['Simple', simple],
      ] as const) {
        const now = await snapshot(view);
        for (const log of logs) {
          const what = `${view} log ${log || 'company'}`;
          const records = now.get(log)!;
          const expected = earlier.get(log)!.filter((r) => time(r) >= LOG_CUTOFF);
          assert.deepEqual(
            records.map((r) => r.id),
            expected.map((r) => r.id),
            what,
          );
          records.forEach((r, i) => {
            assert.deepEqual(
              withoutRecordings(r),
              withoutRecordings(expected[i]),
              `${what} ${r.id} is otherwise unchanged`,
            );
            const before = recordingIds(expected[i]);
            assert.deepEqual(
              recordingIds(r),
              before.filter((id) => !gone.has(id)),
              `${what} ${r.id} recordings`,
            );
            if (before.some((id) => gone.has(id))) stripped++;
          });
        }
      }
      assert.ok(stripped > 0, 'some kept records had their recording dropped');

      for (const meta of expired) {
        assert.equal((await get(recordingPath(meta.id))).status, 404, `metadata of ${meta.id}`);
        assert.equal((await get(`${recordingPath(meta.id)}/content`)).status, 404, `content of ${meta.id}`);
      }
      for (const meta of kept) assert.equal((await get(recordingPath(meta.id))).status, 200, `metadata of ${meta.id}`);
      assert.equal(await blobs.stat(oldBlob.key), null, 'the expired audio is deleted from disk');
      assert.deepEqual(
        (await get(`${recordingPath(kept[0].id)}/content`)).body,
        newBlob.bytes,
        'newer audio still plays',
      );

      assert.deepEqual(
        await applyRetention(server.store, blobs, POLICY, TEST_END_TIME),
        { records: 0, recordings: 0 },
        'a second run finds nothing more',
      );
    });

    test('records of a log the directory does not know are purged too', async () => {
      const company = generateCompany(server.seed);
      let model: CallLogRecord | undefined;
      for (const batch of generateTraffic(company, server.seed)) {
        model ??= batch.records.find((r) => r.extensionId !== null && !r.recording);
        if (model) break;
      }
      assert.ok(model);
      const stray = structuredClone(model);
      stray.id = 'strayrecord1';
      stray.extensionId = '999000999';
      stray.ownerExtensionId = '999000999';
      stray.startTime = LOG_CUTOFF - DAY;
      stray.lastModifiedTime = stray.startTime + stray.durationMs + 1000;
      await server.store.upsertRecords([stray]);
      /** What an export of the account (`ringlog export`) holds from before the cutoff. */
      const exportedOld = async () => {
        const filter = {
          accountId: server.credentials.accountId,
          dateFrom: 0,
          dateTo: LOG_CUTOFF - 1,
          view: 'Simple' as const,
        };
        const ids: string[] = [];
        for await (const page of server.store.exportRecords(filter, 100)) {
          for (const json of page) ids.push((JSON.parse(json) as { id: string }).id);
        }
        return ids;
      };
      assert.deepEqual(await exportedOld(), [stray.id], 'the stray record is stored and exported');

      await applyRetention(server.store, blobs, POLICY, TEST_END_TIME);
      assert.deepEqual(await exportedOld(), [], 'no record older than logDays is left in the account');
    });

    test('a retention job runs at once and stop() waits for the run', async () => {
      const policy = { logDays: 2, recordingDays: null };
      const cutoff = TEST_END_TIME - 2 * DAY;
      const earlier = await snapshot('Simple');
      const recordings = await referencedRecordings(earlier);
      const job = startRetentionJob(server.store, blobs, policy, { intervalMs: 3_600_000, now: () => TEST_END_TIME });
      await job.stop();
      const now = await snapshot('Simple');
      for (const log of logs) {
        assert.deepEqual(
          now.get(log)!.map((r) => r.id),
          earlier
            .get(log)!
            .filter((r) => time(r) >= cutoff)
            .map((r) => r.id),
        );
      }
      const stillThere = recordings.filter((m) => [...now.values()].flat().some((r) => recordingIds(r).includes(m.id)));
      assert.ok(stillThere.length > 0);
      for (const meta of recordings) {
        assert.equal((await get(recordingPath(meta.id))).status, 200, `recordings=forever keeps ${meta.id}`);
      }
    });
  });
}
