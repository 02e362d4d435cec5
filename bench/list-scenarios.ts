// The list scenarios (extension- and account-level, Simple and Detailed, 100 and 1000 per page, random page 1..10 over
// the whole data set) and the random page picks shared by the HTTP load and the raw-query baseline.

import Database from 'better-sqlite3';
import { SeededRandom } from '../src/domain/index.ts';

export type View = 'Simple' | 'Detailed';
export type Level = 'extension' | 'account';

export interface ListScenario {
  name: string;
  level: Level;
  view: View;
  perPage: number;
}

/** Each level and view at perPage 100 and 1000 (RingCentral's maximum). */
export const LIST_SCENARIOS: ListScenario[] = (['extension', 'account'] as const).flatMap((level) =>
  [100, 1000].flatMap((perPage) =>
    (['Simple', 'Detailed'] as const).map((view) => ({ name: `${level}, ${view}, ${perPage}`, level, view, perPage })),
  ),
);

export const PER_PAGE = 100;
export const MAX_PAGE = 10;

/** What the scenarios read: the account, its user extensions, and the span of start times. */
export interface Dataset {
  accountId: string;
  userIds: string[];
  firstStart: number;
  lastStart: number;
}

export function readDataset(file: string): Dataset {
  const db = new Database(file, { readonly: true });
  try {
    const account = db.prepare('SELECT id FROM accounts ORDER BY created_at, id LIMIT 1').pluck().get() as string;
    const userIds = db
      .prepare("SELECT id FROM extensions WHERE account_id = ? AND type = 'User' ORDER BY extension_number")
      .pluck()
      .all(account) as string[];
    const span = db
      .prepare(
        "SELECT min(start_time) AS first, max(start_time) AS last FROM call_log WHERE account_id = ? AND extension_id = ''",
      )
      .get(account) as { first: number; last: number };
    return { accountId: account, userIds, firstStart: span.first, lastStart: span.last };
  } finally {
    db.close();
  }
}

/** One page to read: an extension's log (or the company log when null) and a page number. */
export interface PagePick {
  extensionId: string | null;
  page: number;
}

export function pagePicker(dataset: Dataset, level: Level, seed = 1): () => PagePick {
  const generator = new SeededRandom(seed);
  const random = () => generator.next();
  return () => ({
    extensionId: level === 'account' ? null : dataset.userIds[Math.floor(random() * dataset.userIds.length)],
    page: 1 + Math.floor(random() * MAX_PAGE),
  });
}

/** The request path of a pick, with dateFrom/dateTo spanning the whole data set. */
export function listPath(dataset: Dataset, view: View, pick: PagePick, perPage = PER_PAGE): string {
  const log = pick.extensionId === null ? '' : `/extension/${pick.extensionId}`;
  const query = new URLSearchParams({
    view,
    dateFrom: new Date(dataset.firstStart).toISOString(),
    dateTo: new Date(dataset.lastStart).toISOString(),
    perPage: String(perPage),
    page: String(pick.page),
  });
  return `/restapi/v1.0/account/~${log}/call-log?${query}`;
}
