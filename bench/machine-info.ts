// What a figure was measured on: CPU, cores, RAM, load, node, the git commit, and when.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface RunInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  /** 1-minute load average when the run started (the machine may be shared). */
  load: number;
  node: string;
  commit: string;
  /** The working tree had uncommitted changes (the figures are of the tree, not exactly of the commit). */
  dirty: boolean;
  date: string;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function describeRun(): RunInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    load: loadavg()[0],
    node: process.version,
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function runInfoLine(info: RunInfo): string {
  const commit = info.dirty ? `${info.commit} + uncommitted changes` : info.commit;
  return (
    `${info.date} · commit ${commit} · ${info.cpu}, ${info.cores} cores, ${info.ramGiB} GiB RAM · ` +
    `load ${info.load.toFixed(2)} at start · node ${info.node}`
  );
}
