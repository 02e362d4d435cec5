// reconcile over the store, on both backends: matching against only the records near the file's calls gives what
// the greedy matcher gives over every outside call of the period; only-in-ringlog comes in pages that hold each
// unmatched record once; the summary adds up; bad page and perPage are refused with CMN-101.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../src/domain/index.ts';
import { generateCompany, generateTraffic, type GeneratedCompany } from '../src/generator/index.ts';
import { parseReportRequest, runReport, startReport, type ExternalCall, type ReportRow } from '../src/reports/index.ts';
import { DEFAULT_RECONCILE_RULES, matchCalls } from '../src/reports/reconcile.ts';
import { openStore, type OutsideCall, type Store } from '../src/store/index.ts';
import type { KyselyStore } from '../src/store/kysely-store.ts';
import { backends, createTestDatabase, type TestDatabase } from './support/backends.ts';

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 20);
const OPTIONS = { seed: 11, extensions: 10, days: 4, callsPerDay: 160, endTime: END };
const FROM = END - 3 * DAY;
const iso = (t: number) => new Date(t).toISOString();

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** The number as a carrier might write it. */
function reformat(digits: string, k: number): string {
  if (digits.length !== 11 || !digits.startsWith('1')) return `+${digits}`;
  const national = digits.slice(1);
  return [
    `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    `+${digits}`,
    `00${digits}`,
    `011${digits}`,
    national,
    `1-${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
  ][k % 6];
}

/**
 * File calls made from some of the records: shifted up to 100 s either way, durations off by up to 8 s, some with
 * a direction (one in ten the wrong one), some records twice (the copies compete), calls no record has, an
 * unreadable number, calls just outside the period.
 */
function fileCalls(outside: readonly OutsideCall[], seed: number): ExternalCall[] {
  const next = random(seed);
  const calls: ExternalCall[] = [];
  const add = (c: Omit<ExternalCall, 'line'>) => calls.push({ ...c, line: calls.length + 2 });
  for (const r of outside) {
    const copies = next() < 0.6 ? 1 : next() < 0.2 ? 2 : 0;
    for (let k = 0; k < copies; k++) {
      const call: Omit<ExternalCall, 'line'> = {
        startTime: r.startTime + Math.round((next() - 0.5) * 200_000),
        number: reformat(r.contactDigits, Math.floor(next() * 6)),
      };
      if (next() < 0.7) call.durationSeconds = Math.max(0, Math.round(r.durationMs / 1000 + (next() - 0.5) * 16));
      if (next() < 0.3) {
        const wrong = next() < 0.1;
        call.direction = (r.direction === 'Inbound') !== wrong ? 'Inbound' : 'Outbound';
      }
      add(call);
    }
  }
  add({ startTime: FROM + DAY, number: '+15550000000', durationSeconds: 60 });
  add({ startTime: FROM + DAY, number: 'anonymous' });
  const first = outside[0];
  const last = outside[outside.length - 1];
  add({ startTime: FROM - 30_000, number: `+${first.contactDigits}` });
  add({ startTime: END + 30_000, number: `+${last.contactDigits}` });
  return calls;
}

for (const backend of await backends()) {
  describe(`reconcile over the store (${backend})`, () => {
    let db: TestDatabase;
    let store: Store;
    let company: GeneratedCompany;
    let accountId: string;

    before(async () => {
      db = await createTestDatabase(backend);
      store = await openStore(db.location);
      company = generateCompany(OPTIONS);
      accountId = company.account.id;
      await store.putAccount(company.account);
      await store.putExtensions(company.extensions);
      const records = [...generateTraffic(company, OPTIONS)].flatMap((b) => b.records);
      // Twins of some company records (same start, number and duration, another id): ties in start order and score.
      const twins = records
        .filter((r, i) => r.extensionId === null && i % 7 === 0)
        .map((r) => ({ ...r, id: `${r.id}T` }));
      await store.upsertRecords([...records, ...twins]);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    /** Every live outside call of a log in the period, read plainly: what the brute-force matcher gets. */
    async function everyOutsideCall(log: string, direction?: string): Promise<OutsideCall[]> {
      let q = (store as KyselyStore).db
        .selectFrom('call_log')
        .select(['id', 'start_time', 'direction', 'duration_ms', 'contact_digits'])
        .where('account_id', '=', accountId)
        .where('extension_id', '=', log)
        .where('deleted', '=', 0)
        .where('contact_digits', 'is not', null)
        .where('start_time', '>=', FROM)
        .where('start_time', '<', END);
      if (direction) q = q.where('direction', '=', direction);
      const rows = await q.execute();
      return rows
        .map((r) => ({
          id: r.id,
          startTime: Number(r.start_time),
          direction: r.direction,
          durationMs: Number(r.duration_ms),
          contactDigits: r.contact_digits as string,
        }))
        .sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : 1));
    }

    const request = (params: Record<string, string>) =>
      parseReportRequest({ report: 'reconcile', from: iso(FROM), to: iso(END), ...params });

    /** All rows of the report: the first page and the rest, read page by page. */
    async function allRows(params: Record<string, string>, calls: ExternalCall[]) {
      const { result, rest } = await startReport(store, accountId, request(params), calls);
      const rows = [...result.rows];
      for await (const page of rest()) rows.push(...page);
      return { result, rows };
    }

    const cases: { name: string; params: Record<string, string>; direction?: string; log?: () => string }[] = [
      { name: 'default tolerances', params: {} },
      { name: 'wide tolerances', params: { timeTolerance: '600', durationTolerance: '30' } },
      { name: 'tight tolerances', params: { timeTolerance: '10', durationTolerance: '1' } },
      { name: 'inbound only', params: { direction: 'Inbound' }, direction: 'Inbound' },
      {
        name: "a user's own log",
        params: {},
        log: () => company.extensions.find((e) => e.type === 'User')!.id,
      },
    ];
    for (const c of cases) {
      it(`matches as the matcher does over every outside call (${c.name})`, async () => {
        const log = c.log?.() ?? '';
        const params = log ? { ...c.params, extension: log } : c.params;
        const outside = await everyOutsideCall(log, c.direction);
        assert.ok(outside.length > 10, `${outside.length} outside calls`);
        const calls = fileCalls(outside, outside.length);
        const req = request(params);
        const expected = matchCalls(outside, calls, req.rules);
        const { result, rows } = await allRows({ ...params, perPage: '2' }, calls);
        const fileRows = rows.filter((r) => r.status !== 'only-in-ringlog');
        assert.deepEqual(fileRows, expected.rows);
        const matched = expected.rows.filter((r) => r.status === 'matched').length;
        assert.ok(matched > 0 && matched < calls.length);
        const unmatched = outside.filter((r) => !expected.matched.has(r.id)).map((r) => r.id);
        const ringlogRows = rows.filter((r) => r.status === 'only-in-ringlog');
        assert.deepEqual(
          ringlogRows.map((r) => r.recordId),
          unmatched,
        );
        assert.deepEqual(result.summary, {
          matched,
          onlyInFile: calls.length - matched,
          onlyInRingLog: outside.length - matched,
        });
        assert.equal(result.paging?.totalElements, unmatched.length);
        assert.equal(result.paging?.totalPages, Math.ceil(unmatched.length / 2));
      });
    }

    it('pages hold every only-in-ringlog record once, in start order then id', async () => {
      const outside = await everyOutsideCall('');
      const calls = fileCalls(outside, 5);
      const expected = matchCalls(outside, calls, DEFAULT_RECONCILE_RULES);
      const unmatched = outside.filter((r) => !expected.matched.has(r.id));
      const perPage = 17;
      const pages: ReportRow[][] = [];
      for (let page = 1; ; page++) {
        const res = await runReport(store, accountId, request({ page: String(page), perPage: String(perPage) }), calls);
        assert.equal(res.rows.filter((r) => r.status !== 'only-in-ringlog').length, calls.length);
        assert.deepEqual(res.paging, {
          page,
          perPage,
          totalPages: Math.ceil(unmatched.length / perPage),
          totalElements: unmatched.length,
        });
        const rows = res.rows.filter((r) => r.status === 'only-in-ringlog');
        if (!rows.length) break;
        assert.ok(rows.length <= perPage);
        pages.push(rows);
      }
      assert.equal(pages.length, Math.ceil(unmatched.length / perPage));
      assert.deepEqual(
        pages.flat().map((r) => r.recordId),
        unmatched.map((r) => r.id),
      );
      assert.deepEqual(
        pages.flat().map((r) => [r.recordTime, r.number, r.recordDuration]),
        unmatched.map((r) => [iso(r.startTime), `+${r.contactDigits}`, r.durationMs / 1000]),
      );
    });

    it('answers the first 1,000 only-in-ringlog rows by default', async () => {
      const res = await runReport(store, accountId, request({}), []);
      const outside = await everyOutsideCall('');
      assert.equal(res.rows.length, Math.min(1000, outside.length));
      assert.deepEqual(res.paging, {
        page: 1,
        perPage: 1000,
        totalPages: Math.ceil(outside.length / 1000),
        totalElements: outside.length,
      });
      assert.deepEqual(res.summary, { matched: 0, onlyInFile: 0, onlyInRingLog: outside.length });
    });
  });
}

describe('reconcile paging parameters', () => {
  for (const [name, value] of [
    ['page', '0'],
    ['page', '-1'],
    ['page', '1.5'],
    ['page', 'two'],
    ['page', '99999999999999999'],
    ['perPage', '0'],
    ['perPage', '10001'],
    ['perPage', '1e3'],
  ] as const) {
    it(`refuses ${name}=${value} with CMN-101`, () => {
      assert.throws(
        () => parseReportRequest({ report: 'reconcile', from: '2026-11-01', to: '2026-11-02', [name]: value }),
        (err: unknown) =>
          err instanceof ApiError &&
          err.status === 400 &&
          (err.detail as { errorCode: string; parameterName: string }).errorCode === 'CMN-101' &&
          (err.detail as { parameterName: string }).parameterName === name,
      );
    });
  }
  it('takes perPage up to 10,000', () => {
    const req = parseReportRequest({
      report: 'reconcile',
      from: '2026-11-01',
      to: '2026-11-02',
      page: '3',
      perPage: '10000',
    });
    assert.deepEqual(req.paging, { page: 3, perPage: 10_000 });
  });
});
