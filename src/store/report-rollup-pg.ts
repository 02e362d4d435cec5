// PostgreSQL keeps report_rollup (report-rollup.ts) with statement triggers on call_log: each INSERT, UPDATE or
// DELETE adds up the rows it changed (its transition tables) per rollup row, then upserts those sums once. The
// row trigger of migration 0011 ran two upserts per record written, so seeding, importing or syncing into
// PostgreSQL spent about half its time in it (issue 16: a 96k-record seed took 49 s with it, 27 s without).

import { sql, type Kysely } from 'kysely';
import { GRAINS, ROLLUP_KEY, ROLLUP_SUMS } from './report-rollup.ts';

/** The live rows of a transition table as rollup sums, signed. */
const signedRows = (table: string, sign: 1 | -1) =>
  `select account_id, extension_id, start_time, direction, type, result, action, transferred,
    ${sign} as n, ${sign} * duration_ms as duration_ms, ${sign} * talk_ms as talk_ms,
    ${sign} * coalesce(answer_ms, 0) as answer_ms
  from ${table} where deleted = 0`;

/**
 * One upsert per grain of the summed changes, in key order (so concurrent writers lock shared rollup rows in the
 * same order); changes that add up to nothing (an update of other columns) are left out.
 */
function applyRows(sources: string[]): string {
  const kind = ['direction', 'type', 'result', 'action', 'transferred'];
  return GRAINS.map((grain) => {
    const period = `start_time - start_time % ${grain}`;
    const sums = ROLLUP_SUMS.map((c) => `sum(${c})`);
    return `insert into report_rollup (${[...ROLLUP_KEY, ...ROLLUP_SUMS].join(', ')})
      select account_id, extension_id, ${grain}, ${period}, ${kind.join(', ')}, ${sums.join(', ')}
      from (${sources.join(' union all ')}) as changed
      group by account_id, extension_id, ${period}, ${kind.join(', ')}
      having ${sums.map((s) => `${s} <> 0`).join(' or ')}
      order by ${ROLLUP_KEY.map((_, i) => i + 1).join(', ')}
      on conflict (${ROLLUP_KEY.join(', ')}) do update set
        ${ROLLUP_SUMS.map((c) => `${c} = report_rollup.${c} + excluded.${c}`).join(', ')};`;
  }).join('\n');
}

/** A transition table of a statement trigger on call_log, and the sign its rows carry in a sum kept from it. */
export interface SignedSource {
  table: string;
  sign: 1 | -1;
}

/** The statement triggers a sum kept from call_log needs: one per event, with the transition tables it reads. */
const STATEMENT_EVENTS: { event: string; referencing: string; sources: SignedSource[] }[] = [
  { event: 'insert', referencing: 'new table as new_rows', sources: [{ table: 'new_rows', sign: 1 }] },
  {
    event: 'update',
    referencing: 'old table as old_rows new table as new_rows',
    sources: [
      { table: 'old_rows', sign: -1 },
      { table: 'new_rows', sign: 1 },
    ],
  },
  { event: 'delete', referencing: 'old table as old_rows', sources: [{ table: 'old_rows', sign: -1 }] },
];

/**
 * The key (with the account's hash) of the advisory lock every statement trigger takes before it changes a sum:
 * a transaction that writes an account's records changes that account's sums alone until it commits. Without it,
 * an upsert's update triggers took sum rows before its insert triggers did, so a sync page that updated a record
 * and inserted another deadlocked with a live-ingest group inserting into the same day's or ten days' rows.
 */
const SUMS_LOCK = 0x726c6c70;

/** The function behind one statement trigger: the accounts' locks in order, then `apply`. */
function triggerFunction(name: string, t: (typeof STATEMENT_EVENTS)[number], apply: (s: SignedSource[]) => string) {
  return `create or replace function ${name}_${t.event}() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(${SUMS_LOCK}, hashtext(account_id))
        from (select distinct account_id from ${t.sources[0].table} order by account_id) as accounts;
      ${apply(t.sources)}
      return null;
    end $$`;
}

/**
 * Creates `${name}_insert`, `_update` and `_delete`: a function and a statement trigger on call_log each, whose body
 * is `apply` of the event's signed transition tables (report_rollup, report_contact, report_histogram).
 */
export async function createStatementTriggers(
  db: Kysely<unknown>,
  name: string,
  apply: (sources: SignedSource[]) => string,
): Promise<void> {
  for (const t of STATEMENT_EVENTS) {
    await sql.raw(triggerFunction(name, t, apply)).execute(db);
    await sql
      .raw(
        `create trigger ${name}_${t.event} after ${t.event} on call_log referencing ${t.referencing}
        for each statement execute function ${name}_${t.event}()`,
      )
      .execute(db);
  }
}

/** The functions of createStatementTriggers made again (a grain added, the lock): the triggers stay. */
export async function replaceStatementTriggerFunctions(
  db: Kysely<unknown>,
  name: string,
  apply: (sources: SignedSource[]) => string,
): Promise<void> {
  for (const t of STATEMENT_EVENTS) await sql.raw(triggerFunction(name, t, apply)).execute(db);
}

/** The rollup's statement trigger body: its changes per grain (report-rollup.ts GRAINS). */
export const rollupTriggerBody = (sources: SignedSource[]): string =>
  applyRows(sources.map(({ table, sign }) => signedRows(table, sign)));

/** Migration 0014 (PostgreSQL): replaces the rollup's row trigger with one statement trigger per event. */
export async function statementRollupTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger report_rollup on call_log`.execute(db);
  await sql`drop function report_rollup_apply()`.execute(db);
  await createStatementTriggers(db, 'report_rollup', rollupTriggerBody);
}
