// What the operator's endpoints read: a readiness probe of the database, and the state of `ringlog sync` runs
// (kept in the settings registers the sync writes: `sync.login.<key>.run#n`).

import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface SyncRunState {
  /** The register's key, naming the upstream login (a hash, no secret). */
  login: string;
  state: 'running' | 'finished';
  /** Epoch ms of the run's last progress note. */
  at: number;
}

export class OperatorQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /** A round trip to the database; throws when it cannot answer. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** The newest state of each sync login. */
  async syncRuns(): Promise<SyncRunState[]> {
    const rows = await this.db
      .selectFrom('settings')
      .select(['key', 'value'])
      .where('key', 'like', 'sync.login.%.run#%')
      .execute();
    const newest = new Map<string, { n: number; value: string }>();
    for (const row of rows) {
      const hash = row.key.lastIndexOf('#');
      const login = row.key.slice('sync.login.'.length, row.key.length - '.run'.length - (row.key.length - hash));
      const n = Number(row.key.slice(hash + 1));
      const seen = newest.get(login);
      if (!seen || n > seen.n) newest.set(login, { n, value: row.value });
    }
    const runs: SyncRunState[] = [];
    for (const [login, { value }] of newest) {
      try {
        const parsed = JSON.parse(value) as { state: SyncRunState['state']; at: number };
        runs.push({ login, state: parsed.state, at: parsed.at });
      } catch {
        // An unreadable note says nothing about progress.
      }
    }
    return runs;
  }
}
