// Lists the test files (node 20's --test does not expand globs) and runs them with node's test runner through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : [...findTests('src'), ...findTests('test')].sort();
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    // A file that hangs fails after 20 minutes instead of holding CI until its own limit; a file whose tests are
    // done exits even if something it started still holds the event loop open.
    '--test-timeout=1200000',
    '--test-force-exit',
    ...files,
  ],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
