// phoneNumber search as an index range: numbers are kept with their digits reversed (from_rev, to_rev, indexed
// after the log's key), so "the number ends with these digits" is "the reversed number starts with them", one range
// [rev, rev + ':') per side (':' follows '9' bytewise; both columns compare bytewise on both backends).

import { sql, type ExpressionBuilder, type ExpressionWrapper, type RawBuilder, type SqlBool } from 'kysely';
import { reversed } from './call-log-row.ts';
import type { Database } from './schema.ts';

/**
 * The condition "from or to ends with `digits`" on one log of call_log. Each side names the log's key itself, so
 * that each is a range of its own index (SQLite's multi-index OR); the caller keeps SQLite from choosing the primary
 * key instead (see `unindexed`), which would read the log's whole history to find them.
 */
export function phoneSuffix(
  digits: string,
  accountId: string,
  extensionKey: string,
): (eb: ExpressionBuilder<Database, 'call_log'>) => ExpressionWrapper<Database, 'call_log', SqlBool> {
  const low = reversed(digits)!;
  const high = `${low}:`;
  return (eb) =>
    eb.or(
      (['from_rev', 'to_rev'] as const).map((column) =>
        eb.and([
          eb('account_id', '=', accountId),
          eb('extension_id', '=', extensionKey),
          eb(column, '>=', low),
          eb(column, '<', high),
        ]),
      ),
    );
}

/** A column SQLite must not use an index for (`+column`): the phone indexes are the way in. */
export function unindexed(column: 'account_id' | 'extension_id' | 'start_time'): RawBuilder<unknown> {
  return sql`+${sql.ref(column)}`;
}
