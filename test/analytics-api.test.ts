// RingCentral's Business Analytics API (through @rc-ex/core's typed calls, responses checked against
// rc-platform.yaml) and ringlog's own report API, against a running server on both backends: the figures agree
// with the reports module, admins see the company, users only their own extension.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RingCentral from '@rc-ex/core';
import type RestException from '@rc-ex/core/RestException';
import type AggregationRequest from '@rc-ex/core/definitions/AggregationRequest';
import { parseReportRequest, runReport } from '../src/reports/index.ts';
import { assertSchema } from './support/rc-schema.ts';
import { backends } from './support/backends.ts';
import { jwtAccessToken } from './support/oauth.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const DAY = 86_400_000;

/** The response's records without the generated types' optional fields (the schema check has run first). */
type Values = Record<string, number>;
type Measures = Record<string, { valueType: string; values: Values & number }>;
interface LooseRecord {
  key: string;
  info?: { extensionNumber?: string };
  counters: Measures;
  timers: Measures;
  points: { counters: Measures; timers: Measures }[];
}
const recordsOf = (res: { data?: unknown }) => (res.data as Loose).records;
interface Loose {
  groupedBy: string;
  records: LooseRecord[];
}

for (const backend of await backends())
  describe(`Business Analytics and report APIs (${backend})`, () => {
    let server: TestServer;
    let rc: RingCentral;
    let from: string;
    let to: string;
    const TZ = 'America/Los_Angeles';

    const aggregation = (body: AggregationRequest, client = rc) =>
      client.analytics().calls().v1().accounts('~').aggregation().fetch().post(body, { perPage: 200 });

    before(async () => {
      server = await startTestServer({ backend });
      rc = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      await rc.authorize({ jwt: server.credentials.admin.jwt });
      from = new Date(server.seed.endTime - server.seed.days * DAY).toISOString();
      to = new Date(server.seed.endTime).toISOString();
    });
    after(() => server?.close());

    const report = (params: Record<string, string>) =>
      runReport(
        server.store,
        server.credentials.accountId,
        parseReportRequest({ timeZone: TZ, from, to: new Date(Date.parse(to) + 1).toISOString(), ...params }),
      );

    test('aggregation by company: counters and timers agree with the outcomes and durations reports', async () => {
      const res = await aggregation({
        grouping: { groupBy: 'Company' },
        timeSettings: { timeZone: TZ, timeRange: { timeFrom: from, timeTo: to } },
        responseOptions: {
          counters: {
            allCalls: { aggregationType: 'Sum' },
            callsByDirection: { aggregationType: 'Sum' },
            callsByResponse: { aggregationType: 'Sum' },
            callsByResult: { aggregationType: 'Sum' },
            callsByType: { aggregationType: 'Sum' },
            callsByCompanyHours: { aggregationType: 'Percent' },
            callsByOrigin: { aggregationType: 'Average', aggregationInterval: 'Day' },
            callsSegments: { aggregationType: 'Sum' },
            callsByActions: { aggregationType: 'Sum' },
          },
          timers: {
            allCallsDuration: { aggregationType: 'Sum' },
            callsSegmentsDuration: { aggregationType: 'Sum' },
            callsDurationByDirection: { aggregationType: 'Max' },
          },
        },
      });
      assertSchema('AggregationResponse', res);
      const data = res.data as unknown as Loose;
      assert.equal(data.groupedBy, 'Company');
      assert.equal(data.records.length, 1);
      const [company] = data.records;
      assert.equal(company.key, server.credentials.accountId);
      const [outcomes] = (await report({ report: 'outcomes' })).rows;
      const c = company.counters;
      assert.equal(c.allCalls.values, outcomes.calls);
      assert.equal(c.callsByDirection.values.inbound, outcomes.inbound);
      assert.equal(c.callsByResponse.values.answered, outcomes.answered);
      assert.equal(c.callsByResponse.values.connected, outcomes.connected);
      assert.equal(c.callsByResult.values.accepted, outcomes.answered);
      assert.equal(c.callsByResult.values.voicemail, outcomes.voicemail);
      assert.equal(c.callsByResult.values.abandoned, outcomes.abandoned);
      assert.equal(c.callsByResult.values.missed, outcomes.missed);
      const r = c.callsByResult.values;
      assert.equal(r.completed + r.abandoned + r.voicemail + r.missed + r.accepted + r.unknown, outcomes.calls);
      const h = c.callsByCompanyHours;
      assert.equal(h.valueType, 'Percent');
      assert.ok(Math.abs(h.values.businessHours + h.values.afterHours - 100) < 0.02);
      assert.ok(h.values.businessHours > 50, 'most generated calls start in business hours');
      assert.equal(c.callsByOrigin.valueType, 'Instances');
      assert.equal(c.callsActions.values.holdOn, 0);

      const durations = (await report({ report: 'durations' })).rows;
      const talk = durations.find((d) => d.metric === 'talk')!;
      const all = durations.find((d) => d.metric === 'duration')!;
      const t = company.timers;
      assert.equal(t.allCalls.valueType, 'Seconds');
      // allCalls covers faxes too; the durations report voice calls only.
      assert.ok(t.allCalls.values >= (all.total as number));
      assert.equal(t.callsSegments.values.liveTalk, talk.total);
      assert.ok(t.callsByDirection.values.inbound > 0);
    });

    test('aggregation by users and by queues, with keys and call filters', async () => {
      const user = server.credentials.user;
      const res = await aggregation({
        grouping: { groupBy: 'Users', keys: [user.extensionId] },
        timeSettings: { timeZone: TZ, timeRange: { timeFrom: from, timeTo: to } },
        callFilters: { directions: ['Inbound'] },
        responseOptions: {
          counters: { allCalls: { aggregationType: 'Sum' }, callsByResponse: { aggregationType: 'Sum' } },
        },
      });
      assertSchema('AggregationResponse', res);
      assert.deepEqual(
        recordsOf(res).map((x) => x.key),
        [user.extensionId],
      );
      assert.equal(recordsOf(res)[0].info?.extensionNumber, user.extensionNumber);
      const [own] = (await report({ report: 'outcomes', extension: user.extensionId, direction: 'Inbound' })).rows;
      assert.equal(recordsOf(res)[0].counters.allCalls.values, own.calls);
      assert.equal(recordsOf(res)[0].counters.callsByResponse.values.answered, own.answered);

      const queues = await aggregation({
        grouping: { groupBy: 'Queues' },
        timeSettings: { timeZone: TZ, timeRange: { timeFrom: from, timeTo: to } },
        responseOptions: {
          counters: { allCalls: { aggregationType: 'Sum' }, callsByQueueSla: { aggregationType: 'Sum' } },
          timers: { callsDurationByQueueSla: { aggregationType: 'Sum' } },
        },
      });
      assertSchema('AggregationResponse', queues);
      const expected = (await report({ report: 'queues', sla: '20' })).rows;
      assert.equal(recordsOf(queues).length, expected.length);
      for (const q of recordsOf(queues)) {
        const row = expected.find((e) => e.extensionId === q.key)!;
        assert.equal(q.counters.allCalls.values, row.offered);
        assert.equal(q.counters.callsByQueueSla.values.inSla, row.answeredInSla);
      }
    });

    test('timeline by day sums to the aggregation and has a point per local day', async () => {
      const body = {
        grouping: { groupBy: 'Company' as const },
        timeSettings: { timeZone: TZ, timeRange: { timeFrom: from, timeTo: to } },
        responseOptions: { counters: { allCalls: true, callsByDirection: true }, timers: { allCallsDuration: true } },
      };
      const res = await rc.analytics().calls().v1().accounts('~').timeline().fetch().post(body, { interval: 'Day' });
      assertSchema('TimelineResponse', res);
      const points = recordsOf(res)[0].points;
      assert.ok(points.length >= server.seed.days && points.length <= server.seed.days + 1);
      const total = points.reduce((s, p) => s + p.counters.allCalls.values, 0);
      const [outcomes] = (await report({ report: 'outcomes' })).rows;
      assert.equal(total, outcomes.calls);
      const byDay = (await report({ report: 'volume', by: 'day' })).rows;
      assert.deepEqual(
        points.map((p) => p.counters.allCalls.values).filter((n) => n),
        byDay.map((d) => d.calls).filter((n) => n),
      );
    });

    test('a user sees only their own extension; bad requests get the error envelope', async () => {
      const userRc = new RingCentral({
        server: server.url,
        clientId: server.credentials.clientId,
        clientSecret: server.credentials.clientSecret,
      });
      await userRc.authorize({ jwt: server.credentials.user.jwt });
      const time = { timeZone: TZ, timeRange: { timeFrom: from, timeTo: to } };
      const mine = await aggregation(
        {
          grouping: { groupBy: 'Users' },
          timeSettings: time,
          responseOptions: { counters: { allCalls: { aggregationType: 'Sum' } } },
        },
        userRc,
      );
      assert.deepEqual(
        recordsOf(mine).map((x) => x.key),
        [server.credentials.user.extensionId],
      );
      await assert.rejects(
        aggregation({ grouping: { groupBy: 'Company' }, timeSettings: time, responseOptions: {} }, userRc),
        (err: RestException) => err.response.status === 403,
      );
      const bad = await fetch(`${server.url}/analytics/calls/v1/accounts/~/aggregation/fetch`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${rc.token!.access_token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ grouping: { groupBy: 'Planets' }, timeSettings: time, responseOptions: {} }),
      });
      assert.equal(bad.status, 400);
      const body = (await bad.json()) as { errorCode: string; errors: { parameterName: string }[] };
      assert.equal(body.errorCode, 'CMN-101');
      assert.equal(body.errors[0].parameterName, 'grouping.groupBy');
    });

    test('our report API: JSON and CSV for admins, the own log for users, reconcile', async () => {
      const admin = await jwtAccessToken(server, server.credentials.admin.jwt);
      const user = await jwtAccessToken(server, server.credentials.user.jwt);
      const base = `${server.url}/ringlog/v1/accounts/~/reports`;
      const q = new URLSearchParams({ from, to: new Date(Date.parse(to) + 1).toISOString(), timeZone: TZ });
      const get = (path: string, token: string) =>
        fetch(`${base}/${path}`, { headers: { Authorization: `Bearer ${token}` } });

      const json = await get(`outcomes?${q}`, admin);
      assert.equal(json.status, 200);
      const body = (await json.json()) as { rows: unknown[]; columns: unknown[] };
      assert.deepEqual(body.rows, (await report({ report: 'outcomes' })).rows);

      const csv = await get(`agents?${q}&format=csv`, admin);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const lines = (await csv.text()).trim().split('\r\n');
      assert.equal(lines[0].split(',')[0], 'extensionNumber');
      assert.equal(lines.length - 1, 12, 'one line per user');

      const own = (await (await get(`outcomes?${q}`, user)).json()) as { rows: unknown[] };
      assert.deepEqual(
        own.rows,
        (await report({ report: 'outcomes', extension: server.credentials.user.extensionId })).rows,
      );
      const other = await get(`outcomes?${q}&extension=${server.credentials.admin.extensionId}`, user);
      assert.equal(other.status, 403);

      const bad = await get(`outcomes?from=yesterday&to=${to}`, admin);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { errorCode: string }).errorCode, 'CMN-101');
      assert.equal((await get(`nonsense?${q}`, admin)).status, 404);

      const contacts = (await (await get(`contacts?${q}`, admin)).json()) as {
        rows: { contact: string; calls: number }[];
      };
      const top = contacts.rows[0];
      const recon = await fetch(`${base}/reconcile?${q}&phoneNumber=${encodeURIComponent(top.contact)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ calls: [{ startTime: from, number: '+15550000000', duration: 30 }] }),
      });
      assert.equal(recon.status, 200);
      const rows = ((await recon.json()) as { rows: { status: string }[] }).rows;
      assert.equal(rows.filter((r) => r.status === 'only-in-file').length, 1);
      assert.equal(
        rows.filter((r) => r.status === 'only-in-ringlog').length,
        top.calls + (contacts.rows[0] as unknown as { faxes: number }).faxes,
      );

      // The only-in-ringlog rows a page at a time; a bad perPage is CMN-101 naming it.
      const reconcilePage = (paging: string) =>
        fetch(`${base}/reconcile?${q}&phoneNumber=${encodeURIComponent(top.contact)}&${paging}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ calls: [] }),
        });
      const second = (await (await reconcilePage('page=2&perPage=1')).json()) as {
        rows: unknown[];
        summary: Record<string, number>;
        paging: Record<string, number>;
      };
      const total = rows.length - 1;
      assert.equal(second.rows.length, total >= 2 ? 1 : 0);
      assert.deepEqual(second.summary, { matched: 0, onlyInFile: 0, onlyInRingLog: total });
      assert.deepEqual(second.paging, { page: 2, perPage: 1, totalPages: total, totalElements: total });
      const refused = await reconcilePage('perPage=10001');
      assert.equal(refused.status, 400);
      const refusal = (await refused.json()) as { errorCode: string; errors: { parameterName?: string }[] };
      assert.equal(refusal.errorCode, 'CMN-101');
      assert.equal(refusal.errors[0].parameterName, 'perPage');
    });
  });
