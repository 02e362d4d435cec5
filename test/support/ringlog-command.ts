// Runs the `ringlog` command from today's source (src/cli/main.ts through tsx), not from a dist/ that may be stale.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

export const RINGLOG_SOURCE = [process.execPath, '--import', 'tsx', join(import.meta.dirname, '../../src/cli/main.ts')];

/** `ringlog ARGS` with the environment variables `env` added (RINGLOG_* ones of this process left out), stdin `input`. */
export function ringlog(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RINGLOG_')));
  const [node, ...nodeArgs] = RINGLOG_SOURCE;
  return spawnSync(node, [...nodeArgs, ...args], {
    encoding: 'utf8',
    env: { ...env, ...options.env },
    input: options.input,
    cwd: join(import.meta.dirname, '../..'),
  });
}
