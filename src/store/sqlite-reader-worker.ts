// A SQLite reader thread (see sqlite-readers.ts): its own read-only connection to the database file, running the
// SELECTs it is sent and posting their rows back, or for a list page its JSON bytes (json-page.ts) in a buffer
// handed over without a copy. WAL lets it read while the main connection writes.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { jsonRecordPage } from './json-page.ts';
import type { JsonPageFrame } from './store.ts';

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: unknown[];
  /** Answer with the rows' `json` column as a page of JSON bytes instead of the rows. */
  jsonPage?: { perPage: number; frame: JsonPageFrame };
}

/** A page of JSON bytes as it crosses threads: `bytes` is the whole buffer (transferred), `end` as in RecordsJson. */
export interface JsonPageAnswer {
  count: number;
  hasMore: boolean;
  bytes: ArrayBuffer;
  end: number;
}

export type ReadAnswer =
  { id: number; rows: unknown[] } | { id: number; page: JsonPageAnswer } | { id: number; error: string };

/** What a thread posts once its connection is open, before any answer. */
export type Ready = 'ready';

const { file } = workerData as { file: string };
const sqlite = new Database(file, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
// An 8 MiB page cache: each reader's cache stays resident at its cap in the server (16 MiB each put the list
// scenarios' peak RSS over 300 MiB), while 4 MiB cost account pages more CPU (their OFFSET scans reread pages
// from the OS page cache); figures in docs/benchmarks.md (issue 16).
sqlite.pragma('cache_size = -8192');
// No memory map, as on the main connection (sqlite-store.ts): mapped pages would stay in the server's RSS.
sqlite.pragma('mmap_size = 0');
const statements = new Map<string, Database.Statement>();

function statementOf(sql: string): Database.Statement {
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= 256) statements.clear();
    statement = sqlite.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

function* jsonsOf(rows: Iterable<{ json: string }>): Generator<string> {
  for (const row of rows) yield row.json;
}

parentPort!.on('message', (request: ReadRequest) => {
  try {
    const statement = statementOf(request.sql);
    if (!request.jsonPage) {
      const rows = statement.reader ? statement.all(request.parameters) : [];
      parentPort!.postMessage({ id: request.id, rows } satisfies ReadAnswer);
      return;
    }
    // The rows as they are stepped, each written into the page and dropped (json-page.ts): a page of rows alive at
    // once was promoted by this thread's small young generation.
    const rows = statement.iterate(request.parameters) as IterableIterator<{ json: string }>;
    const { count, hasMore, json } = jsonRecordPage(jsonsOf(rows), request.jsonPage.perPage, request.jsonPage.frame);
    const bytes = json.bytes.buffer as ArrayBuffer;
    const page: JsonPageAnswer = { count, hasMore, bytes, end: json.end };
    parentPort!.postMessage({ id: request.id, page } satisfies ReadAnswer, [bytes]);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies ReadAnswer);
  }
});

parentPort!.postMessage('ready' satisfies Ready);
