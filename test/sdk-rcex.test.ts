// @rc-ex/core, unchanged, against a running ringlog: JWT authorization, call-log lists, single and bulk reads,
// recording metadata and content (also over plain HTTP: Range, HEAD, `?access_token=`), and revocation.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RingCentral from '@rc-ex/core';
import type RestException from '@rc-ex/core/RestException';
import { parseBuffer } from 'music-metadata';
import { assertSchema } from './support/rc-schema.ts';
import { startTestServer, TEST_END_TIME, type TestServer } from './support/test-server.ts';
import { backends } from './support/backends.ts';
import {
  checkCallLogList,
  checkRecord,
  historyWindow,
  type CallLogRecordBody,
  type Level,
  type ListRequest,
  type View,
} from './support/call-log-envelope.ts';

const WINDOW = historyWindow(TEST_END_TIME);

interface BulkPart {
  resourceId: string;
  status: number;
  body: { errorCode?: string } & Partial<CallLogRecordBody>;
}

/** Whether the bytes start like an MP3 file: an ID3 tag or an MPEG audio frame sync (11 set bits). */
function looksLikeMp3(bytes: Uint8Array): boolean {
  const id3 = bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33;
  const frameSync = bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0;
  return id3 || frameSync;
}

for (const backend of await backends())
  describe(`@rc-ex/core against ringlog (${backend})`, () => {
    let server: TestServer;
    let rc: RingCentral;
    /** A recorded call of the company log, and its recording id. */
    let recorded: CallLogRecordBody;

    const request = (level: Level, view: View, perPage: number, page = 1): ListRequest => ({
      server: server.url,
      level,
      accountId: server.credentials.accountId,
      extensionId: level === 'extension' ? server.credentials.admin.extensionId : undefined,
      view,
      page,
      perPage,
    });

    before(async () => {
      server = await startTestServer({ backend });
      rc = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      await rc.authorize({ jwt: server.credentials.admin.jwt });
      const withRecordings = await rc
        .restapi()
        .account()
        .callLog()
        .list({ ...WINDOW, recordingType: 'All', perPage: 5 });
      assert.ok(withRecordings.records?.length, 'the generated history has recorded calls');
      recorded = withRecordings.records[0] as CallLogRecordBody;
    });
    after(() => server?.close());

    test('authorizes with a JWT', () => {
      assert.equal(typeof rc.token?.access_token, 'string');
      assert.equal(rc.token?.token_type, 'bearer');
      assert.equal(typeof rc.token?.refresh_token, 'string');
      assert.equal(rc.token?.owner_id, server.credentials.admin.extensionId);
    });

    test('lists the extension call log in Simple and Detailed views, with the same records', async () => {
      const log = rc.restapi().account().extension().callLog();
      const simple = checkCallLogList(
        await log.list({ ...WINDOW, perPage: 1000 }),
        request('extension', 'Simple', 1000),
      );
      const detailed = checkCallLogList(
        await log.list({ ...WINDOW, view: 'Detailed', perPage: 1000 }),
        request('extension', 'Detailed', 1000),
      );
      assert.ok(simple.records.length > 0);
      assert.deepEqual(
        detailed.records.map((r) => r.id),
        simple.records.map((r) => r.id),
      );

      const page2 = checkCallLogList(
        await log.list({ ...WINDOW, perPage: 10, page: 2 }),
        request('extension', 'Simple', 10, 2),
      );
      assert.deepEqual(
        page2.records.map((r) => r.id),
        simple.records.slice(10, 20).map((r) => r.id),
      );
    });

    test('lists the company call log in Simple and Detailed views', async () => {
      const log = rc.restapi().account().callLog();
      const simple = checkCallLogList(await log.list({ ...WINDOW, perPage: 100 }), request('account', 'Simple', 100));
      const detailed = checkCallLogList(
        await log.list({ ...WINDOW, view: 'Detailed', perPage: 100 }),
        request('account', 'Detailed', 100),
      );
      assert.equal(simple.records.length, 100);
      assert.ok(simple.navigation.nextPage, 'the company has more than 100 calls in ten days');
      assert.deepEqual(
        detailed.records.map((r) => r.id),
        simple.records.map((r) => r.id),
      );
    });

    test('reads one record by id, as the list shows it, at both levels and in both views', async () => {
      for (const level of ['extension', 'account'] as const) {
        for (const view of ['Simple', 'Detailed'] as const) {
          const account = rc.restapi().account();
          const listed =
            level === 'account'
              ? await account.callLog().list({ ...WINDOW, view, perPage: 1 })
              : await account
                  .extension()
                  .callLog()
                  .list({ ...WINDOW, view, perPage: 1 });
          const first = listed.records![0] as CallLogRecordBody;
          const single =
            level === 'account'
              ? await account.callLog(first.id).get({ view })
              : await account.extension().callLog(first.id).get({ view });
          assert.deepEqual(checkRecord(single, request(level, view, 1)), first, `${level} ${view}`);
        }
      }
    });

    test('an unknown record id is a 404 with CMN-102', async () => {
      await assert.rejects(rc.restapi().account().extension().callLog('NoSuchRecord1').get(), (err: RestException) => {
        assert.equal(err.response.status, 404);
        assert.equal((err.response.data as { errorCode: string }).errorCode, 'CMN-102');
        return true;
      });
    });

    test('reads several records by id in one request (207), as JSON parts or multipart/mixed', async () => {
      const log = rc.restapi().account().extension();
      const listed = await log.callLog().list({ ...WINDOW, perPage: 3 });
      const ids = listed.records!.map((r) => r.id!);
      const path = [...ids, 'NoSuchRecord1'].join(',');

      const parts = (await log
        .callLog(path)
        .get(
          { view: 'Detailed' },
          { headers: { Accept: 'application/vnd.ringcentral.multipart+json' } },
        )) as unknown as BulkPart[];
      assert.deepEqual(
        parts.map((p) => [p.resourceId, p.status]),
        [...ids.map((id) => [id, 200]), ['NoSuchRecord1', 404]],
      );
      for (const part of parts.slice(0, 3)) {
        const single = await log.callLog(part.resourceId).get({ view: 'Detailed' });
        assert.deepEqual(checkRecord(part.body, request('extension', 'Detailed', 1)), single);
      }
      assert.equal(parts[3].body.errorCode, 'CMN-102');

      const mixed = await rc.get<string>(log.callLog(path).path());
      assert.equal(mixed.status, 207);
      const boundary = /^multipart\/mixed;\s*boundary=([^;]+)/.exec(String(mixed.headers['content-type']))?.[1];
      assert.ok(boundary, `content-type ${String(mixed.headers['content-type'])}`);
      const sections = mixed.data.split(`--${boundary}`).slice(1, -1);
      assert.equal(sections.length, 1 + ids.length + 1, 'a status part, then one part per id');
      const statusPart = JSON.parse(sections[0].split('\r\n\r\n')[1]) as { response: { status: number }[] };
      assert.deepEqual(
        statusPart.response.map((r) => r.status),
        [200, 200, 200, 404],
      );
      for (const [i, id] of ids.entries()) {
        assert.equal((JSON.parse(sections[i + 1].split('\r\n\r\n')[1]) as { id: string }).id, id);
      }
      assert.ok(mixed.data.trimEnd().endsWith(`--${boundary}--`));
    });

    test('reads recording metadata and content: an MP3 as long as the recording says', async () => {
      const recording = rc.restapi().account().recording(recorded.recording!.id);
      const meta = await recording.get();
      assertSchema('GetCallRecordingResponse', meta);
      assert.equal(meta.id, recorded.recording!.id);
      assert.equal(meta.contentType, 'audio/mpeg');
      assert.equal(meta.contentUri, recorded.recording!.contentUri);
      assert.ok(
        meta.contentUri.startsWith(`${server.url}/restapi/v1.0/account/${server.credentials.accountId}/recording/`),
      );

      const bytes = Buffer.from(await recording.content().get());
      assert.ok(looksLikeMp3(bytes), `content starts with ${bytes.subarray(0, 4).toString('hex')}`);
      const response = await rc.get<ArrayBuffer>(recording.content().path(), undefined, {
        responseType: 'arraybuffer',
      });
      assert.equal(response.headers['content-type'], 'audio/mpeg');
      assert.equal(Number(response.headers['content-length']), bytes.length);
      assert.deepEqual(Buffer.from(response.data), bytes);

      const audio = await parseBuffer(bytes, { mimeType: 'audio/mpeg' }, { duration: true });
      assert.ok(audio.format.duration !== undefined, 'music-metadata found no duration');
      assert.ok(
        Math.abs(audio.format.duration - meta.duration!) <= 1,
        `audio lasts ${audio.format.duration} s, metadata says ${meta.duration} s`,
      );
    });

    describe('recording content over plain HTTP, as a browser or <audio> element fetches it', () => {
      let contentUri: string;
      let whole: Buffer;
      const bearer = () => ({ Authorization: `Bearer ${rc.token!.access_token}` });

      before(async () => {
        contentUri = recorded.recording!.contentUri;
        const res = await fetch(contentUri, { headers: bearer() });
        assert.equal(res.status, 200);
        whole = Buffer.from(await res.arrayBuffer());
        assert.ok(whole.length > 200);
      });

      test('Range: bytes=100-199 answers 206 with those 100 bytes', async () => {
        const res = await fetch(contentUri, { headers: { ...bearer(), Range: 'bytes=100-199' } });
        assert.equal(res.status, 206);
        assert.equal(res.headers.get('content-range'), `bytes 100-199/${whole.length}`);
        assert.equal(res.headers.get('content-length'), '100');
        const part = Buffer.from(await res.arrayBuffer());
        assert.equal(part.length, 100);
        assert.deepEqual(part, whole.subarray(100, 200));
      });

      test('?access_token= authorizes the content without a header', async () => {
        const url = new URL(contentUri);
        url.searchParams.set('access_token', rc.token!.access_token!);
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'audio/mpeg');
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), whole);
      });

      test('HEAD tells the size and type of the content without sending it', async () => {
        const res = await fetch(contentUri, { method: 'HEAD', headers: bearer() });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'audio/mpeg');
        assert.equal(res.headers.get('accept-ranges'), 'bytes');
        assert.equal(res.headers.get('content-length'), String(whole.length));
      });

      test('a Range starting beyond the end answers 416 with CMN-107', async () => {
        const res = await fetch(contentUri, { headers: { ...bearer(), Range: `bytes=${whole.length + 10}-` } });
        assert.equal(res.status, 416);
        assert.equal(((await res.json()) as { errorCode: string }).errorCode, 'CMN-107');
      });
    });

    test('revoke ends the session: the revoked token is refused', async () => {
      const other = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      const token = await other.authorize({ jwt: server.credentials.admin.jwt });
      await other.restapi().account().extension().callLog().list(WINDOW);
      await other.revoke();
      other.token = token;
      await assert.rejects(other.restapi().account().extension().callLog().list(WINDOW), (err: RestException) => {
        assert.equal(err.response.status, 401);
        return true;
      });
    });
  });
