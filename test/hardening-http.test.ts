// Issue 11 items 4, 5, 10, 12 and 14 over HTTP on both backends: NUL bytes in parameters, recording file names,
// CORS, --public-url, and the operator's endpoints (health, readiness, metrics, request ids).

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const WINDOW = 'dateFrom=2026-11-01T00:00:00.000Z&dateTo=2026-11-21T00:00:00.000Z';

for (const backend of await backends()) {
  describe(`hardened HTTP (${backend})`, () => {
    let server: TestServer;
    let admin: string;
    let recordingId: string;
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${admin}`, ...headers } });

    before(async () => {
      server = await startTestServer({ backend, seed: { extensions: 4, days: 2, callsPerDay: 30 } });
      admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      const row = await (server.store as KyselyStore).db
        .selectFrom('recordings')
        .select('id')
        .limit(1)
        .executeTakeFirstOrThrow();
      recordingId = row.id;
    });
    after(() => server.close());

    test('a client that hangs up in the middle of its body is not logged as a server failure', async () => {
      const logged: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
        logged.push(String(chunk));
        return write(chunk, ...rest);
      };
      try {
        const { port } = new URL(server.url);
        const socket = createConnection(Number(port), '127.0.0.1');
        await once(socket, 'connect');
        socket.write(
          `POST /ringlog/v1/account/~/telephony/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"uuid":`,
        );
        await sleep(100);
        socket.destroy();
        await sleep(200);
        // The server still answers.
        assert.equal((await get('/restapi/v1.0/account/~/extension/~')).status, 200);
      } finally {
        process.stderr.write = write;
      }
      assert.deepEqual(
        logged.filter((line) => line.includes('failed (500)')),
        [],
      );
    });

    // Fails on de17a40 for PostgreSQL: 500 CMN-203 (PostgreSQL refuses 0x00 in text).
    test('a NUL byte in any query parameter or path id is a 400 in the envelope', async () => {
      const paths = [
        `/restapi/v1.0/account/~/call-log?${WINDOW}&sessionId=a%00b`,
        `/restapi/v1.0/account/~/call-log?${WINDOW}&telephonySessionId=%00`,
        `/restapi/v1.0/account/~/extension/~/call-log?${WINDOW}&extensionNumber=10%001`,
        `/restapi/v1.0/account/~/call-log/ab%00c`,
        `/restapi/v1.0/account/~/extension/1%002/call-log`,
        `/restapi/v1.0/account/~/recording/1%00/content`,
        `/restapi/v1.0/account/~/call-log-sync?syncType=FSync&recordCount=1%00`,
      ];
      for (const path of paths) {
        const response = await get(path);
        assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
        const body = (await response.json()) as { errorCode: string; errors: unknown[] };
        assert.equal(typeof body.errorCode, 'string', path);
        assert.ok(Array.isArray(body.errors), path);
      }
    });

    // Fails on de17a40: 500 with Fastify's own body for names outside Latin-1 or with control characters.
    test('any contentDispositionFilename is sent as RFC 6266/5987 with an ASCII fallback', async () => {
      const names = [
        '日本語.mp3',
        'a\u0000b.mp3',
        'call 😀.wav',
        'x"y\\z.mp3',
        '%E2%82%AC.mp3',
        'new\r\nline.mp3',
        '\ud800.mp3',
      ];
      for (const name of names) {
        const query = new URLSearchParams({ contentDisposition: 'Attachment', contentDispositionFilename: name });
        const response = await get(`/restapi/v1.0/account/~/recording/${recordingId}/content?${query}`, {
          Range: 'bytes=0-9',
        });
        const text = Buffer.from(await response.arrayBuffer()).toString('latin1');
        if (response.status >= 400) {
          assert.ok(response.status < 500, `${JSON.stringify(name)}: ${response.status} ${text}`);
          assert.equal(typeof (JSON.parse(text) as { errorCode: string }).errorCode, 'string');
          continue;
        }
        assert.equal(response.status, 206, JSON.stringify(name));
        const disposition = response.headers.get('content-disposition') ?? '';
        assert.match(disposition, /^attachment; filename="[\x20-\x7e]*"/);
        if (/^[\x20-\x7e]+$/.test(name) && !/["\\%]/.test(name)) continue;
        const star = /filename\*=UTF-8''([^;]+)$/.exec(disposition);
        assert.ok(star, disposition);
        // A lone surrogate is not text: it is sent as U+FFFD.
        const expected = name.replace(
          /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
          '\ufffd',
        );
        assert.equal(decodeURIComponent(star[1]), expected);
      }
    });

    // Fails on de17a40: DELETE was not among the allowed methods and any origin was reflected with credentials.
    test('CORS: the preflight allows DELETE, any origin, and no credentials', async () => {
      const response = await fetch(`${server.url}/restapi/v1.0/account/~/extension/~/call-log`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          'Access-Control-Request-Method': 'DELETE',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      assert.ok(response.status === 204 || response.status === 200);
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bDELETE\b/);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
    });

    // Fails on de17a40: there was no /health, /ready or /metrics.
    test('health, readiness and metrics answer without a token', async () => {
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
      await get(`/restapi/v1.0/account/~/call-log?${WINDOW}`);
      await get('/restapi/v1.0/account/~/call-log/nope');
      const metrics = await fetch(`${server.url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
      const text = await metrics.text();
      assert.match(
        text,
        /ringlog_http_requests_total\{route="\/restapi\/v1\.0\/account\/:accountId\/call-log",method="GET",status="200"\} 1/,
      );
      assert.match(text, /ringlog_http_request_duration_seconds_bucket\{le="[^"]+",route="[^"]+",method="GET"\}/);
      assert.match(text, /ringlog_store_query_duration_seconds_count\{outcome="ok"\} [1-9]/);
      assert.match(text, /ringlog_sync_runs/);
      assert.match(text, /process_resident_memory_bytes/);
    });

    test('every answer carries a request id, the caller’s when it sends a plain one', async () => {
      const own = await get('/restapi/v1.0/account/~/extension/~', { RCRequestId: 'my-request-1' });
      assert.equal(own.headers.get('rcrequestid'), 'my-request-1');
      const made = await get('/restapi/v1.0/account/~/extension/~', { RCRequestId: 'x'.repeat(500) });
      assert.match(made.headers.get('rcrequestid') ?? '', /^[0-9a-f-]{36}$/);
    });
  });
}

describe('configured CORS origins and --public-url', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      seed: { extensions: 3, days: 1, callsPerDay: 10 },
      app: { corsOrigins: ['https://allowed.example.com'] },
      publicUrl: 'https://calls.example.com/',
    });
  });
  after(() => server.close());

  test('only the configured origins are allowed', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/restapi/v1.0/account/~/call-log`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
    const allowed = await preflight('https://allowed.example.com');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://allowed.example.com');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), null);
    const other = await preflight('https://evil.example.com');
    assert.notEqual(other.headers.get('access-control-allow-origin'), 'https://evil.example.com');
    assert.notEqual(other.headers.get('access-control-allow-origin'), '*');
  });

  test('with a public URL, links never reflect the Host header', async () => {
    const token = await jwtAccessToken(server, server.credentials.admin.jwt);
    const response = await fetch(`${server.url}/restapi/v1.0/account/~/call-log?perPage=1&${WINDOW}`, {
      headers: { Authorization: `Bearer ${token}`, Host: 'evil.example.com' },
    });
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.ok(!text.includes('evil.example.com'));
    assert.ok(text.includes('https://calls.example.com/restapi/v1.0/'));
  });
});
