// Splits a byte stream into text lines as it arrives (UTF-8, LF or CRLF), pulling a chunk only when the
// consumer asks for more, so a slow consumer never makes the reader buffer the file.

import { StringDecoder } from 'node:string_decoder';

/** Bytes (or text) as a stream or any iterable yields them. */
export type Chunks = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

export interface Line {
  text: string;
  /** 1-based. */
  number: number;
  /** Bytes of the input consumed so far (for progress). */
  bytesRead: number;
}

/** Longest line accepted: a line longer than this is a broken file, not something to buffer. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

export async function* readLines(input: Chunks): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;
  let bytesRead = 0;
  const line = (text: string): Line => {
    number += 1;
    const clean = text.endsWith('\r') ? text.slice(0, -1) : text;
    return { text: number === 1 && clean.startsWith('\uFEFF') ? clean.slice(1) : clean, number, bytesRead };
  };
  for await (const chunk of input) {
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield line(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_CHARS)
      throw new Error(`line ${number + 1} is longer than ${MAX_LINE_CHARS} characters`);
  }
  pending += decoder.end();
  if (pending.length) yield line(pending);
}
