// Where import reads and export writes: a file path, or `-` for stdin/stdout; writes wait for the stream to
// drain, so a slow reader of the output holds the export back instead of filling memory.

import { createReadStream, createWriteStream, fstatSync, statSync } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

export interface Input {
  stream: Readable;
  /** Bytes to read, when known (a file, or stdin redirected from one). */
  size?: number;
}

export function openInput(path: string): Input {
  if (path === '-') {
    const stat = fstatSync(0);
    return { stream: process.stdin, size: stat.isFile() ? stat.size : undefined };
  }
  const size = statSync(path).size;
  return { stream: createReadStream(path, { highWaterMark: 256 * 1024 }), size };
}

/** A text sink over a writable stream; a stream error (e.g. EPIPE when `| head` stops reading) fails the next write. */
export class Output {
  private failure: Error | null = null;

  constructor(
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {
    stream.on('error', (err: Error) => (this.failure ??= err));
  }

  async write(text: string): Promise<void> {
    this.throwIfFailed();
    if (!this.stream.write(text)) await this.drained();
    this.throwIfFailed();
  }

  /** The stream's first error, if it had one (a method: the 'error' handler sets it while we wait). */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Waits for 'drain' (or 'close' / 'error', which end the wait too), leaving no listener behind. */
  private async drained(): Promise<void> {
    const done = new AbortController();
    const { signal } = done;
    try {
      await Promise.race([once(this.stream, 'drain', { signal }), once(this.stream, 'close', { signal })]);
    } finally {
      done.abort();
    }
  }

  /** Ends a file (waiting until it is written); stdout is left open. */
  async close(): Promise<void> {
    if (this.owned) {
      this.stream.end();
      await once(this.stream, 'finish');
    }
    this.throwIfFailed();
  }
}

export function openOutput(path: string): Output {
  return path === '-' ? new Output(process.stdout, false) : new Output(createWriteStream(path), true);
}
