// Each command reads its own options: import, export, seed and report do not read the server's (a bad RINGLOG_PORT
// or rate-limit file does not stop them), and the server's are checked with the flag or variable named.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rateLimitsFrom } from '../src/cli/config.ts';
import { ringlog } from './support/ringlog-cli.ts';

/** Server settings that would stop the server from starting. */
const BAD_SERVER_ENV = {
  RINGLOG_PORT: 'abc',
  RINGLOG_RATE_LIMITS: '/missing.json',
  RINGLOG_RETENTION: 'never',
  RINGLOG_FAULTS: 'boom',
};

describe('ringlog command options', () => {
  let dir: string;
  let db: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringlog-cli-options-'));
    db = join(dir, 'source.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('seed, export and import ignore the server settings', () => {
    const seeded = ringlog(
      ['seed', '--db', db, '--extensions', '3', '--days', '1', '--calls-per-day', '10', '--json'],
      {
        env: BAD_SERVER_ENV,
      },
    );
    assert.equal(seeded.status, 0, seeded.stderr);
    const { records } = JSON.parse(seeded.stdout) as { records: number };

    const exported = ringlog(['export', '--db', db], { env: { RINGLOG_RATE_LIMITS: '/missing.json' } });
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(exported.stdout.trimEnd().split('\n').length, records);

    const target = join(dir, 'target.db');
    const imported = ringlog(['import', '-', '--db', target], { env: { RINGLOG_PORT: 'abc' }, input: exported.stdout });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`Imported ${records} of ${records} records`));

    const report = ringlog(['report', 'outcomes', '--from', '2000-01-01', '--to', '2100-01-01', '--format', 'json'], {
      env: { ...BAD_SERVER_ENV, RINGLOG_DB: target },
    });
    assert.equal(report.status, 0, report.stderr);
  });

  test('bad server settings are refused with the flag or the variable named, without a stack trace', () => {
    const port = ringlog(['serve', '--db', db], { env: { RINGLOG_PORT: 'abc' } });
    assert.equal(port.status, 1);
    assert.match(port.stderr, /--port.*'abc' from env 'RINGLOG_PORT' is invalid\. must be a whole number/);
    const big = ringlog(['serve', '--db', db, '--port', '70000']);
    assert.match(big.stderr, /--port.*'70000'.*must be at most 65535/);
    const missing = ringlog(['serve', '--db', db], { env: { RINGLOG_RATE_LIMITS: '/missing.json' } });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /RINGLOG_RATE_LIMITS.*missing\.json: ENOENT/);
    for (const result of [port, big, missing]) assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test('a rate-limit file is checked: each bad field is named with the file', () => {
    const file = join(dir, 'limits.json');
    const write = (limits: unknown) => writeFileSync(file, JSON.stringify(limits));
    const rule = { requests: 10, windowSec: 60, penaltySec: 60 };
    write({ Heavy: rule, Light: { ...rule, windowSecs: 30 } });
    assert.throws(() => rateLimitsFrom(file), /limits\.json: Light: .*"windowSecs"/);
    write({ Heavy: { ...rule, requests: '10' }, Medium: { requests: 5 } });
    assert.throws(
      () => rateLimitsFrom(file),
      (err: Error) => {
        assert.match(err.message, /limits\.json: /);
        assert.match(err.message, /Heavy\.requests: .*number/);
        assert.match(err.message, /Medium\.windowSec/);
        return true;
      },
    );
    write({ Heavy: rule, Light: null, Auth: false });
    assert.deepEqual(rateLimitsFrom(file), { Heavy: rule });
  });

  test('a sync --config file with wrong types is refused, naming the file and the fields', () => {
    const file = join(dir, 'sync.json');
    writeFileSync(file, JSON.stringify({ recordings: 'no', db: 42 }));
    const result = ringlog(['sync', '--config', file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /sync\.json/);
    assert.match(result.stderr, /recordings: .*boolean/);
    assert.match(result.stderr, /db: .*string/);
  });
});
