// How tests start the `ringlog` command: node with tsx over src/cli/main.ts (what bin/ringlog.js runs from dist/),
// i.e. today's source, so no test can pass or fail on a stale build.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');
const SOURCE = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PINNED_CLOCK = fileURLToPath(new URL('../../bench/pinned-clock.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Node's arguments for `ringlog ARGS`; with `pinnedClock`, Date.now() is RINGLOG_BENCH_NOW (bench/pinned-clock.mjs). */
export function ringlogArgs(args: string[], options: { pinnedClock?: boolean } = {}): string[] {
  return ['--import', TSX, ...(options.pinnedClock ? ['--import', PINNED_CLOCK] : []), SOURCE, ...args];
}

/** `ringlog ARGS` as one shell command line (for pipes). */
export function ringlogShell(args: string[]): string {
  return [process.execPath, ...ringlogArgs(args)].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
}

/** `ringlog ARGS` run to its end from the repository root, with `env` added (this process's RINGLOG_* left out). */
export function ringlog(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RINGLOG_')));
  return spawnSync(process.execPath, ringlogArgs(args), {
    encoding: 'utf8',
    env: { ...env, ...options.env },
    input: options.input,
    cwd: ROOT,
    maxBuffer: 1 << 28,
  });
}
