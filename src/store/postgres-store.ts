// The PostgreSQL store: `pg` under Kysely, migrations applied on open (Kysely's migration lock makes
// concurrent starts of several servers safe).

import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { KyselyStore } from './kysely-store.ts';
import type { CopyOut } from './report-store.ts';
import { logQueryTime } from './query-timing.ts';
import { postgresRecordWriter } from './record-writers.ts';
import type { Database as Schema } from './schema.ts';
import { migrate } from './migrations.ts';

/** 64-bit integers (epoch milliseconds) come back as numbers; they stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as unknown),
};

/**
 * Distinct SQL texts prepared by name; texts past this many, and long ones (multi-row inserts, long `in` lists:
 * rarely the same twice, and costly to keep prepared on every connection), run unnamed.
 */
const PREPARED_TEXTS = 200;
const PREPARED_TEXT_MAX_LENGTH = 2000;

/** Statements PostgreSQL prepares (not BEGIN, COMMIT or DDL). */
const DML = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * The pool as Kysely sees it, running every query (SELECT, INSERT, UPDATE, DELETE) as a named prepared statement:
 * pg prepares a name once per connection and PostgreSQL plans it once instead of on every request (the same few
 * texts run for every API request). Named by a hash of the text, so one text has one name on every connection.
 * A migration that changes a table's columns can make a running server's prepared `SELECT *` fail ("cached plan
 * must not change result type"): restart servers after upgrading the schema.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (
      known !== undefined ||
      names.size >= PREPARED_TEXTS ||
      text.length > PREPARED_TEXT_MAX_LENGTH ||
      !DML.test(text)
    ) {
      return known;
    }
    const name = `rl_${createHash('sha1').update(text).digest('base64url')}`;
    names.set(text, name);
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: ((query: unknown, parameters?: readonly unknown[]) =>
          typeof query === 'string'
            ? client.query({ name: nameOf(query), text: query, values: parameters as unknown[] })
            : client.query(query as pg.Submittable)) as never,
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

export interface PostgresStoreOptions {
  poolSize?: number;
  /** Longest a statement may run before PostgreSQL cancels it (the API answers 503). */
  statementTimeoutMs?: number;
  /** Told of idle connections that failed (default: a line on stderr). */
  onPoolError?: (err: Error) => void;
}

/** Longest a statement may run before PostgreSQL cancels it (the API answers 503): one query cannot hold a connection. */
export const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * Session settings of every connection, after the user's own (PGOPTIONS; `options` in the URL replaces both). JIT off:
 * a report's statements over millions of records cost past `jit_above_cost`, and compiling one took 100–400 ms of the
 * 2-core machine (`durations` over the whole 10M set: 1,000 → 750–810 ms without it, docs/benchmarks.md session18);
 * ringlog's statements go along indexes and do not run long enough for JIT to pay back.
 */
export const CONNECTION_OPTIONS = [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' ');

const reportPoolError = (err: Error) =>
  process.stderr.write(`ringlog: PostgreSQL connection lost (${err.message}); it is replaced on the next query\n`);

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<KyselyStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    options: CONNECTION_OPTIONS,
  });
  // An idle connection the server closes (restart, failover, admin) is dropped from the pool and replaced
  // on the next query; without a listener the 'error' event would end the process.
  pool.on('error', options.onPoolError ?? reportPoolError);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), log: logQueryTime });
  await migrate(db, 'postgres');
  return new KyselyStore(db, 'postgres', postgresRecordWriter(pool), { copyOut: binaryCopyOut(pool) });
}

/**
 * `COPY (query) TO STDOUT (FORMAT binary)` on a connection of the pool: the query's rows without a text or an object
 * per value. COPY takes no parameters, so the query's (integers and texts) are written into its text as literals.
 */
function binaryCopyOut(pool: pg.Pool): CopyOut {
  const literal = (v: unknown): string => {
    // In parentheses: a negative number after a minus would otherwise start a comment (`--`).
    if (typeof v === 'number' && Number.isSafeInteger(v)) return `(${v})`;
    if (typeof v === 'string') return pg.escapeLiteral(v);
    throw new Error(`a COPY's parameter must be an integer or a text, not ${String(v)}`);
  };
  return async (query, each) => {
    const text = query.sql.replace(/\$(\d+)\b/g, (_, n: string) => literal(query.parameters[Number(n) - 1]));
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      for await (const chunk of client.query(copyStreams.to(`COPY (${text}) TO STDOUT (FORMAT binary)`))) {
        each(chunk as Buffer);
      }
    } catch (err) {
      failed = err as Error;
      throw err;
    } finally {
      client.release(failed);
    }
  };
}
