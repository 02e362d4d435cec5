// A JSON object around a `records` array of prepared JSON, written straight into one buffer: no page-sized strings
// (joined, base URL put in, concatenated, then encoded on the socket; 80 KB for 100 Simple records, 2.5 MB for
// 1000 Detailed), which weighed in garbage collection and memory. A SQLite reader thread writes the head and the
// records and hands the buffer over without a copy (sqlite-readers.ts); the tail, known once the page is read
// (paging, navigation), goes into room left for it.

import { withBase } from './call-log-record.ts';

export interface RecordsJson {
  /** `head`, the records, then at least the tail's room. */
  bytes: Buffer;
  /** Where the records end: the tail is written there. */
  end: number;
}

/**
 * Where this thread writes a page before its size is known (grown for a bigger page, kept for the next): each
 * record's text, with the base URL put in, is garbage as soon as it is written, instead of a page of texts living
 * together until the page's size was added up. On a reader thread, whose young generation is small, a page of
 * live texts (2.5 MB for 1000 Detailed records) was promoted and grew its old generation by 20 MB (issue 16).
 */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** Writes `text` into the scratch buffer at `at`, growing it first if `text` might not fit; returns the new end. */
function writeScratch(text: string, at: number): number {
  // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, 2 units, takes 4).
  const most = text.length * 3;
  if (scratch.length - at < most) {
    const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, at + most));
    scratch.copy(grown, 0, 0, at);
    scratch = grown;
  }
  return at + scratch.write(text, at);
}

/**
 * `head`, then `records` (JSON prepared with BASE_MARK, read one at a time: a SQLite statement's rows as they are
 * stepped) with `base` put in and joined by commas, then `tailRoom` free bytes.
 */
export function recordsJsonBytes(head: string, records: Iterable<string>, base: string, tailRoom: number): RecordsJson {
  let at = writeScratch(head, 0);
  let first = true;
  for (const json of records) {
    if (!first) at = writeScratch(',', at);
    first = false;
    at = writeScratch(withBase(json, base), at);
  }
  // Not from Node's shared pool: the buffer's memory is its own, so it can be transferred to another thread.
  const bytes = Buffer.allocUnsafeSlow(at + tailRoom);
  scratch.copy(bytes, 0, 0, at);
  return { bytes, end: at };
}

/** The whole JSON: `tail` written after the records (it must fit the room left for it). */
export function finishRecordsJson(json: RecordsJson, tail: string): Buffer {
  const length = Buffer.byteLength(tail);
  if (json.end + length > json.bytes.length) throw new Error('the tail is longer than the room left for it');
  json.bytes.write(tail, json.end);
  return json.bytes.subarray(0, json.end + length);
}
