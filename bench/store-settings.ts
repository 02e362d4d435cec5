// What the SQLite store does to its connection and file, read from a store opened the store's own way, so
// the raw baselines use the same settings and the data-set cache notices a change of layout.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqliteStore } from '../src/store/sqlite-store.ts';

/** Per-connection settings the store applies; the file's own (page size, journal mode) come with the file. */
const CONNECTION_PRAGMAS = ['synchronous', 'cache_size', 'mmap_size'] as const;

export interface StoreSettings {
  /** `PRAGMA name = value` statements for a raw connection. */
  connectionPragmas: string[];
  /** Short hash of the page size and the schema a fresh store creates. */
  layout: string;
  pageSize: number;
}

let settings: StoreSettings | undefined;

export async function storeSettings(): Promise<StoreSettings> {
  if (settings) return settings;
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-bench-'));
  try {
    const store = await openSqliteStore(join(dir, 'probe.db'));
    const pragma = async (name: string) => {
      const { rows } = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(store.db);
      return Object.values(rows[0] ?? {})[0];
    };
    const connectionPragmas: string[] = [];
    for (const name of CONNECTION_PRAGMAS) connectionPragmas.push(`${name} = ${String(await pragma(name))}`);
    const pageSize = Number(await pragma('page_size'));
    const { rows } = await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name`.execute(store.db);
    await store.close();
    const layout = createHash('sha256')
      .update(`${pageSize}\n${rows.map((r) => r.sql).join('\n')}`)
      .digest('hex')
      .slice(0, 8);
    settings = { connectionPragmas, layout, pageSize };
    return settings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The settings in a sentence for the figures: page size and the per-connection pragmas. */
export function describeSettings(s: StoreSettings): string {
  return `${s.pageSize / 1024} KiB pages, ${s.connectionPragmas.map((p) => `\`${p}\``).join(', ')}`;
}

/** Applies the store's per-connection settings to a raw better-sqlite3 connection. */
export function applyStoreSettings(db: Database.Database, s: StoreSettings): Database.Database {
  for (const statement of s.connectionPragmas) db.pragma(statement);
  return db;
}
