// Issue 11 item 13: crash tests. `ringlog seed` and `ringlog import` are killed with SIGKILL at a random moment,
// N times each, then run again to the end: the data (a digest of the whole export) equals an uninterrupted run's.
// (`ringlog sync` killed with SIGKILL is tested in test/sync.test.ts.)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ringlogArgs } from './support/ringlog-cli.ts';

const ENV = { ...process.env, RINGLOG_BENCH_NOW: String(Date.UTC(2026, 10, 20, 12)) };
const TRIALS = 2;
const SEED = ['--seed', '11', '--extensions', '5', '--days', '4', '--calls-per-day', '160', '--json'];

function ringlog(args: string[]) {
  const result = spawnSync(process.execPath, ringlogArgs(args, { pinnedClock: true }), {
    env: ENV,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  assert.equal(result.status, 0, `ringlog ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A digest of every record of the database (its export, sorted), and how many. */
function digest(db: string): { records: number; sha256: string } {
  const lines = ringlog(['export', '--db', db, '--format', 'ndjson', '--out', '-']).split('\n').filter(Boolean).sort();
  return { records: lines.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** Starts `ringlog args` and kills it with SIGKILL after `delayMs` (if it is still running); resolves when gone. */
async function killedAfter(args: string[], delayMs: number): Promise<boolean> {
  const child = spawn(process.execPath, ringlogArgs(args, { pinnedClock: true }), { env: ENV, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  const code = await exited;
  clearTimeout(timer);
  return code === null;
}

describe('kill -9 and run again', () => {
  let dir: string;
  let reference: { records: number; sha256: string };
  let ndjson: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringlog-crash-'));
    const db = join(dir, 'reference.db');
    ringlog(['seed', '--db', db, ...SEED]);
    reference = digest(db);
    ndjson = join(dir, 'records.ndjson');
    ringlog(['export', '--db', db, '--format', 'ndjson', '--out', ndjson]);
    assert.ok(reference.records > 1000);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`seed killed at a random moment (${TRIALS} trials) then run again gives the same data`, async () => {
    let killed = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = join(dir, `seed-${trial}.db`);
      if (await killedAfter(['seed', '--db', db, ...SEED], 300 + Math.floor(Math.random() * 900))) killed += 1;
      ringlog(['seed', '--db', db, ...SEED]);
      assert.deepEqual(digest(db), reference, `trial ${trial}`);
    }
    assert.ok(killed > 0, 'no trial was killed mid-run: lengthen the seed');
  });

  test(`import killed at a random moment (${TRIALS} trials) then run again gives the same data`, async () => {
    let killed = 0;
    const clean = join(dir, 'import-clean.db');
    ringlog(['import', ndjson, '--db', clean]);
    const expected = digest(clean);
    assert.equal(expected.records, reference.records);
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = join(dir, `import-${trial}.db`);
      if (await killedAfter(['import', ndjson, '--db', db], 200 + Math.floor(Math.random() * 800))) killed += 1;
      ringlog(['import', ndjson, '--db', db]);
      assert.deepEqual(digest(db), expected, `trial ${trial}`);
    }
    assert.ok(killed > 0, 'no trial was killed mid-run: lengthen the import');
  });
});
