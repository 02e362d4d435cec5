// Per outside number and UTC day, what the `contacts` report sums of the company log's live records that have an
// outside number: table report_contact (migration 0015-report-contacts). A month of the 1M-record seed holds
// 169,861 such records of 54,677 numbers on 94,234 number-days, so `contacts` reads about half the rows, and sums
// columns instead of evaluating a CASE per record per figure (ReportStore.contacts; the partial days of a period
// come from the records). Billable seconds are kept per rounding unit (1, 6, 60 s) without a minimum charge: a
// minimum above the unit is answered from the records.
// Kept like report_rollup (report-rollup.ts): SQLite's writers add a record's change with RollupDeltas (bulk
// writer, session assembler, soft delete) and a delete trigger covers purges; PostgreSQL has statement triggers.

import { sql, type Kysely } from 'kysely';
import { ANSWERED_RESULTS } from '../domain/index.ts';
import type { Dialect } from './migrations.ts';
import { ANSWERED_SQL } from './report-histogram.ts';
import { createStatementTriggers, type SignedSource } from './report-rollup-pg.ts';
import type { AggregateQuery } from './report-store.ts';

/** The rounding units billable seconds are kept for (report-math.ts's roundings). */
export const CONTACT_UNITS = [1, 6, 60] as const;
export const CONTACT_GRAIN = 86_400_000;

const KEY = ['account_id', 'start_time', 'contact_digits'];
const SUMS = ['n', 'faxes', 'inbound', 'answered', 'talk_ms', ...CONTACT_UNITS.map((u) => `billed_${u}`)];

/** What a record adds to its number's day (SUMS in order); null when it counts in none. */
export interface ContactSource {
  account_id: string;
  extension_id: string;
  start_time: number;
  deleted: number;
  contact_digits: string | null;
  type: string;
  direction: string;
  result: string;
  talk_ms: number;
}

const ANSWERED = new Set<string>(ANSWERED_RESULTS);

/** The row key (KEY) and sums (SUMS) a record adds, or null for a record outside the table. */
export function contactValues(r: ContactSource): { key: unknown[]; sums: number[] } | null {
  if (r.extension_id !== '' || r.contact_digits === null || Number(r.deleted) !== 0) return null;
  const voice = r.type === 'Voice';
  const answered = voice && ANSWERED.has(r.result);
  const billed = (u: number) => (answered && r.talk_ms > 0 ? Math.ceil(r.talk_ms / (u * 1000)) * u : 0);
  return {
    key: [r.account_id, r.start_time - (r.start_time % CONTACT_GRAIN), r.contact_digits],
    sums: [
      1,
      r.type === 'Fax' ? 1 : 0,
      voice && r.direction === 'Inbound' ? 1 : 0,
      answered ? 1 : 0,
      voice ? r.talk_ms : 0,
      ...CONTACT_UNITS.map(billed),
    ],
  };
}

/** contactValues in SQL over a row `ref` ('' for a bare table), each sum times `sign`. */
function valuesSql(ref: string, sign: 1 | -1): string[] {
  const c = (name: string) => (ref ? `${ref}.${name}` : name);
  const voice = `${c('type')} = 'Voice'`;
  const answered = `${voice} and ${c('result')} in ${ANSWERED_SQL}`;
  const flag = (e: string) => `case when ${e} then ${sign} else 0 end`;
  return [
    `${sign}`,
    flag(`${c('type')} = 'Fax'`),
    flag(`${voice} and ${c('direction')} = 'Inbound'`),
    flag(answered),
    `case when ${voice} then ${sign} * ${c('talk_ms')} else 0 end`,
    ...CONTACT_UNITS.map(
      (u) =>
        `case when ${answered} and ${c('talk_ms')} > 0 then ${sign} * ((${c('talk_ms')} + ${u * 1000 - 1}) / ${u * 1000} * ${u}) else 0 end`,
    ),
  ];
}

/** Which records the table counts, in SQL over a row `ref`. */
const countedSql = (ref: string) =>
  `${ref}.extension_id = '' and ${ref}.contact_digits is not null and ${ref}.deleted = 0`;

const UPSERT = `on conflict (${KEY.join(', ')}) do update set ${SUMS.map((c) => `${c} = report_contact.${c} + excluded.${c}`).join(', ')}`;

/** The statement that applies one change: KEY then SUMS (RollupDeltas). */
export const APPLY_CONTACT_CHANGE = `insert into report_contact (${[...KEY, ...SUMS].join(', ')})
  values (${[...KEY, ...SUMS].map(() => '?').join(', ')}) ${UPSERT}`;

/** The table's rows computed from the stored records (KEY then SUMS, in key order): what it must hold. */
export const CONTACTS_FROM_RECORDS = `select account_id, start_time - start_time % ${CONTACT_GRAIN} as day, contact_digits,
    ${valuesSql('', 1)
      .map((v, i) => `sum(${v}) as ${SUMS[i]}`)
      .join(', ')}
  from call_log where extension_id = '' and contact_digits is not null and deleted = 0
  group by account_id, start_time - start_time % ${CONTACT_GRAIN}, contact_digits
  order by 1, 2, 3`;

/** The summed changes of transition tables (PostgreSQL statement triggers), one upsert in key order. */
export function contactTriggerBody(sources: SignedSource[]): string {
  const selects = sources.map(
    ({ table, sign }) =>
      `select account_id, start_time - start_time % ${CONTACT_GRAIN} as start_time, contact_digits,
        ${valuesSql('t', sign)
          .map((v, i) => `${v} as ${SUMS[i]}`)
          .join(', ')}
      from ${table} as t where ${countedSql('t')}`,
  );
  const sums = SUMS.map((c) => `sum(${c})`);
  return `insert into report_contact (${[...KEY, ...SUMS].join(', ')})
    select ${KEY.join(', ')}, ${sums.join(', ')} from (${selects.join(' union all ')}) as changed
    group by ${KEY.join(', ')}
    having ${sums.map((s) => `${s} <> 0`).join(' or ')}
    order by 1, 2, 3
    ${UPSERT};`;
}

/** Migration 0015: creates report_contact, fills it from the stored records and installs what keeps it. */
export async function createReportContacts(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  let table = db.schema
    .createTable('report_contact')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('start_time', ms, (c) => c.notNull())
    .addColumn('contact_digits', 'text', (c) => c.notNull());
  for (const s of SUMS) table = table.addColumn(s, ms, (c) => c.notNull());
  // SQLite sums a period's days along the number (no sort: its grouping sorts otherwise); PostgreSQL reads the
  // period's days by time and hashes the groups.
  const order = dialect === 'sqlite' ? ['account_id', 'contact_digits', 'start_time'] : KEY;
  table = table.addPrimaryKeyConstraint('report_contact_pk', order as never);
  if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  await sql.raw(`insert into report_contact (${[...KEY, ...SUMS].join(', ')}) ${CONTACTS_FROM_RECORDS}`).execute(db);
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger report_contact_delete after delete on call_log for each row when ${countedSql('old')} begin
          insert into report_contact (${[...KEY, ...SUMS].join(', ')})
          select old.account_id, old.start_time - old.start_time % ${CONTACT_GRAIN}, old.contact_digits,
            ${valuesSql('old', -1).join(', ')} where true ${UPSERT};
        end`,
      )
      .execute(db);
    return;
  }
  await createStatementTriggers(db, 'report_contact', contactTriggerBody);
}

/**
 * Whether report_contact holds what a query counts of whole days: the company log, no filter (`external` narrows
 * nothing: the table holds outside calls only, and the query's outside calls are what it counts).
 */
export function contactDaysAnswer(q: AggregateQuery): boolean {
  const set = (k: string) => (q as unknown as Record<string, unknown>)[k] !== undefined;
  if (Object.keys(q).some((k) => set(k) && !ALLOWED.has(k as keyof AggregateQuery))) return false;
  return q.logs.length === 1 && q.logs[0] === null;
}

/**
 * Whether report_contact answers a `contacts` query's whole days: contactDaysAnswer, and a rounding unit it keeps
 * with a minimum charge of at most one unit (every billed call is billed at least a unit).
 */
export function contactRollupAnswers(
  q: AggregateQuery,
  billing: { unitSeconds: number; minimumSeconds: number },
): boolean {
  return (
    contactDaysAnswer(q) &&
    (CONTACT_UNITS as readonly number[]).includes(billing.unitSeconds) &&
    billing.minimumSeconds <= billing.unitSeconds
  );
}

const ALLOWED = new Set<keyof AggregateQuery>(['accountId', 'logs', 'dateFrom', 'dateTo', 'external']);

/** The largest part of the company log's span a contacts period may be and still be read by time (contactsByTime). */
export const CONTACTS_BY_TIME_SHARE = 1 / 30;

/**
 * SQLite: whether a contacts query of the company log reads its period's records by time and sorts them by number
 * (the covering call_log_report) rather than walking report_contact or the contact index, whose keys lead with the
 * number, through every day of the account: when the period covers less than CONTACTS_BY_TIME_SHARE of the log's
 * span (`span`: its first and last start time). On the 1M seed (60 days, 1.8 records per number-day) the walk cost
 * about 0.06 µs per number-day outside the period and 0.3 µs per one inside, the records by time about 1 µs each
 * with their sort: 1 day 5.6 ms by time against 10.6 ms walking, 7 days 39 against 16, 30 days 223 against 36.
 */
export function contactsByTime(
  q: Pick<AggregateQuery, 'dateFrom' | 'dateTo'>,
  span: { first: number; last: number } | null,
): boolean {
  if (!span) return false;
  const inside = Math.min(q.dateTo, span.last) - Math.max(q.dateFrom, span.first) + 1;
  return inside < (span.last - span.first + 1) * CONTACTS_BY_TIME_SHARE;
}

export { KEY as CONTACT_KEY, SUMS as CONTACT_SUMS };
