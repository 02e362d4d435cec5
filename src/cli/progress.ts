// Progress on stderr, drawn by cli-progress: rewritten in place on a terminal, a plain line now and then otherwise.
// A bar with rate and ETA (seed, import, export), or a status line a command composes itself (sync).

import cliProgress from 'cli-progress';
import { formatStatus, type SyncObserver, type SyncStatus } from '../sync/index.ts';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Lines on a terminal are redrawn 4 times a second; elsewhere a line is written every `everyMs`. */
function startBar(
  format: string | cliProgress.GenericFormatter,
  total: number,
  stream: NodeJS.WriteStream,
  everyMs: number,
): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format,
      stream,
      fps: 4,
      noTTYOutput: true,
      notTTYSchedule: everyMs,
      etaBuffer: 50,
      // Off a terminal the last line already ends with a newline: no blank line after it.
      clearOnComplete: !stream.isTTY,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  return bar;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const format = `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`;
  const bar = startBar(format, total, stream, 2000);
  const started = Date.now();
  return {
    update(done) {
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : 0 });
    },
    stop: () => bar.stop(),
  };
}

/** A sync's status line (records, requests, the rate limit, an ETA), with its warnings written above it. */
export function createSyncProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 10_000): SyncObserver {
  let bar: cliProgress.SingleBar | null = null;
  return {
    started(status: () => SyncStatus) {
      bar = startBar(() => formatStatus(status(), Date.now()), 1, stream, everyMs);
    },
    warn(message) {
      if (stream.isTTY) stream.write('\r\x1b[2K');
      stream.write(`warning: ${message}\n`);
      if (stream.isTTY) bar?.render();
    },
    finished() {
      bar?.stop();
    },
  };
}
