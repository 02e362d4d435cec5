// The shape of a list query (which filters it has, how many values each list holds) and its parameters in the
// order the store's builder writes them: queries of one shape compile to one SQL text, so the store compiles a
// shape once. A shape is kept only once its first compilation gave exactly listParameters' values, so a
// builder change that reorders them costs speed (every query compiled again), never a wrong query.

import type { CallLogQuery } from '../domain/index.ts';

const count = (values: readonly string[] | undefined) => (values ? values.length : '-');

/** The shape of `q`, or null for queries whose SQL depends on more than their filters (phone and extension number). */
export function listShape(q: CallLogQuery, dialect: string): string | null {
  if (q.phoneNumber !== undefined || q.extensionNumber !== undefined) return null;
  return [
    dialect,
    q.view,
    q.showDeleted ? 'D' : 'd',
    q.showBlocked ? 'B' : 'b',
    count(q.direction),
    count(q.type),
    count(q.transport),
    q.recordingType === undefined ? '-' : q.recordingType === 'All' ? 'all' : 'one',
    count(q.results),
    q.before ? 'before' : '-',
    q.sessionId === undefined ? '-' : 's',
    q.telephonySessionId === undefined ? '-' : 't',
  ].join(' ');
}

/** The values of `q`'s list query, in the builder's order (kysely-store.ts buildList). */
export function listParameters(q: CallLogQuery): unknown[] {
  const values: unknown[] = [q.accountId, q.extensionId ?? '', q.dateFrom, q.dateTo];
  if (!q.showDeleted) values.push(0);
  if (!q.showBlocked) values.push('Blocked');
  if (q.direction) values.push(...q.direction);
  if (q.type) values.push(...q.type);
  if (q.transport) values.push(...q.transport);
  if (q.recordingType !== undefined && q.recordingType !== 'All') values.push(q.recordingType);
  if (q.results) values.push(...q.results);
  if (q.before) values.push(q.before.startTime, q.before.startTime, q.before.id);
  if (q.sessionId !== undefined) values.push(q.sessionId);
  if (q.telephonySessionId !== undefined) values.push(q.telephonySessionId);
  values.push(q.perPage + 1, (q.page - 1) * q.perPage);
  return values;
}

export function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
