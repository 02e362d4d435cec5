// Memory of a child process from /proc/PID/status: current resident set (VmRSS), its anonymous part (RssAnon:
// heap and buffers) and RssFile (pages of mapped files), its peak (VmHWM), and a sampler that
// tracks the highest values seen while a load runs.

import { readFileSync } from 'node:fs';

export interface Memory {
  rssKiB: number;
  anonKiB: number;
  /** RssFile: pages of mapped files (a memory-mapped database's among them). */
  fileKiB: number;
  /** Peak RSS since the process started. */
  hwmKiB: number;
}

export function readMemory(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const memory = {
      rssKiB: field('VmRSS'),
      anonKiB: field('RssAnon'),
      fileKiB: field('RssFile'),
      hwmKiB: field('VmHWM'),
    };
    // A process that has exited but not been reaped (a zombie) has a status without memory lines.
    return Number.isNaN(memory.rssKiB) ? null : memory;
  } catch {
    return null;
  }
}

export interface MemoryWatch {
  /** Highest VmRSS sampled so far. */
  peakKiB(): number;
  /** Highest RssAnon sampled so far. */
  peakAnonKiB(): number;
  /** Highest RssFile sampled so far. */
  peakFileKiB(): number;
  /** The last reading taken (VmHWM included), for a process that may have exited since. */
  last(): Memory | null;
  stop(): void;
}

export function watchMemory(pid: number, intervalMs = 100): MemoryWatch {
  let peak = 0;
  let peakAnon = 0;
  let peakFile = 0;
  let last: Memory | null = null;
  const sample = () => {
    const m = readMemory(pid);
    if (!m) return;
    last = m;
    peak = Math.max(peak, m.rssKiB);
    peakAnon = Math.max(peakAnon, m.anonKiB);
    peakFile = Math.max(peakFile, m.fileKiB);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peakKiB: () => peak,
    peakAnonKiB: () => peakAnon,
    peakFileKiB: () => peakFile,
    last: () => last,
    stop: () => clearInterval(timer),
  };
}

export const mib = (kib: number) => Math.round(kib / 1024);
