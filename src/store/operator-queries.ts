// What the operator's endpoints read: a readiness probe of the database, and the state of `ringlog sync` runs
// (kept in the sync state the sync writes: `sync.login.<key>.run`, src/sync/checkpoint.ts).

import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface SyncRunState {
  /** The register's key, naming the upstream login (a hash, no secret). */
  login: string;
  state: 'running' | 'finished';
  /** Epoch ms of the run's last progress note. */
  at: number;
}

const RUN_PREFIX = 'sync.login.';
const RUN_SUFFIX = '.run';

export class OperatorQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /** A round trip to the database; throws when it cannot answer. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** The state of each sync login's last run. */
  async syncRuns(): Promise<SyncRunState[]> {
    const rows = await this.db
      .selectFrom('sync_state')
      .select(['key', 'value'])
      .where('key', 'like', `${RUN_PREFIX}%${RUN_SUFFIX}`)
      .execute();
    const runs: SyncRunState[] = [];
    for (const { key, value } of rows) {
      const login = key.slice(RUN_PREFIX.length, -RUN_SUFFIX.length);
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
