// Checks call-log responses as an SDK user meets them: RingCentral's schemas for the envelope and every
// record, and the paging and navigation semantics that paging loops rely on.

import assert from 'node:assert/strict';
import { assertSchema } from './rc-schema.ts';

export type View = 'Simple' | 'Detailed';
export type Level = 'account' | 'extension';

export interface CallLogRecordBody {
  id: string;
  uri: string;
  startTime: string;
  legs?: unknown[];
  extension?: { id: number; uri: string };
  recording?: { id: string; uri: string; type: string; contentUri: string };
}

export interface CallLogListBody {
  uri: string;
  records: CallLogRecordBody[];
  paging: { page?: number; perPage?: number; pageStart?: number; pageEnd?: number };
  navigation: Partial<Record<'firstPage' | 'nextPage' | 'previousPage', { uri: string }>>;
}

/** Whose log was read, and which page of it in which view. */
export interface ListRequest {
  server: string;
  level: Level;
  accountId: string;
  /** The extension whose log was read (extension level only). */
  extensionId?: string;
  view: View;
  page: number;
  perPage: number;
}

const DAY_MS = 86_400_000;

/** The `dateFrom`/`dateTo` window over the whole generated history (it ends at `end`). */
export function historyWindow(end: number, days = 10): { dateFrom: string; dateTo: string } {
  return { dateFrom: new Date(end - days * DAY_MS).toISOString(), dateTo: new Date(end).toISOString() };
}

/** The canonical path of the log a request read: real ids, never `~`. */
export function logPath(request: Pick<ListRequest, 'level' | 'accountId' | 'extensionId'>): string {
  const account = `/restapi/v1.0/account/${request.accountId}`;
  return request.level === 'account' ? `${account}/call-log` : `${account}/extension/${request.extensionId}/call-log`;
}

function assertAbsolute(server: string, uri: string | undefined, what: string): URL {
  assert.equal(typeof uri, 'string', `${what} is missing`);
  assert.ok(uri!.startsWith(`${server}/`), `${what} ${uri} does not start with ${server}/`);
  assert.ok(!decodeURIComponent(uri!).includes('~'), `${what} ${uri} carries ~ instead of a real id`);
  return new URL(uri!);
}

/** Checks one record of a log read at `request.level` in `request.view`; returns it typed. */
export function checkRecord(body: unknown, request: Omit<ListRequest, 'page' | 'perPage'>): CallLogRecordBody {
  assertSchema(request.level === 'account' ? 'CompanyCallLogRecord' : 'UserCallLogRecord', body);
  const record = body as CallLogRecordBody;
  assert.equal(typeof record.id, 'string');
  const uri = assertAbsolute(request.server, record.uri, `record ${record.id} uri`);
  assert.equal(uri.pathname, `${logPath(request)}/${record.id}`);
  if (request.view === 'Detailed') assert.ok(Array.isArray(record.legs), `Detailed record ${record.id} has no legs`);
  else assert.equal(record.legs, undefined, `Simple record ${record.id} carries legs`);
  if (record.extension) assertAbsolute(request.server, record.extension.uri, `record ${record.id} extension uri`);
  if (record.recording) {
    assertAbsolute(request.server, record.recording.uri, `record ${record.id} recording uri`);
    assertAbsolute(request.server, record.recording.contentUri, `record ${record.id} recording contentUri`);
  }
  return record;
}

function pageOf(uri: URL): { page: string | null; perPage: string | null } {
  return { page: uri.searchParams.get('page'), perPage: uri.searchParams.get('perPage') };
}

/**
 * Checks a list response: schema of the envelope and of each record, `paging` numbers, `navigation`
 * links (firstPage always, previousPage only after page 1, no nextPage on a short page), absolute URIs
 * with real ids, and records newest first. Returns the body typed.
 */
export function checkCallLogList(body: unknown, request: ListRequest): CallLogListBody {
  assertSchema(request.level === 'account' ? 'AccountCallLogResponse' : 'UserCallLogResponse', body);
  const list = body as CallLogListBody;
  assert.ok(Array.isArray(list.records), 'records is required');
  assert.ok(list.paging, 'paging is required');
  assert.ok(list.navigation, 'navigation is required');

  const self = assertAbsolute(request.server, list.uri, 'list uri');
  assert.equal(self.pathname, logPath(request));
  assert.deepEqual(pageOf(self), { page: String(request.page), perPage: String(request.perPage) });

  const { paging, records } = list;
  assert.equal(paging.page, request.page);
  assert.equal(paging.perPage, request.perPage);
  assert.ok(records.length <= request.perPage, `${records.length} records on a page of ${request.perPage}`);
  if (records.length) {
    const start = (request.page - 1) * request.perPage;
    assert.equal(paging.pageStart, start);
    assert.equal(paging.pageEnd, start + records.length - 1);
  } else {
    assert.equal(paging.pageStart, undefined);
    assert.equal(paging.pageEnd, undefined);
  }

  const { firstPage, nextPage, previousPage } = list.navigation;
  const expectPage = (link: { uri: string } | undefined, page: number, name: string) => {
    const uri = assertAbsolute(request.server, link?.uri, `navigation.${name}`);
    assert.equal(uri.pathname, logPath(request), `navigation.${name} path`);
    assert.deepEqual(pageOf(uri), { page: String(page), perPage: String(request.perPage) }, `navigation.${name}`);
    for (const [key, value] of self.searchParams) {
      if (key !== 'page' && key !== 'perPage')
        assert.equal(uri.searchParams.get(key), value, `navigation.${name} keeps ${key}`);
    }
  };
  expectPage(firstPage, 1, 'firstPage');
  if (request.page > 1) expectPage(previousPage, request.page - 1, 'previousPage');
  else assert.equal(previousPage, undefined, 'previousPage on page 1');
  if (nextPage) expectPage(nextPage, request.page + 1, 'nextPage');
  if (records.length < request.perPage) assert.equal(nextPage, undefined, 'nextPage after a short page');

  const ids = new Set<string>();
  let previousStart = Infinity;
  for (const raw of records) {
    const record = checkRecord(raw, request);
    assert.ok(!ids.has(record.id), `record ${record.id} twice on one page`);
    ids.add(record.id);
    const start = Date.parse(record.startTime);
    assert.ok(start <= previousStart, `record ${record.id} (${record.startTime}) is newer than the one before it`);
    previousStart = start;
  }
  return list;
}
