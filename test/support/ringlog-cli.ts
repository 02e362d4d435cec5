// How tests start the `ringlog` command: node with tsx over test/support/ringlog-source.ts, i.e. today's src/.

import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');
const SOURCE = fileURLToPath(new URL('./ringlog-source.ts', import.meta.url));
const PINNED_CLOCK = fileURLToPath(new URL('../../bench/pinned-clock.mjs', import.meta.url));

/** Node's arguments for `ringlog ARGS`; with `pinnedClock`, Date.now() is RINGLOG_BENCH_NOW (bench/pinned-clock.mjs). */
export function ringlogArgs(args: string[], options: { pinnedClock?: boolean } = {}): string[] {
  return ['--import', TSX, ...(options.pinnedClock ? ['--import', PINNED_CLOCK] : []), SOURCE, ...args];
}

/** `ringlog ARGS` as one shell command line (for pipes). */
export function ringlogShell(args: string[]): string {
  return [process.execPath, ...ringlogArgs(args)].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
}
