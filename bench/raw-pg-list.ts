// The PostgreSQL list baseline: the same pages read with plain `pg` from as many connections as the HTTP load
// has (a named prepared statement with the SQL of the store's listRecords, rows joined into a string), and what
// the list scenarios read from a PostgreSQL database (account, users, span, records).

import pg from 'pg';
import type { Dataset, ListScenario, PagePick } from './list-scenarios.ts';
import { loopFigures, type RawListFigures } from './raw-list.ts';

const SQL = (column: string) =>
  `SELECT ${column} AS json FROM call_log WHERE account_id = $1 AND extension_id = $2 AND start_time >= $3 ` +
  'AND start_time <= $4 AND deleted = $5 AND result <> $6 ORDER BY start_time DESC, id DESC LIMIT $7 OFFSET $8';

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as unknown),
};

export interface RawPgFigures extends RawListFigures {
  connections: number;
}

export const isPostgres = (db: string) => /^postgres(ql)?:\/\//.test(db);

/** The list scenarios' data set, read from a seeded PostgreSQL database (as readDataset does from SQLite). */
export async function readPgDataset(url: string): Promise<Dataset & { records: number }> {
  const c = new pg.Client({ connectionString: url, types });
  await c.connect();
  try {
    const one = async <T>(text: string, values: unknown[] = []) => (await c.query(text, values)).rows[0] as T;
    const { id } = await one<{ id: string }>('SELECT id FROM accounts ORDER BY created_at, id LIMIT 1');
    const users = await c.query<{ id: string }>(
      "SELECT id FROM extensions WHERE account_id = $1 AND type = 'User' ORDER BY extension_number",
      [id],
    );
    const span = await one<{ first: number; last: number }>(
      "SELECT min(start_time) AS first, max(start_time) AS last FROM call_log WHERE account_id = $1 AND extension_id = ''",
      [id],
    );
    const { n } = await one<{ n: number }>('SELECT count(*)::int8 AS n FROM call_log');
    return {
      accountId: id,
      userIds: users.rows.map((r) => r.id),
      firstStart: span.first,
      lastStart: span.last,
      records: n,
    };
  } finally {
    await c.end();
  }
}

/**
 * Reads every page any scenario may ask for once (both views, the largest perPage), so that ringlog and the raw
 * loop both start from warm caches whatever ran before (as warmPageCache does on SQLite).
 */
export async function warmPgPages(url: string, dataset: Dataset, perPage: number, pages: number): Promise<void> {
  const c = new pg.Client({ connectionString: url, types });
  await c.connect();
  try {
    for (const log of ['', ...dataset.userIds]) {
      await c.query(
        'SELECT sum(length(simple_json) + length(detailed_json)) FROM (SELECT simple_json, detailed_json FROM call_log ' +
          'WHERE account_id = $1 AND extension_id = $2 AND start_time >= $3 AND start_time <= $4 AND deleted = 0 ' +
          "AND result <> 'Blocked' ORDER BY start_time DESC, id DESC LIMIT $5) AS page",
        [dataset.accountId, log, dataset.firstStart, dataset.lastStart, perPage * pages + 1],
      );
    }
  } finally {
    await c.end();
  }
}

/** `connections` clients each reading pages back to back (one shared page sequence) for `seconds`. */
export async function rawPgLoop(
  url: string,
  dataset: Dataset,
  s: ListScenario,
  nextPick: () => PagePick,
  seconds: number,
  connections: number,
): Promise<RawPgFigures> {
  const column = s.view === 'Detailed' ? 'detailed_json' : 'simple_json';
  const name = `raw_list_${column}`;
  const perPage = s.perPage;
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url, types });
      await c.connect();
      return c;
    }),
  );
  const readPage = async (c: pg.Client, pick: PagePick): Promise<string> => {
    const { rows } = await c.query<{ json: string }>({
      name,
      text: SQL(column),
      values: [
        dataset.accountId,
        pick.extensionId ?? '',
        dataset.firstStart,
        dataset.lastStart,
        0,
        'Blocked',
        perPage + 1,
        (pick.page - 1) * perPage,
      ],
    });
    return `[${(rows.length > perPage ? rows.slice(0, perPage) : rows).map((r) => r.json).join(',')}]`;
  };
  try {
    const run = async (ms: number, latencies: number[] | null) => {
      let chars = 0;
      const end = performance.now() + ms;
      await Promise.all(
        clients.map(async (c) => {
          for (let now = performance.now(); now < end;) {
            // Read the page before adding: `chars += await …` would add to the total as it was before the await,
            // losing what the other connections added meanwhile.
            const page = await readPage(c, nextPick());
            chars += page.length;
            const after = performance.now();
            latencies?.push(after - now);
            now = after;
          }
        }),
      );
      return chars;
    };
    await run(Math.min(2000, seconds * 200), null);
    const latencies: number[] = [];
    const started = performance.now();
    const chars = await run(seconds * 1000, latencies);
    return { ...loopFigures(latencies, (performance.now() - started) / 1000, chars), connections };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
